//! Traits read as interfaces: their `async fn`s as methods with parameters and
//! out-parameters.

use kerio_codegen::naming;
use kerio_codegen::spec::*;
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, FnArg, Ident, ItemTrait, Pat, ReturnType, Token, TraitItem, TraitItemFn, Type,
};

use super::{Lowering, loc};
use crate::args::{self, Arg, Value};
use crate::attrs;
use crate::errors::Errors;
use crate::types::show;
use kerio_codegen::naming::is_wire_name;

struct OutDecl {
    attrs: Vec<Attribute>,
    ident: Ident,
    ty: Type,
}

impl Parse for OutDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let ident = input.call(Ident::parse_any)?;
        input.parse::<Token![:]>()?;
        let ty = input.parse()?;
        Ok(OutDecl { attrs, ident, ty })
    }
}

impl Lowering<'_> {
    /// A trait: one interface; its methods `async fn name(&self, ..) -> T;`.
    pub fn interface(&mut self, item: &ItemTrait, index: usize) {
        let read = attrs::read(&item.attrs, "an interface trait", &mut self.errors);
        let args = self.attrs(&read, &["name"]);
        let name = self.wire_name(
            &args,
            &item.ident,
            item.ident.unraw().to_string(),
            "interface",
            false,
        );
        self.no_generics(&item.generics, "an interface trait");
        if let Some(colon) = &item.colon_token {
            let mut bounds = colon.to_token_stream();
            item.supertraits.to_tokens(&mut bounds);
            self.errors
                .at(bounds, "an interface trait has no supertraits", None);
        }
        if let Some(unsafety) = &item.unsafety {
            self.errors
                .at(unsafety, "an interface trait is not `unsafe`", None);
        }
        let pointer = format!("/interfaces/{index}");
        self.spot(&pointer, &name.at, None);
        let mut methods = Vec::new();
        for (k, trait_item) in item.items.iter().enumerate() {
            match trait_item {
                TraitItem::Fn(f) => methods.push(self.method(f, &format!("{pointer}/methods/{k}"))),
                other => self.errors.at(
                    other,
                    "an interface trait holds only methods",
                    Some("declare a method as `async fn name(&self, param: &str) -> T;`; types go beside the trait"),
                ),
            }
        }
        self.interfaces.push(Interface {
            name: name.wire,
            group: None,
            doc: read.doc.clone(),
            methods,
            loc: loc(&pointer),
        });
    }

    fn method(&mut self, f: &TraitItemFn, pointer: &str) -> Method {
        let read = attrs::read(&f.attrs, "a method", &mut self.errors);
        let args = self.attrs(&read, &["name", "out", "lenient"]);
        let sig = &f.sig;
        let name = self.wire_name(
            &args,
            &sig.ident,
            naming::serde_camel(&sig.ident.to_string()),
            "method",
            false,
        );
        self.rust_name(
            &sig.ident,
            &name,
            "method",
            naming::snake,
            naming::serde_camel,
        );
        self.spot(pointer, &name.at, None);
        if sig.asyncness.is_none() {
            self.errors.at(
                sig.fn_token,
                "interface methods are async",
                Some(&format!("write `async fn {}(..)`", sig.ident)),
            );
        }
        if let Some(c) = &sig.constness {
            self.errors.at(c, "interface methods are not `const`", None);
        }
        if !matches!(sig.safety, syn::Safety::Default) || sig.abi.is_some() {
            self.errors.at(
                sig.fn_token,
                "interface methods are plain `async fn`s",
                None,
            );
        }
        self.no_generics(&sig.generics, "a method");
        self.generics_of(&sig.generics);
        if let Some(v) = &sig.variadic {
            self.errors
                .at(v, "interface methods are not variadic", None);
        }
        if let Some(body) = &f.default {
            self.errors.at(
                body,
                "leave the body out: the macro generates it",
                Some("end the declaration with `;`"),
            );
        }
        let mut inputs = sig.inputs.iter();
        match inputs.next() {
            Some(FnArg::Receiver(r))
                if matches!(r.kind, syn::ReceiverKind::Reference(_, _, None))
                    && r.mutability.is_none() => {}
            Some(FnArg::Receiver(r)) => {
                self.errors.at(r, "interface methods take `&self`", None);
            }
            _ => self.errors.at(
                &sig.ident,
                "interface methods take `&self` first",
                Some(&format!("write `async fn {}(&self, ..)`", sig.ident)),
            ),
        }
        let mut params = Vec::new();
        for (k, arg) in inputs.enumerate() {
            let FnArg::Typed(pt) = arg else {
                self.errors.at(arg, "`self` comes first, once", None);
                continue;
            };
            let ident = match &*pt.pat {
                Pat::Ident(pi)
                    if pi.by_ref.is_none() && pi.mutability.is_none() && pi.subpat.is_none() =>
                {
                    pi.ident.clone()
                }
                other => {
                    self.errors.at(
                        other,
                        "a parameter is a plain name",
                        Some("write `name: Type`"),
                    );
                    continue;
                }
            };
            let read = attrs::read(&pt.attrs, "a parameter", &mut self.errors);
            let pargs = self.attrs(&read, &["name", "lenient"]);
            let pname = self.wire_name(
                &pargs,
                &ident,
                naming::serde_camel(&ident.to_string()),
                "parameter",
                false,
            );
            self.rust_name(
                &ident,
                &pname,
                "parameter",
                naming::snake,
                naming::serde_camel,
            );
            // The parameters of a generic method are not worth more errors.
            let (ty, optional) = if self.generics.is_empty() {
                self.resolver.param(&pt.ty, &mut self.errors)
            } else {
                self.resolver.param(&pt.ty, &mut Errors::default())
            };
            let ty = self.erase(ty);
            let pp = format!("{pointer}/params/{k}");
            self.spot(&pp, &pname.at, Some(&pt.ty));
            params.push(Param {
                name: pname.wire,
                ty,
                optional,
                positional: false,
                lenient: self.flag(&pargs, "lenient"),
                examples: Vec::new(),
                doc: read.doc.clone(),
                loc: loc(&pp),
            });
        }
        let result = self.results(&args, sig, &name.wire, pointer);
        Method {
            name: name.wire,
            role: None,
            doc: read.doc.clone(),
            params,
            result,
            paging: None,
            sessionless: false,
            idempotent: false,
            loc: loc(pointer),
        }
    }

    /// The out-parameters: none, any number declared with `#[kerio(out(key: T, ..))]` and
    /// the generated result struct as the return type, or one with the shorthand
    /// `#[kerio(out = "key")]` and its type as the return type.
    fn results(
        &mut self,
        args: &[&Arg],
        sig: &syn::Signature,
        wire: &str,
        pointer: &str,
    ) -> Vec<Param> {
        let ret: Option<&Type> = match &sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => match &**ty {
                Type::Tuple(t) if t.elems.is_empty() => None,
                ty => Some(ty),
            },
        };
        let out = args::get(args, "out");
        let lenient = self.flag(args, "lenient");
        if let Some(Type::Tuple(tuple)) = ret
            && !matches!(out.map(|o| &o.value), Some(Value::List(_)))
        {
            let mut stem = naming::camel(wire);
            if stem == "Handle" {
                stem.push_str("Params");
            }
            self.errors.at(
                tuple,
                "several out-parameters come back as a struct, not a tuple",
                Some(&format!(
                    "name them with `#[kerio(out(first: T, second: U))]` and write `-> {stem}Result`"
                )),
            );
            return Vec::new();
        }
        match (out.map(|o| &o.value), ret) {
            (None, None) => {
                if let Some(l) = args::get(args, "lenient") {
                    self.errors.at(
                        &l.key,
                        "`lenient` applies to a returned number, and this method returns nothing",
                        None,
                    );
                }
                Vec::new()
            }
            (None, Some(ty)) => {
                self.errors.at(
                    ty,
                    format!("name the out-parameter that `{wire}` returns"),
                    Some("a Kerio result is an object; write the key the value comes under, e.g. `#[kerio(out = \"list\")]`"),
                );
                let (t, optional) = self.resolver.out(ty, &mut self.errors);
                let rp = format!("{pointer}/result/0");
                self.spot(&rp, ty, Some(ty));
                vec![self.out_param("result".into(), t, optional, lenient, None, &rp)]
            }
            (Some(Value::Str(lit)), Some(ty)) => {
                let key = lit.value();
                let key = if is_wire_name(&key) {
                    key
                } else {
                    self.errors.at(
                        lit,
                        format!("invalid out-parameter name `{key}`"),
                        Some("wire names are ASCII letters, digits and `_`, not starting with a digit"),
                    );
                    "result".into()
                };
                let (t, optional) = self.resolver.out(ty, &mut self.errors);
                let rp = format!("{pointer}/result/0");
                self.spot(&rp, lit, Some(ty));
                vec![self.out_param(key, t, optional, lenient, None, &rp)]
            }
            (Some(Value::Str(lit)), None) => {
                self.errors.at(
                    lit,
                    format!("`out` names the value `{wire}` returns, but it returns nothing"),
                    Some("add the return type: `-> T`"),
                );
                Vec::new()
            }
            (Some(Value::List(tokens)), ret) => {
                let args_lenient = args::get(args, "lenient");
                self.many_results(
                    out,
                    args_lenient,
                    tokens.clone(),
                    ret,
                    sig,
                    wire,
                    pointer,
                    lenient,
                )
            }
            (Some(_), _) => {
                if let Some(o) = out {
                    self.errors.at(
                        &o.key,
                        "expected `out(key: T, ..)`, or `out = \"key\"` for one out-parameter",
                        None,
                    );
                }
                Vec::new()
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn many_results(
        &mut self,
        out: Option<&Arg>,
        args_lenient: Option<&Arg>,
        tokens: TokenStream,
        ret: Option<&Type>,
        sig: &syn::Signature,
        wire: &str,
        pointer: &str,
        lenient: bool,
    ) -> Vec<Param> {
        if lenient && let Some(l) = args_lenient {
            self.errors.at(
                &l.key,
                "with `out(..)`, `lenient` goes on the out-parameter it applies to",
                Some("write `out(#[kerio(lenient)] key: i64, ..)`"),
            );
        }
        let decls = match syn::parse::Parser::parse2(
            Punctuated::<OutDecl, Token![,]>::parse_terminated,
            tokens,
        ) {
            Ok(d) => d,
            Err(e) => {
                self.errors.push(e);
                return Vec::new();
            }
        };
        if decls.is_empty() {
            let at = out.map(|o| o.key.to_token_stream()).unwrap_or_default();
            self.errors.at(
                at,
                "`out(..)` names no out-parameter",
                Some("write `out(key: T, ..)`, or leave `out` off when the method returns nothing"),
            );
        }
        let mut stem = naming::camel(wire);
        if stem == "Handle" {
            stem.push_str("Params");
        }
        let expected = format!("{stem}Result");
        match ret {
            None => self.errors.at(
                &sig.ident,
                format!("the out-parameters of `{wire}` come back as the struct `{expected}`"),
                Some(&format!("write `-> {expected}`")),
            ),
            Some(ty) => {
                let last = match ty {
                    Type::Path(p) if p.qself.is_none() => p
                        .path
                        .segments
                        .last()
                        .map(|s| (s.ident.to_string(), s.arguments.is_none())),
                    _ => None,
                };
                if last != Some((expected.clone(), true)) {
                    self.errors.at(
                        ty,
                        format!("the out-parameters of `{wire}` come back as the struct `{expected}`, not `{}`", show(ty)),
                        Some(&format!("write `-> {expected}`; the generator declares it")),
                    );
                }
            }
        }
        let mut result = Vec::new();
        for (k, d) in decls.iter().enumerate() {
            let read = attrs::read(&d.attrs, "an out-parameter", &mut self.errors);
            let oargs = self.attrs(&read, &["name", "lenient"]);
            let oname = self.wire_name(
                &oargs,
                &d.ident,
                naming::serde_camel(&d.ident.to_string()),
                "out-parameter",
                false,
            );
            self.rust_name(
                &d.ident,
                &oname,
                "out-parameter",
                naming::snake,
                naming::serde_camel,
            );
            let (t, optional) = self.resolver.out(&d.ty, &mut self.errors);
            let rp = format!("{pointer}/result/{k}");
            self.spot(&rp, &oname.at, Some(&d.ty));
            let lenient = self.flag(&oargs, "lenient");
            result.push(self.out_param(oname.wire, t, optional, lenient, read.doc.clone(), &rp));
        }
        result
    }
}
