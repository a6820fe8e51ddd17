//! What a handler of the mock appliance answers, and the HTTP body type that can also
//! break a connection halfway.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use serde_json::Value;

/// Content type of the appliance's JSON-RPC replies.
pub const JSON_RPC: &str = "application/json-rpc; charset=UTF-8";

/// The reply to one call, from a handler ([`MockAppliance::on`](super::MockAppliance::on))
/// or from the mock itself.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// `{"result": value}` with HTTP 200.
    Result(Value),
    /// `{"result": <raw>}` with HTTP 200; `raw` is spliced in as is (fast for big replies).
    ResultRaw(Bytes),
    /// A JSON-RPC error object with HTTP 200; `parameters` go to
    /// `data.messageParameters.positionalParameters`.
    Error {
        /// The JSON-RPC error code.
        code: i64,
        /// The message, possibly with `%1` placeholders.
        message: String,
        /// The values of the placeholders.
        parameters: Vec<Value>,
    },
    /// Another reply with another HTTP status (e.g. 500 with a JSON-RPC error body).
    Status(u16, Box<Reply>),
    /// Any body with any status and content type (HTML pages, garbage, truncated JSON).
    Raw {
        /// HTTP status.
        status: u16,
        /// `Content-Type` header.
        content_type: String,
        /// The body.
        body: Bytes,
    },
    /// Declares `Content-Length` of the whole `body`, sends its first `sent` bytes, then
    /// drops the connection.
    CutOff {
        /// `Content-Type` header.
        content_type: String,
        /// The whole body, as announced.
        body: Bytes,
        /// How many bytes are sent before the connection drops.
        sent: usize,
    },
    /// A body of `len` bytes of [`pattern_byte`]s with HTTP 200 and `Content-Length`,
    /// produced and sent `chunk` bytes at a time (big downloads without big buffers).
    /// Without `sized`, the length is not declared (chunked transfer encoding).
    Stream {
        /// `Content-Type` header.
        content_type: String,
        /// Length of the body.
        len: u64,
        /// Size of each chunk.
        chunk: usize,
        /// Whether `Content-Length` is declared.
        sized: bool,
    },
    /// Closes the connection without answering.
    Drop,
    /// Waits, then answers.
    Delay(Duration, Box<Reply>),
    /// Another reply that also sets these cookies (`Set-Cookie` header values).
    WithCookies(Vec<String>, Box<Reply>),
    /// Answers with this `id` in the envelope instead of the request's.
    WithId(Value, Box<Reply>),
    /// Answers with the other reply, then restarts the listener, as an appliance whose
    /// web server restarts after an apply: for the duration, every new connection is
    /// closed as soon as it is accepted and every request on an open one is dropped.
    ThenRestart(Duration, Box<Reply>),
    /// What the mock answers without a handler: login and logout, batches, state,
    /// captures, or a reply made up from the spec.
    Builtin,
}

impl Reply {
    /// `{"result": value}`.
    pub fn result(value: Value) -> Reply {
        Reply::Result(value)
    }

    /// A JSON-RPC error.
    pub fn error(code: i64, message: &str, parameters: &[Value]) -> Reply {
        Reply::Error {
            code,
            message: message.to_owned(),
            parameters: parameters.to_vec(),
        }
    }

    /// This reply with another HTTP status.
    pub fn with_status(self, status: u16) -> Reply {
        Reply::Status(status, Box::new(self))
    }

    /// This reply, also setting cookies.
    pub fn with_cookies(self, cookies: &[&str]) -> Reply {
        Reply::WithCookies(
            cookies.iter().map(|c| (*c).to_owned()).collect(),
            Box::new(self),
        )
    }

    /// This reply with another envelope `id`.
    pub fn with_id(self, id: Value) -> Reply {
        Reply::WithId(id, Box::new(self))
    }

    /// This reply after a delay.
    pub fn delayed(self, delay: Duration) -> Reply {
        Reply::Delay(delay, Box::new(self))
    }

    /// This reply, then the listener down for `down` (see [`Reply::ThenRestart`]).
    pub fn then_restart(self, down: Duration) -> Reply {
        Reply::ThenRestart(down, Box::new(self))
    }

    /// An HTML page with a status.
    pub fn html(status: u16, html: &str) -> Reply {
        Reply::raw(
            status,
            "text/html; charset=UTF-8",
            Bytes::copy_from_slice(html.as_bytes()),
        )
    }

