//! `QSslDiffieHellmanParameters`: DER-encoded DH parameters with an error state.
//!
//! Deviations from Qt 6.4 (both deliberate, for safety):
//!
//! * [`DhParams::default_parameters`] is the RFC 7919 `ffdhe2048` group, not
//!   Qt's 1024-bit RFC 2409 group 2 (which OpenSSL 3 refuses anyway).
//! * [`DhParams::from_encoded`] refuses primes of fewer than 2048 bits as
//!   unsafe (Qt's limit is 1024 bits).

use std::sync::OnceLock;

use openssl::bn::BigNum;
use openssl::dh::Dh;
use openssl::pkey::Params;

use crate::model::bytes::OptBytes;
use crate::model::enums::encoding;

/// `QSslDiffieHellmanParameters::Error`: NoError.
pub const DH_NO_ERROR: i32 = 0;
/// InvalidInputDataError.
pub const DH_INVALID_INPUT_DATA_ERROR: i32 = 1;
/// UnsafeParametersError.
pub const DH_UNSAFE_PARAMETERS_ERROR: i32 = 2;

/// The smallest prime, in bits, that [`DhParams::from_encoded`] accepts
/// (Qt accepts 1024).
pub const DH_MIN_PRIME_BITS: i32 = 2048;

/// The RFC 7919 `ffdhe2048` prime (RFC 7919, Appendix A.1); the generator is 2.
const FFDHE2048_P: &str = concat!(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695",
    "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A",
    "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935",
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A",
    "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4",
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61",
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005",
    "C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF",
);

/// Diffie-Hellman parameters: DER bytes and an error state. Clones share the bytes.
#[derive(Clone, Debug, Default)]
pub struct DhParams {
    der: OptBytes,
    error: i32,
}

impl DhParams {
    /// Empty parameters (`QSslDiffieHellmanParameters()`): empty and valid.
    pub fn empty() -> Self {
        DhParams::default()
    }

    /// `QSslDiffieHellmanParameters::defaultParameters()`.
    ///
    /// Deviation: the RFC 7919 `ffdhe2048` group (2048-bit safe prime,
    /// generator 2), where Qt uses the 1024-bit RFC 2409 group 2. Valid and
    /// not empty; built once per process.
    pub fn default_parameters() -> Self {
        static DEFAULT: OnceLock<DhParams> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                let der = BigNum::from_hex_str(FFDHE2048_P)
                    .and_then(|p| Dh::from_pqg(p, None, BigNum::from_u32(2)?))
                    .and_then(|dh| dh.params_to_der());
                crate::ossl::clear_error_queue();
                match der {
                    Ok(der) => DhParams {
                        der: OptBytes::from(der),
                        error: DH_NO_ERROR,
                    },
                    // Only reachable if OpenSSL cannot allocate; an
                    // invalid object is then the honest answer.
                    Err(_) => DhParams::with_error(DH_INVALID_INPUT_DATA_ERROR),
                }
            })
            .clone()
    }

    /// `QSslDiffieHellmanParameters::fromEncoded(bytes, format)`: parses PKCS#3
    /// DH parameters (PEM "DH PARAMETERS" or DER) and checks them.
    ///
    /// * empty or unparseable input, or an unknown format: InvalidInputDataError;
    /// * a prime under [`DH_MIN_PRIME_BITS`] bits, a prime OpenSSL's `DH_check`
    ///   finds not prime or not safe, or an unsuitable generator (a generator
    ///   of 2 is accepted when p mod 24 is 11 or 23): UnsafeParametersError;
    /// * otherwise valid: DER input is stored as given, PEM input re-encoded
    ///   as DER.
    ///
    /// An object with an error holds no bytes.
    pub fn from_encoded(data: &[u8], format: i32) -> Self {
        Self::from_encoded_with_reason(data, format).0
    }

    /// Like [`DhParams::from_encoded`], also returning why the parameters
    /// were refused (`None` when valid).
    pub fn from_encoded_with_reason(data: &[u8], format: i32) -> (Self, Option<String>) {
        let r = decode(data, format);
        crate::ossl::clear_error_queue();
        match r {
            Ok(der) => (
                DhParams {
                    der: OptBytes::from(der),
                    error: DH_NO_ERROR,
                },
                None,
            ),
            Err((code, why)) => (DhParams::with_error(code), Some(why)),
        }
    }

    fn with_error(error: i32) -> Self {
        DhParams {
            der: OptBytes::Null,
            error,
        }
    }

    /// The DER bytes ("" when empty or invalid).
    pub fn der(&self) -> &[u8] {
        self.der.as_slice()
    }

    /// The parameters as PEM ("-----BEGIN DH PARAMETERS-----", PKCS#3, as
    /// `openssl dhparam` writes them); empty when empty or invalid. Beyond
    /// Qt, which keeps its encoding private.
    pub fn to_pem(&self) -> Vec<u8> {
        if self.der.is_empty() {
            return Vec::new();
        }
        let pem = Dh::params_from_der(self.der.as_slice()).and_then(|dh| dh.params_to_pem());
        crate::ossl::clear_error_queue();
        // The DER was decoded and checked when the object was made, so
        // re-encoding fails only if OpenSSL cannot allocate.
        pem.unwrap_or_default()
    }

    /// The error state (`QSslDiffieHellmanParameters::error()`).
    pub fn error(&self) -> i32 {
        self.error
    }

    /// `errorString()`: an English description of the error state.
    pub fn error_string(&self) -> &'static str {
        error_text(self.error)
    }

    /// True when there are no bytes and no error.
    pub fn is_empty(&self) -> bool {
        self.der.is_empty() && self.error == DH_NO_ERROR
    }

    /// True when there is no error.
    pub fn is_valid(&self) -> bool {
        self.error == DH_NO_ERROR
    }
}

