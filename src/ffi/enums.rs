//! The C enum types and constants, with Qt 6's numbers.
//!
//! Each Qt enum becomes an integer typedef plus `#define`d constants named
//! `QSSL_<ENUM>_<VALUE>`, derived mechanically from Qt's names. Values passed
//! in are checked; an unknown value is `QSSL_STATUS_INVALID_ARGUMENT`.
#![allow(non_camel_case_types)]

/// A TLS/DTLS protocol version or range, Qt 6 numbering (QSsl::SslProtocol).
pub type qssl_ssl_protocol_t = i32;

/// TLS 1.0 only (TlsV1_0; deprecated in Qt 6.3, refused by OpenSSL 3's security level in practice).
pub const QSSL_SSL_PROTOCOL_TLS_V1_0: qssl_ssl_protocol_t = 0;

/// TLS 1.1 only (TlsV1_1; deprecated in Qt 6.3).
pub const QSSL_SSL_PROTOCOL_TLS_V1_1: qssl_ssl_protocol_t = 1;

/// TLS 1.2 only (TlsV1_2).
pub const QSSL_SSL_PROTOCOL_TLS_V1_2: qssl_ssl_protocol_t = 2;

/// TLS 1.0 or later (AnyProtocol).
pub const QSSL_SSL_PROTOCOL_ANY_PROTOCOL: qssl_ssl_protocol_t = 3;

/// The default: TLS 1.2 or later (SecureProtocols).
pub const QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS: qssl_ssl_protocol_t = 4;

/// TLS 1.0 or later (TlsV1_0OrLater; deprecated in Qt 6.3).
pub const QSSL_SSL_PROTOCOL_TLS_V1_0_OR_LATER: qssl_ssl_protocol_t = 5;

/// TLS 1.1 or later (TlsV1_1OrLater; deprecated in Qt 6.3).
pub const QSSL_SSL_PROTOCOL_TLS_V1_1_OR_LATER: qssl_ssl_protocol_t = 6;

/// TLS 1.2 or later (TlsV1_2OrLater).
pub const QSSL_SSL_PROTOCOL_TLS_V1_2_OR_LATER: qssl_ssl_protocol_t = 7;

/// DTLS 1.0 only (DtlsV1_0; deprecated in Qt 6.3).
pub const QSSL_SSL_PROTOCOL_DTLS_V1_0: qssl_ssl_protocol_t = 8;

/// DTLS 1.0 or later (DtlsV1_0OrLater; deprecated in Qt 6.3).
pub const QSSL_SSL_PROTOCOL_DTLS_V1_0_OR_LATER: qssl_ssl_protocol_t = 9;

/// DTLS 1.2 only (DtlsV1_2).
pub const QSSL_SSL_PROTOCOL_DTLS_V1_2: qssl_ssl_protocol_t = 10;

/// DTLS 1.2 or later (DtlsV1_2OrLater), the DTLS default.
pub const QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER: qssl_ssl_protocol_t = 11;

/// TLS 1.3 only (TlsV1_3).
pub const QSSL_SSL_PROTOCOL_TLS_V1_3: qssl_ssl_protocol_t = 12;

/// TLS 1.3 or later (TlsV1_3OrLater).
pub const QSSL_SSL_PROTOCOL_TLS_V1_3_OR_LATER: qssl_ssl_protocol_t = 13;

/// Unknown protocol or no session (UnknownProtocol).
pub const QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL: qssl_ssl_protocol_t = -1;

/// A set of QSsl::SslOption bits; unknown bits are rejected (QSsl::SslOptions).
pub type qssl_ssl_options_t = u32;

/// SslOptionDisableEmptyFragments.
pub const QSSL_SSL_OPTION_DISABLE_EMPTY_FRAGMENTS: qssl_ssl_options_t = 0x01;

/// SslOptionDisableSessionTickets.
pub const QSSL_SSL_OPTION_DISABLE_SESSION_TICKETS: qssl_ssl_options_t = 0x02;

/// SslOptionDisableCompression.
pub const QSSL_SSL_OPTION_DISABLE_COMPRESSION: qssl_ssl_options_t = 0x04;

