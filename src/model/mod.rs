//! The Rust core: Qt's TLS value types as safe, implicitly shared Rust values.
//!
//! Each type is a Qt value: `Clone` is Qt's copy (O(1), reference counted) and
//! a write to a copy detaches it. Enum values are Qt 6's numbers.

pub mod backend;
pub mod bytes;
pub mod cert;
pub mod cipher;
pub mod config;
pub(crate) mod context_inputs;
pub(crate) mod cow;
pub mod curve;
pub mod dh;
pub mod enums;
pub mod key;
pub mod psk;
pub mod server;
pub mod ssl_error;
pub mod system_ca;
