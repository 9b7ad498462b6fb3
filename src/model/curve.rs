//! `QSslEllipticCurve`: an elliptic curve (or TLS group) identified by its
//! OpenSSL NID; 0 is the invalid curve.
//!
//! As in Qt, the id is whatever OpenSSL's object table gives for a name, so
//! `from_short_name("X25519")` is valid although X25519 is not in OpenSSL's
//! table of built-in EC curves ([`supported_elliptic_curves`]).

use std::ffi::CString;
use std::sync::{Arc, OnceLock};

use openssl::nid::Nid;

/// An elliptic curve id (OpenSSL NID); 0 means invalid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct EllipticCurve(pub i32);

/// The short names of the curves Qt flags as TLS named curves (the RFC 4492 /
/// RFC 7027 registry entries OpenSSL knows). X25519 and X448 are not among them.
const TLS_NAMED_CURVES: [&str; 28] = [
    "sect163k1",
    "sect163r1",
    "sect163r2",
    "sect193r1",
    "sect193r2",
    "sect233k1",
    "sect233r1",
    "sect239k1",
    "sect283k1",
    "sect283r1",
    "sect409k1",
    "sect409r1",
    "sect571k1",
    "sect571r1",
    "secp160k1",
    "secp160r1",
    "secp160r2",
    "secp192k1",
    "prime192v1",
    "secp224k1",
    "secp224r1",
    "secp256k1",
    "prime256v1",
    "secp384r1",
    "secp521r1",
    "brainpoolP256r1",
    "brainpoolP384r1",
    "brainpoolP512r1",
];

impl EllipticCurve {
    /// The invalid curve (`QSslEllipticCurve()`).
    pub const INVALID: EllipticCurve = EllipticCurve(0);

    /// True unless the id is 0.
    pub fn is_valid(self) -> bool {
        self.0 != 0
    }

    /// `QSslEllipticCurve::fromShortName`: OpenSSL's short object name
    /// ("prime256v1", "secp384r1", "X25519"), case-sensitive; failing that, a
    /// NIST name ("P-256", "P-384"). Unknown or empty names give the invalid
    /// curve.
    ///
    /// Qt 6.4 on OpenSSL 3 intends the NIST fallback but fails to resolve the
    /// OpenSSL function, so "P-256" is invalid there; qssl implements the
    /// intended behaviour.
    pub fn from_short_name(name: &str) -> Self {
        let Some(c) = c_name(name) else {
            return Self::INVALID;
        };
        let nid = crate::ossl::obj_sn2nid(&c);
        let nid = if nid != 0 {
            nid
        } else {
            crate::ossl::ec_curve_nist2nid(&c)
        };
        crate::ossl::clear_error_queue();
        EllipticCurve(nid)
    }

    /// `QSslEllipticCurve::fromLongName`: OpenSSL's long object name
    /// (for the curves above mostly equal to the short name), case-sensitive.
    /// Unknown or empty names give the invalid curve.
    pub fn from_long_name(name: &str) -> Self {
        let Some(c) = c_name(name) else {
            return Self::INVALID;
        };
        let nid = crate::ossl::obj_ln2nid(&c);
        crate::ossl::clear_error_queue();
        EllipticCurve(nid)
    }

    /// `QSslEllipticCurve::shortName`: OpenSSL's short name for the id; ""
    /// for the invalid curve or an id OpenSSL does not know.
    pub fn short_name(self) -> &'static str {
        if !self.is_valid() {
            return "";
        }
        let r = Nid::from_raw(self.0).short_name().unwrap_or("");
        crate::ossl::clear_error_queue();
        r
    }

    /// `QSslEllipticCurve::longName`: OpenSSL's long name for the id; "" for
    /// the invalid curve or an id OpenSSL does not know.
    pub fn long_name(self) -> &'static str {
        if !self.is_valid() {
            return "";
        }
        let r = Nid::from_raw(self.0).long_name().unwrap_or("");
        crate::ossl::clear_error_queue();
        r
    }

    /// `QSslEllipticCurve::isTlsNamedCurve`: membership in Qt's fixed list of
    /// 28 TLS named curves (X25519 and X448 are not in it).
    pub fn is_tls_named_curve(self) -> bool {
        self.is_valid() && tls_named_nids().contains(&self.0)
    }
}

/// A name as a C string; `None` when empty or containing a NUL (no object
/// has such a name).
fn c_name(name: &str) -> Option<CString> {
    if name.is_empty() {
        return None;
    }
    CString::new(name).ok()
}

/// The NIDs of [`TLS_NAMED_CURVES`], looked up once.
fn tls_named_nids() -> &'static [i32] {
    static NIDS: OnceLock<Vec<i32>> = OnceLock::new();
    NIDS.get_or_init(|| {
        let v = TLS_NAMED_CURVES
            .iter()
            .filter_map(|n| CString::new(*n).ok())
            .map(|c| crate::ossl::obj_sn2nid(&c))
            .filter(|&nid| nid != 0)
            .collect();
        crate::ossl::clear_error_queue();
        v
    })
}

/// `QSslConfiguration::supportedEllipticCurves()`: every curve of OpenSSL's
/// built-in EC table, in table order. Computed once per process. X25519 and
/// X448 are not in that table (they are still valid curves to configure).
pub fn supported_elliptic_curves() -> Arc<[EllipticCurve]> {
    static CURVES: OnceLock<Arc<[EllipticCurve]>> = OnceLock::new();
    CURVES
        .get_or_init(|| {
            let v: Vec<EllipticCurve> = crate::ossl::ec_builtin_curve_nids()
                .into_iter()
                .map(EllipticCurve)
                .collect();
            crate::ossl::clear_error_queue();
            v.into()
        })
        .clone()
}
