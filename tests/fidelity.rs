//! Qt fidelity (issue 12): the session ticket of a TLS 1.3 handshake that
//! did not resume, per-connection protocol and verify depth.

mod common;

use common::*;
use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::{MemoryPipe, Transport};
use qssl::engine::{Connection, Mode};
use qssl::model::config::SslConfiguration;
use qssl::model::enums::{protocol, ssl_option, verify_mode};

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

// ---- per-connection protocol and peer verify depth ---------------------------------

fn negotiated(
    c: &SslConfiguration,
    s: &SslConfiguration,
    setup: impl FnOnce(&mut Connection, &mut Connection),
) -> Result<i32, Error> {
    let (mut client, mut server) = mem_pair(c, s);
    setup(&mut client, &mut server);
    let (rc, rs) = handshake(&mut client, &mut server);
    rc?;
    rs?;
    let p = client.ssl_configuration().session_protocol();
    assert_eq!(p, server.ssl_configuration().session_protocol());
    Ok(p)
}

#[test]
fn per_connection_protocol_replaces_the_configurations() {
    let sc = server_config();
    let cc = client_config();
    // Defaults: TLS 1.3.
    assert_eq!(negotiated(&cc, &sc, |_, _| {}).unwrap(), protocol::TLS_V1_3);
    // The client alone asks for TLS 1.2.
    let p = negotiated(&cc, &sc, |c, _| c.set_protocol(protocol::TLS_V1_2).unwrap());
    assert_eq!(p.unwrap(), protocol::TLS_V1_2);
    // The server alone insists on TLS 1.2 ...
    let p = negotiated(&cc, &sc, |_, s| s.set_protocol(protocol::TLS_V1_2).unwrap());
    assert_eq!(p.unwrap(), protocol::TLS_V1_2);
    // ... or on TLS 1.3 against a TLS 1.2 client: protocol_version alert.
    let (mut c, mut s) = mem_pair(&cc, &sc);
    c.set_protocol(protocol::TLS_V1_2).unwrap();
    s.set_protocol(protocol::TLS_V1_3_OR_LATER).unwrap();
    let (rc, rs) = handshake(&mut c, &mut s);
    assert!(rc.is_err() && rs.is_err());
    assert_eq!(c.alert_received().map(|a| a.1), Some(70), "{rc:?}");
    // A configuration limited to TLS 1.2, widened by one connection: the
    // connection's protocol replaces the configuration's bounds.
    let mut c12 = client_config();
    c12.set_protocol(protocol::TLS_V1_2);
    assert_eq!(
        negotiated(&c12, &sc, |_, _| {}).unwrap(),
        protocol::TLS_V1_2
    );
    let p = negotiated(&c12, &sc, |c, _| {
        c.set_protocol(protocol::TLS_V1_3).unwrap()
    });
    assert_eq!(p.unwrap(), protocol::TLS_V1_3);
    // The configuration itself is untouched by the connection.
    assert_eq!(c12.protocol(), protocol::TLS_V1_2);
}

#[test]
fn per_connection_protocol_is_reported_and_checked() {
    let sc = server_config();
    let cc = client_config();
    let (mut c, mut s) = mem_pair(&cc, &sc);
    assert_eq!(c.protocol(), protocol::SECURE_PROTOCOLS);
    for bad in [
        protocol::DTLS_V1_2,
        protocol::DTLS_V1_0_OR_LATER,
        protocol::UNKNOWN_PROTOCOL,
        99,
    ] {
        assert!(
            matches!(c.set_protocol(bad), Err(Error::InvalidArgument(_))),
            "{bad}"
        );
    }
    assert_eq!(c.protocol(), protocol::SECURE_PROTOCOLS, "kept on error");
    c.set_protocol(protocol::TLS_V1_2).unwrap();
    assert_eq!(c.protocol(), protocol::TLS_V1_2);
    // Qt's sslConfiguration() reports the socket's protocol, before and
    // after the handshake.
    assert_eq!(c.ssl_configuration().protocol(), protocol::TLS_V1_2);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let st = c.ssl_configuration();
    assert_eq!(st.protocol(), protocol::TLS_V1_2);
    assert_eq!(st.session_protocol(), protocol::TLS_V1_2);
    assert!(
        !st.peer_certificate().is_null(),
        "the session state is kept"
    );
    assert!(matches!(
        c.set_protocol(protocol::TLS_V1_3),
        Err(Error::InvalidState(_))
    ));
    assert!(matches!(
        c.set_peer_verify_depth(2),
        Err(Error::InvalidState(_))
    ));
    // Without overrides the reported configuration is the one given.
    assert_eq!(s.ssl_configuration().protocol(), sc.protocol());
    assert_eq!(s.ssl_configuration(), s.ssl_configuration());
    // The per-connection verify mode is reported too.
    let (mut c, _s) = mem_pair(&cc, &sc);
    c.set_peer_verify_mode(verify_mode::QUERY_PEER).unwrap();
    assert_eq!(
        c.ssl_configuration().peer_verify_mode(),
        verify_mode::QUERY_PEER
    );
    assert_eq!(cc.peer_verify_mode(), verify_mode::AUTO_VERIFY_PEER);
}

