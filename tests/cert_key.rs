//! QSslCertificate and QSslKey semantics (qt-semantics.md §13.2, §13.3 and
//! the key.* / cert.* lines of Appendix A).

use std::path::{Path, PathBuf};

use qssl::Error;
use qssl::model::cert::{Certificate, alt_name, digest_algorithm, subject_info};
use qssl::model::enums::{encoding, key_algorithm, key_type, pattern_syntax};
use qssl::model::key::{Key, Wipe, Zeroizing};

const PASS: &[u8] = b"qssl-pass";

fn fixtures() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).to_path_buf()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn server() -> Certificate {
    Certificate::from_pem(&fixture("server.pem")).unwrap()
}

fn rsa_key() -> Key {
    Key::from_pem(
        &fixture("server-key.pem"),
        key_algorithm::RSA,
        key_type::PRIVATE_KEY,
        b"",
    )
    .unwrap()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------- keys

#[test]
fn key_default_is_null_opaque_public() {
    let k = Key::null();
    assert!(k.is_null());
    assert_eq!(k.algorithm(), key_algorithm::OPAQUE);
    assert_eq!(k.key_type(), key_type::PUBLIC_KEY);
    assert_eq!(k.length(), -1);
    assert!(k.to_pem(b"").unwrap().is_empty());
    assert!(k.to_der(b"").unwrap().is_empty());
    assert_eq!(k, Key::default());
}

#[test]
fn key_rsa_pem() {
    let k = rsa_key();
    assert!(!k.is_null());
    assert_eq!(k.algorithm(), key_algorithm::RSA);
    assert_eq!(k.key_type(), key_type::PRIVATE_KEY);
    assert_eq!(k.length(), 2048);
    // Loaded twice: equal.
    assert_eq!(k, rsa_key());
    // Traditional PEM out, like Qt.
    let pem = k.to_pem(b"").unwrap();
    assert!(pem.starts_with(b"-----BEGIN RSA PRIVATE KEY-----"));
}

#[test]
fn key_rsa_pem_loaded_as_ec_or_opaque_fails() {
    let pem = fixture("server-key.pem");
    let e = Key::from_pem(&pem, key_algorithm::EC, key_type::PRIVATE_KEY, b"").unwrap_err();
    assert!(
        matches!(&e, Error::Parse(m) if m.contains("key is RSA, not EC")),
        "{e}"
    );
    let e = Key::from_pem(&pem, key_algorithm::OPAQUE, key_type::PRIVATE_KEY, b"").unwrap_err();
    assert!(
        matches!(&e, Error::Parse(m) if m.contains("not Opaque")),
        "{e}"
    );
    let e = Key::from_pem(&pem, key_algorithm::DSA, key_type::PRIVATE_KEY, b"").unwrap_err();
    assert!(e.to_string().contains("key is RSA, not DSA"), "{e}");
}

#[test]
fn key_ec_pem() {
    let k = Key::from_pem(
        &fixture("server-ec-key.pem"),
        key_algorithm::EC,
        key_type::PRIVATE_KEY,
        b"",
    )
    .unwrap();
    assert_eq!(
        (k.algorithm(), k.key_type(), k.length()),
        (key_algorithm::EC, key_type::PRIVATE_KEY, 256)
    );
    let der = Key::from_der(
        &fixture("server-ec-key.der"),
        key_algorithm::EC,
        key_type::PRIVATE_KEY,
        b"",
    )
    .unwrap();
    assert_eq!(k, der);
    assert!(
        k.to_pem(b"")
            .unwrap()
            .starts_with(b"-----BEGIN EC PRIVATE KEY-----")
    );
}

#[test]
fn key_rsa_der_round_trip_equal() {
    let k = rsa_key();
    let der = k.to_der(b"").unwrap();
    assert!(!der.is_empty());
    let back = Key::from_der(&der, key_algorithm::RSA, key_type::PRIVATE_KEY, b"").unwrap();
    assert_eq!(back, k);
    // The PKCS#8 DER fixture loads too and equals.
    let p8 = Key::from_der(
        &fixture("server-key.der"),
        key_algorithm::RSA,
        key_type::PRIVATE_KEY,
        b"",
    )
    .unwrap();
    assert_eq!(p8, k);
    // PEM round trip.
    let pem = k.to_pem(b"").unwrap();
    let again = Key::from_pem(&pem, key_algorithm::RSA, key_type::PRIVATE_KEY, b"").unwrap();
    assert_eq!(again, k);
}

#[test]
fn key_encrypted_pem_right_and_wrong_passphrase() {
    let pem = fixture("server-key-encrypted.pem");
    let k = Key::from_pem(&pem, key_algorithm::RSA, key_type::PRIVATE_KEY, PASS).unwrap();
    assert_eq!(k, rsa_key());
    let e = Key::from_pem(&pem, key_algorithm::RSA, key_type::PRIVATE_KEY, b"wrong").unwrap_err();
    assert!(
        matches!(&e, Error::BadPassphrase(m) if m.contains("wrong passphrase")),
        "{e}"
    );
    let e = Key::from_pem(&pem, key_algorithm::RSA, key_type::PRIVATE_KEY, b"").unwrap_err();
    assert!(
        matches!(&e, Error::BadPassphrase(m) if m.contains("no passphrase")),
        "{e}"
    );
}

#[test]
fn key_to_pem_with_passphrase_encrypts_and_der_is_empty() {
    let k = rsa_key();
    let enc = k.to_pem(b"secret").unwrap();
    let text = String::from_utf8_lossy(&enc);
    assert!(text.contains("ENCRYPTED"), "{text}");
    assert!(text.contains("AES-256-CBC"), "{text}");
    let back = Key::from_pem(&enc, key_algorithm::RSA, key_type::PRIVATE_KEY, b"secret").unwrap();
    assert_eq!(back, k);
    assert!(matches!(
        Key::from_pem(&enc, key_algorithm::RSA, key_type::PRIVATE_KEY, b"nope"),
        Err(Error::BadPassphrase(_))
    ));
    // Qt: toDer(passphrase) of a private key is empty.
    assert!(k.to_der(b"secret").unwrap().is_empty());
    // EC and DSA encrypt too.
    let ec = Key::from_pem(
        &fixture("server-ec-key.pem"),
        key_algorithm::EC,
        key_type::PRIVATE_KEY,
        b"",
    )
    .unwrap();
    let ec_enc = ec.to_pem(b"pw").unwrap();
    assert_eq!(
        Key::from_pem(&ec_enc, key_algorithm::EC, key_type::PRIVATE_KEY, b"pw").unwrap(),
        ec
    );
}

#[test]
fn key_encrypted_pkcs8_der() {
    let k = rsa_key();
    let der = k
        .pkey()
        .unwrap()
        .private_key_to_pkcs8_passphrase(openssl::symm::Cipher::aes_128_cbc(), b"pw")
        .unwrap();
    let back = Key::from_der(&der, key_algorithm::RSA, key_type::PRIVATE_KEY, b"pw").unwrap();
    assert_eq!(back, k);
    assert!(matches!(
        Key::from_der(&der, key_algorithm::RSA, key_type::PRIVATE_KEY, b"bad"),
        Err(Error::BadPassphrase(_))
    ));
    assert!(matches!(
        Key::from_der(&der, key_algorithm::RSA, key_type::PRIVATE_KEY, b""),
        Err(Error::BadPassphrase(_))
    ));
}

#[test]
fn key_garbage_and_empty() {
    for alg in [key_algorithm::RSA, key_algorithm::EC, key_algorithm::OPAQUE] {
        for kt in [key_type::PRIVATE_KEY, key_type::PUBLIC_KEY] {
            assert!(matches!(
                Key::from_pem(b"", alg, kt, b""),
                Err(Error::Parse(_))
            ));
            assert!(matches!(
                Key::from_pem(b"garbage", alg, kt, b""),
                Err(Error::Parse(_))
            ));
            assert!(matches!(
                Key::from_der(b"", alg, kt, b""),
                Err(Error::Parse(_))
            ));
            assert!(matches!(
                Key::from_der(b"\x30\x03\x02\x01", alg, kt, b""),
                Err(Error::Parse(_))
            ));
        }
    }
    // A truncated PEM key.
    let pem = fixture("server-key.pem");
    let cut = &pem[..pem.len() / 2];
    assert!(matches!(
        Key::from_pem(cut, key_algorithm::RSA, key_type::PRIVATE_KEY, b""),
        Err(Error::Parse(_))
    ));
    // Unknown enum values.
    assert!(matches!(
        Key::from_pem(&pem, 9, key_type::PRIVATE_KEY, b""),
        Err(Error::InvalidArgument(m)) if m.contains("9")
    ));
    assert!(matches!(
        Key::from_pem(&pem, key_algorithm::RSA, 5, b""),
        Err(Error::InvalidArgument(m)) if m.contains("5")
    ));
    assert!(matches!(
        Key::from_encoded(&pem, key_algorithm::RSA, 3, key_type::PRIVATE_KEY, b""),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn key_public_from_pem_and_cert() {
    let pubk = Key::from_pem(
        &fixture("server-pub.pem"),
        key_algorithm::RSA,
        key_type::PUBLIC_KEY,
        b"",
    )
    .unwrap();
    assert_eq!(
        (pubk.algorithm(), pubk.key_type(), pubk.length()),
        (key_algorithm::RSA, key_type::PUBLIC_KEY, 2048)
    );
    let from_cert = server().public_key();
    assert_eq!(
        (
            from_cert.is_null(),
            from_cert.algorithm(),
            from_cert.key_type(),
            from_cert.length()
        ),
        (false, key_algorithm::RSA, key_type::PUBLIC_KEY, 2048)
    );
    assert_eq!(from_cert, pubk);
    assert_ne!(from_cert, rsa_key(), "type differs");
    // SubjectPublicKeyInfo DER.
    let der = pubk.to_der(b"").unwrap();
    let back = Key::from_der(&der, key_algorithm::RSA, key_type::PUBLIC_KEY, b"").unwrap();
    assert_eq!(back, pubk);
    // Public keys ignore the passphrase on output.
    assert_eq!(pubk.to_der(b"x").unwrap()[..], der[..]);
    assert!(
        pubk.to_pem(b"x")
            .unwrap()
            .starts_with(b"-----BEGIN PUBLIC KEY-----")
    );
    // A private key PEM read as public: no public key found.
    assert!(matches!(
        Key::from_pem(&fixture("server-key.pem"), key_algorithm::RSA, key_type::PUBLIC_KEY, b""),
        Err(Error::Parse(m)) if m.contains("no public key")
    ));
    // EC certificate key.
    let ec = Certificate::from_pem(&fixture("server-ec.pem"))
        .unwrap()
        .public_key();
    assert_eq!((ec.algorithm(), ec.length()), (key_algorithm::EC, 256));
    assert!(Certificate::null().public_key().is_null());
}

#[test]
fn key_clear_and_copies() {
    let k = rsa_key();
    let mut copy = k.clone();
    copy.clear();
    assert!(copy.is_null());
    assert!(!k.is_null(), "originalAfterCopyCleared");
    assert_eq!(k.length(), 2048);
}

#[test]
fn key_dsa() {
    let k = Key::from_pem(
        &fixture("dsa-key.pem"),
        key_algorithm::DSA,
        key_type::PRIVATE_KEY,
        b"",
    )
    .unwrap();
    assert_eq!((k.algorithm(), k.length()), (key_algorithm::DSA, 2048));
    let der = k.to_der(b"").unwrap();
    assert_eq!(
        Key::from_der(&der, key_algorithm::DSA, key_type::PRIVATE_KEY, b"").unwrap(),
        k
    );
    assert!(
        k.to_pem(b"")
            .unwrap()
            .starts_with(b"-----BEGIN DSA PRIVATE KEY-----")
    );
}

#[test]
fn key_ed25519_is_opaque() {
    let pem = fixture("ed25519-key.pem");
    let k = Key::from_pem(&pem, key_algorithm::OPAQUE, key_type::PRIVATE_KEY, b"").unwrap();
    assert_eq!(
        (k.is_null(), k.algorithm(), k.length()),
        (false, key_algorithm::OPAQUE, -1)
    );
    // Opaque keys export nothing and compare by identity.
    assert!(k.to_pem(b"").unwrap().is_empty());
    assert!(k.to_der(b"").unwrap().is_empty());
    assert_eq!(k, k.clone());
    let other = Key::from_pem(&pem, key_algorithm::OPAQUE, key_type::PRIVATE_KEY, b"").unwrap();
    assert_ne!(k, other, "same key material, different handle");
    // Ed25519 as RSA: mismatch names the kind.
    let e = Key::from_pem(&pem, key_algorithm::RSA, key_type::PRIVATE_KEY, b"").unwrap_err();
    assert!(e.to_string().contains("Ed25519"), "{e}");
}

#[test]
fn key_from_file() {
    let k = Key::from_file(
        &fixtures().join("server-key.der"),
        key_algorithm::RSA,
        encoding::DER,
        key_type::PRIVATE_KEY,
        b"",
    )
    .unwrap();
    assert_eq!(k, rsa_key());
    assert!(matches!(
        Key::from_file(
            &fixtures().join("missing.pem"),
            key_algorithm::RSA,
            encoding::PEM,
            key_type::PRIVATE_KEY,
            b""
        ),
        Err(Error::Io(_))
    ));
}

#[test]
fn zeroizing_wrappers_wipe() {
    let mut buf = [0x5Au8; 48];
    {
        let z = Zeroizing::new(&mut buf[..]);
        assert_eq!(z.len(), 48);
    }
    assert!(buf.iter().all(|&b| b == 0), "wiped after drop");
    let mut v = b"private key bytes".to_vec();
    v.wipe();
    assert!(v.iter().all(|&b| b == 0));
    // Secret exports are wrapped.
    let der: Zeroizing<Vec<u8>> = rsa_key().to_der(b"").unwrap();
    assert!(der.len() > 1000);
}

// ---------------------------------------------------------- certificates

#[test]
fn cert_default() {
    let c = Certificate::null();
    assert!(c.is_null());
    assert_eq!(
        hex(&c.digest(digest_algorithm::MD5).unwrap()),
        "d41d8cd98f00b204e9800998ecf8427e"
    );
    assert_eq!(c, Certificate::default());
    assert_eq!(c.effective_date(), None);
    assert_eq!(c.expiry_date(), None);
    assert!(
        c.subject_info(subject_info::COMMON_NAME)
            .unwrap()
            .is_empty()
    );
    assert!(c.subject_info_attributes().is_empty());
    assert_eq!(c.version(), "");
    assert_eq!(c.serial_number(), "");
    assert!(c.to_pem().is_empty() && c.to_der().is_empty() && c.to_text().is_empty());
    assert!(!c.is_self_signed());
    assert!(c.subject_alternative_names().is_empty());
    assert_eq!(c.subject_display_name(), "");
}

#[test]
fn cert_server_fields() {
    let c = server();
    assert_eq!(c.version(), "3");
    assert_eq!(c.subject_info_by_attribute(b"CN"), vec!["localhost"]);
    assert!(c.subject_info_by_attribute(b"commonName").is_empty());
    assert_eq!(
        c.subject_info(subject_info::ORGANIZATION).unwrap(),
        vec!["qssl test"]
    );
    assert_eq!(
        c.subject_info(subject_info::ORGANIZATIONAL_UNIT_NAME)
            .unwrap(),
        vec!["servers"]
    );
    assert_eq!(
        c.subject_info(subject_info::COUNTRY_NAME).unwrap(),
        vec!["NO"]
    );
    assert!(
        c.subject_info(subject_info::LOCALITY_NAME)
            .unwrap()
            .is_empty()
    );
    assert!(matches!(c.subject_info(9), Err(Error::InvalidArgument(_))));
    let attrs: Vec<String> = c
        .subject_info_attributes()
        .into_iter()
        .map(|a| String::from_utf8(a).unwrap())
        .collect();
    assert_eq!(attrs, ["C", "CN", "O", "OU"]);
    let issuer_attrs: Vec<String> = c
        .issuer_info_attributes()
        .into_iter()
        .map(|a| String::from_utf8(a).unwrap())
        .collect();
    assert_eq!(issuer_attrs, ["C", "CN", "O"]);
    assert_eq!(
        c.issuer_info(subject_info::COMMON_NAME).unwrap(),
        vec!["qssl test root CA"]
    );
    assert_eq!(c.issuer_info_by_attribute(b"O"), vec!["qssl test"]);
    assert_eq!(c.subject_display_name(), "localhost");
    assert_eq!(c.issuer_display_name(), "qssl test root CA");
    // Serial: lowercase, colon-separated.
    let serial = c.serial_number();
    assert_eq!(
        serial,
        "34:98:21:dd:ca:6b:36:5b:09:20:d2:b3:ea:08:fe:ac:03:03:af:9f"
    );
    // Digest default MD5 equals MD5 of the DER.
    let md5 = openssl::hash::hash(openssl::hash::MessageDigest::md5(), &c.to_der()).unwrap();
    assert_eq!(c.digest(digest_algorithm::MD5).unwrap(), md5.to_vec());
    assert_eq!(c.digest(digest_algorithm::SHA256).unwrap().len(), 32);
    assert_eq!(c.digest(digest_algorithm::SHA1).unwrap().len(), 20);
    assert_eq!(c.digest(digest_algorithm::SHA512).unwrap().len(), 64);
    assert_eq!(c.digest(digest_algorithm::SHA3_256).unwrap().len(), 32);
    assert!(matches!(c.digest(99), Err(Error::InvalidArgument(_))));
    assert!(matches!(c.digest(-1), Err(Error::InvalidArgument(_))));
    assert!(matches!(
        c.digest(digest_algorithm::BLAKE2B_160),
        Err(Error::Unsupported(_))
    ));
    // Dates (UTC, Unix seconds) match OpenSSL's.
    let x = c.x509().unwrap();
    let epoch = openssl::asn1::Asn1Time::from_unix(0).unwrap();
    let d = epoch.diff(x.not_after()).unwrap();
    assert_eq!(
        c.expiry_date(),
        Some(i64::from(d.days) * 86400 + i64::from(d.secs))
    );
    assert!(c.effective_date().unwrap() < c.expiry_date().unwrap());
    assert!(!c.is_self_signed());
    assert!(!c.is_blacklisted());
    let text = c.to_text();
    assert!(
        text.contains("Certificate:") && text.contains("localhost"),
        "{text}"
    );
    assert!(text.contains("Subject:"), "{text}");
}

#[test]
fn cert_expired_dates() {
    let c = Certificate::from_pem(&fixture("expired.pem")).unwrap();
    assert_eq!(c.effective_date(), Some(946_684_800)); // 2000-01-01T00:00:00Z
    assert_eq!(c.expiry_date(), Some(978_307_200)); // 2001-01-01T00:00:00Z
}

#[test]
fn cert_self_signed() {
    assert!(
        Certificate::from_pem(&fixture("selfsigned.pem"))
            .unwrap()
            .is_self_signed()
    );
    assert!(
        Certificate::from_pem(&fixture("ca.pem"))
            .unwrap()
            .is_self_signed()
    );
    assert!(
        !Certificate::from_pem(&fixture("inter.pem"))
            .unwrap()
            .is_self_signed()
    );
}

#[test]
fn cert_alternative_names() {
    let c = server();
    assert_eq!(
        c.subject_alternative_names_of(alt_name::DNS).unwrap(),
        vec!["localhost"]
    );
    assert_eq!(
        c.subject_alternative_names_of(alt_name::EMAIL).unwrap(),
        vec!["admin@example.com"]
    );
    // Reverse certificate order within a kind, as Qt's QMultiMap.
    assert_eq!(
        c.subject_alternative_names_of(alt_name::IP_ADDRESS)
            .unwrap(),
        vec!["::1", "127.0.0.1"]
    );
    assert_eq!(
        c.subject_alternative_names(),
        vec![
            (alt_name::EMAIL, "admin@example.com".to_string()),
            (alt_name::DNS, "localhost".to_string()),
            (alt_name::IP_ADDRESS, "::1".to_string()),
            (alt_name::IP_ADDRESS, "127.0.0.1".to_string()),
        ]
    );
    let chained = Certificate::from_pem(&fixture("chained.pem")).unwrap();
    assert_eq!(
        chained.subject_alternative_names_of(alt_name::DNS).unwrap(),
        vec!["chained.localhost", "localhost"]
    );
    assert!(matches!(
        c.subject_alternative_names_of(3),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn cert_from_data_counts() {
    let two = fixture("two-certs.pem");
    assert_eq!(Certificate::from_data(&two, encoding::PEM).len(), 2);
    let pem = fixture("server.pem");
    assert_eq!(Certificate::from_data(&pem, encoding::DER).len(), 0);
    let der = fixture("server.der");
    assert_eq!(Certificate::from_data(&der, encoding::PEM).len(), 0);
    assert_eq!(Certificate::from_data(&der, encoding::DER).len(), 1);
    let junk = fixture("junk-then-cert.pem");
    assert_eq!(Certificate::from_data(&junk, encoding::PEM).len(), 1);
    assert_eq!(Certificate::from_data(b"", encoding::PEM).len(), 0);
    assert_eq!(Certificate::from_data(b"garbage", encoding::DER).len(), 0);
    // Constructor semantics: first or null.
    assert_eq!(Certificate::new(&two, encoding::PEM), server());
    assert!(Certificate::new(b"nope", encoding::PEM).is_null());
    // PEM with CRLF line ends.
    let crlf: Vec<u8> = String::from_utf8(pem.clone())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes();
    assert_eq!(Certificate::from_data(&crlf, encoding::PEM).len(), 1);
    // Qt stops at a BEGIN line that is not followed by a line feed.
    let mut broken = b"-----BEGIN CERTIFICATE-----x\n".to_vec();
    broken.extend_from_slice(&pem);
    assert_eq!(Certificate::from_data(&broken, encoding::PEM).len(), 0);
}

#[test]
fn cert_der_concatenation_keeps_qt_quirk() {
    let a = fixture("server.der");
    let b = fixture("ca.der");
    let mut two = a.clone();
    two.extend_from_slice(&b);
    assert_eq!(Certificate::from_data(&two, encoding::DER).len(), 2);
    // Three: Qt's size bookkeeping stops after two.
    let mut three = two.clone();
    three.extend_from_slice(&a);
    assert_eq!(Certificate::from_data(&three, encoding::DER).len(), 2);
}

#[test]
fn cert_from_pem_der_errors() {
    assert!(matches!(
        Certificate::from_pem(b"garbage"),
        Err(Error::Parse(m)) if m.contains("PEM: no certificate found")
    ));
    assert!(matches!(
        Certificate::from_pem(b""),
        Err(Error::Parse(m)) if m.contains("PEM: no certificate found")
    ));
    let pem = fixture("server.pem");
    let cut = &pem[..pem.len() - 200];
    assert!(matches!(Certificate::from_pem(cut), Err(Error::Parse(_))));
    let der = fixture("server.der");
    assert_eq!(Certificate::from_der(&der).unwrap(), server());
    assert!(matches!(
        Certificate::from_der(&der[..100]),
        Err(Error::Parse(m)) if m.contains("DER")
    ));
    assert!(matches!(Certificate::from_der(b""), Err(Error::Parse(_))));
}

#[test]
fn cert_pem_der_round_trip_and_equality() {
    let c = server();
    assert_eq!(Certificate::from_pem(&c.to_pem()).unwrap(), c);
    assert_eq!(Certificate::from_der(&c.to_der()).unwrap(), c);
    assert_eq!(c.to_pem(), fixture("server.pem"));
    assert_eq!(c.to_der(), fixture("server.der"));
    let ca = Certificate::from_pem(&fixture("ca.pem")).unwrap();
    assert_ne!(c, ca);
    assert_ne!(c, Certificate::null());
    let mut cleared = c.clone();
    cleared.clear();
    assert!(cleared.is_null() && !c.is_null());
}

#[test]
fn cert_from_file() {
    let c = Certificate::from_file(&fixtures().join("two-certs.pem"), encoding::PEM).unwrap();
    assert_eq!(c, server());
    let d = Certificate::from_file(&fixtures().join("ca.der"), encoding::DER).unwrap();
    assert_eq!(d, Certificate::from_pem(&fixture("ca.pem")).unwrap());
    assert!(matches!(
        Certificate::from_file(&fixtures().join("nope.pem"), encoding::PEM),
        Err(Error::Io(_))
    ));
    assert!(matches!(
        Certificate::from_file(&fixtures().join("pattern/notes.txt"), encoding::PEM),
        Err(Error::Parse(_))
    ));
    assert!(matches!(
        Certificate::from_file(&fixtures().join("ca.der"), 2),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn cert_from_path_table() {
    let base = fixtures();
    let count = |path: &str, format: i32, syntax: i32| {
        Certificate::from_path_in(&base, path, format, syntax)
            .unwrap()
            .len()
    };
    use encoding::{DER, PEM};
    use pattern_syntax::{FIXED_STRING as FIX, REGULAR_EXPRESSION as RX, WILDCARD as WC};
    assert_eq!(count("pattern/*.pem", PEM, WC), 2);
    assert_eq!(count("pattern/*", PEM, WC), 2);
    assert_eq!(count("pattern/*/*.pem", PEM, WC), 1);
    assert_eq!(count("pattern/*.der", DER, WC), 1);
    assert_eq!(count("pattern/.*\\.pem", PEM, RX), 3);
    assert_eq!(count("pattern/[ab]\\.pem", PEM, RX), 2);
    assert_eq!(count("pattern/a.pe.", PEM, FIX), 1);
    assert_eq!(count("pattern", PEM, FIX), 0);
    assert_eq!(count("pattern/*.pem", PEM, FIX), 0);
    assert_eq!(count("pattern/a.pem", PEM, FIX), 1);
    assert_eq!(count("pattern/c.der", DER, FIX), 1);
    assert_eq!(count("pattern/nonexistent/*.pem", PEM, WC), 0);
    assert_eq!(count("nonexistent.pem", PEM, FIX), 0);
    assert_eq!(count("pattern/[invalid", PEM, RX), 0);
    assert_eq!(count("pattern/?.pem", PEM, WC), 2);
    assert_eq!(count("pattern/[!a].pem", PEM, WC), 1);
    assert_eq!(count("pat*/*.pem", PEM, WC), 2);
    assert_eq!(count("*/*/*.pem", PEM, WC), 1);
    assert_eq!(count("two-certs.pem", PEM, FIX), 2);
    // Relative patterns against the pattern directory itself.
    let pbase = base.join("pattern");
    let rel = |path: &str, syntax: i32| {
        Certificate::from_path_in(&pbase, path, PEM, syntax)
            .unwrap()
            .len()
    };
    assert_eq!(rel("*.pem", WC), 2);
    assert_eq!(rel("a.pem", FIX), 1);
    assert_eq!(rel(".*\\.pem", RX), 3);
    // Absolute paths work the same way.
    let abs = format!("{}/pattern/*.pem", base.display());
    assert_eq!(Certificate::from_path(&abs, PEM, WC).unwrap().len(), 2);
    // The found certificates are the real ones.
    let found = Certificate::from_path_in(&base, "pattern/a.pem", PEM, FIX).unwrap();
    assert_eq!(found, vec![server()]);
    // Bad enum values.
    assert!(matches!(
        Certificate::from_path_in(&base, "pattern/*.pem", PEM, 3),
        Err(Error::InvalidArgument(m)) if m.contains("3")
    ));
    assert!(matches!(
        Certificate::from_path_in(&base, "pattern/*.pem", 7, WC),
        Err(Error::InvalidArgument(m)) if m.contains("7")
    ));
}

#[test]
fn pkcs12_right_and_wrong_passphrase() {
    let p12 = fixture("server.p12");
    let b = Certificate::import_pkcs12(&p12, PASS).unwrap();
    assert_eq!(b.key, rsa_key());
    assert_eq!(b.certificate, server());
    assert_eq!(
        b.ca_certificates,
        vec![Certificate::from_pem(&fixture("ca.pem")).unwrap()]
    );
    let e = Certificate::import_pkcs12(&p12, b"wrong").unwrap_err();
    assert!(
        matches!(&e, Error::BadPassphrase(m) if m.contains("wrong passphrase")),
        "{e}"
    );
    assert!(matches!(
        Certificate::import_pkcs12(&p12, b""),
        Err(Error::BadPassphrase(_))
    ));
    assert!(matches!(
        Certificate::import_pkcs12(b"garbage", PASS),
        Err(Error::Parse(_))
    ));
    assert!(matches!(
        Certificate::import_pkcs12(b"", PASS),
        Err(Error::Parse(_))
    ));
    assert!(matches!(
        Certificate::import_pkcs12(&p12[..p12.len() / 2], PASS),
        Err(Error::Parse(_))
    ));
    assert!(matches!(
        Certificate::import_pkcs12(&p12, b"a\0b"),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn pkcs12_without_password_and_without_key() {
    use openssl::pkcs12::Pkcs12;
    let key = rsa_key();
    let cert = server();
    // No password at all (empty passphrase).
    let der = Pkcs12::builder()
        .name("x")
        .pkey(key.pkey().unwrap())
        .cert(cert.x509().unwrap())
        .build2("")
        .unwrap()
        .to_der()
        .unwrap();
    let b = Certificate::import_pkcs12(&der, b"").unwrap();
    assert_eq!(b.key, key);
    assert!(b.ca_certificates.is_empty());
    // Certificate only: no private key is an error (Qt fails too).
    let der = Pkcs12::builder()
        .cert(cert.x509().unwrap())
        .build2("pw")
        .unwrap()
        .to_der()
        .unwrap();
    assert!(matches!(
        Certificate::import_pkcs12(&der, b"pw"),
        Err(Error::Parse(m)) if m.contains("no private key")
    ));
}

#[test]
fn regex_engine_basics() {
    use qssl::model::cert::{regex_full_match, wildcard_to_regex};
    assert!(regex_full_match("pattern/a.pe.", "pattern/a.pem"));
    assert!(!regex_full_match("pattern/*.pem", "pattern/a.pem"));
    assert!(regex_full_match(
        &wildcard_to_regex("pattern/*.pem"),
        "pattern/a.pem"
    ));
    assert!(regex_full_match("(a|b)+c?", "abba"));
    assert!(!regex_full_match("[", "["));
}

/// Builds a self-signed certificate with the given subject entries and
/// subject alternative names (OpenSSL config syntax), for name-handling
/// cases the fixtures do not cover.
fn make_cert(subject: &[(&str, &str)], san: Option<&str>) -> Certificate {
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::x509::{X509, X509NameBuilder, extension::SubjectAlternativeName};
    let key = PKey::private_key_from_pem(&fixture("server-ec-key.pem")).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    for (k, v) in subject {
        name.append_entry_by_text(k, v).unwrap();
    }
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    let serial = openssl::bn::BigNum::from_u32(0)
        .unwrap()
        .to_asn1_integer()
        .unwrap();
    b.set_serial_number(&serial).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::from_unix(86_400).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::from_unix(172_800).unwrap())
        .unwrap();
    if let Some(san) = san {
        let mut ext = SubjectAlternativeName::new();
        for part in san.split(',') {
            let (kind, value) = part.split_once(':').unwrap();
            match kind {
                "DNS" => ext.dns(value),
                "IP" => ext.ip(value),
                "email" => ext.email(value),
                "URI" => ext.uri(value),
                _ => panic!("{kind}"),
            };
        }
        let ext = ext.build(&b.x509v3_context(None, None)).unwrap();
        b.append_extension(ext).unwrap();
    }
    b.sign(&key, MessageDigest::sha256()).unwrap();
    Certificate::from_x509(b.build())
}

#[test]
fn cert_repeated_attributes_and_display_name_fallback() {
    let c = make_cert(
        &[
            ("C", "NO"),
            ("O", "org"),
            ("OU", "first"),
            ("OU", "second"),
            ("1.2.3.4.5", "custom"),
        ],
        None,
    );
    // Qt's multimap: newest first.
    assert_eq!(
        c.subject_info(subject_info::ORGANIZATIONAL_UNIT_NAME)
            .unwrap(),
        vec!["second", "first"]
    );
    // No CN: O is the display name.
    assert_eq!(c.subject_display_name(), "org");
    // Unknown attributes are named by their dotted OID; sorted bytewise.
    let attrs: Vec<String> = c
        .subject_info_attributes()
        .into_iter()
        .map(|a| String::from_utf8(a).unwrap())
        .collect();
    assert_eq!(attrs, ["1.2.3.4.5", "C", "O", "OU"]);
    assert_eq!(c.subject_info_by_attribute(b"1.2.3.4.5"), vec!["custom"]);
    // Serial 0 is written as Qt writes the stored byte.
    assert_eq!(c.serial_number(), "00");
    assert_eq!(
        (c.effective_date(), c.expiry_date()),
        (Some(86_400), Some(172_800))
    );
    assert!(c.is_self_signed());
    // Only OU: OU is the display name; nothing: empty.
    assert_eq!(
        make_cert(&[("OU", "unit")], None).subject_display_name(),
        "unit"
    );
    assert_eq!(make_cert(&[("C", "NO")], None).subject_display_name(), "");
    // UTF-8 values come back as text.
    assert_eq!(
        make_cert(&[("CN", "blåbær")], None).subject_display_name(),
        "blåbær"
    );
}

#[test]
fn cert_alternative_names_ip_text_and_other_kinds() {
    let c = make_cert(
        &[("CN", "x")],
        Some("IP:2001:db8:0:0:1:0:0:1,IP:::ffff:10.0.0.1,URI:https://x/,DNS:a,DNS:b,email:e@x"),
    );
    assert_eq!(
        c.subject_alternative_names_of(alt_name::IP_ADDRESS)
            .unwrap(),
        vec!["::ffff:10.0.0.1", "2001:db8::1:0:0:1"]
    );
    // URIs are not reported, as in Qt.
    assert_eq!(
        c.subject_alternative_names(),
        vec![
            (alt_name::EMAIL, "e@x".to_string()),
            (alt_name::DNS, "b".to_string()),
            (alt_name::DNS, "a".to_string()),
            (alt_name::IP_ADDRESS, "::ffff:10.0.0.1".to_string()),
            (alt_name::IP_ADDRESS, "2001:db8::1:0:0:1".to_string()),
        ]
    );
    // EC public key from the certificate.
    let k = c.public_key();
    assert_eq!((k.algorithm(), k.length()), (key_algorithm::EC, 256));
}

#[test]
fn key_from_public_pkey_and_opaque_public() {
    use openssl::pkey::PKey;
    let ed = PKey::private_key_from_pem(&fixture("ed25519-key.pem")).unwrap();
    let pub_der = ed.public_key_to_der().unwrap();
    let k = Key::from_public_pkey(PKey::public_key_from_der(&pub_der).unwrap());
    assert_eq!(
        (k.algorithm(), k.key_type(), k.length()),
        (key_algorithm::OPAQUE, key_type::PUBLIC_KEY, -1)
    );
    // Opaque public keys load from SubjectPublicKeyInfo as well.
    let loaded = Key::from_der(&pub_der, key_algorithm::OPAQUE, key_type::PUBLIC_KEY, b"").unwrap();
    assert_eq!(loaded.algorithm(), key_algorithm::OPAQUE);
    assert_ne!(loaded, k, "opaque keys compare by identity");
    let rsa = Key::from_public_pkey(PKey::public_key_from_pem(&fixture("server-pub.pem")).unwrap());
    assert_eq!(rsa, server().public_key());
}

#[test]
fn verify_like_qt() {
    use qssl::model::config::SslConfiguration;
    use qssl::model::ssl_error::code;
    let codes =
        |v: Vec<qssl::model::ssl_error::SslError>| v.iter().map(|e| e.error()).collect::<Vec<_>>();
    // Appendix A: cert.verify(selfSigned, localhost) = 9; otherhost = 22, 9.
    let ss = Certificate::from_pem(&fixture("selfsigned.pem")).unwrap();
    let e = Certificate::verify(std::slice::from_ref(&ss), "localhost");
    assert_eq!(codes(e.clone()), vec![code::SELF_SIGNED_CERTIFICATE]);
    assert_eq!(e[0].certificate(), &ss);
    assert_eq!(
        codes(Certificate::verify(std::slice::from_ref(&ss), "otherhost")),
        vec![code::HOST_NAME_MISMATCH, code::SELF_SIGNED_CERTIFICATE]
    );
    // Host names and IP literals (server.pem: DNS localhost, IP 127.0.0.1
    // and ::1): a trailing dot is dropped, a NUL anywhere never matches.
    let leaf = Certificate::from_pem(&fixture("server.pem")).unwrap();
    let mismatch = |name: &str| {
        Certificate::verify(std::slice::from_ref(&leaf), name)
            .iter()
            .any(|e| e.error() == code::HOST_NAME_MISMATCH)
    };
    for name in [
        "localhost",
        "localhost.",
        "LOCALHOST",
        "127.0.0.1",
        "::1",
        "0:0::1",
    ] {
        assert!(!mismatch(name), "{name}");
    }
    for name in [
        "otherhost",
        "localhost\0",
        "local\0host",
        "127.0.0.2",
        "127.0.0",
        "::2",
        "1.2.3.4.5",
    ] {
        assert!(mismatch(name), "{name:?}");
    }
    // No host name: no host check.
    assert_eq!(
        codes(Certificate::verify(std::slice::from_ref(&ss), "")),
        vec![code::SELF_SIGNED_CERTIFICATE]
    );
    // Empty chain and a null leaf: one UnspecifiedError.
    assert_eq!(
        codes(Certificate::verify(&[], "x")),
        vec![code::UNSPECIFIED_ERROR]
    );
    assert_eq!(
        codes(Certificate::verify(&[Certificate::null()], "")),
        vec![code::UNSPECIFIED_ERROR]
    );

    // The server leaf, untrusted, then trusted through the default
    // configuration (restored afterwards; only this test touches it).
    let leaf = server();
    let untrusted = Certificate::verify(std::slice::from_ref(&leaf), "localhost");
    assert!(
        untrusted
            .iter()
            .any(|e| e.error() == code::UNABLE_TO_GET_LOCAL_ISSUER_CERTIFICATE),
        "{untrusted:?}"
    );
    let saved = SslConfiguration::default_configuration();
    let mut cfg = saved.clone();
    cfg.add_ca_certificate(Certificate::from_pem(&fixture("ca.pem")).unwrap());
    SslConfiguration::set_default_configuration(&cfg);
    let trusted = Certificate::verify(std::slice::from_ref(&leaf), "localhost");
    let wrong_host = Certificate::verify(std::slice::from_ref(&leaf), "example.org");
    let by_ip = Certificate::verify(std::slice::from_ref(&leaf), "127.0.0.1");
    // Chain through the intermediate, given as untrusted intermediate.
    let chained = Certificate::from_data(&fixture("chained-chain.pem"), encoding::PEM);
    let chain_ok = Certificate::verify(&chained, "chained.localhost");
    let chain_missing = Certificate::verify(&chained[..1], "chained.localhost");
    let expired = Certificate::verify(
        &[Certificate::from_pem(&fixture("expired.pem")).unwrap()],
        "localhost",
    );
    SslConfiguration::set_default_configuration(&saved);
    assert!(trusted.is_empty(), "{trusted:?}");
    assert_eq!(codes(wrong_host), vec![code::HOST_NAME_MISMATCH]);
    assert!(by_ip.is_empty(), "{by_ip:?}");
    assert!(chain_ok.is_empty(), "{chain_ok:?}");
    assert!(!chain_missing.is_empty());
    assert!(codes(expired).contains(&code::CERTIFICATE_EXPIRED));
    // verify() did not modify the default configuration.
    assert_eq!(SslConfiguration::default_configuration(), saved);
}
