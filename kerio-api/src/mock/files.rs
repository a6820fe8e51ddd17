//! File uploads (multipart) and downloads (`GET`) of the mock appliance.

use bytes::Bytes;
use hyper::header::CONTENT_TYPE;
use hyper::http::request::Parts;
use serde_json::{Value, json};

use super::{Reply, RpcCall, State, lock};
use crate::{DOWNLOAD, UPLOAD};

/// A file the appliance received.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The id the appliance returned.
    pub id: String,
    /// The multipart field name.
    pub field: String,
    /// The file name of the part.
    pub file_name: Option<String>,
    /// The `Content-Type` of the part.
    pub content_type: Option<String>,
    /// The content.
    pub bytes: Bytes,
}

/// An upload request as a call: `params` holds `field`, `fileName` and `contentType` of
/// the first multipart part, `body` its content (the raw body when it is not multipart).
pub(super) fn upload_call(parts: Parts, body: Bytes) -> RpcCall {
    let boundary = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once("boundary="))
        .map(|(_, b)| b.trim_matches('"').to_owned());
    let part = boundary.and_then(|b| first_part(&body, &b));
    let (params, content) = match part {
        Some(part) => (
            json!({"field": part.field, "fileName": part.file_name, "contentType": part.content_type}),
            part.content,
        ),
        None => (Value::Null, body),
    };
    RpcCall {
        path: parts.uri.path().to_owned(),
        method: UPLOAD.to_owned(),
        id: Value::Null,
        params,
        headers: parts.headers,
        body: content,
        batch: false,
    }
}

/// A download request as a call; `path` includes the query.
pub(super) fn download_call(parts: Parts) -> RpcCall {
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    RpcCall {
        path,
        method: DOWNLOAD.to_owned(),
        id: Value::Null,
        params: Value::Null,
        headers: parts.headers,
        body: Bytes::new(),
        batch: false,
    }
}

/// Keeps an upload and serves it back at `<api path>download/<id>`.
pub(super) fn store_upload(state: &State, call: &RpcCall) -> Reply {
    let Some(field) = call.params.get("field").and_then(Value::as_str) else {
        return Reply::error(-32602, "Invalid params: not a multipart upload.", &[]);
    };
    let id = format!("upload-{}", state.random_hex(8));
    let text = |key: &str| {
        call.params
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let upload = Upload {
        id: id.clone(),
        field: field.to_owned(),
        file_name: text("fileName"),
        content_type: text("contentType"),
        bytes: call.body.clone(),
    };
    let download_path = format!("{}download/{id}", call.path.trim_end_matches("upload/"));
    lock(&state.files).insert(
        download_path,
        Reply::raw(200, "application/octet-stream", call.body.clone()),
    );
    lock(&state.uploads).push(upload);
    Reply::result(json!({"fileUpload": {"id": id, "size": call.body.len()}}))
}

/// Serves a file registered with `serve_file`, an upload, or a file a made-up result
/// announced.
pub(super) fn serve_download(state: &State, call: &RpcCall) -> Reply {
    match lock(&state.files).get(&call.path) {
        Some(reply) => reply.clone(),
        None => Reply::html(404, "<html><title>404 Not Found</title></html>"),
    }
}

/// Makes every `{url, name, length}` object of a result downloadable: its `url` becomes a
/// path under the API that serves `length` pattern bytes.
pub(super) fn announce_downloads(state: &State, api_path: &str, value: &mut Value) {
    match value {
        Value::Object(o) => {
            let is_download = o.get("url").is_some_and(Value::is_string)
                && o.get("name").is_some_and(Value::is_string)
                && o.get("length").is_some_and(Value::is_number);
            if is_download {
                let len = o
                    .get("length")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
                    .min(1 << 20);
                let name = o.get("name").and_then(Value::as_str).unwrap_or("file");
                let safe: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '.' {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect();
                let path = format!("{api_path}download/{safe}");
                o.insert("url".into(), Value::String(path.clone()));
                o.insert("length".into(), Value::from(len));
                lock(&state.files).insert(path, Reply::stream(len, 64 * 1024));
            } else {
                for v in o.values_mut() {
                    announce_downloads(state, api_path, v);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                announce_downloads(state, api_path, v);
            }
        }
        _ => {}
    }
}

struct Part {
    field: String,
    file_name: Option<String>,
    content_type: Option<String>,
    content: Bytes,
}

/// The first part of a `multipart/form-data` body.
fn first_part(body: &Bytes, boundary: &str) -> Option<Part> {
    let delimiter = format!("--{boundary}");
    let start = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    let headers_end = find(body, b"\r\n\r\n", start)?;
    let headers = std::str::from_utf8(&body[start..headers_end]).ok()?;
    let content_start = headers_end + 4;
    let end = find(body, format!("\r\n{delimiter}").as_bytes(), content_start)?;
    let mut part = Part {
        field: String::new(),
        file_name: None,
        content_type: None,
        content: body.slice(content_start..end),
    };
    for line in headers.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("content-disposition") {
            for attr in value.split(';').map(str::trim) {
                if let Some(v) = attr.strip_prefix("name=") {
                    part.field = v.trim_matches('"').to_owned();
                } else if let Some(v) = attr.strip_prefix("filename=") {
                    part.file_name = Some(v.trim_matches('"').to_owned());
                }
            }
        } else if name.eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.trim().to_owned());
        }
    }
    Some(part)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}
