//! `kerio_macros::include_spec!(api = "...", path = "...")`: the crate's own spec files
//! (the api-spec format, without a manifest) generated against an API kerio-api ships.

use std::path::{Path, PathBuf};

use kerio_codegen::spec::Source;
use kerio_codegen::{Diagnostic, Diagnostics, load, naming};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::LitStr;

use crate::args;
use crate::base::BaseApi;
use crate::engine;
use crate::errors::Errors;

const USAGE: &str = "kerio_macros::include_spec!(api = \"admin\", path = \"specs\")";

/// Expands the macro.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = args::parse(input, &mut errors);
    let checked = args::check(&parsed.args, &["api", "path", "ext_trait"], &mut errors);
    let base = args::base_api(&checked, parsed.complete, USAGE, &mut errors);
    let ext_trait = args::ext_trait(&checked, &mut errors).map(|(name, _)| name);
    let path = match args::get(&checked, "path") {
        Some(arg) => arg.string(&mut errors).cloned(),
        None if !parsed.complete => None,
        None => {
            errors.span(
                Span::call_site(),
                "missing argument `path`: the spec folder or file, relative to the crate's `Cargo.toml`",
                Some(&format!("write `{USAGE}`")),
            );
            None
        }
    };
    let (tracked, generated) = match path {
        Some(path) => generate(base, ext_trait.clone(), &path, &mut errors),
        None => (TokenStream::new(), None),
    };
    // Without generated code, an empty extension trait keeps `use ..::AdminExt` working.
    let body = generated.unwrap_or_else(|| {
        let name = ext_trait.unwrap_or_else(|| format!("{}Ext", naming::camel(&base.name)));
        let ident = format_ident!("{}", name);
        quote! {
            /// The extension trait; empty because the spec files have problems.
            pub trait #ident {}
        }
    });
    let errors = errors.to_compile_errors();
    quote!(#errors #tracked #body)
}

/// Reads, checks and generates the spec files: the items that make cargo rebuild when one
/// of them changes, and the generated code (`None` when nothing could be generated).
fn generate(
    base: &BaseApi,
    ext_trait: Option<String>,
    path: &LitStr,
    errors: &mut Errors,
) -> (TokenStream, Option<TokenStream>) {
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        errors.at(
            path,
            "CARGO_MANIFEST_DIR is not set",
            Some("build the crate with cargo"),
        );
        return (TokenStream::new(), None);
    };
    let manifest_dir = PathBuf::from(manifest_dir);
    let Some(files) = spec_files(&manifest_dir, path, errors) else {
        return (TokenStream::new(), None);
    };
    // `proc_macro::tracked::path` is not stable yet; including the bytes tracks the file,
    // also while it has errors.
    let tracked: TokenStream = files
        .iter()
        .filter_map(|(file, _)| file.to_str())
        .map(|file| {
            quote!(
                const _: &[u8] = include_bytes!(#file);
            )
        })
        .collect();
    let mut sources = Vec::new();
    for (file, shown) in &files {
        match std::fs::read_to_string(file) {
            Ok(text) => sources.push(Source::new(shown.clone(), text)),
            Err(e) => errors.at(path, format!("cannot read `{shown}`: {e}"), None),
        }
    }
    if sources.len() != files.len() {
        return (tracked, None);
    }
    let mut api = match load::load_extension(&base.manifest(), sources) {
        Ok(api) => api,
        Err(diags) => {
            for d in diags.iter() {
                report(d, path, errors);
            }
            return (tracked, None);
        }
    };
    base.inline_aliases(&mut api);
    let outcome = engine::generate(api, &base.options(ext_trait));
    for d in &outcome.diagnostics {
        report(d, path, errors);
    }
    (tracked, outcome.tokens)
}

/// The spec files a `path` names: one file, or every `*.json` below a folder (sorted),
/// each with the path shown in messages (relative to the crate, `/`-separated).
fn spec_files(
    manifest_dir: &Path,
    path: &LitStr,
    errors: &mut Errors,
) -> Option<Vec<(PathBuf, String)>> {
    let relative = path.value();
    let root = manifest_dir.join(&relative);
    let mut files = Vec::new();
    if root.is_file() {
        files.push(root);
    } else if root.is_dir() {
        let mut diags = Diagnostics::default();
        files = load::spec_files(&root, &mut diags);
        for d in diags.iter() {
            report(d, path, errors);
        }
        if files.is_empty() {
            errors.at(
                path,
                format!("no `*.json` spec file in `{relative}`"),
                Some("spec files are JSON in the format of kerio-rs's `api-spec` folder"),
            );
            return None;
        }
    } else {
        errors.at(
            path,
            format!("no spec folder or file `{relative}` in this crate"),
            Some("the path is relative to the folder of the crate's `Cargo.toml`"),
        );
        return None;
    }
    Some(
        files
            .into_iter()
            .map(|file| {
                let shown = file
                    .strip_prefix(manifest_dir)
                    .unwrap_or(&file)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                (file, shown)
            })
            .collect(),
    )
}

/// A spec problem, at the `path` argument, naming file, line, column and JSON pointer.
fn report(d: &Diagnostic, path: &LitStr, errors: &mut Errors) {
    let mut place = d.file.clone();
    if d.line > 0 {
        place.push_str(&format!(":{}:{}", d.line, d.column));
    }
    let pointer = if d.pointer.is_empty() {
        String::new()
    } else {
        format!(" (at {})", d.pointer)
    };
    errors.at(
        path,
        format!("{place}: {}{pointer}", d.message),
        d.hint.as_deref(),
    );
}
