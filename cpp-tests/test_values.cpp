// Every class and member of include/qssl.hpp, against the committed fixtures,
// and Qt's value semantics: copies share and compare equal, writes detach,
// moves leave a usable default object, swap exchanges.
#include "cxxtest.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

using namespace qssl;

namespace {
SslCertificate serverCert() { return SslCertificate(cxxtest::readFile(cxxtest::fixture("server.pem"))); }
SslCertificate caCert() { return SslCertificate(cxxtest::readFile(cxxtest::fixture("ca.pem"))); }
SslKey serverKey() {
    return SslKey(cxxtest::readFile(cxxtest::fixture("server-key.pem")), Ssl::Rsa);
}
template <class T>
bool contains(const std::vector<T> &v, const T &x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}
}  // namespace

TEST_CASE(configuration_defaults) {
    SslConfiguration c;
    CHECK(c.isNull());
    CHECK(c.protocol() == Ssl::SecureProtocols);
    CHECK(c.peerVerifyMode() == SslSocket::AutoVerifyPeer);
    CHECK(c.peerVerifyDepth() == 0);
    CHECK(c.localCertificate().isNull());
    CHECK(c.localCertificateChain().empty());
    CHECK(c.privateKey().isNull());
    CHECK(c.ciphers().empty());
    CHECK(c.caCertificates().empty());
    CHECK(c.peerCertificate().isNull());
    CHECK(c.peerCertificateChain().empty());
    CHECK(c.sessionCipher().isNull());
    CHECK(c.sessionProtocol() == Ssl::UnknownProtocol);
    CHECK(c.sessionTicket().empty());
    CHECK(c.sessionTicketLifeTimeHint() == -1);
    CHECK(c.ephemeralServerKey().isNull());
    CHECK(c.ellipticCurves().empty());
    CHECK(c.preSharedKeyIdentityHint().empty());
    CHECK(c.allowedNextProtocols().empty());
    CHECK(c.nextNegotiatedProtocol().empty());
    CHECK(c.nextProtocolNegotiationStatus() == SslConfiguration::NextProtocolNegotiationNone);
    CHECK(c.backendConfiguration().empty());
    CHECK(c.dtlsCookieVerificationEnabled());
    CHECK(!c.ocspStaplingEnabled());
    CHECK(!c.handshakeMustInterruptOnError());
    CHECK(!c.missingCertificateIsFatal());
    CHECK(c.testSslOption(Ssl::SslOptionDisableEmptyFragments));
    CHECK(c.testSslOption(Ssl::SslOptionDisableCompression));
    CHECK(c.testSslOption(Ssl::SslOptionDisableLegacyRenegotiation));
    CHECK(c.testSslOption(Ssl::SslOptionDisableSessionPersistence));
    CHECK(!c.testSslOption(Ssl::SslOptionDisableSessionTickets));
    CHECK(c.sslOptions() == 0x55u);
    CHECK(c.diffieHellmanParameters().isValid());
    CHECK(!c.diffieHellmanParameters().isEmpty());
    CHECK(std::string(SslConfiguration::ALPNProtocolHTTP2) == "h2");
    CHECK(std::string(SslConfiguration::NextProtocolHttp1_1) == "http/1.1");
    // Qt's numbers.
    CHECK(Ssl::TlsV1_2OrLater == 7 && Ssl::TlsV1_3OrLater == 13 && Ssl::UnknownProtocol == -1);
    CHECK(SslSocket::VerifyPeer == 2 && SslSocket::SslClientMode == 1 && SslSocket::SslServerMode == 2);
    CHECK(SslConfiguration::NextProtocolNegotiationUnsupported == 2);
}

