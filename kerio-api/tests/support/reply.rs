//! What a programmable handler of the test appliance answers, and the HTTP body type that
//! can also break a connection halfway.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use serde_json::Value;

/// The reply of a handler.
#[derive(Debug, Clone)]
pub enum Reply {
    /// `{"result": value}` with HTTP 200.
    Result(Value),
    /// `{"result": <raw>}` with HTTP 200; `raw` is spliced in as is (fast for big replies).
    ResultRaw(Bytes),
    /// A JSON-RPC error object with HTTP 200; `parameters` go to
    /// `data.messageParameters.positionalParameters`.
    Error {
        code: i64,
        message: String,
        parameters: Vec<Value>,
    },
    /// Another reply with another HTTP status (e.g. 500 with a JSON-RPC error body).
    Status(u16, Box<Reply>),
    /// Any body with any status and content type (HTML pages, garbage, truncated JSON).
    Raw {
        status: u16,
        content_type: String,
        body: Bytes,
    },
    /// Declares `Content-Length` of the whole `body`, sends its first `sent` bytes, then
    /// drops the connection.
    CutOff {
        content_type: String,
        body: Bytes,
        sent: usize,
    },
    /// A body of `len` bytes of [`pattern_byte`]s with HTTP 200 and `Content-Length`,
    /// produced and sent `chunk` bytes at a time (big downloads without big buffers).
    /// Without `sized`, the length is not declared (chunked transfer encoding).
    Stream {
        content_type: String,
        len: u64,
        chunk: usize,
        sized: bool,
    },
    /// Closes the connection without answering.
    Drop,
    /// Waits, then answers.
    Delay(Duration, Box<Reply>),
    /// Another reply that also sets these cookies (`Set-Cookie` header values).
    WithCookies(Vec<String>, Box<Reply>),
    /// What the appliance does without a handler (login, logout, "method not found").
    Builtin,
}

impl Reply {
    pub fn result(value: Value) -> Reply {
        Reply::Result(value)
    }

    pub fn error(code: i64, message: &str, parameters: &[Value]) -> Reply {
        Reply::Error {
            code,
            message: message.to_owned(),
            parameters: parameters.to_vec(),
        }
    }

    pub fn with_status(self, status: u16) -> Reply {
        Reply::Status(status, Box::new(self))
    }

    pub fn with_cookies(self, cookies: &[&str]) -> Reply {
        Reply::WithCookies(
            cookies.iter().map(|c| c.to_string()).collect(),
            Box::new(self),
        )
    }

    pub fn delayed(self, delay: Duration) -> Reply {
        Reply::Delay(delay, Box::new(self))
    }

    pub fn html(status: u16, html: &str) -> Reply {
        Reply::raw(
            status,
            "text/html; charset=UTF-8",
            Bytes::copy_from_slice(html.as_bytes()),
        )
    }

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
        match Reply::stream(len, chunk) {
            Reply::Stream {
                content_type,
                len,
                chunk,
                ..
            } => Reply::Stream {
                content_type,
                len,
                chunk,
                sized: false,
            },
            other => other,
        }
    }

    /// A well-formed result whose body is cut after `sent` bytes with the connection
    /// dropped.
    pub fn cut_off(result: Value, sent: usize) -> Reply {
        let body =
            serde_json::to_vec(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "result": result}))
                .expect("serializable");
        Reply::CutOff {
            content_type: JSON_RPC.to_owned(),
            body: body.into(),
            sent,
        }
    }
}

/// Content type of the appliance's JSON-RPC replies.
pub const JSON_RPC: &str = "application/json-rpc; charset=UTF-8";

/// The byte at `offset` of a [`Reply::Stream`] body.
pub fn pattern_byte(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// A response body that is either whole, generated chunk by chunk, or breaks the
/// connection after some bytes.
pub enum TestBody {
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

impl TestBody {
    pub fn generated(len: u64, chunk: usize, sized: bool) -> TestBody {
        TestBody::Generated {
            sent: 0,
            len,
            chunk,
            sized,
        }
    }

    /// A whole body sent in two writes; other bodies as they are.
    pub fn split(self) -> TestBody {
        match self {
            TestBody::Whole(Some(bytes)) if bytes.len() > 1 => TestBody::Split(Some(bytes), 0),
            other => other,
        }
    }

    pub fn broken(bytes: Bytes) -> TestBody {
        TestBody::Broken(
            Some(bytes),
            Some(Box::pin(tokio::time::sleep(Duration::from_millis(50)))),
        )
    }
}

impl Body for TestBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            TestBody::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            TestBody::Generated {
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
            TestBody::Split(rest, phase) => match (rest.take(), *phase) {
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
            TestBody::Broken(bytes, pause) => {
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
                    "test appliance drops the connection",
                ))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            TestBody::Whole(None) | TestBody::Split(None, _) => true,
            TestBody::Generated { sent, len, .. } => sent >= len,
            _ => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            TestBody::Whole(Some(b)) => SizeHint::with_exact(b.len() as u64),
            TestBody::Whole(None) => SizeHint::with_exact(0),
            TestBody::Generated {
                sent,
                len,
                sized: true,
                ..
            } => SizeHint::with_exact(len - sent),
            TestBody::Generated { .. } => SizeHint::default(),
            TestBody::Split(Some(b), _) => SizeHint::with_exact(b.len() as u64),
            TestBody::Split(None, _) => SizeHint::with_exact(0),
            TestBody::Broken(..) => SizeHint::default(),
        }
    }
}
