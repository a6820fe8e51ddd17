//! Dropping the learned items the spec set cannot hold (a name that collides with
//! another once converted to Rust, a name the loader refuses), so that one odd key does
//! not stop everything else from being learned.

use serde_json::Value;

use super::specs::ApiSpec;
use crate::diag::Diagnostics;

/// Members whose children are items a capture can add.
const ITEM_LISTS: [&str; 7] = [
    "params",
    "result",
    "fields",
    "values",
    "methods",
    "interfaces",
    "types",
];

/// Removes from `api`'s files, for each diagnostic, the learned item it points into (an
/// item its file did not have before learning). Returns one warning per removed item,
/// or `None` when a diagnostic points at nothing learned (then nothing is removed).
pub(crate) fn drop_learned(api: &mut ApiSpec, diags: &Diagnostics) -> Option<Vec<String>> {
    let mut targets: Vec<(usize, String, String)> = Vec::new();
    for d in &diags.0 {
        let file = api.files.iter().position(|f| f.rel == d.file)?;
        let f = &api.files[file];
        let original: Option<Value> = f
            .original
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok());
        let items = match learned_item(&f.value, original.as_ref(), &d.pointer)
            .or_else(|| learned_partner(&f.value, original.as_ref(), &d.pointer, &d.message))
        {
            Some(item) => vec![item],
            None => {
                let mut inside = Vec::new();
                learned_inside(&f.value, original.as_ref(), &d.pointer, &mut inside);
                inside
            }
        };
        if items.is_empty() {
            return None;
        }
        targets.extend(items.into_iter().map(|i| (file, i, d.message.clone())));
    }
    // Deepest and last first, so removing one array element does not move another.
    targets.sort_by_key(|t| std::cmp::Reverse((t.0, item_key(&t.1))));
    targets.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut warnings = Vec::new();
    for (file, pointer, message) in targets {
        let f = &mut api.files[file];
        if remove(&mut f.value, &pointer) {
            warnings.push(format!(
                "{}{pointer}: {message}; this item is not learned, the rest is",
                f.rel
            ));
        }
    }
    (!warnings.is_empty()).then_some(warnings)
}

/// Sort key of a pointer: its tokens, numbers compared as numbers.
fn item_key(pointer: &str) -> Vec<(u64, String)> {
    pointer
        .split('/')
        .map(|t| (t.parse::<u64>().unwrap_or(u64::MAX), t.to_owned()))
        .collect()
}

/// The longest prefix of `pointer` that names an item (a child of one of
/// [`ITEM_LISTS`]) present in `value` and absent from the file's original text.
fn learned_item(value: &Value, original: Option<&Value>, pointer: &str) -> Option<String> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    (1..tokens.len()).rev().find_map(|n| {
        let parent = unescape_pointer_token(tokens[n - 1]);
        if !ITEM_LISTS.contains(&parent.as_str()) {
            return None;
        }
        let prefix: String = tokens[..=n].iter().map(|t| format!("/{t}")).collect();
        let new = original
            .as_ref()
            .is_none_or(|o| o.pointer(&prefix).is_none());
        (new && value.pointer(&prefix).is_some()).then_some(prefix)
    })
}

/// When a diagnostic points at an item the file had before (a collision is reported at
/// whichever of the two comes later), the learned sibling it names: the learned item of
/// the same list whose name is quoted in `message` (`Get` in "method `Hosts.get`
/// collides with `Get` in Rust").
fn learned_partner(
    value: &Value,
    original: Option<&Value>,
    pointer: &str,
    message: &str,
) -> Option<String> {
    let (list, _) = pointer.rsplit_once('/')?;
    let parent = unescape_pointer_token(list.rsplit_once('/')?.1);
    if !ITEM_LISTS.contains(&parent.as_str()) {
        return None;
    }
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let named = |name: &str| {
        quoted
            .iter()
            .any(|q| *q == name || q.rsplit_once('.').is_some_and(|(_, last)| last == name))
    };
    let candidates: Vec<(String, String)> = match value.pointer(list)? {
        Value::Object(map) => map
            .keys()
            .map(|k| (k.clone(), crate::json::escape_pointer_token(k)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let name = v.get("name").or_else(|| v.get("value"))?.as_str()?;
                Some((name.to_owned(), i.to_string()))
            })
            .collect(),
        _ => return None,
    };
    candidates.into_iter().find_map(|(name, token)| {
        let at = format!("{list}/{token}");
        let new = original.is_none_or(|o| o.pointer(&at).is_none());
        (new && at != pointer && named(&name)).then_some(at)
    })
}

/// When a diagnostic points at an item the file had before and no learned sibling is
/// named (a login method that a learned out-parameter no longer fits), every item
/// learned inside it.
fn learned_inside(value: &Value, original: Option<&Value>, pointer: &str, out: &mut Vec<String>) {
    let Some(Value::Object(map)) = value.pointer(pointer) else {
        return;
    };
    for (key, list) in map {
        if !ITEM_LISTS.contains(&key.as_str()) {
            continue;
        }
        let base = format!("{pointer}/{}", crate::json::escape_pointer_token(key));
        let children: Vec<String> = match list {
            Value::Object(m) => m
                .keys()
                .map(|k| crate::json::escape_pointer_token(k))
                .collect(),
            Value::Array(items) => (0..items.len()).map(|i| i.to_string()).collect(),
            _ => continue,
        };
        for child in children {
            let at = format!("{base}/{child}");
            if original.is_none_or(|o| o.pointer(&at).is_none()) {
                out.push(at);
            } else {
                learned_inside(value, original, &at, out);
            }
        }
    }
}

/// A JSON pointer token as the key it stands for (RFC 6901).
fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn remove(value: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let last = unescape_pointer_token(last);
    match value.pointer_mut(parent) {
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        Some(Value::Object(map)) => map.remove(&last).is_some(),
        _ => false,
    }
}
