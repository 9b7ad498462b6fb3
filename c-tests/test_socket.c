/* QSslSocket: the static members (qssl_socket_*: library versions, Qt 6's
 * TLS backend API) and the per-connection protocol and peer verify depth
 * (qssl_conn_set_protocol, qssl_conn_set_peer_verify_depth) with real
 * handshakes over the memory transport. */
#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "qtest.h"

/* Fills `buf` through one of the list functions; returns the count or -1. */
typedef qssl_status_t (*list_fn)(const char *, int32_t *, size_t, size_t *);

static long list_of(list_fn f, const char *backend, int32_t *buf, size_t cap) {
    size_t n = 12345;
    /* Size query first: NULL buffer, capacity 0. */
    qssl_status_t st = f(backend, NULL, 0, &n);
    if (n == 0) return st == QSSL_STATUS_OK ? 0 : -1;
    if (st != QSSL_STATUS_BUFFER_TOO_SMALL || n > cap) return -1;
    size_t m = 0;
    if (f(backend, buf, cap, &m) != QSSL_STATUS_OK || m != n) return -1;
    return (long)n;
}

static int same(const int32_t *got, long n, const int32_t *want, long wn) {
    if (n != wn) return 0;
    for (long i = 0; i < n; i++)
        if (got[i] != want[i]) return 0;
    return 1;
}

TEST_CASE(library_versions) {
    CHECK(qssl_socket_supports_ssl());
    CHECK_EQ_INT(qssl_socket_ssl_library_version_number(), (long)OpenSSL_version_num());
    CHECK_EQ_STR(qssl_socket_ssl_library_version_string(), OpenSSL_version(OPENSSL_VERSION));
    CHECK_EQ_STR(qssl_socket_ssl_library_version_string(), qssl_openssl_version());
    /* This test is compiled against the headers qssl was built against. */
    CHECK_EQ_INT(qssl_socket_ssl_library_build_version_number(), (long)OPENSSL_VERSION_NUMBER);
    CHECK_EQ_STR(qssl_socket_ssl_library_build_version_string(), OPENSSL_VERSION_TEXT);
    /* The runtime text names the runtime number: "OpenSSL M.N.P ...". */
    unsigned M = 0, N = 0, P = 0;
    CHECK(sscanf(qssl_socket_ssl_library_version_string(), "OpenSSL %u.%u.%u", &M, &N, &P) == 3);
    CHECK_EQ_INT(qssl_socket_ssl_library_version_number(),
                 (long)(((unsigned long)M << 28) | ((unsigned long)N << 20) | (P << 4)));
}

TEST_CASE(backends) {
    CHECK_EQ_STR(qssl_socket_active_backend(), "openssl");
    qssl_bytes_list_t *l = qssl_socket_available_backends();
    CHECK(l != NULL);
    CHECK_EQ_INT(qssl_bytes_list_len(l), 1);
    const uint8_t *data = NULL;
    size_t len = 0;
    CHECK_OK(qssl_bytes_list_get(l, 0, &data, &len));
    CHECK(len == 7 && memcmp(data, "openssl", 7) == 0);
    qssl_bytes_list_free(l);

    CHECK(qssl_socket_set_active_backend("openssl"));
    CHECK(!qssl_socket_set_active_backend("cert-only"));
    CHECK(!qssl_socket_set_active_backend(""));
    CHECK(!qssl_socket_set_active_backend("OpenSSL"));
    qssl_clear_last_error();
    CHECK(!qssl_socket_set_active_backend(NULL));
    CHECK(strstr(qssl_last_error_message(), "backend_name") != NULL);
    CHECK_EQ_STR(qssl_socket_active_backend(), "openssl");
}

