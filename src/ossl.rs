//! Direct calls into `openssl-sys` where the `openssl` crate has no safe wrapper.
//! Every `unsafe` block here carries its justification.

/// Discards everything on the calling thread's OpenSSL error queue.
pub(crate) fn clear_error_queue() {
    // SAFETY: ERR_clear_error has no preconditions; it only touches the
    // calling thread's error queue.
    unsafe { openssl_sys::ERR_clear_error() }
}

/// The cipher suites an `SSL` object would offer (`SSL_get_ciphers`), as
/// OpenSSL's own cipher objects. Empty if OpenSSL returns NULL.
pub(crate) fn ssl_ciphers(ssl: &openssl::ssl::SslRef) -> Vec<&openssl::ssl::SslCipherRef> {
    use foreign_types::ForeignTypeRef;
    // SAFETY: `ssl` is a live SSL; SSL_get_ciphers returns a stack owned by
    // the SSL (or its context), valid while `ssl` is borrowed.
    let ptr = unsafe { SSL_get_ciphers(ssl.as_ptr()) };
    if ptr.is_null() {
        return Vec::new();
    }
    // SAFETY: non-NULL stack owned by `ssl`, borrowed for its lifetime.
    let stack = unsafe { openssl::stack::StackRef::<openssl::ssl::SslCipher>::from_ptr(ptr) };
    stack.iter().collect()
}

// Declarations of libssl functions that openssl-sys does not bind. libssl is
// linked by openssl-sys already.
unsafe extern "C" {
    fn SSL_get_ciphers(ssl: *const openssl_sys::SSL) -> *mut openssl_sys::stack_st_SSL_CIPHER;
}

// ---------------------------------------------------------------------------
// Certificates and keys (added by the cert/key area).
// ---------------------------------------------------------------------------

pub(crate) use certkey::*;

/// Glue for certificates and keys: passphrase-aware key readers, wiping,
/// raw accessors the `openssl` crate lacks. Kept in one module (with its own
/// imports) and hidden from cbindgen so its extern declarations stay out of
/// the C header.
///
/// cbindgen:ignore
mod certkey {
    use std::ffi::{c_char, c_int, c_long, c_void};

    use foreign_types::{ForeignType, ForeignTypeRef};
    use openssl::asn1::Asn1IntegerRef;
    use openssl::error::ErrorStack;
    use openssl::pkcs12::Pkcs12Ref;
    use openssl::pkey::{PKey, Private, Public};
    use openssl::x509::{GeneralNameRef, X509};

    unsafe extern "C" {
        fn OPENSSL_cleanse(ptr: *mut c_void, len: usize);
    }

    /// Overwrites `buf` with zeros in a way the optimiser may not remove.
    pub(crate) fn cleanse(buf: &mut [u8]) {
        if buf.is_empty() {
            return;
        }
        // SAFETY: `buf` is a valid, exclusively borrowed region of buf.len() bytes.
        unsafe { OPENSSL_cleanse(buf.as_mut_ptr().cast(), buf.len()) }
    }

    /// Overwrites the whole allocation of `v` (its length and its spare
    /// capacity) with zeros.
    pub(crate) fn cleanse_vec(v: &mut Vec<u8>) {
        let cap = v.capacity();
        if cap == 0 {
            return;
        }
        // SAFETY: the Vec owns an allocation of `cap` bytes starting at as_mut_ptr;
        // writing bytes into the spare capacity is allowed (it stays uninitialised
        // from the Vec's point of view, which is fine for u8).
        unsafe { OPENSSL_cleanse(v.as_mut_ptr().cast(), cap) }
    }

