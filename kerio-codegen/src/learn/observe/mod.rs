//! Observing captured calls: which API an entry belongs to, which method it calls, and
//! what its params and result looked like (recorded as [`Node`]s, never as values).

pub mod node;
pub mod parse;
mod route;

use std::collections::BTreeMap;

use self::node::Node;
use self::parse::{ParseError, Parser, Stop};
pub use self::route::{Route, Router, looks_like_jsonrpc};
use super::har::entry::{EntryView, Text};

/// Everything seen of one method.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MethodObs {
    /// Requests seen.
    pub calls: u64,
    /// Successful replies.
    pub replies: u64,
    /// Error replies.
    pub errors: u64,
    /// Error replies by code.
    pub error_codes: BTreeMap<i64, u64>,
    /// The `params` objects.
    pub params: Node,
    /// The `result` values of successful replies.
    pub result: Node,
}

impl MethodObs {
    pub(crate) fn absorb(&mut self, o: MethodObs) {
        self.calls += o.calls;
        self.replies += o.replies;
        self.errors += o.errors;
        for (c, n) in o.error_codes {
            *self.error_codes.entry(c).or_default() += n;
        }
        self.params.absorb(o.params);
        self.result.absorb(o.result);
    }
}

/// What was learned, by API name, then by `Interface.method`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Observations {
    /// Method observations.
    pub apis: BTreeMap<String, BTreeMap<String, MethodObs>>,
    /// Calls to paths several APIs serve, by origin and path (`https://h:4040/admin/api/jsonrpc/`),
    /// until [`Router::resolve`] gives each origin's calls to one API.
    pub pending: BTreeMap<String, Pending>,
}

/// The calls read at one origin and path that several APIs serve.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pending {
    /// The router's indexes of the APIs serving the path.
    pub candidates: Vec<usize>,
    /// The port of the origin, when the URL gave one.
    pub port: Option<u16>,
    /// Method observations.
    pub methods: BTreeMap<String, MethodObs>,
}

/// Where the observations of one call go.
enum Target {
    Api(String),
    Pending(String),
}

impl Observations {
    /// Adds everything `other` learned.
    pub fn absorb(&mut self, other: Observations) {
        for (api, methods) in other.apis {
            let mine = self.apis.entry(api).or_default();
            for (m, o) in methods {
                mine.entry(m).or_default().absorb(o);
            }
        }
        for (key, bucket) in other.pending {
            let mine = self.pending.entry(key).or_insert_with(|| Pending {
                candidates: bucket.candidates.clone(),
                port: bucket.port,
                methods: BTreeMap::new(),
            });
            for (m, o) in bucket.methods {
                mine.methods.entry(m).or_default().absorb(o);
            }
        }
    }

    fn methods(&mut self, target: &Target) -> &mut BTreeMap<String, MethodObs> {
        match target {
            Target::Api(api) => self.apis.entry(api.clone()).or_default(),
            Target::Pending(key) => &mut self.pending.entry(key.clone()).or_default().methods,
        }
    }

    fn method(&mut self, target: &Target, method: &str) -> &mut MethodObs {
        self.methods(target).entry(method.to_owned()).or_default()
    }

    fn get(&self, target: &Target, method: &str) -> Option<&MethodObs> {
        match target {
            Target::Api(api) => self.apis.get(api)?.get(method),
            Target::Pending(key) => self.pending.get(key)?.methods.get(method),
        }
    }
}

/// What became of one entry.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not a call to a JSON-RPC endpoint (a page, a script, an image).
    NotApi,
    /// A JSON-RPC endpoint no API of the spec set serves.
    Unrouted(String),
    /// A call without a request body.
    NoBody,
    /// Learned from: the method called (`Interface.method`).
    Learned(String),
    /// Skipped, with the reason and the method when known.
    Skipped {
        /// The method, when the request could be read.
        method: Option<String>,
        /// Why.
        reason: String,
    },
}

/// Why a body that is not UTF-8 is not read.
pub(crate) const NOT_UTF8: &str = "not valid UTF-8";

/// Reads a body with `f`: straight from the capture when possible, else decoded first.
fn read_body<T>(
    text: &Text<'_>,
    mut f: impl FnMut(&mut Parser<'_>) -> Result<T, Stop>,
) -> Result<T, String> {
    // A body that is not UTF-8 is not JSON: skipped here, an error in verify, dropped
    // by sanitize.
    if !text.base64 {
        if std::str::from_utf8(text.raw).is_err() {
            return Err(NOT_UTF8.into());
        }
        match Parser::escaped(text.raw).run(&mut f) {
            Err(ParseError::NeedsUnescape) => {}
            other => return other.map_err(|e| e.to_string()),
        }
    }
    let bytes = text.decode()?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(NOT_UTF8.into());
    }
    Parser::plain(&bytes).run(f).map_err(|e| e.to_string())
}

