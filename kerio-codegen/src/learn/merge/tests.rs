//! Unit tests of merging: what is widened, added, reported and kept.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::merge;
use crate::learn::observe::MethodObs;
use crate::learn::observe::node::Node;
use crate::learn::observe::parse::Parser;
use crate::learn::specs::{ApiSpec, SpecSet};

/// One API in a temporary folder: `api.json` with the manifest, one interface file and
/// one type file.
fn spec() -> (tempfile::TempDir, ApiSpec) {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = dir.path().join("t");
    std::fs::create_dir_all(api.join("interfaces")).expect("mkdir");
    let write = |rel: &str, v: Value| {
        std::fs::write(api.join(rel), v.to_string()).expect("write");
    };
    write(
        "api.json",
        json!({"api": {"name": "t", "path": "/t/api/jsonrpc/", "port": 1}}),
    );
    write(
        "interfaces/Hosts.json",
        json!({
            "interfaces": {"Hosts": {"doc": "Hosts.", "methods": {
                "get": {
                    "doc": "Lists hosts.",
                    "params": [{"name": "limit", "type": "int32", "doc": "At most."}],
                    "result": [{"name": "list", "type": {"list": "Host"}, "doc": "The hosts."}]
                }
            }}},
            "types": {
                "Host": {"kind": "struct", "doc": "A host.", "fields": [
                    {"name": "id", "type": "string", "doc": "Id."},
                    {"name": "bytes", "type": "int32", "doc": "Bytes."},
                    {"name": "kind", "type": "Kind", "doc": "Kind."}
                ]},
                "Kind": {"kind": "enum", "doc": "Kinds.", "values": [{"value": "A", "doc": "A."}]}
            }
        }),
    );
    let mut set = SpecSet::load(dir.path()).expect("spec loads");
    let api = set.apis.remove(0);
    (dir, api)
}

fn node(text: &str) -> Node {
    let mut n = Node::default();
    Parser::plain(text.as_bytes())
        .run(|p| p.value(&mut n, false))
        .expect("json");
    n
}

/// What one successful call of a method shows.
fn call(params: &str, result: &str) -> MethodObs {
    MethodObs {
        calls: 1,
        replies: 1,
        params: node(params),
        result: node(result),
        ..MethodObs::default()
    }
}

fn methods(list: Vec<(&str, MethodObs)>) -> BTreeMap<String, MethodObs> {
    let mut out: BTreeMap<String, MethodObs> = BTreeMap::new();
    for (name, obs) in list {
        out.entry(name.to_owned()).or_default().absorb(obs);
    }
    out
}

fn file<'a>(api: &'a ApiSpec, rel: &str) -> &'a Value {
    &api.files[api.file_index(rel).expect("file")].value
}

#[test]
fn widens_numbers_and_keeps_members_it_does_not_know() {
    let (_dir, mut api) = spec();
    // Members a newer spec format may have (the loader of this one refuses them): merge
    // edits the files' JSON in place and must keep them.
    let i = api.file_index("t/interfaces/Hosts.json").expect("file");
    let get = api.files[i]
        .value
        .pointer_mut("/interfaces/Hosts/methods/get");
    get.and_then(Value::as_object_mut)
        .expect("method")
        .insert("paging".into(), json!({"future": "member"}));
    let host = api.files[i].value.pointer_mut("/types/Host");
    host.and_then(Value::as_object_mut)
        .expect("type")
        .insert("x-unknown".into(), json!(1));
    let obs = methods(vec![(
        "Hosts.get",
        call(
            r#"{"limit": 10}"#,
            r#"{"list": [{"id": "a", "bytes": 5000000000, "kind": "A"}]}"#,
        ),
    )]);
    let report = merge(&mut api, &obs);
    assert_eq!(report.widened, ["Host.bytes: int32 → int64"]);
    assert!(report.review.is_empty(), "{:?}", report.review);
    let v = file(&api, "t/interfaces/Hosts.json");
    assert_eq!(
        v.pointer("/types/Host/fields/1/type"),
        Some(&json!("int64"))
    );
    assert_eq!(
        v.pointer("/interfaces/Hosts/methods/get/paging"),
        Some(&json!({"future": "member"}))
    );
    assert_eq!(v.pointer("/types/Host/x-unknown"), Some(&json!(1)));
}

