//! `qssl_dtls_t` (QDtls) and `qssl_dtls_verifier_t` (QDtlsClientVerifier):
//! DTLS 1.2 over the same configurations as TLS.
//!
//! Where Qt passes a `QUdpSocket *`, these functions take `int fd`: a UDP
//! socket the application owns (qssl only sends on it, to the peer address
//! set with qssl_dtls_set_peer(), or on the connected socket when none is
//! set), or -1 for the memory transport, where the datagrams to send queue
//! up in the handle and the application takes them with
//! qssl_dtls_take_datagram(). As in Qt, the application receives every
//! datagram itself and hands it in.

use std::ffi::{c_char, c_void};
use std::net::IpAddr;
use std::sync::Arc;

use super::boundary;
use super::bytes::{bytes_out, slice_in, str_in, text_out};
use super::cipher::qssl_cipher_t;
use super::config::qssl_config_t;
use super::enums::*;
use super::handle::{borrow, borrow_mut, handle, into_raw, reset_out, write_out};
use super::list::{ListStore, array_in};
use super::psk::{CPskHandler, qssl_psk_callback_t};
use super::ssl_error::{qssl_ssl_error_list_t, qssl_ssl_error_t};
use super::status::qssl_status_t;
use crate::Error;
use crate::engine::Mode;
use crate::engine::dtls::{CookieParams, Dtls, Io, Verifier};

/// A QDtlsError value (Qt's numbers).
pub type qssl_dtls_error_t = i32;

/// No error occurred; the last operation succeeded (QDtlsError::NoError).
pub const QSSL_DTLS_ERROR_NO_ERROR: qssl_dtls_error_t = 0;
/// The caller's input was invalid (QDtlsError::InvalidInputParameters).
pub const QSSL_DTLS_ERROR_INVALID_INPUT_PARAMETERS: qssl_dtls_error_t = 1;
/// The operation is not allowed in the current state (QDtlsError::InvalidOperation).
pub const QSSL_DTLS_ERROR_INVALID_OPERATION: qssl_dtls_error_t = 2;
/// Sending on the socket failed (QDtlsError::UnderlyingSocketError).
pub const QSSL_DTLS_ERROR_UNDERLYING_SOCKET_ERROR: qssl_dtls_error_t = 3;
/// The peer sent close_notify (QDtlsError::RemoteClosedConnectionError).
pub const QSSL_DTLS_ERROR_REMOTE_CLOSED_CONNECTION_ERROR: qssl_dtls_error_t = 4;
/// The peer's identity could not be verified (QDtlsError::PeerVerificationError).
pub const QSSL_DTLS_ERROR_PEER_VERIFICATION_ERROR: qssl_dtls_error_t = 5;
/// The TLS context or session could not be set up (QDtlsError::TlsInitializationError).
pub const QSSL_DTLS_ERROR_TLS_INITIALIZATION_ERROR: qssl_dtls_error_t = 6;
/// The handshake failed (QDtlsError::TlsFatalError).
pub const QSSL_DTLS_ERROR_TLS_FATAL_ERROR: qssl_dtls_error_t = 7;
/// Encrypting or decrypting one datagram failed; the connection goes on
/// (QDtlsError::TlsNonFatalError).
pub const QSSL_DTLS_ERROR_TLS_NON_FATAL_ERROR: qssl_dtls_error_t = 8;

/// A QDtls::HandshakeState value (Qt's numbers).
pub type qssl_dtls_handshake_state_t = i32;

/// No handshake yet, or the last one ended (QDtls::HandshakeNotStarted).
pub const QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_NOT_STARTED: qssl_dtls_handshake_state_t = 0;
/// A handshake is running (QDtls::HandshakeInProgress).
pub const QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_IN_PROGRESS: qssl_dtls_handshake_state_t = 1;
/// The handshake finished but the peer did not verify
/// (QDtls::PeerVerificationFailed): ignore the errors and resume, or abort.
pub const QSSL_DTLS_HANDSHAKE_STATE_PEER_VERIFICATION_FAILED: qssl_dtls_handshake_state_t = 2;
/// The connection is encrypted (QDtls::HandshakeComplete).
pub const QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_COMPLETE: qssl_dtls_handshake_state_t = 3;

/// A QCryptographicHash::Algorithm value, for the cookie HMAC. Qt's numbers;
/// the constants below are the ones qssl computes (others are refused).
pub type qssl_cryptographic_hash_algorithm_t = i32;

