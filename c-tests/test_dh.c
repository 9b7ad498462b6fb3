/* QSslDiffieHellmanParameters: qssl_dh_params_*. */
#include "qtest.h"

/* The last error message must contain `needle`. */
#define CHECK_LAST_ERROR(needle)                                                          \
    do {                                                                                  \
        if (strstr(qssl_last_error_message(), (needle)) == NULL) {                        \
            fprintf(stderr, "%s:%d: message lacks \"%s\"\n", __FILE__, __LINE__, needle);  \
            qtest_report(__FILE__, __LINE__, "last error contains " #needle);             \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* Parses a fixture; NULL if the fixture is missing or the call fails. */
static qssl_dh_params_t *from_fixture(const char *file, qssl_encoding_format_t format) {
    size_t len = 0;
    unsigned char *data = qtest_read_fixture(file, &len);
    if (data == NULL) return NULL;
    qssl_dh_params_t *p = NULL;
    qssl_status_t st = qssl_dh_params_from_encoded(data, len, format, &p);
    free(data);
    return st == QSSL_STATUS_OK ? p : NULL;
}

static const char *error_string(const qssl_dh_params_t *p) {
    static char buf[256];
    size_t len = 0;
    if (qssl_dh_params_error_string(p, buf, sizeof buf, &len) != QSSL_STATUS_OK) return "<error>";
    return buf;
}

TEST_CASE(empty_parameters) {
    qssl_dh_params_t *e = qssl_dh_params_new();
    CHECK(e != NULL);
    CHECK(qssl_dh_params_is_empty(e));
    CHECK(qssl_dh_params_is_valid(e));
    CHECK_EQ_INT(qssl_dh_params_error(e), QSSL_DH_PARAMS_ERROR_NO_ERROR);
    CHECK_EQ_STR(error_string(e), "No error");
    qssl_dh_params_free(e);
}

TEST_CASE(default_is_ffdhe2048) {
    qssl_dh_params_t *d = qssl_dh_params_default_parameters();
    qssl_dh_params_t *e = qssl_dh_params_new();
    qssl_dh_params_t *pem = from_fixture("dh-ffdhe2048.pem", QSSL_ENCODING_FORMAT_PEM);
    qssl_dh_params_t *der = from_fixture("dh-ffdhe2048.der", QSSL_ENCODING_FORMAT_DER);
    CHECK(d && e && pem && der);
    CHECK(!qssl_dh_params_is_empty(d));
    CHECK(qssl_dh_params_is_valid(d));
    CHECK(!qssl_dh_params_equal(d, e));
    CHECK(qssl_dh_params_equal(d, der));
    CHECK(qssl_dh_params_equal(d, pem));
    qssl_dh_params_free(d);
    qssl_dh_params_free(e);
    qssl_dh_params_free(pem);
    qssl_dh_params_free(der);
}

TEST_CASE(ffdhe2048_pem_and_der_are_valid_and_equal) {
    qssl_clear_last_error();
    qssl_dh_params_t *pem = from_fixture("dh-ffdhe2048.pem", QSSL_ENCODING_FORMAT_PEM);
    qssl_dh_params_t *der = from_fixture("dh-ffdhe2048.der", QSSL_ENCODING_FORMAT_DER);
    CHECK(pem && der);
    /* A valid result records no message. */
    CHECK_EQ_STR(qssl_last_error_message(), "");
    CHECK(qssl_dh_params_is_valid(pem) && !qssl_dh_params_is_empty(pem));
    CHECK(qssl_dh_params_is_valid(der) && !qssl_dh_params_is_empty(der));
    CHECK_EQ_INT(qssl_dh_params_error(pem), QSSL_DH_PARAMS_ERROR_NO_ERROR);
    CHECK(qssl_dh_params_equal(pem, der));
    qssl_dh_params_free(pem);
    qssl_dh_params_free(der);
}

TEST_CASE(small_prime_is_unsafe) {
    qssl_clear_last_error();
    qssl_dh_params_t *p = from_fixture("dh-512.pem", QSSL_ENCODING_FORMAT_PEM);
    CHECK(p != NULL);
    CHECK_EQ_INT(qssl_dh_params_error(p), QSSL_DH_PARAMS_ERROR_UNSAFE_PARAMETERS_ERROR);
    CHECK(!qssl_dh_params_is_valid(p));
    CHECK(!qssl_dh_params_is_empty(p));
    CHECK_LAST_ERROR("weak parameters refused: the prime has 512 bits, fewer than 2048");
    CHECK(strstr(error_string(p), "unsafe") != NULL);
    /* Equality compares DER only: an invalid object equals an empty one. */
    qssl_dh_params_t *e = qssl_dh_params_new();
    CHECK(qssl_dh_params_equal(p, e));
    qssl_dh_params_free(e);
    qssl_dh_params_free(p);
}

TEST_CASE(non_prime_is_unsafe) {
    const char *files[] = {"dh-nonprime.pem", "dh-nonprime.der"};
    const qssl_encoding_format_t formats[] = {QSSL_ENCODING_FORMAT_PEM, QSSL_ENCODING_FORMAT_DER};
    for (int i = 0; i < 2; i++) {
        qssl_clear_last_error();
        qssl_dh_params_t *p = from_fixture(files[i], formats[i]);
        CHECK(p != NULL);
        CHECK_EQ_INT(qssl_dh_params_error(p), QSSL_DH_PARAMS_ERROR_UNSAFE_PARAMETERS_ERROR);
        CHECK(!qssl_dh_params_is_valid(p));
        CHECK_LAST_ERROR("p is not prime");
        qssl_dh_params_free(p);
    }
}

TEST_CASE(invalid_input_data) {
    static const unsigned char garbage[] = "this is not DH";
    static const char bad_pem[] =
        "-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n";
    size_t der_len = 0;
    unsigned char *der = qtest_read_fixture("dh-ffdhe2048.der", &der_len);
    size_t pem_len = 0;
    unsigned char *pem = qtest_read_fixture("dh-ffdhe2048.pem", &pem_len);
    CHECK(der && pem);
    struct {
        const unsigned char *data;
        size_t len;
        qssl_encoding_format_t format;
        const char *why;
    } cases[] = {
        {garbage, 0, QSSL_ENCODING_FORMAT_PEM, "no input data"},
        {NULL, 0, QSSL_ENCODING_FORMAT_DER, "no input data"},
        {garbage, sizeof garbage - 1, QSSL_ENCODING_FORMAT_DER, "DER: not DH parameters"},
        {garbage, sizeof garbage - 1, QSSL_ENCODING_FORMAT_PEM, "PEM: no DH PARAMETERS block"},
        {(const unsigned char *)bad_pem, sizeof bad_pem - 1, QSSL_ENCODING_FORMAT_PEM, "PEM"},
        {der, 100, QSSL_ENCODING_FORMAT_DER, "DER: not DH parameters"},  /* truncated */
        {pem, pem_len / 2, QSSL_ENCODING_FORMAT_PEM, "PEM"},              /* truncated */
        {pem, pem_len, QSSL_ENCODING_FORMAT_DER, "DER"},                  /* PEM as DER */
        {der, der_len, QSSL_ENCODING_FORMAT_PEM, "PEM"},                  /* DER as PEM */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qssl_clear_last_error();
        qssl_dh_params_t *p = NULL;
        CHECK_OK(qssl_dh_params_from_encoded(cases[i].data, cases[i].len, cases[i].format, &p));
        CHECK(p != NULL);
        CHECK_EQ_INT(qssl_dh_params_error(p), QSSL_DH_PARAMS_ERROR_INVALID_INPUT_DATA_ERROR);
        CHECK(!qssl_dh_params_is_valid(p));
        CHECK(!qssl_dh_params_is_empty(p));
        CHECK_LAST_ERROR(cases[i].why);
        CHECK(strstr(error_string(p), "not valid") != NULL);
        qssl_dh_params_free(p);
    }
    free(der);
    free(pem);
}

TEST_CASE(from_encoded_bad_arguments) {
    static const unsigned char data[] = "x";
    static char dummy;
    qssl_dh_params_t *p = (qssl_dh_params_t *)(void *)&dummy; /* any non-NULL value */
    CHECK_ERROR(qssl_dh_params_from_encoded(data, 1, QSSL_ENCODING_FORMAT_PEM, NULL),
                QSSL_STATUS_NULL_ARGUMENT, "out is NULL");
    CHECK_ERROR(qssl_dh_params_from_encoded(NULL, 5, QSSL_ENCODING_FORMAT_PEM, &p),
                QSSL_STATUS_NULL_ARGUMENT, "data is NULL");
    CHECK(p == NULL);
    p = (qssl_dh_params_t *)(void *)&dummy;
    CHECK_ERROR(qssl_dh_params_from_encoded(data, 1, 2, &p), QSSL_STATUS_INVALID_ARGUMENT,
                "unknown qssl_encoding_format_t value 2");
    CHECK(p == NULL);
    CHECK_ERROR(qssl_dh_params_from_encoded(data, 1, -1, &p), QSSL_STATUS_INVALID_ARGUMENT,
                "value -1");
    CHECK(p == NULL);
}

TEST_CASE(copy_equal_swap_free) {
    qssl_dh_params_t *d = qssl_dh_params_default_parameters();
    qssl_dh_params_t *e = qssl_dh_params_new();
    qssl_dh_params_t *c = qssl_dh_params_copy(d);
    CHECK(d && e && c && c != d);
    CHECK(qssl_dh_params_equal(c, d));
    qssl_dh_params_swap(c, e);
    CHECK(qssl_dh_params_is_empty(c));
    CHECK(qssl_dh_params_equal(e, d));
    qssl_dh_params_swap(c, c);
    CHECK(qssl_dh_params_is_empty(c));
    qssl_dh_params_free(d); /* the copy keeps the data */
    CHECK(!qssl_dh_params_is_empty(e) && qssl_dh_params_is_valid(e));
    qssl_clear_last_error();
    CHECK(qssl_dh_params_copy(NULL) == NULL);
    CHECK_LAST_ERROR("params is NULL");
    CHECK(!qssl_dh_params_equal(NULL, e));
    CHECK_LAST_ERROR("a is NULL");
    CHECK(!qssl_dh_params_equal(e, NULL));
    CHECK_LAST_ERROR("b is NULL");
    qssl_dh_params_swap(NULL, e);
    qssl_dh_params_swap(e, NULL);
    qssl_dh_params_swap(NULL, NULL);
    CHECK_LAST_ERROR("qssl_dh_params_swap: a is NULL");
    CHECK(!qssl_dh_params_is_empty(e));
    qssl_dh_params_free(NULL);
    qssl_dh_params_free(c);
    qssl_dh_params_free(e);
}

TEST_CASE(getters_given_null_return_qt_defaults) {
    CHECK(qssl_dh_params_is_empty(NULL));
    CHECK(qssl_dh_params_is_valid(NULL));
    CHECK_EQ_INT(qssl_dh_params_error(NULL), QSSL_DH_PARAMS_ERROR_NO_ERROR);
    char buf[8];
    size_t len = 0;
    CHECK_ERROR(qssl_dh_params_error_string(NULL, buf, sizeof buf, &len),
                QSSL_STATUS_NULL_ARGUMENT, "params is NULL");
}

TEST_CASE(error_string_buffer_rules) {
    qssl_dh_params_t *e = qssl_dh_params_new();
    size_t len = 0;
    CHECK_STATUS(qssl_dh_params_error_string(e, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 8); /* "No error" */
    char buf[9];
    memset(buf, 'x', sizeof buf);
    CHECK_STATUS(qssl_dh_params_error_string(e, buf, 8, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK(buf[0] == 'x');
    CHECK_OK(qssl_dh_params_error_string(e, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "No error");
    CHECK_ERROR(qssl_dh_params_error_string(e, buf, sizeof buf, NULL), QSSL_STATUS_NULL_ARGUMENT,
                "out_len is NULL");
    CHECK_ERROR(qssl_dh_params_error_string(e, NULL, 64, &len), QSSL_STATUS_NULL_ARGUMENT,
                "buf is NULL");
    qssl_dh_params_free(e);
}

/* Exports through a size query first; returns a malloc'd copy or NULL. */
typedef qssl_status_t (*export_fn)(const qssl_dh_params_t *, uint8_t *, size_t, size_t *);
static uint8_t *export_all(export_fn f, const qssl_dh_params_t *p, size_t *len) {
    *len = 0;
    qssl_status_t st = f(p, NULL, 0, len);
    if (*len == 0) return st == QSSL_STATUS_OK ? malloc(1) : NULL;
    if (st != QSSL_STATUS_BUFFER_TOO_SMALL) return NULL;
    uint8_t *buf = malloc(*len);
    size_t got = 0;
    if (buf == NULL || f(p, buf, *len, &got) != QSSL_STATUS_OK || got != *len) {
        free(buf);
        return NULL;
    }
    return buf;
}

TEST_CASE(default_exports_as_openssl_writes_ffdhe2048) {
    qssl_dh_params_t *d = qssl_dh_params_default_parameters();
    size_t der_len = 0, pem_len = 0, fx_der_len = 0, fx_pem_len = 0;
    uint8_t *der = export_all(qssl_dh_params_to_der, d, &der_len);
    uint8_t *pem = export_all(qssl_dh_params_to_pem, d, &pem_len);
    /* The fixtures were written by `openssl dhparam` from group ffdhe2048. */
    unsigned char *fx_der = qtest_read_fixture("dh-ffdhe2048.der", &fx_der_len);
    unsigned char *fx_pem = qtest_read_fixture("dh-ffdhe2048.pem", &fx_pem_len);
    CHECK(d && der && pem && fx_der && fx_pem);
    CHECK_EQ_INT(der_len, 268);
    CHECK(der_len == fx_der_len && memcmp(der, fx_der, der_len) == 0);
    CHECK(pem_len == fx_pem_len && memcmp(pem, fx_pem, pem_len) == 0);
    CHECK(memcmp(pem, "-----BEGIN DH PARAMETERS-----\n", 30) == 0);
    free(der);
    free(pem);
    free(fx_der);
    free(fx_pem);
    qssl_dh_params_free(d);
}

TEST_CASE(export_round_trips) {
    qssl_dh_params_t *d = qssl_dh_params_default_parameters();
    size_t der_len = 0, pem_len = 0;
    uint8_t *der = export_all(qssl_dh_params_to_der, d, &der_len);
    uint8_t *pem = export_all(qssl_dh_params_to_pem, d, &pem_len);
    CHECK(der && pem);
    qssl_dh_params_t *from_der = NULL, *from_pem = NULL;
    CHECK_OK(qssl_dh_params_from_encoded(der, der_len, QSSL_ENCODING_FORMAT_DER, &from_der));
    CHECK_OK(qssl_dh_params_from_encoded(pem, pem_len, QSSL_ENCODING_FORMAT_PEM, &from_pem));
    CHECK(qssl_dh_params_is_valid(from_der) && qssl_dh_params_is_valid(from_pem));
    CHECK(qssl_dh_params_equal(from_der, d));
    CHECK(qssl_dh_params_equal(from_pem, d));
    /* Parameters read from PEM export the same DER, and back the same PEM. */
    size_t der2_len = 0, pem2_len = 0;
    uint8_t *der2 = export_all(qssl_dh_params_to_der, from_pem, &der2_len);
    uint8_t *pem2 = export_all(qssl_dh_params_to_pem, from_der, &pem2_len);
    CHECK(der2 && pem2);
    CHECK(der2_len == der_len && memcmp(der2, der, der_len) == 0);
    CHECK(pem2_len == pem_len && memcmp(pem2, pem, pem_len) == 0);
    free(der);
    free(pem);
    free(der2);
    free(pem2);
    qssl_dh_params_free(from_der);
    qssl_dh_params_free(from_pem);
    qssl_dh_params_free(d);
}

TEST_CASE(export_of_empty_invalid_and_bad_arguments) {
    qssl_dh_params_t *e = qssl_dh_params_new();
    qssl_dh_params_t *bad = from_fixture("dh-nonprime.pem", QSSL_ENCODING_FORMAT_PEM);
    CHECK(e && bad);
    CHECK(!qssl_dh_params_is_valid(bad));
    size_t len = 99;
    CHECK_OK(qssl_dh_params_to_der(e, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    len = 99;
    CHECK_OK(qssl_dh_params_to_pem(e, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    len = 99;
    CHECK_OK(qssl_dh_params_to_der(bad, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    CHECK_OK(qssl_dh_params_to_pem(bad, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);

    qssl_dh_params_t *d = qssl_dh_params_default_parameters();
    uint8_t small[16];
    memset(small, 0xA5, sizeof small);
    CHECK_STATUS(qssl_dh_params_to_der(d, small, sizeof small, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 268);
    CHECK_EQ_INT(small[0], 0xA5);
    CHECK_STATUS(qssl_dh_params_to_pem(d, small, sizeof small, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK(len > 268);
    CHECK_STATUS(qssl_dh_params_to_der(NULL, small, sizeof small, &len), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_dh_params_to_pem(d, small, sizeof small, NULL), QSSL_STATUS_NULL_ARGUMENT);
    qssl_dh_params_free(d);
    qssl_dh_params_free(e);
    qssl_dh_params_free(bad);
}
