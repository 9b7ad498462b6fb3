/*
 * qssl demo: a server and a client in one process over loopback TCP.
 *  1. a certificate handshake (TLS 1.3, ALPN h2), the client verifying the
 *     server against the test CA and the name "localhost";
 *  2. a PSK handshake (TLS 1.2 PSK suite, identity hint), both PSK callbacks
 *     printing what they were handed;
 *  3. a DTLS 1.2 PSK exchange over UDP (PSK-AES128-CCM8, CoAP's suite): the
 *     server's cookie verifier answers the first ClientHello, the handshake
 *     runs with the same PSK callbacks, and one datagram goes each way.
 * Prints the negotiated protocol, cipher, ALPN result and peer certificate.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <qssl.h>

#ifndef QSSL_FIXTURES_DIR
#define QSSL_FIXTURES_DIR "tests/fixtures"
#endif

static const char *protocol_name(qssl_ssl_protocol_t p) {
    switch (p) {
    case QSSL_SSL_PROTOCOL_TLS_V1_2: return "TLS 1.2";
    case QSSL_SSL_PROTOCOL_TLS_V1_3: return "TLS 1.3";
    case QSSL_SSL_PROTOCOL_DTLS_V1_2: return "DTLS 1.2";
    default: return "unknown";
    }
}

static unsigned char *read_file(const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", QSSL_FIXTURES_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(1); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "cannot read %s\n", path); exit(1); }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void check(qssl_status_t st, const char *what) {
    if (st != QSSL_STATUS_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, qssl_status_string(st), qssl_last_error_message());
        exit(1);
    }
}

/* A listening socket on 127.0.0.1 with a free port. */
static int listen_loopback(int *port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 1) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &alen) != 0) {
        perror("listen");
        exit(1);
    }
    *port = ntohs(a.sin_port);
    return s;
}

static int connect_loopback(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(1); }
    return s;
}

struct server_job {
    int listener;
    const qssl_config_t *cfg;
    char received[64];
};

/* The server side: accept one connection, handshake, echo one message. */
static void *serve(void *arg) {
    struct server_job *job = arg;
    int fd = accept(job->listener, NULL, NULL);
    qssl_conn_t *conn = NULL;
    check(qssl_conn_new_fd(job->cfg, QSSL_SSL_MODE_SSL_SERVER_MODE, fd, &conn), "server: qssl_conn_new_fd");
    check(qssl_conn_handshake(conn), "server: handshake");
    size_t n = 0;
    check(qssl_conn_read(conn, (uint8_t *)job->received, sizeof job->received - 1, &n), "server: read");
    job->received[n] = 0;
    size_t w = 0;
    check(qssl_conn_write(conn, (const uint8_t *)job->received, n, &w), "server: write");
    qssl_conn_shutdown(conn);
    qssl_conn_free(conn);
    close(fd);
    return NULL;
}

/* Runs one client handshake against a server thread; returns the session. */
static qssl_config_t *run_pair(const qssl_config_t *server_cfg, const qssl_config_t *client_cfg,
                               const char *message) {
    int port = 0;
    struct server_job job = {listen_loopback(&port), server_cfg, {0}};
    pthread_t t;
    pthread_create(&t, NULL, serve, &job);
    int fd = connect_loopback(port);
    qssl_conn_t *conn = NULL;
    check(qssl_conn_new_fd(client_cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, fd, &conn), "client: qssl_conn_new_fd");
    check(qssl_conn_set_peer_verify_name(conn, "localhost"), "client: peer verify name");
    check(qssl_conn_handshake(conn), "client: handshake");
    size_t w = 0, n = 0;
    char echo[64] = {0};
    check(qssl_conn_write(conn, (const uint8_t *)message, strlen(message), &w), "client: write");
    check(qssl_conn_read(conn, (uint8_t *)echo, sizeof echo - 1, &n), "client: read");
    qssl_config_t *session = qssl_conn_ssl_configuration(conn);
    qssl_conn_shutdown(conn);
    qssl_conn_free(conn);
    close(fd);
    pthread_join(t, NULL);
    close(job.listener);
    printf("  application data  : sent \"%s\", server echoed \"%.*s\"\n", message, (int)n, echo);
    return session;
}

