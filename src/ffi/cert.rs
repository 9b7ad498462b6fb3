//! `qssl_cert_t` (QSslCertificate) and `qssl_cert_list_t`.
#![allow(non_camel_case_types)]
// The pointer rules every function here relies on (NULL or a live handle from
// qssl, buffers valid for their stated length) are the C contract, stated once
// in the header preamble rather than in a `# Safety` section per function.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_char;
use std::sync::Arc;

use super::boundary;
use super::bytes::{bytes_out, slice_in, str_in, text_out};
use super::bytes_list::qssl_bytes_list_t;
use super::enums::{
    qssl_alternative_name_entry_type_t, qssl_encoding_format_t, qssl_pattern_syntax_t,
    qssl_subject_info_t,
};
use super::handle::{borrow, borrow_mut, handle, into_raw, reset_out, write_out};
use super::key::qssl_key_t;
use super::list::{ListStore, array_in};
use super::ssl_error::qssl_ssl_error_list_t;
use super::status::qssl_status_t;
use crate::model::bytes::OptBytes;
use crate::model::cert::Certificate;
use crate::model::key::check_encoding;

handle! {
    /// A certificate handle (QSslCertificate). Declared in the header preamble.
    pub struct qssl_cert_t(Certificate): Shared;
}

handle! {
    /// A list of certificates. Declared in the header preamble.
    pub struct qssl_cert_list_t(ListStore<Certificate, qssl_cert_t>): Unique;
}

impl qssl_cert_list_t {
    /// Wraps certificates in a list handle.
    pub(crate) fn from_vec(v: Vec<Certificate>) -> Self {
        qssl_cert_list_t(ListStore::new(Arc::from(v)))
    }
}

/// A hash algorithm for qssl_cert_digest(), numbered as Qt's
/// QCryptographicHash::Algorithm.
pub type qssl_cert_digest_t = i32;

/// Md4 (QCryptographicHash::Md4); needs OpenSSL's legacy provider, else QSSL_STATUS_UNSUPPORTED.
pub const QSSL_CERT_DIGEST_MD4: qssl_cert_digest_t = 0;
/// Md5 (QCryptographicHash::Md5), Qt's default for QSslCertificate::digest().
pub const QSSL_CERT_DIGEST_MD5: qssl_cert_digest_t = 1;
/// Sha1 (QCryptographicHash::Sha1).
pub const QSSL_CERT_DIGEST_SHA1: qssl_cert_digest_t = 2;
/// Sha224 (QCryptographicHash::Sha224).
pub const QSSL_CERT_DIGEST_SHA224: qssl_cert_digest_t = 3;
/// Sha256 (QCryptographicHash::Sha256).
pub const QSSL_CERT_DIGEST_SHA256: qssl_cert_digest_t = 4;
/// Sha384 (QCryptographicHash::Sha384).
pub const QSSL_CERT_DIGEST_SHA384: qssl_cert_digest_t = 5;
/// Sha512 (QCryptographicHash::Sha512).
pub const QSSL_CERT_DIGEST_SHA512: qssl_cert_digest_t = 6;
/// Keccak_224 (QCryptographicHash::Keccak_224); needs OpenSSL 3.2 or later, else QSSL_STATUS_UNSUPPORTED.
pub const QSSL_CERT_DIGEST_KECCAK_224: qssl_cert_digest_t = 7;
/// Keccak_256 (QCryptographicHash::Keccak_256); as Keccak_224.
pub const QSSL_CERT_DIGEST_KECCAK_256: qssl_cert_digest_t = 8;
/// Keccak_384 (QCryptographicHash::Keccak_384); as Keccak_224.
pub const QSSL_CERT_DIGEST_KECCAK_384: qssl_cert_digest_t = 9;
/// Keccak_512 (QCryptographicHash::Keccak_512); as Keccak_224.
pub const QSSL_CERT_DIGEST_KECCAK_512: qssl_cert_digest_t = 10;
/// RealSha3_224 / Sha3_224 (QCryptographicHash::RealSha3_224).
pub const QSSL_CERT_DIGEST_SHA3_224: qssl_cert_digest_t = 11;
/// RealSha3_256 / Sha3_256 (QCryptographicHash::RealSha3_256).
pub const QSSL_CERT_DIGEST_SHA3_256: qssl_cert_digest_t = 12;
/// RealSha3_384 / Sha3_384 (QCryptographicHash::RealSha3_384).
pub const QSSL_CERT_DIGEST_SHA3_384: qssl_cert_digest_t = 13;
/// RealSha3_512 / Sha3_512 (QCryptographicHash::RealSha3_512).
pub const QSSL_CERT_DIGEST_SHA3_512: qssl_cert_digest_t = 14;
/// Blake2b_160 (QCryptographicHash::Blake2b_160); not supported (QSSL_STATUS_UNSUPPORTED).
pub const QSSL_CERT_DIGEST_BLAKE2B_160: qssl_cert_digest_t = 15;
/// Blake2b_256 (QCryptographicHash::Blake2b_256); not supported.
pub const QSSL_CERT_DIGEST_BLAKE2B_256: qssl_cert_digest_t = 16;
/// Blake2b_384 (QCryptographicHash::Blake2b_384); not supported.
pub const QSSL_CERT_DIGEST_BLAKE2B_384: qssl_cert_digest_t = 17;
/// Blake2b_512 (QCryptographicHash::Blake2b_512).
pub const QSSL_CERT_DIGEST_BLAKE2B_512: qssl_cert_digest_t = 18;
/// Blake2s_128 (QCryptographicHash::Blake2s_128); not supported.
pub const QSSL_CERT_DIGEST_BLAKE2S_128: qssl_cert_digest_t = 19;
/// Blake2s_160 (QCryptographicHash::Blake2s_160); not supported.
pub const QSSL_CERT_DIGEST_BLAKE2S_160: qssl_cert_digest_t = 20;
/// Blake2s_224 (QCryptographicHash::Blake2s_224); not supported.
pub const QSSL_CERT_DIGEST_BLAKE2S_224: qssl_cert_digest_t = 21;
/// Blake2s_256 (QCryptographicHash::Blake2s_256).
pub const QSSL_CERT_DIGEST_BLAKE2S_256: qssl_cert_digest_t = 22;

