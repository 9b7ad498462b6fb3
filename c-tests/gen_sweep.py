#!/usr/bin/env python3
"""Generates the API sweep (c-tests/test_sweep.c includes the output).

Reads every function prototype of include/qssl.h and writes, for each one, C
code that calls it with valid arguments and then once per parameter with that
parameter made hostile (NULL handles, NULL buffers with a length, huge
lengths, zero capacities, unknown enum values and option bits, invalid UTF-8,
out-of-range indices, arrays holding NULL), and checks the documented answer:

* status functions: a negative status (the exact one where the contract fixes
  it: NULL_ARGUMENT for a NULL pointer, INVALID_ARGUMENT for an unknown enum
  value, invalid UTF-8 or an impossible length), a last-error message that is
  non-empty and names the function, `*out` handles set to NULL, and output
  buffers left untouched;
* functions returning a handle: NULL and a message;
* infallible getters: Qt's default for the property (the DEFAULTS table
  below) and a message;
* void functions given NULL where the contract records an error: a message.

Usage:
  gen_sweep.py HEADER OUTPUT   write the generated C (build time)
  gen_sweep.py --check HEADER  exit 1 listing the functions the generator
                               cannot handle (a ctest entry runs this)

A function is "handled" when every parameter type is known below and, for a
getter returning a plain value, its default is in DEFAULTS. A new function in
the header with a new parameter type or without a default fails the check,
so the sweep cannot silently forget it.
"""

import re
import sys

# Handle kinds: typedef name -> field of the sweep context (see test_sweep.c).
HANDLES = {
    "qssl_config_t": "cfg",
    "qssl_cert_t": "cert",
    "qssl_key_t": "key",
    "qssl_cipher_t": "cipher",
    "qssl_dh_params_t": "dh",
    "qssl_ssl_error_t": "err",
    "qssl_conn_t": "conn",
    "qssl_dtls_t": "dtls",
    "qssl_dtls_verifier_t": "verifier",
    "qssl_psk_auth_t": "psk",
    "qssl_backend_config_t": "map",
    "qssl_cert_list_t": "cert_list",
    "qssl_cipher_list_t": "cipher_list",
    "qssl_curve_list_t": "curve_list",
    "qssl_ssl_error_list_t": "err_list",
    "qssl_bytes_list_t": "bytes_list",
}

# Enum typedefs: a valid value for the normal call, and hostile values that
# every function must reject.
ENUMS = {
    "qssl_encoding_format_t": ("0", ["-5", "999"]),
    "qssl_pattern_syntax_t": ("2", ["-5", "999"]),
    "qssl_cert_digest_t": ("4", ["-5", "999"]),
    "qssl_subject_info_t": ("1", ["-5", "999"]),
    "qssl_alternative_name_entry_type_t": ("1", ["-5", "999"]),
    "qssl_ssl_protocol_t": ("4", ["-5", "999"]),
    "qssl_peer_verify_mode_t": ("3", ["-5", "999"]),
    "qssl_ssl_options_t": ("1u", ["0u", "0x80000000u", "0xFFFFFFFFu"]),
    "qssl_ssl_mode_t": ("1", ["-5", "999"]),
    "qssl_key_algorithm_t": ("1", ["-5", "999"]),
    "qssl_key_type_t": ("0", ["-5", "999"]),
    "qssl_ssl_error_code_t": ("22", ["-5", "999"]),
    "qssl_cryptographic_hash_algorithm_t": ("4", ["-5", "999"]),
    "qssl_implemented_class_t": ("0", ["-5", "999"]),
    "qssl_supported_feature_t": ("0", ["-5", "999"]),
}

