//! The client: one appliance, one keep-alive connection pool, one TLS policy.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::error::Error;
use crate::method::Api;
use crate::retry::RetryPolicy;
use crate::tls::{Fingerprint, TlsSettings};
use crate::transport::Transport;

/// Default timeout of a whole request. Long enough for the long poll the web
/// administration uses to keep sessions alive (`Notifications.get` with a 120 s timeout).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);
/// Default timeout for establishing a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of a whole file upload or download.
pub const DEFAULT_TRANSFER_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// Default limit of the size of a reply read whole (every JSON-RPC reply): far above the
/// largest listings real appliances send, low enough that a broken or hostile appliance
/// cannot exhaust the client's memory. Downloads stream and have no such limit.
pub const DEFAULT_MAX_REPLY_SIZE: usize = 64 * 1024 * 1024;
/// How long an idle pooled connection is kept open.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Idle pooled connections kept per appliance: enough for a burst of parallel calls
/// without holding dozens of sockets open on a small appliance afterwards.
const POOL_MAX_IDLE_PER_HOST: usize = 32;
/// Interval of HTTP/2 pings that notice a dead connection before a call waits on it.
const HTTP2_KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(30);
/// How long an HTTP/2 ping may go unanswered before the connection counts as dead.
const HTTP2_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(20);

/// A client for one appliance.
///
/// Cheap to clone: clones share one connection pool. A client holds no credentials;
/// [`Client::login`] returns a [`Session`](crate::Session) that does.
///
/// ```no_run
/// # async fn demo() -> Result<(), kerio_api::Error> {
/// let client = kerio_api::Client::builder("https://fw.example.com:4081")
///     .pin_sha256("5f:2a:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd")?
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    transport: Transport,
    /// Scheme, host, port and an optional path prefix, without a trailing `/`.
    base_url: String,
    api_paths: BTreeMap<String, String>,
    tls_mode: String,
    auto_relogin: bool,
    strict_decoding: bool,
    transfer_timeout: Duration,
    retry: RetryPolicy,
}

impl Client {
    /// Starts configuring a client for the appliance at `base_url`, e.g.
    /// `https://fw.example.com:4081`.
    ///
    /// The URL gives scheme, host and port (HTTPS defaults to 443; Kerio Control's
    /// administration listens on 4081, so give the port). The address a browser shows
    /// works too: a path that ends in an API's endpoint path or in a leading part of one
    /// (`/admin/`, `/admin/api/jsonrpc/`, `/webmail/`: every path the generated APIs
    /// declare, [`Api::DEFAULT_PATH`] and [`Api::ALTERNATIVE_PATHS`]) is taken off, and so
    /// is a fragment (`#dashboard`). Any other path is kept as a prefix of every API
    /// path, for appliances behind a reverse proxy (`https://proxy/fw1` calls
    /// `https://proxy/fw1/admin/api/jsonrpc/`).
    pub fn builder(base_url: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.as_ref().to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            transfer_timeout: DEFAULT_TRANSFER_TIMEOUT,
            max_reply_size: DEFAULT_MAX_REPLY_SIZE,
            auto_relogin: false,
            strict_decoding: false,
            tls: TlsSettings::default(),
            api_paths: BTreeMap::new(),
            user_agent: concat!("kerio-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            allow_http: false,
            use_system_proxy: true,
            reuse_connections: true,
            retry: RetryPolicy::default(),
            max_in_flight: None,
        }
    }

