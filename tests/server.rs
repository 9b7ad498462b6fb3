//! Servers that scale out (beyond Qt): certificates per server name (SNI),
//! session ticket keys shared by a fleet (across two server processes),
//! the key log checked against OpenSSL's own, and reload without restart.

mod common;

use std::ffi::CStr;
use std::sync::{Arc, Mutex};

use common::*;
use openssl::pkey::Id;
use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::{MemoryPipe, Transport};
use qssl::engine::{Connection, Mode};
use qssl::model::cert::Certificate;
use qssl::model::config::{BackendValue, SslConfiguration};
use qssl::model::enums::{encoding, protocol, ssl_option, verify_mode};
use qssl::model::server::{KeylogHandler, SniChoice, SniHandler, SniTable, TicketKeys};

fn mem() -> Transport {
    Transport::Memory(MemoryPipe::default())
}

fn shuttle(a: &mut Connection, b: &mut Connection) -> bool {
    let out_a: Vec<u8> = a.memory().unwrap().outbound.drain(..).collect();
    let out_b: Vec<u8> = b.memory().unwrap().outbound.drain(..).collect();
    let moved = !out_a.is_empty() || !out_b.is_empty();
    b.memory().unwrap().inbound.extend(out_a);
    a.memory().unwrap().inbound.extend(out_b);
    moved
}

/// Both handshakes to completion or failure over memory transports.
fn drive(
    client: &mut Connection,
    server: &mut Connection,
) -> (Result<(), Error>, Result<(), Error>) {
    let (mut rc, mut rs) = (None, None);
    for _ in 0..100 {
        if rc.is_none() {
            match client.handshake() {
                Ok(Progress::Done) => rc = Some(Ok(())),
                Ok(_) => {}
                Err(e) => rc = Some(Err(e)),
            }
        }
        if rs.is_none() {
            match server.handshake() {
                Ok(Progress::Done) => rs = Some(Ok(())),
                Ok(_) => {}
                Err(e) => rs = Some(Err(e)),
            }
        }
        let moved = shuttle(client, server);
        if (rc.is_some() || rs.is_some()) && !moved {
            break;
        }
    }
    (
        rc.unwrap_or(Err(Error::Tls("client did not finish".into()))),
        rs.unwrap_or(Err(Error::Tls("server did not finish".into()))),
    )
}

/// A client (verification off: the tests look at which certificate came)
/// asking for `name` (None: no SNI) and a server, handshaken.
fn connect_mem(
    cc: &SslConfiguration,
    sc: &SslConfiguration,
    name: Option<&str>,
) -> (Connection, Connection, Result<(), Error>, Result<(), Error>) {
    let mut c = Connection::new(cc, Mode::Client, mem()).unwrap();
    if let Some(n) = name {
        c.set_peer_verify_name(n).unwrap();
    }
    let mut s = Connection::new(sc, Mode::Server, mem()).unwrap();
    let (rc, rs) = drive(&mut c, &mut s);
    (c, s, rc, rs)
}

fn loose_client() -> SslConfiguration {
    let mut c = client_config();
    c.set_peer_verify_mode(verify_mode::VERIFY_NONE);
    c
}

fn config_with(chain: &str, key_name: &str) -> SslConfiguration {
    let mut c = SslConfiguration::default_configuration();
    let certs = Certificate::from_data(&fixture(chain), encoding::PEM);
    c.set_local_certificate_chain(Arc::from(certs));
    c.set_private_key(key(key_name));
    c
}

fn peer_cn(c: &Connection) -> String {
    subject_entry(c.ssl_configuration().peer_certificate(), "CN")
}

fn peer_key_id(c: &Connection) -> Id {
    let st = c.ssl_configuration();
    st.peer_certificate()
        .x509()
        .unwrap()
        .public_key()
        .unwrap()
        .id()
}

// ---- SNI ------------------------------------------------------------------------------------

