//! qssl: Qt's TLS configuration model on OpenSSL 3, with a C ABI.
//!
//! The crate has two layers:
//!
//! * [`model`]: safe Rust types mirroring Qt's classes (`SslConfiguration`,
//!   `PskAuthenticator`, `Certificate`, `Key`, `Cipher`, ...), implicitly shared
//!   with copy-on-write, with Qt's defaults and semantics.
//! * `ffi`: the C face, `extern "C"` functions over opaque handles. Its header,
//!   `include/qssl.h`, is generated from these sources by cbindgen.
//!
//! `ossl` holds the few direct calls into `openssl-sys` that the `openssl`
//! crate's safe wrappers do not cover.

/// The connection engine (not part of the C header).
///
/// cbindgen:ignore
pub mod engine;
pub mod error;
pub mod ffi;
/// The safe Rust core (not part of the C header).
///
/// cbindgen:ignore
pub mod model;
/// cbindgen:ignore
mod ossl;

pub use error::{Error, Result};
