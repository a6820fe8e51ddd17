//! Runs kerio-codegen over an extension's spec; on problems, keeps generating from what is
//! sound so that one mistake does not cascade into errors about everything else.
//!
//! The generator reports every problem of a spec at once but generates nothing when there
//! is one. A macro must still expand to something: without the items it declares, every
//! use of them would fail too. So the items a diagnostic is about are taken out (or, for
//! an unknown type, their type becomes `serde_json::Value`) and the rest is generated
//! again, a few rounds at most. Only the first diagnostic about each problem is reported;
//! what a removal causes (references to a removed type) is not.

use std::collections::BTreeSet;

use kerio_codegen::spec::{Api, Loc, Primitive, TypeKind, TypeRef};
use kerio_codegen::{Diagnostic, DiagnosticKind, Diagnostics, Options};
use proc_macro2::TokenStream;

/// Rounds of taking out what failed before giving up on generating anything.
const MAX_ROUNDS: usize = 16;

/// What generation gave.
pub(crate) struct Outcome {
    /// The generated items (of the sound part of the spec when there were problems).
    pub tokens: Option<TokenStream>,
    /// Every problem found, to report.
    pub diagnostics: Vec<Diagnostic>,
}

/// Generates the extension, leaving out what the generator rejects.
pub(crate) fn generate(mut api: Api, opts: &Options) -> Outcome {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut removed_types = BTreeSet::new();
    for round in 0..MAX_ROUNDS {
        let diags = match kerio_codegen::generate_tokens(std::slice::from_ref(&api), opts) {
            Ok(tokens) => {
                return Outcome {
                    tokens: Some(tokens),
                    diagnostics,
                };
            }
            Err(diags) => diags,
        };
        for d in diags.iter() {
            let consequence = round > 0
                && matches!(&d.kind, DiagnosticKind::UnknownType { name } if removed_types.contains(name));
            if !consequence && !diagnostics.contains(d) {
                diagnostics.push(d.clone());
            }
        }
        if !prune(&mut api, &diags, opts, &mut removed_types) {
            break;
        }
    }
    Outcome {
        tokens: None,
        diagnostics,
    }
}

/// Takes out (or neutralizes) every item a diagnostic is about; false when none was found.
fn prune(
    api: &mut Api,
    diags: &Diagnostics,
    opts: &Options,
    removed_types: &mut BTreeSet<String>,
) -> bool {
    let mut known: BTreeSet<String> = api.types.iter().map(|t| t.name.clone()).collect();
    known.extend(opts.external_types.iter().cloned());
    let mut changed = false;
    for d in diags.iter() {
        let Some(file) = api.sources.iter().position(|s| s.path == d.file) else {
            continue;
        };
        let target = Loc {
            file,
            pointer: d.pointer.clone(),
            offset: 0,
        };
        let same = |loc: &Loc| loc.file == target.file && loc.pointer == target.pointer;
        let unknown_type = matches!(d.kind, DiagnosticKind::UnknownType { .. });
        let neutral = |ty: &mut TypeRef| neutralize(ty, &known);

        let before = count(api);
        api.interfaces.retain(|i| !same(&i.loc));
        for i in &mut api.interfaces {
            i.methods.retain(|m| !same(&m.loc));
            for m in &mut i.methods {
                for list in [&mut m.params, &mut m.result] {
                    if unknown_type {
                        list.iter_mut().filter(|p| same(&p.loc)).for_each(|p| {
                            changed |= neutral(&mut p.ty);
                        });
                    } else {
                        list.retain(|p| !same(&p.loc));
                    }
                }
            }
        }
        for t in &mut api.types {
            match &mut t.kind {
                TypeKind::Alias(of) if unknown_type && same(&t.loc) => changed |= neutral(of),
                TypeKind::Struct(fields) => {
                    if unknown_type {
                        fields.iter_mut().filter(|f| same(&f.loc)).for_each(|f| {
                            changed |= neutral(&mut f.ty);
                        });
                    } else {
                        fields.retain(|f| !same(&f.loc));
                    }
                }
                TypeKind::Enum(values) => values.retain(|v| !same(&v.loc)),
                TypeKind::Alias(_) => {}
            }
        }
        if !unknown_type {
            let gone: Vec<String> = api
                .types
                .iter()
                .filter(|t| same(&t.loc))
                .map(|t| t.name.clone())
                .collect();
            api.types.retain(|t| !same(&t.loc));
            removed_types.extend(gone);
        }
        changed |= count(api) != before;
    }
    changed
}

/// Replaces references to unknown types by `any`; true when something changed.
fn neutralize(ty: &mut TypeRef, known: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::Named(n) if !known.contains(n.as_str()) => {
            *ty = TypeRef::Primitive(Primitive::Any);
            true
        }
        TypeRef::List(inner) | TypeRef::Map(inner) => neutralize(inner, known),
        _ => false,
    }
}

/// How many items the spec holds, to tell whether pruning took something out.
fn count(api: &Api) -> usize {
    let methods: usize = api
        .interfaces
        .iter()
        .flat_map(|i| &i.methods)
        .map(|m| 1 + m.params.len() + m.result.len())
        .sum();
    let types: usize = api
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(f) => 1 + f.len(),
            TypeKind::Enum(v) => 1 + v.len(),
            TypeKind::Alias(_) => 1,
        })
        .sum();
    api.interfaces.len() + methods + types
}
