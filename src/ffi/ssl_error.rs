//! `qssl_ssl_error_t` (QSslError) and `qssl_ssl_error_list_t`.
#![allow(non_camel_case_types)]

use super::list::ListStore;
use crate::model::ssl_error::SslError;

/// An SSL error handle (QSslError). Declared in the header preamble.
#[repr(transparent)]
pub struct qssl_ssl_error_t(pub(crate) SslError);

/// A list of SSL errors. Declared in the header preamble.
pub struct qssl_ssl_error_list_t(pub(crate) ListStore<SslError, qssl_ssl_error_t>);
