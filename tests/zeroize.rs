//! Secrets are wiped from memory when freed (issue 6).
//!
//! A spying allocator sees every block freed in this test binary: Rust's
//! (the `#[global_allocator]` below, which also turns `realloc` into
//! allocate-copy-free so that moved buffers are seen) and OpenSSL's (through
//! `CRYPTO_set_mem_functions`, installed before `main`). While armed, it
//! scans each freed block for a 32-byte marker and counts the blocks that
//! still hold it. The marker is a random pre-shared key, or 32 bytes cut
//! from the middle of a private key's PEM text or DER encoding, so a hit
//! means secret bytes went back to the allocator unwiped.
//!
//! A positive control (`spy_sees_an_unwiped_block`) proves the spy finds a
//! marker that was not wiped.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{c_char, c_int, c_void};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

use common::*;
use qssl::engine::conn::Progress;
use qssl::engine::transport::Transport;
use qssl::engine::{Connection, Mode};
use qssl::ffi::key::{qssl_key_free, qssl_key_from_pem, qssl_key_to_der, qssl_key_to_pem};
use qssl::ffi::psk::{
    qssl_psk_auth_copy, qssl_psk_auth_free, qssl_psk_auth_new, qssl_psk_auth_set_pre_shared_key,
};
use qssl::ffi::status::QSSL_STATUS_OK;
use qssl::model::bytes::{OptBytes, SecretBytes};
use qssl::model::config::{PskHandler, SslConfiguration};
use qssl::model::enums::{key_algorithm, key_type, protocol, verify_mode};
use qssl::model::key::Key;
use qssl::model::psk::PskAuthenticator;

// ---- the spy ---------------------------------------------------------------------

const MARKER_LEN: usize = 32;
static MARKER: [AtomicU8; MARKER_LEN] = [const { AtomicU8::new(0) }; MARKER_LEN];
static ARMED: AtomicBool = AtomicBool::new(false);
static RUST_HITS: AtomicUsize = AtomicUsize::new(0);
static OSSL_HITS: AtomicUsize = AtomicUsize::new(0);
static SCANNED: AtomicUsize = AtomicUsize::new(0);

/// True if `len` bytes at `p` contain the marker.
///
/// # Safety
/// `p` must be readable for `len` bytes.
unsafe fn holds_marker(p: *const u8, len: usize) -> bool {
    if len < MARKER_LEN {
        return false;
    }
    let mut m = [0u8; MARKER_LEN];
    for (d, s) in m.iter_mut().zip(MARKER.iter()) {
        *d = s.load(Ordering::Relaxed);
    }
    // SAFETY: the caller guarantees the block is readable.
    let block = unsafe { std::slice::from_raw_parts(p, len) };
    block.windows(MARKER_LEN).any(|w| w == m)
}

fn scan(p: *const u8, len: usize, hits: &AtomicUsize) {
    if ARMED.load(Ordering::Relaxed) && !p.is_null() {
        SCANNED.fetch_add(1, Ordering::Relaxed);
        // SAFETY: p is a live block of len bytes about to be freed.
        if unsafe { holds_marker(p, len) } {
            hits.fetch_add(1, Ordering::Relaxed);
        }
    }
}

struct Spy;

// SAFETY: forwards to the system allocator; reads blocks before freeing them.
unsafe impl GlobalAlloc for Spy {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        scan(p, l.size(), &RUST_HITS);
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // Allocate, copy, free: a buffer that moves is scanned like a freed one.
        // SAFETY: `new` is non-zero and forms a valid layout (GlobalAlloc contract).
        let q = unsafe { System.alloc(Layout::from_size_align_unchecked(new, l.align())) };
        if !q.is_null() {
            // SAFETY: both blocks are valid for the smaller size.
            unsafe { std::ptr::copy_nonoverlapping(p, q, l.size().min(new)) };
            // SAFETY: p is the old block with layout l.
            unsafe { self.dealloc(p, l) };
        }
        q
    }
}

