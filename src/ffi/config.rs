//! `qssl_config_t` (QSslConfiguration) and `qssl_backend_config_t`.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use super::boundary;
use super::bytes::{bytes_out, opt_bytes_in, slice_in, str_in, text_out};
use super::bytes_list::{bytes_array_in, qssl_bytes_list_t};
use super::cert::{qssl_cert_list_t, qssl_cert_t};
use super::cipher::{qssl_cipher_list_t, qssl_cipher_t};
use super::curve::{qssl_curve_list_t, qssl_curve_t};
use super::dh::qssl_dh_params_t;
use super::enums::*;
use super::handle::{borrow, borrow_mut, handle, into_raw};
use super::key::qssl_key_t;
use super::list::{ListStore, array_in};
use super::psk::{CPskHandler, qssl_psk_callback_t};
use super::status::qssl_status_t;
use crate::Error;
use crate::model::config::{BackendConfig, BackendValue, SslConfiguration};
use crate::model::curve::EllipticCurve;
use crate::model::enums::{encoding, pattern_syntax, protocol, ssl_option, verify_mode};

handle! {
    /// A configuration handle. Declared in the header preamble.
    pub struct qssl_config_t(SslConfiguration): Shared;
}

impl qssl_config_t {
    /// Wraps a Rust configuration as a handle (for Rust code mixing the two APIs).
    pub fn from_configuration(c: SslConfiguration) -> Self {
        qssl_config_t(c)
    }

    /// The Rust configuration behind a handle.
    pub fn configuration(&self) -> &SslConfiguration {
        &self.0
    }
}

handle! {
    /// A backend configuration map handle. Declared in the header preamble.
    pub struct qssl_backend_config_t(Arc<BackendConfig>): Unique;
}

// ---- private helpers ----------------------------------------------------

/// Borrows a configuration for reading.
unsafe fn cfg_ref<'a>(cfg: *const qssl_config_t) -> Result<&'a SslConfiguration, Error> {
    // SAFETY: forwarded caller guarantee (NULL or a live handle).
    Ok(&unsafe { borrow(cfg, "cfg") }?.0)
}

/// Borrows a configuration for writing.
unsafe fn cfg_mut<'a>(cfg: *mut qssl_config_t) -> Result<&'a mut SslConfiguration, Error> {
    // SAFETY: forwarded caller guarantee (NULL or a live, unaliased handle).
    Ok(&mut unsafe { borrow_mut(cfg, "cfg") }?.0)
}

fn check_protocol(p: qssl_ssl_protocol_t) -> Result<i32, Error> {
    if protocol::is_valid(p) {
        Ok(p)
    } else {
        Err(Error::invalid(format!("unknown protocol value {p}")))
    }
}

fn check_verify_mode(m: qssl_peer_verify_mode_t) -> Result<i32, Error> {
    if (verify_mode::VERIFY_NONE..=verify_mode::AUTO_VERIFY_PEER).contains(&m) {
        Ok(m)
    } else {
        Err(Error::invalid(format!("unknown peer verify mode {m}")))
    }
}

fn check_options(bits: qssl_ssl_options_t) -> Result<u32, Error> {
    if bits == 0 {
        Err(Error::invalid("no SSL option bit given"))
    } else if bits & !ssl_option::ALL != 0 {
        Err(Error::invalid(format!(
            "unknown SSL option bits {:#x}",
            bits & !ssl_option::ALL
        )))
    } else {
        Ok(bits)
    }
}

// ---- life cycle ------------------------------------------------------------

/// Creates a default-constructed (null) configuration: SecureProtocols,
/// AutoVerifyPeer, depth 0, options 0x55, no certificates, empty cipher list
/// (meaning the default list at handshake time), system roots trusted.
/// Free it with qssl_config_free(). Qt: QSslConfiguration::QSslConfiguration().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_config_new() -> *mut qssl_config_t {
    boundary::pointer("qssl_config_new", || {
        Ok(into_raw(qssl_config_t(SslConfiguration::new())))
    })
}

/// Copies a configuration in O(1): the new handle shares the data until either
/// is written. NULL gives NULL. Free the copy with qssl_config_free().
/// Qt: QSslConfiguration::QSslConfiguration(const QSslConfiguration &).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_copy(cfg: *const qssl_config_t) -> *mut qssl_config_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::copy("qssl_config_copy", cfg, "cfg") }
}

/// Frees a configuration; NULL is a no-op. Copies are unaffected.
/// Qt: QSslConfiguration::~QSslConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_free(cfg: *mut qssl_config_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_config_free", cfg) }
}

/// Qt's `==`: true when both share data, or every setting and session field
/// is equal (byte values: null equals empty). The PSK callback is not
/// compared. NULL is not equal to anything (false, with a last-error message).
/// Qt: QSslConfiguration::operator==().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_equal(
    a: *const qssl_config_t,
    b: *const qssl_config_t,
) -> bool {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::equal("qssl_config_equal", a, b) }
}

/// Swaps the contents of two configurations in O(1). A NULL argument is
/// recorded as an error and nothing happens.
/// Qt: QSslConfiguration::swap().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_swap(a: *mut qssl_config_t, b: *mut qssl_config_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::swap("qssl_config_swap", a, b) }
}

/// True when every field Qt counts still has its default (see docs/API.md;
/// the DTLS cookie flag and the session cipher/protocol do not count, an
/// empty but non-null session ticket or PSK hint does). NULL gives true.
/// Qt: QSslConfiguration::isNull().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_is_null(cfg: *const qssl_config_t) -> bool {
    boundary::value("qssl_config_is_null", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.is_null())
    })
}

// ---- protocol and verification ------------------------------------------------

/// The protocol; NULL gives QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS.
/// Qt: QSslConfiguration::protocol().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_protocol(cfg: *const qssl_config_t) -> qssl_ssl_protocol_t {
    // SAFETY: NULL or a live handle.
    boundary::value_pure(
        "qssl_config_protocol",
        QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS,
        || Ok(unsafe { cfg_ref(cfg) }?.protocol()),
    )
}

/// Sets the protocol. Any QSsl::SslProtocol value is stored (a DTLS or
/// unknown protocol fails when a TLS handshake starts, as in Qt); a number
/// outside the enum is INVALID_ARGUMENT. Qt: QSslConfiguration::setProtocol().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_protocol(
    cfg: *mut qssl_config_t,
    protocol: qssl_ssl_protocol_t,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_protocol", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        c.set_protocol(check_protocol(protocol)?);
        Ok(())
    })
}

