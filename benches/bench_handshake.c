/*
 * qssl-bench: TLS handshakes per second, qssl against raw OpenSSL.
 *
 * Both run in this one process, with the same certificates and keys
 * (tests/fixtures) and the same transport, interleaved in slices of at most
 * 25 ms so that both see the same background load. The raw baseline is
 * written here against OpenSSL directly, with ONE shared SSL_CTX
 * per side, verification on the client (CA = ca.pem, host "localhost") and
 * the same settings qssl applies to its contexts (TLS 1.2 minimum, SSL_OP_ALL
 * with NO_COMPRESSION and CIPHER_SERVER_PREFERENCE, SSL_MODE_RELEASE_BUFFERS,
 * a session-id context on servers) and the same messages on the wire (a
 * server asks for a client certificate, as Qt's AutoVerifyPeer does; a TLS
 * 1.2 PSK server sends an empty hint; --raw-plain drops both). The bytes
 * each side's handshake moved are printed: they must match. qssl uses one
 * configuration per side, reused for every connection. Both ends of every
 * handshake are driven non-blocking in this one thread.
 *
 * Transports:
 *   memory  raw: two memory BIOs per SSL; qssl: qssl_conn_new_memory. In both
 *           cases the bench moves the bytes through its own buffer
 *           (BIO_read/BIO_write, qssl_conn_take_output/qssl_conn_feed).
 *   tcp     a fresh loopback TCP connection (127.0.0.1, TCP_NODELAY,
 *           SO_LINGER 0) per handshake; raw: SSL_set_fd; qssl: qssl_conn_new_fd.
 *           The connect/accept is inside the timed loop for both. Loopback
 *           delivery is asynchronous on some kernels (a VM here): the
 *           figures then include waiting in poll(), for both sides alike.
 *   unix    socketpair(AF_UNIX, SOCK_STREAM) per handshake (synchronous
 *           delivery, the same socket code paths as tcp otherwise).
 *
 * Cases:
 *   a tls13-ecdsa   TLS 1.3, x25519, ECDSA P-256 (server-ec.pem)
 *   b tls13-rsa     TLS 1.3, x25519, RSA-2048 (server.pem)
 *   c tls12-rsa     TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256
 *   d tls12-psk     TLS 1.2 PSK-AES128-GCM-SHA256 (PSK callbacks)
 *   e tls13-psk     TLS 1.3 external PSK, TLS_AES_128_GCM_SHA256 (raw:
 *                   psk_use_session / psk_find_session callbacks building a
 *                   session per handshake; qssl: its PSK callback)
 *   f tls13-resume  TLS 1.3 ticket resumption on case a's certificates (raw:
 *                   SSL_get1_session + SSL_set_session; qssl: the
 *                   configuration from qssl_conn_ssl_configuration carrying
 *                   the ticket, persistence enabled)
 *
 * Usage:
 *   qssl-bench [--quick] [--case a|NAME]... [--transport memory|tcp|unix|all]
 *              [--rounds N] [--seconds S] [--raw-plain] [--aa]
 *   qssl-bench --once CASE --side raw|qssl [--transport T] [-n N]
 *       a warm-up, then exactly N (default 10) handshake pairs inside
 *       measured_handshakes() (for callgrind --toggle-collect).
 *   qssl-bench --memory [N] [--case C]
 *       holds N (default 10000) connected client connections, raw and qssl
 *       each in a child process, and reports the growth per connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <qssl.h>

#ifndef QSSL_FIXTURES_DIR
#define QSSL_FIXTURES_DIR "tests/fixtures"
#endif

#define HOST "localhost"

/* ---- small helpers ------------------------------------------------------ */

