//! The appliance the web administration expects to find: the constants it cannot start
//! without, an administrator who is no auditor, nothing that asks for action, errors
//! only for input that is wrong, ids that no two lists share, and figures that agree.

use futures_util::TryStreamExt as _;
use serde_json::{Value, json};

use kerio_api::admin::{NamedConstants, SearchQuery};
use kerio_api::mock::CURRENT_VERSION;

use crate::{Raw, appliance};

#[tokio::test]
async fn the_constants_the_client_starts_with_are_served_and_typed() {
    let app = appliance(false).await;
    let raw = Raw::login(&app).await;
    // The client asks with `params: null`.
    let (status, body) = raw
        .call("Server.getNamedConstantList", Some(&Value::Null))
        .await;
    assert_eq!(status, 200, "{body}");
    let c = &body["result"]["constants"];
    let info = &c["k_SERVER"]["k_PRODUCT_INFO"];
    assert_eq!(info["versionString"], CURRENT_VERSION);
    assert_eq!(info["centralManagementSet"], true, "no activation wizard");
    assert_eq!(c["k_USER"]["k_isAuditor"], false);
    assert_eq!(c["k_USER_DOMAINS"]["k_LOCAL_USER_DATABASE"], "local");
    assert!(
        c["k_CLOUD_MESSAGES"].is_string(),
        "the client parses it at start"
    );
    let os = &c["k_SERVER"]["k_SERVER_OS"];
    assert!(*os == c["k_SERVER"]["k_OS_LINUX"] || *os == c["k_SERVER"]["k_OS_WINDOWS"]);
    // The product information is that of `ProductInfo.get`.
    let product = raw.result("ProductInfo.get", json!({})).await;
    assert_eq!(&product["productInfo"], info);

    // The typed API reads the same reply into its groups.
    let typed = raw
        .session
        .server()
        .get_named_constant_list()
        .await
        .expect("constants");
    let constants: NamedConstants = typed.constants;
    let languages = constants
        .k_languages
        .and_then(|l| l.k_list)
        .unwrap_or_default();
    assert!(languages.iter().any(|l| l == "en"), "{languages:?}");
    let charts = constants.k_dashboard_charts.expect("dashboard charts");
    assert!(charts.k_interval.is_some());
}

/// Each naming rule a validator of the client looks up is in `Server.getRestrictionList`,
/// under the names the constants give; regular expressions between delimiters.
#[tokio::test]
async fn the_naming_rules_are_those_the_constants_name() {
    let app = appliance(false).await;
    let raw = Raw::login(&app).await;
    let constants = raw.result("Server.getNamedConstantList", Value::Null).await;
    let names = &constants["constants"]["k_VALIDATOR"];
    let rules = raw.result("Server.getRestrictionList", json!({})).await;
    let rules = rules["restrictions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let lookups = [
        ("k_ENTITY_SERVICE", "k_PORT_LIST"),
        ("k_ENTITY_SERVICE", "k_NAME"),
        ("k_ENTITY_USER", "k_USER_NAME"),
        ("k_ENTITY_USER", "k_EMAIL"),
        ("k_ENTITY_INTERFACE", "k_UUID_FORMAT"),
        ("k_ENTITY_TIME_RANGE", "k_DATE"),
        ("k_ENTITY_SYSTEM_CONFIG", "k_TIME_WITH_SECONDS"),
    ];
    for (entity, rule) in lookups {
        let tuple = rules
            .iter()
            .filter(|r| r["entityName"] == names[entity])
            .flat_map(|r| r["tuples"].as_array().cloned().unwrap_or_default())
            .find(|t| t["name"] == names[rule]);
        let tuple = tuple.unwrap_or_else(|| panic!("{entity} {rule}: {rules:?}"));
        if tuple["kind"] == "Regex" {
            let re = tuple["values"][0].as_str().unwrap_or_default();
            assert!(re.starts_with('/') && re.ends_with('/'), "{re}");
        }
    }
}

/// What the client reads at start asks for nothing: the administrator has full access,
/// speaks English, no encryption action is pending, no warning is raised, and the local
/// user database is listed, so the Users screen lists users.
#[tokio::test]
async fn nothing_asks_for_action_and_the_users_screen_has_its_domain() {
    let app = appliance(false).await;
    let raw = Raw::login(&app).await;
    let me = raw.result("Users.getMySettings", json!({})).await;
    assert_eq!(me["settings"]["roles"], json!(["FullAdmin"]));
    assert_eq!(me["settings"]["calculatedLanguage"], "en");
    let encryption = raw
        .result("Encryption.getEncryptionStatus", json!({}))
        .await;
    assert!(encryption.get("action").is_none(), "{encryption}");
    let warnings = raw.result("ProductInfo.getWarnings", json!({})).await;
    assert_eq!(warnings["warnings"], json!([]));
    for (method, params) in [
        (
            "Domains.testDomainController",
            json!({"hostnames": [""], "directory": {}}),
        ),
        (
            "CentralManagement.getAppManager",
            json!({"extendedInfo": false}),
        ),
    ] {
        let result = raw.result(method, params).await;
        if let Some(errors) = result.get("errors") {
            assert_eq!(errors, &json!([]), "{method}");
        }
    }
    let query = json!({"query": {"start": 0, "limit": -1}});
    let domains = raw.result("Domains.get", query.clone()).await;
    let local = domains["list"]
        .as_array()
        .and_then(|l| l.iter().find(|d| d["id"] == "local").cloned())
        .expect("the local user database");
    assert_eq!(local["status"], "StoreStatusClean");
    assert!(domains.get("domainList").is_none(), "{domains}");
    let users = raw
        .result(
            "Users.get",
            json!({"query": {"start": 0, "limit": -1}, "domainId": "local"}),
        )
        .await;
    assert!(users["list"].as_array().is_some_and(|l| !l.is_empty()));
}

