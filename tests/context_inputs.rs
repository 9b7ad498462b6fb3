//! The settings that build an OpenSSL context: writing one drops the
//! contexts built, writing anything else keeps them, and a CA certificate
//! that expires while its context is cached stops being trusted.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{cert, client_config, error_codes, fixture, key, server_config};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::x509::X509;
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectKeyIdentifier};
use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::{MemoryPipe, Transport};
use qssl::engine::{Connection, Mode};
use qssl::model::bytes::OptBytes;
use qssl::model::cert::Certificate;
use qssl::model::config::SslConfiguration;
use qssl::model::enums::{encoding, protocol, ssl_option, verify_mode};
use qssl::model::ssl_error::code;

fn mem() -> Transport {
    Transport::Memory(MemoryPipe::default())
}

/// One client/server handshake over memory; the client's result and errors.
fn run(client: &SslConfiguration, server: &SslConfiguration) -> (Result<(), Error>, Vec<i32>) {
    let (_, _, r, errors) = handshake(client, server);
    (r, errors)
}

/// One client/server handshake over memory: both ends, the client's result
/// and errors.
fn handshake(
    client: &SslConfiguration,
    server: &SslConfiguration,
) -> (Connection, Connection, Result<(), Error>, Vec<i32>) {
    let mut c = Connection::new(client, Mode::Client, mem()).unwrap();
    c.set_peer_verify_name("localhost").unwrap();
    let mut s = Connection::new(server, Mode::Server, mem()).unwrap();
    let (mut rc, mut rs) = (None, None);
    for _ in 0..100 {
        if rc.is_none() {
            match c.handshake() {
                Ok(Progress::Done) => rc = Some(Ok(())),
                Ok(_) => {}
                Err(e) => rc = Some(Err(e)),
            }
        }
        if rs.is_none() {
            match s.handshake() {
                Ok(Progress::Done) => rs = Some(Ok(())),
                Ok(_) => {}
                Err(e) => rs = Some(Err(e)),
            }
        }
        let to_s: Vec<u8> = c.memory().unwrap().outbound.drain(..).collect();
        let to_c: Vec<u8> = s.memory().unwrap().outbound.drain(..).collect();
        if to_s.is_empty() && to_c.is_empty() && (rc.is_some() || rs.is_some()) {
            break;
        }
        s.memory().unwrap().inbound.extend(to_s);
        c.memory().unwrap().inbound.extend(to_c);
    }
    let errors = error_codes(&c);
    (c, s, rc.expect("the client finished"), errors)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The fixture CA (same name and key, so it issued server.pem) re-signed to
/// expire at `not_after` (Unix seconds).
fn ca_expiring_at(not_after: i64) -> Certificate {
    let pem = fixture("ca.pem");
    let old = X509::from_pem(&pem).unwrap();
    let k = PKey::private_key_from_pem(&fixture("ca-key.pem")).unwrap();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_u32(77).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(old.subject_name()).unwrap();
    b.set_issuer_name(old.subject_name()).unwrap();
    b.set_pubkey(&k).unwrap();
    b.set_not_before(&Asn1Time::from_unix(now() - 3600).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_unix(not_after).unwrap())
        .unwrap();
    b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    b.append_extension(
        KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()
            .unwrap(),
    )
    .unwrap();
    let ski = SubjectKeyIdentifier::new()
        .build(&b.x509v3_context(None, None))
        .unwrap();
    b.append_extension(ski).unwrap();
    b.sign(&k, MessageDigest::sha256()).unwrap();
    let der = b.build().to_der().unwrap();
    Certificate::from_data(&der, encoding::DER).remove(0)
}

#[test]
fn a_ca_expiring_while_its_context_is_cached_stops_being_trusted() {
    let expiry = now() + 2;
    let mut cc = SslConfiguration::default_configuration();
    cc.set_ca_certificates(Arc::from(vec![ca_expiring_at(expiry)]));
    let sc = server_config();

    let (r, errors) = run(&cc, &sc);
    r.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(cc.contexts_built(), 1);

    while now() <= expiry {
        std::thread::sleep(Duration::from_millis(100));
    }
    // Same configuration, no write: the expired CA is no longer in the trust
    // store (Qt's filter), so the issuer is unknown; a stale context would
    // still hold it and report it expired instead.
    let (r, errors) = run(&cc, &sc);
    assert!(r.is_err(), "the handshake must fail once the CA expired");
    assert!(
        errors.contains(&code::UNABLE_TO_GET_LOCAL_ISSUER_CERTIFICATE)
            || errors.contains(&code::UNABLE_TO_VERIFY_FIRST_CERTIFICATE),
        "{errors:?}"
    );
    assert!(!errors.contains(&code::CERTIFICATE_EXPIRED), "{errors:?}");
    assert_eq!(cc.contexts_built(), 1, "rebuilt in place");
}

#[test]
fn an_expired_ca_is_left_out_from_the_first_build() {
    let mut cc = SslConfiguration::default_configuration();
    cc.set_ca_certificates(Arc::from(vec![ca_expiring_at(now() - 10)]));
    let (r, errors) = run(&cc, &server_config());
    assert!(r.is_err());
    assert!(!errors.contains(&code::CERTIFICATE_EXPIRED), "{errors:?}");
}

/// Builds the client context of a copy of `base`, applies `write`, and
/// returns how many contexts the copy still has.
fn contexts_after(base: &SslConfiguration, write: &dyn Fn(&mut SslConfiguration)) -> usize {
    let mut c = base.clone();
    c.set_peer_verify_depth(0).unwrap(); // detach from `base`: starts empty
    let _ = Connection::new(&c, Mode::Client, mem()).unwrap();
    assert_eq!(c.contexts_built(), 1);
    write(&mut c);
    c.contexts_built()
}

#[test]
fn every_setting_that_builds_the_context_drops_it_and_no_other_does() {
    let base = client_config();
    type Write = Box<dyn Fn(&mut SslConfiguration)>;
    let dropping: Vec<(&str, Write)> = vec![
        ("protocol", Box::new(|c| c.set_protocol(protocol::TLS_V1_3))),
        (
            "verify mode",
            Box::new(|c| c.set_peer_verify_mode(verify_mode::QUERY_PEER)),
        ),
        (
            "verify depth",
            Box::new(|c| c.set_peer_verify_depth(3).unwrap()),
        ),
        (
            "local certificate",
            Box::new(|c| c.set_local_certificate(cert("client.pem"))),
        ),
        (
            "private key",
            Box::new(|c| c.set_private_key(key("client-key.pem"))),
        ),
        (
            "ciphers",
            Box::new(|c| c.set_ciphers_string("TLS_AES_128_GCM_SHA256")),
        ),
        (
            "CA list",
            Box::new(|c| c.add_ca_certificate(cert("inter.pem"))),
        ),
        (
            "ssl option",
            Box::new(|c| c.set_ssl_option(ssl_option::DISABLE_SESSION_TICKETS, true)),
        ),
        (
            "curves",
            Box::new(|c| c.set_elliptic_curves(Arc::from(vec![]))),
        ),
        (
            "ALPN",
            Box::new(|c| c.set_allowed_next_protocols(Arc::from(vec![OptBytes::from(&b"h2"[..])]))),
        ),
        (
            "PSK hint",
            Box::new(|c| c.set_pre_shared_key_identity_hint(OptBytes::from(&b"hint"[..]))),
        ),
        (
            "OCSP stapling",
            Box::new(|c| c.set_ocsp_stapling_enabled(true)),
        ),
        (
            "missing certificate is fatal",
            Box::new(|c| c.set_missing_certificate_is_fatal(true)),
        ),
    ];
    for (name, write) in &dropping {
        assert_eq!(contexts_after(&base, write.as_ref()), 0, "{name}");
    }
    let keeping: Vec<(&str, Write)> = vec![
        (
            "session ticket",
            Box::new(|c| c.set_session_ticket(OptBytes::from(&b"x"[..]))),
        ),
        (
            "interrupt on error",
            Box::new(|c| c.set_handshake_must_interrupt_on_error(true)),
        ),
        (
            "DTLS cookie",
            Box::new(|c| c.set_dtls_cookie_verification_enabled(false)),
        ),
        ("PSK callback", Box::new(|c| c.set_psk_handler(None))),
    ];
    for (name, write) in &keeping {
        assert_eq!(contexts_after(&base, write.as_ref()), 1, "{name}");
    }
}

#[test]
fn a_ticket_replaced_on_a_configuration_that_resumed_is_decoded_again() {
    let sc = server_config();
    let mut cc = client_config();
    cc.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);
    let (mut c, mut s, r, _) = handshake(&cc, &sc);
    r.unwrap();
    // The server writes a byte, the client reads it: the TLS 1.3 tickets
    // that follow the handshake are processed.
    s.write(b"x").unwrap();
    let out: Vec<u8> = s.memory().unwrap().outbound.drain(..).collect();
    c.memory().unwrap().inbound.extend(out);
    let mut buf = [0u8; 4];
    let (_, n) = c.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"x");
    let mut saved = c.ssl_configuration();
    drop((c, s));
    assert!(!saved.session_ticket().is_empty());

    let (c, _s, r, _) = handshake(&saved, &sc);
    r.unwrap();
    assert!(c.session_resumed(), "the saved ticket resumes");
    drop(c);
    // Replaced in place: the session decoded from the old ticket goes with it.
    saved.set_session_ticket(OptBytes::from(&b"garbage"[..]));
    let (c, _s, r, _) = handshake(&saved, &sc);
    r.unwrap();
    assert!(
        !c.session_resumed(),
        "a garbage ticket gives a full handshake"
    );
    assert_eq!(saved.contexts_built(), 1, "the ticket reaches no context");
}

