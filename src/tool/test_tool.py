#!/usr/bin/env python3
"""ctest driver for qssl-tool: real handshakes between the tool and itself,
`openssl s_server` and `openssl s_client`.

    test_tool.py TOOL FIXTURES CASE

Each CASE is one function below (`case_<name>`), registered as ctest entry
tool.<name>. A case that needs a missing program fails under CI (environment
variable CI set) and is skipped (exit 77) otherwise. Every wait is bounded by
the ctest time-out, not by a timed assertion.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOOL = FIXTURES = None
SKIP = 77


class Failure(Exception):
    pass


def check(cond, what, *context):
    if not cond:
        raise Failure(what + "".join("\n  " + str(c) for c in context))


def need(program):
    path = shutil.which(program)
    if path:
        return path
    if os.environ.get("CI", "") not in ("", "0", "false"):
        raise Failure(f"{program} is required under CI but was not found")
    print(f"skipped: {program} not found")
    sys.exit(SKIP)


def fx(name):
    return os.path.join(FIXTURES, name)


def json_lines(text):
    """The JSON objects among the lines of `text` (one per handshake)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out



class _Tracked(subprocess.Popen):
    """Every process a case starts, so that main() can end those a failing
    case left behind (a server waiting for a client never exits)."""

    live = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _Tracked.live.append(self)


subprocess.Popen = _Tracked


def end_leftovers():
    for proc in _Tracked.live:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

