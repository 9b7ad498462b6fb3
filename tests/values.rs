//! The value types: QSslCipher, QSslEllipticCurve, QSslDiffieHellmanParameters
//! and QSslError, against Qt's semantics and the values Qt 6.4 reports
//! (qt-semantics.md §13, Appendix A).

use qssl::model::cert::Certificate;
use qssl::model::cipher::{Cipher, default_ciphers, parse_cipher_string, supported_ciphers};
use qssl::model::curve::{EllipticCurve, supported_elliptic_curves};
use qssl::model::dh::{
    DH_INVALID_INPUT_DATA_ERROR, DH_NO_ERROR, DH_UNSAFE_PARAMETERS_ERROR, DhParams,
};
use qssl::model::enums::{encoding, protocol};
use qssl::model::ssl_error::{SslError, code, error_text, map_x509_verify_error};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cert(name: &str) -> Certificate {
    Certificate::from_data(&fixture(name), encoding::PEM).remove(0)
}

// ---------------------------------------------------------------- QSslCipher

#[test]
fn cipher_default_is_null_with_qt_defaults() {
    // cipher.default=|proto=(-1)|kx=|au=|enc=|supportedBits=0|usedBits=0|isNull=true
    for c in [Cipher::null(), Cipher::default()] {
        assert!(c.is_null());
        assert_eq!(c.name(), "");
        assert_eq!(c.protocol(), protocol::UNKNOWN_PROTOCOL);
        assert_eq!(c.protocol_string(), "");
        assert_eq!(c.key_exchange_method(), "");
        assert_eq!(c.authentication_method(), "");
        assert_eq!(c.encryption_method(), "");
        assert_eq!(c.supported_bits(), 0);
        assert_eq!(c.used_bits(), 0);
    }
}

#[test]
fn cipher_unknown_names_are_null_and_equal_to_null() {
    let none = Cipher::from_name("NONEXISTENT");
    assert!(none.is_null());
    assert_eq!(Cipher::null(), none);
    assert!(Cipher::from_name("").is_null());
    // Case-sensitive.
    assert!(Cipher::from_name("aes256-sha").is_null());
    assert!(Cipher::from_name("AES256-SHA ").is_null());
}

#[test]
fn cipher_aes256_sha_fields() {
    // cipher.AES256-SHA=AES256-SHA|proto=SSLv3(-1)|kx=RSA|au=RSA|enc=AES(256)|256|256
    let c = Cipher::from_name("AES256-SHA");
    assert!(!c.is_null());
    assert_eq!(c.name(), "AES256-SHA");
    assert_eq!(c.protocol_string(), "SSLv3");
    assert_eq!(c.protocol(), -1);
    assert_eq!(c.key_exchange_method(), "RSA");
    assert_eq!(c.authentication_method(), "RSA");
    assert_eq!(c.encryption_method(), "AES(256)");
    assert_eq!(c.supported_bits(), 256);
    assert_eq!(c.used_bits(), 256);
}

#[test]
fn cipher_name_and_protocol_must_both_match() {
    assert!(Cipher::from_name_and_protocol("AES256-SHA", protocol::TLS_V1_2).is_null());
    let own = Cipher::from_name_and_protocol("AES256-SHA", -1);
    assert!(!own.is_null());
    assert_eq!(own, Cipher::from_name("AES256-SHA"));
    let tls13 = Cipher::from_name_and_protocol("TLS_AES_256_GCM_SHA384", protocol::TLS_V1_3);
    assert!(!tls13.is_null());
    assert_eq!(tls13.protocol_string(), "TLSv1.3");
    assert_eq!(tls13.key_exchange_method(), "any");
    assert_eq!(tls13.authentication_method(), "any");
    assert_eq!(tls13.encryption_method(), "AESGCM(256)");
    assert!(
        Cipher::from_name_and_protocol("TLS_AES_256_GCM_SHA384", protocol::TLS_V1_3_OR_LATER)
            .is_null()
    );
    // Every supported cipher is found again by (name, protocol) and equals itself.
    for c in supported_ciphers().iter() {
        assert_eq!(&Cipher::from_name_and_protocol(c.name(), c.protocol()), c);
    }
}