#[global_allocator]
static GLOBAL: Spy = Spy;

unsafe extern "C" {
    fn CRYPTO_set_mem_functions(
        m: unsafe extern "C" fn(usize, *const c_char, c_int) -> *mut c_void,
        r: unsafe extern "C" fn(*mut c_void, usize, *const c_char, c_int) -> *mut c_void,
        f: unsafe extern "C" fn(*mut c_void, *const c_char, c_int),
    ) -> c_int;
    fn malloc_usable_size(p: *mut c_void) -> usize;
}

unsafe extern "C" fn ossl_malloc(n: usize, _: *const c_char, _: c_int) -> *mut c_void {
    // SAFETY: plain malloc.
    unsafe { libc::malloc(n) }
}

unsafe extern "C" fn ossl_free(p: *mut c_void, _: *const c_char, _: c_int) {
    if !p.is_null() {
        // SAFETY: p is a live malloc block.
        let n = unsafe { malloc_usable_size(p) };
        scan(p.cast(), n, &OSSL_HITS);
    }
    // SAFETY: p is NULL or came from ossl_malloc/ossl_realloc.
    unsafe { libc::free(p) }
}

unsafe extern "C" fn ossl_realloc(
    p: *mut c_void,
    n: usize,
    _: *const c_char,
    _: c_int,
) -> *mut c_void {
    if p.is_null() {
        // SAFETY: as malloc.
        return unsafe { libc::malloc(n) };
    }
    if n == 0 {
        // SAFETY: as free.
        unsafe { ossl_free(p, std::ptr::null(), 0) };
        return std::ptr::null_mut();
    }
    // SAFETY: allocate, copy, free, as the Rust side does.
    unsafe {
        let old = malloc_usable_size(p);
        let q = libc::malloc(n);
        if !q.is_null() {
            std::ptr::copy_nonoverlapping(p.cast::<u8>(), q.cast::<u8>(), old.min(n));
            ossl_free(p, std::ptr::null(), 0);
        }
        q
    }
}

extern "C" fn install_ossl_spy() {
    // SAFETY: runs once before main, before OpenSSL allocates anything.
    unsafe { CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free) };
}

#[used]
#[unsafe(link_section = ".init_array")]
static INSTALL: extern "C" fn() = install_ossl_spy;

static SERIAL: Mutex<()> = Mutex::new(());

/// Overwrites a buffer of the test itself before it is freed, so that the
/// test's own copies never count.
fn wipe(v: &mut [u8]) {
    for b in v.iter_mut() {
        // SAFETY: a valid, exclusive reference.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
}

/// Runs `f` with the spy armed on `marker`; returns (Rust hits, OpenSSL hits).
fn spy(marker: &[u8; MARKER_LEN], f: impl FnOnce()) -> (usize, usize) {
    for (d, s) in MARKER.iter().zip(marker) {
        d.store(*s, Ordering::Relaxed);
    }
    RUST_HITS.store(0, Ordering::SeqCst);
    OSSL_HITS.store(0, Ordering::SeqCst);
    SCANNED.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    let r = (
        RUST_HITS.load(Ordering::SeqCst),
        OSSL_HITS.load(Ordering::SeqCst),
    );
    eprintln!(
        "spy: {} freed blocks scanned, {} Rust and {} OpenSSL blocks held the marker",
        SCANNED.load(Ordering::SeqCst),
        r.0,
        r.1
    );
    for d in MARKER.iter() {
        d.store(0, Ordering::Relaxed);
    }
    r
}

fn random_marker() -> [u8; MARKER_LEN] {
    let mut m = [0u8; MARKER_LEN];
    openssl::rand::rand_bytes(&mut m).unwrap();
    m
}

/// 32 bytes from the middle of `secret` (then wiped, with `secret`).
fn cut_marker(mut secret: Vec<u8>) -> [u8; MARKER_LEN] {
    let mid = secret.len() / 2;
    let mut m = [0u8; MARKER_LEN];
    m.copy_from_slice(&secret[mid..mid + MARKER_LEN]);
    wipe(&mut secret);
    m
}

// ---- the control -------------------------------------------------------------------

#[test]
fn spy_sees_an_unwiped_block() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let m = random_marker();
    let (rust, _) = spy(&m, || {
        let v = m.to_vec();
        drop(std::hint::black_box(v));
    });
    assert_eq!(rust, 1, "the spy must see a freed copy of the marker");
    let (_, ossl) = spy(&m, || {
        // An OpenSSL-allocated copy freed without cleansing.
        // SAFETY: a fresh block of MARKER_LEN bytes, written then freed once.
        unsafe {
            let p = openssl_sys::CRYPTO_malloc(MARKER_LEN, c"zeroize".as_ptr(), 1).cast::<u8>();
            assert!(!p.is_null());
            std::ptr::copy_nonoverlapping(m.as_ptr(), p, MARKER_LEN);
            openssl_sys::CRYPTO_free(p.cast(), c"zeroize".as_ptr(), 1);
        }
    });
    assert_eq!(ossl, 1, "the spy must see OpenSSL's freed copy");
}

