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

#[tokio::test]
async fn a_confirmation_lost_to_a_listener_restart_is_sent_again() {
    guarded(async {
        let app = Appliance::start().await;
        // The apply restarts the web server: the batch is answered, then for 0.7 s every
        // connection is closed.
        app.reply(
            "IpAddressGroups.apply",
            Reply::result(json!({})).then_restart(std::time::Duration::from_millis(700)),
        );
        app.reply(
            TIMESTAMP,
            Reply::result(json!({"clientTimestampList": stamps()})),
        );
        app.reply(CONFIRM, Reply::result(json!({"confirmed": true})));
        let session = app.client().login(&admin_login()).await.unwrap();
        let mut batch = session.batch();
        let apply = batch.add(&ApplyGroups::default()).unwrap();
        let (results, confirmation) = session.apply_and_confirm(batch).await.unwrap();
        assert_eq!(confirmation, Confirmation::Confirmed);
        results.get(apply).unwrap();
        // The tries during the restart never reached the appliance; one did after it.
        assert_eq!(app.requests_for(CONFIRM).len(), 1);
        assert_eq!(
            app.requests_for(CONFIRM)[0].params,
            json!({"clientTimestampList": stamps()})
        );
    })
    .await;
}

#[tokio::test]
async fn a_batch_reply_lost_to_a_restart_reads_the_timestamps_again() {
    guarded(async {
        let app = Appliance::start().await;
        app.replies(
            "Batch.run",
            vec![Reply::Drop.then_restart(std::time::Duration::from_millis(300))],
        );
        app.reply(
            TIMESTAMP,
            Reply::result(json!({"clientTimestampList": stamps()})),
        );
        app.reply(CONFIRM, Reply::result(json!({"confirmed": true})));
        let session = app.client().login(&admin_login()).await.unwrap();
        let mut batch = session.batch();
        let apply = batch.add(&ApplyGroups::default()).unwrap();
        let (results, confirmation) = session.apply_and_confirm(batch).await.unwrap();
        assert_eq!(confirmation, Confirmation::Confirmed);
        // What became of the apply is not known; the timestamps were read on their own.
        assert!(matches!(
            results.get(apply),
            Err(Error::NoBatchResult { .. })
        ));
        assert!(matches!(results.failure(), Some(Error::Transport { .. })));
        assert_eq!(app.requests_for(TIMESTAMP).len(), 1);
        assert_eq!(app.requests_for(CONFIRM).len(), 1);
    })
    .await;
}

#[tokio::test]
async fn confirming_gives_up_when_the_window_passes() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(
            "IpAddressGroups.apply",
            Reply::result(json!({})).then_restart(std::time::Duration::from_secs(30)),
        );
        app.reply(
            TIMESTAMP,
            Reply::result(json!({"clientTimestampList": stamps()})),
        );
        let session = app.client().login(&admin_login()).await.unwrap();
        let mut batch = session.batch();
        batch.add(&ApplyGroups::default()).unwrap();
        let err = session
            .apply_and_confirm_within(batch, std::time::Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Transport { .. } | Error::Timeout { .. }),
            "{err:?}"
        );
        assert!(app.requests_for(CONFIRM).is_empty());
    })
    .await;
}
