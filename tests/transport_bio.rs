//! The connection's BIO over its two transports: what a socket's time-out,
//! a closed peer, an interrupted read and the memory pipe's end of file
//! become, with the exact texts, and what the BIO answers libssl's queries.

mod common;

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use common::*;
use foreign_types::ForeignTypeRef;
use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::Transport;
use qssl::engine::{Connection, Mode};

fn client_over_fd(s: &UnixStream) -> Connection {
    let mut c =
        Connection::new(&client_config(), Mode::Client, Transport::Fd(s.as_raw_fd())).unwrap();
    c.set_peer_verify_name("localhost").unwrap();
    c
}

#[test]
fn blocking_socket_time_out_is_an_error_not_a_want_read() {
    let (a, _b) = UnixStream::pair().unwrap();
    a.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let mut c = client_over_fd(&a);
    let e = c
        .handshake()
        .expect_err("the silent peer makes the read time out");
    assert!(matches!(e, Error::Io(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "TLS handshake failed: timed out: the socket's receive time-out \
         (SO_RCVTIMEO) expired"
    );
    // The failure sticks.
    assert_eq!(c.handshake().unwrap_err().to_string(), e.to_string());
}

#[test]
fn non_blocking_socket_wants_read() {
    let (a, mut b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let mut c = client_over_fd(&a);
    assert_eq!(c.handshake().unwrap(), Progress::WantRead);
    assert_eq!(c.handshake().unwrap(), Progress::WantRead);
    let mut hello = [0u8; 5];
    b.read_exact(&mut hello).unwrap();
    assert_eq!(hello[0], 22, "a handshake record reached the peer");
}

#[test]
fn closed_peer_is_an_io_error_without_sigpipe() {
    // Rust ignores SIGPIPE in test programs; restore the default, under
    // which a write to a closed socket without MSG_NOSIGNAL kills the process.
    // SAFETY: plain signal disposition change; no handler runs.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let (a, b) = UnixStream::pair().unwrap();
    drop(b);
    let mut c = client_over_fd(&a);
    let e = c.handshake().expect_err("nobody reads the ClientHello");
    assert!(matches!(e, Error::Io(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "TLS handshake failed: Broken pipe (os error 32)"
    );
}

/// A peer that reads the ClientHello, runs `then`, and closes.
fn reading_peer(
    mut b: UnixStream,
    then: impl FnOnce() + Send + 'static,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        // The whole record: unread bytes would make the close a reset.
        let mut head = [0u8; 5];
        b.read_exact(&mut head).unwrap();
        let mut body = vec![0u8; usize::from(u16::from_be_bytes([head[3], head[4]]))];
        b.read_exact(&mut body).unwrap();
        then();
    })
}

#[test]
fn peer_closing_mid_handshake_is_reported_as_closed() {
    let (a, b) = UnixStream::pair().unwrap();
    let h = reading_peer(b, || {});
    let mut c = client_over_fd(&a);
    let e = c.handshake().expect_err("the peer closed");
    h.join().unwrap();
    assert!(matches!(e, Error::Tls(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "TLS handshake failed: the peer closed the connection"
    );
}

unsafe extern "C" {
    fn SSL_up_ref(s: *mut openssl_sys::SSL) -> libc::c_int;
}

extern "C" fn on_usr1(_: libc::c_int) {}

#[test]
fn interrupted_read_is_retried() {
    // A handler without SA_RESTART: a blocking read it interrupts fails
    // with EINTR, which the transport retries.
    // SAFETY: a zeroed sigaction with a handler that does nothing.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr1 as *const () as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_flags = 0;
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
    // SAFETY: the calling thread's own id.
    let me = unsafe { libc::pthread_self() } as usize;
    let (a, b) = UnixStream::pair().unwrap();
    let h = reading_peer(b, move || {
        std::thread::sleep(Duration::from_millis(20));
        // SAFETY: the test thread is alive: it waits in the handshake.
        unsafe { libc::pthread_kill(me as libc::pthread_t, libc::SIGUSR1) };
        std::thread::sleep(Duration::from_millis(20));
    });
    let mut c = client_over_fd(&a);
    let e = c.handshake().expect_err("the peer closed");
    h.join().unwrap();
    assert_eq!(
        e.to_string(),
        "TLS handshake failed: the peer closed the connection"
    );
}

#[test]
fn handshake_and_data_over_a_socket_pair() {
    let (a, b) = UnixStream::pair().unwrap();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let h = std::thread::spawn(move || {
        let mut s =
            Connection::new(&server_config(), Mode::Server, Transport::Fd(b.as_raw_fd())).unwrap();
        assert_eq!(s.handshake().unwrap(), Progress::Done);
        let mut buf = [0u8; 64];
        let (p, n) = s.read(&mut buf).unwrap();
        assert_eq!(p, Progress::Done);
        assert_eq!(s.write(&buf[..n]).unwrap(), (Progress::Done, n));
        assert_eq!(s.shutdown().unwrap(), Progress::Done);
        // Keep the socket open until the client is done.
        done_rx.recv().unwrap();
        drop(b);
    });
    let mut c = client_over_fd(&a);
    assert_eq!(c.handshake().unwrap(), Progress::Done);
    assert_eq!(c.write(b"ping over fd").unwrap(), (Progress::Done, 12));
    let mut buf = [0u8; 64];
    let (p, n) = c.read(&mut buf).unwrap();
    assert_eq!((p, &buf[..n]), (Progress::Done, &b"ping over fd"[..]));
    let e = c.read(&mut buf).expect_err("close_notify");
    assert!(matches!(e, Error::Closed(_)), "{e:?}");
    assert_eq!(c.shutdown().unwrap(), Progress::Done);
    done_tx.send(()).unwrap();
    h.join().unwrap();
}

#[test]
fn memory_bio_answers_flush_and_nothing_else() {
    let (mut c, mut s) = memory_pair(&client_config(), &server_config());
    for conn in [&c, &s] {
        let ssl = conn.ssl().as_ptr();
        // SAFETY: the live SSL of the connection; the BIO belongs to it.
        unsafe {
            let bio = openssl_sys::SSL_get_rbio(ssl);
            assert!(!bio.is_null());
            assert_eq!(bio, openssl_sys::SSL_get_wbio(ssl));
            let ctrl = |cmd| openssl_sys::BIO_ctrl(bio, cmd, 0, std::ptr::null_mut());
            assert_eq!(ctrl(openssl_sys::BIO_CTRL_FLUSH), 1);
            assert_eq!(ctrl(10 /* BIO_CTRL_PENDING */), 0);
            assert_eq!(ctrl(13 /* BIO_CTRL_WPENDING */), 0);
            assert_eq!(ctrl(2 /* BIO_CTRL_EOF */), 0);
        }
    }
    let (rc, rs) = handshake_both(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
}

#[test]
fn memory_end_of_file_mid_handshake_and_after() {
    let (mut c, _s) = memory_pair(&client_config(), &server_config());
    assert_eq!(c.handshake().unwrap(), Progress::WantRead);
    c.memory().unwrap().eof = true;
    let e = c.handshake().expect_err("end of file");
    assert_eq!(
        e.to_string(),
        "TLS handshake failed: the peer closed the connection"
    );

    let (mut c, _s) = memory_connect(&client_config(), &server_config());
    let mut buf = [0u8; 16];
    assert_eq!(c.read(&mut buf).unwrap(), (Progress::WantRead, 0));
    c.memory().unwrap().eof = true;
    let e = c.read(&mut buf).expect_err("end of file");
    assert!(matches!(e, Error::Closed(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "TLS read failed: the peer closed the connection"
    );
}

#[test]
fn ssl_outliving_its_connection_keeps_a_valid_bio() {
    let (mut c, mut s) = memory_connect(&client_config(), &server_config());
    let ssl = c.ssl().as_ptr();
    // SAFETY: an extra reference to the live SSL, released below.
    unsafe { SSL_up_ref(ssl) };
    let _ = shuttle(&mut c, &mut s);
    drop(c);
    // The SSL, its BIO and the BIO's transport are still alive: a write
    // lands in the memory pipe the connection left behind.
    // SAFETY: the SSL is alive through the reference taken above.
    let rc = unsafe {
        openssl_sys::BIO_write(openssl_sys::SSL_get_wbio(ssl), b"after".as_ptr().cast(), 5)
    };
    assert_eq!(rc, 5);
    // SAFETY: releases the reference taken above.
    unsafe { openssl_sys::SSL_free(ssl) };
}

#[test]
fn write_to_memory_transport_keeps_every_byte() {
    let (mut c, mut s) = memory_connect(&client_config(), &server_config());
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7) as u8).collect();
    assert_eq!(c.write(&data).unwrap(), (Progress::Done, data.len()));
    shuttle(&mut c, &mut s);
    let mut got = Vec::new();
    let mut buf = vec![0u8; 5000];
    while got.len() < data.len() {
        let (p, n) = s.read(&mut buf).unwrap();
        assert_eq!(p, Progress::Done);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, data);
}
