// qssl::SslSocket: real handshakes between two qssl endpoints in one
// process, over the memory transport and over a socketpair (a thread per
// side), written with Qt's names: certificates and CA certificates,
// verification errors and ignoreSslErrors, ALPN, PSK callbacks per socket and
// per configuration, a callback that throws, session ticket reuse.
#include "cxxtest.hpp"

#include <sys/socket.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace qssl;

namespace {

SslConfiguration serverConfiguration() {
    SslConfiguration c = SslConfiguration::defaultConfiguration();
    c.setLocalCertificate(SslCertificate::fromFile(cxxtest::fixture("server.pem")));
    c.setPrivateKey(SslKey::fromFile(cxxtest::fixture("server-key.pem"), Ssl::Rsa));
    return c;
}

SslConfiguration clientConfiguration() {
    SslConfiguration c = SslConfiguration::defaultConfiguration();
    c.setCaCertificates(SslCertificate::fromPath(cxxtest::fixture("ca.pem")));
    return c;
}

// Moves bytes between two memory-transport sockets until neither has any.
void pump(SslSocket &a, SslSocket &b) {
    for (int i = 0; i < 100; ++i) {
        std::string ab = a.takeOutput();
        if (!ab.empty()) {
            b.feed(ab);
        }
        std::string ba = b.takeOutput();
        if (!ba.empty()) {
            a.feed(ba);
        }
        if (ab.empty() && ba.empty()) {
            return;
        }
    }
}

// Starts a client and a server over the memory transport and runs the handshake.
void handshake(SslSocket &client, SslSocket &server) {
    client.setMemoryTransport();
    server.setMemoryTransport();
    server.startServerEncryption();
    client.startClientEncryption();
    pump(client, server);
}

// A PSK configuration pinned to TLS 1.2 and a PSK suite (so the server's hint is sent).
SslConfiguration pskConfiguration() {
    SslConfiguration c = SslConfiguration::defaultConfiguration();
    c.setProtocol(Ssl::TlsV1_2);
    c.setCiphers("PSK-AES256-CBC-SHA");
    c.setPeerVerifyMode(SslSocket::VerifyNone);
    return c;
}

const std::string kKey("\x1a\x2b\x3c\x4d\x5e\x6f", 6);

}  // namespace

TEST_CASE(certificate_handshake_with_alpn_over_memory) {
    SslSocket server;
    SslConfiguration sc = serverConfiguration();
    sc.setAllowedNextProtocols({"http/1.1", SslConfiguration::ALPNProtocolHTTP2});
    server.setSslConfiguration(sc);
    SslSocket client;
    SslConfiguration cc = clientConfiguration();
    cc.setAllowedNextProtocols({SslConfiguration::ALPNProtocolHTTP2, SslConfiguration::NextProtocolHttp1_1});
    client.setSslConfiguration(cc);
    client.setPeerVerifyName("localhost");
    CHECK(client.peerVerifyName() == "localhost");
    CHECK(client.mode() == SslSocket::UnencryptedMode);
    handshake(client, server);
    CHECK(client.isEncrypted());
    CHECK(server.isEncrypted());
    CHECK(client.mode() == SslSocket::SslClientMode && server.mode() == SslSocket::SslServerMode);
    CHECK(client.sessionProtocol() == Ssl::TlsV1_3);
    CHECK(!client.sessionCipher().isNull());
    CHECK(client.sessionCipher() == server.sessionCipher());
    CHECK(client.peerCertificate() == SslCertificate::fromFile(cxxtest::fixture("server.pem")));
    CHECK(client.peerCertificateChain().size() == 1);
    CHECK(server.peerCertificate().isNull());  // the client sent none
    CHECK(client.sslHandshakeErrors().empty());
    SslConfiguration state = client.sslConfiguration();
    CHECK(state.nextProtocolNegotiationStatus() == SslConfiguration::NextProtocolNegotiationNegotiated);
    CHECK(state.nextNegotiatedProtocol() == "h2");  // the client's order wins
    CHECK(state.sessionProtocol() == Ssl::TlsV1_3);
    CHECK(!state.ephemeralServerKey().isNull());
    CHECK(client.peerVerifyMode() == SslSocket::AutoVerifyPeer);

    CHECK(client.write("ping") == 4);
    pump(client, server);
    CHECK(server.bytesAvailable() == 0);  // not decrypted until read
    CHECK(server.read(100) == "ping");
    std::string big(100000, 'x');
    CHECK(server.write(big) == static_cast<std::int64_t>(big.size()));
    pump(client, server);
    std::string got = client.readAll();
    CHECK(got == big);
    client.disconnectFromHost();
    pump(client, server);
    CHECK(server.read(10).empty());
    CHECK(server.error() == SslSocket::RemoteHostClosedError);
}

