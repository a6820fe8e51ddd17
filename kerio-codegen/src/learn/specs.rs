//! The spec set as regen edits it: each file's JSON value beside the typed model that
//! kerio-codegen loads from the same text.

use std::path::{Path, PathBuf};

use crate::canonical::to_canonical_string;
use crate::diag::Diagnostics;
use crate::load;
use crate::spec::{Api, Source};
use serde_json::Value;

/// One spec file.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// Path relative to the spec root with `/` separators, as diagnostics show it.
    pub rel: String,
    /// Path on disk.
    pub path: PathBuf,
    /// The text on disk; `None` for a file regen creates.
    pub original: Option<String>,
    /// The content.
    pub value: Value,
}

impl SpecFile {
    /// The canonical text of the content.
    pub fn text(&self) -> String {
        to_canonical_string(&self.value)
    }
}

/// One API: its folder, model and files (file `i` is source `i` of the model).
#[derive(Debug, Clone)]
pub struct ApiSpec {
    /// The API folder.
    pub dir: PathBuf,
    /// The model as loaded.
    pub model: Api,
    /// The files; files regen adds come after those of the model.
    pub files: Vec<SpecFile>,
}

impl ApiSpec {
    /// Loads and validates the model of the files' content given as `texts` (one per
    /// file, see [`SpecFile::text`]).
    pub fn reload(&self, texts: &[String]) -> Result<Api, Diagnostics> {
        let sources = self
            .files
            .iter()
            .zip(texts)
            .map(|(f, t)| Source::new(f.rel.clone(), t.clone()))
            .collect();
        let api = load::load_sources(sources)?;
        crate::validate::validate(&api)?;
        Ok(api)
    }

    /// Index of the file at `rel`, if there is one.
    pub fn file_index(&self, rel: &str) -> Option<usize> {
        self.files.iter().position(|f| f.rel == rel)
    }

    /// The folder of the API relative to the spec root (`control-admin`).
    pub fn rel_dir(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Every API below a spec root.
#[derive(Debug, Clone)]
pub struct SpecSet {
    /// The APIs, by folder name.
    pub apis: Vec<ApiSpec>,
}

impl SpecSet {
    /// Loads and validates every API folder (a folder holding `api.json`) below `root`.
    pub fn load(root: &Path) -> Result<SpecSet, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut dirs: Vec<PathBuf> = match std::fs::read_dir(root) {
            Ok(entries) => entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.join("api.json").is_file())
                .collect(),
            Err(_) => Vec::new(),
        };
        dirs.sort();
        if dirs.is_empty() {
            // Let the loader say what is wrong with the folder.
            return load::load_root(root).map(|_| SpecSet { apis: Vec::new() });
        }
        let mut apis = Vec::new();
        for dir in dirs {
            let sources = load::read_json_files(&dir, &mut diags);
            let base = dir.parent().unwrap_or(&dir).to_owned();
            let files: Vec<SpecFile> = sources
                .iter()
                .map(|s| SpecFile {
                    rel: s.path.replace('\\', "/"),
                    path: base.join(&s.path),
                    original: Some(s.text.to_string()),
                    value: serde_json::from_str(&s.text).unwrap_or(Value::Null),
                })
                .collect();
            match load::load_sources(sources) {
                Ok(model) => match crate::validate::validate(&model) {
                    Ok(()) => apis.push(ApiSpec { dir, model, files }),
                    Err(d) => diags.0.extend(d.0),
                },
                Err(d) => diags.0.extend(d.0),
            }
        }
        if diags.is_empty() {
            Ok(SpecSet { apis })
        } else {
            diags.0.sort();
            diags.0.dedup();
            Err(diags)
        }
    }

    /// The models of every API.
    pub fn models(&self) -> Vec<Api> {
        self.apis.iter().map(|a| a.model.clone()).collect()
    }
}

/// The JSON pointer of `key` below `parent`.
pub fn ptr(parent: &str, key: &str) -> String {
    format!("{parent}/{}", crate::json::escape_pointer_token(key))
}