static void die(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "\nqssl-bench: ");
    fprintf(stderr, fmt, a ? a : "", b ? b : "");
    fprintf(stderr, "\n");
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
    if (!f) die("cannot open %s%s", path, NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) die("cannot read %s%s", path, NULL);
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static void qcheck(qssl_status_t st, const char *what) {
    if (st != QSSL_STATUS_OK) die("qssl: %s failed: %s", what, qssl_last_error_message());
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n) {
    double t[64];
    if (n <= 0) return 0;
    if (n > 64) n = 64;
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

/* ---- the cases ---------------------------------------------------------- */

enum kind { K_TLS13_EC, K_TLS13_RSA, K_TLS12_RSA, K_TLS12_PSK, K_TLS13_PSK, K_RESUME };

struct bcase {
    char letter;
    const char *name;
    const char *title;
    enum kind kind;
    /* raw OpenSSL: one context per side, and the session to resume */
    SSL_CTX *rc, *rs;
    SSL_SESSION *rsess;
    /* qssl: one configuration per side (the client's carries the ticket in f) */
    qssl_config_t *qc, *qs;
    /* what the first handshake negotiated, per side */
    char raw_desc[192], qssl_desc[192];
};

static struct bcase cases[] = {
    {'a', "tls13-ecdsa", "TLS 1.3, x25519, ECDSA P-256", K_TLS13_EC, 0, 0, 0, 0, 0, "", ""},
    {'b', "tls13-rsa", "TLS 1.3, x25519, RSA-2048", K_TLS13_RSA, 0, 0, 0, 0, 0, "", ""},
    {'c', "tls12-rsa", "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256", K_TLS12_RSA, 0, 0, 0, 0, 0, "", ""},
    {'d', "tls12-psk", "TLS 1.2 PSK-AES128-GCM-SHA256", K_TLS12_PSK, 0, 0, 0, 0, 0, "", ""},
    {'e', "tls13-psk", "TLS 1.3 external PSK (AES128-GCM)", K_TLS13_PSK, 0, 0, 0, 0, 0, "", ""},
    {'f', "tls13-resume", "TLS 1.3 ticket resumption (ECDSA)", K_RESUME, 0, 0, 0, 0, 0, "", ""},
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

static int is_psk(const struct bcase *k) { return k->kind == K_TLS12_PSK || k->kind == K_TLS13_PSK; }
static int uses_ec_cert(const struct bcase *k) { return k->kind == K_TLS13_EC || k->kind == K_RESUME; }

static struct bcase *find_case(const char *s) {
    for (int i = 0; i < NCASES; i++)
        if ((s[0] == cases[i].letter && s[1] == 0) || strcmp(s, cases[i].name) == 0) return &cases[i];
    die("unknown case '%s'%s (a-f or a name, see --help)", s, NULL);
    return NULL;
}

/* The PSK both sides use. */
static const unsigned char PSK_ID[] = "bench-client";
#define PSK_ID_LEN (sizeof PSK_ID - 1)
static const unsigned char PSK_KEY[32] = {0x51, 0x73, 0x53, 0x4c, 0x2d, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x2d,
                                          0x70, 0x73, 0x6b, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x30, 0x31, 0x32,
                                          0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63};

/* ---- raw OpenSSL side --------------------------------------------------- */

static X509 *raw_cert(const char *file) {
    size_t len;
    unsigned char *pem = read_fixture(file, &len);
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    free(pem);
    if (!x) die("raw: cannot parse %s%s", file, NULL);
    return x;
}

static EVP_PKEY *raw_key(const char *file) {
    size_t len;
    unsigned char *pem = read_fixture(file, &len);
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    free(pem);
    if (!k) die("raw: cannot parse %s%s", file, NULL);
    return k;
}

static unsigned int raw_psk_client12(SSL *ssl, const char *hint, char *identity, unsigned int max_identity_len,
                                     unsigned char *psk, unsigned int max_psk_len) {
    (void)ssl;
    (void)hint;
    if (max_identity_len < PSK_ID_LEN + 1 || max_psk_len < sizeof PSK_KEY) return 0;
    memcpy(identity, PSK_ID, PSK_ID_LEN + 1);
    memcpy(psk, PSK_KEY, sizeof PSK_KEY);
    return sizeof PSK_KEY;
}

static unsigned int raw_psk_server12(SSL *ssl, const char *identity, unsigned char *psk, unsigned int max_psk_len) {
    (void)ssl;
    if (!identity || strcmp(identity, (const char *)PSK_ID) != 0 || max_psk_len < sizeof PSK_KEY) return 0;
    memcpy(psk, PSK_KEY, sizeof PSK_KEY);
    return sizeof PSK_KEY;
}

static const unsigned char TLS13_AES128GCM[2] = {0x13, 0x01};

static SSL_SESSION *raw_psk_session(SSL *ssl) {
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, TLS13_AES128GCM);
    if (!cipher) return NULL;
    SSL_SESSION *s = SSL_SESSION_new();
    if (!s || !SSL_SESSION_set1_master_key(s, PSK_KEY, sizeof PSK_KEY) || !SSL_SESSION_set_cipher(s, cipher) ||
        !SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION)) {
        SSL_SESSION_free(s);
        return NULL;
    }
    return s;
}

static int raw_psk_use_session(SSL *ssl, const EVP_MD *md, const unsigned char **id, size_t *idlen,
                               SSL_SESSION **sess) {
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, TLS13_AES128GCM);
    *sess = NULL;
    *id = NULL;
    *idlen = 0;
    if (!cipher || (md != NULL && SSL_CIPHER_get_handshake_digest(cipher) != md)) return 1;
    *sess = raw_psk_session(ssl);
    if (!*sess) return 0;
    *id = PSK_ID;
    *idlen = PSK_ID_LEN;
    return 1;
}

static int raw_psk_find_session(SSL *ssl, const unsigned char *identity, size_t identity_len, SSL_SESSION **sess) {
    *sess = NULL;
    if (identity_len != PSK_ID_LEN || memcmp(identity, PSK_ID, PSK_ID_LEN) != 0) return 1;
    *sess = raw_psk_session(ssl);
    return *sess != NULL;
}

/* The raw baseline puts the same messages on the wire as qssl's defaults
 * (which are Qt's): a server in AutoVerifyPeer mode asks for a client
 * certificate (SSL_VERIFY_PEER without FAIL_IF_NO_PEER_CERT; the client has
 * none and answers with an empty Certificate), and a TLS 1.2 PSK server
 * sends an empty identity hint. --raw-plain drops both (OpenSSL's own
 * defaults), to show what they cost. */
static int raw_plain;

static SSL_CTX *raw_ctx(const struct bcase *k, int server) {
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!ctx) die("raw: SSL_CTX_new failed%s%s", NULL, NULL);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    switch (k->kind) {
    case K_TLS12_RSA:
    case K_TLS12_PSK: SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION); break;
    case K_TLS13_PSK: SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION); break;
    default: break;
    }
    SSL_CTX_set_options(ctx, SSL_OP_ALL | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (k->kind == K_TLS12_RSA && !SSL_CTX_set_cipher_list(ctx, "ECDHE-RSA-AES128-GCM-SHA256"))
        die("raw: cipher list refused%s%s", NULL, NULL);
    if (k->kind == K_TLS12_PSK && !SSL_CTX_set_cipher_list(ctx, "PSK-AES128-GCM-SHA256"))
        die("raw: PSK cipher list refused%s%s", NULL, NULL);
    if (k->kind == K_TLS13_PSK && !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256"))
        die("raw: TLS 1.3 suites refused%s%s", NULL, NULL);

    if (server) {
        SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"raw", 3);
        if (!raw_plain) SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        if (!is_psk(k)) {
            X509 *x = raw_cert(uses_ec_cert(k) ? "server-ec.pem" : "server.pem");
            EVP_PKEY *key = raw_key(uses_ec_cert(k) ? "server-ec-key.pem" : "server-key.pem");
            if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
                SSL_CTX_check_private_key(ctx) != 1)
                die("raw: server certificate/key refused%s%s", NULL, NULL);
            X509_free(x);
            EVP_PKEY_free(key);
        } else if (k->kind == K_TLS12_PSK) {
            SSL_CTX_set_psk_server_callback(ctx, raw_psk_server12);
            if (!raw_plain) SSL_CTX_use_psk_identity_hint(ctx, "");
        } else {
            SSL_CTX_set_psk_find_session_callback(ctx, raw_psk_find_session);
        }
    } else {
        if (!is_psk(k)) {
            X509 *ca = raw_cert("ca.pem");
            X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca);
            X509_free(ca);
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        } else if (k->kind == K_TLS12_PSK) {
            SSL_CTX_set_psk_client_callback(ctx, raw_psk_client12);
        } else {
            SSL_CTX_set_psk_use_session_callback(ctx, raw_psk_use_session);
        }
    }
    return ctx;
}

