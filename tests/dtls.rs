//! DTLS 1.2 between qssl endpoints (QDtls / QDtlsClientVerifier): real
//! handshakes over the memory transport and over UDP sockets on loopback,
//! cookies, a lossy relay, garbage, the MTU limit, and configuration errors.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{RecordingPsk, cert, key};
use qssl::Error;
use qssl::engine::Mode;
use qssl::engine::dtls::{CookieParams, Dtls, Io, Verifier, dtls_error, handshake_state};
use qssl::model::cipher::Cipher;
use qssl::model::config::SslConfiguration;
use qssl::model::enums::{protocol, verify_mode};
use qssl::model::ssl_error::code;

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn server_cfg() -> SslConfiguration {
    let mut c = SslConfiguration::default_dtls_configuration();
    c.set_local_certificate(cert("server.pem"));
    c.set_private_key(key("server-key.pem"));
    c
}

fn client_cfg() -> SslConfiguration {
    let mut c = SslConfiguration::default_dtls_configuration();
    c.set_ca_certificates(Arc::from(vec![cert("ca.pem")]));
    c
}

fn psk_cfg(cipher: &str) -> SslConfiguration {
    let mut c = SslConfiguration::default_dtls_configuration();
    c.set_ciphers_string(cipher);
    assert_eq!(c.ciphers().len(), 1, "{cipher} is a supported cipher");
    c
}

fn pair(client_cfg: &SslConfiguration, server_cfg: &SslConfiguration) -> (Dtls, Dtls) {
    let mut c = Dtls::new(Mode::Client);
    c.set_dtls_configuration(client_cfg).unwrap();
    c.set_peer(LOCAL, 4433, "localhost").unwrap();
    let mut s = Dtls::new(Mode::Server);
    s.set_dtls_configuration(server_cfg).unwrap();
    s.set_peer(LOCAL, 50000, "").unwrap();
    // Nothing is lost in memory: a long first time-out keeps a slow run
    // from retransmitting (OpenSSL also retransmits inside a read once the
    // timer expired), which would only add duplicates.
    c.set_initial_timeout_ms(30_000).unwrap();
    s.set_initial_timeout_ms(30_000).unwrap();
    (c, s)
}

/// Runs a handshake over the memory transport, the server behind a
/// verifier (as Qt's server applications do): the first ClientHello is
/// answered statelessly with a HelloVerifyRequest, the second (with the
/// cookie) starts the server. Returns both outcomes.
fn handshake(c: &mut Dtls, s: &mut Dtls) -> (Result<(), Error>, Result<(), Error>) {
    let mut v = Verifier::new();
    c.do_handshake(Io::Memory, &[]).unwrap();
    let hello = c.take_datagram().expect("a ClientHello");
    assert!(
        !v.verify_client(Io::Memory, &hello, LOCAL, 50000).unwrap(),
        "a ClientHello without a cookie is not verified"
    );
    let hvr = v.take_datagram().expect("a HelloVerifyRequest");
    c.do_handshake(Io::Memory, &hvr).unwrap();
    let hello2 = c.take_datagram().expect("a ClientHello with the cookie");
    assert!(v.verify_client(Io::Memory, &hello2, LOCAL, 50000).unwrap());
    assert_eq!(v.verified_hello(), &hello2[..]);
    let mut rs = s.do_handshake(Io::Memory, v.verified_hello());
    let mut rc = Ok(());
    for _ in 0..50 {
        let mut moved = false;
        while let Some(d) = s.take_datagram() {
            moved = true;
            if c.handshake_state() == handshake_state::IN_PROGRESS {
                rc = c.do_handshake(Io::Memory, &d);
            }
        }
        while let Some(d) = c.take_datagram() {
            moved = true;
            if s.handshake_state() == handshake_state::IN_PROGRESS {
                rs = s.do_handshake(Io::Memory, &d);
            }
        }
        if !moved {
            break;
        }
    }
    (rc, rs)
}

fn exchange(c: &mut Dtls, s: &mut Dtls) {
    assert_eq!(c.write_datagram_encrypted(Io::Memory, b"ping").unwrap(), 4);
    let d = c.take_datagram().unwrap();
    assert_eq!(s.decrypt_datagram(Io::Memory, &d).unwrap(), b"ping");
    assert_eq!(s.write_datagram_encrypted(Io::Memory, b"pong!").unwrap(), 5);
    let d = s.take_datagram().unwrap();
    assert_eq!(c.decrypt_datagram(Io::Memory, &d).unwrap(), b"pong!");
}

