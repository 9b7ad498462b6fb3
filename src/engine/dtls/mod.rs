//! DTLS 1.2 (Qt's QDtls and QDtlsClientVerifier) over the same
//! configurations as TLS.
//!
//! As in Qt, the application reads every datagram itself and hands it in;
//! qssl only writes: to a UDP socket the application owns (`Io::Fd`: sent to
//! the peer address given with `set_peer`, or on the connected socket when no
//! address is given), or to a queue of outgoing datagrams the application
//! takes (`Io::Memory`). OpenSSL sees a datagram BIO of qssl's own (one
//! datagram per read and per write, the MTU set by qssl), installed through
//! openssl-sys. Retransmission is driven by the application: it asks for the
//! next deadline and calls `handle_timeout` when it passes.
//!
//! Cookies (RFC 6347 §4.2.1): an HMAC, with the configured hash and secret,
//! of the peer's address and port. The verifier checks a ClientHello without
//! keeping any state per client.

use std::collections::VecDeque;
use std::ffi::{c_char, c_int, c_long, c_uchar, c_uint, c_void};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::RawFd;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use foreign_types::ForeignTypeRef;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use openssl::ssl::{Ssl, SslContext, SslContextBuilder, SslMethod, SslVersion};
use openssl_sys as sys;

use super::callbacks::{self, ConnShared, ConnState, SharedState, lock};
use super::conn::{Mode, capture_state_lazy};
use super::context::context_for;
use super::verify::{ErrorInputs, collect_errors};
use crate::Error;
use crate::error::openssl_reasons;
use crate::model::cipher::Cipher;
use crate::model::config::{PskHandler, SslConfiguration};
use crate::model::enums::{protocol, ssl_option, verify_mode};
use crate::model::ssl_error::SslError;

/// QDtlsError, Qt's numbers.
pub mod dtls_error {
    /// NoError.
    pub const NO_ERROR: i32 = 0;
    /// InvalidInputParameters.
    pub const INVALID_INPUT_PARAMETERS: i32 = 1;
    /// InvalidOperation.
    pub const INVALID_OPERATION: i32 = 2;
    /// UnderlyingSocketError.
    pub const UNDERLYING_SOCKET_ERROR: i32 = 3;
    /// RemoteClosedConnectionError.
    pub const REMOTE_CLOSED_CONNECTION_ERROR: i32 = 4;
    /// PeerVerificationError.
    pub const PEER_VERIFICATION_ERROR: i32 = 5;
    /// TlsInitializationError.
    pub const TLS_INITIALIZATION_ERROR: i32 = 6;
    /// TlsFatalError.
    pub const TLS_FATAL_ERROR: i32 = 7;
    /// TlsNonFatalError.
    pub const TLS_NON_FATAL_ERROR: i32 = 8;
}

/// QDtls::HandshakeState, Qt's numbers.
pub mod handshake_state {
    /// HandshakeNotStarted.
    pub const NOT_STARTED: i32 = 0;
    /// HandshakeInProgress.
    pub const IN_PROGRESS: i32 = 1;
    /// PeerVerificationFailed.
    pub const PEER_VERIFICATION_FAILED: i32 = 2;
    /// HandshakeComplete.
    pub const COMPLETE: i32 = 3;
}

/// QCryptographicHash::Algorithm values qssl can use for cookies.
pub mod hash_algorithm {
    /// Md5.
    pub const MD5: i32 = 1;
    /// Sha1 (Qt's default for cookies).
    pub const SHA1: i32 = 2;
    /// Sha224.
    pub const SHA224: i32 = 3;
    /// Sha256.
    pub const SHA256: i32 = 4;
    /// Sha384.
    pub const SHA384: i32 = 5;
    /// Sha512.
    pub const SHA512: i32 = 6;
    /// RealSha3_224.
    pub const SHA3_224: i32 = 11;
    /// RealSha3_256.
    pub const SHA3_256: i32 = 12;
    /// RealSha3_384.
    pub const SHA3_384: i32 = 13;
    /// RealSha3_512.
    pub const SHA3_512: i32 = 14;
}

/// The MTU (largest datagram payload) used when no hint is given: what fits
/// in a 1500-byte Ethernet frame under IPv6 and UDP headers.
pub const DEFAULT_MTU: u16 = 1452;

/// The first retransmission time-out when none is set (RFC 6347 §4.2.4.1).
pub const DEFAULT_INITIAL_TIMEOUT_MS: u32 = 1000;