TEST_CASE(classes_and_features) {
    int32_t buf[16];
    const bool dtls = qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_DTLS, NULL);
    /* One switch covers both DTLS classes. */
    CHECK(dtls == qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_DTLS_COOKIE, NULL));
    /* Qt's order for its OpenSSL backend. */
    const int32_t with_dtls[] = {0, 1, 2, 5, 6, 4, 3};
    const int32_t without_dtls[] = {0, 1, 2, 4, 3};
    long n = list_of(qssl_socket_implemented_classes, NULL, buf, 16);
    CHECK(dtls ? same(buf, n, with_dtls, 7) : same(buf, n, without_dtls, 5));
    CHECK_EQ_INT(list_of(qssl_socket_implemented_classes, "", buf, 16), n);
    CHECK_EQ_INT(list_of(qssl_socket_implemented_classes, "openssl", buf, 16), n);
    CHECK_EQ_INT(list_of(qssl_socket_implemented_classes, "cert-only", buf, 16), 0);
    CHECK(qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_KEY, NULL));
    CHECK(qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_CERTIFICATE, "openssl"));
    CHECK(qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_SOCKET, ""));
    CHECK(qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_DIFFIE_HELLMAN, NULL));
    CHECK(qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_ELLIPTIC_CURVE, NULL));
    CHECK(!qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_KEY, "cert-only"));

    const int32_t features[] = {0, 1, 2, 3, 4, 5, 6};
    n = list_of(qssl_socket_supported_features, NULL, buf, 16);
    CHECK(same(buf, n, features, 7));
    for (int32_t f = 0; f <= 6; f++) {
        CHECK(qssl_socket_is_feature_supported(f, NULL));
        CHECK(!qssl_socket_is_feature_supported(f, "schannel"));
    }
    CHECK_EQ_INT(QSSL_SUPPORTED_FEATURE_OCSP, 3);
    CHECK_EQ_INT(QSSL_SUPPORTED_FEATURE_ALERTS, 6);
    CHECK_EQ_INT(QSSL_IMPLEMENTED_CLASS_DTLS_COOKIE, 6);

    /* Values outside the enums are errors, never "false" in silence. */
    qssl_clear_last_error();
    CHECK(!qssl_socket_is_feature_supported(7, NULL));
    CHECK(strstr(qssl_last_error_message(), "unknown feature value 7") != NULL);
    CHECK(!qssl_socket_is_class_implemented(-1, NULL));
    CHECK(strstr(qssl_last_error_message(), "unknown class value -1") != NULL);
}

