//! Interoperability: qssl against TLS stacks it did not write — the
//! `openssl` command-line tool (s_server, s_client) and GnuTLS (gnutls-serv,
//! gnutls-cli) — over loopback TCP with the `Fd` transport on blocking
//! sockets. A test whose tool is missing prints why and passes.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use qssl::Error;
use qssl::model::bytes::OptBytes;
use qssl::model::config::SslConfiguration;
use qssl::model::enums::{npn_status, protocol, ssl_option, verify_mode};

const PSK_KEY: &[u8] = b"\x1a\x2b\x3c\x4d\x5e\x6f\x70\x81\x92\xa3\xb4\xc5\xd6\xe7\xf8\x09";
const PSK_IDENTITY: &[u8] = b"Client_identity"; // the openssl tools' default identity
const PSK_HINT: &str = "qssl-hint";
const EXIT: Duration = Duration::from_secs(5);

fn ca() -> String {
    fixture_path("ca.pem")
}

/// `s_server` arguments for a certificate server with server.pem.
fn cert_args() -> Vec<String> {
    vec![
        "-cert".into(),
        fixture_path("server.pem"),
        "-key".into(),
        fixture_path("server-key.pem"),
    ]
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn psk_client_config(proto: i32, ciphers: Option<&str>, h: Arc<RecordingPsk>) -> SslConfiguration {
    let mut c = SslConfiguration::default_configuration();
    c.set_protocol(proto);
    c.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    if let Some(s) = ciphers {
        c.set_ciphers_string(s);
    }
    c.set_psk_handler(Some(h));
    c
}

/// A server configuration without a certificate: only PSK suites can work.
fn psk_server_config(proto: i32, ciphers: Option<&str>, h: Arc<RecordingPsk>) -> SslConfiguration {
    let mut c = SslConfiguration::default_configuration();
    c.set_protocol(proto);
    if let Some(s) = ciphers {
        c.set_ciphers_string(s);
    }
    c.set_pre_shared_key_identity_hint(OptBytes::from(PSK_HINT.as_bytes()));
    c.set_psk_handler(Some(h));
    c
}

fn ok(r: Result<(), Error>, peer: &Peer) {
    if let Err(e) = r {
        panic!(
            "handshake failed: {e}\n`{}` output:\n{}",
            peer.name(),
            peer.output()
        );
    }
}

/// s_server -rev answers each line reversed.
fn reversed_echo(t: &mut Tls) {
    t.write_all(b"hello qssl\n");
    let got = t.read_until(b"lssq olleh");
    assert!(contains(&got, b"lssq olleh"), "{got:?}");
}

// ---- certificates against openssl s_server --------------------------------------------

fn openssl_server_certificate(version_flag: Option<&str>) -> Option<(Tls, SslConfiguration)> {
    if missing_tools(&["openssl"]) {
        return None;
    }
    let mut a = cert_args();
    a.push("-rev".into());
    if let Some(v) = version_flag {
        a.push(v.into());
    }
    let (peer, port) = openssl_server(&a);
    let (mut t, r) = client(&client_config(), port);
    ok(r, &peer);
    assert!(t.conn.ssl_errors().is_empty(), "{:?}", t.conn.ssl_errors());
    reversed_echo(&mut t);
    let s = t.state();
    let peer_cert = s.peer_certificate();
    assert_eq!(peer_cert, &cert("server.pem"));
    assert_eq!(subject_entry(peer_cert, "CN"), "localhost");
    assert_eq!(subject_entry(peer_cert, "OU"), "servers");
    assert_eq!(subject_entry(peer_cert, "O"), "qssl test");
    assert_eq!(s.peer_certificate_chain().len(), 1, "leaf only");
    assert!(!s.ephemeral_server_key().is_null());
    Some((t, s))
}

#[test]
fn openssl_server_tls13() {
    let Some((_t, s)) = openssl_server_certificate(None) else {
        return;
    };
    assert_eq!(s.session_protocol(), protocol::TLS_V1_3);
    assert_eq!(s.session_cipher().name(), "TLS_AES_256_GCM_SHA384");
}

#[test]
fn openssl_server_tls12() {
    let Some((_t, s)) = openssl_server_certificate(Some("-tls1_2")) else {
        return;
    };
    assert_eq!(s.session_protocol(), protocol::TLS_V1_2);
    assert_eq!(s.session_cipher().name(), "ECDHE-RSA-AES256-GCM-SHA384");
    assert_eq!(s.session_cipher().protocol(), protocol::TLS_V1_2);
}

#[test]
fn openssl_server_requires_client_certificate() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let mut a = cert_args();
    a.extend(args(&[
        "-rev",
        "-Verify",
        "1",
        "-verify_return_error",
        "-CAfile",
    ]));
    a.push(ca());
    let (mut peer, port) = openssl_server(&a);
    let mut cc = client_config();
    cc.set_local_certificate(cert("client.pem"));
    cc.set_private_key(key("client-key.pem"));
    let (mut t, r) = client(&cc, port);
    ok(r, &peer);
    reversed_echo(&mut t);
    peer.expect_output("CN = qssl test client", EXIT);
}

