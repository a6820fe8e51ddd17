//! Declarations read into the spec model: traits become interfaces, their `async fn`s
//! methods, structs, enums and type aliases named types, exactly as if they had been
//! written as a spec file. Every item gets a location (a JSON-pointer-like path) that maps
//! the generator's diagnostics back to the tokens they are about.

use std::collections::{BTreeMap, BTreeSet};

use kerio_codegen::naming;
use kerio_codegen::spec::*;
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{Attribute, Ident, ItemEnum, ItemStruct, ItemType, LitStr};

use crate::args::{self, Arg};
use crate::attrs::{self, Attrs};
use crate::errors::Errors;
use crate::types::Resolver;

mod interface;

/// The display path of the one source of a declaration module.
pub(crate) const SOURCE: &str = "this module";

/// The module every declared type is generated into (re-exported beside the interfaces).
const TYPES_MODULE: &str = "types";

/// Where an item of the spec was declared.
pub(crate) struct Spot {
    /// The tokens naming the item (its ident, or its wire name literal).
    pub name: TokenStream,
    /// The tokens of its type, for problems with the type.
    pub ty: Option<TokenStream>,
}

/// Reads declarations into an [`Api`] and remembers where each item came from.
pub(crate) struct Lowering<'a> {
    pub errors: Errors,
    pub resolver: Resolver<'a>,
    pub spots: BTreeMap<String, Spot>,
    pub interfaces: Vec<Interface>,
    pub types: Vec<TypeDef>,
    /// Type parameters of the item being read (an error already): references to them
    /// become `any` instead of "unknown type" errors.
    pub generics: BTreeSet<String>,
}

fn loc(pointer: &str) -> Loc {
    Loc {
        file: 0,
        pointer: pointer.to_owned(),
        offset: 0,
    }
}

/// The `name = "..."` of `#[kerio(...)]` without reporting anything (a first pass).
pub(crate) fn quiet_name(attrs: &[Attribute]) -> Option<String> {
    let mut errors = Errors::default();
    let read = attrs::read(attrs, "", &mut errors);
    let mut errors = Errors::default();
    read.args
        .iter()
        .find(|a| a.name() == "name")
        .and_then(|a| a.string(&mut errors).map(LitStr::value))
}

/// A name the declaration gives: the `name` argument or the Rust identifier.
struct Named {
    wire: String,
    /// Whether `name = "..."` gave it.
    explicit: bool,
    /// Tokens to point at for problems with the name.
    at: TokenStream,
}

