//! The file walk: which files of a folder are spec files, read in a stable order.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::spec::Source;

/// Reads every `*.json` file below `dir`, sorted by path; unreadable files become diagnostics.
pub fn read_json_files(dir: &Path, diags: &mut Diagnostics) -> Vec<Source> {
    let paths = spec_files(dir, diags);
    let base = dir.parent().unwrap_or(dir);
    paths
        .into_iter()
        .filter_map(|p| match std::fs::read_to_string(&p) {
            Ok(text) => {
                let shown = p.strip_prefix(base).unwrap_or(&p).display().to_string();
                Some(Source::new(shown, text))
            }
            Err(e) => {
                diags.push(io_diag(&p, &e));
                None
            }
        })
        .collect()
}

/// The spec files of a folder: every `*.json` file below `dir`, at any depth, sorted by
/// path. Folders that cannot be read become diagnostics.
pub fn spec_files(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    collect_json(dir, &mut paths, diags);
    paths.sort();
    paths
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Diagnostics) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return diags.push(io_diag(dir, &e)),
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect_json(&p, out, diags);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

pub(super) fn io_diag(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic {
        file: path.display().to_string(),
        line: 0,
        column: 0,
        pointer: String::new(),
        message: format!("cannot read: {e}"),
        hint: None,
        kind: DiagnosticKind::Io,
    }
}
