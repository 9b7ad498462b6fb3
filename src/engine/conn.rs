//! A TLS connection driven by a configuration (the handshake part of
//! QSslSocket), over a socket or a memory transport.

use std::ffi::{CStr, c_long};
use std::io::ErrorKind;
use std::sync::{Arc, OnceLock, RwLock};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::ssl::{ErrorCode, SslSession, SslVersion};

use super::callbacks::{self, Alert, ConnShared, ConnState, SharedState, lock};
use super::context::{context_for, new_ssl, session_for, ssl_verify_mode};
use super::transport::{MemoryPipe, SslIo, StepError, StepStop, Transport};
use super::verify::{ErrorInputs, collect_errors};
use crate::Error;
use crate::error::{openssl_reasons, with_openssl};
use crate::model::bytes::OptBytes;
use crate::model::cert::Certificate;
use crate::model::cipher::Cipher;
use crate::model::config::{PskHandler, SessionState, SslConfiguration};
use crate::model::context_inputs::PeerExpiry;
use crate::model::enums::{npn_status, protocol, ssl_option, verify_mode};
use crate::model::key::Key;
use crate::model::ssl_error::SslError;

/// Which side of the handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// SslClientMode.
    Client,
    /// SslServerMode.
    Server,
}

/// What a non-blocking step needs, or that it is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Finished.
    Done,
    /// Needs the transport to become readable (or more bytes fed).
    WantRead,
    /// Needs the transport to become writable.
    WantWrite,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Handshaking,
    Connected,
    Failed,
    Closed,
}

/// A TLS connection.
pub struct Connection {
    stream: SslIo,
    mode: Mode,
    /// The configuration the connection was made from (`shared.config`) and
    /// the state its callbacks write.
    shared: SharedState,
    peer_verify_name: Option<PeerName>,
    peer_verify_mode: i32,
    /// This connection's protocol (Qt's QSslSocket::setProtocol).
    protocol: i32,
    /// This connection's peer verify depth (QSslSocket::setPeerVerifyDepth).
    peer_verify_depth: i32,
    started: bool,
    /// A PSK handler of the connection's own is set (in the shared state).
    own_psk_handler: bool,
    phase: Phase,
    ignore_all: bool,
    ignore_list: Vec<SslError>,
    errors: Vec<SslError>,
    /// The handshake completed (and was judged): the session state below
    /// is reported.
    finished: bool,
    /// The completed handshake resumed a session.
    resumed: bool,
    /// The session state of the completed handshake, read from the `SSL`
    /// when first asked for; the configuration that reports it is built
    /// only when asked for.
    session_state: OnceLock<SessionState>,
    /// The client's session at the end of the handshake, when session
    /// sharing and persistence are enabled: serialised into the ticket only
    /// when `ssl_configuration()` is asked for.
    handshake_session: Option<(SslSession, i32)>,
    /// The peer certificate of the session offered for resumption and its
    /// expiry date, read once per ticket (see `resumed_errors`).
    offered_peer: Option<PeerExpiry>,
    /// The configuration SNI chose (servers; `None`: the one the
    /// connection was made from).
    served: Option<SslConfiguration>,
    failure: Option<Error>,
}

/// The peer verify name in the form the handshake's start needs: followed
/// by a NUL, so the SNI name reaches OpenSSL without a copy, and with the
/// SNI decision made when it is set (not per handshake: no copy, trim or
/// IP-literal check at start).
struct PeerName {
    /// The name as set, then one NUL (a `str` still: NUL is UTF-8).
    text: Box<str>,
    /// The length of the name sent as SNI: the name without its trailing
    /// dots; 0 when none is sent (nothing left, or an IP literal).
    sni_len: usize,
}

impl PeerName {
    /// A name given as a C string: checked to be UTF-8 and copied once,
    /// with its NUL.
    fn from_c(name: &CStr) -> Result<PeerName, Error> {
        let with_nul = name.to_bytes_with_nul();
        let sni_len = match scan_name(&with_nul[..with_nul.len() - 1]) {
            Some(n) => n,
            None => scan_utf8(with_nul)?,
        };
        // SAFETY: UTF-8: ASCII, or checked by `scan_utf8`.
        let text = unsafe { std::str::from_boxed_utf8_unchecked(Box::from(with_nul)) };
        Ok(PeerName { text, sni_len })
    }

    /// A name given as a `str`; one with a NUL character is refused (it
    /// could not be sent as SNI).
    fn from_str(name: &str) -> Result<PeerName, Error> {
        if name.contains('\0') {
            return Err(Error::invalid(
                "the peer verify name contains a NUL character",
            ));
        }
        let mut text = String::with_capacity(name.len() + 1);
        text.push_str(name);
        text.push('\0');
        let sni_len = scan_name(name.as_bytes()).unwrap_or_else(|| sni_len(name.as_bytes()));
        Ok(PeerName {
            text: text.into_boxed_str(),
            sni_len,
        })
    }

    /// The name (without the NUL).
    fn as_str(&self) -> &str {
        self.text.strip_suffix('\0').unwrap_or(&self.text)
    }

    /// Sends the name as SNI on `ssl` (the caller checked `sni_len != 0`).
    fn set_sni(&self, ssl: &mut openssl::ssl::SslRef) -> Result<(), Error> {
        if self.sni_len + 1 != self.text.len() {
            return self.set_trimmed_sni(ssl);
        }
        // SAFETY: live SSL; the name is NUL-terminated and OpenSSL copies it.
        let ok = unsafe {
            openssl_sys::SSL_ctrl(
                ssl.as_ptr(),
                openssl_sys::SSL_CTRL_SET_TLSEXT_HOSTNAME,
                c_long::from(openssl_sys::TLSEXT_NAMETYPE_host_name),
                self.text.as_ptr().cast_mut().cast(),
            )
        };
        if ok != 1 {
            return Err(invalid_server_name(self.as_str()));
        }
        Ok(())
    }