    /// The base URL, as normalised by the builder.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The endpoint URL of an API: the base URL and the API's path (overridden with
    /// [`ClientBuilder::api_path`] or [`Api::DEFAULT_PATH`]).
    pub fn endpoint<A: Api>(&self) -> String {
        let path = self
            .inner
            .api_paths
            .get(A::NAME)
            .map_or(A::DEFAULT_PATH, String::as_str);
        format!("{}{}", self.inner.base_url, path)
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    pub(crate) fn auto_relogin(&self) -> bool {
        self.inner.auto_relogin
    }

    pub(crate) fn strict_decoding(&self) -> bool {
        self.inner.strict_decoding
    }

    pub(crate) fn transfer_timeout(&self) -> Duration {
        self.inner.transfer_timeout
    }

    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("tls", &self.inner.tls_mode)
            .field("api_paths", &self.inner.api_paths)
            .field("auto_relogin", &self.inner.auto_relogin)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
///
/// TLS is verified against the platform's trust store unless told otherwise. For the
/// self-signed certificates appliances usually have, pin the certificate with
/// [`pin_sha256`](Self::pin_sha256) or trust its CA with
/// [`ca_certificate_pem`](Self::ca_certificate_pem). When several are configured, the
/// dangerous opt-out wins over pins, and pins win over custom CAs.
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    transfer_timeout: Duration,
    max_reply_size: usize,
    auto_relogin: bool,
    strict_decoding: bool,
    tls: TlsSettings,
    api_paths: BTreeMap<String, String>,
    user_agent: String,
    allow_http: bool,
    use_system_proxy: bool,
    reuse_connections: bool,
    retry: RetryPolicy,
    max_in_flight: Option<usize>,
}

impl ClientBuilder {
    /// Timeout of a whole request, from sending to the last byte of the reply
    /// (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of a whole file upload or download (default
    /// [`DEFAULT_TRANSFER_TIMEOUT`]), which replaces [`timeout`](Self::timeout) for them.
    pub fn transfer_timeout(mut self, timeout: Duration) -> Self {
        self.transfer_timeout = timeout;
        self
    }

    /// The most bytes a reply may have (default [`DEFAULT_MAX_REPLY_SIZE`]). A longer
    /// reply fails with [`Error::ReplyTooLarge`] as soon as its `Content-Length` or the
    /// bytes read so far exceed the limit, whether or not it declared its length.
    /// Applies to every JSON-RPC reply and to the reply of an upload; downloads stream
    /// to their writer without it.
    pub fn max_reply_size(mut self, bytes: usize) -> Self {
        self.max_reply_size = bytes;
        self
    }

    /// Fails a call whose reply holds a value that does not fit the spec (default: off).
    ///
    /// By default a reply is decoded strictly first; only when that fails is it decoded
    /// again tolerantly: a value that does not fit is decoded as missing (`None`), a
    /// list item that does not fit is left out of its list, and each such value is
    /// reported once per session and method as a `tracing` warning and in
    /// [`Session::spec_drift`](crate::Session::spec_drift), with its JSON path and the
    /// JSON kind found (never the value). A spec error then costs a field, not the call.
    /// With strict decoding, such a call fails with [`Error::Decode`] naming the path.
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.strict_decoding = strict;
        self
    }

    /// Logs in again by itself when the appliance says a session expired (error
    /// -32001), then sends the rejected request once more (default: off).
    ///
    /// The appliance does not execute a request it rejects that way, so sending it again
    /// is safe. The parameters of the first login (the password) are kept serialized in
    /// memory for this, inside a [`Secret`](crate::Secret), and never logged. However
    /// many calls fail at once, the session logs in once; the new token and cookies
    /// serve every clone of the session. A request is sent again at most once. When the
    /// re-login fails, the call that made it gets the login's error and the calls that
    /// waited on it get their session-expired error, without trying again (a wrong
    /// password sent once per waiting call could lock the account); a later call tries
    /// again. Streamed uploads, which cannot be replayed, are not sent again (the session
    /// is renewed for the next call), nor is the logout of [`Session::close`](crate::Session::close).
    pub fn auto_relogin(mut self, enabled: bool) -> Self {
        self.auto_relogin = enabled;
        self
    }

