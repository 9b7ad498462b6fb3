//! The OpenSSL callbacks qssl installs and the state they write into.
//!
//! Every callback is a plain `extern "C"` function installed through
//! openssl-sys (never the `openssl` crate's closure API, whose trampolines
//! panic, and so abort, on an `SSL` that other code made with `SSL_new()`).
//! A callback finds its state through qssl's own ex_data indexes: the
//! per-connection [`ConnState`] on the `SSL`, and the configuration's
//! [`CtxData`] on the `SSL_CTX`. On an `SSL` that qssl did not create (a
//! "foreign" `SSL`: Boost.Asio, libcurl, ... on an exported or applied
//! context) the first callback adopts a state built from the context's data,
//! and the verdicts that qssl's own connections make after the handshake are
//! made inside it, failing closed. Every body runs inside `catch_unwind`: a
//! panic becomes a handshake failure, never an abort. Callbacks run on the
//! thread driving the handshake.

use std::ffi::{CStr, CString, c_char, c_int, c_uchar, c_uint, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::ex_data::Index;
use openssl::ssl::{SslContext, SslContextBuilder, SslContextRef, SslRef, SslSession};

use super::transport::{BioCell, BioState, Transport};
use crate::Error;
use crate::error::with_openssl;
use crate::model::bytes::OptBytes;
use crate::model::cert::Certificate;
use crate::model::config::{PskHandler, SslConfiguration};
use crate::model::enums::npn_status;
use crate::model::psk::{KeptPsk, PskAuthenticator};
use crate::ossl;

/// A verification error seen by the chain callback.
#[derive(Clone, Debug)]
pub(crate) struct ChainError {
    pub code: i32,
    pub cert: Certificate,
}

/// An alert (level, description).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Alert {
    pub level: i32,
    pub kind: i32,
}

/// What a configuration sets that the callbacks need, kept on the
/// `SSL_CTX` (qssl's ex_data index) so that a callback works on any `SSL`
/// made from the context.
pub(crate) struct CtxData {
    /// The context is for the server side.
    pub server: bool,
    /// The configuration verifies the peer (VerifyPeer, or AutoVerifyPeer
    /// on a client): on a foreign `SSL` chain, host-name and OCSP problems
    /// then refuse the handshake.
    pub verifying: bool,
    /// The configuration's PSK handler (None: no PSK).
    pub psk_handler: Option<Arc<dyn PskHandler>>,
    /// The server's PSK identity hint.
    pub psk_hint: OptBytes,
    /// The server's ALPN list in wire form (empty: no ALPN callback).
    pub alpn_wire: Vec<u8>,
    /// OCSP stapling is requested (clients).
    pub ocsp: bool,
}

/// State shared between a connection and its callbacks.
#[derive(Default)]
pub(crate) struct ConnState {
    /// The `SSL` was made by other code (`SSL_new()` on an exported or
    /// applied context): verdicts are made inside the handshake.
    pub foreign: bool,
    /// Foreign `SSL`s: the configuration verifies the peer.
    pub verifying: bool,
    /// Foreign `SSL`s: the side.
    pub server: bool,
    /// Stop the handshake at the first verification error (Qt 6's
    /// handshakeMustInterruptOnError, when this side verifies the peer).
    pub interrupt_on_error: bool,
    pub chain_errors: Vec<ChainError>,
    /// A PSK handler of the connection's own (set on the connection, or a
    /// foreign `SSL`'s, from its context), winning over the configuration's
    /// (read from [`ConnShared::config`] when needed, never copied here).
    pub psk_handler: Option<Arc<dyn PskHandler>>,
    /// Foreign `SSL`s: the server's configured hint (qssl's connections
    /// read their configuration's).
    pub server_hint: OptBytes,
    /// The client's answer (the authenticator the application filled in),
    /// kept by a TLS 1.3 offer so that a second offer (after a
    /// HelloRetryRequest) and a TLS 1.2 exchange in the same handshake ask
    /// the application no more; truncated to each use's maxima when read.
    pub psk_answer: Option<KeptPsk>,
    pub psk_calls: u32,
    pub psk_error: Option<String>,
    /// The application's callback itself refused (non-zero return): abort,
    /// rather than merely offering or accepting no PSK.
    pub psk_refused: bool,
    pub alpn_status: i32,
    /// The latest session the client received and its ticket lifetime
    /// hint; serialised only when the application asks for it.
    pub new_session: Option<(SslSession, i32)>,
    pub tickets_received: u32,
    pub alert_sent: Option<Alert>,
    pub alert_received: Option<Alert>,
    pub ocsp_requested: bool,
    /// Qt error codes from the stapled OCSP response check.
    pub ocsp_errors: Vec<i32>,
    pub ocsp_seen: bool,
    /// The session state of the first handshake, recorded when a
    /// renegotiation starts (TLS 1.2): the connection reports that state,
    /// read from the `SSL` only when asked for, and a renegotiation
    /// replaces what the `SSL` holds.
    pub renegotiated_from: Option<Box<crate::model::config::SessionState>>,
}

/// What a connection shares with its callbacks: the configuration it was
/// made from, read-only (so a callback reads the PSK handler or hint in
/// place: a copy would write to reference counts that every connection made
/// from the configuration shares), and the state behind a lock.
pub(crate) struct ConnShared {
    /// The connection's configuration (a default one for foreign `SSL`s).
    pub config: SslConfiguration,
    state: Mutex<ConnState>,
    /// The state of a TLS connection's BIO (its transport), in the same
    /// allocation: see [`SslIo`](super::transport::SslIo). Unused by DTLS
    /// connections and foreign `SSL`s.
    pub(crate) bio: BioCell,
    /// A chain error was recorded (`ConnState::chain_errors` is not
    /// empty): read without the lock at the handshake's end.
    chain_error: AtomicBool,
}

impl ConnShared {
    /// A shared state for a connection made from `config` that has no BIO
    /// of qssl's TLS method (DTLS, foreign `SSL`s).
    pub(crate) fn new(config: SslConfiguration, state: ConnState) -> SharedState {
        Self::with_transport(config, state, Transport::Fd(-1))
    }

    /// A shared state for a TLS connection made from `config` over
    /// `transport` (see [`SslIo`](super::transport::SslIo)).
    pub(crate) fn with_transport(
        config: SslConfiguration,
        state: ConnState,
        transport: Transport,
    ) -> SharedState {
        Arc::new(ConnShared {
            config,
            state: Mutex::new(state),
            bio: BioCell::new(BioState::new(transport)),
            chain_error: AtomicBool::new(false),
        })
    }

