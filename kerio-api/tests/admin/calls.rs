//! Typed calls: what goes on the wire and what comes back.

use kerio_api::admin::{
    ActiveHostType, AuthMethodType, HistogramType, IpAddressEntry, IpAddressGroupType, SearchQuery,
    SortDirection,
};
use serde_json::json;

use crate::support::{PASSWORD, Reply, SESSION_COOKIE, USER, guarded};
use crate::{app, logged_in};

/// A page of the active host table as an appliance sends it, with a field and an enum
/// value newer than the spec.
fn hosts_page() -> serde_json::Value {
    json!({
        "list": [
            {
                "id": "10", "type": "ActiveHostHost", "ip": "192.168.1.20",
                "ip6Addresses": ["fe80::1c2b:3aff:fe4d:5e6f"], "hostname": "build-01.corp.example",
                "macAddress": "3c:22:fb:12:9a:01", "ipAddressFromDHCP": true,
                "startTime": {"date": {"year": 2026, "month": 10, "day": 23}, "time": {"hour": 7, "min": 58, "sec": 12}},
                "inactivityTime": 0,
                "user": {"id": "U-7", "name": "jnovak", "isGroup": false, "domainName": "corp.example"},
                "authMethod": "AuthMethodSso", "connections": 42,
                "totalDownload": 48_318_382_080.0_f64, "totalUpload": 1_073_741_824.0_f64,
                "currentDownload": 1_250_000.5, "currentUpload": 64_000.0,
                "vlanId": 12
            },
            {
                "id": "11", "type": "ActiveHostSatellite", "ip": "10.0.0.5", "hostname": "",
                "connections": 0, "currentDownload": 0
            }
        ],
        "totalItems": 2
    })
}

#[tokio::test]
async fn login_sets_cookies_and_every_call_sends_them_with_the_token() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.reply("ActiveHosts.get", Reply::result(hosts_page()));
        session
            .active_hosts()
            .get(&SearchQuery::default(), false)
            .await
            .unwrap();
        let login = &appliance.requests_for("Session.login")[0];
        assert_eq!(login.params["userName"], USER);
        assert_eq!(login.params["application"]["name"], app().name.unwrap());
        let call = &appliance.requests_for("ActiveHosts.get")[0];
        assert!(call.cookie(SESSION_COOKIE).is_some());
        assert_eq!(call.header("x-token").map(str::len), Some(64));
        // The password went to the appliance once and is nowhere in the session's Debug.
        assert!(!format!("{session:?}").contains(PASSWORD));
    })
    .await;
}

#[tokio::test]
async fn active_hosts_decode_into_typed_results() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.reply("ActiveHosts.get", Reply::result(hosts_page()));
        let query = SearchQuery::new().page(0, 100);
        let page = session.active_hosts().get(&query, true).await.unwrap();
        assert_eq!(page.total_items, 2);
        let host = &page.list[0];
        assert_eq!(host.hostname.as_deref(), Some("build-01.corp.example"));
        assert_eq!(host.r#type, Some(ActiveHostType::ActiveHostHost));
        assert_eq!(host.auth_method, Some(AuthMethodType::AuthMethodSso));
        assert_eq!(host.total_download, Some(48_318_382_080.0));
        assert_eq!(host.ip_address_from_dhcp, Some(true));
        let user = host.user.as_ref().unwrap();
        assert_eq!(user.name.as_deref(), Some("jnovak"));
        assert_eq!(
            host.start_time
                .as_ref()
                .and_then(|t| t.time.as_ref())
                .and_then(|t| t.sec),
            Some(12)
        );
        // A host type newer than the spec is kept, not rejected; missing fields are None.
        let other = &page.list[1];
        assert_eq!(
            other.r#type,
            Some(ActiveHostType::Unknown("ActiveHostSatellite".into()))
        );
        assert_eq!(other.user, None);
    })
    .await;
}

