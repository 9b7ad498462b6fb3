//! The C face of qssl: `extern "C"` functions over opaque handles.
//!
//! This is the only layer with raw pointers. Every exported function runs its
//! body inside one of the boundary helpers of [`boundary`], which catch panics,
//! map errors to `qssl_status_t`, record the thread's last error message and
//! drain the OpenSSL error queue. One file per handle type.

#![allow(non_camel_case_types)]
// Every export shares one safety contract (valid or NULL pointers, lengths that
// match, no aliasing of written handles), stated once in the header preamble
// and in docs/API.md rather than on each of the functions.
#![allow(clippy::missing_safety_doc)]

pub mod boundary;
pub mod bytes;
pub mod bytes_list;
pub mod enums;
pub mod handle;
pub(crate) mod lifecycle;
pub(crate) mod list;
pub mod status;
pub mod version;

pub mod cert;
pub mod cipher;
pub mod config;
pub mod conn;
pub mod curve;
pub mod dh;
pub mod dtls;
pub mod key;
pub mod psk;
pub mod server;
pub mod socket;
pub mod ssl_error;
