//! Shared helpers for the interoperability and fault tests: fixtures, foreign
//! TLS peers (`openssl`, `gnutls-serv`, `gnutls-cli`) run as child processes
//! that are always killed, and qssl connections over loopback TCP sockets
//! (the `Fd` transport on blocking sockets with read/write time-outs).
//!
//! Every wait here is bounded: peers must start within [`START_TIMEOUT`],
//! socket operations time out after [`IO_TIMEOUT`].

#![allow(dead_code)] // each test crate uses a different subset

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use openssl::pkey::PKey;
use qssl::Error;
use qssl::engine::conn::Progress;
use qssl::engine::transport::{MemoryPipe, Transport};
use qssl::engine::{Connection, Mode};
use qssl::model::bytes::{OptBytes, SecretBytes};
use qssl::model::cert::Certificate;
use qssl::model::config::{PskHandler, SslConfiguration};
use qssl::model::enums::{encoding, key_type};
use qssl::model::key::Key;
use qssl::model::psk::PskAuthenticator;

/// Socket read/write time-out for every TCP stream the tests use.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a peer may take to start listening or to connect.
pub const START_TIMEOUT: Duration = Duration::from_secs(5);

// ---- fixtures -------------------------------------------------------------------

/// The path of a file under tests/fixtures/.
pub fn fixture_path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The bytes of a fixture.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The first certificate of a PEM fixture.
pub fn cert(name: &str) -> Certificate {
    Certificate::from_data(&fixture(name), encoding::PEM).remove(0)
}

/// An unencrypted PEM private key fixture.
pub fn key(name: &str) -> Key {
    Key::from_pkey(
        PKey::private_key_from_pem(&fixture(name)).unwrap(),
        key_type::PRIVATE_KEY,
    )
}

/// A server configuration with server.pem / server-key.pem.
pub fn server_config() -> SslConfiguration {
    let mut c = SslConfiguration::default_configuration();
    c.set_local_certificate(cert("server.pem"));
    c.set_private_key(key("server-key.pem"));
    c
}

/// A client configuration trusting only ca.pem.
pub fn client_config() -> SslConfiguration {
    let mut c = SslConfiguration::default_configuration();
    c.set_ca_certificates(Arc::from(vec![cert("ca.pem")]));
    c
}

/// One attribute (by short name, e.g. "CN") of a certificate's subject.
pub fn subject_entry(c: &Certificate, field: &str) -> String {
    let x = c.x509().expect("a certificate");
    x.subject_name()
        .entries()
        .find(|e| e.object().nid().short_name().ok() == Some(field))
        .and_then(|e| e.data().to_string().ok())
        .unwrap_or_default()
}

/// The SSL error codes a connection collected.
pub fn error_codes(c: &Connection) -> Vec<i32> {
    c.ssl_errors().iter().map(|e| e.code).collect()
}

// ---- tools --------------------------------------------------------------------

/// The absolute path of `name` if it is on PATH.
pub fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// True (after printing why) when one of the tools is missing; the test then
/// returns early. Under CI (environment variable `CI` set) a missing tool is
/// a failure instead: the test panics, so a CI run never passes green
/// without the peers it is meant to talk to.
pub fn missing_tools(names: &[&str]) -> bool {
    missing_tools_with(names, ci())
}

/// [`missing_tools`] with the CI decision given (for testing it).
pub fn missing_tools_with(names: &[&str], ci: bool) -> bool {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| tool(n).is_none())
        .collect();
    if missing.is_empty() {
        return false;
    }
    let why = format!(
        "{} not found on PATH (install the packages openssl and gnutls-bin: bash .ci/deps)",
        missing.join(", ")
    );
    if ci {
        panic!("{why}; required under CI");
    }
    eprintln!("SKIPPED: {why}");
    true
}

/// True when the environment variable `CI` is set (to anything but "", "0"
/// or "false").
pub fn ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

// ---- temporary files --------------------------------------------------------------

