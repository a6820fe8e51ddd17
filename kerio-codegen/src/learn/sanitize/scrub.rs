//! Over the whole capture: every secret value found anywhere, replaced wherever else it
//! appears in what is kept, in strings and in keys.

use std::collections::BTreeSet;

use base64::Engine as _;
use serde_json::Value;

use crate::learn::har::entry::BASE64;
use crate::secrets::REDACTED;

/// Replaces every occurrence of the secret values in every string and key of `v`
/// (base64 bodies decoded first when they are text).
pub(super) fn scrub(v: &mut Value, values: &BTreeSet<String>) {
    if values.is_empty() {
        return;
    }
    // Longest first, so a value that contains another is replaced whole.
    let mut sorted: Vec<&str> = values.iter().map(String::as_str).collect();
    sorted.sort_by_key(|v| std::cmp::Reverse(v.len()));
    walk(v, &sorted, false);
}

fn walk(v: &mut Value, values: &[&str], base64: bool) {
    match v {
        Value::String(s) => {
            if base64
                && let Some(text) = BASE64
                    .decode(s.as_bytes())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
            {
                if let Some(clean) = replace_all(&text, values) {
                    *s = base64::engine::general_purpose::STANDARD.encode(clean);
                }
                return;
            }
            if let Some(clean) = replace_all(s, values) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| walk(i, values, false)),
        Value::Object(map) => {
            if map.keys().any(|k| replace_all(k, values).is_some()) {
                let old = std::mem::take(map);
                for (i, (k, item)) in old.into_iter().enumerate() {
                    let k = match replace_all(&k, values) {
                        Some(_) => format!("{REDACTED}-{i}"),
                        None => k,
                    };
                    map.insert(k, item);
                }
            }
            let b64 = map.get("encoding").and_then(Value::as_str) == Some("base64");
            for (k, item) in map.iter_mut() {
                walk(item, values, b64 && k == "text");
            }
        }
        _ => {}
    }
}

/// `s` with every value replaced, or `None` when it holds none.
fn replace_all(s: &str, values: &[&str]) -> Option<String> {
    let mut out: Option<String> = None;
    for v in values {
        let cur = out.as_deref().unwrap_or(s);
        if cur.contains(v) {
            out = Some(cur.replace(v, REDACTED));
        }
    }
    out
}
