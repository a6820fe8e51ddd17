//! An in-process Kerio Control look-alike on 127.0.0.1 over real TLS, for integration
//! tests and benchmarks.
//!
//! Include it with `mod support;` from a test in `tests/`, or with
//! `#[path = "../tests/support/mod.rs"] mod support;` from a bench.
//!
//! - `Session.login` accepts [`USER`] / [`PASSWORD`], returns `{"token": <64 hex>}` and
//!   sets the `SESSION_CONTROL_WEBADMIN` and `TOKEN_CONTROL_WEBADMIN` cookies (on the
//!   Statistics API, outside `/admin/`: the `..._WEBIFACE` ones, see
//!   [`session_cookie_names`]).
//! - Every other call needs the session cookie **and** the matching `X-Token`, else it
//!   gets -32001 "Session expired.".
//! - `Session.logout` returns `{}` and ends the session (a second logout is -32001).
//! - Handlers registered with [`Appliance::on`], [`Appliance::reply`] or
//!   [`Appliance::replies`] answer any method with a [`Reply`]: canned results, errors,
//!   other HTTP statuses, HTML pages, broken bodies, delays, dropped connections. A
//!   handler for `Session.login` replaces the built-in login; handlers of other methods
//!   run after the session check.
//! - `Batch.run` runs each command of its `commandList` through the same handlers and
//!   answers an array of `{"result"}` / `{"error"}` items; more than 100 commands is
//!   -32606.
//! - File uploads (`POST <api path>upload/`, multipart field `newFile.bin`) and
//!   downloads (`GET` of a path served with [`Appliance::serve_file`]) need the session
//!   too; they go through handlers named [`UPLOAD`] and [`DOWNLOAD`].
#![allow(dead_code, unused_imports)]

mod batch;
mod call;
mod certs;
mod files;
mod reply;
mod traces;

use std::collections::{HashMap, VecDeque};
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HeaderMap, HeaderValue, SET_COOKIE};
use hyper::{Method as HttpMethod, Request, Response};
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

pub use call::{RpcCall, STATS_SESSION_COOKIE, STATS_TOKEN_COOKIE, session_cookie_names};
pub use certs::{CertKind, TestCert, default_names};
pub use files::{DOWNLOAD, UPLOAD, Upload};
use reply::TestBody;
pub use reply::{JSON_RPC, Reply, pattern_byte};
pub use traces::TraceCapture;

/// The user name the appliance accepts.
pub const USER: &str = "admin";
/// The password the appliance accepts.
pub const PASSWORD: &str = "Corr3ct-Horse-Battery-Staple";
/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "SESSION_CONTROL_WEBADMIN";
/// Name of the cookie that repeats the token.
pub const TOKEN_COOKIE: &str = "TOKEN_CONTROL_WEBADMIN";
/// The login method.
pub const LOGIN: &str = "Session.login";
/// The logout method.
pub const LOGOUT: &str = "Session.logout";

type Handler = dyn Fn(&RpcCall) -> Reply + Send + Sync;

/// Chooses the appliance's certificate before starting it.
#[derive(Default)]
pub struct ApplianceBuilder {
    cert: CertKind,
    forget_requests: bool,
    tcp_nodelay: bool,
    split_replies: bool,
}

impl ApplianceBuilder {
    /// Does not keep the requests it receives (for benchmarks, which send millions).
    pub fn forget_requests(mut self) -> Self {
        self.forget_requests = true;
        self
    }

    /// Sets `TCP_NODELAY` on accepted connections. By default Nagle's algorithm stays on,
    /// as on a server that does not change it (what real appliances do is not known).
    pub fn tcp_nodelay(mut self, enabled: bool) -> Self {
        self.tcp_nodelay = enabled;
        self
    }

    /// Sends every JSON-RPC reply in two writes (headers and the body's first byte, then
    /// the rest), as servers that write headers and body apart do.
    pub fn split_replies(mut self) -> Self {
        self.split_replies = true;
        self
    }

    /// The kind of certificate (default: self-signed for localhost and 127.0.0.1).
    pub fn cert(mut self, kind: CertKind) -> Self {
        self.cert = kind;
        self
    }

    /// Starts serving on 127.0.0.1 on a free port, in the current tokio runtime.
    pub async fn start(self) -> Appliance {
        let cert = TestCert::generate(&self.cert);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key_der.clone()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(cert.der.clone())], key)
            .expect("server certificate");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let state = Arc::new(State {
            forget_requests: self.forget_requests,
            split_replies: self.split_replies,
            ..State::default()
        });
        let nodelay = self.tcp_nodelay;
        let task = tokio::spawn(accept_loop(listener, acceptor, state.clone(), nodelay));
        Appliance {
            base_url: format!("https://127.0.0.1:{port}"),
            cert,
            state,
            task,
        }
    }
}

