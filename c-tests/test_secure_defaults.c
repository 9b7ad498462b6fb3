/*
 * Secure defaults (issue 6), each proven with a real handshake or a real
 * parse where one is possible:
 *  - TLS 1.2 is the minimum: a peer limited to TLS 1.1 is refused, on both
 *    sides (the foreign peer is OpenSSL itself over memory BIOs, with its
 *    security level lowered so that it would speak TLS 1.1).
 *  - Clients verify the peer's certificate and host name by default.
 *  - No finite-field DH group under 2048 bits: the default group is ffdhe2048
 *    (a DHE handshake shows the size on the wire), and a server configured
 *    with 512-bit parameters refuses at context build.
 *  - The default cipher list has no anonymous, export, NULL, RC4, DES/3DES
 *    or MD5 suite and nothing under 128 bits.
 *  - CVE-2023-34410 cannot happen: once the process-wide default's CA list is
 *    set, new connections from the default trust exactly that list and not
 *    the system roots (the "system roots" here are a file the test names in
 *    SSL_CERT_FILE, so the positive control is real).
 *  - Legacy renegotiation and compression are disabled by default.
 */
#define _POSIX_C_SOURCE 200809L
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include "qtest.h"



/* The default configuration with a certificate and key (server side). Its CA
 * list is set to ca.pem: a server that does not ask for client certificates
 * never uses it, and it spares loading the system store, which takes seconds
 * under valgrind. */
static qssl_config_t *server_config(const char *cert_name, const char *key_name) {
    qssl_config_t *c = qssl_config_default_configuration();
    qssl_cert_t *cert = qtest_load_cert(cert_name);
    qssl_key_t *key = qtest_load_key(key_name);
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    const qssl_cert_t *cas[] = {ca};
    qssl_config_set_local_certificate(c, cert);
    qssl_config_set_private_key(c, key);
    qssl_config_set_ca_certificates(c, cas, 1);
    qssl_cert_free(cert);
    qssl_key_free(key);
    qssl_cert_free(ca);
    return c;
}


/* Runs a qssl client against a qssl server (memory transport); returns the
 * client's final status, the server's through *rs. */
static qssl_status_t qssl_pair(const qssl_config_t *cc, const qssl_config_t *sc, const char *name,
                               qssl_conn_t **c, qssl_status_t *rs) {
    qssl_conn_t *s = NULL;
    *c = NULL;
    if (qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, c) != QSSL_STATUS_OK) return -100;
    if (name) qssl_conn_set_peer_verify_name(*c, name);
    if (qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s) != QSSL_STATUS_OK) return -101;
    qssl_status_t rc = QSSL_STATUS_WANT_READ;
    *rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 50 && (rc > 0 || *rs > 0); i++) {
        if (rc > 0) rc = qssl_conn_handshake(*c);
        if (*rs > 0) *rs = qssl_conn_handshake(s);
        int moved = qtest_shuttle(*c, s) | qtest_shuttle(s, *c);
        if (!moved && rc > 0 && *rs > 0) break;
    }
    qssl_conn_free(s);
    return rc;
}

/* ---- a raw OpenSSL peer over memory BIOs ------------------------------------ */

typedef struct {
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *in, *out; /* in: bytes from qssl; out: bytes to qssl */
    int done;      /* 1 ok, -1 failed */
} raw_peer;

static void raw_peer_init(raw_peer *p, int server, int max_version, const char *ciphers) {
    memset(p, 0, sizeof *p);
    p->ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    SSL_CTX_set_security_level(p->ctx, 0);
    SSL_CTX_set_min_proto_version(p->ctx, TLS1_VERSION);
    if (max_version) SSL_CTX_set_max_proto_version(p->ctx, max_version);
    if (ciphers) SSL_CTX_set_cipher_list(p->ctx, ciphers);
    SSL_CTX_set_verify(p->ctx, SSL_VERIFY_NONE, NULL);
    if (server) {
        char path[4096];
        snprintf(path, sizeof path, "%s/server.pem", qtest_fixtures());
        SSL_CTX_use_certificate_file(p->ctx, path, SSL_FILETYPE_PEM);
        snprintf(path, sizeof path, "%s/server-key.pem", qtest_fixtures());
        SSL_CTX_use_PrivateKey_file(p->ctx, path, SSL_FILETYPE_PEM);
    }
    p->ssl = SSL_new(p->ctx);
    p->in = BIO_new(BIO_s_mem());
    p->out = BIO_new(BIO_s_mem());
    SSL_set_bio(p->ssl, p->in, p->out);
    if (server)
        SSL_set_accept_state(p->ssl);
    else
        SSL_set_connect_state(p->ssl);
}

