//! Methods: a params struct per method implementing the runtime's `Method`, the shape of
//! its result, the interface handle, the API's login and the session's accessors.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::{debug_impl, rename};
use super::{Cx, doc, find_role, ident, summary};
use crate::model::{HANDLE, Shape, has_handle, is_secret, on_handle};
use crate::naming;
use crate::spec::*;

/// Handle methods take the params struct instead of separate arguments beyond this many
/// parameters (clippy's `too_many_arguments` counts `self` too).
pub(super) const MAX_ARGS: usize = 6;

/// True for methods that get a params struct (all but the batch method, which the
/// runtime's batch builder drives).
pub(crate) fn has_struct(m: &Method) -> bool {
    m.role != Some(Role::Batch)
}

/// Everything an interface module holds besides its types.
pub(super) fn interface(cx: &Cx<'_, '_>, iface: &Interface) -> TokenStream {
    let cfg = cx.cfg(&cx.model.interface_cfg(iface));
    let mut methods: Vec<&Method> = iface.methods.iter().filter(|m| has_struct(m)).collect();
    methods.sort_by(|a, b| a.name.cmp(&b.name));
    let mut items = Vec::new();
    for m in &methods {
        items.extend(method_items(cx, iface, m));
    }
    if has_handle(iface) {
        items.extend(handle(cx, iface, &methods));
    }
    quote!(#(#cfg #items)*)
}

pub(super) fn lifetime_of(cx: &Cx<'_, '_>, m: &Method) -> Option<TokenStream> {
    m.params
        .iter()
        .any(|p| cx.is_borrowed(&p.ty))
        .then(|| quote!('a))
}

/// The params struct, its result struct and the `Method` impl.
fn method_items(cx: &Cx<'_, '_>, iface: &Interface, m: &Method) -> Vec<TokenStream> {
    let rt = &cx.rt;
    let serde = &cx.serde;
    let serde_crate = &cx.serde_crate;
    let marker = &cx.marker;
    let stem = cx.model.method_struct(iface, m);
    let name = ident(&stem);
    let wire_name = format!("{}.{}", iface.name, m.name);
    let lifetime = lifetime_of(cx, m);
    let lt = lifetime.clone().unwrap_or_default();
    let generics = lifetime.as_ref().map(|l| quote!(<#l>)).unwrap_or_default();
    let anon = lifetime.as_ref().map(|_| quote!(<'_>)).unwrap_or_default();

    let mut secret = false;
    let fields = m.params.iter().map(|p| {
        let field = naming::snake(&p.name);
        let fid = ident(&field);
        let pdoc = doc(p.doc.as_deref().unwrap_or(&format!("`{}`", p.name)));
        let ty = cx.borrowed(&p.ty, &lt);
        let rename = rename(&field, &p.name);
        secret |= is_secret(&p.name);
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
    let fields: Vec<_> = fields.collect();
    let sdoc = doc(&format!(
        "Params of `{wire_name}`: {}",
        m.doc.as_deref().unwrap_or("a method of the interface.")
    ));
    let derive_debug = if secret { quote!() } else { quote!(Debug,) };
    let mut items = vec![quote! {
        #sdoc
        #[derive(#derive_debug Clone, Copy, #serde::Serialize)]
        #[serde(crate = #serde_crate, rename_all = "camelCase")]
        pub struct #name #generics {
            #(#fields)*
        }
    }];
    if secret {
        let shown = m
            .params
            .iter()
            .map(|p| (naming::snake(&p.name), is_secret(&p.name), p.optional));
        items.push(debug_impl(&name, &anon, shown));
    }

    let (wire, output, convert) = match m.result.as_slice() {
        [] => (quote!(#rt::Empty), quote!(()), quote!(let _ = wire;)),
        [one] => {
            let reply = format_ident!("{stem}Reply");
            let key = &one.name;
            let ty = out_type(cx, one);
            let attrs = out_attrs(cx, one);
            let rdoc = doc(&format!("The result object of `{wire_name}`."));
            items.push(quote! {
                #rdoc
                #[doc(hidden)]
                #[derive(#serde::Deserialize)]
                #[serde(crate = #serde_crate)]
                pub struct #reply {
                    #[serde(rename = #key, #attrs)]
                    value: #ty,
                }
            });
            (quote!(#reply), ty, quote!(wire.value))
        }
        many => {
            let result = format_ident!("{stem}Result");
            let rdoc = doc(&format!("The out-parameters of `{wire_name}`."));
            let members = many.iter().map(|o| {
                let field = naming::snake(&o.name);
                let fid = ident(&field);
                let odoc = doc(o.doc.as_deref().unwrap_or(&format!("`{}`", o.name)));
                let ty = out_type(cx, o);
                let rename = rename(&field, &o.name);
                let attrs = out_attrs(cx, o);
                let serde_attr = if rename.is_empty() && attrs.is_empty() {
                    TokenStream::new()
                } else {
                    quote!(#[serde(#rename #attrs)])
                };
                quote! {
                    #odoc
                    #serde_attr
                    pub #fid: #ty,
                }
            });
            items.push(quote! {
                #rdoc
                #[derive(Debug, Clone, PartialEq, #serde::Deserialize)]
                #[serde(crate = #serde_crate, rename_all = "camelCase")]
                pub struct #result {
                    #(#members)*
                }
            });
            (quote!(#result), quote!(#result), quote!(wire))
        }
    };
    items.push(quote! {
        impl #rt::Method for #name #anon {
            type Api = #marker;
            const NAME: &'static str = #wire_name;
            type Wire = #wire;
            type Output = #output;
            fn output(wire: Self::Wire) -> Self::Output {
                #convert
            }
        }
    });
    items
}

/// The Rust type of an out-parameter.
pub(super) fn out_type(cx: &Cx<'_, '_>, o: &Param) -> TokenStream {
    let ty = cx.owned(&o.ty);
    if o.optional { quote!(Option<#ty>) } else { ty }
}

/// Serde attributes of an out-parameter: defaults for optional ones, lenient numbers.
fn out_attrs(cx: &Cx<'_, '_>, o: &Param) -> TokenStream {
    let runtime = &cx.opts.runtime;
    match (o.optional, o.lenient && cx.is_number(&o.ty)) {
        (false, false) => TokenStream::new(),
        (true, false) => quote!(default),
        (false, true) => {
            let de = format!("{runtime}::codec::lenient");
            quote!(deserialize_with = #de)
        }
        (true, true) => {
            let de = format!("{runtime}::codec::lenient_option");
            quote!(default, deserialize_with = #de)
        }
    }
}

/// The interface handle: one async fn per method.
fn handle(cx: &Cx<'_, '_>, iface: &Interface, methods: &[&Method]) -> Vec<TokenStream> {
    let rt = &cx.rt;
    let marker = &cx.marker;
    let handle = ident(HANDLE);
    let hdoc = doc(&format!(
        "The methods of `{}`, called through a session: `session.{}()`.",
        iface.name,
        naming::bare(&naming::snake(&iface.name))
    ));
    let fns = methods.iter().filter(|m| on_handle(m)).map(|m| {
        let fname = ident(&naming::snake(&m.name));
        let stem = cx.model.method_struct(iface, m);
        let sname = ident(&stem);
        let mdoc = doc(m.doc.as_deref().unwrap_or("A method of the interface."));
        let output = match m.result.as_slice() {
            [] => quote!(()),
            [one] => out_type(cx, one),
            _ => {
                let r = format_ident!("{stem}Result");
                quote!(#r)
            }
        };
        if m.params.len() > MAX_ARGS {
            let anon = lifetime_of(cx, m).map(|_| quote!(<'_>)).unwrap_or_default();
            quote! {
                #mdoc
                pub async fn #fname(&self, params: &#sname #anon) -> Result<#output, #rt::Error> {
                    self.0.call(params).await
                }
            }
        } else {
            let (args, names) = cx.fn_args(&m.params, false);
            quote! {
                #mdoc
                pub async fn #fname(&self, #(#args),*) -> Result<#output, #rt::Error> {
                    self.0.call(&#sname { #(#names),* }).await
                }
            }
        }
    });
    let streams = methods
        .iter()
        .filter(|m| on_handle(m) && m.params.len() < MAX_ARGS)
        .filter_map(|m| page_stream(cx, iface, m, methods));
    vec![
        quote! {
            #hdoc
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'s>(pub(crate) &'s #rt::Session<#marker>);
        },
        quote! {
            impl #handle<'_> {
                #(#fns)*
                #(#streams)*
            }
        },
        // Lets crates that extend the API reach the session behind a shipped handle.
        quote! {
            impl AsRef<#rt::Session<#marker>> for #handle<'_> {
                fn as_ref(&self) -> &#rt::Session<#marker> {
                    self.0
                }
            }
        },
    ]
}

/// `<method>_stream`: every item of a listing method (a query with `start` and `limit`,
/// a result with `list` and `totalItems`), fetched page after page.
fn page_stream(
    cx: &Cx<'_, '_>,
    iface: &Interface,
    m: &Method,
    methods: &[&Method],
) -> Option<TokenStream> {
    let int64 = |ty: &TypeRef| matches!(cx.model.shape(ty), Shape::Primitive(Primitive::Int64));
    let query = m.params.iter().find(|p| {
        !p.optional
            && match cx.model.shape(&p.ty) {
                Shape::Struct(def) => match &def.kind {
                    TypeKind::Struct(fields) => ["start", "limit"]
                        .iter()
                        .all(|n| fields.iter().any(|f| f.name == *n && int64(&f.ty))),
                    _ => false,
                },
                _ => false,
            }
    })?;
    let list = m.result.iter().find(|o| o.name == "list")?;
    let total = m
        .result
        .iter()
        .find(|o| o.name == "totalItems" && int64(&o.ty))?;
    let Shape::List(item) = cx.model.shape(&list.ty) else {
        return None;
    };
    if m.result.len() < 2 {
        return None;
    }
    let fname = format!("{}_stream", naming::bare(&naming::snake(&m.name)));
    if methods.iter().any(|o| naming::snake(&o.name) == fname) {
        return None;
    }
    let fname = ident(&fname);
    let rt = &cx.rt;
    let stem = cx.model.method_struct(iface, m);
    let sname = ident(&stem);
    let item = cx.owned(item);
    let (args, fields) = cx.fn_args(&m.params, false);
    let qid = ident(&naming::snake(&query.name));
    let names = fields.iter().zip(&m.params).map(|(fid, p)| {
        if p.name == query.name {
            quote!(#fid: &#fid)
        } else {
            quote!(#fid)
        }
    });
    let list_field = ident(&naming::snake(&list.name));
    let total_field = ident(&naming::snake(&total.name));
    let items = if list.optional {
        quote!(page.#list_field.unwrap_or_default())
    } else {
        quote!(page.#list_field)
    };
    let count = if total.optional {
        quote!(page.#total_field.unwrap_or(-1))
    } else {
        quote!(page.#total_field)
    };
    let sdoc = doc(&format!(
        "Every item `{}` lists, fetched page after page with `page_size` items per request. The query's own `start` and `limit` are replaced; the stream ends after the last page or with the first error.",
        m.name
    ));
    Some(quote! {
        #sdoc
        pub fn #fname(&self, #(#args,)* page_size: u32)
            -> impl #rt::__private::futures_util::Stream<Item = Result<#item, #rt::Error>>
        {
            let session = self.0;
            #rt::paging::pages(page_size, move |start, limit| {
                let mut #qid = #qid.clone();
                #qid.start = Some(start);
                #qid.limit = Some(limit);
                async move {
                    let page = session.call(&#sname { #(#names),* }).await?;
                    Ok((#items, #count))
                }
            })
        }
    })
}

/// `impl Admin { pub async fn login(...) }` from the method with the login role.
pub(super) fn login_fn(cx: &Cx<'_, '_>, marker: &Ident) -> TokenStream {
    let Some((iface, m)) = find_role(cx.model, Role::Login) else {
        return TokenStream::new();
    };
    let rt = &cx.rt;
    let module = ident(&naming::snake(&iface.name));
    let sname = ident(&cx.model.method_struct(iface, m));
    let (args, names) = cx.fn_args(&m.params, true);
    let ldoc = doc(&format!(
        "Logs in with `{}.{}` and returns the session.\n\n{}",
        iface.name,
        m.name,
        m.doc.as_deref().unwrap_or_default()
    ));
    let cfg = cx.cfg(&cx.model.interface_cfg(iface));
    quote! {
        #cfg
        impl #marker {
            #ldoc
            pub async fn login(client: &#rt::Client, #(#args),*) -> Result<#rt::Session<#marker>, #rt::Error> {
                client.login(&#module::#sname { #(#names),* }).await
            }
        }
    }
}

/// Session accessors of the interfaces and `logout`.
pub(super) fn session_impl(cx: &Cx<'_, '_>, marker: &Ident) -> TokenStream {
    let rt = &cx.rt;
    let mut fns = Vec::new();
    if let Some((iface, m)) = find_role(cx.model, Role::Logout) {
        let module = ident(&naming::snake(&iface.name));
        let stem = cx.model.method_struct(iface, m);
        let sname = ident(&stem);
        let cfg = cx.cfg(&cx.model.interface_cfg(iface));
        let output = match m.result.as_slice() {
            [] => quote!(()),
            [one] => super_to_self(out_type(cx, one)),
            _ => {
                let r = format_ident!("{stem}Result");
                quote!(#module::#r)
            }
        };
        let (args, names) = cx.fn_args(&m.params, true);
        let ldoc = doc(&format!(
            "Logs out with `{}.{}` and closes the session: later calls fail without reaching the appliance.\n\n{}",
            iface.name,
            m.name,
            m.doc.as_deref().unwrap_or_default()
        ));
        fns.push(quote! {
            #cfg
            #ldoc
            pub async fn logout(&self, #(#args),*) -> Result<#output, #rt::Error> {
                self.close(&#module::#sname { #(#names),* }).await
            }
        });
    }
    for iface in cx.model.interfaces() {
        if !has_handle(iface) {
            continue;
        }
        let module = naming::snake(&iface.name);
        let fname = ident(&module);
        let module = ident(&module);
        let handle = ident(HANDLE);
        let cfg = cx.cfg(&cx.model.interface_cfg(iface));
        let idoc = doc(&format!(
            "The `{}` interface: {}",
            iface.name,
            summary(iface.doc.as_deref()).unwrap_or("its methods.")
        ));
        fns.push(quote! {
            #cfg
            #idoc
            pub fn #fname(&self) -> #module::#handle<'_> {
                #module::#handle(self)
            }
        });
    }
    quote! {
        impl #rt::Session<#marker> {
            #(#fns)*
        }
    }
}

/// Rewrites `super::X` paths (as seen from a sub-module) to `self::X` (as seen from the
/// API module itself).
pub(super) fn super_to_self(ty: TokenStream) -> TokenStream {
    ty.into_iter()
        .map(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) if i == "super" => {
                proc_macro2::TokenTree::Ident(Ident::new("self", i.span()))
            }
            proc_macro2::TokenTree::Group(g) => {
                let mut ng = proc_macro2::Group::new(g.delimiter(), super_to_self(g.stream()));
                ng.set_span(g.span());
                proc_macro2::TokenTree::Group(ng)
            }
            other => other,
        })
        .collect()
}
