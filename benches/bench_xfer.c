/*
 * qssl-xfer: the data path, raw OpenSSL and qssl side by side in one process.
 *
 * After one TLS 1.3 handshake (ECDSA P-256 server certificate, the client
 * verifying it, the same settings qssl applies to its contexts), the client
 * sends the server a stream in writes of 1, 16 or 64 KiB and the server
 * reads it all back (into a 64 KiB buffer), with each of the three TLS 1.3
 * AEAD suites: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
 * TLS_CHACHA20_POLY1305_SHA256. Transports, both ends in one thread:
 *
 *   memory   raw: a BIO pair per SSL, the bench moving bytes from one pair's
 *            network end to the other's with BIO_nread0/BIO_nwrite0 (one
 *            copy); qssl: qssl_conn_peek_output/input_space/commit_input/
 *            consume_output (the zero-copy transport, one copy).
 *   memcopy  raw: two memory BIOs per SSL, BIO_read into a buffer and
 *            BIO_write out of it; qssl: qssl_conn_take_output/qssl_conn_feed
 *            through the same kind of buffer (two copies each).
 *   fd       a blocking socketpair(AF_UNIX); raw: SSL_set_fd; qssl:
 *            qssl_conn_new_fd.
 *
 * Timing: per measure, rounds of `--seconds` per side, alternating raw and
 * qssl in slices of <= 25 ms (ABBA), median of the per-round ratios.
 *
 *   qssl-xfer [--rounds N] [--seconds S] [--markdown]
 *             [--suite aes128|aes256|chacha]... [--size 1|16|64]... [--transport memory|memcopy|fd]...
 *   qssl-xfer --once SUITE --side raw|qssl [--size K] [--transport T] [--mib M]
 *             (callgrind: a warm-up, then M MiB inside measured_transfer(), for
 *             each write size in its own measured_size_*() unless --size)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "qssl.h"

#define HOST "localhost"

static void die(const char *what, const char *detail) {
    fprintf(stderr, "\nqssl-xfer: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    ERR_print_errors_fp(stderr);
    exit(2);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned char *read_fixture(const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", QSSL_FIXTURES_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open fixture", path);
    static unsigned char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unsigned char *p = malloc(n + 1);
    memcpy(p, buf, n);
    p[n] = 0;
    *len = n;
    return p;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    double t[64];
    memcpy(t, v, sizeof(double) * (size_t)n);
    qsort(t, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static double vmin(const double *v, int n) {
    double m = v[0];
    for (int i = 1; i < n; i++) m = v[i] < m ? v[i] : m;
    return m;
}

static double vmax(const double *v, int n) {
    double m = v[0];
    for (int i = 1; i < n; i++) m = v[i] > m ? v[i] : m;
    return m;
}

static void qcheck(qssl_status_t st, const char *what) {
    if (st != QSSL_STATUS_OK) die(what, qssl_last_error_message());
}

/* ---- cases --------------------------------------------------------------- */

static const struct suite {
    const char *key, *name;
} suites[] = {
    {"aes128", "TLS_AES_128_GCM_SHA256"},
    {"aes256", "TLS_AES_256_GCM_SHA384"},
    {"chacha", "TLS_CHACHA20_POLY1305_SHA256"},
};
#define NSUITES 3
static const int sizes_k[] = {1, 16, 64};
#define NSIZES 3
enum transport { T_MEMORY, T_MEMCOPY, T_FD, NTRANSPORTS };
static const char *transport_name[] = {"memory", "memcopy", "fd"};
enum side { RAW = 0, QSSL = 1 };

/* ---- one connected pair per side ------------------------------------------ */

/* A BIO pair buffer that holds a whole 64 KiB write (qssl's buffers grow). */
#define PAIR_BUF (256 * 1024)
static unsigned char wbuf[65536], rbuf[65536], mbuf[65536];

struct raw_pair {
    SSL *c, *s;
    BIO *c_net, *s_net;                 /* memory: the pairs' network ends */
    BIO *c_in, *c_out, *s_in, *s_out; /* memcopy: the memory BIOs */
    int fd[2];
};

