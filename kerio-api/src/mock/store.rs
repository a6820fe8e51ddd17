//! State of the interfaces that keep a list of items through `get` / `create` / `set` /
//! `remove` (and `apply` / `reset`): what a call creates, a later `get` lists, with ids.
//!
//! An interface takes part when its `get` returns a list of structs with an `id` field;
//! its `create` takes a list of the same items, `set` a list of ids and the details, and
//! `remove` a list of ids. Its list starts as the made-up (or captured) `get` reply.
//! Changes show at once, with the item `status` a real appliance gives them until
//! `apply` (when the item type has one); `reset` returns to the last applied list.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::spec::{ApiSpec, MethodDescription, Shape, Slot};

/// The verbs of the pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Get,
    Create,
    Set,
    Remove,
    Apply,
    Reset,
}

impl Verb {
    pub fn of(method: &str) -> Option<Verb> {
        Some(match method {
            "get" => Verb::Get,
            "create" => Verb::Create,
            "set" => Verb::Set,
            "remove" => Verb::Remove,
            "apply" => Verb::Apply,
            "reset" => Verb::Reset,
            _ => return None,
        })
    }
}

/// One interface's items.
#[derive(Debug, Default)]
pub(crate) struct Collection {
    pub items: Vec<Value>,
    applied: Vec<Value>,
    next_id: u64,
}

/// Every collection, by interface name.
#[derive(Debug, Default)]
pub(crate) struct Store {
    collections: HashMap<String, Collection>,
}

/// How an interface's `get` lists its items.
pub(crate) struct Listing<'a> {
    /// The out-param holding the list.
    pub list: &'a Slot,
    /// The fields of one item.
    pub fields: &'a [Slot],
}

/// The list out-param of a `get` when its items are structs with an `id`.
pub(crate) fn listing<'a>(api: &'a ApiSpec, get: &'a MethodDescription) -> Option<Listing<'a>> {
    get.result.iter().find_map(|slot| {
        let Shape::List(of) = api.shape(&slot.ty) else {
            return None;
        };
        let Shape::Struct(_, fields) = api.shape(of) else {
            return None;
        };
        fields
            .iter()
            .any(|f| f.name == "id")
            .then_some(Listing { list: slot, fields })
    })
}

