//! Capture learning: widen a spec set from browser captures (HAR), and make shareable
//! copies of captures (feature `learn`).
//!
//! Stages, each its own module: `har` (stream a capture, one entry at a time) →
//! `observe` (what each call's params and result looked like, secrets never kept) →
//! `merge` (widen the spec files in memory, with `infer` naming new types) → validation
//! and the model of every changed API, in memory (no Rust is emitted: nothing here
//! writes Rust) → [`Learned::write`] (all files or none). The summary of what changed
//! and what needs review is an [`ApiReport`] per API.
//!
//! [`learn`] runs the stages and returns a [`Learned`] without writing anything;
//! [`sanitize::sanitize`] writes a copy of a capture without its secrets
//! ([`crate::secrets`] says what a secret is); [`har`] reads captures for other tools.

mod compat;
pub mod har;
mod infer;
mod merge;
mod observe;
mod read;
mod repair;
mod report;
pub mod sanitize;
mod specs;
mod write;

use std::path::PathBuf;

pub use self::compat::Compat;
pub use self::observe::{looks_like_jsonrpc, valid_method};
pub use self::report::ApiReport;
use self::specs::{ApiSpec, SpecSet};
use crate::model::Model;
use crate::spec::Api;

/// What to learn from.
#[derive(Default)]
pub struct Options<'a> {
    /// The spec root (folders holding an `api.json`).
    pub specs: PathBuf,
    /// Capture files or folders (every `*.har` directly inside); empty means the sample
    /// captures in `<specs>/captures`.
    pub captures: Vec<PathBuf>,
    /// Called while captures are read with the bytes read so far and the total.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// The API (by manifest name) that calls to a path several APIs serve belong to
    /// when nothing in the captures tells (`--api`); such calls are refused otherwise.
    pub api: Option<String>,
}

/// How one spec file changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A file learning adds.
    New,
    /// Same content, rewritten in the canonical layout.
    LayoutOnly,
    /// New content.
    Changed,
}

/// One spec file that would be written.
#[derive(Debug, Clone)]
pub struct Change {
    /// Path relative to the spec root, `/`-separated.
    pub rel: String,
    /// How it changes.
    pub kind: ChangeKind,
}

/// Size of one API after learning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSize {
    /// The API name.
    pub name: String,
    /// Interfaces.
    pub interfaces: usize,
    /// Methods.
    pub methods: usize,
    /// Named types.
    pub types: usize,
}

/// The result of [`learn`]: what changed, nothing written yet.
#[derive(Debug)]
pub struct Learned {
    /// What was learned per API (only APIs the captures call).
    pub reports: Vec<ApiReport>,
    /// Problems that skipped an entry or a call, one line each.
    pub warnings: Vec<String>,
    /// Calls refused because several APIs serve their path and nothing told which one
    /// they belong to, one line per origin and path.
    pub refused: Vec<String>,
    /// Every API of the spec set after learning.
    pub sizes: Vec<ApiSize>,
    /// The spec files that would change.
    pub changes: Vec<Change>,
    /// Per API that changes (by name): what the change means for users of the
    /// generated code.
    pub compat: Vec<(String, Compat)>,
    /// Captures read.
    pub captures: usize,
    /// Bytes of captures read.
    pub bytes: u64,
    specs: PathBuf,
    pending: Vec<write::Pending>,
}

impl Learned {
    /// True when a change can break code written against the generated API.
    pub fn breaking(&self) -> bool {
        self.compat.iter().any(|(_, c)| !c.breaking.is_empty())
    }

    /// Writes every changed spec file or none, then loads the spec set back.
    pub fn write(&self) -> Result<(), String> {
        write::write_all(&self.pending)?;
        SpecSet::load(&self.specs)
            .map(|_| ())
            .map_err(|d| format!("the written spec set does not load back:\n{d}"))
    }
}

/// Why [`learn`] could not run; every line is one problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub Vec<String>);

