//! `QSslCertificate`: an immutable, reference-counted X.509 certificate.
//!
//! Parsing follows Qt's OpenSSL backend: PEM input is scanned for
//! "-----BEGIN CERTIFICATE-----" blocks (text around them is skipped, the
//! Base64 body is decoded leniently), DER input is a run of concatenated
//! certificates. `from_path` reproduces Qt's prefix, pattern and directory
//! walking rules (see [`Certificate::from_path`]).

mod files;
mod host;
mod names;
mod parse;
mod pattern;
mod verify;

use std::net::Ipv4Addr;
use std::path::Path;

use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::error::ErrorStack;
use openssl::hash::{MessageDigest, hash};
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::x509::{X509, X509NameRef, X509Ref, X509VerifyResult};

use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;

use crate::Error;
use crate::model::config::SslConfiguration;
use crate::model::enums::{encoding, key_algorithm, key_type, pattern_syntax};
use crate::model::key::{Key, Zeroizing, algorithm_of, check_encoding};
use crate::model::ssl_error::{SslError, code as ssl_code};
use crate::model::system_ca::system_ca_certificates;
use crate::ossl;

use files::*;
pub(crate) use host::{host_matches, is_ip_literal};
use names::*;
use parse::*;
pub use pattern_api::*;

/// A certificate, or the null certificate. Clones share the OpenSSL object
/// (`X509_up_ref`), so a copy costs a reference count.
#[derive(Clone, Default)]
pub struct Certificate {
    x509: Option<X509>,
}

/// `QSslCertificate::SubjectInfo` values.
pub mod subject_info {
    /// Organization ("O").
    pub const ORGANIZATION: i32 = 0;
    /// CommonName ("CN").
    pub const COMMON_NAME: i32 = 1;
    /// LocalityName ("L").
    pub const LOCALITY_NAME: i32 = 2;
    /// OrganizationalUnitName ("OU").
    pub const ORGANIZATIONAL_UNIT_NAME: i32 = 3;
    /// CountryName ("C").
    pub const COUNTRY_NAME: i32 = 4;
    /// StateOrProvinceName ("ST").
    pub const STATE_OR_PROVINCE_NAME: i32 = 5;
    /// DistinguishedNameQualifier ("dnQualifier").
    pub const DISTINGUISHED_NAME_QUALIFIER: i32 = 6;
    /// SerialNumber ("serialNumber").
    pub const SERIAL_NUMBER: i32 = 7;
    /// EmailAddress ("emailAddress").
    pub const EMAIL_ADDRESS: i32 = 8;

    /// The attribute short name Qt uses for a `SubjectInfo` value.
    pub fn attribute(info: i32) -> Option<&'static str> {
        Some(match info {
            ORGANIZATION => "O",
            COMMON_NAME => "CN",
            LOCALITY_NAME => "L",
            ORGANIZATIONAL_UNIT_NAME => "OU",
            COUNTRY_NAME => "C",
            STATE_OR_PROVINCE_NAME => "ST",
            DISTINGUISHED_NAME_QUALIFIER => "dnQualifier",
            SERIAL_NUMBER => "serialNumber",
            EMAIL_ADDRESS => "emailAddress",
            _ => return None,
        })
    }
}

/// `QSsl::AlternativeNameEntryType` values.
pub mod alt_name {
    /// EmailEntry.
    pub const EMAIL: i32 = 0;
    /// DnsEntry.
    pub const DNS: i32 = 1;
    /// IpAddressEntry.
    pub const IP_ADDRESS: i32 = 2;
}

