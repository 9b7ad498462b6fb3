//! `qssl_ssl_error_t` (QSslError) and `qssl_ssl_error_list_t`.
#![allow(non_camel_case_types)]
// The pointer rules every function here relies on (NULL or a live handle from
// qssl, buffers valid for their stated length) are the C contract, stated once
// in the header preamble rather than in a `# Safety` section per function.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_char;

use super::boundary;
use super::bytes::text_out;
use super::cert::qssl_cert_t;
use super::enums::{QSSL_SSL_ERROR_NO_ERROR, qssl_ssl_error_code_t};
use super::handle::{borrow, handle, into_raw};
use super::list::ListStore;
use super::status::qssl_status_t;
use crate::Error;
use crate::model::cert::Certificate;
use crate::model::ssl_error::{SslError, code};

handle! {
    /// An SSL error handle (QSslError). Declared in the header preamble.
    pub struct qssl_ssl_error_t(SslError): Shared;
}

handle! {
    /// A list of SSL errors. Declared in the header preamble.
    pub struct qssl_ssl_error_list_t(ListStore<SslError, qssl_ssl_error_t>): Unique;
}

/// Borrows an SSL error handle.
///
/// # Safety
/// `e` must be NULL or a live `qssl_ssl_error_t`.
unsafe fn ssl_error<'a>(e: *const qssl_ssl_error_t) -> Result<&'a SslError, Error> {
    // SAFETY: forwarded caller guarantee.
    unsafe { borrow(e, "error") }.map(|h| &h.0)
}

/// Creates an SSL error of kind `error` (a QSSL_SSL_ERROR_* value) concerning
/// `certificate` (borrowed; the error keeps its own reference), or no
/// certificate when `certificate` is NULL. `qssl_ssl_error_new(
/// QSSL_SSL_ERROR_NO_ERROR, NULL)` is Qt's default-constructed error. Free it
/// with qssl_ssl_error_free().
///
/// Errors (NULL return): `error` not a QSSL_SSL_ERROR_* value
/// (QSSL_STATUS_INVALID_ARGUMENT).
///
/// Qt: QSslError::QSslError(), QSslError(SslError), QSslError(SslError, const QSslCertificate &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_new(
    error: qssl_ssl_error_code_t,
    certificate: *const qssl_cert_t,
) -> *mut qssl_ssl_error_t {
    boundary::pointer("qssl_ssl_error_new", || {
        if !code::is_valid(error) {
            return Err(Error::invalid(format!(
                "unknown qssl_ssl_error_code_t value {error}"
            )));
        }
        let cert = if certificate.is_null() {
            Certificate::null()
        } else {
            // SAFETY: non-NULL; the caller guarantees a live handle.
            unsafe { borrow(certificate, "certificate") }?.0.clone()
        };
        Ok(into_raw(qssl_ssl_error_t(SslError::new(error, cert))))
    })
}

/// Returns a new handle to the same error (O(1)). Free it with
/// qssl_ssl_error_free(). NULL if `error` is NULL.
///
/// Qt: QSslError::QSslError(const QSslError &other)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_copy(
    error: *const qssl_ssl_error_t,
) -> *mut qssl_ssl_error_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::copy("qssl_ssl_error_copy", error, "error") }
}

/// Frees an SSL error handle; NULL is a no-op.
///
/// Qt: QSslError::~QSslError()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_free(error: *mut qssl_ssl_error_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_ssl_error_free", error) }
}

/// Exchanges the values of two handles. NULL arguments are recorded as an
/// error and nothing changes.
///
/// Qt: QSslError::swap()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_swap(a: *mut qssl_ssl_error_t, b: *mut qssl_ssl_error_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::swap("qssl_ssl_error_swap", a, b) }
}

/// Tells whether two errors are equal: same kind and equal certificates (two
/// missing certificates are equal). False if either argument is NULL.
///
/// Qt: QSslError::operator==()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_equal(
    a: *const qssl_ssl_error_t,
    b: *const qssl_ssl_error_t,
) -> bool {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::equal("qssl_ssl_error_equal", a, b) }
}

/// The kind of error, a QSSL_SSL_ERROR_* value (QSSL_SSL_ERROR_NO_ERROR for
/// NULL).
///
/// Qt: QSslError::error()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_error(
    error: *const qssl_ssl_error_t,
) -> qssl_ssl_error_code_t {
    boundary::value("qssl_ssl_error_error", QSSL_SSL_ERROR_NO_ERROR, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { ssl_error(error) }?.error())
    })
}

/// Returns a new handle to the certificate the error concerns; a null
/// certificate (qssl_cert_is_null() true) when it concerns none. Free it with
/// qssl_cert_free(). NULL if `error` is NULL.
///
/// Qt: QSslError::certificate()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_certificate(
    error: *const qssl_ssl_error_t,
) -> *mut qssl_cert_t {
    boundary::pointer("qssl_ssl_error_certificate", || {
        // SAFETY: NULL or a live handle.
        let e = unsafe { ssl_error(error) }?;
        Ok(into_raw(qssl_cert_t(e.certificate().clone())))
    })
}

