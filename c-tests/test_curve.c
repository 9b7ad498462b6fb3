/* QSslEllipticCurve: qssl_curve_* and qssl_curve_list_*. */
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

typedef qssl_status_t (*name_fn)(qssl_curve_t, char *, size_t, size_t *);

/* Reads a curve name into a static buffer ("<error>" on failure). */
static const char *name(name_fn f, qssl_curve_t c) {
    static char buf[128];
    size_t len = 0;
    if (f(c, buf, sizeof buf, &len) != QSSL_STATUS_OK || strlen(buf) != len) return "<error>";
    return buf;
}

TEST_CASE(invalid_curve_defaults) {
    CHECK(!qssl_curve_is_valid(0));
    CHECK(!qssl_curve_is_tls_named_curve(0));
    CHECK_EQ_STR(name(qssl_curve_short_name, 0), "");
    CHECK_EQ_STR(name(qssl_curve_long_name, 0), "");
}

TEST_CASE(prime256v1) {
    qssl_curve_t c = qssl_curve_from_short_name("prime256v1");
    CHECK(qssl_curve_is_valid(c));
    CHECK(qssl_curve_is_tls_named_curve(c));
    CHECK_EQ_STR(name(qssl_curve_short_name, c), "prime256v1");
    CHECK_EQ_STR(name(qssl_curve_long_name, c), "prime256v1");
    CHECK_EQ_INT(qssl_curve_from_long_name("prime256v1"), c);
    qssl_curve_t s384 = qssl_curve_from_short_name("secp384r1");
    CHECK(qssl_curve_is_valid(s384) && s384 != c);
    CHECK(qssl_curve_is_tls_named_curve(s384));
    CHECK(qssl_curve_is_tls_named_curve(qssl_curve_from_short_name("brainpoolP512r1")));
    CHECK(qssl_curve_is_tls_named_curve(qssl_curve_from_short_name("sect571r1")));
}

TEST_CASE(x25519_and_x448_are_valid_not_tls_named) {
    qssl_curve_t x = qssl_curve_from_short_name("X25519");
    CHECK(qssl_curve_is_valid(x));
    CHECK(!qssl_curve_is_tls_named_curve(x));
    CHECK_EQ_STR(name(qssl_curve_short_name, x), "X25519");
    CHECK_EQ_STR(name(qssl_curve_long_name, x), "X25519");
    CHECK_EQ_INT(qssl_curve_from_long_name("X25519"), x);
    qssl_curve_t x448 = qssl_curve_from_short_name("X448");
    CHECK(qssl_curve_is_valid(x448) && x448 != x);
    CHECK(!qssl_curve_is_tls_named_curve(x448));
    /* Case-sensitive. */
    CHECK_EQ_INT(qssl_curve_from_short_name("x25519"), 0);
}

TEST_CASE(nist_names_resolve) {
    /* Deviation from Qt 6.4 on OpenSSL 3, where P-256 is invalid by accident. */
    CHECK_EQ_INT(qssl_curve_from_short_name("P-256"), qssl_curve_from_short_name("prime256v1"));
    CHECK_EQ_INT(qssl_curve_from_short_name("P-384"), qssl_curve_from_short_name("secp384r1"));
    CHECK_EQ_INT(qssl_curve_from_long_name("P-256"), 0);
}

TEST_CASE(unknown_and_bad_names) {
    qssl_clear_last_error();
    CHECK_EQ_INT(qssl_curve_from_short_name(""), 0);
    CHECK_EQ_INT(qssl_curve_from_short_name("nonsense"), 0);
    CHECK_EQ_INT(qssl_curve_from_long_name(""), 0);
    CHECK_EQ_INT(qssl_curve_from_long_name("NIST/SECG curve over a 384 bit prime field"), 0);
    /* Unknown names are not errors. */
    CHECK_EQ_STR(qssl_last_error_message(), "");
    CHECK_EQ_INT(qssl_curve_from_short_name(NULL), 0);
    CHECK_LAST_ERROR("qssl_curve_from_short_name: name is NULL");
    CHECK_EQ_INT(qssl_curve_from_long_name(NULL), 0);
    CHECK_LAST_ERROR("qssl_curve_from_long_name: name is NULL");
    CHECK_EQ_INT(qssl_curve_from_short_name("prime256v1\xff"), 0);
    CHECK_LAST_ERROR("not valid UTF-8");
    CHECK_EQ_INT(qssl_curve_from_long_name("\xe2\x82"), 0);
    CHECK_LAST_ERROR("not valid UTF-8");
}

