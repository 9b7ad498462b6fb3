//! `QSslPreSharedKeyAuthenticator`: what the PSK callback sees and fills in.

use crate::model::bytes::{OptBytes, SecretBytes};
use crate::model::cow::Cow;
use std::mem::ManuallyDrop;
use std::sync::atomic::{Ordering, compiler_fence};

/// A pre-shared key authenticator. Implicitly shared: clones share the data,
/// and the first write through a clone detaches it. The key is held in
/// memory that is wiped when the last holder lets go (see [`PskKey`]).
///
/// The TLS engine holds a server's handshake authenticator in place, on the
/// callback's stack, with no shared block of its own: a copy of it (O(1)
/// for the hint and identity, one copy of the key) is the first to make one.
#[derive(Debug)]
pub struct PskAuthenticator {
    d: Repr,
}

#[derive(Debug)]
enum Repr {
    /// The shared, copy-on-write data of an application's authenticator
    /// (and of a client's handshake authenticator, kept for the handshake).
    Shared(Cow<PskData>),
    /// A handshake's authenticator held in place by the engine.
    Local(PskData),
}

#[derive(Clone, Default, Debug, PartialEq, Eq)]
struct PskData {
    identity_hint: OptBytes,
    identity: PskIdentity,
    pre_shared_key: PskKey,
    maximum_identity_length: i32,
    maximum_pre_shared_key_length: i32,
}

impl Default for PskAuthenticator {
    fn default() -> Self {
        PskAuthenticator {
            d: Repr::Shared(Cow::default()),
        }
    }
}

impl Clone for PskAuthenticator {
    /// Qt's copy: O(1) for a shared authenticator; a handshake's in-place
    /// one is copied into a new shared block.
    fn clone(&self) -> Self {
        PskAuthenticator {
            d: Repr::Shared(match &self.d {
                Repr::Shared(c) => c.clone(),
                Repr::Local(d) => Cow::new(d.clone()),
            }),
        }
    }
}

impl PskAuthenticator {
    /// A default-constructed authenticator: everything null or 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Built by the TLS engine and held in place for one callback: the hint
    /// (client side: the server's; a server sets its own with
    /// [`PskAuthenticator::set_identity_hint`]), an optional identity
    /// (server side: the client's) and the maxima. No allocation of its own.
    #[inline]
    pub(crate) fn for_handshake(
        identity_hint: OptBytes,
        identity: Option<&[u8]>,
        maximum_identity_length: i32,
        maximum_pre_shared_key_length: i32,
    ) -> Self {
        let mut a = PskAuthenticator {
            d: Repr::Local(PskData {
                identity_hint,
                identity: PskIdentity::default(),
                pre_shared_key: PskKey::default(),
                maximum_identity_length,
                maximum_pre_shared_key_length,
            }),
        };
        if let Repr::Local(d) = &mut a.d {
            d.identity.assign(identity);
        }
        a
    }

    /// [`PskAuthenticator::for_handshake`] in a shared block, for an answer
    /// the engine keeps (moved by its pointer: the key is never moved).
    #[inline]
    pub(crate) fn shared_for_handshake(
        identity_hint: OptBytes,
        maximum_identity_length: i32,
        maximum_pre_shared_key_length: i32,
    ) -> Self {
        PskAuthenticator {
            d: Repr::Shared(Cow::new(PskData {
                identity_hint,
                identity: PskIdentity::default(),
                pre_shared_key: PskKey::default(),
                maximum_identity_length,
                maximum_pre_shared_key_length,
            })),
        }
    }

    /// Makes an in-place authenticator shared (a copy into a shared block;
    /// the in-place data is dropped, and its key wiped, where it is), so it
    /// can be moved without moving key bytes.
    #[inline]
    pub(crate) fn make_shared(&mut self) {
        if let Repr::Local(_) = self.d {
            self.copy_to_shared();
        }
    }

    #[cold]
    #[inline(never)]
    fn copy_to_shared(&mut self) {
        *self = self.clone();
    }

    /// This authenticator's shared block, for the engine to keep (one
    /// pointer: an in-place authenticator is copied into a block first, see
    /// [`Self::make_shared`]).
    pub(crate) fn into_kept(mut self) -> KeptPsk {
        self.make_shared();
        match self.d {
            Repr::Shared(c) => KeptPsk(c),
            // Not reached (made shared above); a block all the same.
            Repr::Local(d) => KeptPsk(Cow::new(d)),
        }
    }

