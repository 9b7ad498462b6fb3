/* Backend configuration values (OpenSSL configuration commands), applied
 * when a context is built. The input is "name\0value" (value may hold any
 * byte; a NUL inside must be refused cleanly). */
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
    const uint8_t *nul = memchr(data, 0, size);
    size_t name_len = nul ? (size_t)(nul - data) : size;
    char *name = fuzz_text(data, name_len);
    const uint8_t *value = nul ? nul + 1 : data + size;
    size_t value_len = nul ? size - name_len - 1 : 0;
    for (int mode = 1; mode <= 2; mode++) {
        qssl_config_t *c = qssl_config_copy(server);
        qssl_status_t st = qssl_config_set_backend_configuration_option_bytes(c, name, value, value_len);
        fuzz_check_status(st, "qssl_config_set_backend_configuration_option_bytes");
        void *ctx = NULL;
        st = qssl_config_openssl_context(c, mode, &ctx);
        fuzz_check_status(st, "qssl_config_openssl_context");
        if (ctx) SSL_CTX_free((SSL_CTX *)ctx);
        qssl_config_free(c);
    }
    free(name);
    return 0;
}
