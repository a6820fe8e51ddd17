//! Contract test: every exchange of the sample captures in `api-spec/captures` decodes
//! through the generated types: params, results, and each command of a batch.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use base64::Engine;
use kerio_api::contract::{Report, Severity};
use serde_json::{Value, json};

/// One JSON-RPC call found in a capture.
struct Exchange {
    origin: String,
    /// Provenance kind of the capture (`public`, `recorded`, `synthesized`), from the
    /// `kerio-capture: <kind>` start of its `log.comment`.
    kind: String,
    api: &'static str,
    method: String,
    params: Value,
    result: Option<Value>,
}

fn api_of(url: &str) -> Option<&'static str> {
    let path = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.find('/').map(|i| &rest[i..]))?;
    let path = path.split('?').next().unwrap_or(path).trim_end_matches('/');
    served_at::<kerio_api::admin::Admin>(path)
        .or_else(|| served_at::<kerio_api::stats::Stats>(path))
}

/// The API's name when `path` (without its final `/`) is one of its endpoint paths, as
/// the spec manifest gives them.
fn served_at<A: kerio_api::Api>(path: &str) -> Option<&'static str> {
    std::iter::once(A::DEFAULT_PATH)
        .chain(A::ALTERNATIVE_PATHS.iter().copied())
        .any(|p| p.trim_end_matches('/') == path)
        .then_some(A::NAME)
}

fn body_text(content: &Value) -> Option<String> {
    let text = content.get("text")?.as_str()?;
    if content.get("encoding").and_then(Value::as_str) == Some("base64") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?;
        String::from_utf8(bytes).ok()
    } else {
        Some(text.to_owned())
    }
}

fn exchanges() -> Vec<Exchange> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/captures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("captures folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "har"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let har: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let kind = har["log"]["comment"]
            .as_str()
            .and_then(|c| c.strip_prefix("kerio-capture: "))
            .and_then(|c| c.split(|ch: char| !ch.is_ascii_alphabetic()).next())
            .unwrap_or_else(|| panic!("{name}: no `kerio-capture: <kind>` log.comment"))
            .to_owned();
        for (i, entry) in har["log"]["entries"].as_array().unwrap().iter().enumerate() {
            let Some(api) = entry["request"]["url"].as_str().and_then(api_of) else {
                continue;
            };
            let Some(request) = entry["request"]["postData"]
                .get("text")
                .and_then(Value::as_str)
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
            else {
                continue;
            };
            let reply = body_text(&entry["response"]["content"])
                .and_then(|t| serde_json::from_str::<Value>(&t).ok());
            let origin = format!("{name} entry {i}");
            let method = request["method"].as_str().unwrap().to_owned();
            let params = request.get("params").cloned().unwrap_or(Value::Null);
            let result = reply.as_ref().and_then(|r| r.get("result")).cloned();
            if method == "Batch.run" {
                let results = result
                    .as_ref()
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (j, command) in params["commandList"].as_array().unwrap().iter().enumerate() {
                    out.push(Exchange {
                        origin: format!("{origin} command {j}"),
                        kind: kind.clone(),
                        api,
                        method: command["method"].as_str().unwrap().to_owned(),
                        params: command.get("params").cloned().unwrap_or(Value::Null),
                        result: results.get(j).and_then(|r| r.get("result")).cloned(),
                    });
                }
            } else {
                out.push(Exchange {
                    origin,
                    kind: kind.clone(),
                    api,
                    method,
                    params,
                    result,
                });
            }
        }
    }
    out
}

fn check(api: &str, method: &str, params: &Value, result: Option<&Value>) -> Option<Report> {
    match api {
        "admin" => kerio_api::admin::__contract::check(method, params, result),
        "stats" => kerio_api::stats::__contract::check(method, params, result),
        _ => None,
    }
}

#[test]
fn every_captured_exchange_decodes_through_the_generated_types() {
    let exchanges = exchanges();
    let mut problems = Vec::new();
    let mut methods = BTreeSet::new();
    let mut results = 0;
    let mut passed: BTreeMap<&str, usize> = BTreeMap::new();
    for x in &exchanges {
        let before = problems.len();
        match check(x.api, &x.method, &x.params, x.result.as_ref()) {
            None => problems.push(format!(
                "{}: {} is not a method of {}",
                x.origin, x.method, x.api
            )),
            Some(report) => {
                for f in &report.findings {
                    problems.push(format!(
                        "{}: {} {}: {}",
                        x.origin, x.method, f.path, f.message
                    ));
                }
            }
        }
        if x.api == "admin" {
            methods.insert(x.method.clone());
        }
        results += usize::from(x.result.is_some());
        if problems.len() == before {
            *passed.entry(x.kind.as_str()).or_default() += 1;
        }
    }
    let summary: Vec<String> = passed.iter().map(|(k, n)| format!("{n} {k}")).collect();
    println!("exchanges decoded: {}", summary.join(", "));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        passed.get("public").or(passed.get("recorded")).is_some(),
        "no public or recorded exchange among the captures"
    );
    let interfaces: BTreeSet<_> = methods.iter().filter_map(|m| m.split('.').next()).collect();
    assert!(
        methods.len() >= 40,
        "only {} methods captured",
        methods.len()
    );
    assert!(
        interfaces.len() >= 15,
        "only {} interfaces captured",
        interfaces.len()
    );
    assert!(
        results * 2 > exchanges.len(),
        "most exchanges should carry a result"
    );
}

#[test]
fn mismatches_name_their_path_and_unknown_fields_are_warnings() {
    let report = check(
        "admin",
        "ActiveHosts.get",
        &json!({"query": {"limit": "ten"}, "refresh": false, "extra": 1}),
        Some(
            &json!({"list": [{"id": "1", "newField": true}, {"connections": []}, {"hostname": 7}], "totalItems": 3}),
        ),
    )
    .expect("a known method");
    let errors: Vec<_> = report.errors().map(|f| f.path.as_str()).collect();
    // Every misfit, not only the first.
    assert_eq!(
        errors,
        [
            "params.query.limit",
            "result.list[1].connections",
            "result.list[2].hostname"
        ]
    );
    let warnings: Vec<_> = report.warnings().map(|f| f.path.as_str()).collect();
    assert_eq!(warnings, ["params.extra", "result.list[0].newField"]);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.message.contains("expected"))
    );
    assert!(check("admin", "Nope.nothing", &json!({}), None).is_none());
    let missing = check("admin", "ActiveHosts.get", &json!({"query": {}}), None).unwrap();
    assert_eq!(
        missing.errors().next().map(|f| f.path.as_str()),
        Some("params.refresh")
    );
}
