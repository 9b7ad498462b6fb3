//! Hostile peers (issue 6): peers that send garbage, stop in the middle of a
//! record, send a certificate chain of more than 100 KB, renegotiate, offer
//! only TLS 1.0/1.1, or never answer. Each case must end in a clear status
//! within a bounded time, and repeating it must not leak: every allocation of
//! this test binary (Rust's and OpenSSL's, counted by the allocators
//! installed below) is back to its level after the repetitions.
//!
//! All peers run in this process on loopback sockets: raw TCP fakes on
//! threads, and real TLS peers built with the `openssl` crate, which can be
//! configured to misbehave in ways the command-line tools cannot (a 1000
//! certificate chain, a server-initiated renegotiation mid-stream).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{c_char, c_int, c_void};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use foreign_types::ForeignTypeRef;
use openssl::pkey::PKey;
use openssl::ssl::{Ssl, SslContext, SslContextBuilder, SslMethod, SslStream, SslVersion};
use openssl::x509::X509;
use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::Transport;
use qssl::engine::{Connection, Mode};
use qssl::model::bytes::OptBytes;
use qssl::model::config::SslConfiguration;

// ---- allocation accounting ----------------------------------------------------------

/// Live bytes allocated through Rust's global allocator.
static RUST_LIVE: AtomicI64 = AtomicI64::new(0);
/// Live blocks allocated by OpenSSL (CRYPTO_malloc and friends).
static OSSL_LIVE: AtomicI64 = AtomicI64::new(0);

