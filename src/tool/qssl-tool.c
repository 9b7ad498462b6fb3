/*
 * qssl-tool: try a qssl configuration against a real TLS peer.
 *
 *   qssl-tool client HOST:PORT [options]   stdin -> peer, peer -> stdout
 *   qssl-tool server PORT [options]        echo server on 127.0.0.1 (--bind)
 *   add --dtls for DTLS 1.2 over UDP (qssl_dtls_t, qssl_dtls_verifier_t)
 *
 * The server re-reads its files (certificates, keys, --sni, --ticket-keys)
 * on SIGHUP: new connections get the new configuration, open ones keep
 * theirs (reload without restart, key rotation).
 *
 * It uses only the public C API (qssl.h), so it is also an example of it.
 *
 * ADDING AN OPTION
 * ----------------
 * Options are rows of the table `options[]` below. A row names the option
 * (without "--"), its argument (NULL for a flag), the sides it applies to
 * (SIDE_CLIENT, SIDE_SERVER or both), a parser and a help line; --help and
 * the "unknown option" / "missing argument" / "client only" errors are
 * generated from the table. To add `--foo ARG`:
 *   1. add a field to `struct tool_opts` (zeroed, so 0/NULL is "not given");
 *   2. write `static int opt_foo(struct tool_opts *o, const char *arg)` that
 *      checks `arg` and stores it, returning 0, or calls usage_error() and
 *      returns -1 (bad values give exit status 2, with a clear message);
 *   3. add `{"foo", "ARG", SIDE_CLIENT | SIDE_SERVER, opt_foo, "help"}` to
 *      the table;
 *   4. apply the field where it takes effect: to the configuration in
 *      build_config(), to each connection in setup_conn(), or to the
 *      transport in run_client() / run_server().
 * Files named by options are read with read_file(), which reports
 * unreadable files clearly.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <qssl.h>

#define EXIT_TLS 1   /* a handshake or the connection failed */
#define EXIT_USAGE 2 /* bad options, unreadable files, bad configuration */

#define SIDE_CLIENT 1u
#define SIDE_SERVER 2u

#define MAX_LIST 16

struct tool_opts {
    unsigned side;
    const char *target; /* client: HOST:PORT; server: PORT */
    const char *ca[MAX_LIST];
    size_t n_ca;
    const char *cert;
    const char *key;
    const char *name;
    int has_protocol;
    qssl_ssl_protocol_t protocol;
    const char *alpn;
    int has_verify;
    qssl_peer_verify_mode_t verify;
    const char *psk_identity;
    uint8_t psk_key[256];
    size_t psk_key_len;
    int has_psk_key;
    const char *psk_hint;
    const char *sess_out;
    const char *sess_in;
    int ignore_all;
    qssl_ssl_error_code_t ignore[64];
    size_t n_ignore;
    const char *ciphers;
    const char *curves;
    const char *bind;
    int once;
    int json;
    const char *sni[MAX_LIST]; /* NAME:CERT:KEY */
    size_t n_sni;
    const char *ticket_keys;
    const char *keylog;
    int dtls;
};

static const char *prog = "qssl-tool";

static int usage_error(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see '%s --help')\n", prog);
    return -1;
}

/* ---- option parsers ------------------------------------------------------ */

static int opt_ca(struct tool_opts *o, const char *arg) {
    if (o->n_ca == MAX_LIST) return usage_error("--ca: at most %d files", MAX_LIST);
    o->ca[o->n_ca++] = arg;
    return 0;
}
static int opt_cert(struct tool_opts *o, const char *arg) { o->cert = arg; return 0; }
static int opt_key(struct tool_opts *o, const char *arg) { o->key = arg; return 0; }
static int opt_name(struct tool_opts *o, const char *arg) {
    if (!*arg) return usage_error("--name: empty name");
    o->name = arg;
    return 0;
}

static int opt_protocol(struct tool_opts *o, const char *arg) {
    static const struct { const char *name; qssl_ssl_protocol_t value; } table[] = {
        {"tls1.2", QSSL_SSL_PROTOCOL_TLS_V1_2},
        {"tls1.3", QSSL_SSL_PROTOCOL_TLS_V1_3},
        {"secure", QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS},
        {"dtls1.2", QSSL_SSL_PROTOCOL_DTLS_V1_2},
        {"dtls", QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(arg, table[i].name) == 0) {
            o->has_protocol = 1;
            o->protocol = table[i].value;
            return 0;
        }
    }
    return usage_error("--protocol: unknown protocol '%s' (tls1.2, tls1.3, secure; with --dtls: dtls1.2, dtls)",
                       arg);
}

static int opt_verify(struct tool_opts *o, const char *arg) {
    static const struct { const char *name; qssl_peer_verify_mode_t value; } table[] = {
        {"none", QSSL_PEER_VERIFY_MODE_VERIFY_NONE},
        {"query", QSSL_PEER_VERIFY_MODE_QUERY_PEER},
        {"peer", QSSL_PEER_VERIFY_MODE_VERIFY_PEER},
        {"auto", QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(arg, table[i].name) == 0) {
            o->has_verify = 1;
            o->verify = table[i].value;
            return 0;
        }
    }
    return usage_error("--verify: unknown mode '%s' (none, query, peer or auto)", arg);
}

static int opt_alpn(struct tool_opts *o, const char *arg) { o->alpn = arg; return 0; }
static int opt_psk_identity(struct tool_opts *o, const char *arg) { o->psk_identity = arg; return 0; }
static int opt_psk_hint(struct tool_opts *o, const char *arg) { o->psk_hint = arg; return 0; }

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int opt_psk_key(struct tool_opts *o, const char *arg) {
    size_t n = strlen(arg);
    if (n == 0 || n % 2 != 0) return usage_error("--psk-key: need an even number of hex digits");
    if (n / 2 > sizeof o->psk_key) return usage_error("--psk-key: longer than %zu bytes", sizeof o->psk_key);
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_digit(arg[i]), lo = hex_digit(arg[i + 1]);
        if (hi < 0 || lo < 0) return usage_error("--psk-key: '%s' is not hexadecimal", arg);
        o->psk_key[i / 2] = (uint8_t)(hi * 16 + lo);
    }
    o->psk_key_len = n / 2;
    o->has_psk_key = 1;
    return 0;
}

static int opt_sess_out(struct tool_opts *o, const char *arg) { o->sess_out = arg; return 0; }
static int opt_sess_in(struct tool_opts *o, const char *arg) { o->sess_in = arg; return 0; }

static int opt_ignore_errors(struct tool_opts *o, const char *arg) {
    if (strcmp(arg, "all") == 0) {
        o->ignore_all = 1;
        return 0;
    }
    const char *p = arg;
    while (*p) {
        char *end = NULL;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || (*end && *end != ',')) {
            return usage_error("--ignore-errors: '%s' is not 'all' or a comma-separated list of "
                               "QSslError numbers (as in the JSON's ssl_errors)", arg);
        }
        /* Check the number now: qssl_ssl_error_new() knows the valid codes. */
        qssl_ssl_error_t *e = qssl_ssl_error_new((qssl_ssl_error_code_t)v, NULL);
        if (!e || v != (qssl_ssl_error_code_t)v) {
            qssl_ssl_error_free(e);
            return usage_error("--ignore-errors: %ld is not a QSslError number", v);
        }
        qssl_ssl_error_free(e);
        if (o->n_ignore == sizeof o->ignore / sizeof o->ignore[0]) {
            return usage_error("--ignore-errors: too many errors");
        }
        o->ignore[o->n_ignore++] = (qssl_ssl_error_code_t)v;
        p = *end ? end + 1 : end;
    }
    return 0;
}

static int opt_ciphers(struct tool_opts *o, const char *arg) { o->ciphers = arg; return 0; }
static int opt_curves(struct tool_opts *o, const char *arg) { o->curves = arg; return 0; }
static int opt_bind(struct tool_opts *o, const char *arg) { o->bind = arg; return 0; }
static int opt_once(struct tool_opts *o, const char *arg) { (void)arg; o->once = 1; return 0; }
static int opt_json(struct tool_opts *o, const char *arg) { (void)arg; o->json = 1; return 0; }

