//! Extension mode: code for a crate that adds interfaces, methods and types to an API
//! kerio-api already ships (what `kerio-macros` generates), with the same client surface
//! as kerio-api's own generated code.
//!
//! Differences from an API of its own: the items land in the caller's module instead of a
//! `pub mod <api>`; the API marker, login, logout and cut-off prevention are the base
//! API's, so none are emitted; types the extension does not declare are the base API's
//! (`::kerio_api::admin::SearchQuery`). Inherent impls on `Session` are impossible outside
//! kerio-api, so
//! - the accessors of new interfaces come from one extension trait implemented for the
//!   base API's session (`AdminExt`: `session.diagnostics()`), and
//! - methods added to an interface the base API already has come from a trait implemented
//!   for the shipped handle (`ActiveHostsExt`: `session.active_hosts().get_foo(..)`),
//!   which reaches the session through the handle's `AsRef<Session<_>>`.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::handle::{CallSig, call_sig, super_to_self};
use super::{Cx, doc, ident, path_tokens, summary};
use crate::Options;
use crate::diag::Diagnostics;
use crate::diag::{DiagnosticKind, diag_at};
use crate::model::{HANDLE, has_handle, on_handle};
use crate::naming;
use crate::spec::*;

/// The name of the trait holding the accessors of new interfaces.
pub(crate) fn trait_name(api: &Api, opts: &Options) -> String {
    opts.extension_trait
        .clone()
        .unwrap_or_else(|| format!("{}Ext", naming::camel(&api.manifest.name)))
}

/// The name of the trait adding methods to a handle of the base API.
fn handle_trait_name(iface: &Interface) -> String {
    format!("{}Ext", naming::camel(&iface.name))
}

/// True when the extension adds methods to an interface the base API has a handle for.
fn extends_base(opts: &Options, iface: &Interface) -> bool {
    opts.external_interfaces.contains_key(&iface.name)
}

/// The rules of extension mode, on top of [`crate::validate`]: no roles, no method the
/// base API already has, no clash between the generated traits and the extension's types.
pub(crate) fn check(api: &Api, opts: &Options) -> Result<(), Diagnostics> {
    let mut d = Diagnostics::default();
    let mut err = |kind: DiagnosticKind, loc: &Loc, message: String, hint: String| {
        d.push(diag_at(kind, &api.sources, loc, &message, Some(&hint)));
    };
    let base = &api.manifest.name;
    let ext_trait = trait_name(api, opts);
    if syn::parse_str::<Ident>(&ext_trait).is_err() {
        err(
            DiagnosticKind::InvalidExtensionTrait,
            &Loc::default(),
            format!("`{ext_trait}` is not a valid name for the extension trait"),
            "a Rust identifier in UpperCamelCase, e.g. `AdminExt`".into(),
        );
    }
    // Names the extension puts at its top level, beside the re-exported types.
    let mut traits: BTreeMap<String, &Loc> = BTreeMap::new();
    for i in &api.interfaces {
        for m in &i.methods {
            if let Some(role) = m.role {
                err(
                    DiagnosticKind::RoleInExtension,
                    &m.loc,
                    format!(
                        "`{}.{}` has the role `{}`, which an extension cannot declare",
                        i.name,
                        m.name,
                        role.as_str()
                    ),
                    format!("roles belong to the `{base}` API being extended; remove the role"),
                );
            }
        }
        let Some(shipped) = opts.external_interfaces.get(&i.name) else {
            continue;
        };
        for m in &i.methods {
            let rust = naming::snake(&m.name);
            if let Some(same) = shipped.iter().find(|s| naming::snake(s) == rust) {
                let module = naming::bare(&naming::snake(&i.name)).to_owned();
                let shipped_as = if *same == m.name {
                    String::new()
                } else {
                    format!(" (as `{}.{same}`)", i.name)
                };
                err(
                    DiagnosticKind::AlreadyInBaseApi,
                    &m.loc,
                    format!(
                        "`{}.{}` is already in the `{base}` API{shipped_as}",
                        i.name, m.name
                    ),
                    format!(
                        "call the shipped method: `session.{module}().{}(..)`; an extension adds what the shipped spec lacks",
                        naming::bare(&rust)
                    ),
                );
            }
        }
        if has_handle(i) {
            traits.insert(handle_trait_name(i), &i.loc);
        }
    }
    if let Some(loc) = traits.get(&ext_trait) {
        err(
            DiagnosticKind::ExtensionTraitCollision,
            loc,
            format!("the trait of this interface and the extension trait are both `{ext_trait}`"),
            "choose another name for the extension trait".into(),
        );
    }
    for t in &api.types {
        let rust = naming::camel(&t.name);
        if rust == ext_trait {
            err(
                DiagnosticKind::ExtensionTraitCollision,
                &t.loc,
                format!(
                    "type `{}` has the name of the extension trait `{ext_trait}`",
                    t.name
                ),
                "rename the type or choose another name for the extension trait".into(),
            );
        } else if traits.contains_key(&rust) {
            err(
                DiagnosticKind::ExtensionTraitCollision,
                &t.loc,
                format!(
                    "type `{}` has the name of the trait `{rust}` that adds methods to a shipped interface",
                    t.name
                ),
                "rename the type".into(),
            );
        }
    }
    d.into_result(())
}

