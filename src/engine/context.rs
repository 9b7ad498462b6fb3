//! Building an OpenSSL `SSL_CTX` from a configuration's settings, as Qt does
//! (spec §7); the configuration caches it (`model::context_inputs`).

use std::ffi::CString;
use std::sync::Arc;

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::dh::Dh;
use openssl::ssl::{
    Ssl, SslContext, SslContextBuilder, SslContextRef, SslMode, SslOptions, SslSession,
    SslSessionCacheMode, SslVersion,
};
use openssl::x509::store::X509StoreBuilder;

use super::callbacks::{self, CtxData, CtxOwner};
use crate::Error;
use crate::error::with_openssl;
use crate::model::cert::Certificate;
use crate::model::cipher::{self, Cipher};
use crate::model::config::{BackendValue, PskHandler, Settings, SslConfiguration};
use crate::model::context_inputs::{ContextKind, DecodedTicket, PeerExpiry, now_unix};
use crate::model::enums::{protocol, ssl_option, verify_mode};
use crate::model::system_ca;
use std::ffi::c_int;

/// The context for `cfg` on one side, built once and then lent (no
/// reference is taken: `SSL_new` takes its own) until a setting that builds
/// it is written, or until one of the CA certificates it trusts expires
/// (then it is built again without that CA, as Qt would).
pub(crate) fn context_for(cfg: &SslConfiguration, server: bool) -> Result<&SslContextRef, Error> {
    let inputs = cfg.context_inputs();
    inputs
        .contexts()
        .get_or_build(ContextKind::tls(server), || {
            let now = now_unix();
            let r = build(inputs, None, server, now, CtxOwner::Cached);
            crate::ossl::clear_error_queue();
            (r, trusted_until(inputs, now))
        })
}

/// A new `SSL` from `ctx` (`SSL_new`, which takes its own references to
/// the context). Not the `openssl` crate's `Ssl::new`: that also keeps one
/// more reference to the context in the `SSL`'s ex_data, for the crate's
/// closure callbacks, which qssl never installs (every callback is a plain
/// function, see `callbacks`); per connection that is an allocation and two
/// atomic writes to the context's reference count, a cache line every
/// thread making connections from the configuration shares.
#[inline]
pub(crate) fn new_ssl(ctx: &SslContextRef) -> Result<Ssl, Error> {
    // SAFETY: a live context; SSL_new returns a new SSL with one reference
    // (owned by the result) or NULL with the error queued.
    let p = unsafe { openssl_sys::SSL_new(ctx.as_ptr()) };
    if p.is_null() {
        return Err(no_ssl());
    }
    // SAFETY: non-NULL and fresh; its one reference moves into the result.
    Ok(unsafe { Ssl::from_ptr(p) })
}

/// `SSL_new` failed (out of memory): OpenSSL's reasons. Out of line.
#[cold]
#[inline(never)]
fn no_ssl() -> Error {
    let e = crate::ossl::error_stack();
    Error::tls("cannot create a TLS session", Some(&e))
}

/// A context built afresh from `cfg` for one side, shared with no qssl
/// connection: what `qssl_config_openssl_context` gives out, so nothing the
/// caller does to it reaches qssl's own connections. It carries the
/// configuration's PSK callback (qssl's cached contexts do not: a qssl
/// connection installs its PSK callbacks on its own `SSL`).
pub(crate) fn fresh_context(cfg: &SslConfiguration, server: bool) -> Result<SslContext, Error> {
    let inputs = cfg.context_inputs();
    let r = build(
        inputs,
        cfg.psk_handler().cloned(),
        server,
        now_unix(),
        CtxOwner::Exported,
    );
    crate::ossl::clear_error_queue();
    r
}

/// Applies `cfg` for one side to a context another library owns: every
/// setting the configuration makes (versions, options, ciphers, trust store,
/// local certificate and key, verification, depth, DH, curves, PSK, ALPN,
/// OCSP, backend commands, server extras), with qssl's callbacks. The
/// context's own session-cache mode and session and info callbacks are left
/// alone.
///
/// # Safety
/// `ctx` must be a live `SSL_CTX`, not used by another thread during the call.
pub(crate) unsafe fn apply_to_context(
    cfg: &SslConfiguration,
    server: bool,
    ctx: *mut openssl_sys::SSL_CTX,
) -> Result<(), Error> {
    // SAFETY: live context per the caller; the builder takes the extra
    // reference raised here and drops it at the end, leaving the caller's.
    let mut b = unsafe {
        openssl_sys::SSL_CTX_up_ref(ctx);
        SslContextBuilder::from_ptr(ctx)
    };
    let inputs = cfg.context_inputs();
    let r = configure(
        &mut b,
        inputs,
        cfg.psk_handler().cloned(),
        server,
        now_unix(),
        CtxOwner::Foreign,
    )
    // The server extras (SNI entries, ticket keys, key log) too; dropping
    // the context drops the reference raised above.
    .and_then(|()| super::server::attach(b.build(), inputs.server_extras.as_ref(), server))
    .map(drop);
    crate::ossl::clear_error_queue();
    r
}