static int opt_sni(struct tool_opts *o, const char *arg) {
    if (o->n_sni == MAX_LIST) return usage_error("--sni: at most %d entries", MAX_LIST);
    const char *first = strchr(arg, ':'), *last = strrchr(arg, ':');
    if (!first || first == arg || last == first || last == first + 1 || !last[1]) {
        return usage_error("--sni: '%s' is not NAME:CERT:KEY", arg);
    }
    o->sni[o->n_sni++] = arg;
    return 0;
}
static int opt_ticket_keys(struct tool_opts *o, const char *arg) { o->ticket_keys = arg; return 0; }
static int opt_keylog(struct tool_opts *o, const char *arg) { o->keylog = arg; return 0; }
static int opt_dtls(struct tool_opts *o, const char *arg) { (void)arg; o->dtls = 1; return 0; }

struct option_def {
    const char *name;  /* without the leading "--" */
    const char *arg;   /* argument name for --help; NULL for a flag */
    unsigned sides;    /* SIDE_CLIENT, SIDE_SERVER or both */
    int (*parse)(struct tool_opts *, const char *arg);
    const char *help;
};

static const struct option_def options[] = {
    {"ca", "FILE", SIDE_CLIENT | SIDE_SERVER, opt_ca,
     "trust only the CA certificates in FILE (PEM or DER; repeatable)"},
    {"cert", "FILE", SIDE_CLIENT | SIDE_SERVER, opt_cert,
     "local certificate, or chain with the leaf first (PEM or DER)"},
    {"key", "FILE", SIDE_CLIENT | SIDE_SERVER, opt_key, "private key for --cert (PEM or DER, unencrypted)"},
    {"name", "NAME", SIDE_CLIENT, opt_name, "peer verify name and SNI (default: HOST)"},
    {"protocol", "P", SIDE_CLIENT | SIDE_SERVER, opt_protocol,
     "tls1.2, tls1.3 or secure (default: Qt's TLS 1.2 or later); dtls1.2 or dtls with --dtls"},
    {"alpn", "LIST", SIDE_CLIENT | SIDE_SERVER, opt_alpn, "ALPN protocols, comma-separated (e.g. h2,http/1.1)"},
    {"verify", "MODE", SIDE_CLIENT | SIDE_SERVER, opt_verify,
     "peer verify mode: none, query, peer or auto (default: auto)"},
    {"psk-identity", "ID", SIDE_CLIENT | SIDE_SERVER, opt_psk_identity,
     "client: PSK identity to send; server: the only identity accepted"},
    {"psk-key", "HEX", SIDE_CLIENT | SIDE_SERVER, opt_psk_key,
     "pre-shared key in hex; enables PSK (a PSK client defaults to --verify none)"},
    {"psk-hint", "HINT", SIDE_SERVER, opt_psk_hint, "PSK identity hint the server sends (TLS 1.2)"},
    {"sess-out", "FILE", SIDE_CLIENT, opt_sess_out, "write the session ticket to FILE at the end"},
    {"sess-in", "FILE", SIDE_CLIENT, opt_sess_in, "resume the session ticket in FILE"},
    {"ignore-errors", "LIST", SIDE_CLIENT | SIDE_SERVER, opt_ignore_errors,
     "ignore these SSL errors (QSslError numbers, comma-separated) or 'all'"},
    {"ciphers", "LIST", SIDE_CLIENT | SIDE_SERVER, opt_ciphers,
     "cipher suites, ':'-separated OpenSSL names (QSslConfiguration::setCiphers)"},
    {"curves", "LIST", SIDE_CLIENT | SIDE_SERVER, opt_curves,
     "key exchange groups, comma-separated short names (e.g. X25519,prime256v1)"},
    {"bind", "ADDR", SIDE_SERVER, opt_bind, "listen on ADDR (default: 127.0.0.1)"},
    {"once", NULL, SIDE_SERVER, opt_once, "exit after one connection (status: that handshake's)"},
    {"json", NULL, SIDE_CLIENT | SIDE_SERVER, opt_json,
     "after each handshake, print one JSON object on standard error"},
    {"sni", "NAME:CERT:KEY", SIDE_SERVER, opt_sni,
     "serve NAME (host, *.domain or *) with CERT and KEY; repeatable (one NAME twice: ECDSA + RSA)"},
    {"ticket-keys", "FILE", SIDE_SERVER, opt_ticket_keys,
     "shared session ticket keys: nginx's 80-byte binary keys or HAProxy's base64 lines"},
    {"keylog", "FILE", SIDE_CLIENT | SIDE_SERVER, opt_keylog,
     "append TLS secrets to FILE (NSS key log); debugging only: it decrypts the traffic"},
    {"dtls", NULL, SIDE_CLIENT | SIDE_SERVER, opt_dtls,
     "DTLS 1.2 over UDP instead of TLS over TCP (one datagram per line; the server verifies cookies)"},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static void print_help(FILE *f) {
    fprintf(f,
            "qssl-tool %s (OpenSSL: %s): try a Qt-style TLS configuration against a real peer.\n"
            "\n"
            "usage:\n"
            "  qssl-tool client HOST:PORT [options]\n"
            "      connect, verify the server, then copy standard input to the peer and\n"
            "      the peer's data to standard output; at the end of standard input send\n"
            "      close_notify and exit.\n"
            "  qssl-tool server PORT [options]\n"
            "      listen on 127.0.0.1:PORT (PORT 0 picks a free port; the address is\n"
            "      printed on standard error) and echo what each client sends.\n"
            "  qssl-tool client|server ... --dtls\n"
            "      the same over DTLS 1.2 on UDP: each line of standard input is one\n"
            "      datagram; the server answers a ClientHello without a cookie with a\n"
            "      HelloVerifyRequest and serves one client at a time.\n"
            "  qssl-tool --help\n"
            "\n"
            "options (both sides unless marked):\n",
            qssl_version(), qssl_openssl_version());
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", options[i].name, options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        const char *mark = options[i].sides == SIDE_CLIENT ? "[client] "
                           : options[i].sides == SIDE_SERVER ? "[server] " : "";
        fprintf(f, "  %-22s %s%s\n", left, mark, options[i].help);
    }
    fprintf(f,
            "\n"
            "Defaults are Qt's QSslConfiguration::defaultConfiguration(): TLS 1.2 or\n"
            "later, the system CA certificates, and the client verifies the server.\n"
            "With --sni and no --cert, a name without an entry is refused (unrecognized_name).\n"
            "The server re-reads its files on SIGHUP (reload, key rotation): new\n"
            "connections use them, open ones keep theirs.\n"
            "The JSON object has protocol, cipher, alpn, alpn_status, peer_subject,\n"
            "resumed, ssl_errors (QSslError numbers), psk_identity and\n"
            "psk_identity_hint; a failed handshake gives {\"error\": ...} instead.\n"
            "\n"
            "exit status: 0 success, 1 handshake or connection failure, 2 bad usage,\n"
            "unreadable file or invalid configuration.\n");
}

