//! `QSslKey`: a public or private key. Explicitly shared (clones share the
//! OpenSSL object). OpenSSL frees private key material with its clearing
//! free functions, so private bytes are wiped when the last reference goes.

use openssl::pkey::{PKey, PKeyRef, Private};

use crate::model::enums::{key_algorithm, key_type};

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

    /// True for the null key.
    pub fn is_null(&self) -> bool {
        self.inner.is_none()
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
}

/// The Qt algorithm of an OpenSSL key.
pub(crate) fn algorithm_of<T>(pkey: &PKeyRef<T>) -> i32 {
    use openssl::pkey::Id;
    match pkey.id() {
        Id::RSA | Id::RSA_PSS => key_algorithm::RSA,
        Id::DSA => key_algorithm::DSA,
        Id::EC => key_algorithm::EC,
        Id::DH | Id::DHX => key_algorithm::DH,
        _ => key_algorithm::OPAQUE,
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        match (&self.inner, &other.inner) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.algorithm == b.algorithm
                    && a.key_type == b.key_type
                    && a.pkey.public_eq(&b.pkey)
                    && (a.key_type == key_type::PUBLIC_KEY
                        || a.pkey.private_key_to_der().ok() == b.pkey.private_key_to_der().ok())
            }
            _ => false,
        }
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Key(alg={}, type={}, null={})",
            self.algorithm(),
            self.key_type(),
            self.is_null()
        )
    }
}

impl Key {
    /// TEMPORARY (reconciled with the certkey branch): a public key handle.
    pub fn from_public_pkey(pkey: openssl::pkey::PKey<openssl::pkey::Public>) -> Self {
        use foreign_types::ForeignType;
        let raw = pkey.as_ptr();
        std::mem::forget(pkey);
        // SAFETY: PKey<Public> and PKey<Private> wrap the same EVP_PKEY type;
        // the type state is nominal. The reference moves from `pkey`
        // (forgotten above) to the new owner.
        let p = unsafe { PKey::<Private>::from_ptr(raw) };
        Key::from_pkey(p, key_type::PUBLIC_KEY)
    }
}
