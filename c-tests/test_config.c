/* qssl_config_t (QSslConfiguration): defaults, enum numbers, the isNull / ==
 * tables, copy-on-write, swap, defaults across threads, cipher strings, CA
 * flags, backend map, ALPN, session ticket, PSK callback registration, and bad
 * input for every function. */
#include <pthread.h>

#include "qtest.h"


static size_t cipher_count(const qssl_config_t *cfg) {
    qssl_cipher_list_t *l = qssl_config_ciphers(cfg);
    size_t n = qssl_cipher_list_len(l);
    qssl_cipher_list_free(l);
    return n;
}

TEST_CASE(enum_numbers_are_qt6) {
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_TLS_V1_0, 0);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_TLS_V1_1, 1);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_TLS_V1_2, 2);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_ANY_PROTOCOL, 3);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS, 4);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_TLS_V1_0_OR_LATER, 5);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_TLS_V1_1_OR_LATER, 6);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_TLS_V1_2_OR_LATER, 7);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_DTLS_V1_0, 8);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_DTLS_V1_0_OR_LATER, 9);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_DTLS_V1_2, 10);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER, 11);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_TLS_V1_3, 12);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_TLS_V1_3_OR_LATER, 13);
    CHECK_EQ_INT(QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL, -1);
    CHECK_EQ_INT(QSSL_SSL_OPTION_DISABLE_EMPTY_FRAGMENTS, 0x01);
    CHECK_EQ_INT(QSSL_SSL_OPTION_DISABLE_SESSION_TICKETS, 0x02);
    CHECK_EQ_INT(QSSL_SSL_OPTION_DISABLE_COMPRESSION, 0x04);
    CHECK_EQ_INT(QSSL_SSL_OPTION_DISABLE_SERVER_NAME_INDICATION, 0x08);
    CHECK_EQ_INT(QSSL_SSL_OPTION_DISABLE_LEGACY_RENEGOTIATION, 0x10);
    CHECK_EQ_INT(QSSL_SSL_OPTION_DISABLE_SESSION_SHARING, 0x20);
    CHECK_EQ_INT(QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, 0x40);
    CHECK_EQ_INT(QSSL_SSL_OPTION_DISABLE_SERVER_CIPHER_PREFERENCE, 0x80);
    CHECK_EQ_INT(QSSL_PEER_VERIFY_MODE_VERIFY_NONE, 0);
    CHECK_EQ_INT(QSSL_PEER_VERIFY_MODE_QUERY_PEER, 1);
    CHECK_EQ_INT(QSSL_PEER_VERIFY_MODE_VERIFY_PEER, 2);
    CHECK_EQ_INT(QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER, 3);
    CHECK_EQ_INT(QSSL_SSL_MODE_UNENCRYPTED_MODE, 0);
    CHECK_EQ_INT(QSSL_SSL_MODE_SSL_CLIENT_MODE, 1);
    CHECK_EQ_INT(QSSL_SSL_MODE_SSL_SERVER_MODE, 2);
    CHECK_EQ_INT(QSSL_KEY_TYPE_PRIVATE_KEY, 0);
    CHECK_EQ_INT(QSSL_KEY_TYPE_PUBLIC_KEY, 1);
    CHECK_EQ_INT(QSSL_ENCODING_FORMAT_PEM, 0);
    CHECK_EQ_INT(QSSL_ENCODING_FORMAT_DER, 1);
    CHECK_EQ_INT(QSSL_KEY_ALGORITHM_OPAQUE, 0);
    CHECK_EQ_INT(QSSL_KEY_ALGORITHM_RSA, 1);
    CHECK_EQ_INT(QSSL_KEY_ALGORITHM_DSA, 2);
    CHECK_EQ_INT(QSSL_KEY_ALGORITHM_EC, 3);
    CHECK_EQ_INT(QSSL_KEY_ALGORITHM_DH, 4);
    CHECK_EQ_INT(QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_EMAIL_ENTRY, 0);
    CHECK_EQ_INT(QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_DNS_ENTRY, 1);
    CHECK_EQ_INT(QSSL_ALTERNATIVE_NAME_ENTRY_TYPE_IP_ADDRESS_ENTRY, 2);
    CHECK_EQ_INT(QSSL_SUBJECT_INFO_ORGANIZATION, 0);
    CHECK_EQ_INT(QSSL_SUBJECT_INFO_COMMON_NAME, 1);
    CHECK_EQ_INT(QSSL_SUBJECT_INFO_EMAIL_ADDRESS, 8);
    CHECK_EQ_INT(QSSL_PATTERN_SYNTAX_REGULAR_EXPRESSION, 0);
    CHECK_EQ_INT(QSSL_PATTERN_SYNTAX_WILDCARD, 1);
    CHECK_EQ_INT(QSSL_PATTERN_SYNTAX_FIXED_STRING, 2);
    CHECK_EQ_INT(QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NONE, 0);
    CHECK_EQ_INT(QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NEGOTIATED, 1);
    CHECK_EQ_INT(QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_UNSUPPORTED, 2);
    CHECK_EQ_INT(QSSL_DH_PARAMS_ERROR_NO_ERROR, 0);
    CHECK_EQ_INT(QSSL_DH_PARAMS_ERROR_INVALID_INPUT_DATA_ERROR, 1);
    CHECK_EQ_INT(QSSL_DH_PARAMS_ERROR_UNSAFE_PARAMETERS_ERROR, 2);
    CHECK_EQ_INT(QSSL_SSL_ERROR_NO_ERROR, 0);
    CHECK_EQ_INT(QSSL_SSL_ERROR_SELF_SIGNED_CERTIFICATE, 9);
    CHECK_EQ_INT(QSSL_SSL_ERROR_HOST_NAME_MISMATCH, 22);
    CHECK_EQ_INT(QSSL_SSL_ERROR_OCSP_NO_RESPONSE_FOUND, 26);
    CHECK_EQ_INT(QSSL_SSL_ERROR_OCSP_STATUS_UNKNOWN, 36);
    CHECK_EQ_INT(QSSL_SSL_ERROR_UNSPECIFIED_ERROR, -1);
    CHECK_EQ_INT(QSSL_ALERT_LEVEL_FATAL, 1);
    CHECK_EQ_INT(QSSL_ALERT_TYPE_UNKNOWN_PSK_IDENTITY, 115);
    CHECK_EQ_INT(QSSL_ALERT_TYPE_CERTIFICATE_REQUIRED, 116);
    CHECK_EQ_STR(QSSL_ALPN_PROTOCOL_HTTP2, "h2");
    CHECK_EQ_STR(QSSL_NEXT_PROTOCOL_HTTP1_1, "http/1.1");
}