#[test]
fn sni_table_exact_wildcard_default_and_strict() {
    let chained = config_with("chained-chain.pem", "chained-key.pem");
    let selfsigned = config_with("selfsigned.pem", "selfsigned-key.pem");
    let mut table = SniTable::default();
    table.add("Chained.Localhost", chained.clone()).unwrap();
    table.add("*.wild.test", selfsigned.clone()).unwrap();
    let mut sc = server_config();
    sc.update_server_extras(|x| x.sni_table = Some(Arc::new(table.clone())));
    let cc = loose_client();

    // Exact name (case-insensitive): the chained certificate, and the
    // connection reports the configuration that served it.
    let (c, s, rc, rs) = connect_mem(&cc, &sc, Some("chained.localhost"));
    rc.unwrap();
    rs.unwrap();
    assert_eq!(peer_cn(&c), "chained.localhost");
    assert_eq!(
        c.ssl_configuration().peer_certificate_chain().len(),
        2,
        "chain sent"
    );
    assert!(s.serving_configuration() == chained);
    assert_eq!(
        s.requested_server_name().as_deref(),
        Some("chained.localhost")
    );
    assert!(
        s.ssl_configuration().local_certificate() == chained.local_certificate(),
        "the session state is the serving configuration's"
    );

    // Wildcard: one label.
    let (c, s, rc, rs) = connect_mem(&cc, &sc, Some("api.wild.test"));
    rc.unwrap();
    rs.unwrap();
    assert!(*c.ssl_configuration().peer_certificate() == cert("selfsigned.pem"));
    assert!(s.serving_configuration() == selfsigned);
    let (c, _, rc, _) = connect_mem(&cc, &sc, Some("a.b.wild.test"));
    rc.unwrap();
    assert!(*c.ssl_configuration().peer_certificate() == cert("server.pem"));

    // No entry and no SNI: the listening configuration serves.
    let (c, s, rc, rs) = connect_mem(&cc, &sc, Some("unknown.test"));
    rc.unwrap();
    rs.unwrap();
    assert!(*c.ssl_configuration().peer_certificate() == cert("server.pem"));
    assert!(s.serving_configuration() == sc);
    let (c, s, rc, _) = connect_mem(&cc, &sc, None);
    rc.unwrap();
    assert!(*c.ssl_configuration().peer_certificate() == cert("server.pem"));
    assert_eq!(s.requested_server_name(), None);

    // "*" is the default entry.
    let mut with_default = table.clone();
    with_default.add("*", selfsigned.clone()).unwrap();
    let mut sd = server_config();
    sd.update_server_extras(|x| x.sni_table = Some(Arc::new(with_default)));
    let (c, _, rc, _) = connect_mem(&cc, &sd, Some("unknown.test"));
    rc.unwrap();
    assert!(*c.ssl_configuration().peer_certificate() == cert("selfsigned.pem"));

    // Strict: an unknown name is refused with unrecognized_name (112).
    let mut strict = table;
    strict.strict = true;
    let mut ss = server_config();
    ss.update_server_extras(|x| x.sni_table = Some(Arc::new(strict)));
    let (c, s, rc, rs) = connect_mem(&cc, &ss, Some("unknown.test"));
    assert!(rc.is_err() && rs.is_err());
    assert_eq!(s.alert_sent(), Some((2, 112)));
    assert_eq!(c.alert_received(), Some((2, 112)));
    let (_, _, rc, rs) = connect_mem(&cc, &ss, Some("chained.localhost"));
    rc.unwrap();
    rs.unwrap();
}

/// The SNI a client sends for its peer verify name (decided when the name
/// is set): the name without its trailing dots; nothing for an IP literal,
/// an empty name or only dots, or with SNI disabled. A name with a NUL is
/// refused when set.
#[test]
fn sni_sent_for_the_peer_verify_name() {
    let cc = loose_client();
    let sc = server_config();
    let cases: [(Option<&str>, Option<&str>); 9] = [
        (Some("localhost"), Some("localhost")),
        (Some("localhost."), Some("localhost")),
        (Some("a.test.."), Some("a.test")),
        (Some("127.0.0.1"), None),
        (Some("::1"), None),
        (Some("1.2.3"), Some("1.2.3")),
        (Some(""), None),
        (Some("..."), None),
        (None, None),
    ];
    for (name, sent) in cases {
        let (c, s, rc, rs) = connect_mem(&cc, &sc, name);
        rc.unwrap();
        rs.unwrap();
        assert_eq!(s.requested_server_name().as_deref(), sent, "{name:?}");
        assert_eq!(c.peer_verify_name(), name.unwrap_or(""));
    }
    let mut no_sni = loose_client();
    no_sni.set_ssl_option(ssl_option::DISABLE_SERVER_NAME_INDICATION, true);
    let (_, s, rc, _) = connect_mem(&no_sni, &sc, Some("localhost"));
    rc.unwrap();
    assert_eq!(s.requested_server_name(), None);

    let mut c = Connection::new(&cc, Mode::Client, mem()).unwrap();
    c.set_peer_verify_name("local").unwrap();
    assert!(matches!(
        c.set_peer_verify_name("a\0b"),
        Err(Error::InvalidArgument(_))
    ));
    assert_eq!(c.peer_verify_name(), "local", "a refused name is not kept");
}

