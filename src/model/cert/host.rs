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
    if name.is_empty() {
        return false;
    }
    let c = std::ffi::CString::new(name).unwrap_or_default();
    // SAFETY: live certificate and NUL-terminated name; the functions only read.
    unsafe {
        if name.parse::<IpAddr>().is_ok() {
            openssl_sys::X509_check_ip_asc(x.as_ptr(), c.as_ptr(), 0) == 1
        } else {
            openssl_sys::X509_check_host(
                x.as_ptr(),
                c.as_ptr(),
                name.len(),
                0,
                std::ptr::null_mut(),
            ) == 1
        }
    }
}
