/* Cipher strings: Qt's setCiphers(QString) parser and the cipher lookups,
 * then an OpenSSL context built from the result (client and server). */
#include "../common.h"
#include <openssl/ssl.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_text(data, size);
    qssl_config_t *c = qssl_config_new();
    qssl_status_t st = qssl_config_set_ciphers_string(c, s);
    fuzz_check_status(st, "qssl_config_set_ciphers_string");
    qssl_cipher_t *one = qssl_cipher_from_name(s);
    if (one) (void)qssl_cipher_used_bits(one);
    qssl_cipher_free(one);
    (void)qssl_curve_from_short_name(s);
    (void)qssl_curve_from_long_name(s);
    if (st == QSSL_STATUS_OK) {
        for (int mode = 1; mode <= 2; mode++) {
            void *ctx = NULL;
            st = qssl_config_openssl_context(c, mode, &ctx);
            fuzz_check_status(st, "qssl_config_openssl_context");
            if (ctx) SSL_CTX_free((SSL_CTX *)ctx);
        }
    }
    qssl_config_free(c);
    free(s);
    return 0;
}
