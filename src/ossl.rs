//! Direct calls into `openssl-sys` where the `openssl` crate has no safe wrapper.
//! Every `unsafe` block here carries its justification.

/// Discards everything on the calling thread's OpenSSL error queue.
pub(crate) fn clear_error_queue() {
    // SAFETY: ERR_clear_error has no preconditions; it only touches the
    // calling thread's error queue.
    unsafe { openssl_sys::ERR_clear_error() }
}
