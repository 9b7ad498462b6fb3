//! Smoke test of the value skeletons (replaced by full tests per type).
#[test]
fn supported_ciphers_match_qt_rules() {
    let sup = qssl::model::cipher::supported_ciphers();
    let def = qssl::model::cipher::default_ciphers();
    assert!(sup.len() > 10, "{}", sup.len());
    assert!(def.iter().all(|c| c.used_bits() >= 128));
    assert_eq!(sup[0].name(), "TLS_AES_256_GCM_SHA384");
    assert_eq!(sup[0].protocol(), 12);
    let aes = qssl::model::cipher::Cipher::from_name("AES256-SHA");
    assert_eq!(aes.protocol(), -1, "{aes:?}");
    assert_eq!(aes.key_exchange_method(), "RSA");
    assert_eq!(aes.encryption_method(), "AES(256)");
    assert!(qssl::model::cipher::Cipher::from_name_and_protocol("AES256-SHA", 2).is_null());
}
