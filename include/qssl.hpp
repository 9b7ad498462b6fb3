// qssl.hpp: Qt's TLS classes with Qt's names, header-only C++17 over qssl.h.
//
// namespace qssl holds each Qt class under its name without the leading Q
// (qssl::SslConfiguration for QSslConfiguration, ...), with Qt's members,
// enumerations (QSsl:: in qssl::Ssl::) and numbers. #include <qssl/qt_names.hpp>
// adds Qt's own spellings (QSslConfiguration, namespace QSsl, ...).
//
// Qt's types, mapped once (docs/CPP.md):
//   QByteArray            -> std::string (binary-safe; an empty string is
//                            passed as Qt's null QByteArray, and null and
//                            empty values both read back as "")
//   QString               -> std::string (UTF-8)
//   QList<T>, QStringList -> std::vector<T>, std::vector<std::string>
//   QDateTime             -> std::chrono::system_clock::time_point (invalid:
//                            time_point::min())
//   QMultiMap<K, V>       -> std::multimap<K, V>
//   QMap<QByteArray, QVariant> (backend configuration)
//                         -> std::map<std::string, qssl::Variant>
//   qint64                -> std::int64_t
//   QIODevice* (a file)   -> a path: fromFile(path, ...) (beyond Qt)
//
// Values behave as in Qt: copies share (the C reference count), writes
// detach, moves are free, ==/!= and swap as in Qt; a default-constructed
// object is Qt's default object; a moved-from object acts as a
// default-constructed one. Errors are reported as Qt reports them (a null
// object, an empty list, false); qssl::lastErrorString() gives the C layer's
// message for the most recent failure on the calling thread. Nothing here
// throws, except std::bad_alloc when memory runs out; an exception thrown by a
// callback is caught before it reaches the C library and aborts the handshake.
//
// Threads: as in Qt ("reentrant"): distinct objects may be used from
// different threads at once; const members may run concurrently on one object.
#ifndef QSSL_HPP
#define QSSL_HPP

#include <qssl.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace qssl {

class SslCertificate;
class SslKey;
class SslCipher;
class SslError;
class SslPreSharedKeyAuthenticator;

/// The message of the most recent failure of a qssl call on this thread
/// ("" if none); beyond Qt (Qt has per-object errorString()s).
inline std::string lastErrorString() { return qssl_last_error_message(); }

/// The version of the loaded qssl library ("0.1.0"); beyond Qt.
inline std::string version() { return qssl_version(); }

// ---- QSsl -------------------------------------------------------------------

/// QSsl: the enumerations of Qt's QSsl namespace, with Qt 6's numbers.
namespace Ssl {
/// QSsl::KeyType
enum KeyType { PrivateKey = QSSL_KEY_TYPE_PRIVATE_KEY, PublicKey = QSSL_KEY_TYPE_PUBLIC_KEY };
/// QSsl::EncodingFormat
enum EncodingFormat { Pem = QSSL_ENCODING_FORMAT_PEM, Der = QSSL_ENCODING_FORMAT_DER };
/// QSsl::KeyAlgorithm
enum KeyAlgorithm {
    Opaque = QSSL_KEY_ALGORITHM_OPAQUE,
    Rsa = QSSL_KEY_ALGORITHM_RSA,
    Dsa = QSSL_KEY_ALGORITHM_DSA,
    Ec = QSSL_KEY_ALGORITHM_EC,
    Dh = QSSL_KEY_ALGORITHM_DH
};
/// QSsl::AlternativeNameEntryType
enum AlternativeNameEntryType {
    EmailEntry = QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_EMAIL_ENTRY,
    DnsEntry = QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_DNS_ENTRY,
    IpAddressEntry = QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_IP_ADDRESS_ENTRY
};
/// QSsl::SslProtocol (Qt 6 numbers)
enum SslProtocol {
    TlsV1_0 = QSSL_SSL_PROTOCOL_TLS_V1_0,
    TlsV1_1 = QSSL_SSL_PROTOCOL_TLS_V1_1,
    TlsV1_2 = QSSL_SSL_PROTOCOL_TLS_V1_2,
    AnyProtocol = QSSL_SSL_PROTOCOL_ANY_PROTOCOL,
    SecureProtocols = QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS,
    TlsV1_0OrLater = QSSL_SSL_PROTOCOL_TLS_V1_0_OR_LATER,
    TlsV1_1OrLater = QSSL_SSL_PROTOCOL_TLS_V1_1_OR_LATER,
    TlsV1_2OrLater = QSSL_SSL_PROTOCOL_TLS_V1_2_OR_LATER,
    DtlsV1_0 = QSSL_SSL_PROTOCOL_DTLS_V1_0,
    DtlsV1_0OrLater = QSSL_SSL_PROTOCOL_DTLS_V1_0_OR_LATER,
    DtlsV1_2 = QSSL_SSL_PROTOCOL_DTLS_V1_2,
    DtlsV1_2OrLater = QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER,
    TlsV1_3 = QSSL_SSL_PROTOCOL_TLS_V1_3,
    TlsV1_3OrLater = QSSL_SSL_PROTOCOL_TLS_V1_3_OR_LATER,
    UnknownProtocol = QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL
};
/// QSsl::SslOption
enum SslOption {
    SslOptionDisableEmptyFragments = QSSL_SSL_OPTION_DISABLE_EMPTY_FRAGMENTS,
    SslOptionDisableSessionTickets = QSSL_SSL_OPTION_DISABLE_SESSION_TICKETS,
    SslOptionDisableCompression = QSSL_SSL_OPTION_DISABLE_COMPRESSION,
    SslOptionDisableServerNameIndication = QSSL_SSL_OPTION_DISABLE_SERVER_NAME_INDICATION,
    SslOptionDisableLegacyRenegotiation = QSSL_SSL_OPTION_DISABLE_LEGACY_RENEGOTIATION,
    SslOptionDisableSessionSharing = QSSL_SSL_OPTION_DISABLE_SESSION_SHARING,
    SslOptionDisableSessionPersistence = QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE,
    SslOptionDisableServerCipherPreference = QSSL_SSL_OPTION_DISABLE_SERVER_CIPHER_PREFERENCE
};
/// QSsl::SslOptions (QFlags<SslOption>): a mask of SslOption bits.
using SslOptions = std::uint32_t;
/// QSsl::AlertLevel (Qt 6)
enum class AlertLevel {
    Warning = QSSL_ALERT_LEVEL_WARNING,
    Fatal = QSSL_ALERT_LEVEL_FATAL,
    Unknown = QSSL_ALERT_LEVEL_UNKNOWN
};
/// QSsl::AlertType (Qt 6): the TLS alert codes.
enum class AlertType {
    CloseNotify = QSSL_ALERT_TYPE_CLOSE_NOTIFY,
    UnexpectedMessage = QSSL_ALERT_TYPE_UNEXPECTED_MESSAGE,
    BadRecordMac = QSSL_ALERT_TYPE_BAD_RECORD_MAC,
    RecordOverflow = QSSL_ALERT_TYPE_RECORD_OVERFLOW,
    DecompressionFailure = QSSL_ALERT_TYPE_DECOMPRESSION_FAILURE,
    HandshakeFailure = QSSL_ALERT_TYPE_HANDSHAKE_FAILURE,
    NoCertificate = QSSL_ALERT_TYPE_NO_CERTIFICATE,
    BadCertificate = QSSL_ALERT_TYPE_BAD_CERTIFICATE,
    UnsupportedCertificate = QSSL_ALERT_TYPE_UNSUPPORTED_CERTIFICATE,
    CertificateRevoked = QSSL_ALERT_TYPE_CERTIFICATE_REVOKED,
    CertificateExpired = QSSL_ALERT_TYPE_CERTIFICATE_EXPIRED,
    CertificateUnknown = QSSL_ALERT_TYPE_CERTIFICATE_UNKNOWN,
    IllegalParameter = QSSL_ALERT_TYPE_ILLEGAL_PARAMETER,
    UnknownCa = QSSL_ALERT_TYPE_UNKNOWN_CA,
    AccessDenied = QSSL_ALERT_TYPE_ACCESS_DENIED,
    DecodeError = QSSL_ALERT_TYPE_DECODE_ERROR,
    DecryptError = QSSL_ALERT_TYPE_DECRYPT_ERROR,
    ExportRestriction = QSSL_ALERT_TYPE_EXPORT_RESTRICTION,
    ProtocolVersion = QSSL_ALERT_TYPE_PROTOCOL_VERSION,
    InsufficientSecurity = QSSL_ALERT_TYPE_INSUFFICIENT_SECURITY,
    InternalError = QSSL_ALERT_TYPE_INTERNAL_ERROR,
    InappropriateFallback = QSSL_ALERT_TYPE_INAPPROPRIATE_FALLBACK,
    UserCancelled = QSSL_ALERT_TYPE_USER_CANCELLED,
    NoRenegotiation = QSSL_ALERT_TYPE_NO_RENEGOTIATION,
    MissingExtension = QSSL_ALERT_TYPE_MISSING_EXTENSION,
    UnsupportedExtension = QSSL_ALERT_TYPE_UNSUPPORTED_EXTENSION,
    CertificateUnobtainable = QSSL_ALERT_TYPE_CERTIFICATE_UNOBTAINABLE,
    UnrecognizedName = QSSL_ALERT_TYPE_UNRECOGNIZED_NAME,
    BadCertificateStatusResponse = QSSL_ALERT_TYPE_BAD_CERTIFICATE_STATUS_RESPONSE,
    BadCertificateHashValue = QSSL_ALERT_TYPE_BAD_CERTIFICATE_HASH_VALUE,
    UnknownPskIdentity = QSSL_ALERT_TYPE_UNKNOWN_PSK_IDENTITY,
    CertificateRequired = QSSL_ALERT_TYPE_CERTIFICATE_REQUIRED,
    NoApplicationProtocol = QSSL_ALERT_TYPE_NO_APPLICATION_PROTOCOL,
    UnknownAlertMessage = QSSL_ALERT_TYPE_UNKNOWN_ALERT_MESSAGE
};
/// QSsl::ImplementedClass (Qt 6)
enum class ImplementedClass {
    Key = QSSL_IMPLEMENTED_CLASS_KEY,
    Certificate = QSSL_IMPLEMENTED_CLASS_CERTIFICATE,
    Socket = QSSL_IMPLEMENTED_CLASS_SOCKET,
    DiffieHellman = QSSL_IMPLEMENTED_CLASS_DIFFIE_HELLMAN,
    EllipticCurve = QSSL_IMPLEMENTED_CLASS_ELLIPTIC_CURVE,
    Dtls = QSSL_IMPLEMENTED_CLASS_DTLS,
    DtlsCookie = QSSL_IMPLEMENTED_CLASS_DTLS_COOKIE
};
/// QSsl::SupportedFeature (Qt 6)
enum class SupportedFeature {
    CertificateVerification = QSSL_SUPPORTED_FEATURE_CERTIFICATE_VERIFICATION,
    ClientSideAlpn = QSSL_SUPPORTED_FEATURE_CLIENT_SIDE_ALPN,
    ServerSideAlpn = QSSL_SUPPORTED_FEATURE_SERVER_SIDE_ALPN,
    Ocsp = QSSL_SUPPORTED_FEATURE_OCSP,
    Psk = QSSL_SUPPORTED_FEATURE_PSK,
    SessionTicket = QSSL_SUPPORTED_FEATURE_SESSION_TICKET,
    Alerts = QSSL_SUPPORTED_FEATURE_ALERTS
};
}  // namespace Ssl

/// QCryptographicHash::Algorithm, for SslCertificate::digest().
namespace CryptographicHash {
enum Algorithm {
    Md4 = QSSL_CERT_DIGEST_MD4,
    Md5 = QSSL_CERT_DIGEST_MD5,
    Sha1 = QSSL_CERT_DIGEST_SHA1,
    Sha224 = QSSL_CERT_DIGEST_SHA224,
    Sha256 = QSSL_CERT_DIGEST_SHA256,
    Sha384 = QSSL_CERT_DIGEST_SHA384,
    Sha512 = QSSL_CERT_DIGEST_SHA512,
    Keccak_224 = QSSL_CERT_DIGEST_KECCAK_224,
    Keccak_256 = QSSL_CERT_DIGEST_KECCAK_256,
    Keccak_384 = QSSL_CERT_DIGEST_KECCAK_384,
    Keccak_512 = QSSL_CERT_DIGEST_KECCAK_512,
    RealSha3_224 = QSSL_CERT_DIGEST_SHA3_224,
    RealSha3_256 = QSSL_CERT_DIGEST_SHA3_256,
    RealSha3_384 = QSSL_CERT_DIGEST_SHA3_384,
    RealSha3_512 = QSSL_CERT_DIGEST_SHA3_512,
    Sha3_224 = RealSha3_224,
    Sha3_256 = RealSha3_256,
    Sha3_384 = RealSha3_384,
    Sha3_512 = RealSha3_512,
    Blake2b_160 = QSSL_CERT_DIGEST_BLAKE2B_160,
    Blake2b_256 = QSSL_CERT_DIGEST_BLAKE2B_256,
    Blake2b_384 = QSSL_CERT_DIGEST_BLAKE2B_384,
    Blake2b_512 = QSSL_CERT_DIGEST_BLAKE2B_512,
    Blake2s_128 = QSSL_CERT_DIGEST_BLAKE2S_128,
    Blake2s_160 = QSSL_CERT_DIGEST_BLAKE2S_160,
    Blake2s_224 = QSSL_CERT_DIGEST_BLAKE2S_224,
    Blake2s_256 = QSSL_CERT_DIGEST_BLAKE2S_256
};
}  // namespace CryptographicHash

// ---- plumbing ---------------------------------------------------------------

namespace detail {

// Bytes in: an empty std::string is Qt's null QByteArray, (NULL, 0).
inline const std::uint8_t *bytesIn(const std::string &s) {
    return s.empty() ? nullptr : reinterpret_cast<const std::uint8_t *>(s.data());
}

// Bytes or text out through the C "size query, then fill" shape.
template <class F>
std::string bytesOut(F &&f) {
    std::size_t len = 0;
    qssl_status_t st = f(nullptr, 0, &len);
    if (st == QSSL_STATUS_OK || len == 0) {
        return std::string();
    }
    if (st != QSSL_STATUS_BUFFER_TOO_SMALL) {
        return std::string();
    }
    std::string out(len + 1, '\0');
    std::size_t got = 0;
    if (f(&out[0], out.size(), &got) != QSSL_STATUS_OK || got > len) {
        return std::string();
    }
    out.resize(got);
    return out;
}

inline std::string bytesOutU8(const std::function<qssl_status_t(std::uint8_t *, std::size_t,
                                                                std::size_t *)> &f) {
    return bytesOut([&](char *buf, std::size_t cap, std::size_t *len) {
        return f(reinterpret_cast<std::uint8_t *>(buf), cap, len);
    });
}

// Overwrites a string's bytes (key material) before it goes.
inline void wipe(std::string &s) {
    volatile char *p = s.empty() ? nullptr : &s[0];
    for (std::size_t i = 0; i < s.size(); ++i) {
        p[i] = 0;
    }
    s.clear();
}

inline std::vector<std::string> takeBytesList(qssl_bytes_list_t *list) {
    std::vector<std::string> out;
    std::size_t n = qssl_bytes_list_len(list);
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t *data = nullptr;
        std::size_t len = 0;
        if (qssl_bytes_list_get(list, i, &data, &len) == QSSL_STATUS_OK && data) {
            out.emplace_back(reinterpret_cast<const char *>(data), len);
        } else {
            out.emplace_back();
        }
    }
    qssl_bytes_list_free(list);
    return out;
}

