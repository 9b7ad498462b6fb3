/* qssl_dtls_t and qssl_dtls_verifier_t (QDtls, QDtlsClientVerifier):
 * DTLS 1.2 handshakes between two qssl endpoints through the C API, over
 * the memory transport and over UDP sockets on loopback: certificates, PSK,
 * cookies, verification errors, QDtlsError codes, the MTU limit, bad input. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qtest.h"



/* The default DTLS configuration trusting only `ca_name` (not the system
 * roots, whose parsing would dominate a run under valgrind). */
static qssl_config_t *dtls_config(const char *ca_name) {
    qssl_config_t *c = qssl_config_default_dtls_configuration();
    qssl_cert_t *ca = qtest_load_cert(ca_name);
    const qssl_cert_t *cas[] = {ca};
    qssl_config_set_ca_certificates(c, cas, 1);
    qssl_cert_free(ca);
    return c;
}

static qssl_config_t *server_config(void) {
    qssl_config_t *c = dtls_config("ca.pem");
    qssl_cert_t *cert = qtest_load_cert("server.pem");
    qssl_key_t *key = qtest_load_key("server-key.pem");
    qssl_config_set_local_certificate(c, cert);
    qssl_config_set_private_key(c, key);
    qssl_cert_free(cert);
    qssl_key_free(key);
    return c;
}

static qssl_config_t *client_config(const char *ca_name) { return dtls_config(ca_name); }

typedef struct {
    const char *identity;
    const char *key;
    int calls;
    char seen_identity[64];
} psk_data;

static int psk_cb(void *user_data, qssl_psk_auth_t *auth) {
    psk_data *p = user_data;
    size_t n = 0;
    p->calls++;
    if (qssl_psk_auth_identity(auth, (uint8_t *)p->seen_identity, sizeof p->seen_identity - 1,
                               &n) == QSSL_STATUS_OK)
        p->seen_identity[n] = 0;
    if (p->identity)
        qssl_psk_auth_set_identity(auth, (const uint8_t *)p->identity, strlen(p->identity));
    qssl_psk_auth_set_pre_shared_key(auth, (const uint8_t *)p->key, strlen(p->key));
    return 0;
}

/* Moves every queued datagram of `from` into `to`'s handshake or decryption. */
static int relay(qssl_dtls_t *from, qssl_dtls_t *to) {
    uint8_t buf[2048], plain[2048];
    size_t n = 0, m = 0;
    int moved = 0;
    while (qssl_dtls_take_datagram(from, buf, sizeof buf, &n) == QSSL_STATUS_OK && n > 0) {
        moved = 1;
        if (qssl_dtls_handshake_state(to) == QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_IN_PROGRESS)
            qssl_dtls_do_handshake(to, -1, buf, n);
        else if (qssl_dtls_is_connection_encrypted(to))
            qssl_dtls_decrypt_datagram(to, -1, buf, n, plain, sizeof plain, &m);
    }
    return moved;
}

/* Client hello -> verifier (HelloVerifyRequest) -> hello with cookie ->
 * server; then relays until quiet. Returns 1 when both are encrypted. */
static int handshake(qssl_dtls_t *c, qssl_dtls_t *s) {
    qssl_dtls_verifier_t *v = NULL;
    uint8_t buf[2048];
    size_t n = 0;
    bool ok = true;
    if (qssl_dtls_verifier_new(&v) != QSSL_STATUS_OK) return 0;
    if (qssl_dtls_do_handshake(c, -1, NULL, 0) != QSSL_STATUS_OK) goto fail;
    for (int round = 0; round < 2; round++) {
        if (qssl_dtls_take_datagram(c, buf, sizeof buf, &n) != QSSL_STATUS_OK || n == 0) goto fail;
        if (qssl_dtls_verifier_verify_client(v, -1, buf, n, "127.0.0.1", 50000, &ok) !=
            QSSL_STATUS_OK)
            goto fail;
        if (ok) break;
        if (qssl_dtls_verifier_take_datagram(v, buf, sizeof buf, &n) != QSSL_STATUS_OK || n == 0)
            goto fail;
        qssl_dtls_do_handshake(c, -1, buf, n);
    }
    if (!ok) goto fail;
    if (qssl_dtls_verifier_verified_hello(v, buf, sizeof buf, &n) != QSSL_STATUS_OK) goto fail;
    qssl_dtls_do_handshake(s, -1, buf, n);
    for (int i = 0; i < 20; i++) {
        int a = relay(s, c);
        int b = relay(c, s);
        if (!a && !b) break;
    }
    qssl_dtls_verifier_free(v);
    return qssl_dtls_is_connection_encrypted(c) && qssl_dtls_is_connection_encrypted(s);
fail:
    qssl_dtls_verifier_free(v);
    return 0;
}