static void raw_peer_free(raw_peer *p) {
    SSL_free(p->ssl); /* frees the BIOs */
    SSL_CTX_free(p->ctx);
    ERR_clear_error();
}

static void raw_peer_step(raw_peer *p) {
    if (p->done) return;
    int r = SSL_do_handshake(p->ssl);
    if (r == 1) {
        p->done = 1;
        return;
    }
    int e = SSL_get_error(p->ssl, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) p->done = -1;
}

/* Drives a qssl connection against the raw peer; returns qssl's status. */
static qssl_status_t run_against_raw(qssl_conn_t *q, raw_peer *p) {
    qssl_status_t st = QSSL_STATUS_WANT_READ;
    uint8_t buf[8192];
    for (int i = 0; i < 50; i++) {
        if (st > 0) st = qssl_conn_handshake(q);
        raw_peer_step(p);
        int moved = 0;
        size_t n = 0;
        while (qssl_conn_take_output(q, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
            BIO_write(p->in, buf, (int)n);
            moved = 1;
        }
        int r;
        while ((r = BIO_read(p->out, buf, sizeof buf)) > 0) {
            qssl_conn_feed(q, buf, (size_t)r);
            moved = 1;
        }
        if (!moved && (st <= 0 || p->done)) {
            if (st > 0) st = qssl_conn_handshake(q);
            break;
        }
    }
    return st;
}

/* Makes this process's "system roots" the self-signed localhost certificate
 * alone (SSL_CERT_FILE is read when the store is first loaded). Tests of the
 * untouched default use it: the outcome no longer depends on the machine's
 * store, and it spares parsing that store (seconds under valgrind). */
static void small_system_store(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/selfsigned.pem", qtest_fixtures());
    setenv("SSL_CERT_FILE", path, 1);
    setenv("SSL_CERT_DIR", "/nonexistent-qssl-test-dir", 1);
    qssl_config_reload_system_ca_certificates(NULL);
}

/* ---- TLS 1.2 minimum ---------------------------------------------------------- */

TEST_CASE(default_protocol_is_tls12_or_later) {
    qssl_config_t *d = qssl_config_default_configuration();
    CHECK_EQ_INT(qssl_config_protocol(d), QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS);
    qssl_config_free(d);
    qssl_config_t *n = qssl_config_new();
    CHECK_EQ_INT(qssl_config_protocol(n), QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS);
    qssl_config_free(n);
}

TEST_CASE(server_refuses_tls11_client) {
    qssl_config_t *sc = server_config("server.pem", "server-key.pem");
    qssl_conn_t *s = NULL;
    CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s));
    raw_peer p;
    raw_peer_init(&p, 0, TLS1_1_VERSION, "DEFAULT:@SECLEVEL=0");
    qssl_status_t st = run_against_raw(s, &p);
    CHECK_STATUS(st, QSSL_STATUS_TLS);
    CHECK(strstr(qssl_last_error_message(), "protocol") != NULL);
    CHECK(p.done == -1);
    CHECK(!qssl_conn_is_encrypted(s));
    raw_peer_free(&p);
    qssl_conn_free(s);
    qssl_config_free(sc);
}

static qssl_config_t *client_trusting_ca(void);

TEST_CASE(client_refuses_tls11_server) {
    /* The default plus a CA list (protocol refusal does not depend on trust;
     * the list spares loading the system store). */
    qssl_config_t *cc = client_trusting_ca();
    qssl_conn_t *c = NULL;
    CHECK_OK(qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c));
    qssl_conn_set_peer_verify_name(c, "localhost");
    raw_peer p;
    raw_peer_init(&p, 1, TLS1_1_VERSION, "DEFAULT:@SECLEVEL=0");
    qssl_status_t st = run_against_raw(c, &p);
    CHECK(st == QSSL_STATUS_TLS || st == QSSL_STATUS_CLOSED);
    CHECK(!qssl_conn_is_encrypted(c));
    CHECK(p.done != 1);
    raw_peer_free(&p);
    qssl_conn_free(c);
    qssl_config_free(cc);
}

