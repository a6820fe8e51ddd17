//! Values checked against the spec description: the params of a call before it is sent
//! (strictly: every name known, every value of its type, enum values among the spec's),
//! and the result of a call after it came back, the way kerio-api's typed decoder reads
//! it (unknown fields ignored, any string for an enum, `null` wherever the Rust type is
//! an `Option`), so that a reply the types would not decode is reported with its JSON
//! path and the kind of value found, never the value.

use serde_json::{Map, Value};

use crate::spec::{ApiSpec, MethodSpec, Shape, Slot, TypeRef};

/// Something a value does not fit, at a JSON path (`params.query.limit`,
/// `result.list[3].hostname`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    pub path: String,
    pub message: String,
}

/// How strictly a value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// What the command line sends: the spec's names and values only.
    Params,
    /// What the typed decoder accepts.
    Result,
}

/// The kind of a JSON value, for messages: "a string", "an array"...
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks the params object of a call; the first misfit, its path from `params`.
pub fn params(api: &ApiSpec, method: &MethodSpec, params: &Map<String, Value>) -> Vec<Misfit> {
    let mut out = Vec::new();
    for (name, _) in params.iter() {
        if !method.params.iter().any(|p| &p.name == name) {
            out.push(Misfit {
                path: format!("params.{name}"),
                message: format!(
                    "{} has no param `{name}`; its params: {}",
                    method.wire,
                    names(&method.params)
                ),
            });
        }
    }
    for slot in &method.params {
        match params.get(&slot.name) {
            None if slot.optional => {}
            None => out.push(Misfit {
                path: format!("params.{}", slot.name),
                message: format!("missing, expected {}", api.expected(&slot.ty)),
            }),
            Some(value) => {
                let walker = Walker {
                    api,
                    mode: Mode::Params,
                    out: &mut out,
                };
                walker.value(
                    &slot.ty,
                    value,
                    slot_flags(slot),
                    &format!("params.{}", slot.name),
                );
            }
        }
    }
    out
}

/// Checks the result object of a call as the typed decoder reads it; every misfit.
pub fn result(api: &ApiSpec, method: &MethodSpec, result: &Value) -> Vec<Misfit> {
    let mut out = Vec::new();
    let Value::Object(map) = result else {
        out.push(Misfit {
            path: "result".into(),
            message: format!(
                "holds {}, the spec expects an object of out-parameters",
                kind(result)
            ),
        });
        return out;
    };
    for slot in &method.result {
        let path = format!("result.{}", slot.name);
        match map.get(&slot.name) {
            None if slot.optional => {}
            None => out.push(Misfit {
                path,
                message: "is missing, the spec requires this out-parameter".into(),
            }),
            Some(value) => {
                // A required out-param is the bare type, an Option only for enums.
                let nullable =
                    slot.optional || matches!(api.shape(&slot.ty), Shape::Enum(..) | Shape::Any);
                let flags = Flags {
                    nullable,
                    lenient: slot.lenient,
                };
                Walker {
                    api,
                    mode: Mode::Result,
                    out: &mut out,
                }
                .value(&slot.ty, value, flags, &path);
            }
        }
    }
    out
}

/// The unknown keys of a result, which the typed decoder ignores: newer firmware.
pub fn unknown_fields(api: &ApiSpec, method: &MethodSpec, result: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Value::Object(map) = result else {
        return out;
    };
    for (key, value) in map {
        match method.result.iter().find(|s| &s.name == key) {
            Some(slot) => unknown_below(api, &slot.ty, value, &format!("result.{key}"), &mut out),
            None => out.push(format!("result.{key}")),
        }
    }
    out
}

fn unknown_below(api: &ApiSpec, ty: &TypeRef, value: &Value, path: &str, out: &mut Vec<String>) {
    match (api.shape(ty), value) {
        (Shape::Struct(_, fields), Value::Object(map)) => {
            for (key, item) in map {
                match fields.iter().find(|f| &f.name == key) {
                    Some(f) => unknown_below(api, &f.ty, item, &format!("{path}.{key}"), out),
                    None => out.push(format!("{path}.{key}")),
                }
            }
        }
        (Shape::List(of), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                unknown_below(api, of, item, &format!("{path}[{i}]"), out);
            }
        }
        (Shape::Map(of), Value::Object(map)) => {
            for (key, item) in map {
                unknown_below(api, of, item, &format!("{path}.{key}"), out);
            }
        }
        _ => {}
    }
}

/// The names of slots, for messages.
pub fn names(slots: &[Slot]) -> String {
    if slots.is_empty() {
        return "none".into();
    }
    slots
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Clone, Copy)]
struct Flags {
    nullable: bool,
    lenient: bool,
}

