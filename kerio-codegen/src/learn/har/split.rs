//! Streams a HAR file: walks `{"log": {"entries": [...]}}` and hands out one entry at a
//! time, so memory is bounded by the largest entry rather than the file.
//!
//! Only the top two levels are tokenized; each entry (and each other member of the top
//! object and of `log`) is found by the block scanner of `scan` and handed out as
//! raw bytes for the caller to parse.

use std::io::Read;

use super::scan::{self, ContainerScan};

/// How much is read from the file at a time.
const CHUNK: usize = 64 * 1024;

/// One step of the walk.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A member of the top-level object other than `log` (`log: false`), or of `log` other
    /// than `entries` (`log: true`), with its raw JSON value, checked to be valid JSON.
    Member {
        /// Whether the member belongs to `log`.
        log: bool,
        /// The member's key.
        key: String,
        /// The value's JSON text.
        raw: Vec<u8>,
    },
    /// `"log": {` was read.
    LogStart,
    /// `"entries": [` was read.
    EntriesStart,
    /// One entry's JSON text (an object, not yet checked beyond its brackets).
    Entry(Vec<u8>),
    /// The `entries` array ended.
    EntriesEnd,
    /// The `log` object ended.
    LogEnd,
}

/// Why a file cannot be walked.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The text is not JSON.
    #[error("not valid JSON at byte {offset}: {message}")]
    Syntax {
        /// Byte offset in the file.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// The file ends too early.
    #[error("truncated JSON: the file ends inside {inside}")]
    Truncated {
        /// What was open when the file ended.
        inside: String,
    },
    /// The JSON is not a HAR capture.
    #[error("not a HAR capture: {0}")]
    NotHar(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Top { first: bool },
    Log { first: bool },
    Entries { first: bool },
    End,
    Done,
}

/// The walker over one HAR file.
pub struct Splitter<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
    state: State,
    saw_entries: bool,
    entries: usize,
    /// Capacity for a new buffer: the largest entry so far plus room to read, so the
    /// buffer rarely grows (and copies itself) while an entry is read.
    capacity: usize,
}

impl<R: Read> Splitter<R> {
    /// A walker reading from `reader` (it buffers by itself).
    pub fn new(reader: R) -> Self {
        Splitter {
            reader,
            buf: Vec::new(),
            pos: 0,
            base: 0,
            eof: false,
            state: State::Start,
            saw_entries: false,
            entries: 0,
            capacity: 4 * CHUNK,
        }
    }