    /// [`Self::set_sni`] for a name with trailing dots: the trimmed name
    /// is copied (out of line: rare).
    #[cold]
    #[inline(never)]
    fn set_trimmed_sni(&self, ssl: &mut openssl::ssl::SslRef) -> Result<(), Error> {
        let n = &self.text[..self.sni_len];
        ssl.set_hostname(n).map_err(|e| {
            Error::invalid(with_openssl(format!("invalid server name '{n}'"), Some(&e)))
        })
    }
}

/// A peer verify name (without its NUL): the length of the name sent as
/// SNI (see [`sni_len`]), or `None` when it is not ASCII. The loop stops at
/// the first byte that is not ASCII, which keeps it a short scalar loop.
fn scan_name(name: &[u8]) -> Option<usize> {
    for &c in name {
        if !c.is_ascii() {
            return None;
        }
    }
    Some(sni_len(name))
}

/// The length of the SNI name of peer verify name `name`: without its
/// trailing dots; 0 when nothing is left or it is an IP literal (the host
/// check's rule, [`crate::model::cert::is_ip_literal`]).
fn sni_len(name: &[u8]) -> usize {
    let mut end = name.len();
    while end > 0 && name[end - 1] == b'.' {
        end -= 1;
    }
    if end == 0 || crate::model::cert::is_ip_literal(&name[..end]) {
        0
    } else {
        end
    }
}

/// [`scan_name`] for a C string's bytes (with the NUL) that are not all
/// ASCII: the UTF-8 check, then the SNI length. Out of line.
#[cold]
#[inline(never)]
fn scan_utf8(with_nul: &[u8]) -> Result<usize, Error> {
    std::str::from_utf8(with_nul)
        .map_err(|e| Error::invalid(format!("name is not valid UTF-8: {e}")))?;
    Ok(sni_len(&with_nul[..with_nul.len() - 1]))
}

/// OpenSSL refused the SNI name `n` (its reasons appended). Out of line.
#[cold]
#[inline(never)]
fn invalid_server_name(n: &str) -> Error {
    let e = openssl::error::ErrorStack::get();
    Error::invalid(with_openssl(format!("invalid server name '{n}'"), Some(&e)))
}

/// A DTLS protocol given to a TLS connection. Out of line: the constructor
/// runs once per connection and its code is cold each time.
#[cold]
#[inline(never)]
fn dtls_protocol_error(p: i32) -> Error {
    Error::invalid(format!(
        "protocol {p} cannot be used on a TLS connection: it is a DTLS protocol \
         (use a DTLS connection, qssl_dtls_t)"
    ))
}

/// A setting changed after the handshake started. Out of line, so the
/// setters that check it stay short.
#[cold]
#[inline(never)]
fn started_error(what: &str) -> Error {
    Error::InvalidState(format!("{what} cannot change after the handshake started"))
}

/// The name of a TLS alert. OpenSSL 3.0's table predates the TLS 1.3
/// alerts and calls them "unknown"; those are named here.
fn alert_name(kind: i32) -> String {
    let text = crate::ossl::alert_text(kind);
    if text != "unknown" {
        return text;
    }
    match kind {
        109 => "missing extension".into(),
        116 => "certificate required".into(),
        120 => "no application protocol".into(),
        _ => text,
    }
}

fn ssl_version_to_protocol(v: Option<SslVersion>) -> i32 {
    match v {
        Some(SslVersion::TLS1) => protocol::TLS_V1_0,
        Some(SslVersion::TLS1_1) => protocol::TLS_V1_1,
        Some(SslVersion::TLS1_2) => protocol::TLS_V1_2,
        Some(SslVersion::TLS1_3) => protocol::TLS_V1_3,
        Some(SslVersion::DTLS1) => protocol::DTLS_V1_0,
        Some(SslVersion::DTLS1_2) => protocol::DTLS_V1_2,
        _ => protocol::UNKNOWN_PROTOCOL,
    }
}

impl Connection {
    /// A connection over `transport` from `config` on side `mode`. The
    /// configuration's context is built (or taken from its cache) now, so a
    /// bad configuration fails here, before any I/O.
    pub fn new(config: &SslConfiguration, mode: Mode, transport: Transport) -> Result<Self, Error> {
        let server = mode == Mode::Server;
        if super::dtls::is_dtls_protocol(config.protocol()) {
            return Err(dtls_protocol_error(config.protocol()));
        }
        let mut ssl = new_ssl(context_for(config, server)?)?;
        let state = ConnState {
            ocsp_requested: !server && config.ocsp_stapling_enabled(),
            ..ConnState::default()
        };
        // The connection's one copy of the configuration, shared with its
        // callbacks.
        let shared = ConnShared::with_transport(config.clone(), state, transport);
        callbacks::attach_new(&mut ssl, shared.clone())?;
        // SAFETY: a live SSL of this connection (no wrapper call: the
        // `openssl` crate's is one more function per connection).
        unsafe {
            if server {
                openssl_sys::SSL_set_accept_state(ssl.as_ptr());
            } else {
                openssl_sys::SSL_set_connect_state(ssl.as_ptr());
            }
        }
        let stream = SslIo::new(ssl, &shared)?;
        Ok(Connection {
            stream,
            mode,
            shared,
            peer_verify_name: None,
            peer_verify_mode: config.peer_verify_mode(),
            protocol: config.protocol(),
            peer_verify_depth: config.peer_verify_depth(),
            started: false,
            own_psk_handler: false,
            phase: Phase::Handshaking,
            ignore_all: false,
            ignore_list: Vec::new(),
            errors: Vec::new(),
            finished: false,
            resumed: false,
            session_state: OnceLock::new(),
            handshake_session: None,
            offered_peer: None,
            served: None,
            failure: None,
        })
    }