/// `QCryptographicHash::Algorithm` values accepted by [`Certificate::digest`].
pub mod digest_algorithm {
    /// Md4 (needs OpenSSL's legacy provider).
    pub const MD4: i32 = 0;
    /// Md5 (Qt's default for `digest()`).
    pub const MD5: i32 = 1;
    /// Sha1.
    pub const SHA1: i32 = 2;
    /// Sha224.
    pub const SHA224: i32 = 3;
    /// Sha256.
    pub const SHA256: i32 = 4;
    /// Sha384.
    pub const SHA384: i32 = 5;
    /// Sha512.
    pub const SHA512: i32 = 6;
    /// Keccak_224 (needs OpenSSL 3.2 or later).
    pub const KECCAK_224: i32 = 7;
    /// Keccak_256.
    pub const KECCAK_256: i32 = 8;
    /// Keccak_384.
    pub const KECCAK_384: i32 = 9;
    /// Keccak_512.
    pub const KECCAK_512: i32 = 10;
    /// RealSha3_224 (= Sha3_224).
    pub const SHA3_224: i32 = 11;
    /// RealSha3_256 (= Sha3_256).
    pub const SHA3_256: i32 = 12;
    /// RealSha3_384 (= Sha3_384).
    pub const SHA3_384: i32 = 13;
    /// RealSha3_512 (= Sha3_512).
    pub const SHA3_512: i32 = 14;
    /// Blake2b_160 (not supported).
    pub const BLAKE2B_160: i32 = 15;
    /// Blake2b_256 (not supported).
    pub const BLAKE2B_256: i32 = 16;
    /// Blake2b_384 (not supported).
    pub const BLAKE2B_384: i32 = 17;
    /// Blake2b_512.
    pub const BLAKE2B_512: i32 = 18;
    /// Blake2s_128 (not supported).
    pub const BLAKE2S_128: i32 = 19;
    /// Blake2s_160 (not supported).
    pub const BLAKE2S_160: i32 = 20;
    /// Blake2s_224 (not supported).
    pub const BLAKE2S_224: i32 = 21;
    /// Blake2s_256.
    pub const BLAKE2S_256: i32 = 22;
}

/// What [`Certificate::import_pkcs12`] returns.
#[derive(Clone, Debug, Default)]
pub struct Pkcs12Bundle {
    /// The private key.
    pub key: Key,
    /// The certificate (null if the archive holds none, as in Qt).
    pub certificate: Certificate,
    /// The other certificates of the archive.
    pub ca_certificates: Vec<Certificate>,
}

fn time_to_unix(t: &Asn1TimeRef) -> Option<i64> {
    static EPOCH: std::sync::LazyLock<Option<Asn1Time>> =
        std::sync::LazyLock::new(|| Asn1Time::from_unix(0).ok());
    let d = EPOCH.as_ref()?.diff(t).ok()?;
    Some(i64::from(d.days) * 86_400 + i64::from(d.secs))
}

fn check_syntax(syntax: i32) -> Result<(), Error> {
    match syntax {
        pattern_syntax::REGULAR_EXPRESSION
        | pattern_syntax::WILDCARD
        | pattern_syntax::FIXED_STRING => Ok(()),
        _ => Err(Error::invalid(format!("unknown pattern syntax {syntax}"))),
    }
}

/// Public helpers of the path-pattern engine (also used by tests).
mod pattern_api {
    /// True when `pattern`, as Qt's `QRegularExpression::anchoredPattern`,
    /// matches all of `text`. An invalid pattern matches nothing.
    pub fn regex_full_match(pattern: &str, text: &str) -> bool {
        super::pattern::Regex::anchored(pattern).is_ok_and(|r| r.is_match(text))
    }

    /// Qt 6's wildcard-to-regex conversion for file paths (unanchored).
    pub fn wildcard_to_regex(pattern: &str) -> String {
        super::pattern::wildcard_to_regex(pattern)
    }
}

impl Certificate {
    /// The null certificate (`QSslCertificate()`).
    pub fn null() -> Self {
        Certificate { x509: None }
    }

    /// Wraps an OpenSSL certificate (takes the reference).
    pub fn from_x509(x509: X509) -> Self {
        Certificate { x509: Some(x509) }
    }

    /// True for the null certificate.
    pub fn is_null(&self) -> bool {
        self.x509.is_none()
    }

    /// The OpenSSL certificate, `None` when null.
    pub fn x509(&self) -> Option<&X509Ref> {
        self.x509.as_deref()
    }

    /// Makes this certificate null (`QSslCertificate::clear()`).
    pub fn clear(&mut self) {
        self.x509 = None;
    }

    /// Every certificate in `data` (`QSslCertificate::fromData`). PEM: each
    /// "BEGIN CERTIFICATE" block, text around them skipped; DER: a run of
    /// concatenated certificates. Garbage gives an empty list. A format
    /// other than DER is read as PEM.
    pub fn from_data(data: &[u8], format: i32) -> Vec<Certificate> {
        if format == encoding::DER {
            certificates_from_der(data, usize::MAX).0
        } else {
            certificates_from_pem(data, usize::MAX).0
        }
    }

