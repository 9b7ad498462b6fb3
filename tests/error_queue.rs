//! The OpenSSL error-queue promise of the C ABI, and what it costs.
//!
//! The promise: no OpenSSL error queued during an exported call survives it,
//! whatever the call did (failed parses, failed handshakes, successful calls
//! on which OpenSSL queued something). The saving: the full
//! `ERR_clear_error` (which resets all 16 slots of the thread's queue) runs
//! only when something was queued, so a successful handshake and the data
//! path run it zero times.
//!
//! This test binary defines `ERR_clear_error` itself: the static link binds
//! qssl's calls to this definition, which counts them and forwards to
//! OpenSSL's (found with `dlsym(RTLD_NEXT)`). OpenSSL's internal calls are
//! not counted; only qssl's are.

use std::ffi::{CStr, c_ulong};
use std::ptr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use qssl::ffi::cert::*;
use qssl::ffi::config::*;
use qssl::ffi::conn::*;
use qssl::ffi::enums::*;
use qssl::ffi::key::*;
use qssl::ffi::status::*;

static CLEARS: AtomicUsize = AtomicUsize::new(0);
/// The tests share the counter, so they run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Counts qssl's calls and forwards to OpenSSL's `ERR_clear_error`. Calls
/// from inside libssl/libcrypto (the handshake state machine clears the queue
/// on entry, for raw OpenSSL just the same) are forwarded without counting.
#[unsafe(no_mangle)]
pub extern "C" fn ERR_clear_error() {
    if !called_from_openssl() {
        CLEARS.fetch_add(1, Ordering::SeqCst);
        if std::env::var_os("QSSL_TRACE_CLEARS").is_some() {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
    }
    // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT finds the next
    // definition after this executable, libcrypto's.
    let real = unsafe { libc::dlsym(libc::RTLD_NEXT, c"ERR_clear_error".as_ptr()) };
    assert!(!real.is_null(), "libcrypto's ERR_clear_error not found");
    // SAFETY: the symbol is OpenSSL's `void ERR_clear_error(void)`.
    let real: extern "C" fn() = unsafe { std::mem::transmute(real) };
    real();
}

unsafe extern "C" {
    /// glibc's `backtrace()` (execinfo.h).
    fn backtrace(buffer: *mut *mut std::ffi::c_void, size: i32) -> i32;
}

/// True when the caller of `ERR_clear_error` is code in libssl or libcrypto.
#[inline(never)]
fn called_from_openssl() -> bool {
    let mut frames = [ptr::null_mut(); 3];
    // SAFETY: a writable array of 3 pointers.
    let n = unsafe { backtrace(frames.as_mut_ptr(), 3) };
    // frames: [0] this function, [1] ERR_clear_error, [2] its caller.
    if n < 3 {
        return false;
    }
    // SAFETY: a zeroed Dl_info is a valid out value; dladdr only reads the address.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::dladdr(frames[2], &mut info) } == 0 || info.dli_fname.is_null() {
        return false;
    }
    // SAFETY: dladdr's file name is a NUL-terminated string.
    let file = unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy();
    file.contains("libssl") || file.contains("libcrypto")
}

unsafe extern "C" {
    fn ERR_peek_error() -> c_ulong;
    fn ERR_peek_last_error() -> c_ulong;
}

/// Asserts that the calling thread's OpenSSL error queue is empty.
fn assert_queue_empty(after: &str) {
    // SAFETY: both only read the calling thread's error queue.
    let (first, last) = unsafe { (ERR_peek_error(), ERR_peek_last_error()) };
    assert_eq!((first, last), (0, 0), "OpenSSL errors left after {after}");
}