/// SslOptionDisableServerNameIndication.
pub const QSSL_SSL_OPTION_DISABLE_SERVER_NAME_INDICATION: qssl_ssl_options_t = 0x08;

/// SslOptionDisableLegacyRenegotiation.
pub const QSSL_SSL_OPTION_DISABLE_LEGACY_RENEGOTIATION: qssl_ssl_options_t = 0x10;

/// SslOptionDisableSessionSharing.
pub const QSSL_SSL_OPTION_DISABLE_SESSION_SHARING: qssl_ssl_options_t = 0x20;

/// SslOptionDisableSessionPersistence.
pub const QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE: qssl_ssl_options_t = 0x40;

/// SslOptionDisableServerCipherPreference.
pub const QSSL_SSL_OPTION_DISABLE_SERVER_CIPHER_PREFERENCE: qssl_ssl_options_t = 0x80;

/// The default options of a configuration (not a Qt name): 0x55.
pub const QSSL_SSL_OPTION_DEFAULTS: qssl_ssl_options_t = 0x55;

/// How the peer's certificate is verified (QSslSocket::PeerVerifyMode).
pub type qssl_peer_verify_mode_t = i32;

/// VerifyNone: no certificate is requested or checked.
pub const QSSL_PEER_VERIFY_MODE_VERIFY_NONE: qssl_peer_verify_mode_t = 0;

/// QueryPeer: request a certificate, report errors, never fail on them.
pub const QSSL_PEER_VERIFY_MODE_QUERY_PEER: qssl_peer_verify_mode_t = 1;

/// VerifyPeer: require a valid certificate.
pub const QSSL_PEER_VERIFY_MODE_VERIFY_PEER: qssl_peer_verify_mode_t = 2;

/// AutoVerifyPeer (default): VerifyPeer on clients, QueryPeer on servers.
pub const QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER: qssl_peer_verify_mode_t = 3;

/// The side of a connection (QSslSocket::SslMode).
pub type qssl_ssl_mode_t = i32;

/// UnencryptedMode (not accepted for a qssl connection).
pub const QSSL_SSL_MODE_UNENCRYPTED_MODE: qssl_ssl_mode_t = 0;

/// SslClientMode.
pub const QSSL_SSL_MODE_SSL_CLIENT_MODE: qssl_ssl_mode_t = 1;

/// SslServerMode.
pub const QSSL_SSL_MODE_SSL_SERVER_MODE: qssl_ssl_mode_t = 2;

/// An encoding (QSsl::EncodingFormat).
pub type qssl_encoding_format_t = i32;

/// Pem.
pub const QSSL_ENCODING_FORMAT_PEM: qssl_encoding_format_t = 0;

/// Der.
pub const QSSL_ENCODING_FORMAT_DER: qssl_encoding_format_t = 1;

/// Private or public key (QSsl::KeyType).
pub type qssl_key_type_t = i32;

/// PrivateKey.
pub const QSSL_KEY_TYPE_PRIVATE_KEY: qssl_key_type_t = 0;

/// PublicKey.
pub const QSSL_KEY_TYPE_PUBLIC_KEY: qssl_key_type_t = 1;

/// A key algorithm (QSsl::KeyAlgorithm).
pub type qssl_key_algorithm_t = i32;

/// Opaque: a key qssl passes through without knowing its kind (X25519, Ed25519, ...).
pub const QSSL_KEY_ALGORITHM_OPAQUE: qssl_key_algorithm_t = 0;

/// Rsa.
pub const QSSL_KEY_ALGORITHM_RSA: qssl_key_algorithm_t = 1;

/// Dsa.
pub const QSSL_KEY_ALGORITHM_DSA: qssl_key_algorithm_t = 2;

/// Ec.
pub const QSSL_KEY_ALGORITHM_EC: qssl_key_algorithm_t = 3;

/// Dh.
pub const QSSL_KEY_ALGORITHM_DH: qssl_key_algorithm_t = 4;

/// A subject alternative name kind (QSsl::AlternativeNameEntryType).
pub type qssl_alternative_name_entry_type_t = i32;

