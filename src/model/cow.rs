//! [`Cow`]: the implicit sharing of Qt's value types (an `Arc` with
//! copy-on-write), without the atomic read-modify-write that
//! `Arc::make_mut` pays on every write.
//!
//! `Arc::make_mut` and `Arc::get_mut` must rule out `Weak` references, so
//! they take a lock on the weak count with a compare-and-swap even when the
//! value is not shared: one atomic operation (several nanoseconds) per
//! setter call, and one more on the detach of a copy. A [`Cow`] keeps its
//! `Arc` private and never makes a `Weak` of it, so a strong count of 1
//! alone proves the value unshared: a plain load decides.

use std::sync::Arc;
use std::sync::atomic::{Ordering, fence};

/// A shared value, copied on write. `Clone` is O(1) (one reference count);
/// [`Cow::make_mut`] detaches a shared value first, so a write through one
/// copy never shows through another.
///
/// Invariant: no `Weak` reference to the `Arc` ever exists (the `Arc` never
/// leaves this type).
pub(crate) struct Cow<T>(Arc<T>);

impl<T> Cow<T> {
    /// A new, unshared value.
    #[inline]
    pub(crate) fn new(v: T) -> Self {
        Cow(Arc::new(v))
    }

    /// True when both share one value (no detach happened since the copy).
    #[inline]
    pub(crate) fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// Write access: detaches the value when it is shared (cloning it into
    /// a new allocation this copy alone holds), then lends it mutably.
    #[inline]
    pub(crate) fn make_mut(this: &mut Self) -> &mut T
    where
        T: Clone,
    {
        if Arc::strong_count(&this.0) == 1 {
            // Unshared. The load above is relaxed; the fence orders it
            // before the writes below, as the Acquire of `Arc::drop`'s
            // last decrement does: every access through a reference that
            // another thread dropped happens before our writes.
            fence(Ordering::Acquire);
        } else {
            Self::detach(this);
        }
        // SAFETY: the strong count is 1 (checked above, or a fresh Arc from
        // `detach`) and no `Weak` exists (the type's invariant), so `this`
        // is the only reference to the value; `&mut this` keeps it so for
        // the borrow's lifetime. The pointer is `Arc::as_ptr`'s, valid for
        // reads and writes of the value while the Arc lives (what the
        // unstable `Arc::get_mut_unchecked` returns).
        unsafe { &mut *Arc::as_ptr(&this.0).cast_mut() }
    }

    /// Replaces a shared value with a clone only this copy holds. Out of
    /// line: the unshared path of [`Cow::make_mut`] stays two instructions.
    #[inline(never)]
    fn detach(this: &mut Self)
    where
        T: Clone,
    {
        this.0 = Arc::new((*this.0).clone());
    }
}

impl<T> Clone for Cow<T> {
    #[inline]
    fn clone(&self) -> Self {
        Cow(Arc::clone(&self.0))
    }
}

impl<T> std::ops::Deref for Cow<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Default> Default for Cow<T> {
    fn default() -> Self {
        Cow::new(T::default())
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Cow<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Cow<T> {
    /// Shared values are equal without comparing them; otherwise by value.
    fn eq(&self, o: &Self) -> bool {
        Cow::ptr_eq(self, o) || **self == **o
    }
}

impl<T: Eq> Eq for Cow<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_detaches_a_shared_value_only() {
        let mut a = Cow::new(vec![1, 2]);
        let b = a.clone();
        assert!(Cow::ptr_eq(&a, &b));
        Cow::make_mut(&mut a).push(3);
        assert!(!Cow::ptr_eq(&a, &b));
        assert_eq!(*a, [1, 2, 3]);
        assert_eq!(*b, [1, 2]);
        // Unshared now: a second write keeps the allocation.
        let before = Arc::as_ptr(&a.0);
        Cow::make_mut(&mut a).push(4);
        assert_eq!(Arc::as_ptr(&a.0), before);
        assert_eq!(*a, [1, 2, 3, 4]);
        assert_eq!(*b, [1, 2]);
    }

    #[test]
    fn the_last_copy_writes_in_place() {
        let mut a = Cow::new(String::from("x"));
        let b = a.clone();
        let shared = Arc::as_ptr(&a.0);
        drop(b);
        Cow::make_mut(&mut a).push('y');
        assert_eq!(Arc::as_ptr(&a.0), shared);
        assert_eq!(&*a, "xy");
    }

    #[test]
    fn copies_written_on_other_threads_stay_independent() {
        let base = Cow::new(vec![0u64; 64]);
        let handles: Vec<_> = (0..4u64)
            .map(|t| {
                let mut c = base.clone();
                std::thread::spawn(move || {
                    for i in 0..1000 {
                        let v = Cow::make_mut(&mut c);
                        v[(i % 64) as usize] = t + 1;
                        let copy = c.clone();
                        drop(copy);
                    }
                    assert!(c.iter().all(|&x| x == t + 1));
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!(base.iter().all(|&x| x == 0));
    }
}
