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

/// Where a capture's exchanges come from, as its `log.comment` says: the comment starts
/// with `kerio-capture: recorded`, `kerio-capture: public` or
/// `kerio-capture: synthesized` (the rest is free text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provenance {
    /// Recorded from a real firmware by the project.
    Recorded,
    /// Public exchanges from other sources (documentation, other clients).
    Public,
    /// Written from the spec: an example, never evidence.
    Synthesized,
    /// No marker.
    Unknown,
}

impl Provenance {
    /// Every kind, in the order summaries list them.
    pub const ALL: [Provenance; 4] = [
        Provenance::Recorded,
        Provenance::Public,
        Provenance::Synthesized,
        Provenance::Unknown,
    ];

    /// The marker's prefix in `log.comment`.
    pub const MARKER: &str = "kerio-capture: ";

    /// The kind a `log.comment` declares.
    pub fn of_comment(comment: &str) -> Provenance {
        let kind = comment
            .strip_prefix(Self::MARKER)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_alphabetic()).next());
        match kind {
            Some("recorded") => Provenance::Recorded,
            Some("public") => Provenance::Public,
            Some("synthesized") => Provenance::Synthesized,
            _ => Provenance::Unknown,
        }
    }

    /// The kind as the marker and summaries write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Recorded => "recorded",
            Provenance::Public => "public",
            Provenance::Synthesized => "synthesized",
            Provenance::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_markers() {
        for (comment, kind) in [
            (
                "kerio-capture: public exchanges from the docs",
                Provenance::Public,
            ),
            ("kerio-capture: recorded\nmore", Provenance::Recorded),
            ("kerio-capture: synthesized", Provenance::Synthesized),
            ("kerio-capture: other", Provenance::Unknown),
            ("kerio-capture: public. From a forum", Provenance::Public),
            ("kerio-capture: recordedish", Provenance::Unknown),
            ("recorded", Provenance::Unknown),
        ] {
            assert_eq!(Provenance::of_comment(comment), kind, "{comment:?}");
        }
    }
}