/// A running test appliance; stops serving when dropped.
pub struct Appliance {
    base_url: String,
    cert: TestCert,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Appliance {
    /// Starts an appliance with a self-signed certificate for localhost and 127.0.0.1.
    pub async fn start() -> Appliance {
        ApplianceBuilder::default().start().await
    }

    /// Configures an appliance before starting it.
    pub fn builder() -> ApplianceBuilder {
        ApplianceBuilder::default()
    }

    /// `https://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server certificate (DER, PEM, SHA-256, and CA PEM when CA-issued).
    pub fn cert(&self) -> &TestCert {
        &self.cert
    }

    /// A client builder for this appliance: certificate pinned, proxies ignored, short
    /// timeouts so that a broken test fails fast.
    pub fn client_builder(&self) -> kerio_api::ClientBuilder {
        kerio_api::Client::builder(&self.base_url)
            .pin_sha256(&self.cert.sha256)
            .expect("valid pin")
            .no_proxy()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
    }

    /// A pinned client for this appliance.
    pub fn client(&self) -> kerio_api::Client {
        self.client_builder().build().expect("client")
    }

    /// Answers `method` with whatever `handler` returns.
    pub fn on(&self, method: &str, handler: impl Fn(&RpcCall) -> Reply + Send + Sync + 'static) {
        lock(&self.state.handlers).insert(method.to_owned(), Arc::new(handler));
    }

    /// Answers every call of `method` with `reply`.
    pub fn reply(&self, method: &str, reply: Reply) {
        self.on(method, move |_| reply.clone());
    }

    /// Answers the next calls of `method` with `replies`, one each, then as built in.
    pub fn replies(&self, method: &str, replies: Vec<Reply>) {
        let queue = Mutex::new(VecDeque::from(replies));
        self.on(method, move |_| {
            lock(&queue).pop_front().unwrap_or(Reply::Builtin)
        });
    }

    /// Removes the handler of `method`.
    pub fn clear(&self, method: &str) {
        lock(&self.state.handlers).remove(method);
    }

    /// Every JSON-RPC request received so far, in order.
    pub fn requests(&self) -> Vec<RpcCall> {
        lock(&self.state.requests).clone()
    }

    /// The requests of one method.
    pub fn requests_for(&self, method: &str) -> Vec<RpcCall> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method)
            .collect()
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// How many sessions are logged in.
    pub fn live_sessions(&self) -> usize {
        lock(&self.state.sessions).len()
    }

    /// Ends every session, as an inactivity timeout would.
    pub fn expire_sessions(&self) {
        lock(&self.state.sessions).clear();
    }

    /// How many logins succeeded (with the built-in login).
    pub fn logins(&self) -> usize {
        self.state.logins.load(Ordering::SeqCst)
    }

    /// Ends every session after `calls` more authenticated calls, as an inactivity
    /// timeout would in the middle of a busy client.
    pub fn expire_sessions_after(&self, calls: usize) {
        *lock(&self.state.expire_after) = Some(calls);
    }

    /// Serves `reply` to authenticated `GET`s of `path` (e.g. [`Reply::stream`]).
    pub fn serve_file(&self, path: &str, reply: Reply) {
        lock(&self.state.files).insert(path.to_owned(), reply);
    }

    /// The files uploaded so far.
    pub fn uploads(&self) -> Vec<Upload> {
        lock(&self.state.uploads).clone()
    }

    /// Every token and session cookie value ever issued, to check that none leaks.
    pub fn issued_secrets(&self) -> Vec<String> {
        lock(&self.state.issued).clone()
    }
}

impl Drop for Appliance {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Runs a test body, failing instead of hanging when it does not finish in a minute
/// (a hang guard, not a timing assertion).
pub async fn guarded<F: std::future::Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test did not finish within a minute: something hangs")
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Default)]
struct State {
    handlers: Mutex<HashMap<String, Arc<Handler>>>,
    /// Session cookie value → token.
    sessions: Mutex<HashMap<String, String>>,
    issued: Mutex<Vec<String>>,
    requests: Mutex<Vec<RpcCall>>,
    forget_requests: bool,
    split_replies: bool,
    connections: AtomicUsize,
    counter: AtomicU64,
    logins: AtomicUsize,
    /// Authenticated calls left before every session ends.
    expire_after: Mutex<Option<usize>>,
    /// Download path → reply.
    files: Mutex<HashMap<String, Reply>>,
    uploads: Mutex<Vec<Upload>>,
}

impl State {
    /// A fresh random-looking hex string of `len` digits.
    fn random_hex(&self, len: usize) -> String {
        let mut out = String::new();
        while out.len() < len {
            let n = self.counter.fetch_add(1, Ordering::Relaxed);
            let nanos = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            let seed = std::hash::BuildHasher::hash_one(
                &std::collections::hash_map::RandomState::new(),
                n,
            );
            let digest = Sha256::digest(format!("{n}:{nanos}:{seed}").as_bytes());
            out.push_str(&hex::encode(digest));
        }
        out.truncate(len);
        out
    }

    fn authenticated(&self, call: &RpcCall) -> bool {
        let (session_cookie, _) = session_cookie_names(&call.path);
        let (Some(sid), Some(token)) = (call.cookie(session_cookie), call.header("x-token")) else {
            return false;
        };
        lock(&self.sessions).get(sid).is_some_and(|t| t == token)
    }