struct q_pair {
    qssl_conn_t *c, *s;
    int fd[2];
};

static SSL_CTX *raw_ctx(const struct suite *su, int server) {
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!ctx) die("SSL_CTX_new failed", NULL);
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_ALL | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (!SSL_CTX_set_ciphersuites(ctx, su->name)) die("suite refused", su->name);
    size_t len;
    if (server) {
        SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"raw", 3);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        unsigned char *pem = read_fixture("server-ec.pem", &len);
        BIO *b = BIO_new_mem_buf(pem, (int)len);
        X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
        BIO_free(b);
        free(pem);
        pem = read_fixture("server-ec-key.pem", &len);
        b = BIO_new_mem_buf(pem, (int)len);
        EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
        BIO_free(b);
        free(pem);
        if (!x || !k || SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, k) != 1)
            die("server certificate refused", NULL);
        X509_free(x);
        EVP_PKEY_free(k);
    } else {
        unsigned char *pem = read_fixture("ca.pem", &len);
        BIO *b = BIO_new_mem_buf(pem, (int)len);
        X509 *ca = PEM_read_bio_X509(b, NULL, NULL, NULL);
        BIO_free(b);
        free(pem);
        X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca);
        X509_free(ca);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    return ctx;
}

static qssl_config_t *q_config(const struct suite *su, int server) {
    qssl_config_t *cfg = qssl_config_default_configuration();
    qcheck(qssl_config_set_protocol(cfg, QSSL_SSL_PROTOCOL_TLS_V1_3), "protocol");
    qcheck(qssl_config_set_ciphers_string(cfg, su->name), "ciphers");
    size_t len;
    if (server) {
        unsigned char *pem = read_fixture("server-ec.pem", &len);
        qssl_cert_t *c = NULL;
        qcheck(qssl_cert_from_pem(pem, len, &c), "certificate");
        free(pem);
        pem = read_fixture("server-ec-key.pem", &len);
        qssl_key_t *k = NULL;
        qcheck(qssl_key_from_pem(pem, len, QSSL_KEY_ALGORITHM_EC, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k), "key");
        free(pem);
        qcheck(qssl_config_set_local_certificate(cfg, c), "local certificate");
        qcheck(qssl_config_set_private_key(cfg, k), "private key");
        qssl_cert_free(c);
        qssl_key_free(k);
    } else {
        unsigned char *pem = read_fixture("ca.pem", &len);
        qssl_cert_t *ca = NULL;
        qcheck(qssl_cert_from_pem(pem, len, &ca), "CA certificate");
        free(pem);
        const qssl_cert_t *cas[] = {ca};
        qcheck(qssl_config_set_ca_certificates(cfg, cas, 1), "CA certificates");
        qssl_cert_free(ca);
    }
    return cfg;
}

/* Moves what one side wrote to the other; returns 1 if anything moved. */
static int raw_move(struct raw_pair *p, int to_server, enum transport t) {
    int moved = 0;
    if (t == T_MEMORY) {
        BIO *from = to_server ? p->c_net : p->s_net, *to = to_server ? p->s_net : p->c_net;
        for (;;) {
            char *src, *dst;
            int n = BIO_nread0(from, &src);
            if (n <= 0) break;
            int m = BIO_nwrite0(to, &dst);
            if (m <= 0) break;
            int k = n < m ? n : m;
            memcpy(dst, src, (size_t)k);
            BIO_nwrite(to, &dst, k);
            BIO_nread(from, &src, k);
            moved = 1;
        }
    } else if (t == T_MEMCOPY) {
        BIO *from = to_server ? p->c_out : p->s_out, *to = to_server ? p->s_in : p->c_in;
        int n;
        while ((n = BIO_read(from, mbuf, sizeof mbuf)) > 0) {
            BIO_write(to, mbuf, n);
            moved = 1;
        }
    }
    return moved;
}

