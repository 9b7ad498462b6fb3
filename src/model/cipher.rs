//! `QSslCipher`: a cipher suite as Qt describes it, and the process-wide
//! supported and default cipher lists read from the loaded OpenSSL.

use std::sync::{Arc, OnceLock};

use openssl::ssl::{SslCipherRef, SslContext, SslMethod};

use crate::model::enums::protocol;

/// A cipher suite, or the null cipher. Clones share the data.
#[derive(Clone, Default)]
pub struct Cipher {
    inner: Option<Arc<CipherData>>,
}

#[derive(Debug, PartialEq, Eq)]
struct CipherData {
    name: String,
    protocol_string: String,
    protocol: i32,
    key_exchange: String,
    authentication: String,
    encryption: String,
    supported_bits: i32,
    used_bits: i32,
}

impl Cipher {
    /// The null cipher.
    pub fn null() -> Self {
        Cipher { inner: None }
    }

    /// Builds a cipher from OpenSSL's description of a suite, as Qt does.
    pub(crate) fn from_openssl(c: &SslCipherRef) -> Self {
        let desc = c.description();
        let mut fields = desc.split_whitespace();
        let name = fields.next().unwrap_or_default().to_string();
        let protocol_string = fields.next().unwrap_or_default().to_string();
        let (mut kx, mut au, mut enc) = (String::new(), String::new(), String::new());
        for f in fields {
            if let Some(v) = f.strip_prefix("Kx=") {
                kx = v.to_string();
            } else if let Some(v) = f.strip_prefix("Au=") {
                au = v.to_string();
            } else if let Some(v) = f.strip_prefix("Enc=") {
                enc = v.to_string();
            }
        }
        let bits = c.bits();
        Cipher {
            inner: Some(Arc::new(CipherData {
                protocol: protocol_from_string(&protocol_string),
                name,
                protocol_string,
                key_exchange: kx,
                authentication: au,
                encryption: enc,
                supported_bits: bits.algorithm,
                used_bits: bits.secret,
            })),
        }
    }

    /// `QSslCipher(name)`: the first supported cipher with exactly this name
    /// (case-sensitive), or null.
    pub fn from_name(name: &str) -> Self {
        // The lists borrowed, not copied (a copy is a write to a reference
        // count every connection shares: this runs once per handshake).
        lists()
            .supported
            .iter()
            .chain(lists().ccm8.iter())
            .find(|c| c.name() == name)
            .cloned()
            .unwrap_or_default()
    }

    /// `QSslCipher(name, protocol)`: both must match, or null.
    pub fn from_name_and_protocol(name: &str, proto: i32) -> Self {
        supported_ciphers()
            .iter()
            .find(|c| c.name() == name && c.protocol() == proto)
            .cloned()
            .unwrap_or_default()
    }

    /// True for the null cipher.
    pub fn is_null(&self) -> bool {
        self.inner.is_none()
    }

    /// The suite's OpenSSL name ("" when null).
    pub fn name(&self) -> &str {
        self.inner.as_ref().map_or("", |d| &d.name)
    }

    /// `QSsl::SslProtocol` of the suite's minimum version (-1 when null or unknown).
    pub fn protocol(&self) -> i32 {
        self.inner
            .as_ref()
            .map_or(protocol::UNKNOWN_PROTOCOL, |d| d.protocol)
    }

    /// The protocol as OpenSSL names it ("TLSv1.3", "SSLv3", ...).
    pub fn protocol_string(&self) -> &str {
        self.inner.as_ref().map_or("", |d| &d.protocol_string)
    }

    /// The key exchange method ("ECDH", "any", ...).
    pub fn key_exchange_method(&self) -> &str {
        self.inner.as_ref().map_or("", |d| &d.key_exchange)
    }

    /// The authentication method ("RSA", "ECDSA", "any", ...).
    pub fn authentication_method(&self) -> &str {
        self.inner.as_ref().map_or("", |d| &d.authentication)
    }

    /// The encryption method ("AESGCM(256)", ...).
    pub fn encryption_method(&self) -> &str {
        self.inner.as_ref().map_or("", |d| &d.encryption)
    }

    /// Bits the algorithm supports (0 when null).
    pub fn supported_bits(&self) -> i32 {
        self.inner.as_ref().map_or(0, |d| d.supported_bits)
    }

    /// Bits in use (0 when null).
    pub fn used_bits(&self) -> i32 {
        self.inner.as_ref().map_or(0, |d| d.used_bits)
    }
}