#[test]
fn sni_ecdsa_and_rsa_for_one_name_by_client_support() {
    let rsa = config_with("server.pem", "server-key.pem");
    let ec = config_with("server-ec.pem", "server-ec-key.pem");
    let mut table = SniTable::default();
    table.add("localhost", rsa.clone()).unwrap();
    table.add("localhost", ec).unwrap();
    let mut sc = SslConfiguration::default_configuration();
    sc.set_local_certificate(cert("selfsigned.pem"));
    sc.set_private_key(key("selfsigned-key.pem"));
    sc.update_server_extras(|x| x.sni_table = Some(Arc::new(table)));

    for (proto, sigalgs, want) in [
        (protocol::TLS_V1_3, "ECDSA+SHA256", Id::EC),
        (protocol::TLS_V1_3, "rsa_pss_rsae_sha256", Id::RSA),
        (protocol::TLS_V1_2, "ECDSA+SHA256", Id::EC),
        (protocol::TLS_V1_2, "RSA+SHA256", Id::RSA),
        (protocol::TLS_V1_3, "", Id::EC),
    ] {
        let mut cc = client_config(); // verifying: both chain to ca.pem
        cc.set_protocol(proto);
        if !sigalgs.is_empty() {
            cc.set_backend_configuration_option(
                b"SignatureAlgorithms",
                BackendValue::Bytes(sigalgs.as_bytes().into()),
            );
        }
        let (c, s, rc, rs) = connect_mem(&cc, &sc, Some("localhost"));
        rc.unwrap_or_else(|e| panic!("{sigalgs}: {e}"));
        rs.unwrap();
        assert_eq!(peer_key_id(&c), want, "{proto} {sigalgs}");
        assert!(
            s.serving_configuration() == rsa,
            "the entry's first configuration"
        );
    }
}

struct Picker {
    seen: Mutex<Vec<Option<String>>>,
    target: SslConfiguration,
}

impl SniHandler for Picker {
    fn select(&self, name: Option<&str>) -> SniChoice {
        self.seen.lock().unwrap().push(name.map(str::to_owned));
        match name {
            Some("chained.localhost") => SniChoice::Use(self.target.clone()),
            Some("refused.test") => SniChoice::Refuse,
            _ => SniChoice::Keep,
        }
    }
}

#[test]
fn sni_callback_use_keep_refuse() {
    let chained = config_with("chained-chain.pem", "chained-key.pem");
    let picker = Arc::new(Picker {
        seen: Mutex::new(Vec::new()),
        target: chained.clone(),
    });
    let mut sc = server_config();
    let h = picker.clone();
    sc.update_server_extras(|x| x.sni_handler = Some(h));
    let cc = loose_client();

    let (c, s, rc, rs) = connect_mem(&cc, &sc, Some("chained.localhost"));
    rc.unwrap();
    rs.unwrap();
    assert_eq!(peer_cn(&c), "chained.localhost");
    assert!(s.serving_configuration() == chained);

    let (c, _, rc, _) = connect_mem(&cc, &sc, Some("localhost"));
    rc.unwrap();
    assert_eq!(peer_cn(&c), "localhost");

    let (c, s, rc, rs) = connect_mem(&cc, &sc, Some("refused.test"));
    assert!(rc.is_err() && rs.is_err());
    assert_eq!(c.alert_received(), Some((2, 112)));
    assert!(
        rs.unwrap_err().to_string().contains("unrecognized name"),
        "{:?}",
        s.alert_sent()
    );

    let (_, _, rc, _) = connect_mem(&cc, &sc, None);
    rc.unwrap();
    assert_eq!(
        *picker.seen.lock().unwrap(),
        vec![
            Some("chained.localhost".to_string()),
            Some("localhost".to_string()),
            Some("refused.test".to_string()),
            None
        ]
    );
}

