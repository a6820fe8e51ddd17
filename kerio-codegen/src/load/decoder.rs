//! Shape checks shared by the item decoders: object keys, JSON kinds, names, and the
//! location of each problem.

use crate::diag::{Diagnostic, DiagnosticKind, diag_at};
use crate::json::{self, Json, JsonValue, Member};
use crate::naming::is_wire_name;
use crate::spec::{Loc, Source};

/// Decodes the items of one spec file, collecting a diagnostic for each problem.
pub(super) struct FileDecoder<'a> {
    /// Every file of the spec set (diagnostics name the file and line).
    pub(super) sources: &'a [Source],
    /// Index of the file being decoded in `sources`.
    pub(super) file: usize,
    /// Problems found so far.
    pub(super) diags: Vec<Diagnostic>,
}

pub(super) fn ptr(parent: &str, token: &str) -> String {
    format!("{parent}/{}", json::escape_pointer_token(token))
}

impl FileDecoder<'_> {
    pub(super) fn loc(&self, pointer: &str, offset: usize) -> Loc {
        Loc {
            file: self.file,
            pointer: pointer.to_owned(),
            offset,
        }
    }

    /// Records a problem at a byte offset of the file.
    pub(super) fn error_at_offset(
        &mut self,
        kind: DiagnosticKind,
        pointer: &str,
        offset: usize,
        message: &str,
        hint: Option<&str>,
    ) {
        let loc = self.loc(pointer, offset);
        self.diags
            .push(diag_at(kind, self.sources, &loc, message, hint));
    }

    /// Records a problem at a JSON value.
    pub(super) fn error(
        &mut self,
        kind: DiagnosticKind,
        pointer: &str,
        v: &Json,
        message: &str,
        hint: Option<&str>,
    ) {
        self.error_at_offset(kind, pointer, v.offset, message, hint);
    }

    /// The items of an array; otherwise records `expected` (with the kind found) and
    /// gives `None`.
    pub(super) fn array<'j>(
        &mut self,
        pointer: &str,
        v: &'j Json,
        expected: &str,
        hint: Option<&str>,
    ) -> Option<&'j [Json]> {
        if let JsonValue::Array(items) = &v.value {
            return Some(items);
        }
        let message = format!("{expected}, found {}", v.value.kind());
        self.error(DiagnosticKind::WrongJsonKind, pointer, v, &message, hint);
        None
    }

    /// The members of an object, checking that every key is one of `allowed`.
    pub(super) fn object<'j>(
        &mut self,
        pointer: &str,
        v: &'j Json,
        what: &str,
        allowed: &[&str],
    ) -> Option<&'j [Member]> {
        let JsonValue::Object(members) = &v.value else {
            self.error(
                DiagnosticKind::WrongJsonKind,
                pointer,
                v,
                &format!("{what} must be an object, found {}", v.value.kind()),
                None,
            );
            return None;
        };
        for m in members {
            if !allowed.contains(&m.key.as_str()) {
                let p = ptr(pointer, &m.key);
                let hint = format!("expected one of: {}", allowed.join(", "));
                self.error_at_offset(
                    DiagnosticKind::UnknownKey,
                    &p,
                    m.key_offset,
                    &format!("unknown key `{}` in {what}", m.key),
                    Some(&hint),
                );
            }
        }
        Some(members)
    }

    pub(super) fn required<'j>(
        &mut self,
        pointer: &str,
        v: &Json,
        members: &'j [Member],
        key: &str,
        what: &str,
    ) -> Option<&'j Json> {
        let found = members.iter().find(|m| m.key == key).map(|m| &m.value);
        if found.is_none() {
            self.error(
                DiagnosticKind::MissingKey,
                pointer,
                v,
                &format!("{what} has no `{key}`"),
                None,
            );
        }
        found
    }

    pub(super) fn string(&mut self, pointer: &str, v: &Json) -> Option<String> {
        match &v.value {
            JsonValue::String(s) => Some(s.clone()),
            other => {
                self.error(
                    DiagnosticKind::WrongJsonKind,
                    pointer,
                    v,
                    &format!("expected a string, found {}", other.kind()),
                    None,
                );
                None
            }
        }
    }

    pub(super) fn opt_string(
        &mut self,
        pointer: &str,
        members: &[Member],
        key: &str,
    ) -> Option<String> {
        let m = members.iter().find(|m| m.key == key)?;
        self.string(&ptr(pointer, key), &m.value)
    }

    pub(super) fn flag(&mut self, pointer: &str, members: &[Member], key: &str) -> bool {
        let Some(m) = members.iter().find(|m| m.key == key) else {
            return false;
        };
        match m.value.value {
            JsonValue::Bool(b) => b,
            ref other => {
                self.error(
                    DiagnosticKind::WrongJsonKind,
                    &ptr(pointer, key),
                    &m.value,
                    &format!("`{key}` must be true or false, found {}", other.kind()),
                    None,
                );
                false
            }
        }
    }

    pub(super) fn wire_name(
        &mut self,
        pointer: &str,
        offset: usize,
        name: &str,
        what: &str,
    ) -> bool {
        let ok = is_wire_name(name);
        if !ok {
            self.error_at_offset(
                DiagnosticKind::InvalidName,
                pointer,
                offset,
                &format!("invalid {what} name `{name}`"),
                Some("names are ASCII letters, digits and `_`, not starting with a digit"),
            );
        }
        ok
    }
}
