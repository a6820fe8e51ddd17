//! Tolerant decoding: a reply field that does not fit the spec costs that field, not the
//! call.
//!
//! Replies are decoded strictly first, straight from the bytes (the fast path, see
//! `wire`). Only when that fails is the result parsed into a `serde_json::Value` and
//! decoded again, and again: each attempt names the value that does not fit (with
//! `serde_path_to_error`), which is removed before the next one. This relies only on
//! "a missing key decodes" (every generated field defaults when missing): a misfit field
//! becomes `None`, a misfit list item is dropped while the rest of its list is kept, and
//! a list left with no item is removed as a whole. Each misfit is reported once per
//! session and method, as a [`SpecDrift`] with its JSON path and the JSON kind found,
//! never the value.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// How many values one reply may lose before its decode fails as a whole: each attempt
/// decodes the whole result again, so a reply that misfits everywhere is not worth it.
const MAX_REPAIRS: usize = 256;

/// A value of a reply that did not fit the method's result type and was decoded as
/// missing; see [`Session::spec_drift`](crate::Session::spec_drift).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SpecDrift {
    /// The JSON-RPC method whose reply held the value.
    pub method: &'static str,
    /// JSON path of the value from the reply, list positions left out:
    /// `result.list[].hostname` (every item of `list`).
    pub path: String,
    /// The kind of JSON value found there: "a string", "an object", "null"...
    pub found: &'static str,
}

impl fmt::Display for SpecDrift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: `{}` holds {}, which does not fit the spec; decoded as missing",
            self.method, self.path, self.found
        )
    }
}

/// The drift a session met, each (method, path) once.
#[derive(Default)]
pub(crate) struct DriftLog {
    seen: Mutex<Vec<SpecDrift>>,
}

impl DriftLog {
    /// Keeps a drift, with a warning, unless the same method and path drifted before.
    pub(crate) fn record(&self, drift: SpecDrift) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen
            .iter()
            .any(|d| d.method == drift.method && d.path == drift.path)
        {
            return;
        }
        tracing::warn!(
            method = drift.method,
            path = %drift.path,
            found = drift.found,
            "a reply value does not fit the spec; decoded as missing"
        );
        seen.push(drift);
    }

    pub(crate) fn list(&self) -> Vec<SpecDrift> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Decodes the `result` of `method` as `W`, removing the values that do not fit; reports
/// each removed value to `log` with its path from `result`. `None` when the result
/// cannot be repaired (the result itself does not fit, or too many values do).
pub(crate) fn decode_tolerant<W: DeserializeOwned>(
    method: &'static str,
    mut result: Value,
    log: &DriftLog,
) -> Option<W> {
    let mut found = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let error = match serde_path_to_error::deserialize::<_, W>(&result) {
            Ok(decoded) => {
                for (path, kind) in found {
                    log.record(SpecDrift {
                        method,
                        path,
                        found: kind,
                    });
                }
                return Some(decoded);
            }
            Err(error) => error,
        };
        let steps = steps(error.path());
        let (path, kind) = remove(&mut result, &steps)?;
        found.push((path, kind));
    }
    None
}

/// Every value of `value` that does not fit `W`, in the order the repair loop of
/// [`decode_tolerant`] meets them: (path with list positions, decoder message). For
/// strict checks that list every misfit instead of the first (`cargo xtask verify`).
/// After a list item that does not fit at all, positions count the items left.
#[cfg(feature = "contract")]
pub(crate) fn misfits<W: DeserializeOwned>(mut value: Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let Err(error) = serde_path_to_error::deserialize::<_, W>(&value) else {
            break;
        };
        found.push((error.path().to_string(), error.inner().to_string()));
        if remove(&mut value, &steps(error.path())).is_none() {
            break;
        }
    }
    found
}

