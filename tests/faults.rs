//! Faults: broken, hostile, silent or misconfigured peers. Every case must end
//! in a clear error within a bounded time, never hang. Raw-TCP fakes run on
//! threads; real TLS peers are the `openssl` command-line tool.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::Transport;
use qssl::engine::{Connection, Mode};
use qssl::model::config::SslConfiguration;
use qssl::model::enums::{protocol, verify_mode};

/// Upper bound for any single failing handshake in this file.
const BOUND: Duration = Duration::from_secs(8);

/// Runs a qssl client handshake against 127.0.0.1:`port`; it must fail
/// within [`BOUND`]. Returns the connection and the error.
fn failing_client(config: &SslConfiguration, port: u16) -> (Tls, Error) {
    let start = Instant::now();
    let (t, r) = client(config, port);
    let took = start.elapsed();
    let e = r.expect_err("the handshake must fail");
    assert!(took < BOUND, "took {took:?}: {e}");
    eprintln!("error after {took:?}: {e:?}");
    (t, e)
}

fn assert_mentions(e: &Error, any_of: &[&str]) {
    let m = e.to_string().to_lowercase();
    assert!(
        any_of.iter().any(|w| m.contains(&w.to_lowercase())),
        "error {e:?} mentions none of {any_of:?}"
    );
}

/// Reads the client's first flight (the ClientHello record).
fn read_client_hello(s: &mut TcpStream) -> Vec<u8> {
    let rec = read_record(s).expect("a ClientHello record");
    assert_eq!(rec[0], 22, "a handshake record");
    assert_eq!(rec[5], 1, "a ClientHello");
    rec
}

// ---- broken transports (raw TCP fakes) --------------------------------------------------------

#[test]
fn peer_closes_mid_handshake() {
    let (port, h) = fake_server(|mut s| {
        read_client_hello(&mut s);
        // Dropping the stream closes it (FIN) without an answer.
    });
    let (_t, e) = failing_client(&client_config(), port);
    h.join().unwrap();
    assert!(matches!(e, Error::Tls(_) | Error::Closed(_)), "{e:?}");
    assert_mentions(&e, &["unexpected eof", "closed the connection"]);
}

#[test]
fn peer_resets_mid_handshake() {
    let (port, h) = fake_server(|mut s| {
        read_client_hello(&mut s);
        // SO_LINGER 0: close() sends RST instead of FIN.
        let l = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: valid socket and option buffer of the right size.
        let rc = unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&l as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        assert_eq!(rc, 0);
    });
    let (_t, e) = failing_client(&client_config(), port);
    h.join().unwrap();
    assert!(matches!(e, Error::Io(_)), "{e:?}");
    assert_mentions(&e, &["reset"]);
}