/// The English text for a `QSslDiffieHellmanParameters::Error` value.
pub fn error_text(error: i32) -> &'static str {
    match error {
        DH_NO_ERROR => "No error",
        DH_INVALID_INPUT_DATA_ERROR => "The given input is not valid Diffie-Hellman parameter data",
        DH_UNSAFE_PARAMETERS_ERROR => {
            "The Diffie-Hellman parameters are unsafe: too small, not a safe prime, or an unsuitable generator"
        }
        _ => "Unknown error",
    }
}

/// Parses and checks; returns the DER to store, or (error code, reason).
fn decode(data: &[u8], format: i32) -> Result<Vec<u8>, (i32, String)> {
    let invalid = |why: String| (DH_INVALID_INPUT_DATA_ERROR, why);
    if data.is_empty() {
        return Err(invalid("no input data".into()));
    }
    let (dh, der) = match format {
        encoding::DER => {
            let dh = Dh::params_from_der(data).map_err(|e| {
                invalid(crate::error::with_openssl(
                    "DER: not DH parameters".into(),
                    Some(&e),
                ))
            })?;
            (dh, data.to_vec())
        }
        encoding::PEM => {
            let dh = Dh::params_from_pem(data).map_err(|e| {
                invalid(crate::error::with_openssl(
                    "PEM: no DH PARAMETERS block found".into(),
                    Some(&e),
                ))
            })?;
            let der = dh.params_to_der().map_err(|e| {
                invalid(crate::error::with_openssl(
                    "cannot encode DH parameters as DER".into(),
                    Some(&e),
                ))
            })?;
            (dh, der)
        }
        other => return Err(invalid(format!("unknown encoding format {other}"))),
    };
    check_safe(&dh).map_err(|why| (DH_UNSAFE_PARAMETERS_ERROR, why))?;
    Ok(der)
}

/// Qt's safety rules, with qssl's larger minimum size.
fn check_safe(dh: &Dh<Params>) -> Result<(), String> {
    let bits = dh.prime_p().num_bits();
    if bits < DH_MIN_PRIME_BITS {
        return Err(format!(
            "weak parameters refused: the prime has {bits} bits, fewer than {DH_MIN_PRIME_BITS}"
        ));
    }
    let Some(mut flags) = crate::ossl::dh_check(dh) else {
        return Err("OpenSSL could not check the parameters (DH_check failed)".into());
    };
    // A generator of 2 suits the IETF groups, whose primes are 11 or 23 mod 24,
    // although DH_check may flag it.
    let g_is_2 = BigNum::from_u32(2).is_ok_and(|two| *dh.generator() == two);
    if g_is_2 && matches!(dh.prime_p().mod_word(24), Ok(11 | 23)) {
        flags &= !crate::ossl::DH_NOT_SUITABLE_GENERATOR;
    }
    if flags & crate::ossl::DH_CHECK_P_NOT_PRIME != 0 {
        return Err("unsafe parameters: p is not prime".into());
    }
    if flags & crate::ossl::DH_CHECK_P_NOT_SAFE_PRIME != 0 {
        return Err("unsafe parameters: p is not a safe prime".into());
    }
    if flags & crate::ossl::DH_NOT_SUITABLE_GENERATOR != 0 {
        return Err("unsafe parameters: the generator is not suitable".into());
    }
    Ok(())
}

impl PartialEq for DhParams {
    /// Qt compares the DER bytes only.
    fn eq(&self, other: &Self) -> bool {
        self.der() == other.der()
    }
}

impl Eq for DhParams {}