/// The configuration's session ticket as an OpenSSL session for one
/// connection: decoded once per ticket (the decoding parses the
/// peer's certificate), then copied per connection without parsing (see
/// [`crate::ossl::session_dup`]). `None` for a null, empty or undecodable
/// ticket.
///
/// Each connection needs its own copy, TLS 1.3 included: when the server
/// refuses the offered session, an OpenSSL client writes the new handshake
/// into the session it was given unless that session has an id (then it
/// starts a new one), and a client cache marks a session with an id as used
/// up after a fatal alert. A shared session would therefore either carry
/// the refused ticket into the new session state (and race between
/// connections) or be spoiled for every later connection by one failure.
pub(crate) fn session_for(cfg: &SslConfiguration) -> Option<(SslSession, Option<PeerExpiry>)> {
    let t = cfg.ticket().decoded(|der| {
        if der.is_empty() {
            return None;
        }
        let session = callbacks::session_from_der(der)?;
        // Read once per ticket: every resumption from it checks the date.
        let peer_expiry = crate::ossl::session_peer(&session).map(|x| PeerExpiry {
            cert: x.as_ptr() as usize,
            expiry: Certificate::from_x509(x.to_owned()).expiry_date(),
        });
        Some(DecodedTicket {
            session,
            peer_expiry,
        })
    })?;
    Some((crate::ossl::session_dup(&t.session)?, t.peer_expiry))
}

/// Whether a configured CA certificate goes into the trust store at `now`:
/// Qt's rule, the expiry date not passed (a certificate without a readable
/// expiry date is kept).
fn ca_trusted_at(c: &Certificate, now: i64) -> bool {
    c.expiry_date().is_none_or(|exp| exp >= now)
}

/// The last second at which a context built at `now` still trusts the same
/// configured CAs: the earliest expiry among those it trusts (`None` when
/// none expires).
fn trusted_until(s: &Settings, now: i64) -> Option<i64> {
    s.ca_certificates
        .iter()
        .filter_map(|c| c.expiry_date())
        .filter(|&exp| exp >= now)
        .min()
}

fn protocol_name(p: i32) -> &'static str {
    match p {
        protocol::TLS_V1_0 => "TlsV1_0",
        protocol::TLS_V1_1 => "TlsV1_1",
        protocol::TLS_V1_2 => "TlsV1_2",
        protocol::ANY_PROTOCOL => "AnyProtocol",
        protocol::SECURE_PROTOCOLS => "SecureProtocols",
        protocol::TLS_V1_0_OR_LATER => "TlsV1_0OrLater",
        protocol::TLS_V1_1_OR_LATER => "TlsV1_1OrLater",
        protocol::TLS_V1_2_OR_LATER => "TlsV1_2OrLater",
        protocol::DTLS_V1_0 => "DtlsV1_0",
        protocol::DTLS_V1_0_OR_LATER => "DtlsV1_0OrLater",
        protocol::DTLS_V1_2 => "DtlsV1_2",
        protocol::DTLS_V1_2_OR_LATER => "DtlsV1_2OrLater",
        protocol::TLS_V1_3 => "TlsV1_3",
        protocol::TLS_V1_3_OR_LATER => "TlsV1_3OrLater",
        _ => "UnknownProtocol",
    }
}

