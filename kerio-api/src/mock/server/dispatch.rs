//! How the mock answers a call: the session check, handlers, the built-in replies
//! (login, logout, batches, configuration confirmation, stored state, captures) and
//! JSON-RPC error objects.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use serde_json::{Value, json};

use super::State;
use crate::mock::spec::{self, ApiSpec, Problem};
use crate::mock::store::{self, Verb};
use crate::mock::{Reply, RpcCall, files, lock, profile};
use crate::{DOWNLOAD, UPLOAD};

/// The most commands one batch may hold.
const BATCH_LIMIT: usize = 100;

impl State {
    /// The API served at this path (uploads and downloads: below it), with the path.
    fn api(&self, path: &str) -> Option<(&str, &Arc<ApiSpec>)> {
        self.apis
            .iter()
            .find(|(p, _)| path.starts_with(p.as_str()))
            .map(|(p, a)| (p.as_str(), a))
    }

    /// A session of the API served at the call's path, with the matching token: a
    /// session of another API of the same mock is not valid here, as on appliances.
    fn authenticated(&self, call: &RpcCall) -> bool {
        let Some((_, api)) = self.api(&call.path) else {
            return false;
        };
        let (Some(sid), Some(token)) = (call.cookie(&api.cookies.0), call.header("x-token")) else {
            return false;
        };
        lock(&self.sessions)
            .get(sid)
            .is_some_and(|s| s.token == token && s.api == api.name)
    }

    pub(super) fn record(&self, call: &RpcCall) {
        if !self.forget_requests {
            lock(&self.requests).push(call.clone());
        }
    }

    /// Counts down to the configured expiry; ends every session when it runs out.
    fn tick_expiry(&self) {
        let mut left = lock(&self.expire_after);
        match *left {
            Some(0) => {
                lock(&self.sessions).clear();
                *left = None;
            }
            Some(n) => *left = Some(n - 1),
            None => {}
        }
    }

    fn is_login(&self, call: &RpcCall) -> bool {
        self.api(&call.path)
            .and_then(|(_, a)| a.role("login"))
            .is_some_and(|m| m == call.method)
    }

    /// A method the spec marks sessionless, at the path of its API.
    fn is_sessionless(&self, call: &RpcCall) -> bool {
        self.api(&call.path)
            .and_then(|(_, a)| a.methods.get(&call.method))
            .is_some_and(|m| m.sessionless)
    }

    /// The session check, then a handler or the built-in reply. A path where no API and
    /// no file is served gets what an appliance's web server answers there, HTTP 404,
    /// before any session check: a session error would send a client looking for the
    /// wrong cause.
    pub(super) fn route(&self, call: &RpcCall) -> Reply {
        if self.api(&call.path).is_none() && !lock(&self.files).contains_key(&call.path) {
            return not_found();
        }
        let login = self.is_login(call) || self.is_sessionless(call);
        let handler = lock(&self.handlers).get(&call.method).cloned();
        if !login && !call.batch {
            self.tick_expiry();
        }
        if !login && !self.authenticated(call) {
            return Reply::error(-32001, "Session expired.", &[]);
        }
        if !login && self.faults.error_rate > 0.0 {
            let n = self.calls.fetch_add(1, Ordering::Relaxed) as u64;
            // A fixed sequence: the fractional parts of n times the golden ratio.
            let x = (n as f64 * 0.618_033_988_749_895).fract();
            if x < self.faults.error_rate {
                return Reply::error(-32000, "Simulated server failure.", &[]);
            }
        }
        match handler {
            Some(handler) => handler(call),
            None => Reply::Builtin,
        }
    }