    /// The side of this connection.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Sets the name used for SNI and the host-name check (clients). A name
    /// with a NUL character is refused (it could not be sent as SNI).
    pub fn set_peer_verify_name(&mut self, name: &str) -> Result<(), Error> {
        self.before_start("the peer verify name")?;
        self.peer_verify_name = Some(PeerName::from_str(name)?);
        Ok(())
    }

    /// [`Self::set_peer_verify_name`] for a C string (not UTF-8: refused):
    /// copied once, as it is.
    pub(crate) fn set_peer_verify_name_c(&mut self, name: &CStr) -> Result<(), Error> {
        self.before_start("the peer verify name")?;
        self.peer_verify_name = Some(PeerName::from_c(name)?);
        Ok(())
    }

    /// The peer verify name ("" if none).
    pub fn peer_verify_name(&self) -> &str {
        self.peer_verify_name.as_ref().map_or("", PeerName::as_str)
    }

    /// Overrides the configuration's verify mode for this connection.
    pub fn set_peer_verify_mode(&mut self, m: i32) -> Result<(), Error> {
        self.before_start("the peer verify mode")?;
        self.peer_verify_mode = m;
        Ok(())
    }

    /// The effective verify mode.
    pub fn peer_verify_mode(&self) -> i32 {
        self.peer_verify_mode
    }

    /// Overrides the configuration's protocol for this connection (Qt's
    /// `QSslSocket::setProtocol`): its version bounds replace the
    /// configuration's, including bounds set through the backend
    /// configuration. A DTLS or unknown value is refused now, as the
    /// connection could not start with it.
    pub fn set_protocol(&mut self, p: i32) -> Result<(), Error> {
        self.before_start("the protocol")?;
        super::context::check_tls_protocol(p)?;
        self.protocol = p;
        Ok(())
    }

    /// The effective protocol.
    pub fn protocol(&self) -> i32 {
        self.protocol
    }

    /// Overrides the configuration's peer verify depth for this connection
    /// (Qt's `QSslSocket::setPeerVerifyDepth`; 0 means no limit). Negative
    /// depths are refused and the value is kept.
    pub fn set_peer_verify_depth(&mut self, depth: i32) -> Result<(), Error> {
        self.before_start("the peer verify depth")?;
        if depth < 0 {
            return Err(Error::invalid(format!(
                "peer verify depth {depth} is negative"
            )));
        }
        self.peer_verify_depth = depth;
        Ok(())
    }

    /// The effective peer verify depth.
    pub fn peer_verify_depth(&self) -> i32 {
        self.peer_verify_depth
    }

    /// A PSK handler for this connection only (wins over the configuration's).
    pub fn set_psk_handler(&mut self, h: Option<Arc<dyn PskHandler>>) -> Result<(), Error> {
        self.before_start("the PSK callback")?;
        // None: the configuration's again.
        self.own_psk_handler = h.is_some();
        lock(&self.shared).psk_handler = h;
        Ok(())
    }

    /// Ignore every SSL error of the coming handshake (Qt's ignoreSslErrors()).
    pub fn ignore_ssl_errors(&mut self) {
        self.ignore_all = true;
    }

    /// Ignore these errors (code, and certificate unless null).
    pub fn ignore_ssl_errors_list(&mut self, list: Vec<SslError>) {
        self.ignore_list = list;
    }

    /// The SSL errors found while verifying the peer (Qt's sslHandshakeErrors()).
    pub fn ssl_errors(&self) -> &[SslError] {
        &self.errors
    }

    /// The last alert this side sent.
    pub fn alert_sent(&self) -> Option<(i32, i32)> {
        lock(&self.shared)
            .alert_sent
            .map(|a: Alert| (a.level, a.kind))
    }

    /// The last alert this side received.
    pub fn alert_received(&self) -> Option<(i32, i32)> {
        lock(&self.shared)
            .alert_received
            .map(|a: Alert| (a.level, a.kind))
    }

    /// How often the application's PSK callback ran.
    pub fn psk_callback_calls(&self) -> u32 {
        lock(&self.shared).psk_calls
    }

    /// How many session tickets (new sessions) arrived.
    pub fn session_tickets_received(&self) -> u32 {
        lock(&self.shared).tickets_received
    }

    /// True once the handshake succeeded.
    pub fn is_encrypted(&self) -> bool {
        matches!(self.phase, Phase::Connected)
    }

    /// True when the handshake resumed a session.
    pub fn session_resumed(&self) -> bool {
        self.resumed
    }

    /// The session's cipher, as `ssl_configuration().session_cipher()`
    /// reports it, without building that configuration.
    pub fn session_cipher(&self) -> Cipher {
        match self.session_state() {
            None => self.shared.config.session_cipher().clone(),
            Some(_) if self.phase == Phase::Closed => Cipher::null(),
            Some(s) => s.session_cipher.clone(),
        }
    }

    /// The session's protocol, as `ssl_configuration().session_protocol()`
    /// reports it, without building that configuration.
    pub fn session_protocol(&self) -> i32 {
        match self.session_state() {
            None => self.shared.config.session_protocol(),
            Some(_) if self.phase == Phase::Closed => protocol::UNKNOWN_PROTOCOL,
            Some(s) => s.session_protocol,
        }
    }

    /// Beyond Qt: the configuration serving this connection: the one SNI
    /// chose on a server, otherwise the one it was made from.
    pub fn serving_configuration(&self) -> SslConfiguration {
        super::server::served_configuration(self.stream.ssl())
            .unwrap_or_else(|| self.shared.config.clone())
    }

    /// Beyond Qt: the server name the client asked for (SNI; servers), or
    /// the one this client sends.
    pub fn requested_server_name(&self) -> Option<String> {
        self.stream
            .ssl()
            .servername(openssl::ssl::NameType::HOST_NAME)
            .map(str::to_owned)
    }

