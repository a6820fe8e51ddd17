//! The canonical text layout of spec files (see "Canonical layout" in `api-spec/README.md`).
//!
//! Tools that rewrite spec files (`cargo xtask regen`) go through [`to_canonical_string`],
//! so a file's text depends only on its content: two-space indentation; objects keyed by
//! name (`interfaces`, `methods`, `types`) sorted by name; the keys of every other object in
//! a fixed order ([`KEY_ORDER`], then alphabetically); objects holding only scalars (or
//! one-key type references such as `{"list": "KId"}`) on one line; arrays one item a line,
//! in their order.

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// The order of known keys in objects that are not keyed by name; other keys follow,
/// sorted.
pub const KEY_ORDER: [&str; 33] = [
    "$schema",
    "api",
    "name",
    "module",
    "feature",
    "product",
    "title",
    "value",
    "type",
    "aliases",
    "kind",
    "of",
    "role",
    "sessionless",
    "group",
    "optional",
    "positional",
    "nullable",
    "lenient",
    "examples",
    "doc",
    "path",
    "alternativePaths",
    "port",
    "sessionCookie",
    "tokenCookie",
    "interfaces",
    "methods",
    "params",
    "result",
    "fields",
    "values",
    "types",
];

/// Keys whose object value is keyed by user-chosen names, sorted alphabetically.
const NAME_MAPS: [&str; 3] = ["interfaces", "methods", "types"];

/// One path step: an object key, or an array item.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Item,
}

/// The canonical text of a spec file's JSON value, ending with a newline.
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, None, true);
    out.push('\n');
    out
}

/// Writes `v` at indentation level `ind`; `last` is the step that led to `v` (`None` at
/// the root) and decides whether `v` is keyed by name.
fn write_value(out: &mut String, v: &Value, ind: usize, last: Option<Step<'_>>, root: bool) {
    match v {
        Value::Object(map) => write_object(out, map, ind, last, root),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            if inline_array(last, items) {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_scalar(out, item);
                }
                out.push(']');
                return;
            }
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                pad(out, ind + 1);
                write_value(out, item, ind + 1, Some(Step::Item), false);
            }
            out.push('\n');
            pad(out, ind);
            out.push(']');
        }
        scalar => write_scalar(out, scalar),
    }
}

fn write_object(
    out: &mut String,
    map: &Map<String, Value>,
    ind: usize,
    last: Option<Step<'_>>,
    root: bool,
) {
    if map.is_empty() {
        out.push_str("{}");
        return;
    }
    let keyed_by_name = matches!(last, Some(Step::Key(k)) if NAME_MAPS.contains(&k));
    let mut keys: Vec<&String> = map.keys().collect();
    if keyed_by_name {
        keys.sort();
    } else {
        keys.sort_by(|a, b| key_rank(a).cmp(&key_rank(b)));
    }
    if !root && !keyed_by_name && fits_one_line(map) {
        out.push('{');
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_string(out, k);
            out.push_str(": ");
            if let Some(v) = map.get(*k) {
                write_value(out, v, 0, Some(Step::Key(k)), false);
            }
        }
        out.push('}');
        return;
    }
    out.push_str("{\n");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        pad(out, ind + 1);
        write_string(out, k);
        out.push_str(": ");
        if let Some(v) = map.get(*k) {
            write_value(out, v, ind + 1, Some(Step::Key(k)), false);
        }
    }
    out.push('\n');
    pad(out, ind);
    out.push('}');
}

fn key_rank(k: &str) -> (usize, &str) {
    let rank = KEY_ORDER
        .iter()
        .position(|o| *o == k)
        .unwrap_or(KEY_ORDER.len());
    (rank, k)
}

/// True when an object is written on one line: no arrays among its values (but
/// `examples` of scalars), and every object value has exactly one key and fits one line
/// itself.
fn fits_one_line(map: &Map<String, Value>) -> bool {
    map.iter().all(|(k, v)| match v {
        Value::Array(items) => inline_array(Some(Step::Key(k)), items),
        Value::Object(inner) => inner.len() == 1 && fits_one_line(inner),
        _ => true,
    })
}

