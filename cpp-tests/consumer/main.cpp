// Consumer of an installed qssl through the C++ headers: the default
// configuration has Qt's defaults and the library answers.
#include <qssl/qt_names.hpp>

#include <cstdio>

int main() {
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    std::printf("qssl %s, %zu ciphers by default\n", qssl::version().c_str(), config.ciphers().size());
    return config.protocol() == QSsl::SecureProtocols && !config.ciphers().empty() &&
                   qssl::version() == QSSL_VERSION_STRING
               ? 0
               : 1;
}
