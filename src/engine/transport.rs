//! The byte transports a connection runs over: a socket file descriptor the
//! application owns (blocking or not), or a memory pipe the application
//! feeds and drains.

use std::any::Any;
use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, c_long, c_void};
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, OnceLock};

use foreign_types::ForeignTypeRef;
use openssl::error::ErrorStack;
use openssl::ssl::{ErrorCode, Ssl, SslRef};
use openssl_sys::{self as sys, BIO, BIO_METHOD};

use super::callbacks::{ConnShared, SharedState};
use std::os::fd::RawFd;

/// A transport. Its reads and writes report `WouldBlock` when a
/// non-blocking socket or an empty memory pipe cannot make progress, and
/// `TimedOut` when the receive/send time-out of a blocking socket expires.
#[derive(Debug)]
pub enum Transport {
    /// A socket the application owns; never closed by qssl.
    Fd(RawFd),
    /// Bytes in from the peer and bytes out to it, moved by the application.
    Memory(MemoryPipe),
}

/// The memory transport's two queues.
#[derive(Debug)]
pub struct MemoryPipe {
    /// Received from the peer, not yet consumed by TLS.
    pub inbound: ByteQueue,
    /// Produced by TLS, not yet taken by the application.
    pub outbound: ByteQueue,
    /// The peer's side is closed: reads past `inbound` see end of file.
    pub eof: bool,
    /// The handshake is done and `outbound`'s buffer has not been given
    /// back since: the first time the application takes the last waiting
    /// byte, the buffer is freed (see [`MemoryPipe::outbound_taken`]).
    release_after_handshake: bool,
}

impl Default for MemoryPipe {
    /// Two empty queues; the output queue's first buffer is at least
    /// [`FIRST_BUFFER`] bytes, the input queue's exact (it is what an idle
    /// connection keeps: see [`FIRST_BUFFER`]).
    fn default() -> Self {
        MemoryPipe {
            inbound: ByteQueue::default(),
            outbound: ByteQueue::with_first_buffer(FIRST_BUFFER),
            eof: false,
            release_after_handshake: false,
        }
    }
}

impl MemoryPipe {
    /// The handshake completed: the output buffer, sized for the handshake's
    /// flights, is given back once the application has taken them.
    pub(crate) fn handshake_done(&mut self) {
        self.release_after_handshake = true;
        self.outbound_taken();
    }

    /// The application took bytes from `outbound` (`take_output`,
    /// `consume_output`). After the handshake, the first time that leaves it
    /// empty its buffer is freed, as OpenSSL's `SSL_MODE_RELEASE_BUFFERS`
    /// does for its own buffers: an idle connection holds no output buffer,
    /// and a connection that sends data allocates one again, once. Only the
    /// output queue: the input queue's free space may be lent to the
    /// application (`qssl_conn_input_space`) while TLS reads from its front.
    #[inline]
    pub(crate) fn outbound_taken(&mut self) {
        if self.release_after_handshake && self.outbound.is_empty() {
            self.release_output();
        }
    }

    /// Frees the output buffer, once ([`Self::outbound_taken`]; out of line).
    #[cold]
    #[inline(never)]
    fn release_output(&mut self) {
        self.release_after_handshake = false;
        self.outbound = ByteQueue::with_first_buffer(FIRST_BUFFER);
    }
}

/// Lets the `SSL` of a memory connection read ahead (`SSL_set_read_ahead`):
/// each read from the pipe takes every queued byte that fits OpenSSL's
/// record buffer instead of a record's 5-byte header and then its body, so
/// a flight of several records costs one call into the BIO instead of two
/// per record (and libssl's record-reading code runs once per flight).
/// Nothing the application sees changes: the bytes wait in OpenSSL's buffer
/// instead of the pipe's, and the pipe's bytes are the application's only
/// through TLS. Not for sockets: there, bytes past the TLS stream (after
/// close_notify) belong to the application, which owns the socket.
fn read_ahead(ssl: &SslRef) {
    // SAFETY: a live SSL; only sets its read-ahead flag.
    unsafe { SSL_set_read_ahead(ssl.as_ptr(), 1) };
}

/// A byte queue in one contiguous buffer, so that its bytes and its free
/// space can be lent to the application without a copy (the zero-copy
/// memory transport): the live bytes are `buf[start..end]`, the space after
/// them `buf[end..]`, `buf`'s length being the end of what was ever written
/// (queued bytes or zeros) and its capacity the buffer's size. So every byte
/// of `buf` is initialised and no `unsafe` is needed.
///
/// Consuming bytes from the front only advances `start`; the buffer is
/// compacted or reset only when room is made at the back ([`Self::space`],
/// [`Self::extend_from_slice`]), so space lent by [`Self::space`] stays
/// where it was while TLS reads from the front.
#[derive(Debug, Default)]
pub struct ByteQueue {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The free space the last [`Self::space`] lent; 0 once committed or
    /// invalidated by a change at the back.
    lent: usize,
    /// The smallest buffer this queue allocates (0: the exact size the
    /// first time).
    first: usize,
}

/// The largest buffer the application may ask the memory transport to lend.
pub const MAX_LEND: usize = 64 << 20;

