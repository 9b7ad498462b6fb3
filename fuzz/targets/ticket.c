/* Session tickets: arbitrary bytes set as a client's ticket, then a full
 * handshake with a qssl server over the memory transport. A malformed
 * ticket must be ignored (a full handshake follows); a well-formed foreign
 * session must not make the handshake succeed without verification. */
#include "../common.h"

static qssl_config_t *client, *server;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    client = fuzz_client_config();
    server = fuzz_server_config();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    qssl_config_t *cc = qssl_config_copy(client);
    qssl_status_t st = qssl_config_set_session_ticket(cc, data, size);
    fuzz_check_status(st, "qssl_config_set_session_ticket");
    FUZZ_ASSERT(st == QSSL_STATUS_OK);
    qssl_conn_t *c = NULL, *s = NULL;
    FUZZ_ASSERT(qssl_conn_new_memory(cc, QSSL_SSL_MODE_SSL_CLIENT_MODE, &c) == QSSL_STATUS_OK);
    FUZZ_ASSERT(qssl_conn_new_memory(server, QSSL_SSL_MODE_SSL_SERVER_MODE, &s) == QSSL_STATUS_OK);
    qssl_conn_set_peer_verify_name(c, "localhost");
    qssl_status_t rs;
    qssl_status_t rc = fuzz_handshake(c, s, &rs);
    fuzz_check_status(rc, "qssl_conn_handshake");
    /* The server is genuine and trusted: the handshake must succeed whatever
     * the ticket held. */
    FUZZ_ASSERT(rc == QSSL_STATUS_OK && rs == QSSL_STATUS_OK);
    qssl_conn_free(c);
    qssl_conn_free(s);
    qssl_config_free(cc);
    return 0;
}
