//! `qssl_config_t`: ciphers, elliptic curves and Diffie-Hellman parameters.

use super::*;

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
/// restores "use the default list".
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`, or NULL `ciphers` with `n >
/// 0`), QSSL_STATUS_INVALID_ARGUMENT (a NULL element).
/// Qt: QSslConfiguration::setCiphers(const QList<QSslCipher> &).
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

// ---- curves and DH ---------------------------------------------------------------

/// The elliptic curves (empty = OpenSSL's default groups) as an owned list.
/// NULL gives NULL.
/// Free it with qssl_curve_list_free().
/// Qt: QSslConfiguration::ellipticCurves().
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
/// ffdhe2048). NULL gives NULL.
/// Free it with qssl_dh_params_free().
/// Qt: QSslConfiguration::diffieHellmanParameters().
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
/// set-up fail.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg` or `params`).
/// Qt: QSslConfiguration::setDiffieHellmanParameters().
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