#[test]
fn cipher_protocol_mapping_follows_openssl_text() {
    for c in supported_ciphers().iter() {
        let want = match c.protocol_string() {
            "TLSv1.3" => 12,
            "TLSv1.2" => 2,
            "TLSv1.1" => 1,
            "TLSv1" => 0,
            _ => -1,
        };
        assert_eq!(c.protocol(), want, "{c:?}");
        assert_eq!(c.supported_bits(), c.used_bits(), "{c:?}");
    }
    // ECDHE-*-SHA suites report "TLSv1".
    assert_eq!(Cipher::from_name("ECDHE-RSA-AES128-SHA").protocol(), 0);
    assert_eq!(
        Cipher::from_name("ECDHE-RSA-AES128-GCM-SHA256").protocol(),
        2
    );
}

#[test]
fn cipher_equality_is_name_and_protocol() {
    let a = Cipher::from_name("ECDHE-RSA-AES128-GCM-SHA256");
    let b = a.clone();
    assert_eq!(a, b);
    assert_ne!(a, Cipher::from_name("ECDHE-RSA-AES256-GCM-SHA384"));
    assert_ne!(a, Cipher::null());
}

#[test]
fn supported_list_starts_with_the_tls13_suites() {
    let sup = supported_ciphers();
    assert!(sup.len() > 10, "{}", sup.len());
    let first: Vec<&str> = sup.iter().take(3).map(Cipher::name).collect();
    assert_eq!(
        first,
        [
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256"
        ]
    );
    assert!(sup.iter().take(3).all(|c| c.protocol() == 12));
    assert!(sup.iter().skip(3).all(|c| c.protocol() != 12));
    // Computed once: the same shared list every time.
    assert!(std::sync::Arc::ptr_eq(&sup, &supported_ciphers()));
    // No anonymous suites (Qt drops ADH/AECDH).
    for c in sup.iter() {
        let n = c.name().to_ascii_lowercase();
        assert!(!n.starts_with("adh") && !n.starts_with("aecdh") && !n.starts_with("exp-adh"));
    }
}

#[test]
fn default_list_is_supported_filtered_by_128_bits() {
    let sup = supported_ciphers();
    let def = default_ciphers();
    let want: Vec<Cipher> = sup
        .iter()
        .filter(|c| c.used_bits() >= 128)
        .cloned()
        .collect();
    assert_eq!(&def[..], &want[..]);
    assert!(!def.is_empty());
    for c in def.iter() {
        let n = c.name().to_ascii_uppercase();
        let enc = c.encryption_method().to_ascii_uppercase();
        assert!(c.used_bits() >= 128, "{c:?}");
        assert!(!n.contains("NULL") && !enc.starts_with("NONE"), "{c:?}");
        assert!(!n.contains("RC4") && !enc.starts_with("RC4"), "{c:?}");
        assert!(!n.contains("EXP"), "{c:?}");
        assert!(c.authentication_method() != "None", "{c:?}");
    }
}

#[test]
fn cipher_string_follows_qt6_set_ciphers() {
    let v =
        parse_cipher_string("AES256-SHA:BOGUS::ECDHE-RSA-AES128-GCM-SHA256:aes128-sha:AES256-SHA");
    let names: Vec<&str> = v.iter().map(Cipher::name).collect();
    assert_eq!(
        names,
        ["AES256-SHA", "ECDHE-RSA-AES128-GCM-SHA256", "AES256-SHA"]
    );
    assert!(parse_cipher_string("NOPE").is_empty());
    assert!(parse_cipher_string("").is_empty());
    assert!(parse_cipher_string(":::").is_empty());
    let tls13 = parse_cipher_string("TLS_AES_128_GCM_SHA256");
    assert_eq!(tls13.len(), 1);
    assert_eq!(tls13[0].protocol(), 12);
    // "a:b:c" equals the list [a, b, c] for the first three supported ciphers.
    let sup = supported_ciphers();
    let s = format!("{}:{}:{}", sup[0].name(), sup[1].name(), sup[2].name());
    assert_eq!(parse_cipher_string(&s), sup[..3].to_vec());
}

// --------------------------------------------------------- QSslEllipticCurve

#[test]
fn curve_default_is_invalid() {
    let c = EllipticCurve::default();
    assert!(!c.is_valid());
    assert_eq!(c, EllipticCurve::INVALID);
    assert_eq!(c.short_name(), "");
    assert_eq!(c.long_name(), "");
    assert!(!c.is_tls_named_curve());
}