static qssl_dtls_t *new_dtls(qssl_ssl_mode_t mode, const qssl_config_t *cfg, uint16_t port,
                             const char *name) {
    qssl_dtls_t *d = NULL;
    if (qssl_dtls_new(mode, &d) != QSSL_STATUS_OK) return NULL;
    if (cfg && qssl_dtls_set_dtls_configuration(d, cfg) != QSSL_STATUS_OK) {
        qssl_dtls_free(d);
        return NULL;
    }
    qssl_dtls_set_peer(d, "127.0.0.1", port, name);
    /* No datagram is lost here: a long first time-out keeps a slow run
       (valgrind) from retransmitting, which would only add duplicates. */
    qssl_dtls_set_initial_timeout_ms(d, 30000);
    return d;
}

static int exchange(qssl_dtls_t *c, qssl_dtls_t *s) {
    uint8_t buf[2048], plain[2048];
    size_t n = 0, m = 0, w = 0;
    if (qssl_dtls_write_datagram_encrypted(c, -1, (const uint8_t *)"ping", 4, &w) != QSSL_STATUS_OK ||
        w != 4)
        return 0;
    if (qssl_dtls_take_datagram(c, buf, sizeof buf, &n) != QSSL_STATUS_OK || n == 0) return 0;
    if (qssl_dtls_decrypt_datagram(s, -1, buf, n, plain, sizeof plain, &m) != QSSL_STATUS_OK)
        return 0;
    if (m != 4 || memcmp(plain, "ping", 4) != 0) return 0;
    if (qssl_dtls_write_datagram_encrypted(s, -1, (const uint8_t *)"pong", 4, &w) != QSSL_STATUS_OK)
        return 0;
    if (qssl_dtls_take_datagram(s, buf, sizeof buf, &n) != QSSL_STATUS_OK || n == 0) return 0;
    if (qssl_dtls_decrypt_datagram(c, -1, buf, n, plain, sizeof plain, &m) != QSSL_STATUS_OK)
        return 0;
    return m == 4 && memcmp(plain, "pong", 4) == 0;
}

