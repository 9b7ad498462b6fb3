/*
 * The API sweep: every function of include/qssl.h called with hostile
 * arguments (NULL handles, NULL buffers with lengths, huge lengths, zero
 * capacities, unknown enum values and option bits, invalid UTF-8,
 * out-of-range indices, arrays holding NULL). The calls are generated at
 * build time by gen_sweep.py from the header itself, so a new function cannot
 * be forgotten (the ctest entry sweep.header_coverage and the case
 * all_functions_handled fail if the generator cannot handle one).
 *
 * Every call must return its documented failure (a negative status, the
 * exact one where the contract fixes it; NULL; Qt's default for a getter),
 * leave a last-error message naming the function, set `*out` to NULL and
 * leave output buffers untouched on failure, and never crash. The suite runs
 * under ASan+UBSan and valgrind too.
 */
#define _POSIX_C_SOURCE 200809L
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdlib.h>

#include "qtest.h"

#define SWEEP_SENTINEL ((void *)&sweep_sentinel_obj)
#define SWEEP_ANY_FAILURE 0
#define SWEEP_BAD_UTF8 "\xff\xfe invalid \xc3\x28"
static const uint8_t sweep_garbage[] = "-----BEGIN CERTIFICATE-----\nAAAA\x01\x02\xff-----END";
#define SWEEP_GARBAGE sweep_garbage
#define SWEEP_GARBAGE_LEN (sizeof sweep_garbage - 1)
#define SWEEP_PASS ((const uint8_t *)"qssl-pass")
#define SWEEP_BUF_CHECKED 256

static int sweep_sentinel_obj;
static int sweep_failures;
static char sweep_fixture_path[4096];
static char sweep_key_path[4096];
#define SWEEP_FIXTURE_PATH sweep_fixture_path
#define SWEEP_KEY_PATH sweep_key_path

typedef struct {
    const char *name;
    const char *group;
    void (*fn)(void);
} sweep_entry;

/* Fixture bytes, read once per process. */
static struct {
    unsigned char *pem, *der, *p12, *key_pem, *key_der, *dh_pem;
    size_t pem_len, der_len, p12_len, key_pem_len, key_der_len, dh_pem_len;
    qssl_cert_t *cert;
    qssl_key_t *key;
} sweep_fx;

static uint8_t sweep_buf[65536];

/* Valid arguments: two handles of each kind, arrays, buffers, out values. */
typedef struct {
    qssl_config_t *cfg[2];
    qssl_cert_t *cert[2];
    qssl_key_t *key[2];
    qssl_cipher_t *cipher[2];
    qssl_dh_params_t *dh[2];
    qssl_ssl_error_t *err[2];
    qssl_conn_t *conn[2];
    qssl_dtls_t *dtls[2];
    qssl_dtls_verifier_t *verifier[2];
    qssl_psk_auth_t *psk[2];
    qssl_backend_config_t *map[2];
    qssl_cert_list_t *cert_list[2];
    qssl_cipher_list_t *cipher_list[2];
    qssl_curve_list_t *curve_list[2];
    qssl_ssl_error_list_t *err_list[2];
    qssl_bytes_list_t *bytes_list[2];
    const qssl_cert_t *with_null_cert[2];
    const qssl_cipher_t *with_null_cipher[2];
    const qssl_ssl_error_t *with_null_err[2];
    qssl_curve_t curves[2], bad_curves[2];
    const uint8_t *strs[2], *strs_with_null[2];
    size_t lens[2], huge_lens[2];
    const unsigned char *pem, *der, *p12, *key_pem, *key_der, *dh_pem;
    size_t pem_len, der_len, p12_len, key_pem_len, key_der_len, dh_pem_len;
    uint8_t *buf;
    char long_text[5000];
    size_t len, sz;
    bool b;
    int64_t i64;
    qssl_alert_level_t level;
    qssl_alert_type_t kind;
    const uint8_t *cdata;
    qssl_cryptographic_hash_algorithm_t hash;
} sweep_ctx;

static void sweep_fail(const char *fn, const char *variant, const char *what) {
    sweep_failures++;
    fprintf(stderr, "SWEEP %s [%s]: %s (last error: \"%s\")\n", fn, variant, what,
            qssl_last_error_message());
}

static void sweep_check(const char *fn, const char *variant, int ok, const char *what) {
    if (!ok) sweep_fail(fn, variant, what);
}

/* The message must be non-empty and start with the function's name. */
static void sweep_check_message(const char *fn, const char *variant) {
    const char *m = qssl_last_error_message();
    if (m == NULL || m[0] == '\0') {
        sweep_fail(fn, variant, "no last-error message after a failure");
    } else if (strncmp(m, fn, strlen(fn)) != 0) {
        sweep_fail(fn, variant, "the last-error message does not name the function");
    }
}

