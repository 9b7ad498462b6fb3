/* Trust that holds on OpenSSL objects qssl did not make, and at resumption.
 *
 * Raw OpenSSL peers over memory BIOs, in one process:
 *  - SSL_new() on the contexts qssl_config_openssl_context() gives out and on
 *    a caller's context after qssl_config_apply_to_openssl_context(): good
 *    chains work; self-signed servers, wrong host names, missing or untrusted
 *    client certificates are refused inside the handshake (never an abort);
 *    PSK (TLS 1.2 and 1.3) and ALPN work from the configuration;
 *  - an exported context changed by the caller (SSL_VERIFY_NONE) does not
 *    weaken qssl's own connections;
 *  - no session outlives a refused trust decision: a client whose certificate
 *    a qssl server refused cannot resume (TLS 1.3 ticket, TLS 1.2 ticket,
 *    TLS 1.2 session id with tickets off; failed connection alive or freed),
 *    and a verifying qssl client given a ticket from a connection whose
 *    errors were ignored sees those errors again. */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "qtest.h"

/* ---- fixtures --------------------------------------------------------------- */

static char *fixture_path(const char *name) {
    static char path[8][4096];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 4096, "%s/%s", qtest_fixtures(), name);
    return p;
}



static void set_local(qssl_config_t *c, const char *cert, const char *key) {
    qssl_cert_t *x = qtest_load_cert(cert);
    qssl_key_t *k = qtest_load_key(key);
    qssl_config_set_local_certificate(c, x);
    qssl_config_set_private_key(c, k);
    qssl_cert_free(x);
    qssl_key_free(k);
}

static void trust_ca(qssl_config_t *c) {
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    const qssl_cert_t *cas[] = {ca};
    qssl_config_set_ca_certificates(c, cas, 1);
    qssl_cert_free(ca);
}

/* A verifying client configuration trusting the test CA only. */
static qssl_config_t *client_config(void) {
    qssl_config_t *c = qssl_config_default_configuration();
    trust_ca(c);
    return c;
}

/* A server configuration with the "localhost" certificate. */
static qssl_config_t *server_config(void) {
    qssl_config_t *c = qssl_config_default_configuration();
    set_local(c, "server.pem", "server-key.pem");
    return c;
}

/* A server that requires a client certificate from the test CA. */
static qssl_config_t *verifying_server_config(void) {
    qssl_config_t *c = server_config();
    trust_ca(c);
    qssl_config_set_peer_verify_mode(c, QSSL_PEER_VERIFY_MODE_VERIFY_PEER);
    return c;
}

/* A raw OpenSSL context (no qssl involved). */
static SSL_CTX *raw_ctx(int server, const char *cert, const char *key) {
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (ctx && cert) {
        SSL_CTX_use_certificate_chain_file(ctx, fixture_path(cert));
        SSL_CTX_use_PrivateKey_file(ctx, fixture_path(key), SSL_FILETYPE_PEM);
    }
    return ctx;
}

/* ---- endpoints: a raw SSL or a qssl connection over memory ------------------ */

struct ep {
    SSL *ssl;            /* raw OpenSSL endpoint, or */
    qssl_conn_t *q;      /* a qssl memory connection */
    BIO *in, *out;       /* raw: network bytes in and out */
    int done;
    int ok;
    qssl_status_t qrc;
};

static void ep_raw(struct ep *e, SSL_CTX *ctx, int server) {
    memset(e, 0, sizeof *e);
    e->ssl = SSL_new(ctx);
    e->in = BIO_new(BIO_s_mem());
    e->out = BIO_new(BIO_s_mem());
    SSL_set_bio(e->ssl, e->in, e->out);
    if (server)
        SSL_set_accept_state(e->ssl);
    else
        SSL_set_connect_state(e->ssl);
}

