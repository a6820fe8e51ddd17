//! The interface handle (`session.users()`), whose methods return calls bound to the
//! session, the page streams of listing methods, the API's login and the session's
//! accessors.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::methods::{
    MAX_ARGS, SESSION_FIELD, argument_init, argument_type, has_struct, lifetime_of, method_items,
    result_name, split_params,
};
use super::{Cx, doc, find_role, ident, summary};
use crate::model::{HANDLE, Shape, has_handle, on_handle};
use crate::naming;
use crate::spec::*;

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

/// The params of a method that are arguments, with lifetime `lt`, and their names.
pub(super) fn required_args(
    cx: &Cx<'_, '_>,
    m: &Method,
    lt: &TokenStream,
) -> (Vec<TokenStream>, Vec<Ident>) {
    split_params(m)
        .0
        .into_iter()
        .map(|p| {
            let fid = ident(&naming::snake(&p.name));
            let ty = argument_type(cx, p, lt);
            (quote!(#fid: #ty), fid)
        })
        .unzip()
}

/// The signature of a handle method returning its call bound to the session; `session`
/// is the type of the session reference (`&'a Session<Admin>`). `module` is the path of
/// the interface module as seen where the method is declared (empty inside it), for the
/// link to the result type.
pub(super) fn call_sig(cx: &Cx<'_, '_>, iface: &Interface, m: &Method, module: &str) -> CallSig {
    let rt = &cx.rt;
    let marker = &cx.marker;
    let fname = ident(&naming::snake(&m.name));
    let sname = ident(&cx.model.method_struct(iface, m));
    let lifetime = lifetime_of(cx, m);
    let lt = lifetime.clone().unwrap_or_else(|| quote!('s));
    let (args, names) = required_args(cx, m, &lt);
    let (generics, call) = match &lifetime {
        Some(l) => (quote!(<#l>), quote!(#sname<#l, &#l #rt::Session<#marker>>)),
        None => (
            TokenStream::new(),
            quote!(#sname<&'s #rt::Session<#marker>>),
        ),
    };
    let many = (args.len() + 1 > MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let mut text = m
        .doc
        .clone()
        .unwrap_or_else(|| "A method of the interface.".into());
    let (arguments, optional) = split_params(m);
    let omittable: Vec<String> = arguments
        .iter()
        .filter(|p| p.optional)
        .map(|p| format!("`{}`", naming::bare(&naming::snake(&p.name))))
        .collect();
    if !omittable.is_empty() {
        text.push_str(&format!(
            "\n\nThe appliance accepts the call without {}: pass the value, or `None` to leave it out.",
            omittable.join(", ")
        ));
    }
    if !optional.is_empty() {
        let setters: Vec<String> = optional
            .iter()
            .map(|p| format!("`.{}(..)`", naming::bare(&naming::snake(&p.name))))
            .collect();
        text.push_str(&format!(
            "\n\nOptional params are set on the returned call: {}.",
            setters.join(", ")
        ));
    }
    // The page of the method shows the bound call it returns; what awaiting it gives is
    // said here, and the wire name makes the method a search result for `Users.get`.
    let result = result_name(&cx.model.method_struct(iface, m));
    text.push_str(&format!(
        "\n\nReturns `Result<`[`{result}`]({module}{result})`, Error>` when awaited \
         (wire method `{}.{}`).",
        iface.name, m.name
    ));
    let wire = format!("{}.{}", iface.name, m.name);
    let text = doc(&text);
    let inits = split_params(m)
        .0
        .into_iter()
        .map(|p| argument_init(cx, p))
        .collect();
    CallSig {
        doc: quote!(#text #[doc(alias = #wire)]),
        many,
        fname,
        sname,
        generics,
        args,
        names,
        inits,
        optional: optional
            .iter()
            .map(|p| ident(&naming::snake(&p.name)))
            .collect(),
        call,
        has_lifetime: lifetime.is_some(),
    }
}

/// What a handle method is made of.
pub(super) struct CallSig {
    pub doc: TokenStream,
    pub many: Option<TokenStream>,
    pub fname: Ident,
    pub sname: Ident,
    pub generics: TokenStream,
    pub args: Vec<TokenStream>,
    pub names: Vec<Ident>,
    /// The field initializers of the arguments (`names`, converted where kept positional).
    pub inits: Vec<TokenStream>,
    pub optional: Vec<Ident>,
    pub call: TokenStream,
    pub has_lifetime: bool,
}

/// The interface handle: one method per method of the interface, returning the call.
fn handle(cx: &Cx<'_, '_>, iface: &Interface, methods: &[&Method]) -> Vec<TokenStream> {
    let rt = &cx.rt;
    let marker = &cx.marker;
    let handle = ident(HANDLE);
    let session = ident(SESSION_FIELD);
    let hdoc = doc(&format!(
        "The methods of `{}`, called through a session: `session.{}()`.",
        iface.name,
        naming::bare(&naming::snake(&iface.name))
    ));
    let fns = methods.iter().filter(|m| on_handle(m)).map(|m| {
        let CallSig {
            doc,
            many,
            fname,
            sname,
            generics,
            args,
            inits,
            optional,
            call,
            has_lifetime,
            ..
        } = call_sig(cx, iface, m, "");
        let bound = has_lifetime.then(|| quote!(where 's: 'a));
        quote! {
            #doc
            #many
            pub fn #fname #generics(&self, #(#args),*) -> #call #bound {
                #sname { #session: self.0, #(#inits,)* #(#optional: None,)* }
            }
        }
    });
    let streams = methods
        .iter()
        .filter(|m| on_handle(m))
        .filter_map(|m| page_stream(cx, iface, m, methods));
    vec![
        quote! {
            #hdoc
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'s>(pub(crate) &'s #rt::Session<#marker>);
        },
        quote! {
            impl<'s> #handle<'s> {
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

/// `<method>_stream`: every item of a listing method, fetched page after page, for the
/// methods whose spec declares `paging` (validated: integer offset and limit, a list and
/// an integer total).
fn page_stream(
    cx: &Cx<'_, '_>,
    iface: &Interface,
    m: &Method,
    methods: &[&Method],
) -> Option<TokenStream> {
    let paging = m.paging.as_ref()?;
    let list = m.result.iter().find(|o| o.name == paging.list)?;
    let total = m.result.iter().find(|o| o.name == paging.total)?;
    let Shape::List(item) = cx.model.shape(&list.ty) else {
        return None;
    };
    let fname = format!("{}_stream", naming::bare(&naming::snake(&m.name)));
    if methods.iter().any(|o| naming::snake(&o.name) == fname) {
        return None;
    }
    let fname = ident(&fname);
    let rt = &cx.rt;
    let sname = ident(&cx.model.method_struct(iface, m));
    let item = cx.owned(item);
    // The page's offset and size, as the param or field that takes them expects.
    let value = |path: &[String], var: TokenStream| -> Option<TokenStream> {
        let (param, field) = match path {
            [p] => (m.params.iter().find(|q| &q.name == p)?, None),
            [p, f] => (m.params.iter().find(|q| &q.name == p)?, Some(f)),
            _ => return None,
        };
        let ty = match field {
            None => &param.ty,
            Some(f) => match cx.model.shape(&param.ty) {
                Shape::Struct(def) => match &def.kind {
                    TypeKind::Struct(fields) => &fields.iter().find(|x| &x.name == f)?.ty,
                    _ => return None,
                },
                _ => return None,
            },
        };
        Some(match cx.model.shape(ty) {
            Shape::Primitive(Primitive::Int32) => {
                quote!(i32::try_from(#var).unwrap_or(i32::MAX))
            }
            _ => var,
        })
    };
    let start = value(&paging.offset, quote!(start))?;
    let limit = value(&paging.limit, quote!(limit))?;
    // An argument kept positional is generic (`impl Omittable<&'p [KId]>`), where a
    // reference needs a named lifetime.
    let kept = m
        .params
        .iter()
        .any(|p| p.optional && p.positional && cx.is_borrowed(&p.ty));
    let (stream_lt, stream_generics) = if kept {
        (quote!('p), quote!(<'p>))
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let (args, fields) = required_args(cx, m, &stream_lt);
    // Params the stream drives are not arguments of the stream.
    let driven = |fid: &Ident| {
        [&paging.offset, &paging.limit]
            .iter()
            .any(|p| p.len() == 1 && ident(&naming::snake(&p[0])) == *fid)
    };
    let args: Vec<TokenStream> = args
        .into_iter()
        .zip(fields)
        .filter(|(_, fid)| !driven(fid))
        .map(|(arg, _)| arg)
        .collect();
    // Params kept positional arrive as anything that gives an `Option`; each page's call
    // takes the `Option` itself (which is `Copy`, as the borrowed types are).
    let converted = m
        .params
        .iter()
        .filter(|p| p.optional && p.positional)
        .map(|p| {
            let fid = ident(&naming::snake(&p.name));
            quote!(let #fid = #rt::Omittable::into_param(#fid);)
        });
    let (setup, names) = match (paging.offset.as_slice(), paging.limit.as_slice()) {
        ([q, o], [_, l]) => {
            let qid = ident(&naming::snake(q));
            let (oid, lid) = (ident(&naming::snake(o)), ident(&naming::snake(l)));
            // A query kept positional is `None` when left out: each page sends it anyway,
            // empty but for the page's fields.
            let kept = m
                .params
                .iter()
                .any(|p| p.optional && p.positional && &p.name == q);
            let copied = if kept {
                quote!(#qid.cloned().unwrap_or_default())
            } else {
                quote!(#qid.clone())
            };
            let setup = quote! {
                let mut #qid = #copied;
                #qid.#oid = Some(#start);
                #qid.#lid = Some(#limit);
            };
            let names: Vec<TokenStream> = m
                .params
                .iter()
                .filter(|p| p.is_argument())
                .map(|p| {
                    let fid = ident(&naming::snake(&p.name));
                    if fid == qid {
                        quote!(&#fid)
                    } else {
                        quote!(#fid)
                    }
                })
                .collect();
            (setup, names)
        }
        ([o], [l]) => {
            let (oid, lid) = (ident(&naming::snake(o)), ident(&naming::snake(l)));
            let setup = quote! {
                let #oid = #start;
                let #lid = #limit;
            };
            let names = m
                .params
                .iter()
                .filter(|p| p.is_argument())
                .map(|p| {
                    let fid = ident(&naming::snake(&p.name));
                    quote!(#fid)
                })
                .collect();
            (setup, names)
        }
        _ => return None,
    };
    let list_field = ident(&naming::snake(&list.name));
    let total_field = ident(&naming::snake(&total.name));
    let items = if list.optional {
        quote!(page.#list_field.unwrap_or_default())
    } else {
        quote!(page.#list_field)
    };
    let count = if total.optional {
        quote!(page.#total_field.map_or(-1, i64::from))
    } else {
        quote!(i64::from(page.#total_field))
    };
    // Flags such as `refresh` go with the first page only: sent again, they make the
    // appliance recompute the list between pages, which duplicates or skips items.
    let first_only: Vec<Ident> = paging
        .first_page_only
        .iter()
        .map(|p| ident(&naming::snake(p)))
        .collect();
    let first_setup = if first_only.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            let first = ::std::mem::replace(&mut first_page, false);
            #(let #first_only = #first_only && first;)*
        }
    };
    let first_decl = if first_only.is_empty() {
        TokenStream::new()
    } else {
        quote!(let mut first_page = true;)
    };
    let first_doc = if paging.first_page_only.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = paging
            .first_page_only
            .iter()
            .map(|p| format!("`{p}`"))
            .collect();
        format!(
            " {} {} sent as given with the first page only and as `false` with the others, so that the list is not recomputed between pages.",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" }
        )
    };
    let sdoc = doc(&format!(
        "Every item `{}` lists, fetched page after page with `page_size` items per request (its `{}` and `{}` are set for each page; optional params are left out); the stream ends after the last page or with the first error.{first_doc}",
        m.name,
        paging.offset.join("."),
        paging.limit.join(".")
    ));
    // The total is an int32 or an int64 on the wire; one conversion serves both.
    let wire = format!("{}.{}", iface.name, m.name);
    Some(quote! {
        #sdoc
        #[doc(alias = #wire)]
        #[allow(clippy::useless_conversion)]
        pub fn #fname #stream_generics(&self, #(#args,)* page_size: u32)
            -> impl #rt::__private::futures_util::Stream<Item = Result<#item, #rt::Error>>
        {
            let session = self.0;
            #(#converted)*
            #first_decl
            #rt::paging::pages(page_size, move |start, limit| {
                #setup
                #first_setup
                async move {
                    let page = session.call(&#sname::new(#(#names),*)).await?;
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
    let (args, names) = required_args(cx, m, &TokenStream::new());
    let args = args.into_iter().map(super_to_self);
    let ldoc = doc(&format!(
        "Logs in with `{}.{}` and returns the session.\n\n{}\n\n\
         Optional params of the login are sent with `client.login(&{module}::{sname}::new(..).<param>(..))`.",
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
                client.login(&#module::#sname::new(#(#names),*)).await
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
        let result = result_name(&stem);
        let cfg = cx.cfg(&cx.model.interface_cfg(iface));
        let (args, names) = required_args(cx, m, &TokenStream::new());
        let args = args.into_iter().map(super_to_self);
        let ldoc = doc(&format!(
            "Logs out with `{}.{}` and closes the session: later calls fail without reaching the appliance.\n\n{}",
            iface.name,
            m.name,
            m.doc.as_deref().unwrap_or_default()
        ));
        fns.push(quote! {
            #cfg
            #ldoc
            pub async fn logout(&self, #(#args),*) -> Result<#module::#result, #rt::Error> {
                self.close(&#module::#sname::new(#(#names),*)).await
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
