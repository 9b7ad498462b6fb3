//! The byte transports a connection runs over: a socket file descriptor the
//! application owns (blocking or not), or a memory pipe the application
//! feeds and drains.

use std::collections::VecDeque;
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
    pub inbound: VecDeque<u8>,
    /// Produced by TLS, not yet taken by the application.
    pub outbound: VecDeque<u8>,
    /// The peer's side is closed: reads past `inbound` see end of file.
    pub eof: bool,
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
                Ok(take_front(&mut p.inbound, buf))
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
                p.outbound.extend(buf);
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

/// Moves up to `buf.len()` bytes from the front of `q` into `buf` (two
/// slice copies at most) and returns how many.
pub(crate) fn take_front(q: &mut VecDeque<u8>, buf: &mut [u8]) -> usize {
    let n = q.len().min(buf.len());
    let (a, b) = q.as_slices();
    let na = a.len().min(n);
    buf[..na].copy_from_slice(&a[..na]);
    if n > na {
        buf[na..n].copy_from_slice(&b[..n - na]);
    }
    q.drain(..n);
    n
}