// ---- pre-shared keys ----------------------------------------------------------------

#[test]
fn psk_wiped_when_authenticator_dropped() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let m = random_marker();
    let hits = spy(&m, || {
        let mut a = PskAuthenticator::new();
        a.set_pre_shared_key(SecretBytes::new(&m));
        let b = a.clone();
        let mut c = b.clone();
        c.set_pre_shared_key(SecretBytes::new(&m[..16])); // detach and replace
        assert_eq!(a.pre_shared_key().as_slice(), &m);
        drop((a, b, c));
    });
    assert_eq!(hits, (0, 0));
}

#[test]
fn psk_wiped_through_the_c_api() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let m = random_marker();
    let hits = spy(&m, || {
        // SAFETY: handles from qssl_psk_auth_new, freed exactly once; the
        // key buffer is valid for its length.
        unsafe {
            let a = qssl_psk_auth_new();
            assert_eq!(
                qssl_psk_auth_set_pre_shared_key(a, m.as_ptr(), m.len()),
                QSSL_STATUS_OK
            );
            let b = qssl_psk_auth_copy(a);
            // Replacing the key wipes the old one too.
            assert_eq!(
                qssl_psk_auth_set_pre_shared_key(a, b"other".as_ptr(), 5),
                QSSL_STATUS_OK
            );
            qssl_psk_auth_free(a);
            qssl_psk_auth_free(b);
        }
    });
    assert_eq!(hits, (0, 0));
}

/// A PSK handler answering with a key it holds itself (inside the
/// configuration's Arc, so it wipes its own copy when dropped).
struct ArrayPsk([u8; MARKER_LEN]);

