//! `qssl_conn_t`: a TLS connection driven by a configuration (the handshake
//! part of QSslSocket), over a socket or a memory transport; and the two
//! bridges for code that drives OpenSSL itself.

use std::ffi::{CStr, c_char, c_void};
use std::sync::Arc;

use super::boundary;
use super::bytes::{slice_in, text_out};
use super::cipher::qssl_cipher_t;
use super::config::qssl_config_t;
use super::enums::*;
use super::handle::{borrow, borrow_mut, handle, reset_out, write_out};
use super::list::{ListStore, array_in};
use super::psk::{CPskHandler, qssl_psk_callback_t};
use super::ssl_error::{qssl_ssl_error_list_t, qssl_ssl_error_t};
use super::status::{QSSL_STATUS_OK, QSSL_STATUS_WANT_READ, QSSL_STATUS_WANT_WRITE, qssl_status_t};
use crate::Error;
use crate::engine::conn::{Progress, capture_state};
use crate::engine::transport::{MAX_LEND, MemoryPipe, Transport};
use crate::engine::{Connection, Mode};
use crate::model::enums::verify_mode;

handle! {
    /// A connection handle. Declared in the header preamble. Freeing it
    /// queues no OpenSSL error (`SSL_free`, `BIO_free`, `SSL_SESSION_free`,
    /// `X509_free` and the ex_data free callback never do; tests/error_queue.rs
    /// frees connections in every phase and checks), so `qssl_conn_free`
    /// skips the error-queue check.
    pub struct qssl_conn_t(Connection): Unique;
}

/// Clears the OpenSSL error queue when dropped: armed by the constructors
/// so that a failure or a panic leaves the queue empty.
struct ClearQueueUnlessDisarmed;

impl Drop for ClearQueueUnlessDisarmed {
    #[cold]
    fn drop(&mut self) {
        crate::ossl::clear_error_queue();
    }
}

/// The boundary of the two constructors. `Connection::new` leaves the error
/// queue as it found it when it succeeds (`SSL_new`, `BIO_new` and
/// `SSL_set_ex_data` queue nothing on success, and a context build clears
/// what it queued), so success skips the error-queue check; a failure or a
/// panic clears the queue fully, as [`boundary::status`] does.
#[inline]
fn new_boundary(
    func: &'static str,
    out: *mut *mut qssl_conn_t,
    f: impl FnOnce() -> Result<Connection, Error>,
) -> qssl_status_t {
    boundary::status_pure(func, || {
        // SAFETY: NULL or a writable pointer (the caller's contract).
        unsafe { reset_out(out, "out") }?;
        let guard = ClearQueueUnlessDisarmed;
        let conn = f()?;
        std::mem::forget(guard);
        // SAFETY: checked above.
        unsafe { write_out(out, qssl_conn_t(conn)) };
        Ok(())
    })
}

fn mode_in(mode: qssl_ssl_mode_t) -> Result<Mode, Error> {
    match mode {
        QSSL_SSL_MODE_SSL_CLIENT_MODE => Ok(Mode::Client),
        QSSL_SSL_MODE_SSL_SERVER_MODE => Ok(Mode::Server),
        QSSL_SSL_MODE_UNENCRYPTED_MODE => Err(Error::invalid("UnencryptedMode is not a TLS side")),
        m => Err(Error::invalid(format!("unknown SSL mode {m}"))),
    }
}

fn progress(p: Progress) -> qssl_status_t {
    match p {
        Progress::Done => QSSL_STATUS_OK,
        Progress::WantRead => QSSL_STATUS_WANT_READ,
        Progress::WantWrite => QSSL_STATUS_WANT_WRITE,
    }
}

/// Borrows a connection mutably.
unsafe fn conn_mut<'a>(conn: *mut qssl_conn_t) -> Result<&'a mut Connection, Error> {
    // SAFETY: forwarded caller guarantee.
    Ok(&mut unsafe { borrow_mut(conn, "conn") }?.0)
}

/// Borrows a connection.
unsafe fn conn_ref<'a>(conn: *const qssl_conn_t) -> Result<&'a Connection, Error> {
    // SAFETY: forwarded caller guarantee.
    Ok(&unsafe { borrow(conn, "conn") }?.0)
}

/// Creates a connection that reads and writes the socket `fd`, which the
/// application owns and must keep open (qssl never closes it). Blocking and
/// non-blocking sockets both work: on a non-blocking socket the calls return
/// QSSL_STATUS_WANT_READ / WANT_WRITE. On a blocking
/// socket with a receive or send time-out (SO_RCVTIMEO / SO_SNDTIMEO), an
/// expired time-out fails the step with QSSL_STATUS_IO ("timed out"); the
/// failure sticks. The configuration is copied (O(1));
/// its OpenSSL context is built now, or taken from its cache, so a bad
/// configuration fails here, before any I/O (for example a DTLS protocol, a
/// certificate without a key, invalid DH parameters, an unknown backend
/// option). Free it with qssl_conn_free().
/// Qt: QSslSocket::setSocketDescriptor() + setSslConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_new_fd(
    cfg: *const qssl_config_t,
    mode: qssl_ssl_mode_t,
    fd: i32,
    out: *mut *mut qssl_conn_t,
) -> qssl_status_t {
    new_boundary("qssl_conn_new_fd", out, || {
        // SAFETY: NULL or a live configuration.
        let c = unsafe { borrow(cfg, "cfg") }?;
        if fd < 0 {
            return Err(Error::invalid(format!("invalid file descriptor {fd}")));
        }
        Connection::new(&c.0, mode_in(mode)?, Transport::Fd(fd))
    })
}