/// One `out(...)` entry: `/// doc` `#[kerio(..)]` `name: Type`.
impl Lowering<'_> {
    fn spot(&mut self, pointer: &str, name: impl ToTokens, ty: Option<&dyn ToTokens>) {
        self.spots.insert(
            pointer.to_owned(),
            Spot {
                name: name.into_token_stream(),
                ty: ty.map(ToTokens::to_token_stream),
            },
        );
    }

    /// Checks the arguments of `#[kerio(...)]` and returns them with the doc comment.
    fn attrs<'x>(&mut self, read: &'x Attrs, allowed: &[&str]) -> Vec<&'x Arg> {
        args::check(&read.args, allowed, &mut self.errors)
    }

    /// The wire name from `name = "..."` (checked) or the default.
    fn wire_name(
        &mut self,
        args: &[&Arg],
        ident: &Ident,
        default: String,
        what: &str,
        any_text: bool,
    ) -> Named {
        let Some(lit) = args::get(args, "name").and_then(|a| a.string(&mut self.errors)) else {
            return Named {
                wire: default,
                explicit: false,
                at: ident.to_token_stream(),
            };
        };
        let wire = lit.value();
        let ok = if any_text {
            !wire.is_empty()
        } else {
            naming::is_wire_name(&wire)
        };
        if !ok {
            if any_text {
                self.errors
                    .at(lit, format!("an {what} must not be empty"), None);
            } else {
                self.errors.at(
                    lit,
                    format!("invalid {what} name `{wire}`"),
                    Some("wire names are ASCII letters, digits and `_`, not starting with a digit"),
                );
            }
            return Named {
                wire: default,
                explicit: false,
                at: lit.to_token_stream(),
            };
        }
        Named {
            wire,
            explicit: true,
            at: lit.to_token_stream(),
        }
    }

    /// The generated code names the item after its wire name (`to_rust`); the declaration
    /// must use that name, or callers would not find what they declared. `to_wire` gives
    /// the default wire name of a Rust name.
    fn rust_name(
        &mut self,
        ident: &Ident,
        name: &Named,
        what: &str,
        to_rust: fn(&str) -> String,
        to_wire: fn(&str) -> String,
    ) {
        let written = ident.to_string();
        let wire = &name.wire;
        let rust = to_rust(wire);
        if written == rust {
            return;
        }
        let hint = if name.explicit {
            format!("rename it to `{rust}`: generated names follow the wire name")
        } else if to_wire(naming::bare(&rust)) == *wire {
            format!("rename it to `{rust}`; its wire name stays `{wire}`")
        } else {
            format!(
                "rename it to `{rust}` and keep the wire name with `#[kerio(name = \"{wire}\")]`"
            )
        };
        self.errors.at(
            ident,
            format!(
                "{what} `{written}` with wire name `{wire}` is named `{rust}` in the generated code"
            ),
            Some(&hint),
        );
    }

    /// Starts reading an item with type parameters (already an error).
    fn generics_of(&mut self, generics: &syn::Generics) {
        self.generics = generics
            .type_params()
            .map(|t| t.ident.to_string())
            .collect();
    }

    /// Replaces references to the item's own type parameters by `any`.
    fn erase(&self, ty: TypeRef) -> TypeRef {
        match ty {
            TypeRef::Named(n) if self.generics.contains(&n) => TypeRef::Primitive(Primitive::Any),
            TypeRef::List(t) => TypeRef::List(Box::new(self.erase(*t))),
            TypeRef::Map(t) => TypeRef::Map(Box::new(self.erase(*t))),
            other => other,
        }
    }

    /// What every type declaration starts with: its attributes (only `name` allowed), its
    /// wire name checked against the Rust name, no generics, and its spot in the spec
    /// (`/types/{index}`, pointing at `ty` when given). Returns the doc and the name.
    fn type_head(
        &mut self,
        item_attrs: &[syn::Attribute],
        ident: &Ident,
        generics: &syn::Generics,
        what: &str,
        index: usize,
        ty: Option<&dyn ToTokens>,
    ) -> (Option<String>, Named, String) {
        let read = attrs::read(item_attrs, what, &mut self.errors);
        let args = self.attrs(&read, &["name"]);
        let name = self.wire_name(&args, ident, ident.unraw().to_string(), "type", false);
        self.rust_name(ident, &name, "type", naming::camel, str::to_owned);
        self.no_generics(generics, what);
        let pointer = format!("/types/{index}");
        self.spot(&pointer, &name.at, ty);
        (read.doc.clone(), name, pointer)
    }

    /// A `type` alias.
    pub fn alias(&mut self, item: &ItemType, index: usize) {
        self.generics_of(&item.generics);
        let (doc, name, pointer) = self.type_head(
            &item.attrs,
            &item.ident,
            &item.generics,
            "a type alias",
            index,
            Some(&item.ty),
        );
        let of = self.resolver.owned(&item.ty, &mut self.errors);
        let of = self.erase(of);
        self.types.push(TypeDef {
            name: name.wire,
            doc,
            kind: TypeKind::Alias(of),
            home: Home::Shared(TYPES_MODULE.into()),
            loc: loc(&pointer),
        });
    }

    /// A struct: named fields, each `Option<T>`.
    pub fn structure(&mut self, item: &ItemStruct, index: usize) {
        self.generics_of(&item.generics);
        let (doc, name, pointer) = self.type_head(
            &item.attrs,
            &item.ident,
            &item.generics,
            "a struct",
            index,
            None,
        );
        let mut fields = Vec::new();
        match &item.fields {
            syn::Fields::Named(named) => {
                for (k, f) in named.named.iter().enumerate() {
                    let Some(ident) = &f.ident else { continue };
                    let read = attrs::read(&f.attrs, "a field", &mut self.errors);
                    let args = self.attrs(&read, &["name", "optional", "lenient"]);
                    let fname = self.wire_name(
                        &args,
                        ident,
                        naming::serde_camel(&ident.to_string()),
                        "field",
                        false,
                    );
                    self.rust_name(ident, &fname, "field", naming::snake, naming::serde_camel);
                    let (ty, nullable) = self.resolver.field(&f.ty, &mut self.errors);
                    let ty = self.erase(ty);
                    let fp = format!("{pointer}/fields/{k}");
                    self.spot(&fp, &fname.at, Some(&f.ty));
                    fields.push(Field {
                        name: fname.wire,
                        ty,
                        optional: self.flag(&args, "optional"),
                        nullable,
                        lenient: self.flag(&args, "lenient"),
                        aliases: Vec::new(),
                        examples: Vec::new(),
                        doc: read.doc.clone(),
                        loc: loc(&fp),
                    });
                }
            }
            other => self.errors.at(
                if matches!(other, syn::Fields::Unit) {
                    item.ident.to_token_stream()
                } else {
                    other.to_token_stream()
                },
                "a Kerio struct has named fields",
                Some("write `struct Name { field: Option<T>, .. }`"),
            ),
        }
        self.types.push(TypeDef {
            name: name.wire,
            doc,
            kind: TypeKind::Struct(fields),
            home: Home::Shared(TYPES_MODULE.into()),
            loc: loc(&pointer),
        });
    }

    /// An enum of string values: unit variants.
    pub fn enumeration(&mut self, item: &ItemEnum, index: usize) {
        let (doc, name, pointer) = self.type_head(
            &item.attrs,
            &item.ident,
            &item.generics,
            "an enum",
            index,
            None,
        );
        let mut values = Vec::new();
        for (k, v) in item.variants.iter().enumerate() {
            let read = attrs::read(&v.attrs, "an enum variant", &mut self.errors);
            let args = self.attrs(&read, &["name"]);
            let value = self.wire_name(
                &args,
                &v.ident,
                v.ident.unraw().to_string(),
                "enum value",
                true,
            );
            self.rust_name(&v.ident, &value, "variant", naming::variant, str::to_owned);
            if !matches!(v.fields, syn::Fields::Unit) {
                self.errors.at(
                    &v.fields,
                    "a Kerio enum is a set of strings: its variants hold no data",
                    Some("the generator adds an `Unknown(String)` variant for values it does not know"),
                );
            }
            if let Some((_, expr)) = &v.discriminant {
                self.errors.at(
                    expr,
                    "a Kerio enum is a set of strings: its variants have no discriminant",
                    Some("give the wire string with `#[kerio(name = \"...\")]`"),
                );
            }
            let vp = format!("{pointer}/values/{k}");
            self.spot(&vp, &value.at, None);
            values.push(EnumValue {
                value: value.wire,
                doc: read.doc.clone(),
                loc: loc(&vp),
            });
        }
        self.types.push(TypeDef {
            name: name.wire,
            doc,
            kind: TypeKind::Enum(values),
            home: Home::Shared(TYPES_MODULE.into()),
            loc: loc(&pointer),
        });
    }

    /// An out-parameter.
    fn out_param(
        &self,
        name: String,
        ty: TypeRef,
        optional: bool,
        lenient: bool,
        doc: Option<String>,
        pointer: &str,
    ) -> Param {
        Param {
            name,
            ty: self.erase(ty),
            optional,
            positional: false,
            lenient,
            examples: Vec::new(),
            doc,
            loc: loc(pointer),
        }
    }

    /// Whether a flag is given (and given without a value).
    fn flag(&mut self, args: &[&Arg], key: &str) -> bool {
        args::get(args, key).is_some_and(|a| a.flag(&mut self.errors))
    }

    /// Reports type parameters, lifetimes and where clauses.
    fn no_generics(&mut self, generics: &syn::Generics, what: &str) {
        if !generics.params.is_empty() || generics.where_clause.is_some() {
            self.errors.at(
                generics,
                format!("{what} of a Kerio API takes no generics"),
                None,
            );
        }
    }
}
