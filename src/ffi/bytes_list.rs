//! `qssl_bytes_list_t`: an owned snapshot list of byte strings
//! (QList<QByteArray>, and QStringList as UTF-8).
#![allow(non_camel_case_types)]

use std::sync::{Arc, OnceLock};

use super::boundary;
use super::bytes::slice_in;
use super::handle::{borrow, handle, into_raw};
use super::status::qssl_status_t;
use crate::Error;
use crate::model::bytes::OptBytes;

handle! {
    /// A list of byte strings. Declared in the header preamble.
    pub struct qssl_bytes_list_t(BytesList): Unique;
}

/// The value behind a `qssl_bytes_list_t`.
pub(crate) struct BytesList {
    items: Arc<[OptBytes]>,
    /// Each item NUL-terminated (so text items are C strings too), built on
    /// first use of the array accessors.
    arrays: OnceLock<Arrays>,
}

struct Arrays {
    _storage: Vec<Box<[u8]>>,
    data: Vec<*const u8>,
    lens: Vec<usize>,
}

// SAFETY: the pointers in `data` point into `_storage`, owned by the same
// object and never mutated after construction.
unsafe impl Send for Arrays {}
// SAFETY: as above; only read after construction.
unsafe impl Sync for Arrays {}

impl qssl_bytes_list_t {
    /// Wraps a shared list (O(1)).
    pub(crate) fn new(items: Arc<[OptBytes]>) -> Self {
        qssl_bytes_list_t(BytesList {
            items,
            arrays: OnceLock::new(),
        })
    }

    /// Builds a list of UTF-8 strings.
    pub(crate) fn from_strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Self {
        Self::new(
            items
                .into_iter()
                .map(|s| OptBytes::from(s.as_ref().as_bytes()))
                .collect(),
        )
    }
}

impl BytesList {
    fn arrays(&self) -> &Arrays {
        self.arrays.get_or_init(|| {
            let storage: Vec<Box<[u8]>> = self
                .items
                .iter()
                .map(|b| {
                    let mut v = Vec::with_capacity(b.len() + 1);
                    v.extend_from_slice(b.as_slice());
                    v.push(0);
                    v.into_boxed_slice()
                })
                .collect();
            let data = storage.iter().map(|b| b.as_ptr()).collect();
            let lens = self.items.iter().map(|b| b.len()).collect();
            Arrays {
                _storage: storage,
                data,
                lens,
            }
        })
    }
}

/// Reads `(items[i], lens[i])` for `i < n` into byte strings.
///
/// # Safety
/// `items` and `lens` must be NULL (with `n == 0`) or hold `n` entries; each
/// `items[i]` must be valid for `lens[i]` bytes (or NULL with length 0).
pub(crate) unsafe fn bytes_array_in(
    items: *const *const u8,
    lens: *const usize,
    n: usize,
) -> Result<Vec<OptBytes>, Error> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if items.is_null() {
        return Err(Error::NullArgument("items"));
    }
    if lens.is_null() {
        return Err(Error::NullArgument("lens"));
    }
    if n > isize::MAX as usize / std::mem::size_of::<*const u8>() {
        return Err(Error::invalid(format!("n {n} is too large")));
    }
    // SAFETY: the caller guarantees n entries in each array.
    let (ptrs, lens) = unsafe {
        (
            std::slice::from_raw_parts(items, n),
            std::slice::from_raw_parts(lens, n),
        )
    };
    ptrs.iter()
        .zip(lens)
        .map(|(&p, &len)| {
            // SAFETY: forwarded caller guarantee for each element.
            unsafe { slice_in(p, len, "items[i]") }.map(OptBytes::from)
        })
        .collect()
}