    /// Trusts the server whose end-entity certificate has this SHA-256, given as 64 hex
    /// digits in any case, with or without `:` separators (as browsers and
    /// `openssl x509 -noout -fingerprint -sha256` show it).
    ///
    /// With a pin, only the pin is checked: not the chain, not the host name, not the
    /// validity dates. That is how self-signed appliances are trusted. Call it several
    /// times to accept any of several certificates (during a certificate change).
    pub fn pin_sha256(mut self, hex: &str) -> Result<Self, Error> {
        self.tls.pins.push(Fingerprint::parse(hex)?);
        Ok(self)
    }

    /// Trusts the CA certificates of a PEM bundle, instead of the platform's trust store.
    /// The chain and the host name are checked as usual. May be called several times.
    pub fn ca_certificate_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        self.tls.add_ca_pem(pem)?;
        Ok(self)
    }

    /// **Dangerous:** accepts any server certificate. Anyone between the client and the
    /// appliance can then pose as the appliance and read the password and the session.
    /// Prefer [`pin_sha256`](Self::pin_sha256); this exists for throw-away lab setups.
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.tls.accept_invalid_certs = true;
        self
    }

    /// **Dangerous:** allows an `http://` base URL, which sends the password and the
    /// session token in clear text. Without it, `build` rejects non-HTTPS URLs.
    pub fn danger_allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// Overrides the endpoint path of an API, by [`Api::NAME`], e.g.
    /// `.api_path("stats", "/lib/api/jsonrpc/")` for appliances that serve the
    /// Statistics API there.
    pub fn api_path(mut self, api_name: &str, path: &str) -> Self {
        self.api_paths.insert(api_name.to_owned(), path.to_owned());
        self
    }

    /// The `User-Agent` header (default `kerio-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Ignores the proxy environment variables (`HTTPS_PROXY`, `ALL_PROXY`...), which are
    /// honoured by default.
    pub fn no_proxy(mut self) -> Self {
        self.use_system_proxy = false;
        self
    }

    /// Keeps connections open between requests, to send the next ones on them (default:
    /// on). Off, every request opens a new connection (TCP and a TLS handshake, resumed
    /// when the appliance allows) and closes it after the reply.
    ///
    /// Turn it off only for an appliance whose replies stall about 40 ms each on a kept-
    /// alive connection: a server that leaves Nagle's algorithm on and writes a reply's
    /// headers and body apart waits for the client's delayed ACK of the headers before
    /// it sends the body. Linux acknowledges at once on a new connection, so there each
    /// reply costs a handshake instead of the stall (`cargo bench -p kerio-api --bench
    /// calls -- paging_1000_by_50` measures both against the mock appliance; other
    /// systems were not measured). Whether real appliances behave that way is not known.
    pub fn reuse_connections(mut self, reuse: bool) -> Self {
        self.reuse_connections = reuse;
        self
    }

    /// How many times an idempotent call is sent again after a connection reset or an
    /// HTTP 502 or 503 (default [`DEFAULT_RETRIES`](crate::DEFAULT_RETRIES); 0 turns
    /// retries off). Only methods the spec declares idempotent (reads,
    /// [`Method::IDEMPOTENT`](crate::Method::IDEMPOTENT)) are retried, never a change,
    /// a batch or an upload; timeouts are not retried. The waits between tries start at
    /// [`retry_backoff`](Self::retry_backoff) and double.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retry.retries = retries;
        self
    }

    /// The wait before the first retry of an idempotent call (default
    /// [`DEFAULT_RETRY_BACKOFF`](crate::DEFAULT_RETRY_BACKOFF)); it doubles with each
    /// further retry, up to 8 s.
    pub fn retry_backoff(mut self, backoff: Duration) -> Self {
        self.retry.backoff = backoff;
        self
    }

    /// The most requests this client has in flight to the appliance at once (default:
    /// no limit); further calls wait for one to end. Every request counts: calls,
    /// batches, logins, uploads and downloads (until their body is read). Small
    /// appliances serve many parallel requests slowly; a dashboard that starts dozens of
    /// calls at once can keep them to a few. A limit of 0 is taken as 1.
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = Some(requests.max(1));
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] for a malformed or non-HTTPS URL, a bad API path, or
    /// when the default verification is used and no platform CA certificates are found.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = normalize_base_url(&self.base_url, self.allow_http)?;
        for (api, path) in &self.api_paths {
            if !path.starts_with('/')
                || path.contains(['?', '#'])
                || path.chars().any(char::is_whitespace)
            {
                return Err(Error::Config(format!(
                    "the path of API `{api}` must be an absolute path like `/admin/api/jsonrpc/`, got `{path}`"
                )));
            }
        }
        let tls_config = self.tls.client_config()?;
        let mut http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_max_idle_per_host(if self.reuse_connections {
                POOL_MAX_IDLE_PER_HOST
            } else {
                0
            })
            .tcp_keepalive(Duration::from_secs(30))
            .tcp_nodelay(true)
            .http2_keep_alive_interval(HTTP2_KEEP_ALIVE_INTERVAL)
            .http2_keep_alive_timeout(HTTP2_KEEP_ALIVE_TIMEOUT)
            .http2_adaptive_window(true)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .https_only(!self.allow_http)
            .user_agent(self.user_agent);
        if !self.use_system_proxy {
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(ClientInner {
                transport: Transport::new(http, self.max_reply_size, self.max_in_flight),
                base_url,
                api_paths: self.api_paths,
                tls_mode: self.tls.mode(),
                auto_relogin: self.auto_relogin,
                strict_decoding: self.strict_decoding,
                transfer_timeout: self.transfer_timeout,
                retry: self.retry,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &without_credentials(&self.base_url))
            .field("tls", &self.tls.mode())
            .field("api_paths", &self.api_paths)
            .field("auto_relogin", &self.auto_relogin)
            .field("strict_decoding", &self.strict_decoding)
            .field("max_reply_size", &self.max_reply_size)
            .field("reuse_connections", &self.reuse_connections)
            .field("retries", &self.retry.retries)
            .field("max_in_flight", &self.max_in_flight)
            .finish_non_exhaustive()
    }
}

