//! `QSslPreSharedKeyAuthenticator`: what the PSK callback sees and fills in.

use crate::model::bytes::{OptBytes, SecretBytes};
use crate::model::cow::Cow;

/// A pre-shared key authenticator. Implicitly shared: clones share the data,
/// and the first write through a clone detaches it. The key is held in
/// [`SecretBytes`], wiped when the last holder lets go.
#[derive(Clone, Default, Debug)]
pub struct PskAuthenticator {
    d: Cow<PskData>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq)]
struct PskData {
    identity_hint: OptBytes,
    identity: OptBytes,
    pre_shared_key: SecretBytes,
    maximum_identity_length: i32,
    maximum_pre_shared_key_length: i32,
}

impl PskAuthenticator {
    /// A default-constructed authenticator: everything null or 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Built by the TLS engine: the hint (client side: the server's; server
    /// side: its own configured hint), an optional identity (server side: the
    /// client's) and the maxima.
    #[inline]
    pub(crate) fn for_handshake(
        identity_hint: OptBytes,
        identity: OptBytes,
        maximum_identity_length: i32,
        maximum_pre_shared_key_length: i32,
    ) -> Self {
        PskAuthenticator {
            d: Cow::new(PskData {
                identity_hint,
                identity,
                pre_shared_key: SecretBytes::null(),
                maximum_identity_length,
                maximum_pre_shared_key_length,
            }),
        }
    }

    #[inline]
    fn d_mut(&mut self) -> &mut PskData {
        Cow::make_mut(&mut self.d)
    }

    /// The identity hint (null if none).
    #[inline]
    pub fn identity_hint(&self) -> &OptBytes {
        &self.d.identity_hint
    }

    /// The identity.
    #[inline]
    pub fn identity(&self) -> &OptBytes {
        &self.d.identity
    }

    /// Sets the identity (any length; truncated only when handed to OpenSSL).
    #[inline]
    pub fn set_identity(&mut self, identity: OptBytes) {
        self.d_mut().identity = identity;
    }

    /// The maximum identity length the handshake accepts (0 on servers).
    #[inline]
    pub fn maximum_identity_length(&self) -> i32 {
        self.d.maximum_identity_length
    }

    /// The pre-shared key.
    #[inline]
    pub fn pre_shared_key(&self) -> &SecretBytes {
        &self.d.pre_shared_key
    }

    /// Sets the pre-shared key (any length; truncated only when handed to OpenSSL).
    #[inline]
    pub fn set_pre_shared_key(&mut self, key: SecretBytes) {
        self.d_mut().pre_shared_key = key;
    }

    /// The maximum key length the handshake accepts.
    #[inline]
    pub fn maximum_pre_shared_key_length(&self) -> i32 {
        self.d.maximum_pre_shared_key_length
    }

    /// True when both share the same data (no detach happened).
    pub fn shares_data_with(&self, other: &Self) -> bool {
        Cow::ptr_eq(&self.d, &other.d)
    }
}

impl PartialEq for PskAuthenticator {
    /// Qt's `==`: hint, identity, key and both maxima; null bytes equal empty.
    fn eq(&self, other: &Self) -> bool {
        self.d == other.d
    }
}

impl Eq for PskAuthenticator {}
