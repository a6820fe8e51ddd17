//! Comma-separated arguments, as the macros and `#[kerio(...)]` take them: `key = "value"`,
//! bare flags (`lenient`) and lists (`out(...)`). Parsed loosely first, then checked
//! against what the position allows, so that every mistake gets its own clear error.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, ExprLit, Ident, Lit, LitStr, Token};

use crate::base::{self, BaseApi};
use crate::errors::Errors;

/// The value of one argument.
pub(crate) enum Value {
    /// A bare flag: `lenient`.
    Flag,
    /// `key = "text"`.
    Str(LitStr),
    /// `key = <anything else>`.
    Other(Expr),
    /// `key(...)`: the tokens inside the parentheses.
    List(TokenStream),
}

/// One argument.
pub(crate) struct Arg {
    /// The key as written.
    pub key: Ident,
    /// Its value.
    pub value: Value,
}

impl Arg {
    /// The key as text (without `r#`).
    pub fn name(&self) -> String {
        self.key.unraw().to_string()
    }

    /// The string value of a `key = "..."` argument; anything else is reported.
    pub fn string(&self, errors: &mut Errors) -> Option<&LitStr> {
        match &self.value {
            Value::Str(s) => Some(s),
            Value::Other(e) => {
                errors.at(
                    e,
                    format!("expected a string literal: `{} = \"...\"`", self.name()),
                    None,
                );
                None
            }
            Value::Flag | Value::List(_) => {
                errors.at(
                    &self.key,
                    format!("expected a value: `{} = \"...\"`", self.name()),
                    None,
                );
                None
            }
        }
    }

    /// Checks that the argument is a bare flag.
    pub fn flag(&self, errors: &mut Errors) -> bool {
        match &self.value {
            Value::Flag => true,
            _ => {
                errors.at(
                    &self.key,
                    format!(
                        "`{}` takes no value: write just `{}`",
                        self.name(),
                        self.name()
                    ),
                    None,
                );
                false
            }
        }
    }
}

/// Arguments as parsed.
pub(crate) struct Parsed {
    /// The arguments up to the first syntax error.
    pub args: Vec<Arg>,
    /// False after a syntax error (reported already), when a missing argument may just
    /// not have been reached.
    pub complete: bool,
}

/// Parses `a = "x", b, c(...)`; a syntax error is reported and ends the list.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Parsed {
    let parser = |input: ParseStream| -> syn::Result<Vec<Arg>> {
        let mut args = Vec::new();
        while !input.is_empty() {
            let key = input.call(Ident::parse_any)?;
            let value = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                match input.parse::<Expr>()? {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => Value::Str(s),
                    other => Value::Other(other),
                }
            } else if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                Value::List(content.parse()?)
            } else if input.is_empty() || input.peek(Token![,]) {
                Value::Flag
            } else {
                return Err(input.error(format!("expected `=` after `{key}`: `{key} = \"...\"`")));
            };
            args.push(Arg { key, value });
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    };
    match parser.parse2(tokens) {
        Ok(args) => Parsed {
            args,
            complete: true,
        },
        Err(e) => {
            errors.push(e);
            Parsed {
                args: Vec::new(),
                complete: false,
            }
        }
    }
}

/// Keeps the arguments whose key is in `allowed`, reporting unknown and repeated ones.
pub(crate) fn check<'a>(args: &'a [Arg], allowed: &[&str], errors: &mut Errors) -> Vec<&'a Arg> {
    let mut kept: Vec<&Arg> = Vec::new();
    for arg in args {
        let name = arg.name();
        if !allowed.contains(&name.as_str()) {
            let expected: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            errors.at(
                &arg.key,
                format!("unknown argument `{name}`"),
                Some(&format!("expected one of: {}", expected.join(", "))),
            );
        } else if kept.iter().any(|k| k.name() == name) {
            errors.at(
                &arg.key,
                format!("duplicate argument `{name}`"),
                Some("give each argument once"),
            );
        } else {
            kept.push(arg);
        }
    }
    kept
}

/// The argument of a given key among checked ones.
pub(crate) fn get<'a>(args: &[&'a Arg], key: &str) -> Option<&'a Arg> {
    args.iter().copied().find(|a| a.name() == key)
}

/// The API named by `api = "..."`. When it is missing or unknown, that is reported and
/// the Administration API stands in, so that the rest still expands (no cascade).
pub(crate) fn base_api(
    args: &[&Arg],
    complete: bool,
    usage: &str,
    errors: &mut Errors,
) -> &'static BaseApi {
    let fallback = base::fallback();
    let Some(arg) = get(args, "api") else {
        if !complete {
            return fallback;
        }
        errors.span(
            Span::call_site(),
            "missing argument `api`: the name of the API to extend",
            Some(&format!("write `{usage}`; the APIs are {}", base::names())),
        );
        return fallback;
    };
    let Some(lit) = arg.string(errors) else {
        return fallback;
    };
    match base::find(&lit.value()) {
        Some(base) => base,
        None => {
            errors.at(
                lit,
                format!("unknown API `{}`", lit.value()),
                Some(&format!("expected one of: {}", base::names())),
            );
            fallback
        }
    }
}

/// The name given with `ext_trait = "..."`, when it is a valid trait name.
pub(crate) fn ext_trait(args: &[&Arg], errors: &mut Errors) -> Option<(String, LitStr)> {
    let lit = get(args, "ext_trait")?.string(errors)?;
    let name = lit.value();
    match syn::parse_str::<Ident>(&name) {
        Ok(_) => Some((name, lit.clone())),
        Err(_) => {
            errors.at(
                lit,
                format!("`{name}` is not a valid trait name"),
                Some("a Rust identifier, e.g. `FirmwareExt`"),
            );
            None
        }
    }
}