/// MD5 (QCryptographicHash::Md5).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_MD5: qssl_cryptographic_hash_algorithm_t = 1;
/// SHA-1, the cookie default (QCryptographicHash::Sha1).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA1: qssl_cryptographic_hash_algorithm_t = 2;
/// SHA-224 (QCryptographicHash::Sha224).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA224: qssl_cryptographic_hash_algorithm_t = 3;
/// SHA-256 (QCryptographicHash::Sha256).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA256: qssl_cryptographic_hash_algorithm_t = 4;
/// SHA-384 (QCryptographicHash::Sha384).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA384: qssl_cryptographic_hash_algorithm_t = 5;
/// SHA-512 (QCryptographicHash::Sha512).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA512: qssl_cryptographic_hash_algorithm_t = 6;
/// SHA3-224 (QCryptographicHash::RealSha3_224).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_REAL_SHA3_224: qssl_cryptographic_hash_algorithm_t = 11;
/// SHA3-256 (QCryptographicHash::RealSha3_256).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_REAL_SHA3_256: qssl_cryptographic_hash_algorithm_t = 12;
/// SHA3-384 (QCryptographicHash::RealSha3_384).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_REAL_SHA3_384: qssl_cryptographic_hash_algorithm_t = 13;
/// SHA3-512 (QCryptographicHash::RealSha3_512).
pub const QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_REAL_SHA3_512: qssl_cryptographic_hash_algorithm_t = 14;

handle! {
    /// A DTLS connection handle. Declared in the header preamble.
    pub struct qssl_dtls_t(Dtls): Unique {
        const DROP_QUEUES_ERRORS: bool = true;
    };
}

handle! {
    /// A DTLS client verifier handle. Declared in the header preamble.
    pub struct qssl_dtls_verifier_t(Verifier): Unique {
        const DROP_QUEUES_ERRORS: bool = true;
    };
}

unsafe fn dtls_mut<'a>(d: *mut qssl_dtls_t) -> Result<&'a mut Dtls, Error> {
    // SAFETY: forwarded caller guarantee.
    Ok(&mut unsafe { borrow_mut(d, "dtls") }?.0)
}

unsafe fn dtls_ref<'a>(d: *const qssl_dtls_t) -> Result<&'a Dtls, Error> {
    // SAFETY: forwarded caller guarantee.
    Ok(&unsafe { borrow(d, "dtls") }?.0)
}

unsafe fn verifier_mut<'a>(v: *mut qssl_dtls_verifier_t) -> Result<&'a mut Verifier, Error> {
    // SAFETY: forwarded caller guarantee.
    Ok(&mut unsafe { borrow_mut(v, "verifier") }?.0)
}

unsafe fn verifier_ref<'a>(v: *const qssl_dtls_verifier_t) -> Result<&'a Verifier, Error> {
    // SAFETY: forwarded caller guarantee.
    Ok(&unsafe { borrow(v, "verifier") }?.0)
}

fn io_in(fd: i32) -> Result<Io, Error> {
    match fd {
        -1 => Ok(Io::Memory),
        fd if fd >= 0 => Ok(Io::Fd(fd)),
        fd => Err(Error::invalid(format!(
            "invalid file descriptor {fd} (-1 selects the memory transport)"
        ))),
    }
}

fn address_in(a: &str) -> Result<IpAddr, Error> {
    a.parse::<IpAddr>().map_err(|_| {
        Error::invalid(format!(
            "'{a}' is not an IPv4 or IPv6 address (host names are not resolved)"
        ))
    })
}

unsafe fn params_in(
    hash: qssl_cryptographic_hash_algorithm_t,
    secret: *const u8,
    len: usize,
) -> Result<CookieParams, Error> {
    // SAFETY: (secret, len) readable per the contract.
    let s = unsafe { slice_in(secret, len, "secret") }?;
    CookieParams::new(hash, s)
}

/// Writes a datagram out of a queue: BUFFER_TOO_SMALL leaves it queued.
unsafe fn datagram_out(
    next: Option<&[u8]>,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> Result<bool, Error> {
    let Some(d) = next else {
        if out_len.is_null() {
            return Err(Error::NullArgument("out_len"));
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_len = 0 };
        return Ok(false);
    };
    // SAFETY: forwarded caller guarantee.
    unsafe { bytes_out(d, buf, cap, out_len) }?;
    Ok(true)
}

// ---- QDtls ---------------------------------------------------------------------

/// Creates a DTLS connection for `mode` (QSSL_SSL_MODE_SSL_CLIENT_MODE or
/// QSSL_SSL_MODE_SSL_SERVER_MODE) with the default DTLS configuration
/// (qssl_config_default_dtls_configuration()) and Qt's default cookie
/// parameters (SHA-1 and a secret drawn once per process, so a verifier and
/// a server left at their defaults agree). Free it with qssl_dtls_free().
/// Errors: NULL_ARGUMENT (NULL `out`), INVALID_ARGUMENT (`mode` is not a
/// client or server mode).
/// Qt: QDtls::QDtls(QSslSocket::SslMode).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_new(
    mode: qssl_ssl_mode_t,
    out: *mut *mut qssl_dtls_t,
) -> qssl_status_t {
    boundary::status("qssl_dtls_new", || {
        // SAFETY: NULL or a writable pointer.
        unsafe { reset_out(out, "out") }?;
        let m = match mode {
            QSSL_SSL_MODE_SSL_CLIENT_MODE => Mode::Client,
            QSSL_SSL_MODE_SSL_SERVER_MODE => Mode::Server,
            m => return Err(Error::invalid(format!("{m} is not a DTLS side"))),
        };
        // SAFETY: checked above.
        unsafe { write_out(out, qssl_dtls_t(Dtls::new(m))) };
        Ok(())
    })
}

