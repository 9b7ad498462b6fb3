//! `qssl_cert_t` (QSslCertificate) and `qssl_cert_list_t`.
#![allow(non_camel_case_types)]

use super::list::ListStore;
use crate::model::cert::Certificate;

/// A certificate handle (QSslCertificate). Declared in the header preamble.
#[repr(transparent)]
pub struct qssl_cert_t(pub(crate) Certificate);

/// A list of certificates. Declared in the header preamble.
pub struct qssl_cert_list_t(pub(crate) ListStore<Certificate, qssl_cert_t>);
