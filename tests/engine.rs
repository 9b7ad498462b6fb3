//! Real handshakes between two qssl endpoints over the memory transport.

mod common;

use std::sync::{Arc, Mutex};

use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::Transport;
use qssl::engine::{Connection, Mode};
use qssl::model::bytes::{OptBytes, SecretBytes};
use qssl::model::config::{PskHandler, SslConfiguration};
use qssl::model::enums::{protocol, ssl_option, verify_mode};
use qssl::model::psk::PskAuthenticator;

use common::{
    cert, client_config, handshake_both as handshake, key, mem, memory_pair as pair, server_config,
    shuttle,
};

#[test]
fn tls13_certificate_handshake_and_state() {
    let (mut c, mut s) = pair(&client_config(), &server_config());
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let cs = c.ssl_configuration();
    assert_eq!(cs.session_protocol(), protocol::TLS_V1_3);
    assert_eq!(cs.session_cipher().name(), "TLS_AES_256_GCM_SHA384");
    assert_eq!(cs.peer_certificate(), &cert("server.pem"));
    assert_eq!(cs.peer_certificate_chain().len(), 1);
    assert_eq!(cs.ephemeral_server_key().algorithm(), 0, "X25519 is Opaque");
    assert!(!cs.ephemeral_server_key().is_null());
    let ss = s.ssl_configuration();
    assert!(ss.ephemeral_server_key().is_null());
    assert!(
        ss.peer_certificate().is_null(),
        "client sent no certificate"
    );
    assert!(c.ssl_errors().is_empty(), "{:?}", c.ssl_errors());

    // Application data both ways.
    c.write(b"ping").unwrap();
    shuttle(&mut c, &mut s);
    let mut buf = [0u8; 16];
    let (_, n) = s.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ping");
    s.write(b"pong").unwrap();
    shuttle(&mut c, &mut s);
    let (_, n) = c.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"pong");
}

#[test]
fn session_state_first_asked_after_tickets_and_close() {
    // The session state is read from the SSL when first asked for: asked
    // only after the TLS 1.3 tickets arrived and both sides closed, it is
    // what it is when asked right after the handshake (cipher and protocol
    // are null / unknown once closed either way).
    let state = |late: bool| {
        let (mut c, mut s) = pair(&client_config(), &server_config());
        let (rc, rs) = handshake(&mut c, &mut s);
        rc.unwrap();
        rs.unwrap();
        let early = (!late).then(|| (c.ssl_configuration(), s.ssl_configuration()));
        s.write(b"x").unwrap();
        shuttle(&mut c, &mut s);
        let mut buf = [0u8; 4];
        assert_eq!(c.read(&mut buf).unwrap(), (Progress::Done, 1));
        assert!(c.session_tickets_received() > 0);
        c.shutdown().unwrap();
        shuttle(&mut c, &mut s);
        assert!(matches!(s.read(&mut buf), Err(Error::Closed(_))));
        s.shutdown().unwrap();
        let (cs, ss) = early.unwrap_or_else(|| (c.ssl_configuration(), s.ssl_configuration()));
        assert_eq!(
            c.ssl_configuration().peer_certificate(),
            cs.peer_certificate()
        );
        assert!(c.session_cipher().is_null());
        assert_eq!(c.session_protocol(), protocol::UNKNOWN_PROTOCOL);
        (cs, ss)
    };
    let ((ec, es), (lc, ls)) = (state(false), state(true));
    assert_eq!(lc.peer_certificate(), &cert("server.pem"));
    assert_eq!(lc.peer_certificate(), ec.peer_certificate());
    assert_eq!(lc.peer_certificate_chain(), ec.peer_certificate_chain());
    assert_eq!(lc.next_negotiated_protocol(), ec.next_negotiated_protocol());
    assert_eq!(
        lc.next_protocol_negotiation_status(),
        ec.next_protocol_negotiation_status()
    );
    assert!(!lc.ephemeral_server_key().is_null());
    assert_eq!(
        lc.ephemeral_server_key().algorithm(),
        ec.ephemeral_server_key().algorithm()
    );
    assert_eq!(
        lc.ephemeral_server_key().length(),
        ec.ephemeral_server_key().length()
    );
    assert_eq!(lc.session_resumed(), ec.session_resumed());
    assert!(ls.peer_certificate().is_null() && es.peer_certificate().is_null());
    assert!(ls.peer_certificate_chain().is_empty() && es.peer_certificate_chain().is_empty());
    assert!(ls.ephemeral_server_key().is_null());
}

