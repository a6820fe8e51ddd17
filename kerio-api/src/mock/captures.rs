//! Replies replayed from captured exchanges (HAR files, as `api-spec/captures` holds).

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

/// Captured results by endpoint path and method, in file order.
#[derive(Debug, Default)]
pub(crate) struct Captures {
    by_method: HashMap<(String, String), Vec<(Value, Value)>>,
}

impl Captures {
    /// Reads every `.har` file of a folder (not its subfolders). A file that is not a
    /// HAR is an error naming it; entries that are not JSON-RPC calls with a `result`
    /// are skipped.
    pub fn load(dir: &Path) -> Result<Captures, String> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the captures folder {}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "har"))
            .collect();
        paths.sort();
        let mut captures = Captures::default();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let har: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not a HAR file: {e}", path.display()))?;
            let Some(entries) = har.pointer("/log/entries").and_then(Value::as_array) else {
                return Err(format!("{} has no log.entries", path.display()));
            };
            for entry in entries {
                captures.add(entry);
            }
        }
        Ok(captures)
    }

    fn add(&mut self, entry: &Value) {
        let text = |pointer: &str| entry.pointer(pointer).and_then(Value::as_str);
        let (Some(url), Some(request), Some(response)) = (
            text("/request/url"),
            text("/request/postData/text"),
            text("/response/content/text"),
        ) else {
            return;
        };
        let (Ok(request), Ok(response)) = (
            serde_json::from_str::<Value>(request),
            serde_json::from_str::<Value>(response),
        ) else {
            return;
        };
        let (Some(method), Some(result)) = (
            request.get("method").and_then(Value::as_str),
            response.get("result"),
        ) else {
            return;
        };
        let path = url_path(url);
        let params = request.get("params").cloned().unwrap_or(Value::Null);
        self.by_method
            .entry((path, method.to_owned()))
            .or_default()
            .push((params, result.clone()));
    }

    /// The captured result of a call: the one with the same params, else the first of
    /// the method.
    pub fn find(&self, path: &str, method: &str, params: &Value) -> Option<&Value> {
        let found = self.by_method.get(&(path.to_owned(), method.to_owned()))?;
        let empty = |v: &Value| v.is_null() || v.as_object().is_some_and(|o| o.is_empty());
        found
            .iter()
            .find(|(p, _)| p == params || (empty(p) && empty(params)))
            .or_else(|| found.first())
            .map(|(_, result)| result)
    }

    /// True when nothing was captured.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.by_method.is_empty()
    }
}

/// The path of a URL, without scheme, host and query.
fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or("/").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_captures_load_and_match_by_params_first() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/captures");
        let captures = Captures::load(&dir).expect("sample captures");
        assert!(!captures.is_empty());
        let (key, found) = captures.by_method.iter().next().expect("one method");
        let (params, result) = &found[0];
        assert_eq!(captures.find(&key.0, &key.1, params), Some(result));
    }

    #[test]
    fn url_paths_drop_host_and_query() {
        assert_eq!(
            url_path("https://fw:4081/admin/api/jsonrpc/?x=1"),
            "/admin/api/jsonrpc/"
        );
    }
}
