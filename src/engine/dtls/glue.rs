//! OpenSSL glue for DTLS: the datagram BIO, per-SSL extras, the timer and cookie callbacks.

use super::*;

// ---- OpenSSL glue ------------------------------------------------------------------

pub(super) const DTLS_CTRL_GET_TIMEOUT: c_int = 73;
pub(super) const DTLS_CTRL_HANDLE_TIMEOUT: c_int = 74;
pub(super) const BIO_CTRL_PENDING: c_int = 10;
pub(super) const BIO_CTRL_WPENDING: c_int = 13;
pub(super) const BIO_CTRL_FLUSH: c_int = 11;
pub(super) const SSL_ERROR_WANT_READ: c_int = 2;
pub(super) const SSL_ERROR_WANT_WRITE: c_int = 3;
pub(super) const SSL_ERROR_ZERO_RETURN: c_int = 6;

pub(super) type TimerCb = unsafe extern "C" fn(s: *mut sys::SSL, timer_us: c_uint) -> c_uint;
pub(super) type CookieGenCb = extern "C" fn(*mut sys::SSL, *mut c_uchar, *mut c_uint) -> c_int;
pub(super) type CookieVerifyCb = extern "C" fn(*mut sys::SSL, *const c_uchar, c_uint) -> c_int;

unsafe extern "C" {
    pub(super) fn DTLS_set_timer_cb(s: *mut sys::SSL, cb: Option<TimerCb>);
    pub(super) fn DTLS_get_data_mtu(s: *const sys::SSL) -> usize;
    pub(super) fn DTLSv1_listen(s: *mut sys::SSL, client: *mut c_void) -> c_int;
    pub(super) fn BIO_ADDR_new() -> *mut c_void;
    pub(super) fn BIO_ADDR_free(a: *mut c_void);
    pub(super) fn SSL_set_options(s: *mut sys::SSL, op: u64) -> u64;
}

/// The datagrams in and out of one `SSL`, owned by its BIO.
#[derive(Default)]
pub(super) struct Datagrams {
    pub(super) inbound: VecDeque<Vec<u8>>,
    pub(super) outbound: VecDeque<Vec<u8>>,
}

pub(super) fn bio_method() -> *const sys::BIO_METHOD {
    static METHOD: OnceLock<usize> = OnceLock::new();
    *METHOD.get_or_init(|| {
        // SAFETY: plain OpenSSL calls building a method table of functions
        // that stay valid for the process (the table is never freed).
        unsafe {
            let idx = crate::ossl::BIO_get_new_index();
            let m = sys::BIO_meth_new(
                if idx > 0 { idx } else { 0x0400 | 0x7e },
                c"qssl datagrams".as_ptr(),
            );
            if m.is_null() {
                return 0;
            }
            sys::BIO_meth_set_write__fixed_rust(m, Some(bio_write));
            sys::BIO_meth_set_read__fixed_rust(m, Some(bio_read));
            sys::BIO_meth_set_ctrl__fixed_rust(m, Some(bio_ctrl));
            sys::BIO_meth_set_create__fixed_rust(m, Some(bio_create));
            sys::BIO_meth_set_destroy__fixed_rust(m, Some(bio_destroy));
            m as usize
        }
    }) as *const sys::BIO_METHOD
}

/// The queues of a BIO made by [`new_bio`].
///
/// # Safety
/// `b` must be a live BIO of [`bio_method`].
pub(super) unsafe fn queues<'a>(b: *mut sys::BIO) -> Option<&'a mut Datagrams> {
    // SAFETY: the data pointer is NULL or the Box set by new_bio.
    unsafe { sys::BIO_get_data(b).cast::<Datagrams>().as_mut() }
}

pub(super) unsafe extern "C" fn bio_write(
    b: *mut sys::BIO,
    buf: *const c_char,
    len: c_int,
) -> c_int {
    // SAFETY: OpenSSL passes its live BIO and `len` readable bytes.
    unsafe {
        sys::BIO_clear_flags(b, sys::BIO_FLAGS_RWS | sys::BIO_FLAGS_SHOULD_RETRY);
        let Some(q) = queues(b) else { return -1 };
        if len < 0 || (buf.is_null() && len > 0) {
            return -1;
        }
        let data = if len == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(buf.cast::<u8>(), len as usize).to_vec()
        };
        q.outbound.push_back(data);
        len
    }
}

