//! A Kerio appliance look-alike on loopback, generated from the same specs as the client
//! (feature `mock`): for examples without an appliance, kerio-api's own tests and users'
//! tests of their automation. It plays Kerio Control unless told to serve other APIs
//! ([`MockBuilder::api`]): a Kerio Connect mail server (`connect-admin`,
//! `connect-client`) or a Kerio Operator PBX (`operator-admin`), each with a profile of
//! its own (see [`ApplianceState`]), chosen by the `product` of the served APIs'
//! manifests.
//!
//! ```no_run
//! # async fn run() -> Result<(), kerio_api::Error> {
//! use kerio_api::admin::{Admin, ApiApplication, SearchQuery};
//! use kerio_api::mock::MockAppliance;
//!
//! let mock = MockAppliance::start().await?;
//! let client = mock.client_builder().build()?;
//! let app = ApiApplication::default();
//! let session = Admin::login(&client, mock.user(), mock.password(), &app).await?;
//! let hosts = session.active_hosts().get(&SearchQuery::default(), false).await?;
//! println!("{} hosts", hosts.total_items);
//! # Ok(())
//! # }
//! ```
//!
//! What it does, for every API of the spec set at that API's endpoint path:
//! - real HTTPS with a self-signed certificate made at start for the address it listens
//!   on ([`MockAppliance::cert_pem`], pin [`MockAppliance::cert_sha256`]);
//! - the vendor's web administration's form login: `kerio_username` and
//!   `kerio_password` posted to `/admin/internal/dologin.php` open a session (its two
//!   cookies set, redirect to `/admin/`), wrong ones redirect to
//!   `/admin/login/?reason=failure`;
//! - the two-step login of the method with the `login` role (token in the result,
//!   `SESSION_CONTROL_WEBADMIN` and `TOKEN_CONTROL_WEBADMIN` cookies), the session cookie
//!   **and** `X-Token` checked on every other call, `-32001` when either is missing or
//!   wrong or the session expired; logout; `Batch.run`; configuration timestamps to
//!   confirm after an `apply`; uploads (`POST <api path>upload/`) and downloads;
//! - params checked against the spec: an unknown method is `-32601`, a missing param
//!   `-32602`, a value of the wrong JSON type `-32607` (codes of the vendor's error
//!   table; the texts are the mock's). Unknown params are ignored, as real appliances do,
//!   and refused with `-32602` in [strict mode](MockBuilder::strict);
//! - replies: a [handler](MockAppliance::on) if one is set, else state for the interfaces
//!   that keep lists (`get` / `create` / `set` / `remove` / `apply` / `reset`, see below),
//!   else a [captured](MockBuilder::captures) result of the same method (same params
//!   first), else a result made up from the result types, the same for the same call
//!   and inert: optional out-params and fields left out (no pending action, no error
//!   object), `errors` and `warnings` empty, values from the spec's `examples` where it
//!   gives some (country and language codes), ids that no two lists share; then the
//!   profile of the API's product (for Kerio Control, what the vendor's web
//!   administration needs to start: named constants, naming rules, the administrator's
//!   settings, the local user database) and the [`ApplianceState`] are put into the
//!   replies they change;
//! - faults on request ([`Faults`]).
//!
//! An interface keeps state when its `get` lists structs with an `id`: `create` adds
//! items (ids `mock-N`), `set` merges the details into the listed ids, `remove` deletes
//! them, `get` lists them through the search query (conditions, order, `start`, `limit`,
//! `fields`); `apply` marks them saved and `reset` returns to the last applied list.
//! Wrong input gets the errors an appliance reports in `errors` (an unknown id: 1002; a
//! `name` another item has: 1001), in the shape the vendor's web administration reads.

mod captures;
mod files;
mod health;
mod made_up;
mod profile;
mod reply;
mod server;
mod spec;
mod store;
mod webadmin;