TEST_CASE(configuration_setters) {
    SslConfiguration c;
    c.setProtocol(Ssl::TlsV1_3OrLater);
    CHECK(c.protocol() == Ssl::TlsV1_3OrLater);
    CHECK(!c.isNull());
    c.setPeerVerifyMode(SslSocket::VerifyNone);
    CHECK(c.peerVerifyMode() == SslSocket::VerifyNone);
    c.setPeerVerifyDepth(3);
    CHECK(c.peerVerifyDepth() == 3);
    c.setPeerVerifyDepth(-1);  // refused as in Qt: the old value stays
    CHECK(c.peerVerifyDepth() == 3);
    CHECK(!lastErrorString().empty());

    SslCertificate leaf = serverCert();
    SslCertificate ca = caCert();
    c.setLocalCertificateChain({leaf, ca});
    CHECK(c.localCertificateChain().size() == 2);
    CHECK(c.localCertificate() == leaf);
    c.setLocalCertificate(leaf);
    CHECK(c.localCertificateChain().size() == 1);
    c.setPrivateKey(serverKey());
    CHECK(c.privateKey() == serverKey());

    c.setCiphers("TLS_AES_256_GCM_SHA384:NOPE:ECDHE-RSA-AES128-GCM-SHA256");
    std::vector<SslCipher> ciphers = c.ciphers();
    CHECK(ciphers.size() == 2);  // unknown names dropped, as in Qt 6
    CHECK(ciphers[0].name() == "TLS_AES_256_GCM_SHA384");
    c.setCiphers(std::vector<SslCipher>{SslCipher("TLS_AES_128_GCM_SHA256")});
    CHECK(c.ciphers().size() == 1 && c.ciphers()[0].name() == "TLS_AES_128_GCM_SHA256");
    std::vector<SslCipher> supported = SslConfiguration::supportedCiphers();
    CHECK(supported.size() > 10);
    CHECK(contains(supported, SslCipher("TLS_AES_128_GCM_SHA256")));

    c.setCaCertificates({ca});
    CHECK(c.caCertificates().size() == 1 && c.caCertificates()[0] == ca);
    c.addCaCertificate(leaf);
    CHECK(c.caCertificates().size() == 2);
    c.addCaCertificates(std::vector<SslCertificate>{ca});
    CHECK(c.caCertificates().size() == 3);
    CHECK(c.addCaCertificates(cxxtest::fixture("two-certs.pem")));
    CHECK(c.caCertificates().size() == 5);
    CHECK(!c.addCaCertificates(cxxtest::fixture("does-not-exist.pem")));
    CHECK(c.caCertificates().size() == 5);

    c.setSslOption(Ssl::SslOptionDisableSessionPersistence, false);
    CHECK(!c.testSslOption(Ssl::SslOptionDisableSessionPersistence));
    c.setSslOption(Ssl::SslOptionDisableSessionTickets, true);
    CHECK(c.testSslOption(Ssl::SslOptionDisableSessionTickets));

    std::string ticket("\x30\x00\x01\x02", 4);
    c.setSessionTicket(ticket);
    CHECK(c.sessionTicket() == ticket);  // binary-safe

    SslEllipticCurve p256 = SslEllipticCurve::fromShortName("prime256v1");
    SslEllipticCurve x25519 = SslEllipticCurve::fromShortName("X25519");
    c.setEllipticCurves({x25519, p256});
    CHECK(c.ellipticCurves() == (std::vector<SslEllipticCurve>{x25519, p256}));
    std::vector<SslEllipticCurve> curves = SslConfiguration::supportedEllipticCurves();
    CHECK(contains(curves, p256));

    c.setPreSharedKeyIdentityHint("hint");
    CHECK(c.preSharedKeyIdentityHint() == "hint");

    SslDiffieHellmanParameters empty;
    c.setDiffieHellmanParameters(empty);
    CHECK(c.diffieHellmanParameters().isEmpty());

    c.setAllowedNextProtocols({SslConfiguration::ALPNProtocolHTTP2, SslConfiguration::NextProtocolHttp1_1});
    CHECK(c.allowedNextProtocols() == (std::vector<std::string>{"h2", "http/1.1"}));

    c.setDtlsCookieVerificationEnabled(false);
    CHECK(!c.dtlsCookieVerificationEnabled());
    c.setOcspStaplingEnabled(true);
    CHECK(c.ocspStaplingEnabled());
    c.setHandshakeMustInterruptOnError(true);
    CHECK(c.handshakeMustInterruptOnError());
    c.setMissingCertificateIsFatal(true);
    CHECK(c.missingCertificateIsFatal());
}

