// A TLS server written as a Qt programmer writes one, with Qt's names from
// <qssl/qt_names.hpp>: a configuration from defaultConfiguration(), a local
// certificate and private key (or a PSK callback), ALPN, and for each
// accepted connection a QSslSocket on its descriptor (what a QTcpServer
// subclass does in incomingConnection()). It answers one line per client.
//
//   qt_server --cert server.pem --key server-key.pem [--alpn h2,http/1.1]
//             [--psk IDENTITY:HEXKEY] [--connections N]
// prints "listening PORT" once it accepts connections on 127.0.0.1.
#include <qssl/qt_names.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string fromHex(const std::string &hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::strtol(hex.substr(i, 2).c_str(), nullptr, 16)));
    }
    return out;
}

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

const char *protocolName(QSsl::SslProtocol p) {
    switch (p) {
    case QSsl::TlsV1_2:
        return "TLSv1.2";
    case QSsl::TlsV1_3:
        return "TLSv1.3";
    default:
        return "other";
    }
}

}  // namespace

int main(int argc, char **argv) {
    std::string certPath, keyPath, alpn, psk;
    int connections = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string opt = argv[i];
        if (opt == "--cert") certPath = argv[i + 1];
        else if (opt == "--key") keyPath = argv[i + 1];
        else if (opt == "--alpn") alpn = argv[i + 1];
        else if (opt == "--psk") psk = argv[i + 1];
        else if (opt == "--connections") connections = std::atoi(argv[i + 1]);
    }

    // The configuration, as in a Qt server.
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    if (!certPath.empty()) {
        config.setLocalCertificate(QSslCertificate::fromPath(certPath).at(0));
        config.setPrivateKey(QSslKey::fromFile(keyPath, QSsl::Rsa));
        if (config.privateKey().isNull()) {
            std::fprintf(stderr, "cannot load the key: %s\n", qssl::lastErrorString().c_str());
            return 1;
        }
    }
    if (!alpn.empty()) {
        config.setAllowedNextProtocols(split(alpn, ','));
    }
    std::string pskIdentity, pskKey;
    if (!psk.empty()) {
        auto parts = split(psk, ':');
        pskIdentity = parts.at(0);
        pskKey = fromHex(parts.at(1));
        config.setProtocol(QSsl::TlsV1_2);
        config.setCiphers("PSK-AES256-CBC-SHA:PSK-AES128-CBC-SHA256");
        config.setPreSharedKeyIdentityHint("qt_server hint");
    }

    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr;
    std::memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(listener, 8) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        std::perror("listen");
        return 1;
    }
    std::printf("listening %d\n", ntohs(addr.sin_port));
    std::fflush(stdout);

    int failures = 0;
    for (int n = 0; n < connections; ++n) {
        int fd = ::accept(listener, nullptr, nullptr);
        if (fd < 0) {
            std::perror("accept");
            return 1;
        }
        // incomingConnection(qintptr socketDescriptor):
        QSslSocket socket;
        socket.setSslConfiguration(config);
        if (!pskKey.empty()) {
            socket.onPreSharedKeyAuthenticationRequired([&](QSslPreSharedKeyAuthenticator *auth) {
                if (auth->identity() == pskIdentity) {
                    auth->setPreSharedKey(pskKey);
                }
            });
        }
        socket.setSocketDescriptor(fd);
        socket.startServerEncryption();
        if (!socket.waitForEncrypted(10000)) {
            std::fprintf(stderr, "handshake failed: %s\n", socket.errorString().c_str());
            ++failures;
            continue;
        }
        std::string line;
        while (line.find('\n') == std::string::npos && socket.waitForReadyRead(10000)) {
            std::string chunk = socket.readAll();
            if (chunk.empty()) {
                break;
            }
            line += chunk;
        }
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
            line.pop_back();
        }
        QSslConfiguration session = socket.sslConfiguration();
        std::string reply = "hello " + line + " protocol=" + protocolName(socket.sessionProtocol()) +
                            " cipher=" + socket.sessionCipher().name() +
                            " alpn=" + session.nextNegotiatedProtocol() + "\n";
        socket.write(reply);
        std::printf("served %s", reply.c_str());
        std::fflush(stdout);
        socket.disconnectFromHost();
    }
    ::close(listener);
    return failures == 0 ? 0 : 1;
}
