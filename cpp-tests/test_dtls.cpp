// qssl::Dtls and qssl::DtlsClientVerifier (QDtls, QDtlsClientVerifier): DTLS
// 1.2 handshakes between two qssl endpoints over the memory transport, with
// a cookie verifier in front of the server, written with Qt's names:
// certificates, verification errors ignored and resumed, PSK callbacks, a
// callback that throws, datagrams both ways, shutdown.
#include "cxxtest.hpp"

#include <stdexcept>

using namespace qssl;

namespace {

const int kMem = Dtls::MemoryTransport;

SslConfiguration serverConfiguration() {
    SslConfiguration c = SslConfiguration::defaultDtlsConfiguration();
    c.setLocalCertificate(SslCertificate::fromFile(cxxtest::fixture("server.pem")));
    c.setPrivateKey(SslKey::fromFile(cxxtest::fixture("server-key.pem"), Ssl::Rsa));
    return c;
}

SslConfiguration clientConfiguration(const char *ca) {
    SslConfiguration c = SslConfiguration::defaultDtlsConfiguration();
    c.setCaCertificates(SslCertificate::fromPath(cxxtest::fixture(ca)));
    return c;
}

// Every datagram `from` queued goes to `to`'s handshake or decryption.
bool relay(Dtls &from, Dtls &to, std::string *plain = nullptr) {
    bool moved = false;
    for (std::string d = from.takeDatagram(); !d.empty(); d = from.takeDatagram()) {
        moved = true;
        if (to.handshakeState() == Dtls::HandshakeInProgress) {
            to.doHandshake(kMem, d);
        } else if (to.isConnectionEncrypted()) {
            std::string p = to.decryptDatagram(kMem, d);
            if (plain) {
                *plain += p;
            }
        }
    }
    return moved;
}

// ClientHello -> verifier (HelloVerifyRequest) -> hello with cookie -> server.
// The retransmission timer is set to its maximum, so a slow run (valgrind)
// does not add retransmitted flights; any that come are still handled.
bool handshake(Dtls &client, Dtls &server) {
    DtlsClientVerifier verifier;
    if (!client.setInitialTimeoutMs(60000) || !server.setInitialTimeoutMs(60000)) {
        return false;
    }
    if (!client.doHandshake(kMem)) {
        return false;
    }
    bool verified = false;
    for (int round = 0; round < 4 && !verified; ++round) {
        for (std::string hello = client.takeDatagram(); !hello.empty() && !verified;
             hello = client.takeDatagram()) {
            verified = verifier.verifyClient(kMem, hello, "127.0.0.1", 50000);
            if (!verified) {
                std::string request = verifier.takeDatagram();
                if (!request.empty()) {
                    client.doHandshake(kMem, request);
                }
            }
        }
    }
    if (!verified) {
        return false;
    }
    server.doHandshake(kMem, verifier.verifiedHello());
    for (int i = 0; i < 20; ++i) {
        bool a = relay(server, client);
        bool b = relay(client, server);
        if (!a && !b) {
            break;
        }
    }
    return client.isConnectionEncrypted() && server.isConnectionEncrypted();
}

bool exchange(Dtls &client, Dtls &server) {
    std::string got;
    if (client.writeDatagramEncrypted(kMem, "ping") != 4) {
        return false;
    }
    relay(client, server, &got);
    if (got != "ping" || server.writeDatagramEncrypted(kMem, "pong") != 4) {
        return false;
    }
    got.clear();
    relay(server, client, &got);
    return got == "pong";
}

}  // namespace

TEST_CASE(certificate_handshake_with_verifier) {
    Dtls client(SslSocket::SslClientMode), server(SslSocket::SslServerMode);
    CHECK(client.sslMode() == SslSocket::SslClientMode && server.sslMode() == SslSocket::SslServerMode);
    CHECK(client.setDtlsConfiguration(clientConfiguration("ca.pem")));
    CHECK(server.setDtlsConfiguration(serverConfiguration()));
    CHECK(client.setPeer("127.0.0.1", 4433, "localhost"));
    CHECK(server.setPeer("127.0.0.1", 50000));
    CHECK(client.peerAddress() == "127.0.0.1" && client.peerPort() == 4433);
    CHECK(client.peerVerificationName() == "localhost");
    CHECK(client.handshakeState() == Dtls::HandshakeNotStarted);
    CHECK(handshake(client, server));
    CHECK(client.handshakeState() == Dtls::HandshakeComplete);
    CHECK(client.sessionProtocol() == Ssl::DtlsV1_2);
    CHECK(!server.sessionCipher().isNull());
    CHECK(client.dtlsError() == DtlsError::NoError);
    CHECK(client.dtlsConfiguration().peerCertificate() == SslCertificate::fromFile(cxxtest::fixture("server.pem")));
    CHECK(client.dataMtu() > 1000);
    CHECK(exchange(client, server));
    CHECK(client.writeDatagramEncrypted(kMem, std::string(client.dataMtu() + 1, 'x')) == -1);
    CHECK(client.dtlsError() == DtlsError::InvalidInputParameters);
    CHECK(client.shutdown(kMem));
    std::string bye = client.takeDatagram();
    CHECK(server.decryptDatagram(kMem, bye).empty());
    CHECK(server.dtlsError() == DtlsError::RemoteClosedConnectionError);
}

