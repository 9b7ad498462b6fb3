//! `qssl_key_t` (QSslKey).
#![allow(non_camel_case_types)]
// The pointer rules every function here relies on (NULL or a live handle from
// qssl, buffers valid for their stated length) are the C contract, stated once
// in the header preamble rather than in a `# Safety` section per function.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_char;

use super::boundary;
use super::bytes::{bytes_out, slice_in, str_in};
use super::enums::{qssl_encoding_format_t, qssl_key_algorithm_t, qssl_key_type_t};
use super::handle::{borrow, borrow_mut, handle, into_raw, reset_out, write_out};
use super::status::qssl_status_t;
use crate::model::enums::{key_algorithm, key_type};
use crate::model::key::Key;

handle! {
    /// A key handle (QSslKey). Declared in the header preamble.
    pub struct qssl_key_t(Key): Shared;
}

/// Creates a null key: algorithm Opaque, type PublicKey, length -1.
/// Free it with qssl_key_free(). Never NULL except on allocation failure.
/// Qt: QSslKey::QSslKey()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_key_new() -> *mut qssl_key_t {
    boundary::pointer("qssl_key_new", || Ok(into_raw(qssl_key_t(Key::null()))))
}

/// Returns a new handle sharing `key`'s data (O(1)); free it with
/// qssl_key_free(). NULL if `key` is NULL.
/// Qt: QSslKey::QSslKey(const QSslKey &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_copy(key: *const qssl_key_t) -> *mut qssl_key_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::copy("qssl_key_copy", key, "key") }
}

/// Frees a key handle; NULL is a no-op. Private key material is wiped when
/// the last handle sharing it goes.
/// Qt: QSslKey::~QSslKey()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_free(key: *mut qssl_key_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_key_free", key) }
}

/// Qt's `==`: two null keys are equal; otherwise algorithm, type and length
/// must match, then Opaque keys compare by identity and others by their DER
/// encoding. False if either argument is NULL.
/// Qt: QSslKey::operator==()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_equal(a: *const qssl_key_t, b: *const qssl_key_t) -> bool {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::equal("qssl_key_equal", a, b) }
}

/// Swaps the contents of two key handles (O(1)). NULL arguments are
/// recorded as an error and nothing happens.
/// Qt: QSslKey::swap()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_swap(a: *mut qssl_key_t, b: *mut qssl_key_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::swap("qssl_key_swap", a, b) }
}

/// True for the null key (and for NULL).
/// Qt: QSslKey::isNull()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_is_null(key: *const qssl_key_t) -> bool {
    boundary::value("qssl_key_is_null", true, || {
        // SAFETY: NULL or a live key handle.
        Ok(unsafe { borrow(key, "key") }?.0.is_null())
    })
}

/// Makes this handle the null key; other handles sharing the key keep it.
/// NULL is recorded as an error and ignored.
/// Qt: QSslKey::clear()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_clear(key: *mut qssl_key_t) {
    boundary::void("qssl_key_clear", || {
        // SAFETY: NULL or a live key handle.
        unsafe { borrow_mut(key, "key") }?.0.clear();
        Ok(())
    })
}

