//! One JSON-RPC request as the appliance received it, and the session cookies of each
//! API.

use bytes::Bytes;
use hyper::header::{COOKIE, HeaderMap};
use serde_json::Value;

use crate::support::{SESSION_COOKIE, TOKEN_COOKIE};

/// Name of the session cookie of the Statistics API (the user pages).
///
/// Evidence: the spec of the Statistics `Session` interface
/// (`api-spec/control-stats/interfaces/Session.json`), and public scripts written
/// against real appliances, which log in through the user pages' form
/// (`/internal/dologin.php`), read `SESSION_CONTROL_WEBIFACE` and
/// `TOKEN_CONTROL_WEBIFACE` from the cookie jar and send both back, with `X-Token`,
/// to `/lib/api/jsonrpc/`; a browser request to a Control user portal copied as curl
/// carries the same two cookies.
pub const STATS_SESSION_COOKIE: &str = "SESSION_CONTROL_WEBIFACE";
/// Name of the Statistics API's cookie that repeats the token.
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

/// One JSON-RPC request as the appliance received it.
#[derive(Debug, Clone)]
pub struct RpcCall {
    /// The HTTP path, e.g. `/admin/api/jsonrpc/`.
    pub path: String,
    /// `method` of the envelope.
    pub method: String,
    /// `id` of the envelope.
    pub id: Value,
    /// `params` of the envelope (`null` when absent).
    pub params: Value,
    /// The HTTP request headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// Whether this is a command of a `Batch.run` request.
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
