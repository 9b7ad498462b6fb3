//! Handle helpers: put a value into a handle, borrow a handle, free one.
//!
//! Every handle is its own heap allocation; sharing happens inside the value
//! (`Arc`), never between handles. The allocation is C's `malloc` / `free`
//! called directly (the C side's own allocator, as `Box` with the system
//! allocator ends up calling too, minus the Rust allocator shims in between):
//! a handle copy is an atomic increment and one small allocation, so the
//! shims were a tenth of it.

use std::alloc::Layout;

use crate::Error;

/// Whether `T`'s handles come from `malloc`: always in practice. `malloc`
/// aligns for every fundamental type (at least 8 bytes); a value needing
/// more would take the global allocator instead. Decided per type at
/// compile time, so [`into_raw`] and [`free`] always agree.
const fn from_malloc<T>() -> bool {
    std::mem::align_of::<T>() <= 8
}

/// Moves `value` to the heap and returns the owning raw pointer; free it
/// with [`free`] (never `Box::from_raw`). Aborts when memory runs out, as
/// `Box::new` does.
#[inline]
pub(crate) fn into_raw<T>(value: T) -> *mut T {
    if !from_malloc::<T>() {
        return Box::into_raw(Box::new(value));
    }
    // SAFETY: malloc has no preconditions; a size of 0 is avoided so that
    // NULL always means failure.
    let p = unsafe { libc::malloc(std::mem::size_of::<T>().max(1)) }.cast::<T>();
    if p.is_null() {
        std::alloc::handle_alloc_error(Layout::new::<T>());
    }
    // SAFETY: `p` is a fresh allocation of T's size, aligned for T
    // (`from_malloc`), not yet initialised: written once, without a drop.
    unsafe { p.write(value) };
    p
}

/// Borrows a handle immutably; NULL gives `Error::NullArgument(name)`.
///
/// # Safety
/// `p` must be NULL or point to a live `T` that is not mutated for `'a`.
#[inline]
pub(crate) unsafe fn borrow<'a, T>(p: *const T, name: &'static str) -> Result<&'a T, Error> {
    // SAFETY: the caller guarantees `p` is NULL or valid for reads for 'a.
    // A match, not `ok_or`: the error is built (and dropped) only when NULL.
    match unsafe { p.as_ref() } {
        Some(r) => Ok(r),
        None => Err(Error::NullArgument(name)),
    }
}

/// Borrows a handle mutably; NULL gives `Error::NullArgument(name)`.
///
/// # Safety
/// `p` must be NULL or point to a live `T` with no other access for `'a`.
#[inline]
pub(crate) unsafe fn borrow_mut<'a, T>(p: *mut T, name: &'static str) -> Result<&'a mut T, Error> {
    // SAFETY: the caller guarantees `p` is NULL or valid and unaliased for 'a.
    // A match, not `ok_or`: the error is built (and dropped) only when NULL.
    match unsafe { p.as_mut() } {
        Some(r) => Ok(r),
        None => Err(Error::NullArgument(name)),
    }
}

/// Frees a handle created by [`into_raw`]; NULL is a no-op. The memory is
/// released before the value is dropped, so a panic in the value's drop
/// cannot leak it.
///
/// # Safety
/// `p` must be NULL or a pointer from `into_raw::<T>` not freed before.
#[inline]
pub(crate) unsafe fn free<T>(p: *mut T) {
    if p.is_null() {
        return;
    }
    if !from_malloc::<T>() {
        // SAFETY: `into_raw` boxed it (same `from_malloc` answer for T);
        // freed exactly once (caller).
        drop(unsafe { Box::from_raw(p) });
        return;
    }
    // SAFETY: a live, initialised T from `into_raw` (caller); read once,
    // then its memory is freed without a second drop.
    let value = unsafe { p.read() };
    // SAFETY: `p` came from `libc::malloc` in `into_raw` and is freed once.
    unsafe { libc::free(p.cast()) };
    drop(value);
}