# Getters that return a plain value: what they return when the call fails
# (a NULL handle, an out-of-range index, an unknown option bit): Qt's default
# for the property, as the header documents. A C expression.
DEFAULTS = {
    "qssl_dtls_ssl_mode": "QSSL_SSL_MODE_UNENCRYPTED_MODE",
    "qssl_dtls_peer_port": "0",
    "qssl_dtls_mtu_hint": "0",
    "qssl_dtls_handshake_state": "QSSL_DTLS_HANDSHAKE_STATE_HANDSHAKE_NOT_STARTED",
    "qssl_dtls_is_connection_encrypted": "false",
    "qssl_dtls_session_protocol": "QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL",
    "qssl_dtls_data_mtu": "0",
    "qssl_dtls_dtls_error": "QSSL_DTLS_ERROR_NO_ERROR",
    "qssl_dtls_pending_datagrams": "0",
    "qssl_dtls_verifier_dtls_error": "QSSL_DTLS_ERROR_NO_ERROR",
    "qssl_bytes_list_len": "0",
    "qssl_bytes_list_is_null": "false",
    "qssl_cert_equal": "false",
    "qssl_cert_is_null": "true",
    "qssl_cert_effective_date": "QSSL_CERT_DATE_INVALID",
    "qssl_cert_expiry_date": "QSSL_CERT_DATE_INVALID",
    "qssl_cert_is_self_signed": "false",
    "qssl_cert_is_blacklisted": "false",
    "qssl_cert_list_len": "0",
    "qssl_cipher_equal": "false",
    "qssl_cipher_is_null": "true",
    "qssl_cipher_protocol": "QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL",
    "qssl_cipher_supported_bits": "0",
    "qssl_cipher_used_bits": "0",
    "qssl_cipher_list_len": "0",
    "qssl_config_equal": "false",
    "qssl_config_is_null": "true",
    "qssl_config_protocol": "QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS",
    "qssl_config_peer_verify_mode": "QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER",
    "qssl_config_peer_verify_depth": "0",
    # NULL answers from the default mask; unknown bits answer false.
    "qssl_config_test_ssl_option": "(cfg == NULL && option != 0u && (option & ~0xFFu) == 0u"
                                   " && (QSSL_SSL_OPTION_DEFAULTS & option) == option)",
    "qssl_config_ssl_options": "QSSL_SSL_OPTION_DEFAULTS",
    "qssl_backend_config_len": "0",
    "qssl_backend_config_value_type": "-1",
    "qssl_config_session_ticket_is_null": "true",
    "qssl_config_session_ticket_life_time_hint": "-1",
    "qssl_config_pre_shared_key_identity_hint_is_null": "true",
    "qssl_config_next_negotiated_protocol_is_null": "true",
    "qssl_config_next_protocol_negotiation_status": "QSSL_NEXT_PROTOCOL_NEGOTIATION_STATUS_NONE",
    "qssl_config_dtls_cookie_verification_enabled": "true",
    "qssl_config_ocsp_stapling_enabled": "false",
    "qssl_config_handshake_must_interrupt_on_error": "false",
    "qssl_config_missing_certificate_is_fatal": "false",
    "qssl_config_session_protocol": "QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL",
    "qssl_conn_mode": "QSSL_SSL_MODE_UNENCRYPTED_MODE",
    "qssl_conn_peer_verify_mode": "QSSL_PEER_VERIFY_MODE_AUTO_VERIFY_PEER",
    "qssl_conn_protocol": "QSSL_SSL_PROTOCOL_SECURE_PROTOCOLS",
    "qssl_conn_peer_verify_depth": "0",
    "qssl_conn_pending": "0",
    "qssl_conn_pending_output": "0",
    "qssl_conn_is_encrypted": "false",
    "qssl_conn_session_resumed": "false",
    "qssl_conn_session_protocol": "QSSL_SSL_PROTOCOL_UNKNOWN_PROTOCOL",
    "qssl_conn_alert_sent": "false",
    "qssl_conn_alert_received": "false",
    "qssl_curve_from_short_name": "0",
    "qssl_curve_from_long_name": "0",
    "qssl_curve_list_len": "0",
    "qssl_curve_list_get": "0",
    "qssl_dh_params_equal": "false",
    "qssl_dh_params_is_empty": "true",
    "qssl_dh_params_is_valid": "true",
    "qssl_dh_params_error": "QSSL_DH_PARAMS_ERROR_NO_ERROR",
    "qssl_key_equal": "false",
    "qssl_key_is_null": "true",
    "qssl_key_algorithm": "QSSL_KEY_ALGORITHM_OPAQUE",
    "qssl_key_type": "QSSL_KEY_TYPE_PUBLIC_KEY",
    "qssl_key_length": "-1",
    "qssl_psk_auth_equal": "false",
    "qssl_psk_auth_identity_hint_is_null": "true",
    "qssl_psk_auth_identity_is_null": "true",
    "qssl_psk_auth_maximum_identity_length": "0",
    "qssl_psk_auth_pre_shared_key_is_null": "true",
    "qssl_psk_auth_maximum_pre_shared_key_length": "0",
    "qssl_ssl_error_equal": "false",
    "qssl_ssl_error_error": "QSSL_SSL_ERROR_NO_ERROR",
    "qssl_ssl_error_list_len": "0",
    # Functions of plain values only: never fail, nothing to compare.
    "qssl_version_number": None,
    "qssl_curve_is_valid": None,
    "qssl_curve_is_tls_named_curve": None,
    "qssl_socket_supports_ssl": None,
    "qssl_socket_ssl_library_version_number": None,
    "qssl_socket_ssl_library_build_version_number": None,
    "qssl_socket_set_active_backend": "false",
    "qssl_socket_is_protocol_supported": "false",
    "qssl_socket_is_class_implemented": "false",
    "qssl_socket_is_feature_supported": "false",
}