/// The peer verify mode; NULL gives QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER.
/// Qt: QSslConfiguration::peerVerifyMode().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_peer_verify_mode(
    cfg: *const qssl_config_t,
) -> qssl_peer_verify_mode_t {
    // SAFETY: NULL or a live handle.
    boundary::value_pure(
        "qssl_config_peer_verify_mode",
        QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER,
        || Ok(unsafe { cfg_ref(cfg) }?.peer_verify_mode()),
    )
}

/// Sets the peer verify mode; an unknown mode is INVALID_ARGUMENT.
/// Qt: QSslConfiguration::setPeerVerifyMode().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_peer_verify_mode(
    cfg: *mut qssl_config_t,
    mode: qssl_peer_verify_mode_t,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_peer_verify_mode", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        c.set_peer_verify_mode(check_verify_mode(mode)?);
        Ok(())
    })
}

/// The maximum certificate chain depth to verify (0 = no limit); NULL gives 0.
/// Qt: QSslConfiguration::peerVerifyDepth().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_peer_verify_depth(cfg: *const qssl_config_t) -> i32 {
    boundary::value_pure("qssl_config_peer_verify_depth", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.peer_verify_depth())
    })
}

/// Sets the verify depth. A negative depth is INVALID_ARGUMENT and the old
/// value is kept (Qt logs a warning and keeps it).
/// Qt: QSslConfiguration::setPeerVerifyDepth().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_peer_verify_depth(
    cfg: *mut qssl_config_t,
    depth: i32,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_peer_verify_depth", || {
        // SAFETY: NULL or a live handle.
        unsafe { cfg_mut(cfg) }?.set_peer_verify_depth(depth)
    })
}

// ---- local certificate, chain, key -------------------------------------------

/// The local certificate (the chain's first element) as a new handle; a null
/// certificate if there is none. NULL gives NULL. Free it with qssl_cert_free().
/// Qt: QSslConfiguration::localCertificate().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_local_certificate(
    cfg: *const qssl_config_t,
) -> *mut qssl_cert_t {
    boundary::pointer("qssl_config_local_certificate", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_cert_t(
            unsafe { cfg_ref(cfg) }?.local_certificate(),
        )))
    })
}

/// Replaces the whole local chain with `[cert]`, even when `cert` is a null
/// certificate (the configuration then stops being null, as in Qt).
/// Qt: QSslConfiguration::setLocalCertificate().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_local_certificate(
    cfg: *mut qssl_config_t,
    cert: *const qssl_cert_t,
) -> qssl_status_t {
    boundary::status("qssl_config_set_local_certificate", || {
        // SAFETY: NULL or live handles.
        let (c, cert) = unsafe { (cfg_mut(cfg)?, borrow(cert, "cert")?) };
        c.set_local_certificate(cert.0.clone());
        Ok(())
    })
}

/// The local certificate chain (leaf first) as an owned snapshot list, O(1).
/// NULL gives NULL. Free it with qssl_cert_list_free().
/// Qt: QSslConfiguration::localCertificateChain().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_local_certificate_chain(
    cfg: *const qssl_config_t,
) -> *mut qssl_cert_list_t {
    boundary::pointer("qssl_config_local_certificate_chain", || {
        // SAFETY: NULL or a live handle.
        let chain = unsafe { cfg_ref(cfg) }?.local_certificate_chain().clone();
        Ok(into_raw(qssl_cert_list_t(ListStore::new(chain))))
    })
}

/// Sets the local chain, leaf first, stored verbatim. `(NULL, 0)` clears it.
/// A NULL element is INVALID_ARGUMENT. Qt: QSslConfiguration::setLocalCertificateChain().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_local_certificate_chain(
    cfg: *mut qssl_config_t,
    certs: *const *const qssl_cert_t,
    n: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_local_certificate_chain", || {
        // SAFETY: NULL or a live handle; `certs` holds n handles.
        let (c, v) = unsafe {
            (
                cfg_mut(cfg)?,
                array_in::<_, qssl_cert_t>(certs, n, "certs")?,
            )
        };
        c.set_local_certificate_chain(v.into());
        Ok(())
    })
}

/// The private key as a new handle (a null key if none). NULL gives NULL.
/// Free it with qssl_key_free(). Qt: QSslConfiguration::privateKey().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_private_key(cfg: *const qssl_config_t) -> *mut qssl_key_t {
    boundary::pointer("qssl_config_private_key", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_key_t(
            unsafe { cfg_ref(cfg) }?.private_key().clone(),
        )))
    })
}

/// Sets the private key (shared with `key`, not copied; a null key clears it).
/// Qt: QSslConfiguration::setPrivateKey().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_private_key(
    cfg: *mut qssl_config_t,
    key: *const qssl_key_t,
) -> qssl_status_t {
    boundary::status("qssl_config_set_private_key", || {
        // SAFETY: NULL or live handles.
        let (c, key) = unsafe { (cfg_mut(cfg)?, borrow(key, "key")?) };
        c.set_private_key(key.0.clone());
        Ok(())
    })
}

// ---- ciphers -------------------------------------------------------------------

/// The cipher list (empty means the default list is used at handshake time)
/// as an owned snapshot list, O(1). NULL gives NULL. Free it with
/// qssl_cipher_list_free(). Qt: QSslConfiguration::ciphers().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_ciphers(cfg: *const qssl_config_t) -> *mut qssl_cipher_list_t {
    boundary::pointer("qssl_config_ciphers", || {
        // SAFETY: NULL or a live handle.
        let v = unsafe { cfg_ref(cfg) }?.ciphers().clone();
        Ok(into_raw(qssl_cipher_list_t(ListStore::new(v))))
    })
}

/// Sets the cipher list verbatim (order and duplicates kept); `(NULL, 0)`
/// restores "use the default list". Qt: QSslConfiguration::setCiphers(const QList<QSslCipher> &).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_ciphers(
    cfg: *mut qssl_config_t,
    ciphers: *const *const qssl_cipher_t,
    n: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_ciphers", || {
        // SAFETY: NULL or a live handle; `ciphers` holds n handles.
        let (c, v) = unsafe {
            (
                cfg_mut(cfg)?,
                array_in::<_, qssl_cipher_t>(ciphers, n, "ciphers")?,
            )
        };
        c.set_ciphers(v.into());
        Ok(())
    })
}

