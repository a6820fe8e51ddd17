//! Calls per second over loopback TLS: the typed client against bare reqwest posting
//! pre-built bodies with the same headers to the same in-process appliance.
//!
//! Run with `cargo bench -p kerio-api --bench calls -- --warm-up-time 1 --measurement-time 3`.
//!
//! For each reply size there are three measurements:
//! - `reqwest_bytes`: POST a pre-built body, read the reply bytes (no decoding at all);
//! - `reqwest_serde`: the same, then `serde_json` into the same result types;
//! - `kerio_api`: `Session::call`, which encodes the request, sends the credentials,
//!   traces, checks and decodes the reply.
//!
//! `paging_1000_by_50` pages 1 000 hosts 50 at a time (20 calls on one kept-alive
//! connection) against an appliance that leaves Nagle's algorithm on and one with
//! `TCP_NODELAY`, each writing replies at once or headers and body apart, with the typed
//! client (kept-alive, and with a connection per request) and with a bare hyper
//! connection, with and without asking Linux for quick ACKs (`TCP_QUICKACK`) before or
//! after every read: the stall a server's Nagle causes with the client's delayed ACKs,
//! and how the client can avoid it (see the comment of [`nagle::paging`]).
//!
//! `kerio_api` against `reqwest_serde` is the runtime's own overhead. Because a busy
//! machine makes separate measurements drift, each group ends with `paired`: typed and
//! baseline calls take turns, each timed on its own, and the ratios of the total times
//! are printed at the end, against reqwest with its defaults (no request timeout) and
//! against reqwest with the typed client's request timeout (a timer per call). The
//! figure criterion shows for `paired` is the typed client's share.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "../tests/runtime/api.rs"]
mod api;

#[path = "nagle/mod.rs"]
mod nagle;

use std::cell::Cell;
use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use kerio_api::{Method, Session};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use api::{Admin, Echo, EchoResult, admin_login, echo_handler};
use support::{Appliance, CertKind, Reply, SESSION_COOKIE, TOKEN_COOKIE, default_names};

