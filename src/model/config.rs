//! `QSslConfiguration`: the settings of a TLS endpoint and, after a
//! handshake, the session state. Implicitly shared with copy-on-write.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, RwLock};

use crate::Error;
use crate::model::bytes::OptBytes;
use crate::model::cert::Certificate;
use crate::model::cipher::{self, Cipher};
use crate::model::context_inputs::{ContextInputs, SessionTicket};
use crate::model::cow::Cow;
use crate::model::curve::EllipticCurve;
use crate::model::dh::DhParams;
use crate::model::enums::{npn_status, protocol, ssl_option, verify_mode};
use crate::model::key::Key;
use crate::model::psk::PskAuthenticator;

mod state;
pub(crate) use state::{SessionState, StateBox};

/// A typed value of the backend configuration map (a QVariant in Qt).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendValue {
    /// Bytes (QByteArray).
    Bytes(OptBytes),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// Text (QString).
    Text(String),
}

/// The backend configuration: option name to value, ordered by name.
pub type BackendConfig = BTreeMap<Vec<u8>, BackendValue>;

/// Handles PSK authentication requests during handshakes (the application's
/// callback). Returning `Err` aborts the handshake.
pub trait PskHandler: Send + Sync {
    /// Fills in identity and key on `auth`.
    fn authenticate(&self, auth: &mut PskAuthenticator) -> Result<(), String>;
}

/// What the user sets that builds an OpenSSL context; a setting the context
/// builder reads belongs here, everything else in [`ConnSettings`]. Held in
/// a [`ContextInputs`], which drops the contexts built from it on every
/// write. Scalars are held inline; the lists and blobs, which are set rarely and shared by every copy, sit behind one more `Arc`
/// ([`SharedSettings`], reached through `Deref`/`DerefMut`), so detaching a
/// configuration to change a scalar takes one reference there instead of
/// one per list (each is an atomic operation of several nanoseconds).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub protocol: i32,
    pub peer_verify_mode: i32,
    pub peer_verify_depth: i32,
    /// Hidden in Qt: trust the system roots (loaded on demand). Cleared by the
    /// CA list setters, never set again.
    pub allow_root_cert_on_demand_loading: bool,
    pub ssl_options: u32,
    pub ocsp_stapling_enabled: bool,
    pub missing_certificate_is_fatal: bool,
    /// Beyond Qt: SNI, ticket keys, key log (src/model/server.rs). Shared by
    /// copies, not part of `==` (like the PSK callback); here because the
    /// context carries them, so setting them rebuilds it.
    pub server_extras: Option<Arc<crate::model::server::ServerExtras>>,
    /// The lists and blobs; copied on write (`DerefMut` detaches them).
    shared: Cow<SharedSettings>,
}

/// The list and blob settings (see [`Settings`]).
#[derive(Clone, Debug)]
pub(crate) struct SharedSettings {
    pub local_certificate_chain: Arc<[Certificate]>,
    pub private_key: Key,
    pub ciphers: Arc<[Cipher]>,
    pub ca_certificates: Arc<[Certificate]>,
    pub elliptic_curves: Arc<[EllipticCurve]>,
    pub dh_params: DhParams,
    pub backend_config: Arc<BackendConfig>,
    pub psk_identity_hint: OptBytes,
    pub allowed_next_protocols: Arc<[OptBytes]>,
}

/// What the user sets that no context depends on: read when a connection
/// is made or during its handshake, or written back by it (the session
/// ticket). Writing these keeps the contexts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConnSettings {
    /// The session ticket, its lifetime hint and its decoded session.
    pub session_ticket: SessionTicket,
    pub dtls_cookie_verification_enabled: bool,
    pub handshake_must_interrupt_on_error: bool,
}

impl Default for ConnSettings {
    fn default() -> Self {
        ConnSettings {
            session_ticket: SessionTicket::default(),
            dtls_cookie_verification_enabled: true,
            handshake_must_interrupt_on_error: false,
        }
    }
}