TEST_CASE(unknown_ids_have_empty_names) {
    CHECK(qssl_curve_is_valid(987654)); /* Qt: any non-zero id is "valid" */
    CHECK_EQ_STR(name(qssl_curve_short_name, 987654), "");
    CHECK_EQ_STR(name(qssl_curve_long_name, -7), "");
    CHECK(!qssl_curve_is_tls_named_curve(987654));
    CHECK(!qssl_curve_is_tls_named_curve(-7));
}

TEST_CASE(name_buffer_rules) {
    qssl_curve_t c = qssl_curve_from_short_name("secp384r1");
    size_t len = 0;
    CHECK_STATUS(qssl_curve_short_name(c, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 9);
    char buf[10];
    memset(buf, 'x', sizeof buf);
    CHECK_ERROR(qssl_curve_long_name(c, buf, 9, &len), QSSL_STATUS_BUFFER_TOO_SMALL,
                "10 bytes needed");
    CHECK(buf[0] == 'x');
    CHECK_OK(qssl_curve_long_name(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "secp384r1");
    CHECK_ERROR(qssl_curve_short_name(c, buf, sizeof buf, NULL), QSSL_STATUS_NULL_ARGUMENT,
                "out_len is NULL");
    CHECK_ERROR(qssl_curve_short_name(c, NULL, 32, &len), QSSL_STATUS_NULL_ARGUMENT,
                "buf is NULL");
}

TEST_CASE(list_of_curves) {
    const qssl_curve_t in[] = {qssl_curve_from_short_name("prime256v1"),
                               qssl_curve_from_short_name("X25519"), 0,
                               qssl_curve_from_short_name("prime256v1")};
    qssl_curve_list_t *list = qssl_curve_list_new(in, 4);
    CHECK(list != NULL);
    CHECK_EQ_INT(qssl_curve_list_len(list), 4);
    for (size_t i = 0; i < 4; i++) CHECK_EQ_INT(qssl_curve_list_get(list, i), in[i]);
    qssl_clear_last_error();
    CHECK_EQ_INT(qssl_curve_list_get(list, 4), 0);
    CHECK_LAST_ERROR("index 4 out of range (length 4)");
    const qssl_curve_t *items = qssl_curve_list_items(list);
    CHECK(items != NULL);
    CHECK(memcmp(items, in, sizeof in) == 0);
    /* items() round-trips through list_new(). */
    qssl_curve_list_t *again = qssl_curve_list_new(items, qssl_curve_list_len(list));
    CHECK(again != NULL);
    CHECK(memcmp(qssl_curve_list_items(again), in, sizeof in) == 0);
    qssl_curve_list_free(again);
    qssl_curve_list_free(list);
}

TEST_CASE(list_bad_input) {
    qssl_curve_list_t *empty = qssl_curve_list_new(NULL, 0);
    CHECK(empty != NULL);
    CHECK_EQ_INT(qssl_curve_list_len(empty), 0);
    CHECK(qssl_curve_list_items(empty) == NULL);
    CHECK_EQ_INT(qssl_curve_list_get(empty, 0), 0);
    qssl_curve_list_free(empty);
    qssl_clear_last_error();
    CHECK(qssl_curve_list_new(NULL, 3) == NULL);
    CHECK_LAST_ERROR("items is NULL");
    CHECK_EQ_INT(qssl_curve_list_len(NULL), 0);
    CHECK_EQ_INT(qssl_curve_list_get(NULL, 0), 0);
    CHECK_LAST_ERROR("list is NULL");
    CHECK(qssl_curve_list_items(NULL) == NULL);
    qssl_curve_list_free(NULL);
}