#[test]
fn sni_entry_that_cannot_serve_fails_cleanly() {
    // An entry without a key: the handshake fails with an alert, no crash.
    let mut broken = SslConfiguration::default_configuration();
    broken.set_local_certificate(cert("chained.pem"));
    let mut table = SniTable::default();
    table.add("chained.localhost", broken).unwrap();
    let mut sc = server_config();
    sc.update_server_extras(|x| x.sni_table = Some(Arc::new(table)));
    let (_, s, rc, rs) = connect_mem(&loose_client(), &sc, Some("chained.localhost"));
    assert!(rc.is_err() && rs.is_err());
    assert_eq!(s.alert_sent(), Some((2, 80)));
}

// ---- session ticket keys --------------------------------------------------------------------

fn random_keys(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; 80 * n];
    openssl::rand::rand_bytes(&mut b).unwrap();
    b
}

fn with_keys(raw: &[u8]) -> SslConfiguration {
    let keys = Arc::new(TicketKeys::from_nginx_bytes(raw).unwrap());
    let mut sc = server_config();
    sc.update_server_extras(|x| x.ticket_keys = Some(keys));
    sc
}

/// A full handshake against `sc`, then the client's saved configuration
/// (with its session ticket).
fn ticket_from(sc: &SslConfiguration, proto: i32) -> SslConfiguration {
    let mut cc = client_config();
    cc.set_protocol(proto);
    cc.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);
    let (mut c, mut s, rc, rs) = connect_mem(&cc, sc, Some("localhost"));
    rc.unwrap();
    rs.unwrap();
    s.write(b"x").unwrap();
    shuttle(&mut c, &mut s);
    let mut buf = [0u8; 8];
    let _ = c.read(&mut buf).unwrap();
    let saved = c.ssl_configuration();
    assert!(!saved.session_ticket().is_empty());
    saved
}

/// Whether a client from `saved` resumes on `sc`; also the new ticket.
fn resumes(saved: &SslConfiguration, sc: &SslConfiguration) -> (bool, SslConfiguration) {
    let (mut c, mut s, rc, rs) = connect_mem(saved, sc, Some("localhost"));
    rc.unwrap();
    rs.unwrap();
    s.write(b"x").unwrap();
    shuttle(&mut c, &mut s);
    let mut buf = [0u8; 8];
    let _ = c.read(&mut buf).unwrap();
    (c.session_resumed(), c.ssl_configuration())
}

#[test]
fn ticket_keys_rotation_in_process() {
    for proto in [protocol::TLS_V1_2, protocol::TLS_V1_3] {
        let k = random_keys(3);
        let (k1, k2, k3) = (&k[..80], &k[80..160], &k[160..]);
        // Two configurations (two contexts, as two servers) with one key.
        let a = with_keys(k1);
        let b = with_keys(k1);
        let t = ticket_from(&a, proto);
        assert!(
            resumes(&t, &b).0,
            "{proto}: another context with the same key resumes"
        );

        // Default: each context has its own random keys.
        let plain = server_config();
        let t0 = ticket_from(&plain, proto);
        assert!(
            !resumes(&t0, &server_config()).0,
            "{proto}: default keys are not shared"
        );
        assert!(resumes(&t0, &plain).0);

        // Rotation: k2 current, k1 still accepted for decryption; the
        // client gets a ticket under k2.
        let rotated = with_keys(&[k2, k1].concat());
        let (ok, renewed) = resumes(&t, &rotated);
        assert!(ok, "{proto}: a ticket under an older accepted key resumes");
        // k1 retired: the old ticket gives a full handshake, not a failure.
        let retired = with_keys(&[k3, k2].concat());
        assert!(
            !resumes(&t, &retired).0,
            "{proto}: a retired key: full handshake"
        );
        if proto == protocol::TLS_V1_3 {
            // TLS 1.3 renewed the ticket under k2 at resumption.
            assert!(
                resumes(&renewed, &retired).0,
                "{proto}: the renewed ticket resumes"
            );
        }
        // A client with a garbage ticket still gets a full handshake.
        let mut junk = t.clone();
        let mut der = t.session_ticket().as_slice().to_vec();
        let n = der.len();
        der[n / 2] ^= 0xff;
        junk.set_session_ticket(der.as_slice().into());
        let (mut c, mut s, rc, rs) = connect_mem(&junk, &a, Some("localhost"));
        let _ = (&mut c, &mut s);
        rc.unwrap();
        rs.unwrap();
    }
}

// Two separate server processes: this test binary re-runs itself as a
// server (the `child_ticket_server` test, active only with the variable set).

const CHILD_VAR: &str = "QSSL_TEST_TICKET_SERVER_KEYS";