static qssl_status_t ep_qssl(struct ep *e, const qssl_config_t *cfg, int server) {
    memset(e, 0, sizeof *e);
    qssl_status_t st = qssl_conn_new_memory(
        cfg, server ? QSSL_SSL_MODE_SSL_SERVER_MODE : QSSL_SSL_MODE_SSL_CLIENT_MODE, &e->q);
    if (st == QSSL_STATUS_OK && !server) st = qssl_conn_set_peer_verify_name(e->q, "localhost");
    return st;
}

static void ep_free(struct ep *e) {
    /* A finished handshake closes cleanly (keeps its session resumable, as a
     * close_notify would). */
    if (e->ssl && e->ok) SSL_set_shutdown(e->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    if (e->ssl) SSL_free(e->ssl);
    qssl_conn_free(e->q);
    memset(e, 0, sizeof *e);
}

static void ep_step(struct ep *e) {
    if (e->done) return;
    if (e->q) {
        e->qrc = qssl_conn_handshake(e->q);
        if (e->qrc <= 0) {
            e->done = 1;
            e->ok = e->qrc == QSSL_STATUS_OK;
        }
        return;
    }
    int r = SSL_do_handshake(e->ssl);
    if (r == 1) {
        e->done = 1;
        e->ok = 1;
        return;
    }
    int err = SSL_get_error(e->ssl, r);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        e->done = 1;
        e->ok = 0;
        if (getenv("QSSL_TEST_VERBOSE")) ERR_print_errors_fp(stderr);
        ERR_clear_error();
    }
}

/* Moves the bytes `from` wrote to `to`; returns whether any moved. */
static int ep_move(struct ep *from, struct ep *to) {
    uint8_t buf[4096];
    int moved = 0;
    for (;;) {
        size_t n = 0;
        if (from->q) {
            if (qssl_conn_take_output(from->q, buf, sizeof buf, &n) != QSSL_STATUS_OK) n = 0;
        } else {
            int r = BIO_read(from->out, buf, sizeof buf);
            n = r > 0 ? (size_t)r : 0;
        }
        if (n == 0) break;
        moved = 1;
        if (to->q)
            qssl_conn_feed(to->q, buf, n);
        else
            BIO_write(to->in, buf, (int)n);
    }
    return moved;
}

/* Runs both handshakes to their end. */
static void run(struct ep *c, struct ep *s) {
    for (int i = 0; i < 60; i++) {
        ep_step(c);
        ep_step(s);
        int moved = ep_move(c, s) | ep_move(s, c);
        if (c->done && s->done && !moved) break;
        if (!moved && (c->done || s->done)) {
            /* The side still running has nothing more to read. */
            ep_step(c);
            ep_step(s);
            if (!(ep_move(c, s) | ep_move(s, c))) break;
        }
    }
}

/* After the handshake: lets a raw client read what the server sent after
 * it (TLS 1.3 tickets). */
static void raw_drain(struct ep *c, struct ep *s) {
    ep_move(s, c);
    uint8_t buf[64];
    if (c->ssl) {
        (void)SSL_read(c->ssl, buf, sizeof buf);
        ERR_clear_error();
    } else {
        size_t n;
        (void)qssl_conn_read(c->q, buf, sizeof buf, &n);
    }
}

/* ---- PSK ----------------------------------------------------------------- */

static const uint8_t PSK_KEY[] = {0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70, 0x81,
                                  0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x09};

struct psk_seen {
    int calls;
    char identity[64];
};

static int32_t qssl_psk_cb(void *user_data, qssl_psk_auth_t *auth) {
    struct psk_seen *seen = user_data;
    seen->calls++;
    size_t n = 0;
    if (qssl_psk_auth_identity(auth, (uint8_t *)seen->identity, sizeof seen->identity - 1, &n) ==
        QSSL_STATUS_OK)
        seen->identity[n] = 0;
    qssl_psk_auth_set_identity(auth, (const uint8_t *)"qssl-client", 11);
    qssl_psk_auth_set_pre_shared_key(auth, PSK_KEY, sizeof PSK_KEY);
    return 0;
}

static unsigned int raw_psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk,
                                      unsigned int max) {
    (void)ssl;
    if (strcmp(identity, "qssl-client") != 0 || max < sizeof PSK_KEY) return 0;
    memcpy(psk, PSK_KEY, sizeof PSK_KEY);
    return sizeof PSK_KEY;
}

