//! `QSslCertificate::verify()`: a chain against the default configuration's
//! CA certificates and the system roots.

use super::*;

impl Certificate {
    /// `QSslCertificate::verify(chain, hostName)`: verifies `chain` (leaf
    /// first; the others are untrusted intermediates) against the default
    /// configuration's CA certificates plus the system roots, keeping only
    /// roots that have not expired, as Qt does. Returns Qt's error list: a
    /// host-name mismatch first (when `host_name` is not empty), then every
    /// chain error in OpenSSL's order, each with the certificate of the
    /// chain at the error's depth (null when the depth is beyond the given
    /// chain). An empty chain gives one UnspecifiedError. The default
    /// configuration is not modified.
    pub fn verify(chain: &[Certificate], host_name: &str) -> Vec<SslError> {
        let unspecified = || {
            vec![SslError::new(
                ssl_code::UNSPECIFIED_ERROR,
                Certificate::null(),
            )]
        };
        let Some(leaf) = chain.first().and_then(|c| c.x509()) else {
            return unspecified();
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let default_cas = SslConfiguration::default_configuration()
            .ca_certificates()
            .clone();
        let system_cas = system_ca_certificates();
        let Ok(mut builder) = X509StoreBuilder::new() else {
            return unspecified();
        };
        for ca in default_cas.iter().chain(system_cas.iter()) {
            if ca.expiry_date().is_some_and(|exp| exp >= now) {
                if let Some(x) = ca.x509() {
                    // A duplicate is not an error worth reporting here.
                    let _ = builder.add_cert(x.to_owned());
                }
            }
        }
        let store = builder.build();
        let Ok(mut intermediates) = Stack::<X509>::new() else {
            return unspecified();
        };
        for c in &chain[1..] {
            if let Some(x) = c.x509() {
                if intermediates.push(x.to_owned()).is_err() {
                    return unspecified();
                }
            }
        }
        let Ok(found) = ossl::verify_collecting(&store, leaf, &intermediates) else {
            return unspecified();
        };
        let mut errors = Vec::with_capacity(found.len() + 1);
        if !host_name.is_empty() && !host_matches(&chain[0], host_name) {
            errors.push(SslError::new(
                ssl_code::HOST_NAME_MISMATCH,
                chain[0].clone(),
            ));
        }
        for (x509_code, depth) in found {
            if x509_code == 0 {
                errors.push(SslError::default());
                continue;
            }
            let cert = usize::try_from(depth)
                .ok()
                .and_then(|d| chain.get(d))
                .cloned()
                .unwrap_or_default();
            errors.push(SslError::from_x509_verify_error(x509_code, cert));
        }
        errors
    }
}