/// EmailEntry.
pub const QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_EMAIL_ENTRY: qssl_alternative_name_entry_type_t = 0;

/// DnsEntry.
pub const QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_DNS_ENTRY: qssl_alternative_name_entry_type_t = 1;

/// IpAddressEntry.
pub const QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_IP_ADDRESS_ENTRY: qssl_alternative_name_entry_type_t = 2;

/// A distinguished-name field (QSslCertificate::SubjectInfo).
pub type qssl_subject_info_t = i32;

/// Organization (O).
pub const QSSL_SUBJECT_INFO_ORGANIZATION: qssl_subject_info_t = 0;

/// CommonName (CN).
pub const QSSL_SUBJECT_INFO_COMMON_NAME: qssl_subject_info_t = 1;

/// LocalityName (L).
pub const QSSL_SUBJECT_INFO_LOCALITY_NAME: qssl_subject_info_t = 2;

/// OrganizationalUnitName (OU).
pub const QSSL_SUBJECT_INFO_ORGANIZATIONAL_UNIT_NAME: qssl_subject_info_t = 3;

/// CountryName (C).
pub const QSSL_SUBJECT_INFO_COUNTRY_NAME: qssl_subject_info_t = 4;

/// StateOrProvinceName (ST).
pub const QSSL_SUBJECT_INFO_STATE_OR_PROVINCE_NAME: qssl_subject_info_t = 5;

/// DistinguishedNameQualifier (dnQualifier).
pub const QSSL_SUBJECT_INFO_DISTINGUISHED_NAME_QUALIFIER: qssl_subject_info_t = 6;

/// SerialNumber (serialNumber).
pub const QSSL_SUBJECT_INFO_SERIAL_NUMBER: qssl_subject_info_t = 7;

/// EmailAddress (emailAddress).
pub const QSSL_SUBJECT_INFO_EMAIL_ADDRESS: qssl_subject_info_t = 8;

/// How a certificate path is matched (QSslCertificate::PatternSyntax).
pub type qssl_pattern_syntax_t = i32;

/// RegularExpression.
pub const QSSL_PATTERN_SYNTAX_REGULAR_EXPRESSION: qssl_pattern_syntax_t = 0;

/// Wildcard.
pub const QSSL_PATTERN_SYNTAX_WILDCARD: qssl_pattern_syntax_t = 1;

/// FixedString (default).
pub const QSSL_PATTERN_SYNTAX_FIXED_STRING: qssl_pattern_syntax_t = 2;

/// The ALPN outcome (QSslConfiguration::NextProtocolNegotiationStatus).
pub type qssl_next_protocol_negotiation_status_t = i32;

/// NextProtocolNegotiationNone.
pub const QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NONE: qssl_next_protocol_negotiation_status_t = 0;

/// NextProtocolNegotiationNegotiated.
pub const QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NEGOTIATED:
    qssl_next_protocol_negotiation_status_t = 1;

/// NextProtocolNegotiationUnsupported.
pub const QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_UNSUPPORTED:
    qssl_next_protocol_negotiation_status_t = 2;

/// The state of DH parameters (QSslDiffieHellmanParameters::Error).
pub type qssl_dh_params_error_t = i32;

/// NoError.
pub const QSSL_DH_PARAMS_ERROR_NO_ERROR: qssl_dh_params_error_t = 0;

/// InvalidInputDataError.
pub const QSSL_DH_PARAMS_ERROR_INVALID_INPUT_DATA_ERROR: qssl_dh_params_error_t = 1;

/// UnsafeParametersError (too small, not prime, not safe, bad generator).
pub const QSSL_DH_PARAMS_ERROR_UNSAFE_PARAMETERS_ERROR: qssl_dh_params_error_t = 2;

/// The kind of an SSL error (QSslError::SslError).
pub type qssl_ssl_error_code_t = i32;

/// NoError.
pub const QSSL_SSL_ERROR_NO_ERROR: qssl_ssl_error_code_t = 0;

