//! Beyond Qt: what a server that scales out sets on its configuration.
//! Certificates per server name (SNI), session ticket keys shared by a
//! fleet, and a key log for debugging. None of these is part of Qt's `==`;
//! like the PSK callback they are shared by copies of the configuration.

use std::ffi::CStr;
use std::sync::Arc;

use crate::Error;
use crate::model::bytes::SecretBytes;
use crate::model::config::SslConfiguration;

/// What an SNI handler decides for one client hello.
pub enum SniChoice {
    /// Serve the connection with this configuration (its certificate,
    /// chain, key, verification and ALPN settings).
    Use(SslConfiguration),
    /// Keep the listening configuration.
    Keep,
    /// Refuse the handshake with the `unrecognized_name` alert.
    Refuse,
}

/// Chooses the configuration for a client's requested server name (the
/// application's callback). `name` is `None` when the client sent no SNI.
pub trait SniHandler: Send + Sync {
    /// The decision for `name`.
    fn select(&self, name: Option<&str>) -> SniChoice;
}

/// Receives each key log line (NSS key log format, without a newline).
pub trait KeylogHandler: Send + Sync {
    /// One line, for example `CLIENT_RANDOM <hex> <hex>`.
    fn log(&self, line: &CStr);
}

/// One entry of the name table: a pattern and the configurations serving it
/// (more than one when certificates of different key types, for example
/// ECDSA and RSA, serve one name; OpenSSL picks by what the client supports).
#[derive(Clone)]
pub struct SniEntry {
    /// Lower-case name, `*.domain` (one leftmost label) or `*` (any name,
    /// and connections without SNI).
    pub pattern: String,
    /// The first serves; the others add their certificate and key.
    pub configs: Vec<SslConfiguration>,
}

/// The no-code SNI table: exact names first, then wildcards, then `*`.
/// No match keeps the listening configuration, unless `strict`, which
/// refuses with `unrecognized_name`.
#[derive(Clone, Default)]
pub struct SniTable {
    /// The entries, in the order added.
    pub entries: Vec<SniEntry>,
    /// Refuse names without an entry (`unrecognized_name`).
    pub strict: bool,
}

/// Checks and normalises a name pattern.
pub fn normalize_pattern(pattern: &str) -> Result<String, Error> {
    let p = pattern.trim_end_matches('.').to_ascii_lowercase();
    if p == "*" {
        return Ok(p);
    }
    let rest = p.strip_prefix("*.").unwrap_or(&p);
    let ok = !rest.is_empty()
        && rest.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if !ok || p.len() > 253 {
        return Err(Error::invalid(format!(
            "'{pattern}' is not a server name pattern (a host name, '*.domain' or '*')"
        )));
    }
    Ok(p)
}

impl SniTable {
    /// Adds a configuration for a pattern (after the ones already there).
    pub fn add(&mut self, pattern: &str, cfg: SslConfiguration) -> Result<(), Error> {
        let p = normalize_pattern(pattern)?;
        match self.entries.iter_mut().find(|e| e.pattern == p) {
            Some(e) => e.configs.push(cfg),
            None => self.entries.push(SniEntry {
                pattern: p,
                configs: vec![cfg],
            }),
        }
        Ok(())
    }

    /// The entry serving `name` (`None`: no SNI sent).
    pub fn lookup(&self, name: Option<&str>) -> Option<&SniEntry> {
        let name = name.map(|n| n.trim_end_matches('.').to_ascii_lowercase());
        if let Some(n) = name.as_deref() {
            if let Some(e) = self.entries.iter().find(|e| e.pattern == n) {
                return Some(e);
            }
            if let Some((_, parent)) = n.split_once('.') {
                let wild = format!("*.{parent}");
                if let Some(e) = self.entries.iter().find(|e| e.pattern == wild) {
                    return Some(e);
                }
            }
        }
        self.entries.iter().find(|e| e.pattern == "*")
    }
}

/// One session ticket key: a 16-byte name sent in the clear in each ticket,
/// an HMAC-SHA256 key and an AES-CBC key (128 or 256 bits). The key bytes
/// are wiped when the key is dropped.
pub struct TicketKey {
    /// The key name (sent in the clear at the start of each ticket).
    pub name: [u8; 16],
    /// The HMAC-SHA256 key.
    pub hmac_key: SecretBytes,
    /// The AES-CBC key (16 or 32 bytes).
    pub aes_key: SecretBytes,
}

impl TicketKey {
    /// An 80-byte key in nginx's layout (name, HMAC key, AES-256 key), or a
    /// 48-byte one (name, AES-128 key, HMAC key; nginx and HAProxy agree).
    pub fn from_nginx(b: &[u8]) -> Result<Self, Error> {
        match b.len() {
            80 => Ok(TicketKey {
                name: b[..16].try_into().expect("16 bytes"),
                hmac_key: SecretBytes::new(&b[16..48]),
                aes_key: SecretBytes::new(&b[48..80]),
            }),
            48 => Self::from_haproxy(b),
            n => Err(Error::invalid(format!(
                "a session ticket key has 80 or 48 bytes, not {n}"
            ))),
        }
    }

