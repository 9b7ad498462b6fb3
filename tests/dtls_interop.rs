//! DTLS 1.2 interoperability: qssl's `Dtls` over UDP on loopback against
//! `openssl s_server/s_client -dtls1_2` and `gnutls-serv/gnutls-cli --udp`:
//! certificates, PSK with PSK-AES128-CCM8 and PSK-AES128-GCM-SHA256,
//! ECDHE-ECDSA-AES128-CCM8, application data both ways, a wrong PSK and an
//! untrusted certificate refused. Every wait is bounded.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Peer, RecordingPsk, cert, fixture_path, hex, key, missing_tools};
use qssl::Error;
use qssl::engine::Mode;
use qssl::engine::dtls::{Dtls, Io, Verifier, dtls_error, handshake_state};
use qssl::model::bytes::OptBytes;
use qssl::model::config::SslConfiguration;
use qssl::model::enums::verify_mode;

const PSK_KEY: &[u8] = b"\x1a\x2b\x3c\x4d\x5e\x6f\x70\x81\x92\xa3\xb4\xc5\xd6\xe7\xf8\x09";
const PSK_IDENTITY: &[u8] = b"Client_identity"; // the openssl tools' default identity
const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The longest any handshake here may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(15);

fn udp() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    s
}

/// A free UDP port on loopback (bound and released).
fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn recv(sock: &UdpSocket) -> Option<(Vec<u8>, SocketAddr)> {
    let mut buf = vec![0u8; 65536];
    match sock.recv_from(&mut buf) {
        Ok((n, from)) => Some((buf[..n].to_vec(), from)),
        Err(_) => None,
    }
}