static void print_session(const qssl_config_t *s) {
    char name[256];
    size_t len = 0;
    qssl_cipher_t *c = qssl_config_session_cipher(s);
    qssl_cipher_name(c, name, sizeof name, &len);
    printf("  protocol          : %s\n", protocol_name(qssl_config_session_protocol(s)));
    printf("  cipher            : %s\n", name);
    qssl_cipher_free(c);
    uint8_t alpn[256];
    if (qssl_config_next_negotiated_protocol_is_null(s)) {
        printf("  ALPN              : none (status %d)\n", qssl_config_next_protocol_negotiation_status(s));
    } else {
        qssl_config_next_negotiated_protocol(s, alpn, sizeof alpn, &len);
        printf("  ALPN              : %.*s (status %d)\n", (int)len, (const char *)alpn,
               qssl_config_next_protocol_negotiation_status(s));
    }
    qssl_cert_t *peer = qssl_config_peer_certificate(s);
    if (qssl_cert_is_null(peer)) {
        printf("  peer certificate  : none\n");
    } else {
        qssl_cert_subject_display_name(peer, name, sizeof name, &len);
        printf("  peer certificate  : %s\n", name);
    }
    qssl_cert_free(peer);
}

/* PSK callbacks: print what qssl hands over, then answer. */
static int client_psk(void *user_data, qssl_psk_auth_t *auth) {
    (void)user_data;
    uint8_t hint[256];
    size_t len = 0;
    qssl_psk_auth_identity_hint(auth, hint, sizeof hint, &len);
    printf("  client PSK callback: hint \"%.*s\", max identity %d, max key %d\n", (int)len, (const char *)hint,
           qssl_psk_auth_maximum_identity_length(auth), qssl_psk_auth_maximum_pre_shared_key_length(auth));
    qssl_psk_auth_set_identity(auth, (const uint8_t *)"demo-client", 11);
    qssl_psk_auth_set_pre_shared_key(auth, (const uint8_t *)"\x1a\x2b\x3c\x4d\x5e\x6f", 6);
    return 0;
}

static int server_psk(void *user_data, qssl_psk_auth_t *auth) {
    (void)user_data;
    uint8_t id[256];
    size_t len = 0;
    qssl_psk_auth_identity(auth, id, sizeof id, &len);
    printf("  server PSK callback: client identity \"%.*s\", max key %d\n", (int)len, (const char *)id,
           qssl_psk_auth_maximum_pre_shared_key_length(auth));
    qssl_psk_auth_set_pre_shared_key(auth, (const uint8_t *)"\x1a\x2b\x3c\x4d\x5e\x6f", 6);
    return 0;
}

/* A UDP socket bound to 127.0.0.1 with a free port. */
static int udp_loopback(int *port) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &alen) != 0) {
        perror("udp socket");
        exit(1);
    }
    *port = ntohs(a.sin_port);
    return s;
}

/* 3. DTLS 1.2 with a PSK over two UDP sockets, driven from one thread: the
 * application receives every datagram and hands it in; qssl sends. */