/* Parses argv into `o`; returns 0, 1 for --help, or -1 after a message. */
static int parse_args(int argc, char **argv, struct tool_opts *o) {
    if (argc < 2) return usage_error("missing command (client or server)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) return 1;
    if (strcmp(argv[1], "client") == 0) {
        o->side = SIDE_CLIENT;
    } else if (strcmp(argv[1], "server") == 0) {
        o->side = SIDE_SERVER;
    } else {
        return usage_error("unknown command '%s' (client or server)", argv[1]);
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return 1;
        if (strncmp(a, "--", 2) != 0) {
            if (o->target) return usage_error("unexpected argument '%s'", a);
            o->target = a;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        const struct option_def *def = NULL;
        for (size_t k = 0; k < N_OPTIONS; k++) {
            if (strlen(options[k].name) == name_len && strncmp(options[k].name, name, name_len) == 0) {
                def = &options[k];
                break;
            }
        }
        if (!def) return usage_error("unknown option '%.*s'", (int)(name_len + 2), a);
        if (!(def->sides & o->side)) {
            return usage_error("--%s is a %s option", def->name, def->sides == SIDE_CLIENT ? "client" : "server");
        }
        const char *value = NULL;
        if (def->arg) {
            if (eq) {
                value = eq + 1;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return usage_error("--%s needs an argument (%s)", def->name, def->arg);
            }
        } else if (eq) {
            return usage_error("--%s takes no argument", def->name);
        }
        if (def->parse(o, value) != 0) return -1;
    }
    if (!o->target) {
        return usage_error(o->side == SIDE_CLIENT ? "client: missing HOST:PORT" : "server: missing PORT");
    }
    if ((o->cert == NULL) != (o->key == NULL)) return usage_error("--cert and --key go together");
    if (o->psk_identity && !o->has_psk_key) return usage_error("--psk-identity needs --psk-key");
    if (o->psk_hint && !o->has_psk_key) return usage_error("--psk-hint needs --psk-key");
    if (o->side == SIDE_SERVER && !o->cert && !o->has_psk_key && !o->n_sni) {
        return usage_error("server: give --cert and --key, --sni, or --psk-key");
    }
    if (o->dtls) {
        if (o->sess_out || o->sess_in) return usage_error("--sess-out and --sess-in are TLS options (not with --dtls)");
        if (o->n_sni) return usage_error("--sni is a TLS option (not with --dtls)");
        if (o->ticket_keys) return usage_error("--ticket-keys is a TLS option (not with --dtls)");
        if (o->has_protocol && o->protocol != QSSL_SSL_PROTOCOL_DTLS_V1_2 &&
            o->protocol != QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER) {
            return usage_error("--protocol: with --dtls use dtls1.2 or dtls");
        }
    } else if (o->has_protocol && (o->protocol == QSSL_SSL_PROTOCOL_DTLS_V1_2 ||
                                   o->protocol == QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER)) {
        return usage_error("--protocol %s needs --dtls", o->protocol == QSSL_SSL_PROTOCOL_DTLS_V1_2 ? "dtls1.2" : "dtls");
    }
    return 0;
}

/* ---- files ---------------------------------------------------------------- */

/* Reads a whole file; on failure prints "what FILE: reason" and returns NULL. */
static uint8_t *read_file(const char *what, const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            uint8_t *bigger = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                buf = NULL;
                errno = EFBIG;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    int err = errno;
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(err ? err : EIO));
        return NULL;
    }
    *len = n;
    return buf;
}

static void wipe_free(uint8_t *buf, size_t len) {
    if (!buf) return;
    volatile uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) p[i] = 0;
    free(buf);
}

/* Certificates from a PEM or DER file; NULL after a message. */
static qssl_cert_list_t *load_certs(const char *what, const char *path) {
    size_t len = 0;
    uint8_t *data = read_file(what, path, &len);
    if (!data) return NULL;
    qssl_cert_list_t *list = NULL;
    if (qssl_cert_from_data(data, len, QSSL_ENCODING_FORMAT_PEM, &list) == QSSL_STATUS_OK &&
        qssl_cert_list_len(list) == 0) {
        qssl_cert_list_free(list);
        list = NULL;
        qssl_cert_from_data(data, len, QSSL_ENCODING_FORMAT_DER, &list);
    }
    free(data);
    if (qssl_cert_list_len(list) == 0) {
        qssl_cert_list_free(list);
        fprintf(stderr, "%s: %s %s: no certificate found (PEM or DER)\n", prog, what, path);
        return NULL;
    }
    return list;
}

/* A private key of any algorithm from a PEM or DER file; NULL after a message. */
static qssl_key_t *load_key(const char *path) {
    size_t len = 0;
    uint8_t *data = read_file("--key", path, &len);
    if (!data) return NULL;
    static const qssl_key_algorithm_t algs[] = {QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_ALGORITHM_EC,
                                                QSSL_KEY_ALGORITHM_DSA, QSSL_KEY_ALGORITHM_DH,
                                                QSSL_KEY_ALGORITHM_OPAQUE};
    qssl_key_t *key = NULL;
    qssl_status_t st = QSSL_STATUS_PARSE_FAILED;
    char first_error[512] = "";
    for (int der = 0; der < 2 && !key; der++) {
        for (size_t i = 0; i < sizeof algs / sizeof algs[0] && !key; i++) {
            st = der ? qssl_key_from_der(data, len, algs[i], QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &key)
                     : qssl_key_from_pem(data, len, algs[i], QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &key);
            if (st == QSSL_STATUS_BAD_PASSPHRASE) {
                snprintf(first_error, sizeof first_error, "%s", "the key is encrypted (not supported)");
                der = 2;
                break;
            }
            if (st != QSSL_STATUS_OK && !first_error[0]) {
                snprintf(first_error, sizeof first_error, "%s", qssl_last_error_message());
            }
        }
    }
    wipe_free(data, len);
    if (!key) {
        fprintf(stderr, "%s: --key %s: no usable private key (%s)\n", prog, path, first_error);
    }
    return key;
}

static int write_file(const char *what, const char *path, const uint8_t *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(errno));
        if (f) fclose(f);
        return -1;
    }
    return 0;
}

/* ---- configuration ------------------------------------------------------- */

static int config_error(const char *what) {
    fprintf(stderr, "%s: %s: %s\n", prog, what, qssl_last_error_message());
    return -1;
}

/* --keylog: one line per secret, appended to a file only the user can read. */
static FILE *keylog_file;

static void keylog_line(void *user_data, const char *line) {
    (void)user_data;
    if (keylog_file) {
        fprintf(keylog_file, "%s\n", line);
        fflush(keylog_file);
    }
}