TEST_CASE(protocols_are_the_ones_a_connection_accepts) {
    int32_t buf[16];
    const bool dtls = qssl_socket_is_class_implemented(QSSL_IMPLEMENTED_CLASS_DTLS, NULL);
    const int32_t tls[] = {3, 4, 0, 5, 1, 6, 2, 7, 12, 13};
    const int32_t all[] = {3, 4, 0, 5, 1, 6, 2, 7, 12, 13, 8, 9, 10, 11};
    long n = list_of(qssl_socket_supported_protocols, NULL, buf, 16);
    CHECK(dtls ? same(buf, n, all, 14) : same(buf, n, tls, 10));
    CHECK_EQ_INT(list_of(qssl_socket_supported_protocols, "openssl", buf, 16), n);
    CHECK_EQ_INT(list_of(qssl_socket_supported_protocols, "cert-only", buf, 16), 0);
    /* A buffer one short is refused and left alone. */
    size_t got = 0;
    int32_t small[16] = {0};
    CHECK_STATUS(qssl_socket_supported_protocols(NULL, small, (size_t)n - 1, &got),
                 QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(got, n);
    CHECK_EQ_INT(small[0], 0);
    CHECK_STATUS(qssl_socket_supported_protocols(NULL, buf, 16, NULL), QSSL_STATUS_NULL_ARGUMENT);

    /* Truthful for TLS: every supported protocol gives a connection; a TLS
     * protocol value that is not listed does not exist. */
    for (int32_t p = QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL; p <= QSSL_SSL_PROTOCOL_TLS_V1_3_OR_LATER; p++) {
        bool listed = false;
        for (long i = 0; i < n; i++) listed = listed || buf[i] == p;
        CHECK(qssl_socket_is_protocol_supported(p, NULL) == listed);
        CHECK(!qssl_socket_is_protocol_supported(p, "cert-only"));
        if (p >= 8 && p <= 11) {
            /* DTLS runs on its own handle, qssl_dtls_t. */
            CHECK(listed == dtls);
            if (!dtls) continue;
            qssl_config_t *cfg = qssl_config_default_dtls_configuration();
            qssl_dtls_t *d = NULL;
            CHECK(cfg != NULL);
            CHECK_OK(qssl_config_set_protocol(cfg, p));
            CHECK_OK(qssl_dtls_new(QSSL_SSL_MODE_SSL_CLIENT_MODE, &d));
            qssl_status_t st = qssl_dtls_set_dtls_configuration(d, cfg);
            qssl_dtls_free(d);
            qssl_config_free(cfg);
            CHECK_OK(st);
            continue;
        }
        qssl_config_t *cfg = qssl_config_new();
        CHECK(cfg != NULL);
        /* An explicit (empty) CA list: no system roots to load per context. */
        CHECK_OK(qssl_config_set_ca_certificates(cfg, NULL, 0));
        qssl_conn_t *conn = NULL;
        qssl_status_t st = QSSL_STATUS_INVALID_ARGUMENT;
        if (qssl_config_set_protocol(cfg, p) == QSSL_STATUS_OK)
            st = qssl_conn_new_memory(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, &conn);
        qssl_conn_free(conn);
        qssl_config_free(cfg);
        if (listed) {
            CHECK_OK(st);
        } else {
            CHECK(st != QSSL_STATUS_OK);
        }
    }
    qssl_clear_last_error();
    CHECK(!qssl_socket_is_protocol_supported(14, NULL));
    CHECK(strstr(qssl_last_error_message(), "unknown protocol value 14") != NULL);
}


/* ---- per-connection protocol and verify depth ------------------------------------- */

static qssl_config_t *chain_config(const char *leaf, const char *key_name, const char *const *inters,
                                   size_t n) {
    qssl_config_t *c = qssl_config_default_configuration();
    const qssl_cert_t *chain[4] = {NULL};
    qssl_cert_t *owned[4] = {NULL};
    size_t len = 0, key_len = 0;
    unsigned char *pem = qtest_read_fixture(leaf, &len);
    unsigned char *kp = qtest_read_fixture(key_name, &key_len);
    qssl_key_t *key = NULL;
    if (c == NULL || pem == NULL || kp == NULL || n > 3) goto out;
    if (qssl_cert_from_pem(pem, len, &owned[0]) != QSSL_STATUS_OK) goto out;
    for (size_t i = 0; i < n; i++) {
        size_t il = 0;
        unsigned char *ip = qtest_read_fixture(inters[i], &il);
        qssl_status_t st = ip ? qssl_cert_from_pem(ip, il, &owned[i + 1]) : QSSL_STATUS_IO;
        free(ip);
        if (st != QSSL_STATUS_OK) goto out;
    }
    for (size_t i = 0; i <= n; i++) chain[i] = owned[i];
    if (qssl_config_set_local_certificate_chain(c, chain, n + 1) != QSSL_STATUS_OK) goto out;
    if (qssl_key_from_pem(kp, key_len, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0,
                          &key) != QSSL_STATUS_OK &&
        qssl_key_from_pem(kp, key_len, QSSL_KEY_ALGORITHM_EC, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0,
                          &key) != QSSL_STATUS_OK)
        goto out;
    qssl_config_set_private_key(c, key);
out:
    qssl_key_free(key);
    for (size_t i = 0; i < 4; i++) qssl_cert_free(owned[i]);
    free(pem);
    free(kp);
    return c;
}

static qssl_config_t *trusting_client(void) {
    qssl_config_t *c = qssl_config_default_configuration();
    size_t len = 0;
    unsigned char *pem = qtest_read_fixture("ca.pem", &len);
    qssl_cert_t *ca = NULL;
    if (pem && qssl_cert_from_pem(pem, len, &ca) == QSSL_STATUS_OK) {
        const qssl_cert_t *cas[] = {ca};
        qssl_config_set_ca_certificates(c, cas, 1);
    }
    qssl_cert_free(ca);
    free(pem);
    return c;
}

static int move_bytes(qssl_conn_t *from, qssl_conn_t *to) {
    uint8_t buf[4096];
    size_t n = 0, moved = 0;
    while (qssl_conn_take_output(from, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
        qssl_conn_feed(to, buf, n);
        moved += n;
    }
    return moved > 0;
}

/* Both handshakes to the end; the client's and the server's final status. */
static void run_pair(qssl_conn_t *c, qssl_conn_t *s, qssl_status_t *rc, qssl_status_t *rs) {
    *rc = *rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 50; i++) {
        if (*rc > 0) *rc = qssl_conn_handshake(c);
        if (*rs > 0) *rs = qssl_conn_handshake(s);
        int moved = move_bytes(c, s) | move_bytes(s, c);
        if (!moved && (*rc <= 0 || *rs <= 0)) {
            if (*rc > 0) *rc = qssl_conn_handshake(c);
            if (*rs > 0) *rs = qssl_conn_handshake(s);
            if (!move_bytes(c, s) && !move_bytes(s, c)) return;
        }
    }
}

TEST_CASE(connection_protocol) {
    const char *none[] = {NULL};
    qssl_config_t *sc = chain_config("server.pem", "server-key.pem", none, 0);
    qssl_config_t *cc = trusting_client();
    CHECK(sc && cc);
    CHECK_OK(qssl_config_set_protocol(cc, QSSL_SSL_PROTOCOL_TLS_V1_2));
    qssl_conn_t *c = NULL, *s = NULL;
    CHECK_OK(qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c));
    CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s));
    CHECK_OK(qssl_conn_set_peer_verify_name(c, "localhost"));
    CHECK_EQ_INT(qssl_conn_protocol(c), QSSL_SSL_PROTOCOL_TLS_V1_2);
    CHECK_EQ_INT(qssl_conn_protocol(NULL), QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS);
    /* A DTLS or unknown protocol cannot run on a TLS connection. */
    CHECK_STATUS(qssl_conn_set_protocol(c, QSSL_SSL_PROTOCOL_DTLS_V1_2), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_conn_set_protocol(c, 42), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_conn_set_protocol(NULL, 4), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_EQ_INT(qssl_conn_protocol(c), QSSL_SSL_PROTOCOL_TLS_V1_2);
    /* The connection widens its configuration's TLS 1.2 to TLS 1.3. */
    CHECK_OK(qssl_conn_set_protocol(c, QSSL_SSL_PROTOCOL_TLS_V1_3_OR_LATER));
    qssl_status_t rc, rs;
    run_pair(c, s, &rc, &rs);
    CHECK_OK(rc);
    CHECK_OK(rs);
    CHECK_EQ_INT(qssl_conn_session_protocol(c), QSSL_SSL_PROTOCOL_TLS_V1_3);
    qssl_config_t *state = qssl_conn_ssl_configuration(c);
    CHECK_EQ_INT(qssl_config_protocol(state), QSSL_SSL_PROTOCOL_TLS_V1_3_OR_LATER);
    CHECK_EQ_INT(qssl_config_protocol(cc), QSSL_SSL_PROTOCOL_TLS_V1_2);
    qssl_config_free(state);
    CHECK_STATUS(qssl_conn_set_protocol(c, QSSL_SSL_PROTOCOL_TLS_V1_2), QSSL_STATUS_INVALID_STATE);
    qssl_conn_free(c);
    qssl_conn_free(s);

    /* A server pinned to TLS 1.3 refuses a TLS 1.2 client. */
    c = s = NULL;
    CHECK_OK(qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c));
    CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s));
    CHECK_OK(qssl_conn_set_peer_verify_name(c, "localhost"));
    CHECK_OK(qssl_conn_set_protocol(s, QSSL_SSL_PROTOCOL_TLS_V1_3));
    run_pair(c, s, &rc, &rs);
    CHECK(rc < 0 && rs < 0);
    qssl_alert_type_t kind = -1;
    CHECK(qssl_conn_alert_received(c, NULL, &kind));
    CHECK_EQ_INT(kind, QSSL_ALERT_TYPE_PROTOCOL_VERSION);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(connection_peer_verify_depth) {
    /* deep.pem <- inter2.pem <- inter.pem <- ca.pem: needs depth 0 or >= 2. */
    const char *inters[] = {"inter2.pem", "inter.pem"};
    qssl_config_t *sc = chain_config("deep.pem", "deep-key.pem", inters, 2);
    qssl_config_t *cc = trusting_client();
    CHECK(sc && cc);
    CHECK_OK(qssl_config_set_peer_verify_depth(cc, 1));
    const int32_t depths[] = {-2, 2, 0, 1};
    const qssl_status_t want[] = {QSSL_STATUS_VERIFICATION_FAILED, QSSL_STATUS_OK, QSSL_STATUS_OK,
                                  QSSL_STATUS_VERIFICATION_FAILED};
    for (int i = 0; i < 4; i++) {
        qssl_conn_t *c = NULL, *s = NULL;
        CHECK_OK(qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c));
        CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s));
        CHECK_OK(qssl_conn_set_peer_verify_name(c, "localhost"));
        CHECK_EQ_INT(qssl_conn_peer_verify_depth(c), 1);
        if (depths[i] >= 0) {
            CHECK_OK(qssl_conn_set_peer_verify_depth(c, depths[i]));
            CHECK_EQ_INT(qssl_conn_peer_verify_depth(c), depths[i]);
        }
        CHECK_STATUS(qssl_conn_set_peer_verify_depth(c, -1), QSSL_STATUS_INVALID_ARGUMENT);
        qssl_status_t rc, rs;
        run_pair(c, s, &rc, &rs);
        CHECK_STATUS(rc, want[i]);
        qssl_conn_free(c);
        qssl_conn_free(s);
    }
    CHECK_EQ_INT(qssl_conn_peer_verify_depth(NULL), 0);
    qssl_config_free(cc);
    qssl_config_free(sc);
}
