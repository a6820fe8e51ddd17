//! File uploads (multipart, to the API endpoint's `upload/`) and streamed downloads of
//! the `Download {url, name, length}` descriptors some methods return.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bytes::Bytes;
use futures_util::future::Either;
use futures_util::{Stream, StreamExt, TryStream, stream};
use reqwest::Url;
use reqwest::header::{self, HeaderValue};
use reqwest::multipart::{Form, Part};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tracing::Instrument;
use tracing::field::Empty;

use crate::auth::Auth;
use crate::error::Error;
use crate::method::Api;
use crate::session::{Session, record_outcome};
use crate::transport::{self, JSON_RPC_ACCEPT};
use crate::wire;

/// The method name of an upload, in place of a JSON-RPC method (an upload is a multipart
/// `POST` to the endpoint's `upload/`, not a JSON-RPC call).
///
/// Part of the public API because it is a value users see and compare: the `method` of
/// an [`Error`] or [`RpcError`](crate::RpcError) of [`Session::upload`], the `method`
/// field of its tracing span, and, in the mock appliance (feature `mock`), the method of
/// an upload's `RpcCall` and the name to give `MockAppliance::on` to answer uploads.
pub const UPLOAD: &str = "upload";
/// The method name of a download, in place of a JSON-RPC method (a download is a `GET` of
/// the `url` of a `Download` descriptor that some methods return).
///
/// Part of the public API for the same reasons as [`UPLOAD`]: the `method` of the errors
/// and the tracing span of [`Session::download`], and the method of a download's
/// `RpcCall` and handler name in the mock appliance.
pub const DOWNLOAD: &str = "download";
/// The multipart field of the uploaded file.
const UPLOAD_FIELD: &str = "newFile.bin";
/// How much of an error reply to a download is read to say what went wrong.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The content of an upload: bytes in memory, or a stream read as it is sent.
///
/// Bytes can be sent again after an automatic re-login; a stream cannot, so an upload
/// from a stream fails with the session-expired error when the session expired (the
/// session is logged in again for the next call).
pub struct UploadBody {
    kind: UploadKind,
}

enum UploadKind {
    Bytes(Bytes),
    Stream {
        body: reqwest::Body,
        length: Option<u64>,
    },
}

impl UploadBody {
    /// A body read from a stream of byte chunks while it is sent; sent with chunked
    /// encoding unless the length is given with [`UploadBody::with_length`].
    pub fn from_stream<S>(stream: S) -> UploadBody
    where
        S: TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        UploadBody {
            kind: UploadKind::Stream {
                body: reqwest::Body::wrap_stream(stream),
                length: None,
            },
        }
    }

    /// The length of a stream body, when known: sent as the part's length.
    pub fn with_length(mut self, length: u64) -> UploadBody {
        if let UploadKind::Stream { length: known, .. } = &mut self.kind {
            *known = Some(length);
        }
        self
    }

    /// A file, streamed from disk as it is sent.
    pub async fn from_file(path: impl AsRef<Path>) -> Result<UploadBody, Error> {
        let path = path.as_ref();
        let io_error = |source| Error::Io {
            context: format!("cannot read `{}`", path.display()),
            source,
        };
        let file = tokio::fs::File::open(path).await.map_err(io_error)?;
        let length = file.metadata().await.map_err(io_error)?.len();
        Ok(UploadBody {
            kind: UploadKind::Stream {
                body: reqwest::Body::from(file),
                length: Some(length),
            },
        })
    }

    /// The length in bytes, when known.
    pub fn len(&self) -> Option<u64> {
        match &self.kind {
            UploadKind::Bytes(bytes) => Some(bytes.len() as u64),
            UploadKind::Stream { length, .. } => *length,
        }
    }

    /// Whether the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
}

impl From<Bytes> for UploadBody {
    fn from(bytes: Bytes) -> Self {
        UploadBody {
            kind: UploadKind::Bytes(bytes),
        }
    }
}

impl From<Vec<u8>> for UploadBody {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<&'static [u8]> for UploadBody {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl From<String> for UploadBody {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl fmt::Debug for UploadBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            UploadKind::Bytes(_) => "bytes",
            UploadKind::Stream { .. } => "stream",
        };
        f.debug_struct("UploadBody")
            .field("kind", &kind)
            .field("len", &self.len())
            .finish()
    }
}