struct Counting;

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            RUST_LIVE.fetch_add(l.size() as i64, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        RUST_LIVE.fetch_sub(l.size() as i64, Ordering::Relaxed);
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            RUST_LIVE.fetch_add(new as i64 - l.size() as i64, Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

unsafe extern "C" {
    fn CRYPTO_set_mem_functions(
        m: unsafe extern "C" fn(usize, *const c_char, c_int) -> *mut c_void,
        r: unsafe extern "C" fn(*mut c_void, usize, *const c_char, c_int) -> *mut c_void,
        f: unsafe extern "C" fn(*mut c_void, *const c_char, c_int),
    ) -> c_int;
    fn SSL_renegotiate(ssl: *mut openssl_sys::SSL) -> c_int;
}

unsafe extern "C" fn ossl_malloc(n: usize, _: *const c_char, _: c_int) -> *mut c_void {
    // SAFETY: plain malloc.
    let p = unsafe { libc::malloc(n) };
    if !p.is_null() {
        OSSL_LIVE.fetch_add(1, Ordering::Relaxed);
    }
    p
}

unsafe extern "C" fn ossl_realloc(
    p: *mut c_void,
    n: usize,
    _: *const c_char,
    _: c_int,
) -> *mut c_void {
    if p.is_null() {
        // SAFETY: as malloc.
        return unsafe { ossl_malloc(n, std::ptr::null(), 0) };
    }
    if n == 0 {
        OSSL_LIVE.fetch_sub(1, Ordering::Relaxed);
        // SAFETY: p came from these functions.
        unsafe { libc::free(p) };
        return std::ptr::null_mut();
    }
    // SAFETY: p came from these functions.
    unsafe { libc::realloc(p, n) }
}

unsafe extern "C" fn ossl_free(p: *mut c_void, _: *const c_char, _: c_int) {
    if !p.is_null() {
        OSSL_LIVE.fetch_sub(1, Ordering::Relaxed);
    }
    // SAFETY: p is NULL or came from these functions.
    unsafe { libc::free(p) }
}

/// Installs the counting OpenSSL allocator before main, i.e. before OpenSSL
/// allocates anything (CRYPTO_set_mem_functions only works then).
extern "C" fn install_ossl_counter() {
    // SAFETY: called once, before any OpenSSL allocation.
    unsafe { CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free) };
}

#[used]
#[unsafe(link_section = ".init_array")]
static INSTALL: extern "C" fn() = install_ossl_counter;

/// The tests share the counters, so they run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// True during the measured runs: scenarios print only in the warm-up run
/// (the test harness keeps captured output, which would count as growth).
static MEASURING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Upper bound for one hostile scenario.
const BOUND: Duration = Duration::from_secs(10);

/// Runs `scenario` once to warm caches (system roots, cipher tables), then
/// `n` more times, and checks that the live allocations did not grow.
fn no_leak(name: &str, n: usize, scenario: impl Fn()) {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let t = Instant::now();
    scenario();
    assert!(t.elapsed() < BOUND, "{name}: took {:?}", t.elapsed());
    // Settle: thread-exit destructors of the peer threads have run (joined).
    let (r0, o0) = (
        RUST_LIVE.load(Ordering::SeqCst),
        OSSL_LIVE.load(Ordering::SeqCst),
    );
    MEASURING.store(true, Ordering::SeqCst);
    for _ in 0..n {
        let t = Instant::now();
        scenario();
        assert!(t.elapsed() < BOUND, "{name}: took {:?}", t.elapsed());
    }
    MEASURING.store(false, Ordering::SeqCst);
    let (r1, o1) = (
        RUST_LIVE.load(Ordering::SeqCst),
        OSSL_LIVE.load(Ordering::SeqCst),
    );
    eprintln!("{name}: Rust live bytes {r0} -> {r1}, OpenSSL live blocks {o0} -> {o1}");
    // A leak per run would show n times; allow a little slack for lazily
    // created per-thread state.
    assert!(
        r1 - r0 < 4096,
        "{name}: Rust heap grew by {} bytes over {n} runs",
        r1 - r0
    );
    assert!(
        o1 - o0 < 16,
        "{name}: OpenSSL kept {} more blocks over {n} runs",
        o1 - o0
    );
}

// ---- in-process TLS peers --------------------------------------------------------------

fn x509(name: &str) -> X509 {
    X509::from_pem(&fixture(name)).unwrap()
}

/// An OpenSSL server context with server.pem, configured further by `f`.
fn ossl_server_ctx(f: impl FnOnce(&mut SslContextBuilder)) -> SslContext {
    let mut b = SslContext::builder(SslMethod::tls_server()).unwrap();
    b.set_certificate(&x509("server.pem")).unwrap();
    b.set_private_key(&PKey::private_key_from_pem(&fixture("server-key.pem")).unwrap())
        .unwrap();
    f(&mut b);
    b.build()
}

/// Lowers a context's security level so that it speaks TLS 1.0/1.1.
fn allow_old(b: &mut SslContextBuilder) {
    // SAFETY: a live context builder.
    unsafe { openssl_sys::SSL_CTX_set_security_level(b.as_ptr(), 0) };
    b.set_cipher_list("DEFAULT:@SECLEVEL=0").unwrap();
}

/// A one-connection OpenSSL server on a thread: accepts, handshakes, then
/// runs `after` on the stream. The thread's result is the handshake's.
fn ossl_server(
    ctx: SslContext,
    after: impl FnOnce(&mut SslStream<TcpStream>) + Send + 'static,
) -> (u16, std::thread::JoinHandle<Result<(), String>>) {
    fake_server(move |tcp| {
        let ssl = Ssl::new(&ctx).map_err(|e| e.to_string())?;
        let mut s = ssl.accept(tcp).map_err(|e| e.to_string())?;
        after(&mut s);
        Ok(())
    })
}

fn client_cfg() -> SslConfiguration {
    client_config()
}

/// A qssl client handshake to `port`; returns the connection and its result,
/// checking the time bound.
fn qssl_client(cfg: &SslConfiguration, port: u16) -> (Tls, Result<(), Error>) {
    let t = Instant::now();
    let r = client(cfg, port);
    assert!(t.elapsed() < BOUND, "handshake took {:?}", t.elapsed());
    r
}

fn mentions(e: &Error, any: &[&str]) -> bool {
    let m = e.to_string().to_lowercase();
    any.iter().any(|w| m.contains(&w.to_lowercase()))
}

// ---- garbage ------------------------------------------------------------------------------

/// A megabyte of pseudo-random bytes (a fixed seed: reproducible).
fn noise(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

#[test]
fn garbage_flood_to_qssl_server() {
    no_leak("garbage_flood_to_qssl_server", 3, || {
        let (l, port) = listen();
        let h = std::thread::spawn(move || {
            let mut s = connect(port);
            let _ = s.write_all(&noise(1 << 20, 0x9e37_79b9_7f4a_7c15));
        });
        let tcp = accept(&l, None);
        let (t, r) = server_over(&server_config(), tcp);
        let e = r.expect_err("garbage must not complete a handshake");
        assert!(matches!(e, Error::Tls(_)), "{e:?}");
        drop(t);
        h.join().unwrap();
    });
}

#[test]
fn garbage_after_valid_record_header() {
    // A well-formed handshake record header announcing a ServerHello,
    // followed by random bytes and then end of file.
    no_leak("garbage_after_valid_record_header", 3, || {
        let (port, h) = fake_server(|mut s| {
            let _ = read_record(&mut s);
            let mut rec = vec![22, 3, 3, 0x40, 0x00, 2, 0, 0x3f, 0xfc];
            rec.extend(noise(0x4000 - 4, 7));
            let _ = s.write_all(&rec);
        });
        let (_t, r) = qssl_client(&client_cfg(), port);
        let e = r.expect_err("must fail");
        assert!(matches!(e, Error::Tls(_) | Error::Closed(_)), "{e:?}");
        h.join().unwrap();
    });
}

#[test]
fn memory_transport_garbage_both_sides() {
    // No sockets: random chunks fed into a client and a server; each must
    // fail with a TLS error and never panic.
    no_leak("memory_transport_garbage_both_sides", 5, || {
        for (mode, cfg) in [
            (Mode::Client, client_cfg()),
            (Mode::Server, server_config()),
        ] {
            let mut c = Connection::new(&cfg, mode, Transport::Memory(Default::default())).unwrap();
            let mut last = c.handshake();
            for (i, chunk) in noise(8192, 42).chunks(700).enumerate() {
                c.memory().unwrap().inbound.extend(chunk);
                c.memory().unwrap().outbound.clear();
                last = c.handshake();
                if last.is_err() {
                    break;
                }
                assert!(i < 12, "still handshaking after 8 KB of noise");
            }
            let e = last.expect_err("noise must fail");
            assert!(matches!(e, Error::Tls(_)), "{e:?}");
            // The failure is sticky and the connection stays usable for queries.
            assert!(c.handshake().is_err());
            assert!(!c.is_encrypted());
        }
    });
}

// ---- stops in the middle ------------------------------------------------------------------------

#[test]
fn server_stops_mid_record_and_stalls() {
    // Half of a real ServerHello record, then silence (the socket stays
    // open): the blocking client ends with its receive time-out.
    no_leak("server_stops_mid_record_and_stalls", 1, || {
        let (port, h) = fake_server(|mut s| {
            let _ = read_record(&mut s);
            let _ = s.write_all(&[22, 3, 3, 0, 90, 2, 0, 0, 86, 3, 3, 1, 2, 3]);
            std::thread::sleep(IO_TIMEOUT + Duration::from_millis(500));
        });
        let t = Instant::now();
        let (_t, r) = qssl_client(&client_cfg(), port);
        let e = r.expect_err("must time out");
        assert!(matches!(e, Error::Io(_)), "{e:?}");
        assert!(mentions(&e, &["timed out", "time-out"]), "{e}");
        assert!(t.elapsed() >= IO_TIMEOUT - Duration::from_millis(200));
        h.join().unwrap();
    });
}

#[test]
fn client_stops_mid_client_hello() {
    // A client that sends a third of a real ClientHello and stalls: the
    // qssl server with a receive time-out ends with an I/O error.
    no_leak("client_stops_mid_client_hello", 1, || {
        let mut probe = Connection::new(
            &client_cfg(),
            Mode::Client,
            Transport::Memory(Default::default()),
        )
        .unwrap();
        let _ = probe.handshake();
        let hello: Vec<u8> = probe.memory().unwrap().outbound.drain(..).collect();
        drop(probe);
        let (l, port) = listen();
        let h = std::thread::spawn(move || {
            let mut s = connect(port);
            let _ = s.write_all(&hello[..hello.len() / 3]);
            std::thread::sleep(IO_TIMEOUT + Duration::from_millis(500));
        });
        let tcp = accept(&l, None);
        let (_t, r) = server_over(&server_config(), tcp);
        let e = r.expect_err("must time out");
        assert!(matches!(e, Error::Io(_)), "{e:?}");
        h.join().unwrap();
    });
}

// ---- a huge certificate chain ------------------------------------------------------------------

#[test]
fn server_sends_huge_certificate_chain() {
    // 1000 copies of the intermediate after the leaf: over 100 KB of
    // certificates. OpenSSL's client limit (100 KB) refuses it cleanly.
    no_leak("server_sends_huge_certificate_chain", 2, || {
        let inter = x509("inter.pem");
        let ctx = ossl_server_ctx(|b| {
            for _ in 0..1000 {
                b.add_extra_chain_cert(inter.clone()).unwrap();
            }
        });
        let (port, h) = ossl_server(ctx, |_| {});
        let (_t, r) = qssl_client(&client_cfg(), port);
        let e = r.expect_err("a 1000-certificate chain must be refused");
        assert!(matches!(e, Error::Tls(_)), "{e:?}");
        assert!(
            mentions(&e, &["excessive message size", "too long", "length"]),
            "{e}"
        );
        let _ = h.join().unwrap();
    });
}

#[test]
fn client_sends_huge_certificate_chain() {
    // The same chain from a client to a qssl server that asks for one.
    no_leak("client_sends_huge_certificate_chain", 2, || {
        let (l, port) = listen();
        let h = std::thread::spawn(move || {
            let inter = x509("inter.pem");
            let mut b = SslContext::builder(SslMethod::tls_client()).unwrap();
            b.set_certificate(&x509("client.pem")).unwrap();
            b.set_private_key(&PKey::private_key_from_pem(&fixture("client-key.pem")).unwrap())
                .unwrap();
            for _ in 0..1000 {
                b.add_extra_chain_cert(inter.clone()).unwrap();
            }
            b.set_verify(openssl::ssl::SslVerifyMode::NONE);
            let ssl = Ssl::new(&b.build()).unwrap();
            let tcp = connect(port);
            ssl.connect(tcp).map(|_| ()).map_err(|e| e.to_string())
        });
        let mut cfg = server_config();
        cfg.set_peer_verify_mode(qssl::model::enums::verify_mode::VERIFY_PEER);
        cfg.set_ca_certificates(std::sync::Arc::from(vec![cert("ca.pem")]));
        let tcp = accept(&l, None);
        let (_t, r) = server_over(&cfg, tcp);
        let e = r.expect_err("a 1000-certificate chain must be refused");
        assert!(matches!(e, Error::Tls(_)), "{e:?}");
        let _ = h.join().unwrap();
    });
}

// ---- renegotiation ----------------------------------------------------------------------------

#[test]
fn server_initiated_renegotiation() {
    // A TLS 1.2 server sends data, asks for a renegotiation (HelloRequest),
    // then sends more. qssl either renegotiates securely (RFC 5746) and keeps
    // reading, or refuses: either way the read ends cleanly in bounded time.
    no_leak("server_initiated_renegotiation", 2, || {
        let ctx = ossl_server_ctx(|b| {
            b.set_max_proto_version(Some(SslVersion::TLS1_2)).unwrap();
        });
        let (port, h) = ossl_server(ctx, |s| {
            let _ = s.write_all(b"before\n");
            // SAFETY: a live SSL of a completed TLS 1.2 handshake.
            unsafe { SSL_renegotiate(s.ssl().as_ptr()) };
            let _ = s.do_handshake();
            let _ = s.write_all(b"after\n");
            let mut b = [0u8; 16];
            let _ = s.read(&mut b);
        });
        let (mut t, r) = qssl_client(&client_cfg(), port);
        r.expect("the first handshake succeeds");
        assert_eq!(t.conn.ssl_configuration().session_protocol(), 2);
        t.read_until(b"before\n");
        let start = Instant::now();
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        let outcome = loop {
            match t.conn.read(&mut buf) {
                Ok((Progress::Done, n)) => {
                    got.extend_from_slice(&buf[..n]);
                    if contains(&got, b"after\n") {
                        break Ok(());
                    }
                }
                Ok((p, _)) => break Err(format!("blocking read returned {p:?}")),
                Err(e) => break Err(e.to_string()),
            }
            assert!(start.elapsed() < BOUND, "renegotiation did not end");
        };
        if !MEASURING.load(Ordering::SeqCst) {
            eprintln!("renegotiation outcome: {outcome:?}");
        }
        if let Err(m) = &outcome {
            assert!(!m.contains("panic"), "{m}");
            assert!(!m.contains("returned Want"), "{m}");
        }
        drop(t);
        let _ = h.join().unwrap();
    });
}

#[test]
fn renegotiation_reports_the_judged_handshake() {
    // The session state is read from the SSL when first asked for; a
    // renegotiation to another certificate (and so another cipher) before
    // that ask must not change what is reported: the first handshake's
    // state, the one whose peer was judged.
    no_leak("renegotiation_reports_the_judged_handshake", 2, || {
        let ctx = ossl_server_ctx(|b| {
            b.set_max_proto_version(Some(SslVersion::TLS1_2)).unwrap();
            b.set_options(openssl::ssl::SslOptions::NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
        });
        let (port, h) = ossl_server(ctx, |s| {
            let _ = s.write_all(b"before\n");
            let cert = x509("server-ec.pem");
            let key = PKey::private_key_from_pem(&fixture("server-ec-key.pem")).unwrap();
            let ecdsa = c"ECDHE-ECDSA-AES128-GCM-SHA256";
            // SAFETY: a live SSL, certificate and key (the SSL takes
            // references) and a NUL-terminated cipher list.
            unsafe {
                let ssl = s.ssl().as_ptr();
                assert_eq!(openssl_sys::SSL_use_certificate(ssl, cert.as_ptr()), 1);
                assert_eq!(openssl_sys::SSL_use_PrivateKey(ssl, key.as_ptr()), 1);
                assert_eq!(openssl_sys::SSL_set_cipher_list(ssl, ecdsa.as_ptr()), 1);
                SSL_renegotiate(ssl);
            }
            let _ = s.do_handshake();
            let _ = s.write_all(b"after\n");
            // The client's next write completes the renegotiation.
            let mut b = [0u8; 16];
            let _ = s.read(&mut b);
            let _ = s.write_all(b"done\n");
            let _ = s.read(&mut b);
        });
        let (mut t, r) = qssl_client(&client_cfg(), port);
        r.expect("the first handshake succeeds");
        t.read_until(b"before\n");
        t.read_until(b"after\n");
        assert_eq!(t.conn.write(b"ping\n").unwrap(), (Progress::Done, 5));
        t.read_until(b"done\n");
        // The renegotiation happened: the SSL now holds the ECDSA certificate.
        let now = t.conn.ssl().peer_certificate().expect("a peer certificate");
        let der = |name: &str| x509(name).to_der().unwrap();
        assert_eq!(now.to_der().unwrap(), der("server-ec.pem"));
        let c = t.conn.ssl_configuration();
        let reported = c.peer_certificate().x509().unwrap().to_der().unwrap();
        assert_eq!(reported, der("server.pem"));
        let first = c.peer_certificate_chain()[0]
            .x509()
            .unwrap()
            .to_der()
            .unwrap();
        assert_eq!(first, der("server.pem"));
        let cipher = t.conn.session_cipher();
        assert!(cipher.name().contains("RSA"), "{}", cipher.name());
        assert_eq!(c.session_cipher().name(), cipher.name());
        assert_eq!(t.conn.session_protocol(), 2);
        drop(t);
        let _ = h.join().unwrap();
    });
}

#[test]
fn client_initiated_renegotiation_to_qssl_server() {
    // A TLS 1.2 client renegotiates after the handshake; the qssl server
    // must answer or refuse cleanly, never hang or crash.
    no_leak("client_initiated_renegotiation_to_qssl_server", 2, || {
        let (l, port) = listen();
        let h = std::thread::spawn(move || -> Result<String, String> {
            let mut b = SslContext::builder(SslMethod::tls_client()).unwrap();
            b.set_max_proto_version(Some(SslVersion::TLS1_2)).unwrap();
            b.set_verify(openssl::ssl::SslVerifyMode::NONE);
            let ssl = Ssl::new(&b.build()).unwrap();
            let mut s = ssl.connect(connect(port)).map_err(|e| e.to_string())?;
            // SAFETY: a live SSL of a completed TLS 1.2 handshake.
            unsafe { SSL_renegotiate(s.ssl().as_ptr()) };
            let r = s.do_handshake().map_err(|e| e.to_string());
            let _ = s.write_all(b"ping\n");
            Ok(format!("{r:?}"))
        });
        let tcp = accept(&l, None);
        let (mut t, r) = server_over(&server_config(), tcp);
        r.expect("the first handshake succeeds");
        let mut buf = [0u8; 64];
        let start = Instant::now();
        let outcome = loop {
            match t.conn.read(&mut buf) {
                Ok((Progress::Done, n)) if contains(&buf[..n], b"ping") => break Ok(()),
                Ok((Progress::Done, _)) => {}
                Ok((p, _)) => break Err(format!("blocking read returned {p:?}")),
                Err(e) => break Err(e.to_string()),
            }
            assert!(start.elapsed() < BOUND);
        };
        if !MEASURING.load(Ordering::SeqCst) {
            eprintln!("server-side renegotiation outcome: {outcome:?}");
        }
        drop(t);
        let _ = h.join().unwrap();
    });
}

// ---- downgrade ---------------------------------------------------------------------------------

#[test]
fn tls10_and_tls11_servers_are_refused() {
    for v in [SslVersion::TLS1, SslVersion::TLS1_1] {
        no_leak(&format!("downgrade to {v:?}"), 2, || {
            let ctx = ossl_server_ctx(|b| {
                allow_old(b);
                b.set_min_proto_version(Some(v)).unwrap();
                b.set_max_proto_version(Some(v)).unwrap();
            });
            let (port, h) = ossl_server(ctx, |_| {});
            let (_t, r) = qssl_client(&client_cfg(), port);
            let e = r.expect_err("an old protocol must be refused");
            assert!(matches!(e, Error::Tls(_)), "{e:?}");
            assert!(mentions(&e, &["protocol", "version"]), "{e}");
            let server = h.join().unwrap();
            assert!(
                server.is_err(),
                "the old server must not complete: {server:?}"
            );
        });
    }
}

#[test]
fn tls11_client_is_refused_by_qssl_server() {
    no_leak("tls11_client_is_refused_by_qssl_server", 2, || {
        let (l, port) = listen();
        let h = std::thread::spawn(move || {
            let mut b = SslContext::builder(SslMethod::tls_client()).unwrap();
            allow_old(&mut b);
            b.set_min_proto_version(Some(SslVersion::TLS1)).unwrap();
            b.set_max_proto_version(Some(SslVersion::TLS1_1)).unwrap();
            b.set_verify(openssl::ssl::SslVerifyMode::NONE);
            let ssl = Ssl::new(&b.build()).unwrap();
            ssl.connect(connect(port))
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        let tcp = accept(&l, None);
        let (_t, r) = server_over(&server_config(), tcp);
        let e = r.expect_err("TLS 1.1 must be refused");
        assert!(mentions(&e, &["protocol", "version"]), "{e}");
        assert!(h.join().unwrap().is_err());
    });
}

// ---- silence -----------------------------------------------------------------------------------

#[test]
fn peer_never_answers_memory_transport() {
    // On the memory transport "never answers" is the application's clock:
    // the handshake keeps reporting WantRead without consuming anything or
    // growing, and freeing it mid-handshake is clean.
    no_leak("peer_never_answers_memory_transport", 5, || {
        let mut c = Connection::new(
            &client_cfg(),
            Mode::Client,
            Transport::Memory(Default::default()),
        )
        .unwrap();
        assert_eq!(c.handshake().unwrap(), Progress::WantRead);
        let hello = c.memory().unwrap().outbound.len();
        assert!(hello > 0);
        for _ in 0..100 {
            assert_eq!(c.handshake().unwrap(), Progress::WantRead);
        }
        assert_eq!(
            c.memory().unwrap().outbound.len(),
            hello,
            "nothing more is sent"
        );
    });
}

// ---- hostile configuration values ----------------------------------------------------------------

#[test]
fn backend_option_with_invalid_utf8_value() {
    // Found by the backend fuzz target: OpenSSL copies a rejected value into
    // its error text, which the openssl crate could not read (a panic).
    no_leak("backend_option_with_invalid_utf8_value", 3, || {
        let mut cfg = server_config();
        cfg.set_backend_configuration_option(
            b"Options",
            qssl::model::config::BackendValue::Bytes(OptBytes::from(
                &b"-SessionTicket,\x91\x99"[..],
            )),
        );
        let r = Connection::new(&cfg, Mode::Server, Transport::Memory(Default::default()));
        let e = r.err().expect("the value must be refused");
        assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");
        assert!(e.to_string().contains("Options"), "{e}");
    });
}
