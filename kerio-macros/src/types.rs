//! Rust types as declarations write them, read back into spec type references.
//!
//! A declaration is written the way the generated code reads, so each position has one
//! form: fields and results own their values (`String`, `Vec<T>`, `BTreeMap<String, T>`,
//! `T`), parameters are borrowed as the generated methods take them (`&str`, `&[T]`,
//! `&T`; numbers and booleans by value). Anything else is reported with the form to
//! write, and read as its closest meaning so that one mistake does not cascade.

use std::collections::{BTreeMap, BTreeSet};

use kerio_codegen::spec::{Primitive, TypeRef};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{GenericArgument, PathArguments, Type};

use crate::base::BaseApi;
use crate::errors::Errors;

/// What type names mean in one declaration module.
pub(crate) struct Resolver<'a> {
    /// Types the module declares: Rust name to wire name.
    pub declared: BTreeMap<String, String>,
    /// Wire names of declared types that are passed by value (aliases of numbers and
    /// booleans), as the generator passes them.
    pub by_value: BTreeSet<String>,
    /// The API being extended.
    pub base: &'a BaseApi,
    /// Its types: Rust name to wire name.
    pub base_rust: BTreeMap<String, &'static str>,
}

/// A type written as a path: `Vec<T>`, `std::collections::BTreeMap<String, T>`, `Foo`.
struct PathType<'t> {
    prefix: Vec<String>,
    name: String,
    args: Vec<&'t Type>,
    /// Lifetimes, consts or `Fn(..)` arguments, which no supported type has.
    odd_args: bool,
}

fn path_type(ty: &Type) -> Option<PathType<'_>> {
    let Type::Path(tp) = ty else { return None };
    if tp.qself.is_some() {
        return None;
    }
    let segments: Vec<_> = tp.path.segments.iter().collect();
    let (last, rest) = segments.split_last()?;
    let mut args = Vec::new();
    let mut odd_args = rest.iter().any(|s| !s.arguments.is_none());
    match &last.arguments {
        PathArguments::None => {}
        PathArguments::AngleBracketed(a) => {
            for arg in &a.args {
                match arg {
                    GenericArgument::Type(t) => args.push(t),
                    _ => odd_args = true,
                }
            }
        }
        PathArguments::Parenthesized(_) => odd_args = true,
    }
    Some(PathType {
        prefix: rest.iter().map(|s| s.ident.unraw().to_string()).collect(),
        name: last.ident.unraw().to_string(),
        args,
        odd_args,
    })
}

/// `ty` without `( )` or invisible groups around it.
fn bare(ty: &Type) -> &Type {
    match ty {
        Type::Paren(p) => bare(&p.elem),
        Type::Group(g) => bare(&g.elem),
        other => other,
    }
}

/// The type as the user wrote it, for messages: `Vec<Foo>`, `&str`.
pub(crate) fn show(ty: &impl ToTokens) -> String {
    let text = ty.to_token_stream().to_string();
    text.replace(" < ", "<")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" ,", ",")
        .replace("& ", "&")
        .replace("[ ", "[")
        .replace(" ]", "]")
}

/// The one type argument of `Option<T>`, when `ty` is that.
fn option_arg(ty: &Type) -> Option<&Type> {
    let p = path_type(bare(ty))?;
    let std_path =
        p.prefix.is_empty() || p.prefix == ["std", "option"] || p.prefix == ["core", "option"];
    (p.name == "Option" && std_path && !p.odd_args && p.args.len() == 1).then(|| p.args[0])
}

const NUMBER_HINT: &str = "Kerio integers are `i32` (known to fit 32 bits) or `i64` (any integer, e.g. byte counts); other numbers are `f64`";

