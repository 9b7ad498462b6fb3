//! Trusting the system roots through OpenSSL's hashed directory (Qt's
//! on-demand loading): a default client verifies a server whose CA sits in
//! SSL_CERT_DIR as a hashed link, without parsing a bundle. Own test binary:
//! the environment must be set before the store is first used.

use std::sync::Arc;

use openssl::pkey::PKey;
use openssl::x509::X509;
use qssl::engine::conn::Progress;
use qssl::engine::transport::{MemoryPipe, Transport};
use qssl::engine::{Connection, Mode};
use qssl::model::cert::Certificate;
use qssl::model::config::SslConfiguration;
use qssl::model::enums::key_type;
use qssl::model::key::Key;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn run(client: &SslConfiguration, server: &SslConfiguration) -> Result<(), qssl::Error> {
    let mut c = Connection::new(
        client,
        Mode::Client,
        Transport::Memory(MemoryPipe::default()),
    )?;
    c.set_peer_verify_name("localhost")?;
    let mut s = Connection::new(
        server,
        Mode::Server,
        Transport::Memory(MemoryPipe::default()),
    )?;
    for _ in 0..50 {
        let rc = c.handshake()?;
        let _ = s.handshake();
        let a: Vec<u8> = c.memory().unwrap().outbound.drain(..).collect();
        let b: Vec<u8> = s.memory().unwrap().outbound.drain(..).collect();
        s.memory().unwrap().inbound.extend(a);
        c.memory().unwrap().inbound.extend(b);
        if rc == Progress::Done {
            return Ok(());
        }
    }
    Err(qssl::Error::Tls("no progress".into()))
}

#[test]
fn hashed_directory_roots_are_found_on_demand() {
    let dir = std::env::temp_dir().join(format!("qssl-hashed-{}", std::process::id()));
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let ca = X509::from_pem(&fixture("ca.pem")).unwrap();
    std::fs::write(
        dir.join(format!("{:08x}.0", ca.subject_name_hash())),
        fixture("ca.pem"),
    )
    .unwrap();
    // SAFETY: single-threaded at this point of this test binary.
    unsafe {
        std::env::set_var("SSL_CERT_DIR", &dir);
        std::env::set_var("SSL_CERT_FILE", dir.join("nonexistent.pem"));
    }
    let mut server = SslConfiguration::default_configuration();
    server.set_local_certificate(Certificate::from_data(&fixture("server.pem"), 0).remove(0));
    server.set_private_key(Key::from_pkey(
        PKey::private_key_from_pem(&fixture("server-key.pem")).unwrap(),
        key_type::PRIVATE_KEY,
    ));
    let client = SslConfiguration::default_configuration();
    assert!(client.system_roots_trusted());
    run(&client, &server).expect("the system root found through the hashed directory");
    assert_eq!(qssl::model::system_ca::system_ca_certificates().len(), 1);

    // A configuration that adds its own CAs still trusts the system roots
    // only if its flag says so: the path overload keeps the flag.
    let mut with_path = SslConfiguration::default_configuration();
    let path = format!("{}/tests/fixtures/client.pem", env!("CARGO_MANIFEST_DIR"));
    assert!(
        with_path
            .add_ca_certificates_from_path(&path, 0, 2)
            .unwrap()
    );
    run(&with_path, &server).expect("system roots plus the added CA");
    let mut restricted = SslConfiguration::default_configuration();
    restricted.set_ca_certificates(Arc::from(vec![
        Certificate::from_data(&fixture("client.pem"), 0).remove(0),
    ]));
    assert!(
        run(&restricted, &server).is_err(),
        "the list setter drops the system roots"
    );

    // An empty hashed directory: nothing is trusted.
    // SAFETY: as above.
    unsafe { std::env::set_var("SSL_CERT_DIR", &empty) };
    qssl::model::system_ca::reload_system_ca_certificates();
    // Contexts already built keep the store they had; a configuration whose
    // data changed builds its context with the reloaded store.
    let mut fresh = SslConfiguration::default_configuration();
    fresh.set_peer_verify_depth(0).unwrap();
    assert_eq!(fresh.contexts_built(), 0);
    assert!(run(&fresh, &server).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
