/* qssl_psk_auth_t (QSslPreSharedKeyAuthenticator) as a value: defaults,
 * setters, copy-on-write, equality, swap, null versus empty, bad input.
 * Real PSK handshakes are in test_conn.c. */
#include "qtest.h"

TEST_CASE(defaults) {
    qssl_psk_auth_t *a = qssl_psk_auth_new();
    CHECK(a != NULL);
    CHECK(qssl_psk_auth_identity_hint_is_null(a));
    CHECK(qssl_psk_auth_identity_is_null(a));
    CHECK(qssl_psk_auth_pre_shared_key_is_null(a));
    CHECK_EQ_INT(qssl_psk_auth_maximum_identity_length(a), 0);
    CHECK_EQ_INT(qssl_psk_auth_maximum_pre_shared_key_length(a), 0);
    qssl_psk_auth_t *b = qssl_psk_auth_new();
    CHECK(qssl_psk_auth_equal(a, b));
    qssl_psk_auth_free(a);
    qssl_psk_auth_free(b);
}

TEST_CASE(setters_keep_any_length) {
    qssl_psk_auth_t *a = qssl_psk_auth_new();
    uint8_t big[1000];
    memset(big, 'x', sizeof big);
    CHECK_OK(qssl_psk_auth_set_identity(a, big, sizeof big));
    CHECK_OK(qssl_psk_auth_set_pre_shared_key(a, big, sizeof big));
    size_t len = 0;
    CHECK_STATUS(qssl_psk_auth_identity(a, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 1000);
    CHECK_STATUS(qssl_psk_auth_pre_shared_key(a, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 1000);
    uint8_t out[1000];
    CHECK_OK(qssl_psk_auth_pre_shared_key(a, out, sizeof out, &len));
    CHECK(memcmp(out, big, sizeof big) == 0);
    qssl_psk_auth_free(a);
}

TEST_CASE(copy_on_write_and_equality) {
    qssl_psk_auth_t *a = qssl_psk_auth_new();
    CHECK_OK(qssl_psk_auth_set_identity(a, (const uint8_t *)"Client_identity", 15));
    CHECK_OK(qssl_psk_auth_set_pre_shared_key(a, (const uint8_t *)"\x1a\x2b\x3c\x4d\x5e\x6f", 6));
    qssl_psk_auth_t *b = qssl_psk_auth_copy(a);
    CHECK(qssl_psk_auth_equal(a, b));
    CHECK_OK(qssl_psk_auth_set_identity(b, (const uint8_t *)"other", 5));
    CHECK(!qssl_psk_auth_equal(a, b));
    size_t len = 0;
    uint8_t buf[32];
    CHECK_OK(qssl_psk_auth_identity(a, buf, sizeof buf, &len));
    CHECK(len == 15 && memcmp(buf, "Client_identity", 15) == 0);
    qssl_psk_auth_free(a); /* b survives its original */
    CHECK_OK(qssl_psk_auth_identity(b, buf, sizeof buf, &len));
    CHECK(len == 5 && memcmp(buf, "other", 5) == 0);
    qssl_psk_auth_free(b);
}

/* A key written through a copy never shows through the original, also
 * when the original is written again after the copy is gone. */
TEST_CASE(copy_on_write_of_the_key) {
    qssl_psk_auth_t *a = qssl_psk_auth_new();
    CHECK_OK(qssl_psk_auth_set_pre_shared_key(a, (const uint8_t *)"one", 3));
    qssl_psk_auth_t *b = qssl_psk_auth_copy(a);
    CHECK(b != NULL && b != a);
    CHECK_OK(qssl_psk_auth_set_pre_shared_key(b, (const uint8_t *)"two!", 4));
    uint8_t buf[8];
    size_t len = 0;
    CHECK_OK(qssl_psk_auth_pre_shared_key(a, buf, sizeof buf, &len));
    CHECK(len == 3 && memcmp(buf, "one", 3) == 0);
    qssl_psk_auth_free(b);
    CHECK_OK(qssl_psk_auth_set_pre_shared_key(a, (const uint8_t *)"three", 5));
    CHECK_OK(qssl_psk_auth_pre_shared_key(a, buf, sizeof buf, &len));
    CHECK(len == 5 && memcmp(buf, "three", 5) == 0);
    qssl_psk_auth_free(a);
    qssl_clear_last_error();
    CHECK(qssl_psk_auth_copy(NULL) == NULL);
    CHECK(strstr(qssl_last_error_message(), "qssl_psk_auth_copy: auth is NULL") != NULL);
}

TEST_CASE(null_equals_empty_but_is_null_differs) {
    qssl_psk_auth_t *a = qssl_psk_auth_new(), *b = qssl_psk_auth_new();
    const uint8_t x = 0;
    CHECK_OK(qssl_psk_auth_set_identity(a, &x, 0));
    CHECK(!qssl_psk_auth_identity_is_null(a));
    CHECK(qssl_psk_auth_equal(a, b));
    CHECK_OK(qssl_psk_auth_set_identity(a, NULL, 0));
    CHECK(qssl_psk_auth_identity_is_null(a));
    qssl_psk_auth_free(a);
    qssl_psk_auth_free(b);
}

TEST_CASE(swap) {
    qssl_psk_auth_t *a = qssl_psk_auth_new(), *b = qssl_psk_auth_new();
    CHECK_OK(qssl_psk_auth_set_identity(a, (const uint8_t *)"a", 1));
    qssl_psk_auth_swap(a, b);
    CHECK(qssl_psk_auth_identity_is_null(a));
    CHECK(!qssl_psk_auth_identity_is_null(b));
    qssl_psk_auth_swap(a, a);
    qssl_psk_auth_free(a);
    qssl_psk_auth_free(b);
}

TEST_CASE(bad_input) {
    qssl_psk_auth_t *a = qssl_psk_auth_new();
    size_t len;
    CHECK_ERROR(qssl_psk_auth_set_identity(NULL, (const uint8_t *)"x", 1), QSSL_STATUS_NULL_ARGUMENT, "auth is NULL");
    CHECK_ERROR(qssl_psk_auth_set_identity(a, NULL, 3), QSSL_STATUS_NULL_ARGUMENT, "identity is NULL");
    CHECK_ERROR(qssl_psk_auth_set_pre_shared_key(a, NULL, 3), QSSL_STATUS_NULL_ARGUMENT, "key is NULL");
    CHECK_STATUS(qssl_psk_auth_identity(a, NULL, 0, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_psk_auth_identity(NULL, NULL, 0, &len), QSSL_STATUS_NULL_ARGUMENT);
    qssl_psk_auth_swap(a, NULL); /* recorded, ignored */
    CHECK(strstr(qssl_last_error_message(), "qssl_psk_auth_swap: b is NULL") != NULL);
    qssl_psk_auth_swap(NULL, NULL);
    CHECK(strstr(qssl_last_error_message(), "qssl_psk_auth_swap: a is NULL") != NULL);
    CHECK(qssl_psk_auth_copy(NULL) == NULL);
    CHECK(!qssl_psk_auth_equal(NULL, NULL));
    CHECK(!qssl_psk_auth_equal(a, NULL));
    CHECK_EQ_INT(qssl_psk_auth_maximum_identity_length(NULL), 0);
    CHECK(qssl_psk_auth_identity_hint_is_null(NULL));
    qssl_psk_auth_free(NULL);
    qssl_psk_auth_free(a);
}
