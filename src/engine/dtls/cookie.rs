//! Cookie generator parameters (hash and secret) and the peer bytes they sign.

use super::*;

// ---- cookie generator parameters ---------------------------------------------

/// QDtlsClientVerifier::GeneratorParameters: the hash and the secret of the
/// cookie HMAC. The secret is wiped when dropped.
#[derive(Clone)]
pub struct CookieParams {
    /// A QCryptographicHash::Algorithm value.
    pub hash: i32,
    secret: Vec<u8>,
}

impl Drop for CookieParams {
    fn drop(&mut self) {
        crate::ossl::cleanse(&mut self.secret);
    }
}

impl Default for CookieParams {
    /// Qt's defaults: SHA-1 and a random secret. qssl draws the secret once
    /// per process, so a verifier and a server `Dtls` left at their defaults
    /// accept each other's cookies.
    fn default() -> Self {
        static SECRET: OnceLock<Vec<u8>> = OnceLock::new();
        let secret = SECRET.get_or_init(|| {
            let mut s = vec![0u8; 32];
            if openssl::rand::rand_bytes(&mut s).is_err() {
                // Never a predictable secret: fall back to the OS generator.
                // SAFETY: `s` is valid for writes of s.len() bytes.
                unsafe { libc::getrandom(s.as_mut_ptr().cast(), s.len(), 0) };
            }
            crate::ossl::clear_error_queue();
            s
        });
        CookieParams {
            hash: hash_algorithm::SHA1,
            secret: secret.clone(),
        }
    }
}

impl CookieParams {
    /// Checked parameters: a hash qssl can compute and a non-empty secret.
    pub fn new(hash: i32, secret: &[u8]) -> Result<Self, Error> {
        if digest(hash).is_none() {
            return Err(Error::invalid(format!(
                "hash algorithm {hash} cannot be used for DTLS cookies (use Md5, Sha1, \
                 Sha224, Sha256, Sha384, Sha512 or RealSha3_*)"
            )));
        }
        if secret.is_empty() {
            return Err(Error::invalid("the cookie secret is empty"));
        }
        Ok(CookieParams {
            hash,
            secret: secret.to_vec(),
        })
    }

    /// The secret.
    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// The cookie for a peer: HMAC(secret, address bytes || port, big-endian).
    pub(super) fn cookie(&self, peer: &[u8]) -> Option<Vec<u8>> {
        let md = digest(self.hash)?;
        let key = PKey::hmac(&self.secret).ok()?;
        let mut s = Signer::new(md, &key).ok()?;
        s.update(peer).ok()?;
        s.sign_to_vec().ok()
    }
}

pub(super) fn peer_bytes(peer: Option<SocketAddr>) -> Vec<u8> {
    let Some(p) = peer else { return Vec::new() };
    let mut v = match p.ip() {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => a.octets().to_vec(),
        },
    };
    v.extend_from_slice(&p.port().to_be_bytes());
    v
}
