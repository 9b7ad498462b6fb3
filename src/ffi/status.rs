//! Status codes and the thread-local last error message.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

use crate::Error;

/// The result of a fallible qssl function: `QSSL_STATUS_OK` (0), a negative
/// error code, or a positive code that is not an error (a non-blocking
/// connection would block). The numbers are stable and never reused.
pub type qssl_status_t = i32;

/// Success.
pub const QSSL_STATUS_OK: qssl_status_t = 0;
/// Not an error: a non-blocking operation needs the transport to become readable.
pub const QSSL_STATUS_WANT_READ: qssl_status_t = 1;
/// Not an error: a non-blocking operation needs the transport to become writable.
pub const QSSL_STATUS_WANT_WRITE: qssl_status_t = 2;
/// A required pointer argument was NULL (or a NULL buffer came with a length).
pub const QSSL_STATUS_NULL_ARGUMENT: qssl_status_t = -1;
/// An argument is out of its domain: unknown enum value or option bit, invalid UTF-8, a negative depth.
pub const QSSL_STATUS_INVALID_ARGUMENT: qssl_status_t = -2;
/// The output buffer is too small; `*out_len` holds the size needed and nothing was written.
pub const QSSL_STATUS_BUFFER_TOO_SMALL: qssl_status_t = -3;
/// Input bytes (PEM, DER, PKCS#12, a session ticket) could not be parsed.
pub const QSSL_STATUS_PARSE_FAILED: qssl_status_t = -4;
/// A file or socket operation failed.
pub const QSSL_STATUS_IO: qssl_status_t = -5;
/// The TLS protocol failed: handshake failure, alert received, bad record.
pub const QSSL_STATUS_TLS: qssl_status_t = -6;
/// The peer's certificate could not be verified and the errors were not ignored.
pub const QSSL_STATUS_VERIFICATION_FAILED: qssl_status_t = -7;
/// Valid, but not supported by qssl or by the OpenSSL in use.
pub const QSSL_STATUS_UNSUPPORTED: qssl_status_t = -8;
/// An application callback returned non-zero or refused (for example an empty pre-shared key).
pub const QSSL_STATUS_CALLBACK_REFUSED: qssl_status_t = -9;
/// A Rust panic was caught inside qssl; this is a bug in qssl, please report it.
pub const QSSL_STATUS_INTERNAL_PANIC: qssl_status_t = -10;
/// Nothing matched: a path pattern found no file, a name is not known.
pub const QSSL_STATUS_NOT_FOUND: qssl_status_t = -11;
/// A passphrase was wrong or missing.
pub const QSSL_STATUS_BAD_PASSPHRASE: qssl_status_t = -12;
/// The handle is not in a state that allows the call (for example a read before the handshake).
pub const QSSL_STATUS_INVALID_STATE: qssl_status_t = -13;
/// The connection is closed: the peer sent close_notify or the transport reached end of file.
pub const QSSL_STATUS_CLOSED: qssl_status_t = -14;

impl Error {
    /// The C status code for this error.
    pub fn status(&self) -> qssl_status_t {
        match self {
            Error::NullArgument(_) => QSSL_STATUS_NULL_ARGUMENT,
            Error::InvalidArgument(_) => QSSL_STATUS_INVALID_ARGUMENT,
            Error::BufferTooSmall { .. } => QSSL_STATUS_BUFFER_TOO_SMALL,
            Error::Parse(_) => QSSL_STATUS_PARSE_FAILED,
            Error::BadPassphrase(_) => QSSL_STATUS_BAD_PASSPHRASE,
            Error::Io(_) => QSSL_STATUS_IO,
            Error::Tls(_) => QSSL_STATUS_TLS,
            Error::Verification(_) => QSSL_STATUS_VERIFICATION_FAILED,
            Error::Unsupported(_) => QSSL_STATUS_UNSUPPORTED,
            Error::CallbackRefused(_) => QSSL_STATUS_CALLBACK_REFUSED,
            Error::NotFound(_) => QSSL_STATUS_NOT_FOUND,
            Error::InvalidState(_) => QSSL_STATUS_INVALID_STATE,
            Error::Closed(_) => QSSL_STATUS_CLOSED,
            Error::Panic(_) => QSSL_STATUS_INTERNAL_PANIC,
        }
    }
}

/// The static text of a status code.
fn status_text(status: qssl_status_t) -> &'static std::ffi::CStr {
    match status {
        QSSL_STATUS_OK => c"ok",
        QSSL_STATUS_WANT_READ => c"want read: the transport must become readable",
        QSSL_STATUS_WANT_WRITE => c"want write: the transport must become writable",
        QSSL_STATUS_NULL_ARGUMENT => c"null argument",
        QSSL_STATUS_INVALID_ARGUMENT => c"invalid argument",
        QSSL_STATUS_BUFFER_TOO_SMALL => c"buffer too small",
        QSSL_STATUS_PARSE_FAILED => c"parse failed",
        QSSL_STATUS_IO => c"input/output error",
        QSSL_STATUS_TLS => c"TLS error",
        QSSL_STATUS_VERIFICATION_FAILED => c"peer verification failed",
        QSSL_STATUS_UNSUPPORTED => c"unsupported",
        QSSL_STATUS_CALLBACK_REFUSED => c"callback refused",
        QSSL_STATUS_INTERNAL_PANIC => c"internal error (panic caught)",
        QSSL_STATUS_NOT_FOUND => c"not found",
        QSSL_STATUS_BAD_PASSPHRASE => c"bad passphrase",
        QSSL_STATUS_INVALID_STATE => c"invalid state",
        QSSL_STATUS_CLOSED => c"connection closed",
        _ => c"unknown status code",
    }
}

/// Returns a static, NUL-terminated English text for a status code; unknown
/// codes give "unknown status code". Never NULL; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn qssl_status_string(status: qssl_status_t) -> *const c_char {
    status_text(status).as_ptr()
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `msg` as the calling thread's last error message.
pub(crate) fn set_last_error(msg: &str) {
    // Interior NULs cannot be represented in a C string: replace them.
    let c = CString::new(msg.replace('\0', "\\0")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = c;
        }
    });
}

/// The calling thread's last error message as an owned string (for tests).
pub fn last_error() -> String {
    LAST_ERROR
        .try_with(|slot| slot.borrow().to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Returns the message of the most recent failure on the calling thread, as
/// NUL-terminated UTF-8 ("" if nothing has failed yet). Successful calls do not
/// clear it. The pointer is valid until the next failing qssl call on the same
/// thread; never free it. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn qssl_last_error_message() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.as_ptr().cast_const())
        .map(|cell| {
            // SAFETY: the cell lives in this thread's TLS for the thread's
            // lifetime; we only read the CString's pointer, which stays valid
            // until the next set_last_error on this thread, as documented.
            unsafe { (*cell).as_ptr() }
        })
        .unwrap_or(c"".as_ptr())
}

/// Clears the calling thread's last error message (it becomes "").
#[unsafe(no_mangle)]
pub extern "C" fn qssl_clear_last_error() {
    set_last_error("");
}