// ---- qssl server against openssl s_client -------------------------------------------------

/// Starts `openssl s_client` towards a fresh listener and accepts it.
fn s_client(extra: &[String]) -> (Peer, std::net::TcpStream) {
    let (l, port) = listen();
    let mut a = args(&["s_client", "-connect"]);
    a.push(format!("127.0.0.1:{port}"));
    a.extend(extra.iter().cloned());
    let mut peer = Peer::spawn("openssl", &a);
    let tcp = accept(&l, Some(&mut peer));
    (peer, tcp)
}

/// s_client arguments verifying the qssl server as "localhost".
fn verifying_client_args() -> Vec<String> {
    let mut a = args(&["-CAfile"]);
    a.push(ca());
    a.extend(args(&[
        "-verify_return_error",
        "-servername",
        "localhost",
        "-verify_hostname",
        "localhost",
    ]));
    a
}

/// App data both ways with a command-line client: its stdin reaches us, our
/// answer shows up in its output. Then it is told to quit (end of input).
fn exchange_with_cli(t: &mut Tls, peer: &mut Peer) {
    peer.send(b"ping from peer\n");
    t.read_until(b"ping from peer\n");
    t.write_all(b"pong from qssl\n");
    peer.expect_output("pong from qssl", EXIT);
    // End of input: the tool sends close_notify; answer it so it need not
    // wait for ours.
    peer.close_stdin();
    let end = t.read_to_close();
    assert!(matches!(end, Error::Closed(_)), "{end:?}");
    let _ = t.conn.shutdown();
    // s_client drains the socket until EOF (up to 0.5 s) before exiting.
    let _ = t.tcp.shutdown(std::net::Shutdown::Write);
    assert!(
        peer.wait_exit(EXIT).is_some(),
        "`{}` did not exit at end of input:\n{}",
        peer.name(),
        peer.output()
    );
}

#[test]
fn openssl_client_to_qssl_server() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (mut peer, tcp) = s_client(&verifying_client_args());
    let (mut t, r) = server_over(&server_config(), tcp);
    ok(r, &peer);
    let s = t.state();
    assert_eq!(s.session_protocol(), protocol::TLS_V1_3);
    assert_eq!(s.session_cipher().name(), "TLS_AES_256_GCM_SHA384");
    assert!(
        s.peer_certificate().is_null(),
        "s_client sent no certificate"
    );
    exchange_with_cli(&mut t, &mut peer);
    let out = peer.output();
    assert!(out.contains("Verify return code: 0 (ok)"), "{out}");
    assert!(out.contains("TLSv1.3"), "{out}");
}

