//! Handle helpers: box a value into a handle, borrow a handle, free one.
//!
//! Every handle is its own heap allocation (a `Box<T>`); sharing happens
//! inside the value (`Arc`), never between handles.

use crate::Error;

/// Moves `value` to the heap and returns the owning raw pointer.
pub(crate) fn into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Borrows a handle immutably; NULL gives `Error::NullArgument(name)`.
///
/// # Safety
/// `p` must be NULL or point to a live `T` that is not mutated for `'a`.
pub(crate) unsafe fn borrow<'a, T>(p: *const T, name: &'static str) -> Result<&'a T, Error> {
    // SAFETY: the caller guarantees `p` is NULL or valid for reads for 'a.
    unsafe { p.as_ref() }.ok_or(Error::NullArgument(name))
}

/// Borrows a handle mutably; NULL gives `Error::NullArgument(name)`.
///
/// # Safety
/// `p` must be NULL or point to a live `T` with no other access for `'a`.
pub(crate) unsafe fn borrow_mut<'a, T>(p: *mut T, name: &'static str) -> Result<&'a mut T, Error> {
    // SAFETY: the caller guarantees `p` is NULL or valid and unaliased for 'a.
    unsafe { p.as_mut() }.ok_or(Error::NullArgument(name))
}

/// Frees a handle created by [`into_raw`]; NULL is a no-op.
///
/// # Safety
/// `p` must be NULL or a pointer from `into_raw::<T>` not freed before.
pub(crate) unsafe fn free<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: the caller guarantees `p` came from Box::into_raw and is
        // freed exactly once.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// Writes a new handle through `out`. `out` must already be checked non-NULL.
///
/// # Safety
/// `out` must be valid for writes.
pub(crate) unsafe fn write_out<T>(out: *mut *mut T, value: T) {
    // SAFETY: the caller guarantees `out` is valid for writes.
    unsafe { *out = into_raw(value) };
}

/// Checks `out` and sets `*out = NULL` on entry, as the API contract requires.
///
/// # Safety
/// `out` must be NULL or valid for writes.
pub(crate) unsafe fn reset_out<T>(out: *mut *mut T, name: &'static str) -> Result<(), Error> {
    if out.is_null() {
        return Err(Error::NullArgument(name));
    }
    // SAFETY: checked non-NULL; the caller guarantees it is valid for writes.
    unsafe { *out = std::ptr::null_mut() };
    Ok(())
}