/// The value qssl_cert_effective_date() and qssl_cert_expiry_date() return
/// for a null certificate (Qt: an invalid QDateTime): INT64_MIN.
pub const QSSL_CERT_DATE_INVALID: i64 = -9_223_372_036_854_775_807 - 1;

/// Builds a bytes list of strings.
fn string_list(v: Vec<String>) -> *mut qssl_bytes_list_t {
    into_raw(qssl_bytes_list_t::from_strings(v))
}

/// Creates a null certificate. Free it with qssl_cert_free().
/// Qt: QSslCertificate::QSslCertificate()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_cert_new() -> *mut qssl_cert_t {
    boundary::pointer("qssl_cert_new", || {
        Ok(into_raw(qssl_cert_t(Certificate::null())))
    })
}

/// Returns a new handle sharing `cert` (O(1), a reference count); free it
/// with qssl_cert_free(). NULL if `cert` is NULL.
/// Qt: QSslCertificate::QSslCertificate(const QSslCertificate &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_copy(cert: *const qssl_cert_t) -> *mut qssl_cert_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::copy("qssl_cert_copy", cert, "cert") }
}

/// Frees a certificate handle; NULL is a no-op.
/// Qt: QSslCertificate::~QSslCertificate()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_free(cert: *mut qssl_cert_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_cert_free", cert) }
}

/// Qt's `==`: both null, or OpenSSL's X509_cmp finds them equal. False if
/// either argument is NULL.
/// Qt: QSslCertificate::operator==()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_equal(a: *const qssl_cert_t, b: *const qssl_cert_t) -> bool {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::equal("qssl_cert_equal", a, b) }
}

/// Swaps two certificate handles' contents (O(1)). NULL arguments are
/// recorded as an error and nothing happens.
/// Qt: QSslCertificate::swap()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_swap(a: *mut qssl_cert_t, b: *mut qssl_cert_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::swap("qssl_cert_swap", a, b) }
}

/// Makes this handle the null certificate; other handles are not affected.
/// NULL is recorded as an error and ignored.
/// Qt: QSslCertificate::clear()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_clear(cert: *mut qssl_cert_t) {
    boundary::void("qssl_cert_clear", || {
        // SAFETY: NULL or a live certificate handle.
        unsafe { borrow_mut(cert, "cert") }?.0.clear();
        Ok(())
    })
}