    /// True once a chain error was recorded (then `chain_errors` is not
    /// empty), without taking the lock.
    #[inline]
    pub(crate) fn chain_error_recorded(&self) -> bool {
        self.chain_error.load(Ordering::Acquire)
    }
}

pub(crate) type SharedState = Arc<ConnShared>;

/// Locks a state, recovering from a poisoned lock (a panic elsewhere must
/// not take the connection down).
pub(crate) fn lock(s: &ConnShared) -> MutexGuard<'_, ConnState> {
    s.state.lock().unwrap_or_else(|e| e.into_inner())
}

/// qssl's ex_data index on `SSL` (None if OpenSSL cannot give one, which
/// makes every callback fail closed instead of panicking). The slot holds
/// `Arc::into_raw` of the connection's [`ConnShared`] itself (no box around
/// it: one allocation less per connection), released by [`free_state`] when
/// the `SSL` is freed.
fn state_index() -> Option<c_int> {
    static INDEX: OnceLock<c_int> = OnceLock::new();
    let idx = *INDEX.get_or_init(|| {
        // SAFETY: registers plain functions; OpenSSL is initialised first.
        let idx = unsafe {
            openssl_sys::init();
            openssl_sys::CRYPTO_get_ex_new_index(
                openssl_sys::CRYPTO_EX_INDEX_SSL,
                0,
                std::ptr::null_mut(),
                None,
                Some(dup_state),
                Some(free_state),
            )
        };
        if idx < 0 {
            ossl::clear_error_queue();
        }
        idx
    });
    (idx >= 0).then_some(idx)
}

/// `SSL_free`: releases the connection's reference to its shared state.
unsafe extern "C" fn free_state(
    _parent: *mut c_void,
    ptr: *mut c_void,
    _ad: *mut openssl_sys::CRYPTO_EX_DATA,
    _idx: c_int,
    _argl: std::ffi::c_long,
    _argp: *mut c_void,
) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: the slot only ever holds a pointer from `Arc::into_raw` in
    // `attach`, whose reference the slot owns; OpenSSL calls this once.
    let state = unsafe { Arc::from_raw(ptr.cast::<ConnShared>().cast_const()) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(state)));
}

/// `SSL_dup`: the copy gets no state (the slot's reference belongs to the
/// original); its first callback adopts one like any `SSL` other code made.
unsafe extern "C" fn dup_state(
    _to: *mut openssl_sys::CRYPTO_EX_DATA,
    _from: *const openssl_sys::CRYPTO_EX_DATA,
    from_d: *mut *mut c_void,
    _idx: c_int,
    _argl: std::ffi::c_long,
    _argp: *mut c_void,
) -> c_int {
    if !from_d.is_null() {
        // SAFETY: OpenSSL passes the address of the value to be copied.
        unsafe { *from_d = std::ptr::null_mut() };
    }
    1
}

/// qssl's ex_data index on `SSL_CTX`.
fn ctx_index() -> Option<Index<SslContext, Arc<CtxData>>> {
    static INDEX: OnceLock<Option<Index<SslContext, Arc<CtxData>>>> = OnceLock::new();
    *INDEX.get_or_init(|| SslContext::new_ex_index().ok())
}

/// Attaches the shared state to an `SSL` (replacing and releasing any
/// previous one).
pub(crate) fn attach(ssl: &mut SslRef, state: SharedState) -> Result<(), Error> {
    let idx = state_index().ok_or_else(no_state_index)?;
    // SAFETY: live SSL, mutably borrowed (no reference from `state_of` is
    // alive).
    let old = unsafe { openssl_sys::SSL_get_ex_data(ssl.as_ptr(), idx) };
    set_state_slot(ssl, idx, state)?;
    if !old.is_null() {
        // SAFETY: the slot held this reference (from `Arc::into_raw` in
        // `set_state_slot`) until it was replaced just above.
        drop(unsafe { Arc::from_raw(old.cast::<ConnShared>().cast_const()) });
    }
    Ok(())
}

/// [`attach`] for an `SSL` whose slot is empty: one `SSL_new` just made
/// (no new-callback fills qssl's slot), or one whose slot
/// [`state_or_adopt`] found empty. Nothing to read or release first.
pub(crate) fn attach_new(ssl: &mut SslRef, state: SharedState) -> Result<(), Error> {
    let idx = state_index().ok_or_else(no_state_index)?;
    set_state_slot(ssl, idx, state)
}

/// Stores `state` in `ssl`'s slot `idx`; the slot owns the reference.
fn set_state_slot(ssl: &mut SslRef, idx: c_int, state: SharedState) -> Result<(), Error> {
    let new = Arc::into_raw(state);
    // SAFETY: live SSL, mutably borrowed; the slot owns the reference `new`
    // carries once the call succeeds.
    if unsafe { openssl_sys::SSL_set_ex_data(ssl.as_ptr(), idx, new.cast_mut().cast()) } != 1 {
        // SAFETY: not stored: the reference is still ours.
        return Err(attach_failed(unsafe { Arc::from_raw(new) }));
    }
    Ok(())
}

/// No ex_data index: every callback fails closed; no connection is made.
#[cold]
#[inline(never)]
fn no_state_index() -> Error {
    Error::tls("no OpenSSL ex_data index", None)
}

/// `SSL_set_ex_data` failed (out of memory): the state is released and
/// the queue cleared.
#[cold]
#[inline(never)]
fn attach_failed(state: SharedState) -> Error {
    drop(state);
    ossl::clear_error_queue();
    Error::tls("cannot attach the connection state", None)
}

/// The shared state of `ssl`, borrowed from its ex_data slot (no reference
/// count taken: the slot is only replaced through `&mut SslRef`).
fn state_of(ssl: &SslRef) -> Option<&ConnShared> {
    // SAFETY: live SSL, borrowed for the result's lifetime.
    unsafe { state_raw(ssl.as_ptr()) }
}

/// # Safety
/// `ssl` must be a live `SSL` whose slot is not replaced while the result
/// is used.
unsafe fn state_raw<'a>(ssl: *mut openssl_sys::SSL) -> Option<&'a ConnShared> {
    let idx = state_index()?;
    // SAFETY: live SSL; the slot is NULL or holds a live `ConnShared` that
    // the SSL keeps alive while the slot holds it.
    unsafe {
        openssl_sys::SSL_get_ex_data(ssl, idx)
            .cast::<ConnShared>()
            .cast_const()
            .as_ref()
    }
}

/// True when `ssl` belongs to a qssl connection (not an `SSL` other code
/// made from a qssl context).
pub(crate) fn is_qssl_connection(ssl: &SslRef) -> bool {
    state_of(ssl).is_some_and(|s| !lock(s).foreign)
}

