//! Types several APIs declare alike, generated once (`kerio_api::shared`).
//!
//! The vendor's products share a set of types (`SearchQuery`, `KId`, `ErrorList`,
//! `ApiApplication`, ...): a query built once should work against every product. Which
//! types are shared is decided here, from the specs alone: a type is shared by the APIs
//! that declare it under the same name with the same shape (kind; fields with their
//! types and the flags that change how they are read; enum values; alias targets), and
//! whose every referenced type is shared by them too. A name with different shapes in two
//! APIs (`UserInfo`, `User`, `Domain`) stays two types, one per API.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Cfg, Model};
use crate::spec::{TypeDef, TypeKind};

/// How one type is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sharing {
    /// Indexes (into the models given to [`plan`]) of the APIs that share the type, at
    /// least two.
    pub apis: BTreeSet<usize>,
}

impl Sharing {
    /// The API whose declaration (and docs) the shared type is generated from: the first
    /// one.
    pub fn donor(&self) -> usize {
        self.apis.first().copied().unwrap_or_default()
    }
}

/// The shared types by wire name.
pub(crate) type Plan = BTreeMap<String, Sharing>;

/// What makes two declarations the same Rust type: everything but docs, locations,
/// homes and the `optional` flag of fields (which documents replies, and changes
/// nothing in the generated code).
fn shape_key(def: &TypeDef) -> String {
    match &def.kind {
        TypeKind::Struct(fields) => {
            let mut key = String::from("struct");
            for f in fields {
                key.push_str(&format!(
                    "|{}:{:?}:{}:{}:{:?}",
                    f.name, f.ty, f.nullable, f.lenient, f.aliases
                ));
            }
            key
        }
        TypeKind::Enum(values) => {
            let mut key = String::from("enum");
            for v in values {
                key.push('|');
                key.push_str(&v.value);
            }
            key
        }
        TypeKind::Alias(of) => format!("alias|{of:?}"),
    }
}

/// The named types a declaration refers to.
fn references(def: &TypeDef) -> Vec<&str> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(fields) => {
            for f in fields {
                f.ty.for_each_named(&mut |n| out.push(n));
            }
        }
        TypeKind::Alias(of) => of.for_each_named(&mut |n| out.push(n)),
        TypeKind::Enum(_) => {}
    }
    out
}

