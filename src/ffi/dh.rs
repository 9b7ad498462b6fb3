//! `qssl_dh_params_t` (QSslDiffieHellmanParameters).
#![allow(non_camel_case_types)]
// The pointer rules every function here relies on (NULL or a live handle from
// qssl, buffers valid for their stated length) are the C contract, stated once
// in the header preamble rather than in a `# Safety` section per function.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_char;

use super::boundary;
use super::bytes::{bytes_out, slice_in, text_out};
use super::enums::{QSSL_DH_PARAMS_ERROR_NO_ERROR, qssl_dh_params_error_t};
use super::enums::{QSSL_ENCODING_FORMAT_DER, QSSL_ENCODING_FORMAT_PEM, qssl_encoding_format_t};
use super::handle::{borrow, handle, into_raw, reset_out, write_out};
use super::status::{qssl_status_t, set_last_error};
use crate::Error;
use crate::model::dh::DhParams;

handle! {
    /// A DH parameters handle. Declared in the header preamble.
    pub struct qssl_dh_params_t(DhParams): Shared;
}

/// Borrows a DH parameters handle.
///
/// # Safety
/// `p` must be NULL or a live `qssl_dh_params_t`.
unsafe fn params<'a>(p: *const qssl_dh_params_t) -> Result<&'a DhParams, Error> {
    // SAFETY: forwarded caller guarantee.
    unsafe { borrow(p, "params") }.map(|h| &h.0)
}

/// Creates empty DH parameters: qssl_dh_params_is_empty() and
/// qssl_dh_params_is_valid() are both true. A server configured with them
/// offers no finite-field DHE suites. Free it with qssl_dh_params_free().
/// Returns NULL only if memory runs out.
///
/// Qt: QSslDiffieHellmanParameters::QSslDiffieHellmanParameters()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_dh_params_new() -> *mut qssl_dh_params_t {
    boundary::pointer("qssl_dh_params_new", || {
        Ok(into_raw(qssl_dh_params_t(DhParams::empty())))
    })
}

/// Creates the default DH parameters: valid and not empty. Free it with
/// qssl_dh_params_free().
///
/// Deviation: the RFC 7919 ffdhe2048 group (2048-bit safe prime, generator
/// 2), where Qt uses the 1024-bit RFC 2409 group 2, which OpenSSL 3's default
/// security level refuses (so Qt's default server cannot use DHE at all).
///
/// Qt: QSslDiffieHellmanParameters::defaultParameters()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_dh_params_default_parameters() -> *mut qssl_dh_params_t {
    boundary::pointer("qssl_dh_params_default_parameters", || {
        Ok(into_raw(qssl_dh_params_t(DhParams::default_parameters())))
    })
}

/// Parses PKCS#3 DH parameters from `(data, len)` in `format`
/// (QSSL_ENCODING_FORMAT_PEM, a "-----BEGIN DH PARAMETERS-----" block, or
/// QSSL_ENCODING_FORMAT_DER) and writes a new handle to `*out` (free it with
/// qssl_dh_params_free()).
///
/// As in Qt, data that is not acceptable still gives an object, with its
/// error set, and the call returns QSSL_STATUS_OK; check
/// qssl_dh_params_is_valid() / qssl_dh_params_error(). The reason is also
/// recorded in qssl_last_error_message() (an OK status does not otherwise
/// touch it):
/// * empty or unparseable input: QSSL_DH_PARAMS_ERROR_INVALID_INPUT_DATA_ERROR;
/// * unsafe parameters (prime under 2048 bits, p not prime or not a safe
///   prime, unsuitable generator): QSSL_DH_PARAMS_ERROR_UNSAFE_PARAMETERS_ERROR.
///
/// Valid DER input is kept byte for byte; valid PEM input is kept as its DER
/// encoding. An object with an error holds no bytes.
///
/// Errors (status, `*out` NULL): `out` NULL or `(NULL, len > 0)`
/// (QSSL_STATUS_NULL_ARGUMENT); unknown `format` (QSSL_STATUS_INVALID_ARGUMENT).
///
/// Deviation: Qt accepts primes from 1024 bits; qssl refuses anything under
/// 2048 bits as weak.
///
/// Qt: QSslDiffieHellmanParameters::fromEncoded(const QByteArray &, QSsl::EncodingFormat)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_from_encoded(
    data: *const u8,
    len: usize,
    format: qssl_encoding_format_t,
    out: *mut *mut qssl_dh_params_t,
) -> qssl_status_t {
    let mut reason: Option<String> = None;
    let status = boundary::status("qssl_dh_params_from_encoded", || {
        // SAFETY: the caller passes NULL or a writable pointer.
        unsafe { reset_out(out, "out") }?;
        // SAFETY: the caller guarantees `data` is valid for `len` bytes.
        let data = unsafe { slice_in(data, len, "data") }?;
        if format != QSSL_ENCODING_FORMAT_PEM && format != QSSL_ENCODING_FORMAT_DER {
            return Err(Error::invalid(format!(
                "unknown qssl_encoding_format_t value {format}"
            )));
        }
        let (params, why) = DhParams::from_encoded_with_reason(data, format);
        reason = why;
        // SAFETY: `out` was checked non-NULL by reset_out.
        unsafe { write_out(out, qssl_dh_params_t(params)) };
        Ok(())
    });
    if let Some(why) = reason {
        set_last_error(&format!("qssl_dh_params_from_encoded: {why}"));
    }
    status
}