static int q_move(struct q_pair *p, int to_server, enum transport t) {
    qssl_conn_t *from = to_server ? p->c : p->s, *to = to_server ? p->s : p->c;
    int moved = 0;
    if (t == T_MEMORY) {
        for (;;) {
            const uint8_t *src;
            size_t n;
            if (qssl_conn_peek_output(from, &src, &n) != QSSL_STATUS_OK || n == 0) break;
            uint8_t *dst;
            size_t cap;
            qcheck(qssl_conn_input_space(to, n, &dst, &cap), "input space");
            memcpy(dst, src, n);
            qcheck(qssl_conn_commit_input(to, n), "commit input");
            qcheck(qssl_conn_consume_output(from, n), "consume output");
            moved = 1;
        }
    } else if (t == T_MEMCOPY) {
        size_t n;
        while (qssl_conn_take_output(from, mbuf, sizeof mbuf, &n) == QSSL_STATUS_OK && n > 0) {
            qcheck(qssl_conn_feed(to, mbuf, n), "feed");
            moved = 1;
        }
    }
    return moved;
}

static SSL_CTX *rctx[NSUITES][2];
static qssl_config_t *qcfg[NSUITES][2];

static void raw_open(struct raw_pair *p, int su, enum transport t) {
    memset(p, 0, sizeof *p);
    p->fd[0] = p->fd[1] = -1;
    if (!rctx[su][0]) {
        rctx[su][0] = raw_ctx(&suites[su], 0);
        rctx[su][1] = raw_ctx(&suites[su], 1);
    }
    p->c = SSL_new(rctx[su][0]);
    p->s = SSL_new(rctx[su][1]);
    if (t == T_MEMORY) {
        BIO *ci, *si;
        if (!BIO_new_bio_pair(&ci, PAIR_BUF, &p->c_net, PAIR_BUF) || !BIO_new_bio_pair(&si, PAIR_BUF, &p->s_net, PAIR_BUF))
            die("BIO_new_bio_pair failed", NULL);
        SSL_set_bio(p->c, ci, ci);
        SSL_set_bio(p->s, si, si);
    } else if (t == T_MEMCOPY) {
        p->c_in = BIO_new(BIO_s_mem());
        p->c_out = BIO_new(BIO_s_mem());
        p->s_in = BIO_new(BIO_s_mem());
        p->s_out = BIO_new(BIO_s_mem());
        SSL_set_bio(p->c, p->c_in, p->c_out);
        SSL_set_bio(p->s, p->s_in, p->s_out);
    } else {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, p->fd)) die("socketpair failed", strerror(errno));
        SSL_set_fd(p->c, p->fd[0]);
        SSL_set_fd(p->s, p->fd[1]);
    }
    SSL_set_connect_state(p->c);
    SSL_set_accept_state(p->s);
    SSL_set_tlsext_host_name(p->c, HOST);
    SSL_set1_host(p->c, HOST);
    if (t == T_FD) return; /* raw_fd_handshake() */
    int cd = 0, sd = 0;
    for (int i = 0; i < 100 && !(cd && sd); i++) {
        int r;
        if (!cd) {
            r = SSL_do_handshake(p->c);
            if (r == 1) cd = 1;
            else if (SSL_get_error(p->c, r) != SSL_ERROR_WANT_READ) die("raw client handshake failed", NULL);
        }
        raw_move(p, 1, t);
        if (!sd) {
            r = SSL_do_handshake(p->s);
            if (r == 1) sd = 1;
            else if (SSL_get_error(p->s, r) != SSL_ERROR_WANT_READ) die("raw server handshake failed", NULL);
        }
        raw_move(p, 0, t);
    }
    if (!(cd && sd)) die("raw handshake did not finish", NULL);
}

static void raw_close(struct raw_pair *p) {
    SSL_free(p->c);
    SSL_free(p->s);
    if (p->c_net) BIO_free(p->c_net);
    if (p->s_net) BIO_free(p->s_net);
    if (p->fd[0] >= 0) close(p->fd[0]);
    if (p->fd[1] >= 0) close(p->fd[1]);
}

