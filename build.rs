//! Build script: generates `qssl.h` with cbindgen into `OUT_DIR`, compares it
//! with the committed `include/qssl.h` (a warning when stale; the one check
//! is the test tests/header.rs), and sets the shared library's SONAME.
//!
//! * Equal: nothing to do.
//! * Different and `QSSL_BLESS_HEADER=1`: the committed header is overwritten.
//! * Different otherwise: a warning locally, a build error when `CI` is set.

use std::env;
use std::fs;
use std::path::PathBuf;

#[path = "build/header_sections.rs"]
mod header_sections;

/// The major version of the C ABI; the SONAME is `libqssl.so.<ABI_MAJOR>`.
const ABI_MAJOR: &str = "0";

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));

    println!("cargo::rerun-if-changed=src");
    println!("cargo::rerun-if-changed=cbindgen.toml");
    println!("cargo::rerun-if-changed=build/header_sections.rs");
    println!("cargo::rerun-if-changed=include/qssl.h");
    println!("cargo::rerun-if-env-changed=QSSL_BLESS_HEADER");
    println!("cargo::rerun-if-env-changed=CI");

    // SONAME, so executables record libqssl.so.N rather than the dev symlink.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-cdylib-link-arg=-Wl,-soname,libqssl.so.{ABI_MAJOR}");
    }
    println!("cargo::rustc-env=QSSL_ABI_MAJOR={ABI_MAJOR}");
    openssl_build_version();

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml must parse");
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("version");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("version");
    let patch = env::var("CARGO_PKG_VERSION_PATCH").expect("version");
    let version = env::var("CARGO_PKG_VERSION").expect("version");
    let preamble = fs::read_to_string(crate_dir.join("src/ffi/preamble.h"))
        .expect("src/ffi/preamble.h must exist");
    config.after_includes = Some(format!(
        "\n/** Major version of qssl (from Cargo.toml). */\n\
         #define QSSL_VERSION_MAJOR {major}\n\
         /** Minor version of qssl (from Cargo.toml). */\n\
         #define QSSL_VERSION_MINOR {minor}\n\
         /** Patch version of qssl (from Cargo.toml). */\n\
         #define QSSL_VERSION_PATCH {patch}\n\
         /** The version of qssl as text; qssl_version() returns the version of the loaded library. */\n\
         #define QSSL_VERSION_STRING \"{version}\"\n\
         /** The version as one number, (major << 16) | (minor << 8) | patch. */\n\
         #define QSSL_VERSION_NUMBER (({major} << 16) | ({minor} << 8) | {patch})\n\n{preamble}"
    ));

    let generated = out_dir.join("qssl.h");
    match cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(&generated);
        }
        Err(e) => panic!("cbindgen failed to generate qssl.h: {e}"),
    }

    // Sections per handle type (see build/header_sections.rs).
    let fresh = header_sections::arrange(
        &fs::read_to_string(&generated).expect("generated header"),
        &preamble,
    );
    fs::write(&generated, &fresh).expect("write the arranged header");
    let committed_path = crate_dir.join("include/qssl.h");
    let committed = fs::read_to_string(&committed_path).unwrap_or_default();
    if fresh != committed {
        if env::var("QSSL_BLESS_HEADER").is_ok_and(|v| v == "1") {
            fs::write(&committed_path, &fresh).expect("write include/qssl.h");
        } else {
            // A hint only: the check is tests/header.rs (committed_header_is_current).
            println!(
                "cargo::warning=include/qssl.h is stale: run `QSSL_BLESS_HEADER=1 cargo build` and commit it"
            );
        }
    }
}

/// The version of the OpenSSL qssl is built against, for Qt's
/// `sslLibraryBuildVersionNumber()` / `sslLibraryBuildVersionString()`:
/// `OPENSSL_VERSION_NUMBER` as openssl-sys found it, and
/// `OPENSSL_VERSION_TEXT` read from the `opensslv.h` openssl-sys compiled
/// against (or, where that header composes it from other macros,
/// "OpenSSL <OPENSSL_FULL_VERSION_STR> <OPENSSL_RELEASE_DATE>").
fn openssl_build_version() {
    println!("cargo::rerun-if-env-changed=DEP_OPENSSL_VERSION_NUMBER");
    println!("cargo::rerun-if-env-changed=DEP_OPENSSL_INCLUDE");
    let number = env::var("DEP_OPENSSL_VERSION_NUMBER").unwrap_or_else(|_| "0".into());
    println!("cargo::rustc-env=QSSL_OPENSSL_BUILD_VERSION_NUMBER={number}");
    let header = env::var("DEP_OPENSSL_INCLUDE")
        .ok()
        .map(|dir| PathBuf::from(dir).join("openssl/opensslv.h"))
        .and_then(|p| {
            println!("cargo::rerun-if-changed={}", p.display());
            fs::read_to_string(p).ok()
        })
        .unwrap_or_default();
    let define = |name: &str| -> Option<String> {
        header.lines().find_map(|l| {
            let rest = l.trim_start().strip_prefix('#')?.trim_start();
            let rest = rest.strip_prefix("define")?.trim_start();
            let value = rest.strip_prefix(name)?;
            if !value.starts_with([' ', '\t']) {
                return None;
            }
            let value = value.trim();
            let inner = value.strip_prefix('"')?.strip_suffix('"')?;
            (!inner.contains('"')).then(|| inner.to_string())
        })
    };
    let text = define("OPENSSL_VERSION_TEXT")
        .or_else(|| {
            Some(format!(
                "OpenSSL {} {}",
                define("OPENSSL_FULL_VERSION_STR")?,
                define("OPENSSL_RELEASE_DATE")?
            ))
        })
        .unwrap_or_else(|| format!("OpenSSL (version number 0x{number})"));
    println!("cargo::rustc-env=QSSL_OPENSSL_BUILD_VERSION_TEXT={text}");
}
