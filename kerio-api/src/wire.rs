//! The JSON-RPC envelope: encoding requests and decoding replies.
//!
//! The happy path decodes the `result` straight into the method's result type in one pass
//! over the body, with no intermediate `serde_json::Value`. Only when that fails is the
//! body looked at again, to say precisely what was wrong: a JSON-RPC error object, a
//! value that does not fit (with its JSON path), or something that is not JSON-RPC.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{Error, RpcError};
use crate::secret::Redactor;
use crate::transport::HttpReply;

#[derive(Serialize)]
struct RequestEnvelope<'a, P: ?Sized> {
    jsonrpc: &'static str,
    id: u64,
    method: &'a str,
    params: &'a P,
}

/// The body of a JSON-RPC request.
pub(crate) fn encode_request<P: Serialize + ?Sized>(
    id: u64,
    method: &'static str,
    params: &P,
) -> Result<Vec<u8>, Error> {
    let envelope = RequestEnvelope {
        jsonrpc: "2.0",
        id,
        method,
        params,
    };
    serde_json::to_vec(&envelope).map_err(|e| Error::Encode {
        method,
        message: e.to_string(),
    })
}

/// A reply; unknown members (`jsonrpc`, `id`) are skipped without being parsed into values.
#[derive(Deserialize)]
struct ReplyEnvelope<T> {
    result: Option<T>,
    error: Option<Value>,
}

/// How much of a decode error message may quote from the reply.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// Values from the reply may appear in messages (after redaction of known secrets).
    Allowed,
    /// Quoted strings are hidden: the reply of a login carries the session token.
    Hidden,
}

/// Decodes a reply into the result type `W`, whatever the HTTP status.
pub(crate) fn decode_reply<W: DeserializeOwned>(
    method: &'static str,
    reply: &HttpReply,
    redactor: &Redactor,
    quoting: Quoting,
) -> Result<W, Error> {
    match serde_json::from_slice::<ReplyEnvelope<W>>(&reply.body) {
        Ok(ReplyEnvelope {
            error: Some(error), ..
        }) => Err(rpc_error(method, &error, reply, redactor)),
        Ok(ReplyEnvelope {
            result: Some(result),
            ..
        }) => Ok(result),
        Ok(_) => Err(not_json_rpc(
            method,
            reply,
            redactor,
            "the reply has neither `result` nor `error`".into(),
        )),
        Err(_) => Err(diagnose::<W>(method, reply, redactor, quoting)),
    }
}

/// A JSON-RPC reply that holds an error object, whatever else it holds.
#[derive(Deserialize)]
struct ErrorEnvelope {
    error: Option<Value>,
}

/// Why a file transfer (a download, whose body is not JSON-RPC) failed, if it did: a
/// JSON-RPC error in the body (-32001 for an expired session) or an HTTP error status.
pub(crate) fn transfer_error(
    method: &'static str,
    reply: &HttpReply,
    redactor: &Redactor,
) -> Option<Error> {
    if let Ok(ErrorEnvelope { error: Some(error) }) = serde_json::from_slice(&reply.body)
        && let Some(rpc) = parse_rpc_error(method, &error, redactor)
    {
        return Some(rpc);
    }
    (!(200..300).contains(&reply.status)).then(|| http_error(method, reply, redactor))
}

/// The reply of a file upload: `{"result": {"fileUpload": {"id": ...}}}`, or the same
/// without the `result` wrapper.
#[derive(Deserialize)]
struct UploadReply {
    result: Option<UploadResult>,
    error: Option<Value>,
    #[serde(rename = "fileUpload")]
    file_upload: Option<FileUpload>,
}

#[derive(Deserialize)]
struct UploadResult {
    #[serde(rename = "fileUpload")]
    file_upload: Option<FileUpload>,
}

#[derive(Deserialize)]
struct FileUpload {
    id: Option<Value>,
}

