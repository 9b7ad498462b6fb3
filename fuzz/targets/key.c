/* Keys: PEM and DER, private and public, with and without a passphrase,
 * every algorithm; then export again (plain and encrypted). The first byte
 * chooses the passphrase and the algorithm. */
#include "../common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    static const char *const passes[] = {NULL, "qssl-pass", "", "wrong"};
    const char *pass = passes[sel & 3];
    size_t pass_len = pass ? strlen(pass) : 0;
    int alg = (sel >> 2) % 5; /* Opaque, Rsa, Dsa, Ec, Dh */
    static uint8_t buf[65536];
    for (int type = 0; type <= 1; type++) {
        for (int der = 0; der <= 1; der++) {
            qssl_key_t *k = NULL;
            qssl_status_t st = der ? qssl_key_from_der(data, size, alg, type, (const uint8_t *)pass, pass_len, &k)
                                   : qssl_key_from_pem(data, size, alg, type, (const uint8_t *)pass, pass_len, &k);
            fuzz_check_status(st, der ? "qssl_key_from_der" : "qssl_key_from_pem");
            FUZZ_ASSERT((st == QSSL_STATUS_OK) == (k != NULL));
            if (!k) continue;
            FUZZ_ASSERT(qssl_key_algorithm(k) == alg);
            FUZZ_ASSERT(qssl_key_type(k) == type);
            (void)qssl_key_length(k);
            size_t n = 0;
            fuzz_check_status(qssl_key_to_pem(k, NULL, 0, buf, sizeof buf, &n), "qssl_key_to_pem");
            fuzz_check_status(qssl_key_to_der(k, NULL, 0, buf, sizeof buf, &n), "qssl_key_to_der");
            fuzz_check_status(qssl_key_to_pem(k, (const uint8_t *)"x", 1, buf, sizeof buf, &n),
                              "qssl_key_to_pem");
            qssl_key_free(k);
        }
    }
    return 0;
}