/// `examples` holding only scalars are written on one line (`["CZ", "DE"]`), like the
/// member they describe.
fn inline_array(last: Option<Step<'_>>, items: &[Value]) -> bool {
    matches!(last, Some(Step::Key("examples")))
        && items.iter().all(|v| !v.is_array() && !v.is_object())
}

fn pad(out: &mut String, ind: usize) {
    for _ in 0..ind {
        out.push_str("  ");
    }
}

fn write_scalar(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(_) | Value::Object(_) => {}
    }
}

/// A JSON string with the escapes of a JSON encoder that keeps non-ASCII characters:
/// `\"`, `\\`, the short escapes of control characters and `\u00xx` for the others.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Integers as written; other numbers in the shortest form that reads back the same,
/// with a fraction (`1.0`) or an exponent of at least two digits (`1e+16`, `1e-05`).
fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        write_float(out, f);
    }
}

fn write_float(out: &mut String, f: f64) {
    if !f.is_finite() {
        out.push_str(if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        });
        return;
    }
    // `{:e}` gives the shortest round-trip digits: `-1.2345e-7`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let ndigits = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    // Position of the decimal point relative to the start of `digits`.
    let decpt = exp + 1;
    out.push_str(sign);
    if (-4 < decpt) && (decpt <= 16) {
        if decpt <= 0 {
            out.push_str("0.");
            for _ in 0..-decpt {
                out.push('0');
            }
            out.push_str(&digits);
        } else if decpt >= ndigits {
            out.push_str(&digits);
            for _ in 0..(decpt - ndigits) {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            let (int, frac) = digits.split_at(decpt as usize);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = decpt - 1;
        let _ = write!(
            out,
            "e{}{:02}",
            if e < 0 { '-' } else { '+' },
            e.unsigned_abs()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn float(f: f64) -> String {
        let mut s = String::new();
        write_float(&mut s, f);
        s
    }

    #[test]
    fn floats_read_like_the_reference_encoder() {
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(0.5), "0.5");
        assert_eq!(float(-2.25), "-2.25");
        assert_eq!(float(1e16), "1e+16");
        assert_eq!(float(1.5e16), "1.5e+16");
        assert_eq!(float(1e15), "1000000000000000.0");
        assert_eq!(float(0.0001), "0.0001");
        assert_eq!(float(0.00001), "1e-05");
        assert_eq!(float(123.456), "123.456");
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(1.2345e-7), "1.2345e-07");
    }

    #[test]
    fn layout() {
        let v = json!({
            "types": {"B": {"kind": "alias", "of": {"list": "A"}, "doc": "x"},
                      "A": {"doc": "d", "kind": "struct", "fields": [
                          {"type": "string", "name": "a\"\n\u{1}é"}]}},
            "$schema": "s"
        });
        let expected = "{\n  \"$schema\": \"s\",\n  \"types\": {\n    \"A\": {\n      \"kind\": \"struct\",\n      \"doc\": \"d\",\n      \"fields\": [\n        {\"name\": \"a\\\"\\n\\u0001é\", \"type\": \"string\"}\n      ]\n    },\n    \"B\": {\"kind\": \"alias\", \"of\": {\"list\": \"A\"}, \"doc\": \"x\"}\n  }\n}\n";
        assert_eq!(to_canonical_string(&v), expected);
    }

    #[test]
    fn empty_containers_and_unknown_keys() {
        let v = json!({"zeta": [], "alpha": {}, "name": [1, 2.5, null, true]});
        assert_eq!(
            to_canonical_string(&v),
            "{\n  \"name\": [\n    1,\n    2.5,\n    null,\n    true\n  ],\n  \"alpha\": {},\n  \"zeta\": []\n}\n"
        );
    }
}
