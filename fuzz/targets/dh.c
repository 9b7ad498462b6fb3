/* DH parameters, PEM and DER; valid ones are put on a server configuration
 * whose OpenSSL context is then built. */
#include "../common.h"
#include <openssl/ssl.h>

static qssl_config_t *server;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    server = fuzz_server_config();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (int fmt = 0; fmt <= 1; fmt++) {
        qssl_dh_params_t *dh = NULL;
        qssl_status_t st = qssl_dh_params_from_encoded(data, size, fmt, &dh);
        fuzz_check_status(st, "qssl_dh_params_from_encoded");
        FUZZ_ASSERT(st == QSSL_STATUS_OK && dh != NULL);
        char text[256];
        size_t n = 0;
        fuzz_check_status(qssl_dh_params_error_string(dh, text, sizeof text, &n),
                          "qssl_dh_params_error_string");
        if (qssl_dh_params_is_valid(dh) && !qssl_dh_params_is_empty(dh)) {
            qssl_config_t *c = qssl_config_copy(server);
            qssl_config_set_diffie_hellman_parameters(c, dh);
            void *ctx = NULL;
            st = qssl_config_openssl_context(c, QSSL_SSL_MODE_SSL_SERVER_MODE, &ctx);
            fuzz_check_status(st, "qssl_config_openssl_context");
            if (ctx) SSL_CTX_free((SSL_CTX *)ctx);
            qssl_config_free(c);
        }
        qssl_dh_params_free(dh);
    }
    return 0;
}