/// Sets the cipher list from OpenSSL-style names joined with ':'. As in Qt 6,
/// empty names are skipped, unknown names silently dropped (exact,
/// case-sensitive match against the supported list) and duplicates kept;
/// TLS 1.3 suite names are accepted. Errors: NULL, invalid UTF-8.
/// Qt: QSslConfiguration::setCiphers(const QString &).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_ciphers_string(
    cfg: *mut qssl_config_t,
    ciphers: *const c_char,
) -> qssl_status_t {
    boundary::status("qssl_config_set_ciphers_string", || {
        // SAFETY: NULL or a live handle; NULL or a C string.
        let (c, s) = unsafe { (cfg_mut(cfg)?, str_in(ciphers, "ciphers")?) };
        c.set_ciphers_string(s);
        Ok(())
    })
}

/// Every cipher suite the loaded OpenSSL supports (anonymous suites removed),
/// computed once per process. Free the list with qssl_cipher_list_free().
/// Qt: QSslConfiguration::supportedCiphers().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_config_supported_ciphers() -> *mut qssl_cipher_list_t {
    boundary::pointer("qssl_config_supported_ciphers", || {
        Ok(into_raw(qssl_cipher_list_t(ListStore::new(
            SslConfiguration::supported_ciphers(),
        ))))
    })
}

// ---- CA certificates -----------------------------------------------------------------

/// The CA certificates set on this configuration (not the system roots it may
/// also trust) as an owned snapshot list, O(1). NULL gives NULL.
/// Qt: QSslConfiguration::caCertificates().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_ca_certificates(
    cfg: *const qssl_config_t,
) -> *mut qssl_cert_list_t {
    boundary::pointer("qssl_config_ca_certificates", || {
        // SAFETY: NULL or a live handle.
        let v = unsafe { cfg_ref(cfg) }?.ca_certificates().clone();
        Ok(into_raw(qssl_cert_list_t(ListStore::new(v))))
    })
}

/// Replaces the CA list and stops trusting the system roots, even when the
/// list is empty (irreversible on this configuration, as in Qt).
/// Qt: QSslConfiguration::setCaCertificates().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_ca_certificates(
    cfg: *mut qssl_config_t,
    certs: *const *const qssl_cert_t,
    n: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_ca_certificates", || {
        // SAFETY: NULL or a live handle; `certs` holds n handles.
        let (c, v) = unsafe {
            (
                cfg_mut(cfg)?,
                array_in::<_, qssl_cert_t>(certs, n, "certs")?,
            )
        };
        c.set_ca_certificates(v.into());
        Ok(())
    })
}

/// Appends one CA certificate (no duplicate check) and stops trusting the
/// system roots. Qt: QSslConfiguration::addCaCertificate().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_add_ca_certificate(
    cfg: *mut qssl_config_t,
    cert: *const qssl_cert_t,
) -> qssl_status_t {
    boundary::status("qssl_config_add_ca_certificate", || {
        // SAFETY: NULL or live handles.
        let (c, cert) = unsafe { (cfg_mut(cfg)?, borrow(cert, "cert")?) };
        c.add_ca_certificate(cert.0.clone());
        Ok(())
    })
}

/// Appends CA certificates (no duplicate check) and stops trusting the system
/// roots, even for an empty list. Qt: QSslConfiguration::addCaCertificates(const QList<QSslCertificate> &).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_add_ca_certificates(
    cfg: *mut qssl_config_t,
    certs: *const *const qssl_cert_t,
    n: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_add_ca_certificates", || {
        // SAFETY: NULL or a live handle; `certs` holds n handles.
        let (c, v) = unsafe {
            (
                cfg_mut(cfg)?,
                array_in::<_, qssl_cert_t>(certs, n, "certs")?,
            )
        };
        c.add_ca_certificates(&v);
        Ok(())
    })
}

/// Appends the certificates found at `path` (a file, or a pattern in the
/// given syntax, as qssl_cert_from_path()). Unlike the list overloads it keeps
/// trusting the system roots (Qt). Nothing found: QSSL_STATUS_NOT_FOUND and the
/// configuration is unchanged (Qt returns false). Errors: NULL, invalid
/// UTF-8, unknown format or syntax. Qt: QSslConfiguration::addCaCertificates(const QString &, QSsl::EncodingFormat, QSslCertificate::PatternSyntax).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_add_ca_certificates_from_path(
    cfg: *mut qssl_config_t,
    path: *const c_char,
    format: qssl_encoding_format_t,
    syntax: qssl_pattern_syntax_t,
) -> qssl_status_t {
    boundary::status("qssl_config_add_ca_certificates_from_path", || {
        // SAFETY: NULL or a live handle; NULL or a C string.
        let (c, p) = unsafe { (cfg_mut(cfg)?, str_in(path, "path")?) };
        if format != encoding::PEM && format != encoding::DER {
            return Err(Error::invalid(format!("unknown encoding format {format}")));
        }
        if !(pattern_syntax::REGULAR_EXPRESSION..=pattern_syntax::FIXED_STRING).contains(&syntax) {
            return Err(Error::invalid(format!("unknown pattern syntax {syntax}")));
        }
        if c.add_ca_certificates_from_path(p, format, syntax)? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("no certificate found at '{p}'")))
        }
    })
}

/// The system's trusted CA certificates: parsed once per process (honouring
/// SSL_CERT_FILE and SSL_CERT_DIR), deduplicated and shared; later calls cost a
/// reference count. Free the list with qssl_cert_list_free().
/// Qt: QSslConfiguration::systemCaCertificates().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_config_system_ca_certificates() -> *mut qssl_cert_list_t {
    boundary::pointer("qssl_config_system_ca_certificates", || {
        let v = crate::model::system_ca::system_ca_certificates();
        Ok(into_raw(qssl_cert_list_t(ListStore::new(v))))
    })
}

/// Reads the system CA store again (after SSL_CERT_FILE/SSL_CERT_DIR or the
/// OS store changed) and writes the number of certificates to `*out_count`
/// (may be NULL). Contexts already built keep the store they had.
/// No Qt counterpart (Qt re-reads on every call).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_reload_system_ca_certificates(
    out_count: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_config_reload_system_ca_certificates", || {
        let n = crate::model::system_ca::reload_system_ca_certificates();
        if !out_count.is_null() {
            // SAFETY: non-NULL, caller guarantees it is writable.
            unsafe { *out_count = n };
        }
        Ok(())
    })
}

// ---- options ---------------------------------------------------------------------

