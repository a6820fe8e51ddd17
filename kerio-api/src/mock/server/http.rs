//! The mock's HTTP side: accepting TLS connections, reading requests into calls, and
//! writing replies as responses (status, cookies, cut-off and streamed bodies).

use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION, SET_COOKIE};
use hyper::{Method as HttpMethod, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::State;
use super::dispatch::error_object;
use crate::mock::reply::MockBody;
use crate::mock::{JSON_RPC, Reply, RpcCall, files};

pub(super) async fn accept_loop(listener: TcpListener, acceptor: TlsAcceptor, state: Arc<State>) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        if state.is_down() {
            // Restarting: the connection is closed before TLS.
            drop(tcp);
            continue;
        }
        state.connections.fetch_add(1, Ordering::SeqCst);
        let _ = tcp.set_nodelay(!state.faults.nagle);
        let acceptor = acceptor.clone();
        let state = state.clone();
        tokio::spawn(async move {
            // A client that rejects the certificate aborts the handshake: nothing to serve.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = hyper::service::service_fn(move |request| handle(state.clone(), request));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<MockBody>, io::Error> {
    if state.is_down() {
        return Err(io::Error::other(
            "the mock appliance's listener is restarting",
        ));
    }
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
    if let Some(latency) = state.faults.latency {
        tokio::time::sleep(latency).await;
    }
    let call = if parts.method == HttpMethod::GET {
        files::download_call(parts)
    } else if parts.method == HttpMethod::POST && parts.uri.path().ends_with("/upload/") {
        files::upload_call(parts, body)
    } else if parts.method == HttpMethod::POST && state.is_form_login(parts.uri.path()) {
        let answer = state.form_login(parts.uri.path(), &body);
        let mut response = raw_response(
            302,
            "text/html; charset=UTF-8",
            Bytes::from_static(b"<html><title>302 Found</title></html>"),
            &answer.cookies,
        );
        response
            .headers_mut()
            .insert(LOCATION, header_value(&answer.location));
        return Ok(response);
    } else if parts.method != HttpMethod::POST {
        return Ok(raw_response(
            405,
            "text/html",
            Bytes::from_static(b"<html><title>405</title></html>"),
            &[],
        ));
    } else {
        let Ok(envelope) = serde_json::from_slice::<Value>(&body) else {
            let reply = json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "Parse error."}});
            return Ok(raw_response(
                200,
                JSON_RPC,
                Bytes::from(reply.to_string()),
                &[],
            ));
        };
        RpcCall {
            path: parts.uri.path().to_owned(),
            method: envelope
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            id: envelope.get("id").cloned().unwrap_or(Value::Null),
            params: envelope.get("params").cloned().unwrap_or(Value::Null),
            headers: parts.headers,
            body,
            batch: false,
        }
    };
    state.record(&call);
    let reply = state.route(&call);
    let response = respond(&state, &call, reply).await?;
    Ok(if state.faults.split_replies {
        response.map(MockBody::split)
    } else {
        response
    })
}

async fn respond(
    state: &State,
    call: &RpcCall,
    mut reply: Reply,
) -> Result<Response<MockBody>, io::Error> {
    let mut status = 200;
    let mut cookies = Vec::new();
    let mut id = call.id.clone();
    loop {
        reply = match reply {
            Reply::Delay(delay, inner) => {
                tokio::time::sleep(delay).await;
                *inner
            }
            Reply::Status(code, inner) => {
                status = code;
                *inner
            }
            Reply::WithCookies(set, inner) => {
                cookies.extend(set);
                *inner
            }
            Reply::WithId(new, inner) => {
                id = new;
                *inner
            }
            Reply::ThenRestart(down, inner) => {
                state.restart(down);
                *inner
            }
            Reply::Builtin => {
                let (builtin, set) = state.builtin(call);
                cookies.extend(set);
                builtin
            }
            Reply::Result(result) => {
                let body = json!({"jsonrpc": "2.0", "id": id, "result": result});
                return Ok(raw_response(
                    status,
                    JSON_RPC,
                    Bytes::from(body.to_string()),
                    &cookies,
                ));
            }
            Reply::ResultRaw(raw) => {
                let head = format!(r#"{{"jsonrpc":"2.0","id":{id},"result":"#);
                let mut body = Vec::with_capacity(head.len() + raw.len() + 1);
                body.extend_from_slice(head.as_bytes());
                body.extend_from_slice(&raw);
                body.push(b'}');
                return Ok(raw_response(status, JSON_RPC, body.into(), &cookies));
            }
            Reply::Error {
                code,
                message,
                parameters,
            } => {
                let body = json!({"jsonrpc": "2.0", "id": id,
                    "error": error_object(code, &message, &parameters)});
                return Ok(raw_response(
                    status,
                    JSON_RPC,
                    Bytes::from(body.to_string()),
                    &cookies,
                ));
            }
            Reply::Raw {
                status,
                content_type,
                body,
            } => return Ok(raw_response(status, &content_type, body, &cookies)),
            Reply::CutOff {
                content_type,
                body,
                sent,
            } => {
                let mut response =
                    Response::new(MockBody::broken(body.slice(..sent.min(body.len()))));
                let headers = response.headers_mut();
                headers.insert(CONTENT_TYPE, header_value(&content_type));
                headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
                return Ok(response);
            }
            Reply::Stream {
                content_type,
                len,
                chunk,
                sized,
            } => {
                let mut response = Response::new(MockBody::generated(len, chunk, sized));
                let headers = response.headers_mut();
                headers.insert(CONTENT_TYPE, header_value(&content_type));
                if sized {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
                }
                for cookie in &cookies {
                    headers.append(SET_COOKIE, header_value(cookie));
                }
                return Ok(response);
            }
            Reply::Drop => return Err(io::Error::other("the mock appliance drops the connection")),
        };
    }
}

/// A header value; text that cannot be one (a handler's mistake) becomes empty.
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn raw_response(
    status: u16,
    content_type: &str,
    body: Bytes,
    cookies: &[String],
) -> Response<MockBody> {
    let mut response = Response::new(MockBody::Whole(Some(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, header_value(content_type));
    for cookie in cookies {
        headers.append(SET_COOKIE, header_value(cookie));
    }
    response
}
