//! The system's trusted CA certificates, parsed once per process and shared
//! by reference (`QSslConfiguration::systemCaCertificates()`, which Qt
//! re-reads on every call).
//!
//! Sources, in order: the file named by `SSL_CERT_FILE` (else OpenSSL's
//! default certificate file) and every file in the directories named by
//! `SSL_CERT_DIR` (colon-separated; else OpenSSL's default certificate
//! directory). Duplicates (the same DER) are kept once, in first-seen order.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, RwLock};

use openssl::x509::X509;
use openssl::x509::store::{X509Store, X509StoreBuilder};

use crate::model::cert::Certificate;

/// The parsed system store: the certificates and one OpenSSL trust store
/// built from them, shared by every context that trusts the system roots.
pub struct SystemCa {
    certificates: Arc<[Certificate]>,
    store: X509Store,
}

impl SystemCa {
    /// The certificates, deduplicated.
    pub fn certificates(&self) -> &Arc<[Certificate]> {
        &self.certificates
    }

    /// The OpenSSL trust store holding them (shared; never mutated).
    pub fn store(&self) -> &X509Store {
        &self.store
    }
}

static SYSTEM: LazyLock<RwLock<Option<Arc<SystemCa>>>> = LazyLock::new(|| RwLock::new(None));

/// The system CA store, loading it on first use. Later calls cost a lock and
/// a reference count.
pub fn system_ca() -> Arc<SystemCa> {
    if let Some(s) = SYSTEM.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return s.clone();
    }
    let mut slot = SYSTEM.write().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = slot.as_ref() {
        return s.clone();
    }
    let loaded = Arc::new(load());
    *slot = Some(loaded.clone());
    loaded
}

/// `QSslConfiguration::systemCaCertificates()`.
pub fn system_ca_certificates() -> Arc<[Certificate]> {
    system_ca().certificates.clone()
}

/// Reads the system store again (for example after `SSL_CERT_FILE` changed or
/// the OS store was updated). Configurations already holding the old store
/// keep it; new contexts use the new one. Returns the number of certificates.
pub fn reload_system_ca_certificates() -> usize {
    let fresh = Arc::new(load());
    let n = fresh.certificates.len();
    *SYSTEM.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh);
    n
}

fn env_path(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// OpenSSL's compiled-in default certificate file and directory.
fn openssl_defaults() -> (PathBuf, PathBuf) {
    openssl::init();
    let (file, dir) = crate::ossl::default_cert_locations();
    crate::ossl::clear_error_queue();
    (PathBuf::from(file), PathBuf::from(dir))
}

fn load() -> SystemCa {
    let (default_file, default_dir) = openssl_defaults();
    let file = env_path("SSL_CERT_FILE")
        .map(PathBuf::from)
        .unwrap_or(default_file);
    let dirs: Vec<PathBuf> = match env_path("SSL_CERT_DIR") {
        Some(v) => v
            .split(':')
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .collect(),
        None => vec![default_dir],
    };

    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut certs: Vec<Certificate> = Vec::new();
    let mut add_file = |path: &Path| {
        let Ok(data) = std::fs::read(path) else {
            return;
        };
        let parsed: Vec<X509> = if data.starts_with(b"0") && !data.contains(&b'-') {
            X509::from_der(&data).map(|x| vec![x]).unwrap_or_default()
        } else {
            X509::stack_from_pem(&data).unwrap_or_default()
        };
        for x in parsed {
            if let Ok(der) = x.to_der() {
                if seen.insert(der) {
                    certs.push(Certificate::from_x509(x));
                }
            }
        }
    };
    if file.is_file() {
        add_file(&file);
    }
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_file() {
                add_file(&p);
            }
        }
    }
    crate::ossl::clear_error_queue();

    let store = build_store(&certs);
    SystemCa {
        certificates: certs.into(),
        store,
    }
}

fn build_store(certs: &[Certificate]) -> X509Store {
    let mut builder = X509StoreBuilder::new().expect("X509_STORE_new");
    for c in certs {
        if let Some(x) = c.x509() {
            // A duplicate is not an error worth reporting; skip failures.
            let _ = builder.add_cert(x.to_owned());
        }
    }
    crate::ossl::clear_error_queue();
    builder.build()
}