#[tokio::test]
async fn a_partial_search_query_sends_only_what_was_set() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.reply("ActiveHosts.get", Reply::result(json!({"list": [], "totalItems": 0})));
        appliance.reply(
            "Users.get",
            Reply::result(json!({"warnings": [], "list": [], "totalItems": 0})),
        );
        let page = SearchQuery::new().start(0).limit(2);
        session.active_hosts().get(&page, false).await.unwrap();
        let sent = &appliance.requests_for("ActiveHosts.get")[0].params;
        assert_eq!(sent, &json!({"query": {"start": 0, "limit": 2}, "refresh": false}));

        let search = SearchQuery::new()
            .quick_search("novak")
            .all_conditions()
            .order_by_case("loginName", SortDirection::Asc, false)
            .all_items();
        session.users().get(&search, "local").await.unwrap();
        let sent = &appliance.requests_for("Users.get")[0].params;
        assert_eq!(
            sent,
            &json!({
                "query": {
                    "conditions": [{"fieldName": "QUICKSEARCH", "comparator": "Like", "value": "novak"}],
                    "combining": "And",
                    "limit": -1,
                    "orderBy": [{"columnName": "loginName", "direction": "Asc", "caseSensitive": false}]
                },
                "domainId": "local"
            })
        );
    })
    .await;
}

#[tokio::test]
async fn create_without_ids_and_partial_set_details() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.reply(
            "IpAddressGroups.create",
            Reply::result(json!({
                "errors": [{"inputIndex": 1, "code": 1001, "message": "Item \"%1\" already exists.",
                            "messageParameters": {"positionalParameters": ["office"], "plurality": 1}}],
                "result": [{"inputIndex": 0, "id": "a3f9c1e2-7b44-4c1e-9f0a-2d6e8b1c5a77"}]
            })),
        );
        appliance.reply("IpAddressGroups.set", Reply::result(json!({"errors": []})));
        let new = [
            IpAddressEntry::default()
                .group_name("office")
                .r#type(IpAddressGroupType::Network)
                .host("192.168.10.0")
                .addr2("255.255.255.0")
                .enabled(true),
            IpAddressEntry::default()
                .group_name("office")
                .r#type(IpAddressGroupType::Host)
                .host("192.168.10.1"),
        ];
        let created = session.ip_address_groups().create(&new).await.unwrap();
        assert_eq!(created.result[0].id.as_deref(), Some("a3f9c1e2-7b44-4c1e-9f0a-2d6e8b1c5a77"));
        assert_eq!(created.errors[0].code, Some(1001));
        let sent = &appliance.requests_for("IpAddressGroups.create")[0].params;
        assert!(sent["groups"][0].get("id").is_none(), "{sent}");
        assert_eq!(sent["groups"][1], json!({"groupName": "office", "type": "Host", "host": "192.168.10.1"}));

        let disable = IpAddressEntry::default().enabled(false);
        let set = session
            .ip_address_groups()
            .set(&["a3f9c1e2-7b44-4c1e-9f0a-2d6e8b1c5a77".into()], &disable)
            .await
            .unwrap();
        assert!(set.errors.is_empty());
        let sent = &appliance.requests_for("IpAddressGroups.set")[0].params;
        assert_eq!(
            sent,
            &json!({"groupIds": ["a3f9c1e2-7b44-4c1e-9f0a-2d6e8b1c5a77"], "details": {"enabled": false}})
        );
    })
    .await;
}

#[tokio::test]
async fn other_interfaces_of_the_first_slice() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.reply(
            "SystemHealth.get",
            Reply::result(json!({"data": {
                "cpu": [3.5, 7.25], "memory": [41.0, 40.5],
                "memoryTotal": 8_589_934_592.0, "diskTotal": 32_212_254_720.0, "diskFree": 21_474_836_480.0
            }})),
        );
        appliance.reply(
            "HardwareInfo.getBoxSerialNumber",
            Reply::result(json!({"serialNumber": "NG110-2026-000123"})),
        );
        appliance.reply(
            "Logs.get",
            Reply::result(json!({"viewport": [{"content": "[23/Nov/2026 10:01:02] Administrator logged in", "highlight": "FF0000"}], "totalItems": 1})),
        );
        appliance.reply(
            "TimeRanges.get",
            Reply::result(json!({"list": [{
                "id": "k1", "groupName": "Working hours", "type": "TimeRangeDaily", "enabled": true,
                "fromTime": {"hour": 8, "min": 0}, "toTime": {"hour": 17, "min": 30},
                "days": ["Monday", "Friday"]
            }], "totalItems": 1})),
        );
        let health = session
            .system_health()
            .get(&HistogramType::HistogramOneDay)
            .await
            .unwrap();
        assert_eq!(health.data.disk_total, Some(32_212_254_720.0));
        assert_eq!(health.data.cpu, Some(vec![3.5, 7.25]));
        let serial = session.hardware_info().get_box_serial_number().await.unwrap();
        assert_eq!(serial.serial_number, "NG110-2026-000123");
        let log = session.logs().get("security", 0, 100).await.unwrap();
        assert_eq!(log.total_items, 1);
        assert!(log.viewport[0].content.as_deref().unwrap().contains("logged in"));
        let ranges = session
            .time_ranges()
            .get(&SearchQuery::default())
            .await
            .unwrap();
        let range = &ranges.list[0];
        assert_eq!(range.to_time.as_ref().and_then(|t| t.min), Some(30));
        assert_eq!(range.days.as_ref().map(Vec::len), Some(2));
        let sent = &appliance.requests_for("SystemHealth.get")[0].params;
        assert_eq!(sent, &json!({"type": "HistogramOneDay"}));
    })
    .await;
}