impl std::ops::Deref for Settings {
    type Target = SharedSettings;
    fn deref(&self) -> &SharedSettings {
        &self.shared
    }
}

impl std::ops::DerefMut for Settings {
    /// Write access to a list or blob: detaches the shared part first.
    fn deref_mut(&mut self) -> &mut SharedSettings {
        Cow::make_mut(&mut self.shared)
    }
}

/// `Arc`s compare by pointer first: the standard library does so only for
/// sized `T: Eq`, not for the shared slices a configuration holds, and two
/// configurations usually share most of them (copies, defaults).
fn arc_eq<T: PartialEq + ?Sized>(a: &Arc<T>, b: &Arc<T>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

impl PartialEq for Settings {
    /// Every field (the destructuring makes a new field a compile error
    /// until it is compared here); scalars first, shared parts by pointer
    /// first.
    fn eq(&self, o: &Self) -> bool {
        let Settings {
            protocol,
            peer_verify_mode,
            peer_verify_depth,
            allow_root_cert_on_demand_loading,
            ssl_options,
            ocsp_stapling_enabled,
            missing_certificate_is_fatal,
            // Beyond Qt, like the PSK callback: not part of `==`.
            server_extras: _,
            shared,
        } = self;
        *protocol == o.protocol
            && *peer_verify_mode == o.peer_verify_mode
            && *peer_verify_depth == o.peer_verify_depth
            && *allow_root_cert_on_demand_loading == o.allow_root_cert_on_demand_loading
            && *ssl_options == o.ssl_options
            && *ocsp_stapling_enabled == o.ocsp_stapling_enabled
            && *missing_certificate_is_fatal == o.missing_certificate_is_fatal
            && *shared == o.shared
    }
}

impl PartialEq for SharedSettings {
    /// Every field, as for [`Settings`].
    fn eq(&self, o: &Self) -> bool {
        let SharedSettings {
            local_certificate_chain,
            private_key,
            ciphers,
            ca_certificates,
            elliptic_curves,
            dh_params,
            backend_config,
            psk_identity_hint,
            allowed_next_protocols,
        } = self;
        arc_eq(local_certificate_chain, &o.local_certificate_chain)
            && *private_key == o.private_key
            && arc_eq(ciphers, &o.ciphers)
            && arc_eq(ca_certificates, &o.ca_certificates)
            && arc_eq(elliptic_curves, &o.elliptic_curves)
            && *dh_params == o.dh_params
            && arc_eq(backend_config, &o.backend_config)
            && *psk_identity_hint == o.psk_identity_hint
            && arc_eq(allowed_next_protocols, &o.allowed_next_protocols)
    }
}

/// A configuration's data. Where a new field goes decides whether writing
/// it drops the built contexts: a value the context builder (or anything
/// attached to the context) reads belongs in [`Settings`], reached for
/// writing only through `ctx.write()`, which drops them; a field outside
/// `ctx` is written without dropping them, so a context never sees it
/// change.
#[derive(Clone)]
pub(crate) struct ConfigData {
    /// The settings that build a context, with the contexts built from them.
    pub ctx: ContextInputs,
    /// The settings no context depends on.
    pub conn: ConnSettings,
    pub state: StateBox,
    /// Hidden in Qt: whether the last handshake resumed a session. Not part of `==`.
    pub peer_session_shared: bool,
    /// The PSK callback; shared by copies, not part of `==` or `is_null`.
    pub psk_handler: Option<Arc<dyn PskHandler>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            protocol: protocol::SECURE_PROTOCOLS,
            peer_verify_mode: verify_mode::AUTO_VERIFY_PEER,
            peer_verify_depth: 0,
            allow_root_cert_on_demand_loading: true,
            ssl_options: ssl_option::DEFAULT,
            ocsp_stapling_enabled: false,
            missing_certificate_is_fatal: false,
            server_extras: None,
            shared: Cow::new(SharedSettings {
                local_certificate_chain: empty(),
                private_key: Key::null(),
                ciphers: empty(),
                ca_certificates: empty(),
                elliptic_curves: empty(),
                dh_params: DhParams::default_parameters(),
                backend_config: Arc::default(),
                psk_identity_hint: OptBytes::Null,
                allowed_next_protocols: empty(),
            }),
        }
    }
}

