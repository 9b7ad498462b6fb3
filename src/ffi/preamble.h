/*
 * qssl: Qt's TLS configuration model (QSslConfiguration,
 * QSslPreSharedKeyAuthenticator and their value types) for C and C++, on OpenSSL 3.
 *
 * Rules that hold for every function in this header:
 *
 * Names. qssl_<handle>_<Qt member in snake_case>; getters have no get_ prefix.
 * Each function's documentation ends with the Qt member it maps to.
 *
 * Ownership. A function that returns a non-const handle, or writes one through
 * `T **out`, gives the caller a new handle to release exactly once with the
 * matching _free. Every _free accepts NULL. A `T **out` is set to NULL on entry.
 * Handles are values, as in Qt: _copy is O(1) and shares data; the first write
 * through either handle detaches it, so a change through one handle never shows
 * through another. A `const T *` argument is never modified. Inputs are borrowed
 * for the duration of the call. Borrowed outputs are valid for the span stated in
 * their documentation.
 *
 * Bytes in: `const uint8_t *data, size_t len`. (NULL, 0) is a null value, a
 * non-NULL pointer with length 0 is an empty (non-null) value, as QByteArray()
 * and QByteArray("") differ in Qt; (NULL, n > 0) is QSSL_STATUS_NULL_ARGUMENT.
 * Text in: NUL-terminated UTF-8; invalid UTF-8 is QSSL_STATUS_INVALID_ARGUMENT.
 * Bytes out: `f(h, uint8_t *buf, size_t cap, size_t *out_len)`: *out_len always
 * receives the full length; if cap is too small the call returns
 * QSSL_STATUS_BUFFER_TOO_SMALL and writes nothing to buf; buf may be NULL when cap
 * is 0 (a size query). Text out has the same shape and also writes a terminating
 * NUL, so it needs *out_len + 1 bytes.
 *
 * Errors. A fallible function returns qssl_status_t: QSSL_STATUS_OK (0), a
 * negative error code, or a positive "would block" code. A function returning a
 * handle returns NULL on failure. Every failure records a message for the calling
 * thread, read with qssl_last_error_message(). An infallible getter given NULL
 * returns Qt's default for that property. No input aborts or crashes the process;
 * a Rust panic never crosses this boundary (QSSL_STATUS_INTERNAL_PANIC).
 *
 * Threads. Distinct handles may be used from different threads at once, even when
 * they share data underneath. Calls taking `const T *` may run concurrently on one
 * handle; a call that writes must not overlap any other call on the same handle.
 * The process-wide default configurations may be read and replaced from any
 * thread. Callbacks run on the thread driving the handshake; one configuration
 * serving many connections may run its callbacks concurrently.
 */

/**
 * A TLS configuration (QSslConfiguration): settings plus, after a handshake, the
 * session state. Implicitly shared: copies are O(1), writes detach.
 */
typedef struct qssl_config_t qssl_config_t;

/**
 * A pre-shared key authenticator (QSslPreSharedKeyAuthenticator), handed to the
 * PSK callback during a PSK handshake. Implicitly shared.
 */
typedef struct qssl_psk_auth_t qssl_psk_auth_t;

/** An X.509 certificate (QSslCertificate). Immutable; copies share it. */
typedef struct qssl_cert_t qssl_cert_t;

/**
 * A public or private key (QSslKey). Immutable; copies share it. Private key
 * material is wiped when the last reference goes.
 */
typedef struct qssl_key_t qssl_key_t;

/** A cipher suite (QSslCipher). Immutable. */
typedef struct qssl_cipher_t qssl_cipher_t;

/** Diffie-Hellman parameters (QSslDiffieHellmanParameters). Immutable. */
typedef struct qssl_dh_params_t qssl_dh_params_t;

/** A TLS verification error (QSslError): the error kind and the certificate it concerns. */
typedef struct qssl_ssl_error_t qssl_ssl_error_t;

/** A TLS connection driven by a configuration (the handshake part of QSslSocket). */
typedef struct qssl_conn_t qssl_conn_t;

/** A DTLS 1.2 connection driven by a DTLS configuration (QDtls). */
typedef struct qssl_dtls_t qssl_dtls_t;

/** A stateless DTLS ClientHello cookie verifier (QDtlsClientVerifier). */
typedef struct qssl_dtls_verifier_t qssl_dtls_verifier_t;

/** An owned snapshot list of certificates (QList<QSslCertificate>). */
typedef struct qssl_cert_list_t qssl_cert_list_t;

/** An owned snapshot list of ciphers (QList<QSslCipher>). */
typedef struct qssl_cipher_list_t qssl_cipher_list_t;

/** An owned snapshot list of elliptic curves (QList<QSslEllipticCurve>). */
typedef struct qssl_curve_list_t qssl_curve_list_t;

/** An owned snapshot list of SSL errors (QList<QSslError>). */
typedef struct qssl_ssl_error_list_t qssl_ssl_error_list_t;

/** An owned snapshot list of byte strings (QList<QByteArray>). */
typedef struct qssl_bytes_list_t qssl_bytes_list_t;

/** A backend configuration map (QMap<QByteArray, QVariant>) with typed values. */
typedef struct qssl_backend_config_t qssl_backend_config_t;

/** QSslConfiguration::ALPNProtocolHTTP2: "h2". */
#define QSSL_ALPN_PROTOCOL_HTTP2 "h2"

/** QSslConfiguration::NextProtocolHttp1_1: "http/1.1". */
#define QSSL_NEXT_PROTOCOL_HTTP1_1 "http/1.1"