#[test]
fn openssl_client_tls12_with_certificate_to_qssl_server() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let mut a = verifying_client_args();
    a.extend(args(&["-tls1_2", "-cert"]));
    a.push(fixture_path("client.pem"));
    a.push("-key".into());
    a.push(fixture_path("client-key.pem"));
    let (mut peer, tcp) = s_client(&a);
    let mut sc = server_config();
    sc.set_ca_certificates(Arc::from(vec![cert("ca.pem")]));
    sc.set_peer_verify_mode(verify_mode::VERIFY_PEER);
    let (mut t, r) = server_over(&sc, tcp);
    ok(r, &peer);
    let s = t.state();
    assert_eq!(s.session_protocol(), protocol::TLS_V1_2);
    assert_eq!(
        subject_entry(s.peer_certificate(), "CN"),
        "qssl test client"
    );
    // s_client completes its chain from -CAfile; a server reports the leaf
    // first, then what the client sent after it (as Qt).
    assert_eq!(s.peer_certificate_chain().len(), 2);
    assert_eq!(s.peer_certificate_chain()[1], cert("ca.pem"));
    assert!(t.conn.ssl_errors().is_empty(), "{:?}", t.conn.ssl_errors());
    exchange_with_cli(&mut t, &mut peer);
}

// ---- PSK with openssl ------------------------------------------------------------------------

fn psk_server_args(extra: &[&str]) -> Vec<String> {
    let mut a = args(&["-nocert", "-rev", "-psk"]);
    a.push(hex(PSK_KEY));
    a.extend(args(extra));
    a
}

#[test]
fn openssl_psk_tls12_qssl_client() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (peer, port) = openssl_server(&psk_server_args(&[
        "-psk_hint",
        PSK_HINT,
        "-tls1_2",
        "-cipher",
        "PSK-AES128-GCM-SHA256",
    ]));
    let h = RecordingPsk::new(PSK_IDENTITY, PSK_KEY);
    let cc = psk_client_config(protocol::TLS_V1_2, Some("PSK-AES128-GCM-SHA256"), h.clone());
    let (mut t, r) = client(&cc, port);
    ok(r, &peer);
    reversed_echo(&mut t);
    let calls = h.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].hint.as_slice(), PSK_HINT.as_bytes());
    let s = t.state();
    assert_eq!(s.session_protocol(), protocol::TLS_V1_2);
    assert_eq!(s.session_cipher().name(), "PSK-AES128-GCM-SHA256");
    assert!(s.peer_certificate().is_null());
    assert!(
        s.ephemeral_server_key().is_null(),
        "plain PSK: no ephemeral key"
    );
}

#[test]
fn openssl_psk_tls12_qssl_server() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let mut a = args(&["-psk"]);
    a.push(hex(PSK_KEY));
    a.push("-tls1_2".into());
    let (mut peer, tcp) = s_client(&a);
    let h = RecordingPsk::new(b"ignored", PSK_KEY);
    let sc = psk_server_config(protocol::TLS_V1_2, Some("PSK-AES128-GCM-SHA256"), h.clone());
    let (mut t, r) = server_over(&sc, tcp);
    ok(r, &peer);
    let calls = h.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].identity.as_slice(), PSK_IDENTITY);
    assert_eq!(calls[0].hint.as_slice(), PSK_HINT.as_bytes());
    assert_eq!(t.state().session_cipher().name(), "PSK-AES128-GCM-SHA256");
    exchange_with_cli(&mut t, &mut peer);
}

#[test]
fn openssl_psk_tls13_qssl_client() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (peer, port) = openssl_server(&psk_server_args(&[]));
    let h = RecordingPsk::new(PSK_IDENTITY, PSK_KEY);
    // s_server binds its -psk key to SHA-256; qssl binds the PSK to the hash
    // of its first TLS 1.3 suite, so offer a SHA-256 suite.
    let cc = psk_client_config(
        protocol::TLS_V1_3,
        Some("TLS_AES_128_GCM_SHA256"),
        h.clone(),
    );
    let (mut t, r) = client(&cc, port);
    ok(r, &peer);
    reversed_echo(&mut t);
    let calls = h.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(calls[0].hint.is_null(), "no hint in TLS 1.3");
    let s = t.state();
    assert_eq!(s.session_protocol(), protocol::TLS_V1_3);
    assert_eq!(s.session_cipher().name(), "TLS_AES_128_GCM_SHA256");
    assert!(s.peer_certificate().is_null());
}