/// The smallest buffer the memory transport's output queue allocates: a
/// handshake's later flights are often larger than its first (a TLS 1.2 or
/// 1.3 PSK server's flight with its session ticket after a ServerHello of
/// under a hundred bytes), and a first buffer sized for one of those flights
/// spares the sender a second allocation and copy. The output buffer is
/// given back after the handshake, so this costs an idle connection
/// nothing; the input queue, which an idle connection keeps (with any
/// session tickets it has not read), allocates its exact size the first
/// time. Larger first flights (certificates) get their exact size.
pub const FIRST_BUFFER: usize = 512;

impl ByteQueue {
    /// An empty queue whose first buffer is at least `first` bytes.
    pub fn with_first_buffer(first: usize) -> ByteQueue {
        ByteQueue {
            first,
            ..ByteQueue::default()
        }
    }

    /// How many bytes are queued.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// The size of the buffer behind the queue (0 when none is allocated).
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Drops every queued byte (the buffer is kept).
    pub fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
        self.lent = 0;
    }

    /// The queued bytes, in order, in one slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The queued bytes, in order (as `VecDeque::iter`).
    pub fn iter(&self) -> std::slice::Iter<'_, u8> {
        self.as_slice().iter()
    }

    /// Drops the first `n` queued bytes (`n <= len()`).
    pub fn consume(&mut self, n: usize) {
        debug_assert!(n <= self.len());
        self.start += n.min(self.len());
    }

    /// Moves up to `dst.len()` bytes from the front into `dst`; returns how
    /// many. One copy, no panic path (the live bytes are always within the
    /// buffer, so the checked slice below never misses).
    #[inline]
    pub fn read_into(&mut self, dst: &mut [u8]) -> usize {
        let n = self.len().min(dst.len());
        match self.buf.get(self.start..self.start + n) {
            Some(src) => {
                dst[..n].copy_from_slice(src);
                self.start += n;
                n
            }
            None => 0,
        }
    }

    /// Makes room for at least `want` more bytes after the queued ones and
    /// returns all the free space after them (at least `want` bytes). Bytes
    /// written there count once [`Self::commit`] says how many.
    pub fn space(&mut self, want: usize) -> &mut [u8] {
        if self.start == self.end {
            self.clear();
        } else if self.start > 0 && self.buf.capacity() - self.end < want {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let need = self.end + want;
        if self.buf.capacity() < need {
            // A new buffer and one copy of the live bytes: at least the
            // queue's first size, else the exact size the first time (a
            // connection kept alive after a small handshake holds little
            // slack), then doubled.
            let grown = need.max(self.buf.capacity() * 2).max(self.first);
            let mut fresh = Vec::with_capacity(grown);
            fresh.extend_from_slice(self.as_slice());
            self.buf = fresh;
            self.end -= self.start;
            self.start = 0;
        }
        // The free space is initialised (zeros where nothing was written):
        // `malloc` above and one `memset` here, the allocator paths OpenSSL
        // itself runs many times per handshake, so their code is warm
        // (`vec![0; n]` would ask `calloc`, whose code only these queues
        // ran: about 36 more I1 misses per handshake pair than raw OpenSSL).
        self.buf.resize(self.buf.capacity(), 0);
        self.lent = self.buf.len() - self.end;
        &mut self.buf[self.end..]
    }

    /// Counts `n` bytes written into the space the last [`Self::space`]
    /// returned as queued. False (and nothing changes) when `n` exceeds that
    /// space or nothing is lent (committed already, or the back changed).
    pub fn commit(&mut self, n: usize) -> bool {
        if n > self.lent {
            return false;
        }
        self.end += n;
        self.lent = 0;
        true
    }

    /// The free space the last [`Self::space`] lent and no commit used yet.
    pub fn lent(&self) -> usize {
        self.lent
    }

    /// Appends `data`: one copy when the room after the queued bytes takes
    /// it (always, once the buffer has grown to a flight's size); making
    /// room is out of line.
    #[inline]
    pub fn extend_from_slice(&mut self, data: &[u8]) {
        if !self.try_push(data) {
            self.push_making_room(data);
        }
    }

    /// Appends `data` when the room after the queued bytes (all of the
    /// buffer once it is empty) takes it: one copy, no allocation, no panic
    /// path. False, with nothing changed, when room must be made first.
    #[inline]
    pub fn try_push(&mut self, data: &[u8]) -> bool {
        let empty = self.start == self.end;
        let at = if empty { 0 } else { self.end };
        match self.buf.get_mut(at..at.wrapping_add(data.len())) {
            Some(dst) => {
                dst.copy_from_slice(data);
                if empty {
                    self.start = 0;
                }
                self.end = at + data.len();
                self.lent = 0;
                true
            }
            None => false,
        }
    }

    /// [`Self::extend_from_slice`] when room must be made first (out of
    /// line): the queued bytes move to the front and `data` follows them,
    /// in the buffer's capacity when it takes both, else in a new buffer
    /// (sized as by [`Self::space`]). Nothing is zeroed: the buffer's
    /// length ends after `data`.
    #[cold]
    #[inline(never)]
    pub fn push_making_room(&mut self, data: &[u8]) {
        self.make_room_and_push(data);
    }

    /// [`Self::push_making_room`] for the callers no panic may leave (the
    /// BIO's write, the C API's feed): false, with nothing changed, when
    /// making room panicked (a size past `isize::MAX`).
    #[cold]
    #[inline(never)]
    pub fn push_growing(&mut self, data: &[u8]) -> bool {
        catch_unwind(AssertUnwindSafe(|| self.make_room_and_push(data))).is_ok()
    }

    #[inline(always)]
    fn make_room_and_push(&mut self, data: &[u8]) {
        let live = self.len();
        let need = live + data.len();
        if need <= self.buf.capacity() {
            self.buf.copy_within(self.start..self.end, 0);
            self.buf.truncate(live);
        } else {
            let grown = need.max(self.buf.capacity() * 2).max(self.first);
            let mut fresh = Vec::with_capacity(grown);
            fresh.extend_from_slice(self.as_slice());
            self.buf = fresh;
        }
        self.buf.extend_from_slice(data);
        self.start = 0;
        self.end = need;
        self.lent = 0;
    }

    /// Removes and yields every queued byte (as `VecDeque::drain(..)`).
    pub fn drain(&mut self, _all: std::ops::RangeFull) -> std::vec::Drain<'_, u8> {
        let (start, end) = (self.start, self.end);
        self.clear();
        self.buf.truncate(end);
        self.buf.drain(..start);
        self.buf.drain(..)
    }
}

