//! The `paging_1000_by_50` group of the calls benchmark: the stall of a server's
//! Nagle's algorithm against the client's delayed ACKs, and what quick ACKs change.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::{Value, json};

use crate::api::admin_login;
use crate::support::{
    self, Appliance, CertKind, Reply, SESSION_COOKIE, TOKEN_COOKIE, default_names,
};
use crate::{GetActiveHosts, hosts_result, request_body};

/// One page of `ActiveHosts.get` hosts, as the appliance's handler serves it.
fn page_handler(list: Vec<Value>) -> impl Fn(&support::RpcCall) -> Reply + Send + Sync {
    move |call| {
        let query = &call.params["query"];
        let start = query["start"].as_u64().unwrap_or(0) as usize;
        let limit = query["limit"].as_u64().unwrap_or(50) as usize;
        let end = (start + limit).min(list.len());
        let page = list.get(start.min(end)..end).unwrap_or_default();
        Reply::result(json!({"list": page, "totalItems": list.len()}))
    }
}

const PAGE: usize = 50;
const HOSTS: usize = 1000;

fn page_query(start: usize) -> Value {
    json!({"start": start, "limit": PAGE})
}

/// When a [`QuickAck`] stream asks Linux for an immediate ACK.
#[derive(Clone, Copy, PartialEq)]
enum Placement {
    /// No quick ACKs: a plain TCP stream.
    Never,
    /// Before every read.
    BeforeRead,
    /// After every read that returned bytes.
    AfterRead,
}

/// A TCP stream that asks Linux for an immediate ACK around its reads: `TCP_QUICKACK`
/// does not stick, the kernel goes back to delayed ACKs by itself. Setting it sends an
/// ACK that is due at once.
struct QuickAck(tokio::net::TcpStream, Placement);

impl tokio::io::AsyncRead for QuickAck {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let placement = self.1;
        if placement == Placement::BeforeRead {
            quickack(&self.0);
        }
        let filled = buf.filled().len();
        let poll = std::pin::Pin::new(&mut self.0).poll_read(cx, buf);
        if placement == Placement::AfterRead && buf.filled().len() > filled {
            quickack(&self.0);
        }
        poll
    }
}

fn quickack(_stream: &tokio::net::TcpStream) {
    #[cfg(target_os = "linux")]
    let _ = _stream.set_quickack(true);
}

impl tokio::io::AsyncWrite for QuickAck {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

/// A bare hyper HTTP/1 connection over TLS, kept alive, with the session's headers.
struct RawConnection {
    sender: hyper::client::conn::http1::SendRequest<http_body_util::Full<Bytes>>,
    token: String,
    cookie: String,
}

impl RawConnection {
    async fn open(app: &Appliance, placement: Placement) -> RawConnection {
        use hyper_util::rt::TokioIo;
        let secrets = app.issued_secrets();
        let mut roots = rustls::RootCertStore::empty();
        let ca = app.cert().ca_pem.as_ref().expect("CA-issued certificate");
        for cert in CertificateDer::pem_slice_iter(ca.as_bytes()) {
            roots.add(cert.expect("CA PEM")).expect("CA root");
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(tls));
        let address = app.base_url().trim_start_matches("https://").to_owned();
        let tcp = tokio::net::TcpStream::connect(&address)
            .await
            .expect("connect");
        tcp.set_nodelay(true).expect("nodelay");
        let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
        let stream = connector
            .connect(name, QuickAck(tcp, placement))
            .await
            .expect("TLS");
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("HTTP/1");
        tokio::spawn(conn);
        RawConnection {
            sender,
            token: secrets[0].clone(),
            cookie: format!(
                "{SESSION_COOKIE}={}; {TOKEN_COOKIE}={}",
                secrets[1], secrets[0]
            ),
        }
    }

    async fn post(&mut self, body: Bytes) -> Bytes {
        use http_body_util::BodyExt;
        let request = hyper::Request::post("/admin/api/jsonrpc/")
            .header("host", "localhost")
            .header("accept", "application/json-rpc")
            .header("content-type", "application/json-rpc; charset=UTF-8")
            .header("x-token", &self.token)
            .header("cookie", &self.cookie)
            .body(http_body_util::Full::new(body))
            .expect("request");
        let response = self.sender.send_request(request).await.expect("reply");
        response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
    }
}

/// Paging over one kept-alive connection, against a server with Nagle's algorithm on
/// and one with `TCP_NODELAY`, each writing a reply at once or in two writes (`_split`);
/// `kerio_api_fresh` is the typed client with
/// [`reuse_connections(false)`](kerio_api::ClientBuilder::reuse_connections).
///
/// reqwest (0.13) gives no access to the socket of a pooled connection (its connector
/// layers see an opaque, sealed connection type), so the typed client cannot ask for
/// quick ACKs; the bare hyper connections show what doing so would change, with
/// `TCP_QUICKACK` set before every read or after every read.
pub fn paging(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rt = &runtime;
    let hosts = hosts_result(HOSTS)["list"]
        .as_array()
        .cloned()
        .expect("host list");
    let mut group = c.benchmark_group("paging_1000_by_50");
    group.sample_size(10);
    group.throughput(Throughput::Elements((HOSTS / PAGE) as u64));
    let servers = [
        ("server_nagle_on", false, false),
        ("server_nodelay", true, false),
        ("server_nagle_on_split", false, true),
        ("server_nodelay_split", true, true),
    ];
    for (server, nodelay, split) in servers {
        let (app, sessions) = rt.block_on(async {
            let mut app = Appliance::builder()
                .cert(CertKind::SignedByCa(default_names()))
                .forget_requests()
                .tcp_nodelay(nodelay);
            if split {
                app = app.split_replies();
            }
            let app = app.start().await;
            app.on("ActiveHosts.get", page_handler(hosts.clone()));
            let client = kerio_api::Client::builder(app.base_url())
                .ca_certificate_pem(app.cert().ca_pem.as_ref().expect("CA").as_bytes())
                .expect("CA")
                .no_proxy()
                .build()
                .expect("client");
            let session = client.login(&admin_login()).await.expect("login");
            let fresh = kerio_api::Client::builder(app.base_url())
                .ca_certificate_pem(app.cert().ca_pem.as_ref().expect("CA").as_bytes())
                .expect("CA")
                .no_proxy()
                .reuse_connections(false)
                .build()
                .expect("client");
            let fresh = fresh.login(&admin_login()).await.expect("login");
            (app, [("kerio_api", session), ("kerio_api_fresh", fresh)])
        });
        for (name, session) in &sessions {
            group.bench_function(format!("{name}/{server}"), |b| {
                b.iter(|| {
                    rt.block_on(async {
                        for start in (0..HOSTS).step_by(PAGE) {
                            let method = GetActiveHosts {
                                query: page_query(start),
                                refresh: false,
                            };
                            black_box(session.call(&method).await.expect("call"));
                        }
                    })
                })
            });
        }
        for (name, placement) in [
            ("hyper", Placement::Never),
            ("hyper_quickack", Placement::BeforeRead),
            ("hyper_quickack_after_read", Placement::AfterRead),
        ] {
            let mut connection = rt.block_on(RawConnection::open(&app, placement));
            group.bench_function(format!("{name}/{server}"), |b| {
                b.iter(|| {
                    rt.block_on(async {
                        for start in (0..HOSTS).step_by(PAGE) {
                            let body = request_body(
                                "ActiveHosts.get",
                                json!({"query": page_query(start), "refresh": false}),
                            );
                            black_box(connection.post(body).await);
                        }
                    })
                })
            });
        }
        drop(app);
    }
    group.finish();
}
