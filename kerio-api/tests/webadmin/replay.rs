//! Every method the vendor's web administration calls, replayed against the mock with
//! the params it sends (`tests/fixtures/webadmin-calls.json`): a JSON-RPC error of the
//! protocol's own range (unknown method, missing param, wrong type, parse or request
//! errors, a lost session) fails the test, since the appliance accepts what its own
//! client sends. Errors of the application's range (a code of 1000 or more: an unknown
//! id, a wrong password) are what an appliance may answer, and pass.
//!
//! Literal values of the fixture (`number=-1`, `string='Asc'`, `boolean=true`) are sent
//! as they are: they check the spec's types. Values the client computes (`value from a JS
//! variable`), and objects it builds whose keys the fixture does not list, are filled with
//! a value of the type the spec gives at that place (the described JSON kind, when the
//! fixture names one), so they check presence, not types. Params the client's screens set
//! just before sending (the fixture's `readings.filled`, each with where) are added the
//! same way. A method whose params come in alternatives (`$oneOf`) is called once per
//! alternative; where literal values are alternatives of computed ones, they are not
//! replayed: they are the initial values of request templates that the screens overwrite
//! before sending (`url: null` at contentFilterList.js:987, `ids: ''` at
//! certificateList.js:187, `scopeIds: null` at dhcpServerList.js:467, `routes: null` at
//! routingTableList.js:481), or forms of the shared Kerio library that Kerio Control does
//! not use (`enabled` as 1 or 0 only when `k_useBoolean` is false, which it never sets:
//! weblib/int/adm/widgets.js:2037).
//!
//! Where the client sends a method without some params (the fixture's
//! `readings.leftOut`), each call is also made without them. A result whose `errors`
//! lists something must list it in the shape the client reads (a code of 1000 or more,
//! the input's index, the message and its parameters), and a call with no params at all
//! has no input to be wrong about: its `errors` are empty. Country and language codes of
//! a result are codes of their domains, and a healthy appliance raises no `warnings`.

use std::collections::BTreeMap;
use std::path::Path;

use kerio_codegen::spec::{Api, Param, Primitive, TypeDef, TypeKind, TypeRef};
use serde_json::{Map, Value, json};

use crate::checks::{codes_problem, errors_problem};
use crate::{Raw, appliance};

const FIXTURE: &str = include_str!("../fixtures/webadmin-calls.json");

/// At most this many calls per method: enough for the alternatives the client sends.
const MAX_VARIANTS: usize = 6;

/// The Administration API's spec, for the types of the places the client fills itself.
struct Spec {
    api: Api,
}

impl Spec {
    fn load() -> Spec {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("api-spec");
        let apis = kerio_codegen::load::load_root(&root).unwrap_or_else(|d| panic!("{d}"));
        let api = apis
            .into_iter()
            .find(|a| a.manifest.name == "admin")
            .expect("the Administration API");
        Spec { api }
    }

    fn param(&self, method: &str, name: &str) -> Option<&TypeRef> {
        self.declared(method, name).map(|p| &p.ty)
    }

    /// The declaration of param `name` of `method`.
    fn declared(&self, method: &str, name: &str) -> Option<&Param> {
        let (iface, m) = method.split_once('.')?;
        self.api
            .interfaces
            .iter()
            .find(|i| i.name == iface)?
            .methods
            .iter()
            .find(|x| x.name == m)?
            .params
            .iter()
            .find(|p| p.name == name)
    }

    fn def(&self, name: &str) -> Option<&TypeDef> {
        self.api.types.iter().find(|t| t.name == name)
    }

