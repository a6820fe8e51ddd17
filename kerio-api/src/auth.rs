//! What a login yields (token, cookies, the redactor made of them) and the login exchange
//! itself, shared by the first login and automatic re-logins.

use std::fmt;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::value::RawValue;
use tracing::Instrument;
use tracing::field::Empty;

use crate::cookies::SessionCookies;
use crate::error::Error;
use crate::method::Method;
use crate::secret::{Redactor, Secret};
use crate::transport::{AuthHeaders, HttpReply, Transport};
use crate::wire::{self, Quoting};

/// The credentials of one login. A session holds the current one behind an `Arc` and
/// replaces it as a whole when a reply sets cookies or a re-login succeeds, so that a
/// call always sends a consistent token and cookie pair.
pub(crate) struct Auth {
    /// Counts logins of the session: 0 for the first, +1 per re-login.
    pub(crate) generation: u64,
    token: Secret<String>,
    pub(crate) headers: AuthHeaders,
    cookies: SessionCookies,
    /// Hides the token and cookie values (of this and earlier logins) in error texts.
    pub(crate) redactor: Redactor,
}

impl Auth {
    fn new(
        generation: u64,
        token: String,
        cookies: SessionCookies,
        mut redactor: Redactor,
        method: &'static str,
    ) -> Result<Auth, Error> {
        let token_header = match HeaderValue::from_str(&token) {
            Ok(mut value) if !token.is_empty() => {
                value.set_sensitive(true);
                value
            }
            _ => {
                return Err(Error::InvalidResponse {
                    method,
                    reason:
                        "the login returned an empty token or one that cannot be sent in a header"
                            .into(),
                });
            }
        };
        redactor.add(&token);
        cookies.redact_values(&mut redactor);
        Ok(Auth {
            generation,
            headers: AuthHeaders {
                token: token_header,
                cookie: cookies.header(),
            },
            token: Secret::new(token),
            cookies,
            redactor,
        })
    }

    /// The same login with the cookies a reply sets, when they change anything.
    pub(crate) fn with_cookies(&self, headers: &HeaderMap) -> Option<Auth> {
        let mut cookies = self.cookies.clone();
        if !cookies.absorb(headers) {
            return None;
        }
        let mut redactor = self.redactor.clone();
        cookies.redact_values(&mut redactor);
        Some(Auth {
            generation: self.generation,
            token: self.token.clone(),
            headers: AuthHeaders {
                token: self.headers.token.clone(),
                cookie: cookies.header(),
            },
            cookies,
            redactor,
        })
    }

    pub(crate) fn token(&self) -> &str {
        self.token.expose()
    }

    pub(crate) fn cookies(&self) -> &SessionCookies {
        &self.cookies
    }
}

/// Turns the reply of a login (to request `id`) into the session token; monomorphised
/// per login method.
type DecodeLogin = fn(u64, &HttpReply, &Redactor) -> Result<String, Error>;

fn decode_login<M: Method<Output = String>>(
    id: u64,
    reply: &HttpReply,
    redactor: &Redactor,
) -> Result<String, Error> {
    let wire = wire::decode_reply::<M::Wire>(M::NAME, id, reply, redactor, Quoting::Hidden, None)?;
    Ok(M::output(wire))
}

/// Where the token is in a login reply.
enum TokenAt {
    /// The output of a typed login method.
    Typed(DecodeLogin),
    /// This out-parameter of the result object, a string (logins by name).
    Key(&'static str),
}

/// A login request that can be sent again: the method and its parameters, serialized
/// once and kept as a [`Secret`] because they hold the password.
pub(crate) struct LoginRequest {
    method: &'static str,
    params: Secret<Box<RawValue>>,
    /// Every string of the parameters: hidden in texts taken from login replies, which
    /// may echo any of them.
    redactor: Redactor,
    /// The secret parameters (the password), hidden in every text of the session.
    secrets: Redactor,
    token: TokenAt,
}

impl LoginRequest {
    pub(crate) fn new<M: Method<Output = String>>(method: &M) -> Result<LoginRequest, Error> {
        let params = serde_json::value::to_raw_value(method).map_err(|e| Error::Encode {
            method: M::NAME,
            message: e.to_string(),
        })?;
        Ok(Self::with_params(
            M::NAME,
            params,
            TokenAt::Typed(decode_login::<M>),
        ))
    }

    /// A login by method name with JSON params, whose result object holds the token in
    /// the string out-parameter `token_key`.
    pub(crate) fn by_name(
        method: &'static str,
        params: &serde_json::Value,
        token_key: &'static str,
    ) -> Result<LoginRequest, Error> {
        let params = serde_json::value::to_raw_value(params).map_err(|e| Error::Encode {
            method,
            message: e.to_string(),
        })?;
        Ok(Self::with_params(method, params, TokenAt::Key(token_key)))
    }