#[test]
fn context_is_built_once_per_configuration() {
    let cc = client_config();
    let sc = server_config();
    for _ in 0..3 {
        let (mut c, mut s) = pair(&cc, &sc);
        let (rc, rs) = handshake(&mut c, &mut s);
        rc.unwrap();
        rs.unwrap();
    }
    assert_eq!(cc.contexts_built(), 1);
    assert_eq!(sc.contexts_built(), 1);
    let mut detached = cc.clone();
    detached.set_peer_verify_depth(5).unwrap();
    assert_eq!(
        detached.contexts_built(),
        0,
        "a detached copy builds its own"
    );
}

#[test]
fn untrusted_and_hostname_errors() {
    // Client trusting nothing: SelfSigned... no, the server's chain is
    // unknown: UnableToGetLocalIssuerCertificate / UnableToVerifyFirstCertificate.
    let mut cc = SslConfiguration::default_configuration();
    cc.set_ca_certificates(Arc::from(vec![]));
    let (mut c, mut s) = pair(&cc, &server_config());
    let (rc, _) = handshake(&mut c, &mut s);
    assert!(matches!(rc, Err(Error::Verification(_))), "{rc:?}");
    let codes: Vec<i32> = c.ssl_errors().iter().map(|e| e.code).collect();
    assert!(
        codes.contains(&20) || codes.contains(&11) || codes.contains(&12),
        "{codes:?}"
    );

    // Wrong host name: HostNameMismatch (22) only.
    let mut c = Connection::new(&client_config(), Mode::Client, mem()).unwrap();
    c.set_peer_verify_name("otherhost").unwrap();
    let mut s = Connection::new(&server_config(), Mode::Server, mem()).unwrap();
    let (rc, _) = handshake(&mut c, &mut s);
    assert!(matches!(rc, Err(Error::Verification(_))), "{rc:?}");
    let codes: Vec<i32> = c.ssl_errors().iter().map(|e| e.code).collect();
    assert_eq!(codes, [22]);

    // Self-signed server, ignored errors: succeeds, errors still reported.
    let mut sc = SslConfiguration::default_configuration();
    sc.set_local_certificate(cert("selfsigned.pem"));
    sc.set_private_key(key("selfsigned-key.pem"));
    let (mut c, mut s) = pair(&client_config(), &sc);
    c.ignore_ssl_errors();
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let codes: Vec<i32> = c.ssl_errors().iter().map(|e| e.code).collect();
    assert_eq!(codes, [9]);
}

#[test]
fn protocol_matrix() {
    // (server, client) -> negotiated or None for failure (spec App. B).
    let cases = [
        (protocol::ANY_PROTOCOL, protocol::ANY_PROTOCOL, Some(12)),
        (
            protocol::SECURE_PROTOCOLS,
            protocol::SECURE_PROTOCOLS,
            Some(12),
        ),
        (protocol::TLS_V1_2_OR_LATER, protocol::TLS_V1_2, Some(2)),
        (protocol::TLS_V1_2_OR_LATER, protocol::TLS_V1_3, Some(12)),
        (protocol::TLS_V1_3_OR_LATER, protocol::TLS_V1_2, None),
        (protocol::TLS_V1_3_OR_LATER, protocol::TLS_V1_3, Some(12)),
        (protocol::TLS_V1_0_OR_LATER, protocol::TLS_V1_2, Some(2)),
        (protocol::TLS_V1_2, protocol::ANY_PROTOCOL, Some(2)),
        (protocol::TLS_V1_0, protocol::SECURE_PROTOCOLS, None),
        (protocol::SECURE_PROTOCOLS, protocol::TLS_V1_0, None),
    ];
    for (sp, cp, want) in cases {
        let mut sc = server_config();
        sc.set_protocol(sp);
        let mut cc = client_config();
        cc.set_protocol(cp);
        let (mut c, mut s) = pair(&cc, &sc);
        let (rc, rs) = handshake(&mut c, &mut s);
        match want {
            Some(p) => {
                assert!(rc.is_ok() && rs.is_ok(), "{sp}/{cp}: {rc:?} {rs:?}");
                assert_eq!(c.ssl_configuration().session_protocol(), p, "{sp}/{cp}");
            }
            None => assert!(rc.is_err(), "{sp}/{cp} should fail"),
        }
    }
}

