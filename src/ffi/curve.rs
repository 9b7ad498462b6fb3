//! `qssl_curve_t` (QSslEllipticCurve, a small value: the OpenSSL NID) and
//! `qssl_curve_list_t`.
#![allow(non_camel_case_types)]

use super::list::ListStore;
use crate::model::curve::EllipticCurve;

/// An elliptic curve (QSslEllipticCurve): OpenSSL's NID of the curve or
/// group; 0 is the invalid curve. A plain value: nothing to free.
pub type qssl_curve_t = i32;

/// A list of curves. Declared in the header preamble.
pub struct qssl_curve_list_t(pub(crate) ListStore<EllipticCurve, qssl_curve_t>);
