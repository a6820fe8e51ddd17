//! Scalars and keys: strings (as written, decoded, as object keys) and literals and
//! numbers, each recorded by kind.

use std::borrow::Cow;

use super::{Parser, Result};
use crate::learn::observe::node::Node;

impl<'a> Parser<'a> {
    /// After an opening quote: the string's content as written, and whether it holds
    /// escapes of its own.
    #[inline]
    pub(super) fn string_raw(&mut self) -> Result<(&'a [u8], bool)> {
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
    pub(super) fn decode(&self, raw: &'a [u8], escapes: bool) -> Option<Cow<'a, str>> {
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
    pub(super) fn key(&mut self) -> Result<Cow<'a, str>> {
        let (raw, escapes) = self.key_raw()?;
        match self.decode(raw, escapes) {
            Some(k) => Ok(k),
            None => Err(self.err("bad key")),
        }
    }

    /// Reads `"name":` when the input holds exactly that key next (written without
    /// escapes); false, having read nothing, otherwise.
    #[inline]
    pub(super) fn eat_key(&mut self, name: &str) -> Result<bool> {
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
    pub(super) fn key_raw(&mut self) -> Result<(&'a [u8], bool)> {
        self.expect(b'"', "expected a key")?;
        let key = self.string_raw()?;
        self.expect(b':', "expected `:`")?;
        Ok(key)
    }

    pub(super) fn literal(&mut self, word: &[u8], node: &mut Node) -> Result<()> {
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
    pub(super) fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        self.i - start
    }

    pub(super) fn number(&mut self, node: &mut Node) -> Result<()> {
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
}
