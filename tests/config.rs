//! QSslConfiguration semantics: defaults, the isNull / == tables of the Qt
//! spec (§2.1, §2.2, Appendix A), copy-on-write, the process-wide defaults.

use std::sync::Arc;

use qssl::model::bytes::OptBytes;
use qssl::model::cert::Certificate;
use qssl::model::config::{BackendValue, SslConfiguration};
use qssl::model::curve::EllipticCurve;
use qssl::model::dh::DhParams;
use qssl::model::enums::{encoding, pattern_syntax, protocol, ssl_option, verify_mode};
use qssl::model::key::Key;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn server_cert() -> Certificate {
    Certificate::from_data(&fixture("server.pem"), encoding::PEM).remove(0)
}

#[test]
fn default_constructed_values() {
    let c = SslConfiguration::new();
    assert!(c.is_null());
    assert_eq!(c.protocol(), protocol::SECURE_PROTOCOLS);
    assert_eq!(c.protocol(), 4);
    assert_eq!(c.peer_verify_mode(), verify_mode::AUTO_VERIFY_PEER);
    assert_eq!(c.peer_verify_depth(), 0);
    assert_eq!(c.ssl_options(), 0x55);
    assert!(!c.ocsp_stapling_enabled());
    assert!(c.dtls_cookie_verification_enabled());
    assert!(!c.handshake_must_interrupt_on_error());
    assert!(!c.missing_certificate_is_fatal());
    assert!(c.allowed_next_protocols().is_empty());
    assert!(c.next_negotiated_protocol().is_null());
    assert_eq!(c.next_protocol_negotiation_status(), 0);
    assert!(c.ciphers().is_empty());
    assert!(c.ca_certificates().is_empty());
    assert_eq!(c.session_protocol(), -1);
    assert!(c.session_ticket().is_null());
    assert_eq!(c.session_ticket_life_time_hint(), -1);
    assert!(c.ephemeral_server_key().is_null());
    assert_eq!(c.ephemeral_server_key().algorithm(), 0);
    assert_eq!(c.ephemeral_server_key().key_type(), 1);
    assert!(c.elliptic_curves().is_empty());
    assert!(c.pre_shared_key_identity_hint().is_null());
    assert!(!c.diffie_hellman_parameters().is_empty());
    assert!(c.diffie_hellman_parameters().is_valid());
    assert_eq!(
        *c.diffie_hellman_parameters(),
        DhParams::default_parameters()
    );
    assert!(c.backend_configuration().is_empty());
    assert!(c.system_roots_trusted());
    assert!(c.session_cipher().is_null());
    assert!(c.peer_certificate().is_null());
    assert!(c.local_certificate().is_null());
    assert!(c.private_key().is_null());
    for (bit, on) in [
        (0x1, true),
        (0x2, false),
        (0x4, true),
        (0x8, false),
        (0x10, true),
        (0x20, false),
        (0x40, true),
        (0x80, false),
    ] {
        assert_eq!(c.test_ssl_option(bit), on, "{bit:#x}");
    }
}

/// One row of Appendix A's transition table: apply `f` to a fresh
/// configuration, check `isNull` and `== fresh`.
fn row(name: &str, is_null: bool, equals_fresh: bool, f: impl FnOnce(&mut SslConfiguration)) {
    let fresh = SslConfiguration::new();
    let mut c = SslConfiguration::new();
    f(&mut c);
    assert_eq!(c.is_null(), is_null, "isNull after {name}");
    assert_eq!(c == fresh, equals_fresh, "== fresh after {name}");
    assert_eq!(fresh == c, equals_fresh, "symmetric == after {name}");
}