#[tokio::test]
async fn listing_methods_stream_every_item_page_after_page() {
    use futures_util::TryStreamExt;
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.on("Users.get", |call| {
            let start = call.params["query"]["start"].as_i64().unwrap_or(0);
            let limit = call.params["query"]["limit"].as_i64().unwrap_or(0);
            let end = (start + limit).min(250);
            let list: Vec<_> = (start..end)
                .map(|i| json!({"id": format!("U-{i}"), "credentials": {"userName": format!("user{i}")}}))
                .collect();
            Reply::result(json!({"warnings": [], "list": list, "totalItems": 250}))
        });
        let query = SearchQuery::new().order_by("loginName", SortDirection::Desc);
        let users: Vec<_> = session
            .users()
            .get_stream(&query, "local", 100)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(users.len(), 250);
        assert_eq!(users[249].id.as_deref(), Some("U-249"));
        let pages: Vec<_> = appliance
            .requests_for("Users.get")
            .iter()
            .map(|c| (c.params["query"]["start"].clone(), c.params["query"]["limit"].clone()))
            .collect();
        assert_eq!(
            pages,
            [(json!(0), json!(100)), (json!(100), json!(100)), (json!(200), json!(100))]
        );
        // The caller's ordering goes with every page.
        let first = &appliance.requests_for("Users.get")[0].params;
        assert_eq!(first["query"]["orderBy"][0]["direction"], "Desc");
        assert_eq!(first["domainId"], "local");
    })
    .await;
}

#[tokio::test]
async fn refresh_goes_with_the_first_page_only() {
    use futures_util::TryStreamExt;
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.on("ActiveHosts.get", |call| {
            let start = call.params["query"]["start"].as_i64().unwrap_or(0);
            let end = (start + 10).min(25);
            let list: Vec<_> = (start..end)
                .map(|i| json!({"id": i.to_string(), "hostname": format!("pc-{i}")}))
                .collect();
            Reply::result(json!({"list": list, "totalItems": 25}))
        });
        let hosts: Vec<_> = session
            .active_hosts()
            .get_stream(&SearchQuery::new(), true, 10)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(hosts.len(), 25);
        // A refresh with every page would make the appliance recompute the list between
        // pages: the spec declares it `firstPageOnly`.
        let refresh: Vec<_> = appliance
            .requests_for("ActiveHosts.get")
            .iter()
            .map(|c| c.params["refresh"].clone())
            .collect();
        assert_eq!(refresh, [json!(true), json!(false), json!(false)]);
    })
    .await;
}

#[test]
fn reads_are_idempotent_as_the_spec_declares() {
    use kerio_api::Method;
    use kerio_api::admin::{active_hosts, ip_address_groups, users};
    // `"idempotent": true` in the spec: sent again after a connection reset.
    const { assert!(<active_hosts::Get<'static> as Method>::IDEMPOTENT) };
    const { assert!(<users::Get<'static> as Method>::IDEMPOTENT) };
    // Changes are not.
    const { assert!(!<ip_address_groups::Apply as Method>::IDEMPOTENT) };
    const { assert!(!<users::Set<'static> as Method>::IDEMPOTENT) };
}
