//! Direct calls into `openssl-sys` where the `openssl` crate has no safe wrapper.
//! Every `unsafe` block here carries its justification.

/// Discards everything on the calling thread's OpenSSL error queue, including
/// the location and text strings that popping an entry (`ERR_get_error`)
/// leaves in its slot. The boundary calls it only when an error is queued
/// (`ffi::boundary::settle_error_queue`); code that drains the queue into an
/// error value calls it afterwards.
pub(crate) fn clear_error_queue() {
    // SAFETY: ERR_clear_error has no preconditions; it only touches the
    // calling thread's error queue.
    unsafe { openssl_sys::ERR_clear_error() }
}

/// Leaves the calling thread's OpenSSL error queue empty, cheaply: one
/// `ERR_peek_error` (about 150 instructions: the thread-state lookup) and the
/// full [`clear_error_queue`] (about 840: it resets all 16 slots) only when
/// an error is queued. OpenSSL never queues an error with code 0 (a library
/// or the system flag is always set), so a peek of 0 is an empty queue.
pub(crate) fn settle_error_queue() {
    unsafe extern "C" {
        fn ERR_peek_error() -> std::ffi::c_ulong;
    }
    // SAFETY: ERR_peek_error has no preconditions; it only reads the calling
    // thread's error queue.
    if unsafe { ERR_peek_error() } != 0 {
        clear_error_queue();
    }
}

/// The cipher suites an `SSL` object would offer (`SSL_get_ciphers`), as
/// OpenSSL's own cipher objects. Empty if OpenSSL returns NULL.
pub(crate) fn ssl_ciphers(ssl: &openssl::ssl::SslRef) -> Vec<&openssl::ssl::SslCipherRef> {
    use foreign_types::ForeignTypeRef;
    // SAFETY: `ssl` is a live SSL; SSL_get_ciphers returns a stack owned by
    // the SSL (or its context), valid while `ssl` is borrowed.
    let ptr = unsafe { SSL_get_ciphers(ssl.as_ptr()) };
    if ptr.is_null() {
        return Vec::new();
    }
    // SAFETY: non-NULL stack owned by `ssl`, borrowed for its lifetime.
    let stack = unsafe { openssl::stack::StackRef::<openssl::ssl::SslCipher>::from_ptr(ptr) };
    stack.iter().collect()
}

/// The TLS 1.3 suites an `SSL` object would offer (`SSL_get_ciphers`), in
/// order, without collecting the list: a TLS 1.3 suite's IANA id is 0x13xx,
/// read from the cipher object (no name or version string per suite).
pub(crate) fn ssl_tls13_ciphers(
    ssl: &openssl::ssl::SslRef,
) -> impl Iterator<Item = &openssl::ssl::SslCipherRef> {
    use foreign_types::ForeignTypeRef;
    // SAFETY: `ssl` is a live SSL; SSL_get_ciphers returns a stack owned by
    // the SSL (or its context), valid while `ssl` is borrowed.
    let ptr = unsafe { SSL_get_ciphers(ssl.as_ptr()) };
    let stack = (!ptr.is_null()).then(|| {
        // SAFETY: non-NULL stack owned by `ssl`, borrowed for its lifetime.
        unsafe { openssl::stack::StackRef::<openssl::ssl::SslCipher>::from_ptr(ptr) }
    });
    stack
        .into_iter()
        .flat_map(|s| s.iter())
        .filter(|c| c.protocol_id()[0] == 0x13)
}

// ---------------------------------------------------------------------------
// Elliptic curves and DH parameters (QSslEllipticCurve,
// QSslDiffieHellmanParameters): object-name lookups, OpenSSL's built-in curve
// table and DH_check, none of which the `openssl` crate wraps.

/// `OBJ_sn2nid`: the NID of an object's short name, 0 if unknown.
pub(crate) fn obj_sn2nid(name: &std::ffi::CStr) -> i32 {
    // SAFETY: `name` is a valid NUL-terminated string for the call; OBJ_sn2nid
    // only reads it and returns NID_undef (0) for unknown names.
    unsafe { openssl_sys::OBJ_sn2nid(name.as_ptr()) }
}

/// `OBJ_ln2nid`: the NID of an object's long name, 0 if unknown.
pub(crate) fn obj_ln2nid(name: &std::ffi::CStr) -> i32 {
    // SAFETY: as for obj_sn2nid.
    unsafe { OBJ_ln2nid(name.as_ptr()) }
}

/// `EC_curve_nist2nid`: the NID of a NIST curve name ("P-256"), 0 if unknown.
pub(crate) fn ec_curve_nist2nid(name: &std::ffi::CStr) -> i32 {
    // SAFETY: `name` is a valid NUL-terminated string; the function compares
    // it against a static table and returns NID_undef (0) when absent.
    unsafe { EC_curve_nist2nid(name.as_ptr()) }
}

/// The NIDs of OpenSSL's built-in elliptic curve table
/// (`EC_get_builtin_curves`), in table order.
pub(crate) fn ec_builtin_curve_nids() -> Vec<i32> {
    // SAFETY: with a NULL array and 0 items the function only returns the
    // number of built-in curves.
    let n = unsafe { EC_get_builtin_curves(std::ptr::null_mut(), 0) };
    let mut curves = vec![
        EcBuiltinCurve {
            nid: 0,
            comment: std::ptr::null(),
        };
        n
    ];
    // SAFETY: `curves` holds `n` writable entries of the C layout; OpenSSL
    // writes at most `n` of them and returns the total count.
    let total = unsafe { EC_get_builtin_curves(curves.as_mut_ptr(), n) };
    curves.truncate(total.min(n));
    curves.into_iter().map(|c| c.nid).collect()
}