    /// `QSslCertificate(data, format)`: the first certificate, or null.
    pub fn new(data: &[u8], format: i32) -> Certificate {
        let certs = if format == encoding::DER {
            certificates_from_der(data, 1).0
        } else {
            certificates_from_pem(data, 1).0
        };
        certs.into_iter().next().unwrap_or_default()
    }

    /// The first certificate in PEM text (leading text is skipped), or a
    /// parse error naming the cause.
    pub fn from_pem(data: &[u8]) -> Result<Certificate, Error> {
        if data.is_empty() {
            return Err(Error::parse(
                "PEM: no certificate found (input is empty)",
                None,
            ));
        }
        let (certs, err) = certificates_from_pem(data, 1);
        certs
            .into_iter()
            .next()
            .ok_or_else(|| Error::parse("PEM: no certificate found", err.as_ref()))
    }

    /// The first certificate in DER bytes, or a parse error.
    pub fn from_der(data: &[u8]) -> Result<Certificate, Error> {
        if data.is_empty() {
            return Err(Error::parse(
                "DER: no certificate found (input is empty)",
                None,
            ));
        }
        let (certs, err) = certificates_from_der(data, 1);
        certs
            .into_iter()
            .next()
            .ok_or_else(|| Error::parse("DER: not a certificate", err.as_ref()))
    }

    /// The first certificate of a file (`QSslCertificate(QIODevice *)` on an
    /// opened file; PEM files are read in text mode as Qt does).
    pub fn from_file(path: &Path, format: i32) -> Result<Certificate, Error> {
        check_encoding(format)?;
        let data = read_cert_file(path, format).map_err(|e| {
            Error::Io(format!(
                "cannot read certificate file '{}': {e}",
                path.display()
            ))
        })?;
        if format == encoding::DER {
            Certificate::from_der(&data)
        } else {
            Certificate::from_pem(&data)
        }
    }

    /// `QSslCertificate::fromPath(path, format, syntax)`, relative paths
    /// resolved against the current directory. See [`Certificate::from_path_in`].
    pub fn from_path(path: &str, format: i32, syntax: i32) -> Result<Vec<Certificate>, Error> {
        Certificate::from_path_in(Path::new(""), path, format, syntax)
    }

    /// `QSslCertificate::fromPath` with relative paths resolved against
    /// `base` instead of the current directory (the matching itself sees
    /// the paths as written). Qt's rules:
    ///
    /// * The prefix is the path before its last '/' (the whole path if it
    ///   has none).
    /// * Wildcard: the first `*`, `?` or `[` *in the prefix* cuts it back to
    ///   the last '/' before that character. RegularExpression: the first
    ///   regex metacharacter *anywhere in the path* does the same to the
    ///   prefix. FixedString: no cut; if the path names an existing file,
    ///   every certificate in it is returned.
    /// * An empty prefix becomes "." and "./" is removed from the walked
    ///   paths before matching.
    /// * Files under the prefix are walked recursively (symbolic links
    ///   followed, hidden entries skipped) and each path is matched in full
    ///   against the pattern: the wildcard converted with `*` and `?` not
    ///   crossing '/', or the regular expression, or, for FixedString, the
    ///   path itself *used as a regular expression* (Qt's quirk).
    /// * Every certificate in every matching file is returned. No match, a
    ///   missing directory or an invalid regular expression give an empty
    ///   list. Files are visited in name order (Qt: directory order).
    pub fn from_path_in(
        base: &Path,
        path: &str,
        format: i32,
        syntax: i32,
    ) -> Result<Vec<Certificate>, Error> {
        check_encoding(format)?;
        check_syntax(syntax)?;
        let source = path;
        let mut prefix: String = match source.rfind('/') {
            Some(p) => source[..p].to_string(),
            None => source.to_string(),
        };
        let pos = match syntax {
            pattern_syntax::WILDCARD => prefix.find(['*', '?', '[']),
            pattern_syntax::REGULAR_EXPRESSION => source.find([
                '$', '(', ')', '*', '+', '.', '?', '[', ']', '^', '{', '}', '|',
            ]),
            _ => None,
        };
        if let Some(pos) = pos {
            let cut = &prefix[..pos.min(prefix.len())];
            prefix = match cut.rfind('/') {
                Some(s) => cut[..s].to_string(),
                None => String::new(),
            };
        } else if base.join(source).is_file() {
            return Ok(read_cert_file(&base.join(source), format)
                .map(|d| Certificate::from_data(&d, format))
                .unwrap_or_default());
        }
        let (root, strip) = if prefix.is_empty() {
            (".".to_string(), 2)
        } else {
            (prefix, 0)
        };
        let rx = if syntax == pattern_syntax::WILDCARD {
            pattern::wildcard_to_regex(source)
        } else {
            source.to_string()
        };
        let Ok(regex) = pattern::Regex::anchored(&rx) else {
            return Ok(Vec::new());
        };
        let mut certs = Vec::new();
        walk_files(base, &root, &mut |file: &str| {
            let candidate = file.get(strip..).unwrap_or("");
            if !regex.is_match(candidate) {
                return;
            }
            if let Ok(data) = read_cert_file(&base.join(candidate), format) {
                certs.extend(Certificate::from_data(&data, format));
            }
        });
        Ok(certs)
    }

