/*
 * qssl-micro: the value types through the C ABI, in ns per operation.
 *
 * Each measure runs enough iterations for about --ms milliseconds (default
 * 10), --runs times (default 21), and reports the median and the minimum of
 * the per-run averages (on a shared machine the minimum is the best estimate
 * of the uncontended cost). Timing: clock_gettime(CLOCK_MONOTONIC).
 *
 * --once OP [-n N] runs N operations inside measured_op() (for callgrind:
 * benches/callgrind.sh --micro prints instructions per operation).
 *
 * The 145 CA certificates: the system CA list (qssl_config_system_ca_
 * certificates) plus ca.pem, padded from the fixtures if the system has
 * fewer. "shared" gives both configurations the same handle array (the
 * lists hold the same certificate objects); "separate" parses every
 * certificate a second time from its DER, so no object is shared and each
 * element compares by content.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qssl.h>

#ifndef QSSL_FIXTURES_DIR
#define QSSL_FIXTURES_DIR "tests/fixtures"
#endif

#define NCA 145

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "qssl-micro: %s failed: %s\n", what, qssl_last_error_message());
    exit(2);
}

static void check(qssl_status_t st, const char *what) {
    if (st != QSSL_STATUS_OK) die(what);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the operations ------------------------------------------------------ */

static qssl_config_t *g_cfg, *g_eq_a, *g_eq_b, *g_sep_a, *g_sep_b;
static qssl_psk_auth_t *g_auth, *g_auth_own;
static volatile long g_sink;
static const uint8_t KEY[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static void op_config_copy_free(long n) {
    for (long i = 0; i < n; i++) qssl_config_free(qssl_config_copy(g_cfg));
}

static void op_config_copy_set_free(long n) {
    for (long i = 0; i < n; i++) {
        qssl_config_t *c = qssl_config_copy(g_cfg);
        qssl_config_set_peer_verify_depth(c, 3);
        qssl_config_free(c);
    }
}

static void op_equal_shared(long n) {
    long t = 0;
    for (long i = 0; i < n; i++) t += qssl_config_equal(g_eq_a, g_eq_b);
    g_sink = t;
}

static void op_equal_separate(long n) {
    long t = 0;
    for (long i = 0; i < n; i++) t += qssl_config_equal(g_sep_a, g_sep_b);
    g_sink = t;
}

static void op_default_free(long n) {
    for (long i = 0; i < n; i++) qssl_config_free(qssl_config_default_configuration());
}

static void op_new_free(long n) {
    for (long i = 0; i < n; i++) qssl_config_free(qssl_config_new());
}

static void op_system_ca(long n) {
    for (long i = 0; i < n; i++) qssl_cert_list_free(qssl_config_system_ca_certificates());
}

static void op_psk_copy_free(long n) {
    for (long i = 0; i < n; i++) qssl_psk_auth_free(qssl_psk_auth_copy(g_auth));
}

static void op_psk_set_key(long n) {
    for (long i = 0; i < n; i++) qssl_psk_auth_set_pre_shared_key(g_auth_own, KEY, sizeof KEY);
}

struct measure {
    const char *name;
    void (*fn)(long);
    const char *target;
    double target_ns;
    const char *id; /* for --once */
};

/* Exactly n operations: the region callgrind counts (--toggle-collect). */
__attribute__((noinline)) void measured_op(void (*fn)(long), long n) { fn(n); }

static int g_runs = 21;
static double g_ms = 10;

/* Median and minimum ns/op over g_runs runs of about g_ms each. */
static void measure(const struct measure *m, double *med, double *min) {
    long iters = 64;
    for (;;) { /* calibrate */
        double t0 = now_ns();
        m->fn(iters);
        double dt = now_ns() - t0;
        if (dt > g_ms * 1e6 / 4 || iters > (1L << 30)) {
            iters = (long)((double)iters * (g_ms * 1e6) / (dt > 1 ? dt : 1));
            if (iters < 1) iters = 1;
            break;
        }
        iters *= 4;
    }
    double v[64];
    for (int r = 0; r < g_runs; r++) {
        double t0 = now_ns();
        m->fn(iters);
        v[r] = (now_ns() - t0) / (double)iters;
    }
    qsort(v, (size_t)g_runs, sizeof(double), cmp_double);
    *med = v[g_runs / 2];
    *min = v[0];
}

/* ---- setup ------------------------------------------------------------------ */

static unsigned char *read_fixture(const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", QSSL_FIXTURES_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static qssl_cert_t *fixture_cert(const char *name) {
    size_t len;
    unsigned char *pem = read_fixture(name, &len);
    qssl_cert_t *c = NULL;
    check(qssl_cert_from_pem(pem, len, &c), name);
    free(pem);
    return c;
}

/* A new certificate object with the same content (parsed again from DER). */
static qssl_cert_t *reparse(const qssl_cert_t *c) {
    static uint8_t der[65536];
    size_t len = 0;
    qssl_cert_t *out = NULL;
    check(qssl_cert_to_der(c, der, sizeof der, &len), "to_der");
    check(qssl_cert_from_der(der, len, &out), "from_der");
    return out;
}

/* The bytes of heap one detached configuration takes (copy + one setter). */
static double detached_config_bytes(void) {
    enum { N = 20000 };
    qssl_config_t **v = malloc(sizeof *v * N);
    malloc_trim(0);
    struct mallinfo2 a = mallinfo2();
    for (int i = 0; i < N; i++) {
        v[i] = qssl_config_copy(g_cfg);
        qssl_config_set_peer_verify_depth(v[i], 3);
    }
    struct mallinfo2 b = mallinfo2();
    for (int i = 0; i < N; i++) qssl_config_free(v[i]);
    free(v);
    return (double)((long)(b.uordblks + b.hblkhd) - (long)(a.uordblks + a.hblkhd)) / N;
}

int main(int argc, char **argv) {
    const char *once = NULL;
    long once_n = 1000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--once") && i + 1 < argc) {
            once = argv[++i];
        } else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            once_n = atol(argv[++i]);
            if (once_n < 1) once_n = 1;
        } else if (!strcmp(argv[i], "--quick")) {
            g_runs = 5;
            g_ms = 5;
        } else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            g_runs = atoi(argv[++i]);
            if (g_runs < 1 || g_runs > 64) g_runs = 9;
        } else if (!strcmp(argv[i], "--ms") && i + 1 < argc) {
            g_ms = atof(argv[++i]);
        } else {
            printf("usage: qssl-micro [--quick] [--runs N] [--ms MS]\n"
                   "       qssl-micro --once OP [-n N]   (N operations in measured_op(), for callgrind)\n");
            return strcmp(argv[i], "--help") ? 2 : 0;
        }
    }
    if (!once)
        printf("qssl %s, %s; median (min) of %d runs of ~%.0f ms, ns per operation through the C ABI\n",
               qssl_version(), qssl_openssl_version(), g_runs, g_ms);

    /* --once of an operation that needs no CA list skips the system store
     * (loading it under valgrind takes most of a callgrind run); its one CA
     * is then ca.pem instead of the last system root, the same work. */
    int need_cas = !once || !strcmp(once, "equal-shared") || !strcmp(once, "equal-separate") ||
                   !strcmp(once, "system-ca");

    /* First call of the system CA list: reads and parses the system store. */
    double t0 = now_ns();
    qssl_cert_list_t *sys = need_cas ? qssl_config_system_ca_certificates() : qssl_cert_list_new(NULL, 0);
    double first_ms = (now_ns() - t0) / 1e6;
    if (!sys) die("qssl_config_system_ca_certificates");
    size_t nsys = need_cas ? qssl_cert_list_len(sys) : 0;

    /* 145 CA certificates: the system list plus ca.pem, padded if needed. */
    const char *pad[] = {"ca.pem", "inter.pem", "server.pem", "server-ec.pem", "client.pem", "selfsigned.pem"};
    qssl_cert_t *own[NCA] = {0};
    const qssl_cert_t *cas[NCA];
    size_t k = 0;
    for (size_t i = 0; i < nsys && k < NCA - 1; i++) cas[k++] = qssl_cert_list_get(sys, i);
    for (size_t i = 0; k < NCA; i++) {
        own[k] = fixture_cert(pad[i % (sizeof pad / sizeof pad[0])]);
        cas[k] = own[k];
        k++;
    }
    qssl_cert_t *sep[2][NCA];
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < NCA; i++) sep[s][i] = need_cas ? reparse(cas[i]) : qssl_cert_copy(cas[i]);

    g_cfg = qssl_config_default_configuration();
    check(qssl_config_set_ca_certificates(g_cfg, cas + NCA - 1, 1), "set_ca_certificates");
    g_eq_a = qssl_config_default_configuration();
    g_eq_b = qssl_config_default_configuration();
    check(qssl_config_set_ca_certificates(g_eq_a, cas, NCA), "set_ca_certificates");
    check(qssl_config_set_ca_certificates(g_eq_b, cas, NCA), "set_ca_certificates");
    g_sep_a = qssl_config_default_configuration();
    g_sep_b = qssl_config_default_configuration();
    check(qssl_config_set_ca_certificates(g_sep_a, (const qssl_cert_t *const *)sep[0], NCA), "set_ca");
    check(qssl_config_set_ca_certificates(g_sep_b, (const qssl_cert_t *const *)sep[1], NCA), "set_ca");
    if (!qssl_config_equal(g_eq_a, g_eq_b) || !qssl_config_equal(g_sep_a, g_sep_b) ||
        !qssl_config_equal(g_eq_a, g_sep_a)) {
        fprintf(stderr, "qssl-micro: configurations with the same CAs compare unequal\n");
        return 2;
    }
    g_auth = qssl_psk_auth_new();
    check(qssl_psk_auth_set_identity(g_auth, (const uint8_t *)"identity", 8), "psk identity");
    check(qssl_psk_auth_set_pre_shared_key(g_auth, KEY, sizeof KEY), "psk key");
    g_auth_own = qssl_psk_auth_new();

    const struct measure ms[] = {
        {"config copy + free", op_config_copy_free, "<= 20 ns", 20, "copy"},
        {"config copy + set_peer_verify_depth (detach) + free", op_config_copy_set_free, "<= 100 ns", 100, "copy-set"},
        {"config_equal, 145 CAs, same certificate objects", op_equal_shared, "<= 1000 ns", 1000, "equal-shared"},
        {"config_equal, 145 CAs, parsed separately", op_equal_separate, "(content compare)", 0, "equal-separate"},
        {"config_default_configuration + free", op_default_free, "", 0, "default"},
        {"config_new + free", op_new_free, "", 0, "new"},
        {"system_ca_certificates + list free (repeated)", op_system_ca, "<= 1000 ns", 1000, "system-ca"},
        {"psk_auth copy + free", op_psk_copy_free, "", 0, "psk-copy"},
        {"psk_auth_set_pre_shared_key (32 bytes)", op_psk_set_key, "", 0, "psk-set-key"},
    };
    const size_t nms = sizeof ms / sizeof ms[0];
    if (once) {
        for (size_t i = 0; i < nms; i++) {
            if (strcmp(once, ms[i].id) == 0) {
                ms[i].fn(16); /* warm-up */
                measured_op(ms[i].fn, once_n);
                printf("%s: %ld operations\n", ms[i].id, once_n);
                return 0;
            }
        }
        fprintf(stderr, "qssl-micro: unknown operation '%s'; one of:", once);
        for (size_t i = 0; i < nms; i++) fprintf(stderr, " %s", ms[i].id);
        fprintf(stderr, "\n");
        return 2;
    }
    printf("\n%-56s %12s %12s   %s\n", "operation", "median ns", "min ns", "target");
    for (size_t i = 0; i < nms; i++) {
        double med = 0, min = 0;
        measure(&ms[i], &med, &min);
        const char *verdict = ms[i].target_ns == 0 ? "" : med <= ms[i].target_ns ? "  met" : "  NOT met";
        printf("%-56s %12.1f %12.1f   %s%s\n", ms[i].name, med, min, ms[i].target, verdict);
        fflush(stdout);
    }
    printf("%-56s %12.3f ms %9s   (%zu certificates; once per process)\n", "system_ca_certificates, first call",
           first_ms, "", nsys);
    printf("%-56s %12.0f B %11s   <= 512 B plus owned strings\n", "heap per detached configuration", detached_config_bytes(),
           "");

    for (int s = 0; s < 2; s++)
        for (int i = 0; i < NCA; i++) qssl_cert_free(sep[s][i]);
    for (int i = 0; i < NCA; i++) qssl_cert_free(own[i]);
    qssl_cert_list_free(sys);
    qssl_config_free(g_cfg);
    qssl_config_free(g_eq_a);
    qssl_config_free(g_eq_b);
    qssl_config_free(g_sep_a);
    qssl_config_free(g_sep_b);
    qssl_psk_auth_free(g_auth);
    qssl_psk_auth_free(g_auth_own);
    return 0;
}
