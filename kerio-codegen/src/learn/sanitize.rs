//! `cargo xtask sanitize IN.har -o OUT.har`: a shareable copy of a capture.
//!
//! The convention (the same as the sample captures'):
//! - the headers `Cookie`, `Set-Cookie`, `Authorization`, `Proxy-Authorization` and any
//!   header named like a secret (`X-Token`) are removed;
//! - every `cookies` array is emptied;
//! - in JSON bodies (plain or base64), query strings, URLs and form bodies, every string
//!   under a secret key (see [`super::secrets`]) becomes `"[redacted]"`; JSON bodies keep
//!   their key order and spacing, only the secret strings change;
//! - every secret value found that way (8 characters or more) is also replaced wherever
//!   else it appears in the capture (a token echoed in a page, a cookie value in a URL);
//! - everywhere else the policy of [`super::secrets`] applies too: `Password`-shaped
//!   objects, PEM private keys, secret parameters in the query and fragment of every URL
//!   (headers such as `Referer` and `Location`, page titles, JSON strings), keys that look
//!   like tokens;
//! - a body that cannot be checked (not UTF-8, bad base64, neither JSON nor a form,
//!   nested deeper than 512 levels: `text/plain`, HTML, multipart uploads) is dropped,
//!   never kept; so are comments, except the provenance marker line of `log.comment`
//!   (`kerio-capture: recorded|public|synthesized`).
//!
//! The capture is read twice, entry by entry: once to collect the secret values, once to
//! write. The output is written to a temporary file and renamed, so a failure leaves no
//! half-written file.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use base64::Engine as _;
use serde_json::Value;

use super::har::Provenance;
use super::har::entry::BASE64;
use super::har::scan;
use super::har::split::{Event, Splitter};
use super::secrets::{self, REDACTED};

/// Secret values shorter than this are not searched for elsewhere (too likely to match
/// unrelated text); they are still redacted where their key marks them.
const MIN_LITERAL: usize = 8;

/// What was taken out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Entries written.
    pub entries: usize,
    /// Headers removed.
    pub headers: usize,
    /// Cookies removed.
    pub cookies: usize,
    /// Values replaced by `[redacted]`.
    pub values: usize,
    /// Bodies and comments dropped because they could not be checked.
    pub dropped: usize,
}

/// Collects secret values and counts replacements.
struct Found<'a> {
    values: &'a mut BTreeSet<String>,
    stats: &'a mut Stats,
}

impl Found<'_> {
    fn add(&mut self, s: &str) {
        self.stats.values += 1;
        if s.len() >= MIN_LITERAL && s != REDACTED {
            self.values.insert(s.to_owned());
        }
    }
}

/// Rewrites JSON text, replacing strings under secret keys and keeping everything else
/// byte for byte; `None` when the text is not JSON.
pub fn redact_json_text(text: &str, found: &mut dyn FnMut(&str)) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    rewrite(text, &mut i, &mut out, false, found, 0)?;
    out.push_str(text.get(i..)?);
    Some(out)
}

fn copy_ws(b: &[u8], i: &mut usize, out: &mut String) {
    while let Some(&c @ (b' ' | b'\n' | b'\r' | b'\t')) = b.get(*i) {
        out.push(c as char);
        *i += 1;
    }
}

