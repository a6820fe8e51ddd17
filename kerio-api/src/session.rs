//! A logged-in session: the token, the cookies and the request counter of one login.

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use reqwest::header::HeaderValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::client::Client;
use crate::cookies::SessionCookies;
use crate::error::Error;
use crate::method::{Api, Method};
use crate::secret::{Redactor, Secret};
use crate::transport::{self, Credentials};
use crate::wire::{self, Quoting};

/// The request id of a login; the session's own requests count on from there.
const LOGIN_ID: u64 = 1;

/// A logged-in session with one API of an appliance.
///
/// Cheap to clone (clones share the session) and usable from many tasks at once. Every
/// call sends the session token (`X-Token`) and the cookies the login reply set. The
/// session is not logged out on drop; call [`Session::close`] with the API's logout
/// method to end it on the appliance.
pub struct Session<A: Api> {
    inner: Arc<SessionInner>,
    api: PhantomData<fn() -> A>,
}

struct SessionInner {
    client: Client,
    endpoint: String,
    token: Secret<String>,
    token_header: HeaderValue,
    state: Mutex<CookieState>,
    next_id: AtomicU64,
    closed: AtomicBool,
}

/// Cookies and the redactor derived from them, replaced together when a reply sets cookies.
struct CookieState {
    cookies: SessionCookies,
    cookie_header: Option<HeaderValue>,
    redactor: Arc<Redactor>,
}

impl CookieState {
    fn new(cookies: SessionCookies, token: &str) -> Self {
        let mut redactor = Redactor::default();
        redactor.add(token);
        cookies.redact_values(&mut redactor);
        CookieState {
            cookie_header: cookies.header(),
            cookies,
            redactor: Arc::new(redactor),
        }
    }
}

impl<A: Api> Session<A> {
    pub(crate) async fn login<M>(client: Client, method: &M) -> Result<Session<A>, Error>
    where
        M: Method<Api = A, Output = String>,
    {
        let span = tracing::debug_span!(
            "kerio.login",
            api = A::NAME,
            method = M::NAME,
            id = LOGIN_ID
        );
        async move {
            let endpoint = client.endpoint::<A>();
            let body = wire::encode_request(LOGIN_ID, M::NAME, method)?;
            // The runtime does not know which parameter is the password: redact them all.
            let mut redactor = Redactor::default();
            if let Ok(params) = serde_json::to_value(method) {
                redactor.add_json_strings(&params);
            }
            let started = Instant::now();
            let result = transport::post(client.http(), &endpoint, M::NAME, body, None).await;
            let reply = log_outcome(result, started)?;
            let wire = wire::decode_reply::<M::Wire>(M::NAME, &reply, &redactor, Quoting::Hidden)?;
            let token = M::output(wire);
            let token_header = match HeaderValue::from_str(&token) {
                Ok(mut value) if !token.is_empty() => {
                    value.set_sensitive(true);
                    value
                }
                _ => {
                    return Err(Error::InvalidResponse {
                        method: M::NAME,
                        reason: "the login returned an empty token or one that cannot be sent in a header".into(),
                    });
                }
            };
            let mut cookies = SessionCookies::default();
            cookies.absorb(&reply.headers);
            if cookies.names().is_empty() {
                tracing::debug!("the login reply set no cookies; calls will send the token only");
            }
            let state = CookieState::new(cookies, &token);
            Ok(Session {
                inner: Arc::new(SessionInner {
                    client,
                    endpoint,
                    token: Secret::new(token),
                    token_header,
                    state: Mutex::new(state),
                    next_id: AtomicU64::new(LOGIN_ID + 1),
                    closed: AtomicBool::new(false),
                }),
                api: PhantomData,
            })
        }
        .instrument(span)
        .await
    }

    /// Calls a method of the API and returns its output.
    ///
    /// Fails fast with [`Error::SessionClosed`] after [`Session::close`]. A
    /// [session-expired](Error::is_session_expired) error means the appliance dropped
    /// the session: log in again and retry.
    pub async fn call<M: Method<Api = A>>(&self, method: &M) -> Result<M::Output, Error> {
        let wire = self.send::<M::Wire, M>(M::NAME, method).await?;
        Ok(M::output(wire))
    }

