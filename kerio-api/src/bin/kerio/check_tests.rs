use serde_json::json;

use super::*;
use crate::spec;

fn admin() -> &'static ApiSpec {
    spec::api("admin").expect("admin")
}

fn paths(found: &[Misfit]) -> Vec<&str> {
    found.iter().map(|m| m.path.as_str()).collect()
}

#[test]
fn params_are_checked_by_name_type_and_enum_value() {
    let api = admin();
    let get = api.method("ActiveHosts.get").expect("method");
    let ok = json!({"query": {"start": 0, "limit": 5}, "refresh": false});
    assert!(params(api, get, ok.as_object().expect("object")).is_empty());

    let wrong = json!({"query": {"start": "0", "limitt": 5}, "refresh": "no", "extra": 1});
    let found = params(api, get, wrong.as_object().expect("object"));
    assert_eq!(
        paths(&found),
        [
            "params.extra",
            "params.query.limitt",
            "params.query.start",
            "params.refresh"
        ]
    );
    assert!(
        found[0].message.contains("its params: query, refresh"),
        "{found:?}"
    );
    assert!(
        found[1]
            .message
            .contains("SearchQuery has no field `limitt`"),
        "{found:?}"
    );
    assert!(
        found[2]
            .message
            .contains("holds a string, expected an integer"),
        "{found:?}"
    );
    assert!(found[3].message.contains("expected a boolean"), "{found:?}");

    let missing = params(api, get, &Map::new());
    assert_eq!(paths(&missing), ["params.query", "params.refresh"]);

    let order =
        json!({"query": {"orderBy": [{"columnName": "ip", "direction": "Up"}]}, "refresh": true});
    let found = params(api, get, order.as_object().expect("object"));
    assert_eq!(paths(&found), ["params.query.orderBy[0].direction"]);
    assert!(found[0].message.contains("one of Asc, Desc"), "{found:?}");
    // Nothing of the value is repeated.
    assert!(!found[0].message.contains("Up"), "{found:?}");
}

#[test]
fn results_are_read_as_the_typed_decoder_reads_them() {
    let api = admin();
    let get = api.method("ActiveHosts.get").expect("method");
    let fine =
        json!({"list": [{"hostname": "a", "someNewField": 1, "user": null}], "totalItems": 1});
    assert!(result(api, get, &fine).is_empty());
    assert_eq!(
        unknown_fields(api, get, &fine),
        ["result.list[0].someNewField"]
    );

    let drift = json!({"list": [{"hostname": 5}, null], "totalItems": "many"});
    let found = result(api, get, &drift);
    assert_eq!(
        paths(&found),
        [
            "result.list[0].hostname",
            "result.list[1]",
            "result.totalItems"
        ]
    );
    assert!(
        found[0]
            .message
            .starts_with("holds a number, expected a string")
    );
    assert_eq!(
        paths(&result(api, get, &json!({"list": []}))),
        ["result.totalItems"]
    );
    assert_eq!(paths(&result(api, get, &json!([1]))), ["result"]);
}

/// A value of the type that fits it, nested a few levels at most.
#[cfg(feature = "contract")]
fn valid(api: &ApiSpec, ty: &TypeRef, depth: usize) -> Value {
    let deeper = depth < 3;
    match api.shape(ty) {
        Shape::String => json!("text"),
        Shape::Boolean => json!(true),
        Shape::Int32 | Shape::Int64 => json!(7),
        Shape::Double => json!(1.5),
        Shape::Any => json!({"anything": [1]}),
        Shape::Enum(_, values) => json!(values.first().map_or("x", String::as_str)),
        Shape::List(of) if deeper => json!([valid(api, of, depth + 1)]),
        Shape::Map(of) if deeper => json!({"key": valid(api, of, depth + 1)}),
        Shape::Struct(_, fields) if deeper => Value::Object(
            fields
                .iter()
                .map(|f| (f.name.clone(), valid(api, &f.ty, depth + 1)))
                .collect(),
        ),
        Shape::List(_) => json!([]),
        Shape::Map(_) | Shape::Struct(..) => json!({}),
    }
}

/// Every node below the root, as paths of keys and indexes.
#[cfg(feature = "contract")]
fn nodes(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    let children: Vec<(Value, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (json!(k), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (json!(i), v))
            .collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        path.push(step);
        out.push(path.clone());
        nodes(child, path, out);
        path.pop();
    }
}

#[cfg(feature = "contract")]
fn at<'v>(value: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        Value::String(key) => node.get_mut(key.as_str()),
        Value::Number(i) => node.get_mut(usize::try_from(i.as_u64()?).ok()?),
        _ => None,
    })
}

/// The same verdict as the typed decoder (`kerio_api::contract`, the path-reporting
/// decoder of every method), on a fitting result of every method of every API and on
/// each of its values swapped for one of another kind, for `null`, or removed.
#[cfg(feature = "contract")]
#[test]
fn the_verdicts_are_those_of_the_typed_decoder() {
    use kerio_api::contract::Severity;
    let mut compared = 0;
    for api in spec::apis().expect("description") {
        // Login, logout and batch replies are read by the runtime, not checked here.
        for method in api.methods().filter(|m| !crate::tree::is_own(m)) {
            let object: Map<String, Value> = method
                .result
                .iter()
                .map(|s| (s.name.clone(), valid(api, &s.ty, 0)))
                .collect();
            let base = Value::Object(object);
            let mut cases = vec![base.clone()];
            let mut all = Vec::new();
            nodes(&base, &mut Vec::new(), &mut all);
            for path in all.iter().take(40) {
                for swap in [json!(null), json!("x"), json!(7), json!([]), json!({})] {
                    let mut case = base.clone();
                    if let Some(node) = at(&mut case, path) {
                        *node = swap;
                    }
                    cases.push(case);
                }
            }
            for slot in &method.result {
                let mut case = base.clone();
                if let Value::Object(map) = &mut case {
                    map.remove(&slot.name);
                }
                cases.push(case);
            }
            for case in cases {
                let Some(report) =
                    kerio_api::contract::check(&api.name, &method.wire, &json!({}), Some(&case))
                else {
                    continue; // not compiled with these features
                };
                let mut typed: Vec<&str> = report
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error && f.path.starts_with("result"))
                    .map(|f| f.path.as_str())
                    .collect();
                let found = result(api, method, &case);
                let mut ours = paths(&found);
                typed.sort_unstable();
                ours.sort_unstable();
                assert_eq!(ours, typed, "{} on {case}", method.wire);
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "{compared} cases compared");
}
