//! Which API a URL path belongs to: every path the spec manifests name (`path` and
//! `alternativePaths`).

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
}

/// Maps URL paths to APIs.
#[derive(Debug, Clone, Default)]
pub struct Router {
    pub(super) endpoints: Vec<Endpoint>,
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
                }
            })
            .collect();
        Router { endpoints }
    }

    /// The API a URL path belongs to.
    pub fn route(&self, path: &str) -> Option<&Endpoint> {
        let path = with_slash(path);
        self.endpoints.iter().find(|e| e.paths.contains(&path))
    }
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
        assert_eq!(
            r.route("/other/api/jsonrpc").map(|e| e.api.as_str()),
            Some("stats")
        );
        assert_eq!(
            r.route("/client/api/jsonrpc/").map(|e| e.api.as_str()),
            Some("stats")
        );
        assert_eq!(
            r.route("/admin/api/jsonrpc").map(|e| e.api.as_str()),
            Some("admin")
        );
        // A path no manifest names is not served, however familiar.
        assert!(r.route("/lib/api/jsonrpc/").is_none());
        assert!(looks_like_jsonrpc("/admin/api/jsonrpc/"));
        assert!(!looks_like_jsonrpc("/admin/api/jsonrpc/upload/"));
    }
}