/// Frees a DTLS connection; NULL is a no-op. Nothing is sent (call
/// qssl_dtls_shutdown() first for a close_notify); the socket is not closed.
/// Qt: QDtls::~QDtls().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_free(dtls: *mut qssl_dtls_t) {
    // SAFETY: the C contract: NULL or a live handle from qssl.
    unsafe { super::lifecycle::free("qssl_dtls_free", dtls) }
}

/// The side; NULL gives QSSL_SSL_MODE_UNENCRYPTED_MODE. Qt: QDtls::sslMode().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_ssl_mode(dtls: *const qssl_dtls_t) -> qssl_ssl_mode_t {
    boundary::value("qssl_dtls_ssl_mode", QSSL_SSL_MODE_UNENCRYPTED_MODE, || {
        // SAFETY: NULL or a live handle.
        Ok(match unsafe { dtls_ref(dtls) }?.mode() {
            Mode::Client => QSSL_SSL_MODE_SSL_CLIENT_MODE,
            Mode::Server => QSSL_SSL_MODE_SSL_SERVER_MODE,
        })
    })
}

/// Sets the peer: an IPv4 or IPv6 address in text form (not a host name),
/// a port, and the name to check the peer's certificate against
/// (`verification_name` NULL or "": the address). Datagrams for an fd
/// transport are sent to this address. Only before the handshake
/// (INVALID_STATE, QDtlsError InvalidOperation); an unspecified, broadcast or
/// multicast address is INVALID_ARGUMENT (InvalidInputParameters).
/// Qt: QDtls::setPeer().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_set_peer(
    dtls: *mut qssl_dtls_t,
    address: *const c_char,
    port: u16,
    verification_name: *const c_char,
) -> qssl_status_t {
    boundary::status("qssl_dtls_set_peer", || {
        // SAFETY: NULL or a live handle; C strings.
        let (d, a) = unsafe { (dtls_mut(dtls)?, str_in(address, "address")?) };
        let name = if verification_name.is_null() {
            ""
        } else {
            // SAFETY: a C string.
            unsafe { str_in(verification_name, "verification_name") }?
        };
        let addr = address_in(a)?;
        d.set_peer(addr, port, name)
    })
}

/// Sets the name to check the peer's certificate against (and, on a
/// client, the SNI name unless it is an IP address). Only before the
/// Errors: NULL_ARGUMENT (NULL handle or `name`), INVALID_ARGUMENT (invalid
/// UTF-8), INVALID_STATE (the handshake has started).
/// handshake. Qt: QDtls::setPeerVerificationName().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_set_peer_verification_name(
    dtls: *mut qssl_dtls_t,
    name: *const c_char,
) -> qssl_status_t {
    boundary::status("qssl_dtls_set_peer_verification_name", || {
        // SAFETY: NULL or a live handle; a C string.
        let (d, n) = unsafe { (dtls_mut(dtls)?, str_in(name, "name")?) };
        d.set_peer_verification_name(n)
    })
}

/// Writes the peer's address as text ("" until set). Text out.
/// Errors: NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf` with
/// room needed), BUFFER_TOO_SMALL.
/// Qt: QDtls::peerAddress().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_peer_address(
    dtls: *const qssl_dtls_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_peer_address", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        let d = unsafe { dtls_ref(dtls) }?;
        let a = d.peer().map(|p| p.ip().to_string()).unwrap_or_default();
        // SAFETY: out params per the contract.
        unsafe { text_out(&a, buf, cap, out_len) }
    })
}

/// The peer's port (0 until set or for NULL). Qt: QDtls::peerPort().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_peer_port(dtls: *const qssl_dtls_t) -> u16 {
    boundary::value("qssl_dtls_peer_port", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { dtls_ref(dtls) }?.peer().map_or(0, |p| p.port()))
    })
}

/// Writes the peer verification name ("" if none). Text out.
/// Errors: NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf` with
/// room needed), BUFFER_TOO_SMALL.
/// Qt: QDtls::peerVerificationName().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_peer_verification_name(
    dtls: *const qssl_dtls_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_peer_verification_name", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe { text_out(&dtls_ref(dtls)?.peer_verification_name(), buf, cap, out_len) }
    })
}

/// Sets the MTU: the largest datagram payload qssl sends (0: qssl's
/// default, 1452 bytes, what fits a 1500-byte link under IPv6 and UDP). A
/// value below OpenSSL's minimum fails the handshake start with
/// INVALID_ARGUMENT. Qt: QDtls::setMtuHint().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_set_mtu_hint(
    dtls: *mut qssl_dtls_t,
    mtu_hint: u16,
) -> qssl_status_t {
    boundary::status("qssl_dtls_set_mtu_hint", || {
        // SAFETY: NULL or a live handle.
        unsafe { dtls_mut(dtls) }?.set_mtu_hint(mtu_hint);
        Ok(())
    })
}

