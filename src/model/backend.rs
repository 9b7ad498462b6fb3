//! Qt 6's TLS backend API (`QSslSocket::activeBackend()`,
//! `supportedProtocols()`, `implementedClasses()`, `supportedFeatures()`, ...)
//! and the library statics (`supportsSsl()`, `sslLibraryVersionNumber()`, ...),
//! answered for qssl's one backend, "openssl".
//!
//! Every answer is what qssl really implements: a class or feature is listed
//! only when the C API offers it. DTLS is declared in one place,
//! [`DTLS_IMPLEMENTED`].

use super::enums::protocol;

/// The name of qssl's one TLS backend (as Qt names its OpenSSL backend).
pub const BACKEND_NAME: &str = "openssl";

/// Whether qssl implements DTLS (`qssl_dtls_t`, `qssl_dtls_verifier_t`).
/// The single switch for the DTLS answers of the backend API: the DTLS
/// protocols, `QSsl::ImplementedClass::Dtls` and `DtlsCookie`.
pub const DTLS_IMPLEMENTED: bool = true;

/// `QSsl::ImplementedClass` (Qt 6).
pub mod implemented_class {
    /// QSslKey.
    pub const KEY: i32 = 0;
    /// QSslCertificate.
    pub const CERTIFICATE: i32 = 1;
    /// QSslSocket (the handshake part: `qssl_conn_t`).
    pub const SOCKET: i32 = 2;
    /// QSslDiffieHellmanParameters.
    pub const DIFFIE_HELLMAN: i32 = 3;
    /// QSslEllipticCurve.
    pub const ELLIPTIC_CURVE: i32 = 4;
    /// QDtls.
    pub const DTLS: i32 = 5;
    /// QDtlsClientVerifier.
    pub const DTLS_COOKIE: i32 = 6;

    /// True for a value of `QSsl::ImplementedClass`.
    pub fn is_valid(c: i32) -> bool {
        (KEY..=DTLS_COOKIE).contains(&c)
    }
}

/// `QSsl::SupportedFeature` (Qt 6).
pub mod supported_feature {
    /// Certificate verification.
    pub const CERTIFICATE_VERIFICATION: i32 = 0;
    /// ALPN on the client.
    pub const CLIENT_SIDE_ALPN: i32 = 1;
    /// ALPN on the server.
    pub const SERVER_SIDE_ALPN: i32 = 2;
    /// OCSP stapling (requested by a client).
    pub const OCSP: i32 = 3;
    /// Pre-shared keys.
    pub const PSK: i32 = 4;
    /// Session tickets.
    pub const SESSION_TICKET: i32 = 5;
    /// Alerts sent and received are reported.
    pub const ALERTS: i32 = 6;

    /// True for a value of `QSsl::SupportedFeature`.
    pub fn is_valid(f: i32) -> bool {
        (CERTIFICATE_VERIFICATION..=ALERTS).contains(&f)
    }
}

/// True when `name` names qssl's backend; `None` and "" mean the active
/// backend, as Qt's default argument (an empty string) does.
pub fn is_backend(name: Option<&str>) -> bool {
    match name {
        None | Some("") => true,
        Some(n) => n == BACKEND_NAME,
    }
}

/// The backends available: qssl has one.
pub fn available_backends() -> Vec<&'static str> {
    vec![BACKEND_NAME]
}

/// Qt's `setActiveBackend(name)`: qssl's backend is always active, so true
/// exactly for its name (an empty name is refused, as in Qt).
pub fn set_active_backend(name: &str) -> bool {
    name == BACKEND_NAME
}

/// The protocols a configuration given to qssl's backend may name, in the
/// order Qt's OpenSSL backend lists them. TLS 1.0 and 1.1 are listed, as in
/// Qt: a connection accepts them, and OpenSSL 3's default security level
/// then refuses them in the handshake unless the backend configuration
/// lowers it. The DTLS protocols follow [`DTLS_IMPLEMENTED`].
pub fn supported_protocols(backend: Option<&str>) -> Vec<i32> {
    if !is_backend(backend) {
        return Vec::new();
    }
    use protocol::*;
    let mut v = vec![
        ANY_PROTOCOL,
        SECURE_PROTOCOLS,
        TLS_V1_0,
        TLS_V1_0_OR_LATER,
        TLS_V1_1,
        TLS_V1_1_OR_LATER,
        TLS_V1_2,
        TLS_V1_2_OR_LATER,
        TLS_V1_3,
        TLS_V1_3_OR_LATER,
    ];
    if DTLS_IMPLEMENTED {
        v.extend([DTLS_V1_0, DTLS_V1_0_OR_LATER, DTLS_V1_2, DTLS_V1_2_OR_LATER]);
    }
    v
}

/// The classes qssl implements, in the order Qt's OpenSSL backend lists
/// them. Dtls and DtlsCookie follow [`DTLS_IMPLEMENTED`].
pub fn implemented_classes(backend: Option<&str>) -> Vec<i32> {
    if !is_backend(backend) {
        return Vec::new();
    }
    use implemented_class::*;
    let mut v = vec![KEY, CERTIFICATE, SOCKET];
    if DTLS_IMPLEMENTED {
        v.extend([DTLS, DTLS_COOKIE]);
    }
    v.extend([ELLIPTIC_CURVE, DIFFIE_HELLMAN]);
    v
}

/// The features qssl supports: all of Qt 6's (OCSP stapling as a client; a
/// server refuses to staple, as Qt's OpenSSL backend cannot either).
pub fn supported_features(backend: Option<&str>) -> Vec<i32> {
    if !is_backend(backend) {
        return Vec::new();
    }
    use supported_feature::*;
    vec![
        CERTIFICATE_VERIFICATION,
        CLIENT_SIDE_ALPN,
        SERVER_SIDE_ALPN,
        OCSP,
        PSK,
        SESSION_TICKET,
        ALERTS,
    ]
}

/// The version number of the OpenSSL qssl was built against
/// (`OPENSSL_VERSION_NUMBER`, as `0xMNN00PP0` for OpenSSL 3).
pub const BUILD_VERSION_NUMBER: i64 = parse_hex(env!("QSSL_OPENSSL_BUILD_VERSION_NUMBER"));

/// The version text of the OpenSSL qssl was built against
/// (`OPENSSL_VERSION_TEXT`, e.g. "OpenSSL 3.0.19 27 Jan 2026").
pub const BUILD_VERSION_TEXT: &str = env!("QSSL_OPENSSL_BUILD_VERSION_TEXT");

const fn parse_hex(s: &str) -> i64 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut v: i64 = 0;
    while i < b.len() {
        let d = match b[i] {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("QSSL_OPENSSL_BUILD_VERSION_NUMBER is not hexadecimal"),
        };
        v = v * 16 + d as i64;
        i += 1;
    }
    v
}

/// The version number of the OpenSSL library qssl runs on
/// (`OpenSSL_version_num()`).
pub fn library_version_number() -> i64 {
    crate::ossl::runtime_version_number()
}

/// The version text of the OpenSSL library qssl runs on.
pub fn library_version_text() -> &'static str {
    crate::ossl::runtime_version_text()
}

/// Qt's `supportsSsl()`: OpenSSL initialises, and the library qssl runs on
/// has the major version it was built against (Qt's OpenSSL backend refuses
/// a runtime of another major version).
pub fn supports_ssl() -> bool {
    crate::ossl::init_ssl() && (library_version_number() >> 28) == (BUILD_VERSION_NUMBER >> 28)
}