#[test]
fn openssl_psk_tls13_qssl_server() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let mut a = args(&["-psk"]);
    a.push(hex(PSK_KEY));
    a.push("-tls1_3".into());
    let (mut peer, tcp) = s_client(&a);
    let h = RecordingPsk::new(b"ignored", PSK_KEY);
    let sc = psk_server_config(
        protocol::TLS_V1_3,
        Some("TLS_AES_128_GCM_SHA256"),
        h.clone(),
    );
    let (mut t, r) = server_over(&sc, tcp);
    ok(r, &peer);
    let calls = h.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].identity.as_slice(), PSK_IDENTITY);
    let s = t.state();
    assert_eq!(s.session_protocol(), protocol::TLS_V1_3);
    assert_eq!(s.session_cipher().name(), "TLS_AES_128_GCM_SHA256");
    exchange_with_cli(&mut t, &mut peer);
}

/// A SHA-384 external PSK: the tools' `-psk` cannot bind a key to SHA-384,
/// but `-psk_session` reads a session that can (made here with libssl).
/// qssl's default cipher list starts with TLS_AES_256_GCM_SHA384, so a
/// default configuration binds its PSK to SHA-384.
#[test]
fn openssl_psk_tls13_sha384() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let dir = TempDir::new("psk384");
    let sess = dir.write(
        "psk384.pem",
        tls13_psk_session_pem(PSK_KEY, [0x13, 0x02]).as_bytes(),
    );

    // qssl client -> s_server.
    let (peer, port) = openssl_server(&args(&[
        "-nocert",
        "-rev",
        "-psk_session",
        &sess,
        "-ciphersuites",
        "TLS_AES_256_GCM_SHA384",
    ]));
    let h = RecordingPsk::new(PSK_IDENTITY, PSK_KEY);
    // A SHA-384 external PSK: the client's TLS 1.3 list must hold no SHA-256
    // suite (qssl binds the PSK to SHA-256 whenever it offers one).
    let cc = psk_client_config(
        protocol::TLS_V1_3,
        Some("TLS_AES_256_GCM_SHA384"),
        h.clone(),
    );
    let (mut t, r) = client(&cc, port);
    ok(r, &peer);
    reversed_echo(&mut t);
    assert_eq!(h.calls().len(), 1);
    assert_eq!(t.state().session_cipher().name(), "TLS_AES_256_GCM_SHA384");
    drop(t);
    drop(peer);

    // s_client -> qssl server. A server without a certificate needs a
    // SHA-384-only suite list here: with a PSK callback and no certificate,
    // OpenSSL prefers SHA-256 suites (the TLS 1.3 default PSK hash), so with
    // the default list it would pick TLS_AES_128_GCM_SHA256 and refuse the
    // 48-byte binder (docs/INTEROP.md).
    let (mut peer, tcp) = s_client(&args(&["-psk_session", &sess, "-tls1_3"]));
    let h = RecordingPsk::new(b"ignored", PSK_KEY);
    let sc = psk_server_config(
        protocol::TLS_V1_3,
        Some("TLS_AES_256_GCM_SHA384"),
        h.clone(),
    );
    let (mut t, r) = server_over(&sc, tcp);
    ok(r, &peer);
    assert_eq!(h.calls()[0].identity.as_slice(), PSK_IDENTITY);
    assert_eq!(t.state().session_cipher().name(), "TLS_AES_256_GCM_SHA384");
    exchange_with_cli(&mut t, &mut peer);
}

// ---- ALPN ----------------------------------------------------------------------------------------

fn alpn(c: &mut SslConfiguration, list: &[&[u8]]) {
    c.set_allowed_next_protocols(list.iter().map(|p| OptBytes::from(*p)).collect());
}

#[test]
fn openssl_alpn_qssl_client() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let mut a = cert_args();
    a.extend(args(&["-rev", "-alpn", "h2,http/1.1"]));
    let (peer, port) = openssl_server(&a);

    // s_server picks by its own order: h2.
    let mut cc = client_config();
    alpn(&mut cc, &[b"http/1.1", b"h2"]);
    let (mut t, r) = client(&cc, port);
    ok(r, &peer);
    reversed_echo(&mut t);
    let s = t.state();
    assert_eq!(s.next_protocol_negotiation_status(), npn_status::NEGOTIATED);
    assert_eq!(s.next_negotiated_protocol().as_slice(), b"h2");
    drop(t);

    // Only one protocol in common.
    let mut cc = client_config();
    alpn(&mut cc, &[b"spdy/3", b"http/1.1"]);
    let (t, r) = client(&cc, port);
    ok(r, &peer);
    assert_eq!(t.state().next_negotiated_protocol().as_slice(), b"http/1.1");
    drop(t); // s_server serves one connection at a time

    // No overlap: s_server refuses with no_application_protocol (120).
    let mut cc = client_config();
    alpn(&mut cc, &[b"spdy/3"]);
    let (t, r) = client(&cc, port);
    let e = r.expect_err("no common protocol");
    assert_eq!(t.conn.alert_received(), Some((2, 120)), "{e}");
    assert!(e.to_string().contains("no application protocol"), "{e}");
}