static void sweep_check_no_error(const char *fn, const char *variant) {
    const char *m = qssl_last_error_message();
    if (m == NULL || m[0] != '\0') sweep_fail(fn, variant, "free(NULL) recorded an error");
}

static int sweep_known_status(qssl_status_t st) {
    return st == QSSL_STATUS_OK || st == QSSL_STATUS_WANT_READ || st == QSSL_STATUS_WANT_WRITE ||
           (st <= QSSL_STATUS_NULL_ARGUMENT && st >= QSSL_STATUS_CLOSED);
}

/* Any outcome, but a coherent one: a known code; failures carry a message. */
static void sweep_check_status(const char *fn, const char *variant, qssl_status_t st) {
    if (!sweep_known_status(st)) {
        char what[64];
        snprintf(what, sizeof what, "unknown status %d", (int)st);
        sweep_fail(fn, variant, what);
    }
    if (st == QSSL_STATUS_INTERNAL_PANIC) sweep_fail(fn, variant, "a Rust panic was caught");
    if (st < 0) sweep_check_message(fn, variant);
}

static void sweep_check_failed_status(const char *fn, const char *variant, qssl_status_t st,
                                      qssl_status_t want) {
    char what[160];
    if (st >= 0) {
        snprintf(what, sizeof what, "returned %d (%s), expected a failure", (int)st,
                 qssl_status_string(st));
        sweep_fail(fn, variant, what);
        return;
    }
    if (st == QSSL_STATUS_INTERNAL_PANIC) sweep_fail(fn, variant, "a Rust panic was caught");
    if (want != SWEEP_ANY_FAILURE && st != want) {
        snprintf(what, sizeof what, "returned %d (%s), expected %d (%s)", (int)st,
                 qssl_status_string(st), (int)want, qssl_status_string(want));
        sweep_fail(fn, variant, what);
    }
    sweep_check_message(fn, variant);
}

static void sweep_check_null(const char *fn, const char *variant, const void *r) {
    if (r != NULL) {
        sweep_fail(fn, variant, "returned a pointer, expected NULL");
        return;
    }
    sweep_check_message(fn, variant);
}

static void sweep_check_pointer(const char *fn, const char *variant, const void *r) {
    if (r == NULL) sweep_check_message(fn, variant);
    if (strstr(qssl_last_error_message(), "panic") != NULL)
        sweep_fail(fn, variant, "a Rust panic was caught");
}

static int sweep_buf_untouched(const sweep_ctx *c) {
    for (size_t i = 0; i < SWEEP_BUF_CHECKED; i++)
        if (c->buf[i] != 0xA5) return 0;
    return 1;
}

static void sweep_before(sweep_ctx *c) {
    qssl_clear_last_error();
    memset(c->buf, 0xA5, SWEEP_BUF_CHECKED);
    c->len = 7777;
    c->sz = 7777;
    c->cdata = NULL;
}

static int32_t sweep_psk_cb(void *user_data, qssl_psk_auth_t *auth) {
    (void)user_data;
    (void)auth;
    return 0;
}

static int32_t sweep_sni_cb(void *user_data, const char *server_name, const qssl_config_t **use_config) {
    (void)user_data;
    (void)server_name;
    (void)use_config;
    return 0;
}

static void sweep_keylog_cb(void *user_data, const char *line) {
    (void)user_data;
    (void)line;
}

static unsigned char *sweep_fixture(const char *name, size_t *len) {
    unsigned char *p = qtest_read_fixture(name, len);
    if (p == NULL) {
        fprintf(stderr, "missing fixture %s\n", name);
        exit(2);
    }
    return p;
}

static void sweep_load_fixtures(void) {
    if (sweep_fx.pem != NULL) return;
    /* A one-certificate "system store": the calls that read the system roots
     * (verify, system_ca_certificates, reload) take the same paths, without
     * parsing the machine's whole store each time (seconds under valgrind). */
    static char store[4096];
    snprintf(store, sizeof store, "%s/ca.pem", qtest_fixtures());
    setenv("SSL_CERT_FILE", store, 1);
    setenv("SSL_CERT_DIR", "/nonexistent-qssl-sweep", 1);
    sweep_fx.pem = sweep_fixture("server.pem", &sweep_fx.pem_len);
    sweep_fx.der = sweep_fixture("server.der", &sweep_fx.der_len);
    sweep_fx.p12 = sweep_fixture("server.p12", &sweep_fx.p12_len);
    sweep_fx.key_pem = sweep_fixture("server-key.pem", &sweep_fx.key_pem_len);
    sweep_fx.key_der = sweep_fixture("server-key.der", &sweep_fx.key_der_len);
    sweep_fx.dh_pem = sweep_fixture("dh-ffdhe2048.pem", &sweep_fx.dh_pem_len);
    if (qssl_cert_from_pem(sweep_fx.pem, sweep_fx.pem_len, &sweep_fx.cert) != QSSL_STATUS_OK ||
        qssl_key_from_pem(sweep_fx.key_pem, sweep_fx.key_pem_len, QSSL_KEY_ALGORITHM_RSA,
                          QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &sweep_fx.key) != QSSL_STATUS_OK) {
        fprintf(stderr, "sweep set-up failed: %s\n", qssl_last_error_message());
        exit(2);
    }
    snprintf(sweep_fixture_path, sizeof sweep_fixture_path, "%s/server.pem", qtest_fixtures());
    snprintf(sweep_key_path, sizeof sweep_key_path, "%s/server-key.pem", qtest_fixtures());
}

