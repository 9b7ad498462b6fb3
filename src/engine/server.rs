//! Beyond Qt, on the context: server name indication (a configuration per
//! requested name), session ticket keys shared by a fleet, and the key log.
//!
//! Every callback is a plain `extern "C"` function installed through
//! openssl-sys; it reaches the configuration's extras through qssl's own
//! ex_data on the `SSL_CTX` (and on the `SSL` once SNI has switched
//! contexts), never through the `openssl` crate's closure API, and it never
//! unwinds into OpenSSL. So the callbacks also work on an `SSL` made by
//! `SSL_new()` in other code from a qssl context.

use std::ffi::{CStr, c_char, c_int, c_long, c_uchar, c_void};
use std::sync::{Arc, OnceLock};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::ex_data::Index;
use openssl::ssl::{NameType, Ssl, SslContext, SslContextRef, SslRef};

use super::context::context_for;
use crate::Error;
use crate::model::config::SslConfiguration;
use crate::model::server::{ServerExtras, SniChoice};

const SSL_TLSEXT_ERR_OK: c_int = 0;
const SSL_TLSEXT_ERR_ALERT_FATAL: c_int = 2;
const SSL_AD_INTERNAL_ERROR: c_int = 80;
const SSL_AD_UNRECOGNIZED_NAME: c_int = 112;
const SSL_CTRL_CHAIN_CERT: c_int = 89;

type TicketKeyCb = unsafe extern "C" fn(
    ssl: *mut openssl_sys::SSL,
    key_name: *mut c_uchar,
    iv: *mut c_uchar,
    cctx: *mut openssl_sys::EVP_CIPHER_CTX,
    hctx: *mut openssl_sys::EVP_MAC_CTX,
    enc: c_int,
) -> c_int;

type VerifyCb = extern "C" fn(c_int, *mut openssl_sys::X509_STORE_CTX) -> c_int;

unsafe extern "C" {
    fn SSL_CTX_set_tlsext_ticket_key_evp_cb(
        ctx: *mut openssl_sys::SSL_CTX,
        cb: Option<TicketKeyCb>,
    ) -> c_int;
    fn OSSL_PARAM_construct_utf8_string(
        key: *const c_char,
        buf: *mut c_char,
        bsize: usize,
    ) -> openssl_sys::OSSL_PARAM;
    fn SSL_CTX_get_verify_callback(ctx: *const openssl_sys::SSL_CTX) -> Option<VerifyCb>;
    fn SSL_CTX_get_verify_depth(ctx: *const openssl_sys::SSL_CTX) -> c_int;
    fn SSL_set_verify_depth(ssl: *mut openssl_sys::SSL, depth: c_int);
}

fn extras_index() -> Index<SslContext, Arc<ServerExtras>> {
    static I: OnceLock<Index<SslContext, Arc<ServerExtras>>> = OnceLock::new();
    *I.get_or_init(|| SslContext::new_ex_index().expect("OpenSSL ex_data index"))
}

/// The listening context of an `SSL` whose context SNI switched.
fn origin_index() -> Index<Ssl, SslContext> {
    static I: OnceLock<Index<Ssl, SslContext>> = OnceLock::new();
    *I.get_or_init(|| Ssl::new_ex_index().expect("OpenSSL ex_data index"))
}

/// The index of the configuration SNI chose for an `SSL`, registered the
/// first time SNI chooses one.
static SERVED: OnceLock<Index<Ssl, SslConfiguration>> = OnceLock::new();

/// The configuration SNI chose for an `SSL`.
fn served_index() -> Index<Ssl, SslConfiguration> {
    *SERVED.get_or_init(|| Ssl::new_ex_index().expect("OpenSSL ex_data index"))
}