fn empty<T>() -> Arc<[T]> {
    Arc::from(Vec::new())
}

/// A TLS configuration (QSslConfiguration). `Clone` is Qt's copy: O(1), the
/// data shared; every setter detaches first, so a change never shows through
/// another copy. Getters take `&self` and never detach.
#[derive(Clone)]
pub struct SslConfiguration {
    d: Cow<ConfigData>,
}

static EMPTY_DATA: LazyLock<Cow<ConfigData>> = LazyLock::new(|| {
    Cow::new(ConfigData {
        ctx: ContextInputs::default(),
        conn: ConnSettings::default(),
        state: StateBox::default(),
        peer_session_shared: false,
        psk_handler: None,
    })
});

impl Default for SslConfiguration {
    /// A default-constructed configuration (null). All default-constructed
    /// configurations share one immutable data block until written.
    fn default() -> Self {
        SslConfiguration {
            d: EMPTY_DATA.clone(),
        }
    }
}

impl std::fmt::Debug for SslConfiguration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SslConfiguration")
            .field("settings", &self.d.ctx)
            .field("conn", &self.d.conn)
            .field("state", &self.d.state)
            .finish()
    }
}

impl PartialEq for SslConfiguration {
    /// Qt's `==`: identity first, then every setting and state field (not the
    /// hidden session-shared flag, not the PSK callback). Lists compare
    /// pointers first, then elements in order.
    fn eq(&self, other: &Self) -> bool {
        Cow::ptr_eq(&self.d, &other.d)
            || (self.d.ctx == other.d.ctx
                && self.d.conn == other.d.conn
                && self.d.state == other.d.state)
    }
}

impl SslConfiguration {
    /// A default-constructed (null) configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Write access: detaches a shared data block (copy-on-write). The
    /// contexts are shared with the old block and dropped only when a
    /// setting that builds them is written (`.ctx.write()`); live
    /// connections keep their own references to the contexts they use.
    fn d_mut(&mut self) -> &mut ConfigData {
        Cow::make_mut(&mut self.d)
    }

    /// The settings that build a context, and the contexts built from them.
    pub(crate) fn context_inputs(&self) -> &ContextInputs {
        &self.d.ctx
    }

    /// The session ticket with its decoded session.
    pub(crate) fn ticket(&self) -> &SessionTicket {
        &self.d.conn.session_ticket
    }

    /// How many OpenSSL contexts this configuration's data has built (0, 1 or
    /// 2: one per side). Copies share them until a setting that builds them
    /// is written.
    pub fn contexts_built(&self) -> usize {
        self.d.ctx.contexts().built()
    }

    pub(crate) fn state_mut(&mut self) -> &mut SessionState {
        &mut self.d_mut().state
    }

    /// True when both share the same data block (no detach happened since the copy).
    pub fn shares_data_with(&self, other: &Self) -> bool {
        Cow::ptr_eq(&self.d, &other.d)
    }

    /// Qt's `isNull()`: every field in Qt's isNull set still has its default.
    /// The DTLS cookie flag, the session cipher and protocol do not count;
    /// byte values count as set when non-null, even if empty.
    pub fn is_null(&self) -> bool {
        let s = &self.d.ctx;
        let c = &self.d.conn;
        let t = &self.d.state;
        let d = Settings::default();
        s.protocol == d.protocol
            && s.peer_verify_mode == d.peer_verify_mode
            && s.peer_verify_depth == d.peer_verify_depth
            && s.local_certificate_chain.is_empty()
            && s.private_key.is_null()
            && s.ciphers.is_empty()
            && s.ca_certificates.is_empty()
            && s.allow_root_cert_on_demand_loading
            && s.ssl_options == d.ssl_options
            && s.elliptic_curves.is_empty()
            && s.dh_params == d.dh_params
            && s.backend_config.is_empty()
            && c.session_ticket.der().is_null()
            && c.session_ticket.lifetime_hint() == -1
            && s.psk_identity_hint.is_null()
            && s.allowed_next_protocols.is_empty()
            && !s.ocsp_stapling_enabled
            && !c.handshake_must_interrupt_on_error
            && !s.missing_certificate_is_fatal
            && t.next_negotiated_protocol.is_null()
            && t.next_protocol_negotiation_status == npn_status::NONE
            && t.peer_certificate.is_null()
            && t.peer_certificate_chain.is_empty()
            && t.ephemeral_server_key.is_null()
    }