static unsigned int raw_psk_client_cb(SSL *ssl, const char *hint, char *identity,
                                      unsigned int max_id, unsigned char *psk, unsigned int max) {
    (void)ssl;
    (void)hint;
    if (max_id < 16 || max < sizeof PSK_KEY) return 0;
    strcpy(identity, "raw-client");
    memcpy(psk, PSK_KEY, sizeof PSK_KEY);
    return sizeof PSK_KEY;
}

/* TLS 1.3 external PSK for the raw peers (SHA-256 suite). */
static SSL_SESSION *raw_psk13_session(SSL *ssl) {
    const unsigned char id[] = {0x13, 0x01}; /* TLS_AES_128_GCM_SHA256 */
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, id);
    SSL_SESSION *s = SSL_SESSION_new();
    if (!s || !cipher) {
        SSL_SESSION_free(s);
        return NULL;
    }
    SSL_SESSION_set1_master_key(s, PSK_KEY, sizeof PSK_KEY);
    SSL_SESSION_set_cipher(s, cipher);
    SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION);
    return s;
}

static int raw_psk_use_session_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id,
                                  size_t *idlen, SSL_SESSION **sess) {
    (void)md;
    *sess = raw_psk13_session(ssl);
    *id = (const unsigned char *)"raw-client";
    *idlen = 10;
    return *sess != NULL;
}

static int raw_psk_find_session_cb(SSL *ssl, const unsigned char *identity, size_t len,
                                   SSL_SESSION **sess) {
    *sess = NULL;
    if (len != 11 || memcmp(identity, "qssl-client", 11) != 0) return 1;
    *sess = raw_psk13_session(ssl);
    return *sess != NULL;
}

/* ---- exported client context, raw OpenSSL server ------------------------------ */

/* A handshake of SSL_new() on an exported client context against a raw server
 * with `cert`; `host`/`sni` name the peer (NULL: not set). */
static int exported_client_run(const qssl_config_t *cc, const char *cert, const char *key,
                               const char *host, const char *sni, long *verify_result) {
    void *ctx = NULL;
    if (qssl_config_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &ctx) != QSSL_STATUS_OK) return -1;
    SSL_CTX *sctx = raw_ctx(1, cert, key);
    struct ep c, s;
    ep_raw(&c, ctx, 0);
    ep_raw(&s, sctx, 1);
    if (host) SSL_set1_host(c.ssl, host);
    if (sni) SSL_set_tlsext_host_name(c.ssl, sni);
    run(&c, &s);
    int ok = c.ok && s.ok;
    if (verify_result) *verify_result = SSL_get_verify_result(c.ssl);
    ep_free(&c);
    ep_free(&s);
    SSL_CTX_free(sctx);
    SSL_CTX_free(ctx);
    return ok;
}

TEST_CASE(exported_client_valid_chain) {
    qssl_config_t *cc = client_config();
    long vr = -1;
    CHECK_EQ_INT(exported_client_run(cc, "server.pem", "server-key.pem", "localhost", "localhost", &vr), 1);
    CHECK_EQ_INT(vr, X509_V_OK);
    /* The SNI name alone names the peer too. */
    CHECK_EQ_INT(exported_client_run(cc, "server.pem", "server-key.pem", NULL, "localhost", NULL), 1);
    qssl_config_free(cc);
}