TEST_CASE(defaults) {
    qssl_config_t *c = qssl_config_new();
    CHECK(c != NULL);
    CHECK(qssl_config_is_null(c));
    CHECK_EQ_INT(qssl_config_protocol(c), QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS);
    CHECK_EQ_INT(qssl_config_peer_verify_mode(c), QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);
    CHECK_EQ_INT(qssl_config_peer_verify_depth(c), 0);
    CHECK_EQ_INT(qssl_config_ssl_options(c), 0x55);
    CHECK(qssl_config_test_ssl_option(c, QSSL_SSL_OPTION_DISABLE_EMPTY_FRAGMENTS));
    CHECK(!qssl_config_test_ssl_option(c, QSSL_SSL_OPTION_DISABLE_SESSION_TICKETS));
    CHECK(!qssl_config_ocsp_stapling_enabled(c));
    CHECK(qssl_config_dtls_cookie_verification_enabled(c));
    CHECK(!qssl_config_handshake_must_interrupt_on_error(c));
    CHECK(!qssl_config_missing_certificate_is_fatal(c));
    CHECK_EQ_INT(qssl_config_session_protocol(c), QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL);
    CHECK_EQ_INT(qssl_config_session_ticket_life_time_hint(c), -1);
    CHECK(qssl_config_session_ticket_is_null(c));
    CHECK(qssl_config_pre_shared_key_identity_hint_is_null(c));
    CHECK(qssl_config_next_negotiated_protocol_is_null(c));
    CHECK_EQ_INT(qssl_config_next_protocol_negotiation_status(c), 0);
    CHECK_EQ_INT(cipher_count(c), 0);
    qssl_cert_list_t *ca = qssl_config_ca_certificates(c);
    CHECK_EQ_INT(qssl_cert_list_len(ca), 0);
    qssl_cert_list_free(ca);
    qssl_key_t *k = qssl_config_ephemeral_server_key(c);
    CHECK(qssl_key_is_null(k));
    CHECK_EQ_INT(qssl_key_algorithm(k), QSSL_KEY_ALGORITHM_OPAQUE);
    CHECK_EQ_INT(qssl_key_type(k), QSSL_KEY_TYPE_PUBLIC_KEY);
    CHECK_EQ_INT(qssl_key_length(k), -1);
    qssl_key_free(k);
    qssl_cipher_t *sc = qssl_config_session_cipher(c);
    CHECK(qssl_cipher_is_null(sc));
    qssl_cipher_free(sc);
    qssl_dh_params_t *dh = qssl_config_diffie_hellman_parameters(c);
    qssl_dh_params_t *def = qssl_dh_params_default_parameters();
    CHECK(qssl_dh_params_equal(dh, def));
    CHECK(qssl_dh_params_is_valid(dh) && !qssl_dh_params_is_empty(dh));
    qssl_dh_params_free(dh);
    qssl_dh_params_free(def);
    qssl_config_free(c);
}

TEST_CASE(null_handle_getters_return_qt_defaults) {
    CHECK(qssl_config_is_null(NULL));
    CHECK_EQ_INT(qssl_config_protocol(NULL), QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS);
    CHECK_EQ_INT(qssl_config_peer_verify_mode(NULL), QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);
    CHECK_EQ_INT(qssl_config_peer_verify_depth(NULL), 0);
    CHECK_EQ_INT(qssl_config_ssl_options(NULL), 0x55);
    CHECK_EQ_INT(qssl_config_session_protocol(NULL), -1);
    CHECK_EQ_INT(qssl_config_session_ticket_life_time_hint(NULL), -1);
    CHECK(qssl_config_dtls_cookie_verification_enabled(NULL));
    CHECK(qssl_config_copy(NULL) == NULL);
    CHECK(qssl_config_ciphers(NULL) == NULL);
    CHECK(!qssl_config_equal(NULL, NULL));
    qssl_config_free(NULL);
}

