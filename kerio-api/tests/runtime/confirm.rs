//! Cut-off prevention: reading configuration timestamps and confirming them.

use kerio_api::{Confirmation, Error};
use serde_json::json;

use crate::api::{ApplyGroups, Echo, admin_login, echo_handler};
use crate::support::{Appliance, Reply, guarded};

const TIMESTAMP: &str = "Session.getConfigTimestamp";
const CONFIRM: &str = "Session.confirmConfig";

fn stamps() -> serde_json::Value {
    json!([{"name": "config", "timestamp": 1_700_000_000}, {"name": "interfaces", "timestamp": 3}])
}

#[tokio::test]
async fn nothing_to_confirm_sends_no_confirmation() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(TIMESTAMP, Reply::result(json!({"clientTimestampList": []})));
        let session = app.client().login(&admin_login()).await.unwrap();
        assert_eq!(
            session.confirm_config().await.unwrap(),
            Confirmation::NothingToConfirm
        );
        assert_eq!(app.requests_for(TIMESTAMP)[0].params, json!({}));
        assert!(app.requests_for(CONFIRM).is_empty());
    })
    .await;
}

#[tokio::test]
async fn timestamps_are_sent_back_and_confirmed_or_not() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(
            TIMESTAMP,
            Reply::result(json!({"clientTimestampList": stamps()})),
        );
        app.replies(
            CONFIRM,
            vec![
                Reply::result(json!({"confirmed": true})),
                Reply::result(json!({"confirmed": false})),
                Reply::result(json!({"confirmed": "yes"})),
                Reply::result(json!({})),
                Reply::error(1003, "Access denied.", &[]),
            ],
        );
        let session = app.client().login(&admin_login()).await.unwrap();
        assert_eq!(
            session.confirm_config().await.unwrap(),
            Confirmation::Confirmed
        );
        assert_eq!(
            app.requests_for(CONFIRM)[0].params,
            json!({"clientTimestampList": stamps()})
        );
        assert_eq!(
            session.confirm_config().await.unwrap(),
            Confirmation::NotConfirmed
        );
        match session.confirm_config().await.unwrap_err() {
            Error::Decode { method, path, .. } => {
                assert_eq!((method, path.as_str()), (CONFIRM, "result.confirmed"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            session.confirm_config().await.unwrap_err(),
            Error::Decode {
                method: CONFIRM,
                ..
            }
        ));
        assert_eq!(
            session
                .confirm_config()
                .await
                .unwrap_err()
                .rpc()
                .map(|e| e.code),
            Some(1003)
        );
    })
    .await;
}

#[tokio::test]
async fn apply_and_confirm_appends_the_timestamp_command() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply("IpAddressGroups.apply", Reply::result(json!({})));
        app.on("Test.echo", echo_handler);
        app.reply(
            TIMESTAMP,
            Reply::result(json!({"clientTimestampList": stamps()})),
        );
        app.reply(CONFIRM, Reply::result(json!({"confirmed": true})));
        let session = app.client().login(&admin_login()).await.unwrap();

        let mut batch = session.batch();
        let apply = batch.add(&ApplyGroups::default()).unwrap();
        let echo = batch.add(&Echo { n: 5 }).unwrap();
        let (results, confirmation) = session.apply_and_confirm(batch).await.unwrap();
        assert_eq!(confirmation, Confirmation::Confirmed);
        assert_eq!(
            results.len(),
            2,
            "the appended command is not among the results"
        );
        results.get(apply).unwrap();
        assert_eq!(results.get(echo).unwrap(), 5);

        let batch_request = &app.requests_for("Batch.run")[0];
        let commands = batch_request.params["commandList"].as_array().unwrap();
        assert_eq!(commands.len(), 3);
        assert_eq!(commands[2], json!({"method": TIMESTAMP, "params": {}}));
        assert_eq!(
            app.requests_for(CONFIRM)[0].params,
            json!({"clientTimestampList": stamps()})
        );
    })
    .await;
}

#[tokio::test]
async fn apply_and_confirm_with_nothing_to_confirm_or_a_failed_timestamp() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply("IpAddressGroups.apply", Reply::result(json!({})));
        app.replies(
            TIMESTAMP,
            vec![
                Reply::result(json!({"clientTimestampList": []})),
                Reply::error(-32603, "Internal error.", &[]),
                Reply::result(json!({"somethingElse": 1})),
            ],
        );
        let session = app.client().login(&admin_login()).await.unwrap();
        let batch = || {
            let mut batch = session.batch();
            batch.add(&ApplyGroups::default()).unwrap();
            batch
        };
        let (results, confirmation) = session.apply_and_confirm(batch()).await.unwrap();
        assert_eq!(confirmation, Confirmation::NothingToConfirm);
        results.check().unwrap();

        let err = session.apply_and_confirm(batch()).await.unwrap_err();
        assert_eq!(err.rpc().map(|e| (e.code, e.method)), Some((-32603, TIMESTAMP)));

        let err = session.apply_and_confirm(batch()).await.unwrap_err();
        assert!(
            matches!(&err, Error::Decode { method: TIMESTAMP, message, .. } if message.contains("clientTimestampList")),
            "{err:?}"
        );
        assert!(app.requests_for(CONFIRM).is_empty());
    })
    .await;
}