    // ---- protocol and verification -------------------------------------

    /// The protocol (default SecureProtocols).
    pub fn protocol(&self) -> i32 {
        self.d.ctx.protocol
    }

    /// Sets the protocol, stored verbatim (checked when a handshake starts).
    pub fn set_protocol(&mut self, p: i32) {
        self.d_mut().ctx.write().protocol = p;
    }

    /// The peer verify mode (default AutoVerifyPeer).
    pub fn peer_verify_mode(&self) -> i32 {
        self.d.ctx.peer_verify_mode
    }

    /// Sets the peer verify mode.
    pub fn set_peer_verify_mode(&mut self, m: i32) {
        self.d_mut().ctx.write().peer_verify_mode = m;
    }

    /// The maximum verification depth (0 = unlimited).
    pub fn peer_verify_depth(&self) -> i32 {
        self.d.ctx.peer_verify_depth
    }

    /// Sets the depth; a negative depth is refused and the value kept, as Qt does.
    pub fn set_peer_verify_depth(&mut self, depth: i32) -> Result<(), Error> {
        if depth < 0 {
            return Err(Error::invalid(format!(
                "peer verify depth must not be negative (got {depth}); the value {} is kept",
                self.peer_verify_depth()
            )));
        }
        self.d_mut().ctx.write().peer_verify_depth = depth;
        Ok(())
    }

    // ---- local identity --------------------------------------------------

    /// The local certificate chain, leaf first.
    pub fn local_certificate_chain(&self) -> &Arc<[Certificate]> {
        &self.d.ctx.local_certificate_chain
    }

    /// Sets the local chain, stored verbatim.
    pub fn set_local_certificate_chain(&mut self, chain: Arc<[Certificate]>) {
        self.d_mut().ctx.write().local_certificate_chain = chain;
    }

    /// The leaf of the local chain, or the null certificate.
    pub fn local_certificate(&self) -> Certificate {
        self.d
            .ctx
            .local_certificate_chain
            .first()
            .cloned()
            .unwrap_or_default()
    }

    /// Replaces the whole chain with `[cert]`, even when `cert` is null.
    pub fn set_local_certificate(&mut self, cert: Certificate) {
        self.d_mut().ctx.write().local_certificate_chain = Arc::from(vec![cert]);
    }

    /// The private key.
    pub fn private_key(&self) -> &Key {
        &self.d.ctx.private_key
    }

    /// Sets the private key.
    pub fn set_private_key(&mut self, key: Key) {
        self.d_mut().ctx.write().private_key = key;
    }

    // ---- ciphers -----------------------------------------------------------

    /// The ciphers (empty = the default list at handshake time).
    pub fn ciphers(&self) -> &Arc<[Cipher]> {
        &self.d.ctx.ciphers
    }

    /// Sets the ciphers verbatim (order and duplicates kept).
    pub fn set_ciphers(&mut self, ciphers: Arc<[Cipher]>) {
        self.d_mut().ctx.write().ciphers = ciphers;
    }

    /// Qt 6's `setCiphers(QString)`: split on ':', empty names skipped,
    /// unknown names dropped, duplicates kept.
    pub fn set_ciphers_string(&mut self, s: &str) {
        self.set_ciphers(cipher::parse_cipher_string(s).into());
    }

    /// `supportedCiphers()`.
    pub fn supported_ciphers() -> Arc<[Cipher]> {
        cipher::supported_ciphers()
    }