impl Extend<u8> for ByteQueue {
    fn extend<I: IntoIterator<Item = u8>>(&mut self, iter: I) {
        let v: Vec<u8> = iter.into_iter().collect();
        self.extend_from_slice(&v);
    }
}

impl<'a> Extend<&'a u8> for ByteQueue {
    fn extend<I: IntoIterator<Item = &'a u8>>(&mut self, iter: I) {
        let v: Vec<u8> = iter.into_iter().copied().collect();
        self.extend_from_slice(&v);
    }
}

impl Transport {
    /// Reads into `buf`: `Ok(0)` is the peer's end of file; `WouldBlock`
    /// when a non-blocking socket or an empty memory pipe has nothing yet.
    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Fd(fd) => loop {
                // SAFETY: `buf` is valid for writes of buf.len() bytes; the fd
                // is the application's (a bad fd gives EBADF, not UB).
                let n = unsafe { libc::read(*fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n >= 0 {
                    return Ok(n as usize);
                }
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(timed_out_if_blocking(*fd, e, "receive", "SO_RCVTIMEO"));
                }
            },
            Transport::Memory(p) => {
                if p.inbound.is_empty() {
                    return if p.eof {
                        Ok(0)
                    } else {
                        Err(io::ErrorKind::WouldBlock.into())
                    };
                }
                Ok(p.inbound.read_into(buf))
            }
        }
    }

    /// Writes from `buf`; returns how many bytes were taken.
    fn write_some(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Fd(fd) => loop {
                // SAFETY: `buf` is valid for reads; MSG_NOSIGNAL keeps a closed
                // peer from raising SIGPIPE. Non-sockets fall back to write().
                let n =
                    unsafe { libc::send(*fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) };
                let n =
                    if n < 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ENOTSOCK) {
                        // SAFETY: as above, for a pipe or file descriptor.
                        unsafe { libc::write(*fd, buf.as_ptr().cast(), buf.len()) }
                    } else {
                        n
                    };
                if n >= 0 {
                    return Ok(n as usize);
                }
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(timed_out_if_blocking(*fd, e, "send", "SO_SNDTIMEO"));
                }
            },
            Transport::Memory(p) => {
                p.outbound.extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }
}

/// EAGAIN on a *blocking* socket means its receive or send time-out
/// (SO_RCVTIMEO / SO_SNDTIMEO) expired. Reported as `WouldBlock` it would
/// become a want-read/want-write state that a blocking caller cannot act on,
/// so it becomes a `TimedOut` error (a failed step) instead. Non-blocking
/// descriptors keep `WouldBlock`.
fn timed_out_if_blocking(fd: RawFd, e: io::Error, what: &str, option: &str) -> io::Error {
    if e.kind() != io::ErrorKind::WouldBlock {
        return e;
    }
    // SAFETY: F_GETFL only reads the descriptor's status flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || flags & libc::O_NONBLOCK != 0 {
        return e;
    }
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("timed out: the socket's {what} time-out ({option}) expired"),
    )
}

impl io::Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_some(buf)
    }
}