    fn with_params(method: &'static str, params: Box<RawValue>, token: TokenAt) -> LoginRequest {
        let mut redactor = Redactor::default();
        let mut secrets = Redactor::default();
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(params.get()) {
            redactor.add_json_strings(&value);
            secrets.add_secret_json_strings(&value);
        }
        LoginRequest {
            method,
            params: Secret::new(params),
            redactor,
            secrets,
            token,
        }
    }

    /// The token of a login reply.
    fn decode(&self, id: u64, reply: &HttpReply, redactor: &Redactor) -> Result<String, Error> {
        let key = match self.token {
            TokenAt::Typed(decode) => return decode(id, reply, redactor),
            TokenAt::Key(key) => key,
        };
        let mut result = wire::decode_reply::<serde_json::Map<String, serde_json::Value>>(
            self.method,
            id,
            reply,
            redactor,
            Quoting::Hidden,
            None,
        )?;
        match result.remove(key) {
            Some(serde_json::Value::String(token)) => Ok(token),
            _ => Err(Error::InvalidResponse {
                method: self.method,
                reason: format!("the login result has no string `{key}`"),
            }),
        }
    }

    pub(crate) fn method(&self) -> &'static str {
        self.method
    }

    /// Sends the login and builds the credentials of its reply. `previous` carries the
    /// secrets of an earlier login into the new redactor, which also hides the secret
    /// parameters of the login (the password) in every later text of the session.
    pub(crate) async fn send(
        &self,
        api: &'static str,
        transport: &Transport,
        url: &Url,
        id: u64,
        generation: u64,
        previous: Option<&Redactor>,
    ) -> Result<Auth, Error> {
        let span = tracing::debug_span!(
            "kerio.login",
            api,
            method = self.method,
            id,
            generation,
            duration_ms = Empty,
            outcome = Empty,
        );
        let started = Instant::now();
        let result = self
            .exchange(transport, url, id, generation, previous)
            .instrument(span.clone())
            .await;
        let duration_ms = started.elapsed().as_millis() as u64;
        span.record("duration_ms", duration_ms);
        match &result {
            Ok(_) => {
                span.record("outcome", "ok");
                span.in_scope(|| tracing::debug!(duration_ms, "logged in"));
            }
            Err(e) => {
                span.record("outcome", e.outcome());
                span.in_scope(|| tracing::info!(error = %e, duration_ms, "login failed"));
            }
        }
        result
    }

    async fn exchange(
        &self,
        transport: &Transport,
        url: &Url,
        id: u64,
        generation: u64,
        previous: Option<&Redactor>,
    ) -> Result<Auth, Error> {
        let mut redactor = previous.cloned().unwrap_or_default();
        redactor.extend(&self.secrets);
        let body = wire::encode_request(id, self.method, &**self.params.expose())?;
        let wrong_endpoint = |e: Error| {
            if e.suggests_wrong_endpoint() {
                Error::WrongEndpoint {
                    method: self.method,
                    url: url.to_string(),
                    reason: Box::new(e),
                }
            } else {
                e
            }
        };
        let reply = transport
            .post(url, self.method, body, None)
            .await
            .map_err(wrong_endpoint)?;
        let mut reply_redactor = redactor.clone();
        reply_redactor.extend(&self.redactor);
        let token = self
            .decode(id, &reply, &reply_redactor)
            .map_err(wrong_endpoint)?;
        let mut cookies = SessionCookies::default();
        cookies.absorb(&reply.headers);
        if cookies.names().is_empty() {
            tracing::debug!("the login reply set no cookies; calls will send the token only");
        }
        Auth::new(generation, token, cookies, redactor, self.method)
    }
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("method", &self.method)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

/// Automatic re-login: the kept login request and what makes re-logins single-flight.
pub(crate) struct Relogin {
    pub(crate) request: LoginRequest,
    /// Held while a re-login is under way; callers that failed meanwhile wait on it.
    pub(crate) lock: tokio::sync::Mutex<()>,
    /// Counts failed re-logins, so that callers who waited on a failed attempt share its
    /// failure instead of trying one after another (a wrong password must not be sent
    /// once per waiting call: appliances lock accounts after repeated failures).
    pub(crate) failures: AtomicU64,
}

impl Relogin {
    pub(crate) fn new(request: LoginRequest) -> Relogin {
        Relogin {
            request,
            lock: tokio::sync::Mutex::new(()),
            failures: AtomicU64::new(0),
        }
    }
}