/// Drives a handshake on `sock` until it completes, fails, or `limit`
/// retransmissions happened without completing (`Ok(false)`).
fn drive(d: &mut Dtls, sock: &UdpSocket, peer: &mut Peer, limit: u32) -> Result<bool, Error> {
    let io = Io::Fd(sock.as_raw_fd());
    let start = Instant::now();
    let mut retransmissions = 0;
    while !d.is_connection_encrypted() {
        assert!(
            start.elapsed() < DEADLINE,
            "no handshake progress; `{}` output:\n{}",
            peer.name(),
            peer.output()
        );
        if let Some((dgram, _)) = recv(sock) {
            d.do_handshake(io, &dgram)?;
            if d.handshake_state() == handshake_state::NOT_STARTED {
                // A server answered a hello without a cookie: wait for the next.
                continue;
            }
        }
        if d.next_timeout() == Some(Duration::ZERO) && d.handle_timeout(io)? {
            retransmissions += 1;
            if retransmissions >= limit {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Sends `msg` from qssl and waits until the peer printed it.
fn qssl_to_peer(d: &mut Dtls, sock: &UdpSocket, peer: &mut Peer, msg: &str) {
    let io = Io::Fd(sock.as_raw_fd());
    assert_eq!(
        d.write_datagram_encrypted(io, msg.as_bytes()).unwrap(),
        msg.len()
    );
    peer.expect_output(msg.trim_end(), Duration::from_secs(5));
}

/// Waits for a datagram whose plaintext contains `needle`.
fn peer_to_qssl(d: &mut Dtls, sock: &UdpSocket, needle: &str) {
    let io = Io::Fd(sock.as_raw_fd());
    let start = Instant::now();
    let mut got = Vec::new();
    while start.elapsed() < Duration::from_secs(5) {
        if let Some((dgram, _)) = recv(sock) {
            got.extend(d.decrypt_datagram(io, &dgram).unwrap());
            if String::from_utf8_lossy(&got).contains(needle) {
                return;
            }
        }
    }
    panic!(
        "qssl did not receive {needle:?}; got {:?}",
        String::from_utf8_lossy(&got)
    );
}

fn client(cfg: &SslConfiguration, port: u16, name: &str) -> Dtls {
    let mut d = Dtls::new(Mode::Client);
    d.set_dtls_configuration(cfg).unwrap();
    d.set_peer(LOCAL, port, name).unwrap();
    d.set_initial_timeout_ms(100).unwrap();
    d
}

fn cert_client_cfg(ca: &str) -> SslConfiguration {
    let mut c = SslConfiguration::default_dtls_configuration();
    c.set_ca_certificates(Arc::from(vec![cert(ca)]));
    c
}

fn psk_client_cfg(cipher: &str, key: &[u8]) -> (SslConfiguration, Arc<RecordingPsk>) {
    let mut c = SslConfiguration::default_dtls_configuration();
    c.set_ciphers_string(cipher);
    assert_eq!(c.ciphers().len(), 1, "{cipher}");
    c.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    let h = RecordingPsk::new(PSK_IDENTITY, key);
    c.set_psk_handler(Some(h.clone()));
    (c, h)
}

fn psk_server_cfg(cipher: &str) -> (SslConfiguration, Arc<RecordingPsk>) {
    let mut c = SslConfiguration::default_dtls_configuration();
    c.set_ciphers_string(cipher);
    assert_eq!(c.ciphers().len(), 1, "{cipher}");
    c.set_pre_shared_key_identity_hint(OptBytes::from(&b"qssl-hint"[..]));
    let h = RecordingPsk::new(b"", PSK_KEY);
    c.set_psk_handler(Some(h.clone()));
    (c, h)
}

fn cert_server_cfg(pem: &str, key_pem: &str) -> SslConfiguration {
    let mut c = SslConfiguration::default_dtls_configuration();
    c.set_local_certificate(cert(pem));
    c.set_private_key(key(key_pem));
    c
}

// ---- qssl client against openssl s_server ----------------------------------------------

fn s_server(extra: &[String]) -> (Peer, u16) {
    let mut a: Vec<String> = vec!["-dtls1_2".into()];
    a.extend(extra.iter().cloned());
    common::openssl_server(&a)
}

fn openssl_cert_args(pem: &str, key_pem: &str) -> Vec<String> {
    vec![
        "-cert".into(),
        fixture_path(pem),
        "-key".into(),
        fixture_path(key_pem),
    ]
}

fn openssl_psk_args(cipher: &str) -> Vec<String> {
    vec![
        "-nocert".into(),
        "-psk".into(),
        hex(PSK_KEY),
        "-psk_hint".into(),
        "qssl-hint".into(),
        "-cipher".into(),
        cipher.into(),
    ]
}

#[test]
fn openssl_server_certificate() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (mut peer, port) = s_server(&openssl_cert_args("server.pem", "server-key.pem"));
    let sock = udp();
    let mut d = client(&cert_client_cfg("ca.pem"), port, "localhost");
    d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
    assert!(drive(&mut d, &sock, &mut peer, 20).unwrap());
    assert_eq!(
        d.session_protocol(),
        qssl::model::enums::protocol::DTLS_V1_2
    );
    assert!(d.peer_verification_errors().is_empty());
    qssl_to_peer(&mut d, &sock, &mut peer, "hello from qssl\n");
    peer.send(b"hello from openssl\n");
    peer_to_qssl(&mut d, &sock, "hello from openssl");
}

#[test]
fn openssl_server_psk() {
    if missing_tools(&["openssl"]) {
        return;
    }
    for cipher in ["PSK-AES128-CCM8", "PSK-AES128-GCM-SHA256"] {
        let (mut peer, port) = s_server(&openssl_psk_args(cipher));
        let sock = udp();
        let (cfg, h) = psk_client_cfg(cipher, PSK_KEY);
        let mut d = client(&cfg, port, "");
        d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
        assert!(
            drive(&mut d, &sock, &mut peer, 20).unwrap(),
            "{cipher}: {}",
            peer.output()
        );
        assert_eq!(d.session_cipher().name(), cipher);
        assert_eq!(h.calls()[0].hint.as_slice(), b"qssl-hint");
        qssl_to_peer(&mut d, &sock, &mut peer, &format!("psk {cipher}\n"));
        peer.send(b"back over psk\n");
        peer_to_qssl(&mut d, &sock, "back over psk");
    }
}

#[test]
fn openssl_server_wrong_psk_never_completes() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (mut peer, port) = s_server(&openssl_psk_args("PSK-AES128-GCM-SHA256"));
    let sock = udp();
    let (cfg, _) = psk_client_cfg("PSK-AES128-GCM-SHA256", b"not the right key");
    let mut d = client(&cfg, port, "");
    d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
    // The server drops our Finished (it fails authentication) or fails the
    // handshake: either way it never completes, whatever we retransmit.
    let r = drive(&mut d, &sock, &mut peer, 4);
    assert!(!matches!(r, Ok(true)), "a wrong PSK completed a handshake");
    assert!(!d.is_connection_encrypted());
}

#[test]
fn openssl_server_untrusted_certificate() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (mut peer, port) = s_server(&openssl_cert_args("server.pem", "server-key.pem"));
    let sock = udp();
    let mut d = client(&cert_client_cfg("selfsigned.pem"), port, "localhost");
    d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
    let e = drive(&mut d, &sock, &mut peer, 20).unwrap_err();
    assert!(matches!(e, Error::Verification(_)), "{e}");
    assert_eq!(
        d.handshake_state(),
        handshake_state::PEER_VERIFICATION_FAILED
    );
    assert_eq!(d.dtls_error(), dtls_error::PEER_VERIFICATION_ERROR);
    d.abort_handshake(Io::Fd(sock.as_raw_fd())).unwrap();
}

// ---- qssl server against openssl s_client ----------------------------------------------

/// A qssl server on a fresh socket, a verifier in front; `start` launches
/// the foreign client towards the port. Returns the connected server.
fn serve(cfg: &SslConfiguration, start: impl FnOnce(u16) -> Peer) -> (Dtls, UdpSocket, Peer) {
    let sock = udp();
    let port = sock.local_addr().unwrap().port();
    let mut peer = start(port);
    let io = Io::Fd(sock.as_raw_fd());
    let mut v = Verifier::new();
    let begin = Instant::now();
    let mut server: Option<Dtls> = None;
    while server.is_none() {
        assert!(
            begin.elapsed() < DEADLINE,
            "no ClientHello with a cookie; `{}` output:\n{}",
            peer.name(),
            peer.output()
        );
        if let Some((dgram, from)) = recv(&sock) {
            if v.verify_client(io, &dgram, from.ip(), from.port()).unwrap() {
                let mut d = Dtls::new(Mode::Server);
                d.set_dtls_configuration(cfg).unwrap();
                d.set_peer(from.ip(), from.port(), "").unwrap();
                d.set_initial_timeout_ms(100).unwrap();
                d.do_handshake(io, v.verified_hello()).unwrap();
                server = Some(d);
            }
        }
    }
    let mut d = server.unwrap();
    if let Err(e) = drive(&mut d, &sock, &mut peer, 20) {
        panic!("{e}; `{}` output:\n{}", peer.name(), peer.output());
    }
    (d, sock, peer)
}

fn s_client(port: u16, extra: &[String]) -> Peer {
    let mut a: Vec<String> = vec![
        "s_client".into(),
        "-dtls1_2".into(),
        "-connect".into(),
        format!("127.0.0.1:{port}"),
    ];
    a.extend(extra.iter().cloned());
    Peer::spawn("openssl", &a)
}

#[test]
fn openssl_client_certificate() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let cfg = cert_server_cfg("server.pem", "server-key.pem");
    let ca = fixture_path("ca.pem");
    let (mut d, sock, mut peer) = serve(&cfg, |port| {
        s_client(
            port,
            &[
                "-CAfile".into(),
                ca.clone(),
                "-verify_return_error".into(),
                "-servername".into(),
                "localhost".into(),
            ],
        )
    });
    peer.expect_output("Verify return code: 0 (ok)", Duration::from_secs(5));
    peer.send(b"hello from s_client\n");
    peer_to_qssl(&mut d, &sock, "hello from s_client");
    qssl_to_peer(&mut d, &sock, &mut peer, "hello from qssl server\n");
}