/// True for `Interface.method` names: two identifiers joined by a dot.
pub fn valid_method(name: &str) -> bool {
    use crate::naming::is_wire_name;
    matches!(name.split_once('.'), Some((i, m)) if is_wire_name(i) && is_wire_name(m))
}

/// One command of a batch: its method and params.
struct Command {
    method: Option<String>,
    params: Node,
}

/// A reply: the result node, or an error code.
enum Reply {
    Result(Node),
    Error(Option<i64>),
}

/// Reads a reply; the result is observed into `seed` (see [`Node::skeleton`]).
fn read_reply(p: &mut Parser<'_>, seed: Node) -> Result<Option<Reply>, Stop> {
    let mut reply = None;
    let mut seed = Some(seed);
    p.members(|p, key| {
        match key {
            "result" => {
                let mut n = seed.take().unwrap_or_default();
                p.value(&mut n, false)?;
                reply = Some(Reply::Result(n));
            }
            "error" => {
                let mut code = None;
                p.members(|p, key| {
                    if key == "code" {
                        code = p.read_int()?;
                    } else {
                        p.skip()?;
                    }
                    Ok(())
                })?;
                reply = Some(Reply::Error(code));
            }
            _ => p.skip()?,
        }
        Ok(())
    })?;
    Ok(reply)
}

/// Observes one entry into `obs`. Nothing is recorded unless the whole entry reads.
pub fn observe_entry(view: &EntryView<'_>, router: &Router, obs: &mut Observations) -> Outcome {
    let Some(path) = view.path.as_deref() else {
        return Outcome::NotApi;
    };
    let Some(route) = router.route(path) else {
        return if looks_like_jsonrpc(path) {
            Outcome::Unrouted(path.to_owned())
        } else {
            Outcome::NotApi
        };
    };
    let (target, batch) = match route {
        Route::One(endpoint) => (Target::Api(endpoint.api.clone()), endpoint.batch.as_deref()),
        Route::Shared(candidates) => {
            let origin = view.origin.as_deref().unwrap_or("(no origin)");
            let key = format!("{origin}{path}");
            let bucket = obs.pending.entry(key.clone()).or_default();
            if bucket.candidates.is_empty() {
                bucket.candidates = candidates.to_vec();
                bucket.port = view.port;
            }
            (Target::Pending(key), router.shared_batch(candidates))
        }
    };
    let Some(request) = view.request_body.filter(|t| !t.is_empty()) else {
        return Outcome::NoBody;
    };
    let skipped = |method: Option<&str>, reason: String| Outcome::Skipped {
        method: method.map(str::to_owned),
        reason,
    };
    // First pass: the method, wherever it is in the request object.
    let method = match read_body(&request, |p| {
        let mut method = None;
        if !p.members(|p, key| {
            if key == "method" {
                method = p.read_string()?;
            } else {
                p.skip()?;
            }
            Ok(())
        })? {
            return Ok(None);
        }
        p.end()?;
        Ok(method)
    }) {
        Ok(Some(m)) if valid_method(&m) => m,
        Ok(Some(_)) => return skipped(None, "the request names no `Interface.method`".into()),
        Ok(None) => return skipped(None, "the request is not a JSON-RPC call".into()),
        Err(e) => return skipped(None, format!("the request body is not JSON: {e}")),
    };
    let is_batch = batch == Some(method.as_str());
    // Second pass: params, and for a batch its commands.
    let read = read_body(&request, |p| {
        let mut params = Node::default();
        let mut commands = Vec::new();
        let mut saw_params = false;
        p.members(|p, key| {
            if key != "params" {
                return p.skip();
            }
            saw_params = true;
            if !is_batch {
                return p.value(&mut params, false);
            }
            // The batch's own params are not learned from: its commands are.
            p.members(|p, key| {
                if key != "commandList" {
                    return p.skip();
                }
                p.items(|p, _| {
                    let mut cmd = Command {
                        method: None,
                        params: Node::default(),
                    };
                    let mut cmd_params = false;
                    p.members(|p, key| match key {
                        "method" => {
                            cmd.method = p.read_string()?;
                            Ok(())
                        }
                        "params" => {
                            cmd_params = true;
                            p.value(&mut cmd.params, false)
                        }
                        _ => p.skip(),
                    })?;
                    if !cmd_params {
                        cmd.params.object();
                    }
                    commands.push(cmd);
                    Ok(())
                })?;
                Ok(())
            })?;
            Ok(())
        })?;
        if !saw_params || (params.seen == 1 && params.nulls == 1) {
            params = Node::default();
            params.object();
        }
        Ok((params, commands))
    });
    let (params, commands) = match read {
        Ok(r) => r,
        Err(e) => return skipped(Some(&method), format!("the request body is not JSON: {e}")),
    };
    let seed = |obs: &Observations, m: Option<&str>| {
        m.and_then(|m| obs.get(&target, m))
            .map(|o| o.result.skeleton())
            .unwrap_or_default()
    };
    let reply = match view.response_body.filter(|t| !t.is_empty()) {
        None => None,
        Some(text) if is_batch => {
            let read = read_body(&text, |p| {
                let mut replies = Vec::new();
                let mut error = None;
                p.members(|p, key| match key {
                    "result" => {
                        p.items(|p, k| {
                            let m = commands.get(k).and_then(|c| c.method.as_deref());
                            replies.push(read_reply(p, seed(obs, m))?);
                            Ok(())
                        })?;
                        Ok(())
                    }
                    "error" => {
                        error = Some(());
                        p.skip()
                    }
                    _ => p.skip(),
                })?;
                p.end()?;
                Ok((replies, error))
            });
            match read {
                Ok((replies, _)) => Some(Err(replies)),
                Err(e) => {
                    return skipped(Some(&method), format!("the response body is not JSON: {e}"));
                }
            }
        }
        Some(text) => match read_body(&text, |p| {
            let reply = read_reply(p, seed(obs, Some(&method)))?;
            p.end()?;
            Ok(reply)
        }) {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                return skipped(
                    Some(&method),
                    "the response is not a JSON-RPC reply (no `result` or `error`)".into(),
                );
            }
            Err(e) => {
                return skipped(Some(&method), format!("the response body is not JSON: {e}"));
            }
        },
    };
    // Commit.
    if is_batch {
        let batch = obs.method(&target, &method);
        batch.calls += 1;
        if let Some(Err(_)) = &reply {
            batch.replies += 1;
        }
        let mut replies = match reply {
            Some(Err(replies)) => replies.into_iter().map(Some).collect(),
            _ => Vec::new(),
        };
        replies.resize_with(commands.len(), || None);
        for (cmd, reply) in commands.into_iter().zip(replies) {
            let Some(m) = cmd.method.filter(|m| valid_method(m)) else {
                continue;
            };
            record(obs.method(&target, &m), cmd.params, reply.flatten());
        }
    } else {
        let reply = match reply {
            Some(Ok(r)) => Some(r),
            _ => None,
        };
        record(obs.method(&target, &method), params, reply);
    }
    Outcome::Learned(method)
}