/// `DH_check` on DH parameters: the check flags (`DH_CHECK_*`), or `None`
/// when OpenSSL could not run the check.
pub(crate) fn dh_check<T>(dh: &openssl::dh::DhRef<T>) -> Option<i32> {
    use foreign_types::ForeignTypeRef;
    let mut codes: std::ffi::c_int = 0;
    // SAFETY: `dh` is a live DH object borrowed for the call; DH_check only
    // reads it and writes the flags into `codes`.
    let ok = unsafe { openssl_sys::DH_check(dh.as_ptr(), &mut codes) };
    (ok == 1).then_some(codes)
}

/// `DH_check` flag: p is not prime.
pub(crate) const DH_CHECK_P_NOT_PRIME: i32 = 0x01;
/// `DH_check` flag: p is not a safe prime.
pub(crate) const DH_CHECK_P_NOT_SAFE_PRIME: i32 = 0x02;
/// `DH_check` flag: the generator is not suitable.
pub(crate) const DH_NOT_SUITABLE_GENERATOR: i32 = 0x08;

/// Declarations of libcrypto functions that openssl-sys does not bind, kept
/// in their own module so that cbindgen leaves them out of the C header.
///
/// cbindgen:ignore
mod sys {
    /// The C layout of OpenSSL's `EC_builtin_curve`.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub(super) struct EcBuiltinCurve {
        pub(super) nid: std::ffi::c_int,
        pub(super) comment: *const std::ffi::c_char,
    }

    unsafe extern "C" {
        pub(super) fn OBJ_ln2nid(s: *const std::ffi::c_char) -> std::ffi::c_int;
        pub(super) fn EC_curve_nist2nid(name: *const std::ffi::c_char) -> std::ffi::c_int;
        pub(super) fn EC_get_builtin_curves(r: *mut EcBuiltinCurve, nitems: usize) -> usize;
        // libssl (linked by openssl-sys already).
        pub(super) fn SSL_get_ciphers(
            ssl: *const openssl_sys::SSL,
        ) -> *mut openssl_sys::stack_st_SSL_CIPHER;
    }
}
use sys::{EC_curve_nist2nid, EC_get_builtin_curves, EcBuiltinCurve, OBJ_ln2nid, SSL_get_ciphers};

/// OpenSSL's compiled-in default CA file and directory
/// (`X509_get_default_cert_file`, `X509_get_default_cert_dir`).
pub(crate) fn default_cert_locations() -> (String, String) {
    // SAFETY: both functions return pointers to static NUL-terminated strings.
    unsafe {
        let file = std::ffi::CStr::from_ptr(X509_get_default_cert_file());
        let dir = std::ffi::CStr::from_ptr(X509_get_default_cert_dir());
        (
            file.to_string_lossy().into_owned(),
            dir.to_string_lossy().into_owned(),
        )
    }
}

unsafe extern "C" {
    /// A new BIO type number for a BIO_METHOD of qssl's (-1 when OpenSSL has
    /// none left).
    pub(crate) fn BIO_get_new_index() -> std::ffi::c_int;
}

unsafe extern "C" {
    fn X509_get_default_cert_file() -> *const std::ffi::c_char;
    fn X509_get_default_cert_dir() -> *const std::ffi::c_char;
}

// ---- engine glue: declarations openssl-sys lacks ---------------------------

use std::ffi::{c_char, c_int, c_uint};

use openssl_sys::{EVP_MD, SSL, SSL_CIPHER, SSL_CTX, SSL_SESSION, X509_STORE};

/// `SSL_set_psk_client_callback`'s callback type.
pub(crate) type PskClientCb = unsafe extern "C" fn(
    ssl: *mut SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut u8,
    max_psk_len: c_uint,
) -> c_uint;
/// `SSL_set_psk_server_callback`'s callback type.
pub(crate) type PskServerCb = unsafe extern "C" fn(
    ssl: *mut SSL,
    identity: *const c_char,
    psk: *mut u8,
    max_psk_len: c_uint,
) -> c_uint;
/// `SSL_set_psk_use_session_callback`'s callback type (TLS 1.3 client).
pub(crate) type PskUseSessionCb = unsafe extern "C" fn(
    ssl: *mut SSL,
    md: *const EVP_MD,
    id: *mut *const u8,
    idlen: *mut usize,
    sess: *mut *mut SSL_SESSION,
) -> c_int;
/// `SSL_set_psk_find_session_callback`'s callback type (TLS 1.3 server).
pub(crate) type PskFindSessionCb = unsafe extern "C" fn(
    ssl: *mut SSL,
    identity: *const u8,
    identity_len: usize,
    sess: *mut *mut SSL_SESSION,
) -> c_int;
/// `SSL_CTX_set_info_callback`'s callback type.
pub(crate) type InfoCb = unsafe extern "C" fn(ssl: *const SSL, where_: c_int, ret: c_int);

#[allow(non_camel_case_types)]
pub(crate) enum SSL_CONF_CTX {}

