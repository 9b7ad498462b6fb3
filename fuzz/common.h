/*
 * Shared helpers of qssl's fuzz targets (libFuzzer). Each target in
 * fuzz/targets/ defines LLVMFuzzerTestOneInput over the C API of libqssl.so;
 * fuzz/run.sh builds and runs them. Fixtures come from QSSL_FIXTURES or the
 * directory compiled in as QSSL_FIXTURES_DIR.
 */
#ifndef QSSL_FUZZ_COMMON_H
#define QSSL_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qssl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A fatal inconsistency: libFuzzer records the input as a crash. */
#define FUZZ_ASSERT(cond)                                                                 \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: assertion failed: %s (last error: %s)\n", __FILE__,    \
                    __LINE__, #cond, qssl_last_error_message());                          \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* Every failing status must leave a message naming the function, and no
 * panic may have been caught. */
static inline void fuzz_check_status(qssl_status_t st, const char *fn) {
    FUZZ_ASSERT(st != QSSL_STATUS_INTERNAL_PANIC);
    if (st < 0) {
        const char *m = qssl_last_error_message();
        FUZZ_ASSERT(m[0] != '\0');
        FUZZ_ASSERT(strncmp(m, fn, strlen(fn)) == 0);
    }
}

static inline const char *fuzz_fixtures(void) {
    const char *d = getenv("QSSL_FIXTURES");
#ifdef QSSL_FIXTURES_DIR
    if (d == NULL) d = QSSL_FIXTURES_DIR;
#endif
    return d ? d : "tests/fixtures";
}

static inline unsigned char *fuzz_read_fixture(const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fuzz_fixtures(), name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "missing fixture %s\n", path);
        abort();
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static inline qssl_config_t *fuzz_server_config(void) {
    size_t n = 0, m = 0;
    unsigned char *pem = fuzz_read_fixture("server.pem", &n);
    unsigned char *kpem = fuzz_read_fixture("server-key.pem", &m);
    qssl_cert_t *cert = NULL;
    qssl_key_t *key = NULL;
    qssl_cert_from_pem(pem, n, &cert);
    qssl_key_from_pem(kpem, m, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &key);
    qssl_config_t *c = qssl_config_default_configuration();
    qssl_config_set_local_certificate(c, cert);
    qssl_config_set_private_key(c, key);
    qssl_cert_free(cert);
    qssl_key_free(key);
    free(pem);
    free(kpem);
    return c;
}

static inline qssl_config_t *fuzz_client_config(void) {
    size_t n = 0;
    unsigned char *pem = fuzz_read_fixture("ca.pem", &n);
    qssl_cert_t *ca = NULL;
    qssl_cert_from_pem(pem, n, &ca);
    const qssl_cert_t *cas[] = {ca};
    qssl_config_t *c = qssl_config_default_configuration();
    qssl_config_set_ca_certificates(c, cas, 1);
    qssl_cert_free(ca);
    free(pem);
    return c;
}

/* Moves what `from` wants to send into `to`; returns whether bytes moved. */
static inline int fuzz_shuttle(qssl_conn_t *from, qssl_conn_t *to) {
    uint8_t buf[16384];
    size_t n = 0;
    int moved = 0;
    while (qssl_conn_take_output(from, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
        if (to) qssl_conn_feed(to, buf, n);
        moved = 1;
    }
    return moved;
}

/* Runs a client/server handshake to its end; returns the client's status. */
static inline qssl_status_t fuzz_handshake(qssl_conn_t *c, qssl_conn_t *s, qssl_status_t *rs) {
    qssl_status_t rc = QSSL_STATUS_WANT_READ;
    *rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 40 && (rc > 0 || *rs > 0); i++) {
        if (rc > 0) rc = qssl_conn_handshake(c);
        if (*rs > 0) *rs = qssl_conn_handshake(s);
        if (!(fuzz_shuttle(c, s) | fuzz_shuttle(s, c)) && rc > 0 && *rs > 0) break;
    }
    return rc;
}

/* A NUL-terminated copy of the input (text targets). */
static inline char *fuzz_text(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
