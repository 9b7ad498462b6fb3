//! `QSslKey`: a public or private key. Explicitly shared (clones share the
//! OpenSSL object). OpenSSL frees private key material with its clearing
//! free functions, so private bytes are wiped when the last reference goes.
//!
//! Buffers this module creates that hold private key material (DER and PEM
//! exports, file contents read for a key) are [`Zeroizing`] and overwritten
//! with zeros when dropped. Inputs are borrowed, never copied: passphrases
//! are handed to OpenSSL's passphrase callback straight from the caller's
//! buffer.

use std::ops::{Deref, DerefMut};

use foreign_types::ForeignType;
use openssl::error::ErrorStack;
use openssl::pkey::{Id, PKey, PKeyRef, Private};
use openssl::symm::Cipher;

use crate::Error;
use crate::model::enums::{encoding, key_algorithm, key_type};
use crate::ossl;

/// Something [`Zeroizing`] can wipe.
pub trait Wipe {
    /// Overwrites the bytes with zeros.
    fn wipe(&mut self);
}

impl Wipe for Vec<u8> {
    /// Wipes the whole allocation: the bytes and the spare capacity.
    fn wipe(&mut self) {
        ossl::cleanse_vec(self);
    }
}

impl Wipe for &mut [u8] {
    fn wipe(&mut self) {
        ossl::cleanse(self);
    }
}

/// A byte buffer that is overwritten with zeros when dropped (OpenSSL's
/// `OPENSSL_cleanse`, which the optimiser does not remove). Dereferences to
/// the wrapped value.
#[derive(Default)]
pub struct Zeroizing<T: Wipe>(T);

impl<T: Wipe> Zeroizing<T> {
    /// Wraps `value`; it is wiped when the wrapper is dropped.
    pub fn new(value: T) -> Self {
        Zeroizing(value)
    }
}

impl<T: Wipe> Drop for Zeroizing<T> {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

impl<T: Wipe> Deref for Zeroizing<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Wipe> DerefMut for Zeroizing<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Wipe> std::fmt::Debug for Zeroizing<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Zeroizing(..)")
    }
}

/// Secret bytes: a wiped-on-drop `Vec<u8>`.
pub type SecretBytes = Zeroizing<Vec<u8>>;

/// A key, or the null key (algorithm Opaque, type PublicKey, length -1).
#[derive(Clone, Default)]
pub struct Key {
    inner: Option<KeyInner>,
}

#[derive(Clone)]
struct KeyInner {
    /// The OpenSSL key. For public keys it holds only public components; the
    /// `Private` type state is nominal then (OpenSSL keeps one EVP_PKEY type).
    pkey: PKey<Private>,
    algorithm: i32,
    key_type: i32,
}

/// The name of a `QSsl::KeyAlgorithm` value, for messages.
pub fn algorithm_name(algorithm: i32) -> &'static str {
    match algorithm {
        key_algorithm::OPAQUE => "Opaque",
        key_algorithm::RSA => "RSA",
        key_algorithm::DSA => "DSA",
        key_algorithm::EC => "EC",
        key_algorithm::DH => "DH",
        _ => "unknown",
    }
}

/// Checks a `QSsl::KeyAlgorithm` value.
pub fn check_algorithm(algorithm: i32) -> Result<(), Error> {
    if (key_algorithm::OPAQUE..=key_algorithm::DH).contains(&algorithm) {
        Ok(())
    } else {
        Err(Error::invalid(format!("unknown key algorithm {algorithm}")))
    }
}

/// Checks a `QSsl::KeyType` value.
pub fn check_key_type(kt: i32) -> Result<(), Error> {
    if kt == key_type::PRIVATE_KEY || kt == key_type::PUBLIC_KEY {
        Ok(())
    } else {
        Err(Error::invalid(format!("unknown key type {kt}")))
    }
}

/// Checks a `QSsl::EncodingFormat` value.
pub fn check_encoding(format: i32) -> Result<(), Error> {
    if format == encoding::PEM || format == encoding::DER {
        Ok(())
    } else {
        Err(Error::invalid(format!("unknown encoding format {format}")))
    }
}

/// A readable name of an OpenSSL key type, for messages.
fn describe_pkey<T>(pkey: &PKeyRef<T>) -> String {
    match algorithm_of(pkey) {
        key_algorithm::OPAQUE => {
            let id = pkey.id();
            let name = match id {
                Id::ED25519 => "Ed25519",
                Id::ED448 => "Ed448",
                Id::X25519 => "X25519",
                Id::X448 => "X448",
                _ => "",
            };
            if name.is_empty() {
                format!("an opaque key (OpenSSL type {})", id.as_raw())
            } else {
                format!("{name} (an opaque key)")
            }
        }
        a => algorithm_name(a).to_string(),
    }
}

