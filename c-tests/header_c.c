/* The header compiles alone (C99 / C11, -Wpedantic -Werror) and links. */
#include "qssl.h"

int main(void) {
    const char *v = qssl_version();
    qssl_status_t ok = QSSL_STATUS_OK;
    return (v != 0 && ok == 0 && QSSL_VERSION_MAJOR >= 0) ? 0 : 1;
}
