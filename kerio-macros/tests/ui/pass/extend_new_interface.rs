//! `#[extend]`: a new interface with methods of every shape, its types, and calls on an
//! ordinary admin session against the loopback appliance.

#[path = "../../../../kerio-api/tests/support/mod.rs"]
mod support;

use kerio_api::admin::{Admin, ApiApplication, SearchQuery};
use serde_json::json;
use support::{Appliance, PASSWORD, Reply, USER};

#[kerio_macros::extend(api = "admin")]
pub mod firmware {
    /// Network diagnostics run on the appliance (newer firmware).
    pub trait Diagnostics {
        /// Pings a host from the appliance.
        #[kerio(out(
            /// What the ping found.
            report: PingReport,
        ))]
        async fn ping(
            &self,
            /// Host name or address.
            host: &str,
            /// Echo requests to send; the appliance sends 4 when left out.
            count: Option<i32>,
        ) -> PingResult;

        /// Traces the route to a host, a page of hops at a time.
        #[kerio(out(
            /// The hops in order.
            hops: Vec<Hop>,
            /// How many hops in all.
            total_items: i64,
        ))]
        async fn traceroute(&self, host: &str, query: &SearchQuery) -> TracerouteResult;

        /// Forgets the cached results.
        #[kerio(name = "flushCache")]
        async fn flush_cache(&self, kinds: &[PingState]);

        /// The engine's counters, as the appliance sends them (numbers in strings). The
        /// shorthand for one out-parameter: its key, and its type as the return type.
        #[kerio(out = "bytes", lenient)]
        async fn counters(&self) -> Option<i64>;
    }

    /// What a ping found.
    pub struct PingReport {
        /// Replies received.
        pub received: Option<i32>,
        /// Round-trip times in milliseconds.
        #[kerio(name = "rttMS")]
        pub rtt_ms: Option<Vec<f64>>,
        /// How it went.
        pub state: Option<PingState>,
        /// The address the name resolved to; `null` when it did not resolve.
        pub address: Option<Option<String>>,
        /// Bytes sent, as a string on some firmware.
        #[kerio(lenient)]
        pub bytes: Option<i64>,
    }

    /// How a ping went.
    pub enum PingState {
        /// Every request got a reply.
        PingOk,
        /// Some replies were lost.
        PingLossy,
        /// No reply at all.
        #[kerio(name = "unreachable")]
        Unreachable,
    }

    /// One hop of a route.
    pub struct Hop {
        /// Address of the router.
        pub address: Option<String>,
        /// Hop number.
        pub ttl: Option<HopNumber>,
    }

    /// A hop number.
    pub type HopNumber = i32;

    impl PingReport {
        /// Items next to the declarations stay as they are.
        pub fn lossless(&self) -> bool {
            self.state == Some(PingState::PingOk)
        }
    }
}

use firmware::AdminExt as _;
use firmware::{Hop, PingReport, PingState};

#[tokio::main]
async fn main() {
    let appliance = Appliance::start().await;
    let app = ApiApplication::default().name("kerio-macros tests");
    let session = Admin::login(&appliance.client(), USER, PASSWORD, &app)
        .await
        .expect("login");

    appliance.reply(
        "Diagnostics.ping",
        Reply::result(json!({"report": {
            "received": 3, "rttMS": [1.5, 2.0, 2.5], "state": "PingOk",
            "address": null, "bytes": "192", "newerField": true
        }})),
    );
    // Required params are positional, optional ones setters; the call gives the declared
    // result struct, with a field per out-parameter.
    let result: firmware::diagnostics::PingResult = session
        .diagnostics()
        .ping("10.0.0.1")
        .count(3)
        .await
        .unwrap();
    let report: PingReport = result.report;
    assert_eq!(report.received, Some(3));
    assert_eq!(report.rtt_ms.as_deref(), Some(&[1.5, 2.0, 2.5][..]));
    assert_eq!(report.address, Some(None));
    assert_eq!(report.bytes, Some(192));
    assert!(report.lossless());
    session.diagnostics().ping("gw").await.unwrap();
    let pings = appliance.requests_for("Diagnostics.ping");
    assert_eq!(pings[0].params, json!({"host": "10.0.0.1", "count": 3}));
    assert_eq!(pings[1].params, json!({"host": "gw"}));

    appliance.reply(
        "Diagnostics.traceroute",
        Reply::result(json!({"hops": [{"address": "10.0.0.254", "ttl": 1}], "totalItems": 7})),
    );
    let query = SearchQuery::new().limit(1);
    let route = session
        .diagnostics()
        .traceroute("example.com", &query)
        .await
        .unwrap();
    assert_eq!(route.total_items, 7);
    let first: &Hop = &route.hops[0];
    assert_eq!(first.ttl, Some(1));
    assert_eq!(
        appliance.requests_for("Diagnostics.traceroute")[0].params,
        json!({"host": "example.com", "query": {"limit": 1}})
    );

    appliance.reply("Diagnostics.flushCache", Reply::result(json!({})));
    session
        .diagnostics()
        .flush_cache(&[PingState::Unreachable, PingState::Unknown("PingNew".into())])
        .await
        .unwrap();
    assert_eq!(
        appliance.requests_for("Diagnostics.flushCache")[0].params,
        json!({"kinds": ["unreachable", "PingNew"]})
    );

    appliance.reply(
        "Diagnostics.counters",
        Reply::result(json!({"bytes": "4096"})),
    );
    // The shorthand's call gives the result struct too; the declared type is its field's.
    let counters: firmware::diagnostics::CountersResult =
        session.diagnostics().counters().await.unwrap();
    assert_eq!(counters.bytes, Some(4096));

    // The params types are ordinary methods of the API: `Session::call` takes them too.
    let call = firmware::diagnostics::Ping::new("10.0.0.2");
    assert_eq!(
        <firmware::diagnostics::Ping<'_> as kerio_api::Method>::NAME,
        "Diagnostics.ping"
    );
    session.call(&call).await.unwrap();
    assert_eq!(appliance.requests_for("Diagnostics.ping").len(), 3);

    session.logout().await.unwrap();
}