/// Decodes a PEM key into a new handle written to `*out` (set to NULL
/// first). `key_type` QSSL_KEY_TYPE_PRIVATE_KEY reads the first "PRIVATE KEY",
/// "ENCRYPTED PRIVATE KEY" or traditional "RSA/EC/DSA PRIVATE KEY" block;
/// QSSL_KEY_TYPE_PUBLIC_KEY reads the first "PUBLIC KEY" block; other text
/// is skipped. `(passphrase, passphrase_len)` decrypts an encrypted key;
/// (NULL, 0) means no passphrase. The key must be of `algorithm`;
/// QSSL_KEY_ALGORITHM_OPAQUE accepts only kinds QSslKey has no algorithm for
/// (Ed25519, X25519, ...). Where Qt gives a null key, this function fails:
/// QSSL_STATUS_PARSE_FAILED for empty or unparseable input and for a key of
/// another algorithm ("key is RSA, not EC"), QSSL_STATUS_BAD_PASSPHRASE for
/// a wrong or missing passphrase, QSSL_STATUS_INVALID_ARGUMENT for unknown
/// enum values, QSSL_STATUS_NULL_ARGUMENT for NULL `out` or (NULL, n > 0).
/// Free `*out` with qssl_key_free().
/// Qt: QSslKey::QSslKey(const QByteArray &, QSsl::KeyAlgorithm, QSsl::Pem, QSsl::KeyType, const QByteArray &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_from_pem(
    data: *const u8,
    len: usize,
    algorithm: qssl_key_algorithm_t,
    key_type: qssl_key_type_t,
    passphrase: *const u8,
    passphrase_len: usize,
    out: *mut *mut qssl_key_t,
) -> qssl_status_t {
    boundary::status("qssl_key_from_pem", || {
        // SAFETY: `out` is NULL or writable; the slices follow the (ptr, len) rule.
        unsafe {
            reset_out(out, "out")?;
            let data = slice_in(data, len, "data")?;
            let pass = slice_in(passphrase, passphrase_len, "passphrase")?;
            let key = Key::from_pem(data, algorithm, key_type, pass)?;
            write_out(out, qssl_key_t(key));
        }
        Ok(())
    })
}

/// Decodes a DER key into a new handle written to `*out` (set to NULL
/// first). Private keys: PKCS#8, encrypted PKCS#8 (decrypted with
/// `passphrase`) or a traditional RSA/EC/DSA structure; public keys:
/// SubjectPublicKeyInfo. Algorithm check and errors as for
/// qssl_key_from_pem().
/// Errors: QSSL_STATUS_PARSE_FAILED, QSSL_STATUS_BAD_PASSPHRASE,
/// QSSL_STATUS_INVALID_ARGUMENT, QSSL_STATUS_NULL_ARGUMENT, as for
/// qssl_key_from_pem().
/// Free `*out` with qssl_key_free().
/// Qt: QSslKey::QSslKey(const QByteArray &, QSsl::KeyAlgorithm, QSsl::Der, QSsl::KeyType, const QByteArray &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_from_der(
    data: *const u8,
    len: usize,
    algorithm: qssl_key_algorithm_t,
    key_type: qssl_key_type_t,
    passphrase: *const u8,
    passphrase_len: usize,
    out: *mut *mut qssl_key_t,
) -> qssl_status_t {
    boundary::status("qssl_key_from_der", || {
        // SAFETY: as in qssl_key_from_pem.
        unsafe {
            reset_out(out, "out")?;
            let data = slice_in(data, len, "data")?;
            let pass = slice_in(passphrase, passphrase_len, "passphrase")?;
            let key = Key::from_der(data, algorithm, key_type, pass)?;
            write_out(out, qssl_key_t(key));
        }
        Ok(())
    })
}

/// Reads the file at `path` (UTF-8) and decodes it as qssl_key_from_pem() or
/// qssl_key_from_der() do, by `format`. The file contents are wiped from
/// memory afterwards. Errors: those of the decoders, QSSL_STATUS_IO if the
/// file cannot be read, QSSL_STATUS_INVALID_ARGUMENT for an unknown format
/// or a path that is not UTF-8.
/// Free `*out` with qssl_key_free().
/// Qt: QSslKey::QSslKey(QIODevice *, QSsl::KeyAlgorithm, QSsl::EncodingFormat, QSsl::KeyType, const QByteArray &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_from_file(
    path: *const c_char,
    algorithm: qssl_key_algorithm_t,
    format: qssl_encoding_format_t,
    key_type: qssl_key_type_t,
    passphrase: *const u8,
    passphrase_len: usize,
    out: *mut *mut qssl_key_t,
) -> qssl_status_t {
    boundary::status("qssl_key_from_file", || {
        // SAFETY: `out` NULL or writable, `path` NULL or a C string, the
        // passphrase follows the (ptr, len) rule.
        unsafe {
            reset_out(out, "out")?;
            let path = str_in(path, "path")?;
            let pass = slice_in(passphrase, passphrase_len, "passphrase")?;
            let key = Key::from_file(
                std::path::Path::new(path),
                algorithm,
                format,
                key_type,
                pass,
            )?;
            write_out(out, qssl_key_t(key));
        }
        Ok(())
    })
}