/* Each row: a fresh configuration, one change, then isNull and == fresh. */
#define ROW(expr, want_null, want_eq)                                                       \
    do {                                                                                    \
        qssl_config_t *c_ = qssl_config_new();                                              \
        qssl_config_t *f_ = qssl_config_new();                                              \
        qssl_config_t *c = c_;                                                              \
        (void)c;                                                                            \
        expr;                                                                               \
        int n_ = qssl_config_is_null(c_), e_ = qssl_config_equal(c_, f_);                   \
        qssl_config_free(c_);                                                               \
        qssl_config_free(f_);                                                               \
        if (n_ != (want_null) || e_ != (want_eq)) {                                         \
            fprintf(stderr, "row %s: isNull=%d (want %d) equal=%d (want %d)\n", #expr, n_,  \
                    want_null, e_, want_eq);                                                \
            CHECK(0);                                                                       \
        }                                                                                   \
    } while (0)

TEST_CASE(is_null_and_equality_table) {
    qssl_cert_t *cert = qtest_load_cert("server.pem");
    CHECK(cert != NULL);
    qssl_cert_t *nullcert = qssl_cert_new();
    qssl_key_t *nullkey = qssl_key_new();
    qssl_dh_params_t *dhdef = qssl_dh_params_default_parameters();
    qssl_dh_params_t *dhempty = qssl_dh_params_new();
    const uint8_t h2[] = "h2";
    const uint8_t *protos[] = {h2};
    const size_t lens[] = {2};
    const qssl_curve_t p256[] = {qssl_curve_from_short_name("prime256v1")};
    const uint8_t empty[1] = {0};

    ROW(qssl_config_set_protocol(c, QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS), 1, 1);
    ROW(qssl_config_set_protocol(c, QSSL_SSL_PROTOCOL_TLS_V1_2), 0, 0);
    ROW(qssl_config_set_peer_verify_mode(c, QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER), 1, 1);
    ROW(qssl_config_set_peer_verify_mode(c, QSSL_PEER_VERIFY_MODE_VERIFY_PEER), 0, 0);
    ROW(qssl_config_set_peer_verify_depth(c, 0), 1, 1);
    ROW(qssl_config_set_peer_verify_depth(c, 3), 0, 0);
    ROW(qssl_config_set_peer_verify_depth(c, -1), 1, 1);
    ROW(qssl_config_set_local_certificate(c, nullcert), 0, 0);
    ROW(qssl_config_set_local_certificate(c, cert), 0, 0);
    ROW(qssl_config_set_local_certificate_chain(c, NULL, 0), 1, 1);
    ROW(qssl_config_set_private_key(c, nullkey), 1, 1);
    ROW(qssl_config_set_ciphers(c, NULL, 0), 1, 1);
    ROW(qssl_config_set_ciphers_string(c, ""), 1, 1);
    ROW(qssl_config_set_ciphers_string(c, "AES256-SHA"), 0, 0);
    ROW(qssl_config_set_ca_certificates(c, NULL, 0), 0, 0);
    ROW(qssl_config_add_ca_certificates(c, NULL, 0), 0, 0);
    ROW(qssl_config_add_ca_certificates_from_path(c, "/nonexistent/x.pem", QSSL_ENCODING_FORMAT_PEM,
                                                  QSSL_PATTERN_SYNTAX_FIXED_STRING), 1, 1);
    ROW(qssl_config_add_ca_certificate(c, nullcert), 0, 0);
    ROW(qssl_config_set_ssl_option(c, QSSL_SSL_OPTION_DISABLE_EMPTY_FRAGMENTS, true), 1, 1);
    ROW(qssl_config_set_ssl_option(c, QSSL_SSL_OPTION_DISABLE_SESSION_TICKETS, false), 1, 1);
    ROW(qssl_config_set_ssl_option(c, QSSL_SSL_OPTION_DISABLE_SESSION_TICKETS, true), 0, 0);
    ROW(qssl_config_set_ssl_option(c, QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, false), 0, 0);
    ROW(qssl_config_set_session_ticket(c, NULL, 0), 1, 1);
    ROW(qssl_config_set_session_ticket(c, empty, 0), 0, 1);
    ROW(qssl_config_set_elliptic_curves(c, NULL, 0), 1, 1);
    ROW(qssl_config_set_elliptic_curves(c, p256, 1), 0, 0);
    ROW(qssl_config_set_pre_shared_key_identity_hint(c, NULL, 0), 1, 1);
    ROW(qssl_config_set_pre_shared_key_identity_hint(c, empty, 0), 0, 1);
    ROW(qssl_config_set_diffie_hellman_parameters(c, dhdef), 1, 1);
    ROW(qssl_config_set_diffie_hellman_parameters(c, dhempty), 0, 0);
    ROW(qssl_config_set_backend_configuration_option_bytes(c, "MinProtocol", (const uint8_t *)"TLSv1.2", 7), 0, 0);
    ROW(qssl_config_set_backend_configuration(c, NULL), 1, 1);
    ROW(qssl_config_set_allowed_next_protocols(c, NULL, NULL, 0), 1, 1);
    ROW(qssl_config_set_allowed_next_protocols(c, protos, lens, 1), 0, 0);
    ROW(qssl_config_set_ocsp_stapling_enabled(c, true), 0, 0);
    ROW(qssl_config_set_dtls_cookie_verification_enabled(c, false), 1, 0);
    ROW(qssl_config_set_dtls_cookie_verification_enabled(c, true), 1, 1);
    ROW(qssl_config_set_handshake_must_interrupt_on_error(c, true), 0, 0);
    ROW(qssl_config_set_missing_certificate_is_fatal(c, true), 0, 0);

    qssl_cert_free(cert);
    qssl_cert_free(nullcert);
    qssl_key_free(nullkey);
    qssl_dh_params_free(dhdef);
    qssl_dh_params_free(dhempty);
}