# Pointer parameters that may be NULL by contract: (function, parameter).
NULLABLE = {
    ("qssl_cert_import_pkcs12", "passphrase"),
    ("qssl_cert_import_pkcs12", "ca_certificates"),
    ("qssl_cert_verify", "host_name"),
    ("qssl_ssl_error_new", "certificate"),
    ("qssl_config_set_backend_configuration", "map"),
    ("qssl_config_reload_system_ca_certificates", "out_count"),
    ("qssl_config_set_psk_callback", "callback"),
    ("qssl_conn_set_psk_callback", "callback"),
    ("qssl_dtls_set_psk_callback", "callback"),
    ("qssl_dtls_set_peer", "verification_name"),
    ("qssl_dtls_handle_timeout", "out_retransmitted"),
    ("qssl_config_set_sni_callback", "callback"),
    ("qssl_config_set_keylog_callback", "callback"),
    ("qssl_conn_alert_sent", "level"),
    ("qssl_conn_alert_sent", "kind"),
    ("qssl_conn_alert_received", "level"),
    ("qssl_conn_alert_received", "kind"),
    # Two NULLs are equal (documented); one NULL is simply "not equal".
    ("qssl_psk_auth_equal", "a"),
    ("qssl_psk_auth_equal", "b"),
    ("qssl_config_equal", "a"),
    ("qssl_config_equal", "b"),
    # NULL names the active backend (Qt's default argument).
    ("qssl_socket_supported_protocols", "backend_name"),
    ("qssl_socket_is_protocol_supported", "backend_name"),
    ("qssl_socket_implemented_classes", "backend_name"),
    ("qssl_socket_is_class_implemented", "backend_name"),
    ("qssl_socket_supported_features", "backend_name"),
    ("qssl_socket_is_feature_supported", "backend_name"),
}

# Text parameters with a meaningful valid value (others get "localhost").
TEXT_VALUES = {
    "path": "SWEEP_FIXTURE_PATH",
    "passphrase": '"qssl-pass"',
    "ciphers": '"ECDHE-RSA-AES128-GCM-SHA256"',
    "value": '"TLSv1.2"',
}
TEXT_BY_FN = {
    "qssl_cipher_from_name": '"ECDHE-RSA-AES128-GCM-SHA256"',
    "qssl_cipher_from_name_and_protocol": '"ECDHE-RSA-AES128-GCM-SHA256"',
    "qssl_curve_from_short_name": '"prime256v1"',
    "qssl_curve_from_long_name": '"prime256v1"',
    "qssl_config_set_backend_configuration_option_bytes": '"MinProtocol"',
    "qssl_config_set_backend_configuration_option_text": '"MinProtocol"',
    "qssl_config_set_backend_configuration_option_int": '"MinProtocol"',
    "qssl_config_set_backend_configuration_option_bool": '"MinProtocol"',
    "qssl_key_from_file": "SWEEP_KEY_PATH",
}

# Byte inputs named `data` with a meaningful valid value (others: server.pem).
BYTES_BY_FN = {
    "qssl_cert_from_der": ("c.der", "c.der_len"),
    "qssl_cert_import_pkcs12": ("c.p12", "c.p12_len"),
    "qssl_key_from_pem": ("c.key_pem", "c.key_pem_len"),
    "qssl_key_from_der": ("c.key_der", "c.key_der_len"),
    "qssl_dh_params_from_encoded": ("c.dh_pem", "c.dh_pem_len"),
}