static int open_keylog(const char *path) {
    if (keylog_file) return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    keylog_file = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!keylog_file) {
        fprintf(stderr, "%s: --keylog %s: %s\n", prog, path, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    fprintf(stderr, "%s: WARNING: writing TLS secrets to %s (--keylog): anyone with this file can "
                    "decrypt the traffic\n", prog, path);
    return 0;
}

/* Adds the --sni entries: each a copy of `cfg` (its protocol, ALPN, CAs,
   key log...) with its own certificate and key. 0, or -1 after a message. */
static int add_sni_entries(const struct tool_opts *o, qssl_config_t *cfg) {
    for (size_t i = 0; i < o->n_sni; i++) {
        const char *arg = o->sni[i], *first = strchr(arg, ':'), *last = strrchr(arg, ':');
        char name[256], cert[4096], key[4096];
        size_t nl = (size_t)(first - arg), cl = (size_t)(last - first - 1);
        if (nl >= sizeof name || cl >= sizeof cert || strlen(last + 1) >= sizeof key) {
            fprintf(stderr, "%s: --sni %s: too long\n", prog, arg);
            return -1;
        }
        memcpy(name, arg, nl);
        name[nl] = 0;
        memcpy(cert, first + 1, cl);
        cert[cl] = 0;
        snprintf(key, sizeof key, "%s", last + 1);
        qssl_cert_list_t *chain = load_certs("--sni", cert);
        qssl_key_t *k = chain ? load_key(key) : NULL;
        qssl_config_t *entry = qssl_config_copy(cfg);
        int ok = chain && k && entry;
        if (ok && (qssl_config_set_local_certificate_chain(entry, qssl_cert_list_items(chain),
                                                          qssl_cert_list_len(chain)) != QSSL_STATUS_OK ||
                   qssl_config_set_private_key(entry, k) != QSSL_STATUS_OK ||
                   qssl_config_add_sni_entry(cfg, name, entry) != QSSL_STATUS_OK)) {
            ok = !config_error("--sni");
        }
        qssl_config_free(entry);
        qssl_key_free(k);
        qssl_cert_list_free(chain);
        if (!ok) return -1;
    }
    /* Without a default certificate, a name without an entry cannot be served. */
    if (o->n_sni && !o->cert && qssl_config_set_sni_strict(cfg, true) != QSSL_STATUS_OK) {
        return config_error("--sni");
    }
    return 0;
}

/* Builds the configuration from the options; NULL after a message. */
static qssl_config_t *build_config(const struct tool_opts *o) {
    qssl_config_t *cfg = o->dtls ? qssl_config_default_dtls_configuration() : qssl_config_default_configuration();
    if (!cfg) {
        config_error("default configuration");
        return NULL;
    }
    int ok = 1;
    if (o->n_ca) {
        const qssl_cert_t *all[256];
        size_t n = 0;
        qssl_cert_list_t *lists[MAX_LIST] = {0};
        for (size_t i = 0; i < o->n_ca && ok; i++) {
            lists[i] = load_certs("--ca", o->ca[i]);
            if (!lists[i]) {
                ok = 0;
                break;
            }
            for (size_t k = 0; k < qssl_cert_list_len(lists[i]) && n < 256; k++) {
                all[n++] = qssl_cert_list_get(lists[i], k);
            }
        }
        if (ok && qssl_config_set_ca_certificates(cfg, all, n) != QSSL_STATUS_OK) ok = !config_error("--ca");
        for (size_t i = 0; i < o->n_ca; i++) qssl_cert_list_free(lists[i]);
    }
    if (ok && o->cert) {
        qssl_cert_list_t *chain = load_certs("--cert", o->cert);
        qssl_key_t *key = chain ? load_key(o->key) : NULL;
        if (!chain || !key) {
            ok = 0;
        } else if (qssl_config_set_local_certificate_chain(cfg, qssl_cert_list_items(chain),
                                                          qssl_cert_list_len(chain)) != QSSL_STATUS_OK) {
            ok = !config_error("--cert");
        } else if (qssl_config_set_private_key(cfg, key) != QSSL_STATUS_OK) {
            ok = !config_error("--key");
        }
        qssl_key_free(key);
        qssl_cert_list_free(chain);
    }
    if (ok && o->has_protocol && qssl_config_set_protocol(cfg, o->protocol) != QSSL_STATUS_OK) {
        ok = !config_error("--protocol");
    }
    /* A PSK authenticates the server: a PSK client does not ask for a
       certificate unless --verify says so. */
    qssl_peer_verify_mode_t verify = o->verify;
    int has_verify = o->has_verify;
    if (!has_verify && o->has_psk_key && o->side == SIDE_CLIENT) {
        verify = QSSL_PEER_VERIFY_MODE_VERIFY_NONE;
        has_verify = 1;
    }
    if (ok && has_verify && qssl_config_set_peer_verify_mode(cfg, verify) != QSSL_STATUS_OK) {
        ok = !config_error("--verify");
    }
    if (ok && o->alpn) {
        const uint8_t *protos[32];
        size_t lens[32], n = 0;
        const char *p = o->alpn;
        while (ok) {
            const char *comma = strchr(p, ',');
            size_t l = comma ? (size_t)(comma - p) : strlen(p);
            if (l == 0 || l > 255 || n == 32) {
                fprintf(stderr, "%s: --alpn: '%s' is not a comma-separated list of 1 to 32 names\n", prog, o->alpn);
                ok = 0;
                break;
            }
            protos[n] = (const uint8_t *)p;
            lens[n++] = l;
            if (!comma) break;
            p = comma + 1;
        }
        if (ok && qssl_config_set_allowed_next_protocols(cfg, protos, lens, n) != QSSL_STATUS_OK) {
            ok = !config_error("--alpn");
        }
    }
    if (ok && o->ciphers && qssl_config_set_ciphers_string(cfg, o->ciphers) != QSSL_STATUS_OK) {
        ok = !config_error("--ciphers");
    }
    if (ok && o->curves) {
        qssl_curve_t curves[32];
        size_t n = 0;
        char buf[64];
        const char *p = o->curves;
        while (ok) {
            const char *comma = strpbrk(p, ",:");
            size_t l = comma ? (size_t)(comma - p) : strlen(p);
            if (l == 0 || l >= sizeof buf || n == 32) {
                fprintf(stderr, "%s: --curves: '%s' is not a comma-separated list of curve names\n", prog,
                        o->curves);
                ok = 0;
                break;
            }
            memcpy(buf, p, l);
            buf[l] = 0;
            curves[n] = qssl_curve_from_short_name(buf);
            if (!qssl_curve_is_valid(curves[n])) {
                fprintf(stderr, "%s: --curves: unknown curve '%s'\n", prog, buf);
                ok = 0;
                break;
            }
            n++;
            if (!comma) break;
            p = comma + 1;
        }
        if (ok && qssl_config_set_elliptic_curves(cfg, curves, n) != QSSL_STATUS_OK) ok = !config_error("--curves");
    }
    if (ok && o->psk_hint &&
        qssl_config_set_pre_shared_key_identity_hint(cfg, (const uint8_t *)o->psk_hint, strlen(o->psk_hint)) !=
            QSSL_STATUS_OK) {
        ok = !config_error("--psk-hint");
    }
    /* Qt keeps session tickets only with session persistence enabled. */
    if (ok && (o->sess_out || o->sess_in) &&
        qssl_config_set_ssl_option(cfg, QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, false) != QSSL_STATUS_OK) {
        ok = !config_error("session persistence");
    }
    if (ok && o->sess_in) {
        size_t len = 0;
        uint8_t *ticket = read_file("--sess-in", o->sess_in, &len);
        if (!ticket) {
            ok = 0;
        } else if (qssl_config_set_session_ticket(cfg, ticket, len) != QSSL_STATUS_OK) {
            ok = !config_error("--sess-in");
        }
        wipe_free(ticket, len);
    }
    if (ok && o->keylog) {
        if (open_keylog(o->keylog) != 0) {
            ok = 0;
        } else if (qssl_config_set_keylog_callback(cfg, keylog_line, NULL, NULL) != QSSL_STATUS_OK) {
            ok = !config_error("--keylog");
        }
    }
    if (ok && o->ticket_keys && qssl_config_set_session_ticket_keys_from_file(cfg, o->ticket_keys) != QSSL_STATUS_OK) {
        ok = !config_error("--ticket-keys");
    }
    /* Last: the entries copy everything above. */
    if (ok && o->n_sni && add_sni_entries(o, cfg) != 0) ok = 0;
    if (!ok) {
        qssl_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* ---- per connection -------------------------------------------------------- */

/* What the PSK callback saw and answered, for the JSON. */
struct psk_state {
    const struct tool_opts *o;
    int ran;
    char identity[256];
    int has_identity;
    char hint[256];
    int has_hint;
};

static void copy_text(char *dst, size_t cap, const uint8_t *src, size_t len) {
    if (len >= cap) len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = 0;
}

static int32_t psk_callback(void *user_data, qssl_psk_auth_t *auth) {
    struct psk_state *s = user_data;
    const struct tool_opts *o = s->o;
    uint8_t buf[256];
    size_t len = 0;
    s->ran = 1;
    if (o->side == SIDE_CLIENT) {
        if (!qssl_psk_auth_identity_hint_is_null(auth) &&
            qssl_psk_auth_identity_hint(auth, buf, sizeof buf, &len) == QSSL_STATUS_OK) {
            copy_text(s->hint, sizeof s->hint, buf, len);
            s->has_hint = 1;
        }
        const char *id = o->psk_identity ? o->psk_identity : "";
        qssl_psk_auth_set_identity(auth, (const uint8_t *)id, strlen(id));
        copy_text(s->identity, sizeof s->identity, (const uint8_t *)id, strlen(id));
        s->has_identity = 1;
    } else {
        if (o->psk_hint) {
            copy_text(s->hint, sizeof s->hint, (const uint8_t *)o->psk_hint, strlen(o->psk_hint));
            s->has_hint = 1;
        }
        if (qssl_psk_auth_identity(auth, buf, sizeof buf, &len) == QSSL_STATUS_OK) {
            copy_text(s->identity, sizeof s->identity, buf, len);
            s->has_identity = 1;
        }
        if (o->psk_identity && (len != strlen(o->psk_identity) || memcmp(buf, o->psk_identity, len) != 0)) {
            return 1; /* an unknown identity: refuse the handshake */
        }
    }
    qssl_psk_auth_set_pre_shared_key(auth, o->psk_key, o->psk_key_len);
    return 0;
}

/* Per-connection settings; returns 0 or -1 after a message. */
static int setup_conn(const struct tool_opts *o, qssl_conn_t *conn, struct psk_state *psk) {
    if (o->side == SIDE_CLIENT) {
        const char *name = o->name;
        char host[256];
        if (!name) {
            /* HOST from HOST:PORT, without IPv6 brackets. */
            const char *t = o->target;
            const char *colon = strrchr(t, ':');
            size_t l = colon ? (size_t)(colon - t) : strlen(t);
            if (l >= 2 && t[0] == '[' && t[l - 1] == ']') {
                t++;
                l -= 2;
            }
            if (l >= sizeof host) l = sizeof host - 1;
            memcpy(host, t, l);
            host[l] = 0;
            name = host;
        }
        if (qssl_conn_set_peer_verify_name(conn, name) != QSSL_STATUS_OK) return config_error("peer verify name");
    }
    if (o->has_psk_key && qssl_conn_set_psk_callback(conn, psk_callback, psk, NULL) != QSSL_STATUS_OK) {
        return config_error("PSK callback");
    }
    if (o->ignore_all) {
        if (qssl_conn_ignore_ssl_errors(conn) != QSSL_STATUS_OK) return config_error("--ignore-errors");
    } else if (o->n_ignore) {
        qssl_ssl_error_t *errs[64];
        for (size_t i = 0; i < o->n_ignore; i++) errs[i] = qssl_ssl_error_new(o->ignore[i], NULL);
        qssl_status_t st = qssl_conn_ignore_ssl_errors_list(conn, (const qssl_ssl_error_t *const *)errs, o->n_ignore);
        for (size_t i = 0; i < o->n_ignore; i++) qssl_ssl_error_free(errs[i]);
        if (st != QSSL_STATUS_OK) return config_error("--ignore-errors");
    }
    return 0;
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(f, "\\%c", *p);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void json_string_or_null(FILE *f, const char *s, int present) {
    if (present) {
        json_string(f, s);
    } else {
        fputs("null", f);
    }
}

static const char *protocol_name(qssl_ssl_protocol_t p) {
    switch (p) {
    case QSSL_SSL_PROTOCOL_TLS_V1_0: return "TLSv1.0";
    case QSSL_SSL_PROTOCOL_TLS_V1_1: return "TLSv1.1";
    case QSSL_SSL_PROTOCOL_TLS_V1_2: return "TLSv1.2";
    case QSSL_SSL_PROTOCOL_TLS_V1_3: return "TLSv1.3";
    case QSSL_SSL_PROTOCOL_DTLS_V1_0: return "DTLSv1.0";
    case QSSL_SSL_PROTOCOL_DTLS_V1_2: return "DTLSv1.2";
    default: return NULL;
    }
}

static void json_ssl_errors(FILE *f, const qssl_conn_t *conn) {
    qssl_ssl_error_list_t *errs = qssl_conn_ssl_errors(conn);
    fputc('[', f);
    for (size_t i = 0; i < qssl_ssl_error_list_len(errs); i++) {
        fprintf(f, "%s%d", i ? ", " : "", (int)qssl_ssl_error_error(qssl_ssl_error_list_get(errs, i)));
    }
    fputc(']', f);
    qssl_ssl_error_list_free(errs);
}

static void report_handshake(const struct tool_opts *o, const qssl_conn_t *conn, const struct psk_state *psk) {
    qssl_config_t *s = qssl_conn_ssl_configuration(conn);
    char cipher[256] = "", subject[1024] = "", alpn[256] = "";
    size_t len = 0;
    qssl_cipher_t *c = qssl_config_session_cipher(s);
    if (qssl_cipher_name(c, cipher, sizeof cipher, &len) != QSSL_STATUS_OK) cipher[0] = 0;
    qssl_cipher_free(c);
    qssl_cert_t *peer = qssl_config_peer_certificate(s);
    int has_peer = !qssl_cert_is_null(peer) &&
                   qssl_cert_subject_display_name(peer, subject, sizeof subject, &len) == QSSL_STATUS_OK;
    qssl_cert_free(peer);
    int has_alpn = !qssl_config_next_negotiated_protocol_is_null(s) &&
                   qssl_config_next_negotiated_protocol(s, (uint8_t *)alpn, sizeof alpn - 1, &len) ==
                       QSSL_STATUS_OK;
    if (has_alpn) alpn[len] = 0;
    qssl_next_protocol_negotiation_status_t ns = qssl_config_next_protocol_negotiation_status(s);
    const char *proto = protocol_name(qssl_config_session_protocol(s));
    qssl_config_free(s);

    if (!o->json) {
        fprintf(stderr, "%s: handshake done: %s, %s%s%s%s%s\n", prog, proto ? proto : "?", cipher,
                has_alpn ? ", ALPN " : "", has_alpn ? alpn : "", qssl_conn_session_resumed(conn) ? ", resumed" : "",
                has_peer ? "" : ", no peer certificate");
        return;
    }
    FILE *f = stderr;
    fputs("{\"protocol\": ", f);
    json_string_or_null(f, proto ? proto : "", proto != NULL);
    fputs(", \"cipher\": ", f);
    json_string_or_null(f, cipher, cipher[0] != 0);
    fputs(", \"alpn\": ", f);
    json_string_or_null(f, alpn, has_alpn);
    fputs(", \"alpn_status\": ", f);
    json_string(f, ns == QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NEGOTIATED    ? "negotiated"
                   : ns == QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_UNSUPPORTED ? "unsupported"
                                                                              : "none");
    fputs(", \"peer_subject\": ", f);
    json_string_or_null(f, subject, has_peer);
    fprintf(f, ", \"resumed\": %s, \"ssl_errors\": ", qssl_conn_session_resumed(conn) ? "true" : "false");
    json_ssl_errors(f, conn);
    fputs(", \"psk_identity\": ", f);
    json_string_or_null(f, psk->identity, psk->has_identity);
    fputs(", \"psk_identity_hint\": ", f);
    json_string_or_null(f, psk->hint, psk->has_hint);
    fputs("}\n", f);
    fflush(f);
}

/* Reports a failure: the JSON error object, or a line of text. */
static void report_failure(const struct tool_opts *o, const char *what, qssl_status_t st, const char *message,
                           const qssl_conn_t *conn) {
    if (!o->json) {
        fprintf(stderr, "%s: %s failed: %s (%s)\n", prog, what, message, qssl_status_string(st));
        return;
    }
    char text[1024];
    snprintf(text, sizeof text, "%s failed: %s", what, message);
    fputs("{\"error\": ", stderr);
    json_string(stderr, text);
    fputs(", \"status\": ", stderr);
    json_string(stderr, qssl_status_string(st));
    if (conn) {
        fputs(", \"ssl_errors\": ", stderr);
        json_ssl_errors(stderr, conn);
    }
    fputs("}\n", stderr);
    fflush(stderr);
}

/* A failure after the handshake: a line of text (the JSON is per handshake). */
static void report_io(const char *what, qssl_status_t st) {
    fprintf(stderr, "%s: connection: %s failed: %s (%s)\n", prog, what, qssl_last_error_message(),
            qssl_status_string(st));
}

/* ---- I/O ------------------------------------------------------------------- */

/* Waits for the socket as a WANT_* status asks. */
static void wait_fd(int fd, qssl_status_t want) {
    struct pollfd p = {fd, (short)(want == QSSL_STATUS_WANT_WRITE ? POLLOUT : POLLIN), 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
}

static qssl_status_t handshake(qssl_conn_t *conn, int fd) {
    for (;;) {
        qssl_status_t st = qssl_conn_handshake(conn);
        if (st != QSSL_STATUS_WANT_READ && st != QSSL_STATUS_WANT_WRITE) return st;
        wait_fd(fd, st);
    }
}

static qssl_status_t write_all(qssl_conn_t *conn, int fd, const uint8_t *data, size_t len) {
    for (;;) {
        size_t w = 0;
        qssl_status_t st = qssl_conn_write(conn, data, len, &w);
        if (st != QSSL_STATUS_WANT_READ && st != QSSL_STATUS_WANT_WRITE) return st;
        wait_fd(fd, st);
    }
}

static int write_stdout(const uint8_t *data, size_t len) {
    while (len) {
        ssize_t w = write(STDOUT_FILENO, data, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Saves the latest session ticket for --sess-out; 0 or -1. */
static int save_session(const struct tool_opts *o, const qssl_conn_t *conn) {
    qssl_config_t *s = qssl_conn_ssl_configuration(conn);
    size_t len = 0;
    int rc = -1;
    if (qssl_config_session_ticket_is_null(s)) {
        fprintf(stderr, "%s: --sess-out: the server sent no session ticket\n", prog);
    } else if (qssl_config_session_ticket(s, NULL, 0, &len) == QSSL_STATUS_BUFFER_TOO_SMALL || len == 0) {
        uint8_t *buf = malloc(len ? len : 1);
        if (buf && qssl_config_session_ticket(s, buf, len, &len) == QSSL_STATUS_OK) {
            rc = write_file("--sess-out", o->sess_out, buf, len);
        }
        wipe_free(buf, len);
    }
    qssl_config_free(s);
    return rc;
}

/* A socket of `socktype` connected to HOST:PORT ("[v6]:port" too); -2 for a
 * usage error, -1 when it cannot be reached. With `addr`, also the numeric
 * address and port connected to (DTLS needs them for the peer). */
static int connect_to(const char *target, int socktype, char *addr, size_t addr_cap, unsigned *port) {
    char host[256];
    const char *colon = strrchr(target, ':');
    if (!colon || colon == target || !colon[1]) {
        usage_error("client: '%s' is not HOST:PORT", target);
        return -2;
    }
    size_t l = (size_t)(colon - target);
    const char *h = target;
    if (l >= 2 && h[0] == '[' && h[l - 1] == ']') {
        h++;
        l -= 2;
    }
    if (l >= sizeof host) {
        usage_error("client: host name too long");
        return -2;
    }
    memcpy(host, h, l);
    host[l] = 0;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = socktype;
    int gai = getaddrinfo(host, colon + 1, &hints, &res);
    if (gai != 0) {
        fprintf(stderr, "%s: cannot resolve %s: %s\n", prog, target, gai_strerror(gai));
        return -1;
    }
    int fd = -1, err = 0;
    char serv[32] = "";
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
            (!addr || getnameinfo(a->ai_addr, a->ai_addrlen, addr, addr_cap, serv, sizeof serv,
                                  NI_NUMERICHOST | NI_NUMERICSERV) == 0)) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) fprintf(stderr, "%s: cannot connect to %s: %s\n", prog, target, strerror(err));
    if (port) *port = (unsigned)atoi(serv);
    return fd;
}

static int run_client(const struct tool_opts *o, const qssl_config_t *cfg) {
    int fd = connect_to(o->target, SOCK_STREAM, NULL, 0, NULL);
    if (fd < 0) return fd == -2 ? EXIT_USAGE : EXIT_TLS;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    qssl_conn_t *conn = NULL;
    struct psk_state psk;
    memset(&psk, 0, sizeof psk);
    psk.o = o;
    if (qssl_conn_new_fd(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, fd, &conn) != QSSL_STATUS_OK) {
        config_error("configuration");
        close(fd);
        return EXIT_USAGE;
    }
    if (setup_conn(o, conn, &psk) != 0) {
        qssl_conn_free(conn);
        close(fd);
        return EXIT_USAGE;
    }
    qssl_status_t st = handshake(conn, fd);
    if (st != QSSL_STATUS_OK) {
        report_failure(o, "handshake", st, qssl_last_error_message(), conn);
        qssl_conn_free(conn);
        close(fd);
        return EXIT_TLS;
    }
    report_handshake(o, conn, &psk);

    int rc = 0, stdin_open = 1, peer_open = 1;
    uint8_t buf[16384];
    while (stdin_open && peer_open) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (qssl_conn_pending(conn) == 0 && poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        /* The peer's data (and post-handshake messages such as tickets). */
        for (;;) {
            size_t n = 0;
            st = qssl_conn_read(conn, buf, sizeof buf, &n);
            if (st == QSSL_STATUS_OK) {
                if (write_stdout(buf, n) != 0) {
                    stdin_open = 0;
                    break;
                }
                continue;
            }
            if (st == QSSL_STATUS_WANT_READ || st == QSSL_STATUS_WANT_WRITE) break;
            peer_open = 0;
            if (st != QSSL_STATUS_CLOSED) {
                report_io("read", st);
                rc = EXIT_TLS;
            }
            break;
        }
        if (!peer_open || !(p[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            stdin_open = 0;
            break;
        }
        st = write_all(conn, fd, buf, (size_t)n);
        if (st != QSSL_STATUS_OK) {
            report_io("write", st);
            rc = EXIT_TLS;
            peer_open = 0;
        }
    }
    if (o->sess_out && save_session(o, conn) != 0 && rc == 0) rc = EXIT_TLS;
    if (peer_open) {
        for (int i = 0; i < 100 && (st = qssl_conn_shutdown(conn)) != QSSL_STATUS_OK; i++) {
            if (st != QSSL_STATUS_WANT_READ && st != QSSL_STATUS_WANT_WRITE) break;
            wait_fd(fd, st);
        }
    }
    qssl_conn_free(conn);
    close(fd);
    return rc;
}

/* One server connection on a blocking socket: handshake, then echo. */
static int serve_one(const struct tool_opts *o, const qssl_config_t *cfg, int fd) {
    qssl_conn_t *conn = NULL;
    struct psk_state psk;
    memset(&psk, 0, sizeof psk);
    psk.o = o;
    if (qssl_conn_new_fd(cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, fd, &conn) != QSSL_STATUS_OK) {
        config_error("configuration");
        return EXIT_USAGE;
    }
    if (setup_conn(o, conn, &psk) != 0) {
        qssl_conn_free(conn);
        return EXIT_USAGE;
    }
    qssl_status_t st = handshake(conn, fd);
    if (st != QSSL_STATUS_OK) {
        report_failure(o, "handshake", st, qssl_last_error_message(), conn);
        qssl_conn_free(conn);
        return EXIT_TLS;
    }
    report_handshake(o, conn, &psk);
    int shut = 1;
    uint8_t buf[16384];
    for (;;) {
        size_t n = 0;
        st = qssl_conn_read(conn, buf, sizeof buf, &n);
        if (st == QSSL_STATUS_WANT_READ || st == QSSL_STATUS_WANT_WRITE) {
            wait_fd(fd, st);
            continue;
        }
        if (st == QSSL_STATUS_CLOSED) break;
        if (st == QSSL_STATUS_OK) st = write_all(conn, fd, buf, n);
        if (st != QSSL_STATUS_OK) {
            /* After the handshake the client may leave at any time (it
               sends close_notify and closes without reading the echo):
               report it, but the connection's status is the handshake's. */
            report_io("echo", st);
            shut = 0;
            break;
        }
    }
    if (shut) qssl_conn_shutdown(conn);
    qssl_conn_free(conn);
    return 0;
}

static volatile sig_atomic_t reload_requested;

static void on_sighup(int sig) {
    (void)sig;
    reload_requested = 1;
}

static int run_server(const struct tool_opts *o, const qssl_config_t *initial) {
    /* SIGHUP: build the configuration again from the files; new connections
       use it, the old one stays if the new one cannot be built. */
    qssl_config_t *cfg = qssl_config_copy(initial);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sighup;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* a signal must not break a connection's read */
    sigaction(SIGHUP, &sa, NULL);
    char *end = NULL;
    long port = strtol(o->target, &end, 10);
    if (end == o->target || *end || port < 0 || port > 65535) {
        usage_error("server: '%s' is not a port number", o->target);
        qssl_config_free(cfg);
        return EXIT_USAGE;
    }
    const char *addr = o->bind ? o->bind : "127.0.0.1";
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    int gai = getaddrinfo(addr, o->target, &hints, &res);
    if (gai != 0) {
        usage_error("--bind: '%s' is not an IP address (%s)", addr, gai_strerror(gai));
        qssl_config_free(cfg);
        return EXIT_USAGE;
    }
    int ls = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    int one = 1;
    if (ls >= 0) setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ls < 0 || bind(ls, res->ai_addr, res->ai_addrlen) != 0 || listen(ls, 16) != 0) {
        fprintf(stderr, "%s: cannot listen on %s port %s: %s\n", prog, addr, o->target, strerror(errno));
        freeaddrinfo(res);
        if (ls >= 0) close(ls);
        qssl_config_free(cfg);
        return EXIT_USAGE;
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[256] = "?", serv[32] = "?";
    if (getsockname(ls, (struct sockaddr *)&ss, &sl) == 0) {
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
    }
    fprintf(stderr, "%s: listening on %s port %s\n", prog, host, serv);
    fflush(stderr);
    int rc = 0;
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
            rc = EXIT_TLS;
            break;
        }
        /* Checked after accept (restarted by SA_RESTART), so the first
           connection after a SIGHUP gets the new configuration. */
        if (reload_requested) {
            reload_requested = 0;
            qssl_config_t *fresh = build_config(o);
            if (fresh) {
                qssl_config_free(cfg);
                cfg = fresh;
                fprintf(stderr, "%s: reloaded the configuration (new connections use it)\n", prog);
            } else {
                fprintf(stderr, "%s: reload failed; keeping the previous configuration\n", prog);
            }
            fflush(stderr);
        }
        rc = serve_one(o, cfg, fd);
        close(fd);
        if (o->once || rc == EXIT_USAGE) break;
    }
    close(ls);
    qssl_config_free(cfg);
    return rc;
}

/* ---- DTLS (--dtls) --------------------------------------------------------- */

/* Per-connection settings of a DTLS connection; 0 or -1 after a message. */
static int setup_dtls(const struct tool_opts *o, qssl_dtls_t *d, struct psk_state *psk) {
    if (o->has_psk_key && qssl_dtls_set_psk_callback(d, psk_callback, psk, NULL) != QSSL_STATUS_OK) {
        return config_error("PSK callback");
    }
    if (o->n_ignore) {
        qssl_ssl_error_t *errs[64];
        for (size_t i = 0; i < o->n_ignore; i++) errs[i] = qssl_ssl_error_new(o->ignore[i], NULL);
        qssl_status_t st =
            qssl_dtls_ignore_verification_errors(d, (const qssl_ssl_error_t *const *)errs, o->n_ignore);
        for (size_t i = 0; i < o->n_ignore; i++) qssl_ssl_error_free(errs[i]);
        if (st != QSSL_STATUS_OK) return config_error("--ignore-errors");
    }
    return 0;
}

static void json_dtls_errors(FILE *f, const qssl_dtls_t *d) {
    qssl_ssl_error_list_t *errs = qssl_dtls_peer_verification_errors(d);
    fputc('[', f);
    for (size_t i = 0; i < qssl_ssl_error_list_len(errs); i++) {
        fprintf(f, "%s%d", i ? ", " : "", (int)qssl_ssl_error_error(qssl_ssl_error_list_get(errs, i)));
    }
    fputc(']', f);
    qssl_ssl_error_list_free(errs);
}

static void report_dtls_handshake(const struct tool_opts *o, const qssl_dtls_t *d, const struct psk_state *psk) {
    qssl_config_t *s = qssl_dtls_dtls_configuration(d);
    char cipher[256] = "", subject[1024] = "", alpn[256] = "";
    size_t len = 0;
    qssl_cipher_t *c = qssl_dtls_session_cipher(d);
    if (qssl_cipher_name(c, cipher, sizeof cipher, &len) != QSSL_STATUS_OK) cipher[0] = 0;
    qssl_cipher_free(c);
    qssl_cert_t *peer = qssl_config_peer_certificate(s);
    int has_peer = !qssl_cert_is_null(peer) &&
                   qssl_cert_subject_display_name(peer, subject, sizeof subject, &len) == QSSL_STATUS_OK;
    qssl_cert_free(peer);
    int has_alpn = !qssl_config_next_negotiated_protocol_is_null(s) &&
                   qssl_config_next_negotiated_protocol(s, (uint8_t *)alpn, sizeof alpn - 1, &len) ==
                       QSSL_STATUS_OK;
    if (has_alpn) alpn[len] = 0;
    qssl_next_protocol_negotiation_status_t ns = qssl_config_next_protocol_negotiation_status(s);
    qssl_config_free(s);
    const char *proto = protocol_name(qssl_dtls_session_protocol(d));
    if (!o->json) {
        fprintf(stderr, "%s: handshake done: %s, %s%s%s%s\n", prog, proto ? proto : "?", cipher,
                has_alpn ? ", ALPN " : "", has_alpn ? alpn : "", has_peer ? "" : ", no peer certificate");
        return;
    }
    FILE *f = stderr;
    fputs("{\"protocol\": ", f);
    json_string_or_null(f, proto ? proto : "", proto != NULL);
    fputs(", \"cipher\": ", f);
    json_string_or_null(f, cipher, cipher[0] != 0);
    fputs(", \"alpn\": ", f);
    json_string_or_null(f, alpn, has_alpn);
    fputs(", \"alpn_status\": ", f);
    json_string(f, ns == QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NEGOTIATED    ? "negotiated"
                   : ns == QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_UNSUPPORTED ? "unsupported"
                                                                              : "none");
    fputs(", \"peer_subject\": ", f);
    json_string_or_null(f, subject, has_peer);
    fputs(", \"resumed\": false, \"ssl_errors\": ", f);
    json_dtls_errors(f, d);
    fputs(", \"psk_identity\": ", f);
    json_string_or_null(f, psk->identity, psk->has_identity);
    fputs(", \"psk_identity_hint\": ", f);
    json_string_or_null(f, psk->hint, psk->has_hint);
    fputs("}\n", f);
    fflush(f);
}

static void report_dtls_failure(const struct tool_opts *o, const char *what, qssl_status_t st, const qssl_dtls_t *d) {
    if (!o->json) {
        fprintf(stderr, "%s: %s failed: %s (%s)\n", prog, what, qssl_last_error_message(), qssl_status_string(st));
        return;
    }
    char text[1024];
    snprintf(text, sizeof text, "%s failed: %s", what, qssl_last_error_message());
    fputs("{\"error\": ", stderr);
    json_string(stderr, text);
    fputs(", \"status\": ", stderr);
    json_string(stderr, qssl_status_string(st));
    if (d) {
        fputs(", \"ssl_errors\": ", stderr);
        json_dtls_errors(stderr, d);
    }
    fputs("}\n", stderr);
    fflush(stderr);
}

/* Milliseconds to wait for a datagram: until the retransmission deadline,
   at most `cap`. */
static int dtls_wait_ms(const qssl_dtls_t *d, int cap) {
    int64_t ms = -1;
    if (qssl_dtls_next_timeout_ms(d, &ms) != QSSL_STATUS_OK || ms < 0 || ms > cap) return cap;
    return (int)ms;
}

/* One handshake step with a received datagram (NULL: none, just timers).
   After PeerVerificationFailed with --ignore-errors all, the errors are
   ignored and the handshake resumed. Returns a status. */
static qssl_status_t dtls_step(const struct tool_opts *o, qssl_dtls_t *d, int fd, const uint8_t *dgram, size_t len) {
    qssl_status_t st = QSSL_STATUS_OK;
    if (dgram) st = qssl_dtls_do_handshake(d, fd, dgram, len);
    if (st == QSSL_STATUS_VERIFICATION_FAILED && o->ignore_all &&
        qssl_dtls_handshake_state(d) == QSSL_DTLS_HANDSHAKE_STATE_PEER_VERIFICATION_FAILED) {
        qssl_ssl_error_list_t *errs = qssl_dtls_peer_verification_errors(d);
        qssl_dtls_ignore_verification_errors(d, qssl_ssl_error_list_items(errs), qssl_ssl_error_list_len(errs));
        qssl_ssl_error_list_free(errs);
        st = qssl_dtls_resume_handshake(d, fd);
    }
    if (st != QSSL_STATUS_OK) return st;
    int64_t ms = -1;
    if (qssl_dtls_next_timeout_ms(d, &ms) == QSSL_STATUS_OK && ms == 0) st = qssl_dtls_handle_timeout(d, fd, NULL);
    return st;
}

static int run_dtls_client(const struct tool_opts *o, const qssl_config_t *cfg) {
    char addr[INET6_ADDRSTRLEN + 8] = "";
    unsigned port = 0;
    int fd = connect_to(o->target, SOCK_DGRAM, addr, sizeof addr, &port);
    if (fd < 0) return fd == -2 ? EXIT_USAGE : EXIT_TLS;
    char name[256];
    const char *vname = o->name;
    if (!vname) {
        const char *t = o->target;
        const char *colon = strrchr(t, ':');
        size_t l = (size_t)(colon - t);
        if (l >= 2 && t[0] == '[' && t[l - 1] == ']') {
            t++;
            l -= 2;
        }
        if (l >= sizeof name) l = sizeof name - 1;
        memcpy(name, t, l);
        name[l] = 0;
        vname = name;
    }
    struct psk_state psk;
    memset(&psk, 0, sizeof psk);
    psk.o = o;
    qssl_dtls_t *d = NULL;
    if (qssl_dtls_new(QSSL_SSL_MODE_SSL_CLIENT_MODE, &d) != QSSL_STATUS_OK ||
        qssl_dtls_set_dtls_configuration(d, cfg) != QSSL_STATUS_OK ||
        qssl_dtls_set_peer(d, addr, (uint16_t)port, vname) != QSSL_STATUS_OK || setup_dtls(o, d, &psk) != 0) {
        config_error("configuration");
        qssl_dtls_free(d);
        close(fd);
        return EXIT_USAGE;
    }
    uint8_t buf[65536], plain[65536];
    qssl_status_t st = qssl_dtls_do_handshake(d, fd, NULL, 0);
    while (st == QSSL_STATUS_OK && !qssl_dtls_is_connection_encrypted(d)) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, dtls_wait_ms(d, 1000)) < 0 && errno != EINTR) break;
        ssize_t n = (p.revents & POLLIN) ? recv(fd, buf, sizeof buf, 0) : -1;
        st = dtls_step(o, d, fd, n > 0 ? buf : NULL, n > 0 ? (size_t)n : 0);
    }
    if (st != QSSL_STATUS_OK || !qssl_dtls_is_connection_encrypted(d)) {
        report_dtls_failure(o, "handshake", st, d);
        qssl_dtls_free(d);
        close(fd);
        return EXIT_TLS;
    }
    report_dtls_handshake(o, d, &psk);
    int rc = 0, stdin_open = 1, peer_open = 1;
    while (stdin_open && peer_open) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (p[0].revents & POLLIN) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            size_t m = 0;
            if (n > 0) {
                st = qssl_dtls_decrypt_datagram(d, fd, buf, (size_t)n, plain, sizeof plain, &m);
                if (st == QSSL_STATUS_OK) {
                    if (write_stdout(plain, m) != 0) stdin_open = 0;
                } else if (st == QSSL_STATUS_CLOSED) {
                    peer_open = 0;
                } else {
                    report_io("decrypt", st);
                }
            }
        }
        if (!peer_open || !(p[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        size_t max = qssl_dtls_data_mtu(d);
        ssize_t n = read(STDIN_FILENO, buf, max < sizeof buf ? max : sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            stdin_open = 0;
            break;
        }
        size_t w = 0;
        st = qssl_dtls_write_datagram_encrypted(d, fd, buf, (size_t)n, &w);
        if (st != QSSL_STATUS_OK) {
            report_io("write", st);
            rc = EXIT_TLS;
            peer_open = 0;
        }
    }
    if (peer_open) qssl_dtls_shutdown(d, fd);
    qssl_dtls_free(d);
    close(fd);
    return rc;
}

static int same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
    if (a->ss_family != b->ss_family) return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
    return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

/* Serves one DTLS client on the bound socket `fd`: the verifier answers
   hellos without a cookie (keeping nothing), a verified hello starts the
   handshake, then each datagram is echoed until the client's close_notify. */
static int serve_dtls_one(const struct tool_opts *o, const qssl_config_t *cfg, int fd) {
    qssl_dtls_verifier_t *v = NULL;
    if (qssl_dtls_verifier_new(&v) != QSSL_STATUS_OK) {
        config_error("verifier");
        return EXIT_USAGE;
    }
    uint8_t buf[65536], plain[65536];
    struct sockaddr_storage peer;
    socklen_t pl;
    qssl_dtls_t *d = NULL;
    struct psk_state psk;
    memset(&psk, 0, sizeof psk);
    psk.o = o;
    qssl_status_t st = QSSL_STATUS_OK;
    while (!d) {
        pl = sizeof peer;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        char host[INET6_ADDRSTRLEN + 8], serv[32];
        if (getnameinfo((struct sockaddr *)&peer, pl, host, sizeof host, serv, sizeof serv,
                        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
            continue;
        }
        bool ok = false;
        st = qssl_dtls_verifier_verify_client(v, fd, buf, (size_t)n, host, (uint16_t)atoi(serv), &ok);
        if (st != QSSL_STATUS_OK || !ok) continue;
        if (qssl_dtls_new(QSSL_SSL_MODE_SSL_SERVER_MODE, &d) != QSSL_STATUS_OK ||
            qssl_dtls_set_dtls_configuration(d, cfg) != QSSL_STATUS_OK ||
            qssl_dtls_set_peer(d, host, (uint16_t)atoi(serv), NULL) != QSSL_STATUS_OK || setup_dtls(o, d, &psk) != 0) {
            config_error("configuration");
            qssl_dtls_free(d);
            qssl_dtls_verifier_free(v);
            return EXIT_USAGE;
        }
        st = dtls_step(o, d, fd, buf, (size_t)n);
    }
    qssl_dtls_verifier_free(v);
    if (!d) return EXIT_TLS;
    while (st == QSSL_STATUS_OK && !qssl_dtls_is_connection_encrypted(d)) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, dtls_wait_ms(d, 1000)) < 0 && errno != EINTR) break;
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = (p.revents & POLLIN) ? recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl) : -1;
        int mine = n > 0 && same_peer(&from, &peer);
        st = dtls_step(o, d, fd, mine ? buf : NULL, mine ? (size_t)n : 0);
    }
    if (st != QSSL_STATUS_OK || !qssl_dtls_is_connection_encrypted(d)) {
        report_dtls_failure(o, "handshake", st, d);
        qssl_dtls_free(d);
        return EXIT_TLS;
    }
    report_dtls_handshake(o, d, &psk);
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (!same_peer(&from, &peer)) continue; /* one client at a time */
        size_t m = 0, w = 0;
        st = qssl_dtls_decrypt_datagram(d, fd, buf, (size_t)n, plain, sizeof plain, &m);
        if (st == QSSL_STATUS_CLOSED) break;
        if (st != QSSL_STATUS_OK) {
            report_io("decrypt", st);
            continue;
        }
        if (m && qssl_dtls_write_datagram_encrypted(d, fd, plain, m, &w) != QSSL_STATUS_OK) report_io("echo", st);
    }
    qssl_dtls_free(d);
    return 0;
}

