//! kerio-codegen: turns Kerio JSON-RPC API specs (see `api-spec/README.md`) into Rust.
//!
//! Stages, each its own module: [`load`] (keeping file and JSON-pointer locations) →
//! [`validate`] → model (resolved types, Rust names, features, recursion) → emit (quote)
//! → [`format`](mod@format) (prettyplease). No stage panics on any input; problems are reported all
//! at once as [`Diagnostics`], each with file, line, column, JSON pointer and a hint.
//!
//! [`generate`] runs every stage; `kerio-api`'s build script and `kerio-macros` both use
//! it, so there is one generator. Feature `learn` adds `learn`: widening a spec set
//! from browser captures (HAR), which `cargo xtask regen` runs.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod base;
pub mod build;
pub mod canonical;
pub mod describe;
pub mod diag;
mod emit;
pub mod format;
pub mod json;
#[cfg(feature = "learn")]
pub mod learn;
pub mod load;
mod model;
pub mod naming;
mod paging;
pub mod secrets;
mod share;
pub mod spec;
pub mod validate;

pub use diag::{Diagnostic, DiagnosticKind, Diagnostics};
pub use model::SESSION_METHODS;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proc_macro2::TokenStream;

use crate::spec::Api;

/// How generated code is shaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Path of the runtime crate as generated code names it: `crate` inside kerio-api,
    /// `::kerio_api` in any other crate.
    pub runtime: String,
    /// Put items behind the Cargo features named by interface groups.
    pub features: bool,
    /// Extension mode: the module path of the API being extended
    /// (`::kerio_api::admin`), where types the extension does not declare are found.
    pub external_base: Option<String>,
    /// Extension mode: the names of the types the base API declares.
    pub external_types: BTreeSet<String>,
    /// Extension mode: the base API's interfaces that have a handle
    /// (`session.active_hosts()`), by wire name, each with the wire names of the methods
    /// callable through it. Methods an extension adds to one of these interfaces are
    /// emitted as an extension trait of that handle.
    pub external_interfaces: BTreeMap<String, BTreeSet<String>>,
    /// Extension mode: the name of the trait that gives the base API's sessions the
    /// accessors of the extension's new interfaces; `None` names it after the API marker
    /// (`AdminExt`).
    pub extension_trait: Option<String>,
    /// Emit, behind the runtime's `contract` feature, the hidden `__contract` module that
    /// checks captured exchanges against the generated types.
    pub contract: bool,
    /// Builder methods the runtime writes by hand on generated structs, by the struct's
    /// wire name: the generated setters of these names are left out (kerio-api's
    /// `SearchQuery::fields` and `SearchQuery::order_by`).
    pub hand_written: BTreeMap<String, BTreeSet<String>>,
    /// When set, the Cargo features of the build: an API behind a feature (the
    /// manifest's `feature`) that is not among them is left out of the generated code
    /// (its `#[cfg]` would remove it anyway), so a build pays only for the APIs it
    /// compiles. Which types are shared is still decided over every API, so it does not
    /// depend on the features. Names compare with `-` and `_` alike.
    pub enabled_features: Option<BTreeSet<String>>,
}

impl Options {
    /// Options for kerio-api's own build script: runtime at `crate`, features on.
    pub fn kerio_api() -> Options {
        Options {
            runtime: "crate".into(),
            features: true,
            external_base: None,
            external_types: BTreeSet::new(),
            external_interfaces: BTreeMap::new(),
            extension_trait: None,
            contract: true,
            enabled_features: None,
            hand_written: BTreeMap::from([(
                "SearchQuery".to_owned(),
                BTreeSet::from(["fields".to_owned(), "order_by".to_owned()]),
            )]),
        }
    }

    /// Options for code generated into another crate: runtime at `::kerio_api`, no features.
    pub fn external() -> Options {
        Options {
            runtime: "::kerio_api".into(),
            features: false,
            external_base: None,
            external_types: BTreeSet::new(),
            external_interfaces: BTreeMap::new(),
            extension_trait: None,
            contract: false,
            hand_written: BTreeMap::new(),
            enabled_features: None,
        }
    }
}

impl Options {
    /// Whether the build compiles an API (see [`Options::enabled_features`]).
    pub fn compiles(&self, manifest: &crate::spec::Manifest) -> bool {
        let (Some(enabled), Some(feature)) = (&self.enabled_features, &manifest.feature) else {
            return true;
        };
        let norm = |f: &str| f.replace('-', "_");
        enabled.iter().any(|e| norm(e) == norm(feature))
    }
}

/// Header of generated files.
pub const HEADER: &str = "// @generated by kerio-codegen from the api-spec files. Do not edit.\n\n";

