//! Turning what the handshake saw into Qt's SSL error list (spec §9.2)
//! and the OCSP stapling check (the host-name check is the certificate's:
//! `model::cert::host_matches`).

use openssl::hash::MessageDigest;
use openssl::ocsp::{OcspCertId, OcspCertStatus, OcspFlag, OcspResponse, OcspResponseStatus};
use openssl::ssl::SslRef;

use super::callbacks::ChainError;
use crate::model::cert::{Certificate, host_matches};
use crate::model::ssl_error::{SslError, code};

/// Qt's error list after a handshake: OCSP errors (when stapling was asked
/// for and the peer is verified), then for clients the host-name check, then
/// a missing peer certificate (when verifying), then the chain errors.
pub(crate) struct ErrorInputs<'a> {
    pub is_server: bool,
    pub verifying: bool,
    pub peer_verify_name: Option<&'a str>,
    pub peer_certificate: &'a Certificate,
    pub chain_errors: &'a [ChainError],
    pub ocsp_requested: bool,
    pub ocsp_errors: &'a [i32],
    pub ocsp_seen: bool,
}

pub(crate) fn collect_errors(i: &ErrorInputs<'_>) -> Vec<SslError> {
    let mut out = Vec::new();
    if i.ocsp_requested && i.verifying && !i.peer_certificate.is_null() {
        if !i.ocsp_seen {
            out.push(SslError::new(
                code::OCSP_NO_RESPONSE_FOUND,
                i.peer_certificate.clone(),
            ));
        } else {
            for &c in i.ocsp_errors {
                out.push(SslError::new(c, i.peer_certificate.clone()));
            }
        }
    }
    if !i.is_server && !i.peer_certificate.is_null() {
        let ok = i
            .peer_verify_name
            .is_some_and(|n| host_matches(i.peer_certificate, n));
        if !ok {
            out.push(SslError::new(
                code::HOST_NAME_MISMATCH,
                i.peer_certificate.clone(),
            ));
        }
    }
    if i.verifying && i.peer_certificate.is_null() {
        out.push(SslError::new(
            code::NO_PEER_CERTIFICATE,
            Certificate::null(),
        ));
    }
    for e in i.chain_errors {
        out.push(SslError::from_x509_verify_error(e.code, e.cert.clone()));
    }
    out
}

/// Checks the stapled OCSP response of a client connection against the peer's
/// chain and trust store. Returns Qt's OCSP error codes (empty: good).
pub(crate) fn check_ocsp(ssl: &SslRef) -> Vec<i32> {
    let Some(der) = ssl.ocsp_status() else {
        return vec![code::OCSP_NO_RESPONSE_FOUND];
    };
    let Ok(resp) = OcspResponse::from_der(der) else {
        return vec![code::OCSP_MALFORMED_RESPONSE];
    };
    match resp.status() {
        OcspResponseStatus::SUCCESSFUL => {}
        OcspResponseStatus::MALFORMED_REQUEST => return vec![code::OCSP_MALFORMED_REQUEST],
        OcspResponseStatus::INTERNAL_ERROR => return vec![code::OCSP_INTERNAL_ERROR],
        OcspResponseStatus::TRY_LATER => return vec![code::OCSP_TRY_LATER],
        OcspResponseStatus::SIG_REQUIRED => return vec![code::OCSP_SIG_REQURED],
        OcspResponseStatus::UNAUTHORIZED => return vec![code::OCSP_UNAUTHORIZED],
        _ => return vec![code::OCSP_MALFORMED_RESPONSE],
    }
    let Ok(basic) = resp.basic() else {
        return vec![code::OCSP_MALFORMED_RESPONSE];
    };
    let Some(chain) = ssl.peer_cert_chain() else {
        return vec![code::OCSP_NO_RESPONSE_FOUND];
    };
    let Some(leaf) = ssl.peer_certificate() else {
        return vec![code::OCSP_NO_RESPONSE_FOUND];
    };
    let store = ssl.ssl_context().cert_store();
    if basic.verify(chain, store, OcspFlag::empty()).is_err() {
        crate::ossl::clear_error_queue();
        return vec![code::OCSP_RESPONSE_CANNOT_BE_TRUSTED];
    }
    // The issuer: a later certificate of the peer's chain that issued the
    // leaf (`a.issued(b)` is "a issued b"). Only the chain the peer sent is
    // searched (not the trust store), so a server that sends its leaf alone
    // gives OcspResponseCertIdUnknown.
    let issuer = chain
        .iter()
        .skip(1)
        .find(|c| c.issued(&leaf) == openssl::x509::X509VerifyResult::OK);
    let Some(issuer) = issuer else {
        return vec![code::OCSP_RESPONSE_CERT_ID_UNKNOWN];
    };
    let Ok(id) = OcspCertId::from_cert(MessageDigest::sha1(), &leaf, issuer) else {
        return vec![code::OCSP_INTERNAL_ERROR];
    };
    let Some(status) = basic.find_status(&id) else {
        return vec![code::OCSP_RESPONSE_CERT_ID_UNKNOWN];
    };
    if status.check_validity(300, None).is_err() {
        crate::ossl::clear_error_queue();
        return vec![code::OCSP_RESPONSE_EXPIRED];
    }
    match status.status {
        OcspCertStatus::GOOD => vec![],
        OcspCertStatus::REVOKED => vec![code::CERTIFICATE_REVOKED],
        _ => vec![code::OCSP_STATUS_UNKNOWN],
    }
}
