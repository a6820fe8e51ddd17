//! Reading HAR 1.2 captures as Chrome, Edge and Firefox export them, one entry at a time.

pub mod entry;
pub(crate) mod scan;
pub mod split;

use std::path::{Path, PathBuf};

/// The capture files named by `--har` arguments: files as given, folders as every `*.har`
/// directly inside them, sorted by name.
pub fn capture_files(args: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for arg in args {
        if arg.is_dir() {
            out.extend(har_files_in(arg)?);
        } else if arg.is_file() {
            out.push(arg.clone());
        } else {
            return Err(format!("{}: no such file or folder", arg.display()));
        }
    }
    Ok(out)
}

/// Every `*.har` file directly inside `dir`, sorted by name.
pub fn har_files_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("har")))
        .collect();
    files.sort();
    Ok(files)
}