// Seconds since the epoch to a time_point, clamped to its range; INT64_MIN
// (Qt's invalid QDateTime) is time_point::min().
inline std::chrono::system_clock::time_point fromUnix(std::int64_t secs) {
    using tp = std::chrono::system_clock::time_point;
    if (secs == QSSL_CERT_DATE_INVALID) {
        return tp::min();
    }
    using dur = tp::duration;
    const auto maxSecs = std::chrono::duration_cast<std::chrono::seconds>(dur::max()).count();
    const auto minSecs = std::chrono::duration_cast<std::chrono::seconds>(dur::min()).count();
    if (secs >= maxSecs) {
        return tp::max();
    }
    if (secs <= minSecs) {
        return tp::min();
    }
    return tp(std::chrono::duration_cast<dur>(std::chrono::seconds(secs)));
}

// One C handle with value semantics: copies share (the C reference count),
// moves steal, and a moved-from object is re-created as Qt's default object on
// first use, so no NULL handle ever reaches the C layer from here.
template <class T, T *(*New)(), T *(*Copy)(const T *), void (*Free)(T *)>
class Handle {
public:
    Handle() noexcept : h_(nullptr) {}
    explicit Handle(T *adopt) noexcept : h_(adopt) {}
    Handle(const Handle &o) : h_(o.h_ ? Copy(o.h_) : nullptr) {}
    Handle(Handle &&o) noexcept : h_(o.h_) { o.h_ = nullptr; }
    Handle &operator=(const Handle &o) {
        if (this != &o) {
            T *n = o.h_ ? Copy(o.h_) : nullptr;
            Free(h_);
            h_ = n;
        }
        return *this;
    }
    Handle &operator=(Handle &&o) noexcept {
        if (this != &o) {
            Free(h_);
            h_ = o.h_;
            o.h_ = nullptr;
        }
        return *this;
    }
    ~Handle() { Free(h_); }
    void swap(Handle &o) noexcept { std::swap(h_, o.h_); }
    // The handle for reading (re-created if moved from).
    const T *get() const {
        if (!h_) {
            h_ = New();
        }
        return h_;
    }
    // The handle for writing (the C layer detaches shared data itself).
    T *mut() {
        if (!h_) {
            h_ = New();
        }
        return h_;
    }
    // Replaces the handle with an owned one (NULL: a default object).
    void reset(T *n) noexcept {
        Free(h_);
        h_ = n;
    }

private:
    mutable T *h_;
};

inline qssl_ssl_error_t *newSslError() { return qssl_ssl_error_new(QSSL_SSL_ERROR_NO_ERROR, nullptr); }

// A list of handle-backed values to the array form the C setters take.
template <class V>
std::vector<const typename V::CType *> handles(const std::vector<V> &items) {
    std::vector<const typename V::CType *> out;
    out.reserve(items.size());
    for (const V &v : items) {
        out.push_back(v.handle());
    }
    return out;
}

// An array of int32 enum values out through the "size query, then fill" shape.
template <class E, class F>
std::vector<E> valuesOut(F &&f) {
    std::size_t len = 0;
    if (f(nullptr, 0, &len) != QSSL_STATUS_BUFFER_TOO_SMALL || len == 0) {
        return {};
    }
    std::vector<std::int32_t> raw(len);
    std::size_t got = 0;
    if (f(raw.data(), raw.size(), &got) != QSSL_STATUS_OK || got > raw.size()) {
        return {};
    }
    std::vector<E> out;
    out.reserve(got);
    for (std::size_t i = 0; i < got; ++i) {
        out.push_back(static_cast<E>(raw[i]));
    }
    return out;
}

// NULL for an empty backend name (the active backend).
inline const char *backendName(const std::string &name) { return name.empty() ? nullptr : name.c_str(); }

// The message of the exception a callback threw on this thread, if any.
inline std::string &callbackError() {
    thread_local std::string message;
    return message;
}

}  // namespace detail

// ---- QSslCertificate --------------------------------------------------------

class SslError;

/// QSslKey: a public or private key. Immutable; copies share it.
class SslKey {
public:
    using CType = qssl_key_t;
    /// QSslKey(): the null key.
    SslKey() : d_(qssl_key_new()) {}
    /// QSslKey(const QByteArray &encoded, QSsl::KeyAlgorithm, QSsl::EncodingFormat,
    /// QSsl::KeyType, const QByteArray &passPhrase): a null key if decoding fails
    /// (the reason is in lastErrorString()).
    SslKey(const std::string &encoded, Ssl::KeyAlgorithm algorithm,
           Ssl::EncodingFormat format = Ssl::Pem, Ssl::KeyType type = Ssl::PrivateKey,
           const std::string &passPhrase = std::string())
        : d_(nullptr) {
        qssl_key_t *out = nullptr;
        const auto *data = reinterpret_cast<const std::uint8_t *>(encoded.data());
        const auto *pass = detail::bytesIn(passPhrase);
        if (format == Ssl::Der) {
            qssl_key_from_der(data, encoded.size(), algorithm, type, pass, passPhrase.size(), &out);
        } else if (format == Ssl::Pem) {
            qssl_key_from_pem(data, encoded.size(), algorithm, type, pass, passPhrase.size(), &out);
        }
        d_.reset(out ? out : qssl_key_new());
    }
    /// QSslKey(QIODevice *device, ...) for a file: reads `path`; a null key on
    /// failure. Beyond Qt (Qt takes a QIODevice).
    static SslKey fromFile(const std::string &path, Ssl::KeyAlgorithm algorithm,
                           Ssl::EncodingFormat format = Ssl::Pem,
                           Ssl::KeyType type = Ssl::PrivateKey,
                           const std::string &passPhrase = std::string()) {
        qssl_key_t *out = nullptr;
        qssl_key_from_file(path.c_str(), algorithm, format, type, detail::bytesIn(passPhrase),
                           passPhrase.size(), &out);
        return SslKey(out);
    }
    /// QSslKey::swap()
    void swap(SslKey &other) noexcept { d_.swap(other.d_); }
    /// QSslKey::isNull()
    bool isNull() const { return qssl_key_is_null(d_.get()); }
    /// QSslKey::clear()
    void clear() { qssl_key_clear(d_.mut()); }
    /// QSslKey::length(): bits; -1 for null and Opaque keys.
    int length() const { return qssl_key_length(d_.get()); }
    /// QSslKey::type()
    Ssl::KeyType type() const { return static_cast<Ssl::KeyType>(qssl_key_type(d_.get())); }
    /// QSslKey::algorithm()
    Ssl::KeyAlgorithm algorithm() const {
        return static_cast<Ssl::KeyAlgorithm>(qssl_key_algorithm(d_.get()));
    }
    /// QSslKey::toPem(const QByteArray &passPhrase)
    std::string toPem(const std::string &passPhrase = std::string()) const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_key_to_pem(d_.get(), detail::bytesIn(passPhrase), passPhrase.size(), b, c, l);
        });
    }
    /// QSslKey::toDer(const QByteArray &passPhrase)
    std::string toDer(const std::string &passPhrase = std::string()) const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_key_to_der(d_.get(), detail::bytesIn(passPhrase), passPhrase.size(), b, c, l);
        });
    }
    /// QSslKey::operator==()
    friend bool operator==(const SslKey &a, const SslKey &b) {
        return qssl_key_equal(a.d_.get(), b.d_.get());
    }
    /// QSslKey::operator!=()
    friend bool operator!=(const SslKey &a, const SslKey &b) { return !(a == b); }
    /// The C handle, borrowed (beyond Qt).
    const qssl_key_t *handle() const { return d_.get(); }
    /// Takes ownership of a C handle (NULL: the null key). Beyond Qt.
    explicit SslKey(qssl_key_t *adopt) : d_(adopt ? adopt : qssl_key_new()) {}

private:
    detail::Handle<qssl_key_t, qssl_key_new, qssl_key_copy, qssl_key_free> d_;
};

/// QSslCertificate: an X.509 certificate. Immutable; copies share it.
class SslCertificate {
public:
    using CType = qssl_cert_t;
    /// QSslCertificate::SubjectInfo
    enum SubjectInfo {
        Organization = QSSL_SUBJECT_INFO_ORGANIZATION,
        CommonName = QSSL_SUBJECT_INFO_COMMON_NAME,
        LocalityName = QSSL_SUBJECT_INFO_LOCALITY_NAME,
        OrganizationalUnitName = QSSL_SUBJECT_INFO_ORGANIZATIONAL_UNIT_NAME,
        CountryName = QSSL_SUBJECT_INFO_COUNTRY_NAME,
        StateOrProvinceName = QSSL_SUBJECT_INFO_STATE_OR_PROVINCE_NAME,
        DistinguishedNameQualifier = QSSL_SUBJECT_INFO_DISTINGUISHED_NAME_QUALIFIER,
        SerialNumber = QSSL_SUBJECT_INFO_SERIAL_NUMBER,
        EmailAddress = QSSL_SUBJECT_INFO_EMAIL_ADDRESS
    };
    /// QSslCertificate::PatternSyntax (Qt 6)
    enum class PatternSyntax {
        RegularExpression = QSSL_PATTERN_SYNTAX_REGULAR_EXPRESSION,
        Wildcard = QSSL_PATTERN_SYNTAX_WILDCARD,
        FixedString = QSSL_PATTERN_SYNTAX_FIXED_STRING
    };

    /// QSslCertificate(const QByteArray &data = QByteArray(), QSsl::EncodingFormat = QSsl::Pem):
    /// the first certificate in `data`, or the null certificate.
    explicit SslCertificate(const std::string &data = std::string(),
                            Ssl::EncodingFormat format = Ssl::Pem)
        : d_(nullptr) {
        qssl_cert_t *out = nullptr;
        if (!data.empty()) {
            const auto *p = reinterpret_cast<const std::uint8_t *>(data.data());
            if (format == Ssl::Der) {
                qssl_cert_from_der(p, data.size(), &out);
            } else if (format == Ssl::Pem) {
                qssl_cert_from_pem(p, data.size(), &out);
            }
        }
        d_.reset(out ? out : qssl_cert_new());
    }
    /// QSslCertificate(QIODevice *device, QSsl::EncodingFormat) for a file:
    /// the first certificate in the file at `path`, or the null certificate.
    /// Beyond Qt (Qt takes a QIODevice).
    static SslCertificate fromFile(const std::string &path, Ssl::EncodingFormat format = Ssl::Pem) {
        qssl_cert_t *out = nullptr;
        qssl_cert_from_file(path.c_str(), format, &out);
        return SslCertificate(out);
    }
    /// QSslCertificate::fromPath()
    static std::vector<SslCertificate> fromPath(const std::string &path,
                                                Ssl::EncodingFormat format = Ssl::Pem,
                                                PatternSyntax syntax = PatternSyntax::FixedString) {
        qssl_cert_list_t *list = nullptr;
        qssl_cert_from_path(path.c_str(), format, static_cast<qssl_pattern_syntax_t>(syntax), &list);
        return takeList(list);
    }
    /// QSslCertificate::fromData()
    static std::vector<SslCertificate> fromData(const std::string &data,
                                                Ssl::EncodingFormat format = Ssl::Pem) {
        qssl_cert_list_t *list = nullptr;
        qssl_cert_from_data(reinterpret_cast<const std::uint8_t *>(data.data()), data.size(), format,
                            &list);
        return takeList(list);
    }
    /// QSslCertificate::verify(): the errors found (empty when trusted).
    static std::vector<SslError> verify(const std::vector<SslCertificate> &certificateChain,
                                        const std::string &hostName = std::string());
    /// QSslCertificate::importPkcs12(QIODevice *, QSslKey *, QSslCertificate *,
    /// QList<QSslCertificate> *, const QByteArray &passPhrase), from the archive's bytes.
    static bool importPkcs12(const std::string &data, SslKey *key, SslCertificate *cert,
                             std::vector<SslCertificate> *caCertificates = nullptr,
                             const std::string &passPhrase = std::string()) {
        if (!key || !cert) {
            return false;
        }
        qssl_key_t *k = nullptr;
        qssl_cert_t *c = nullptr;
        qssl_cert_list_t *cas = nullptr;
        std::string pass(passPhrase);
        qssl_status_t st = qssl_cert_import_pkcs12(
            reinterpret_cast<const std::uint8_t *>(data.data()), data.size(), pass.c_str(), &k, &c,
            caCertificates ? &cas : nullptr);
        detail::wipe(pass);
        if (st != QSSL_STATUS_OK) {
            return false;
        }
        *key = SslKey(k);
        *cert = SslCertificate(c);
        if (caCertificates) {
            *caCertificates = takeList(cas);
        }
        return true;
    }

    /// QSslCertificate::swap()
    void swap(SslCertificate &other) noexcept { d_.swap(other.d_); }
    /// QSslCertificate::isNull()
    bool isNull() const { return qssl_cert_is_null(d_.get()); }
    /// QSslCertificate::isBlacklisted()
    bool isBlacklisted() const { return qssl_cert_is_blacklisted(d_.get()); }
    /// QSslCertificate::isSelfSigned()
    bool isSelfSigned() const { return qssl_cert_is_self_signed(d_.get()); }
    /// QSslCertificate::clear()
    void clear() { qssl_cert_clear(d_.mut()); }
    /// QSslCertificate::version()
    std::string version() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cert_version(d_.get(), b, c, l);
        });
    }
    /// QSslCertificate::serialNumber()
    std::string serialNumber() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cert_serial_number(d_.get(), b, c, l);
        });
    }
    /// QSslCertificate::digest()
    std::string digest(CryptographicHash::Algorithm algorithm = CryptographicHash::Md5) const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_cert_digest(d_.get(), algorithm, b, c, l);
        });
    }
    /// QSslCertificate::issuerInfo(SubjectInfo)
    std::vector<std::string> issuerInfo(SubjectInfo info) const {
        return detail::takeBytesList(qssl_cert_issuer_info(d_.get(), info));
    }
    /// QSslCertificate::issuerInfo(const QByteArray &attribute)
    std::vector<std::string> issuerInfo(const std::string &attribute) const {
        return detail::takeBytesList(
            qssl_cert_issuer_info_by_attribute(d_.get(), detail::bytesIn(attribute), attribute.size()));
    }
    /// QSslCertificate::subjectInfo(SubjectInfo)
    std::vector<std::string> subjectInfo(SubjectInfo info) const {
        return detail::takeBytesList(qssl_cert_subject_info(d_.get(), info));
    }
    /// QSslCertificate::subjectInfo(const QByteArray &attribute)
    std::vector<std::string> subjectInfo(const std::string &attribute) const {
        return detail::takeBytesList(qssl_cert_subject_info_by_attribute(
            d_.get(), detail::bytesIn(attribute), attribute.size()));
    }
    /// QSslCertificate::issuerDisplayName()
    std::string issuerDisplayName() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cert_issuer_display_name(d_.get(), b, c, l);
        });
    }
    /// QSslCertificate::subjectDisplayName()
    std::string subjectDisplayName() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cert_subject_display_name(d_.get(), b, c, l);
        });
    }
    /// QSslCertificate::subjectInfoAttributes()
    std::vector<std::string> subjectInfoAttributes() const {
        return detail::takeBytesList(qssl_cert_subject_info_attributes(d_.get()));
    }
    /// QSslCertificate::issuerInfoAttributes()
    std::vector<std::string> issuerInfoAttributes() const {
        return detail::takeBytesList(qssl_cert_issuer_info_attributes(d_.get()));
    }
    /// QSslCertificate::subjectAlternativeNames(): a multimap by kind; for one
    /// kind the names come in the order Qt's QMultiMap gives them.
    std::multimap<Ssl::AlternativeNameEntryType, std::string> subjectAlternativeNames() const {
        std::multimap<Ssl::AlternativeNameEntryType, std::string> out;
        for (Ssl::AlternativeNameEntryType kind : {Ssl::EmailEntry, Ssl::DnsEntry, Ssl::IpAddressEntry}) {
            for (std::string &name :
                 detail::takeBytesList(qssl_cert_subject_alternative_names(d_.get(), kind))) {
                out.emplace(kind, std::move(name));
            }
        }
        return out;
    }
    /// QSslCertificate::effectiveDate(); time_point::min() for the null certificate.
    std::chrono::system_clock::time_point effectiveDate() const {
        return detail::fromUnix(qssl_cert_effective_date(d_.get()));
    }
    /// QSslCertificate::expiryDate(); time_point::min() for the null certificate.
    std::chrono::system_clock::time_point expiryDate() const {
        return detail::fromUnix(qssl_cert_expiry_date(d_.get()));
    }
    /// QSslCertificate::publicKey()
    SslKey publicKey() const { return SslKey(qssl_cert_public_key(d_.get())); }
    /// QSslCertificate::toPem()
    std::string toPem() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_cert_to_pem(d_.get(), b, c, l);
        });
    }
    /// QSslCertificate::toDer()
    std::string toDer() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_cert_to_der(d_.get(), b, c, l);
        });
    }
    /// QSslCertificate::toText()
    std::string toText() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cert_to_text(d_.get(), b, c, l);
        });
    }
    /// QSslCertificate::operator==()
    friend bool operator==(const SslCertificate &a, const SslCertificate &b) {
        return qssl_cert_equal(a.d_.get(), b.d_.get());
    }
    /// QSslCertificate::operator!=()
    friend bool operator!=(const SslCertificate &a, const SslCertificate &b) { return !(a == b); }

    /// The C handle, borrowed (beyond Qt).
    const qssl_cert_t *handle() const { return d_.get(); }
    /// Takes ownership of a C handle (NULL: the null certificate). Beyond Qt.
    explicit SslCertificate(qssl_cert_t *adopt) : d_(adopt ? adopt : qssl_cert_new()) {}
    /// A C list to values (the list is freed). Beyond Qt.
    static std::vector<SslCertificate> takeList(qssl_cert_list_t *list) {
        std::vector<SslCertificate> out;
        std::size_t n = qssl_cert_list_len(list);
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(SslCertificate(qssl_cert_copy(qssl_cert_list_get(list, i))));
        }
        qssl_cert_list_free(list);
        return out;
    }

