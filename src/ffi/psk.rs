//! `qssl_psk_auth_t` (QSslPreSharedKeyAuthenticator) and the PSK callback.

use std::ffi::c_void;

use super::boundary;
use super::bytes::{bytes_out, opt_slice_in};
use super::handle::{borrow, borrow_mut, handle, into_raw};
use super::status::qssl_status_t;
use crate::Error;
use crate::model::config::PskHandler;
use crate::model::psk::PskAuthenticator;

handle! {
    /// A PSK authenticator handle. Declared in the header preamble.
    pub struct qssl_psk_auth_t(PskAuthenticator): Shared {
        const PURE_EQUALITY: bool = true;
    };
}

/// The PSK callback: called during a PSK handshake with the `user_data` given
/// at registration and a borrowed authenticator, valid only during the call.
/// On a client, `auth` carries the server's identity hint (TLS 1.2; null in
/// TLS 1.3) and the maximum identity and key lengths; set the identity and the
/// key. On a server, it carries the server's own hint, the client's identity
/// and the maximum key length; set the key (an identity set there is ignored).
/// Return 0 to continue; any other value aborts the handshake. An empty key
/// refuses the handshake. Identity and key longer than the maxima are
/// truncated, as in Qt.
pub type qssl_psk_callback_t =
    Option<unsafe extern "C" fn(user_data: *mut c_void, auth: *mut qssl_psk_auth_t) -> i32>;

/// A C callback registration. The user data's free function runs exactly once,
/// when the last holder drops it.
pub(crate) struct CPskHandler {
    callback: unsafe extern "C" fn(*mut c_void, *mut qssl_psk_auth_t) -> i32,
    user_data: *mut c_void,
    user_data_free: Option<unsafe extern "C" fn(*mut c_void)>,
}

// SAFETY: the application promises (header docs) that its callback and user
// data may be used from the threads that drive handshakes.
unsafe impl Send for CPskHandler {}
// SAFETY: as above; qssl itself never touches the user data.
unsafe impl Sync for CPskHandler {}

impl CPskHandler {
    /// A registration, or `None` for a NULL callback (the user data is then
    /// released at once, as it will never be used).
    pub(crate) fn new(
        callback: qssl_psk_callback_t,
        user_data: *mut c_void,
        user_data_free: Option<unsafe extern "C" fn(*mut c_void)>,
    ) -> Option<Self> {
        match callback {
            Some(callback) => Some(CPskHandler {
                callback,
                user_data,
                user_data_free,
            }),
            None => {
                if let Some(f) = user_data_free {
                    // SAFETY: the application's destructor for its own data.
                    unsafe { f(user_data) };
                }
                None
            }
        }
    }
}

impl PskHandler for CPskHandler {
    fn authenticate(&self, auth: &mut PskAuthenticator) -> Result<(), String> {
        // The callback gets the authenticator itself as its borrowed handle
        // (`qssl_psk_auth_t` is repr(transparent) over it): no move, no copy.
        let handle = std::ptr::from_mut(auth).cast::<qssl_psk_auth_t>();
        // SAFETY: the callback is the application's; `handle` points to a
        // live authenticator, used only through it during the call.
        let rc = unsafe { (self.callback)(self.user_data, handle) };
        if rc == 0 {
            Ok(())
        } else {
            Err(refused_text(rc))
        }
    }
}

/// The message for a callback that refused. Cold: out of the handshake path.
#[cold]
#[inline(never)]
fn refused_text(rc: i32) -> String {
    format!("the PSK callback returned {rc}")
}

impl Drop for CPskHandler {
    fn drop(&mut self) {
        if let Some(f) = self.user_data_free {
            // SAFETY: called exactly once, when the last holder lets go.
            unsafe { f(self.user_data) };
        }
    }
}

