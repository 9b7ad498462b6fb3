//! Behaviour kept by the performance work (benches/, docs/PERFORMANCE.md):
//! one decoded ticket shared by many resumptions, sessions serialised only
//! on demand, contexts shared by configurations taken from a connection,
//! and the memory transport moving bytes in order across wrap-around.

mod common;

use std::sync::Arc;

use qssl::engine::transport::Transport;
use qssl::engine::{Connection, Mode};
use qssl::model::cert::Certificate;
use qssl::model::config::SslConfiguration;
use qssl::model::enums::{encoding, protocol, ssl_option};

use common::{cert, fixture, key, mem, memory_connect as connect, shuttle};

/// The server side uses the EC certificate.
fn server_config() -> SslConfiguration {
    let mut c = SslConfiguration::default_configuration();
    c.set_local_certificate(cert("server-ec.pem"));
    c.set_private_key(key("server-ec-key.pem"));
    c
}

fn client_config(persist: bool) -> SslConfiguration {
    let mut c = common::client_config();
    if persist {
        c.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);
    }
    c
}

/// The server writes a byte and the client reads it, which processes the
/// TLS 1.3 session tickets that follow the handshake.
fn exchange(c: &mut Connection, s: &mut Connection) {
    s.write(b"x").unwrap();
    shuttle(c, s);
    let mut buf = [0u8; 8];
    let (_, n) = c.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"x");
}

fn saved_config(sc: &SslConfiguration) -> SslConfiguration {
    let cc = client_config(true);
    let (mut c, mut s) = connect(&cc, sc);
    exchange(&mut c, &mut s);
    let saved = c.ssl_configuration();
    assert!(!saved.session_ticket().is_empty());
    saved
}

#[test]
fn one_saved_configuration_resumes_many_connections() {
    let sc = server_config();
    let saved = saved_config(&sc);
    // Connections freed without reading, after reading (new tickets
    // processed), after a shutdown: the shared ticket stays usable.
    for i in 0..6 {
        let (mut c, mut s) = connect(&saved, &sc);
        assert!(c.session_resumed(), "connection {i} did not resume");
        match i % 3 {
            0 => {}
            1 => exchange(&mut c, &mut s),
            _ => {
                exchange(&mut c, &mut s);
                c.shutdown().unwrap();
            }
        }
    }
}

#[test]
fn one_saved_tls12_configuration_resumes_many_connections() {
    let sc = server_config();
    let mut cc = client_config(true);
    cc.set_protocol(protocol::TLS_V1_2);
    let (c, _s) = connect(&cc, &sc);
    let saved = c.ssl_configuration();
    assert!(!saved.session_ticket().is_empty());
    for i in 0..4 {
        let (mut c, mut s) = connect(&saved, &sc);
        assert!(c.session_resumed(), "TLS 1.2 connection {i} did not resume");
        if i % 2 == 1 {
            exchange(&mut c, &mut s);
        }
    }
}