    /// An 80-byte key in HAProxy's layout (name, AES-256 key, HMAC key), or
    /// a 48-byte one.
    pub fn from_haproxy(b: &[u8]) -> Result<Self, Error> {
        let (aes, hmac) = match b.len() {
            80 => (&b[16..48], &b[48..80]),
            48 => (&b[16..32], &b[32..48]),
            n => {
                return Err(Error::invalid(format!(
                    "a session ticket key has 80 or 48 bytes, not {n}"
                )));
            }
        };
        Ok(TicketKey {
            name: b[..16].try_into().expect("16 bytes"),
            hmac_key: SecretBytes::new(hmac),
            aes_key: SecretBytes::new(aes),
        })
    }
}

/// The keys of a fleet: the first encrypts new tickets; all decrypt.
pub struct TicketKeys {
    /// The keys, the current one first.
    pub keys: Vec<TicketKey>,
}

impl TicketKeys {
    /// Concatenated keys in nginx's binary layout, the current one first.
    pub fn from_nginx_bytes(b: &[u8]) -> Result<Self, Error> {
        let size = if b.len() % 80 == 0 && !b.is_empty() {
            80
        } else if b.len() % 48 == 0 && !b.is_empty() {
            48
        } else {
            return Err(Error::invalid(format!(
                "session ticket keys: {} bytes is not a whole number of 80-byte (or 48-byte) keys",
                b.len()
            )));
        };
        let keys = b
            .chunks(size)
            .map(TicketKey::from_nginx)
            .collect::<Result<Vec<_>, _>>()?;
        Self::checked(keys)
    }

    /// A key file: nginx's binary file (one or more 80- or 48-byte keys, the
    /// first encrypts), or HAProxy's text file (one base64 key per line; the
    /// next-to-last line encrypts, as in HAProxy, so a new key can be
    /// appended to every server of a fleet before it starts encrypting).
    pub fn from_file_bytes(b: &[u8]) -> Result<Self, Error> {
        let text = !b.is_empty()
            && b.iter().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'\n' | b'\r')
            });
        if !text {
            return Self::from_nginx_bytes(b);
        }
        let mut keys = Vec::new();
        for (i, line) in b.split(|&c| c == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            let mut raw = base64_decode(line).ok_or_else(|| {
                Error::invalid(format!(
                    "session ticket key file: line {} is not base64",
                    i + 1
                ))
            })?;
            let k = TicketKey::from_haproxy(&raw);
            crate::model::bytes::wipe_bytes(&mut raw);
            keys.push(k.map_err(|e| {
                Error::invalid(format!("session ticket key file: line {}: {e}", i + 1))
            })?);
        }
        if keys.len() >= 2 {
            let current = keys.remove(keys.len() - 2);
            keys.insert(0, current);
        }
        Self::checked(keys)
    }

    fn checked(keys: Vec<TicketKey>) -> Result<Self, Error> {
        if keys.is_empty() {
            return Err(Error::invalid("session ticket keys: no key given"));
        }
        let sizes: Vec<usize> = keys.iter().map(|k| k.aes_key.len()).collect();
        if sizes.iter().any(|&s| s != sizes[0]) {
            return Err(Error::invalid(
                "session ticket keys: 80-byte and 48-byte keys cannot be mixed",
            ));
        }
        Ok(TicketKeys { keys })
    }

    /// The key named `name` and whether it is the current one.
    pub fn find(&self, name: &[u8]) -> Option<(&TicketKey, bool)> {
        self.keys
            .iter()
            .enumerate()
            .find(|(_, k)| k.name == name)
            .map(|(i, k)| (k, i == 0))
    }
}

/// Decodes standard base64 (with or without padding); `None` if invalid.
fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let s = s
        .strip_suffix(b"==")
        .or_else(|| s.strip_suffix(b"="))
        .unwrap_or(s);
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// The beyond-Qt server settings of a configuration (see the module doc).
#[derive(Clone, Default)]
pub struct ServerExtras {
    /// The application's SNI callback (wins over the table).
    pub sni_handler: Option<Arc<dyn SniHandler>>,
    /// The name table.
    pub sni_table: Option<Arc<SniTable>>,
    /// Ticket keys (`None`: OpenSSL's per-context random keys).
    pub ticket_keys: Option<Arc<TicketKeys>>,
    /// The key log callback.
    pub keylog: Option<Arc<dyn KeylogHandler>>,
    /// SNI choices without a key log of their own, each with this key log
    /// added (built once, then reused); emptied whenever the extras change.
    pub keylog_derived: Arc<std::sync::Mutex<Vec<(SslConfiguration, SslConfiguration)>>>,
}