#[test]
fn is_null_and_equality_table() {
    let cert = server_cert();
    row("setProtocol(SecureProtocols)", true, true, |c| {
        c.set_protocol(protocol::SECURE_PROTOCOLS)
    });
    row("setProtocol(TlsV1_2)", false, false, |c| {
        c.set_protocol(protocol::TLS_V1_2)
    });
    row("setPeerVerifyMode(Auto)", true, true, |c| {
        c.set_peer_verify_mode(verify_mode::AUTO_VERIFY_PEER)
    });
    row("setPeerVerifyMode(VerifyPeer)", false, false, |c| {
        c.set_peer_verify_mode(verify_mode::VERIFY_PEER)
    });
    row("setPeerVerifyDepth(0)", true, true, |c| {
        c.set_peer_verify_depth(0).unwrap()
    });
    row("setPeerVerifyDepth(3)", false, false, |c| {
        c.set_peer_verify_depth(3).unwrap()
    });
    row("setPeerVerifyDepth(-1)", true, true, |c| {
        assert!(c.set_peer_verify_depth(-1).is_err())
    });
    row("setLocalCertificate(null)", false, false, |c| {
        c.set_local_certificate(Certificate::null())
    });
    let c2 = cert.clone();
    row("setLocalCertificate(cert)", false, false, move |c| {
        c.set_local_certificate(c2)
    });
    row("setLocalCertificateChain(empty)", true, true, |c| {
        c.set_local_certificate_chain(Arc::from(vec![]))
    });
    row("setPrivateKey(null)", true, true, |c| {
        c.set_private_key(Key::null())
    });
    row("setCiphers(emptyList)", true, true, |c| {
        c.set_ciphers(Arc::from(vec![]))
    });
    row("setCiphers(emptyString)", true, true, |c| {
        c.set_ciphers_string("")
    });
    row("setCiphers(\"AES256-SHA\")", false, false, |c| {
        c.set_ciphers_string("AES256-SHA")
    });
    row("setCaCertificates(empty)", false, false, |c| {
        c.set_ca_certificates(Arc::from(vec![]))
    });
    row("addCaCertificates(emptyList)", false, false, |c| {
        c.add_ca_certificates(&[])
    });
    row("addCaCertificates(nonexistentPath)", true, true, |c| {
        assert!(
            !c.add_ca_certificates_from_path(
                "/nonexistent/qssl/x.pem",
                encoding::PEM,
                pattern_syntax::FIXED_STRING
            )
            .unwrap()
        )
    });
    row("addCaCertificate(null)", false, false, |c| {
        c.add_ca_certificate(Certificate::null())
    });
    row(
        "setSslOption(DisableEmptyFragments,true)",
        true,
        true,
        |c| c.set_ssl_option(ssl_option::DISABLE_EMPTY_FRAGMENTS, true),
    );
    row(
        "setSslOption(DisableSessionTickets,false)",
        true,
        true,
        |c| c.set_ssl_option(ssl_option::DISABLE_SESSION_TICKETS, false),
    );
    row(
        "setSslOption(DisableSessionTickets,true)",
        false,
        false,
        |c| c.set_ssl_option(ssl_option::DISABLE_SESSION_TICKETS, true),
    );
    row(
        "setSslOption(DisableSessionPersistence,false)",
        false,
        false,
        |c| c.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false),
    );
    row("setSessionTicket(null)", true, true, |c| {
        c.set_session_ticket(OptBytes::Null)
    });
    row("setSessionTicket(emptyNonNull)", false, true, |c| {
        c.set_session_ticket(OptBytes::from(&b""[..]))
    });
    row("setEllipticCurves(empty)", true, true, |c| {
        c.set_elliptic_curves(Arc::from(vec![]))
    });
    row("setEllipticCurves(prime256v1)", false, false, |c| {
        c.set_elliptic_curves(Arc::from(vec![EllipticCurve(415)]))
    });
    row("setPreSharedKeyIdentityHint(null)", true, true, |c| {
        c.set_pre_shared_key_identity_hint(OptBytes::Null)
    });
    row(
        "setPreSharedKeyIdentityHint(emptyNonNull)",
        false,
        true,
        |c| c.set_pre_shared_key_identity_hint(OptBytes::from(&b""[..])),
    );
    row("setDiffieHellmanParameters(default)", true, true, |c| {
        c.set_diffie_hellman_parameters(DhParams::default_parameters())
    });
    row("setDiffieHellmanParameters(empty)", false, false, |c| {
        c.set_diffie_hellman_parameters(DhParams::empty())
    });
    row("setBackendConfigurationOption(k,v)", false, false, |c| {
        c.set_backend_configuration_option(
            b"MinProtocol",
            BackendValue::Bytes(OptBytes::from(&b"TLSv1.2"[..])),
        )
    });
    row("setBackendConfiguration(empty)", true, true, |c| {
        c.set_backend_configuration(Arc::default())
    });
    row("setAllowedNextProtocols(empty)", true, true, |c| {
        c.set_allowed_next_protocols(Arc::from(vec![]))
    });
    row("setAllowedNextProtocols(h2)", false, false, |c| {
        c.set_allowed_next_protocols(Arc::from(vec![OptBytes::from(&b"h2"[..])]))
    });
    row("setOcspStaplingEnabled(true)", false, false, |c| {
        c.set_ocsp_stapling_enabled(true)
    });
    row(
        "setDtlsCookieVerificationEnabled(false)",
        true,
        false,
        |c| c.set_dtls_cookie_verification_enabled(false),
    );
    row("setDtlsCookieVerificationEnabled(true)", true, true, |c| {
        c.set_dtls_cookie_verification_enabled(true)
    });
    row(
        "setHandshakeMustInterruptOnError(true)",
        false,
        false,
        |c| c.set_handshake_must_interrupt_on_error(true),
    );
    row("setMissingCertificateIsFatal(true)", false, false, |c| {
        c.set_missing_certificate_is_fatal(true)
    });
}

