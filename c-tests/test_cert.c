/* QSslCertificate through the C API: qssl_cert_* and qssl_cert_list_*. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "qtest.h"

#define PASS "qssl-pass"


/* True if `list` holds exactly the `n` strings of `want`, in order. Frees it. */
static int list_is(qssl_bytes_list_t *list, const char *const *want, size_t n) {
    int ok = list != NULL && qssl_bytes_list_len(list) == n;
    for (size_t i = 0; ok && i < n; i++) {
        const uint8_t *d = NULL;
        size_t len = 0;
        ok = qssl_bytes_list_get(list, i, &d, &len) == QSSL_STATUS_OK && len == strlen(want[i]) &&
             memcmp(d, want[i], len) == 0;
        if (!ok) fprintf(stderr, "item %zu: \"%.*s\" != \"%s\"\n", i, (int)len, (const char *)d,
                         want[i]);
    }
    qssl_bytes_list_free(list);
    return ok;
}

/* Counts the certificates fromPath finds; -1 on error. */
static long path_count(const char *path, qssl_encoding_format_t fmt, qssl_pattern_syntax_t syn) {
    qssl_cert_list_t *list = NULL;
    if (qssl_cert_from_path(path, fmt, syn, &list) != QSSL_STATUS_OK) {
        fprintf(stderr, "fromPath(%s): %s\n", path, qssl_last_error_message());
        return -1;
    }
    long n = (long)qssl_cert_list_len(list);
    qssl_cert_list_free(list);
    return n;
}

