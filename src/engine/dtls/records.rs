//! Records that must not reach OpenSSL, and checks of DTLS configurations and peer addresses.

use super::*;

/// The shortest protected record any DTLS 1.2 suite produces: an AEAD tag
/// (8 bytes for CCM-8, 16 otherwise) plus its explicit nonce, or a CBC IV
/// and one block.
pub(super) const MIN_PROTECTED_RECORD: usize = 16;

/// The datagram without the records of a non-zero epoch that are too short
/// to be authentic. OpenSSL 3.0 answers such a record with a fatal
/// internal_error alert instead of dropping it as RFC 6347 §4.1.2.7 asks,
/// so one spoofed datagram could end a connection. Everything else
/// (including malformed framing, which OpenSSL drops) passes unchanged.
pub(super) fn drop_short_protected_records(d: &[u8]) -> Vec<u8> {
    const HEADER: usize = 13;
    let mut out = Vec::with_capacity(d.len());
    let mut rest = d;
    while rest.len() >= HEADER {
        let epoch = u16::from_be_bytes([rest[3], rest[4]]);
        let len = u16::from_be_bytes([rest[11], rest[12]]) as usize;
        let end = (HEADER + len).min(rest.len());
        if epoch == 0 || len >= MIN_PROTECTED_RECORD {
            out.extend_from_slice(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out.extend_from_slice(rest);
    out
}

/// DTLSv1_listen on the datagram queued in `ssl`: 1 for a ClientHello with
/// a valid cookie, 0 when it was answered or dropped, < 0 on error.
pub(super) fn listen_once(ssl: &Ssl) -> c_int {
    // SAFETY: BIO_ADDR_new allocates an address DTLSv1_listen fills; freed
    // right after. The SSL is live.
    unsafe {
        let a = BIO_ADDR_new();
        if a.is_null() {
            return -1;
        }
        let rc = DTLSv1_listen(ssl.as_ptr(), a);
        BIO_ADDR_free(a);
        rc
    }
}

pub(super) fn check_dtls_config(cfg: &SslConfiguration) -> Res<()> {
    if !is_dtls_protocol(cfg.protocol()) {
        return Err(invalid_input(format!(
            "the configuration's protocol ({}) is a TLS protocol; a DTLS connection needs a \
             DTLS configuration (qssl_config_default_dtls_configuration(), protocol \
             DtlsV1_2OrLater)",
            cfg.protocol()
        )));
    }
    Ok(())
}

pub(super) fn check_peer_address(addr: IpAddr) -> Res<()> {
    let bad = match addr {
        IpAddr::V4(a) => a.is_unspecified() || a.is_broadcast() || a.is_multicast(),
        IpAddr::V6(a) => a.is_unspecified() || a.is_multicast(),
    };
    if bad {
        return Err(invalid_input(format!(
            "invalid peer address {addr}: it must not be unspecified, broadcast or multicast"
        )));
    }
    Ok(())
}
