//! The OpenSSL callbacks of a connection and the per-connection state they
//! write into, reached through the `SSL`'s ex_data. Callbacks run on the
//! thread driving the handshake.

use std::ffi::{CStr, CString, c_char, c_int, c_uint};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use foreign_types::ForeignTypeRef;
use openssl::ex_data::Index;
use openssl::ssl::{AlpnError, Ssl, SslContextBuilder, SslRef, SslSession, StatusType};
use openssl::x509::X509StoreContextRef;

use crate::Error;
use crate::error::with_openssl;
use crate::model::bytes::{OptBytes, SecretBytes};
use crate::model::cert::Certificate;
use crate::model::config::PskHandler;
use crate::model::enums::npn_status;
use crate::model::psk::PskAuthenticator;
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

/// State shared between a connection and its callbacks.
#[derive(Default)]
pub(crate) struct ConnState {
    /// Stop the handshake at the first verification error (Qt 6's
    /// handshakeMustInterruptOnError, when this side verifies the peer).
    pub interrupt_on_error: bool,
    pub chain_errors: Vec<ChainError>,
    pub psk_handler: Option<Arc<dyn PskHandler>>,
    /// The server's configured hint, for the server-side authenticator.
    pub server_hint: OptBytes,
    /// The client's answer, kept so a TLS 1.3 offer and a TLS 1.2 exchange in
    /// one handshake ask the application once.
    pub psk_answer: Option<(Vec<u8>, SecretBytes)>,
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
}

pub(crate) type SharedState = Arc<Mutex<ConnState>>;

/// Locks a state, recovering from a poisoned lock (a panic elsewhere must
/// not take the connection down).
pub(crate) fn lock(s: &SharedState) -> MutexGuard<'_, ConnState> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

fn state_index() -> Index<Ssl, SharedState> {
    static INDEX: OnceLock<Index<Ssl, SharedState>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("OpenSSL ex_data index"))
}

/// Attaches the shared state to an `SSL`.
pub(crate) fn attach(ssl: &mut SslRef, state: SharedState) {
    ssl.set_ex_data(state_index(), state);
}

fn state_of(ssl: &SslRef) -> Option<SharedState> {
    ssl.ex_data(state_index()).cloned()
}

// ---- verification -----------------------------------------------------------

/// Records each chain error and continues (Qt decides after the handshake),
/// unless the handshake must interrupt on the first error.
pub(crate) fn verify_callback(preverify_ok: bool, ctx: &mut X509StoreContextRef) -> bool {
    if preverify_ok {
        return true;
    }
    let code = ctx.error().as_raw();
    let cert = ctx
        .current_cert()
        .map(|c| Certificate::from_x509(c.to_owned()))
        .unwrap_or_default();
    // Without qssl's connection state (an application driving its own SSL
    // from qssl's context), OpenSSL's verdict stands: fail closed.
    // SAFETY: the index is OpenSSL's own for the SSL of a store context.
    let idx = unsafe { ossl::SSL_get_ex_data_X509_STORE_CTX_idx() };
    if idx < 0 {
        return false;
    }
    // SAFETY: during a handshake the store context's ex_data at this index is
    // the SSL being verified.
    let ssl_ptr = unsafe { openssl_sys::X509_STORE_CTX_get_ex_data(ctx.as_ptr(), idx as c_int) };
    if ssl_ptr.is_null() {
        return false;
    }
    // SAFETY: non-NULL SSL pointer owned by the handshake in progress.
    let ssl = unsafe { SslRef::from_ptr(ssl_ptr.cast()) };
    let Some(state) = state_of(ssl) else {
        return false;
    };
    let mut st = lock(&state);
    st.chain_errors.push(ChainError { code, cert });
    !st.interrupt_on_error
}

// ---- session tickets ------------------------------------------------------------

/// Client contexts: a new session (TLS 1.2 at handshake end, TLS 1.3 tickets
/// after it) is kept by reference; each overwrites the previous one. It is
/// serialised only when the application asks for the configuration.
pub(crate) fn new_session_callback(ssl: &mut SslRef, session: SslSession) {
    let Some(state) = state_of(ssl) else { return };
    let hint = ossl::ticket_lifetime_hint(&session);
    let mut st = lock(&state);
    st.new_session = Some((session, hint));
    st.tickets_received += 1;
}

// ---- ALPN ------------------------------------------------------------------------

/// Server side: the first protocol in the client's order that the server
/// allows. No overlap: no protocol is acknowledged and the status is
/// Unsupported (Qt's handshake fails instead; see docs/API.md).
pub(crate) fn set_alpn_select(b: &mut SslContextBuilder, server_wire: Vec<u8>) {
    b.set_alpn_select_callback(move |ssl, client| {
        let server = split_wire(&server_wire);
        let chosen = split_wire(client).into_iter().find(|c| server.contains(c));
        let state = state_of(ssl);
        match chosen {
            Some(p) => {
                if let Some(s) = state {
                    lock(&s).alpn_status = npn_status::NEGOTIATED;
                }
                Ok(p)
            }
            None => {
                if let Some(s) = state {
                    lock(&s).alpn_status = npn_status::UNSUPPORTED;
                }
                Err(AlpnError::NOACK)
            }
        }
    });
}

