//! `QSslError`: a verification error kind with the certificate it concerns.

use crate::model::cert::Certificate;

/// `QSslError::SslError` values (Qt's numbers, identical in Qt 5.15 and 6).
pub mod code {
    /// NoError.
    pub const NO_ERROR: i32 = 0;
    /// UnableToGetIssuerCertificate.
    pub const UNABLE_TO_GET_ISSUER_CERTIFICATE: i32 = 1;
    /// UnableToDecryptCertificateSignature.
    pub const UNABLE_TO_DECRYPT_CERTIFICATE_SIGNATURE: i32 = 2;
    /// UnableToDecodeIssuerPublicKey.
    pub const UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: i32 = 3;
    /// CertificateSignatureFailed.
    pub const CERTIFICATE_SIGNATURE_FAILED: i32 = 4;
    /// CertificateNotYetValid.
    pub const CERTIFICATE_NOT_YET_VALID: i32 = 5;
    /// CertificateExpired.
    pub const CERTIFICATE_EXPIRED: i32 = 6;
    /// InvalidNotBeforeField.
    pub const INVALID_NOT_BEFORE_FIELD: i32 = 7;
    /// InvalidNotAfterField.
    pub const INVALID_NOT_AFTER_FIELD: i32 = 8;
    /// SelfSignedCertificate.
    pub const SELF_SIGNED_CERTIFICATE: i32 = 9;
    /// SelfSignedCertificateInChain.
    pub const SELF_SIGNED_CERTIFICATE_IN_CHAIN: i32 = 10;
    /// UnableToGetLocalIssuerCertificate.
    pub const UNABLE_TO_GET_LOCAL_ISSUER_CERTIFICATE: i32 = 11;
    /// UnableToVerifyFirstCertificate.
    pub const UNABLE_TO_VERIFY_FIRST_CERTIFICATE: i32 = 12;
    /// CertificateRevoked.
    pub const CERTIFICATE_REVOKED: i32 = 13;
    /// InvalidCaCertificate.
    pub const INVALID_CA_CERTIFICATE: i32 = 14;
    /// PathLengthExceeded.
    pub const PATH_LENGTH_EXCEEDED: i32 = 15;
    /// InvalidPurpose.
    pub const INVALID_PURPOSE: i32 = 16;
    /// CertificateUntrusted.
    pub const CERTIFICATE_UNTRUSTED: i32 = 17;
    /// CertificateRejected.
    pub const CERTIFICATE_REJECTED: i32 = 18;
    /// SubjectIssuerMismatch.
    pub const SUBJECT_ISSUER_MISMATCH: i32 = 19;
    /// AuthorityIssuerSerialNumberMismatch.
    pub const AUTHORITY_ISSUER_SERIAL_NUMBER_MISMATCH: i32 = 20;
    /// NoPeerCertificate.
    pub const NO_PEER_CERTIFICATE: i32 = 21;
    /// HostNameMismatch.
    pub const HOST_NAME_MISMATCH: i32 = 22;
    /// NoSslSupport.
    pub const NO_SSL_SUPPORT: i32 = 23;
    /// CertificateBlacklisted.
    pub const CERTIFICATE_BLACKLISTED: i32 = 24;
    /// CertificateStatusUnknown.
    pub const CERTIFICATE_STATUS_UNKNOWN: i32 = 25;
    /// OcspNoResponseFound.
    pub const OCSP_NO_RESPONSE_FOUND: i32 = 26;
    /// OcspMalformedRequest.
    pub const OCSP_MALFORMED_REQUEST: i32 = 27;
    /// OcspMalformedResponse.
    pub const OCSP_MALFORMED_RESPONSE: i32 = 28;
    /// OcspInternalError.
    pub const OCSP_INTERNAL_ERROR: i32 = 29;
    /// OcspTryLater.
    pub const OCSP_TRY_LATER: i32 = 30;
    /// OcspSigRequred (sic, Qt's spelling).
    pub const OCSP_SIG_REQURED: i32 = 31;
    /// OcspUnauthorized.
    pub const OCSP_UNAUTHORIZED: i32 = 32;
    /// OcspResponseCannotBeTrusted.
    pub const OCSP_RESPONSE_CANNOT_BE_TRUSTED: i32 = 33;
    /// OcspResponseCertIdUnknown.
    pub const OCSP_RESPONSE_CERT_ID_UNKNOWN: i32 = 34;
    /// OcspResponseExpired.
    pub const OCSP_RESPONSE_EXPIRED: i32 = 35;
    /// OcspStatusUnknown.
    pub const OCSP_STATUS_UNKNOWN: i32 = 36;
    /// UnspecifiedError.
    pub const UNSPECIFIED_ERROR: i32 = -1;