/* Moves what `from` wrote into what the peer reads; counts the bytes moved
 * (for the report: both sides must exchange the same messages). */
static _Thread_local unsigned char xfer[32768];
static _Thread_local size_t moved_bytes;

static int raw_move(BIO *from, BIO *to) {
    int moved = 0, n;
    while ((n = BIO_read(from, xfer, sizeof xfer)) > 0) {
        BIO_write(to, xfer, n);
        moved_bytes += (size_t)n;
        moved = 1;
    }
    return moved;
}

static int raw_want(SSL *ssl, int r) {
    int e = SSL_get_error(ssl, r);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

/* ---- loopback TCP ------------------------------------------------------- */

static int listener = -1;
static struct sockaddr_in listen_addr;

static void tcp_init(void) {
    if (listener >= 0) return;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    memset(&listen_addr, 0, sizeof listen_addr);
    listen_addr.sin_family = AF_INET;
    listen_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof listen_addr;
    if (listener < 0 || bind(listener, (struct sockaddr *)&listen_addr, sizeof listen_addr) != 0 ||
        listen(listener, 64) != 0 || getsockname(listener, (struct sockaddr *)&listen_addr, &alen) != 0)
        die("cannot listen on 127.0.0.1: %s%s", strerror(errno), NULL);
}

static void tune(int fd) {
    int one = 1;
    struct linger lg = {1, 0}; /* close with RST: no TIME_WAIT pile-up */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void tcp_pair(int *cfd, int *sfd) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&listen_addr, sizeof listen_addr) != 0)
        die("connect: %s%s", strerror(errno), NULL);
    int s = accept(listener, NULL, NULL);
    if (s < 0) die("accept: %s%s", strerror(errno), NULL);
    tune(c);
    tune(s);
    *cfd = c;
    *sfd = s;
}

static void unix_pair(int *cfd, int *sfd) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) die("socketpair: %s%s", strerror(errno), NULL);
    for (int i = 0; i < 2; i++) fcntl(sv[i], F_SETFL, fcntl(sv[i], F_GETFL) | O_NONBLOCK);
    *cfd = sv[0];
    *sfd = sv[1];
}

/* Transports: 0 memory, 1 loopback TCP, 2 AF_UNIX socketpair. */
enum { T_MEMORY = 0, T_TCP = 1, T_UNIX = 2, NTRANSPORTS = 3 };
static const char *transport_name[] = {"memory", "tcp", "unix"};

static void socket_pair(int transport, int *cfd, int *sfd) {
    if (transport == T_TCP) tcp_pair(cfd, sfd);
    else unix_pair(cfd, sfd);
}

/* Both sides wait for bytes: wait until one of them can read. */
static void wait_readable(int cfd, int cdone, int sfd, int sdone) {
    struct pollfd p[2] = {{cfd, POLLIN, 0}, {sfd, POLLIN, 0}};
    if (cdone) p[0].fd = -1;
    if (sdone) p[1].fd = -1;
    if (poll(p, 2, 5000) <= 0) die("tcp handshake stalled%s%s", NULL, NULL);
}

/* ---- one raw handshake pair --------------------------------------------- */

/* Runs one handshake pair. With `keep`, the connected client SSL is handed
 * back (its socket, if any, in *keep_fd) and only the server is freed. */
static int raw_handshake(struct bcase *k, int transport, SSL **keep, int *keep_fd) {
    int tcp = transport != T_MEMORY; /* a socket transport */
    SSL *c = SSL_new(k->rc), *s = SSL_new(k->rs);
    int cfd = -1, sfd = -1, ok = 0, cd = 0, sd = 0;
    BIO *c_in = NULL, *c_out = NULL, *s_in = NULL, *s_out = NULL;
    if (!c || !s) die("raw: SSL_new failed%s%s", NULL, NULL);
    if (tcp) {
        socket_pair(transport, &cfd, &sfd);
        SSL_set_fd(c, cfd);
        SSL_set_fd(s, sfd);
    } else {
        c_in = BIO_new(BIO_s_mem());
        c_out = BIO_new(BIO_s_mem());
        s_in = BIO_new(BIO_s_mem());
        s_out = BIO_new(BIO_s_mem());
        SSL_set_bio(c, c_in, c_out);
        SSL_set_bio(s, s_in, s_out);
    }
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, HOST);
    SSL_set1_host(c, HOST);
    if (k->rsess) SSL_set_session(c, k->rsess);
    for (int i = 0; i < 1000; i++) {
        int moved = 0, r;
        if (!cd) {
            r = SSL_do_handshake(c);
            if (r == 1) cd = 1;
            else if (!raw_want(c, r)) goto out;
        }
        if (!tcp) moved |= raw_move(c_out, s_in);
        if (!sd) {
            r = SSL_do_handshake(s);
            if (r == 1) sd = 1;
            else if (!raw_want(s, r)) goto out;
        }
        if (!tcp) moved |= raw_move(s_out, c_in);
        if (cd && sd) {
            ok = 1;
            break;
        }
        if (tcp) wait_readable(cfd, cd, sfd, sd);
        else if (!moved) break;
    }
    if (ok && k->kind == K_RESUME && !SSL_session_reused(c)) ok = 0;
out:
    if (!ok) ERR_print_errors_fp(stderr);
    /* As qssl does on free: keep the session resumable, send nothing. */
    SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(s);
    if (sfd >= 0) close(sfd);
    if (keep && ok) {
        *keep = c;
        if (keep_fd) *keep_fd = cfd;
    } else {
        SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(c);
        if (cfd >= 0) close(cfd);
    }
    return ok;
}