    /// A read-only memory BIO over a borrowed slice, freed on drop.
    struct MemBuf<'a> {
        bio: *mut openssl_sys::BIO,
        _data: std::marker::PhantomData<&'a [u8]>,
    }

    impl<'a> MemBuf<'a> {
        fn new(data: &'a [u8]) -> Result<Self, ErrorStack> {
            let len = c_int::try_from(data.len()).map_err(|_| ErrorStack::get())?;
            openssl_sys::init();
            // SAFETY: BIO_new_mem_buf makes a read-only BIO that points into
            // `data`; the PhantomData ties the BIO's lifetime to the borrow.
            let bio = unsafe { openssl_sys::BIO_new_mem_buf(data.as_ptr().cast(), len) };
            if bio.is_null() {
                return Err(ErrorStack::get());
            }
            Ok(MemBuf {
                bio,
                _data: std::marker::PhantomData,
            })
        }
    }

    impl Drop for MemBuf<'_> {
        fn drop(&mut self) {
            // SAFETY: `bio` came from BIO_new_mem_buf and is freed exactly once.
            unsafe { openssl_sys::BIO_free_all(self.bio) }
        }
    }

    /// State of the passphrase callback: the passphrase to hand out and whether
    /// OpenSSL asked for one (that is, whether the input was encrypted).
    struct PassState<'a> {
        pass: &'a [u8],
        asked: bool,
        too_long: bool,
    }

    /// OpenSSL passphrase callback: copies the passphrase bytes (which may be
    /// empty) and never prompts on a terminal.
    unsafe extern "C" fn pass_cb(
        buf: *mut c_char,
        size: c_int,
        _rwflag: c_int,
        user: *mut c_void,
    ) -> c_int {
        if user.is_null() || buf.is_null() {
            return -1;
        }
        // SAFETY: `user` is the PassState handed to the read call below, alive
        // and not otherwise borrowed while OpenSSL runs the callback.
        let state = unsafe { &mut *user.cast::<PassState<'_>>() };
        state.asked = true;
        let cap = usize::try_from(size).unwrap_or(0);
        if state.pass.len() > cap {
            state.too_long = true;
            return -1;
        }
        // SAFETY: OpenSSL gives a writable buffer of `size` bytes; we copy at
        // most that many from the borrowed passphrase.
        unsafe {
            std::ptr::copy_nonoverlapping(state.pass.as_ptr(), buf.cast::<u8>(), state.pass.len())
        };
        // The length fits: it is at most `size`, a c_int.
        state.pass.len() as c_int
    }

    /// The outcome of reading a private key that may be encrypted.
    pub(crate) struct KeyRead {
        /// The key, or OpenSSL's errors.
        pub(crate) result: Result<PKey<Private>, ErrorStack>,
        /// OpenSSL asked for a passphrase: the input was encrypted.
        pub(crate) asked_passphrase: bool,
        /// The passphrase was longer than OpenSSL's buffer.
        pub(crate) passphrase_too_long: bool,
    }

    fn take_pkey<T>(p: *mut openssl_sys::EVP_PKEY) -> Result<PKey<T>, ErrorStack> {
        if p.is_null() {
            Err(ErrorStack::get())
        } else {
            // SAFETY: a non-NULL EVP_PKEY returned by OpenSSL with ownership.
            Ok(unsafe { PKey::from_ptr(p) })
        }
    }

    /// Reads the first private key in PEM text (PKCS#8, encrypted PKCS#8 or a
    /// traditional "RSA/EC/DSA PRIVATE KEY" block, skipping other blocks), with
    /// `pass` for encrypted ones. Never prompts.
    pub(crate) fn pem_read_private_key(pem: &[u8], pass: &[u8]) -> KeyRead {
        let mut state = PassState {
            pass,
            asked: false,
            too_long: false,
        };
        let result = MemBuf::new(pem).and_then(|bio| {
            // SAFETY: `bio` is live; the callback gets a pointer to `state`,
            // which outlives the call.
            let p = unsafe {
                openssl_sys::PEM_read_bio_PrivateKey(
                    bio.bio,
                    std::ptr::null_mut(),
                    Some(pass_cb),
                    (&raw mut state).cast(),
                )
            };
            take_pkey(p)
        });
        KeyRead {
            result,
            asked_passphrase: state.asked,
            passphrase_too_long: state.too_long,
        }
    }

    /// Reads the first public key (SubjectPublicKeyInfo, "PUBLIC KEY") in PEM
    /// text. Never prompts.
    pub(crate) fn pem_read_public_key(pem: &[u8]) -> Result<PKey<Public>, ErrorStack> {
        let mut state = PassState {
            pass: b"",
            asked: false,
            too_long: false,
        };
        let bio = MemBuf::new(pem)?;
        // SAFETY: as in pem_read_private_key.
        let p = unsafe {
            openssl_sys::PEM_read_bio_PUBKEY(
                bio.bio,
                std::ptr::null_mut(),
                Some(pass_cb),
                (&raw mut state).cast(),
            )
        };
        take_pkey(p)
    }

    /// Decrypts a DER EncryptedPrivateKeyInfo (encrypted PKCS#8) with `pass`.
    pub(crate) fn der_read_encrypted_pkcs8(der: &[u8], pass: &[u8]) -> KeyRead {
        let mut state = PassState {
            pass,
            asked: false,
            too_long: false,
        };
        let result = MemBuf::new(der).and_then(|bio| {
            // SAFETY: as in pem_read_private_key.
            let p = unsafe {
                openssl_sys::d2i_PKCS8PrivateKey_bio(
                    bio.bio,
                    std::ptr::null_mut(),
                    Some(pass_cb),
                    (&raw mut state).cast(),
                )
            };
            take_pkey(p)
        });
        KeyRead {
            result,
            asked_passphrase: state.asked,
            passphrase_too_long: state.too_long,
        }
    }

    /// Re-labels a public key with the `Private` type state. OpenSSL has one
    /// EVP_PKEY type; private-key operations on it simply fail.
    pub(crate) fn public_as_private(key: PKey<Public>) -> PKey<Private> {
        let ptr = key.as_ptr();
        std::mem::forget(key);
        // SAFETY: we transfer the one reference `key` owned (it was forgotten,
        // so it is not freed twice); the C object is the same EVP_PKEY.
        unsafe { PKey::from_ptr(ptr) }
    }

    /// The content bytes of an ASN.1 INTEGER, as OpenSSL stores them (the
    /// magnitude, big-endian).
    pub(crate) fn asn1_integer_bytes(i: &Asn1IntegerRef) -> &[u8] {
        let s = i.as_ptr().cast::<openssl_sys::ASN1_STRING>();
        // SAFETY: an ASN1_INTEGER is an ASN1_STRING in OpenSSL; both calls only
        // read it, and the data lives as long as the borrowed integer.
        unsafe {
            let data = openssl_sys::ASN1_STRING_get0_data(s);
            let len = usize::try_from(openssl_sys::ASN1_STRING_length(s)).unwrap_or(0);
            if data.is_null() || len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(data, len)
            }
        }
    }

    /// The kind (GEN_DNS, GEN_EMAIL, GEN_IPADD, ...) of a general name and, for
    /// the string-valued kinds (email, DNS, URI) and IP addresses, its raw bytes.
    pub(crate) fn general_name_raw(name: &GeneralNameRef) -> (c_int, &[u8]) {
        let p = name.as_ptr().cast::<openssl_sys::GENERAL_NAME>();
        // SAFETY: `p` is a live GENERAL_NAME; for the kinds we read, `d` is an
        // ASN1_STRING (IA5String or OCTET STRING) owned by the name.
        unsafe {
            let kind = (*p).type_;
            match kind {
                openssl_sys::GEN_EMAIL
                | openssl_sys::GEN_DNS
                | openssl_sys::GEN_URI
                | openssl_sys::GEN_IPADD => {
                    let s = (*p).d.cast::<openssl_sys::ASN1_STRING>();
                    if s.is_null() {
                        return (kind, &[]);
                    }
                    let data = openssl_sys::ASN1_STRING_get0_data(s);
                    let len = usize::try_from(openssl_sys::ASN1_STRING_length(s)).unwrap_or(0);
                    if data.is_null() || len == 0 {
                        (kind, &[])
                    } else {
                        (kind, std::slice::from_raw_parts(data, len))
                    }
                }
                _ => (kind, &[]),
            }
        }
    }

    /// Parses one DER certificate at the start of `der` (trailing bytes are
    /// ignored) and returns it with the number of bytes it took.
    pub(crate) fn d2i_x509_prefix(der: &[u8]) -> Result<(X509, usize), ErrorStack> {
        let len = c_long::try_from(der.len()).unwrap_or(c_long::MAX);
        let mut p = der.as_ptr();
        openssl_sys::init();
        // SAFETY: d2i_X509 reads at most `len` bytes from `p` and advances it.
        let x = unsafe { openssl_sys::d2i_X509(std::ptr::null_mut(), &mut p, len) };
        if x.is_null() {
            return Err(ErrorStack::get());
        }
        // SAFETY: `p` was advanced inside `der` by d2i_X509.
        let used = usize::try_from(unsafe { p.offset_from(der.as_ptr()) }).unwrap_or(der.len());
        // SAFETY: a non-NULL X509 owned by us.
        Ok((unsafe { X509::from_ptr(x) }, used.min(der.len())))
    }

    /// What PKCS12_parse found.
    pub(crate) struct Pkcs12Parts {
        pub(crate) key: Option<PKey<Private>>,
        pub(crate) cert: Option<X509>,
        pub(crate) ca: Vec<X509>,
    }

    /// PKCS12_parse with a NUL-terminated passphrase `pass_nul` (the caller
    /// keeps, and wipes, the buffer).
    pub(crate) fn pkcs12_parse(
        p12: &Pkcs12Ref,
        pass_nul: &[u8],
    ) -> Result<Pkcs12Parts, ErrorStack> {
        if pass_nul.last() != Some(&0) || pass_nul[..pass_nul.len() - 1].contains(&0) {
            return Err(ErrorStack::get());
        }
        let mut pkey = std::ptr::null_mut();
        let mut cert = std::ptr::null_mut();
        let mut ca = std::ptr::null_mut();
        // SAFETY: `p12` is live; `pass_nul` is NUL-terminated; the out pointers
        // receive owned objects (or stay NULL).
        let ok = unsafe {
            openssl_sys::PKCS12_parse(
                p12.as_ptr(),
                pass_nul.as_ptr().cast(),
                &mut pkey,
                &mut cert,
                &mut ca,
            )
        };
        let key = (!pkey.is_null()).then(|| {
            // SAFETY: a non-NULL key owned by us from PKCS12_parse, taken once.
            unsafe { PKey::<Private>::from_ptr(pkey) }
        });
        let cert = (!cert.is_null()).then(|| {
            // SAFETY: a non-NULL certificate owned by us, taken once.
            unsafe { X509::from_ptr(cert) }
        });
        let ca: Vec<X509> = if ca.is_null() {
            Vec::new()
        } else {
            // SAFETY: an owned STACK_OF(X509); Stack frees it and its elements.
            let stack = unsafe { openssl::stack::Stack::<X509>::from_ptr(ca) };
            stack.into_iter().collect()
        };
        if ok != 1 {
            return Err(ErrorStack::get());
        }
        Ok(Pkcs12Parts { key, cert, ca })
    }
}
