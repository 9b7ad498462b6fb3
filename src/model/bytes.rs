//! Byte strings with Qt's null/empty distinction.

use std::sync::Arc;

/// A byte string that is either null (never assigned) or a value, possibly
/// empty, like QByteArray. `==` treats null and empty as equal, as Qt does;
/// [`OptBytes::is_null`] tells them apart.
#[derive(Clone, Debug, Default)]
pub enum OptBytes {
    /// Never assigned (QByteArray()).
    #[default]
    Null,
    /// Assigned bytes, possibly empty. Shared, so a clone is O(1).
    Value(Arc<[u8]>),
}

impl OptBytes {
    /// True when null (never assigned).
    pub fn is_null(&self) -> bool {
        matches!(self, OptBytes::Null)
    }

    /// The bytes; null gives an empty slice.
    pub fn as_slice(&self) -> &[u8] {
        match self {
            OptBytes::Null => &[],
            OptBytes::Value(v) => v,
        }
    }

    /// The number of bytes (0 for null).
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when null or empty.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl From<&[u8]> for OptBytes {
    fn from(b: &[u8]) -> Self {
        OptBytes::Value(Arc::from(b))
    }
}

impl From<Vec<u8>> for OptBytes {
    fn from(b: Vec<u8>) -> Self {
        OptBytes::Value(Arc::from(b))
    }
}

impl PartialEq for OptBytes {
    /// Null equals empty; shared bytes (copies of one value) are equal
    /// without comparing them.
    fn eq(&self, other: &Self) -> bool {
        if let (OptBytes::Value(a), OptBytes::Value(b)) = (self, other) {
            if Arc::ptr_eq(a, b) {
                return true;
            }
        }
        self.as_slice() == other.as_slice()
    }
}

impl Eq for OptBytes {}

/// Secret bytes (a pre-shared key, key material): like [`OptBytes`] but never
/// shared between copies, and overwritten with zeros before the memory is
/// returned to the allocator.
#[derive(Default)]
pub struct SecretBytes(Option<Box<[u8]>>);

impl SecretBytes {
    /// The null value.
    pub fn null() -> Self {
        SecretBytes(None)
    }

    /// A copy of `b` (possibly empty, never null).
    pub fn new(b: &[u8]) -> Self {
        SecretBytes(Some(b.into()))
    }

    /// True when null.
    pub fn is_null(&self) -> bool {
        self.0.is_none()
    }

    /// The bytes (empty for null).
    pub fn as_slice(&self) -> &[u8] {
        self.0.as_deref().unwrap_or(&[])
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when null or empty.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Overwrites the bytes with zeros in place (they stay allocated).
    pub fn wipe(&mut self) {
        if let Some(b) = self.0.as_deref_mut() {
            wipe_bytes(b);
        }
    }
}

/// Overwrites `b` with zeros in a way the optimiser may not remove.
pub fn wipe_bytes(b: &mut [u8]) {
    for byte in b.iter_mut() {
        // SAFETY: `byte` is a valid, aligned, exclusive reference.
        unsafe { std::ptr::write_volatile(byte, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl Clone for SecretBytes {
    fn clone(&self) -> Self {
        SecretBytes(self.0.clone())
    }
}

impl PartialEq for SecretBytes {
    /// Null equals empty, as for QByteArray.
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for SecretBytes {}

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBytes({} bytes)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_empty_compare_equal_but_differ_in_is_null() {
        assert_eq!(OptBytes::Null, OptBytes::from(&b""[..]));
        assert!(OptBytes::Null.is_null());
        assert!(!OptBytes::from(&b""[..]).is_null());
        assert_ne!(OptBytes::from(&b"a"[..]), OptBytes::Null);
    }

    #[test]
    fn secret_wipe_zeroes_in_place() {
        let mut s = SecretBytes::new(b"top secret key");
        let ptr = s.as_slice().as_ptr();
        s.wipe();
        assert_eq!(s.as_slice().as_ptr(), ptr, "wiped in place");
        assert!(s.as_slice().iter().all(|&b| b == 0));
        assert_eq!(s.len(), 14);
    }
}