impl Store {
    /// Runs `verb` of `iface` when the interface follows the pattern; `None` otherwise.
    /// `seed` gives the first list of an interface not touched before.
    pub fn call(
        &mut self,
        api: &ApiSpec,
        iface: &str,
        verb: Verb,
        method: &MethodDescription,
        params: &Value,
        seed: impl FnOnce() -> Vec<Value>,
    ) -> Option<Value> {
        let get = api.methods.get(&format!("{iface}.get"))?;
        let listing = listing(api, get)?;
        let collection = self.collections.entry(iface.to_owned()).or_insert_with(|| {
            let items = seed();
            Collection {
                applied: items.clone(),
                next_id: items.len() as u64 + 1,
                items,
            }
        });
        let status = status_values(api, listing.fields);
        let result = match verb {
            Verb::Get => {
                let mut out = api.synthesize_result(get);
                let (page, total) = query(&collection.items, params);
                if let Some(o) = out.as_object_mut() {
                    o.insert(listing.list.name.clone(), Value::Array(page));
                    for slot in &get.result {
                        if slot.name.starts_with("total") {
                            o.insert(slot.name.clone(), json!(total));
                        }
                    }
                }
                out
            }
            Verb::Create => {
                let inputs = list_param(api, method, params, true);
                let named = listing.fields.iter().any(|f| f.name == "name");
                let mut created = Vec::new();
                let mut errors = Vec::new();
                for (index, input) in inputs.iter().enumerate() {
                    // Items with a `name` keep it unique, as appliances do.
                    let name = input.get("name").and_then(Value::as_str).filter(|_| named);
                    if let Some(name) = name
                        && collection
                            .items
                            .iter()
                            .any(|i| i.get("name").and_then(Value::as_str) == Some(name))
                    {
                        errors.push(item_error(index, 1001, "Item %1 already exists.", name));
                        continue;
                    }
                    let mut item = api.zero(&listing_item_ty(api, listing.list), 0);
                    merge(&mut item, input);
                    let id = format!("mock-{}", collection.next_id);
                    collection.next_id += 1;
                    if let Some(o) = item.as_object_mut() {
                        o.insert("id".into(), json!(id));
                        if let Some(s) = &status {
                            o.insert("status".into(), json!(s.new));
                        }
                    }
                    collection.items.push(item);
                    created.push(json!({"inputIndex": index, "id": id}));
                }
                result_with(api, method, errors, Some(created))
            }
            Verb::Set | Verb::Remove => {
                let ids = id_list(api, method, params);
                let details = struct_param(api, method, params);
                let mut errors = Vec::new();
                for (index, id) in ids.iter().enumerate() {
                    let found = collection
                        .items
                        .iter()
                        .position(|i| i.get("id").and_then(Value::as_str) == Some(id));
                    match (found, verb) {
                        (None, _) => {
                            errors.push(item_error(index, 1002, "Item %1 does not exist.", id))
                        }
                        (Some(at), Verb::Remove) => {
                            collection.items.remove(at);
                        }
                        (Some(at), _) => {
                            let item = &mut collection.items[at];
                            if let Some(d) = details {
                                merge(item, d);
                            }
                            if let (Some(s), Some(o)) = (&status, item.as_object_mut()) {
                                let clean =
                                    o.get("status").and_then(Value::as_str) == Some(s.clean);
                                if clean {
                                    o.insert("status".into(), json!(s.modified));
                                }
                                o.insert("id".into(), json!(id));
                            }
                        }
                    }
                }
                result_with(api, method, errors, None)
            }
            Verb::Apply => {
                if let Some(s) = &status {
                    for item in &mut collection.items {
                        if let Some(o) = item.as_object_mut() {
                            o.insert("status".into(), json!(s.clean));
                        }
                    }
                }
                collection.applied = collection.items.clone();
                result_with(api, method, Vec::new(), None)
            }
            Verb::Reset => {
                collection.items = collection.applied.clone();
                result_with(api, method, Vec::new(), None)
            }
        };
        Some(result)
    }

    /// Forgets every change.
    pub fn clear(&mut self) {
        self.collections.clear();
    }
}

struct StatusValues {
    clean: &'static str,
    modified: &'static str,
    new: &'static str,
}

/// The item status values, when the item type has a `status` enum that holds them.
fn status_values(api: &ApiSpec, fields: &[Slot]) -> Option<StatusValues> {
    let field = fields.iter().find(|f| f.name == "status")?;
    let Shape::Enum(_, values) = api.shape(&field.ty) else {
        return None;
    };
    let s = StatusValues {
        clean: "StoreStatusClean",
        modified: "StoreStatusModified",
        new: "StoreStatusNew",
    };
    [s.clean, s.modified, s.new]
        .iter()
        .all(|v| values.iter().any(|k| k == v))
        .then_some(s)
}

fn listing_item_ty(api: &ApiSpec, list: &Slot) -> super::spec::TypeRef {
    match api.shape(&list.ty) {
        Shape::List(of) => of.clone(),
        _ => list.ty.clone(),
    }
}

/// The one list-of-structs param (create inputs).
fn list_param(
    api: &ApiSpec,
    method: &MethodDescription,
    params: &Value,
    structs: bool,
) -> Vec<Value> {
    method
        .params
        .iter()
        .find(|p| match api.shape(&p.ty) {
            Shape::List(of) => matches!(api.shape(of), Shape::Struct(..)) == structs,
            _ => false,
        })
        .and_then(|p| params.get(&p.name))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn id_list(api: &ApiSpec, method: &MethodDescription, params: &Value) -> Vec<String> {
    list_param(api, method, params, false)
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn struct_param<'v>(
    api: &ApiSpec,
    method: &MethodDescription,
    params: &'v Value,
) -> Option<&'v Value> {
    method
        .params
        .iter()
        .find(|p| matches!(api.shape(&p.ty), Shape::Struct(..)))
        .and_then(|p| params.get(&p.name))
}