private:
    detail::Handle<qssl_cert_t, qssl_cert_new, qssl_cert_copy, qssl_cert_free> d_;
};

// ---- QSslCipher -------------------------------------------------------------

/// QSslCipher: a cipher suite. Immutable.
class SslCipher {
public:
    using CType = qssl_cipher_t;
    /// QSslCipher(): the null cipher.
    SslCipher() : d_(qssl_cipher_new()) {}
    /// QSslCipher(const QString &name): the supported cipher of that OpenSSL
    /// name, or the null cipher.
    explicit SslCipher(const std::string &name) : d_(nullptr) {
        qssl_cipher_t *c = qssl_cipher_from_name(name.c_str());
        d_.reset(c ? c : qssl_cipher_new());
    }
    /// QSslCipher(const QString &name, QSsl::SslProtocol protocol)
    SslCipher(const std::string &name, Ssl::SslProtocol protocol) : d_(nullptr) {
        qssl_cipher_t *c = qssl_cipher_from_name_and_protocol(name.c_str(), protocol);
        d_.reset(c ? c : qssl_cipher_new());
    }
    /// QSslCipher::swap()
    void swap(SslCipher &other) noexcept { d_.swap(other.d_); }
    /// QSslCipher::isNull()
    bool isNull() const { return qssl_cipher_is_null(d_.get()); }
    /// QSslCipher::name()
    std::string name() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cipher_name(d_.get(), b, c, l);
        });
    }
    /// QSslCipher::supportedBits()
    int supportedBits() const { return qssl_cipher_supported_bits(d_.get()); }
    /// QSslCipher::usedBits()
    int usedBits() const { return qssl_cipher_used_bits(d_.get()); }
    /// QSslCipher::keyExchangeMethod()
    std::string keyExchangeMethod() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cipher_key_exchange_method(d_.get(), b, c, l);
        });
    }
    /// QSslCipher::authenticationMethod()
    std::string authenticationMethod() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cipher_authentication_method(d_.get(), b, c, l);
        });
    }
    /// QSslCipher::encryptionMethod()
    std::string encryptionMethod() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cipher_encryption_method(d_.get(), b, c, l);
        });
    }
    /// QSslCipher::protocolString()
    std::string protocolString() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_cipher_protocol_string(d_.get(), b, c, l);
        });
    }
    /// QSslCipher::protocol()
    Ssl::SslProtocol protocol() const {
        return static_cast<Ssl::SslProtocol>(qssl_cipher_protocol(d_.get()));
    }
    /// QSslCipher::operator==()
    friend bool operator==(const SslCipher &a, const SslCipher &b) {
        return qssl_cipher_equal(a.d_.get(), b.d_.get());
    }
    /// QSslCipher::operator!=()
    friend bool operator!=(const SslCipher &a, const SslCipher &b) { return !(a == b); }

    /// The C handle, borrowed (beyond Qt).
    const qssl_cipher_t *handle() const { return d_.get(); }
    /// Takes ownership of a C handle (NULL: the null cipher). Beyond Qt.
    explicit SslCipher(qssl_cipher_t *adopt) : d_(adopt ? adopt : qssl_cipher_new()) {}
    /// A C list to values (the list is freed). Beyond Qt.
    static std::vector<SslCipher> takeList(qssl_cipher_list_t *list) {
        std::vector<SslCipher> out;
        std::size_t n = qssl_cipher_list_len(list);
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(SslCipher(qssl_cipher_copy(qssl_cipher_list_get(list, i))));
        }
        qssl_cipher_list_free(list);
        return out;
    }

private:
    detail::Handle<qssl_cipher_t, qssl_cipher_new, qssl_cipher_copy, qssl_cipher_free> d_;
};

// ---- QSslEllipticCurve ------------------------------------------------------

/// QSslEllipticCurve: an elliptic curve or TLS group (a small value).
class SslEllipticCurve {
public:
    /// QSslEllipticCurve(): the invalid curve.
    constexpr SslEllipticCurve() noexcept : id_(0) {}
    /// QSslEllipticCurve::fromShortName()
    static SslEllipticCurve fromShortName(const std::string &name) {
        return SslEllipticCurve(qssl_curve_from_short_name(name.c_str()));
    }
    /// QSslEllipticCurve::fromLongName()
    static SslEllipticCurve fromLongName(const std::string &name) {
        return SslEllipticCurve(qssl_curve_from_long_name(name.c_str()));
    }
    /// QSslEllipticCurve::shortName()
    std::string shortName() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_curve_short_name(id_, b, c, l);
        });
    }
    /// QSslEllipticCurve::longName()
    std::string longName() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_curve_long_name(id_, b, c, l);
        });
    }
    /// QSslEllipticCurve::isValid()
    constexpr bool isValid() const noexcept { return id_ != 0; }
    /// QSslEllipticCurve::isTlsNamedCurve()
    bool isTlsNamedCurve() const { return qssl_curve_is_tls_named_curve(id_); }
    /// operator==(QSslEllipticCurve, QSslEllipticCurve)
    friend constexpr bool operator==(SslEllipticCurve a, SslEllipticCurve b) noexcept {
        return a.id_ == b.id_;
    }
    /// operator!=(QSslEllipticCurve, QSslEllipticCurve)
    friend constexpr bool operator!=(SslEllipticCurve a, SslEllipticCurve b) noexcept {
        return a.id_ != b.id_;
    }
    /// The C value (OpenSSL's NID). Beyond Qt.
    constexpr qssl_curve_t id() const noexcept { return id_; }
    /// From the C value. Beyond Qt.
    constexpr explicit SslEllipticCurve(qssl_curve_t id) noexcept : id_(id) {}
    /// A C list to values (the list is freed). Beyond Qt.
    static std::vector<SslEllipticCurve> takeList(qssl_curve_list_t *list) {
        std::vector<SslEllipticCurve> out;
        std::size_t n = qssl_curve_list_len(list);
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(SslEllipticCurve(qssl_curve_list_get(list, i)));
        }
        qssl_curve_list_free(list);
        return out;
    }

private:
    qssl_curve_t id_;
};

// ---- QSslDiffieHellmanParameters -------------------------------------------

/// QSslDiffieHellmanParameters. Immutable.
class SslDiffieHellmanParameters {
public:
    using CType = qssl_dh_params_t;
    /// QSslDiffieHellmanParameters::Error
    enum Error {
        NoError = QSSL_DH_PARAMS_ERROR_NO_ERROR,
        InvalidInputDataError = QSSL_DH_PARAMS_ERROR_INVALID_INPUT_DATA_ERROR,
        UnsafeParametersError = QSSL_DH_PARAMS_ERROR_UNSAFE_PARAMETERS_ERROR
    };
    /// QSslDiffieHellmanParameters(): empty (and valid).
    SslDiffieHellmanParameters() : d_(qssl_dh_params_new()) {}
    /// QSslDiffieHellmanParameters::defaultParameters() (RFC 7919 ffdhe2048; see docs/API.md).
    static SslDiffieHellmanParameters defaultParameters() {
        return SslDiffieHellmanParameters(qssl_dh_params_default_parameters());
    }
    /// QSslDiffieHellmanParameters::fromEncoded(const QByteArray &, QSsl::EncodingFormat)
    static SslDiffieHellmanParameters fromEncoded(const std::string &encoded,
                                                  Ssl::EncodingFormat format = Ssl::Pem) {
        qssl_dh_params_t *out = nullptr;
        qssl_dh_params_from_encoded(reinterpret_cast<const std::uint8_t *>(encoded.data()),
                                    encoded.size(), format, &out);
        if (!out) {
            // Only an unknown format gets here; Qt gives an invalid object.
            qssl_dh_params_from_encoded(nullptr, 0, QSSL_ENCODING_FORMAT_DER, &out);
        }
        return SslDiffieHellmanParameters(out);
    }
    /// QSslDiffieHellmanParameters::swap()
    void swap(SslDiffieHellmanParameters &other) noexcept { d_.swap(other.d_); }
    /// QSslDiffieHellmanParameters::isEmpty()
    bool isEmpty() const { return qssl_dh_params_is_empty(d_.get()); }
    /// QSslDiffieHellmanParameters::isValid()
    bool isValid() const { return qssl_dh_params_is_valid(d_.get()); }
    /// QSslDiffieHellmanParameters::error()
    Error error() const { return static_cast<Error>(qssl_dh_params_error(d_.get())); }
    /// QSslDiffieHellmanParameters::errorString()
    std::string errorString() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_dh_params_error_string(d_.get(), b, c, l);
        });
    }
    /// The parameters as PEM ("BEGIN DH PARAMETERS"); empty for empty or
    /// invalid parameters. Beyond Qt (Qt keeps its encoding private).
    std::string toPem() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_dh_params_to_pem(d_.get(), b, c, l);
        });
    }
    /// The parameters as DER (PKCS#3); empty for empty or invalid parameters.
    /// Beyond Qt.
    std::string toDer() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_dh_params_to_der(d_.get(), b, c, l);
        });
    }
    /// operator==(QSslDiffieHellmanParameters, QSslDiffieHellmanParameters)
    friend bool operator==(const SslDiffieHellmanParameters &a, const SslDiffieHellmanParameters &b) {
        return qssl_dh_params_equal(a.d_.get(), b.d_.get());
    }
    /// operator!=(QSslDiffieHellmanParameters, QSslDiffieHellmanParameters)
    friend bool operator!=(const SslDiffieHellmanParameters &a, const SslDiffieHellmanParameters &b) {
        return !(a == b);
    }
    /// The C handle, borrowed (beyond Qt).
    const qssl_dh_params_t *handle() const { return d_.get(); }
    /// Takes ownership of a C handle (NULL: empty parameters). Beyond Qt.
    explicit SslDiffieHellmanParameters(qssl_dh_params_t *adopt)
        : d_(adopt ? adopt : qssl_dh_params_new()) {}

private:
    detail::Handle<qssl_dh_params_t, qssl_dh_params_new, qssl_dh_params_copy, qssl_dh_params_free> d_;
};

// ---- QSslError ---------------------------------------------------------------

/// QSslError: a verification error and the certificate it concerns.
class SslError {
public:
    using CType = qssl_ssl_error_t;
    /// QSslError::SslError. C++ forbids a member named as its class, so the
    /// enumeration is spelled SslError::Error; its enumerators keep Qt's names
    /// (qssl::SslError::SelfSignedCertificate).
    enum Error {
        NoError = QSSL_SSL_ERROR_NO_ERROR,
        UnableToGetIssuerCertificate = QSSL_SSL_ERROR_UNABLE_TO_GET_ISSUER_CERTIFICATE,
        UnableToDecryptCertificateSignature = QSSL_SSL_ERROR_UNABLE_TO_DECRYPT_CERTIFICATE_SIGNATURE,
        UnableToDecodeIssuerPublicKey = QSSL_SSL_ERROR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY,
        CertificateSignatureFailed = QSSL_SSL_ERROR_CERTIFICATE_SIGNATURE_FAILED,
        CertificateNotYetValid = QSSL_SSL_ERROR_CERTIFICATE_NOT_YET_VALID,
        CertificateExpired = QSSL_SSL_ERROR_CERTIFICATE_EXPIRED,
        InvalidNotBeforeField = QSSL_SSL_ERROR_INVALID_NOT_BEFORE_FIELD,
        InvalidNotAfterField = QSSL_SSL_ERROR_INVALID_NOT_AFTER_FIELD,
        SelfSignedCertificate = QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE,
        SelfSignedCertificateInChain = QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE_IN_CHAIN,
        UnableToGetLocalIssuerCertificate = QSSL_SSL_ERROR_UNABLE_TO_GET_LOCAL_ISSUER_CERTIFICATE,
        UnableToVerifyFirstCertificate = QSSL_SSL_ERROR_UNABLE_TO_VERIFY_FIRST_CERTIFICATE,
        CertificateRevoked = QSSL_SSL_ERROR_CERTIFICATE_REVOKED,
        InvalidCaCertificate = QSSL_SSL_ERROR_INVALID_CA_CERTIFICATE,
        PathLengthExceeded = QSSL_SSL_ERROR_PATH_LENGTH_EXCEEDED,
        InvalidPurpose = QSSL_SSL_ERROR_INVALID_PURPOSE,
        CertificateUntrusted = QSSL_SSL_ERROR_CERTIFICATE_UNTRUSTED,
        CertificateRejected = QSSL_SSL_ERROR_CERTIFICATE_REJECTED,
        SubjectIssuerMismatch = QSSL_SSL_ERROR_SUBJECT_ISSUER_MISMATCH,
        AuthorityIssuerSerialNumberMismatch = QSSL_SSL_ERROR_AUTHORITY_ISSUER_SERIAL_NUMBER_MISMATCH,
        NoPeerCertificate = QSSL_SSL_ERROR_NO_PEER_CERTIFICATE,
        HostNameMismatch = QSSL_SSL_ERROR_HOST_NAME_MISMATCH,
        NoSslSupport = QSSL_SSL_ERROR_NO_SSL_SUPPORT,
        CertificateBlacklisted = QSSL_SSL_ERROR_CERTIFICATE_BLACKLISTED,
        CertificateStatusUnknown = QSSL_SSL_ERROR_CERTIFICATE_STATUS_UNKNOWN,
        OcspNoResponseFound = QSSL_SSL_ERROR_OCSP_NO_RESPONSE_FOUND,
        OcspMalformedRequest = QSSL_SSL_ERROR_OCSP_MALFORMED_REQUEST,
        OcspMalformedResponse = QSSL_SSL_ERROR_OCSP_MALFORMED_RESPONSE,
        OcspInternalError = QSSL_SSL_ERROR_OCSP_INTERNAL_ERROR,
        OcspTryLater = QSSL_SSL_ERROR_OCSP_TRY_LATER,
        OcspSigRequred = QSSL_SSL_ERROR_OCSP_SIG_REQURED,
        OcspUnauthorized = QSSL_SSL_ERROR_OCSP_UNAUTHORIZED,
        OcspResponseCannotBeTrusted = QSSL_SSL_ERROR_OCSP_RESPONSE_CANNOT_BE_TRUSTED,
        OcspResponseCertIdUnknown = QSSL_SSL_ERROR_OCSP_RESPONSE_CERT_ID_UNKNOWN,
        OcspResponseExpired = QSSL_SSL_ERROR_OCSP_RESPONSE_EXPIRED,
        OcspStatusUnknown = QSSL_SSL_ERROR_OCSP_STATUS_UNKNOWN,
        UnspecifiedError = QSSL_SSL_ERROR_UNSPECIFIED_ERROR
    };
    /// QSslError(): NoError without a certificate.
    SslError() : d_(detail::newSslError()) {}
    /// QSslError(QSslError::SslError error)
    SslError(Error error) : SslError(error, nullptr) {}  // NOLINT: implicit as in Qt
    /// QSslError(QSslError::SslError error, const QSslCertificate &certificate)
    SslError(Error error, const SslCertificate &certificate)
        : SslError(error, certificate.handle()) {}
    /// QSslError::swap()
    void swap(SslError &other) noexcept { d_.swap(other.d_); }
    /// QSslError::error()
    Error error() const { return static_cast<Error>(qssl_ssl_error_error(d_.get())); }
    /// QSslError::errorString()
    std::string errorString() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_ssl_error_error_string(d_.get(), b, c, l);
        });
    }
    /// QSslError::certificate()
    SslCertificate certificate() const { return SslCertificate(qssl_ssl_error_certificate(d_.get())); }
    /// QSslError::operator==()
    friend bool operator==(const SslError &a, const SslError &b) {
        return qssl_ssl_error_equal(a.d_.get(), b.d_.get());
    }
    /// QSslError::operator!=()
    friend bool operator!=(const SslError &a, const SslError &b) { return !(a == b); }

    /// The C handle, borrowed (beyond Qt).
    const qssl_ssl_error_t *handle() const { return d_.get(); }
    /// Takes ownership of a C handle (NULL: NoError). Beyond Qt.
    explicit SslError(qssl_ssl_error_t *adopt) : d_(adopt ? adopt : detail::newSslError()) {}
    /// A C list to values (the list is freed). Beyond Qt.
    static std::vector<SslError> takeList(qssl_ssl_error_list_t *list) {
        std::vector<SslError> out;
        std::size_t n = qssl_ssl_error_list_len(list);
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(SslError(qssl_ssl_error_copy(qssl_ssl_error_list_get(list, i))));
        }
        qssl_ssl_error_list_free(list);
        return out;
    }

