/*
 * Threads (issue 6): the header's thread rules under load. Eight threads at
 * once:
 *  - copy one shared configuration, mutate their copies (which detach) and
 *    compare them with the original, which must never change;
 *  - read the process-wide default configuration and replace it;
 *  - run complete handshakes (memory transport pairs) from one shared client
 *    configuration and one shared server configuration, with a PSK callback
 *    shared by all of them, exchanging data.
 * The same executable runs under helgrind (ctest label "threads", see
 * CMakeLists.txt) to look for data races inside qssl.
 *
 * QSSL_THREADS_ROUNDS (environment) scales the work; the default is small so
 * that the suite stays quick under valgrind.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "qtest.h"

#define THREADS 8

static int rounds(void) {
    const char *e = getenv("QSSL_THREADS_ROUNDS");
    int n = e ? atoi(e) : 0;
    return n > 0 ? n : 4;
}



/* Shared, read-only after set-up. */
static qssl_config_t *g_client, *g_server, *g_snapshot;
static atomic_int g_failures;

static void fail(const char *what) {
    fprintf(stderr, "thread failure: %s (last error: %s)\n", what, qssl_last_error_message());
    atomic_fetch_add(&g_failures, 1);
}

static void setup(void) {
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    qssl_cert_t *cert = qtest_load_cert("server.pem");
    qssl_key_t *key = qtest_load_key("server-key.pem");
    const qssl_cert_t *cas[] = {ca};
    g_client = qssl_config_default_configuration();
    qssl_config_set_ca_certificates(g_client, cas, 1);
    g_server = qssl_config_default_configuration();
    qssl_config_set_ca_certificates(g_server, cas, 1); /* no system store load */
    qssl_config_set_local_certificate(g_server, cert);
    qssl_config_set_private_key(g_server, key);
    g_snapshot = qssl_config_copy(g_client);
    qssl_cert_free(ca);
    qssl_cert_free(cert);
    qssl_key_free(key);
    atomic_store(&g_failures, 0);
}

static void teardown(void) {
    qssl_config_free(g_client);
    qssl_config_free(g_server);
    qssl_config_free(g_snapshot);
}

static void run_threads(void *(*fn)(void *)) {
    pthread_t t[THREADS];
    for (intptr_t i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, fn, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
}

/* ---- copy, mutate, compare ------------------------------------------------ */

static void *copy_mutate(void *arg) {
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < rounds() * 10; r++) {
        qssl_config_t *c = qssl_config_copy(g_client);
        if (!qssl_config_equal(c, g_client)) fail("a fresh copy differs");
        qssl_config_set_peer_verify_depth(c, id + 1);
        qssl_config_set_protocol(c, (r & 1) ? QSSL_SSL_PROTOCOL_TLS_V1_3 : QSSL_SSL_PROTOCOL_TLS_V1_2);
        qssl_config_set_ciphers_string(c, "TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256");
        uint8_t ticket[16];
        memset(ticket, id, sizeof ticket);
        qssl_config_set_session_ticket(c, ticket, sizeof ticket);
        if (qssl_config_equal(c, g_client)) fail("a mutated copy still equals the original");
        if (qssl_config_peer_verify_depth(c) != id + 1) fail("lost write");
        if (qssl_config_peer_verify_depth(g_client) != 0) fail("a write leaked into the original");
        qssl_cert_list_t *cas = qssl_config_ca_certificates(c);
        if (qssl_cert_list_len(cas) != 1) fail("shared CA list changed");
        qssl_cert_list_free(cas);
        qssl_config_t *c2 = qssl_config_copy(c);
        qssl_config_swap(c, c2);
        if (!qssl_config_equal(c, c2)) fail("swap of equal copies");
        qssl_config_free(c2);
        qssl_config_free(c);
    }
    return NULL;
}

TEST_CASE(copy_mutate_compare) {
    setup();
    run_threads(copy_mutate);
    CHECK(qssl_config_equal(g_client, g_snapshot));
    CHECK_EQ_INT(atomic_load(&g_failures), 0);
    teardown();
}

/* ---- the process-wide default ----------------------------------------------- */

static void *default_rw(void *arg) {
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < rounds() * 10; r++) {
        qssl_config_t *d = qssl_config_default_configuration();
        if (d == NULL) {
            fail("no default configuration");
            continue;
        }
        int depth = qssl_config_peer_verify_depth(d);
        if (depth < 0 || depth > THREADS) fail("torn default configuration");
        if (id % 2 == 0) {
            qssl_config_set_peer_verify_depth(d, id + 1);
            if (qssl_config_set_default_configuration(d) != QSSL_STATUS_OK) fail("set default");
        }
        qssl_cipher_list_t *ciphers = qssl_config_ciphers(d);
        if (qssl_cipher_list_len(ciphers) == 0) fail("default without ciphers");
        qssl_cipher_list_free(ciphers);
        qssl_config_free(d);
        qssl_config_t *dtls = qssl_config_default_dtls_configuration();
        if (qssl_config_protocol(dtls) != QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER) fail("dtls default");
        qssl_config_free(dtls);
    }
    return NULL;
}

TEST_CASE(default_configuration_read_replace) {
    setup();
    run_threads(default_rw);
    CHECK_EQ_INT(atomic_load(&g_failures), 0);
    qssl_config_t *d = qssl_config_default_configuration();
    int depth = qssl_config_peer_verify_depth(d);
    CHECK(depth == 1 || depth == 3 || depth == 5 || depth == 7);
    qssl_config_free(d);
    teardown();
}