/// The URL for `Debug` output, without any user name or password it may hold.
fn without_credentials(text: &str) -> String {
    match Url::parse(text.trim()) {
        Ok(mut url) => {
            // Fails only for URLs that cannot have credentials.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) if text.contains('@') => "<invalid URL>".to_owned(),
        Err(_) => text.to_owned(),
    }
}

include!(concat!(env!("OUT_DIR"), "/api_paths.rs"));

/// The part of a base URL's path before the API path it ends in, or in a leading part
/// of one (`/admin/` of `/admin/api/jsonrpc/`), the longest that matches; `None` when
/// it ends in none of them.
fn strip_api_path<'p>(path: &'p str, api_paths: &[&str]) -> Option<&'p str> {
    let trimmed = path.trim_end_matches('/');
    api_paths
        .iter()
        .flat_map(|api| {
            // `/admin`, `/admin/api`, `/admin/api/jsonrpc`: each leading part of the path.
            let api = api.trim_end_matches('/');
            api.match_indices('/')
                .map(|(i, _)| i)
                .skip(1)
                .chain(std::iter::once(api.len()))
                .map(move |end| &api[..end])
        })
        .filter(|part| part.len() > 1 && trimmed.ends_with(part))
        .max_by_key(|part| part.len())
        .map(|part| &trimmed[..trimmed.len() - part.len()])
}

