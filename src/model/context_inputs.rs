//! The settings that build an OpenSSL `SSL_CTX`, held together with the
//! contexts built from them, and the session ticket held together with its
//! decoded form. Each pair can only be written through a method that drops
//! what was derived from it, so a stale context or session cannot be reached
//! by choosing the wrong write path: the choice is made by the type.
//!
//! The engine fills the caches (`engine::context`); this module only stores
//! what it is given and knows nothing about how a context is built.

use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use openssl::ssl::{SslContext, SslContextRef, SslSession};

use crate::Error;
use crate::model::bytes::OptBytes;
use crate::model::config::Settings;

/// Which context of a configuration: one per side (and per method, when a
/// new method such as DTLS gets its own contexts, it adds a kind here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContextKind {
    /// A TLS client context.
    Client = 0,
    /// A TLS server context.
    Server = 1,
}

impl ContextKind {
    /// How many kinds there are (the size of the cache).
    const COUNT: usize = 2;

    /// The TLS kind for a side.
    pub(crate) fn tls(server: bool) -> Self {
        if server {
            ContextKind::Server
        } else {
            ContextKind::Client
        }
    }
}

/// One built context (or the error building it gave) and the last second
/// (Unix time, UTC) at which it still matches its settings: the earliest
/// expiry of the CA certificates it trusts. After that second the context
/// is built again, so an expired CA stops being trusted as it would be by
/// Qt, which builds a context per connection.
struct Entry {
    built: Result<SslContext, Error>,
    valid_until: Option<i64>,
}

impl Entry {
    /// The context (or the error), while it still matches its settings.
    #[inline]
    fn current(&self) -> Option<Result<&SslContextRef, &Error>> {
        if self.valid_until.is_some_and(|t| now_unix() > t) {
            return None;
        }
        Some(match &self.built {
            Ok(c) => Ok(c),
            Err(e) => Err(e),
        })
    }
}

/// The context of one kind. Reading it writes no shared memory: no lock,
/// no reference count (connections made on several threads from one
/// configuration would otherwise contend on those cache lines); the
/// context is lent for as long as the cache lives.
#[derive(Default)]
struct Slot {
    /// The current entry, or null before the first build. Points into
    /// `built`, and is written only under its lock.
    current: AtomicPtr<Entry>,
    /// Every entry built for this kind, in order, kept until the cache is
    /// dropped, so a context lent out stays alive however long the lender
    /// lives. A new entry is built only when the current one stops
    /// matching its settings (a trusted CA expired; each rebuild trusts
    /// fewer), so this holds at most one entry more than the configuration
    /// has CA certificates. The lock serialises builders.
    built: Mutex<Vec<Arc<Entry>>>,
}

/// The contexts built from one set of [`Settings`]. Clones share them: a
/// configuration copied and then changed only in a setting outside
/// [`Settings`] builds no context of its own.
#[derive(Default)]
pub(crate) struct ContextCache {
    /// Allocated on first use, so a detach allocates nothing for it.
    slots: OnceLock<Arc<[Slot; ContextKind::COUNT]>>,
}

impl Clone for ContextCache {
    /// Shares the contexts once any is built (or being built). A copy of a
    /// configuration that has built none builds its own: sharing a cache not
    /// yet allocated would cost every copy an allocation or a `OnceLock`
    /// initialisation (a third of a detach), for a case that is rare.
    fn clone(&self) -> Self {
        ContextCache {
            slots: match self.slots.get() {
                Some(s) => OnceLock::from(s.clone()),
                None => OnceLock::new(),
            },
        }
    }
}

impl ContextCache {
    fn slots(&self) -> &Arc<[Slot; ContextKind::COUNT]> {
        self.slots.get_or_init(Arc::default)
    }

    /// How many contexts are built.
    pub(crate) fn built(&self) -> usize {
        let Some(slots) = self.slots.get() else {
            return 0;
        };
        slots
            .iter()
            .filter(|s| !s.current.load(Ordering::Acquire).is_null())
            .count()
    }