/// Copies one (valid) JSON value from `b[*i..]` to `out`, redacting as it goes.
fn rewrite(
    text: &str,
    i: &mut usize,
    out: &mut String,
    secret: bool,
    found: &mut dyn FnMut(&str),
    depth: u32,
) -> Option<()> {
    if depth > 512 {
        return None;
    }
    let b = text.as_bytes();
    copy_ws(b, i, out);
    match *b.get(*i)? {
        open @ (b'{' | b'[') => {
            let close = if open == b'{' { b'}' } else { b']' };
            let password = open == b'{' && password_shape(text, *i);
            let mut member = 0;
            out.push(open as char);
            *i += 1;
            loop {
                copy_ws(b, i, out);
                match *b.get(*i)? {
                    c if c == close => {
                        out.push(c as char);
                        *i += 1;
                        return Some(());
                    }
                    b',' => {
                        out.push(',');
                        *i += 1;
                        continue;
                    }
                    _ => {}
                }
                let mut value_secret = secret;
                if open == b'{' {
                    let start = *i;
                    let end = scan::string_end(b, start + 1)?;
                    let key: String = serde_json::from_str(text.get(start..=end)?).ok()?;
                    if secrets::looks_like_token(&key) {
                        found(&key);
                        out.push_str(&format!("\"{REDACTED}-{member}\""));
                    } else {
                        out.push_str(text.get(start..=end)?);
                    }
                    member += 1;
                    *i = end + 1;
                    copy_ws(b, i, out);
                    if b.get(*i) != Some(&b':') {
                        return None;
                    }
                    out.push(':');
                    *i += 1;
                    value_secret =
                        secret || secrets::is_secret_name(&key) || (password && key == "value");
                }
                rewrite(text, i, out, value_secret, found, depth + 1)?;
            }
        }
        b'"' => {
            let start = *i;
            let end = scan::string_end(b, start + 1)?;
            let raw = text.get(start..=end)?;
            *i = end + 1;
            let check = secret
                || raw.contains('\\')
                || raw.contains("PRIVATE")
                || raw.starts_with("\"/")
                || raw
                    .get(..5)
                    .is_some_and(|p| p.eq_ignore_ascii_case("\"http"));
            if !check {
                out.push_str(raw);
                return Some(());
            }
            let value: String = serde_json::from_str(raw).ok()?;
            if value == REDACTED {
                out.push_str(raw);
            } else if secret || secrets::is_private_key(&value) {
                found(&value);
                out.push_str(&format!("\"{REDACTED}\""));
            } else if secrets::is_url(&value) {
                let clean = secrets::redact_url(&value, found);
                out.push_str(&serde_json::to_string(&clean).ok()?);
            } else {
                out.push_str(raw);
            }
            Some(())
        }
        _ => {
            let start = *i;
            while let Some(c) = b.get(*i) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                    break;
                }
                *i += 1;
            }
            out.push_str(text.get(start..*i)?);
            Some(())
        }
    }
}

/// Whether the object opening at `open` is shaped like the spec's `Password` type (only
/// small objects are looked at: that one has two members).
fn password_shape(text: &str, open: usize) -> bool {
    let b = text.as_bytes();
    let window = &b[..b.len().min(open + 256)];
    scan::container_end(window, open)
        .and_then(|end| text.get(open..=end))
        .and_then(|t| serde_json::from_str::<serde_json::Map<String, Value>>(t).ok())
        .is_some_and(|m| secrets::is_password_shape(&m))
}

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

/// What of `log.comment` is kept: the provenance marker (`kerio-capture: recorded`),
/// nothing else.
fn comment(v: &Value) -> Option<Value> {
    match Provenance::of_comment(v.as_str()?) {
        Provenance::Unknown => None,
        kind => Some(Value::String(format!(
            "{}{}",
            Provenance::MARKER,
            kind.as_str()
        ))),
    }
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

/// Writes JSON values as a pretty HAR, streaming.
struct Out<W: std::io::Write> {
    w: W,
    /// Whether the current object or array has had a member yet, per level.
    first: Vec<bool>,
}

impl<W: std::io::Write> Out<W> {
    fn indent(&self) -> String {
        "  ".repeat(self.first.len())
    }

    fn sep(&mut self) -> std::io::Result<()> {
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.w.write_all(b",")?;
            }
            *first = false;
        }
        self.w.write_all(b"\n")?;
        let pad = self.indent();
        self.w.write_all(pad.as_bytes())
    }

    fn key(&mut self, key: &str) -> std::io::Result<()> {
        self.sep()?;
        let k = serde_json::to_string(key).unwrap_or_else(|_| "\"\"".into());
        write!(self.w, "{k}: ")
    }

    fn value(&mut self, v: &Value) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(v).map_err(std::io::Error::other)?;
        let pad = format!("\n{}", self.indent());
        self.w.write_all(text.replace('\n', &pad).as_bytes())
    }

    fn open(&mut self, c: u8) -> std::io::Result<()> {
        self.w.write_all(&[c])?;
        self.first.push(true);
        Ok(())
    }

    fn close(&mut self, c: u8) -> std::io::Result<()> {
        let empty = self.first.pop().unwrap_or(true);
        if !empty {
            self.w.write_all(b"\n")?;
            let pad = self.indent();
            self.w.write_all(pad.as_bytes())?;
        }
        self.w.write_all(&[c])
    }
}

fn walk(input: &Path, mut f: impl FnMut(Event) -> Result<(), String>) -> Result<(), String> {
    let name = input.display();
    let file = File::open(input).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let mut split = Splitter::new(file);
    loop {
        match split.next_event() {
            Ok(Some(ev)) => f(ev)?,
            Ok(None) => return Ok(()),
            Err(e) => return Err(format!("{name}: {e}")),
        }
    }
}

fn parse(input: &Path, what: &str, raw: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(raw)
        .map_err(|e| format!("{}: {what}: invalid JSON: {e}", input.display()))
}