unsafe extern "C" {
    pub(crate) fn SSL_set_psk_client_callback(ssl: *mut SSL, cb: Option<PskClientCb>);
    pub(crate) fn SSL_set_psk_server_callback(ssl: *mut SSL, cb: Option<PskServerCb>);
    pub(crate) fn SSL_set_psk_use_session_callback(ssl: *mut SSL, cb: Option<PskUseSessionCb>);
    pub(crate) fn SSL_set_psk_find_session_callback(ssl: *mut SSL, cb: Option<PskFindSessionCb>);
    pub(crate) fn SSL_CTX_set_info_callback(ctx: *mut SSL_CTX, cb: Option<InfoCb>);
    pub(crate) fn SSL_CTX_use_psk_identity_hint(ctx: *mut SSL_CTX, hint: *const c_char) -> c_int;
    pub(crate) fn SSL_get_pending_cipher(ssl: *const SSL) -> *const SSL_CIPHER;
    pub(crate) fn SSL_CIPHER_get_handshake_digest(c: *const SSL_CIPHER) -> *const EVP_MD;
    pub(crate) fn SSL_SESSION_new() -> *mut SSL_SESSION;
    pub(crate) fn SSL_SESSION_free(s: *mut SSL_SESSION);
    pub(crate) fn SSL_SESSION_set1_master_key(
        s: *mut SSL_SESSION,
        key: *const u8,
        len: usize,
    ) -> c_int;
    pub(crate) fn SSL_SESSION_set_cipher(s: *mut SSL_SESSION, c: *const SSL_CIPHER) -> c_int;
    pub(crate) fn SSL_SESSION_set_protocol_version(s: *mut SSL_SESSION, v: c_int) -> c_int;
    pub(crate) fn SSL_CONF_CTX_new() -> *mut SSL_CONF_CTX;
    pub(crate) fn SSL_CONF_CTX_free(c: *mut SSL_CONF_CTX);
    pub(crate) fn SSL_CONF_CTX_set_flags(c: *mut SSL_CONF_CTX, flags: c_uint) -> c_uint;
    pub(crate) fn SSL_CONF_CTX_set_ssl_ctx(c: *mut SSL_CONF_CTX, ctx: *mut SSL_CTX);
    pub(crate) fn SSL_CONF_cmd(
        c: *mut SSL_CONF_CTX,
        cmd: *const c_char,
        value: *const c_char,
    ) -> c_int;
    pub(crate) fn SSL_CONF_CTX_finish(c: *mut SSL_CONF_CTX) -> c_int;
    pub(crate) fn X509_STORE_up_ref(s: *mut X509_STORE) -> c_int;
    pub(crate) fn SSL_get_ex_data_X509_STORE_CTX_idx() -> c_int;
    pub(crate) fn SSL_alert_desc_string_long(value: c_int) -> *const c_char;
    pub(crate) fn SSL_CTX_set_psk_use_session_callback(
        ctx: *mut SSL_CTX,
        cb: Option<PskUseSessionCb>,
    );
    pub(crate) fn SSL_CTX_set_psk_find_session_callback(
        ctx: *mut SSL_CTX,
        cb: Option<PskFindSessionCb>,
    );
    pub(crate) fn SSL_set_info_callback(ssl: *mut SSL, cb: Option<InfoCb>);
    pub(crate) fn SSL_set_verify_depth(ssl: *mut SSL, depth: c_int);
    pub(crate) fn SSL_in_before(ssl: *const SSL) -> c_int;
    pub(crate) fn X509_STORE_CTX_get0_param(
        ctx: *const openssl_sys::X509_STORE_CTX,
    ) -> *mut openssl_sys::X509_VERIFY_PARAM;
    pub(crate) fn X509_VERIFY_PARAM_get0_host(
        param: *mut openssl_sys::X509_VERIFY_PARAM,
        idx: c_int,
    ) -> *const c_char;
    pub(crate) fn X509_VERIFY_PARAM_get0_email(
        param: *mut openssl_sys::X509_VERIFY_PARAM,
    ) -> *const c_char;
    pub(crate) fn ERR_set_mark() -> c_int;
    pub(crate) fn ERR_pop_to_mark() -> c_int;
    pub(crate) fn X509_VERIFY_PARAM_get1_ip_asc(
        param: *mut openssl_sys::X509_VERIFY_PARAM,
    ) -> *mut c_char;
}

/// `SSL_CTX_set_tlsext_status_type` (a macro in C).
///
/// # Safety
/// `ctx` must be a live context.
pub(crate) unsafe fn ctx_request_ocsp(ctx: *mut SSL_CTX) {
    // SAFETY: live context per the caller; the control only sets a field.
    unsafe {
        openssl_sys::SSL_CTX_ctrl(
            ctx,
            openssl_sys::SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE,
            openssl_sys::TLSEXT_STATUSTYPE_ocsp as std::ffi::c_long,
            std::ptr::null_mut(),
        );
    }
}

/// SSL_CONF_CTX flags.
pub(crate) const SSL_CONF_FLAG_FILE: c_uint = 0x2;
pub(crate) const SSL_CONF_FLAG_CLIENT: c_uint = 0x4;
pub(crate) const SSL_CONF_FLAG_SERVER: c_uint = 0x8;
pub(crate) const SSL_CONF_FLAG_SHOW_ERRORS: c_uint = 0x10;
pub(crate) const SSL_CONF_FLAG_CERTIFICATE: c_uint = 0x20;
/// Info callback bits.
pub(crate) const SSL_CB_READ: c_int = 0x04;
pub(crate) const SSL_CB_WRITE: c_int = 0x08;
pub(crate) const SSL_CB_ALERT: c_int = 0x4000;
pub(crate) const SSL_CB_HANDSHAKE_START: c_int = 0x10;
/// PSK_MAX_PSK_LEN of OpenSSL 3.
pub(crate) const PSK_MAX_PSK_LEN: usize = 512;
/// PSK_MAX_IDENTITY_LEN of OpenSSL 3.
pub(crate) const PSK_MAX_IDENTITY_LEN: usize = 256;

