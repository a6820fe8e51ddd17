//! Checks of what the mock answers the web administration's calls: `errors` only where
//! there is input to be wrong about, in the shape the client reads, and country and
//! language fields holding codes of their domains.

#[cfg(test)]
use serde_json::json;
use serde_json::{Map, Value};

/// What is wrong with the `errors` of a result: items not in the shape the client reads,
/// or any item when the call had no input to be wrong about.
pub fn errors_problem(result: &Value, params: Option<&Value>) -> Option<String> {
    let errors = result.get("errors")?.as_array()?;
    if errors.is_empty() {
        return None;
    }
    let no_input = params.is_none_or(|p| p.is_null() || p.as_object().is_some_and(Map::is_empty));
    if no_input {
        return Some(format!("errors for a call without input: {errors:?}"));
    }
    let shaped = |e: &Value| {
        e["code"].as_i64().is_some_and(|c| c >= 1000)
            && e["inputIndex"].is_i64()
            && e["message"].is_string()
            && e["messageParameters"]["positionalParameters"].is_array()
    };
    errors
        .iter()
        .find(|e| !shaped(e))
        .map(|e| format!("an error not in the shape the client reads: {e}"))
}

/// A country or language code of a result that is none: a client looks them up in its
/// lists of ISO 3166-1 alpha-2 (`CZ`) and ISO 639-1 (`en`, `en-US`) codes.
pub fn codes_problem(value: &Value) -> Option<String> {
    let country = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase());
    let language = |s: &str| {
        let (code, region) = s.split_once('-').unwrap_or((s, "NO"));
        code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) && country(region)
    };
    match value {
        Value::Object(o) => o.iter().find_map(|(key, v)| {
            let lower = key.to_ascii_lowercase();
            let check: Option<&dyn Fn(&str) -> bool> = if lower.ends_with("country")
                || lower.ends_with("countries")
                || lower == "countrycode"
            {
                Some(&country)
            } else if lower.ends_with("language") || lower == "lang" {
                Some(&language)
            } else {
                None
            };
            let strings: Vec<&str> = match v {
                Value::String(s) => vec![s],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let bad = check.and_then(|ok| strings.into_iter().find(|s| !s.is_empty() && !ok(s)));
            match bad {
                Some(s) => Some(format!("`{key}` is {s:?}, not a code")),
                None => codes_problem(v),
            }
        }),
        Value::Array(items) => items.iter().find_map(codes_problem),
        _ => None,
    }
}

#[test]
fn errors_need_input_and_the_vendor_shape_and_codes_their_domain() {
    let shaped = json!({"errors": [{"code": 1002, "inputIndex": 0, "message": "No such item %1.",
        "messageParameters": {"positionalParameters": ["x"], "plurality": 1}}]});
    assert_eq!(errors_problem(&shaped, Some(&json!({"ids": ["x"]}))), None);
    assert!(errors_problem(&shaped, Some(&json!({}))).is_some());
    assert!(errors_problem(&shaped, None).is_some());
    let codes = json!({"config": {"country": "CZ", "language": "en-US"}, "list": [{"lang": "cs"}]});
    assert_eq!(codes_problem(&codes), None);
    let free = json!({"list": [{"settings": {"calculatedLanguage": "calculatedLanguage-1"}}]});
    assert!(codes_problem(&free).is_some_and(|p| p.contains("calculatedLanguage")));
    assert!(codes_problem(&json!({"geoipCountries": ["CZ", "Czechia"]})).is_some());
    let made_up = json!({"errors": [{"code": -1, "message": "errors-1"}]});
    assert!(errors_problem(&made_up, Some(&json!({"ids": ["x"]}))).is_some());
    assert_eq!(errors_problem(&json!({"errors": []}), None), None);
}