impl Drop for ArrayPsk {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl PskHandler for ArrayPsk {
    fn authenticate(&self, auth: &mut PskAuthenticator) -> Result<(), String> {
        auth.set_identity(OptBytes::from(&b"zeroize-client"[..]));
        auth.set_pre_shared_key(SecretBytes::new(&self.0));
        Ok(())
    }
}

/// A PSK handler setting its key as the C API does: copied straight into
/// the authenticator (held in place there: the client's kept answer, a
/// server's handshake authenticator on the callback's stack).
struct InPlacePsk([u8; MARKER_LEN]);

impl Drop for InPlacePsk {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl PskHandler for InPlacePsk {
    fn authenticate(&self, auth: &mut PskAuthenticator) -> Result<(), String> {
        auth.set_identity_from(Some(b"zeroize-client"));
        auth.set_pre_shared_key_from(Some(&self.0));
        Ok(())
    }
}

fn psk_handshake(key: [u8; MARKER_LEN], tls: i32) {
    psk_handshake_with(key, tls, |k| std::sync::Arc::new(ArrayPsk(k)));
}

fn psk_handshake_with(
    key: [u8; MARKER_LEN],
    tls: i32,
    handler: impl Fn([u8; MARKER_LEN]) -> std::sync::Arc<dyn PskHandler>,
) {
    let mut cc = SslConfiguration::new();
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    cc.set_protocol(tls);
    let mut sc = SslConfiguration::new();
    sc.set_protocol(tls);
    let suite = if tls == protocol::TLS_V1_2 {
        "PSK-AES128-GCM-SHA256"
    } else {
        "TLS_AES_128_GCM_SHA256"
    };
    cc.set_ciphers_string(suite);
    sc.set_ciphers_string(suite);
    cc.set_psk_handler(Some(handler(key)));
    sc.set_psk_handler(Some(handler(key)));
    let mut c = Connection::new(&cc, Mode::Client, Transport::Memory(Default::default())).unwrap();
    let mut s = Connection::new(&sc, Mode::Server, Transport::Memory(Default::default())).unwrap();
    let (mut rc, mut rs) = (Ok(Progress::WantRead), Ok(Progress::WantRead));
    for _ in 0..20 {
        if matches!(rc, Ok(Progress::WantRead | Progress::WantWrite)) {
            rc = c.handshake();
        }
        if matches!(rs, Ok(Progress::WantRead | Progress::WantWrite)) {
            rs = s.handshake();
        }
        let out: Vec<u8> = c.memory().unwrap().outbound.drain(..).collect();
        s.memory().unwrap().inbound.extend(out);
        let out: Vec<u8> = s.memory().unwrap().outbound.drain(..).collect();
        c.memory().unwrap().inbound.extend(out);
    }
    assert_eq!(rc.unwrap(), Progress::Done);
    assert_eq!(rs.unwrap(), Progress::Done);
    assert!(c.psk_callback_calls() >= 1 && s.psk_callback_calls() >= 1);
}

#[test]
fn psk_wiped_after_tls12_handshake() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let m = random_marker();
    let hits = spy(&m, || psk_handshake(m, protocol::TLS_V1_2));
    assert_eq!(
        hits,
        (0, 0),
        "a PSK of a TLS 1.2 handshake was freed unwiped"
    );
}

#[test]
fn psk_held_in_place_wiped_after_tls12_and_tls13_handshakes() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for tls in [protocol::TLS_V1_2, protocol::TLS_V1_3] {
        let m = random_marker();
        let hits = spy(&m, || {
            psk_handshake_with(m, tls, |k| std::sync::Arc::new(InPlacePsk(k)))
        });
        assert_eq!(hits, (0, 0), "a PSK held in place was freed unwiped");
    }
}

#[test]
fn psk_wiped_after_tls13_handshake() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let m = random_marker();
    let hits = spy(&m, || psk_handshake(m, protocol::TLS_V1_3));
    assert_eq!(
        hits,
        (0, 0),
        "a PSK of a TLS 1.3 handshake was freed unwiped"
    );
}

// ---- private keys --------------------------------------------------------------------

/// The private key's traditional PEM and PKCS#1 DER, as OpenSSL writes them.
fn key_encodings() -> (Vec<u8>, Vec<u8>) {
    let mut pem = fixture("server-key.pem");
    let pkey = openssl::pkey::PKey::private_key_from_pem(&pem).unwrap();
    wipe(&mut pem);
    let rsa = pkey.rsa().unwrap();
    (
        rsa.private_key_to_pem().unwrap(),
        rsa.private_key_to_der().unwrap(),
    )
}