fn passphrase_error(read: &ossl::KeyRead, passphrase: &[u8]) -> Option<Error> {
    if read.passphrase_too_long {
        return Some(Error::BadPassphrase(
            "passphrase is longer than OpenSSL accepts".into(),
        ));
    }
    if read.asked_passphrase {
        return Some(Error::BadPassphrase(if passphrase.is_empty() {
            "the key is encrypted and no passphrase was given".into()
        } else {
            "wrong passphrase for the encrypted key".into()
        }));
    }
    None
}

impl Key {
    /// The null key.
    pub fn null() -> Self {
        Key { inner: None }
    }

    /// Wraps an OpenSSL key of the given type (`key_type::PRIVATE_KEY` or
    /// `PUBLIC_KEY`), deriving the algorithm from the key.
    pub fn from_pkey(pkey: PKey<Private>, key_type: i32) -> Self {
        let algorithm = algorithm_of(&pkey);
        Key {
            inner: Some(KeyInner {
                pkey,
                algorithm,
                key_type,
            }),
        }
    }

    /// Wraps an OpenSSL public key (a peer's ephemeral key, a certificate's
    /// key) as a PublicKey, deriving the algorithm; kinds QSslKey has no
    /// algorithm for become Opaque.
    pub fn from_public_pkey(pkey: PKey<openssl::pkey::Public>) -> Self {
        Key::from_pkey(ossl::public_as_private(pkey), key_type::PUBLIC_KEY)
    }

    /// Decodes a key as `QSslKey(encoded, algorithm, format, type,
    /// passPhrase)` does, but reports why instead of giving a null key:
    /// empty or unparseable input and a key of another algorithm are parse
    /// errors, a wrong or missing passphrase is `BadPassphrase`. An empty
    /// passphrase means none. `Opaque` accepts only keys QSslKey has no
    /// algorithm for (Ed25519, X25519, ...).
    pub fn from_encoded(
        data: &[u8],
        algorithm: i32,
        format: i32,
        kt: i32,
        passphrase: &[u8],
    ) -> Result<Key, Error> {
        check_encoding(format)?;
        if format == encoding::DER {
            Key::from_der(data, algorithm, kt, passphrase)
        } else {
            Key::from_pem(data, algorithm, kt, passphrase)
        }
    }

    /// Decodes the first key of the wanted type in PEM text: for private
    /// keys a "PRIVATE KEY", "ENCRYPTED PRIVATE KEY" or traditional
    /// "RSA/EC/DSA PRIVATE KEY" block; for public keys a "PUBLIC KEY"
    /// (SubjectPublicKeyInfo) block. Other text and blocks are skipped.
    pub fn from_pem(pem: &[u8], algorithm: i32, kt: i32, passphrase: &[u8]) -> Result<Key, Error> {
        check_algorithm(algorithm)?;
        check_key_type(kt)?;
        if pem.is_empty() {
            return Err(Error::parse("PEM: key data is empty", None));
        }
        let pkey = if kt == key_type::PUBLIC_KEY {
            ossl::pem_read_public_key(pem)
                .map(ossl::public_as_private)
                .map_err(|e| Error::parse("PEM: no public key found", Some(&e)))?
        } else {
            let read = ossl::pem_read_private_key(pem, passphrase);
            match read.result {
                Ok(k) => k,
                Err(ref e) => {
                    return Err(passphrase_error(&read, passphrase)
                        .unwrap_or_else(|| Error::parse("PEM: no private key found", Some(e))));
                }
            }
        };
        Key::checked(pkey, algorithm, kt)
    }

    /// Decodes a DER key: for private keys PKCS#8, encrypted PKCS#8 (with
    /// `passphrase`) or a traditional RSA/EC/DSA structure; for public keys a
    /// SubjectPublicKeyInfo.
    pub fn from_der(der: &[u8], algorithm: i32, kt: i32, passphrase: &[u8]) -> Result<Key, Error> {
        check_algorithm(algorithm)?;
        check_key_type(kt)?;
        if der.is_empty() {
            return Err(Error::parse("DER: key data is empty", None));
        }
        let pkey = if kt == key_type::PUBLIC_KEY {
            PKey::public_key_from_der(der)
                .map(ossl::public_as_private)
                .map_err(|e| {
                    Error::parse("DER: not a public key (SubjectPublicKeyInfo)", Some(&e))
                })?
        } else {
            match PKey::private_key_from_der(der) {
                Ok(k) => k,
                Err(plain_err) => {
                    let read = ossl::der_read_encrypted_pkcs8(der, passphrase);
                    match read.result {
                        Ok(k) => k,
                        Err(_) => {
                            return Err(passphrase_error(&read, passphrase).unwrap_or_else(|| {
                                Error::parse("DER: not a private key", Some(&plain_err))
                            }));
                        }
                    }
                }
            }
        };
        Key::checked(pkey, algorithm, kt)
    }