    // ---- CA certificates ---------------------------------------------------

    /// The CA certificates set on this configuration.
    pub fn ca_certificates(&self) -> &Arc<[Certificate]> {
        &self.d.ctx.ca_certificates
    }

    /// Replaces the CA list and stops trusting the system roots.
    pub fn set_ca_certificates(&mut self, certs: Arc<[Certificate]>) {
        let s = self.d_mut().ctx.write();
        s.ca_certificates = certs;
        s.allow_root_cert_on_demand_loading = false;
    }

    /// Appends one CA (no duplicate check) and stops trusting the system roots.
    pub fn add_ca_certificate(&mut self, cert: Certificate) {
        self.add_ca_certificates(&[cert]);
    }

    /// Appends CAs (no duplicate check) and stops trusting the system roots.
    pub fn add_ca_certificates(&mut self, certs: &[Certificate]) {
        let s = self.d_mut().ctx.write();
        let mut v: Vec<Certificate> = s.ca_certificates.to_vec();
        v.extend_from_slice(certs);
        s.ca_certificates = v.into();
        s.allow_root_cert_on_demand_loading = false;
    }

    /// `addCaCertificates(path, format, syntax)`: appends what the path
    /// pattern finds and returns true, or returns false and changes nothing.
    /// Unlike the list overloads, it keeps trusting the system roots (Qt).
    pub fn add_ca_certificates_from_path(
        &mut self,
        path: &str,
        format: i32,
        syntax: i32,
    ) -> Result<bool, Error> {
        let found = Certificate::from_path(path, format, syntax)?;
        if found.is_empty() {
            return Ok(false);
        }
        let s = self.d_mut().ctx.write();
        let mut v: Vec<Certificate> = s.ca_certificates.to_vec();
        v.extend(found);
        s.ca_certificates = v.into();
        Ok(true)
    }

    /// Whether the system roots are trusted (Qt's hidden
    /// allowRootCertOnDemandLoading; true until a CA list setter runs).
    pub fn system_roots_trusted(&self) -> bool {
        self.d.ctx.allow_root_cert_on_demand_loading
    }

    // ---- options -------------------------------------------------------------

    /// The SSL option mask (default 0x55).
    pub fn ssl_options(&self) -> u32 {
        self.d.ctx.ssl_options
    }

    /// Sets (`on`) or clears the given option bits.
    pub fn set_ssl_option(&mut self, bits: u32, on: bool) {
        let s = self.d_mut().ctx.write();
        if on {
            s.ssl_options |= bits;
        } else {
            s.ssl_options &= !bits;
        }
    }

    /// True when every given bit is set.
    pub fn test_ssl_option(&self, bits: u32) -> bool {
        self.d.ctx.ssl_options & bits == bits
    }

    // ---- curves, DH ----------------------------------------------------------

    /// The curves (empty = OpenSSL's default groups).
    pub fn elliptic_curves(&self) -> &Arc<[EllipticCurve]> {
        &self.d.ctx.elliptic_curves
    }

    /// Sets the curves verbatim.
    pub fn set_elliptic_curves(&mut self, curves: Arc<[EllipticCurve]>) {
        self.d_mut().ctx.write().elliptic_curves = curves;
    }

    /// The DH parameters (default: ffdhe2048).
    pub fn diffie_hellman_parameters(&self) -> &DhParams {
        &self.d.ctx.dh_params
    }

    /// Sets the DH parameters verbatim (validity is checked at handshake time).
    pub fn set_diffie_hellman_parameters(&mut self, p: DhParams) {
        self.d_mut().ctx.write().dh_params = p;
    }

    // ---- backend configuration ---------------------------------------------

    /// The backend configuration map.
    pub fn backend_configuration(&self) -> &Arc<BackendConfig> {
        &self.d.ctx.backend_config
    }

    /// Inserts or replaces one option.
    pub fn set_backend_configuration_option(&mut self, name: &[u8], value: BackendValue) {
        Arc::make_mut(&mut self.d_mut().ctx.write().backend_config).insert(name.to_vec(), value);
    }

