//! `qssl_key_t` (QSslKey).
#![allow(non_camel_case_types)]

use crate::model::key::Key;

/// A key handle (QSslKey). Declared in the header preamble.
#[repr(transparent)]
pub struct qssl_key_t(pub(crate) Key);