    /// What the mock answers by itself; returns the reply and the cookies to set.
    pub(super) fn builtin(&self, call: &RpcCall) -> (Reply, Vec<String>) {
        match call.method.as_str() {
            UPLOAD => return (files::store_upload(self, call), vec![]),
            DOWNLOAD => return (files::serve_download(self, call), vec![]),
            _ => {}
        }
        let Some((served, api)) = self.api(&call.path).map(|(p, a)| (p.to_owned(), a.clone()))
        else {
            return (not_found(), vec![]);
        };
        let Some(method) = api.methods.get(&call.method) else {
            return (
                Reply::error(-32601, "Method %1 not found.", &[json!(call.method)]),
                vec![],
            );
        };
        match method.role.as_deref() {
            Some("login") => return self.login(&api, &served, call),
            Some("logout") => {
                if let Some(sid) = call.cookie(&api.cookies.0) {
                    lock(&self.sessions).remove(sid);
                }
                return (Reply::result(json!({})), vec![]);
            }
            Some("batch") => return (self.batch(&api, call), vec![]),
            _ => {}
        }
        if let Err(problem) = api.check(method, &call.params, self.strict) {
            return (problem_reply(&problem), vec![]);
        }
        let mut result = match method.role.as_deref() {
            Some("configTimestamp") => {
                let pending = lock(&self.pending_confirm).clone();
                let mut out = api.synthesize_result(method);
                if let (Some(o), Some(slot)) = (out.as_object_mut(), method.result.first()) {
                    o.insert(slot.name.clone(), Value::Array(pending));
                }
                out
            }
            Some("confirmConfig") => {
                let mut pending = lock(&self.pending_confirm);
                let given = method
                    .params
                    .first()
                    .and_then(|p| call.params.get(&p.name))
                    .cloned()
                    .unwrap_or(Value::Null);
                let confirmed = !pending.is_empty() && given == Value::Array(pending.clone());
                if confirmed {
                    pending.clear();
                }
                let mut out = api.synthesize_result(method);
                if let (Some(o), Some(slot)) = (out.as_object_mut(), method.result.first()) {
                    o.insert(slot.name.clone(), Value::Bool(confirmed));
                }
                out
            }
            _ => self.result(&api, call, method),
        };
        let state = *lock(&self.appliance);
        state.patch(
            api.product.as_deref(),
            &call.method,
            &call.params,
            &mut result,
        );
        files::announce_downloads(self, &served, &mut result);
        (Reply::Result(result), vec![])
    }

    /// State, else a capture, else a made-up result.
    fn result(&self, api: &ApiSpec, call: &RpcCall, method: &spec::MethodDescription) -> Value {
        let (iface, name) = call.method.split_once('.').unwrap_or((&call.method, ""));
        let state = *lock(&self.appliance);
        if let Some(verb) = Verb::of(name) {
            let seed = || {
                let get = format!("{iface}.get");
                let listed = self
                    .captures
                    .find(&api.path, &get, &Value::Null)
                    .cloned()
                    .or_else(|| {
                        let mut made_up = api.synthesize_result(api.methods.get(&get)?);
                        profile::seed(api.product.as_deref(), state, &get, &mut made_up);
                        Some(made_up)
                    });
                let list = api
                    .methods
                    .get(&get)
                    .and_then(|g| store::listing(api, g))
                    .map(|l| l.list.name.clone());
                listed
                    .zip(list)
                    .and_then(|(v, key)| v.get(&key).and_then(Value::as_array).cloned())
                    .unwrap_or_default()
            };
            let stored = lock(&self.store).call(api, iface, verb, method, &call.params, seed);
            if let Some(result) = stored {
                if verb == Verb::Apply {
                    self.pending_apply(iface);
                }
                return result;
            }
        }
        if let Some(result) = self.captures.find(&api.path, &call.method, &call.params) {
            return result.clone();
        }
        api.synthesize_result(method)
    }

    /// After an `apply`, the change waits for confirmation.
    fn pending_apply(&self, iface: &str) {
        let stamp = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let mut pending = lock(&self.pending_confirm);
        pending.retain(|t| t.get("name").and_then(Value::as_str) != Some(iface));
        pending.push(json!({"name": iface, "timestamp": stamp}));
    }

    fn login(&self, api: &ApiSpec, served: &str, call: &RpcCall) -> (Reply, Vec<String>) {
        let user = call.params.get("userName").and_then(Value::as_str);
        let password = call.params.get("password").and_then(Value::as_str);
        if user != Some(self.user.as_str()) || password != Some(self.password.as_str()) {
            return (
                Reply::error(1000, "User name or password is incorrect.", &[]),
                vec![],
            );
        }
        let (token, cookies) = self.open_session(api, served);
        let key = api
            .role("login")
            .and_then(|m| api.methods.get(m))
            .and_then(|m| m.result.first())
            .map_or("token", |s| s.name.as_str());
        (Reply::result(json!({ key: token })), cookies)
    }