/// True for the null certificate (and for NULL).
/// Qt: QSslCertificate::isNull()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_is_null(cert: *const qssl_cert_t) -> bool {
    boundary::value("qssl_cert_is_null", true, || {
        // SAFETY: NULL or a live certificate handle.
        Ok(unsafe { borrow(cert, "cert") }?.0.is_null())
    })
}

/// Decodes the first certificate of PEM text into a new handle written to
/// `*out` (set to NULL first). Text before and between
/// "-----BEGIN CERTIFICATE-----" blocks is skipped. Where Qt gives a null
/// certificate this function fails: QSSL_STATUS_PARSE_FAILED "PEM: no
/// certificate found" for empty input, garbage or a block that does not
/// decode; QSSL_STATUS_NULL_ARGUMENT for NULL `out` or (NULL, n > 0).
/// Free `*out` with qssl_cert_free().
/// Qt: QSslCertificate::QSslCertificate(const QByteArray &, QSsl::Pem)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_from_pem(
    data: *const u8,
    len: usize,
    out: *mut *mut qssl_cert_t,
) -> qssl_status_t {
    boundary::status("qssl_cert_from_pem", || {
        // SAFETY: `out` NULL or writable; (data, len) follows the slice rule.
        unsafe {
            reset_out(out, "out")?;
            let data = slice_in(data, len, "data")?;
            write_out(out, qssl_cert_t(Certificate::from_pem(data)?));
        }
        Ok(())
    })
}

/// Decodes the first certificate of DER bytes (trailing bytes are ignored)
/// into a new handle written to `*out` (set to NULL first). Errors:
/// QSSL_STATUS_PARSE_FAILED "DER: not a certificate" for empty or
/// unparseable input, QSSL_STATUS_NULL_ARGUMENT.
/// Free `*out` with qssl_cert_free().
/// Qt: QSslCertificate::QSslCertificate(const QByteArray &, QSsl::Der)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_from_der(
    data: *const u8,
    len: usize,
    out: *mut *mut qssl_cert_t,
) -> qssl_status_t {
    boundary::status("qssl_cert_from_der", || {
        // SAFETY: as in qssl_cert_from_pem.
        unsafe {
            reset_out(out, "out")?;
            let data = slice_in(data, len, "data")?;
            write_out(out, qssl_cert_t(Certificate::from_der(data)?));
        }
        Ok(())
    })
}

/// Decodes every certificate in `data` into a new list written to `*out`
/// (set to NULL first). PEM: each "BEGIN CERTIFICATE" block, other text
/// skipped; DER: concatenated certificates (with Qt's quirk that a run of
/// three or more may stop early). Input without certificates gives an
/// empty list and QSSL_STATUS_OK, as Qt gives an empty list: PEM text read
/// as DER, DER read as PEM, garbage. Errors: QSSL_STATUS_INVALID_ARGUMENT
/// for an unknown format, QSSL_STATUS_NULL_ARGUMENT.
/// Free `*out` with qssl_cert_list_free().
/// Qt: QSslCertificate::fromData()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_from_data(
    data: *const u8,
    len: usize,
    format: qssl_encoding_format_t,
    out: *mut *mut qssl_cert_list_t,
) -> qssl_status_t {
    boundary::status("qssl_cert_from_data", || {
        // SAFETY: as in qssl_cert_from_pem.
        unsafe {
            reset_out(out, "out")?;
            let data = slice_in(data, len, "data")?;
            check_encoding(format)?;
            let certs = Certificate::from_data(data, format);
            write_out(out, qssl_cert_list_t::from_vec(certs));
        }
        Ok(())
    })
}