impl Resolver<'_> {
    /// An owned type: of a field, a result or an alias.
    pub fn owned(&self, ty: &Type, errors: &mut Errors) -> TypeRef {
        let ty = bare(ty);
        match ty {
            Type::Path(_) => self.owned_path(ty, errors),
            Type::Reference(r) => {
                let owned = match path_type(bare(&r.elem)) {
                    Some(p) if p.name == "str" => "String".to_owned(),
                    _ => match bare(&r.elem) {
                        Type::Slice(s) => format!("Vec<{}>", show(&s.elem)),
                        other => show(other),
                    },
                };
                errors.at(
                    ty,
                    format!(
                        "`{}` borrows; fields and results own their values",
                        show(ty)
                    ),
                    Some(&format!("write `{owned}`")),
                );
                // What it meant, without a second error about the same tokens.
                let mut quiet = Errors::default();
                match bare(&r.elem) {
                    Type::Slice(s) => TypeRef::List(Box::new(self.owned(&s.elem, &mut quiet))),
                    Type::Path(p) if p.path.is_ident("str") => {
                        TypeRef::Primitive(Primitive::String)
                    }
                    elem => self.owned(elem, &mut quiet),
                }
            }
            Type::Tuple(t) if t.elems.is_empty() => {
                errors.at(ty, "`()` is not a value", Some("leave the type out"));
                TypeRef::Primitive(Primitive::Any)
            }
            _ => {
                errors.at(
                    ty,
                    format!("unsupported type `{}`", show(ty)),
                    Some(
                        "a Kerio value is `String`, `bool`, `i32`, `i64`, `f64`, `Vec<T>`, `BTreeMap<String, T>`, `serde_json::Value` or a named type",
                    ),
                );
                TypeRef::Primitive(Primitive::Any)
            }
        }
    }

    fn owned_path(&self, ty: &Type, errors: &mut Errors) -> TypeRef {
        let Some(p) = path_type(ty) else {
            errors.at(ty, format!("unsupported type `{}`", show(ty)), None);
            return TypeRef::Primitive(Primitive::Any);
        };
        let prefix: Vec<&str> = p.prefix.iter().map(String::as_str).collect();
        let std_ok =
            |allowed: &[&[&str]]| prefix.is_empty() || allowed.contains(&prefix.as_slice());
        let arity = |n: usize, errors: &mut Errors| -> bool {
            if p.odd_args || p.args.len() != n {
                errors.at(
                    ty,
                    format!(
                        "`{}` takes {n} type argument{}",
                        p.name,
                        if n == 1 { "" } else { "s" }
                    ),
                    None,
                );
                false
            } else {
                true
            }
        };
        let prim = |q| TypeRef::Primitive(q);
        // The module's own types come first, whatever their names.
        if prefix.is_empty()
            && p.args.is_empty()
            && !p.odd_args
            && let Some(wire) = self.declared.get(&p.name)
        {
            return TypeRef::Named(wire.clone());
        }
        match p.name.as_str() {
            "String" if std_ok(&[&["std", "string"], &["alloc", "string"]]) => {
                arity(0, errors);
                prim(Primitive::String)
            }
            "bool" | "i32" | "i64" | "f64" if prefix.is_empty() => {
                arity(0, errors);
                prim(match p.name.as_str() {
                    "bool" => Primitive::Boolean,
                    "i32" => Primitive::Int32,
                    "i64" => Primitive::Int64,
                    _ => Primitive::Double,
                })
            }
            "Value" if std_ok(&[&["serde_json"], &["kerio_api", "__private", "serde_json"]]) => {
                arity(0, errors);
                prim(Primitive::Any)
            }
            "Vec" if std_ok(&[&["std", "vec"], &["alloc", "vec"]]) => {
                if arity(1, errors) {
                    TypeRef::List(Box::new(self.owned(p.args[0], errors)))
                } else {
                    TypeRef::List(Box::new(prim(Primitive::Any)))
                }
            }
            "BTreeMap" | "HashMap"
                if std_ok(&[
                    &["std", "collections"],
                    &["alloc", "collections"],
                    &["collections"],
                ]) =>
            {
                if p.name == "HashMap" {
                    errors.at(
                        ty,
                        "maps are `BTreeMap<String, T>`",
                        Some("the generated code uses `BTreeMap` so that output is deterministic"),
                    );
                }
                if !arity(2, errors) {
                    return TypeRef::Map(Box::new(prim(Primitive::Any)));
                }
                if !matches!(
                    self.owned_quiet(p.args[0]),
                    Some(TypeRef::Primitive(Primitive::String))
                ) {
                    errors.at(
                        p.args[0],
                        "map keys are strings",
                        Some("write `BTreeMap<String, T>`"),
                    );
                }
                TypeRef::Map(Box::new(self.owned(p.args[1], errors)))
            }
            "Option" if std_ok(&[&["std", "option"], &["core", "option"]]) => {
                errors.at(
                    ty,
                    "`Option` is only allowed around a whole field, parameter or result",
                    None,
                );
                match p.args.first() {
                    Some(inner) => self.owned(inner, errors),
                    None => prim(Primitive::Any),
                }
            }
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i128" | "isize"
                if prefix.is_empty() =>
            {
                errors.at(
                    ty,
                    format!("unsupported number type `{}`", p.name),
                    Some(NUMBER_HINT),
                );
                prim(Primitive::Int64)
            }
            "f32" if prefix.is_empty() => {
                errors.at(ty, "unsupported number type `f32`", Some(NUMBER_HINT));
                prim(Primitive::Double)
            }
            "char" | "str" if prefix.is_empty() => {
                errors.at(
                    ty,
                    format!("unsupported type `{}`", p.name),
                    Some("text is `String`"),
                );
                prim(Primitive::String)
            }
            "Box" | "Rc" | "Arc" | "Cow" if p.args.len() == 1 => {
                errors.at(
                    ty,
                    format!("`{}` is not needed here", p.name),
                    Some("write the type itself; the generator boxes recursive fields"),
                );
                self.owned(p.args[0], errors)
            }
            name => {
                if p.odd_args || !p.args.is_empty() {
                    errors.at(
                        ty,
                        format!("unsupported generic type `{}`", show(ty)),
                        Some("named Kerio types take no type arguments"),
                    );
                    return prim(Primitive::Any);
                }
                let base_path = ["kerio_api", self.base.name.as_str()];
                if !prefix.is_empty() && prefix != base_path {
                    errors.at(
                        ty,
                        format!("cannot refer to `{}` here", show(ty)),
                        Some(&format!(
                            "refer to a type by its name (`{name}`) or as `kerio_api::{}::{name}`",
                            self.base.name
                        )),
                    );
                }
                // A type of the base API by its Rust name (`BmCondition` is `BMCondition`
                // on the wire), by its wire name, or an unknown name that validation
                // reports with a suggestion.
                let wire = self.base_rust.get(name).copied().unwrap_or(name);
                // The base API's aliases are taken as what they stand for, as kerio-api's
                // own methods take them (`KId` is `&str`).
                self.base
                    .alias(wire)
                    .unwrap_or_else(|| TypeRef::Named(wire.to_owned()))
            }
        }
    }

    /// `owned` without reporting anything, for checks.
    fn owned_quiet(&self, ty: &Type) -> Option<TypeRef> {
        let mut errors = Errors::default();
        let t = self.owned(ty, &mut errors);
        errors.is_empty().then_some(t)
    }

    /// True when the generator passes a value of this type by value.
    fn passed_by_value(&self, t: &TypeRef) -> bool {
        match t {
            TypeRef::Primitive(p) => *p != Primitive::String && *p != Primitive::Any,
            TypeRef::Named(n) => self.by_value.contains(n),
            TypeRef::List(_) | TypeRef::Map(_) => false,
        }
    }

    /// A parameter: `Option<..>` makes it optional; the rest is the borrowed form.
    pub fn param(&self, ty: &Type, errors: &mut Errors) -> (TypeRef, bool) {
        match option_arg(ty) {
            Some(inner) => {
                if option_arg(inner).is_some() {
                    errors.at(ty, "a parameter is optional once: `Option<T>`", None);
                }
                (self.borrowed(inner, errors), true)
            }
            None => (self.borrowed(ty, errors), false),
        }
    }

    fn borrowed(&self, ty: &Type, errors: &mut Errors) -> TypeRef {
        let ty = bare(ty);
        if let Type::Reference(r) = ty {
            if r.mutability.is_some() {
                errors.at(
                    ty,
                    "parameters are shared references",
                    Some("write `&T`, not `&mut T`"),
                );
            }
            let elem = bare(&r.elem);
            if let Type::Slice(s) = elem {
                return TypeRef::List(Box::new(self.owned(&s.elem, errors)));
            }
            if let Some(p) = path_type(elem)
                && p.name == "str"
                && p.prefix.is_empty()
            {
                return TypeRef::Primitive(Primitive::String);
            }
            let before = errors.len();
            let t = self.owned(elem, errors);
            if errors.len() > before {
                return t;
            }
            let fix = match &t {
                TypeRef::Primitive(Primitive::String) => Some("pass text as `&str`".to_owned()),
                TypeRef::List(_) => Some("pass a list as a slice: `&[T]`".to_owned()),
                other if self.passed_by_value(other) => {
                    Some(format!("pass `{}` by value: `{}`", show(elem), show(elem)))
                }
                _ => None,
            };
            if let Some(fix) = fix {
                errors.at(
                    ty,
                    format!("the generated method does not take `{}`", show(ty)),
                    Some(&fix),
                );
            }
            return t;
        }
        let before = errors.len();
        let t = self.owned(ty, errors);
        if errors.len() == before && !self.passed_by_value(&t) {
            let fix = match &t {
                TypeRef::Primitive(Primitive::String) => "pass text as `&str`".to_owned(),
                TypeRef::List(_) => "pass a list as a slice: `&[T]`".to_owned(),
                _ => format!("pass it by reference: `&{}`", show(ty)),
            };
            errors.at(
                ty,
                format!("the generated method does not take `{}`", show(ty)),
                Some(&fix),
            );
        }
        t
    }

    /// A result: `Option<..>` means the appliance may leave it out.
    pub fn out(&self, ty: &Type, errors: &mut Errors) -> (TypeRef, bool) {
        match option_arg(ty) {
            Some(inner) => (self.owned(inner, errors), true),
            None => (self.owned(ty, errors), false),
        }
    }

    /// A struct field: `Option<T>`, or `Option<Option<T>>` for one that may be `null`.
    pub fn field(&self, ty: &Type, errors: &mut Errors) -> (TypeRef, bool) {
        match option_arg(ty) {
            Some(inner) => match option_arg(inner) {
                Some(innermost) => (self.owned(innermost, errors), true),
                None => (self.owned(inner, errors), false),
            },
            None => {
                errors.at(
                    ty,
                    format!("a field of a Kerio struct is optional: `Option<{}>`", show(ty)),
                    Some(
                        "the appliance sends and accepts partial objects, so every field is an `Option` (`Option<Option<T>>` for one that may be `null`)",
                    ),
                );
                (self.owned(ty, errors), false)
            }
        }
    }
}
