//! `QSslEllipticCurve`: an elliptic curve (or TLS group) identified by its
//! OpenSSL NID; 0 is the invalid curve.

/// An elliptic curve id (OpenSSL NID); 0 means invalid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct EllipticCurve(pub i32);

impl EllipticCurve {
    /// True unless the id is 0.
    pub fn is_valid(self) -> bool {
        self.0 != 0
    }
}

/// TEMPORARY (replaced by the values branch).
pub fn supported_elliptic_curves() -> std::sync::Arc<[EllipticCurve]> {
    std::sync::Arc::from(Vec::new())
}
