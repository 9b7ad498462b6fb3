/* DTLS datagrams from an untrusted client to a qssl server, over the memory
 * transport. The input is an option byte, then datagrams, each preceded by
 * its length (2 bytes, big-endian). The option byte's low two bits choose
 * where the datagrams arrive:
 *   0  at a qssl_dtls_verifier_t (before any cookie exchange);
 *   1  at a server qssl_dtls_t with cookie verification off (the first
 *      datagram starts its handshake);
 *   2  at a server qssl_dtls_t started from a hello that passed a real
 *      cookie exchange with a qssl client (after the cookie exchange);
 *   3  at a server whose handshake with a real qssl client completed
 *      (decryption, then a reply and a shutdown).
 * Bit 2 selects a PSK configuration instead of a certificate; bit 3 calls
 * qssl_dtls_handle_timeout after each datagram. Every call must end in a
 * known status with a message naming the function, and nothing may leak. */
#include "../common.h"

static qssl_config_t *cert_cfg, *psk_cfg, *client_cert_cfg, *client_psk_cfg;

static int32_t psk_cb(void *user_data, qssl_psk_auth_t *auth) {
    (void)user_data;
    static const uint8_t key[16] = "0123456789abcdef";
    qssl_psk_auth_set_identity(auth, (const uint8_t *)"fuzz", 4);
    qssl_psk_auth_set_pre_shared_key(auth, key, sizeof key);
    return 0;
}

