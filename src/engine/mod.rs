//! The connection engine: builds OpenSSL contexts from configurations (once
//! per configuration and side), drives handshakes over a socket or memory
//! transport, runs the PSK callbacks, and brings the session state back into
//! a configuration.

pub mod callbacks;
pub mod conn;
pub mod context;
pub mod dtls;
pub mod server;
pub mod transport;
pub mod verify;

pub use conn::{Connection, Mode};