#[test]
fn dtls_and_unknown_protocols_refused_before_io() {
    for p in [
        protocol::DTLS_V1_2,
        protocol::DTLS_V1_2_OR_LATER,
        protocol::UNKNOWN_PROTOCOL,
    ] {
        let mut cc = client_config();
        cc.set_protocol(p);
        let e = Connection::new(&cc, Mode::Client, mem())
            .err()
            .expect("refused");
        assert!(
            e.to_string().contains("cannot be used on a TLS connection"),
            "{e}"
        );
    }
}

#[test]
fn alpn_cases() {
    let set = |c: &mut SslConfiguration, l: &[&[u8]]| {
        c.set_allowed_next_protocols(
            l.iter()
                .map(|p| OptBytes::from(*p))
                .collect::<Vec<_>>()
                .into(),
        )
    };
    // Client order wins.
    let mut sc = server_config();
    set(&mut sc, &[b"h2", b"http/1.1"]);
    let mut cc = client_config();
    set(&mut cc, &[b"http/1.1", b"h2"]);
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    for conf in [c.ssl_configuration(), s.ssl_configuration()] {
        assert_eq!(conf.next_protocol_negotiation_status(), 1);
        assert_eq!(conf.next_negotiated_protocol().as_slice(), b"http/1.1");
    }
    // No overlap: handshake succeeds; server Unsupported; client None.
    let mut cc = client_config();
    set(&mut cc, &[b"spdy/3"]);
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(s.ssl_configuration().next_protocol_negotiation_status(), 2);
    assert_eq!(c.ssl_configuration().next_protocol_negotiation_status(), 0);
    assert!(c.ssl_configuration().next_negotiated_protocol().is_null());
    // Client-only ALPN: status 0 both sides.
    let (mut c, mut s) = pair(&cc, &server_config());
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(c.ssl_configuration().next_protocol_negotiation_status(), 0);
    assert_eq!(s.ssl_configuration().next_protocol_negotiation_status(), 0);
}

struct Psk {
    identity: Vec<u8>,
    key: Vec<u8>,
    seen: Mutex<Vec<(OptBytes, OptBytes, i32, i32)>>,
}

impl PskHandler for Psk {
    fn authenticate(&self, auth: &mut PskAuthenticator) -> Result<(), String> {
        self.seen.lock().unwrap().push((
            auth.identity_hint().clone(),
            auth.identity().to_opt_bytes(),
            auth.maximum_identity_length(),
            auth.maximum_pre_shared_key_length(),
        ));
        auth.set_identity(OptBytes::from(&self.identity[..]));
        auth.set_pre_shared_key(SecretBytes::new(&self.key));
        Ok(())
    }
}

fn psk(identity: &[u8], key: &[u8]) -> Arc<Psk> {
    Arc::new(Psk {
        identity: identity.to_vec(),
        key: key.to_vec(),
        seen: Mutex::new(vec![]),
    })
}

/// Both connections, both handlers, both handshake results.
type PskRun = (
    Connection,
    Connection,
    Arc<Psk>,
    Arc<Psk>,
    Result<(), Error>,
    Result<(), Error>,
);

fn psk_pair(proto: i32, ciphers: &str, ck: &[u8], sk: &[u8]) -> PskRun {
    let ch = psk(b"Client_identity", ck);
    let sh = psk(b"ignored", sk);
    let mut cc = SslConfiguration::default_configuration();
    cc.set_protocol(proto);
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    cc.set_ciphers_string(ciphers);
    cc.set_psk_handler(Some(ch.clone()));
    let mut sc = SslConfiguration::default_configuration();
    sc.set_protocol(proto);
    sc.set_ciphers_string(ciphers);
    sc.set_pre_shared_key_identity_hint(OptBytes::from(&b"QtTestServerHint"[..]));
    sc.set_psk_handler(Some(sh.clone()));
    let mut c = Connection::new(&cc, Mode::Client, mem()).unwrap();
    let mut s = Connection::new(&sc, Mode::Server, mem()).unwrap();
    let (rc, rs) = handshake(&mut c, &mut s);
    (c, s, ch, sh, rc, rs)
}

