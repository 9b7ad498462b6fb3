/* QSslCipher: qssl_cipher_* and qssl_cipher_list_*. */
#include "qtest.h"

/* The last error message must contain `needle` (after a NULL/0 result). */
#define CHECK_LAST_ERROR(needle)                                                          \
    do {                                                                                  \
        if (strstr(qssl_last_error_message(), (needle)) == NULL) {                        \
            fprintf(stderr, "%s:%d: message lacks \"%s\"\n", __FILE__, __LINE__, needle);  \
            qtest_report(__FILE__, __LINE__, "last error contains " #needle);             \
            return;                                                                       \
        }                                                                                 \
    } while (0)

typedef qssl_status_t (*text_fn)(const qssl_cipher_t *, char *, size_t, size_t *);

/* Reads one text property into a static buffer ("<error>" on failure). */
static const char *text(text_fn f, const qssl_cipher_t *c) {
    static char buf[256];
    size_t len = 0;
    if (f(c, buf, sizeof buf, &len) != QSSL_STATUS_OK || strlen(buf) != len) return "<error>";
    return buf;
}

TEST_CASE(null_cipher_has_qt_defaults) {
    qssl_cipher_t *c = qssl_cipher_new();
    CHECK(c != NULL);
    CHECK(qssl_cipher_is_null(c));
    CHECK_EQ_STR(text(qssl_cipher_name, c), "");
    CHECK_EQ_STR(text(qssl_cipher_protocol_string, c), "");
    CHECK_EQ_STR(text(qssl_cipher_key_exchange_method, c), "");
    CHECK_EQ_STR(text(qssl_cipher_authentication_method, c), "");
    CHECK_EQ_STR(text(qssl_cipher_encryption_method, c), "");
    CHECK_EQ_INT(qssl_cipher_protocol(c), QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL);
    CHECK_EQ_INT(qssl_cipher_supported_bits(c), 0);
    CHECK_EQ_INT(qssl_cipher_used_bits(c), 0);
    qssl_cipher_free(c);
}

TEST_CASE(aes256_sha_fields) {
    qssl_cipher_t *c = qssl_cipher_from_name("AES256-SHA");
    CHECK(c != NULL);
    CHECK(!qssl_cipher_is_null(c));
    CHECK_EQ_STR(text(qssl_cipher_name, c), "AES256-SHA");
    CHECK_EQ_STR(text(qssl_cipher_protocol_string, c), "SSLv3");
    CHECK_EQ_INT(qssl_cipher_protocol(c), -1);
    CHECK_EQ_STR(text(qssl_cipher_key_exchange_method, c), "RSA");
    CHECK_EQ_STR(text(qssl_cipher_authentication_method, c), "RSA");
    CHECK_EQ_STR(text(qssl_cipher_encryption_method, c), "AES(256)");
    CHECK_EQ_INT(qssl_cipher_supported_bits(c), 256);
    CHECK_EQ_INT(qssl_cipher_used_bits(c), 256);
    qssl_cipher_free(c);
}

TEST_CASE(tls13_suite_fields) {
    qssl_cipher_t *c = qssl_cipher_from_name("TLS_AES_256_GCM_SHA384");
    CHECK(c != NULL && !qssl_cipher_is_null(c));
    CHECK_EQ_INT(qssl_cipher_protocol(c), QSSL_SSL_PROTOCOL_TLS_V1_3);
    CHECK_EQ_STR(text(qssl_cipher_protocol_string, c), "TLSv1.3");
    CHECK_EQ_STR(text(qssl_cipher_key_exchange_method, c), "any");
    CHECK_EQ_STR(text(qssl_cipher_authentication_method, c), "any");
    CHECK_EQ_STR(text(qssl_cipher_encryption_method, c), "AESGCM(256)");
    CHECK_EQ_INT(qssl_cipher_used_bits(c), 256);
    qssl_cipher_free(c);
}

TEST_CASE(unknown_names_give_null_ciphers) {
    qssl_cipher_t *null = qssl_cipher_new();
    qssl_cipher_t *none = qssl_cipher_from_name("NONEXISTENT");
    qssl_cipher_t *lower = qssl_cipher_from_name("aes256-sha");
    qssl_cipher_t *empty = qssl_cipher_from_name("");
    CHECK(none != NULL && lower != NULL && empty != NULL);
    CHECK(qssl_cipher_is_null(none));
    CHECK(qssl_cipher_is_null(lower));
    CHECK(qssl_cipher_is_null(empty));
    CHECK(qssl_cipher_equal(null, none));
    CHECK(qssl_cipher_equal(none, lower));
    qssl_cipher_free(null);
    qssl_cipher_free(none);
    qssl_cipher_free(lower);
    qssl_cipher_free(empty);
}

TEST_CASE(from_name_bad_input) {
    qssl_clear_last_error();
    CHECK(qssl_cipher_from_name(NULL) == NULL);
    CHECK_LAST_ERROR("qssl_cipher_from_name: name is NULL");
    CHECK(qssl_cipher_from_name("AES256-\xff\xfe") == NULL);
    CHECK_LAST_ERROR("not valid UTF-8");
    CHECK(qssl_cipher_from_name_and_protocol(NULL, QSSL_SSL_PROTOCOL_TLS_V1_2) == NULL);
    CHECK_LAST_ERROR("name is NULL");
    CHECK(qssl_cipher_from_name_and_protocol("\xc3\x28", QSSL_SSL_PROTOCOL_TLS_V1_2) == NULL);
    CHECK_LAST_ERROR("not valid UTF-8");
    CHECK(qssl_cipher_from_name_and_protocol("AES256-SHA", 14) == NULL);
    CHECK_LAST_ERROR("unknown qssl_ssl_protocol_t value 14");
    CHECK(qssl_cipher_from_name_and_protocol("AES256-SHA", -2) == NULL);
    CHECK_LAST_ERROR("unknown qssl_ssl_protocol_t value -2");
}

TEST_CASE(name_and_protocol_must_both_match) {
    qssl_cipher_t *wrong = qssl_cipher_from_name_and_protocol("AES256-SHA", QSSL_SSL_PROTOCOL_TLS_V1_2);
    qssl_cipher_t *own =
        qssl_cipher_from_name_and_protocol("AES256-SHA", QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL);
    qssl_cipher_t *tls13 =
        qssl_cipher_from_name_and_protocol("TLS_AES_256_GCM_SHA384", QSSL_SSL_PROTOCOL_TLS_V1_3);
    qssl_cipher_t *plain = qssl_cipher_from_name("AES256-SHA");
    CHECK(wrong && own && tls13 && plain);
    CHECK(qssl_cipher_is_null(wrong));
    CHECK(!qssl_cipher_is_null(own));
    CHECK(!qssl_cipher_is_null(tls13));
    CHECK(qssl_cipher_equal(own, plain));
    CHECK(!qssl_cipher_equal(own, tls13));
    qssl_cipher_free(wrong);
    qssl_cipher_free(own);
    qssl_cipher_free(tls13);
    qssl_cipher_free(plain);
}

TEST_CASE(copy_equal_swap_free) {
    qssl_cipher_t *a = qssl_cipher_from_name("ECDHE-RSA-AES128-GCM-SHA256");
    qssl_cipher_t *b = qssl_cipher_new();
    qssl_cipher_t *c = qssl_cipher_copy(a);
    CHECK(a && b && c);
    CHECK(c != a);
    CHECK(qssl_cipher_equal(a, c));
    CHECK(!qssl_cipher_equal(a, b));
    CHECK_EQ_INT(qssl_cipher_protocol(c), QSSL_SSL_PROTOCOL_TLS_V1_2);
    qssl_cipher_swap(a, b);
    CHECK(qssl_cipher_is_null(a));
    CHECK(qssl_cipher_equal(b, c));
    qssl_cipher_swap(a, a); /* no-op */
    CHECK(qssl_cipher_is_null(a));
    /* The copy outlives the original. */
    qssl_cipher_free(b);
    CHECK_EQ_STR(text(qssl_cipher_name, c), "ECDHE-RSA-AES128-GCM-SHA256");
    /* NULL arguments. */
    qssl_clear_last_error();
    CHECK(qssl_cipher_copy(NULL) == NULL);
    CHECK_LAST_ERROR("cipher is NULL");
    CHECK(!qssl_cipher_equal(NULL, c));
    CHECK_LAST_ERROR("a is NULL");
    CHECK(!qssl_cipher_equal(c, NULL));
    CHECK_LAST_ERROR("b is NULL");
    CHECK(!qssl_cipher_equal(NULL, NULL));
    qssl_cipher_swap(NULL, c);
    CHECK_LAST_ERROR("a is NULL");
    qssl_cipher_swap(c, NULL);
    CHECK_LAST_ERROR("b is NULL");
    qssl_cipher_swap(NULL, NULL);
    CHECK_LAST_ERROR("qssl_cipher_swap: a is NULL");
    CHECK_EQ_STR(text(qssl_cipher_name, c), "ECDHE-RSA-AES128-GCM-SHA256");
    qssl_cipher_free(NULL);
    qssl_cipher_free(a);
    qssl_cipher_free(c);
}

TEST_CASE(getters_given_null_return_qt_defaults) {
    CHECK(qssl_cipher_is_null(NULL));
    CHECK_EQ_INT(qssl_cipher_protocol(NULL), -1);
    CHECK_EQ_INT(qssl_cipher_supported_bits(NULL), 0);
    CHECK_EQ_INT(qssl_cipher_used_bits(NULL), 0);
    char buf[16];
    size_t len = 99;
    CHECK_ERROR(qssl_cipher_name(NULL, buf, sizeof buf, &len), QSSL_STATUS_NULL_ARGUMENT,
                "cipher is NULL");
    CHECK_ERROR(qssl_cipher_protocol_string(NULL, buf, sizeof buf, &len),
                QSSL_STATUS_NULL_ARGUMENT, "cipher is NULL");
    CHECK_ERROR(qssl_cipher_key_exchange_method(NULL, buf, sizeof buf, &len),
                QSSL_STATUS_NULL_ARGUMENT, "cipher is NULL");
    CHECK_ERROR(qssl_cipher_authentication_method(NULL, buf, sizeof buf, &len),
                QSSL_STATUS_NULL_ARGUMENT, "cipher is NULL");
    CHECK_ERROR(qssl_cipher_encryption_method(NULL, buf, sizeof buf, &len),
                QSSL_STATUS_NULL_ARGUMENT, "cipher is NULL");
}

TEST_CASE(text_output_buffer_rules) {
    qssl_cipher_t *c = qssl_cipher_from_name("AES256-SHA");
    CHECK(c != NULL);
    size_t len = 0;
    /* Size query. */
    CHECK_ERROR(qssl_cipher_name(c, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL,
                "buffer too small");
    CHECK_EQ_INT(len, 10);
    /* Room for the text but not the NUL: nothing written. */
    char buf[11];
    memset(buf, 'x', sizeof buf);
    len = 0;
    CHECK_STATUS(qssl_cipher_name(c, buf, 10, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 10);
    CHECK(buf[0] == 'x' && buf[9] == 'x');
    CHECK_OK(qssl_cipher_name(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "AES256-SHA");
    /* NULL out_len, NULL buf with a capacity. */
    CHECK_ERROR(qssl_cipher_name(c, buf, sizeof buf, NULL), QSSL_STATUS_NULL_ARGUMENT,
                "out_len is NULL");
    CHECK_ERROR(qssl_cipher_encryption_method(c, NULL, 64, &len), QSSL_STATUS_NULL_ARGUMENT,
                "buf is NULL");
    /* An empty text still needs room for the NUL. */
    qssl_cipher_t *n = qssl_cipher_new();
    CHECK_STATUS(qssl_cipher_name(n, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 0);
    char one[1] = {'x'};
    CHECK_OK(qssl_cipher_name(n, one, 1, &len));
    CHECK(one[0] == '\0');
    qssl_cipher_free(n);
    qssl_cipher_free(c);
}

TEST_CASE(list_of_ciphers) {
    qssl_cipher_t *a = qssl_cipher_from_name("AES256-SHA");
    qssl_cipher_t *b = qssl_cipher_from_name("TLS_AES_128_GCM_SHA256");
    qssl_cipher_t *n = qssl_cipher_new();
    const qssl_cipher_t *items[] = {a, b, n, a};
    qssl_cipher_list_t *list = qssl_cipher_list_new(items, 4);
    CHECK(list != NULL);
    /* The list keeps its own references. */
    qssl_cipher_free(a);
    qssl_cipher_free(b);
    qssl_cipher_free(n);
    CHECK_EQ_INT(qssl_cipher_list_len(list), 4);
    CHECK_EQ_STR(text(qssl_cipher_name, qssl_cipher_list_get(list, 0)), "AES256-SHA");
    CHECK_EQ_INT(qssl_cipher_protocol(qssl_cipher_list_get(list, 1)), QSSL_SSL_PROTOCOL_TLS_V1_3);
    CHECK(qssl_cipher_is_null(qssl_cipher_list_get(list, 2)));
    CHECK(qssl_cipher_equal(qssl_cipher_list_get(list, 0), qssl_cipher_list_get(list, 3)));
    qssl_clear_last_error();
    CHECK(qssl_cipher_list_get(list, 4) == NULL);
    CHECK_LAST_ERROR("index 4 out of range (length 4)");
    /* items() round-trips through list_new(). */
    const qssl_cipher_t *const *arr = qssl_cipher_list_items(list);
    CHECK(arr != NULL);
    CHECK(arr[1] == qssl_cipher_list_get(list, 1));
    qssl_cipher_list_t *again = qssl_cipher_list_new(arr, qssl_cipher_list_len(list));
    CHECK(again != NULL);
    CHECK_EQ_INT(qssl_cipher_list_len(again), 4);
    for (size_t i = 0; i < 4; i++)
        CHECK(qssl_cipher_equal(qssl_cipher_list_get(list, i), qssl_cipher_list_get(again, i)));
    /* A borrowed element can be copied to outlive the list. */
    qssl_cipher_t *kept = qssl_cipher_copy(qssl_cipher_list_get(again, 1));
    qssl_cipher_list_free(again);
    qssl_cipher_list_free(list);
    CHECK_EQ_STR(text(qssl_cipher_name, kept), "TLS_AES_128_GCM_SHA256");
    qssl_cipher_free(kept);
}

TEST_CASE(list_bad_input) {
    qssl_cipher_list_t *empty = qssl_cipher_list_new(NULL, 0);
    CHECK(empty != NULL);
    CHECK_EQ_INT(qssl_cipher_list_len(empty), 0);
    CHECK(qssl_cipher_list_items(empty) == NULL);
    CHECK(qssl_cipher_list_get(empty, 0) == NULL);
    qssl_cipher_list_free(empty);

    qssl_clear_last_error();
    CHECK(qssl_cipher_list_new(NULL, 2) == NULL);
    CHECK_LAST_ERROR("items is NULL");
    qssl_cipher_t *a = qssl_cipher_new();
    const qssl_cipher_t *items[] = {a, NULL};
    CHECK(qssl_cipher_list_new(items, 2) == NULL);
    CHECK_LAST_ERROR("items[1] is NULL");
    qssl_cipher_free(a);

    CHECK_EQ_INT(qssl_cipher_list_len(NULL), 0);
    CHECK(qssl_cipher_list_get(NULL, 0) == NULL);
    CHECK_LAST_ERROR("list is NULL");
    CHECK(qssl_cipher_list_items(NULL) == NULL);
    qssl_cipher_list_free(NULL);
}
