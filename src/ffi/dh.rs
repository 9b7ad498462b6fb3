//! `qssl_dh_params_t` (QSslDiffieHellmanParameters).
#![allow(non_camel_case_types)]

use crate::model::dh::DhParams;

/// A DH parameters handle. Declared in the header preamble.
#[repr(transparent)]
pub struct qssl_dh_params_t(pub(crate) DhParams);