/* ---- concurrent handshakes from shared configurations ----------------------- */


static int handshake_pair(const qssl_config_t *cc, const qssl_config_t *sc, int id, int certs) {
    qssl_conn_t *c = NULL, *s = NULL;
    int ok = 0;
    if (qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c) != QSSL_STATUS_OK ||
        qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s) != QSSL_STATUS_OK) {
        fail("connection set-up");
        goto out;
    }
    qssl_conn_set_peer_verify_name(c, "localhost");
    qssl_status_t rc = QSSL_STATUS_WANT_READ, rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 50 && (rc > 0 || rs > 0); i++) {
        if (rc > 0) rc = qssl_conn_handshake(c);
        if (rs > 0) rs = qssl_conn_handshake(s);
        if (!(qtest_shuttle(c, s) | qtest_shuttle(s, c)) && rc > 0 && rs > 0) break;
    }
    if (rc != QSSL_STATUS_OK || rs != QSSL_STATUS_OK) {
        fail("handshake");
        goto out;
    }
    char msg[32];
    int len = snprintf(msg, sizeof msg, "thread %d", id);
    size_t n = 0;
    uint8_t buf[64];
    if (qssl_conn_write(c, (const uint8_t *)msg, (size_t)len, &n) != QSSL_STATUS_OK) fail("write");
    qtest_shuttle(c, s);
    if (qssl_conn_read(s, buf, sizeof buf, &n) != QSSL_STATUS_OK || n != (size_t)len ||
        memcmp(buf, msg, n) != 0)
        fail("read");
    qssl_config_t *state = qssl_conn_ssl_configuration(c);
    qssl_cert_t *peer = qssl_config_peer_certificate(state);
    if (certs && qssl_cert_is_null(peer)) fail("no peer certificate");
    if (!certs && !qssl_cert_is_null(peer)) fail("a peer certificate in a PSK handshake");
    qssl_cert_free(peer);
    qssl_config_free(state);
    ok = 1;
out:
    qssl_conn_free(c);
    qssl_conn_free(s);
    return ok;
}

/* Builds the shared configurations' OpenSSL contexts (and loads the system
 * CA store) on this thread before the workers start, so that the workers
 * share published state; concurrent_first_use covers the race to build. */
static void warm_up(void) {
    if (!handshake_pair(g_client, g_server, -1, 1)) fail("warm-up handshake");
}

static void *handshakes(void *arg) {
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < rounds(); r++) handshake_pair(g_client, g_server, id, 1);
    return NULL;
}

TEST_CASE(concurrent_handshakes_shared_config) {
    setup();
    warm_up();
    run_threads(handshakes);
    CHECK_EQ_INT(atomic_load(&g_failures), 0);
    CHECK(qssl_config_equal(g_client, g_snapshot));
    teardown();
}

/* Eight threads race to build the contexts of fresh configurations (the
 * context cache is a once-cell per configuration and side). Not run under
 * helgrind: it cannot see the futex-based once-cell's synchronisation. */
TEST_CASE(concurrent_first_use) {
    setup();
    run_threads(handshakes);
    CHECK_EQ_INT(atomic_load(&g_failures), 0);
    teardown();
}

/* ---- PSK handshakes sharing one callback ------------------------------------ */

static atomic_int g_psk_calls;

static int32_t psk_cb(void *user_data, qssl_psk_auth_t *auth) {
    (void)user_data;
    atomic_fetch_add(&g_psk_calls, 1);
    static const uint8_t key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    qssl_psk_auth_set_identity(auth, (const uint8_t *)"thread-client", 13);
    return qssl_psk_auth_set_pre_shared_key(auth, key, sizeof key) == QSSL_STATUS_OK ? 0 : 1;
}

static qssl_config_t *g_psk_client, *g_psk_server;

static void *psk_handshakes(void *arg) {
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < rounds(); r++) handshake_pair(g_psk_client, g_psk_server, id, 0);
    return NULL;
}

TEST_CASE(concurrent_psk_handshakes) {
    setup();
    atomic_store(&g_psk_calls, 0);
    g_psk_client = qssl_config_new();
    g_psk_server = qssl_config_new();
    qssl_config_set_peer_verify_mode(g_psk_client, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
    qssl_config_set_protocol(g_psk_client, QSSL_SSL_PROTOCOL_TLS_V1_2);
    /* A CA list that the PSK handshake never uses: it spares loading the
     * system store (slow under valgrind and helgrind). */
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    const qssl_cert_t *cas[] = {ca};
    qssl_config_set_ca_certificates(g_psk_client, cas, 1);
    qssl_config_set_ca_certificates(g_psk_server, cas, 1);
    qssl_cert_free(ca);
    qssl_config_set_ciphers_string(g_psk_client, "PSK-AES128-GCM-SHA256");
    qssl_config_set_ciphers_string(g_psk_server, "PSK-AES128-GCM-SHA256");
    qssl_config_set_psk_callback(g_psk_client, psk_cb, NULL, NULL);
    qssl_config_set_psk_callback(g_psk_server, psk_cb, NULL, NULL);
    if (!handshake_pair(g_psk_client, g_psk_server, -1, 0)) fail("warm-up handshake");
    atomic_store(&g_psk_calls, 0);
    run_threads(psk_handshakes);
    int failures = atomic_load(&g_failures);
    qssl_config_free(g_psk_client);
    qssl_config_free(g_psk_server);
    teardown();
    CHECK_EQ_INT(failures, 0);
    CHECK_EQ_INT(atomic_load(&g_psk_calls), 2 * THREADS * rounds());
}
