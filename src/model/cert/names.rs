//! Names as Qt shows them: subject and issuer entries, display names,
//! IPv6 addresses.

use super::*;

pub(super) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// An IPv6 address as `QHostAddress::toString()` writes it: RFC 5952
/// compression, and dotted IPv4 for "::ffff:a.b.c.d" and "::a.b.c.d".
pub(super) fn ipv6_to_string(a: &[u8; 16]) -> String {
    if a[..10].iter().all(|&b| b == 0) {
        if a[10] == 0xff && a[11] == 0xff {
            return format!("::ffff:{}", Ipv4Addr::new(a[12], a[13], a[14], a[15]));
        }
        if a[10] == 0 && a[11] == 0 {
            if a[12] != 0 || a[13] != 0 || a[14] != 0 {
                return format!("::{}", Ipv4Addr::new(a[12], a[13], a[14], a[15]));
            }
            if a[15] == 0 {
                return "::".into();
            }
        }
    }
    let groups: Vec<u16> = a
        .chunks(2)
        .map(|c| u16::from(c[0]) << 8 | u16::from(c[1]))
        .collect();
    // The first longest run of at least two zero groups.
    let (mut best_start, mut best_len) = (usize::MAX, 0);
    let mut i = 0;
    while i < 8 {
        if groups[i] == 0 {
            let mut j = i;
            while j < 8 && groups[j] == 0 {
                j += 1;
            }
            if j - i > best_len {
                best_len = j - i;
                best_start = i;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        best_start = usize::MAX;
    }
    let mut s = String::new();
    let mut i = 0;
    while i < 8 {
        if i == best_start {
            s.push_str("::");
            i += best_len;
            continue;
        }
        if !s.is_empty() && !s.ends_with(':') {
            s.push(':');
        }
        s.push_str(&format!("{:x}", groups[i]));
        i += 1;
    }
    s
}

/// The (attribute, value) pairs of a name, in certificate order. Attribute
/// names are OpenSSL short names ("CN"), or the dotted OID when OpenSSL has
/// no name for it.
pub(super) fn name_entries(name: &X509NameRef) -> Vec<(Vec<u8>, String)> {
    name.entries()
        .map(|e| {
            let obj = e.object();
            let nid = obj.nid();
            let attr = match (nid != Nid::UNDEF).then(|| nid.short_name().ok()).flatten() {
                Some(sn) => sn.to_string(),
                None => obj.to_string(),
            };
            let value = e.data().to_string().unwrap_or_default();
            (attr.into_bytes(), value)
        })
        .collect()
}

/// Qt's `QMultiMap::values(key)`: the most recently inserted value first,
/// so repeated attributes come in reverse certificate order.
pub(super) fn info_values(entries: &[(Vec<u8>, String)], attribute: &[u8]) -> Vec<String> {
    entries
        .iter()
        .rev()
        .filter(|(a, _)| a == attribute)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Qt's `QMultiMap::uniqueKeys()`: sorted, without duplicates.
pub(super) fn info_attributes(entries: &[(Vec<u8>, String)]) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = entries.iter().map(|(a, _)| a.clone()).collect();
    keys.sort();
    keys.dedup();
    keys
}

pub(super) fn display_name(entries: &[(Vec<u8>, String)]) -> String {
    for attr in [&b"CN"[..], b"O", b"OU"] {
        if let Some(v) = info_values(entries, attr).into_iter().next() {
            return v;
        }
    }
    String::new()
}