/// Makes `ctx` use `store` (shared: its reference count is raised).
pub(crate) fn ctx_share_cert_store(
    ctx: &mut openssl::ssl::SslContextBuilder,
    store: &openssl::x509::store::X509StoreRef,
) {
    use foreign_types::ForeignTypeRef;
    // SAFETY: both are live; up_ref gives the context its own reference, which
    // SSL_CTX_set_cert_store takes over (freeing the previous store).
    unsafe {
        X509_STORE_up_ref(store.as_ptr());
        openssl_sys::SSL_CTX_set_cert_store(ctx.as_ptr(), store.as_ptr());
    }
}

/// Text of a TLS alert description ("handshake failure", ...).
pub(crate) fn alert_text(desc: i32) -> String {
    // SAFETY: returns a pointer to a static string for any value.
    let p = unsafe { SSL_alert_desc_string_long(desc) };
    if p.is_null() {
        return format!("alert {desc}");
    }
    // SAFETY: non-NULL static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned()
}

/// `SSL_SESSION_get_ticket_lifetime_hint` (seconds; 0 for a session without a ticket).
pub(crate) fn ticket_lifetime_hint(s: &openssl::ssl::SslSessionRef) -> i32 {
    use foreign_types::ForeignTypeRef;
    // SAFETY: live session, read-only accessor.
    let v = unsafe { SSL_SESSION_get_ticket_lifetime_hint(s.as_ptr()) };
    i32::try_from(v).unwrap_or(i32::MAX)
}

unsafe extern "C" {
    fn SSL_SESSION_get_ticket_lifetime_hint(s: *const SSL_SESSION) -> std::ffi::c_ulong;
}

// ---------------------------------------------------------------------------
// Certificates and keys (added by the cert/key area).
// ---------------------------------------------------------------------------

pub(crate) use certkey::*;

/// Glue for certificates and keys: passphrase-aware key readers, wiping,
/// raw accessors the `openssl` crate lacks. Kept in one module (with its own
/// imports) and hidden from cbindgen so its extern declarations stay out of
/// the C header.
///
/// cbindgen:ignore
mod certkey {
    use std::ffi::{c_char, c_int, c_long, c_void};

    use foreign_types::{ForeignType, ForeignTypeRef};
    use openssl::asn1::Asn1IntegerRef;
    use openssl::error::ErrorStack;
    use openssl::pkcs12::Pkcs12Ref;
    use openssl::pkey::{PKey, Private, Public};
    use openssl::x509::{GeneralNameRef, X509};

    unsafe extern "C" {
        fn OPENSSL_cleanse(ptr: *mut c_void, len: usize);
        fn X509_STORE_CTX_set_verify_cb(
            ctx: *mut openssl_sys::X509_STORE_CTX,
            cb: Option<unsafe extern "C" fn(c_int, *mut openssl_sys::X509_STORE_CTX) -> c_int>,
        );
    }

    /// Overwrites `buf` with zeros in a way the optimiser may not remove.
    pub(crate) fn cleanse(buf: &mut [u8]) {
        if buf.is_empty() {
            return;
        }
        // SAFETY: `buf` is a valid, exclusively borrowed region of buf.len() bytes.
        unsafe { OPENSSL_cleanse(buf.as_mut_ptr().cast(), buf.len()) }
    }

    /// Overwrites the whole allocation of `v` (its length and its spare
    /// capacity) with zeros.
    pub(crate) fn cleanse_vec(v: &mut Vec<u8>) {
        let cap = v.capacity();
        if cap == 0 {
            return;
        }
        // SAFETY: the Vec owns an allocation of `cap` bytes starting at as_mut_ptr;
        // writing bytes into the spare capacity is allowed (it stays uninitialised
        // from the Vec's point of view, which is fine for u8).
        unsafe { OPENSSL_cleanse(v.as_mut_ptr().cast(), cap) }
    }