/// Qt's mapping of OpenSSL's protocol text to `QSsl::SslProtocol`.
fn protocol_from_string(s: &str) -> i32 {
    match s {
        "TLSv1.3" => protocol::TLS_V1_3,
        "TLSv1.2" => protocol::TLS_V1_2,
        "TLSv1.1" => protocol::TLS_V1_1,
        "TLSv1" => protocol::TLS_V1_0,
        _ => protocol::UNKNOWN_PROTOCOL,
    }
}

impl PartialEq for Cipher {
    /// Qt compares name and protocol only; null equals null. Copies share
    /// their data and are equal without comparing names.
    fn eq(&self, other: &Self) -> bool {
        if let (Some(a), Some(b)) = (&self.inner, &other.inner) {
            if Arc::ptr_eq(a, b) {
                return true;
            }
        }
        self.name() == other.name() && self.protocol() == other.protocol()
    }
}

impl Eq for Cipher {}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cipher({}, {})", self.name(), self.protocol())
    }
}

struct CipherLists {
    supported: Arc<[Cipher]>,
    default: Arc<[Cipher]>,
    /// The CCM-8 suites (short tags, for constrained devices: CoAP's
    /// mandatory DTLS suite is PSK-AES128-CCM8). OpenSSL leaves them out of
    /// its default list, so they are not "supported" in Qt's sense, but
    /// asking for one by name works (beyond Qt).
    ccm8: Arc<[Cipher]>,
}

fn lists() -> &'static CipherLists {
    static LISTS: OnceLock<CipherLists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let supported: Vec<Cipher> = SslContext::builder(SslMethod::tls_client())
            .ok()
            .map(|b| b.build())
            .and_then(|ctx| crate::engine::context::new_ssl(&ctx).ok())
            .map(|ssl| {
                crate::ossl::ssl_ciphers(&ssl)
                    .into_iter()
                    .map(Cipher::from_openssl)
                    .filter(|c| {
                        let n = c.name().to_ascii_lowercase();
                        !(n.starts_with("adh")
                            || n.starts_with("exp-adh")
                            || n.starts_with("aecdh"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        crate::ossl::clear_error_queue();
        let default: Vec<Cipher> = supported
            .iter()
            .filter(|c| c.used_bits() >= 128)
            .cloned()
            .collect();
        let ccm8: Vec<Cipher> = SslContext::builder(SslMethod::tls_client())
            .ok()
            .and_then(|mut b| b.set_cipher_list("AESCCM8").ok().map(|_| b.build()))
            .and_then(|ctx| crate::engine::context::new_ssl(&ctx).ok())
            .map(|ssl| {
                crate::ossl::ssl_ciphers(&ssl)
                    .into_iter()
                    .map(Cipher::from_openssl)
                    .filter(|c| c.name().ends_with("CCM8"))
                    .collect()
            })
            .unwrap_or_default();
        crate::ossl::clear_error_queue();
        CipherLists {
            supported: supported.into(),
            default: default.into(),
            ccm8: ccm8.into(),
        }
    })
}

/// `QSslConfiguration::supportedCiphers()`: every suite the loaded OpenSSL
/// offers by default, anonymous suites removed. Computed once per process.
pub fn supported_ciphers() -> Arc<[Cipher]> {
    lists().supported.clone()
}

/// The default configuration's cipher list: supported suites of 128 bits or more.
pub fn default_ciphers() -> Arc<[Cipher]> {
    lists().default.clone()
}

/// `QSslConfiguration::setCiphers(const QString &)` (Qt 6) without the
/// configuration: splits `ciphers` on ':', skips empty segments, looks each
/// name up as [`Cipher::from_name`] does (exact, case-sensitive, first match
/// in [`supported_ciphers`]), silently drops names that do not resolve and
/// keeps duplicates and order. `"AES256-SHA:BOGUS::AES256-SHA"` gives
/// `[AES256-SHA, AES256-SHA]`; `"NOPE"` gives an empty list.
pub fn parse_cipher_string(ciphers: &str) -> Vec<Cipher> {
    let supported = supported_ciphers();
    ciphers
        .split(':')
        .filter(|name| !name.is_empty())
        .filter_map(|name| {
            supported
                .iter()
                .chain(lists().ccm8.iter())
                .find(|c| c.name() == name)
                .cloned()
        })
        .collect()
}