/// The file id of an upload reply.
pub(crate) fn decode_upload(
    method: &'static str,
    reply: &HttpReply,
    redactor: &Redactor,
) -> Result<String, Error> {
    let parsed = match serde_json::from_slice::<UploadReply>(&reply.body) {
        Ok(parsed) => parsed,
        Err(_) => {
            return Err(diagnose::<IgnoredAny>(
                method,
                reply,
                redactor,
                Quoting::Allowed,
            ));
        }
    };
    if let Some(error) = &parsed.error {
        return Err(rpc_error(method, error, reply, redactor));
    }
    let id = parsed
        .result
        .and_then(|r| r.file_upload)
        .or(parsed.file_upload)
        .and_then(|f| f.id);
    match id {
        Some(Value::String(id)) if !id.is_empty() => Ok(id),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(not_json_rpc(
            method,
            reply,
            redactor,
            "the upload reply has no `fileUpload.id`".into(),
        )),
    }
}

/// The kind of a JSON value, for messages: "a string", "an array"...
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Decodes item `index` of a batch result (`{"result": ...}` or `{"error": ...}`) as
/// the result type `W` of its method. Errors name the path from the batch reply's
/// `result`, e.g. `result[3].result.list[1].hostname`.
pub(crate) fn decode_batch_item<W: DeserializeOwned>(
    method: &'static str,
    index: usize,
    item: &RawValue,
    redactor: &Redactor,
) -> Result<W, Error> {
    let invalid = |reason: String| Error::InvalidResponse { method, reason };
    let rpc_error = |error| {
        parse_rpc_error(method, error, redactor).unwrap_or_else(|| {
            invalid(format!(
                "item {index} of the batch result has an `error` without an integer `code`"
            ))
        })
    };
    match serde_json::from_str::<ReplyEnvelope<W>>(item.get()) {
        Ok(ReplyEnvelope {
            error: Some(error), ..
        }) => return Err(rpc_error(&error)),
        Ok(ReplyEnvelope {
            result: Some(result),
            ..
        }) => return Ok(result),
        Ok(_) => {
            return Err(invalid(format!(
                "item {index} of the batch result has neither `result` nor `error`"
            )));
        }
        Err(_) => {}
    }
    match serde_json::from_str::<ReplyEnvelope<IgnoredAny>>(item.get()) {
        Ok(ReplyEnvelope {
            error: Some(error), ..
        }) => return Err(rpc_error(&error)),
        Ok(_) => {}
        Err(e) => {
            return Err(invalid(format!(
                "item {index} of the batch result is not an object ({e})"
            )));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(item.get());
    let (path, message) =
        match serde_path_to_error::deserialize::<_, ReplyEnvelope<W>>(&mut deserializer) {
            Err(e) => (e.path().to_string(), e.into_inner().to_string()),
            Ok(_) => (
                "result".to_owned(),
                "the result does not match the method's result type".to_owned(),
            ),
        };
    Err(Error::Decode {
        method,
        path: format!("result[{index}].{path}"),
        message: redactor.redact(&message),
    })
}

/// Explains why the typed decode failed.
fn diagnose<W: DeserializeOwned>(
    method: &'static str,
    reply: &HttpReply,
    redactor: &Redactor,
    quoting: Quoting,
) -> Error {
    if reply.body.iter().all(u8::is_ascii_whitespace) {
        return not_json_rpc(method, reply, redactor, "the body is empty".into());
    }
    match serde_json::from_slice::<ReplyEnvelope<IgnoredAny>>(&reply.body) {
        Ok(ReplyEnvelope {
            error: Some(error), ..
        }) => rpc_error(method, &error, reply, redactor),
        Ok(ReplyEnvelope {
            result: Some(_), ..
        }) => decode_error::<W>(method, reply, redactor, quoting),
        Ok(_) => not_json_rpc(
            method,
            reply,
            redactor,
            "the reply has neither `result` nor `error`".into(),
        ),
        Err(e) if e.is_eof() => not_json_rpc(
            method,
            reply,
            redactor,
            format!("the JSON body is truncated ({e})"),
        ),
        Err(e) => not_json_rpc(
            method,
            reply,
            redactor,
            format!("the body is not JSON ({e})"),
        ),
    }
}

/// Decodes again, tracking the path, to name the value that does not fit.
fn decode_error<W: DeserializeOwned>(
    method: &'static str,
    reply: &HttpReply,
    redactor: &Redactor,
    quoting: Quoting,
) -> Error {
    let mut deserializer = serde_json::Deserializer::from_slice(&reply.body);
    let (path, message) =
        match serde_path_to_error::deserialize::<_, ReplyEnvelope<W>>(&mut deserializer) {
            Err(e) => (e.path().to_string(), e.into_inner().to_string()),
            // Not expected: the first decode failed on the same bytes.
            Ok(_) => (
                "result".to_owned(),
                "the result does not match the method's result type".to_owned(),
            ),
        };
    let message = match quoting {
        Quoting::Allowed => message,
        Quoting::Hidden => hide_quoted(&message),
    };
    Error::Decode {
        method,
        path,
        message: redactor.redact(&message),
    }
}

/// Builds [`Error::Rpc`] from a JSON-RPC error object.
fn rpc_error(method: &'static str, error: &Value, reply: &HttpReply, redactor: &Redactor) -> Error {
    parse_rpc_error(method, error, redactor).unwrap_or_else(|| {
        not_json_rpc(
            method,
            reply,
            redactor,
            "the `error` object has no integer `code`".into(),
        )
    })
}

/// [`Error::Rpc`] from a JSON-RPC error object, when it has a code.
fn parse_rpc_error(method: &'static str, error: &Value, redactor: &Redactor) -> Option<Error> {
    let code = error.get("code").and_then(integer)?;
    let raw_message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let message_parameters = error.get("data").and_then(|d| d.get("messageParameters"));
    let parameters = message_parameters
        .and_then(|p| p.get("positionalParameters"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|v| redactor.redact(&parameter_text(v)))
                .collect()
        })
        .unwrap_or_default();
    let plurality = message_parameters
        .and_then(|p| p.get("plurality"))
        .and_then(integer);
    Some(Error::Rpc(RpcError::new(
        method,
        code,
        redactor.redact(raw_message),
        parameters,
        plurality,
    )))
}

fn integer(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

fn parameter_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The reply is not JSON-RPC: an HTTP error when the status or the body says so (an
/// error page), otherwise an invalid reply.
fn not_json_rpc(
    method: &'static str,
    reply: &HttpReply,
    redactor: &Redactor,
    reason: String,
) -> Error {
    let success = (200..300).contains(&reply.status);
    if success && !looks_like_html(reply) {
        return Error::InvalidResponse { method, reason };
    }
    http_error(method, reply, redactor)
}

/// [`Error::Http`] for a reply that is not JSON-RPC.
fn http_error(method: &'static str, reply: &HttpReply, redactor: &Redactor) -> Error {
    let html = looks_like_html(reply);
    let kind = if html {
        "an HTML page"
    } else if reply.body.iter().all(u8::is_ascii_whitespace) {
        "an empty body"
    } else if serde_json::from_slice::<IgnoredAny>(&reply.body).is_ok() {
        "JSON without a JSON-RPC result or error"
    } else {
        "a body that is not JSON"
    };
    Error::Http {
        method,
        status: reply.status,
        content_type: reply.content_type().map(|c| redactor.redact(c)),
        kind,
        excerpt: redactor.redact(&excerpt(&reply.body, html)),
    }
}

fn looks_like_html(reply: &HttpReply) -> bool {
    let by_type = reply
        .content_type()
        .is_some_and(|c| c.to_ascii_lowercase().contains("html"));
    let by_body = reply.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    by_type || by_body
}

/// How many characters of a body an error keeps.
const EXCERPT_CHARS: usize = 160;
/// How many bytes of a body are looked at for an excerpt.
const EXCERPT_SCAN_BYTES: usize = 8 * 1024;

/// A short, single-line excerpt of a body; tags are removed from HTML so that the
/// excerpt shows the page's text (its title, usually).
fn excerpt(body: &[u8], html: bool) -> String {
    let head = &body[..body.len().min(EXCERPT_SCAN_BYTES)];
    let text = String::from_utf8_lossy(head);
    let mut visible = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' if html => in_tag = true,
            '>' if html && in_tag => {
                in_tag = false;
                visible.push(' ');
            }
            _ if in_tag => {}
            c if c.is_control() => visible.push(' '),
            c => visible.push(c),
        }
    }
    let words: Vec<&str> = visible.split_whitespace().collect();
    let collapsed = words.join(" ");
    if collapsed.chars().count() > EXCERPT_CHARS {
        let cut: String = collapsed.chars().take(EXCERPT_CHARS).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

/// Replaces the content of every quoted value in a message (serde quotes strings with `"`
/// and other values with backticks) with `…`.
fn hide_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut open: Option<char> = None;
    for c in message.chars() {
        match open {
            Some(quote) if c == quote => {
                out.push('…');
                out.push(c);
                open = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    open = Some(c);
                }
            }
        }
    }
    if open.is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

    fn reply(status: u16, content_type: &str, body: &str) -> HttpReply {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        HttpReply {
            status,
            headers,
            body: Bytes::from(body.to_owned()),
        }
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Host {
        hostname: String,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Hosts {
        list: Vec<Host>,
    }

    fn decode<W: DeserializeOwned>(r: &HttpReply) -> Result<W, Error> {
        decode_reply::<W>("Hosts.get", r, &Redactor::default(), Quoting::Allowed)
    }

    #[test]
    fn request_envelope() {
        let body = encode_request(7, "Users.get", &serde_json::json!({"query": {}})).unwrap();
        assert_eq!(
            body,
            br#"{"jsonrpc":"2.0","id":7,"method":"Users.get","params":{"query":{}}}"#
        );
    }

    #[test]
    fn decode_error_names_the_path() {
        let r = reply(
            200,
            "application/json-rpc",
            r#"{"id":1,"result":{"list":[{"hostname":"a"},{"hostname":5}]}}"#,
        );
        match decode::<Hosts>(&r) {
            Err(Error::Decode { path, message, .. }) => {
                assert_eq!(path, "result.list[1].hostname");
                assert!(message.contains("invalid type"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_objects_win_over_status() {
        let body = r#"{"jsonrpc":"2.0","id":1,"error":{"code":1002,"message":"Item %1 does not exist.","data":{"messageParameters":{"positionalParameters":["x",3],"plurality":1}}}}"#;
        let e = decode::<Hosts>(&reply(500, "application/json-rpc", body)).unwrap_err();
        let rpc = e.rpc().unwrap();
        assert_eq!(
            (rpc.code, rpc.message.as_str()),
            (1002, "Item x does not exist.")
        );
        assert_eq!(rpc.parameters, ["x", "3"]);
        assert_eq!(rpc.plurality, Some(1));
    }

    #[test]
    fn html_pages_are_http_errors() {
        let body = "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>";
        match decode::<Hosts>(&reply(502, "text/html", body)).unwrap_err() {
            Error::Http {
                status,
                kind,
                excerpt,
                ..
            } => {
                assert_eq!((status, kind), (502, "an HTML page"));
                assert_eq!(excerpt, "502 Bad Gateway Bad Gateway");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_bodies_are_invalid_responses() {
        let truncated = reply(
            200,
            "application/json-rpc",
            r#"{"id":1,"result":{"list":[{"host"#,
        );
        assert!(
            matches!(decode::<Hosts>(&truncated), Err(Error::InvalidResponse { reason, .. }) if reason.contains("truncated"))
        );
        let garbage = reply(200, "application/json-rpc", "this is not json");
        assert!(
            matches!(decode::<Hosts>(&garbage), Err(Error::InvalidResponse { reason, .. }) if reason.contains("not JSON"))
        );
        let neither = reply(200, "application/json-rpc", r#"{"jsonrpc":"2.0","id":1}"#);
        assert!(
            matches!(decode::<Hosts>(&neither), Err(Error::InvalidResponse { reason, .. }) if reason.contains("neither"))
        );
        let empty = reply(200, "application/json-rpc", "");
        assert!(
            matches!(decode::<Hosts>(&empty), Err(Error::InvalidResponse { reason, .. }) if reason.contains("empty"))
        );
    }

    #[test]
    fn hidden_quoting_removes_values() {
        assert_eq!(
            hide_quoted(r#"invalid type: string "abc", expected "x""#),
            r#"invalid type: string "…", expected "…""#
        );
        assert_eq!(hide_quoted("no quotes"), "no quotes");
        assert_eq!(
            hide_quoted("integer `123`, unclosed \"abc"),
            "integer `…`, unclosed \"…"
        );
    }
}