fn digest(hash: i32) -> Option<MessageDigest> {
    use hash_algorithm::*;
    Some(match hash {
        MD5 => MessageDigest::md5(),
        SHA1 => MessageDigest::sha1(),
        SHA224 => MessageDigest::sha224(),
        SHA256 => MessageDigest::sha256(),
        SHA384 => MessageDigest::sha384(),
        SHA512 => MessageDigest::sha512(),
        SHA3_224 => MessageDigest::sha3_224(),
        SHA3_256 => MessageDigest::sha3_256(),
        SHA3_384 => MessageDigest::sha3_384(),
        SHA3_512 => MessageDigest::sha3_512(),
        _ => return None,
    })
}

mod cookie;
mod glue;
mod io;
mod records;
mod verifier;

pub use cookie::CookieParams;
use cookie::*;
use glue::*;
use io::*;
use records::*;
pub use verifier::Verifier;

// ---- context --------------------------------------------------------------------

/// True for Qt's DTLS protocol values.
pub(crate) fn is_dtls_protocol(p: i32) -> bool {
    matches!(
        p,
        protocol::DTLS_V1_0
            | protocol::DTLS_V1_0_OR_LATER
            | protocol::DTLS_V1_2
            | protocol::DTLS_V1_2_OR_LATER
    )
}

/// Version bounds of a DTLS protocol value (spec §7.2, Qt 6 meanings).
pub(crate) fn version_bounds(p: i32) -> Result<(SslVersion, Option<SslVersion>), Error> {
    Ok(match p {
        protocol::DTLS_V1_0 => (SslVersion::DTLS1, Some(SslVersion::DTLS1)),
        protocol::DTLS_V1_0_OR_LATER => (SslVersion::DTLS1, None),
        protocol::DTLS_V1_2 => (SslVersion::DTLS1_2, Some(SslVersion::DTLS1_2)),
        protocol::DTLS_V1_2_OR_LATER => (SslVersion::DTLS1_2, None),
        other => {
            return Err(Error::invalid(format!(
                "protocol {other} is not a DTLS protocol; a DTLS connection needs DtlsV1_2, \
                 DtlsV1_2OrLater (the DTLS default), DtlsV1_0 or DtlsV1_0OrLater"
            )));
        }
    })
}

/// The method of a context: DTLS for DTLS protocol values.
pub(crate) fn method(dtls: bool, server: bool) -> SslMethod {
    match (dtls, server) {
        (true, true) => SslMethod::dtls_server(),
        (true, false) => SslMethod::dtls_client(),
        (false, true) => SslMethod::tls_server(),
        (false, false) => SslMethod::tls_client(),
    }
}

/// DTLS-only context settings: the cookie callbacks on servers. They run
/// only when a cookie exchange happens: a server `Dtls` that verifies
/// cookies (the configuration's dtlsCookieVerificationEnabled) starts from
/// the client's hello through DTLSv1_listen, and the verifier always does.
pub(crate) fn configure_context(b: &mut SslContextBuilder, server: bool) {
    if server {
        install_cookie_callbacks(b);
    }
}

// ---- the connection ----------------------------------------------------------------

/// Where a call's outgoing datagrams go.
#[derive(Clone, Copy, Debug)]
pub enum Io {
    /// The application's UDP socket.
    Fd(RawFd),
    /// The queue the application takes datagrams from.
    Memory,
}

/// A failure: QDtlsError code and the error.
fn failure(code: i32, e: Error) -> (i32, Error) {
    (code, e)
}

type Res<T> = Result<T, (i32, Error)>;

fn invalid_op(msg: &str) -> (i32, Error) {
    failure(
        dtls_error::INVALID_OPERATION,
        Error::InvalidState(msg.into()),
    )
}

fn invalid_input(msg: impl Into<String>) -> (i32, Error) {
    failure(dtls_error::INVALID_INPUT_PARAMETERS, Error::invalid(msg))
}

/// A DTLS connection (Qt's QDtls).
pub struct Dtls {
    // Declared first so it is dropped before `extra`, which its callbacks use.
    ssl: Option<Ssl>,
    extra: Box<SslExtra>,
    mode: Mode,
    config: SslConfiguration,
    peer: Option<SocketAddr>,
    peer_name: String,
    mtu_hint: u16,
    state: i32,
    encrypted: bool,
    shared: SharedState,
    psk_override: Option<Arc<dyn PskHandler>>,
    errors: Vec<SslError>,
    ignore_list: Vec<SslError>,
    session: Option<SslConfiguration>,
    error: i32,
    error_string: String,
    out: VecDeque<Vec<u8>>,
}

