//! Errors of the runtime: one enum, each variant a distinct way a call can fail.
//!
//! No variant ever holds a password, a session token or a cookie value: texts taken from
//! server replies pass through a redactor first, and secrets are never formatted.

use std::fmt;

/// The JSON-RPC error code of an expired or invalid session.
pub const SESSION_EXPIRED: i64 = -32001;

/// Everything that can go wrong talking to an appliance.
///
/// The `method` of a variant is the JSON-RPC method that was called, or
/// [`UPLOAD`](crate::UPLOAD) / [`DOWNLOAD`](crate::DOWNLOAD) for file transfers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The appliance answered with a JSON-RPC error object.
    #[error(transparent)]
    Rpc(#[from] RpcError),

    /// The reply was not JSON-RPC at all, for example an HTML error page of a proxy or of
    /// the appliance's web server.
    #[error(
        "{method}: HTTP {status} reply is not JSON-RPC ({kind}){}",
        excerpt_suffix(.excerpt)
    )]
    Http {
        /// The JSON-RPC method that was called.
        method: &'static str,
        /// HTTP status code.
        status: u16,
        /// The `Content-Type` of the reply, when there was one.
        content_type: Option<String>,
        /// What the body looks like, e.g. "an HTML page" or "an empty body".
        kind: &'static str,
        /// A short, whitespace-collapsed excerpt of the body (tags stripped from HTML),
        /// with known secrets redacted.
        excerpt: String,
    },

    /// The TLS handshake failed: the server certificate was rejected or did not match the
    /// pin.
    #[error("TLS: {message}")]
    Tls {
        /// Why the handshake failed.
        kind: TlsErrorKind,
        /// A message that says what was wrong with the certificate or the pin.
        message: String,
    },

    /// The appliance did not answer in time (connect or total timeout).
    #[error("{method}: timed out waiting for the appliance")]
    Timeout {
        /// The JSON-RPC method that was called.
        method: &'static str,
    },

    /// The connection failed: refused, reset, closed before or during the reply.
    #[error("{method}: connection failed: {message}")]
    Transport {
        /// The JSON-RPC method that was called.
        method: &'static str,
        /// What happened, from the innermost cause.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// The reply was JSON-RPC but its `result` does not fit the method's result type.
    #[error("{method}: cannot decode the reply at `{path}`: {message}")]
    Decode {
        /// The JSON-RPC method that was called.
        method: &'static str,
        /// JSON path of the value that failed, e.g. `result.list[3].hostname`.
        path: String,
        /// What was wrong with it.
        message: String,
    },

    /// The reply was not a usable JSON-RPC reply: truncated, not JSON, or neither a
    /// `result` nor an `error`.
    #[error("{method}: invalid reply: {reason}")]
    InvalidResponse {
        /// The JSON-RPC method that was called.
        method: &'static str,
        /// What was wrong.
        reason: String,
    },

    /// The reply was larger than the client accepts (see
    /// [`ClientBuilder::max_reply_size`](crate::ClientBuilder::max_reply_size)); it was
    /// not read further.
    #[error(
        "{method}: the reply is larger than the limit of {limit} bytes (`ClientBuilder::max_reply_size`)"
    )]
    ReplyTooLarge {
        /// The JSON-RPC method that was called.
        method: &'static str,
        /// The limit in bytes.
        limit: usize,
    },

    /// The parameters of a call could not be encoded as JSON.
    #[error("{method}: cannot encode the parameters: {message}")]
    Encode {
        /// The JSON-RPC method that was called.
        method: &'static str,
        /// The encoder's message.
        message: String,
    },

    /// The session was closed with `Session::close`; log in again for a new one.
    #[error("{method}: the session is closed")]
    SessionClosed {
        /// The JSON-RPC method that was called.
        method: &'static str,
    },

    /// The client configuration is invalid: bad URL, bad pin, bad PEM, no trust roots,
    /// or a download URL on another origin than the appliance.
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The API lacks what the operation needs, e.g. a batch on an API without a batch
    /// method.
    #[error("the API `{api}` has no {feature}")]
    Unsupported {
        /// [`Api::NAME`](crate::Api::NAME) of the API.
        api: &'static str,
        /// What is missing, e.g. "batch method".
        feature: &'static str,
    },

    /// A command of a batch has no result: the batch request holding it failed (see
    /// [`BatchResults::failure`](crate::BatchResults::failure)), or an earlier command
    /// failed in a batch that does not ignore errors.
    #[error("{method} (command {index} of the batch): no result: {reason}")]
    NoBatchResult {
        /// The command's method.
        method: &'static str,
        /// Its position in the batch, from 0.
        index: usize,
        /// Why it has none.
        reason: String,
    },

    /// A batch handle was used with the results of another batch.
    #[error("{method}: the batch handle belongs to another batch")]
    ForeignHandle {
        /// The method the handle was made for.
        method: &'static str,
    },

    /// A login failed in a way that says no API is served at its URL: HTTP 404 or 405, a
    /// web page or a redirect instead of JSON-RPC, an unknown method, or a session error
    /// to the login itself. The base URL or the API path is likely wrong.
    #[error(
        "{method}: no API seems to be served at {url} ({reason}); give the base URL as scheme, host and port (`https://fw.example.com:4081`), or the API's path with `ClientBuilder::api_path`"
    )]
    WrongEndpoint {
        /// The login method that was called.
        method: &'static str,
        /// The endpoint URL that was called (it holds no credentials).
        url: String,
        /// What the appliance answered.
        #[source]
        reason: Box<Error>,
    },

    /// Reading or writing a local file or writer failed (downloads, uploads).
    #[error("{context}: {source}")]
    Io {
        /// What was being done, e.g. "cannot write the download to `backup.tgz`".
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The JSON-RPC error, when the appliance answered with one.
    pub fn rpc(&self) -> Option<&RpcError> {
        match self {
            Error::Rpc(e) => Some(e),
            _ => None,
        }
    }

    /// The appliance said the session expired or is invalid (-32001). Such a request was
    /// not executed: it is safe to log in again and send it once more.
    pub fn is_session_expired(&self) -> bool {
        self.rpc().is_some_and(RpcError::is_session_expired)
    }

    /// A short name of the variant, for the `outcome` field of traces.
    pub(crate) fn outcome(&self) -> &'static str {
        match self {
            Error::Rpc(e) if e.is_session_expired() => "session expired",
            Error::Rpc(_) => "rpc error",
            Error::Http { .. } => "http error",
            Error::Tls { .. } => "tls error",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport error",
            Error::Decode { .. } => "decode error",
            Error::InvalidResponse { .. } => "invalid response",
            Error::ReplyTooLarge { .. } => "reply too large",
            Error::Encode { .. } => "encode error",
            Error::SessionClosed { .. } => "session closed",
            Error::Config(_) => "configuration error",
            Error::Unsupported { .. } => "unsupported",
            Error::ForeignHandle { .. } => "foreign handle",
            Error::NoBatchResult { .. } => "no batch result",
            Error::Io { .. } => "io error",
            Error::WrongEndpoint { .. } => "wrong endpoint",
        }
    }

    /// Whether this error of a login says that no API is served where it was sent:
    /// HTTP 404 or 405, a page or a redirect instead of JSON-RPC (2xx, 3xx), method not
    /// found (-32601), or a session error, which a login cannot otherwise get. Server
    /// errors (5xx) and refusals (401, 403) say nothing of the path.
    pub(crate) fn suggests_wrong_endpoint(&self) -> bool {
        match self {
            Error::Http { status, .. } => matches!(status, 200..=399 | 404 | 405),
            Error::Rpc(e) => e.is_session_expired() || e.code == -32601,
            _ => false,
        }
    }

    /// The server certificate did not match the pinned SHA-256.
    pub fn is_pin_mismatch(&self) -> bool {
        matches!(
            self,
            Error::Tls {
                kind: TlsErrorKind::PinMismatch,
                ..
            }
        )
    }
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(": \"{excerpt}\"")
    }
}

