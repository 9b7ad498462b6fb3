//! `qssl_config_t`: the local certificate, chain and key, and the CA
//! certificates.

use super::*;

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
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `cert`).
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
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `key`).
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

// ---- CA certificates -----------------------------------------------------------------

/// The CA certificates set on this configuration (not the system roots it may
/// also trust) as an owned snapshot list, O(1). NULL gives NULL.
/// Free it with qssl_cert_list_free().
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
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`, or NULL `certs` with `n >
/// 0`), QSSL_STATUS_INVALID_ARGUMENT (a NULL element).
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
/// system roots.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `cert`).
/// Qt: QSslConfiguration::addCaCertificate().
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
/// roots, even for an empty list.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`, or NULL `certs` with `n >
/// 0`), QSSL_STATUS_INVALID_ARGUMENT (a NULL element).
/// Qt: QSslConfiguration::addCaCertificates(const QList<QSslCertificate> &).
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
/// Errors: none (an unreadable store counts 0 certificates); always
/// QSSL_STATUS_OK.
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