#[test]
fn openssl_client_psk_and_ecdsa_ccm8() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (cfg, h) = psk_server_cfg("PSK-AES128-GCM-SHA256");
    let (mut d, sock, mut peer) = serve(&cfg, |port| {
        s_client(
            port,
            &[
                "-psk".into(),
                hex(PSK_KEY),
                "-cipher".into(),
                "PSK-AES128-GCM-SHA256".into(),
            ],
        )
    });
    assert_eq!(d.session_cipher().name(), "PSK-AES128-GCM-SHA256");
    assert_eq!(h.calls()[0].identity.as_slice(), PSK_IDENTITY);
    peer.send(b"psk data in\n");
    peer_to_qssl(&mut d, &sock, "psk data in");
    qssl_to_peer(&mut d, &sock, &mut peer, "psk data out\n");
    drop(peer);

    let mut cfg = cert_server_cfg("server-ec.pem", "server-ec-key.pem");
    cfg.set_ciphers_string("ECDHE-ECDSA-AES128-CCM8");
    let ca = fixture_path("ca.pem");
    let (mut d, sock, mut peer) = serve(&cfg, |port| {
        s_client(
            port,
            &[
                "-CAfile".into(),
                ca.clone(),
                "-cipher".into(),
                "ECDHE-ECDSA-AES128-CCM8".into(),
            ],
        )
    });
    assert_eq!(d.session_cipher().name(), "ECDHE-ECDSA-AES128-CCM8");
    peer.send(b"ccm8 in\n");
    peer_to_qssl(&mut d, &sock, "ccm8 in");
    qssl_to_peer(&mut d, &sock, &mut peer, "ccm8 out\n");
}