    fn record(&self, call: &RpcCall) {
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

    fn route(&self, call: &RpcCall) -> Reply {
        let handler = lock(&self.handlers).get(&call.method).cloned();
        if call.method != LOGIN && !call.batch {
            self.tick_expiry();
        }
        if call.method != LOGIN && !self.authenticated(call) {
            return Reply::error(-32001, "Session expired.", &[]);
        }
        match handler {
            Some(handler) => handler(call),
            None => Reply::Builtin,
        }
    }

    /// The built-in methods; returns the reply and the cookies to set.
    fn builtin(&self, call: &RpcCall) -> (Reply, Vec<String>) {
        match call.method.as_str() {
            LOGIN => {
                let user = call.params.get("userName").and_then(Value::as_str);
                let password = call.params.get("password").and_then(Value::as_str);
                if user != Some(USER) || password != Some(PASSWORD) {
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
                // The Statistics cookies' path is not known from evidence.
                let (session, token_cookie) = session_cookie_names(&call.path);
                let scope = if session == SESSION_COOKIE {
                    "/admin/"
                } else {
                    "/"
                };
                let cookies = vec![
                    format!("{session}={sid}; path={scope}; secure; HttpOnly"),
                    format!("{token_cookie}={token}; path={scope}; secure"),
                ];
                (Reply::result(json!({ "token": token })), cookies)
            }
            LOGOUT => {
                if let Some(sid) = call.cookie(session_cookie_names(&call.path).0) {
                    lock(&self.sessions).remove(sid);
                }
                (Reply::result(json!({})), vec![])
            }
            batch::METHOD => (batch::run(self, call), vec![]),
            UPLOAD => (files::store_upload(self, call), vec![]),
            DOWNLOAD => (files::serve_download(self, call), vec![]),
            other => (
                Reply::error(-32601, "Method %1 not found.", &[json!(other)]),
                vec![],
            ),
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    state: Arc<State>,
    nodelay: bool,
) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let _ = tcp.set_nodelay(nodelay);
        state.connections.fetch_add(1, Ordering::SeqCst);
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
) -> Result<Response<TestBody>, io::Error> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
    if parts.method == HttpMethod::GET {
        let call = files::download_call(parts);
        state.record(&call);
        let reply = state.route(&call);
        return respond(&state, &call, reply).await;
    }
    if parts.method == HttpMethod::POST && parts.uri.path().ends_with("/upload/") {
        let call = files::upload_call(parts, body);
        state.record(&call);
        let reply = state.route(&call);
        return respond(&state, &call, reply).await;
    }
    if parts.method != HttpMethod::POST {
        return Ok(raw_response(
            405,
            "text/html",
            Bytes::from_static(b"<html><title>405</title></html>"),
            &[],
        ));
    }
    let Ok(envelope) = serde_json::from_slice::<Value>(&body) else {
        let reply = json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "Parse error."}});
        return Ok(raw_response(200, JSON_RPC, to_bytes(&reply), &[]));
    };
    let call = RpcCall {
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
    };
    state.record(&call);
    let reply = state.route(&call);
    let response = respond(&state, &call, reply).await?;
    Ok(if state.split_replies {
        response.map(TestBody::split)
    } else {
        response
    })
}

async fn respond(
    state: &State,
    call: &RpcCall,
    mut reply: Reply,
) -> Result<Response<TestBody>, io::Error> {
    let mut status = 200;
    let mut cookies = Vec::new();
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
            Reply::Builtin => {
                let (builtin, set) = state.builtin(call);
                cookies.extend(set);
                builtin
            }
            Reply::Result(result) => {
                let body = json!({"jsonrpc": "2.0", "id": call.id, "result": result});
                return Ok(raw_response(status, JSON_RPC, to_bytes(&body), &cookies));
            }
            Reply::ResultRaw(raw) => {
                let head = format!(r#"{{"jsonrpc":"2.0","id":{},"result":"#, call.id);
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
                let error = json!({"code": code, "message": message,
                    "data": {"messageParameters": {"positionalParameters": parameters, "plurality": 1}}});
                let body = json!({"jsonrpc": "2.0", "id": call.id, "error": error});
                return Ok(raw_response(status, JSON_RPC, to_bytes(&body), &cookies));
            }
            Reply::Raw {
                status,
                content_type,
                body,
            } => {
                return Ok(raw_response(status, &content_type, body, &cookies));
            }
            Reply::CutOff {
                content_type,
                body,
                sent,
            } => {
                let mut response =
                    Response::new(TestBody::broken(body.slice(..sent.min(body.len()))));
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
                let mut response = Response::new(TestBody::generated(len, chunk, sized));
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
            Reply::Drop => return Err(io::Error::other("test appliance drops the connection")),
        };
    }
}

fn to_bytes(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("serializable"))
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("valid header value")
}

fn raw_response(
    status: u16,
    content_type: &str,
    body: Bytes,
    cookies: &[String],
) -> Response<TestBody> {
    let mut response = Response::new(TestBody::Whole(Some(body)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).expect("valid status");
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, header_value(content_type));
    for cookie in cookies {
        headers.append(SET_COOKIE, header_value(cookie));
    }
    response
}