TEST_CASE(certificate_handshake_memory) {
    qssl_config_t *cc = client_config("ca.pem"), *sc = server_config();
    qssl_dtls_t *c = new_dtls(QSSL_SSL_MODE_SSL_CLIENT_MODE, cc, 4433, "localhost");
    qssl_dtls_t *s = new_dtls(QSSL_SSL_MODE_SSL_SERVER_MODE, sc, 50000, NULL);
    CHECK(c && s);
    CHECK_EQ_INT(qssl_dtls_handshake_state(c), QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_NOT_STARTED);
    CHECK(handshake(c, s));
    CHECK_EQ_INT(qssl_dtls_handshake_state(c), QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_COMPLETE);
    CHECK_EQ_INT(qssl_dtls_session_protocol(c), QSSL_SSL_PROTOCOL_DTLS_V1_2);
    CHECK_EQ_INT(qssl_dtls_dtls_error(c), QSSL_DTLS_ERROR_NO_ERROR);
    qssl_cipher_t *cipher = qssl_dtls_session_cipher(s);
    CHECK(cipher && !qssl_cipher_is_null(cipher));
    qssl_cipher_free(cipher);
    qssl_config_t *st = qssl_dtls_dtls_configuration(c);
    qssl_cert_t *peer = qssl_config_peer_certificate(st);
    CHECK(peer && !qssl_cert_is_null(peer));
    qssl_cert_free(peer);
    qssl_config_free(st);
    CHECK(exchange(c, s));
    /* Shutdown reaches the server as RemoteClosedConnectionError. */
    CHECK_OK(qssl_dtls_shutdown(c, -1));
    uint8_t buf[2048], plain[2048];
    size_t n = 0, m = 0;
    CHECK_OK(qssl_dtls_take_datagram(c, buf, sizeof buf, &n));
    CHECK_STATUS(qssl_dtls_decrypt_datagram(s, -1, buf, n, plain, sizeof plain, &m),
                 QSSL_STATUS_CLOSED);
    CHECK_EQ_INT(qssl_dtls_dtls_error(s), QSSL_DTLS_ERROR_REMOTE_CLOSED_CONNECTION_ERROR);
    qssl_dtls_free(c);
    qssl_dtls_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(psk_ccm8_memory) {
    psk_data cp = {"device-7", "0123456789abcdef", 0, ""};
    psk_data sp = {NULL, "0123456789abcdef", 0, ""};
    qssl_config_t *cc = dtls_config("ca.pem");
    qssl_config_t *sc = dtls_config("ca.pem");
    CHECK_OK(qssl_config_set_ciphers_string(cc, "PSK-AES128-CCM8"));
    CHECK_OK(qssl_config_set_ciphers_string(sc, "PSK-AES128-CCM8"));
    CHECK_OK(qssl_config_set_peer_verify_mode(cc, QSSL_PEER_VERIFY_MODE_VERIFY_NONE));
    qssl_dtls_t *c = new_dtls(QSSL_SSL_MODE_SSL_CLIENT_MODE, cc, 4433, NULL);
    qssl_dtls_t *s = new_dtls(QSSL_SSL_MODE_SSL_SERVER_MODE, sc, 50000, NULL);
    CHECK(c && s);
    CHECK_OK(qssl_dtls_set_psk_callback(c, psk_cb, &cp, NULL));
    CHECK_OK(qssl_dtls_set_psk_callback(s, psk_cb, &sp, NULL));
    CHECK(handshake(c, s));
    CHECK_EQ_INT(cp.calls, 1);
    CHECK_EQ_INT(sp.calls, 1);
    CHECK_EQ_STR(sp.seen_identity, "device-7");
    qssl_cipher_t *cipher = qssl_dtls_session_cipher(c);
    char name[64];
    size_t n = 0;
    CHECK_OK(qssl_cipher_name(cipher, name, sizeof name, &n));
    CHECK_EQ_STR(name, "PSK-AES128-CCM8");
    qssl_cipher_free(cipher);
    CHECK(exchange(c, s));
    qssl_dtls_free(c);
    qssl_dtls_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(untrusted_certificate_then_ignored) {
    qssl_config_t *cc = client_config("selfsigned.pem"), *sc = server_config();
    qssl_dtls_t *c = new_dtls(QSSL_SSL_MODE_SSL_CLIENT_MODE, cc, 4433, "localhost");
    qssl_dtls_t *s = new_dtls(QSSL_SSL_MODE_SSL_SERVER_MODE, sc, 50000, NULL);
    CHECK(c && s);
    CHECK(!handshake(c, s));
    CHECK_EQ_INT(qssl_dtls_handshake_state(c), QSSL_DTLS_HANDSHAKE_STATE_PEER_VERIFICATION_FAILED);
    CHECK_EQ_INT(qssl_dtls_dtls_error(c), QSSL_DTLS_ERROR_PEER_VERIFICATION_ERROR);
    char msg[512];
    size_t n = 0;
    CHECK_OK(qssl_dtls_dtls_error_string(c, msg, sizeof msg, &n));
    CHECK(strstr(msg, "peer verification failed") != NULL);
    CHECK_STATUS(qssl_dtls_resume_handshake(c, -1), QSSL_STATUS_VERIFICATION_FAILED);
    qssl_ssl_error_list_t *errs = qssl_dtls_peer_verification_errors(c);
    CHECK(qssl_ssl_error_list_len(errs) > 0);
    CHECK_OK(qssl_dtls_ignore_verification_errors(c, qssl_ssl_error_list_items(errs),
                                                  qssl_ssl_error_list_len(errs)));
    qssl_ssl_error_list_free(errs);
    CHECK_OK(qssl_dtls_resume_handshake(c, -1));
    CHECK(qssl_dtls_is_connection_encrypted(c));
    CHECK(exchange(c, s));
    qssl_dtls_free(c);
    qssl_dtls_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(mtu_limit_and_bad_input) {
    qssl_config_t *cc = client_config("ca.pem"), *sc = server_config();
    qssl_dtls_t *c = new_dtls(QSSL_SSL_MODE_SSL_CLIENT_MODE, cc, 4433, "localhost");
    qssl_dtls_t *s = new_dtls(QSSL_SSL_MODE_SSL_SERVER_MODE, sc, 50000, NULL);
    CHECK(c && s);
    CHECK_OK(qssl_dtls_set_mtu_hint(c, 700));
    CHECK_EQ_INT(qssl_dtls_mtu_hint(c), 700);
    CHECK(handshake(c, s));
    size_t max = qssl_dtls_data_mtu(c), w = 1;
    CHECK(max > 500 && max < 700);
    uint8_t *big = calloc(1, max + 1);
    CHECK(big != NULL);
    CHECK_ERROR(qssl_dtls_write_datagram_encrypted(c, -1, big, max + 1, &w),
                QSSL_STATUS_INVALID_ARGUMENT, "MTU");
    CHECK_EQ_INT(w, 0);
    CHECK_EQ_INT(qssl_dtls_dtls_error(c), QSSL_DTLS_ERROR_INVALID_INPUT_PARAMETERS);
    CHECK_EQ_INT(qssl_dtls_pending_datagrams(c), 0);
    CHECK_OK(qssl_dtls_write_datagram_encrypted(c, -1, big, max, &w));
    CHECK_EQ_INT(w, max);
    free(big);
    /* A buffer too small for the datagram: nothing consumed. */
    uint8_t buf[2048], small[8];
    size_t n = 0, m = 0;
    CHECK_STATUS(qssl_dtls_take_datagram(c, small, sizeof small, &n), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK(n > sizeof small);
    CHECK_EQ_INT(qssl_dtls_pending_datagrams(c), 1);
    CHECK_OK(qssl_dtls_take_datagram(c, buf, sizeof buf, &n));
    CHECK_STATUS(qssl_dtls_decrypt_datagram(s, -1, buf, n, small, sizeof small, &m),
                 QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(m, n);
    /* Garbage is dropped. */
    uint8_t junk[64];
    memset(junk, 0xA5, sizeof junk);
    CHECK_OK(qssl_dtls_decrypt_datagram(s, -1, junk, sizeof junk, buf, sizeof buf, &m));
    CHECK_EQ_INT(m, 0);
    CHECK(qssl_dtls_is_connection_encrypted(s));
    /* Bad input. */
    qssl_dtls_t *d = NULL;
    CHECK_STATUS(qssl_dtls_new(QSSL_SSL_MODE_UNENCRYPTED_MODE, &d), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK(d == NULL);
    CHECK_STATUS(qssl_dtls_new(QSSL_SSL_MODE_SSL_CLIENT_MODE, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_OK(qssl_dtls_new(QSSL_SSL_MODE_SSL_CLIENT_MODE, &d));
    CHECK_STATUS(qssl_dtls_set_peer(d, "example.com", 1, NULL), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_dtls_set_peer(d, "255.255.255.255", 1, NULL), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_EQ_INT(qssl_dtls_dtls_error(d), QSSL_DTLS_ERROR_INVALID_INPUT_PARAMETERS);
    CHECK_STATUS(qssl_dtls_do_handshake(d, -2, NULL, 0), QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_dtls_do_handshake(d, -1, NULL, 5), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_dtls_write_datagram_encrypted(d, -1, junk, 4, &w), QSSL_STATUS_INVALID_STATE);
    CHECK_EQ_INT(qssl_dtls_dtls_error(d), QSSL_DTLS_ERROR_INVALID_OPERATION);
    qssl_config_t *tls = qssl_config_default_configuration();
    CHECK_ERROR(qssl_dtls_set_dtls_configuration(d, tls), QSSL_STATUS_INVALID_ARGUMENT,
                "DTLS configuration");
    qssl_conn_t *conn = NULL;
    CHECK_ERROR(qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &conn),
                QSSL_STATUS_INVALID_ARGUMENT, "DTLS protocol");
    CHECK(conn == NULL);
    qssl_config_free(tls);
    qssl_dtls_free(d);
    /* NULL handles. */
    qssl_dtls_free(NULL);
    qssl_dtls_verifier_free(NULL);
    CHECK_EQ_INT(qssl_dtls_handshake_state(NULL), QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_NOT_STARTED);
    CHECK(!qssl_dtls_is_connection_encrypted(NULL));
    CHECK_STATUS(qssl_dtls_do_handshake(NULL, -1, NULL, 0), QSSL_STATUS_NULL_ARGUMENT);
    qssl_dtls_free(c);
    qssl_dtls_free(s);
    qssl_config_free(cc);
    qssl_config_free(sc);
}

TEST_CASE(verifier_cookies) {
    qssl_dtls_verifier_t *v = NULL;
    CHECK_OK(qssl_dtls_verifier_new(&v));
    qssl_cryptographic_hash_algorithm_t h = 0;
    uint8_t secret[64];
    size_t n = 0;
    CHECK_OK(qssl_dtls_verifier_cookie_generator_parameters(v, &h, secret, sizeof secret, &n));
    CHECK_EQ_INT(h, QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA1);
    CHECK(n > 0);
    CHECK_STATUS(qssl_dtls_verifier_set_cookie_generator_parameters(v, 99, secret, n),
                 QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(qssl_dtls_verifier_set_cookie_generator_parameters(
                     v, QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA256, secret, 0),
                 QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_OK(qssl_dtls_verifier_set_cookie_generator_parameters(
        v, QSSL_CRYPTOGRAPHIC_HASH_ALGORITHM_SHA256, (const uint8_t *)"s3cret", 6));
    /* A server with other parameters refuses the cookie the verifier gave. */
    qssl_config_t *cc = client_config("ca.pem");
    qssl_dtls_t *c = new_dtls(QSSL_SSL_MODE_SSL_CLIENT_MODE, cc, 4433, NULL);
    qssl_config_free(cc);
    CHECK(c != NULL);
    CHECK_OK(qssl_dtls_do_handshake(c, -1, NULL, 0));
    uint8_t buf[2048];
    bool ok = true;
    CHECK_OK(qssl_dtls_take_datagram(c, buf, sizeof buf, &n));
    CHECK_OK(qssl_dtls_verifier_verify_client(v, -1, buf, n, "127.0.0.1", 9, &ok));
    CHECK(!ok);
    CHECK_OK(qssl_dtls_verifier_take_datagram(v, buf, sizeof buf, &n));
    CHECK(n > 0);
    CHECK_OK(qssl_dtls_do_handshake(c, -1, buf, n));
    CHECK_OK(qssl_dtls_take_datagram(c, buf, sizeof buf, &n));
    CHECK_OK(qssl_dtls_verifier_verify_client(v, -1, buf, n, "127.0.0.1", 9, &ok));
    CHECK(ok);
    /* Another port: not verified. */
    CHECK_OK(qssl_dtls_verifier_verify_client(v, -1, buf, n, "127.0.0.1", 10, &ok));
    CHECK(!ok);
    /* Garbage: dropped, nothing to send. */
    size_t hn = 0;
    CHECK_OK(qssl_dtls_verifier_take_datagram(v, buf, sizeof buf, &hn));
    CHECK_OK(qssl_dtls_verifier_verify_client(v, -1, (const uint8_t *)"garbage", 7, "::1", 9, &ok));
    CHECK(!ok);
    CHECK_OK(qssl_dtls_verifier_take_datagram(v, buf, sizeof buf, &hn));
    CHECK_EQ_INT(hn, 0);
    CHECK_STATUS(qssl_dtls_verifier_verify_client(v, -1, NULL, 0, "127.0.0.1", 9, &ok),
                 QSSL_STATUS_INVALID_ARGUMENT);
    CHECK_EQ_INT(qssl_dtls_verifier_dtls_error(v), QSSL_DTLS_ERROR_INVALID_INPUT_PARAMETERS);
    qssl_dtls_free(c);
    qssl_dtls_verifier_free(v);
}

/* Client and server on UDP sockets on loopback (unconnected sockets, peer
 * addresses given). */
TEST_CASE(udp_loopback) {
    int sfd = socket(AF_INET, SOCK_DGRAM, 0), cfd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(sfd >= 0 && cfd >= 0);
    struct sockaddr_in sa = {0}, ca = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ca = sa;
    CHECK(bind(sfd, (struct sockaddr *)&sa, sizeof sa) == 0);
    CHECK(bind(cfd, (struct sockaddr *)&ca, sizeof ca) == 0);
    socklen_t len = sizeof sa;
    getsockname(sfd, (struct sockaddr *)&sa, &len);
    len = sizeof ca;
    getsockname(cfd, (struct sockaddr *)&ca, &len);
    qssl_config_t *cc = client_config("ca.pem"), *sc = server_config();
    qssl_dtls_t *c = new_dtls(QSSL_SSL_MODE_SSL_CLIENT_MODE, cc, ntohs(sa.sin_port), "localhost");
    qssl_dtls_t *s = NULL;
    qssl_dtls_verifier_t *v = NULL;
    CHECK_OK(qssl_dtls_verifier_new(&v));
    CHECK_OK(qssl_dtls_do_handshake(c, cfd, NULL, 0));
    uint8_t buf[4096];
    for (int i = 0; i < 200; i++) {
        if (qssl_dtls_is_connection_encrypted(c) && s && qssl_dtls_is_connection_encrypted(s)) break;
        struct pollfd p[2] = {{sfd, POLLIN, 0}, {cfd, POLLIN, 0}};
        int64_t ms = -1;
        qssl_dtls_next_timeout_ms(c, &ms);
        poll(p, 2, ms >= 0 && ms < 100 ? (int)ms : 100);
        if (p[0].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(sfd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
            CHECK(n > 0);
            if (!s) {
                bool ok = false;
                char addr[64];
                inet_ntop(AF_INET, &from.sin_addr, addr, sizeof addr);
                CHECK_OK(qssl_dtls_verifier_verify_client(v, sfd, buf, (size_t)n, addr,
                                                          ntohs(from.sin_port), &ok));
                if (ok) {
                    s = new_dtls(QSSL_SSL_MODE_SSL_SERVER_MODE, sc, ntohs(from.sin_port), NULL);
                    CHECK(s != NULL);
                    CHECK_OK(qssl_dtls_do_handshake(s, sfd, buf, (size_t)n));
                }
            } else {
                CHECK_OK(qssl_dtls_do_handshake(s, sfd, buf, (size_t)n));
            }
        }
        if (p[1].revents & POLLIN) {
            ssize_t n = recv(cfd, buf, sizeof buf, 0);
            CHECK(n > 0);
            CHECK_OK(qssl_dtls_do_handshake(c, cfd, buf, (size_t)n));
        }
        ms = -1;
        qssl_dtls_next_timeout_ms(c, &ms);
        if (ms == 0) CHECK_OK(qssl_dtls_handle_timeout(c, cfd, NULL));
    }
    CHECK(s && qssl_dtls_is_connection_encrypted(c) && qssl_dtls_is_connection_encrypted(s));
    size_t w = 0, m = 0;
    uint8_t plain[4096];
    CHECK_OK(qssl_dtls_write_datagram_encrypted(c, cfd, (const uint8_t *)"udp", 3, &w));
    ssize_t n = recv(sfd, buf, sizeof buf, 0);
    CHECK(n > 0);
    CHECK_OK(qssl_dtls_decrypt_datagram(s, sfd, buf, (size_t)n, plain, sizeof plain, &m));
    CHECK(m == 3 && memcmp(plain, "udp", 3) == 0);
    char addr[64];
    size_t al = 0;
    CHECK_OK(qssl_dtls_peer_address(c, addr, sizeof addr, &al));
    CHECK_EQ_STR(addr, "127.0.0.1");
    CHECK_EQ_INT(qssl_dtls_peer_port(c), ntohs(sa.sin_port));
    qssl_dtls_free(c);
    qssl_dtls_free(s);
    qssl_dtls_verifier_free(v);
    qssl_config_free(cc);
    qssl_config_free(sc);
    close(sfd);
    close(cfd);
}

