//! The boundary helpers every exported function runs its body in.
//!
//! Each helper catches panics (reported as `QSSL_STATUS_INTERNAL_PANIC`),
//! records the error message for the calling thread on failure, and leaves the
//! OpenSSL error queue empty on return, so no stale OpenSSL error leaks into a
//! later call.
//!
//! # The error-queue policy
//!
//! `ERR_clear_error` resets all 16 slots of the thread's queue (about 840
//! instructions on OpenSSL 3.0), which an unconditional clear paid on every
//! exported call: 26–28 times per handshake pair, half of qssl's extra cost.
//! The promise is kept more cheaply:
//!
//! * a body that may call OpenSSL ([`run`] and the helpers on it) and
//!   succeeds ends with `settle_error_queue`: one `ERR_peek_error` (the
//!   thread-state lookup, no slot walk) and the full clear only when
//!   something is queued;
//! * a TLS step ([`step`]: handshake, read, write, shutdown) that ends in
//!   WANT_READ / WANT_WRITE checks nothing: the step's last OpenSSL call was
//!   an `SSL_get_error` that answers so only after its own `ERR_peek_error`
//!   found the queue empty (the answer itself carries that knowledge, so no
//!   thread-local flag is touched on the way);
//! * a body that fails ends with the full clear, which also frees the text
//!   that entries popped while building its message left in their slots;
//! * a body that makes no OpenSSL call able to queue an error (the `*_pure`
//!   helpers: handle copies and frees, scalar accessors, the memory
//!   transport's byte queues) checks nothing: the queue is as empty on return
//!   as the previous qssl call left it.
//!
//! Code that drains the queue itself (building an error message) ends with
//! `ERR_clear_error`, so the slots it popped keep no text either.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::status::{QSSL_STATUS_OK, qssl_status_t, set_last_error};
use super::status::{QSSL_STATUS_WANT_READ, QSSL_STATUS_WANT_WRITE};
use crate::Error;
use crate::ossl::{clear_error_queue, settle_error_queue};

/// Turns a caught panic payload into an error. Cold: only a bug panics.
#[cold]
#[inline(never)]
fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    Error::Panic(crate::error::panic_text(
        &*payload,
        "panic with a non-text payload",
    ))
}

/// Records a failure as the calling thread's last error message, prefixed
/// with `func`. Out of line and cold, so the helpers that are inlined into
/// every export carry only a branch to it.
#[cold]
#[inline(never)]
fn record_failure(func: &'static str, e: &Error) {
    set_last_error(&format!("{func}: {e}"));
}

/// Runs `f` and returns its value, or `Err` for an error or a caught panic.
/// The OpenSSL error queue is empty afterwards; on error the last error
/// message is set (prefixed with `func`).
#[inline]
pub(crate) fn run<T>(func: &'static str, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    let result = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(panic_error(payload)),
    };
    if let Err(e) = &result {
        record_failure(func, e);
        // A failure path: the full clear also frees what popped entries
        // left in their slots. Not a hot path.
        clear_error_queue();
    } else {
        settle_error_queue();
    }
    result
}

/// For functions returning `qssl_status_t`: `Ok(())` becomes `QSSL_STATUS_OK`.
/// As [`run`], with the whole failure path out of line.
#[inline]
pub(crate) fn status(func: &'static str, f: impl FnOnce() -> Result<(), Error>) -> qssl_status_t {
    // [`step`] with OK as the only success value (never a want, so the
    // queue is always checked).
    step(func, || f().map(|()| QSSL_STATUS_OK))
}

/// Records a failed body's error, empties the OpenSSL error queue (the full
/// clear) and gives the error's status: the whole failure path of
/// [`status`] and [`step`], out of line.
#[cold]
#[inline(never)]
fn step_failed(func: &'static str, e: Error) -> qssl_status_t {
    record_failure(func, &e);
    clear_error_queue();
    e.status()
}

/// For the TLS steps (handshake, read, write, shutdown), whose success value
/// is `QSSL_STATUS_OK`, `WANT_READ` or `WANT_WRITE`: as [`status`] with the status as the value,
/// but a want state skips the error-queue check. A step reports a want
/// only when its last OpenSSL call, `SSL_get_error`, answered WANT_READ /
/// WANT_WRITE (or SYSCALL with an empty queue and a would-block transport
/// error), and `SSL_get_error` answers so only after its own
/// `ERR_peek_error` found the queue empty. Everything but the success path
/// is out of line.
#[inline]
pub(crate) fn step(
    func: &'static str,
    f: impl FnOnce() -> Result<qssl_status_t, Error>,
) -> qssl_status_t {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(code)) => {
            if code != QSSL_STATUS_WANT_READ && code != QSSL_STATUS_WANT_WRITE {
                settle_error_queue();
            }
            code
        }
        Ok(Err(e)) => step_failed(func, e),
        Err(payload) => step_failed(func, panic_error(payload)),
    }
}

/// For functions returning a pointer: NULL on failure.
#[inline]
pub(crate) fn pointer<T>(func: &'static str, f: impl FnOnce() -> Result<*mut T, Error>) -> *mut T {
    run(func, f).unwrap_or(std::ptr::null_mut())
}

/// For infallible getters: `default` (Qt's default for the property) when the
/// body fails, for example because the handle is NULL.
#[inline]
pub(crate) fn value<T>(func: &'static str, default: T, f: impl FnOnce() -> Result<T, Error>) -> T {
    run(func, f).unwrap_or(default)
}

