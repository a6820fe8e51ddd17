//! Types for positions the spec does not know yet (new methods, params, fields).
//!
//! An object reuses an existing struct when its keys are a subset of the struct's fields
//! with compatible values (a list of hosts becomes `ActiveHostList`, not a new type);
//! otherwise it becomes a new struct named after its field or parameter, made unique.
//! Strings stay strings: free text never becomes an enum. Integers become `int64`
//! (Kerio counters outgrow 32 bits), any fractional number makes `double`.

use std::collections::{BTreeMap, BTreeSet};

use crate::naming;
use crate::secrets;
use crate::spec::{Api, Primitive, TypeDef, TypeKind, TypeRef};
use serde_json::{Map, Value, json};

use super::observe::node::Node;

/// Where a new type is declared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Home {
    /// An existing file of the API (index into its files).
    File(usize),
    /// The file of a new interface.
    NewInterface(String),
}

/// A struct type created by inference.
#[derive(Debug, Clone)]
pub struct NewType {
    /// Its name.
    pub name: String,
    /// Where it goes.
    pub home: Home,
    /// Its spec definition.
    pub def: Value,
}

/// Generic names that say nothing alone; a new type so named gets its owner's name first.
const GENERIC: [&str; 24] = [
    "List", "Item", "Items", "Result", "Results", "Data", "Value", "Values", "Entry", "Entries",
    "Config", "Info", "Details", "Detail", "Settings", "Object", "Status", "Params", "Element",
    "Record", "Records", "Content", "Response", "Reply",
];

/// Doc of every type, field, param and value learned from captures: the marker a human
/// reviewer searches for.
pub const LEARNED: &str = "Learned from captured traffic";

/// Type inference over one API.
pub struct Infer<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
    /// Alias name by the named type it is a list of.
    list_aliases: BTreeMap<&'a str, &'a str>,
    /// Rust names of every type, existing or created.
    taken: BTreeSet<String>,
    /// Types created so far.
    pub created: Vec<NewType>,
    /// Created struct names by their fields, to reuse one shape.
    shapes: BTreeMap<String, String>,
}

/// The spec JSON of a type reference.
pub fn type_json(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Primitive(p) => Value::String(p.as_str().to_owned()),
        TypeRef::Named(n) => Value::String(n.clone()),
        TypeRef::List(t) => json!({ "list": type_json(t) }),
        TypeRef::Map(t) => json!({ "map": type_json(t) }),
    }
}

/// The singular of a list's name, for its elements' type.
fn singular(s: &str) -> String {
    if let Some(stem) = s.strip_suffix("List").filter(|t| !t.is_empty()) {
        stem.to_owned()
    } else if let Some(stem) = s.strip_suffix("ies").filter(|t| t.len() > 1) {
        format!("{stem}y")
    } else if let Some(stem) = s.strip_suffix("sses") {
        format!("{stem}ss")
    } else if s.len() > 3 && s.ends_with('s') && !s.ends_with("ss") {
        s[..s.len() - 1].to_owned()
    } else {
        format!("{s}Item")
    }
}

/// Only kinds in `allowed` (b: bool, i: integer, f: fraction, s: string, o: object,
/// a: array) besides null.
fn only(node: &Node, allowed: &str) -> bool {
    let kinds = [
        ('b', node.bools),
        ('i', node.ints),
        ('f', node.floats),
        ('s', node.strings),
        ('o', node.objects),
        ('a', node.arrays),
    ];
    kinds.iter().all(|(k, n)| *n == 0 || allowed.contains(*k))
}

impl<'a> Infer<'a> {
    /// Inference over the types of `api`.
    pub fn new(api: &'a Api) -> Self {
        let types: BTreeMap<&str, &TypeDef> =
            api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut list_aliases = BTreeMap::new();
        for t in types.values() {
            if let TypeKind::Alias(TypeRef::List(inner)) = &t.kind
                && let TypeRef::Named(n) = &**inner
            {
                // Sorted iteration keeps the first alias by name.
                list_aliases.entry(n.as_str()).or_insert(t.name.as_str());
            }
        }
        let taken = types.keys().map(|n| naming::camel(n)).collect();
        Infer {
            types,
            list_aliases,
            taken,
            created: Vec::new(),
            shapes: BTreeMap::new(),
        }
    }

