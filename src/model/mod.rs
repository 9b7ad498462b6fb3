//! The Rust core: Qt's TLS value types as safe, implicitly shared Rust values.
pub mod bytes;
