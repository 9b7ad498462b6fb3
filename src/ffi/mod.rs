//! The C face of qssl: `extern "C"` functions over opaque handles.
//!
//! This is the only layer with raw pointers. Every exported function runs its
//! body inside one of the boundary helpers of [`boundary`], which catch panics,
//! map errors to `qssl_status_t`, record the thread's last error message and
//! drain the OpenSSL error queue.

pub mod boundary;
pub mod bytes;
pub mod handle;
pub mod status;
pub mod version;
