//! A logged-in session: the credentials, the request counter and the optional automatic
//! re-login of one login.

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::Url;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tracing::Instrument;
use tracing::field::Empty;

use crate::auth::{Auth, LoginRequest, Relogin};
use crate::client::Client;
use crate::drift::{DriftLog, SpecDrift};
use crate::error::Error;
use crate::method::{Api, Method};
use crate::retry;
use crate::wire::{self, Quoting};

/// The request id of a login; the session's own requests count on from there.
const LOGIN_ID: u64 = 1;

/// A logged-in session with one API of an appliance.
///
/// Cheap to clone (clones share the session) and usable from many tasks at once. Every
/// call sends the session token (`X-Token`) and the cookies the login reply set. The
/// session is not logged out on drop; call [`Session::close`] with the API's logout
/// method to end it on the appliance.
///
/// With [`ClientBuilder::auto_relogin`](crate::ClientBuilder::auto_relogin), a call
/// rejected because the session expired (-32001) logs in again with the parameters of
/// the first login and is sent once more; the new token and cookies serve every clone.
pub struct Session<A: Api> {
    pub(crate) inner: Arc<SessionInner>,
    /// How long each call made through this handle may take in all; see
    /// [`Session::with_timeout`].
    timeout: Option<Duration>,
    api: PhantomData<fn() -> A>,
}

pub(crate) struct SessionInner {
    client: Client,
    endpoint: String,
    url: Url,
    /// The current credentials, replaced as a whole (cookies set by a reply, re-login).
    auth: Mutex<Arc<Auth>>,
    relogin: Option<Relogin>,
    /// What tolerant decoding left out; `None` with strict decoding.
    pub(crate) drift: Option<Arc<DriftLog>>,
    next_id: AtomicU64,
    closed: AtomicBool,
}

impl Client {
    /// Logs in with the API's login method, whose output is the session token, and
    /// returns a session that sends the token and the cookies of the reply with every
    /// later call. The parameters of a login (the password) are never logged.
    pub async fn login<M: Method<Output = String>>(
        &self,
        method: &M,
    ) -> Result<Session<M::Api>, Error> {
        Session::login(self.clone(), method).await
    }
}

impl<A: Api> Session<A> {
    async fn login<M>(client: Client, method: &M) -> Result<Session<A>, Error>
    where
        M: Method<Api = A, Output = String>,
    {
        Session::login_with(client, LoginRequest::new(method)?).await
    }

    /// Logs in with a prepared login request (typed, or by name).
    pub(crate) async fn login_with(
        client: Client,
        request: LoginRequest,
    ) -> Result<Session<A>, Error> {
        let endpoint = client.endpoint::<A>();
        let url = Url::parse(&endpoint)
            .map_err(|e| Error::Config(format!("the endpoint `{endpoint}` is not a URL: {e}")))?;
        let auth = request
            .send(A::NAME, client.transport(), &url, LOGIN_ID, 0, None)
            .await?;
        let relogin = client.auto_relogin().then(|| Relogin::new(request));
        let drift = (!client.strict_decoding()).then(Arc::default);
        Ok(Session {
            inner: Arc::new(SessionInner {
                client,
                endpoint,
                url,
                auth: Mutex::new(Arc::new(auth)),
                relogin,
                drift,
                next_id: AtomicU64::new(LOGIN_ID + 1),
                closed: AtomicBool::new(false),
            }),
            timeout: None,
            api: PhantomData,
        })
    }

    /// The same session, whose calls each fail with [`Error::Timeout`] when they take
    /// longer than `timeout` in all: retries, a re-login and every request of a batch
    /// included. For one slow call among quick ones
    /// (`session.with_timeout(Duration::from_secs(5)).users().get(&q, "local").await`);
    /// each request also has the client's [`timeout`](crate::ClientBuilder::timeout).
    pub fn with_timeout(&self, timeout: Duration) -> Session<A> {
        Session {
            inner: self.inner.clone(),
            timeout: Some(timeout),
            api: PhantomData,
        }
    }

