/* Core plumbing: version, status codes, last error. */
#include "qtest.h"

TEST_CASE(version_matches_header) {
    CHECK_EQ_STR(qssl_version(), QSSL_VERSION_STRING);
    CHECK_EQ_INT(qssl_version_number(), QSSL_VERSION_NUMBER);
    CHECK(QSSL_VERSION_NUMBER == ((QSSL_VERSION_MAJOR << 16) | (QSSL_VERSION_MINOR << 8) |
                                  QSSL_VERSION_PATCH));
}

TEST_CASE(openssl_version_is_3) {
    const char *v = qssl_openssl_version();
    CHECK(v != NULL);
    CHECK(strncmp(v, "OpenSSL 3.", 10) == 0);
}

TEST_CASE(status_strings) {
    CHECK_EQ_STR(qssl_status_string(QSSL_STATUS_OK), "ok");
    CHECK_EQ_STR(qssl_status_string(QSSL_STATUS_BUFFER_TOO_SMALL), "buffer too small");
    CHECK_EQ_STR(qssl_status_string(QSSL_STATUS_INTERNAL_PANIC), "internal error (panic caught)");
    CHECK_EQ_STR(qssl_status_string(-9999), "unknown status code");
    CHECK_EQ_STR(qssl_status_string(12345), "unknown status code");
    /* Every defined code has its own text. */
    const qssl_status_t codes[] = {
        QSSL_STATUS_OK, QSSL_STATUS_WANT_READ, QSSL_STATUS_WANT_WRITE,
        QSSL_STATUS_NULL_ARGUMENT, QSSL_STATUS_INVALID_ARGUMENT, QSSL_STATUS_BUFFER_TOO_SMALL,
        QSSL_STATUS_PARSE_FAILED, QSSL_STATUS_IO, QSSL_STATUS_TLS,
        QSSL_STATUS_VERIFICATION_FAILED, QSSL_STATUS_UNSUPPORTED, QSSL_STATUS_CALLBACK_REFUSED,
        QSSL_STATUS_INTERNAL_PANIC, QSSL_STATUS_NOT_FOUND, QSSL_STATUS_BAD_PASSPHRASE,
        QSSL_STATUS_INVALID_STATE, QSSL_STATUS_CLOSED};
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        CHECK(strcmp(qssl_status_string(codes[i]), "unknown status code") != 0);
        for (size_t j = i + 1; j < n; j++) {
            CHECK(codes[i] != codes[j]);
            CHECK(strcmp(qssl_status_string(codes[i]), qssl_status_string(codes[j])) != 0);
        }
    }
}

TEST_CASE(last_error_starts_empty_and_clears) {
    CHECK(qssl_last_error_message() != NULL);
    qssl_clear_last_error();
    CHECK_EQ_STR(qssl_last_error_message(), "");
}
