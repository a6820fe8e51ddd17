//! Which API a call belongs to: every path the spec manifests name (`path` and
//! `alternativePaths`), and where several APIs share a path (Kerio Control, Connect
//! and Operator all serve `/admin/api/jsonrpc/`), what tells them apart: the method names
//! each API knows alone, then the port of the URL.

use std::collections::{BTreeMap, BTreeSet};

use super::{MethodObs, Pending};
use crate::spec::{Api, Role};

/// One API's endpoint paths.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The API name (`admin`).
    pub api: String,
    /// URL paths that reach it, each ending with `/`.
    pub paths: Vec<String>,
    /// `Interface.method` of its batch method, whose commands are unpacked.
    pub batch: Option<String>,
    /// Its default port.
    pub port: u16,
    /// The `Interface.method` names its spec knows.
    pub methods: BTreeSet<String>,
}

/// Where a call goes.
#[derive(Debug, Clone, Copy)]
pub enum Route<'a> {
    /// The one API served at the call's path.
    One(&'a Endpoint),
    /// Several APIs share the path: decided once every call of the same origin is read.
    Shared(&'a [usize]),
}

/// Maps URL paths to APIs.
#[derive(Debug, Clone, Default)]
pub struct Router {
    pub(super) endpoints: Vec<Endpoint>,
    /// Indexes of the endpoints serving each path.
    by_path: BTreeMap<String, Vec<usize>>,
}

fn with_slash(p: &str) -> String {
    if p.ends_with('/') {
        p.to_owned()
    } else {
        format!("{p}/")
    }
}

impl Router {
    /// Routes to the APIs of a spec set: each manifest's `path` and its
    /// `alternativePaths`.
    pub fn new(apis: &[Api]) -> Self {
        let endpoints = apis
            .iter()
            .map(|api| {
                let paths = api.manifest.paths().map(with_slash).collect();
                let batch = api.interfaces.iter().find_map(|i| {
                    i.methods
                        .iter()
                        .find(|m| m.role == Some(Role::Batch))
                        .map(|m| format!("{}.{}", i.name, m.name))
                });
                Endpoint {
                    api: api.manifest.name.clone(),
                    paths,
                    batch,
                    port: api.manifest.port,
                    methods: api
                        .interfaces
                        .iter()
                        .flat_map(|i| {
                            i.methods
                                .iter()
                                .map(move |m| format!("{}.{}", i.name, m.name))
                        })
                        .collect(),
                }
            })
            .collect();
        Router::from_endpoints(endpoints)
    }

    pub(super) fn from_endpoints(endpoints: Vec<Endpoint>) -> Self {
        let mut by_path: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in endpoints.iter().enumerate() {
            for p in &e.paths {
                by_path.entry(p.clone()).or_default().push(i);
            }
        }
        Router { endpoints, by_path }
    }

    /// Where a call to a URL path goes.
    pub fn route(&self, path: &str) -> Option<Route<'_>> {
        match self.by_path.get(&with_slash(path))?.as_slice() {
            [] => None,
            [one] => self.endpoints.get(*one).map(Route::One),
            several => Some(Route::Shared(several)),
        }
    }

    /// The batch method of a shared path: the one its APIs agree on, if any (its
    /// commands are unpacked like those of a path served by one API).
    pub fn shared_batch(&self, indexes: &[usize]) -> Option<&str> {
        let mut batches = indexes.iter().map(|&i| self.endpoints[i].batch.as_deref());
        let first = batches.next()??;
        batches.all(|b| b == Some(first)).then_some(first)
    }

    /// Gives every call read at a shared path to one API: the API that alone knows the
    /// methods called at that origin, else the one whose default port the origin uses,
    /// else `fallback` (the API the user named) when it serves the path. Calls that stay
    /// undecided, or whose methods point at two APIs, are refused: one line each.
    pub fn resolve(
        &self,
        pending: BTreeMap<String, Pending>,
        apis: &mut BTreeMap<String, BTreeMap<String, MethodObs>>,
        fallback: Option<&str>,
    ) -> Vec<String> {
        let mut refused = Vec::new();
        for (key, bucket) in pending {
            let candidates: Vec<&Endpoint> = bucket
                .candidates
                .iter()
                .filter_map(|&i| self.endpoints.get(i))
                .collect();
            let names: Vec<&str> = candidates.iter().map(|e| e.api.as_str()).collect();
            let calls: u64 = bucket.methods.values().map(|m| m.calls).sum();
            if calls == 0 {
                continue;
            }
            // Methods that only one of the candidates knows vote for it.
            let mut votes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for m in bucket.methods.keys() {
                let knowing: Vec<&Endpoint> = candidates
                    .iter()
                    .copied()
                    .filter(|e| e.methods.contains(m))
                    .collect();
                if let [one] = knowing.as_slice() {
                    votes.entry(one.api.as_str()).or_default().push(m);
                }
            }
            let by_port: Vec<&str> = candidates
                .iter()
                .filter(|e| Some(e.port) == bucket.port)
                .map(|e| e.api.as_str())
                .collect();
            let chosen = match votes.len() {
                1 => votes.keys().next().copied(),
                0 => match by_port.as_slice() {
                    [one] => Some(*one),
                    _ => fallback.filter(|f| names.contains(f)),
                },
                _ => {
                    let mixed: Vec<String> = votes
                        .iter()
                        .map(|(api, ms)| format!("{} only `{api}` knows", ms.join(", ")))
                        .collect();
                    refused.push(format!(
                        "{calls} call{} to {key} refused: the methods called there belong to several APIs ({}); capture one product per origin",
                        plural(calls),
                        mixed.join("; ")
                    ));
                    continue;
                }
            };
            match chosen {
                Some(api) => {
                    let mine = apis.entry(api.to_owned()).or_default();
                    for (m, o) in bucket.methods {
                        mine.entry(m).or_default().absorb(o);
                    }
                }
                None => refused.push(format!(
                    "{calls} call{} to {key} refused: {} all serve this path and nothing in these calls tells them apart (no method only one of them knows, and port {} is the default of {}); name the API with --api {}",
                    plural(calls),
                    names.join(", "),
                    bucket.port.map_or_else(|| "unknown".to_owned(), |p| p.to_string()),
                    if by_port.is_empty() { "none of them".to_owned() } else { by_port.join(" and ") },
                    names.join("|"),
                )),
            }
        }
        refused
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// True for paths that look like a JSON-RPC endpoint (to report those no API serves).
pub fn looks_like_jsonrpc(path: &str) -> bool {
    path.trim_end_matches('/').ends_with("/api/jsonrpc")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::observe::tests::api_at;

    #[test]
    fn routes_every_path_the_manifest_names() {
        let r = Router::new(&[
            api_at("admin", "/admin/api/jsonrpc/", &[]),
            api_at("stats", "/client/api/jsonrpc/", &["/other/api/jsonrpc"]),
        ]);
        let one = |path: &str| match r.route(path) {
            Some(Route::One(e)) => Some(e.api.clone()),
            _ => None,
        };
        assert_eq!(one("/other/api/jsonrpc").as_deref(), Some("stats"));
        assert_eq!(one("/client/api/jsonrpc/").as_deref(), Some("stats"));
        assert_eq!(one("/admin/api/jsonrpc").as_deref(), Some("admin"));
        // A path no manifest names is not served, however familiar.
        assert!(r.route("/lib/api/jsonrpc/").is_none());
        assert!(looks_like_jsonrpc("/admin/api/jsonrpc/"));
        assert!(!looks_like_jsonrpc("/admin/api/jsonrpc/upload/"));
    }
}