/// A download whose body has not been read yet; read it as a stream of chunks, or write
/// it to a file or writer. Never held in memory as a whole.
pub struct Download {
    body: DownloadBody,
    content_length: Option<u64>,
    content_type: Option<String>,
    /// The request's slot while its body is read, when requests in flight are limited.
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

enum DownloadBody {
    Streaming(reqwest::Response),
    /// A small body that had to be read to check whether it was an error.
    Buffered(Bytes),
}

impl Download {
    /// The length the appliance announced (`Content-Length`), when it did.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The `Content-Type` of the file, when the appliance sent one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body as a stream of chunks as they arrive. A connection that breaks, or a
    /// body shorter than announced, ends the stream with an [`Error::Transport`].
    pub fn bytes_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Send + 'static {
        match self.body {
            DownloadBody::Streaming(response) => Either::Left(
                response
                    .bytes_stream()
                    .map(|chunk| chunk.map_err(|e| transport::classify(e, DOWNLOAD))),
            ),
            DownloadBody::Buffered(bytes) => {
                Either::Right(stream::iter((!bytes.is_empty()).then_some(Ok(bytes))))
            }
        }
    }

    /// Writes the body to `writer` chunk by chunk; returns how many bytes were written.
    pub async fn write_to<W>(self, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let io_error = |source| Error::Io {
            context: "cannot write the download".into(),
            source,
        };
        let mut written = 0u64;
        let mut chunks = std::pin::pin!(self.bytes_stream());
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(io_error)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(io_error)?;
        Ok(written)
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("content_length", &self.content_length)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl<A: Api> Session<A> {
    /// Uploads a file as the web administration does (a multipart POST to the API
    /// endpoint followed by `upload/`, field `newFile.bin`) and returns the file id the
    /// appliance assigned, for the method that takes the uploaded file.
    ///
    /// `body` is anything that converts into an [`UploadBody`]: `Vec<u8>`, [`Bytes`],
    /// a `String`, or [`UploadBody::from_stream`] / [`UploadBody::from_file`].
    pub async fn upload(
        &self,
        file_name: &str,
        body: impl Into<UploadBody>,
    ) -> Result<String, Error> {
        if self.is_closed() {
            return Err(Error::SessionClosed { method: UPLOAD });
        }
        let url = upload_url(self.endpoint())?;
        let auth = self.auth();
        match body.into().kind {
            UploadKind::Bytes(bytes) => {
                let part = || {
                    let length = bytes.len() as u64;
                    Part::stream_with_length(reqwest::Body::from(bytes.clone()), length)
                };
                match self.post_file(&auth, &url, file_name, part()).await {
                    Err(e) if self.may_relogin(&e) => {
                        if !self.relogin(auth.generation).await? {
                            return Err(e);
                        }
                        let auth = self.auth();
                        self.post_file(&auth, &url, file_name, part()).await
                    }
                    other => other,
                }
            }
            UploadKind::Stream { body, length } => {
                let part = match length {
                    Some(length) => Part::stream_with_length(body, length),
                    None => Part::stream(body),
                };
                match self.post_file(&auth, &url, file_name, part).await {
                    Err(e) if self.may_relogin(&e) => {
                        // The stream is spent and cannot be sent again: log in again for
                        // the next call, and report the expiry (or the failed login).
                        self.relogin(auth.generation).await?;
                        Err(e)
                    }
                    other => other,
                }
            }
        }
    }

    async fn post_file(
        &self,
        auth: &Auth,
        url: &Url,
        file_name: &str,
        part: Part,
    ) -> Result<String, Error> {
        let span = transfer_span(A::NAME, UPLOAD);
        let started = Instant::now();
        let result = async {
            let part = part
                .file_name(file_name.to_owned())
                .mime_str("application/octet-stream")
                .map_err(|e| transport::classify(e, UPLOAD))?;
            let form = Form::new().part(UPLOAD_FIELD, part);
            let request = self
                .client()
                .transport()
                .http()
                .post(url.clone())
                .header(header::ACCEPT, HeaderValue::from_static(JSON_RPC_ACCEPT))
                .timeout(self.client().transfer_timeout())
                .multipart(form);
            let reply = self
                .client()
                .transport()
                .read_whole(auth.headers.apply(request), UPLOAD)
                .await?;
            tracing::Span::current().record("status", reply.status);
            let newer = self.absorb_cookies(auth, &reply.headers);
            let redactor = newer.as_deref().map_or(&auth.redactor, |a| &a.redactor);
            wire::decode_upload(UPLOAD, &reply, redactor)
        }
        .instrument(span.clone())
        .await;
        record_outcome(&span, started, &result);
        result
    }

    /// Starts a download: `url` is the `url` of a `Download` descriptor, a path relative
    /// to the client's base URL or an absolute URL on the same origin (else
    /// [`Error::Config`]). Sends the session cookie and token; returns once the reply's
    /// headers arrived, with the body still to be read.
    ///
    /// A reply with an error status, or a JSON-RPC error, is an error ([`Error::Http`],
    /// [`Error::Rpc`]); an expired session is logged in again when allowed.
    pub async fn download(&self, url: &str) -> Result<Download, Error> {
        if self.is_closed() {
            return Err(Error::SessionClosed { method: DOWNLOAD });
        }
        let url = resolve_download_url(self.client().base_url(), url)?;
        let auth = self.auth();
        match self.fetch(&auth, &url).await {
            Err(e) if self.may_relogin(&e) => {
                if !self.relogin(auth.generation).await? {
                    return Err(e);
                }
                let auth = self.auth();
                self.fetch(&auth, &url).await
            }
            other => other,
        }
    }

    /// Downloads into the file at `path`, streamed chunk by chunk; returns the number of
    /// bytes written. The data goes to `<path>.part` first, renamed to `path` once
    /// complete, so `path` never holds half a file (a cancelled download may leave the
    /// `.part` file behind).
    pub async fn download_to(&self, url: &str, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let download = self.download(url).await?;
        let partial = partial_path(path);
        let io_error = |what: &str, source| Error::Io {
            context: format!("cannot {what} `{}`", partial.display()),
            source,
        };
        let mut file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| io_error("create", e))?;
        let written = match download.write_to(&mut file).await {
            Ok(written) => written,
            Err(e) => {
                drop(file);
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(e);
            }
        };
        file.sync_all().await.map_err(|e| io_error("write", e))?;
        drop(file);
        tokio::fs::rename(&partial, path)
            .await
            .map_err(|e| io_error("rename", e))?;
        Ok(written)
    }

    async fn fetch(&self, auth: &Auth, url: &Url) -> Result<Download, Error> {
        let span = transfer_span(A::NAME, DOWNLOAD);
        let started = Instant::now();
        let result = async {
            let permit = self.client().transport().permit().await;
            let request = self
                .client()
                .transport()
                .http()
                .get(url.clone())
                .timeout(self.client().transfer_timeout());
            let mut response = auth
                .headers
                .apply(request)
                .send()
                .await
                .map_err(|e| transport::classify(e, DOWNLOAD))?;
            let status = response.status();
            tracing::Span::current().record("status", status.as_u16());
            let newer = self.absorb_cookies(auth, response.headers());
            let redactor = newer.as_deref().map_or(&auth.redactor, |a| &a.redactor);
            let content_type = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let content_length = response.content_length();
            if !status.is_success() {
                let reply = transport::read_head(response, DOWNLOAD, ERROR_BODY_LIMIT).await?;
                return Err(
                    wire::transfer_error(DOWNLOAD, &reply, redactor).unwrap_or_else(|| {
                        Error::InvalidResponse {
                            method: DOWNLOAD,
                            reason: format!("HTTP status {}", reply.status),
                        }
                    }),
                );
            }
            let json_rpc = content_type
                .as_deref()
                .is_some_and(|c| c.to_ascii_lowercase().contains("json-rpc"));
            let body = if json_rpc {
                // A JSON-RPC reply where a file was expected is an error, as a rule.
                let status = status.as_u16();
                let headers = std::mem::take(response.headers_mut());
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| transport::classify(e, DOWNLOAD))?;
                let reply = transport::HttpReply {
                    status,
                    headers,
                    body,
                };
                if let Some(e) = wire::transfer_error(DOWNLOAD, &reply, redactor) {
                    return Err(e);
                }
                DownloadBody::Buffered(reply.body)
            } else {
                DownloadBody::Streaming(response)
            };
            if let Some(length) = content_length {
                tracing::Span::current().record("bytes", length);
            }
            Ok(Download {
                body,
                content_length,
                content_type,
                _permit: permit,
            })
        }
        .instrument(span.clone())
        .await;
        record_outcome(&span, started, &result);
        result
    }
}