#[test]
fn key_exports_wiped() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (pem, der) = key_encodings();
    let pem_marker = cut_marker(pem);
    let der_marker = cut_marker(der);
    let mut input = fixture("server-key.pem");
    let key = Key::from_pem(&input, key_algorithm::RSA, key_type::PRIVATE_KEY, b"").unwrap();
    for (what, m) in [("PEM", pem_marker), ("DER", der_marker)] {
        let hits = spy(&m, || {
            let mut out = if what == "PEM" {
                key.to_pem(b"").unwrap()
            } else {
                key.to_der(b"").unwrap()
            };
            assert!(out.len() > 500);
            // The caller's copy is the caller's to wipe.
            let n = out.len();
            wipe(&mut out[..n]);
            drop(out);
        });
        assert_eq!(
            hits,
            (0, 0),
            "the library's {what} export was freed unwiped"
        );
    }
    // The same through the C API, into a caller buffer on the stack.
    let mut k = std::ptr::null_mut();
    // SAFETY: a valid input buffer and out pointer.
    let st = unsafe {
        qssl_key_from_pem(
            input.as_ptr(),
            input.len(),
            1,
            0,
            std::ptr::null(),
            0,
            &mut k,
        )
    };
    assert_eq!(st, QSSL_STATUS_OK);
    for (what, m) in [("PEM", pem_marker), ("DER", der_marker)] {
        let hits = spy(&m, || {
            let mut buf = [0u8; 4096];
            let mut len = 0usize;
            // SAFETY: a live key handle, a stack buffer of the given size.
            let st = unsafe {
                if what == "PEM" {
                    qssl_key_to_pem(
                        k,
                        std::ptr::null(),
                        0,
                        buf.as_mut_ptr(),
                        buf.len(),
                        &mut len,
                    )
                } else {
                    qssl_key_to_der(
                        k,
                        std::ptr::null(),
                        0,
                        buf.as_mut_ptr(),
                        buf.len(),
                        &mut len,
                    )
                }
            };
            assert_eq!(st, QSSL_STATUS_OK);
            wipe(&mut buf);
        });
        assert_eq!(hits, (0, 0), "qssl_key_to_{what} left an unwiped copy");
    }
    // Freeing the last handle wipes the key (OpenSSL's clearing frees).
    let hits = spy(&der_marker, || {
        // SAFETY: the handle from qssl_key_from_pem, freed once.
        unsafe { qssl_key_free(k) }
    });
    assert_eq!(hits, (0, 0), "qssl_key_free left key material unwiped");
    drop(key);
    wipe(&mut input);
}

#[test]
fn private_key_wiped_when_last_handle_goes() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (pem, der) = key_encodings();
    let mut pem = pem;
    wipe(&mut pem);
    let m = cut_marker(der); // PKCS#1 bytes around the private exponent
    let mut input = fixture("server-key.pem");
    let mut keys = Vec::new();
    // Loading: qssl itself leaves no copy. OpenSSL 3.0's decoders free some
    // intermediate DER copies of the key without cleansing them; that is
    // reported here, not asserted (see docs/SECURITY.md).
    let (rust, ossl) = spy(&m, || {
        let k = Key::from_pem(&input, key_algorithm::RSA, key_type::PRIVATE_KEY, b"").unwrap();
        keys.push(k.clone());
        keys.push(k);
    });
    eprintln!("loading: OpenSSL freed {ossl} uncleansed blocks holding key bytes");
    assert_eq!(
        rust, 0,
        "qssl freed a copy of the key unwiped while loading it"
    );
    // Dropping every handle: the key material is wiped.
    let hits = spy(&m, || drop(std::mem::take(&mut keys)));
    wipe(&mut input);
    assert_eq!(hits, (0, 0), "private key material was freed unwiped");
}

#[test]
fn key_file_contents_wiped() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // The marker is a line of the key file's Base64 text.
    let file = fixture("server-key.pem");
    let m = cut_marker(file);
    let path = fixture_path("server-key.pem");
    let hits = spy(&m, || {
        let k = Key::from_file(
            std::path::Path::new(&path),
            key_algorithm::RSA,
            0,
            key_type::PRIVATE_KEY,
            b"",
        )
        .unwrap();
        drop(k);
    });
    assert_eq!(hits, (0, 0), "the key file's contents were freed unwiped");
}

