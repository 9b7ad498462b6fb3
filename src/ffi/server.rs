//! Beyond Qt: servers that scale out. Certificates per server name (SNI),
//! session ticket keys shared by a fleet, the key log, and what a connection
//! reports about the configuration that served it.

use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::Arc;

use super::boundary;
use super::bytes::{slice_in, str_in, text_out};
use super::config::qssl_config_t;
use super::conn::qssl_conn_t;
use super::handle::{borrow, borrow_mut, reset_out, write_out};
use super::status::qssl_status_t;
use crate::Error;
use crate::model::config::SslConfiguration;
use crate::model::server::{KeylogHandler, SniChoice, SniHandler, SniTable, TicketKeys};

/// The SNI callback: called on a server during each handshake, before the
/// certificate is chosen, with the `user_data` given at registration and
/// the server name the client asked for (NULL when it sent none; valid only
/// during the call). To serve the connection with another configuration
/// (its certificate, chain, key, CA certificates, verification and ALPN
/// settings), set `*use_config` to it: it is borrowed for the call and
/// qssl keeps its own reference. Leave `*use_config` NULL to keep the
/// listening configuration. Return 0 to continue; any other value refuses
/// the handshake with the `unrecognized_name` alert. The protocol version
/// and the session ticket keys stay those of the listening configuration.
/// The callback may run concurrently on several threads.
pub type qssl_sni_callback_t = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        server_name: *const c_char,
        use_config: *mut *const qssl_config_t,
    ) -> i32,
>;

/// The key log callback: receives one line of the NSS key log format (the
/// `SSLKEYLOGFILE` format Wireshark reads), NUL-terminated, without a
/// newline, valid only during the call. It returns nothing: OpenSSL cannot
/// stop a handshake from here. The callback may run concurrently on several
/// threads.
pub type qssl_keylog_callback_t =
    Option<unsafe extern "C" fn(user_data: *mut c_void, line: *const c_char)>;

/// The application's user data and its destructor, released exactly once.
struct UserData {
    data: *mut c_void,
    free: Option<unsafe extern "C" fn(*mut c_void)>,
}

// SAFETY: the application promises (header docs) that its callbacks and user
// data may be used from the threads that drive handshakes.
unsafe impl Send for UserData {}
// SAFETY: as above; qssl itself never touches the user data.
unsafe impl Sync for UserData {}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(f) = self.free {
            // SAFETY: the application's destructor, called exactly once.
            unsafe { f(self.data) };
        }
    }
}

struct CSniHandler {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char, *mut *const qssl_config_t) -> i32,
    user: UserData,
}

impl SniHandler for CSniHandler {
    fn select(&self, name: Option<&str>) -> SniChoice {
        let name = name.and_then(|n| CString::new(n).ok());
        let mut chosen: *const qssl_config_t = std::ptr::null();
        // SAFETY: the application's callback; the name lives for the call.
        let rc = unsafe {
            (self.callback)(
                self.user.data,
                name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr()),
                &mut chosen,
            )
        };
        if rc != 0 {
            return SniChoice::Refuse;
        }
        if chosen.is_null() {
            return SniChoice::Keep;
        }
        // SAFETY: the callback hands back a live configuration handle.
        SniChoice::Use(unsafe { &*chosen }.0.clone())
    }
}

struct CKeylogHandler {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char),
    user: UserData,
}

impl KeylogHandler for CKeylogHandler {
    fn log(&self, line: &CStr) {
        // SAFETY: the application's callback; the line lives for the call.
        unsafe { (self.callback)(self.user.data, line.as_ptr()) };
    }
}

/// Borrows a configuration for writing; on failure releases the user data
/// that a registration would have taken.
unsafe fn cfg_for_registration<'a>(
    cfg: *mut qssl_config_t,
    user: UserData,
) -> Result<(&'a mut SslConfiguration, UserData), Error> {
    // SAFETY: forwarded caller guarantee (NULL or a live, unaliased handle);
    // on error `user` is dropped here, releasing the user data.
    let c = unsafe { borrow_mut(cfg, "cfg") }?;
    Ok((&mut c.0, user))
}

/// Registers the SNI callback on a server configuration (see
/// qssl_sni_callback_t): every connection made from it, and every copy made
/// afterwards, asks it which configuration serves the client's requested
/// name. It takes precedence over the name table
/// (qssl_config_add_sni_entry()). `user_data_free`, if not NULL, is called
/// exactly once with `user_data` when the last holder of the registration
/// lets go or it is replaced (also when this call fails). `callback` NULL
/// removes the registration. Not part of qssl_config_equal(); client
/// configurations ignore it.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_sni_callback(
    cfg: *mut qssl_config_t,
    callback: qssl_sni_callback_t,
    user_data: *mut c_void,
    user_data_free: Option<unsafe extern "C" fn(*mut c_void)>,
) -> qssl_status_t {
    boundary::status("qssl_config_set_sni_callback", || {
        let user = UserData {
            data: user_data,
            free: user_data_free,
        };
        // SAFETY: NULL or a live handle.
        let (c, user) = unsafe { cfg_for_registration(cfg, user) }?;
        let handler = callback
            .map(|callback| Arc::new(CSniHandler { callback, user }) as Arc<dyn SniHandler>);
        c.update_server_extras(|x| x.sni_handler = handler);
        Ok(())
    })
}