/// `ActiveHosts.get` with every field of `ActiveHost`, as generated code decodes it.
#[derive(Serialize)]
pub(crate) struct GetActiveHosts {
    pub(crate) query: Value,
    pub(crate) refresh: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct ActiveHostsResult {
    list: Vec<ActiveHost>,
    total_items: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct ActiveHost {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    ip: String,
    ip6_addresses: Vec<String>,
    hostname: String,
    mac_address: String,
    #[serde(rename = "ipAddressFromDHCP")]
    ip_address_from_dhcp: bool,
    start_time: DateTimeConfig,
    inactivity_time: i64,
    user: UserReference,
    login_time: DateTimeConfig,
    login_duration: i64,
    auth_method: String,
    connections: i64,
    total_download: f64,
    total_upload: f64,
    current_download: f64,
    current_upload: f64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DateTimeConfig {
    date: Date,
    time: TimeHms,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Date {
    year: i32,
    month: i32,
    day: i32,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TimeHms {
    hour: i32,
    min: i32,
    sec: i32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct UserReference {
    id: String,
    name: String,
    is_group: bool,
    domain_name: String,
}

impl Method for GetActiveHosts {
    type Api = Admin;
    const NAME: &'static str = "ActiveHosts.get";
    type Wire = ActiveHostsResult;
    type Output = ActiveHostsResult;
    fn output(wire: ActiveHostsResult) -> ActiveHostsResult {
        wire
    }
}

/// The reply envelope the bare-reqwest baseline decodes into.
#[derive(Deserialize)]
struct Envelope<T> {
    result: T,
}

/// The `result` of `ActiveHosts.get` with `count` hosts, as an appliance sends it.
pub(crate) fn hosts_result(count: usize) -> Value {
    let kinds = ["ActiveHostHost", "ActiveHostVpnClient", "ActiveHostGuest"];
    let auth = ["AuthMethodWeb", "AuthMethodNtlm", "AuthMethodNone"];
    let list: Vec<Value> = (0..count)
        .map(|i| {
            let (a, b) = (i / 250, i % 250 + 1);
            json!({
                "id": format!("{:08x}-7d2c-4c1e-9b7a-{:012x}", i * 7919, i),
                "type": kinds[i % kinds.len()],
                "ip": format!("10.{a}.{b}.{}", i % 7 + 10),
                "ip6Addresses": if i % 4 == 0 { json!([format!("fe80::{i:x}:1")]) } else { json!([]) },
                "hostname": format!("ws-{i:04}.corp.example.com"),
                "macAddress": format!("00:1a:2b:{:02x}:{:02x}:{:02x}", a, b, i % 256),
                "ipAddressFromDHCP": i % 3 != 0,
                "startTime": {"date": {"year": 2025, "month": 3, "day": 14}, "time": {"hour": 8, "min": i % 60, "sec": 5}},
                "inactivityTime": i * 3 % 900,
                "user": {"id": format!("U{i}"), "name": format!("user{i}"), "isGroup": false, "domainName": "corp.example.com"},
                "loginTime": {"date": {"year": 2025, "month": 3, "day": 14}, "time": {"hour": 9, "min": i % 60, "sec": 0}},
                "loginDuration": 3600 + i,
                "authMethod": auth[i % auth.len()],
                "connections": i % 120,
                "totalDownload": 1.5e9 + i as f64 * 1234.5,
                "totalUpload": 2.5e8 + i as f64 * 321.25,
                "currentDownload": (i % 50) as f64 * 10.5,
                "currentUpload": (i % 30) as f64 * 2.25,
            })
        })
        .collect();
    json!({"list": list, "totalItems": count})
}

/// Bare reqwest with the session's credentials, posting pre-built bodies.
struct Baseline {
    http: reqwest::Client,
    url: String,
    token: String,
    cookie: String,
}

impl Baseline {
    fn new(app: &Appliance, timeout: Option<Duration>) -> Baseline {
        let secrets = app.issued_secrets();
        let (token, sid) = (secrets[0].clone(), secrets[1].clone());
        let mut roots = rustls::RootCertStore::empty();
        let ca = app.cert().ca_pem.as_ref().expect("CA-issued certificate");
        for cert in CertificateDer::pem_slice_iter(ca.as_bytes()) {
            roots.add(cert.expect("CA PEM")).expect("CA root");
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let mut http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .no_proxy();
        if let Some(timeout) = timeout {
            http = http.timeout(timeout);
        }
        let http = http.build().expect("reqwest client");
        Baseline {
            http,
            url: format!("{}/admin/api/jsonrpc/", app.base_url()),
            cookie: format!("{SESSION_COOKIE}={sid}; {TOKEN_COOKIE}={token}"),
            token,
        }
    }

    async fn post(&self, body: &Bytes) -> Bytes {
        // The same work a caller of the runtime gets done: headers, body, whole reply.
        self.http
            .post(&self.url)
            .header("accept", "application/json-rpc")
            .header("content-type", "application/json-rpc; charset=UTF-8")
            .header("x-token", &self.token)
            .header("cookie", &self.cookie)
            .body(body.clone())
            .send()
            .await
            .expect("reply")
            .bytes()
            .await
            .expect("body")
    }
}

pub(crate) fn request_body(method: &str, params: Value) -> Bytes {
    Bytes::from(
        serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
            .expect("JSON"),
    )
}

/// The request timeout of the typed client, and of the `timed` baseline.
const TIMEOUT: Duration = Duration::from_secs(20);

struct Setup {
    runtime: tokio::runtime::Runtime,
    app: Appliance,
    session: Session<Admin>,
    /// reqwest with its defaults, which include no request timeout.
    bare: Baseline,
    /// reqwest with the typed client's request timeout, which costs a timer per call.
    timed: Baseline,
}

fn setup() -> Setup {
    // One thread runs the client and the appliance: the figures are the CPU time of a
    // call on both ends, without scheduling noise between threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (app, session) = runtime.block_on(async {
        let app = Appliance::builder()
            .cert(CertKind::SignedByCa(default_names()))
            .forget_requests()
            .start()
            .await;
        app.on("Test.echo", echo_handler);
        let raw = serde_json::to_vec(&hosts_result(1000)).expect("JSON");
        app.reply("ActiveHosts.get", Reply::ResultRaw(raw.into()));
        let client = kerio_api::Client::builder(app.base_url())
            .ca_certificate_pem(app.cert().ca_pem.as_ref().expect("CA").as_bytes())
            .expect("CA")
            .no_proxy()
            .timeout(TIMEOUT)
            .build()
            .expect("client");
        let session = client.login(&admin_login()).await.expect("login");
        (app, session)
    });
    Setup {
        bare: Baseline::new(&app, None),
        timed: Baseline::new(&app, Some(TIMEOUT)),
        runtime,
        app,
        session,
    }
}

/// Times a call of the typed client and of each baseline in turn (rotating who goes
/// first), many times; criterion gets the typed client's time, and the ratios of the
/// totals (typed / bare, typed / timed) are returned.
fn paired<T, B>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &tokio::runtime::Runtime,
    typed: impl Fn() -> T,
    baseline: impl Fn(&'static str) -> B,
) -> (f64, f64)
where
    T: Future,
    B: Future,
{
    let totals = Cell::new([Duration::ZERO; 3]);
    group.bench_function("paired", |b| {
        b.iter_custom(|iters| {
            let mut totals_now = totals.get();
            let mut sample = Duration::ZERO;
            for i in 0..iters {
                for turn in 0..3 {
                    let which = (i as usize + turn) % 3;
                    let start = Instant::now();
                    match which {
                        0 => {
                            black_box(rt.block_on(typed()));
                        }
                        1 => {
                            black_box(rt.block_on(baseline("bare")));
                        }
                        _ => {
                            black_box(rt.block_on(baseline("timed")));
                        }
                    }
                    let elapsed = start.elapsed();
                    totals_now[which] += elapsed;
                    if which == 0 {
                        sample += elapsed;
                    }
                }
            }
            totals.set(totals_now);
            sample
        })
    });
    let [typed, bare, timed] = totals.get().map(|d| d.as_secs_f64());
    (typed / bare, typed / timed)
}

fn calls(c: &mut Criterion) {
    let Setup {
        runtime,
        app,
        session,
        bare,
        timed,
    } = setup();
    let rt = &runtime;
    let pick = |which: &str| if which == "bare" { &bare } else { &timed };
    let mut ratios = Vec::new();

    let mut group = c.benchmark_group("small_call");
    group.throughput(Throughput::Elements(1));
    let echo_body = request_body("Test.echo", json!({"n": 42}));
    let decode_echo = |bytes: Bytes| {
        serde_json::from_slice::<Envelope<EchoResult>>(&bytes)
            .expect("decode")
            .result
            .value
    };
    group.bench_function("reqwest_bytes", |b| {
        b.iter(|| rt.block_on(bare.post(black_box(&echo_body))))
    });
    group.bench_function("reqwest_serde", |b| {
        b.iter(|| rt.block_on(async { decode_echo(bare.post(black_box(&echo_body)).await) }))
    });
    group.bench_function("kerio_api", |b| {
        b.iter(|| {
            rt.block_on(session.call(black_box(&Echo { n: 42 })))
                .expect("call")
        })
    });
    ratios.push((
        "small_call",
        paired(
            &mut group,
            rt,
            || async { session.call(&Echo { n: 42 }).await.expect("call") },
            |which| {
                let body = &echo_body;
                async move { decode_echo(pick(which).post(body).await) }
            },
        ),
    ));
    group.finish();

    let mut group = c.benchmark_group("active_hosts_1000");
    group.throughput(Throughput::Elements(1));
    let hosts_body = request_body("ActiveHosts.get", json!({"query": {}, "refresh": false}));
    let method = GetActiveHosts {
        query: json!({}),
        refresh: false,
    };
    let decode_hosts = |bytes: Bytes| {
        serde_json::from_slice::<Envelope<ActiveHostsResult>>(&bytes)
            .expect("decode")
            .result
    };
    group.bench_function("reqwest_bytes", |b| {
        b.iter(|| rt.block_on(bare.post(black_box(&hosts_body))))
    });
    group.bench_function("reqwest_serde", |b| {
        b.iter(|| rt.block_on(async { decode_hosts(bare.post(black_box(&hosts_body)).await) }))
    });
    group.bench_function("kerio_api", |b| {
        b.iter(|| rt.block_on(session.call(black_box(&method))).expect("call"))
    });
    ratios.push((
        "active_hosts_1000",
        paired(
            &mut group,
            rt,
            || async { session.call(&method).await.expect("call") },
            |which| {
                let body = &hosts_body;
                async move { decode_hosts(pick(which).post(body).await) }
            },
        ),
    ));
    group.finish();

    for (name, (bare, timed)) in ratios {
        if bare.is_finite() && timed.is_finite() {
            println!(
                "{name}: kerio_api / reqwest_serde (paired): {bare:.3} against reqwest's defaults, \
                 {timed:.3} against reqwest with the same request timeout"
            );
        }
    }
    drop(app);
}

criterion_group!(benches, calls, nagle::paging);
criterion_main!(benches);
