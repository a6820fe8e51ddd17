//! Stage 1: load spec files into [`crate::spec`] values, keeping locations.
//!
//! Four jobs, one module each: `files` finds and reads the spec files of an API folder;
//! this module assembles what they declare into an [`Api`]; `decoder` holds the shape
//! checks every decoder shares (object keys, JSON kinds, names), with the location of
//! each problem; `items` decodes each item of the format (manifest, interface, method,
//! parameter, type). Loading collects every problem of every file before giving up;
//! semantic checks across files are in [`crate::validate`].

mod decoder;
mod files;
mod items;
mod manifest;

use std::path::Path;

use crate::diag::{Diagnostic, DiagnosticKind, Diagnostics, diag_at};
use crate::spec::*;

use files::io_diag;
pub use files::{read_json_files, spec_files};
use items::{Decoded, decode_all};

/// Loads one API from the files of a folder holding an `api.json` (all `*.json` below it).
pub fn load_dir(dir: &Path) -> Result<Api, Diagnostics> {
    let mut diags = Diagnostics::default();
    let sources = read_json_files(dir, &mut diags);
    let api = load_sources(sources);
    match api {
        Ok(api) => diags.into_result(api),
        Err(more) => {
            diags.0.extend(more.0);
            Err(diags)
        }
    }
}

/// Loads every API below a spec root: each sub-folder with an `api.json`. A sub-folder
/// holding spec files (`*.json`) without an `api.json`, and two folders declaring the
/// same API name, are errors.
pub fn load_root(root: &Path) -> Result<Vec<Api>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut dirs = Vec::new();
    match std::fs::read_dir(root) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let p = entry.path();
                if p.join("api.json").is_file() {
                    dirs.push(p);
                } else if p.is_dir() {
                    let files = spec_files(&p, &mut diags);
                    if let Some(first) = files.first() {
                        diags.push(Diagnostic {
                            file: first.display().to_string(),
                            line: 0,
                            column: 0,
                            pointer: String::new(),
                            message: format!(
                                "spec files in `{}`, which has no `api.json`",
                                p.display()
                            ),
                            hint: Some(
                                "each API folder holds an `api.json` manifest; move other JSON files out of the spec root".into(),
                            ),
                            kind: DiagnosticKind::ApiFolderWithoutManifest,
                        });
                    }
                }
            }
        }
        Err(e) => diags.push(io_diag(root, &e)),
    }
    dirs.sort();
    if dirs.is_empty() && diags.is_empty() {
        diags.push(Diagnostic {
            file: root.display().to_string(),
            line: 0,
            column: 0,
            pointer: String::new(),
            message: "no API folder found".into(),
            hint: Some("each API is a folder holding an `api.json` manifest".into()),
            kind: DiagnosticKind::NoApiFolder,
        });
    }
    let mut apis: Vec<Api> = Vec::new();
    for dir in dirs {
        match load_dir(&dir) {
            Ok(api) => {
                if let Some(first) = apis.iter().find(|a| a.manifest.name == api.manifest.name) {
                    let other = first.sources.get(first.manifest.loc.file);
                    diags.push(diag_at(
                        DiagnosticKind::DuplicateApi,
                        &api.sources,
                        &api.manifest.loc,
                        &format!("a second API named `{}`", api.manifest.name),
                        Some(&format!(
                            "{} declares it too; API names are Rust module names and must differ",
                            other.map_or("another folder", |s| s.path.as_str())
                        )),
                    ));
                }
                apis.push(api);
            }
            Err(e) => diags.0.extend(e.0),
        }
    }
    diags.into_result(apis)
}

/// Loads one API from its sources; exactly one of them must hold the `api` manifest.
pub fn load_sources(sources: Vec<Source>) -> Result<Api, Diagnostics> {
    let Decoded {
        manifests,
        interfaces,
        types,
        mut diags,
    } = decode_all(&sources);
    let manifest = match manifests.len() {
        1 => manifests.into_iter().next(),
        0 if diags.is_empty() => {
            diags.push(Diagnostic {
                file: sources
                    .first()
                    .map_or_else(|| "(no files)".into(), |s| s.path.clone()),
                line: 0,
                column: 0,
                pointer: String::new(),
                message: "no API manifest in the spec set".into(),
                hint: Some(
                    "add an `api.json` holding {\"api\": {\"name\", \"path\", \"port\"}}".into(),
                ),
                kind: DiagnosticKind::NoManifest,
            });
            None
        }
        0 => None,
        _ => {
            for m in &manifests[1..] {
                diags.push(diag_at(
                    DiagnosticKind::SecondManifest,
                    &sources,
                    &m.loc,
                    "a second API manifest in the same spec set",
                    Some("each API folder has exactly one `api.json`"),
                ));
            }
            None
        }
    };
    match manifest {
        Some(manifest) if diags.is_empty() => Ok(Api {
            manifest,
            sources,
            interfaces,
            types,
        }),
        _ => diags.into_result(Api {
            manifest: empty_manifest(),
            sources: Vec::new(),
            interfaces: Vec::new(),
            types: Vec::new(),
        }),
    }
}

/// Loads files that extend an existing API (they hold no manifest); the result carries
/// the manifest of `base`.
pub fn load_extension(base: &Manifest, sources: Vec<Source>) -> Result<Api, Diagnostics> {
    let Decoded {
        manifests,
        interfaces,
        types,
        mut diags,
    } = decode_all(&sources);
    for m in &manifests {
        diags.push(diag_at(
            DiagnosticKind::ManifestInExtension,
            &sources,
            &m.loc,
            "an extension spec must not declare an API manifest",
            Some(&format!(
                "the files extend the `{}` API; remove the `api` key",
                base.name
            )),
        ));
    }
    let manifest = Manifest {
        loc: Loc::default(),
        ..base.clone()
    };
    diags.into_result(Api {
        manifest,
        sources,
        interfaces,
        types,
    })
}

fn empty_manifest() -> Manifest {
    Manifest {
        name: String::new(),
        module: Vec::new(),
        feature: None,
        product: None,
        session_cookie: None,
        token_cookie: None,
        title: None,
        doc: None,
        path: String::new(),
        alternative_paths: Vec::new(),
        port: 0,
        loc: Loc::default(),
    }
}
