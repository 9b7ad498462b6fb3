/*
 * qssl-load: a TLS server under load, qssl against raw OpenSSL.
 *
 * A server process (forked) accepts N concurrent clients on 127.0.0.1
 * with one epoll loop on non-blocking sockets: qssl through the
 * non-blocking fd transport (qssl_conn_new_fd, one configuration for every
 * connection), or raw OpenSSL (one SSL_CTX, SSL_set_fd) with the same
 * settings (TLS 1.2 minimum, SSL_OP_ALL with NO_COMPRESSION and
 * CIPHER_SERVER_PREFERENCE, SSL_MODE_RELEASE_BUFFERS, a session-id context,
 * a certificate request as Qt's AutoVerifyPeer server sends, tickets).
 * The load generator (this process, raw OpenSSL clients on one epoll loop,
 * at most 256 handshakes in flight, no verification) opens N connections
 * and keeps them all open; every one then echoes one byte through the
 * server, which proves it live; the server's memory is read from /proc
 * with all N connected, and the connections are reset (SO_LINGER 0, so no
 * TIME_WAIT uses up ports between runs).
 *
 * Reported per server and N: handshakes per second (wall clock, client and
 * server sharing the machine), the server's CPU time per handshake (from
 * /proc/PID/schedstat, which does not depend on the load generator), the
 * server's resident memory per live connection (RSS with N connected minus
 * RSS after a warm-up connection, divided by N) and in total.
 *
 * Usage: qssl-load [--conns N]... [--server qssl|raw]... [--tls12] [--markdown]
 *   default: --conns 1000 --conns 10000, both servers, TLS 1.3 ECDSA P-256.
 * It raises its file descriptor limit (RLIMIT_NOFILE) to the hard limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <qssl.h>

#ifndef QSSL_FIXTURES_DIR
#define QSSL_FIXTURES_DIR "tests/fixtures"
#endif

#define CERT QSSL_FIXTURES_DIR "/server-ec.pem"
#define KEY QSSL_FIXTURES_DIR "/server-ec-key.pem"
#define INFLIGHT 256

static int tls12;

static void die(const char *what) {
    fprintf(stderr, "qssl-load: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

/* ---- server (child process) ------------------------------------------------ */

struct sconn {
    int fd;
    int up;
    qssl_conn_t *q;
    SSL *ssl;
};

static volatile sig_atomic_t stop_server;
static void on_term(int sig) {
    (void)sig;
    stop_server = 1;
}

static int accept_all(int verify_ok, X509_STORE_CTX *ctx) {
    (void)verify_ok;
    (void)ctx;
    return 1;
}

static SSL_CTX *raw_server_ctx(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, CERT) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, KEY, SSL_FILETYPE_PEM) != 1) {
        die("raw server context");
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (tls12) SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_ALL | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"qssl", 4);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_all);
    return ctx;
}

static qssl_config_t *qssl_server_config(void) {
    FILE *f;
    static unsigned char buf[2][8192];
    size_t len[2] = {0, 0};
    const char *paths[2] = {CERT, KEY};
    for (int i = 0; i < 2; i++) {
        if (!(f = fopen(paths[i], "rb"))) die(paths[i]);
        len[i] = fread(buf[i], 1, sizeof buf[i], f);
        fclose(f);
    }
    qssl_cert_t *cert = NULL;
    qssl_key_t *key = NULL;
    if (qssl_cert_from_pem(buf[0], len[0], &cert) != QSSL_STATUS_OK ||
        qssl_key_from_pem(buf[1], len[1], QSSL_KEY_ALGORITHM_EC, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &key) !=
            QSSL_STATUS_OK) {
        fprintf(stderr, "qssl-load: %s\n", qssl_last_error_message());
        exit(1);
    }
    qssl_config_t *cfg = qssl_config_default_configuration();
    qssl_config_set_local_certificate(cfg, cert);
    qssl_config_set_private_key(cfg, key);
    if (tls12) qssl_config_set_protocol(cfg, QSSL_SSL_PROTOCOL_TLS_V1_2);
    qssl_cert_free(cert);
    qssl_key_free(key);
    return cfg;
}