    /// The PEM encoding (`QSslCertificate::toPem()`); empty for null.
    pub fn to_pem(&self) -> Vec<u8> {
        self.x509
            .as_ref()
            .and_then(|x| x.to_pem().ok())
            .unwrap_or_default()
    }

    /// The DER encoding (`QSslCertificate::toDer()`); empty for null.
    pub fn to_der(&self) -> Vec<u8> {
        self.x509
            .as_ref()
            .and_then(|x| x.to_der().ok())
            .unwrap_or_default()
    }

    /// OpenSSL's readable dump (`X509_print`), as Latin-1 text; empty for
    /// null (`QSslCertificate::toText()`).
    pub fn to_text(&self) -> String {
        self.x509
            .as_ref()
            .and_then(|x| x.to_text().ok())
            .map(|t| latin1(&t))
            .unwrap_or_default()
    }

    /// The X.509 version as text ("3" for v3); empty for null.
    pub fn version(&self) -> String {
        self.x509
            .as_ref()
            .map(|x| (i64::from(x.version()) + 1).to_string())
            .unwrap_or_default()
    }

    /// The serial number as lowercase, colon-separated hex of the stored
    /// bytes ("21:05:85:..."); empty for null.
    pub fn serial_number(&self) -> String {
        let Some(x) = &self.x509 else {
            return String::new();
        };
        ossl::asn1_integer_bytes(x.serial_number())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// The hash of the DER encoding with a `QCryptographicHash::Algorithm`
    /// (Qt's default is Md5). The null certificate hashes empty bytes.
    /// Unknown numbers are invalid; algorithms OpenSSL does not offer here
    /// are unsupported.
    pub fn digest(&self, algorithm: i32) -> Result<Vec<u8>, Error> {
        use digest_algorithm as d;
        let (name, md): (&str, Option<MessageDigest>) = match algorithm {
            d::MD4 => ("MD4", MessageDigest::from_name("MD4")),
            d::MD5 => ("MD5", Some(MessageDigest::md5())),
            d::SHA1 => ("SHA1", Some(MessageDigest::sha1())),
            d::SHA224 => ("SHA224", Some(MessageDigest::sha224())),
            d::SHA256 => ("SHA256", Some(MessageDigest::sha256())),
            d::SHA384 => ("SHA384", Some(MessageDigest::sha384())),
            d::SHA512 => ("SHA512", Some(MessageDigest::sha512())),
            d::KECCAK_224 => ("Keccak-224", MessageDigest::from_name("KECCAK-224")),
            d::KECCAK_256 => ("Keccak-256", MessageDigest::from_name("KECCAK-256")),
            d::KECCAK_384 => ("Keccak-384", MessageDigest::from_name("KECCAK-384")),
            d::KECCAK_512 => ("Keccak-512", MessageDigest::from_name("KECCAK-512")),
            d::SHA3_224 => ("SHA3-224", Some(MessageDigest::sha3_224())),
            d::SHA3_256 => ("SHA3-256", Some(MessageDigest::sha3_256())),
            d::SHA3_384 => ("SHA3-384", Some(MessageDigest::sha3_384())),
            d::SHA3_512 => ("SHA3-512", Some(MessageDigest::sha3_512())),
            d::BLAKE2B_512 => ("BLAKE2b-512", MessageDigest::from_name("BLAKE2B512")),
            d::BLAKE2S_256 => ("BLAKE2s-256", MessageDigest::from_name("BLAKE2S256")),
            d::BLAKE2B_160 | d::BLAKE2B_256 | d::BLAKE2B_384 => ("truncated BLAKE2b", None),
            d::BLAKE2S_128 | d::BLAKE2S_160 | d::BLAKE2S_224 => ("truncated BLAKE2s", None),
            other => return Err(Error::invalid(format!("unknown digest algorithm {other}"))),
        };
        let Some(md) = md else {
            return Err(Error::Unsupported(format!(
                "digest algorithm {algorithm} ({name}) is not available in this OpenSSL"
            )));
        };
        hash(md, &self.to_der()).map(|b| b.to_vec()).map_err(|e| {
            Error::Unsupported(crate::error::with_openssl(
                format!("digest algorithm {algorithm} ({name}) is not available in this OpenSSL"),
                Some(&e),
            ))
        })
    }

    /// The start of the validity period in Unix seconds (UTC); `None` for
    /// null or an unreadable date.
    pub fn effective_date(&self) -> Option<i64> {
        self.x509
            .as_ref()
            .and_then(|x| time_to_unix(x.not_before()))
    }

    /// The end of the validity period in Unix seconds (UTC); `None` for null
    /// or an unreadable date.
    pub fn expiry_date(&self) -> Option<i64> {
        self.x509.as_ref().and_then(|x| time_to_unix(x.not_after()))
    }

    /// True when the certificate names itself as issuer with consistent key
    /// identifiers and usage (`X509_check_issued(cert, cert)`); false for
    /// null.
    pub fn is_self_signed(&self) -> bool {
        self.x509
            .as_ref()
            .is_some_and(|x| x.issued(x) == X509VerifyResult::OK)
    }

    /// Always false: qssl carries no list of known-bad certificates
    /// (`QSslCertificate::isBlacklisted()`).
    pub fn is_blacklisted(&self) -> bool {
        false
    }

    fn subject_entries(&self) -> Vec<(Vec<u8>, String)> {
        self.x509
            .as_ref()
            .map(|x| name_entries(x.subject_name()))
            .unwrap_or_default()
    }

    fn issuer_entries(&self) -> Vec<(Vec<u8>, String)> {
        self.x509
            .as_ref()
            .map(|x| name_entries(x.issuer_name()))
            .unwrap_or_default()
    }

    fn info_attribute(info: i32) -> Result<&'static str, Error> {
        subject_info::attribute(info)
            .ok_or_else(|| Error::invalid(format!("unknown subject info {info}")))
    }

