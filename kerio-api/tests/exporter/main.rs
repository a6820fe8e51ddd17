//! The exporter against mock appliances on loopback: probes and their metrics, sessions,
//! faults and limits, the HTTP endpoints, and the real Prometheus and promtool.

mod probe;

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
