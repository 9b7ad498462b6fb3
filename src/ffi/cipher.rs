//! `qssl_cipher_t` (QSslCipher) and `qssl_cipher_list_t`.
#![allow(non_camel_case_types)]
// The pointer rules every function here relies on (NULL or a live handle from
// qssl, buffers valid for their stated length) are the C contract, stated once
// in the header preamble rather than in a `# Safety` section per function.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_char;

use super::boundary;
use super::bytes::{str_in, text_out};
use super::enums::qssl_ssl_protocol_t;
use super::handle::{borrow, handle, into_raw};
use super::list::ListStore;
use super::status::qssl_status_t;
use crate::Error;
use crate::model::cipher::Cipher;
use crate::model::enums::protocol;

handle! {
    /// A cipher handle (QSslCipher). Declared in the header preamble.
    pub struct qssl_cipher_t(Cipher): Shared;
}

handle! {
    /// A list of ciphers. Declared in the header preamble.
    pub struct qssl_cipher_list_t(ListStore<Cipher, qssl_cipher_t>): Unique;
}

/// Checks a `qssl_ssl_protocol_t` coming from C.
fn protocol_in(p: qssl_ssl_protocol_t) -> Result<i32, Error> {
    if protocol::is_valid(p) {
        Ok(p)
    } else {
        Err(Error::invalid(format!(
            "unknown qssl_ssl_protocol_t value {p}"
        )))
    }
}

/// Borrows a cipher handle.
///
/// # Safety
/// `c` must be NULL or a live `qssl_cipher_t`.
unsafe fn cipher<'a>(c: *const qssl_cipher_t) -> Result<&'a Cipher, Error> {
    // SAFETY: forwarded caller guarantee.
    unsafe { borrow(c, "cipher") }.map(|h| &h.0)
}

/// Creates a null cipher (isNull true, empty strings, protocol
/// QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL, 0 bits). Free it with
/// qssl_cipher_free(). Returns NULL only if memory runs out.
///
/// Qt: QSslCipher::QSslCipher()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_cipher_new() -> *mut qssl_cipher_t {
    boundary::pointer("qssl_cipher_new", || {
        Ok(into_raw(qssl_cipher_t(Cipher::null())))
    })
}

/// Creates a copy of the first supported cipher whose OpenSSL name is exactly
/// `name` (case-sensitive, e.g. "ECDHE-RSA-AES128-GCM-SHA256" or
/// "TLS_AES_128_GCM_SHA256"). As in Qt, an unknown name is not an error: the
/// result is a null cipher. Free it with qssl_cipher_free().
///
/// Errors (NULL return, message in qssl_last_error_message()): `name` NULL
/// (QSSL_STATUS_NULL_ARGUMENT) or not UTF-8 (QSSL_STATUS_INVALID_ARGUMENT).
///
/// Qt: QSslCipher::QSslCipher(const QString &name)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_from_name(name: *const c_char) -> *mut qssl_cipher_t {
    boundary::pointer("qssl_cipher_from_name", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let name = unsafe { str_in(name, "name") }?;
        Ok(into_raw(qssl_cipher_t(Cipher::from_name(name))))
    })
}

/// Creates a copy of the first supported cipher whose name is exactly `name`
/// and whose protocol() equals `protocol`; a null cipher if there is none
/// (for example "AES256-SHA" with QSSL_SSL_PROTOCOL_TLS_V1_2, because OpenSSL
/// lists that suite as SSLv3, i.e. protocol -1). Free it with
/// qssl_cipher_free().
///
/// Errors (NULL return): `name` NULL (QSSL_STATUS_NULL_ARGUMENT), not UTF-8,
/// or `protocol` not a qssl_ssl_protocol_t value (QSSL_STATUS_INVALID_ARGUMENT).
///
/// Qt: QSslCipher::QSslCipher(const QString &name, QSsl::SslProtocol protocol)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_from_name_and_protocol(
    name: *const c_char,
    protocol: qssl_ssl_protocol_t,
) -> *mut qssl_cipher_t {
    boundary::pointer("qssl_cipher_from_name_and_protocol", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let name = unsafe { str_in(name, "name") }?;
        let protocol = protocol_in(protocol)?;
        Ok(into_raw(qssl_cipher_t(Cipher::from_name_and_protocol(
            name, protocol,
        ))))
    })
}

