/* Writes seed inputs for the conn_client and conn_server targets: real
 * handshakes between two qssl endpoints over the memory transport, with
 * everything the server sent (seeds for a client) and everything the client
 * sent (seeds for a server), each after the target's option byte.
 * It also writes the session ticket of a TLS 1.2 and a TLS 1.3 session
 * (seeds for the ticket target).
 * With a fourth directory it also writes seeds for the dtls target: the
 * datagrams a real qssl DTLS client sends, length-prefixed after the
 * target's option byte.
 * Usage: seedgen CLIENT_SEED_DIR SERVER_SEED_DIR TICKET_SEED_DIR [DTLS_SEED_DIR] */
#include "common.h"

typedef struct {
    uint8_t *p;
    size_t n, cap;
} rec;

static void rec_add(rec *r, const uint8_t *b, size_t n) {
    if (r->n + n > r->cap) {
        r->cap = (r->n + n) * 2;
        r->p = realloc(r->p, r->cap);
    }
    memcpy(r->p + r->n, b, n);
    r->n += n;
}

static int move(qssl_conn_t *from, qssl_conn_t *to, rec *r) {
    uint8_t buf[16384];
    size_t n = 0;
    int moved = 0;
    while (qssl_conn_take_output(from, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
        qssl_conn_feed(to, buf, n);
        rec_add(r, buf, n);
        moved = 1;
    }
    return moved;
}

static void write_seed(const char *dir, const char *name, uint8_t sel, const rec *r) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputc(sel, f);
    fwrite(r->p, 1, r->n, f);
    fclose(f);
}

static const char *ticket_dir;

static int32_t seed_psk_cb(void *user_data, qssl_psk_auth_t *auth) {
    (void)user_data;
    static const uint8_t key[16] = "0123456789abcdef";
    qssl_psk_auth_set_identity(auth, (const uint8_t *)"fuzz", 4);
    qssl_psk_auth_set_pre_shared_key(auth, key, sizeof key);
    return 0;
}

static void record(const char *cdir, const char *sdir, const char *name, uint8_t sel) {
    qssl_config_t *cc = fuzz_client_config(), *sc = fuzz_server_config();
    if (sel & 0x10) {
        const uint8_t *protos[] = {(const uint8_t *)"h2", (const uint8_t *)"http/1.1"};
        size_t lens[] = {2, 8};
        qssl_config_set_allowed_next_protocols(cc, protos, lens, 2);
        qssl_config_set_allowed_next_protocols(sc, protos, lens, 2);
    }
    if (sel & 0x40) {
        qssl_config_set_protocol(cc, QSSL_SSL_PROTOCOL_TLS_V1_2);
        qssl_config_set_protocol(sc, QSSL_SSL_PROTOCOL_TLS_V1_2);
    }
    qssl_conn_t *c = NULL, *s = NULL;
    qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c);
    qssl_conn_new_memory(sc, QSSL_SSL_MODE_SSL_SERVER_MODE, &s);
    qssl_conn_set_peer_verify_name(c, "localhost");
    rec to_server = {0}, to_client = {0};
    qssl_status_t rc = QSSL_STATUS_WANT_READ, rs = QSSL_STATUS_WANT_READ;
    for (int i = 0; i < 40 && (rc > 0 || rs > 0); i++) {
        if (rc > 0) rc = qssl_conn_handshake(c);
        if (rs > 0) rs = qssl_conn_handshake(s);
        if (!(move(c, s, &to_server) | move(s, c, &to_client)) && rc > 0 && rs > 0) break;
    }
    if (rc != QSSL_STATUS_OK || rs != QSSL_STATUS_OK) {
        fprintf(stderr, "seed handshake %s failed: %s\n", name, qssl_last_error_message());
        exit(1);
    }
    size_t n = 0;
    qssl_conn_write(c, (const uint8_t *)"GET / HTTP/1.0\r\n\r\n", 18, &n);
    qssl_conn_write(s, (const uint8_t *)"HTTP/1.0 200 OK\r\n\r\n", 19, &n);
    qssl_conn_shutdown(c);
    qssl_conn_shutdown(s);
    move(c, s, &to_server);
    move(s, c, &to_client);
    uint8_t buf[4096];
    qssl_conn_read(c, buf, sizeof buf, &n); /* TLS 1.3 tickets arrive here */
    qssl_config_t *state = qssl_conn_ssl_configuration(c);
    uint8_t tbuf[16384];
    if (qssl_config_session_ticket(state, tbuf, sizeof tbuf, &n) == QSSL_STATUS_OK && n > 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", ticket_dir, name);
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(tbuf, 1, n, f);
            fclose(f);
        }
    }
    qssl_config_free(state);
    write_seed(cdir, name, sel, &to_client);
    write_seed(sdir, name, sel, &to_server);
    free(to_client.p);
    free(to_server.p);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

