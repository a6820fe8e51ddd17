//! The mock's HTTPS server: TLS, sessions, routing of calls and batches.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, SET_COOKIE};
use hyper::{Method as HttpMethod, Request, Response};
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::captures::Captures;
use super::reply::MockBody;
use super::spec::{ApiSpec, Problem};
use super::store::{Store, Verb};
use super::{
    ApplianceState, Counter, Faults, Handlers, JSON_RPC, MockAppliance, MockBuilder, Reply,
    RpcCall, Upload, files, lock, session_cookie_names, spec,
};
use crate::{DOWNLOAD, Error, UPLOAD};

/// The most commands one batch may hold.
const BATCH_LIMIT: usize = 100;

/// Everything the running mock shares between connections.
pub(crate) struct State {
    pub(super) handlers: Mutex<Handlers>,
    /// Session cookie value → token.
    pub(super) sessions: Mutex<HashMap<String, String>>,
    pub(super) issued: Mutex<Vec<String>>,
    pub(super) requests: Mutex<Vec<RpcCall>>,
    pub(super) connections: AtomicUsize,
    pub(super) logins: AtomicUsize,
    pub(super) expire_after: Mutex<Option<usize>>,
    pub(super) files: Mutex<HashMap<String, Reply>>,
    pub(super) uploads: Mutex<Vec<Upload>>,
    pub(super) store: Mutex<Store>,
    pub(super) appliance: Mutex<ApplianceState>,
    /// Configuration timestamps waiting for confirmation since an `apply`.
    pending_confirm: Mutex<Vec<Value>>,
    /// Endpoint paths and the API each serves, longest path first.
    apis: Vec<(String, Arc<ApiSpec>)>,
    captures: Captures,
    user: String,
    password: String,
    strict: bool,
    faults: Faults,
    forget_requests: bool,
    counter: AtomicU64,
    calls: Counter,
}

pub(super) async fn start(builder: MockBuilder) -> Result<MockAppliance, Error> {
    let io_error = |context: &str, e: io::Error| Error::Io {
        context: format!("mock appliance: {context}"),
        source: e,
    };
    let apis = spec::apis().map_err(|e| io_error("spec", io::Error::other(e)))?;
    let captures = match &builder.captures {
        Some(dir) => Captures::load(dir).map_err(|e| io_error("captures", io::Error::other(e)))?,
        None => Captures::default(),
    };
    let listener = TcpListener::bind(builder.listen)
        .await
        .map_err(|e| io_error(&format!("cannot listen on {}", builder.listen), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| io_error("no local address", e))?;
    let (cert_der, key_der) = match builder.identity.clone() {
        Some(identity) => identity,
        None => self_signed(addr.ip()).map_err(|e| io_error("certificate", e))?,
    };
    let cert_pem = pem("CERTIFICATE", &cert_der);
    let cert_sha256 = hex::encode(Sha256::digest(&cert_der));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der));
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_no_client_auth()
                .with_single_cert(vec![CertificateDer::from(cert_der)], key)
        })
        .map_err(|e| io_error("TLS configuration", io::Error::other(e)))?;
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let password = builder.password.clone().unwrap_or_else(|| random_hex(20));
    let state = Arc::new(State {
        handlers: Mutex::default(),
        sessions: Mutex::default(),
        issued: Mutex::default(),
        requests: Mutex::default(),
        connections: AtomicUsize::new(0),
        logins: AtomicUsize::new(0),
        expire_after: Mutex::new(builder.faults.expire_after),
        files: Mutex::default(),
        uploads: Mutex::default(),
        store: Mutex::default(),
        appliance: Mutex::new(builder.state),
        pending_confirm: Mutex::default(),
        apis: served_paths(apis, &builder.api_paths),
        captures,
        user: builder.user.clone(),
        password: password.clone(),
        strict: builder.strict,
        faults: builder.faults.clone(),
        forget_requests: builder.forget_requests,
        counter: AtomicU64::new(0),
        calls: AtomicUsize::new(0),
    });
    let task = tokio::spawn(accept_loop(listener, acceptor, state.clone()));
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    Ok(MockAppliance {
        url: format!("https://{host}:{}", addr.port()),
        cert_pem,
        cert_sha256,
        user: builder.user,
        password,
        state,
        task,
    })
}

/// Every API at its spec path and at the extra paths asked for, longest path first so
/// that the most specific one wins.
fn served_paths(apis: &[Arc<ApiSpec>], extra: &[(String, String)]) -> Vec<(String, Arc<ApiSpec>)> {
    let mut out: Vec<(String, Arc<ApiSpec>)> =
        apis.iter().map(|a| (a.path.clone(), a.clone())).collect();
    for (name, path) in extra {
        if let Some(api) = apis.iter().find(|a| &a.name == name) {
            out.push((path.clone(), api.clone()));
        }
    }
    out.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
    out
}