#[test]
fn garbage_instead_of_server_hello() {
    let (port, h) = fake_server(|mut s| {
        read_client_hello(&mut s);
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        // Keep the stream open until the client gives up.
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    let (t, e) = failing_client(&client_config(), port);
    drop(t);
    h.join().unwrap();
    assert!(matches!(e, Error::Tls(_)), "{e:?}");
    assert_mentions(&e, &["wrong version number", "record", "packet length"]);
}

#[test]
fn truncated_record() {
    let (port, h) = fake_server(|mut s| {
        read_client_hello(&mut s);
        // A handshake record announcing 100 bytes, followed by only 10, then EOF.
        let mut rec = vec![22, 3, 3, 0, 100];
        rec.extend_from_slice(&[2, 0, 0, 96, 3, 3, 0, 0, 0, 0]);
        s.write_all(&rec).unwrap();
    });
    let (_t, e) = failing_client(&client_config(), port);
    h.join().unwrap();
    assert!(matches!(e, Error::Tls(_) | Error::Closed(_)), "{e:?}");
    assert_mentions(&e, &["unexpected eof", "closed the connection"]);
}

#[test]
fn garbage_from_client_to_qssl_server() {
    let (l, port) = listen();
    let h = std::thread::spawn(move || {
        let mut s = connect(port);
        s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    let start = Instant::now();
    let (t, r) = server_over(&server_config(), accept(&l, None));
    let e = r.expect_err("an HTTP request is not a ClientHello");
    eprintln!("error: {e:?}");
    assert!(start.elapsed() < BOUND);
    drop(t);
    h.join().unwrap();
    assert!(matches!(e, Error::Tls(_)), "{e:?}");
    assert_mentions(&e, &["http request", "wrong version number"]);
}

// ---- silent peers ------------------------------------------------------------------------------------

/// A peer that accepts and reads the ClientHello but never answers. On a
/// blocking socket with a receive time-out the handshake ends with an I/O
/// error naming the time-out (not a want-read state a blocking caller
/// could not act on).
#[test]
fn peer_never_answers_blocking_with_timeout() {
    let (port, h) = fake_server(|mut s| {
        read_client_hello(&mut s);
        // Silent until the client closes.
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    let tcp = connect(port);
    tcp.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let start = Instant::now();
    let (t, r) = client_over(&client_config(), tcp, |c| {
        c.set_peer_verify_name("localhost").unwrap()
    });
    let took = start.elapsed();
    let e = r.expect_err("a silent peer must time out");
    eprintln!("error: {e:?}");
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert!(matches!(e, Error::Io(_)), "{e:?}");
    assert_mentions(&e, &["timed out"]);
    // The failure sticks: another call reports it again at once.
    let mut t = t;
    let again = t.conn.handshake().expect_err("still failed");
    assert_eq!(again, e);
    drop(t); // closes the socket, which ends the fake peer
    h.join().unwrap();
}

/// The same silent peer on a non-blocking socket: the handshake reports
/// WantRead and the application's own poll time-out ends the attempt.
#[test]
fn peer_never_answers_non_blocking() {
    let (port, h) = fake_server(|mut s| {
        read_client_hello(&mut s);
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    let tcp = connect(port);
    tcp.set_nonblocking(true).unwrap();
    let mut conn = Connection::new(
        &client_config(),
        Mode::Client,
        Transport::Fd(tcp.as_raw_fd()),
    )
    .unwrap();
    conn.set_peer_verify_name("localhost").unwrap();
    let deadline = Instant::now() + Duration::from_millis(600);
    let mut wants = 0;
    loop {
        match conn.handshake() {
            Ok(Progress::WantRead) => wants += 1,
            other => panic!("expected WantRead from a silent peer, got {other:?}"),
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let mut pfd = libc::pollfd {
            fd: tcp.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, left.as_millis() as i32) };
        assert!(n >= 0);
        if n == 0 {
            break; // the application's time-out: give up
        }
    }
    assert!(wants >= 1);
    assert!(!conn.is_encrypted());
    drop(conn);
    drop(tcp);
    h.join().unwrap();
}

/// A client that connects and sends nothing: the blocking qssl server with
/// a receive time-out fails with an I/O error.
#[test]
fn silent_client_to_qssl_server() {
    let (l, port) = listen();
    let h = std::thread::spawn(move || {
        let mut s = connect(port);
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    let tcp = accept(&l, None);
    tcp.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let start = Instant::now();
    let (t, r) = server_over(&server_config(), tcp);
    let e = r.expect_err("must time out");
    eprintln!("error: {e:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(matches!(e, Error::Io(_)), "{e:?}");
    assert_mentions(&e, &["timed out"]);
    drop(t);
    h.join().unwrap();
}

// ---- real TLS peers that refuse ------------------------------------------------------------------------

fn s_server_with(cert_file: &str, key_file: &str, extra: &[&str]) -> (Peer, u16) {
    let mut a = vec![
        "-cert".to_string(),
        fixture_path(cert_file),
        "-key".into(),
        fixture_path(key_file),
        "-rev".into(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    openssl_server(&a)
}

#[test]
fn wrong_psk_tls12() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (_peer, port) = openssl_server(&[
        "-nocert",
        "-rev",
        "-psk",
        "00112233445566778899aabbccddeeff",
        "-tls1_2",
        "-cipher",
        "PSK-AES128-GCM-SHA256",
    ]);
    let h = RecordingPsk::new(b"Client_identity", b"not the server's key");
    let mut cc = SslConfiguration::default_configuration();
    cc.set_protocol(protocol::TLS_V1_2);
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    cc.set_ciphers_string("PSK-AES128-GCM-SHA256");
    cc.set_psk_handler(Some(h.clone()));
    let (t, e) = failing_client(&cc, port);
    assert_eq!(h.calls().len(), 1);
    // The server cannot decrypt our Finished: bad_record_mac (20).
    assert_eq!(t.conn.alert_received(), Some((2, 20)), "{e}");
    assert!(matches!(e, Error::Tls(_)), "{e:?}");
    assert_mentions(&e, &["bad record mac"]);
}

#[test]
fn wrong_psk_tls13() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (_peer, port) = openssl_server(&[
        "-nocert",
        "-rev",
        "-psk",
        "00112233445566778899aabbccddeeff",
    ]);
    let h = RecordingPsk::new(b"Client_identity", b"not the server's key");
    let mut cc = SslConfiguration::default_configuration();
    cc.set_protocol(protocol::TLS_V1_3);
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    cc.set_ciphers_string("TLS_AES_128_GCM_SHA256");
    cc.set_psk_handler(Some(h.clone()));
    let (t, e) = failing_client(&cc, port);
    // The binder does not verify; OpenSSL 3 answers illegal_parameter (47).
    assert_eq!(t.conn.alert_received(), Some((2, 47)), "{e}");
    assert_mentions(&e, &["illegal parameter"]);
}

#[test]
fn wrong_psk_qssl_server() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (l, port) = listen();
    let mut peer = Peer::spawn(
        "openssl",
        &[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-psk",
            "00112233445566778899aabbccddeeff",
            "-tls1_2",
        ],
    );
    let tcp = accept(&l, Some(&mut peer));
    let h = RecordingPsk::new(b"ignored", b"a different key");
    let mut sc = SslConfiguration::default_configuration();
    sc.set_protocol(protocol::TLS_V1_2);
    sc.set_ciphers_string("PSK-AES128-GCM-SHA256");
    sc.set_psk_handler(Some(h.clone()));
    let (t, r) = server_over(&sc, tcp);
    let e = r.expect_err("keys differ");
    eprintln!("error: {e:?}");
    assert_eq!(t.conn.alert_sent(), Some((2, 20)), "{e}");
    assert_mentions(&e, &["bad record mac"]);
    assert!(peer.wait_exit(Duration::from_secs(5)).is_some());
    assert!(
        peer.output().contains("bad record mac"),
        "{}",
        peer.output()
    );
}

#[test]
fn expired_server_certificate() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (_peer, port) = s_server_with("expired.pem", "expired-key.pem", &[]);
    let (t, e) = failing_client(&client_config(), port);
    assert!(matches!(e, Error::Verification(_)), "{e:?}");
    assert_eq!(error_codes(&t.conn), [6], "CertificateExpired: {e}");
    assert_mentions(&e, &["expired"]);
}

#[test]
fn untrusted_server_certificate() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (_peer, port) = s_server_with("selfsigned.pem", "selfsigned-key.pem", &[]);
    let (t, e) = failing_client(&client_config(), port);
    assert!(matches!(e, Error::Verification(_)), "{e:?}");
    assert_eq!(error_codes(&t.conn), [9], "SelfSignedCertificate: {e}");
    assert_mentions(&e, &["self signed", "self-signed"]);
}

#[test]
fn server_name_mismatch() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (_peer, port) = s_server_with("server.pem", "server-key.pem", &[]);
    let (t, r) = client_over(&client_config(), connect(port), |c| {
        c.set_peer_verify_name("not-localhost.example").unwrap()
    });
    let e = r.expect_err("wrong name");
    eprintln!("error: {e:?}");
    assert_eq!(error_codes(&t.conn), [22], "HostNameMismatch: {e}");
}

#[test]
fn client_certificate_required_but_missing() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (l, port) = listen();
    let mut peer = Peer::spawn(
        "openssl",
        &[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-CAfile",
            &fixture_path("ca.pem"),
            "-servername",
            "localhost",
            "-tls1_3",
        ],
    );
    let tcp = accept(&l, Some(&mut peer));
    let mut sc = server_config();
    sc.set_ca_certificates(Arc::from(vec![cert("ca.pem")]));
    sc.set_peer_verify_mode(verify_mode::VERIFY_PEER);
    sc.set_missing_certificate_is_fatal(true);
    let start = Instant::now();
    let (t, r) = server_over(&sc, tcp);
    let e = r.expect_err("no client certificate");
    eprintln!("error: {e:?}");
    assert!(start.elapsed() < BOUND);
    assert_eq!(
        t.conn.alert_sent(),
        Some((2, 116)),
        "certificate_required: {e}"
    );
    assert_mentions(&e, &["peer did not return a certificate"]);
    assert_mentions(&e, &["alert sent: certificate required (116)"]);
    peer.expect_output("certificate required", Duration::from_secs(5));
}

#[test]
fn protocol_version_mismatch() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (_peer, port) = s_server_with("server.pem", "server-key.pem", &["-tls1_3"]);
    let mut cc = client_config();
    cc.set_protocol(protocol::TLS_V1_2);
    let (t, e) = failing_client(&cc, port);
    assert_eq!(
        t.conn.alert_received(),
        Some((2, 70)),
        "protocol_version: {e}"
    );
    assert_mentions(&e, &["protocol version"]);
}
