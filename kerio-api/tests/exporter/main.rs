//! The exporter against mock appliances on loopback: probes and their metrics, sessions,
//! faults and limits, the HTTP endpoints, and the real Prometheus and promtool.

mod http;
mod probe;
#[cfg(all(feature = "connect-admin", feature = "operator-admin"))]
mod products;
mod prometheus;

use std::net::TcpListener;
use std::time::Duration;

use kerio_api::exporter::{Exporter, ExporterConfig};
use kerio_api::fleet::{Appliance, FleetOptions, PasswordSource, Trust};
use kerio_api::mock::{ApplianceState, Faults, MockAppliance};

/// A managed appliance for a mock: its credentials, its certificate pinned.
fn managed(name: &str, mock: &MockAppliance) -> Appliance {
    Appliance::new(name, mock.url())
        .credentials(mock.user(), PasswordSource::Value(mock.password().into()))
        .trust(Trust::PinSha256(mock.cert_sha256().into()))
}

async fn mock(state: ApplianceState, faults: Faults) -> MockAppliance {
    MockAppliance::builder()
        .state(state)
        .faults(faults)
        .start()
        .await
        .expect("mock appliance starts")
}

/// A loopback address where nothing listens: a port bound and released.
fn dead_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("https://127.0.0.1:{port}")
}

/// An exporter over these appliances with the default module.
fn exporter(appliances: Vec<Appliance>) -> Exporter {
    let options = FleetOptions::default().timeout(Duration::from_secs(10));
    Exporter::new(ExporterConfig::for_appliances(appliances, options)).expect("unique names")
}

/// An exporter served on loopback until [`Served::stop`].
struct Served {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    async fn start(exporter: &Exporter) -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let exporter = exporter.clone();
        let task = tokio::spawn(async move {
            exporter
                .serve(listener, async {
                    let _ = stopped.await;
                })
                .await
        });
        Served {
            url,
            stop: Some(stop),
            task,
        }
    }

    /// Stops serving; the sessions are logged out before this returns.
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let served = (&mut self.task).await.expect("the server task ends");
        served.expect("served without error");
    }
}

/// A plain HTTP client for the exporter (and Prometheus).
fn http() -> reqwest::Client {
    // reqwest is built without a TLS provider of its own; it needs one even for HTTP.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("HTTP client")
}

/// GET `url` with extra headers: the status, the content type and the body.
async fn get(url: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut request = http().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let reply = request.send().await.expect("the exporter answers");
    let status = reply.status().as_u16();
    let content_type = reply
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, reply.text().await.expect("a body"))
}