/// UnableToGetIssuerCertificate.
pub const QSSL_SSL_ERROR_UNABLE_TO_GET_ISSUER_CERTIFICATE: qssl_ssl_error_code_t = 1;

/// UnableToDecryptCertificateSignature.
pub const QSSL_SSL_ERROR_UNABLE_TO_DECRYPT_CERTIFICATE_SIGNATURE: qssl_ssl_error_code_t = 2;

/// UnableToDecodeIssuerPublicKey.
pub const QSSL_SSL_ERROR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: qssl_ssl_error_code_t = 3;

/// CertificateSignatureFailed.
pub const QSSL_SSL_ERROR_CERTIFICATE_SIGNATURE_FAILED: qssl_ssl_error_code_t = 4;

/// CertificateNotYetValid.
pub const QSSL_SSL_ERROR_CERTIFICATE_NOT_YET_VALID: qssl_ssl_error_code_t = 5;

/// CertificateExpired.
pub const QSSL_SSL_ERROR_CERTIFICATE_EXPIRED: qssl_ssl_error_code_t = 6;

/// InvalidNotBeforeField.
pub const QSSL_SSL_ERROR_INVALID_NOT_BEFORE_FIELD: qssl_ssl_error_code_t = 7;

/// InvalidNotAfterField.
pub const QSSL_SSL_ERROR_INVALID_NOT_AFTER_FIELD: qssl_ssl_error_code_t = 8;

/// SelfSignedCertificate.
pub const QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE: qssl_ssl_error_code_t = 9;

/// SelfSignedCertificateInChain.
pub const QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE_IN_CHAIN: qssl_ssl_error_code_t = 10;

/// UnableToGetLocalIssuerCertificate.
pub const QSSL_SSL_ERROR_UNABLE_TO_GET_LOCAL_ISSUER_CERTIFICATE: qssl_ssl_error_code_t = 11;

/// UnableToVerifyFirstCertificate.
pub const QSSL_SSL_ERROR_UNABLE_TO_VERIFY_FIRST_CERTIFICATE: qssl_ssl_error_code_t = 12;

/// CertificateRevoked.
pub const QSSL_SSL_ERROR_CERTIFICATE_REVOKED: qssl_ssl_error_code_t = 13;

/// InvalidCaCertificate.
pub const QSSL_SSL_ERROR_INVALID_CA_CERTIFICATE: qssl_ssl_error_code_t = 14;

/// PathLengthExceeded.
pub const QSSL_SSL_ERROR_PATH_LENGTH_EXCEEDED: qssl_ssl_error_code_t = 15;

/// InvalidPurpose.
pub const QSSL_SSL_ERROR_INVALID_PURPOSE: qssl_ssl_error_code_t = 16;

/// CertificateUntrusted.
pub const QSSL_SSL_ERROR_CERTIFICATE_UNTRUSTED: qssl_ssl_error_code_t = 17;

/// CertificateRejected.
pub const QSSL_SSL_ERROR_CERTIFICATE_REJECTED: qssl_ssl_error_code_t = 18;

/// SubjectIssuerMismatch.
pub const QSSL_SSL_ERROR_SUBJECT_ISSUER_MISMATCH: qssl_ssl_error_code_t = 19;

/// AuthorityIssuerSerialNumberMismatch.
pub const QSSL_SSL_ERROR_AUTHORITY_ISSUER_SERIAL_NUMBER_MISMATCH: qssl_ssl_error_code_t = 20;

/// NoPeerCertificate.
pub const QSSL_SSL_ERROR_NO_PEER_CERTIFICATE: qssl_ssl_error_code_t = 21;

/// HostNameMismatch.
pub const QSSL_SSL_ERROR_HOST_NAME_MISMATCH: qssl_ssl_error_code_t = 22;

/// NoSslSupport.
pub const QSSL_SSL_ERROR_NO_SSL_SUPPORT: qssl_ssl_error_code_t = 23;

/// CertificateBlacklisted.
pub const QSSL_SSL_ERROR_CERTIFICATE_BLACKLISTED: qssl_ssl_error_code_t = 24;