TEST_CASE(ca_reset_is_irreversible) {
    qssl_cert_t *cert = qtest_load_cert("ca.pem");
    CHECK(cert != NULL);
    qssl_config_t *c = qssl_config_new(), *fresh = qssl_config_new();
    const qssl_cert_t *one[] = {cert};
    CHECK_OK(qssl_config_set_ca_certificates(c, one, 1));
    CHECK_OK(qssl_config_set_ca_certificates(c, NULL, 0));
    CHECK(!qssl_config_is_null(c));
    CHECK(!qssl_config_equal(c, fresh));
    /* set(list) == add(list) on a fresh object; path overload differs. */
    qssl_config_t *by_set = qssl_config_new(), *by_add = qssl_config_new(), *by_path = qssl_config_new();
    CHECK_OK(qssl_config_set_ca_certificates(by_set, one, 1));
    CHECK_OK(qssl_config_add_ca_certificates(by_add, one, 1));
    CHECK(qssl_config_equal(by_set, by_add));
    char path[4096];
    snprintf(path, sizeof path, "%s/ca.pem", qtest_fixtures());
    CHECK_OK(qssl_config_add_ca_certificates_from_path(by_path, path, QSSL_ENCODING_FORMAT_PEM,
                                                       QSSL_PATTERN_SYNTAX_FIXED_STRING));
    qssl_cert_list_t *l = qssl_config_ca_certificates(by_path);
    CHECK_EQ_INT(qssl_cert_list_len(l), 1);
    CHECK(qssl_cert_equal(qssl_cert_list_get(l, 0), cert));
    qssl_cert_list_free(l);
    CHECK(!qssl_config_equal(by_path, by_add));
    /* addCaCertificate twice gives two entries. */
    CHECK_OK(qssl_config_add_ca_certificate(by_add, cert));
    l = qssl_config_ca_certificates(by_add);
    CHECK_EQ_INT(qssl_cert_list_len(l), 2);
    /* The list round-trips through the setter in array form. */
    CHECK_OK(qssl_config_set_ca_certificates(by_set, qssl_cert_list_items(l), qssl_cert_list_len(l)));
    qssl_cert_list_free(l);
    CHECK(qssl_config_equal(by_set, by_add));
    CHECK_ERROR(qssl_config_add_ca_certificates_from_path(by_set, "/nonexistent/qssl", QSSL_ENCODING_FORMAT_PEM,
                                                          QSSL_PATTERN_SYNTAX_FIXED_STRING),
                QSSL_STATUS_NOT_FOUND, "no certificate found");
    qssl_config_free(by_set);
    qssl_config_free(by_add);
    qssl_config_free(by_path);
    qssl_config_free(c);
    qssl_config_free(fresh);
    qssl_cert_free(cert);
}

TEST_CASE(copy_on_write_both_free_orders) {
    for (int order = 0; order < 2; order++) {
        qssl_config_t *a = qssl_config_new();
        CHECK_OK(qssl_config_set_protocol(a, QSSL_SSL_PROTOCOL_TLS_V1_3));
        qssl_config_t *b = qssl_config_copy(a);
        CHECK(qssl_config_equal(a, b));
        CHECK_OK(qssl_config_set_protocol(b, QSSL_SSL_PROTOCOL_TLS_V1_2));
        CHECK_EQ_INT(qssl_config_protocol(a), QSSL_SSL_PROTOCOL_TLS_V1_3);
        CHECK_EQ_INT(qssl_config_protocol(b), QSSL_SSL_PROTOCOL_TLS_V1_2);
        CHECK(!qssl_config_equal(a, b));
        if (order == 0) {
            qssl_config_free(a);
            CHECK_EQ_INT(qssl_config_protocol(b), QSSL_SSL_PROTOCOL_TLS_V1_2);
            qssl_config_free(b);
        } else {
            qssl_config_free(b);
            CHECK_EQ_INT(qssl_config_protocol(a), QSSL_SSL_PROTOCOL_TLS_V1_3);
            qssl_config_free(a);
        }
    }
}

/* Copy-on-write at every level a write can reach: the scalars (in place
 * once unshared), the shared lists (a copy's list write leaves the
 * original's list alone), and a write after the other copies are gone. */
