//! Qt 6's enum numbers (QSsl::*, QSslSocket::*, QSslConfiguration::*), as
//! plain integer constants shared by the core and the C API.

/// `QSsl::SslProtocol` (Qt 6 numbering).
pub mod protocol {
    /// TLS 1.0 (deprecated since Qt 6.3).
    pub const TLS_V1_0: i32 = 0;
    /// TLS 1.1 (deprecated since Qt 6.3).
    pub const TLS_V1_1: i32 = 1;
    /// TLS 1.2.
    pub const TLS_V1_2: i32 = 2;
    /// Any protocol: TLS 1.0 or later.
    pub const ANY_PROTOCOL: i32 = 3;
    /// The default: TLS 1.2 or later in Qt 6.
    pub const SECURE_PROTOCOLS: i32 = 4;
    /// TLS 1.0 or later (deprecated since Qt 6.3).
    pub const TLS_V1_0_OR_LATER: i32 = 5;
    /// TLS 1.1 or later (deprecated since Qt 6.3).
    pub const TLS_V1_1_OR_LATER: i32 = 6;
    /// TLS 1.2 or later.
    pub const TLS_V1_2_OR_LATER: i32 = 7;
    /// DTLS 1.0 (deprecated since Qt 6.3).
    pub const DTLS_V1_0: i32 = 8;
    /// DTLS 1.0 or later (deprecated since Qt 6.3).
    pub const DTLS_V1_0_OR_LATER: i32 = 9;
    /// DTLS 1.2.
    pub const DTLS_V1_2: i32 = 10;
    /// DTLS 1.2 or later (the DTLS default).
    pub const DTLS_V1_2_OR_LATER: i32 = 11;
    /// TLS 1.3.
    pub const TLS_V1_3: i32 = 12;
    /// TLS 1.3 or later.
    pub const TLS_V1_3_OR_LATER: i32 = 13;
    /// Unknown protocol, or no session.
    pub const UNKNOWN_PROTOCOL: i32 = -1;

    /// True for a value of `QSsl::SslProtocol`.
    pub fn is_valid(p: i32) -> bool {
        (UNKNOWN_PROTOCOL..=TLS_V1_3_OR_LATER).contains(&p)
    }

    /// True for a DTLS value.
    pub fn is_dtls(p: i32) -> bool {
        (DTLS_V1_0..=DTLS_V1_2_OR_LATER).contains(&p)
    }
}

/// `QSsl::SslOption` bits.
pub mod ssl_option {
    /// SslOptionDisableEmptyFragments.
    pub const DISABLE_EMPTY_FRAGMENTS: u32 = 0x01;
    /// SslOptionDisableSessionTickets.
    pub const DISABLE_SESSION_TICKETS: u32 = 0x02;
    /// SslOptionDisableCompression.
    pub const DISABLE_COMPRESSION: u32 = 0x04;
    /// SslOptionDisableServerNameIndication.
    pub const DISABLE_SERVER_NAME_INDICATION: u32 = 0x08;
    /// SslOptionDisableLegacyRenegotiation.
    pub const DISABLE_LEGACY_RENEGOTIATION: u32 = 0x10;
    /// SslOptionDisableSessionSharing.
    pub const DISABLE_SESSION_SHARING: u32 = 0x20;
    /// SslOptionDisableSessionPersistence.
    pub const DISABLE_SESSION_PERSISTENCE: u32 = 0x40;
    /// SslOptionDisableServerCipherPreference.
    pub const DISABLE_SERVER_CIPHER_PREFERENCE: u32 = 0x80;
    /// Every defined bit.
    pub const ALL: u32 = 0xff;
    /// The default mask of a configuration: 0x55.
    pub const DEFAULT: u32 = DISABLE_EMPTY_FRAGMENTS
        | DISABLE_COMPRESSION
        | DISABLE_LEGACY_RENEGOTIATION
        | DISABLE_SESSION_PERSISTENCE;
}

/// `QSslSocket::PeerVerifyMode`.
pub mod verify_mode {
    /// VerifyNone.
    pub const VERIFY_NONE: i32 = 0;
    /// QueryPeer.
    pub const QUERY_PEER: i32 = 1;
    /// VerifyPeer.
    pub const VERIFY_PEER: i32 = 2;
    /// AutoVerifyPeer (the default): VerifyPeer on clients, QueryPeer on servers.
    pub const AUTO_VERIFY_PEER: i32 = 3;
}

/// `QSsl::EncodingFormat`.
pub mod encoding {
    /// Pem.
    pub const PEM: i32 = 0;
    /// Der.
    pub const DER: i32 = 1;
}

/// `QSsl::KeyType`.
pub mod key_type {
    /// PrivateKey.
    pub const PRIVATE_KEY: i32 = 0;
    /// PublicKey.
    pub const PUBLIC_KEY: i32 = 1;
}

/// `QSsl::KeyAlgorithm`.
pub mod key_algorithm {
    /// Opaque (a key OpenSSL knows but Qt has no enum for, e.g. X25519, Ed25519).
    pub const OPAQUE: i32 = 0;
    /// Rsa.
    pub const RSA: i32 = 1;
    /// Dsa.
    pub const DSA: i32 = 2;
    /// Ec.
    pub const EC: i32 = 3;
    /// Dh.
    pub const DH: i32 = 4;
}

/// `QSslCertificate::PatternSyntax`.
pub mod pattern_syntax {
    /// RegularExpression.
    pub const REGULAR_EXPRESSION: i32 = 0;
    /// Wildcard.
    pub const WILDCARD: i32 = 1;
    /// FixedString (the default).
    pub const FIXED_STRING: i32 = 2;
}

/// `QSslConfiguration::NextProtocolNegotiationStatus`.
pub mod npn_status {
    /// NextProtocolNegotiationNone.
    pub const NONE: i32 = 0;
    /// NextProtocolNegotiationNegotiated.
    pub const NEGOTIATED: i32 = 1;
    /// NextProtocolNegotiationUnsupported.
    pub const UNSUPPORTED: i32 = 2;
}