    /// True for a value of `QSslError::SslError`.
    pub fn is_valid(c: i32) -> bool {
        (UNSPECIFIED_ERROR..=OCSP_STATUS_UNKNOWN).contains(&c)
    }
}

/// An SSL error: the `QSslError::SslError` code and its certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SslError {
    /// `QSslError::SslError` (Qt's numbers; 0 is NoError, -1 UnspecifiedError).
    pub code: i32,
    /// The certificate the error concerns (null if none).
    pub certificate: Certificate,
}

impl SslError {
    /// `QSslError(error, certificate)`.
    pub fn new(code: i32, certificate: Certificate) -> Self {
        SslError { code, certificate }
    }

    /// The error Qt reports for an OpenSSL chain-verification code
    /// (`X509_V_ERR_*`, as given to the verify callback or by
    /// `X509_STORE_CTX_get_error`), concerning `certificate` (the certificate
    /// at the error's depth). Codes Qt does not map, X509_V_OK included, give
    /// UnspecifiedError.
    pub fn from_x509_verify_error(x509_code: i32, certificate: Certificate) -> Self {
        SslError::new(map_x509_verify_error(x509_code), certificate)
    }

    /// `QSslError::error()`.
    pub fn error(&self) -> i32 {
        self.code
    }

    /// `QSslError::certificate()`.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// `QSslError::errorString()`: an English description of the code.
    pub fn error_string(&self) -> &'static str {
        error_text(self.code)
    }
}

/// Qt's mapping of OpenSSL's `X509_V_ERR_*` codes to `QSslError::SslError`.
pub fn map_x509_verify_error(x509_code: i32) -> i32 {
    use openssl_sys as o;
    match x509_code {
        o::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT => code::UNABLE_TO_GET_ISSUER_CERTIFICATE,
        o::X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE => {
            code::UNABLE_TO_DECRYPT_CERTIFICATE_SIGNATURE
        }
        o::X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY => {
            code::UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY
        }
        o::X509_V_ERR_CERT_SIGNATURE_FAILURE => code::CERTIFICATE_SIGNATURE_FAILED,
        o::X509_V_ERR_CERT_NOT_YET_VALID => code::CERTIFICATE_NOT_YET_VALID,
        o::X509_V_ERR_CERT_HAS_EXPIRED => code::CERTIFICATE_EXPIRED,
        o::X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD => code::INVALID_NOT_BEFORE_FIELD,
        o::X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD => code::INVALID_NOT_AFTER_FIELD,
        o::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT => code::SELF_SIGNED_CERTIFICATE,
        o::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN => code::SELF_SIGNED_CERTIFICATE_IN_CHAIN,
        o::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY => {
            code::UNABLE_TO_GET_LOCAL_ISSUER_CERTIFICATE
        }
        o::X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE => code::UNABLE_TO_VERIFY_FIRST_CERTIFICATE,
        o::X509_V_ERR_CERT_REVOKED => code::CERTIFICATE_REVOKED,
        o::X509_V_ERR_INVALID_CA => code::INVALID_CA_CERTIFICATE,
        o::X509_V_ERR_PATH_LENGTH_EXCEEDED => code::PATH_LENGTH_EXCEEDED,
        o::X509_V_ERR_INVALID_PURPOSE => code::INVALID_PURPOSE,
        o::X509_V_ERR_CERT_UNTRUSTED => code::CERTIFICATE_UNTRUSTED,
        o::X509_V_ERR_CERT_REJECTED => code::CERTIFICATE_REJECTED,
        _ => code::UNSPECIFIED_ERROR,
    }
}