TEST_CASE(verification_failure_ignored_and_resumed) {
    Dtls client(SslSocket::SslClientMode), server(SslSocket::SslServerMode);
    CHECK(client.setDtlsConfiguration(clientConfiguration("selfsigned.pem")));
    CHECK(server.setDtlsConfiguration(serverConfiguration()));
    client.setPeer("127.0.0.1", 4433, "localhost");
    server.setPeer("127.0.0.1", 50000);
    CHECK(!handshake(client, server));
    CHECK(client.handshakeState() == Dtls::PeerVerificationFailed);
    CHECK(client.dtlsError() == DtlsError::PeerVerificationError);
    CHECK(client.dtlsErrorString().find("peer verification failed") != std::string::npos);
    CHECK(!client.resumeHandshake(kMem));
    std::vector<SslError> errors = client.peerVerificationErrors();
    CHECK(!errors.empty());
    client.ignoreVerificationErrors(errors);
    CHECK(client.resumeHandshake(kMem));
    CHECK(client.isConnectionEncrypted());
    relay(client, server);
    CHECK(exchange(client, server));
}

TEST_CASE(psk_and_cookie_parameters) {
    SslConfiguration cc = SslConfiguration::defaultDtlsConfiguration();
    cc.setCiphers("PSK-AES128-CCM8");
    cc.setPeerVerifyMode(SslSocket::VerifyNone);
    SslConfiguration sc = SslConfiguration::defaultDtlsConfiguration();
    sc.setCiphers("PSK-AES128-CCM8");
    Dtls client(SslSocket::SslClientMode), server(SslSocket::SslServerMode);
    CHECK(client.setDtlsConfiguration(cc) && server.setDtlsConfiguration(sc));
    client.setPeer("127.0.0.1", 4433);
    server.setPeer("127.0.0.1", 50000);
    std::string seen;
    client.onPskRequired([](SslPreSharedKeyAuthenticator *auth) {
        auth->setIdentity("device-7");
        auth->setPreSharedKey("0123456789abcdef");
    });
    server.onPskRequired([&](SslPreSharedKeyAuthenticator *auth) {
        seen = auth->identity();
        auth->setPreSharedKey("0123456789abcdef");
    });
    CHECK(handshake(client, server));
    CHECK(seen == "device-7");
    CHECK(client.sessionCipher().name() == "PSK-AES128-CCM8");
    CHECK(exchange(client, server));

    Dtls::GeneratorParameters defaults = server.cookieGeneratorParameters();
    CHECK(defaults.hash == CryptographicHash::Sha1);
    DtlsClientVerifier verifier;
    CHECK(verifier.setCookieGeneratorParameters({CryptographicHash::Sha256, "a secret"}));
    CHECK(verifier.cookieGeneratorParameters().hash == CryptographicHash::Sha256);
    CHECK(verifier.cookieGeneratorParameters().secret == "a secret");
    CHECK(!verifier.setCookieGeneratorParameters({CryptographicHash::Sha256, ""}));  // an empty secret
    CHECK(!verifier.verifyClient(kMem, "not a hello", "127.0.0.1", 1));
    CHECK(verifier.verifiedHello().empty());
    Dtls fresh(SslSocket::SslClientMode);
    CHECK(!fresh.setDtlsConfiguration(SslConfiguration::defaultConfiguration()));  // a TLS configuration
    CHECK(fresh.dtlsError() == DtlsError::InvalidInputParameters);
}

TEST_CASE(psk_callback_that_throws) {
    SslConfiguration cc = SslConfiguration::defaultDtlsConfiguration();
    cc.setCiphers("PSK-AES128-CCM8");
    cc.setPeerVerifyMode(SslSocket::VerifyNone);
    SslConfiguration sc = cc;
    Dtls client(SslSocket::SslClientMode), server(SslSocket::SslServerMode);
    CHECK(client.setDtlsConfiguration(cc) && server.setDtlsConfiguration(sc));
    client.setPeer("127.0.0.1", 4433);
    server.setPeer("127.0.0.1", 50000);
    client.onPskRequired([](SslPreSharedKeyAuthenticator *) { throw std::runtime_error("no key"); });
    server.onPskRequired([](SslPreSharedKeyAuthenticator *auth) { auth->setPreSharedKey("0123456789abcdef"); });
    CHECK(!handshake(client, server));
    CHECK(!client.isConnectionEncrypted());
    CHECK(client.dtlsError() != DtlsError::NoError);
    CHECK(client.dtlsErrorString().find("the PSK callback threw an exception: no key") != std::string::npos);
}

CXXTEST_MAIN