impl io::Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_some(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ---- qssl's BIO ----------------------------------------------------------------------
//
// Every TLS connection reads and writes its transport through one BIO of
// qssl's own method (made once per process): its read and write go straight
// to the socket or the memory pipe's byte queues, its ctrl answers FLUSH
// with success and everything else with 0 (the answers libssl got from the
// `openssl` crate's stream BIO, which this replaces: no `BIO_METHOD` per
// connection, no trait objects, no per-call state lookup beyond the BIO's
// data pointer).

type BioWriteEx = unsafe extern "C" fn(*mut BIO, *const c_char, usize, *mut usize) -> c_int;
type BioReadEx = unsafe extern "C" fn(*mut BIO, *mut c_char, usize, *mut usize) -> c_int;

unsafe extern "C" {
    fn BIO_meth_set_write_ex(m: *mut BIO_METHOD, f: Option<BioWriteEx>) -> c_int;
    fn BIO_meth_set_read_ex(m: *mut BIO_METHOD, f: Option<BioReadEx>) -> c_int;
    fn SSL_set_read_ahead(s: *mut sys::SSL, yes: c_int);
}

/// `BIO_TYPE_SOURCE_SINK`: the BIO is an end point, not a filter.
const BIO_TYPE_SOURCE_SINK: c_int = 0x0400;

/// What a connection's BIO reads and writes: the transport, and what the
/// last failed read or write left for the step that saw it fail (libssl
/// sees only the BIO's return value and retry flags).
#[derive(Debug)]
pub struct BioState {
    transport: Transport,
    /// The I/O error of the last failed read or write; taken by the step
    /// that reports it.
    error: Option<io::Error>,
    /// The message of a panic caught inside a read or write, resumed by the
    /// step that saw the failure.
    panic: Option<String>,
}

impl BioState {
    /// The state of a BIO reading and writing `transport`.
    pub(crate) fn new(transport: Transport) -> BioState {
        BioState {
            transport,
            error: None,
            panic: None,
        }
    }

    /// Drops the kept I/O error (out of line: the memory transport never
    /// keeps one).
    #[cold]
    #[inline(never)]
    fn drop_error(&mut self) {
        self.error = None;
    }
}

/// A connection BIO's state, kept in the connection's shared allocation
/// ([`ConnShared`]: one allocation per connection for both) and reached
/// through the BIO's data pointer, which holds a reference to it.
pub(crate) struct BioCell(UnsafeCell<BioState>);

// SAFETY: the state is used only by the BIO's callbacks, which run inside a
// TLS step on the connection's `SSL`, and by the [`SslIo`] that owns the
// `SSL`: both through that `SslIo` (`&mut self` for steps and mutations,
// `&self` for reads), so the borrow rules of a plain field hold for it.
// Other holders of the `ConnShared` (the `SSL`'s ex_data slot, the
// callbacks) never touch it.
unsafe impl Sync for BioCell {}

impl BioCell {
    /// A cell holding `state`.
    pub(crate) fn new(state: BioState) -> BioCell {
        BioCell(UnsafeCell::new(state))
    }
}

impl std::fmt::Debug for BioCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BioCell")
    }
}

/// The method of every connection BIO (NULL if OpenSSL could not make it).
fn bio_method() -> *const BIO_METHOD {
    static METHOD: OnceLock<usize> = OnceLock::new();
    *METHOD.get_or_init(|| {
        // SAFETY: plain OpenSSL calls building a method table of functions
        // that stay valid for the process (the table is never freed).
        unsafe {
            let idx = crate::ossl::BIO_get_new_index();
            let m = sys::BIO_meth_new(
                if idx > 0 { idx } else { 0 } | BIO_TYPE_SOURCE_SINK,
                c"qssl transport".as_ptr(),
            );
            if m.is_null() {
                return 0;
            }
            if BIO_meth_set_write_ex(m, Some(bio_write_ex)) != 1
                || BIO_meth_set_read_ex(m, Some(bio_read_ex)) != 1
                || sys::BIO_meth_set_puts__fixed_rust(m, Some(bio_puts)) != 1
                || sys::BIO_meth_set_ctrl__fixed_rust(m, Some(bio_ctrl)) != 1
                || sys::BIO_meth_set_destroy__fixed_rust(m, Some(bio_destroy)) != 1
            {
                sys::BIO_meth_free(m);
                return 0;
            }
            m as usize
        }
    }) as *const BIO_METHOD
}

/// The state of a BIO of [`bio_method`] (None once destroyed).
///
/// # Safety
/// `b` must be a live BIO of [`bio_method`], not otherwise borrowed.
unsafe fn state_of<'a>(b: *mut BIO) -> Option<&'a mut BioState> {
    // SAFETY: the data pointer is NULL or the `ConnShared` that `SslIo::new`
    // set, alive while the BIO holds its reference; its BIO state is used
    // by nothing else during the callback (see `BioCell`).
    unsafe {
        let shared = sys::BIO_get_data(b).cast::<ConnShared>().cast_const();
        shared.as_ref().map(|s| &mut *s.bio.0.get())
    }
}

/// The errors a caller may retry: the retry flag makes `SSL_get_error`
/// answer WANT_READ / WANT_WRITE (as the `openssl` crate's BIO did, a
/// socket that is not connected yet counts too).
fn retriable(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::NotConnected
    )
}

fn panic_text(p: Box<dyn Any + Send>) -> String {
    crate::error::panic_text(&*p, "panic in the transport")
}

/// The end of a socket read or write in the BIO: the byte count on success
/// (0 is end of file), else the retry flag (`flag`: BIO_FLAGS_READ or
/// _WRITE) for a would-block, the I/O error or the panic kept for the step.
///
/// # Safety
/// `b` is the live BIO whose state `st` is; `done` is writable.
unsafe fn socket_io_end(
    b: *mut BIO,
    st: &mut BioState,
    result: std::thread::Result<io::Result<usize>>,
    flag: c_int,
    done: *mut usize,
) -> c_int {
    match result {
        Ok(Ok(0)) => 0,
        Ok(Ok(n)) => {
            // SAFETY: the caller's promise.
            unsafe { *done = n };
            1
        }
        Ok(Err(e)) => {
            if retriable(&e) {
                // SAFETY: the caller's promise.
                unsafe { sys::BIO_set_flags(b, flag | sys::BIO_FLAGS_SHOULD_RETRY) };
            }
            st.error = Some(e);
            -1
        }
        Err(p) => {
            st.panic = Some(panic_text(p));
            -1
        }
    }
}

/// Frees the `Box<T>` a BIO's data pointer holds (if any) and clears it: the
/// destroy callback of qssl's BIO methods.
///
/// # Safety
/// `b` is a BIO being freed whose data is NULL or a `Box<T>` leaked into it.
pub(crate) unsafe fn free_bio_box<T>(b: *mut BIO) {
    // SAFETY: the caller's promise; the pointer is cleared so it is freed once.
    unsafe {
        let data = sys::BIO_get_data(b).cast::<T>();
        if !data.is_null() {
            drop(Box::from_raw(data));
        }
        sys::BIO_set_data(b, std::ptr::null_mut());
    }
}