static void raw_setup(struct bcase *k) {
    if (k->rc) return;
    k->rc = raw_ctx(k, 0);
    k->rs = raw_ctx(k, 1);
    if (k->kind == K_RESUME) {
        /* A full handshake, the server writes one byte, the client reads it
         * (which processes the tickets), then keep the client's session. */
        SSL *s = SSL_new(k->rs);
        SSL *cc = SSL_new(k->rc);
        BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
        BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
        SSL_set_bio(cc, c_in, c_out);
        SSL_set_bio(s, s_in, s_out);
        SSL_set_connect_state(cc);
        SSL_set_accept_state(s);
        SSL_set_tlsext_host_name(cc, HOST);
        SSL_set1_host(cc, HOST);
        int cd = 0, sd = 0;
        for (int i = 0; i < 100 && !(cd && sd); i++) {
            if (!cd) cd = SSL_do_handshake(cc) == 1;
            raw_move(c_out, s_in);
            if (!sd) sd = SSL_do_handshake(s) == 1;
            raw_move(s_out, c_in);
        }
        if (!(cd && sd)) die("raw: initial handshake for resumption failed%s%s", NULL, NULL);
        size_t n = 0;
        unsigned char b[8];
        SSL_write_ex(s, "x", 1, &n);
        raw_move(s_out, c_in);
        if (!SSL_read_ex(cc, b, sizeof b, &n)) die("raw: read for the tickets failed%s%s", NULL, NULL);
        k->rsess = SSL_get1_session(cc);
        if (!k->rsess || !SSL_SESSION_is_resumable(k->rsess)) die("raw: no resumable session%s%s", NULL, NULL);
        SSL_shutdown(cc);
        SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(cc);
        SSL_free(s);
    }
    /* Record what a handshake negotiates, for the report. */
    SSL *c = NULL;
    moved_bytes = 0;
    if (!raw_handshake(k, 0, &c, NULL)) die("raw: %s handshake failed%s", k->name, NULL);
    size_t bytes = moved_bytes;
    EVP_PKEY *tmp = NULL;
    const char *group = "-";
    char gbuf[32];
    if (SSL_get_peer_tmp_key(c, &tmp)) {
        int id = EVP_PKEY_get_id(tmp);
        group = id == EVP_PKEY_X25519 ? "x25519" : OBJ_nid2sn(id);
        if (id == EVP_PKEY_EC) {
            size_t gl = 0;
            if (EVP_PKEY_get_group_name(tmp, gbuf, sizeof gbuf, &gl)) group = gbuf;
        }
        EVP_PKEY_free(tmp);
    }
    snprintf(k->raw_desc, sizeof k->raw_desc, "%s %s%s%s%s, %zu B", SSL_get_version(c), SSL_get_cipher_name(c),
             SSL_session_reused(c) ? " resumed" : "", strcmp(group, "-") ? " " : "", strcmp(group, "-") ? group : "",
             bytes);
    SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(c);
}

/* ---- qssl side ---------------------------------------------------------- */

static int32_t q_psk_client(void *ud, qssl_psk_auth_t *auth) {
    (void)ud;
    qssl_psk_auth_set_identity(auth, PSK_ID, PSK_ID_LEN);
    qssl_psk_auth_set_pre_shared_key(auth, PSK_KEY, sizeof PSK_KEY);
    return 0;
}

static int32_t q_psk_server(void *ud, qssl_psk_auth_t *auth) {
    (void)ud;
    uint8_t id[256];
    size_t n = 0;
    if (qssl_psk_auth_identity(auth, id, sizeof id, &n) != QSSL_STATUS_OK || n != PSK_ID_LEN ||
        memcmp(id, PSK_ID, PSK_ID_LEN) != 0)
        return 1;
    qssl_psk_auth_set_pre_shared_key(auth, PSK_KEY, sizeof PSK_KEY);
    return 0;
}

static qssl_cert_t *q_cert(const char *file) {
    size_t len;
    unsigned char *pem = read_fixture(file, &len);
    qssl_cert_t *c = NULL;
    qcheck(qssl_cert_from_pem(pem, len, &c), file);
    free(pem);
    return c;
}

static qssl_key_t *q_key(const char *file, qssl_key_algorithm_t alg) {
    size_t len;
    unsigned char *pem = read_fixture(file, &len);
    qssl_key_t *k = NULL;
    qcheck(qssl_key_from_pem(pem, len, alg, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &k), file);
    free(pem);
    return k;
}

static qssl_config_t *q_config(const struct bcase *k, int server) {
    qssl_config_t *cfg = qssl_config_default_configuration();
    switch (k->kind) {
    case K_TLS12_RSA:
        qcheck(qssl_config_set_protocol(cfg, QSSL_SSL_PROTOCOL_TLS_V1_2), "protocol");
        qcheck(qssl_config_set_ciphers_string(cfg, "ECDHE-RSA-AES128-GCM-SHA256"), "ciphers");
        break;
    case K_TLS12_PSK:
        qcheck(qssl_config_set_protocol(cfg, QSSL_SSL_PROTOCOL_TLS_V1_2), "protocol");
        qcheck(qssl_config_set_ciphers_string(cfg, "PSK-AES128-GCM-SHA256"), "ciphers");
        break;
    case K_TLS13_PSK:
        qcheck(qssl_config_set_protocol(cfg, QSSL_SSL_PROTOCOL_TLS_V1_3), "protocol");
        qcheck(qssl_config_set_ciphers_string(cfg, "TLS_AES_128_GCM_SHA256"), "ciphers");
        break;
    default: break;
    }
    if (is_psk(k)) {
        qcheck(qssl_config_set_psk_callback(cfg, server ? q_psk_server : q_psk_client, NULL, NULL), "PSK callback");
        if (!server) qcheck(qssl_config_set_peer_verify_mode(cfg, QSSL_PEER_VERIFY_MODE_VERIFY_NONE), "verify none");
    } else if (server) {
        qssl_cert_t *c = q_cert(uses_ec_cert(k) ? "server-ec.pem" : "server.pem");
        qssl_key_t *key = q_key(uses_ec_cert(k) ? "server-ec-key.pem" : "server-key.pem",
                                uses_ec_cert(k) ? QSSL_KEY_ALGORITHM_EC : QSSL_KEY_ALGORITHM_RSA);
        qcheck(qssl_config_set_local_certificate(cfg, c), "local certificate");
        qcheck(qssl_config_set_private_key(cfg, key), "private key");
        qssl_cert_free(c);
        qssl_key_free(key);
    } else {
        qssl_cert_t *ca = q_cert("ca.pem");
        const qssl_cert_t *cas[] = {ca};
        qcheck(qssl_config_set_ca_certificates(cfg, cas, 1), "CA certificates");
        qssl_cert_free(ca);
        if (k->kind == K_RESUME)
            qcheck(qssl_config_set_ssl_option(cfg, QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, false),
                   "session persistence");
    }
    return cfg;
}

