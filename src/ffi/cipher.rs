//! `qssl_cipher_t` (QSslCipher) and `qssl_cipher_list_t`.
#![allow(non_camel_case_types)]

use super::list::ListStore;
use crate::model::cipher::Cipher;

/// A cipher handle (QSslCipher). Declared in the header preamble.
#[repr(transparent)]
pub struct qssl_cipher_t(pub(crate) Cipher);

/// A list of ciphers. Declared in the header preamble.
pub struct qssl_cipher_list_t(pub(crate) ListStore<Cipher, qssl_cipher_t>);
