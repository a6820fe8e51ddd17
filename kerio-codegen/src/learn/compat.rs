//! What a spec change means for code written against the generated API: additive (new
//! interfaces, methods, types, optional params and fields, enum values) or breaking
//! (a type changed or widened, an optional param or field made required, a required
//! one added to an existing method or struct, anything removed).
//!
//! The two models are compared item by item, so the verdict does not depend on how the
//! change was made.

use std::collections::BTreeMap;

use crate::spec::{Api, Param, TypeDef, TypeKind};

/// The changes between two versions of one API, for users of the generated code.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Compat {
    /// Changes code written against the old API keeps compiling and working with.
    pub additive: Vec<String>,
    /// Changes that can break such code.
    pub breaking: Vec<String>,
}

impl Compat {
    fn add(&mut self, what: String) {
        self.additive.push(what);
    }

    fn breaks(&mut self, what: String) {
        self.breaking.push(what);
    }
}

/// Compares `old` with `new`.
pub fn compare(old: &Api, new: &Api) -> Compat {
    let mut c = Compat::default();
    let old_ifaces: BTreeMap<&str, _> = old
        .interfaces
        .iter()
        .map(|i| (i.name.as_str(), i))
        .collect();
    let new_ifaces: BTreeMap<&str, _> = new
        .interfaces
        .iter()
        .map(|i| (i.name.as_str(), i))
        .collect();
    for (name, i) in &new_ifaces {
        let Some(before) = old_ifaces.get(name) else {
            c.add(format!("new interface {name}"));
            continue;
        };
        for m in &i.methods {
            let full = format!("{name}.{}", m.name);
            match before.methods.iter().find(|x| x.name == m.name) {
                None => c.add(format!("new method {full}")),
                Some(bm) => {
                    members(
                        &mut c,
                        &format!("{full}(params)"),
                        &bm.params,
                        &m.params,
                        true,
                    );
                    members(
                        &mut c,
                        &format!("{full}(result)"),
                        &bm.result,
                        &m.result,
                        false,
                    );
                }
            }
        }
        for bm in &before.methods {
            if !i.methods.iter().any(|m| m.name == bm.name) {
                c.breaks(format!("{name}.{}: removed", bm.name));
            }
        }
    }
    for name in old_ifaces.keys() {
        if !new_ifaces.contains_key(name) {
            c.breaks(format!("interface {name}: removed"));
        }
    }
    let old_types: BTreeMap<&str, &TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for t in &new.types {
        match old_types.get(t.name.as_str()) {
            None => c.add(format!("new type {}", t.name)),
            Some(before) => type_change(&mut c, before, t),
        }
    }
    for t in &old.types {
        if !new.types.iter().any(|n| n.name == t.name) {
            c.breaks(format!("type {}: removed", t.name));
        }
    }
    c
}

/// Params (`sent`: the user builds them) or result members of one method.
///
/// For params, what matters is the call's shape: a required param is an argument, an
/// optional one a setter, and an optional one kept `positional` an argument that also
/// takes `None`. So a required param that becomes optional and positional breaks no call
/// (calls pass the value as before), while any change between argument and setter does.
fn members(c: &mut Compat, label: &str, old: &[Param], new: &[Param], sent: bool) {
    for p in new {
        match old.iter().find(|o| o.name == p.name) {
            None if !sent || (p.optional && !p.positional) => {
                c.add(format!("{label}: new {}", p.name))
            }
            None if p.optional => c.breaks(format!("{label}: new positional {}", p.name)),
            None => c.breaks(format!("{label}: new required {}", p.name)),
            Some(o) => {
                if o.ty != p.ty {
                    c.breaks(format!("{label}.{}: {} → {}", p.name, o.ty, p.ty));
                }
                if !sent {
                    if o.optional != p.optional {
                        c.breaks(format!(
                            "{label}.{}: {} → {}",
                            p.name,
                            presence(o),
                            presence(p)
                        ));
                    }
                    continue;
                }
                match (shape(o), shape(p)) {
                    (before, after) if before == after => {}
                    ("required", "positional") => c.add(format!(
                        "{label}.{}: required → may be left out (still an argument, taking the value or None)",
                        p.name
                    )),
                    (before, after) => {
                        c.breaks(format!("{label}.{}: {before} → {after}", p.name))
                    }
                }
            }
        }
    }
    for o in old {
        if !new.iter().any(|p| p.name == o.name) {
            c.breaks(format!("{label}.{}: removed", o.name));
        }
    }
}

/// How a param appears in the generated call.
fn shape(p: &Param) -> &'static str {
    match (p.optional, p.positional) {
        (false, _) => "required",
        (true, true) => "positional",
        (true, false) => "optional",
    }
}

/// Whether an out-parameter may be missing.
fn presence(p: &Param) -> &'static str {
    if p.optional { "optional" } else { "required" }
}