// The memory pipe's hot entry points (the BIO's write, read and ctrl here,
// qssl_conn_feed and qssl_conn_take_output in ffi/conn.rs) share one
// section, so the linker places them next to each other: each handshake
// step and each move of bytes runs them after OpenSSL's code has evicted
// them, and packed together they span fewer code lines than apart.
#[unsafe(link_section = ".text.qssl_pipe")]
unsafe extern "C" fn bio_write_ex(
    b: *mut BIO,
    data: *const c_char,
    len: usize,
    written: *mut usize,
) -> c_int {
    // SAFETY: OpenSSL passes its live BIO, `len` readable bytes at `data`
    // and a writable `written`.
    unsafe {
        sys::BIO_clear_flags(b, sys::BIO_FLAGS_RWS | sys::BIO_FLAGS_SHOULD_RETRY);
        let Some(st) = state_of(b) else { return -1 };
        // The memory pipe, directly: one copy when the bytes fit the room
        // after the queued ones (no allocation, no panic path), else making
        // room out of line (the one step that allocates: panic-safe).
        if let Transport::Memory(p) = &mut st.transport
            && len != 0
            && !data.is_null()
        {
            let buf = std::slice::from_raw_parts(data.cast(), len);
            if p.outbound.try_push(buf) || p.outbound.push_growing(buf) {
                *written = len;
                return 1;
            }
            return output_panicked(st);
        }
        write_slow(b, st, data, len, written)
    }
}

/// [`bio_write_ex`] on a socket, or an empty write (out of line).
///
/// # Safety
/// As for [`socket_io_end`]; `len` readable bytes at `data`.
#[inline(never)]
unsafe fn write_slow(
    b: *mut BIO,
    st: &mut BioState,
    data: *const c_char,
    len: usize,
    written: *mut usize,
) -> c_int {
    let buf: &[u8] = if len == 0 || data.is_null() {
        &[]
    } else {
        // SAFETY: the caller's promise.
        unsafe { std::slice::from_raw_parts(data.cast(), len) }
    };
    let r = catch_unwind(AssertUnwindSafe(|| st.transport.write_some(buf)));
    // SAFETY: the caller's promise.
    unsafe { socket_io_end(b, st, r, sys::BIO_FLAGS_WRITE, written) }
}

/// A panic while queueing output, kept for the step (out of line).
#[cold]
#[inline(never)]
fn output_panicked(st: &mut BioState) -> c_int {
    st.panic = Some("panic while queueing output".into());
    -1
}

#[unsafe(link_section = ".text.qssl_pipe")]
unsafe extern "C" fn bio_read_ex(
    b: *mut BIO,
    data: *mut c_char,
    len: usize,
    read: *mut usize,
) -> c_int {
    // SAFETY: OpenSSL passes its live BIO, `len` writable bytes at `data`
    // and a writable `read`.
    unsafe {
        sys::BIO_clear_flags(b, sys::BIO_FLAGS_RWS | sys::BIO_FLAGS_SHOULD_RETRY);
        let Some(st) = state_of(b) else { return -1 };
        // The memory pipe, directly: a copy out of the queue (no panic
        // path: `read_into` only slices within its live bytes); an empty
        // queue is end of file once the peer closed, else a retry (WANT_READ;
        // no I/O error to keep: the step reports the want, nothing else).
        if let Transport::Memory(p) = &mut st.transport {
            if p.inbound.is_empty() {
                if p.eof {
                    return 0;
                }
                sys::BIO_set_flags(b, sys::BIO_FLAGS_READ | sys::BIO_FLAGS_SHOULD_RETRY);
                return -1;
            }
            if len == 0 || data.is_null() {
                return 0;
            }
            let n = p
                .inbound
                .read_into(std::slice::from_raw_parts_mut(data.cast(), len));
            *read = n;
            return c_int::from(n != 0);
        }
        socket_read(b, st, data, len, read)
    }
}

/// [`bio_read_ex`] on a socket (out of line).
///
/// # Safety
/// As for [`socket_io_end`]; `len` writable bytes at `data`.
#[inline(never)]
unsafe fn socket_read(
    b: *mut BIO,
    st: &mut BioState,
    data: *mut c_char,
    len: usize,
    read: *mut usize,
) -> c_int {
    let buf: &mut [u8] = if len == 0 || data.is_null() {
        &mut []
    } else {
        // SAFETY: the caller's promise.
        unsafe { std::slice::from_raw_parts_mut(data.cast(), len) }
    };
    let r = catch_unwind(AssertUnwindSafe(|| st.transport.read_some(buf)));
    // SAFETY: the caller's promise.
    unsafe { socket_io_end(b, st, r, sys::BIO_FLAGS_READ, read) }
}

unsafe extern "C" fn bio_puts(b: *mut BIO, s: *const c_char) -> c_int {
    if s.is_null() {
        return -1;
    }
    // SAFETY: OpenSSL passes a NUL-terminated string.
    let len = unsafe { libc::strlen(s) };
    let mut written = 0;
    // SAFETY: as for BIO_write: live BIO, `len` readable bytes.
    match unsafe { bio_write_ex(b, s, len, &mut written) } {
        1 => c_int::try_from(written).unwrap_or(c_int::MAX),
        r => r,
    }
}