    /// The context of `kind`, lent for as long as this cache lives: the
    /// cached one while it is current, otherwise what `build` returns (with
    /// the last second it stays current, `None` for always), which is then
    /// cached. An error is cached like a context.
    ///
    /// The path of a cached context (every connection but the first) is
    /// inlined into the caller and short; building, and a cached error, are
    /// out of line.
    #[inline]
    pub(crate) fn get_or_build(
        &self,
        kind: ContextKind,
        build: impl FnOnce() -> (Result<SslContext, Error>, Option<i64>),
    ) -> Result<&SslContextRef, Error> {
        let slot = &self.slots()[kind as usize];
        // SAFETY: a non-null `current` points to an entry that `slot.built`
        // owns (an `Arc` whose contents never move), never changed after it
        // was published (the Release store below) and never dropped before
        // the slot, which `self` keeps alive for the borrow.
        let seen = unsafe { slot.current.load(Ordering::Acquire).as_ref() };
        if let Some(Ok(c)) = seen.and_then(Entry::current) {
            return Ok(c);
        }
        Self::build_slow(slot, build)
    }

    /// [`Self::get_or_build`] when the current entry is missing, stale or
    /// an error.
    #[cold]
    #[inline(never)]
    fn build_slow(
        slot: &Slot,
        build: impl FnOnce() -> (Result<SslContext, Error>, Option<i64>),
    ) -> Result<&SslContextRef, Error> {
        // SAFETY: as in `get_or_build`.
        let seen = unsafe { slot.current.load(Ordering::Acquire).as_ref() };
        if let Some(r) = seen.and_then(Entry::current) {
            return r.map_err(Clone::clone);
        }
        let mut all = slot.built.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: as above; another thread may have built it meanwhile.
        let seen = unsafe { slot.current.load(Ordering::Acquire).as_ref() };
        if let Some(r) = seen.and_then(Entry::current) {
            return r.map_err(Clone::clone);
        }
        let (built, valid_until) = build();
        let entry = Arc::new(Entry { built, valid_until });
        let p = Arc::as_ptr(&entry).cast_mut();
        all.push(entry);
        slot.current.store(p, Ordering::Release);
        drop(all);
        // SAFETY: the entry just pushed, owned by `slot.built` as above.
        let e = unsafe { &*p };
        match &e.built {
            Ok(c) => Ok(c),
            Err(e) => Err(e.clone()),
        }
    }
}

/// The settings that build a context, and the contexts built from them.
/// Read through `Deref`; written only through [`ContextInputs::write`],
/// which drops the contexts. Clones share the contexts.
#[derive(Clone, Default)]
pub(crate) struct ContextInputs {
    settings: Settings,
    contexts: ContextCache,
}

impl ContextInputs {
    /// Write access to the settings: the contexts built from them are
    /// dropped first (live connections keep their own references).
    pub(crate) fn write(&mut self) -> &mut Settings {
        self.contexts = ContextCache::default();
        &mut self.settings
    }

    /// The contexts built from these settings.
    pub(crate) fn contexts(&self) -> &ContextCache {
        &self.contexts
    }
}

impl std::ops::Deref for ContextInputs {
    type Target = Settings;
    fn deref(&self) -> &Settings {
        &self.settings
    }
}

impl PartialEq for ContextInputs {
    fn eq(&self, o: &Self) -> bool {
        self.settings == o.settings
    }
}

impl std::fmt::Debug for ContextInputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.settings.fmt(f)
    }
}

/// The session ticket (DER of an OpenSSL session), its lifetime hint, and
/// the session decoded from it once (decoding parses the peer's
/// certificate). Setting the ticket drops the decoded session; clones share
/// it.
#[derive(Clone)]
pub(crate) struct SessionTicket {
    der: OptBytes,
    lifetime_hint: i32,
    decoded: OnceLock<Option<DecodedTicket>>,
}

/// A ticket decoded: the session, and what a resumption from it checks every
/// time, read once here.
#[derive(Clone)]
pub(crate) struct DecodedTicket {
    /// The session, decoded from the ticket.
    pub(crate) session: SslSession,
    /// Its peer certificate's expiry date (`None` without a peer certificate).
    pub(crate) peer_expiry: Option<PeerExpiry>,
}

