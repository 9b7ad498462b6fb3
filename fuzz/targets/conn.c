/* The memory transport fed with arbitrary bytes, as a client (FUZZ_SERVER
 * undefined) or as a server (FUZZ_SERVER defined). The first byte sets the
 * chunk size the input is fed in and a few options (ALPN, PSK callback,
 * TLS 1.2 only); the handshake is driven after every chunk, then after end
 * of file. Whatever the bytes, every call must end in a known status with a
 * message, and nothing may leak (libFuzzer's leak check). */
#include "../common.h"

static qssl_config_t *base;

static int32_t psk_cb(void *user_data, qssl_psk_auth_t *auth) {
    (void)user_data;
    static const uint8_t key[16] = "0123456789abcdef";
    qssl_psk_auth_set_identity(auth, (const uint8_t *)"fuzz", 4);
    qssl_psk_auth_set_pre_shared_key(auth, key, sizeof key);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
#ifdef FUZZ_SERVER
    base = fuzz_server_config();
#else
    base = fuzz_client_config();
#endif
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    qssl_config_t *cfg = qssl_config_copy(base);
    if (sel & 0x10) {
        const uint8_t *protos[] = {(const uint8_t *)"h2", (const uint8_t *)"http/1.1"};
        size_t lens[] = {2, 8};
        qssl_config_set_allowed_next_protocols(cfg, protos, lens, 2);
    }
    if (sel & 0x20) qssl_config_set_psk_callback(cfg, psk_cb, NULL, NULL);
    if (sel & 0x40) qssl_config_set_protocol(cfg, QSSL_SSL_PROTOCOL_TLS_V1_2);
    if (sel & 0x80) qssl_config_set_peer_verify_mode(cfg, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
    qssl_conn_t *c = NULL;
#ifdef FUZZ_SERVER
    qssl_status_t st = qssl_conn_new_memory(cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, &c);
#else
    qssl_status_t st = qssl_conn_new_memory(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c);
#endif
    FUZZ_ASSERT(st == QSSL_STATUS_OK);
#ifndef FUZZ_SERVER
    qssl_conn_set_peer_verify_name(c, "localhost");
#endif
    size_t chunk = (size_t)(sel & 0x0f) * 97 + 1;
    uint8_t buf[4096];
    size_t n = 0;
    st = qssl_conn_handshake(c);
    fuzz_check_status(st, "qssl_conn_handshake");
    fuzz_shuttle(c, NULL);
    for (size_t off = 0; off < size; off += chunk) {
        size_t len = size - off < chunk ? size - off : chunk;
        FUZZ_ASSERT(qssl_conn_feed(c, data + off, len) == QSSL_STATUS_OK);
        st = qssl_conn_handshake(c);
        fuzz_check_status(st, "qssl_conn_handshake");
        fuzz_shuttle(c, NULL);
        if (st == QSSL_STATUS_OK) {
            st = qssl_conn_read(c, buf, sizeof buf, &n);
            fuzz_check_status(st, "qssl_conn_read");
        }
    }
    FUZZ_ASSERT(qssl_conn_feed_eof(c) == QSSL_STATUS_OK);
    st = qssl_conn_handshake(c);
    fuzz_check_status(st, "qssl_conn_handshake");
    if (st == QSSL_STATUS_OK) {
        st = qssl_conn_read(c, buf, sizeof buf, &n);
        fuzz_check_status(st, "qssl_conn_read");
    }
    qssl_ssl_error_list_free(qssl_conn_ssl_errors(c));
    qssl_config_t *state = qssl_conn_ssl_configuration(c);
    qssl_config_free(state);
    qssl_alert_level_t lv;
    qssl_alert_type_t kd;
    (void)qssl_conn_alert_sent(c, &lv, &kd);
    (void)qssl_conn_alert_received(c, &lv, &kd);
    qssl_conn_free(c);
    qssl_config_free(cfg);
    return 0;
}