/// Which types of these APIs are shared, and by whom.
pub(crate) fn plan(models: &[Model<'_>]) -> Plan {
    // Candidates: per name, the largest group of APIs declaring the same shape (ties go
    // to the group holding the earliest API, so the choice is deterministic).
    let mut by_name: BTreeMap<&str, BTreeMap<String, BTreeSet<usize>>> = BTreeMap::new();
    for (index, model) in models.iter().enumerate() {
        for (&name, def) in &model.types {
            by_name
                .entry(name)
                .or_default()
                .entry(shape_key(def))
                .or_default()
                .insert(index);
        }
    }
    let mut plan: Plan = BTreeMap::new();
    for (name, groups) in by_name {
        let best = groups
            .into_values()
            .filter(|apis| apis.len() >= 2)
            .max_by(|a, b| {
                a.len()
                    .cmp(&b.len())
                    .then_with(|| b.first().cmp(&a.first()))
            });
        if let Some(apis) = best {
            plan.insert(name.to_owned(), Sharing { apis });
        }
    }
    // A shared type may only refer to types shared by (at least) the same APIs: narrow
    // each group to what its references allow until nothing changes.
    loop {
        let mut changed = false;
        let names: Vec<String> = plan.keys().cloned().collect();
        for name in names {
            let Some(sharing) = plan.get(&name) else {
                continue;
            };
            let donor = sharing.donor();
            let Some(def) = models.get(donor).and_then(|m| m.types.get(name.as_str())) else {
                continue;
            };
            let mut apis = sharing.apis.clone();
            for r in references(def) {
                match plan.get(r) {
                    Some(other) => apis.retain(|a| other.apis.contains(a)),
                    None => apis.clear(),
                }
            }
            if apis != sharing.apis {
                changed = true;
                if apis.len() >= 2 {
                    plan.insert(name, Sharing { apis });
                } else {
                    plan.remove(&name);
                }
            }
        }
        if !changed {
            return plan;
        }
    }
}

/// The types a spec set shares, each with the names of the APIs sharing it. APIs that do
/// not validate or model are left out.
#[cfg(feature = "learn")]
pub(crate) fn shared_by(apis: &[&crate::spec::Api]) -> BTreeMap<String, BTreeSet<String>> {
    let none = BTreeSet::new();
    let mut sorted: Vec<&crate::spec::Api> = apis.to_vec();
    sorted.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
    let models: Vec<Model<'_>> = sorted
        .into_iter()
        .filter(|api| crate::validate::validate(api).is_ok())
        .filter_map(|api| Model::new(api, &none).ok())
        .collect();
    plan(&models)
        .into_iter()
        .map(|(name, sharing)| {
            let names = sharing
                .apis
                .iter()
                .filter_map(|&i| models.get(i))
                .map(|m| m.api.manifest.name.clone())
                .collect();
            (name, names)
        })
        .collect()
}

/// The Cargo features that compile a type of one API as seen from outside the API's
/// module: the API's own feature when it has one (its module is gated as a whole),
/// else the features of the interfaces that reach the type.
pub(crate) fn api_type_cfg(model: &Model<'_>, name: &str) -> Cfg {
    match &model.api.manifest.feature {
        Some(feature) => Cfg(BTreeSet::from([feature.clone()])),
        None => model.type_cfg.get(name).cloned().unwrap_or_default(),
    }
}

/// The features that compile a shared type: it is compiled whenever one of the APIs
/// sharing it compiles it (always, when one of them always does).
pub(crate) fn shared_cfg(models: &[Model<'_>], name: &str, sharing: &Sharing) -> Cfg {
    let mut union = BTreeSet::new();
    for &index in &sharing.apis {
        let Some(model) = models.get(index) else {
            continue;
        };
        let cfg = api_type_cfg(model, name);
        if cfg.0.is_empty() {
            return Cfg::default();
        }
        union.extend(cfg.0);
    }
    Cfg(union)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::load::load_sources;
    use crate::spec::{Api, Source};

    fn api(name: &str, types: &str) -> Api {
        let text = format!(
            r#"{{"api": {{"name": "{name}", "path": "/{name}/", "port": 1}},
               "interfaces": {{"Things": {{"methods": {{"get": {{"params": [],
                 "result": [{{"name": "query", "type": "Query"}}, {{"name": "user", "type": "User"}}]}}}}}}}},
               "types": {types}}}"#
        );
        load_sources(vec![Source::new(format!("{name}.json"), text)]).unwrap()
    }

    const QUERY: &str = r#""Query": {"kind": "struct", "fields": [{"name": "order", "type": "Direction"}]},
        "Direction": {"kind": "enum", "values": [{"value": "Asc"}, {"value": "Desc"}]}"#;

    #[test]
    fn same_shapes_are_shared_and_different_ones_are_not() {
        let a = api(
            "a",
            &format!(
                r#"{{{QUERY}, "User": {{"kind": "struct", "fields": [{{"name": "name", "type": "string"}}]}}}}"#
            ),
        );
        let b = api(
            "b",
            &format!(
                r#"{{{QUERY}, "User": {{"kind": "struct", "fields": [{{"name": "id", "type": "int64"}}]}}}}"#
            ),
        );
        let none = BTreeSet::new();
        let models = vec![
            Model::new(&a, &none).unwrap(),
            Model::new(&b, &none).unwrap(),
        ];
        let plan = plan(&models);
        assert_eq!(
            plan.keys().map(String::as_str).collect::<Vec<_>>(),
            ["Direction", "Query"]
        );
        assert_eq!(plan["Query"].apis, BTreeSet::from([0, 1]));
    }

    #[test]
    fn a_type_referring_to_an_unshared_type_is_not_shared() {
        let query = r#""Query": {"kind": "struct", "fields": [{"name": "order", "type": "Direction"}]},
            "User": {"kind": "alias", "of": "string"}"#;
        let a = api(
            "a",
            &format!(
                r#"{{{query}, "Direction": {{"kind": "enum", "values": [{{"value": "Asc"}}]}}}}"#
            ),
        );
        let b = api(
            "b",
            &format!(
                r#"{{{query}, "Direction": {{"kind": "enum", "values": [{{"value": "Up"}}]}}}}"#
            ),
        );
        let none = BTreeSet::new();
        let models = vec![
            Model::new(&a, &none).unwrap(),
            Model::new(&b, &none).unwrap(),
        ];
        let plan = plan(&models);
        assert_eq!(
            plan.keys().map(String::as_str).collect::<Vec<_>>(),
            ["User"]
        );
    }
}