/// Writes an English description of the error kind ("The certificate has
/// expired", ...) as NUL-terminated text to `(buf, cap)`; `*out_len` receives
/// its length without the NUL. The texts are qssl's own, not Qt's.
///
/// Errors: NULL `error`/`out_len`, or NULL `buf` with enough `cap`
/// (QSSL_STATUS_NULL_ARGUMENT); `cap < *out_len + 1`
/// (QSSL_STATUS_BUFFER_TOO_SMALL, nothing written).
///
/// Qt: QSslError::errorString()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_error_string(
    error: *const qssl_ssl_error_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_ssl_error_error_string", || {
        // SAFETY: NULL or a live handle; output pointers per the contract.
        unsafe { text_out(ssl_error(error)?.error_string(), buf, cap, out_len) }
    })
}

/// Creates a list from `n` SSL error handles (each shared, O(1) per item);
/// the handles stay the caller's. `(NULL, 0)` gives an empty list. Free it
/// with qssl_ssl_error_list_free().
///
/// Errors (NULL return): `items` NULL with `n > 0` (QSSL_STATUS_NULL_ARGUMENT),
/// a NULL element (QSSL_STATUS_INVALID_ARGUMENT).
///
/// Qt: QList<QSslError>
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_list_new(
    items: *const *const qssl_ssl_error_t,
    n: usize,
) -> *mut qssl_ssl_error_list_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::new("qssl_ssl_error_list_new", items, n) }
}

/// Frees an SSL error list; NULL is a no-op. Elements borrowed from it become
/// invalid.
///
/// Qt: QList<QSslError>::~QList()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_list_free(list: *mut qssl_ssl_error_list_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_ssl_error_list_free", list) }
}

/// The number of errors in the list (0 for NULL).
///
/// Qt: QList<QSslError>::size()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_list_len(list: *const qssl_ssl_error_list_t) -> usize {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::len("qssl_ssl_error_list_len", list) }
}

/// Lends error `index` of the list, valid until the list is freed; never free
/// it (use qssl_ssl_error_copy() to keep it). NULL if `list` is NULL or
/// `index` is out of range.
///
/// Qt: QList<QSslError>::at()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_list_get(
    list: *const qssl_ssl_error_list_t,
    index: usize,
) -> *const qssl_ssl_error_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::get("qssl_ssl_error_list_get", list, index) }
}

/// Lends all errors as an array of qssl_ssl_error_list_len() handle pointers,
/// in the form qssl_ssl_error_list_new() and the functions taking error lists
/// accept. Valid until the list is freed; never free the elements. NULL when
/// the list is empty or NULL.
///
/// Qt: QList<QSslError>::constData()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_ssl_error_list_items(
    list: *const qssl_ssl_error_list_t,
) -> *const *const qssl_ssl_error_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::items("qssl_ssl_error_list_items", list) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::handle::free;
    use crate::model::enums::encoding;

    fn server_cert() -> Certificate {
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/server.pem"
        ))
        .unwrap();
        Certificate::from_data(&pem, encoding::PEM).remove(0)
    }

    #[test]
    fn certificate_round_trips_through_the_c_api() {
        let cert = qssl_cert_t(server_cert());
        // SAFETY: all pointers come from qssl or live locals and are freed once.
        unsafe {
            let e = qssl_ssl_error_new(code::CERTIFICATE_EXPIRED, &cert);
            assert!(!e.is_null());
            assert_eq!(qssl_ssl_error_error(e), code::CERTIFICATE_EXPIRED);
            let c = qssl_ssl_error_certificate(e);
            assert!(!c.is_null());
            assert!((*c).0 == cert.0);
            free(c);

            let no_cert = qssl_ssl_error_new(code::CERTIFICATE_EXPIRED, std::ptr::null());
            assert!(!qssl_ssl_error_equal(e, no_cert));
            let c = qssl_ssl_error_certificate(no_cert);
            assert!((*c).0.is_null());
            free(c);

            let copy = qssl_ssl_error_copy(e);
            assert!(qssl_ssl_error_equal(e, copy));
            qssl_ssl_error_swap(copy, no_cert);
            assert!(qssl_ssl_error_equal(e, no_cert));
            assert!(!qssl_ssl_error_equal(e, copy));

            let items = [e.cast_const(), copy.cast_const()];
            let list = qssl_ssl_error_list_new(items.as_ptr(), 2);
            assert_eq!(qssl_ssl_error_list_len(list), 2);
            assert!(qssl_ssl_error_equal(qssl_ssl_error_list_get(list, 0), e));
            let c = qssl_ssl_error_certificate(qssl_ssl_error_list_get(list, 0));
            assert!((*c).0 == cert.0);
            free(c);
            qssl_ssl_error_list_free(list);

            qssl_ssl_error_free(e);
            qssl_ssl_error_free(copy);
            qssl_ssl_error_free(no_cert);
        }
    }
}