/// Version bounds of a TLS protocol value (spec §7.2, Qt 6 meanings).
fn version_bounds(p: i32) -> Result<(SslVersion, Option<SslVersion>), Error> {
    Ok(match p {
        protocol::TLS_V1_0 => (SslVersion::TLS1, Some(SslVersion::TLS1)),
        protocol::TLS_V1_1 => (SslVersion::TLS1_1, Some(SslVersion::TLS1_1)),
        protocol::TLS_V1_2 => (SslVersion::TLS1_2, Some(SslVersion::TLS1_2)),
        protocol::TLS_V1_3 => (SslVersion::TLS1_3, Some(SslVersion::TLS1_3)),
        protocol::ANY_PROTOCOL | protocol::TLS_V1_0_OR_LATER => (SslVersion::TLS1, None),
        protocol::TLS_V1_1_OR_LATER => (SslVersion::TLS1_1, None),
        protocol::SECURE_PROTOCOLS | protocol::TLS_V1_2_OR_LATER => (SslVersion::TLS1_2, None),
        protocol::TLS_V1_3_OR_LATER => (SslVersion::TLS1_3, None),
        other => {
            return Err(Error::invalid(format!(
                "protocol {} ({other}) cannot be used on a TLS connection",
                protocol_name(other)
            )));
        }
    })
}

/// Ok for a protocol value a TLS connection can use (not DTLS, not unknown).
pub(crate) fn check_tls_protocol(p: i32) -> Result<(), Error> {
    version_bounds(p).map(|_| ())
}

/// Sets the version bounds of protocol `p` on one connection's `SSL`.
pub(crate) fn set_protocol_bounds(ssl: &mut openssl::ssl::SslRef, p: i32) -> Result<(), Error> {
    let (min, max) = version_bounds(p)?;
    ssl.set_min_proto_version(Some(min))
        .and_then(|()| ssl.set_max_proto_version(max))
        .map_err(ctx_err("cannot set the connection's protocol versions"))
}

fn ctx_err(what: &str) -> impl FnOnce(openssl::error::ErrorStack) -> Error + '_ {
    move |e| Error::InvalidArgument(with_openssl(what.to_string(), Some(&e)))
}

/// Builds a context (spec §7.1–7.9, in Qt's order).
fn build(
    s: &Settings,
    psk: Option<Arc<dyn PskHandler>>,
    server: bool,
    now: i64,
    owner: CtxOwner,
) -> Result<SslContext, Error> {
    let dtls = super::dtls::is_dtls_protocol(s.protocol);
    let method = super::dtls::method(dtls, server);
    let mut b =
        SslContextBuilder::new(method).map_err(ctx_err("cannot create an OpenSSL context"))?;
    configure(&mut b, s, psk, server, now, owner)?;
    // Beyond Qt (SNI, ticket keys, key log): attached to every context this
    // builder makes, whatever its method, so DTLS contexts get them too.
    super::server::attach(b.build(), s.server_extras.as_ref(), server)
}

