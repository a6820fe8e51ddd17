//! The attributes of a declaration: doc comments (which become the spec's `doc`) and
//! `#[kerio(...)]` (wire names and flags). Nothing else is read, so anything else is
//! reported instead of silently dropped.

use syn::{Attribute, Expr, ExprLit, Lit, Meta};

use crate::args::{self, Arg};
use crate::errors::Errors;

/// What the attributes of one declaration say.
#[derive(Default)]
pub(crate) struct Attrs {
    /// The doc comment, lines joined.
    pub doc: Option<String>,
    /// The arguments of every `#[kerio(...)]`, in order.
    pub args: Vec<Arg>,
}

/// Reads doc comments and `#[kerio(...)]`; reports every other attribute. `what` names
/// the declaration in messages ("a field").
pub(crate) fn read(attrs: &[Attribute], what: &str, errors: &mut Errors) -> Attrs {
    let mut out = Attrs::default();
    let mut lines = Vec::new();
    for attr in attrs {
        let path = attr.path();
        if path.is_ident("doc") {
            match &attr.meta {
                Meta::NameValue(nv) => match &nv.value {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => lines.push(s.value()),
                    other => errors.at(
                        other,
                        "only doc comments and `#[doc = \"...\"]` are read here",
                        None,
                    ),
                },
                other => errors.at(
                    other,
                    format!("`#[doc(...)]` is not supported on {what}"),
                    Some("write a doc comment"),
                ),
            }
        } else if path.is_ident("kerio") {
            match &attr.meta {
                Meta::List(list) => out
                    .args
                    .extend(args::parse(list.tokens.clone(), errors).args),
                other => errors.at(
                    other,
                    "expected arguments in parentheses: `#[kerio(name = \"...\")]`",
                    None,
                ),
            }
        } else {
            let shown = path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::");
            let hint = if shown == "derive" {
                "the generator derives what generated types need (Debug, Clone, PartialEq, serde)"
            } else {
                "only doc comments and `#[kerio(...)]` are read on declarations"
            };
            errors.at(
                attr,
                format!("attribute `#[{shown}]` is not supported on {what}"),
                Some(hint),
            );
        }
    }
    let text = lines
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.trim_matches('\n').trim_end();
    if !text.is_empty() {
        out.doc = Some(text.to_owned());
    }
    out
}

/// True when any attribute is `#[kerio(...)]`.
pub(crate) fn has_kerio(attrs: &[Attribute]) -> Option<&Attribute> {
    attrs.iter().find(|a| a.path().is_ident("kerio"))
}
