//! The committed include/qssl.h equals what cbindgen generates from the sources.
//! This is the one check that the header is current (build.rs only warns; the
//! CMake header tests compile the committed header as C99/C11/C++17).

#[test]
fn committed_header_is_current() {
    let fresh = include_str!(concat!(env!("OUT_DIR"), "/qssl.h"));
    let committed = include_str!("../include/qssl.h");
    assert!(
        fresh == committed,
        "include/qssl.h is stale: run `QSSL_BLESS_HEADER=1 cargo build` and commit it"
    );
}

#[test]
fn header_has_no_foreign_names() {
    let header = include_str!("../include/qssl.h");
    for line in header.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("typedef struct ") {
            assert!(rest.starts_with("qssl_"), "foreign type in header: {line}");
        }
        if let Some(rest) = t.strip_prefix("#define ") {
            assert!(rest.starts_with("QSSL_"), "foreign macro in header: {line}");
        }
    }
}

#[test]
fn string_constants_match_rust() {
    // cbindgen 0.29 does not emit string constants; the preamble defines them.
    let header = include_str!("../include/qssl.h");
    for (name, value) in [
        (
            "QSSL_ALPN_PROTOCOL_HTTP2",
            qssl::ffi::enums::QSSL_ALPN_PROTOCOL_HTTP2,
        ),
        (
            "QSSL_NEXT_PROTOCOL_HTTP1_1",
            qssl::ffi::enums::QSSL_NEXT_PROTOCOL_HTTP1_1,
        ),
    ] {
        assert!(
            header.contains(&format!("#define {name} \"{value}\"")),
            "{name}"
        );
    }
}