#[test]
fn openssl_alpn_qssl_server() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let mut a = verifying_client_args();
    a.extend(args(&["-alpn", "http/1.1,h2"]));
    let (mut peer, tcp) = s_client(&a);
    let mut sc = server_config();
    alpn(&mut sc, &[b"h2", b"http/1.1"]);
    let (mut t, r) = server_over(&sc, tcp);
    ok(r, &peer);
    // qssl servers pick in the client's order (as Qt).
    let s = t.state();
    assert_eq!(s.next_protocol_negotiation_status(), npn_status::NEGOTIATED);
    assert_eq!(s.next_negotiated_protocol().as_slice(), b"http/1.1");
    exchange_with_cli(&mut t, &mut peer);
    assert!(
        peer.output().contains("ALPN protocol: http/1.1"),
        "{}",
        peer.output()
    );
}

// ---- resumption ------------------------------------------------------------------------------------

#[test]
fn openssl_resumption_qssl_client() {
    if missing_tools(&["openssl"]) {
        return;
    }
    for (flag, proto) in [
        ("-tls1_3", protocol::TLS_V1_3),
        ("-tls1_2", protocol::TLS_V1_2),
    ] {
        let mut a = cert_args();
        a.extend(args(&["-rev", flag]));
        let (peer, port) = openssl_server(&a);
        let mut cc = client_config();
        cc.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);
        let (mut t, r) = client(&cc, port);
        ok(r, &peer);
        assert!(!t.conn.session_resumed());
        // TLS 1.3 tickets arrive after the handshake: reading pulls them in.
        reversed_echo(&mut t);
        let saved = t.state();
        assert_eq!(saved.session_protocol(), proto, "{flag}");
        assert!(!saved.session_ticket().is_empty(), "{flag}: no ticket");
        if proto == protocol::TLS_V1_3 {
            assert!(t.conn.session_tickets_received() >= 1);
        }
        drop(t);

        let (mut t2, r) = client(&saved, port);
        ok(r, &peer);
        assert!(t2.conn.session_resumed(), "{flag}: not resumed");
        assert_eq!(t2.state().session_protocol(), proto);
        reversed_echo(&mut t2);
        drop(t2); // s_server serves one connection at a time

        // Persistence disabled (the default): no ticket, a full handshake.
        let (t3, r) = client(&client_config(), port);
        ok(r, &peer);
        assert!(t3.state().session_ticket().is_empty());
        assert!(!t3.conn.session_resumed());
    }
}

/// A client certificate a qssl server refused does not come back by
/// resumption: `openssl s_client` with an untrusted certificate keeps the
/// TLS 1.3 ticket the server issued before refusing, then offers it; the
/// resumed handshake reports the stored verification error and is refused.
#[test]
fn openssl_client_refused_certificate_cannot_resume() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let dir = TempDir::new("refused-resume");
    let sess = dir.join("session.pem").to_string_lossy().into_owned();
    let mut sc = server_config();
    sc.set_ca_certificates(Arc::from(vec![cert("ca.pem")]));
    sc.set_peer_verify_mode(verify_mode::VERIFY_PEER);
    let client_args = |extra: &[&str]| {
        let mut a = verifying_client_args();
        a.push("-cert".into());
        a.push(fixture_path("selfsigned.pem"));
        a.push("-key".into());
        a.push(fixture_path("selfsigned-key.pem"));
        a.extend(args(extra));
        a
    };

    let (mut peer, tcp) = s_client(&client_args(&["-sess_out", &sess]));
    let (t, r) = server_over(&sc, tcp);
    assert!(matches!(r, Err(Error::Verification(_))), "{r:?}");
    drop(t);
    peer.close_stdin();
    peer.wait_exit(EXIT);
    assert!(
        exists(std::path::Path::new(&sess)),
        "s_client saved no session: {}",
        peer.output()
    );

    let (peer, tcp) = s_client(&client_args(&["-sess_in", &sess]));
    let (t, r) = server_over(&sc, tcp);
    assert!(t.conn.session_resumed(), "not resumed: {}", peer.output());
    assert!(
        matches!(r, Err(Error::Verification(_))),
        "a resumed handshake accepted the refused certificate: {r:?}"
    );
    assert!(!t.conn.ssl_errors().is_empty());
}