#[test]
fn certificate_handshake_in_memory() {
    let (mut c, mut s) = pair(&client_cfg(), &server_cfg());
    assert_eq!(c.handshake_state(), handshake_state::NOT_STARTED);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    for d in [&c, &s] {
        assert_eq!(d.handshake_state(), handshake_state::COMPLETE);
        assert!(d.is_connection_encrypted());
        assert_eq!(d.session_protocol(), protocol::DTLS_V1_2);
        assert!(!d.session_cipher().is_null());
        assert_eq!(d.dtls_error(), dtls_error::NO_ERROR);
    }
    assert_eq!(
        c.dtls_configuration()
            .peer_certificate()
            .subject_info(1)
            .unwrap(),
        vec!["localhost".to_string()]
    );
    exchange(&mut c, &mut s);

    // Shutdown: the server sees RemoteClosedConnectionError.
    c.shutdown(Io::Memory).unwrap();
    assert!(!c.is_connection_encrypted());
    let d = c.take_datagram().unwrap();
    let e = s.decrypt_datagram(Io::Memory, &d).unwrap_err();
    assert!(matches!(e, Error::Closed(_)), "{e}");
    assert_eq!(s.dtls_error(), dtls_error::REMOTE_CLOSED_CONNECTION_ERROR);
    assert!(!s.is_connection_encrypted());
}

#[test]
fn psk_handshakes_in_memory() {
    for suite in ["PSK-AES128-GCM-SHA256", "PSK-AES128-CCM8"] {
        let mut cc = psk_cfg(suite);
        cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
        let client_psk = RecordingPsk::new(b"device-7", b"0123456789abcdef");
        cc.set_psk_handler(Some(client_psk.clone()));
        let mut sc = psk_cfg(suite);
        sc.set_pre_shared_key_identity_hint(b"hint-1"[..].into());
        let server_psk = RecordingPsk::new(b"", b"0123456789abcdef");
        sc.set_psk_handler(Some(server_psk.clone()));
        let (mut c, mut s) = pair(&cc, &sc);
        let (rc, rs) = handshake(&mut c, &mut s);
        rc.unwrap_or_else(|e| panic!("{suite}: {e}"));
        rs.unwrap_or_else(|e| panic!("{suite}: {e}"));
        assert_eq!(c.session_cipher().name(), suite);
        assert_eq!(s.session_cipher().name(), suite);
        assert_eq!(client_psk.calls()[0].hint.as_slice(), b"hint-1");
        assert_eq!(server_psk.calls()[0].identity.as_slice(), b"device-7");
        exchange(&mut c, &mut s);
    }
}

#[test]
fn wrong_psk_never_completes() {
    let mut cc = psk_cfg("PSK-AES128-GCM-SHA256");
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    cc.set_psk_handler(Some(RecordingPsk::new(b"id", b"0123456789abcdef")));
    let mut sc = psk_cfg("PSK-AES128-GCM-SHA256");
    sc.set_psk_handler(Some(RecordingPsk::new(b"", b"fedcba9876543210")));
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    // DTLS drops records that fail authentication: the client's Finished
    // (under the wrong key) never reaches the server's handshake, so neither
    // side completes and no data can pass.
    let _ = (rc, rs);
    assert!(!c.is_connection_encrypted());
    assert!(!s.is_connection_encrypted());
    assert!(c.write_datagram_encrypted(Io::Memory, b"x").is_err());
    assert!(s.write_datagram_encrypted(Io::Memory, b"x").is_err());
}

#[test]
fn psk_callback_refusing_fails() {
    struct Refuse;
    impl qssl::model::config::PskHandler for Refuse {
        fn authenticate(&self, _a: &mut qssl::model::psk::PskAuthenticator) -> Result<(), String> {
            Err("no key for you".into())
        }
    }
    let mut cc = psk_cfg("PSK-AES128-GCM-SHA256");
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    cc.set_psk_handler(Some(Arc::new(Refuse)));
    let mut sc = psk_cfg("PSK-AES128-GCM-SHA256");
    sc.set_psk_handler(Some(RecordingPsk::new(b"", b"0123456789abcdef")));
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, _) = handshake(&mut c, &mut s);
    let e = rc.unwrap_err();
    assert!(matches!(e, Error::CallbackRefused(_)), "{e}");
    assert_eq!(c.dtls_error(), dtls_error::TLS_FATAL_ERROR);
    assert_eq!(c.handshake_state(), handshake_state::NOT_STARTED);
}