    /// The subject's values for a `SubjectInfo` field (repeated fields in
    /// reverse certificate order, as Qt's multimap gives them).
    pub fn subject_info(&self, info: i32) -> Result<Vec<String>, Error> {
        let attr = Certificate::info_attribute(info)?;
        Ok(info_values(&self.subject_entries(), attr.as_bytes()))
    }

    /// The subject's values for an attribute given by its OpenSSL short name
    /// ("CN", "O") or dotted OID; long names ("commonName") match nothing.
    pub fn subject_info_by_attribute(&self, attribute: &[u8]) -> Vec<String> {
        info_values(&self.subject_entries(), attribute)
    }

    /// Like [`Certificate::subject_info`] for the issuer.
    pub fn issuer_info(&self, info: i32) -> Result<Vec<String>, Error> {
        let attr = Certificate::info_attribute(info)?;
        Ok(info_values(&self.issuer_entries(), attr.as_bytes()))
    }

    /// Like [`Certificate::subject_info_by_attribute`] for the issuer.
    pub fn issuer_info_by_attribute(&self, attribute: &[u8]) -> Vec<String> {
        info_values(&self.issuer_entries(), attribute)
    }

    /// The subject's attribute names, sorted and without duplicates.
    pub fn subject_info_attributes(&self) -> Vec<Vec<u8>> {
        info_attributes(&self.subject_entries())
    }

