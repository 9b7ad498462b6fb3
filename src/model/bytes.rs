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
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for OptBytes {}