/// Checks the base URL and returns it without a trailing `/`.
fn normalize_base_url(text: &str, allow_http: bool) -> Result<String, Error> {
    let text = text.trim();
    if !text.contains("://") {
        // `fw.example.com:4081` would parse as scheme `fw.example.com`.
        let example = if text.contains('@') || text.is_empty() {
            "https://fw.example.com:4081".to_owned()
        } else {
            format!("https://{text}")
        };
        return Err(Error::Config(format!(
            "the base URL has no scheme; add https:// (`{example}`)"
        )));
    }
    let mut url = Url::parse(text)
        .map_err(|e| Error::Config(format!("the base URL is not a valid URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(Error::Config(
                "the base URL uses http://, which would send the password in clear text; use https:// \
                 (or `danger_allow_http` for a lab)"
                    .into(),
            ));
        }
        other => {
            return Err(Error::Config(format!(
                "the base URL must be https://, not {other}://"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config("the base URL has no host".into()));
    }
    // Credentials in the URL would end up in logs and Debug output.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the base URL must not hold a user name or password; log in instead".into(),
        ));
    }
    if url.query().is_some() {
        return Err(Error::Config(
            "the base URL must not have a query; give scheme, host and port (`https://fw.example.com:4081`)"
                .into(),
        ));
    }
    // A browser's address (`https://fw:4081/admin/#dashboard`): never sent, so dropped.
    url.set_fragment(None);
    if let Some(prefix) = strip_api_path(url.path(), API_PATHS) {
        let prefix = prefix.to_owned();
        url.set_path(&prefix);
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised() {
        assert_eq!(
            normalize_base_url("https://fw.example.com:4081", false).unwrap(),
            "https://fw.example.com:4081"
        );
        assert_eq!(
            normalize_base_url("https://fw.example.com:4081/", false).unwrap(),
            "https://fw.example.com:4081"
        );
        assert_eq!(
            normalize_base_url("https://proxy/fw1/", false).unwrap(),
            "https://proxy/fw1"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080", true).unwrap(),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn browser_addresses_are_the_appliance() {
        for (given, base) in [
            ("https://fw:4081/admin/", "https://fw:4081"),
            ("https://fw:4081/admin", "https://fw:4081"),
            ("https://fw:4081/admin/#dashboard", "https://fw:4081"),
            ("https://fw:4081/admin/api/jsonrpc/", "https://fw:4081"),
            ("https://fw:4081/lib/api/jsonrpc", "https://fw:4081"),
            ("https://proxy/fw1/admin/", "https://proxy/fw1"),
            ("https://proxy/fw1/", "https://proxy/fw1"),
            (
                "https://proxy/administration/",
                "https://proxy/administration",
            ),
        ] {
            assert_eq!(normalize_base_url(given, false).unwrap(), base, "{given}");
        }
        // Every path of every product, and their leading parts.
        let paths = ["/admin/api/jsonrpc/", "/webmail/api/jsonrpc/"];
        assert_eq!(strip_api_path("/webmail/", &paths), Some(""));
        assert_eq!(strip_api_path("/x/webmail/api/", &paths), Some("/x"));
        assert_eq!(strip_api_path("/webmail2/", &paths), None);
        assert_eq!(strip_api_path("/", &paths), None);
    }

    #[test]
    fn bad_base_urls_are_rejected() {
        for bad in [
            "fw.example.com",
            "http://fw:4081",
            "ftp://fw",
            "https://admin:pw@fw:4081",
            "https://fw/?x=1",
            "admin:pw@fw:4081",
        ] {
            let err = normalize_base_url(bad, false).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
            assert!(!err.to_string().contains("pw@"), "{err}");
        }
        let err = normalize_base_url("fw.example.com:4081", false).unwrap_err();
        assert!(
            err.to_string()
                .contains("no scheme; add https:// (`https://fw.example.com:4081`)"),
            "{err}"
        );
        let builder = Client::builder("https://admin:s3cret@fw:4081");
        assert!(!format!("{builder:?}").contains("s3cret"));
    }

    #[test]
    fn bad_api_paths_are_rejected() {
        let err = Client::builder("https://127.0.0.1:1")
            .api_path("stats", "lib/api")
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::Config(ref m) if m.contains("stats")),
            "{err:?}"
        );
    }
}