private:
    SslError(Error error, const qssl_cert_t *cert) : d_(nullptr) {
        qssl_ssl_error_t *e = qssl_ssl_error_new(error, cert);
        // An unknown number: Qt keeps it; the C layer refuses it, so the
        // error becomes UnspecifiedError (lastErrorString() says why).
        d_.reset(e ? e : qssl_ssl_error_new(QSSL_SSL_ERROR_UNSPECIFIED_ERROR, cert));
    }
    detail::Handle<qssl_ssl_error_t, detail::newSslError, qssl_ssl_error_copy, qssl_ssl_error_free> d_;
};

inline std::vector<SslError> SslCertificate::verify(const std::vector<SslCertificate> &certificateChain,
                                                    const std::string &hostName) {
    auto chain = detail::handles(certificateChain);
    qssl_ssl_error_list_t *list = nullptr;
    if (qssl_cert_verify(chain.data(), chain.size(), hostName.c_str(), &list) != QSSL_STATUS_OK) {
        return {SslError(SslError::UnspecifiedError)};
    }
    return SslError::takeList(list);
}

// ---- QSslPreSharedKeyAuthenticator -----------------------------------------

/// QSslPreSharedKeyAuthenticator: what the PSK callback fills in.
/// Copies share; the key bytes are wiped when the last copy goes.
class SslPreSharedKeyAuthenticator {
public:
    using CType = qssl_psk_auth_t;
    /// QSslPreSharedKeyAuthenticator(): everything null, maxima 0.
    SslPreSharedKeyAuthenticator() : d_(qssl_psk_auth_new()) {}
    /// QSslPreSharedKeyAuthenticator::swap()
    void swap(SslPreSharedKeyAuthenticator &other) noexcept { d_.swap(other.d_); }
    /// QSslPreSharedKeyAuthenticator::identityHint()
    std::string identityHint() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_psk_auth_identity_hint(d_.get(), b, c, l);
        });
    }
    /// QSslPreSharedKeyAuthenticator::setIdentity()
    void setIdentity(const std::string &identity) {
        qssl_psk_auth_set_identity(d_.mut(), detail::bytesIn(identity), identity.size());
    }
    /// QSslPreSharedKeyAuthenticator::identity()
    std::string identity() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_psk_auth_identity(d_.get(), b, c, l);
        });
    }
    /// QSslPreSharedKeyAuthenticator::maximumIdentityLength()
    int maximumIdentityLength() const { return qssl_psk_auth_maximum_identity_length(d_.get()); }
    /// QSslPreSharedKeyAuthenticator::setPreSharedKey()
    void setPreSharedKey(const std::string &preSharedKey) {
        qssl_psk_auth_set_pre_shared_key(d_.mut(), detail::bytesIn(preSharedKey), preSharedKey.size());
    }
    /// QSslPreSharedKeyAuthenticator::preSharedKey() (a copy of the key; wipe it
    /// when done if it matters)
    std::string preSharedKey() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_psk_auth_pre_shared_key(d_.get(), b, c, l);
        });
    }
    /// QSslPreSharedKeyAuthenticator::maximumPreSharedKeyLength()
    int maximumPreSharedKeyLength() const {
        return qssl_psk_auth_maximum_pre_shared_key_length(d_.get());
    }
    /// operator==(QSslPreSharedKeyAuthenticator, QSslPreSharedKeyAuthenticator)
    friend bool operator==(const SslPreSharedKeyAuthenticator &a, const SslPreSharedKeyAuthenticator &b) {
        return qssl_psk_auth_equal(a.d_.get(), b.d_.get());
    }
    /// operator!=(QSslPreSharedKeyAuthenticator, QSslPreSharedKeyAuthenticator)
    friend bool operator!=(const SslPreSharedKeyAuthenticator &a, const SslPreSharedKeyAuthenticator &b) {
        return !(a == b);
    }
    /// The C handle, borrowed (beyond Qt).
    const qssl_psk_auth_t *handle() const { return d_.get(); }
    /// The C handle for writing (beyond Qt).
    qssl_psk_auth_t *mutableHandle() { return d_.mut(); }
    /// Takes ownership of a C handle (NULL: a default authenticator). Beyond Qt.
    explicit SslPreSharedKeyAuthenticator(qssl_psk_auth_t *adopt)
        : d_(adopt ? adopt : qssl_psk_auth_new()) {}

private:
    detail::Handle<qssl_psk_auth_t, qssl_psk_auth_new, qssl_psk_auth_copy, qssl_psk_auth_free> d_;
};

/// The PSK callback: QSslSocket's preSharedKeyAuthenticationRequired signal
/// as a function. It fills the authenticator it is handed (valid during the
/// call only). An exception it throws is caught and aborts the handshake.
using PreSharedKeyAuthenticationRequired = std::function<void(SslPreSharedKeyAuthenticator *)>;

namespace detail {

struct PskHolder {
    PreSharedKeyAuthenticationRequired fn;
};

inline void freePskHolder(void *p) { delete static_cast<PskHolder *>(p); }

// The C callback: runs the std::function on a copy of the authenticator and
// swaps the result into the library's; no exception crosses into C.
inline std::int32_t pskTrampoline(void *userData, qssl_psk_auth_t *auth) noexcept {
    try {
        auto *holder = static_cast<PskHolder *>(userData);
        SslPreSharedKeyAuthenticator a(qssl_psk_auth_copy(auth));
        holder->fn(&a);
        qssl_psk_auth_swap(auth, a.mutableHandle());
        return 0;
    } catch (const std::exception &e) {
        callbackError() = std::string("the PSK callback threw an exception: ") + e.what();
    } catch (...) {
        callbackError() = "the PSK callback threw an exception of unknown type";
    }
    return 1;
}

}  // namespace detail

namespace detail {
// QSslSocket's enumerations, declared before QSslConfiguration needs them;
// qssl::SslSocket inherits them, so they read qssl::SslSocket::VerifyPeer.
struct SocketEnums {
    /// QSslSocket::SslMode
    enum SslMode {
        UnencryptedMode = QSSL_SSL_MODE_UNENCRYPTED_MODE,
        SslClientMode = QSSL_SSL_MODE_SSL_CLIENT_MODE,
        SslServerMode = QSSL_SSL_MODE_SSL_SERVER_MODE
    };
    /// QSslSocket::PeerVerifyMode
    enum PeerVerifyMode {
        VerifyNone = QSSL_PEER_VERIFY_MODE_VERIFY_NONE,
        QueryPeer = QSSL_PEER_VERIFY_MODE_QUERY_PEER,
        VerifyPeer = QSSL_PEER_VERIFY_MODE_VERIFY_PEER,
        AutoVerifyPeer = QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER
    };
};
}  // namespace detail

// ---- QSslConfiguration ------------------------------------------------------

/// A backend configuration value (QVariant restricted to what qssl's
/// backend map holds): bytes (QByteArray), an integer, a boolean or text
/// (QString). OpenSSL configuration commands take bytes.
class Variant {
public:
    /// The kind of value held.
    enum Type {
        ByteArray = QSSL_BACKEND_VALUE_TYPE_BYTES,
        LongLong = QSSL_BACKEND_VALUE_TYPE_INT,
        Bool = QSSL_BACKEND_VALUE_TYPE_BOOL,
        String = QSSL_BACKEND_VALUE_TYPE_TEXT
    };
    /// An empty byte array.
    Variant() : type_(ByteArray), int_(0) {}
    /// Bytes (QVariant(QByteArray)).
    Variant(std::string bytes) : type_(ByteArray), bytes_(std::move(bytes)), int_(0) {}  // NOLINT
    /// Bytes from a C string.
    Variant(const char *bytes) : type_(ByteArray), bytes_(bytes ? bytes : ""), int_(0) {}  // NOLINT
    /// An integer (QVariant(int), QVariant(qlonglong)).
    Variant(int v) : type_(LongLong), int_(v) {}  // NOLINT
    /// An integer.
    Variant(long v) : type_(LongLong), int_(v) {}  // NOLINT
    /// An integer.
    Variant(long long v) : type_(LongLong), int_(v) {}  // NOLINT
    /// A boolean (QVariant(bool)).
    Variant(bool v) : type_(Bool), int_(v ? 1 : 0) {}  // NOLINT
    /// Text (QVariant(QString)), UTF-8.
    static Variant fromString(std::string text) {
        Variant v(std::move(text));
        v.type_ = String;
        return v;
    }
    /// The kind of value.
    Type type() const { return type_; }
    /// QVariant::toByteArray(): bytes and text as they are, numbers and
    /// booleans as decimal text ("42", "true").
    std::string toByteArray() const {
        switch (type_) {
        case LongLong:
            return std::to_string(int_);
        case Bool:
            return int_ ? "true" : "false";
        default:
            return bytes_;
        }
    }
    /// QVariant::toString(): as toByteArray().
    std::string toString() const { return toByteArray(); }
    /// QVariant::toLongLong() (0 unless an integer or a boolean).
    long long toLongLong() const { return (type_ == LongLong || type_ == Bool) ? int_ : 0; }
    /// QVariant::toBool() (true for a non-zero integer, "true" text or bytes).
    bool toBool() const {
        if (type_ == LongLong || type_ == Bool) {
            return int_ != 0;
        }
        return !bytes_.empty() && bytes_ != "0" && bytes_ != "false";
    }
    /// Same kind and value.
    friend bool operator==(const Variant &a, const Variant &b) {
        return a.type_ == b.type_ && a.int_ == b.int_ && a.bytes_ == b.bytes_;
    }
    /// Not the same kind and value.
    friend bool operator!=(const Variant &a, const Variant &b) { return !(a == b); }

private:
    Type type_;
    std::string bytes_;
    long long int_;
};

/// QMap<QByteArray, QVariant>: the backend configuration.
using BackendConfiguration = std::map<std::string, Variant>;

/// QSslConfiguration: the TLS settings and, after a handshake, the session state.
class SslConfiguration {
public:
    using CType = qssl_config_t;
    /// QSslConfiguration::NextProtocolNegotiationStatus
    enum NextProtocolNegotiationStatus {
        NextProtocolNegotiationNone = QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NONE,
        NextProtocolNegotiationNegotiated = QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NEGOTIATED,
        NextProtocolNegotiationUnsupported = QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_UNSUPPORTED
    };
    /// QSslConfiguration::ALPNProtocolHTTP2: "h2".
    static constexpr const char ALPNProtocolHTTP2[] = QSSL_ALPN_PROTOCOL_HTTP2;
    /// QSslConfiguration::NextProtocolHttp1_1: "http/1.1".
    static constexpr const char NextProtocolHttp1_1[] = QSSL_NEXT_PROTOCOL_HTTP1_1;

    /// QSslConfiguration(): the null configuration.
    SslConfiguration() : d_(qssl_config_new()) {}
    /// QSslConfiguration::swap()
    void swap(SslConfiguration &other) noexcept { d_.swap(other.d_); }
    /// QSslConfiguration::isNull()
    bool isNull() const { return qssl_config_is_null(d_.get()); }

    /// QSslConfiguration::protocol()
    Ssl::SslProtocol protocol() const {
        return static_cast<Ssl::SslProtocol>(qssl_config_protocol(d_.get()));
    }
    /// QSslConfiguration::setProtocol()
    void setProtocol(Ssl::SslProtocol protocol) { qssl_config_set_protocol(d_.mut(), protocol); }

    /// QSslConfiguration::peerVerifyMode()
    detail::SocketEnums::PeerVerifyMode peerVerifyMode() const {
        return static_cast<detail::SocketEnums::PeerVerifyMode>(qssl_config_peer_verify_mode(d_.get()));
    }
    /// QSslConfiguration::setPeerVerifyMode()
    void setPeerVerifyMode(detail::SocketEnums::PeerVerifyMode mode) {
        qssl_config_set_peer_verify_mode(d_.mut(), mode);
    }

    /// QSslConfiguration::peerVerifyDepth()
    int peerVerifyDepth() const { return qssl_config_peer_verify_depth(d_.get()); }
    /// QSslConfiguration::setPeerVerifyDepth() (a negative depth is refused; the
    /// old value stays, as in Qt)
    void setPeerVerifyDepth(int depth) { qssl_config_set_peer_verify_depth(d_.mut(), depth); }

    /// QSslConfiguration::localCertificateChain()
    std::vector<SslCertificate> localCertificateChain() const {
        return SslCertificate::takeList(qssl_config_local_certificate_chain(d_.get()));
    }
    /// QSslConfiguration::setLocalCertificateChain()
    void setLocalCertificateChain(const std::vector<SslCertificate> &localChain) {
        auto h = detail::handles(localChain);
        qssl_config_set_local_certificate_chain(d_.mut(), h.data(), h.size());
    }
    /// QSslConfiguration::localCertificate()
    SslCertificate localCertificate() const {
        return SslCertificate(qssl_config_local_certificate(d_.get()));
    }
    /// QSslConfiguration::setLocalCertificate()
    void setLocalCertificate(const SslCertificate &certificate) {
        qssl_config_set_local_certificate(d_.mut(), certificate.handle());
    }