class Param:
    def __init__(self, ctype, name):
        self.ctype = ctype
        self.name = name
        self.role = None  # filled by classify()
        self.valid = None


def split_params(text):
    if text.strip() in ("", "void"):
        return []
    out, cur, depth = [], "", 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    params = []
    for p in out:
        fm = re.match(r"^(.*)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$", p)
        if fm:  # a function pointer written out
            params.append(Param("fnptr:" + " ".join(p.split()), fm.group(2)))
            continue
        m = re.match(r"^(.*?)(\w+)$", p)
        ctype = " ".join(m.group(1).replace("*", " * ").split()).replace("* *", "**")
        ctype = ctype.replace("* const *", "*const *")
        params.append(Param(ctype, m.group(2)))
    return params


def parse(header_text):
    src = re.sub(r"/\*.*?\*/", "", header_text, flags=re.S)
    src = re.sub(r"//[^\n]*", "", src)
    start = src.index('extern "C" {')
    body = src[start + len('extern "C" {'):]
    fns = []
    for m in re.finditer(r"([A-Za-z_][\w \t\*]*?)\b(qssl_\w+)\s*\(((?:[^;])*?)\)\s*;", body, re.S):
        ret = " ".join(m.group(1).replace("*", " * ").split()).replace("* const *", "*const *")
        fns.append((ret, m.group(2), split_params(m.group(3))))
    return fns


def handle_of(ctype):
    """'const qssl_cert_t *' -> ('cert', const?) for single handle pointers."""
    m = re.match(r"^(const )?(qssl_\w+_t) \*$", ctype)
    if m and m.group(2) in HANDLES:
        return HANDLES[m.group(2)], bool(m.group(1))
    return None