/// Reads the file at `path` (UTF-8) and decodes its first certificate into
/// a new handle written to `*out` (set to NULL first). PEM files are read
/// as Qt reads them in text mode ('\r' dropped). Errors: QSSL_STATUS_IO if
/// the file cannot be read, QSSL_STATUS_PARSE_FAILED if it holds no
/// certificate, QSSL_STATUS_INVALID_ARGUMENT for an unknown format or a
/// path that is not UTF-8, QSSL_STATUS_NULL_ARGUMENT.
/// Free `*out` with qssl_cert_free().
/// Qt: QSslCertificate::QSslCertificate(QIODevice *, QSsl::EncodingFormat)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_from_file(
    path: *const c_char,
    format: qssl_encoding_format_t,
    out: *mut *mut qssl_cert_t,
) -> qssl_status_t {
    boundary::status("qssl_cert_from_file", || {
        // SAFETY: `out` NULL or writable, `path` NULL or a C string.
        unsafe {
            reset_out(out, "out")?;
            let path = str_in(path, "path")?;
            let cert = Certificate::from_file(std::path::Path::new(path), format)?;
            write_out(out, qssl_cert_t(cert));
        }
        Ok(())
    })
}

/// Every certificate in the files `path` (UTF-8) names, with Qt's rules,
/// in a new list written to `*out` (set to NULL first). FixedString: an
/// existing file gives all its certificates; otherwise the directory before
/// the last '/' is walked recursively and each file path must match `path`
/// read as an anchored regular expression (Qt's quirk: "certs/a.pe." finds
/// "certs/a.pem"). Wildcard: `*` and `?` do not cross '/', `[...]` is a
/// class; the walk starts at the directory before the first wildcard
/// character of the directory part. RegularExpression: the path is an
/// anchored regular expression (PCRE-like subset, see docs); the walk
/// starts before the first metacharacter. Relative patterns walk the
/// current directory and match without the leading "./". Symbolic links are
/// followed, hidden files skipped, files visited in name order. No match, a
/// missing directory or an invalid expression give an empty list and
/// QSSL_STATUS_OK, as Qt returns an empty list. Errors:
/// QSSL_STATUS_INVALID_ARGUMENT for unknown format or syntax values or a
/// path that is not UTF-8, QSSL_STATUS_NULL_ARGUMENT.
/// Free `*out` with qssl_cert_list_free().
/// Qt: QSslCertificate::fromPath()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_from_path(
    path: *const c_char,
    format: qssl_encoding_format_t,
    syntax: qssl_pattern_syntax_t,
    out: *mut *mut qssl_cert_list_t,
) -> qssl_status_t {
    boundary::status("qssl_cert_from_path", || {
        // SAFETY: `out` NULL or writable, `path` NULL or a C string.
        unsafe {
            reset_out(out, "out")?;
            let path = str_in(path, "path")?;
            let certs = Certificate::from_path(path, format, syntax)?;
            write_out(out, qssl_cert_list_t::from_vec(certs));
        }
        Ok(())
    })
}

/// Reads a PKCS#12 archive `(data, len)` with `passphrase` (UTF-8, NULL =
/// empty; an empty passphrase also opens archives without a password).
/// Writes a new key to `*key`, a new certificate to `*cert` (the null
/// certificate if the archive has none, as in Qt) and, if `ca_certificates`
/// is not NULL, a new list of the other certificates. All outputs are set
/// to NULL first and written only on success. Errors:
/// QSSL_STATUS_PARSE_FAILED (empty or malformed input, no private key),
/// QSSL_STATUS_BAD_PASSPHRASE (wrong passphrase), QSSL_STATUS_UNSUPPORTED
/// (a key QSslKey cannot hold, e.g. Ed25519), QSSL_STATUS_INVALID_ARGUMENT
/// (passphrase not UTF-8), QSSL_STATUS_NULL_ARGUMENT (NULL `key` or `cert`,
/// or (NULL, n > 0)).
/// Free what it writes with qssl_key_free(), qssl_cert_free() and
/// qssl_cert_list_free().
/// Qt: QSslCertificate::importPkcs12()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_import_pkcs12(
    data: *const u8,
    len: usize,
    passphrase: *const c_char,
    key: *mut *mut qssl_key_t,
    cert: *mut *mut qssl_cert_t,
    ca_certificates: *mut *mut qssl_cert_list_t,
) -> qssl_status_t {
    boundary::status("qssl_cert_import_pkcs12", || {
        // SAFETY: the out pointers are NULL or writable; `passphrase` is NULL
        // or a C string; (data, len) follows the slice rule.
        unsafe {
            // Every output is NULL on entry, even when another one is missing.
            for p in [key.cast::<*mut u8>(), cert.cast(), ca_certificates.cast()] {
                if !p.is_null() {
                    *p = std::ptr::null_mut();
                }
            }
            reset_out(key, "key")?;
            reset_out(cert, "cert")?;
            let data = slice_in(data, len, "data")?;
            let pass = if passphrase.is_null() {
                ""
            } else {
                str_in(passphrase, "passphrase")?
            };
            let bundle = Certificate::import_pkcs12(data, pass.as_bytes())?;
            write_out(key, qssl_key_t(bundle.key));
            write_out(cert, qssl_cert_t(bundle.certificate));
            if !ca_certificates.is_null() {
                write_out(
                    ca_certificates,
                    qssl_cert_list_t::from_vec(bundle.ca_certificates),
                );
            }
        }
        Ok(())
    })
}