/// Borrows an authenticator for reading.
unsafe fn auth_ref<'a>(auth: *const qssl_psk_auth_t) -> Result<&'a PskAuthenticator, Error> {
    // SAFETY: forwarded caller guarantee.
    Ok(&unsafe { borrow(auth, "auth") }?.0)
}

/// Creates a default-constructed authenticator (everything null, maxima 0).
/// Free it with qssl_psk_auth_free().
/// Qt: QSslPreSharedKeyAuthenticator::QSslPreSharedKeyAuthenticator().
#[unsafe(no_mangle)]
pub extern "C" fn qssl_psk_auth_new() -> *mut qssl_psk_auth_t {
    boundary::pointer_pure("qssl_psk_auth_new", || {
        Ok(into_raw(qssl_psk_auth_t(PskAuthenticator::new())))
    })
}

/// Copies an authenticator in O(1) (shared until written). NULL gives NULL.
/// The borrowed authenticator of a PSK callback (held in place by the
/// handshake) is the exception: its copy takes a copy of the key. Free it
/// with qssl_psk_auth_free().
/// Qt: QSslPreSharedKeyAuthenticator::QSslPreSharedKeyAuthenticator(const QSslPreSharedKeyAuthenticator &).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_copy(auth: *const qssl_psk_auth_t) -> *mut qssl_psk_auth_t {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::copy("qssl_psk_auth_copy", auth, "auth") }
}

/// Frees an authenticator; NULL is a no-op. The key bytes are wiped when the
/// last copy goes. Never free the borrowed handle a callback receives.
/// Qt: QSslPreSharedKeyAuthenticator::~QSslPreSharedKeyAuthenticator().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_free(auth: *mut qssl_psk_auth_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::free("qssl_psk_auth_free", auth) }
}

/// Qt's `==`: identity hint, identity, key and both maxima (null bytes equal
/// empty ones). NULL is not equal to anything.
/// Qt: operator==(const QSslPreSharedKeyAuthenticator &, const QSslPreSharedKeyAuthenticator &).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_equal(
    a: *const qssl_psk_auth_t,
    b: *const qssl_psk_auth_t,
) -> bool {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::equal("qssl_psk_auth_equal", a, b) }
}

/// Swaps two authenticators in O(1); a NULL argument is recorded as an error
/// and nothing happens. Qt: QSslPreSharedKeyAuthenticator::swap().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_swap(a: *mut qssl_psk_auth_t, b: *mut qssl_psk_auth_t) {
    // SAFETY: the C contract: NULL or live handles from qssl.
    unsafe { super::lifecycle::swap("qssl_psk_auth_swap", a, b) }
}

/// Writes the identity hint: on a client the server's hint (an owned copy,
/// unlike Qt's view into OpenSSL memory), on a server its own configured hint.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslPreSharedKeyAuthenticator::identityHint().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_identity_hint(
    auth: *const qssl_psk_auth_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_psk_auth_identity_hint", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe {
            bytes_out(
                auth_ref(auth)?.identity_hint().as_slice(),
                buf,
                cap,
                out_len,
            )
        }
    })
}

/// True when the identity hint is null (no hint). NULL gives true.
/// Qt: QSslPreSharedKeyAuthenticator::identityHint().isNull().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_identity_hint_is_null(auth: *const qssl_psk_auth_t) -> bool {
    boundary::value_pure("qssl_psk_auth_identity_hint_is_null", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { auth_ref(auth) }?.identity_hint().is_null())
    })
}

/// Writes the identity (on a server: the client's identity).
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslPreSharedKeyAuthenticator::identity().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_identity(
    auth: *const qssl_psk_auth_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_psk_auth_identity", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe { bytes_out(auth_ref(auth)?.identity().as_slice(), buf, cap, out_len) }
    })
}

/// True when the identity is null. NULL gives true.
/// Qt: QSslPreSharedKeyAuthenticator::identity().isNull().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_identity_is_null(auth: *const qssl_psk_auth_t) -> bool {
    boundary::value_pure("qssl_psk_auth_identity_is_null", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { auth_ref(auth) }?.identity().is_null())
    })
}