/// Returns a new handle to the same cipher (O(1)). Free it with
/// qssl_cipher_free(). NULL if `cipher` is NULL.
///
/// Qt: QSslCipher::QSslCipher(const QSslCipher &other)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_copy(cipher: *const qssl_cipher_t) -> *mut qssl_cipher_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::copy("qssl_cipher_copy", cipher, "cipher") }
}

/// Frees a cipher handle; NULL is a no-op.
///
/// Qt: QSslCipher::~QSslCipher()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_free(cipher: *mut qssl_cipher_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_cipher_free", cipher) }
}

/// Exchanges the values of two cipher handles. NULL arguments are recorded
/// as an error and nothing changes.
///
/// Qt: QSslCipher::swap()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_swap(a: *mut qssl_cipher_t, b: *mut qssl_cipher_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::swap("qssl_cipher_swap", a, b) }
}

/// Tells whether two ciphers are equal: same name and same protocol (two null
/// ciphers are equal). False if either argument is NULL.
///
/// Qt: QSslCipher::operator==()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_equal(
    a: *const qssl_cipher_t,
    b: *const qssl_cipher_t,
) -> bool {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::equal("qssl_cipher_equal", a, b) }
}

/// Tells whether the cipher is null (default-constructed or not found).
/// True for NULL.
///
/// Qt: QSslCipher::isNull()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_is_null(cipher: *const qssl_cipher_t) -> bool {
    boundary::value("qssl_cipher_is_null", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { self::cipher(cipher) }?.is_null())
    })
}

/// Writes the cipher's OpenSSL name ("" for a null cipher) as NUL-terminated
/// text to `(buf, cap)`; `*out_len` receives its length without the NUL.
///
/// Errors: NULL `cipher`/`out_len`, or NULL `buf` with enough `cap`
/// (QSSL_STATUS_NULL_ARGUMENT); `cap < *out_len + 1`
/// (QSSL_STATUS_BUFFER_TOO_SMALL, nothing written).
///
/// Qt: QSslCipher::name()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_name(
    cipher: *const qssl_cipher_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cipher_name", || {
        // SAFETY: NULL or a live handle; output pointers per the contract.
        unsafe { text_out(self::cipher(cipher)?.name(), buf, cap, out_len) }
    })
}

/// The cipher's protocol as QSsl::SslProtocol (Qt 6 numbers), derived from
/// OpenSSL's protocol text: "TLSv1.3" 12, "TLSv1.2" 2, "TLSv1.1" 1, "TLSv1" 0,
/// anything else ("SSLv3") and the null cipher -1. -1 for NULL.
///
/// Qt: QSslCipher::protocol()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_protocol(cipher: *const qssl_cipher_t) -> qssl_ssl_protocol_t {
    boundary::value("qssl_cipher_protocol", protocol::UNKNOWN_PROTOCOL, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { self::cipher(cipher) }?.protocol())
    })
}

/// Writes OpenSSL's protocol text for the cipher ("TLSv1.3", "TLSv1.2",
/// "TLSv1", "SSLv3"; "" for a null cipher). Output and errors as for
/// qssl_cipher_name().
///
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslCipher::protocolString()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_protocol_string(
    cipher: *const qssl_cipher_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cipher_protocol_string", || {
        // SAFETY: NULL or a live handle; output pointers per the contract.
        unsafe { text_out(self::cipher(cipher)?.protocol_string(), buf, cap, out_len) }
    })
}