/// FLUSH succeeds (a write reaches the transport at once); everything else
/// is unsupported (0): pending counts, end of file, MTU queries.
#[unsafe(link_section = ".text.qssl_pipe")]
unsafe extern "C" fn bio_ctrl(_b: *mut BIO, cmd: c_int, _num: c_long, _ptr: *mut c_void) -> c_long {
    c_long::from(cmd == sys::BIO_CTRL_FLUSH)
}

unsafe extern "C" fn bio_destroy(b: *mut BIO) -> c_int {
    if b.is_null() {
        return 0;
    }
    // SAFETY: OpenSSL passes the BIO it is freeing; its data is NULL or the
    // reference to the connection's `ConnShared` that `SslIo::new` gave it,
    // released once (the pointer is cleared).
    unsafe {
        let data = sys::BIO_get_data(b).cast::<ConnShared>().cast_const();
        sys::BIO_set_data(b, std::ptr::null_mut());
        sys::BIO_set_init(b, 0);
        if !data.is_null() {
            let shared = Arc::from_raw(data);
            let _ = catch_unwind(AssertUnwindSafe(move || drop(shared)));
        }
    }
    1
}

/// Why a TLS step did not complete: `SSL_get_error`'s code and its cause
/// (OpenSSL's errors, or the transport's I/O error).
#[derive(Debug)]
pub struct StepError {
    code: ErrorCode,
    cause: Option<StepCause>,
}

#[derive(Debug)]
enum StepCause {
    Ssl(ErrorStack),
    Io(io::Error),
}

impl StepError {
    /// `SSL_get_error`'s answer.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// OpenSSL's errors, if they caused it.
    pub fn ssl_error(&self) -> Option<&ErrorStack> {
        match &self.cause {
            Some(StepCause::Ssl(s)) => Some(s),
            _ => None,
        }
    }

    /// The transport's I/O error, if it caused it.
    pub fn io_error(&self) -> Option<&io::Error> {
        match &self.cause {
            Some(StepCause::Io(e)) => Some(e),
            _ => None,
        }
    }
}

/// The error of a connection whose BIO could not be made (OpenSSL's
/// reasons appended). Cold: only when memory runs out.
#[cold]
#[inline(never)]
fn no_stream() -> crate::Error {
    crate::Error::tls("cannot create a TLS stream", Some(&ErrorStack::get()))
}

/// Why a TLS step stopped short: a want (the step is to be called again
/// once the transport is ready: no cause to keep, nothing to drop), or a
/// failure with its cause.
#[derive(Debug)]
pub enum StepStop {
    /// `SSL_ERROR_WANT_READ`.
    WantRead,
    /// `SSL_ERROR_WANT_WRITE`.
    WantWrite,
    /// Anything else.
    Failed(StepError),
}

/// An `SSL` reading and writing a transport through qssl's BIO, with the
/// TLS steps called directly.
pub struct SslIo {
    ssl: Ssl,
    /// The connection's shared state, whose BIO state the `SSL`'s BIO
    /// reads and writes: held here too, so that state lives as long as
    /// this value, whatever is done to the `SSL`'s BIO through its raw
    /// pointer (the BIO holds its own reference).
    shared: SharedState,
}

impl SslIo {
    /// `ssl` over the transport in `shared`'s BIO state.
    pub(crate) fn new(ssl: Ssl, shared: &SharedState) -> Result<Self, crate::Error> {
        let method = bio_method();
        let bio = if method.is_null() {
            std::ptr::null_mut()
        } else {
            // SAFETY: a BIO of a live method; on failure nothing was made.
            // The method has no create function, so the BIO starts
            // initialised, with no data and no flags.
            unsafe { sys::BIO_new(method) }
        };
        if bio.is_null() {
            return Err(no_stream());
        }
        // SAFETY: a fresh BIO; it holds a reference to the shared state
        // from here (bio_destroy releases it); SSL_set_bio gives the SSL
        // the BIO's one reference, for both directions.
        unsafe {
            sys::BIO_set_data(bio, Arc::into_raw(Arc::clone(shared)).cast_mut().cast());
            sys::SSL_set_bio(ssl.as_ptr(), bio, bio);
        }
        let io = SslIo {
            ssl,
            shared: Arc::clone(shared),
        };
        if let Transport::Memory(_) = io.transport() {
            read_ahead(&io.ssl);
        }
        Ok(io)
    }

    /// The BIO state.
    fn bio_state(&self) -> &BioState {
        // SAFETY: alive while `self.shared` is; used only by the BIO's
        // callbacks during this value's TLS steps and through this value
        // (see `BioCell`): no mutable borrow is alive while `self` is
        // borrowed.
        unsafe { &*self.shared.bio.0.get() }
    }

    /// The BIO state, mutably (no TLS step is running: `&mut self`).
    fn bio_state_mut(&mut self) -> &mut BioState {
        // SAFETY: as in `bio_state`, exclusively (`&mut self`).
        unsafe { &mut *self.shared.bio.0.get() }
    }

    /// The `SSL`.
    pub fn ssl(&self) -> &SslRef {
        &self.ssl
    }

    /// The `SSL`, mutably.
    pub fn ssl_mut(&mut self) -> &mut SslRef {
        &mut self.ssl
    }

    /// The transport.
    pub fn transport(&self) -> &Transport {
        &self.bio_state().transport
    }