/// The key algorithm (QSSL_KEY_ALGORITHM_*); Opaque for the null key and NULL.
/// Qt: QSslKey::algorithm()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_algorithm(key: *const qssl_key_t) -> qssl_key_algorithm_t {
    boundary::value("qssl_key_algorithm", key_algorithm::OPAQUE, || {
        // SAFETY: NULL or a live key handle.
        Ok(unsafe { borrow(key, "key") }?.0.algorithm())
    })
}

/// The key type (QSSL_KEY_TYPE_*); PublicKey for the null key and NULL.
/// Qt: QSslKey::type()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_type(key: *const qssl_key_t) -> qssl_key_type_t {
    boundary::value("qssl_key_type", key_type::PUBLIC_KEY, || {
        // SAFETY: NULL or a live key handle.
        Ok(unsafe { borrow(key, "key") }?.0.key_type())
    })
}

/// The key length in bits: RSA/DSA/DH size, EC group degree; -1 for Opaque
/// keys, the null key and NULL.
/// Qt: QSslKey::length()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_length(key: *const qssl_key_t) -> i32 {
    boundary::value("qssl_key_length", -1, || {
        // SAFETY: NULL or a live key handle.
        Ok(unsafe { borrow(key, "key") }?.0.length())
    })
}

/// Writes the key as PEM to `(buf, cap)`, its length to `*out_len`.
/// Public keys: "PUBLIC KEY"; private RSA/DSA/EC keys: traditional PEM, DH
/// keys: PKCS#8; a private key is encrypted with AES-256-CBC when
/// `(passphrase, passphrase_len)` is non-empty (Qt uses 3DES). Length 0 for
/// the null key and Opaque keys. The library's own copy of the PEM is wiped
/// before returning. Errors: QSSL_STATUS_BUFFER_TOO_SMALL (with `*out_len`
/// set; encrypted output differs between calls but its length does not),
/// QSSL_STATUS_NULL_ARGUMENT.
/// Qt: QSslKey::toPem()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_to_pem(
    key: *const qssl_key_t,
    passphrase: *const u8,
    passphrase_len: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_key_to_pem", || {
        // SAFETY: NULL or a live handle; slices and outputs follow the rules.
        unsafe {
            let k = borrow(key, "key")?;
            let pass = slice_in(passphrase, passphrase_len, "passphrase")?;
            let pem = k.0.to_pem(pass)?;
            bytes_out(&pem, buf, cap, out_len)
        }
    })
}

/// Writes the key as DER to `(buf, cap)`, its length to `*out_len`: the body
/// of the unencrypted PEM form (SubjectPublicKeyInfo, PKCS#1, SEC1, DSA or
/// PKCS#8). Length 0 for the null key, Opaque keys, and private keys when a
/// non-empty passphrase is given (Qt offers no encrypted DER). The library's
/// own copy is wiped before returning. Errors as for qssl_key_to_pem().
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslKey::toDer()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_key_to_der(
    key: *const qssl_key_t,
    passphrase: *const u8,
    passphrase_len: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_key_to_der", || {
        // SAFETY: as in qssl_key_to_pem.
        unsafe {
            let k = borrow(key, "key")?;
            let pass = slice_in(passphrase, passphrase_len, "passphrase")?;
            let der = k.0.to_der(pass)?;
            bytes_out(&der, buf, cap, out_len)
        }
    })
}