#[test]
fn psk_tls12() {
    let (c, s, ch, sh, rc, rs) = psk_pair(
        protocol::TLS_V1_2,
        "PSK-AES256-CBC-SHA",
        b"\x1a\x2b\x3c\x4d\x5e\x6f",
        b"\x1a\x2b\x3c\x4d\x5e\x6f",
    );
    rc.unwrap();
    rs.unwrap();
    let seen = ch.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0.as_slice(), b"QtTestServerHint");
    assert_eq!((seen[0].2, seen[0].3), (255, 512));
    let sseen = sh.seen.lock().unwrap().clone();
    assert_eq!(sseen.len(), 1);
    assert_eq!(sseen[0].1.as_slice(), b"Client_identity");
    assert_eq!((sseen[0].2, sseen[0].3), (0, 512));
    assert_eq!(
        c.ssl_configuration().session_cipher().name(),
        "PSK-AES256-CBC-SHA"
    );
    assert_eq!(s.ssl_configuration().session_protocol(), protocol::TLS_V1_2);
    assert!(c.ssl_configuration().ephemeral_server_key().is_null());
}

#[test]
fn psk_tls12_wrong_key_and_empty_key() {
    let (c, s, _, _, rc, rs) =
        psk_pair(protocol::TLS_V1_2, "PSK-AES256-CBC-SHA", b"right", b"wrong");
    assert!(rc.is_err() && rs.is_err());
    assert_eq!(
        s.alert_sent(),
        Some((2, 20)),
        "bad_record_mac from the server"
    );
    assert_eq!(c.alert_received(), Some((2, 20)));
    let (_, s, _, _, rc, rs) = psk_pair(protocol::TLS_V1_2, "PSK-AES256-CBC-SHA", b"key", b"");
    assert!(rc.is_err() && rs.is_err());
    assert_eq!(
        s.alert_sent().map(|a| a.1),
        Some(115),
        "unknown_psk_identity"
    );
}

#[test]
fn psk_tls13_sha256_and_sha384() {
    for suite in ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"] {
        let (c, s, ch, sh, rc, rs) = psk_pair(
            protocol::TLS_V1_3,
            suite,
            b"0123456789abcdef",
            b"0123456789abcdef",
        );
        rc.unwrap_or_else(|e| panic!("{suite}: client {e}"));
        rs.unwrap_or_else(|e| panic!("{suite}: server {e}"));
        assert_eq!(c.ssl_configuration().session_protocol(), protocol::TLS_V1_3);
        assert_eq!(c.ssl_configuration().session_cipher().name(), suite);
        assert_eq!(ch.seen.lock().unwrap().len(), 1);
        let sseen = sh.seen.lock().unwrap().clone();
        assert_eq!(sseen[0].1.as_slice(), b"Client_identity");
        assert!(s.is_encrypted());
    }
}

