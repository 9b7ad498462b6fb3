#!/usr/bin/env python3
"""Runs one Boost.Asio / libcurl example scenario against a local peer on
127.0.0.1 and checks both sides' outcome (ctest: one entry per scenario).

The server is examples/asio/https_server (a Boost.Asio server with a qssl
configuration applied to its context); the client is the Asio client or the
libcurl client. A refused handshake must be reported as such by the program
(exit 1 for a client, a "handshake failed" line for the server), never by a
signal: an abort or a crash fails the test.

A missing example binary (Boost or libcurl not installed) skips (exit 77),
and fails under CI (environment variable CI set)."""
import argparse
import os
import subprocess
import sys

F = None  # fixtures directory


def fx(name):
    return os.path.join(F, name)




# name: (server options, client options, host, client must succeed, server line prefix)
SCENARIOS = {
    "good": (["cert"], ["ca"], "localhost", True, "handshake ok"),
    "wrong_host": (["cert"], ["ca"], "wrong.example", False, "handshake failed"),
    "untrusted_ca": (["selfsigned"], ["ca"], "localhost", False, "handshake failed"),
    "client_cert_missing": (["cert", "ca", "--verify-peer"], ["ca"], "localhost", False, "handshake failed"),
    "client_cert_untrusted": (["cert", "ca", "--verify-peer"], ["ca", "selfsigned"], "localhost", False,
                              "handshake failed"),
    "client_cert_ok": (["cert", "ca", "--verify-peer"], ["ca", "client"], "localhost", True,
                       "handshake ok protocol 12 client certificate"),
    "psk_tls13": (["--psk"], ["--psk", "--verify-none"], "localhost", True, "handshake ok protocol 12"),
    "psk_tls12": (["--psk", "--tls12"], ["--psk", "--tls12", "--verify-none"], "localhost", True,
                  "handshake ok protocol 2"),
}


def expand(opts):
    out = []
    for o in opts:
        if o == "cert":
            out += ["--cert", fx("server.pem"), "--key", fx("server-key.pem")]
        elif o == "selfsigned":
            out += ["--cert", fx("selfsigned.pem"), "--key", fx("selfsigned-key.pem")]
        elif o == "client":
            out += ["--cert", fx("client.pem"), "--key", fx("client-key.pem")]
        elif o == "ca":
            out += ["--ca", fx("ca.pem")]
        else:
            out.append(o)
    return out


def missing(what):
    msg = f"{what} is not built (install libboost-dev and libcurl4-openssl-dev)"
    if os.environ.get("CI"):
        print("FAIL under CI: " + msg)
        return 1
    print("SKIP: " + msg)
    return 77


def main():
    global F
    ap = argparse.ArgumentParser()
    ap.add_argument("client_kind", choices=["asio", "curl"])
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--fixtures", required=True)
    a = ap.parse_args()
    F = a.fixtures
    for prog in (a.server, a.client):
        if not os.path.exists(prog):
            return missing(prog)
    sopts, copts, host, client_ok, server_line = SCENARIOS[a.scenario]
    server = subprocess.Popen([a.server] + expand(sopts), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        port = server.stdout.readline().strip()
        if not port.isdigit():
            print("server did not start:", port, server.stderr.read())
            return 1
        client = subprocess.run([a.client, port, host] + expand(copts), capture_output=True,
                                text=True, timeout=60)
        out, err = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    print(f"client exit {client.returncode}\n--- client stdout\n{client.stdout}"
          f"--- client stderr\n{client.stderr}--- server exit {server.returncode}\n{out}{err}")
    if client.returncode < 0 or server.returncode < 0:
        print("FAIL: a program was killed by a signal (abort or crash)")
        return 1
    if server.returncode != 0:
        print("FAIL: the server failed")
        return 1
    want = 0 if client_ok else 1
    if client.returncode != want:
        print(f"FAIL: client exit {client.returncode}, expected {want}")
        return 1
    if client_ok and "hello from qssl" not in client.stdout:
        print("FAIL: no response body")
        return 1
    if not out.startswith(server_line):
        print(f"FAIL: server said {out!r}, expected a line starting {server_line!r}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