// ---- GnuTLS --------------------------------------------------------------------------

const GNUTLS_DTLS12: &str = "NORMAL:-VERS-ALL:+VERS-DTLS1.2";

/// gnutls-serv --udp --echo on a free port, once it listens.
fn gnutls_serv(extra: &[String]) -> (Peer, u16) {
    let mut last = String::new();
    for _ in 0..3 {
        let port = free_udp_port();
        let mut a: Vec<String> = vec![
            "--udp".into(),
            "--echo".into(),
            "-p".into(),
            port.to_string(),
        ];
        a.extend(extra.iter().cloned());
        let mut peer = Peer::spawn("gnutls-serv", &a);
        let needle = format!("port {port}...done");
        if peer
            .wait_for_match(Duration::from_secs(5), |t| {
                t.contains(&needle).then_some(())
            })
            .is_some()
        {
            return (peer, port);
        }
        last = format!("`{}`:\n{}", peer.name(), peer.output());
    }
    panic!("gnutls-serv did not start; last attempt {last}");
}

fn echo(d: &mut Dtls, sock: &UdpSocket, msg: &str) {
    let io = Io::Fd(sock.as_raw_fd());
    d.write_datagram_encrypted(io, msg.as_bytes()).unwrap();
    peer_to_qssl(d, sock, msg);
}

#[test]
fn gnutls_server_certificate_and_ecdsa_ccm8() {
    if missing_tools(&["gnutls-serv"]) {
        return;
    }
    let (mut peer, port) = gnutls_serv(&[
        "--x509certfile".into(),
        fixture_path("server.pem"),
        "--x509keyfile".into(),
        fixture_path("server-key.pem"),
        "--priority".into(),
        GNUTLS_DTLS12.into(),
    ]);
    let sock = udp();
    let mut d = client(&cert_client_cfg("ca.pem"), port, "localhost");
    d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
    assert!(drive(&mut d, &sock, &mut peer, 20).unwrap());
    echo(&mut d, &sock, "echo me, gnutls");
    drop(peer);

    let (mut peer, port) = gnutls_serv(&[
        "--x509certfile".into(),
        fixture_path("server-ec.pem"),
        "--x509keyfile".into(),
        fixture_path("server-ec-key.pem"),
        "--priority".into(),
        format!("{GNUTLS_DTLS12}:+AES-128-CCM-8"),
    ]);
    let sock = udp();
    let mut cfg = cert_client_cfg("ca.pem");
    cfg.set_ciphers_string("ECDHE-ECDSA-AES128-CCM8");
    let mut d = client(&cfg, port, "localhost");
    d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
    assert!(
        drive(&mut d, &sock, &mut peer, 20).unwrap(),
        "{}",
        peer.output()
    );
    assert_eq!(d.session_cipher().name(), "ECDHE-ECDSA-AES128-CCM8");
    echo(&mut d, &sock, "ccm8 echo");
}

