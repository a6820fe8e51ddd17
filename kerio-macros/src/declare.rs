//! `#[kerio_macros::extend(api = "...")]` on a module of declarations: read them into the
//! spec model, generate through kerio-codegen, put the result in the module.

use std::collections::{BTreeMap, BTreeSet};

use kerio_codegen::DiagnosticKind;
use kerio_codegen::spec::{Api, Primitive, Source, TypeKind, TypeRef};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{AttrStyle, Item, ItemMod};

use crate::args;
use crate::attrs;
use crate::base::BaseApi;
use crate::engine;
use crate::errors::Errors;
use crate::lower::{self, Lowering, SOURCE};
use crate::types::Resolver;

const USAGE: &str = "#[kerio_macros::extend(api = \"admin\")]";

/// Expands the attribute.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = args::parse(args, &mut errors);
    let checked = args::check(&parsed.args, &["api", "ext_trait"], &mut errors);
    let base = args::base_api(&checked, parsed.complete, USAGE, &mut errors);
    let ext_trait = args::ext_trait(&checked, &mut errors);

    let module = match syn::parse2::<ItemMod>(item.clone()) {
        Ok(module) => module,
        Err(_) => {
            let at = match syn::parse2::<Item>(item.clone()) {
                Ok(Item::Trait(t)) => t.ident.to_token_stream(),
                Ok(Item::Struct(s)) => s.ident.to_token_stream(),
                Ok(Item::Enum(e)) => e.ident.to_token_stream(),
                _ => item.clone().into_iter().take(1).collect(),
            };
            errors.at(
                at,
                "`#[kerio_macros::extend]` goes on a module holding the declarations",
                Some("write `#[kerio_macros::extend(api = \"admin\")] mod firmware { .. }` around the traits and types"),
            );
            let errors = errors.to_compile_errors();
            return quote!(#errors #item);
        }
    };
    let Some((_, items)) = &module.content else {
        errors.at(
            &module,
            "the module needs a body: the macro reads the declarations inside it",
            Some("write `mod firmware { .. }` instead of `mod firmware;`"),
        );
        let errors = errors.to_compile_errors();
        return quote!(#errors #module);
    };

    let (generated, passthrough) = lower_and_generate(items, base, ext_trait, &mut errors);
    let outer = module
        .attrs
        .iter()
        .filter(|a| matches!(a.style, AttrStyle::Outer));
    let inner = module
        .attrs
        .iter()
        .filter(|a| matches!(a.style, AttrStyle::Inner(_)));
    let vis = &module.vis;
    let ident = &module.ident;
    let errors = errors.to_compile_errors();
    quote! {
        #errors
        #(#outer)*
        #vis mod #ident {
            #(#inner)*
            #(#passthrough)*
            #generated
        }
    }
}