/// Adds an entry to the server name table of a server configuration:
/// connections whose client asks for a name matching `pattern` are served
/// by `entry` (its certificate, chain, key, CA certificates, verification
/// and ALPN settings; `entry` is copied, O(1)). `pattern` is a host name
/// (compared case-insensitively), `*.domain` (exactly one more leftmost
/// label) or `*` (any name, and clients that send none). An exact name wins
/// over a wildcard, which wins over `*`; with no match the listening
/// configuration serves (see qssl_config_set_sni_strict()). Adding a second
/// configuration for the same pattern adds its certificate and key to the
/// first one's: with an ECDSA and an RSA certificate for one name, OpenSSL
/// sends the one the client supports. Errors: NULL arguments, an invalid
/// pattern (QSSL_STATUS_INVALID_ARGUMENT). Not part of qssl_config_equal().
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_add_sni_entry(
    cfg: *mut qssl_config_t,
    pattern: *const c_char,
    entry: *const qssl_config_t,
) -> qssl_status_t {
    boundary::status("qssl_config_add_sni_entry", || {
        // SAFETY: NULL or live handles and a NUL-terminated string.
        let (c, p, e) = unsafe {
            (
                borrow_mut(cfg, "cfg")?,
                str_in(pattern, "pattern")?,
                borrow(entry, "entry")?,
            )
        };
        let mut table =
            c.0.server_extras()
                .and_then(|x| x.sni_table.as_deref().cloned())
                .unwrap_or_default();
        table.add(p, e.0.clone())?;
        c.0.update_server_extras(|x| x.sni_table = Some(Arc::new(table)));
        Ok(())
    })
}

/// Removes every entry of the server name table (and its strict setting).
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_clear_sni_entries(cfg: *mut qssl_config_t) -> qssl_status_t {
    boundary::status_pure("qssl_config_clear_sni_entries", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { borrow_mut(cfg, "cfg") }?;
        if c.0.server_extras().is_some_and(|x| x.sni_table.is_some()) {
            c.0.update_server_extras(|x| x.sni_table = None);
        }
        Ok(())
    })
}

/// With `strict` true, a client asking for a name that no entry of the
/// server name table matches (and no `*` entry) is refused with the
/// `unrecognized_name` alert instead of being served by the listening
/// configuration; so is a client that sends no name, unless there is a `*`
/// entry. Default: false.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_sni_strict(
    cfg: *mut qssl_config_t,
    strict: bool,
) -> qssl_status_t {
    boundary::status_pure("qssl_config_set_sni_strict", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { borrow_mut(cfg, "cfg") }?;
        let mut table: SniTable =
            c.0.server_extras()
                .and_then(|x| x.sni_table.as_deref().cloned())
                .unwrap_or_default();
        table.strict = strict;
        c.0.update_server_extras(|x| x.sni_table = Some(Arc::new(table)));
        Ok(())
    })
}

fn set_keys(c: &mut SslConfiguration, keys: Option<TicketKeys>) {
    let keys = keys.map(Arc::new);
    c.update_server_extras(|x| x.ticket_keys = keys);
}

/// Sets the keys that encrypt and decrypt this server's session tickets
/// (TLS 1.2 tickets and TLS 1.3 resumption), so that every server of a
/// fleet given the same keys resumes the others' sessions. `keys` holds one
/// or more keys of 80 bytes in the layout of nginx's
/// `ssl_session_ticket_key` file (16-byte name, 32-byte HMAC-SHA256 key,
/// 32-byte AES-256-CBC key), or of 48 bytes (name, AES-128 key, HMAC key).
/// The first key encrypts new tickets; every key decrypts. A ticket under
/// an older key resumes and is renewed under the first; a ticket under a
/// key no longer listed gives a full handshake, never a failure. Setting
/// new keys (rotation) affects connections made afterwards; connections
/// already made keep theirs. `(NULL, 0)` returns to the default: random
/// keys of this process's own. The bytes are copied; qssl wipes its copies
/// when released. Errors: a length that is not a whole number of 80-byte
/// (or 48-byte) keys (QSSL_STATUS_INVALID_ARGUMENT). Not part of
/// qssl_config_equal(). Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_session_ticket_keys(
    cfg: *mut qssl_config_t,
    keys: *const u8,
    len: usize,
) -> qssl_status_t {
    boundary::status("qssl_config_set_session_ticket_keys", || {
        // SAFETY: NULL or a live handle; `keys` valid for `len` bytes.
        let (c, b) = unsafe { (borrow_mut(cfg, "cfg")?, slice_in(keys, len, "keys")?) };
        let parsed = if b.is_empty() {
            None
        } else {
            Some(TicketKeys::from_nginx_bytes(b)?)
        };
        set_keys(&mut c.0, parsed);
        Ok(())
    })
}

