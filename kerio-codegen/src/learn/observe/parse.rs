//! A JSON reader that records what it sees into a [`Node`] instead of building values.
//!
//! It reads either plain JSON or JSON still escaped inside a HAR string (`{\"id\":1}`), so
//! a body is observed in one pass straight from the capture, without unescaping it into
//! a copy first. The rare escaped body it cannot follow (one using `\u` escapes outside
//! string contents) reports [`ParseError::NeedsUnescape`], and the caller unescapes it
//! and reads it plain. Nesting is limited to [`MAX_DEPTH`]; nothing here panics.

use std::borrow::Cow;

use super::node::Node;

/// Deepest nesting accepted.
pub const MAX_DEPTH: u32 = 200;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Not JSON: what is wrong and where.
    Syntax(String),
    /// An escaped body uses escapes this reader does not follow; unescape and retry.
    NeedsUnescape,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Syntax(m) => f.write_str(m),
            ParseError::NeedsUnescape => f.write_str("unsupported escape"),
        }
    }
}

/// Reading stopped; the reason is kept by the parser (see [`Parser::run`]). Keeping
/// results this small keeps them in registers on the hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop;

type Result<T> = std::result::Result<T, Stop>;

/// The reader over one body.
pub struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    /// The body is the content of a JSON string: its quotes are `\"`.
    esc: bool,
    depth: u32,
    error: Option<ParseError>,
}

impl<'a> Parser<'a> {
    /// A reader over plain JSON text.
    pub fn plain(b: &'a [u8]) -> Self {
        Parser {
            b,
            i: 0,
            esc: false,
            depth: 0,
            error: None,
        }
    }

    /// A reader over JSON text escaped as the content of a JSON string.
    pub fn escaped(b: &'a [u8]) -> Self {
        Parser {
            b,
            i: 0,
            esc: true,
            depth: 0,
            error: None,
        }
    }

    /// Runs `f` over the body; a stop becomes the reason it was stopped for.
    pub fn run<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> std::result::Result<T, ParseError> {
        f(self).map_err(|Stop| {
            self.error
                .take()
                .unwrap_or_else(|| ParseError::Syntax("stopped".into()))
        })
    }

    #[cold]
    fn err(&mut self, what: &str) -> Stop {
        if self.error.is_none() {
            self.error = Some(ParseError::Syntax(format!("{what} at byte {}", self.i)));
        }
        Stop
    }

    #[cold]
    fn needs_unescape(&mut self) -> Stop {
        self.error = Some(ParseError::NeedsUnescape);
        Stop
    }

    /// The next significant character, after whitespace; an escaped quote reads as `"`.
    #[inline]
    pub fn peek(&mut self) -> Result<Option<u8>> {
        loop {
            match self.b.get(self.i) {
                None => return Ok(None),
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.i += 1,
                Some(b'\\') if self.esc => match self.b.get(self.i + 1) {
                    Some(b'n' | b'r' | b't') => self.i += 2,
                    Some(b'"') => return Ok(Some(b'"')),
                    Some(b'u') => return Err(self.needs_unescape()),
                    _ => return Err(self.err("unexpected escape")),
                },
                Some(&c) => return Ok(Some(c)),
            }
        }
    }

