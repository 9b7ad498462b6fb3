//! `QSslDiffieHellmanParameters`: DER-encoded DH parameters with an error state.

use crate::model::bytes::OptBytes;

/// `QSslDiffieHellmanParameters::Error`: NoError.
pub const DH_NO_ERROR: i32 = 0;
/// InvalidInputDataError.
pub const DH_INVALID_INPUT_DATA_ERROR: i32 = 1;
/// UnsafeParametersError.
pub const DH_UNSAFE_PARAMETERS_ERROR: i32 = 2;

/// Diffie-Hellman parameters: DER bytes and an error state. Clones share the bytes.
#[derive(Clone, Debug, Default)]
pub struct DhParams {
    der: OptBytes,
    error: i32,
}

impl DhParams {
    /// Empty parameters (`QSslDiffieHellmanParameters()`): empty and valid.
    pub fn empty() -> Self {
        DhParams::default()
    }

    /// The DER bytes ("" when empty or invalid).
    pub fn der(&self) -> &[u8] {
        self.der.as_slice()
    }

    /// The error state.
    pub fn error(&self) -> i32 {
        self.error
    }

    /// True when there are no bytes and no error.
    pub fn is_empty(&self) -> bool {
        self.der.is_empty() && self.error == DH_NO_ERROR
    }

    /// True when there is no error.
    pub fn is_valid(&self) -> bool {
        self.error == DH_NO_ERROR
    }
}

impl PartialEq for DhParams {
    /// Qt compares the DER bytes only.
    fn eq(&self, other: &Self) -> bool {
        self.der() == other.der()
    }
}

impl Eq for DhParams {}

impl DhParams {
    /// TEMPORARY (replaced by the values branch): ffdhe2048 from the fixture.
    pub fn default_parameters() -> Self {
        DhParams {
            der: OptBytes::from(&include_bytes!("../../tests/fixtures/dh-ffdhe2048.der")[..]),
            error: 0,
        }
    }
}