/// A self-signed certificate for the address (and `localhost` on loopback or any
/// address), with its PKCS#8 key.
fn self_signed(ip: IpAddr) -> Result<(Vec<u8>, Vec<u8>), io::Error> {
    let mut names = vec![ip.to_string()];
    if ip.is_loopback() || ip.is_unspecified() {
        names.extend([
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ]);
    }
    names.dedup();
    let key = rcgen::KeyPair::generate().map_err(io::Error::other)?;
    let mut params = rcgen::CertificateParams::new(names).map_err(io::Error::other)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Kerio Control mock appliance");
    let cert = params.self_signed(&key).map_err(io::Error::other)?;
    Ok((cert.der().to_vec(), key.serialize_der()))
}

/// A fresh random-looking hex string of `len` digits (tokens, session ids, passwords):
/// SHA-256 of a process-wide counter, the time and the standard library's random hash
/// keys.
fn random_hex(len: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::new();
    while out.len() < len {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let seed =
            std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), n);
        let digest = Sha256::digest(format!("{n}:{nanos}:{seed}").as_bytes());
        out.push_str(&hex::encode(digest));
    }
    out.truncate(len);
    out
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64_lite::encode;
    let text = encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in text.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Standard base64, enough for PEM.
mod base64_lite {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

impl State {
    /// A fresh random-looking hex string of `len` digits.
    pub(super) fn random_hex(&self, len: usize) -> String {
        random_hex(len)
    }

    /// The API served at this path (uploads and downloads: below it), with the path.
    fn api(&self, path: &str) -> Option<(&str, &Arc<ApiSpec>)> {
        self.apis
            .iter()
            .find(|(p, _)| path.starts_with(p.as_str()))
            .map(|(p, a)| (p.as_str(), a))
    }

