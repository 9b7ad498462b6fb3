//! The static members of QSslSocket: whether TLS is available, the OpenSSL
//! versions, and Qt 6's TLS backend API, answered for qssl's one backend
//! ("openssl"). All functions are `qssl_socket_*`, after the Qt class.
//!
//! Lists of enum values use the bytes-out shape with values for bytes:
//! `(buf, cap, out_len)`, where `*out_len` receives the number of values,
//! `cap` counts values, and a too-small `cap` gives
//! `QSSL_STATUS_BUFFER_TOO_SMALL` with nothing written (`buf` may be NULL
//! when `cap` is 0, a size query).
#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_long};

use super::boundary;
use super::bytes::{slice_out, str_in};
use super::bytes_list::qssl_bytes_list_t;
use super::enums::qssl_ssl_protocol_t;
use super::handle::into_raw;
use super::status::qssl_status_t;
use crate::Error;
use crate::model::backend::{self, implemented_class, supported_feature};
use crate::model::enums::protocol;

/// A class a TLS backend may implement (QSsl::ImplementedClass, Qt 6).
pub type qssl_implemented_class_t = i32;

/// QSslKey (QSsl::ImplementedClass::Key).
pub const QSSL_IMPLEMENTED_CLASS_KEY: qssl_implemented_class_t = 0;

/// QSslCertificate (QSsl::ImplementedClass::Certificate).
pub const QSSL_IMPLEMENTED_CLASS_CERTIFICATE: qssl_implemented_class_t = 1;

/// QSslSocket, in qssl the handshake part, `qssl_conn_t` (QSsl::ImplementedClass::Socket).
pub const QSSL_IMPLEMENTED_CLASS_SOCKET: qssl_implemented_class_t = 2;

/// QSslDiffieHellmanParameters (QSsl::ImplementedClass::DiffieHellman).
pub const QSSL_IMPLEMENTED_CLASS_DIFFIE_HELLMAN: qssl_implemented_class_t = 3;

/// QSslEllipticCurve (QSsl::ImplementedClass::EllipticCurve).
pub const QSSL_IMPLEMENTED_CLASS_ELLIPTIC_CURVE: qssl_implemented_class_t = 4;

/// QDtls (QSsl::ImplementedClass::Dtls).
pub const QSSL_IMPLEMENTED_CLASS_DTLS: qssl_implemented_class_t = 5;

/// QDtlsClientVerifier (QSsl::ImplementedClass::DtlsCookie).
pub const QSSL_IMPLEMENTED_CLASS_DTLS_COOKIE: qssl_implemented_class_t = 6;

/// A feature a TLS backend may support (QSsl::SupportedFeature, Qt 6).
pub type qssl_supported_feature_t = i32;

/// Certificate verification (QSsl::SupportedFeature::CertificateVerification).
pub const QSSL_SUPPORTED_FEATURE_CERTIFICATE_VERIFICATION: qssl_supported_feature_t = 0;

/// ALPN on the client (QSsl::SupportedFeature::ClientSideAlpn).
pub const QSSL_SUPPORTED_FEATURE_CLIENT_SIDE_ALPN: qssl_supported_feature_t = 1;

/// ALPN on the server (QSsl::SupportedFeature::ServerSideAlpn).
pub const QSSL_SUPPORTED_FEATURE_SERVER_SIDE_ALPN: qssl_supported_feature_t = 2;

/// OCSP stapling, requested by a client (QSsl::SupportedFeature::Ocsp).
pub const QSSL_SUPPORTED_FEATURE_OCSP: qssl_supported_feature_t = 3;

/// Pre-shared keys (QSsl::SupportedFeature::Psk).
pub const QSSL_SUPPORTED_FEATURE_PSK: qssl_supported_feature_t = 4;

/// Session tickets (QSsl::SupportedFeature::SessionTicket).
pub const QSSL_SUPPORTED_FEATURE_SESSION_TICKET: qssl_supported_feature_t = 5;

/// Alerts sent and received are reported (QSsl::SupportedFeature::Alerts).
pub const QSSL_SUPPORTED_FEATURE_ALERTS: qssl_supported_feature_t = 6;