static void sweep_free_fixtures(void) {
    free(sweep_fx.pem);
    free(sweep_fx.der);
    free(sweep_fx.p12);
    free(sweep_fx.key_pem);
    free(sweep_fx.key_der);
    free(sweep_fx.dh_pem);
    qssl_cert_free(sweep_fx.cert);
    qssl_key_free(sweep_fx.key);
    memset(&sweep_fx, 0, sizeof sweep_fx);
}

static void sweep_ctx_init(sweep_ctx *c) {
    static const uint8_t h2[] = "h2", http[] = "http/1.1";
    memset(c, 0, sizeof *c);
    sweep_load_fixtures();
    c->pem = sweep_fx.pem;
    c->pem_len = sweep_fx.pem_len;
    c->der = sweep_fx.der;
    c->der_len = sweep_fx.der_len;
    c->p12 = sweep_fx.p12;
    c->p12_len = sweep_fx.p12_len;
    c->key_pem = sweep_fx.key_pem;
    c->key_pem_len = sweep_fx.key_pem_len;
    c->key_der = sweep_fx.key_der;
    c->key_der_len = sweep_fx.key_der_len;
    c->dh_pem = sweep_fx.dh_pem;
    c->dh_pem_len = sweep_fx.dh_pem_len;
    c->buf = sweep_buf;
    memset(c->long_text, 'a', sizeof c->long_text - 1);
    c->long_text[sizeof c->long_text - 1] = '\0';

    /* The default with a CA list, so that the connections made from it do not
     * load the system store (seconds under valgrind). */
    c->cfg[0] = qssl_config_default_configuration();
    const qssl_cert_t *cas[] = {sweep_fx.cert};
    qssl_config_set_ca_certificates(c->cfg[0], cas, 1);
    c->cfg[1] = qssl_config_new();
    for (int i = 0; i < 2; i++) {
        /* Copies of handles parsed once per process (O(1); a call that
         * changes a handle, such as _clear or _swap, changes only the copy). */
        c->cert[i] = qssl_cert_copy(sweep_fx.cert);
        c->key[i] = qssl_key_copy(sweep_fx.key);
        if (c->cert[i] == NULL || c->key[i] == NULL) {
            fprintf(stderr, "sweep set-up failed: %s\n", qssl_last_error_message());
            exit(2);
        }
        c->cipher[i] = qssl_cipher_from_name(i ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256");
        c->dh[i] = qssl_dh_params_default_parameters();
        c->err[i] = qssl_ssl_error_new(QSSL_SSL_ERROR_HOST_NAME_MISMATCH, c->cert[i]);
        c->psk[i] = qssl_psk_auth_new();
        c->map[i] = qssl_backend_config_new();
        qssl_backend_config_insert_bytes(c->map[i], "MinProtocol", (const uint8_t *)"TLSv1.2", 7);
    }
    qssl_conn_new_memory(c->cfg[0], QSSL_SSL_MODE_SSL_CLIENT_MODE, &c->conn[0]);
    qssl_conn_new_memory(c->cfg[0], QSSL_SSL_MODE_SSL_SERVER_MODE, &c->conn[1]);
    qssl_dtls_new(QSSL_SSL_MODE_SSL_CLIENT_MODE, &c->dtls[0]);
    qssl_dtls_new(QSSL_SSL_MODE_SSL_SERVER_MODE, &c->dtls[1]);
    qssl_dtls_verifier_new(&c->verifier[0]);
    qssl_dtls_verifier_new(&c->verifier[1]);
    c->curves[0] = qssl_curve_from_short_name("prime256v1");
    c->curves[1] = qssl_curve_from_short_name("secp384r1");
    c->bad_curves[0] = -5;
    c->bad_curves[1] = 0;
    c->strs[0] = h2;
    c->strs[1] = http;
    c->lens[0] = 2;
    c->lens[1] = 8;
    c->strs_with_null[0] = h2;
    c->strs_with_null[1] = NULL;
    c->huge_lens[0] = 2;
    c->huge_lens[1] = SIZE_MAX;
    for (int i = 0; i < 2; i++) {
        c->cert_list[i] = qssl_cert_list_new((const qssl_cert_t *const *)c->cert, 2);
        c->cipher_list[i] = qssl_cipher_list_new((const qssl_cipher_t *const *)c->cipher, 2);
        c->curve_list[i] = qssl_curve_list_new(c->curves, 2);
        c->err_list[i] = qssl_ssl_error_list_new((const qssl_ssl_error_t *const *)c->err, 2);
        c->bytes_list[i] = qssl_bytes_list_new(c->strs, c->lens, 2);
    }
    c->with_null_cert[0] = c->cert[0];
    c->with_null_cipher[0] = c->cipher[0];
    c->with_null_err[0] = c->err[0];
    for (int i = 0; i < 2; i++) {
        if (!c->cfg[i] || !c->cipher[i] || !c->dh[i] || !c->err[i] || !c->psk[i] || !c->map[i] ||
            !c->conn[i] || !c->dtls[i] || !c->verifier[i] || !c->cert_list[i] || !c->cipher_list[i] || !c->curve_list[i] ||
            !c->err_list[i] || !c->bytes_list[i]) {
            fprintf(stderr, "sweep set-up failed: %s\n", qssl_last_error_message());
            exit(2);
        }
    }
}

static void sweep_ctx_free(sweep_ctx *c) {
    for (int i = 0; i < 2; i++) {
        qssl_conn_free(c->conn[i]);
        qssl_dtls_free(c->dtls[i]);
        qssl_dtls_verifier_free(c->verifier[i]);
        qssl_config_free(c->cfg[i]);
        qssl_cert_free(c->cert[i]);
        qssl_key_free(c->key[i]);
        qssl_cipher_free(c->cipher[i]);
        qssl_dh_params_free(c->dh[i]);
        qssl_ssl_error_free(c->err[i]);
        qssl_psk_auth_free(c->psk[i]);
        qssl_backend_config_free(c->map[i]);
        qssl_cert_list_free(c->cert_list[i]);
        qssl_cipher_list_free(c->cipher_list[i]);
        qssl_curve_list_free(c->curve_list[i]);
        qssl_ssl_error_list_free(c->err_list[i]);
        qssl_bytes_list_free(c->bytes_list[i]);
    }
}

#include "sweep_generated.inc"

static int sweep_group(const char *group) {
    int n = 0;
    sweep_failures = 0;
    for (size_t i = 0; i < sizeof sweep_table / sizeof sweep_table[0]; i++) {
        if (strcmp(sweep_table[i].group, group) != 0) continue;
        sweep_table[i].fn();
        n++;
    }
    sweep_free_fixtures();
    fprintf(stderr, "swept %d functions of group %s: %d problems\n", n, group, sweep_failures);
    return n;
}

/* One case per group (ctest finds TEST_CASE lines in this file). */
TEST_CASE(core) {
    CHECK(sweep_group("core") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(cert) {
    CHECK(sweep_group("cert") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(key) {
    CHECK(sweep_group("key") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(cipher) {
    CHECK(sweep_group("cipher") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(curve) {
    CHECK(sweep_group("curve") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(dh) {
    CHECK(sweep_group("dh") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(ssl_error) {
    CHECK(sweep_group("ssl_error") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(config) {
    CHECK(sweep_group("config") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(psk) {
    CHECK(sweep_group("psk") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(conn) {
    CHECK(sweep_group("conn") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

TEST_CASE(dtls) {
    CHECK(sweep_group("dtls") > 0);
    CHECK_EQ_INT(sweep_failures, 0);
}

/* Every prototype of the header has a generated sweep, and every generated
 * sweep belongs to one of the groups above. */
TEST_CASE(all_functions_handled) {
    static const char *const groups[] = {"core", "cert", "key", "cipher", "curve", "dh",
                                         "ssl_error", "config", "psk", "conn", "dtls"};
    for (int i = 0; sweep_unhandled[i] != NULL; i++)
        fprintf(stderr, "not swept: %s\n", sweep_unhandled[i]);
    CHECK(sweep_unhandled[0] == NULL);
    CHECK_EQ_INT(SWEEP_FUNCTIONS_HANDLED, SWEEP_FUNCTIONS_IN_HEADER);
    CHECK(SWEEP_FUNCTIONS_IN_HEADER > 200);
    for (size_t i = 0; i < sizeof sweep_table / sizeof sweep_table[0]; i++) {
        int known = 0;
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
            if (strcmp(sweep_table[i].group, groups[g]) == 0) known = 1;
        if (!known) fprintf(stderr, "%s is in unknown group %s\n", sweep_table[i].name,
                            sweep_table[i].group);
        CHECK(known);
    }
}