    /// Any body.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Bytes>) -> Reply {
        Reply::Raw {
            status,
            content_type: content_type.to_owned(),
            body: body.into(),
        }
    }

    /// A streamed body of `len` pattern bytes, see [`Reply::Stream`].
    pub fn stream(len: u64, chunk: usize) -> Reply {
        Reply::Stream {
            content_type: "application/octet-stream".to_owned(),
            len,
            chunk: chunk.max(1),
            sized: true,
        }
    }

    /// Like [`Reply::stream`] but without `Content-Length` (chunked transfer encoding).
    pub fn stream_unsized(len: u64, chunk: usize) -> Reply {
        Reply::Stream {
            content_type: "application/octet-stream".to_owned(),
            len,
            chunk: chunk.max(1),
            sized: false,
        }
    }

    /// A well-formed result whose body is cut after `sent` bytes with the connection
    /// dropped.
    pub fn cut_off(result: Value, sent: usize) -> Reply {
        let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "result": result}).to_string();
        Reply::CutOff {
            content_type: JSON_RPC.to_owned(),
            body: Bytes::from(body),
            sent,
        }
    }
}

/// The byte at `offset` of a [`Reply::Stream`] body.
pub fn pattern_byte(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// A response body that is either whole, generated chunk by chunk, or breaks the
/// connection after some bytes.
pub(crate) enum MockBody {
    Whole(Option<Bytes>),
    Generated {
        sent: u64,
        len: u64,
        chunk: usize,
        /// Whether the size hint is exact (else hyper sends it chunked).
        sized: bool,
    },
    /// Sends the first bytes, yields once so that the server writes them, then the rest.
    Split(Option<Bytes>, u8),
    /// Sends the bytes, pauses so that the server flushes them, then fails.
    Broken(Option<Bytes>, Option<Pin<Box<tokio::time::Sleep>>>),
}

impl MockBody {
    pub(crate) fn generated(len: u64, chunk: usize, sized: bool) -> MockBody {
        MockBody::Generated {
            sent: 0,
            len,
            chunk,
            sized,
        }
    }

    /// A whole body sent in two writes; other bodies as they are.
    pub(crate) fn split(self) -> MockBody {
        match self {
            MockBody::Whole(Some(bytes)) if bytes.len() > 1 => MockBody::Split(Some(bytes), 0),
            other => other,
        }
    }

    pub(crate) fn broken(bytes: Bytes) -> MockBody {
        MockBody::Broken(
            Some(bytes),
            Some(Box::pin(tokio::time::sleep(Duration::from_millis(50)))),
        )
    }
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            MockBody::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            MockBody::Generated {
                sent, len, chunk, ..
            } => {
                if *sent >= *len {
                    return Poll::Ready(None);
                }
                let size = (*chunk as u64).min(*len - *sent);
                let data: Vec<u8> = (*sent..*sent + size).map(pattern_byte).collect();
                *sent += size;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(data)))))
            }
            MockBody::Split(rest, phase) => match (rest.take(), *phase) {
                (Some(mut bytes), 0) => {
                    let first = bytes.split_to(1);
                    *rest = Some(bytes);
                    *phase = 1;
                    Poll::Ready(Some(Ok(Frame::data(first))))
                }
                (Some(bytes), 1) => {
                    // Once pending, so that the first write goes out alone.
                    *rest = Some(bytes);
                    *phase = 2;
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                (Some(bytes), _) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
                (None, _) => Poll::Ready(None),
            },
            MockBody::Broken(bytes, pause) => {
                if let Some(b) = bytes.take() {
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                if let Some(sleep) = pause {
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    *pause = None;
                }
                Poll::Ready(Some(Err(io::Error::other(
                    "the mock appliance drops the connection",
                ))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            MockBody::Whole(None) | MockBody::Split(None, _) => true,
            MockBody::Generated { sent, len, .. } => sent >= len,
            _ => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Whole(Some(b)) => SizeHint::with_exact(b.len() as u64),
            MockBody::Whole(None) => SizeHint::with_exact(0),
            MockBody::Generated {
                sent,
                len,
                sized: true,
                ..
            } => SizeHint::with_exact(len - sent),
            MockBody::Generated { .. } => SizeHint::default(),
            MockBody::Split(Some(b), _) => SizeHint::with_exact(b.len() as u64),
            MockBody::Split(None, _) => SizeHint::with_exact(0),
            MockBody::Broken(..) => SizeHint::default(),
        }
    }
}