/// Creates a connection over a memory transport: give it the bytes received
/// from the peer with qssl_conn_feed(), and send the peer what
/// qssl_conn_take_output() hands out. Otherwise as qssl_conn_new_fd().
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `out`),
/// QSSL_STATUS_INVALID_ARGUMENT (unknown `mode`, or settings OpenSSL refuses
/// when the context is built), QSSL_STATUS_UNSUPPORTED (OCSP stapling on a
/// server).
/// Free `*out` with qssl_conn_free().
/// Qt: none (QSslSocket needs a socket).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_new_memory(
    cfg: *const qssl_config_t,
    mode: qssl_ssl_mode_t,
    out: *mut *mut qssl_conn_t,
) -> qssl_status_t {
    new_boundary("qssl_conn_new_memory", out, || {
        // SAFETY: NULL or a live configuration.
        let c = unsafe { borrow(cfg, "cfg") }?;
        Connection::new(
            &c.0,
            mode_in(mode)?,
            Transport::Memory(MemoryPipe::default()),
        )
    })
}

/// Frees a connection; NULL is a no-op. It does not send close_notify (call
/// qssl_conn_shutdown() first for that) but keeps the session resumable.
/// The socket is not closed. Qt: ~QSslSocket().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_free(conn: *mut qssl_conn_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_conn_free", conn) }
}

/// The side of the connection; NULL gives QSSL_SSL_MODE_UNENCRYPTED_MODE.
/// Qt: QSslSocket::mode().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_mode(conn: *const qssl_conn_t) -> qssl_ssl_mode_t {
    boundary::value("qssl_conn_mode", QSSL_SSL_MODE_UNENCRYPTED_MODE, || {
        // SAFETY: NULL or a live handle.
        Ok(match unsafe { conn_ref(conn) }?.mode() {
            Mode::Client => QSSL_SSL_MODE_SSL_CLIENT_MODE,
            Mode::Server => QSSL_SSL_MODE_SSL_SERVER_MODE,
        })
    })
}

/// Sets the name the client sends as SNI and checks the server's certificate
/// against (a DNS name or an IP literal; IP literals are not sent as SNI).
/// A verifying client without a name reports HostNameMismatch. Only before
/// the handshake starts (else INVALID_STATE). Qt: QSslSocket::setPeerVerifyName().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_set_peer_verify_name(
    conn: *mut qssl_conn_t,
    name: *const c_char,
) -> qssl_status_t {
    // Stores the name; no OpenSSL call (it reaches the SSL when the
    // handshake starts).
    boundary::status_pure("qssl_conn_set_peer_verify_name", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_mut(conn) }?;
        if name.is_null() {
            return Err(Error::NullArgument("name"));
        }
        // SAFETY: non-NULL: a C string (the caller's contract).
        c.set_peer_verify_name_c(unsafe { CStr::from_ptr(name) })
    })
}

/// Writes the peer verify name (text out; "" if none).
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslSocket::peerVerifyName().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_peer_verify_name(
    conn: *const qssl_conn_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_conn_peer_verify_name", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe { text_out(conn_ref(conn)?.peer_verify_name(), buf, cap, out_len) }
    })
}

/// Overrides the configuration's peer verify mode for this connection; only
/// before the handshake starts.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `conn`),
/// QSSL_STATUS_INVALID_ARGUMENT (unknown mode), QSSL_STATUS_INVALID_STATE (the
/// handshake started).
/// Qt: QSslSocket::setPeerVerifyMode().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_set_peer_verify_mode(
    conn: *mut qssl_conn_t,
    mode: qssl_peer_verify_mode_t,
) -> qssl_status_t {
    boundary::status("qssl_conn_set_peer_verify_mode", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_mut(conn) }?;
        if !(verify_mode::VERIFY_NONE..=verify_mode::AUTO_VERIFY_PEER).contains(&mode) {
            return Err(Error::invalid(format!("unknown peer verify mode {mode}")));
        }
        c.set_peer_verify_mode(mode)
    })
}

/// The effective peer verify mode; NULL gives AUTO_VERIFY_PEER.
/// Qt: QSslSocket::peerVerifyMode().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_peer_verify_mode(
    conn: *const qssl_conn_t,
) -> qssl_peer_verify_mode_t {
    // SAFETY: NULL or a live handle.
    boundary::value(
        "qssl_conn_peer_verify_mode",
        QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER,
        || Ok(unsafe { conn_ref(conn) }?.peer_verify_mode()),
    )
}

