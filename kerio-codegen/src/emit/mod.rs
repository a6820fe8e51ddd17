//! Stage 4: Rust tokens for a resolved API (quote).
//!
//! One `pub mod <api>` per API holding the API marker type, one module per interface
//! (its types, a params type and a result struct per method, the interface handle) and one module per
//! shared type file. Every type is re-exported at the API level, so generated code
//! refers to any type as `super::Name` and users as `kerio_api::admin::Name`.

mod contract;
pub(crate) mod dispatch;
pub(crate) mod extension;
mod handle;
mod methods;
mod tree;
mod types;

pub(crate) use tree::Tree;

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::Options;
use crate::model::{Cfg, Model, ModuleKey, Shape};
use crate::naming;
use crate::share::Plan;
use crate::spec::*;

/// Context shared by the emitters of one API.
pub(crate) struct Cx<'m, 'a> {
    pub model: &'m Model<'a>,
    pub opts: &'m Options,
    /// Path of the runtime crate (`crate` or `::kerio_api`).
    pub rt: TokenStream,
    /// The serde crate, as re-exported by the runtime.
    pub serde: TokenStream,
    /// `#[serde(crate = "...")]` value for derives.
    pub serde_crate: String,
    /// The API marker type, as seen from a module inside the API module.
    pub marker: TokenStream,
}