    /// Calls a method of the API and returns its output.
    ///
    /// Fails fast with [`Error::SessionClosed`] after [`Session::close`]. A
    /// [session-expired](Error::is_session_expired) error means the appliance dropped
    /// the session: log in again and retry, or let the client do it with
    /// [`ClientBuilder::auto_relogin`](crate::ClientBuilder::auto_relogin).
    ///
    /// A method the spec declares idempotent is sent again after a connection reset or
    /// an HTTP 502 or 503, as [`ClientBuilder::retries`](crate::ClientBuilder::retries)
    /// says.
    pub async fn call<M: Method<Api = A>>(&self, method: &M) -> Result<M::Output, Error> {
        let wire = self
            .send_as::<M::Wire, M>(M::NAME, method, M::IDEMPOTENT)
            .await?;
        Ok(M::output(wire))
    }

    /// Logs out with the API's logout method and closes the session: later calls, and a
    /// second `close`, fail with [`Error::SessionClosed`] without reaching the appliance.
    /// The session counts as closed even when the logout itself fails. An expired
    /// session is not logged in again just to log out.
    pub async fn close<M: Method<Api = A>>(&self, method: &M) -> Result<M::Output, Error> {
        let wire = self.close_with::<M::Wire, M>(M::NAME, method).await?;
        Ok(M::output(wire))
    }