    /// A read-only memory BIO over a borrowed slice, freed on drop.
    struct MemBuf<'a> {
        bio: *mut openssl_sys::BIO,
        _data: std::marker::PhantomData<&'a [u8]>,
    }

    impl<'a> MemBuf<'a> {
        fn new(data: &'a [u8]) -> Result<Self, ErrorStack> {
            let len = c_int::try_from(data.len()).map_err(|_| ErrorStack::get())?;
            openssl_sys::init();
            // SAFETY: BIO_new_mem_buf makes a read-only BIO that points into
            // `data`; the PhantomData ties the BIO's lifetime to the borrow.
            let bio = unsafe { openssl_sys::BIO_new_mem_buf(data.as_ptr().cast(), len) };
            if bio.is_null() {
                return Err(ErrorStack::get());
            }
            Ok(MemBuf {
                bio,
                _data: std::marker::PhantomData,
            })
        }
    }

    impl Drop for MemBuf<'_> {
        fn drop(&mut self) {
            // SAFETY: `bio` came from BIO_new_mem_buf and is freed exactly once.
            unsafe { openssl_sys::BIO_free_all(self.bio) }
        }
    }

    /// State of the passphrase callback: the passphrase to hand out and whether
    /// OpenSSL asked for one (that is, whether the input was encrypted).
    struct PassState<'a> {
        pass: &'a [u8],
        asked: bool,
        too_long: bool,
    }

    /// OpenSSL passphrase callback: copies the passphrase bytes (which may be
    /// empty) and never prompts on a terminal.
    unsafe extern "C" fn pass_cb(
        buf: *mut c_char,
        size: c_int,
        _rwflag: c_int,
        user: *mut c_void,
    ) -> c_int {
        if user.is_null() || buf.is_null() {
            return -1;
        }
        // SAFETY: `user` is the PassState handed to the read call below, alive
        // and not otherwise borrowed while OpenSSL runs the callback.
        let state = unsafe { &mut *user.cast::<PassState<'_>>() };
        state.asked = true;
        let cap = usize::try_from(size).unwrap_or(0);
        if state.pass.len() > cap {
            state.too_long = true;
            return -1;
        }
        // SAFETY: OpenSSL gives a writable buffer of `size` bytes; we copy at
        // most that many from the borrowed passphrase.
        unsafe {
            std::ptr::copy_nonoverlapping(state.pass.as_ptr(), buf.cast::<u8>(), state.pass.len())
        };
        // The length fits: it is at most `size`, a c_int.
        state.pass.len() as c_int
    }

    /// The outcome of reading a private key that may be encrypted.
    pub(crate) struct KeyRead {
        /// The key, or OpenSSL's errors.
        pub(crate) result: Result<PKey<Private>, ErrorStack>,
        /// OpenSSL asked for a passphrase: the input was encrypted.
        pub(crate) asked_passphrase: bool,
        /// The passphrase was longer than OpenSSL's buffer.
        pub(crate) passphrase_too_long: bool,
    }

    fn take_pkey<T>(p: *mut openssl_sys::EVP_PKEY) -> Result<PKey<T>, ErrorStack> {
        if p.is_null() {
            Err(ErrorStack::get())
        } else {
            // SAFETY: a non-NULL EVP_PKEY returned by OpenSSL with ownership.
            Ok(unsafe { PKey::from_ptr(p) })
        }
    }

    /// Reads the first private key in PEM text (PKCS#8, encrypted PKCS#8 or a
    /// traditional "RSA/EC/DSA PRIVATE KEY" block, skipping other blocks), with
    /// `pass` for encrypted ones. Never prompts.
    pub(crate) fn pem_read_private_key(pem: &[u8], pass: &[u8]) -> KeyRead {
        let mut state = PassState {
            pass,
            asked: false,
            too_long: false,
        };
        let result = MemBuf::new(pem).and_then(|bio| {
            // SAFETY: `bio` is live; the callback gets a pointer to `state`,
            // which outlives the call.
            let p = unsafe {
                openssl_sys::PEM_read_bio_PrivateKey(
                    bio.bio,
                    std::ptr::null_mut(),
                    Some(pass_cb),
                    (&raw mut state).cast(),
                )
            };
            take_pkey(p)
        });
        KeyRead {
            result,
            asked_passphrase: state.asked,
            passphrase_too_long: state.too_long,
        }
    }

    /// Reads the first public key (SubjectPublicKeyInfo, "PUBLIC KEY") in PEM
    /// text. Never prompts.
    pub(crate) fn pem_read_public_key(pem: &[u8]) -> Result<PKey<Public>, ErrorStack> {
        let mut state = PassState {
            pass: b"",
            asked: false,
            too_long: false,
        };
        let bio = MemBuf::new(pem)?;
        // SAFETY: as in pem_read_private_key.
        let p = unsafe {
            openssl_sys::PEM_read_bio_PUBKEY(
                bio.bio,
                std::ptr::null_mut(),
                Some(pass_cb),
                (&raw mut state).cast(),
            )
        };
        take_pkey(p)
    }

    /// Decrypts a DER EncryptedPrivateKeyInfo (encrypted PKCS#8) with `pass`.
    pub(crate) fn der_read_encrypted_pkcs8(der: &[u8], pass: &[u8]) -> KeyRead {
        let mut state = PassState {
            pass,
            asked: false,
            too_long: false,
        };
        let result = MemBuf::new(der).and_then(|bio| {
            // SAFETY: as in pem_read_private_key.
            let p = unsafe {
                openssl_sys::d2i_PKCS8PrivateKey_bio(
                    bio.bio,
                    std::ptr::null_mut(),
                    Some(pass_cb),
                    (&raw mut state).cast(),
                )
            };
            take_pkey(p)
        });
        KeyRead {
            result,
            asked_passphrase: state.asked,
            passphrase_too_long: state.too_long,
        }
    }

    /// Re-labels a public key with the `Private` type state. OpenSSL has one
    /// EVP_PKEY type; private-key operations on it simply fail.
    pub(crate) fn public_as_private(key: PKey<Public>) -> PKey<Private> {
        let ptr = key.as_ptr();
        std::mem::forget(key);
        // SAFETY: we transfer the one reference `key` owned (it was forgotten,
        // so it is not freed twice); the C object is the same EVP_PKEY.
        unsafe { PKey::from_ptr(ptr) }
    }

    /// The content bytes of an ASN.1 INTEGER, as OpenSSL stores them (the
    /// magnitude, big-endian).
    pub(crate) fn asn1_integer_bytes(i: &Asn1IntegerRef) -> &[u8] {
        let s = i.as_ptr().cast::<openssl_sys::ASN1_STRING>();
        // SAFETY: an ASN1_INTEGER is an ASN1_STRING in OpenSSL; both calls only
        // read it, and the data lives as long as the borrowed integer.
        unsafe {
            let data = openssl_sys::ASN1_STRING_get0_data(s);
            let len = usize::try_from(openssl_sys::ASN1_STRING_length(s)).unwrap_or(0);
            if data.is_null() || len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(data, len)
            }
        }
    }

    /// The kind (GEN_DNS, GEN_EMAIL, GEN_IPADD, ...) of a general name and, for
    /// the string-valued kinds (email, DNS, URI) and IP addresses, its raw bytes.
    pub(crate) fn general_name_raw(name: &GeneralNameRef) -> (c_int, &[u8]) {
        let p = name.as_ptr().cast::<openssl_sys::GENERAL_NAME>();
        // SAFETY: `p` is a live GENERAL_NAME; for the kinds we read, `d` is an
        // ASN1_STRING (IA5String or OCTET STRING) owned by the name.
        unsafe {
            let kind = (*p).type_;
            match kind {
                openssl_sys::GEN_EMAIL
                | openssl_sys::GEN_DNS
                | openssl_sys::GEN_URI
                | openssl_sys::GEN_IPADD => {
                    let s = (*p).d.cast::<openssl_sys::ASN1_STRING>();
                    if s.is_null() {
                        return (kind, &[]);
                    }
                    let data = openssl_sys::ASN1_STRING_get0_data(s);
                    let len = usize::try_from(openssl_sys::ASN1_STRING_length(s)).unwrap_or(0);
                    if data.is_null() || len == 0 {
                        (kind, &[])
                    } else {
                        (kind, std::slice::from_raw_parts(data, len))
                    }
                }
                _ => (kind, &[]),
            }
        }
    }

    /// Parses one DER certificate at the start of `der` (trailing bytes are
    /// ignored) and returns it with the number of bytes it took.
    pub(crate) fn d2i_x509_prefix(der: &[u8]) -> Result<(X509, usize), ErrorStack> {
        let len = c_long::try_from(der.len()).unwrap_or(c_long::MAX);
        let mut p = der.as_ptr();
        openssl_sys::init();
        // SAFETY: d2i_X509 reads at most `len` bytes from `p` and advances it.
        let x = unsafe { openssl_sys::d2i_X509(std::ptr::null_mut(), &mut p, len) };
        if x.is_null() {
            return Err(ErrorStack::get());
        }
        // SAFETY: `p` was advanced inside `der` by d2i_X509.
        let used = usize::try_from(unsafe { p.offset_from(der.as_ptr()) }).unwrap_or(der.len());
        // SAFETY: a non-NULL X509 owned by us.
        Ok((unsafe { X509::from_ptr(x) }, used.min(der.len())))
    }

    /// What PKCS12_parse found.
    pub(crate) struct Pkcs12Parts {
        pub(crate) key: Option<PKey<Private>>,
        pub(crate) cert: Option<X509>,
        pub(crate) ca: Vec<X509>,
    }

    /// PKCS12_parse with a NUL-terminated passphrase `pass_nul` (the caller
    /// keeps, and wipes, the buffer).
    pub(crate) fn pkcs12_parse(
        p12: &Pkcs12Ref,
        pass_nul: &[u8],
    ) -> Result<Pkcs12Parts, ErrorStack> {
        if pass_nul.last() != Some(&0) || pass_nul[..pass_nul.len() - 1].contains(&0) {
            return Err(ErrorStack::get());
        }
        let mut pkey = std::ptr::null_mut();
        let mut cert = std::ptr::null_mut();
        let mut ca = std::ptr::null_mut();
        // SAFETY: `p12` is live; `pass_nul` is NUL-terminated; the out pointers
        // receive owned objects (or stay NULL).
        let ok = unsafe {
            openssl_sys::PKCS12_parse(
                p12.as_ptr(),
                pass_nul.as_ptr().cast(),
                &mut pkey,
                &mut cert,
                &mut ca,
            )
        };
        let key = (!pkey.is_null()).then(|| {
            // SAFETY: a non-NULL key owned by us from PKCS12_parse, taken once.
            unsafe { PKey::<Private>::from_ptr(pkey) }
        });
        let cert = (!cert.is_null()).then(|| {
            // SAFETY: a non-NULL certificate owned by us, taken once.
            unsafe { X509::from_ptr(cert) }
        });
        let ca: Vec<X509> = if ca.is_null() {
            Vec::new()
        } else {
            // SAFETY: an owned STACK_OF(X509); Stack frees it and its elements.
            let stack = unsafe { openssl::stack::Stack::<X509>::from_ptr(ca) };
            stack.into_iter().collect()
        };
        if ok != 1 {
            return Err(ErrorStack::get());
        }
        Ok(Pkcs12Parts { key, cert, ca })
    }

    thread_local! {
        /// Errors the verify callback collects during one `verify_collecting`.
        static VERIFY_ERRORS: std::cell::RefCell<Vec<(i32, i32)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }

    /// Verify callback: records every error with its depth and continues,
    /// as Qt's `qt_X509Callback` does.
    unsafe extern "C" fn collect_verify_errors(
        ok: c_int,
        ctx: *mut openssl_sys::X509_STORE_CTX,
    ) -> c_int {
        if ok == 0 && !ctx.is_null() {
            // SAFETY: OpenSSL passes the live store context being verified.
            let (code, depth) = unsafe {
                (
                    openssl_sys::X509_STORE_CTX_get_error(ctx),
                    openssl_sys::X509_STORE_CTX_get_error_depth(ctx),
                )
            };
            let _ = VERIFY_ERRORS.try_with(|v| {
                if let Ok(mut v) = v.try_borrow_mut() {
                    v.push((code, depth));
                }
            });
        }
        1
    }

    /// Runs `X509_verify_cert` for `leaf` with `chain` as untrusted
    /// intermediates against `store`, continuing past every error, and
    /// returns the (X509_V_ERR code, depth) pairs in the order OpenSSL
    /// reported them.
    pub(crate) fn verify_collecting(
        store: &openssl::x509::store::X509StoreRef,
        leaf: &openssl::x509::X509Ref,
        chain: &openssl::stack::StackRef<X509>,
    ) -> Result<Vec<(i32, i32)>, ErrorStack> {
        VERIFY_ERRORS.with(|v| v.borrow_mut().clear());
        let mut ctx = openssl::x509::X509StoreContext::new()?;
        ctx.init(store, leaf, chain, |c| {
            // SAFETY: `c` is the initialised store context; the callback is a
            // plain function that never unwinds.
            unsafe { X509_STORE_CTX_set_verify_cb(c.as_ptr(), Some(collect_verify_errors)) };
            // The verdict is ignored: the collected errors are the result.
            let _ = c.verify_cert();
            Ok(())
        })?;
        Ok(VERIFY_ERRORS.with(|v| std::mem::take(&mut *v.borrow_mut())))
    }
}