/// Writes the certificate as PEM (64-column Base64 between BEGIN/END
/// CERTIFICATE lines) to `(buf, cap)`, its length to `*out_len`; length 0
/// for the null certificate. Errors: QSSL_STATUS_BUFFER_TOO_SMALL,
/// QSSL_STATUS_NULL_ARGUMENT.
/// Qt: QSslCertificate::toPem()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_to_pem(
    cert: *const qssl_cert_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cert_to_pem", || {
        // SAFETY: NULL or a live handle; output per the bytes-out rule.
        unsafe { bytes_out(&borrow(cert, "cert")?.0.to_pem(), buf, cap, out_len) }
    })
}

/// Writes the certificate as DER to `(buf, cap)`, its length to
/// `*out_len`; length 0 for the null certificate. Errors as for
/// qssl_cert_to_pem().
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslCertificate::toDer()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_to_der(
    cert: *const qssl_cert_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cert_to_der", || {
        // SAFETY: as in qssl_cert_to_pem.
        unsafe { bytes_out(&borrow(cert, "cert")?.0.to_der(), buf, cap, out_len) }
    })
}

/// Writes OpenSSL's readable dump of the certificate (X509_print) as
/// NUL-terminated UTF-8 text (Qt reads it as Latin-1) to `(buf, cap)`;
/// `*out_len` gets its length without the NUL. Empty for the null
/// certificate. Errors: QSSL_STATUS_BUFFER_TOO_SMALL (needs `*out_len + 1`),
/// QSSL_STATUS_NULL_ARGUMENT.
/// Qt: QSslCertificate::toText()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_to_text(
    cert: *const qssl_cert_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cert_to_text", || {
        // SAFETY: as in qssl_cert_to_pem, text form.
        unsafe { text_out(&borrow(cert, "cert")?.0.to_text(), buf, cap, out_len) }
    })
}

/// Writes the X.509 version as text ("3" for a v3 certificate; empty for
/// the null certificate) to `(buf, cap)`. Errors as for qssl_cert_to_text().
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslCertificate::version()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_version(
    cert: *const qssl_cert_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cert_version", || {
        // SAFETY: as in qssl_cert_to_text.
        unsafe { text_out(&borrow(cert, "cert")?.0.version(), buf, cap, out_len) }
    })
}

/// Writes the serial number as lowercase colon-separated hex
/// ("34:98:21:...") to `(buf, cap)`; empty for the null certificate. Errors
/// as for qssl_cert_to_text().
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslCertificate::serialNumber()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_serial_number(
    cert: *const qssl_cert_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cert_serial_number", || {
        // SAFETY: as in qssl_cert_to_text.
        unsafe { text_out(&borrow(cert, "cert")?.0.serial_number(), buf, cap, out_len) }
    })
}

/// Writes the hash of the certificate's DER encoding with `algorithm`
/// (QSSL_CERT_DIGEST_*; Qt's default is QSSL_CERT_DIGEST_MD5) to
/// `(buf, cap)`, its length to `*out_len`. The null certificate hashes
/// empty input (MD5 d41d8cd98f00b204e9800998ecf8427e). Errors:
/// QSSL_STATUS_INVALID_ARGUMENT (unknown number), QSSL_STATUS_UNSUPPORTED
/// (an algorithm this OpenSSL does not offer), QSSL_STATUS_BUFFER_TOO_SMALL,
/// QSSL_STATUS_NULL_ARGUMENT.
/// Qt: QSslCertificate::digest()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_digest(
    cert: *const qssl_cert_t,
    algorithm: qssl_cert_digest_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cert_digest", || {
        // SAFETY: as in qssl_cert_to_pem.
        unsafe {
            let d = borrow(cert, "cert")?.0.digest(algorithm)?;
            bytes_out(&d, buf, cap, out_len)
        }
    })
}