/* Positive control: the same raw peer without the TLS 1.1 cap completes. */
TEST_CASE(raw_peer_control_tls12) {
    qssl_config_t *sc = server_config("server.pem", "server-key.pem");
    qssl_conn_t *s = NULL;
    CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s));
    raw_peer p;
    raw_peer_init(&p, 0, TLS1_2_VERSION, NULL);
    CHECK_OK(run_against_raw(s, &p));
    CHECK(p.done == 1);
    CHECK_EQ_INT(qssl_conn_session_protocol(s), QSSL_SSL_PROTOCOL_TLS_V1_2);
    raw_peer_free(&p);
    qssl_conn_free(s);
    qssl_config_free(sc);
}

/* ---- verification on by default --------------------------------------------- */

TEST_CASE(client_verifies_peer_by_default) {
    small_system_store();
    qssl_config_t *d = qssl_config_default_configuration();
    CHECK_EQ_INT(qssl_config_peer_verify_mode(d), QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);
    /* server.pem is issued by the test CA, which the default does not trust. */
    qssl_config_t *sc = server_config("server.pem", "server-key.pem");
    qssl_conn_t *c = NULL;
    qssl_status_t rs;
    CHECK_STATUS(qssl_pair(d, sc, "localhost", &c, &rs), QSSL_STATUS_VERIFICATION_FAILED);
    CHECK(!qssl_conn_is_encrypted(c));
    qssl_ssl_error_list_t *errs = qssl_conn_ssl_errors(c);
    CHECK(qssl_ssl_error_list_len(errs) >= 1);
    qssl_ssl_error_list_free(errs);
    qssl_conn_free(c);
    qssl_config_free(sc);
    qssl_config_free(d);
}

static qssl_config_t *client_trusting_ca(void) {
    qssl_config_t *c = qssl_config_default_configuration();
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    const qssl_cert_t *cas[] = {ca};
    qssl_config_set_ca_certificates(c, cas, 1);
    qssl_cert_free(ca);
    return c;
}

static int has_error(qssl_conn_t *c, qssl_ssl_error_code_t code) {
    qssl_ssl_error_list_t *errs = qssl_conn_ssl_errors(c);
    int found = 0;
    for (size_t i = 0; i < qssl_ssl_error_list_len(errs); i++)
        if (qssl_ssl_error_error(qssl_ssl_error_list_get(errs, i)) == code) found = 1;
    qssl_ssl_error_list_free(errs);
    return found;
}

TEST_CASE(client_checks_host_name_by_default) {
    qssl_config_t *cc = client_trusting_ca();
    qssl_config_t *sc = server_config("server.pem", "server-key.pem");
    qssl_conn_t *c = NULL;
    qssl_status_t rs;
    /* Trusted chain, wrong name. */
    CHECK_STATUS(qssl_pair(cc, sc, "wrong.example", &c, &rs), QSSL_STATUS_VERIFICATION_FAILED);
    CHECK(has_error(c, QSSL_SSL_ERROR_HOST_NAME_MISMATCH));
    qssl_conn_free(c);
    /* No name at all: also a mismatch (qssl cannot guess the host). */
    CHECK_STATUS(qssl_pair(cc, sc, NULL, &c, &rs), QSSL_STATUS_VERIFICATION_FAILED);
    CHECK(has_error(c, QSSL_SSL_ERROR_HOST_NAME_MISMATCH));
    qssl_conn_free(c);
    /* Control: the right name succeeds. */
    CHECK_OK(qssl_pair(cc, sc, "localhost", &c, &rs));
    CHECK_OK(rs);
    qssl_conn_free(c);
    qssl_config_free(sc);
    qssl_config_free(cc);
}

/* ---- Diffie-Hellman ---------------------------------------------------------- */

