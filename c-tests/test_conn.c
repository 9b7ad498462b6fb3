/* qssl_conn_t: real handshakes between two qssl endpoints in one process
 * over the memory transport (and one over a socketpair), driven through the
 * C API: certificates, verification errors, ALPN, PSK callbacks with Qt's
 * truncation and refusal rules, session state, resumption, bad input. */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qtest.h"



static qssl_config_t *server_config(void) {
    qssl_config_t *c = qssl_config_default_configuration();
    qssl_cert_t *cert = qtest_load_cert("server.pem");
    qssl_key_t *key = qtest_load_key("server-key.pem");
    qssl_config_set_local_certificate(c, cert);
    qssl_config_set_private_key(c, key);
    qssl_cert_free(cert);
    qssl_key_free(key);
    return c;
}

static qssl_config_t *client_config(void) {
    qssl_config_t *c = qssl_config_default_configuration();
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    const qssl_cert_t *cas[] = {ca};
    qssl_config_set_ca_certificates(c, cas, 1);
    qssl_cert_free(ca);
    return c;
}

/* Moves pending output of one memory connection into the other. */

/* Drives both handshakes; returns the final statuses. */
static void handshake(qssl_conn_t *c, qssl_conn_t *s, qssl_status_t *rc, qssl_status_t *rs) {
    *rc = QSSL_STATUS_WANT_READ;
    *rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 50; i++) {
        if (*rc > 0) *rc = qssl_conn_handshake(c);
        if (*rs > 0) *rs = qssl_conn_handshake(s);
        int moved = qtest_shuttle(c, s) | qtest_shuttle(s, c);
        if (*rc <= 0 && *rs <= 0 && !moved) return;
        if (!moved && (*rc <= 0 || *rs <= 0)) {
            if (*rc > 0) *rc = qssl_conn_handshake(c);
            if (*rs > 0) *rs = qssl_conn_handshake(s);
            if (!qtest_shuttle(c, s) && !qtest_shuttle(s, c)) return;
        }
    }
}

static qssl_status_t pair(const qssl_config_t *cc, const qssl_config_t *sc, qssl_conn_t **c, qssl_conn_t **s) {
    qssl_status_t st = qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, c);
    if (st != QSSL_STATUS_OK) return st;
    qssl_conn_set_peer_verify_name(*c, "localhost");
    return qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, s);
}