#[test]
fn shared_ticket_interleaved_and_across_threads() {
    let sc = server_config();
    let saved = saved_config(&sc);
    // Several connections from the one configuration alive at once, their
    // handshakes interleaved step by step.
    let mut pairs: Vec<(Connection, Connection)> = (0..4)
        .map(|_| {
            let mut c = Connection::new(&saved, Mode::Client, mem()).unwrap();
            c.set_peer_verify_name("localhost").unwrap();
            (c, Connection::new(&sc, Mode::Server, mem()).unwrap())
        })
        .collect();
    for _ in 0..10 {
        for (c, s) in pairs.iter_mut() {
            let _ = c.handshake().unwrap();
            let _ = s.handshake().unwrap();
            shuttle(c, s);
        }
    }
    for (c, s) in pairs.iter_mut() {
        assert!(c.is_encrypted() && s.is_encrypted());
        assert!(c.session_resumed());
        exchange(c, s);
    }
    // Threads resuming from the same configuration at the same time.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (saved, sc) = (saved.clone(), sc.clone());
            std::thread::spawn(move || {
                for _ in 0..10 {
                    let (mut c, mut s) = connect(&saved, &sc);
                    assert!(c.session_resumed());
                    exchange(&mut c, &mut s);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn tickets_serialised_on_demand_match_what_a_handshake_saw() {
    let sc = server_config();
    let saved = saved_config(&sc);
    // A resumed connection: before reading, its configuration carries the
    // session it resumed; after reading, the newest ticket.
    let (mut c, mut s) = connect(&saved, &sc);
    let before = c.ssl_configuration();
    assert!(!before.session_ticket().is_empty());
    exchange(&mut c, &mut s);
    let after = c.ssl_configuration();
    assert!(!after.session_ticket().is_empty());
    assert_ne!(after.session_ticket(), before.session_ticket());
    assert_eq!(after.session_ticket_life_time_hint(), 7200);
    // Each works for a new connection.
    for cfg in [&before, &after] {
        let (c, _s) = connect(cfg, &sc);
        assert!(c.session_resumed());
    }
    // TLS 1.2: the session arrives at the end of the handshake.
    let mut cc12 = client_config(true);
    cc12.set_protocol(protocol::TLS_V1_2);
    let (c, _s) = connect(&cc12, &sc);
    let t12 = c.ssl_configuration();
    assert!(!t12.session_ticket().is_empty());
    assert_eq!(c.session_tickets_received(), 1);
    let (c, _s) = connect(&t12, &sc);
    assert!(c.session_resumed());
    // Persistence disabled (the default), or sharing disabled: no ticket.
    let (mut c, mut s) = connect(&client_config(false), &sc);
    exchange(&mut c, &mut s);
    assert!(c.ssl_configuration().session_ticket().is_empty());
    let mut no_sharing = client_config(true);
    no_sharing.set_ssl_option(ssl_option::DISABLE_SESSION_SHARING, true);
    let (c, _s) = connect(&no_sharing, &sc);
    assert!(c.ssl_configuration().session_ticket().is_empty());
}

#[test]
fn configuration_from_a_connection_shares_its_contexts() {
    let sc = server_config();
    let cc = client_config(true);
    let (mut c, mut s) = connect(&cc, &sc);
    exchange(&mut c, &mut s);
    assert_eq!(cc.contexts_built(), 1);
    let saved = c.ssl_configuration();
    assert!(!saved.shares_data_with(&cc));
    assert_eq!(
        saved.contexts_built(),
        1,
        "the session state reaches no context"
    );
    let _ = connect(&saved, &sc);
    assert_eq!(cc.contexts_built(), 1);
    // A setting that reaches the context detaches from the shared contexts.
    let mut changed = saved.clone();
    changed.set_protocol(protocol::TLS_V1_3);
    assert_eq!(changed.contexts_built(), 0);
    assert_eq!(saved.contexts_built(), 1);
    // Setting a ticket by hand keeps them too, and a garbage ticket gives a
    // full handshake.
    let mut garbage = saved.clone();
    garbage.set_session_ticket(qssl::model::bytes::OptBytes::from(&b"garbage"[..]));
    assert_eq!(garbage.contexts_built(), 1);
    let (c, _s) = connect(&garbage, &sc);
    assert!(!c.session_resumed());
}

#[test]
fn memory_transport_keeps_order_across_wraparound() {
    use std::io::{Read, Write};
    let mut t = mem();
    let mut expect = Vec::new();
    let mut got = Vec::new();
    let mut next = 0u8;
    for round in 0..200usize {
        let chunk: Vec<u8> = (0..(round * 37) % 1500 + 1)
            .map(|_| {
                next = next.wrapping_add(1);
                next
            })
            .collect();
        expect.extend_from_slice(&chunk);
        if let Transport::Memory(p) = &mut t {
            p.inbound.extend(&chunk);
        }
        let mut buf = vec![0u8; (round * 53) % 2000 + 1];
        loop {
            match t.read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => {
                    assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
                    break;
                }
            }
            if round % 2 == 0 {
                break; // leave some behind so the queue wraps
            }
        }
        t.write_all(&chunk).unwrap();
    }
    loop {
        let mut buf = [0u8; 700];
        match t.read(&mut buf) {
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    assert_eq!(got, expect);
    if let Transport::Memory(p) = &t {
        assert_eq!(p.outbound.iter().copied().collect::<Vec<u8>>(), expect);
    }
}

#[test]
fn equality_shortcuts_keep_qt_semantics() {
    use qssl::model::bytes::OptBytes;
    use qssl::model::cipher::Cipher;

    let bundle = fixture("two-certs.pem");
    let list_a: Arc<[Certificate]> = Certificate::from_data(&bundle, encoding::PEM).into();
    let list_b: Arc<[Certificate]> = Certificate::from_data(&bundle, encoding::PEM).into();
    assert_eq!(list_a.len(), 2);

    // Same certificate objects in two distinct lists: equal.
    let mut a = SslConfiguration::default_configuration();
    let mut b = SslConfiguration::default_configuration();
    a.set_ca_certificates(Arc::from(list_a.to_vec()));
    b.set_ca_certificates(Arc::from(list_a.to_vec()));
    assert!(a == b);
    // Parsed separately: equal by content.
    let mut c = SslConfiguration::default_configuration();
    c.set_ca_certificates(list_b.clone());
    assert!(a == c);
    // Another certificate, or another order: unequal.
    let mut d = SslConfiguration::default_configuration();
    d.set_ca_certificates(Arc::from(vec![list_a[1].clone(), list_a[0].clone()]));
    assert!(a != d);
    let mut e = SslConfiguration::default_configuration();
    e.set_ca_certificates(Arc::from(vec![list_a[0].clone(), cert("server-ec.pem")]));
    assert!(a != e);
    // A scalar difference with everything else shared: unequal.
    let mut f = a.clone();
    f.set_peer_verify_depth(2).unwrap();
    assert!(a != f);
    // Session ticket: shared bytes equal, other bytes not, null == empty.
    let mut g = a.clone();
    g.set_session_ticket(OptBytes::from(&b"abc"[..]));
    let mut h = a.clone();
    h.set_session_ticket(g.session_ticket().clone());
    assert!(g == h);
    h.set_session_ticket(OptBytes::from(&b"abd"[..]));
    assert!(g != h);
    let mut n = a.clone();
    n.set_session_ticket(OptBytes::from(&b""[..]));
    assert!(n == a, "empty equals null");

    // Certificates: a copy equals; a different certificate does not.
    assert_eq!(list_a[0], list_a[0].clone());
    assert_eq!(list_a[0], list_b[0]);
    assert_ne!(list_a[0], list_a[1]);
    assert_ne!(list_a[0], Certificate::null());

    // Keys: the same object equals itself; as a public key it does not
    // equal the private key; parsed twice it equals by content.
    let k1 = key("server-key.pem");
    let k2 = key("server-key.pem");
    assert!(k1 == k1.clone());
    assert!(k1 == k2);
    assert!(k1 != key("server-ec-key.pem"));
    let public = cert("server.pem").public_key();
    assert!(public != k1);

    // Ciphers: copies equal; by name and protocol otherwise.
    let x = Cipher::from_name("TLS_AES_128_GCM_SHA256");
    let y = Cipher::from_name("TLS_AES_256_GCM_SHA384");
    assert!(!x.is_null() && !y.is_null());
    assert!(x == x.clone());
    assert!(x != y);
    assert!(Cipher::null() == Cipher::null());
}