TEST_CASE(configuration_backend) {
    SslConfiguration c;
    c.setBackendConfigurationOption("MinProtocol", "TLSv1.3");
    c.setBackendConfigurationOption("Number", 42);
    c.setBackendConfigurationOption("Flag", true);
    c.setBackendConfigurationOption("Text", Variant::fromString("t\xc3\xa9xt"));
    BackendConfiguration map = c.backendConfiguration();
    CHECK(map.size() == 4);
    CHECK(map["MinProtocol"].type() == Variant::ByteArray);
    CHECK(map["MinProtocol"].toByteArray() == "TLSv1.3");
    CHECK(map["Number"].type() == Variant::LongLong && map["Number"].toLongLong() == 42);
    CHECK(map["Flag"].type() == Variant::Bool && map["Flag"].toBool());
    CHECK(map["Text"].type() == Variant::String && map["Text"].toString() == "t\xc3\xa9xt");
    SslConfiguration d;
    d.setBackendConfiguration(map);  // round-trips, types included
    CHECK(d.backendConfiguration() == map);
    CHECK(d == c);
    d.setBackendConfiguration();  // Qt's default argument clears it
    CHECK(d.backendConfiguration().empty());
}

TEST_CASE(configuration_value_semantics) {
    SslConfiguration a;
    a.setProtocol(Ssl::TlsV1_2);
    SslConfiguration b = a;  // shares
    CHECK(a == b);
    b.setProtocol(Ssl::TlsV1_3);  // detaches
    CHECK(a.protocol() == Ssl::TlsV1_2);
    CHECK(b.protocol() == Ssl::TlsV1_3);
    CHECK(a != b);
    a.swap(b);
    CHECK(a.protocol() == Ssl::TlsV1_3 && b.protocol() == Ssl::TlsV1_2);
    SslConfiguration moved = std::move(a);
    CHECK(moved.protocol() == Ssl::TlsV1_3);
    // A moved-from object acts as a default-constructed one (no crash).
    CHECK(a.isNull());                                  // NOLINT(bugprone-use-after-move)
    CHECK(a.protocol() == Ssl::SecureProtocols);        // NOLINT(bugprone-use-after-move)
    a.setProtocol(Ssl::TlsV1_2OrLater);
    CHECK(a.protocol() == Ssl::TlsV1_2OrLater);
    SslConfiguration assigned;
    assigned = b;
    CHECK(assigned == b);
    assigned = std::move(b);
    CHECK(assigned.protocol() == Ssl::TlsV1_2);
    SslConfiguration &self = assigned;
    assigned = self;
    CHECK(assigned.protocol() == Ssl::TlsV1_2);
    CHECK(SslConfiguration() == SslConfiguration());
}

TEST_CASE(default_configuration) {
    SslConfiguration saved = SslConfiguration::defaultConfiguration();
    CHECK(!saved.ciphers().empty());  // the default holds the strong suites
    SslConfiguration mine = saved;
    mine.setPeerVerifyDepth(7);
    CHECK(SslConfiguration::defaultConfiguration().peerVerifyDepth() == 0);
    SslConfiguration::setDefaultConfiguration(mine);
    CHECK(SslConfiguration::defaultConfiguration().peerVerifyDepth() == 7);
    SslConfiguration::setDefaultConfiguration(saved);
    CHECK(SslConfiguration::defaultConfiguration() == saved);

    SslConfiguration dtls = SslConfiguration::defaultDtlsConfiguration();
    CHECK(dtls.protocol() == Ssl::DtlsV1_2OrLater);
    SslConfiguration dtls2 = dtls;
    dtls2.setPeerVerifyDepth(2);
    SslConfiguration::setDefaultDtlsConfiguration(dtls2);
    CHECK(SslConfiguration::defaultDtlsConfiguration().peerVerifyDepth() == 2);
    SslConfiguration::setDefaultDtlsConfiguration(dtls);
}