/// Writes the key exchange method as OpenSSL names it ("ECDH", "DH", "RSA",
/// "any" for TLS 1.3 suites; "" for a null cipher). Output and errors as for
/// qssl_cipher_name().
///
/// Qt: QSslCipher::keyExchangeMethod()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_key_exchange_method(
    cipher: *const qssl_cipher_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cipher_key_exchange_method", || {
        // SAFETY: NULL or a live handle; output pointers per the contract.
        unsafe {
            text_out(
                self::cipher(cipher)?.key_exchange_method(),
                buf,
                cap,
                out_len,
            )
        }
    })
}

/// Writes the authentication method ("RSA", "ECDSA", "PSK", "any" for TLS 1.3
/// suites; "" for a null cipher). Output and errors as for qssl_cipher_name().
///
/// Qt: QSslCipher::authenticationMethod()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_authentication_method(
    cipher: *const qssl_cipher_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cipher_authentication_method", || {
        // SAFETY: NULL or a live handle; output pointers per the contract.
        unsafe {
            text_out(
                self::cipher(cipher)?.authentication_method(),
                buf,
                cap,
                out_len,
            )
        }
    })
}

/// Writes the encryption method with its key size ("AESGCM(256)",
/// "CHACHA20/POLY1305(256)", "AES(128)"; "" for a null cipher). Output and
/// errors as for qssl_cipher_name().
///
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslCipher::encryptionMethod()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_encryption_method(
    cipher: *const qssl_cipher_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cipher_encryption_method", || {
        // SAFETY: NULL or a live handle; output pointers per the contract.
        unsafe { text_out(self::cipher(cipher)?.encryption_method(), buf, cap, out_len) }
    })
}

/// The number of key bits the cipher's algorithm supports (0 for a null
/// cipher or NULL).
///
/// Qt: QSslCipher::supportedBits()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_supported_bits(cipher: *const qssl_cipher_t) -> i32 {
    boundary::value("qssl_cipher_supported_bits", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { self::cipher(cipher) }?.supported_bits())
    })
}

/// The number of key bits the cipher uses (0 for a null cipher or NULL).
///
/// Qt: QSslCipher::usedBits()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_used_bits(cipher: *const qssl_cipher_t) -> i32 {
    boundary::value("qssl_cipher_used_bits", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { self::cipher(cipher) }?.used_bits())
    })
}

/// Creates a list from `n` cipher handles (each shared, O(1) per item); the
/// handles stay the caller's. `(NULL, 0)` gives an empty list. Free it with
/// qssl_cipher_list_free().
///
/// Errors (NULL return): `items` NULL with `n > 0` (QSSL_STATUS_NULL_ARGUMENT),
/// a NULL element (QSSL_STATUS_INVALID_ARGUMENT).
///
/// Qt: QList<QSslCipher>
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_list_new(
    items: *const *const qssl_cipher_t,
    n: usize,
) -> *mut qssl_cipher_list_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::new("qssl_cipher_list_new", items, n) }
}

/// Frees a cipher list; NULL is a no-op. Elements borrowed from it become
/// invalid.
///
/// Qt: QList<QSslCipher>::~QList()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_list_free(list: *mut qssl_cipher_list_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_cipher_list_free", list) }
}

/// The number of ciphers in the list (0 for NULL).
///
/// Qt: QList<QSslCipher>::size()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_list_len(list: *const qssl_cipher_list_t) -> usize {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::len("qssl_cipher_list_len", list) }
}

/// Lends cipher `index` of the list, valid until the list is freed; never
/// free it (use qssl_cipher_copy() to keep it). NULL if `list` is NULL or
/// `index` is out of range.
///
/// Qt: QList<QSslCipher>::at()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_list_get(
    list: *const qssl_cipher_list_t,
    index: usize,
) -> *const qssl_cipher_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::get("qssl_cipher_list_get", list, index) }
}

/// Lends all ciphers as an array of qssl_cipher_list_len() handle pointers,
/// in the form qssl_cipher_list_new() and the cipher setters take. Valid until
/// the list is freed; never free the elements. NULL when the list is empty or
/// NULL.
///
/// Qt: QList<QSslCipher>::constData()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cipher_list_items(
    list: *const qssl_cipher_list_t,
) -> *const *const qssl_cipher_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::items("qssl_cipher_list_items", list) }
}