/// The configuration data of the context `ssl` currently uses.
fn ctx_data_of(ssl: &SslRef) -> Option<Arc<CtxData>> {
    ctx_data(ssl.ssl_context())
}

fn ctx_data(ctx: &SslContextRef) -> Option<Arc<CtxData>> {
    ctx.ex_data(ctx_index()?).cloned()
}

/// The state of `ssl`; for an `SSL` qssl did not create, a state built
/// from its context's configuration data is attached first. None when the
/// context carries no qssl data (the callback then fails closed).
///
/// # Safety
/// `ssl` must be the live `SSL` of the handshake in progress, not otherwise
/// borrowed mutably during the call.
#[inline]
unsafe fn state_or_adopt<'a>(ssl: *mut openssl_sys::SSL) -> Option<&'a ConnShared> {
    if ssl.is_null() {
        return None;
    }
    // SAFETY: live SSL per the caller; its slot is set only by `adopt`.
    if let Some(s) = unsafe { state_raw(ssl) } {
        return Some(s);
    }
    // SAFETY: forwarded caller guarantee; the slot is empty.
    unsafe { adopt(ssl) }
}

/// [`state_or_adopt`] for an `SSL` without a state: builds and attaches one.
/// Cold and out of line: a qssl connection always has its state.
///
/// # Safety
/// As [`state_or_adopt`].
#[cold]
#[inline(never)]
unsafe fn adopt<'a>(ssl: *mut openssl_sys::SSL) -> Option<&'a ConnShared> {
    // SAFETY: live SSL per the caller, exclusively used by this callback.
    let ssl = unsafe { SslRef::from_ptr_mut(ssl) };
    let data = ctx_data_of(ssl)?;
    let state = ConnState {
        foreign: true,
        verifying: data.verifying,
        server: data.server,
        psk_handler: data.psk_handler.clone(),
        server_hint: data.psk_hint.clone(),
        ocsp_requested: data.ocsp && !data.server,
        ..ConnState::default()
    };
    attach_new(ssl, ConnShared::new(SslConfiguration::default(), state)).ok()?;
    // SAFETY: live SSL; the state just attached stays for the callback.
    unsafe { state_raw(ssl.as_ptr()) }
}

// ---- verification -----------------------------------------------------------

/// The `SSL` a store context verifies for (NULL outside a handshake).
///
/// # Safety
/// `ctx` must be a live store context.
unsafe fn ssl_of_store(ctx: *mut openssl_sys::X509_STORE_CTX) -> *mut openssl_sys::SSL {
    // SAFETY: OpenSSL's own index for the SSL of a store context.
    let idx = unsafe { ossl::SSL_get_ex_data_X509_STORE_CTX_idx() };
    if idx < 0 {
        return std::ptr::null_mut();
    }
    // SAFETY: live store context per the caller.
    unsafe { openssl_sys::X509_STORE_CTX_get_ex_data(ctx, idx) }.cast()
}

/// The verify callback of every `SSL` made from a qssl context.
///
/// qssl's own connections: records each chain error and continues (Qt
/// decides after the handshake), unless the handshake must interrupt on the
/// first error. Foreign `SSL`s: when the configuration verifies the peer,
/// OpenSSL's verdict stands and a client also checks the host name (the one
/// given with `SSL_set1_host`, else the SNI name the foreign code set; with
/// neither, the handshake is refused). Anything unexpected refuses.
pub(crate) extern "C" fn verify_cb(
    preverify_ok: c_int,
    ctx: *mut openssl_sys::X509_STORE_CTX,
) -> c_int {
    std::panic::catch_unwind(|| {
        if ctx.is_null() {
            return 0;
        }
        // SAFETY: OpenSSL passes the live store context.
        unsafe { verify_inner(preverify_ok == 1, ctx) }
    })
    .unwrap_or(0)
}

/// # Safety
/// `ctx` must be the live store context of a verification.
unsafe fn verify_inner(ok: bool, ctx: *mut openssl_sys::X509_STORE_CTX) -> c_int {
    // SAFETY: live store context.
    let ssl = unsafe { ssl_of_store(ctx) };
    // SAFETY: the SSL being verified, or NULL.
    let Some(state) = (unsafe { state_or_adopt(ssl) }) else {
        // Not a handshake qssl knows: OpenSSL's verdict stands.
        return c_int::from(ok);
    };
    // SAFETY: live store context.
    let store = unsafe { openssl::x509::X509StoreContextRef::from_ptr_mut(ctx) };
    let mut st = lock(state);
    if st.foreign {
        if !st.verifying {
            return 1;
        }
        if !ok {
            return 0;
        }
        if !st.server && store.error_depth() == 0 {
            drop(st);
            // SAFETY: live store context and SSL.
            return c_int::from(unsafe { foreign_host_ok(store, ssl) });
        }
        return 1;
    }
    if ok {
        return 1;
    }
    let code = store.error().as_raw();
    let cert = store
        .current_cert()
        .map(|c| Certificate::from_x509(c.to_owned()))
        .unwrap_or_default();
    st.chain_errors.push(ChainError { code, cert });
    state.chain_error.store(true, Ordering::Release);
    c_int::from(!st.interrupt_on_error)
}

/// Foreign client, leaf verified: the host name holds. OpenSSL checked it
/// already when the application named the peer (`SSL_set1_host`,
/// `SSL_add1_host`, an IP or e-mail address in the verify parameters);
/// otherwise the SNI name the application set must match the leaf. No name
/// at all refuses (a verifying client must know whom it talks to).
///
/// # Safety
/// `store` and `ssl` must be live and belong to one handshake.
unsafe fn foreign_host_ok(
    store: &mut openssl::x509::X509StoreContextRef,
    ssl: *mut openssl_sys::SSL,
) -> bool {
    // SAFETY: live store context; the parameters belong to it.
    let param = unsafe { ossl::X509_STORE_CTX_get0_param(store.as_ptr()) };
    if !param.is_null() {
        // SAFETY: live parameters; the getters only read (get1 allocates).
        unsafe {
            if !ossl::X509_VERIFY_PARAM_get0_host(param, 0).is_null()
                || !ossl::X509_VERIFY_PARAM_get0_email(param).is_null()
            {
                return true;
            }
            // Without an IP address the getter queues an error: keep the
            // queue as the caller had it.
            ossl::ERR_set_mark();
            let ip = ossl::X509_VERIFY_PARAM_get1_ip_asc(param);
            ossl::ERR_pop_to_mark();
            if !ip.is_null() {
                openssl_sys::CRYPTO_free(ip.cast(), c"qssl".as_ptr(), 0);
                return true;
            }
        }
    }
    // SAFETY: live SSL.
    let sni =
        unsafe { openssl_sys::SSL_get_servername(ssl, openssl_sys::TLSEXT_NAMETYPE_host_name) };
    let matched = if sni.is_null() {
        false
    } else {
        // SAFETY: NUL-terminated name owned by the SSL.
        let name = unsafe { CStr::from_ptr(sni) }.to_string_lossy();
        store
            .current_cert()
            .map(|c| Certificate::from_x509(c.to_owned()))
            .is_some_and(|c| crate::model::cert::host_matches(&c, &name))
    };
    if !matched {
        // SAFETY: live store context.
        unsafe {
            openssl_sys::X509_STORE_CTX_set_error(
                store.as_ptr(),
                openssl_sys::X509_V_ERR_HOSTNAME_MISMATCH,
            )
        };
    }
    matched
}