    /// The issuer's attribute names, sorted and without duplicates.
    pub fn issuer_info_attributes(&self) -> Vec<Vec<u8>> {
        info_attributes(&self.issuer_entries())
    }

    /// The subject's CN, else O, else OU, else empty.
    pub fn subject_display_name(&self) -> String {
        display_name(&self.subject_entries())
    }

    /// The issuer's CN, else O, else OU, else empty.
    pub fn issuer_display_name(&self) -> String {
        display_name(&self.issuer_entries())
    }

    /// The subject alternative names of kinds email, DNS and IP address, as
    /// Qt's multimap iterates them: by kind (email 0, DNS 1, IP 2), within a
    /// kind in reverse certificate order. Names and emails are read as
    /// Latin-1; IP addresses are written as `QHostAddress` writes them.
    pub fn subject_alternative_names(&self) -> Vec<(i32, String)> {
        let Some(x) = &self.x509 else {
            return Vec::new();
        };
        let Some(names) = x.subject_alt_names() else {
            return Vec::new();
        };
        let mut entries: Vec<(i32, String)> = Vec::new();
        for gn in names.iter() {
            let (kind, bytes) = ossl::general_name_raw(gn);
            if bytes.len() >= 8192 {
                continue;
            }
            match kind {
                openssl_sys::GEN_DNS => entries.push((alt_name::DNS, latin1(bytes))),
                openssl_sys::GEN_EMAIL => entries.push((alt_name::EMAIL, latin1(bytes))),
                openssl_sys::GEN_IPADD => {
                    let ip = match bytes.len() {
                        4 => {
                            Some(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string())
                        }
                        16 => {
                            let mut a = [0u8; 16];
                            a.copy_from_slice(bytes);
                            Some(ipv6_to_string(&a))
                        }
                        _ => None,
                    };
                    if let Some(ip) = ip {
                        entries.push((alt_name::IP_ADDRESS, ip));
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::with_capacity(entries.len());
        for kind in [alt_name::EMAIL, alt_name::DNS, alt_name::IP_ADDRESS] {
            out.extend(entries.iter().rev().filter(|(k, _)| *k == kind).cloned());
        }
        out
    }

    /// The subject alternative names of one kind, in Qt's order (see
    /// [`Certificate::subject_alternative_names`]).
    pub fn subject_alternative_names_of(&self, kind: i32) -> Result<Vec<String>, Error> {
        if !(alt_name::EMAIL..=alt_name::IP_ADDRESS).contains(&kind) {
            return Err(Error::invalid(format!(
                "unknown alternative name entry type {kind}"
            )));
        }
        Ok(self
            .subject_alternative_names()
            .into_iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, v)| v)
            .collect())
    }

    /// The subject's public key: RSA, DSA and EC keys as PublicKey; the null
    /// key for other kinds (Qt does not wrap DH or Ed25519 certificate keys)
    /// and for the null certificate.
    pub fn public_key(&self) -> Key {
        let Some(x) = &self.x509 else {
            return Key::null();
        };
        let Ok(pkey) = x.public_key() else {
            return Key::null();
        };
        match algorithm_of(&pkey) {
            key_algorithm::RSA | key_algorithm::DSA | key_algorithm::EC => {
                Key::from_pkey(ossl::public_as_private(pkey), key_type::PUBLIC_KEY)
            }
            _ => Key::null(),
        }
    }

    /// `QSslCertificate::importPkcs12`: the private key, the certificate and
    /// the other certificates of a PKCS#12 archive. An empty passphrase
    /// tries "no password" and the empty password, as OpenSSL does.
    /// Errors: unparseable input (Parse), a wrong passphrase (BadPassphrase),
    /// no private key (Parse), a key QSslKey cannot hold, such as Ed25519
    /// (Unsupported). An archive without a certificate gives a null
    /// certificate, as in Qt.
    pub fn import_pkcs12(data: &[u8], passphrase: &[u8]) -> Result<Pkcs12Bundle, Error> {
        if data.is_empty() {
            return Err(Error::parse("PKCS#12: input is empty", None));
        }
        if passphrase.contains(&0) {
            return Err(Error::invalid(
                "PKCS#12 passphrase must not contain NUL bytes",
            ));
        }
        let p12 = Pkcs12::from_der(data)
            .map_err(|e| Error::parse("PKCS#12: not a PKCS#12 archive", Some(&e)))?;
        let mut pass = Zeroizing::new(Vec::with_capacity(passphrase.len() + 1));
        pass.extend_from_slice(passphrase);
        pass.push(0);
        let parts = ossl::pkcs12_parse(&p12, &pass).map_err(|e| {
            if is_bad_passphrase(&e) {
                Error::BadPassphrase(crate::error::with_openssl(
                    "PKCS#12: wrong passphrase".into(),
                    Some(&e),
                ))
            } else {
                Error::parse("PKCS#12: cannot read the archive", Some(&e))
            }
        })?;
        let Some(pkey) = parts.key else {
            return Err(Error::parse(
                "PKCS#12: the archive holds no private key",
                None,
            ));
        };
        if algorithm_of(&pkey) == key_algorithm::OPAQUE {
            return Err(Error::Unsupported(
                "PKCS#12: the private key is of a kind QSslKey cannot hold (only RSA, DSA, EC and DH)"
                    .into(),
            ));
        }
        Ok(Pkcs12Bundle {
            key: Key::from_pkey(pkey, key_type::PRIVATE_KEY),
            certificate: parts.cert.map(Certificate::from_x509).unwrap_or_default(),
            ca_certificates: parts.ca.into_iter().map(Certificate::from_x509).collect(),
        })
    }
}

/// True when OpenSSL's errors say the PKCS#12 password was wrong: a MAC
/// verification failure or a decryption failure.
fn is_bad_passphrase(e: &ErrorStack) -> bool {
    const ERR_LIB_EVP: i32 = 6;
    const ERR_LIB_PKCS12: i32 = 35;
    const EVP_R_BAD_DECRYPT: i32 = 100;
    const PKCS12_R_MAC_VERIFY_FAILURE: i32 = 113;
    const PKCS12_R_PKCS12_CIPHERFINAL_ERROR: i32 = 116;
    e.errors().iter().any(|err| {
        let (lib, reason) = (err.library_code(), err.reason_code());
        (lib == ERR_LIB_PKCS12
            && (reason == PKCS12_R_MAC_VERIFY_FAILURE
                || reason == PKCS12_R_PKCS12_CIPHERFINAL_ERROR))
            || (lib == ERR_LIB_EVP && reason == EVP_R_BAD_DECRYPT)
    })
}

impl PartialEq for Certificate {
    /// Qt's `==`: both null, or `X509_cmp` says equal. Copies share one
    /// OpenSSL object, so the same object is equal without `X509_cmp`
    /// (lists built from the same handles compare in a pointer test each).
    fn eq(&self, other: &Self) -> bool {
        match (&self.x509, &other.x509) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                let (a, b): (&X509Ref, &X509Ref) = (a, b);
                std::ptr::eq(a, b) || a == b
            }
            _ => false,
        }
    }
}

