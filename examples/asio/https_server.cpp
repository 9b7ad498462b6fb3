// A Boost.Asio HTTPS server whose TLS settings come from a qssl
// configuration applied to Asio's own SSL context
// (qssl_config_apply_to_openssl_context on ssl::context::native_handle()).
// Asio makes the SSL objects and drives the handshakes; qssl's callbacks
// decide trust inside them.
//
//   https_server [--cert F --key F] [--ca F] [--verify-peer] [--psk] [--tls12]
//                [--connections N]
//
// Listens on 127.0.0.1 (a free port, printed on the first line of stdout),
// serves N connections (default 1) one after another, prints one line per
// connection ("handshake ok <protocol>" or "handshake failed: <reason>") and
// exits 0. A failed handshake is an answer, not a crash.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "../example_config.h"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

int main(int argc, char **argv) {
    example_options opt{};
    int connections = 1;
    for (int i = 1; i < argc; i++) {
        if (std::string(argv[i]) == "--connections" && i + 1 < argc) {
            connections = std::atoi(argv[++i]);
        } else if (!example_parse_option(&opt, argc, argv, &i)) {
            std::cerr << "unknown option " << argv[i] << "\n";
            return 2;
        }
    }
    qssl_config_t *cfg = example_config(&opt);
    if (!cfg) return 2;

    asio::io_context io;
    asio::ssl::context ctx(asio::ssl::context::tls_server);
    if (qssl_config_apply_to_openssl_context(cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, ctx.native_handle()) !=
        QSSL_STATUS_OK) {
        std::cerr << "apply: " << qssl_last_error_message() << "\n";
        qssl_config_free(cfg);
        return 2;
    }
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    std::cout << acceptor.local_endpoint().port() << std::endl;

    for (int n = 0; n < connections; n++) {
        tcp::socket sock(io);
        acceptor.accept(sock);
        asio::ssl::stream<tcp::socket &> tls(sock, ctx);
        boost::system::error_code ec;
        tls.handshake(asio::ssl::stream_base::server, ec);
        if (ec) {
            std::cout << "handshake failed: " << ec.message() << std::endl;
            continue;
        }
        // Qt's session state, read back from the SSL Asio made.
        qssl_config_t *state = qssl_config_copy(cfg);
        qssl_config_set_session_state_from_openssl(state, QSSL_SSL_MODE_SSL_SERVER_MODE, tls.native_handle());
        qssl_cert_t *peer = qssl_config_peer_certificate(state);
        std::cout << "handshake ok protocol " << qssl_config_session_protocol(state)
                  << (qssl_cert_is_null(peer) ? " no client certificate" : " client certificate")
                  << std::endl;
        qssl_cert_free(peer);
        qssl_config_free(state);
        asio::streambuf request;
        asio::read_until(tls, request, "\r\n\r\n", ec);
        if (!ec) {
            const std::string body = "hello from qssl over Boost.Asio\n";
            const std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                                      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            asio::write(tls, asio::buffer(reply), ec);
        }
        tls.shutdown(ec);
    }
    qssl_config_free(cfg);
    return 0;
}