TEST_CASE(certificate_members) {
    std::string pem = cxxtest::readFile(cxxtest::fixture("server.pem"));
    SslCertificate cert(pem);
    CHECK(!cert.isNull());
    CHECK(cert.version() == "3");
    CHECK(cert.serialNumber() == "34:98:21:dd:ca:6b:36:5b:09:20:d2:b3:ea:08:fe:ac:03:03:af:9f");
    CHECK(cert.digest() == std::string("\x9b\xfc\x5d\xe9\xb9\xd7\x90\x8a\x23\x5e\x7e\x82\x80\x7e\xad\xae", 16));
    CHECK(cert.digest(CryptographicHash::Sha256).size() == 32);
    CHECK(cert.subjectInfo(SslCertificate::CommonName) == std::vector<std::string>{"localhost"});
    CHECK(cert.subjectInfo("O") == std::vector<std::string>{"qssl test"});
    CHECK(cert.issuerInfo(SslCertificate::CommonName) == std::vector<std::string>{"qssl test root CA"});
    CHECK(cert.issuerInfo("C") == std::vector<std::string>{"NO"});
    CHECK(cert.subjectDisplayName() == "localhost");
    CHECK(cert.issuerDisplayName() == "qssl test root CA");
    CHECK(cert.subjectInfoAttributes() == (std::vector<std::string>{"C", "CN", "O", "OU"}));
    CHECK(cert.issuerInfoAttributes() == (std::vector<std::string>{"C", "CN", "O"}));
    auto san = cert.subjectAlternativeNames();
    CHECK(san.count(Ssl::DnsEntry) == 1 && san.find(Ssl::DnsEntry)->second == "localhost");
    CHECK(san.count(Ssl::IpAddressEntry) == 2);
    CHECK(san.count(Ssl::EmailEntry) == 1 && san.find(Ssl::EmailEntry)->second == "admin@example.com");
    auto now = std::chrono::system_clock::now();
    CHECK(cert.effectiveDate() < now && now < cert.expiryDate());
    CHECK(std::chrono::system_clock::to_time_t(cert.effectiveDate()) == 1795332102);  // 2026-11-22 07:21:42 UTC
    CHECK(!cert.isSelfSigned());
    CHECK(!cert.isBlacklisted());
    SslKey pub = cert.publicKey();
    CHECK(pub.algorithm() == Ssl::Rsa && pub.type() == Ssl::PublicKey && pub.length() == 2048);
    CHECK(cert.toPem().find("-----BEGIN CERTIFICATE-----") == 0);
    CHECK(SslCertificate(cert.toPem()) == cert);
    std::string der = cert.toDer();
    CHECK(der == cxxtest::readFile(cxxtest::fixture("server.der")));
    CHECK(SslCertificate(der, Ssl::Der) == cert);
    CHECK(cert.toText().find("Certificate:") != std::string::npos);
    CHECK(SslCertificate::fromFile(cxxtest::fixture("server.pem")) == cert);
    CHECK(SslCertificate::fromFile(cxxtest::fixture("server.der"), Ssl::Der) == cert);
    CHECK(SslCertificate::fromFile(cxxtest::fixture("missing.pem")).isNull());
    CHECK(!lastErrorString().empty());
    CHECK(SslCertificate(cxxtest::fixture("selfsigned.pem")).isNull());  // a path is not PEM data
    CHECK(SslCertificate::fromFile(cxxtest::fixture("selfsigned.pem")).isSelfSigned());
    CHECK(SslCertificate::fromData(cxxtest::readFile(cxxtest::fixture("two-certs.pem"))).size() == 2);
    CHECK(SslCertificate::fromData("garbage").empty());
    CHECK(SslCertificate::fromPath(cxxtest::fixture("server.pem")).size() == 1);
    CHECK(SslCertificate::fromPath(cxxtest::fixture("s*ver.pem"), Ssl::Pem,
                                   SslCertificate::PatternSyntax::Wildcard)
              .size() == 1);
    CHECK(SslCertificate::fromPath(cxxtest::fixture("nothing-*.pem"), Ssl::Pem,
                                   SslCertificate::PatternSyntax::Wildcard)
              .empty());

    SslCertificate null;
    CHECK(null.isNull());
    CHECK(null.effectiveDate() == std::chrono::system_clock::time_point::min());
    CHECK(null.toPem().empty() && null.version().empty());
    CHECK(null.publicKey().isNull());
    CHECK(null == SslCertificate());
    SslCertificate copy = cert;
    CHECK(copy == cert);
    copy.clear();  // detaches: cert keeps its value
    CHECK(copy.isNull() && !cert.isNull());
    copy.swap(cert);
    CHECK(cert.isNull() && !copy.isNull());
    SslCertificate moved = std::move(copy);
    CHECK(!moved.isNull());
    CHECK(copy.isNull());  // NOLINT(bugprone-use-after-move)
}