    /// Reads a key file and decodes it as [`Key::from_encoded`] does
    /// (`QSslKey(QIODevice *, ...)` on an opened file). The file contents
    /// are wiped after decoding.
    pub fn from_file(
        path: &std::path::Path,
        algorithm: i32,
        format: i32,
        kt: i32,
        passphrase: &[u8],
    ) -> Result<Key, Error> {
        check_encoding(format)?;
        check_algorithm(algorithm)?;
        check_key_type(kt)?;
        let data =
            Zeroizing::new(std::fs::read(path).map_err(|e| {
                Error::Io(format!("cannot read key file '{}': {e}", path.display()))
            })?);
        Key::from_encoded(&data, algorithm, format, kt, passphrase)
    }

    fn checked(pkey: PKey<Private>, algorithm: i32, kt: i32) -> Result<Key, Error> {
        let actual = algorithm_of(&pkey);
        if actual != algorithm {
            return Err(Error::parse(
                format!(
                    "key is {}, not {}",
                    describe_pkey(&pkey),
                    algorithm_name(algorithm)
                ),
                None,
            ));
        }
        Ok(Key::from_pkey(pkey, kt))
    }

    /// True for the null key.
    pub fn is_null(&self) -> bool {
        self.inner.is_none()
    }

    /// Makes this key null (`QSslKey::clear()`); copies are not affected.
    pub fn clear(&mut self) {
        self.inner = None;
    }

    /// `QSsl::KeyAlgorithm` (Opaque for null).
    pub fn algorithm(&self) -> i32 {
        self.inner
            .as_ref()
            .map_or(key_algorithm::OPAQUE, |k| k.algorithm)
    }

    /// `QSsl::KeyType` (PublicKey for null).
    pub fn key_type(&self) -> i32 {
        self.inner
            .as_ref()
            .map_or(key_type::PUBLIC_KEY, |k| k.key_type)
    }

    /// The OpenSSL key, `None` when null.
    pub fn pkey(&self) -> Option<&PKeyRef<Private>> {
        self.inner.as_ref().map(|k| k.pkey.as_ref())
    }

    /// The key length in bits: RSA, DSA and DH modulus/prime size, the EC
    /// group degree; -1 for Opaque keys and the null key.
    pub fn length(&self) -> i32 {
        let Some(k) = &self.inner else {
            return -1;
        };
        let bits = match k.algorithm {
            key_algorithm::RSA | key_algorithm::DSA | key_algorithm::DH => Some(k.pkey.bits()),
            key_algorithm::EC => k.pkey.ec_key().ok().map(|ec| ec.group().degree()),
            _ => None,
        };
        bits.and_then(|b| i32::try_from(b).ok()).unwrap_or(-1)
    }

    /// `QSslKey::toPem(passPhrase)`: the key as PEM. Public keys are
    /// "PUBLIC KEY" (SubjectPublicKeyInfo); private RSA, DSA and EC keys use
    /// the traditional formats ("RSA PRIVATE KEY", ...), DH keys PKCS#8.
    /// A private key is encrypted with AES-256-CBC when `passphrase` is not
    /// empty. Empty for the null key and for Opaque keys.
    pub fn to_pem(&self, passphrase: &[u8]) -> Result<SecretBytes, Error> {
        let Some(k) = &self.inner else {
            return Ok(Zeroizing::default());
        };
        let fail = |e: ErrorStack| Error::tls("cannot encode the key as PEM", Some(&e));
        if k.algorithm == key_algorithm::OPAQUE {
            return Ok(Zeroizing::default());
        }
        if k.key_type == key_type::PUBLIC_KEY {
            return k.pkey.public_key_to_pem().map(Zeroizing::new).map_err(fail);
        }
        if i32::try_from(passphrase.len()).is_err() {
            return Err(Error::invalid("passphrase is too long"));
        }
        let cipher = Cipher::aes_256_cbc();
        let enc = !passphrase.is_empty();
        let pem = match k.algorithm {
            key_algorithm::RSA => {
                let rsa = k.pkey.rsa().map_err(fail)?;
                if enc {
                    rsa.private_key_to_pem_passphrase(cipher, passphrase)
                } else {
                    rsa.private_key_to_pem()
                }
            }
            key_algorithm::DSA => {
                let dsa = k.pkey.dsa().map_err(fail)?;
                if enc {
                    dsa.private_key_to_pem_passphrase(cipher, passphrase)
                } else {
                    dsa.private_key_to_pem()
                }
            }
            key_algorithm::EC => {
                let ec = k.pkey.ec_key().map_err(fail)?;
                if enc {
                    ec.private_key_to_pem_passphrase(cipher, passphrase)
                } else {
                    ec.private_key_to_pem()
                }
            }
            _ => {
                if enc {
                    k.pkey
                        .private_key_to_pem_pkcs8_passphrase(cipher, passphrase)
                } else {
                    k.pkey.private_key_to_pem_pkcs8()
                }
            }
        };
        pem.map(Zeroizing::new).map_err(fail)
    }