    #[inline]
    fn d(&self) -> &PskData {
        match &self.d {
            Repr::Shared(c) => c,
            Repr::Local(d) => d,
        }
    }

    #[inline]
    fn d_mut(&mut self) -> &mut PskData {
        match &mut self.d {
            Repr::Shared(c) => Cow::make_mut(c),
            Repr::Local(d) => d,
        }
    }

    /// The identity hint (null if none).
    #[inline]
    pub fn identity_hint(&self) -> &OptBytes {
        &self.d().identity_hint
    }

    /// Sets the hint (the TLS engine, on servers: the configured hint).
    #[inline]
    pub(crate) fn set_identity_hint(&mut self, hint: OptBytes) {
        self.d_mut().identity_hint = hint;
    }

    /// The identity.
    #[inline]
    pub fn identity(&self) -> &PskIdentity {
        &self.d().identity
    }

    /// Sets the identity (any length; truncated only when handed to OpenSSL).
    #[inline]
    pub fn set_identity(&mut self, identity: OptBytes) {
        self.d_mut().identity = PskIdentity {
            shared: identity,
            ..PskIdentity::default()
        };
    }

    /// Sets the identity to a copy of `identity` (`None`: null), written
    /// straight into the authenticator when it is short (no allocation).
    #[inline]
    pub fn set_identity_from(&mut self, identity: Option<&[u8]>) {
        self.d_mut().identity.assign(identity);
    }

    /// The maximum identity length the handshake accepts (0 on servers).
    #[inline]
    pub fn maximum_identity_length(&self) -> i32 {
        self.d().maximum_identity_length
    }

    /// The pre-shared key.
    #[inline]
    pub fn pre_shared_key(&self) -> &PskKey {
        &self.d().pre_shared_key
    }

    /// Sets the pre-shared key (any length; truncated only when handed to OpenSSL).
    #[inline]
    pub fn set_pre_shared_key(&mut self, key: SecretBytes) {
        self.d_mut().pre_shared_key = PskKey::on_heap(key);
    }

    /// Sets the pre-shared key to a copy of `key` (`None`: null), written
    /// straight into the authenticator's own storage when it is short (no
    /// allocation, no intermediate copy); the old key is wiped.
    #[inline]
    pub fn set_pre_shared_key_from(&mut self, key: Option<&[u8]>) {
        self.d_mut().pre_shared_key.assign(key);
    }

    /// The maximum key length the handshake accepts.
    #[inline]
    pub fn maximum_pre_shared_key_length(&self) -> i32 {
        self.d().maximum_pre_shared_key_length
    }

    /// True when both share the same data (no detach happened).
    pub fn shares_data_with(&self, other: &Self) -> bool {
        std::ptr::eq(self.d(), other.d())
    }
}

impl PartialEq for PskAuthenticator {
    /// Qt's `==`: hint, identity, key and both maxima; null bytes equal empty.
    fn eq(&self, other: &Self) -> bool {
        self.shares_data_with(other) || self.d() == other.d()
    }
}

impl Eq for PskAuthenticator {}

/// An answered authenticator the TLS engine keeps for later questions of the
/// same handshake: its shared block alone, so a connection's state holds one
/// pointer, not the size of an in-place authenticator. Its bytes stay where
/// they are for as long as it is kept.
#[derive(Debug)]
pub(crate) struct KeptPsk(Cow<PskData>);

impl KeptPsk {
    /// The identity.
    #[inline]
    pub(crate) fn identity(&self) -> &PskIdentity {
        &self.0.identity
    }

    /// The pre-shared key.
    #[inline]
    pub(crate) fn pre_shared_key(&self) -> &PskKey {
        &self.0.pre_shared_key
    }
}

/// The longest identity held in the authenticator itself.
const INLINE_ID: usize = 64;

/// An identity: null, or bytes (possibly empty), like [`OptBytes`]; one of
/// up to 64 bytes set by the engine or through
/// [`PskAuthenticator::set_identity_from`] is held in place (no allocation).
#[derive(Clone)]
pub struct PskIdentity {
    /// `buf[..len]` when set; else the bytes are `shared`.
    inline: bool,
    len: u8,
    buf: [u8; INLINE_ID],
    shared: OptBytes,
}