TEST_CASE(exported_client_self_signed_refused) {
    qssl_config_t *cc = client_config();
    long vr = X509_V_OK;
    CHECK_EQ_INT(exported_client_run(cc, "selfsigned.pem", "selfsigned-key.pem", "localhost", "localhost", &vr), 0);
    CHECK(vr != X509_V_OK);
    /* A configuration that does not verify accepts it (Qt's VerifyNone). */
    qssl_config_set_peer_verify_mode(cc, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
    CHECK_EQ_INT(exported_client_run(cc, "selfsigned.pem", "selfsigned-key.pem", "localhost", NULL, NULL), 1);
    qssl_config_free(cc);
}

TEST_CASE(exported_client_wrong_host_refused) {
    qssl_config_t *cc = client_config();
    long vr = X509_V_OK;
    CHECK_EQ_INT(exported_client_run(cc, "server.pem", "server-key.pem", "wrong.example", NULL, &vr), 0);
    CHECK_EQ_INT(vr, X509_V_ERR_HOSTNAME_MISMATCH);
    /* A wrong SNI name, with no SSL_set1_host(), is refused as well. */
    vr = X509_V_OK;
    CHECK_EQ_INT(exported_client_run(cc, "server.pem", "server-key.pem", NULL, "wrong.example", &vr), 0);
    CHECK_EQ_INT(vr, X509_V_ERR_HOSTNAME_MISMATCH);
    /* No name at all: a verifying client does not know whom it talks to. */
    CHECK_EQ_INT(exported_client_run(cc, "server.pem", "server-key.pem", NULL, NULL, NULL), 0);
    qssl_config_free(cc);
}

TEST_CASE(exported_client_psk_tls12_and_tls13) {
    for (int tls13 = 0; tls13 <= 1; tls13++) {
        struct psk_seen seen = {0, {0}};
        qssl_config_t *cc = qssl_config_default_configuration();
        qssl_config_set_peer_verify_mode(cc, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
        CHECK_OK(qssl_config_set_protocol(cc, tls13 ? QSSL_SSL_PROTOCOL_TLS_V1_3 : QSSL_SSL_PROTOCOL_TLS_V1_2));
        if (!tls13) CHECK_OK(qssl_config_set_ciphers_string(cc, "PSK-AES128-GCM-SHA256"));
        CHECK_OK(qssl_config_set_psk_callback(cc, qssl_psk_cb, &seen, NULL));
        void *ctx = NULL;
        CHECK_OK(qssl_config_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &ctx));
        SSL_CTX *sctx = raw_ctx(1, NULL, NULL);
        if (tls13) {
            SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION);
            SSL_CTX_set_ciphersuites(sctx, "TLS_AES_128_GCM_SHA256"); /* the PSK's hash */
            SSL_CTX_set_psk_find_session_callback(sctx, raw_psk_find_session_cb);
        } else {
            SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION);
            SSL_CTX_set_cipher_list(sctx, "PSK-AES128-GCM-SHA256");
            SSL_CTX_set_psk_server_callback(sctx, raw_psk_server_cb);
        }
        struct ep c, s;
        ep_raw(&c, ctx, 0);
        ep_raw(&s, sctx, 1);
        run(&c, &s);
        CHECK(c.ok && s.ok);
        CHECK(seen.calls >= 1);
        CHECK_EQ_INT(SSL_version(c.ssl), tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
        ep_free(&c);
        ep_free(&s);
        SSL_CTX_free(sctx);
        SSL_CTX_free(ctx);
        qssl_config_free(cc);
    }
}

/* ---- exported server context, raw OpenSSL client ----------------------------- */

/* A raw client with `cert` (NULL: none) against SSL_new() on the exported
 * server context of `sc`. */