/// The start of the validity period in seconds since 1970-01-01 UTC;
/// QSSL_CERT_DATE_INVALID (INT64_MIN) for the null certificate and NULL.
/// Qt: QSslCertificate::effectiveDate()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_effective_date(cert: *const qssl_cert_t) -> i64 {
    boundary::value("qssl_cert_effective_date", QSSL_CERT_DATE_INVALID, || {
        // SAFETY: NULL or a live certificate handle.
        let c = unsafe { borrow(cert, "cert") }?;
        Ok(c.0.effective_date().unwrap_or(QSSL_CERT_DATE_INVALID))
    })
}

/// The end of the validity period in seconds since 1970-01-01 UTC;
/// QSSL_CERT_DATE_INVALID (INT64_MIN) for the null certificate and NULL.
/// Qt: QSslCertificate::expiryDate()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_expiry_date(cert: *const qssl_cert_t) -> i64 {
    boundary::value("qssl_cert_expiry_date", QSSL_CERT_DATE_INVALID, || {
        // SAFETY: NULL or a live certificate handle.
        let c = unsafe { borrow(cert, "cert") }?;
        Ok(c.0.expiry_date().unwrap_or(QSSL_CERT_DATE_INVALID))
    })
}

/// True when the certificate is self-signed as OpenSSL's
/// X509_check_issued(cert, cert) judges it; false for null and NULL.
/// Qt: QSslCertificate::isSelfSigned()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_is_self_signed(cert: *const qssl_cert_t) -> bool {
    boundary::value("qssl_cert_is_self_signed", false, || {
        // SAFETY: NULL or a live certificate handle.
        Ok(unsafe { borrow(cert, "cert") }?.0.is_self_signed())
    })
}

/// Always false: qssl has no list of known-bad certificates (Qt's is a
/// fixed list of certificates from 2011 incidents).
/// Qt: QSslCertificate::isBlacklisted()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_is_blacklisted(cert: *const qssl_cert_t) -> bool {
    boundary::value("qssl_cert_is_blacklisted", false, || {
        // SAFETY: NULL or a live certificate handle.
        Ok(unsafe { borrow(cert, "cert") }?.0.is_blacklisted())
    })
}

/// The subject's values for `info` (QSSL_SUBJECT_INFO_*) as a new list of
/// UTF-8 strings (free with qssl_bytes_list_free()); a repeated attribute
/// comes in reverse certificate order, as from Qt's multimap. Empty for the
/// null certificate. NULL on error: NULL `cert`, unknown `info`
/// (QSSL_STATUS_INVALID_ARGUMENT recorded).
/// Qt: QSslCertificate::subjectInfo(SubjectInfo)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_subject_info(
    cert: *const qssl_cert_t,
    info: qssl_subject_info_t,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_cert_subject_info", || {
        // SAFETY: NULL or a live certificate handle.
        let c = unsafe { borrow(cert, "cert") }?;
        Ok(string_list(c.0.subject_info(info)?))
    })
}

/// The subject's values for an attribute given by OpenSSL short name
/// ("CN", "O", "C", "emailAddress") or dotted OID, `(attribute, len)`; a
/// long name such as "commonName" matches nothing. A new list of UTF-8
/// strings (free with qssl_bytes_list_free()). NULL on error (NULL `cert`,
/// (NULL, n > 0)).
/// Qt: QSslCertificate::subjectInfo(const QByteArray &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_subject_info_by_attribute(
    cert: *const qssl_cert_t,
    attribute: *const u8,
    len: usize,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_cert_subject_info_by_attribute", || {
        // SAFETY: NULL or a live handle; (attribute, len) per the slice rule.
        let (c, a) = unsafe {
            (
                borrow(cert, "cert")?,
                slice_in(attribute, len, "attribute")?,
            )
        };
        Ok(string_list(c.0.subject_info_by_attribute(a)))
    })
}