fn split_wire(mut w: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some((&n, rest)) = w.split_first() {
        let n = n as usize;
        if rest.len() < n {
            break;
        }
        out.push(&rest[..n]);
        w = &rest[n..];
    }
    out
}

// ---- OCSP (client) -----------------------------------------------------------------

/// Client side: request a stapled response and check it against the peer's
/// chain; problems become Qt's OCSP errors, decided after the handshake.
pub(crate) fn set_ocsp_client(b: &mut SslContextBuilder) -> Result<(), Error> {
    b.set_status_callback(|ssl| {
        let Some(state) = state_of(ssl) else {
            return Ok(true);
        };
        let errors = super::verify::check_ocsp(ssl);
        let mut st = lock(&state);
        st.ocsp_seen = true;
        st.ocsp_errors = errors;
        Ok(true)
    })
    .map_err(|e| Error::invalid(with_openssl("cannot enable OCSP".into(), Some(&e))))
}

/// Asks the server for a stapled OCSP response on this connection.
pub(crate) fn request_ocsp(ssl: &mut SslRef) -> Result<(), Error> {
    ssl.set_status_type(StatusType::OCSP).map_err(|e| {
        Error::invalid(with_openssl(
            "cannot request OCSP stapling".into(),
            Some(&e),
        ))
    })
}

// ---- alerts ----------------------------------------------------------------------------

unsafe extern "C" fn info_callback(ssl: *const openssl_sys::SSL, where_: c_int, ret: c_int) {
    if where_ & ossl::SSL_CB_ALERT == 0 || ssl.is_null() {
        return;
    }
    // SAFETY: OpenSSL passes the live SSL whose state changed.
    let ssl = unsafe { SslRef::from_ptr(ssl.cast_mut()) };
    let Some(state) = state_of(ssl) else { return };
    let alert = Alert {
        level: (ret >> 8) & 0xff,
        kind: ret & 0xff,
    };
    let mut st = lock(&state);
    if where_ & ossl::SSL_CB_READ != 0 {
        st.alert_received = Some(alert);
    } else if where_ & ossl::SSL_CB_WRITE != 0 {
        st.alert_sent = Some(alert);
    }
}