/// Sets the verify mode and qssl's verify callback on one `SSL`.
pub(crate) fn set_ssl_verify(ssl: &mut SslRef, mode: c_int) {
    // SAFETY: live SSL; the callback is a plain function.
    unsafe { openssl_sys::SSL_set_verify(ssl.as_ptr(), mode, Some(verify_cb)) };
}

// ---- session tickets ------------------------------------------------------------

/// Client contexts: every new session is counted (TLS 1.2 at handshake end,
/// TLS 1.3 tickets after it); a TLS 1.3 one is kept by reference, each
/// overwriting the previous one, and serialised only when the application
/// asks for the configuration. On a foreign `SSL` the session is left to
/// OpenSSL (return 0: not taken), as is a TLS 1.2 session.
unsafe extern "C" fn new_session_cb(
    ssl: *mut openssl_sys::SSL,
    sess: *mut openssl_sys::SSL_SESSION,
) -> c_int {
    std::panic::catch_unwind(|| {
        if ssl.is_null() || sess.is_null() {
            return 0;
        }
        // SAFETY: the live SSL of the handshake.
        let ssl = unsafe { SslRef::from_ptr(ssl) };
        let Some(state) = state_of(ssl) else { return 0 };
        // One lock for the check and the update.
        let mut st = lock(state);
        if st.foreign {
            return 0;
        }
        st.tickets_received += 1;
        // Only a TLS 1.3 session is ever reported (see
        // `Connection::ssl_configuration`; a TLS 1.2 session reaches the
        // configuration as the handshake's session): any other is left to
        // OpenSSL (0: not taken).
        // SAFETY: the live session OpenSSL passes.
        if unsafe { openssl_sys::SSL_SESSION_get_protocol_version(sess) }
            != openssl_sys::TLS1_3_VERSION
        {
            return 0;
        }
        // SAFETY: returning 1 hands us OpenSSL's reference to the session.
        let session = unsafe { SslSession::from_ptr(sess) };
        let hint = ossl::ticket_lifetime_hint(&session);
        st.new_session = Some((session, hint));
        1
    })
    .unwrap_or(0)
}

// ---- ALPN ------------------------------------------------------------------------

/// Server side: the first protocol in the client's order that the server
/// allows. No overlap: no protocol is acknowledged and the status is
/// Unsupported (Qt's handshake fails instead; see docs/API.md).
unsafe extern "C" fn alpn_select_cb(
    ssl: *mut openssl_sys::SSL,
    out: *mut *const c_uchar,
    outlen: *mut c_uchar,
    inbuf: *const c_uchar,
    inlen: c_uint,
    _arg: *mut c_void,
) -> c_int {
    std::panic::catch_unwind(|| {
        if ssl.is_null() || out.is_null() || outlen.is_null() || inbuf.is_null() {
            return openssl_sys::SSL_TLSEXT_ERR_NOACK;
        }
        // SAFETY: the live SSL of the handshake.
        let ssl_ref = unsafe { SslRef::from_ptr(ssl) };
        let Some(data) = ctx_data_of(ssl_ref) else {
            return openssl_sys::SSL_TLSEXT_ERR_NOACK;
        };
        // SAFETY: OpenSSL passes the client's list, inlen bytes, alive for
        // the handshake.
        let client = unsafe { std::slice::from_raw_parts(inbuf, inlen as usize) };
        let server = split_wire(&data.alpn_wire);
        let chosen = split_wire(client).into_iter().find(|c| server.contains(c));
        let state = state_of(ssl_ref);
        match chosen {
            Some(p) => {
                if let Some(s) = state {
                    lock(s).alpn_status = npn_status::NEGOTIATED;
                }
                // SAFETY: out-pointers valid; p points into the client's list.
                unsafe {
                    *out = p.as_ptr();
                    *outlen = p.len() as c_uchar;
                }
                openssl_sys::SSL_TLSEXT_ERR_OK
            }
            None => {
                if let Some(s) = state {
                    lock(s).alpn_status = npn_status::UNSUPPORTED;
                }
                openssl_sys::SSL_TLSEXT_ERR_NOACK
            }
        }
    })
    .unwrap_or(openssl_sys::SSL_TLSEXT_ERR_ALERT_FATAL)
}

fn split_wire(mut w: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some((&n, rest)) = w.split_first() {
        let n = n as usize;
        if n == 0 || rest.len() < n {
            break;
        }
        out.push(&rest[..n]);
        w = &rest[n..];
    }
    out
}

// ---- OCSP (client) -----------------------------------------------------------------

/// Client side: check the stapled response against the peer's chain.
/// qssl's connections: problems become Qt's OCSP errors, decided after the
/// handshake. Foreign `SSL`s of a verifying configuration: any problem
/// refuses the handshake.
unsafe extern "C" fn ocsp_status_cb(ssl: *mut openssl_sys::SSL, _arg: *mut c_void) -> c_int {
    std::panic::catch_unwind(|| {
        // SAFETY: the live SSL of the handshake.
        let Some(state) = (unsafe { state_or_adopt(ssl) }) else {
            return 0;
        };
        // SAFETY: the live SSL of the handshake.
        let ssl = unsafe { SslRef::from_ptr(ssl) };
        let errors = super::verify::check_ocsp(ssl);
        let mut st = lock(state);
        st.ocsp_seen = true;
        if st.foreign {
            return c_int::from(!st.verifying || errors.is_empty());
        }
        st.ocsp_errors = errors;
        1
    })
    .unwrap_or(0)
}

// ---- alerts ----------------------------------------------------------------------------