/// Sets (`on`) or clears the option bits in `option` (one QSsl::SslOption or
/// several OR-ed). Zero or unknown bits are INVALID_ARGUMENT.
/// Qt: QSslConfiguration::setSslOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_ssl_option(
    cfg: *mut qssl_config_t,
    option: qssl_ssl_options_t,
    on: bool,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_ssl_option", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        c.set_ssl_option(check_options(option)?, on);
        Ok(())
    })
}

/// True when every bit of `option` is set. NULL gives the default mask's
/// answer (0x55); zero or unknown bits give false and a last-error message.
/// Qt: QSslConfiguration::testSslOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_test_ssl_option(
    cfg: *const qssl_config_t,
    option: qssl_ssl_options_t,
) -> bool {
    boundary::value_pure("qssl_config_test_ssl_option", false, || {
        let bits = check_options(option)?;
        if cfg.is_null() {
            // Answered from the default mask, but recorded like every NULL.
            super::status::set_last_error(
                "qssl_config_test_ssl_option: cfg is NULL (answered from the default options)",
            );
            return Ok(ssl_option::DEFAULT & bits == bits);
        }
        // SAFETY: non-NULL live handle.
        Ok(unsafe { cfg_ref(cfg) }?.test_ssl_option(bits))
    })
}

/// The whole option mask; NULL gives QSSL_SSL_OPTION_DEFAULTS (0x55).
/// No Qt counterpart (Qt keeps the mask private; use testSslOption).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_ssl_options(cfg: *const qssl_config_t) -> qssl_ssl_options_t {
    boundary::value_pure("qssl_config_ssl_options", ssl_option::DEFAULT, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.ssl_options())
    })
}

// ---- curves and DH ---------------------------------------------------------------

/// The elliptic curves (empty = OpenSSL's default groups) as an owned list.
/// NULL gives NULL. Qt: QSslConfiguration::ellipticCurves().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_elliptic_curves(
    cfg: *const qssl_config_t,
) -> *mut qssl_curve_list_t {
    boundary::pointer("qssl_config_elliptic_curves", || {
        // SAFETY: NULL or a live handle.
        let v = unsafe { cfg_ref(cfg) }?.elliptic_curves().clone();
        Ok(into_raw(qssl_curve_list_t(ListStore::new(v))))
    })
}

/// Sets the curves verbatim (not checked against the supported list, as in
/// Qt; OpenSSL checks them at handshake time). A curve id <= 0 is
/// INVALID_ARGUMENT. Qt: QSslConfiguration::setEllipticCurves().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_elliptic_curves(
    cfg: *mut qssl_config_t,
    curves: *const qssl_curve_t,
    n: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_elliptic_curves", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        let bytes = n
            .checked_mul(std::mem::size_of::<qssl_curve_t>())
            .ok_or_else(|| Error::invalid(format!("curves: count {n} is too large")))?;
        // SAFETY: (curves, n) is a readable array, or (NULL, 0).
        let ids = unsafe { slice_in(curves.cast::<u8>(), bytes, "curves") }?;
        let ids: Vec<EllipticCurve> = ids
            .chunks_exact(4)
            .map(|b| EllipticCurve(i32::from_ne_bytes([b[0], b[1], b[2], b[3]])))
            .collect();
        if let Some(bad) = ids.iter().find(|c| c.0 <= 0) {
            return Err(Error::invalid(format!(
                "invalid elliptic curve id {}",
                bad.0
            )));
        }
        c.set_elliptic_curves(ids.into());
        Ok(())
    })
}

/// Every named curve the loaded OpenSSL knows. Free the list with
/// qssl_curve_list_free(). Qt: QSslConfiguration::supportedEllipticCurves().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_config_supported_elliptic_curves() -> *mut qssl_curve_list_t {
    boundary::pointer("qssl_config_supported_elliptic_curves", || {
        let v = crate::model::curve::supported_elliptic_curves();
        Ok(into_raw(qssl_curve_list_t(ListStore::new(v))))
    })
}

/// The Diffie-Hellman parameters as a new handle (default: RFC 7919
/// ffdhe2048). NULL gives NULL. Qt: QSslConfiguration::diffieHellmanParameters().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_diffie_hellman_parameters(
    cfg: *const qssl_config_t,
) -> *mut qssl_dh_params_t {
    boundary::pointer("qssl_config_diffie_hellman_parameters", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_dh_params_t(
            unsafe { cfg_ref(cfg) }?.diffie_hellman_parameters().clone(),
        )))
    })
}

/// Sets the DH parameters verbatim; invalid ones make a server's handshake
/// set-up fail. Qt: QSslConfiguration::setDiffieHellmanParameters().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_diffie_hellman_parameters(
    cfg: *mut qssl_config_t,
    params: *const qssl_dh_params_t,
) -> qssl_status_t {
    boundary::status("qssl_config_set_diffie_hellman_parameters", || {
        // SAFETY: NULL or live handles.
        let (c, p) = unsafe { (cfg_mut(cfg)?, borrow(params, "params")?) };
        c.set_diffie_hellman_parameters(p.0.clone());
        Ok(())
    })
}

// ---- backend configuration ---------------------------------------------------------

/// The type of a backend configuration value.
pub type qssl_backend_value_type_t = i32;
/// Bytes (QByteArray): passed to OpenSSL as they are.
pub const QSSL_BACKEND_VALUE_TYPE_BYTES: qssl_backend_value_type_t = 0;
/// A 64-bit integer. OpenSSL's configuration commands take text, so it fails there (as in Qt).
pub const QSSL_BACKEND_VALUE_TYPE_INT: qssl_backend_value_type_t = 1;
/// A boolean. Fails at handshake time, as in Qt.
pub const QSSL_BACKEND_VALUE_TYPE_BOOL: qssl_backend_value_type_t = 2;
/// UTF-8 text (QString). Fails at handshake time, as in Qt (only bytes convert).
pub const QSSL_BACKEND_VALUE_TYPE_TEXT: qssl_backend_value_type_t = 3;

/// A backend option name.
///
/// # Safety
/// `name` must be NULL or a C string.
unsafe fn option_name(name: *const c_char) -> Result<Vec<u8>, Error> {
    // SAFETY: forwarded caller guarantee.
    let n = unsafe { str_in(name, "name") }?;
    if n.is_empty() {
        return Err(Error::invalid("backend option name is empty"));
    }
    Ok(n.as_bytes().to_vec())
}

/// The backend configuration map as a new handle (a snapshot, O(1)). NULL
/// gives NULL. Free it with qssl_backend_config_free().
/// Qt: QSslConfiguration::backendConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_backend_configuration(
    cfg: *const qssl_config_t,
) -> *mut qssl_backend_config_t {
    boundary::pointer("qssl_config_backend_configuration", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_backend_config_t(
            unsafe { cfg_ref(cfg) }?.backend_configuration().clone(),
        )))
    })
}

