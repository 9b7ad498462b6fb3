//! The committed include/qssl.h equals what cbindgen generates from the sources.

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