    /// Checks that only whitespace is left.
    pub fn end(&mut self) -> Result<()> {
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(self.err("unexpected text after the JSON value")),
        }
    }

    #[inline]
    fn expect(&mut self, c: u8, what: &str) -> Result<()> {
        if self.peek()? == Some(c) {
            self.i += if c == b'"' && self.esc { 2 } else { 1 };
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    /// After an opening quote: the string's content as written, and whether it holds
    /// escapes of its own.
    #[inline]
    fn string_raw(&mut self) -> Result<(&'a [u8], bool)> {
        let b = self.b;
        let start = self.i;
        let mut escapes = false;
        loop {
            let rest = b.get(self.i..).unwrap_or_default();
            // In an escaped body every quote is escaped, so only backslashes matter.
            let found = if self.esc {
                rest.iter().position(|&c| c == b'\\')
            } else {
                rest.iter().position(|&c| c == b'\\' || c == b'"')
            };
            let Some(rel) = found else {
                return Err(self.err("unterminated string"));
            };
            let j = self.i + rel;
            let next = b.get(j + 1).copied();
            if !self.esc {
                if b[j] == b'"' {
                    self.i = j + 1;
                    return Ok((&b[start..j], escapes));
                }
                escapes = true;
                self.i = j + if next == Some(b'u') { 6 } else { 2 };
                continue;
            }
            if b[j] == b'"' {
                return Err(self.err("unescaped quote"));
            }
            match next {
                Some(b'"') => {
                    self.i = j + 2;
                    return Ok((&b[start..j], escapes));
                }
                // An escape of the body itself, written as `\\` and what follows.
                Some(b'\\') => {
                    escapes = true;
                    self.i = match (b.get(j + 2), b.get(j + 3)) {
                        (Some(b'\\'), Some(b'"' | b'\\' | b'/')) => j + 4,
                        (Some(b'u'), _) => j + 7,
                        (Some(b'/' | b'b' | b'f' | b'n' | b'r' | b't'), _) => j + 3,
                        _ => return Err(self.err("bad escape in a string")),
                    };
                }
                Some(b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                    escapes = true;
                    self.i = j + 2;
                }
                Some(b'u') => return Err(self.needs_unescape()),
                _ => return Err(self.err("bad escape")),
            }
        }
    }

    /// Decodes a string's content as returned by `string_raw`.
    fn decode(&self, raw: &'a [u8], escapes: bool) -> Option<Cow<'a, str>> {
        if !escapes {
            return std::str::from_utf8(raw).ok().map(Cow::Borrowed);
        }
        let mut quoted = Vec::with_capacity(raw.len() + 2);
        quoted.push(b'"');
        if self.esc {
            let mut k = 0;
            while k < raw.len() {
                if raw[k] == b'\\' {
                    let c = *raw.get(k + 1)?;
                    quoted.push(match c {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'f' => 12,
                        c => c,
                    });
                    k += 2;
                } else {
                    quoted.push(raw[k]);
                    k += 1;
                }
            }
        } else {
            quoted.extend_from_slice(raw);
        }
        quoted.push(b'"');
        serde_json::from_slice::<String>(&quoted)
            .ok()
            .map(Cow::Owned)
    }

    /// Reads a key and the colon after it.
    fn key(&mut self) -> Result<Cow<'a, str>> {
        let (raw, escapes) = self.key_raw()?;
        match self.decode(raw, escapes) {
            Some(k) => Ok(k),
            None => Err(self.err("bad key")),
        }
    }

    /// Reads `"name":` when the input holds exactly that key next (written without
    /// escapes); false, having read nothing, otherwise.
    #[inline]
    fn eat_key(&mut self, name: &str) -> Result<bool> {
        if self.peek()? != Some(b'"') {
            return Ok(false);
        }
        let q = if self.esc { 2 } else { 1 };
        let (start, end) = (self.i + q, self.i + q + name.len());
        let closed = if self.esc {
            self.b.get(end) == Some(&b'\\') && self.b.get(end + 1) == Some(&b'"')
        } else {
            self.b.get(end) == Some(&b'"')
        };
        if closed && self.b.get(start..end) == Some(name.as_bytes()) {
            self.i = end + q;
            if self.b.get(self.i) == Some(&b':') {
                self.i += 1;
            } else {
                self.expect(b':', "expected `:`")?;
            }
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads a key, as written, and the colon after it.
    #[inline]
    fn key_raw(&mut self) -> Result<(&'a [u8], bool)> {
        self.expect(b'"', "expected a key")?;
        let key = self.string_raw()?;
        self.expect(b':', "expected `:`")?;
        Ok(key)
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        Ok(())
    }

    /// After a value inside a container: true after `,`, false after the closing `close`.
    #[inline]
    fn next_or_close(&mut self, close: u8) -> Result<bool> {
        match self.peek()? {
            Some(b',') => {
                self.i += 1;
                Ok(true)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(false)
            }
            _ => Err(self.err(if close == b'}' {
                "expected `,` or `}`"
            } else {
                "expected `,` or `]`"
            })),
        }
    }

    /// Reads one value, recording it in `node`; `secret` keeps its strings out of the node.
    pub fn value(&mut self, node: &mut Node, secret: bool) -> Result<()> {
        match self.peek()? {
            Some(b'{') => {
                self.i += 1;
                self.enter()?;
                node.object();
                if self.peek()? == Some(b'}') {
                    self.i += 1;
                } else {
                    let (mut hint, mut pos) = (0usize, 0u32);
                    loop {
                        // Most objects at a position list the same keys in the same
                        // order: try the expected key against the input as it is.
                        if let Some(f) = node.fields.get_mut(hint)
                            && f.plain
                            && self.eat_key(&f.name)?
                        {
                            f.pos = f.pos.min(pos);
                            hint += 1;
                            let secret = secret || f.secret;
                            self.value(&mut f.node, secret)?;
                            pos = pos.saturating_add(1);
                            if !self.next_or_close(b'}')? {
                                break;
                            }
                            continue;
                        }
                        let (raw, escapes) = self.key_raw()?;
                        let f = match (escapes, std::str::from_utf8(raw)) {
                            (false, Ok(key)) => node.field(key, pos, &mut hint),
                            _ => {
                                let Some(key) = self.decode(raw, escapes) else {
                                    return Err(self.err("bad key"));
                                };
                                node.field(&key, pos, &mut hint)
                            }
                        };
                        let secret = secret || f.secret;
                        self.value(&mut f.node, secret)?;
                        pos = pos.saturating_add(1);
                        if !self.next_or_close(b'}')? {
                            break;
                        }
                    }
                }
                self.depth -= 1;
            }
            Some(b'[') => {
                self.i += 1;
                self.enter()?;
                let items = node.array();
                if self.peek()? == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.value(items, secret)?;
                        if !self.next_or_close(b']')? {
                            break;
                        }
                    }
                }
                self.depth -= 1;
            }
            Some(b'"') => {
                self.i += if self.esc { 2 } else { 1 };
                let (raw, escapes) = self.string_raw()?;
                if secret || node.values.overflowed() && raw.len() > 32 {
                    node.string(None);
                } else if !escapes {
                    node.string_bytes(Some(raw));
                } else {
                    let s = self.decode(raw, escapes);
                    node.string(s.as_deref());
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(node)?,
            Some(b't') => self.literal(b"true", node)?,
            Some(b'f') => self.literal(b"false", node)?,
            Some(b'n') => self.literal(b"null", node)?,
            Some(_) => return Err(self.err("expected a JSON value")),
            None => return Err(self.err("unexpected end")),
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8], node: &mut Node) -> Result<()> {
        if self.b.get(self.i..self.i + word.len()) != Some(word) {
            return Err(self.err("expected a JSON value"));
        }
        self.i += word.len();
        if word == b"null" {
            node.null();
        } else {
            node.boolean();
        }
        Ok(())
    }

    #[inline]
    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self, node: &mut Node) -> Result<()> {
        let neg = self.b.get(self.i) == Some(&b'-');
        if neg {
            self.i += 1;
        }
        let start = self.i;
        if self.digits() == 0 {
            return Err(self.err("bad number"));
        }
        let int_digits = &self.b[start..self.i];
        let mut fractional = false;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.err("bad number"));
            }
            fractional = true;
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("bad number"));
            }
            fractional = true;
        }
        if fractional {
            node.float();
            return Ok(());
        }
        let mut v: u64 = 0;
        for &d in int_digits {
            match v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d - b'0')))
            {
                Some(n) => v = n,
                None => {
                    node.float();
                    return Ok(());
                }
            }
        }
        let (fits64, fits32) = if neg {
            (v <= 1 << 63, v <= 1 << 31)
        } else {
            (v <= i64::MAX as u64, v <= i32::MAX as u64)
        };
        if fits64 {
            node.int(!fits32);
        } else {
            node.float();
        }
        Ok(())
    }

    /// Skips one value.
    pub fn skip(&mut self) -> Result<()> {
        self.value(&mut Node::default(), true)
    }

    /// Reads a string value (`None` for anything else, which is skipped).
    pub fn read_string(&mut self) -> Result<Option<String>> {
        if self.peek()? != Some(b'"') {
            self.skip()?;
            return Ok(None);
        }
        self.expect(b'"', "expected a string")?;
        let (raw, escapes) = self.string_raw()?;
        Ok(self.decode(raw, escapes).map(Cow::into_owned))
    }

    /// Reads an integer value (`None` for anything else, which is skipped).
    pub fn read_int(&mut self) -> Result<Option<i64>> {
        match self.peek()? {
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                self.skip()?;
                Ok(std::str::from_utf8(&self.b[start..self.i])
                    .ok()
                    .and_then(|s| s.parse().ok()))
            }
            _ => self.skip().map(|()| None),
        }
    }

    /// Calls `f` with each key of an object; `f` must read the value. Returns false,
    /// having skipped it, when the value is not an object.
    pub fn members(&mut self, mut f: impl FnMut(&mut Self, &str) -> Result<()>) -> Result<bool> {
        if self.peek()? != Some(b'{') {
            self.skip()?;
            return Ok(false);
        }
        self.i += 1;
        self.enter()?;
        if self.peek()? == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                let key = self.key()?;
                f(self, &key)?;
                if !self.next_or_close(b'}')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(true)
    }

    /// Calls `f` with the index of each element of an array; `f` must read it. Returns
    /// false, having skipped it, when the value is not an array.
    pub fn items(&mut self, mut f: impl FnMut(&mut Self, usize) -> Result<()>) -> Result<bool> {
        if self.peek()? != Some(b'[') {
            self.skip()?;
            return Ok(false);
        }
        self.i += 1;
        self.enter()?;
        if self.peek()? == Some(b']') {
            self.i += 1;
        } else {
            let mut n = 0;
            loop {
                f(self, n)?;
                n += 1;
                if !self.next_or_close(b']')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observe(text: &str) -> std::result::Result<Node, ParseError> {
        let mut n = Node::default();
        Parser::plain(text.as_bytes()).run(|p| {
            p.value(&mut n, false)?;
            p.end()
        })?;
        Ok(n)
    }

    /// The same text as the content of a JSON string.
    fn observe_escaped(text: &str) -> std::result::Result<Node, ParseError> {
        let quoted = serde_json::to_string(text).expect("string");
        let raw = &quoted.as_bytes()[1..quoted.len() - 1];
        let mut n = Node::default();
        Parser::escaped(raw).run(|p| {
            p.value(&mut n, false)?;
            p.end()
        })?;
        Ok(n)
    }

    #[test]
    fn records_kinds() {
        let text = r#"{"a": 1, "b": 3000000000, "c": 1.5, "d": "x\"y", "e": [true, null, "Asc"],
            "password": "hunter2", "psk": {"value": "k"}, "n": "1024", "big": 99999999999999999999}"#;
        for n in [observe(text), observe_escaped(text)] {
            let n = n.expect("reads");
            assert_eq!(n.objects, 1);
            let a = n.get("a").expect("a");
            assert_eq!((a.ints, a.wide_ints), (1, 0));
            assert_eq!(n.get("b").expect("b").wide_ints, 1);
            assert_eq!(n.get("c").expect("c").floats, 1);
            assert_eq!(n.get("big").expect("big").floats, 1);
            assert_eq!(n.get("d").expect("d").values.sorted(), ["x\"y"]);
            let e = n.get("e").expect("e").items.as_deref().expect("items");
            assert_eq!((e.bools, e.nulls, e.strings), (1, 1, 1));
            let pw = n.get("password").expect("password");
            assert_eq!(pw.strings, 1);
            assert!(pw.values.sorted().is_empty());
            let psk = n
                .get("psk")
                .and_then(|p| p.get("value"))
                .expect("psk.value");
            assert!(psk.values.sorted().is_empty());
            assert_eq!(n.get("n").expect("n").numeric_strings, 1);
        }
    }

    #[test]
    fn escaped_bodies_with_unicode_escapes_fall_back() {
        let raw = br#"{\u0022a\": 1}"#;
        let mut p = Parser::escaped(raw);
        assert_eq!(
            p.run(|p| p.value(&mut Node::default(), false)),
            Err(ParseError::NeedsUnescape)
        );
    }

    #[test]
    fn rejects_bad_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "tru",
            "1.",
            "-",
            "\"abc",
            "{\"a\":1}}",
            "[1 2]",
        ] {
            assert!(observe(bad).is_err(), "{bad:?}");
            assert!(observe_escaped(bad).is_err(), "escaped {bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH as usize + 1) + &"]".repeat(MAX_DEPTH as usize + 1);
        assert!(observe(&deep).is_err());
    }

    #[test]
    fn agrees_with_serde_on_validity() {
        // Every prefix of a valid document is either the document or invalid.
        let text = r#"{"list": [{"id": "1", "x": -0.5e3, "s": "a\\b\u00e9"}, []], "t": false}"#;
        assert!(observe(text).is_ok());
        for cut in 0..text.len() {
            let part = &text[..cut];
            if part.is_char_boundary(cut) {
                let ours = observe(part).is_ok();
                let serde = serde_json::from_str::<serde_json::Value>(part).is_ok();
                assert_eq!(ours, serde, "{part:?}");
            }
        }
    }

    #[test]
    fn walks_members_and_items() {
        let mut p = Parser::plain(br#"{"method": "A.b", "params": [1, {"x": 2}], "id": 7}"#);
        let mut seen = Vec::new();
        p.run(|p| {
            p.members(|p, key| {
                match key {
                    "method" => seen.push(p.read_string()?.unwrap_or_default()),
                    "params" => {
                        p.items(|p, i| {
                            seen.push(i.to_string());
                            p.skip()
                        })?;
                    }
                    "id" => seen.push(p.read_int()?.unwrap_or_default().to_string()),
                    _ => p.skip()?,
                }
                Ok(())
            })
        })
        .expect("walks");
        assert_eq!(seen, ["A.b", "0", "1", "7"]);
    }
}

#[cfg(test)]
mod timing {
    use super::*;

    /// Manual timing: `cargo test --release -p kerio-codegen --features learn parse_timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn parse_timing() {
        let host = r#"{"id":"0a1b2c3d-1c2d-4e5f-8a9b-000000000001","type":"ActiveHostHost","ip":"10.1.0.1","ip6Addresses":["fd00:10:1::1"],"hostname":"pc-0001.office.example.com","macAddress":"00:1b:21:00:00:01","ipAddressFromDHCP":true,"startTime":{"date":{"year":2025,"month":3,"day":12},"time":{"hour":8,"min":41}},"inactivityTime":12345,"user":{"id":"user-1","name":"user0001","isGroup":false,"domainName":"example.com"},"loginTime":{"date":{"year":2025,"month":3,"day":12},"time":{"hour":8,"min":42}},"loginDuration":1234,"authMethod":"AuthMethodWeb","connections":12,"totalDownload":123456.25,"totalUpload":12345.5,"currentDownload":12.25,"currentUpload":1.5}"#;
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":1,"result":{{"list":[{}],"totalItems":1000}}}}"#,
            vec![host; 1000].join(",")
        );
        let quoted = serde_json::to_string(&body).expect("s");
        let raw = &quoted.as_bytes()[1..quoted.len() - 1];
        let mut acc = Node::default();
        let t = std::time::Instant::now();
        for _ in 0..100 {
            let mut n = acc.skeleton();
            Parser::escaped(raw)
                .run(|p| p.value(&mut n, false))
                .expect("parses");
            acc.absorb(n);
        }
        let el = t.elapsed();
        println!(
            "{} MB escaped in {:?}: {:.0} MB/s",
            raw.len() * 100 / 1_000_000,
            el,
            (raw.len() * 100) as f64 / el.as_secs_f64() / 1e6
        );
        let t = std::time::Instant::now();
        for _ in 0..100 {
            let mut n = acc.skeleton();
            Parser::plain(body.as_bytes())
                .run(|p| p.value(&mut n, false))
                .expect("parses");
            acc.absorb(n);
        }
        let el = t.elapsed();
        println!("{} MB plain in {:?}", body.len() * 100 / 1_000_000, el);
        let t = std::time::Instant::now();
        for _ in 0..100 {
            let _ = crate::learn::har::scan::string_end(quoted.as_bytes(), 1);
        }
        println!("string_end {:?}", t.elapsed());
    }
}