/// Called on every state change of every handshake; only alerts matter, so
/// the common path is one test and a return, and the recording is out of
/// line (cold). Nothing on the common path can panic.
unsafe extern "C" fn info_callback(ssl: *const openssl_sys::SSL, where_: c_int, ret: c_int) {
    if where_ & (ossl::SSL_CB_ALERT | ossl::SSL_CB_HANDSHAKE_START) != 0 {
        if where_ & ossl::SSL_CB_ALERT != 0 {
            record_alert(ssl, where_, ret);
        } else {
            handshake_started(ssl);
        }
    }
}

/// A handshake starts on `ssl`: the first (nothing to do) or a
/// renegotiation (OpenSSL reports TLS 1.3's post-handshake messages
/// without it), before which the first handshake's session state is
/// recorded.
#[cold]
#[inline(never)]
fn handshake_started(ssl: *const openssl_sys::SSL) {
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: OpenSSL passes the live SSL whose state changed (or NULL).
        if ssl.is_null() || unsafe { ossl::SSL_in_before(ssl) } != 0 {
            return;
        }
        // SAFETY: as above; only read for the call.
        let ssl = unsafe { SslRef::from_ptr(ssl.cast_mut()) };
        let Some(state) = state_of(ssl) else { return };
        let alpn_status = {
            let st = lock(state);
            if st.renegotiated_from.is_some() {
                return;
            }
            st.alpn_status
        };
        let snapshot = super::conn::session_state_of(ssl, ssl.is_server(), alpn_status);
        lock(state).renegotiated_from = Some(Box::new(snapshot));
    });
}

/// Records an alert sent or received on `ssl` in its state.
#[cold]
#[inline(never)]
fn record_alert(ssl: *const openssl_sys::SSL, where_: c_int, ret: c_int) {
    let _ = std::panic::catch_unwind(|| {
        if ssl.is_null() {
            return;
        }
        // SAFETY: OpenSSL passes the live SSL whose state changed.
        let ssl = unsafe { SslRef::from_ptr(ssl.cast_mut()) };
        let Some(state) = state_of(ssl) else { return };
        let alert = Alert {
            level: (ret >> 8) & 0xff,
            kind: ret & 0xff,
        };
        let mut st = lock(state);
        if where_ & ossl::SSL_CB_READ != 0 {
            st.alert_received = Some(alert);
        } else if where_ & ossl::SSL_CB_WRITE != 0 {
            st.alert_sent = Some(alert);
        }
    });
}

/// Records alerts sent and received on one `SSL`.
pub(crate) fn set_ssl_info_callback(ssl: &mut SslRef) {
    // SAFETY: live SSL; the callback is a plain function.
    unsafe { ossl::SSL_set_info_callback(ssl.as_ptr(), Some(info_callback)) };
}

// ---- installing on a context ----------------------------------------------------------

/// Whose context the callbacks go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CtxOwner {
    /// qssl's cached context for its own connections, which install their
    /// PSK callbacks per `SSL` (the configuration's PSK callback is not part
    /// of what builds the context).
    Cached,
    /// A context built for `qssl_config_openssl_context`.
    Exported,
    /// A context another library owns (`SSL_CTX_set_*` of its own, such as
    /// libcurl's session and info callbacks, are left alone).
    Foreign,
}

/// Puts the configuration data on the context and installs every callback
/// it needs: verify (with `verify_mode`), PSK (when a handler is set), ALPN
/// selection (servers with a list), OCSP (clients that staple), and on
/// qssl's own contexts the new-session and info callbacks.
pub(crate) fn install_ctx(
    b: &mut SslContextBuilder,
    data: CtxData,
    verify_mode: c_int,
    owner: CtxOwner,
) -> Result<(), Error> {
    let idx = ctx_index().ok_or_else(|| Error::tls("no OpenSSL ex_data index", None))?;
    let server = data.server;
    let psk = data.psk_handler.is_some() && owner != CtxOwner::Cached;
    let alpn = server && !data.alpn_wire.is_empty();
    let ocsp = !server && data.ocsp;
    b.set_ex_data(idx, Arc::new(data));
    let ctx = b.as_ptr();
    // SAFETY: live context; every callback is a plain function that reaches
    // its state through qssl's ex_data.
    unsafe {
        openssl_sys::SSL_CTX_set_verify(ctx, verify_mode, Some(verify_cb));
        if psk {
            if server {
                openssl_sys::SSL_CTX_set_psk_server_callback(ctx, Some(psk_server_cb));
                ossl::SSL_CTX_set_psk_find_session_callback(ctx, Some(psk_find_session_cb));
            } else {
                openssl_sys::SSL_CTX_set_psk_client_callback(ctx, Some(psk_client_cb));
                ossl::SSL_CTX_set_psk_use_session_callback(ctx, Some(psk_use_session_cb));
            }
        }
        if alpn {
            openssl_sys::SSL_CTX_set_alpn_select_cb__fixed_rust(
                ctx,
                Some(alpn_select_cb),
                std::ptr::null_mut(),
            );
        }
        if ocsp {
            openssl_sys::SSL_CTX_set_tlsext_status_cb(ctx, Some(ocsp_status_cb));
            ossl::ctx_request_ocsp(ctx);
        }
        if owner != CtxOwner::Foreign {
            ossl::SSL_CTX_set_info_callback(ctx, Some(info_callback));
            if !server {
                openssl_sys::SSL_CTX_sess_set_new_cb(ctx, Some(new_session_cb));
            }
        }
    }
    Ok(())
}

/// Asks the server for a stapled OCSP response on this connection.
pub(crate) fn request_ocsp(ssl: &mut SslRef) -> Result<(), Error> {
    ssl.set_status_type(openssl::ssl::StatusType::OCSP)
        .map_err(|e| {
            Error::invalid(with_openssl(
                "cannot request OCSP stapling".into(),
                Some(&e),
            ))
        })
}

// ---- server PSK hint, SSL_CONF -------------------------------------------------------------

/// The hint a TLS 1.2 PSK server sends (empty: none).
pub(crate) fn set_psk_identity_hint(b: &mut SslContextBuilder, hint: &CStr) -> Result<(), Error> {
    // SAFETY: live context and NUL-terminated hint; OpenSSL copies it.
    if unsafe { ossl::SSL_CTX_use_psk_identity_hint(b.as_ptr(), hint.as_ptr()) } != 1 {
        let e = ossl::error_stack();
        return Err(Error::invalid(with_openssl(
            "cannot set the PSK identity hint".into(),
            Some(&e),
        )));
    }
    Ok(())
}

