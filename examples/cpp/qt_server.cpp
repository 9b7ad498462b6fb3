// A TLS server written as a Qt programmer writes one, with Qt's names from
// <qssl/qt_names.hpp>: a configuration from defaultConfiguration(), a local
// certificate and private key (or a PSK callback), ALPN, and a QSslServer
// (Qt 6.4) handing out encrypted QSslSockets. It answers one line per client.
//
//   qt_server --cert server.pem --key server-key.pem [--alpn h2,http/1.1]
//             [--psk IDENTITY:HEXKEY] [--connections N]
// prints "listening PORT" once it accepts connections on 127.0.0.1.
#include <qssl/qt_names.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
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

    if (!pskKey.empty()) {
        // QSslServer::preSharedKeyAuthenticationRequired, for every connection.
        config.onPreSharedKeyAuthenticationRequired([&](QSslPreSharedKeyAuthenticator *auth) {
            if (auth->identity() == pskIdentity) {
                auth->setPreSharedKey(pskKey);
            }
        });
    }

    QSslServer server;
    server.setSslConfiguration(config);
    if (!server.listen("127.0.0.1", 0)) {
        std::fprintf(stderr, "listen: %s\n", server.errorString().c_str());
        return 1;
    }
    std::printf("listening %d\n", server.serverPort());
    std::fflush(stdout);

    int failures = 0;
    for (int n = 0; n < connections; ++n) {
        if (!server.waitForNewConnection(30000)) {
            std::fprintf(stderr, "handshake failed: %s\n", server.errorString().c_str());
            ++failures;
            continue;
        }
        std::unique_ptr<QSslSocket> socket = server.nextPendingConnection();
        std::string line;
        while (line.find('\n') == std::string::npos && socket->waitForReadyRead(10000)) {
            std::string chunk = socket->readAll();
            if (chunk.empty()) {
                break;
            }
            line += chunk;
        }
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
            line.pop_back();
        }
        QSslConfiguration session = socket->sslConfiguration();
        std::string reply = "hello " + line + " protocol=" + protocolName(socket->sessionProtocol()) +
                            " cipher=" + socket->sessionCipher().name() +
                            " alpn=" + session.nextNegotiatedProtocol() + "\n";
        socket->write(reply);
        std::printf("served %s", reply.c_str());
        std::fflush(stdout);
        socket->disconnectFromHost();
    }
    return failures == 0 ? 0 : 1;
}