/// The MTU hint (0: the default; 0 for NULL). Qt: QDtls::mtuHint().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_mtu_hint(dtls: *const qssl_dtls_t) -> u16 {
    boundary::value("qssl_dtls_mtu_hint", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { dtls_ref(dtls) }?.mtu_hint())
    })
}

/// Sets the cookie parameters a server checks ClientHello cookies with:
/// the hash (a QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_* value) and a non-empty
/// secret (copied, wiped when replaced or freed). Use the same parameters
/// as the qssl_dtls_verifier_t in front of this server. Only before the
/// Errors: NULL_ARGUMENT (NULL handle, or NULL `secret` with a length),
/// INVALID_ARGUMENT (a hash qssl cannot compute, an empty secret),
/// INVALID_STATE (the handshake has started).
/// handshake. Qt: QDtls::setCookieGeneratorParameters().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_set_cookie_generator_parameters(
    dtls: *mut qssl_dtls_t,
    hash: qssl_cryptographic_hash_algorithm_t,
    secret: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_set_cookie_generator_parameters", || {
        // SAFETY: NULL or a live handle; (secret, len) readable.
        let (d, p) = unsafe { (dtls_mut(dtls)?, params_in(hash, secret, len)?) };
        d.set_cookie_generator_parameters(p)
    })
}

/// Writes the cookie hash to `*out_hash` and the secret as bytes out
/// Errors: NULL_ARGUMENT (NULL handle, `out_hash` or `out_len`),
/// BUFFER_TOO_SMALL.
/// (`secret`, `cap`, `out_len`). Qt: QDtls::cookieGeneratorParameters().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_cookie_generator_parameters(
    dtls: *const qssl_dtls_t,
    out_hash: *mut qssl_cryptographic_hash_algorithm_t,
    secret: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_cookie_generator_parameters", || {
        if out_hash.is_null() {
            return Err(Error::NullArgument("out_hash"));
        }
        // SAFETY: NULL or a live handle.
        let p = unsafe { dtls_ref(dtls) }?.cookie_generator_parameters();
        // SAFETY: checked non-NULL; out params per the contract.
        unsafe {
            *out_hash = p.hash;
            bytes_out(p.secret(), secret, cap, out_len)
        }
    })
}

/// Sets the configuration (copied, O(1)). It must be a DTLS configuration
/// (protocol DtlsV1_2, DtlsV1_2OrLater, DtlsV1_0 or DtlsV1_0OrLater):
/// a TLS one is INVALID_ARGUMENT (InvalidInputParameters), before any I/O.
/// Only before the handshake. Every setting that applies to DTLS takes
/// effect: protocol bounds, ciphers, CA certificates, verify mode and depth,
/// local certificate and key, curves, PSK callback and hint, and
/// dtlsCookieVerificationEnabled on servers. Qt: QDtls::setDtlsConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_set_dtls_configuration(
    dtls: *mut qssl_dtls_t,
    cfg: *const qssl_config_t,
) -> qssl_status_t {
    boundary::status("qssl_dtls_set_dtls_configuration", || {
        // SAFETY: NULL or live handles.
        let (d, c) = unsafe { (dtls_mut(dtls)?, borrow(cfg, "cfg")?) };
        d.set_dtls_configuration(&c.0)
    })
}

/// A new configuration handle: the one set, with the session state (peer
/// certificate and chain, cipher, protocol) once the connection is
/// Free it with qssl_config_free().
/// encrypted. NULL for NULL. Qt: QDtls::dtlsConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_dtls_configuration(
    dtls: *const qssl_dtls_t,
) -> *mut qssl_config_t {
    boundary::pointer("qssl_dtls_dtls_configuration", || {
        // SAFETY: NULL or a live handle.
        let d = unsafe { dtls_ref(dtls) }?;
        Ok(into_raw(qssl_config_t(d.dtls_configuration())))
    })
}

/// Registers a PSK callback for this connection only; it takes precedence
/// over the configuration's. Same contract as qssl_conn_set_psk_callback().
/// Errors: NULL_ARGUMENT (NULL `dtls`), INVALID_STATE (the handshake has
/// started).
/// Only before the handshake. Qt: QDtls::pskRequired (a signal).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_set_psk_callback(
    dtls: *mut qssl_dtls_t,
    callback: qssl_psk_callback_t,
    user_data: *mut c_void,
    user_data_free: Option<unsafe extern "C" fn(*mut c_void)>,
) -> qssl_status_t {
    boundary::status("qssl_dtls_set_psk_callback", || {
        let handler = CPskHandler::new(callback, user_data, user_data_free);
        // SAFETY: NULL or a live handle.
        let d = unsafe { dtls_mut(dtls) }?;
        d.set_psk_handler(handler.map(|h| Arc::new(h) as _))
    })
}

/// The handshake state (a QSSL_DTLS_HANDSHAKE_STATE_* value; NOT_STARTED for
/// NULL). Qt: QDtls::handshakeState().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_handshake_state(
    dtls: *const qssl_dtls_t,
) -> qssl_dtls_handshake_state_t {
    boundary::value(
        "qssl_dtls_handshake_state",
        QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_NOT_STARTED,
        || {
            // SAFETY: NULL or a live handle.
            Ok(unsafe { dtls_ref(dtls) }?.handshake_state())
        },
    )
}

