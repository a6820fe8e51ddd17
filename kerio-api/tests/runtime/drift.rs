//! A reply value that does not fit the spec costs that value, not the call; strict
//! decoding restores the failure.

use kerio_api::{Error, SpecDrift};
use serde_json::json;

use crate::api::{GetHosts, admin_login};
use crate::support::{Appliance, Reply, TraceCapture};

/// Two hosts, the second with a number where the spec has a string (`ip`).
fn drifting_hosts() -> Reply {
    Reply::result(json!({
        "list": [
            {"id": "1", "hostname": "a", "ip": "10.0.0.1"},
            {"id": "2", "hostname": "b", "ip": 167772162},
        ],
        "totalItems": 2,
    }))
}

fn drift_paths(drift: &[SpecDrift]) -> Vec<(&'static str, &str, &'static str)> {
    drift
        .iter()
        .map(|d| (d.method, d.path.as_str(), d.found))
        .collect()
}

#[tokio::test]
async fn a_misfit_field_decodes_as_none_and_is_reported_once() {
    let traces = TraceCapture::start();
    let app = Appliance::start().await;
    app.reply("ActiveHosts.get", drifting_hosts());
    let session = app.client().login(&admin_login()).await.unwrap();

    let hosts = session.call(&GetHosts::default()).await.unwrap();
    assert_eq!(hosts.total_items, 2);
    assert_eq!(hosts.list[0].ip.as_deref(), Some("10.0.0.1"));
    assert_eq!(
        (hosts.list[1].hostname.as_str(), hosts.list[1].ip.as_deref()),
        ("b", None)
    );

    // The same drift again: still one report, one warning.
    session.call(&GetHosts::default()).await.unwrap();
    let drift = session.spec_drift();
    assert_eq!(
        drift_paths(&drift),
        [("ActiveHosts.get", "result.list[].ip", "a number")]
    );
    assert!(
        drift[0].to_string().contains("result.list[].ip"),
        "{}",
        drift[0]
    );
    let logs = traces.text();
    assert_eq!(logs.matches("does not fit the spec").count(), 1, "{logs}");
    assert!(logs.contains("WARN"), "{logs}");
    assert!(
        !logs.contains("167772162"),
        "the value is never reported: {logs}"
    );

    // Batches decode their items the same way.
    let mut batch = session.batch();
    let handle = batch.add(&GetHosts::default()).unwrap();
    let results = batch.run().await.unwrap();
    assert_eq!(results.get(handle).unwrap().list[1].ip, None);
    assert_eq!(session.spec_drift().len(), 1);
}

#[tokio::test]
async fn strict_decoding_fails_with_the_path() {
    let app = Appliance::start().await;
    app.reply("ActiveHosts.get", drifting_hosts());
    let client = app.client_builder().strict_decoding(true).build().unwrap();
    let session = client.login(&admin_login()).await.unwrap();
    match session.call(&GetHosts::default()).await.unwrap_err() {
        Error::Decode { method, path, .. } => {
            assert_eq!(
                (method, path.as_str()),
                ("ActiveHosts.get", "result.list[1].ip")
            );
        }
        other => panic!("{other:?}"),
    }
    let mut batch = session.batch();
    let handle = batch.add(&GetHosts::default()).unwrap();
    let results = batch.run().await.unwrap();
    assert!(
        matches!(results.get(handle), Err(Error::Decode { ref path, .. }) if path == "result[0].result.list[1].ip"),
    );
    assert!(session.spec_drift().is_empty());
}

#[tokio::test]
async fn what_cannot_be_repaired_still_fails() {
    let app = Appliance::start().await;
    let session = app.client().login(&admin_login()).await.unwrap();
    // `list` is required by the result type and no item fits: the list goes, and with
    // it the call.
    app.reply(
        "ActiveHosts.get",
        Reply::result(json!({"list": ["x"], "totalItems": 1})),
    );
    match session.call(&GetHosts::default()).await.unwrap_err() {
        Error::Decode { path, .. } => assert_eq!(path, "result.list[0]"),
        other => panic!("{other:?}"),
    }
    // A list item that does not fit is dropped while the list is otherwise usable.
    app.reply(
        "ActiveHosts.get",
        Reply::result(json!({"list": [{"id": "1", "hostname": "a"}, 42], "totalItems": 2})),
    );
    let hosts = session.call(&GetHosts::default()).await.unwrap();
    assert_eq!(hosts.list.len(), 1);
    assert!(
        session
            .spec_drift()
            .iter()
            .any(|d| d.path == "result.list[]" && d.found == "a number")
    );
}