/// One item of an `errors` result, in the shape the vendor's web administration reads
/// (`code`, `message` with `%1`, `messageParameters`): 1001 for an item that already
/// exists, 1002 for one that does not (the codes the catalog's `Error` names).
fn item_error(index: usize, code: i64, message: &str, about: &str) -> Value {
    json!({
        "inputIndex": index, "code": code, "message": message,
        "messageParameters": {"positionalParameters": [about], "plurality": 1},
    })
}

/// The method's made-up result with `errors` and the created ids put in.
fn result_with(
    api: &ApiSpec,
    method: &MethodDescription,
    errors: Vec<Value>,
    created: Option<Vec<Value>>,
) -> Value {
    let mut out = api.synthesize_result(method);
    if let Some(o) = out.as_object_mut() {
        for slot in &method.result {
            if slot.name == "errors" {
                o.insert(slot.name.clone(), Value::Array(errors.clone()));
            } else if let (Some(created), Shape::List(_)) = (&created, api.shape(&slot.ty)) {
                o.insert(slot.name.clone(), Value::Array(created.clone()));
            }
        }
    }
    out
}

/// Copies the members of `from` into `into`, recursing into objects.
fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (k, v) in from {
                match into.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        into.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (into, from) => *into = from.clone(),
    }
}

/// The page of `items` a search query asks for, and how many match in all: conditions
/// (`Eq`, `Like` as a case-insensitive substring), `orderBy`, `start` and `limit`
/// (`-1` for all), and `fields`.
pub(crate) fn query(items: &[Value], params: &Value) -> (Vec<Value>, usize) {
    let query = params.get("query").cloned().unwrap_or(Value::Null);
    let text = |v: &Value| match v {
        Value::String(s) => s.to_lowercase(),
        other => other.to_string().to_lowercase(),
    };
    let conditions = query
        .get("conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let any = query.get("combining").and_then(Value::as_str) == Some("Or");
    let matches = |item: &Value| {
        let mut results = conditions.iter().map(|c| {
            let field = c.get("fieldName").and_then(Value::as_str).unwrap_or("");
            let wanted = c.get("value").map(text).unwrap_or_default();
            let value = item.get(field).map(text).unwrap_or_default();
            match c.get("comparator").and_then(Value::as_str) {
                Some("Like") => value.contains(&wanted),
                Some("NotEq") => value != wanted,
                _ => value == wanted,
            }
        });
        if any {
            conditions.is_empty() || results.any(|m| m)
        } else {
            results.all(|m| m)
        }
    };
    let mut hits: Vec<Value> = items.iter().filter(|i| matches(i)).cloned().collect();
    if let Some(order) = query.get("orderBy").and_then(Value::as_array) {
        for key in order.iter().rev() {
            let column = key.get("columnName").and_then(Value::as_str).unwrap_or("");
            let desc = key.get("direction").and_then(Value::as_str) == Some("Desc");
            hits.sort_by(|a, b| {
                let (a, b) = (
                    a.get(column).map(text).unwrap_or_default(),
                    b.get(column).map(text).unwrap_or_default(),
                );
                if desc { b.cmp(&a) } else { a.cmp(&b) }
            });
        }
    }
    let total = hits.len();
    let start = query.get("start").and_then(Value::as_u64).unwrap_or(0) as usize;
    let limit = query.get("limit").and_then(Value::as_i64).unwrap_or(-1);
    let page = hits.into_iter().skip(start);
    let mut page: Vec<Value> = if limit < 0 {
        page.collect()
    } else {
        page.take(limit as usize).collect()
    };
    if let Some(fields) = query.get("fields").and_then(Value::as_array)
        && !fields.is_empty()
    {
        let keep: Vec<&str> = fields.iter().filter_map(Value::as_str).collect();
        for item in &mut page {
            if let Value::Object(o) = item {
                let kept: Map<String, Value> = o
                    .iter()
                    .filter(|(k, _)| keep.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                *o = kept;
            }
        }
    }
    (page, total)
}