static int q_move(qssl_conn_t *from, qssl_conn_t *to) {
    size_t n = 0;
    int moved = 0;
    while (qssl_conn_take_output(from, xfer, sizeof xfer, &n) == QSSL_STATUS_OK && n > 0) {
        qssl_conn_feed(to, xfer, n);
        moved_bytes += n;
        moved = 1;
    }
    return moved;
}

static int q_handshake(struct bcase *k, int transport, qssl_conn_t **keep, int *keep_fd) {
    int tcp = transport != T_MEMORY; /* a socket transport */
    qssl_conn_t *c = NULL, *s = NULL;
    int cfd = -1, sfd = -1, ok = 0, cd = 0, sd = 0;
    if (tcp) {
        socket_pair(transport, &cfd, &sfd);
        qcheck(qssl_conn_new_fd(k->qc, QSSL_SSL_MODE_SSL_CLIENT_MODE, cfd, &c), "client connection");
        qcheck(qssl_conn_new_fd(k->qs, QSSL_SSL_MODE_SSL_SERVER_MODE, sfd, &s), "server connection");
    } else {
        qcheck(qssl_conn_new_memory(k->qc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c), "client connection");
        qcheck(qssl_conn_new_memory(k->qs, QSSL_SSL_MODE_SSL_SERVER_MODE, &s), "server connection");
    }
    qcheck(qssl_conn_set_peer_verify_name(c, HOST), "peer verify name");
    for (int i = 0; i < 1000; i++) {
        int moved = 0;
        qssl_status_t st;
        if (!cd) {
            st = qssl_conn_handshake(c);
            if (st == QSSL_STATUS_OK) cd = 1;
            else if (st < 0) goto out;
        }
        if (!tcp) moved |= q_move(c, s);
        if (!sd) {
            st = qssl_conn_handshake(s);
            if (st == QSSL_STATUS_OK) sd = 1;
            else if (st < 0) goto out;
        }
        if (!tcp) moved |= q_move(s, c);
        if (cd && sd) {
            ok = 1;
            break;
        }
        if (tcp) wait_readable(cfd, cd, sfd, sd);
        else if (!moved) break;
    }
    if (ok && k->kind == K_RESUME && !qssl_conn_session_resumed(c)) ok = 0;
out:
    if (!ok) fprintf(stderr, "\nqssl: %s\n", qssl_last_error_message());
    qssl_conn_free(s);
    if (sfd >= 0) close(sfd);
    if (keep && ok) {
        *keep = c;
        if (keep_fd) *keep_fd = cfd;
    } else {
        qssl_conn_free(c);
        if (cfd >= 0) close(cfd);
    }
    return ok;
}

static const char *q_protocol_name(qssl_ssl_protocol_t p) {
    switch (p) {
    case QSSL_SSL_PROTOCOL_TLS_V1_2: return "TLSv1.2";
    case QSSL_SSL_PROTOCOL_TLS_V1_3: return "TLSv1.3";
    default: return "?";
    }
}

static void q_setup(struct bcase *k) {
    if (k->qc) return;
    k->qc = q_config(k, 0);
    k->qs = q_config(k, 1);
    if (k->kind == K_RESUME) {
        /* A full handshake; the server writes one byte; the client reads it
         * (the tickets arrive with it); keep the client's configuration. */
        qssl_conn_t *c = NULL, *s = NULL;
        qcheck(qssl_conn_new_memory(k->qc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c), "client");
        qcheck(qssl_conn_new_memory(k->qs, QSSL_SSL_MODE_SSL_SERVER_MODE, &s), "server");
        qcheck(qssl_conn_set_peer_verify_name(c, HOST), "name");
        int cd = 0, sd = 0;
        for (int i = 0; i < 100 && !(cd && sd); i++) {
            if (!cd) cd = qssl_conn_handshake(c) == QSSL_STATUS_OK;
            q_move(c, s);
            if (!sd) sd = qssl_conn_handshake(s) == QSSL_STATUS_OK;
            q_move(s, c);
        }
        if (!(cd && sd)) die("qssl: initial handshake for resumption failed: %s%s", qssl_last_error_message(), NULL);
        size_t n = 0;
        uint8_t b[8];
        qcheck(qssl_conn_write(s, (const uint8_t *)"x", 1, &n), "server write");
        q_move(s, c);
        qcheck(qssl_conn_read(c, b, sizeof b, &n), "client read");
        qssl_config_t *saved = qssl_conn_ssl_configuration(c);
        if (!saved || qssl_config_session_ticket_is_null(saved)) die("qssl: no session ticket%s%s", NULL, NULL);
        qssl_conn_shutdown(c);
        qssl_conn_free(c);
        qssl_conn_free(s);
        qssl_config_free(k->qc);
        k->qc = saved;
    }
    qssl_conn_t *c = NULL;
    moved_bytes = 0;
    if (!q_handshake(k, 0, &c, NULL)) die("qssl: %s handshake failed%s", k->name, NULL);
    size_t bytes = moved_bytes;
    char name[64];
    size_t len = 0;
    qssl_cipher_t *ci = qssl_conn_session_cipher(c);
    qssl_cipher_name(ci, name, sizeof name, &len);
    qssl_cipher_free(ci);
    snprintf(k->qssl_desc, sizeof k->qssl_desc, "%s %s%s, %zu B", q_protocol_name(qssl_conn_session_protocol(c)),
             name, qssl_conn_session_resumed(c) ? " resumed" : "", bytes);
    qssl_conn_free(c);
}