// ---------------------------------------------------------------------------
// Sessions (added by the performance work).
// ---------------------------------------------------------------------------

/// An independent copy of a session (`SSL_SESSION_dup`: the certificates are
/// shared by reference count, nothing is parsed), so that what one
/// connection does to its session (OpenSSL marks it used up, or writes a
/// refused TLS 1.3 resumption's new handshake into it) never reaches
/// another. `None` if OpenSSL runs out of memory.
pub(crate) fn session_dup(s: &openssl::ssl::SslSessionRef) -> Option<openssl::ssl::SslSession> {
    use foreign_types::{ForeignType, ForeignTypeRef};
    // SAFETY: `s` is a live session; SSL_SESSION_dup only reads it and
    // returns a new session with one reference, owned by the result.
    let p = unsafe { SSL_SESSION_dup(s.as_ptr()) };
    if p.is_null() {
        clear_error_queue();
        None
    } else {
        // SAFETY: non-NULL, freshly created, its one reference moves here.
        Some(unsafe { openssl::ssl::SslSession::from_ptr(p) })
    }
}

/// The peer certificate a session holds (`SSL_SESSION_get0_peer`), borrowed
/// from it; `None` when the session has none (PSK, a server without client
/// certificates).
pub(crate) fn session_peer(s: &openssl::ssl::SslSessionRef) -> Option<&openssl::x509::X509Ref> {
    use foreign_types::ForeignTypeRef;
    // SAFETY: `s` is a live session; the certificate it returns (if any) is
    // owned by the session and lives as long as the borrow of `s`.
    unsafe {
        let p = SSL_SESSION_get0_peer(s.as_ptr());
        (!p.is_null()).then(|| openssl::x509::X509Ref::from_ptr(p))
    }
}

