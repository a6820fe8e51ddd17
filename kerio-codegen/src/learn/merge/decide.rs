//! Phase two of merging: per named type and primitive position, in name order, widen
//! numbers, add enum values and struct fields, and report the rest for review.

use serde_json::{Map, Value, json};

use super::edit::Edit;
use super::{Merger, Site, doc_seen, rank, show, unexpected};
use crate::learn::infer::{Home, Infer, LEARNED, type_json};
use crate::learn::specs::ptr;
use crate::secrets;
use crate::spec::{Primitive, TypeKind};
impl<'a> Merger<'a> {
    /// Phase two for primitive positions: widen numbers, report the rest.
    pub(super) fn decide_sites(&mut self) {
        let sites = std::mem::take(&mut self.sites);
        for ((file, pointer), s) in sites {
            let n = &s.node;
            let label = &s.label;
            let spec = s.prim.as_str();
            let strings_ok = |s: &Site| s.lenient && n.numeric_strings == n.strings;
            match s.prim {
                Primitive::Any => {}
                Primitive::String | Primitive::Boolean => {
                    let allowed = if s.prim == Primitive::String {
                        "s"
                    } else {
                        "b"
                    };
                    if let Some(bad) = unexpected(n, allowed) {
                        self.review(format!(
                            "{label}: the spec says {spec}, the capture has {bad}"
                        ));
                    }
                }
                Primitive::Int32 | Primitive::Int64 | Primitive::Double => {
                    let allowed = if strings_ok(&s) { "ifs" } else { "if" };
                    if let Some(bad) = unexpected(n, allowed) {
                        let hint = if n.strings > 0 && n.numeric_strings == n.strings {
                            " (numbers written as strings: mark it lenient?)"
                        } else {
                            ""
                        };
                        self.review(format!(
                            "{label}: the spec says {spec}, the capture has {bad}{hint}"
                        ));
                    }
                    let needed = if n.floats > 0 {
                        Primitive::Double
                    } else if n.wide_ints > 0 {
                        Primitive::Int64
                    } else {
                        Primitive::Int32
                    };
                    if rank(needed) > rank(s.prim) {
                        self.report
                            .widened
                            .push(format!("{label}: {spec} → {}", needed.as_str()));
                        self.edits
                            .push(Edit::Replace(file, pointer, json!(needed.as_str())));
                    }
                }
            }
        }
    }

    /// Phase two for named types: new enum values and new struct fields.
    pub(super) fn decide_types(&mut self, infer: &mut Infer<'a>) {
        let obs = std::mem::take(&mut self.type_obs);
        for (name, node) in obs {
            let Some((file, t)) = self.type_file(name) else {
                continue;
            };
            match &t.kind {
                TypeKind::Enum(values) => {
                    if node.strings == 0 {
                        continue;
                    }
                    if node.values.overflowed() {
                        let known = values.len();
                        self.review(format!(
                            "{name}: more than {} distinct or overlong strings where the spec has an enum of {known} values; none learned",
                            crate::learn::observe::node::MAX_VALUES
                        ));
                        continue;
                    }
                    for v in node.values.sorted() {
                        if values.iter().any(|e| e.value == v) || v.is_empty() {
                            continue;
                        }
                        // A token echoed where an enum value goes, or what sanitize left
                        // of one, is not a value of the enum.
                        if secrets::looks_like_token_value(v) || v.contains(secrets::REDACTED) {
                            self.review(format!(
                                "{name}: a value that looks like a token or was redacted (not shown); not learned"
                            ));
                            continue;
                        }
                        // Every enum value of every product is one word; text with spaces
                        // or punctuation (a message, or a secret a user typed into a
                        // field) is not learned, and not shown either.
                        if !is_enum_word(v) {
                            self.review(format!(
                                "{name}: a value that is not one word (not shown); not learned"
                            ));
                            continue;
                        }
                        self.report.new_values.push(format!("{name}: {v}"));
                        self.edits.push(Edit::Push(
                            file,
                            ptr(&t.loc.pointer, "values"),
                            json!({"value": v, "doc": format!("{LEARNED}; not yet described.")}),
                        ));
                    }
                }
                TypeKind::Struct(fields) => {
                    let home = Home::File(file);
                    for f in node.sorted_fields() {
                        if fields.iter().any(|sf| *sf.name == *f.name) {
                            continue;
                        }
                        if secrets::looks_like_token(&f.name) {
                            self.review(format!(
                                "{name}: a key that looks like a token (not shown); not learned"
                            ));
                            continue;
                        }
                        if !crate::naming::is_wire_name(&f.name) {
                            self.review(format!(
                                "{name}: key `{}` is not a field name; not learned",
                                f.name.escape_debug()
                            ));
                            continue;
                        }
                        let ty = infer.infer(&f.node, &f.name, name, &home, false);
                        self.report
                            .new_fields
                            .push(format!("{name}.{}: {}", f.name, show(&ty)));
                        let mut v = Map::new();
                        v.insert("name".into(), json!(&*f.name));
                        v.insert("type".into(), type_json(&ty));
                        v.insert("optional".into(), json!(true));
                        if f.node.nulls > 0 {
                            v.insert("nullable".into(), json!(true));
                        }
                        v.insert(
                            "doc".into(),
                            json!(doc_seen(f.node.seen, node.objects, "captured objects")),
                        );
                        self.edits.push(Edit::Push(
                            file,
                            ptr(&t.loc.pointer, "fields"),
                            Value::Object(v),
                        ));
                    }
                }
                TypeKind::Alias(_) => {}
            }
        }
    }
}

/// Whether a string can be an enum value: ASCII letters, digits, `_`, `-` and `.`, as
/// every value in the spec sets is.
fn is_enum_word(v: &str) -> bool {
    v.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}