#[test]
fn openssl_resumption_qssl_server() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let dir = TempDir::new("resume");
    let sess = dir.join("session.pem").to_string_lossy().into_owned();
    // One configuration (so one context and one ticket key) for both.
    let sc = server_config();

    let mut a = verifying_client_args();
    a.extend(args(&["-sess_out", &sess]));
    let (mut peer, tcp) = s_client(&a);
    let (mut t, r) = server_over(&sc, tcp);
    ok(r, &peer);
    assert!(!t.conn.session_resumed());
    exchange_with_cli(&mut t, &mut peer);
    assert!(peer.output().contains("New, TLSv1.3"), "{}", peer.output());
    assert!(
        exists(std::path::Path::new(&sess)),
        "s_client saved no session"
    );
    drop(t);

    let mut a = verifying_client_args();
    a.extend(args(&["-sess_in", &sess]));
    let (mut peer, tcp) = s_client(&a);
    let (mut t, r) = server_over(&sc, tcp);
    ok(r, &peer);
    assert!(t.conn.session_resumed(), "qssl server did not resume");
    exchange_with_cli(&mut t, &mut peer);
    assert!(
        peer.output().contains("Reused, TLSv1.3"),
        "{}",
        peer.output()
    );
}

// ---- OCSP stapling (client) ------------------------------------------------------------------------

/// s_server stapling `response` (a fixture under ocsp/, or none) and sending
/// the CA after the leaf, so the client can find the issuer in the chain.
fn ocsp_server(response: Option<&str>) -> (Peer, u16) {
    let mut a = cert_args();
    a.extend(args(&["-rev", "-cert_chain"]));
    a.push(ca());
    if let Some(r) = response {
        a.push("-status_file".into());
        a.push(fixture_path(&format!("ocsp/{r}")));
    }
    openssl_server(&a)
}

fn ocsp_client() -> SslConfiguration {
    let mut cc = client_config();
    cc.set_ocsp_stapling_enabled(true);
    cc
}

#[test]
fn ocsp_good_response() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (peer, port) = ocsp_server(Some("good.der"));
    let (mut t, r) = client(&ocsp_client(), port);
    ok(r, &peer);
    assert!(t.conn.ssl_errors().is_empty(), "{:?}", t.conn.ssl_errors());
    assert_eq!(t.state().peer_certificate_chain().len(), 2);
    reversed_echo(&mut t);
}

#[test]
fn ocsp_no_response() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (peer, port) = ocsp_server(None);
    let (t, r) = client(&ocsp_client(), port);
    let e = r.expect_err("no stapled response must fail");
    assert!(matches!(e, Error::Verification(_)), "{e:?}");
    assert_eq!(error_codes(&t.conn), [26], "OcspNoResponseFound");
    drop(t);

    // Ignored: the handshake completes; the error is still reported.
    let (mut t, r) = client_over(&ocsp_client(), connect(port), |c| {
        c.set_peer_verify_name("localhost").unwrap();
        c.ignore_ssl_errors();
    });
    ok(r, &peer);
    assert_eq!(error_codes(&t.conn), [26]);
    reversed_echo(&mut t);
}