#[test]
fn curve_prime256v1() {
    let c = EllipticCurve::from_short_name("prime256v1");
    assert!(c.is_valid());
    assert_eq!(c.short_name(), "prime256v1");
    assert_eq!(c.long_name(), "prime256v1");
    assert!(c.is_tls_named_curve());
    assert!(supported_elliptic_curves().contains(&c));
    assert_eq!(EllipticCurve::from_long_name("prime256v1"), c);
}

#[test]
fn curve_x25519_is_valid_but_not_tls_named() {
    let c = EllipticCurve::from_short_name("X25519");
    assert!(c.is_valid());
    assert_eq!(c.0, openssl_sys::NID_X25519);
    assert_eq!(c.short_name(), "X25519");
    assert_eq!(c.long_name(), "X25519");
    assert!(!c.is_tls_named_curve());
    assert!(!supported_elliptic_curves().contains(&c));
    assert_eq!(EllipticCurve::from_long_name("X25519"), c);
    let x448 = EllipticCurve::from_short_name("X448");
    assert!(x448.is_valid());
    assert!(!x448.is_tls_named_curve());
    // Case-sensitive.
    assert!(!EllipticCurve::from_short_name("x25519").is_valid());
}

#[test]
fn curve_names_that_resolve_and_do_not() {
    for n in ["secp384r1", "secp521r1", "brainpoolP256r1"] {
        let c = EllipticCurve::from_short_name(n);
        assert!(c.is_valid(), "{n}");
        assert_eq!(c.short_name(), n);
        assert!(c.is_tls_named_curve(), "{n}");
    }
    for n in ["", "nonsense", "PRIME256V1", "prime256v1\0x"] {
        assert!(!EllipticCurve::from_short_name(n).is_valid(), "{n:?}");
        assert!(!EllipticCurve::from_long_name(n).is_valid(), "{n:?}");
    }
    // OpenSSL's descriptive comments are not long names.
    assert!(
        !EllipticCurve::from_long_name("NIST/SECG curve over a 384 bit prime field").is_valid()
    );
    // An id OpenSSL does not know has empty names.
    assert_eq!(EllipticCurve(987_654).short_name(), "");
    assert_eq!(EllipticCurve(-5).long_name(), "");
}

#[test]
fn curve_nist_names_resolve_deviation_from_qt_6_4() {
    // Qt 6.4 intends this but fails on OpenSSL 3 (unresolved symbol).
    assert_eq!(
        EllipticCurve::from_short_name("P-256"),
        EllipticCurve::from_short_name("prime256v1")
    );
    assert_eq!(
        EllipticCurve::from_short_name("P-384"),
        EllipticCurve::from_short_name("secp384r1")
    );
    assert_eq!(
        EllipticCurve::from_short_name("P-521"),
        EllipticCurve::from_short_name("secp521r1")
    );
    // Long names have no NIST fallback.
    assert!(!EllipticCurve::from_long_name("P-256").is_valid());
}

#[test]
fn supported_curves_and_tls_named_count() {
    let sup = supported_elliptic_curves();
    assert!(sup.len() >= 28, "{}", sup.len());
    assert!(sup.iter().all(|c| c.is_valid()));
    assert_eq!(sup.iter().filter(|c| c.is_tls_named_curve()).count(), 28);
    assert!(std::sync::Arc::ptr_eq(&sup, &supported_elliptic_curves()));
    // fromShortName/fromLongName round-trip for every supported curve.
    for c in sup.iter() {
        assert_eq!(EllipticCurve::from_short_name(c.short_name()), *c);
        assert_eq!(EllipticCurve::from_long_name(c.long_name()), *c);
    }
}

// ----------------------------------------------- QSslDiffieHellmanParameters

#[test]
fn dh_empty_is_empty_and_valid() {
    let e = DhParams::empty();
    assert!(e.is_empty());
    assert!(e.is_valid());
    assert_eq!(e.error(), DH_NO_ERROR);
    assert_eq!(e.error_string(), "No error");
    assert!(e.der().is_empty());
    assert_ne!(e, DhParams::default_parameters());
}

#[test]
fn dh_default_is_ffdhe2048() {
    let d = DhParams::default_parameters();
    assert!(!d.is_empty());
    assert!(d.is_valid());
    assert_eq!(d.der(), &fixture("dh-ffdhe2048.der")[..]);
    // The default DER round-trips and equals the default.
    let again = DhParams::from_encoded(d.der(), encoding::DER);
    assert!(again.is_valid());
    assert_eq!(again, d);
    // It passes qssl's own safety check.
    let p = openssl::dh::Dh::params_from_der(d.der()).unwrap();
    assert_eq!(p.prime_p().num_bits(), 2048);
}