/// The items of an extension: the extension traits, the modules and the re-exports
/// (placed wherever the caller expands them).
pub(super) fn items(
    cx: &Cx<'_, '_>,
    marker_ident: &Ident,
    modules: Vec<TokenStream>,
    reexports: Vec<TokenStream>,
) -> TokenStream {
    let rt = &cx.rt;
    let marker = &cx.marker;
    let api = cx.model.api;
    let trait_ident = ident(&trait_name(api, cx.opts));
    let mut decls = Vec::new();
    let mut impls = Vec::new();
    let mut handle_traits = Vec::new();
    for iface in cx.model.interfaces() {
        if !has_handle(iface) {
            continue;
        }
        if extends_base(cx.opts, iface) {
            handle_traits.push(handle_trait(cx, iface));
            continue;
        }
        let fname = ident(&naming::snake(&iface.name));
        let module = ident(&naming::snake(&iface.name));
        let handle = ident(HANDLE);
        let idoc = doc(&format!(
            "The `{}` interface: {}",
            iface.name,
            summary(iface.doc.as_deref()).unwrap_or("its methods.")
        ));
        decls.push(quote! {
            #idoc
            fn #fname(&self) -> #module::#handle<'_>;
        });
        impls.push(quote! {
            fn #fname(&self) -> #module::#handle<'_> {
                #module::#handle(self)
            }
        });
    }
    let tdoc = doc(&format!(
        "The interfaces this extension adds to the {}, called on its sessions \
         (`Session<{marker_ident}>`) once this trait is in scope.",
        api.manifest.title.as_deref().unwrap_or(&api.manifest.name)
    ));
    quote! {
        #tdoc
        pub trait #trait_ident {
            #(#decls)*
        }

        impl #trait_ident for #rt::Session<#marker> {
            #(#impls)*
        }

        #(#handle_traits)*

        #(#modules)*

        #(#reexports)*
    }
}