pub(super) unsafe extern "C" fn bio_read(b: *mut sys::BIO, buf: *mut c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL passes its live BIO and `len` writable bytes.
    unsafe {
        sys::BIO_clear_flags(b, sys::BIO_FLAGS_RWS | sys::BIO_FLAGS_SHOULD_RETRY);
        let Some(q) = queues(b) else { return -1 };
        let Some(d) = q.inbound.pop_front() else {
            sys::BIO_set_flags(b, sys::BIO_FLAGS_READ | sys::BIO_FLAGS_SHOULD_RETRY);
            return -1;
        };
        if len <= 0 || buf.is_null() {
            return 0;
        }
        // A datagram longer than the buffer is truncated, as recv() does.
        let n = d.len().min(len as usize);
        std::ptr::copy_nonoverlapping(d.as_ptr(), buf.cast::<u8>(), n);
        n as c_int
    }
}

pub(super) unsafe extern "C" fn bio_ctrl(
    b: *mut sys::BIO,
    cmd: c_int,
    _l: c_long,
    _p: *mut c_void,
) -> c_long {
    // SAFETY: OpenSSL passes its live BIO.
    let q = unsafe { queues(b) };
    match cmd {
        BIO_CTRL_FLUSH => 1,
        BIO_CTRL_PENDING => q
            .and_then(|q| q.inbound.front().map(|d| d.len() as c_long))
            .unwrap_or(0),
        BIO_CTRL_WPENDING => 0,
        // Everything else (MTU queries, peer addresses, time-out hints) is
        // unsupported: qssl sets the MTU itself and drives the timer.
        _ => 0,
    }
}

pub(super) unsafe extern "C" fn bio_create(b: *mut sys::BIO) -> c_int {
    // SAFETY: OpenSSL passes the BIO it is creating.
    unsafe {
        sys::BIO_set_data(b, std::ptr::null_mut());
        sys::BIO_set_init(b, 1);
    }
    1
}

pub(super) unsafe extern "C" fn bio_destroy(b: *mut sys::BIO) -> c_int {
    if b.is_null() {
        return 0;
    }
    // SAFETY: OpenSSL passes the BIO it is freeing; its data pointer is NULL
    // or the Box set by new_bio.
    unsafe { crate::engine::transport::free_bio_box::<Datagrams>(b) };
    1
}

/// A new datagram BIO with empty queues (NULL if OpenSSL cannot allocate).
pub(super) fn new_bio() -> *mut sys::BIO {
    let m = bio_method();
    if m.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: a valid method; the Box is owned by the BIO from here on.
    unsafe {
        let b = sys::BIO_new(m);
        if !b.is_null() {
            sys::BIO_set_data(b, Box::into_raw(Box::<Datagrams>::default()).cast());
        }
        b
    }
}

/// Gives `ssl` a fresh datagram BIO (used for reading and writing).
pub(super) fn attach_bio(ssl: &mut Ssl) -> Result<(), Error> {
    let b = new_bio();
    if b.is_null() {
        return Err(Error::tls("cannot create a datagram BIO", None));
    }
    // SAFETY: `b` is live. Given the same BIO for reading and writing,
    // SSL_set_bio takes over the one reference we hold (SSL_free frees it
    // once).
    unsafe { sys::SSL_set_bio(ssl.as_ptr(), b, b) };
    Ok(())
}

#[allow(clippy::mut_from_ref)] // the queues live in the BIO, not in `Ssl`
pub(super) fn ssl_queues(ssl: &Ssl) -> Option<&mut Datagrams> {
    // SAFETY: the SSL's read BIO is the one attach_bio set, alive as long as
    // the SSL; `&Ssl` is held by the caller for the borrow's span and qssl
    // never lends the queues out across an OpenSSL call.
    unsafe {
        let b = sys::SSL_get_rbio(ssl.as_ptr());
        if b.is_null() { None } else { queues(b) }
    }
}