#[test]
fn session_resumption_from_ticket() {
    let sc = server_config();
    let mut cc = client_config();
    cc.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    // TLS 1.3 tickets arrive after the handshake; reading pulls them in.
    s.write(b"x").unwrap();
    shuttle(&mut c, &mut s);
    let mut buf = [0u8; 8];
    let _ = c.read(&mut buf).unwrap();
    let saved = c.ssl_configuration();
    assert!(c.session_tickets_received() >= 1);
    assert!(!saved.session_ticket().is_empty());
    assert_eq!(saved.session_ticket_life_time_hint(), 7200);
    assert!(!c.session_resumed());

    let mut c2 = Connection::new(&saved, Mode::Client, mem()).unwrap();
    c2.set_peer_verify_name("localhost").unwrap();
    let mut s2 = Connection::new(&sc, Mode::Server, mem()).unwrap();
    let (rc, rs) = handshake(&mut c2, &mut s2);
    rc.unwrap();
    rs.unwrap();
    assert!(c2.session_resumed(), "resumed from the saved ticket");

    // Persistence disabled (default): no ticket, hint -1.
    let (mut c, mut s) = pair(&client_config(), &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert!(c.ssl_configuration().session_ticket().is_empty());
    assert_eq!(c.ssl_configuration().session_ticket_life_time_hint(), -1);
}

#[test]
fn configuration_errors_are_clear() {
    let mut sc = SslConfiguration::default_configuration();
    sc.set_local_certificate(cert("server.pem"));
    let e = Connection::new(&sc, Mode::Server, mem()).err().unwrap();
    assert!(e.to_string().contains("no private key"), "{e}");
    sc.set_private_key(key("server-ec-key.pem"));
    let e = Connection::new(&sc, Mode::Server, mem()).err().unwrap();
    assert!(e.to_string().contains("does not match"), "{e}");
    let mut sc = server_config();
    sc.set_backend_configuration_option(
        b"NoSuchCommand",
        qssl::model::config::BackendValue::Bytes(OptBytes::from(&b"1"[..])),
    );
    let e = Connection::new(&sc, Mode::Server, mem()).err().unwrap();
    assert!(e.to_string().contains("NoSuchCommand"), "{e}");
}

#[test]
fn writing_to_a_sole_owner_drops_its_cached_context() {
    let mut cc = client_config();
    let _ = Connection::new(&cc, Mode::Client, mem()).unwrap();
    assert_eq!(cc.contexts_built(), 1);
    cc.set_protocol(protocol::TLS_V1_3);
    assert_eq!(cc.contexts_built(), 0);
}

fn names(list: &[&str]) -> String {
    list.join(":")
}

#[test]
fn server_cipher_preference_and_its_option() {
    let (a, b) = ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256");
    let mut sc = server_config();
    sc.set_ciphers_string(&names(&[a, b]));
    let mut cc = client_config();
    cc.set_ciphers_string(&names(&[b, a]));
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(
        c.ssl_configuration().session_cipher().name(),
        a,
        "server order wins"
    );
    sc.set_ssl_option(ssl_option::DISABLE_SERVER_CIPHER_PREFERENCE, true);
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(
        c.ssl_configuration().session_cipher().name(),
        b,
        "client order wins"
    );
}

#[test]
fn qt_cipher_split_leaves_the_other_version_default() {
    // A TLS 1.2-only list on the server still negotiates TLS 1.3 (spec §7.3).
    let mut sc = server_config();
    sc.set_ciphers_string("ECDHE-RSA-AES128-GCM-SHA256");
    let (mut c, mut s) = pair(&client_config(), &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(c.ssl_configuration().session_protocol(), protocol::TLS_V1_3);
    // A TLS 1.3-only server list with a TLS 1.2 client gives an ECDHE suite.
    let mut sc = server_config();
    sc.set_ciphers_string("TLS_CHACHA20_POLY1305_SHA256");
    let mut cc = client_config();
    cc.set_protocol(protocol::TLS_V1_2);
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(c.ssl_configuration().session_protocol(), protocol::TLS_V1_2);
    assert!(
        c.ssl_configuration()
            .session_cipher()
            .name()
            .starts_with("ECDHE-")
    );
}

#[test]
fn ephemeral_key_kinds_follow_curves_and_dh() {
    use qssl::model::curve::EllipticCurve;
    // TLS 1.3 with the curve list [prime256v1]: Ec/256.
    let mut sc = server_config();
    sc.set_elliptic_curves(Arc::from(vec![EllipticCurve(
        openssl::nid::Nid::X9_62_PRIME256V1.as_raw(),
    )]));
    let (mut c, mut s) = pair(&client_config(), &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let k = c.ssl_configuration().ephemeral_server_key().clone();
    assert_eq!((k.algorithm(), k.length()), (3, 256));
    assert!(
        s.ssl_configuration().ephemeral_server_key().is_null(),
        "servers report none"
    );
    // TLS 1.2 DHE with the default parameters (ffdhe2048): Dh/2048.
    let mut sc = server_config();
    sc.set_protocol(protocol::TLS_V1_2);
    sc.set_ciphers_string("DHE-RSA-AES256-GCM-SHA384");
    let (mut c, mut s) = pair(&client_config(), &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let k = c.ssl_configuration().ephemeral_server_key().clone();
    assert_eq!((k.algorithm(), k.length()), (4, 2048));
    assert_eq!(
        c.ssl_configuration().session_cipher().name(),
        "DHE-RSA-AES256-GCM-SHA384"
    );
    // Empty DH parameters: DHE is unavailable, "no shared cipher".
    sc.set_diffie_hellman_parameters(qssl::model::dh::DhParams::empty());
    let (mut c, mut s) = pair(&client_config(), &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    assert!(rc.is_err());
    assert!(rs.unwrap_err().to_string().contains("no shared cipher"));
}

#[test]
fn interrupt_on_error_stops_the_handshake() {
    let mut sc = SslConfiguration::default_configuration();
    sc.set_local_certificate(cert("selfsigned.pem"));
    sc.set_private_key(key("selfsigned-key.pem"));
    let mut cc = client_config();
    cc.set_handshake_must_interrupt_on_error(true);
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, _) = handshake(&mut c, &mut s);
    assert!(matches!(rc, Err(Error::Verification(_))), "{rc:?}");
    assert_eq!(
        c.ssl_errors().iter().map(|e| e.code).collect::<Vec<_>>(),
        [9]
    );
    assert_eq!(c.alert_sent().map(|a| a.1), Some(48), "unknown_ca");
}

#[test]
fn client_certificates_optional_and_verified() {
    let mut cc = client_config();
    cc.set_local_certificate(cert("client.pem"));
    cc.set_private_key(key("client-key.pem"));
    // AutoVerifyPeer on a server = QueryPeer: asks for the certificate,
    // reports its errors, never fails on them (the server trusts no CA here).
    let mut sc = server_config();
    sc.set_ca_certificates(Arc::from(vec![]));
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(
        s.ssl_configuration().peer_certificate(),
        &cert("client.pem")
    );
    // The chain starts with the leaf (prepended on servers, as Qt does); the
    // client's OpenSSL also sends the CA it builds the chain from.
    assert_eq!(
        s.ssl_configuration().peer_certificate_chain()[0],
        cert("client.pem")
    );
    assert!(!s.ssl_errors().is_empty(), "errors reported, not fatal");
    // VerifyPeer with the right CA: succeeds without errors.
    let mut sc = server_config();
    sc.set_peer_verify_mode(verify_mode::VERIFY_PEER);
    sc.set_ca_certificates(Arc::from(vec![cert("ca.pem")]));
    let (mut c, mut s) = pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert!(s.ssl_errors().is_empty(), "{:?}", s.ssl_errors());
    // VerifyPeer, client without a certificate: NoPeerCertificate (21).
    let (mut c, mut s) = pair(&client_config(), &sc);
    let (_, rs) = handshake(&mut c, &mut s);
    assert!(matches!(rs, Err(Error::Verification(_))), "{rs:?}");
    assert_eq!(
        s.ssl_errors().iter().map(|e| e.code).collect::<Vec<_>>(),
        [21]
    );
}

#[test]
fn verify_depth_limits_the_chain() {
    // OpenSSL's depth counts certificates above the leaf, the trust anchor at
    // depth + 1: depth 1 admits leaf <- intermediate <- root, not one more.
    let deep = |leaf: &str, key_name: &str, inters: &[&str]| {
        let mut sc = SslConfiguration::default_configuration();
        let mut chain = vec![cert(leaf)];
        chain.extend(inters.iter().map(|n| cert(n)));
        sc.set_local_certificate_chain(Arc::from(chain));
        sc.set_private_key(key(key_name));
        sc
    };
    let three = deep("chained.pem", "chained-key.pem", &["inter.pem"]);
    let four = deep("deep.pem", "deep-key.pem", &["inter2.pem", "inter.pem"]);
    let run = |sc: &SslConfiguration, depth: i32| {
        let mut cc = client_config();
        cc.set_peer_verify_depth(depth).unwrap();
        let (mut c, mut s) = pair(&cc, sc);
        let (rc, _) = handshake(&mut c, &mut s);
        rc
    };
    assert!(run(&three, 0).is_ok(), "0 is unlimited");
    assert!(run(&three, 1).is_ok());
    assert!(run(&four, 0).is_ok());
    assert!(run(&four, 2).is_ok());
    let e = run(&four, 1).unwrap_err();
    assert!(matches!(e, Error::Verification(_)), "{e}");
}

#[test]
fn session_state_from_an_ssl_the_application_drove() {
    use qssl::ffi::config::qssl_config_t;
    use qssl::ffi::conn::{
        qssl_config_openssl_context, qssl_config_set_session_state_from_openssl,
    };
    use std::ffi::c_void;
    // Drive a raw OpenSSL client from qssl's context against a qssl server.
    let cc = client_config();
    let mut raw_ctx: *mut c_void = std::ptr::null_mut();
    let cfg_handle = qssl_config_t::from_configuration(cc.clone());
    // SAFETY: valid handle and out pointer.
    let st = unsafe { qssl_config_openssl_context(&cfg_handle, 1, &mut raw_ctx) };
    assert_eq!(st, 0);
    // SAFETY: qssl handed us a referenced SSL_CTX*; wrap it to free it on drop.
    let ctx = unsafe {
        <openssl::ssl::SslContext as foreign_types::ForeignType>::from_ptr(raw_ctx.cast())
    };
    let mut ssl = openssl::ssl::Ssl::new(&ctx).unwrap();
    ssl.set_hostname("localhost").unwrap();
    ssl.param_mut().set_host("localhost").unwrap();
    let (client_end, server_end) = std::os::unix::net::UnixStream::pair().unwrap();
    use std::os::fd::AsRawFd;
    let sc = server_config();
    let srv = std::thread::spawn(move || {
        let mut s =
            Connection::new(&sc, Mode::Server, Transport::Fd(server_end.as_raw_fd())).unwrap();
        let r = s.handshake();
        drop(s);
        drop(server_end);
        r
    });
    let stream = ssl
        .connect(client_end)
        .expect("raw OpenSSL client handshake");
    assert!(matches!(srv.join().unwrap(), Ok(Progress::Done)));
    let mut state = qssl_config_t::from_configuration(cc);
    // SAFETY: valid handle and a live SSL*.
    let st = unsafe {
        qssl_config_set_session_state_from_openssl(
            &mut state,
            1,
            foreign_types::ForeignTypeRef::as_ptr(stream.ssl()).cast(),
        )
    };
    assert_eq!(st, 0);
    assert_eq!(state.configuration().session_protocol(), protocol::TLS_V1_3);
    assert_eq!(
        state.configuration().peer_certificate(),
        &cert("server.pem")
    );
    assert!(!state.configuration().session_cipher().is_null());
}

#[test]
fn psk_tls13_out_of_the_box_with_default_lists() {
    // Default cipher lists on both sides, TLS 1.3, no certificates.
    let ch = psk(b"Client_identity", b"0123456789abcdef");
    let sh = psk(b"ignored", b"0123456789abcdef");
    let mut cc = SslConfiguration::default_configuration();
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    cc.set_psk_handler(Some(ch.clone()));
    let mut sc = SslConfiguration::default_configuration();
    sc.set_psk_handler(Some(sh.clone()));
    let mut c = Connection::new(&cc, Mode::Client, mem()).unwrap();
    let mut s = Connection::new(&sc, Mode::Server, mem()).unwrap();
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(c.ssl_configuration().session_protocol(), protocol::TLS_V1_3);
    assert_eq!(sh.seen.lock().unwrap()[0].1.as_slice(), b"Client_identity");
}

/// A connection keeps the configuration it was made from: the PSK handler
/// and hint the application sets on its configuration afterwards reach only
/// later connections; a handler set on the connection wins, and removing it
/// brings the configuration's back. The session state is reported as
/// `ssl_configuration()` always did.
#[test]
fn a_connection_keeps_the_configuration_it_was_made_from() {
    let (ck, sk) = (&b"\x01\x02\x03\x04"[..], &b"\x01\x02\x03\x04"[..]);
    let ch = psk(b"Client_identity", ck);
    let sh = psk(b"ignored", sk);
    let mut cc = SslConfiguration::default_configuration();
    cc.set_protocol(protocol::TLS_V1_2);
    cc.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    cc.set_ciphers_string("PSK-AES128-GCM-SHA256");
    cc.set_psk_handler(Some(ch.clone()));
    let mut sc = SslConfiguration::default_configuration();
    sc.set_protocol(protocol::TLS_V1_2);
    sc.set_ciphers_string("PSK-AES128-GCM-SHA256");
    sc.set_pre_shared_key_identity_hint(OptBytes::from(&b"first hint"[..]));
    sc.set_psk_handler(Some(sh.clone()));
    let mut c = Connection::new(&cc, Mode::Client, mem()).unwrap();
    let mut s = Connection::new(&sc, Mode::Server, mem()).unwrap();
    // Changed after the connections were made: not theirs.
    let wrong = psk(b"Client_identity", b"wrong");
    cc.set_psk_handler(Some(wrong.clone()));
    sc.set_psk_handler(Some(wrong.clone()));
    sc.set_pre_shared_key_identity_hint(OptBytes::from(&b"second hint"[..]));
    sc.set_protocol(protocol::TLS_V1_3);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert!(wrong.seen.lock().unwrap().is_empty());
    assert_eq!(ch.seen.lock().unwrap()[0].0.as_slice(), b"first hint");
    assert_eq!(sh.seen.lock().unwrap().len(), 1);
    assert_eq!(c.session_cipher().name(), "PSK-AES128-GCM-SHA256");
    assert_eq!(c.session_protocol(), protocol::TLS_V1_2);
    let cs = s.ssl_configuration();
    assert_eq!(cs.session_cipher(), &s.session_cipher());
    assert_eq!(cs.session_protocol(), s.session_protocol());
    assert_eq!(cs.protocol(), protocol::TLS_V1_2);
    assert_eq!(cs.pre_shared_key_identity_hint().as_slice(), b"first hint");
    assert!(!s.session_resumed() && !cs.session_resumed());

    // A handler set on the connection wins; None brings back the
    // configuration's (the one the connection was made from).
    let own = psk(b"Client_identity", sk);
    let mut c = Connection::new(&cc, Mode::Client, mem()).unwrap();
    let mut s = Connection::new(&sc, Mode::Server, mem()).unwrap();
    c.set_psk_handler(Some(own.clone())).unwrap();
    s.set_psk_handler(Some(wrong.clone())).unwrap();
    s.set_psk_handler(None).unwrap();
    s.set_protocol(protocol::TLS_V1_2).unwrap();
    // The server's configuration's handler is `wrong` now: the key differs.
    let (rc, rs) = handshake(&mut c, &mut s);
    assert!(rc.is_err() && rs.is_err());
    assert_eq!(own.seen.lock().unwrap().len(), 1);
    assert_eq!(wrong.seen.lock().unwrap().len(), 1);
    assert_eq!(own.seen.lock().unwrap()[0].0.as_slice(), b"second hint");
}

/// `SSL_dup` of a connection's fresh `SSL` (other code may call it on the
/// `SSL` qssl lends) does not copy qssl's state slot: whether the copy is
/// made or fails half-way and is freed (qssl's BIO cannot be duplicated),
/// the connection's state is released once, when the connection goes, and
/// the connection still works.
#[test]
fn ssl_dup_leaves_the_connection_state_alone() {
    unsafe extern "C" {
        fn SSL_dup(s: *mut openssl_sys::SSL) -> *mut openssl_sys::SSL;
    }
    use foreign_types::ForeignTypeRef;
    let mut c = Connection::new(&client_config(), Mode::Client, mem()).unwrap();
    c.set_peer_verify_name("otherhost").unwrap();
    let mut s = Connection::new(&server_config(), Mode::Server, mem()).unwrap();
    for ssl in [c.ssl().as_ptr(), s.ssl().as_ptr()] {
        // SAFETY: live SSLs; what SSL_dup returns is freed at once.
        unsafe {
            let d = SSL_dup(ssl);
            // A copy, or the same SSL with one more reference: free it.
            if !d.is_null() {
                openssl_sys::SSL_free(d);
            }
            openssl_sys::ERR_clear_error();
        }
    }
    let (rc, _) = handshake(&mut c, &mut s);
    assert!(matches!(rc, Err(Error::Verification(_))), "{rc:?}");
    let codes: Vec<i32> = c.ssl_errors().iter().map(|e| e.code).collect();
    assert_eq!(codes, [22]);
}
