//! The generator must know every method of the runtime's `Session`: an interface whose
//! accessor had the same name would not compile (`session.batch()`) or, in an extension
//! trait, be shadowed by the session's own method. This reads the runtime's source and
//! compares the methods of every inherent `impl Session` with
//! `kerio_codegen::SESSION_METHODS`, so neither can change without the other.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("readable src folder")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn session_methods(items: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let syn::Type::Path(ty) = &*imp.self_ty else {
                    continue;
                };
                if ty
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Session")
                {
                    for item in &imp.items {
                        if let syn::ImplItem::Fn(f) = item {
                            out.insert(f.sig.ident.to_string());
                        }
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    session_methods(items, out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_generator_knows_every_method_of_session() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut runtime = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source file");
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        session_methods(&parsed.items, &mut runtime);
    }
    assert!(
        runtime.contains("call"),
        "no `impl Session` found: {runtime:?}"
    );
    let generator: BTreeSet<String> = kerio_codegen::SESSION_METHODS
        .iter()
        .map(|m| (*m).to_owned())
        .collect();
    assert_eq!(
        runtime, generator,
        "kerio_codegen::SESSION_METHODS must list exactly the methods of `Session`"
    );
}