use std::collections::{HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use hyper::header::{COOKIE, HeaderMap};
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::{Client, ClientBuilder, Error};

pub use files::Upload;
pub use health::{ApplianceState, CURRENT_VERSION, OLDER_VERSION, UnknownState};
pub use profile::{
    CONNECT_CURRENT_VERSION, CONNECT_OLDER_VERSION, OPERATOR_CURRENT_VERSION,
    OPERATOR_OLDER_VERSION,
};
pub use reply::{JSON_RPC, Reply, pattern_byte};

pub(crate) use server::State;

/// Name of the administration's session cookie.
pub const SESSION_COOKIE: &str = "SESSION_CONTROL_WEBADMIN";
/// Name of the administration's cookie that repeats the token.
pub const TOKEN_COOKIE: &str = "TOKEN_CONTROL_WEBADMIN";
/// Name of the session cookie of the user pages (the Statistics API).
///
/// Evidence: public scripts written against real appliances log in through the user
/// pages, read `SESSION_CONTROL_WEBIFACE` and `TOKEN_CONTROL_WEBIFACE` from the cookie
/// jar and send both back, with `X-Token`, to `/lib/api/jsonrpc/`; a browser request to a
/// Control user portal copied as curl carries the same two cookies.
pub const STATS_SESSION_COOKIE: &str = "SESSION_CONTROL_WEBIFACE";
/// Name of the user pages' cookie that repeats the token.
pub const STATS_TOKEN_COOKIE: &str = "TOKEN_CONTROL_WEBIFACE";

/// The session and token cookie names the appliance uses for requests to `path`: the
/// administration's under `/admin/`, the user pages' (Statistics API) elsewhere.
pub fn session_cookie_names(path: &str) -> (&'static str, &'static str) {
    if path.starts_with("/admin/") {
        (SESSION_COOKIE, TOKEN_COOKIE)
    } else {
        (STATS_SESSION_COOKIE, STATS_TOKEN_COOKIE)
    }
}
/// The user name the mock accepts unless told otherwise.
pub const DEFAULT_USER: &str = "admin";

type Handler = dyn Fn(&RpcCall) -> Reply + Send + Sync;

/// One request as the mock received it: a JSON-RPC call, a command of a batch, an upload
/// (method [`UPLOAD`](crate::UPLOAD)) or a download (method [`DOWNLOAD`](crate::DOWNLOAD)).
#[derive(Debug, Clone)]
pub struct RpcCall {
    /// The HTTP path, e.g. `/admin/api/jsonrpc/` (with the query for downloads).
    pub path: String,
    /// `method` of the envelope.
    pub method: String,
    /// `id` of the envelope.
    pub id: Value,
    /// `params` of the envelope (`null` when absent).
    pub params: Value,
    /// The HTTP request headers.
    pub headers: HeaderMap,
    /// The raw body (the file of an upload).
    pub body: Bytes,
    /// Whether this is a command of a batch.
    pub batch: bool,
}

impl RpcCall {
    /// A request header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value of a cookie the request sent.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// Faults the mock plays on request.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Faults {
    /// Ends every session after this many authenticated calls.
    pub expire_after: Option<usize>,
    /// Waits this long before every answer.
    pub latency: Option<Duration>,
    /// The share of calls (0.0 to 1.0) answered with JSON-RPC error `-32000`, chosen by
    /// a fixed pseudo-random sequence (the same calls fail on every run).
    pub error_rate: f64,
    /// Leaves Nagle's algorithm on for accepted connections (off by default).
    pub nagle: bool,
    /// Sends every JSON-RPC reply in two writes (headers and the body's first byte, then
    /// the rest), as servers that write headers and body apart do.
    pub split_replies: bool,
}

impl Faults {
    /// No faults.
    pub fn new() -> Faults {
        Faults::default()
    }

    /// See [`Faults::expire_after`].
    pub fn expire_after(mut self, calls: usize) -> Faults {
        self.expire_after = Some(calls);
        self
    }

    /// See [`Faults::latency`].
    pub fn latency(mut self, latency: Duration) -> Faults {
        self.latency = Some(latency);
        self
    }

    /// See [`Faults::error_rate`]; clamped to 0.0..=1.0.
    pub fn error_rate(mut self, rate: f64) -> Faults {
        self.error_rate = if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        };
        self
    }

    /// See [`Faults::nagle`].
    pub fn nagle(mut self, on: bool) -> Faults {
        self.nagle = on;
        self
    }

    /// See [`Faults::split_replies`].
    pub fn split_replies(mut self, on: bool) -> Faults {
        self.split_replies = on;
        self
    }
}

/// Configures a [`MockAppliance`] before it starts.
#[derive(Debug, Clone)]
pub struct MockBuilder {
    listen: SocketAddr,
    user: String,
    password: Option<String>,
    state: ApplianceState,
    captures: Option<PathBuf>,
    strict: bool,
    faults: Faults,
    forget_requests: bool,
    identity: Option<(Vec<u8>, Vec<u8>)>,
    api_paths: Vec<(String, String)>,
    apis: Vec<String>,
}

impl Default for MockBuilder {
    fn default() -> Self {
        MockBuilder {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            user: DEFAULT_USER.to_owned(),
            password: None,
            state: ApplianceState::Healthy,
            captures: None,
            strict: false,
            faults: Faults::default(),
            forget_requests: false,
            identity: None,
            api_paths: Vec::new(),
            apis: Vec::new(),
        }
    }
}