/// Replaces the whole backend map with `map`'s contents; NULL clears it (Qt's
/// default argument). Qt: QSslConfiguration::setBackendConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration(
    cfg: *mut qssl_config_t,
    map: *const qssl_backend_config_t,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        // SAFETY: NULL or a live map.
        let m = unsafe { map.as_ref() }
            .map(|m| m.0.clone())
            .unwrap_or_default();
        c.set_backend_configuration(m);
        Ok(())
    })
}

/// Sets one backend option to bytes (OpenSSL configuration command `name`,
/// e.g. "MinProtocol" = "TLSv1.3"; applied last when a context is built).
/// `(NULL, 0)` is a null value. Qt: QSslConfiguration::setBackendConfigurationOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration_option_bytes(
    cfg: *mut qssl_config_t,
    name: *const c_char,
    value: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration_option_bytes", || {
        // SAFETY: NULL or a live handle; (value, len) readable.
        let (c, v) = unsafe { (cfg_mut(cfg)?, opt_bytes_in(value, len, "value")?) };
        // SAFETY: NULL or a C string, per the caller.
        c.set_backend_configuration_option(&unsafe { option_name(name) }?, BackendValue::Bytes(v));
        Ok(())
    })
}

/// Sets one backend option to an integer. Qt: QSslConfiguration::setBackendConfigurationOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration_option_int(
    cfg: *mut qssl_config_t,
    name: *const c_char,
    value: i64,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration_option_int", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        c.set_backend_configuration_option(
            // SAFETY: NULL or a C string, per the caller.
            &unsafe { option_name(name) }?,
            BackendValue::Int(value),
        );
        Ok(())
    })
}

/// Sets one backend option to a boolean. Qt: QSslConfiguration::setBackendConfigurationOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration_option_bool(
    cfg: *mut qssl_config_t,
    name: *const c_char,
    value: bool,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration_option_bool", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) }?;
        c.set_backend_configuration_option(
            // SAFETY: NULL or a C string, per the caller.
            &unsafe { option_name(name) }?,
            BackendValue::Bool(value),
        );
        Ok(())
    })
}

/// Sets one backend option to UTF-8 text. Qt: QSslConfiguration::setBackendConfigurationOption().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_backend_configuration_option_text(
    cfg: *mut qssl_config_t,
    name: *const c_char,
    value: *const c_char,
) -> qssl_status_t {
    boundary::status("qssl_config_set_backend_configuration_option_text", || {
        // SAFETY: NULL or a live handle; NULL or a C string.
        let (c, v) = unsafe { (cfg_mut(cfg)?, str_in(value, "value")?) };
        c.set_backend_configuration_option(
            // SAFETY: NULL or a C string, per the caller.
            &unsafe { option_name(name) }?,
            BackendValue::Text(v.to_string()),
        );
        Ok(())
    })
}

/// Creates an empty backend configuration map. Free it with qssl_backend_config_free().
/// Qt: QMap<QByteArray, QVariant>().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_backend_config_new() -> *mut qssl_backend_config_t {
    boundary::pointer("qssl_backend_config_new", || {
        Ok(into_raw(qssl_backend_config_t(Arc::default())))
    })
}

/// Frees a map; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_free(map: *mut qssl_backend_config_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_backend_config_free", map) }
}

/// The number of entries (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_len(map: *const qssl_backend_config_t) -> usize {
    boundary::value("qssl_backend_config_len", 0, || {
        // SAFETY: NULL or a live map.
        Ok(unsafe { borrow(map, "map") }?.0.len())
    })
}

/// Entry `index` of a map.
///
/// # Safety
/// `map` must be NULL or a live map not mutated for `'a`.
unsafe fn entry<'a>(
    map: *const qssl_backend_config_t,
    index: usize,
) -> Result<(&'a [u8], &'a BackendValue), Error> {
    // SAFETY: forwarded caller guarantee.
    let m = unsafe { borrow(map, "map") }?;
    m.0.iter()
        .nth(index)
        .map(|(k, v)| (k.as_slice(), v))
        .ok_or_else(|| Error::invalid(format!("index {index} out of range (length {})", m.0.len())))
}

/// Writes entry `index`'s name (text out; entries are ordered by name).
/// Errors: NULL, index out of range, BUFFER_TOO_SMALL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_name(
    map: *const qssl_backend_config_t,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_name", || {
        // SAFETY: NULL or a live map for this call.
        let (k, _) = unsafe { entry(map, index) }?;
        // SAFETY: (buf, cap, out_len) per the text-out contract.
        unsafe { text_out(&String::from_utf8_lossy(k), buf, cap, out_len) }
    })
}

/// The type of entry `index`'s value; -1 for NULL or out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_value_type(
    map: *const qssl_backend_config_t,
    index: usize,
) -> qssl_backend_value_type_t {
    boundary::value("qssl_backend_config_value_type", -1, || {
        // SAFETY: NULL or a live map for this call.
        Ok(match unsafe { entry(map, index) }?.1 {
            BackendValue::Bytes(_) => QSSL_BACKEND_VALUE_TYPE_BYTES,
            BackendValue::Int(_) => QSSL_BACKEND_VALUE_TYPE_INT,
            BackendValue::Bool(_) => QSSL_BACKEND_VALUE_TYPE_BOOL,
            BackendValue::Text(_) => QSSL_BACKEND_VALUE_TYPE_TEXT,
        })
    })
}

/// Writes entry `index`'s value as bytes: bytes as they are, text as UTF-8,
/// integers and booleans as decimal text ("42", "true"). Errors: NULL, index
/// out of range, BUFFER_TOO_SMALL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_value_bytes(
    map: *const qssl_backend_config_t,
    index: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_value_bytes", || {
        // SAFETY: NULL or a live map for this call.
        let (_, v) = unsafe { entry(map, index) }?;
        let bytes: Vec<u8> = match v {
            BackendValue::Bytes(b) => b.as_slice().to_vec(),
            BackendValue::Text(t) => t.as_bytes().to_vec(),
            BackendValue::Int(i) => i.to_string().into_bytes(),
            BackendValue::Bool(b) => b.to_string().into_bytes(),
        };
        // SAFETY: (buf, cap, out_len) per the bytes-out contract.
        unsafe { bytes_out(&bytes, buf, cap, out_len) }
    })
}

