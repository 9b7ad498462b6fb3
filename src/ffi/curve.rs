//! `qssl_curve_t` (QSslEllipticCurve, a small value: the OpenSSL NID) and
//! `qssl_curve_list_t`.
#![allow(non_camel_case_types)]
// The pointer rules every function here relies on (NULL or a live handle from
// qssl, buffers valid for their stated length) are the C contract, stated once
// in the header preamble rather than in a `# Safety` section per function.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_char;

use super::boundary;
use super::bytes::{str_in, text_out};
use super::handle::{borrow, handle, into_raw};
use super::list::ListStore;
use super::status::qssl_status_t;
use crate::Error;
use crate::model::curve::EllipticCurve;

/// An elliptic curve (QSslEllipticCurve): OpenSSL's NID of the curve or
/// group; 0 is the invalid curve. A plain value: nothing to free.
pub type qssl_curve_t = i32;

// SAFETY: `EllipticCurve` is `#[repr(transparent)]` over `i32`.
unsafe impl super::handle::LendsAs<EllipticCurve> for qssl_curve_t {}

handle! {
    /// A list of curves. Declared in the header preamble.
    pub struct qssl_curve_list_t(ListStore<EllipticCurve, qssl_curve_t>): Unique;
}

/// The curve with OpenSSL short name `name` ("prime256v1", "secp384r1",
/// "brainpoolP256r1", "X25519", "X448"; case-sensitive), or failing that the
/// NIST name ("P-256", "P-384", "P-521"). An unknown or empty name gives the
/// invalid curve 0, which is not an error (as in Qt).
///
/// Errors (result 0, message in qssl_last_error_message()): `name` NULL or
/// not UTF-8.
///
/// Deviation: Qt 6.4 on OpenSSL 3 fails the NIST fallback (an unresolved
/// OpenSSL symbol), so "P-256" is invalid there; qssl resolves it as Qt
/// intends.
///
/// Qt: QSslEllipticCurve::fromShortName()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_from_short_name(name: *const c_char) -> qssl_curve_t {
    boundary::value("qssl_curve_from_short_name", 0, || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let name = unsafe { str_in(name, "name") }?;
        Ok(EllipticCurve::from_short_name(name).0)
    })
}

/// The curve with OpenSSL long name `name` (case-sensitive; for most curves
/// the same as the short name, e.g. "prime256v1", "X25519"). An unknown or
/// empty name gives the invalid curve 0, which is not an error.
///
/// Errors (result 0, message in qssl_last_error_message()): `name` NULL or
/// not UTF-8.
///
/// Qt: QSslEllipticCurve::fromLongName()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_from_long_name(name: *const c_char) -> qssl_curve_t {
    boundary::value("qssl_curve_from_long_name", 0, || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let name = unsafe { str_in(name, "name") }?;
        Ok(EllipticCurve::from_long_name(name).0)
    })
}

/// Writes the curve's OpenSSL short name ("" for 0 or an id OpenSSL does not
/// know) as NUL-terminated text to `(buf, cap)`; `*out_len` receives its
/// length without the NUL.
///
/// Errors: NULL `out_len`, or NULL `buf` with enough `cap`
/// (QSSL_STATUS_NULL_ARGUMENT); `cap < *out_len + 1`
/// (QSSL_STATUS_BUFFER_TOO_SMALL, nothing written).
///
/// Qt: QSslEllipticCurve::shortName()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_short_name(
    curve: qssl_curve_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_curve_short_name", || {
        // SAFETY: output pointers per the contract.
        unsafe { text_out(EllipticCurve(curve).short_name(), buf, cap, out_len) }
    })
}

/// Writes the curve's OpenSSL long name ("" for 0 or an unknown id). Output
/// and errors as for qssl_curve_short_name().
///
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslEllipticCurve::longName()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_long_name(
    curve: qssl_curve_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_curve_long_name", || {
        // SAFETY: output pointers per the contract.
        unsafe { text_out(EllipticCurve(curve).long_name(), buf, cap, out_len) }
    })
}

