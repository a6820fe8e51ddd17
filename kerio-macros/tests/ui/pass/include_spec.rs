//! `include_spec!`: the crate's own spec files, a new interface and a method added to a
//! shipped one, called on an ordinary admin session against the loopback appliance.

#[path = "../../../../kerio-api/tests/support/mod.rs"]
mod support;

use kerio_api::admin::{Admin, ApiApplication, SearchQuery};
use serde_json::json;
use support::{Appliance, PASSWORD, Reply, USER};

mod firmware {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/firmware");
}

use firmware::diagnostics::Ping;
use firmware::{ActiveHostsExt as _, AdminExt as _, PingState};

#[tokio::main]
async fn main() {
    let appliance = Appliance::start().await;
    let app = ApiApplication::default().name("kerio-macros tests");
    let session = Admin::login(&appliance.client(), USER, PASSWORD, &app)
        .await
        .expect("login");

    appliance.reply(
        "Diagnostics.ping",
        Reply::result(json!({"report": {"received": 4, "state": "PingLossy"}})),
    );
    let report = session
        .diagnostics()
        .ping("10.0.0.1")
        .count(4)
        .await
        .unwrap()
        .report;
    assert_eq!(report.received, Some(4));
    assert_eq!(report.state, Some(PingState::PingLossy));
    assert_eq!(
        appliance.requests_for("Diagnostics.ping")[0].params,
        json!({"host": "10.0.0.1", "count": 4})
    );

    appliance.reply(
        "Diagnostics.traceroute",
        Reply::result(json!({"hops": [{"address": "10.0.0.254", "rttMs": null}], "totalItems": 1})),
    );
    let route = session
        .diagnostics()
        .traceroute("example.com", &SearchQuery::default())
        .await
        .unwrap();
    assert_eq!(route.hops[0].rtt_ms, Some(None));

    appliance.reply(
        "ActiveHosts.getBandwidth",
        Reply::result(json!({"bandwidth": {"download": "1024", "upload": 2048}})),
    );
    let bandwidth = session
        .active_hosts()
        .get_bandwidth("10")
        .await
        .unwrap()
        .bandwidth;
    assert_eq!(
        (bandwidth.download, bandwidth.upload),
        (Some(1024), Some(2048))
    );

    // The generated params types are ordinary methods of the Administration API.
    let ping = Ping::new("gw");
    session.call(&ping).await.unwrap();
    assert_eq!(
        appliance.requests_for("Diagnostics.ping")[1].params,
        json!({"host": "gw"})
    );
    session.logout().await.unwrap();
}
