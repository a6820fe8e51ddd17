//! Printing results: JSON (pretty on a terminal, compact otherwise), one JSON line per
//! item (NDJSON), or a text table of a list's items.

use std::io::{IsTerminal, Write};

use serde_json::{Map, Value};

use crate::args::Output;
use crate::spec::{ApiSpec, MethodSpec, Shape};

/// Columns a table shows when `--columns` does not choose.
const DEFAULT_COLUMNS: usize = 8;

/// Writes `value` as JSON in the chosen form, with a line break.
pub fn json(out: &mut impl Write, value: &Value, output: Output) -> std::io::Result<()> {
    let pretty = match output {
        Output::Pretty => true,
        Output::Auto => std::io::stdout().is_terminal(),
        _ => false,
    };
    if pretty {
        serde_json::to_writer_pretty(&mut *out, value)?;
    } else {
        serde_json::to_writer(&mut *out, value)?;
    }
    writeln!(out)
}

/// One compact JSON line.
pub fn line(out: &mut impl Write, value: &Value) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// The out-parameter of a result that holds its list: the paging `list`, else the first
/// out-parameter (in spec order) whose value is an array.
pub fn list_key<'m>(method: &'m MethodSpec, result: &Value) -> Option<&'m str> {
    if let Some(paging) = &method.paging
        && result.get(&paging.list).is_some_and(Value::is_array)
    {
        return Some(&paging.list);
    }
    method
        .result
        .iter()
        .find(|s| result.get(&s.name).is_some_and(Value::is_array))
        .map(|s| s.name.as_str())
}

/// The fields of the items of a method's list, in spec order (for column order).
pub fn item_fields<'a>(api: &'a ApiSpec, method: &'a MethodSpec, key: &str) -> Vec<&'a str> {
    method
        .result
        .iter()
        .find(|s| s.name == key)
        .and_then(|slot| match api.shape(&slot.ty) {
            Shape::List(of) => match api.shape(of) {
                Shape::Struct(_, fields) => Some(fields.iter().map(|f| f.name.as_str()).collect()),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_default()
}

/// A table of `items`: the chosen columns, or the first scalar fields present (in
/// `order`, then in the order met); the second value says how many scalar columns were
/// left out.
pub fn table(items: &[Value], columns: Option<&[String]>, order: &[&str]) -> (String, usize) {
    if items.iter().all(|i| !i.is_object()) {
        let rows: Vec<Vec<String>> = items.iter().map(|i| vec![cell(Some(i))]).collect();
        return (render(&["VALUE".to_owned()], &rows), 0);
    }
    let (columns, hidden) = match columns {
        Some(chosen) => (chosen.to_vec(), 0),
        None => {
            let mut found: Vec<String> = Vec::new();
            let mut note = |key: &str| {
                if !found.iter().any(|f| f == key) {
                    found.push(key.to_owned());
                }
            };
            for key in order {
                if items.iter().any(|i| i.get(*key).is_some_and(is_scalar)) {
                    note(key);
                }
            }
            for item in items {
                if let Value::Object(map) = item {
                    for (key, v) in map {
                        if is_scalar(v) {
                            note(key);
                        }
                    }
                }
            }
            let hidden = found.len().saturating_sub(DEFAULT_COLUMNS);
            found.truncate(DEFAULT_COLUMNS);
            (found, hidden)
        }
    };
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| columns.iter().map(|c| cell(dotted(item, c))).collect())
        .collect();
    let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
    (render(&header, &rows), hidden)
}

/// A result that is not a list, as `KEY VALUE` rows of its scalar leaves (dotted keys).
pub fn key_values(result: &Value) -> String {
    let mut rows = Vec::new();
    flatten("", result, &mut rows);
    render(&["KEY".to_owned(), "VALUE".to_owned()], &rows)
}

fn flatten(prefix: &str, value: &Value, rows: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, v, rows);
            }
        }
        other => rows.push(vec![printable(prefix), cell(Some(other))]),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn dotted<'v>(item: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(item, |v, key| v.get(key))
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "-".into(),
        Some(Value::String(s)) if s.is_empty() => "-".into(),
        Some(Value::String(s)) => printable(s),
        Some(other) => printable(&other.to_string()),
    }
}

fn render(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The text with control characters escaped, so that a value cannot move the cursor or
/// change colours of the terminal.
fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// `{"list": [...]}` items as a slice, or none.
pub fn items_of<'v>(result: &'v Value, key: &str) -> &'v [Value] {
    result
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// An empty JSON object.
pub fn empty() -> Value {
    Value::Object(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_show_scalar_columns_in_spec_order() {
        let items = [
            json!({"ip": "192.0.2.1", "hostname": "a", "user": {"name": "u"}}),
            json!({"ip": "192.0.2.2", "hostname": "b\u{1b}[31m", "extra": 1}),
        ];
        let (text, hidden) = table(&items, None, &["hostname", "ip"]);
        assert_eq!(
            text,
            "HOSTNAME     IP         EXTRA\na            192.0.2.1  -\nb\\u{1b}[31m  192.0.2.2  1\n"
        );
        assert_eq!(hidden, 0);
        let chosen = ["user.name".to_owned()];
        let (text, _) = table(&items, Some(&chosen), &[]);
        assert_eq!(text, "USER.NAME\nu\n-\n");
        assert_eq!(
            key_values(&json!({"info": {"version": "9.4", "ok": true}})),
            "KEY           VALUE\ninfo.ok       true\ninfo.version  9.4\n"
        );
    }
}