static int exported_server_run(const qssl_config_t *sc, const char *cert, const char *key) {
    void *ctx = NULL;
    if (qssl_config_openssl_context(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &ctx) != QSSL_STATUS_OK) return -1;
    SSL_CTX *cctx = raw_ctx(0, cert, key);
    SSL_CTX_load_verify_locations(cctx, fixture_path("ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    struct ep c, s;
    ep_raw(&c, cctx, 0);
    ep_raw(&s, ctx, 1);
    run(&c, &s);
    /* TLS 1.3: the client finishes first; the server's verdict follows. */
    raw_drain(&c, &s);
    int ok = c.ok && s.ok;
    ep_free(&c);
    ep_free(&s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(ctx);
    return ok;
}

TEST_CASE(exported_server_client_certificates) {
    qssl_config_t *sc = verifying_server_config();
    CHECK_EQ_INT(exported_server_run(sc, "client.pem", "client-key.pem"), 1);
    CHECK_EQ_INT(exported_server_run(sc, NULL, NULL), 0);                          /* missing */
    CHECK_EQ_INT(exported_server_run(sc, "selfsigned.pem", "selfsigned-key.pem"), 0); /* untrusted */
    /* A server that does not verify (AutoVerifyPeer on a server) takes any client. */
    qssl_config_set_peer_verify_mode(sc, QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);
    CHECK_EQ_INT(exported_server_run(sc, NULL, NULL), 1);
    CHECK_EQ_INT(exported_server_run(sc, "selfsigned.pem", "selfsigned-key.pem"), 1);
    qssl_config_free(sc);
}

TEST_CASE(exported_server_psk_and_alpn) {
    for (int tls13 = 0; tls13 <= 1; tls13++) {
        struct psk_seen seen = {0, {0}};
        qssl_config_t *sc = qssl_config_default_configuration();
        CHECK_OK(qssl_config_set_protocol(sc, tls13 ? QSSL_SSL_PROTOCOL_TLS_V1_3 : QSSL_SSL_PROTOCOL_TLS_V1_2));
        if (!tls13) CHECK_OK(qssl_config_set_ciphers_string(sc, "PSK-AES128-GCM-SHA256"));
        CHECK_OK(qssl_config_set_psk_callback(sc, qssl_psk_cb, &seen, NULL));
        const uint8_t *protos[] = {(const uint8_t *)"h2", (const uint8_t *)"http/1.1"};
        size_t lens[] = {2, 8};
        CHECK_OK(qssl_config_set_allowed_next_protocols(sc, protos, lens, 2));
        void *ctx = NULL;
        CHECK_OK(qssl_config_openssl_context(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &ctx));
        SSL_CTX *cctx = raw_ctx(0, NULL, NULL);
        if (tls13) {
            SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION);
            SSL_CTX_set_psk_use_session_callback(cctx, raw_psk_use_session_cb);
        } else {
            SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
            SSL_CTX_set_cipher_list(cctx, "PSK-AES128-GCM-SHA256");
            SSL_CTX_set_psk_client_callback(cctx, raw_psk_client_cb);
        }
        static const unsigned char alpn[] = "\x08http/1.1\x02h2";
        SSL_CTX_set_alpn_protos(cctx, alpn, sizeof alpn - 1);
        struct ep c, s;
        ep_raw(&c, cctx, 0);
        ep_raw(&s, ctx, 1);
        run(&c, &s);
        CHECK(c.ok && s.ok);
        CHECK_EQ_INT(seen.calls, 1);
        CHECK_EQ_STR(seen.identity, "raw-client");
        const unsigned char *sel = NULL;
        unsigned int sel_len = 0;
        SSL_get0_alpn_selected(c.ssl, &sel, &sel_len);
        CHECK(sel_len == 8 && memcmp(sel, "http/1.1", 8) == 0); /* the client's order wins */
        /* Qt's session state read back from the foreign SSL. */
        qssl_config_t *state = qssl_config_copy(sc);
        CHECK_OK(qssl_config_set_session_state_from_openssl(state, QSSL_SSL_MODE_SSL_SERVER_MODE, s.ssl));
        CHECK_EQ_INT(qssl_config_session_protocol(state),
                     tls13 ? QSSL_SSL_PROTOCOL_TLS_V1_3 : QSSL_SSL_PROTOCOL_TLS_V1_2);
        CHECK_EQ_INT(qssl_config_next_protocol_negotiation_status(state),
                     QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NEGOTIATED);
        qssl_config_free(state);
        ep_free(&c);
        ep_free(&s);
        SSL_CTX_free(cctx);
        SSL_CTX_free(ctx);
        qssl_config_free(sc);
    }
}

/* ---- separation ------------------------------------------------------------------ */

TEST_CASE(exported_context_is_the_callers_own) {
    qssl_config_t *cc = client_config();
    void *a = NULL, *b = NULL;
    CHECK_OK(qssl_config_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &a));
    CHECK_OK(qssl_config_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &b));
    CHECK(a != NULL && b != NULL && a != b);
    /* What Boost.Asio's set_verify_mode(verify_none) does. */
    SSL_CTX_set_verify(a, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_verify(b, SSL_VERIFY_NONE, NULL);
    /* qssl's own client from the same configuration still refuses a
     * self-signed server... */
    qssl_config_t *bad = qssl_config_default_configuration();
    set_local(bad, "selfsigned.pem", "selfsigned-key.pem");
    struct ep c, s;
    CHECK_OK(ep_qssl(&c, cc, 0));
    CHECK_OK(ep_qssl(&s, bad, 1));
    run(&c, &s);
    CHECK_STATUS(c.qrc, QSSL_STATUS_VERIFICATION_FAILED);
    ep_free(&c);
    ep_free(&s);
    /* ...and ignoring the errors still works. */
    CHECK_OK(ep_qssl(&c, cc, 0));
    CHECK_OK(ep_qssl(&s, bad, 1));
    qssl_conn_ignore_ssl_errors(c.q);
    run(&c, &s);
    CHECK_OK(c.qrc);
    ep_free(&c);
    ep_free(&s);
    SSL_CTX_free(a);
    SSL_CTX_free(b);
    qssl_config_free(bad);
    qssl_config_free(cc);
}

/* ---- applying a configuration to a caller's context ------------------------------ */

TEST_CASE(apply_to_callers_client_context) {
    qssl_config_t *cc = client_config();
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    CHECK_STATUS(qssl_config_apply_to_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, NULL),
                 QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_apply_to_openssl_context(cc, 7, ctx), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_OK(qssl_config_apply_to_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, ctx));
    const char *certs[] = {"server.pem", "selfsigned.pem"};
    const char *keys[] = {"server-key.pem", "selfsigned-key.pem"};
    for (int i = 0; i < 2; i++) {
        SSL_CTX *sctx = raw_ctx(1, certs[i], keys[i]);
        struct ep c, s;
        ep_raw(&c, ctx, 0);
        ep_raw(&s, sctx, 1);
        SSL_set_tlsext_host_name(c.ssl, "localhost");
        run(&c, &s);
        CHECK_EQ_INT(c.ok && s.ok, i == 0);
        if (i == 0) {
            qssl_config_t *state = qssl_config_copy(cc);
            CHECK_OK(qssl_config_set_session_state_from_openssl(state, QSSL_SSL_MODE_SSL_CLIENT_MODE, c.ssl));
            qssl_cert_t *peer = qssl_config_peer_certificate(state);
            CHECK(!qssl_cert_is_null(peer));
            qssl_cert_free(peer);
            qssl_config_free(state);
        }
        ep_free(&c);
        ep_free(&s);
        SSL_CTX_free(sctx);
    }
    SSL_CTX_free(ctx);
    qssl_config_free(cc);
}

