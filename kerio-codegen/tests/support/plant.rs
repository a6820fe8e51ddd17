//! Planting a value somewhere in a JSON document, for the property tests of the
//! sanitizer here and in xtask (which includes this file by path).

use serde_json::{Value, json};

/// Puts `(key, v)` into the first object along a path chosen by `pick`, wrapping
/// `target` in one when it has none.
pub fn plant(target: &mut Value, key: &str, v: Value, pick: &[usize]) {
    // Choose the path without holding a borrow, then edit there.
    let mut pointer = String::new();
    let mut at: &Value = target;
    for p in pick {
        let next = match at {
            Value::Object(m) if !m.is_empty() => m
                .iter()
                .nth(p % m.len())
                .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v)),
            Value::Array(a) if !a.is_empty() => {
                let i = p % a.len();
                Some((i.to_string(), &a[i]))
            }
            _ => None,
        };
        match next {
            Some((token, n)) if n.is_object() || n.is_array() => {
                pointer.push('/');
                pointer.push_str(&token);
                at = n;
            }
            _ => break,
        }
    }
    match target.pointer_mut(&pointer) {
        Some(Value::Object(m)) => {
            m.insert(key.to_owned(), v);
        }
        Some(Value::Array(a)) => a.push(json!({ key: v })),
        Some(other) => *other = json!({ key: v }),
        None => *target = json!({ key: v }),
    }
}
