//! The generated header documents what a C reader needs at each function:
//! every function returning `qssl_status_t` names the error statuses it
//! gives, and every function handing out a handle names the `_free` that
//! releases it. It is arranged in sections per handle type.

use std::collections::BTreeSet;

/// Functions whose documentation does not name its errors or `_free` yet
/// (none now). Do not add names: document the function instead.
const NOT_YET: &[&str] = &[];

struct Function {
    name: String,
    ret: String,
    decl: String,
    doc: String,
}

fn functions(header: &str) -> Vec<Function> {
    let mut out = Vec::new();
    for item in header.split("\n\n") {
        let Some(end) = item.rfind("*/\n") else {
            continue;
        };
        let Some(start) = item[..end].rfind("/**") else {
            continue;
        };
        let (doc, decl) = (&item[start..end], item[end + 3..].trim());
        if decl.starts_with('#') || decl.starts_with("typedef") || !decl.ends_with(';') {
            continue;
        }
        let Some(paren) = decl.find('(') else {
            continue;
        };
        let head = &decl[..paren];
        let split = head
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        out.push(Function {
            name: head[split..].to_string(),
            ret: head[..split].trim().to_string(),
            decl: decl.to_string(),
            doc: doc
                .lines()
                .map(|l| l.trim().trim_start_matches('*').trim())
                .collect::<Vec<_>>()
                .join(" "),
        });
    }
    out
}

/// True when `text` has `word` (a status name such as `NULL_ARGUMENT`, with
/// or without its `QSSL_STATUS_` prefix) as a whole word.
fn names_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let edge = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let before = text[..i].strip_suffix("QSSL_STATUS_").unwrap_or(&text[..i]);
        edge(before.chars().next_back()) && edge(text[i + word.len()..].chars().next())
    })
}

fn header() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/qssl.h")).unwrap()
}

#[test]
fn every_status_function_names_its_errors() {
    let h = header();
    let fs = functions(&h);
    assert!(fs.len() > 300, "parsed {} functions", fs.len());
    let statuses: Vec<&str> = h
        .lines()
        .filter_map(|l| l.strip_prefix("#define QSSL_STATUS_"))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|s| *s != "OK")
        .collect();
    let missing: Vec<&str> = fs
        .iter()
        .filter(|f| f.ret == "qssl_status_t" && !NOT_YET.contains(&f.name.as_str()))
        .filter(|f| {
            !f.doc.contains("always QSSL_STATUS_OK")
                && !statuses.iter().any(|s| names_word(&f.doc, s))
        })
        .map(|f| f.name.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "these functions return qssl_status_t but their documentation names no \
         QSSL_STATUS_* error (add an `Errors:` line): {missing:?}"
    );
}

#[test]
fn every_handle_handed_out_names_its_free() {
    let fs = functions(&header());
    let mut missing = BTreeSet::new();
    for f in fs.iter().filter(|f| !NOT_YET.contains(&f.name.as_str())) {
        // A returned non-const handle, and every `qssl_X_t **` output.
        let mut owned: Vec<String> = Vec::new();
        if let Some(t) = f.ret.strip_suffix(" *") {
            if t.starts_with("qssl_") && t.ends_with("_t") && !t.starts_with("const") {
                owned.push(t.to_string());
            }
        }
        for part in f.decl.split(['(', ',']) {
            let p = part.trim();
            if let Some(i) = p.find(" **") {
                let t = &p[..i];
                if t.starts_with("qssl_") && t.ends_with("_t") {
                    owned.push(t.to_string());
                }
            }
        }
        for t in owned {
            let free = format!("{}_free", t.trim_end_matches("_t"));
            if !f.doc.contains(&free) {
                missing.insert(format!("{} ({free})", f.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "these functions hand out a handle but their documentation does not name \
         the function that frees it: {missing:?}"
    );
}

#[test]
fn header_is_arranged_in_sections_per_handle_type() {
    let h = header();
    let contents = h.find("Sections of this header:").expect("a contents list");
    let fs = functions(&h);
    // Each handle's functions come after its banner and before the next one.
    for (handle, title) in [
        ("qssl_cert_", "Certificates: qssl_cert_t"),
        ("qssl_key_", "Keys: qssl_key_t"),
        ("qssl_config_", "Configuration: qssl_config_t"),
        ("qssl_conn_", "Connections: qssl_conn_t"),
    ] {
        let banner = h[contents..]
            .find(&format!("=\n * {title}"))
            .map(|i| i + contents)
            .unwrap_or_else(|| panic!("no section {title}"));
        let next = h[banner + 10..]
            .find("/* ====")
            .map_or(h.len(), |i| i + banner + 10);
        let list = &h[banner..h[banner..].find("*/").unwrap() + banner];
        for f in fs.iter().filter(|f| f.name.starts_with(handle)) {
            let at = h.find(&f.decl).unwrap();
            assert!(
                list.contains(&format!(" {}", f.name)),
                "{} is not listed in the {title} section",
                f.name
            );
            assert!(
                banner < at && at < next,
                "{} is outside the {title} section",
                f.name
            );
        }
    }
    // Each enum's constants follow its type: QSSL_KEY_ALGORITHM_RSA comes
    // after the Keys banner, not among the first lines.
    let keys = h.find("Keys: qssl_key_t (QSslKey)\n").unwrap();
    assert!(h.find("#define QSSL_KEY_ALGORITHM_RSA").unwrap() > keys);
}