/// Returns a new handle to the same parameters (O(1)). Free it with
/// qssl_dh_params_free(). NULL if `params` is NULL.
///
/// Qt: QSslDiffieHellmanParameters::QSslDiffieHellmanParameters(const QSslDiffieHellmanParameters &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_copy(
    params: *const qssl_dh_params_t,
) -> *mut qssl_dh_params_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::copy("qssl_dh_params_copy", params, "params") }
}

/// Frees a DH parameters handle; NULL is a no-op.
///
/// Qt: QSslDiffieHellmanParameters::~QSslDiffieHellmanParameters()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_free(params: *mut qssl_dh_params_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_dh_params_free", params) }
}

/// Exchanges the values of two handles. NULL arguments are recorded as an
/// error and nothing changes.
///
/// Qt: QSslDiffieHellmanParameters::swap()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_swap(a: *mut qssl_dh_params_t, b: *mut qssl_dh_params_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::swap("qssl_dh_params_swap", a, b) }
}

/// Tells whether two parameter sets are equal. As in Qt only the DER bytes
/// are compared, so an invalid object equals an empty one. False if either
/// argument is NULL.
///
/// Qt: QSslDiffieHellmanParameters::operator==()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_equal(
    a: *const qssl_dh_params_t,
    b: *const qssl_dh_params_t,
) -> bool {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::equal("qssl_dh_params_equal", a, b) }
}

/// Tells whether the object is empty: no parameters and no error. An invalid
/// object is not empty. True for NULL (an empty object is Qt's default).
///
/// Qt: QSslDiffieHellmanParameters::isEmpty()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_is_empty(params: *const qssl_dh_params_t) -> bool {
    boundary::value("qssl_dh_params_is_empty", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { self::params(params) }?.is_empty())
    })
}

/// Tells whether the object has no error (empty objects are valid). True for
/// NULL (an empty object is Qt's default).
///
/// Qt: QSslDiffieHellmanParameters::isValid()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_is_valid(params: *const qssl_dh_params_t) -> bool {
    boundary::value("qssl_dh_params_is_valid", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { self::params(params) }?.is_valid())
    })
}

/// The error state: QSSL_DH_PARAMS_ERROR_NO_ERROR,
/// QSSL_DH_PARAMS_ERROR_INVALID_INPUT_DATA_ERROR or
/// QSSL_DH_PARAMS_ERROR_UNSAFE_PARAMETERS_ERROR. NO_ERROR for NULL.
///
/// Qt: QSslDiffieHellmanParameters::error()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_error(
    params: *const qssl_dh_params_t,
) -> qssl_dh_params_error_t {
    boundary::value(
        "qssl_dh_params_error",
        QSSL_DH_PARAMS_ERROR_NO_ERROR,
        || {
            // SAFETY: NULL or a live handle.
            Ok(unsafe { self::params(params) }?.error())
        },
    )
}

/// Writes an English description of the error state ("No error" when valid)
/// as NUL-terminated text to `(buf, cap)`; `*out_len` receives its length
/// without the NUL.
///
/// Errors: NULL `params`/`out_len`, or NULL `buf` with enough `cap`
/// (QSSL_STATUS_NULL_ARGUMENT); `cap < *out_len + 1`
/// (QSSL_STATUS_BUFFER_TOO_SMALL, nothing written).
///
/// Qt: QSslDiffieHellmanParameters::errorString()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_error_string(
    params: *const qssl_dh_params_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dh_params_error_string", || {
        // SAFETY: NULL or a live handle; output pointers per the contract.
        unsafe { text_out(self::params(params)?.error_string(), buf, cap, out_len) }
    })
}

/// Writes the parameters as DER (PKCS#3 `DHParameter`, the bytes
/// qssl_dh_params_from_encoded() takes with QSSL_ENCODING_FORMAT_DER) to
/// `(buf, cap)`; `*out_len` receives the length. Length 0 for empty or
/// invalid parameters (they hold no bytes). The default parameters give the
/// 268 bytes of RFC 7919 ffdhe2048.
///
/// Errors: NULL `params`/`out_len`, or NULL `buf` with enough `cap`
/// (QSSL_STATUS_NULL_ARGUMENT); `cap < *out_len`
/// (QSSL_STATUS_BUFFER_TOO_SMALL, nothing written; `buf` may be NULL with
/// `cap` 0 to ask the size).
///
/// Qt: beyond Qt (QSslDiffieHellmanParameters keeps its encoding private)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_to_der(
    params: *const qssl_dh_params_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_dh_params_to_der", || {
        // SAFETY: NULL or a live handle; output pointers per the contract.
        unsafe { bytes_out(self::params(params)?.der(), buf, cap, out_len) }
    })
}

/// Writes the parameters as PEM ("-----BEGIN DH PARAMETERS-----", as
/// `openssl dhparam` writes them; qssl_dh_params_from_encoded() reads it back
/// with QSSL_ENCODING_FORMAT_PEM) to `(buf, cap)`; `*out_len` receives the
/// length (no NUL is written). Length 0 for empty or invalid parameters.
///
/// Errors: as qssl_dh_params_to_der().
///
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: beyond Qt (QSslDiffieHellmanParameters keeps its encoding private)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dh_params_to_pem(
    params: *const qssl_dh_params_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dh_params_to_pem", || {
        // SAFETY: NULL or a live handle.
        let pem = unsafe { self::params(params) }?.to_pem();
        // SAFETY: output pointers per the contract.
        unsafe { bytes_out(&pem, buf, cap, out_len) }
    })
}