#[test]
fn untrusted_certificate_stops_then_resumes_when_ignored() {
    let mut cc = SslConfiguration::default_dtls_configuration();
    cc.set_ca_certificates(Arc::from(vec![cert("selfsigned.pem")]));
    let (mut c, mut s) = pair(&cc, &server_cfg());
    let (rc, _) = handshake(&mut c, &mut s);
    let e = rc.unwrap_err();
    assert!(matches!(e, Error::Verification(_)), "{e}");
    assert_eq!(
        c.handshake_state(),
        handshake_state::PEER_VERIFICATION_FAILED
    );
    assert_eq!(c.dtls_error(), dtls_error::PEER_VERIFICATION_ERROR);
    let codes: Vec<i32> = c
        .peer_verification_errors()
        .iter()
        .map(|e| e.code)
        .collect();
    assert!(
        codes.contains(&code::UNABLE_TO_GET_LOCAL_ISSUER_CERTIFICATE),
        "{codes:?}"
    );
    // Not ignored yet: resume fails again.
    assert!(c.resume_handshake().is_err());
    c.ignore_verification_errors(c.peer_verification_errors().to_vec());
    c.resume_handshake().unwrap();
    assert_eq!(c.handshake_state(), handshake_state::COMPLETE);
    exchange(&mut c, &mut s);
}

#[test]
fn untrusted_certificate_aborted() {
    let mut cc = SslConfiguration::default_dtls_configuration();
    cc.set_ca_certificates(Arc::from(vec![cert("selfsigned.pem")]));
    let (mut c, mut s) = pair(&cc, &server_cfg());
    let (rc, _) = handshake(&mut c, &mut s);
    assert!(rc.is_err());
    c.abort_handshake(Io::Memory).unwrap();
    assert_eq!(c.handshake_state(), handshake_state::NOT_STARTED);
    assert!(!c.is_connection_encrypted());
    // The server learns the connection is gone.
    let d = c.take_datagram().expect("close_notify");
    assert!(s.decrypt_datagram(Io::Memory, &d).is_err());
    assert_eq!(s.dtls_error(), dtls_error::REMOTE_CLOSED_CONNECTION_ERROR);
}

#[test]
fn tls_configuration_is_refused_before_io() {
    let mut d = Dtls::new(Mode::Client);
    let e = d
        .set_dtls_configuration(&SslConfiguration::default_configuration())
        .unwrap_err();
    assert!(e.to_string().contains("DTLS configuration"), "{e}");
    assert_eq!(d.dtls_error(), dtls_error::INVALID_INPUT_PARAMETERS);
    // And the reverse: a TLS connection refuses a DTLS configuration.
    let e = qssl::engine::Connection::new(
        &SslConfiguration::default_dtls_configuration(),
        Mode::Client,
        qssl::engine::transport::Transport::Memory(Default::default()),
    )
    .err()
    .expect("refused");
    assert!(e.to_string().contains("DTLS protocol"), "{e}");
}

#[test]
fn state_errors_use_qt_codes() {
    let mut s = Dtls::new(Mode::Server);
    // A server needs the client's hello.
    assert!(s.do_handshake(Io::Memory, &[]).is_err());
    assert_eq!(s.dtls_error(), dtls_error::INVALID_INPUT_PARAMETERS);
    // ... and the peer's address.
    assert!(s.do_handshake(Io::Memory, b"hello").is_err());
    assert_eq!(s.dtls_error(), dtls_error::INVALID_OPERATION);
    let mut c = Dtls::new(Mode::Client);
    assert!(c.write_datagram_encrypted(Io::Memory, b"x").is_err());
    assert_eq!(c.dtls_error(), dtls_error::INVALID_OPERATION);
    assert!(c.shutdown(Io::Memory).is_err());
    assert!(c.resume_handshake().is_err());
    assert!(c.handle_timeout(Io::Memory).is_err());
    assert!(c.set_peer("0.0.0.0".parse().unwrap(), 1, "").is_err());
    assert_eq!(c.dtls_error(), dtls_error::INVALID_INPUT_PARAMETERS);
    assert!(c.set_peer("224.0.0.1".parse().unwrap(), 1, "").is_err());
    c.set_peer(LOCAL, 1, "x").unwrap();
    assert_eq!(c.dtls_error(), dtls_error::NO_ERROR);
    c.do_handshake(Io::Memory, &[]).unwrap();
    assert!(c.set_peer(LOCAL, 2, "").is_err());
    assert_eq!(c.dtls_error(), dtls_error::INVALID_OPERATION);
    assert!(c.set_dtls_configuration(&client_cfg()).is_err());
}