impl Failure {
    fn one(msg: String) -> Failure {
        Failure(vec![msg])
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for Failure {}

/// Loads the spec set, reads every capture, widens the specs in memory and checks the
/// result through validation and the model. Writes nothing.
pub fn learn(opts: &Options<'_>) -> Result<Learned, Failure> {
    let mut set = SpecSet::load(&opts.specs)
        .map_err(|d| Failure::one(format!("the spec set has problems; fix them first.\n{d}")))?;
    let files = if opts.captures.is_empty() {
        let dir = opts.specs.join("captures");
        if dir.is_dir() {
            har::har_files_in(&dir).map_err(Failure::one)?
        } else {
            Vec::new()
        }
    } else {
        let files = har::capture_files(&opts.captures).map_err(Failure::one)?;
        if files.is_empty() {
            let named: Vec<String> = opts
                .captures
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            return Err(Failure::one(format!(
                "no capture (*.har) found in {}",
                named.join(", ")
            )));
        }
        files
    };
    let mut learned = Learned {
        reports: Vec::new(),
        warnings: Vec::new(),
        refused: Vec::new(),
        sizes: Vec::new(),
        changes: Vec::new(),
        compat: Vec::new(),
        captures: files.len(),
        bytes: 0,
        specs: opts.specs.clone(),
        pending: Vec::new(),
    };
    if let Some(api) = &opts.api
        && !set.apis.iter().any(|a| &a.model.manifest.name == api)
    {
        let names: Vec<&str> = set
            .apis
            .iter()
            .map(|a| a.model.manifest.name.as_str())
            .collect();
        return Err(Failure::one(format!(
            "--api {api}: no API of that name in the spec set (expected one of: {})",
            names.join(", ")
        )));
    }
    if !files.is_empty() {
        let router = observe::Router::new(&set.models());
        let mut read = read::read_captures(&files, &router, opts.progress);
        let pending = std::mem::take(&mut read.obs.pending);
        learned
            .refused
            .extend(router.resolve(pending, &mut read.obs.apis, opts.api.as_deref()));
        learned.bytes = read.bytes;
        learned
            .warnings
            .extend(read.warnings.into_iter().map(|(_, _, w)| w));
        for (path, n) in &read.unrouted {
            learned.warnings.push(format!(
                "{n} call{} to {path} skipped: no API of the spec set is served there",
                if *n == 1 { "" } else { "s" }
            ));
        }
        if !read.errors.is_empty() {
            let mut lines = read.errors.clone();
            lines.push(format!(
                "{} of {} captures could not be used; nothing written",
                read.errors.len().min(files.len()),
                files.len()
            ));
            return Err(Failure(lines));
        }
        for api in &mut set.apis {
            if let Some(methods) = read.obs.apis.get(&api.model.manifest.name) {
                learned.reports.push(merge::merge(api, methods));
            }
        }
    }
    let mut after: Vec<Api> = Vec::new();
    for api in &mut set.apis {
        let model = checked(api, &mut learned.warnings)?;
        after.push(model.clone().unwrap_or_else(|| api.model.clone()));
        for f in &api.files {
            let text = f.text();
            if f.original.as_deref() == Some(text.as_str()) {
                continue;
            }
            let layout_only = f
                .original
                .as_deref()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
                .is_some_and(|v| v == f.value);
            learned.changes.push(Change {
                rel: f.rel.clone(),
                kind: if f.original.is_none() {
                    ChangeKind::New
                } else if layout_only {
                    ChangeKind::LayoutOnly
                } else {
                    ChangeKind::Changed
                },
            });
            learned.pending.push(write::Pending {
                path: f.path.clone(),
                text,
                original: f.original.clone(),
            });
        }
        if let Some(new) = &model {
            let c = compat::compare(&api.model, new);
            if !c.additive.is_empty() || !c.breaking.is_empty() {
                learned.compat.push((api.model.manifest.name.clone(), c));
            }
        }
        learned
            .sizes
            .push(size(model.as_ref().unwrap_or(&api.model)));
    }
    unshared(&set, &after, &mut learned.compat);
    Ok(learned)
}

/// A type several APIs shared that a change leaves to fewer of them is two Rust types
/// where there was one: code passing a value of one API to another breaks. Reported as
/// breaking for each API that no longer shares it.
fn unshared(set: &SpecSet, after: &[Api], compat: &mut Vec<(String, Compat)>) {
    let before_apis: Vec<&Api> = set.apis.iter().map(|a| &a.model).collect();
    let after_apis: Vec<&Api> = after.iter().collect();
    let before = crate::share::shared_by(&before_apis);
    let now = crate::share::shared_by(&after_apis);
    for (name, apis) in before {
        let still = now.get(&name).cloned().unwrap_or_default();
        for api in apis.iter().filter(|a| !still.contains(*a)) {
            let others: Vec<&str> = apis
                .iter()
                .filter(|o| *o != api)
                .map(String::as_str)
                .collect();
            let line = format!(
                "type {name} is no longer shared with {}: it becomes a type of its own, and values of one API no longer fit the other",
                others.join(", ")
            );
            match compat.iter_mut().find(|(n, _)| n == api) {
                Some((_, c)) => c.breaking.push(line),
                None => compat.push((
                    api.clone(),
                    Compat {
                        additive: Vec::new(),
                        breaking: vec![line],
                    },
                )),
            }
        }
    }
}

/// Loads, validates and models the learned files of `api` when they changed (`None`
/// when they did not). A learned item the spec set cannot hold (a name that collides in
/// Rust, a name the loader refuses) is dropped with a warning and the rest is checked
/// again; anything else is a bug of learning, and nothing is written.
fn checked(api: &mut ApiSpec, warnings: &mut Vec<String>) -> Result<Option<Api>, Failure> {
    loop {
        let texts: Vec<String> = api.files.iter().map(|f| f.text()).collect();
        if api
            .files
            .iter()
            .zip(&texts)
            .all(|(f, t)| f.original.as_deref() == Some(t.as_str()))
        {
            return Ok(None);
        }
        let diags = match api.reload(&texts) {
            Ok(model) => match Model::new(&model, &Default::default()) {
                Ok(_) => return Ok(Some(model)),
                Err(d) => d,
            },
            Err(d) => d,
        };
        match repair::drop_learned(api, &diags) {
            Some(dropped) => warnings.extend(dropped),
            None => {
                return Err(Failure::one(format!(
                    "learning produced an invalid spec set (a bug; nothing written):\n{diags}"
                )));
            }
        }
    }
}

fn size(api: &Api) -> ApiSize {
    ApiSize {
        name: api.manifest.name.clone(),
        interfaces: api.interfaces.len(),
        methods: api.method_count(),
        types: api.types.len(),
    }
}
