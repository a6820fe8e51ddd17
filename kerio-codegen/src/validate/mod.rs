//! Stage 2: checks across files. Every problem is reported, each with its location.

mod names;
mod values;

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{DiagnosticKind, Diagnostics, diag_at};
use crate::naming;
use crate::spec::*;

pub use names::{PRELUDE, shadows_prelude};

/// Records a problem: its kind, where, what and a hint.
type Report<'a> = dyn FnMut(DiagnosticKind, &Loc, String, Option<String>) + 'a;

/// Checks an API for problems that span items: duplicates, unknown type references,
/// names that collide once converted to Rust and names the generated code cannot use.
pub fn validate(api: &Api) -> Result<(), Diagnostics> {
    validate_with(api, &BTreeSet::new())
}

/// Like [`validate`] for an extension: references to `external` type names (declared by
/// the API being extended) are allowed.
pub fn validate_with(api: &Api, external: &BTreeSet<String>) -> Result<(), Diagnostics> {
    let mut d = names::check(api);
    let mut err = |kind: DiagnosticKind, loc: &Loc, msg: String, hint: Option<String>| {
        d.push(diag_at(kind, &api.sources, loc, &msg, hint.as_deref()))
    };

    let mut types: BTreeMap<&str, &TypeDef> = BTreeMap::new();
    for t in &api.types {
        if let Some(first) = types.insert(&t.name, t) {
            let other = &api.sources[first.loc.file.min(api.sources.len().saturating_sub(1))].path;
            err(
                DiagnosticKind::DuplicateType,
                &t.loc,
                format!("type `{}` is declared twice", t.name),
                Some(format!("also declared in {other}")),
            );
        }
    }
    let mut rust_types: BTreeMap<String, &str> = BTreeMap::new();
    for t in types.values() {
        if let Some(prev) = rust_types.insert(naming::camel(&t.name), &t.name) {
            err(
                DiagnosticKind::RustNameCollision,
                &t.loc,
                format!("type `{}` and type `{prev}` get the same Rust name", t.name),
                Some("rename one of them".into()),
            );
        }
    }
    let check_ref = |ty: &TypeRef, loc: &Loc, err: &mut Report<'_>| {
        ty.for_each_named(&mut |n| {
            if !types.contains_key(n) && !external.contains(n) {
                // An extension may mean a type of the API it extends, too.
                let known = types
                    .keys()
                    .copied()
                    .chain(external.iter().map(String::as_str));
                let hint = closest(n, known).map(|c| format!("did you mean `{c}`?"));
                err(
                    DiagnosticKind::UnknownType { name: n.to_owned() },
                    loc,
                    format!("unknown type `{n}`"),
                    hint.or(Some(
                        "declare it under `types` in a file of this API".into(),
                    )),
                );
            }
        })
    };
    let mut ifaces: BTreeMap<String, &Interface> = BTreeMap::new();
    for i in &api.interfaces {
        if let Some(prev) = ifaces.insert(naming::snake(&i.name), i) {
            err(
                DiagnosticKind::RustNameCollision,
                &i.loc,
                format!(
                    "interface `{}` collides with interface `{}`",
                    i.name, prev.name
                ),
                Some("interface names must differ after conversion to snake_case".into()),
            );
        }
        let mut methods: BTreeMap<String, &str> = BTreeMap::new();
        for m in &i.methods {
            if let Some(prev) = methods.insert(naming::snake(&m.name), &m.name) {
                err(
                    DiagnosticKind::RustNameCollision,
                    &m.loc,
                    format!(
                        "method `{}.{}` collides with `{prev}` in Rust",
                        i.name, m.name
                    ),
                    None,
                );
            }
            for list in [&m.params, &m.result] {
                let mut seen: BTreeMap<String, &str> = BTreeMap::new();
                for p in list {
                    if let Some(prev) = seen.insert(naming::snake(&p.name), &p.name) {
                        err(
                            DiagnosticKind::RustNameCollision,
                            &p.loc,
                            format!("`{}` collides with `{prev}`", p.name),
                            Some("names must differ after conversion to snake_case".into()),
                        );
                    }
                    check_ref(&p.ty, &p.loc, &mut err);
                }
            }
        }
    }
    for t in &api.types {
        match &t.kind {
            TypeKind::Struct(fields) => {
                let mut seen: BTreeMap<String, &str> = BTreeMap::new();
                for f in fields {
                    if let Some(prev) = seen.insert(naming::snake(&f.name), &f.name) {
                        err(
                            DiagnosticKind::RustNameCollision,
                            &f.loc,
                            format!("field `{}` collides with field `{prev}`", f.name),
                            Some("names must differ after conversion to snake_case".into()),
                        );
                    }
                    check_ref(&f.ty, &f.loc, &mut err);
                }
            }
            TypeKind::Enum(values) => {
                let mut seen: BTreeMap<String, &str> = BTreeMap::new();
                for v in values {
                    if let Some(prev) = seen.insert(naming::variant(&v.value), &v.value) {
                        err(
                            DiagnosticKind::RustNameCollision,
                            &v.loc,
                            format!("enum value `{}` collides with `{prev}`", v.value),
                            Some("values must differ after conversion to UpperCamelCase".into()),
                        );
                    }
                }
            }
            TypeKind::Alias(of) => check_ref(of, &t.loc, &mut err),
        }
    }
    let mut roles: BTreeMap<Role, (&Interface, &Method)> = BTreeMap::new();
    for i in &api.interfaces {
        for m in &i.methods {
            let Some(role) = m.role else { continue };
            if let Some((pi, pm)) = roles.insert(role, (i, m)) {
                err(
                    DiagnosticKind::DuplicateRole,
                    &m.loc,
                    format!(
                        "a second `{}` method; `{}.{}` has that role already",
                        role.as_str(),
                        pi.name,
                        pm.name
                    ),
                    None,
                );
            }
            let shape_ok = match role {
                Role::Login => {
                    matches!(m.result.as_slice(), [p] if resolves_to_string(&p.ty, &types))
                }
                Role::ConfigTimestamp => {
                    m.params.iter().all(|p| p.optional)
                        && matches!(m.result.as_slice(), [p] if resolves_to_list(&p.ty, &types))
                }
                Role::ConfirmConfig => matches!(
                    (m.params.as_slice(), m.result.as_slice()),
                    ([p], [r]) if resolves_to_list(&p.ty, &types)
                        && r.ty == TypeRef::Primitive(Primitive::Boolean)
                ),
                Role::Logout | Role::Batch => true,
            };
            if !shape_ok {
                let (what, why) = match role {
                    Role::Login => (
                        "exactly one out-parameter of type string",
                        "the login's one out-parameter is the session token",
                    ),
                    Role::ConfigTimestamp => (
                        "no required params and exactly one list out-parameter",
                        "its out-parameter is the list of timestamps to confirm",
                    ),
                    _ => (
                        "exactly one list param and one boolean out-parameter",
                        "it takes the timestamp list and says whether it confirmed",
                    ),
                };
                err(
                    DiagnosticKind::RoleShape,
                    &m.loc,
                    format!(
                        "{} method `{}.{}` must have {what}",
                        role.as_str(),
                        i.name,
                        m.name
                    ),
                    Some(why.into()),
                );
            }
        }
    }
    for t in types.values() {
        if let TypeKind::Alias(_) = &t.kind
            && alias_reaches(&t.name, &t.name, &types, &mut Vec::new())
        {
            err(
                DiagnosticKind::AliasCycle,
                &t.loc,
                format!("alias `{}` refers to itself through other aliases", t.name),
                Some("an alias chain must end in a struct, an enum or a built-in type".into()),
            );
        }
    }
    if let Some(feature) = &api.manifest.feature {
        for i in api.interfaces.iter().filter(|i| i.group.is_some()) {
            err(
                DiagnosticKind::GroupInFeatureApi,
                &i.loc,
                format!(
                    "interface `{}` has a group, but its API is compiled by feature `{feature}` as a whole",
                    i.name
                ),
                Some("remove the group, or the API's `feature`".into()),
            );
        }
    }
    for i in &api.interfaces {
        for m in i.methods.iter().filter(|m| m.sessionless) {
            if let Some(role) = m.role {
                err(
                    DiagnosticKind::SessionlessRole,
                    &m.loc,
                    format!(
                        "method `{}.{}` is sessionless and has the `{}` role",
                        i.name,
                        m.name,
                        role.as_str()
                    ),
                    Some(
                        "a method with a role is driven by the session; remove one of the two"
                            .into(),
                    ),
                );
            }
        }
    }
    for t in &api.types {
        if let TypeKind::Struct(fields) = &t.kind {
            let mut wire: BTreeMap<&str, &str> = fields
                .iter()
                .map(|f| (f.name.as_str(), f.name.as_str()))
                .collect();
            for f in fields {
                for a in &f.aliases {
                    if let Some(prev) = wire.insert(a, &f.name) {
                        err(
                            DiagnosticKind::RustNameCollision,
                            &f.loc,
                            format!(
                                "alias `{a}` of field `{}` is also the name or an alias of field `{prev}`",
                                f.name
                            ),
                            Some("every wire name of a struct reads into one field only".into()),
                        );
                    }
                }
            }
        }
    }
    values::check(api, &types, &mut d);
    crate::paging::check(api, &types, &mut d);
    d.into_result(())
}