/// Validates and models every API, then emits their tokens (APIs in name order): each
/// API's module at its module path, the types several APIs declare alike once in
/// `shared` (decided from their shapes), and a module per product re-exporting its APIs
/// that live elsewhere.
pub fn generate_tokens(apis: &[Api], opts: &Options) -> Result<TokenStream, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut sorted: Vec<&Api> = apis.iter().collect();
    sorted.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
    let mut models = Vec::new();
    for api in sorted {
        let valid = validate::validate_with(api, &opts.external_types);
        // Extension mode has rules of its own (no roles, no clash with the base API).
        let extension = match opts.external_base {
            Some(_) => emit::extension::check(api, opts),
            None => Ok(()),
        };
        if valid.is_err() || extension.is_err() {
            diags.0.extend(
                valid
                    .err()
                    .into_iter()
                    .chain(extension.err())
                    .flat_map(|d| d.0),
            );
            continue;
        }
        match model::Model::new(api, &opts.external_types) {
            Ok(model) => models.push(model),
            Err(d) => diags.0.extend(d.0),
        }
    }
    let refs: Vec<&Api> = models.iter().map(|m| m.api).collect();
    diags.0.extend(validate::across(&refs).0);
    if !diags.is_empty() {
        return diags.into_result(TokenStream::new());
    }
    if opts.external_base.is_some() {
        let mut out = TokenStream::new();
        for model in &models {
            out.extend(emit::api(model, opts, &BTreeSet::new()));
        }
        return Ok(out);
    }
    let plan = share::plan(&models);
    let mut tree = emit::Tree::new();
    for (index, model) in models.iter().enumerate() {
        if !opts.compiles(&model.api.manifest) {
            continue;
        }
        let mine: BTreeSet<String> = plan
            .iter()
            .filter(|(_, sharing)| sharing.apis.contains(&index))
            .map(|(name, _)| name.clone())
            .collect();
        tree.add_api(
            &model.api.manifest,
            emit::api(model, opts, &mine),
            &opts.runtime,
        );
    }
    let mut out = emit::shared(&models, opts, &plan);
    out.extend(tree.into_tokens(opts.features));
    // Programs that choose an API at run time reach the compiled ones by name.
    let compiled: Vec<&model::Model<'_>> = models
        .iter()
        .filter(|m| opts.compiles(&m.api.manifest))
        .collect();
    out.extend(emit::dispatch::module(&compiled, opts));
    Ok(out)
}

/// Runs every stage and returns the formatted source of all APIs.
pub fn generate(apis: &[Api], opts: &Options) -> Result<String, Diagnostics> {
    let tokens = generate_tokens(apis, opts)?;
    match format::format(tokens) {
        Ok(text) => Ok(format!("{HEADER}{text}")),
        Err(message) => Err(Diagnostics(vec![Diagnostic {
            file: "(generated code)".into(),
            line: 0,
            column: 0,
            pointer: String::new(),
            message,
            hint: Some("please report this with the spec files that caused it".into()),
            kind: DiagnosticKind::Internal,
        }])),
    }
}

/// Loads every API below a spec root and generates their source.
pub fn generate_dir(root: &Path, opts: &Options) -> Result<String, Diagnostics> {
    generate(&load::load_root(root)?, opts)
}

/// The Cargo features that compile each named type of an API, as code outside the API's
/// module sees it: an empty set means always compiled, otherwise any one of the
/// features (the API's own feature, when it has one).
pub fn type_features(
    api: &Api,
) -> Result<std::collections::BTreeMap<String, BTreeSet<String>>, Diagnostics> {
    validate::validate(api)?;
    let none = BTreeSet::new();
    let model = model::Model::new(api, &none)?;
    Ok(model
        .types
        .keys()
        .map(|name| ((*name).to_owned(), share::api_type_cfg(&model, name).0))
        .collect())
}

/// The types several APIs of a spec set share (generated once, in `shared`), each with
/// the Cargo features that compile it, as [`type_features`] gives them. APIs that do not
/// validate are left out (generation reports them).
pub fn shared_type_features(apis: &[Api]) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let none = BTreeSet::new();
    let mut sorted: Vec<&Api> = apis.iter().collect();
    sorted.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
    let models: Vec<model::Model<'_>> = sorted
        .into_iter()
        .filter(|api| validate::validate(api).is_ok())
        .filter_map(|api| model::Model::new(api, &none).ok())
        .collect();
    share::plan(&models)
        .iter()
        .map(|(name, sharing)| (name.clone(), share::shared_cfg(&models, name, sharing).0))
        .collect()
}
