//! Reading certificates from PEM (leniently, as Qt's OpenSSL backend does)
//! and from concatenated DER.

use super::*;

pub(super) const BEGIN_CERT: &[u8] = b"-----BEGIN CERTIFICATE-----";
pub(super) const END_CERT: &[u8] = b"-----END CERTIFICATE-----";

pub(super) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() || needle.is_empty() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Qt's line-feed check after a PEM marker: spaces, then "\n" or "\r\n".
pub(super) fn match_line_feed(pem: &[u8], offset: &mut usize) -> bool {
    let mut ch = 0u8;
    while *offset < pem.len() {
        ch = pem[*offset];
        if ch != b' ' {
            break;
        }
        *offset += 1;
    }
    if ch == b'\n' {
        *offset += 1;
        return true;
    }
    if ch == b'\r' && pem.len() > *offset + 1 && pem[*offset + 1] == b'\n' {
        *offset += 2;
        return true;
    }
    false
}

/// Lenient Base64 decoding as `QByteArray::fromBase64` does by default:
/// characters outside the alphabet (whitespace, '=', junk) are skipped.
pub(super) fn base64_decode_lenient(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut buf: u32 = 0;
    let mut nbits = 0;
    for &c in input {
        let d = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        buf = (buf << 6) | u32::from(d);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((buf >> nbits) as u8);
            buf &= (1 << nbits) - 1;
        }
    }
    out
}

/// Qt's `certificatesFromPem`: up to `limit` certificates, with the OpenSSL
/// error of the last block that did not decode.
pub(super) fn certificates_from_pem(
    pem: &[u8],
    limit: usize,
) -> (Vec<Certificate>, Option<ErrorStack>) {
    let mut certs = Vec::new();
    let mut last_err = None;
    let mut offset = 0;
    while certs.len() < limit {
        let Some(start) = find(pem, BEGIN_CERT, offset) else {
            break;
        };
        let mut start = start + BEGIN_CERT.len();
        if !match_line_feed(pem, &mut start) {
            break;
        }
        let Some(end) = find(pem, END_CERT, start) else {
            break;
        };
        offset = end + END_CERT.len();
        if offset < pem.len() && !match_line_feed(pem, &mut offset) {
            break;
        }
        let der = base64_decode_lenient(&pem[start..end]);
        match ossl::d2i_x509_prefix(&der) {
            Ok((x, _)) => certs.push(Certificate::from_x509(x)),
            Err(e) => last_err = Some(e),
        }
    }
    (certs, last_err)
}

/// Qt's `certificatesFromDer`, including its bookkeeping quirk: after each
/// certificate Qt subtracts the *total* consumed length from the remaining
/// size, so a run of three or more DER certificates can stop early.
pub(super) fn certificates_from_der(
    der: &[u8],
    limit: usize,
) -> (Vec<Certificate>, Option<ErrorStack>) {
    let mut certs = Vec::new();
    let mut last_err = None;
    let mut offset = 0usize;
    let mut size = der.len() as i128;
    while size > 0 && certs.len() < limit {
        // `size` never exceeds what is left after `offset`.
        let avail = usize::try_from(size).unwrap_or(0).min(der.len() - offset);
        match ossl::d2i_x509_prefix(&der[offset..offset + avail]) {
            Ok((x, used)) => {
                certs.push(Certificate::from_x509(x));
                offset += used;
            }
            Err(e) => {
                last_err = Some(e);
                break;
            }
        }
        size -= offset as i128;
    }
    (certs, last_err)
}
