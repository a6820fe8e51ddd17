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

use crate::drift::{DriftLog, decode_tolerant};
use crate::error::Error;
use crate::reply_error::{hide_quoted, http_error, not_json_rpc, parse_rpc_error, rpc_error};
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

/// A reply; unknown members (`jsonrpc`) are skipped without being parsed into values.
#[derive(Deserialize)]
struct ReplyEnvelope<T> {
    result: Option<T>,
    error: Option<Value>,
    id: Option<ReplyId>,
}

/// The `id` of a reply, which must be the request's: a reply to another request (a
/// confused proxy or appliance) would otherwise pass for this one's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReplyId {
    Number(u64),
    /// A string, a negative or fractional number, an object...: never one of ours.
    Other,
}

impl<'de> Deserialize<'de> for ReplyId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> serde::de::Visitor<'de> for IdVisitor {
            type Value = ReplyId;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a request id")
            }
            fn visit_u64<E>(self, v: u64) -> Result<ReplyId, E> {
                Ok(ReplyId::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ReplyId, E> {
                Ok(u64::try_from(v).map_or(ReplyId::Other, ReplyId::Number))
            }
            fn visit_f64<E>(self, _: f64) -> Result<ReplyId, E> {
                Ok(ReplyId::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<ReplyId, E> {
                Ok(ReplyId::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<ReplyId, E> {
                Ok(ReplyId::Other)
            }
            fn visit_unit<E>(self) -> Result<ReplyId, E> {
                Ok(ReplyId::Other)
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(
                self,
                mut seq: S,
            ) -> Result<ReplyId, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ReplyId::Other)
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<ReplyId, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ReplyId::Other)
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// Fails when a reply carries another id than the request's. A reply without an `id`
/// (or with `null`, as JSON-RPC answers requests it could not parse) is not rejected.
fn check_id(method: &'static str, expected: u64, found: Option<ReplyId>) -> Result<(), Error> {
    match found {
        None => Ok(()),
        Some(ReplyId::Number(n)) if n == expected => Ok(()),
        Some(ReplyId::Number(n)) => Err(Error::InvalidResponse {
            method,
            reason: format!(
                "the reply is for request id {n}, not for this request's id {expected}"
            ),
        }),
        Some(ReplyId::Other) => Err(Error::InvalidResponse {
            method,
            reason: format!("the reply's `id` is not this request's id {expected}"),
        }),
    }
}

/// How much of a decode error message may quote from the reply.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// Values from the reply may appear in messages (after redaction of known secrets).
    Allowed,
    /// Quoted strings are hidden: the reply of a login carries the session token.
    Hidden,
}

/// Decodes the reply to request `id` into the result type `W`, whatever the HTTP
/// status. With a drift log, a result that does not fit is decoded again tolerantly
/// (see `drift`); without one, it fails with [`Error::Decode`].
pub(crate) fn decode_reply<W: DeserializeOwned>(
    method: &'static str,
    id: u64,
    reply: &HttpReply,
    redactor: &Redactor,
    quoting: Quoting,
    drift: Option<&DriftLog>,
) -> Result<W, Error> {
    match serde_json::from_slice::<ReplyEnvelope<W>>(&reply.body) {
        Ok(envelope) => {
            check_id(method, id, envelope.id)?;
            match envelope {
                ReplyEnvelope {
                    error: Some(error), ..
                } => Err(rpc_error(method, &error, reply, redactor)),
                ReplyEnvelope {
                    result: Some(result),
                    ..
                } => Ok(result),
                _ => Err(not_json_rpc(
                    method,
                    reply,
                    redactor,
                    "the reply has neither `result` nor `error`".into(),
                )),
            }
        }
        Err(_) => {
            let error = diagnose::<W>(method, Some(id), reply, redactor, quoting);
            match (&error, drift) {
                (Error::Decode { .. }, Some(log)) => {
                    tolerant_result(method, &reply.body, log).ok_or(error)
                }
                _ => Err(error),
            }
        }
    }
}

/// The `result` of a reply (or of a batch item), as a JSON value.
#[derive(Deserialize)]
struct ResultValue {
    result: Value,
}

/// Decodes a result that failed the strict decode, leaving out what does not fit.
fn tolerant_result<W: DeserializeOwned>(
    method: &'static str,
    body: &[u8],
    log: &DriftLog,
) -> Option<W> {
    let ResultValue { result } = serde_json::from_slice(body).ok()?;
    decode_tolerant(method, result, log)
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
                None,
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

/// Decodes item `index` of a batch result (`{"result": ...}` or `{"error": ...}`) as
/// the result type `W` of its method. Errors name the path from the batch reply's
/// `result`, e.g. `result[3].result.list[1].hostname`.
pub(crate) fn decode_batch_item<W: DeserializeOwned>(
    method: &'static str,
    index: usize,
    item: &RawValue,
    redactor: &Redactor,
    drift: Option<&DriftLog>,
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
    let (path, message) = failure_path::<W>(item.get().as_bytes());
    if let Some(log) = drift
        && let Some(decoded) = tolerant_result(method, item.get().as_bytes(), log)
    {
        return Ok(decoded);
    }
    Err(Error::Decode {
        method,
        path: format!("result[{index}].{path}"),
        message: redactor.redact(&message),
    })
}

/// Explains why the typed decode failed.
/// `id` is the request's, when the reply must carry it (an upload reply does not).
fn diagnose<W: DeserializeOwned>(
    method: &'static str,
    id: Option<u64>,
    reply: &HttpReply,
    redactor: &Redactor,
    quoting: Quoting,
) -> Error {
    if reply.body.iter().all(u8::is_ascii_whitespace) {
        return not_json_rpc(method, reply, redactor, "the body is empty".into());
    }
    let envelope = serde_json::from_slice::<ReplyEnvelope<IgnoredAny>>(&reply.body);
    if let (Ok(envelope), Some(id)) = (&envelope, id)
        && let Err(e) = check_id(method, id, envelope.id)
    {
        return e;
    }
    match envelope {
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

/// Decodes a reply that failed to decode again, tracking the path: where the value that
/// does not fit is, and why.
fn failure_path<W: DeserializeOwned>(body: &[u8]) -> (String, String) {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, ReplyEnvelope<W>>(&mut deserializer) {
        Err(e) => (e.path().to_string(), e.into_inner().to_string()),
        // Not expected: the first decode failed on the same bytes.
        Ok(_) => (
            "result".to_owned(),
            "the result does not match the method's result type".to_owned(),
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
    let (path, message) = failure_path::<W>(&reply.body);
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
        decode_reply::<W>(
            "Hosts.get",
            1,
            r,
            &Redactor::default(),
            Quoting::Allowed,
            None,
        )
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
}
