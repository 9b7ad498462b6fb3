//! Reading certificate files and walking directories as `fromPath` does.

use std::collections::HashSet;
use std::path::PathBuf;

use super::*;

/// Reads a file as Qt does for certificates: PEM files in text mode, which
/// drops every '\r'.
pub(super) fn read_cert_file(path: &Path, format: i32) -> std::io::Result<Vec<u8>> {
    let mut data = std::fs::read(path)?;
    if format == encoding::PEM {
        data.retain(|&b| b != b'\r');
    }
    Ok(data)
}

/// Depth-first walk of the regular files under `root` (a path as the user
/// wrote it, resolved against `base`), following symbolic links, skipping
/// hidden entries, visiting each directory once, entries in name order.
/// Calls `f` with each file's path spelled as `root` + "/" + relative path.
pub(super) fn walk_files(base: &Path, root: &str, f: &mut dyn FnMut(&str)) {
    let mut visited: HashSet<PathBuf> = HashSet::new();
    let mut stack: Vec<(String, std::vec::IntoIter<String>)> = Vec::new();
    let open =
        |display: &str, visited: &mut HashSet<PathBuf>| -> Option<std::vec::IntoIter<String>> {
            let fs_path = base.join(display);
            let canon = std::fs::canonicalize(&fs_path).ok()?;
            if !visited.insert(canon) {
                return None;
            }
            let mut names: Vec<String> = std::fs::read_dir(&fs_path)
                .ok()?
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.'))
                .collect();
            names.sort();
            Some(names.into_iter())
        };
    if let Some(it) = open(root, &mut visited) {
        stack.push((root.to_string(), it));
    }
    while let Some((dir, it)) = stack.last_mut() {
        let Some(name) = it.next() else {
            stack.pop();
            continue;
        };
        let child = if dir.ends_with('/') {
            format!("{dir}{name}")
        } else {
            format!("{dir}/{name}")
        };
        let Ok(md) = std::fs::metadata(base.join(&child)) else {
            continue;
        };
        if md.is_dir() {
            if let Some(sub) = open(&child, &mut visited) {
                stack.push((child, sub));
            }
        } else if md.is_file() {
            f(&child);
        }
    }
}