/// Attaches a configuration's extras to a context and installs the
/// callbacks they need: once per context qssl builds, before it is shared,
/// and when a configuration is applied to a context another library owns
/// (`qssl_config_apply_to_openssl_context`), possibly again: extras attached
/// by an earlier call are released, and the callbacks they installed are
/// removed where the new extras do not need them.
pub(crate) fn attach(
    ctx: SslContext,
    extras: Option<&Arc<ServerExtras>>,
    server: bool,
) -> Result<SslContext, Error> {
    let idx = extras_index().as_raw();
    // SAFETY: the caller holds the only user of the context for the call
    // (freshly built, or a foreign context the application does not use
    // meanwhile); the callbacks are plain functions.
    unsafe {
        let old = openssl_sys::SSL_CTX_get_ex_data(ctx.as_ptr(), idx);
        let had = !old.is_null();
        if had {
            // Boxed as below (the `openssl` crate's index layout).
            openssl_sys::SSL_CTX_set_ex_data(ctx.as_ptr(), idx, std::ptr::null_mut());
            drop(Box::from_raw(old.cast::<Arc<ServerExtras>>()));
        }
        let Some(x) = extras else {
            if had {
                openssl_sys::SSL_CTX_set_tlsext_servername_callback__fixed_rust(ctx.as_ptr(), None);
                SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx.as_ptr(), None);
                openssl_sys::SSL_CTX_set_keylog_callback(ctx.as_ptr(), None);
            }
            return Ok(ctx);
        };
        // The same boxed layout the `openssl` crate's index frees.
        let boxed = Box::into_raw(Box::new(x.clone())).cast::<c_void>();
        openssl_sys::SSL_CTX_set_ex_data(ctx.as_ptr(), idx, boxed);
        if server && x.has_sni() {
            openssl_sys::SSL_CTX_set_tlsext_servername_callback__fixed_rust(
                ctx.as_ptr(),
                Some(servername_cb),
            );
        } else if had {
            openssl_sys::SSL_CTX_set_tlsext_servername_callback__fixed_rust(ctx.as_ptr(), None);
        }
        if server && x.ticket_keys.is_some() {
            if SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx.as_ptr(), Some(ticket_key_cb)) != 1 {
                return Err(Error::invalid(
                    "OpenSSL refused the session ticket key callback",
                ));
            }
        } else if had {
            SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx.as_ptr(), None);
        }
        if x.keylog.is_some() {
            openssl_sys::SSL_CTX_set_keylog_callback(ctx.as_ptr(), Some(keylog_cb));
        } else if had {
            openssl_sys::SSL_CTX_set_keylog_callback(ctx.as_ptr(), None);
        }
    }
    Ok(ctx)
}

/// The extras attached to a context.
fn extras_of(ctx: *const openssl_sys::SSL_CTX) -> Option<Arc<ServerExtras>> {
    if ctx.is_null() {
        return None;
    }
    // SAFETY: a live context (the caller's SSL holds a reference to it).
    let r = unsafe { SslContextRef::from_ptr(ctx.cast_mut()) };
    r.ex_data(extras_index()).cloned()
}

/// The listening context of `ssl`: the one it was made from, even after SNI
/// switched to another (OpenSSL also keeps using it for session tickets).
fn origin_ctx(ssl: &SslRef) -> *mut openssl_sys::SSL_CTX {
    match ssl.ex_data(origin_index()) {
        Some(c) => c.as_ptr(),
        // SAFETY: a live SSL always has a context.
        None => unsafe { openssl_sys::SSL_get_SSL_CTX(ssl.as_ptr()) },
    }
}

/// The configuration SNI chose for this `SSL`, if it switched.
pub(crate) fn served_configuration(ssl: &SslRef) -> Option<SslConfiguration> {
    // Before SNI first chose a configuration, no `SSL` holds one, and the
    // index is not registered: registering it would make every `SSL_free`
    // call its free function.
    ssl.ex_data(*SERVED.get()?).cloned()
}

// ---- SNI ------------------------------------------------------------------------------

unsafe extern "C" fn servername_cb(
    ssl: *mut openssl_sys::SSL,
    al: *mut c_int,
    _arg: *mut c_void,
) -> c_int {
    let r = std::panic::catch_unwind(|| {
        if ssl.is_null() {
            return Err(SSL_AD_INTERNAL_ERROR);
        }
        // SAFETY: OpenSSL passes the live SSL of the handshake, used only
        // on this thread for the call.
        let ssl = unsafe { SslRef::from_ptr_mut(ssl) };
        let origin = origin_ctx(ssl);
        let Some(x) = extras_of(origin) else {
            return Ok(());
        };
        let name = ssl.servername(NameType::HOST_NAME).map(str::to_owned);
        let (cfg, alternatives) = if let Some(h) = &x.sni_handler {
            match h.select(name.as_deref()) {
                SniChoice::Use(c) => (c, Vec::new()),
                SniChoice::Keep => return Ok(()),
                SniChoice::Refuse => return Err(SSL_AD_UNRECOGNIZED_NAME),
            }
        } else if let Some(t) = &x.sni_table {
            match t.lookup(name.as_deref()) {
                Some(e) => (e.configs[0].clone(), e.configs[1..].to_vec()),
                None if t.strict => return Err(SSL_AD_UNRECOGNIZED_NAME),
                None => return Ok(()),
            }
        } else {
            return Ok(());
        };
        switch_context(ssl, origin, &x, cfg, &alternatives).map_err(|_| SSL_AD_INTERNAL_ERROR)
    });
    match r {
        Ok(Ok(())) => SSL_TLSEXT_ERR_OK,
        Ok(Err(alert)) => {
            if !al.is_null() {
                // SAFETY: OpenSSL passes a writable alert slot.
                unsafe { *al = alert };
            }
            SSL_TLSEXT_ERR_ALERT_FATAL
        }
        Err(_) => {
            if !al.is_null() {
                // SAFETY: as above.
                unsafe { *al = SSL_AD_INTERNAL_ERROR };
            }
            SSL_TLSEXT_ERR_ALERT_FATAL
        }
    }
}