/// Why a TLS handshake failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsErrorKind {
    /// The certificate's SHA-256 is not the pinned one.
    PinMismatch,
    /// The certificate was rejected: unknown issuer (self-signed), wrong host name,
    /// expired, malformed.
    CertificateRejected,
    /// Any other handshake failure (protocol mismatch, alert from the server).
    Handshake,
}

/// A JSON-RPC error object returned by the appliance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpcError {
    /// The method that failed.
    pub method: &'static str,
    /// JSON-RPC or application error code (see [`SESSION_EXPIRED`]).
    pub code: i64,
    /// The message with `%1`, `%2`... replaced by the positional parameters.
    pub message: String,
    /// The message as sent, placeholders included.
    pub raw_message: String,
    /// `data.messageParameters.positionalParameters`, as text.
    pub parameters: Vec<String>,
    /// `data.messageParameters.plurality`, when present.
    pub plurality: Option<i64>,
}

impl RpcError {
    /// The session expired or is invalid (-32001).
    pub fn is_session_expired(&self) -> bool {
        self.code == SESSION_EXPIRED
    }

    /// Builds an error from the wire parts, filling the placeholders of `raw_message`.
    pub(crate) fn new(
        method: &'static str,
        code: i64,
        raw_message: String,
        parameters: Vec<String>,
        plurality: Option<i64>,
    ) -> Self {
        let message = fill_placeholders(&raw_message, &parameters);
        RpcError {
            method,
            code,
            message,
            raw_message,
            parameters,
            plurality,
        }
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed with error {}: {}",
            self.method, self.code, self.message
        )
    }
}

impl std::error::Error for RpcError {}

/// Replaces `%1`, `%2`... (1-based) with the parameters; placeholders without a parameter
/// stay as they are.
pub(crate) fn fill_placeholders(message: &str, parameters: &[String]) -> String {
    if parameters.is_empty() || !message.contains('%') {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len() + 16);
    let mut rest = message;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let parameter = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| parameters.get(i));
        match parameter {
            Some(p) => {
                out.push_str(p);
                rest = &after[digits..];
            }
            None => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn placeholders_are_filled() {
        let p = params(&["jdoe", "3"]);
        assert_eq!(
            fill_placeholders("User %1 has %2 groups", &p),
            "User jdoe has 3 groups"
        );
        assert_eq!(fill_placeholders("%2%1", &p), "3jdoe");
        assert_eq!(
            fill_placeholders("100% of %1, %3 and %", &p),
            "100% of jdoe, %3 and %"
        );
        assert_eq!(fill_placeholders("no params %1", &[]), "no params %1");
        assert_eq!(fill_placeholders("unicode é %1 ü", &p), "unicode é jdoe ü");
    }

    #[test]
    fn errors_are_thread_safe_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert!(std::mem::size_of::<Error>() <= 128);
    }

    #[test]
    fn session_expired_is_recognised() {
        let e = Error::from(RpcError::new(
            "Users.get",
            SESSION_EXPIRED,
            "Session expired.".into(),
            vec![],
            None,
        ));
        assert!(e.is_session_expired());
        assert_eq!(
            e.to_string(),
            "Users.get failed with error -32001: Session expired."
        );
    }
}
