//! `#[extend]`: methods added to interfaces the shipped APIs already have, called on the
//! shipped handles (`session.active_hosts()`), beside the shipped methods.

#[path = "../../../../kerio-api/tests/support/mod.rs"]
mod support;

use kerio_api::admin::{Admin, ApiApplication, SearchQuery};
use kerio_api::stats::Stats;
use serde_json::json;
use support::{Appliance, PASSWORD, Reply, USER};

#[kerio_macros::extend(api = "admin", ext_trait = "FirmwareExt")]
mod firmware {
    /// Methods newer firmware adds to `ActiveHosts`.
    pub trait ActiveHosts {
        /// Current throughput of a host, in bytes per second.
        #[kerio(out = "bandwidth")]
        async fn get_bandwidth(&self, id: &str) -> HostBandwidth;

        /// Hosts by tag: several out-parameters, base types as parameters.
        #[kerio(out(list: ActiveHostList, total_items: i64))]
        async fn get_tagged(
            &self,
            tag: &str,
            query: &kerio_api::admin::SearchQuery,
        ) -> GetTaggedResult;
    }

    /// Methods newer firmware adds to `Users`.
    pub trait Users {
        /// Two-step verification state of each user.
        #[kerio(name = "getMFAStatus", out = "states")]
        async fn get_mfa_status(&self, user_ids: &[String]) -> BTreeMap<String, MfaState>;
    }

    /// Throughput of a host.
    pub struct HostBandwidth {
        /// Bytes per second received.
        pub download: Option<i64>,
        /// Bytes per second sent.
        pub upload: Option<i64>,
    }

    /// Two-step verification state.
    pub enum MfaState {
        /// Set up and required.
        Enabled,
        /// Not required.
        Disabled,
    }
}

#[kerio_macros::extend(api = "stats")]
mod account {
    /// Methods newer firmware adds to the Statistics API's `MyAccount`.
    pub trait MyAccount {
        /// Bytes transferred over VPN this month.
        #[kerio(name = "getVPNUsage", out = "bytes", lenient)]
        async fn get_vpn_usage(&self) -> i64;
    }
}

use account::MyAccountExt as _;
use firmware::{ActiveHostsExt as _, MfaState, UsersExt as _};

#[tokio::main]
async fn main() {
    let appliance = Appliance::start().await;
    let app = ApiApplication::default().name("kerio-macros tests");
    let session = Admin::login(&appliance.client(), USER, PASSWORD, &app)
        .await
        .expect("login");

    appliance.reply(
        "ActiveHosts.getBandwidth",
        Reply::result(json!({"bandwidth": {"download": 1250000, "upload": 64000}})),
    );
    let bandwidth = session
        .active_hosts()
        .get_bandwidth("10")
        .await
        .unwrap()
        .bandwidth;
    assert_eq!(bandwidth.download, Some(1_250_000));
    assert_eq!(
        appliance.requests_for("ActiveHosts.getBandwidth")[0].params,
        json!({"id": "10"})
    );

    appliance.reply(
        "ActiveHosts.getTagged",
        Reply::result(json!({"list": [{"id": "10", "hostname": "build-01"}], "totalItems": 1})),
    );
    let tagged = session
        .active_hosts()
        .get_tagged("lab", &SearchQuery::default())
        .await
        .unwrap();
    let host: &kerio_api::admin::ActiveHost = &tagged.list[0];
    assert_eq!(host.hostname.as_deref(), Some("build-01"));
    assert_eq!(tagged.total_items, 1);

    // The shipped methods of the same handle are untouched.
    appliance.reply(
        "ActiveHosts.get",
        Reply::result(json!({"list": [], "totalItems": 0})),
    );
    let page = session
        .active_hosts()
        .get(&SearchQuery::default(), false)
        .await
        .unwrap();
    assert_eq!(page.total_items, 0);

    appliance.reply(
        "Users.getMFAStatus",
        Reply::result(json!({"states": {"U-1": "Enabled", "U-2": "Pending"}})),
    );
    let states = session
        .users()
        .get_mfa_status(&["U-1".to_owned(), "U-2".to_owned()])
        .await
        .unwrap()
        .states;
    assert_eq!(states["U-1"], MfaState::Enabled);
    assert_eq!(states["U-2"], MfaState::Unknown("Pending".into()));
    assert_eq!(
        appliance.requests_for("Users.getMFAStatus")[0].params,
        json!({"userIds": ["U-1", "U-2"]})
    );
    session.logout().await.unwrap();

    // The Statistics API, with a session of its own.
    let client = appliance
        .client_builder()
        .api_path("stats", "/admin/api/jsonrpc/")
        .build()
        .unwrap();
    let stats = Stats::login(&client, USER, PASSWORD, &Default::default())
        .await
        .expect("stats login");
    appliance.reply(
        "MyAccount.getVPNUsage",
        Reply::result(json!({"bytes": "5368709120"})),
    );
    assert_eq!(
        stats.my_account().get_vpn_usage().await.unwrap().bytes,
        5_368_709_120
    );
    stats.logout().await.unwrap();
}