/* ---- timing --------------------------------------------------------------- */

enum side { RAW = 0, QSSL = 1 };
static const char *side_name[] = {"raw", "qssl"};

/* --aa: the "qssl" column runs raw OpenSSL too (an A/A run: how far from
 * 1.000 the harness itself puts two identical sides). */
static int aa_mode;
/* --threads: the 1-vs-2-thread scaling figure; --markdown: tables for perfdoc.sh */
static int threads_mode, markdown;

static int one(struct bcase *k, enum side side, int transport) {
    if (side == RAW || aa_mode) return raw_handshake(k, transport, NULL, NULL);
    return q_handshake(k, transport, NULL, NULL);
}

/* Handshakes per second over at least `secs` seconds. */
static double run_for(struct bcase *k, enum side side, int transport, double secs) {
    long n = 0;
    double t0 = now_s(), t;
    do {
        if (!one(k, side, transport)) die("%s: %s handshake failed", side_name[side], k->name);
        n++;
        t = now_s();
    } while (t - t0 < secs);
    return (double)n / (t - t0);
}

/* One round: each side runs for `secs` in total, in alternating slices of
 * at most 25 ms (raw, qssl, qssl, raw, ...), so that both see the same
 * background load on a shared machine. Writes handshakes/s per side. */
static void run_round(struct bcase *k, int transport, double secs, int round, double rate[2]) {
    double spent[2] = {0, 0};
    long count[2] = {0, 0};
    int slices = (int)(secs / 0.025 + 0.5);
    if (slices < 1) slices = 1;
    double slice = secs / slices;
    for (int i = 0; i < 2 * slices; i++) {
        /* ABBA order, starting with the side the round number picks. */
        enum side side = (enum side)(((i + 1) / 2 + round) % 2);
        double t0 = now_s(), t;
        do {
            if (!one(k, side, transport)) die("%s: %s handshake failed", side_name[side], k->name);
            count[side]++;
            t = now_s();
        } while (t - t0 < slice);
        spent[side] += t - t0;
    }
    rate[RAW] = (double)count[RAW] / spent[RAW];
    rate[QSSL] = (double)count[QSSL] / spent[QSSL];
}

/* Exactly n handshake pairs: the region callgrind counts (--toggle-collect). */
__attribute__((noinline)) int measured_handshakes(struct bcase *k, enum side side, int transport, int n) {
    int ok = 0;
    for (int i = 0; i < n; i++) ok += one(k, side, transport);
    return ok;
}

/* ---- memory ------------------------------------------------------------- */

static long statm_resident_bytes(void) {
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2) die("cannot read /proc/self/statm%s%s", NULL, NULL);
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static long heap_bytes(void) {
    struct mallinfo2 mi = mallinfo2();
    return (long)(mi.uordblks + mi.hblkhd);
}

struct mem_result {
    double rss_per_conn, heap_per_conn;
    long n;
};

/* In a child: hold n connected clients of case k on one side. */
static struct mem_result memory_child(struct bcase *k, enum side side, long n) {
    struct mem_result r = {0, 0, n};
    if (side == RAW) raw_setup(k);
    else q_setup(k);
    for (int i = 0; i < 64; i++) one(k, side, 0); /* warm caches, grow OpenSSL's tables */
    void **held = calloc((size_t)n, sizeof(void *));
    malloc_trim(0);
    long rss0 = statm_resident_bytes(), heap0 = heap_bytes();
    for (long i = 0; i < n; i++) {
        int ok = side == RAW ? raw_handshake(k, 0, (SSL **)&held[i], NULL)
                             : q_handshake(k, 0, (qssl_conn_t **)&held[i], NULL);
        if (!ok) die("memory: %s handshake failed%s", side_name[side], NULL);
    }
    long rss1 = statm_resident_bytes(), heap1 = heap_bytes();
    r.rss_per_conn = (double)(rss1 - rss0) / (double)n;
    r.heap_per_conn = (double)(heap1 - heap0) / (double)n;
    /* exit without freeing: the process ends */
    return r;
}

static int run_memory(struct bcase *k, long n) {
    struct mem_result res[2];
    printf("memory: %ld live connected client connections (%s, memory transport), servers freed\n", n, k->title);
    fflush(stdout);
    for (int side = 0; side < 2; side++) {
        int fd[2];
        if (pipe(fd) != 0) die("pipe%s%s", NULL, NULL);
        fprintf(stderr, "  %s: building %ld connections...\n", side_name[side], n);
        pid_t pid = fork();
        if (pid == 0) {
            close(fd[0]);
            struct mem_result r = memory_child(k, (enum side)side, n);
            if (write(fd[1], &r, sizeof r) != (ssize_t)sizeof r) _exit(3);
            _exit(0);
        }
        close(fd[1]);
        if (read(fd[0], &res[side], sizeof res[side]) != (ssize_t)sizeof res[side]) die("memory child failed%s%s", NULL, NULL);
        close(fd[0]);
        int status = 0;
        waitpid(pid, &status, 0);
    }
    printf("  %-6s %14s %14s\n", "", "RSS/conn", "heap/conn");
    printf("  %-6s %12.0f B %12.0f B\n", "raw", res[0].rss_per_conn, res[0].heap_per_conn);
    printf("  %-6s %12.0f B %12.0f B\n", "qssl", res[1].rss_per_conn, res[1].heap_per_conn);
    printf("  %-6s %+12.0f B %+12.0f B   (target: <= +1024 B)\n", "diff", res[1].rss_per_conn - res[0].rss_per_conn,
           res[1].heap_per_conn - res[0].heap_per_conn);
    return 0;
}

/* ---- main --------------------------------------------------------------- */

