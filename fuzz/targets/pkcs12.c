/* PKCS#12 archives with the right, an empty and a wrong passphrase. */
#include "../common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const passes[] = {"qssl-pass", "", NULL, "wrong"};
    for (int i = 0; i < 4; i++) {
        qssl_key_t *k = NULL;
        qssl_cert_t *c = NULL;
        qssl_cert_list_t *ca = NULL;
        qssl_status_t st = qssl_cert_import_pkcs12(data, size, passes[i], &k, &c, &ca);
        fuzz_check_status(st, "qssl_cert_import_pkcs12");
        if (st == QSSL_STATUS_OK) {
            FUZZ_ASSERT(k != NULL && c != NULL && ca != NULL);
            (void)qssl_key_length(k);
            (void)qssl_cert_list_len(ca);
        } else {
            FUZZ_ASSERT(k == NULL && c == NULL && ca == NULL);
        }
        qssl_key_free(k);
        qssl_cert_free(c);
        qssl_cert_list_free(ca);
    }
    return 0;
}
