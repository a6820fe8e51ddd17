//! The hidden `__apis` module: every API's marker type by manifest name, for programs
//! that choose an API at run time (the `kerio` command line) and then use the typed
//! runtime on it (sessions, batches, cut-off prevention), and their contract checks.

use proc_macro2::TokenStream;
use quote::quote;

use super::{find_role, ident, path_tokens};
use crate::Options;
use crate::model::Model;
use crate::naming;
use crate::spec::Role;

/// `pub mod __apis { NAMES, visit }` over the APIs of one generation run.
pub(crate) fn module(models: &[&Model<'_>], opts: &Options) -> TokenStream {
    let rt = path_tokens(&opts.runtime);
    let mut names = Vec::new();
    let mut arms = Vec::new();
    let mut checks = Vec::new();
    for model in models {
        let manifest = &model.api.manifest;
        let name = &manifest.name;
        let path = api_path(model);
        let marker = ident(&naming::camel(name));
        // The test of `confirm_impl`, which implements `ConfirmConfig` only then.
        let confirmable = match (
            find_role(model, Role::ConfigTimestamp),
            find_role(model, Role::ConfirmConfig),
        ) {
            (Some((_, tm)), Some((_, cm))) => {
                !tm.result.is_empty() && !cm.params.is_empty() && !cm.result.is_empty()
            }
            _ => false,
        };
        let visit = if confirmable {
            quote!(visitor.visit_confirmable::<#path::#marker>())
        } else {
            quote!(visitor.visit::<#path::#marker>())
        };
        // Without the build's feature list, an API behind a feature may be compiled out:
        // its arms go with it (and `visit` answers its name as unknown).
        let cfg = match (&manifest.feature, opts.features) {
            (Some(f), true) => quote!(#[cfg(feature = #f)]),
            _ => TokenStream::new(),
        };
        names.push(name.clone());
        arms.push(quote!(#cfg #name => Ok(#visit),));
        checks.push(quote!(#cfg #name => #path::__contract::check(method, params, result),));
    }
    let contract = opts.contract.then(|| {
        quote! {
            /// `__contract::check` of the API named `api`; `None` for an unknown API or
            /// method.
            #[cfg(feature = "contract")]
            pub fn check(
                api: &str,
                method: &str,
                params: &#rt::__private::serde_json::Value,
                result: Option<&#rt::__private::serde_json::Value>,
            ) -> Option<#rt::contract::Report> {
                match api {
                    #(#checks)*
                    _ => None,
                }
            }
        }
    });
    quote! {
        /// The APIs by manifest name; see `kerio_api::dynamic`.
        #[doc(hidden)]
        pub mod __apis {
            /// The manifest names of the APIs, in name order.
            pub const NAMES: &[&str] = &[#(#names),*];

            /// Runs `visitor` with the marker type of the API named `name`
            /// (`visit_confirmable` for APIs with cut-off prevention); the visitor back
            /// when there is no such API.
            pub fn visit<V: #rt::dynamic::ApiVisitor>(name: &str, visitor: V) -> Result<V::Output, V> {
                match name {
                    #(#arms)*
                    _ => Err(visitor),
                }
            }

            #contract
        }
    }
}

/// The API's module as seen from `__apis`, a sibling of the API modules' roots
/// (`super::connect::admin`).
fn api_path(model: &Model<'_>) -> TokenStream {
    let steps = model.api.manifest.module.iter().map(|step| ident(step));
    quote!(super #(::#steps)*)
}