/* Appends one length-prefixed datagram. */
static void rec_dgram(rec *r, const uint8_t *b, size_t n) {
    uint8_t len[2] = {(uint8_t)(n >> 8), (uint8_t)n};
    rec_add(r, len, 2);
    rec_add(r, b, n);
}

/* A real DTLS handshake with cookie verification off; the client's
 * datagrams become seeds for modes 0 (first hello only) and 1 (all). */
static void record_dtls(const char *dir, const char *name, int psk) {
    qssl_config_t *cc = fuzz_client_config(), *sc = fuzz_server_config();
    qssl_config_set_protocol(cc, QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER);
    qssl_config_set_protocol(sc, QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER);
    qssl_config_set_dtls_cookie_verification_enabled(sc, false);
    if (psk) {
        qssl_config_set_ciphers_string(cc, "PSK-AES128-CCM8");
        qssl_config_set_ciphers_string(sc, "PSK-AES128-CCM8");
        qssl_config_set_peer_verify_mode(cc, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
    }
    qssl_dtls_t *c = NULL, *s = NULL;
    qssl_dtls_new(QSSL_SSL_MODE_SSL_CLIENT_MODE, &c);
    qssl_dtls_new(QSSL_SSL_MODE_SSL_SERVER_MODE, &s);
    qssl_dtls_set_dtls_configuration(c, cc);
    qssl_dtls_set_dtls_configuration(s, sc);
    qssl_dtls_set_peer(c, "127.0.0.1", 5684, "localhost");
    qssl_dtls_set_peer(s, "127.0.0.1", 40000, NULL);
    if (psk) {
        qssl_dtls_set_psk_callback(c, seed_psk_cb, NULL, NULL);
        qssl_dtls_set_psk_callback(s, seed_psk_cb, NULL, NULL);
    }
    rec all = {0}, first = {0};
    static uint8_t buf[65536];
    size_t n = 0;
    qssl_dtls_do_handshake(c, -1, NULL, 0);
    for (int i = 0; i < 20; i++) {
        int moved = 0;
        while (qssl_dtls_take_datagram(c, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
            moved = 1;
            if (first.n == 0) rec_dgram(&first, buf, n);
            rec_dgram(&all, buf, n);
            qssl_dtls_do_handshake(s, -1, buf, n);
        }
        while (qssl_dtls_take_datagram(s, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
            moved = 1;
            if (!qssl_dtls_is_connection_encrypted(c)) qssl_dtls_do_handshake(c, -1, buf, n);
        }
        if (!moved) break;
    }
    if (!qssl_dtls_is_connection_encrypted(s))
        fprintf(stderr, "dtls seed handshake %s failed: %s\n", name, qssl_last_error_message());
    char fname[256];
    snprintf(fname, sizeof fname, "%s-hello", name);
    write_seed(dir, fname, psk ? 0x04 : 0x00, &first);
    snprintf(fname, sizeof fname, "%s-flights", name);
    write_seed(dir, fname, psk ? 0x05 : 0x01, &all);
    free(all.p);
    free(first.p);
    qssl_dtls_free(c);
    qssl_dtls_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s CLIENT_SEED_DIR SERVER_SEED_DIR TICKET_SEED_DIR [DTLS_SEED_DIR]\n",
                argv[0]);
        return 2;
    }
    if (argc == 5) {
        record_dtls(argv[4], "cert", 0);
        record_dtls(argv[4], "psk", 1);
    }
    ticket_dir = argv[3];
    record(argv[1], argv[2], "tls13", 0x05);
    record(argv[1], argv[2], "tls12", 0x45);
    record(argv[1], argv[2], "tls13-alpn", 0x13);
    record(argv[1], argv[2], "tls12-alpn", 0x51);
    return 0;
}