/// Reads entry `index`'s value as an integer into `*out`. Errors: NULL, index
/// out of range, INVALID_ARGUMENT if the value is not an integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_value_int(
    map: *const qssl_backend_config_t,
    index: usize,
    out: *mut i64,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_value_int", || {
        // SAFETY: NULL or a live map for this call.
        let (k, v) = unsafe { entry(map, index) }?;
        if out.is_null() {
            return Err(Error::NullArgument("out"));
        }
        let BackendValue::Int(i) = v else {
            return Err(Error::invalid(format!(
                "value of '{}' is not an integer",
                String::from_utf8_lossy(k)
            )));
        };
        // SAFETY: checked non-NULL.
        unsafe { *out = *i };
        Ok(())
    })
}

/// Reads entry `index`'s value as a boolean into `*out`. Errors: NULL, index
/// out of range, INVALID_ARGUMENT if the value is not a boolean.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_value_bool(
    map: *const qssl_backend_config_t,
    index: usize,
    out: *mut bool,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_value_bool", || {
        // SAFETY: NULL or a live map for this call.
        let (k, v) = unsafe { entry(map, index) }?;
        if out.is_null() {
            return Err(Error::NullArgument("out"));
        }
        let BackendValue::Bool(b) = v else {
            return Err(Error::invalid(format!(
                "value of '{}' is not a boolean",
                String::from_utf8_lossy(k)
            )));
        };
        // SAFETY: checked non-NULL.
        unsafe { *out = *b };
        Ok(())
    })
}

/// Finds the entry named `name` and writes its index to `*index`.
/// Errors: NULL, invalid UTF-8, NOT_FOUND.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_find(
    map: *const qssl_backend_config_t,
    name: *const c_char,
    index: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_find", || {
        // SAFETY: NULL or a live map.
        let m = unsafe { borrow(map, "map") }?;
        // SAFETY: NULL or a C string, per the caller.
        let n = unsafe { option_name(name) }?;
        if index.is_null() {
            return Err(Error::NullArgument("index"));
        }
        let i = m.0.keys().position(|k| *k == n).ok_or_else(|| {
            Error::NotFound(format!(
                "no backend option named '{}'",
                String::from_utf8_lossy(&n)
            ))
        })?;
        // SAFETY: checked non-NULL.
        unsafe { *index = i };
        Ok(())
    })
}

/// Inserts into a map.
///
/// # Safety
/// `map` must be NULL or a live, unaliased map; `name` NULL or a C string.
unsafe fn map_insert(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    v: BackendValue,
) -> Result<(), Error> {
    // SAFETY: forwarded caller guarantee.
    let m = unsafe { borrow_mut(map, "map") }?;
    // SAFETY: NULL or a C string, per the caller.
    Arc::make_mut(&mut m.0).insert(unsafe { option_name(name) }?, v);
    Ok(())
}

/// Inserts or replaces a bytes entry; `(NULL, 0)` is a null value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_insert_bytes(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    value: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_insert_bytes", || {
        // SAFETY: (value, len) readable or (NULL, 0).
        let v = unsafe { opt_bytes_in(value, len, "value") }?;
        // SAFETY: forwarded caller guarantee.
        unsafe { map_insert(map, name, BackendValue::Bytes(v)) }
    })
}

/// Inserts or replaces an integer entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_insert_int(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    value: i64,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_insert_int", || {
        // SAFETY: forwarded caller guarantee.
        unsafe { map_insert(map, name, BackendValue::Int(value)) }
    })
}

/// Inserts or replaces a boolean entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_insert_bool(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    value: bool,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_insert_bool", || {
        // SAFETY: forwarded caller guarantee.
        unsafe { map_insert(map, name, BackendValue::Bool(value)) }
    })
}

/// Inserts or replaces a text entry (UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_backend_config_insert_text(
    map: *mut qssl_backend_config_t,
    name: *const c_char,
    value: *const c_char,
) -> qssl_status_t {
    boundary::status("qssl_backend_config_insert_text", || {
        // SAFETY: NULL or a C string.
        let v = unsafe { str_in(value, "value") }?;
        // SAFETY: forwarded caller guarantee.
        unsafe { map_insert(map, name, BackendValue::Text(v.to_string())) }
    })
}

// ---- session ticket, PSK hint, ALPN -------------------------------------------------

/// Writes the session ticket (DER of an OpenSSL session) to `(buf, cap)`;
/// `*out_len` receives its length (0 when null or empty).
/// Qt: QSslConfiguration::sessionTicket().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_session_ticket(
    cfg: *const qssl_config_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_config_session_ticket", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe { bytes_out(cfg_ref(cfg)?.session_ticket().as_slice(), buf, cap, out_len) }
    })
}

/// True when the session ticket is null (never set or captured), as opposed
/// to empty. NULL gives true. Qt: QSslConfiguration::sessionTicket().isNull().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_session_ticket_is_null(cfg: *const qssl_config_t) -> bool {
    boundary::value_pure("qssl_config_session_ticket_is_null", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.session_ticket().is_null())
    })
}

/// Sets the session ticket (bytes a previous handshake produced); it resumes
/// that session when session persistence is enabled. `(NULL, 0)` is null, a
/// non-NULL empty buffer is empty. Malformed bytes are only detected at
/// handshake time. Qt: QSslConfiguration::setSessionTicket().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_session_ticket(
    cfg: *mut qssl_config_t,
    data: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_session_ticket", || {
        // SAFETY: NULL or a live handle; (data, len) readable.
        let (c, t) = unsafe { (cfg_mut(cfg)?, opt_bytes_in(data, len, "data")?) };
        c.set_session_ticket(t);
        Ok(())
    })
}

/// The session ticket's lifetime hint in seconds; -1 until a handshake
/// records one (also for NULL). Qt: QSslConfiguration::sessionTicketLifeTimeHint().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_session_ticket_life_time_hint(
    cfg: *const qssl_config_t,
) -> i32 {
    boundary::value_pure("qssl_config_session_ticket_life_time_hint", -1, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.session_ticket_life_time_hint())
    })
}

/// Writes the PSK identity hint (server side). Qt: QSslConfiguration::preSharedKeyIdentityHint().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_pre_shared_key_identity_hint(
    cfg: *const qssl_config_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_config_pre_shared_key_identity_hint", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe {
            bytes_out(
                cfg_ref(cfg)?.pre_shared_key_identity_hint().as_slice(),
                buf,
                cap,
                out_len,
            )
        }
    })
}

