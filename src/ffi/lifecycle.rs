//! The bodies of the lifecycle exports every handle type has (`_copy`,
//! `_free`, `_equal`, `_swap`), written once over [`Handle`]. Each helper
//! picks its boundary: copies, frees and swaps only move references and
//! never queue an OpenSSL error (the `_pure` boundary); equality may (it
//! compares certificates and keys through OpenSSL) unless the handle type
//! declares it pure.

use super::boundary;
use super::handle::{Handle, Shared, borrow, borrow_mut, into_raw};
use crate::Error;

/// `_copy`: a new handle sharing `p`'s value (O(1)); NULL (recorded as an
/// error) for NULL.
///
/// # Safety
/// `p` must be NULL or a live handle.
#[inline]
pub(crate) unsafe fn copy<H>(func: &'static str, p: *const H, name: &'static str) -> *mut H
where
    H: Handle<Ownership = Shared>,
    H::Value: Clone,
{
    // SAFETY: NULL or a live handle (caller).
    let Ok(v) = (unsafe { value(p, name) }) else {
        return boundary::pointer_pure(func, || Err(Error::NullArgument(name)));
    };
    // Apart from the NULL case, a body that cannot fail: nothing but the
    // reference count and the allocation is left on the path.
    boundary::pointer_pure(func, || Ok(into_raw(H::from_value(v.clone()))))
}

/// `_free`: frees a handle; NULL is a no-op.
///
/// # Safety
/// `p` must be NULL or a handle from qssl not freed before.
#[inline]
pub(crate) unsafe fn free<H: Handle>(func: &'static str, p: *mut H) {
    let body = || {
        // SAFETY: NULL or a handle from qssl, freed once (caller).
        unsafe { super::handle::free(p) };
        Ok(())
    };
    if H::DROP_QUEUES_ERRORS {
        boundary::void(func, body)
    } else {
        boundary::void_pure(func, body)
    }
}

/// `_equal`: the value's `==`; false (recorded as an error) when either
/// argument is NULL.
///
/// # Safety
/// `a` and `b` must be NULL or live handles.
#[inline]
pub(crate) unsafe fn equal<H>(func: &'static str, a: *const H, b: *const H) -> bool
where
    H: Handle,
    H::Value: PartialEq,
{
    let body = || {
        // SAFETY: NULL or live handles (caller).
        let (a, b) = unsafe { (value(a, "a")?, value(b, "b")?) };
        Ok(a == b)
    };
    if H::PURE_EQUALITY {
        boundary::value_pure(func, false, body)
    } else {
        boundary::value(func, false, body)
    }
}

/// `_swap`: exchanges two handles' values (O(1)). A NULL argument is
/// recorded as an error and nothing happens (also when both are NULL);
/// swapping a handle with itself does nothing.
///
/// # Safety
/// `a` and `b` must be NULL or live handles, not borrowed elsewhere.
#[inline]
pub(crate) unsafe fn swap<H: Handle<Ownership = Shared>>(func: &'static str, a: *mut H, b: *mut H) {
    boundary::void_pure(func, || {
        if a.is_null() {
            return Err(Error::NullArgument("a"));
        }
        if b.is_null() {
            return Err(Error::NullArgument("b"));
        }
        if a != b {
            // SAFETY: non-NULL, live and distinct (checked), so the two
            // mutable borrows do not alias.
            let (a, b) = unsafe { (borrow_mut(a, "a")?, borrow_mut(b, "b")?) };
            std::mem::swap(a, b);
        }
        Ok(())
    })
}

/// Borrows a handle's value; NULL gives `Error::NullArgument(name)`.
///
/// # Safety
/// `p` must be NULL or a live handle not mutated for `'a`.
#[inline]
pub(crate) unsafe fn value<'a, H: Handle>(
    p: *const H,
    name: &'static str,
) -> Result<&'a H::Value, Error> {
    // SAFETY: forwarded (caller); H is repr(transparent) over its value.
    unsafe { borrow(p.cast::<H::Value>(), name) }
}
