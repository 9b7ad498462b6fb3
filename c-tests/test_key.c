/* QSslKey through the C API: qssl_key_*. */
#include "qtest.h"

#define PASS "qssl-pass"
#define PASS_LEN (sizeof PASS - 1)

/* Loads a fixture key; returns NULL (and reports) on failure. */
static qssl_key_t *load_key(const char *name, qssl_key_algorithm_t alg, qssl_encoding_format_t fmt,
                            qssl_key_type_t type, const char *pass) {
    size_t len = 0;
    unsigned char *data = qtest_read_fixture(name, &len);
    if (!data) return NULL;
    qssl_key_t *key = NULL;
    size_t plen = pass ? strlen(pass) : 0;
    qssl_status_t st =
        fmt == QSSL_ENCODING_FORMAT_DER
            ? qssl_key_from_der(data, len, alg, type, (const uint8_t *)pass, plen, &key)
            : qssl_key_from_pem(data, len, alg, type, (const uint8_t *)pass, plen, &key);
    free(data);
    if (st != QSSL_STATUS_OK) {
        fprintf(stderr, "loading %s: %s\n", name, qssl_last_error_message());
        return NULL;
    }
    return key;
}

/* The key's DER (malloc'd) or NULL. */
static unsigned char *key_der(const qssl_key_t *key, size_t *len) {
    if (qssl_key_to_der(key, NULL, 0, NULL, 0, len) != QSSL_STATUS_OK &&
        *len == 0)
        return NULL;
    unsigned char *buf = malloc(*len ? *len : 1);
    if (!buf) return NULL;
    if (qssl_key_to_der(key, NULL, 0, buf, *len, len) != QSSL_STATUS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

TEST_CASE(null_key_defaults) {
    qssl_key_t *k = qssl_key_new();
    CHECK(k != NULL);
    CHECK(qssl_key_is_null(k));
    CHECK_EQ_INT(qssl_key_algorithm(k), QSSL_KEY_ALGORITHM_OPAQUE);
    CHECK_EQ_INT(qssl_key_type(k), QSSL_KEY_TYPE_PUBLIC_KEY);
    CHECK_EQ_INT(qssl_key_length(k), -1);
    size_t len = 99;
    CHECK_OK(qssl_key_to_pem(k, NULL, 0, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    len = 99;
    CHECK_OK(qssl_key_to_der(k, NULL, 0, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    qssl_key_t *k2 = qssl_key_new();
    CHECK(qssl_key_equal(k, k2));
    qssl_key_free(k2);
    qssl_key_free(k);
}

TEST_CASE(null_handles_give_qt_defaults) {
    CHECK(qssl_key_is_null(NULL));
    CHECK_EQ_INT(qssl_key_algorithm(NULL), QSSL_KEY_ALGORITHM_OPAQUE);
    CHECK_EQ_INT(qssl_key_type(NULL), QSSL_KEY_TYPE_PUBLIC_KEY);
    CHECK_EQ_INT(qssl_key_length(NULL), -1);
    CHECK(!qssl_key_equal(NULL, NULL));
    CHECK(qssl_key_copy(NULL) == NULL);
    CHECK(strstr(qssl_last_error_message(), "key is NULL") != NULL);
    qssl_key_free(NULL);
    qssl_key_clear(NULL);
    qssl_key_swap(NULL, NULL); /* recorded as an error, as documented */
    CHECK(strstr(qssl_last_error_message(), "qssl_key_swap: a is NULL") != NULL);
    size_t len = 0;
    CHECK_ERROR(qssl_key_to_pem(NULL, NULL, 0, NULL, 0, &len), QSSL_STATUS_NULL_ARGUMENT, "key");
    CHECK_ERROR(qssl_key_to_der(NULL, NULL, 0, NULL, 0, &len), QSSL_STATUS_NULL_ARGUMENT, "key");
}

TEST_CASE(rsa_pem) {
    qssl_key_t *k = load_key("server-key.pem", QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                             QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(k != NULL);
    CHECK(!qssl_key_is_null(k));
    CHECK_EQ_INT(qssl_key_algorithm(k), QSSL_KEY_ALGORITHM_RSA);
    CHECK_EQ_INT(qssl_key_type(k), QSSL_KEY_TYPE_PRIVATE_KEY);
    CHECK_EQ_INT(qssl_key_length(k), 2048);
    qssl_key_t *again = load_key("server-key.pem", QSSL_KEY_ALGORITHM_RSA,
                                 QSSL_ENCODING_FORMAT_PEM, QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(qssl_key_equal(k, again));
    /* PEM out: traditional RSA format, NUL-free, size query then fill. */
    size_t len = 0;
    CHECK_STATUS(qssl_key_to_pem(k, NULL, 0, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK(len > 1000);
    unsigned char *pem = malloc(len);
    CHECK(pem != NULL);
    CHECK_STATUS(qssl_key_to_pem(k, NULL, 0, pem, len - 1, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_OK(qssl_key_to_pem(k, NULL, 0, pem, len, &len));
    CHECK(memcmp(pem, "-----BEGIN RSA PRIVATE KEY-----", 31) == 0);
    qssl_key_t *back = NULL;
    CHECK_OK(qssl_key_from_pem(pem, len, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY, NULL,
                               0, &back));
    CHECK(qssl_key_equal(back, k));
    free(pem);
    qssl_key_free(back);
    qssl_key_free(again);
    qssl_key_free(k);
}

TEST_CASE(rsa_pem_as_other_algorithm_fails) {
    size_t len = 0;
    unsigned char *data = qtest_read_fixture("server-key.pem", &len);
    CHECK(data != NULL);
    qssl_key_t *k = (qssl_key_t *)1;
    qssl_status_t st = qssl_key_from_pem(data, len, QSSL_KEY_ALGORITHM_EC,
                                         QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k);
    int is_ec_err = st == QSSL_STATUS_PARSE_FAILED &&
                    strstr(qssl_last_error_message(), "key is RSA, not EC") != NULL;
    int out_null = k == NULL;
    st = qssl_key_from_pem(data, len, QSSL_KEY_ALGORITHM_OPAQUE, QSSL_KEY_TYPE_PRIVATE_KEY, NULL,
                           0, &k);
    int is_opaque_err = st == QSSL_STATUS_PARSE_FAILED &&
                        strstr(qssl_last_error_message(), "not Opaque") != NULL;
    free(data);
    CHECK(is_ec_err);
    CHECK(out_null);
    CHECK(is_opaque_err);
    CHECK(k == NULL);
}

TEST_CASE(ec_pem_and_der) {
    qssl_key_t *k = load_key("server-ec-key.pem", QSSL_KEY_ALGORITHM_EC, QSSL_ENCODING_FORMAT_PEM,
                             QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(k != NULL);
    CHECK_EQ_INT(qssl_key_algorithm(k), QSSL_KEY_ALGORITHM_EC);
    CHECK_EQ_INT(qssl_key_type(k), QSSL_KEY_TYPE_PRIVATE_KEY);
    CHECK_EQ_INT(qssl_key_length(k), 256);
    qssl_key_t *d = load_key("server-ec-key.der", QSSL_KEY_ALGORITHM_EC, QSSL_ENCODING_FORMAT_DER,
                             QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(d != NULL);
    CHECK(qssl_key_equal(k, d));
    qssl_key_free(d);
    qssl_key_free(k);
}

TEST_CASE(rsa_der_round_trip) {
    qssl_key_t *k = load_key("server-key.pem", QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                             QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(k != NULL);
    size_t len = 0;
    unsigned char *der = key_der(k, &len);
    CHECK(der != NULL);
    CHECK(len > 1000);
    qssl_key_t *back = NULL;
    qssl_status_t st = qssl_key_from_der(der, len, QSSL_KEY_ALGORITHM_RSA,
                                         QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &back);
    free(der);
    CHECK_OK(st);
    CHECK(qssl_key_equal(back, k));
    qssl_key_t *p8 = load_key("server-key.der", QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_DER,
                              QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(p8 != NULL);
    CHECK(qssl_key_equal(p8, k));
    qssl_key_free(p8);
    qssl_key_free(back);
    qssl_key_free(k);
}

TEST_CASE(encrypted_pem_passphrases) {
    qssl_key_t *k = load_key("server-key-encrypted.pem", QSSL_KEY_ALGORITHM_RSA,
                             QSSL_ENCODING_FORMAT_PEM, QSSL_KEY_TYPE_PRIVATE_KEY, PASS);
    CHECK(k != NULL);
    CHECK_EQ_INT(qssl_key_length(k), 2048);
    size_t len = 0;
    unsigned char *data = qtest_read_fixture("server-key-encrypted.pem", &len);
    CHECK(data != NULL);
    qssl_key_t *bad = (qssl_key_t *)1;
    qssl_status_t wrong = qssl_key_from_pem(data, len, QSSL_KEY_ALGORITHM_RSA,
                                            QSSL_KEY_TYPE_PRIVATE_KEY, (const uint8_t *)"nope", 4,
                                            &bad);
    int wrong_msg = strstr(qssl_last_error_message(), "wrong passphrase") != NULL;
    qssl_status_t none = qssl_key_from_pem(data, len, QSSL_KEY_ALGORITHM_RSA,
                                           QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &bad);
    int none_msg = strstr(qssl_last_error_message(), "no passphrase") != NULL;
    free(data);
    CHECK_EQ_INT(wrong, QSSL_STATUS_BAD_PASSPHRASE);
    CHECK(wrong_msg);
    CHECK_EQ_INT(none, QSSL_STATUS_BAD_PASSPHRASE);
    CHECK(none_msg);
    CHECK(bad == NULL);
    qssl_key_free(k);
}

TEST_CASE(to_pem_with_passphrase) {
    qssl_key_t *k = load_key("server-key.pem", QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                             QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(k != NULL);
    const uint8_t pw[] = "secret";
    size_t len = 0;
    CHECK_STATUS(qssl_key_to_pem(k, pw, 6, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    char *pem = malloc(len + 1);
    CHECK(pem != NULL);
    CHECK_OK(qssl_key_to_pem(k, pw, 6, (uint8_t *)pem, len, &len));
    pem[len] = '\0';
    int encrypted = strstr(pem, "ENCRYPTED") != NULL && strstr(pem, "AES-256-CBC") != NULL;
    qssl_key_t *back = NULL;
    qssl_status_t st = qssl_key_from_pem((const uint8_t *)pem, len, QSSL_KEY_ALGORITHM_RSA,
                                         QSSL_KEY_TYPE_PRIVATE_KEY, pw, 6, &back);
    free(pem);
    CHECK(encrypted);
    CHECK_OK(st);
    CHECK(qssl_key_equal(back, k));
    /* toDer with a passphrase is empty for private keys (Qt). */
    size_t dlen = 99;
    CHECK_OK(qssl_key_to_der(k, pw, 6, NULL, 0, &dlen));
    CHECK_EQ_INT(dlen, 0);
    qssl_key_free(back);
    qssl_key_free(k);
}

TEST_CASE(public_key_pem_and_der) {
    qssl_key_t *k = load_key("server-pub.pem", QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                             QSSL_KEY_TYPE_PUBLIC_KEY, NULL);
    CHECK(k != NULL);
    CHECK_EQ_INT(qssl_key_type(k), QSSL_KEY_TYPE_PUBLIC_KEY);
    CHECK_EQ_INT(qssl_key_length(k), 2048);
    size_t len = 0;
    unsigned char *der = key_der(k, &len);
    CHECK(der != NULL);
    qssl_key_t *back = NULL;
    qssl_status_t st = qssl_key_from_der(der, len, QSSL_KEY_ALGORITHM_RSA,
                                         QSSL_KEY_TYPE_PUBLIC_KEY, NULL, 0, &back);
    free(der);
    CHECK_OK(st);
    CHECK(qssl_key_equal(back, k));
    /* Private and public keys are never equal. */
    qssl_key_t *priv = load_key("server-key.pem", QSSL_KEY_ALGORITHM_RSA,
                                QSSL_ENCODING_FORMAT_PEM, QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(priv != NULL);
    CHECK(!qssl_key_equal(priv, k));
    qssl_key_free(priv);
    qssl_key_free(back);
    qssl_key_free(k);
}

TEST_CASE(dsa_key) {
    qssl_key_t *k = load_key("dsa-key.pem", QSSL_KEY_ALGORITHM_DSA, QSSL_ENCODING_FORMAT_PEM,
                             QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(k != NULL);
    CHECK_EQ_INT(qssl_key_algorithm(k), QSSL_KEY_ALGORITHM_DSA);
    CHECK_EQ_INT(qssl_key_length(k), 2048);
    qssl_key_free(k);
}

TEST_CASE(ed25519_is_opaque) {
    qssl_key_t *k = load_key("ed25519-key.pem", QSSL_KEY_ALGORITHM_OPAQUE,
                             QSSL_ENCODING_FORMAT_PEM, QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(k != NULL);
    CHECK(!qssl_key_is_null(k));
    CHECK_EQ_INT(qssl_key_algorithm(k), QSSL_KEY_ALGORITHM_OPAQUE);
    CHECK_EQ_INT(qssl_key_length(k), -1);
    size_t len = 99;
    CHECK_OK(qssl_key_to_pem(k, NULL, 0, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    /* Opaque keys compare by identity: a copy is equal, a second load is not. */
    qssl_key_t *copy = qssl_key_copy(k);
    CHECK(qssl_key_equal(k, copy));
    qssl_key_t *other = load_key("ed25519-key.pem", QSSL_KEY_ALGORITHM_OPAQUE,
                                 QSSL_ENCODING_FORMAT_PEM, QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(other != NULL);
    CHECK(!qssl_key_equal(k, other));
    qssl_key_free(other);
    qssl_key_free(copy);
    qssl_key_free(k);
}

TEST_CASE(copy_clear_swap) {
    qssl_key_t *k = load_key("server-key.pem", QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                             QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(k != NULL);
    qssl_key_t *copy = qssl_key_copy(k);
    CHECK(copy != NULL && copy != k);
    CHECK(qssl_key_equal(k, copy));
    qssl_key_clear(copy);
    CHECK(qssl_key_is_null(copy));
    CHECK(!qssl_key_is_null(k)); /* originalAfterCopyCleared */
    qssl_key_swap(k, copy);
    CHECK(qssl_key_is_null(k));
    CHECK_EQ_INT(qssl_key_length(copy), 2048);
    qssl_key_swap(copy, copy);
    CHECK_EQ_INT(qssl_key_length(copy), 2048);
    qssl_key_free(copy);
    qssl_key_free(k);
}

TEST_CASE(from_file) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", qtest_fixtures(), "server-key-encrypted.pem");
    qssl_key_t *k = NULL;
    CHECK_OK(qssl_key_from_file(path, QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                                QSSL_KEY_TYPE_PRIVATE_KEY, (const uint8_t *)PASS, PASS_LEN, &k));
    CHECK_EQ_INT(qssl_key_length(k), 2048);
    qssl_key_free(k);
    k = NULL;
    CHECK_ERROR(qssl_key_from_file(path, QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                                   QSSL_KEY_TYPE_PRIVATE_KEY, (const uint8_t *)"x", 1, &k),
                QSSL_STATUS_BAD_PASSPHRASE, "wrong passphrase");
    snprintf(path, sizeof path, "%s/%s", qtest_fixtures(), "server-key.der");
    CHECK_OK(qssl_key_from_file(path, QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_DER,
                                QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k));
    qssl_key_free(k);
    CHECK_ERROR(qssl_key_from_file("/nonexistent/key.pem", QSSL_KEY_ALGORITHM_RSA,
                                   QSSL_ENCODING_FORMAT_PEM, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0,
                                   &k),
                QSSL_STATUS_IO, "cannot read key file");
    CHECK(k == NULL);
    CHECK_ERROR(qssl_key_from_file(path, QSSL_KEY_ALGORITHM_RSA, 5, QSSL_KEY_TYPE_PRIVATE_KEY,
                                   NULL, 0, &k),
                QSSL_STATUS_INVALID_ARGUMENT, "unknown encoding format 5");
    CHECK_ERROR(qssl_key_from_file(NULL, QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                                   QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k),
                QSSL_STATUS_NULL_ARGUMENT, "path");
    const char bad_utf8[] = {'/', 't', 'm', 'p', '/', (char)0xff, 0};
    CHECK_ERROR(qssl_key_from_file(bad_utf8, QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                                   QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k),
                QSSL_STATUS_INVALID_ARGUMENT, "UTF-8");
    CHECK_ERROR(qssl_key_from_file(path, QSSL_KEY_ALGORITHM_RSA, QSSL_ENCODING_FORMAT_PEM,
                                   QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, NULL),
                QSSL_STATUS_NULL_ARGUMENT, "out");
}

TEST_CASE(bad_input) {
    qssl_key_t *k = (qssl_key_t *)1;
    const uint8_t garbage[] = "this is not a key";
    CHECK_ERROR(qssl_key_from_pem(garbage, sizeof garbage - 1, QSSL_KEY_ALGORITHM_RSA,
                                  QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k),
                QSSL_STATUS_PARSE_FAILED, "PEM: no private key found");
    CHECK(k == NULL);
    CHECK_ERROR(qssl_key_from_pem(garbage, sizeof garbage - 1, QSSL_KEY_ALGORITHM_RSA,
                                  QSSL_KEY_TYPE_PUBLIC_KEY, NULL, 0, &k),
                QSSL_STATUS_PARSE_FAILED, "PEM: no public key found");
    CHECK_ERROR(qssl_key_from_der(garbage, sizeof garbage - 1, QSSL_KEY_ALGORITHM_RSA,
                                  QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k),
                QSSL_STATUS_PARSE_FAILED, "DER: not a private key");
    CHECK_ERROR(qssl_key_from_der(garbage, sizeof garbage - 1, QSSL_KEY_ALGORITHM_RSA,
                                  QSSL_KEY_TYPE_PUBLIC_KEY, NULL, 0, &k),
                QSSL_STATUS_PARSE_FAILED, "DER: not a public key");
    CHECK_ERROR(qssl_key_from_pem(NULL, 0, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY,
                                  NULL, 0, &k),
                QSSL_STATUS_PARSE_FAILED, "empty");
    CHECK_ERROR(qssl_key_from_der(NULL, 0, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY,
                                  NULL, 0, &k),
                QSSL_STATUS_PARSE_FAILED, "empty");
    CHECK_ERROR(qssl_key_from_pem(NULL, 5, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY,
                                  NULL, 0, &k),
                QSSL_STATUS_NULL_ARGUMENT, "data");
    CHECK_ERROR(qssl_key_from_pem(garbage, 3, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY,
                                  NULL, 4, &k),
                QSSL_STATUS_NULL_ARGUMENT, "passphrase");
    CHECK_ERROR(qssl_key_from_pem(garbage, 3, 42, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k),
                QSSL_STATUS_INVALID_ARGUMENT, "unknown key algorithm 42");
    CHECK_ERROR(qssl_key_from_der(garbage, 3, QSSL_KEY_ALGORITHM_RSA, -3, NULL, 0, &k),
                QSSL_STATUS_INVALID_ARGUMENT, "unknown key type -3");
    CHECK_ERROR(qssl_key_from_pem(garbage, 3, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY,
                                  NULL, 0, NULL),
                QSSL_STATUS_NULL_ARGUMENT, "out");
    CHECK_ERROR(qssl_key_from_der(garbage, 3, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY,
                                  NULL, 0, NULL),
                QSSL_STATUS_NULL_ARGUMENT, "out");
    CHECK(k == NULL);

    /* A truncated key. */
    size_t len = 0;
    unsigned char *data = qtest_read_fixture("server-key.pem", &len);
    CHECK(data != NULL);
    qssl_status_t st = qssl_key_from_pem(data, len / 2, QSSL_KEY_ALGORITHM_RSA,
                                         QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k);
    free(data);
    CHECK_EQ_INT(st, QSSL_STATUS_PARSE_FAILED);
    data = qtest_read_fixture("server-key.der", &len);
    CHECK(data != NULL);
    st = qssl_key_from_der(data, len - 10, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY,
                           NULL, 0, &k);
    free(data);
    CHECK_EQ_INT(st, QSSL_STATUS_PARSE_FAILED);

    /* Output argument checks. */
    qssl_key_t *good = load_key("server-key.pem", QSSL_KEY_ALGORITHM_RSA,
                                QSSL_ENCODING_FORMAT_PEM, QSSL_KEY_TYPE_PRIVATE_KEY, NULL);
    CHECK(good != NULL);
    uint8_t buf[16];
    qssl_status_t s1 = qssl_key_to_pem(good, NULL, 0, buf, sizeof buf, NULL);
    qssl_status_t s2 = qssl_key_to_der(good, NULL, 3, buf, sizeof buf, &len);
    qssl_status_t s3 = qssl_key_to_der(good, NULL, 0, NULL, 4096, &len);
    qssl_key_free(good);
    CHECK_EQ_INT(s1, QSSL_STATUS_NULL_ARGUMENT);
    CHECK_EQ_INT(s2, QSSL_STATUS_NULL_ARGUMENT);
    CHECK_EQ_INT(s3, QSSL_STATUS_NULL_ARGUMENT);
}

TEST_CASE(certificate_public_key) {
    size_t len = 0;
    unsigned char *data = qtest_read_fixture("server.pem", &len);
    CHECK(data != NULL);
    qssl_cert_t *c = NULL;
    qssl_status_t st = qssl_cert_from_pem(data, len, &c);
    free(data);
    CHECK_OK(st);
    qssl_key_t *k = qssl_cert_public_key(c);
    CHECK(k != NULL);
    CHECK(!qssl_key_is_null(k));
    CHECK_EQ_INT(qssl_key_algorithm(k), QSSL_KEY_ALGORITHM_RSA);
    CHECK_EQ_INT(qssl_key_type(k), QSSL_KEY_TYPE_PUBLIC_KEY);
    CHECK_EQ_INT(qssl_key_length(k), 2048);
    qssl_key_t *pub = load_key("server-pub.pem", QSSL_KEY_ALGORITHM_RSA,
                               QSSL_ENCODING_FORMAT_PEM, QSSL_KEY_TYPE_PUBLIC_KEY, NULL);
    CHECK(pub != NULL);
    CHECK(qssl_key_equal(k, pub));
    qssl_key_free(pub);
    qssl_key_free(k);
    qssl_cert_free(c);
}