/// True when the PSK identity hint is null. NULL gives true.
/// Qt: QSslConfiguration::preSharedKeyIdentityHint().isNull().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_pre_shared_key_identity_hint_is_null(
    cfg: *const qssl_config_t,
) -> bool {
    boundary::value(
        "qssl_config_pre_shared_key_identity_hint_is_null",
        true,
        || {
            // SAFETY: NULL or a live handle.
            Ok(unsafe { cfg_ref(cfg) }?
                .pre_shared_key_identity_hint()
                .is_null())
        },
    )
}

/// Sets the PSK identity hint a server sends in TLS 1.2 PSK handshakes
/// (null and empty both send none). Qt: QSslConfiguration::setPreSharedKeyIdentityHint().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_pre_shared_key_identity_hint(
    cfg: *mut qssl_config_t,
    hint: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_pre_shared_key_identity_hint", || {
        // SAFETY: NULL or a live handle; (hint, len) readable.
        let (c, h) = unsafe { (cfg_mut(cfg)?, opt_bytes_in(hint, len, "hint")?) };
        c.set_pre_shared_key_identity_hint(h);
        Ok(())
    })
}

/// The ALPN protocols as an owned list of byte strings. NULL gives NULL.
/// Qt: QSslConfiguration::allowedNextProtocols().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_allowed_next_protocols(
    cfg: *const qssl_config_t,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_config_allowed_next_protocols", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_bytes_list_t::new(
            unsafe { cfg_ref(cfg) }?.allowed_next_protocols().clone(),
        )))
    })
}

/// Sets the ALPN protocols, `n` byte strings `(protocols[i], lens[i])`, stored
/// verbatim; empty or over-long (> 255 bytes) entries are skipped at handshake
/// time, as in Qt. The pair qssl_bytes_list_data()/qssl_bytes_list_lengths()
/// of a list round-trips. Qt: QSslConfiguration::setAllowedNextProtocols().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_allowed_next_protocols(
    cfg: *mut qssl_config_t,
    protocols: *const *const u8,
    lens: *const usize,
    n: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_allowed_next_protocols", || {
        // SAFETY: NULL or a live handle; arrays hold n entries.
        let (c, v) = unsafe { (cfg_mut(cfg)?, bytes_array_in(protocols, lens, n)?) };
        c.set_allowed_next_protocols(v.into());
        Ok(())
    })
}

/// Writes the negotiated application protocol (empty when none).
/// Qt: QSslConfiguration::nextNegotiatedProtocol().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_next_negotiated_protocol(
    cfg: *const qssl_config_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_config_next_negotiated_protocol", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe {
            bytes_out(
                cfg_ref(cfg)?.next_negotiated_protocol().as_slice(),
                buf,
                cap,
                out_len,
            )
        }
    })
}

/// True when no application protocol was negotiated (null). NULL gives true.
/// Qt: QSslConfiguration::nextNegotiatedProtocol().isNull().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_next_negotiated_protocol_is_null(
    cfg: *const qssl_config_t,
) -> bool {
    boundary::value_pure("qssl_config_next_negotiated_protocol_is_null", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?
            .next_negotiated_protocol()
            .is_null())
    })
}

/// The ALPN negotiation status; NULL gives NONE.
/// Qt: QSslConfiguration::nextProtocolNegotiationStatus().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_next_protocol_negotiation_status(
    cfg: *const qssl_config_t,
) -> qssl_next_protocol_negotiation_status_t {
    boundary::value_pure("qssl_config_next_protocol_negotiation_status", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.next_protocol_negotiation_status())
    })
}

// ---- flags -----------------------------------------------------------------------

/// DTLS cookie verification (default true; NULL gives true).
/// Qt: QSslConfiguration::dtlsCookieVerificationEnabled().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_dtls_cookie_verification_enabled(
    cfg: *const qssl_config_t,
) -> bool {
    boundary::value_pure("qssl_config_dtls_cookie_verification_enabled", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.dtls_cookie_verification_enabled())
    })
}

/// Sets DTLS cookie verification (stored; qssl has no DTLS transport yet).
/// Qt: QSslConfiguration::setDtlsCookieVerificationEnabled().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_dtls_cookie_verification_enabled(
    cfg: *mut qssl_config_t,
    enable: bool,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_dtls_cookie_verification_enabled", || {
        // SAFETY: NULL or a live handle.
        unsafe { cfg_mut(cfg) }?.set_dtls_cookie_verification_enabled(enable);
        Ok(())
    })
}

/// OCSP stapling (default false; NULL gives false).
/// Qt: QSslConfiguration::ocspStaplingEnabled().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_ocsp_stapling_enabled(cfg: *const qssl_config_t) -> bool {
    boundary::value_pure("qssl_config_ocsp_stapling_enabled", false, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.ocsp_stapling_enabled())
    })
}

/// Enables OCSP stapling: a client requests and verifies the server's stapled
/// status. Qt: QSslConfiguration::setOcspStaplingEnabled().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_ocsp_stapling_enabled(
    cfg: *mut qssl_config_t,
    enable: bool,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_ocsp_stapling_enabled", || {
        // SAFETY: NULL or a live handle.
        unsafe { cfg_mut(cfg) }?.set_ocsp_stapling_enabled(enable);
        Ok(())
    })
}

/// Whether verification errors interrupt the handshake as they are found
/// (default false; NULL gives false). Qt: QSslConfiguration::handshakeMustInterruptOnError().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_handshake_must_interrupt_on_error(
    cfg: *const qssl_config_t,
) -> bool {
    // SAFETY: NULL or a live handle.
    boundary::value_pure(
        "qssl_config_handshake_must_interrupt_on_error",
        false,
        || Ok(unsafe { cfg_ref(cfg) }?.handshake_must_interrupt_on_error()),
    )
}

/// Sets handshakeMustInterruptOnError. Qt: QSslConfiguration::setHandshakeMustInterruptOnError().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_handshake_must_interrupt_on_error(
    cfg: *mut qssl_config_t,
    interrupt: bool,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_handshake_must_interrupt_on_error", || {
        // SAFETY: NULL or a live handle.
        unsafe { cfg_mut(cfg) }?.set_handshake_must_interrupt_on_error(interrupt);
        Ok(())
    })
}

/// Whether a missing peer certificate aborts the handshake (default false;
/// NULL gives false). Qt: QSslConfiguration::missingCertificateIsFatal().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_missing_certificate_is_fatal(
    cfg: *const qssl_config_t,
) -> bool {
    boundary::value_pure("qssl_config_missing_certificate_is_fatal", false, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { cfg_ref(cfg) }?.missing_certificate_is_fatal())
    })
}