    /// The memory transport, if this connection uses one.
    pub fn memory(&mut self) -> Option<&mut MemoryPipe> {
        match self.stream.transport_mut() {
            Transport::Memory(p) => Some(p),
            Transport::Fd(_) => None,
        }
    }

    /// The raw OpenSSL session object, for applications that drive OpenSSL themselves.
    pub fn ssl(&self) -> &openssl::ssl::SslRef {
        self.stream.ssl()
    }

    #[inline]
    fn before_start(&self, what: &str) -> Result<(), Error> {
        if self.started {
            Err(started_error(what))
        } else {
            Ok(())
        }
    }

    fn verifying(&self) -> bool {
        self.peer_verify_mode == verify_mode::VERIFY_PEER
            || (self.peer_verify_mode == verify_mode::AUTO_VERIFY_PEER && self.mode == Mode::Client)
    }

    /// Per-connection set-up before the first handshake step.
    fn start(&mut self) -> Result<(), Error> {
        self.started = true;
        let server = self.mode == Mode::Server;
        // What the configuration says, read in place: no copy of it (a copy
        // is a write to a reference count every connection made from it
        // shares).
        let cfg = &self.shared.config;
        if cfg.handshake_must_interrupt_on_error() && self.verifying() {
            interrupt_on_error(&self.shared);
        }
        let has_psk = self.own_psk_handler || cfg.psk_handler().is_some();
        let sni_disabled = cfg.test_ssl_option(ssl_option::DISABLE_SERVER_NAME_INDICATION);
        // Resume from the configured ticket when persistence is enabled.
        let resume = !server
            && !cfg.session_ticket().is_empty()
            && !cfg.test_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE);
        let name = &self.peer_verify_name;
        let depth = self.peer_verify_depth;
        // Disjoint borrows: the SSL mutably, the settings above shared.
        let ssl = self.stream.ssl_mut();
        if self.protocol != cfg.protocol() {
            protocol_override(ssl, self.protocol)?;
        }
        // Everything security-relevant is set on the SSL itself, so the
        // context's settings (which other code may have changed, were the
        // context shared) cannot weaken this connection: verify mode and
        // callback, verify depth (0 is Qt's "no limit": OpenSSL's default,
        // -1), the info callback; PSK below.
        callbacks::set_ssl_verify(
            ssl,
            ssl_verify_mode(self.peer_verify_mode, cfg.missing_certificate_is_fatal()),
        );
        // SAFETY: live SSL.
        unsafe {
            crate::ossl::SSL_set_verify_depth(ssl.as_ptr(), if depth == 0 { -1 } else { depth });
        }
        callbacks::set_ssl_info_callback(ssl);
        if has_psk {
            callbacks::install_psk(ssl, server);
        }
        if !server {
            // SNI: the peer verify name, unless an IP literal or disabled.
            if let Some(n) = name {
                if n.sni_len != 0 && !sni_disabled {
                    n.set_sni(ssl)?;
                }
            }
            if resume {
                self.offered_peer = offer_ticket(cfg, ssl);
            }
            if cfg.ocsp_stapling_enabled() {
                request_ocsp(ssl)?;
            }
        }
        Ok(())
    }

    /// Maps an OpenSSL error of a handshake, read, write or shutdown step.
    /// A want returns at once; everything else is out of line.
    #[inline]
    fn step_error(&mut self, e: StepStop, during: &str) -> Result<Progress, Error> {
        match e {
            StepStop::WantRead => Ok(Progress::WantRead),
            StepStop::WantWrite => Ok(Progress::WantWrite),
            StepStop::Failed(e) => self.step_failure(e, during),
        }
    }

    /// [`Self::step_error`] for anything but WANT_READ/WANT_WRITE: out of
    /// line, so the per-step path stays small.
    #[cold]
    #[inline(never)]
    fn step_failure(&mut self, e: StepError, during: &str) -> Result<Progress, Error> {
        if let Some(io) = e.io_error() {
            if io.kind() == ErrorKind::WouldBlock {
                return Ok(if e.code() == ErrorCode::WANT_WRITE {
                    Progress::WantWrite
                } else {
                    Progress::WantRead
                });
            }
        }
        let st = lock(&self.shared);
        let mut msg = format!("{during} failed");
        if let Some(p) = st.psk_error.as_deref() {
            msg.push_str(&format!(": {p}"));
        }
        if let Some(stack) = e.ssl_error() {
            let r = openssl_reasons(stack);
            if !r.is_empty() {
                msg.push_str(&format!(": {r}"));
            }
        } else if let Some(io) = e.io_error() {
            msg.push_str(&format!(": {io}"));
        } else if e.code() == ErrorCode::SYSCALL || e.code() == ErrorCode::ZERO_RETURN {
            msg.push_str(": the peer closed the connection");
        }
        if let Some(a) = st.alert_sent {
            msg.push_str(&format!(
                "; alert sent: {} ({})",
                alert_name(a.kind),
                a.kind
            ));
        }
        if let Some(a) = st.alert_received {
            msg.push_str(&format!(
                "; alert received: {} ({})",
                alert_name(a.kind),
                a.kind
            ));
        }
        let refused = st.psk_error.is_some();
        drop(st);
        crate::ossl::clear_error_queue();
        let err = if refused {
            Error::CallbackRefused(msg)
        } else if e.code() == ErrorCode::ZERO_RETURN {
            Error::Closed(msg)
        } else if e.code() == ErrorCode::SYSCALL && e.io_error().is_some() {
            Error::Io(msg)
        } else {
            Error::Tls(msg)
        };
        Err(err)
    }

    /// Runs the handshake as far as the transport allows. The steps after
    /// the first take the short path: one `SSL_do_handshake`, and on a want
    /// one `SSL_get_error`.
    #[inline]
    pub fn handshake(&mut self) -> Result<Progress, Error> {
        if self.phase != Phase::Handshaking || !self.started {
            if let Some(r) = self.handshake_first() {
                return r;
            }
        }
        match self.stream.do_handshake() {
            Ok(()) => self.finish_handshake(),
            Err(e) => match self.step_error(e, "TLS handshake") {
                Ok(p) => Ok(p),
                Err(e) => self.handshake_failed(e),
            },
        }
    }

    /// [`Self::handshake`] before the first step (the per-connection
    /// set-up) or after the last: out of line, once per connection. `None`:
    /// set up, the step follows (in the caller: one copy of the step code).
    #[cold]
    #[inline(never)]
    fn handshake_first(&mut self) -> Option<Result<Progress, Error>> {
        if self.phase != Phase::Handshaking {
            return Some(self.not_handshaking());
        }
        if let Err(e) = self.start() {
            return Some(self.fail(e));
        }
        None
    }

    /// A handshake step failed: out of line, so the per-step path stays
    /// small.
    #[cold]
    #[inline(never)]
    fn handshake_failed(&mut self, e: Error) -> Result<Progress, Error> {
        // Interrupt-on-error: report the verification error that stopped it.
        let st = lock(&self.shared);
        let interrupted = st.interrupt_on_error && !st.chain_errors.is_empty();
        let chain = st.chain_errors.clone();
        drop(st);
        if interrupted {
            self.errors = chain
                .into_iter()
                .map(|c| SslError::from_x509_verify_error(c.code, c.cert))
                .collect();
            let e = Error::Verification(format!(
                "{e} (handshake interrupted on a verification error)"
            ));
            return self.fail(e);
        }
        self.fail(e)
    }

    /// [`Self::handshake`] on a failed or closed connection: why it cannot run.
    #[cold]
    #[inline(never)]
    fn not_handshaking(&self) -> Result<Progress, Error> {
        match self.phase {
            Phase::Connected | Phase::Handshaking => Ok(Progress::Done),
            Phase::Failed => Err(self
                .failure
                .clone()
                .unwrap_or_else(|| Error::InvalidState("the handshake failed".into()))),
            Phase::Closed => Err(Error::InvalidState("the connection is closed".into())),
        }
    }

    fn fail<T>(&mut self, e: Error) -> Result<T, Error> {
        self.phase = Phase::Failed;
        self.failure = Some(e.clone());
        Err(e)
    }

    /// After a successful handshake: compute the SSL errors and decide (Qt
    /// decides after the handshake, §9.1). Only what the decision needs is
    /// read here (the peer certificate only where a check can use it); the
    /// session state Qt reports is read from the `SSL`, which lives as long
    /// as the connection, when the application first asks for it
    /// ([`Self::session_state`]). Out of line: it runs once per connection,
    /// the handshake steps around it many times (and the cost table of
    /// docs/PERFORMANCE.md reads it by name). The common case, nothing to
    /// judge (no peer certificate to check, not verifying, not resumed, no
    /// chain error recorded), takes a short path; the rest is out of line
    /// ([`Self::judge`]).
    #[inline(never)]
    fn finish_handshake(&mut self) -> Result<Progress, Error> {
        let server = self.mode == Mode::Server;
        if server {
            // The configuration that served the connection (SNI may have
            // chosen one).
            if let Some(b) = super::server::served_configuration(self.stream.ssl()) {
                self.served_by(b);
            }
        } else if keeps_ticket_session(&self.shared.config) {
            // The client's session, for the session ticket: a later TLS 1.3
            // ticket replaces the SSL's, so it is kept now (by reference).
            self.handshake_session = session_with_hint(self.stream.ssl());
        }
        let ssl = self.stream.ssl();
        // SAFETY: live SSL.
        let resumed = unsafe { openssl_sys::SSL_session_reused(ssl.as_ptr()) } != 0;
        let verifying = self.verifying();
        // The peer certificate is looked at only by the host-name check
        // (clients), the checks of a verified peer and a resumed session's.
        let peer = if !server || verifying || resumed {
            peer_certificate(ssl)
        } else {
            Certificate::null()
        };
        self.resumed = resumed;
        self.finished = true;
        if peer.is_null() && !verifying && !resumed && !self.shared.chain_error_recorded() {
            return self.connected();
        }
        self.judge(&peer, verifying, resumed)
    }

    /// SNI chose configuration `b` to serve this connection: its peer
    /// verify mode decides, unless this connection set its own.
    #[cold]
    #[inline(never)]
    fn served_by(&mut self, b: SslConfiguration) {
        if self.peer_verify_mode == self.shared.config.peer_verify_mode() {
            self.peer_verify_mode = b.peer_verify_mode();
        }
        self.served = Some(b);
    }

    /// [`Self::finish_handshake`] with something to judge: the SSL errors
    /// (nothing to find without a peer certificate, verification or
    /// recorded chain errors; OCSP errors count only when verifying), and
    /// the decision.
    #[inline(never)]
    fn judge(
        &mut self,
        peer: &Certificate,
        verifying: bool,
        resumed: bool,
    ) -> Result<Progress, Error> {
        let server = self.mode == Mode::Server;
        let st = lock(&self.shared);
        let mut errors = if peer.is_null() && !verifying && st.chain_errors.is_empty() {
            Vec::new()
        } else {
            collect_errors(&ErrorInputs {
                is_server: server,
                verifying,
                peer_verify_name: self.peer_verify_name.as_ref().map(PeerName::as_str),
                peer_certificate: peer,
                chain_errors: &st.chain_errors,
                ocsp_requested: st.ocsp_requested,
                ocsp_errors: &st.ocsp_errors,
                ocsp_seen: st.ocsp_seen,
            })
        };
        drop(st);
        if resumed {
            resumed_errors(self.stream.ssl(), peer, self.offered_peer, &mut errors);
        }
        self.errors = errors;
        if verifying && !self.errors.is_empty() && !self.all_ignored() {
            return self.refuse_verified();
        }
        self.connected()
    }

    /// The handshake is accepted.
    #[inline]
    fn connected(&mut self) -> Result<Progress, Error> {
        self.phase = Phase::Connected;
        if let Some(p) = self.memory() {
            p.handshake_done();
        }
        Ok(Progress::Done)
    }

    /// The session state of the completed handshake, read from the `SSL`
    /// on the first ask and kept (or the one recorded when a renegotiation
    /// started: a renegotiated handshake is never judged, so never reported).
    fn session_state(&self) -> Option<&SessionState> {
        if !self.finished {
            return None;
        }
        Some(self.session_state.get_or_init(|| {
            let ssl = self.stream.ssl();
            let mut st = lock(&self.shared);
            if let Some(s) = st.renegotiated_from.take() {
                return *s;
            }
            let alpn_status = st.alpn_status;
            drop(st);
            session_state_of(ssl, self.mode == Mode::Server, alpn_status)
        }))
    }

    /// The peer's verification errors refuse the connection (out of line).
    #[cold]
    #[inline(never)]
    fn refuse_verified(&mut self) -> Result<Progress, Error> {
        let list: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{} ({})", e.error_string(), e.code))
            .collect();
        let e = Error::Verification(format!("peer verification failed: {}", list.join("; ")));
        self.forget_session();
        self.fail(e)
    }

    /// A refused trust decision leaves no session behind in this side's
    /// cache (a server's session-id cache; tickets already sent are refused
    /// at resumption by [`resumed_errors`]).
    fn forget_session(&mut self) {
        let ssl = self.stream.ssl();
        if let Some(sess) = ssl.session() {
            use foreign_types::ForeignTypeRef;
            // SAFETY: live context and session; removal only unlinks the
            // session from the cache and marks it not resumable.
            unsafe {
                openssl_sys::SSL_CTX_remove_session(ssl.ssl_context().as_ptr(), sess.as_ptr());
            }
        }
        crate::ossl::clear_error_queue();
    }

    fn all_ignored(&self) -> bool {
        self.ignore_all
            || self.errors.iter().all(|e| {
                self.ignore_list.iter().any(|i| {
                    i.code == e.code && (i.certificate.is_null() || i.certificate == e.certificate)
                })
            })
    }

    /// Reads decrypted bytes; `Ok((Done, n))` with n > 0, or a want state.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<(Progress, usize), Error> {
        if self.phase != Phase::Connected {
            self.require_connected()?;
        }
        match self.stream.ssl_read(buf) {
            Ok(n) => Ok((Progress::Done, n)),
            Err(StepStop::Failed(e)) if e.code() == ErrorCode::ZERO_RETURN => {
                self.phase = Phase::Closed;
                Err(Error::Closed(
                    "the peer closed the TLS connection (close_notify)".into(),
                ))
            }
            Err(e) => match self.step_error(e, "TLS read") {
                Ok(p) => Ok((p, 0)),
                Err(Error::Tls(m)) | Err(Error::Io(m))
                    if m.contains("closed the connection") || m.contains("unexpected eof") =>
                {
                    self.phase = Phase::Closed;
                    Err(Error::Closed(m))
                }
                Err(e) => Err(e),
            },
        }
    }

    /// Writes bytes; `Ok((Done, n))` once all `n` are taken, or a want state
    /// (call again with the same bytes).
    pub fn write(&mut self, buf: &[u8]) -> Result<(Progress, usize), Error> {
        if self.phase != Phase::Connected {
            self.require_connected()?;
        }
        if buf.is_empty() {
            return Ok((Progress::Done, 0));
        }
        match self.stream.ssl_write(buf) {
            Ok(n) => Ok((Progress::Done, n)),
            Err(e) => self.step_error(e, "TLS write").map(|p| (p, 0)),
        }
    }

    /// Sends close_notify (does not wait for the peer's).
    pub fn shutdown(&mut self) -> Result<Progress, Error> {
        if !matches!(self.phase, Phase::Connected | Phase::Closed) {
            return Err(Error::InvalidState(
                "shutdown needs a completed handshake".into(),
            ));
        }
        match self.stream.shutdown() {
            Ok(_) => {
                self.phase = Phase::Closed;
                Ok(Progress::Done)
            }
            Err(e) => self.step_error(e, "TLS shutdown"),
        }
    }

    /// Decrypted bytes buffered and readable without I/O.
    pub fn pending(&self) -> usize {
        self.stream.ssl().pending()
    }

    #[cold]
    fn require_connected(&self) -> Result<(), Error> {
        match self.phase {
            Phase::Connected => Ok(()),
            Phase::Closed => Err(Error::Closed("the connection is closed".into())),
            Phase::Handshaking => Err(Error::InvalidState(
                "the handshake has not completed".into(),
            )),
            Phase::Failed => Err(Error::InvalidState("the handshake failed".into())),
        }
    }

    /// Qt's `sslConfiguration()`: the configuration with the session state
    /// (peer certificate and chain, cipher, protocol, ALPN, ephemeral key,
    /// session ticket). Cipher and protocol are live: null/-1 once closed.
    pub fn ssl_configuration(&self) -> SslConfiguration {
        let Some(state) = self.session_state() else {
            return self.with_overrides(self.shared.config.clone());
        };
        let base = self.served.as_ref().unwrap_or(&self.shared.config);
        let mut s = self.with_overrides(with_session_state(base, state.clone(), self.resumed));
        let latest = lock(&self.shared).new_session.clone();
        let persist = self.mode == Mode::Client
            && !self
                .shared
                .config
                .test_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE);
        // Tickets that arrive after the handshake are TLS 1.3's (Qt stores
        // them from its TLS 1.3-only new-session callback, whatever session
        // sharing says). A TLS 1.2 session reaches the configuration only
        // as the handshake's session, so not with session sharing disabled.
        let latest = latest.filter(|(sess, _)| sess.protocol_version() == SslVersion::TLS1_3);
        match (latest, &self.handshake_session) {
            (Some((sess, hint)), _) if persist => {
                s.set_session_ticket_with_hint(session_der(&sess), hint);
            }
            (_, Some((sess, hint))) => s.set_session_ticket_with_hint(session_der(sess), *hint),
            _ => {}
        }
        if self.phase == Phase::Closed {
            let st = s.state_mut();
            st.session_cipher = Cipher::null();
            st.session_protocol = protocol::UNKNOWN_PROTOCOL;
        }
        s
    }
}

