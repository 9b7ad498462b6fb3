/* QSslError: qssl_ssl_error_* and qssl_ssl_error_list_*.
 *
 * Certificates: these tests use errors without a certificate (NULL); the Rust
 * tests cover errors carrying real certificates. qssl_ssl_error_certificate()
 * returns a handle that qssl_cert_free() releases; that function belongs to
 * the certificate area, so it is referenced weakly here and the part that
 * needs it runs only when the library provides it. */
#include "qtest.h"

#pragma weak qssl_cert_free
void qssl_cert_free(qssl_cert_t *cert);

/* The last error message must contain `needle` (after a NULL/0 result). */
#define CHECK_LAST_ERROR(needle)                                                          \
    do {                                                                                  \
        if (strstr(qssl_last_error_message(), (needle)) == NULL) {                        \
            fprintf(stderr, "%s:%d: message lacks \"%s\"\n", __FILE__, __LINE__, needle);  \
            qtest_report(__FILE__, __LINE__, "last error contains " #needle);             \
            return;                                                                       \
        }                                                                                 \
    } while (0)

static const char *error_string(const qssl_ssl_error_t *e) {
    static char buf[256];
    size_t len = 0;
    if (qssl_ssl_error_error_string(e, buf, sizeof buf, &len) != QSSL_STATUS_OK ||
        strlen(buf) != len)
        return "<error>";
    return buf;
}

TEST_CASE(default_error) {
    qssl_ssl_error_t *e = qssl_ssl_error_new(QSSL_SSL_ERROR_NO_ERROR, NULL);
    CHECK(e != NULL);
    CHECK_EQ_INT(qssl_ssl_error_error(e), QSSL_SSL_ERROR_NO_ERROR);
    CHECK_EQ_STR(error_string(e), "No error");
    qssl_ssl_error_free(e);
}

TEST_CASE(every_code_has_its_own_text) {
    char texts[38][256];
    for (int code = -1; code <= 36; code++) {
        qssl_ssl_error_t *e = qssl_ssl_error_new(code, NULL);
        CHECK(e != NULL);
        CHECK_EQ_INT(qssl_ssl_error_error(e), code);
        const char *t = error_string(e);
        CHECK(t[0] != '\0' && strcmp(t, "<error>") != 0 && strcmp(t, "Unknown error") != 0);
        snprintf(texts[code + 1], sizeof texts[0], "%s", t);
        for (int j = 0; j < code + 1; j++) CHECK(strcmp(texts[j], t) != 0);
        qssl_ssl_error_free(e);
    }
    qssl_ssl_error_t *e = qssl_ssl_error_new(QSSL_SSL_ERROR_CERTIFICATE_EXPIRED, NULL);
    CHECK_EQ_STR(error_string(e), "The certificate has expired");
    qssl_ssl_error_free(e);
}

TEST_CASE(unknown_codes_are_rejected) {
    const int bad[] = {37, -2, 1000, -2147483647 - 1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qssl_clear_last_error();
        CHECK(qssl_ssl_error_new(bad[i], NULL) == NULL);
        CHECK_LAST_ERROR("unknown qssl_ssl_error_code_t value");
    }
    CHECK(qssl_ssl_error_new(37, NULL) == NULL);
    CHECK_LAST_ERROR("qssl_ssl_error_new: unknown qssl_ssl_error_code_t value 37");
}

TEST_CASE(equality_compares_code_and_certificate) {
    qssl_ssl_error_t *a = qssl_ssl_error_new(QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE, NULL);
    qssl_ssl_error_t *b = qssl_ssl_error_new(QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE, NULL);
    qssl_ssl_error_t *c = qssl_ssl_error_new(QSSL_SSL_ERROR_HOST_NAME_MISMATCH, NULL);
    CHECK(a && b && c);
    CHECK(qssl_ssl_error_equal(a, b));
    CHECK(!qssl_ssl_error_equal(a, c));
    qssl_ssl_error_t *d = qssl_ssl_error_copy(c);
    CHECK(d != NULL && d != c);
    CHECK(qssl_ssl_error_equal(c, d));
    qssl_ssl_error_swap(a, d);
    CHECK_EQ_INT(qssl_ssl_error_error(a), QSSL_SSL_ERROR_HOST_NAME_MISMATCH);
    CHECK_EQ_INT(qssl_ssl_error_error(d), QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE);
    qssl_ssl_error_swap(a, a);
    CHECK_EQ_INT(qssl_ssl_error_error(a), QSSL_SSL_ERROR_HOST_NAME_MISMATCH);
    qssl_ssl_error_free(c); /* the copy is independent of the original */
    CHECK_EQ_INT(qssl_ssl_error_error(a), QSSL_SSL_ERROR_HOST_NAME_MISMATCH);
    qssl_ssl_error_free(a);
    qssl_ssl_error_free(b);
    qssl_ssl_error_free(d);
}

TEST_CASE(certificate_of_an_error) {
    qssl_clear_last_error();
    CHECK(qssl_ssl_error_certificate(NULL) == NULL);
    CHECK_LAST_ERROR("qssl_ssl_error_certificate: error is NULL");
    if (qssl_cert_free == NULL) {
        fprintf(stderr, "note: qssl_cert_free not in this build; certificate handle not taken\n");
        return;
    }
    qssl_ssl_error_t *e = qssl_ssl_error_new(QSSL_SSL_ERROR_NO_PEER_CERTIFICATE, NULL);
    qssl_cert_t *cert = qssl_ssl_error_certificate(e);
    CHECK(cert != NULL); /* a null certificate */
    /* An error built with that (null) certificate equals the original. */
    qssl_ssl_error_t *f = qssl_ssl_error_new(QSSL_SSL_ERROR_NO_PEER_CERTIFICATE, cert);
    CHECK(f != NULL);
    CHECK(qssl_ssl_error_equal(e, f));
    qssl_cert_free(cert);
    qssl_ssl_error_free(e);
    qssl_ssl_error_free(f);
}

TEST_CASE(null_arguments) {
    CHECK_EQ_INT(qssl_ssl_error_error(NULL), QSSL_SSL_ERROR_NO_ERROR);
    qssl_ssl_error_t *e = qssl_ssl_error_new(QSSL_SSL_ERROR_CERTIFICATE_REVOKED, NULL);
    qssl_clear_last_error();
    CHECK(qssl_ssl_error_copy(NULL) == NULL);
    CHECK_LAST_ERROR("error is NULL");
    CHECK(!qssl_ssl_error_equal(NULL, e));
    CHECK_LAST_ERROR("a is NULL");
    CHECK(!qssl_ssl_error_equal(e, NULL));
    CHECK_LAST_ERROR("b is NULL");
    qssl_ssl_error_swap(NULL, e);
    qssl_ssl_error_swap(e, NULL);
    qssl_ssl_error_swap(NULL, NULL);
    CHECK_LAST_ERROR("qssl_ssl_error_swap: a is NULL");
    CHECK_EQ_INT(qssl_ssl_error_error(e), QSSL_SSL_ERROR_CERTIFICATE_REVOKED);
    char buf[8];
    size_t len = 0;
    CHECK_ERROR(qssl_ssl_error_error_string(NULL, buf, sizeof buf, &len),
                QSSL_STATUS_NULL_ARGUMENT, "error is NULL");
    qssl_ssl_error_free(NULL);
    qssl_ssl_error_free(e);
}

TEST_CASE(error_string_buffer_rules) {
    qssl_ssl_error_t *e = qssl_ssl_error_new(QSSL_SSL_ERROR_CERTIFICATE_EXPIRED, NULL);
    size_t len = 0;
    CHECK_STATUS(qssl_ssl_error_error_string(e, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, strlen("The certificate has expired"));
    char buf[64];
    memset(buf, 'x', sizeof buf);
    CHECK_STATUS(qssl_ssl_error_error_string(e, buf, len, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK(buf[0] == 'x');
    CHECK_OK(qssl_ssl_error_error_string(e, buf, len + 1, &len));
    CHECK_EQ_STR(buf, "The certificate has expired");
    CHECK_ERROR(qssl_ssl_error_error_string(e, buf, sizeof buf, NULL), QSSL_STATUS_NULL_ARGUMENT,
                "out_len is NULL");
    CHECK_ERROR(qssl_ssl_error_error_string(e, NULL, 64, &len), QSSL_STATUS_NULL_ARGUMENT,
                "buf is NULL");
    qssl_ssl_error_free(e);
}

TEST_CASE(list_of_errors) {
    qssl_ssl_error_t *a = qssl_ssl_error_new(QSSL_SSL_ERROR_HOST_NAME_MISMATCH, NULL);
    qssl_ssl_error_t *b = qssl_ssl_error_new(QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE, NULL);
    const qssl_ssl_error_t *items[] = {a, b, a};
    qssl_ssl_error_list_t *list = qssl_ssl_error_list_new(items, 3);
    CHECK(list != NULL);
    qssl_ssl_error_free(a);
    qssl_ssl_error_free(b);
    CHECK_EQ_INT(qssl_ssl_error_list_len(list), 3);
    CHECK_EQ_INT(qssl_ssl_error_error(qssl_ssl_error_list_get(list, 0)), 22);
    CHECK_EQ_INT(qssl_ssl_error_error(qssl_ssl_error_list_get(list, 1)), 9);
    CHECK(qssl_ssl_error_equal(qssl_ssl_error_list_get(list, 0), qssl_ssl_error_list_get(list, 2)));
    qssl_clear_last_error();
    CHECK(qssl_ssl_error_list_get(list, 3) == NULL);
    CHECK_LAST_ERROR("index 3 out of range (length 3)");
    const qssl_ssl_error_t *const *arr = qssl_ssl_error_list_items(list);
    CHECK(arr != NULL && arr[2] == qssl_ssl_error_list_get(list, 2));
    qssl_ssl_error_list_t *again = qssl_ssl_error_list_new(arr, 3);
    CHECK(again != NULL);
    for (size_t i = 0; i < 3; i++)
        CHECK(qssl_ssl_error_equal(qssl_ssl_error_list_get(list, i),
                                   qssl_ssl_error_list_get(again, i)));
    qssl_ssl_error_t *kept = qssl_ssl_error_copy(qssl_ssl_error_list_get(again, 1));
    qssl_ssl_error_list_free(list);
    qssl_ssl_error_list_free(again);
    CHECK_EQ_INT(qssl_ssl_error_error(kept), 9);
    qssl_ssl_error_free(kept);
}

TEST_CASE(list_bad_input) {
    qssl_ssl_error_list_t *empty = qssl_ssl_error_list_new(NULL, 0);
    CHECK(empty != NULL);
    CHECK_EQ_INT(qssl_ssl_error_list_len(empty), 0);
    CHECK(qssl_ssl_error_list_items(empty) == NULL);
    CHECK(qssl_ssl_error_list_get(empty, 0) == NULL);
    qssl_ssl_error_list_free(empty);
    qssl_clear_last_error();
    CHECK(qssl_ssl_error_list_new(NULL, 1) == NULL);
    CHECK_LAST_ERROR("items is NULL");
    qssl_ssl_error_t *a = qssl_ssl_error_new(QSSL_SSL_ERROR_NO_ERROR, NULL);
    const qssl_ssl_error_t *items[] = {NULL, a};
    CHECK(qssl_ssl_error_list_new(items, 2) == NULL);
    CHECK_LAST_ERROR("items[0] is NULL");
    qssl_ssl_error_free(a);
    CHECK_EQ_INT(qssl_ssl_error_list_len(NULL), 0);
    CHECK(qssl_ssl_error_list_get(NULL, 0) == NULL);
    CHECK_LAST_ERROR("list is NULL");
    CHECK(qssl_ssl_error_list_items(NULL) == NULL);
    qssl_ssl_error_list_free(NULL);
}
