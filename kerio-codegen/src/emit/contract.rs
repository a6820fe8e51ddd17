//! The hidden `__contract` module: decodes a captured exchange of any method through the
//! types a real call would use (behind the runtime's `contract` feature).

use proc_macro2::TokenStream;
use quote::quote;

use super::methods::{has_struct, lifetime_of};
use super::{Cx, ident};
use crate::naming;

/// `pub mod __contract { pub fn check(method, params, result) -> Option<Report> }`.
pub(super) fn module(cx: &Cx<'_, '_>) -> TokenStream {
    let rt = &cx.rt;
    let mut arms = Vec::new();
    for iface in cx.model.interfaces() {
        let cfg = cx.cfg(&cx.model.interface_cfg(iface));
        let module = ident(&naming::snake(&iface.name));
        let mut methods: Vec<_> = iface.methods.iter().filter(|m| has_struct(m)).collect();
        methods.sort_by(|a, b| a.name.cmp(&b.name));
        for m in methods {
            let wire = format!("{}.{}", iface.name, m.name);
            let stem = ident(&cx.model.method_struct(iface, m));
            let lifetime = lifetime_of(cx, m)
                .map(|_| quote!(<'static>))
                .unwrap_or_default();
            let params = m.params.iter().map(|p| {
                let ty = cx.owned(&p.ty);
                let name = &p.name;
                let optional = p.optional;
                let expected = p.ty.to_string();
                quote!(report.param::<#ty>(params, #name, #optional, #expected);)
            });
            let names = m.params.iter().map(|p| p.name.as_str());
            // Result structs decode missing keys as defaults; the contract still wants them.
            let required = m
                .result
                .iter()
                .filter(|o| !o.optional)
                .map(|o| o.name.as_str());
            arms.push(quote! {
                #cfg
                #wire => {
                    #(#params)*
                    report.known_params(params, &[#(#names),*]);
                    if let Some(result) = result {
                        report.result::<<super::#module::#stem #lifetime as #rt::Method>::Wire>(result);
                        report.required_results(result, &[#(#required),*]);
                    }
                }
            });
        }
    }
    quote! {
        /// Checks captured exchanges against the generated types; see `kerio_api::contract`.
        #[cfg(feature = "contract")]
        #[doc(hidden)]
        pub mod __contract {
            /// Decodes the params (and the result object, when given) of one call of
            /// `method` (`Interface.method`); `None` for a method the API does not have.
            pub fn check(
                method: &str,
                params: &#rt::__private::serde_json::Value,
                result: Option<&#rt::__private::serde_json::Value>,
            ) -> Option<#rt::contract::Report> {
                let mut report = #rt::contract::Report::default();
                match method {
                    #(#arms)*
                    _ => return None,
                }
                Some(report)
            }
        }
    }
}