/// Serves `ssl` with `cfg`'s server context (certificate, chain, key,
/// trust store, ALPN, key log, verification) and adds the certificates and
/// keys of `alternatives` (other key types for the same name). The
/// listening configuration's key log (`origin_x`) covers the connection
/// when `cfg` has none.
fn switch_context(
    ssl: &mut SslRef,
    origin: *mut openssl_sys::SSL_CTX,
    origin_x: &ServerExtras,
    cfg: SslConfiguration,
    alternatives: &[SslConfiguration],
) -> Result<(), Error> {
    let served = origin_x.with_keylog(&cfg);
    let ctx = context_for(&served, true)?;
    if ssl.ex_data(origin_index()).is_none() {
        // SAFETY: origin is the SSL's live context; take a reference of our own.
        let o = unsafe { SslContextRef::from_ptr(origin) }.to_owned();
        ssl.set_ex_data(origin_index(), o);
    }
    // SAFETY: live SSL and context; SSL_set_SSL_CTX takes its own reference.
    unsafe {
        if openssl_sys::SSL_set_SSL_CTX(ssl.as_ptr(), ctx.as_ptr()).is_null() {
            return Err(Error::invalid("OpenSSL refused to switch the context"));
        }
        // The verification settings were copied from the listening context
        // when the SSL was made; the chosen configuration's apply.
        // A qssl connection takes Qt's mode for the chosen configuration (it
        // decides after the handshake); an SSL other code made keeps the
        // context's fail-closed mode.
        let mode = if super::callbacks::is_qssl_connection(ssl) {
            super::context::ssl_verify_mode(
                cfg.peer_verify_mode(),
                cfg.missing_certificate_is_fatal(),
            )
        } else {
            openssl_sys::SSL_CTX_get_verify_mode(ctx.as_ptr())
        };
        let cb = SSL_CTX_get_verify_callback(ctx.as_ptr());
        openssl_sys::SSL_set_verify(ssl.as_ptr(), mode, cb);
        SSL_set_verify_depth(ssl.as_ptr(), SSL_CTX_get_verify_depth(ctx.as_ptr()));
    }
    for alt in alternatives {
        add_certificate(ssl, alt)?;
    }
    crate::ossl::clear_error_queue();
    ssl.set_ex_data(served_index(), cfg);
    Ok(())
}

/// Adds one more certificate, key and chain to a connection (OpenSSL keeps
/// one per key type and picks by what the client supports).
fn add_certificate(ssl: &mut SslRef, cfg: &SslConfiguration) -> Result<(), Error> {
    let chain = cfg.local_certificate_chain();
    let (Some(leaf), Some(key)) = (
        chain.first().and_then(|c| c.x509()),
        cfg.private_key().pkey(),
    ) else {
        return Err(Error::invalid(
            "an SNI entry has no local certificate or no private key",
        ));
    };
    // SAFETY: live SSL, certificate and key; OpenSSL takes its own references.
    unsafe {
        if openssl_sys::SSL_use_certificate(ssl.as_ptr(), leaf.as_ptr()) != 1
            || openssl_sys::SSL_use_PrivateKey(ssl.as_ptr(), key.as_ptr()) != 1
        {
            return Err(Error::invalid(
                "OpenSSL refused an SNI entry's certificate or key",
            ));
        }
        for c in chain.iter().skip(1) {
            if let Some(x) = c.x509() {
                // add1: OpenSSL takes its own reference to the chain certificate.
                openssl_sys::SSL_ctrl(
                    ssl.as_ptr(),
                    SSL_CTRL_CHAIN_CERT,
                    1 as c_long,
                    x.as_ptr().cast(),
                );
            }
        }
    }
    Ok(())
}

