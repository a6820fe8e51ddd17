//! Writing spec files all or none: every file goes to a temporary file in its own folder
//! first; only when all are written are they renamed over the originals. If a rename
//! fails, the files already renamed get their old text back and the rest are dropped.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// One file to write.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Where.
    pub path: PathBuf,
    /// The new text.
    pub text: String,
    /// The text it had, `None` if it is new.
    pub original: Option<String>,
}

fn temp_for(path: &Path, text: &str) -> std::io::Result<NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".regen-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Writes every file or none of them; the error names the file that failed.
pub fn write_all(files: &[Pending]) -> Result<(), String> {
    let mut temps = Vec::with_capacity(files.len());
    for f in files {
        // On error the temporaries made so far are removed when `temps` is dropped.
        let tmp = temp_for(&f.path, &f.text)
            .map_err(|e| format!("{}: cannot write: {e}", f.path.display()))?;
        temps.push(tmp);
    }
    let mut done: Vec<&Pending> = Vec::new();
    for (f, tmp) in files.iter().zip(temps) {
        if let Err(e) = tmp.persist(&f.path) {
            let mut msg = format!("{}: cannot replace: {}", f.path.display(), e.error);
            for d in done.iter().rev() {
                let restored = match &d.original {
                    Some(text) => std::fs::write(&d.path, text),
                    None => std::fs::remove_file(&d.path),
                };
                if let Err(e) = restored {
                    msg.push_str(&format!(
                        "; and {} could not be restored: {e}",
                        d.path.display()
                    ));
                }
            }
            return Err(msg);
        }
        done.push(f);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_all_or_restores() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.json");
        std::fs::write(&a, "old").expect("write");
        let ok = [
            Pending {
                path: a.clone(),
                text: "new".into(),
                original: Some("old".into()),
            },
            Pending {
                path: dir.path().join("sub/b.json"),
                text: "b".into(),
                original: None,
            },
        ];
        write_all(&ok).expect("writes");
        assert_eq!(std::fs::read_to_string(&a).expect("read"), "new");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/b.json")).expect("read"),
            "b"
        );
        // A target that is a folder cannot be replaced: the first file is restored.
        std::fs::create_dir(dir.path().join("c.json")).expect("mkdir");
        let bad = [
            Pending {
                path: a.clone(),
                text: "newer".into(),
                original: Some("new".into()),
            },
            Pending {
                path: dir.path().join("c.json"),
                text: "c".into(),
                original: None,
            },
        ];
        assert!(write_all(&bad).is_err());
        assert_eq!(std::fs::read_to_string(&a).expect("read"), "new");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".regen-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
