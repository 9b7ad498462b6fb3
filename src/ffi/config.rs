//! `qssl_config_t` (QSslConfiguration).