const BACKEND: &std::ffi::CStr = c"openssl";

const BUILD_TEXT: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!(env!("QSSL_OPENSSL_BUILD_VERSION_TEXT"), "\0").as_bytes(),
) {
    Ok(v) => v,
    Err(_) => panic!("the OpenSSL build version text has an interior NUL"),
};

/// Borrows an optional backend name: NULL means the active backend.
///
/// # Safety
/// `p` must be NULL or a NUL-terminated string.
unsafe fn backend_in<'a>(p: *const c_char) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, NUL-terminated by the caller's guarantee.
    unsafe { str_in(p, "backend_name") }.map(Some)
}

/// True when TLS is available: OpenSSL initialises and runs with the major
/// version qssl was built against. Never fails.
///
/// Qt: QSslSocket::supportsSsl()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_socket_supports_ssl() -> bool {
    boundary::value("qssl_socket_supports_ssl", false, || {
        Ok(backend::supports_ssl())
    })
}

/// The version number of the OpenSSL library qssl runs on
/// (`OpenSSL_version_num()`, `0xMNN00PP0` for OpenSSL 3: 0x30000130 is
/// 3.0.19). Never fails.
///
/// Qt: QSslSocket::sslLibraryVersionNumber()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_socket_ssl_library_version_number() -> c_long {
    boundary::value_pure("qssl_socket_ssl_library_version_number", 0, || {
        Ok(c_long::try_from(backend::library_version_number()).unwrap_or(c_long::MAX))
    })
}

/// The version text of the OpenSSL library qssl runs on, for example
/// "OpenSSL 3.0.19 27 Jan 2026" (the same text as qssl_openssl_version()).
/// Static; never NULL; never free it.
///
/// Qt: QSslSocket::sslLibraryVersionString()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_socket_ssl_library_version_string() -> *const c_char {
    // SAFETY: OpenSSL_version returns a pointer to a static string.
    unsafe { openssl_sys::OpenSSL_version(openssl_sys::OPENSSL_VERSION) }
}

/// The version number of the OpenSSL qssl was built against
/// (`OPENSSL_VERSION_NUMBER` of its headers). Never fails.
///
/// Qt: QSslSocket::sslLibraryBuildVersionNumber()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_socket_ssl_library_build_version_number() -> c_long {
    c_long::try_from(backend::BUILD_VERSION_NUMBER).unwrap_or(c_long::MAX)
}

/// The version text of the OpenSSL qssl was built against
/// (`OPENSSL_VERSION_TEXT` of its headers, for example
/// "OpenSSL 3.0.19 27 Jan 2026"). Static; never NULL; never free it.
///
/// Qt: QSslSocket::sslLibraryBuildVersionString()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_socket_ssl_library_build_version_string() -> *const c_char {
    BUILD_TEXT.as_ptr()
}

/// The name of the active TLS backend: always "openssl", qssl's one
/// backend. Static; never NULL; never free it.
///
/// Qt: QSslSocket::activeBackend() (Qt 6)
#[unsafe(no_mangle)]
pub extern "C" fn qssl_socket_active_backend() -> *const c_char {
    BACKEND.as_ptr()
}

/// The names of the available TLS backends, as a new list of UTF-8
/// strings: just "openssl". Free with qssl_bytes_list_free(). NULL only if
/// memory runs out.
///
/// Qt: QSslSocket::availableBackends() (Qt 6)
#[unsafe(no_mangle)]
pub extern "C" fn qssl_socket_available_backends() -> *mut qssl_bytes_list_t {
    boundary::pointer_pure("qssl_socket_available_backends", || {
        Ok(into_raw(qssl_bytes_list_t::from_strings(
            backend::available_backends(),
        )))
    })
}