/// Not a test: the server process `ticket_keys_shared_by_two_server_processes`
/// starts (ignored, so a normal run skips it; the parent runs it with
/// `--ignored --exact`).
#[test]
#[ignore = "a helper process for ticket_keys_shared_by_two_server_processes"]
fn child_ticket_server() {
    let path = std::env::var(CHILD_VAR).expect("started by the parent test");
    let mut sc = server_config();
    let keys = Arc::new(TicketKeys::from_file_bytes(&std::fs::read(path).unwrap()).unwrap());
    sc.update_server_extras(|x| x.ticket_keys = Some(keys));
    let (l, port) = listen();
    println!("PORT {port} END");
    for _ in 0..4 {
        let tcp = accept(&l, None);
        let (mut tls, r) = server_over(&sc, tcp);
        if r.is_ok() {
            let resumed = tls.conn.session_resumed();
            tls.write_all(if resumed { b"resumed\n" } else { b"full\n" });
            let _ = tls.read_to_close();
        }
    }
}

/// A child server process, killed and reaped on drop.
struct ChildServer(std::process::Child);

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_child(keys: &str) -> (ChildServer, u16) {
    use std::io::BufRead;
    let exe = std::env::current_exe().unwrap();
    let mut child = ChildServer(
        std::process::Command::new(exe)
            .args([
                "--ignored",
                "--exact",
                "child_ticket_server",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_VAR, keys)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    // The child prints its port first thing (or exits, ending the stream).
    let out = child.0.stdout.take().unwrap();
    for line in std::io::BufReader::new(out).lines() {
        let line = line.unwrap();
        // (The harness prints "test child_ticket_server ... " on the same line.)
        let tail = line.find("PORT ").map(|i| &line[i + 5..]);
        if let Some(p) = tail.and_then(|r| r.strip_suffix(" END")) {
            return (child, p.parse().unwrap());
        }
    }
    panic!("the child server did not start");
}

fn tcp_round(cc: &SslConfiguration, port: u16) -> (String, SslConfiguration) {
    let (mut tls, r) = client(cc, port);
    r.unwrap();
    let got = tls.read_until(b"\n");
    let state = tls.state();
    let _ = tls.conn.shutdown();
    (String::from_utf8_lossy(&got).trim().to_string(), state)
}

#[test]
fn ticket_keys_shared_by_two_server_processes() {
    let dir = TempDir::new("ticket-keys");
    let k = random_keys(3);
    // nginx's binary file: the first key encrypts.
    let first = dir.write("first.key", &k[..80]);
    // HAProxy's text file: the next-to-last line encrypts (k2), k1 decrypts.
    let enc = |b: &[u8]| openssl::base64::encode_block(b);
    let haproxy = |b: &[u8]| {
        // HAProxy's layout is name, AES key, HMAC key; nginx's is name,
        // HMAC key, AES key: convert so both files hold the same keys.
        [&b[..16], &b[48..80], &b[16..48]].concat()
    };
    let rotated = dir.write(
        "rotated.txt",
        format!(
            "{}\n{}\n{}\n",
            enc(&haproxy(&k[..80])),
            enc(&haproxy(&k[80..160])),
            enc(&haproxy(&k[160..]))
        )
        .as_bytes(),
    );
    let retired = dir.write("retired.key", &[&k[160..], &k[80..160]].concat());

    let (a, port_a) = spawn_child(&first);
    let (b, port_b) = spawn_child(&first);
    let (r, port_r) = spawn_child(&rotated);
    let (x, port_x) = spawn_child(&retired);
    for proto in [protocol::TLS_V1_2, protocol::TLS_V1_3] {
        let mut cc = client_config();
        cc.set_protocol(proto);
        cc.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);
        let (how, saved) = tcp_round(&cc, port_a);
        assert_eq!(how, "full", "{proto}");
        assert!(!saved.session_ticket().is_empty());
        // Issued by process A, resumed by process B.
        let (how, _) = tcp_round(&saved, port_b);
        assert_eq!(how, "resumed", "{proto}: A's ticket on B");
        // After rotation (k2 current, k1 accepted) it still resumes.
        let (how, _) = tcp_round(&saved, port_r);
        assert_eq!(how, "resumed", "{proto}: an older accepted key");
        // k1 retired: a full handshake, never a failure.
        let (how, _) = tcp_round(&saved, port_x);
        assert_eq!(how, "full", "{proto}: a retired key");
    }
    drop((a, b, r, x));
}

// ---- key log -----------------------------------------------------------------------------------

#[derive(Default)]
struct Lines(Mutex<Vec<String>>);

impl KeylogHandler for Lines {
    fn log(&self, line: &CStr) {
        self.0
            .lock()
            .unwrap()
            .push(line.to_string_lossy().into_owned());
    }
}

/// The key log lines of a qssl endpoint equal OpenSSL's own key log on a
/// raw OpenSSL peer of the same handshake: the secrets are right.
#[test]
fn keylog_matches_openssl_peer() {
    use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode, SslVersion};
    use std::net::TcpStream;
    for (proto, expect) in [(SslVersion::TLS1_3, 5usize), (SslVersion::TLS1_2, 1usize)] {
        let lines = Arc::new(Lines::default());
        let mut sc = server_config();
        let h = lines.clone();
        sc.update_server_extras(|x| x.keylog = Some(h));
        let (l, port) = listen();
        let peer_lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let pl = peer_lines.clone();
        let t = std::thread::spawn(move || {
            let mut b = SslConnector::builder(SslMethod::tls_client()).unwrap();
            b.set_verify(SslVerifyMode::NONE);
            b.set_min_proto_version(Some(proto)).unwrap();
            b.set_max_proto_version(Some(proto)).unwrap();
            b.set_keylog_callback(move |_, line| pl.lock().unwrap().push(line.to_string()));
            let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
            prepare(&tcp);
            let mut s = b
                .build()
                .configure()
                .unwrap()
                .connect("localhost", tcp)
                .unwrap();
            use std::io::Read;
            let mut buf = [0u8; 3];
            s.read_exact(&mut buf).unwrap();
        });
        let tcp = accept(&l, None);
        let (mut tls, r) = server_over(&sc, tcp);
        r.unwrap();
        tls.write_all(b"bye");
        t.join().unwrap();
        let mut ours = lines.0.lock().unwrap().clone();
        let mut theirs = peer_lines.lock().unwrap().clone();
        assert_eq!(ours.len(), expect, "{ours:?}");
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs);
        let label = if proto == SslVersion::TLS1_3 {
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
        } else {
            "CLIENT_RANDOM "
        };
        assert!(ours.iter().any(|l| l.starts_with(label)), "{ours:?}");
    }
    // Off unless set: a configuration without a handler installs no key
    // log callback into OpenSSL at all.
    unsafe extern "C" {
        fn SSL_CTX_get_keylog_callback(
            ctx: *const openssl_sys::SSL_CTX,
        ) -> Option<unsafe extern "C" fn(*const openssl_sys::SSL, *const std::ffi::c_char)>;
    }
    use foreign_types::ForeignTypeRef;
    let (c, s, rc, rs) = connect_mem(&client_config(), &server_config(), Some("localhost"));
    rc.unwrap();
    rs.unwrap();
    for conn in [&c, &s] {
        let ctx = conn.ssl().ssl_context().as_ptr();
        // SAFETY: a live context of a live connection.
        assert!(unsafe { SSL_CTX_get_keylog_callback(ctx) }.is_none());
    }
    // The listening configuration's key log covers a connection its SNI
    // table hands to an entry without a key log of its own; an entry's own
    // key log wins.
    let (listening, own) = (Arc::new(Lines::default()), Arc::new(Lines::default()));
    let mut entry = config_with("chained-chain.pem", "chained-key.pem");
    let mut table = SniTable::default();
    table.add("chained.localhost", entry.clone()).unwrap();
    let h = own.clone();
    entry.update_server_extras(|x| x.keylog = Some(h));
    table.add("own.localhost", entry).unwrap();
    let mut sc = server_config();
    let h = listening.clone();
    sc.update_server_extras(|x| {
        x.keylog = Some(h);
        x.sni_table = Some(Arc::new(table));
    });
    for _ in 0..2 {
        let (c, s, rc, rs) = connect_mem(&loose_client(), &sc, Some("chained.localhost"));
        rc.unwrap();
        rs.unwrap();
        assert_eq!(peer_cn(&c), "chained.localhost");
        assert!(
            s.serving_configuration().server_extras().is_none(),
            "reports the entry itself"
        );
    }
    assert_eq!(
        listening.0.lock().unwrap().len(),
        10,
        "two TLS 1.3 handshakes"
    );
    let (_, _, rc, _) = connect_mem(&loose_client(), &sc, Some("own.localhost"));
    rc.unwrap();
    assert_eq!(listening.0.lock().unwrap().len(), 10);
    assert_eq!(own.0.lock().unwrap().len(), 5);

    // Clients log too.
    let lines = Arc::new(Lines::default());
    let mut cc = client_config();
    let h = lines.clone();
    cc.update_server_extras(|x| x.keylog = Some(h));
    let (_, _, rc, rs) = connect_mem(&cc, &server_config(), Some("localhost"));
    rc.unwrap();
    rs.unwrap();
    assert_eq!(lines.0.lock().unwrap().len(), 5, "clients log too");
}