TEST_CASE(copy_on_write_scalars_and_lists) {
    qssl_config_t *a = qssl_config_default_configuration();
    size_t ciphers = cipher_count(a);
    CHECK(ciphers > 0);
    CHECK_OK(qssl_config_set_peer_verify_depth(a, 3)); /* unshared from the default now */
    qssl_config_t *b = qssl_config_copy(a);
    qssl_config_t *c = qssl_config_copy(b);
    CHECK(b != a && c != b && c != a);
    CHECK_OK(qssl_config_set_peer_verify_depth(a, 4)); /* a detaches; b and c share */
    CHECK_EQ_INT(qssl_config_peer_verify_depth(a), 4);
    CHECK_EQ_INT(qssl_config_peer_verify_depth(b), 3);
    CHECK_EQ_INT(qssl_config_peer_verify_depth(c), 3);
    CHECK(qssl_config_equal(b, c));
    CHECK_OK(qssl_config_set_ciphers_string(c, "AES128-SHA")); /* a list write on a shared copy */
    CHECK_EQ_INT(cipher_count(c), 1);
    CHECK_EQ_INT(cipher_count(b), ciphers);
    CHECK_EQ_INT(cipher_count(a), ciphers);
    qssl_config_free(b); /* c is the last holder of its data */
    CHECK_OK(qssl_config_set_peer_verify_depth(c, 7));
    CHECK_EQ_INT(qssl_config_peer_verify_depth(c), 7);
    CHECK_EQ_INT(qssl_config_peer_verify_depth(a), 4);
    qssl_config_t *d = qssl_config_default_configuration();
    CHECK_EQ_INT(qssl_config_peer_verify_depth(d), 0); /* the default never changed */
    CHECK_EQ_INT(cipher_count(d), ciphers);
    qssl_config_free(d);
    qssl_config_free(c);
    qssl_config_free(a);
    /* A NULL copy is recorded, not just answered with NULL. */
    qssl_clear_last_error();
    CHECK(qssl_config_copy(NULL) == NULL);
    CHECK(strstr(qssl_last_error_message(), "qssl_config_copy: cfg is NULL") != NULL);
}

TEST_CASE(swap) {
    qssl_config_t *a = qssl_config_new(), *b = qssl_config_new();
    CHECK_OK(qssl_config_set_peer_verify_depth(a, 5));
    qssl_config_swap(a, b);
    CHECK_EQ_INT(qssl_config_peer_verify_depth(a), 0);
    CHECK_EQ_INT(qssl_config_peer_verify_depth(b), 5);
    qssl_config_swap(a, a);
    qssl_clear_last_error();
    qssl_config_swap(a, NULL);
    CHECK(strstr(qssl_last_error_message(), "is NULL") != NULL);
    qssl_clear_last_error();
    qssl_config_swap(NULL, NULL);
    CHECK(strstr(qssl_last_error_message(), "qssl_config_swap: a is NULL") != NULL);
    CHECK_EQ_INT(qssl_config_peer_verify_depth(a), 0);
    qssl_config_free(a);
    qssl_config_free(b);
}

static void *read_default_depth(void *arg) {
    qssl_config_t *d = qssl_config_default_configuration();
    *(int *)arg = qssl_config_peer_verify_depth(d);
    qssl_config_free(d);
    return NULL;
}

TEST_CASE(default_configuration_round_trip_across_threads) {
    qssl_config_t *original = qssl_config_default_configuration();
    CHECK(!qssl_config_is_null(original));
    CHECK(cipher_count(original) > 0);
    qssl_config_t *fresh = qssl_config_new();
    CHECK(!qssl_config_equal(original, fresh));
    qssl_config_t *g = qssl_config_copy(original);
    CHECK_OK(qssl_config_set_peer_verify_depth(g, 4));
    CHECK_OK(qssl_config_set_default_configuration(g));
    int seen = -1;
    pthread_t t;
    CHECK(pthread_create(&t, NULL, read_default_depth, &seen) == 0);
    pthread_join(t, NULL);
    CHECK_EQ_INT(seen, 4);
    CHECK_OK(qssl_config_set_peer_verify_depth(g, 9)); /* detaches from the global */
    qssl_config_t *d = qssl_config_default_configuration();
    CHECK_EQ_INT(qssl_config_peer_verify_depth(d), 4);
    qssl_config_free(d);
    /* An empty configuration may be the default. */
    CHECK_OK(qssl_config_set_default_configuration(fresh));
    d = qssl_config_default_configuration();
    CHECK(qssl_config_is_null(d));
    qssl_config_free(d);
    CHECK_OK(qssl_config_set_default_configuration(original));
    /* DTLS default. */
    qssl_config_t *dtls = qssl_config_default_dtls_configuration();
    CHECK_EQ_INT(qssl_config_protocol(dtls), QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER);
    qssl_config_t *o2 = qssl_config_copy(original);
    CHECK_OK(qssl_config_set_protocol(o2, QSSL_SSL_PROTOCOL_DTLS_V1_2_OR_LATER));
    CHECK(qssl_config_equal(o2, dtls));
    CHECK_STATUS(qssl_config_set_default_configuration(NULL), QSSL_STATUS_NULL_ARGUMENT);
    qssl_config_free(o2);
    qssl_config_free(dtls);
    qssl_config_free(g);
    qssl_config_free(fresh);
    qssl_config_free(original);
}