impl Dtls {
    /// A connection on side `mode` with the default DTLS configuration.
    pub fn new(mode: Mode) -> Self {
        Dtls {
            ssl: None,
            extra: Box::new(SslExtra {
                cookie: CookieParams::default(),
                peer: Vec::new(),
                initial_timeout_us: DEFAULT_INITIAL_TIMEOUT_MS * 1000,
            }),
            mode,
            config: SslConfiguration::default_dtls_configuration(),
            peer: None,
            peer_name: String::new(),
            mtu_hint: 0,
            state: handshake_state::NOT_STARTED,
            encrypted: false,
            shared: ConnShared::new(SslConfiguration::default(), ConnState::default()),
            psk_override: None,
            errors: Vec::new(),
            ignore_list: Vec::new(),
            session: None,
            error: dtls_error::NO_ERROR,
            error_string: String::new(),
            out: VecDeque::new(),
        }
    }

    /// Records the outcome of an operation (Qt clears the error first).
    fn record<T>(&mut self, r: Res<T>) -> Result<T, Error> {
        match r {
            Ok(v) => {
                self.error = dtls_error::NO_ERROR;
                self.error_string.clear();
                Ok(v)
            }
            Err((code, e)) => {
                self.error = code;
                self.error_string = e.to_string();
                Err(e)
            }
        }
    }

    /// QDtls::sslMode().
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// QDtls::setDtlsConfiguration(): only before the handshake; the
    /// configuration must have a DTLS protocol, and its OpenSSL context is
    /// built now so a bad configuration fails before any I/O.
    pub fn set_dtls_configuration(&mut self, cfg: &SslConfiguration) -> Result<(), Error> {
        let r = (|| {
            if self.state != handshake_state::NOT_STARTED || self.encrypted {
                return Err(invalid_op(
                    "the configuration cannot change once the handshake has started",
                ));
            }
            check_dtls_config(cfg)?;
            Ok(())
        })();
        if r.is_ok() {
            self.config = cfg.clone();
        }
        self.record(r)
    }

    /// QDtls::dtlsConfiguration(): the configuration, with the session state
    /// (peer certificate and chain, cipher, protocol) once the handshake
    /// completed.
    pub fn dtls_configuration(&self) -> SslConfiguration {
        match (&self.session, self.encrypted) {
            (Some(s), true) => s.clone(),
            _ => self.config.clone(),
        }
    }

    /// QDtls::setPeer(): address, port and the name to verify the peer's
    /// certificate against (empty: the address).
    pub fn set_peer(&mut self, addr: IpAddr, port: u16, name: &str) -> Result<(), Error> {
        let r = (|| {
            if self.state != handshake_state::NOT_STARTED || self.encrypted {
                return Err(invalid_op(
                    "the peer cannot change once the handshake has started",
                ));
            }
            check_peer_address(addr)?;
            Ok(())
        })();
        if r.is_ok() {
            self.peer = Some(SocketAddr::new(addr, port));
            self.peer_name = name.to_string();
        }
        self.record(r)
    }

    /// QDtls::setPeerVerificationName().
    pub fn set_peer_verification_name(&mut self, name: &str) -> Result<(), Error> {
        let r = if self.state != handshake_state::NOT_STARTED || self.encrypted {
            Err(invalid_op(
                "the peer verification name cannot change once the handshake has started",
            ))
        } else {
            Ok(())
        };
        if r.is_ok() {
            self.peer_name = name.to_string();
        }
        self.record(r)
    }

    /// QDtls::peerAddress() / peerPort() (None until set).
    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// QDtls::peerVerificationName(): the name set, else the address text.
    pub fn peer_verification_name(&self) -> String {
        self.peer_name.clone()
    }

    /// QDtls::setMtuHint() (0: qssl's default, [`DEFAULT_MTU`]).
    pub fn set_mtu_hint(&mut self, mtu: u16) {
        self.mtu_hint = mtu;
    }

    /// QDtls::mtuHint().
    pub fn mtu_hint(&self) -> u16 {
        self.mtu_hint
    }