/// qssl's English text for a `QSslError::SslError` value ("Unknown error"
/// for a value outside the enum).
pub fn error_text(c: i32) -> &'static str {
    use code::*;
    match c {
        NO_ERROR => "No error",
        UNABLE_TO_GET_ISSUER_CERTIFICATE => "The issuer certificate could not be found",
        UNABLE_TO_DECRYPT_CERTIFICATE_SIGNATURE => {
            "The signature of the certificate could not be decrypted"
        }
        UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY => "The public key of the issuer could not be decoded",
        CERTIFICATE_SIGNATURE_FAILED => "The signature of the certificate does not verify",
        CERTIFICATE_NOT_YET_VALID => "The certificate is not valid yet",
        CERTIFICATE_EXPIRED => "The certificate has expired",
        INVALID_NOT_BEFORE_FIELD => "The certificate's notBefore date is malformed",
        INVALID_NOT_AFTER_FIELD => "The certificate's notAfter date is malformed",
        SELF_SIGNED_CERTIFICATE => "The certificate is self-signed and not trusted",
        SELF_SIGNED_CERTIFICATE_IN_CHAIN => {
            "The chain ends in a self-signed root certificate that is not trusted"
        }
        UNABLE_TO_GET_LOCAL_ISSUER_CERTIFICATE => {
            "The issuer of a certificate in the chain is not among the trusted certificates"
        }
        UNABLE_TO_VERIFY_FIRST_CERTIFICATE => "The leaf certificate could not be verified",
        CERTIFICATE_REVOKED => "The certificate has been revoked",
        INVALID_CA_CERTIFICATE => "A CA certificate in the chain is not valid as a CA",
        PATH_LENGTH_EXCEEDED => "The chain is longer than a path length constraint allows",
        INVALID_PURPOSE => "The certificate may not be used for this purpose",
        CERTIFICATE_UNTRUSTED => "The root certificate is not trusted for this purpose",
        CERTIFICATE_REJECTED => "The root certificate is marked to reject this purpose",
        SUBJECT_ISSUER_MISMATCH => {
            "The certificate's issuer name does not match its issuer's subject name"
        }
        AUTHORITY_ISSUER_SERIAL_NUMBER_MISMATCH => {
            "The certificate's authority key identifier does not match its issuer"
        }
        NO_PEER_CERTIFICATE => "The peer presented no certificate",
        HOST_NAME_MISMATCH => "The host name does not match any name in the certificate",
        NO_SSL_SUPPORT => "TLS support is not available",
        CERTIFICATE_BLACKLISTED => "The certificate is on the list of blocked certificates",
        CERTIFICATE_STATUS_UNKNOWN => "The revocation status of the certificate is unknown",
        OCSP_NO_RESPONSE_FOUND => "The peer sent no OCSP response",
        OCSP_MALFORMED_REQUEST => "The OCSP responder reports a malformed request",
        OCSP_MALFORMED_RESPONSE => "The OCSP response is malformed",
        OCSP_INTERNAL_ERROR => "The OCSP responder reports an internal error",
        OCSP_TRY_LATER => "The OCSP responder asks to try again later",
        OCSP_SIG_REQURED => "The OCSP responder requires a signed request",
        OCSP_UNAUTHORIZED => "The OCSP responder reports the request as unauthorized",
        OCSP_RESPONSE_CANNOT_BE_TRUSTED => "The OCSP response cannot be trusted",
        OCSP_RESPONSE_CERT_ID_UNKNOWN => "The OCSP response is about a different certificate",
        OCSP_RESPONSE_EXPIRED => "The OCSP response has expired or is not valid yet",
        OCSP_STATUS_UNKNOWN => "The OCSP responder does not know the certificate's status",
        UNSPECIFIED_ERROR => "An unspecified verification error occurred",
        _ => "Unknown error",
    }
}