TEST_CASE(cipher_string_parsing) {
    qssl_config_t *c = qssl_config_new();
    CHECK_OK(qssl_config_set_ciphers_string(c, "AES256-SHA:BOGUS::ECDHE-RSA-AES128-GCM-SHA256:aes128-sha:AES256-SHA"));
    qssl_cipher_list_t *l = qssl_config_ciphers(c);
    CHECK_EQ_INT(qssl_cipher_list_len(l), 3);
    const char *want[] = {"AES256-SHA", "ECDHE-RSA-AES128-GCM-SHA256", "AES256-SHA"};
    for (size_t i = 0; i < 3; i++) {
        char name[128];
        size_t n = 0;
        CHECK_OK(qssl_cipher_name(qssl_cipher_list_get(l, i), name, sizeof name, &n));
        CHECK_EQ_STR(name, want[i]);
    }
    /* The list round-trips through the array setter. */
    qssl_config_t *c2 = qssl_config_new();
    CHECK_OK(qssl_config_set_ciphers(c2, qssl_cipher_list_items(l), qssl_cipher_list_len(l)));
    CHECK(qssl_config_equal(c, c2));
    qssl_cipher_list_free(l);
    CHECK_OK(qssl_config_set_ciphers_string(c, "NOPE"));
    CHECK_EQ_INT(cipher_count(c), 0);
    CHECK(qssl_config_is_null(c));
    CHECK_OK(qssl_config_set_ciphers_string(c, "TLS_AES_128_GCM_SHA256"));
    CHECK_EQ_INT(cipher_count(c), 1);
    CHECK_ERROR(qssl_config_set_ciphers_string(c, NULL), QSSL_STATUS_NULL_ARGUMENT, "ciphers is NULL");
    CHECK_ERROR(qssl_config_set_ciphers_string(c, "AES\xff"), QSSL_STATUS_INVALID_ARGUMENT, "UTF-8");
    qssl_config_free(c2);
    qssl_config_free(c);
}

TEST_CASE(supported_ciphers_and_curves) {
    qssl_cipher_list_t *s = qssl_config_supported_ciphers();
    CHECK(qssl_cipher_list_len(s) > 10);
    qssl_cipher_list_free(s);
    qssl_curve_list_t *cl = qssl_config_supported_elliptic_curves();
    CHECK(qssl_curve_list_len(cl) > 10);
    qssl_curve_list_free(cl);
    qssl_config_t *c = qssl_config_new();
    const qssl_curve_t curves[] = {qssl_curve_from_short_name("prime256v1"), qssl_curve_from_short_name("X25519")};
    CHECK(curves[0] != 0 && curves[1] != 0);
    CHECK_OK(qssl_config_set_elliptic_curves(c, curves, 2));
    qssl_curve_list_t *got = qssl_config_elliptic_curves(c);
    CHECK_EQ_INT(qssl_curve_list_len(got), 2);
    CHECK_EQ_INT(qssl_curve_list_get(got, 1), curves[1]);
    qssl_curve_list_free(got);
    const qssl_curve_t bad[] = {0};
    CHECK_ERROR(qssl_config_set_elliptic_curves(c, bad, 1), QSSL_STATUS_INVALID_ARGUMENT, "invalid elliptic curve");
    CHECK_STATUS(qssl_config_set_elliptic_curves(c, NULL, 2), QSSL_STATUS_NULL_ARGUMENT);
    qssl_config_free(c);
}

TEST_CASE(system_ca_certificates_cached) {
    qssl_cert_list_t *a = qssl_config_system_ca_certificates();
    qssl_cert_list_t *b = qssl_config_system_ca_certificates();
    CHECK(a != NULL && b != NULL);
    CHECK_EQ_INT(qssl_cert_list_len(a), qssl_cert_list_len(b));
    if (qssl_cert_list_len(a) > 0) CHECK(qssl_cert_list_get(a, 0) == qssl_cert_list_get(b, 0));
    size_t n = 0;
    CHECK_OK(qssl_config_reload_system_ca_certificates(&n));
    CHECK_EQ_INT(n, qssl_cert_list_len(a));
    qssl_cert_list_free(a);
    qssl_cert_list_free(b);
}