    /// QSslConfiguration::peerCertificate()
    SslCertificate peerCertificate() const {
        return SslCertificate(qssl_config_peer_certificate(d_.get()));
    }
    /// QSslConfiguration::peerCertificateChain()
    std::vector<SslCertificate> peerCertificateChain() const {
        return SslCertificate::takeList(qssl_config_peer_certificate_chain(d_.get()));
    }
    /// QSslConfiguration::sessionCipher()
    SslCipher sessionCipher() const { return SslCipher(qssl_config_session_cipher(d_.get())); }
    /// QSslConfiguration::sessionProtocol()
    Ssl::SslProtocol sessionProtocol() const {
        return static_cast<Ssl::SslProtocol>(qssl_config_session_protocol(d_.get()));
    }

    /// QSslConfiguration::privateKey()
    SslKey privateKey() const { return SslKey(qssl_config_private_key(d_.get())); }
    /// QSslConfiguration::setPrivateKey()
    void setPrivateKey(const SslKey &key) { qssl_config_set_private_key(d_.mut(), key.handle()); }

    /// QSslConfiguration::ciphers() (empty: the default list at handshake time)
    std::vector<SslCipher> ciphers() const { return SslCipher::takeList(qssl_config_ciphers(d_.get())); }
    /// QSslConfiguration::setCiphers(const QList<QSslCipher> &)
    void setCiphers(const std::vector<SslCipher> &ciphers) {
        auto h = detail::handles(ciphers);
        qssl_config_set_ciphers(d_.mut(), h.data(), h.size());
    }
    /// QSslConfiguration::setCiphers(const QString &) (names joined with ':')
    void setCiphers(const std::string &ciphers) {
        qssl_config_set_ciphers_string(d_.mut(), ciphers.c_str());
    }
    /// QSslConfiguration::setCiphers(const QString &)
    void setCiphers(const char *ciphers) { setCiphers(std::string(ciphers ? ciphers : "")); }
    /// QSslConfiguration::supportedCiphers()
    static std::vector<SslCipher> supportedCiphers() {
        return SslCipher::takeList(qssl_config_supported_ciphers());
    }

    /// QSslConfiguration::caCertificates()
    std::vector<SslCertificate> caCertificates() const {
        return SslCertificate::takeList(qssl_config_ca_certificates(d_.get()));
    }
    /// QSslConfiguration::setCaCertificates() (stops trusting the system roots)
    void setCaCertificates(const std::vector<SslCertificate> &certificates) {
        auto h = detail::handles(certificates);
        qssl_config_set_ca_certificates(d_.mut(), h.data(), h.size());
    }
    /// QSslConfiguration::addCaCertificates(const QString &path, QSsl::EncodingFormat,
    /// QSslCertificate::PatternSyntax): false when nothing was found.
    bool addCaCertificates(const std::string &path, Ssl::EncodingFormat format = Ssl::Pem,
                           SslCertificate::PatternSyntax syntax =
                               SslCertificate::PatternSyntax::FixedString) {
        return qssl_config_add_ca_certificates_from_path(
                   d_.mut(), path.c_str(), format, static_cast<qssl_pattern_syntax_t>(syntax)) ==
               QSSL_STATUS_OK;
    }
    /// QSslConfiguration::addCaCertificates(const char *path, ...) (a string
    /// literal is a path, as a QString is in Qt)
    bool addCaCertificates(const char *path, Ssl::EncodingFormat format = Ssl::Pem,
                           SslCertificate::PatternSyntax syntax =
                               SslCertificate::PatternSyntax::FixedString) {
        return addCaCertificates(std::string(path ? path : ""), format, syntax);
    }
    /// QSslConfiguration::addCaCertificate()
    void addCaCertificate(const SslCertificate &certificate) {
        qssl_config_add_ca_certificate(d_.mut(), certificate.handle());
    }
    /// QSslConfiguration::addCaCertificates(const QList<QSslCertificate> &)
    void addCaCertificates(const std::vector<SslCertificate> &certificates) {
        auto h = detail::handles(certificates);
        qssl_config_add_ca_certificates(d_.mut(), h.data(), h.size());
    }
    /// QSslConfiguration::systemCaCertificates()
    static std::vector<SslCertificate> systemCaCertificates() {
        return SslCertificate::takeList(qssl_config_system_ca_certificates());
    }

    /// QSslConfiguration::setSslOption()
    void setSslOption(Ssl::SslOption option, bool on) {
        qssl_config_set_ssl_option(d_.mut(), static_cast<qssl_ssl_options_t>(option), on);
    }
    /// QSslConfiguration::testSslOption()
    bool testSslOption(Ssl::SslOption option) const {
        return qssl_config_test_ssl_option(d_.get(), static_cast<qssl_ssl_options_t>(option));
    }
    /// The whole option mask (beyond Qt).
    Ssl::SslOptions sslOptions() const { return qssl_config_ssl_options(d_.get()); }

    /// QSslConfiguration::sessionTicket()
    std::string sessionTicket() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_config_session_ticket(d_.get(), b, c, l);
        });
    }
    /// QSslConfiguration::setSessionTicket()
    void setSessionTicket(const std::string &sessionTicket) {
        qssl_config_set_session_ticket(d_.mut(), detail::bytesIn(sessionTicket), sessionTicket.size());
    }
    /// QSslConfiguration::sessionTicketLifeTimeHint()
    int sessionTicketLifeTimeHint() const {
        return qssl_config_session_ticket_life_time_hint(d_.get());
    }

    /// QSslConfiguration::ephemeralServerKey()
    SslKey ephemeralServerKey() const { return SslKey(qssl_config_ephemeral_server_key(d_.get())); }

    /// QSslConfiguration::ellipticCurves()
    std::vector<SslEllipticCurve> ellipticCurves() const {
        return SslEllipticCurve::takeList(qssl_config_elliptic_curves(d_.get()));
    }
    /// QSslConfiguration::setEllipticCurves()
    void setEllipticCurves(const std::vector<SslEllipticCurve> &curves) {
        std::vector<qssl_curve_t> ids;
        ids.reserve(curves.size());
        for (SslEllipticCurve c : curves) {
            ids.push_back(c.id());
        }
        qssl_config_set_elliptic_curves(d_.mut(), ids.data(), ids.size());
    }
    /// QSslConfiguration::supportedEllipticCurves()
    static std::vector<SslEllipticCurve> supportedEllipticCurves() {
        return SslEllipticCurve::takeList(qssl_config_supported_elliptic_curves());
    }

    /// QSslConfiguration::preSharedKeyIdentityHint()
    std::string preSharedKeyIdentityHint() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_config_pre_shared_key_identity_hint(d_.get(), b, c, l);
        });
    }
    /// QSslConfiguration::setPreSharedKeyIdentityHint()
    void setPreSharedKeyIdentityHint(const std::string &hint) {
        qssl_config_set_pre_shared_key_identity_hint(d_.mut(), detail::bytesIn(hint), hint.size());
    }

    /// QSslConfiguration::diffieHellmanParameters()
    SslDiffieHellmanParameters diffieHellmanParameters() const {
        return SslDiffieHellmanParameters(qssl_config_diffie_hellman_parameters(d_.get()));
    }
    /// QSslConfiguration::setDiffieHellmanParameters()
    void setDiffieHellmanParameters(const SslDiffieHellmanParameters &dhparams) {
        qssl_config_set_diffie_hellman_parameters(d_.mut(), dhparams.handle());
    }

    /// QSslConfiguration::backendConfiguration()
    BackendConfiguration backendConfiguration() const {
        BackendConfiguration out;
        qssl_backend_config_t *map = qssl_config_backend_configuration(d_.get());
        std::size_t n = qssl_backend_config_len(map);
        for (std::size_t i = 0; i < n; ++i) {
            std::string name = detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
                return qssl_backend_config_name(map, i, b, c, l);
            });
            Variant v;
            switch (qssl_backend_config_value_type(map, i)) {
            case QSSL_BACKEND_VALUE_TYPE_INT: {
                std::int64_t x = 0;
                qssl_backend_config_value_int(map, i, &x);
                v = Variant(static_cast<long long>(x));
                break;
            }
            case QSSL_BACKEND_VALUE_TYPE_BOOL: {
                bool x = false;
                qssl_backend_config_value_bool(map, i, &x);
                v = Variant(x);
                break;
            }
            default: {
                std::string bytes = detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
                    return qssl_backend_config_value_bytes(map, i, b, c, l);
                });
                v = qssl_backend_config_value_type(map, i) == QSSL_BACKEND_VALUE_TYPE_TEXT
                        ? Variant::fromString(std::move(bytes))
                        : Variant(std::move(bytes));
                break;
            }
            }
            out.emplace(std::move(name), std::move(v));
        }
        qssl_backend_config_free(map);
        return out;
    }
    /// QSslConfiguration::setBackendConfigurationOption()
    void setBackendConfigurationOption(const std::string &name, const Variant &value) {
        switch (value.type()) {
        case Variant::LongLong:
            qssl_config_set_backend_configuration_option_int(d_.mut(), name.c_str(), value.toLongLong());
            break;
        case Variant::Bool:
            qssl_config_set_backend_configuration_option_bool(d_.mut(), name.c_str(), value.toBool());
            break;
        case Variant::String:
            qssl_config_set_backend_configuration_option_text(d_.mut(), name.c_str(),
                                                              value.toString().c_str());
            break;
        default: {
            std::string bytes = value.toByteArray();
            qssl_config_set_backend_configuration_option_bytes(
                d_.mut(), name.c_str(), reinterpret_cast<const std::uint8_t *>(bytes.data()),
                bytes.size());
            break;
        }
        }
    }
    /// QSslConfiguration::setBackendConfiguration() (an empty map clears it)
    void setBackendConfiguration(const BackendConfiguration &backendConfiguration = BackendConfiguration()) {
        qssl_backend_config_t *map = qssl_backend_config_new();
        for (const auto &entry : backendConfiguration) {
            const char *name = entry.first.c_str();
            const Variant &v = entry.second;
            switch (v.type()) {
            case Variant::LongLong:
                qssl_backend_config_insert_int(map, name, v.toLongLong());
                break;
            case Variant::Bool:
                qssl_backend_config_insert_bool(map, name, v.toBool());
                break;
            case Variant::String:
                qssl_backend_config_insert_text(map, name, v.toString().c_str());
                break;
            default: {
                std::string bytes = v.toByteArray();
                qssl_backend_config_insert_bytes(map, name,
                                                 reinterpret_cast<const std::uint8_t *>(bytes.data()),
                                                 bytes.size());
                break;
            }
            }
        }
        qssl_config_set_backend_configuration(d_.mut(), map);
        qssl_backend_config_free(map);
    }

    /// QSslConfiguration::setAllowedNextProtocols()
    void setAllowedNextProtocols(const std::vector<std::string> &protocols) {
        std::vector<const std::uint8_t *> data;
        std::vector<std::size_t> lens;
        data.reserve(protocols.size());
        lens.reserve(protocols.size());
        for (const std::string &p : protocols) {
            data.push_back(reinterpret_cast<const std::uint8_t *>(p.data()));
            lens.push_back(p.size());
        }
        qssl_config_set_allowed_next_protocols(d_.mut(), data.data(), lens.data(), protocols.size());
    }
    /// QSslConfiguration::allowedNextProtocols()
    std::vector<std::string> allowedNextProtocols() const {
        return detail::takeBytesList(qssl_config_allowed_next_protocols(d_.get()));
    }
    /// QSslConfiguration::nextNegotiatedProtocol()
    std::string nextNegotiatedProtocol() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_config_next_negotiated_protocol(d_.get(), b, c, l);
        });
    }
    /// QSslConfiguration::nextProtocolNegotiationStatus()
    NextProtocolNegotiationStatus nextProtocolNegotiationStatus() const {
        return static_cast<NextProtocolNegotiationStatus>(
            qssl_config_next_protocol_negotiation_status(d_.get()));
    }

    /// QSslConfiguration::defaultConfiguration()
    static SslConfiguration defaultConfiguration() {
        return SslConfiguration(qssl_config_default_configuration());
    }
    /// QSslConfiguration::setDefaultConfiguration()
    static void setDefaultConfiguration(const SslConfiguration &configuration) {
        qssl_config_set_default_configuration(configuration.handle());
    }
    /// QSslConfiguration::defaultDtlsConfiguration()
    static SslConfiguration defaultDtlsConfiguration() {
        return SslConfiguration(qssl_config_default_dtls_configuration());
    }
    /// QSslConfiguration::setDefaultDtlsConfiguration()
    static void setDefaultDtlsConfiguration(const SslConfiguration &configuration) {
        qssl_config_set_default_dtls_configuration(configuration.handle());
    }

    /// QSslConfiguration::dtlsCookieVerificationEnabled()
    bool dtlsCookieVerificationEnabled() const {
        return qssl_config_dtls_cookie_verification_enabled(d_.get());
    }
    /// QSslConfiguration::setDtlsCookieVerificationEnabled()
    void setDtlsCookieVerificationEnabled(bool enable) {
        qssl_config_set_dtls_cookie_verification_enabled(d_.mut(), enable);
    }
    /// QSslConfiguration::ocspStaplingEnabled()
    bool ocspStaplingEnabled() const { return qssl_config_ocsp_stapling_enabled(d_.get()); }
    /// QSslConfiguration::setOcspStaplingEnabled()
    void setOcspStaplingEnabled(bool enable) { qssl_config_set_ocsp_stapling_enabled(d_.mut(), enable); }
    /// QSslConfiguration::handshakeMustInterruptOnError()
    bool handshakeMustInterruptOnError() const {
        return qssl_config_handshake_must_interrupt_on_error(d_.get());
    }
    /// QSslConfiguration::setHandshakeMustInterruptOnError()
    void setHandshakeMustInterruptOnError(bool interrupt) {
        qssl_config_set_handshake_must_interrupt_on_error(d_.mut(), interrupt);
    }
    /// QSslConfiguration::missingCertificateIsFatal()
    bool missingCertificateIsFatal() const { return qssl_config_missing_certificate_is_fatal(d_.get()); }
    /// QSslConfiguration::setMissingCertificateIsFatal()
    void setMissingCertificateIsFatal(bool cannotRecover) {
        qssl_config_set_missing_certificate_is_fatal(d_.mut(), cannotRecover);
    }

    /// The PSK callback for every connection made with this configuration and
    /// its later copies (QSslSocket's preSharedKeyAuthenticationRequired signal,
    /// per configuration; beyond Qt). A socket's own callback takes precedence.
    /// An empty function removes it. Not part of ==.
    void onPreSharedKeyAuthenticationRequired(PreSharedKeyAuthenticationRequired callback) {
        if (!callback) {
            qssl_config_set_psk_callback(d_.mut(), nullptr, nullptr, nullptr);
            return;
        }
        auto *holder = new detail::PskHolder{std::move(callback)};
        if (qssl_config_set_psk_callback(d_.mut(), detail::pskTrampoline, holder,
                                         detail::freePskHolder) != QSSL_STATUS_OK) {
            // The C layer calls user_data_free on failure too, except when the
            // handle was NULL, which cannot happen here.
        }
    }

    /// operator==(QSslConfiguration, QSslConfiguration)
    friend bool operator==(const SslConfiguration &a, const SslConfiguration &b) {
        return qssl_config_equal(a.d_.get(), b.d_.get());
    }
    /// operator!=(QSslConfiguration, QSslConfiguration)
    friend bool operator!=(const SslConfiguration &a, const SslConfiguration &b) { return !(a == b); }

    /// The C handle, borrowed (beyond Qt).
    const qssl_config_t *handle() const { return d_.get(); }
    /// The C handle for writing (beyond Qt).
    qssl_config_t *mutableHandle() { return d_.mut(); }
    /// Takes ownership of a C handle (NULL: a null configuration). Beyond Qt.
    explicit SslConfiguration(qssl_config_t *adopt) : d_(adopt ? adopt : qssl_config_new()) {}