/// Sets the protocol of this connection, replacing its configuration's
/// (its version bounds win over the configuration's, including bounds set
/// through the backend configuration); only before the handshake starts.
/// qssl_conn_ssl_configuration() then reports it.
///
/// Errors: NULL `conn` (NULL_ARGUMENT); a value outside QSsl::SslProtocol,
/// UnknownProtocol or a DTLS protocol, which a TLS connection cannot use
/// (INVALID_ARGUMENT; Qt fails the handshake instead); after the handshake
/// started (INVALID_STATE). The protocol is kept on error.
///
/// Qt: QSslSocket::setProtocol()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_set_protocol(
    conn: *mut qssl_conn_t,
    protocol: qssl_ssl_protocol_t,
) -> qssl_status_t {
    boundary::status_pure("qssl_conn_set_protocol", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_mut(conn) }?;
        c.set_protocol(protocol)
    })
}

/// The protocol of this connection: its configuration's unless
/// qssl_conn_set_protocol() changed it. NULL gives SECURE_PROTOCOLS (Qt's
/// default).
///
/// Qt: QSslSocket::protocol()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_protocol(conn: *const qssl_conn_t) -> qssl_ssl_protocol_t {
    boundary::value_pure(
        "qssl_conn_protocol",
        QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS,
        // SAFETY: NULL or a live handle.
        || Ok(unsafe { conn_ref(conn) }?.protocol()),
    )
}

/// Sets the peer verify depth of this connection, replacing its
/// configuration's (0: no limit); only before the handshake starts.
/// qssl_conn_ssl_configuration() then reports it.
///
/// Errors: NULL `conn` (NULL_ARGUMENT); a negative depth (INVALID_ARGUMENT,
/// the depth is kept); after the handshake started (INVALID_STATE).
///
/// Qt: QSslSocket::setPeerVerifyDepth()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_set_peer_verify_depth(
    conn: *mut qssl_conn_t,
    depth: i32,
) -> qssl_status_t {
    boundary::status_pure("qssl_conn_set_peer_verify_depth", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_mut(conn) }?;
        c.set_peer_verify_depth(depth)
    })
}

/// The peer verify depth of this connection: its configuration's unless
/// qssl_conn_set_peer_verify_depth() changed it. NULL gives 0 (Qt's
/// default, no limit).
///
/// Qt: QSslSocket::peerVerifyDepth()
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_peer_verify_depth(conn: *const qssl_conn_t) -> i32 {
    boundary::value_pure(
        "qssl_conn_peer_verify_depth",
        0,
        // SAFETY: NULL or a live handle.
        || Ok(unsafe { conn_ref(conn) }?.peer_verify_depth()),
    )
}

/// Registers a PSK callback for this connection only; it takes precedence
/// over the configuration's. `callback` NULL falls back to the
/// configuration's. `user_data_free` runs exactly once (see
/// qssl_config_set_psk_callback()). Only before the handshake starts.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `conn`), QSSL_STATUS_INVALID_STATE
/// (the handshake started).
/// Qt: QSslSocket::preSharedKeyAuthenticationRequired.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_set_psk_callback(
    conn: *mut qssl_conn_t,
    callback: qssl_psk_callback_t,
    user_data: *mut c_void,
    user_data_free: Option<unsafe extern "C" fn(*mut c_void)>,
) -> qssl_status_t {
    boundary::status("qssl_conn_set_psk_callback", || {
        let handler = CPskHandler::new(callback, user_data, user_data_free);
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_mut(conn) }?;
        c.set_psk_handler(handler.map(|h| Arc::new(h) as _))
    })
}

/// Runs the handshake as far as the transport allows: QSSL_STATUS_OK when
/// done, WANT_READ / WANT_WRITE to be called again when the socket is ready
/// (or, on a memory transport, after feeding bytes / taking output), or an
/// error: QSSL_STATUS_TLS (handshake failure, alert), VERIFICATION_FAILED
/// (the peer's certificate did not verify and the errors were not ignored;
/// see qssl_conn_ssl_errors()), CALLBACK_REFUSED (the PSK callback refused),
/// IO, CLOSED. The message names the cause and the alert sent or received.
/// Qt: QSslSocket::startClientEncryption() / startServerEncryption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_handshake(conn: *mut qssl_conn_t) -> qssl_status_t {
    boundary::step("qssl_conn_handshake", || {
        // SAFETY: NULL or a live handle.
        Ok(progress(unsafe { conn_mut(conn) }?.handshake()?))
    })
}

