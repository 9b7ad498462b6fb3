//! The byte transports a connection runs over: a socket file descriptor the
//! application owns (blocking or not), or a memory pipe the application
//! feeds and drains.

use std::io::{self, Read, Write};
use std::os::fd::RawFd;

/// A transport. `Read`/`Write` report `WouldBlock` when a non-blocking
/// socket or an empty memory pipe cannot make progress, and `TimedOut` when
/// the receive/send time-out of a blocking socket expires.
#[derive(Debug)]
pub enum Transport {
    /// A socket the application owns; never closed by qssl.
    Fd(RawFd),
    /// Bytes in from the peer and bytes out to it, moved by the application.
    Memory(MemoryPipe),
}

/// The memory transport's two queues.
#[derive(Debug, Default)]
pub struct MemoryPipe {
    /// Received from the peer, not yet consumed by TLS.
    pub inbound: ByteQueue,
    /// Produced by TLS, not yet taken by the application.
    pub outbound: ByteQueue,
    /// The peer's side is closed: reads past `inbound` see end of file.
    pub eof: bool,
}

/// A byte queue in one contiguous buffer, so that its bytes and its free
/// space can be lent to the application without a copy (the zero-copy
/// memory transport): the live bytes are `buf[start..end]`, the space after
/// them `buf[end..]`. `buf` only grows (a zeroed allocation each time), so
/// every byte of it is initialised and no `unsafe` is needed.
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
}

/// The largest buffer the application may ask the memory transport to lend.
pub const MAX_LEND: usize = 64 << 20;

impl ByteQueue {
    /// How many bytes are queued.
    pub fn len(&self) -> usize {
        self.end - self.start
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

    /// Moves up to `dst.len()` bytes from the front into `dst`; returns how many.
    pub fn read_into(&mut self, dst: &mut [u8]) -> usize {
        let n = self.len().min(dst.len());
        dst[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
        self.start += n;
        n
    }

    /// Makes room for at least `want` more bytes after the queued ones and
    /// returns all the free space after them (at least `want` bytes). Bytes
    /// written there count once [`Self::commit`] says how many.
    pub fn space(&mut self, want: usize) -> &mut [u8] {
        if self.start == self.end {
            self.clear();
        } else if self.start > 0 && self.buf.len() - self.end < want {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let need = self.end + want;
        if self.buf.len() < need {
            // A fresh zeroed buffer (calloc) and one copy of the live bytes:
            // `Vec::resize` would zero the growth a byte at a time.
            // The first allocation is exact (a connection kept alive after a
            // small handshake holds no slack); later ones double.
            let grown = if self.buf.is_empty() {
                need
            } else {
                need.max(self.buf.len() * 2)
            };
            let mut fresh = vec![0u8; grown];
            let live = self.end - self.start;
            fresh[..live].copy_from_slice(&self.buf[self.start..self.end]);
            self.buf = fresh;
            self.start = 0;
            self.end = live;
        }
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

    /// Appends `data`.
    pub fn extend_from_slice(&mut self, data: &[u8]) {
        self.space(data.len())[..data.len()].copy_from_slice(data);
        self.end += data.len();
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

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
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
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
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

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

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