#[test]
fn set_then_reset() {
    let fresh = SslConfiguration::new();
    let mut c = SslConfiguration::new();
    c.set_protocol(protocol::TLS_V1_2);
    c.set_protocol(protocol::SECURE_PROTOCOLS);
    assert!(c.is_null() && c == fresh, "reset.protocol");

    let mut c = SslConfiguration::new();
    c.set_local_certificate(server_cert());
    c.set_local_certificate_chain(Arc::from(vec![]));
    assert!(c.is_null() && c == fresh, "reset.localCertificate");

    let mut c = SslConfiguration::new();
    c.set_ca_certificates(Arc::from(vec![server_cert()]));
    c.set_ca_certificates(Arc::from(vec![]));
    assert!(
        !c.is_null() && c != fresh,
        "reset.caCertificates is irreversible"
    );

    let mut c = SslConfiguration::new();
    c.set_ssl_option(ssl_option::DISABLE_SESSION_TICKETS, true);
    c.set_ssl_option(ssl_option::DISABLE_SESSION_TICKETS, false);
    assert!(c.is_null(), "reset.sslOption");

    let mut c = SslConfiguration::new();
    c.set_dtls_cookie_verification_enabled(false);
    c.set_dtls_cookie_verification_enabled(true);
    assert!(c == fresh, "reset.dtlsCookie");
}

#[test]
fn negative_depth_keeps_value() {
    let mut c = SslConfiguration::new();
    c.set_peer_verify_depth(7).unwrap();
    let e = c.set_peer_verify_depth(-1).unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
    assert_eq!(c.peer_verify_depth(), 7);
}

#[test]
fn ca_flag_rules() {
    let cert = server_cert();
    let mut by_set = SslConfiguration::new();
    by_set.set_ca_certificates(Arc::from(vec![cert.clone()]));
    let mut by_add = SslConfiguration::new();
    by_add.add_ca_certificates(std::slice::from_ref(&cert));
    assert!(
        by_set == by_add,
        "setCaCertificates(list) == addCaCertificates(list)"
    );
    assert!(!by_set.system_roots_trusted());

    let mut by_path = SslConfiguration::new();
    let path = format!("{}/tests/fixtures/server.pem", env!("CARGO_MANIFEST_DIR"));
    assert!(
        by_path
            .add_ca_certificates_from_path(&path, encoding::PEM, pattern_syntax::FIXED_STRING)
            .unwrap()
    );
    assert_eq!(by_path.ca_certificates().len(), 1);
    assert!(
        by_path.system_roots_trusted(),
        "path overload keeps the flag"
    );
    assert!(
        by_path != by_add,
        "addCaCertificates(path) != addCaCertificates(list)"
    );

    let mut twice = SslConfiguration::new();
    twice.add_ca_certificate(cert.clone());
    twice.add_ca_certificate(cert);
    assert_eq!(twice.ca_certificates().len(), 2, "no duplicate check");
}

#[test]
fn cipher_string_parsing() {
    let mut c = SslConfiguration::new();
    c.set_ciphers_string("AES256-SHA:BOGUS::ECDHE-RSA-AES128-GCM-SHA256:aes128-sha:AES256-SHA");
    let names: Vec<&str> = c.ciphers().iter().map(|x| x.name()).collect();
    assert_eq!(
        names,
        ["AES256-SHA", "ECDHE-RSA-AES128-GCM-SHA256", "AES256-SHA"]
    );
    c.set_ciphers_string("NOPE");
    assert!(c.ciphers().is_empty());
    assert!(c.is_null());
    c.set_ciphers_string("TLS_AES_128_GCM_SHA256");
    assert_eq!(c.ciphers().len(), 1);
    // setCiphers("a:b:c") == setCiphers([a,b,c]) for the first three supported.
    let sup = SslConfiguration::supported_ciphers();
    let mut by_list = SslConfiguration::new();
    by_list.set_ciphers(Arc::from(sup[..3].to_vec()));
    let mut by_str = SslConfiguration::new();
    by_str.set_ciphers_string(&format!(
        "{}:{}:{}",
        sup[0].name(),
        sup[1].name(),
        sup[2].name()
    ));
    assert!(by_list == by_str);
}