fn slot_flags(slot: &Slot) -> Flags {
    Flags {
        nullable: slot.nullable,
        // Generated code reads a nullable field as such, lenient or not.
        lenient: slot.lenient && !slot.nullable,
    }
}

struct Walker<'a, 'o> {
    api: &'a ApiSpec,
    mode: Mode,
    out: &'o mut Vec<Misfit>,
}

impl Walker<'_, '_> {
    fn value(mut self, ty: &TypeRef, value: &Value, flags: Flags, path: &str) {
        self.walk(ty, value, flags, path);
    }

    fn walk(&mut self, ty: &TypeRef, value: &Value, flags: Flags, path: &str) {
        let shape = self.api.shape(ty);
        if value.is_null() && (flags.nullable || matches!(shape, Shape::Any)) {
            return;
        }
        let fits = match shape {
            Shape::Any => true,
            Shape::String => value.is_string(),
            Shape::Boolean => value.is_boolean(),
            Shape::Int32 => integer(value, flags.lenient, i32::MIN.into(), i32::MAX.into()),
            Shape::Int64 => integer(value, flags.lenient, i64::MIN, i64::MAX),
            Shape::Double => value.is_number() || flags.lenient && number_text(value).is_some(),
            Shape::Enum(_, values) => match value.as_str() {
                Some(text) => self.mode == Mode::Result || values.iter().any(|v| v == text),
                None => false,
            },
            Shape::List(of) => match value.as_array() {
                Some(items) => {
                    let item = Flags {
                        nullable: false,
                        lenient: false,
                    };
                    for (i, v) in items.iter().enumerate() {
                        self.walk(of, v, item, &format!("{path}[{i}]"));
                    }
                    true
                }
                None => false,
            },
            Shape::Map(of) => match value.as_object() {
                Some(map) => {
                    let item = Flags {
                        nullable: false,
                        lenient: false,
                    };
                    for (key, v) in map {
                        self.walk(of, v, item, &format!("{path}.{key}"));
                    }
                    true
                }
                None => false,
            },
            Shape::Struct(name, fields) => match value {
                Value::Object(map) => {
                    self.fields(name, fields, map, path);
                    true
                }
                // Serde reads a struct from an array too, field by field in order (all
                // of them `Option`s), when it has no more items than fields.
                Value::Array(items) if self.mode == Mode::Result && items.len() <= fields.len() => {
                    for (i, (field, item)) in fields.iter().zip(items).enumerate() {
                        let flags = Flags {
                            nullable: true,
                            ..slot_flags(field)
                        };
                        self.walk(&field.ty, item, flags, &format!("{path}[{i}]"));
                    }
                    true
                }
                _ => false,
            },
        };
        if !fits {
            let text = match (shape, value.as_str()) {
                (Shape::Enum(..), Some(_)) => "holds a value the spec does not list".into(),
                _ => format!("holds {}", kind(value)),
            };
            self.out.push(Misfit {
                path: path.to_owned(),
                message: format!("{text}, expected {}", self.api.expected(ty)),
            });
        }
    }

    fn fields(&mut self, name: &str, fields: &[Slot], map: &Map<String, Value>, path: &str) {
        for (key, item) in map {
            match fields.iter().find(|f| &f.name == key) {
                Some(field) => {
                    let flags = match self.mode {
                        // Every struct field is an `Option` in Rust.
                        Mode::Result => Flags {
                            nullable: true,
                            ..slot_flags(field)
                        },
                        Mode::Params => slot_flags(field),
                    };
                    self.walk(&field.ty, item, flags, &format!("{path}.{key}"));
                }
                None if self.mode == Mode::Params => self.out.push(Misfit {
                    path: format!("{path}.{key}"),
                    message: format!("{name} has no field `{key}`; its fields: {}", names(fields)),
                }),
                None => {}
            }
        }
    }
}

/// Whether the value is an integer within the range (as the lenient codec reads it when
/// `lenient`: also a whole number with a fraction of zero, or a string holding one).
fn integer(value: &Value, lenient: bool, min: i64, max: i64) -> bool {
    let in_range = |v: i64| (min..=max).contains(&v);
    if let Some(v) = value.as_i64() {
        return in_range(v);
    }
    if !lenient {
        return false;
    }
    let whole = |v: f64| v.fract() == 0.0 && v >= min as f64 && v <= max as f64;
    match value {
        Value::Number(n) => n.as_f64().is_some_and(whole),
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(v) => in_range(v),
            Err(_) => s.trim().parse::<f64>().is_ok_and(whole),
        },
        _ => false,
    }
}

fn number_text(value: &Value) -> Option<f64> {
    value.as_str()?.trim().parse().ok()
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
