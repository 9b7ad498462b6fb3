//! The library version.

use std::ffi::c_char;

const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(v) => v,
    Err(_) => panic!("version has an interior NUL"),
};

/// Returns the version of the loaded qssl library as static NUL-terminated text,
/// "MAJOR.MINOR.PATCH" (compare with QSSL_VERSION_STRING from the header you
/// compiled against). Never NULL; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn qssl_version() -> *const c_char {
    VERSION.as_ptr()
}

/// Returns the version of the loaded library as one number,
/// `(major << 16) | (minor << 8) | patch` (compare with QSSL_VERSION_NUMBER).
#[unsafe(no_mangle)]
pub extern "C" fn qssl_version_number() -> u32 {
    let p = |s: &str| s.parse::<u32>().unwrap_or(0);
    (p(env!("CARGO_PKG_VERSION_MAJOR")) << 16)
        | (p(env!("CARGO_PKG_VERSION_MINOR")) << 8)
        | p(env!("CARGO_PKG_VERSION_PATCH"))
}

/// Returns OpenSSL's version text of the OpenSSL library qssl runs on, for
/// example "OpenSSL 3.0.19 27 Jan 2026". Static; never NULL; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn qssl_openssl_version() -> *const c_char {
    // SAFETY: OpenSSL_version returns a pointer to a static string.
    unsafe { openssl_sys::OpenSSL_version(openssl_sys::OPENSSL_VERSION) }
}