#[test]
fn adds_params_fields_values_methods_and_interfaces() {
    let (_dir, mut api) = spec();
    let obs = methods(vec![
        (
            "Hosts.get",
            call(
                r#"{"limit": 1, "refresh": true}"#,
                r#"{"list": [{"id": "a", "bytes": 1, "kind": "B", "mac": "00:11"}], "total": 3}"#,
            ),
        ),
        ("Hosts.count", call("{}", r#"{"count": 3}"#)),
        ("Rules.get", call("{}", r#"{"names": ["x"]}"#)),
    ]);
    let report = merge(&mut api, &obs);
    assert_eq!(
        report.new_params,
        ["Hosts.get → total: int64", "Hosts.get(refresh: boolean)"]
    );
    assert_eq!(report.new_fields, ["Host.mac: string"]);
    assert_eq!(report.new_values, ["Kind: B"]);
    assert_eq!(report.new_methods, ["Hosts.count", "Rules.get"]);
    assert_eq!(report.new_interfaces, ["Rules"]);
    assert!(report.widened.is_empty() && report.review.is_empty());
    let v = file(&api, "t/interfaces/Hosts.json");
    let refresh = v
        .pointer("/interfaces/Hosts/methods/get/params/1")
        .expect("param");
    assert_eq!(refresh["optional"], json!(true));
    assert_eq!(
        v.pointer("/types/Host/fields/3/optional"),
        Some(&json!(true))
    );
    assert_eq!(v.pointer("/types/Kind/values/1/value"), Some(&json!("B")));
    assert!(v.pointer("/interfaces/Hosts/methods/count").is_some());
    let rules = file(&api, "t/interfaces/Rules.json");
    assert!(rules.pointer("/interfaces/Rules/methods/get").is_some());
    let texts: Vec<String> = api.files.iter().map(|f| f.text()).collect();
    api.reload(&texts).expect("valid");
}

#[test]
fn disagreements_are_reported_and_left_alone() {
    let (_dir, mut api) = spec();
    let before: Vec<Value> = api.files.iter().map(|f| f.value.clone()).collect();
    let obs = methods(vec![(
        "Hosts.get",
        call(r#"{"limit": "ten"}"#, r#"{"list": [{"id": 7, "kind": 3}]}"#),
    )]);
    let report = merge(&mut api, &obs);
    let review: Vec<&str> = report.review.iter().map(String::as_str).collect();
    assert_eq!(
        review,
        [
            "Host.id: the spec says string, the capture has 1 integer",
            "Hosts.get(params).limit: the spec says int32, the capture has 1 string",
            "Host.kind: the spec says enum Kind, the capture has 1 integer",
        ]
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    let after: Vec<Value> = api.files.iter().map(|f| f.value.clone()).collect();
    assert_eq!(before, after);
}

#[test]
fn keys_that_are_not_names_are_not_learned() {
    let (_dir, mut api) = spec();
    let obs = methods(vec![(
        "Hosts.get",
        call(
            "{}",
            r#"{"list": [{"id": "a", "two words": 1, "9lives": 2}]}"#,
        ),
    )]);
    let report = merge(&mut api, &obs);
    assert!(report.new_fields.is_empty(), "{:?}", report.new_fields);
    assert_eq!(report.review.len(), 2, "{:?}", report.review);
}

#[test]
fn tokens_and_redacted_strings_are_not_enum_values() {
    let (_dir, mut api) = spec();
    let obs = methods(vec![(
        "Hosts.get",
        call(
            "{}",
            r#"{"list": [{"kind": "B1000Value"}, {"kind": "5f1e2d3c4b5a69788796"},
                {"kind": "[redacted]"}]}"#,
        ),
    )]);
    let report = merge(&mut api, &obs);
    assert_eq!(report.new_values, ["Kind: B1000Value"]);
    // Both values are left out with the same note, which the review lists once.
    assert_eq!(report.review.len(), 1, "{:?}", report.review);
    assert!(
        report.review.iter().all(|r| !r.contains("5f1e2d")),
        "{:?}",
        report.review
    );
}

#[test]
fn text_that_is_not_one_word_is_not_an_enum_value() {
    let (_dir, mut api) = spec();
    let obs = methods(vec![(
        "Hosts.get",
        call(
            "{}",
            r#"{"list": [{"kind": "Printer-2"}, {"kind": "seen hunter2 here"},
                {"kind": "a/b"}]}"#,
        ),
    )]);
    let report = merge(&mut api, &obs);
    assert_eq!(report.new_values, ["Kind: Printer-2"]);
    assert_eq!(
        report.review.iter().collect::<Vec<_>>(),
        ["Kind: a value that is not one word (not shown); not learned"]
    );
}

#[test]
fn a_method_without_a_successful_reply_is_not_added() {
    let (_dir, mut api) = spec();
    let mut obs = call("{}", "null");
    obs.replies = 0;
    obs.errors = 1;
    obs.error_codes.insert(-32601, 1);
    let report = merge(&mut api, &methods(vec![("Hosts.remove", obs)]));
    assert!(report.new_methods.is_empty());
    assert_eq!(
        report.review.iter().next().map(String::as_str),
        Some(
            "Hosts.remove: not in the spec and no successful reply seen (1 call, errors -32601 ×1); not added"
        )
    );
}

#[test]
fn the_result_does_not_depend_on_the_order_of_calls() {
    let a = call(
        "{}",
        r#"{"list": [{"id": "a", "bytes": 1.5, "kind": "C"}]}"#,
    );
    let b = call(
        r#"{"limit": 3}"#,
        r#"{"list": [{"id": "b", "extra": true}]}"#,
    );
    let run = |first: &MethodObs, second: &MethodObs| {
        let (_dir, mut api) = spec();
        let mut obs = methods(vec![("Hosts.get", first.clone())]);
        if let Some(m) = obs.get_mut("Hosts.get") {
            m.absorb(second.clone());
        }
        let report = merge(&mut api, &obs);
        let texts: Vec<String> = api.files.iter().map(|f| f.text()).collect();
        (report, texts)
    };
    assert_eq!(run(&a, &b), run(&b, &a));
}