def classify(fn, params):
    """Gives each parameter a role and a valid C expression; returns the
    list of problems (unknown types)."""
    problems = []
    seen_kind = {}
    for i, p in enumerate(params):
        prev = params[i - 1] if i else None
        t = p.ctype
        h = handle_of(t)
        if h:
            kind = h[0]
            idx = seen_kind.get(kind, 0)
            seen_kind[kind] = idx + 1
            p.role, p.valid = "handle", f"c.{kind}[{min(idx, 1)}]"
            continue
        m = re.match(r"^(qssl_\w+_t) \*\*$", t)
        if m and m.group(1) in HANDLES:
            p.role, p.valid = "out_handle", f"&o_{p.name}"
            p.out_type = m.group(1)
            continue
        m = re.match(r"^const (qssl_\w+_t) \*const \*$", t)
        if m and m.group(1) in HANDLES:
            p.role, p.valid = "handle_array", f"(const {m.group(1)} *const *)c.{HANDLES[m.group(1)]}"
            p.elem = m.group(1)
            continue
        if t == "const qssl_curve_t *":
            p.role, p.valid = "curve_array", "c.curves"
            continue
        if t == "const uint8_t *const *":
            p.role, p.valid = "bytes_array", "c.strs"
            continue
        if t == "const size_t *" and prev is not None and prev.role == "bytes_array":
            p.role, p.valid = "lens_array", "c.lens"
            continue
        if t == "const uint8_t *":
            p.role = "bytes_in"
            if p.name == "data":
                p.valid, p.valid_len = BYTES_BY_FN.get(fn, ("c.pem", "c.pem_len"))
            else:
                p.valid, p.valid_len = "SWEEP_PASS", "9"
            continue
        if t in ("uint8_t *", "char *"):
            p.role, p.valid = "buf", ("c.buf" if t == "uint8_t *" else "(char *)c.buf")
            continue
        if p.name == "buf" and t in ("qssl_ssl_protocol_t *", "qssl_implemented_class_t *",
                                     "qssl_supported_feature_t *"):
            # Lists of enum values: the bytes-out shape counted in values.
            p.role, p.valid = "buf", "(int32_t *)(void *)c.buf"
            continue
        if t == "size_t":
            if p.name == "cap" and prev is not None and prev.role == "buf":
                p.role, p.valid = "cap", "sizeof c.buf"
            elif p.name == "index":
                p.role, p.valid = "index", "0"
            elif prev is not None and prev.role == "bytes_in":
                p.role, p.valid = "len", prev.valid_len
            elif prev is not None and prev.role in ("handle_array", "curve_array", "lens_array"):
                p.role, p.valid = "count", "2"
            elif fn in ("qssl_conn_consume_output", "qssl_conn_commit_input") and p.name == "n":
                p.role, p.valid = "byte_count", "0"
            elif fn == "qssl_conn_input_space" and p.name == "want":
                p.role, p.valid = "lend_size", "16"
            else:
                problems.append(f"{fn}: size_t {p.name} has no known role")
            continue
        if t == "size_t *":
            if prev is not None and prev.role == "cap":
                p.role, p.valid = "out_len", "&c.len"
            elif prev is not None and prev.role == "len" and p.name in ("out_written",):
                p.role, p.valid = "out_value", "&c.len"
            else:
                p.role, p.valid = "out_value", "&c.sz"
            continue
        if t in ("bool *", "int64_t *", "qssl_alert_level_t *", "qssl_alert_type_t *",
                 "qssl_cryptographic_hash_algorithm_t *"):
            field = {"bool *": "c.b", "int64_t *": "c.i64", "qssl_alert_level_t *": "c.level",
                     "qssl_alert_type_t *": "c.kind",
                     "qssl_cryptographic_hash_algorithm_t *": "c.hash"}[t]
            p.role, p.valid = "out_value", "&" + field
            continue
        if t == "const uint8_t **":
            p.role, p.valid = "out_value", "&c.cdata"
            continue
        if t == "uint8_t **":
            p.role, p.valid = "out_value", "(uint8_t **)&c.cdata"
            continue
        if t == "void **":
            p.role, p.valid = "out_sslctx", "&o_" + p.name
            continue
        if t == "const void *":
            p.role, p.valid = "opaque_in", "NULL"
            continue
        if t == "const char *":
            p.role = "text"
            p.valid = TEXT_BY_FN.get(fn) or TEXT_VALUES.get(p.name) or '"localhost"'
            continue
        if t in ENUMS:
            p.role, p.valid = "enum", ENUMS[t][0]
            continue
        if t == "qssl_curve_t":
            p.role, p.valid = "plain", "415"
            continue
        if t == "qssl_status_t":
            p.role, p.valid = "plain", "-1"
            continue
        if t == "bool":
            p.role, p.valid = "plain", "true"
            continue
        if t == "int64_t":
            p.role, p.valid = "plain", "42"
            continue
        if t in ("uint16_t", "uint32_t"):
            p.role, p.valid = "plain", "700"
            continue
        if t == "int32_t":
            if p.name == "depth":
                p.role, p.valid = "depth", "3"
            elif p.name == "fd":
                p.role, p.valid = "plain", "-1"
            else:
                problems.append(f"{fn}: int32_t {p.name} has no known role")
            continue
        if t == "qssl_psk_callback_t":
            p.role, p.valid = "callback", "sweep_psk_cb"
            continue
        if t == "qssl_sni_callback_t":
            p.role, p.valid = "callback", "sweep_sni_cb"
            continue
        if t == "qssl_keylog_callback_t":
            p.role, p.valid = "callback", "sweep_keylog_cb"
            continue
        if t == "void *":
            p.role, p.valid = "plain", "NULL"
            continue
        if t.startswith("fnptr:"):
            p.role, p.valid = "plain", "NULL"
            continue
        problems.append(f"{fn}: parameter '{t} {p.name}' has a type the sweep does not know")
    return problems


def ret_kind(ret):
    if ret == "qssl_status_t":
        return "status"
    if ret == "void":
        return "void"
    m = re.match(r"^(qssl_\w+_t) \*$", ret)
    if m and m.group(1) in HANDLES:
        return "owned"
    if ret.startswith("const ") and ret.endswith("*"):
        return "borrowed"
    return "value"