/// Module names the runtime crate (kerio-api) uses itself; no API module may take them.
pub const RUNTIME_MODULES: &[&str] = &[
    "shared",
    "paging",
    "query",
    "contract",
    "fleet",
    "mock",
    "cli",
    "exporter",
    "generated",
];

/// Checks across the APIs generated together: their names, module paths and products
/// must leave every Rust module one meaning.
pub fn across(apis: &[&Api]) -> Diagnostics {
    let mut d = Diagnostics::default();
    let mut err = |api: &Api, message: String, hint: &str| {
        d.push(diag_at(
            DiagnosticKind::ModuleClash,
            &api.sources,
            &api.manifest.loc,
            &message,
            Some(hint),
        ))
    };
    // Modules the generated tree makes besides the APIs' own: parents of module paths,
    // and product modules re-exporting APIs that live elsewhere.
    let mut parents: BTreeMap<Vec<String>, &str> = BTreeMap::new();
    for api in apis {
        let m = &api.manifest;
        for k in 1..m.module.len() {
            parents.insert(m.module[..k].to_vec(), &m.name);
        }
        if let Some(product) = &m.product
            && m.module.first() != Some(product)
        {
            parents.insert(vec![product.clone()], &m.name);
        }
    }
    let mut seen: BTreeMap<&[String], &str> = BTreeMap::new();
    for api in apis {
        let m = &api.manifest;
        let path = m.module_path();
        if let Some(first) = m.module.first()
            && RUNTIME_MODULES.contains(&first.as_str())
        {
            err(
                api,
                format!(
                    "API `{}` would be generated into `{path}`, a module the runtime uses itself",
                    m.name
                ),
                "choose another `module` in the manifest",
            );
        }
        if let Some(prev) = seen.insert(m.module.as_slice(), &m.name) {
            err(
                api,
                format!(
                    "APIs `{prev}` and `{}` would both be generated into `{path}`",
                    m.name
                ),
                "give one of them another `module` in its manifest",
            );
        }
        if let Some(other) = parents.get(&m.module) {
            err(
                api,
                format!(
                    "API `{}` would be generated into `{path}`, which also holds the modules of API `{other}`",
                    m.name
                ),
                "choose module paths that do not nest, such as `connect::admin` and `connect::client`",
            );
        }
    }
    d
}