// ---- session ticket keys (issue 16) ------------------------------------------------------

/// A server with shared ticket keys (80 bytes, nginx's layout) set through
/// the C API issues a ticket, a second server with the same keys resumes it,
/// then everything is freed. `part` picks which 32 bytes are the marker:
/// 16 the HMAC key, 48 the AES key.
fn ticket_keys_round(part: usize) -> (usize, usize) {
    use qssl::ffi::config::{qssl_config_free, qssl_config_t};
    use qssl::ffi::server::qssl_config_set_session_ticket_keys;
    let mut keys = vec![0u8; 80];
    openssl::rand::rand_bytes(&mut keys).unwrap();
    let mut m = [0u8; MARKER_LEN];
    m.copy_from_slice(&keys[part..part + MARKER_LEN]);
    spy(&m, || {
        let make = |keys: &[u8]| {
            let h = qssl_config_t::new_handle(server_config());
            // SAFETY: a live handle and an 80-byte buffer.
            let st = unsafe { qssl_config_set_session_ticket_keys(h, keys.as_ptr(), keys.len()) };
            assert_eq!(st, QSSL_STATUS_OK);
            h
        };
        let (a, b) = (make(&keys), make(&keys));
        wipe(&mut keys);
        // SAFETY: live handles, freed below.
        let (ca, cb) = unsafe { ((*a).configuration().clone(), (*b).configuration().clone()) };
        let mut cc = client_config();
        cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
        cc.set_ssl_option(
            qssl::model::enums::ssl_option::DISABLE_SESSION_PERSISTENCE,
            false,
        );
        let run = |client: &SslConfiguration, server: &SslConfiguration| {
            let mut c =
                Connection::new(client, Mode::Client, Transport::Memory(Default::default()))
                    .unwrap();
            let mut s =
                Connection::new(server, Mode::Server, Transport::Memory(Default::default()))
                    .unwrap();
            let (mut rc, mut rs) = (Ok(Progress::WantRead), Ok(Progress::WantRead));
            for _ in 0..20 {
                if matches!(rc, Ok(Progress::WantRead | Progress::WantWrite)) {
                    rc = c.handshake();
                }
                if matches!(rs, Ok(Progress::WantRead | Progress::WantWrite)) {
                    rs = s.handshake();
                }
                let out: Vec<u8> = c.memory().unwrap().outbound.drain(..).collect();
                s.memory().unwrap().inbound.extend(out);
                let out: Vec<u8> = s.memory().unwrap().outbound.drain(..).collect();
                c.memory().unwrap().inbound.extend(out);
            }
            assert_eq!(rc.unwrap(), Progress::Done);
            assert_eq!(rs.unwrap(), Progress::Done);
            s.write(b"x").unwrap();
            let out: Vec<u8> = s.memory().unwrap().outbound.drain(..).collect();
            c.memory().unwrap().inbound.extend(out);
            let mut buf = [0u8; 4];
            let _ = c.read(&mut buf).unwrap();
            (c.session_resumed(), c.ssl_configuration())
        };
        let (resumed, saved) = run(&cc, &ca);
        assert!(!resumed);
        let (resumed, _) = run(&saved, &cb);
        assert!(resumed, "the second server resumed the first one's ticket");
        drop((ca, cb, saved, cc));
        // SAFETY: handles made above, freed once.
        unsafe {
            qssl_config_free(a);
            qssl_config_free(b);
        }
    })
}

#[test]
fn ticket_keys_wiped_hmac_key() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(
        ticket_keys_round(16),
        (0, 0),
        "a ticket HMAC key was freed unwiped"
    );
}

#[test]
fn ticket_keys_wiped_aes_key() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(
        ticket_keys_round(48),
        (0, 0),
        "a ticket AES key was freed unwiped"
    );
}