#[test]
fn cookie_parameters() {
    assert!(CookieParams::new(99, b"s").is_err());
    assert!(CookieParams::new(4, b"").is_err());
    let d = CookieParams::default();
    assert_eq!(d.hash, 2, "Qt's default is Sha1");
    assert!(!d.secret().is_empty());

    // A verifier with other parameters rejects a cookie made by the default.
    let mut c = Dtls::new(Mode::Client);
    c.set_peer(LOCAL, 4433, "").unwrap();
    c.do_handshake(Io::Memory, &[]).unwrap();
    let hello = c.take_datagram().unwrap();
    let mut v = Verifier::new();
    assert!(!v.verify_client(Io::Memory, &hello, LOCAL, 1000).unwrap());
    c.do_handshake(Io::Memory, &v.take_datagram().unwrap())
        .unwrap();
    let hello2 = c.take_datagram().unwrap();
    assert!(v.verify_client(Io::Memory, &hello2, LOCAL, 1000).unwrap());
    // The same hello from another address or port is not verified.
    assert!(!v.verify_client(Io::Memory, &hello2, LOCAL, 1001).unwrap());
    assert!(
        !v.verify_client(Io::Memory, &hello2, "127.0.0.2".parse().unwrap(), 1000)
            .unwrap()
    );
    for hash in [4, 6, 12] {
        let mut v2 = Verifier::new();
        v2.set_cookie_generator_parameters(CookieParams::new(hash, b"other secret").unwrap());
        assert!(!v2.verify_client(Io::Memory, &hello2, LOCAL, 1000).unwrap());
        assert!(v2.take_datagram().is_some(), "a new HelloVerifyRequest");
    }
}

#[test]
fn spoofed_and_garbage_datagrams() {
    let mut v = Verifier::new();
    // Garbage: dropped, nothing sent, no error state kept.
    for g in [
        &b"\x16\xfe\xfd garbage"[..],
        &[0u8; 13],
        &[0xffu8; 300],
        b"x",
    ] {
        assert!(!v.verify_client(Io::Memory, g, LOCAL, 7).unwrap());
        assert!(v.take_datagram().is_none());
    }
    assert!(v.verify_client(Io::Memory, &[], LOCAL, 7).is_err());
    assert_eq!(v.dtls_error(), dtls_error::INVALID_INPUT_PARAMETERS);

    // A server in the middle of a handshake drops garbage and goes on.
    let (mut c, s) = pair(&client_cfg(), &server_cfg());
    c.do_handshake(Io::Memory, &[]).unwrap();
    for g in [&b"\x16\xfe\xfd\0\0"[..], &[0xAAu8; 200], &[0u8; 40]] {
        c.do_handshake(Io::Memory, g).unwrap();
        assert_eq!(c.handshake_state(), handshake_state::IN_PROGRESS);
    }
    assert_eq!(c.pending_datagrams(), 1, "only the ClientHello was sent");
    drop(s);
    let (mut c, mut s) = pair(&client_cfg(), &server_cfg());
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let mut forged = b"\x17\xfe\xfd\0\x01\0\0\0\0\0\x09\0\x28".to_vec();
    forged.extend_from_slice(&[0x42; 40]);
    for g in [
        &b"\x17\xfe\xfd\0\x01\0\0\0\0\0\x09\0\x03abc"[..],
        &b"\x15\xfe\xfd\0\x01\0\0\0\0\0\x0a\0\x02\x02\x28"[..],
        &forged,
        &[0x55u8; 100],
    ] {
        assert_eq!(s.decrypt_datagram(Io::Memory, g).unwrap(), b"");
        assert!(s.is_connection_encrypted());
    }
    exchange(&mut c, &mut s);
}

