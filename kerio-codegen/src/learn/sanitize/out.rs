//! Writes JSON values as a pretty HAR, streaming.

use std::io::Write;

/// A streaming writer of nested objects and arrays, one member at a time.
pub(super) struct Out<W: Write> {
    w: W,
    /// Whether the current object or array has had a member yet, per level.
    first: Vec<bool>,
}

impl<W: Write> Out<W> {
    pub(super) fn new(w: W) -> Self {
        Out {
            w,
            first: Vec::new(),
        }
    }

    fn indent(&self) -> String {
        "  ".repeat(self.first.len())
    }

    pub(super) fn sep(&mut self) -> std::io::Result<()> {
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

    pub(super) fn key(&mut self, key: &str) -> std::io::Result<()> {
        self.sep()?;
        let k = serde_json::to_string(key).unwrap_or_else(|_| "\"\"".into());
        write!(self.w, "{k}: ")
    }

    pub(super) fn value(&mut self, v: &serde_json::Value) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(v).map_err(std::io::Error::other)?;
        let pad = format!("\n{}", self.indent());
        self.w.write_all(text.replace('\n', &pad).as_bytes())
    }

    pub(super) fn open(&mut self, c: u8) -> std::io::Result<()> {
        self.w.write_all(&[c])?;
        self.first.push(true);
        Ok(())
    }

    pub(super) fn close(&mut self, c: u8) -> std::io::Result<()> {
        let empty = self.first.pop().unwrap_or(true);
        if !empty {
            self.w.write_all(b"\n")?;
            let pad = self.indent();
            self.w.write_all(pad.as_bytes())?;
        }
        self.w.write_all(&[c])
    }

    /// Ends the file with a newline and flushes it.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        self.w.write_all(b"\n")?;
        self.w.flush()
    }
}