/// The Users and Groups screens list while no domain is chosen, as they send it (no
/// `domainId`, groups without a `query`); typed code leaves both out with `None`, and the
/// group stream still sends each page's query.
#[tokio::test]
async fn users_and_groups_list_without_a_domain_or_a_query() {
    let app = appliance(true).await;
    let raw = Raw::login(&app).await;
    let users = raw
        .result("Users.get", json!({"query": {"start": 0, "limit": -1}}))
        .await;
    assert!(users["list"].is_array(), "{users}");
    let groups = raw.result("UserGroups.get", json!({})).await;
    assert!(groups["list"].is_array(), "{groups}");

    let handle = raw.session.user_groups();
    let all = handle.get(None, None).await.expect("groups");
    let streamed: Vec<_> = handle
        .get_stream(None, "local", 2)
        .try_collect()
        .await
        .expect("every group");
    assert_eq!(streamed.len(), all.list.len());
    raw.session
        .users()
        .get(&SearchQuery::default(), None)
        .await
        .expect("users");
    let sent: Vec<Value> = app
        .requests_for("UserGroups.get")
        .into_iter()
        .map(|c| c.params)
        .collect();
    assert_eq!(sent[1], json!({}));
    assert_eq!(
        sent[2],
        json!({"query": {"start": 0, "limit": 2}, "domainId": "local"})
    );
    let users_sent = app.requests_for("Users.get");
    assert_eq!(
        users_sent.last().map(|c| &c.params),
        Some(&json!({"query": {}}))
    );
}

/// Errors only for wrong input, in the shape the client reads; ids no two lists share.
#[tokio::test]
async fn errors_come_from_wrong_input_and_ids_are_unique() {
    let app = appliance(false).await;
    let raw = Raw::login(&app).await;
    let service = json!({"name": "Backup agent", "protocol": 6, "dstPort": {}});
    let first = raw
        .result("IpServices.create", json!({"services": [service]}))
        .await;
    assert_eq!(first["errors"], json!([]), "{first}");
    let again = raw
        .result("IpServices.create", json!({"services": [service]}))
        .await;
    let error = &again["errors"][0];
    assert_eq!(error["code"], 1001, "{again}");
    assert_eq!(error["inputIndex"], 0);
    assert_eq!(
        error["messageParameters"]["positionalParameters"],
        json!(["Backup agent"])
    );
    let gone = raw
        .result("IpServices.remove", json!({"serviceIds": ["no-such-id"]}))
        .await;
    assert_eq!(gone["errors"][0]["code"], 1002, "{gone}");

    let rules = raw.result("TrafficPolicy.get", json!({})).await;
    let default = raw.result("TrafficPolicy.getDefaultRule", json!({})).await;
    let listed: Vec<&Value> = rules["list"]
        .as_array()
        .map(|l| l.iter().map(|r| &r["id"]).collect())
        .unwrap_or_default();
    assert!(!listed.is_empty());
    assert!(
        !listed.contains(&&default["rule"]["id"]),
        "{listed:?} {default}"
    );
}

/// Memory comes in KiB and disk in bytes, as the client reads them, and the two calls of
/// the dashboard and the health screen agree.
#[tokio::test]
async fn health_figures_agree_with_each_other() {
    let app = appliance(false).await;
    let raw = Raw::login(&app).await;
    let whole = raw
        .result("SystemHealth.get", json!({"type": "HistogramTwoHours"}))
        .await;
    let inc = raw
        .result(
            "SystemHealth.getInc",
            json!({"type": "HistogramInterval20s", "startSampleTime": 0}),
        )
        .await;
    for data in [&whole["data"], &inc["data"]] {
        let memory_bytes = data["memoryTotal"].as_f64().unwrap_or_default() * 1024.0;
        assert!((1e9..1e11).contains(&memory_bytes), "{data}");
        let (total, free) = (
            data["diskTotal"].as_f64().unwrap_or_default(),
            data["diskFree"].as_f64().unwrap_or_default(),
        );
        assert!(total > 1e10 && free > 0.0 && free < total, "{data}");
        let used = data["memory"][0].as_f64().unwrap_or_default();
        assert!((1.0..100.0).contains(&used), "{data}");
    }
    assert_eq!(whole["data"]["diskFree"], inc["data"]["diskFree"]);
}
