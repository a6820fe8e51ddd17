//! `cargo xtask sanitize IN.har -o OUT.har`: a shareable copy of a capture.
//!
//! Sanitize keeps only what it understands. Each entry is rebuilt from the parts regen
//! and verify need, and everything else is dropped:
//! - kept: the request's method, URL (without user info and fragment, secret query
//!   values redacted), HTTP version, query string (secret values redacted), the headers
//!   of [`KEPT_HEADERS`], sizes and the JSON body; the response's status, status text,
//!   HTTP version, those headers, sizes, redirect URL and JSON body; the entry's start,
//!   time, timings, page reference, server address and connection id; of `log`, its
//!   version, the names and versions of the creator and the browser, the pages' ids,
//!   starts and timings (a title only when it is a URL, cleaned like the request's), and
//!   the provenance marker line of `log.comment` (`kerio-capture: recorded|public|
//!   synthesized`);
//! - dropped, and counted by kind ([`Dropped`]) in the summary: every cookie, secret
//!   headers (`Cookie`, `Set-Cookie`, `Authorization`, `X-Token`, anything named like a
//!   secret) and headers not on the list (`Referer`, `Location`, ...), comments, fields
//!   browsers add beyond HAR 1.2 (`_`-prefixed, WebSocket messages among them), fields
//!   HAR does not define, user info and fragments of URLs, page titles that are not
//!   URLs, and bodies that cannot be checked (not UTF-8, bad base64, not JSON, nested
//!   too deep: `text/plain`, HTML, forms, multipart uploads), whose size is kept;
//! - in JSON bodies every string under a secret key (see [`crate::secrets`]) becomes
//!   `"[redacted]"`, and so do `Password`-shaped objects' values, PEM private keys,
//!   secret URL parameters and keys that look like tokens; a string holding JSON is
//!   parsed and redacted as JSON, to any depth the input has. JSON bodies keep their key
//!   order and spacing; only what is secret changes;
//! - every secret value found that way (8 characters or more), in kept or dropped parts
//!   alike (a cookie, a WebSocket frame), is also replaced wherever else it appears in
//!   what is kept, keys included (a token echoed in a page, a cookie value in a URL).
//!
//! The capture is read twice, entry by entry: once to collect the secret values, once to
//! write; memory is bounded by the largest entry. The output is written to a temporary
//! file and renamed, so a failure leaves no half-written file. `entry` rebuilds one
//! entry (its JSON bodies through [`redact_json_text`]), `log` the members of `log`,
//! `scrub` replaces the values found everywhere else, and this module streams the
//! capture through them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use serde_json::Value;

mod entry;
mod json_text;
mod log;
mod out;
mod scrub;

pub use self::entry::KEPT_HEADERS;
pub use self::json_text::redact_json_text;

use self::out::Out;
use self::scrub::scrub;
use super::har::split::{Event, Splitter};
use crate::secrets::{self, REDACTED};

/// Secret values shorter than this are not searched for elsewhere (too likely to match
/// unrelated text); they are still redacted where their key marks them.
const MIN_LITERAL: usize = 8;
/// Secret values longer than this are not searched for elsewhere either: such a text
/// (a whole body that could not be checked) is dropped where it was, and echoes of it
/// are not expected.
const MAX_LITERAL: usize = 16 * 1024;

/// A kind of thing sanitize leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Dropped {
    /// Headers that carry secrets: `Cookie`, `Set-Cookie`, `Authorization`, `X-Token`...
    SecretHeader,
    /// Other headers not on [`KEPT_HEADERS`] (`Referer`, `Location`, `Origin`...).
    Header,
    /// Cookies of the `cookies` arrays.
    Cookie,
    /// Free-text comments (of the log, creator, browser, pages, entries and their parts).
    Comment,
    /// WebSocket messages (Chrome's `_webSocketMessages`).
    WebSocket,
    /// Other fields browsers add beyond HAR 1.2 (`_initiator`, `_securityState`...).
    Extra,
    /// Bodies that could not be checked (not JSON, not UTF-8, bad base64, too deep).
    Body,
    /// User names and passwords in URLs (`https://user:password@host/`).
    UserInfo,
    /// URL fragments (`#...`) of requests and redirects.
    Fragment,
    /// Page titles that are not URLs.
    Title,
    /// Fields that HAR does not define, or values of an unexpected kind.
    Other,
}

impl Dropped {
    /// What the summary calls it (plural).
    pub fn describe(self) -> &'static str {
        match self {
            Dropped::SecretHeader => "secret headers",
            Dropped::Header => "other headers",
            Dropped::Cookie => "cookies",
            Dropped::Comment => "comments",
            Dropped::WebSocket => "WebSocket messages",
            Dropped::Extra => "browser extras (fields starting with _)",
            Dropped::Body => "bodies that are not JSON (sizes kept)",
            Dropped::UserInfo => "user infos of URLs",
            Dropped::Fragment => "URL fragments",
            Dropped::Title => "page titles",
            Dropped::Other => "other fields",
        }
    }
}