// ---- reload ------------------------------------------------------------------------------------

/// Replacing a listening server's configuration (a renewed certificate)
/// changes new connections only; connections open across the swap keep
/// the one they started with and go on working.
#[test]
fn reload_affects_new_connections_only() {
    let listening = Arc::new(Mutex::new(server_config()));
    let cc = loose_client();
    let mut before = Vec::new();
    for _ in 0..3 {
        let current = listening.lock().unwrap().clone();
        before.push(connect_mem(&cc, &current, Some("localhost")));
    }
    // The swap: a new certificate (EC) for the same name.
    *listening.lock().unwrap() = config_with("server-ec.pem", "server-ec-key.pem");
    let current = listening.lock().unwrap().clone();
    let (c, _, rc, rs) = connect_mem(&cc, &current, Some("localhost"));
    rc.unwrap();
    rs.unwrap();
    assert_eq!(
        peer_key_id(&c),
        Id::EC,
        "new connection: the new certificate"
    );
    for (c, s, rc, rs) in before.iter_mut() {
        rc.as_ref().unwrap();
        rs.as_ref().unwrap();
        assert_eq!(
            peer_key_id(c),
            Id::RSA,
            "open connection keeps its certificate"
        );
        assert!(s.ssl_configuration().local_certificate() == cert("server.pem"));
        // Still carries data both ways after the swap.
        c.write(b"ping").unwrap();
        shuttle(c, s);
        let mut buf = [0u8; 16];
        let (_, n) = s.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ping");
        s.write(b"pong").unwrap();
        shuttle(c, s);
        let (_, n) = c.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"pong");
    }
}