#[test]
fn records_over_the_mtu_are_refused() {
    let (mut c, mut s) = pair(&client_cfg(), &server_cfg());
    c.set_mtu_hint(600);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let max = c.data_mtu();
    assert!(max > 400 && max < 600, "{max}");
    let e = c
        .write_datagram_encrypted(Io::Memory, &vec![7u8; max + 1])
        .unwrap_err();
    assert!(e.to_string().contains("MTU"), "{e}");
    assert_eq!(c.dtls_error(), dtls_error::INVALID_INPUT_PARAMETERS);
    assert!(c.take_datagram().is_none(), "nothing was sent");
    assert_eq!(
        c.write_datagram_encrypted(Io::Memory, &vec![7u8; max])
            .unwrap(),
        max
    );
    let d = c.take_datagram().unwrap();
    assert!(d.len() <= 600, "{}", d.len());
    assert_eq!(s.decrypt_datagram(Io::Memory, &d).unwrap().len(), max);
}

/// A tiny deterministic generator for the relay.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// A relay that drops 20% of datagrams, duplicates 10% and reorders the
/// rest; timeouts drive retransmission.
#[test]
fn lossy_relay_handshakes_complete() {
    let mut total_dropped = 0;
    for seed in 1..=6u64 {
        let mut rng = Lcg(seed * 7919);
        let mut cc = client_cfg();
        cc.set_peer_verify_mode(verify_mode::VERIFY_PEER);
        let (mut c, mut s) = pair(&cc, &server_cfg());
        c.set_initial_timeout_ms(40).unwrap();
        s.set_initial_timeout_ms(40).unwrap();
        let mut s_cfg_no_cookie = server_cfg();
        s_cfg_no_cookie.set_dtls_cookie_verification_enabled(false);
        if seed % 2 == 0 {
            // Half the runs without cookies: the server sees the first hello.
            s.set_dtls_configuration(&s_cfg_no_cookie).unwrap();
        }
        c.do_handshake(Io::Memory, &[]).unwrap();
        let mut to_server: Vec<Vec<u8>> = Vec::new();
        let mut to_client: Vec<Vec<u8>> = Vec::new();
        let mut dropped = 0;
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut server_started = false;
        while !(c.is_connection_encrypted() && s.is_connection_encrypted()) {
            assert!(Instant::now() < deadline, "seed {seed}: no progress");
            let mut relay = |from: &mut Dtls, q: &mut Vec<Vec<u8>>, rng: &mut Lcg| {
                while let Some(d) = from.take_datagram() {
                    match rng.next() % 10 {
                        0 | 1 => dropped += 1,
                        2 => {
                            q.push(d.clone());
                            q.push(d);
                        }
                        _ => q.push(d),
                    }
                }
                // Reorder: reverse pairs now and then.
                if q.len() > 1 && rng.next() % 2 == 0 {
                    q.reverse();
                }
            };
            relay(&mut c, &mut to_server, &mut rng);
            relay(&mut s, &mut to_client, &mut rng);
            for d in std::mem::take(&mut to_server) {
                if !server_started {
                    s.do_handshake(Io::Memory, &d)
                        .unwrap_or_else(|e| panic!("seed {seed}: server start: {e}"));
                    server_started = s.handshake_state() != handshake_state::NOT_STARTED;
                } else if s.is_connection_encrypted() {
                    let _ = s.decrypt_datagram(Io::Memory, &d);
                } else {
                    s.do_handshake(Io::Memory, &d)
                        .unwrap_or_else(|e| panic!("seed {seed}: server: {e}"));
                }
            }
            for d in std::mem::take(&mut to_client) {
                if c.is_connection_encrypted() {
                    let _ = c.decrypt_datagram(Io::Memory, &d);
                } else {
                    c.do_handshake(Io::Memory, &d)
                        .unwrap_or_else(|e| panic!("seed {seed}: client: {e}"));
                }
            }
            if c.pending_datagrams() == 0 && s.pending_datagrams() == 0 {
                // Nothing in flight: wait for the earliest deadline.
                let next = [c.next_timeout(), s.next_timeout()]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(Duration::from_millis(5));
                std::thread::sleep(next.min(Duration::from_millis(200)));
                if c.next_timeout().is_some() {
                    c.handle_timeout(Io::Memory).unwrap();
                }
                if server_started && s.next_timeout().is_some() {
                    let _ = s.handle_timeout(Io::Memory);
                }
            }
        }
        total_dropped += dropped;
        exchange(&mut c, &mut s);
    }
    assert!(total_dropped > 0, "the relay dropped datagrams");
}