/// The steps of an error path, up to the first one that cannot be followed.
fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .map_while(|segment| match segment {
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// Removes the value at `steps` (a list left empty goes with its last item); returns
/// the path of what was removed, list positions left out, and its kind.
fn remove(root: &mut Value, steps: &[Step]) -> Option<(String, &'static str)> {
    let (last, parents) = steps.split_last()?;
    let parent = parents
        .iter()
        .try_fold(root as &mut Value, |node, step| match (node, step) {
            (Value::Object(map), Step::Key(key)) => map.get_mut(key),
            (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
            _ => None,
        })?;
    let (removed, emptied) = match (parent, last) {
        (Value::Object(map), Step::Key(key)) => (map.remove(key)?, false),
        (Value::Array(items), Step::Index(index)) if *index < items.len() => {
            let removed = items.remove(*index);
            (removed, items.is_empty())
        }
        _ => return None,
    };
    if emptied {
        // No item of the list fit: the list is not usable, it goes as a whole.
        remove(root, parents)?;
    }
    Some((display_path(steps), json_kind(&removed)))
}

/// The kind of a JSON value, for messages: "a string", "an array"...
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `result.list[].hostname` for the steps `list`, 3, `hostname`.
fn display_path(steps: &[Step]) -> String {
    let mut path = String::from("result");
    for step in steps {
        match step {
            Step::Key(key) => {
                path.push('.');
                path.push_str(key);
            }
            Step::Index(_) => path.push_str("[]"),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug, PartialEq, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Host {
        id: Option<String>,
        connections: Option<i64>,
        user: Option<User>,
    }

    #[derive(Deserialize, Debug, PartialEq, Default)]
    #[serde(default)]
    struct User {
        name: Option<String>,
    }

    #[derive(Deserialize, Debug, PartialEq, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Hosts {
        list: Option<Vec<Host>>,
        total_items: Option<i64>,
    }

    fn host(id: &str, connections: i64) -> Host {
        Host {
            id: Some(id.into()),
            connections: Some(connections),
            user: None,
        }
    }

    fn paths(log: &DriftLog) -> Vec<(String, &'static str)> {
        log.list().into_iter().map(|d| (d.path, d.found)).collect()
    }

    #[test]
    fn a_misfit_field_becomes_none_and_is_reported_once() {
        let log = DriftLog::default();
        let result = json!({"list": [
            {"id": "a", "connections": 1},
            {"id": "b", "connections": "many"},
            {"id": "c", "connections": [3]},
        ], "totalItems": 3});
        let hosts: Hosts = decode_tolerant("ActiveHosts.get", result, &log).unwrap();
        let list = hosts.list.unwrap();
        assert_eq!(list[0], host("a", 1));
        assert_eq!(
            (list[1].id.as_deref(), list[1].connections),
            (Some("b"), None)
        );
        assert_eq!(
            (list[2].id.as_deref(), list[2].connections),
            (Some("c"), None)
        );
        assert_eq!(hosts.total_items, Some(3));
        // Two misfits at the same path: one report (the first kind found).
        assert_eq!(
            paths(&log),
            [("result.list[].connections".to_owned(), "a string")]
        );
    }

    #[test]
    fn misfit_items_are_dropped_and_a_list_of_misfits_goes_whole() {
        let log = DriftLog::default();
        let result =
            json!({"list": [{"id": "a", "connections": 1}, "junk", 7], "totalItems": {"x": 1}});
        let hosts: Hosts = decode_tolerant("ActiveHosts.get", result, &log).unwrap();
        assert_eq!(hosts.list.unwrap(), [host("a", 1)]);
        assert_eq!(hosts.total_items, None);
        assert_eq!(
            paths(&log),
            [
                ("result.list[]".to_owned(), "a string"),
                ("result.totalItems".to_owned(), "an object"),
            ]
        );

        let log = DriftLog::default();
        let hosts: Hosts =
            decode_tolerant("ActiveHosts.get", json!({"list": ["x", "y"]}), &log).unwrap();
        assert_eq!(hosts.list, None);
        assert_eq!(paths(&log), [("result.list[]".to_owned(), "a string")]);
    }

    #[test]
    fn nested_misfits_and_hopeless_results() {
        let log = DriftLog::default();
        let result = json!({"list": [{"id": "a", "user": {"name": 5}}]});
        let hosts: Hosts = decode_tolerant("ActiveHosts.get", result, &log).unwrap();
        assert_eq!(hosts.list.unwrap()[0].user, Some(User { name: None }));
        assert_eq!(
            paths(&log),
            [("result.list[].user.name".to_owned(), "a number")]
        );

        // The result itself does not fit: nothing to repair, nothing reported.
        let log = DriftLog::default();
        assert!(decode_tolerant::<Hosts>("ActiveHosts.get", json!([1, 2]), &log).is_none());
        assert!(log.list().is_empty());
    }

    #[test]
    fn required_fields_take_their_parent_along() {
        #[derive(Deserialize, Debug)]
        struct Strict {
            items: Vec<Named>,
        }
        #[derive(Deserialize, Debug)]
        struct Named {
            #[allow(dead_code)]
            name: String,
        }
        let log = DriftLog::default();
        let result = json!({"items": [{"name": "a"}, {"name": 1}]});
        let strict: Strict = decode_tolerant("X.get", result, &log).unwrap();
        assert_eq!(strict.items.len(), 1);
        assert_eq!(
            paths(&log),
            [
                ("result.items[].name".to_owned(), "a number"),
                ("result.items[]".to_owned(), "an object"),
            ]
        );
    }
}
