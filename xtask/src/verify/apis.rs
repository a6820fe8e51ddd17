//! The APIs of kerio-api a capture can call: their endpoint paths, batch method and the
//! generated contract check, all taken from the compiled crate, so verify judges a
//! capture by exactly the types a client would decode it with.

use kerio_api::Api;
use kerio_api::contract::Report;
use serde_json::Value;

/// A generated `__contract::check`.
pub type CheckFn = fn(&str, &Value, Option<&Value>) -> Option<Report>;

/// One API of kerio-api.
#[derive(Debug, Clone)]
pub struct Target {
    /// Short name (`admin`).
    pub name: &'static str,
    /// URL paths that reach it, each ending with `/`.
    pub paths: Vec<String>,
    /// `Interface.method` of its batch method, whose commands are checked one by one.
    pub batch: Option<&'static str>,
    /// Decodes one call through the generated types.
    pub check: CheckFn,
}

fn with_slash(p: &str) -> String {
    if p.ends_with('/') {
        p.to_owned()
    } else {
        format!("{p}/")
    }
}

fn target<A: Api>(check: CheckFn) -> Target {
    // The manifest's `path` and `alternativePaths`, as generated into the crate.
    let paths = std::iter::once(A::DEFAULT_PATH)
        .chain(A::ALTERNATIVE_PATHS.iter().copied())
        .map(with_slash)
        .collect();
    Target {
        name: A::NAME,
        paths,
        batch: A::BATCH_METHOD,
        check,
    }
}

/// Every API kerio-api was generated with.
pub fn targets() -> Vec<Target> {
    vec![
        target::<kerio_api::admin::Admin>(kerio_api::admin::__contract::check),
        target::<kerio_api::stats::Stats>(kerio_api::stats::__contract::check),
    ]
}

/// The API served at a URL path.
pub fn route<'a>(targets: &'a [Target], path: &str) -> Option<&'a Target> {
    let path = with_slash(path);
    targets.iter().find(|t| t.paths.contains(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths come from the spec manifests the crate was generated from.
    #[test]
    fn routes_every_path_of_the_manifests() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
        let apis = kerio_codegen::load::load_root(&root).expect("spec set loads");
        let t = targets();
        assert_eq!(t.len(), apis.len());
        for api in &apis {
            for path in api.manifest.paths() {
                assert_eq!(
                    route(&t, path).map(|t| t.name),
                    Some(api.manifest.name.as_str()),
                    "{path}"
                );
            }
        }
    }

    #[test]
    fn routes_both_statistics_paths_and_the_admin_path() {
        let t = targets();
        assert_eq!(
            route(&t, "/admin/api/jsonrpc").map(|t| t.name),
            Some("admin")
        );
        assert_eq!(
            route(&t, "/lib/api/jsonrpc/").map(|t| t.name),
            Some("stats")
        );
        assert_eq!(
            route(&t, "/client/api/jsonrpc/").map(|t| t.name),
            Some("stats")
        );
        assert!(route(&t, "/admin/api/jsonrpc/upload/").is_none());
        assert!(t.iter().all(|t| t.batch.is_some()));
    }
}