fn transfer_span(api: &'static str, method: &'static str) -> tracing::Span {
    tracing::debug_span!(
        "kerio.transfer",
        api,
        method,
        status = Empty,
        bytes = Empty,
        duration_ms = Empty,
        outcome = Empty,
    )
}

/// The API endpoint followed by `upload/`.
fn upload_url(endpoint: &str) -> Result<Url, Error> {
    let separator = if endpoint.ends_with('/') { "" } else { "/" };
    let text = format!("{endpoint}{separator}upload/");
    Url::parse(&text).map_err(|e| Error::Config(format!("the upload URL is not valid: {e}")))
}

/// Resolves the URL of a download descriptor: a path is taken relative to the base URL
/// (with its path prefix, for appliances behind a reverse proxy); an absolute URL must
/// have the base URL's scheme, host and port, so that the session's cookie and token
/// never go to another server.
fn resolve_download_url(base_url: &str, target: &str) -> Result<Url, Error> {
    let base = Url::parse(base_url)
        .map_err(|e| Error::Config(format!("the base URL is not valid: {e}")))?;
    let target = target.trim();
    if target.is_empty() {
        return Err(Error::Config("the download URL is empty".into()));
    }
    let url = match Url::parse(target) {
        Ok(absolute) => absolute,
        Err(_) => {
            let separator = if target.starts_with('/') { "" } else { "/" };
            let base_text = base_url.trim_end_matches('/');
            Url::parse(&format!("{base_text}{separator}{target}"))
                .map_err(|e| Error::Config(format!("the download URL is not a valid path: {e}")))?
        }
    };
    if url.origin() != base.origin() {
        return Err(Error::Config(format!(
            "the download URL is not on the appliance ({}): the session's credentials are only sent there",
            base.origin().ascii_serialization()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the download URL must not hold a user name or password".into(),
        ));
    }
    Ok(url)
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_urls_resolve_against_the_base_url() {
        let base = "https://fw.example.com:4081";
        let resolve = |t| resolve_download_url(base, t).map(|u| u.to_string());
        assert_eq!(
            resolve("/admin/api/jsonrpc/download/x.tgz").unwrap(),
            "https://fw.example.com:4081/admin/api/jsonrpc/download/x.tgz"
        );
        assert_eq!(
            resolve("download/x?id=1").unwrap(),
            "https://fw.example.com:4081/download/x?id=1"
        );
        assert_eq!(
            resolve("https://fw.example.com:4081/d/x").unwrap(),
            "https://fw.example.com:4081/d/x"
        );
        assert_eq!(
            resolve_download_url("https://proxy/fw1", "/admin/d")
                .unwrap()
                .as_str(),
            "https://proxy/fw1/admin/d"
        );
        // Stays on the appliance, whatever the path looks like.
        assert_eq!(
            resolve("//evil.example/x").unwrap(),
            "https://fw.example.com:4081//evil.example/x"
        );
    }

    #[test]
    fn download_urls_elsewhere_are_refused() {
        let base = "https://fw.example.com:4081";
        for bad in [
            "https://evil.example/x",
            "https://fw.example.com/x",
            "http://fw.example.com:4081/x",
            "https://fw.example.com:4082/x",
            "https://user:pw@fw.example.com:4081/x",
            "",
        ] {
            let err = resolve_download_url(base, bad).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
        }
    }

    #[test]
    fn upload_url_follows_the_endpoint() {
        assert_eq!(
            upload_url("https://fw:4081/admin/api/jsonrpc/")
                .unwrap()
                .as_str(),
            "https://fw:4081/admin/api/jsonrpc/upload/"
        );
        assert_eq!(
            upload_url("https://fw:4081/lib/api").unwrap().as_str(),
            "https://fw:4081/lib/api/upload/"
        );
    }

    #[test]
    fn partial_files_sit_next_to_the_target() {
        assert_eq!(
            partial_path(Path::new("/tmp/a/backup.tgz")),
            Path::new("/tmp/a/backup.tgz.part")
        );
    }
}
