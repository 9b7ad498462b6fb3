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

// Declarations of libssl functions that openssl-sys does not bind. libssl is
// linked by openssl-sys already.
unsafe extern "C" {
    fn SSL_get_ciphers(ssl: *const openssl_sys::SSL) -> *mut openssl_sys::stack_st_SSL_CIPHER;
}

/// OpenSSL's compiled-in default CA file and directory
/// (`X509_get_default_cert_file`, `X509_get_default_cert_dir`).
pub(crate) fn default_cert_locations() -> (String, String) {
    // SAFETY: both functions return pointers to static NUL-terminated strings.
    unsafe {
        let file = std::ffi::CStr::from_ptr(X509_get_default_cert_file());
        let dir = std::ffi::CStr::from_ptr(X509_get_default_cert_dir());
        (
            file.to_string_lossy().into_owned(),
            dir.to_string_lossy().into_owned(),
        )
    }
}

unsafe extern "C" {
    fn X509_get_default_cert_file() -> *const std::ffi::c_char;
    fn X509_get_default_cert_dir() -> *const std::ffi::c_char;
}
