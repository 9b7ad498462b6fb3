// A TLS client written as a Qt programmer writes one, with Qt's names from
// <qssl/qt_names.hpp>: defaultConfiguration(), the CA certificates to trust,
// ALPN, a PSK callback, connectToHostEncrypted() + waitForEncrypted(), and
// session ticket reuse (SslOptionDisableSessionPersistence off, the ticket
// of the first connection given to the second).
//
//   qt_client --port PORT [--host 127.0.0.1] [--name localhost] [--ca ca.pem]
//             [--alpn h2,http/1.1] [--psk IDENTITY:HEXKEY] [--resume]
//             [--send TEXT] [--http]
// prints one line per connection: encrypted, protocol, cipher, ALPN, peer,
// resumed and the server's reply.
#include <qssl/qt_names.hpp>

#include <cstdio>
#include <cstdlib>
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

}  // namespace

int main(int argc, char **argv) {
    std::string host = "127.0.0.1", name = "localhost", ca, alpn, psk, send = "qt_client";
    int port = 0;
    bool resume = false, http = false;
    for (int i = 1; i < argc; ++i) {
        std::string opt = argv[i];
        std::string val = i + 1 < argc ? argv[i + 1] : "";
        if (opt == "--resume") { resume = true; continue; }
        if (opt == "--http") { http = true; continue; }
        if (opt == "--port") port = std::atoi(val.c_str());
        else if (opt == "--host") host = val;
        else if (opt == "--name") name = val;
        else if (opt == "--ca") ca = val;
        else if (opt == "--alpn") alpn = val;
        else if (opt == "--psk") psk = val;
        else if (opt == "--send") send = val;
        ++i;
    }

    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    if (!ca.empty()) {
        config.setCaCertificates(QSslCertificate::fromPath(ca));
    }
    if (!alpn.empty()) {
        config.setAllowedNextProtocols(split(alpn, ','));
    }
    if (resume) {
        config.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
    }
    std::string pskIdentity, pskKey;
    if (!psk.empty()) {
        auto parts = split(psk, ':');
        pskIdentity = parts.at(0);
        pskKey = fromHex(parts.at(1));
        config.setProtocol(QSsl::TlsV1_2);
        config.setCiphers("PSK-AES256-CBC-SHA:PSK-AES128-CBC-SHA256");
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
    }

    int rounds = resume ? 2 : 1;
    for (int round = 0; round < rounds; ++round) {
        QSslSocket socket;
        socket.setSslConfiguration(config);
        if (!pskKey.empty()) {
            // connect(&socket, &QSslSocket::preSharedKeyAuthenticationRequired, ...)
            socket.onPreSharedKeyAuthenticationRequired([&](QSslPreSharedKeyAuthenticator *auth) {
                std::printf("psk hint=%s\n", auth->identityHint().c_str());
                auth->setIdentity(pskIdentity);
                auth->setPreSharedKey(pskKey);
            });
        }
        socket.connectToHostEncrypted(host, static_cast<quint16>(port), name);
        if (!socket.waitForEncrypted(10000)) {
            std::fprintf(stderr, "handshake failed: %s\n", socket.errorString().c_str());
            for (const QSslError &e : socket.sslHandshakeErrors()) {
                std::fprintf(stderr, "  ssl error: %s\n", e.errorString().c_str());
            }
            return 1;
        }
        // What the encrypted() slot would look at.
        const QSsl::SslProtocol protocol = socket.sessionProtocol();
        const std::string cipher = socket.sessionCipher().name();
        const std::string peer = socket.peerCertificate().subjectDisplayName();
        socket.write(http ? "GET / HTTP/1.0\r\n\r\n" : send + "\n");
        std::string reply;
        while (socket.waitForReadyRead(10000)) {
            std::string chunk = socket.readAll();
            if (chunk.empty()) {
                break;
            }
            reply += chunk;
            if (!http && reply.find('\n') != std::string::npos) {
                break;
            }
        }
        if (http) {
            reply = reply.substr(0, reply.find('\r'));
        }
        while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) {
            reply.pop_back();
        }
        QSslConfiguration session = socket.sslConfiguration();
        std::printf("encrypted protocol=%s cipher=%s alpn=%s peer=%s resumed=%s reply=[%s]\n",
                    protocol == QSsl::TlsV1_3 ? "TLSv1.3" : protocol == QSsl::TlsV1_2 ? "TLSv1.2" : "other",
                    cipher.c_str(), session.nextNegotiatedProtocol().c_str(), peer.c_str(),
                    socket.sessionResumed() ? "yes" : "no", reply.c_str());
        if (resume && round == 0) {
            // The ticket of this session, for the next connection.
            config.setSessionTicket(session.sessionTicket());
            if (session.sessionTicket().empty()) {
                std::fprintf(stderr, "no session ticket received\n");
                return 1;
            }
        }
        socket.disconnectFromHost();
    }
    return 0;
}