/// Reads up to `cap` decrypted bytes into `buf`; `*out_read` receives how many
/// (0 unless QSSL_STATUS_OK). Returns OK, WANT_READ / WANT_WRITE, CLOSED once
/// the peer closed (close_notify or end of file), INVALID_STATE before the
/// handshake completed, or an error. Qt: QSslSocket::read().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_read(
    conn: *mut qssl_conn_t,
    buf: *mut u8,
    cap: usize,
    out_read: *mut usize,
) -> qssl_status_t {
    boundary::step("qssl_conn_read", || {
        if out_read.is_null() {
            return Err(Error::NullArgument("out_read"));
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_read = 0 };
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_mut(conn) }?;
        if cap == 0 {
            return Err(Error::invalid("cap is 0"));
        }
        if buf.is_null() {
            return Err(Error::NullArgument("buf"));
        }
        // No buffer can be larger than isize::MAX bytes: such a cap is a lie
        // that would make the slice below undefined behaviour.
        if cap > isize::MAX as usize {
            return Err(Error::invalid(format!("cap {cap} is too large")));
        }
        // SAFETY: buf is valid for cap bytes per the caller.
        let dst = unsafe { std::slice::from_raw_parts_mut(buf, cap) };
        let (p, n) = c.read(dst)?;
        // SAFETY: checked non-NULL.
        unsafe { *out_read = n };
        Ok(progress(p))
    })
}

/// Encrypts and sends `(data, len)`; `*out_written` receives `len` on OK, 0
/// otherwise. On WANT_READ / WANT_WRITE call again with the same bytes.
/// Qt: QSslSocket::write().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_write(
    conn: *mut qssl_conn_t,
    data: *const u8,
    len: usize,
    out_written: *mut usize,
) -> qssl_status_t {
    boundary::step("qssl_conn_write", || {
        if out_written.is_null() {
            return Err(Error::NullArgument("out_written"));
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_written = 0 };
        // SAFETY: NULL or a live handle; (data, len) readable.
        let (c, d) = unsafe { (conn_mut(conn)?, slice_in(data, len, "data")?) };
        let (p, n) = c.write(d)?;
        // SAFETY: checked non-NULL.
        unsafe { *out_written = n };
        Ok(progress(p))
    })
}

/// Sends close_notify (without waiting for the peer's). Returns OK, WANT_*,
/// or INVALID_STATE before a completed handshake. Qt: QSslSocket::disconnectFromHost().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_shutdown(conn: *mut qssl_conn_t) -> qssl_status_t {
    boundary::step("qssl_conn_shutdown", || {
        // SAFETY: NULL or a live handle.
        Ok(progress(unsafe { conn_mut(conn) }?.shutdown()?))
    })
}

/// Decrypted bytes readable without I/O; 0 for NULL. Qt: QSslSocket::bytesAvailable().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_pending(conn: *const qssl_conn_t) -> usize {
    boundary::value("qssl_conn_pending", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { conn_ref(conn) }?.pending())
    })
}

/// Memory transport: hands qssl `(data, len)` received from the peer.
/// INVALID_STATE on a socket connection. Qt: none.
#[unsafe(link_section = ".text.qssl_pipe")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_feed(
    conn: *mut qssl_conn_t,
    data: *const u8,
    len: usize,
) -> qssl_status_t {
    // The common call first: valid arguments on a memory connection; one
    // copy when the input queue has room (nothing there can fail or panic),
    // else making room out of line (panic-safe). Everything else (NULLs,
    // errors, a caught panic, which the checked path meets again and
    // reports) takes the checked path.
    if !data.is_null()
        && len <= isize::MAX as usize
        // SAFETY: NULL or a live handle.
        && let Some(p) = unsafe { pipe_of(conn) }
    {
        // SAFETY: non-NULL, length bounded; readable (the caller's contract).
        let d = unsafe { std::slice::from_raw_parts(data, len) };
        if p.inbound.try_push(d) || p.inbound.push_growing(d) {
            return QSSL_STATUS_OK;
        }
    }
    // SAFETY: forwarded caller guarantees.
    unsafe { feed_checked(conn, data, len) }
}

/// [`qssl_conn_feed`] with every check (out of line).
///
/// # Safety
/// As for [`qssl_conn_feed`].
#[cold]
#[inline(never)]
unsafe fn feed_checked(conn: *mut qssl_conn_t, data: *const u8, len: usize) -> qssl_status_t {
    boundary::status_pure("qssl_conn_feed", || {
        // SAFETY: NULL or a live handle; (data, len) readable.
        let (c, d) = unsafe { (conn_mut(conn)?, slice_in(data, len, "data")?) };
        memory_of(c)?.inbound.extend_from_slice(d);
        Ok(())
    })
}

/// Memory transport: the peer closed its side; reads past the fed bytes see
/// end of file.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `conn`), QSSL_STATUS_INVALID_STATE
/// (not a memory transport).
/// Qt: none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_feed_eof(conn: *mut qssl_conn_t) -> qssl_status_t {
    boundary::status_pure("qssl_conn_feed_eof", || {
        // SAFETY: NULL or a live handle.
        memory_of(unsafe { conn_mut(conn) }?)?.eof = true;
        Ok(())
    })
}

/// Memory transport: bytes waiting to be sent to the peer; 0 for NULL or a
/// socket connection. Qt: none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_pending_output(conn: *mut qssl_conn_t) -> usize {
    boundary::value_pure("qssl_conn_pending_output", 0, || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_mut(conn) }?;
        Ok(c.memory().map_or(0, |p| p.outbound.len()))
    })
}