    fn authenticated(&self, call: &RpcCall) -> bool {
        let (session_cookie, _) = session_cookie_names(&call.path);
        let (Some(sid), Some(token)) = (call.cookie(session_cookie), call.header("x-token")) else {
            return false;
        };
        lock(&self.sessions).get(sid).is_some_and(|t| t == token)
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

    /// The session check, then a handler or the built-in reply.
    pub(super) fn route(&self, call: &RpcCall) -> Reply {
        let login = self.is_login(call);
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
            return (
                Reply::html(404, "<html><title>404 Not Found</title></html>"),
                vec![],
            );
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
                if let Some(sid) = call.cookie(session_cookie_names(&call.path).0) {
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
        lock(&self.appliance).patch(&call.method, &mut result);
        files::announce_downloads(self, &served, &mut result);
        (Reply::Result(result), vec![])
    }

    /// State, else a capture, else a made-up result.
    fn result(&self, api: &ApiSpec, call: &RpcCall, method: &spec::MethodSpec) -> Value {
        let (iface, name) = call.method.split_once('.').unwrap_or((&call.method, ""));
        if let Some(verb) = Verb::of(name) {
            let seed = || {
                let get = format!("{iface}.get");
                let listed = self
                    .captures
                    .find(&api.path, &get, &Value::Null)
                    .cloned()
                    .or_else(|| api.methods.get(&get).map(|m| api.synthesize_result(m)));
                let list = api
                    .methods
                    .get(&get)
                    .and_then(|g| super::store::listing(api, g))
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
        self.logins.fetch_add(1, Ordering::SeqCst);
        let token = self.random_hex(64);
        let sid = self.random_hex(32);
        lock(&self.sessions).insert(sid.clone(), token.clone());
        lock(&self.issued).extend([token.clone(), sid.clone()]);
        // The cookies belong to the first segment of the API path (`/admin/`).
        let scope = served
            .split('/')
            .find(|s| !s.is_empty())
            .map_or_else(|| "/".to_owned(), |s| format!("/{s}/"));
        let (session_cookie, token_cookie) = session_cookie_names(served);
        let cookies = vec![
            format!("{session_cookie}={sid}; path={scope}; secure; HttpOnly"),
            format!("{token_cookie}={token}; path={scope}; secure"),
        ];
        let key = api
            .role("login")
            .and_then(|m| api.methods.get(m))
            .and_then(|m| m.result.first())
            .map_or("token", |s| s.name.as_str());
        (Reply::result(json!({ key: token })), cookies)
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
        let items = commands
            .iter()
            .map(|command| {
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
                self.batch_item(&sub, self.route(&sub))
            })
            .collect();
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

fn error_object(code: i64, message: &str, parameters: &[Value]) -> Value {
    json!({"code": code, "message": message,
        "data": {"messageParameters": {"positionalParameters": parameters, "plurality": 1}}})
}

async fn accept_loop(listener: TcpListener, acceptor: TlsAcceptor, state: Arc<State>) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        state.connections.fetch_add(1, Ordering::SeqCst);
        let _ = tcp.set_nodelay(!state.faults.nagle);
        let acceptor = acceptor.clone();
        let state = state.clone();
        tokio::spawn(async move {
            // A client that rejects the certificate aborts the handshake: nothing to serve.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = hyper::service::service_fn(move |request| handle(state.clone(), request));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<MockBody>, io::Error> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
    if let Some(latency) = state.faults.latency {
        tokio::time::sleep(latency).await;
    }
    let call = if parts.method == HttpMethod::GET {
        files::download_call(parts)
    } else if parts.method == HttpMethod::POST && parts.uri.path().ends_with("/upload/") {
        files::upload_call(parts, body)
    } else if parts.method != HttpMethod::POST {
        return Ok(raw_response(
            405,
            "text/html",
            Bytes::from_static(b"<html><title>405</title></html>"),
            &[],
        ));
    } else {
        let Ok(envelope) = serde_json::from_slice::<Value>(&body) else {
            let reply = json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "Parse error."}});
            return Ok(raw_response(
                200,
                JSON_RPC,
                Bytes::from(reply.to_string()),
                &[],
            ));
        };
        RpcCall {
            path: parts.uri.path().to_owned(),
            method: envelope
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            id: envelope.get("id").cloned().unwrap_or(Value::Null),
            params: envelope.get("params").cloned().unwrap_or(Value::Null),
            headers: parts.headers,
            body,
            batch: false,
        }
    };
    state.record(&call);
    let reply = state.route(&call);
    let response = respond(&state, &call, reply).await?;
    Ok(if state.faults.split_replies {
        response.map(MockBody::split)
    } else {
        response
    })
}

async fn respond(
    state: &State,
    call: &RpcCall,
    mut reply: Reply,
) -> Result<Response<MockBody>, io::Error> {
    let mut status = 200;
    let mut cookies = Vec::new();
    let mut id = call.id.clone();
    loop {
        reply = match reply {
            Reply::Delay(delay, inner) => {
                tokio::time::sleep(delay).await;
                *inner
            }
            Reply::Status(code, inner) => {
                status = code;
                *inner
            }
            Reply::WithCookies(set, inner) => {
                cookies.extend(set);
                *inner
            }
            Reply::WithId(new, inner) => {
                id = new;
                *inner
            }
            Reply::Builtin => {
                let (builtin, set) = state.builtin(call);
                cookies.extend(set);
                builtin
            }
            Reply::Result(result) => {
                let body = json!({"jsonrpc": "2.0", "id": id, "result": result});
                return Ok(raw_response(
                    status,
                    JSON_RPC,
                    Bytes::from(body.to_string()),
                    &cookies,
                ));
            }
            Reply::ResultRaw(raw) => {
                let head = format!(r#"{{"jsonrpc":"2.0","id":{id},"result":"#);
                let mut body = Vec::with_capacity(head.len() + raw.len() + 1);
                body.extend_from_slice(head.as_bytes());
                body.extend_from_slice(&raw);
                body.push(b'}');
                return Ok(raw_response(status, JSON_RPC, body.into(), &cookies));
            }
            Reply::Error {
                code,
                message,
                parameters,
            } => {
                let body = json!({"jsonrpc": "2.0", "id": id,
                    "error": error_object(code, &message, &parameters)});
                return Ok(raw_response(
                    status,
                    JSON_RPC,
                    Bytes::from(body.to_string()),
                    &cookies,
                ));
            }
            Reply::Raw {
                status,
                content_type,
                body,
            } => return Ok(raw_response(status, &content_type, body, &cookies)),
            Reply::CutOff {
                content_type,
                body,
                sent,
            } => {
                let mut response =
                    Response::new(MockBody::broken(body.slice(..sent.min(body.len()))));
                let headers = response.headers_mut();
                headers.insert(CONTENT_TYPE, header_value(&content_type));
                headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
                return Ok(response);
            }
            Reply::Stream {
                content_type,
                len,
                chunk,
                sized,
            } => {
                let mut response = Response::new(MockBody::generated(len, chunk, sized));
                let headers = response.headers_mut();
                headers.insert(CONTENT_TYPE, header_value(&content_type));
                if sized {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
                }
                for cookie in &cookies {
                    headers.append(SET_COOKIE, header_value(cookie));
                }
                return Ok(response);
            }
            Reply::Drop => return Err(io::Error::other("the mock appliance drops the connection")),
        };
    }
}

/// A header value; text that cannot be one (a handler's mistake) becomes empty.
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn raw_response(
    status: u16,
    content_type: &str,
    body: Bytes,
    cookies: &[String],
) -> Response<MockBody> {
    let mut response = Response::new(MockBody::Whole(Some(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, header_value(content_type));
    for cookie in cookies {
        headers.append(SET_COOKIE, header_value(cookie));
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(super::base64_lite::encode(b"Man"), "TWFu");
        assert_eq!(super::base64_lite::encode(b"Ma"), "TWE=");
        assert_eq!(super::base64_lite::encode(b"M"), "TQ==");
    }
}