TEST_CASE(blocking_socketpair_with_threads) {
    int sv[2];
    CHECK(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    std::atomic<bool> serverOk{false};
    std::string serverError;
    std::thread t([&] {
        SslSocket server;
        server.setSslConfiguration(serverConfiguration());
        if (!server.setSocketDescriptor(sv[1])) {
            return;
        }
        server.startServerEncryption();
        if (!server.waitForEncrypted(10000)) {
            serverError = server.errorString();
            return;
        }
        std::string line = server.read(64);
        serverOk = server.write("echo:" + line) > 0;
        server.disconnectFromHost();
    });
    SslSocket client;
    client.setSslConfiguration(clientConfiguration());
    client.setPeerVerifyName("localhost");
    CHECK(client.setSocketDescriptor(sv[0]));
    CHECK(client.socketDescriptor() == sv[0]);
    CHECK(!client.setSocketDescriptor(sv[0]));  // already set
    client.startClientEncryption();
    bool encrypted = client.waitForEncrypted(10000);
    std::string reply;
    if (encrypted) {
        client.write("hello");
        if (client.waitForReadyRead(10000)) {
            reply = client.readAll();
        }
    }
    t.join();
    CHECK(serverError.empty());
    CHECK(encrypted);
    CHECK(serverOk);
    CHECK(reply == "echo:hello");
    client.close();
    CHECK(client.socketDescriptor() == -1);
}

TEST_CASE(verification_errors_and_ignoring) {
    {
        // No CA: the handshake fails with Qt's errors.
        SslSocket server, client;
        server.setSslConfiguration(serverConfiguration());
        client.setPeerVerifyName("localhost");
        handshake(client, server);
        CHECK(!client.isEncrypted());
        CHECK(client.error() == SslSocket::SslHandshakeFailedError);
        CHECK(!client.errorString().empty());
        std::vector<SslError> errors = client.sslHandshakeErrors();
        CHECK(!errors.empty());
        CHECK(errors[0].error() == SslError::UnableToGetLocalIssuerCertificate);
        CHECK(!client.waitForEncrypted(10));
    }
    {
        // ignoreSslErrors(): succeeds, the errors are still listed.
        SslSocket server, client;
        server.setSslConfiguration(serverConfiguration());
        client.setPeerVerifyName("localhost");
        client.ignoreSslErrors();
        handshake(client, server);
        CHECK(client.isEncrypted());
        CHECK(!client.sslHandshakeErrors().empty());
    }
    {
        // ignoreSslErrors(list): exactly the expected errors.
        SslSocket server, client;
        server.setSslConfiguration(serverConfiguration());
        client.setSslConfiguration(clientConfiguration());
        client.setPeerVerifyName("wrong.example");
        client.ignoreSslErrors({SslError(SslError::HostNameMismatch,
                                         SslCertificate::fromFile(cxxtest::fixture("server.pem")))});
        handshake(client, server);
        CHECK(client.isEncrypted());
        CHECK(client.sslHandshakeErrors().size() == 1);
    }
    {
        // A different list does not help.
        SslSocket server, client;
        server.setSslConfiguration(serverConfiguration());
        client.setSslConfiguration(clientConfiguration());
        client.setPeerVerifyName("wrong.example");
        client.ignoreSslErrors({SslError(SslError::CertificateExpired)});
        handshake(client, server);
        CHECK(!client.isEncrypted());
        CHECK(client.sslHandshakeErrors()[0].error() == SslError::HostNameMismatch);
    }
    {
        // setPeerVerifyMode(VerifyNone) on the socket.
        SslSocket server, client;
        server.setSslConfiguration(serverConfiguration());
        client.setPeerVerifyMode(SslSocket::VerifyNone);
        CHECK(client.peerVerifyMode() == SslSocket::VerifyNone);
        handshake(client, server);
        CHECK(client.isEncrypted());
    }
}

TEST_CASE(psk_callback_per_socket) {
    SslSocket server, client;
    SslConfiguration sc = pskConfiguration();
    sc.setPreSharedKeyIdentityHint("QtTestServerHint");
    server.setSslConfiguration(sc);
    client.setSslConfiguration(pskConfiguration());
    std::string hintSeen, identitySeen;
    int maxId = 0, maxKey = 0;
    client.onPreSharedKeyAuthenticationRequired([&](SslPreSharedKeyAuthenticator *auth) {
        hintSeen = auth->identityHint();
        maxId = auth->maximumIdentityLength();
        maxKey = auth->maximumPreSharedKeyLength();
        auth->setIdentity("Client_identity");
        auth->setPreSharedKey(kKey);
    });
    server.onPreSharedKeyAuthenticationRequired([&](SslPreSharedKeyAuthenticator *auth) {
        identitySeen = auth->identity();
        if (auth->identity() == "Client_identity") {
            auth->setPreSharedKey(kKey);
        }
    });
    handshake(client, server);
    CHECK(client.isEncrypted());
    CHECK(server.isEncrypted());
    CHECK(hintSeen == "QtTestServerHint");
    CHECK(identitySeen == "Client_identity");
    CHECK(maxId == 255 && maxKey == 512);
    CHECK(client.sessionCipher().name() == "PSK-AES256-CBC-SHA");
    CHECK(client.write("psk") == 3);
    pump(client, server);
    CHECK(server.readAll() == "psk");
}

TEST_CASE(psk_callback_per_configuration_and_precedence) {
    int configCalls = 0, socketCalls = 0;
    SslConfiguration cc = pskConfiguration();
    cc.onPreSharedKeyAuthenticationRequired([&](SslPreSharedKeyAuthenticator *auth) {
        ++configCalls;
        auth->setIdentity("id");
        auth->setPreSharedKey(kKey);
    });
    SslConfiguration copy = cc;  // copies carry the callback; it is not part of ==
    CHECK(copy == pskConfiguration());
    SslConfiguration sc = pskConfiguration();
    sc.onPreSharedKeyAuthenticationRequired([&](SslPreSharedKeyAuthenticator *auth) { auth->setPreSharedKey(kKey); });
    {
        SslSocket server, client;
        server.setSslConfiguration(sc);
        client.setSslConfiguration(copy);
        handshake(client, server);
        CHECK(client.isEncrypted());
        CHECK(configCalls == 1);
    }
    {
        SslSocket server, client;
        server.setSslConfiguration(sc);
        client.setSslConfiguration(copy);
        client.onPreSharedKeyAuthenticationRequired([&](SslPreSharedKeyAuthenticator *auth) {
            ++socketCalls;
            auth->setIdentity("id");
            auth->setPreSharedKey(kKey);
        });
        handshake(client, server);
        CHECK(client.isEncrypted());
        CHECK(socketCalls == 1 && configCalls == 1);  // the socket's own wins
    }
    {
        // Removing the configuration's callback: the PSK handshake cannot proceed.
        SslConfiguration none = copy;
        none.onPreSharedKeyAuthenticationRequired(nullptr);
        SslSocket server, client;
        server.setSslConfiguration(sc);
        client.setSslConfiguration(none);
        handshake(client, server);
        CHECK(!client.isEncrypted());
        CHECK(configCalls == 1);
    }
    {
        // A wrong key on one side fails cleanly.
        SslSocket server, client;
        server.setSslConfiguration(sc);
        client.setSslConfiguration(pskConfiguration());
        client.onPreSharedKeyAuthenticationRequired([&](SslPreSharedKeyAuthenticator *auth) {
            auth->setIdentity("id");
            auth->setPreSharedKey("another key");
        });
        handshake(client, server);
        CHECK(!client.isEncrypted() && !server.isEncrypted());
    }
}

TEST_CASE(psk_callback_that_throws) {
    {
        SslSocket server, client;
        server.setSslConfiguration(pskConfiguration());
        server.onPreSharedKeyAuthenticationRequired([](SslPreSharedKeyAuthenticator *auth) { auth->setPreSharedKey(kKey); });
        client.setSslConfiguration(pskConfiguration());
        client.onPreSharedKeyAuthenticationRequired([](SslPreSharedKeyAuthenticator *) {
            throw std::runtime_error("no key for this server");
        });
        handshake(client, server);
        CHECK(!client.isEncrypted());
        CHECK(!server.isEncrypted());
        CHECK(client.error() == SslSocket::SslHandshakeFailedError);
        CHECK(client.errorString().find("the PSK callback threw an exception: no key for this server") !=
              std::string::npos);
    }
    {
        // On the server, and an exception of a type not derived from std::exception.
        SslSocket server, client;
        server.setSslConfiguration(pskConfiguration());
        server.onPreSharedKeyAuthenticationRequired([](SslPreSharedKeyAuthenticator *) { throw 42; });
        client.setSslConfiguration(pskConfiguration());
        client.onPreSharedKeyAuthenticationRequired([](SslPreSharedKeyAuthenticator *auth) {
            auth->setIdentity("id");
            auth->setPreSharedKey(kKey);
        });
        handshake(client, server);
        CHECK(!server.isEncrypted() && !client.isEncrypted());
        CHECK(server.error() == SslSocket::SslHandshakeFailedError);
        CHECK(server.errorString().find("exception of unknown type") != std::string::npos);
    }
    {
        // A callback set on the configuration that throws.
        SslConfiguration throwing = pskConfiguration();
        throwing.onPreSharedKeyAuthenticationRequired([](SslPreSharedKeyAuthenticator *) {
            throw std::logic_error("configuration callback failed");
        });
        SslSocket server, client;
        server.setSslConfiguration(pskConfiguration());
        server.onPreSharedKeyAuthenticationRequired([](SslPreSharedKeyAuthenticator *auth) { auth->setPreSharedKey(kKey); });
        client.setSslConfiguration(throwing);
        handshake(client, server);
        CHECK(!client.isEncrypted());
        CHECK(client.errorString().find("threw an exception: configuration callback failed") != std::string::npos);
    }
    {
        // The same socket type works again afterwards on this thread: the
        // exception text does not leak into the next failure.
        SslSocket server, client;
        server.setSslConfiguration(serverConfiguration());
        client.setPeerVerifyName("localhost");
        handshake(client, server);
        CHECK(!client.isEncrypted());
        CHECK(client.errorString().find("exception") == std::string::npos);
    }
}

TEST_CASE(session_ticket_reuse) {
    SslConfiguration sc = serverConfiguration();
    SslConfiguration cc = clientConfiguration();
    cc.setSslOption(Ssl::SslOptionDisableSessionPersistence, false);
    std::string ticket;
    {
        SslSocket server, client;
        server.setSslConfiguration(sc);
        client.setSslConfiguration(cc);
        client.setPeerVerifyName("localhost");
        handshake(client, server);
        CHECK(client.isEncrypted());
        CHECK(!client.sessionResumed());
        server.write("x");
        pump(client, server);
        CHECK(client.readAll() == "x");  // TLS 1.3 tickets arrive with the first read
        SslConfiguration state = client.sslConfiguration();
        ticket = state.sessionTicket();
        CHECK(!ticket.empty());
        CHECK(state.sessionTicketLifeTimeHint() > 0);
    }
    {
        SslSocket server, client;
        server.setSslConfiguration(sc);
        SslConfiguration resume = cc;
        resume.setSessionTicket(ticket);
        client.setSslConfiguration(resume);
        client.setPeerVerifyName("localhost");
        handshake(client, server);
        CHECK(client.isEncrypted());
        CHECK(client.sessionResumed());
    }
}

TEST_CASE(ssl_server_over_loopback) {
    SslServer server;
    server.setSslConfiguration(serverConfiguration());
    CHECK(server.handshakeTimeout() == 5000);
    server.setHandshakeTimeout(10000);
    CHECK(!server.isListening() && server.serverPort() == 0);
    CHECK(server.listen("127.0.0.1", 0));
    CHECK(server.isListening() && server.serverPort() != 0);
    bool timedOut = false;
    CHECK(!server.waitForNewConnection(10, &timedOut) && timedOut);
    CHECK(!server.hasPendingConnections() && !server.nextPendingConnection());
    const std::uint16_t port = server.serverPort();

    // A client that trusts the CA: the server hands out an encrypted socket.
    std::string reply;
    Ssl::SslProtocol protocol = Ssl::UnknownProtocol;
    std::thread good([&] {
        SslSocket client;
        client.setSslConfiguration(clientConfiguration());
        client.connectToHostEncrypted("127.0.0.1", port, "localhost");
        if (client.waitForEncrypted(10000)) {
            protocol = client.sessionProtocol();
            client.write("hi\n");
            if (client.waitForReadyRead(10000)) {
                reply = client.readAll();
            }
        }
    });
    bool accepted = server.waitForNewConnection(10000);
    std::unique_ptr<SslSocket> peer = server.nextPendingConnection();
    std::string got;
    if (peer) {
        CHECK(peer->isEncrypted() && peer->mode() == SslSocket::SslServerMode);
        while (got.find('\n') == std::string::npos && peer->waitForReadyRead(10000)) {
            got += peer->readAll();
        }
        peer->write("ok");
        peer->disconnectFromHost();
    }
    good.join();
    CHECK(accepted && peer);
    CHECK(got == "hi\n");
    CHECK(reply == "ok");
    CHECK(protocol == Ssl::TlsV1_3);

    // A client that does not trust it: the handshake fails on both sides.
    std::string clientError;
    bool sent = false;
    std::thread bad([&] {
        SslSocket client;
        client.connectToHostEncrypted("127.0.0.1", port, "localhost");
        if (!client.waitForEncrypted(10000)) {
            clientError = client.errorString();
            sent = client.error() == SslSocket::SslHandshakeFailedError && !client.sslHandshakeErrors().empty();
        }
    });
    bool acceptedBad = server.waitForNewConnection(10000);
    bad.join();
    if (acceptedBad) {
        // The server may finish its side first; the client's alert then
        // ends the connection at the first read.
        std::unique_ptr<SslSocket> late = server.nextPendingConnection();
        CHECK(late && late->read(16).empty());
        CHECK(late->error() != SslSocket::UnknownSocketError);
    } else {
        CHECK(!server.errorString().empty());
    }
    CHECK(!clientError.empty());
    CHECK(sent);
    server.close();
    CHECK(!server.isListening());
    CHECK(!server.waitForNewConnection(0));
    CHECK(!server.listen("not an address"));
}

TEST_CASE(misuse_is_reported_not_crashed) {
    SslSocket s;
    CHECK(s.write("x") == -1);
    CHECK(s.error() == SslSocket::OperationError);
    CHECK(s.read(10).empty());
    CHECK(s.readAll().empty());
    CHECK(!s.waitForEncrypted(0));
    CHECK(!s.waitForReadyRead(0));
    s.startClientEncryption();  // no transport
    CHECK(!s.isEncrypted());
    CHECK(s.errorString().find("no transport") != std::string::npos);
    CHECK(!s.feed("abc"));
    CHECK(s.takeOutput().empty());
    CHECK(!s.setSocketDescriptor(-1));
    CHECK(s.sessionProtocol() == Ssl::UnknownProtocol && s.sessionCipher().isNull());
    CHECK(s.peerCertificate().isNull() && s.sslHandshakeErrors().empty());
    Ssl::AlertLevel level;
    Ssl::AlertType type;
    CHECK(!s.alertSent(&level, &type) && !s.alertReceived(&level, &type));

    // A configuration the engine refuses (a DTLS protocol on a TLS socket).
    SslSocket bad;
    SslConfiguration dtls = SslConfiguration::defaultConfiguration();
    dtls.setProtocol(Ssl::DtlsV1_2);
    bad.setSslConfiguration(dtls);
    bad.setMemoryTransport();
    bad.startClientEncryption();
    CHECK(!bad.isEncrypted());
    CHECK(bad.error() == SslSocket::SslInvalidUserDataError);
    CHECK(!bad.errorString().empty());

    // Garbage from the peer fails the handshake with an alert, no crash.
    SslSocket server;
    server.setSslConfiguration(serverConfiguration());
    server.setMemoryTransport();
    server.startServerEncryption();
    server.feed(std::string("\x16\x03\x01\x00\x04\x01\x00\x00\x00", 9));  // an empty ClientHello
    CHECK(!server.isEncrypted());
    CHECK(server.error() == SslSocket::SslHandshakeFailedError);
    CHECK(server.alertSent(&level, &type));
    CHECK(level == Ssl::AlertLevel::Fatal);

    // A moved socket keeps its connection; the moved-from one is closed.
    SslSocket a, b;
    a.setSslConfiguration(serverConfiguration());
    b.setPeerVerifyMode(SslSocket::VerifyNone);
    handshake(b, a);
    SslSocket moved = std::move(b);
    CHECK(moved.isEncrypted());
    CHECK(!b.isEncrypted());  // NOLINT(bugprone-use-after-move)
    CHECK(b.write("x") == -1);  // NOLINT(bugprone-use-after-move)
}

CXXTEST_MAIN