#[test]
fn dh_ffdhe2048_pem_and_der_are_valid_and_equal() {
    let pem = DhParams::from_encoded(&fixture("dh-ffdhe2048.pem"), encoding::PEM);
    let der = DhParams::from_encoded(&fixture("dh-ffdhe2048.der"), encoding::DER);
    assert!(pem.is_valid() && der.is_valid());
    assert!(!pem.is_empty());
    assert_eq!(pem, der);
    // PEM is stored re-encoded as DER.
    assert_eq!(pem.der(), &fixture("dh-ffdhe2048.der")[..]);
}

#[test]
fn dh_unsafe_parameters() {
    for (name, format, why) in [
        ("dh-512.pem", encoding::PEM, "512 bits"),
        ("dh-nonprime.pem", encoding::PEM, "not prime"),
        ("dh-nonprime.der", encoding::DER, "not prime"),
    ] {
        let (d, reason) = DhParams::from_encoded_with_reason(&fixture(name), format);
        assert_eq!(d.error(), DH_UNSAFE_PARAMETERS_ERROR, "{name}");
        assert!(!d.is_valid() && !d.is_empty(), "{name}");
        assert!(d.der().is_empty());
        let reason = reason.unwrap();
        assert!(reason.contains(why), "{name}: {reason}");
        assert!(d.error_string().contains("unsafe"));
        // Equality compares DER only: an invalid object equals an empty one.
        assert_eq!(d, DhParams::empty());
    }
}

#[test]
fn dh_prime_not_safe_or_bad_generator_is_unsafe() {
    use openssl::bn::BigNum;
    use openssl::dh::Dh;
    let ffdhe = Dh::params_from_der(DhParams::default_parameters().der()).unwrap();
    // Generator 1 is never suitable.
    let g1 = Dh::from_pqg(
        ffdhe.prime_p().to_owned().unwrap(),
        None,
        BigNum::from_u32(1).unwrap(),
    )
    .unwrap();
    let (d, why) = DhParams::from_encoded_with_reason(&g1.params_to_der().unwrap(), encoding::DER);
    assert_eq!(d.error(), DH_UNSAFE_PARAMETERS_ERROR);
    assert!(why.unwrap().contains("generator"));
    // A 2048-bit prime that is not a safe prime.
    let mut p = BigNum::new().unwrap();
    p.generate_prime(2048, false, None, None).unwrap();
    let dh = Dh::from_pqg(p, None, BigNum::from_u32(2).unwrap()).unwrap();
    let (d, why) = DhParams::from_encoded_with_reason(&dh.params_to_der().unwrap(), encoding::DER);
    assert_eq!(d.error(), DH_UNSAFE_PARAMETERS_ERROR);
    assert!(why.unwrap().contains("safe prime"));
}

#[test]
fn dh_invalid_input() {
    let cases: [(&[u8], i32); 7] = [
        (b"", encoding::PEM),
        (b"", encoding::DER),
        (b"garbage", encoding::DER),
        (b"garbage", encoding::PEM),
        (&[0x30, 0x82, 0x01], encoding::DER),
        (
            b"-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n",
            encoding::PEM,
        ),
        (b"x", 7),
    ];
    for (data, format) in cases {
        let (d, why) = DhParams::from_encoded_with_reason(data, format);
        assert_eq!(d.error(), DH_INVALID_INPUT_DATA_ERROR, "{data:?}");
        assert!(!d.is_valid() && !d.is_empty());
        assert!(why.is_some());
        assert_eq!(d, DhParams::empty());
    }
    // PEM read as DER and DER read as PEM do not parse.
    let d = DhParams::from_encoded(&fixture("dh-ffdhe2048.pem"), encoding::DER);
    assert_eq!(d.error(), DH_INVALID_INPUT_DATA_ERROR);
    let d = DhParams::from_encoded(&fixture("dh-ffdhe2048.der"), encoding::PEM);
    assert_eq!(d.error(), DH_INVALID_INPUT_DATA_ERROR);
    // A certificate is not DH parameters.
    let d = DhParams::from_encoded(&fixture("server.pem"), encoding::PEM);
    assert_eq!(d.error(), DH_INVALID_INPUT_DATA_ERROR);
    assert!(d.error_string().contains("not valid"));
    // The OpenSSL error queue is left empty.
    assert!(openssl::error::ErrorStack::get().errors().is_empty());
}