unsafe extern "C" {
    fn SSL_SESSION_dup(s: *const openssl_sys::SSL_SESSION) -> *mut openssl_sys::SSL_SESSION;
    fn SSL_SESSION_get0_peer(s: *mut openssl_sys::SSL_SESSION) -> *mut openssl_sys::X509;
}

/// The calling thread's OpenSSL error queue as an `ErrorStack` (the queue is
/// emptied). `openssl::error::ErrorStack::get` panics when an error's data
/// text is not UTF-8, and OpenSSL copies caller bytes there (for example the
/// value of a rejected `SSL_CONF_cmd`), so each entry is first re-raised with
/// a lossy UTF-8 copy of its text. Found by the backend fuzz target.
pub(crate) fn error_stack() -> openssl::error::ErrorStack {
    use std::ffi::{CStr, CString, c_char, c_int, c_ulong};

    unsafe extern "C" {
        fn ERR_get_error_all(
            file: *mut *const c_char,
            line: *mut c_int,
            func: *mut *const c_char,
            data: *mut *const c_char,
            flags: *mut c_int,
        ) -> c_ulong;
        fn ERR_new();
        fn ERR_set_debug(file: *const c_char, line: c_int, func: *const c_char);
        fn ERR_set_error(lib: c_int, reason: c_int, fmt: *const c_char, ...);
    }
    const ERR_TXT_STRING: c_int = 0x02;
    const ERR_SYSTEM_FLAG: c_ulong = 0x8000_0000;
    const ERR_LIB_SYS: c_int = 2;

    // OpenSSL 3 keeps a private copy of each entry's file and function
    // names in its queue slot and frees it when the slot is reused, which
    // the re-raise below does once more than half of the 16 slots were in
    // use. The ring's order makes it free only entries already re-raised,
    // but the names are copied here, like the text, so that nothing rests
    // on that order.
    struct Entry {
        code: c_ulong,
        file: Option<CString>,
        line: c_int,
        func: Option<CString>,
        text: Option<CString>,
    }
    // SAFETY (callers): `p` is NULL or a NUL-terminated string valid now.
    let copy = |p: *const c_char| -> Option<CString> {
        // SAFETY: see above; copied at once.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_owned())
    };
    let mut entries = Vec::new();
    loop {
        let (mut file, mut line, mut func, mut data, mut flags) =
            (std::ptr::null(), 0, std::ptr::null(), std::ptr::null(), 0);
        // SAFETY: all out-pointers are valid locals; the returned pointers
        // are only read before the next call on this thread's queue.
        let code =
            unsafe { ERR_get_error_all(&mut file, &mut line, &mut func, &mut data, &mut flags) };
        if code == 0 {
            break;
        }
        let text = if flags & ERR_TXT_STRING != 0 && !data.is_null() {
            // SAFETY: OpenSSL's data text is NUL-terminated; copied at once.
            let bytes = unsafe { CStr::from_ptr(data) }.to_bytes();
            CString::new(String::from_utf8_lossy(bytes).into_owned()).ok()
        } else {
            None
        };
        entries.push(Entry {
            code,
            file: copy(file),
            line,
            func: copy(func),
            text,
        });
    }
    for e in &entries {
        let (lib, reason) = if e.code & ERR_SYSTEM_FLAG != 0 {
            (ERR_LIB_SYS, (e.code & !ERR_SYSTEM_FLAG) as c_int)
        } else {
            (
                ((e.code >> 23) & 0xff) as c_int,
                (e.code & 0x7f_ffff) as c_int,
            )
        };
        let as_ptr = |c: &Option<CString>| c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
        // SAFETY: file and func are our own copies (or NULL), which OpenSSL
        // copies again; the format takes exactly one C string.
        unsafe {
            ERR_new();
            ERR_set_debug(as_ptr(&e.file), e.line, as_ptr(&e.func));
            match &e.text {
                Some(t) => ERR_set_error(lib, reason, c"%s".as_ptr(), t.as_ptr()),
                None => ERR_set_error(lib, reason, std::ptr::null()),
            }
        }
    }
    let stack = openssl::error::ErrorStack::get();
    // Popping leaves each slot's location strings allocated; free them now,
    // so that a later check of an empty queue has nothing left to clear.
    clear_error_queue();
    stack
}