TEST_CASE(certificate_verify_and_pkcs12) {
    (void)SslConfiguration::systemCaCertificates();  // may be empty in a container
    SslCertificate leaf = serverCert();
    std::vector<SslError> errors = SslCertificate::verify({leaf}, "localhost");
    CHECK(!errors.empty());  // the test CA is not trusted by default
    SslConfiguration saved = SslConfiguration::defaultConfiguration();
    SslConfiguration trusting = saved;
    trusting.addCaCertificate(caCert());
    SslConfiguration::setDefaultConfiguration(trusting);
    errors = SslCertificate::verify({leaf}, "localhost");
    bool trusted = errors.empty();
    std::vector<SslError> mismatch = SslCertificate::verify({leaf}, "other.example");
    SslConfiguration::setDefaultConfiguration(saved);
    CHECK(trusted);
    CHECK(mismatch.size() == 1 && mismatch[0].error() == SslError::HostNameMismatch);
    CHECK(mismatch[0].certificate() == leaf);
    std::vector<SslError> none = SslCertificate::verify({});
    CHECK(none.size() == 1 && none[0].error() == SslError::UnspecifiedError);

    std::string p12 = cxxtest::readFile(cxxtest::fixture("server.p12"));
    SslKey key;
    SslCertificate cert;
    std::vector<SslCertificate> cas;
    CHECK(SslCertificate::importPkcs12(p12, &key, &cert, &cas, "qssl-pass"));
    CHECK(cert == leaf && key == serverKey() && cas.size() == 1 && cas[0] == caCert());
    SslKey key2;
    SslCertificate cert2;
    CHECK(!SslCertificate::importPkcs12(p12, &key2, &cert2, nullptr, "wrong"));
    CHECK(key2.isNull() && cert2.isNull());
    CHECK(!SslCertificate::importPkcs12(p12, nullptr, &cert2));
}

TEST_CASE(key_members) {
    std::string pem = cxxtest::readFile(cxxtest::fixture("server-key.pem"));
    SslKey key(pem, Ssl::Rsa);
    CHECK(!key.isNull());
    CHECK(key.algorithm() == Ssl::Rsa && key.type() == Ssl::PrivateKey && key.length() == 2048);
    CHECK(SslKey(key.toPem(), Ssl::Rsa) == key);
    CHECK(SslKey(key.toDer(), Ssl::Rsa, Ssl::Der) == key);
    std::string encrypted = key.toPem("secret");
    CHECK(encrypted.find("ENCRYPTED") != std::string::npos);
    CHECK(SslKey(encrypted, Ssl::Rsa, Ssl::Pem, Ssl::PrivateKey, "secret") == key);
    CHECK(SslKey(encrypted, Ssl::Rsa, Ssl::Pem, Ssl::PrivateKey, "wrong").isNull());
    CHECK(!lastErrorString().empty());
    CHECK(SslKey(pem, Ssl::Ec).isNull());  // another algorithm: Qt gives a null key
    CHECK(SslKey(cxxtest::readFile(cxxtest::fixture("server-key-encrypted.pem")), Ssl::Rsa, Ssl::Pem,
                 Ssl::PrivateKey, "qssl-pass") == key);
    CHECK(SslKey::fromFile(cxxtest::fixture("server-key.pem"), Ssl::Rsa) == key);
    CHECK(SslKey::fromFile(cxxtest::fixture("server-key.der"), Ssl::Rsa, Ssl::Der) == key);
    SslKey pub(cxxtest::readFile(cxxtest::fixture("server-pub.pem")), Ssl::Rsa, Ssl::Pem, Ssl::PublicKey);
    CHECK(pub.type() == Ssl::PublicKey && pub == serverCert().publicKey());
    SslKey ec = SslKey::fromFile(cxxtest::fixture("server-ec-key.pem"), Ssl::Ec);
    CHECK(ec.algorithm() == Ssl::Ec && ec.length() == 256);
    SslKey null;
    CHECK(null.isNull() && null.algorithm() == Ssl::Opaque && null.type() == Ssl::PublicKey &&
          null.length() == -1);
    SslKey copy = key;
    CHECK(copy == key);
    copy.clear();
    CHECK(copy.isNull() && !key.isNull() && copy != key);
    copy.swap(key);
    CHECK(key.isNull() && !copy.isNull());
}