static void sclose(int ep, struct sconn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    if (c->q) qssl_conn_free(c->q);
    if (c->ssl) SSL_free(c->ssl);
    close(c->fd);
    free(c);
}

/* Drives one server connection; 0 to keep it, -1 when it is gone. */
static int sstep(int ep, struct sconn *c) {
    uint8_t buf[256];
    int want_write = 0;
    if (!c->up) {
        if (c->q) {
            qssl_status_t st = qssl_conn_handshake(c->q);
            if (st == QSSL_STATUS_OK) {
                c->up = 1;
            } else if (st == QSSL_STATUS_WANT_READ || st == QSSL_STATUS_WANT_WRITE) {
                want_write = st == QSSL_STATUS_WANT_WRITE;
            } else {
                return -1;
            }
        } else {
            int r = SSL_do_handshake(c->ssl);
            if (r == 1) {
                c->up = 1;
            } else {
                int e = SSL_get_error(c->ssl, r);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                    ERR_clear_error();
                    return -1;
                }
                want_write = e == SSL_ERROR_WANT_WRITE;
            }
        }
    }
    while (c->up) { /* echo what arrives */
        size_t n = 0;
        if (c->q) {
            qssl_status_t st = qssl_conn_read(c->q, buf, sizeof buf, &n);
            if (st == QSSL_STATUS_WANT_READ || st == QSSL_STATUS_WANT_WRITE) break;
            if (st != QSSL_STATUS_OK) return -1;
            size_t w = 0;
            if (qssl_conn_write(c->q, buf, n, &w) != QSSL_STATUS_OK) return -1;
        } else {
            int r = SSL_read(c->ssl, buf, sizeof buf);
            if (r <= 0) {
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
                ERR_clear_error();
                return -1;
            }
            if (SSL_write(c->ssl, buf, r) != r) return -1;
        }
    }
    struct epoll_event ev = {.events = want_write ? EPOLLOUT : EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    return 0;
}

static void run_server(int use_qssl, int ls, int ready_fd) {
    signal(SIGTERM, on_term);
    SSL_CTX *ctx = use_qssl ? NULL : raw_server_ctx();
    qssl_config_t *cfg = use_qssl ? qssl_server_config() : NULL;
    int ep = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &lev);
    if (write(ready_fd, "r", 1) != 1) die("ready");
    close(ready_fd);
    struct epoll_event evs[256];
    while (!stop_server) {
        int n = epoll_wait(ep, evs, 256, 200);
        for (int i = 0; i < n; i++) {
            struct sconn *c = evs[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept(ls, NULL, NULL)) >= 0) {
                    nonblock(fd);
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    c = calloc(1, sizeof *c);
                    c->fd = fd;
                    if (use_qssl) {
                        if (qssl_conn_new_fd(cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, fd, &c->q) != QSSL_STATUS_OK) {
                            fprintf(stderr, "qssl-load: %s\n", qssl_last_error_message());
                            exit(1);
                        }
                    } else {
                        c->ssl = SSL_new(ctx);
                        SSL_set_fd(c->ssl, fd);
                        SSL_set_accept_state(c->ssl);
                    }
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (sstep(ep, c) != 0) sclose(ep, c);
        }
    }
    _exit(0);
}

/* ---- load generator -------------------------------------------------------- */

struct cconn {
    int fd;
    SSL *ssl;
    int state; /* 0 handshaking, 1 connected, 2 echo sent, 3 echo back */
};

static long rss_bytes(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    FILE *f = fopen(path, "r");
    long size = 0, rss = 0;
    if (!f || fscanf(f, "%ld %ld", &size, &rss) != 2) die("statm");
    fclose(f);
    return rss * sysconf(_SC_PAGESIZE);
}

static double cpu_seconds(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long long ns = 0;
    if (!f || fscanf(f, "%llu", &ns) != 1) die("schedstat");
    fclose(f);
    return (double)ns / 1e9;
}

static int connect_nb(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(0x7f000001)};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) die("connect");
    return fd;
}