TEST_CASE(apply_to_callers_server_context) {
    qssl_config_t *sc = verifying_server_config();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    CHECK_OK(qssl_config_apply_to_openssl_context(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, ctx));
    for (int i = 0; i < 2; i++) {
        SSL_CTX *cctx = raw_ctx(0, i == 0 ? "client.pem" : NULL, "client-key.pem");
        SSL_CTX_load_verify_locations(cctx, fixture_path("ca.pem"), NULL);
        struct ep c, s;
        ep_raw(&c, cctx, 0);
        ep_raw(&s, ctx, 1);
        run(&c, &s);
        raw_drain(&c, &s);
        CHECK_EQ_INT(s.ok, i == 0);
        ep_free(&c);
        ep_free(&s);
        SSL_CTX_free(cctx);
    }
    SSL_CTX_free(ctx);
    qssl_config_free(sc);
}

/* ---- resumption --------------------------------------------------------------------- */

/* A raw client with the untrusted self-signed certificate against a verifying
 * qssl server; then the same client resumes its session. `variant`: 0 TLS 1.3
 * ticket, 1 TLS 1.2 ticket, 2 TLS 1.2 session id (tickets off on the server).
 * `keep_alive`: the refused server connection is still alive at resumption. */
static int refused_client_resumes(int variant, int keep_alive, int *resumed) {
    qssl_config_t *sc = verifying_server_config();
    if (variant > 0) qssl_config_set_protocol(sc, QSSL_SSL_PROTOCOL_TLS_V1_2);
    if (variant == 2) qssl_config_set_ssl_option(sc, QSSL_SSL_OPTION_DISABLE_SESSION_TICKETS, true);
    SSL_CTX *cctx = raw_ctx(0, "selfsigned.pem", "selfsigned-key.pem");
    struct ep c, s;
    ep_raw(&c, cctx, 0);
    ep_qssl(&s, sc, 1);
    run(&c, &s);
    raw_drain(&c, &s);
    int first_refused = s.qrc == QSSL_STATUS_VERIFICATION_FAILED;
    SSL_SESSION *sess = SSL_get1_session(c.ssl);
    int resumable = sess && SSL_SESSION_is_resumable(sess);
    struct ep old = s;
    if (!keep_alive) qssl_conn_free(s.q);
    s.q = NULL;
    ep_free(&c);

    struct ep c2, s2;
    ep_raw(&c2, cctx, 0);
    SSL_set_session(c2.ssl, sess);
    ep_qssl(&s2, sc, 1);
    run(&c2, &s2);
    raw_drain(&c2, &s2);
    *resumed = SSL_session_reused(c2.ssl);
    int second_refused = s2.qrc == QSSL_STATUS_VERIFICATION_FAILED;
    qssl_ssl_error_list_t *errs = qssl_conn_ssl_errors(s2.q);
    int has_errors = qssl_ssl_error_list_len(errs) > 0;
    qssl_ssl_error_list_free(errs);
    ep_free(&c2);
    ep_free(&s2);
    if (keep_alive) qssl_conn_free(old.q);
    SSL_SESSION_free(sess);
    SSL_CTX_free(cctx);
    qssl_config_free(sc);
    if (getenv("QSSL_TEST_VERBOSE"))
        fprintf(stderr, "variant %d alive %d: first refused %d, resumable %d, resumed %d, second refused %d\n",
                variant, keep_alive, first_refused, resumable, *resumed, second_refused);
    return first_refused && second_refused && has_errors;
}