impl Connection {
    /// `c` with this connection's own protocol, verify mode and depth, as
    /// Qt's socket reports them in `sslConfiguration()` (unchanged, and so
    /// still sharing its cached contexts, when there are none).
    fn with_overrides(&self, mut c: SslConfiguration) -> SslConfiguration {
        if c.protocol() != self.protocol {
            c.set_protocol(self.protocol);
        }
        if c.peer_verify_mode() != self.peer_verify_mode {
            c.set_peer_verify_mode(self.peer_verify_mode);
        }
        if c.peer_verify_depth() != self.peer_verify_depth {
            let _ = c.set_peer_verify_depth(self.peer_verify_depth);
        }
        c
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Keep the session resumable: mark it cleanly shut down without
        // writing to a transport that may be gone.
        if self.phase == Phase::Connected {
            self.stream.set_shutdown_both();
        }
    }
}

/// The handshake stops at the first verification error (out of line: set
/// once per connection, and rarely).
#[cold]
#[inline(never)]
fn interrupt_on_error(shared: &ConnShared) {
    lock(shared).interrupt_on_error = true;
}

/// The connection's own protocol on `ssl` (out of line: rare).
#[cold]
#[inline(never)]
fn protocol_override(ssl: &mut openssl::ssl::SslRef, p: i32) -> Result<(), Error> {
    super::context::set_protocol_bounds(ssl, p)
}