/// Memory transport: moves up to `cap` bytes waiting for the peer into `buf`
/// and writes the count to `*out_len` (a stream, so unlike value getters it
/// takes what fits rather than failing with BUFFER_TOO_SMALL). Qt: none.
#[unsafe(link_section = ".text.qssl_pipe")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_take_output(
    conn: *mut qssl_conn_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    // The common calls first, inline: nothing waiting, or a copy into the
    // caller's buffer (nothing here can fail or panic). Everything else
    // (NULLs, errors) takes the checked path.
    if !out_len.is_null()
        // SAFETY: NULL or a live handle.
        && let Some(p) = unsafe { pipe_of(conn) }
    {
        let n = p.outbound.len().min(cap);
        if n == 0 {
            // SAFETY: checked non-NULL.
            unsafe { *out_len = 0 };
            return QSSL_STATUS_OK;
        }
        if !buf.is_null() {
            // SAFETY: buf is non-NULL and valid for cap >= n bytes.
            let n = p
                .outbound
                .read_into(unsafe { std::slice::from_raw_parts_mut(buf, n) });
            p.outbound_taken();
            // SAFETY: checked non-NULL.
            unsafe { *out_len = n };
            return QSSL_STATUS_OK;
        }
    }
    // SAFETY: forwarded caller guarantees.
    unsafe { take_output_checked(conn, buf, cap, out_len) }
}

/// [`qssl_conn_take_output`] with every check (out of line).
///
/// # Safety
/// As for [`qssl_conn_take_output`].
#[cold]
#[inline(never)]
unsafe fn take_output_checked(
    conn: *mut qssl_conn_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_conn_take_output", || {
        if out_len.is_null() {
            return Err(Error::NullArgument("out_len"));
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_len = 0 };
        // SAFETY: NULL or a live handle.
        let p = memory_of(unsafe { conn_mut(conn) }?)?;
        let n = p.outbound.len().min(cap);
        if n > 0 && buf.is_null() {
            return Err(Error::NullArgument("buf"));
        }
        if n > 0 {
            // SAFETY: buf is non-NULL and valid for cap >= n bytes.
            let dst = unsafe { std::slice::from_raw_parts_mut(buf, n) };
            p.outbound.read_into(dst);
            p.outbound_taken();
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_len = n };
        Ok(())
    })
}

// ---- the zero-copy memory transport ------------------------------------------------

/// The memory pipe of a live memory connection; None for NULL or a socket
/// connection (the fast paths' lookup: no error is built).
///
/// # Safety
/// `conn` is NULL or a live handle, not otherwise borrowed.
#[inline(always)]
unsafe fn pipe_of<'a>(conn: *mut qssl_conn_t) -> Option<&'a mut MemoryPipe> {
    // SAFETY: the caller's promise.
    unsafe { conn.as_mut() }?.0.memory()
}

/// The memory transport of a connection, or INVALID_STATE.
#[inline]
fn memory_of(c: &mut Connection) -> Result<&mut MemoryPipe, Error> {
    match c.memory() {
        Some(p) => Ok(p),
        None => Err(not_memory()),
    }
}

/// The error of a memory-transport call on a socket connection (out of line).
#[cold]
#[inline(never)]
fn not_memory() -> Error {
    Error::InvalidState("not a memory connection".into())
}

/// Memory transport, zero-copy: lends the bytes waiting to be sent to the
/// peer. `*out_data` points into qssl's own buffer (NULL when nothing waits)
/// and `*out_len` says how many bytes are there; send what you can straight
/// from it, then say how many you took with qssl_conn_consume_output(). The
/// bytes stay valid, unchanged, until that call or until any other call with
/// this connection. Equivalent to qssl_conn_take_output() without its copy.
/// INVALID_STATE on a socket connection. Qt: none (beyond Qt).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_peek_output(
    conn: *mut qssl_conn_t,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_conn_peek_output", || {
        if out_data.is_null() {
            return Err(Error::NullArgument("out_data"));
        }
        if out_len.is_null() {
            return Err(Error::NullArgument("out_len"));
        }
        // SAFETY: both checked non-NULL.
        unsafe {
            *out_data = std::ptr::null();
            *out_len = 0;
        }
        // SAFETY: NULL or a live handle.
        let p = memory_of(unsafe { conn_mut(conn) }?)?;
        let bytes = p.outbound.as_slice();
        if !bytes.is_empty() {
            // SAFETY: both checked non-NULL.
            unsafe {
                *out_data = bytes.as_ptr();
                *out_len = bytes.len();
            }
        }
        Ok(())
    })
}

/// Memory transport, zero-copy: the application took the first `n` of the
/// bytes qssl_conn_peek_output() lent (0 is allowed). INVALID_ARGUMENT when
/// `n` is more than are waiting; INVALID_STATE on a socket connection.
/// Qt: none (beyond Qt).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_consume_output(
    conn: *mut qssl_conn_t,
    n: usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_conn_consume_output", || {
        // SAFETY: NULL or a live handle.
        let p = memory_of(unsafe { conn_mut(conn) }?)?;
        let waiting = p.outbound.len();
        if n > waiting {
            return Err(Error::invalid(format!(
                "cannot consume {n} bytes: {waiting} are waiting"
            )));
        }
        p.outbound.consume(n);
        p.outbound_taken();
        Ok(())
    })
}