/// A server sending `leaf` with `inters` (deep.pem: leaf <- inter2 <- inter
/// <- ca, four levels).
fn chain_server(leaf: &str, key_name: &str, inters: &[&str]) -> SslConfiguration {
    let mut sc = SslConfiguration::default_configuration();
    let mut chain = vec![cert(leaf)];
    chain.extend(inters.iter().map(|n| cert(n)));
    sc.set_local_certificate_chain(std::sync::Arc::from(chain));
    sc.set_private_key(key(key_name));
    sc
}

#[test]
fn per_connection_peer_verify_depth() {
    let four = chain_server("deep.pem", "deep-key.pem", &["inter2.pem", "inter.pem"]);
    let run = |cfg_depth: i32, conn_depth: Option<i32>| {
        let mut cc = client_config();
        cc.set_peer_verify_depth(cfg_depth).unwrap();
        let (mut c, mut s) = mem_pair(&cc, &four);
        if let Some(d) = conn_depth {
            c.set_peer_verify_depth(d).unwrap();
            assert_eq!(c.peer_verify_depth(), d);
            assert_eq!(c.ssl_configuration().peer_verify_depth(), d);
        }
        let (rc, _) = handshake(&mut c, &mut s);
        rc
    };
    // The configuration's depth alone: 1 is too shallow, 2 and 0 pass.
    assert!(matches!(run(1, None), Err(Error::Verification(_))));
    assert!(run(2, None).is_ok());
    // A connection deepens, lifts (0: no limit) or tightens it.
    assert!(run(1, Some(2)).is_ok(), "connection depth 2 over 1");
    assert!(
        run(1, Some(0)).is_ok(),
        "connection depth 0 lifts the limit"
    );
    let e = run(0, Some(1)).unwrap_err();
    assert!(matches!(e, Error::Verification(_)), "{e}");
    let e = run(5, Some(1)).unwrap_err();
    assert!(matches!(e, Error::Verification(_)), "{e}");

    // Negative: refused, value kept.
    let (mut c, _s) = mem_pair(&client_config(), &four);
    c.set_peer_verify_depth(3).unwrap();
    assert!(matches!(
        c.set_peer_verify_depth(-1),
        Err(Error::InvalidArgument(_))
    ));
    assert_eq!(c.peer_verify_depth(), 3);
}

// ---- Qt's session-ticket table (qt-semantics.md §12) ----------------------------------

/// (ticket non-empty, hint) at the end of the handshake and after the first
/// application data, for a client with `client_opts` and a server with
/// `server_opts` on `proto`.
fn ticket_states(
    proto: i32,
    client_opts: &[(u32, bool)],
    server_opts: &[(u32, bool)],
) -> ((bool, i32), (bool, i32)) {
    let mut cc = persistent_client();
    cc.set_protocol(proto);
    for &(o, on) in client_opts {
        cc.set_ssl_option(o, on);
    }
    let mut sc = server_config();
    for &(o, on) in server_opts {
        sc.set_ssl_option(o, on);
    }
    let (mut c, mut s) = mem_pair(&cc, &sc);
    let (rc, rs) = handshake(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let at = |c: &Connection| {
        let st = c.ssl_configuration();
        (
            !st.session_ticket().is_empty(),
            st.session_ticket_life_time_hint(),
        )
    };
    let enc = at(&c);
    pull_tickets(&mut c, &mut s);
    (enc, at(&c))
}

#[test]
fn session_ticket_table_as_qt() {
    use ssl_option::*;
    let t13 = protocol::TLS_V1_3;
    let t12 = protocol::TLS_V1_2;
    // TLS 1.3: a snapshot with hint 0, then the ticket with 7200.
    assert_eq!(ticket_states(t13, &[], &[]), ((true, 0), (true, 7200)));
    assert_eq!(
        ticket_states(t13, &[], &[(DISABLE_SESSION_TICKETS, true)]),
        ((true, 0), (true, 7200)),
        "TLS 1.3 server without tickets still sends (stateful) tickets"
    );
    assert_eq!(
        ticket_states(t13, &[(DISABLE_SESSION_SHARING, true)], &[]),
        ((false, -1), (true, 7200)),
        "TLS 1.3 client without session sharing: only the tickets"
    );
    // TLS 1.2: the session at the end of the handshake, nothing later.
    assert_eq!(ticket_states(t12, &[], &[]), ((true, 7200), (true, 7200)));
    assert_eq!(
        ticket_states(t12, &[], &[(DISABLE_SESSION_TICKETS, true)]),
        ((true, 0), (true, 0)),
        "TLS 1.2 session-id session"
    );
    assert_eq!(
        ticket_states(t12, &[(DISABLE_SESSION_TICKETS, true)], &[]),
        ((true, 0), (true, 0)),
    );
    assert_eq!(
        ticket_states(t12, &[(DISABLE_SESSION_SHARING, true)], &[]),
        ((false, -1), (false, -1)),
        "TLS 1.2 client without session sharing keeps no session"
    );
    // Persistence disabled (the default): never a ticket.
    assert_eq!(
        ticket_states(t13, &[(DISABLE_SESSION_PERSISTENCE, true)], &[]),
        ((false, -1), (false, -1))
    );
}
