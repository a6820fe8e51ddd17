//! The module tree of several APIs: each API's module at its module path
//! (`connect::admin` inside `pub mod connect`), and a module per product re-exporting
//! the product's APIs that live elsewhere (`kerio_api::control::admin` for
//! `kerio_api::admin`).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, path_tokens};
use crate::spec::Manifest;

/// A module holding API modules, re-exports and other such modules.
#[derive(Default)]
pub(crate) struct Tree {
    /// Items of this module (API modules, re-exports).
    items: Vec<TokenStream>,
    /// Sub-modules by name.
    children: BTreeMap<String, Tree>,
    /// One line per API below this module, for its doc.
    listed: Vec<String>,
    /// The Cargo features of the APIs below; `None` once one of them has none.
    features: Option<Vec<String>>,
}

impl Tree {
    /// A new, empty root.
    pub fn new() -> Tree {
        Tree {
            features: Some(Vec::new()),
            ..Tree::default()
        }
    }

    fn node(&mut self, path: &[String]) -> &mut Tree {
        let mut node = self;
        for segment in path {
            node = node
                .children
                .entry(segment.clone())
                .or_insert_with(|| Tree {
                    features: Some(Vec::new()),
                    ..Tree::default()
                });
        }
        node
    }

    /// Records an API below every module on `path`.
    fn note(&mut self, path: &[String], line: &str, feature: Option<&String>) {
        let mut node = self;
        for segment in path {
            let Some(next) = node.children.get_mut(segment) else {
                return;
            };
            node = next;
            node.listed.push(line.to_owned());
            match (feature, &mut node.features) {
                (Some(f), Some(list)) => list.push(f.clone()),
                _ => node.features = None,
            }
        }
    }

    /// Adds an API's module (tokens of `pub mod <last segment>`) at its module path, and
    /// a re-export of it in its product's module when it lives elsewhere.
    pub fn add_api(&mut self, manifest: &Manifest, tokens: TokenStream, runtime: &str) {
        let module = &manifest.module;
        let Some((_, parents)) = module.split_last() else {
            return;
        };
        let title = manifest.title.as_deref().unwrap_or(&manifest.name);
        let path = manifest.module_path();
        let line = format!("- [`{path}`](crate::{path}): {title}");
        self.node(parents).items.push(tokens);
        self.note(parents, &line, manifest.feature.as_ref());
        let Some(product) = &manifest.product else {
            return;
        };
        if module.first() == Some(product) {
            return;
        }
        let target = path_tokens(&format!("{runtime}::{path}"));
        let cfg = match &manifest.feature {
            Some(f) => quote!(#[cfg(feature = #f)]),
            None => TokenStream::new(),
        };
        let product_path = [product.clone()];
        let reexport_doc = doc(&format!("{title}, also at `{path}`."));
        self.node(&product_path)
            .items
            .push(quote!(#reexport_doc #cfg #[doc(no_inline)] pub use #target;));
        self.note(&product_path, &line, manifest.feature.as_ref());
    }

    /// The tokens of the tree's items and sub-modules.
    pub fn into_tokens(self, features_on: bool) -> TokenStream {
        let mut out = TokenStream::new();
        out.extend(self.items);
        for (name, child) in self.children {
            let m = ident(&name);
            let text = format!("The APIs of `{name}`:\n\n{}", child.listed.join("\n"));
            let mdoc = doc(&text);
            let cfg = match &child.features {
                Some(list) if features_on && !list.is_empty() => {
                    quote!(#[cfg(any(#(feature = #list),*))])
                }
                _ => TokenStream::new(),
            };
            let inner = child.into_tokens(features_on);
            out.extend(quote! {
                #mdoc
                #cfg
                pub mod #m {
                    #inner
                }
            });
        }
        out
    }
}
