//! Names the generated code cannot use. It refers to some types and traits of Rust's
//! prelude by their bare names (`Option`, `String`, `Vec`, `Default`...), so an item of
//! the same name in a generated module would change what those names mean there; and
//! the keywords that cannot be raw identifiers (`self`, `Self`, `super`, `crate`) only
//! become names with a trailing `_`, which the generated code does not use reliably
//! (`Self_Reply` is not even UpperCamelCase). Other keywords are fine: `type` becomes
//! `r#type`.

use crate::diag::{DiagnosticKind, Diagnostics, diag_at};
use crate::naming;
use crate::spec::*;

/// The names of Rust's prelude that the generated code refers to by their bare names.
pub const PRELUDE: &[&str] = &[
    "AsRef",
    "Box",
    "Clone",
    "Default",
    "Err",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "Result",
    "Some",
    "String",
    "Vec",
];

/// True when a generated item named `rust` (an UpperCamelCase name) would shadow a name
/// of the prelude.
pub fn shadows_prelude(rust: &str) -> bool {
    PRELUDE.contains(&naming::bare(rust))
}

/// Every name the generated code could not use: a type, the API marker or the params
/// struct of a method (named after the method: `string` gives `String`) that shadows the
/// prelude, and any name (API, interface, method, parameter, field, type, enum value)
/// that is a keyword which cannot be a raw identifier.
pub(super) fn check(api: &Api) -> Diagnostics {
    let mut d = Diagnostics::default();
    let mut err = |loc: &Loc, what: String, rust: &str| {
        let (message, hint) = if shadows_prelude(rust) {
            (
                format!("{what} becomes `{rust}` in Rust, a name of Rust's prelude"),
                "rename it: the generated code uses the prelude's name",
            )
        } else {
            (
                format!("{what} is a Rust keyword that cannot be a name (`{rust}`)"),
                "rename it",
            )
        };
        d.push(diag_at(
            DiagnosticKind::ReservedName,
            &api.sources,
            loc,
            &message,
            Some(hint),
        ));
    };
    let reserved = |rust: &str| shadows_prelude(rust) || naming::is_escaped_keyword(rust);
    let m = &api.manifest;
    for rust in [naming::camel(&m.name), naming::snake(&m.name)] {
        if reserved(&rust) {
            err(&m.loc, format!("API `{}`", m.name), &rust);
            break;
        }
    }
    for t in &api.types {
        let rust = naming::camel(&t.name);
        if reserved(&rust) {
            err(&t.loc, format!("type `{}`", t.name), &rust);
        }
        match &t.kind {
            TypeKind::Struct(fields) => {
                for f in fields {
                    let rust = naming::snake(&f.name);
                    if naming::is_escaped_keyword(&rust) {
                        err(&f.loc, format!("field `{}.{}`", t.name, f.name), &rust);
                    }
                }
            }
            TypeKind::Enum(values) => {
                for v in values {
                    let rust = naming::variant(&v.value);
                    if naming::is_escaped_keyword(&rust) {
                        err(&v.loc, format!("enum value `{}`", v.value), &rust);
                    }
                }
            }
            TypeKind::Alias(_) => {}
        }
    }
    for i in &api.interfaces {
        let rust = naming::snake(&i.name);
        if naming::is_escaped_keyword(&rust) {
            err(&i.loc, format!("interface `{}`", i.name), &rust);
        }
        for method in &i.methods {
            let what = format!("method `{}.{}`", i.name, method.name);
            for rust in [naming::camel(&method.name), naming::snake(&method.name)] {
                if reserved(&rust) {
                    err(&method.loc, what.clone(), &rust);
                    break;
                }
            }
            for p in method.params.iter().chain(&method.result) {
                let rust = naming::snake(&p.name);
                if naming::is_escaped_keyword(&rust) {
                    err(&p.loc, format!("`{}` of {what}", p.name), &rust);
                }
            }
        }
    }
    d
}