// ---- session ticket keys --------------------------------------------------------------

unsafe extern "C" fn ticket_key_cb(
    ssl: *mut openssl_sys::SSL,
    key_name: *mut c_uchar,
    iv: *mut c_uchar,
    cctx: *mut openssl_sys::EVP_CIPHER_CTX,
    hctx: *mut openssl_sys::EVP_MAC_CTX,
    enc: c_int,
) -> c_int {
    let r = std::panic::catch_unwind(|| {
        if ssl.is_null() || key_name.is_null() || iv.is_null() {
            return -1;
        }
        // SAFETY: the live SSL of the handshake.
        let ssl = unsafe { SslRef::from_ptr(ssl) };
        // No keys (should not happen: the callback is installed with them):
        // no ticket issued, none accepted, never a failure.
        let Some(x) = extras_of(origin_ctx(ssl)) else {
            return 0;
        };
        let Some(keys) = x.ticket_keys.as_deref() else {
            return 0;
        };
        // SAFETY: OpenSSL passes a 16-byte key name buffer.
        let name = unsafe { std::slice::from_raw_parts_mut(key_name, 16) };
        let (key, current) = if enc == 1 {
            let k = &keys.keys[0];
            name.copy_from_slice(&k.name);
            // SAFETY: iv has EVP_MAX_IV_LENGTH (16) bytes.
            if unsafe { openssl_sys::RAND_bytes(iv, 16) } != 1 {
                return -1;
            }
            (k, true)
        } else {
            match keys.find(name) {
                Some(found) => found,
                // Unknown (retired) key: a full handshake, never a failure.
                None => return 0,
            }
        };
        let cipher = if key.aes_key.len() == 32 {
            // SAFETY: static cipher objects.
            unsafe { openssl_sys::EVP_aes_256_cbc() }
        } else {
            // SAFETY: as above.
            unsafe { openssl_sys::EVP_aes_128_cbc() }
        };
        // SAFETY: live contexts from OpenSSL; key and iv sized for the cipher.
        let ok = unsafe {
            openssl_sys::EVP_CipherInit_ex(
                cctx,
                cipher,
                std::ptr::null_mut(),
                key.aes_key.as_slice().as_ptr(),
                iv,
                enc,
            ) == 1
                && set_hmac(hctx, key.hmac_key.as_slice())
        };
        match (ok, current) {
            (false, _) => -1,
            (true, true) => 1,
            // An older key still decrypts; the client gets a fresh ticket.
            (true, false) => 2,
        }
    });
    r.unwrap_or(-1)
}

/// Keys the ticket HMAC (SHA-256).
///
/// # Safety
/// `hctx` must be the live MAC context OpenSSL passed to the callback.
unsafe fn set_hmac(hctx: *mut openssl_sys::EVP_MAC_CTX, key: &[u8]) -> bool {
    let mut digest = *b"SHA256\0";
    // SAFETY: the parameters point at live buffers for the call; OpenSSL
    // copies the key.
    unsafe {
        let params = [
            openssl_sys::OSSL_PARAM_construct_octet_string(
                c"key".as_ptr(),
                key.as_ptr().cast_mut().cast(),
                key.len(),
            ),
            OSSL_PARAM_construct_utf8_string(c"digest".as_ptr(), digest.as_mut_ptr().cast(), 0),
            openssl_sys::OSSL_PARAM_construct_end(),
        ];
        openssl_sys::EVP_MAC_CTX_set_params(hctx, params.as_ptr()) == 1
    }
}

// ---- key log --------------------------------------------------------------------------

unsafe extern "C" fn keylog_cb(ssl: *const openssl_sys::SSL, line: *const c_char) {
    let _ = std::panic::catch_unwind(|| {
        if ssl.is_null() || line.is_null() {
            return;
        }
        // SAFETY: the live SSL of the handshake.
        let ctx = unsafe { openssl_sys::SSL_get_SSL_CTX(ssl) };
        if let Some(h) = extras_of(ctx).and_then(|x| x.keylog.clone()) {
            // SAFETY: OpenSSL passes a NUL-terminated line, valid for the call.
            h.log(unsafe { CStr::from_ptr(line) });
        }
    });
}
