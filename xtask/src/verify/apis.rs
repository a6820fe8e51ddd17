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
    /// Its default port: what tells apart APIs sharing a path when the method does not.
    pub port: u16,
    /// Named with `--api`: takes the calls to a shared path nothing else decides.
    pub preferred: bool,
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
        port: A::DEFAULT_PORT,
        preferred: false,
        check,
    }
}

/// Every API kerio-api was generated with; `preferred` (an API name, from `--api`) takes
/// the calls to a shared path that nothing else decides. An unknown name is an error.
pub fn targets(preferred: Option<&str>) -> Result<Vec<Target>, String> {
    use kerio_api::{connect, operator};
    let mut all = vec![
        target::<kerio_api::admin::Admin>(kerio_api::admin::__contract::check),
        target::<kerio_api::stats::Stats>(kerio_api::stats::__contract::check),
        target::<connect::admin::ConnectAdmin>(connect::admin::__contract::check),
        target::<connect::client::ConnectClient>(connect::client::__contract::check),
        target::<operator::admin::OperatorAdmin>(operator::admin::__contract::check),
    ];
    if let Some(name) = preferred {
        match all.iter_mut().find(|t| t.name == name) {
            Some(t) => t.preferred = true,
            None => {
                let known: Vec<&str> = all.iter().map(|t| t.name).collect();
                return Err(format!(
                    "--api {name}: no API of that name (expected one of: {})",
                    known.join(", ")
                ));
            }
        }
    }
    Ok(all)
}

/// The APIs served at a URL path (several when products share it).
pub fn route<'a>(targets: &'a [Target], path: &str) -> Vec<&'a Target> {
    let path = with_slash(path);
    targets.iter().filter(|t| t.paths.contains(&path)).collect()
}

/// Which of the APIs sharing a path a call of `method` on `port` belongs to: the one
/// whose types know the method, else the one whose default port it is, else the one
/// named with `--api`; `Err` with the reason when nothing decides.
pub fn decide<'a>(
    candidates: &[&'a Target],
    method: &str,
    port: Option<u16>,
) -> Result<&'a Target, String> {
    let knowing: Vec<&Target> = candidates
        .iter()
        .copied()
        .filter(|t| (t.check)(method, &Value::Null, None).is_some())
        .collect();
    if let [one] = knowing.as_slice() {
        return Ok(one);
    }
    let pool = if knowing.is_empty() {
        candidates.to_vec()
    } else {
        knowing
    };
    let by_port: Vec<&Target> = pool
        .iter()
        .copied()
        .filter(|t| Some(t.port) == port)
        .collect();
    if let [one] = by_port.as_slice() {
        return Ok(one);
    }
    if let Some(t) = pool.iter().find(|t| t.preferred) {
        return Ok(t);
    }
    let names: Vec<&str> = pool.iter().map(|t| t.name).collect();
    Err(format!(
        "{} serve this path and neither the method nor the port tells which; name the API with --api {}",
        names.join(", "),
        names.join("|")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths come from the spec manifests the crate was generated from.
    #[test]
    fn routes_every_path_of_the_manifests() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
        let apis = kerio_codegen::load::load_root(&root).expect("spec set loads");
        let t = targets(None).expect("targets");
        assert_eq!(t.len(), apis.len());
        for api in &apis {
            for path in api.manifest.paths() {
                assert!(
                    route(&t, path).iter().any(|t| t.name == api.manifest.name),
                    "{path}"
                );
            }
        }
    }

    #[test]
    fn routes_both_statistics_paths_and_the_admin_path() {
        let t = targets(None).expect("targets");
        assert_eq!(
            decide(
                &route(&t, "/admin/api/jsonrpc"),
                "ActiveHosts.get",
                Some(4081)
            )
            .ok()
            .map(|t| t.name),
            Some("admin")
        );
        assert_eq!(
            route(&t, "/lib/api/jsonrpc/").first().map(|t| t.name),
            Some("stats")
        );
        assert_eq!(
            route(&t, "/client/api/jsonrpc/").first().map(|t| t.name),
            Some("stats")
        );
        assert!(route(&t, "/admin/api/jsonrpc/upload/").is_empty());
        let control: Vec<&Target> = t
            .iter()
            .filter(|t| t.name == "admin" || t.name == "stats")
            .collect();
        assert!(control.iter().all(|t| t.batch.is_some()));
    }

    #[test]
    fn a_shared_path_is_decided_by_method_then_port_then_the_named_api() {
        let t = targets(None).expect("targets");
        let shared = route(&t, "/admin/api/jsonrpc/");
        let name = |r: Result<&Target, String>| r.map(|t| t.name);
        // Methods only one product has.
        assert_eq!(name(decide(&shared, "ActiveHosts.get", None)), Ok("admin"));
        assert_eq!(
            name(decide(&shared, "Queue.get", Some(4081))),
            Ok("connect-admin")
        );
        // Both have `Session.login`: the port tells.
        assert_eq!(
            name(decide(&shared, "Session.login", Some(4040))),
            Ok("connect-admin")
        );
        assert_eq!(
            name(decide(&shared, "Session.login", Some(4081))),
            Ok("admin")
        );
        let undecided = decide(&shared, "Session.login", Some(8443));
        assert!(
            undecided
                .as_ref()
                .is_err_and(|e| e.contains("name the API with --api admin|connect-admin")),
            "{undecided:?}"
        );
        let named = targets(Some("connect-admin")).expect("targets");
        let shared = route(&named, "/admin/api/jsonrpc/");
        assert_eq!(
            name(decide(&shared, "Session.login", Some(8443))),
            Ok("connect-admin")
        );
        assert!(targets(Some("nosuch")).is_err());
    }
}