impl ServerExtras {
    /// `cfg` with this key log added when it has none of its own (so the
    /// listening configuration's key log covers the connections SNI hands
    /// to another configuration); the same derived configuration each time,
    /// so its context is built once.
    pub fn with_keylog(&self, cfg: &SslConfiguration) -> SslConfiguration {
        let Some(k) = &self.keylog else {
            return cfg.clone();
        };
        if cfg.server_extras().is_some_and(|x| x.keylog.is_some()) {
            return cfg.clone();
        }
        let mut cache = self
            .keylog_derived
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some((_, d)) = cache.iter().find(|(c, _)| c.shares_data_with(cfg)) {
            return d.clone();
        }
        let mut d = cfg.clone();
        let k = k.clone();
        d.update_server_extras(|x| x.keylog = Some(k));
        if cache.len() >= 256 {
            cache.clear();
        }
        cache.push((cfg.clone(), d.clone()));
        d
    }
}

impl std::fmt::Debug for ServerExtras {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key bytes.
        f.debug_struct("ServerExtras")
            .field("sni_handler", &self.sni_handler.is_some())
            .field(
                "sni_entries",
                &self.sni_table.as_ref().map(|t| t.entries.len()),
            )
            .field(
                "ticket_keys",
                &self.ticket_keys.as_ref().map(|k| k.keys.len()),
            )
            .field("keylog", &self.keylog.is_some())
            .finish()
    }
}

impl ServerExtras {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        self.sni_handler.is_none()
            && self.sni_table.is_none()
            && self.ticket_keys.is_none()
            && self.keylog.is_none()
    }

    /// True when the server picks a configuration per server name.
    pub fn has_sni(&self) -> bool {
        self.sni_handler.is_some() || self.sni_table.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_lengths() {
        assert_eq!(base64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGk=").unwrap(), b"hi");
        assert!(base64_decode(b"a").is_none());
        assert!(base64_decode(b"a*==").is_none());
    }

    #[test]
    fn patterns_and_lookup() {
        assert!(normalize_pattern("").is_err());
        assert!(normalize_pattern("a..b").is_err());
        assert!(normalize_pattern("*x.com").is_err());
        assert!(normalize_pattern("x.*.com").is_err());
        assert_eq!(
            normalize_pattern("WWW.Example.COM.").unwrap(),
            "www.example.com"
        );
        let mut t = SniTable::default();
        let a = SslConfiguration::new();
        t.add("*.example.com", a.clone()).unwrap();
        t.add("www.example.com", a.clone()).unwrap();
        t.add("www.example.com", a.clone()).unwrap();
        assert_eq!(t.entries.len(), 2);
        assert_eq!(t.lookup(Some("WWW.example.com")).unwrap().configs.len(), 2);
        assert_eq!(
            t.lookup(Some("api.example.com")).unwrap().pattern,
            "*.example.com"
        );
        assert!(t.lookup(Some("a.b.example.com")).is_none());
        assert!(t.lookup(Some("example.com")).is_none());
        assert!(t.lookup(None).is_none());
        t.add("*", a).unwrap();
        assert_eq!(t.lookup(None).unwrap().pattern, "*");
        assert_eq!(t.lookup(Some("other.org")).unwrap().pattern, "*");
    }

    #[test]
    fn key_files() {
        let raw: Vec<u8> = (0..160u8).collect();
        let k = TicketKeys::from_nginx_bytes(&raw).unwrap();
        assert_eq!(k.keys.len(), 2);
        assert_eq!(k.keys[0].name, *<&[u8; 16]>::try_from(&raw[..16]).unwrap());
        assert_eq!(k.keys[0].hmac_key.as_slice(), &raw[16..48]);
        assert_eq!(k.keys[0].aes_key.as_slice(), &raw[48..80]);
        assert!(k.find(&raw[80..96]).is_some_and(|(_, cur)| !cur));
        assert!(k.find(&raw[..16]).is_some_and(|(_, cur)| cur));
        assert!(TicketKeys::from_nginx_bytes(&raw[..79]).is_err());
        assert!(TicketKeys::from_nginx_bytes(&[]).is_err());
        // HAProxy text: three lines, the middle one encrypts.
        let enc = |b: &[u8]| openssl::base64::encode_block(b);
        let text = format!(
            "{}\n{}\r\n{}\n",
            enc(&raw[..80]),
            enc(&raw[80..160]),
            enc(&[7u8; 80])
        );
        let k = TicketKeys::from_file_bytes(text.as_bytes()).unwrap();
        assert_eq!(k.keys.len(), 3);
        assert_eq!(&k.keys[0].name[..], &raw[80..96]);
        assert_eq!(k.keys[0].aes_key.as_slice(), &raw[96..128]);
        assert_eq!(k.keys[0].hmac_key.as_slice(), &raw[128..160]);
        assert!(TicketKeys::from_file_bytes(b"bm90IGEga2V5\n").is_err());
        let mixed = format!("{}\n{}\n", enc(&raw[..80]), enc(&raw[..48]));
        assert!(TicketKeys::from_file_bytes(mixed.as_bytes()).is_err());
    }
}
