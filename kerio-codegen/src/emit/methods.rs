//! Methods: a params type per method implementing the runtime's `Method` (built with
//! `new` and chained setters, awaited directly when bound to a session) and one result
//! struct per method.
//!
//! Both shapes survive a newer spec: an optional param is one more setter, an
//! out-parameter one more field of a `#[non_exhaustive]` result struct, so regen never
//! changes a signature users call.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::{debug_impl, rename};
use super::{Cx, doc, ident, item_doc};
use crate::model::{Shape, is_secret, on_handle};
use crate::naming;
use crate::spec::*;

/// Clippy's `too_many_arguments` fires beyond this many arguments (`self` counted).
pub(super) const MAX_ARGS: usize = 7;

/// The private field of a params type holding the session it is bound to.
pub(super) const SESSION_FIELD: &str = "__session";

/// True for methods that get a params type (all but the batch method, which the
/// runtime's batch builder drives).
pub(crate) fn has_struct(m: &Method) -> bool {
    m.role != Some(Role::Batch)
}

/// `'a` when the params type borrows (text, lists, structs).
pub(super) fn lifetime_of(cx: &Cx<'_, '_>, m: &Method) -> Option<TokenStream> {
    m.params
        .iter()
        .any(|p| cx.is_borrowed(&p.ty))
        .then(|| quote!('a))
}

/// The params that are arguments (required ones, and optional ones kept positional) and
/// those set with setters (the other optional ones).
pub(super) fn split_params(m: &Method) -> (Vec<&Param>, Vec<&Param>) {
    m.params.iter().partition(|p| p.is_argument())
}

/// The type of a param as an argument of `new` and of the handle method: its borrowed
/// type, or for an optional param kept positional anything that gives an `Option` of it
/// (the value itself, as when the param was required, or `None`).
pub(super) fn argument_type(cx: &Cx<'_, '_>, p: &Param, lt: &TokenStream) -> TokenStream {
    let ty = cx.borrowed(&p.ty, lt);
    if p.optional {
        let rt = &cx.rt;
        quote!(impl #rt::Omittable<#ty>)
    } else {
        ty
    }
}

/// The initializer of a param's field from the argument of the same name.
pub(super) fn argument_init(cx: &Cx<'_, '_>, p: &Param) -> TokenStream {
    let fid = ident(&naming::snake(&p.name));
    if p.optional {
        let rt = &cx.rt;
        quote!(#fid: #rt::Omittable::into_param(#fid))
    } else {
        quote!(#fid)
    }
}

/// Rust name of a method's result struct.
pub(super) fn result_name(stem: &str) -> Ident {
    format_ident!("{stem}Result")
}

/// The params type, its result struct and their impls.
pub(super) fn method_items(cx: &Cx<'_, '_>, iface: &Interface, m: &Method) -> Vec<TokenStream> {
    let rt = &cx.rt;
    let serde = &cx.serde;
    let serde_crate = &cx.serde_crate;
    let marker = &cx.marker;
    let stem = cx.model.method_struct(iface, m);
    let name = ident(&stem);
    let wire_name = format!("{}.{}", iface.name, m.name);
    let lifetime = lifetime_of(cx, m);
    let lt = lifetime.clone().unwrap_or_default();
    // `<'a, S = ()>`, `impl<'a, S>` / `Name<'a, S>`, `Name<'a>` (S = ()).
    let (decl, impl_s, ty_s, ty_plain) = match &lifetime {
        Some(l) => (
            quote!(<#l, S = ()>),
            quote!(<#l, S>),
            quote!(<#l, S>),
            quote!(<#l>),
        ),
        None => (
            quote!(<S = ()>),
            quote!(<S>),
            quote!(<S>),
            TokenStream::new(),
        ),
    };
    let session = ident(SESSION_FIELD);
    let (required, optional) = split_params(m);

    let fields = m.params.iter().map(|p| {
        let field = naming::snake(&p.name);
        let fid = ident(&field);
        let pdoc = doc(&item_doc(p.doc.as_deref(), &p.name, &p.examples));
        let ty = cx.borrowed(&p.ty, &lt);
        let rename = rename(&field, &p.name);
        if p.optional {
            quote! {
                #pdoc
                #[serde(#rename skip_serializing_if = "Option::is_none")]
                pub #fid: Option<#ty>,
            }
        } else if rename.is_empty() {
            quote!(#pdoc pub #fid: #ty,)
        } else {
            quote!(#pdoc #[serde(#rename)] pub #fid: #ty,)
        }
    });
    let sdoc = doc(&format!(
        "Params of `{wire_name}`: {}\n\n\
         Built with [`new`](Self::new) (the required params) and a setter per optional \
         param. `S` is the session a call made through the interface handle is bound to \
         (awaiting it sends the call); `()` for params on their own, for `Session::call` \
         and batches.",
        m.doc.as_deref().unwrap_or("a method of the interface.")
    ));
    let mut items = vec![quote! {
        #sdoc
        #[doc(alias = #wire_name)]
        #[derive(Clone, Copy, #serde::Serialize)]
        #[serde(crate = #serde_crate, rename_all = "camelCase")]
        #[non_exhaustive]
        #[must_use = "params do nothing until sent: await the call, or pass them to `Session::call` or a batch"]
        pub struct #name #decl {
            #[serde(skip)]
            #session: S,
            #(#fields)*
        }
    }];
    let shown = m
        .params
        .iter()
        .map(|p| (naming::snake(&p.name), is_secret(&p.name), p.optional));
    items.push(debug_impl(&name, &impl_s, &ty_s, shown));

    // `new` with the params that are arguments, in spec order.
    let new_args = required.iter().map(|p| {
        let fid = ident(&naming::snake(&p.name));
        let ty = argument_type(cx, p, &lt);
        quote!(#fid: #ty)
    });
    let inits = m.params.iter().map(|p| {
        let fid = ident(&naming::snake(&p.name));
        if p.is_argument() {
            argument_init(cx, p)
        } else {
            quote!(#fid: None)
        }
    });
    let many = (required.len() > MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let ndoc = doc(&format!(
        "The params of `{wire_name}` with its required params (and those kept positional, which take a value or `None`); optional ones are left out until set."
    ));
    let impl_plain = match &lifetime {
        Some(l) => quote!(impl<#l> #name<#l>),
        None => quote!(impl #name),
    };
    items.push(quote! {
        #impl_plain {
            #ndoc
            #many
            pub fn new(#(#new_args),*) -> Self {
                Self { #session: (), #(#inits),* }
            }
        }
    });
    if required.is_empty() {
        let impl_generics = lifetime.as_ref().map(|l| quote!(<#l>));
        items.push(quote! {
            impl #impl_generics ::core::default::Default for #name #ty_plain {
                fn default() -> Self {
                    Self::new()
                }
            }
        });
    }
    if !optional.is_empty() {
        let setters = optional.iter().map(|p| {
            let fid = ident(&naming::snake(&p.name));
            let pdoc = doc(p.doc.as_deref().unwrap_or(&format!("Sets `{}`.", p.name)));
            let ty = cx.borrowed(&p.ty, &lt);
            quote! {
                #pdoc
                pub fn #fid(mut self, #fid: #ty) -> Self {
                    self.#fid = Some(#fid);
                    self
                }
            }
        });
        items.push(quote! {
            impl #impl_s #name #ty_s {
                #(#setters)*
            }
        });
    }

    let result = result_name(&stem);
    let (output, convert) = match (m.role, m.result.first()) {
        // The runtime takes the token of a login as its output.
        (Some(Role::Login), Some(token)) => {
            let fid = ident(&naming::snake(&token.name));
            (quote!(String), quote!(wire.#fid))
        }
        _ => (quote!(#result), quote!(wire)),
    };
    items.extend(result_struct(cx, m, &result, &wire_name));
    // Only what the spec declares a read is sent again after a connection failure.
    let idempotent = if m.idempotent {
        quote!(
            const IDEMPOTENT: bool = true;
        )
    } else {
        TokenStream::new()
    };
    items.push(quote! {
        impl #impl_s #rt::Method for #name #ty_s where S: ::core::marker::Send + ::core::marker::Sync {
            type Api = #marker;
            const NAME: &'static str = #wire_name;
            #idempotent
            type Wire = #result;
            type Output = #output;
            fn output(wire: Self::Wire) -> Self::Output {
                #convert
            }
        }
    });
    if m.sessionless {
        items.push(quote! {
            impl #impl_s #rt::Sessionless for #name #ty_s where S: ::core::marker::Send + ::core::marker::Sync {}
        });
    }
    if on_handle(m) {
        // Generic over the session's API (which the bound pins to this method's), so that
        // the call is compiled only in the crates that make it, not for every method here.
        let (bound, call) = match &lifetime {
            Some(l) => (
                quote!(impl<#l, A: #rt::Api>),
                quote!(#name<#l, &#l #rt::Session<A>>),
            ),
            None => (
                quote!(impl<'s, A: #rt::Api>),
                quote!(#name<&'s #rt::Session<A>>),
            ),
        };
        let fut_lt = lifetime.clone().unwrap_or_else(|| quote!('s));
        items.push(quote! {
            #bound ::core::future::IntoFuture for #call
            where
                Self: #rt::Method<Api = A, Output = #result>,
            {
                type Output = Result<#result, #rt::Error>;
                type IntoFuture = #rt::CallFuture<#fut_lt, #result>;
                fn into_future(self) -> Self::IntoFuture {
                    #rt::__private::send(self.#session, self)
                }
            }
        });
    }
    items
}

/// The result struct of a method: one field per out-parameter, `#[non_exhaustive]`, so
/// that an out-parameter a newer spec adds is one more field.
fn result_struct(cx: &Cx<'_, '_>, m: &Method, result: &Ident, wire_name: &str) -> Vec<TokenStream> {
    let serde = &cx.serde;
    let serde_crate = &cx.serde_crate;
    let rdoc = doc(&format!(
        "The result of `{wire_name}`: its out-parameters. Out-parameters missing from a \
         reply decode as `None` or, for those the spec requires, as their default value."
    ));
    let login = m.role == Some(Role::Login);
    let mut secret = false;
    let members = m.result.iter().map(|o| {
        let field = naming::snake(&o.name);
        let fid = ident(&field);
        let odoc = doc(&item_doc(o.doc.as_deref(), &o.name, &o.examples));
        let ty = out_type(cx, o);
        let rename = rename(&field, &o.name);
        secret |= is_secret(&o.name);
        // A login without its token is an error, not an empty token.
        let mut attrs: Vec<TokenStream> = Vec::new();
        if !login {
            attrs.push(quote!(default));
        }
        attrs.extend(lenient_attr(cx, o));
        let serde_attr = if rename.is_empty() && attrs.is_empty() {
            TokenStream::new()
        } else {
            quote!(#[serde(#rename #(#attrs),*)])
        };
        quote! {
            #odoc
            #serde_attr
            pub #fid: #ty,
        }
    });
    let members: Vec<TokenStream> = members.collect();
    let derive_debug = if secret { quote!() } else { quote!(Debug,) };
    let default = if login { quote!() } else { quote!(Default,) };
    let mut items = vec![quote! {
        #rdoc
        #[derive(#derive_debug Clone, #default PartialEq, #serde::Deserialize)]
        #[serde(crate = #serde_crate, rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct #result {
            #(#members)*
        }
    }];
    if secret {
        let shown = m.result.iter().map(|o| {
            (
                naming::snake(&o.name),
                is_secret(&o.name),
                holds_option(cx, o),
            )
        });
        let none = TokenStream::new();
        items.push(debug_impl(result, &none, &none, shown));
    }
    items
}

/// True when an out-parameter is held in an `Option`: the spec marks it optional, or
/// its type has no default value to stand for a missing key (enums, types of a base API).
fn holds_option(cx: &Cx<'_, '_>, o: &Param) -> bool {
    o.optional || matches!(cx.model.shape(&o.ty), Shape::Enum | Shape::External)
}

/// The Rust type of an out-parameter in its result struct.
pub(super) fn out_type(cx: &Cx<'_, '_>, o: &Param) -> TokenStream {
    let ty = cx.owned(&o.ty);
    if holds_option(cx, o) {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// `deserialize_with` for a lenient number out-parameter.
fn lenient_attr(cx: &Cx<'_, '_>, o: &Param) -> Option<TokenStream> {
    if !(o.lenient && cx.is_number(&o.ty)) {
        return None;
    }
    let runtime = &cx.opts.runtime;
    let de = if holds_option(cx, o) {
        format!("{runtime}::__private::codec::lenient_option")
    } else {
        format!("{runtime}::__private::codec::lenient")
    };
    Some(quote!(deserialize_with = #de))
}