/// Starts or continues the handshake. A client starts with no datagram
/// (`dgram` NULL, `len` 0) and sends its ClientHello; a server starts with
/// the client's ClientHello (the verified hello, when cookie verification
/// is enabled: a hello without a valid cookie is answered with a
/// HelloVerifyRequest and the state stays NOT_STARTED, keeping nothing).
/// Afterwards, pass each datagram received from the peer. `fd` is the UDP
/// socket, or -1 for the memory transport. Invalid datagrams are dropped.
/// Returns OK (see qssl_dtls_handshake_state() for progress) or an error:
/// VERIFICATION_FAILED (state PEER_VERIFICATION_FAILED: see
/// qssl_dtls_peer_verification_errors(), then qssl_dtls_resume_handshake() or
/// qssl_dtls_abort_handshake()), TLS (handshake failure; the state returns to
/// NOT_STARTED), CALLBACK_REFUSED, IO (sending failed), INVALID_STATE,
/// INVALID_ARGUMENT. qssl_dtls_dtls_error() gives the QDtlsError.
/// Qt: QDtls::doHandshake().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_do_handshake(
    dtls: *mut qssl_dtls_t,
    fd: i32,
    dgram: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_do_handshake", || {
        // SAFETY: NULL or a live handle; (dgram, len) readable.
        let (d, g) = unsafe { (dtls_mut(dtls)?, slice_in(dgram, len, "dgram")?) };
        d.do_handshake(io_in(fd)?, g)
    })
}

/// Retransmits the last handshake flight if its time-out passed (see
/// qssl_dtls_next_timeout_ms()); `*out_retransmitted` (may be NULL) tells
/// whether it did. After too many time-outs the handshake fails with TLS.
/// INVALID_STATE without a handshake. Qt: QDtls::handleTimeout().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_handle_timeout(
    dtls: *mut qssl_dtls_t,
    fd: i32,
    out_retransmitted: *mut bool,
) -> qssl_status_t {
    boundary::status("qssl_dtls_handle_timeout", || {
        if !out_retransmitted.is_null() {
            // SAFETY: non-NULL, writable per the contract.
            unsafe { *out_retransmitted = false };
        }
        // SAFETY: NULL or a live handle.
        let r = unsafe { dtls_mut(dtls) }?.handle_timeout(io_in(fd)?)?;
        if !out_retransmitted.is_null() {
            // SAFETY: as above.
            unsafe { *out_retransmitted = r };
        }
        Ok(())
    })
}

/// Writes the milliseconds until the next retransmission deadline to
/// `*out_ms` (0: it has passed, call qssl_dtls_handle_timeout() now), or -1
/// Errors: NULL_ARGUMENT (NULL handle or `out_ms`).
/// when no handshake timer runs. Beyond Qt (Qt runs the timer itself and
/// emits QDtls::handshakeTimeout).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_next_timeout_ms(
    dtls: *const qssl_dtls_t,
    out_ms: *mut i64,
) -> qssl_status_t {
    boundary::status("qssl_dtls_next_timeout_ms", || {
        if out_ms.is_null() {
            return Err(Error::NullArgument("out_ms"));
        }
        // SAFETY: NULL or a live handle.
        let t = unsafe { dtls_ref(dtls) }?.next_timeout();
        let ms = t.map_or(-1, |t| t.as_millis().min(i64::MAX as u128) as i64);
        // SAFETY: checked non-NULL.
        unsafe { *out_ms = ms };
        Ok(())
    })
}

/// Sets the first retransmission time-out in milliseconds (1..=60000;
/// Errors: NULL_ARGUMENT (NULL `dtls`), INVALID_ARGUMENT (outside
/// 1..=60000), INVALID_STATE (the handshake has started).
/// default 1000, doubling up to 60 s). Only before the handshake. Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_set_initial_timeout_ms(
    dtls: *mut qssl_dtls_t,
    ms: u32,
) -> qssl_status_t {
    boundary::status("qssl_dtls_set_initial_timeout_ms", || {
        // SAFETY: NULL or a live handle.
        unsafe { dtls_mut(dtls) }?.set_initial_timeout_ms(ms)
    })
}

/// After PEER_VERIFICATION_FAILED, with the errors ignored
/// (qssl_dtls_ignore_verification_errors()), completes the handshake;
/// otherwise VERIFICATION_FAILED again. `fd` is unused (kept for Qt's
/// shape). Qt: QDtls::resumeHandshake().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_resume_handshake(
    dtls: *mut qssl_dtls_t,
    fd: i32,
) -> qssl_status_t {
    boundary::status("qssl_dtls_resume_handshake", || {
        io_in(fd)?;
        // SAFETY: NULL or a live handle.
        unsafe { dtls_mut(dtls) }?.resume_handshake()
    })
}