static void dtls_psk_exchange(void) {
    int sport = 0, cport = 0;
    int sfd = udp_loopback(&sport), cfd = udp_loopback(&cport);
    qssl_config_t *cfg = qssl_config_default_dtls_configuration();
    check(qssl_config_set_ciphers_string(cfg, "PSK-AES128-CCM8"), "DTLS ciphers");
    check(qssl_config_set_pre_shared_key_identity_hint(cfg, (const uint8_t *)"demo-hint", 9), "hint");
    qssl_config_t *ccfg = qssl_config_copy(cfg);
    check(qssl_config_set_peer_verify_mode(ccfg, QSSL_PEER_VERIFY_MODE_VERIFY_NONE), "verify none");
    qssl_dtls_t *client = NULL, *server = NULL;
    qssl_dtls_verifier_t *verifier = NULL;
    check(qssl_dtls_new(QSSL_SSL_MODE_SSL_CLIENT_MODE, &client), "DTLS client");
    check(qssl_dtls_set_dtls_configuration(client, ccfg), "DTLS client configuration");
    check(qssl_dtls_set_psk_callback(client, client_psk, NULL, NULL), "DTLS client PSK callback");
    check(qssl_dtls_set_peer(client, "127.0.0.1", (uint16_t)sport, NULL), "DTLS client peer");
    check(qssl_dtls_verifier_new(&verifier), "DTLS verifier");
    check(qssl_dtls_do_handshake(client, cfd, NULL, 0), "DTLS client start");
    uint8_t buf[2048], plain[2048];
    for (int i = 0; i < 100; i++) {
        if (server && qssl_dtls_is_connection_encrypted(server) && qssl_dtls_is_connection_encrypted(client))
            break;
        struct pollfd p[2] = {{sfd, POLLIN, 0}, {cfd, POLLIN, 0}};
        int64_t ms = -1;
        check(qssl_dtls_next_timeout_ms(client, &ms), "DTLS next timeout");
        poll(p, 2, ms >= 0 && ms < 200 ? (int)ms : 200);
        if (p[0].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(sfd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
            if (n <= 0) continue;
            if (!server) {
                char addr[INET_ADDRSTRLEN];
                bool ok = false;
                inet_ntop(AF_INET, &from.sin_addr, addr, sizeof addr);
                check(qssl_dtls_verifier_verify_client(verifier, sfd, buf, (size_t)n, addr, ntohs(from.sin_port), &ok),
                      "verify client");
                printf("  verifier: ClientHello from %s:%u %s\n", addr, ntohs(from.sin_port),
                       ok ? "carries a valid cookie: start the server" : "has no cookie: HelloVerifyRequest sent");
                if (!ok) continue;
                check(qssl_dtls_new(QSSL_SSL_MODE_SSL_SERVER_MODE, &server), "DTLS server");
                check(qssl_dtls_set_dtls_configuration(server, cfg), "DTLS server configuration");
                check(qssl_dtls_set_psk_callback(server, server_psk, NULL, NULL), "DTLS server PSK callback");
                check(qssl_dtls_set_peer(server, addr, ntohs(from.sin_port), NULL), "DTLS server peer");
            }
            check(qssl_dtls_do_handshake(server, sfd, buf, (size_t)n), "DTLS server handshake");
        }
        if (p[1].revents & POLLIN) {
            ssize_t n = recv(cfd, buf, sizeof buf, 0);
            if (n > 0) check(qssl_dtls_do_handshake(client, cfd, buf, (size_t)n), "DTLS client handshake");
        }
        ms = -1;
        check(qssl_dtls_next_timeout_ms(client, &ms), "DTLS next timeout");
        if (ms == 0) check(qssl_dtls_handle_timeout(client, cfd, NULL), "DTLS retransmission");
    }
    if (!server || !qssl_dtls_is_connection_encrypted(server) || !qssl_dtls_is_connection_encrypted(client)) {
        fprintf(stderr, "DTLS handshake did not complete\n");
        exit(1);
    }
    qssl_cipher_t *cipher = qssl_dtls_session_cipher(client);
    char name[64];
    size_t len = 0, w = 0;
    check(qssl_cipher_name(cipher, name, sizeof name, &len), "cipher name");
    qssl_cipher_free(cipher);
    printf("  protocol %s, cipher %s, at most %zu bytes per datagram\n",
           protocol_name(qssl_dtls_session_protocol(client)), name, qssl_dtls_data_mtu(client));
    check(qssl_dtls_write_datagram_encrypted(client, cfd, (const uint8_t *)"GET /temperature", 16, &w), "DTLS write");
    ssize_t n = recv(sfd, buf, sizeof buf, 0);
    check(qssl_dtls_decrypt_datagram(server, sfd, buf, n > 0 ? (size_t)n : 0, plain, sizeof plain, &len),
          "DTLS decrypt");
    printf("  server received \"%.*s\"\n", (int)len, (const char *)plain);
    check(qssl_dtls_write_datagram_encrypted(server, sfd, (const uint8_t *)"21.5 C", 6, &w), "DTLS write");
    n = recv(cfd, buf, sizeof buf, 0);
    check(qssl_dtls_decrypt_datagram(client, cfd, buf, n > 0 ? (size_t)n : 0, plain, sizeof plain, &len),
          "DTLS decrypt");
    printf("  client received \"%.*s\"\n", (int)len, (const char *)plain);
    check(qssl_dtls_shutdown(client, cfd), "DTLS shutdown");
    qssl_dtls_free(client);
    qssl_dtls_free(server);
    qssl_dtls_verifier_free(verifier);
    qssl_config_free(ccfg);
    qssl_config_free(cfg);
    close(sfd);
    close(cfd);
}

int main(void) {
    printf("qssl %s on %s\n\n", qssl_version(), qssl_openssl_version());

    size_t len = 0;
    unsigned char *pem = read_file("server.pem", &len);
    qssl_cert_t *cert = NULL;
    check(qssl_cert_from_pem(pem, len, &cert), "load server.pem");
    free(pem);
    pem = read_file("server-key.pem", &len);
    qssl_key_t *key = NULL;
    check(qssl_key_from_pem(pem, len, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &key),
          "load server-key.pem");
    free(pem);
    pem = read_file("ca.pem", &len);
    qssl_cert_t *ca = NULL;
    check(qssl_cert_from_pem(pem, len, &ca), "load ca.pem");
    free(pem);

    const uint8_t *alpn[] = {(const uint8_t *)QSSL_ALPN_PROTOCOL_HTTP2, (const uint8_t *)QSSL_NEXT_PROTOCOL_HTTP1_1};
    const size_t alpn_len[] = {2, 8};

    /* 1. Certificate handshake. */
    qssl_config_t *server = qssl_config_default_configuration();
    check(qssl_config_set_local_certificate(server, cert), "server certificate");
    check(qssl_config_set_private_key(server, key), "server key");
    check(qssl_config_set_allowed_next_protocols(server, alpn, alpn_len, 2), "server ALPN");
    qssl_config_t *client = qssl_config_default_configuration();
    const qssl_cert_t *cas[] = {ca};
    check(qssl_config_set_ca_certificates(client, cas, 1), "client CA");
    check(qssl_config_set_allowed_next_protocols(client, alpn, alpn_len, 2), "client ALPN");
    printf("certificate handshake (client verifies \"localhost\" against the test CA):\n");
    qssl_config_t *session = run_pair(server, client, "hello over TLS");
    print_session(session);
    qssl_config_free(session);

    /* 2. PSK handshake, TLS 1.2. */
    qssl_config_t *psk_server = qssl_config_default_configuration();
    check(qssl_config_set_protocol(psk_server, QSSL_SSL_PROTOCOL_TLS_V1_2), "PSK server protocol");
    check(qssl_config_set_ciphers_string(psk_server, "PSK-AES128-GCM-SHA256"), "PSK server ciphers");
    check(qssl_config_set_pre_shared_key_identity_hint(psk_server, (const uint8_t *)"demo-hint", 9), "hint");
    check(qssl_config_set_psk_callback(psk_server, server_psk, NULL, NULL), "server PSK callback");
    qssl_config_t *psk_client = qssl_config_default_configuration();
    check(qssl_config_set_protocol(psk_client, QSSL_SSL_PROTOCOL_TLS_V1_2), "PSK client protocol");
    check(qssl_config_set_ciphers_string(psk_client, "PSK-AES128-GCM-SHA256"), "PSK client ciphers");
    check(qssl_config_set_peer_verify_mode(psk_client, QSSL_PEER_VERIFY_MODE_VERIFY_NONE), "verify none");
    check(qssl_config_set_psk_callback(psk_client, client_psk, NULL, NULL), "client PSK callback");
    printf("\nPSK handshake (TLS 1.2, no certificates):\n");
    session = run_pair(psk_server, psk_client, "hello over PSK");
    print_session(session);
    qssl_config_free(session);

    printf("\nDTLS 1.2 PSK exchange over UDP (PSK-AES128-CCM8, cookie verification):\n");
    dtls_psk_exchange();

    qssl_config_free(psk_client);
    qssl_config_free(psk_server);
    qssl_config_free(client);
    qssl_config_free(server);
    qssl_cert_free(ca);
    qssl_key_free(key);
    qssl_cert_free(cert);
    printf("\ndone\n");
    return 0;
}