TEST_CASE(certificate_handshake_tls13) {
    qssl_config_t *sc = server_config(), *cc = client_config();
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(pair(cc, sc, &c, &s));
    qssl_status_t rc, rs;
    handshake(c, s, &rc, &rs);
    CHECK_OK(rc);
    CHECK_OK(rs);
    CHECK(qssl_conn_is_encrypted(c) && qssl_conn_is_encrypted(s));
    CHECK_EQ_INT(qssl_conn_session_protocol(c), QSSL_SSL_PROTOCOL_TLS_V1_3);
    qssl_config_t *state = qssl_conn_ssl_configuration(c);
    qssl_cert_list_t *chain = qssl_config_peer_certificate_chain(state);
    CHECK_EQ_INT(qssl_cert_list_len(chain), 1);
    qssl_cert_list_free(chain);
    qssl_key_t *eph = qssl_config_ephemeral_server_key(state);
    CHECK(!qssl_key_is_null(eph));
    CHECK_EQ_INT(qssl_key_algorithm(eph), QSSL_KEY_ALGORITHM_OPAQUE); /* X25519 */
    CHECK_EQ_INT(qssl_key_length(eph), -1);
    qssl_key_free(eph);
    qssl_config_free(state);
    /* Data both ways. */
    size_t n = 0;
    CHECK_OK(qssl_conn_write(c, (const uint8_t *)"ping", 4, &n));
    CHECK_EQ_INT(n, 4);
    qtest_shuttle(c, s);
    uint8_t buf[16];
    CHECK_OK(qssl_conn_read(s, buf, sizeof buf, &n));
    CHECK(n == 4 && memcmp(buf, "ping", 4) == 0);
    CHECK_STATUS(qssl_conn_read(s, buf, sizeof buf, &n), QSSL_STATUS_WANT_READ);
    /* Shutdown: the server sees CLOSED, then the session cipher is null. */
    CHECK_OK(qssl_conn_shutdown(c));
    qtest_shuttle(c, s);
    CHECK_STATUS(qssl_conn_read(s, buf, sizeof buf, &n), QSSL_STATUS_CLOSED);
    CHECK_EQ_INT(qssl_conn_session_protocol(s), QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(socketpair_blocking_transport) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    qssl_config_t *sc = server_config(), *cc = client_config();
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(qssl_conn_new_fd(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, sv[0], &c));
    CHECK_OK(qssl_conn_new_fd(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, sv[1], &s));
    CHECK_OK(qssl_conn_set_peer_verify_name(c, "localhost"));
    /* Both ends in one thread: non-blocking sockets, alternating steps. */
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    qssl_status_t rc = QSSL_STATUS_WANT_READ, rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 100 && (rc > 0 || rs > 0); i++) {
        if (rc > 0) rc = qssl_conn_handshake(c);
        if (rs > 0) rs = qssl_conn_handshake(s);
    }
    CHECK_OK(rc);
    CHECK_OK(rs);
    qssl_conn_free(c);
    qssl_conn_free(s);
    close(sv[0]);
    close(sv[1]);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(verification_failures_and_ignoring) {
    qssl_config_t *sc = server_config(), *cc = client_config();
    /* Wrong name: HostNameMismatch only; the handshake fails. */
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(pair(cc, sc, &c, &s));
    CHECK_OK(qssl_conn_set_peer_verify_name(c, "otherhost"));
    qssl_status_t rc, rs;
    handshake(c, s, &rc, &rs);
    CHECK_STATUS(rc, QSSL_STATUS_VERIFICATION_FAILED);
    qssl_ssl_error_list_t *errs = qssl_conn_ssl_errors(c);
    CHECK_EQ_INT(qssl_ssl_error_list_len(errs), 1);
    CHECK_EQ_INT(qssl_ssl_error_error(qssl_ssl_error_list_get(errs, 0)), QSSL_SSL_ERROR_HOST_NAME_MISMATCH);
    /* Ignoring exactly that list on a new connection lets it through. */
    qssl_conn_t *c2 = NULL, *s2 = NULL;
    CHECK_OK(pair(cc, sc, &c2, &s2));
    CHECK_OK(qssl_conn_set_peer_verify_name(c2, "otherhost"));
    CHECK_OK(qssl_conn_ignore_ssl_errors_list(c2, qssl_ssl_error_list_items(errs), qssl_ssl_error_list_len(errs)));
    handshake(c2, s2, &rc, &rs);
    CHECK_OK(rc);
    qssl_ssl_error_list_free(errs);
    qssl_conn_free(c2);
    qssl_conn_free(s2);
    qssl_conn_free(c);
    qssl_conn_free(s);
    /* Self-signed server: SelfSignedCertificate (9). */
    qssl_config_t *self = qssl_config_default_configuration();
    qssl_cert_t *ss = qtest_load_cert("selfsigned.pem");
    qssl_key_t *sk = qtest_load_key("selfsigned-key.pem");
    qssl_config_set_local_certificate(self, ss);
    qssl_config_set_private_key(self, sk);
    CHECK_OK(pair(cc, self, &c, &s));
    handshake(c, s, &rc, &rs);
    CHECK_STATUS(rc, QSSL_STATUS_VERIFICATION_FAILED);
    errs = qssl_conn_ssl_errors(c);
    CHECK_EQ_INT(qssl_ssl_error_error(qssl_ssl_error_list_get(errs, 0)), QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE);
    qssl_ssl_error_list_free(errs);
    qssl_conn_free(c);
    qssl_conn_free(s);
    /* VerifyNone client: succeeds and still lists the error. */
    CHECK_OK(pair(cc, self, &c, &s));
    CHECK_OK(qssl_conn_set_peer_verify_mode(c, QSSL_PEER_VERIFY_MODE_VERIFY_NONE));
    handshake(c, s, &rc, &rs);
    CHECK_OK(rc);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_cert_free(ss);
    qssl_key_free(sk);
    qssl_config_free(self);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(alpn_client_order_wins) {
    qssl_config_t *sc = server_config(), *cc = client_config();
    const uint8_t *sp[] = {(const uint8_t *)"h2", (const uint8_t *)"http/1.1"};
    const size_t sl[] = {2, 8};
    const uint8_t *cp[] = {(const uint8_t *)"http/1.1", (const uint8_t *)"h2"};
    const size_t cl[] = {8, 2};
    CHECK_OK(qssl_config_set_allowed_next_protocols(sc, sp, sl, 2));
    CHECK_OK(qssl_config_set_allowed_next_protocols(cc, cp, cl, 2));
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(pair(cc, sc, &c, &s));
    qssl_status_t rc, rs;
    handshake(c, s, &rc, &rs);
    CHECK_OK(rc);
    CHECK_OK(rs);
    qssl_config_t *st = qssl_conn_ssl_configuration(c);
    uint8_t p[16];
    size_t n = 0;
    CHECK_OK(qssl_config_next_negotiated_protocol(st, p, sizeof p, &n));
    CHECK(n == 8 && memcmp(p, "http/1.1", 8) == 0);
    CHECK_EQ_INT(qssl_config_next_protocol_negotiation_status(st), QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NEGOTIATED);
    qssl_config_free(st);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

/* ---- PSK ---------------------------------------------------------------- */

struct psk_side {
    const uint8_t *identity;
    size_t identity_len;
    const uint8_t *key;
    size_t key_len;
    int calls;
    int ret;
    int hint_null;
    size_t hint_len, seen_identity_len;
    int max_id, max_key;
    int freed;
};

static int psk_cb(void *ud, qssl_psk_auth_t *auth) {
    struct psk_side *p = ud;
    p->calls++;
    uint8_t buf[1024];
    size_t n = 0;
    p->hint_null = qssl_psk_auth_identity_hint_is_null(auth);
    qssl_psk_auth_identity_hint(auth, buf, sizeof buf, &n);
    p->hint_len = n;
    qssl_psk_auth_identity(auth, buf, sizeof buf, &n);
    p->seen_identity_len = n;
    p->max_id = qssl_psk_auth_maximum_identity_length(auth);
    p->max_key = qssl_psk_auth_maximum_pre_shared_key_length(auth);
    if (p->identity) qssl_psk_auth_set_identity(auth, p->identity, p->identity_len);
    if (p->key) qssl_psk_auth_set_pre_shared_key(auth, p->key, p->key_len);
    return p->ret;
}

static void psk_free(void *ud) { ((struct psk_side *)ud)->freed++; }

/* psk_cb, then: keeps a copy of the borrowed authenticator and swaps it with
 * an owned one holding the same identity and key (copy_equal: the copy
 * equals the data swapped out). */
struct keep_side {
    struct psk_side side; /* first: psk_free and psk_cb take it */
    qssl_psk_auth_t *kept;
    int copy_equal;
};

static int psk_keep_cb(void *ud, qssl_psk_auth_t *auth) {
    struct keep_side *k = ud;
    int r = psk_cb(&k->side, auth);
    k->kept = qssl_psk_auth_copy(auth);
    qssl_psk_auth_t *other = qssl_psk_auth_new();
    qssl_psk_auth_set_pre_shared_key(other, k->side.key, k->side.key_len);
    if (k->side.identity) qssl_psk_auth_set_identity(other, k->side.identity, k->side.identity_len);
    qssl_psk_auth_swap(auth, other);
    k->copy_equal = qssl_psk_auth_equal(k->kept, other);
    qssl_psk_auth_free(other);
    return r;
}

/* The callback psk_run registers (psk_cb unless a test sets another). */
static qssl_psk_callback_t psk_run_cb = psk_cb;

/* A TLS 1.2 PSK pair with the given hint; returns the statuses. */
static void psk_run(struct psk_side *cp, struct psk_side *sp, const uint8_t *hint, size_t hint_len, int proto,
                    const char *ciphers, qssl_status_t *rc, qssl_status_t *rs, qssl_conn_t **out_c,
                    qssl_conn_t **out_s) {
    qssl_config_t *cc = qssl_config_default_configuration(), *sc = qssl_config_default_configuration();
    qssl_config_set_protocol(cc, proto);
    qssl_config_set_protocol(sc, proto);
    qssl_config_set_ciphers_string(cc, ciphers);
    qssl_config_set_ciphers_string(sc, ciphers);
    qssl_config_set_peer_verify_mode(cc, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
    qssl_config_set_pre_shared_key_identity_hint(sc, hint, hint_len);
    qssl_config_set_psk_callback(cc, psk_run_cb, cp, psk_free);
    qssl_config_set_psk_callback(sc, psk_run_cb, sp, psk_free);
    qssl_conn_t *c = NULL, *s = NULL;
    qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c);
    qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s);
    qssl_config_free(cc);
    qssl_config_free(sc);
    handshake(c, s, rc, rs);
    if (out_c) *out_c = c; else qssl_conn_free(c);
    if (out_s) *out_s = s; else qssl_conn_free(s);
}

static const uint8_t KEY6[] = {0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f};

TEST_CASE(psk_tls12_basic_and_user_data_freed_once) {
    struct psk_side cp = {(const uint8_t *)"Client_identity", 15, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    struct psk_side sp = {NULL, 0, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    qssl_status_t rc, rs;
    qssl_conn_t *c = NULL;
    psk_run(&cp, &sp, (const uint8_t *)"QtTestServerHint", 16, QSSL_SSL_PROTOCOL_TLS_V1_2, "PSK-AES256-CBC-SHA", &rc, &rs,
            &c, NULL);
    CHECK_OK(rc);
    CHECK_OK(rs);
    CHECK_EQ_INT(cp.calls, 1);
    CHECK_EQ_INT(sp.calls, 1);
    CHECK_EQ_INT(cp.hint_len, 16);
    CHECK_EQ_INT(cp.max_id, 255);
    CHECK_EQ_INT(cp.max_key, 512);
    CHECK_EQ_INT(sp.seen_identity_len, 15);
    CHECK_EQ_INT(sp.max_id, 0);
    CHECK_EQ_INT(sp.max_key, 512);
    qssl_cipher_t *ci = qssl_conn_session_cipher(c);
    char name[64];
    size_t n;
    qssl_cipher_name(ci, name, sizeof name, &n);
    CHECK_EQ_STR(name, "PSK-AES256-CBC-SHA");
    qssl_cipher_free(ci);
    CHECK_EQ_INT(cp.freed, 0); /* the connection still holds the registration */
    qssl_conn_free(c);
    CHECK_EQ_INT(cp.freed, 1);
    CHECK_EQ_INT(sp.freed, 1);
}

TEST_CASE(psk_truncation_rules) {
    static uint8_t id300[300], key600[600];
    memset(id300, 'i', sizeof id300);
    for (size_t i = 0; i < sizeof key600; i++) key600[i] = (uint8_t)i;
    /* 300-byte identity arrives as 255 bytes; the server using the 512-byte prefix succeeds. */
    struct psk_side cp = {id300, 300, key600, 600, 0, 0, 0, 0, 0, 0, 0, 0};
    struct psk_side sp = {NULL, 0, key600, 512, 0, 0, 0, 0, 0, 0, 0, 0};
    qssl_status_t rc, rs;
    psk_run(&cp, &sp, NULL, 0, QSSL_SSL_PROTOCOL_TLS_V1_2, "PSK-AES256-CBC-SHA", &rc, &rs, NULL, NULL);
    CHECK_OK(rc);
    CHECK_OK(rs);
    CHECK_EQ_INT(sp.seen_identity_len, 255);
    /* Server with only 511 bytes: bad_record_mac (20) from the server. */
    struct psk_side cp2 = {id300, 10, key600, 600, 0, 0, 0, 0, 0, 0, 0, 0};
    struct psk_side sp2 = {NULL, 0, key600, 511, 0, 0, 0, 0, 0, 0, 0, 0};
    qssl_conn_t *s = NULL;
    psk_run(&cp2, &sp2, NULL, 0, QSSL_SSL_PROTOCOL_TLS_V1_2, "PSK-AES256-CBC-SHA", &rc, &rs, NULL, &s);
    CHECK(rc < 0 && rs < 0);
    qssl_alert_level_t lvl = -1;
    qssl_alert_type_t typ = -1;
    CHECK(qssl_conn_alert_sent(s, &lvl, &typ));
    CHECK_EQ_INT(lvl, QSSL_ALERT_LEVEL_FATAL);
    CHECK_EQ_INT(typ, QSSL_ALERT_TYPE_BAD_RECORD_MAC);
    qssl_conn_free(s);
}

/* The borrowed authenticator copied and swapped inside the callback (both
 * sides, TLS 1.2 and 1.3): the copy keeps its values after the callback,
 * and the handshake uses the key the borrowed handle holds at return. */
TEST_CASE(psk_borrowed_authenticator_copied_and_swapped) {
    static uint8_t key100[100];
    for (size_t i = 0; i < sizeof key100; i++) key100[i] = (uint8_t)(i * 7);
    const int protos[] = {QSSL_SSL_PROTOCOL_TLS_V1_2, QSSL_SSL_PROTOCOL_TLS_V1_3};
    const char *suites[] = {"PSK-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"};
    for (int t = 0; t < 2; t++) {
        for (int k = 0; k < 2; k++) {
            size_t klen = k ? sizeof key100 : 6; /* in place and on the heap */
            const uint8_t *key = k ? key100 : KEY6;
            struct keep_side cp = {{(const uint8_t *)"copied-client", 13, key, klen, 0, 0, 0, 0, 0, 0, 0, 0}, NULL, 0};
            struct keep_side sp = {{NULL, 0, key, klen, 0, 0, 0, 0, 0, 0, 0, 0}, NULL, 0};
            qssl_status_t rc, rs;
            psk_run_cb = psk_keep_cb;
            psk_run(&cp.side, &sp.side, NULL, 0, protos[t], suites[t], &rc, &rs, NULL, NULL);
            psk_run_cb = psk_cb;
            CHECK_OK(rc);
            CHECK_OK(rs);
            CHECK_EQ_INT(cp.side.calls, 1);
            CHECK_EQ_INT(sp.side.calls, 1);
            CHECK(cp.copy_equal && sp.copy_equal);
            uint8_t buf[128];
            size_t n = 0;
            CHECK_OK(qssl_psk_auth_pre_shared_key(sp.kept, buf, sizeof buf, &n));
            CHECK(n == klen && memcmp(buf, key, klen) == 0);
            CHECK_OK(qssl_psk_auth_identity(sp.kept, buf, sizeof buf, &n));
            CHECK(n == 13 && memcmp(buf, "copied-client", 13) == 0);
            CHECK_EQ_INT(qssl_psk_auth_maximum_pre_shared_key_length(sp.kept), 512);
            CHECK_OK(qssl_psk_auth_identity(cp.kept, buf, sizeof buf, &n));
            CHECK(n == 13 && memcmp(buf, "copied-client", 13) == 0);
            CHECK_EQ_INT(qssl_psk_auth_maximum_identity_length(cp.kept), 255);
            qssl_psk_auth_free(cp.kept);
            qssl_psk_auth_free(sp.kept);
        }
    }
}

TEST_CASE(psk_empty_keys_refuse) {
    /* Client empty key: client sends handshake_failure (40), server callback never runs. */
    struct psk_side cp = {(const uint8_t *)"id", 2, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    struct psk_side sp = {NULL, 0, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    qssl_status_t rc, rs;
    qssl_conn_t *c = NULL;
    psk_run(&cp, &sp, NULL, 0, QSSL_SSL_PROTOCOL_TLS_V1_2, "PSK-AES256-CBC-SHA", &rc, &rs, &c, NULL);
    CHECK_STATUS(rc, QSSL_STATUS_CALLBACK_REFUSED);
    CHECK(rs < 0);
    CHECK_EQ_INT(sp.calls, 0);
    qssl_alert_type_t typ = -1;
    CHECK(qssl_conn_alert_sent(c, NULL, &typ));
    CHECK_EQ_INT(typ, QSSL_ALERT_TYPE_HANDSHAKE_FAILURE);
    qssl_conn_free(c);
    /* Server empty key: unknown_psk_identity (115). */
    struct psk_side cp2 = {(const uint8_t *)"id", 2, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    struct psk_side sp2 = {NULL, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    qssl_conn_t *s = NULL;
    psk_run(&cp2, &sp2, NULL, 0, QSSL_SSL_PROTOCOL_TLS_V1_2, "PSK-AES256-CBC-SHA", &rc, &rs, NULL, &s);
    CHECK(rc < 0);
    CHECK_STATUS(rs, QSSL_STATUS_CALLBACK_REFUSED);
    CHECK(qssl_conn_alert_sent(s, NULL, &typ));
    CHECK_EQ_INT(typ, QSSL_ALERT_TYPE_UNKNOWN_PSK_IDENTITY);
    qssl_conn_free(s);
    /* Non-zero return aborts. */
    struct psk_side cp3 = {(const uint8_t *)"id", 2, KEY6, 6, 0, 7, 0, 0, 0, 0, 0, 0};
    struct psk_side sp3 = {NULL, 0, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    psk_run(&cp3, &sp3, NULL, 0, QSSL_SSL_PROTOCOL_TLS_V1_2, "PSK-AES256-CBC-SHA", &rc, &rs, &c, NULL);
    CHECK_STATUS(rc, QSSL_STATUS_CALLBACK_REFUSED);
    /* The server's failure came last on this thread; ask the client again. */
    CHECK_ERROR(qssl_conn_handshake(c), QSSL_STATUS_CALLBACK_REFUSED, "returned 7");
    qssl_conn_free(c);
}

TEST_CASE(psk_hints_null_and_empty_reach_client_as_null) {
    struct psk_side cp = {(const uint8_t *)"id", 2, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    struct psk_side sp = {NULL, 0, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    qssl_status_t rc, rs;
    const uint8_t e = 0;
    psk_run(&cp, &sp, &e, 0, QSSL_SSL_PROTOCOL_TLS_V1_2, "PSK-AES256-CBC-SHA", &rc, &rs, NULL, NULL);
    CHECK_OK(rc);
    CHECK(cp.hint_null);
    CHECK(!sp.hint_null); /* the server's own authenticator reports empty */
    struct psk_side cp2 = cp, sp2 = sp;
    cp2.calls = sp2.calls = 0;
    psk_run(&cp2, &sp2, NULL, 0, QSSL_SSL_PROTOCOL_TLS_V1_2, "PSK-AES256-CBC-SHA", &rc, &rs, NULL, NULL);
    CHECK_OK(rc);
    CHECK(cp2.hint_null);
    CHECK(sp2.hint_null);
}

TEST_CASE(psk_tls13_external_both_hashes) {
    const char *suites[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"};
    for (int i = 0; i < 2; i++) {
        struct psk_side cp = {(const uint8_t *)"Client_identity", 15, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
        struct psk_side sp = {NULL, 0, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
        qssl_status_t rc, rs;
        qssl_conn_t *c = NULL;
        psk_run(&cp, &sp, NULL, 0, QSSL_SSL_PROTOCOL_TLS_V1_3, suites[i], &rc, &rs, &c, NULL);
        CHECK_OK(rc);
        CHECK_OK(rs);
        CHECK_EQ_INT(qssl_conn_session_protocol(c), QSSL_SSL_PROTOCOL_TLS_V1_3);
        CHECK(cp.hint_null); /* no hint in TLS 1.3 */
        CHECK_EQ_INT(sp.seen_identity_len, 15);
        qssl_conn_free(c);
    }
}

static int conn_level_called;
static int conn_psk(void *ud, qssl_psk_auth_t *auth) {
    (void)ud;
    conn_level_called++;
    qssl_psk_auth_set_identity(auth, (const uint8_t *)"conn", 4);
    qssl_psk_auth_set_pre_shared_key(auth, KEY6, 6);
    return 0;
}

TEST_CASE(psk_connection_callback_wins) {
    struct psk_side cfg_side = {(const uint8_t *)"cfg", 3, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    struct psk_side sp = {NULL, 0, KEY6, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    qssl_config_t *cc = qssl_config_default_configuration(), *sc = qssl_config_default_configuration();
    qssl_config_set_protocol(cc, QSSL_SSL_PROTOCOL_TLS_V1_2);
    qssl_config_set_protocol(sc, QSSL_SSL_PROTOCOL_TLS_V1_2);
    qssl_config_set_ciphers_string(cc, "PSK-AES128-GCM-SHA256");
    qssl_config_set_ciphers_string(sc, "PSK-AES128-GCM-SHA256");
    qssl_config_set_peer_verify_mode(cc, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
    qssl_config_set_psk_callback(cc, psk_cb, &cfg_side, NULL);
    qssl_config_set_psk_callback(sc, psk_cb, &sp, NULL);
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c));
    CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s));
    conn_level_called = 0;
    CHECK_OK(qssl_conn_set_psk_callback(c, conn_psk, NULL, NULL));
    qssl_status_t rc, rs;
    handshake(c, s, &rc, &rs);
    CHECK_OK(rc);
    CHECK_EQ_INT(conn_level_called, 1);
    CHECK_EQ_INT(cfg_side.calls, 0);
    CHECK_EQ_INT(sp.seen_identity_len, 4);
    CHECK_STATUS(qssl_conn_set_psk_callback(c, conn_psk, NULL, NULL), QSSL_STATUS_INVALID_STATE);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(configuration_errors_before_io) {
    qssl_config_t *c = qssl_config_new();
    qssl_conn_t *conn = (qssl_conn_t *)1;
    CHECK_OK(qssl_config_set_protocol(c, QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER));
    CHECK_ERROR(qssl_conn_new_memory(c, QSSL_SSL_MODE_SSL_CLIENT_MODE, &conn), QSSL_STATUS_INVALID_ARGUMENT,
                "cannot be used on a TLS connection");
    CHECK(conn == NULL);
    CHECK_OK(qssl_config_set_protocol(c, QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL));
    CHECK_STATUS(qssl_conn_new_memory(c, QSSL_SSL_MODE_SSL_CLIENT_MODE, &conn), QSSL_STATUS_INVALID_ARGUMENT);
    qssl_config_free(c);
    /* Certificate without key; key mismatch. */
    c = qssl_config_new();
    qssl_cert_t *cert = qtest_load_cert("server.pem");
    qssl_config_set_local_certificate(c, cert);
    CHECK_ERROR(qssl_conn_new_memory(c, QSSL_SSL_MODE_SSL_SERVER_MODE, &conn), QSSL_STATUS_INVALID_ARGUMENT,
                "no private key");
    qssl_key_t *other = qtest_load_key("client-key.pem");
    qssl_config_set_private_key(c, other);
    CHECK_ERROR(qssl_conn_new_memory(c, QSSL_SSL_MODE_SSL_SERVER_MODE, &conn), QSSL_STATUS_INVALID_ARGUMENT,
                "does not match");
    qssl_key_free(other);
    qssl_cert_free(cert);
    qssl_config_free(c);
    /* Unknown backend command; non-bytes backend value. */
    c = server_config();
    qssl_config_set_backend_configuration_option_bytes(c, "NoSuchCommand", (const uint8_t *)"1", 1);
    CHECK_ERROR(qssl_conn_new_memory(c, QSSL_SSL_MODE_SSL_SERVER_MODE, &conn), QSSL_STATUS_INVALID_ARGUMENT,
                "NoSuchCommand");
    qssl_config_set_backend_configuration(c, NULL);
    qssl_config_set_backend_configuration_option_int(c, "MinProtocol", 42);
    CHECK_ERROR(qssl_conn_new_memory(c, QSSL_SSL_MODE_SSL_SERVER_MODE, &conn), QSSL_STATUS_INVALID_ARGUMENT,
                "must be bytes");
    qssl_config_free(c);
    /* Server OCSP stapling is refused cleanly. */
    c = server_config();
    qssl_config_set_ocsp_stapling_enabled(c, true);
    CHECK_ERROR(qssl_conn_new_memory(c, QSSL_SSL_MODE_SSL_SERVER_MODE, &conn), QSSL_STATUS_UNSUPPORTED, "OCSP");
    qssl_config_free(c);
}

TEST_CASE(backend_min_protocol_applies) {
    qssl_config_t *sc = server_config(), *cc = client_config();
    CHECK_OK(qssl_config_set_backend_configuration_option_bytes(sc, "MinProtocol", (const uint8_t *)"TLSv1.3", 7));
    CHECK_OK(qssl_config_set_protocol(cc, QSSL_SSL_PROTOCOL_TLS_V1_2));
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(pair(cc, sc, &c, &s));
    qssl_status_t rc, rs;
    handshake(c, s, &rc, &rs);
    CHECK_STATUS(rc, QSSL_STATUS_TLS);
    qssl_alert_type_t typ = -1;
    CHECK(qssl_conn_alert_received(c, NULL, &typ));
    CHECK_EQ_INT(typ, QSSL_ALERT_TYPE_PROTOCOL_VERSION);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(resumption_through_the_c_api) {
    qssl_config_t *sc = server_config(), *cc = client_config();
    CHECK_OK(qssl_config_set_ssl_option(cc, QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, false));
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(pair(cc, sc, &c, &s));
    qssl_status_t rc, rs;
    handshake(c, s, &rc, &rs);
    CHECK_OK(rc);
    size_t n;
    CHECK_OK(qssl_conn_write(s, (const uint8_t *)"x", 1, &n));
    qtest_shuttle(s, c);
    uint8_t buf[8];
    CHECK_OK(qssl_conn_read(c, buf, sizeof buf, &n));
    qssl_config_t *saved = qssl_conn_ssl_configuration(c);
    CHECK(!qssl_config_session_ticket_is_null(saved));
    CHECK_EQ_INT(qssl_config_session_ticket_life_time_hint(saved), 7200);
    qssl_conn_free(c);
    qssl_conn_free(s);
    CHECK_OK(pair(saved, sc, &c, &s));
    handshake(c, s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(qssl_conn_session_resumed(c));
    qssl_conn_free(c);
    qssl_conn_free(s);
    /* A garbage ticket is ignored: a full handshake, no crash. */
    CHECK_OK(qssl_config_set_session_ticket(saved, (const uint8_t *)"garbage", 7));
    CHECK_OK(pair(saved, sc, &c, &s));
    handshake(c, s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(!qssl_conn_session_resumed(c));
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(saved);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(bad_input) {
    qssl_conn_t *c = (qssl_conn_t *)1;
    qssl_config_t *cfg = qssl_config_new();
    CHECK_STATUS(qssl_conn_new_memory(NULL, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c), QSSL_STATUS_NULL_ARGUMENT);
    CHECK(c == NULL);
    CHECK_ERROR(qssl_conn_new_memory(cfg, 7, &c), QSSL_STATUS_INVALID_ARGUMENT, "unknown SSL mode 7");
    CHECK_ERROR(qssl_conn_new_memory(cfg, QSSL_SSL_MODE_UNENCRYPTED_MODE, &c), QSSL_STATUS_INVALID_ARGUMENT,
                "UnencryptedMode");
    CHECK_STATUS(qssl_conn_new_memory(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_ERROR(qssl_conn_new_fd(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, -1, &c), QSSL_STATUS_INVALID_ARGUMENT,
                "file descriptor");
    CHECK_OK(qssl_conn_new_memory(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c));
    size_t n = 9;
    uint8_t buf[4];
    CHECK_STATUS(qssl_conn_read(c, buf, sizeof buf, &n), QSSL_STATUS_INVALID_STATE);
    CHECK_EQ_INT(n, 0);
    CHECK_STATUS(qssl_conn_write(c, buf, 4, &n), QSSL_STATUS_INVALID_STATE);
    CHECK_STATUS(qssl_conn_shutdown(c), QSSL_STATUS_INVALID_STATE);
    CHECK_STATUS(qssl_conn_read(c, NULL, 4, &n), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_conn_feed(c, NULL, 3), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_conn_take_output(c, NULL, 0, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_ERROR(qssl_conn_set_peer_verify_name(c, "bad\xff"), QSSL_STATUS_INVALID_ARGUMENT, "UTF-8");
    /* Not ASCII but UTF-8: kept as given. */
    CHECK_OK(qssl_conn_set_peer_verify_name(c, "h\xc3\xa9.test."));
    {
        char name[16];
        size_t len = 0;
        CHECK_OK(qssl_conn_peer_verify_name(c, name, sizeof name, &len));
        CHECK_EQ_INT(len, 9);
        CHECK(memcmp(name, "h\xc3\xa9.test.", 9) == 0);
    }
    CHECK_STATUS(qssl_conn_set_peer_verify_mode(c, 9), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_conn_handshake(NULL), QSSL_STATUS_NULL_ARGUMENT);
    /* Garbage from the "server": a clear TLS error, no crash. */
    CHECK_STATUS(qssl_conn_handshake(c), QSSL_STATUS_WANT_READ);
    CHECK_OK(qssl_conn_feed(c, (const uint8_t *)"HTTP/1.1 400 Bad Request\r\n\r\n", 28));
    qssl_status_t st = qssl_conn_handshake(c);
    CHECK(st == QSSL_STATUS_TLS);
    CHECK(strlen(qssl_last_error_message()) > 10);
    CHECK_STATUS(qssl_conn_handshake(c), QSSL_STATUS_TLS); /* stays failed */
    qssl_conn_free(c);
    /* Peer closes mid-handshake. */
    CHECK_OK(qssl_conn_new_memory(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c));
    CHECK_STATUS(qssl_conn_handshake(c), QSSL_STATUS_WANT_READ);
    CHECK_OK(qssl_conn_feed_eof(c));
    st = qssl_conn_handshake(c);
    CHECK(st < 0);
    qssl_conn_free(c);
    qssl_conn_free(NULL);
    CHECK(!qssl_conn_is_encrypted(NULL));
    CHECK_EQ_INT(qssl_conn_pending(NULL), 0);
    CHECK(qssl_conn_ssl_configuration(NULL) == NULL);
    qssl_config_free(cfg);
}

TEST_CASE(openssl_context_bridge) {
    qssl_config_t *cc = client_config();
    void *ctx = NULL;
    CHECK_OK(qssl_config_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &ctx));
    CHECK(ctx != NULL);
    void *ctx2 = NULL;
    CHECK_OK(qssl_config_openssl_context(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &ctx2));
    CHECK(ctx != ctx2); /* each call builds the caller's own context */
    /* Release the caller's references with OpenSSL's own function. */
    extern void SSL_CTX_free(void *);
    SSL_CTX_free(ctx);
    SSL_CTX_free(ctx2);
    CHECK_STATUS(qssl_config_set_session_state_from_openssl(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, NULL),
                 QSSL_STATUS_NULL_ARGUMENT);
    qssl_config_free(cc);
}

/* The zero-copy memory transport: moves what `from` lent into the space `to`
 * lent, taking at most `chunk` bytes per step (partial takes and commits). */

static int zc_shuttle(qssl_conn_t *from, qssl_conn_t *to, size_t chunk) {
    int moved = 0;
    for (;;) {
        const uint8_t *data = NULL;
        size_t len = 0;
        if (qssl_conn_peek_output(from, &data, &len) != QSSL_STATUS_OK || len == 0) return moved;
        size_t n = len < chunk ? len : chunk;
        uint8_t *space = NULL;
        size_t cap = 0;
        if (qssl_conn_input_space(to, n, &space, &cap) != QSSL_STATUS_OK || cap < n) return -1;
        memcpy(space, data, n);
        if (qssl_conn_commit_input(to, n) != QSSL_STATUS_OK) return -1;
        if (qssl_conn_consume_output(from, n) != QSSL_STATUS_OK) return -1;
        moved = 1;
    }
}

TEST_CASE(zero_copy_memory_transport) {
    qssl_config_t *sc = server_config(), *cc = client_config();
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(pair(cc, sc, &c, &s));
    qssl_status_t rc = QSSL_STATUS_WANT_READ, rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 50 && (rc > 0 || rs > 0); i++) {
        if (rc > 0) rc = qssl_conn_handshake(c);
        CHECK(zc_shuttle(c, s, 777) >= 0);
        if (rs > 0) rs = qssl_conn_handshake(s);
        CHECK(zc_shuttle(s, c, 100000) >= 0);
    }
    CHECK_OK(rc);
    CHECK_OK(rs);
    /* 64 KiB client -> server in 3000-byte writes, moved 1000 bytes at a time;
     * the server reads with the copying API in between. */
    static uint8_t big[64 * 1024], got[64 * 1024];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7 + (i >> 9));
    size_t sent = 0, recvd = 0, n = 0;
    while (recvd < sizeof big) {
        if (sent < sizeof big) {
            size_t w = sizeof big - sent < 3000 ? sizeof big - sent : 3000;
            CHECK_OK(qssl_conn_write(c, big + sent, w, &n));
            sent += n;
        }
        CHECK(zc_shuttle(c, s, 1000) >= 0);
        qssl_status_t st = qssl_conn_read(s, got + recvd, sizeof got - recvd, &n);
        CHECK(st == QSSL_STATUS_OK || st == QSSL_STATUS_WANT_READ);
        recvd += n;
    }
    CHECK(memcmp(big, got, sizeof big) == 0);
    /* Mixed with the copying functions: the server answers; the client gets
     * part by take_output/feed and the rest by lending. */
    CHECK_OK(qssl_conn_write(s, (const uint8_t *)"pong pong pong", 14, &n));
    uint8_t tmp[10];
    CHECK_OK(qssl_conn_take_output(s, tmp, sizeof tmp, &n));
    CHECK_EQ_INT(n, 10);
    CHECK_OK(qssl_conn_feed(c, tmp, n));
    CHECK(zc_shuttle(s, c, 3) == 1);
    CHECK_EQ_INT(qssl_conn_pending_output(s), 0);
    uint8_t buf[64];
    size_t total = 0;
    for (int i = 0; i < 4 && total < 14; i++) {
        qssl_status_t st = qssl_conn_read(c, buf + total, sizeof buf - total, &n);
        if (st == QSSL_STATUS_WANT_READ) continue;
        CHECK_OK(st);
        total += n;
    }
    CHECK(total == 14 && memcmp(buf, "pong pong pong", 14) == 0);

    /* Nothing waiting: NULL and 0. */
    const uint8_t *data = (const uint8_t *)"x";
    size_t len = 99;
    CHECK_OK(qssl_conn_peek_output(c, &data, &len));
    CHECK(data == NULL && len == 0);
    CHECK_OK(qssl_conn_consume_output(c, 0));
    /* Misuse is an error, never a crash. */
    CHECK_STATUS(qssl_conn_consume_output(c, 1), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_conn_commit_input(c, 1), QSSL_STATUS_INVALID_STATE);
    uint8_t *space = NULL;
    size_t cap = 0;
    CHECK_OK(qssl_conn_input_space(c, 0, &space, &cap));
    CHECK(space != NULL && cap >= 4096);
    CHECK_STATUS(qssl_conn_commit_input(c, cap + 1), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_OK(qssl_conn_feed(c, tmp, 0)); /* a feed takes the back: the lend ends */
    CHECK_STATUS(qssl_conn_commit_input(c, 1), QSSL_STATUS_INVALID_STATE);
    CHECK_STATUS(qssl_conn_input_space(c, (size_t)1 << 40, &space, &cap), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK(space == NULL && cap == 0);
    CHECK_STATUS(qssl_conn_peek_output(NULL, &data, &len), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_conn_peek_output(c, NULL, &len), QSSL_STATUS_NULL_ARGUMENT);
    /* A socket connection has no memory transport. */
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    qssl_conn_t *fdc = NULL;
    CHECK_OK(qssl_conn_new_fd(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, sv[0], &fdc));
    CHECK_STATUS(qssl_conn_peek_output(fdc, &data, &len), QSSL_STATUS_INVALID_STATE);
    CHECK_STATUS(qssl_conn_input_space(fdc, 16, &space, &cap), QSSL_STATUS_INVALID_STATE);
    CHECK_STATUS(qssl_conn_consume_output(fdc, 0), QSSL_STATUS_INVALID_STATE);
    CHECK_STATUS(qssl_conn_commit_input(fdc, 0), QSSL_STATUS_INVALID_STATE);
    qssl_conn_free(fdc);
    close(sv[0]);
    close(sv[1]);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}