TEST_CASE(resume_after_refused_client_cert_tls13_ticket) {
    int resumed = 0;
    CHECK(refused_client_resumes(0, 0, &resumed));
    CHECK(resumed); /* resumed at the TLS level, and refused */
    CHECK(refused_client_resumes(0, 1, &resumed));
}

TEST_CASE(resume_after_refused_client_cert_tls12_ticket) {
    int resumed = 0;
    CHECK(refused_client_resumes(1, 0, &resumed));
    CHECK(resumed);
    CHECK(refused_client_resumes(1, 1, &resumed));
}

TEST_CASE(resume_after_refused_client_cert_tls12_session_id) {
    int resumed = 0;
    CHECK(refused_client_resumes(2, 1, &resumed));
    CHECK(refused_client_resumes(2, 0, &resumed));
}

/* A client whose errors were ignored against a self-signed raw server keeps
 * the ticket; a verifying client resuming it sees the errors again, and can
 * ignore them itself. `tls12`: TLS 1.2 ticket, else TLS 1.3. */
static void ignored_errors_ticket(int tls12, int *refused, int *ignored_ok, int *resumed) {
    qssl_config_t *cc = client_config();
    qssl_config_set_ssl_option(cc, QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, false);
    if (tls12) qssl_config_set_protocol(cc, QSSL_SSL_PROTOCOL_TLS_V1_2);
    SSL_CTX *sctx = raw_ctx(1, "selfsigned.pem", "selfsigned-key.pem");
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"t", 1);
    struct ep c, s;
    ep_qssl(&c, cc, 0);
    ep_raw(&s, sctx, 1);
    qssl_conn_ignore_ssl_errors(c.q);
    run(&c, &s);
    raw_drain(&c, &s);
    qssl_config_t *saved = qssl_conn_ssl_configuration(c.q);
    ep_free(&c);
    ep_free(&s);
    *refused = *ignored_ok = *resumed = 0;
    for (int ignore = 0; ignore <= 1; ignore++) {
        ep_qssl(&c, saved, 0);
        ep_raw(&s, sctx, 1);
        if (ignore) qssl_conn_ignore_ssl_errors(c.q);
        run(&c, &s);
        if (!ignore) *refused = c.qrc == QSSL_STATUS_VERIFICATION_FAILED;
        if (ignore) *ignored_ok = c.qrc == QSSL_STATUS_OK;
        *resumed += SSL_session_reused(s.ssl);
        ep_free(&c);
        ep_free(&s);
    }
    qssl_config_free(saved);
    SSL_CTX_free(sctx);
    qssl_config_free(cc);
}