/// Sets missingCertificateIsFatal. Qt: QSslConfiguration::setMissingCertificateIsFatal().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_missing_certificate_is_fatal(
    cfg: *mut qssl_config_t,
    fatal: bool,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_missing_certificate_is_fatal", || {
        // SAFETY: NULL or a live handle.
        unsafe { cfg_mut(cfg) }?.set_missing_certificate_is_fatal(fatal);
        Ok(())
    })
}

// ---- session state -----------------------------------------------------------------

/// The peer's certificate after a handshake (a null certificate before), as a
/// new handle sharing the OpenSSL object. NULL gives NULL.
/// Qt: QSslConfiguration::peerCertificate().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_peer_certificate(
    cfg: *const qssl_config_t,
) -> *mut qssl_cert_t {
    boundary::pointer("qssl_config_peer_certificate", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_cert_t(
            unsafe { cfg_ref(cfg) }?.peer_certificate().clone(),
        )))
    })
}

/// The peer's certificate chain, leaf first, as an owned list. NULL gives NULL.
/// Qt: QSslConfiguration::peerCertificateChain().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_peer_certificate_chain(
    cfg: *const qssl_config_t,
) -> *mut qssl_cert_list_t {
    boundary::pointer("qssl_config_peer_certificate_chain", || {
        // SAFETY: NULL or a live handle.
        let v = unsafe { cfg_ref(cfg) }?.peer_certificate_chain().clone();
        Ok(into_raw(qssl_cert_list_t(ListStore::new(v))))
    })
}

/// The session's cipher (a null cipher without a session) as a new handle.
/// NULL gives NULL. Qt: QSslConfiguration::sessionCipher().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_session_cipher(
    cfg: *const qssl_config_t,
) -> *mut qssl_cipher_t {
    boundary::pointer("qssl_config_session_cipher", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_cipher_t(
            unsafe { cfg_ref(cfg) }?.session_cipher().clone(),
        )))
    })
}

/// The session's protocol; QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL without a
/// session (also for NULL). Qt: QSslConfiguration::sessionProtocol().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_session_protocol(
    cfg: *const qssl_config_t,
) -> qssl_ssl_protocol_t {
    // SAFETY: NULL or a live handle.
    boundary::value_pure(
        "qssl_config_session_protocol",
        QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL,
        || Ok(unsafe { cfg_ref(cfg) }?.session_protocol()),
    )
}

/// The server's ephemeral key (clients only; a null key otherwise). X25519 and
/// X448 keys are Opaque with length -1, as in Qt. NULL gives NULL.
/// Qt: QSslConfiguration::ephemeralServerKey().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_ephemeral_server_key(
    cfg: *const qssl_config_t,
) -> *mut qssl_key_t {
    boundary::pointer("qssl_config_ephemeral_server_key", || {
        // SAFETY: NULL or a live handle.
        Ok(into_raw(qssl_key_t(
            unsafe { cfg_ref(cfg) }?.ephemeral_server_key().clone(),
        )))
    })
}

// ---- process-wide defaults ------------------------------------------------------------

/// The process-wide default configuration (a copy sharing its data): a
/// default-constructed configuration whose cipher list holds the supported
/// suites of 128 bits or more. Safe from any thread. Free it with
/// qssl_config_free(). Qt: QSslConfiguration::defaultConfiguration().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_config_default_configuration() -> *mut qssl_config_t {
    boundary::pointer("qssl_config_default_configuration", || {
        Ok(into_raw(qssl_config_t(
            SslConfiguration::default_configuration(),
        )))
    })
}

/// Makes `cfg` the process-wide default (sharing its data; later writes to
/// `cfg` do not leak into the default). Safe from any thread.
/// Qt: QSslConfiguration::setDefaultConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_default_configuration(
    cfg: *const qssl_config_t,
) -> qssl_status_t {
    boundary::status("qssl_config_set_default_configuration", || {
        // SAFETY: NULL or a live handle.
        SslConfiguration::set_default_configuration(unsafe { cfg_ref(cfg) }?);
        Ok(())
    })
}

/// The process-wide default DTLS configuration (protocol DtlsV1_2OrLater).
/// Qt: QSslConfiguration::defaultDtlsConfiguration().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_config_default_dtls_configuration() -> *mut qssl_config_t {
    boundary::pointer("qssl_config_default_dtls_configuration", || {
        Ok(into_raw(qssl_config_t(
            SslConfiguration::default_dtls_configuration(),
        )))
    })
}

/// Makes `cfg` the process-wide default DTLS configuration.
/// Qt: QSslConfiguration::setDefaultDtlsConfiguration().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_default_dtls_configuration(
    cfg: *const qssl_config_t,
) -> qssl_status_t {
    boundary::status("qssl_config_set_default_dtls_configuration", || {
        // SAFETY: NULL or a live handle.
        SslConfiguration::set_default_dtls_configuration(unsafe { cfg_ref(cfg) }?);
        Ok(())
    })
}

// ---- PSK callback ----------------------------------------------------------------------

/// Registers the PSK callback on this configuration: every connection made
/// from it, and every copy made afterwards, calls `callback(user_data, auth)`
/// when a PSK handshake needs credentials (see qssl_psk_callback_t). A
/// connection's own callback takes precedence. `user_data_free`, if not NULL,
/// is called exactly once with `user_data` when the last holder of this
/// registration lets go or it is replaced. `callback` NULL removes the
/// registration. Not part of qssl_config_equal(). The callback may run
/// concurrently when connections on several threads share the configuration.
/// Qt: QSslSocket::preSharedKeyAuthenticationRequired (a signal in Qt).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_psk_callback(
    cfg: *mut qssl_config_t,
    callback: qssl_psk_callback_t,
    user_data: *mut c_void,
    user_data_free: Option<unsafe extern "C" fn(*mut c_void)>,
) -> qssl_status_t {
    boundary::status("qssl_config_set_psk_callback", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { cfg_mut(cfg) };
        let c = match c {
            Ok(c) => c,
            Err(e) => {
                // Registration failed: the user data is still ours to release.
                if let Some(f) = user_data_free {
                    // SAFETY: the application's own destructor for its data.
                    unsafe { f(user_data) };
                }
                return Err(e);
            }
        };
        let handler = CPskHandler::new(callback, user_data, user_data_free);
        c.set_psk_handler(handler.map(|h| Arc::new(h) as _));
        Ok(())
    })
}
