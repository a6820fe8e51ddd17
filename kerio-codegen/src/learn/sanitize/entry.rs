//! Secrets in one HAR entry: headers, cookies, URLs, query strings and bodies; then,
//! over the whole capture, every secret value found wherever else it appears.

use std::collections::BTreeSet;

use base64::Engine as _;
use serde_json::Value;

use super::json_text::redact_json_text;
use super::{Found, MIN_LITERAL, Stats};
use crate::learn::har::entry::BASE64;
use crate::secrets::{self, REDACTED};

/// Drops a body's text that could not be checked.
fn drop_text(obj: &mut serde_json::Map<String, Value>, found: &mut Found<'_>) {
    obj.remove("text");
    obj.remove("encoding");
    found.stats.dropped += 1;
}

/// Sanitizes a body object (`postData` or `content`) in place.
fn body(obj: &mut serde_json::Map<String, Value>, found: &mut Found<'_>) {
    if let Some(Value::Array(params)) = obj.get_mut("params") {
        name_values(params, found);
    }
    let base64 = obj.get("encoding").and_then(Value::as_str) == Some("base64");
    let form = obj
        .get("mimeType")
        .and_then(Value::as_str)
        .is_some_and(|m| m.contains("x-www-form-urlencoded"));
    let Some(Value::String(text)) = obj.get_mut("text") else {
        return;
    };
    if text.is_empty() {
        return;
    }
    let decoded = if base64 {
        match BASE64
            .decode(text.as_bytes())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        {
            Some(s) => s,
            None => return drop_text(obj, found),
        }
    } else {
        text.clone()
    };
    let mut add = |s: &str| found.add(s);
    let new = match redact_json_text(&decoded, &mut add) {
        Some(t) => t,
        None if form => secrets::redact_query(&decoded, &mut add),
        None => return drop_text(obj, found),
    };
    if new != decoded {
        *text = if base64 {
            base64::engine::general_purpose::STANDARD.encode(new)
        } else {
            new
        };
    }
}

/// Redacts `[{name, value}]` lists (query strings, form params) by name.
fn name_values(list: &mut [Value], found: &mut Found<'_>) {
    for item in list {
        let secret = item
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(secrets::is_secret_name);
        if let Some(Value::String(v)) = item.get_mut("value")
            && v != REDACTED
            && (secret || secrets::is_private_key(v))
        {
            found.add(v);
            *v = REDACTED.to_owned();
        }
    }
}

/// Removes secret headers, remembering their values.
fn headers(list: &mut Vec<Value>, found: &mut Found<'_>) {
    list.retain(|h| {
        let name = h.get("name").and_then(Value::as_str).unwrap_or("");
        let value = h.get("value").and_then(Value::as_str).unwrap_or("");
        if !secrets::is_secret_header(name) && !secrets::is_private_key(value) {
            return true;
        }
        found.stats.headers += 1;
        if let Some(v) = h.get("value").and_then(Value::as_str) {
            // `a=1; b=2` (Cookie), `n=v; Path=/` (Set-Cookie), `Bearer t` (Authorization).
            for part in v.split([';', ',']) {
                let part = part.trim();
                let value = part.split_once('=').map_or(part, |(_, v)| v);
                let value = value.rsplit(' ').next().unwrap_or(value);
                if value.len() >= MIN_LITERAL {
                    found.values.insert(value.to_owned());
                }
            }
            if v.len() >= MIN_LITERAL {
                found.values.insert(v.to_owned());
            }
        }
        false
    });
}

/// Sanitizes one HAR entry in place (headers, cookies, URLs, bodies).
pub fn entry(v: &mut Value, values: &mut BTreeSet<String>, stats: &mut Stats) {
    let mut found = Found { values, stats };
    for side in ["request", "response"] {
        let Some(obj) = v.get_mut(side).and_then(Value::as_object_mut) else {
            continue;
        };
        if let Some(Value::Array(h)) = obj.get_mut("headers") {
            headers(h, &mut found);
        }
        if let Some(Value::Array(c)) = obj.get_mut("cookies") {
            for cookie in c.iter() {
                if let Some(v) = cookie.get("value").and_then(Value::as_str)
                    && v.len() >= MIN_LITERAL
                {
                    found.values.insert(v.to_owned());
                }
            }
            found.stats.cookies += c.len();
            c.clear();
        }
        for key in ["url", "redirectURL"] {
            if let Some(Value::String(u)) = obj.get_mut(key) {
                let mut add = |s: &str| found.add(s);
                *u = secrets::redact_url(u, &mut add);
            }
        }
        if let Some(Value::Array(q)) = obj.get_mut("queryString") {
            name_values(q, &mut found);
        }
        for key in ["postData", "content"] {
            if let Some(Value::Object(b)) = obj.get_mut(key) {
                body(b, &mut found);
            }
        }
    }
    if let Some(obj) = v.as_object_mut()
        && obj.remove("comment").is_some()
    {
        found.stats.dropped += 1;
    }
    // Everything else: URLs in every header and field (`Referer`, `Location`), private
    // keys, `Password`-shaped objects, keys that look like tokens.
    let mut add = |s: &str| found.add(s);
    secrets::redact_json(v, false, &mut add);
}

/// Replaces every occurrence of the secret values in every string of `v` (base64 bodies
/// decoded first when they are text).
pub fn scrub(v: &mut Value, values: &BTreeSet<String>, base64: bool) {
    match v {
        Value::String(s) => {
            if base64
                && let Some(text) = BASE64
                    .decode(s.as_bytes())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
            {
                let clean = replace_all(&text, values);
                if clean != text {
                    *s = base64::engine::general_purpose::STANDARD.encode(clean);
                }
                return;
            }
            let clean = replace_all(s, values);
            if clean != *s {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| scrub(i, values, false)),
        Value::Object(map) => {
            let b64 = map.get("encoding").and_then(Value::as_str) == Some("base64");
            for (k, item) in map.iter_mut() {
                scrub(item, values, b64 && k == "text");
            }
        }
        _ => {}
    }
}

fn replace_all(s: &str, values: &BTreeSet<String>) -> String {
    let mut out = s.to_owned();
    // Longest first, so a value that contains another is replaced whole.
    let mut sorted: Vec<&String> = values.iter().collect();
    sorted.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for v in sorted {
        if out.contains(v.as_str()) {
            out = out.replace(v.as_str(), REDACTED);
        }
    }
    out
}