/// What was taken out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Entries written.
    pub entries: usize,
    /// Values replaced by `[redacted]`.
    pub values: usize,
    /// What was dropped, by kind.
    pub dropped: BTreeMap<Dropped, usize>,
}

impl Stats {
    /// How many of one kind were dropped.
    pub fn dropped(&self, kind: Dropped) -> usize {
        self.dropped.get(&kind).copied().unwrap_or(0)
    }
}

impl fmt::Display for Stats {
    /// `12 entries; redacted 3 values; dropped 24 secret headers, 10 cookies`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} entries; redacted {} values; dropped ",
            self.entries, self.values
        )?;
        let parts: Vec<String> = self
            .dropped
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{n} {}", k.describe()))
            .collect();
        if parts.is_empty() {
            f.write_str("nothing")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// Collects secret values and counts what is replaced and dropped.
pub(super) struct Found<'a> {
    values: &'a mut BTreeSet<String>,
    stats: &'a mut Stats,
    /// Whether dropped parts are searched for secret values too (the first pass).
    collect_dropped: bool,
}

impl Found<'_> {
    /// A value replaced by `[redacted]`, remembered to be replaced elsewhere too.
    fn add(&mut self, s: &str) {
        self.stats.values += 1;
        self.remember(s);
    }

    /// A secret value to replace wherever else it appears.
    fn remember(&mut self, s: &str) {
        if (MIN_LITERAL..=MAX_LITERAL).contains(&s.len()) && s != REDACTED {
            self.values.insert(s.to_owned());
        }
    }

    /// Counts `n` things of one kind dropped; in the first pass, remembers the secrets
    /// of `v` (a cookie's value, a token in a WebSocket frame).
    fn drop(&mut self, kind: Dropped, n: usize, v: &Value) {
        *self.stats.dropped.entry(kind).or_default() += n;
        if self.collect_dropped {
            let mut v = v.clone();
            let mut seen = Vec::new();
            secrets::redact_json(&mut v, false, &mut |s| seen.push(s.to_owned()));
            for s in seen {
                self.remember(&s);
            }
        }
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
    // Pass 1: the secret values, of everything, kept or not.
    let mut values = BTreeSet::new();
    let mut stats = Stats::default();
    let mut index = 0;
    walk(input, |ev| {
        let mut found = Found {
            values: &mut values,
            stats: &mut stats,
            collect_dropped: true,
        };
        match ev {
            Event::Entry(raw) => {
                let v = parse(input, &format!("entry {index}"), &raw)?;
                index += 1;
                entry::entry(v, &mut found);
            }
            Event::Member { log, key, raw } => {
                let v = parse(input, "a member", &raw)?;
                log::member(log, &key, v, &mut found);
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
    let mut out = Out::new(BufWriter::new(tmp.as_file()));
    let mut stats = Stats::default();
    let mut more = BTreeSet::new();
    let io = |e: std::io::Error| format!("{}: cannot write: {e}", output.display());
    out.open(b'{').map_err(io)?;
    let mut index = 0;
    walk(input, |ev| {
        let mut found = Found {
            values: &mut more,
            stats: &mut stats,
            collect_dropped: false,
        };
        let r = match ev {
            Event::Member { log, key, raw } => {
                let v = parse(input, "a member", &raw)?;
                let Some(mut kept) = log::member(log, &key, v, &mut found) else {
                    return Ok(());
                };
                scrub(&mut kept, &values);
                out.key(&key).and_then(|()| out.value(&kept))
            }
            Event::LogStart => out.key("log").and_then(|()| out.open(b'{')),
            Event::EntriesStart => out.key("entries").and_then(|()| out.open(b'[')),
            Event::Entry(raw) => {
                let v = parse(input, &format!("entry {index}"), &raw)?;
                index += 1;
                let mut kept = entry::entry(v, &mut found);
                scrub(&mut kept, &values);
                stats.entries += 1;
                out.sep().and_then(|()| out.value(&kept))
            }
            Event::EntriesEnd => out.close(b']'),
            Event::LogEnd => out.close(b'}'),
        };
        r.map_err(io)
    })?;
    out.close(b'}').map_err(io)?;
    out.finish().map_err(io)?;
    tmp.persist(output)
        .map_err(|e| format!("{}: cannot write: {}", output.display(), e.error))?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use serde_json::json;

    use super::*;
    use crate::learn::har::entry::BASE64;

    fn sanitized(v: &Value) -> (Value, Stats) {
        let mut values = BTreeSet::new();
        let mut stats = Stats::default();
        let mut found = Found {
            values: &mut values,
            stats: &mut stats,
            collect_dropped: true,
        };
        entry::entry(v.clone(), &mut found);
        let mut stats = Stats::default();
        let mut more = BTreeSet::new();
        let mut found = Found {
            values: &mut more,
            stats: &mut stats,
            collect_dropped: false,
        };
        let mut kept = entry::entry(v.clone(), &mut found);
        scrub(&mut kept, &values);
        (kept, stats)
    }

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
    fn json_inside_strings_is_redacted_as_json() {
        let inner = json!({"settings": json!({"password": "deep-secret-1"}).to_string(),
            "name": "kept"});
        let text =
            json!({"result": {"value": inner.to_string(), "plain": "[not json"}}).to_string();
        let mut seen = Vec::new();
        let out = redact_json_text(&text, &mut |s| seen.push(s.to_owned())).expect("json");
        assert!(!out.contains("deep-secret-1"), "{out}");
        assert!(out.contains("kept"), "{out}");
        assert!(!out.contains("[not json"), "{out}");
        assert!(seen.iter().any(|s| s == "deep-secret-1"), "{seen:?}");
    }

    #[test]
    fn entries_keep_only_what_is_understood() {
        let v = json!({
            "startedDateTime": "2025-03-12T08:41:17.000Z", "time": 3, "comment": "notes",
            "_webSocketMessages": [{"type": "send", "data": "{\"token\":\"ws-token-123456\"}"},
                {"type": "receive", "data": "x"}],
            "_initiator": {"type": "script"}, "cache": {"beforeRequest": {"eTag": "e"}},
            "timings": {"send": 1, "wait": 2, "receive": 3, "comment": "c", "_queued": 1},
            "request": {"method": "POST",
                "url": "https://admin:url-password-1@h/a?token=abcdefgh1234&x=1#frag",
                "headers": [{"name": "X-Token", "value": "tok-1234567890"},
                    {"name": "Accept", "value": "*/*"},
                    {"name": "Referer", "value": "https://h/?q=ws-token-123456"}],
                "cookies": [{"name": "SESSION", "value": "cookie-123456789"}],
                "queryString": [{"name": "token", "value": "abcdefgh1234"}, {"name": "x", "value": "1"}],
                "postData": {"mimeType": "application/json", "text": "{\"password\":\"pw-1234567890\", \"echo\": \"cookie-123456789\"}"}},
            "response": {"status": 200, "statusText": "OK",
                "headers": [{"name": "Set-Cookie", "value": "S=cookie-123456789; path=/"}],
                "cookies": [], "content": {"size": 40, "encoding": "base64",
                "text": BASE64.encode("{\"result\":{\"token\":\"tok-1234567890\", \"ws-token-123456\": 1}}")}}
        });
        let (kept, stats) = sanitized(&v);
        let text = kept.to_string();
        for secret in [
            "abcdefgh1234",
            "tok-1234567890",
            "cookie-123456789",
            "pw-1234567890",
            "url-password-1",
            "ws-token-123456",
            "notes",
            "frag",
            "admin",
            "_initiator",
            "eTag",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(
            kept["request"]["url"],
            json!("https://h/a?token=[redacted]&x=1")
        );
        assert_eq!(
            kept["request"]["headers"],
            json!([{"name": "Accept", "value": "*/*"}])
        );
        assert_eq!(kept["timings"], json!({"send": 1, "wait": 2, "receive": 3}));
        assert_eq!(kept["response"]["content"]["size"], json!(40));
        let body = BASE64
            .decode(kept["response"]["content"]["text"].as_str().expect("text"))
            .expect("base64");
        assert_eq!(
            body,
            br#"{"result":{"token":"[redacted]", "[redacted]": 1}}"#
        );
        assert_eq!(stats.dropped(Dropped::SecretHeader), 2, "{stats:?}");
        assert_eq!(stats.dropped(Dropped::Header), 1, "{stats:?}");
        assert_eq!(stats.dropped(Dropped::Cookie), 1, "{stats:?}");
        assert_eq!(stats.dropped(Dropped::WebSocket), 2, "{stats:?}");
        assert_eq!(stats.dropped(Dropped::Extra), 2, "{stats:?}");
        assert_eq!(stats.dropped(Dropped::Comment), 2, "{stats:?}");
        assert_eq!(stats.dropped(Dropped::UserInfo), 1, "{stats:?}");
        assert_eq!(stats.dropped(Dropped::Fragment), 1, "{stats:?}");
        assert_eq!(stats.dropped(Dropped::Other), 1, "{stats:?}");
        assert!(
            stats.to_string().contains("2 WebSocket messages"),
            "{stats}"
        );
    }
}
