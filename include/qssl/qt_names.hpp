// qssl/qt_names.hpp: Qt's own spellings for qssl's C++ classes, for
// programs that do not link Qt (including this next to Qt's headers would
// clash). QSslConfiguration is qssl::SslConfiguration, namespace QSsl is
// qssl::Ssl, and so on; see docs/CPP.md for the type mapping.
#ifndef QSSL_QT_NAMES_HPP
#define QSSL_QT_NAMES_HPP

#include <qssl.hpp>

#include <cstdint>

/// QSsl: the enumerations (QSsl::TlsV1_2OrLater, QSsl::Pem, ...).
namespace QSsl = qssl::Ssl;
/// QCryptographicHash::Algorithm, as far as QSslCertificate::digest() uses it.
namespace QCryptographicHash = qssl::CryptographicHash;

using QSslConfiguration = qssl::SslConfiguration;
using QSslPreSharedKeyAuthenticator = qssl::SslPreSharedKeyAuthenticator;
using QSslCertificate = qssl::SslCertificate;
using QSslKey = qssl::SslKey;
using QSslCipher = qssl::SslCipher;
using QSslEllipticCurve = qssl::SslEllipticCurve;
using QSslDiffieHellmanParameters = qssl::SslDiffieHellmanParameters;
using QSslError = qssl::SslError;
using QSslSocket = qssl::SslSocket;
using QSslServer = qssl::SslServer;
using QDtls = qssl::Dtls;
using QDtlsClientVerifier = qssl::DtlsClientVerifier;
using QDtlsError = qssl::DtlsError;

/// Qt's integer types used in these classes' signatures.
using qint64 = std::int64_t;
using quint16 = std::uint16_t;

#endif  // QSSL_QT_NAMES_HPP