impl Default for PskIdentity {
    #[inline]
    fn default() -> Self {
        PskIdentity {
            inline: false,
            len: 0,
            buf: [0; INLINE_ID],
            shared: OptBytes::Null,
        }
    }
}

impl PskIdentity {
    /// True when null.
    #[inline]
    pub fn is_null(&self) -> bool {
        !self.inline && self.shared.is_null()
    }

    /// The bytes (empty for null).
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        if self.inline {
            &self.buf[..usize::from(self.len)]
        } else {
            self.shared.as_slice()
        }
    }

    /// The number of bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when null or empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// The identity as [`OptBytes`] (a copy of in-place bytes).
    pub fn to_opt_bytes(&self) -> OptBytes {
        if self.inline {
            OptBytes::from(self.as_slice())
        } else {
            self.shared.clone()
        }
    }

    /// Replaces the identity with a copy of `id` (`None`: null).
    #[inline]
    fn assign(&mut self, id: Option<&[u8]>) {
        if !self.shared.is_null() {
            self.shared = OptBytes::Null;
        }
        match id {
            Some(b) if b.len() <= INLINE_ID => {
                self.buf[..b.len()].copy_from_slice(b);
                self.len = b.len() as u8;
                self.inline = true;
            }
            Some(b) => self.assign_long(b),
            None => self.inline = false,
        }
    }

    #[cold]
    #[inline(never)]
    fn assign_long(&mut self, b: &[u8]) {
        self.shared = OptBytes::from(b);
        self.inline = false;
    }
}

impl PartialEq for PskIdentity {
    /// Null equals empty, as for QByteArray.
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for PskIdentity {}

impl std::fmt::Debug for PskIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_null() {
            f.write_str("Null")
        } else {
            write!(f, "{:?}", self.as_slice())
        }
    }
}

/// The longest key held in the authenticator itself.
const INLINE_KEY: usize = 64;

/// A pre-shared key: null, or bytes (possibly empty). A key of up to 64
/// bytes set through [`PskAuthenticator::set_pre_shared_key_from`] is held
/// in place, in the authenticator; a longer one, one given as
/// [`SecretBytes`], and every clone, on the heap (so key bytes are never
/// copied by moving a value). Wiped when dropped or replaced.
pub struct PskKey {
    /// [`NULL`], [`INLINE`] (`buf[..len]`) or [`HEAP`] (`heap`).
    tag: u8,
    len: u8,
    buf: [u8; INLINE_KEY],
    /// Null unless the tag is [`HEAP`]; released by [`PskKey::clear`] (so
    /// the drop of a null or in-place key has no heap code inline).
    heap: ManuallyDrop<SecretBytes>,
}

const NULL: u8 = 0;
const INLINE: u8 = 1;
const HEAP: u8 = 2;

impl Default for PskKey {
    #[inline]
    fn default() -> Self {
        PskKey {
            tag: NULL,
            len: 0,
            buf: [0; INLINE_KEY],
            heap: ManuallyDrop::new(SecretBytes::null()),
        }
    }
}

impl PskKey {
    /// A key held on the heap (null for a null `s`).
    fn on_heap(s: SecretBytes) -> Self {
        PskKey {
            tag: if s.is_null() { NULL } else { HEAP },
            heap: ManuallyDrop::new(s),
            ..PskKey::default()
        }
    }

    /// True when null.
    #[inline]
    pub fn is_null(&self) -> bool {
        self.tag == NULL
    }

    /// The bytes (empty for null).
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        if self.tag == INLINE {
            &self.buf[..usize::from(self.len)]
        } else {
            self.heap.as_slice()
        }
    }

    /// The number of bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when null or empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Replaces the key with a copy of `key` (`None`: null), in place when
    /// it fits; the old bytes are wiped first.
    #[inline]
    fn assign(&mut self, key: Option<&[u8]>) {
        if self.tag != NULL {
            self.clear();
        }
        match key {
            Some(k) if k.len() <= INLINE_KEY => {
                self.buf[..k.len()].copy_from_slice(k);
                self.len = k.len() as u8;
                self.tag = INLINE;
            }
            Some(k) => self.set_heap(k),
            None => {}
        }
    }

    /// A long key: a wiped heap copy.
    #[cold]
    #[inline(never)]
    fn set_heap(&mut self, k: &[u8]) {
        *self.heap = SecretBytes::new(k);
        self.tag = HEAP;
    }

    /// Wipes and releases the bytes: the key is null after. Out of line:
    /// one copy for every drop and replacement.
    #[inline(never)]
    fn clear(&mut self) {
        // The whole buffer in one volatile store (no loop), then the heap
        // bytes (wiped by their own drop).
        // SAFETY: a valid, aligned, exclusive place of this type.
        unsafe { std::ptr::write_volatile(&mut self.buf, [0; INLINE_KEY]) };
        compiler_fence(Ordering::SeqCst);
        self.len = 0;
        if self.tag == HEAP {
            self.release_heap();
        }
        self.tag = NULL;
    }
}