    /// `ty` with aliases followed.
    fn resolve<'a>(&'a self, ty: &'a TypeRef) -> &'a TypeRef {
        let mut ty = ty;
        for _ in 0..16 {
            match ty {
                TypeRef::Named(n) => match self.def(n).map(|d| &d.kind) {
                    Some(TypeKind::Alias(of)) => ty = of,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// The type of member `key` of a value of type `ty` (a struct's field).
    fn member<'a>(&'a self, ty: Option<&'a TypeRef>, key: &str) -> Option<&'a TypeRef> {
        let TypeRef::Named(n) = self.resolve(ty?) else {
            return None;
        };
        match &self.def(n)?.kind {
            TypeKind::Struct(fields) => fields.iter().find(|f| f.name == key).map(|f| &f.ty),
            _ => None,
        }
    }

    fn item<'a>(&'a self, ty: Option<&'a TypeRef>) -> Option<&'a TypeRef> {
        match self.resolve(ty?) {
            TypeRef::List(of) => Some(of),
            _ => None,
        }
    }

    /// A value of type `ty` for a place the client fills itself; of the JSON kind the
    /// description names (`string (certificate id)`, `number`) when that is another kind,
    /// so that a type the client contradicts shows.
    fn placeholder(&self, ty: Option<&TypeRef>, description: &str) -> Value {
        if description.contains("local user database") {
            return json!("local");
        }
        let typed = self.typed(ty);
        let described = match description.split([' ', ',']).next().unwrap_or("") {
            "string" | "id" => json!("x"),
            "number" => json!(0),
            "boolean" => json!(false),
            "array" => json!([]),
            _ => return typed,
        };
        let kind = |v: &Value| std::mem::discriminant(v);
        if kind(&typed) == kind(&described) {
            typed
        } else {
            described
        }
    }

    /// A value of type `ty`: zero, empty, false, the first enum value.
    fn typed(&self, ty: Option<&TypeRef>) -> Value {
        let Some(ty) = ty else {
            return json!("x");
        };
        match self.resolve(ty) {
            TypeRef::Primitive(p) => match p {
                Primitive::String => json!("x"),
                Primitive::Boolean => json!(false),
                Primitive::Int32 | Primitive::Int64 => json!(0),
                Primitive::Double => json!(0.0),
                Primitive::Any => json!({}),
            },
            TypeRef::List(_) => json!([]),
            TypeRef::Map(_) => json!({}),
            TypeRef::Named(n) => match self.def(n).map(|d| &d.kind) {
                Some(TypeKind::Enum(values)) => {
                    values.first().map_or(json!("x"), |v| json!(v.value))
                }
                _ => json!({}),
            },
        }
    }
}

/// A literal leaf of the fixture as JSON; `None` for a value the client computes.
fn literal(leaf: &str) -> Option<Option<Value>> {
    if let Some(n) = leaf.strip_prefix("number=") {
        return serde_json::from_str(n).ok().map(Some);
    }
    if let Some(s) = leaf.strip_prefix("string='") {
        return s.strip_suffix('\'').map(|s| Some(json!(s)));
    }
    match leaf {
        "boolean=true" => Some(Some(json!(true))),
        "boolean=false" => Some(Some(json!(false))),
        "null" => Some(Some(Value::Null)),
        // A member the client leaves undefined is not sent at all.
        "undefined" => Some(None),
        _ => None,
    }
}

/// The alternatives of a `$oneOf`, nested ones flattened; literal leaves dropped when
/// computed values or built objects are among them (see the module's doc).
fn alternatives(list: &[Value]) -> Vec<&Value> {
    let mut flat = Vec::new();
    let mut stack: Vec<&Value> = list.iter().rev().collect();
    while let Some(v) = stack.pop() {
        match v.get("$oneOf").and_then(Value::as_array) {
            Some(inner) => stack.extend(inner.iter().rev()),
            None => flat.push(v),
        }
    }
    let computed = |v: &&Value| v.as_str().is_none_or(|leaf| literal(leaf).is_none());
    if flat.iter().any(computed) {
        flat.retain(|v| v.as_str().is_none_or(|leaf| literal(leaf).is_none()));
    }
    flat
}

/// The value the client sends for `shape`, alternative `pick` where it has several;
/// `None` when the member is not sent.
fn build<'a>(spec: &'a Spec, shape: &Value, ty: Option<&'a TypeRef>, pick: usize) -> Option<Value> {
    match shape {
        Value::String(leaf) => match literal(leaf) {
            Some(value) => value,
            None => Some(spec.placeholder(ty, leaf)),
        },
        Value::Object(o) => {
            if let Some(Value::Array(list)) = o.get("$oneOf") {
                let list = alternatives(list);
                let alt = list.get(pick % list.len().max(1))?;
                return build(spec, alt, ty, pick);
            }
            // An object built in JS whose keys are not known: a value of the spec's type.
            if !o.is_empty() && o.keys().all(|k| k.starts_with('$')) && !o.contains_key("$array") {
                let about = o.get("$partial").and_then(Value::as_str).unwrap_or("");
                return Some(spec.placeholder(ty, about));
            }
            // A batch command: its params have the types of the method it names.
            if let (Some(Value::String(m)), Some(Value::Object(params))) =
                (o.get("method"), o.get("params"))
                && let Some(Some(Value::String(name))) = literal(m)
            {
                let params: Map<String, Value> = params
                    .iter()
                    .filter_map(|(k, v)| {
                        build(spec, v, spec.param(&name, k), pick).map(|v| (k.clone(), v))
                    })
                    .collect();
                return Some(json!({"method": name, "params": params}));
            }
            if let Some(items) = o.get("$array") {
                let items = items.as_array().cloned().unwrap_or_default();
                let of = spec.item(ty);
                return Some(Value::Array(
                    items
                        .iter()
                        .filter_map(|i| build(spec, i, of, pick))
                        .collect(),
                ));
            }
            let mut out = Map::new();
            for (key, member) in o {
                // Markers of objects built in JS: only the keys beside them are known.
                if key.starts_with('$') {
                    continue;
                }
                if let Some(v) = build(spec, member, spec.member(ty, key), pick) {
                    out.insert(key.clone(), coded(key, member, v));
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .filter_map(|i| build(spec, i, spec.item(ty), pick))
                .collect(),
        )),
        other => Some(other.clone()),
    }
}

/// A value the client computes for a country or language field is a code, as its
/// selection lists give them (`CZ`, `en`); literals stay as they are.
fn coded(key: &str, shape: &Value, value: Value) -> Value {
    let computed = shape.as_str().is_some_and(|leaf| literal(leaf).is_none());
    let lower = key.to_ascii_lowercase();
    match value {
        Value::String(_) if computed && (lower.ends_with("language") || lower == "lang") => {
            json!("en")
        }
        Value::String(_) if computed && lower.ends_with("country") => json!("CZ"),
        other => other,
    }
}

/// How many alternatives the most varied place of a shape has.
fn variants(shape: &Value) -> usize {
    match shape {
        Value::Object(o) => {
            let here = match o.get("$oneOf") {
                Some(Value::Array(a)) => a.len(),
                _ => 1,
            };
            o.values().map(variants).max().unwrap_or(1).max(here)
        }
        Value::Array(items) => items.iter().map(variants).max().unwrap_or(1),
        _ => 1,
    }
}

/// The calls to make for one method of the fixture: its params, alternative by
/// alternative, and `{}` or `null` where the client sends no params; `filled` names the
/// params the client sets before sending.
fn calls(spec: &Spec, method: &str, entry: &Value, filled: &[&str]) -> Vec<Option<Value>> {
    let shape = entry.get("params").cloned().unwrap_or_else(|| json!({}));
    let mut out = Vec::new();
    for pick in 0..variants(&shape).min(MAX_VARIANTS) {
        let mut params = Map::new();
        if let Value::Object(members) = &shape {
            for (name, member) in members {
                if let Some(v) = build(spec, member, spec.param(method, name), pick) {
                    params.insert(name.clone(), v);
                }
            }
        }
        let params = Some(Value::Object(params));
        if !out.contains(&params) {
            out.push(params);
        }
    }
    let without = entry
        .get("sentWithoutParamsAt")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for site in without.iter().filter_map(Value::as_str) {
        let call = if site.contains("(params: null)") {
            Some(Value::Null)
        } else {
            Some(json!({}))
        };
        if !out.contains(&call) {
            out.push(call);
        }
    }
    for call in &mut out {
        for name in filled {
            let params = call.get_or_insert_with(|| json!({}));
            if params.is_null() {
                *params = json!({});
            }
            if let Some(o) = params.as_object_mut()
                && !o.contains_key(*name)
            {
                o.insert(
                    (*name).to_owned(),
                    spec.placeholder(spec.param(method, name), ""),
                );
            }
        }
    }
    out.dedup();
    out
}

/// The params a reading names, by method: `filled` (set before sending), `leftOut`
/// (sent without them at some call site), `sentAnyway` (set at every call after all).
fn reading(fixture: &Value, which: &str) -> BTreeMap<String, Vec<String>> {
    fixture["readings"][which]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(m, r)| {
                    let names = r["params"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default();
                    (m.clone(), names)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The calls without the params the client leaves out at some call site, added to
/// `calls` (those that differ).
fn without(calls: &mut Vec<Option<Value>>, left_out: &[String]) {
    let more: Vec<Option<Value>> = calls
        .iter()
        .map(|call| {
            let mut call = call.clone();
            if let Some(Value::Object(params)) = &mut call {
                params.retain(|k, _| !left_out.contains(k));
            }
            call
        })
        .collect();
    for call in more {
        if !calls.contains(&call) {
            calls.push(call);
        }
    }
}

/// An error an appliance would not give to its own client's call: the JSON-RPC
/// protocol's range (-32768 to -32000).
fn protocol_error(body: &Value) -> Option<&Value> {
    let error = body.get("error")?;
    let code = error.get("code").and_then(Value::as_i64)?;
    (-32768..=-32000).contains(&code).then_some(error)
}

/// Methods that would end the replay's own session.
const ENDS_THE_SESSION: [&str; 1] = ["Session.logout"];

/// What an appliance accepts: unknown params ignored.
#[tokio::test]
async fn every_call_of_the_web_administration_is_accepted() {
    replay(false).await;
}

/// Every name the client sends (params and struct fields at any depth) is in the spec,
/// and every enum value among its literals: the mock's strict mode refuses the others.
#[tokio::test]
async fn the_spec_knows_every_name_and_enum_value_the_web_administration_sends() {
    replay(true).await;
}

async fn replay(strict: bool) {
    let fixture: Value = serde_json::from_str(FIXTURE).expect("fixture JSON");
    let methods = fixture["methods"].as_object().expect("methods").clone();
    assert!(methods.len() > 350, "{}", methods.len());
    let filled = reading(&fixture, "filled");
    assert!(filled.len() > 20, "{filled:?}");
    let left_out = reading(&fixture, "leftOut");
    assert!(left_out.contains_key("Users.get"), "{left_out:?}");
    let spec = Spec::load();
    let app = appliance(strict).await;
    let raw = Raw::login(&app).await;
    let mut refused: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut sent = 0;
    for (method, entry) in &methods {
        if ENDS_THE_SESSION.contains(&method.as_str()) {
            continue;
        }
        let names: Vec<&str> = filled
            .get(method)
            .map(|n| n.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let mut calls = calls(&spec, method, entry, &names);
        if let Some(names) = left_out.get(method) {
            without(&mut calls, names);
        }
        for params in calls {
            sent += 1;
            let (status, body) = raw.call(method, params.as_ref()).await;
            let mut problems = Vec::new();
            if status != 200 {
                problems.push(format!("HTTP {status}: {body}"));
            } else if let Some(error) = protocol_error(&body) {
                problems.push(format!("{error}"));
            } else if let Some(result) = body.get("result") {
                problems.extend(errors_problem(result, params.as_ref()));
                problems.extend(codes_problem(result));
                // A healthy appliance raises nothing: the client opens dialogs for warnings.
                if let Some(w) = result
                    .get("warnings")
                    .filter(|w| w.as_array().is_some_and(|a| !a.is_empty()))
                {
                    problems.push(format!("warnings on a healthy appliance: {w}"));
                }
            } else {
                problems.push(format!("no result: {body}"));
            }
            // A batch answers each command on its own.
            if let Some(items) = body.get("result").and_then(Value::as_array)
                && method == "Batch.run"
            {
                for item in items {
                    if let Some(error) = protocol_error(item) {
                        problems.push(format!("in the batch: {error}"));
                    }
                }
            }
            for problem in problems {
                let shown = params.as_ref().map_or("(none)".into(), Value::to_string);
                refused
                    .entry(method.clone())
                    .or_default()
                    .push(format!("params {shown}: {problem}"));
            }
        }
    }
    let report: Vec<String> = refused
        .iter()
        .map(|(m, why)| format!("{m}:\n    {}", why.join("\n    ")))
        .collect();
    assert!(
        refused.is_empty(),
        "{} of {} methods refused calls the web administration makes ({sent} calls, strict {strict}):\n{}",
        refused.len(),
        methods.len(),
        report.join("\n")
    );
    assert!(sent >= methods.len(), "{sent}");
}

/// Every method the reference notes call "omitted at some call sites" is decided by a
/// reading of the client's code: params it really leaves out are optional and kept
/// positional in the spec (calls written while they were required still compile); those
/// it sets after all stay required.
#[test]
fn the_spec_leaves_out_exactly_what_the_client_leaves_out() {
    let fixture: Value = serde_json::from_str(FIXTURE).expect("fixture JSON");
    let spec = Spec::load();
    let left_out = reading(&fixture, "leftOut");
    let sent = reading(&fixture, "sentAnyway");
    // The methods of WEBADMIN-FACTS.md's "omitted at some call sites".
    let noted = [
        "Dhcp.getLeases",
        "Interfaces.get",
        "Logs.get",
        "SystemConfig.setDateTime",
        "UpdateChecker.check",
        "UpdateChecker.download",
        "UserGroups.get",
        "Users.get",
    ];
    for method in noted {
        assert!(
            left_out.contains_key(method) != sent.contains_key(method),
            "{method}: decided once, by a reading"
        );
    }
    for (method, names) in &left_out {
        for name in names {
            let p = spec.declared(method, name).expect("a declared param");
            assert!(p.optional && p.positional, "{method} {name}");
        }
    }
    for (method, names) in &sent {
        for name in names {
            let p = spec.declared(method, name).expect("a declared param");
            assert!(!p.optional, "{method} {name}");
        }
    }
}

#[test]
fn a_left_out_param_gives_a_call_without_it() {
    let mut calls = vec![Some(json!({"query": {}, "domainId": "x"})), Some(json!({}))];
    without(&mut calls, &["domainId".to_owned()]);
    assert_eq!(
        calls,
        [
            Some(json!({"query": {}, "domainId": "x"})),
            Some(json!({})),
            Some(json!({"query": {}}))
        ]
    );
}

#[test]
fn literals_are_sent_as_they_are_and_computed_values_get_the_spec_type() {
    let spec = Spec::load();
    let entry = json!({"params": {
        "query": {"$oneOf": [
            {"start": "number=0", "limit": "number=-1", "orderBy": {"$array": [
                {"columnName": "string='name'", "direction": "string='Asc'"}]}},
            "SearchQuery {start, limit, orderBy?, conditions?} merged in by the data-store framework"
        ]},
        "sortByGroup": "value from a JS variable",
        "gone": "undefined"
    }, "sentWithoutParamsAt": ["x.js:1"]});
    let calls = calls(&spec, "Interfaces.get", &entry, &[]);
    assert_eq!(
        calls,
        [
            Some(json!({"query": {"start": 0, "limit": -1, "orderBy": [
                {"columnName": "name", "direction": "Asc"}]}, "sortByGroup": false})),
            Some(json!({"query": {}, "sortByGroup": false})),
            Some(json!({})),
        ]
    );
}