/// A configuration chosen by SNI keeps Qt's verify semantics on a qssl
/// server connection: a VerifyPeer entry without `missingCertificateIsFatal`
/// lets the handshake finish and refuses it afterwards with
/// NoPeerCertificate (the entry's context itself carries the fail-closed
/// mode for SSLs other code makes, which must not leak into qssl's own).
#[test]
fn sni_entry_verify_peer_decides_after_the_handshake() {
    let mut entry = config_with("chained-chain.pem", "chained-key.pem");
    entry.set_peer_verify_mode(verify_mode::VERIFY_PEER);
    let mut table = SniTable::default();
    table.add("chained.localhost", entry).unwrap();
    let mut sc = server_config();
    sc.update_server_extras(|x| x.sni_table = Some(Arc::new(table.clone())));
    let (_c, s, _rc, rs) = connect_mem(&loose_client(), &sc, Some("chained.localhost"));
    let e = rs.expect_err("no client certificate must be refused");
    assert!(matches!(e, Error::Verification(_)), "{e:?}");
    let codes: Vec<i32> = s.ssl_errors().iter().map(|e| e.code).collect();
    assert_eq!(codes, [qssl::model::ssl_error::code::NO_PEER_CERTIFICATE]);
    // An untrusted client certificate is refused too.
    let mut cc = loose_client();
    let ss = config_with("selfsigned.pem", "selfsigned-key.pem");
    cc.set_local_certificate_chain(ss.local_certificate_chain().clone());
    cc.set_private_key(ss.private_key().clone());
    let (_c, s, _rc, rs) = connect_mem(&cc, &sc, Some("chained.localhost"));
    let e = rs.expect_err("an untrusted client certificate must be refused");
    assert!(matches!(e, Error::Verification(_)), "{e:?}");
    assert!(!s.ssl_errors().is_empty());
}