static void usage(void) {
    printf("usage: qssl-bench [--quick] [--case C]... [--transport memory|tcp|unix|all] [--rounds N] [--seconds S]\n"
           "                  [--raw-plain]   (raw without the Qt-default CertificateRequest and empty PSK hint)\n"
           "                  [--aa]          (A/A run: both columns raw OpenSSL, to see the harness's own bias)\n"
           "       qssl-bench --once C --side raw|qssl [--transport memory|tcp|unix] [-n N]\n"
           "       qssl-bench --memory [N] [--case C]\n"
           "       qssl-bench --threads [--case C]... [--rounds N] [--seconds S] [--markdown]   (1 vs 2 threads, memory transport;\n"
           "                  S: the four measures of one round together)\n"
           "       qssl-bench --xfer [qssl-xfer's options]   (the data path: 1/16/64 KiB writes; --xfer --help)\n"
           "cases:\n");
    for (int i = 0; i < NCASES; i++) printf("  %c  %-14s %s\n", cases[i].letter, cases[i].name, cases[i].title);
}

static void print_env(void) {
    char model[256] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) == 0) {
                char *p = strchr(line, ':');
                if (p) {
                    snprintf(model, sizeof model, "%s", p + 2);
                    model[strcspn(model, "\n")] = 0;
                }
                break;
            }
        }
        fclose(f);
    }
    printf("qssl %s, %s, %ld CPU(s): %s\n", qssl_version(), OpenSSL_version(OPENSSL_VERSION),
           sysconf(_SC_NPROCESSORS_ONLN), model);
}

/* ---- 1 vs 2 threads -------------------------------------------------------- */

struct thread_job {
    struct bcase *k;
    enum side side;
    double secs;
    long count;
};

static void *thread_body(void *arg) {
    struct thread_job *j = arg;
    double t0 = now_s();
    long n = 0;
    do {
        if (!one(j->k, j->side, T_MEMORY)) die("%s: %s handshake failed", side_name[j->side], j->k->name);
        n++;
    } while (now_s() - t0 < j->secs);
    j->count = n;
    return NULL;
}

/* Handshakes per second with `nthreads` threads sharing one configuration
 * (qssl) or one SSL_CTX per side (raw), each thread running its own pairs. */
static double threads_rate(struct bcase *k, enum side side, int nthreads, double secs) {
    pthread_t th[2];
    struct thread_job jobs[2];
    double t0 = now_s();
    for (int i = 0; i < nthreads; i++) {
        jobs[i] = (struct thread_job){k, side, secs, 0};
        if (pthread_create(&th[i], NULL, thread_body, &jobs[i])) die("pthread_create failed%s%s", NULL, NULL);
    }
    long total = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        total += jobs[i].count;
    }
    return (double)total / (now_s() - t0);
}

/* The four rates of a round are measured back to back, in an order that
 * alternates between rounds (raw 1, qssl 1, qssl 2, raw 2; then qssl 1,
 * raw 1, raw 2, qssl 2), so a change in the machine's speed during a round
 * weighs on both sides alike; the figure is the median of the per-round
 * ratios (qssl 2/1) / (raw 2/1), as the other timed tables do. */
static int run_threads(const int *want, double secs, int rounds) {
    double slice = secs / 4;
    if (markdown) {
        printf("| case | side | 1 thread /s median | 2 threads /s median | speedup median | qssl speedup / raw speedup, "
               "median of %d rounds (range) |\n",
               rounds);
        printf("|---|---|---|---|---|---|\n");
    } else {
        printf("handshake pairs per second, memory transport, one shared configuration / SSL_CTX per side, "
               "%d rounds of 4 x %.2f s\n",
               rounds, slice);
    }
    for (int i = 0; i < NCASES; i++) {
        struct bcase *k = &cases[i];
        if (want ? !want[i] : (k->letter != 'a' && k->letter != 'd')) continue;
        raw_setup(k);
        q_setup(k);
        threads_rate(k, RAW, 1, slice / 2); /* warm-up */
        threads_rate(k, QSSL, 1, slice / 2);
        double r1[2][64], r2[2][64], sp[2][64], ratio[64];
        for (int r = 0; r < rounds; r++) {
            enum side first = r % 2 ? QSSL : RAW, second = r % 2 ? RAW : QSSL;
            r1[first][r] = threads_rate(k, first, 1, slice);
            r1[second][r] = threads_rate(k, second, 1, slice);
            r2[second][r] = threads_rate(k, second, 2, slice);
            r2[first][r] = threads_rate(k, first, 2, slice);
            for (int s = 0; s < 2; s++) sp[s][r] = r2[s][r] / r1[s][r];
            ratio[r] = sp[QSSL][r] / sp[RAW][r];
        }
        double med_ratio = median(ratio, rounds), lo = vmin(ratio, rounds), hi = vmax(ratio, rounds);
        for (int s = 0; s < 2; s++) {
            double m1 = median(r1[s], rounds), m2 = median(r2[s], rounds), msp = median(sp[s], rounds);
            if (markdown)
                printf("| %s | %s | %.0f | %.0f | %.2f | |\n", s == 0 ? k->title : "", side_name[s], m1, m2, msp);
            else
                printf("%c %-36s %-5s 1 thread %8.0f/s  2 threads %8.0f/s  speedup %.2f (medians)\n", k->letter,
                       k->title, side_name[s], m1, m2, msp);
        }
        if (markdown)
            printf("| | | | | | **%.3f** (%.3f–%.3f) (target: ≥ 1) |\n", med_ratio, lo, hi);
        else
            printf("  qssl speedup / raw speedup: %.3f (per-round %.3f-%.3f; target >= 1)\n", med_ratio, lo, hi);
        fflush(stdout);
    }
    return 0;
}