/// A temporary directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh, empty directory under the system temporary directory.
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "qssl-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    /// A path inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes a file and returns its path as a string.
    pub fn write(&self, name: &str, data: &[u8]) -> String {
        let p = self.join(name);
        std::fs::write(&p, data).unwrap();
        p.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- peers (child processes) --------------------------------------------------------

type Output = Arc<(Mutex<Vec<u8>>, Condvar)>;

/// A foreign TLS peer run as a child process. Its stdout and stderr are
/// collected (merged) by reader threads; stdin stays open until
/// [`Peer::close_stdin`]. The process is killed and reaped on drop.
pub struct Peer {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    out: Output,
    readers: Vec<JoinHandle<()>>,
}

fn drain(mut r: impl Read + Send + 'static, out: Output) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let (m, cv) = &*out;
                    m.lock().unwrap().extend_from_slice(&buf[..n]);
                    cv.notify_all();
                }
            }
        }
        out.1.notify_all();
    })
}

impl Peer {
    /// Starts `program` with `args`.
    pub fn spawn<S: AsRef<str>>(program: &str, args: &[S]) -> Peer {
        let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
        let name = format!("{program} {}", args.join(" "));
        let mut child = Command::new(program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("LC_ALL", "C")
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{name}`: {e}"));
        let out: Output = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let readers = vec![
            drain(child.stdout.take().unwrap(), out.clone()),
            drain(child.stderr.take().unwrap(), out.clone()),
        ];
        let stdin = child.stdin.take();
        Peer {
            name,
            child,
            stdin,
            out,
            readers,
        }
    }

    /// The command line (for messages).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Everything the peer printed so far (stdout and stderr).
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.out.0.lock().unwrap()).into_owned()
    }

    /// Waits until `f` finds something in the output, the peer exits, or the
    /// time-out passes.
    pub fn wait_for_match<T>(
        &mut self,
        timeout: Duration,
        f: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.output();
            if let Some(t) = f(&text) {
                return Some(t);
            }
            let exited = self.child.try_wait().ok().flatten().is_some();
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            if exited {
                // Give the readers a moment to collect the last output.
                self.join_readers(Duration::from_millis(500));
                return f(&self.output());
            }
            let (m, cv) = &*self.out;
            let g = m.lock().unwrap();
            let wait = (deadline - now).min(Duration::from_millis(50));
            let _ = cv.wait_timeout(g, wait).unwrap();
        }
    }

    /// Waits until the output contains `needle`; panics with the output if not.
    pub fn expect_output(&mut self, needle: &str, timeout: Duration) {
        if self
            .wait_for_match(timeout, |t| t.contains(needle).then_some(()))
            .is_none()
        {
            panic!(
                "`{}` did not print {needle:?} within {timeout:?}; output:\n{}",
                self.name,
                self.output()
            );
        }
    }

    /// Sends bytes to the peer's stdin.
    pub fn send(&mut self, data: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(data).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the peer's stdin (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the peer to exit, at most `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                self.join_readers(Duration::from_millis(500));
                return Some(st);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// True while the process runs.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn join_readers(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.readers.iter().any(|r| !r.is_finished()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        for r in std::mem::take(&mut self.readers) {
            if r.is_finished() {
                let _ = r.join();
            }
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.join_readers(Duration::from_secs(1));
    }
}

/// `openssl s_server` on 127.0.0.1 with a port it picks itself (parsed from
/// its "ACCEPT 127.0.0.1:PORT" line). `args` follow `-accept`.
pub fn openssl_server<S: AsRef<str>>(args: &[S]) -> (Peer, u16) {
    let mut all = vec![
        "s_server".to_string(),
        "-accept".into(),
        "127.0.0.1:0".into(),
    ];
    all.extend(args.iter().map(|a| a.as_ref().to_string()));
    let mut peer = Peer::spawn("openssl", &all);
    let port = peer.wait_for_match(START_TIMEOUT, |t| {
        let rest = &t[t.find("ACCEPT 127.0.0.1:")? + "ACCEPT 127.0.0.1:".len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if rest.len() > digits.len() {
            digits.parse::<u16>().ok()
        } else {
            None // the line may not be complete yet
        }
    });
    match port {
        Some(p) => (peer, p),
        None => panic!(
            "`{}` did not start listening; output:\n{}",
            peer.name(),
            peer.output()
        ),
    }
}

/// A port that was free a moment ago (bind to port 0, read it, release it).
/// Only for peers that cannot report the port they bound themselves.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `gnutls-serv` listening on a free port (it cannot report a port it picks,
/// so one is chosen by binding port 0 first; a lost race is retried).
pub fn gnutls_server<S: AsRef<str>>(args: &[S]) -> (Peer, u16) {
    let mut last = String::new();
    for _ in 0..3 {
        let port = free_port();
        let mut all = vec!["-p".to_string(), port.to_string()];
        all.extend(args.iter().map(|a| a.as_ref().to_string()));
        let mut peer = Peer::spawn("gnutls-serv", &all);
        // "... listening on IPv4 0.0.0.0 port N...done" once it listens.
        let needle = format!("IPv4 0.0.0.0 port {port}...done");
        if peer
            .wait_for_match(START_TIMEOUT, |t| t.contains(&needle).then_some(()))
            .is_some()
        {
            return (peer, port);
        }
        last = format!("`{}`:\n{}", peer.name(), peer.output());
    }
    panic!("gnutls-serv did not start listening; last attempt {last}");
}

// ---- sockets -------------------------------------------------------------------------

/// Applies the standard time-outs to a blocking stream.
pub fn prepare(s: &TcpStream) {
    s.set_nonblocking(false).unwrap();
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    s.set_nodelay(true).unwrap();
}

/// Connects to 127.0.0.1:`port` (bounded).
pub fn connect(port: u16) -> TcpStream {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let s = TcpStream::connect_timeout(&addr, START_TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    prepare(&s);
    s
}

/// A listener on 127.0.0.1 with a free port.
pub fn listen() -> (TcpListener, u16) {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// Accepts one connection within [`START_TIMEOUT`]; `peer` (the process
/// expected to connect) is consulted for a useful message on failure.
pub fn accept(l: &TcpListener, peer: Option<&mut Peer>) -> TcpStream {
    l.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        match l.accept() {
            Ok((s, _)) => {
                prepare(&s);
                return s;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("accept failed: {e}"),
        }
        if Instant::now() >= deadline {
            match peer {
                Some(p) => panic!(
                    "`{}` did not connect within {START_TIMEOUT:?}; output:\n{}",
                    p.name(),
                    p.output()
                ),
                None => panic!("nobody connected within {START_TIMEOUT:?}"),
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

// ---- qssl over TCP -------------------------------------------------------------------

/// A qssl connection over a TCP stream. The connection is dropped before the
/// stream (field order), as qssl never closes the descriptor itself.
pub struct Tls {
    pub conn: Connection,
    pub tcp: TcpStream,
}

/// Drives a handshake on a blocking socket: it must end in Done or an error.
fn run_handshake(conn: &mut Connection) -> Result<(), Error> {
    match conn.handshake() {
        Ok(Progress::Done) => Ok(()),
        Ok(p) => Err(Error::Tls(format!(
            "handshake on a blocking socket returned {p:?} instead of Done or an error"
        ))),
        Err(e) => Err(e),
    }
}

/// A qssl client over `tcp`: `setup` runs on the new connection, then the
/// handshake with `config`.
pub fn client_over(
    config: &SslConfiguration,
    tcp: TcpStream,
    setup: impl FnOnce(&mut Connection),
) -> (Tls, Result<(), Error>) {
    let mut conn = Connection::new(config, Mode::Client, Transport::Fd(tcp.as_raw_fd()))
        .expect("connection set-up");
    setup(&mut conn);
    let r = run_handshake(&mut conn);
    (Tls { conn, tcp }, r)
}

/// A qssl client connected to 127.0.0.1:`port`, verifying "localhost".
pub fn client(config: &SslConfiguration, port: u16) -> (Tls, Result<(), Error>) {
    client_over(config, connect(port), |c| {
        c.set_peer_verify_name("localhost").unwrap()
    })
}

/// A qssl server over an accepted stream.
pub fn server_over(config: &SslConfiguration, tcp: TcpStream) -> (Tls, Result<(), Error>) {
    let mut conn = Connection::new(config, Mode::Server, Transport::Fd(tcp.as_raw_fd()))
        .expect("connection set-up");
    let r = run_handshake(&mut conn);
    (Tls { conn, tcp }, r)
}

impl Tls {
    /// Writes all of `data`.
    pub fn write_all(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            match self.conn.write(data) {
                Ok((Progress::Done, n)) if n > 0 => data = &data[n..],
                other => panic!("TLS write: {other:?}"),
            }
        }
    }

    /// Reads until the received bytes contain `needle` (bounded by the socket
    /// time-out); returns everything read.
    pub fn read_until(&mut self, needle: &[u8]) -> Vec<u8> {
        let deadline = Instant::now() + IO_TIMEOUT;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !contains(&got, needle) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {:?}; got {:?}",
                String::from_utf8_lossy(needle),
                String::from_utf8_lossy(&got)
            );
            match self.conn.read(&mut buf) {
                Ok((Progress::Done, n)) => got.extend_from_slice(&buf[..n]),
                Ok((p, _)) => panic!("TLS read on a blocking socket returned {p:?}"),
                Err(e) => panic!(
                    "TLS read failed: {e}; got so far {:?}",
                    String::from_utf8_lossy(&got)
                ),
            }
        }
        got
    }

    /// Reads until the peer's close_notify (or its close), at most
    /// [`IO_TIMEOUT`]; returns the error that ended reading.
    pub fn read_to_close(&mut self) -> Error {
        let mut buf = [0u8; 4096];
        loop {
            match self.conn.read(&mut buf) {
                Ok((Progress::Done, _)) => {}
                Ok((p, _)) => panic!("TLS read on a blocking socket returned {p:?}"),
                Err(e) => return e,
            }
        }
    }

    /// The session state (Qt's sslConfiguration()).
    pub fn state(&self) -> SslConfiguration {
        self.conn.ssl_configuration()
    }
}

/// True if `hay` contains `needle`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

// ---- PSK ----------------------------------------------------------------------------------

/// What one PSK callback run saw.
#[derive(Clone, Debug)]
pub struct PskSeen {
    pub hint: OptBytes,
    pub identity: OptBytes,
}

/// A PSK handler answering with a fixed identity and key and recording what
/// each call saw.
pub struct RecordingPsk {
    identity: Vec<u8>,
    key: Vec<u8>,
    pub seen: Mutex<Vec<PskSeen>>,
}

impl RecordingPsk {
    /// A handler answering `identity` / `key`.
    pub fn new(identity: &[u8], key: &[u8]) -> Arc<RecordingPsk> {
        Arc::new(RecordingPsk {
            identity: identity.to_vec(),
            key: key.to_vec(),
            seen: Mutex::new(Vec::new()),
        })
    }

    /// The calls so far.
    pub fn calls(&self) -> Vec<PskSeen> {
        self.seen.lock().unwrap().clone()
    }
}

impl PskHandler for RecordingPsk {
    fn authenticate(&self, auth: &mut PskAuthenticator) -> Result<(), String> {
        self.seen.lock().unwrap().push(PskSeen {
            hint: auth.identity_hint().clone(),
            identity: auth.identity().to_opt_bytes(),
        });
        auth.set_identity(OptBytes::from(&self.identity[..]));
        auth.set_pre_shared_key(SecretBytes::new(&self.key));
        Ok(())
    }
}

/// Lower-case hex of bytes (the form the command-line tools take keys in).
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---- fake peers (raw TCP) ----------------------------------------------------------------

/// A one-connection TCP server on a thread running `behaviour` on the
/// accepted stream (bounded by the standard time-outs). Returns the port and
/// the thread, which yields what the behaviour returns.
pub fn fake_server<T: Send + 'static>(
    behaviour: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (u16, JoinHandle<T>) {
    let (l, port) = listen();
    let h = std::thread::spawn(move || {
        let s = accept(&l, None);
        behaviour(s)
    });
    (port, h)
}

/// Reads one TLS record (header and body) from a raw stream.
pub fn read_record(s: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut hdr = [0u8; 5];
    s.read_exact(&mut hdr)?;
    let len = u16::from_be_bytes([hdr[3], hdr[4]]) as usize;
    let mut body = vec![0u8; len];
    s.read_exact(&mut body)?;
    let mut rec = hdr.to_vec();
    rec.extend(body);
    Ok(rec)
}

/// Checks that a path exists (for files the peers write).
pub fn exists(p: &Path) -> bool {
    p.is_file() && std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false)
}

// ---- TLS 1.3 external PSK sessions for the openssl tools ------------------------------------

mod raw {
    use std::ffi::c_int;

    use openssl_sys::{SSL, SSL_CIPHER, SSL_SESSION};

    // libssl functions the `openssl-sys` crate does not declare.
    unsafe extern "C" {
        pub fn SSL_SESSION_new() -> *mut SSL_SESSION;
        pub fn SSL_SESSION_set1_master_key(
            s: *mut SSL_SESSION,
            key: *const u8,
            len: usize,
        ) -> c_int;
        pub fn SSL_CIPHER_find(ssl: *mut SSL, ptr: *const u8) -> *const SSL_CIPHER;
        pub fn SSL_SESSION_set_cipher(s: *mut SSL_SESSION, c: *const SSL_CIPHER) -> c_int;
        pub fn SSL_SESSION_set_protocol_version(s: *mut SSL_SESSION, v: c_int) -> c_int;
    }
}

/// A PEM "SSL SESSION PARAMETERS" file holding a TLS 1.3 external PSK bound
/// to the suite `suite` (its two-byte code point): what `openssl s_server
/// -psk_session` / `s_client -psk_session` read. The tools' plain `-psk` binds
/// the key to TLS_AES_128_GCM_SHA256 (SHA-256) only.
pub fn tls13_psk_session_pem(key: &[u8], suite: [u8; 2]) -> String {
    use foreign_types::ForeignType;
    use openssl::ssl::{Ssl, SslContext, SslMethod, SslSession};

    let ctx = SslContext::builder(SslMethod::tls()).unwrap().build();
    let ssl = Ssl::new(&ctx).unwrap();
    // SAFETY: plain libssl calls on live objects; the new session is owned by
    // `SslSession` (freed on drop) from the moment it exists; the cipher
    // pointer is a static table entry owned by libssl.
    let session = unsafe {
        let raw_session = raw::SSL_SESSION_new();
        assert!(!raw_session.is_null());
        let session = SslSession::from_ptr(raw_session);
        let cipher = raw::SSL_CIPHER_find(ssl.as_ptr(), suite.as_ptr());
        assert!(!cipher.is_null(), "unknown TLS 1.3 suite {suite:02x?}");
        assert_eq!(
            raw::SSL_SESSION_set1_master_key(raw_session, key.as_ptr(), key.len()),
            1
        );
        assert_eq!(raw::SSL_SESSION_set_cipher(raw_session, cipher), 1);
        assert_eq!(
            raw::SSL_SESSION_set_protocol_version(raw_session, openssl_sys::TLS1_3_VERSION),
            1
        );
        session
    };
    let der = session.to_der().unwrap();
    let b64 = openssl::base64::encode_block(&der);
    let mut pem = String::from("-----BEGIN SSL SESSION PARAMETERS-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END SSL SESSION PARAMETERS-----\n");
    pem
}

// ---- connections over memory ----------------------------------------------------

/// A memory transport (the test moves the bytes with [`shuttle`]).
pub fn mem() -> Transport {
    Transport::Memory(MemoryPipe::default())
}

/// Moves the bytes waiting in each memory transport to the other; true if
/// anything moved.
pub fn shuttle(a: &mut Connection, b: &mut Connection) -> bool {
    let out_a: Vec<u8> = a.memory().unwrap().outbound.drain(..).collect();
    let out_b: Vec<u8> = b.memory().unwrap().outbound.drain(..).collect();
    let moved = !out_a.is_empty() || !out_b.is_empty();
    b.memory().unwrap().inbound.extend(out_a);
    a.memory().unwrap().inbound.extend(out_b);
    moved
}

/// Runs both handshakes of a memory pair to completion or failure; a side
/// that waits while nothing moves any more fails as "stalled".
pub fn handshake_both(
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
        if rc.is_some() && rs.is_some() && !moved {
            break;
        }
        if !moved && (rc.is_some() || rs.is_some()) {
            // One side finished or failed and nothing moves: the other is stuck.
            if rc.is_none() {
                rc = Some(Err(Error::Tls("client stalled".into())));
            }
            if rs.is_none() {
                rs = Some(Err(Error::Tls("server stalled".into())));
            }
        }
    }
    (
        rc.unwrap_or(Err(Error::Tls("client timed out".into()))),
        rs.unwrap_or(Err(Error::Tls("server timed out".into()))),
    )
}

/// A client (verifying the name "localhost") and a server over memory
/// transports, before their handshakes.
pub fn memory_pair(c: &SslConfiguration, s: &SslConfiguration) -> (Connection, Connection) {
    let mut client = Connection::new(c, Mode::Client, mem()).unwrap();
    client.set_peer_verify_name("localhost").unwrap();
    let server = Connection::new(s, Mode::Server, mem()).unwrap();
    (client, server)
}

/// A memory pair with both handshakes done; panics if either fails.
pub fn memory_connect(c: &SslConfiguration, s: &SslConfiguration) -> (Connection, Connection) {
    let (mut client, mut server) = memory_pair(c, s);
    let (rc, rs) = handshake_both(&mut client, &mut server);
    rc.expect("client handshake");
    rs.expect("server handshake");
    (client, server)
}
