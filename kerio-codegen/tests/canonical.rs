//! Every shipped spec file is already in the canonical layout: re-serializing it through
//! `kerio_codegen::canonical` gives back the same bytes.

use std::path::{Path, PathBuf};

use kerio_codegen::canonical::to_canonical_string;

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[test]
fn shipped_spec_files_are_canonical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let mut files = Vec::new();
    // Spec files live in the API folders (those holding an `api.json`); the JSON Schema
    // beside them is not a spec file.
    for entry in std::fs::read_dir(&root).expect("api-spec folder").flatten() {
        if entry.path().join("api.json").is_file() {
            json_files(&entry.path(), &mut files);
        }
    }
    files.sort();
    assert!(files.len() > 10, "found only {} spec files", files.len());
    let mut differ = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable spec file");
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        if to_canonical_string(&value) != text {
            differ.push(file.display().to_string());
        }
    }
    assert!(differ.is_empty(), "not in canonical layout: {differ:#?}");
}