/// The issuer for the stapled response's certificate ID is looked up in the
/// chain the server sent (not the trust store): a server sending only its
/// leaf gives OcspResponseCertIdUnknown (34) even with a good response.
#[test]
fn ocsp_leaf_only_server() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let mut a = cert_args();
    a.extend(args(&["-rev", "-status_file"]));
    a.push(fixture_path("ocsp/good.der"));
    let (_peer, port) = openssl_server(&a);
    let (t, r) = client(&ocsp_client(), port);
    let e = r.expect_err("issuer not in the chain");
    assert_eq!(error_codes(&t.conn), [34], "{e}");
}

#[test]
fn ocsp_bad_responses() {
    if missing_tools(&["openssl"]) {
        return;
    }
    // (response, Qt error codes)
    for (file, want) in [
        ("revoked.der", 13),   // CertificateRevoked
        ("unknown.der", 36),   // OcspStatusUnknown
        ("untrusted.der", 33), // OcspResponseCannotBeTrusted
    ] {
        let (_peer, port) = ocsp_server(Some(file));
        let (t, r) = client(&ocsp_client(), port);
        let e = r.expect_err(file);
        assert!(matches!(e, Error::Verification(_)), "{file}: {e:?}");
        assert_eq!(error_codes(&t.conn), [want], "{file}: {e}");
    }
}

// ---- GnuTLS --------------------------------------------------------------------------------------------

fn gnutls_cert_args(priority: Option<&str>) -> Vec<String> {
    let mut a = args(&["--echo", "--x509certfile"]);
    a.push(fixture_path("server.pem"));
    a.push("--x509keyfile".into());
    a.push(fixture_path("server-key.pem"));
    if let Some(p) = priority {
        a.push(format!("--priority={p}"));
    }
    a
}

fn echo(t: &mut Tls) {
    t.write_all(b"echo from qssl\n");
    t.read_until(b"echo from qssl\n");
}

#[test]
fn gnutls_server_certificate() {
    if missing_tools(&["gnutls-serv"]) {
        return;
    }
    for (priority, proto) in [
        (None, protocol::TLS_V1_3),
        (Some("NORMAL:-VERS-ALL:+VERS-TLS1.2"), protocol::TLS_V1_2),
    ] {
        let (peer, port) = gnutls_server(&gnutls_cert_args(priority));
        let (mut t, r) = client(&client_config(), port);
        ok(r, &peer);
        echo(&mut t);
        let s = t.state();
        assert_eq!(s.session_protocol(), proto, "{priority:?}");
        assert!(!s.session_cipher().is_null());
        assert_eq!(subject_entry(s.peer_certificate(), "CN"), "localhost");
        assert!(t.conn.ssl_errors().is_empty(), "{:?}", t.conn.ssl_errors());
    }
}

/// Starts `gnutls-cli` towards a fresh listener and accepts it.
fn gnutls_client(extra: &[String]) -> (Peer, std::net::TcpStream) {
    let (l, port) = listen();
    let mut a = args(&["-p"]);
    a.push(port.to_string());
    a.extend(extra.iter().cloned());
    let mut peer = Peer::spawn("gnutls-cli", &a);
    let tcp = accept(&l, Some(&mut peer));
    (peer, tcp)
}

#[test]
fn gnutls_client_to_qssl_server() {
    if missing_tools(&["gnutls-cli"]) {
        return;
    }
    for (priority, proto) in [
        (None, protocol::TLS_V1_3),
        (Some("NORMAL:-VERS-ALL:+VERS-TLS1.2"), protocol::TLS_V1_2),
    ] {
        let mut a = args(&["--x509cafile"]);
        a.push(ca());
        a.extend(args(&[
            "--verify-hostname",
            "localhost",
            "--sni-hostname",
            "localhost",
        ]));
        if let Some(p) = priority {
            a.push(format!("--priority={p}"));
        }
        a.push("127.0.0.1".into());
        let (mut peer, tcp) = gnutls_client(&a);
        let (mut t, r) = server_over(&server_config(), tcp);
        ok(r, &peer);
        assert_eq!(t.state().session_protocol(), proto);
        exchange_with_cli(&mut t, &mut peer);
        let out = peer.output();
        assert!(out.contains("Handshake was completed"), "{out}");
        assert!(out.contains("The certificate is trusted"), "{out}");
    }
}