TEST_CASE(default_dh_is_ffdhe2048_on_the_wire) {
    qssl_config_t *d = qssl_config_default_configuration();
    qssl_dh_params_t *dh = qssl_config_diffie_hellman_parameters(d);
    size_t len = 0;
    unsigned char *der = qtest_read_fixture("dh-ffdhe2048.der", &len);
    qssl_dh_params_t *ff = NULL;
    CHECK_OK(qssl_dh_params_from_encoded(der, len, QSSL_ENCODING_FORMAT_DER, &ff));
    CHECK(qssl_dh_params_is_valid(dh) && !qssl_dh_params_is_empty(dh));
    CHECK(qssl_dh_params_equal(dh, ff));
    qssl_dh_params_free(ff);
    qssl_dh_params_free(dh);
    free(der);
    qssl_config_free(d);

    /* A client that offers only finite-field DHE sees a 2048-bit group. */
    qssl_config_t *sc = server_config("server.pem", "server-key.pem");
    qssl_conn_t *s = NULL;
    CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s));
    raw_peer p;
    raw_peer_init(&p, 0, TLS1_2_VERSION, "DHE-RSA-AES128-GCM-SHA256");
    CHECK_OK(run_against_raw(s, &p));
    EVP_PKEY *tmp = NULL;
    CHECK(SSL_get_peer_tmp_key(p.ssl, &tmp) == 1);
    CHECK_EQ_INT(EVP_PKEY_get_base_id(tmp), EVP_PKEY_DH);
    CHECK(EVP_PKEY_get_bits(tmp) >= 2048);
    EVP_PKEY_free(tmp);
    raw_peer_free(&p);
    qssl_conn_free(s);
    qssl_config_free(sc);
}

TEST_CASE(weak_dh_is_refused) {
    size_t len = 0;
    unsigned char *pem = qtest_read_fixture("dh-512.pem", &len);
    CHECK(pem != NULL);
    qssl_dh_params_t *dh = NULL;
    CHECK_OK(qssl_dh_params_from_encoded(pem, len, QSSL_ENCODING_FORMAT_PEM, &dh));
    free(pem);
    CHECK(!qssl_dh_params_is_valid(dh));
    CHECK_EQ_INT(qssl_dh_params_error(dh), QSSL_DH_PARAMS_ERROR_UNSAFE_PARAMETERS_ERROR);
    qssl_config_t *sc = server_config("server.pem", "server-key.pem");
    CHECK_OK(qssl_config_set_diffie_hellman_parameters(sc, dh));
    qssl_conn_t *s = NULL;
    CHECK_ERROR(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s),
                QSSL_STATUS_INVALID_ARGUMENT, "Diffie-Hellman");
    CHECK(s == NULL);
    qssl_dh_params_free(dh);
    qssl_config_free(sc);
}

/* ---- the default cipher list -------------------------------------------------- */

static void text_of(qssl_status_t (*f)(const qssl_cipher_t *, char *, size_t, size_t *),
                    const qssl_cipher_t *c, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = '\0';
    f(c, buf, cap, &n);
}

static int contains_any(const char *s, const char *const *words) {
    for (; *words; words++)
        if (strstr(s, *words) != NULL) return 1;
    return 0;
}

TEST_CASE(default_ciphers_are_strong) {
    static const char *const bad_names[] = {"NULL", "EXP", "RC4", "DES", "MD5", "ADH", "AECDH",
                                            "anon", "RC2", "IDEA", "SEED", NULL};
    static const char *const bad_methods[] = {"None", "NULL", "RC4", "DES", "RC2", NULL};
    qssl_config_t *d = qssl_config_default_configuration();
    qssl_cipher_list_t *list = qssl_config_ciphers(d);
    size_t n = qssl_cipher_list_len(list);
    CHECK(n >= 5);
    char name[128], kx[64], au[64], enc[64];
    for (size_t i = 0; i < n; i++) {
        const qssl_cipher_t *c = qssl_cipher_list_get(list, i);
        text_of(qssl_cipher_name, c, name, sizeof name);
        text_of(qssl_cipher_key_exchange_method, c, kx, sizeof kx);
        text_of(qssl_cipher_authentication_method, c, au, sizeof au);
        text_of(qssl_cipher_encryption_method, c, enc, sizeof enc);
        if (contains_any(name, bad_names) || contains_any(kx, bad_methods) ||
            contains_any(au, bad_methods) || contains_any(enc, bad_methods) ||
            qssl_cipher_used_bits(c) < 128)
            fprintf(stderr, "weak default cipher %s kx=%s au=%s enc=%s bits=%d\n", name, kx, au,
                    enc, (int)qssl_cipher_used_bits(c));
        CHECK(!contains_any(name, bad_names));
        CHECK(!contains_any(kx, bad_methods));
        CHECK(!contains_any(au, bad_methods));
        CHECK(!contains_any(enc, bad_methods));
        CHECK(qssl_cipher_used_bits(c) >= 128);
    }
    qssl_cipher_list_free(list);
    qssl_config_free(d);
    /* The supported list has no anonymous suites either (Qt removes them). */
    qssl_cipher_list_t *sup = qssl_config_supported_ciphers();
    for (size_t i = 0; i < qssl_cipher_list_len(sup); i++) {
        const qssl_cipher_t *c = qssl_cipher_list_get(sup, i);
        text_of(qssl_cipher_name, c, name, sizeof name);
        text_of(qssl_cipher_authentication_method, c, au, sizeof au);
        CHECK(strncmp(name, "ADH", 3) != 0 && strncmp(name, "AECDH", 5) != 0);
        CHECK(strcmp(au, "None") != 0);
    }
    qssl_cipher_list_free(sup);
}

