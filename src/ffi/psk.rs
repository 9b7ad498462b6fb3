//! `qssl_psk_auth_t` (QSslPreSharedKeyAuthenticator).