    /// [`Session::close`] with any method and params, the result decoded as `W`.
    pub(crate) async fn close_with<W, P>(
        &self,
        method: &'static str,
        params: &P,
    ) -> Result<W, Error>
    where
        W: DeserializeOwned,
        P: Serialize + Sync + ?Sized,
    {
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return Err(Error::SessionClosed { method });
        }
        let auth = self.auth();
        self.exchange(&auth, method, params).await
    }

    /// Sends any request of this session and decodes its `result` as `W`, logging in
    /// again once when allowed: the building block of [`Session::call`], batches and
    /// cut-off prevention. Never retried after a connection failure.
    pub(crate) async fn send<W, P>(&self, method: &'static str, params: &P) -> Result<W, Error>
    where
        W: DeserializeOwned,
        P: Serialize + Sync + ?Sized,
    {
        self.send_as(method, params, false).await
    }

    /// [`Session::send`], retried after a connection failure when `idempotent`, within
    /// the handle's timeout.
    pub(crate) async fn send_as<W, P>(
        &self,
        method: &'static str,
        params: &P,
        idempotent: bool,
    ) -> Result<W, Error>
    where
        W: DeserializeOwned,
        P: Serialize + Sync + ?Sized,
    {
        let attempts = self.send_retrying(method, params, idempotent);
        match self.timeout {
            Some(limit) => tokio::time::timeout(limit, attempts)
                .await
                .unwrap_or(Err(Error::Timeout { method })),
            None => attempts.await,
        }
    }

    async fn send_retrying<W, P>(
        &self,
        method: &'static str,
        params: &P,
        idempotent: bool,
    ) -> Result<W, Error>
    where
        W: DeserializeOwned,
        P: Serialize + Sync + ?Sized,
    {
        let policy = self.inner.client.retry_policy();
        let mut retry = 0;
        loop {
            match self.send_once(method, params).await {
                Err(e) if idempotent && retry < policy.retries && retry::retryable(&e) => {
                    let delay = policy.delay(retry);
                    retry += 1;
                    tracing::debug!(
                        api = A::NAME,
                        method,
                        retry,
                        delay_ms = delay.as_millis() as u64,
                        error = %e,
                        "sending an idempotent call again"
                    );
                    tokio::time::sleep(delay).await;
                }
                other => return other,
            }
        }
    }

    /// One try: the request, and once more after a re-login when allowed.
    async fn send_once<W, P>(&self, method: &'static str, params: &P) -> Result<W, Error>
    where
        W: DeserializeOwned,
        P: Serialize + Sync + ?Sized,
    {
        if self.is_closed() {
            return Err(Error::SessionClosed { method });
        }
        let auth = self.auth();
        match self.exchange(&auth, method, params).await {
            Err(e) if self.may_relogin(&e) => {
                if !self.relogin(auth.generation).await? {
                    return Err(e);
                }
                let auth = self.auth();
                self.exchange(&auth, method, params).await
            }
            other => other,
        }
    }

    /// One request with the given credentials.
    async fn exchange<W, P>(
        &self,
        auth: &Auth,
        method: &'static str,
        params: &P,
    ) -> Result<W, Error>
    where
        W: DeserializeOwned,
        P: Serialize + Sync + ?Sized,
    {
        let id = self.next_id();
        let span = tracing::debug_span!(
            "kerio.call",
            api = A::NAME,
            method,
            id,
            status = Empty,
            bytes = Empty,
            duration_ms = Empty,
            outcome = Empty,
        );
        let started = Instant::now();
        let result = async {
            let body = wire::encode_request(id, method, params)?;
            let reply = self
                .inner
                .client
                .transport()
                .post(&self.inner.url, method, body, Some(&auth.headers))
                .await?;
            tracing::Span::current()
                .record("status", reply.status)
                .record("bytes", reply.body.len());
            let newer = self.absorb_cookies(auth, &reply.headers);
            let redactor = newer.as_deref().map_or(&auth.redactor, |a| &a.redactor);
            let drift = self.inner.drift.as_deref();
            wire::decode_reply(method, id, &reply, redactor, Quoting::Allowed, drift)
        }
        .instrument(span.clone())
        .await;
        record_outcome(&span, started, &result);
        result
    }

    /// The current credentials.
    pub(crate) fn auth(&self) -> Arc<Auth> {
        self.inner
            .auth
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Applies cookies a reply sets, unless a re-login replaced the credentials the
    /// request was sent with (a late reply must not bring back cookies of an old login).
    /// Returns the new credentials when they changed.
    pub(crate) fn absorb_cookies(
        &self,
        sent_with: &Auth,
        headers: &HeaderMap,
    ) -> Option<Arc<Auth>> {
        if !headers.contains_key(reqwest::header::SET_COOKIE) {
            return None;
        }
        let mut current = self
            .inner
            .auth
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if current.generation != sent_with.generation {
            return None;
        }
        let updated = Arc::new(current.with_cookies(headers)?);
        *current = updated.clone();
        Some(updated)
    }

    /// Whether a failed request may be sent again after logging in again.
    pub(crate) fn may_relogin(&self, error: &Error) -> bool {
        self.inner.relogin.is_some() && error.is_session_expired() && !self.is_closed()
    }

    /// Logs in again after a request sent with the credentials of `failed_generation`
    /// was rejected as expired. Single-flight: whoever comes first logs in; callers that
    /// failed with the same credentials wait and then use the new ones.
    ///
    /// `Ok(true)`: there are new credentials to send the request again with.
    /// `Ok(false)`: a re-login failed while this caller waited (or the session was
    /// closed); report the original error. `Err`: this caller's own re-login failed.
    pub(crate) async fn relogin(&self, failed_generation: u64) -> Result<bool, Error> {
        let Some(relogin) = &self.inner.relogin else {
            return Ok(false);
        };
        let failures_seen = relogin.failures.load(Ordering::Acquire);
        let _guard = relogin.lock.lock().await;
        let current = self.auth();
        if current.generation != failed_generation {
            // Someone else logged in again meanwhile.
            return Ok(true);
        }
        if relogin.failures.load(Ordering::Acquire) != failures_seen || self.is_closed() {
            // A re-login for these credentials failed while this caller waited.
            return Ok(false);
        }
        let id = self.next_id();
        let result = relogin
            .request
            .send(
                A::NAME,
                self.inner.client.transport(),
                &self.inner.url,
                id,
                current.generation + 1,
                Some(&current.redactor),
            )
            .await;
        match result {
            Ok(auth) => {
                *self
                    .inner
                    .auth
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Arc::new(auth);
                tracing::debug!(
                    api = A::NAME,
                    generation = failed_generation + 1,
                    "logged in again after the session expired"
                );
                Ok(true)
            }
            Err(e) => {
                relogin.failures.fetch_add(1, Ordering::AcqRel);
                Err(e)
            }
        }
    }

    /// Whether [`Session::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// The reply values that did not fit the spec and were decoded as missing, each
    /// method and JSON path once, in the order they were met (see
    /// [`ClientBuilder::strict_decoding`](crate::ClientBuilder::strict_decoding)).
    /// Always empty with strict decoding.
    pub fn spec_drift(&self) -> Vec<SpecDrift> {
        self.inner
            .drift
            .as_ref()
            .map_or_else(Vec::new, |log| log.list())
    }

    /// Whether the session logs in again by itself when the appliance says it expired
    /// (see [`ClientBuilder::auto_relogin`](crate::ClientBuilder::auto_relogin)).
    pub fn auto_relogin(&self) -> bool {
        self.inner.relogin.is_some()
    }

    /// The client the session was opened with.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The endpoint URL the session sends its requests to.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The first 12 hex digits of the SHA-256 of the current session token: tells
    /// sessions (and logins of one session) apart in logs without revealing the token.
    pub fn token_fingerprint(&self) -> String {
        let digest = Sha256::digest(self.auth().token().as_bytes());
        hex::encode(&digest.as_slice()[..6])
    }
}

/// The same session typed as the API `B`, when the client sends `B`'s calls to this
/// session's endpoint (else the session back, unchanged): for the fleet, which logs in
/// before it knows which of the products serving the same path answers there. The
/// session stays bound to its endpoint. A free function, not a method, so that no
/// interface accessor of a generated API can clash with it.
#[cfg(feature = "fleet")]
pub(crate) fn rebind<A: Api, B: Api>(session: Session<A>) -> Result<Session<B>, Session<A>> {
    if session.inner.client.endpoint::<B>() == session.inner.endpoint {
        Ok(Session {
            inner: session.inner,
            timeout: session.timeout,
            api: PhantomData,
        })
    } else {
        Err(session)
    }
}

/// Records how a request ended on its span, with an event: debug for successes and
/// JSON-RPC errors (answers the caller deals with), info for failures to get an answer.
pub(crate) fn record_outcome<T>(span: &tracing::Span, started: Instant, result: &Result<T, Error>) {
    let duration_ms = started.elapsed().as_millis() as u64;
    span.record("duration_ms", duration_ms);
    match result {
        Ok(_) => {
            span.record("outcome", "ok");
            span.in_scope(|| tracing::debug!(duration_ms, "call finished"));
        }
        Err(e) => {
            span.record("outcome", e.outcome());
            match e {
                Error::Rpc(_) => {
                    span.in_scope(|| tracing::debug!(error = %e, duration_ms, "call failed"));
                }
                _ => span.in_scope(|| tracing::info!(error = %e, duration_ms, "call failed")),
            }
        }
    }
}

impl<A: Api> Clone for Session<A> {
    fn clone(&self) -> Self {
        Session {
            inner: self.inner.clone(),
            timeout: self.timeout,
            api: PhantomData,
        }
    }
}

impl<A: Api> fmt::Debug for Session<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = self.auth();
        f.debug_struct("Session")
            .field("api", &A::NAME)
            .field("endpoint", &self.inner.endpoint)
            .field("token", &format_args!("<redacted>"))
            .field("cookies", auth.cookies())
            .field("logins", &(auth.generation + 1))
            .field(
                "auto_relogin",
                &self.inner.relogin.as_ref().map(|r| r.request.method()),
            )
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