private:
    detail::Handle<qssl_config_t, qssl_config_new, qssl_config_copy, qssl_config_free> d_;
};

// ---- QSslSocket --------------------------------------------------------------

/// QSslSocket: a TLS connection over a connected socket descriptor, or over
/// a memory transport (beyond Qt). Settings made before
/// startClientEncryption()/startServerEncryption() apply to the handshake.
/// Not copyable; movable.
class SslSocket : public detail::SocketEnums {
public:
    /// QAbstractSocket::SocketError (the values a TLS socket reports)
    enum SocketError {
        UnknownSocketError = -1,
        ConnectionRefusedError = 0,
        RemoteHostClosedError = 1,
        HostNotFoundError = 2,
        SocketAccessError = 3,
        SocketResourceError = 4,
        SocketTimeoutError = 5,
        NetworkError = 7,
        UnsupportedSocketOperationError = 10,
        SslHandshakeFailedError = 13,
        OperationError = 19,
        SslInternalError = 20,
        SslInvalidUserDataError = 21
    };

    /// QSslSocket(): unencrypted, no transport yet; its configuration is
    /// QSslConfiguration::defaultConfiguration().
    SslSocket() : config_(SslConfiguration::defaultConfiguration()) {}
    SslSocket(const SslSocket &) = delete;
    SslSocket &operator=(const SslSocket &) = delete;
    /// Moves the connection (beyond Qt: a QObject cannot move).
    SslSocket(SslSocket &&o) noexcept { moveFrom(o); }
    /// Moves the connection; this socket's own connection is closed first.
    SslSocket &operator=(SslSocket &&o) noexcept {
        if (this != &o) {
            close();
            moveFrom(o);
        }
        return *this;
    }
    /// ~QSslSocket(): frees the connection and closes a descriptor it owns.
    ~SslSocket() { close(); }

    /// QSslSocket::supportsSsl()
    static bool supportsSsl() { return qssl_socket_supports_ssl(); }
    /// QSslSocket::sslLibraryVersionNumber()
    static long sslLibraryVersionNumber() { return qssl_socket_ssl_library_version_number(); }
    /// QSslSocket::sslLibraryVersionString()
    static std::string sslLibraryVersionString() { return qssl_socket_ssl_library_version_string(); }
    /// QSslSocket::sslLibraryBuildVersionNumber()
    static long sslLibraryBuildVersionNumber() { return qssl_socket_ssl_library_build_version_number(); }
    /// QSslSocket::sslLibraryBuildVersionString()
    static std::string sslLibraryBuildVersionString() {
        return qssl_socket_ssl_library_build_version_string();
    }
    /// QSslSocket::activeBackend() (Qt 6): "openssl".
    static std::string activeBackend() { return qssl_socket_active_backend(); }
    /// QSslSocket::availableBackends() (Qt 6)
    static std::vector<std::string> availableBackends() {
        return detail::takeBytesList(qssl_socket_available_backends());
    }
    /// QSslSocket::setActiveBackend() (Qt 6): true for "openssl" only.
    static bool setActiveBackend(const std::string &backendName) {
        return qssl_socket_set_active_backend(backendName.c_str());
    }
    /// QSslSocket::supportedProtocols(const QString &backendName = {}) (Qt 6)
    static std::vector<Ssl::SslProtocol> supportedProtocols(const std::string &backendName = std::string()) {
        return detail::valuesOut<Ssl::SslProtocol>([&](std::int32_t *b, std::size_t c, std::size_t *l) {
            return qssl_socket_supported_protocols(detail::backendName(backendName), b, c, l);
        });
    }
    /// QSslSocket::isProtocolSupported(QSsl::SslProtocol, const QString &backendName = {}) (Qt 6)
    static bool isProtocolSupported(Ssl::SslProtocol protocol, const std::string &backendName = std::string()) {
        return qssl_socket_is_protocol_supported(protocol, detail::backendName(backendName));
    }
    /// QSslSocket::implementedClasses(const QString &backendName = {}) (Qt 6)
    static std::vector<Ssl::ImplementedClass> implementedClasses(const std::string &backendName = std::string()) {
        return detail::valuesOut<Ssl::ImplementedClass>([&](std::int32_t *b, std::size_t c, std::size_t *l) {
            return qssl_socket_implemented_classes(detail::backendName(backendName), b, c, l);
        });
    }
    /// QSslSocket::isClassImplemented(QSsl::ImplementedClass, const QString &backendName = {}) (Qt 6)
    static bool isClassImplemented(Ssl::ImplementedClass cl, const std::string &backendName = std::string()) {
        return qssl_socket_is_class_implemented(static_cast<qssl_implemented_class_t>(cl),
                                                detail::backendName(backendName));
    }
    /// QSslSocket::supportedFeatures(const QString &backendName = {}) (Qt 6)
    static std::vector<Ssl::SupportedFeature> supportedFeatures(const std::string &backendName = std::string()) {
        return detail::valuesOut<Ssl::SupportedFeature>([&](std::int32_t *b, std::size_t c, std::size_t *l) {
            return qssl_socket_supported_features(detail::backendName(backendName), b, c, l);
        });
    }
    /// QSslSocket::isFeatureSupported(QSsl::SupportedFeature, const QString &backendName = {}) (Qt 6)
    static bool isFeatureSupported(Ssl::SupportedFeature ft, const std::string &backendName = std::string()) {
        return qssl_socket_is_feature_supported(static_cast<qssl_supported_feature_t>(ft),
                                                detail::backendName(backendName));
    }

    /// QAbstractSocket::setSocketDescriptor(): use the connected socket `fd`;
    /// the socket owns it from now on and closes it in close() and the
    /// destructor, as in Qt. False if a transport is already set or fd < 0.
    bool setSocketDescriptor(int socketDescriptor) {
        if (socketDescriptor < 0 || fd_ >= 0 || memory_ || conn_) {
            setError(UnsupportedSocketOperationError, "setSocketDescriptor: a transport is already set or the descriptor is invalid");
            return false;
        }
        fd_ = socketDescriptor;
        ownsFd_ = true;
        return true;
    }
    /// QAbstractSocket::socketDescriptor(); -1 without one.
    int socketDescriptor() const { return fd_; }
    /// Uses a memory transport: feed() what arrives from the peer, send the
    /// peer what takeOutput() hands out. Beyond Qt.
    bool setMemoryTransport() {
        if (fd_ >= 0 || memory_ || conn_) {
            setError(UnsupportedSocketOperationError, "setMemoryTransport: a transport is already set");
            return false;
        }
        memory_ = true;
        return true;
    }

