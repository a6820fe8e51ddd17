//! The members of a HAR file other than its entries: of `log`, its version, creator,
//! browser, pages and provenance marker; nothing of the top-level object but `log`.

use serde_json::Value;

use super::entry::{date, number, rebuild, text, url, word};
use super::{Dropped, Found};
use crate::learn::har::Provenance;

/// What of `log.comment` is kept: the provenance marker (`kerio-capture: recorded`),
/// nothing else.
fn comment(v: &Value) -> Option<Value> {
    match Provenance::of_comment(v.as_str()?) {
        Provenance::Unknown => None,
        kind => Some(Value::String(format!(
            "{}{}",
            Provenance::MARKER,
            kind.as_str()
        ))),
    }
}

/// A member of `log` (`log: true`) or of the top-level object, rebuilt; `None` when it
/// is dropped (and counted).
pub(super) fn member(log: bool, key: &str, v: Value, found: &mut Found<'_>) -> Option<Value> {
    let kept = match key {
        "version" if log => word(v),
        "creator" | "browser" if log => {
            Ok(Value::Object(rebuild(v, found, |k, x, found| match k {
                "name" | "version" => text(x, found),
                _ => Err(x),
            })))
        }
        "pages" if log => Ok(pages(v, found)),
        "comment" if log => {
            let kept = comment(&v);
            if kept.as_ref() != Some(&v) {
                found.drop(Dropped::Comment, 1, &v);
            }
            return kept;
        }
        _ => Err(v),
    };
    match kept {
        Ok(kept) => Some(kept),
        Err(v) => {
            let kind = if key == "comment" {
                Dropped::Comment
            } else if key.starts_with('_') {
                Dropped::Extra
            } else {
                Dropped::Other
            };
            found.drop(kind, 1, &v);
            None
        }
    }
}

/// Pages: ids, starts and timings; a title only when it is a URL.
fn pages(v: Value, found: &mut Found<'_>) -> Value {
    let Value::Array(list) = v else {
        found.drop(Dropped::Other, 1, &v);
        return Value::Array(Vec::new());
    };
    let mut out = Vec::new();
    for page in list {
        let kept = rebuild(page, found, |k, x, found| match k {
            "id" => word(x),
            "startedDateTime" => date(x),
            "title" => match x.as_str() {
                Some("") => Ok(x),
                Some(s) if s.starts_with("http://") || s.starts_with("https://") => url(x, found),
                Some(_) => {
                    found.drop(Dropped::Title, 1, &x);
                    Ok(Value::String(String::new()))
                }
                None => Err(x),
            },
            "pageTimings" => Ok(Value::Object(rebuild(x, found, |k, t, _| match k {
                "onContentLoad" | "onLoad" => number(t),
                _ => Err(t),
            }))),
            _ => Err(x),
        });
        out.push(Value::Object(kept));
    }
    Value::Array(out)
}