static void reset_close(int fd) {
    struct linger l = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

/* Drives a client handshake; 1 done, 0 pending, -1 failed. */
static int cstep(int ep, struct cconn *c) {
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) return 1;
    int e = SSL_get_error(c->ssl, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        ERR_print_errors_fp(stderr);
        return -1;
    }
    struct epoll_event ev = {.events = e == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    return 0;
}

struct result {
    double hs_per_s, cpu_us_per_hs;
    long rss_per_conn, rss_total, rss_base;
};

static struct result run_load(int use_qssl, int n, SSL_CTX *cctx) {
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t al = sizeof a;
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 4096) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &al) != 0) {
        die("listen");
    }
    nonblock(ls);
    uint16_t port = ntohs(a.sin_port);
    int ready[2];
    if (pipe(ready) != 0) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        /* A fresh process image: the server's memory starts clean (a plain
           fork would inherit, and reuse, this process's heap). */
        close(ready[0]);
        char lsfd[16], rfd[16];
        snprintf(lsfd, sizeof lsfd, "%d", ls);
        snprintf(rfd, sizeof rfd, "%d", ready[1]);
        execl("/proc/self/exe", "qssl-load", "--serve", use_qssl ? "qssl" : "raw", lsfd, rfd,
              tls12 ? "tls12" : "tls13", (char *)NULL);
        die("exec");
    }
    close(ready[1]);
    close(ls);
    char r;
    if (read(ready[0], &r, 1) != 1) die("server start");
    close(ready[0]);

    int ep = epoll_create1(0);
    struct cconn *conns = calloc((size_t)n + 1, sizeof *conns);
    /* Warm-up: one connection through (the server builds its context). */
    for (int phase = 0; phase < 2; phase++) {
        int total = phase == 0 ? 1 : n;
        struct cconn *base = phase == 0 ? &conns[n] : conns;
        struct result res = {0};
        double t0 = 0, cpu0 = 0;
        if (phase == 1) {
            res.rss_base = rss_bytes(pid);
            cpu0 = cpu_seconds(pid);
            t0 = now_s();
        }
        int opened = 0, done = 0, inflight = 0;
        struct epoll_event evs[256];
        while (done < total) {
            while (opened < total && inflight < INFLIGHT) {
                struct cconn *c = &base[opened++];
                c->fd = connect_nb(port);
                c->ssl = SSL_new(cctx);
                SSL_set_fd(c->ssl, c->fd);
                SSL_set_tlsext_host_name(c->ssl, "localhost");
                SSL_set_connect_state(c->ssl);
                struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
                inflight++;
            }
            int k = epoll_wait(ep, evs, 256, 5000);
            if (k == 0) {
                fprintf(stderr, "qssl-load: stalled at %d of %d handshakes\n", done, total);
                exit(1);
            }
            for (int i = 0; i < k; i++) {
                struct cconn *c = evs[i].data.ptr;
                int s = cstep(ep, c);
                if (s < 0) {
                    fprintf(stderr, "qssl-load: a client handshake failed\n");
                    exit(1);
                }
                if (s == 1) {
                    c->state = 1;
                    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                    done++;
                    inflight--;
                }
            }
        }
        double t1 = now_s(), cpu1 = cpu_seconds(pid);
        /* Every connection echoes one byte through the server: all live. */
        for (int i = 0; i < total; i++) {
            if (SSL_write(base[i].ssl, "x", 1) != 1) die("echo write");
            base[i].state = 2;
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &base[i]};
            epoll_ctl(ep, EPOLL_CTL_ADD, base[i].fd, &ev);
        }
        int echoed = 0;
        while (echoed < total) {
            int k = epoll_wait(ep, evs, 256, 5000);
            if (k == 0) {
                fprintf(stderr, "qssl-load: %d of %d echoes came back\n", echoed, total);
                exit(1);
            }
            for (int i = 0; i < k; i++) {
                struct cconn *c = evs[i].data.ptr;
                char b[16];
                int got = SSL_read(c->ssl, b, sizeof b);
                if (got == 1 && b[0] == 'x') {
                    c->state = 3;
                    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                    echoed++;
                } else if (got <= 0) {
                    int e = SSL_get_error(c->ssl, got);
                    if (e != SSL_ERROR_WANT_READ) die("echo read");
                }
            }
        }
        if (phase == 1) {
            res.rss_total = rss_bytes(pid);
            res.rss_per_conn = (res.rss_total - res.rss_base) / n;
            res.hs_per_s = n / (t1 - t0);
            res.cpu_us_per_hs = (cpu1 - cpu0) * 1e6 / n;
        }
        for (int i = 0; i < total; i++) {
            SSL_free(base[i].ssl);
            reset_close(base[i].fd);
        }
        if (phase == 1) {
            kill(pid, SIGTERM);
            waitpid(pid, NULL, 0);
            close(ep);
            free(conns);
            return res;
        }
    }
    return (struct result){0};
}

