//! One HTTP exchange: send a request with the session's credentials, read the reply,
//! classify failures.
//!
//! # Connections and delayed ACKs
//!
//! Requests go over kept-alive connections (reqwest's pool). Against a server that leaves
//! Nagle's algorithm on and writes a reply's headers and body in separate writes, every
//! mid-sized reply on a reused connection stalls about 40 ms: the server holds the body
//! until the headers are acknowledged, and the client's TCP stack delays that ACK (on a
//! kept-alive request/reply connection Linux is in its delayed-ACK mode). Against the mock
//! appliance in that mode (`Faults::nagle` and `Faults::split_replies`), paging 1 000
//! hosts 50 at a time takes 0.88 s instead of 15 ms. A server with `TCP_NODELAY`, or one
//! that writes a reply at once, does not stall. What real appliances do is not known.
//!
//! The client cannot ask for quick ACKs: Linux's `TCP_QUICKACK` must be set on the
//! socket again after each read (it does not stick), and reqwest 0.13 gives no access to
//! the socket of its connections (its connector layers get and return a sealed
//! connection type; its TCP options are keep-alive, `TCP_NODELAY`, user timeout, local
//! address and interface). A bare hyper connection whose stream sets `TCP_QUICKACK`
//! before or after every read pages in 12-14 ms in that mode (the `paging_1000_by_50`
//! group of the calls benchmark), but getting there means replacing reqwest as the HTTP
//! stack (pool, proxies, timeouts, TLS errors, uploads), which is not done for a
//! behaviour no appliance has been seen to have.
//!
//! What the client offers instead needs no access to the socket:
//! [`ClientBuilder::reuse_connections(false)`](crate::ClientBuilder::reuse_connections)
//! opens a connection per request; Linux acknowledges at once on a new connection (other
//! systems were not measured), so the same paging takes 24 ms against the stalling
//! server, and 25 ms instead of 15 ms against a server that does not stall (loopback;
//! each request then pays a TCP and a TLS handshake, resumed when the appliance allows,
//! two round trips or more on a real network). On Linux a system administrator can also
//! make quick ACKs the rule for the route to the appliance (`ip route change ...
//! quickack 1`), for every program: with it on the loopback routes of a private network
//! namespace, the kept-alive paging against the stalling server took 75 ms instead of
//! 0.88 s (measured on a busy machine).

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{RequestBuilder, Url};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::Error;
use crate::tls::tls_error_in_chain;

/// `Accept` and `Content-Type` of every request, as the web administration sends them.
pub(crate) const JSON_RPC_ACCEPT: &str = "application/json-rpc";
const JSON_RPC_CONTENT_TYPE: &str = "application/json-rpc; charset=UTF-8";

/// The name of the session token header.
pub(crate) const X_TOKEN: &str = "x-token";

/// A complete HTTP reply.
pub(crate) struct HttpReply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl HttpReply {
    pub(crate) fn content_type(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }
}

/// The headers that authenticate a request of a session; both values are marked
/// sensitive so that the HTTP stack never logs them.
pub(crate) struct AuthHeaders {
    pub(crate) token: HeaderValue,
    pub(crate) cookie: Option<HeaderValue>,
}

impl AuthHeaders {
    /// Adds `X-Token` and `Cookie` to a request.
    pub(crate) fn apply(&self, request: RequestBuilder) -> RequestBuilder {
        let request = request.header(HeaderName::from_static(X_TOKEN), self.token.clone());
        match &self.cookie {
            Some(cookie) => request.header(header::COOKIE, cookie.clone()),
            None => request,
        }
    }
}

