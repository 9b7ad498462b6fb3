// cxxtest.hpp: the C++ tests' tiny harness (the C tests' qtest.h, for C++).
// TEST_CASE(name) { ... } registers a case; the executable runs one case
// (argv[1]), all of them (no argument), all but some (--all-except NAME...)
// or lists them (--list). CHECK prints
// the location, the expression and qssl::lastErrorString(), and ends the case
// as failed. Include it once per executable.
#ifndef QSSL_CXXTEST_HPP
#define QSSL_CXXTEST_HPP

#include <qssl.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace cxxtest {

struct Case {
    const char *name;
    void (*fn)();
};

inline std::vector<Case> &cases() {
    static std::vector<Case> all;
    return all;
}

inline bool &failed() {
    static bool f = false;
    return f;
}

struct Registrar {
    Registrar(const char *name, void (*fn)()) { cases().push_back(Case{name, fn}); }
};

inline void report(const char *file, int line, const char *what) {
    std::fprintf(stderr, "%s:%d: check failed: %s\n  last error: %s\n", file, line, what,
                 qssl::lastErrorString().c_str());
    failed() = true;
}

// The fixtures directory (QSSL_FIXTURES overrides the compiled-in path).
inline std::string fixture(const std::string &name) {
    const char *dir = std::getenv("QSSL_FIXTURES");
    return std::string(dir && *dir ? dir : QSSL_FIXTURES_DIR) + "/" + name;
}

inline std::string readFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline int run(int argc, char **argv) {
    if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
        for (const Case &c : cases()) {
            std::printf("%s\n", c.name);
        }
        return 0;
    }
    // --all-except NAME...: every case but those named (the valgrind preset
    // runs one process per executable and leaves out cases asan covers).
    const bool allExcept = argc > 1 && std::strcmp(argv[1], "--all-except") == 0;
    int ran = 0;
    for (const Case &c : cases()) {
        if (allExcept) {
            bool excluded = false;
            for (int i = 2; i < argc; ++i) {
                excluded = excluded || std::strcmp(argv[i], c.name) == 0;
            }
            if (excluded) {
                continue;
            }
        } else if (argc > 1 && std::strcmp(argv[1], c.name) != 0) {
            continue;
        }
        failed() = false;
        c.fn();
        ++ran;
        std::printf("%s: %s\n", c.name, failed() ? "FAILED" : "ok");
        if (failed()) {
            return 1;
        }
    }
    if (ran == 0) {
        std::fprintf(stderr, "no such case: %s\n", argc > 1 ? argv[1] : "(none)");
        return 1;
    }
    return 0;
}

}  // namespace cxxtest

#define TEST_CASE(name)                                                   \
    static void cxxtest_fn_##name();                                      \
    static const cxxtest::Registrar cxxtest_reg_##name(#name, cxxtest_fn_##name); \
    static void cxxtest_fn_##name()

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            cxxtest::report(__FILE__, __LINE__, #cond);                   \
            return;                                                       \
        }                                                                 \
    } while (0)

#define CXXTEST_MAIN                                                      \
    int main(int argc, char **argv) { return cxxtest::run(argc, argv); }

#endif  // QSSL_CXXTEST_HPP
