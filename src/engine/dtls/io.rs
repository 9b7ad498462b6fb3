//! Sending datagrams and describing failures.

use super::*;

/// Sends `d` on `fd`: to `peer` when given, else on the connected socket.
pub(super) fn send_datagram(fd: RawFd, peer: Option<SocketAddr>, d: &[u8]) -> Result<(), Error> {
    let n = match peer {
        Some(p) => {
            let (sa, len) = sockaddr(p);
            // SAFETY: `d` readable; `sa` a valid sockaddr of `len` bytes.
            unsafe {
                libc::sendto(
                    fd,
                    d.as_ptr().cast(),
                    d.len(),
                    libc::MSG_NOSIGNAL,
                    (&raw const sa).cast(),
                    len,
                )
            }
        }
        // SAFETY: `d` readable; a bad fd gives EBADF.
        None => unsafe { libc::send(fd, d.as_ptr().cast(), d.len(), libc::MSG_NOSIGNAL) },
    };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        return Err(Error::Io(format!(
            "cannot send a datagram on socket {fd}: {e}"
        )));
    }
    Ok(())
}

pub(super) fn sockaddr(p: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match p {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than sockaddr_in and aligned for it.
            unsafe { std::ptr::write((&raw mut ss).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above, for sockaddr_in6.
            unsafe { std::ptr::write((&raw mut ss).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

/// Moves the datagrams OpenSSL wrote to the socket, or leaves them queued
/// for the application (memory).
pub(super) fn flush(
    ssl: &Ssl,
    io: Io,
    peer: Option<SocketAddr>,
    memory_out: &mut VecDeque<Vec<u8>>,
) -> Res<()> {
    let Some(q) = ssl_queues(ssl) else {
        return Ok(());
    };
    while let Some(d) = q.outbound.pop_front() {
        match io {
            Io::Memory => memory_out.push_back(d),
            Io::Fd(fd) => {
                send_datagram(fd, peer, &d)
                    .map_err(|e| failure(dtls_error::UNDERLYING_SOCKET_ERROR, e))?;
            }
        }
    }
    Ok(())
}

/// OpenSSL's error after a failed step, as a message ("" when none).
pub(super) fn ssl_failure_text(shared: &SharedState) -> String {
    let stack = openssl::error::ErrorStack::get();
    let mut msg = openssl_reasons(&stack);
    let st = lock(shared);
    if let Some(p) = st.psk_error.as_deref() {
        msg = if msg.is_empty() {
            p.to_string()
        } else {
            format!("{p}: {msg}")
        };
    }
    if let Some(a) = st.alert_sent {
        msg.push_str(&format!(
            "; alert sent: {} ({})",
            crate::ossl::alert_text(a.kind),
            a.kind
        ));
    }
    if let Some(a) = st.alert_received {
        msg.push_str(&format!(
            "; alert received: {} ({})",
            crate::ossl::alert_text(a.kind),
            a.kind
        ));
    }
    crate::ossl::clear_error_queue();
    msg
}
