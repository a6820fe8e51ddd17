//! The Kerio Connect and Kerio Operator mocks through the typed client: each product's
//! profile, its figures consistent across methods, and the states.

use kerio_api::Session;
use kerio_api::connect::admin::ConnectAdmin;
use kerio_api::mock::{
    ApplianceState, CONNECT_CURRENT_VERSION, CONNECT_OLDER_VERSION, MockAppliance,
    OPERATOR_CURRENT_VERSION, OPERATOR_OLDER_VERSION,
};
use kerio_api::operator::admin::OperatorAdmin;
use kerio_api::shared::{ApiApplication, SearchQuery};

use crate::start;

async fn connect(state: ApplianceState) -> (MockAppliance, Session<ConnectAdmin>) {
    let mock = start(MockAppliance::builder().api("connect-admin").state(state)).await;
    let client = mock.client_builder().build().expect("client");
    let app = ApiApplication::default().name("kerio-api mock tests");
    let session = ConnectAdmin::login(&client, mock.user(), mock.password(), &app)
        .await
        .expect("login");
    (mock, session)
}

async fn operator(state: ApplianceState) -> (MockAppliance, Session<OperatorAdmin>) {
    let mock = start(MockAppliance::builder().api("operator-admin").state(state)).await;
    let client = mock.client_builder().build().expect("client");
    let app = ApiApplication::default().name("kerio-api mock tests");
    let session = OperatorAdmin::login(&client, mock.user(), mock.password(), &app)
        .await
        .expect("login");
    (mock, session)
}

#[tokio::test]
async fn a_connect_mock_is_a_small_mail_server_with_figures_that_agree() {
    let (_mock, session) = connect(ApplianceState::Healthy).await;
    let info = session
        .server()
        .get_product_info()
        .await
        .expect("product info")
        .info;
    assert_eq!(info.product_name.as_deref(), Some("Kerio Connect"));
    let shown = format!(
        "{} build {}",
        info.version.unwrap_or_default(),
        info.build_number.unwrap_or_default()
    );
    assert_eq!(shown, CONNECT_CURRENT_VERSION);
    let version = session.server().get_version().await.expect("version");
    assert_eq!(
        (
            version.major,
            version.minor,
            version.revision,
            version.build
        ),
        (Some(10), Some(1), Some(0), Some(9001))
    );

    let health = session
        .system_health()
        .get(&kerio_api::connect::admin::HistogramType::HistogramTwoHours)
        .await
        .expect("health")
        .data;
    let (total, free) = (
        health.disk_total.unwrap_or_default(),
        health.disk_free.unwrap_or_default(),
    );
    assert!(free > total / 2.0 && free < total, "{health:?}");
    let memory = health.memory.unwrap_or_default();
    let mean = memory.iter().sum::<f64>() / memory.len().max(1) as f64;
    assert!((30.0..40.0).contains(&mean), "{memory:?}");

    let alerts = session.server().get_alert_list().await.expect("alerts");
    assert!(alerts.alerts.is_empty(), "{alerts:?}");
    let registration = session
        .product_registration()
        .get_full_status()
        .await
        .expect("registration")
        .status;
    assert!(
        registration
            .expirations
            .iter()
            .flatten()
            .all(|e| e.remaining_days == Some(365))
    );

    // The queue: every message listed, its volume the sum of their sizes; a removed
    // message is gone from the next listing.
    let queue = session
        .queue()
        .get(&SearchQuery::new().page(0, -1))
        .await
        .expect("queue");
    assert_eq!(queue.total_items, 4);
    let kilobytes: i64 = queue
        .list
        .iter()
        .filter_map(|m| m.message_size.as_ref().and_then(|s| s.value))
        .sum();
    assert_eq!(queue.volume.value, Some(kilobytes));
    assert!(queue.list.iter().all(|m| {
        m.to.as_deref()
            .is_some_and(|t| t.ends_with(".net") || t.ends_with(".org"))
    }));
    let first = queue.list[0].id.clone().expect("an id");
    session.queue().remove(&[first]).await.expect("remove");
    let after = session
        .queue()
        .get(&SearchQuery::new())
        .await
        .expect("queue");
    assert_eq!(after.total_items, 3);
}