/// Chooses the TLS backend by name. qssl's one backend is always active, so
/// this returns true for "openssl" and false for any other name, including
/// "" (as Qt, which refuses an empty name). NULL or invalid UTF-8: false,
/// with a last-error message.
///
/// Qt: QSslSocket::setActiveBackend() (Qt 6)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_socket_set_active_backend(backend_name: *const c_char) -> bool {
    boundary::value_pure("qssl_socket_set_active_backend", false, || {
        // SAFETY: NULL or a NUL-terminated string, per the header's contract.
        let name = unsafe { str_in(backend_name, "backend_name") }?;
        Ok(backend::set_active_backend(name))
    })
}

/// The protocols `backend_name` supports (NULL or "" for the active
/// backend), in Qt's order for its OpenSSL backend: AnyProtocol,
/// SecureProtocols, TlsV1_0, TlsV1_0OrLater, TlsV1_1, TlsV1_1OrLater,
/// TlsV1_2, TlsV1_2OrLater, TlsV1_3, TlsV1_3OrLater, DtlsV1_0,
/// DtlsV1_0OrLater, DtlsV1_2, DtlsV1_2OrLater (the DTLS values for
/// `qssl_dtls_t`). An unknown backend has none (OK, length 0).
/// Output in the `(buf, cap, out_len)` shape counted in values.
///
/// Errors: BUFFER_TOO_SMALL (nothing written), NULL_ARGUMENT (`out_len`, or
/// `buf` with enough `cap`), INVALID_ARGUMENT (a name that is not UTF-8).
///
/// Qt: QSslSocket::supportedProtocols(const QString &backendName = {}) (Qt 6)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_socket_supported_protocols(
    backend_name: *const c_char,
    buf: *mut qssl_ssl_protocol_t,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_socket_supported_protocols", || {
        // SAFETY: per the header's pointer contract.
        let name = unsafe { backend_in(backend_name) }?;
        // SAFETY: per the header's pointer contract.
        unsafe { slice_out(&backend::supported_protocols(name), buf, cap, out_len) }
    })
}

/// True when `backend_name` (NULL or "" for the active backend) supports
/// `protocol`. UnknownProtocol is not supported. A value outside
/// QSsl::SslProtocol, or a name that is not UTF-8: false with a
/// last-error message (INVALID_ARGUMENT).
///
/// Qt: QSslSocket::isProtocolSupported(QSsl::SslProtocol, const QString &backendName = {}) (Qt 6)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_socket_is_protocol_supported(
    protocol: qssl_ssl_protocol_t,
    backend_name: *const c_char,
) -> bool {
    boundary::value_pure("qssl_socket_is_protocol_supported", false, || {
        if !protocol::is_valid(protocol) {
            return Err(Error::invalid(format!("unknown protocol value {protocol}")));
        }
        // SAFETY: per the header's pointer contract.
        let name = unsafe { backend_in(backend_name) }?;
        Ok(backend::supported_protocols(name).contains(&protocol))
    })
}

/// The classes `backend_name` implements (NULL or "" for the active
/// backend), in Qt's order: Key, Certificate, Socket, Dtls, DtlsCookie,
/// EllipticCurve, DiffieHellman. An unknown backend has none. Output as
/// qssl_socket_supported_protocols().
///
/// Errors: BUFFER_TOO_SMALL (nothing written), NULL_ARGUMENT (`out_len`, or
/// `buf` with enough `cap`), INVALID_ARGUMENT (a name that is not UTF-8).
///
/// Qt: QSslSocket::implementedClasses(const QString &backendName = {}) (Qt 6)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_socket_implemented_classes(
    backend_name: *const c_char,
    buf: *mut qssl_implemented_class_t,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_socket_implemented_classes", || {
        // SAFETY: per the header's pointer contract.
        let name = unsafe { backend_in(backend_name) }?;
        // SAFETY: per the header's pointer contract.
        unsafe { slice_out(&backend::implemented_classes(name), buf, cap, out_len) }
    })
}