def variants(fn, params):
    """(description, {param index: C expression}, expectation) triples.
    Expectation: 'any' (no crash; generic invariants), or ('fail', status)
    where status is the expected qssl_status_t (None: any negative)."""
    out = [("valid arguments", {}, "any")]
    for i, p in enumerate(params):
        nullable = (fn, p.name) in NULLABLE
        r = p.role
        if r == "handle":
            if fn.endswith("_free"):
                continue  # free(valid) is not hostile; free(NULL) is below
            out.append((f"{p.name} NULL", {i: "NULL"},
                        "any" if nullable else ("fail", "QSSL_STATUS_NULL_ARGUMENT")))
        elif r == "out_handle":
            out.append((f"{p.name} NULL", {i: "NULL"},
                        "any" if nullable else ("fail", "QSSL_STATUS_NULL_ARGUMENT")))
        elif r == "bytes_in":
            out.append((f"{p.name} NULL with length 5", {i: "NULL", i + 1: "5"},
                        ("fail", "QSSL_STATUS_NULL_ARGUMENT")))
            out.append((f"{p.name} with length SIZE_MAX", {i + 1: "SIZE_MAX"},
                        ("fail", "QSSL_STATUS_INVALID_ARGUMENT")))
            out.append((f"{p.name} (NULL, 0)", {i: "NULL", i + 1: "0"}, "any"))
            out.append((f"{p.name} empty, not NULL", {i + 1: "0"}, "any"))
            out.append((f"{p.name} garbage", {i: "SWEEP_GARBAGE", i + 1: "SWEEP_GARBAGE_LEN"},
                        "any"))
        elif r in ("handle_array", "curve_array", "bytes_array"):
            cnt = i + 1 if r != "bytes_array" else i + 2
            out.append((f"{p.name} NULL with count 3", {i: "NULL", cnt: "3"},
                        ("fail", "QSSL_STATUS_NULL_ARGUMENT")))
            out.append((f"{p.name} (NULL, 0)", {i: "NULL", cnt: "0"}, "any"))
            out.append((f"{p.name} with count SIZE_MAX", {cnt: "SIZE_MAX"},
                        ("fail", "QSSL_STATUS_INVALID_ARGUMENT")))
            if r == "handle_array":
                out.append((f"{p.name} holding NULL", {i: f"(const {p.elem} *const *)c.with_null_{HANDLES[p.elem]}"},
                            ("fail", "QSSL_STATUS_INVALID_ARGUMENT")))
            if r == "bytes_array":
                out.append((f"{p.name} holding NULL with a length", {i: "c.strs_with_null"},
                            ("fail", "QSSL_STATUS_NULL_ARGUMENT")))
            if r == "curve_array":
                out.append((f"{p.name} holding -5 and 0", {i: "c.bad_curves"}, "any"))
        elif r == "lens_array":
            out.append((f"{p.name} NULL", {i: "NULL"}, ("fail", "QSSL_STATUS_NULL_ARGUMENT")))
            out.append((f"{p.name} SIZE_MAX", {i: "c.huge_lens"}, ("fail", None)))
        elif r == "buf":
            cap = i + 1
            out.append((f"{p.name} NULL, cap 0 (size query)", {i: "NULL", cap: "0"}, "any"))
            out.append((f"{p.name} zero capacity", {cap: "0"}, "any"))
            out.append((f"{p.name} capacity 1", {cap: "1"}, "any"))
            out.append((f"{p.name} NULL with cap 64", {i: "NULL", cap: "64"}, "any"))
            out.append((f"{p.name} cap SIZE_MAX", {cap: "SIZE_MAX"}, "any"))
        elif r == "out_len" or r == "out_value" or r == "out_sslctx":
            out.append((f"{p.name} NULL", {i: "NULL"},
                        "any" if nullable else ("fail", "QSSL_STATUS_NULL_ARGUMENT")))
        elif r == "text":
            out.append((f"{p.name} NULL", {i: "NULL"},
                        "any" if nullable else ("fail", "QSSL_STATUS_NULL_ARGUMENT")))
            out.append((f"{p.name} invalid UTF-8", {i: "SWEEP_BAD_UTF8"},
                        ("fail", "QSSL_STATUS_INVALID_ARGUMENT")))
            out.append((f"{p.name} empty", {i: '""'}, "any"))
            out.append((f"{p.name} long", {i: "c.long_text"}, "any"))
        elif r == "enum":
            for bad in ENUMS[p.ctype][1]:
                out.append((f"{p.name} = {bad}", {i: bad}, ("fail", "QSSL_STATUS_INVALID_ARGUMENT")))
        elif r == "index":
            out.append((f"{p.name} SIZE_MAX", {i: "SIZE_MAX"}, ("fail", "QSSL_STATUS_INVALID_ARGUMENT")))
        elif r == "count":
            out.append((f"{p.name} 0", {i: "0"}, "any"))
        elif r == "byte_count":
            out.append((f"{p.name} SIZE_MAX", {i: "SIZE_MAX"}, ("fail", None)))
        elif r == "lend_size":
            out.append((f"{p.name} 0", {i: "0"}, "any"))
            out.append((f"{p.name} SIZE_MAX", {i: "SIZE_MAX"}, ("fail", "QSSL_STATUS_INVALID_ARGUMENT")))
        elif r == "depth":
            out.append((f"{p.name} -1", {i: "-1"}, ("fail", "QSSL_STATUS_INVALID_ARGUMENT")))
            out.append((f"{p.name} INT32_MAX", {i: "INT32_MAX"}, "any"))
        elif r == "plain":
            t = p.ctype
            if t == "qssl_curve_t":
                for v in ("-5", "0", "INT32_MAX"):
                    out.append((f"{p.name} = {v}", {i: v}, "any"))
            elif t == "int64_t":
                for v in ("INT64_MIN", "INT64_MAX"):
                    out.append((f"{p.name} = {v}", {i: v}, "any"))
            elif t == "qssl_status_t":
                for v in ("999", "INT32_MIN"):
                    out.append((f"{p.name} = {v}", {i: v}, "any"))
            elif t == "bool":
                out.append((f"{p.name} false", {i: "false"}, "any"))
        elif r == "callback":
            out.append((f"{p.name} NULL", {i: "NULL"}, "any"))
        elif r == "opaque_in":
            pass  # only NULL can be passed safely; the valid call passes NULL
    if fn.endswith("_free"):
        out = [("NULL (a no-op)", {0: "NULL"}, "free")]
    if any(p.role == "opaque_in" for p in params):
        # Only NULL can be passed for a foreign object, so every call fails
        # on it first: any failure is right.
        out = [(d, ch, ("fail", None) if isinstance(e, tuple) else e) for d, ch, e in out]
    return out