// ---------------------------------------------------------------------------
// The library statics of QSslSocket (added for issue 12).
// ---------------------------------------------------------------------------

/// `OpenSSL_version_num()` of the library qssl runs on.
pub(crate) fn runtime_version_number() -> i64 {
    // SAFETY: a plain accessor without arguments.
    i64::try_from(unsafe { openssl_sys::OpenSSL_version_num() }).unwrap_or(i64::MAX)
}

/// `OpenSSL_version(OPENSSL_VERSION)` of the library qssl runs on.
pub(crate) fn runtime_version_text() -> &'static str {
    // SAFETY: OpenSSL_version returns NULL or a static NUL-terminated string
    // that lives as long as the process.
    let p = unsafe { openssl_sys::OpenSSL_version(openssl_sys::OPENSSL_VERSION) };
    if p.is_null() {
        return "";
    }
    // SAFETY: non-NULL static C string, as above.
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_str()
        .unwrap_or("")
}

/// Makes sure libssl is initialised (`OPENSSL_init_ssl`); false if it fails.
pub(crate) fn init_ssl() -> bool {
    // SAFETY: no options and no settings: only initialises the library;
    // thread-safe and idempotent.
    let ok = unsafe { openssl_sys::OPENSSL_init_ssl(0, std::ptr::null()) } == 1;
    clear_error_queue();
    ok
}

#[cfg(test)]
mod tests {
    use std::ffi::{CString, c_char, c_int};

    unsafe extern "C" {
        fn ERR_new();
        fn ERR_set_debug(file: *const c_char, line: c_int, func: *const c_char);
        fn ERR_set_error(lib: c_int, reason: c_int, fmt: *const c_char, ...);
    }

    /// A full queue (15 of OpenSSL's 16 slots): the re-raise in
    /// `error_stack` reuses popped slots, whose location strings OpenSSL
    /// frees; every entry must still come back with its own file, line,
    /// function and text.
    #[test]
    fn error_stack_keeps_locations_of_a_long_queue() {
        super::clear_error_queue();
        let n = 15;
        for i in 0..n {
            // Heap strings, as a provider's would be, freed before the read.
            let file = CString::new(format!("file-{i}.c")).unwrap();
            let func = CString::new(format!("func_{i}")).unwrap();
            let text = CString::new(format!("text {i}")).unwrap();
            // SAFETY: valid C strings for the duration of the calls, which
            // copy them; the format takes one C string.
            unsafe {
                ERR_new();
                ERR_set_debug(file.as_ptr(), 100 + i, func.as_ptr());
                ERR_set_error(20, 100 + i, c"%s".as_ptr(), text.as_ptr());
            }
        }
        let stack = super::error_stack();
        let errors = stack.errors();
        assert_eq!(errors.len(), n as usize);
        for (i, e) in errors.iter().enumerate() {
            assert_eq!(e.file(), format!("file-{i}.c"));
            assert_eq!(e.line(), 100 + i as u32);
            assert_eq!(e.function(), Some(format!("func_{i}").as_str()));
            assert_eq!(e.data(), Some(format!("text {i}").as_str()));
        }
        // SAFETY: a plain accessor.
        assert_eq!(unsafe { openssl_sys::ERR_get_error() }, 0);
    }
}
