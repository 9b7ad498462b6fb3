/* Path patterns (QSslCertificate::fromPath and addCaCertificates(path)):
 * qssl's own wildcard and regular-expression engine and its directory walk,
 * under a temporary copy of tests/fixtures/pattern. The input is the pattern
 * after "<tmp>/d/"; the first byte picks the syntax and format. Inputs with
 * ".." are skipped so that the walk stays inside the temporary directory.
 * Qt's rule starts a regular expression's walk one directory above the
 * pattern's own directory (and a top-level alternation such as "x|.*"
 * matches every file there), so the fixtures sit in <tmp>/d and the walk can
 * reach <tmp> at most. */
#define _GNU_SOURCE
#include "../common.h"
#include <unistd.h>

static char base[256], root[300];

static void cleanup(void) {
    char cmd[512];
    if (base[0] == '\0') return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    snprintf(base, sizeof base, "/tmp/qssl-fuzz-path-XXXXXX");
    if (mkdtemp(base) == NULL) abort();
    snprintf(root, sizeof root, "%s/d", base);
    char cmd[4096 + 800];
    snprintf(cmd, sizeof cmd,
             "mkdir '%s' && cp -R '%s/pattern' '%s/' && cp '%s/ca.pem' '%s/server.der' '%s/'",
             root, fuzz_fixtures(), root, fuzz_fixtures(), fuzz_fixtures(), root);
    if (system(cmd) != 0) abort();
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 512) return 0;
    uint8_t sel = data[0];
    char *pat = fuzz_text(data + 1, size - 1);
    if (strstr(pat, "..") != NULL) {
        free(pat);
        return 0;
    }
    size_t plen = strlen(root) + strlen(pat) + 2;
    char *path = malloc(plen);
    snprintf(path, plen, "%s/%s", root, pat);
    int syntax = sel % 3, format = (sel >> 2) & 1;
    qssl_cert_list_t *list = NULL;
    qssl_status_t st = qssl_cert_from_path(path, format, syntax, &list);
    fuzz_check_status(st, "qssl_cert_from_path");
    if (st == QSSL_STATUS_OK) FUZZ_ASSERT(qssl_cert_list_len(list) <= 16);
    qssl_cert_list_free(list);
    if (sel & 0x80) {
        qssl_config_t *c = qssl_config_new();
        st = qssl_config_add_ca_certificates_from_path(c, path, format, syntax);
        fuzz_check_status(st, "qssl_config_add_ca_certificates_from_path");
        qssl_config_free(c);
    }
    free(path);
    free(pat);
    return 0;
}