impl Eq for Certificate {}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.x509() {
            None => write!(f, "Certificate(null)"),
            Some(x) => write!(f, "Certificate({:?})", x.subject_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_lenient() {
        assert_eq!(base64_decode_lenient(b"aGVs\nbG8=\n"), b"hello");
        assert!(base64_decode_lenient(b"  a G V s b G 8 = junk!").starts_with(b"hello"));
    }

    #[test]
    fn line_feeds() {
        let mut o = 0;
        assert!(match_line_feed(b"  \r\nx", &mut o));
        assert_eq!(o, 4);
        let mut o = 0;
        assert!(!match_line_feed(b"  x", &mut o));
        let mut o = 0;
        assert!(!match_line_feed(b"   ", &mut o));
    }

    #[test]
    fn ipv6_text_like_qhostaddress() {
        let mut a = [0u8; 16];
        a[15] = 1;
        assert_eq!(ipv6_to_string(&a), "::1");
        assert_eq!(ipv6_to_string(&[0; 16]), "::");
        let mut m = [0u8; 16];
        m[10] = 0xff;
        m[11] = 0xff;
        m[12..].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(ipv6_to_string(&m), "::ffff:1.2.3.4");
        let d: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1];
        assert_eq!(ipv6_to_string(&d), "2001:db8::1:0:0:1");
        let e: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
        assert_eq!(ipv6_to_string(&e), "2001:db8:0:1:1:1:1:1");
    }
}