    /// The transport, mutably.
    pub fn transport_mut(&mut self) -> &mut Transport {
        &mut self.bio_state_mut().transport
    }

    /// Why the last step (which returned `ret`) did not complete. The
    /// common answers, WANT_READ / WANT_WRITE with no panic to resume, take
    /// one `SSL_get_error` (what raw OpenSSL pays too) and a few lines; the
    /// rest is out of line ([`Self::step_cause`]).
    #[inline]
    fn make_error(&mut self, ret: c_int) -> StepStop {
        // SAFETY: live SSL; `ret` is the return of its last step.
        let code = unsafe { sys::SSL_get_error(self.ssl.as_ptr(), ret) };
        let st = self.bio_state_mut();
        if st.panic.is_none()
            && (code == sys::SSL_ERROR_WANT_READ || code == sys::SSL_ERROR_WANT_WRITE)
        {
            if st.error.is_some() {
                // A socket's would-block that the want already reports.
                st.drop_error();
            }
            return if code == sys::SSL_ERROR_WANT_READ {
                StepStop::WantRead
            } else {
                StepStop::WantWrite
            };
        }
        StepStop::Failed(self.step_cause(ErrorCode::from_raw(code)))
    }

    /// [`Self::make_error`] for a panic to resume or anything but a want:
    /// the cause (OpenSSL's errors or the transport's I/O error).
    #[cold]
    #[inline(never)]
    fn step_cause(&mut self, code: ErrorCode) -> StepError {
        let st = self.bio_state_mut();
        if let Some(p) = st.panic.take() {
            std::panic::resume_unwind(Box::new(p));
        }
        let cause = match code {
            ErrorCode::SSL => Some(StepCause::Ssl(ErrorStack::get())),
            ErrorCode::SYSCALL => {
                let errs = ErrorStack::get();
                if errs.errors().is_empty() {
                    st.error.take().map(StepCause::Io)
                } else {
                    Some(StepCause::Ssl(errs))
                }
            }
            ErrorCode::WANT_READ | ErrorCode::WANT_WRITE => st.error.take().map(StepCause::Io),
            _ => None,
        };
        StepError { code, cause }
    }

    /// `SSL_do_handshake`.
    #[inline]
    pub fn do_handshake(&mut self) -> Result<(), StepStop> {
        // SAFETY: live SSL with its BIO.
        let ret = unsafe { sys::SSL_do_handshake(self.ssl.as_ptr()) };
        if ret > 0 {
            Ok(())
        } else {
            Err(self.make_error(ret))
        }
    }

