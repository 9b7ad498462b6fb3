/* Beyond Qt, through the C API: certificates per server name (table and
 * callback), session ticket keys (bytes and files, rotation), the key log,
 * the serving configuration, user data released once, bad input. Real
 * handshakes between two qssl endpoints over the memory transport. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "qtest.h"


static qssl_config_t *config_with(const char *cert_name, const char *key_name, qssl_key_algorithm_t alg) {
    qssl_config_t *c = qssl_config_default_configuration();
    qssl_cert_t *cert = qtest_load_cert(cert_name);
    size_t len = 0;
    unsigned char *pem = qtest_read_fixture(key_name, &len);
    qssl_key_t *key = NULL;
    if (pem) qssl_key_from_pem(pem, len, alg, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &key);
    free(pem);
    qssl_config_set_local_certificate(c, cert);
    qssl_config_set_private_key(c, key);
    /* A CA list of its own: the server context then never loads the
       system's CA store (slow under valgrind). */
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    const qssl_cert_t *cas[] = {ca};
    qssl_config_set_ca_certificates(c, cas, 1);
    qssl_cert_free(ca);
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


static void handshake(qssl_conn_t *c, qssl_conn_t *s, qssl_status_t *rc, qssl_status_t *rs) {
    *rc = QSSL_STATUS_WANT_READ;
    *rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 50; i++) {
        if (*rc > 0) *rc = qssl_conn_handshake(c);
        if (*rs > 0) *rs = qssl_conn_handshake(s);
        int moved = qtest_shuttle(c, s) | qtest_shuttle(s, c);
        if (*rc <= 0 && *rs <= 0 && !moved) return;
        if (!moved && (*rc <= 0 || *rs <= 0)) return;
    }
}

/* A handshake of a client asking for `name` (verification off) against sc. */
static void connect_pair(const qssl_config_t *cc, const qssl_config_t *sc, const char *name, qssl_conn_t **c,
                         qssl_conn_t **s, qssl_status_t *rc, qssl_status_t *rs) {
    *c = NULL;
    *s = NULL;
    CHECK_OK(qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, c));
    CHECK_OK(qssl_conn_set_peer_verify_name(*c, name));
    CHECK_OK(qssl_conn_set_peer_verify_mode(*c, QSSL_PEER_VERIFY_MODE_VERIFY_NONE));
    CHECK_OK(qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, s));
    handshake(*c, *s, rc, rs);
}

/* True if the client's peer certificate equals the fixture `name`. */
static int peer_is(qssl_conn_t *c, const char *name) {
    qssl_config_t *st = qssl_conn_ssl_configuration(c);
    qssl_cert_t *peer = qssl_config_peer_certificate(st);
    qssl_cert_t *want = qtest_load_cert(name);
    int same = qssl_cert_equal(peer, want);
    qssl_cert_free(peer);
    qssl_cert_free(want);
    qssl_config_free(st);
    return same;
}