/// As qssl_cert_subject_info(), for the issuer.
/// Free the list with qssl_bytes_list_free().
/// Qt: QSslCertificate::issuerInfo(SubjectInfo)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_issuer_info(
    cert: *const qssl_cert_t,
    info: qssl_subject_info_t,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_cert_issuer_info", || {
        // SAFETY: NULL or a live certificate handle.
        let c = unsafe { borrow(cert, "cert") }?;
        Ok(string_list(c.0.issuer_info(info)?))
    })
}

/// As qssl_cert_subject_info_by_attribute(), for the issuer.
/// Free the list with qssl_bytes_list_free().
/// Qt: QSslCertificate::issuerInfo(const QByteArray &)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_issuer_info_by_attribute(
    cert: *const qssl_cert_t,
    attribute: *const u8,
    len: usize,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_cert_issuer_info_by_attribute", || {
        // SAFETY: as in qssl_cert_subject_info_by_attribute.
        let (c, a) = unsafe {
            (
                borrow(cert, "cert")?,
                slice_in(attribute, len, "attribute")?,
            )
        };
        Ok(string_list(c.0.issuer_info_by_attribute(a)))
    })
}

/// The subject's attribute short names, sorted bytewise without duplicates
/// (server.pem: C, CN, O, OU), as a new list (free with
/// qssl_bytes_list_free()). Empty for the null certificate; NULL for NULL.
/// Qt: QSslCertificate::subjectInfoAttributes()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_subject_info_attributes(
    cert: *const qssl_cert_t,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_cert_subject_info_attributes", || {
        // SAFETY: NULL or a live certificate handle.
        let c = unsafe { borrow(cert, "cert") }?;
        let v: Vec<OptBytes> =
            c.0.subject_info_attributes()
                .into_iter()
                .map(OptBytes::from)
                .collect();
        Ok(into_raw(qssl_bytes_list_t::new(v.into())))
    })
}

/// As qssl_cert_subject_info_attributes(), for the issuer.
/// Free the list with qssl_bytes_list_free().
/// Qt: QSslCertificate::issuerInfoAttributes()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_issuer_info_attributes(
    cert: *const qssl_cert_t,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_cert_issuer_info_attributes", || {
        // SAFETY: NULL or a live certificate handle.
        let c = unsafe { borrow(cert, "cert") }?;
        let v: Vec<OptBytes> =
            c.0.issuer_info_attributes()
                .into_iter()
                .map(OptBytes::from)
                .collect();
        Ok(into_raw(qssl_bytes_list_t::new(v.into())))
    })
}

/// Writes the subject's common name, else organization, else
/// organizational unit, else "", as NUL-terminated UTF-8 to `(buf, cap)`.
/// Errors as for qssl_cert_to_text().
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslCertificate::subjectDisplayName()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_subject_display_name(
    cert: *const qssl_cert_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cert_subject_display_name", || {
        // SAFETY: as in qssl_cert_to_text.
        unsafe {
            let name = borrow(cert, "cert")?.0.subject_display_name();
            text_out(&name, buf, cap, out_len)
        }
    })
}

/// As qssl_cert_subject_display_name(), for the issuer.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslCertificate::issuerDisplayName()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_issuer_display_name(
    cert: *const qssl_cert_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_cert_issuer_display_name", || {
        // SAFETY: as in qssl_cert_to_text.
        unsafe {
            let name = borrow(cert, "cert")?.0.issuer_display_name();
            text_out(&name, buf, cap, out_len)
        }
    })
}

/// The subject alternative names of one kind
/// (QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_EMAIL_ENTRY, _DNS_ENTRY,
/// _IP_ADDRESS_ENTRY) as a new list of strings (free with
/// qssl_bytes_list_free()), in the order Qt's multimap gives them: reverse
/// certificate order. IP addresses are text as QHostAddress writes them
/// ("127.0.0.1", "::1"). Qt returns one multimap of all kinds; call this once
/// per kind. NULL on error (NULL `cert`, unknown `entry_type`).
/// Qt: QSslCertificate::subjectAlternativeNames()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_subject_alternative_names(
    cert: *const qssl_cert_t,
    entry_type: qssl_alternative_name_entry_type_t,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_cert_subject_alternative_names", || {
        // SAFETY: NULL or a live certificate handle.
        let c = unsafe { borrow(cert, "cert") }?;
        Ok(string_list(c.0.subject_alternative_names_of(entry_type)?))
    })
}