/// A trait adding the extension's methods of an interface to the base API's handle of
/// that interface; each method calls the extension's own handle.
fn handle_trait(cx: &Cx<'_, '_>, iface: &Interface) -> TokenStream {
    let rt = &cx.rt;
    let marker = &cx.marker;
    let module = ident(&naming::snake(&iface.name));
    let handle = ident(HANDLE);
    let trait_ident = ident(&handle_trait_name(iface));
    let base = cx
        .opts
        .external_base
        .as_deref()
        .map(path_tokens)
        .unwrap_or_default();
    let mut methods: Vec<&Method> = iface.methods.iter().filter(|m| on_handle(m)).collect();
    methods.sort_by(|a, b| a.name.cmp(&b.name));
    let mut decls = Vec::new();
    let mut impls = Vec::new();
    for m in methods {
        let CallSig {
            doc: mdoc,
            many,
            fname,
            generics,
            args,
            names,
            call,
            has_lifetime,
            ..
        } = call_sig(cx, iface, m, &format!("{module}::"));
        // Paths as seen from the extension's top level, not from inside `#module`.
        let args: Vec<TokenStream> = args.into_iter().map(super_to_self).collect();
        let call = super_to_self(call);
        let (generics, this) = if has_lifetime {
            (generics, quote!(&'a self))
        } else {
            (quote!(<'s>), quote!(&'s self))
        };
        let sig = quote! {
            #many
            fn #fname #generics(#this, #(#args),*) -> #module::#call
        };
        decls.push(quote!(#mdoc #sig;));
        impls.push(quote! {
            #sig {
                #module::#handle(AsRef::<#rt::Session<#marker>>::as_ref(self)).#fname(#(#names),*)
            }
        });
    }
    let accessor = naming::bare(&naming::snake(&iface.name)).to_owned();
    let tdoc = doc(&format!(
        "The methods this extension adds to the shipped `{}` interface, called on its \
         handle once this trait is in scope: `session.{accessor}()`.",
        iface.name
    ));
    quote! {
        #tdoc
        pub trait #trait_ident {
            #(#decls)*
        }

        impl #trait_ident for #base::#module::#handle<'_> {
            #(#impls)*
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use crate::load::load_extension;
    use crate::spec::{Loc, Manifest, Source};
    use crate::{Options, generate};

    fn base() -> Manifest {
        Manifest {
            name: "admin".into(),
            module: vec!["admin".into()],
            feature: None,
            product: None,
            session_cookie: None,
            token_cookie: None,
            title: Some("Kerio Control Administration API".into()),
            doc: None,
            path: "/admin/api/jsonrpc/".into(),
            alternative_paths: Vec::new(),
            port: 4081,
            loc: Loc::default(),
        }
    }

    fn options() -> Options {
        let mut opts = Options::external();
        opts.external_base = Some("::kerio_api::admin".into());
        opts.external_types = BTreeSet::from(["SearchQuery".to_owned()]);
        opts.external_interfaces =
            BTreeMap::from([("ActiveHosts".to_owned(), BTreeSet::from(["get".to_owned()]))]);
        opts
    }

    fn extension(text: &str) -> crate::spec::Api {
        load_extension(&base(), vec![Source::new("ext.json", text)]).unwrap()
    }

    #[test]
    fn new_interfaces_get_an_accessor_trait_and_shipped_ones_a_handle_trait() {
        let api = extension(
            r#"{"interfaces": {
                "Diagnostics": {"methods": {"flush": {"params": [], "result": []}}},
                "ActiveHosts": {"methods": {"getBandwidth": {
                    "params": [{"name": "query", "type": "SearchQuery"}],
                    "result": [{"name": "bandwidth", "type": "int64"}]}}}
            }}"#,
        );
        let code = generate(&[api], &options()).unwrap();
        assert!(code.contains("pub trait AdminExt {"), "{code}");
        assert!(
            code.contains("impl AdminExt for ::kerio_api::Session<::kerio_api::admin::Admin>"),
            "{code}"
        );
        assert!(
            code.contains("fn diagnostics(&self) -> diagnostics::Handle<'_>"),
            "{code}"
        );
        assert!(
            code.contains("impl ActiveHostsExt for ::kerio_api::admin::active_hosts::Handle<'_>"),
            "{code}"
        );
        assert!(
            code.contains("query: &'a ::kerio_api::admin::SearchQuery"),
            "{code}"
        );
        // No API of its own: no marker, no login, no inherent impls on the session.
        assert!(!code.contains("impl ::kerio_api::Api for"), "{code}");
        assert!(!code.contains("impl ::kerio_api::Session"), "{code}");
        assert!(!code.contains("pub mod admin"), "{code}");
    }

    #[test]
    fn roles_shipped_methods_and_trait_clashes_are_reported() {
        let api = extension(
            r#"{"interfaces": {
                "ActiveHosts": {"methods": {"get": {"params": [], "result": []}}},
                "Auth": {"methods": {"login": {"role": "login", "params": [],
                    "result": [{"name": "token", "type": "string"}]}}}
            }, "types": {
                "AdminExt": {"kind": "alias", "of": "string"},
                "ActiveHostsExt": {"kind": "alias", "of": "string"}
            }}"#,
        );
        let diags = generate(&[api], &options()).unwrap_err();
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.contains(&"`ActiveHosts.get` is already in the `admin` API"),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("has the role `login`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("name of the extension trait `AdminExt`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("the trait `ActiveHostsExt`")),
            "{messages:?}"
        );
    }

    #[test]
    fn unknown_types_suggest_types_of_the_base_api() {
        let api = extension(
            r#"{"interfaces": {"Diagnostics": {"methods": {"ping": {
                "params": [{"name": "query", "type": "SearchQeury"}], "result": []}}}}}"#,
        );
        let diags = generate(&[api], &options()).unwrap_err();
        let d = diags.iter().next().unwrap();
        assert_eq!(d.message, "unknown type `SearchQeury`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `SearchQuery`?"));
    }

    #[test]
    fn an_invalid_trait_name_is_reported_not_a_panic() {
        let api = extension(
            r#"{"interfaces": {"Diagnostics": {"methods": {"flush": {"params": [], "result": []}}}}}"#,
        );
        let mut opts = options();
        opts.extension_trait = Some("not a name".into());
        let diags = generate(&[api], &opts).unwrap_err();
        assert!(diags.iter().any(|d| d.message.contains("not a valid name")));
    }
}