impl<'m, 'a> Cx<'m, 'a> {
    /// The context of one API's emitters.
    pub fn new(model: &'m Model<'a>, opts: &'m Options) -> Cx<'m, 'a> {
        let rt: TokenStream = path_tokens(&opts.runtime);
        let marker_ident = ident(&naming::camel(&model.api.manifest.name));
        Cx {
            model,
            opts,
            serde: quote!(#rt::__private::serde),
            serde_crate: format!("{}::__private::serde", opts.runtime),
            // An extension names the marker of the API it extends.
            marker: match &opts.external_base {
                Some(base) => {
                    let base = path_tokens(base);
                    quote!(#base::#marker_ident)
                }
                None => quote!(super::#marker_ident),
            },
            rt,
        }
    }
}

/// Emits one API as a `pub mod` named after the last segment of its module path (behind
/// the API's Cargo feature, if it has one); the types named in `shared` (those this API
/// shares with others) are re-exported from `kerio_api::shared` instead of declared.
pub(crate) fn api(model: &Model<'_>, opts: &Options, shared: &BTreeSet<String>) -> TokenStream {
    let cx = Cx::new(model, opts);
    let rt = cx.rt.clone();
    let marker_ident = ident(&naming::camel(&model.api.manifest.name));

    let manifest = &model.api.manifest;
    let mod_ident = ident(manifest.module.last().map_or("api", String::as_str));
    let mod_doc = doc_lines(manifest.doc.as_deref().or(manifest.title.as_deref()));
    let marker_doc = doc(&format!(
        "The {}: the type parameter of its sessions, `Session<{marker_ident}>`.",
        manifest.title.as_deref().unwrap_or(&manifest.name),
    ));
    let name = &manifest.name;
    let title = manifest.title.as_deref().unwrap_or(&manifest.name);
    let path = &manifest.path;
    // Emitted only when the manifest names any, so the trait's default (none) applies
    // otherwise.
    let alternative_paths = if manifest.alternative_paths.is_empty() {
        TokenStream::new()
    } else {
        let paths = &manifest.alternative_paths;
        quote!(const ALTERNATIVE_PATHS: &'static [&'static str] = &[#(#paths),*];)
    };
    let product = match &manifest.product {
        Some(p) => quote!(const PRODUCT: Option<&'static str> = Some(#p);),
        None => TokenStream::new(),
    };
    let port = proc_macro2::Literal::u16_unsuffixed(manifest.port);
    let batch = match find_role(model, Role::Batch) {
        Some((i, m)) => {
            let wire = format!("{}.{}", i.name, m.name);
            quote!(Some(#wire))
        }
        None => quote!(None),
    };
    let confirm = confirm_impl(&cx, &marker_ident);
    let login = handle::login_fn(&cx, &marker_ident);
    let session_impl = handle::session_impl(&cx, &marker_ident);
    let contract = if opts.contract && opts.external_base.is_none() {
        contract::module(&cx)
    } else {
        TokenStream::new()
    };

    let mut modules = Vec::new();
    for (module, key) in &model.modules {
        modules.push(module_tokens(&cx, module, *key, shared));
    }
    let mut reexports: Vec<(String, TokenStream)> = Vec::new();
    for def in model.types.values() {
        let module = ident(&model.home_module(def));
        let ty = ident(&naming::camel(&def.name));
        let cfg = cx.cfg(&model.type_cfg[def.name.as_str()]);
        reexports.push((
            naming::camel(&def.name),
            quote!(#cfg pub use self::#module::#ty;),
        ));
    }
    reexports.sort_by(|a, b| a.0.cmp(&b.0));
    let reexports = reexports.into_iter().map(|(_, t)| t);
    if opts.external_base.is_some() {
        return extension::items(&cx, &marker_ident, modules, reexports.collect());
    }
    let api_cfg = match &manifest.feature {
        Some(feature) if opts.features => quote!(#[cfg(feature = #feature)]),
        _ => TokenStream::new(),
    };

    quote! {
        #mod_doc
        #api_cfg
        pub mod #mod_ident {
            #marker_doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub struct #marker_ident;

            impl #rt::Api for #marker_ident {
                const NAME: &'static str = #name;
                const TITLE: &'static str = #title;
                #product
                const DEFAULT_PATH: &'static str = #path;
                #alternative_paths
                const DEFAULT_PORT: u16 = #port;
                const BATCH_METHOD: Option<&'static str> = #batch;
            }

            #confirm
            #login
            #session_impl

            #(#modules)*

            #(#reexports)*

            #contract
        }
    }
}

/// `pub mod shared`: the types several APIs declare alike ([`crate::share`]), each
/// generated once from the declaration of the first API sharing it, behind the features
/// of all of them.
pub(crate) fn shared(models: &[Model<'_>], opts: &Options, plan: &Plan) -> TokenStream {
    if plan.is_empty() {
        return TokenStream::new();
    }
    let mut items = Vec::new();
    for (name, sharing) in plan {
        let Some(model) = models.get(sharing.donor()) else {
            continue;
        };
        let Some(def) = model.types.get(name.as_str()) else {
            continue;
        };
        let cx = Cx::new(model, opts);
        let titles: Vec<String> = sharing
            .apis
            .iter()
            .filter_map(|&i| models.get(i))
            .map(|m| {
                let title = m
                    .api
                    .manifest
                    .title
                    .as_deref()
                    .unwrap_or(&m.api.manifest.name);
                format!("{title} (`{}`)", m.api.manifest.module_path())
            })
            .collect();
        let mut def = (*def).clone();
        let text = def.doc.take().unwrap_or_else(|| format!("`{}`", def.name));
        def.doc = Some(format!(
            "{text}\n\nOne type in every API that declares it alike: {}.",
            titles.join(", ")
        ));
        let cfg = crate::share::shared_cfg(models, name, sharing);
        items.push(types::type_def_with_cfg(&cx, &def, &cfg));
    }
    quote! {
        /// Types that several APIs declare with the same name and shape (the vendor's
        /// shared `kerio::web` types among them: `SearchQuery`, `KId`, `ErrorList`,
        /// `ApiApplication`, ...): one Rust type, re-exported by each of those APIs, so a
        /// value built once works with every product. A name with different shapes in two
        /// APIs is two types, one in each API's module.
        pub mod shared {
            pub use self::defs::*;
            mod defs {
                #(#items)*
            }
        }
    }
}

fn module_tokens(
    cx: &Cx<'_, '_>,
    module: &str,
    key: ModuleKey<'_>,
    shared: &BTreeSet<String>,
) -> TokenStream {
    let m = ident(module);
    let mut items = Vec::new();
    let defs = cx
        .model
        .module_types
        .get(module)
        .cloned()
        .unwrap_or_default();
    let doc = match key {
        ModuleKey::Interface(name) => {
            let iface = cx.model.interface(name);
            if let Some(iface) = iface {
                items.push(handle::interface(cx, iface));
            }
            let text = iface
                .and_then(|i| i.doc.clone())
                .unwrap_or_else(|| format!("The `{name}` interface."));
            doc_lines(Some(&format!("`{name}`: {text}")))
        }
        // An extension's files are not laid out like api-spec.
        ModuleKey::Shared(_) if cx.opts.external_base.is_some() => {
            doc("Types shared by the interfaces of this extension.")
        }
        ModuleKey::Shared(file) => doc(&format!(
            "Types shared by several interfaces (declared in `types/{file}.json`)."
        )),
    };
    let rt = &cx.rt;
    for def in defs {
        if shared.contains(&def.name) {
            let ty = ident(&naming::camel(&def.name));
            let cfg = cx.cfg(&cx.model.type_cfg[def.name.as_str()]);
            items.push(quote!(#cfg pub use #rt::shared::#ty;));
        } else {
            items.push(types::type_def(cx, def));
        }
    }
    quote! {
        #doc
        pub mod #m {
            #(#items)*
        }
    }
}

/// `impl ConfirmConfig` when the API marks both cut-off prevention methods.
fn confirm_impl(cx: &Cx<'_, '_>, marker: &Ident) -> TokenStream {
    let (Some((ti, tm)), Some((ci, cm))) = (
        find_role(cx.model, Role::ConfigTimestamp),
        find_role(cx.model, Role::ConfirmConfig),
    ) else {
        return TokenStream::new();
    };
    let (Some(tk), Some(cp), Some(ck)) = (tm.result.first(), cm.params.first(), cm.result.first())
    else {
        return TokenStream::new();
    };
    let rt = &cx.rt;
    let timestamp = format!("{}.{}", ti.name, tm.name);
    let confirm = format!("{}.{}", ci.name, cm.name);
    let (tk, cp, ck) = (&tk.name, &cp.name, &ck.name);
    quote! {
        impl #rt::ConfirmConfig for #marker {
            const TIMESTAMP_METHOD: &'static str = #timestamp;
            const TIMESTAMP_KEY: &'static str = #tk;
            const CONFIRM_METHOD: &'static str = #confirm;
            const CONFIRM_PARAM: &'static str = #cp;
            const CONFIRMED_KEY: &'static str = #ck;
        }
    }
}

/// The method with a role, if the API has one.
pub(crate) fn find_role<'a>(model: &Model<'a>, role: Role) -> Option<(&'a Interface, &'a Method)> {
    model.interfaces().into_iter().find_map(|i| {
        i.methods
            .iter()
            .find(|m| m.role == Some(role))
            .map(|m| (i, m))
    })
}

impl Cx<'_, '_> {
    /// `#[cfg(...)]` for a set of features (nothing when always compiled or features are off).
    pub fn cfg(&self, cfg: &Cfg) -> TokenStream {
        if !self.opts.features || cfg.0.is_empty() {
            return TokenStream::new();
        }
        let features = cfg.0.iter();
        if cfg.0.len() == 1 {
            quote!(#[cfg(feature = #(#features)*)])
        } else {
            quote!(#[cfg(any(#(feature = #features),*))])
        }
    }

    /// The owned Rust type of a type reference, seen from inside an API sub-module.
    pub fn owned(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Primitive(p) => self.primitive(*p),
            TypeRef::Named(n) => self.named(n),
            TypeRef::List(t) => {
                let t = self.owned(t);
                quote!(Vec<#t>)
            }
            TypeRef::Map(t) => {
                let t = self.owned(t);
                quote!(::std::collections::BTreeMap<String, #t>)
            }
        }
    }

    /// Path of a named type from inside an API sub-module.
    pub fn named(&self, name: &str) -> TokenStream {
        let ty = ident(&naming::camel(name));
        if !self.model.types.contains_key(name)
            && let Some(base) = &self.opts.external_base
        {
            let base = path_tokens(base);
            return quote!(#base::#ty);
        }
        quote!(super::#ty)
    }

    /// The Rust type of a primitive.
    pub fn primitive(&self, p: Primitive) -> TokenStream {
        let rt = &self.rt;
        match p {
            Primitive::String => quote!(String),
            Primitive::Boolean => quote!(bool),
            Primitive::Int32 => quote!(i32),
            Primitive::Int64 => quote!(i64),
            Primitive::Double => quote!(f64),
            Primitive::Any => quote!(#rt::__private::serde_json::Value),
        }
    }

    /// A parameter as the params struct holds it: text, slices and compound values
    /// borrowed for `lifetime`, numbers and booleans by value.
    pub fn borrowed(&self, ty: &TypeRef, lifetime: &TokenStream) -> TokenStream {
        match self.model.shape(ty) {
            Shape::Primitive(Primitive::String) => quote!(&#lifetime str),
            Shape::Primitive(Primitive::Any) | Shape::Map => {
                let t = self.owned(ty);
                quote!(&#lifetime #t)
            }
            Shape::Primitive(_) => self.owned(ty),
            Shape::List(elem) => {
                let t = self.owned(elem);
                quote!(&#lifetime [#t])
            }
            Shape::Struct(_) | Shape::Enum | Shape::External => {
                let t = self.owned(ty);
                quote!(&#lifetime #t)
            }
        }
    }

    /// True when [`Cx::borrowed`] gives a reference.
    pub fn is_borrowed(&self, ty: &TypeRef) -> bool {
        !matches!(
            self.model.shape(ty),
            Shape::Primitive(
                Primitive::Boolean | Primitive::Int32 | Primitive::Int64 | Primitive::Double
            )
        )
    }

    /// True when the type is a number, directly or through aliases.
    pub fn is_number(&self, ty: &TypeRef) -> bool {
        matches!(self.model.shape(ty), Shape::Primitive(p) if p.is_number())
    }
}

/// An identifier from an already escaped name (`r#type` becomes a raw identifier).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// Tokens of a path such as `crate` or `::kerio_api::admin`.
pub(crate) fn path_tokens(path: &str) -> TokenStream {
    let mut out = TokenStream::new();
    let leading = path.starts_with("::");
    for (i, seg) in path.trim_start_matches("::").split("::").enumerate() {
        let seg = ident(seg);
        if i > 0 || leading {
            out.extend(quote!(::#seg));
        } else {
            out.extend(quote!(#seg));
        }
    }
    out
}

/// `#[doc]` attributes of an optional doc text, one per line.
pub(crate) fn doc_lines(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) => doc(t),
        None => TokenStream::new(),
    }
}

/// The doc of a param, out-parameter or field: its own (or its wire name), then its
/// examples as the wire carries them.
pub(crate) fn item_doc(text: Option<&str>, name: &str, examples: &[serde_json::Value]) -> String {
    let mut out = text.map_or_else(|| format!("`{name}`"), str::to_owned);
    if !examples.is_empty() {
        let shown: Vec<String> = examples.iter().map(|e| format!("`{e}`")).collect();
        out.push_str(&format!("\n\nExamples: {}.", shown.join(", ")));
    }
    out
}

/// `#[doc]` attributes of a text, one per line, so they print as `///` comments.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// The first paragraph of a doc text.
pub(crate) fn summary(text: Option<&str>) -> Option<&str> {
    text.map(|t| t.split("\n\n").next().unwrap_or(t).trim())
}
