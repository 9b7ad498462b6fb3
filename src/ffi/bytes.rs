//! Byte and text helpers for the C boundary: slices in with the `(NULL, 0)`
//! rule, UTF-8 text in, and the `(buf, cap, out_len)` output shape.

use std::ffi::{CStr, c_char};

use crate::Error;
use crate::model::bytes::OptBytes;

/// Borrows `(data, len)` as a byte slice: `(NULL, 0)` is empty,
/// `(NULL, n > 0)` is a null-argument error.
///
/// # Safety
/// If `data` is non-NULL it must be valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn slice_in<'a>(
    data: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Error> {
    if data.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::NullArgument(name));
    }
    if len > isize::MAX as usize {
        return Err(too_large(name, len));
    }
    // SAFETY: non-NULL, len bounded; the caller guarantees validity for reads.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// The error of a length no buffer can have (out of line).
#[cold]
#[inline(never)]
fn too_large(name: &str, len: usize) -> Error {
    Error::invalid(format!("{name}: length {len} is too large"))
}

/// Like [`slice_in`], but keeps Qt's null/empty distinction: `(NULL, 0)` is
/// a null value (`None`), a non-NULL pointer with length 0 an empty one.
///
/// # Safety
/// As for [`slice_in`].
pub(crate) unsafe fn opt_slice_in<'a>(
    data: *const u8,
    len: usize,
    name: &'static str,
) -> Result<Option<&'a [u8]>, Error> {
    if data.is_null() && len == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded caller guarantee.
    unsafe { slice_in(data, len, name) }.map(Some)
}

/// [`opt_slice_in`] copied into [`OptBytes`].
///
/// # Safety
/// As for [`slice_in`].
pub(crate) unsafe fn opt_bytes_in(
    data: *const u8,
    len: usize,
    name: &'static str,
) -> Result<OptBytes, Error> {
    // SAFETY: forwarded caller guarantee.
    Ok(unsafe { opt_slice_in(data, len, name) }?.map_or(OptBytes::Null, OptBytes::from))
}

/// Borrows a NUL-terminated UTF-8 string.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn str_in<'a>(p: *const c_char, name: &'static str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::NullArgument(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's guarantee.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str()
        .map_err(|e| Error::invalid(format!("{name} is not valid UTF-8: {e}")))
}

/// Writes `src` to `(buf, cap)` and its length to `*out_len`. If `cap` is too
/// small, only `*out_len` is written and the result is `BufferTooSmall`.
///
/// # Safety
/// `out_len` must be NULL or valid for writes; `buf` must be NULL or valid for
/// writes of `cap` bytes.
pub(crate) unsafe fn bytes_out(
    src: &[u8],
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> Result<(), Error> {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { slice_out(src, buf, cap, out_len) }
}

/// [`bytes_out`] for any plain value type: `cap` and `*out_len` count values.
/// The values are copied bytewise, so `buf` need not be aligned for `T`.
///
/// # Safety
/// `out_len` must be NULL or valid for writes; `buf` must be NULL or valid for
/// writes of `cap` values.
pub(crate) unsafe fn slice_out<T: Copy>(
    src: &[T],
    buf: *mut T,
    cap: usize,
    out_len: *mut usize,
) -> Result<(), Error> {
    if out_len.is_null() {
        return Err(Error::NullArgument("out_len"));
    }
    // SAFETY: checked non-NULL; caller guarantees validity.
    unsafe { *out_len = src.len() };
    if cap < src.len() {
        return Err(Error::BufferTooSmall {
            needed: src.len(),
            capacity: cap,
        });
    }
    if src.is_empty() {
        return Ok(());
    }
    if buf.is_null() {
        return Err(Error::NullArgument("buf"));
    }
    // SAFETY: buf is valid for cap >= src.len() values and cannot overlap a
    // Rust-owned slice; a bytewise copy needs no alignment.
    unsafe {
        std::ptr::copy_nonoverlapping(
            src.as_ptr().cast::<u8>(),
            buf.cast::<u8>(),
            std::mem::size_of_val(src),
        )
    };
    Ok(())
}

/// Writes `src` as text: like [`bytes_out`] plus a terminating NUL, so it needs
/// `cap >= src.len() + 1`; `*out_len` receives `src.len()`.
///
/// # Safety
/// As for [`bytes_out`].
pub(crate) unsafe fn text_out(
    src: &str,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> Result<(), Error> {
    if out_len.is_null() {
        return Err(Error::NullArgument("out_len"));
    }
    // SAFETY: checked non-NULL.
    unsafe { *out_len = src.len() };
    if cap < src.len() + 1 {
        return Err(Error::BufferTooSmall {
            needed: src.len() + 1,
            capacity: cap,
        });
    }
    if buf.is_null() {
        return Err(Error::NullArgument("buf"));
    }
    let dst = buf.cast::<u8>();
    // SAFETY: dst is valid for cap >= len + 1 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len());
        *dst.add(src.len()) = 0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices() {
        // SAFETY: test pointers are NULL or valid.
        unsafe {
            assert_eq!(slice_in(std::ptr::null(), 0, "d").unwrap(), b"");
            assert_eq!(
                slice_in(std::ptr::null(), 3, "d"),
                Err(Error::NullArgument("d"))
            );
            assert_eq!(slice_in(b"abc".as_ptr(), 2, "d").unwrap(), b"ab");
            assert_eq!(
                opt_bytes_in(std::ptr::null(), 0, "d").unwrap(),
                OptBytes::Null
            );
            assert_eq!(
                opt_bytes_in(b"x".as_ptr(), 0, "d").unwrap(),
                OptBytes::from(&b""[..])
            );
        }
    }

    #[test]
    fn outputs() {
        let mut len = 0usize;
        let mut buf = [0u8; 4];
        // SAFETY: test buffers are valid.
        unsafe {
            assert!(bytes_out(b"hello", std::ptr::null_mut(), 0, &mut len).is_err());
            assert_eq!(len, 5);
            assert!(matches!(
                bytes_out(b"hello", buf.as_mut_ptr(), 4, &mut len),
                Err(Error::BufferTooSmall {
                    needed: 5,
                    capacity: 4
                })
            ));
            assert_eq!(buf, [0; 4]);
            bytes_out(b"hey", buf.as_mut_ptr(), 4, &mut len).unwrap();
            assert_eq!(&buf[..3], b"hey");
            assert!(text_out("abcd", buf.as_mut_ptr().cast(), 4, &mut len).is_err());
            text_out("abc", buf.as_mut_ptr().cast(), 4, &mut len).unwrap();
            assert_eq!(&buf, b"abc\0");
            let bad = [0xffu8, 0];
            assert!(matches!(
                str_in(bad.as_ptr().cast(), "name"),
                Err(Error::InvalidArgument(_))
            ));
        }
    }
}