/// Memory transport, zero-copy: lends space in qssl's input buffer for at
/// least `want` bytes received from the peer (`want` 0: whatever is free, at
/// least 4 KiB). `*out_buf` receives the space and `*out_cap` its size
/// (>= `want`); receive straight into it (`recv(fd, buf, cap, 0)`), then say
/// how many bytes arrived with qssl_conn_commit_input(). The space is valid
/// until that call or until qssl_conn_feed(); other calls (handshake, read)
/// leave it in place. Equivalent to qssl_conn_feed() without its copy.
/// INVALID_ARGUMENT when `want` exceeds 64 MiB; INVALID_STATE on a socket
/// connection. Qt: none (beyond Qt).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_input_space(
    conn: *mut qssl_conn_t,
    want: usize,
    out_buf: *mut *mut u8,
    out_cap: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_conn_input_space", || {
        // SAFETY: NULL or a writable pointer.
        unsafe { reset_out(out_buf, "out_buf") }?;
        if out_cap.is_null() {
            return Err(Error::NullArgument("out_cap"));
        }
        // SAFETY: checked non-NULL.
        unsafe { *out_cap = 0 };
        if want > MAX_LEND {
            return Err(Error::invalid(format!(
                "want {want} is larger than {MAX_LEND} bytes"
            )));
        }
        // SAFETY: NULL or a live handle.
        let p = memory_of(unsafe { conn_mut(conn) }?)?;
        let space = p.inbound.space(if want == 0 { 4096 } else { want });
        // SAFETY: both checked non-NULL.
        unsafe {
            *out_buf = space.as_mut_ptr();
            *out_cap = space.len();
        }
        Ok(())
    })
}

/// Memory transport, zero-copy: `n` bytes received from the peer were
/// written at the start of the space qssl_conn_input_space() lent; they are
/// queued for TLS as qssl_conn_feed() would. INVALID_ARGUMENT when `n`
/// exceeds the space lent; INVALID_STATE when no space is lent (committed
/// already, or a qssl_conn_feed() came between) or on a socket connection.
/// Qt: none (beyond Qt).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_commit_input(conn: *mut qssl_conn_t, n: usize) -> qssl_status_t {
    boundary::status_pure("qssl_conn_commit_input", || {
        // SAFETY: NULL or a live handle.
        let p = memory_of(unsafe { conn_mut(conn) }?)?;
        if p.inbound.commit(n) {
            return Ok(());
        }
        match p.inbound.lent() {
            0 => Err(Error::InvalidState(
                "no input space is lent: call qssl_conn_input_space() first".into(),
            )),
            cap => Err(Error::invalid(format!(
                "cannot commit {n} bytes: {cap} were lent"
            ))),
        }
    })
}

/// The SSL errors found while verifying the peer, in Qt's order (host name
/// and missing certificate first, then chain errors). Also filled when the
/// errors were ignored or the side does not verify. NULL gives NULL.
/// Free it with qssl_ssl_error_list_free().
/// Qt: QSslSocket::sslHandshakeErrors().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_ssl_errors(
    conn: *const qssl_conn_t,
) -> *mut qssl_ssl_error_list_t {
    boundary::pointer("qssl_conn_ssl_errors", || {
        // SAFETY: NULL or a live handle.
        let v = unsafe { conn_ref(conn) }?.ssl_errors().to_vec();
        Ok(super::handle::into_raw(qssl_ssl_error_list_t(
            ListStore::new(v.into()),
        )))
    })
}

/// Ignore every SSL error in the coming handshake (it then succeeds despite
/// verification errors, which qssl_conn_ssl_errors() still lists).
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `conn`).
/// Qt: QSslSocket::ignoreSslErrors().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_ignore_ssl_errors(conn: *mut qssl_conn_t) -> qssl_status_t {
    boundary::status("qssl_conn_ignore_ssl_errors", || {
        // SAFETY: NULL or a live handle.
        unsafe { conn_mut(conn) }?.ignore_ssl_errors();
        Ok(())
    })
}

/// Ignore exactly these errors: an error is ignored when one entry has its
/// code and either a null certificate or the same certificate. The handshake
/// fails if any other error occurs.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `conn`, or NULL `errors` with `n >
/// 0`), QSSL_STATUS_INVALID_ARGUMENT (a NULL element).
/// Qt: QSslSocket::ignoreSslErrors(const QList<QSslError> &).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_ignore_ssl_errors_list(
    conn: *mut qssl_conn_t,
    errors: *const *const qssl_ssl_error_t,
    n: usize,
) -> qssl_status_t {
    boundary::status("qssl_conn_ignore_ssl_errors_list", || {
        // SAFETY: NULL or a live handle; `errors` holds n handles.
        let (c, v) = unsafe {
            (
                conn_mut(conn)?,
                array_in::<_, qssl_ssl_error_t>(errors, n, "errors")?,
            )
        };
        c.ignore_ssl_errors_list(v);
        Ok(())
    })
}

