//! Errors made of replies that are not a usable result: JSON-RPC error objects, HTTP
//! error pages (with a short excerpt) and what a decode message may quote, every text
//! taken from a reply passed through the session's redactor.

use serde::de::IgnoredAny;
use serde_json::Value;

use crate::error::{Error, RpcError};
use crate::secret::Redactor;
use crate::transport::HttpReply;

/// Builds [`Error::Rpc`] from a JSON-RPC error object.
pub(crate) fn rpc_error(
    method: &'static str,
    error: &Value,
    reply: &HttpReply,
    redactor: &Redactor,
) -> Error {
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
pub(crate) fn parse_rpc_error(
    method: &'static str,
    error: &Value,
    redactor: &Redactor,
) -> Option<Error> {
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
pub(crate) fn not_json_rpc(
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
pub(crate) fn http_error(method: &'static str, reply: &HttpReply, redactor: &Redactor) -> Error {
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
pub(crate) fn hide_quoted(message: &str) -> String {
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
