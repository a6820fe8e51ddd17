//! Spec sets that load but whose generated code would not compile are rejected by
//! validation, each problem with its file, pointer and a hint (fixtures in
//! `tests/fixtures/rejected/<finding>/`, each a spec root).

use std::path::Path;

use kerio_codegen::{Diagnostic, DiagnosticKind, Diagnostics, Options, generate, load};

fn problems(finding: &str) -> Diagnostics {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rejected")
        .join(finding);
    match load::load_root(&root) {
        Ok(apis) => generate(&apis, &Options::kerio_api()).expect_err("rejected"),
        Err(diags) => diags,
    }
}

fn reserved_at(diags: &Diagnostics) -> Vec<&str> {
    diags
        .iter()
        .filter(|d| d.kind == DiagnosticKind::ReservedName)
        .map(|d| d.pointer.as_str())
        .collect()
}

fn assert_located(d: &Diagnostic) {
    assert!(d.file.ends_with(".json"), "{d}");
    assert!(d.line > 0, "{d}");
    assert!(d.hint.is_some(), "{d}");
}

#[test]
fn keywords_that_cannot_be_raw_identifiers() {
    let diags = problems("keyword-names");
    // `self`, `super` and `crate` are rejected wherever they are; `type` and `match`
    // become raw identifiers.
    assert_eq!(
        reserved_at(&diags),
        [
            "/interfaces/Things/methods/self",
            "/interfaces/Things/methods/self/params/0",
            "/interfaces/Things/methods/self/result/0",
            "/types/Holder/fields/0",
        ],
        "{diags}"
    );
    assert_eq!(diags.len(), 4, "{diags}");
    diags.iter().for_each(assert_located);
}

#[test]
fn names_of_the_prelude() {
    let diags = problems("prelude-names");
    assert_eq!(
        reserved_at(&diags),
        [
            "/interfaces/Things/methods/string",
            "/types/String",
            "/types/Option",
            "/types/Vec",
            "/types/Result",
            "/types/Box",
        ],
        "{diags}"
    );
    assert_eq!(diags.len(), 6, "{diags}");
    diags.iter().for_each(assert_located);
    assert!(
        diags.iter().all(|d| d.message.contains("prelude")),
        "{diags}"
    );
}

#[test]
fn two_apis_with_the_same_name() {
    let diags = problems("duplicate-api");
    assert_eq!(diags.len(), 1, "{diags}");
    let d = &diags.0[0];
    assert_eq!(d.kind, DiagnosticKind::DuplicateApi);
    assert_eq!(d.pointer, "/api");
    assert!(d.file.starts_with("two"), "{d}");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("one")), "{d}");
    assert_located(d);
}

#[test]
fn an_api_folder_without_manifest() {
    let diags = problems("folder-without-manifest");
    assert_eq!(diags.len(), 1, "{diags}");
    let d = &diags.0[0];
    assert_eq!(d.kind, DiagnosticKind::ApiFolderWithoutManifest);
    assert!(d.file.ends_with("Other.json"), "{d}");
    assert!(d.message.contains("extra"), "{d}");
}