fn clears() -> usize {
    CLEARS.load(Ordering::SeqCst)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn last_error() -> String {
    let p = qssl_last_error_message();
    if p.is_null() {
        return String::new();
    }
    // SAFETY: a NUL-terminated message owned by qssl for this thread.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn cert(name: &str) -> *mut qssl_cert_t {
    let pem = fixture(name);
    let mut c = ptr::null_mut();
    // SAFETY: valid bytes and out pointer.
    let st = unsafe { qssl_cert_from_pem(pem.as_ptr(), pem.len(), &mut c) };
    assert_eq!(st, QSSL_STATUS_OK, "{name}: {}", last_error());
    c
}

fn key(name: &str) -> *mut qssl_key_t {
    let pem = fixture(name);
    let mut k = ptr::null_mut();
    // SAFETY: valid bytes and out pointer; no passphrase.
    let st = unsafe {
        qssl_key_from_pem(
            pem.as_ptr(),
            pem.len(),
            QSSL_KEY_ALGORITHM_RSA,
            QSSL_KEY_TYPE_PRIVATE_KEY,
            ptr::null(),
            0,
            &mut k,
        )
    };
    assert_eq!(st, QSSL_STATUS_OK, "{name}: {}", last_error());
    k
}

/// A server configuration with server.pem and a client one trusting ca.pem.
fn configs() -> (*mut qssl_config_t, *mut qssl_config_t) {
    // SAFETY: handles from qssl, each freed once.
    unsafe {
        let s = qssl_config_default_configuration();
        let c = qssl_config_default_configuration();
        let (sc, sk, ca) = (cert("server.pem"), key("server-key.pem"), cert("ca.pem"));
        assert_eq!(qssl_config_set_local_certificate(s, sc), QSSL_STATUS_OK);
        assert_eq!(qssl_config_set_private_key(s, sk), QSSL_STATUS_OK);
        assert_eq!(
            qssl_config_set_peer_verify_mode(s, QSSL_PEER_VERIFY_MODE_VERIFY_NONE),
            QSSL_STATUS_OK
        );
        assert_eq!(
            qssl_config_set_ca_certificates(c, &ca.cast_const(), 1),
            QSSL_STATUS_OK
        );
        qssl_cert_free(sc);
        qssl_key_free(sk);
        qssl_cert_free(ca);
        (s, c)
    }
}

/// Whether [`shuttle`] uses the zero-copy functions.
static ZERO_COPY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Moves everything `from` has for its peer into `to`; true if anything
/// moved.
fn shuttle(from: *mut qssl_conn_t, to: *mut qssl_conn_t) -> bool {
    if ZERO_COPY.load(Ordering::SeqCst) {
        zero_copy_shuttle(from, to)
    } else {
        copy_shuttle(from, to)
    }
}

/// [`shuttle`] with the zero-copy functions: one copy, from the bytes `from`
/// lends into the space `to` lends.
fn zero_copy_shuttle(from: *mut qssl_conn_t, to: *mut qssl_conn_t) -> bool {
    let (mut data, mut len) = (ptr::null(), 0usize);
    // SAFETY: live handles, writable out pointers.
    let st = unsafe { qssl_conn_peek_output(from, &mut data, &mut len) };
    assert_eq!(st, QSSL_STATUS_OK);
    if len == 0 {
        assert!(data.is_null());
        return false;
    }
    let (mut space, mut cap) = (ptr::null_mut(), 0usize);
    // SAFETY: live handle, writable out pointers.
    let st = unsafe { qssl_conn_input_space(to, len, &mut space, &mut cap) };
    assert_eq!(st, QSSL_STATUS_OK);
    assert!(cap >= len);
    // SAFETY: `data` holds `len` readable bytes, `space` at least `len`
    // writable ones, in two different connections.
    unsafe {
        ptr::copy_nonoverlapping(data, space, len);
        assert_eq!(qssl_conn_commit_input(to, len), QSSL_STATUS_OK);
        assert_eq!(qssl_conn_consume_output(from, len), QSSL_STATUS_OK);
    }
    true
}

/// [`shuttle`] with the copying functions.
fn copy_shuttle(from: *mut qssl_conn_t, to: *mut qssl_conn_t) -> bool {
    let mut buf = vec![0u8; 4096];
    let mut moved = false;
    loop {
        let mut n = 0;
        // SAFETY: live handles, a writable buffer.
        let st = unsafe { qssl_conn_take_output(from, buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(st, QSSL_STATUS_OK);
        if n == 0 {
            return moved;
        }
        moved = true;
        // SAFETY: live handle, n readable bytes.
        let st = unsafe { qssl_conn_feed(to, buf.as_ptr(), n) };
        assert_eq!(st, QSSL_STATUS_OK);
    }
}

/// A connected client/server pair on the memory transport, checking the
/// queue after every exported call.
fn connected_pair(
    s_cfg: *const qssl_config_t,
    c_cfg: *const qssl_config_t,
) -> (*mut qssl_conn_t, *mut qssl_conn_t) {
    let (mut c, mut s) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: live configurations, writable out pointers.
    unsafe {
        assert_eq!(
            qssl_conn_new_memory(c_cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, &mut c),
            QSSL_STATUS_OK
        );
        assert_eq!(
            qssl_conn_new_memory(s_cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, &mut s),
            QSSL_STATUS_OK
        );
        assert_eq!(
            qssl_conn_set_peer_verify_name(c, c"localhost".as_ptr()),
            QSSL_STATUS_OK
        );
    }
    assert_queue_empty("creating connections");
    let (mut cd, mut sd) = (false, false);
    for _ in 0..50 {
        // SAFETY: live handles.
        unsafe {
            if !cd {
                let st = qssl_conn_handshake(c);
                assert!(st >= 0, "client: {}", last_error());
                cd = st == QSSL_STATUS_OK;
            }
            assert_queue_empty("a client handshake step");
            shuttle(c, s);
            if !sd {
                let st = qssl_conn_handshake(s);
                assert!(st >= 0, "server: {}", last_error());
                sd = st == QSSL_STATUS_OK;
            }
            assert_queue_empty("a server handshake step");
            shuttle(s, c);
            assert_queue_empty("moving bytes");
        }
        if cd && sd {
            return (c, s);
        }
    }
    panic!("handshake did not finish");
}

/// Sends `data` from `a` to `b` and reads it back, checking the queue.
fn round_trip(a: *mut qssl_conn_t, b: *mut qssl_conn_t, data: &[u8]) {
    let mut n = 0;
    // SAFETY: live handles, readable data, writable counts.
    unsafe {
        assert_eq!(
            qssl_conn_write(a, data.as_ptr(), data.len(), &mut n),
            QSSL_STATUS_OK
        );
        assert_eq!(n, data.len());
        assert_queue_empty("qssl_conn_write");
        shuttle(a, b);
        let mut got = Vec::new();
        let mut buf = vec![0u8; 16384];
        while got.len() < data.len() {
            let st = qssl_conn_read(b, buf.as_mut_ptr(), buf.len(), &mut n);
            assert_queue_empty("qssl_conn_read");
            if st == QSSL_STATUS_WANT_READ {
                // TLS 1.3 tickets or the rest of a record: move and retry.
                assert!(shuttle(a, b) || shuttle(b, a), "stalled");
                continue;
            }
            assert_eq!(st, QSSL_STATUS_OK, "{}", last_error());
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, data);
    }
}

#[test]
fn failed_calls_leave_no_openssl_error_behind() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let garbage = b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
    let mut c = ptr::null_mut();
    // SAFETY: valid bytes, writable out pointer.
    let st = unsafe { qssl_cert_from_pem(garbage.as_ptr(), garbage.len(), &mut c) };
    assert_ne!(st, QSSL_STATUS_OK);
    assert!(c.is_null());
    assert_queue_empty("a failed certificate parse");

    let mut k = ptr::null_mut();
    // SAFETY: valid bytes, writable out pointer.
    let st = unsafe {
        qssl_key_from_pem(
            garbage.as_ptr(),
            garbage.len(),
            QSSL_KEY_ALGORITHM_RSA,
            QSSL_KEY_TYPE_PRIVATE_KEY,
            ptr::null(),
            0,
            &mut k,
        )
    };
    assert_ne!(st, QSSL_STATUS_OK);
    assert_queue_empty("a failed key parse");

    // A client that trusts nothing: the handshake fails verification, after
    // OpenSSL queued errors for it.
    let (s_cfg, _) = configs();
    // SAFETY: handles from qssl, freed once.
    unsafe {
        let lonely = qssl_config_new();
        let (mut cl, mut sv) = (ptr::null_mut(), ptr::null_mut());
        assert_eq!(
            qssl_conn_new_memory(lonely, QSSL_SSL_MODE_SSL_CLIENT_MODE, &mut cl),
            QSSL_STATUS_OK
        );
        assert_eq!(
            qssl_conn_new_memory(s_cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, &mut sv),
            QSSL_STATUS_OK
        );
        assert_eq!(
            qssl_conn_set_peer_verify_name(cl, c"localhost".as_ptr()),
            QSSL_STATUS_OK
        );
        let mut failed = false;
        for _ in 0..20 {
            let a = qssl_conn_handshake(cl);
            assert_queue_empty("a client step");
            shuttle(cl, sv);
            let b = qssl_conn_handshake(sv);
            assert_queue_empty("a server step");
            shuttle(sv, cl);
            if a < 0 || b < 0 {
                failed = true;
                break;
            }
        }
        assert!(failed, "an untrusted server was accepted");
        // Garbage into a fresh server: a TLS error with OpenSSL reasons.
        let mut sv2 = ptr::null_mut();
        assert_eq!(
            qssl_conn_new_memory(s_cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, &mut sv2),
            QSSL_STATUS_OK
        );
        let junk = [0x16u8, 3, 1, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(
            qssl_conn_feed(sv2, junk.as_ptr(), junk.len()),
            QSSL_STATUS_OK
        );
        assert_eq!(
            qssl_conn_handshake(sv2),
            QSSL_STATUS_TLS,
            "{}",
            last_error()
        );
        assert!(!last_error().is_empty());
        assert_queue_empty("a handshake that failed on garbage");
        qssl_conn_free(sv2);
        qssl_conn_free(cl);
        qssl_conn_free(sv);
        qssl_config_free(lonely);
        qssl_config_free(s_cfg);
    }
}

#[test]
fn an_error_queued_before_a_call_is_gone_after_it() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (s_cfg, c_cfg) = configs();
    let (c, s) = connected_pair(s_cfg, c_cfg);
    // Something outside qssl (the application, or OpenSSL on its behalf)
    // left an error on the queue; a qssl call that reaches OpenSSL removes it
    // (ERR_LIB_SSL = 20, reason 1).
    // SAFETY: ERR_new/ERR_set_debug/ERR_set_error record an error on the calling thread's queue.
    unsafe {
        openssl_sys::ERR_new();
        openssl_sys::ERR_set_debug(c"test".as_ptr(), 1, c"test".as_ptr());
        openssl_sys::ERR_set_error(20, 1, ptr::null());
    }
    // SAFETY: reads the queue.
    assert_ne!(unsafe { ERR_peek_error() }, 0);
    let before = clears();
    round_trip(c, s, b"after a foreign error");
    assert_eq!(
        clears(),
        before + 1,
        "one full clear, for the one queued error"
    );
    // SAFETY: handles from qssl, freed once.
    unsafe {
        qssl_conn_free(c);
        qssl_conn_free(s);
        qssl_config_free(c_cfg);
        qssl_config_free(s_cfg);
    }
    assert_queue_empty("freeing");
}

#[test]
fn a_successful_handshake_and_data_path_never_clear_the_whole_queue() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for zero_copy in [false, true] {
        ZERO_COPY.store(zero_copy, Ordering::SeqCst);
        handshake_and_data_without_clears();
    }
    ZERO_COPY.store(false, Ordering::SeqCst);
}

fn handshake_and_data_without_clears() {
    let (s_cfg, c_cfg) = configs();
    // Warm-up: contexts built, system state initialised.
    let (c, s) = connected_pair(s_cfg, c_cfg);
    // SAFETY: handles from qssl, freed once.
    unsafe {
        qssl_conn_free(c);
        qssl_conn_free(s);
    }
    let before = clears();
    let (c, s) = connected_pair(s_cfg, c_cfg);
    let handshake_clears = clears() - before;
    let before = clears();
    for size in [1usize, 1024, 16384, 65536] {
        let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        for _ in 0..8 {
            round_trip(c, s, &data);
            round_trip(s, c, &data);
        }
    }
    let data_clears = clears() - before;
    // SAFETY: handles from qssl, freed once.
    unsafe {
        qssl_conn_free(c);
        qssl_conn_free(s);
        qssl_config_free(c_cfg);
        qssl_config_free(s_cfg);
    }
    assert_queue_empty("freeing");
    // The unconditional clear ran once per exported call: dozens here.
    assert_eq!(
        handshake_clears, 0,
        "full clears during a successful handshake"
    );
    assert_eq!(data_clears, 0, "full clears on the data path");
}

#[test]
fn a_want_read_noted_outside_the_boundary_does_not_hide_a_later_error() {
    use qssl::engine::conn::Progress;
    use qssl::engine::transport::{MemoryPipe, Transport};
    use qssl::engine::{Connection, Mode};
    use qssl::model::config::SslConfiguration;

    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // A Rust engine connection (no C boundary around it) whose handshake
    // step ends in WANT_READ: the engine notes that OpenSSL saw an empty
    // queue, and no boundary consumes the note.
    let cfg = SslConfiguration::default_configuration();
    let mut c = Connection::new(&cfg, Mode::Client, Transport::Memory(MemoryPipe::default()))
        .expect("client");
    assert_eq!(c.handshake().expect("first step"), Progress::WantRead);
    // Then an error lands on the queue, and a C call that succeeds follows:
    // the stale note must not let the error through.
    // SAFETY: ERR_new/ERR_set_debug/ERR_set_error record an error on the
    // calling thread's queue.
    unsafe {
        openssl_sys::ERR_new();
        openssl_sys::ERR_set_debug(c"test".as_ptr(), 1, c"test".as_ptr());
        openssl_sys::ERR_set_error(20, 1, ptr::null());
    }
    let ca = cert("ca.pem");
    assert_queue_empty("a successful call after a noted WANT_READ");
    // SAFETY: a handle from qssl, freed once.
    unsafe { qssl_cert_free(ca) };
}

/// `qssl_conn_free` and the constructors skip the error-queue check on
/// success (the pure boundary): freeing a connection in any phase, and
/// creating one, must queue nothing; a constructor that fails leaves the
/// queue empty too.
#[test]
fn creating_and_freeing_connections_in_every_phase_queue_nothing() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (s_cfg, c_cfg) = configs();
    // SAFETY: handles from qssl, each freed once; writable out pointers.
    unsafe {
        // Never started.
        let mut fresh = ptr::null_mut();
        assert_eq!(
            qssl_conn_new_memory(c_cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, &mut fresh),
            QSSL_STATUS_OK
        );
        assert_queue_empty("creating a connection");
        qssl_conn_free(fresh);
        assert_queue_empty("freeing a connection that never started");

        // In the middle of the handshake (the ClientHello written).
        let mut mid = ptr::null_mut();
        assert_eq!(
            qssl_conn_new_memory(c_cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, &mut mid),
            QSSL_STATUS_OK
        );
        assert_eq!(qssl_conn_handshake(mid), QSSL_STATUS_WANT_READ);
        qssl_conn_free(mid);
        assert_queue_empty("freeing a connection in the middle of its handshake");

        // Connected, then closed.
        let (c, s) = connected_pair(s_cfg, c_cfg);
        round_trip(c, s, b"before freeing");
        qssl_conn_free(s);
        assert_queue_empty("freeing a connected server");
        qssl_conn_free(c);
        assert_queue_empty("freeing a connected client");
        let (c, s) = connected_pair(s_cfg, c_cfg);
        let _ = qssl_conn_shutdown(c);
        shuttle(c, s);
        let _ = qssl_conn_shutdown(s);
        assert_queue_empty("shutting down");
        qssl_conn_free(c);
        assert_queue_empty("freeing a closed client");
        qssl_conn_free(s);
        assert_queue_empty("freeing a closed server");

        // Failed on garbage (OpenSSL queued errors for that step).
        let mut bad = ptr::null_mut();
        assert_eq!(
            qssl_conn_new_memory(s_cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, &mut bad),
            QSSL_STATUS_OK
        );
        let junk = [0x16u8, 3, 1, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(
            qssl_conn_feed(bad, junk.as_ptr(), junk.len()),
            QSSL_STATUS_OK
        );
        assert_eq!(qssl_conn_handshake(bad), QSSL_STATUS_TLS);
        assert_queue_empty("a failed handshake");
        qssl_conn_free(bad);
        assert_queue_empty("freeing a failed connection");

        // A constructor that fails while OpenSSL builds the context (a
        // certificate without its key) leaves nothing queued.
        let broken = qssl_config_default_configuration();
        let sc = cert("server.pem");
        assert_eq!(
            qssl_config_set_local_certificate(broken, sc),
            QSSL_STATUS_OK
        );
        let mut none = ptr::null_mut();
        assert_ne!(
            qssl_conn_new_memory(broken, QSSL_SSL_MODE_SSL_SERVER_MODE, &mut none),
            QSSL_STATUS_OK
        );
        assert!(none.is_null());
        assert_queue_empty("a constructor that failed");
        qssl_cert_free(sc);
        qssl_config_free(broken);
        qssl_config_free(c_cfg);
        qssl_config_free(s_cfg);
    }
}