fn psk_passwd(dir: &TempDir) -> String {
    dir.write(
        "psk.passwd",
        format!(
            "{}:{}\n",
            String::from_utf8_lossy(PSK_IDENTITY),
            hex(PSK_KEY)
        )
        .as_bytes(),
    )
}

const GNUTLS_PSK_PRIORITY: &str = "--priority=NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK";

#[test]
fn gnutls_psk_qssl_client() {
    if missing_tools(&["gnutls-serv"]) {
        return;
    }
    let dir = TempDir::new("gnutls-psk");
    let mut a = args(&["--echo", "--pskpasswd"]);
    a.push(psk_passwd(&dir));
    a.extend(args(&["--pskhint", PSK_HINT, GNUTLS_PSK_PRIORITY]));
    let (peer, port) = gnutls_server(&a);

    // TLS 1.2, plain PSK: the hint arrives.
    let h = RecordingPsk::new(PSK_IDENTITY, PSK_KEY);
    let cc = psk_client_config(protocol::TLS_V1_2, Some("PSK-AES128-GCM-SHA256"), h.clone());
    let (mut t, r) = client(&cc, port);
    ok(r, &peer);
    echo(&mut t);
    assert_eq!(h.calls()[0].hint.as_slice(), PSK_HINT.as_bytes());
    assert_eq!(t.state().session_cipher().name(), "PSK-AES128-GCM-SHA256");
    drop(t);

    // TLS 1.3 external PSK (GnuTLS binds it to SHA-256).
    let h = RecordingPsk::new(PSK_IDENTITY, PSK_KEY);
    let cc = psk_client_config(
        protocol::TLS_V1_3,
        Some("TLS_AES_128_GCM_SHA256"),
        h.clone(),
    );
    let (mut t, r) = client(&cc, port);
    ok(r, &peer);
    echo(&mut t);
    assert_eq!(h.calls().len(), 1);
    let s = t.state();
    assert_eq!(s.session_protocol(), protocol::TLS_V1_3);
    assert_eq!(s.session_cipher().name(), "TLS_AES_128_GCM_SHA256");
    assert!(s.peer_certificate().is_null());
}

#[test]
fn gnutls_psk_qssl_server() {
    if missing_tools(&["gnutls-cli"]) {
        return;
    }
    for (priority, proto, ciphers) in [
        (
            "--priority=NORMAL:-VERS-ALL:+VERS-TLS1.2:+PSK",
            protocol::TLS_V1_2,
            "PSK-AES128-GCM-SHA256",
        ),
        (
            GNUTLS_PSK_PRIORITY,
            protocol::TLS_V1_3,
            "TLS_AES_128_GCM_SHA256",
        ),
    ] {
        let mut a = args(&["--pskusername"]);
        a.push(String::from_utf8_lossy(PSK_IDENTITY).into_owned());
        a.push("--pskkey".into());
        a.push(hex(PSK_KEY));
        a.push(priority.into());
        a.push("127.0.0.1".into());
        let (mut peer, tcp) = gnutls_client(&a);
        let h = RecordingPsk::new(b"ignored", PSK_KEY);
        let (mut t, r) = server_over(&psk_server_config(proto, Some(ciphers), h.clone()), tcp);
        ok(r, &peer);
        assert_eq!(h.calls()[0].identity.as_slice(), PSK_IDENTITY, "{priority}");
        assert_eq!(t.state().session_protocol(), proto, "{priority}");
        exchange_with_cli(&mut t, &mut peer);
        let out = peer.output();
        assert!(out.contains("PSK authentication"), "{out}");
        if proto == protocol::TLS_V1_2 {
            assert!(out.contains(&format!("PSK hint '{PSK_HINT}'")), "{out}");
        }
    }
}

/// A test that needs a missing tool fails under CI (and is skipped only
/// outside it); present tools pass either way.
#[test]
fn a_missing_tool_fails_under_ci() {
    let missing = "qssl-no-such-tool";
    let under_ci = std::panic::catch_unwind(|| missing_tools_with(&[missing], true));
    assert!(under_ci.is_err(), "a missing tool must fail under CI");
    assert!(missing_tools_with(&[missing], false));
    assert!(!missing_tools_with(&["sh"], true));
}