/// The certificate's public key as a new key handle (free with
/// qssl_key_free()): RSA, DSA or EC with type PublicKey; the null key for
/// other kinds of key (as Qt) and for the null certificate. NULL only if
/// `cert` is NULL.
/// Qt: QSslCertificate::publicKey()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_public_key(cert: *const qssl_cert_t) -> *mut qssl_key_t {
    boundary::pointer("qssl_cert_public_key", || {
        // SAFETY: NULL or a live certificate handle.
        let c = unsafe { borrow(cert, "cert") }?;
        Ok(into_raw(qssl_key_t(c.0.public_key())))
    })
}

/// Verifies a certificate chain `(chain, n)` (leaf first, then untrusted
/// intermediates) against the default configuration's CA certificates plus
/// the system roots (expired roots left out), and checks `host_name` (UTF-8;
/// NULL or "" skips the check). Writes Qt's error list to `*out` (set to
/// NULL first; free with qssl_ssl_error_list_free()): a host-name mismatch
/// first, then every chain error in OpenSSL's order with the chain's
/// certificate at that depth (null beyond the given chain). An empty list
/// means the chain is trusted. An empty chain gives one UnspecifiedError, as
/// in Qt. The default configuration is not modified. Errors:
/// QSSL_STATUS_NULL_ARGUMENT (NULL `out`, NULL `chain` with `n > 0`),
/// QSSL_STATUS_INVALID_ARGUMENT (a NULL element, `host_name` not UTF-8).
/// Qt: QSslCertificate::verify()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_verify(
    chain: *const *const qssl_cert_t,
    n: usize,
    host_name: *const c_char,
    out: *mut *mut qssl_ssl_error_list_t,
) -> qssl_status_t {
    boundary::status("qssl_cert_verify", || {
        // SAFETY: `out` NULL or writable; `chain` NULL (n == 0) or n handle
        // pointers; `host_name` NULL or a C string.
        unsafe {
            reset_out(out, "out")?;
            let certs: Vec<Certificate> = array_in(chain, n, "chain")?;
            let host = if host_name.is_null() {
                ""
            } else {
                str_in(host_name, "host_name")?
            };
            let errors = Certificate::verify(&certs, host);
            write_out(
                out,
                qssl_ssl_error_list_t(ListStore::new(Arc::from(errors))),
            );
        }
        Ok(())
    })
}

/// Creates a list of `n` certificates from `items` (each shared, O(1) per
/// item); free it with qssl_cert_list_free(). NULL on error: `items` NULL
/// with `n > 0`, or a NULL element (QSSL_STATUS_INVALID_ARGUMENT recorded).
/// Qt: QList<QSslCertificate>
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_list_new(
    items: *const *const qssl_cert_t,
    n: usize,
) -> *mut qssl_cert_list_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::new("qssl_cert_list_new", items, n) }
}

/// Frees a certificate list; NULL is a no-op. Elements borrowed from it
/// become invalid.
/// Qt: QList<QSslCertificate>::~QList()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_list_free(list: *mut qssl_cert_list_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_cert_list_free", list) }
}

/// The number of certificates (0 for NULL).
/// Qt: QList<QSslCertificate>::size()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_list_len(list: *const qssl_cert_list_t) -> usize {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::len("qssl_cert_list_len", list) }
}

/// Lends certificate `index`: valid until the list is freed; do not free
/// it (copy it with qssl_cert_copy() to keep it). NULL for NULL `list` or an
/// index out of range (QSSL_STATUS_INVALID_ARGUMENT recorded).
/// Qt: QList<QSslCertificate>::at()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_list_get(
    list: *const qssl_cert_list_t,
    index: usize,
) -> *const qssl_cert_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::get("qssl_cert_list_get", list, index) }
}

/// All certificates as an array of qssl_cert_list_len() borrowed handles,
/// the form the list setters take; valid until the list is freed. NULL
/// when the list is empty or NULL.
/// Qt: QList<QSslCertificate>::constData()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_cert_list_items(
    list: *const qssl_cert_list_t,
) -> *const *const qssl_cert_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::items("qssl_cert_list_items", list) }
}