/// Drops a handshake in progress or stopped by verification errors (then a
/// close_notify tells the peer); the state returns to NOT_STARTED.
/// INVALID_STATE otherwise. Qt: QDtls::abortHandshake().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_abort_handshake(
    dtls: *mut qssl_dtls_t,
    fd: i32,
) -> qssl_status_t {
    boundary::status("qssl_dtls_abort_handshake", || {
        // SAFETY: NULL or a live handle.
        unsafe { dtls_mut(dtls) }?.abort_handshake(io_in(fd)?)
    })
}

/// Sends close_notify and ends the connection (state NOT_STARTED).
/// INVALID_STATE when not encrypted. Qt: QDtls::shutdown().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_shutdown(dtls: *mut qssl_dtls_t, fd: i32) -> qssl_status_t {
    boundary::status("qssl_dtls_shutdown", || {
        // SAFETY: NULL or a live handle.
        unsafe { dtls_mut(dtls) }?.shutdown(io_in(fd)?)
    })
}

/// True once the handshake completed (and until shutdown or the peer's
/// close_notify); false for NULL. Qt: QDtls::isConnectionEncrypted().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_is_connection_encrypted(dtls: *const qssl_dtls_t) -> bool {
    boundary::value("qssl_dtls_is_connection_encrypted", false, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { dtls_ref(dtls) }?.is_connection_encrypted())
    })
}

/// The session's cipher (a null cipher unless encrypted); NULL for NULL.
/// Free it with qssl_cipher_free().
/// Qt: QDtls::sessionCipher().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_session_cipher(dtls: *const qssl_dtls_t) -> *mut qssl_cipher_t {
    boundary::pointer("qssl_dtls_session_cipher", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_cipher_t(
            unsafe { dtls_ref(dtls) }?.session_cipher(),
        )))
    })
}

/// The session's protocol (QSSL_SSL_PROTOCOL_DTLS_V1_2 once encrypted, -1
/// otherwise). Qt: QDtls::sessionProtocol().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_session_protocol(
    dtls: *const qssl_dtls_t,
) -> qssl_ssl_protocol_t {
    boundary::value(
        "qssl_dtls_session_protocol",
        QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL,
        || {
            // SAFETY: NULL or a live handle.
            Ok(unsafe { dtls_ref(dtls) }?.session_protocol())
        },
    )
}

/// The largest payload qssl_dtls_write_datagram_encrypted() accepts (the
/// MTU less the record overhead of the session's cipher); 0 unless
/// encrypted. Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_data_mtu(dtls: *const qssl_dtls_t) -> usize {
    boundary::value("qssl_dtls_data_mtu", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { dtls_ref(dtls) }?.data_mtu())
    })
}

/// Encrypts `(data, len)` into one record in one datagram and sends it;
/// `*out_written` receives `len` on OK, 0 otherwise. A payload larger than
/// qssl_dtls_data_mtu() is refused with INVALID_ARGUMENT
/// (InvalidInputParameters) and nothing is sent. INVALID_STATE unless
/// encrypted. Qt: QDtls::writeDatagramEncrypted().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_write_datagram_encrypted(
    dtls: *mut qssl_dtls_t,
    fd: i32,
    data: *const u8,
    len: usize,
    out_written: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_write_datagram_encrypted", || {
        if out_written.is_null() {
            return Err(Error::NullArgument("out_written"));
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_written = 0 };
        // SAFETY: NULL or a live handle; (data, len) readable.
        let (d, b) = unsafe { (dtls_mut(dtls)?, slice_in(data, len, "data")?) };
        let n = d.write_datagram_encrypted(io_in(fd)?, b)?;
        // SAFETY: checked non-NULL.
        unsafe { *out_written = n };
        Ok(())
    })
}

/// Decrypts one datagram received from the peer into `(buf, cap)` and
/// writes the plaintext length to `*out_len` (0 for a datagram without
/// application data, such as a retransmitted handshake message, or one
/// dropped as invalid). The plaintext is never longer than the datagram:
/// `cap` must be at least `len` (else BUFFER_TOO_SMALL with `*out_len` =
/// `len`, and the datagram is not consumed). CLOSED
/// (RemoteClosedConnectionError) when the peer sent close_notify;
/// INVALID_STATE unless encrypted. Qt: QDtls::decryptDatagram().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_decrypt_datagram(
    dtls: *mut qssl_dtls_t,
    fd: i32,
    dgram: *const u8,
    len: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_decrypt_datagram", || {
        if out_len.is_null() {
            return Err(Error::NullArgument("out_len"));
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_len = 0 };
        // SAFETY: NULL or a live handle; (dgram, len) readable.
        let (d, g) = unsafe { (dtls_mut(dtls)?, slice_in(dgram, len, "dgram")?) };
        if cap < g.len() {
            // SAFETY: checked non-NULL.
            unsafe { *out_len = g.len() };
            return Err(Error::BufferTooSmall {
                needed: g.len(),
                capacity: cap,
            });
        }
        let plain = d.decrypt_datagram(io_in(fd)?, g)?;
        // SAFETY: out params per the contract; cap >= len >= plain.len().
        unsafe { bytes_out(&plain, buf, cap, out_len) }
    })
}