/// Which cipher list applies after an SNI switch (documented in
/// docs/API.md): in TLS 1.2 the chosen configuration's; in TLS 1.3 the
/// listening configuration's suites (OpenSSL settles the TLS 1.3 suite
/// before it processes the server name).
#[test]
fn cipher_lists_after_an_sni_switch() {
    for (proto, listening, entry, want) in [
        (
            protocol::TLS_V1_3,
            "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256",
        ),
        (
            protocol::TLS_V1_2,
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305",
            "ECDHE-RSA-CHACHA20-POLY1305",
            "ECDHE-RSA-CHACHA20-POLY1305",
        ),
    ] {
        let mut e = config_with("chained-chain.pem", "chained-key.pem");
        e.set_ciphers_string(entry);
        let mut table = SniTable::default();
        table.add("chained.localhost", e).unwrap();
        let mut sc = server_config();
        sc.set_ciphers_string(listening);
        sc.update_server_extras(|x| x.sni_table = Some(Arc::new(table)));
        let mut cc = loose_client();
        cc.set_protocol(proto);
        let (c, _, rc, rs) = connect_mem(&cc, &sc, Some("chained.localhost"));
        rc.unwrap();
        rs.unwrap();
        assert_eq!(peer_cn(&c), "chained.localhost");
        assert_eq!(
            c.ssl_configuration().session_cipher().name(),
            want,
            "{proto}"
        );
    }
}

/// The extras applied to a context another library owns
/// (`qssl_config_apply_to_openssl_context`): applying again releases the
/// extras attached before; a configuration without extras removes the
/// callbacks they installed.
#[test]
fn extras_on_a_foreign_context_applied_again() {
    use foreign_types::ForeignType;
    use qssl::ffi::config::qssl_config_t;
    use qssl::ffi::conn::qssl_config_apply_to_openssl_context;
    use qssl::ffi::enums::QSSL_SSL_MODE_SSL_SERVER_MODE;
    use qssl::ffi::status::QSSL_STATUS_OK;
    unsafe extern "C" {
        fn SSL_CTX_get_keylog_callback(
            ctx: *const openssl_sys::SSL_CTX,
        ) -> Option<unsafe extern "C" fn(*const openssl_sys::SSL, *const std::ffi::c_char)>;
    }
    let lines = Arc::new(Lines::default());
    let mut sc = server_config();
    let h = lines.clone();
    let keys = Arc::new(TicketKeys::from_nginx_bytes(&random_keys(1)).unwrap());
    sc.update_server_extras(|x| {
        x.keylog = Some(h);
        x.ticket_keys = Some(keys);
    });
    let extras = sc.server_extras().unwrap().clone();
    let ctx = openssl::ssl::SslContext::builder(openssl::ssl::SslMethod::tls_server())
        .unwrap()
        .build();
    let handle = qssl_config_t::from_configuration(sc);
    let apply = |h: &qssl_config_t| {
        // SAFETY: a live handle and a live context used by no one else.
        let st = unsafe {
            qssl_config_apply_to_openssl_context(
                h,
                QSSL_SSL_MODE_SSL_SERVER_MODE,
                ctx.as_ptr().cast(),
            )
        };
        assert_eq!(st, QSSL_STATUS_OK);
    };
    let before = Arc::strong_count(&extras);
    apply(&handle);
    apply(&handle);
    assert_eq!(
        Arc::strong_count(&extras),
        before + 1,
        "the first attachment was released"
    );
    // SAFETY: a live context.
    assert!(unsafe { SSL_CTX_get_keylog_callback(ctx.as_ptr()) }.is_some());

    // A handshake on an SSL made from the foreign context: logged, and a
    // ticket issued under the shared key.
    let (l, port) = listen();
    let c2 = ctx.clone();
    let t = std::thread::spawn(move || {
        let tcp = accept(&l, None);
        let mut s = openssl::ssl::Ssl::new(&c2).unwrap().accept(tcp).unwrap();
        use std::io::Write;
        s.write_all(b"hi\n").unwrap();
        let mut b = [0u8; 1];
        let _ = std::io::Read::read(&mut s, &mut b);
    });
    let mut cc = loose_client();
    cc.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);
    let (mut tls, r) = client(&cc, port);
    r.unwrap();
    tls.read_until(b"\n");
    let saved = tls.state();
    let _ = tls.conn.shutdown();
    drop(tls);
    t.join().unwrap();
    assert_eq!(lines.0.lock().unwrap().len(), 5);
    assert!(!saved.session_ticket().is_empty());

    // Applied again without extras: released and the key log callback gone.
    apply(&qssl_config_t::from_configuration(server_config()));
    assert_eq!(Arc::strong_count(&extras), before);
    // SAFETY: a live context.
    assert!(unsafe { SSL_CTX_get_keylog_callback(ctx.as_ptr()) }.is_none());
}