/// OCSP stapling asked for on `ssl` (out of line: rare).
#[cold]
#[inline(never)]
fn request_ocsp(ssl: &mut openssl::ssl::SslRef) -> Result<(), Error> {
    callbacks::request_ocsp(ssl)
}

/// Offers the session of `cfg`'s ticket for resumption on `ssl` (decoded
/// once per configuration, then copied per connection); the offered peer
/// certificate's expiry, read once per ticket (see [`resumed_errors`]).
#[inline(never)]
fn offer_ticket(cfg: &SslConfiguration, ssl: &mut openssl::ssl::SslRef) -> Option<PeerExpiry> {
    let (sess, peer) = session_for(cfg)?;
    // SAFETY: this connection's own copy of a session decoded by this
    // OpenSSL; SSL_set_session takes a reference.
    let _ = unsafe { ssl.set_session(&sess) };
    crate::ossl::clear_error_queue();
    peer
}

/// A resumed handshake is never accepted with less scrutiny than a full one:
/// OpenSSL keeps the verification result of the handshake that made the
/// session (in the session cache and inside tickets) and reports it after
/// resumption; a session from a handshake that failed verification, or whose
/// errors were ignored, carries that error, which is reported again here (so
/// the new connection refuses, unless it ignores the error itself). A peer
/// certificate that has expired since is reported as expired. The host name
/// and a missing certificate are checked as for a full handshake (see
/// [`collect_errors`]).
fn resumed_errors(
    ssl: &openssl::ssl::SslRef,
    peer: &Certificate,
    offered: Option<PeerExpiry>,
    errors: &mut Vec<SslError>,
) {
    use crate::model::ssl_error::code;
    use foreign_types::ForeignTypeRef;
    let Some(x) = peer.x509() else { return };
    let vr = ssl.verify_result().as_raw();
    if vr != 0 {
        let e = SslError::from_x509_verify_error(vr, peer.clone());
        if !errors.contains(&e) {
            errors.push(e);
        }
    }
    let now = crate::model::context_inputs::now_unix();
    // The offered session's certificate had its date read once per ticket
    // (the address is the same object: the resumed session is a copy of
    // the offered one, and the configuration's decoded ticket keeps the
    // certificate alive); any other is read here.
    let expiry = match offered {
        Some(o) if o.cert == x.as_ptr() as usize => o.expiry,
        _ => peer.expiry_date(),
    };
    if expiry.is_some_and(|exp| exp < now) {
        let e = SslError::new(code::CERTIFICATE_EXPIRED, peer.clone());
        if !errors.contains(&e) {
            errors.push(e);
        }
    }
}