TEST_CASE(cipher_members) {
    SslCipher c("TLS_AES_128_GCM_SHA256");
    CHECK(!c.isNull());
    CHECK(c.name() == "TLS_AES_128_GCM_SHA256");
    CHECK(c.protocol() == Ssl::TlsV1_3 && c.protocolString() == "TLSv1.3");
    CHECK(c.supportedBits() == 128 && c.usedBits() == 128);
    CHECK(c.keyExchangeMethod() == "any" && c.authenticationMethod() == "any");
    CHECK(c.encryptionMethod() == "AESGCM(128)");
    SslCipher rsa("ECDHE-RSA-AES256-GCM-SHA384", Ssl::TlsV1_2);
    CHECK(!rsa.isNull() && rsa.keyExchangeMethod() == "ECDH" && rsa.authenticationMethod() == "RSA");
    CHECK(SslCipher("ECDHE-RSA-AES256-GCM-SHA384", Ssl::TlsV1_3).isNull());
    CHECK(SslCipher("NO-SUCH-CIPHER").isNull());
    SslCipher null;
    CHECK(null.isNull() && null.name().empty() && null.protocol() == Ssl::UnknownProtocol);
    SslCipher copy = c;
    CHECK(copy == c && copy != rsa);
    copy.swap(rsa);
    CHECK(copy.name() == "ECDHE-RSA-AES256-GCM-SHA384" && rsa == c);
}

TEST_CASE(curve_members) {
    SslEllipticCurve p256 = SslEllipticCurve::fromShortName("prime256v1");
    CHECK(p256.isValid() && p256.isTlsNamedCurve());
    CHECK(p256.shortName() == "prime256v1");
    CHECK(!p256.longName().empty());
    CHECK(SslEllipticCurve::fromShortName("P-256") == p256);
    CHECK(SslEllipticCurve::fromLongName(p256.longName()) == p256);
    SslEllipticCurve x = SslEllipticCurve::fromShortName("X25519");
    CHECK(x.isValid() && !x.isTlsNamedCurve() && x != p256);
    CHECK(!SslEllipticCurve::fromShortName("nope").isValid());
    constexpr SslEllipticCurve invalid;
    static_assert(!invalid.isValid(), "the default curve is invalid");
    CHECK(invalid.shortName().empty());
}

TEST_CASE(dh_members) {
    SslDiffieHellmanParameters empty;
    CHECK(empty.isEmpty() && empty.isValid() && empty.error() == SslDiffieHellmanParameters::NoError);
    SslDiffieHellmanParameters def = SslDiffieHellmanParameters::defaultParameters();
    CHECK(!def.isEmpty() && def.isValid());
    SslDiffieHellmanParameters pem =
        SslDiffieHellmanParameters::fromEncoded(cxxtest::readFile(cxxtest::fixture("dh-ffdhe2048.pem")));
    CHECK(pem.isValid() && !pem.isEmpty());
    SslDiffieHellmanParameters der = SslDiffieHellmanParameters::fromEncoded(
        cxxtest::readFile(cxxtest::fixture("dh-ffdhe2048.der")), Ssl::Der);
    CHECK(der == pem);
    SslDiffieHellmanParameters weak =
        SslDiffieHellmanParameters::fromEncoded(cxxtest::readFile(cxxtest::fixture("dh-512.pem")));
    CHECK(!weak.isValid() && weak.error() == SslDiffieHellmanParameters::UnsafeParametersError);
    CHECK(!weak.errorString().empty());
    SslDiffieHellmanParameters junk = SslDiffieHellmanParameters::fromEncoded("junk");
    CHECK(junk.error() == SslDiffieHellmanParameters::InvalidInputDataError);
    CHECK(empty.errorString() == "No error");
    CHECK(def.toDer().size() == 268);  // RFC 7919 ffdhe2048
    CHECK(SslDiffieHellmanParameters::fromEncoded(def.toPem()) == def);
    CHECK(SslDiffieHellmanParameters::fromEncoded(def.toDer(), Ssl::Der) == def);
    CHECK(empty.toPem().empty() && weak.toDer().empty());
    SslDiffieHellmanParameters copy = def;
    CHECK(copy == def);
    copy.swap(empty);
    CHECK(copy.isEmpty() && !empty.isEmpty());
}