#[tokio::test]
async fn connect_states_change_their_figures() {
    let (_mock, session) = connect(ApplianceState::UpdateAvailable).await;
    let info = session
        .server()
        .get_product_info()
        .await
        .expect("info")
        .info;
    assert!(CONNECT_OLDER_VERSION.starts_with(info.version.as_deref().unwrap_or("?")));
    let update = info.update_info.expect("update info");
    assert_eq!(
        update.result,
        Some(kerio_api::connect::admin::UpdateCheckerStatus::UpdNewVersion)
    );

    let (_mock, session) = connect(ApplianceState::LicenseExpired).await;
    let alerts = session
        .server()
        .get_alert_list()
        .await
        .expect("alerts")
        .alerts;
    assert_eq!(alerts.len(), 2, "{alerts:?}");
    let about = session.server().get_about_info().await.expect("about");
    let subscription = about.about_information.subscription.expect("subscription");
    assert_eq!(subscription.remaining_days, Some(0));

    let (_mock, session) = connect(ApplianceState::MailQueueBacklog).await;
    let queue = session
        .queue()
        .get(&SearchQuery::new().page(0, 10))
        .await
        .expect("queue");
    assert_eq!((queue.total_items, queue.list.len()), (240, 10));
}

#[tokio::test]
async fn an_operator_mock_is_a_small_pbx_with_upper_snake_records() {
    let (_mock, session) = operator(ApplianceState::Healthy).await;
    let constants = session
        .server()
        .get_constant_list()
        .await
        .expect("constants")
        .constant_list;
    let product = constants.product.expect("product group");
    assert_eq!(
        product.server_software.as_deref(),
        Some(OPERATOR_CURRENT_VERSION)
    );

    let query = SearchQuery::new().order_by("TEL_NUM", kerio_api::shared::SortDirection::Asc);
    let lines = session.extensions().get(&query).await.expect("extensions");
    assert_eq!(lines.total_items, 9);
    let numbers: Vec<&str> = lines
        .sip_extension_list
        .iter()
        .filter_map(|e| e.tel_num.as_deref())
        .collect();
    assert_eq!(numbers.first(), Some(&"101"));
    assert!(lines.sip_extension_list.iter().all(|e| e.guid.is_some()));
    let free: Vec<_> = lines
        .sip_extension_list
        .iter()
        .filter(|e| e.full_name.as_deref() == Some(""))
        .collect();
    assert_eq!(free.len(), 1, "one free line");

    let users = session
        .users()
        .get(&SearchQuery::new())
        .await
        .expect("users");
    assert_eq!(users.total_items, 8);
    for user in &users.user_list {
        let extensions = user.extensions.as_deref().unwrap_or_default();
        assert_eq!(extensions.len(), 1, "{user:?}");
        assert!(
            lines
                .sip_extension_list
                .iter()
                .any(|l| l.guid == extensions[0].guid && l.username == user.username),
            "{user:?} has a listed extension"
        );
    }

    let health = session
        .system_health()
        .get(&kerio_api::operator::admin::HistogramType::HistogramOneDay)
        .await
        .expect("health")
        .system_health;
    assert_eq!(health.cpu.as_ref().map(Vec::len), Some(288));
    let used = health.disk_total.unwrap_or_default() - health.disk_free.unwrap_or_default();
    let stored: f64 = session
        .storage()
        .get()
        .await
        .expect("storage")
        .storage_data
        .iter()
        .filter_map(|s| s.size)
        .sum();
    assert!(stored > 0.0 && stored < used, "{stored} of {used}");
}

#[tokio::test]
async fn operator_states_change_their_figures() {
    let (_mock, session) = operator(ApplianceState::UpdateAvailable).await;
    let constants = session
        .server()
        .get_constant_list()
        .await
        .expect("constants");
    assert_eq!(
        constants
            .constant_list
            .product
            .and_then(|p| p.server_software)
            .as_deref(),
        Some(OPERATOR_OLDER_VERSION)
    );
    let (_mock, session) = operator(ApplianceState::LicenseExpired).await;
    let status = session
        .product_registration()
        .get_full_status()
        .await
        .expect("registration")
        .status;
    let expirations = status.expirations.unwrap_or_default();
    assert_eq!(expirations.len(), 2, "the licence, then the maintenance");
    assert!(expirations.iter().all(|e| e.remaining_days == Some(0)));
}

#[tokio::test]
async fn a_sessionless_method_is_called_before_any_login() {
    use kerio_api::connect::admin::init::SetHostname;
    let mock = start(MockAppliance::builder().api("connect-admin")).await;
    let client = mock.client_builder().build().expect("client");
    client
        .call_sessionless(&SetHostname::new("mail.example.com"))
        .await
        .expect("served without a session");
    let calls = mock.requests_for("Init.setHostname");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].params["hostname"], "mail.example.com");
    assert_eq!(calls[0].path, "/admin/api/jsonrpc/");
    assert!(calls[0].headers.get("X-Token").is_none(), "no token");
    assert_eq!(mock.logins(), 0);
}
