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
fn members(c: &mut Compat, label: &str, old: &[Param], new: &[Param], sent: bool) {
    for p in new {
        match old.iter().find(|o| o.name == p.name) {
            None if p.optional || !sent => c.add(format!("{label}: new {}", p.name)),
            None => c.breaks(format!("{label}: new required {}", p.name)),
            Some(o) => {
                if o.ty != p.ty {
                    c.breaks(format!("{label}.{}: {} → {}", p.name, o.ty, p.ty));
                }
                if o.optional && !p.optional {
                    c.breaks(format!("{label}.{}: optional → required", p.name));
                }
                if !o.optional && p.optional {
                    c.breaks(format!("{label}.{}: required → optional", p.name));
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
}
