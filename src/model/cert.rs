//! `QSslCertificate`: an immutable, reference-counted X.509 certificate.

use openssl::x509::{X509, X509Ref};

/// A certificate, or the null certificate. Clones share the OpenSSL object
/// (`X509_up_ref`), so a copy costs a reference count.
#[derive(Clone, Default)]
pub struct Certificate {
    x509: Option<X509>,
}

impl Certificate {
    /// The null certificate (`QSslCertificate()`).
    pub fn null() -> Self {
        Certificate { x509: None }
    }

    /// Wraps an OpenSSL certificate (takes the reference).
    pub fn from_x509(x509: X509) -> Self {
        Certificate { x509: Some(x509) }
    }

    /// True for the null certificate.
    pub fn is_null(&self) -> bool {
        self.x509.is_none()
    }

    /// The OpenSSL certificate, `None` when null.
    pub fn x509(&self) -> Option<&X509Ref> {
        self.x509.as_deref()
    }

    /// Every certificate in `data` (PEM: all blocks, skipping junk between
    /// them; DER: one). Garbage gives an empty list.
    pub fn from_data(data: &[u8], format: i32) -> Vec<Certificate> {
        if format == crate::model::enums::encoding::DER {
            X509::from_der(data)
                .map(|x| vec![Certificate::from_x509(x)])
                .unwrap_or_default()
        } else {
            X509::stack_from_pem(data)
                .map(|v| v.into_iter().map(Certificate::from_x509).collect())
                .unwrap_or_default()
        }
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        match (&self.x509, &other.x509) {
            (None, None) => true,
            (Some(a), Some(b)) => a.as_ref() == b.as_ref(),
            _ => false,
        }
    }
}

impl Eq for Certificate {}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.x509() {
            None => write!(f, "Certificate(null)"),
            Some(x) => write!(f, "Certificate({:?})", x.subject_name()),
        }
    }
}

impl Certificate {
    /// TEMPORARY (replaced by the certkey branch): fixed-string paths only.
    pub fn from_path(path: &str, format: i32, _syntax: i32) -> crate::Result<Vec<Certificate>> {
        Ok(std::fs::read(path)
            .map(|d| Certificate::from_data(&d, format))
            .unwrap_or_default())
    }
}

impl Certificate {
    /// TEMPORARY (replaced by the certkey branch): expiry in Unix seconds.
    pub fn expiry_date(&self) -> Option<i64> {
        let x = self.x509()?;
        let epoch = openssl::asn1::Asn1Time::from_unix(0).ok()?;
        let d = epoch.diff(x.not_after()).ok()?;
        Some(i64::from(d.days) * 86400 + i64::from(d.secs))
    }
}