    /// Opens a session of `api` served at `served` (a login that succeeded): returns its
    /// token and the cookies to set.
    pub(super) fn open_session(&self, api: &ApiSpec, served: &str) -> (String, Vec<String>) {
        self.logins.fetch_add(1, Ordering::SeqCst);
        let token = self.random_hex(64);
        let sid = self.random_hex(32);
        lock(&self.sessions).insert(
            sid.clone(),
            super::Session {
                token: token.clone(),
                api: api.name.clone(),
            },
        );
        lock(&self.issued).extend([token.clone(), sid.clone()]);
        // The cookies belong to the first segment of the API path (`/admin/`).
        let scope = served
            .split('/')
            .find(|s| !s.is_empty())
            .map_or_else(|| "/".to_owned(), |s| format!("/{s}/"));
        let (session_cookie, token_cookie) = &api.cookies;
        let cookies = vec![
            format!("{session_cookie}={sid}; path={scope}; secure; HttpOnly"),
            format!("{token_cookie}={token}; path={scope}; secure"),
        ];
        (token, cookies)
    }

    /// Runs every command through the same routing; more than 100 is `-32606`.
    fn batch(&self, api: &ApiSpec, call: &RpcCall) -> Reply {
        let key = api
            .role("batch")
            .and_then(|m| api.methods.get(m))
            .and_then(|m| m.params.first())
            .map_or("commandList", |p| p.name.as_str());
        let Some(commands) = call.params.get(key).and_then(Value::as_array) else {
            return Reply::error(-32605, "Invalid batch.", &[]);
        };
        if commands.len() > BATCH_LIMIT {
            return Reply::error(-32606, "Too many commands in batch.", &[]);
        }
        // Without `ignoreErrors` the mock stops after the first failing command and
        // lists the commands that ran (what an appliance lists then is not known; the
        // client accepts the full list too).
        let ignore_errors = call
            .params
            .get("ignoreErrors")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let mut items = Vec::with_capacity(commands.len());
        for command in commands {
            let sub = RpcCall {
                path: call.path.clone(),
                method: command
                    .get("method")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                id: Value::Null,
                params: command.get("params").cloned().unwrap_or(Value::Null),
                headers: call.headers.clone(),
                body: Bytes::new(),
                batch: true,
            };
            self.record(&sub);
            let item = self.batch_item(&sub, self.route(&sub));
            let failed = item.get("error").is_some();
            items.push(item);
            if failed && !ignore_errors {
                break;
            }
        }
        Reply::result(Value::Array(items))
    }

    /// One `{"result"}` / `{"error"}` item; replies that only make sense for a whole HTTP
    /// exchange (pages, dropped connections) become an internal error.
    fn batch_item(&self, call: &RpcCall, reply: Reply) -> Value {
        match reply {
            Reply::Result(value) => json!({ "result": value }),
            Reply::ResultRaw(raw) => {
                json!({ "result": serde_json::from_slice::<Value>(&raw).unwrap_or(Value::Null) })
            }
            Reply::Error {
                code,
                message,
                parameters,
            } => json!({ "error": error_object(code, &message, &parameters) }),
            Reply::Builtin => self.batch_item(call, self.builtin(call).0),
            Reply::ThenRestart(down, inner) => {
                self.restart(down);
                self.batch_item(call, *inner)
            }
            Reply::Status(_, inner)
            | Reply::Delay(_, inner)
            | Reply::WithCookies(_, inner)
            | Reply::WithId(_, inner) => self.batch_item(call, *inner),
            _ => json!({ "error": {"code": -32603, "message": "Internal error."} }),
        }
    }
}

fn problem_reply(problem: &Problem) -> Reply {
    match problem {
        Problem::Missing(name) => Reply::error(
            -32602,
            "Invalid params: missing parameter %1.",
            &[json!(name)],
        ),
        Problem::WrongType(path) => {
            Reply::error(-32607, "Invalid parameter type: %1.", &[json!(path)])
        }
        Problem::Unknown(path) => Reply::error(
            -32602,
            "Invalid params: unknown parameter %1.",
            &[json!(path)],
        ),
    }
}

pub(super) fn error_object(code: i64, message: &str, parameters: &[Value]) -> Value {
    json!({"code": code, "message": message,
        "data": {"messageParameters": {"positionalParameters": parameters, "plurality": 1}}})
}

/// What the appliance's web server answers on a path it serves nothing at.
fn not_found() -> Reply {
    Reply::html(404, "<html><title>404 Not Found</title></html>")
}