/// The Qt cipher of OpenSSL's suite `c`: the supported cipher of that name,
/// else one built from OpenSSL's description. libssl's `SSL_CIPHER`s live
/// in its static tables, so the answer is kept by address (a handful per
/// process): a handshake takes a reference instead of scanning the
/// supported list by name (which touched every entry).
fn session_cipher(c: &openssl::ssl::SslCipherRef) -> Cipher {
    use foreign_types::ForeignTypeRef;
    static KNOWN: RwLock<Vec<(usize, Cipher)>> = RwLock::new(Vec::new());
    let key = c.as_ptr() as usize;
    let hit = KNOWN
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, cipher)| cipher.clone());
    if let Some(cipher) = hit {
        return cipher;
    }
    let found = Cipher::from_name(c.name());
    let cipher = if found.is_null() {
        Cipher::from_openssl(c)
    } else {
        found
    };
    let mut known = KNOWN.write().unwrap_or_else(|e| e.into_inner());
    if known.len() < 256 && !known.iter().any(|(k, _)| *k == key) {
        known.push((key, cipher.clone()));
    }
    cipher
}

/// The configuration `config` with the session state of a completed
/// handshake on `ssl` (spec §8): peer certificate and chain (by reference),
/// cipher, protocol, ALPN outcome, ephemeral server key (clients), resumption,
/// and the session ticket when persistence is enabled. `alpn_status` is what
/// the server-side ALPN callback recorded (None when it did not run).
pub fn capture_state(
    config: &SslConfiguration,
    ssl: &openssl::ssl::SslRef,
    server: bool,
    alpn_status: i32,
) -> SslConfiguration {
    let (mut s, session) = capture_state_lazy(config, ssl, server, alpn_status);
    if let Some((sess, hint)) = session {
        s.set_session_ticket_with_hint(session_der(&sess), hint);
    }
    s
}

