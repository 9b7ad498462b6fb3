//! Host-name matching: a pure check of a certificate against a name.

use std::net::IpAddr;

use foreign_types::ForeignTypeRef;

use super::Certificate;

/// True when `name` matches the certificate: IP literals against IP SANs,
/// names against DNS SANs (wildcards in the left-most label) or, with no DNS
/// SAN, the common name. OpenSSL's RFC 6125 matcher does the work.
pub(crate) fn host_matches(cert: &Certificate, name: &str) -> bool {
    let Some(x) = cert.x509() else { return false };
    let name = name.trim_end_matches('.');
    // A NUL never matches (OpenSSL would drop a trailing one).
    if name.is_empty() || name.as_bytes().contains(&0) {
        return false;
    }
    if is_ip_literal(name.as_bytes()) {
        let c = std::ffi::CString::new(name).unwrap_or_default();
        // SAFETY: live certificate and NUL-terminated address; only read.
        return unsafe { openssl_sys::X509_check_ip_asc(x.as_ptr(), c.as_ptr(), 0) == 1 };
    }
    // SAFETY: live certificate; the name is passed with its length (no NUL
    // inside, checked above); the function only reads.
    unsafe {
        openssl_sys::X509_check_host(
            x.as_ptr(),
            name.as_ptr().cast(),
            name.len(),
            0,
            std::ptr::null_mut(),
        ) == 1
    }
}

/// True when `name` (without trailing dots) is an IP address literal: the
/// host check matches those against IP SANs, and SNI never carries one.
/// Every IPv6 literal has a ':', an IPv4 literal only digits and dots, so
/// anything else is a host name, decided without parsing or copying it.
pub(crate) fn is_ip_literal(name: &[u8]) -> bool {
    (name.contains(&b':') || name.iter().all(|&b| b.is_ascii_digit() || b == b'.'))
        && parses_as_ip(name)
}

/// The parse behind [`is_ip_literal`] (out of line: only names shaped like
/// an address get here).
#[cold]
#[inline(never)]
fn parses_as_ip(name: &[u8]) -> bool {
    std::str::from_utf8(name).is_ok_and(|n| n.parse::<IpAddr>().is_ok())
}