#[test]
fn copy_on_write_in_both_orders() {
    let mut a = SslConfiguration::new();
    a.set_protocol(protocol::TLS_V1_3);
    let mut b = a.clone();
    assert!(a.shares_data_with(&b));
    b.set_protocol(protocol::TLS_V1_2);
    assert!(!a.shares_data_with(&b));
    assert_eq!(a.protocol(), protocol::TLS_V1_3);
    assert_eq!(b.protocol(), protocol::TLS_V1_2);
    drop(a);
    assert_eq!(b.protocol(), protocol::TLS_V1_2);

    let a = SslConfiguration::new();
    let mut b = a.clone();
    drop(a);
    b.set_peer_verify_depth(3).unwrap();
    assert_eq!(b.peer_verify_depth(), 3);
    assert_eq!(
        SslConfiguration::new().peer_verify_depth(),
        0,
        "shared empty data untouched"
    );
}

#[test]
fn getters_never_detach() {
    let a = SslConfiguration::default_configuration();
    let b = a.clone();
    let _ = (
        b.protocol(),
        b.ciphers().len(),
        b.ca_certificates().len(),
        b.is_null(),
        b.session_ticket(),
    );
    assert!(a.shares_data_with(&b));
}

#[test]
fn list_equality_compares_pointers_first() {
    let certs: Arc<[Certificate]> = Arc::from(vec![server_cert(); 145]);
    let mut a = SslConfiguration::new();
    a.set_ca_certificates(certs.clone());
    let mut b = SslConfiguration::new();
    b.set_ca_certificates(certs);
    assert!(!a.shares_data_with(&b));
    assert!(a == b);
}

#[test]
fn default_configuration_semantics() {
    let d = SslConfiguration::default_configuration();
    assert!(!d.is_null(), "ciphers are populated");
    assert!(d != SslConfiguration::new());
    assert!(d == SslConfiguration::default_configuration());
    assert!(d.ciphers().iter().all(|c| c.used_bits() >= 128));
    assert!(
        d.ca_certificates().is_empty(),
        "system roots are trusted on demand, not listed"
    );
    assert!(d.system_roots_trusted());

    let dtls = SslConfiguration::default_dtls_configuration();
    assert_eq!(dtls.protocol(), protocol::DTLS_V1_2_OR_LATER);
    let mut d2 = d.clone();
    d2.set_protocol(protocol::DTLS_V1_2_OR_LATER);
    assert!(d2 == dtls);
    assert!(d.ciphers() == dtls.ciphers());

    // A local modification does not touch the global.
    let mut local = SslConfiguration::default_configuration();
    local.set_protocol(protocol::TLS_V1_3);
    assert_eq!(
        SslConfiguration::default_configuration().protocol(),
        protocol::SECURE_PROTOCOLS
    );
}

#[test]
fn backend_configuration_map() {
    let mut c = SslConfiguration::new();
    c.set_backend_configuration_option(b"DTLSMTU", BackendValue::Int(1024));
    c.set_backend_configuration_option(b"DTLSTIMEOUTMS", BackendValue::Int(1000));
    c.set_backend_configuration_option(b"DTLSMTU", BackendValue::Int(1200));
    let m = c.backend_configuration();
    assert_eq!(m.len(), 2);
    assert_eq!(m.get(&b"DTLSMTU"[..]), Some(&BackendValue::Int(1200)));
    let copy = c.clone();
    c.set_backend_configuration(Arc::default());
    assert!(c.backend_configuration().is_empty());
    assert_eq!(copy.backend_configuration().len(), 2);
    assert_ne!(BackendValue::Int(42), BackendValue::Text("42".into()));
}

#[test]
fn system_ca_certificates_are_cached_and_deduplicated() {
    let a = qssl::model::system_ca::system_ca_certificates();
    let b = qssl::model::system_ca::system_ca_certificates();
    assert!(Arc::ptr_eq(&a, &b), "second call shares the first parse");
    if a.is_empty() {
        eprintln!("no system CA certificates on this machine; dedup not checked");
        return;
    }
    for (i, x) in a.iter().enumerate() {
        assert!(!x.is_null());
        assert!(a[i + 1..].iter().all(|y| y != x), "duplicate at {i}");
    }
}
