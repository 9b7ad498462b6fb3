// A Boost.Asio HTTPS client whose TLS settings come from a qssl
// configuration applied to Asio's own SSL context. The host name is sent as
// SNI (SSL_set_tlsext_host_name), which qssl's verify callback checks the
// server's certificate against; Asio's own verify callback is not used.
//
//   https_client PORT HOST [--cert F --key F] [--ca F] [--verify-none] [--psk] [--tls12]
//
// Connects to 127.0.0.1:PORT, sends GET / and prints the response. Exit 0:
// the response arrived; 1: the handshake was refused (reason on stderr);
// 2: a usage or set-up error.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <iostream>
#include <string>

#include "../example_config.h"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

int main(int argc, char **argv) {
    if (argc < 3) {
        std::cerr << "usage: https_client PORT HOST [options]\n";
        return 2;
    }
    const unsigned short port = static_cast<unsigned short>(std::atoi(argv[1]));
    const std::string host = argv[2];
    example_options opt{};
    for (int i = 3; i < argc; i++) {
        if (!example_parse_option(&opt, argc, argv, &i)) {
            std::cerr << "unknown option " << argv[i] << "\n";
            return 2;
        }
    }
    qssl_config_t *cfg = example_config(&opt);
    if (!cfg) return 2;

    asio::io_context io;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    if (qssl_config_apply_to_openssl_context(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, ctx.native_handle()) !=
        QSSL_STATUS_OK) {
        std::cerr << "apply: " << qssl_last_error_message() << "\n";
        qssl_config_free(cfg);
        return 2;
    }
    tcp::socket sock(io);
    boost::system::error_code ec;
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) {
        std::cerr << "connect: " << ec.message() << "\n";
        qssl_config_free(cfg);
        return 2;
    }
    asio::ssl::stream<tcp::socket &> tls(sock, ctx);
    if (!host.empty()) SSL_set_tlsext_host_name(tls.native_handle(), host.c_str());
    tls.handshake(asio::ssl::stream_base::client, ec);
    if (ec) {
        std::cerr << "handshake refused: " << ec.message() << " (verify result "
                  << SSL_get_verify_result(tls.native_handle()) << ")\n";
        qssl_config_free(cfg);
        return 1;
    }
    const std::string request = "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    asio::write(tls, asio::buffer(request), ec);
    std::string response;
    char buf[1024];
    for (;;) {
        size_t n = tls.read_some(asio::buffer(buf), ec);
        response.append(buf, n);
        if (ec) break;
    }
    std::cout << response;
    qssl_config_free(cfg);
    return response.find("200 OK") != std::string::npos ? 0 : 1;
}