class Server:
    """qssl-tool server on a free port (PORT 0; the tool prints the port)."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([TOOL, "server", "0", "--json", *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.before = ""  # what the server printed before listening (warnings)
        line = self.proc.stderr.readline()
        while line and "listening on" not in line:
            self.before += line
            line = self.proc.stderr.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise Failure("server did not start:\n" + self.before + line + self.proc.stderr.read())
        self.port = int(line.split()[-1])

    def finish(self, kill=False):
        """Stops the server (kill, or waits for --once); returns (status, stderr)."""
        if kill:
            self.proc.terminate()
        err = self.proc.stderr.read()
        self.proc.wait()
        return self.proc.returncode, err


def client(port, *args, message="hello qssl\n", host="localhost"):
    """Runs qssl-tool client: sends `message`, waits for one line back, then
    closes standard input. Returns (status, stdout, stderr)."""
    proc = subprocess.Popen([TOOL, "client", f"{host}:{port}", "--json", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    got = ""
    try:
        proc.stdin.write(message)
        proc.stdin.flush()
        got = proc.stdout.readline()
        proc.stdin.close()
    except BrokenPipeError:
        pass
    proc.stdin = None  # closed: communicate() must not touch it
    out, err = proc.communicate()
    return proc.returncode, got + out, err


def one_json(err, what):
    objs = json_lines(err)
    check(len(objs) == 1, f"{what}: expected one JSON object on stderr", err)
    return objs[0]


FIELDS = {"protocol", "cipher", "alpn", "alpn_status", "peer_subject", "resumed",
          "ssl_errors", "psk_identity", "psk_identity_hint"}


def case_help():
    r = subprocess.run([TOOL, "--help"], capture_output=True, text=True)
    check(r.returncode == 0, "--help failed", r.stderr)
    for word in ["client HOST:PORT", "server PORT", "--ca FILE", "--psk-key HEX", "--sess-out FILE",
                 "--ignore-errors LIST", "--json", "--once", "--bind ADDR", "exit status",
                 "--sni NAME:CERT:KEY", "--ticket-keys FILE", "--keylog FILE", "SIGHUP",
                 "--dtls"]:
        check(word in r.stdout, f"--help does not mention {word}", r.stdout)


def case_bad_options():
    cases = [
        ([], "missing command"),
        (["fly"], "unknown command 'fly'"),
        (["client"], "missing HOST:PORT"),
        (["client", "h:1", "--nope"], "unknown option '--nope'"),
        (["client", "h:1", "--ca"], "--ca needs an argument"),
        (["client", "h:1", "--protocol", "tls9"], "unknown protocol 'tls9'"),
        (["client", "h:1", "--verify", "maybe"], "unknown mode 'maybe'"),
        (["client", "h:1", "--psk-key", "xyz1"], "not hexadecimal"),
        (["client", "h:1", "--ignore-errors", "99"], "99 is not a QSslError number"),
        (["client", "h:1", "--json=yes"], "--json takes no argument"),
        (["client", "h:1", "--once"], "--once is a server option"),
        (["server", "0", "--sess-out", "x"], "--sess-out is a client option"),
        (["server", "0"], "give --cert and --key, --sni, or --psk-key"),
        (["server", "port", "--psk-key", "00"], "'port' is not a port number"),
        (["client", "h:1", "--ca", "/nonexistent/ca.pem"], "--ca /nonexistent/ca.pem: No such file"),
        (["client", "h:1", "--ca", fx("server-key.pem")], "no certificate found"),
        (["client", "h:1", "--cert", fx("server.pem"), "--key", fx("ca.pem")], "no usable private key"),
        (["client", "h:1", "--curves", "P-999"], "unknown curve 'P-999'"),
        (["client", "nocolon"], "'nocolon' is not HOST:PORT"),
    ]
    for args, expected in cases:
        r = subprocess.run([TOOL, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        check(r.returncode == 2, f"{args}: exit status {r.returncode}, expected 2", r.stderr)
        check(expected in r.stderr, f"{args}: message lacks {expected!r}", r.stderr)
        check("panicked" not in r.stderr, f"{args}: panic", r.stderr)


def case_client_server():
    srv = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--alpn", "h2,http/1.1",
                 "--once")
    rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--alpn", "http/1.1", "--protocol", "tls1.2")
    check(rc == 0, "client failed", err)
    check(out == "hello qssl\n", "the echo did not come back", repr(out))
    c = one_json(err, "client")
    check(set(c) == FIELDS, "client JSON fields", c)
    check(c["protocol"] == "TLSv1.2", "protocol", c)
    check(c["cipher"].startswith("ECDHE-"), "cipher", c)
    check(c["alpn"] == "http/1.1" and c["alpn_status"] == "negotiated", "ALPN", c)
    check(c["peer_subject"] == "localhost", "peer subject", c)
    check(c["resumed"] is False and c["ssl_errors"] == [], "resumed / errors", c)
    check(c["psk_identity"] is None and c["psk_identity_hint"] is None, "no PSK", c)
    rc, err = srv.finish()
    check(rc == 0, "server --once failed", err)
    s = one_json(err, "server")
    check(s["protocol"] == "TLSv1.2" and s["alpn"] == "http/1.1", "server view", s)
    check(s["peer_subject"] is None, "no client certificate", s)


def case_session_reuse():
    srv = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"))
    with tempfile.TemporaryDirectory() as d:
        sess = os.path.join(d, "session.der")
        rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--sess-out", sess)
        check(rc == 0 and out == "hello qssl\n", "first connection", err)
        check(one_json(err, "first")["resumed"] is False, "first connection resumed", err)
        check(os.path.getsize(sess) > 0, "no session ticket written")
        rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--sess-in", sess)
        check(rc == 0 and out == "hello qssl\n", "second connection", err)
        second = one_json(err, "second")
        check(second["resumed"] is True, "second connection did not resume", second)
        check(second["protocol"] == "TLSv1.3", "protocol", second)
    rc, err = srv.finish(kill=True)
    objs = json_lines(err)
    check([o["resumed"] for o in objs] == [False, True], "server view of resumption", err)


def psk_pair(protocol_args):
    srv = Server("--psk-key", "1a2b3c4d5e6f", "--psk-identity", "alice", "--psk-hint", "the-hint",
                 "--once", *protocol_args)
    rc, out, err = client(srv.port, "--psk-key", "1a2b3c4d5e6f", "--psk-identity", "alice",
                          *protocol_args)
    check(rc == 0 and out == "hello qssl\n", "PSK client failed", err)
    c = one_json(err, "client")
    check(c["psk_identity"] == "alice", "client PSK identity", c)
    check(c["peer_subject"] is None, "PSK: no certificate", c)
    src, serr = srv.finish()
    check(src == 0, "PSK server failed", serr)
    s = one_json(serr, "server")
    check(s["psk_identity"] == "alice" and s["psk_identity_hint"] == "the-hint", "server PSK", s)
    return c, s


def case_psk_tls12():
    c, s = psk_pair(["--protocol", "tls1.2", "--ciphers", "PSK-AES128-GCM-SHA256"])
    check(c["protocol"] == "TLSv1.2" and c["cipher"] == "PSK-AES128-GCM-SHA256", "suite", c)
    check(c["psk_identity_hint"] == "the-hint", "the client did not receive the hint", c)


def case_psk_tls13():
    c, s = psk_pair([])
    check(c["protocol"] == "TLSv1.3", "protocol", c)


def case_psk_wrong_identity():
    srv = Server("--psk-key", "1a2b3c4d", "--psk-identity", "alice", "--once")
    rc, out, err = client(srv.port, "--psk-key", "1a2b3c4d", "--psk-identity", "mallory")
    check(rc == 1, f"client exit status {rc}", err)
    check("error" in one_json(err, "client"), "client error JSON", err)
    src, serr = srv.finish()
    check(src == 1, f"server exit status {src}", serr)
    s = one_json(serr, "server")
    check("error" in s and "PSK" in s["error"], "server error JSON", s)


def case_untrusted_refused():
    srv = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--once")
    # selfsigned.pem is a CA that did not sign the server's certificate.
    rc, out, err = client(srv.port, "--ca", fx("selfsigned.pem"))
    check(rc == 1, f"exit status {rc}, expected 1", err)
    check(out == "", "data flowed despite the refusal", out)
    e = one_json(err, "client")
    check("error" in e and "verif" in e["error"], "error JSON", e)
    check(11 in e["ssl_errors"] or 12 in e["ssl_errors"], "the errors name the untrusted issuer", e)
    srv.finish()


def case_ignore_errors():
    srv = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"))
    # Only the listed errors are ignored: 11 alone is not enough.
    rc, out, err = client(srv.port, "--ca", fx("selfsigned.pem"), "--ignore-errors", "11")
    check(rc == 1, "ignoring 11 only should still fail", err)
    rc, out, err = client(srv.port, "--ca", fx("selfsigned.pem"), "--ignore-errors", "11,12")
    check(rc == 0 and out == "hello qssl\n", "ignoring 11,12", err)
    check(sorted(one_json(err, "client")["ssl_errors"]) == [11, 12], "the ignored errors are listed", err)
    rc, out, err = client(srv.port, "--name", "wrong.example", "--ignore-errors", "all")
    check(rc == 0, "--ignore-errors all", err)
    check(22 in one_json(err, "client")["ssl_errors"], "host name mismatch listed", err)
    srv.finish(kill=True)


def case_against_openssl_s_server():
    openssl = need("openssl")
    srv = subprocess.Popen([openssl, "s_server", "-4", "-accept", "0", "-naccept", "1", "-rev",
                            "-cert", fx("server.pem"), "-key", fx("server-key.pem"),
                            "-alpn", "h2"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    port = None
    while port is None:
        line = srv.stdout.readline()
        check(line, "openssl s_server did not start")
        if line.startswith("ACCEPT"):
            port = int(line.rsplit(":", 1)[1])
    rc, out, err = client(port, "--ca", fx("ca.pem"), "--alpn", "h2", "--name", "localhost",
                          host="127.0.0.1")
    srv.terminate()
    srv.communicate()
    check(rc == 0, "client against s_server failed", err)
    check("lssq olleh" in out, "s_server -rev reply", repr(out))
    c = one_json(err, "client")
    check(c["protocol"] == "TLSv1.3" and c["alpn"] == "h2", "negotiated", c)
    check(c["peer_subject"] == "localhost", "peer", c)


def openssl_s_server(*args):
    """openssl s_server -rev on a free port, one connection; returns (process, port)."""
    srv = subprocess.Popen([need("openssl"), "s_server", "-4", "-accept", "0", "-naccept", "1",
                            "-rev", *args],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    while True:
        line = srv.stdout.readline()
        check(line, "openssl s_server did not start")
        if line.startswith("ACCEPT"):
            return srv, int(line.rsplit(":", 1)[1])


def case_psk_against_openssl_s_server():
    for proto_args, hint in [([], None),
                             (["--protocol", "tls1.2", "--ciphers", "PSK-AES128-GCM-SHA256"], "hh")]:
        server_args = ["-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256"] if proto_args else []
        srv, port = openssl_s_server("-nocert", "-psk", "1a2b3c4d5e6f", "-psk_identity", "alice",
                                     "-psk_hint", "hh", *server_args)
        rc, out, err = client(port, "--psk-key", "1a2b3c4d5e6f", "--psk-identity", "alice",
                              *proto_args, host="127.0.0.1")
        srv.terminate()
        srv.communicate()
        check(rc == 0 and "lssq olleh" in out, f"PSK {proto_args} against s_server", err, repr(out))
        c = one_json(err, "client")
        check(c["psk_identity"] == "alice" and c["psk_identity_hint"] == hint, "PSK fields", c)
        check(c["protocol"] == ("TLSv1.2" if proto_args else "TLSv1.3"), "protocol", c)


def case_against_openssl_s_client():
    openssl = need("openssl")
    srv = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--once",
                 "--protocol", "tls1.2")
    cli = subprocess.Popen([openssl, "s_client", "-connect", f"127.0.0.1:{srv.port}", "-quiet",
                            "-CAfile", fx("ca.pem"), "-verify_return_error",
                            "-verify_hostname", "localhost", "-servername", "localhost"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    cli.stdin.write("ping from s_client\n")
    cli.stdin.flush()
    got = cli.stdout.readline()
    cli.terminate()
    cli.communicate()
    check(got == "ping from s_client\n", "echo to s_client", repr(got))
    rc, err = srv.finish()
    check(rc == 0, "server failed", err)
    s = one_json(err, "server")
    check(s["protocol"] == "TLSv1.2" and s["cipher"], "server view", s)


def case_missing_tool_fails_under_ci():
    """A case whose peer program is missing fails under CI and skips otherwise."""
    def run(ci):
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env["PATH"] = "/nonexistent"
        if ci:
            env["CI"] = "true"
        return subprocess.run([sys.executable, os.path.abspath(__file__), TOOL, FIXTURES,
                               "against_openssl_s_server"], env=env, capture_output=True, text=True)
    r = run(ci=True)
    check(r.returncode == 1 and "required under CI" in r.stdout, "under CI", r.returncode, r.stdout)
    r = run(ci=False)
    check(r.returncode == SKIP and "skipped" in r.stdout, "without CI", r.returncode, r.stdout)


# ---- servers that scale out (issue 16): SNI, ticket keys, key log, reload ----

def case_sni_names_and_key_types():
    srv = Server("--sni", "localhost:" + fx("server.pem") + ":" + fx("server-key.pem"),
                 "--sni", "localhost:" + fx("server-ec.pem") + ":" + fx("server-ec-key.pem"),
                 "--sni", "*.localhost:" + fx("chained-chain.pem") + ":" + fx("chained-key.pem"))
    # One name, two key types: OpenSSL sends the one the client's suites allow.
    for suite, kind in [("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDSA"), ("ECDHE-RSA-AES128-GCM-SHA256", "RSA")]:
        rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--protocol", "tls1.2", "--ciphers", suite)
        check(rc == 0 and out == "hello qssl\n", f"{kind} client", err)
        c = one_json(err, kind)
        check(c["cipher"] == suite and c["peer_subject"] == "localhost", f"{kind} certificate", c)
    # A wildcard entry with its chain.
    rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--name", "chained.localhost", host="127.0.0.1")
    check(rc == 0, "wildcard entry", err)
    check(one_json(err, "wildcard")["peer_subject"] == "chained.localhost", "wildcard certificate", err)
    # No --cert: a name without an entry is refused with unrecognized_name.
    rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--name", "other.test", host="127.0.0.1")
    check(rc == 1, "unknown name accepted", err)
    check("unrecognized name" in one_json(err, "refused")["error"], "alert", err)
    srv.finish(kill=True)


def case_ticket_keys_two_servers():
    with tempfile.TemporaryDirectory() as d:
        keys = os.path.join(d, "ticket.key")
        with open(keys, "wb") as f:
            f.write(os.urandom(80))
        a = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--ticket-keys", keys)
        b = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--ticket-keys", keys)
        other = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"))
        for proto in ["tls1.2", "tls1.3"]:
            sess = os.path.join(d, proto + ".sess")
            rc, out, err = client(a.port, "--ca", fx("ca.pem"), "--protocol", proto, "--sess-out", sess)
            check(rc == 0 and one_json(err, "A")["resumed"] is False, f"{proto}: first on A", err)
            rc, out, err = client(b.port, "--ca", fx("ca.pem"), "--protocol", proto, "--sess-in", sess)
            check(rc == 0 and one_json(err, "B")["resumed"] is True, f"{proto}: A's ticket on B", err)
            rc, out, err = client(other.port, "--ca", fx("ca.pem"), "--protocol", proto, "--sess-in", sess)
            check(rc == 0 and one_json(err, "C")["resumed"] is False,
                  f"{proto}: a server with its own keys: full handshake", err)
        for s in (a, b, other):
            s.finish(kill=True)


def wait_line(srv, needle):
    while True:
        line = srv.proc.stderr.readline()
        check(line, f"server ended before printing {needle!r}")
        if needle in line:
            return line


def case_reload_on_sighup():
    import signal
    with tempfile.TemporaryDirectory() as d:
        cert, key, keys = (os.path.join(d, n) for n in ("cert.pem", "key.pem", "ticket.key"))
        shutil.copy(fx("server.pem"), cert)
        shutil.copy(fx("server-key.pem"), key)
        k1, k2 = os.urandom(80), os.urandom(80)
        with open(keys, "wb") as f:
            f.write(k1)
        srv = Server("--cert", cert, "--key", key, "--ticket-keys", keys)
        sess = os.path.join(d, "s")
        rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--sess-out", sess)
        check(rc == 0 and one_json(err, "before")["peer_subject"] == "localhost", "before", err)
        wait_line(srv, '"resumed"')
        # Renewal and rotation: a new certificate, k2 current and k1 still accepted.
        shutil.copy(fx("chained-chain.pem"), cert)
        shutil.copy(fx("chained-key.pem"), key)
        with open(keys, "wb") as f:
            f.write(k2 + k1)
        srv.proc.send_signal(signal.SIGHUP)
        # (chained.pem also names localhost.)
        rc, out, err = client(srv.port, "--ca", fx("ca.pem"))
        check(rc == 0, "after reload", err)
        check(one_json(err, "new")["peer_subject"] == "chained.localhost", "the renewed certificate", err)
        wait_line(srv, "reloaded")
        rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--sess-in", sess)
        check(rc == 0, "resumption after reload", err)
        check(one_json(err, "old ticket")["resumed"] is True, "the old ticket still resumes after rotation", err)
        # k1 retired: a full handshake with the new certificate.
        with open(keys, "wb") as f:
            f.write(k2)
        srv.proc.send_signal(signal.SIGHUP)
        rc, out, err = client(srv.port, "--ca", fx("ca.pem"), "--sess-in", sess)
        c = one_json(err, "retired")
        check(rc == 0 and c["resumed"] is False and c["peer_subject"] == "chained.localhost",
              "retired key: full handshake with the renewed certificate", c)
        srv.finish(kill=True)


def read_keylog(path):
    with open(path) as f:
        return sorted(line.strip() for line in f if line.strip() and not line.startswith("#"))


def case_keylog_matches_openssl():
    openssl = need("openssl")
    with tempfile.TemporaryDirectory() as d:
        for proto, n in [("-tls1_3", 5), ("-tls1_2", 1)]:
            ours, theirs = os.path.join(d, "q" + proto), os.path.join(d, "o" + proto)
            srv = Server("--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--once",
                         "--keylog", ours)
            cli = subprocess.Popen([openssl, "s_client", "-connect", f"127.0.0.1:{srv.port}", "-quiet",
                                    proto, "-keylogfile", theirs, "-servername", "localhost"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
            cli.stdin.write("ping\n")
            cli.stdin.flush()
            got = cli.stdout.readline()
            cli.terminate()
            cli.communicate()
            check(got == "ping\n", "echo", repr(got))
            rc, err = srv.finish()
            check(rc == 0, "server", err)
            check("anyone with this file can decrypt" in srv.before, "the key log warning", srv.before)
            check(oct(os.stat(ours).st_mode & 0o777) == "0o600", "key log file mode")
            mine = read_keylog(ours)
            check(len(mine) == n, f"{proto}: {n} secrets", mine)
            check(mine == read_keylog(theirs), f"{proto}: secrets differ from OpenSSL's own",
                  mine, read_keylog(theirs))


# ---- DTLS (--dtls) ------------------------------------------------------------


def case_dtls_client_server():
    srv = Server("--dtls", "--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--once")
    rc, out, err = client(srv.port, "--dtls", "--ca", fx("ca.pem"), message="hello over dtls\n")
    check(rc == 0, "DTLS client failed", err)
    check(out == "hello over dtls\n", "the echo did not come back", repr(out))
    c = one_json(err, "client")
    check(set(c) == FIELDS, "client JSON fields", c)
    check(c["protocol"] == "DTLSv1.2" and c["cipher"], "DTLS protocol", c)
    check(c["peer_subject"] == "localhost" and c["ssl_errors"] == [], "peer", c)
    rc, err = srv.finish()
    check(rc == 0, "DTLS server --once failed", err)
    s = one_json(err, "server")
    check(s["protocol"] == "DTLSv1.2", "server view", s)


def case_dtls_psk_ccm8():
    srv = Server("--dtls", "--psk-key", "1a2b3c4d5e6f", "--psk-identity", "sensor-1",
                 "--psk-hint", "coap", "--ciphers", "PSK-AES128-CCM8", "--once")
    rc, out, err = client(srv.port, "--dtls", "--psk-key", "1a2b3c4d5e6f", "--psk-identity",
                          "sensor-1", "--ciphers", "PSK-AES128-CCM8", message="t=21.5\n",
                          host="127.0.0.1")
    check(rc == 0 and out == "t=21.5\n", "DTLS PSK client failed", err, repr(out))
    c = one_json(err, "client")
    check(c["cipher"] == "PSK-AES128-CCM8" and c["psk_identity_hint"] == "coap", "suite/hint", c)
    rc, err = srv.finish()
    check(rc == 0, "DTLS PSK server failed", err)
    s = one_json(err, "server")
    check(s["psk_identity"] == "sensor-1", "server PSK identity", s)


def case_dtls_untrusted_refused():
    srv = Server("--dtls", "--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--once")
    rc, out, err = client(srv.port, "--dtls", "--ca", fx("selfsigned.pem"))
    check(rc == 1, f"exit status {rc}, expected 1", err)
    e = one_json(err, "client")
    check("error" in e and "peer verification failed" in e["error"], "verification error JSON", e)
    check(e.get("ssl_errors"), "the errors are listed", e)
    srv.finish(kill=True)


def case_dtls_bad_options():
    cases = [
        (["client", "h:1", "--dtls", "--sess-out", "x"], "not with --dtls"),
        (["server", "0", "--dtls", "--sni", "a:b:c"], "not with --dtls"),
        (["client", "h:1", "--dtls", "--protocol", "tls1.2"], "with --dtls use dtls1.2 or dtls"),
        (["client", "h:1", "--protocol", "dtls"], "needs --dtls"),
    ]
    for args, expected in cases:
        r = subprocess.run([TOOL, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        check(r.returncode == 2, f"{args}: exit status {r.returncode}, expected 2", r.stderr)
        check(expected in r.stderr, f"{args}: message lacks {expected!r}", r.stderr)


def case_dtls_against_openssl():
    openssl = need("openssl")
    # qssl-tool client -> s_server -dtls1_2
    srv = subprocess.Popen([openssl, "s_server", "-dtls1_2", "-4", "-accept", "0", "-naccept", "1",
                            "-cert", fx("server.pem"), "-key", fx("server-key.pem")],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    port = None
    while port is None:
        line = srv.stdout.readline()
        check(line, "openssl s_server did not start")
        if line.startswith("ACCEPT"):
            port = int(line.rsplit(":", 1)[1])
    proc = subprocess.Popen([TOOL, "client", f"127.0.0.1:{port}", "--dtls", "--json", "--ca",
                             fx("ca.pem"), "--name", "localhost"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdin.write("to s_server\n")
    proc.stdin.flush()
    seen = ""
    while "to s_server" not in seen:
        line = srv.stdout.readline()
        check(line, "s_server did not print the datagram", seen)
        seen += line
    srv.stdin.write("to qssl-tool\n")
    srv.stdin.flush()
    got = proc.stdout.readline()
    proc.stdin.close()
    proc.stdin = None
    out, err = proc.communicate()
    srv.terminate()
    srv.communicate()
    check(got == "to qssl-tool\n", "s_server's datagram", repr(got), err)
    c = one_json(err, "client")
    check(c["protocol"] == "DTLSv1.2" and c["peer_subject"] == "localhost", "client view", c)
    # s_client -dtls1_2 -> qssl-tool server
    srv = Server("--dtls", "--cert", fx("server.pem"), "--key", fx("server-key.pem"), "--once")
    cli = subprocess.Popen([openssl, "s_client", "-dtls1_2", "-connect", f"127.0.0.1:{srv.port}",
                            "-quiet", "-CAfile", fx("ca.pem"), "-verify_return_error",
                            "-servername", "localhost"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    cli.stdin.write("ping over dtls\n")
    cli.stdin.flush()
    got = cli.stdout.readline()
    cli.terminate()
    cli.communicate()
    check(got == "ping over dtls\n", "echo to s_client", repr(got))
    srv.finish(kill=True)


def main():
    global TOOL, FIXTURES
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    TOOL, FIXTURES, case = sys.argv[1:]
    fn = globals().get("case_" + case)
    if fn is None:
        print(f"unknown case {case}")
        return 2
    try:
        fn()
    except Failure as e:
        print(f"FAIL {case}: {e}")
        return 1
    finally:
        end_leftovers()
    print(f"ok {case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