/// A session's peer certificate, by address, and its expiry date (Unix
/// seconds; `None` when unreadable). The address identifies the certificate
/// only while the session that holds it is alive: the decoded ticket keeps it
/// alive for as long as the configuration that carries the ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PeerExpiry {
    /// The `X509` object's address.
    pub(crate) cert: usize,
    /// Its notAfter date.
    pub(crate) expiry: Option<i64>,
}

impl Default for SessionTicket {
    fn default() -> Self {
        SessionTicket {
            der: OptBytes::Null,
            lifetime_hint: -1,
            decoded: OnceLock::new(),
        }
    }
}

impl SessionTicket {
    /// The ticket's bytes.
    pub(crate) fn der(&self) -> &OptBytes {
        &self.der
    }

    /// The lifetime hint in seconds (-1 until a handshake records one).
    pub(crate) fn lifetime_hint(&self) -> i32 {
        self.lifetime_hint
    }

    /// Replaces the ticket's bytes (the hint is kept).
    pub(crate) fn set_der(&mut self, der: OptBytes) {
        self.der = der;
        self.decoded = OnceLock::new();
    }

    /// Replaces the ticket and its hint.
    pub(crate) fn set(&mut self, der: OptBytes, lifetime_hint: i32) {
        self.set_der(der);
        self.lifetime_hint = lifetime_hint;
    }

    /// The decoded ticket, decoded by `decode` on first use.
    pub(crate) fn decoded(
        &self,
        decode: impl FnOnce(&[u8]) -> Option<DecodedTicket>,
    ) -> Option<&DecodedTicket> {
        self.decoded
            .get_or_init(|| decode(self.der.as_slice()))
            .as_ref()
    }
}

impl PartialEq for SessionTicket {
    fn eq(&self, o: &Self) -> bool {
        self.lifetime_hint == o.lifetime_hint && self.der == o.der
    }
}

impl std::fmt::Debug for SessionTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTicket")
            .field("der", &self.der)
            .field("lifetime_hint", &self.lifetime_hint)
            .finish()
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use foreign_types::ForeignTypeRef;
    use openssl::ssl::SslMethod;
    use std::sync::atomic::AtomicUsize;

    fn new_context() -> SslContext {
        SslContext::builder(SslMethod::tls()).unwrap().build()
    }

    #[test]
    fn a_context_is_built_once_and_lent_to_every_thread() {
        let cache = ContextCache::default();
        let builds = AtomicUsize::new(0);
        let ptrs: Vec<usize> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        let c = cache
                            .get_or_build(ContextKind::Server, || {
                                builds.fetch_add(1, Ordering::SeqCst);
                                (Ok(new_context()), None)
                            })
                            .unwrap();
                        c.as_ptr() as usize
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        assert!(ptrs.iter().all(|&p| p == ptrs[0]));
        assert_eq!(cache.built(), 1);
        // A copy of the cache lends the same context.
        let copy = cache.clone();
        let again = copy
            .get_or_build(ContextKind::Server, || unreachable!())
            .unwrap();
        assert_eq!(again.as_ptr() as usize, ptrs[0]);
    }

    #[test]
    fn a_context_lent_out_stays_alive_when_it_is_rebuilt() {
        let cache = ContextCache::default();
        // Valid until 1970: every request rebuilds it.
        let first = cache
            .get_or_build(ContextKind::Client, || (Ok(new_context()), Some(0)))
            .unwrap();
        let second = cache
            .get_or_build(ContextKind::Client, || (Ok(new_context()), Some(0)))
            .unwrap();
        assert_ne!(first.as_ptr(), second.as_ptr());
        // The first is still a live context (a new SSL can be made from it).
        assert!(openssl::ssl::Ssl::new(first).is_ok());
        assert_eq!(cache.built(), 1);
        // An error is cached like a context.
        let e = cache.get_or_build(ContextKind::Server, || (Err(Error::invalid("no")), None));
        assert!(e.is_err());
        assert!(
            cache
                .get_or_build(ContextKind::Server, || unreachable!())
                .is_err()
        );
    }
}
