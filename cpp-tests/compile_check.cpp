// The C++ headers alone, for the compile checks (g++ and clang++, C++17 and
// C++20, -Wall -Wextra -Wpedantic -Werror): every inline member of every class
// is checked when the headers are parsed; this uses a few of them so the
// templates are instantiated too.
#include <qssl/qt_names.hpp>

int main() {
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    config.setAllowedNextProtocols({QSslConfiguration::ALPNProtocolHTTP2});
    config.onPreSharedKeyAuthenticationRequired([](QSslPreSharedKeyAuthenticator *auth) {
        auth->setIdentity("id");
    });
    QSslSocket socket;
    socket.setSslConfiguration(config);
    QSslError error(QSslError::HostNameMismatch, QSslCertificate());
    socket.ignoreSslErrors({error});
    qint64 n = socket.bytesAvailable();
    quint16 port = 443;
    QSslEllipticCurve curve = QSslEllipticCurve::fromShortName("prime256v1");
    QDtls dtls(QSslSocket::SslClientMode);
    dtls.onPskRequired([](QSslPreSharedKeyAuthenticator *auth) { auth->setPreSharedKey("k"); });
    QDtlsClientVerifier verifier;
    QSslServer server;
    server.setSslConfiguration(config);
    bool dtlsOk = dtls.dtlsError() == QDtlsError::NoError && verifier.verifiedHello().empty() &&
                  !server.isListening();
    return (config.isNull() || n != 0 || port != 443 || !curve.isValid() || !dtlsOk) ? 1 : 0;
}