    /// `QSslKey::toDer(passPhrase)`: the DER body of [`Key::to_pem`] without
    /// a passphrase. Empty for the null key, Opaque keys, and private keys
    /// when a passphrase is given (encrypted DER is not offered, as in Qt).
    pub fn to_der(&self, passphrase: &[u8]) -> Result<SecretBytes, Error> {
        let Some(k) = &self.inner else {
            return Ok(Zeroizing::default());
        };
        if k.algorithm == key_algorithm::OPAQUE {
            return Ok(Zeroizing::default());
        }
        let fail = |e: ErrorStack| Error::tls("cannot encode the key as DER", Some(&e));
        if k.key_type == key_type::PUBLIC_KEY {
            return k.pkey.public_key_to_der().map(Zeroizing::new).map_err(fail);
        }
        if !passphrase.is_empty() {
            return Ok(Zeroizing::default());
        }
        let der = match k.algorithm {
            key_algorithm::RSA => k.pkey.rsa().and_then(|r| r.private_key_to_der()),
            key_algorithm::DSA => k.pkey.dsa().and_then(|d| d.private_key_to_der()),
            key_algorithm::EC => k.pkey.ec_key().and_then(|e| e.private_key_to_der()),
            _ => k.pkey.private_key_to_pkcs8(),
        };
        der.map(Zeroizing::new).map_err(fail)
    }
}

/// The Qt algorithm of an OpenSSL key.
pub(crate) fn algorithm_of<T>(pkey: &PKeyRef<T>) -> i32 {
    match pkey.id() {
        Id::RSA | Id::RSA_PSS => key_algorithm::RSA,
        Id::DSA => key_algorithm::DSA,
        Id::EC => key_algorithm::EC,
        Id::DH | Id::DHX => key_algorithm::DH,
        _ => key_algorithm::OPAQUE,
    }
}

impl PartialEq for Key {
    /// Qt's `==`: null equals null; otherwise algorithm, type and length
    /// must match, then Opaque keys compare by identity of the OpenSSL
    /// object and all others by their DER encoding.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = match (&self.inner, &other.inner) {
            (None, None) => return true,
            (Some(a), Some(b)) => (a, b),
            _ => return false,
        };
        if a.algorithm != b.algorithm || a.key_type != b.key_type {
            return false;
        }
        // Copies share one OpenSSL object: equal without encoding it.
        if a.pkey.as_ptr() == b.pkey.as_ptr() {
            return true;
        }
        if a.algorithm == key_algorithm::OPAQUE || self.length() != other.length() {
            return false;
        }
        match (self.to_der(b""), other.to_der(b"")) {
            (Ok(x), Ok(y)) => x[..] == y[..],
            _ => false,
        }
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Key(alg={}, type={}, length={}, null={})",
            self.algorithm(),
            self.key_type(),
            self.length(),
            self.is_null()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroizing_slice_is_zero_after_drop() {
        let mut buf = [0xA5u8; 64];
        {
            let z = Zeroizing::new(&mut buf[..]);
            assert_eq!(z[0], 0xA5);
        }
        assert!(buf.iter().all(|&b| b == 0));
    }

    #[test]
    fn zeroizing_vec_wipes_capacity() {
        let mut v = Vec::with_capacity(32);
        v.extend_from_slice(b"secret");
        v.wipe();
        assert_eq!(&v[..], &[0u8; 6]);
    }
}
