// The header compiles alone as C++17 (-Wpedantic -Werror) and links.
#include "qssl.h"

#include <string>

int main() {
    std::string v = qssl_version();
    return v == QSSL_VERSION_STRING ? 0 : 1;
}