/// True when `backend_name` (NULL or "" for the active backend) implements
/// class `cl`. A value outside QSsl::ImplementedClass or a name that is not
/// UTF-8: false with a last-error message (INVALID_ARGUMENT).
///
/// Qt: QSslSocket::isClassImplemented(QSsl::ImplementedClass, const QString &backendName = {}) (Qt 6)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_socket_is_class_implemented(
    cl: qssl_implemented_class_t,
    backend_name: *const c_char,
) -> bool {
    boundary::value_pure("qssl_socket_is_class_implemented", false, || {
        if !implemented_class::is_valid(cl) {
            return Err(Error::invalid(format!("unknown class value {cl}")));
        }
        // SAFETY: per the header's pointer contract.
        let name = unsafe { backend_in(backend_name) }?;
        Ok(backend::implemented_classes(name).contains(&cl))
    })
}

/// The features `backend_name` supports (NULL or "" for the active
/// backend): all seven of Qt 6, in order (OCSP stapling as a client; a qssl
/// server refuses to staple, as Qt's cannot either). An unknown backend has
/// none. Output as qssl_socket_supported_protocols().
///
/// Errors: BUFFER_TOO_SMALL (nothing written), NULL_ARGUMENT (`out_len`, or
/// `buf` with enough `cap`), INVALID_ARGUMENT (a name that is not UTF-8).
///
/// Qt: QSslSocket::supportedFeatures(const QString &backendName = {}) (Qt 6)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_socket_supported_features(
    backend_name: *const c_char,
    buf: *mut qssl_supported_feature_t,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_socket_supported_features", || {
        // SAFETY: per the header's pointer contract.
        let name = unsafe { backend_in(backend_name) }?;
        // SAFETY: per the header's pointer contract.
        unsafe { slice_out(&backend::supported_features(name), buf, cap, out_len) }
    })
}

/// True when `backend_name` (NULL or "" for the active backend) supports
/// feature `ft`. A value outside QSsl::SupportedFeature or a name that is
/// not UTF-8: false with a last-error message (INVALID_ARGUMENT).
///
/// Qt: QSslSocket::isFeatureSupported(QSsl::SupportedFeature, const QString &backendName = {}) (Qt 6)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_socket_is_feature_supported(
    ft: qssl_supported_feature_t,
    backend_name: *const c_char,
) -> bool {
    boundary::value_pure("qssl_socket_is_feature_supported", false, || {
        if !supported_feature::is_valid(ft) {
            return Err(Error::invalid(format!("unknown feature value {ft}")));
        }
        // SAFETY: per the header's pointer contract.
        let name = unsafe { backend_in(backend_name) }?;
        Ok(backend::supported_features(name).contains(&ft))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_the_core() {
        use implemented_class as c;
        use supported_feature as f;
        let classes = [
            (QSSL_IMPLEMENTED_CLASS_KEY, c::KEY),
            (QSSL_IMPLEMENTED_CLASS_CERTIFICATE, c::CERTIFICATE),
            (QSSL_IMPLEMENTED_CLASS_SOCKET, c::SOCKET),
            (QSSL_IMPLEMENTED_CLASS_DIFFIE_HELLMAN, c::DIFFIE_HELLMAN),
            (QSSL_IMPLEMENTED_CLASS_ELLIPTIC_CURVE, c::ELLIPTIC_CURVE),
            (QSSL_IMPLEMENTED_CLASS_DTLS, c::DTLS),
            (QSSL_IMPLEMENTED_CLASS_DTLS_COOKIE, c::DTLS_COOKIE),
        ];
        let features = [
            (
                QSSL_SUPPORTED_FEATURE_CERTIFICATE_VERIFICATION,
                f::CERTIFICATE_VERIFICATION,
            ),
            (QSSL_SUPPORTED_FEATURE_CLIENT_SIDE_ALPN, f::CLIENT_SIDE_ALPN),
            (QSSL_SUPPORTED_FEATURE_SERVER_SIDE_ALPN, f::SERVER_SIDE_ALPN),
            (QSSL_SUPPORTED_FEATURE_OCSP, f::OCSP),
            (QSSL_SUPPORTED_FEATURE_PSK, f::PSK),
            (QSSL_SUPPORTED_FEATURE_SESSION_TICKET, f::SESSION_TICKET),
            (QSSL_SUPPORTED_FEATURE_ALERTS, f::ALERTS),
        ];
        for (a, b) in classes.iter().chain(features.iter()) {
            assert_eq!(a, b);
        }
    }
}