/// The QDtlsError of the last operation (QSSL_DTLS_ERROR_NO_ERROR after a
/// success; NO_ERROR for NULL). Qt: QDtls::dtlsError().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_dtls_error(dtls: *const qssl_dtls_t) -> qssl_dtls_error_t {
    boundary::value("qssl_dtls_dtls_error", QSSL_DTLS_ERROR_NO_ERROR, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { dtls_ref(dtls) }?.dtls_error())
    })
}

/// Writes the last operation's error message ("" after a success). Text
/// Errors: NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf` with
/// room needed), BUFFER_TOO_SMALL.
/// out. Qt: QDtls::dtlsErrorString().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_dtls_error_string(
    dtls: *const qssl_dtls_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_dtls_error_string", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe { text_out(dtls_ref(dtls)?.dtls_error_string(), buf, cap, out_len) }
    })
}

/// The errors found verifying the peer in the last handshake (Qt's order);
/// Free it with qssl_ssl_error_list_free().
/// a new list to free. NULL for NULL. Qt: QDtls::peerVerificationErrors().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_peer_verification_errors(
    dtls: *const qssl_dtls_t,
) -> *mut qssl_ssl_error_list_t {
    boundary::pointer("qssl_dtls_peer_verification_errors", || {
        // SAFETY: NULL or a live handle.
        let v = unsafe { dtls_ref(dtls) }?
            .peer_verification_errors()
            .to_vec();
        Ok(into_raw(qssl_ssl_error_list_t(ListStore::new(v.into()))))
    })
}

/// Ignore exactly these errors (code, and certificate unless null) in the
/// handshake, or when resuming after PEER_VERIFICATION_FAILED. Replaces the
/// Errors: NULL_ARGUMENT (NULL `dtls`, or NULL `errors` with a count),
/// INVALID_ARGUMENT (an entry is NULL, or the count is impossible).
/// previous list. Qt: QDtls::ignoreVerificationErrors().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_ignore_verification_errors(
    dtls: *mut qssl_dtls_t,
    errors: *const *const qssl_ssl_error_t,
    n: usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_ignore_verification_errors", || {
        // SAFETY: NULL or a live handle; `errors` holds n handles.
        let (d, v) = unsafe {
            (
                dtls_mut(dtls)?,
                array_in::<_, qssl_ssl_error_t>(errors, n, "errors")?,
            )
        };
        d.ignore_verification_errors(v);
        Ok(())
    })
}

/// Memory transport: moves the next datagram to send to the peer into
/// `(buf, cap)` (bytes out; `*out_len` 0 when none is waiting). If `cap` is
/// too small: BUFFER_TOO_SMALL, and the datagram stays queued. Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_take_datagram(
    dtls: *mut qssl_dtls_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_take_datagram", || {
        // SAFETY: NULL or a live handle.
        let d = unsafe { dtls_mut(dtls) }?;
        // SAFETY: out params per the contract.
        let taken = unsafe { datagram_out(d.peek_datagram(), buf, cap, out_len) }?;
        if taken {
            d.take_datagram();
        }
        Ok(())
    })
}

/// Memory transport: how many datagrams wait to be sent (0 for NULL).
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_pending_datagrams(dtls: *const qssl_dtls_t) -> usize {
    boundary::value("qssl_dtls_pending_datagrams", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { dtls_ref(dtls) }?.pending_datagrams())
    })
}

// ---- QDtlsClientVerifier -----------------------------------------------------------

/// Creates a verifier with Qt's default cookie parameters (SHA-1 and the
/// process-wide random secret). Free it with qssl_dtls_verifier_free().
/// Errors: NULL_ARGUMENT (NULL `out`).
/// Qt: QDtlsClientVerifier::QDtlsClientVerifier().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_new(
    out: *mut *mut qssl_dtls_verifier_t,
) -> qssl_status_t {
    boundary::status("qssl_dtls_verifier_new", || {
        // SAFETY: NULL or a writable pointer.
        unsafe { reset_out(out, "out") }?;
        // SAFETY: checked above.
        unsafe { write_out(out, qssl_dtls_verifier_t(Verifier::new())) };
        Ok(())
    })
}

/// Frees a verifier; NULL is a no-op. Qt: QDtlsClientVerifier::~QDtlsClientVerifier().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_free(verifier: *mut qssl_dtls_verifier_t) {
    // SAFETY: the C contract: NULL or a live handle from qssl.
    unsafe { super::lifecycle::free("qssl_dtls_verifier_free", verifier) }
}

/// Sets the cookie hash and a non-empty secret (copied, wiped when replaced
/// Errors: NULL_ARGUMENT (NULL handle, or NULL `secret` with a length),
/// INVALID_ARGUMENT (a hash qssl cannot compute, an empty secret).
/// or freed). Qt: QDtlsClientVerifier::setCookieGeneratorParameters().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_set_cookie_generator_parameters(
    verifier: *mut qssl_dtls_verifier_t,
    hash: qssl_cryptographic_hash_algorithm_t,
    secret: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_verifier_set_cookie_generator_parameters", || {
        // SAFETY: NULL or a live handle; (secret, len) readable.
        let (v, p) = unsafe { (verifier_mut(verifier)?, params_in(hash, secret, len)?) };
        v.set_cookie_generator_parameters(p);
        Ok(())
    })
}