    fn resolve<'t>(&'t self, mut ty: &'t TypeRef) -> &'t TypeRef {
        for _ in 0..=self.types.len() {
            match ty {
                TypeRef::Named(n) => match self.types.get(n.as_str()).map(|t| &t.kind) {
                    Some(TypeKind::Alias(of)) => ty = of,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// True when every value seen in `node` fits `ty` (looking `depth` structs deep).
    pub fn compatible(&self, ty: &TypeRef, node: &Node, depth: u32) -> bool {
        if node.seen == node.nulls {
            return true;
        }
        match self.resolve(ty) {
            TypeRef::Primitive(p) => match p {
                Primitive::String => only(node, "s"),
                Primitive::Boolean => only(node, "b"),
                Primitive::Int32 => only(node, "i") && node.wide_ints == 0,
                Primitive::Int64 => only(node, "i"),
                Primitive::Double => only(node, "if"),
                Primitive::Any => true,
            },
            TypeRef::List(inner) => {
                only(node, "a")
                    && node
                        .items
                        .as_deref()
                        .is_none_or(|i| self.compatible(inner, i, depth))
            }
            TypeRef::Map(inner) => {
                only(node, "o") && self.compatible(inner, &node.merged_members(), depth)
            }
            TypeRef::Named(n) => match self.types.get(n.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Enum(_)) => only(node, "s"),
                Some(TypeKind::Struct(fields)) => {
                    only(node, "o")
                        && (depth == 0
                            || node.fields.iter().all(|f| {
                                fields.iter().any(|sf| {
                                    *sf.name == *f.name
                                        && self.compatible(&sf.ty, &f.node, depth - 1)
                                })
                            }))
                }
                _ => false,
            },
        }
    }

    /// The existing struct whose fields best cover the keys seen, if one fits: every key
    /// is a field with compatible values, and the keys are at least three or at least
    /// half of the fields. Fewest unused fields wins, then the name.
    pub fn matching_struct(&self, node: &Node) -> Option<&'a str> {
        if node.fields.is_empty() {
            return None;
        }
        let mut best: Option<(usize, &'a str)> = None;
        for (name, t) in &self.types {
            let TypeKind::Struct(fields) = &t.kind else {
                continue;
            };
            let keys = node.fields.len();
            if keys < 3 && keys * 2 < fields.len() {
                continue;
            }
            let ok = node.fields.iter().all(|f| {
                fields
                    .iter()
                    .any(|sf| *sf.name == *f.name && self.compatible(&sf.ty, &f.node, 2))
            });
            if ok {
                let unused = fields.len() - keys.min(fields.len());
                if best.is_none_or(|(u, _)| unused < u) {
                    best = Some((unused, name));
                }
            }
        }
        best.map(|(_, n)| n)
    }

    /// A type for the values seen in `node` at a position called `hint` inside `owner`;
    /// `item` when `hint` names the list the values are elements of.
    pub fn infer(
        &mut self,
        node: &Node,
        hint: &str,
        owner: &str,
        home: &Home,
        item: bool,
    ) -> TypeRef {
        let any = TypeRef::Primitive(Primitive::Any);
        if node.kinds() != 1 {
            return any;
        }
        if node.bools > 0 {
            return TypeRef::Primitive(Primitive::Boolean);
        }
        if node.floats > 0 {
            return TypeRef::Primitive(Primitive::Double);
        }
        if node.ints > 0 {
            return TypeRef::Primitive(Primitive::Int64);
        }
        if node.strings > 0 {
            return TypeRef::Primitive(Primitive::String);
        }
        if node.arrays > 0 {
            let inner = match node.items.as_deref() {
                Some(items) => self.infer(items, hint, owner, home, true),
                None => any,
            };
            if let TypeRef::Named(n) = &inner
                && let Some(alias) = self.list_aliases.get(n.as_str())
            {
                return TypeRef::Named((*alias).to_owned());
            }
            return TypeRef::List(Box::new(inner));
        }
        // Objects.
        if node.fields.is_empty() {
            return any;
        }
        if node
            .fields
            .iter()
            .any(|f| !naming::is_wire_name(&f.name) || secrets::looks_like_token(&f.name))
        {
            let values = node.merged_members();
            let value_hint = format!("{hint}Value");
            return TypeRef::Map(Box::new(self.infer(
                &values,
                &value_hint,
                owner,
                home,
                false,
            )));
        }
        if let Some(name) = self.matching_struct(node) {
            return TypeRef::Named(name.to_owned());
        }
        self.new_struct(node, hint, owner, home, item)
    }

    fn type_name(&self, hint: &str, owner: &str, item: bool) -> String {
        let clean = |s: &str| -> String {
            naming::camel(s)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect()
        };
        let mut base = clean(hint);
        if item {
            base = singular(&base);
        }
        let owner = clean(owner);
        if base.is_empty() || GENERIC.contains(&base.as_str()) {
            base = format!("{owner}{base}");
        }
        if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
            base = format!("T{base}");
        }
        let free = |n: &str| !self.taken.contains(&naming::camel(n));
        if free(&base) {
            return base;
        }
        let prefixed = format!("{owner}{base}");
        if !base.starts_with(&owner) && free(&prefixed) {
            return prefixed;
        }
        (2..)
            .map(|i| format!("{base}{i}"))
            .find(|n| free(n))
            .unwrap_or(base)
    }

    fn new_struct(
        &mut self,
        node: &Node,
        hint: &str,
        owner: &str,
        home: &Home,
        item: bool,
    ) -> TypeRef {
        let name = self.type_name(hint, owner, item);
        self.taken.insert(naming::camel(&name));
        let mut fields = Vec::new();
        for f in node.sorted_fields() {
            let ty = self.infer(&f.node, &f.name, &name, home, false);
            let mut field = Map::new();
            field.insert("name".into(), Value::String(f.name.to_string()));
            field.insert("type".into(), type_json(&ty));
            if f.node.seen < node.objects {
                field.insert("optional".into(), Value::Bool(true));
            }
            if f.node.nulls > 0 {
                field.insert("nullable".into(), Value::Bool(true));
            }
            fields.push(Value::Object(field));
        }
        let shape = Value::Array(fields.clone()).to_string();
        if let Some(existing) = self.shapes.get(&shape) {
            self.taken.remove(&naming::camel(&name));
            return TypeRef::Named(existing.clone());
        }
        self.shapes.insert(shape, name.clone());
        let def = json!({
            "kind": "struct",
            "doc": format!(
                "{LEARNED} ({} object{} seen); not yet described.",
                node.objects,
                if node.objects == 1 { "" } else { "s" }
            ),
            "fields": fields,
        });
        self.created.push(NewType {
            name: name.clone(),
            home: home.clone(),
            def,
        });
        TypeRef::Named(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::observe::parse::Parser;
    use crate::spec::Source;

    fn api() -> Api {
        let text = r#"{"api": {"name": "t", "path": "/x/", "port": 1},
          "types": {
            "Host": {"kind": "struct", "fields": [
              {"name": "id", "type": "string"}, {"name": "name", "type": "string"},
              {"name": "bytes", "type": "int64"}, {"name": "kind", "type": "Kind"}]},
            "HostList": {"kind": "alias", "of": {"list": "Host"}},
            "Kind": {"kind": "enum", "values": [{"value": "A"}]},
            "Config": {"kind": "struct", "fields": []}
          }}"#;
        crate::load::load_sources(vec![Source::new("api.json", text)]).expect("loads")
    }

    fn node(text: &str) -> Node {
        let mut n = Node::default();
        Parser::plain(text.as_bytes())
            .value(&mut n, false)
            .expect("json");
        n
    }

    #[test]
    fn reuses_existing_structs_and_aliases() {
        let api = api();
        let mut inf = Infer::new(&api);
        let n = node(
            r#"[{"id": "1", "name": "a", "bytes": 5, "kind": "B"}, {"id": "2", "name": "b", "bytes": 1}]"#,
        );
        let ty = inf.infer(&n, "list", "Hosts", &Home::File(0), false);
        assert_eq!(ty, TypeRef::Named("HostList".into()));
        assert!(inf.created.is_empty());
    }

    #[test]
    fn creates_named_unique_structs() {
        let api = api();
        let mut inf = Infer::new(&api);
        let n = node(
            r#"{"config": {"speed": 1.5, "label": null, "tags": ["x"]}, "hosts": [{"zone": "a"}]}"#,
        );
        let cfg = n.get("config").expect("config");
        assert_eq!(
            inf.infer(cfg, "config", "Links", &Home::File(0), false),
            TypeRef::Named("LinksConfig".into())
        );
        let hosts = n.get("hosts").expect("hosts");
        assert_eq!(
            inf.infer(hosts, "hosts", "Links", &Home::File(0), false),
            TypeRef::List(Box::new(TypeRef::Named("LinksHost".into())))
        );
        let def = &inf.created[0].def;
        assert_eq!(
            def["fields"],
            json!([{"name": "speed", "type": "double"},
                   {"name": "label", "type": "any", "nullable": true},
                   {"name": "tags", "type": {"list": "string"}}])
        );
    }

    #[test]
    fn free_text_stays_string_and_odd_keys_make_maps() {
        let api = api();
        let mut inf = Infer::new(&api);
        let n = node(r#"{"10.0.0.1": 3, "10.0.0.2": 4}"#);
        assert_eq!(
            inf.infer(&n, "counts", "X", &Home::File(0), false),
            TypeRef::Map(Box::new(TypeRef::Primitive(Primitive::Int64)))
        );
        let s = node(r#""Asc""#);
        assert_eq!(
            inf.infer(&s, "dir", "X", &Home::File(0), false),
            TypeRef::Primitive(Primitive::String)
        );
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("Hosts"), "Host");
        assert_eq!(singular("RuleList"), "Rule");
        assert_eq!(singular("Entries"), "Entry");
        assert_eq!(singular("Address"), "AddressItem");
    }
}