def group_of(fn):
    for g in ("bytes_list", "backend_config", "cert", "key", "cipher", "curve", "dh_params",
              "ssl_error", "config", "psk_auth", "conn", "dtls"):
        if fn.startswith("qssl_" + g + "_") or fn == "qssl_" + g:
            return {"bytes_list": "core", "dh_params": "dh", "psk_auth": "psk",
                    "backend_config": "config"}.get(g, g)
    return "core"


def gen_call(fn, ret, params, args, desc, expect):
    kind = ret_kind(ret)
    lines = ["    {"]
    lines.append(f'        static const char *const V = "{desc}";')
    for p in params:
        if p.role == "out_handle":
            lines.append(f"        {p.out_type} *o_{p.name} = ({p.out_type} *)SWEEP_SENTINEL;")
            lines.append(f"        (void)o_{p.name};")
        if p.role == "out_sslctx":
            lines.append(f"        void *o_{p.name} = SWEEP_SENTINEL;")
            lines.append(f"        (void)o_{p.name};")
    lines.append("        (void)V;")
    lines.append("        sweep_before(&c);")
    call = f"{fn}({', '.join(args)})"
    if kind == "status":
        lines.append(f"        qssl_status_t st = {call};")
    elif kind == "void":
        lines.append(f"        {call};")
    else:
        lines.append(f"        {ret} r = {call};")
        lines.append("        (void)r;")
    fail = isinstance(expect, tuple)
    want = expect[1] if fail else None
    W = want if want else "SWEEP_ANY_FAILURE"
    if kind == "status":
        if fail:
            lines.append(f'        sweep_check_failed_status(FN, V, st, {W});')
        else:
            lines.append(f'        sweep_check_status(FN, V, st);')
        failed = "st < 0"
        ok = "st == QSSL_STATUS_OK"
    elif kind == "owned":
        if fail:
            lines.append(f'        sweep_check_null(FN, V, r);')
        else:
            lines.append(f'        sweep_check_pointer(FN, V, r);')
        failed = "r == NULL"
        ok = "r != NULL"
    elif kind == "borrowed":
        if fail:
            lines.append(f'        sweep_check_null(FN, V, r);')
        elif ret == "const char *":
            lines.append(f'        sweep_check(FN, V, r != NULL, "static text is never NULL");')
        failed = "r == NULL"
        ok = "r != NULL"
    elif kind == "void":
        if expect == "free":
            lines.append('        sweep_check_no_error(FN, V);')
        elif fail:
            lines.append('        sweep_check_message(FN, V);')
        failed = "0"
        ok = "0"
    else:
        d = DEFAULTS.get(fn)
        if fail and d is not None:
            lines.append(f"        sweep_check(FN, V, r == ({d}), \"returns Qt's default ({d})\");")
            lines.append('        sweep_check_message(FN, V);')
        failed = "0"
        ok = "0"
    for p in params:
        if p.role == "out_handle" and args[params.index(p)] != "NULL":
            free = p.out_type[:-2] + "_free"
            lines.append(f"        if ({failed}) sweep_check(FN, V, o_{p.name} == NULL, \"*{p.name} is NULL after a failure\");")
            lines.append(f"        if (o_{p.name} != ({p.out_type} *)SWEEP_SENTINEL) {free}(o_{p.name});")
        if p.role == "out_sslctx" and args[params.index(p)] != "NULL":
            lines.append(f"        if ({failed}) sweep_check(FN, V, o_{p.name} == NULL, \"*{p.name} is NULL after a failure\");")
            lines.append(f"        if ({ok} && o_{p.name} != SWEEP_SENTINEL && o_{p.name} != NULL) SSL_CTX_free(o_{p.name});")
        if p.role == "buf" and args[params.index(p)] == p.valid and kind == "status":
            lines.append(f"        if (st != QSSL_STATUS_OK) sweep_check(FN, V, sweep_buf_untouched(&c), \"buffer untouched after a failure\");")
    if kind == "owned":
        lines.append(f"        if (r != NULL) {ret[:-4]}_free(r);")
    lines.append("    }")
    return "\n".join(lines)