/// The OpenSSL verify mode of a context built from `s`: the configuration's
/// mode for any `SSL` made from it, so a verifying server also requires a
/// certificate (an `SSL` qssl did not create cannot decide after the
/// handshake, so it fails closed). qssl's own connections set their own
/// mode per `SSL` ([`ssl_verify_mode`]).
fn ctx_verify_mode(s: &Settings, server: bool) -> c_int {
    if s.peer_verify_mode == verify_mode::VERIFY_NONE {
        return openssl_sys::SSL_VERIFY_NONE;
    }
    let mut m = openssl_sys::SSL_VERIFY_PEER;
    if s.missing_certificate_is_fatal || (server && s.peer_verify_mode == verify_mode::VERIFY_PEER)
    {
        m |= openssl_sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    m
}

/// The verify mode qssl's own connection sets on its `SSL` for its
/// effective peer verify mode `pvm` (the decision is made after the
/// handshake, Qt's way; a missing certificate aborts only when the
/// configuration says it is fatal).
pub(crate) fn ssl_verify_mode(pvm: i32, missing_certificate_is_fatal: bool) -> c_int {
    if pvm == verify_mode::VERIFY_NONE {
        return openssl_sys::SSL_VERIFY_NONE;
    }
    let mut m = openssl_sys::SSL_VERIFY_PEER;
    if missing_certificate_is_fatal {
        m |= openssl_sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    m
}

/// Applies the settings to a context (qssl's own, or another library's).
fn configure(
    b: &mut SslContextBuilder,
    s: &Settings,
    psk: Option<Arc<dyn PskHandler>>,
    server: bool,
    now: i64,
    owner: CtxOwner,
) -> Result<(), Error> {
    let dtls = super::dtls::is_dtls_protocol(s.protocol);
    let (min, max) = if dtls {
        super::dtls::version_bounds(s.protocol)?
    } else {
        version_bounds(s.protocol)?
    };

    // §7.2 versions and options.
    b.set_min_proto_version(Some(min))
        .map_err(ctx_err("cannot set the minimum protocol version"))?;
    b.set_max_proto_version(max)
        .map_err(ctx_err("cannot set the maximum protocol version"))?;
    let mut opts = SslOptions::ALL;
    let on = |bit: u32| s.ssl_options & bit != 0;
    if on(ssl_option::DISABLE_EMPTY_FRAGMENTS) {
        opts |= SslOptions::DONT_INSERT_EMPTY_FRAGMENTS;
    } else {
        opts &= !SslOptions::DONT_INSERT_EMPTY_FRAGMENTS;
    }
    if !on(ssl_option::DISABLE_LEGACY_RENEGOTIATION) {
        opts |= SslOptions::ALLOW_UNSAFE_LEGACY_RENEGOTIATION;
    }
    if on(ssl_option::DISABLE_SESSION_TICKETS) {
        opts |= SslOptions::NO_TICKET;
    }
    if on(ssl_option::DISABLE_COMPRESSION) {
        opts |= SslOptions::NO_COMPRESSION;
    }
    if !on(ssl_option::DISABLE_SERVER_CIPHER_PREFERENCE) {
        opts |= SslOptions::CIPHER_SERVER_PREFERENCE;
    }
    b.clear_options(
        SslOptions::DONT_INSERT_EMPTY_FRAGMENTS | SslOptions::ALLOW_UNSAFE_LEGACY_RENEGOTIATION,
    );
    b.set_options(opts);
    b.set_mode(SslMode::RELEASE_BUFFERS | SslMode::ACCEPT_MOVING_WRITE_BUFFER);

    // §7.3 ciphers: split by protocol; each string applied only if non-empty.
    let list: Arc<[Cipher]> = if s.ciphers.is_empty() {
        cipher::default_ciphers()
    } else {
        s.ciphers.clone()
    };
    let (tls13, older): (Vec<&Cipher>, Vec<&Cipher>) = list.iter().partition(|c| {
        c.protocol() == protocol::TLS_V1_3 || c.protocol() == protocol::TLS_V1_3_OR_LATER
    });
    let join = |v: &[&Cipher]| v.iter().map(|c| c.name()).collect::<Vec<_>>().join(":");
    if tls13.is_empty() && older.is_empty() {
        return Err(Error::invalid("invalid or empty cipher list"));
    }
    if !older.is_empty() {
        b.set_cipher_list(&join(&older))
            .map_err(ctx_err("invalid cipher list"))?;
    }
    if !tls13.is_empty() {
        b.set_ciphersuites(&join(&tls13))
            .map_err(ctx_err("invalid TLS 1.3 cipher suites"))?;
    }

    // §7.4 trust store: configured CAs that have not expired, plus the shared
    // system store when the configuration trusts the system roots.
    let cas: Vec<_> = s
        .ca_certificates
        .iter()
        .filter(|c| ca_trusted_at(c, now))
        .filter_map(|c| c.x509().map(|x| x.to_owned()))
        .collect();
    if s.allow_root_cert_on_demand_loading && cas.is_empty() {
        crate::ossl::ctx_share_cert_store(b, system_ca::system_ca().store());
    } else {
        let mut store = X509StoreBuilder::new().map_err(ctx_err("cannot create a trust store"))?;
        for x in cas {
            let _ = store.add_cert(x); // duplicates are harmless
        }
        if s.allow_root_cert_on_demand_loading {
            system_ca::system_ca().add_to(&mut store);
        }
        crate::ossl::clear_error_queue();
        b.set_cert_store(store.build());
    }

    // §7.5 local certificate and key.
    if let Some(leaf) = s.local_certificate_chain.first().and_then(|c| c.x509()) {
        let Some(key) = s.private_key.pkey() else {
            return Err(Error::invalid(
                "a local certificate is set but no private key",
            ));
        };
        b.set_certificate(leaf)
            .map_err(ctx_err("cannot use the local certificate"))?;
        b.set_private_key(key).map_err(ctx_err(
            "the private key does not match the local certificate (or cannot be used)",
        ))?;
        b.check_private_key().map_err(ctx_err(
            "the private key does not match the local certificate",
        ))?;
        for c in s.local_certificate_chain.iter().skip(1) {
            if let Some(x) = c.x509() {
                b.add_extra_chain_cert(x.to_owned())
                    .map_err(ctx_err("cannot add a chain certificate"))?;
            }
        }
    }

    // §7.7 remaining settings.
    if !server && owner != CtxOwner::Foreign {
        b.set_session_cache_mode(SslSessionCacheMode::CLIENT | SslSessionCacheMode::NO_INTERNAL);
    }
    if s.peer_verify_depth != 0 {
        b.set_verify_depth(s.peer_verify_depth as u32);
    }
    if server {
        if !s.dh_params.is_valid() {
            return Err(Error::invalid(
                "the Diffie-Hellman parameters are not valid",
            ));
        }
        if !s.dh_params.der().is_empty() {
            let dh = Dh::params_from_der(s.dh_params.der())
                .map_err(ctx_err("cannot decode the DH parameters"))?;
            b.set_tmp_dh(&dh)
                .map_err(ctx_err("OpenSSL refused the DH parameters"))?;
        }
        let hint = CString::new(s.psk_identity_hint.as_slice().to_vec())
            .map_err(|_| Error::invalid("the PSK identity hint contains a NUL byte"))?;
        callbacks::set_psk_identity_hint(b, &hint)?;
        // A session-id context lets TLS 1.3 PSK and resumption work (Qt never sets one).
        b.set_session_id_context(b"qssl")
            .map_err(ctx_err("cannot set the session id context"))?;
    }
    if !s.elliptic_curves.is_empty() {
        let names: Vec<String> = s
            .elliptic_curves
            .iter()
            .map(|c| {
                openssl::nid::Nid::from_raw(c.0)
                    .short_name()
                    .map(str::to_string)
                    .map_err(|_| Error::invalid(format!("elliptic curve {} has no name", c.0)))
            })
            .collect::<Result<_, _>>()?;
        b.set_groups_list(&names.join(":"))
            .map_err(ctx_err("OpenSSL refused the elliptic curves"))?;
    }

    // §11 ALPN.
    let wire = alpn_wire(s);
    if !wire.is_empty() && !server {
        b.set_alpn_protos(&wire)
            .map_err(ctx_err("cannot set the ALPN protocols"))?;
    }

    // OCSP stapling: a client feature (Qt reports an error on servers but
    // then completes the handshake; qssl refuses cleanly before any I/O).
    if s.ocsp_stapling_enabled && server {
        return Err(Error::Unsupported(
            "OCSP stapling is supported on clients only (servers cannot staple responses)".into(),
        ));
    }

    // §7.6 verification and every callback, through qssl's ex_data: the
    // verify callback records errors for qssl's connections (the decision is
    // made after the handshake, or at once when the handshake must
    // interrupt) and decides inside the handshake for other code's SSLs.
    let verifying = s.peer_verify_mode == verify_mode::VERIFY_PEER
        || (s.peer_verify_mode == verify_mode::AUTO_VERIFY_PEER && !server);
    let data = CtxData {
        server,
        verifying,
        psk_handler: psk,
        psk_hint: s.psk_identity_hint.clone(),
        alpn_wire: if server { wire } else { Vec::new() },
        ocsp: s.ocsp_stapling_enabled,
    };
    callbacks::install_ctx(b, data, ctx_verify_mode(s, server), owner)?;
    if dtls {
        super::dtls::configure_context(b, server);
    }

    // §7.9 backend configuration, applied last.
    apply_backend_config(b, s, server)?;
    Ok(())
}

/// The ALPN wire list: entries of 1..=255 bytes, length-prefixed.
pub(crate) fn alpn_wire(s: &Settings) -> Vec<u8> {
    let mut wire = Vec::new();
    for p in s.allowed_next_protocols.iter() {
        let p = p.as_slice();
        if !p.is_empty() && p.len() <= 255 {
            wire.push(p.len() as u8);
            wire.extend_from_slice(p);
        }
    }
    wire
}

fn apply_backend_config(
    b: &mut SslContextBuilder,
    s: &Settings,
    server: bool,
) -> Result<(), Error> {
    if s.backend_config.is_empty() {
        return Ok(());
    }
    let mut cmds = Vec::new();
    for (name, value) in s.backend_config.iter() {
        let shown = String::from_utf8_lossy(name).into_owned();
        let BackendValue::Bytes(v) = value else {
            return Err(Error::invalid(format!(
                "backend option '{shown}': the value must be bytes (QByteArray), not {value:?}"
            )));
        };
        let n = CString::new(name.clone())
            .map_err(|_| Error::invalid(format!("backend option '{shown}' contains NUL")))?;
        let v = CString::new(v.as_slice().to_vec()).map_err(|_| {
            Error::invalid(format!("backend option '{shown}': the value contains NUL"))
        })?;
        cmds.push((shown, n, v));
    }
    callbacks::apply_conf_commands(b, server, &cmds)
}