    /// Replaces the whole map (empty clears it).
    pub fn set_backend_configuration(&mut self, map: Arc<BackendConfig>) {
        self.d_mut().ctx.write().backend_config = map;
    }

    // ---- sessions, PSK hint, ALPN -------------------------------------------

    /// The session ticket (DER of an OpenSSL session), null until set or captured.
    pub fn session_ticket(&self) -> &OptBytes {
        self.d.conn.session_ticket.der()
    }

    /// Sets the session ticket (used when session persistence is enabled).
    pub fn set_session_ticket(&mut self, t: OptBytes) {
        self.d_mut().conn.session_ticket.set_der(t);
    }

    /// The session ticket's lifetime hint in seconds (-1 until a handshake records one).
    pub fn session_ticket_life_time_hint(&self) -> i32 {
        self.d.conn.session_ticket.lifetime_hint()
    }

    /// The PSK identity hint (servers).
    pub fn pre_shared_key_identity_hint(&self) -> &OptBytes {
        &self.d.ctx.psk_identity_hint
    }

    /// Sets the PSK identity hint.
    pub fn set_pre_shared_key_identity_hint(&mut self, h: OptBytes) {
        self.d_mut().ctx.write().psk_identity_hint = h;
    }

    /// The ALPN protocols offered / accepted.
    pub fn allowed_next_protocols(&self) -> &Arc<[OptBytes]> {
        &self.d.ctx.allowed_next_protocols
    }

    /// Sets the ALPN protocols verbatim (filtered at handshake time).
    pub fn set_allowed_next_protocols(&mut self, p: Arc<[OptBytes]>) {
        self.d_mut().ctx.write().allowed_next_protocols = p;
    }

    /// The negotiated application protocol (null if none).
    pub fn next_negotiated_protocol(&self) -> &OptBytes {
        &self.d.state.next_negotiated_protocol
    }

    /// The ALPN negotiation status.
    pub fn next_protocol_negotiation_status(&self) -> i32 {
        self.d.state.next_protocol_negotiation_status
    }

    // ---- flags -----------------------------------------------------------------

    /// DTLS cookie verification (default true).
    pub fn dtls_cookie_verification_enabled(&self) -> bool {
        self.d.conn.dtls_cookie_verification_enabled
    }

    /// Sets DTLS cookie verification.
    pub fn set_dtls_cookie_verification_enabled(&mut self, on: bool) {
        self.d_mut().conn.dtls_cookie_verification_enabled = on;
    }

    /// OCSP stapling (default false).
    pub fn ocsp_stapling_enabled(&self) -> bool {
        self.d.ctx.ocsp_stapling_enabled
    }

    /// Sets OCSP stapling.
    pub fn set_ocsp_stapling_enabled(&mut self, on: bool) {
        self.d_mut().ctx.write().ocsp_stapling_enabled = on;
    }

    /// Report verification errors during the handshake (Qt 6).
    pub fn handshake_must_interrupt_on_error(&self) -> bool {
        self.d.conn.handshake_must_interrupt_on_error
    }

    /// Sets handshakeMustInterruptOnError.
    pub fn set_handshake_must_interrupt_on_error(&mut self, on: bool) {
        self.d_mut().conn.handshake_must_interrupt_on_error = on;
    }

    /// A missing peer certificate aborts the handshake (Qt 6).
    pub fn missing_certificate_is_fatal(&self) -> bool {
        self.d.ctx.missing_certificate_is_fatal
    }

    /// Sets missingCertificateIsFatal.
    pub fn set_missing_certificate_is_fatal(&mut self, on: bool) {
        self.d_mut().ctx.write().missing_certificate_is_fatal = on;
    }

    // ---- session state -----------------------------------------------------

    /// The peer's certificate (null before a handshake).
    pub fn peer_certificate(&self) -> &Certificate {
        &self.d.state.peer_certificate
    }

    /// The peer's chain, leaf first.
    pub fn peer_certificate_chain(&self) -> &Arc<[Certificate]> {
        &self.d.state.peer_certificate_chain
    }