/* The data-transfer benchmark (bench_xfer.c), also built alone as qssl-xfer. */
int qssl_xfer_main(int argc, char **argv);

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--xfer")) return qssl_xfer_main(argc - 1, argv + 1);
    int rounds = 9, want[NCASES] = {0}, any_case = 0, transports = 7, once_n = 10;
    double secs = 0.5;
    const char *once = NULL, *side_s = NULL;
    long memory = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quick")) {
            rounds = 3;
            secs = 0.2;
        } else if (!strcmp(a, "--case") && next) {
            want[find_case(next) - cases] = 1;
            any_case = 1;
            i++;
        } else if (!strcmp(a, "--transport") && next) {
            /* one name, a comma-separated list, or all */
            transports = 0;
            char list[64];
            snprintf(list, sizeof list, "%s", next);
            for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                int bit = !strcmp(t, "memory") ? 1 : !strcmp(t, "tcp") ? 2 : !strcmp(t, "unix") ? 4 : !strcmp(t, "all") ? 7 : 0;
                if (!bit) die("unknown transport '%s'%s", t, NULL);
                transports |= bit;
            }
            i++;
        } else if (!strcmp(a, "--rounds") && next) {
            rounds = atoi(next);
            if (rounds < 1 || rounds > 64) die("--rounds: 1..64%s%s", NULL, NULL);
            i++;
        } else if (!strcmp(a, "--seconds") && next) {
            secs = atof(next);
            i++;
        } else if (!strcmp(a, "--once") && next) {
            once = next;
            i++;
        } else if (!strcmp(a, "--side") && next) {
            side_s = next;
            i++;
        } else if (!strcmp(a, "-n") && next) {
            once_n = atoi(next);
            i++;
        } else if (!strcmp(a, "--threads")) {
            threads_mode = 1;
        } else if (!strcmp(a, "--markdown")) {
            markdown = 1;
        } else if (!strcmp(a, "--aa")) {
            aa_mode = 1;
        } else if (!strcmp(a, "--raw-plain")) {
            raw_plain = 1;
        } else if (!strcmp(a, "--memory")) {
            memory = 10000;
            if (next && next[0] >= '0' && next[0] <= '9') {
                memory = atol(next);
                i++;
            }
            if (memory < 1) die("--memory: N must be positive%s%s", NULL, NULL);
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else {
            usage();
            die("unknown argument '%s'%s", a, NULL);
        }
    }
    signal(SIGPIPE, SIG_IGN);
    tcp_init();

    if (once) {
        struct bcase *k = find_case(once);
        if (!side_s || (strcmp(side_s, "raw") && strcmp(side_s, "qssl"))) die("--once needs --side raw|qssl%s%s", NULL, NULL);
        enum side side = strcmp(side_s, "raw") ? QSSL : RAW;
        int t = transports == 2 ? T_TCP : transports == 4 ? T_UNIX : T_MEMORY;
        if (side == RAW) raw_setup(k);
        else q_setup(k);
        for (int i = 0; i < 3; i++) one(k, side, t); /* warm-up */
        int ok = measured_handshakes(k, side, t, once_n);
        printf("%s %s %s: %d/%d handshakes\n", side_s, k->name, transport_name[t], ok, once_n);
        return ok == once_n ? 0 : 1;
    }

    if (threads_mode) return run_threads(any_case ? want : NULL, secs == 0.5 ? 0.6 : secs, rounds == 9 ? 7 : rounds);

    if (memory) {
        struct bcase *k = &cases[0];
        for (int i = 0; i < NCASES; i++)
            if (want[i]) k = &cases[i];
        return run_memory(k, memory);
    }

    print_env();
    printf("handshake pairs per second (client + server in one thread), %d rounds of %.2f s per side, "
           "raw and qssl interleaved in slices of <= 25 ms\n",
           rounds, secs);
    for (int i = 0; i < NCASES; i++) {
        if (any_case && !want[i]) continue;
        raw_setup(&cases[i]);
        q_setup(&cases[i]);
        printf("  %c %-36s raw: %-40s qssl: %s\n", cases[i].letter, cases[i].title, cases[i].raw_desc,
               cases[i].qssl_desc);
    }
    printf("\n%-40s %-7s %23s %23s %8s %15s\n", "case", "transp.", "raw /s  med (min-max)", "qssl /s  med (min-max)",
           "qssl/raw", "(min-max)");
    fflush(stdout);
    int tty = isatty(2);
    for (int i = 0; i < NCASES; i++) {
        if (any_case && !want[i]) continue;
        struct bcase *k = &cases[i];
        for (int t = 0; t < NTRANSPORTS; t++) {
            if (!(transports & (1 << t))) continue;
            double r[2][64], ratio[64];
            run_for(k, RAW, t, secs / 4); /* warm-up */
            run_for(k, QSSL, t, secs / 4);
            for (int rd = 0; rd < rounds; rd++) {
                double rate[2];
                run_round(k, t, secs, rd, rate);
                r[RAW][rd] = rate[RAW];
                r[QSSL][rd] = rate[QSSL];
                ratio[rd] = r[QSSL][rd] / r[RAW][rd];
                if (tty)
                    fprintf(stderr, "\r\033[K[%c %s] round %d/%d: raw %.0f/s qssl %.0f/s (%.3f)", k->letter,
                            transport_name[t], rd + 1, rounds, r[RAW][rd], r[QSSL][rd], ratio[rd]);
                else
                    fprintf(stderr, "[%c %s] round %d/%d: raw %.0f/s qssl %.0f/s (%.3f)\n", k->letter,
                            transport_name[t], rd + 1, rounds, r[RAW][rd], r[QSSL][rd], ratio[rd]);
            }
            if (tty) fprintf(stderr, "\r\033[K");
            char rs[64], qs[64], title[64];
            snprintf(title, sizeof title, "%c %s", k->letter, k->title);
            snprintf(rs, sizeof rs, "%.0f (%.0f-%.0f)", median(r[RAW], rounds), vmin(r[RAW], rounds),
                     vmax(r[RAW], rounds));
            snprintf(qs, sizeof qs, "%.0f (%.0f-%.0f)", median(r[QSSL], rounds), vmin(r[QSSL], rounds),
                     vmax(r[QSSL], rounds));
            printf("%-40s %-7s %23s %23s %8.3f %7.3f-%.3f\n", title, transport_name[t], rs, qs, median(ratio, rounds),
                   vmin(ratio, rounds), vmax(ratio, rounds));
            fflush(stdout);
        }
    }
    printf("\nqssl/raw = the median of the per-round ratios, (min-max) their range; in a round both sides alternate "
           "every <= 25 ms.\ntargets: every case >= 0.98\n");
    return 0;
}