/// The HTTP side of a client: the connection pool and how replies are read. Everything
/// that sends a request (logins, calls, file transfers) goes through it, so that no part
/// of the runtime needs the [`Client`](crate::Client) facade to talk to the appliance.
#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    /// The most bytes a reply read whole may have (downloads stream without a limit).
    max_reply_size: usize,
    /// Permits for requests in flight, when they are limited.
    in_flight: Option<Arc<Semaphore>>,
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        max_reply_size: usize,
        max_in_flight: Option<usize>,
    ) -> Transport {
        Transport {
            http,
            max_reply_size,
            in_flight: max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
        }
    }

    /// Waits for a request slot when requests in flight are limited; the request is in
    /// flight until the permit is dropped.
    pub(crate) async fn permit(&self) -> Option<OwnedSemaphorePermit> {
        // The semaphore is never closed, so acquiring fails never.
        self.in_flight.clone()?.acquire_owned().await.ok()
    }

    /// The connection pool, to build requests that are not JSON-RPC (file transfers).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends one JSON-RPC request and reads the whole reply body, whatever its status.
    pub(crate) async fn post(
        &self,
        url: &Url,
        method: &'static str,
        body: Vec<u8>,
        auth: Option<&AuthHeaders>,
    ) -> Result<HttpReply, Error> {
        let mut request = self
            .http
            .post(url.clone())
            .header(header::ACCEPT, HeaderValue::from_static(JSON_RPC_ACCEPT))
            .header(
                header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_RPC_CONTENT_TYPE),
            )
            .body(body);
        if let Some(auth) = auth {
            request = auth.apply(request);
        }
        self.read_whole(request, method).await
    }

    /// Sends a request and reads the whole reply body, whatever its status, failing with
    /// [`Error::ReplyTooLarge`] as soon as the body is known to exceed the size limit:
    /// from `Content-Length` before reading, else while reading (chunked replies).
    pub(crate) async fn read_whole(
        &self,
        request: RequestBuilder,
        method: &'static str,
    ) -> Result<HttpReply, Error> {
        let _permit = self.permit().await;
        let mut response = request.send().await.map_err(|e| classify(e, method))?;
        let limit = self.max_reply_size;
        let too_large = || Error::ReplyTooLarge { method, limit };
        let declared = response.content_length();
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(too_large());
        }
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        // One chunk (the usual reply) is kept as it is; more are joined.
        let mut first: Option<Bytes> = None;
        let mut joined: Vec<u8> = Vec::new();
        let mut total = 0usize;
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(e, method))? {
            total = total.saturating_add(chunk.len());
            if total > limit {
                return Err(too_large());
            }
            match first.take() {
                None if joined.is_empty() => first = Some(chunk),
                previous => {
                    if let Some(previous) = previous {
                        let expected = declared.map_or(0, |len| len as usize);
                        joined.reserve(expected.max(total));
                        joined.extend_from_slice(&previous);
                    }
                    joined.extend_from_slice(&chunk);
                }
            }
        }
        let body = match first {
            Some(whole) => whole,
            None => Bytes::from(joined),
        };
        Ok(HttpReply {
            status,
            headers,
            body,
        })
    }
}

/// Reads at most `limit` bytes of a reply (an error page of a download), then drops the
/// connection's remaining body.
pub(crate) async fn read_head(
    mut response: reqwest::Response,
    method: &'static str,
    limit: usize,
) -> Result<HttpReply, Error> {
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let mut body = Vec::new();
    while body.len() < limit {
        match response.chunk().await.map_err(|e| classify(e, method))? {
            Some(chunk) => body.extend_from_slice(&chunk[..chunk.len().min(limit - body.len())]),
            None => break,
        }
    }
    Ok(HttpReply {
        status,
        headers,
        body: body.into(),
    })
}

/// Sorts a reqwest error into TLS, timeout, configuration or transport failures.
pub(crate) fn classify(err: reqwest::Error, method: &'static str) -> Error {
    if let Some(tls) = tls_error_in_chain(&err) {
        return tls;
    }
    if err.is_timeout() {
        return Error::Timeout { method };
    }
    if err.is_builder() {
        return Error::Config(describe(&err));
    }
    let phase = if err.is_connect() {
        "cannot connect"
    } else if err.is_body() || err.is_decode() {
        "the connection broke while reading the reply"
    } else {
        "no reply"
    };
    Error::Transport {
        method,
        message: format!("{phase}: {}", describe(&err)),
        source: Some(Box::new(err)),
    }
}

/// What actually happened, from the error chain: a plain sentence for the usual io
/// failures, else the innermost cause ("connection closed before message completed").
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = err;
    loop {
        if let Some(io) = innermost.downcast_ref::<std::io::Error>() {
            let plain = match io.kind() {
                std::io::ErrorKind::UnexpectedEof => {
                    Some("the appliance closed the connection in the middle of the exchange")
                }
                std::io::ErrorKind::ConnectionReset => Some("the connection was reset"),
                std::io::ErrorKind::ConnectionAborted => Some("the connection was aborted"),
                std::io::ErrorKind::ConnectionRefused => Some("connection refused"),
                _ => None,
            };
            if let Some(plain) = plain {
                return plain.to_owned();
            }
        }
        match innermost.source() {
            Some(next) => innermost = next,
            None => return innermost.to_string(),
        }
    }
}