/// Sanitizes `input` into `output`; returns what was taken out.
pub fn sanitize(input: &Path, output: &Path) -> Result<Stats, String> {
    // Pass 1: the secret values.
    let mut values = BTreeSet::new();
    let mut stats = Stats::default();
    let mut index = 0;
    walk(input, |ev| {
        match ev {
            Event::Entry(raw) => {
                let mut v = parse(input, &format!("entry {index}"), &raw)?;
                index += 1;
                entry(&mut v, &mut values, &mut stats);
            }
            Event::Member { raw, .. } => {
                let mut v = parse(input, "a member", &raw)?;
                secrets::redact_json(&mut v, false, &mut |s| {
                    if s.len() >= MIN_LITERAL {
                        values.insert(s.to_owned());
                    }
                });
            }
            _ => {}
        }
        Ok(())
    })?;
    // Pass 2: write.
    let dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".sanitize-")
        .tempfile_in(dir)
        .map_err(|e| format!("{}: cannot write: {e}", output.display()))?;
    let mut out = Out {
        w: BufWriter::new(tmp.as_file()),
        first: Vec::new(),
    };
    let mut stats = Stats::default();
    let io = |e: std::io::Error| format!("{}: cannot write: {e}", output.display());
    out.open(b'{').map_err(io)?;
    let mut index = 0;
    walk(input, |ev| {
        let r = match ev {
            Event::Member { log, key, raw } => {
                let mut v = parse(input, "a member", &raw)?;
                if log && key == "comment" {
                    let kept = comment(&v);
                    if kept.as_ref() != Some(&v) {
                        stats.dropped += 1;
                    }
                    match kept {
                        Some(marker) => v = marker,
                        None => return Ok(()),
                    }
                }
                secrets::redact_json(&mut v, false, &mut |_| stats.values += 1);
                scrub(&mut v, &values, false);
                out.key(&key).and_then(|()| out.value(&v))
            }
            Event::LogStart => out.key("log").and_then(|()| out.open(b'{')),
            Event::EntriesStart => out.key("entries").and_then(|()| out.open(b'[')),
            Event::Entry(raw) => {
                let mut v = parse(input, &format!("entry {index}"), &raw)?;
                index += 1;
                let mut more = BTreeSet::new();
                entry(&mut v, &mut more, &mut stats);
                scrub(&mut v, &values, false);
                stats.entries += 1;
                out.sep().and_then(|()| out.value(&v))
            }
            Event::EntriesEnd => out.close(b']'),
            Event::LogEnd => out.close(b'}'),
        };
        r.map_err(io)
    })?;
    out.close(b'}').map_err(io)?;
    out.w.write_all(b"\n").map_err(io)?;
    out.w.flush().map_err(io)?;
    drop(out);
    tmp.persist(output)
        .map_err(|e| format!("{}: cannot write: {}", output.display(), e.error))?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_keeps_order_and_spacing() {
        let text = r#"{"method": "Session.login", "params": {"userName": "a", "password":"p\"w",
            "application": {"name": "x"}}, "id": 1}"#;
        let mut seen = Vec::new();
        let out = redact_json_text(text, &mut |s| seen.push(s.to_owned())).expect("json");
        assert_eq!(out, text.replace(r#""p\"w""#, r#""[redacted]""#));
        assert_eq!(seen, ["p\"w"]);
        assert!(redact_json_text("<html>", &mut |_| {}).is_none());
    }

    #[test]
    fn entries_lose_secrets() {
        let mut v = serde_json::json!({
            "request": {"url": "https://h/a?token=abcdefgh1234", "headers": [
                {"name": "X-Token", "value": "tok-1234567890"}, {"name": "Accept", "value": "*/*"}],
                "cookies": [{"name": "SESSION", "value": "cookie-123456789"}],
                "queryString": [{"name": "token", "value": "abcdefgh1234"}],
                "postData": {"text": "{\"password\":\"pw-1234567890\"}"}},
            "response": {"headers": [{"name": "Set-Cookie", "value": "S=cookie-123456789; path=/"}],
                "cookies": [], "content": {"encoding": "base64",
                "text": base64::engine::general_purpose::STANDARD.encode("{\"result\":{\"token\":\"tok-1234567890\"}}")}}
        });
        let mut values = BTreeSet::new();
        let mut stats = Stats::default();
        entry(&mut v, &mut values, &mut stats);
        scrub(&mut v, &values, false);
        let text = v.to_string();
        for secret in [
            "abcdefgh1234",
            "tok-1234567890",
            "cookie-123456789",
            "pw-1234567890",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(v["request"]["headers"].as_array().map(Vec::len), Some(1));
        assert_eq!(stats.headers, 2);
        let body = BASE64
            .decode(v["response"]["content"]["text"].as_str().expect("text"))
            .expect("base64");
        assert_eq!(body, br#"{"result":{"token":"[redacted]"}}"#);
    }
}
