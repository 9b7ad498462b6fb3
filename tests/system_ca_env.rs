//! The system CA store honours SSL_CERT_FILE and SSL_CERT_DIR. In its own
//! test binary: the environment must be set before the store is first read.

#[test]
fn ssl_cert_file_and_dir_are_honoured_and_reload_rereads() {
    let dir = env!("CARGO_MANIFEST_DIR");
    // SAFETY: single-threaded at this point of this test binary.
    unsafe {
        std::env::set_var(
            "SSL_CERT_FILE",
            format!("{dir}/tests/fixtures/two-certs.pem"),
        );
        std::env::set_var("SSL_CERT_DIR", format!("{dir}/tests/fixtures/pattern/sub"));
    }
    let certs = qssl::model::system_ca::system_ca_certificates();
    // two-certs.pem holds server.pem and ca.pem; pattern/sub holds d.pem.
    assert_eq!(certs.len(), 3, "{certs:?}");
    // SAFETY: as above.
    unsafe { std::env::set_var("SSL_CERT_DIR", format!("{dir}/tests/fixtures/nonexistent")) };
    assert_eq!(
        qssl::model::system_ca::system_ca_certificates().len(),
        3,
        "cached until reload"
    );
    assert_eq!(qssl::model::system_ca::reload_system_ca_certificates(), 2);
    // Duplicates are kept once: the same file twice.
    // SAFETY: as above.
    unsafe { std::env::set_var("SSL_CERT_DIR", format!("{dir}/tests/fixtures")) };
    let n = qssl::model::system_ca::reload_system_ca_certificates();
    let all = qssl::model::system_ca::system_ca_certificates();
    assert_eq!(n, all.len());
    for (i, c) in all.iter().enumerate() {
        assert!(all[i + 1..].iter().all(|d| d != c), "duplicate at {i}");
    }
}
