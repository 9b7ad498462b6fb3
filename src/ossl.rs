//! Direct calls into `openssl-sys` where the `openssl` crate has no safe wrapper.
//! Every `unsafe` block here carries its justification.

/// Discards everything on the calling thread's OpenSSL error queue.
pub(crate) fn clear_error_queue() {
    // SAFETY: ERR_clear_error has no preconditions; it only touches the
    // calling thread's error queue.
    unsafe { openssl_sys::ERR_clear_error() }
}

/// The cipher suites an `SSL` object would offer (`SSL_get_ciphers`), as
/// OpenSSL's own cipher objects. Empty if OpenSSL returns NULL.
pub(crate) fn ssl_ciphers(ssl: &openssl::ssl::SslRef) -> Vec<&openssl::ssl::SslCipherRef> {
    use foreign_types::ForeignTypeRef;
    // SAFETY: `ssl` is a live SSL; SSL_get_ciphers returns a stack owned by
    // the SSL (or its context), valid while `ssl` is borrowed.
    let ptr = unsafe { SSL_get_ciphers(ssl.as_ptr()) };
    if ptr.is_null() {
        return Vec::new();
    }
    // SAFETY: non-NULL stack owned by `ssl`, borrowed for its lifetime.
    let stack = unsafe { openssl::stack::StackRef::<openssl::ssl::SslCipher>::from_ptr(ptr) };
    stack.iter().collect()
}

// ---------------------------------------------------------------------------
// Elliptic curves and DH parameters (QSslEllipticCurve,
// QSslDiffieHellmanParameters): object-name lookups, OpenSSL's built-in curve
// table and DH_check, none of which the `openssl` crate wraps.

/// `OBJ_sn2nid`: the NID of an object's short name, 0 if unknown.
pub(crate) fn obj_sn2nid(name: &std::ffi::CStr) -> i32 {
    // SAFETY: `name` is a valid NUL-terminated string for the call; OBJ_sn2nid
    // only reads it and returns NID_undef (0) for unknown names.
    unsafe { openssl_sys::OBJ_sn2nid(name.as_ptr()) }
}

/// `OBJ_ln2nid`: the NID of an object's long name, 0 if unknown.
pub(crate) fn obj_ln2nid(name: &std::ffi::CStr) -> i32 {
    // SAFETY: as for obj_sn2nid.
    unsafe { OBJ_ln2nid(name.as_ptr()) }
}

/// `EC_curve_nist2nid`: the NID of a NIST curve name ("P-256"), 0 if unknown.
pub(crate) fn ec_curve_nist2nid(name: &std::ffi::CStr) -> i32 {
    // SAFETY: `name` is a valid NUL-terminated string; the function compares
    // it against a static table and returns NID_undef (0) when absent.
    unsafe { EC_curve_nist2nid(name.as_ptr()) }
}

/// The NIDs of OpenSSL's built-in elliptic curve table
/// (`EC_get_builtin_curves`), in table order.
pub(crate) fn ec_builtin_curve_nids() -> Vec<i32> {
    // SAFETY: with a NULL array and 0 items the function only returns the
    // number of built-in curves.
    let n = unsafe { EC_get_builtin_curves(std::ptr::null_mut(), 0) };
    let mut curves = vec![
        EcBuiltinCurve {
            nid: 0,
            comment: std::ptr::null(),
        };
        n
    ];
    // SAFETY: `curves` holds `n` writable entries of the C layout; OpenSSL
    // writes at most `n` of them and returns the total count.
    let total = unsafe { EC_get_builtin_curves(curves.as_mut_ptr(), n) };
    curves.truncate(total.min(n));
    curves.into_iter().map(|c| c.nid).collect()
}

/// `DH_check` on DH parameters: the check flags (`DH_CHECK_*`), or `None`
/// when OpenSSL could not run the check.
pub(crate) fn dh_check<T>(dh: &openssl::dh::DhRef<T>) -> Option<i32> {
    use foreign_types::ForeignTypeRef;
    let mut codes: std::ffi::c_int = 0;
    // SAFETY: `dh` is a live DH object borrowed for the call; DH_check only
    // reads it and writes the flags into `codes`.
    let ok = unsafe { openssl_sys::DH_check(dh.as_ptr(), &mut codes) };
    (ok == 1).then_some(codes)
}

/// `DH_check` flag: p is not prime.
pub(crate) const DH_CHECK_P_NOT_PRIME: i32 = 0x01;
/// `DH_check` flag: p is not a safe prime.
pub(crate) const DH_CHECK_P_NOT_SAFE_PRIME: i32 = 0x02;
/// `DH_check` flag: the generator is not suitable.
pub(crate) const DH_NOT_SUITABLE_GENERATOR: i32 = 0x08;

/// Declarations of libcrypto functions that openssl-sys does not bind, kept
/// in their own module so that cbindgen leaves them out of the C header.
///
/// cbindgen:ignore
mod sys {
    /// The C layout of OpenSSL's `EC_builtin_curve`.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub(super) struct EcBuiltinCurve {
        pub(super) nid: std::ffi::c_int,
        pub(super) comment: *const std::ffi::c_char,
    }

    unsafe extern "C" {
        pub(super) fn OBJ_ln2nid(s: *const std::ffi::c_char) -> std::ffi::c_int;
        pub(super) fn EC_curve_nist2nid(name: *const std::ffi::c_char) -> std::ffi::c_int;
        pub(super) fn EC_get_builtin_curves(r: *mut EcBuiltinCurve, nitems: usize) -> usize;
        // libssl (linked by openssl-sys already).
        pub(super) fn SSL_get_ciphers(
            ssl: *const openssl_sys::SSL,
        ) -> *mut openssl_sys::stack_st_SSL_CIPHER;
    }
}
use sys::{EC_curve_nist2nid, EC_get_builtin_curves, EcBuiltinCurve, OBJ_ln2nid, SSL_get_ciphers};