    /// The session's cipher (null without a session).
    pub fn session_cipher(&self) -> &Cipher {
        &self.d.state.session_cipher
    }

    /// The session's protocol (-1 without a session).
    pub fn session_protocol(&self) -> i32 {
        self.d.state.session_protocol
    }

    /// The server's ephemeral key (clients only; null otherwise).
    pub fn ephemeral_server_key(&self) -> &Key {
        &self.d.state.ephemeral_server_key
    }

    /// Whether the last handshake resumed a session (Qt keeps this hidden).
    pub fn session_resumed(&self) -> bool {
        self.d.peer_session_shared
    }

    pub(crate) fn set_session_resumed(&mut self, resumed: bool) {
        self.d_mut().peer_session_shared = resumed;
    }

    /// Replaces the session state (a handshake's).
    pub(crate) fn set_session_state(&mut self, state: SessionState) {
        self.d_mut().state = StateBox::new(state);
    }

    pub(crate) fn set_session_ticket_with_hint(&mut self, ticket: OptBytes, hint: i32) {
        self.d_mut().conn.session_ticket.set(ticket, hint);
    }

    // ---- PSK callback ------------------------------------------------------

    /// The PSK callback registered on this configuration.
    pub fn psk_handler(&self) -> Option<&Arc<dyn PskHandler>> {
        self.d.psk_handler.as_ref()
    }

    /// Registers (or with `None` removes) the PSK callback. Copies made
    /// before this call keep what they had; copies made after share it.
    pub fn set_psk_handler(&mut self, h: Option<Arc<dyn PskHandler>>) {
        self.d_mut().psk_handler = h;
    }

    // ---- beyond Qt: SNI, ticket keys, key log (src/model/server.rs) ----------

    /// The server extras (SNI, ticket keys, key log), if any is set.
    pub fn server_extras(&self) -> Option<&Arc<crate::model::server::ServerExtras>> {
        self.d.ctx.server_extras.as_ref()
    }

    /// Changes the server extras; the contexts are rebuilt for the next
    /// connection (connections already made keep theirs).
    pub fn update_server_extras(
        &mut self,
        f: impl FnOnce(&mut crate::model::server::ServerExtras),
    ) {
        let mut x = self
            .d
            .ctx
            .server_extras
            .as_deref()
            .cloned()
            .unwrap_or_default();
        f(&mut x);
        x.keylog_derived = Default::default();
        self.d_mut().ctx.write().server_extras = if x.is_empty() {
            None
        } else {
            Some(Arc::new(x))
        };
    }

    // ---- process-wide defaults ----------------------------------------------

    /// `defaultConfiguration()`: shares the global's data.
    pub fn default_configuration() -> Self {
        DEFAULTS
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .tls
            .clone()
    }

    /// `setDefaultConfiguration(c)`: the global now shares `c`'s data.
    pub fn set_default_configuration(c: &Self) {
        DEFAULTS.write().unwrap_or_else(|e| e.into_inner()).tls = c.clone();
    }

    /// `defaultDtlsConfiguration()`.
    pub fn default_dtls_configuration() -> Self {
        DEFAULTS
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .dtls
            .clone()
    }

    /// `setDefaultDtlsConfiguration(c)`.
    pub fn set_default_dtls_configuration(c: &Self) {
        DEFAULTS.write().unwrap_or_else(|e| e.into_inner()).dtls = c.clone();
    }
}

struct Defaults {
    tls: SslConfiguration,
    dtls: SslConfiguration,
}

/// The process-wide defaults, behind a lock that recovers from poisoning.
static DEFAULTS: LazyLock<RwLock<Defaults>> = LazyLock::new(|| {
    let mut tls = SslConfiguration::new();
    tls.set_ciphers(cipher::default_ciphers());
    let mut dtls = tls.clone();
    dtls.set_protocol(protocol::DTLS_V1_2_OR_LATER);
    RwLock::new(Defaults { tls, dtls })
});
