//! Named types: structs whose fields may all be left out (built with chained setters),
//! forward-compatible enums, aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, doc, ident, item_doc};
use crate::model::{Cfg, is_secret};
use crate::naming;
use crate::spec::*;

/// Tokens of one named type, behind the features that compile it in its API.
pub(super) fn type_def(cx: &Cx<'_, '_>, def: &TypeDef) -> TokenStream {
    type_def_with_cfg(cx, def, &cx.model.type_cfg[def.name.as_str()])
}

/// Tokens of one named type behind the given features.
pub(super) fn type_def_with_cfg(cx: &Cx<'_, '_>, def: &TypeDef, cfg: &Cfg) -> TokenStream {
    let cfg = cx.cfg(cfg);
    let body: Vec<TokenStream> = match &def.kind {
        TypeKind::Struct(fields) => structure(cx, def, fields),
        TypeKind::Enum(values) => enumeration(cx, def, values),
        TypeKind::Alias(of) => {
            let name = ident(&naming::camel(&def.name));
            let docs = type_doc(def);
            let of = cx.owned(of);
            vec![quote!(#docs pub type #name = #of;)]
        }
    };
    // Every item of the type (the type and its impls) carries the type's cfg.
    quote!(#(#cfg #body)*)
}

/// The doc of a type, its wire name when the spec gives none (the generated code denies
/// missing docs).
fn type_doc(def: &TypeDef) -> TokenStream {
    doc(def.doc.as_deref().unwrap_or(&format!("`{}`", def.name)))
}

/// A struct: every field optional on both sides, because the appliance sends partial
/// objects (`fields` of a SearchQuery) and accepts them (`set` details, `create` inputs).
fn structure(cx: &Cx<'_, '_>, def: &TypeDef, fields: &[Field]) -> Vec<TokenStream> {
    let name = ident(&naming::camel(&def.name));
    let docs = type_doc(def);
    let serde = &cx.serde;
    let serde_crate = &cx.serde_crate;
    let boxed = cx.model.boxed.get(def.name.as_str());
    let mut secret = false;
    let members = fields.iter().enumerate().map(|(index, f)| {
        let field = naming::snake(&f.name);
        let fid = ident(&field);
        // The generated code denies missing docs, and learned fields have none yet.
        let fdoc = doc(&item_doc(f.doc.as_deref(), &f.name, &f.examples));
        let mut ty = cx.owned(&f.ty);
        if boxed.is_some_and(|b| b.contains(&index)) {
            ty = quote!(Box<#ty>);
        }
        secret |= is_secret(&f.name);
        let rename = rename(&field, &f.name);
        // Other spellings the server sends for the field are read into it too.
        let aliases = f.aliases.iter().map(|a| quote!(alias = #a,));
        // Every field may be left out; nullable ones may also be `null` on the wire.
        let (ty, codec) = if f.nullable {
            let with = format!("{}::__private::codec::nullable", cx.opts.runtime);
            (quote!(Option<Option<#ty>>), quote!(, with = #with))
        } else if f.lenient && cx.is_number(&f.ty) {
            let de = format!("{}::__private::codec::lenient_option", cx.opts.runtime);
            (quote!(Option<#ty>), quote!(, deserialize_with = #de))
        } else {
            (quote!(Option<#ty>), TokenStream::new())
        };
        quote! {
            #fdoc
            #[serde(#rename #(#aliases)* default, skip_serializing_if = "Option::is_none" #codec)]
            pub #fid: #ty,
        }
    });
    let members: Vec<TokenStream> = members.collect();
    let derive_debug = if secret { quote!() } else { quote!(Debug,) };
    let mut items = vec![quote! {
        #docs
        #[derive(#derive_debug Clone, Default, PartialEq, #serde::Serialize, #serde::Deserialize)]
        #[serde(crate = #serde_crate, rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct #name {
            #(#members)*
        }
    }];
    if secret {
        let shown = fields
            .iter()
            .map(|f| (naming::snake(&f.name), is_secret(&f.name), true));
        let none = TokenStream::new();
        items.push(debug_impl(&name, &none, &none, shown));
    }
    if !fields.is_empty() {
        items.push(setters(cx, def, fields));
    }
    items
}

/// A chained setter per field, named like the field (`with_` before the names of the
/// methods of the traits the struct implements, which a setter must not shadow).
fn setters(cx: &Cx<'_, '_>, def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&naming::camel(&def.name));
    let boxed = cx.model.boxed.get(def.name.as_str());
    let hand_written = cx.opts.hand_written.get(&def.name);
    let fns = fields.iter().enumerate().filter_map(|(index, f)| {
        let field = naming::snake(&f.name);
        let fid = ident(&field);
        let setter = setter_name(&field);
        if hand_written.is_some_and(|h| h.contains(&setter.to_string())) {
            return None;
        }
        let ty = cx.owned(&f.ty);
        let mut value = quote!(value.into());
        if boxed.is_some_and(|b| b.contains(&index)) {
            value = quote!(::std::boxed::Box::new(#value));
        }
        if f.nullable {
            value = quote!(Some(#value));
        }
        let sdoc = doc(&match &f.doc {
            Some(d) => format!("Sets `{}`: {d}", f.name),
            None => format!("Sets `{}`.", f.name),
        });
        Some(quote! {
            #sdoc
            pub fn #setter(mut self, value: impl ::core::convert::Into<#ty>) -> Self {
                self.#fid = Some(#value);
                self
            }
        })
    });
    quote! {
        impl #name {
            #(#fns)*
        }
    }
}

/// Methods of the traits generated structs implement (and `new`), which a field setter
/// named like the field would shadow.
const TRAIT_METHODS: &[&str] = &[
    "clone",
    "clone_from",
    "default",
    "deserialize",
    "eq",
    "fmt",
    "into",
    "ne",
    "new",
    "serialize",
    "to_owned",
];

/// The setter of a field: its name, or `with_<name>` where that would shadow a method.
pub(crate) fn setter_name(field: &str) -> proc_macro2::Ident {
    let bare = naming::bare(field);
    if TRAIT_METHODS.contains(&bare) {
        ident(&format!("with_{bare}"))
    } else {
        ident(field)
    }
}

/// `rename = "wire",` when serde's camelCase of the Rust name is not the wire name.
pub(super) fn rename(field: &str, wire: &str) -> TokenStream {
    if naming::serde_camel(field) == wire {
        TokenStream::new()
    } else {
        quote!(rename = #wire,)
    }
}

/// A `Debug` impl that shows `[redacted]` for secret fields; `fields` are
/// (Rust name, secret, held in an `Option`).
pub(super) fn debug_impl(
    name: &proc_macro2::Ident,
    impl_generics: &TokenStream,
    ty_generics: &TokenStream,
    fields: impl Iterator<Item = (String, bool, bool)>,
) -> TokenStream {
    let label = name.to_string();
    let lines = fields.map(|(field, secret, optional)| {
        let fid = ident(&field);
        let shown = naming::bare(&field).to_owned();
        match (secret, optional) {
            (true, true) => quote!(.field(#shown, &self.#fid.as_ref().map(|_| "[redacted]"))),
            (true, false) => quote!(.field(#shown, &"[redacted]")),
            (false, _) => quote!(.field(#shown, &self.#fid)),
        }
    });
    quote! {
        impl #impl_generics ::std::fmt::Debug for #name #ty_generics {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label)
                    #(#lines)*
                    .finish()
            }
        }
    }
}

/// A string enum that keeps values it does not know in a catch-all variant.
fn enumeration(cx: &Cx<'_, '_>, def: &TypeDef, values: &[EnumValue]) -> Vec<TokenStream> {
    let name = ident(&naming::camel(&def.name));
    let rt = &cx.rt;
    let serde = &cx.serde;
    let type_name = &def.name;
    let variants: Vec<_> = values.iter().map(|v| naming::variant(&v.value)).collect();
    // Never another name: `naming::variant` keeps values off it, so a value regen adds
    // cannot rename the variant users match on.
    let unknown = ident(naming::UNKNOWN_VARIANT);
    let vid: Vec<_> = variants.iter().map(|v| ident(v)).collect();
    let wire: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let vdocs = values.iter().map(|v| match &v.doc {
        Some(d) => doc(d),
        None => doc(&format!("`{}`", v.value)),
    });
    let unknown_doc = doc(
        "A value this version of the spec does not know (newer firmware), kept as sent.\n\
         It equals the variant of the same wire value, if a newer spec has one.",
    );
    // Equality, hashing and order follow the wire string, not the variant: an `Unknown`
    // holding a known value is that value, and the order is the wire strings' (which
    // regen cannot move, as it would move the order of the variants by inserting one).
    let docs = doc(&format!(
        "{}\n\n\
         Values compare, hash and sort by their wire string ([`as_str`](Self::as_str)):\n\
         the order is the same whatever values a newer spec adds, and `Unknown` holding a\n\
         known value equals that value's variant. A `match` still tells them apart, so\n\
         build values from wire strings with `From`, which picks the variant.",
        def.doc.as_deref().unwrap_or(&format!("`{}`", def.name))
    ));
    let ty = quote! {
        #docs
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#vdocs #vid,)*
            #unknown_doc
            #unknown(String),
        }
    };
    // Each its own item: the caller puts the type's `cfg` on every item.
    let by_wire = [
        quote! {
            impl ::std::cmp::PartialEq for #name {
                fn eq(&self, other: &Self) -> bool {
                    self.as_str() == other.as_str()
                }
            }
        },
        quote! {
            impl ::std::cmp::Eq for #name {}
        },
        quote! {
            impl ::std::hash::Hash for #name {
                fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                    ::std::hash::Hash::hash(self.as_str(), state)
                }
            }
        },
        quote! {
            impl ::std::cmp::PartialOrd for #name {
                fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                    Some(self.cmp(other))
                }
            }
        },
        quote! {
            impl ::std::cmp::Ord for #name {
                fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                    self.as_str().cmp(other.as_str())
                }
            }
        },
        quote! {
            impl ::std::convert::From<&str> for #name {
                /// The variant of a wire string; `Unknown` only for a value the spec lacks.
                fn from(value: &str) -> Self {
                    <Self as #rt::__private::codec::WireEnum>::from_wire(value)
                }
            }
        },
        quote! {
            impl ::std::convert::From<String> for #name {
                /// The variant of a wire string; `Unknown` only for a value the spec lacks.
                fn from(value: String) -> Self {
                    <Self as #rt::__private::codec::WireEnum>::from_wire_owned(value)
                }
            }
        },
    ];
    let inherent = quote! {
        impl #name {
            /// The wire string of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#vid => #wire,)*
                    Self::#unknown(value) => value,
                }
            }
        }
    };
    let wire_enum = quote! {
        impl #rt::__private::codec::WireEnum for #name {
            const TYPE_NAME: &'static str = #type_name;
            fn from_wire(value: &str) -> Self {
                match value {
                    #(#wire => Self::#vid,)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
            fn from_wire_owned(value: String) -> Self {
                match value.as_str() {
                    #(#wire => Self::#vid,)*
                    _ => Self::#unknown(value),
                }
            }
            fn as_wire(&self) -> &str {
                self.as_str()
            }
        }
    };
    let ser = quote! {
        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #rt::__private::codec::serialize_enum(self, serializer)
            }
        }
    };
    let de = quote! {
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #rt::__private::codec::deserialize_enum(deserializer)
            }
        }
    };
    let display = quote! {
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    let mut items = vec![ty, inherent];
    items.extend(by_wire);
    items.extend([wire_enum, ser, de, display]);
    items
}