/// True once the handshake succeeded; false for NULL. Qt: QSslSocket::isEncrypted().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_is_encrypted(conn: *const qssl_conn_t) -> bool {
    boundary::value("qssl_conn_is_encrypted", false, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { conn_ref(conn) }?.is_encrypted())
    })
}

/// True when the handshake resumed a session (from a session ticket set on
/// the configuration). No public Qt counterpart (Qt keeps it hidden).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_session_resumed(conn: *const qssl_conn_t) -> bool {
    boundary::value("qssl_conn_session_resumed", false, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { conn_ref(conn) }?.session_resumed())
    })
}

/// The connection's configuration with the session state of the handshake:
/// peer certificate and chain (shared, not copied), session cipher and
/// protocol (null / -1 once the connection is closed), the negotiated
/// application protocol and status, the ephemeral server key (clients) and,
/// when session persistence is enabled, the latest session ticket with its
/// lifetime hint (TLS 1.3 tickets arrive after the handshake, with the first
/// read). Free it with qssl_config_free(). Qt: QSslSocket::sslConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_ssl_configuration(
    conn: *const qssl_conn_t,
) -> *mut qssl_config_t {
    boundary::pointer("qssl_conn_ssl_configuration", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_ref(conn) }?;
        Ok(super::handle::into_raw(qssl_config_t(
            c.ssl_configuration(),
        )))
    })
}

/// The session's cipher (a null cipher before the handshake or after close).
/// Free it with qssl_cipher_free().
/// Qt: QSslSocket::sessionCipher().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_session_cipher(conn: *const qssl_conn_t) -> *mut qssl_cipher_t {
    boundary::pointer("qssl_conn_session_cipher", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { conn_ref(conn) }?;
        Ok(super::handle::into_raw(qssl_cipher_t(c.session_cipher())))
    })
}

/// The session's protocol (-1 before the handshake or after close).
/// Qt: QSslSocket::sessionProtocol().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_session_protocol(
    conn: *const qssl_conn_t,
) -> qssl_ssl_protocol_t {
    boundary::value(
        "qssl_conn_session_protocol",
        QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL,
        || {
            // SAFETY: NULL or a live handle.
            Ok(unsafe { conn_ref(conn) }?.session_protocol())
        },
    )
}

/// The last alert this side sent: writes its level and type (the TLS alert
/// code) and returns true, or returns false if none was sent.
/// Qt: QSslSocket::alertSent (a signal).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_alert_sent(
    conn: *const qssl_conn_t,
    level: *mut qssl_alert_level_t,
    kind: *mut qssl_alert_type_t,
) -> bool {
    boundary::value("qssl_conn_alert_sent", false, || {
        // SAFETY: NULL or a live handle; out pointers may be NULL.
        unsafe { alert_out(conn_ref(conn)?.alert_sent(), level, kind) }
    })
}

/// The last alert this side received (see qssl_conn_alert_sent()).
/// Qt: QSslSocket::alertReceived (a signal).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_alert_received(
    conn: *const qssl_conn_t,
    level: *mut qssl_alert_level_t,
    kind: *mut qssl_alert_type_t,
) -> bool {
    boundary::value("qssl_conn_alert_received", false, || {
        // SAFETY: NULL or a live handle; out pointers may be NULL.
        unsafe { alert_out(conn_ref(conn)?.alert_received(), level, kind) }
    })
}

/// Writes an alert to optional out pointers.
///
/// # Safety
/// `level` and `kind` must be NULL or writable.
unsafe fn alert_out(a: Option<(i32, i32)>, level: *mut i32, kind: *mut i32) -> Result<bool, Error> {
    let Some((l, k)) = a else { return Ok(false) };
    // OpenSSL's level: 1 warning, 2 fatal; Qt's: 0 warning, 1 fatal, 2 unknown.
    let qt_level = match l {
        1 => QSSL_ALERT_LEVEL_WARNING,
        2 => QSSL_ALERT_LEVEL_FATAL,
        _ => QSSL_ALERT_LEVEL_UNKNOWN,
    };
    // SAFETY: NULL-checked; writable per the caller.
    unsafe {
        if !level.is_null() {
            *level = qt_level;
        }
        if !kind.is_null() {
            *kind = k & 0xff;
        }
    }
    Ok(true)
}

// ---- bridges for code that drives OpenSSL itself ---------------------------------