/// Writes the cookie hash to `*out_hash` and the secret as bytes out.
/// Errors: NULL_ARGUMENT (NULL handle, `out_hash` or `out_len`),
/// BUFFER_TOO_SMALL.
/// Qt: QDtlsClientVerifier::cookieGeneratorParameters().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_cookie_generator_parameters(
    verifier: *const qssl_dtls_verifier_t,
    out_hash: *mut qssl_cryptographic_hash_algorithm_t,
    secret: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_verifier_cookie_generator_parameters", || {
        if out_hash.is_null() {
            return Err(Error::NullArgument("out_hash"));
        }
        // SAFETY: NULL or a live handle.
        let p = unsafe { verifier_ref(verifier) }?.cookie_generator_parameters();
        // SAFETY: checked non-NULL; out params per the contract.
        unsafe {
            *out_hash = p.hash;
            bytes_out(p.secret(), secret, cap, out_len)
        }
    })
}

/// Checks a datagram from `address`:`port` (IPv4 or IPv6 text). A
/// ClientHello with a valid cookie sets `*out_verified` true; it is then
/// the verified hello (qssl_dtls_verifier_verified_hello()) to start a
/// server qssl_dtls_t with. A ClientHello without a valid cookie is
/// answered with a HelloVerifyRequest (sent on `fd`, or queued for
/// qssl_dtls_verifier_take_datagram() when `fd` is -1) and anything else is
/// dropped: `*out_verified` false, and nothing is kept for that client.
/// Errors: NULL_ARGUMENT (NULL handle, `address` or `out_verified`, or
/// NULL `dgram` with a length), INVALID_ARGUMENT (an empty datagram, `fd`
/// below -1, an address that is not IPv4/IPv6 text or is unspecified,
/// broadcast or multicast), IO (sending the HelloVerifyRequest failed).
/// Qt: QDtlsClientVerifier::verifyClient().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_verify_client(
    verifier: *mut qssl_dtls_verifier_t,
    fd: i32,
    dgram: *const u8,
    len: usize,
    address: *const c_char,
    port: u16,
    out_verified: *mut bool,
) -> qssl_status_t {
    boundary::status("qssl_dtls_verifier_verify_client", || {
        if out_verified.is_null() {
            return Err(Error::NullArgument("out_verified"));
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_verified = false };
        // SAFETY: NULL or a live handle; (dgram, len) readable; a C string.
        let (v, g, a) = unsafe {
            (
                verifier_mut(verifier)?,
                slice_in(dgram, len, "dgram")?,
                str_in(address, "address")?,
            )
        };
        let ok = v.verify_client(io_in(fd)?, g, address_in(a)?, port)?;
        // SAFETY: checked non-NULL.
        unsafe { *out_verified = ok };
        Ok(())
    })
}

/// Writes the last verified ClientHello (bytes out; empty unless the last
/// qssl_dtls_verifier_verify_client() verified one).
/// Errors: NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf` with
/// room needed), BUFFER_TOO_SMALL.
/// Qt: QDtlsClientVerifier::verifiedHello().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_verified_hello(
    verifier: *const qssl_dtls_verifier_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_verifier_verified_hello", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe { bytes_out(verifier_ref(verifier)?.verified_hello(), buf, cap, out_len) }
    })
}

/// The QDtlsError of the last operation (NO_ERROR for NULL).
/// Qt: QDtlsClientVerifier::dtlsError().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_dtls_error(
    verifier: *const qssl_dtls_verifier_t,
) -> qssl_dtls_error_t {
    boundary::value(
        "qssl_dtls_verifier_dtls_error",
        QSSL_DTLS_ERROR_NO_ERROR,
        || {
            // SAFETY: NULL or a live handle.
            Ok(unsafe { verifier_ref(verifier) }?.dtls_error())
        },
    )
}

/// Writes the last operation's error message ("" after a success). Text
/// Errors: NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf` with
/// room needed), BUFFER_TOO_SMALL.
/// out. Qt: QDtlsClientVerifier::dtlsErrorString().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_dtls_error_string(
    verifier: *const qssl_dtls_verifier_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_verifier_dtls_error_string", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe {
            text_out(
                verifier_ref(verifier)?.dtls_error_string(),
                buf,
                cap,
                out_len,
            )
        }
    })
}

/// Memory transport: moves the next HelloVerifyRequest to send into `(buf,
/// cap)` (`*out_len` 0 when none waits; BUFFER_TOO_SMALL keeps it queued).
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_dtls_verifier_take_datagram(
    verifier: *mut qssl_dtls_verifier_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_dtls_verifier_take_datagram", || {
        // SAFETY: NULL or a live handle.
        let v = unsafe { verifier_mut(verifier) }?;
        // SAFETY: out params per the contract.
        let taken = unsafe { datagram_out(v.peek_datagram(), buf, cap, out_len) }?;
        if taken {
            v.take_datagram();
        }
        Ok(())
    })
}