/// Writes a new handle through `out`. `out` must already be checked non-NULL.
///
/// # Safety
/// `out` must be valid for writes.
#[inline]
pub(crate) unsafe fn write_out<T>(out: *mut *mut T, value: T) {
    // SAFETY: the caller guarantees `out` is valid for writes.
    unsafe { *out = into_raw(value) };
}

/// Checks `out` and sets `*out = NULL` on entry, as the API contract requires.
///
/// # Safety
/// `out` must be NULL or valid for writes.
#[inline]
pub(crate) unsafe fn reset_out<T>(out: *mut *mut T, name: &'static str) -> Result<(), Error> {
    if out.is_null() {
        return Err(Error::NullArgument(name));
    }
    // SAFETY: checked non-NULL; the caller guarantees it is valid for writes.
    unsafe { *out = std::ptr::null_mut() };
    Ok(())
}

// ---- typed handles ----------------------------------------------------------------

/// How a handle's value is owned. Every handle is its own heap allocation
/// (`Box`); the marker says what a copy of the handle means.
pub(crate) trait Ownership {}

/// The value is shared by reference count (`Arc`, `X509_up_ref`, ...):
/// `_copy` is O(1) and the generic [`copy`] and [`swap`] apply.
pub(crate) struct Shared;
impl Ownership for Shared {}

/// The value is one resource (a connection, a snapshot list): no `_copy`,
/// no `_swap`.
pub(crate) struct Unique;
impl Ownership for Unique {}

/// A C handle type tied to its Rust value. Implemented only by the
/// [`handle!`] macro, which also declares the struct
/// `#[repr(transparent)]` over the value: that is what makes the pointer
/// casts of the list helpers sound, checked by the compiler instead of by a
/// size assertion at run time.
///
/// # Safety
/// `Self` must be `#[repr(transparent)]` over `Self::Value`.
pub(crate) unsafe trait Handle: Sized {
    /// The Rust value behind the handle.
    type Value;
    /// [`Shared`] or [`Unique`].
    type Ownership: Ownership;
    /// True when dropping the value can call into OpenSSL in a way that
    /// queues an error (a connection); then `_free` runs in the boundary
    /// that clears the queue. Dropping a reference count never does.
    const DROP_QUEUES_ERRORS: bool = false;
    /// True when comparing values never calls into OpenSSL in a way that
    /// queues an error; then `_equal` skips the queue check.
    const PURE_EQUALITY: bool = false;

    /// Wraps a value.
    fn from_value(v: Self::Value) -> Self;
}

/// A handle type whose memory is a `T`, so a `&T` can be lent to C as a
/// `*const Self` (list elements).
///
/// # Safety
/// `Self` and `T` must have the same layout and every `T` must be a valid
/// `Self` (a `#[repr(transparent)]` newtype, in either direction).
pub(crate) unsafe trait LendsAs<T> {}

// SAFETY: every `Handle` is repr(transparent) over its value (trait contract).
unsafe impl<H: Handle> LendsAs<H::Value> for H {}

/// Declares a C handle type as a `#[repr(transparent)]` newtype over its
/// Rust value and implements [`Handle`] for it:
///
/// ```ignore
/// handle! {
///     /// A certificate handle (QSslCertificate).
///     pub struct qssl_cert_t(Certificate): Shared;
/// }
/// ```
///
/// An optional `{ ... }` after the ownership overrides the trait's
/// constants (`const DROP_QUEUES_ERRORS: bool = true;`).
macro_rules! handle {
    ($(#[$m:meta])* pub struct $name:ident($value:ty): $own:ident $({ $($body:tt)* })? ;) => {
        $(#[$m])*
        #[repr(transparent)]
        pub struct $name(pub(crate) $value);

        // SAFETY: declared repr(transparent) over the value just above.
        unsafe impl $crate::ffi::handle::Handle for $name {
            type Value = $value;
            type Ownership = $crate::ffi::handle::$own;
            $($($body)*)?
            fn from_value(v: $value) -> Self {
                $name(v)
            }
        }
    };
}
pub(crate) use handle;