fn type_change(c: &mut Compat, old: &TypeDef, new: &TypeDef) {
    let name = &new.name;
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(of), TypeKind::Struct(nf)) => {
            for f in nf {
                match of.iter().find(|o| o.name == f.name) {
                    None if f.optional => c.add(format!("{name}: new field {}", f.name)),
                    None => c.breaks(format!("{name}: new required field {}", f.name)),
                    Some(o) => {
                        if o.ty != f.ty {
                            c.breaks(format!("{name}.{}: {} → {}", f.name, o.ty, f.ty));
                        }
                        if o.optional != f.optional || o.nullable != f.nullable {
                            c.breaks(format!("{name}.{}: optional or nullable changed", f.name));
                        }
                    }
                }
            }
            for o in of {
                if !nf.iter().any(|f| f.name == o.name) {
                    c.breaks(format!("{name}.{}: removed", o.name));
                }
            }
        }
        (TypeKind::Enum(ov), TypeKind::Enum(nv)) => {
            for v in nv {
                if !ov.iter().any(|o| o.value == v.value) {
                    c.add(format!("{name}: new value {}", v.value));
                }
            }
            for o in ov {
                if !nv.iter().any(|v| v.value == o.value) {
                    c.breaks(format!("{name}: value {} removed", o.value));
                }
            }
        }
        (TypeKind::Alias(o), TypeKind::Alias(n)) => {
            if o != n {
                c.breaks(format!("{name}: {o} → {n}"));
            }
        }
        _ => c.breaks(format!("{name}: kind changed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Source;

    fn api(get_params: &str, host_fields: &str) -> Api {
        let text = format!(
            r#"{{"api": {{"name": "t", "path": "/t/", "port": 1}},
              "interfaces": {{"Hosts": {{"methods": {{"get": {{"params": [{get_params}], "result": []}}}}}}}},
              "types": {{"Host": {{"kind": "struct", "fields": [{host_fields}]}}}}}}"#
        );
        crate::load::load_sources(vec![Source::new("api.json", text)]).expect("loads")
    }

    #[test]
    fn optional_made_required_and_widening_break() {
        let old = api(
            r#"{"name": "limit", "type": "int32", "optional": true}"#,
            r#"{"name": "id", "type": "string"}"#,
        );
        let new = api(
            r#"{"name": "limit", "type": "int32"}, {"name": "all", "type": "boolean", "optional": true}"#,
            r#"{"name": "id", "type": "any"}, {"name": "mac", "type": "string", "optional": true}"#,
        );
        let c = compare(&old, &new);
        assert_eq!(
            c.breaking,
            [
                "Hosts.get(params).limit: optional → required",
                "Host.id: string → any"
            ]
        );
        assert_eq!(
            c.additive,
            ["Hosts.get(params): new all", "Host: new field mac"]
        );
        assert_eq!(compare(&old, &old), Compat::default());
    }

    #[test]
    fn a_required_param_kept_positional_is_additive_and_other_moves_break() {
        let required = api(r#"{"name": "sortByGroup", "type": "boolean"}"#, "");
        let positional = api(
            r#"{"name": "sortByGroup", "type": "boolean", "optional": true, "positional": true}"#,
            "",
        );
        let setter = api(
            r#"{"name": "sortByGroup", "type": "boolean", "optional": true}"#,
            "",
        );
        let c = compare(&required, &positional);
        assert!(c.breaking.is_empty(), "{c:?}");
        assert_eq!(
            c.additive,
            [
                "Hosts.get(params).sortByGroup: required → may be left out (still an argument, taking the value or None)"
            ]
        );
        assert_eq!(
            compare(&required, &setter).breaking,
            ["Hosts.get(params).sortByGroup: required → optional"]
        );
        assert_eq!(
            compare(&positional, &setter).breaking,
            ["Hosts.get(params).sortByGroup: positional → optional"]
        );
        assert_eq!(
            compare(&setter, &positional).breaking,
            ["Hosts.get(params).sortByGroup: optional → positional"]
        );
        let empty = api("", "");
        assert_eq!(
            compare(&empty, &positional).breaking,
            ["Hosts.get(params): new positional sortByGroup"]
        );
    }

    #[test]
    fn typing_an_any_out_parameter_is_breaking() {
        let text = |ty: &str| {
            format!(
                r#"{{"api": {{"name": "t", "path": "/t/", "port": 1}},
                  "interfaces": {{"Server": {{"methods": {{"getNamedConstantList": {{"params": [],
                    "result": [{{"name": "constants", "type": "{ty}"}}]}}}}}}}},
                  "types": {{"NamedConstants": {{"kind": "struct", "fields": []}}}}}}"#
            )
        };
        let load = |ty: &str| {
            crate::load::load_sources(vec![Source::new("api.json", text(ty))]).expect("loads")
        };
        let c = compare(&load("any"), &load("NamedConstants"));
        assert_eq!(
            c.breaking,
            ["Server.getNamedConstantList(result).constants: any → NamedConstants"]
        );
    }
}
