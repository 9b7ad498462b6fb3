//! `QSslError`: a verification error kind with the certificate it concerns.

use crate::model::cert::Certificate;

/// An SSL error: the `QSslError::SslError` code and its certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SslError {
    /// `QSslError::SslError` (Qt's numbers; 0 is NoError, -1 UnspecifiedError).
    pub code: i32,
    /// The certificate the error concerns (null if none).
    pub certificate: Certificate,
}