#[test]
fn dh_clones_share_and_compare() {
    let d = DhParams::default_parameters();
    let c = d.clone();
    assert_eq!(c, d);
    assert_eq!(c.der().as_ptr(), d.der().as_ptr());
}

// ------------------------------------------------------------------ QSslError

#[test]
fn ssl_error_default_and_equality() {
    let d = SslError::default();
    assert_eq!(d.error(), code::NO_ERROR);
    assert!(d.certificate().is_null());
    assert_eq!(d.error_string(), "No error");
    // sslError.SelfSigned==SelfSigned(nullcert)=true
    assert_eq!(
        SslError::new(code::SELF_SIGNED_CERTIFICATE, Certificate::null()),
        SslError::new(code::SELF_SIGNED_CERTIFICATE, Certificate::null())
    );
    let server = cert("server.pem");
    let a = SslError::new(code::CERTIFICATE_EXPIRED, server.clone());
    let b = SslError::new(code::CERTIFICATE_EXPIRED, cert("server.pem"));
    assert_eq!(a, b);
    assert_ne!(
        a,
        SslError::new(code::CERTIFICATE_EXPIRED, Certificate::null())
    );
    assert_ne!(a, SslError::new(code::CERTIFICATE_EXPIRED, cert("ca.pem")));
    assert_ne!(a, SslError::new(code::CERTIFICATE_REVOKED, server.clone()));
    assert_eq!(a.certificate(), &server);
    assert_eq!(a.error_string(), "The certificate has expired");
}

#[test]
fn ssl_error_from_x509_verify_codes_as_qt_maps_them() {
    use openssl_sys as o;
    let table = [
        (o::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, 1),
        (o::X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE, 2),
        (o::X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, 3),
        (o::X509_V_ERR_CERT_SIGNATURE_FAILURE, 4),
        (o::X509_V_ERR_CERT_NOT_YET_VALID, 5),
        (o::X509_V_ERR_CERT_HAS_EXPIRED, 6),
        (o::X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, 7),
        (o::X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, 8),
        (o::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 9),
        (o::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, 10),
        (o::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 11),
        (o::X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, 12),
        (o::X509_V_ERR_CERT_REVOKED, 13),
        (o::X509_V_ERR_INVALID_CA, 14),
        (o::X509_V_ERR_PATH_LENGTH_EXCEEDED, 15),
        (o::X509_V_ERR_INVALID_PURPOSE, 16),
        (o::X509_V_ERR_CERT_UNTRUSTED, 17),
        (o::X509_V_ERR_CERT_REJECTED, 18),
    ];
    for (x509, qt) in table {
        assert_eq!(map_x509_verify_error(x509), qt, "X509 code {x509}");
    }
    // Everything else, X509_V_OK included, is UnspecifiedError.
    for x509 in [
        o::X509_V_OK,
        o::X509_V_ERR_UNABLE_TO_GET_CRL,
        o::X509_V_ERR_CERT_CHAIN_TOO_LONG,
        o::X509_V_ERR_SUBJECT_ISSUER_MISMATCH,
        o::X509_V_ERR_HOSTNAME_MISMATCH,
        -3,
        100_000,
    ] {
        assert_eq!(
            map_x509_verify_error(x509),
            code::UNSPECIFIED_ERROR,
            "{x509}"
        );
    }
    let server = cert("server.pem");
    let e =
        SslError::from_x509_verify_error(o::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, server.clone());
    assert_eq!(e, SslError::new(code::SELF_SIGNED_CERTIFICATE, server));
}

#[test]
fn ssl_error_texts_are_distinct_per_code() {
    let mut seen = std::collections::HashSet::new();
    for c in -1..=36 {
        assert!(code::is_valid(c));
        let t = error_text(c);
        assert!(!t.is_empty() && t != "Unknown error", "{c}");
        assert!(seen.insert(t), "duplicate text for {c}: {t}");
    }
    assert!(!code::is_valid(37));
    assert!(!code::is_valid(-2));
    assert_eq!(error_text(37), "Unknown error");
    assert_eq!(
        error_text(code::SELF_SIGNED_CERTIFICATE),
        "The certificate is self-signed and not trusted"
    );
}
