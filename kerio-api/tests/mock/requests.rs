//! Requests checked against the spec, sessions and batches.

use kerio_api::admin::SearchQuery;
use kerio_api::mock::MockAppliance;
use serde_json::{Value, json};

use crate::{login, raw_method, start};

raw_method!(GetGroups, "IpAddressGroups.get");
raw_method!(SetGroups, "IpAddressGroups.set");
raw_method!(NoSuchMethod, "IpAddressGroups.frobnicate");

fn code(result: Result<Value, kerio_api::Error>) -> i64 {
    match result {
        Err(e) => e.rpc().map(|r| r.code).expect("a JSON-RPC error"),
        Ok(v) => panic!("expected an error, got {v}"),
    }
}

#[tokio::test]
async fn a_missing_param_is_refused() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    assert_eq!(code(session.call(&GetGroups(json!({}))).await), -32602);
    assert_eq!(
        code(session.call(&SetGroups(json!({"groupIds": ["1"]}))).await),
        -32602
    );
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_refused() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    let wrong = json!({"query": {"start": "zero"}});
    assert_eq!(code(session.call(&GetGroups(wrong)).await), -32607);
    let wrong = json!({"groupIds": "1", "details": {}});
    assert_eq!(code(session.call(&SetGroups(wrong)).await), -32607);
}

#[tokio::test]
async fn an_unknown_method_is_not_found() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    assert_eq!(code(session.call(&NoSuchMethod(json!({}))).await), -32601);
}

#[tokio::test]
async fn unknown_params_are_ignored_by_default_and_refused_when_strict() {
    let params = json!({"query": {"limit": -1, "url": null}, "refresh": true});
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    let listed = session
        .call(&GetGroups(params.clone()))
        .await
        .expect("ignored");
    assert!(listed.get("list").is_some_and(Value::is_array));

    let strict = start(MockAppliance::builder().strict(true)).await;
    let (_client, session) = login(&strict).await;
    assert_eq!(code(session.call(&GetGroups(params)).await), -32602);
    let fine = json!({"query": {"limit": -1}});
    session
        .call(&GetGroups(fine))
        .await
        .expect("known params pass");
}

#[tokio::test]
async fn calls_without_the_session_get_session_expired() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    mock.expire_sessions();
    let e = session
        .ip_address_groups()
        .get(&SearchQuery::default())
        .await
        .expect_err("expired");
    assert!(e.is_session_expired(), "{e}");
}

#[tokio::test]
async fn a_wrong_password_is_refused() {
    let mock = MockAppliance::builder()
        .credentials("operator", "s3cret-for-tests")
        .start()
        .await
        .expect("mock");
    let client = mock.client_builder().build().expect("client");
    let app = kerio_api::admin::ApiApplication::default();
    let e = kerio_api::admin::Admin::login(&client, "operator", "wrong", &app)
        .await
        .expect_err("refused");
    assert_eq!(e.rpc().map(|r| r.code), Some(1000));
    kerio_api::admin::Admin::login(&client, mock.user(), mock.password(), &app)
        .await
        .expect("the right password");
    assert_eq!(mock.logins(), 1);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    assert_eq!(mock.live_sessions(), 1);
    session.logout().await.expect("logout");
    assert_eq!(mock.live_sessions(), 0);
}

#[tokio::test]
async fn replies_are_made_up_the_same_way_every_time() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    let first = session
        .active_hosts()
        .get(&SearchQuery::default(), false)
        .await
        .expect("hosts");
    let second = session
        .active_hosts()
        .get(&SearchQuery::default(), false)
        .await
        .expect("hosts");
    assert!(!first.list.is_empty());
    assert_eq!(format!("{first:?}"), format!("{second:?}"));
}

#[tokio::test]
async fn faults_fail_calls_and_expire_sessions() {
    use kerio_api::mock::Faults;
    let failing = start(MockAppliance::builder().faults(Faults::new().error_rate(1.0))).await;
    let (_client, session) = login(&failing).await;
    let e = session.product_info().get().await.expect_err("fails");
    assert_eq!(e.rpc().map(|r| r.code), Some(-32000));

    let expiring = start(MockAppliance::builder().faults(Faults::new().expire_after(1))).await;
    let (_client, session) = login(&expiring).await;
    session.product_info().get().await.expect("first call");
    let e = session.product_info().get().await.expect_err("expired");
    assert!(e.is_session_expired(), "{e}");
}