/// What qssl keeps per `SSL` for the cookie and timer callbacks, reached
/// through qssl's own ex_data index.
pub(super) struct SslExtra {
    pub(super) cookie: CookieParams,
    pub(super) peer: Vec<u8>,
    pub(super) initial_timeout_us: u32,
}

pub(super) fn extra_index() -> c_int {
    static INDEX: OnceLock<c_int> = OnceLock::new();
    *INDEX.get_or_init(|| {
        // SAFETY: registers a new ex_data index with no callbacks.
        unsafe { sys::SSL_get_ex_new_index(0, std::ptr::null_mut(), None, None, None) }
    })
}

pub(super) fn extra_of<'a>(ssl: *mut sys::SSL) -> Option<&'a SslExtra> {
    let idx = extra_index();
    if ssl.is_null() || idx < 0 {
        return None;
    }
    // SAFETY: the slot is NULL or an SslExtra that outlives the SSL (its
    // owner frees the SSL first).
    unsafe { sys::SSL_get_ex_data(ssl, idx).cast::<SslExtra>().as_ref() }
}

pub(super) fn set_extra(ssl: &mut Ssl, extra: &SslExtra) -> Result<(), Error> {
    let idx = extra_index();
    if idx < 0 {
        return Err(Error::tls("cannot attach the DTLS state", None));
    }
    let p = (extra as *const SslExtra).cast_mut().cast();
    // SAFETY: live SSL; the pointer stays valid while the SSL lives.
    if unsafe { sys::SSL_set_ex_data(ssl.as_ptr(), idx, p) } != 1 {
        return Err(Error::tls("cannot attach the DTLS state", None));
    }
    Ok(())
}

extern "C" fn cookie_generate_cb(ssl: *mut sys::SSL, out: *mut c_uchar, len: *mut c_uint) -> c_int {
    let r = std::panic::catch_unwind(|| {
        let Some(x) = extra_of(ssl) else { return 0 };
        let Some(c) = x.cookie.cookie(&x.peer) else {
            return 0;
        };
        // DTLS1_COOKIE_LENGTH is 255 in OpenSSL 3; no digest here is longer.
        if c.len() > 255 || out.is_null() || len.is_null() {
            return 0;
        }
        // SAFETY: OpenSSL gives a buffer of DTLS1_COOKIE_LENGTH bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(c.as_ptr(), out, c.len());
            *len = c.len() as c_uint;
        }
        1
    });
    r.unwrap_or(0)
}

extern "C" fn cookie_verify_cb(ssl: *mut sys::SSL, cookie: *const c_uchar, len: c_uint) -> c_int {
    let r = std::panic::catch_unwind(|| {
        let Some(x) = extra_of(ssl) else { return 0 };
        let Some(c) = x.cookie.cookie(&x.peer) else {
            return 0;
        };
        if cookie.is_null() || len as usize != c.len() {
            return 0;
        }
        // SAFETY: OpenSSL passes `len` readable bytes.
        let got = unsafe { std::slice::from_raw_parts(cookie, len as usize) };
        c_int::from(openssl::memcmp::eq(got, &c))
    });
    r.unwrap_or(0)
}

pub(super) unsafe extern "C" fn timer_cb(ssl: *mut sys::SSL, timer_us: c_uint) -> c_uint {
    let initial = extra_of(ssl).map_or(DEFAULT_INITIAL_TIMEOUT_MS * 1000, |x| x.initial_timeout_us);
    if timer_us == 0 {
        initial
    } else {
        // Double, up to 60 s (RFC 6347 §4.2.4.1).
        timer_us.saturating_mul(2).min(60_000_000)
    }
}

pub(super) fn install_cookie_callbacks(b: &mut SslContextBuilder) {
    // SAFETY: live context; the callbacks are plain functions.
    unsafe {
        sys::SSL_CTX_set_cookie_generate_cb(b.as_ptr(), Some(cookie_generate_cb));
        sys::SSL_CTX_set_cookie_verify_cb(b.as_ptr(), Some(cookie_verify_cb));
    }
    let _: (CookieGenCb, CookieVerifyCb) = (cookie_generate_cb, cookie_verify_cb);
}