static int run_dtls_server(const struct tool_opts *o, const qssl_config_t *cfg) {
    char *end = NULL;
    long port = strtol(o->target, &end, 10);
    if (end == o->target || *end || port < 0 || port > 65535) {
        usage_error("server: '%s' is not a port number", o->target);
        return EXIT_USAGE;
    }
    const char *addr = o->bind ? o->bind : "127.0.0.1";
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    int gai = getaddrinfo(addr, o->target, &hints, &res);
    if (gai != 0) {
        usage_error("--bind: '%s' is not an IP address (%s)", addr, gai_strerror(gai));
        return EXIT_USAGE;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        fprintf(stderr, "%s: cannot bind %s port %s: %s\n", prog, addr, o->target, strerror(errno));
        freeaddrinfo(res);
        if (fd >= 0) close(fd);
        return EXIT_USAGE;
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[256] = "?", serv[32] = "?";
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
    }
    fprintf(stderr, "%s: DTLS over UDP: listening on %s port %s\n", prog, host, serv);
    fflush(stderr);
    int rc = 0;
    for (;;) {
        rc = serve_dtls_one(o, cfg, fd);
        if (o->once || rc == EXIT_USAGE) break;
    }
    close(fd);
    return rc;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    struct tool_opts o;
    memset(&o, 0, sizeof o);
    int p = parse_args(argc, argv, &o);
    if (p == 1) {
        print_help(stdout);
        return 0;
    }
    if (p != 0) return EXIT_USAGE;
    qssl_config_t *cfg = build_config(&o);
    if (!cfg) return EXIT_USAGE;
    int rc = o.dtls ? (o.side == SIDE_CLIENT ? run_dtls_client(&o, cfg) : run_dtls_server(&o, cfg))
                    : (o.side == SIDE_CLIENT ? run_client(&o, cfg) : run_server(&o, cfg));
    qssl_config_free(cfg);
    memset(o.psk_key, 0, sizeof o.psk_key);
    if (keylog_file) fclose(keylog_file);
    return rc;
}