/// CertificateStatusUnknown.
pub const QSSL_SSL_ERROR_CERTIFICATE_STATUS_UNKNOWN: qssl_ssl_error_code_t = 25;

/// OcspNoResponseFound.
pub const QSSL_SSL_ERROR_OCSP_NO_RESPONSE_FOUND: qssl_ssl_error_code_t = 26;

/// OcspMalformedRequest.
pub const QSSL_SSL_ERROR_OCSP_MALFORMED_REQUEST: qssl_ssl_error_code_t = 27;

/// OcspMalformedResponse.
pub const QSSL_SSL_ERROR_OCSP_MALFORMED_RESPONSE: qssl_ssl_error_code_t = 28;

/// OcspInternalError.
pub const QSSL_SSL_ERROR_OCSP_INTERNAL_ERROR: qssl_ssl_error_code_t = 29;

/// OcspTryLater.
pub const QSSL_SSL_ERROR_OCSP_TRY_LATER: qssl_ssl_error_code_t = 30;

/// OcspSigRequred.
pub const QSSL_SSL_ERROR_OCSP_SIG_REQURED: qssl_ssl_error_code_t = 31;

/// OcspUnauthorized.
pub const QSSL_SSL_ERROR_OCSP_UNAUTHORIZED: qssl_ssl_error_code_t = 32;

/// OcspResponseCannotBeTrusted.
pub const QSSL_SSL_ERROR_OCSP_RESPONSE_CANNOT_BE_TRUSTED: qssl_ssl_error_code_t = 33;

/// OcspResponseCertIdUnknown.
pub const QSSL_SSL_ERROR_OCSP_RESPONSE_CERT_ID_UNKNOWN: qssl_ssl_error_code_t = 34;

/// OcspResponseExpired.
pub const QSSL_SSL_ERROR_OCSP_RESPONSE_EXPIRED: qssl_ssl_error_code_t = 35;

/// OcspStatusUnknown.
pub const QSSL_SSL_ERROR_OCSP_STATUS_UNKNOWN: qssl_ssl_error_code_t = 36;

/// UnspecifiedError.
pub const QSSL_SSL_ERROR_UNSPECIFIED_ERROR: qssl_ssl_error_code_t = -1;

/// A TLS alert level (Qt 6) (QSsl::AlertLevel).
pub type qssl_alert_level_t = i32;

/// Warning.
pub const QSSL_ALERT_LEVEL_WARNING: qssl_alert_level_t = 0;

/// Fatal.
pub const QSSL_ALERT_LEVEL_FATAL: qssl_alert_level_t = 1;

/// Unknown.
pub const QSSL_ALERT_LEVEL_UNKNOWN: qssl_alert_level_t = 2;

/// A TLS alert description: the TLS code itself; other codes pass through (QSsl::AlertType).
pub type qssl_alert_type_t = i32;

/// TLS alert 0.
pub const QSSL_ALERT_TYPE_CLOSE_NOTIFY: qssl_alert_type_t = 0;

/// TLS alert 10.
pub const QSSL_ALERT_TYPE_UNEXPECTED_MESSAGE: qssl_alert_type_t = 10;

/// TLS alert 20.
pub const QSSL_ALERT_TYPE_BAD_RECORD_MAC: qssl_alert_type_t = 20;

/// TLS alert 22.
pub const QSSL_ALERT_TYPE_RECORD_OVERFLOW: qssl_alert_type_t = 22;

/// TLS alert 30.
pub const QSSL_ALERT_TYPE_DECOMPRESSION_FAILURE: qssl_alert_type_t = 30;

/// TLS alert 40.
pub const QSSL_ALERT_TYPE_HANDSHAKE_FAILURE: qssl_alert_type_t = 40;

/// TLS alert 41.
pub const QSSL_ALERT_TYPE_NO_CERTIFICATE: qssl_alert_type_t = 41;

/// TLS alert 42.
pub const QSSL_ALERT_TYPE_BAD_CERTIFICATE: qssl_alert_type_t = 42;

/// TLS alert 43.
pub const QSSL_ALERT_TYPE_UNSUPPORTED_CERTIFICATE: qssl_alert_type_t = 43;