TEST_CASE(null_cert_defaults) {
    qssl_cert_t *c = qssl_cert_new();
    CHECK(c != NULL);
    CHECK(qssl_cert_is_null(c));
    qssl_cert_t *d = qssl_cert_new();
    CHECK(qssl_cert_equal(c, d)); /* default == default */
    qssl_cert_free(d);
    uint8_t md5[16];
    size_t len = 0;
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_MD5, md5, sizeof md5, &len));
    CHECK_EQ_INT(len, 16);
    const uint8_t empty_md5[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                                   0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
    CHECK(memcmp(md5, empty_md5, 16) == 0);
    CHECK_EQ_INT(qssl_cert_effective_date(c), QSSL_CERT_DATE_INVALID);
    CHECK_EQ_INT(qssl_cert_expiry_date(c), QSSL_CERT_DATE_INVALID);
    CHECK(!qssl_cert_is_self_signed(c));
    CHECK(!qssl_cert_is_blacklisted(c));
    char buf[8];
    CHECK_OK(qssl_cert_version(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "");
    CHECK_OK(qssl_cert_serial_number(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "");
    CHECK_OK(qssl_cert_subject_display_name(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "");
    CHECK_OK(qssl_cert_to_text(c, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 0);
    CHECK_OK(qssl_cert_to_pem(c, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    CHECK_OK(qssl_cert_to_der(c, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    CHECK(list_is(qssl_cert_subject_info(c, QSSL_SUBJECT_INFO_COMMON_NAME), NULL, 0));
    CHECK(list_is(qssl_cert_subject_info_attributes(c), NULL, 0));
    CHECK(list_is(qssl_cert_subject_alternative_names(c, QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_DNS_ENTRY),
                  NULL, 0));
    qssl_key_t *k = qssl_cert_public_key(c);
    CHECK(k != NULL && qssl_key_is_null(k));
    qssl_key_free(k);
    qssl_cert_free(c);
}

TEST_CASE(null_handles) {
    CHECK(qssl_cert_is_null(NULL));
    CHECK(!qssl_cert_equal(NULL, NULL));
    CHECK(qssl_cert_copy(NULL) == NULL);
    CHECK(strstr(qssl_last_error_message(), "cert is NULL") != NULL);
    qssl_cert_free(NULL);
    qssl_cert_clear(NULL);
    qssl_cert_swap(NULL, NULL); /* recorded as an error, as documented */
    CHECK(strstr(qssl_last_error_message(), "qssl_cert_swap: a is NULL") != NULL);
    CHECK_EQ_INT(qssl_cert_effective_date(NULL), QSSL_CERT_DATE_INVALID);
    CHECK_EQ_INT(qssl_cert_expiry_date(NULL), QSSL_CERT_DATE_INVALID);
    CHECK(!qssl_cert_is_self_signed(NULL));
    CHECK(!qssl_cert_is_blacklisted(NULL));
    CHECK(qssl_cert_public_key(NULL) == NULL);
    CHECK(qssl_cert_subject_info(NULL, QSSL_SUBJECT_INFO_COMMON_NAME) == NULL);
    CHECK(qssl_cert_issuer_info(NULL, QSSL_SUBJECT_INFO_COMMON_NAME) == NULL);
    CHECK(qssl_cert_subject_info_by_attribute(NULL, (const uint8_t *)"CN", 2) == NULL);
    CHECK(qssl_cert_issuer_info_by_attribute(NULL, (const uint8_t *)"CN", 2) == NULL);
    CHECK(qssl_cert_subject_info_attributes(NULL) == NULL);
    CHECK(qssl_cert_issuer_info_attributes(NULL) == NULL);
    CHECK(qssl_cert_subject_alternative_names(NULL, QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_DNS_ENTRY) ==
          NULL);
    size_t len = 0;
    char buf[8];
    CHECK_ERROR(qssl_cert_to_pem(NULL, NULL, 0, &len), QSSL_STATUS_NULL_ARGUMENT, "cert");
    CHECK_ERROR(qssl_cert_to_der(NULL, NULL, 0, &len), QSSL_STATUS_NULL_ARGUMENT, "cert");
    CHECK_ERROR(qssl_cert_to_text(NULL, buf, sizeof buf, &len), QSSL_STATUS_NULL_ARGUMENT, "cert");
    CHECK_ERROR(qssl_cert_version(NULL, buf, sizeof buf, &len), QSSL_STATUS_NULL_ARGUMENT, "cert");
    CHECK_ERROR(qssl_cert_serial_number(NULL, buf, sizeof buf, &len), QSSL_STATUS_NULL_ARGUMENT,
                "cert");
    CHECK_ERROR(qssl_cert_digest(NULL, QSSL_CERT_DIGEST_MD5, NULL, 0, &len),
                QSSL_STATUS_NULL_ARGUMENT, "cert");
    CHECK_ERROR(qssl_cert_subject_display_name(NULL, buf, sizeof buf, &len),
                QSSL_STATUS_NULL_ARGUMENT, "cert");
    CHECK_ERROR(qssl_cert_issuer_display_name(NULL, buf, sizeof buf, &len),
                QSSL_STATUS_NULL_ARGUMENT, "cert");
    CHECK_EQ_INT(qssl_cert_list_len(NULL), 0);
    CHECK(qssl_cert_list_get(NULL, 0) == NULL);
    CHECK(qssl_cert_list_items(NULL) == NULL);
    qssl_cert_list_free(NULL);
}

TEST_CASE(server_fields) {
    qssl_cert_t *c = qtest_load_cert("server.pem");
    CHECK(c != NULL);
    CHECK(!qssl_cert_is_null(c));
    char buf[256];
    size_t len = 0;
    CHECK_OK(qssl_cert_version(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "3");
    CHECK_OK(qssl_cert_serial_number(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "34:98:21:dd:ca:6b:36:5b:09:20:d2:b3:ea:08:fe:ac:03:03:af:9f");
    CHECK_OK(qssl_cert_subject_display_name(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "localhost");
    CHECK_OK(qssl_cert_issuer_display_name(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "qssl test root CA");
    CHECK_STATUS(qssl_cert_issuer_display_name(c, buf, 5, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 17);

    const char *cn[] = {"localhost"};
    CHECK(list_is(qssl_cert_subject_info(c, QSSL_SUBJECT_INFO_COMMON_NAME), cn, 1));
    CHECK(list_is(qssl_cert_subject_info_by_attribute(c, (const uint8_t *)"CN", 2), cn, 1));
    CHECK(list_is(qssl_cert_subject_info_by_attribute(c, (const uint8_t *)"commonName", 10), NULL,
                  0));
    CHECK(list_is(qssl_cert_subject_info_by_attribute(c, NULL, 0), NULL, 0));
    const char *ou[] = {"servers"};
    CHECK(list_is(qssl_cert_subject_info(c, QSSL_SUBJECT_INFO_ORGANIZATIONAL_UNIT_NAME), ou, 1));
    CHECK(list_is(qssl_cert_subject_info(c, QSSL_SUBJECT_INFO_EMAIL_ADDRESS), NULL, 0));
    const char *attrs[] = {"C", "CN", "O", "OU"};
    CHECK(list_is(qssl_cert_subject_info_attributes(c), attrs, 4));
    const char *iattrs[] = {"C", "CN", "O"};
    CHECK(list_is(qssl_cert_issuer_info_attributes(c), iattrs, 3));
    const char *icn[] = {"qssl test root CA"};
    CHECK(list_is(qssl_cert_issuer_info(c, QSSL_SUBJECT_INFO_COMMON_NAME), icn, 1));
    const char *io[] = {"qssl test"};
    CHECK(list_is(qssl_cert_issuer_info_by_attribute(c, (const uint8_t *)"O", 1), io, 1));
    const char *country[] = {"NO"};
    CHECK(list_is(qssl_cert_issuer_info(c, QSSL_SUBJECT_INFO_COUNTRY_NAME), country, 1));

    int64_t from = qssl_cert_effective_date(c), to = qssl_cert_expiry_date(c);
    CHECK(from != QSSL_CERT_DATE_INVALID && to != QSSL_CERT_DATE_INVALID);
    CHECK(to - from > (int64_t)99 * 365 * 86400); /* 100-year fixtures */
    CHECK(!qssl_cert_is_self_signed(c));
    CHECK(!qssl_cert_is_blacklisted(c));

    /* toText: size query, then the dump. */
    CHECK_STATUS(qssl_cert_to_text(c, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    char *text = malloc(len + 1);
    CHECK(text != NULL);
    qssl_status_t st = qssl_cert_to_text(c, text, len + 1, &len);
    int has = strstr(text, "Certificate:") != NULL && strstr(text, "localhost") != NULL;
    free(text);
    CHECK_OK(st);
    CHECK(has);
    qssl_cert_free(c);
}

TEST_CASE(alternative_names) {
    qssl_cert_t *c = qtest_load_cert("server.pem");
    CHECK(c != NULL);
    const char *dns[] = {"localhost"};
    CHECK(list_is(qssl_cert_subject_alternative_names(c, QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_DNS_ENTRY),
                  dns, 1));
    const char *mail[] = {"admin@example.com"};
    CHECK(list_is(
        qssl_cert_subject_alternative_names(c, QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_EMAIL_ENTRY), mail,
        1));
    const char *ips[] = {"::1", "127.0.0.1"}; /* Qt's multimap order: newest first */
    CHECK(list_is(
        qssl_cert_subject_alternative_names(c, QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_IP_ADDRESS_ENTRY),
        ips, 2));
    CHECK(qssl_cert_subject_alternative_names(c, 3) == NULL);
    CHECK(strstr(qssl_last_error_message(), "unknown alternative name entry type 3") != NULL);
    CHECK(qssl_cert_subject_alternative_names(c, -1) == NULL);
    qssl_cert_free(c);
}

TEST_CASE(digests) {
    qssl_cert_t *c = qtest_load_cert("server.pem");
    CHECK(c != NULL);
    uint8_t buf[64];
    size_t len = 0;
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_MD5, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 16);
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA1, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 20);
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA224, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 28);
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA256, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 32);
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA384, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 48);
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA512, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 64);
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA3_512, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 64);
    CHECK_OK(qssl_cert_digest(c, QSSL_CERT_DIGEST_BLAKE2S_256, buf, sizeof buf, &len));
    CHECK_EQ_INT(len, 32);
    CHECK_STATUS(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA256, buf, 31, &len),
                 QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 32);
    CHECK_ERROR(qssl_cert_digest(c, 23, buf, sizeof buf, &len), QSSL_STATUS_INVALID_ARGUMENT,
                "unknown digest algorithm 23");
    CHECK_ERROR(qssl_cert_digest(c, -1, buf, sizeof buf, &len), QSSL_STATUS_INVALID_ARGUMENT,
                "unknown digest algorithm -1");
    CHECK_ERROR(qssl_cert_digest(c, QSSL_CERT_DIGEST_BLAKE2B_160, buf, sizeof buf, &len),
                QSSL_STATUS_UNSUPPORTED, "not available");
    CHECK_ERROR(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA1, buf, sizeof buf, NULL),
                QSSL_STATUS_NULL_ARGUMENT, "out_len");
    qssl_cert_free(c);
}

TEST_CASE(pem_der_round_trip) {
    size_t plen = 0, dlen = 0;
    unsigned char *pem = qtest_read_fixture("server.pem", &plen);
    unsigned char *der = qtest_read_fixture("server.der", &dlen);
    CHECK(pem != NULL && der != NULL);
    qssl_cert_t *a = NULL, *b = NULL;
    qssl_status_t s1 = qssl_cert_from_pem(pem, plen, &a);
    qssl_status_t s2 = qssl_cert_from_der(der, dlen, &b);
    uint8_t *out = malloc(plen > dlen ? plen : dlen);
    size_t olen = 0;
    qssl_status_t s3 = qssl_cert_to_pem(a, out, plen, &olen);
    int pem_same = s3 == QSSL_STATUS_OK && olen == plen && memcmp(out, pem, plen) == 0;
    qssl_status_t s4 = qssl_cert_to_der(b, out, dlen, &olen);
    int der_same = s4 == QSSL_STATUS_OK && olen == dlen && memcmp(out, der, dlen) == 0;
    qssl_status_t s5 = qssl_cert_to_der(b, out, dlen - 1, &olen);
    free(out);
    free(pem);
    free(der);
    CHECK_OK(s1);
    CHECK_OK(s2);
    CHECK(pem_same);
    CHECK(der_same);
    CHECK_EQ_INT(s5, QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK(qssl_cert_equal(a, b));
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    CHECK(ca != NULL);
    CHECK(!qssl_cert_equal(a, ca));
    CHECK(qssl_cert_is_self_signed(ca));
    qssl_cert_free(ca);
    qssl_cert_free(a);
    qssl_cert_free(b);
}

TEST_CASE(copy_swap_clear) {
    qssl_cert_t *a = qtest_load_cert("server.pem");
    qssl_cert_t *b = qssl_cert_new();
    CHECK(a != NULL && b != NULL);
    qssl_cert_t *copy = qssl_cert_copy(a);
    CHECK(copy != NULL && copy != a);
    CHECK(qssl_cert_equal(a, copy));
    qssl_cert_swap(a, b);
    CHECK(qssl_cert_is_null(a));
    CHECK(qssl_cert_equal(b, copy));
    qssl_cert_swap(b, b);
    CHECK(!qssl_cert_is_null(b));
    qssl_cert_clear(copy);
    CHECK(qssl_cert_is_null(copy));
    CHECK(!qssl_cert_is_null(b));
    qssl_cert_free(copy);
    qssl_cert_free(a);
    qssl_cert_free(b);
}

TEST_CASE(from_pem_der_errors) {
    qssl_cert_t *c = (qssl_cert_t *)1;
    const uint8_t junk[] = "no certificate in here";
    CHECK_ERROR(qssl_cert_from_pem(junk, sizeof junk - 1, &c), QSSL_STATUS_PARSE_FAILED,
                "PEM: no certificate found");
    CHECK(c == NULL);
    CHECK_ERROR(qssl_cert_from_pem(NULL, 0, &c), QSSL_STATUS_PARSE_FAILED,
                "PEM: no certificate found");
    CHECK_ERROR(qssl_cert_from_der(junk, sizeof junk - 1, &c), QSSL_STATUS_PARSE_FAILED,
                "DER: not a certificate");
    CHECK_ERROR(qssl_cert_from_der(NULL, 0, &c), QSSL_STATUS_PARSE_FAILED, "DER");
    CHECK_ERROR(qssl_cert_from_pem(NULL, 10, &c), QSSL_STATUS_NULL_ARGUMENT, "data");
    CHECK_ERROR(qssl_cert_from_der(NULL, 10, &c), QSSL_STATUS_NULL_ARGUMENT, "data");
    CHECK_ERROR(qssl_cert_from_pem(junk, 3, NULL), QSSL_STATUS_NULL_ARGUMENT, "out");
    CHECK_ERROR(qssl_cert_from_der(junk, 3, NULL), QSSL_STATUS_NULL_ARGUMENT, "out");
    /* Truncated inputs. */
    size_t len = 0;
    unsigned char *pem = qtest_read_fixture("server.pem", &len);
    CHECK(pem != NULL);
    qssl_status_t st = qssl_cert_from_pem(pem, len - 100, &c);
    free(pem);
    CHECK_EQ_INT(st, QSSL_STATUS_PARSE_FAILED);
    unsigned char *der = qtest_read_fixture("server.der", &len);
    CHECK(der != NULL);
    st = qssl_cert_from_der(der, len / 2, &c);
    free(der);
    CHECK_EQ_INT(st, QSSL_STATUS_PARSE_FAILED);
    CHECK(c == NULL);
    /* Leading junk is tolerated in PEM. */
    c = qtest_load_cert("junk-then-cert.pem");
    CHECK(c != NULL);
    qssl_cert_free(c);
}

TEST_CASE(from_data_counts) {
    struct {
        const char *file;
        qssl_encoding_format_t fmt;
        size_t want;
    } rows[] = {
        {"two-certs.pem", QSSL_ENCODING_FORMAT_PEM, 2},
        {"server.pem", QSSL_ENCODING_FORMAT_DER, 0}, /* PEM text parsed as DER */
        {"server.der", QSSL_ENCODING_FORMAT_PEM, 0}, /* DER parsed as PEM */
        {"junk-then-cert.pem", QSSL_ENCODING_FORMAT_PEM, 1},
        {"server.der", QSSL_ENCODING_FORMAT_DER, 1},
        {"chained-chain.pem", QSSL_ENCODING_FORMAT_PEM, 2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = 0;
        unsigned char *data = qtest_read_fixture(rows[i].file, &len);
        CHECK(data != NULL);
        qssl_cert_list_t *list = NULL;
        qssl_status_t st = qssl_cert_from_data(data, len, rows[i].fmt, &list);
        free(data);
        CHECK_OK(st);
        size_t n = qssl_cert_list_len(list);
        qssl_cert_list_free(list);
        if (n != rows[i].want) fprintf(stderr, "row %zu (%s)\n", i, rows[i].file);
        CHECK_EQ_INT(n, rows[i].want);
    }
    qssl_cert_list_t *list = (qssl_cert_list_t *)1;
    CHECK_OK(qssl_cert_from_data(NULL, 0, QSSL_ENCODING_FORMAT_PEM, &list));
    CHECK_EQ_INT(qssl_cert_list_len(list), 0);
    CHECK(qssl_cert_list_items(list) == NULL);
    qssl_cert_list_free(list);
    CHECK_ERROR(qssl_cert_from_data((const uint8_t *)"x", 1, 2, &list),
                QSSL_STATUS_INVALID_ARGUMENT, "unknown encoding format 2");
    CHECK(list == NULL);
    CHECK_ERROR(qssl_cert_from_data(NULL, 1, QSSL_ENCODING_FORMAT_PEM, &list),
                QSSL_STATUS_NULL_ARGUMENT, "data");
    CHECK_ERROR(qssl_cert_from_data((const uint8_t *)"x", 1, QSSL_ENCODING_FORMAT_PEM, NULL),
                QSSL_STATUS_NULL_ARGUMENT, "out");
}

TEST_CASE(cert_list_functions) {
    size_t len = 0;
    unsigned char *data = qtest_read_fixture("two-certs.pem", &len);
    CHECK(data != NULL);
    qssl_cert_list_t *list = NULL;
    qssl_status_t st = qssl_cert_from_data(data, len, QSSL_ENCODING_FORMAT_PEM, &list);
    free(data);
    CHECK_OK(st);
    CHECK_EQ_INT(qssl_cert_list_len(list), 2);
    const qssl_cert_t *first = qssl_cert_list_get(list, 0);
    const qssl_cert_t *second = qssl_cert_list_get(list, 1);
    CHECK(first != NULL && second != NULL);
    CHECK(qssl_cert_list_get(list, 2) == NULL);
    CHECK(strstr(qssl_last_error_message(), "out of range") != NULL);
    char buf[64];
    CHECK_OK(qssl_cert_subject_display_name(first, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "localhost");
    CHECK_OK(qssl_cert_subject_display_name(second, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "qssl test root CA");
    const qssl_cert_t *const *items = qssl_cert_list_items(list);
    CHECK(items != NULL && items[0] == first && items[1] == second);
    /* Round trip through the array form. */
    qssl_cert_list_t *again = qssl_cert_list_new(items, qssl_cert_list_len(list));
    CHECK(again != NULL);
    CHECK_EQ_INT(qssl_cert_list_len(again), 2);
    CHECK(qssl_cert_equal(qssl_cert_list_get(again, 1), second));
    /* A copy of a borrowed element outlives the list. */
    qssl_cert_t *kept = qssl_cert_copy(first);
    qssl_cert_list_free(list);
    CHECK(qssl_cert_equal(kept, qssl_cert_list_get(again, 0)));
    qssl_cert_list_free(again);
    CHECK(!qssl_cert_is_null(kept));
    qssl_cert_free(kept);
    /* Empty and bad input. */
    qssl_cert_list_t *empty = qssl_cert_list_new(NULL, 0);
    CHECK(empty != NULL);
    CHECK_EQ_INT(qssl_cert_list_len(empty), 0);
    CHECK(qssl_cert_list_items(empty) == NULL);
    qssl_cert_list_free(empty);
    CHECK(qssl_cert_list_new(NULL, 2) == NULL);
    CHECK(strstr(qssl_last_error_message(), "items") != NULL);
    const qssl_cert_t *holes[2] = {NULL, NULL};
    CHECK(qssl_cert_list_new(holes, 2) == NULL);
    CHECK(strstr(qssl_last_error_message(), "items[0] is NULL") != NULL);
}

TEST_CASE(from_file) {
    char path[4096];
    qssl_cert_t *c = NULL;
    snprintf(path, sizeof path, "%s/two-certs.pem", qtest_fixtures());
    CHECK_OK(qssl_cert_from_file(path, QSSL_ENCODING_FORMAT_PEM, &c));
    char buf[64];
    size_t len = 0;
    CHECK_OK(qssl_cert_subject_display_name(c, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "localhost");
    qssl_cert_free(c);
    snprintf(path, sizeof path, "%s/ca.der", qtest_fixtures());
    CHECK_OK(qssl_cert_from_file(path, QSSL_ENCODING_FORMAT_DER, &c));
    CHECK(qssl_cert_is_self_signed(c));
    qssl_cert_free(c);
    CHECK_ERROR(qssl_cert_from_file(path, QSSL_ENCODING_FORMAT_PEM, &c), QSSL_STATUS_PARSE_FAILED,
                "PEM: no certificate found");
    CHECK(c == NULL);
    CHECK_ERROR(qssl_cert_from_file("/nonexistent/x.pem", QSSL_ENCODING_FORMAT_PEM, &c),
                QSSL_STATUS_IO, "cannot read certificate file");
    CHECK_ERROR(qssl_cert_from_file(path, 9, &c), QSSL_STATUS_INVALID_ARGUMENT,
                "unknown encoding format 9");
    CHECK_ERROR(qssl_cert_from_file(NULL, QSSL_ENCODING_FORMAT_PEM, &c),
                QSSL_STATUS_NULL_ARGUMENT, "path");
    CHECK_ERROR(qssl_cert_from_file(path, QSSL_ENCODING_FORMAT_PEM, NULL),
                QSSL_STATUS_NULL_ARGUMENT, "out");
    const char bad_utf8[] = {'x', (char)0xc3, 0};
    CHECK_ERROR(qssl_cert_from_file(bad_utf8, QSSL_ENCODING_FORMAT_PEM, &c),
                QSSL_STATUS_INVALID_ARGUMENT, "UTF-8");
}

TEST_CASE(from_path_table) {
    /* Each ctest case is its own process, so changing directory is safe. */
    CHECK(chdir(qtest_fixtures()) == 0);
    const qssl_pattern_syntax_t RX = QSSL_PATTERN_SYNTAX_REGULAR_EXPRESSION,
                                WC = QSSL_PATTERN_SYNTAX_WILDCARD,
                                FIX = QSSL_PATTERN_SYNTAX_FIXED_STRING;
    const qssl_encoding_format_t PEM = QSSL_ENCODING_FORMAT_PEM, DER = QSSL_ENCODING_FORMAT_DER;
    CHECK_EQ_INT(path_count("pattern/*.pem", PEM, WC), 2);
    CHECK_EQ_INT(path_count("pattern/*", PEM, WC), 2);
    CHECK_EQ_INT(path_count("pattern/*/*.pem", PEM, WC), 1);
    CHECK_EQ_INT(path_count("pattern/*.der", DER, WC), 1);
    CHECK_EQ_INT(path_count("pattern/.*\\.pem", PEM, RX), 3);
    CHECK_EQ_INT(path_count("pattern/[ab]\\.pem", PEM, RX), 2);
    CHECK_EQ_INT(path_count("pattern/a.pe.", PEM, FIX), 1);
    CHECK_EQ_INT(path_count("pattern", PEM, FIX), 0);
    CHECK_EQ_INT(path_count("pattern/*.pem", PEM, FIX), 0);
    CHECK_EQ_INT(path_count("pattern/a.pem", PEM, FIX), 1);
    CHECK_EQ_INT(path_count("pattern/missing/*.pem", PEM, WC), 0);
    CHECK_EQ_INT(path_count("pattern/(unbalanced", PEM, RX), 0);
    CHECK_EQ_INT(path_count("", PEM, FIX), 0);
    CHECK(chdir("pattern") == 0);
    CHECK_EQ_INT(path_count("*.pem", PEM, WC), 2);
    CHECK_EQ_INT(path_count("a.pem", PEM, FIX), 1);
    /* Absolute path. */
    char abs[4096];
    snprintf(abs, sizeof abs, "%s/pattern/*.pem", qtest_fixtures());
    if (abs[0] == '/') CHECK_EQ_INT(path_count(abs, PEM, WC), 2);
    /* Bad arguments. */
    qssl_cert_list_t *list = (qssl_cert_list_t *)1;
    CHECK_ERROR(qssl_cert_from_path("*.pem", PEM, 3, &list), QSSL_STATUS_INVALID_ARGUMENT,
                "unknown pattern syntax 3");
    CHECK(list == NULL);
    CHECK_ERROR(qssl_cert_from_path("*.pem", -1, WC, &list), QSSL_STATUS_INVALID_ARGUMENT,
                "unknown encoding format -1");
    CHECK_ERROR(qssl_cert_from_path(NULL, PEM, WC, &list), QSSL_STATUS_NULL_ARGUMENT, "path");
    CHECK_ERROR(qssl_cert_from_path("*.pem", PEM, WC, NULL), QSSL_STATUS_NULL_ARGUMENT, "out");
    const char bad_utf8[] = {'*', (char)0xfe, 0};
    CHECK_ERROR(qssl_cert_from_path(bad_utf8, PEM, WC, &list), QSSL_STATUS_INVALID_ARGUMENT,
                "UTF-8");
}

TEST_CASE(pkcs12_import) {
    size_t len = 0;
    unsigned char *p12 = qtest_read_fixture("server.p12", &len);
    CHECK(p12 != NULL);
    qssl_key_t *key = NULL;
    qssl_cert_t *cert = NULL;
    qssl_cert_list_t *cas = NULL;
    qssl_status_t ok = qssl_cert_import_pkcs12(p12, len, PASS, &key, &cert, &cas);
    /* Wrong passphrase, no passphrase, no CA output, garbage, truncation. */
    qssl_key_t *k2 = (qssl_key_t *)1;
    qssl_cert_t *c2 = (qssl_cert_t *)1;
    qssl_cert_list_t *l2 = (qssl_cert_list_t *)1;
    qssl_status_t wrong = qssl_cert_import_pkcs12(p12, len, "wrong", &k2, &c2, &l2);
    int wrong_msg = strstr(qssl_last_error_message(), "wrong passphrase") != NULL;
    int wrong_nulls = k2 == NULL && c2 == NULL && l2 == NULL;
    qssl_status_t none = qssl_cert_import_pkcs12(p12, len, NULL, &k2, &c2, NULL);
    qssl_status_t trunc = qssl_cert_import_pkcs12(p12, len / 2, PASS, &k2, &c2, NULL);
    qssl_status_t no_cas = qssl_cert_import_pkcs12(p12, len, PASS, &k2, &c2, NULL);
    int no_cas_ok = no_cas == QSSL_STATUS_OK && k2 != NULL && c2 != NULL;
    qssl_key_free(k2);
    qssl_cert_free(c2);
    k2 = NULL;
    c2 = NULL;
    qssl_status_t null_key = qssl_cert_import_pkcs12(p12, len, PASS, NULL, &c2, NULL);
    qssl_status_t null_cert = qssl_cert_import_pkcs12(p12, len, PASS, &k2, NULL, NULL);
    free(p12);
    CHECK_OK(ok);
    CHECK_EQ_INT(qssl_key_algorithm(key), QSSL_KEY_ALGORITHM_RSA);
    CHECK_EQ_INT(qssl_key_type(key), QSSL_KEY_TYPE_PRIVATE_KEY);
    CHECK_EQ_INT(qssl_key_length(key), 2048);
    qssl_cert_t *server = qtest_load_cert("server.pem");
    qssl_cert_t *ca = qtest_load_cert("ca.pem");
    CHECK(qssl_cert_equal(cert, server));
    CHECK_EQ_INT(qssl_cert_list_len(cas), 1);
    CHECK(qssl_cert_equal(qssl_cert_list_get(cas, 0), ca));
    CHECK_EQ_INT(wrong, QSSL_STATUS_BAD_PASSPHRASE);
    CHECK(wrong_msg);
    CHECK(wrong_nulls);
    CHECK_EQ_INT(none, QSSL_STATUS_BAD_PASSPHRASE);
    CHECK_EQ_INT(trunc, QSSL_STATUS_PARSE_FAILED);
    CHECK(no_cas_ok);
    CHECK_EQ_INT(null_key, QSSL_STATUS_NULL_ARGUMENT);
    CHECK_EQ_INT(null_cert, QSSL_STATUS_NULL_ARGUMENT);
    qssl_cert_free(ca);
    qssl_cert_free(server);
    qssl_cert_list_free(cas);
    qssl_cert_free(cert);
    qssl_key_free(key);

    k2 = NULL;
    CHECK_ERROR(qssl_cert_import_pkcs12((const uint8_t *)"garbage", 7, PASS, &k2, &c2, NULL),
                QSSL_STATUS_PARSE_FAILED, "PKCS#12");
    CHECK_ERROR(qssl_cert_import_pkcs12(NULL, 0, PASS, &k2, &c2, NULL), QSSL_STATUS_PARSE_FAILED,
                "empty");
    CHECK_ERROR(qssl_cert_import_pkcs12(NULL, 4, PASS, &k2, &c2, NULL), QSSL_STATUS_NULL_ARGUMENT,
                "data");
    const char bad_utf8[] = {(char)0xff, 0};
    CHECK_ERROR(qssl_cert_import_pkcs12((const uint8_t *)"x", 1, bad_utf8, &k2, &c2, NULL),
                QSSL_STATUS_INVALID_ARGUMENT, "UTF-8");
    CHECK(k2 == NULL && c2 == NULL);
}

TEST_CASE(bad_enum_values) {
    qssl_cert_t *c = qtest_load_cert("server.pem");
    CHECK(c != NULL);
    CHECK(qssl_cert_subject_info(c, 9) == NULL);
    CHECK(strstr(qssl_last_error_message(), "unknown subject info 9") != NULL);
    CHECK(qssl_cert_issuer_info(c, -1) == NULL);
    CHECK(strstr(qssl_last_error_message(), "unknown subject info -1") != NULL);
    CHECK(qssl_cert_subject_info_by_attribute(c, NULL, 3) == NULL);
    CHECK(qssl_cert_issuer_info_by_attribute(c, NULL, 3) == NULL);
    /* Invalid UTF-8 in an attribute name simply matches nothing. */
    const uint8_t odd[] = {0xff, 0xfe};
    CHECK(list_is(qssl_cert_subject_info_by_attribute(c, odd, 2), NULL, 0));
    size_t len = 0;
    CHECK_ERROR(qssl_cert_version(c, NULL, 4, &len), QSSL_STATUS_NULL_ARGUMENT, "buf");
    CHECK_ERROR(qssl_cert_serial_number(c, NULL, 0, &len), QSSL_STATUS_BUFFER_TOO_SMALL, "buffer");
    CHECK_ERROR(qssl_cert_to_pem(c, NULL, 0, NULL), QSSL_STATUS_NULL_ARGUMENT, "out_len");
    qssl_cert_free(c);
}

/* The error codes of a verify() result, as "9" or "22,9"; frees the list. */
static void codes_of(qssl_ssl_error_list_t *list, char *buf, size_t cap) {
    buf[0] = '\0';
    size_t n = qssl_ssl_error_list_len(list);
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%d", i ? "," : "",
                 (int)qssl_ssl_error_error(qssl_ssl_error_list_get(list, i)));
    }
    qssl_ssl_error_list_free(list);
}

TEST_CASE(verify_like_qt) {
    qssl_cert_t *ss = qtest_load_cert("selfsigned.pem");
    CHECK(ss != NULL);
    const qssl_cert_t *chain[1] = {ss};
    qssl_ssl_error_list_t *errs = NULL;
    char codes[64];
    CHECK_OK(qssl_cert_verify(chain, 1, "localhost", &errs));
    /* The error concerns the self-signed leaf. */
    qssl_cert_t *concerned = qssl_ssl_error_certificate(qssl_ssl_error_list_get(errs, 0));
    CHECK(qssl_cert_equal(concerned, ss));
    qssl_cert_free(concerned);
    codes_of(errs, codes, sizeof codes);
    CHECK_EQ_STR(codes, "9");
    CHECK_OK(qssl_cert_verify(chain, 1, "otherhost", &errs));
    codes_of(errs, codes, sizeof codes);
    CHECK_EQ_STR(codes, "22,9");
    CHECK_OK(qssl_cert_verify(chain, 1, NULL, &errs));
    codes_of(errs, codes, sizeof codes);
    CHECK_EQ_STR(codes, "9");
    CHECK_OK(qssl_cert_verify(NULL, 0, "x", &errs));
    codes_of(errs, codes, sizeof codes);
    CHECK_EQ_STR(codes, "-1");
    /* Bad arguments. */
    errs = (qssl_ssl_error_list_t *)1;
    CHECK_ERROR(qssl_cert_verify(NULL, 2, "x", &errs), QSSL_STATUS_NULL_ARGUMENT, "chain");
    CHECK(errs == NULL);
    const qssl_cert_t *holes[2] = {ss, NULL};
    CHECK_ERROR(qssl_cert_verify(holes, 2, "x", &errs), QSSL_STATUS_INVALID_ARGUMENT,
                "chain[1] is NULL");
    const char bad_utf8[] = {'h', (char)0xff, 0};
    CHECK_ERROR(qssl_cert_verify(chain, 1, bad_utf8, &errs), QSSL_STATUS_INVALID_ARGUMENT,
                "UTF-8");
    CHECK_ERROR(qssl_cert_verify(chain, 1, "x", NULL), QSSL_STATUS_NULL_ARGUMENT, "out");
    qssl_cert_free(ss);
}