/// Creates a list from `n` byte strings `(items[i], lens[i])`, copying them.
/// Returns NULL on failure (NULL arrays with `n > 0`). Free it with
/// qssl_bytes_list_free().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_bytes_list_new(
    items: *const *const u8,
    lens: *const usize,
    n: usize,
) -> *mut qssl_bytes_list_t {
    boundary::pointer("qssl_bytes_list_new", || {
        // SAFETY: forwarded caller guarantee.
        let v = unsafe { bytes_array_in(items, lens, n) }?;
        Ok(into_raw(qssl_bytes_list_t::new(v.into())))
    })
}

/// Frees a list; NULL is a no-op. Borrowed pointers into it become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_bytes_list_free(list: *mut qssl_bytes_list_t) {
    // SAFETY: the C contract: NULL or a list from qssl, freed once.
    unsafe { super::lifecycle::free("qssl_bytes_list_free", list) }
}

/// The number of byte strings (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_bytes_list_len(list: *const qssl_bytes_list_t) -> usize {
    boundary::value("qssl_bytes_list_len", 0, || {
        // SAFETY: NULL or a live list.
        Ok(unsafe { borrow(list, "list") }?.0.items.len())
    })
}

/// Lends item `index`: `*data` points to its bytes (followed by a NUL that
/// `*len` does not count, so text items are C strings), valid until the list
/// is freed. Errors: NULL arguments, index out of range (INVALID_ARGUMENT).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_bytes_list_get(
    list: *const qssl_bytes_list_t,
    index: usize,
    data: *mut *const u8,
    len: *mut usize,
) -> qssl_status_t {
    boundary::status("qssl_bytes_list_get", || {
        // SAFETY: NULL or a live list.
        let list = &unsafe { borrow(list, "list") }?.0;
        if data.is_null() {
            return Err(Error::NullArgument("data"));
        }
        if len.is_null() {
            return Err(Error::NullArgument("len"));
        }
        let a = list.arrays();
        if index >= a.data.len() {
            return Err(Error::invalid(format!(
                "index {index} out of range (length {})",
                a.data.len()
            )));
        }
        // SAFETY: both checked non-NULL.
        unsafe {
            *data = a.data[index];
            *len = a.lens[index];
        }
        Ok(())
    })
}

/// Tells whether item `index` is a null byte array (QByteArray::isNull);
/// false for NULL or out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_bytes_list_is_null(
    list: *const qssl_bytes_list_t,
    index: usize,
) -> bool {
    boundary::value("qssl_bytes_list_is_null", false, || {
        // SAFETY: NULL or a live list.
        let list = &unsafe { borrow(list, "list") }?.0;
        let item = list.items.get(index).ok_or_else(|| {
            Error::invalid(format!(
                "index {index} is out of range (length {})",
                list.items.len()
            ))
        })?;
        Ok(item.is_null())
    })
}

/// All items' data pointers as an array of `qssl_bytes_list_len()` entries
/// (each NUL-terminated beyond its length), in the form the list setters take
/// with qssl_bytes_list_lengths(). Valid until the list is freed; NULL when
/// empty or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_bytes_list_data(list: *const qssl_bytes_list_t) -> *const *const u8 {
    boundary::value("qssl_bytes_list_data", std::ptr::null(), || {
        // SAFETY: NULL or a live list.
        let list = &unsafe { borrow(list, "list") }?.0;
        let a = list.arrays();
        Ok(if a.data.is_empty() {
            std::ptr::null()
        } else {
            a.data.as_ptr()
        })
    })
}

/// All items' lengths as an array of `qssl_bytes_list_len()` entries. Valid
/// until the list is freed; NULL when empty or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qssl_bytes_list_lengths(list: *const qssl_bytes_list_t) -> *const usize {
    boundary::value("qssl_bytes_list_lengths", std::ptr::null(), || {
        // SAFETY: NULL or a live list.
        let list = &unsafe { borrow(list, "list") }?.0;
        let a = list.arrays();
        Ok(if a.lens.is_empty() {
            std::ptr::null()
        } else {
            a.lens.as_ptr()
        })
    })
}