/// TLS alert 44.
pub const QSSL_ALERT_TYPE_CERTIFICATE_REVOKED: qssl_alert_type_t = 44;

/// TLS alert 45.
pub const QSSL_ALERT_TYPE_CERTIFICATE_EXPIRED: qssl_alert_type_t = 45;

/// TLS alert 46.
pub const QSSL_ALERT_TYPE_CERTIFICATE_UNKNOWN: qssl_alert_type_t = 46;

/// TLS alert 47.
pub const QSSL_ALERT_TYPE_ILLEGAL_PARAMETER: qssl_alert_type_t = 47;

/// TLS alert 48.
pub const QSSL_ALERT_TYPE_UNKNOWN_CA: qssl_alert_type_t = 48;

/// TLS alert 49.
pub const QSSL_ALERT_TYPE_ACCESS_DENIED: qssl_alert_type_t = 49;

/// TLS alert 50.
pub const QSSL_ALERT_TYPE_DECODE_ERROR: qssl_alert_type_t = 50;

/// TLS alert 51.
pub const QSSL_ALERT_TYPE_DECRYPT_ERROR: qssl_alert_type_t = 51;

/// TLS alert 60.
pub const QSSL_ALERT_TYPE_EXPORT_RESTRICTION: qssl_alert_type_t = 60;

/// TLS alert 70.
pub const QSSL_ALERT_TYPE_PROTOCOL_VERSION: qssl_alert_type_t = 70;

/// TLS alert 71.
pub const QSSL_ALERT_TYPE_INSUFFICIENT_SECURITY: qssl_alert_type_t = 71;

/// TLS alert 80.
pub const QSSL_ALERT_TYPE_INTERNAL_ERROR: qssl_alert_type_t = 80;

/// TLS alert 86.
pub const QSSL_ALERT_TYPE_INAPPROPRIATE_FALLBACK: qssl_alert_type_t = 86;

/// TLS alert 90.
pub const QSSL_ALERT_TYPE_USER_CANCELLED: qssl_alert_type_t = 90;

/// TLS alert 100.
pub const QSSL_ALERT_TYPE_NO_RENEGOTIATION: qssl_alert_type_t = 100;

/// TLS alert 109.
pub const QSSL_ALERT_TYPE_MISSING_EXTENSION: qssl_alert_type_t = 109;

/// TLS alert 110.
pub const QSSL_ALERT_TYPE_UNSUPPORTED_EXTENSION: qssl_alert_type_t = 110;

/// TLS alert 111.
pub const QSSL_ALERT_TYPE_CERTIFICATE_UNOBTAINABLE: qssl_alert_type_t = 111;

/// TLS alert 112.
pub const QSSL_ALERT_TYPE_UNRECOGNIZED_NAME: qssl_alert_type_t = 112;

/// TLS alert 113.
pub const QSSL_ALERT_TYPE_BAD_CERTIFICATE_STATUS_RESPONSE: qssl_alert_type_t = 113;

/// TLS alert 114.
pub const QSSL_ALERT_TYPE_BAD_CERTIFICATE_HASH_VALUE: qssl_alert_type_t = 114;

/// TLS alert 115.
pub const QSSL_ALERT_TYPE_UNKNOWN_PSK_IDENTITY: qssl_alert_type_t = 115;

/// TLS alert 116.
pub const QSSL_ALERT_TYPE_CERTIFICATE_REQUIRED: qssl_alert_type_t = 116;

/// TLS alert 120.
pub const QSSL_ALERT_TYPE_NO_APPLICATION_PROTOCOL: qssl_alert_type_t = 120;

/// TLS alert 255.
pub const QSSL_ALERT_TYPE_UNKNOWN_ALERT_MESSAGE: qssl_alert_type_t = 255;

/// QSslConfiguration::ALPNProtocolHTTP2: "h2".
pub const QSSL_ALPN_PROTOCOL_HTTP2: &str = "h2";
/// QSslConfiguration::NextProtocolHttp1_1: "http/1.1".
pub const QSSL_NEXT_PROTOCOL_HTTP1_1: &str = "http/1.1";
