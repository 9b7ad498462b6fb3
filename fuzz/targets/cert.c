/* Certificates: every parser (first PEM, first DER, all of a blob as PEM
 * and as DER), then every accessor on what was parsed, and verification. */
#include "../common.h"

static void exercise(const qssl_cert_t *c) {
    static uint8_t buf[65536];
    size_t n = 0;
    fuzz_check_status(qssl_cert_to_pem(c, buf, sizeof buf, &n), "qssl_cert_to_pem");
    fuzz_check_status(qssl_cert_to_der(c, buf, sizeof buf, &n), "qssl_cert_to_der");
    fuzz_check_status(qssl_cert_to_text(c, (char *)buf, sizeof buf, &n), "qssl_cert_to_text");
    fuzz_check_status(qssl_cert_serial_number(c, (char *)buf, sizeof buf, &n), "qssl_cert_serial_number");
    fuzz_check_status(qssl_cert_version(c, (char *)buf, sizeof buf, &n), "qssl_cert_version");
    fuzz_check_status(qssl_cert_digest(c, QSSL_CERT_DIGEST_SHA256, buf, sizeof buf, &n), "qssl_cert_digest");
    fuzz_check_status(qssl_cert_subject_display_name(c, (char *)buf, sizeof buf, &n),
                      "qssl_cert_subject_display_name");
    fuzz_check_status(qssl_cert_issuer_display_name(c, (char *)buf, sizeof buf, &n),
                      "qssl_cert_issuer_display_name");
    (void)qssl_cert_effective_date(c);
    (void)qssl_cert_expiry_date(c);
    (void)qssl_cert_is_self_signed(c);
    for (int i = 0; i <= QSSL_SUBJECT_INFO_EMAIL_ADDRESS; i++) {
        qssl_bytes_list_free(qssl_cert_subject_info(c, i));
        qssl_bytes_list_free(qssl_cert_issuer_info(c, i));
    }
    qssl_bytes_list_free(qssl_cert_subject_info_by_attribute(c, (const uint8_t *)"CN", 2));
    qssl_bytes_list_free(qssl_cert_subject_info_attributes(c));
    qssl_bytes_list_free(qssl_cert_issuer_info_attributes(c));
    for (int i = 0; i <= QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_IP_ADDRESS_ENTRY; i++)
        qssl_bytes_list_free(qssl_cert_subject_alternative_names(c, i));
    qssl_key_t *k = qssl_cert_public_key(c);
    FUZZ_ASSERT(k != NULL);
    fuzz_check_status(qssl_key_to_pem(k, NULL, 0, buf, sizeof buf, &n), "qssl_key_to_pem");
    qssl_key_free(k);
    qssl_cert_t *copy = qssl_cert_copy(c);
    FUZZ_ASSERT(qssl_cert_equal(copy, c));
    qssl_cert_free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    qssl_cert_t *c = NULL;
    qssl_status_t st = qssl_cert_from_pem(data, size, &c);
    fuzz_check_status(st, "qssl_cert_from_pem");
    FUZZ_ASSERT((st == QSSL_STATUS_OK) == (c != NULL));
    if (c) exercise(c);
    qssl_cert_free(c);
    c = NULL;
    st = qssl_cert_from_der(data, size, &c);
    fuzz_check_status(st, "qssl_cert_from_der");
    if (c) exercise(c);
    qssl_cert_free(c);
    for (int fmt = 0; fmt <= 1; fmt++) {
        qssl_cert_list_t *list = NULL;
        st = qssl_cert_from_data(data, size, fmt, &list);
        fuzz_check_status(st, "qssl_cert_from_data");
        FUZZ_ASSERT(st == QSSL_STATUS_OK && list != NULL);
        size_t n = qssl_cert_list_len(list);
        for (size_t i = 0; i < n && i < 4; i++) exercise(qssl_cert_list_get(list, i));
        if (n > 0) {
            qssl_ssl_error_list_t *errs = NULL;
            st = qssl_cert_verify(qssl_cert_list_items(list), n < 16 ? n : 16, "localhost", &errs);
            fuzz_check_status(st, "qssl_cert_verify");
            qssl_ssl_error_list_free(errs);
        }
        qssl_cert_list_free(list);
    }
    return 0;
}
