/*
 * qtest.h: a tiny header-only test harness for qssl's C tests.
 *
 * TEST_CASE(name) { ... } defines a case; cases register themselves.
 * An executable runs one case (argv[1]), all cases (no argument), or lists
 * them (--list). CHECK* macros print the location, the expression and
 * qssl_last_error_message(), then end the case as failed. QTEST_SKIP ends the
 * process with exit code 77, which ctest reports as skipped.
 * Include it exactly once per executable.
 */
#ifndef QSSL_QTEST_H
#define QSSL_QTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qssl.h"

#define QTEST_MAX_CASES 256

typedef void (*qtest_fn)(void);
static struct {
    const char *name;
    qtest_fn fn;
} qtest_cases[QTEST_MAX_CASES];
static int qtest_ncases;
static int qtest_failed;

__attribute__((unused)) static void qtest_register(const char *name, qtest_fn fn) {
    if (qtest_ncases < QTEST_MAX_CASES) {
        qtest_cases[qtest_ncases].name = name;
        qtest_cases[qtest_ncases].fn = fn;
        qtest_ncases++;
    }
}

#define TEST_CASE(name)                                                                   \
    static void qtest_fn_##name(void);                                                    \
    __attribute__((constructor)) static void qtest_reg_##name(void) {                     \
        qtest_register(#name, qtest_fn_##name);                                           \
    }                                                                                     \
    static void qtest_fn_##name(void)

__attribute__((unused)) static void qtest_report(const char *file, int line, const char *what) {
    fprintf(stderr, "%s:%d: check failed: %s\n  last error: %s\n", file, line, what,
            qssl_last_error_message());
    qtest_failed = 1;
}