/// A session serialised for `sessionTicket()` (null if OpenSSL cannot).
fn session_der(sess: &openssl::ssl::SslSessionRef) -> OptBytes {
    let der = sess.to_der().ok().map(OptBytes::from).unwrap_or_default();
    crate::ossl::clear_error_queue();
    der
}

/// [`capture_state`] without the session ticket: the session that would
/// become the ticket (client, session sharing and persistence enabled) is
/// returned by reference with its lifetime hint, to be serialised only if
/// the application asks for the configuration.
pub(crate) fn capture_state_lazy(
    config: &SslConfiguration,
    ssl: &openssl::ssl::SslRef,
    server: bool,
    alpn_status: i32,
) -> (SslConfiguration, Option<(SslSession, i32)>) {
    let state = session_state_of(ssl, server, alpn_status);
    let session = ticket_session(config, ssl, server);
    (
        with_session_state(config, state, ssl.session_reused()),
        session,
    )
}

/// The client's session of a completed handshake on `ssl` with its
/// lifetime hint (by reference), the future session ticket: `None` on a
/// server, or when `config` disables session sharing or persistence.
fn ticket_session(
    config: &SslConfiguration,
    ssl: &openssl::ssl::SslRef,
    server: bool,
) -> Option<(SslSession, i32)> {
    if server || !keeps_ticket_session(config) {
        return None;
    }
    session_with_hint(ssl)
}

/// True when a client made from `config` keeps its session for the
/// session ticket (session sharing and persistence enabled).
#[inline]
fn keeps_ticket_session(config: &SslConfiguration) -> bool {
    !config.test_ssl_option(ssl_option::DISABLE_SESSION_SHARING)
        && !config.test_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE)
}

/// The session of `ssl` (by reference) with its ticket lifetime hint.
#[inline(never)]
fn session_with_hint(ssl: &openssl::ssl::SslRef) -> Option<(SslSession, i32)> {
    ssl.session()
        .map(|s| (s.to_owned(), crate::ossl::ticket_lifetime_hint(s)))
}

/// The peer's certificate (null without one), without the `openssl`
/// crate's wrapper call.
fn peer_certificate(ssl: &openssl::ssl::SslRef) -> Certificate {
    // SAFETY: live SSL; the result is NULL or a new reference, owned by the
    // `X509` made from it.
    let p = unsafe { openssl_sys::SSL_get1_peer_certificate(ssl.as_ptr()) };
    if p.is_null() {
        return Certificate::null();
    }
    // SAFETY: non-NULL, a reference of our own.
    Certificate::from_x509(unsafe { openssl::x509::X509::from_ptr(p) })
}

/// `config` with a handshake's session state.
fn with_session_state(
    config: &SslConfiguration,
    state: SessionState,
    resumed: bool,
) -> SslConfiguration {
    let mut s = config.clone();
    s.set_session_state(state);
    s.set_session_resumed(resumed);
    s
}

/// The session state of a completed handshake on `ssl` (see
/// [`capture_state`]) as plain data, without building a configuration:
/// that copies the configuration's data (a dozen reference counts shared
/// with every other connection made from it). `alpn_status` is what the
/// server-side ALPN callback recorded.
pub(crate) fn session_state_of(
    ssl: &openssl::ssl::SslRef,
    server: bool,
    alpn_status: i32,
) -> SessionState {
    let peer = ssl
        .peer_certificate()
        .map(Certificate::from_x509)
        .unwrap_or_default();
    let mut chain: Vec<Certificate> = ssl
        .peer_cert_chain()
        .map(|s| {
            s.iter()
                .map(|x| Certificate::from_x509(x.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    if server && !peer.is_null() {
        chain.insert(0, peer.clone());
    }
    let cipher = ssl.current_cipher().map(session_cipher).unwrap_or_default();
    let proto = ssl_version_to_protocol(ssl.version2());
    let alpn = ssl.selected_alpn_protocol().map(OptBytes::from);
    let eph = if server {
        Key::null()
    } else {
        ssl.peer_tmp_key()
            .ok()
            .map(Key::from_public_pkey)
            .unwrap_or_default()
    };
    // `peer_tmp_key` queues an error when there is no ephemeral key (PSK,
    // resumption); otherwise nothing is queued and the full clear is skipped.
    crate::ossl::settle_error_queue();

    let mut status = alpn_status;
    let next_negotiated_protocol = match (alpn, status) {
        (_, npn_status::UNSUPPORTED) => OptBytes::from(&b"http/1.1"[..]),
        (Some(p), _) if !p.is_empty() => {
            if !server {
                status = npn_status::NEGOTIATED;
            }
            p
        }
        _ => OptBytes::Null,
    };
    SessionState {
        next_negotiated_protocol,
        next_protocol_negotiation_status: status,
        peer_certificate: peer,
        peer_certificate_chain: chain.into(),
        session_cipher: cipher,
        session_protocol: proto,
        ephemeral_server_key: eph,
    }
}