static void q_open(struct q_pair *p, int su, enum transport t) {
    memset(p, 0, sizeof *p);
    p->fd[0] = p->fd[1] = -1;
    if (!qcfg[su][0]) {
        qcfg[su][0] = q_config(&suites[su], 0);
        qcfg[su][1] = q_config(&suites[su], 1);
    }
    if (t == T_FD) {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, p->fd)) die("socketpair failed", strerror(errno));
        qcheck(qssl_conn_new_fd(qcfg[su][0], QSSL_SSL_MODE_SSL_CLIENT_MODE, p->fd[0], &p->c), "client");
        qcheck(qssl_conn_new_fd(qcfg[su][1], QSSL_SSL_MODE_SSL_SERVER_MODE, p->fd[1], &p->s), "server");
    } else {
        qcheck(qssl_conn_new_memory(qcfg[su][0], QSSL_SSL_MODE_SSL_CLIENT_MODE, &p->c), "client");
        qcheck(qssl_conn_new_memory(qcfg[su][1], QSSL_SSL_MODE_SSL_SERVER_MODE, &p->s), "server");
    }
    qcheck(qssl_conn_set_peer_verify_name(p->c, HOST), "peer verify name");
    if (t == T_FD) return; /* q_fd_handshake() */
    int cd = 0, sd = 0;
    for (int i = 0; i < 100 && !(cd && sd); i++) {
        qssl_status_t st;
        if (!cd) {
            st = qssl_conn_handshake(p->c);
            if (st == QSSL_STATUS_OK) cd = 1;
            else if (st < 0) die("qssl client handshake failed", qssl_last_error_message());
        }
        q_move(p, 1, t);
        if (!sd) {
            st = qssl_conn_handshake(p->s);
            if (st == QSSL_STATUS_OK) sd = 1;
            else if (st < 0) die("qssl server handshake failed", qssl_last_error_message());
        }
        q_move(p, 0, t);
    }
    if (!(cd && sd)) die("qssl handshake did not finish", NULL);
}

static void q_close(struct q_pair *p) {
    qssl_conn_free(p->c);
    qssl_conn_free(p->s);
    if (p->fd[0] >= 0) close(p->fd[0]);
    if (p->fd[1] >= 0) close(p->fd[1]);
}

/* The fd transport's handshake in one thread: the sockets are non-blocking
 * for the handshake (each side steps until both are done) and blocking for
 * the transfer. */