def generate(fns):
    out = ["/* Generated by c-tests/gen_sweep.py from include/qssl.h. Do not edit. */", ""]
    unhandled = []
    table = []
    for ret, fn, params in fns:
        problems = classify(fn, params)
        kind = ret_kind(ret)
        if kind == "value" and fn not in DEFAULTS:
            problems.append(f"{fn}: returns {ret} but has no entry in DEFAULTS (Qt's default on failure)")
        if problems:
            unhandled.extend(problems)
            continue
        out.append(f"static void sweep_{fn}(void) {{")
        out.append(f'    static const char *const FN = "{fn}";')
        out.append("    (void)FN;")
        out.append("    sweep_ctx c;")
        out.append("    sweep_ctx_init(&c);")
        for desc, changes, expect in variants(fn, params):
            args = [changes.get(i, p.valid) for i, p in enumerate(params)]
            # Named parameters used by DEFAULTS expressions.
            pre = []
            for i, p in enumerate(params):
                if fn in DEFAULTS and DEFAULTS[fn] and re.search(r"\b" + p.name + r"\b", DEFAULTS[fn]):
                    pre.append(f"        {p.ctype} {p.name} = {args[i]};")
                    args[i] = p.name
            block = gen_call(fn, ret, params, args, desc.replace('"', "'"), expect)
            if pre:
                block = block.replace("    {\n", "    {\n" + "\n".join(pre) + "\n", 1)
            out.append(block)
        out.append("    sweep_ctx_free(&c);")
        out.append("}")
        out.append("")
        table.append(f'    {{"{fn}", "{group_of(fn)}", sweep_{fn}}},')
    out.append("static const sweep_entry sweep_table[] = {")
    out.extend(table)
    out.append("};")
    out.append(f"#define SWEEP_FUNCTIONS_IN_HEADER {len(fns)}")
    out.append(f"#define SWEEP_FUNCTIONS_HANDLED {len(table)}")
    out.append("static const char *const sweep_unhandled[] = {")
    for u in unhandled:
        out.append('    "' + u.replace('"', "'") + '",')
    out.append("    NULL")
    out.append("};")
    return "\n".join(out) + "\n", unhandled


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        fns = parse(open(argv[2], encoding="utf-8").read())
        _, unhandled = generate(fns)
        if not fns:
            print("no function prototypes found in", argv[2])
            return 1
        if unhandled:
            print("the API sweep does not handle:")
            for u in unhandled:
                print("  " + u)
            print("teach c-tests/gen_sweep.py the new type, role or default")
            return 1
        print(f"all {len(fns)} functions of {argv[2]} are swept")
        return 0
    if len(argv) == 3:
        fns = parse(open(argv[1], encoding="utf-8").read())
        text, _ = generate(fns)
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