TEST_CASE(resume_ticket_from_ignored_errors_connection) {
    for (int tls12 = 0; tls12 <= 1; tls12++) {
        int refused, ignored_ok, resumed;
        ignored_errors_ticket(tls12, &refused, &ignored_ok, &resumed);
        CHECK(resumed >= 1); /* the ticket was resumed, and checked */
        CHECK(refused);
        CHECK(ignored_ok);
    }
}


/* ---- OCSP stapling on a foreign SSL -------------------------------------------------- */

static unsigned char *ocsp_der;
static long ocsp_der_len;

static int raw_staple_cb(SSL *ssl, void *arg) {
    (void)arg;
    if (!ocsp_der) return SSL_TLSEXT_ERR_NOACK;
    unsigned char *copy = OPENSSL_malloc((size_t)ocsp_der_len);
    if (!copy) return SSL_TLSEXT_ERR_ALERT_FATAL;
    memcpy(copy, ocsp_der, (size_t)ocsp_der_len);
    SSL_set_tlsext_status_ocsp_resp(ssl, copy, ocsp_der_len); /* OpenSSL owns it now */
    return SSL_TLSEXT_ERR_OK;
}

/* SSL_new() on the exported context of a client with OCSP stapling against a
 * raw server stapling `response` (NULL: none) and sending the CA in its chain. */
static int exported_ocsp_run(const qssl_config_t *cc, const char *response) {
    size_t len = 0;
    ocsp_der = NULL;
    if (response) {
        ocsp_der = qtest_read_fixture(response, &len);
        if (!ocsp_der) return -1;
    }
    ocsp_der_len = (long)len;
    void *ctx = NULL;
    if (qssl_config_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &ctx) != QSSL_STATUS_OK) return -1;
    SSL_CTX *sctx = raw_ctx(1, "server.pem", "server-key.pem");
    X509 *ca = NULL;
    FILE *f = fopen(fixture_path("ca.pem"), "r");
    if (f) {
        ca = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
    }
    SSL_CTX_add1_chain_cert(sctx, ca);
    X509_free(ca);
    SSL_CTX_set_tlsext_status_cb(sctx, raw_staple_cb);
    struct ep c, s;
    ep_raw(&c, ctx, 0);
    ep_raw(&s, sctx, 1);
    SSL_set1_host(c.ssl, "localhost");
    run(&c, &s);
    int ok = c.ok && s.ok;
    ep_free(&c);
    ep_free(&s);
    SSL_CTX_free(sctx);
    SSL_CTX_free(ctx);
    free(ocsp_der);
    ocsp_der = NULL;
    return ok;
}

TEST_CASE(exported_client_ocsp_stapling) {
    qssl_config_t *cc = client_config();
    CHECK_OK(qssl_config_set_ocsp_stapling_enabled(cc, true));
    CHECK_EQ_INT(exported_ocsp_run(cc, "ocsp/good.der"), 1);
    CHECK_EQ_INT(exported_ocsp_run(cc, "ocsp/revoked.der"), 0);
    CHECK_EQ_INT(exported_ocsp_run(cc, NULL), 0); /* requested, none stapled */
    qssl_config_free(cc);
}