/// True when alias `from` mentions alias `target`, directly or through other aliases
/// (inside lists and maps too: Rust type aliases cannot be recursive at all).
fn alias_reaches<'a>(
    from: &'a str,
    target: &str,
    types: &BTreeMap<&str, &'a TypeDef>,
    seen: &mut Vec<&'a str>,
) -> bool {
    let Some(TypeKind::Alias(of)) = types.get(from).map(|t| &t.kind) else {
        return false;
    };
    let mut found = false;
    of.for_each_named(&mut |n| {
        if found || seen.contains(&n) {
            return;
        }
        if n == target {
            found = true;
            return;
        }
        seen.push(n);
        found = alias_reaches(n, target, types, seen);
    });
    found
}

/// Follows an alias chain to the first reference that is not an alias; `None` on a cycle.
fn alias_target<'a>(ty: &'a TypeRef, types: &BTreeMap<&str, &'a TypeDef>) -> Option<&'a TypeRef> {
    let mut ty = ty;
    for _ in 0..=types.len() {
        match ty {
            TypeRef::Named(n) => match types.get(n.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Alias(of)) => ty = of,
                _ => return Some(ty),
            },
            _ => return Some(ty),
        }
    }
    None
}

/// True when `ty` is a list, directly or through aliases.
fn resolves_to_list(ty: &TypeRef, types: &BTreeMap<&str, &TypeDef>) -> bool {
    matches!(alias_target(ty, types), Some(TypeRef::List(_)))
}

/// True when `ty` is `string` or an alias chain ending in `string` (cycles give false).
fn resolves_to_string(ty: &TypeRef, types: &BTreeMap<&str, &TypeDef>) -> bool {
    matches!(
        alias_target(ty, types),
        Some(TypeRef::Primitive(Primitive::String))
    )
}

/// The candidate closest to `name` by edit distance, when close enough to be a typo.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(dist, _)| *dist <= 2.max(name.len() / 4))
        .min()
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