/* A condition that must hold. */
#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            qtest_report(__FILE__, __LINE__, #cond);                                      \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* A status that must be QSSL_STATUS_OK. */
#define CHECK_OK(expr)                                                                    \
    do {                                                                                  \
        qssl_status_t qtest_st_ = (expr);                                                 \
        if (qtest_st_ != QSSL_STATUS_OK) {                                                \
            fprintf(stderr, "%s:%d: %s returned %d (%s)\n", __FILE__, __LINE__, #expr,     \
                    (int)qtest_st_, qssl_status_string(qtest_st_));                       \
            qtest_report(__FILE__, __LINE__, #expr);                                      \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* A status that must equal `want`. */
#define CHECK_STATUS(expr, want)                                                          \
    do {                                                                                  \
        qssl_status_t qtest_st_ = (expr);                                                 \
        if (qtest_st_ != (want)) {                                                        \
            fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d (%s)\n", __FILE__,    \
                    __LINE__, #expr, (int)qtest_st_, qssl_status_string(qtest_st_),       \
                    (int)(want), qssl_status_string(want));                               \
            qtest_report(__FILE__, __LINE__, #expr);                                      \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* A failure status whose last error message contains `needle`. */
#define CHECK_ERROR(expr, want, needle)                                                   \
    do {                                                                                  \
        CHECK_STATUS(expr, want);                                                         \
        if (strstr(qssl_last_error_message(), (needle)) == NULL) {                        \
            fprintf(stderr, "%s:%d: message lacks \"%s\"\n", __FILE__, __LINE__, needle);  \
            qtest_report(__FILE__, __LINE__, #expr);                                      \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* Two integers that must be equal. */
#define CHECK_EQ_INT(a, b)                                                                \
    do {                                                                                  \
        long long qtest_a_ = (long long)(a), qtest_b_ = (long long)(b);                   \
        if (qtest_a_ != qtest_b_) {                                                       \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
                    #a, qtest_a_, #b, qtest_b_);                                          \
            qtest_report(__FILE__, __LINE__, #a " == " #b);                               \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* Two NUL-terminated strings that must be equal. */
#define CHECK_EQ_STR(a, b)                                                                \
    do {                                                                                  \
        const char *qtest_a_ = (a), *qtest_b_ = (b);                                      \
        if (qtest_a_ == NULL || qtest_b_ == NULL || strcmp(qtest_a_, qtest_b_) != 0) {    \
            fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,               \
                    qtest_a_ ? qtest_a_ : "(null)", qtest_b_ ? qtest_b_ : "(null)");      \
            qtest_report(__FILE__, __LINE__, #a " == " #b);                               \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* Ends the process as skipped (ctest SKIP_RETURN_CODE 77), or as failed
 * under CI (environment variable CI set), where nothing may be skipped. */
#define QTEST_SKIP(why)                                                                   \
    do {                                                                                  \
        const char *qtest_ci_ = getenv("CI");                                             \
        int qtest_fail_ = qtest_ci_ && *qtest_ci_ && strcmp(qtest_ci_, "0") != 0 &&       \
                          strcmp(qtest_ci_, "false") != 0;                                \
        fprintf(stderr, "%s: %s\n", qtest_fail_ ? "FAIL (skip not allowed under CI)" : "SKIP", \
                why);                                                                     \
        exit(qtest_fail_ ? 1 : 77);                                                       \
    } while (0)

/* The directory of the shared test fixtures (QSSL_FIXTURES or the build's default). */
__attribute__((unused)) static const char *qtest_fixtures(void) {
    const char *d = getenv("QSSL_FIXTURES");
#ifdef QSSL_FIXTURES_DIR
    if (d == NULL) d = QSSL_FIXTURES_DIR;
#endif
    return d ? d : "tests/fixtures";
}

/* Reads a fixture file into a malloc'd buffer; returns NULL if missing. */
__attribute__((unused)) static unsigned char *qtest_read_fixture(const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", qtest_fixtures(), name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (len) *len = n;
    return buf;
}

/* Fixture loaders and the memory-transport shuttle shared by the test
 * programs. The loaders return NULL, with the reason on stderr, when the
 * file cannot be read or does not parse. */
__attribute__((unused)) static qssl_cert_t *qtest_load_cert(const char *name) {
    size_t len = 0;
    unsigned char *pem = qtest_read_fixture(name, &len);
    if (!pem) {
        fprintf(stderr, "cannot read fixture %s\n", name);
        return NULL;
    }
    qssl_cert_t *c = NULL;
    qssl_status_t st = qssl_cert_from_pem(pem, len, &c);
    free(pem);
    if (st != QSSL_STATUS_OK) fprintf(stderr, "loading %s: %s\n", name, qssl_last_error_message());
    return st == QSSL_STATUS_OK ? c : NULL;
}

/* An RSA private key in PEM, without a pass phrase. */
__attribute__((unused)) static qssl_key_t *qtest_load_key(const char *name) {
    size_t len = 0;
    unsigned char *pem = qtest_read_fixture(name, &len);
    if (!pem) {
        fprintf(stderr, "cannot read fixture %s\n", name);
        return NULL;
    }
    qssl_key_t *k = NULL;
    qssl_status_t st = qssl_key_from_pem(pem, len, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k);
    free(pem);
    if (st != QSSL_STATUS_OK) fprintf(stderr, "loading %s: %s\n", name, qssl_last_error_message());
    return st == QSSL_STATUS_OK ? k : NULL;
}

/* Moves every byte `from` has waiting into `to` (memory transport); true
 * when something moved. */
__attribute__((unused)) static int qtest_shuttle(qssl_conn_t *from, qssl_conn_t *to) {
    unsigned char buf[4096];
    size_t n = 0, moved = 0;
    while (qssl_conn_take_output(from, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
        qssl_conn_feed(to, buf, n);
        moved += n;
    }
    return moved > 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < qtest_ncases; i++) printf("%s\n", qtest_cases[i].name);
        return 0;
    }
    int ran = 0;
    for (int i = 0; i < qtest_ncases; i++) {
        if (argc > 1 && strcmp(argv[1], qtest_cases[i].name) != 0) continue;
        ran++;
        int before = qtest_failed;
        qtest_failed = 0;
        qtest_cases[i].fn();
        fprintf(stderr, "%s %s\n", qtest_failed ? "FAIL" : "ok  ", qtest_cases[i].name);
        qtest_failed |= before;
    }
    if (ran == 0) {
        fprintf(stderr, "no test case named %s\n", argc > 1 ? argv[1] : "(any)");
        return 2;
    }
    return qtest_failed ? 1 : 0;
}

#endif