    /// Beyond Qt: the first retransmission time-out (doubling up to 60 s);
    /// only before the handshake starts.
    pub fn set_initial_timeout_ms(&mut self, ms: u32) -> Result<(), Error> {
        let r = if self.ssl.is_some() {
            Err(invalid_op(
                "the time-out cannot change once the handshake has started",
            ))
        } else if ms == 0 || ms > 60_000 {
            Err(invalid_input(format!(
                "initial time-out {ms} ms is outside 1..=60000"
            )))
        } else {
            Ok(())
        };
        if r.is_ok() {
            self.extra.initial_timeout_us = ms * 1000;
        }
        self.record(r)
    }

    /// QDtls::setCookieGeneratorParameters().
    pub fn set_cookie_generator_parameters(&mut self, p: CookieParams) -> Result<(), Error> {
        let r = if self.ssl.is_some() {
            Err(invalid_op(
                "the cookie parameters cannot change once the handshake has started",
            ))
        } else {
            Ok(())
        };
        if r.is_ok() {
            self.extra.cookie = p;
        }
        self.record(r)
    }

    /// QDtls::cookieGeneratorParameters().
    pub fn cookie_generator_parameters(&self) -> &CookieParams {
        &self.extra.cookie
    }

    /// QDtls::handshakeState().
    pub fn handshake_state(&self) -> i32 {
        self.state
    }

    /// QDtls::isConnectionEncrypted().
    pub fn is_connection_encrypted(&self) -> bool {
        self.encrypted
    }

    /// QDtls::sessionCipher() (null unless encrypted).
    pub fn session_cipher(&self) -> Cipher {
        match (&self.session, self.encrypted) {
            (Some(s), true) => s.session_cipher().clone(),
            _ => Cipher::null(),
        }
    }

    /// QDtls::sessionProtocol() (UnknownProtocol unless encrypted).
    pub fn session_protocol(&self) -> i32 {
        match (&self.session, self.encrypted) {
            (Some(s), true) => s.session_protocol(),
            _ => protocol::UNKNOWN_PROTOCOL,
        }
    }

    /// QDtls::dtlsError().
    pub fn dtls_error(&self) -> i32 {
        self.error
    }

    /// QDtls::dtlsErrorString().
    pub fn dtls_error_string(&self) -> &str {
        &self.error_string
    }

    /// QDtls::peerVerificationErrors().
    pub fn peer_verification_errors(&self) -> &[SslError] {
        &self.errors
    }

    /// QDtls::ignoreVerificationErrors().
    pub fn ignore_verification_errors(&mut self, list: Vec<SslError>) {
        self.ignore_list = list;
    }

    /// A PSK handler for this connection (wins over the configuration's);
    /// only before the handshake.
    pub fn set_psk_handler(&mut self, h: Option<Arc<dyn PskHandler>>) -> Result<(), Error> {
        let r = if self.ssl.is_some() {
            Err(invalid_op(
                "the PSK callback cannot change once the handshake has started",
            ))
        } else {
            Ok(())
        };
        if r.is_ok() {
            self.psk_override = h;
        }
        self.record(r)
    }

    /// How often the PSK callback ran in the current handshake.
    pub fn psk_callback_calls(&self) -> u32 {
        lock(&self.shared).psk_calls
    }