int main(int argc, char **argv) {
    if (argc == 6 && strcmp(argv[1], "--serve") == 0) { /* the server process */
        tls12 = strcmp(argv[5], "tls12") == 0;
        run_server(strcmp(argv[2], "qssl") == 0, atoi(argv[3]), atoi(argv[4]));
    }
    int conns[8], nconns = 0, servers = 0, markdown = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--conns") == 0 && i + 1 < argc && nconns < 8) {
            conns[nconns++] = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--server") == 0 && i + 1 < argc) {
            i++;
            servers |= strcmp(argv[i], "qssl") == 0 ? 1 : strcmp(argv[i], "raw") == 0 ? 2 : 0;
        } else if (strcmp(argv[i], "--tls12") == 0) {
            tls12 = 1;
        } else if (strcmp(argv[i], "--markdown") == 0) {
            markdown = 1;
        } else {
            fprintf(stderr,
                    "usage: qssl-load [--conns N]... [--server qssl|raw]... [--tls12] [--markdown]\n");
            return 2;
        }
    }
    if (!nconns) {
        conns[nconns++] = 1000;
        conns[nconns++] = 10000;
    }
    if (!servers) servers = 3;
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    for (int i = 0; i < nconns; i++) {
        if (conns[i] < 1 || (rlim_t)conns[i] + 64 > rl.rlim_cur) {
            fprintf(stderr, "qssl-load: %d connections need more than the %lu descriptors allowed\n", conns[i],
                    (unsigned long)rl.rlim_cur);
            return 2;
        }
    }
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_min_proto_version(cctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(cctx, SSL_MODE_RELEASE_BUFFERS);
    const char *proto = tls12 ? "TLS 1.2 ECDHE-ECDSA" : "TLS 1.3 ECDSA P-256";
    if (markdown) {
        printf("| server | live connections | handshakes/s | server CPU per handshake | server RSS per connection | "
               "server RSS total |\n|---|---:|---:|---:|---:|---:|\n");
    } else {
        printf("qssl-load: %s, one server process on one epoll loop, clients in this process\n", proto);
    }
    for (int i = 0; i < nconns; i++) {
        for (int s = 1; s <= 2; s++) {
            if (!(servers & s)) continue;
            struct result r = run_load(s == 1, conns[i], cctx);
            const char *name = s == 1 ? "qssl" : "raw OpenSSL";
            if (markdown) {
                printf("| %s | %d | %.0f | %.0f µs | %.1f KiB | %.1f MiB |\n", name, conns[i], r.hs_per_s,
                       r.cpu_us_per_hs, r.rss_per_conn / 1024.0, r.rss_total / 1048576.0);
            } else {
                printf("%-12s conns=%-6d hs/s=%-8.0f server_cpu_us/hs=%-6.0f rss/conn=%.1f KiB  rss=%.1f MiB "
                       "(base %.1f MiB)\n",
                       name, conns[i], r.hs_per_s, r.cpu_us_per_hs, r.rss_per_conn / 1024.0,
                       r.rss_total / 1048576.0, r.rss_base / 1048576.0);
            }
            fflush(stdout);
        }
    }
    SSL_CTX_free(cctx);
    return 0;
}
