//! A JSON reader that records what it sees into a [`Node`] instead of building values.
//!
//! It reads either plain JSON or JSON still escaped inside a HAR string (`{\"id\":1}`), so
//! a body is observed in one pass straight from the capture, without unescaping it into
//! a copy first. The rare escaped body it cannot follow (one using `\u` escapes outside
//! string contents) reports [`ParseError::NeedsUnescape`], and the caller unescapes it
//! and reads it plain. Nesting is limited to [`MAX_DEPTH`]; nothing here panics.

mod scalars;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod timing;

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