impl MockBuilder {
    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// The user name and password the login accepts (default [`DEFAULT_USER`] and a
    /// password made up at start, see [`MockAppliance::password`]).
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.user = user.into();
        self.password = Some(password.into());
        self
    }

    /// The user name the login accepts, with a password made up at start.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = user.into();
        self
    }

    /// The condition the appliance plays (default healthy).
    pub fn state(mut self, state: ApplianceState) -> Self {
        self.state = state;
        self
    }

    /// Replays results from the HAR files of this folder.
    pub fn captures(mut self, dir: impl AsRef<Path>) -> Self {
        self.captures = Some(dir.as_ref().to_owned());
        self
    }

    /// Refuses params (at any depth) that the spec does not know, and enum values it
    /// does not list, instead of ignoring them as real appliances do: for tests that
    /// want to catch a misspelled name.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Faults to play.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Does not keep the requests it receives (for benchmarks, which send millions).
    pub fn forget_requests(mut self) -> Self {
        self.forget_requests = true;
        self
    }

    /// Serves this certificate (DER) and PKCS#8 private key (DER) instead of making a
    /// self-signed one; [`MockAppliance::cert_pem`] then holds this certificate.
    pub fn identity(mut self, cert_der: Vec<u8>, key_pkcs8_der: Vec<u8>) -> Self {
        self.identity = Some((cert_der, key_pkcs8_der));
        self
    }

    /// Also serves the API named `api_name` (`stats`) at `path` (`/lib/api/jsonrpc/`),
    /// as some firmware does; its spec path keeps working.
    pub fn api_path(mut self, api_name: &str, path: &str) -> Self {
        self.api_paths.push((api_name.to_owned(), path.to_owned()));
        self
    }

    /// Serves the API of this name (as in its manifest: `connect-admin`); call it once
    /// per API to serve several from one mock (`connect-admin` and `connect-client`,
    /// each at its own path with sessions of its own). Without it the mock serves every
    /// API of the product of the first API in name order: Kerio Control's `admin` and
    /// `stats` in the shipped spec set. Two APIs at one path cannot share a mock
    /// ([`start`](Self::start) fails).
    pub fn api(mut self, name: impl Into<String>) -> Self {
        self.apis.push(name.into());
        self
    }

    /// Starts serving, in the current tokio runtime.
    ///
    /// Fails with [`Error::Io`] when the address cannot be bound, the captures cannot
    /// be read or the certificate cannot be made, and with [`Error::Config`] when an API
    /// named with [`api`](Self::api) is not in the spec set or two share a path.
    pub async fn start(self) -> Result<MockAppliance, Error> {
        server::start(self).await
    }
}

/// A running mock appliance; stops serving when dropped.
pub struct MockAppliance {
    url: String,
    cert_pem: String,
    cert_sha256: String,
    user: String,
    password: String,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockAppliance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockAppliance")
            .field("url", &self.url)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl MockAppliance {
    /// Configures a mock before starting it.
    pub fn builder() -> MockBuilder {
        MockBuilder::default()
    }

    /// Starts a healthy mock on `127.0.0.1` on a free port, with a made-up password.
    pub async fn start() -> Result<MockAppliance, Error> {
        MockBuilder::default().start().await
    }

    /// The base URL, `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The PEM of the certificate it serves.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The SHA-256 of the certificate, lowercase hex, as
    /// [`ClientBuilder::pin_sha256`] takes it.
    pub fn cert_sha256(&self) -> &str {
        &self.cert_sha256
    }

    /// The user name the login accepts.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The password the login accepts.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// A client builder for this mock: certificate pinned, proxies ignored.
    pub fn client_builder(&self) -> ClientBuilder {
        let builder = Client::builder(&self.url).no_proxy();
        match builder.pin_sha256(&self.cert_sha256) {
            Ok(pinned) => pinned,
            // The pin is made here and always valid; should it not be, the client fails
            // the handshake with a clear TLS error rather than trusting anything.
            Err(_) => Client::builder(&self.url).no_proxy(),
        }
    }

    /// Answers `method` (a JSON-RPC method, [`UPLOAD`](crate::UPLOAD) or
    /// [`DOWNLOAD`](crate::DOWNLOAD)) with whatever `handler` returns; return
    /// [`Reply::Builtin`] for what the mock would answer. A handler of the login method
    /// replaces the built-in login; handlers of other methods run after the session
    /// check and before the params are checked.
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

    /// Every request received so far, in order (batch commands after their batch).
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

    /// How many logins succeeded (with the built-in login).
    pub fn logins(&self) -> usize {
        self.state.logins.load(Ordering::SeqCst)
    }

    /// Ends every session, as an inactivity timeout would.
    pub fn expire_sessions(&self) {
        lock(&self.state.sessions).clear();
    }

    /// Ends every session after `calls` more authenticated calls, as an inactivity
    /// timeout would in the middle of a busy client.
    pub fn expire_sessions_after(&self, calls: usize) {
        *lock(&self.state.expire_after) = Some(calls);
    }

    /// Changes the condition the appliance plays.
    pub fn set_state(&self, state: ApplianceState) {
        *lock(&self.state.appliance) = state;
    }

    /// Serves `reply` to authenticated `GET`s of `path` (e.g. [`Reply::stream`]).
    pub fn serve_file(&self, path: &str, reply: Reply) {
        lock(&self.state.files).insert(path.to_owned(), reply);
    }

    /// The files uploaded so far.
    pub fn uploads(&self) -> Vec<Upload> {
        lock(&self.state.uploads).clone()
    }

    /// Every token and session cookie value issued so far, to check that none leaks.
    pub fn issued_secrets(&self) -> Vec<String> {
        lock(&self.state.issued).clone()
    }

    /// Forgets every change made through `create`, `set` and `remove`.
    pub fn reset_state(&self) {
        lock(&self.state.store).clear();
    }
}

impl Drop for MockAppliance {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Handlers by method.
type Handlers = HashMap<String, Arc<Handler>>;

/// Counts calls for [`Faults::error_rate`] and the like.
type Counter = AtomicUsize;
