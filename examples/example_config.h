/* example_config.h: builds the qssl configuration the Boost.Asio and libcurl
 * examples apply to their OpenSSL contexts, from command-line style options.
 * Plain C, shared by the C++ (Asio) and C (curl) examples. */
#ifndef QSSL_EXAMPLE_CONFIG_H
#define QSSL_EXAMPLE_CONFIG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qssl.h>

struct example_options {
    const char *cert;   /* local certificate (PEM file) */
    const char *key;    /* its RSA private key (PEM file) */
    const char *ca;     /* the only CA to trust (PEM file) */
    int verify_peer;    /* servers: require a valid client certificate */
    int verify_none;    /* do not verify the peer */
    int psk;            /* PSK with the example's identity and key */
    int tls12;          /* TLS 1.2 only (PSK: a PSK suite) */
};

/* The example's pre-shared key and identity (both sides know them). */
static const unsigned char example_psk_key[16] = {0x51, 0x73, 0x73, 0x6c, 0x20, 0x65, 0x78, 0x61,
                                                 0x6d, 0x70, 0x6c, 0x65, 0x20, 0x6b, 0x65, 0x79};
#define EXAMPLE_PSK_IDENTITY "qssl-example"

/* The PSK callback: a client answers with the identity and key; a server
 * checks the client's identity and answers with the key (a wrong identity
 * leaves the key empty, which refuses the handshake). */
static int32_t example_psk_cb(void *user_data, qssl_psk_auth_t *auth) {
    (void)user_data;
    char id[64];
    size_t n = 0;
    if (qssl_psk_auth_identity(auth, (uint8_t *)id, sizeof id - 1, &n) != QSSL_STATUS_OK) n = 0;
    id[n] = 0;
    if (n == 0) { /* client side */
        qssl_psk_auth_set_identity(auth, (const uint8_t *)EXAMPLE_PSK_IDENTITY, strlen(EXAMPLE_PSK_IDENTITY));
        qssl_psk_auth_set_pre_shared_key(auth, example_psk_key, sizeof example_psk_key);
    } else if (strcmp(id, EXAMPLE_PSK_IDENTITY) == 0) {
        qssl_psk_auth_set_pre_shared_key(auth, example_psk_key, sizeof example_psk_key);
    }
    return 0;
}

static unsigned char *example_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *buf = (unsigned char *)malloc(1 << 16);
    *len = buf ? fread(buf, 1, 1 << 16, f) : 0;
    fclose(f);
    return buf;
}

/* Parses one option at argv[*i]; returns 1 if it was one of ours. */
static int example_parse_option(struct example_options *o, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    if (strcmp(a, "--verify-peer") == 0) return o->verify_peer = 1;
    if (strcmp(a, "--verify-none") == 0) return o->verify_none = 1;
    if (strcmp(a, "--psk") == 0) return o->psk = 1;
    if (strcmp(a, "--tls12") == 0) return o->tls12 = 1;
    if (*i + 1 >= argc) return 0;
    const char **slot = strcmp(a, "--cert") == 0 ? &o->cert
                        : strcmp(a, "--key") == 0 ? &o->key
                        : strcmp(a, "--ca") == 0  ? &o->ca
                                                  : NULL;
    if (!slot) return 0;
    *slot = argv[++*i];
    return 1;
}

/* The configuration for the options, or NULL (the reason is printed). */
static qssl_config_t *example_config(const struct example_options *o) {
    qssl_config_t *cfg = qssl_config_default_configuration();
    qssl_status_t st = QSSL_STATUS_OK;
    if (o->cert && o->key) {
        size_t len = 0;
        unsigned char *pem = example_read_file(o->cert, &len);
        qssl_cert_t *cert = NULL;
        if (pem) st = qssl_cert_from_pem(pem, len, &cert);
        free(pem);
        if (st == QSSL_STATUS_OK && cert) st = qssl_config_set_local_certificate(cfg, cert);
        qssl_cert_free(cert);
        pem = example_read_file(o->key, &len);
        qssl_key_t *key = NULL;
        if (st == QSSL_STATUS_OK && pem)
            st = qssl_key_from_pem(pem, len, QSSL_KEY_ALGORITHM_RSA, QSSL_KEY_TYPE_PRIVATE_KEY, NULL, 0, &key);
        free(pem);
        if (st == QSSL_STATUS_OK && key) st = qssl_config_set_private_key(cfg, key);
        qssl_key_free(key);
    }
    if (st == QSSL_STATUS_OK && o->ca) {
        size_t len = 0;
        unsigned char *pem = example_read_file(o->ca, &len);
        qssl_cert_t *ca = NULL;
        if (pem) st = qssl_cert_from_pem(pem, len, &ca);
        free(pem);
        const qssl_cert_t *cas[1] = {ca};
        if (st == QSSL_STATUS_OK && ca) st = qssl_config_set_ca_certificates(cfg, cas, 1);
        qssl_cert_free(ca);
    }
    if (st == QSSL_STATUS_OK && o->verify_peer)
        st = qssl_config_set_peer_verify_mode(cfg, QSSL_PEER_VERIFY_MODE_VERIFY_PEER);
    if (st == QSSL_STATUS_OK && o->verify_none)
        st = qssl_config_set_peer_verify_mode(cfg, QSSL_PEER_VERIFY_MODE_VERIFY_NONE);
    if (st == QSSL_STATUS_OK && o->tls12) st = qssl_config_set_protocol(cfg, QSSL_SSL_PROTOCOL_TLS_V1_2);
    if (st == QSSL_STATUS_OK && o->psk) {
        st = qssl_config_set_psk_callback(cfg, example_psk_cb, NULL, NULL);
        if (st == QSSL_STATUS_OK && o->tls12) st = qssl_config_set_ciphers_string(cfg, "PSK-AES128-GCM-SHA256");
    }
    if (st != QSSL_STATUS_OK) {
        fprintf(stderr, "configuration: %s\n", qssl_last_error_message());
        qssl_config_free(cfg);
        return NULL;
    }
    return cfg;
}

#endif