/// Sets the identity (any length; truncated to the maximum when used).
/// `(NULL, 0)` is null.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `auth`, or NULL `identity` with a
/// non-zero length).
/// Qt: QSslPreSharedKeyAuthenticator::setIdentity().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_set_identity(
    auth: *mut qssl_psk_auth_t,
    identity: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_psk_auth_set_identity", || {
        // SAFETY: NULL or a live handle.
        let a = unsafe { borrow_mut(auth, "auth") }?;
        // Copied once, into the authenticator itself when short.
        // SAFETY: (identity, len) readable per the caller's guarantee.
        a.0.set_identity_from(unsafe { opt_slice_in(identity, len, "identity") }?);
        Ok(())
    })
}

/// The maximum identity length the handshake accepts (255 on OpenSSL 3
/// clients, 0 on servers and for a default-constructed authenticator).
/// NULL gives 0. Qt: QSslPreSharedKeyAuthenticator::maximumIdentityLength().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_maximum_identity_length(
    auth: *const qssl_psk_auth_t,
) -> i32 {
    boundary::value_pure("qssl_psk_auth_maximum_identity_length", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { auth_ref(auth) }?.maximum_identity_length())
    })
}

/// Writes the pre-shared key.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL handle or `out_len`, or NULL `buf`
/// with a non-zero `cap`), QSSL_STATUS_BUFFER_TOO_SMALL (`*out_len` set,
/// nothing written).
/// Qt: QSslPreSharedKeyAuthenticator::preSharedKey().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_pre_shared_key(
    auth: *const qssl_psk_auth_t,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_psk_auth_pre_shared_key", || {
        // SAFETY: NULL or a live handle; out params per the contract.
        unsafe {
            bytes_out(
                auth_ref(auth)?.pre_shared_key().as_slice(),
                buf,
                cap,
                out_len,
            )
        }
    })
}

/// True when the key is null. NULL gives true.
/// Qt: QSslPreSharedKeyAuthenticator::preSharedKey().isNull().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_pre_shared_key_is_null(
    auth: *const qssl_psk_auth_t,
) -> bool {
    boundary::value_pure("qssl_psk_auth_pre_shared_key_is_null", true, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { auth_ref(auth) }?.pre_shared_key().is_null())
    })
}

/// Sets the pre-shared key (copied into memory that is wiped when released;
/// any length, truncated to the maximum when used). `(NULL, 0)` is null; an
/// empty key refuses the handshake.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `auth`, or NULL `key` with a
/// non-zero length).
/// Qt: QSslPreSharedKeyAuthenticator::setPreSharedKey().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_set_pre_shared_key(
    auth: *mut qssl_psk_auth_t,
    key: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status_pure("qssl_psk_auth_set_pre_shared_key", || {
        // SAFETY: NULL or a live handle.
        let a = unsafe { borrow_mut(auth, "auth") }?;
        // Copied once, straight from the caller's buffer into the
        // authenticator's wiped storage (in place when short).
        // SAFETY: (key, len) readable per the caller's guarantee.
        a.0.set_pre_shared_key_from(unsafe { opt_slice_in(key, len, "key") }?);
        Ok(())
    })
}

/// The maximum key length the handshake accepts (512 on OpenSSL 3; 0 for a
/// default-constructed authenticator). NULL gives 0.
/// Qt: QSslPreSharedKeyAuthenticator::maximumPreSharedKeyLength().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_psk_auth_maximum_pre_shared_key_length(
    auth: *const qssl_psk_auth_t,
) -> i32 {
    boundary::value_pure("qssl_psk_auth_maximum_pre_shared_key_length", 0, || {
        // SAFETY: NULL or a live handle.
        Ok(unsafe { auth_ref(auth) }?.maximum_pre_shared_key_length())
    })
}