/// A server certificate for "localhost" issued by the fixture CA, expiring
/// at `not_after`.
fn leaf_expiring_at(not_after: i64) -> Certificate {
    use openssl::x509::extension::SubjectAlternativeName;
    let ca = X509::from_pem(&fixture("ca.pem")).unwrap();
    let ca_key = PKey::private_key_from_pem(&fixture("ca-key.pem")).unwrap();
    let leaf_key = PKey::private_key_from_pem(&fixture("server-key.pem")).unwrap();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_u32(78).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "localhost").unwrap();
    b.set_subject_name(&name.build()).unwrap();
    b.set_issuer_name(ca.subject_name()).unwrap();
    b.set_pubkey(&leaf_key).unwrap();
    b.set_not_before(&Asn1Time::from_unix(now() - 3600).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_unix(not_after).unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .dns("localhost")
        .build(&b.x509v3_context(Some(&ca), None))
        .unwrap();
    b.append_extension(san).unwrap();
    b.sign(&ca_key, MessageDigest::sha256()).unwrap();
    let der = b.build().to_der().unwrap();
    Certificate::from_data(&der, encoding::DER).remove(0)
}

/// Resumption never accepts a peer certificate that expired after the
/// session was made: the expiry date read once per ticket (the cached path
/// of `resumed_errors`) still refuses it, on every resumption from the ticket.
#[test]
fn a_peer_certificate_expired_since_its_session_is_refused_at_resumption() {
    let expiry = now() + 2;
    let mut sc = SslConfiguration::default_configuration();
    sc.set_local_certificate(leaf_expiring_at(expiry));
    sc.set_private_key(common::key("server-key.pem"));
    let mut cc = client_config();
    cc.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);

    let (mut c, mut s, r, errors) = handshake(&cc, &sc);
    r.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    // TLS 1.3 tickets arrive after the handshake: the server writes a byte,
    // the client reads it (and the tickets with it).
    s.write(b"x").unwrap();
    let to_c: Vec<u8> = s.memory().unwrap().outbound.drain(..).collect();
    c.memory().unwrap().inbound.extend(to_c);
    let mut buf = [0u8; 8];
    c.read(&mut buf).unwrap();
    let saved = c.ssl_configuration();
    assert!(!saved.session_ticket().is_empty());

    // Before the date: resumed, no error (twice: the second uses the date
    // the first decoded with the ticket).
    for _ in 0..2 {
        let (c2, _, r, errors) = handshake(&saved, &sc);
        r.unwrap();
        assert!(c2.session_resumed());
        assert!(errors.is_empty(), "{errors:?}");
    }

    while now() <= expiry {
        std::thread::sleep(Duration::from_millis(100));
    }
    for _ in 0..2 {
        let (c2, _, r, errors) = handshake(&saved, &sc);
        assert!(c2.session_resumed(), "the server still accepts the ticket");
        assert!(
            r.is_err(),
            "a resumed session with an expired peer certificate is refused"
        );
        assert!(errors.contains(&code::CERTIFICATE_EXPIRED), "{errors:?}");
    }
}
