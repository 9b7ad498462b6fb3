//! Arranges the header cbindgen generates into sections a C reader can
//! navigate: one section per handle type (its list type included), each
//! opening with the list of its functions, then the enum types and
//! constants that belong to it, then its functions. cbindgen itself groups
//! by kind (every constant first, then every type, then every function);
//! this pass only moves whole items and adds the section banners.
//!
//! Sections: "library" (status codes, errors, version) first, then the
//! handle types in the order of [`ORDER`], then any other handle type in
//! the order the preamble declares it.

use std::collections::BTreeMap;

/// Known sections in reading order, with their titles.
const ORDER: &[(&str, &str)] = &[
    ("library", "Library: status codes, last error, version"),
    (
        "socket",
        "QSslSocket's static functions: TLS library, backends, protocols (qssl_socket_*)",
    ),
    (
        "bytes",
        "Byte-string lists: qssl_bytes_list_t (QList<QByteArray>, QStringList)",
    ),
    (
        "cert",
        "Certificates: qssl_cert_t (QSslCertificate), qssl_cert_list_t",
    ),
    ("key", "Keys: qssl_key_t (QSslKey)"),
    (
        "cipher",
        "Ciphers: qssl_cipher_t (QSslCipher), qssl_cipher_list_t",
    ),
    (
        "curve",
        "Elliptic curves: qssl_curve_t (QSslEllipticCurve), qssl_curve_list_t",
    ),
    (
        "dh_params",
        "Diffie-Hellman parameters: qssl_dh_params_t (QSslDiffieHellmanParameters)",
    ),
    (
        "ssl_error",
        "SSL errors: qssl_ssl_error_t (QSslError), qssl_ssl_error_list_t",
    ),
    (
        "psk_auth",
        "PSK authenticator: qssl_psk_auth_t (QSslPreSharedKeyAuthenticator)",
    ),
    ("config", "Configuration: qssl_config_t (QSslConfiguration)"),
    (
        "backend_config",
        "Backend configuration map: qssl_backend_config_t",
    ),
    (
        "conn",
        "Connections: qssl_conn_t (the TLS side of QSslSocket)",
    ),
    ("dtls", "DTLS connections: qssl_dtls_t (QDtls)"),
    (
        "dtls_verifier",
        "DTLS cookie verifier: qssl_dtls_verifier_t (QDtlsClientVerifier)",
    ),
];

/// Enum types placed by hand where their name and their uses do not tell.
const PLACED: &[(&str, &str)] = &[("status", "library")];

enum Kind {
    Constant,
    Type,
    Function,
}

struct Item {
    text: String,
    name: String,
    kind: Kind,
}

fn ident_before(s: &str) -> String {
    let t = s.trim_end();
    let start = t
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    t[start..].to_string()
}

fn parse(text: &str) -> Option<Item> {
    let decl = match text.rfind("*/\n") {
        Some(i) => &text[i + 3..],
        None => text,
    };
    let decl = decl.trim();
    if decl.is_empty() {
        return None;
    }
    let (kind, name) = if let Some(rest) = decl.strip_prefix("#define ") {
        (Kind::Constant, rest.split_whitespace().next()?.to_string())
    } else if decl.starts_with("typedef ") {
        let name = if let Some(i) = decl.find("(*") {
            ident_before(&decl[..i + 2 + decl[i + 2..].find(')')?])
        } else {
            ident_before(decl.trim_end_matches(';'))
        };
        (Kind::Type, name)
    } else {
        (Kind::Function, ident_before(&decl[..decl.find('(')?]))
    };
    Some(Item {
        text: text.trim_end().to_string(),
        name,
        kind,
    })
}

/// True when the declaration part of `item` (after its comment) names `word`.
fn uses_word(item: &str, word: &str) -> bool {
    let decl = &item[item.rfind("*/\n").map_or(0, |i| i + 3)..];
    decl.match_indices(word).any(|(i, _)| {
        let ok = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        ok(decl[..i].chars().next_back()) && ok(decl[i + word.len()..].chars().next())
    })
}