TEST_CASE(sni_table_and_serving_configuration) {
    qssl_config_t *sc = config_with("server.pem", "server-key.pem", QSSL_KEY_ALGORITHM_RSA);
    qssl_config_t *chained = config_with("chained.pem", "chained-key.pem", QSSL_KEY_ALGORITHM_RSA);
    qssl_config_t *self = config_with("selfsigned.pem", "selfsigned-key.pem", QSSL_KEY_ALGORITHM_RSA);
    CHECK_OK(qssl_config_add_sni_entry(sc, "chained.localhost", chained));
    CHECK_OK(qssl_config_add_sni_entry(sc, "*.wild.test", self));
    CHECK_STATUS(qssl_config_add_sni_entry(sc, "bad name", self), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(qssl_last_error_message(), "bad name") != NULL);
    qssl_config_t *cc = client_config();
    qssl_conn_t *c, *s;
    qssl_status_t rc, rs;

    connect_pair(cc, sc, "chained.localhost", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK_OK(rs);
    CHECK(peer_is(c, "chained.pem"));
    qssl_config_t *serving = NULL;
    CHECK_OK(qssl_conn_serving_configuration(s, &serving));
    CHECK(qssl_config_equal(serving, chained));
    qssl_config_free(serving);
    char name[64];
    size_t len = 0;
    CHECK_OK(qssl_conn_requested_server_name(s, name, sizeof name, &len));
    CHECK(len == 17 && strcmp(name, "chained.localhost") == 0);
    CHECK_STATUS(qssl_conn_requested_server_name(s, name, 5, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    qssl_conn_free(c);
    qssl_conn_free(s);

    connect_pair(cc, sc, "x.wild.test", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(peer_is(c, "selfsigned.pem"));
    qssl_conn_free(c);
    qssl_conn_free(s);

    connect_pair(cc, sc, "other.test", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(peer_is(c, "server.pem"));
    CHECK_OK(qssl_conn_serving_configuration(s, &serving));
    CHECK(qssl_config_equal(serving, sc));
    qssl_config_free(serving);
    qssl_conn_free(c);
    qssl_conn_free(s);

    CHECK_OK(qssl_config_set_sni_strict(sc, true));
    connect_pair(cc, sc, "other.test", &c, &s, &rc, &rs);
    CHECK(rc < 0 && rs < 0);
    CHECK(strstr(qssl_last_error_message(), "unrecognized name") != NULL);
    qssl_conn_free(c);
    qssl_conn_free(s);

    CHECK_OK(qssl_config_clear_sni_entries(sc));
    connect_pair(cc, sc, "chained.localhost", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(peer_is(c, "server.pem"));
    qssl_conn_free(c);
    qssl_conn_free(s);

    qssl_config_free(cc);
    qssl_config_free(self);
    qssl_config_free(chained);
    qssl_config_free(sc);
}

struct sni_state {
    const qssl_config_t *target;
    int calls, freed, saw_null;
};

static int sni_cb(void *ud, const char *server_name, const qssl_config_t **use) {
    struct sni_state *st = ud;
    st->calls++;
    if (!server_name) {
        st->saw_null++;
        return 0;
    }
    if (strcmp(server_name, "refused.test") == 0) return 1;
    if (strcmp(server_name, "chained.localhost") == 0) *use = st->target;
    return 0;
}

static void sni_free(void *ud) { ((struct sni_state *)ud)->freed++; }

TEST_CASE(sni_callback_and_user_data_freed_once) {
    qssl_config_t *sc = config_with("server.pem", "server-key.pem", QSSL_KEY_ALGORITHM_RSA);
    qssl_config_t *chained = config_with("chained.pem", "chained-key.pem", QSSL_KEY_ALGORITHM_RSA);
    struct sni_state st = {chained, 0, 0, 0};
    CHECK_OK(qssl_config_set_sni_callback(sc, sni_cb, &st, sni_free));
    qssl_config_t *cc = client_config();
    qssl_conn_t *c, *s;
    qssl_status_t rc, rs;
    connect_pair(cc, sc, "chained.localhost", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(peer_is(c, "chained.pem"));
    qssl_conn_free(c);
    qssl_conn_free(s);
    connect_pair(cc, sc, "refused.test", &c, &s, &rc, &rs);
    CHECK(rc < 0 && rs < 0);
    qssl_conn_free(c);
    qssl_conn_free(s);
    connect_pair(cc, sc, "localhost", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(peer_is(c, "server.pem"));
    qssl_conn_free(c);
    qssl_conn_free(s);
    CHECK_EQ_INT(st.calls, 3);
    /* A copy shares the registration; replacing it on the original keeps
     * the copy's; the user data goes when the last holder lets go. */
    qssl_config_t *copy = qssl_config_copy(sc);
    CHECK_OK(qssl_config_set_sni_callback(sc, NULL, NULL, NULL));
    CHECK_EQ_INT(st.freed, 0);
    qssl_config_free(copy);
    CHECK_EQ_INT(st.freed, 1);
    /* A failed registration releases the user data at once. */
    CHECK_STATUS(qssl_config_set_sni_callback(NULL, sni_cb, &st, sni_free), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_EQ_INT(st.freed, 2);
    qssl_config_free(cc);
    qssl_config_free(chained);
    qssl_config_free(sc);
}

/* A full handshake against sc; returns the client's configuration with its ticket. */
static void ticket_into(const qssl_config_t *cc, const qssl_config_t *sc, int *resumed, qssl_config_t **out) {
    qssl_conn_t *c, *s;
    *out = NULL;
    qssl_status_t rc, rs;
    connect_pair(cc, sc, "localhost", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK_OK(rs);
    size_t n;
    CHECK_OK(qssl_conn_write(s, (const uint8_t *)"x", 1, &n));
    qtest_shuttle(s, c);
    uint8_t buf[8];
    CHECK_OK(qssl_conn_read(c, buf, sizeof buf, &n));
    *resumed = qssl_conn_session_resumed(c);
    *out = qssl_conn_ssl_configuration(c);
    qssl_conn_free(c);
    qssl_conn_free(s);
}

static qssl_config_t *ticket_from(const qssl_config_t *cc, const qssl_config_t *sc, int *resumed) {
    qssl_config_t *out = NULL;
    ticket_into(cc, sc, resumed, &out);
    return out;
}

TEST_CASE(ticket_keys_bytes_files_and_rotation) {
    uint8_t k[240];
    for (size_t i = 0; i < sizeof k; i++) k[i] = (uint8_t)(i * 7 + 3);
    qssl_config_t *a = config_with("server.pem", "server-key.pem", QSSL_KEY_ALGORITHM_RSA);
    qssl_config_t *b = qssl_config_copy(a);
    CHECK_OK(qssl_config_set_session_ticket_keys(a, k, 80));
    /* b reads the same key from an nginx-style binary file. */
    char path[] = "/tmp/qssl-ticket-keys-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, k, 80) == 80);
    close(fd);
    CHECK_OK(qssl_config_set_session_ticket_keys_from_file(b, path));
    qssl_config_t *cc = client_config();
    CHECK_OK(qssl_config_set_ssl_option(cc, QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, false));
    int resumed = -1;
    qssl_config_t *t = ticket_from(cc, a, &resumed);
    CHECK(!resumed);
    qssl_config_t *t2 = ticket_from(t, b, &resumed);
    CHECK(resumed);
    qssl_config_free(t2);
    /* Rotation: a new current key, the old one still decrypts. */
    uint8_t rotated[160];
    memcpy(rotated, k + 80, 80);
    memcpy(rotated + 80, k, 80);
    CHECK_OK(qssl_config_set_session_ticket_keys(b, rotated, sizeof rotated));
    t2 = ticket_from(t, b, &resumed);
    CHECK(resumed);
    qssl_config_free(t2);
    /* Retired: a full handshake, not a failure. */
    CHECK_OK(qssl_config_set_session_ticket_keys(b, k + 160, 80));
    t2 = ticket_from(t, b, &resumed);
    CHECK(!resumed);
    qssl_config_free(t2);
    /* Back to per-process random keys. */
    CHECK_OK(qssl_config_set_session_ticket_keys(a, NULL, 0));
    t2 = ticket_from(t, a, &resumed);
    CHECK(!resumed);
    qssl_config_free(t2);
    /* Bad input. */
    CHECK_STATUS(qssl_config_set_session_ticket_keys(a, k, 79), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(qssl_last_error_message(), "80-byte") != NULL);
    CHECK_STATUS(qssl_config_set_session_ticket_keys(a, NULL, 80), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_set_session_ticket_keys_from_file(a, "/nonexistent/keys"), QSSL_STATUS_IO);
    fd = open(path, O_WRONLY | O_TRUNC);
    CHECK(write(fd, "not*base64\n", 11) == 11);
    close(fd);
    CHECK_STATUS(qssl_config_set_session_ticket_keys_from_file(a, path), QSSL_STATUS_INVALID_ARGUMENT);
    unlink(path);
    qssl_config_free(t);
    qssl_config_free(cc);
    qssl_config_free(b);
    qssl_config_free(a);
}

struct keylog_state {
    int lines, client_random, freed;
};

static void keylog_cb(void *ud, const char *line) {
    struct keylog_state *st = ud;
    st->lines++;
    if (strncmp(line, "CLIENT_RANDOM ", 14) == 0 && strlen(line) == 14 + 64 + 1 + 96) st->client_random++;
}

static void keylog_free(void *ud) { ((struct keylog_state *)ud)->freed++; }

TEST_CASE(keylog_lines_tls12_and_tls13) {
    qssl_config_t *sc = config_with("server.pem", "server-key.pem", QSSL_KEY_ALGORITHM_RSA);
    struct keylog_state st = {0, 0, 0};
    CHECK_OK(qssl_config_set_keylog_callback(sc, keylog_cb, &st, keylog_free));
    qssl_config_t *cc = client_config();
    qssl_conn_t *c, *s;
    qssl_status_t rc, rs;
    connect_pair(cc, sc, "localhost", &c, &s, &rc, &rs);
    CHECK_OK(rs);
    CHECK_EQ_INT(st.lines, 5); /* TLS 1.3: five secrets */
    qssl_conn_free(c);
    qssl_conn_free(s);
    CHECK_OK(qssl_config_set_protocol(cc, QSSL_SSL_PROTOCOL_TLS_V1_2));
    connect_pair(cc, sc, "localhost", &c, &s, &rc, &rs);
    CHECK_OK(rs);
    CHECK_EQ_INT(st.lines, 6);
    CHECK_EQ_INT(st.client_random, 1);
    qssl_conn_free(c);
    qssl_conn_free(s);
    /* Off unless set: removing it stops the lines. */
    CHECK_OK(qssl_config_set_keylog_callback(sc, NULL, NULL, NULL));
    CHECK_EQ_INT(st.freed, 1);
    connect_pair(cc, sc, "localhost", &c, &s, &rc, &rs);
    CHECK_OK(rs);
    CHECK_EQ_INT(st.lines, 6);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

/* One server with all three at once (SNI entry, shared ticket keys, key
 * log): a full handshake then a resumption. Cheap enough for valgrind,
 * which runs this case instead of the heavier ones above (asan runs all). */
TEST_CASE(all_paths_once) {
    qssl_config_t *sc = config_with("server.pem", "server-key.pem", QSSL_KEY_ALGORITHM_RSA);
    qssl_config_t *chained = config_with("chained.pem", "chained-key.pem", QSSL_KEY_ALGORITHM_RSA);
    uint8_t k[80];
    for (size_t i = 0; i < sizeof k; i++) k[i] = (uint8_t)(i * 13 + 1);
    struct keylog_state st = {0, 0, 0};
    /* The listening configuration's key log also covers the connections
       its SNI entries serve. */
    CHECK_OK(qssl_config_set_keylog_callback(sc, keylog_cb, &st, keylog_free));
    CHECK_OK(qssl_config_set_session_ticket_keys(sc, k, sizeof k));
    CHECK_OK(qssl_config_add_sni_entry(sc, "chained.localhost", chained));
    qssl_config_t *cc = client_config();
    CHECK_OK(qssl_config_set_ssl_option(cc, QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, false));
    qssl_conn_t *c, *s;
    qssl_status_t rc, rs;
    connect_pair(cc, sc, "chained.localhost", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(peer_is(c, "chained.pem"));
    size_t n;
    CHECK_OK(qssl_conn_write(s, (const uint8_t *)"x", 1, &n));
    qtest_shuttle(s, c);
    uint8_t buf[8];
    CHECK_OK(qssl_conn_read(c, buf, sizeof buf, &n));
    qssl_config_t *saved = qssl_conn_ssl_configuration(c);
    qssl_conn_free(c);
    qssl_conn_free(s);
    /* A second server context (as another process) with the same key. */
    qssl_config_t *other = config_with("server.pem", "server-key.pem", QSSL_KEY_ALGORITHM_RSA);
    CHECK_OK(qssl_config_set_session_ticket_keys(other, k, sizeof k));
    connect_pair(saved, other, "localhost", &c, &s, &rc, &rs);
    CHECK_OK(rc);
    CHECK(qssl_conn_session_resumed(c));
    qssl_conn_free(c);
    qssl_conn_free(s);
    /* The key log saw the first handshake only (TLS 1.3: five secrets). */
    CHECK_EQ_INT(st.lines, 5);
    qssl_config_free(other);
    qssl_config_free(saved);
    qssl_config_free(cc);
    qssl_config_free(chained);
    qssl_config_free(sc);
    CHECK_EQ_INT(st.freed, 1);
}

TEST_CASE(bad_input) {
    CHECK_STATUS(qssl_config_add_sni_entry(NULL, "a", NULL), QSSL_STATUS_NULL_ARGUMENT);
    qssl_config_t *c = qssl_config_new();
    CHECK_STATUS(qssl_config_add_sni_entry(c, NULL, c), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_add_sni_entry(c, "a", NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_add_sni_entry(c, "", c), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_config_add_sni_entry(c, "a.*.b", c), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_config_set_session_ticket_keys_from_file(c, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_set_keylog_callback(NULL, keylog_cb, NULL, NULL), QSSL_STATUS_NULL_ARGUMENT);
    qssl_config_t *out = (qssl_config_t *)1;
    CHECK_STATUS(qssl_conn_serving_configuration(NULL, &out), QSSL_STATUS_NULL_ARGUMENT);
    CHECK(out == NULL);
    size_t len = 0;
    CHECK_STATUS(qssl_conn_requested_server_name(NULL, NULL, 0, &len), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_OK(qssl_config_clear_sni_entries(c));
    qssl_config_free(c);
}
