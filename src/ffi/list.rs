//! Storage shared by the owned snapshot list handles (`qssl_cert_list_t`, ...).
//!
//! A list handle holds the model's `Arc<[T]>`, so taking a snapshot of a
//! configuration's list is O(1). `items()` lends the elements as an array of
//! handle pointers, built once on first use, in the form the setters take.

use std::sync::{Arc, OnceLock};

use super::boundary;
use super::handle::{Handle, LendsAs, into_raw};
use super::lifecycle::value;
use crate::Error;

/// Pointers into an `Arc<[T]>` lent to C. They point into memory the list
/// owns and never mutates, so sharing them between threads is sound.
struct Pointers<H>(Box<[*const H]>);

// SAFETY: the pointers refer to immutable data owned by the same list; they
// are only read, and the list outlives every borrow C may take of them.
unsafe impl<H> Send for Pointers<H> {}
// SAFETY: as above; no interior mutability is reachable through them.
unsafe impl<H> Sync for Pointers<H> {}

/// An immutable, shared snapshot of a list, lending elements as handles `H`
/// (whose memory is a `T`: the [`LendsAs`] bound, checked at compile time).
pub(crate) struct ListStore<T, H: LendsAs<T>> {
    items: Arc<[T]>,
    pointers: OnceLock<Pointers<H>>,
}

impl<T, H: LendsAs<T>> ListStore<T, H> {
    /// Wraps a shared slice (O(1)).
    pub(crate) fn new(items: Arc<[T]>) -> Self {
        ListStore {
            items,
            pointers: OnceLock::new(),
        }
    }

    /// The shared slice.
    pub(crate) fn items(&self) -> &Arc<[T]> {
        &self.items
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// A borrowed element as a handle pointer; NULL if out of range.
    pub(crate) fn get(&self, index: usize) -> *const H {
        self.items
            .get(index)
            .map_or(std::ptr::null(), |t| (t as *const T).cast::<H>())
    }

    /// All elements as an array of handle pointers (NULL when empty).
    pub(crate) fn pointers(&self) -> *const *const H {
        if self.items.is_empty() {
            return std::ptr::null();
        }
        let p = self.pointers.get_or_init(|| {
            Pointers(
                self.items
                    .iter()
                    .map(|t| (t as *const T).cast::<H>())
                    .collect(),
            )
        });
        p.0.as_ptr()
    }
}

/// Reads a C array of handle pointers into owned model values. Each element
/// must be non-NULL.
///
/// # Safety
/// `items` must be NULL (with `n == 0`) or point to `n` pointers, each NULL or
/// a live handle `H`.
pub(crate) unsafe fn array_in<T: Clone, H: LendsAs<T>>(
    items: *const *const H,
    n: usize,
    name: &'static str,
) -> Result<Vec<T>, crate::Error> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if items.is_null() {
        return Err(crate::Error::NullArgument(name));
    }
    if n > isize::MAX as usize / std::mem::size_of::<*const H>() {
        return Err(crate::Error::invalid(format!(
            "{name}: count {n} is too large"
        )));
    }
    // SAFETY: the caller guarantees `items` holds `n` pointers.
    let ptrs = unsafe { std::slice::from_raw_parts(items, n) };
    ptrs.iter()
        .enumerate()
        .map(|(i, &p)| {
            if p.is_null() {
                Err(crate::Error::invalid(format!("{name}[{i}] is NULL")))
            } else {
                // SAFETY: non-NULL live handle; H's memory is a T (`LendsAs`).
                Ok(unsafe { &*p.cast::<T>() }.clone())
            }
        })
        .collect()
}

// ---- the list exports, written once ---------------------------------------------

/// `_list_new`: a list of copies of `n` handles (each shared, O(1)); NULL
/// on error (`items` NULL with `n > 0`, or a NULL element).
///
/// # Safety
/// As for [`array_in`].
pub(crate) unsafe fn new<L, T, H>(func: &'static str, items: *const *const H, n: usize) -> *mut L
where
    L: Handle<Value = ListStore<T, H>>,
    T: Clone,
    H: LendsAs<T>,
{
    boundary::pointer(func, || {
        // SAFETY: forwarded (caller).
        let v: Vec<T> = unsafe { array_in(items, n, "items") }?;
        Ok(into_raw(L::from_value(ListStore::new(v.into()))))
    })
}

/// `_list_len`: the number of elements; 0 for NULL.
///
/// # Safety
/// `list` must be NULL or a live list.
pub(crate) unsafe fn len<L, T, H>(func: &'static str, list: *const L) -> usize
where
    L: Handle<Value = ListStore<T, H>>,
    H: LendsAs<T>,
{
    boundary::value_pure(func, 0, || {
        // SAFETY: NULL or a live list (caller).
        Ok(unsafe { value(list, "list") }?.len())
    })
}

/// `_list_get`: lends element `index`; NULL for NULL `list` or an index out
/// of range (recorded as an error).
///
/// # Safety
/// `list` must be NULL or a live list.
pub(crate) unsafe fn get<L, T, H>(func: &'static str, list: *const L, index: usize) -> *const H
where
    L: Handle<Value = ListStore<T, H>>,
    H: LendsAs<T>,
{
    boundary::value_pure(func, std::ptr::null(), || {
        // SAFETY: NULL or a live list (caller).
        let l = unsafe { value(list, "list") }?;
        let p = l.get(index);
        if p.is_null() {
            return Err(Error::invalid(format!(
                "index {index} out of range (length {})",
                l.len()
            )));
        }
        Ok(p)
    })
}

/// `_list_items`: every element as an array of borrowed handles; NULL when
/// the list is empty or NULL.
///
/// # Safety
/// `list` must be NULL or a live list.
pub(crate) unsafe fn items<L, T, H>(func: &'static str, list: *const L) -> *const *const H
where
    L: Handle<Value = ListStore<T, H>>,
    H: LendsAs<T>,
{
    boundary::value_pure(func, std::ptr::null(), || {
        // SAFETY: NULL or a live list (caller).
        Ok(unsafe { value(list, "list") }?.pointers())
    })
}