fn record(m: &mut MethodObs, params: Node, reply: Option<Reply>) {
    m.calls += 1;
    m.params.absorb(params);
    match reply {
        Some(Reply::Result(n)) => {
            m.replies += 1;
            m.result.absorb(n);
        }
        Some(Reply::Error(code)) => {
            m.errors += 1;
            if let Some(c) = code {
                *m.error_codes.entry(c).or_default() += 1;
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::route::Endpoint;
    use super::*;
    use crate::learn::har::entry;
    use crate::spec::Api;

    fn router() -> Router {
        Router::from_endpoints(vec![Endpoint {
            api: "admin".into(),
            paths: vec!["/admin/api/jsonrpc/".into()],
            batch: Some("Batch.run".into()),
            port: 4081,
            methods: Default::default(),
        }])
    }

    fn entry_json(req: &str, resp: Option<&str>) -> String {
        let content = match resp {
            Some(r) => format!(
                r#"{{"size": 1, "text": {}}}"#,
                serde_json::to_string(r).expect("s")
            ),
            None => r#"{"size": 0}"#.into(),
        };
        format!(
            r#"{{"request": {{"method": "POST", "url": "https://fw/admin/api/jsonrpc/", "postData": {{"text": {}}}}}, "response": {{"status": 200, "content": {content}}}}}"#,
            serde_json::to_string(req).expect("s")
        )
    }

    fn observe(req: &str, resp: Option<&str>, obs: &mut Observations) -> Outcome {
        let text = entry_json(req, resp);
        let view = entry::parse(text.as_bytes()).expect("entry");
        observe_entry(&view, &router(), obs)
    }

    #[test]
    fn learns_params_results_and_errors() {
        let mut obs = Observations::default();
        let out = observe(
            r#"{"params": {"query": {"limit": -1}}, "method": "Users.get", "id": 1}"#,
            Some(r#"{"jsonrpc": "2.0", "id": 1, "result": {"list": [], "totalItems": 0}}"#),
            &mut obs,
        );
        assert_eq!(out, Outcome::Learned("Users.get".into()));
        observe(
            r#"{"method": "Users.get"}"#,
            Some(r#"{"error": {"code": -32001, "message": "Session expired."}}"#),
            &mut obs,
        );
        let m = &obs.apis["admin"]["Users.get"];
        assert_eq!((m.calls, m.replies, m.errors), (2, 1, 1));
        assert_eq!(m.error_codes[&-32001], 1);
        assert_eq!(m.params.objects, 2);
        assert_eq!(m.params.get("query").map(|q| q.seen), Some(1));
        assert_eq!(m.result.get("totalItems").map(|t| t.ints), Some(1));
    }

    #[test]
    fn unpacks_batches() {
        let mut obs = Observations::default();
        observe(
            r#"{"method": "Batch.run", "params": {"commandList": [
                {"method": "A.x", "params": {"p": 1}}, {"method": "B.y"}]}}"#,
            Some(r#"{"result": [{"result": {"r": "s"}}, {"error": {"code": 1002}}]}"#),
            &mut obs,
        );
        let a = &obs.apis["admin"]["A.x"];
        assert_eq!((a.calls, a.replies), (1, 1));
        assert!(a.params.get("p").is_some());
        let b = &obs.apis["admin"]["B.y"];
        assert_eq!((b.calls, b.errors, b.params.objects), (1, 1, 1));
        assert_eq!(obs.apis["admin"]["Batch.run"].calls, 1);
    }

    #[test]
    fn skips_bad_bodies_without_recording() {
        let mut obs = Observations::default();
        let out = observe(r#"{"method": "A.x"}"#, Some("<html>"), &mut obs);
        assert!(matches!(out, Outcome::Skipped { method: Some(m), .. } if m == "A.x"));
        assert!(obs.apis.is_empty());
        let out = observe("not json", None, &mut obs);
        assert!(matches!(out, Outcome::Skipped { method: None, .. }));
        let out = observe(r#"{"method": "A.x"}"#, None, &mut obs);
        assert_eq!(out, Outcome::Learned("A.x".into()));
        assert_eq!(obs.apis["admin"]["A.x"].replies, 0);
    }

    /// An API loaded from a manifest with `path` and `alternativePaths`.
    pub(super) fn api_at(name: &str, path: &str, alternatives: &[&str]) -> Api {
        let manifest = serde_json::json!({"api": {
            "name": name, "path": path, "alternativePaths": alternatives, "port": 4081
        }});
        crate::load::load_sources(vec![crate::spec::Source::new(
            "api.json",
            manifest.to_string(),
        )])
        .expect("manifest loads")
    }

    #[test]
    fn an_alternative_path_is_learned_and_an_unknown_one_reported() {
        let r = Router::new(&[api_at(
            "stats",
            "/client/api/jsonrpc/",
            &["/other/api/jsonrpc/"],
        )]);
        let at = |path: &str| {
            let text = entry_json(
                r#"{"method": "MyAccount.get", "params": {}}"#,
                Some(r#"{"result": {"n": 1}}"#),
            )
            .replace("/admin/api/jsonrpc/", path);
            entry::parse(text.as_bytes()).map(|v| {
                let mut obs = Observations::default();
                let out = observe_entry(&v, &r, &mut obs);
                (out, obs)
            })
        };
        let (out, obs) = at("/other/api/jsonrpc/").expect("entry");
        assert_eq!(out, Outcome::Learned("MyAccount.get".into()));
        assert_eq!(obs.apis["stats"]["MyAccount.get"].replies, 1);
        let (out, obs) = at("/lib/api/jsonrpc/").expect("entry");
        assert_eq!(out, Outcome::Unrouted("/lib/api/jsonrpc/".into()));
        assert!(obs.apis.is_empty());
    }

    /// Mutated entries and captures (bytes flipped, cut, duplicated) never make the
    /// reader panic: every outcome is a value or an error.
    #[test]
    fn mutated_input_never_panics() {
        use crate::learn::har::split::Splitter;
        let good = entry_json(
            r#"{"method": "Batch.run", "params": {"commandList": [{"method": "A.x", "params": {"s": "a\u00e9\"", "n": [1.5e3, -2, true, null]}}]}}"#,
            Some(r#"{"result": [{"result": {"list": [{"k": "v"}], "t": 1}}]}"#),
        );
        let bytes = good.as_bytes();
        let mut seed = 99u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let alphabet = b"{}[]\",:\\ u0123aetnfl-.e";
        for _ in 0..20_000 {
            let mut m = bytes.to_vec();
            for _ in 0..1 + next() % 4 {
                let at = next() % m.len();
                match next() % 3 {
                    0 => m[at] = alphabet[next() % alphabet.len()],
                    1 => m.truncate(at.max(1)),
                    _ => m.insert(at, alphabet[next() % alphabet.len()]),
                }
            }
            let mut obs = Observations::default();
            if let Ok(view) = entry::parse(&m) {
                let _ = observe_entry(&view, &router(), &mut obs);
            }
            let mut doc = b"{\"log\": {\"entries\": [".to_vec();
            doc.extend_from_slice(&m);
            doc.extend_from_slice(b"]}}");
            let mut split = Splitter::new(&doc[..]);
            while let Ok(Some(_)) = split.next_event() {}
        }
    }
}
