/* A libcurl HTTPS client whose TLS settings come from a qssl configuration:
 * CURLOPT_SSL_CTX_FUNCTION hands over libcurl's own SSL_CTX, and
 * qssl_config_apply_to_openssl_context() applies the configuration to it
 * (trust store, verification, client certificate, PSK, protocol...).
 *
 *   curl_client PORT HOST [--cert F --key F] [--ca F] [--verify-none] [--psk] [--tls12]
 *
 * Fetches https://HOST:PORT/ with HOST resolved to 127.0.0.1 (so HOST is
 * the SNI name and the name checked). Exit 0: the response arrived; 1: the
 * transfer was refused (curl's reason on stderr); 2: a usage or set-up
 * error. */
#include <curl/curl.h>

#include "../example_config.h"

static CURLcode apply_qssl(CURL *curl, void *ssl_ctx, void *cfg) {
    (void)curl;
    if (qssl_config_apply_to_openssl_context(cfg, QSSL_SSL_MODE_SSL_CLIENT_MODE, ssl_ctx) != QSSL_STATUS_OK) {
        fprintf(stderr, "apply: %s\n", qssl_last_error_message());
        return CURLE_SSL_CERTPROBLEM;
    }
    return CURLE_OK;
}

static size_t print_body(char *data, size_t size, size_t n, void *user) {
    (void)user;
    return fwrite(data, size, n, stdout) * size;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: curl_client PORT HOST [options]\n");
        return 2;
    }
    struct example_options opt;
    memset(&opt, 0, sizeof opt);
    for (int i = 3; i < argc; i++) {
        if (!example_parse_option(&opt, argc, argv, &i)) {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    qssl_config_t *cfg = example_config(&opt);
    if (!cfg) return 2;
    char url[512], resolve[512];
    snprintf(url, sizeof url, "https://%s:%s/", argv[2], argv[1]);
    snprintf(resolve, sizeof resolve, "%s:%s:127.0.0.1", argv[2], argv[1]);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    struct curl_slist *hosts = curl_slist_append(NULL, resolve);
    char err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_RESOLVE, hosts);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, print_body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, apply_qssl);
    curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, cfg);
    if (opt.psk || opt.verify_none) {
        /* No certificate to check (PSK) or none wanted: libcurl's own check
         * after the handshake is off; qssl's configuration decides. */
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) fprintf(stderr, "transfer refused: %s (%s)\n", curl_easy_strerror(rc), err);
    curl_slist_free_all(hosts);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    qssl_config_free(cfg);
    return rc == CURLE_OK && status == 200 ? 0 : rc == CURLE_OK ? 2 : 1;
}
