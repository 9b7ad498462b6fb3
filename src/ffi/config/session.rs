//! `qssl_config_t`: the session ticket, the PSK identity hint, ALPN, and the
//! session state a handshake writes back.

use super::*;

// ---- session ticket, PSK hint, ALPN -------------------------------------------------

/// Writes the session ticket (DER of an OpenSSL session) to `(buf, cap)`;
/// `*out_len` receives its length (0 when null or empty).
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
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
/// handshake time.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`, or NULL `ticket` with a
/// non-zero length).
/// Qt: QSslConfiguration::setSessionTicket().
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

/// Writes the PSK identity hint (server side).
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslConfiguration::preSharedKeyIdentityHint().
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
/// Free it with qssl_bytes_list_free().
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
/// of a list round-trips.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`, NULL arrays with `n > 0`, or
/// a NULL entry with a non-zero length).
/// Qt: QSslConfiguration::setAllowedNextProtocols().
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
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
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

// ---- session state -----------------------------------------------------------------

/// The peer's certificate after a handshake (a null certificate before), as a
/// new handle sharing the OpenSSL object. NULL gives NULL.
/// Free it with qssl_cert_free().
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
/// Free it with qssl_cert_list_free().
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
/// NULL gives NULL.
/// Free it with qssl_cipher_free().
/// Qt: QSslConfiguration::sessionCipher().
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
/// Free it with qssl_key_free().
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
