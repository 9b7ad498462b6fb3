//! The error type of the Rust core. Each variant maps to one C status code.

use openssl::error::ErrorStack;

/// An error from the qssl core. The text names the cause and, where OpenSSL
/// failed, carries OpenSSL's own error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A required pointer argument was NULL.
    #[error("{0} is NULL")]
    NullArgument(&'static str),
    /// An argument has a value outside its domain.
    #[error("{0}")]
    InvalidArgument(String),
    /// An output buffer is smaller than the value.
    #[error("buffer too small: {needed} bytes needed, capacity is {capacity}")]
    BufferTooSmall {
        /// Bytes the value needs (including a terminating NUL for text).
        needed: usize,
        /// Bytes the caller offered.
        capacity: usize,
    },
    /// Input bytes (PEM, DER, PKCS#12, ...) could not be parsed.
    #[error("{0}")]
    Parse(String),
    /// A passphrase was wrong or missing.
    #[error("{0}")]
    BadPassphrase(String),
    /// A file or socket operation failed.
    #[error("{0}")]
    Io(String),
    /// The TLS protocol failed (handshake failure, alert, bad record).
    #[error("{0}")]
    Tls(String),
    /// The peer could not be verified.
    #[error("{0}")]
    Verification(String),
    /// The request is valid but not supported by qssl or the OpenSSL in use.
    #[error("{0}")]
    Unsupported(String),
    /// An application callback refused to continue.
    #[error("{0}")]
    CallbackRefused(String),
    /// Nothing matched (a path pattern, a name).
    #[error("{0}")]
    NotFound(String),
    /// The object is not in a state that allows the call.
    #[error("{0}")]
    InvalidState(String),
    /// The connection was closed.
    #[error("{0}")]
    Closed(String),
    /// A Rust panic was caught at the C boundary.
    #[error("internal error: {0}")]
    Panic(String),
}

/// Result alias for the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An invalid-argument error with a message.
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidArgument(msg.into())
    }

    /// A parse error that appends OpenSSL's error text, if any.
    pub fn parse(what: impl Into<String>, stack: Option<&ErrorStack>) -> Self {
        Error::Parse(with_openssl(what.into(), stack))
    }

    /// A TLS error that appends OpenSSL's error text, if any.
    pub fn tls(what: impl Into<String>, stack: Option<&ErrorStack>) -> Self {
        Error::Tls(with_openssl(what.into(), stack))
    }
}

/// Appends OpenSSL's error text (reason strings of the stack) to a message.
/// The text of a caught panic's payload (`panic!` with a literal or a
/// formatted message), or `fallback` for any other payload.
pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send), fallback: &str) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        fallback.to_string()
    }
}

pub(crate) fn with_openssl(mut msg: String, stack: Option<&ErrorStack>) -> String {
    if let Some(stack) = stack {
        let reasons = openssl_reasons(stack);
        if !reasons.is_empty() {
            msg.push_str(" (OpenSSL: ");
            msg.push_str(&reasons);
            msg.push(')');
        }
    }
    msg
}

/// The distinct reason strings of an OpenSSL error stack, joined with "; ".
pub(crate) fn openssl_reasons(stack: &ErrorStack) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in stack.errors() {
        let text = match (e.reason(), e.library()) {
            (Some(r), Some(l)) => format!("{l}: {r}"),
            (Some(r), None) => r.to_string(),
            _ => format!("error {:#x}", e.code()),
        };
        if !parts.contains(&text) {
            parts.push(text);
        }
    }
    parts.join("; ")
}

impl From<ErrorStack> for Error {
    fn from(stack: ErrorStack) -> Self {
        Error::Tls(with_openssl("OpenSSL call failed".into(), Some(&stack)))
    }
}