/// Applies OpenSSL configuration commands (`SSL_CONF_cmd`) to a context; an
/// unknown command or a bad value is an error naming it.
pub(crate) fn apply_conf_commands(
    b: &mut SslContextBuilder,
    server: bool,
    cmds: &[(String, CString, CString)],
) -> Result<(), Error> {
    // SAFETY: creates a fresh SSL_CONF_CTX, freed below on every path.
    let cctx = unsafe { ossl::SSL_CONF_CTX_new() };
    if cctx.is_null() {
        return Err(Error::invalid(
            "cannot create an OpenSSL configuration context",
        ));
    }
    let side = if server {
        ossl::SSL_CONF_FLAG_SERVER
    } else {
        ossl::SSL_CONF_FLAG_CLIENT
    };
    // SAFETY: cctx is live and the builder's context outlives this call.
    unsafe {
        ossl::SSL_CONF_CTX_set_flags(
            cctx,
            ossl::SSL_CONF_FLAG_FILE
                | side
                | ossl::SSL_CONF_FLAG_CERTIFICATE
                | ossl::SSL_CONF_FLAG_SHOW_ERRORS,
        );
        ossl::SSL_CONF_CTX_set_ssl_ctx(cctx, b.as_ptr());
    }
    let mut result = Ok(());
    for (shown, name, value) in cmds {
        // SAFETY: live cctx, NUL-terminated strings.
        let rc = unsafe { ossl::SSL_CONF_cmd(cctx, name.as_ptr(), value.as_ptr()) };
        if rc != 2 {
            let e = ossl::error_stack();
            let why = match rc {
                1 | 0 => format!(
                    "backend option '{shown}': OpenSSL refused the value '{}'",
                    value.to_string_lossy()
                ),
                -2 => format!("backend option '{shown}': unknown OpenSSL configuration command"),
                _ => {
                    format!("backend option '{shown}': OpenSSL configuration command failed ({rc})")
                }
            };
            result = Err(Error::invalid(with_openssl(why, Some(&e))));
            break;
        }
    }
    // SAFETY: live cctx; finish then free exactly once.
    unsafe {
        if result.is_ok() && ossl::SSL_CONF_CTX_finish(cctx) != 1 {
            let e = ossl::error_stack();
            result = Err(Error::invalid(with_openssl(
                "backend configuration could not be applied".into(),
                Some(&e),
            )));
        }
        ossl::SSL_CONF_CTX_free(cctx);
    }
    result
}

// ---- PSK ------------------------------------------------------------------------------------
//
// One handshake-time authenticator per question, filled in place by the
// application (a C callback gets it as its borrowed `qssl_psk_auth_t`, no
// copy), and read in place afterwards: the identity and key go straight from
// it into OpenSSL's buffers, truncated to the maxima of that call. A server's
// authenticator, and a TLS 1.2 client's, lives on the callback's stack (no
// allocation; the identity and key set through the C API are held in it and
// the key wiped there). A TLS 1.3 offer keeps its answered authenticator in
// the state (a shared block, moved by pointer), so a second offer and a
// TLS 1.2 exchange in one handshake ask once; the key stays in that block,
// wiped when the state goes.

/// Asks the application's handler (the connection's own, else the
/// configuration's) to fill `auth`: on a server, with its own configured
/// hint set first; on a client, `auth` carries the server's hint. Counts the
/// call. False when there is no handler, or it refused or left the key empty
/// (recorded in the state: the handshake is refused).
#[inline(never)]
fn ask(state: &ConnShared, auth: &mut PskAuthenticator, server: bool) -> bool {
    // The common case, a qssl connection using its configuration's handler:
    // one lock for the check and the call count; the handler and the
    // server's hint are read in place from the configuration.
    let mut st = lock(state);
    if st.psk_handler.is_some() {
        drop(st);
        return ask_own(state, auth, server);
    }
    let Some(handler) = state.config.psk_handler() else {
        return false;
    };
    st.psk_calls += 1;
    drop(st);
    if server {
        let hint = state.config.pre_shared_key_identity_hint();
        if !hint.is_null() {
            auth.set_identity_hint(hint.clone());
        }
    }
    answer(state, &**handler, auth)
}

/// [`ask`] with the connection's own handler (set on the connection, or a
/// foreign `SSL`'s, from its context): a reference count on it for the
/// call; a foreign server shows its context's hint.
#[cold]
#[inline(never)]
fn ask_own(state: &ConnShared, auth: &mut PskAuthenticator, server: bool) -> bool {
    let mut st = lock(state);
    let Some(own) = st.psk_handler.clone() else {
        return false;
    };
    st.psk_calls += 1;
    if server {
        auth.set_identity_hint(if st.foreign {
            st.server_hint.clone()
        } else {
            state.config.pre_shared_key_identity_hint().clone()
        });
    }
    drop(st);
    answer(state, &*own, auth)
}

/// Runs `handler` on `auth`; false (recorded) if it refused or left the
/// key empty.
#[inline(always)]
fn answer(state: &ConnShared, handler: &dyn PskHandler, auth: &mut PskAuthenticator) -> bool {
    if let Err(e) = handler.authenticate(auth) {
        psk_refused(state, e);
        return false;
    }
    if auth.pre_shared_key().is_empty() {
        psk_empty_key(state);
        return false;
    }
    true
}

/// The handler refused (non-zero return): abort the handshake.
#[cold]
#[inline(never)]
fn psk_refused(state: &ConnShared, e: String) {
    let mut st = lock(state);
    st.psk_error = Some(e);
    st.psk_refused = true;
}

/// The handler answered without a key: no PSK (the handshake is refused).
#[cold]
#[inline(never)]
fn psk_empty_key(state: &ConnShared) {
    lock(state).psk_error = Some("the PSK callback gave an empty pre-shared key".into());
}

/// At most `max` bytes of `b` (the maxima truncate, as in Qt).
#[inline]
fn upto(b: &[u8], max: usize) -> &[u8] {
    &b[..b.len().min(max)]
}

/// The client's answered authenticator, asking the application once per
/// handshake (`hint`: the server's, NUL-terminated, or NULL); returned with
/// the state locked, so the callers read it in place. `None` if the
/// application refused or gave an empty key.
///
/// # Safety
/// `hint` must be NULL or a NUL-terminated string.
#[inline(never)]
unsafe fn client_answer(
    state: &ConnShared,
    hint: *const c_char,
    max_id: usize,
    max_key: usize,
) -> Option<MutexGuard<'_, ConnState>> {
    {
        let st = lock(state);
        if st.psk_answer.is_some() {
            return Some(st);
        }
    }
    // SAFETY: forwarded caller guarantee.
    let hint = unsafe { server_hint(hint) };
    let mut auth = PskAuthenticator::shared_for_handshake(hint, max_id as i32, max_key as i32);
    if !ask(state, &mut auth, false) {
        return None;
    }
    // Kept in the state: moved by its pointer, never by its key bytes.
    let kept = auth.into_kept();
    let mut st = lock(state);
    if let Some(old) = st.psk_answer.replace(kept) {
        drop_cold(old);
    }
    Some(st)
}