TEST_CASE(backend_configuration) {
    qssl_config_t *c = qssl_config_new();
    CHECK_OK(qssl_config_set_backend_configuration_option_int(c, "DTLSMTU", 1024));
    CHECK_OK(qssl_config_set_backend_configuration_option_int(c, "DTLSTIMEOUTMS", 1000));
    CHECK_OK(qssl_config_set_backend_configuration_option_bytes(c, "MinProtocol", (const uint8_t *)"TLSv1.3", 7));
    CHECK_OK(qssl_config_set_backend_configuration_option_bool(c, "Flag", true));
    CHECK_OK(qssl_config_set_backend_configuration_option_text(c, "Text", "hello"));
    qssl_backend_config_t *m = qssl_config_backend_configuration(c);
    CHECK_EQ_INT(qssl_backend_config_len(m), 5);
    size_t i = 99;
    CHECK_OK(qssl_backend_config_find(m, "DTLSMTU", &i));
    CHECK_EQ_INT(qssl_backend_config_value_type(m, i), QSSL_BACKEND_VALUE_TYPE_INT);
    int64_t v = 0;
    CHECK_OK(qssl_backend_config_value_int(m, i, &v));
    CHECK_EQ_INT(v, 1024);
    bool bv = false;
    CHECK_ERROR(qssl_backend_config_value_bool(m, i, &bv), QSSL_STATUS_INVALID_ARGUMENT, "not a boolean");
    CHECK_OK(qssl_backend_config_find(m, "MinProtocol", &i));
    char buf[32];
    size_t len = 0;
    CHECK_OK(qssl_backend_config_name(m, i, buf, sizeof buf, &len));
    CHECK_EQ_STR(buf, "MinProtocol");
    CHECK_STATUS(qssl_backend_config_value_bytes(m, i, (uint8_t *)buf, 3, &len), QSSL_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(len, 7);
    CHECK_OK(qssl_backend_config_value_bytes(m, i, (uint8_t *)buf, sizeof buf, &len));
    CHECK(len == 7 && memcmp(buf, "TLSv1.3", 7) == 0);
    CHECK_STATUS(qssl_backend_config_find(m, "Nope", &i), QSSL_STATUS_NOT_FOUND);
    CHECK_STATUS(qssl_backend_config_name(m, 99, buf, sizeof buf, &len), QSSL_STATUS_INVALID_ARGUMENT);
    /* Round trip of the whole map; NULL clears. */
    qssl_config_t *c2 = qssl_config_new();
    CHECK_OK(qssl_config_set_backend_configuration(c2, m));
    CHECK(qssl_config_equal(c, c2));
    CHECK_OK(qssl_config_set_backend_configuration(c2, NULL));
    CHECK(qssl_config_is_null(c2));
    /* A built map. */
    qssl_backend_config_t *built = qssl_backend_config_new();
    CHECK_OK(qssl_backend_config_insert_int(built, "DTLSMTU", 1024));
    CHECK_OK(qssl_backend_config_insert_bytes(built, "MinProtocol", (const uint8_t *)"TLSv1.3", 7));
    CHECK_OK(qssl_backend_config_insert_bool(built, "Flag", true));
    CHECK_OK(qssl_backend_config_insert_text(built, "Text", "hello"));
    CHECK_OK(qssl_backend_config_insert_int(built, "DTLSTIMEOUTMS", 1000));
    CHECK_OK(qssl_config_set_backend_configuration(c2, built));
    CHECK(qssl_config_equal(c, c2));
    CHECK_ERROR(qssl_backend_config_insert_int(built, "", 1), QSSL_STATUS_INVALID_ARGUMENT, "empty");
    CHECK_STATUS(qssl_config_set_backend_configuration_option_int(c, NULL, 1), QSSL_STATUS_NULL_ARGUMENT);
    qssl_backend_config_free(built);
    qssl_backend_config_free(m);
    qssl_backend_config_free(NULL);
    qssl_config_free(c2);
    qssl_config_free(c);
}

TEST_CASE(alpn_and_bytes_values) {
    qssl_config_t *c = qssl_config_new();
    const uint8_t *protos[] = {(const uint8_t *)QSSL_ALPN_PROTOCOL_HTTP2, (const uint8_t *)QSSL_NEXT_PROTOCOL_HTTP1_1};
    const size_t lens[] = {2, 8};
    CHECK_OK(qssl_config_set_allowed_next_protocols(c, protos, lens, 2));
    qssl_bytes_list_t *l = qssl_config_allowed_next_protocols(c);
    CHECK_EQ_INT(qssl_bytes_list_len(l), 2);
    const uint8_t *d = NULL;
    size_t n = 0;
    CHECK_OK(qssl_bytes_list_get(l, 1, &d, &n));
    CHECK(n == 8 && memcmp(d, "http/1.1", 8) == 0);
    CHECK_EQ_STR((const char *)d, "http/1.1");
    qssl_config_t *c2 = qssl_config_new();
    CHECK_OK(qssl_config_set_allowed_next_protocols(c2, qssl_bytes_list_data(l), qssl_bytes_list_lengths(l),
                                                    qssl_bytes_list_len(l)));
    CHECK(qssl_config_equal(c, c2));
    CHECK_STATUS(qssl_bytes_list_get(l, 2, &d, &n), QSSL_STATUS_INVALID_ARGUMENT);
    qssl_bytes_list_free(l);
    CHECK_STATUS(qssl_config_set_allowed_next_protocols(c, NULL, lens, 2), QSSL_STATUS_NULL_ARGUMENT);

    /* Session ticket: null versus empty, bytes out protocol. */
    const uint8_t t[] = {1, 2, 3, 4};
    CHECK_OK(qssl_config_set_session_ticket(c, t, 4));
    size_t len = 0;
    CHECK_OK(qssl_config_session_ticket(c, NULL, 0, &len) == QSSL_STATUS_BUFFER_TOO_SMALL ? QSSL_STATUS_OK : -1);
    CHECK_EQ_INT(len, 4);
    uint8_t out[4] = {0};
    CHECK_OK(qssl_config_session_ticket(c, out, sizeof out, &len));
    CHECK(memcmp(out, t, 4) == 0);
    CHECK(!qssl_config_session_ticket_is_null(c));
    CHECK_OK(qssl_config_set_session_ticket(c, t, 0));
    CHECK(!qssl_config_session_ticket_is_null(c));
    CHECK_OK(qssl_config_session_ticket(c, NULL, 0, &len));
    CHECK_EQ_INT(len, 0);
    CHECK_OK(qssl_config_set_session_ticket(c, NULL, 0));
    CHECK(qssl_config_session_ticket_is_null(c));
    CHECK_STATUS(qssl_config_set_session_ticket(c, NULL, 4), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_session_ticket(c, NULL, 0, NULL), QSSL_STATUS_NULL_ARGUMENT);

    CHECK_OK(qssl_config_set_pre_shared_key_identity_hint(c, (const uint8_t *)"hint", 4));
    char hint[8];
    CHECK_OK(qssl_config_pre_shared_key_identity_hint(c, (uint8_t *)hint, sizeof hint, &len));
    CHECK(len == 4 && memcmp(hint, "hint", 4) == 0);
    qssl_config_free(c2);
    qssl_config_free(c);
}

TEST_CASE(options_and_depth) {
    qssl_config_t *c = qssl_config_new();
    CHECK_OK(qssl_config_set_ssl_option(c, QSSL_SSL_OPTION_DISABLE_SESSION_TICKETS, true));
    CHECK_OK(qssl_config_set_ssl_option(c, QSSL_SSL_OPTION_DISABLE_SESSION_PERSISTENCE, false));
    CHECK_OK(qssl_config_set_ssl_option(c, QSSL_SSL_OPTION_DISABLE_COMPRESSION | QSSL_SSL_OPTION_DISABLE_SERVER_NAME_INDICATION, true));
    CHECK_OK(qssl_config_set_ssl_option(c, QSSL_SSL_OPTION_DISABLE_SERVER_NAME_INDICATION, false));
    CHECK_EQ_INT(qssl_config_ssl_options(c), 0x17);
    CHECK_ERROR(qssl_config_set_ssl_option(c, 0x100, true), QSSL_STATUS_INVALID_ARGUMENT, "unknown SSL option bits 0x100");
    CHECK_ERROR(qssl_config_set_ssl_option(c, 0, true), QSSL_STATUS_INVALID_ARGUMENT, "no SSL option");
    CHECK(!qssl_config_test_ssl_option(c, 0x200));
    CHECK_OK(qssl_config_set_peer_verify_depth(c, 100));
    CHECK_ERROR(qssl_config_set_peer_verify_depth(c, -1000), QSSL_STATUS_INVALID_ARGUMENT, "negative");
    CHECK_EQ_INT(qssl_config_peer_verify_depth(c), 100);
    CHECK_ERROR(qssl_config_set_protocol(c, 14), QSSL_STATUS_INVALID_ARGUMENT, "unknown protocol value 14");
    CHECK_ERROR(qssl_config_set_protocol(c, -2), QSSL_STATUS_INVALID_ARGUMENT, "unknown protocol");
    CHECK_OK(qssl_config_set_protocol(c, QSSL_SSL_PROTOCOL_DTLS_V1_2)); /* stored, refused at handshake */
    CHECK_ERROR(qssl_config_set_peer_verify_mode(c, 4), QSSL_STATUS_INVALID_ARGUMENT, "verify mode");
    CHECK_STATUS(qssl_config_set_protocol(NULL, 2), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_ERROR(qssl_config_add_ca_certificates_from_path(c, "x", 7, QSSL_PATTERN_SYNTAX_FIXED_STRING),
                QSSL_STATUS_INVALID_ARGUMENT, "encoding format");
    CHECK_ERROR(qssl_config_add_ca_certificates_from_path(c, "x", QSSL_ENCODING_FORMAT_PEM, 9),
                QSSL_STATUS_INVALID_ARGUMENT, "pattern syntax");
    qssl_config_free(c);
}

TEST_CASE(bad_input_lists) {
    qssl_config_t *c = qssl_config_new();
    const qssl_cert_t *holes[] = {NULL};
    CHECK_ERROR(qssl_config_set_ca_certificates(c, holes, 1), QSSL_STATUS_INVALID_ARGUMENT, "certs[0] is NULL");
    CHECK_ERROR(qssl_config_set_local_certificate_chain(c, NULL, 3), QSSL_STATUS_NULL_ARGUMENT, "certs is NULL");
    CHECK_STATUS(qssl_config_set_local_certificate(c, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_set_private_key(c, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_set_diffie_hellman_parameters(c, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(qssl_config_add_ca_certificate(c, NULL), QSSL_STATUS_NULL_ARGUMENT);
    CHECK(qssl_config_is_null(c)); /* nothing changed */
    qssl_config_free(c);
}

static int g_free_calls;
static void count_free(void *p) {
    (void)p;
    g_free_calls++;
}
static int dummy_psk(void *ud, qssl_psk_auth_t *auth) {
    (void)ud;
    (void)auth;
    return 0;
}

TEST_CASE(psk_callback_user_data_freed_once) {
    g_free_calls = 0;
    int tag = 0;
    qssl_config_t *a = qssl_config_new();
    CHECK_OK(qssl_config_set_psk_callback(a, dummy_psk, &tag, count_free));
    CHECK(qssl_config_is_null(a)); /* not part of isNull or == */
    qssl_config_t *b = qssl_config_copy(a);
    CHECK_OK(qssl_config_set_protocol(b, QSSL_SSL_PROTOCOL_TLS_V1_2)); /* detached copy keeps it */
    qssl_config_free(a);
    CHECK_EQ_INT(g_free_calls, 0);
    qssl_config_free(b);
    CHECK_EQ_INT(g_free_calls, 1);
    /* Replacing calls the old free function; NULL callback releases at once. */
    qssl_config_t *c = qssl_config_new();
    CHECK_OK(qssl_config_set_psk_callback(c, dummy_psk, &tag, count_free));
    CHECK_OK(qssl_config_set_psk_callback(c, dummy_psk, &tag, count_free));
    CHECK_EQ_INT(g_free_calls, 2);
    CHECK_OK(qssl_config_set_psk_callback(c, NULL, &tag, count_free));
    CHECK_EQ_INT(g_free_calls, 4);
    /* Failed registration still releases the user data exactly once. */
    CHECK_STATUS(qssl_config_set_psk_callback(NULL, dummy_psk, &tag, count_free), QSSL_STATUS_NULL_ARGUMENT);
    CHECK_EQ_INT(g_free_calls, 5);
    qssl_config_free(c);
    CHECK_EQ_INT(g_free_calls, 5);
}