/// For functions returning nothing (`_free`): errors and panics are recorded
/// and swallowed.
#[inline]
pub(crate) fn void(func: &'static str, f: impl FnOnce() -> Result<(), Error>) {
    let _ = run(func, f);
}

// ---- bodies that never queue an OpenSSL error ----------------------------------
//
// Checking the OpenSSL error queue on return costs about 200 instructions in
// OpenSSL 3.0 (`ERR_peek_error` initialises and looks up the thread's error
// state), several times the work of a handle copy or a scalar setter. The
// `*_pure` helpers below are for bodies that make no OpenSSL call able to
// queue an error: handle copies and frees, reference counts, scalar getters
// and setters, detaching (which only takes references: `X509_up_ref`,
// `EVP_PKEY_up_ref`) and dropping (`*_free` never queues errors). The queue
// cannot change during such a call, so it is as empty on return as the
// previous qssl call left it. Everything else keeps the helpers above.

/// [`run`] without the OpenSSL error-queue check (see above).
#[inline]
pub(crate) fn run_pure<T>(
    func: &'static str,
    f: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    let result = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(panic_error(payload)),
    };
    if let Err(e) = &result {
        record_failure(func, e);
    }
    result
}

/// Records a failed pure body's error and gives its status (out of line).
#[cold]
#[inline(never)]
fn pure_failed(func: &'static str, e: Error) -> qssl_status_t {
    record_failure(func, &e);
    e.status()
}

/// [`status`] for a body that never queues an OpenSSL error.
#[inline]
pub(crate) fn status_pure(
    func: &'static str,
    f: impl FnOnce() -> Result<(), Error>,
) -> qssl_status_t {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => QSSL_STATUS_OK,
        Ok(Err(e)) => pure_failed(func, e),
        Err(payload) => pure_failed(func, panic_error(payload)),
    }
}

/// [`pointer`] for a body that never queues an OpenSSL error.
#[inline]
pub(crate) fn pointer_pure<T>(
    func: &'static str,
    f: impl FnOnce() -> Result<*mut T, Error>,
) -> *mut T {
    run_pure(func, f).unwrap_or(std::ptr::null_mut())
}

/// [`value`] for a body that never queues an OpenSSL error.
#[inline]
pub(crate) fn value_pure<T>(
    func: &'static str,
    default: T,
    f: impl FnOnce() -> Result<T, Error>,
) -> T {
    run_pure(func, f).unwrap_or(default)
}

/// [`void`] for a body that never queues an OpenSSL error.
#[inline]
pub(crate) fn void_pure(func: &'static str, f: impl FnOnce() -> Result<(), Error>) {
    let _ = run_pure(func, f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::status::{
        QSSL_STATUS_INTERNAL_PANIC, QSSL_STATUS_INVALID_ARGUMENT, last_error,
    };

    #[test]
    fn panic_becomes_internal_panic_status() {
        let code = status("qssl_test_panic", || panic!("deliberate test panic"));
        assert_eq!(code, QSSL_STATUS_INTERNAL_PANIC);
        let msg = last_error();
        assert!(msg.contains("qssl_test_panic"), "{msg}");
        assert!(msg.contains("deliberate test panic"), "{msg}");
    }

    #[test]
    fn panic_in_pointer_function_gives_null() {
        let p: *mut u8 = pointer("qssl_test_ptr", || panic!("boom {}", 42));
        assert!(p.is_null());
        assert!(last_error().contains("boom 42"));
    }

    #[test]
    fn error_maps_to_status_and_message() {
        let code = status("qssl_test_err", || {
            Err(Error::invalid("depth must not be negative"))
        });
        assert_eq!(code, QSSL_STATUS_INVALID_ARGUMENT);
        assert_eq!(last_error(), "qssl_test_err: depth must not be negative");
    }

    #[test]
    fn value_returns_default_on_error() {
        assert_eq!(
            value("qssl_test_val", 7, || Err(Error::NullArgument("cfg"))),
            7
        );
        assert_eq!(value("qssl_test_val", 7, || Ok(3)), 3);
    }

    #[test]
    fn openssl_queue_is_drained() {
        let code = status("qssl_test_queue", || {
            // Provoke an OpenSSL error and leave it on the queue.
            let _ = openssl::x509::X509::from_pem(b"garbage");
            Ok(())
        });
        assert_eq!(code, QSSL_STATUS_OK);
        assert!(openssl::error::ErrorStack::get().errors().is_empty());
    }

    #[test]
    fn pure_helpers_catch_panics_and_record_errors() {
        let code = status_pure("qssl_test_pure", || panic!("pure panic"));
        assert_eq!(code, QSSL_STATUS_INTERNAL_PANIC);
        assert!(
            last_error().contains("qssl_test_pure: "),
            "{}",
            last_error()
        );
        assert!(last_error().contains("pure panic"));
        let code = status_pure("qssl_test_pure", || Err(Error::invalid("bad value")));
        assert_eq!(code, QSSL_STATUS_INVALID_ARGUMENT);
        assert_eq!(last_error(), "qssl_test_pure: bad value");
        let p: *mut u8 = pointer_pure("qssl_test_pure", || Err(Error::NullArgument("cfg")));
        assert!(p.is_null());
        assert_eq!(
            value_pure("qssl_test_pure", 5, || Err(Error::NullArgument("x"))),
            5
        );
        assert_eq!(value_pure("qssl_test_pure", 5, || Ok(6)), 6);
        void_pure("qssl_test_pure", || panic!("in a free"));
        assert!(last_error().contains("in a free"));
    }
}
