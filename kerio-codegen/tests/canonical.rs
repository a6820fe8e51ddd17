//! Every shipped spec file is already in the canonical layout: re-serializing it through
//! `kerio_codegen::canonical` gives back the same bytes.

use std::path::Path;

use kerio_codegen::Diagnostics;
use kerio_codegen::canonical::to_canonical_string;
use kerio_codegen::load::spec_files;

#[test]
fn shipped_spec_files_are_canonical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let mut files = Vec::new();
    // Spec files live in the API folders (those holding an `api.json`); the JSON Schema
    // beside them is not a spec file.
    for entry in std::fs::read_dir(&root).expect("api-spec folder").flatten() {
        if entry.path().join("api.json").is_file() {
            files.extend(spec_files(&entry.path(), &mut Diagnostics::default()));
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
