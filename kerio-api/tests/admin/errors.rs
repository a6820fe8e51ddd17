//! Errors through generated calls: expiry, application errors, decode paths, logout.

use kerio_api::Error;
use kerio_api::admin::{Admin, SearchQuery};
use serde_json::json;

use crate::support::{Appliance, PASSWORD, Reply, USER, guarded};
use crate::{app, logged_in};

#[tokio::test]
async fn an_expired_session_is_a_typed_error() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.expire_sessions();
        let err = session
            .active_hosts()
            .get(&SearchQuery::default(), false)
            .await
            .unwrap_err();
        assert!(err.is_session_expired(), "{err}");
        assert_eq!(err.rpc().map(|r| r.code), Some(-32001));
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_is_an_rpc_error_without_the_password() {
    guarded(async {
        let appliance = Appliance::start().await;
        let err = Admin::login(&appliance.client(), USER, "not-the-password-canary", &app())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Rpc(_)), "{err:?}");
        assert!(!err.to_string().contains("not-the-password-canary"));
        assert!(!format!("{err:?}").contains("not-the-password-canary"));
    })
    .await;
}

#[tokio::test]
async fn application_errors_fill_their_placeholders() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.reply(
            "IpAddressGroups.remove",
            Reply::error(1002, "Item \"%1\" does not exist.", &[json!("office")]),
        );
        let err = session
            .ip_address_groups()
            .remove(&["missing".into()])
            .await
            .unwrap_err();
        let rpc = err.rpc().expect("an RPC error");
        assert_eq!(rpc.code, 1002);
        assert_eq!(rpc.message, "Item \"office\" does not exist.");
    })
    .await;
}

#[tokio::test]
async fn a_misfit_field_costs_the_field_or_under_strict_decoding_the_call() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        appliance.reply(
            "ActiveHosts.get",
            Reply::result(
                json!({"list": [{"id": "1"}, {"id": "2", "connections": "many"}], "totalItems": 2}),
            ),
        );
        let hosts = session
            .active_hosts()
            .get(&SearchQuery::default(), false)
            .await
            .unwrap();
        assert_eq!(hosts.list.len(), 2);
        assert_eq!(hosts.list[1].id.as_deref(), Some("2"));
        assert_eq!(hosts.list[1].connections, None);
        let drift = session.spec_drift();
        assert_eq!(drift.len(), 1, "{drift:?}");
        assert_eq!(
            (drift[0].method, drift[0].path.as_str(), drift[0].found),
            ("ActiveHosts.get", "result.list[].connections", "a string")
        );

        let client = appliance
            .client_builder()
            .strict_decoding(true)
            .build()
            .unwrap();
        let session = Admin::login(&client, USER, PASSWORD, &app()).await.unwrap();
        let err = session
            .active_hosts()
            .get(&SearchQuery::default(), false)
            .await
            .unwrap_err();
        let Error::Decode { method, path, .. } = &err else {
            panic!("expected a decode error, got {err:?}");
        };
        assert_eq!(*method, "ActiveHosts.get");
        assert_eq!(path, "result.list[1].connections");
    })
    .await;
}

#[tokio::test]
async fn logout_closes_the_session() {
    guarded(async {
        let (appliance, session) = logged_in().await;
        session.logout().await.unwrap();
        assert_eq!(appliance.live_sessions(), 0);
        let err = session
            .active_hosts()
            .get(&SearchQuery::default(), false)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::SessionClosed { .. }), "{err:?}");
    })
    .await;
}