TEST_CASE(ssl_error_members) {
    SslError none;
    CHECK(none.error() == SslError::NoError && none.certificate().isNull());
    CHECK(!none.errorString().empty());
    SslError expired(SslError::CertificateExpired);
    CHECK(expired.error() == SslError::CertificateExpired);
    CHECK(expired.errorString() != none.errorString());
    SslError withCert(SslError::SelfSignedCertificate, serverCert());
    CHECK(withCert.certificate() == serverCert());
    CHECK(withCert != SslError(SslError::SelfSignedCertificate));
    CHECK(withCert == SslError(SslError::SelfSignedCertificate, serverCert()));
    SslError implicitFromEnum = SslError::HostNameMismatch;  // as in Qt
    CHECK(implicitFromEnum.error() == SslError::HostNameMismatch);
    withCert.swap(none);
    CHECK(none.error() == SslError::SelfSignedCertificate && withCert.error() == SslError::NoError);
    CHECK(SslError::UnspecifiedError == -1 && SslError::OcspStatusUnknown == 36);
}

TEST_CASE(psk_authenticator_members) {
    SslPreSharedKeyAuthenticator a;
    CHECK(a.identity().empty() && a.identityHint().empty() && a.preSharedKey().empty());
    CHECK(a.maximumIdentityLength() == 0 && a.maximumPreSharedKeyLength() == 0);
    a.setIdentity("client-1");
    a.setPreSharedKey(std::string("\x00\x01\x02\x03", 4));
    CHECK(a.identity() == "client-1");
    CHECK(a.preSharedKey() == std::string("\x00\x01\x02\x03", 4));
    SslPreSharedKeyAuthenticator b = a;
    CHECK(a == b);
    b.setIdentity("other");
    CHECK(a.identity() == "client-1" && a != b);
    a.swap(b);
    CHECK(a.identity() == "other" && b.identity() == "client-1");
    SslPreSharedKeyAuthenticator moved = std::move(a);
    CHECK(moved.identity() == "other");
    CHECK(a == SslPreSharedKeyAuthenticator());  // NOLINT(bugprone-use-after-move)
}

TEST_CASE(errors_and_version) {
    SslConfiguration c;
    c.setCiphers(std::string("\xff\xfe"));  // not UTF-8
    CHECK(lastErrorString().find("UTF-8") != std::string::npos);
    CHECK(version() == QSSL_VERSION_STRING);
    CHECK(SslSocket::supportsSsl());
    CHECK(SslSocket::sslLibraryVersionString().find("OpenSSL 3") == 0);
    CHECK(SslSocket::sslLibraryVersionNumber() >= 0x30000000L);
    CHECK(SslSocket::sslLibraryBuildVersionString().find("OpenSSL 3") == 0);
    CHECK(SslSocket::sslLibraryBuildVersionNumber() >= 0x30000000L);
    CHECK(SslSocket::activeBackend() == "openssl");
    CHECK(SslSocket::availableBackends() == std::vector<std::string>{"openssl"});
    CHECK(SslSocket::setActiveBackend("openssl") && !SslSocket::setActiveBackend("schannel"));
    std::vector<Ssl::SslProtocol> protocols = SslSocket::supportedProtocols();
    CHECK(protocols.size() >= 10 && protocols[0] == Ssl::AnyProtocol && contains(protocols, Ssl::TlsV1_3));
    CHECK(SslSocket::supportedProtocols("no-such-backend").empty());
    CHECK(SslSocket::isProtocolSupported(Ssl::TlsV1_2OrLater));
    CHECK(!SslSocket::isProtocolSupported(Ssl::UnknownProtocol));
    CHECK(!SslSocket::isProtocolSupported(Ssl::TlsV1_2, "no-such-backend"));
    std::vector<Ssl::ImplementedClass> classes = SslSocket::implementedClasses();
    CHECK(contains(classes, Ssl::ImplementedClass::Socket) && contains(classes, Ssl::ImplementedClass::Key));
    CHECK(SslSocket::isClassImplemented(Ssl::ImplementedClass::Certificate));
    std::vector<Ssl::SupportedFeature> features = SslSocket::supportedFeatures();
    CHECK(features.size() == 7 && features[4] == Ssl::SupportedFeature::Psk);
    CHECK(SslSocket::isFeatureSupported(Ssl::SupportedFeature::ServerSideAlpn));
    CHECK(!SslSocket::isFeatureSupported(Ssl::SupportedFeature::Psk, "no-such-backend"));
}

CXXTEST_MAIN
