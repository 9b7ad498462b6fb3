//! `qssl_config_t` (QSslConfiguration): the handle, its life cycle, the
//! scalar settings and the process-wide defaults. The list and blob
//! settings, the session state and the backend configuration map
//! (`qssl_backend_config_t`) are in the submodules.

mod algorithms;
mod backend;
mod certs;
mod session;

pub use algorithms::*;
pub use backend::*;
pub use certs::*;
pub use session::*;

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

    /// A new C handle owning `c`, to free with qssl_config_free() (for Rust
    /// code mixing the two APIs; a handle is not a `Box`).
    pub fn new_handle(c: SslConfiguration) -> *mut qssl_config_t {
        into_raw(qssl_config_t(c))
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
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
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
/// status.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
/// Qt: QSslConfiguration::setOcspStaplingEnabled().
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

/// Sets handshakeMustInterruptOnError.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
/// Qt: QSslConfiguration::setHandshakeMustInterruptOnError().
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

/// Sets missingCertificateIsFatal.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
/// Qt: QSslConfiguration::setMissingCertificateIsFatal().
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
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
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
/// Free it with qssl_config_free().
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
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
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
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
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
