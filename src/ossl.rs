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