#[test]
fn udp_sockets_on_loopback() {
    // Client on an unconnected socket with the peer address given; server on
    // a socket that verifies with the verifier and then uses the peer
    // address it saw.
    let srv = UdpSocket::bind("127.0.0.1:0").unwrap();
    let cli = UdpSocket::bind("127.0.0.1:0").unwrap();
    for s in [&srv, &cli] {
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
    }
    let srv_addr = srv.local_addr().unwrap();
    let mut c = Dtls::new(Mode::Client);
    c.set_dtls_configuration(&client_cfg()).unwrap();
    c.set_peer(srv_addr.ip(), srv_addr.port(), "localhost")
        .unwrap();
    let cfd = Io::Fd(cli.as_raw_fd());
    let sfd = Io::Fd(srv.as_raw_fd());
    c.do_handshake(cfd, &[]).unwrap();

    let mut v = Verifier::new();
    let mut s: Option<Dtls> = None;
    let mut buf = vec![0u8; 2048];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !(c.is_connection_encrypted() && s.as_ref().is_some_and(Dtls::is_connection_encrypted)) {
        assert!(Instant::now() < deadline, "no progress");
        if let Ok((n, from)) = srv.recv_from(&mut buf) {
            match &mut s {
                None => {
                    if v.verify_client(sfd, &buf[..n], from.ip(), from.port())
                        .unwrap()
                    {
                        let mut d = Dtls::new(Mode::Server);
                        d.set_dtls_configuration(&server_cfg()).unwrap();
                        d.set_peer(from.ip(), from.port(), "").unwrap();
                        d.do_handshake(sfd, v.verified_hello()).unwrap();
                        s = Some(d);
                    }
                }
                Some(d) => d.do_handshake(sfd, &buf[..n]).unwrap(),
            }
        }
        if let Ok((n, _)) = cli.recv_from(&mut buf) {
            c.do_handshake(cfd, &buf[..n]).unwrap();
        }
        if c.next_timeout() == Some(Duration::ZERO) {
            c.handle_timeout(cfd).unwrap();
        }
    }
    let mut s = s.unwrap();
    c.write_datagram_encrypted(cfd, b"over udp").unwrap();
    let (n, _) = srv.recv_from(&mut buf).unwrap();
    assert_eq!(s.decrypt_datagram(sfd, &buf[..n]).unwrap(), b"over udp");
    s.write_datagram_encrypted(sfd, b"back").unwrap();
    let (n, _) = cli.recv_from(&mut buf).unwrap();
    assert_eq!(c.decrypt_datagram(cfd, &buf[..n]).unwrap(), b"back");

    // A connected socket with no peer address given works too.
    let cli2 = UdpSocket::bind("127.0.0.1:0").unwrap();
    cli2.connect(srv_addr).unwrap();
    let mut c2 = Dtls::new(Mode::Client);
    c2.do_handshake(Io::Fd(cli2.as_raw_fd()), &[]).unwrap();
    let (n, from) = srv.recv_from(&mut buf).unwrap();
    assert_eq!(from, cli2.local_addr().unwrap());
    assert!(
        buf[..n].starts_with(&[0x16, 0xfe]),
        "a DTLS handshake record"
    );

    // A send failure is UnderlyingSocketError.
    let mut c3 = Dtls::new(Mode::Client);
    c3.set_peer(srv_addr.ip(), srv_addr.port(), "").unwrap();
    assert!(c3.do_handshake(Io::Fd(-1), &[]).is_err());
    assert_eq!(c3.dtls_error(), dtls_error::UNDERLYING_SOCKET_ERROR);
    let _ = SocketAddr::new(LOCAL, 0);
}

