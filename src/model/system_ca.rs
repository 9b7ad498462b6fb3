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
use std::sync::{Arc, LazyLock, OnceLock, RwLock};

use openssl::ssl::SslFiletype;
use openssl::x509::X509;
use openssl::x509::store::{X509Lookup, X509Store, X509StoreBuilder};

use crate::model::cert::Certificate;

/// The system trust: a shared OpenSSL store that finds roots on demand, and
/// the certificate list, parsed the first time it is asked for.
pub struct SystemCa {
    certificates: OnceLock<Arc<[Certificate]>>,
    store: X509Store,
    file: PathBuf,
    dirs: Vec<PathBuf>,
    /// Look roots up by subject hash in `dirs` (OpenSSL's hashed links), as
    /// Qt's on-demand loading does, instead of parsing the whole bundle.
    lazy_dirs: bool,
    file_explicit: bool,
}

impl SystemCa {
    /// The certificates, deduplicated (parsed on first call, then shared).
    pub fn certificates(&self) -> &Arc<[Certificate]> {
        self.certificates
            .get_or_init(|| parse_all(&self.file, &self.dirs))
    }

    /// The OpenSSL trust store (shared; never mutated after it is built).
    pub fn store(&self) -> &X509Store {
        &self.store
    }

    /// Adds the system roots to another store being built: the same lazy
    /// directory lookups, or the parsed bundle where there are none.
    pub(crate) fn add_to(&self, b: &mut X509StoreBuilder) {
        add_sources(b, self, || self.certificates().clone());
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
    system_ca().certificates().clone()
}

/// Reads the system store again (for example after `SSL_CERT_FILE` changed or
/// the OS store was updated). Configurations already holding the old store
/// keep it; new contexts use the new one. Returns the number of certificates.
pub fn reload_system_ca_certificates() -> usize {
    let fresh = Arc::new(load());
    let n = fresh.certificates().len();
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

/// True when `dir` holds OpenSSL's hashed links (8 hex digits, '.', a digit).
fn has_hashed_links(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(|e| e.ok()).any(|e| {
        let n = e.file_name();
        let n = n.to_string_lossy();
        let b = n.as_bytes();
        b.len() >= 10
            && b[..8]
                .iter()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            && b[8] == b'.'
            && b[9..].iter().all(u8::is_ascii_digit)
    })
}

fn load() -> SystemCa {
    let (default_file, default_dir) = openssl_defaults();
    let explicit_file = env_path("SSL_CERT_FILE").map(PathBuf::from);
    let file_explicit = explicit_file.is_some();
    let file = explicit_file.unwrap_or(default_file);
    let dirs: Vec<PathBuf> = match env_path("SSL_CERT_DIR") {
        Some(v) => v
            .split(':')
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .collect(),
        None => vec![default_dir],
    };
    let lazy_dirs = dirs.iter().any(|d| has_hashed_links(d));
    let mut ca = SystemCa {
        certificates: OnceLock::new(),
        store: X509StoreBuilder::new().expect("X509_STORE_new").build(),
        file,
        dirs,
        lazy_dirs,
        file_explicit,
    };
    let mut b = X509StoreBuilder::new().expect("X509_STORE_new");
    add_sources(&mut b, &ca, || ca.certificates().clone());
    crate::ossl::clear_error_queue();
    ca.store = b.build();
    ca
}

/// Adds the system roots to `b`: lazy hashed-directory lookups where the
/// directories have them (plus an explicitly named SSL_CERT_FILE), else the
/// parsed certificates.
fn add_sources(
    b: &mut X509StoreBuilder,
    ca: &SystemCa,
    parsed: impl FnOnce() -> Arc<[Certificate]>,
) {
    if ca.lazy_dirs {
        if let Ok(lookup) = b.add_lookup(X509Lookup::hash_dir()) {
            for d in &ca.dirs {
                if let Some(d) = d.to_str() {
                    let _ = lookup.add_dir(d, SslFiletype::PEM);
                }
            }
        }
        if ca.file_explicit && ca.file.is_file() {
            for c in Certificate::from_data(&std::fs::read(&ca.file).unwrap_or_default(), 0) {
                if let Some(x) = c.x509() {
                    let _ = b.add_cert(x.to_owned());
                }
            }
        }
    } else {
        for c in parsed().iter() {
            if let Some(x) = c.x509() {
                let _ = b.add_cert(x.to_owned());
            }
        }
    }
    crate::ossl::clear_error_queue();
}

/// Every certificate of the file and the directories, deduplicated.
fn parse_all(file: &Path, dirs: &[PathBuf]) -> Arc<[Certificate]> {
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
        add_file(file);
    }
    for dir in dirs {
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
    certs.into()
}
