#!/usr/bin/env python3
"""Runs the Qt-style example programs (examples/cpp) against each other and
against `openssl s_server` / `openssl s_client` on 127.0.0.1, and checks what
they print.

  run_interop.py SCENARIO --client BIN --server BIN --fixtures DIR

A missing openssl fails under CI (CI set) and skips (exit 77) elsewhere.
Every process runs with a time-out; nothing is left running."""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time

PSK = "Client_identity:1a2b3c4d5e6f"
TIMEOUT = 30


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def need_openssl():
    exe = shutil.which("openssl")
    if exe:
        return exe
    if os.environ.get("CI"):
        fail("openssl is not installed (required under CI)")
    print("SKIP: openssl is not installed")
    sys.exit(77)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc):
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        if proc.poll() is not None:
            fail("server exited early: " + proc.stderr.read().decode(errors="replace"))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    fail("server did not listen on %d" % port)


def start_qt_server(args, extra, connections):
    cmd = [args.server, "--connections", str(connections)] + extra
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stdout.readline().decode()
    m = re.match(r"listening (\d+)", line)
    if not m:
        proc.kill()
        fail("qt_server did not start: %r %s" % (line, proc.stderr.read().decode(errors="replace")))
    return proc, int(m.group(1))


def run_client(args, port, extra):
    cmd = [args.client, "--port", str(port)] + extra
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    out = r.stdout.decode(errors="replace")
    print("$ " + " ".join(cmd) + "\n" + out + r.stderr.decode(errors="replace"))
    if r.returncode != 0:
        fail("qt_client exited with %d" % r.returncode)
    return out


def finish(proc):
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        fail("server did not finish")
    print(out.decode(errors="replace") + err.decode(errors="replace"))
    return proc.returncode, out.decode(errors="replace")


def expect(text, pattern):
    if not re.search(pattern, text):
        fail("expected %r in:\n%s" % (pattern, text))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario")
    p.add_argument("--client", required=True)
    p.add_argument("--server", required=True)
    p.add_argument("--fixtures", required=True)
    args = p.parse_args()
    fx = lambda n: os.path.join(args.fixtures, n)
    cert = ["--cert", fx("server.pem"), "--key", fx("server-key.pem")]

    if args.scenario == "qt_pair_certificate":
        # Certificates, CA certificates, ALPN and session ticket reuse.
        proc, port = start_qt_server(args, cert + ["--alpn", "h2,http/1.1"], 2)
        out = run_client(args, port, ["--ca", fx("ca.pem"), "--alpn", "h2", "--resume", "--send", "qt"])
        rc, served = finish(proc)
        if rc != 0:
            fail("qt_server failed")
        lines = [l for l in out.splitlines() if l.startswith("encrypted")]
        if len(lines) != 2:
            fail("expected two connections")
        expect(lines[0], r"protocol=TLSv1\.3 .*alpn=h2 peer=localhost resumed=no reply=\[hello qt protocol=TLSv1\.3")
        expect(lines[1], r"resumed=yes reply=\[hello qt .*alpn=h2\]")
        expect(served, r"served hello qt protocol=TLSv1\.3 cipher=TLS_\S+ alpn=h2")
    elif args.scenario == "qt_pair_psk":
        proc, port = start_qt_server(args, ["--psk", PSK], 1)
        out = run_client(args, port, ["--psk", PSK, "--send", "psk"])
        rc, _ = finish(proc)
        if rc != 0:
            fail("qt_server failed")
        expect(out, r"psk hint=qt_server hint")
        expect(out, r"encrypted protocol=TLSv1\.2 cipher=PSK-\S+ .*reply=\[hello psk protocol=TLSv1\.2")
    elif args.scenario == "qt_client_openssl_server":
        openssl = need_openssl()
        port = free_port()
        srv = subprocess.Popen([openssl, "s_server", "-accept", "127.0.0.1:%d" % port, "-cert", fx("server.pem"),
                                "-key", fx("server-key.pem"), "-alpn", "h2", "-www", "-naccept", "2"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_port(port, srv)
            # wait_port's probe connection used one accept; allow for it.
            out = run_client(args, port, ["--ca", fx("ca.pem"), "--alpn", "h2", "--http"])
        finally:
            srv.kill()
            srv.communicate()
        expect(out, r"encrypted protocol=TLSv1\.3 .*alpn=h2 peer=localhost resumed=no reply=\[HTTP/1\.0 200 ok\]")
    elif args.scenario == "qt_client_openssl_server_resume":
        openssl = need_openssl()
        port = free_port()
        srv = subprocess.Popen([openssl, "s_server", "-accept", "127.0.0.1:%d" % port, "-cert", fx("server.pem"),
                                "-key", fx("server-key.pem"), "-www", "-naccept", "3"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_port(port, srv)
            out = run_client(args, port, ["--ca", fx("ca.pem"), "--resume", "--http"])
        finally:
            srv.kill()
            srv.communicate()
        lines = [l for l in out.splitlines() if l.startswith("encrypted")]
        if len(lines) != 2:
            fail("expected two connections")
        expect(lines[1], r"resumed=yes reply=\[HTTP/1\.0 200 ok\]")
    elif args.scenario == "qt_client_openssl_server_psk":
        openssl = need_openssl()
        port = free_port()
        identity, key = PSK.split(":")
        srv = subprocess.Popen([openssl, "s_server", "-accept", "127.0.0.1:%d" % port, "-nocert", "-tls1_2",
                                "-cipher", "PSK-AES256-CBC-SHA", "-psk", key, "-psk_identity", identity,
                                "-psk_hint", "openssl hint", "-www", "-naccept", "2"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_port(port, srv)
            out = run_client(args, port, ["--psk", PSK, "--http"])
        finally:
            srv.kill()
            srv.communicate()
        expect(out, r"psk hint=openssl hint")
        expect(out, r"encrypted protocol=TLSv1\.2 cipher=PSK-AES256-CBC-SHA .*reply=\[HTTP/1\.0 200 ok\]")
    elif args.scenario == "openssl_client_qt_server":
        openssl = need_openssl()
        proc, port = start_qt_server(args, cert + ["--alpn", "h2"], 1)
        try:
            r = subprocess.run([openssl, "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile", fx("ca.pem"),
                                "-verify_return_error", "-servername", "localhost", "-verify_hostname",
                                "localhost", "-alpn", "h2", "-quiet"],
                               input=b"from-openssl\n", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("openssl s_client timed out")
        print(r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace"))
        rc, served = finish(proc)
        if rc != 0 or r.returncode != 0:
            fail("s_client %d, qt_server %d" % (r.returncode, rc))
        expect(r.stdout.decode(errors="replace"),
               r"hello from-openssl protocol=TLSv1\.3 cipher=TLS_\S+ alpn=h2")
    else:
        fail("unknown scenario " + args.scenario)
    print("ok: " + args.scenario)


if __name__ == "__main__":
    main()