    /// `SSL_read_ex` (an empty `buf` reads nothing).
    #[inline]
    pub fn ssl_read(&mut self, buf: &mut [u8]) -> Result<usize, StepStop> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        // SAFETY: live SSL; `buf` is writable for its length.
        let ret = unsafe {
            sys::SSL_read_ex(
                self.ssl.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            )
        };
        if ret > 0 {
            Ok(n)
        } else {
            Err(self.make_error(ret))
        }
    }

    /// `SSL_write_ex` (an empty `buf` writes nothing).
    #[inline]
    pub fn ssl_write(&mut self, buf: &[u8]) -> Result<usize, StepStop> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        // SAFETY: live SSL; `buf` is readable for its length.
        let ret =
            unsafe { sys::SSL_write_ex(self.ssl.as_ptr(), buf.as_ptr().cast(), buf.len(), &mut n) };
        if ret > 0 {
            Ok(n)
        } else {
            Err(self.make_error(ret))
        }
    }

    /// `SSL_shutdown`: true once the peer's close_notify was received too.
    #[inline]
    pub fn shutdown(&mut self) -> Result<bool, StepStop> {
        // SAFETY: live SSL with its BIO.
        match unsafe { sys::SSL_shutdown(self.ssl.as_ptr()) } {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(self.make_error(n)),
        }
    }

    /// Marks the connection as shut down in both directions without any
    /// I/O (`SSL_set_shutdown`), which keeps its session resumable.
    pub fn set_shutdown_both(&mut self) {
        // SAFETY: live SSL; only sets its shutdown flags.
        unsafe {
            sys::SSL_set_shutdown(
                self.ssl.as_ptr(),
                sys::SSL_SENT_SHUTDOWN | sys::SSL_RECEIVED_SHUTDOWN,
            )
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_buffer_given_back_once_after_the_handshake() {
        let mut p = MemoryPipe::default();
        p.outbound.extend_from_slice(&[1; 300]);
        // During the handshake, taking everything keeps the buffer.
        let mut out = [0u8; 300];
        p.outbound.read_into(&mut out);
        p.outbound_taken();
        assert_eq!(p.outbound.capacity(), FIRST_BUFFER);
        // The last flight is still waiting when the handshake completes.
        p.outbound.extend_from_slice(&[2; 50]);
        p.handshake_done();
        assert_eq!(p.outbound.capacity(), FIRST_BUFFER, "bytes wait: kept");
        assert_eq!(p.outbound.read_into(&mut out[..20]), 20);
        p.outbound_taken();
        assert_eq!(
            p.outbound.capacity(),
            FIRST_BUFFER,
            "30 bytes still wait: kept"
        );
        assert_eq!(p.outbound.read_into(&mut out), 30);
        assert_eq!(&out[..30], &[2; 30]);
        p.outbound_taken();
        assert_eq!(p.outbound.capacity(), 0, "taken after the handshake: freed");
        // Data afterwards gets a buffer again, kept from then on.
        p.outbound.extend_from_slice(&[3; 100]);
        assert_eq!(p.outbound.read_into(&mut out), 100);
        assert_eq!(&out[..100], &[3; 100]);
        p.outbound_taken();
        assert_eq!(p.outbound.capacity(), FIRST_BUFFER, "released once only");
        // Completed with nothing waiting: freed at once.
        let mut p = MemoryPipe::default();
        p.outbound.extend_from_slice(&[1; 10]);
        p.outbound.consume(10);
        p.handshake_done();
        assert_eq!(p.outbound.capacity(), 0);
    }

    #[test]
    fn byte_queue_keeps_order_across_partial_takes_and_compaction() {
        let mut q = ByteQueue::default();
        let mut expect = std::collections::VecDeque::new();
        let mut next = 0u8;
        let mut out = [0u8; 700];
        for round in 0..200 {
            // Append 0..1500 bytes, half by copy, half through lent space.
            let n = (round * 37) % 1500;
            let data: Vec<u8> = (0..n)
                .map(|_| {
                    next = next.wrapping_add(1);
                    next
                })
                .collect();
            if round % 2 == 0 {
                q.extend_from_slice(&data);
            } else {
                let space = q.space(n);
                assert!(space.len() >= n);
                space[..n].copy_from_slice(&data);
                assert!(q.commit(n));
            }
            expect.extend(data);
            // Take some from the front.
            let k = q.read_into(&mut out[..(round * 53) % 700]);
            let want: Vec<u8> = expect.drain(..k).collect();
            assert_eq!(&out[..k], &want[..]);
            assert_eq!(q.len(), expect.len());
            assert_eq!(q.as_slice(), expect.make_contiguous());
        }
    }

    #[test]
    fn input_queue_exact_output_queue_first_buffer() {
        let mut p = MemoryPipe::default();
        p.inbound.extend_from_slice(&[1; 80]);
        assert_eq!(p.inbound.capacity(), 80, "input: exact first buffer");
        p.outbound.extend_from_slice(&[1; 80]);
        assert_eq!(p.outbound.capacity(), FIRST_BUFFER);
        p.handshake_done();
        let mut out = [0u8; 80];
        assert_eq!(p.outbound.read_into(&mut out), 80);
        p.outbound_taken();
        assert_eq!(p.outbound.capacity(), 0, "given back");
        p.outbound.extend_from_slice(&[2; 10]);
        assert_eq!(p.outbound.capacity(), FIRST_BUFFER, "the minimum kept");
    }

    #[test]
    fn first_buffer_then_exact_or_doubled() {
        let mut q = ByteQueue::with_first_buffer(FIRST_BUFFER);
        q.extend_from_slice(&[1; 80]);
        assert_eq!(q.capacity(), FIRST_BUFFER, "small first flight");
        // A later, larger flight fits without a new buffer.
        let mut out = [0u8; 80];
        assert_eq!(q.read_into(&mut out), 80);
        q.extend_from_slice(&[2; 300]);
        assert_eq!(q.capacity(), FIRST_BUFFER);
        // Compaction makes room when it can: 200 taken, 400 more fit.
        let mut out = [0u8; 200];
        assert_eq!(q.read_into(&mut out), 200);
        q.extend_from_slice(&[3; 400]);
        assert_eq!(q.capacity(), FIRST_BUFFER);
        assert_eq!(&q.as_slice()[..100], &[2; 100]);
        assert_eq!(&q.as_slice()[100..], &[3; 400]);
        // Growing doubles, keeping the order.
        q.extend_from_slice(&[4; 100]);
        assert_eq!(q.capacity(), 2 * FIRST_BUFFER);
        assert_eq!(q.len(), 600);
        assert_eq!(&q.as_slice()[500..], &[4; 100]);
        // A first flight larger than FIRST_BUFFER gets its exact size.
        let mut q = ByteQueue::default();
        q.extend_from_slice(&[5; 1200]);
        assert_eq!(q.capacity(), 1200);
    }

    #[test]
    fn lent_space_survives_reads_but_not_appends() {
        let mut q = ByteQueue::default();
        q.extend_from_slice(b"hello world");
        let space = q.space(5);
        space[..5].copy_from_slice(b"12345");
        // TLS reads from the front in between: the lend stays valid.
        let mut buf = [0u8; 11];
        assert_eq!(q.read_into(&mut buf), 11);
        assert!(q.commit(5));
        assert_eq!(q.as_slice(), b"12345");
        // Nothing lent any more.
        assert!(!q.commit(1));
        assert!(q.commit(0));
        // An append ends a lend.
        let _ = q.space(8);
        q.extend_from_slice(b"x");
        assert_eq!(q.lent(), 0);
        assert!(!q.commit(1));
        // More than lent is refused and changes nothing.
        let cap = q.space(0).len();
        assert!(!q.commit(cap + 1));
        assert_eq!(q.as_slice(), b"12345x");
        assert!(q.commit(0));
    }

    #[test]
    fn consume_and_drain() {
        let mut q = ByteQueue::default();
        q.extend([1u8, 2, 3, 4, 5]);
        q.consume(2);
        assert_eq!(q.as_slice(), &[3, 4, 5]);
        let v: Vec<u8> = q.drain(..).collect();
        assert_eq!(v, vec![3, 4, 5]);
        assert!(q.is_empty());
        q.extend(&[9u8, 8]);
        assert_eq!(q.as_slice(), &[9, 8]);
    }
}