    /// Logs out with the API's logout method and closes the session: later calls, and a
    /// second `close`, fail with [`Error::SessionClosed`] without reaching the appliance.
    /// The session counts as closed even when the logout itself fails.
    pub async fn close<M: Method<Api = A>>(&self, method: &M) -> Result<M::Output, Error> {
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return Err(Error::SessionClosed { method: M::NAME });
        }
        let wire = self.exchange::<M::Wire, M>(M::NAME, method).await?;
        Ok(M::output(wire))
    }

    /// Sends any request of this session and decodes its `result` as `W`: the building
    /// block of [`Session::call`], for runtime features that are not a single method.
    pub(crate) async fn send<W, P>(&self, method: &'static str, params: &P) -> Result<W, Error>
    where
        W: DeserializeOwned,
        P: Serialize + Sync + ?Sized,
    {
        if self.is_closed() {
            return Err(Error::SessionClosed { method });
        }
        self.exchange(method, params).await
    }

    async fn exchange<W, P>(&self, method: &'static str, params: &P) -> Result<W, Error>
    where
        W: DeserializeOwned,
        P: Serialize + Sync + ?Sized,
    {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let span = tracing::debug_span!("kerio.call", api = A::NAME, method, id);
        async move {
            let body = wire::encode_request(id, method, params)?;
            let (credentials, redactor) = self.credentials();
            let started = Instant::now();
            let result = transport::post(
                self.inner.client.http(),
                &self.inner.endpoint,
                method,
                body,
                Some(&credentials),
            )
            .await;
            let reply = log_outcome(result, started)?;
            let redactor = self.absorb_cookies(&reply.headers).unwrap_or(redactor);
            let decoded = wire::decode_reply(method, &reply, &redactor, Quoting::Allowed);
            if let Err(e) = &decoded {
                tracing::debug!(error = %e, "call failed");
            }
            decoded
        }
        .instrument(span)
        .await
    }

    fn credentials(&self) -> (Credentials, Arc<Redactor>) {
        let state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let credentials = Credentials {
            token: self.inner.token_header.clone(),
            cookie: state.cookie_header.clone(),
        };
        (credentials, state.redactor.clone())
    }

    /// Applies cookies a reply sets; returns the new redactor when they changed.
    fn absorb_cookies(&self, headers: &reqwest::header::HeaderMap) -> Option<Arc<Redactor>> {
        if !headers.contains_key(reqwest::header::SET_COOKIE) {
            return None;
        }
        let mut state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut cookies = state.cookies.clone();
        if !cookies.absorb(headers) {
            return None;
        }
        *state = CookieState::new(cookies, self.inner.token.expose());
        Some(state.redactor.clone())
    }

    /// Whether [`Session::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// The client the session was opened with.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The endpoint URL the session sends its requests to.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The first 12 hex digits of the SHA-256 of the session token: tells sessions apart
    /// in logs without revealing the token.
    pub fn token_fingerprint(&self) -> String {
        let digest = Sha256::digest(self.inner.token.expose().as_bytes());
        hex::encode(&digest.as_slice()[..6])
    }
}

fn log_outcome(
    result: Result<transport::HttpReply, Error>,
    started: Instant,
) -> Result<transport::HttpReply, Error> {
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok(reply) => tracing::debug!(
            status = reply.status,
            bytes = reply.body.len(),
            elapsed_ms,
            "reply"
        ),
        Err(e) => tracing::debug!(error = %e, elapsed_ms, "no reply"),
    }
    result
}

impl<A: Api> Clone for Session<A> {
    fn clone(&self) -> Self {
        Session {
            inner: self.inner.clone(),
            api: PhantomData,
        }
    }
}

impl<A: Api> fmt::Debug for Session<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Session")
            .field("api", &A::NAME)
            .field("endpoint", &self.inner.endpoint)
            .field("token", &self.inner.token)
            .field("cookies", &state.cookies)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