/// Tells whether the curve is valid, i.e. not 0. Curves compare with `==` on
/// the value (Qt: operator==).
///
/// Qt: QSslEllipticCurve::isValid()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_curve_is_valid(curve: qssl_curve_t) -> bool {
    boundary::value("qssl_curve_is_valid", false, || {
        Ok(EllipticCurve(curve).is_valid())
    })
}

/// Tells whether the curve is one of the 28 TLS named curves Qt lists (the
/// sect*, secp*, prime192v1, prime256v1 and brainpoolP*r1 curves); X25519
/// and X448 are not among them.
///
/// Qt: QSslEllipticCurve::isTlsNamedCurve()
#[unsafe(no_mangle)]
pub extern "C" fn qssl_curve_is_tls_named_curve(curve: qssl_curve_t) -> bool {
    boundary::value("qssl_curve_is_tls_named_curve", false, || {
        Ok(EllipticCurve(curve).is_tls_named_curve())
    })
}

/// Creates a list from `n` curves (copied); values are not checked, as Qt
/// stores any curve. `(NULL, 0)` gives an empty list. Free it with
/// qssl_curve_list_free().
///
/// Errors (NULL return): `items` NULL with `n > 0` (QSSL_STATUS_NULL_ARGUMENT).
///
/// Qt: QList<QSslEllipticCurve>
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_list_new(
    items: *const qssl_curve_t,
    n: usize,
) -> *mut qssl_curve_list_t {
    boundary::pointer("qssl_curve_list_new", || {
        let v: Vec<EllipticCurve> = if n == 0 {
            Vec::new()
        } else if items.is_null() {
            return Err(Error::NullArgument("items"));
        } else if n > isize::MAX as usize / std::mem::size_of::<qssl_curve_t>() {
            return Err(Error::invalid(format!("n {n} is too large")));
        } else {
            // SAFETY: non-NULL; the caller guarantees `n` readable values.
            let s = unsafe { std::slice::from_raw_parts(items, n) };
            s.iter().copied().map(EllipticCurve).collect()
        };
        Ok(into_raw(qssl_curve_list_t(ListStore::new(v.into()))))
    })
}

/// Frees a curve list; NULL is a no-op. The array from
/// qssl_curve_list_items() becomes invalid.
///
/// Qt: QList<QSslEllipticCurve>::~QList()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_list_free(list: *mut qssl_curve_list_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_curve_list_free", list) }
}

/// The number of curves in the list (0 for NULL).
///
/// Qt: QList<QSslEllipticCurve>::size()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_list_len(list: *const qssl_curve_list_t) -> usize {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::list::len("qssl_curve_list_len", list) }
}

/// Curve `index` of the list; 0 (the invalid curve) if `list` is NULL or
/// `index` is out of range (the message says which).
///
/// Qt: QList<QSslEllipticCurve>::at()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_list_get(
    list: *const qssl_curve_list_t,
    index: usize,
) -> qssl_curve_t {
    boundary::value("qssl_curve_list_get", 0, || {
        // SAFETY: NULL or a live list.
        let list = unsafe { borrow(list, "list") }?;
        list.0.items().get(index).map(|c| c.0).ok_or_else(|| {
            Error::invalid(format!(
                "index {index} out of range (length {})",
                list.0.len()
            ))
        })
    })
}

/// Lends all curves as an array of qssl_curve_list_len() values, in the form
/// qssl_curve_list_new() and the curve setters take. Valid until the list is
/// freed. NULL when the list is empty or NULL.
///
/// Qt: QList<QSslEllipticCurve>::constData()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_curve_list_items(
    list: *const qssl_curve_list_t,
) -> *const qssl_curve_t {
    boundary::value("qssl_curve_list_items", std::ptr::null(), || {
        // SAFETY: NULL or a live list.
        let items = unsafe { borrow(list, "list") }?.0.items();
        Ok(if items.is_empty() {
            std::ptr::null()
        } else {
            // EllipticCurve is repr(transparent) over qssl_curve_t (i32).
            items.as_ptr().cast::<qssl_curve_t>()
        })
    })
}
