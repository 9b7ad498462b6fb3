//! Qt fidelity (issue 12): the session ticket of a TLS 1.3 handshake that
//! did not resume, per-connection protocol and verify depth.

mod common;

use common::*;
use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::{MemoryPipe, Transport};
use qssl::engine::{Connection, Mode};
use qssl::model::config::SslConfiguration;
use qssl::model::enums::{protocol, ssl_option};

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

/// Runs both handshakes over memory to completion or failure.
fn handshake(c: &mut Connection, s: &mut Connection) -> (Result<(), Error>, Result<(), Error>) {
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
        let moved = shuttle(c, s);
        if rc.is_some() && rs.is_some() && !moved {
            break;
        }
        if !moved && rc.is_some() != rs.is_some() {
            break;
        }
    }
    (
        rc.unwrap_or(Err(Error::Tls("client did not finish".into()))),
        rs.unwrap_or(Err(Error::Tls("server did not finish".into()))),
    )
}

fn mem_pair(c: &SslConfiguration, s: &SslConfiguration) -> (Connection, Connection) {
    let mut client = Connection::new(c, Mode::Client, mem()).unwrap();
    client.set_peer_verify_name("localhost").unwrap();
    let server = Connection::new(s, Mode::Server, mem()).unwrap();
    (client, server)
}

/// The server writes one byte and the client reads it: TLS 1.3 tickets
/// arrive with it.
fn pull_tickets(c: &mut Connection, s: &mut Connection) {
    s.write(b"x").unwrap();
    shuttle(c, s);
    let mut buf = [0u8; 8];
    assert_eq!(c.read(&mut buf).unwrap(), (Progress::Done, 1));
}

fn persistent_client() -> SslConfiguration {
    let mut cc = client_config();
    cc.set_ssl_option(ssl_option::DISABLE_SESSION_PERSISTENCE, false);
    cc
}