    /// QSslSocket::connectToHostEncrypted(hostName, port): connects (blocking)
    /// and runs the handshake; the peer verify name defaults to hostName.
    /// Check waitForEncrypted() / isEncrypted().
    void connectToHostEncrypted(const std::string &hostName, std::uint16_t port) {
        if (fd_ >= 0 || memory_ || conn_) {
            setError(OperationError, "connectToHostEncrypted: the socket is already in use");
            return;
        }
        addrinfo hints;
        std::memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo *res = nullptr;
        if (getaddrinfo(hostName.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
            setError(HostNotFoundError, "Host " + hostName + " not found");
            return;
        }
        int fd = -1;
        for (addrinfo *ai = res; ai; ai = ai->ai_next) {
            fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) {
                continue;
            }
            if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                break;
            }
            ::close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd < 0) {
            setError(ConnectionRefusedError, "Connection to " + hostName + " refused");
            return;
        }
        fd_ = fd;
        ownsFd_ = true;
        if (verifyName_.empty()) {
            verifyName_ = hostName;
        }
        startClientEncryption();
    }

    /// QSslSocket::connectToHostEncrypted(hostName, port, sslPeerName): as
    /// above, verifying the server's certificate against `sslPeerName`.
    void connectToHostEncrypted(const std::string &hostName, std::uint16_t port,
                                const std::string &sslPeerName) {
        verifyName_ = sslPeerName;
        connectToHostEncrypted(hostName, port);
    }

    /// QSslSocket::setSslConfiguration(): only before the handshake starts.
    void setSslConfiguration(const SslConfiguration &configuration) { config_ = configuration; }
    /// QSslSocket::sslConfiguration(): the configuration and, after the
    /// handshake, the session state (peer certificate, cipher, ALPN, ticket).
    SslConfiguration sslConfiguration() const {
        if (conn_) {
            return SslConfiguration(qssl_conn_ssl_configuration(conn_));
        }
        return config_;
    }
    /// QSslSocket::setPeerVerifyMode()
    void setPeerVerifyMode(PeerVerifyMode mode) {
        qssl_config_set_peer_verify_mode(config_.mutableHandle(), mode);
    }
    /// QSslSocket::peerVerifyMode()
    PeerVerifyMode peerVerifyMode() const {
        if (conn_) {
            return static_cast<PeerVerifyMode>(qssl_conn_peer_verify_mode(conn_));
        }
        return static_cast<PeerVerifyMode>(qssl_config_peer_verify_mode(config_.handle()));
    }
    /// QSslSocket::setPeerVerifyDepth()
    void setPeerVerifyDepth(int depth) { config_.setPeerVerifyDepth(depth); }
    /// QSslSocket::peerVerifyDepth()
    int peerVerifyDepth() const {
        return conn_ ? qssl_conn_peer_verify_depth(conn_) : config_.peerVerifyDepth();
    }
    /// QSslSocket::setPeerVerifyName()
    void setPeerVerifyName(const std::string &hostName) { verifyName_ = hostName; }
    /// QSslSocket::peerVerifyName()
    std::string peerVerifyName() const {
        if (!conn_) {
            return verifyName_;
        }
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_conn_peer_verify_name(conn_, b, c, l);
        });
    }
    /// QSslSocket::setLocalCertificate()
    void setLocalCertificate(const SslCertificate &certificate) { config_.setLocalCertificate(certificate); }
    /// QSslSocket::localCertificate()
    SslCertificate localCertificate() const { return config_.localCertificate(); }
    /// QSslSocket::setPrivateKey()
    void setPrivateKey(const SslKey &key) { config_.setPrivateKey(key); }
    /// QSslSocket::privateKey()
    SslKey privateKey() const { return config_.privateKey(); }
    /// QSslSocket::setProtocol()
    void setProtocol(Ssl::SslProtocol protocol) { config_.setProtocol(protocol); }
    /// QSslSocket::protocol()
    Ssl::SslProtocol protocol() const {
        return conn_ ? static_cast<Ssl::SslProtocol>(qssl_conn_protocol(conn_)) : config_.protocol();
    }

    /// QSslSocket's preSharedKeyAuthenticationRequired signal, for this socket
    /// (takes precedence over the configuration's). Set it before the
    /// handshake starts. An exception thrown in it aborts the handshake:
    /// error() is SslHandshakeFailedError and errorString() names the exception.
    void onPreSharedKeyAuthenticationRequired(PreSharedKeyAuthenticationRequired callback) {
        psk_ = std::make_shared<PreSharedKeyAuthenticationRequired>(std::move(callback));
    }

    /// QSslSocket::ignoreSslErrors(): accept the coming handshake despite
    /// verification errors (call it before the handshake starts).
    void ignoreSslErrors() { ignoreAll_ = true; }
    /// QSslSocket::ignoreSslErrors(const QList<QSslError> &)
    void ignoreSslErrors(const std::vector<SslError> &errors) { ignoreList_ = errors; }

    /// QSslSocket::mode()
    SslMode mode() const { return conn_ ? static_cast<SslMode>(qssl_conn_mode(conn_)) : mode_; }
    /// QSslSocket::isEncrypted()
    bool isEncrypted() const { return conn_ && qssl_conn_is_encrypted(conn_); }
    /// True when the handshake resumed a session from a session ticket (beyond Qt).
    bool sessionResumed() const { return conn_ && qssl_conn_session_resumed(conn_); }
    /// QSslSocket::sessionCipher()
    SslCipher sessionCipher() const {
        return conn_ ? SslCipher(qssl_conn_session_cipher(conn_)) : SslCipher();
    }
    /// QSslSocket::sessionProtocol()
    Ssl::SslProtocol sessionProtocol() const {
        return conn_ ? static_cast<Ssl::SslProtocol>(qssl_conn_session_protocol(conn_))
                     : Ssl::UnknownProtocol;
    }
    /// QSslSocket::peerCertificate()
    SslCertificate peerCertificate() const { return sslConfiguration().peerCertificate(); }
    /// QSslSocket::peerCertificateChain()
    std::vector<SslCertificate> peerCertificateChain() const {
        return sslConfiguration().peerCertificateChain();
    }
    /// QSslSocket::sslHandshakeErrors()
    std::vector<SslError> sslHandshakeErrors() const {
        return conn_ ? SslError::takeList(qssl_conn_ssl_errors(conn_)) : std::vector<SslError>();
    }
    /// The last TLS alert this side sent, if any (QSslSocket::alertSent, a
    /// signal in Qt).
    bool alertSent(Ssl::AlertLevel *level, Ssl::AlertType *type) const {
        return alert(qssl_conn_alert_sent, level, type);
    }
    /// The last TLS alert this side received, if any (QSslSocket::alertReceived).
    bool alertReceived(Ssl::AlertLevel *level, Ssl::AlertType *type) const {
        return alert(qssl_conn_alert_received, level, type);
    }

    /// QSslSocket::startClientEncryption(): starts (and on a blocking socket
    /// completes) the client handshake.
    void startClientEncryption() { start(SslClientMode); }
    /// QSslSocket::startServerEncryption()
    void startServerEncryption() { start(SslServerMode); }
    /// QSslSocket::waitForEncrypted(msecs): drives the handshake until it
    /// completes, fails or `msecs` pass (-1: no limit). On a memory transport
    /// it only reports isEncrypted().
    bool waitForEncrypted(int msecs = 30000) {
        if (isEncrypted()) {
            return true;
        }
        if (!conn_ || failed_) {
            return false;
        }
        return drive(msecs, [this] { return step(); }) && isEncrypted();
    }

    /// QIODevice::write(const char *data, qint64 len): the bytes written, or -1.
    std::int64_t write(const char *data, std::int64_t len) {
        if (!isEncrypted() || len < 0 || (len > 0 && !data)) {
            setError(OperationError, "write: the connection is not encrypted");
            return -1;
        }
        std::size_t written = 0;
        qssl_status_t st = QSSL_STATUS_WANT_WRITE;
        bool ok = drive(30000, [&] {
            st = qssl_conn_write(conn_, reinterpret_cast<const std::uint8_t *>(data),
                                 static_cast<std::size_t>(len), &written);
            return st;
        });
        if (!ok || st != QSSL_STATUS_OK) {
            failFromStatus(st);
            return -1;
        }
        return static_cast<std::int64_t>(written);
    }
    /// QIODevice::write(const QByteArray &)
    std::int64_t write(const std::string &data) {
        return write(data.data(), static_cast<std::int64_t>(data.size()));
    }
    /// QIODevice::read(char *data, qint64 maxSize): bytes read; 0 when nothing
    /// is available (non-blocking, memory transport) or the peer closed; -1
    /// on error. On a blocking socket it waits for data.
    std::int64_t read(char *data, std::int64_t maxSize) {
        if (!conn_ || !isEncrypted() || maxSize < 0 || (maxSize > 0 && !data)) {
            setError(OperationError, "read: the connection is not encrypted");
            return -1;
        }
        if (maxSize == 0) {
            return 0;
        }
        std::size_t got = 0;
        qssl_status_t st = qssl_conn_read(conn_, reinterpret_cast<std::uint8_t *>(data),
                                          static_cast<std::size_t>(maxSize), &got);
        if (st == QSSL_STATUS_OK) {
            return static_cast<std::int64_t>(got);
        }
        if (st == QSSL_STATUS_WANT_READ || st == QSSL_STATUS_WANT_WRITE) {
            return 0;
        }
        if (st == QSSL_STATUS_CLOSED) {
            peerClosed_ = true;
            setError(RemoteHostClosedError, "The remote host closed the connection");
            return 0;
        }
        failFromStatus(st);
        return -1;
    }
    /// QIODevice::read(qint64 maxSize)
    std::string read(std::int64_t maxSize) {
        if (maxSize <= 0) {
            return std::string();
        }
        std::string out(static_cast<std::size_t>(maxSize), '\0');
        std::int64_t n = read(&out[0], maxSize);
        out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return out;
    }
    /// QIODevice::readAll(): what is available now without waiting (on a
    /// socket, what the descriptor has ready).
    std::string readAll() {
        std::string out;
        char buf[16384];
        while (conn_ && isEncrypted() && !peerClosed_) {
            if (qssl_conn_pending(conn_) == 0 && fd_ >= 0 && !pollFd(POLLIN, 0)) {
                break;
            }
            std::int64_t n = read(buf, static_cast<std::int64_t>(sizeof buf));
            if (n <= 0) {
                break;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    /// QAbstractSocket::bytesAvailable(): decrypted bytes readable now.
    std::int64_t bytesAvailable() const {
        return conn_ ? static_cast<std::int64_t>(qssl_conn_pending(conn_)) : 0;
    }
    /// QAbstractSocket::waitForReadyRead(msecs): true when decrypted bytes are
    /// buffered or the descriptor becomes readable within `msecs` (-1: no limit).
    bool waitForReadyRead(int msecs = 30000) {
        if (!conn_ || !isEncrypted()) {
            return false;
        }
        if (qssl_conn_pending(conn_) > 0) {
            return true;
        }
        if (fd_ < 0) {
            return false;
        }
        if (!pollFd(POLLIN, msecs)) {
            setError(SocketTimeoutError, "Socket operation timed out");
            return false;
        }
        return true;
    }
    /// QAbstractSocket::disconnectFromHost(): sends close_notify.
    void disconnectFromHost() {
        if (conn_ && isEncrypted()) {
            qssl_conn_shutdown(conn_);
        }
    }
    /// QAbstractSocket::close(): close_notify if encrypted, frees the
    /// connection and closes an owned descriptor. The socket can be reused.
    void close() {
        if (conn_) {
            if (qssl_conn_is_encrypted(conn_) && !peerClosed_) {
                qssl_conn_shutdown(conn_);
            }
            qssl_conn_free(conn_);
            conn_ = nullptr;
        }
        if (fd_ >= 0 && ownsFd_) {
            ::close(fd_);
        }
        fd_ = -1;
        ownsFd_ = false;
        memory_ = false;
        mode_ = UnencryptedMode;
        failed_ = false;
        peerClosed_ = false;
    }

    /// Memory transport: hands over bytes received from the peer, then
    /// continues a handshake in progress. Beyond Qt.
    bool feed(const std::string &data) {
        if (!conn_ || !memory_) {
            setError(OperationError, "feed: no memory transport");
            return false;
        }
        if (qssl_conn_feed(conn_, reinterpret_cast<const std::uint8_t *>(data.data()), data.size()) !=
            QSSL_STATUS_OK) {
            failFromStatus(QSSL_STATUS_INVALID_STATE);
            return false;
        }
        if (!isEncrypted() && !failed_) {
            step();
        }
        return !failed_;
    }
    /// Memory transport: the peer closed its side. Beyond Qt.
    void feedEof() {
        if (conn_ && memory_) {
            qssl_conn_feed_eof(conn_);
            if (!isEncrypted() && !failed_) {
                step();
            }
        }
    }
    /// Memory transport: takes every byte waiting to go to the peer. Beyond Qt.
    std::string takeOutput() {
        std::string out;
        if (!conn_ || !memory_) {
            return out;
        }
        while (std::size_t n = qssl_conn_pending_output(conn_)) {
            std::size_t at = out.size();
            out.resize(at + n);
            std::size_t got = 0;
            if (qssl_conn_take_output(conn_, reinterpret_cast<std::uint8_t *>(&out[at]), n, &got) !=
                    QSSL_STATUS_OK ||
                got == 0) {
                out.resize(at);
                break;
            }
            out.resize(at + got);
        }
        return out;
    }

    /// The C connection, borrowed (NULL before the handshake starts), for the
    /// C functions beyond Qt (qssl_conn_requested_server_name(), ...). Beyond Qt.
    qssl_conn_t *handle() const { return conn_; }

    /// QAbstractSocket::error(): the last error.
    SocketError error() const { return error_; }
    /// QIODevice::errorString(): a description of the last error.
    std::string errorString() const { return errorString_; }

private:
    void moveFrom(SslSocket &o) noexcept {
        config_ = std::move(o.config_);
        conn_ = o.conn_;
        o.conn_ = nullptr;
        fd_ = o.fd_;
        o.fd_ = -1;
        ownsFd_ = o.ownsFd_;
        o.ownsFd_ = false;
        memory_ = o.memory_;
        o.memory_ = false;
        mode_ = o.mode_;
        o.mode_ = UnencryptedMode;
        failed_ = o.failed_;
        peerClosed_ = o.peerClosed_;
        verifyName_ = std::move(o.verifyName_);
        psk_ = std::move(o.psk_);
        ignoreAll_ = o.ignoreAll_;
        ignoreList_ = std::move(o.ignoreList_);
        error_ = o.error_;
        errorString_ = std::move(o.errorString_);
    }

    void setError(SocketError e, std::string message) {
        error_ = e;
        errorString_ = std::move(message);
    }

    // Records a failed C status as Qt's error and errorString.
    void failFromStatus(qssl_status_t st) {
        std::string message = qssl_last_error_message();
        std::string &thrown = detail::callbackError();
        if (st == QSSL_STATUS_CALLBACK_REFUSED && !thrown.empty()) {
            message = thrown + " (" + message + ")";
        }
        thrown.clear();
        SocketError e = SslHandshakeFailedError;
        switch (st) {
        case QSSL_STATUS_CLOSED:
            e = RemoteHostClosedError;
            break;
        case QSSL_STATUS_IO:
            e = message.find("timed out") != std::string::npos ? SocketTimeoutError : NetworkError;
            break;
        case QSSL_STATUS_INTERNAL_PANIC:
            e = SslInternalError;
            break;
        case QSSL_STATUS_INVALID_ARGUMENT:
        case QSSL_STATUS_NULL_ARGUMENT:
        case QSSL_STATUS_UNSUPPORTED:
            e = SslInvalidUserDataError;
            break;
        case QSSL_STATUS_INVALID_STATE:
            e = OperationError;
            break;
        default:
            break;
        }
        setError(e, message.empty() ? qssl_status_string(st) : message);
    }

    void start(SslMode mode) {
        if (conn_) {
            setError(OperationError, "the handshake has already started");
            return;
        }
        if (fd_ < 0 && !memory_) {
            setError(OperationError, "no transport: call setSocketDescriptor() or connectToHostEncrypted()");
            return;
        }
        failed_ = false;
        detail::callbackError().clear();
        qssl_conn_t *c = nullptr;
        qssl_status_t st = memory_ ? qssl_conn_new_memory(config_.handle(), mode, &c)
                                   : qssl_conn_new_fd(config_.handle(), mode, fd_, &c);
        if (st != QSSL_STATUS_OK) {
            failed_ = true;
            failFromStatus(st == QSSL_STATUS_OK ? QSSL_STATUS_INTERNAL_PANIC : st);
            error_ = SslInvalidUserDataError;
            return;
        }
        conn_ = c;
        mode_ = mode;
        if (!verifyName_.empty()) {
            st = qssl_conn_set_peer_verify_name(conn_, verifyName_.c_str());
        }
        if (st == QSSL_STATUS_OK && psk_ && *psk_) {
            auto *holder = new detail::PskHolder{*psk_};
            st = qssl_conn_set_psk_callback(conn_, detail::pskTrampoline, holder, detail::freePskHolder);
        }
        if (st == QSSL_STATUS_OK && ignoreAll_) {
            st = qssl_conn_ignore_ssl_errors(conn_);
        }
        if (st == QSSL_STATUS_OK && !ignoreList_.empty()) {
            auto h = detail::handles(ignoreList_);
            st = qssl_conn_ignore_ssl_errors_list(conn_, h.data(), h.size());
        }
        if (st != QSSL_STATUS_OK) {
            failed_ = true;
            failFromStatus(st);
            error_ = SslInvalidUserDataError;
            return;
        }
        step();
    }

    // One handshake step; records a failure.
    qssl_status_t step() {
        qssl_status_t st = qssl_conn_handshake(conn_);
        if (st < 0) {
            failed_ = true;
            failFromStatus(st);
        } else {
            detail::callbackError().clear();
        }
        return st;
    }

    bool pollFd(short events, int msecs) const {
        pollfd p;
        p.fd = fd_;
        p.events = events;
        p.revents = 0;
        int rc = ::poll(&p, 1, msecs);
        return rc > 0;
    }

    // Repeats `op` while it wants the transport, waiting on the descriptor
    // for at most `msecs` in all (-1: no limit). False on error or time-out.
    template <class Op>
    bool drive(int msecs, Op op) {
        using clock = std::chrono::steady_clock;
        const auto deadline = clock::now() + std::chrono::milliseconds(msecs < 0 ? 0 : msecs);
        for (;;) {
            qssl_status_t st = op();
            if (st == QSSL_STATUS_OK) {
                return true;
            }
            if (st < 0) {
                return false;
            }
            if (memory_ || fd_ < 0) {
                return false;
            }
            int wait = -1;
            if (msecs >= 0) {
                auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
                if (left.count() <= 0) {
                    setError(SocketTimeoutError, "Socket operation timed out");
                    return false;
                }
                wait = static_cast<int>(left.count());
            }
            if (!pollFd(st == QSSL_STATUS_WANT_WRITE ? POLLOUT : POLLIN, wait)) {
                setError(SocketTimeoutError, "Socket operation timed out");
                return false;
            }
        }
    }

    bool alert(bool (*get)(const qssl_conn_t *, qssl_alert_level_t *, qssl_alert_type_t *),
               Ssl::AlertLevel *level, Ssl::AlertType *type) const {
        qssl_alert_level_t l = 0;
        qssl_alert_type_t t = 0;
        if (!conn_ || !get(conn_, &l, &t)) {
            return false;
        }
        if (level) {
            *level = static_cast<Ssl::AlertLevel>(l);
        }
        if (type) {
            *type = static_cast<Ssl::AlertType>(t);
        }
        return true;
    }

    SslConfiguration config_;
    qssl_conn_t *conn_ = nullptr;
    int fd_ = -1;
    bool ownsFd_ = false;
    bool memory_ = false;
    SslMode mode_ = UnencryptedMode;
    bool failed_ = false;
    bool peerClosed_ = false;
    std::string verifyName_;
    std::shared_ptr<PreSharedKeyAuthenticationRequired> psk_;
    bool ignoreAll_ = false;
    std::vector<SslError> ignoreList_;
    SocketError error_ = UnknownSocketError;
    std::string errorString_ = "Unknown error";
};

// ---- QSslServer ---------------------------------------------------------------

/// QSslServer (Qt 6.4): a TCP server whose accepted connections are TLS
/// sockets with this server's configuration, handed out once their
/// handshake succeeded. Blocking: waitForNewConnection() accepts and runs the
/// handshake. QHostAddress is text here ("127.0.0.1", "::1", "0.0.0.0").
/// Not copyable; movable.
class SslServer {
public:
    /// QSslServer()
    SslServer() : config_(SslConfiguration::defaultConfiguration()) {}
    SslServer(const SslServer &) = delete;
    SslServer &operator=(const SslServer &) = delete;
    /// Moves the server (beyond Qt).
    SslServer(SslServer &&o) noexcept
        : config_(std::move(o.config_)), fd_(o.fd_), port_(o.port_), timeout_(o.timeout_),
          pending_(std::move(o.pending_)), errorString_(std::move(o.errorString_)) {
        o.fd_ = -1;
    }
    /// Moves the server (beyond Qt).
    SslServer &operator=(SslServer &&o) noexcept {
        std::swap(config_, o.config_);
        std::swap(fd_, o.fd_);
        std::swap(port_, o.port_);
        std::swap(timeout_, o.timeout_);
        std::swap(pending_, o.pending_);
        std::swap(errorString_, o.errorString_);
        return *this;
    }
    /// ~QSslServer(): stops listening.
    ~SslServer() { close(); }

    /// QSslServer::setSslConfiguration()
    void setSslConfiguration(const SslConfiguration &sslConfiguration) { config_ = sslConfiguration; }
    /// QSslServer::sslConfiguration()
    SslConfiguration sslConfiguration() const { return config_; }
    /// QSslServer::setHandshakeTimeout() (milliseconds; Qt's default 5000)
    void setHandshakeTimeout(int timeout) { timeout_ = timeout; }
    /// QSslServer::handshakeTimeout()
    int handshakeTimeout() const { return timeout_; }

    /// QTcpServer::listen(const QHostAddress &address = Any, quint16 port = 0)
    bool listen(const std::string &address = "0.0.0.0", std::uint16_t port = 0) {
        close();
        addrinfo hints;
        std::memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
        addrinfo *res = nullptr;
        if (getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
            errorString_ = "listen: not an address: " + address;
            return false;
        }
        int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
        int one = 1;
        bool ok = fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
                  ::bind(fd, res->ai_addr, res->ai_addrlen) == 0 && ::listen(fd, 64) == 0;
        freeaddrinfo(res);
        sockaddr_storage bound;
        socklen_t len = sizeof bound;
        if (!ok || ::getsockname(fd, reinterpret_cast<sockaddr *>(&bound), &len) != 0) {
            errorString_ = std::string("listen: ") + std::strerror(errno);
            if (fd >= 0) {
                ::close(fd);
            }
            return false;
        }
        fd_ = fd;
        port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port)
                                            : ntohs(reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
        return true;
    }
    /// QTcpServer::isListening()
    bool isListening() const { return fd_ >= 0; }
    /// QTcpServer::serverPort()
    std::uint16_t serverPort() const { return fd_ >= 0 ? port_ : 0; }
    /// QTcpServer::close()
    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = -1;
        port_ = 0;
    }
    /// QTcpServer::waitForNewConnection(int msec = 0, bool *timedOut = nullptr):
    /// accepts one connection and runs its handshake (at most
    /// handshakeTimeout() ms); true when an encrypted socket is pending. A
    /// failed handshake gives false, and errorString() says why (QSslServer's
    /// errorOccurred / sslErrors signals).
    bool waitForNewConnection(int msec = 0, bool *timedOut = nullptr) {
        if (timedOut) {
            *timedOut = false;
        }
        if (fd_ < 0) {
            errorString_ = "waitForNewConnection: not listening";
            return false;
        }
        pollfd p;
        p.fd = fd_;
        p.events = POLLIN;
        p.revents = 0;
        if (::poll(&p, 1, msec) <= 0) {
            if (timedOut) {
                *timedOut = true;
            }
            return false;
        }
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) {
            errorString_ = std::string("accept: ") + std::strerror(errno);
            return false;
        }
        if (timeout_ > 0) {
            timeval tv;
            tv.tv_sec = timeout_ / 1000;
            tv.tv_usec = (timeout_ % 1000) * 1000;
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        }
        std::unique_ptr<SslSocket> socket(new SslSocket());
        socket->setSslConfiguration(config_);
        socket->setSocketDescriptor(c);
        socket->startServerEncryption();
        if (!socket->waitForEncrypted(timeout_ > 0 ? timeout_ : -1)) {
            errorString_ = socket->errorString();
            return false;
        }
        if (timeout_ > 0) {
            timeval none;
            none.tv_sec = 0;
            none.tv_usec = 0;
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
            ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof none);
        }
        pending_.push_back(std::move(socket));
        return true;
    }
    /// QTcpServer::hasPendingConnections()
    bool hasPendingConnections() const { return !pending_.empty(); }
    /// QTcpServer::nextPendingConnection(): an encrypted socket, now the
    /// caller's (Qt's server-owned QTcpSocket *); null when none is pending.
    std::unique_ptr<SslSocket> nextPendingConnection() {
        if (pending_.empty()) {
            return nullptr;
        }
        std::unique_ptr<SslSocket> s = std::move(pending_.front());
        pending_.erase(pending_.begin());
        return s;
    }
    /// QTcpServer::errorString()
    std::string errorString() const { return errorString_; }