    /// Beyond Qt: the time until the next retransmission deadline, if a
    /// handshake timer runs.
    pub fn next_timeout(&self) -> Option<Duration> {
        let ssl = self.ssl.as_ref()?;
        let mut tv = libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        // SAFETY: live SSL; DTLSv1_get_timeout writes one timeval.
        let r =
            unsafe { sys::SSL_ctrl(ssl.as_ptr(), DTLS_CTRL_GET_TIMEOUT, 0, (&raw mut tv).cast()) };
        if r != 1 {
            return None;
        }
        Some(Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64))
    }

    /// Beyond Qt: the next datagram waiting to be sent on a memory transport.
    pub fn take_datagram(&mut self) -> Option<Vec<u8>> {
        self.out.pop_front()
    }

    /// Beyond Qt: the next datagram waiting on a memory transport, left queued.
    pub fn peek_datagram(&self) -> Option<&[u8]> {
        self.out.front().map(Vec::as_slice)
    }

    /// Beyond Qt: datagrams waiting on a memory transport.
    pub fn pending_datagrams(&self) -> usize {
        self.out.len()
    }

    /// Beyond Qt: the next waiting datagram's size (0 if none).
    pub fn next_datagram_size(&self) -> usize {
        self.out.front().map_or(0, Vec::len)
    }

    fn verifying(&self) -> bool {
        let m = self.config.peer_verify_mode();
        m == verify_mode::VERIFY_PEER
            || (m == verify_mode::AUTO_VERIFY_PEER && self.mode == Mode::Client)
    }

    /// Creates the `SSL` for a new handshake.
    fn start(&mut self) -> Res<()> {
        let server = self.mode == Mode::Server;
        check_dtls_config(&self.config)?;
        if server && self.peer.is_none() {
            return Err(invalid_op(
                "a DTLS server needs the client's address and port (set_peer) before the handshake",
            ));
        }
        let ctx = context_for(&self.config, server)
            .map_err(|e| failure(dtls_error::TLS_INITIALIZATION_ERROR, e))?;
        let init = |e: openssl::error::ErrorStack| {
            failure(
                dtls_error::TLS_INITIALIZATION_ERROR,
                Error::tls("cannot create a DTLS session", Some(&e)),
            )
        };
        let mut ssl = Ssl::new(ctx).map_err(init)?;
        attach_bio(&mut ssl).map_err(|e| failure(dtls_error::TLS_INITIALIZATION_ERROR, e))?;
        self.extra.peer = peer_bytes(self.peer);
        set_extra(&mut ssl, &self.extra)
            .map_err(|e| failure(dtls_error::TLS_INITIALIZATION_ERROR, e))?;
        let verifying = self.verifying();
        let has_psk = self.psk_override.is_some() || self.config.psk_handler().is_some();
        let state = ConnState {
            psk_handler: self.psk_override.clone(),
            interrupt_on_error: self.config.handshake_must_interrupt_on_error() && verifying,
            ..ConnState::default()
        };
        self.shared = ConnShared::new(self.config.clone(), state);
        callbacks::attach(&mut ssl, self.shared.clone())
            .map_err(|e| failure(dtls_error::TLS_INITIALIZATION_ERROR, e))?;
        // qssl's verify mode on the SSL itself (the context's is the
        // fail-closed one for SSLs other code makes).
        callbacks::set_ssl_verify(
            &mut ssl,
            super::context::ssl_verify_mode(
                self.config.peer_verify_mode(),
                self.config.missing_certificate_is_fatal(),
            ),
        );
        if has_psk {
            callbacks::install_psk(&mut ssl, server);
        }
        let mtu = if self.mtu_hint == 0 {
            DEFAULT_MTU
        } else {
            self.mtu_hint
        };
        // SAFETY: live SSL; plain setters.
        unsafe {
            SSL_set_options(ssl.as_ptr(), sys::SSL_OP_NO_QUERY_MTU);
            if sys::SSL_ctrl(
                ssl.as_ptr(),
                sys::SSL_CTRL_SET_MTU,
                mtu as c_long,
                std::ptr::null_mut(),
            ) <= 0
            {
                crate::ossl::clear_error_queue();
                return Err(invalid_input(format!(
                    "MTU hint {mtu} is too small for DTLS"
                )));
            }
            DTLS_set_timer_cb(ssl.as_ptr(), Some(timer_cb));
        }
        if server {
            ssl.set_accept_state();
        } else {
            ssl.set_connect_state();
            let n = self.peer_name.trim_end_matches('.');
            if !n.is_empty()
                && !crate::model::cert::is_ip_literal(n.as_bytes())
                && !self
                    .config
                    .test_ssl_option(ssl_option::DISABLE_SERVER_NAME_INDICATION)
            {
                ssl.set_hostname(n).map_err(|e| {
                    invalid_input(crate::error::with_openssl(
                        format!("invalid server name '{n}'"),
                        Some(&e),
                    ))
                })?;
            }
        }
        self.errors.clear();
        self.session = None;
        self.ssl = Some(ssl);
        Ok(())
    }

    fn reset(&mut self) {
        self.ssl = None;
        self.state = handshake_state::NOT_STARTED;
        self.encrypted = false;
    }

    fn flush(&mut self, io: Io) -> Res<()> {
        match &self.ssl {
            Some(ssl) => flush(ssl, io, self.peer, &mut self.out),
            None => Ok(()),
        }
    }

    fn push_datagram(&mut self, d: &[u8]) {
        let d = drop_short_protected_records(d);
        if d.is_empty() {
            return;
        }
        if let Some(q) = self.ssl.as_ref().and_then(ssl_queues) {
            q.inbound.push_back(d);
        }
    }

    /// QDtls::doHandshake(): starts the handshake (a client with no
    /// datagram; a server with the client's verified ClientHello) or
    /// continues it with a datagram from the peer.
    pub fn do_handshake(&mut self, io: Io, dgram: &[u8]) -> Result<(), Error> {
        let r = self.do_handshake_inner(io, dgram);
        self.record(r)
    }

    fn do_handshake_inner(&mut self, io: Io, dgram: &[u8]) -> Res<()> {
        match self.state {
            handshake_state::NOT_STARTED => {
                if self.encrypted {
                    return Err(invalid_op("the connection is already encrypted"));
                }
                if self.mode == Mode::Server && dgram.is_empty() {
                    return Err(invalid_input(
                        "a DTLS server starts its handshake with the client's ClientHello datagram",
                    ));
                }
                self.start()?;
                self.state = handshake_state::IN_PROGRESS;
                if self.mode == Mode::Server && self.config.dtls_cookie_verification_enabled() {
                    return self.listen(io, dgram);
                }
            }
            handshake_state::IN_PROGRESS => {}
            handshake_state::PEER_VERIFICATION_FAILED => {
                return Err(invalid_op(
                    "peer verification failed: call resume_handshake() or abort_handshake()",
                ));
            }
            _ => return Err(invalid_op("the handshake is already complete")),
        }
        if !dgram.is_empty() {
            self.push_datagram(dgram);
        }
        self.step(io)
    }

    /// A server that verifies cookies starts from the client's hello with
    /// DTLSv1_listen, which checks the cookie (answering a hello without a
    /// valid one with a HelloVerifyRequest and keeping nothing) and sets the
    /// record layer up to continue the handshake from that hello.
    fn listen(&mut self, io: Io, dgram: &[u8]) -> Res<()> {
        self.push_datagram(dgram);
        let Some(ssl) = &self.ssl else {
            return Err(invalid_op("no handshake in progress"));
        };
        let rc = listen_once(ssl);
        crate::ossl::clear_error_queue();
        let sent = self.flush(io);
        if rc != 1 {
            // No valid cookie (or not a ClientHello): nothing is kept.
            self.reset();
            return sent;
        }
        sent?;
        self.step(io)
    }

    fn step(&mut self, io: Io) -> Res<()> {
        let Some(ssl) = &self.ssl else {
            return Err(invalid_op("no handshake in progress"));
        };
        // SAFETY: live SSL.
        let rc = unsafe { sys::SSL_do_handshake(ssl.as_ptr()) };
        // SAFETY: live SSL; `rc` is the step's return value.
        let err = if rc == 1 {
            0
        } else {
            // SAFETY: live SSL; `rc` is the step's return value.
            unsafe { sys::SSL_get_error(ssl.as_ptr(), rc) }
        };
        let sent = self.flush(io);
        if rc == 1 {
            sent?;
            return self.finish();
        }
        if err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE {
            crate::ossl::clear_error_queue();
            return sent;
        }
        let text = ssl_failure_text(&self.shared);
        let (refused, interrupted, chain) = {
            let st = lock(&self.shared);
            (
                st.psk_refused || st.psk_error.is_some(),
                st.interrupt_on_error && !st.chain_errors.is_empty(),
                st.chain_errors.clone(),
            )
        };
        self.reset();
        let msg = format!(
            "DTLS handshake failed{}{text}",
            if text.is_empty() { "" } else { ": " }
        );
        if interrupted {
            self.errors = chain
                .into_iter()
                .map(|c| SslError::from_x509_verify_error(c.code, c.cert))
                .collect();
            return Err(failure(
                dtls_error::PEER_VERIFICATION_ERROR,
                Error::Verification(format!("{msg} (interrupted on a verification error)")),
            ));
        }
        let e = if refused {
            Error::CallbackRefused(msg)
        } else {
            Error::Tls(msg)
        };
        Err(failure(dtls_error::TLS_FATAL_ERROR, e))
    }

    fn finish(&mut self) -> Res<()> {
        let Some(ssl) = &self.ssl else {
            return Err(invalid_op("no handshake in progress"));
        };
        let server = self.mode == Mode::Server;
        let (s, _) = capture_state_lazy(&self.config, ssl, server, lock(&self.shared).alpn_status);
        let st = lock(&self.shared);
        let name = if self.peer_name.is_empty() {
            self.peer.map(|p| p.ip().to_string())
        } else {
            Some(self.peer_name.clone())
        };
        let inputs = ErrorInputs {
            is_server: server,
            verifying: self.verifying(),
            peer_verify_name: name.as_deref(),
            peer_certificate: s.peer_certificate(),
            chain_errors: &st.chain_errors,
            ocsp_requested: false,
            ocsp_errors: &[],
            ocsp_seen: false,
        };
        let errors = collect_errors(&inputs);
        drop(st);
        self.session = Some(s);
        self.errors = errors;
        if self.verifying() && !self.errors.is_empty() && !self.all_ignored() {
            self.state = handshake_state::PEER_VERIFICATION_FAILED;
            return Err(failure(
                dtls_error::PEER_VERIFICATION_ERROR,
                Error::Verification(format!("peer verification failed: {}", self.error_list())),
            ));
        }
        self.state = handshake_state::COMPLETE;
        self.encrypted = true;
        Ok(())
    }

    fn error_list(&self) -> String {
        self.errors
            .iter()
            .map(|e| format!("{} ({})", e.error_string(), e.code))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn all_ignored(&self) -> bool {
        self.errors.iter().all(|e| {
            self.ignore_list.iter().any(|i| {
                i.code == e.code && (i.certificate.is_null() || i.certificate == e.certificate)
            })
        })
    }

    /// QDtls::handleTimeout(): retransmits the last flight if its deadline
    /// passed. `Ok(true)` when something was retransmitted.
    pub fn handle_timeout(&mut self, io: Io) -> Result<bool, Error> {
        let r = self.handle_timeout_inner(io);
        self.record(r)
    }

    fn handle_timeout_inner(&mut self, io: Io) -> Res<bool> {
        if self.state != handshake_state::IN_PROGRESS && !self.encrypted {
            return Err(invalid_op("no handshake in progress"));
        }
        let Some(ssl) = &self.ssl else {
            return Err(invalid_op("no handshake in progress"));
        };
        // SAFETY: live SSL.
        let r = unsafe {
            sys::SSL_ctrl(
                ssl.as_ptr(),
                DTLS_CTRL_HANDLE_TIMEOUT,
                0,
                std::ptr::null_mut(),
            )
        };
        self.flush(io)?;
        if r < 0 {
            let text = ssl_failure_text(&self.shared);
            self.reset();
            return Err(failure(
                dtls_error::TLS_FATAL_ERROR,
                Error::Tls(format!(
                    "DTLS handshake timed out after too many retransmissions{}{text}",
                    if text.is_empty() { "" } else { ": " }
                )),
            ));
        }
        crate::ossl::clear_error_queue();
        Ok(r > 0)
    }

    /// QDtls::resumeHandshake(): after PeerVerificationFailed, with the
    /// errors now ignored, completes the handshake.
    pub fn resume_handshake(&mut self) -> Result<(), Error> {
        let r = if self.state != handshake_state::PEER_VERIFICATION_FAILED {
            Err(invalid_op(
                "resume_handshake() is only for a handshake stopped by peer verification errors",
            ))
        } else if !self.all_ignored() {
            Err(failure(
                dtls_error::PEER_VERIFICATION_ERROR,
                Error::Verification(format!("peer verification failed: {}", self.error_list())),
            ))
        } else {
            self.state = handshake_state::COMPLETE;
            self.encrypted = true;
            Ok(())
        };
        self.record(r)
    }

    /// QDtls::abortHandshake(): drops a handshake in progress or stopped by
    /// verification errors (sending close_notify in the latter case).
    pub fn abort_handshake(&mut self, io: Io) -> Result<(), Error> {
        let r = (|| {
            match self.state {
                handshake_state::IN_PROGRESS => {}
                handshake_state::PEER_VERIFICATION_FAILED => {
                    if let Some(ssl) = &self.ssl {
                        // SAFETY: live SSL with a completed handshake.
                        unsafe { sys::SSL_shutdown(ssl.as_ptr()) };
                        crate::ossl::clear_error_queue();
                    }
                    let sent = self.flush(io);
                    self.reset();
                    return sent;
                }
                _ => return Err(invalid_op("no handshake to abort")),
            }
            self.reset();
            Ok(())
        })();
        self.record(r)
    }

    /// QDtls::shutdown(): sends close_notify and ends the connection.
    pub fn shutdown(&mut self, io: Io) -> Result<(), Error> {
        let r = (|| {
            if !self.encrypted {
                return Err(invalid_op("no encrypted connection to shut down"));
            }
            if let Some(ssl) = &self.ssl {
                // SAFETY: live SSL.
                unsafe { sys::SSL_shutdown(ssl.as_ptr()) };
                crate::ossl::clear_error_queue();
            }
            let sent = self.flush(io);
            self.reset();
            sent
        })();
        self.record(r)
    }

    /// The largest datagram payload `write_datagram_encrypted` accepts.
    pub fn data_mtu(&self) -> usize {
        match &self.ssl {
            // SAFETY: live SSL.
            Some(ssl) if self.encrypted => unsafe { DTLS_get_data_mtu(ssl.as_ptr()) },
            _ => 0,
        }
    }

    /// QDtls::writeDatagramEncrypted(): encrypts `data` into one record in
    /// one datagram and sends it; returns `data.len()`.
    pub fn write_datagram_encrypted(&mut self, io: Io, data: &[u8]) -> Result<usize, Error> {
        let r = self.write_inner(io, data);
        self.record(r)
    }

    fn write_inner(&mut self, io: Io, data: &[u8]) -> Res<usize> {
        if !self.encrypted {
            return Err(invalid_op(
                "cannot write: the DTLS connection is not encrypted",
            ));
        }
        let max = self.data_mtu();
        if data.len() > max {
            return Err(invalid_input(format!(
                "a datagram of {} bytes does not fit in one DTLS record within the MTU \
                 ({max} bytes of payload at most)",
                data.len()
            )));
        }
        if data.is_empty() {
            return Ok(0);
        }
        let Some(ssl) = &self.ssl else {
            return Err(invalid_op("not connected"));
        };
        // SAFETY: live SSL; `data` readable; len <= MTU < i32::MAX.
        let rc = unsafe { sys::SSL_write(ssl.as_ptr(), data.as_ptr().cast(), data.len() as c_int) };
        let err = if rc > 0 {
            0
        } else {
            // SAFETY: live SSL; `rc` is the step's return value.
            unsafe { sys::SSL_get_error(ssl.as_ptr(), rc) }
        };
        self.flush(io)?;
        if rc <= 0 {
            let text = ssl_failure_text(&self.shared);
            let _ = err;
            return Err(failure(
                dtls_error::TLS_NON_FATAL_ERROR,
                Error::Tls(format!("DTLS write failed: {text}")),
            ));
        }
        Ok(rc as usize)
    }

    /// QDtls::decryptDatagram(): the plaintext of one datagram (empty for a
    /// datagram that carried no application data, such as a retransmitted
    /// handshake message, or that was dropped as invalid).
    pub fn decrypt_datagram(&mut self, io: Io, dgram: &[u8]) -> Result<Vec<u8>, Error> {
        let r = self.decrypt_inner(io, dgram);
        self.record(r)
    }

    fn decrypt_inner(&mut self, io: Io, dgram: &[u8]) -> Res<Vec<u8>> {
        if !self.encrypted {
            return Err(invalid_op(
                "cannot decrypt: the DTLS connection is not encrypted",
            ));
        }
        if dgram.is_empty() {
            return Ok(Vec::new());
        }
        self.push_datagram(dgram);
        let mut out = Vec::new();
        let mut buf = vec![0u8; 16384 + 2048];
        let mut closed = false;
        let mut failed = None;
        if let Some(ssl) = &self.ssl {
            loop {
                // SAFETY: live SSL; `buf` writable.
                let rc = unsafe {
                    sys::SSL_read(ssl.as_ptr(), buf.as_mut_ptr().cast(), buf.len() as c_int)
                };
                if rc > 0 {
                    out.extend_from_slice(&buf[..rc as usize]);
                    continue;
                }
                // SAFETY: live SSL; `rc` is the step's return value.
                let err = unsafe { sys::SSL_get_error(ssl.as_ptr(), rc) };
                if err == SSL_ERROR_ZERO_RETURN {
                    closed = true;
                } else if err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE {
                    failed = Some(ssl_failure_text(&self.shared));
                }
                break;
            }
        }
        crate::ossl::clear_error_queue();
        self.flush(io)?;
        if closed {
            self.reset();
            return Err(failure(
                dtls_error::REMOTE_CLOSED_CONNECTION_ERROR,
                Error::Closed("the peer closed the DTLS connection (close_notify)".into()),
            ));
        }
        if let Some(t) = failed {
            return Err(failure(
                dtls_error::TLS_NON_FATAL_ERROR,
                Error::Tls(format!("DTLS decryption failed: {t}")),
            ));
        }
        Ok(out)
    }
}
