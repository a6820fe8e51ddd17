//! Diagnostics: every problem found in a spec set, each with where and a hint.

use std::fmt;

use crate::json;
use crate::spec::{Loc, Source};

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path of the spec file as given to the loader.
    pub file: String,
    /// 1-based line of the offending value (0 when unknown).
    pub line: usize,
    /// 1-based column of the offending value (0 when unknown).
    pub column: usize,
    /// JSON pointer of the offending value (RFC 6901), `""` for the whole document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        let pointer = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        write!(f, ": {} [at {pointer}]", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// All the problems found in a spec set, sorted by file and position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub(crate) fn into_result<T>(mut self, ok: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            self.0.sort();
            self.0.dedup();
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} problem{} in the spec set:",
            if n == 1 { "" } else { "s" }
        )?;
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// A diagnostic at `loc` of one of `sources`: the file, line and column, and the pointer.
pub(crate) fn diag_at(
    sources: &[Source],
    loc: &Loc,
    message: &str,
    hint: Option<&str>,
) -> Diagnostic {
    let (file, (line, column)) = match sources.get(loc.file) {
        Some(s) => (s.path.clone(), json::line_col(&s.text, loc.offset)),
        None => ("(unknown file)".to_owned(), (0, 0)),
    };
    Diagnostic {
        file,
        line,
        column,
        pointer: loc.pointer.clone(),
        message: message.to_owned(),
        hint: hint.map(str::to_owned),
    }
}
