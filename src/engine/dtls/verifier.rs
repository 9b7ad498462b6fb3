//! Qt's QDtlsClientVerifier.

use super::*;

// ---- the client verifier -------------------------------------------------------------

/// Qt's QDtlsClientVerifier: checks a ClientHello's cookie without keeping
/// state per client; answers a ClientHello without a valid cookie with a
/// HelloVerifyRequest.
pub struct Verifier {
    extra: Box<SslExtra>,
    verified: Vec<u8>,
    error: i32,
    error_string: String,
    out: VecDeque<Vec<u8>>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            extra: Box::new(SslExtra {
                cookie: CookieParams::default(),
                peer: Vec::new(),
                initial_timeout_us: DEFAULT_INITIAL_TIMEOUT_MS * 1000,
            }),
            verified: Vec::new(),
            error: dtls_error::NO_ERROR,
            error_string: String::new(),
            out: VecDeque::new(),
        }
    }
}

/// The process-wide context the verifier listens with: only the cookie
/// exchange matters, so one context serves every verifier.
pub(super) fn listen_context() -> Result<SslContext, Error> {
    static CTX: OnceLock<Result<SslContext, Error>> = OnceLock::new();
    CTX.get_or_init(|| {
        let r = (|| {
            let mut b = SslContextBuilder::new(SslMethod::dtls_server())
                .map_err(|e| Error::tls("cannot create a DTLS context", Some(&e)))?;
            b.set_min_proto_version(Some(SslVersion::DTLS1))
                .map_err(|e| Error::tls("cannot set the DTLS versions", Some(&e)))?;
            configure_context(&mut b, true);
            Ok(b.build())
        })();
        crate::ossl::clear_error_queue();
        r
    })
    .clone()
}

impl Verifier {
    /// A verifier with Qt's default parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// QDtlsClientVerifier::setCookieGeneratorParameters().
    pub fn set_cookie_generator_parameters(&mut self, p: CookieParams) {
        self.extra.cookie = p;
        self.error = dtls_error::NO_ERROR;
        self.error_string.clear();
    }

    /// QDtlsClientVerifier::cookieGeneratorParameters().
    pub fn cookie_generator_parameters(&self) -> &CookieParams {
        &self.extra.cookie
    }

    /// QDtlsClientVerifier::verifiedHello().
    pub fn verified_hello(&self) -> &[u8] {
        &self.verified
    }

    /// QDtlsClientVerifier::dtlsError().
    pub fn dtls_error(&self) -> i32 {
        self.error
    }

    /// QDtlsClientVerifier::dtlsErrorString().
    pub fn dtls_error_string(&self) -> &str {
        &self.error_string
    }

    /// Beyond Qt: the next HelloVerifyRequest waiting, left queued.
    pub fn peek_datagram(&self) -> Option<&[u8]> {
        self.out.front().map(Vec::as_slice)
    }

    /// Beyond Qt: the next HelloVerifyRequest waiting on a memory transport.
    pub fn take_datagram(&mut self) -> Option<Vec<u8>> {
        self.out.pop_front()
    }

    /// QDtlsClientVerifier::verifyClient(): `Ok(true)` when `dgram` is a
    /// ClientHello with a valid cookie for `addr`:`port` (then it is the
    /// verified hello); `Ok(false)` otherwise, after answering a ClientHello
    /// without a valid cookie with a HelloVerifyRequest. Nothing is kept.
    pub fn verify_client(
        &mut self,
        io: Io,
        dgram: &[u8],
        addr: IpAddr,
        port: u16,
    ) -> Result<bool, Error> {
        let r = self.verify_inner(io, dgram, addr, port);
        match r {
            Ok(v) => {
                self.error = dtls_error::NO_ERROR;
                self.error_string.clear();
                Ok(v)
            }
            Err((code, e)) => {
                self.error = code;
                self.error_string = e.to_string();
                Err(e)
            }
        }
    }

    fn verify_inner(&mut self, io: Io, dgram: &[u8], addr: IpAddr, port: u16) -> Res<bool> {
        self.verified.clear();
        if dgram.is_empty() {
            return Err(invalid_input("the datagram is empty"));
        }
        check_peer_address(addr)?;
        let peer = SocketAddr::new(addr, port);
        let ctx = listen_context().map_err(|e| failure(dtls_error::TLS_INITIALIZATION_ERROR, e))?;
        let init = |e: openssl::error::ErrorStack| {
            failure(
                dtls_error::TLS_INITIALIZATION_ERROR,
                Error::tls("cannot create a DTLS session", Some(&e)),
            )
        };
        let mut ssl = Ssl::new(&ctx).map_err(init)?;
        attach_bio(&mut ssl).map_err(|e| failure(dtls_error::TLS_INITIALIZATION_ERROR, e))?;
        self.extra.peer = peer_bytes(Some(peer));
        set_extra(&mut ssl, &self.extra)
            .map_err(|e| failure(dtls_error::TLS_INITIALIZATION_ERROR, e))?;
        // SAFETY: live SSL; a datagram-sized MTU so a HelloVerifyRequest fits.
        unsafe {
            SSL_set_options(ssl.as_ptr(), sys::SSL_OP_NO_QUERY_MTU);
            sys::SSL_ctrl(
                ssl.as_ptr(),
                sys::SSL_CTRL_SET_MTU,
                DEFAULT_MTU as c_long,
                std::ptr::null_mut(),
            );
        }
        if let Some(q) = ssl_queues(&ssl) {
            q.inbound.push_back(dgram.to_vec());
        }
        let rc = listen_once(&ssl);
        crate::ossl::clear_error_queue();
        flush(&ssl, io, Some(peer), &mut self.out)?;
        drop(ssl);
        if rc == 1 {
            self.verified = dgram.to_vec();
            return Ok(true);
        }
        Ok(false)
    }
}