#[test]
fn configuration_settings_apply() {
    // Ciphers: a server limited to one suite makes it the session cipher.
    let mut sc = server_cfg();
    sc.set_ciphers_string("ECDHE-RSA-AES256-GCM-SHA384");
    let (mut c, mut s) = pair(&client_cfg(), &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(c.session_cipher().name(), "ECDHE-RSA-AES256-GCM-SHA384");
    // Protocol bounds: DtlsV1_0 only against DtlsV1_2 only fails.
    let mut cc = client_cfg();
    cc.set_protocol(protocol::DTLS_V1_2);
    let mut sc = server_cfg();
    sc.set_protocol(protocol::DTLS_V1_0);
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    assert!(rc.is_err() || rs.is_err());
    // Verify depth 1 with a chain CA -> leaf works; verify none accepts anyone.
    let mut cc = SslConfiguration::default_dtls_configuration();
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    let (mut c, mut s) = pair(&cc, &server_cfg());
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    // A local certificate without a key: TlsInitializationError before I/O.
    let mut bad = SslConfiguration::default_dtls_configuration();
    bad.set_local_certificate(cert("server.pem"));
    let mut d = Dtls::new(Mode::Server);
    d.set_dtls_configuration(&bad).unwrap();
    d.set_peer(LOCAL, 1, "").unwrap();
    assert!(d.do_handshake(Io::Memory, b"\x16").is_err());
    assert_eq!(d.dtls_error(), dtls_error::TLS_INITIALIZATION_ERROR);
    assert!(d.take_datagram().is_none());
    // Curves: the client's ephemeral key follows the configured curve.
    let mut cc = client_cfg();
    cc.set_elliptic_curves(Arc::from(vec![
        qssl::model::curve::EllipticCurve::from_short_name("secp384r1"),
    ]));
    let (mut c, mut s) = pair(&cc, &server_cfg());
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(c.dtls_configuration().ephemeral_server_key().length(), 384);
    let _ = Cipher::null();
}

/// The key log (issue 16) covers DTLS: both ends of a DTLS 1.2 handshake
/// log the same CLIENT_RANDOM line (each derived it on its own side).
#[test]
fn key_log_covers_dtls() {
    use qssl::model::server::KeylogHandler;
    use std::sync::Mutex;
    #[derive(Default)]
    struct Lines(Mutex<Vec<String>>);
    impl KeylogHandler for Lines {
        fn log(&self, line: &std::ffi::CStr) {
            self.0
                .lock()
                .unwrap()
                .push(line.to_string_lossy().into_owned());
        }
    }
    let (server_lines, client_lines) = (Arc::new(Lines::default()), Arc::new(Lines::default()));
    let mut sc = server_cfg();
    let h = server_lines.clone();
    sc.update_server_extras(|x| x.keylog = Some(h));
    let mut cc = client_cfg();
    let h = client_lines.clone();
    cc.update_server_extras(|x| x.keylog = Some(h));
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let ours = server_lines.0.lock().unwrap().clone();
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert!(ours[0].starts_with("CLIENT_RANDOM "), "{ours:?}");
    assert_eq!(ours, *client_lines.0.lock().unwrap());
}

#[test]
fn verify_depth_and_client_certificates_apply() {
    let deep_server = |leaf: &str, key_name: &str, inters: &[&str]| {
        let mut sc = SslConfiguration::default_dtls_configuration();
        let mut chain = vec![cert(leaf)];
        chain.extend(inters.iter().map(|n| cert(n)));
        sc.set_local_certificate_chain(Arc::from(chain));
        sc.set_private_key(key(key_name));
        sc
    };
    let four = deep_server("deep.pem", "deep-key.pem", &["inter2.pem", "inter.pem"]);
    let run = |depth: i32| {
        let mut cc = client_cfg();
        cc.set_peer_verify_depth(depth).unwrap();
        let (mut c, mut s) = pair(&cc, &four);
        handshake(&mut c, &mut s).0
    };
    assert!(run(0).is_ok(), "0 is unlimited");
    assert!(run(2).is_ok());
    let e = run(1).unwrap_err();
    assert!(matches!(e, Error::Verification(_)), "{e}");

    // A VerifyPeer server: a client certificate from the trusted CA passes,
    // none is NoPeerCertificate (21) on the server.
    let mut sc = server_cfg();
    sc.set_peer_verify_mode(verify_mode::VERIFY_PEER);
    sc.set_ca_certificates(Arc::from(vec![cert("ca.pem")]));
    let mut cc = client_cfg();
    cc.set_local_certificate(cert("client.pem"));
    cc.set_private_key(key("client-key.pem"));
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert!(!s.dtls_configuration().peer_certificate().is_null());
    let (mut c, mut s) = pair(&client_cfg(), &sc);
    let (_, rs) = handshake(&mut c, &mut s);
    assert!(matches!(rs, Err(Error::Verification(_))), "{rs:?}");
    assert_eq!(
        s.peer_verification_errors()
            .iter()
            .map(|e| e.code)
            .collect::<Vec<_>>(),
        [21]
    );
    assert_eq!(
        s.handshake_state(),
        handshake_state::PEER_VERIFICATION_FAILED
    );
}