static qssl_config_t *dtls_of(qssl_config_t *tls) {
    /* The fixtures' TLS configurations with the DTLS protocol. */
    FUZZ_ASSERT(qssl_config_set_protocol(tls, QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER) ==
                QSSL_STATUS_OK);
    return tls;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    cert_cfg = dtls_of(fuzz_server_config());
    client_cert_cfg = dtls_of(fuzz_client_config());
    psk_cfg = qssl_config_default_dtls_configuration();
    client_psk_cfg = qssl_config_default_dtls_configuration();
    FUZZ_ASSERT(qssl_config_set_ciphers_string(psk_cfg, "PSK-AES128-CCM8") == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_config_set_ciphers_string(client_psk_cfg, "PSK-AES128-CCM8") ==
                QSSL_STATUS_OK);
    qssl_config_set_psk_callback(psk_cfg, psk_cb, NULL, NULL);
    qssl_config_set_psk_callback(client_psk_cfg, psk_cb, NULL, NULL);
    qssl_config_set_peer_verify_mode(client_psk_cfg, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
    return 0;
}

static uint8_t out[65536];

/* Drops what `d` queued to send (the fuzzer plays a peer that ignores it). */
static void drain(qssl_dtls_t *d) {
    size_t n = 0;
    while (qssl_dtls_take_datagram(d, out, sizeof out, &n) == QSSL_STATUS_OK && n > 0) {
    }
}

/* Moves every datagram of `from` into `to`'s handshake or decryption. */
static int relay(qssl_dtls_t *from, qssl_dtls_t *to) {
    static uint8_t buf[65536];
    size_t n = 0, m = 0;
    int moved = 0;
    while (qssl_dtls_take_datagram(from, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
        moved = 1;
        if (qssl_dtls_is_connection_encrypted(to))
            qssl_dtls_decrypt_datagram(to, -1, buf, n, out, sizeof out, &m);
        else
            qssl_dtls_do_handshake(to, -1, buf, n);
    }
    return moved;
}

/* A server started from a real client's hello after a real cookie
 * exchange; with `complete`, the handshake is run to its end. */
static qssl_dtls_t *real_server(const qssl_config_t *scfg, const qssl_config_t *ccfg, int complete,
                                qssl_dtls_t **client) {
    qssl_dtls_t *c = NULL, *s = NULL;
    qssl_dtls_verifier_t *v = NULL;
    uint8_t hello[4096];
    size_t n = 0;
    bool ok = false;
    FUZZ_ASSERT(qssl_dtls_new(QSSL_SSL_MODE_SSL_CLIENT_MODE, &c) == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_dtls_set_dtls_configuration(c, ccfg) == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_dtls_set_peer(c, "127.0.0.1", 5684, "localhost") == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_dtls_verifier_new(&v) == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_dtls_do_handshake(c, -1, NULL, 0) == QSSL_STATUS_OK);
    for (int round = 0; round < 2 && !ok; round++) {
        FUZZ_ASSERT(qssl_dtls_take_datagram(c, hello, sizeof hello, &n) == QSSL_STATUS_OK && n > 0);
        FUZZ_ASSERT(qssl_dtls_verifier_verify_client(v, -1, hello, n, "127.0.0.1", 40000, &ok) ==
                    QSSL_STATUS_OK);
        if (!ok) {
            size_t m = 0;
            FUZZ_ASSERT(qssl_dtls_verifier_take_datagram(v, out, sizeof out, &m) == QSSL_STATUS_OK);
            FUZZ_ASSERT(qssl_dtls_do_handshake(c, -1, out, m) == QSSL_STATUS_OK);
        }
    }
    FUZZ_ASSERT(ok);
    FUZZ_ASSERT(qssl_dtls_new(QSSL_SSL_MODE_SSL_SERVER_MODE, &s) == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_dtls_set_dtls_configuration(s, scfg) == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_dtls_set_peer(s, "127.0.0.1", 40000, NULL) == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_dtls_do_handshake(s, -1, hello, n) == QSSL_STATUS_OK);
    if (complete) {
        for (int i = 0; i < 20; i++)
            if (!(relay(s, c) | relay(c, s))) break;
        FUZZ_ASSERT(qssl_dtls_is_connection_encrypted(s));
    } else {
        drain(s);
    }
    qssl_dtls_verifier_free(v);
    *client = c;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    int mode = sel & 3;
    const qssl_config_t *scfg = (sel & 4) ? psk_cfg : cert_cfg;
    const qssl_config_t *ccfg = (sel & 4) ? client_psk_cfg : client_cert_cfg;
    qssl_dtls_verifier_t *v = NULL;
    qssl_dtls_t *s = NULL, *c = NULL;
    qssl_status_t st;
    if (mode == 0) {
        FUZZ_ASSERT(qssl_dtls_verifier_new(&v) == QSSL_STATUS_OK);
    } else if (mode == 1) {
        qssl_config_t *nc = qssl_config_copy(scfg);
        qssl_config_set_dtls_cookie_verification_enabled(nc, false);
        FUZZ_ASSERT(qssl_dtls_new(QSSL_SSL_MODE_SSL_SERVER_MODE, &s) == QSSL_STATUS_OK);
        FUZZ_ASSERT(qssl_dtls_set_dtls_configuration(s, nc) == QSSL_STATUS_OK);
        FUZZ_ASSERT(qssl_dtls_set_peer(s, "::1", 40000, NULL) == QSSL_STATUS_OK);
        qssl_config_free(nc);
    } else {
        s = real_server(scfg, ccfg, mode == 3, &c);
    }
    while (size >= 2) {
        size_t len = ((size_t)data[0] << 8) | data[1];
        data += 2;
        size -= 2;
        if (len > size) len = size;
        const uint8_t *d = data;
        data += len;
        size -= len;
        if (v) {
            bool ok = false;
            st = qssl_dtls_verifier_verify_client(v, -1, d, len, "127.0.0.1", 40000, &ok);
            fuzz_check_status(st, "qssl_dtls_verifier_verify_client");
            size_t n = 0;
            st = qssl_dtls_verifier_take_datagram(v, out, sizeof out, &n);
            fuzz_check_status(st, "qssl_dtls_verifier_take_datagram");
            continue;
        }
        size_t n = 0;
        if (qssl_dtls_is_connection_encrypted(s)) {
            st = qssl_dtls_decrypt_datagram(s, -1, d, len, out, sizeof out, &n);
            fuzz_check_status(st, "qssl_dtls_decrypt_datagram");
            FUZZ_ASSERT(st != QSSL_STATUS_OK || n <= len);
        } else {
            st = qssl_dtls_do_handshake(s, -1, d, len);
            fuzz_check_status(st, "qssl_dtls_do_handshake");
        }
        if (sel & 8) {
            st = qssl_dtls_handle_timeout(s, -1, NULL);
            fuzz_check_status(st, "qssl_dtls_handle_timeout");
        }
        drain(s);
    }
    if (s) {
        size_t w = 0;
        st = qssl_dtls_write_datagram_encrypted(s, -1, (const uint8_t *)"reply", 5, &w);
        fuzz_check_status(st, "qssl_dtls_write_datagram_encrypted");
        st = qssl_dtls_shutdown(s, -1);
        fuzz_check_status(st, "qssl_dtls_shutdown");
        qssl_ssl_error_list_free(qssl_dtls_peer_verification_errors(s));
        qssl_config_free(qssl_dtls_dtls_configuration(s));
    }
    qssl_dtls_free(s);
    qssl_dtls_free(c);
    qssl_dtls_verifier_free(v);
    return 0;
}