private:
    SslConfiguration config_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    int timeout_ = 5000;
    std::vector<std::unique_ptr<SslSocket>> pending_;
    std::string errorString_;
};

// ---- QDtls, QDtlsClientVerifier ---------------------------------------------

/// QDtlsError (Qt 6)
enum class DtlsError {
    NoError = QSSL_DTLS_ERROR_NO_ERROR,
    InvalidInputParameters = QSSL_DTLS_ERROR_INVALID_INPUT_PARAMETERS,
    InvalidOperation = QSSL_DTLS_ERROR_INVALID_OPERATION,
    UnderlyingSocketError = QSSL_DTLS_ERROR_UNDERLYING_SOCKET_ERROR,
    RemoteClosedConnectionError = QSSL_DTLS_ERROR_REMOTE_CLOSED_CONNECTION_ERROR,
    PeerVerificationError = QSSL_DTLS_ERROR_PEER_VERIFICATION_ERROR,
    TlsInitializationError = QSSL_DTLS_ERROR_TLS_INITIALIZATION_ERROR,
    TlsFatalError = QSSL_DTLS_ERROR_TLS_FATAL_ERROR,
    TlsNonFatalError = QSSL_DTLS_ERROR_TLS_NON_FATAL_ERROR
};

/// QDtlsClientVerifier: checks ClientHello cookies before a server spends
/// anything on a client. The QUdpSocket* of Qt's members is a UDP socket
/// descriptor here, or Dtls::MemoryTransport (-1) to queue the datagrams to
/// send for takeDatagram(). Not copyable; movable.
class DtlsClientVerifier {
public:
    /// QDtlsClientVerifier::GeneratorParameters
    struct GeneratorParameters {
        /// QDtlsClientVerifier::GeneratorParameters::GeneratorParameters(): SHA-1,
        /// an empty secret (the process-wide random secret).
        GeneratorParameters() = default;
        /// GeneratorParameters(QCryptographicHash::Algorithm, const QByteArray &secret)
        GeneratorParameters(CryptographicHash::Algorithm algorithm, std::string secret)
            : hash(algorithm), secret(std::move(secret)) {}
        /// The hash of the cookie HMAC.
        CryptographicHash::Algorithm hash = CryptographicHash::Sha1;
        /// The HMAC secret.
        std::string secret;
    };

    /// QDtlsClientVerifier(): Qt's default parameters.
    DtlsClientVerifier() : v_(nullptr) { qssl_dtls_verifier_new(&v_); }
    DtlsClientVerifier(const DtlsClientVerifier &) = delete;
    DtlsClientVerifier &operator=(const DtlsClientVerifier &) = delete;
    /// Moves the verifier (beyond Qt).
    DtlsClientVerifier(DtlsClientVerifier &&o) noexcept : v_(o.v_) { o.v_ = nullptr; }
    /// Moves the verifier (beyond Qt).
    DtlsClientVerifier &operator=(DtlsClientVerifier &&o) noexcept {
        std::swap(v_, o.v_);
        return *this;
    }
    /// ~QDtlsClientVerifier()
    ~DtlsClientVerifier() { qssl_dtls_verifier_free(v_); }

    /// QDtlsClientVerifier::setCookieGeneratorParameters()
    bool setCookieGeneratorParameters(const GeneratorParameters &params) {
        return qssl_dtls_verifier_set_cookie_generator_parameters(
                   v_, params.hash, detail::bytesIn(params.secret), params.secret.size()) == QSSL_STATUS_OK;
    }
    /// QDtlsClientVerifier::cookieGeneratorParameters()
    GeneratorParameters cookieGeneratorParameters() const {
        GeneratorParameters p;
        qssl_cryptographic_hash_algorithm_t hash = QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA1;
        p.secret = detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_verifier_cookie_generator_parameters(v_, &hash, b, c, l);
        });
        p.hash = static_cast<CryptographicHash::Algorithm>(hash);
        return p;
    }
    /// QDtlsClientVerifier::verifyClient(QUdpSocket *, const QByteArray &dgram,
    /// const QHostAddress &address, quint16 port)
    bool verifyClient(int socket, const std::string &dgram, const std::string &address, std::uint16_t port) {
        bool ok = false;
        qssl_dtls_verifier_verify_client(v_, socket, reinterpret_cast<const std::uint8_t *>(dgram.data()),
                                         dgram.size(), address.c_str(), port, &ok);
        return ok;
    }
    /// QDtlsClientVerifier::verifiedHello()
    std::string verifiedHello() const {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_verifier_verified_hello(v_, b, c, l);
        });
    }
    /// QDtlsClientVerifier::dtlsError()
    DtlsError dtlsError() const { return static_cast<DtlsError>(qssl_dtls_verifier_dtls_error(v_)); }
    /// QDtlsClientVerifier::dtlsErrorString()
    std::string dtlsErrorString() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_verifier_dtls_error_string(v_, b, c, l);
        });
    }
    /// Memory transport: the next HelloVerifyRequest to send ("" if none). Beyond Qt.
    std::string takeDatagram() {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_verifier_take_datagram(v_, b, c, l);
        });
    }

private:
    qssl_dtls_verifier_t *v_;
};

/// QDtls: one DTLS 1.2 association. Qt's QUdpSocket* parameters are a UDP
/// socket descriptor here, or Dtls::MemoryTransport (-1): then the
/// datagrams to send wait for takeDatagram() (beyond Qt). Not copyable; movable.
class Dtls {
public:
    /// The "socket" for the memory transport.
    static constexpr int MemoryTransport = -1;
    /// QDtls::HandshakeState
    enum HandshakeState {
        HandshakeNotStarted = QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_NOT_STARTED,
        HandshakeInProgress = QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_IN_PROGRESS,
        PeerVerificationFailed = QSSL_DTLS_HANDSHAKE_STATE_PEER_VERIFICATION_FAILED,
        HandshakeComplete = QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_COMPLETE
    };
    /// QDtls::GeneratorParameters
    using GeneratorParameters = DtlsClientVerifier::GeneratorParameters;

    /// QDtls(QSslSocket::SslMode): the default DTLS configuration.
    explicit Dtls(detail::SocketEnums::SslMode mode) : d_(nullptr) { qssl_dtls_new(mode, &d_); }
    Dtls(const Dtls &) = delete;
    Dtls &operator=(const Dtls &) = delete;
    /// Moves the association (beyond Qt).
    Dtls(Dtls &&o) noexcept : d_(o.d_), thrown_(std::move(o.thrown_)) { o.d_ = nullptr; }
    /// Moves the association (beyond Qt).
    Dtls &operator=(Dtls &&o) noexcept {
        std::swap(d_, o.d_);
        std::swap(thrown_, o.thrown_);
        return *this;
    }
    /// ~QDtls(): sends nothing (call shutdown() first).
    ~Dtls() { qssl_dtls_free(d_); }

    /// QDtls::setPeer(const QHostAddress &, quint16, const QString &verificationName)
    bool setPeer(const std::string &address, std::uint16_t port,
                 const std::string &verificationName = std::string()) {
        return qssl_dtls_set_peer(d_, address.c_str(), port, verificationName.c_str()) == QSSL_STATUS_OK;
    }
    /// QDtls::setPeerVerificationName()
    bool setPeerVerificationName(const std::string &name) {
        return qssl_dtls_set_peer_verification_name(d_, name.c_str()) == QSSL_STATUS_OK;
    }
    /// QDtls::peerAddress() (text)
    std::string peerAddress() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_peer_address(d_, b, c, l);
        });
    }
    /// QDtls::peerPort()
    std::uint16_t peerPort() const { return qssl_dtls_peer_port(d_); }
    /// QDtls::peerVerificationName()
    std::string peerVerificationName() const {
        return detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_peer_verification_name(d_, b, c, l);
        });
    }
    /// QDtls::sslMode()
    detail::SocketEnums::SslMode sslMode() const {
        return static_cast<detail::SocketEnums::SslMode>(qssl_dtls_ssl_mode(d_));
    }
    /// QDtls::setMtuHint()
    void setMtuHint(std::uint16_t mtuHint) { qssl_dtls_set_mtu_hint(d_, mtuHint); }
    /// QDtls::mtuHint()
    std::uint16_t mtuHint() const { return qssl_dtls_mtu_hint(d_); }
    /// QDtls::setCookieGeneratorParameters()
    bool setCookieGeneratorParameters(const GeneratorParameters &params) {
        return qssl_dtls_set_cookie_generator_parameters(d_, params.hash, detail::bytesIn(params.secret),
                                                         params.secret.size()) == QSSL_STATUS_OK;
    }
    /// QDtls::cookieGeneratorParameters()
    GeneratorParameters cookieGeneratorParameters() const {
        GeneratorParameters p;
        qssl_cryptographic_hash_algorithm_t hash = QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA1;
        p.secret = detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_cookie_generator_parameters(d_, &hash, b, c, l);
        });
        p.hash = static_cast<CryptographicHash::Algorithm>(hash);
        return p;
    }
    /// QDtls::dtlsConfiguration() (with the session state once encrypted)
    SslConfiguration dtlsConfiguration() const { return SslConfiguration(qssl_dtls_dtls_configuration(d_)); }
    /// QDtls::setDtlsConfiguration(): false for a TLS configuration.
    bool setDtlsConfiguration(const SslConfiguration &configuration) {
        return qssl_dtls_set_dtls_configuration(d_, configuration.handle()) == QSSL_STATUS_OK;
    }
    /// QDtls's pskRequired signal, as a callback (before the handshake). An
    /// exception thrown in it aborts the handshake; dtlsErrorString() names it.
    void onPskRequired(PreSharedKeyAuthenticationRequired callback) {
        if (!callback) {
            qssl_dtls_set_psk_callback(d_, nullptr, nullptr, nullptr);
            return;
        }
        auto *holder = new detail::PskHolder{std::move(callback)};
        qssl_dtls_set_psk_callback(d_, detail::pskTrampoline, holder, detail::freePskHolder);
    }
    /// QDtls::handshakeState()
    HandshakeState handshakeState() const { return static_cast<HandshakeState>(qssl_dtls_handshake_state(d_)); }
    /// QDtls::doHandshake(QUdpSocket *, const QByteArray &dgram = {})
    bool doHandshake(int socket, const std::string &dgram = std::string()) {
        detail::callbackError().clear();
        return record(qssl_dtls_do_handshake(d_, socket, detail::bytesIn(dgram), dgram.size()));
    }
    /// QDtls::handleTimeout(QUdpSocket *): true if a flight was retransmitted.
    bool handleTimeout(int socket) {
        bool again = false;
        return record(qssl_dtls_handle_timeout(d_, socket, &again)) && again;
    }
    /// Milliseconds until handleTimeout() is due (0: now), -1 without a
    /// running handshake timer. Beyond Qt (Qt emits handshakeTimeout()).
    std::int64_t nextTimeoutMs() const {
        std::int64_t ms = -1;
        qssl_dtls_next_timeout_ms(d_, &ms);
        return ms;
    }
    /// Sets the first retransmission time-out (1..60000 ms; default 1000),
    /// before the handshake. Beyond Qt.
    bool setInitialTimeoutMs(std::uint32_t ms) {
        return record(qssl_dtls_set_initial_timeout_ms(d_, ms));
    }
    /// QDtls::resumeHandshake(QUdpSocket *)
    bool resumeHandshake(int socket) { return record(qssl_dtls_resume_handshake(d_, socket)); }
    /// QDtls::abortHandshake(QUdpSocket *)
    bool abortHandshake(int socket) { return record(qssl_dtls_abort_handshake(d_, socket)); }
    /// QDtls::shutdown(QUdpSocket *)
    bool shutdown(int socket) { return record(qssl_dtls_shutdown(d_, socket)); }
    /// QDtls::isConnectionEncrypted()
    bool isConnectionEncrypted() const { return qssl_dtls_is_connection_encrypted(d_); }
    /// QDtls::sessionCipher()
    SslCipher sessionCipher() const { return SslCipher(qssl_dtls_session_cipher(d_)); }
    /// QDtls::sessionProtocol()
    Ssl::SslProtocol sessionProtocol() const {
        return static_cast<Ssl::SslProtocol>(qssl_dtls_session_protocol(d_));
    }
    /// The largest payload writeDatagramEncrypted() takes (beyond Qt).
    std::size_t dataMtu() const { return qssl_dtls_data_mtu(d_); }
    /// QDtls::writeDatagramEncrypted(QUdpSocket *, const QByteArray &): bytes written or -1.
    std::int64_t writeDatagramEncrypted(int socket, const std::string &dgram) {
        std::size_t written = 0;
        if (!record(qssl_dtls_write_datagram_encrypted(d_, socket, detail::bytesIn(dgram), dgram.size(),
                                                       &written))) {
            return -1;
        }
        return static_cast<std::int64_t>(written);
    }
    /// QDtls::decryptDatagram(QUdpSocket *, const QByteArray &dgram): the
    /// plaintext ("" for a datagram without application data or on error).
    std::string decryptDatagram(int socket, const std::string &dgram) {
        std::string out(dgram.size() + 1, '\0');
        std::size_t len = 0;
        if (!record(qssl_dtls_decrypt_datagram(d_, socket, detail::bytesIn(dgram), dgram.size(),
                                               reinterpret_cast<std::uint8_t *>(&out[0]), out.size(), &len))) {
            return std::string();
        }
        out.resize(len);
        return out;
    }
    /// QDtls::dtlsError()
    DtlsError dtlsError() const { return static_cast<DtlsError>(qssl_dtls_dtls_error(d_)); }
    /// QDtls::dtlsErrorString() (names the exception a PSK callback threw)
    std::string dtlsErrorString() const {
        std::string message = detail::bytesOut([&](char *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_dtls_error_string(d_, b, c, l);
        });
        return thrown_.empty() ? message : thrown_ + " (" + message + ")";
    }
    /// QDtls::peerVerificationErrors()
    std::vector<SslError> peerVerificationErrors() const {
        return SslError::takeList(qssl_dtls_peer_verification_errors(d_));
    }
    /// QDtls::ignoreVerificationErrors()
    void ignoreVerificationErrors(const std::vector<SslError> &errorsToIgnore) {
        auto h = detail::handles(errorsToIgnore);
        qssl_dtls_ignore_verification_errors(d_, h.data(), h.size());
    }
    /// Memory transport: the next datagram to send to the peer ("" if none). Beyond Qt.
    std::string takeDatagram() {
        return detail::bytesOutU8([&](std::uint8_t *b, std::size_t c, std::size_t *l) {
            return qssl_dtls_take_datagram(d_, b, c, l);
        });
    }
    /// Memory transport: how many datagrams wait to be sent. Beyond Qt.
    std::size_t pendingDatagrams() const { return qssl_dtls_pending_datagrams(d_); }

private:
    bool record(qssl_status_t st) {
        std::string &thrown = detail::callbackError();
        thrown_ = (st == QSSL_STATUS_CALLBACK_REFUSED || st == QSSL_STATUS_TLS) ? thrown : std::string();
        thrown.clear();
        return st == QSSL_STATUS_OK;
    }
    qssl_dtls_t *d_;
    std::string thrown_;
};

}  // namespace qssl

#endif  // QSSL_HPP