/// Reads the declarations among `items` and generates them; returns the generated tokens
/// and the other items, which stay as they are.
fn lower_and_generate(
    items: &[Item],
    base: &'static BaseApi,
    ext_trait: Option<(String, syn::LitStr)>,
    errors: &mut Errors,
) -> (TokenStream, Vec<Item>) {
    // Rust names of the declared types first, so that declarations may refer to each other.
    let mut declared = BTreeMap::new();
    for item in items {
        let (ident, attrs) = match item {
            Item::Struct(s) => (&s.ident, &s.attrs),
            Item::Enum(e) => (&e.ident, &e.attrs),
            Item::Type(t) => (&t.ident, &t.attrs),
            _ => continue,
        };
        let rust = ident.unraw().to_string();
        let wire = lower::quiet_name(attrs).unwrap_or_else(|| rust.clone());
        declared.insert(rust, wire);
    }
    let mut lowering = Lowering {
        errors: std::mem::take(errors),
        resolver: Resolver {
            declared,
            by_value: BTreeSet::new(),
            base,
            base_rust: base
                .types
                .iter()
                .map(|t| (kerio_codegen::naming::camel(t), t.as_str()))
                .collect(),
        },
        spots: BTreeMap::new(),
        interfaces: Vec::new(),
        types: Vec::new(),
        generics: BTreeSet::new(),
    };
    for (index, item) in items.iter().enumerate() {
        if let Item::Type(t) = item {
            lowering.alias(t, index);
        }
    }
    lowering.resolver.by_value = by_value_aliases(&lowering);
    let mut passthrough = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match item {
            Item::Struct(s) => lowering.structure(s, index),
            Item::Enum(e) => lowering.enumeration(e, index),
            Item::Trait(t) => lowering.interface(t, index),
            Item::Type(_) => {}
            other => {
                let mut kept = other.clone();
                if let Some(attrs) = other_attrs(&mut kept)
                    && let Some(attr) = attrs::has_kerio(attrs)
                {
                    lowering.errors.at(
                        attr,
                        "`#[kerio(...)]` has no meaning on this item",
                        Some("the macro reads traits (interfaces), structs, enums and type aliases; other items stay as they are"),
                    );
                    // Reported once here, not again by rustc as an unknown attribute.
                    attrs.retain(|a| !a.path().is_ident("kerio"));
                }
                passthrough.push(kept);
            }
        }
    }

    let api = Api {
        manifest: base.manifest(),
        sources: vec![Source::new(SOURCE, "")],
        interfaces: std::mem::take(&mut lowering.interfaces),
        types: std::mem::take(&mut lowering.types),
    };
    let ext_name = ext_trait.as_ref().map(|(name, _)| name.clone());
    let outcome = engine::generate(api, &base.options(ext_name));
    for d in &outcome.diagnostics {
        let hint = d.hint.as_deref().map(|h| macro_hint(h, base));
        let tokens = match lowering.spots.get(&d.pointer) {
            Some(s) if matches!(d.kind, DiagnosticKind::UnknownType { .. }) => {
                s.ty.clone().unwrap_or(s.name.clone())
            }
            Some(s) => s.name.clone(),
            None => match &ext_trait {
                Some((_, lit)) => lit.to_token_stream(),
                None => {
                    lowering
                        .errors
                        .span(Span::call_site(), &d.message, hint.as_deref());
                    continue;
                }
            },
        };
        lowering.errors.at(tokens, &d.message, hint.as_deref());
    }
    *errors = lowering.errors;
    (outcome.tokens.unwrap_or_default(), passthrough)
}

/// Declared type aliases that stand for a number or a boolean: the generator passes them
/// by value.
fn by_value_aliases(lowering: &Lowering<'_>) -> BTreeSet<String> {
    let aliases: BTreeMap<&str, &TypeRef> = lowering
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Alias(of) => Some((t.name.as_str(), of)),
            _ => None,
        })
        .collect();
    let mut out = BTreeSet::new();
    for (&name, &of) in &aliases {
        let mut ty = of;
        for _ in 0..=aliases.len() {
            match ty {
                TypeRef::Named(n) => match aliases.get(n.as_str()) {
                    Some(next) => ty = next,
                    None => break,
                },
                TypeRef::Primitive(p) => {
                    if *p != Primitive::String && *p != Primitive::Any {
                        out.insert(name.to_owned());
                    }
                    break;
                }
                _ => break,
            }
        }
    }
    out
}

/// The attributes of an item the macro leaves alone.
fn other_attrs(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        _ => return None,
    })
}

/// Hints written for spec files, said the way a declaration module reads.
fn macro_hint(hint: &str, base: &BaseApi) -> String {
    match hint {
        "declare it under `types` in a file of this API" => format!(
            "declare it in this module (a struct, an enum or a type alias), or use a type of `kerio_api::{}`",
            base.name
        ),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn a_sound_module_expands_without_errors() {
        let out = super::expand(
            quote!(api = "admin"),
            quote! {
                pub mod firmware {
                    pub trait ActiveHosts {
                        #[kerio(out = "bandwidth")]
                        async fn get_bandwidth(&self, id: &str) -> i64;
                    }
                    pub trait Diagnostics {
                        async fn flush(&self);
                    }
                }
            },
        )
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("pub trait AdminExt"), "{out}");
        assert!(out.contains("pub trait ActiveHostsExt"), "{out}");
        assert!(out.contains("\"Diagnostics.flush\""), "{out}");
    }

    #[test]
    fn every_mistake_is_reported_and_the_rest_still_expands() {
        let out = super::expand(
            quote!(api = "admin"),
            quote! {
                mod firmware {
                    pub trait Diagnostics {
                        async fn ping(&self, host: String, count: u32);
                        async fn flush(&self);
                    }
                }
            },
        )
        .to_string();
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
        assert!(out.contains("\"Diagnostics.flush\""), "{out}");
    }
}