#[test]
fn gnutls_server_psk() {
    if missing_tools(&["gnutls-serv"]) {
        return;
    }
    let dir = common::TempDir::new("dtls-psk");
    let passwd = dir.write(
        "psk.txt",
        format!(
            "{}:{}\n",
            String::from_utf8_lossy(PSK_IDENTITY),
            hex(PSK_KEY)
        )
        .as_bytes(),
    );
    for (cipher, prio) in [
        ("PSK-AES128-CCM8", "+AES-128-CCM-8:+PSK"),
        ("PSK-AES128-GCM-SHA256", "+AES-128-GCM:+PSK"),
    ] {
        let (mut peer, port) = gnutls_serv(&[
            "--pskpasswd".into(),
            passwd.clone(),
            "--pskhint".into(),
            "gnutls-hint".into(),
            "--priority".into(),
            format!("{GNUTLS_DTLS12}:{prio}"),
        ]);
        let sock = udp();
        let (cfg, h) = psk_client_cfg(cipher, PSK_KEY);
        let mut d = client(&cfg, port, "");
        d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
        assert!(
            drive(&mut d, &sock, &mut peer, 20).unwrap(),
            "{cipher}: {}",
            peer.output()
        );
        assert_eq!(d.session_cipher().name(), cipher);
        assert_eq!(h.calls()[0].hint.as_slice(), b"gnutls-hint");
        echo(&mut d, &sock, &format!("psk echo {cipher}"));
        drop(peer);
    }
    // A wrong key never completes.
    let (mut peer, port) = gnutls_serv(&[
        "--pskpasswd".into(),
        passwd.clone(),
        "--priority".into(),
        format!("{GNUTLS_DTLS12}:+PSK"),
    ]);
    let sock = udp();
    let (cfg, _) = psk_client_cfg("PSK-AES128-GCM-SHA256", b"wrong key, wrong");
    let mut d = client(&cfg, port, "");
    d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
    let r = drive(&mut d, &sock, &mut peer, 4);
    assert!(!matches!(r, Ok(true)), "a wrong PSK completed a handshake");
}

#[test]
fn gnutls_server_untrusted_certificate() {
    if missing_tools(&["gnutls-serv"]) {
        return;
    }
    let (mut peer, port) = gnutls_serv(&[
        "--x509certfile".into(),
        fixture_path("server.pem"),
        "--x509keyfile".into(),
        fixture_path("server-key.pem"),
        "--priority".into(),
        GNUTLS_DTLS12.into(),
    ]);
    let sock = udp();
    let mut d = client(&cert_client_cfg("selfsigned.pem"), port, "localhost");
    d.do_handshake(Io::Fd(sock.as_raw_fd()), &[]).unwrap();
    let e = drive(&mut d, &sock, &mut peer, 20).unwrap_err();
    assert!(matches!(e, Error::Verification(_)), "{e}");
}

#[test]
fn gnutls_client_certificate_and_psk() {
    if missing_tools(&["gnutls-cli"]) {
        return;
    }
    let cfg = cert_server_cfg("server.pem", "server-key.pem");
    let ca = fixture_path("ca.pem");
    let (mut d, sock, mut peer) = serve(&cfg, |port| {
        Peer::spawn(
            "gnutls-cli",
            &[
                "--udp".into(),
                "-p".into(),
                port.to_string(),
                "--x509cafile".into(),
                ca.clone(),
                "--priority".into(),
                GNUTLS_DTLS12.to_string(),
                "localhost".into(),
            ],
        )
    });
    peer.expect_output("Handshake was completed", Duration::from_secs(5));
    peer.send(b"gnutls says hi\n");
    peer_to_qssl(&mut d, &sock, "gnutls says hi");
    qssl_to_peer(&mut d, &sock, &mut peer, "qssl says hi\n");
    drop(peer);

    for (cipher, prio) in [
        ("PSK-AES128-CCM8", "+AES-128-CCM-8:+PSK"),
        ("PSK-AES128-GCM-SHA256", "+AES-128-GCM:+PSK"),
    ] {
        let (cfg, h) = psk_server_cfg(cipher);
        let (mut d, sock, mut peer) = serve(&cfg, |port| {
            Peer::spawn(
                "gnutls-cli",
                &[
                    "--udp".into(),
                    "-p".into(),
                    port.to_string(),
                    "--pskusername".into(),
                    "device-9".into(),
                    "--pskkey".into(),
                    hex(PSK_KEY),
                    "--priority".into(),
                    format!("{GNUTLS_DTLS12}:{prio}"),
                    "127.0.0.1".into(),
                ],
            )
        });
        assert_eq!(d.session_cipher().name(), cipher);
        assert_eq!(h.calls()[0].identity.as_slice(), b"device-9");
        peer.send(b"psk from gnutls\n");
        peer_to_qssl(&mut d, &sock, "psk from gnutls");
        qssl_to_peer(&mut d, &sock, &mut peer, "psk from qssl\n");
    }
}
