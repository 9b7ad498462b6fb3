/* qssl demo: prints the library version (later: real handshakes). */
#include <stdio.h>

#include <qssl.h>

int main(void) {
    printf("qssl %s on %s\n", qssl_version(), qssl_openssl_version());
    return 0;
}