/// Reads session ticket keys from a file, as qssl_config_set_session_ticket_keys():
/// either nginx's binary file (one or more 80- or 48-byte keys, the first
/// encrypts) or HAProxy's `tls-ticket-keys` text file (one base64 key per
/// line in HAProxy's layout: name, AES key, HMAC key; as in HAProxy the
/// next-to-last line encrypts, so a fleet can append a new key everywhere
/// before it starts encrypting). Reading the file again later and setting
/// the result rotates the keys without a restart. The bytes read are wiped
/// after parsing. Errors: NULL arguments, a file that cannot be read
/// (QSSL_STATUS_IO), a malformed file (QSSL_STATUS_INVALID_ARGUMENT).
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_session_ticket_keys_from_file(
    cfg: *mut qssl_config_t,
    path: *const c_char,
) -> qssl_status_t {
    boundary::status("qssl_config_set_session_ticket_keys_from_file", || {
        // SAFETY: NULL or a live handle and a NUL-terminated path.
        let (c, p) = unsafe { (borrow_mut(cfg, "cfg")?, str_in(path, "path")?) };
        let mut raw = std::fs::read(p)
            .map_err(|e| Error::Io(format!("cannot read the ticket key file '{p}': {e}")))?;
        let parsed = TicketKeys::from_file_bytes(&raw);
        crate::model::bytes::wipe_bytes(&mut raw);
        set_keys(&mut c.0, Some(parsed?));
        Ok(())
    })
}

/// Registers a key log callback (see qssl_keylog_callback_t): every
/// connection made from this configuration, client or server, and every
/// copy made afterwards, hands it the secrets of each handshake as NSS key
/// log lines, which let anyone holding them decrypt the recorded traffic.
/// For debugging only: off unless set. On a server it also covers the
/// connections SNI hands to another configuration, unless that one has a
/// key log of its own. `user_data_free`,
/// if not NULL, is called exactly once with `user_data` when the last
/// holder of the registration lets go or it is replaced (also when this
/// call fails). `callback` NULL removes it. Not part of qssl_config_equal().
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `cfg`).
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_config_set_keylog_callback(
    cfg: *mut qssl_config_t,
    callback: qssl_keylog_callback_t,
    user_data: *mut c_void,
    user_data_free: Option<unsafe extern "C" fn(*mut c_void)>,
) -> qssl_status_t {
    boundary::status("qssl_config_set_keylog_callback", || {
        let user = UserData {
            data: user_data,
            free: user_data_free,
        };
        // SAFETY: NULL or a live handle.
        let (c, user) = unsafe { cfg_for_registration(cfg, user) }?;
        let handler = callback
            .map(|callback| Arc::new(CKeylogHandler { callback, user }) as Arc<dyn KeylogHandler>);
        c.update_server_extras(|x| x.keylog = handler);
        Ok(())
    })
}

/// Writes a new handle to the configuration serving this connection to
/// `*out` (free it with qssl_config_free()): on a server, the one SNI chose
/// (qssl_config_set_sni_callback(), qssl_config_add_sni_entry()), otherwise
/// the one the connection was made from. Compare it with
/// qssl_config_equal(). Valid from the end of the client hello; the
/// session state (qssl_conn_ssl_configuration()) is built on it.
/// Errors: QSSL_STATUS_NULL_ARGUMENT (NULL `conn` or `out`).
/// Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_serving_configuration(
    conn: *const qssl_conn_t,
    out: *mut *mut qssl_config_t,
) -> qssl_status_t {
    boundary::status("qssl_conn_serving_configuration", || {
        // SAFETY: NULL or valid pointers.
        unsafe { reset_out(out, "out") }?;
        // SAFETY: NULL or a live handle.
        let c = unsafe { borrow(conn, "conn") }?;
        let cfg = c.0.serving_configuration();
        // SAFETY: checked by reset_out.
        unsafe { write_out(out, qssl_config_t(cfg)) };
        Ok(())
    })
}

/// The server name of this connection's SNI, as text: on a server, the name
/// the client asked for (empty when it sent none, or before the client
/// hello); on a client, the name it sends. Text out: `*out_len` receives the
/// length, `buf` needs `*out_len + 1` bytes (QSSL_STATUS_BUFFER_TOO_SMALL
/// otherwise; `buf` may be NULL when `cap` is 0). Beyond Qt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_conn_requested_server_name(
    conn: *const qssl_conn_t,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_conn_requested_server_name", || {
        // SAFETY: NULL or a live handle.
        let c = unsafe { borrow(conn, "conn") }?;
        let name = c.0.requested_server_name().unwrap_or_default();
        // SAFETY: caller guarantees on the output buffer.
        unsafe { text_out(&name, buf, cap, out_len) }
    })
}