/// A client configuration holding a TLS 1.3 ticket from server `sc`.
fn ticket_from(sc: &SslConfiguration) -> SslConfiguration {
    let (mut c, mut s) = mem_pair(&persistent_client(), sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    pull_tickets(&mut c, &mut s);
    let saved = c.ssl_configuration();
    assert_eq!(saved.session_protocol(), protocol::TLS_V1_3);
    assert!(!saved.session_ticket().is_empty());
    assert_eq!(saved.session_ticket_life_time_hint(), 7200);
    saved
}

// ---- the ticket of a handshake that did not resume ------------------------------------

/// The raw TLS ticket inside a serialised session (`sessionTicket()` is the
/// DER of a whole `SSL_SESSION`), or None when the session has none.
fn raw_ticket(der: &[u8]) -> Option<Vec<u8>> {
    use foreign_types::ForeignTypeRef;
    unsafe extern "C" {
        fn SSL_SESSION_get0_ticket(
            s: *const openssl_sys::SSL_SESSION,
            tick: *mut *const u8,
            len: *mut usize,
        );
    }
    let sess = openssl::ssl::SslSession::from_der(der).expect("a session DER");
    let (mut p, mut n) = (std::ptr::null(), 0usize);
    // SAFETY: live session; the ticket pointer is read while `sess` lives.
    unsafe { SSL_SESSION_get0_ticket(sess.as_ptr(), &mut p, &mut n) };
    // SAFETY: OpenSSL's own buffer of `n` bytes, or NULL.
    (!p.is_null() && n > 0).then(|| unsafe { std::slice::from_raw_parts(p, n) }.to_vec())
}

#[test]
fn tls13_ticket_refused_by_a_qssl_server_is_not_reported_back() {
    let sc = server_config();
    let saved = ticket_from(&sc);
    let offered = raw_ticket(saved.session_ticket().as_slice()).expect("a ticket");

    // Another server configuration: its own context and ticket keys.
    let mut other = sc.clone();
    other.set_peer_verify_depth(7).unwrap();
    let (mut c, mut s) = mem_pair(&saved, &other);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert!(!c.session_resumed(), "a foreign ticket must not resume");
    let at_enc = c.ssl_configuration();
    // As Qt: a snapshot of the new session, without a ticket and with
    // hint 0, until a ticket arrives.
    assert!(!at_enc.session_ticket().is_empty());
    assert_eq!(
        raw_ticket(at_enc.session_ticket().as_slice()),
        None,
        "the refused ticket is reported as the current session"
    );
    assert_eq!(at_enc.session_ticket_life_time_hint(), 0);
    pull_tickets(&mut c, &mut s);
    let after = c.ssl_configuration();
    let new = raw_ticket(after.session_ticket().as_slice()).expect("a new ticket");
    assert_ne!(new, offered);
    assert_eq!(after.session_ticket_life_time_hint(), 7200);

    // The new ticket resumes on the server that issued it ...
    let (mut c2, mut s2) = mem_pair(&after, &other);
    let (rc, rs) = handshake(&mut c2, &mut s2);
    rc.unwrap();
    rs.unwrap();
    assert!(c2.session_resumed(), "the new ticket resumes on its server");
    // ... and the old configuration still resumes on the first server: the
    // refusal did not change the session it shares.
    let (mut c3, mut s3) = mem_pair(&saved, &sc);
    let (rc, rs) = handshake(&mut c3, &mut s3);
    rc.unwrap();
    rs.unwrap();
    assert!(c3.session_resumed(), "the original ticket still resumes");
}

#[test]
fn tls13_ticket_accepted_by_a_qssl_server() {
    let sc = server_config();
    let saved = ticket_from(&sc);
    let (mut c, mut s) = mem_pair(&saved, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert!(c.session_resumed());
    pull_tickets(&mut c, &mut s);
    let after = c.ssl_configuration();
    assert!(!after.session_ticket().is_empty());
    assert_eq!(after.session_ticket_life_time_hint(), 7200);
}

// ---- the same against `openssl s_server` ----------------------------------------------

/// `s_server -rev` on TLS 1.3 with server.pem.
fn s_server_tls13() -> (Peer, u16) {
    openssl_server(&[
        "-cert",
        &fixture_path("server.pem"),
        "-key",
        &fixture_path("server-key.pem"),
        "-rev",
        "-tls1_3",
    ])
}

/// One line through `s_server -rev`: the TLS 1.3 tickets arrive with it.
fn reversed_echo(t: &mut Tls) {
    t.write_all(b"hello qssl\n");
    let got = t.read_until(b"lssq olleh");
    assert!(contains(&got, b"lssq olleh"), "{got:?}");
}

fn ok(r: Result<(), Error>, peer: &Peer) {
    if let Err(e) = r {
        panic!(
            "handshake failed: {e}\n`{}`:\n{}",
            peer.name(),
            peer.output()
        );
    }
}

#[test]
fn tls13_ticket_against_openssl_s_server_resumed_and_refused() {
    if missing_tools(&["openssl"]) {
        return;
    }
    let (peer, port) = s_server_tls13();
    let (mut t, r) = client(&persistent_client(), port);
    ok(r, &peer);
    reversed_echo(&mut t);
    let saved = t.state();
    drop(t); // s_server serves one connection at a time
    let offered = raw_ticket(saved.session_ticket().as_slice()).expect("a ticket");
    assert_eq!(saved.session_ticket_life_time_hint(), 7200);

    // Resumed on the server that issued the ticket: at the end of the
    // handshake the configuration holds the accepted session (its ticket
    // and hint), then the server's new ticket.
    let (mut t, r) = client(&saved, port);
    ok(r, &peer);
    assert!(t.conn.session_resumed(), "not resumed on the same s_server");
    let at_enc = t.state();
    assert_eq!(
        raw_ticket(at_enc.session_ticket().as_slice()),
        Some(offered.clone())
    );
    assert_eq!(at_enc.session_ticket_life_time_hint(), 7200);
    reversed_echo(&mut t);
    let after = t.state();
    assert_eq!(after.session_ticket_life_time_hint(), 7200);
    let renewed = raw_ticket(after.session_ticket().as_slice()).expect("a ticket");
    assert_ne!(renewed, offered, "s_server sends fresh tickets");
    drop(t);

    // Refused by another s_server (its own ticket keys): a full handshake,
    // and the configuration describes the new session, not the refused one.
    let (peer2, port2) = s_server_tls13();
    let (mut t, r) = client(&saved, port2);
    ok(r, &peer2);
    assert!(!t.conn.session_resumed(), "resumed on a foreign s_server");
    let at_enc = t.state();
    assert!(!at_enc.session_ticket().is_empty());
    assert_eq!(
        raw_ticket(at_enc.session_ticket().as_slice()),
        None,
        "the refused ticket is reported as the current session"
    );
    assert_eq!(at_enc.session_ticket_life_time_hint(), 0);
    reversed_echo(&mut t);
    let after = t.state();
    let fresh = raw_ticket(after.session_ticket().as_slice()).expect("a new ticket");
    assert_ne!(fresh, offered);
    assert_eq!(after.session_ticket_life_time_hint(), 7200);
    drop(t);

    // That new ticket resumes on the second server; the first ticket still
    // resumes on the first server.
    let (t, r) = client(&after, port2);
    ok(r, &peer2);
    assert!(t.conn.session_resumed(), "the new ticket did not resume");
    drop(t);
    let (t, r) = client(&saved, port);
    ok(r, &peer);
    assert!(t.conn.session_resumed(), "the first ticket was spoiled");
}