/// Drops a value out of line (a path the handshake does not take).
#[cold]
#[inline(never)]
fn drop_cold<T>(v: T) {
    drop(v);
}

/// The server's hint as the client's authenticator shows it: null for NULL
/// or an empty hint.
///
/// # Safety
/// `hint` must be NULL or a NUL-terminated string.
#[inline]
unsafe fn server_hint(hint: *const c_char) -> OptBytes {
    // SAFETY: NULL or NUL-terminated per the caller.
    if hint.is_null() || unsafe { *hint } == 0 {
        return OptBytes::Null;
    }
    // SAFETY: forwarded caller guarantee.
    unsafe { hint_bytes(hint) }
}

/// A non-empty hint's bytes, copied.
///
/// # Safety
/// `hint` must be a NUL-terminated string.
#[cold]
#[inline(never)]
unsafe fn hint_bytes(hint: *const c_char) -> OptBytes {
    // SAFETY: NUL-terminated per the caller; copied at once.
    OptBytes::from(unsafe { CStr::from_ptr(hint) }.to_bytes())
}

extern "C" fn psk_client_cb(
    ssl: *mut openssl_sys::SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut u8,
    max_psk_len: c_uint,
) -> c_uint {
    let guard = std::panic::catch_unwind(|| {
        // SAFETY: OpenSSL passes the live SSL of the handshake.
        let state = unsafe { state_or_adopt(ssl) }?;
        let max_id = (max_identity_len as usize).saturating_sub(1);
        let max_key = max_psk_len as usize;
        if lock(state).psk_answer.is_some() {
            // SAFETY: OpenSSL's buffers of the given sizes.
            return unsafe { client_kept(state, identity, max_id, psk, max_key) };
        }
        // The TLS 1.2 exchange is the handshake's last PSK question: the
        // answer is used at once, from the callback's stack (no allocation;
        // the key is wiped there).
        // SAFETY: OpenSSL passes NULL or a NUL-terminated hint.
        let hint = unsafe { server_hint(hint) };
        let mut auth = PskAuthenticator::for_handshake(hint, None, max_id as i32, max_key as i32);
        if !ask(state, &mut auth, false) {
            return None;
        }
        // SAFETY: OpenSSL's buffers of the given sizes.
        Some(unsafe { client_write(answer_of(&auth), identity, max_id, psk, max_key) })
    });
    guard.ok().flatten().unwrap_or(0)
}

/// [`psk_client_cb`] with the answer a TLS 1.3 offer of this handshake kept.
///
/// # Safety
/// As [`client_write`].
#[cold]
#[inline(never)]
unsafe fn client_kept(
    state: &ConnShared,
    identity: *mut c_char,
    max_id: usize,
    psk: *mut u8,
    max_key: usize,
) -> Option<c_uint> {
    let st = lock(state);
    let auth = st.psk_answer.as_ref()?;
    let answer = (auth.identity().as_slice(), auth.pre_shared_key().as_slice());
    // SAFETY: forwarded caller guarantee.
    Some(unsafe { client_write(answer, identity, max_id, psk, max_key) })
}

/// An answered authenticator's identity and key.
#[inline]
fn answer_of(auth: &PskAuthenticator) -> (&[u8], &[u8]) {
    (auth.identity().as_slice(), auth.pre_shared_key().as_slice())
}

/// Writes the client's identity (at most `max_id` bytes and a NUL) and key
/// (at most `max_key` bytes) to OpenSSL's buffers; the key's length.
///
/// # Safety
/// `identity` must be valid for `max_id + 1` bytes, `psk` for `max_key`.
#[inline]
unsafe fn client_write(
    (id, key): (&[u8], &[u8]),
    identity: *mut c_char,
    max_id: usize,
    psk: *mut u8,
    max_key: usize,
) -> c_uint {
    let id = upto(id, max_id);
    let key = upto(key, max_key);
    // SAFETY: per the caller, id.len() <= max_id and key.len() <= max_key.
    unsafe {
        std::ptr::copy_nonoverlapping(id.as_ptr(), identity.cast::<u8>(), id.len());
        *identity.add(id.len()) = 0;
        std::ptr::copy_nonoverlapping(key.as_ptr(), psk, key.len());
    }
    key.len() as c_uint
}

extern "C" fn psk_server_cb(
    ssl: *mut openssl_sys::SSL,
    identity: *const c_char,
    psk: *mut u8,
    max_psk_len: c_uint,
) -> c_uint {
    let guard = std::panic::catch_unwind(|| {
        // SAFETY: OpenSSL passes the live SSL of the handshake.
        let state = unsafe { state_or_adopt(ssl) }?;
        let id = if identity.is_null() {
            &[][..]
        } else {
            // SAFETY: NUL-terminated identity from the client, copied at once.
            unsafe { CStr::from_ptr(identity) }.to_bytes()
        };
        let max = max_psk_len as usize;
        let mut auth = PskAuthenticator::for_handshake(OptBytes::Null, Some(id), 0, max as i32);
        if !ask(state, &mut auth, true) {
            return None;
        }
        let key = upto(auth.pre_shared_key().as_slice(), max);
        // SAFETY: psk has max_psk_len bytes and key.len() <= max_psk_len.
        unsafe { std::ptr::copy_nonoverlapping(key.as_ptr(), psk, key.len()) };
        Some(key.len() as c_uint)
    });
    guard.ok().flatten().unwrap_or(0)
}

/// Builds a TLS 1.3 external-PSK session: key, cipher, version.
///
/// # Safety
/// `cipher` must be a valid SSL_CIPHER pointer.
unsafe fn psk_session(
    key: &[u8],
    cipher: *const openssl_sys::SSL_CIPHER,
) -> *mut openssl_sys::SSL_SESSION {
    // SAFETY: fresh session; freed on failure; cipher valid per the caller.
    unsafe {
        let sess = ossl::SSL_SESSION_new();
        if sess.is_null() {
            return sess;
        }
        if ossl::SSL_SESSION_set1_master_key(sess, key.as_ptr(), key.len()) != 1
            || ossl::SSL_SESSION_set_cipher(sess, cipher) != 1
            || ossl::SSL_SESSION_set_protocol_version(sess, openssl_sys::TLS1_3_VERSION) != 1
        {
            ossl::SSL_SESSION_free(sess);
            return std::ptr::null_mut();
        }
        sess
    }
}

