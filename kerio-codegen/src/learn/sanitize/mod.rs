//! `cargo xtask sanitize IN.har -o OUT.har`: a shareable copy of a capture.
//!
//! The convention (the same as the sample captures'):
//! - the headers `Cookie`, `Set-Cookie`, `Authorization`, `Proxy-Authorization` and any
//!   header named like a secret (`X-Token`) are removed;
//! - every `cookies` array is emptied;
//! - in JSON bodies (plain or base64), query strings, URLs and form bodies, every string
//!   under a secret key (see [`crate::secrets`]) becomes `"[redacted]"`; JSON bodies keep
//!   their key order and spacing, only the secret strings change;
//! - every secret value found that way (8 characters or more) is also replaced wherever
//!   else it appears in the capture (a token echoed in a page, a cookie value in a URL);
//! - everywhere else the policy of [`crate::secrets`] applies too: `Password`-shaped
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
//! half-written file. [`entry()`] sanitizes one entry (its JSON bodies through
//! [`redact_json_text`]), [`scrub`] replaces the values found everywhere else, and this
//! module streams the capture through them.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use serde_json::Value;

mod entry;
mod json_text;

pub use self::entry::{entry, scrub};
pub use self::json_text::redact_json_text;

use super::har::Provenance;
use super::har::split::{Event, Splitter};
use crate::secrets::{self, REDACTED};

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
    use base64::Engine as _;

    use super::*;
    use crate::learn::har::entry::BASE64;

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