impl PskKey {
    /// Releases a heap key (wiped by its own drop).
    #[cold]
    #[inline(never)]
    fn release_heap(&mut self) {
        *self.heap = SecretBytes::null();
    }
}

impl Drop for PskKey {
    #[inline]
    fn drop(&mut self) {
        if self.tag != NULL {
            self.clear();
        }
    }
}

impl Clone for PskKey {
    /// A copy on the heap (never an in-place copy: see [`PskKey`]).
    fn clone(&self) -> Self {
        if self.is_null() {
            PskKey::default()
        } else {
            PskKey::on_heap(SecretBytes::new(self.as_slice()))
        }
    }
}

impl PartialEq for PskKey {
    /// Null equals empty, as for QByteArray.
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for PskKey {}

impl std::fmt::Debug for PskKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PskKey({} bytes)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_in_place_long_ones_and_copies_on_the_heap() {
        let mut a = PskAuthenticator::for_handshake(OptBytes::Null, None, 0, 512);
        a.set_pre_shared_key_from(Some(&[7u8; 64]));
        assert_eq!(
            (a.pre_shared_key().tag, a.pre_shared_key().len),
            (INLINE, 64)
        );
        let b = a.clone();
        assert_eq!(b.pre_shared_key().tag, HEAP);
        assert_eq!(a, b);
        assert!(!a.shares_data_with(&b));
        a.set_pre_shared_key_from(Some(&[1u8; 65]));
        assert_eq!(a.pre_shared_key().tag, HEAP);
        assert_eq!(a.pre_shared_key().as_slice(), &[1u8; 65]);
        a.set_pre_shared_key_from(Some(&[]));
        assert!(!a.pre_shared_key().is_null() && a.pre_shared_key().is_empty());
        a.set_pre_shared_key_from(None);
        assert!(a.pre_shared_key().is_null());
        assert_eq!(b.pre_shared_key().as_slice(), &[7u8; 64]);
    }

    #[test]
    fn identities_in_place_or_shared_keep_null_and_empty_apart() {
        let mut a = PskAuthenticator::for_handshake(OptBytes::Null, Some(b""), 0, 512);
        assert!(!a.identity().is_null() && a.identity().is_empty());
        a.set_identity_from(None);
        assert!(a.identity().is_null());
        a.set_identity_from(Some(&[b'x'; 64]));
        assert!(a.identity().inline);
        assert_eq!(a.identity().as_slice(), &[b'x'; 64]);
        a.set_identity_from(Some(&[b'y'; 300]));
        assert!(!a.identity().inline);
        assert_eq!(a.identity().to_opt_bytes().as_slice(), &[b'y'; 300]);
        a.set_identity(OptBytes::from(&b"set"[..]));
        assert_eq!(a.identity().as_slice(), b"set");
        a.set_identity(OptBytes::Null);
        assert!(a.identity().is_null() && a.identity().to_opt_bytes().is_null());
        let mut b = a.clone();
        b.set_identity_from(Some(b"other"));
        assert!(a.identity().is_null());
        assert_eq!(b.identity().to_opt_bytes().as_slice(), b"other");
    }

    #[test]
    fn an_in_place_authenticator_made_shared_keeps_its_values() {
        let mut a = PskAuthenticator::for_handshake(OptBytes::from(&b"h"[..]), None, 255, 512);
        a.set_identity(OptBytes::from(&b"id"[..]));
        a.set_pre_shared_key_from(Some(b"key"));
        a.make_shared();
        assert!(matches!(a.d, Repr::Shared(_)));
        assert_eq!(a.identity_hint().as_slice(), b"h");
        assert_eq!(a.identity().as_slice(), b"id");
        assert_eq!(a.pre_shared_key().as_slice(), b"key");
        assert_eq!(a.maximum_identity_length(), 255);
        let c = a.clone();
        assert!(a.shares_data_with(&c));
    }
}
