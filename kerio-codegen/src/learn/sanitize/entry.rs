//! One HAR entry rebuilt from the parts regen and verify need; everything else is
//! dropped and counted.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::json_text::redact_json_text;
use super::{Dropped, Found};
use crate::learn::har::entry::BASE64;
use crate::secrets::{self, REDACTED};

/// The headers a sanitized capture keeps (compared without case); they describe the
/// message and carry nothing of the session or the user's navigation. Every other
/// header is dropped: the secret ones and those that hold URLs or addresses
/// (`Referer`, `Location`, `Origin`, `Host`).
pub const KEPT_HEADERS: [&str; 14] = [
    "accept",
    "accept-encoding",
    "accept-language",
    "cache-control",
    "connection",
    "content-encoding",
    "content-length",
    "content-type",
    "date",
    "expires",
    "pragma",
    "transfer-encoding",
    "user-agent",
    "x-requested-with",
];

/// What a member becomes: kept (rebuilt), or dropped (given back to be counted).
pub(super) type Kept = Result<Value, Value>;

/// Rebuilds an object from the members `keep` understands; the others are counted as
/// dropped by kind (comments, `_` extras, WebSocket messages, other fields). Members
/// are moved, never copied: a body's text is held once.
pub(super) fn rebuild(
    v: Value,
    found: &mut Found<'_>,
    mut keep: impl FnMut(&str, Value, &mut Found<'_>) -> Kept,
) -> Map<String, Value> {
    let mut out = Map::new();
    let Value::Object(obj) = v else {
        if !v.is_null() {
            found.drop(Dropped::Other, 1, &v);
        }
        return out;
    };
    for (k, item) in obj {
        let item = match keep(&k, item, found) {
            Ok(kept) => {
                out.insert(k, kept);
                continue;
            }
            Err(item) => item,
        };
        let (kind, n) = match k.as_str() {
            "comment" => (Dropped::Comment, 1),
            "_webSocketMessages" => (Dropped::WebSocket, item.as_array().map_or(1, Vec::len)),
            _ if k.starts_with('_') => (Dropped::Extra, 1),
            _ => (Dropped::Other, 1),
        };
        found.drop(kind, n, &item);
    }
    out
}

/// Keeps `v` when `ok` holds.
fn when(v: Value, ok: bool) -> Kept {
    if ok { Ok(v) } else { Err(v) }
}

/// A number as it is.
pub(super) fn number(v: Value) -> Kept {
    let ok = v.is_number();
    when(v, ok)
}

/// A string, checked by the secret policy (URLs, private keys, JSON inside).
pub(super) fn text(v: Value, found: &mut Found<'_>) -> Kept {
    match v {
        Value::String(s) => {
            let mut v = Value::String(s);
            secrets::redact_json(&mut v, false, &mut |s| found.add(s));
            Ok(v)
        }
        other => Err(other),
    }
}

/// A string of at most `max` bytes, each allowed by `ok`.
fn short(v: Value, max: usize, ok: impl Fn(u8) -> bool) -> Kept {
    let fits = v
        .as_str()
        .is_some_and(|s| s.len() <= max && s.bytes().all(ok));
    when(v, fits)
}

/// A short name or id made of letters, digits and `._:/-` (a page id, an HTTP version).
pub(super) fn word(v: Value) -> Kept {
    short(v, 64, |c| {
        c.is_ascii_alphanumeric() || b"._:/-".contains(&c)
    })
}

/// A date and time as HAR writes it (`2025-03-12T08:41:17.000Z`).
pub(super) fn date(v: Value) -> Kept {
    short(v, 40, |c| c.is_ascii_digit() || b"-:.TZ+ ".contains(&c))
}

/// A URL without its user info and fragment, its secret parameters redacted.
pub(super) fn url(v: Value, found: &mut Found<'_>) -> Kept {
    let Value::String(u) = v else {
        return Err(v);
    };
    if secrets::has_user_info(&u) {
        found.drop(Dropped::UserInfo, 1, &Value::Null);
    }
    let clean = secrets::redact_url(&u, &mut |s| found.add(s));
    let clean = match clean.split_once('#') {
        Some((base, _)) => {
            found.drop(Dropped::Fragment, 1, &Value::Null);
            base.to_owned()
        }
        None => clean,
    };
    Ok(Value::String(clean))
}

/// Rebuilds one HAR entry from the parts regen and verify need.
pub(super) fn entry(v: Value, found: &mut Found<'_>) -> Value {
    let out = rebuild(v, found, |k, item, found| match k {
        "pageref" | "connection" => word(item),
        "startedDateTime" => date(item),
        "time" => number(item),
        "serverIPAddress" => {
            let ip = item.as_str().is_some_and(|ip| {
                ip.trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok()
            });
            when(item, ip)
        }
        "request" => Ok(Value::Object(message(item, true, found))),
        "response" => Ok(Value::Object(message(item, false, found))),
        "timings" => Ok(Value::Object(rebuild(item, found, |k, t, _| match k {
            "blocked" | "dns" | "connect" | "send" | "wait" | "receive" | "ssl" => number(t),
            _ => Err(t),
        }))),
        // What a browser cached says nothing regen needs.
        "cache" => {
            let empty = item.as_object().is_some_and(Map::is_empty);
            when(item, empty)
        }
        _ => Err(item),
    });
    Value::Object(out)
}

/// A request (`request`) or a response.
fn message(v: Value, request: bool, found: &mut Found<'_>) -> Map<String, Value> {
    rebuild(v, found, |k, item, found| match k {
        "method" if request => word(item),
        "url" if request => url(item, found),
        "queryString" if request => Ok(name_values(item, found)),
        "postData" if request => Ok(Value::Object(body(item, found))),
        "status" if !request => number(item),
        "statusText" if !request => short(item, 64, |c| c.is_ascii_alphanumeric() || c == b' '),
        "content" if !request => Ok(Value::Object(body(item, found))),
        "redirectURL" if !request => url(item, found),
        "httpVersion" => word(item),
        "headers" => Ok(headers(item, found)),
        "cookies" => {
            // Every cookie's value is a secret, whatever its name.
            for cookie in item.as_array().into_iter().flatten() {
                if let Some(v) = cookie.get("value").and_then(Value::as_str) {
                    found.remember(v);
                }
            }
            let n = item.as_array().map_or(1, Vec::len);
            if n > 0 {
                found.drop(Dropped::Cookie, n, &item);
            }
            Ok(Value::Array(Vec::new()))
        }
        "headersSize" | "bodySize" => number(item),
        _ => Err(item),
    })
}

/// A body object (`postData` or `content`): its size and MIME type, and its text when
/// it is JSON (redacted); any other text is dropped.
fn body(v: Value, found: &mut Found<'_>) -> Map<String, Value> {
    let (mut raw, mut encoding, mut params) = (None, None, false);
    let mut out = rebuild(v, found, |k, item, found| match k {
        "size" | "compression" => number(item),
        "mimeType" => text(item, found),
        // Kept below, when the text can be checked.
        "text" => {
            raw = Some(item);
            Ok(Value::Null)
        }
        "encoding" => {
            encoding = Some(item);
            Ok(Value::Null)
        }
        "params" => {
            params = item.as_array().is_some_and(|p| !p.is_empty());
            Ok(Value::Null)
        }
        _ => Err(item),
    });
    for placeholder in ["text", "encoding", "params"] {
        out.remove(placeholder);
    }
    let had_text = raw.as_ref().is_some_and(|t| t.as_str() != Some(""));
    let kept = match raw {
        Some(Value::String(t)) if !t.is_empty() => json_body(t, encoding.as_ref(), found),
        _ => None,
    };
    match kept {
        Some((text, base64)) => {
            out.insert("text".into(), Value::String(text));
            if base64 {
                out.insert("encoding".into(), Value::String("base64".into()));
            }
        }
        None if had_text || params => found.drop(Dropped::Body, 1, &Value::Null),
        None => {}
    }
    out
}

/// The text of a JSON body with its secrets redacted, and whether it is base64; `None`
/// when it cannot be checked.
fn json_body(
    text: String,
    encoding: Option<&Value>,
    found: &mut Found<'_>,
) -> Option<(String, bool)> {
    let base64 = match encoding {
        None | Some(Value::Null) => false,
        Some(Value::String(e)) if e == "base64" => true,
        Some(_) => return None,
    };
    let decoded;
    let plain = if base64 {
        let compact: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
        decoded = String::from_utf8(BASE64.decode(compact).ok()?).ok()?;
        decoded.as_str()
    } else {
        text.as_str()
    };
    let new = redact_json_text(plain, &mut |s| found.add(s))?;
    if new == plain {
        return Some((text, base64));
    }
    Some(if base64 {
        (base64::engine::general_purpose::STANDARD.encode(new), true)
    } else {
        (new, false)
    })
}

/// `[{name, value}]` lists (query strings): secret values redacted by name.
fn name_values(v: Value, found: &mut Found<'_>) -> Value {
    let Value::Array(list) = v else {
        found.drop(Dropped::Other, 1, &v);
        return Value::Array(Vec::new());
    };
    let mut out = Vec::new();
    for item in list {
        let secret = item
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(secrets::is_secret_name);
        let kept = rebuild(item, found, |k, x, found| match k {
            "name" => text(x, found),
            "value" if secret => match x.as_str() {
                Some(s) => {
                    if s != REDACTED {
                        found.add(s);
                    }
                    Ok(Value::String(REDACTED.into()))
                }
                None => Err(x),
            },
            "value" => text(x, found),
            _ => Err(x),
        });
        out.push(Value::Object(kept));
    }
    Value::Array(out)
}

/// Keeps the headers of [`KEPT_HEADERS`]; remembers the values of secret ones.
fn headers(v: Value, found: &mut Found<'_>) -> Value {
    let Value::Array(list) = v else {
        found.drop(Dropped::Other, 1, &v);
        return Value::Array(Vec::new());
    };
    let mut out = Vec::new();
    for h in list {
        let name = h.get("name").and_then(Value::as_str).unwrap_or("");
        let value = h.get("value").and_then(Value::as_str).unwrap_or("");
        if secrets::is_secret_header(name) || secrets::is_private_key(value) {
            remember_header(name, value, found);
            found.drop(Dropped::SecretHeader, 1, &h);
        } else if KEPT_HEADERS.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            let kept = rebuild(h, found, |k, x, found| match k {
                "name" | "value" => text(x, found),
                _ => Err(x),
            });
            out.push(Value::Object(kept));
        } else {
            found.drop(Dropped::Header, 1, &h);
        }
    }
    Value::Array(out)
}

/// The secret values of a secret header, to replace wherever else they appear:
/// `a=1; b=2` (Cookie), `n=v; Path=/` (Set-Cookie), `Bearer t` and `Basic base64` (the
/// password of `user:password`) (Authorization).
fn remember_header(name: &str, value: &str, found: &mut Found<'_>) {
    for part in value.split([';', ',']) {
        let part = part.trim();
        let v = part.split_once('=').map_or(part, |(_, v)| v);
        found.remember(v.rsplit(' ').next().unwrap_or(v));
    }
    found.remember(value);
    if name.to_ascii_lowercase().ends_with("authorization")
        && let Some(b64) = value.trim().strip_prefix("Basic ")
        && let Some(pair) = BASE64
            .decode(b64.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        && let Some((_, password)) = pair.split_once(':')
    {
        found.remember(password);
    }
}