    /// Bytes of the file consumed so far.
    pub fn consumed(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Number of entries handed out so far.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// The next step, or `None` at the end of a well-formed HAR file.
    pub fn next_event(&mut self) -> Result<Option<Event>, SplitError> {
        if self.pos > CHUNK && self.pos * 2 > self.buf.len() {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        loop {
            match self.state {
                State::Start => {
                    self.skip_ws()?;
                    if self.buf.get(self.pos..self.pos + 3) == Some(b"\xef\xbb\xbf") {
                        self.pos += 3;
                        self.skip_ws()?;
                    }
                    match self.peek()? {
                        Some(b'{') => {
                            self.pos += 1;
                            self.state = State::Top { first: true };
                        }
                        Some(b'[') => {
                            return Err(SplitError::NotHar(
                                "the file holds a JSON array, not a HAR object".into(),
                            ));
                        }
                        Some(b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
                            // A valid scalar is JSON but not a HAR; anything else is not JSON.
                            self.value("the file")?;
                            return Err(SplitError::NotHar(
                                "the file holds a single JSON value, not a HAR object".into(),
                            ));
                        }
                        Some(_) => return Err(self.syntax("expected `{`")),
                        None => return Err(self.syntax("the file is empty")),
                    }
                }
                State::Top { first } => match self.member_key(first, "the top-level object")? {
                    None => self.state = State::End,
                    Some(key) if key == "log" => {
                        if self.peek()? != Some(b'{') {
                            return Err(SplitError::NotHar("`log` is not an object".into()));
                        }
                        self.pos += 1;
                        self.state = State::Log { first: true };
                        return Ok(Some(Event::LogStart));
                    }
                    Some(key) => {
                        self.state = State::Top { first: false };
                        let raw = self.value("the top-level object")?;
                        return Ok(Some(Event::Member {
                            log: false,
                            key,
                            raw,
                        }));
                    }
                },
                State::Log { first } => match self.member_key(first, "`log`")? {
                    None => {
                        self.state = State::Top { first: false };
                        return Ok(Some(Event::LogEnd));
                    }
                    Some(key) if key == "entries" => {
                        if self.peek()? != Some(b'[') {
                            return Err(SplitError::NotHar("`log.entries` is not an array".into()));
                        }
                        self.pos += 1;
                        self.saw_entries = true;
                        self.state = State::Entries { first: true };
                        return Ok(Some(Event::EntriesStart));
                    }
                    Some(key) => {
                        self.state = State::Log { first: false };
                        let raw = self.value("`log`")?;
                        return Ok(Some(Event::Member {
                            log: true,
                            key,
                            raw,
                        }));
                    }
                },
                State::Entries { first } => {
                    self.skip_ws()?;
                    match self.peek()? {
                        Some(b']') => {
                            self.pos += 1;
                            self.state = State::Log { first: false };
                            return Ok(Some(Event::EntriesEnd));
                        }
                        Some(b',') if !first => {
                            self.pos += 1;
                            self.skip_ws()?;
                        }
                        None => return Err(self.truncated("`log.entries`")),
                        Some(_) if first => {}
                        Some(_) => return Err(self.syntax("expected `,` or `]` after an entry")),
                    }
                    match self.peek()? {
                        Some(b'{') => {}
                        None => return Err(self.truncated("`log.entries`")),
                        Some(_) => {
                            return Err(SplitError::NotHar(format!(
                                "entry {} is not an object",
                                self.entries
                            )));
                        }
                    }
                    let what = format!("entry {}", self.entries);
                    let raw = self.container(&what)?;
                    self.entries += 1;
                    self.state = State::Entries { first: false };
                    return Ok(Some(Event::Entry(raw)));
                }
                State::End => {
                    self.skip_ws()?;
                    if self.peek()?.is_some() {
                        return Err(self.syntax("unexpected text after the HAR object"));
                    }
                    if !self.saw_entries {
                        return Err(SplitError::NotHar("there is no `log.entries` array".into()));
                    }
                    self.state = State::Done;
                }
                State::Done => return Ok(None),
            }
        }
    }

    fn syntax(&self, message: &str) -> SplitError {
        SplitError::Syntax {
            offset: self.consumed(),
            message: message.into(),
        }
    }

    fn truncated(&self, inside: &str) -> SplitError {
        SplitError::Truncated {
            inside: inside.into(),
        }
    }

    /// Reads more of the file; false at its end.
    fn read_more(&mut self) -> Result<bool, SplitError> {
        if self.eof {
            return Ok(false);
        }
        let n = (&mut self.reader)
            .take(CHUNK as u64)
            .read_to_end(&mut self.buf)?;
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    fn peek(&mut self) -> Result<Option<u8>, SplitError> {
        while self.pos >= self.buf.len() {
            if !self.read_more()? {
                return Ok(None);
            }
        }
        Ok(self.buf.get(self.pos).copied())
    }

    fn skip_ws(&mut self) -> Result<(), SplitError> {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek()? {
            self.pos += 1;
        }
        Ok(())
    }

    /// Reads `,"key":` (or `"key":` for the first member); `None` at the closing `}`.
    fn member_key(&mut self, first: bool, inside: &str) -> Result<Option<String>, SplitError> {
        self.skip_ws()?;
        match self.peek()? {
            Some(b'}') => {
                self.pos += 1;
                return Ok(None);
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.skip_ws()?;
            }
            None => return Err(self.truncated(inside)),
            Some(_) if first => {}
            Some(_) => return Err(self.syntax("expected `,` or `}`")),
        }
        if self.peek()? != Some(b'"') {
            return Err(self.syntax("expected a key"));
        }
        let raw = self.string(inside)?;
        let key: String = serde_json::from_slice(&raw).map_err(|e| self.syntax(&e.to_string()))?;
        self.skip_ws()?;
        if self.peek()? != Some(b':') {
            return Err(self.syntax("expected `:`"));
        }
        self.pos += 1;
        self.skip_ws()?;
        Ok(Some(key))
    }

    /// Reads any value and checks it is valid JSON.
    fn value(&mut self, inside: &str) -> Result<Vec<u8>, SplitError> {
        let start = self.consumed();
        let raw = match self.peek()? {
            Some(b'{' | b'[') => self.container(inside)?,
            Some(b'"') => self.string(inside)?,
            None => return Err(self.truncated(inside)),
            Some(_) => {
                let from = self.pos;
                while let Some(c) = self.peek()? {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.pos += 1;
                }
                self.buf[from..self.pos].to_vec()
            }
        };
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&raw) {
            return Err(SplitError::Syntax {
                offset: start,
                message: format!("in a value inside {inside}: {e}"),
            });
        }
        Ok(raw)
    }

    /// Reads a string, quotes included.
    fn string(&mut self, inside: &str) -> Result<Vec<u8>, SplitError> {
        let start = self.pos;
        let mut at = start + 1;
        loop {
            if let Some(end) = scan::string_end(&self.buf, at) {
                self.pos = end + 1;
                return Ok(self.buf[start..self.pos].to_vec());
            }
            // Rescan from a safe point: the last full block boundary before the end, minus
            // a possible pending backslash run.
            let scanned = self.buf.len();
            if !self.read_more()? {
                return Err(self.truncated(inside));
            }
            at = resume_point(&self.buf[..scanned], start + 1);
        }
    }

    /// Takes `buf[start..=end]` out of the buffer, moving the smaller part.
    fn take(&mut self, start: usize, end: usize) -> Vec<u8> {
        let tail = self.buf.len() - (end + 1);
        if start == 0 && tail < end {
            self.capacity = self.capacity.max(end + 1 + 2 * CHUNK);
            let mut rest = Vec::with_capacity(self.capacity);
            rest.extend_from_slice(&self.buf[end + 1..]);
            self.buf.truncate(end + 1);
            self.base += (end + 1) as u64;
            self.pos = 0;
            std::mem::replace(&mut self.buf, rest)
        } else {
            self.pos = end + 1;
            self.buf[start..=end].to_vec()
        }
    }

    /// Reads an object or array, brackets included.
    fn container(&mut self, inside: &str) -> Result<Vec<u8>, SplitError> {
        if self.pos > 0 {
            // Start the value at the buffer's start, so it can be handed over whole.
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let start = self.pos;
        let mut scan = ContainerScan::new();
        let mut at = start + 1;
        loop {
            while at + 64 <= self.buf.len() {
                let block: &[u8; 64] = match self.buf[at..at + 64].try_into() {
                    Ok(b) => b,
                    Err(_) => break,
                };
                if let Some(i) = scan.block(block) {
                    return Ok(self.take(start, at + i));
                }
                at += 64;
            }
            if !self.read_more()? {
                if at < self.buf.len()
                    && let Some(i) = scan.block(&scan::block_at(&self.buf, at))
                {
                    let end = at + i;
                    if end < self.buf.len() {
                        return Ok(self.take(start, end));
                    }
                }
                return Err(self.truncated(inside));
            }
        }
    }
}

/// Where to resume looking for a string's end after more text arrived: the scan restarts
/// at the first byte of the trailing run of backslashes, whose parity decides what the
/// next byte means (a quote before it would already have ended the string).
fn resume_point(scanned: &[u8], content_start: usize) -> usize {
    let mut at = scanned.len();
    while at > content_start && scanned[at - 1] == b'\\' {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `n` bytes per call, to cross chunk boundaries.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn events(text: &[u8], step: usize) -> Result<Vec<Event>, SplitError> {
        let mut s = Splitter::new(Trickle(text, step));
        let mut out = Vec::new();
        while let Some(e) = s.next_event()? {
            out.push(e);
        }
        Ok(out)
    }

    #[test]
    fn walks_entries_and_members() {
        let text = br#"{"log": {"version": "1.2", "entries": [{"a": "}\"]"}, {"b": [1, {}]}], "pages": []}, "x": 1}"#;
        for step in [1, 3, 7, 1000] {
            let ev = events(text, step).expect("walks");
            assert_eq!(
                ev,
                vec![
                    Event::LogStart,
                    Event::Member {
                        log: true,
                        key: "version".into(),
                        raw: b"\"1.2\"".to_vec()
                    },
                    Event::EntriesStart,
                    Event::Entry(br#"{"a": "}\"]"}"#.to_vec()),
                    Event::Entry(br#"{"b": [1, {}]}"#.to_vec()),
                    Event::EntriesEnd,
                    Event::Member {
                        log: true,
                        key: "pages".into(),
                        raw: b"[]".to_vec()
                    },
                    Event::LogEnd,
                    Event::Member {
                        log: false,
                        key: "x".into(),
                        raw: b"1".to_vec()
                    },
                ]
            );
        }
    }

    #[test]
    fn long_strings_across_chunks() {
        let long = "\\\\\\\"ab".repeat(100_000);
        let text = format!(r#"{{"log": {{"comment": "{long}", "entries": [{{"t": "{long}"}}]}}}}"#);
        let ev = events(text.as_bytes(), 100_003).expect("walks");
        assert_eq!(ev.len(), 6);
    }

    #[test]
    fn bad_files() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "the file is empty"),
            (b"garbage", "not valid JSON"),
            (b"[1, 2]", "JSON array"),
            (b"{\"log\": {\"entries\": [{\"a\": 1}", "truncated JSON"),
            (b"{\"log\": {\"entries\": [{\"a\": \"x", "truncated JSON"),
            (b"{\"foo\": 1}", "no `log.entries`"),
            (b"{\"log\": {\"entries\": [1]}}", "entry 0 is not an object"),
            (
                b"{\"log\": {\"version\": 1.2.3, \"entries\": []}}",
                "not valid JSON",
            ),
            (b"{\"log\": {\"entries\": []}} x", "unexpected text"),
        ];
        for (text, needle) in cases {
            let err = events(text, 5).expect_err("fails").to_string();
            assert!(err.contains(needle), "{err:?} lacks {needle:?}");
        }
    }
}
