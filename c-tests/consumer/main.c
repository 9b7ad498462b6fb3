/* Consumer of an installed qssl: prints the version and checks it matches. */
#include <stdio.h>
#include <string.h>

#include <qssl.h>

int main(void) {
    printf("qssl %s on %s\n", qssl_version(), qssl_openssl_version());
    return strcmp(qssl_version(), QSSL_VERSION_STRING) == 0 ? 0 : 1;
}