static void set_nonblocking(int fd, int on) {
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static void raw_fd_handshake(struct raw_pair *p) {
    set_nonblocking(p->fd[0], 1);
    set_nonblocking(p->fd[1], 1);
    int cd = 0, sd = 0;
    for (int i = 0; i < 1000 && !(cd && sd); i++) {
        int r;
        if (!cd) {
            r = SSL_do_handshake(p->c);
            if (r == 1) cd = 1;
            else if (SSL_get_error(p->c, r) != SSL_ERROR_WANT_READ) die("raw client handshake failed", NULL);
        }
        if (!sd) {
            r = SSL_do_handshake(p->s);
            if (r == 1) sd = 1;
            else if (SSL_get_error(p->s, r) != SSL_ERROR_WANT_READ) die("raw server handshake failed", NULL);
        }
    }
    if (!(cd && sd)) die("raw fd handshake did not finish", NULL);
    set_nonblocking(p->fd[0], 0);
    set_nonblocking(p->fd[1], 0);
}

static void q_fd_handshake(struct q_pair *p) {
    set_nonblocking(p->fd[0], 1);
    set_nonblocking(p->fd[1], 1);
    int cd = 0, sd = 0;
    for (int i = 0; i < 1000 && !(cd && sd); i++) {
        qssl_status_t st;
        if (!cd) {
            st = qssl_conn_handshake(p->c);
            if (st == QSSL_STATUS_OK) cd = 1;
            else if (st < 0) die("qssl client handshake failed", qssl_last_error_message());
        }
        if (!sd) {
            st = qssl_conn_handshake(p->s);
            if (st == QSSL_STATUS_OK) sd = 1;
            else if (st < 0) die("qssl server handshake failed", qssl_last_error_message());
        }
    }
    if (!(cd && sd)) die("qssl fd handshake did not finish", NULL);
    set_nonblocking(p->fd[0], 0);
    set_nonblocking(p->fd[1], 0);
}

/* ---- the transfer ---------------------------------------------------------- */

/* One write of `size` bytes client -> server, read back completely. With
 * blocking sockets a 64 KiB write (plus record overhead) fits the socket
 * buffer, so one thread can write, then read. */
static void raw_chunk(struct raw_pair *p, size_t size, enum transport t) {
    int w = SSL_write(p->c, wbuf, (int)size);
    if (w != (int)size) die("raw write failed", NULL);
    size_t got = 0;
    while (got < size) {
        raw_move(p, 1, t);
        int r = SSL_read(p->s, rbuf, sizeof rbuf);
        if (r > 0) {
            got += (size_t)r;
            continue;
        }
        int e = SSL_get_error(p->s, r);
        if (e != SSL_ERROR_WANT_READ || t == T_FD) die("raw read failed", NULL);
    }
}

static void q_chunk(struct q_pair *p, size_t size, enum transport t) {
    size_t n = 0;
    qcheck(qssl_conn_write(p->c, wbuf, size, &n), "qssl write");
    if (n != size) die("qssl short write", NULL);
    size_t got = 0;
    while (got < size) {
        q_move(p, 1, t);
        qssl_status_t st = qssl_conn_read(p->s, rbuf, sizeof rbuf, &n);
        if (st == QSSL_STATUS_OK) {
            got += n;
            continue;
        }
        if (st != QSSL_STATUS_WANT_READ || t == T_FD) die("qssl read failed", qssl_last_error_message());
    }
}

struct pairs {
    struct raw_pair raw;
    struct q_pair q;
};

static void open_pairs(struct pairs *ps, int su, enum transport t, int which) {
    if (which & 1) {
        raw_open(&ps->raw, su, t);
        if (t == T_FD) raw_fd_handshake(&ps->raw);
    }
    if (which & 2) {
        q_open(&ps->q, su, t);
        if (t == T_FD) q_fd_handshake(&ps->q);
    }
}

static void chunk(struct pairs *ps, enum side side, size_t size, enum transport t) {
    if (side == RAW) raw_chunk(&ps->raw, size, t);
    else q_chunk(&ps->q, size, t);
}

/* Exactly `bytes` in writes of `size`: the region callgrind counts. */
__attribute__((noinline)) void measured_transfer(struct pairs *ps, enum side side, size_t size, enum transport t,
                                                 size_t bytes) {
    for (size_t done = 0; done < bytes; done += size) chunk(ps, side, size, t);
}

/* --once without --size: one measured region per write size, so that
 * callgrind can dump each (--dump-after=measured_size_*). */
__attribute__((noinline)) void measured_size_1k(struct pairs *ps, enum side side, enum transport t, size_t bytes) {
    measured_transfer(ps, side, 1024, t, bytes);
}
__attribute__((noinline)) void measured_size_16k(struct pairs *ps, enum side side, enum transport t, size_t bytes) {
    measured_transfer(ps, side, 16384, t, bytes);
}
__attribute__((noinline)) void measured_size_64k(struct pairs *ps, enum side side, enum transport t, size_t bytes) {
    measured_transfer(ps, side, 65536, t, bytes);
}

/* One round: each side moves data for `secs` in total, in ABBA slices of
 * <= 25 ms; writes MiB/s per side. */
static void run_round(struct pairs *ps, size_t size, enum transport t, double secs, int round, double rate[2]) {
    double spent[2] = {0, 0};
    double bytes[2] = {0, 0};
    int slices = (int)(secs / 0.025 + 0.5);
    if (slices < 1) slices = 1;
    double slice = secs / slices;
    for (int i = 0; i < 2 * slices; i++) {
        enum side side = (enum side)(((i + 1) / 2 + round) % 2);
        double t0 = now_s(), t1;
        do {
            chunk(ps, side, size, t);
            bytes[side] += (double)size;
            t1 = now_s();
        } while (t1 - t0 < slice);
        spent[side] += t1 - t0;
    }
    rate[RAW] = bytes[RAW] / spent[RAW] / 1048576.0;
    rate[QSSL] = bytes[QSSL] / spent[QSSL] / 1048576.0;
}

static int find_suite(const char *s) {
    for (int i = 0; i < NSUITES; i++)
        if (!strcmp(s, suites[i].key) || !strcmp(s, suites[i].name)) return i;
    die("unknown suite (aes128, aes256, chacha)", s);
    return 0;
}

static int find_transport(const char *s) {
    for (int i = 0; i < NTRANSPORTS; i++)
        if (!strcmp(s, transport_name[i])) return i;
    die("unknown transport (memory, memcopy, fd)", s);
    return 0;
}

/* The entry point of qssl-xfer (benches/xfer_main.c) and of `qssl-bench --xfer`. */
int qssl_xfer_main(int argc, char **argv);
int qssl_xfer_main(int argc, char **argv) {
    int rounds = 5, markdown = 0, want_suite[NSUITES] = {0}, want_size[NSIZES] = {0}, want_t[NTRANSPORTS] = {0};
    int any_suite = 0, any_size = 0, any_t = 0, size_k = 16, mib = 4;
    double secs = 0.2;
    const char *once = NULL, *side_s = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--rounds") && next) {
            rounds = atoi(next);
            if (rounds < 1 || rounds > 64) die("--rounds: 1..64", NULL);
            i++;
        } else if (!strcmp(a, "--seconds") && next) {
            secs = atof(next);
            i++;
        } else if (!strcmp(a, "--markdown")) {
            markdown = 1;
        } else if (!strcmp(a, "--suite") && next) {
            want_suite[find_suite(next)] = any_suite = 1;
            i++;
        } else if (!strcmp(a, "--size") && next) {
            size_k = atoi(next);
            int found = 0;
            for (int j = 0; j < NSIZES; j++)
                if (sizes_k[j] == size_k) want_size[j] = any_size = found = 1;
            if (!found) die("--size: 1, 16 or 64", next);
            i++;
        } else if (!strcmp(a, "--transport") && next) {
            want_t[find_transport(next)] = any_t = 1;
            i++;
        } else if (!strcmp(a, "--once") && next) {
            once = next;
            i++;
        } else if (!strcmp(a, "--side") && next) {
            side_s = next;
            i++;
        } else if (!strcmp(a, "--mib") && next) {
            mib = atoi(next);
            if (mib < 1 || mib > 1024) die("--mib: 1..1024", NULL);
            i++;
        } else {
            fprintf(stderr, "usage: see the comment at the top of benches/bench_xfer.c\n");
            die("unknown argument", a);
        }
    }
    for (size_t i = 0; i < sizeof wbuf; i++) wbuf[i] = (unsigned char)(i * 131 + 7);

    if (once) {
        int su = find_suite(once);
        if (!side_s || (strcmp(side_s, "raw") && strcmp(side_s, "qssl"))) die("--once needs --side raw|qssl", NULL);
        enum side side = strcmp(side_s, "raw") ? QSSL : RAW;
        enum transport t = T_MEMORY;
        for (int j = 0; j < NTRANSPORTS; j++)
            if (want_t[j]) t = (enum transport)j;
        struct pairs ps;
        open_pairs(&ps, su, t, side == RAW ? 1 : 2);
        size_t size = (size_t)size_k * 1024;
        for (size_t done = 0; done < (1u << 20); done += 1024) chunk(&ps, side, 1024, t); /* warm-up: 1 MiB */
        for (size_t done = 0; done < (1u << 20); done += 65536) chunk(&ps, side, 65536, t);
        if (any_size) {
            measured_transfer(&ps, side, size, t, (size_t)mib << 20);
        } else {
            measured_size_1k(&ps, side, t, (size_t)mib << 20);
            measured_size_16k(&ps, side, t, (size_t)mib << 20);
            measured_size_64k(&ps, side, t, (size_t)mib << 20);
        }
        if (side == RAW) raw_close(&ps.raw);
        else q_close(&ps.q);
        printf("%s %s %s: %d MiB per write size\n", side_s, suites[su].name, transport_name[t], mib);
        return 0;
    }

    if (markdown) {
        printf("| suite | write size | transport | raw MiB/s median (min–max) | qssl MiB/s median (min–max) | "
               "qssl/raw (per-round range) | target |\n");
        printf("|---|---|---|---|---|---|---|\n");
    } else {
        printf("one-way transfer after a TLS 1.3 handshake, %d rounds of %.2f s per side, raw and qssl interleaved "
               "in slices of <= 25 ms\n%-30s %5s %-8s %24s %24s %8s %13s\n",
               rounds, secs, "suite", "write", "transp.", "raw MiB/s med (min-max)", "qssl MiB/s med (min-max)",
               "qssl/raw", "(min-max)");
    }
    fflush(stdout);
    for (int su = 0; su < NSUITES; su++) {
        if (any_suite && !want_suite[su]) continue;
        for (int sz = 0; sz < NSIZES; sz++) {
            if (any_size && !want_size[sz]) continue;
            for (int t = 0; t < NTRANSPORTS; t++) {
                if (any_t && !want_t[t]) continue;
                size_t size = (size_t)sizes_k[sz] * 1024;
                struct pairs ps;
                open_pairs(&ps, su, (enum transport)t, 3);
                double r[2][64], ratio[64];
                for (int w = 0; w < 16; w++) { /* warm-up */
                    chunk(&ps, RAW, size, (enum transport)t);
                    chunk(&ps, QSSL, size, (enum transport)t);
                }
                for (int rd = 0; rd < rounds; rd++) {
                    double rate[2];
                    run_round(&ps, size, (enum transport)t, secs, rd, rate);
                    r[RAW][rd] = rate[RAW];
                    r[QSSL][rd] = rate[QSSL];
                    ratio[rd] = rate[QSSL] / rate[RAW];
                    fprintf(stderr, "[%s %d KiB %s] round %d/%d: raw %.0f qssl %.0f MiB/s (%.3f)\n", suites[su].key,
                            sizes_k[sz], transport_name[t], rd + 1, rounds, rate[RAW], rate[QSSL], ratio[rd]);
                }
                raw_close(&ps.raw);
                q_close(&ps.q);
                const char *target = t == T_FD ? (sizes_k[sz] == 1 ? "≥ 0.97" : "≥ 0.99")
                                     : t == T_MEMORY ? (sizes_k[sz] == 1 ? "≥ 0.95" : sizes_k[sz] == 16 ? "≥ 0.97" : "")
                                                     : "";
                if (markdown)
                    printf("| %s | %d KiB | %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | **%.3f** (%.3f–%.3f) | %s |\n",
                           suites[su].name, sizes_k[sz], transport_name[t], median(r[RAW], rounds),
                           vmin(r[RAW], rounds), vmax(r[RAW], rounds), median(r[QSSL], rounds), vmin(r[QSSL], rounds),
                           vmax(r[QSSL], rounds), median(ratio, rounds), vmin(ratio, rounds), vmax(ratio, rounds),
                           target);
                else
                    printf("%-30s %3d K %-8s %10.0f (%5.0f-%5.0f) %10.0f (%5.0f-%5.0f) %8.3f %6.3f-%.3f\n",
                           suites[su].name, sizes_k[sz], transport_name[t], median(r[RAW], rounds),
                           vmin(r[RAW], rounds), vmax(r[RAW], rounds), median(r[QSSL], rounds),
                           vmin(r[QSSL], rounds), vmax(r[QSSL], rounds), median(ratio, rounds),
                           vmin(ratio, rounds), vmax(ratio, rounds));
                fflush(stdout);
            }
        }
    }
    return 0;
}