/// Gives a new OpenSSL `SSL_CTX*` built from `cfg` for `mode`, owned by the
/// caller (release it with OpenSSL's SSL_CTX_free()) and used by no qssl
/// connection: nothing the caller does to it (SSL_CTX_set_verify(),
/// another store, ...) changes qssl's own connections. Lets Boost.Asio,
/// libcurl or libevent drive handshakes with a qssl configuration.
///
/// Every callback on it works on any `SSL` made with SSL_new(): verify,
/// PSK (TLS 1.2 and 1.3, the configuration's callback and user data), ALPN
/// selection, OCSP. On such an `SSL` the verdict is made inside the
/// handshake and fails closed when the configuration verifies the peer: an
/// untrusted or invalid chain, a host name that does not match (the name
/// given with SSL_set1_host(), else the SNI name set with
/// SSL_set_tlsext_host_name(); a client with neither is refused), a missing
/// client certificate (servers with VerifyPeer), a bad stapled OCSP
/// response (clients with OCSP stapling) all abort the handshake. Qt's
/// ignore-errors semantics need a qssl connection. Each call builds a new
/// context. The pointer is typed `void *` so this header needs no OpenSSL
/// header.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `out_ssl_ctx`),
/// QSSL_STATUS_INVALID_ARGUMENT (unknown `mode`, or settings OpenSSL refuses
/// when the context is built), QSSL_STATUS_UNSUPPORTED (OCSP stapling on a
/// server).
/// Qt: none (beyond Qt).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_openssl_context(
    cfg: *const qssl_config_t,
    mode: qssl_ssl_mode_t,
    out_ssl_ctx: *mut *mut c_void,
) -> qssl_status_t {
    boundary::status("qssl_config_openssl_context", || {
        // SAFETY: NULL or writable.
        unsafe { reset_out(out_ssl_ctx, "out_ssl_ctx") }?;
        // SAFETY: NULL or a live configuration.
        let c = unsafe { borrow(cfg, "cfg") }?;
        let server = mode_in(mode)? == Mode::Server;
        let ctx = crate::engine::context::fresh_context(&c.0, server)?;
        use foreign_types::ForeignType;
        let raw = ctx.as_ptr();
        std::mem::forget(ctx); // the caller owns this reference now
        // SAFETY: checked non-NULL above.
        unsafe { *out_ssl_ctx = raw.cast() };
        Ok(())
    })
}

/// Applies `cfg` for `mode` to an OpenSSL `SSL_CTX*` that another library
/// owns (libcurl's CURLOPT_SSL_CTX_FUNCTION hands one; Boost.Asio's
/// `ssl::context::native_handle()` is one): protocol versions, options,
/// ciphers, the trust store (the configuration's CA certificates, and the
/// system's when it loads them on demand, replace the context's store),
/// the local certificate, chain and key, peer verify mode and depth,
/// Diffie-Hellman parameters, elliptic curves, the PSK callback and hint,
/// ALPN, OCSP stapling and backend configuration commands, with the same
/// callbacks and fail-closed verdicts as qssl_config_openssl_context().
/// The context's session-cache and info callbacks are left alone. `ssl_ctx`
/// is borrowed; `SSL`s already made from it keep the settings they copied.
/// Apply it before the context makes its first `SSL`, and do not use the
/// context from another thread meanwhile. Read Qt's session state back
/// after the handshake with qssl_config_set_session_state_from_openssl().
///
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `ssl_ctx`),
/// QSSL_STATUS_INVALID_ARGUMENT (unknown `mode`, or a setting OpenSSL
/// refuses; the context may then be partly configured: free it rather than
/// use it), QSSL_STATUS_UNSUPPORTED (OCSP stapling on a server).
/// Qt: none (beyond Qt).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_apply_to_openssl_context(
    cfg: *const qssl_config_t,
    mode: qssl_ssl_mode_t,
    ssl_ctx: *mut c_void,
) -> qssl_status_t {
    boundary::status("qssl_config_apply_to_openssl_context", || {
        // SAFETY: NULL or a live configuration.
        let c = unsafe { borrow(cfg, "cfg") }?;
        let server = mode_in(mode)? == Mode::Server;
        if ssl_ctx.is_null() {
            return Err(Error::NullArgument("ssl_ctx"));
        }
        // SAFETY: the caller passes a live SSL_CTX it does not use meanwhile.
        unsafe { crate::engine::context::apply_to_context(&c.0, server, ssl_ctx.cast()) }
    })
}

/// Fills `cfg`'s session state from an OpenSSL `SSL*` whose handshake the
/// application completed itself (peer certificate and chain, cipher,
/// protocol, ALPN result, ephemeral server key, session ticket when
/// persistence is enabled), as qssl_conn_ssl_configuration() would.
/// `ssl` is borrowed and not changed.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `ssl`),
/// QSSL_STATUS_INVALID_ARGUMENT (unknown `mode`).
/// Qt: none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_session_state_from_openssl(
    cfg: *mut qssl_config_t,
    mode: qssl_ssl_mode_t,
    ssl: *const c_void,
) -> qssl_status_t {
    boundary::status("qssl_config_set_session_state_from_openssl", || {
        // SAFETY: NULL or a live configuration.
        let c = unsafe { borrow_mut(cfg, "cfg") }?;
        if ssl.is_null() {
            return Err(Error::NullArgument("ssl"));
        }
        let server = mode_in(mode)? == Mode::Server;
        use foreign_types::ForeignTypeRef;
        // SAFETY: the caller passes a live SSL* for the duration of the call.
        let ssl = unsafe { openssl::ssl::SslRef::from_ptr(ssl.cast_mut().cast()) };
        let status = if ssl.selected_alpn_protocol().is_some_and(|p| !p.is_empty()) {
            1
        } else {
            0
        };
        c.0 = capture_state(&c.0, ssl, server, status);
        Ok(())
    })
}