/* A raw client that offers only weak suites finds no common suite. */
TEST_CASE(server_refuses_weak_only_client) {
    qssl_config_t *sc = server_config("server.pem", "server-key.pem");
    qssl_conn_t *s = NULL;
    CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s));
    raw_peer p;
    raw_peer_init(&p, 0, TLS1_2_VERSION, "aNULL:eNULL:@SECLEVEL=0");
    CHECK_STATUS(run_against_raw(s, &p), QSSL_STATUS_TLS);
    CHECK(p.done != 1);
    raw_peer_free(&p);
    qssl_conn_free(s);
    qssl_config_free(sc);
}

/* ---- CVE-2023-34410: the default's CA list replaces the system roots ---------- */
/* The "system roots" of this process: the self-signed localhost certificate
 * alone (small_system_store). */

static qssl_status_t connect_default_to(const char *cert_name, const char *key_name) {
    qssl_config_t *cc = qssl_config_default_configuration();
    qssl_config_t *sc = server_config(cert_name, key_name);
    qssl_conn_t *c = NULL;
    qssl_status_t rs;
    qssl_status_t rc = qssl_pair(cc, sc, "localhost", &c, &rs);
    qssl_conn_free(c);
    qssl_config_free(sc);
    qssl_config_free(cc);
    return rc;
}

TEST_CASE(default_ca_list_replaces_system_roots) {
    small_system_store();
    size_t count = 0;
    CHECK_OK(qssl_config_reload_system_ca_certificates(&count));
    CHECK_EQ_INT(count, 1);

    /* Control: the untouched default trusts the system roots. */
    CHECK_OK(connect_default_to("selfsigned.pem", "selfsigned-key.pem"));
    CHECK_STATUS(connect_default_to("server.pem", "server-key.pem"), QSSL_STATUS_VERIFICATION_FAILED);

    /* Set the process-wide default's CA list to ca.pem only. */
    qssl_config_t *d = qssl_config_default_configuration();
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    const qssl_cert_t *cas[] = {ca};
    CHECK_OK(qssl_config_set_ca_certificates(d, cas, 1));
    CHECK_OK(qssl_config_set_default_configuration(d));
    qssl_cert_free(ca);
    qssl_config_free(d);

    /* A new connection from the default trusts ca.pem... */
    CHECK_OK(connect_default_to("server.pem", "server-key.pem"));
    /* ...and no longer the system roots (Qt before 6.5.2 still did). */
    CHECK_STATUS(connect_default_to("selfsigned.pem", "selfsigned-key.pem"),
                 QSSL_STATUS_VERIFICATION_FAILED);
}

/* ---- options ------------------------------------------------------------------ */

TEST_CASE(legacy_renegotiation_and_compression_off) {
    qssl_config_t *d = qssl_config_default_configuration();
    CHECK(qssl_config_test_ssl_option(d, QSSL_SSL_OPTION_DISABLE_LEGACY_RENEGOTIATION));
    CHECK(qssl_config_test_ssl_option(d, QSSL_SSL_OPTION_DISABLE_COMPRESSION));
    CHECK(qssl_config_test_ssl_option(d, QSSL_SSL_OPTION_DISABLE_EMPTY_FRAGMENTS));
    qssl_config_free(d);
    /* The OpenSSL context a default client builds has compression off and
     * does not allow unsafe legacy renegotiation. */
    small_system_store();
    qssl_config_t *cc = qssl_config_default_configuration();
    void *ctx = NULL;
    CHECK_OK(qssl_config_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &ctx));
    uint64_t opts = SSL_CTX_get_options((SSL_CTX *)ctx);
    CHECK((opts & SSL_OP_NO_COMPRESSION) != 0);
    CHECK((opts & SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION) == 0);
    CHECK(SSL_CTX_get_min_proto_version((SSL_CTX *)ctx) == TLS1_2_VERSION);
    SSL_CTX_free((SSL_CTX *)ctx);
    qssl_config_free(cc);
}