/// Records alerts sent and received.
pub(crate) fn set_info_callback(b: &mut SslContextBuilder) {
    // SAFETY: the builder's context is live; the callback is a plain function.
    unsafe { ossl::SSL_CTX_set_info_callback(b.as_ptr(), Some(info_callback)) };
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

/// Runs the application's handler on a fresh authenticator. Returns the
/// (identity, key), truncated to the maxima; `None` if the handler refused or
/// left the key empty (the handshake is then refused).
fn ask_handler(state: &SharedState, mut auth: PskAuthenticator) -> Option<(Vec<u8>, SecretBytes)> {
    let handler = lock(state).psk_handler.clone()?;
    lock(state).psk_calls += 1;
    let max_id = auth.maximum_identity_length().max(0) as usize;
    let max_key = auth.maximum_pre_shared_key_length().max(0) as usize;
    match handler.authenticate(&mut auth) {
        Err(e) => {
            let mut st = lock(state);
            st.psk_error = Some(e);
            st.psk_refused = true;
            None
        }
        Ok(()) => {
            let key = auth.pre_shared_key().as_slice();
            if key.is_empty() {
                lock(state).psk_error =
                    Some("the PSK callback gave an empty pre-shared key".into());
                return None;
            }
            let id = auth.identity().as_slice();
            let id = id[..id.len().min(max_id)].to_vec();
            let key = SecretBytes::new(&key[..key.len().min(max_key)]);
            Some((id, key))
        }
    }
}

/// The cached client answer, or a fresh one.
fn client_answer(
    state: &SharedState,
    hint: OptBytes,
    max_id: usize,
    max_key: usize,
) -> Option<(Vec<u8>, SecretBytes)> {
    if let Some(a) = lock(state).psk_answer.clone() {
        return Some(a);
    }
    let auth = PskAuthenticator::for_handshake(hint, OptBytes::Null, max_id as i32, max_key as i32);
    let answer = ask_handler(state, auth)?;
    lock(state).psk_answer = Some(answer.clone());
    Some(answer)
}

unsafe extern "C" fn psk_client_cb(
    ssl: *mut openssl_sys::SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut u8,
    max_psk_len: c_uint,
) -> c_uint {
    let guard = std::panic::catch_unwind(|| {
        // SAFETY: OpenSSL passes the live SSL of the handshake.
        let ssl_ref = unsafe { SslRef::from_ptr(ssl) };
        let state = state_of(ssl_ref)?;
        let hint = if hint.is_null() {
            OptBytes::Null
        } else {
            // SAFETY: OpenSSL passes a NUL-terminated hint; copied at once.
            let h = unsafe { CStr::from_ptr(hint) }.to_bytes();
            if h.is_empty() {
                OptBytes::Null
            } else {
                OptBytes::from(h)
            }
        };
        let max_id = (max_identity_len as usize).saturating_sub(1);
        let (id, key) = client_answer(&state, hint, max_id, max_psk_len as usize)?;
        // SAFETY: identity has max_identity_len bytes, id.len() <= max - 1;
        // psk has max_psk_len bytes, key.len() <= max_psk_len.
        unsafe {
            std::ptr::copy_nonoverlapping(id.as_ptr(), identity.cast::<u8>(), id.len());
            *identity.add(id.len()) = 0;
            std::ptr::copy_nonoverlapping(key.as_slice().as_ptr(), psk, key.len());
        }
        Some(key.len() as c_uint)
    });
    guard.ok().flatten().unwrap_or(0)
}

unsafe extern "C" fn psk_server_cb(
    ssl: *mut openssl_sys::SSL,
    identity: *const c_char,
    psk: *mut u8,
    max_psk_len: c_uint,
) -> c_uint {
    let guard = std::panic::catch_unwind(|| {
        // SAFETY: OpenSSL passes the live SSL of the handshake.
        let ssl_ref = unsafe { SslRef::from_ptr(ssl) };
        let state = state_of(ssl_ref)?;
        let id = if identity.is_null() {
            OptBytes::from(&b""[..])
        } else {
            // SAFETY: NUL-terminated identity from the client, copied at once.
            OptBytes::from(unsafe { CStr::from_ptr(identity) }.to_bytes())
        };
        let hint = lock(&state).server_hint.clone();
        let auth = PskAuthenticator::for_handshake(hint, id, 0, max_psk_len as i32);
        let (_, key) = ask_handler(&state, auth)?;
        // SAFETY: psk has max_psk_len bytes and key.len() <= max_psk_len.
        unsafe { std::ptr::copy_nonoverlapping(key.as_slice().as_ptr(), psk, key.len()) };
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
    // TLS 1.3 suite names end with their hash.
    ossl::ssl_tls13_ciphers(ssl)
        .find(|c| c.name().ends_with("_SHA256"))
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
        let ssl_ref = unsafe { SslRef::from_ptr(ssl) };
        let Some(state) = state_of(ssl_ref) else {
            return 1;
        };
        let Some((ident, key)) = client_answer(
            &state,
            OptBytes::Null,
            ossl::PSK_MAX_IDENTITY_LEN - 1,
            ossl::PSK_MAX_PSK_LEN,
        ) else {
            // Refused or empty: offer no PSK; abort only if the callback said so.
            return if lock(&state).psk_refused { 0 } else { 1 };
        };
        let cipher = tls13_cipher_for(ssl_ref, md);
        if cipher.is_null() {
            return 1;
        }
        // SAFETY: cipher from the SSL's own list.
        let s = unsafe { psk_session(key.as_slice(), cipher) };
        if s.is_null() {
            return 0;
        }
        // The identity must outlive the callback: keep it in the state.
        let mut st = lock(&state);
        st.psk_answer = Some((ident, key));
        let kept = &st
            .psk_answer
            .as_ref()
            .map(|a| a.0.as_slice())
            .unwrap_or(&[]);
        // SAFETY: out-pointers valid; the identity bytes live in the state,
        // unchanged until the handshake ends.
        unsafe {
            *id = kept.as_ptr();
            *idlen = kept.len();
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
        let ssl_ref = unsafe { SslRef::from_ptr(ssl) };
        let Some(state) = state_of(ssl_ref) else {
            return 1;
        };
        let id = if identity.is_null() {
            OptBytes::from(&b""[..])
        } else {
            // SAFETY: OpenSSL passes identity_len readable bytes.
            OptBytes::from(unsafe { std::slice::from_raw_parts(identity, identity_len) })
        };
        let hint = lock(&state).server_hint.clone();
        let auth = PskAuthenticator::for_handshake(hint, id, 0, ossl::PSK_MAX_PSK_LEN as i32);
        let Some((_, key)) = ask_handler(&state, auth) else {
            return if lock(&state).psk_refused { 0 } else { 1 };
        };
        // SAFETY: the live SSL; the pending cipher is the one negotiated.
        let cipher = unsafe { ossl::SSL_get_pending_cipher(ssl) };
        if cipher.is_null() {
            return 1;
        }
        // SAFETY: cipher is OpenSSL's.
        let s = unsafe { psk_session(key.as_slice(), cipher) };
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