/// The TLS 1.3 suite whose hash the client's PSK is bound to. With `md`
/// given (after a HelloRetryRequest), a suite with that hash. Otherwise the
/// first SHA-256 suite the client offers, else its first TLS 1.3 suite:
/// an OpenSSL server with PSK callbacks prefers SHA-256 suites, and SHA-256
/// is what OpenSSL's and GnuTLS's tools use for external PSKs, so this works
/// out of the box with default lists; a list without SHA-256 suites (for
/// example only TLS_AES_256_GCM_SHA384) binds the PSK to SHA-384.
fn tls13_cipher_for(
    ssl: &SslRef,
    md: *const openssl_sys::EVP_MD,
) -> *const openssl_sys::SSL_CIPHER {
    if !md.is_null() {
        return ossl::ssl_tls13_ciphers(ssl)
            // SAFETY: c is a live SSL_CIPHER owned by the SSL's list.
            .find(|c| unsafe { ossl::SSL_CIPHER_get_handshake_digest(c.as_ptr()) } == md)
            .map_or(std::ptr::null(), |c| c.as_ptr());
    }
    // TLS 1.3 suite names end with their hash (compared as bytes: no UTF-8
    // check of each name).
    ossl::ssl_tls13_ciphers(ssl)
        .find(|c| {
            // SAFETY: c is a live SSL_CIPHER; its name is a static C string.
            unsafe { CStr::from_ptr(openssl_sys::SSL_CIPHER_get_name(c.as_ptr())) }
                .to_bytes()
                .ends_with(b"_SHA256")
        })
        .or_else(|| ossl::ssl_tls13_ciphers(ssl).next())
        .map_or(std::ptr::null(), |c| c.as_ptr())
}

unsafe extern "C" fn psk_use_session_cb(
    ssl: *mut openssl_sys::SSL,
    md: *const openssl_sys::EVP_MD,
    id: *mut *const u8,
    idlen: *mut usize,
    sess: *mut *mut openssl_sys::SSL_SESSION,
) -> c_int {
    let r = std::panic::catch_unwind(|| {
        // SAFETY: OpenSSL passes valid out-pointers; start with "no PSK".
        unsafe {
            *sess = std::ptr::null_mut();
            *id = std::ptr::null();
            *idlen = 0;
        }
        // SAFETY: the live SSL of the handshake.
        let Some(state) = (unsafe { state_or_adopt(ssl) }) else {
            return 1;
        };
        // SAFETY: the live SSL of the handshake.
        let ssl_ref = unsafe { SslRef::from_ptr(ssl) };
        let (max_id, max_key) = (ossl::PSK_MAX_IDENTITY_LEN - 1, ossl::PSK_MAX_PSK_LEN);
        // SAFETY: no hint (NULL) in TLS 1.3.
        let Some(st) = (unsafe { client_answer(state, std::ptr::null(), max_id, max_key) }) else {
            // Refused or empty: offer no PSK; abort only if the callback said so.
            return if lock(state).psk_refused { 0 } else { 1 };
        };
        let cipher = tls13_cipher_for(ssl_ref, md);
        if cipher.is_null() {
            return 1;
        }
        // The identity must outlive the callback: it stays in the state.
        let Some(auth) = st.psk_answer.as_ref() else {
            return 1;
        };
        let ident = upto(auth.identity().as_slice(), max_id);
        let key = upto(auth.pre_shared_key().as_slice(), max_key);
        // SAFETY: cipher from the SSL's own list.
        let s = unsafe { psk_session(key, cipher) };
        if s.is_null() {
            return 0;
        }
        // SAFETY: out-pointers valid; the identity bytes live in the state,
        // unchanged until the handshake ends.
        unsafe {
            *id = ident.as_ptr();
            *idlen = ident.len();
            *sess = s;
        }
        1
    });
    r.unwrap_or(0)
}

unsafe extern "C" fn psk_find_session_cb(
    ssl: *mut openssl_sys::SSL,
    identity: *const u8,
    identity_len: usize,
    sess: *mut *mut openssl_sys::SSL_SESSION,
) -> c_int {
    let r = std::panic::catch_unwind(|| {
        // SAFETY: valid out-pointer.
        unsafe { *sess = std::ptr::null_mut() };
        // SAFETY: the live SSL of the handshake.
        let Some(state) = (unsafe { state_or_adopt(ssl) }) else {
            return 1;
        };
        let id = if identity.is_null() {
            &[][..]
        } else {
            // SAFETY: OpenSSL passes identity_len readable bytes.
            unsafe { std::slice::from_raw_parts(identity, identity_len) }
        };
        let max_key = ossl::PSK_MAX_PSK_LEN;
        let mut auth = PskAuthenticator::for_handshake(OptBytes::Null, Some(id), 0, max_key as i32);
        if !ask(state, &mut auth, true) {
            return if lock(state).psk_refused { 0 } else { 1 };
        }
        let key = upto(auth.pre_shared_key().as_slice(), max_key);
        // SAFETY: the live SSL; the pending cipher is the one negotiated.
        let cipher = unsafe { ossl::SSL_get_pending_cipher(ssl) };
        if cipher.is_null() {
            return 1;
        }
        // SAFETY: cipher is OpenSSL's.
        let s = unsafe { psk_session(key, cipher) };
        if s.is_null() {
            return 0;
        }
        // SAFETY: valid out-pointer; OpenSSL takes the reference.
        unsafe { *sess = s };
        1
    });
    r.unwrap_or(0)
}

/// Installs the PSK callbacks on one connection (only when it has a handler,
/// so no PSK suite is offered or accepted otherwise).
pub(crate) fn install_psk(ssl: &mut SslRef, server: bool) {
    // SAFETY: live SSL; the callbacks are plain functions reading ex_data.
    unsafe {
        if server {
            ossl::SSL_set_psk_server_callback(ssl.as_ptr(), Some(psk_server_cb));
            ossl::SSL_set_psk_find_session_callback(ssl.as_ptr(), Some(psk_find_session_cb));
        } else {
            ossl::SSL_set_psk_client_callback(ssl.as_ptr(), Some(psk_client_cb));
            ossl::SSL_set_psk_use_session_callback(ssl.as_ptr(), Some(psk_use_session_cb));
        }
    }
}

/// Keeps `SslSession` type in use for from_der in conn.rs.
pub(crate) fn session_from_der(der: &[u8]) -> Option<SslSession> {
    let s = SslSession::from_der(der).ok();
    ossl::clear_error_queue();
    s
}