/// The handle names declared in the preamble (`typedef struct qssl_X_t qssl_X_t;`),
/// without `qssl_` and `_t`.
fn handles(preamble: &str) -> Vec<String> {
    preamble
        .lines()
        .filter_map(|l| l.strip_prefix("typedef struct qssl_"))
        .filter_map(|l| l.split_once("_t ").map(|(n, _)| n.to_string()))
        .collect()
}

/// The section of a lower-case name (without `qssl_`): the longest handle
/// it starts with, a list's element type for a list.
fn section_of(name: &str, handles: &[String]) -> Option<String> {
    let h = handles
        .iter()
        .filter(|h| name.starts_with(&format!("{h}_")))
        .max_by_key(|h| h.len())?;
    Some(h.strip_suffix("_list").unwrap_or(h).to_string())
}

/// Rearranges `header` (cbindgen's output with `preamble` in it). Returns
/// it unchanged if its shape is not the expected one.
pub fn arrange(header: &str, preamble: &str) -> String {
    const OPEN: &str = "#ifdef __cplusplus\nextern \"C\" {\n#endif // __cplusplus\n";
    const CLOSE: &str = "#ifdef __cplusplus\n}  // extern \"C\"\n#endif  // __cplusplus\n";
    let Some(p) = header.find(preamble.trim_end()) else {
        return header.to_string();
    };
    let body_start = p + preamble.trim_end().len();
    let Some(close) = header.rfind(CLOSE) else {
        return header.to_string();
    };
    let (head, body, tail) = (
        &header[..body_start],
        &header[body_start..close],
        &header[close + CLOSE.len()..],
    );
    let body = body.replacen(OPEN, "", 1);
    let items: Vec<Item> = body.split("\n\n").filter_map(parse).collect();
    // Handle names, and the names of value types without a handle struct
    // (`qssl_curve_t`) that have a section of their own.
    let mut handles = handles(preamble);
    for (s, _) in &ORDER[1..] {
        if !handles.iter().any(|h| h == s) {
            handles.push(s.to_string());
        }
    }

    // Sections of functions first; then types by name or by use.
    let mut of: BTreeMap<String, String> = BTreeMap::new();
    for it in &items {
        if let Kind::Function = it.kind {
            let n = it.name.trim_start_matches("qssl_");
            let s = section_of(n, &handles).unwrap_or_else(|| "library".into());
            of.insert(it.name.clone(), s);
        }
    }
    let mut order: Vec<String> = ORDER.iter().map(|(s, _)| s.to_string()).collect();
    for h in &handles {
        let s = section_of(&format!("{h}_"), &handles).unwrap_or_else(|| h.clone());
        if !order.contains(&s) {
            order.push(s);
        }
    }
    let mut type_section: Vec<(String, String)> = Vec::new(); // (QSSL_ prefix, section)
    for it in &items {
        if let Kind::Type = it.kind {
            let short = it
                .name
                .trim_start_matches("qssl_")
                .trim_end_matches("_t")
                .to_string();
            let placed = PLACED
                .iter()
                .find(|(t, _)| *t == short)
                .map(|(_, s)| s.to_string());
            let s = placed
                .or_else(|| section_of(&format!("{short}_"), &handles))
                .unwrap_or_else(|| {
                    // The section whose functions use the type most.
                    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
                    for f in items.iter().filter(|i| matches!(i.kind, Kind::Function)) {
                        if uses_word(&f.text, &it.name) {
                            *uses.entry(of[&f.name].as_str()).or_default() += 1;
                        }
                    }
                    order
                        .iter()
                        .max_by_key(|s| {
                            (
                                uses.get(s.as_str()).copied().unwrap_or(0),
                                usize::MAX - order.iter().position(|o| o == *s).unwrap_or(0),
                            )
                        })
                        .filter(|s| uses.contains_key(s.as_str()))
                        .cloned()
                        .unwrap_or_else(|| "library".into())
                });
            // C needs the type before its first use: a type used by an
            // earlier section moves up to the first section using it.
            let rank = |x: &str| order.iter().position(|o| o == x).unwrap_or(usize::MAX);
            let first_use = items
                .iter()
                .filter(|f| matches!(f.kind, Kind::Function) && uses_word(&f.text, &it.name))
                .map(|f| of[&f.name].clone())
                .min_by_key(|x| rank(x));
            let s = match first_use {
                Some(u) if rank(&u) < rank(&s) => u,
                _ => s,
            };
            of.insert(it.name.clone(), s.clone());
            type_section.push((format!("QSSL_{}_", short.to_uppercase()), it.name.clone()));
        }
    }
    // Constants go after the enum type whose upper-case name prefixes theirs
    // (longest), or into the section of a handle name that does.
    let mut after_type: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
    let mut loose: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
    for it in items.iter().filter(|i| matches!(i.kind, Kind::Constant)) {
        let t = type_section
            .iter()
            .filter(|(p, _)| it.name.starts_with(p.as_str()))
            .max_by_key(|(p, _)| p.len());
        if let Some((_, ty)) = t {
            after_type.entry(ty.clone()).or_default().push(it);
        } else {
            let lower = it.name.trim_start_matches("QSSL_").to_lowercase();
            let s = section_of(&lower, &handles).unwrap_or_else(|| "library".into());
            loose.entry(s).or_default().push(it);
        }
    }

    let title = |s: &str| {
        ORDER
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, t)| t.to_string())
            .unwrap_or_else(|| format!("qssl_{s}_t"))
    };
    let mut out = String::from(head);
    out.push_str("\n\n");
    out.push_str(OPEN);
    let mut contents = String::from("\n/*\n * Sections of this header:\n");
    let mut sections = String::new();
    for s in &order {
        let funcs: Vec<&Item> = items
            .iter()
            .filter(|i| matches!(i.kind, Kind::Function) && of[&i.name] == *s)
            .collect();
        let types: Vec<&Item> = items
            .iter()
            .filter(|i| matches!(i.kind, Kind::Type) && of[&i.name] == *s)
            .collect();
        let consts = loose.get(s).cloned().unwrap_or_default();
        if funcs.is_empty() && types.is_empty() && consts.is_empty() {
            continue;
        }
        let t = title(s);
        contents.push_str(&format!(" *   {t}\n"));
        sections.push_str(&format!("\n/* {bar}\n * {t}\n", bar = "=".repeat(92)));
        if !funcs.is_empty() {
            sections.push_str(" *\n * Functions:\n");
            let mut line = String::from(" *  ");
            for f in &funcs {
                if line.len() + f.name.len() + 1 > 96 {
                    sections.push_str(line.trim_end());
                    sections.push('\n');
                    line = String::from(" *  ");
                }
                line.push(' ');
                line.push_str(&f.name);
            }
            sections.push_str(line.trim_end());
            sections.push('\n');
        }
        sections.push_str(&format!(" * {} */\n", "=".repeat(92)));
        for ty in &types {
            sections.push('\n');
            sections.push_str(&ty.text);
            sections.push('\n');
            for c in after_type.get(&ty.name).into_iter().flatten() {
                sections.push('\n');
                sections.push_str(&c.text);
                sections.push('\n');
            }
        }
        for c in &consts {
            sections.push('\n');
            sections.push_str(&c.text);
            sections.push('\n');
        }
        for f in &funcs {
            sections.push('\n');
            sections.push_str(&f.text);
            sections.push('\n');
        }
    }
    contents.push_str(
        " *\n * Each section lists its functions, then gives its enum types with their\n \
         * constants, then the functions. An enum type used by several sections\n \
         * is given in the first of them.\n */\n",
    );
    out.push_str(&contents);
    out.push_str(&sections);
    out.push('\n');
    out.push_str(CLOSE);
    out.push_str(tail);
    out
}
