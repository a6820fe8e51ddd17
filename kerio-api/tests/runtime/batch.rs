//! Typed batches: order, per-command errors, splitting, handle misuse, bad replies.

use futures_util::StreamExt;
use kerio_api::{BATCH_LIMIT, Error};
use serde_json::{Value, json};

use crate::api::{
    Admin, ApplyGroups, Echo, GetConfigTimestamp, GetHosts, Login, Stats, StatsPing, admin_login,
    echo_handler,
};
use crate::support::{Appliance, Reply, guarded};

const BATCH: &str = "Batch.run";

#[tokio::test]
async fn results_are_typed_in_order_with_per_command_errors() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(
            "ActiveHosts.get",
            Reply::result(json!({"list": [{"id": "1", "hostname": "pc-1"}], "totalItems": 1})),
        );
        app.reply(
            "Session.getConfigTimestamp",
            Reply::result(json!({"clientTimestampList": [{"name": "config", "timestamp": 7}]})),
        );
        app.reply(
            "IpAddressGroups.apply",
            Reply::error(1003, "Access denied to %1.", &[json!("groups")]),
        );
        let session = app.client().login(&admin_login()).await.unwrap();

        let mut batch = session.batch();
        let hosts = batch
            .add(&GetHosts {
                query: json!({"limit": 5}),
            })
            .unwrap();
        let apply = batch.add(&ApplyGroups::default()).unwrap();
        let stamps = batch.add(&GetConfigTimestamp::default()).unwrap();
        assert_eq!((batch.len(), apply.index()), (3, 1));
        assert!(format!("{batch:?}").contains("IpAddressGroups.apply"));
        let results = batch.run().await.unwrap();
        assert_eq!(results.len(), 3);

        assert_eq!(results.get(hosts).unwrap().list[0].hostname, "pc-1");
        assert_eq!(results.get(stamps).unwrap()[0]["timestamp"], 7);
        let err = results.get(apply).unwrap_err();
        let rpc = err.rpc().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(
            (rpc.code, rpc.method, rpc.message.as_str()),
            (1003, "IpAddressGroups.apply", "Access denied to groups.")
        );
        // A handle can be read again; `check` finds the failed command.
        assert!(results.get(hosts).is_ok());
        assert_eq!(
            results.check().unwrap_err().rpc().map(|e| e.method),
            Some("IpAddressGroups.apply")
        );

        let requests = app.requests_for(BATCH);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].params,
            json!({
                "commandList": [
                    {"method": "ActiveHosts.get", "params": {"query": {"limit": 5}}},
                    {"method": "IpAddressGroups.apply", "params": {}},
                    {"method": "Session.getConfigTimestamp", "params": {}},
                ],
                "ignoreErrors": true,
            })
        );
    })
    .await;
}

#[tokio::test]
async fn a_long_batch_is_split_into_requests_of_100() {
    guarded(async {
        let app = Appliance::start().await;
        app.on("Test.echo", echo_handler);
        let session = app.client().login(&admin_login()).await.unwrap();
        let mut batch = session.batch();
        let handles: Vec<_> = (0..250).map(|n| batch.add(&Echo { n }).unwrap()).collect();
        let results = batch.run().await.unwrap();
        assert_eq!(results.len(), 250);
        for (n, handle) in handles.into_iter().enumerate() {
            assert_eq!(results.get(handle).unwrap(), n as i64);
        }
        let sizes: Vec<usize> = app
            .requests_for(BATCH)
            .iter()
            .map(|r| r.params["commandList"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, [BATCH_LIMIT, BATCH_LIMIT, 50]);
        // The appliance ran them in order.
        let echoed: Vec<i64> = app
            .requests_for("Test.echo")
            .iter()
            .map(|c| c.params["n"].as_i64().unwrap())
            .collect();
        assert_eq!(echoed, (0..250).collect::<Vec<_>>());
    })
    .await;
}

#[tokio::test]
async fn a_later_request_that_fails_keeps_what_ran() {
    guarded(async {
        let app = Appliance::start().await;
        app.on("Test.echo", echo_handler);
        let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = sent.clone();
        app.on(BATCH, move |_| {
            match count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => Reply::Builtin,
                _ => Reply::Drop,
            }
        });
        let session = app.client().login(&admin_login()).await.unwrap();
        let mut batch = session.batch();
        let handles: Vec<_> = (0..250).map(|n| batch.add(&Echo { n }).unwrap()).collect();
        let results = batch.run().await.unwrap();
        assert_eq!((results.len(), results.completed()), (250, BATCH_LIMIT));
        assert_eq!(results.get(handles[99]).unwrap(), 99);
        for h in &handles[BATCH_LIMIT..] {
            let err = results.get(*h).unwrap_err();
            assert!(
                matches!(&err, Error::NoBatchResult { reason, .. } if reason.contains("whether it ran is not known")),
                "{err:?}"
            );
        }
        assert!(
            matches!(results.failure(), Some(Error::Transport { .. })),
            "{:?}",
            results.failure()
        );
        assert!(matches!(
            results.check(),
            Err(Error::NoBatchResult { index: 100, .. })
        ));
        // The third request was not sent after the second failed.
        assert_eq!(sent.load(std::sync::atomic::Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test]
async fn without_ignore_errors_the_first_failure_stops_the_batch() {
    guarded(async {
        let app = Appliance::start().await;
        app.on("Test.echo", |call| {
            if call.params["n"] == 10 {
                Reply::error(1000, "Refused.", &[])
            } else {
                echo_handler(call)
            }
        });
        let session = app.client().login(&admin_login()).await.unwrap();
        let mut batch = session.batch();
        let handles: Vec<_> = (0..150).map(|n| batch.add(&Echo { n }).unwrap()).collect();
        batch.ignore_errors(false);
        let results = batch.run().await.unwrap();
        assert_eq!(results.completed(), 11);
        assert_eq!(results.get(handles[9]).unwrap(), 9);
        assert_eq!(
            results.get(handles[10]).unwrap_err().rpc().map(|e| e.code),
            Some(1000)
        );
        assert!(matches!(
            results.get(handles[11]),
            Err(Error::NoBatchResult { index: 11, .. })
        ));
        assert!(results.get(handles[149]).is_err());
        assert!(results.failure().is_none());
        let requests = app.requests_for(BATCH);
        assert_eq!(requests.len(), 1, "the second request is not sent");
        assert_eq!(requests[0].params["ignoreErrors"], json!(false));
    })
    .await;
}

#[tokio::test]
async fn decode_errors_name_the_item_and_path() {
    guarded(async {
        let app = Appliance::start().await;
        app.on("Test.echo", echo_handler);
        app.reply(
            "ActiveHosts.get",
            Reply::result(json!({"list": [{"id": "1", "hostname": 5}], "totalItems": 1})),
        );
        let client = app.client_builder().strict_decoding(true).build().unwrap();
        let session = client.login(&admin_login()).await.unwrap();
        let mut batch = session.batch();
        let echo = batch.add(&Echo { n: 1 }).unwrap();
        let hosts = batch.add(&GetHosts::default()).unwrap();
        let results = batch.run().await.unwrap();
        assert_eq!(results.get(echo).unwrap(), 1);
        match results.get(hosts).unwrap_err() {
            Error::Decode {
                method,
                path,
                message,
            } => {
                assert_eq!(method, "ActiveHosts.get");
                assert_eq!(path, "result[1].result.list[0].hostname");
                assert!(message.contains("expected a string"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn handles_of_another_batch_are_refused() {
    guarded(async {
        let app = Appliance::start().await;
        app.on("Test.echo", echo_handler);
        let session = app.client().login(&admin_login()).await.unwrap();
        let mut first = session.batch();
        let mut second = session.batch();
        let from_first = first.add(&Echo { n: 1 }).unwrap();
        let from_second = second.add(&Echo { n: 2 }).unwrap();
        let _ = second.add(&Echo { n: 3 }).unwrap();
        let unrun = second.add(&Echo { n: 4 }).unwrap();
        let first_results = first.run().await.unwrap();
        assert!(matches!(
            first_results.get(from_second),
            Err(Error::ForeignHandle {
                method: "Test.echo"
            })
        ));
        // Out of range for the first batch: still an error, not a panic.
        assert!(matches!(
            first_results.get(unrun),
            Err(Error::ForeignHandle { .. })
        ));
        assert_eq!(first_results.get(from_first).unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn bad_batch_replies_are_invalid_responses() {
    guarded(async {
        let app = Appliance::start().await;
        let session = app.client().login(&admin_login()).await.unwrap();
        let two = || {
            let mut batch = session.batch();
            let a = batch.add(&Echo { n: 1 }).unwrap();
            let b = batch.add(&Echo { n: 2 }).unwrap();
            (batch, a, b)
        };

        app.reply(BATCH, Reply::result(json!({"list": []})));
        let err = two().0.run().await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidResponse { method: BATCH, reason } if reason.contains("not an array")),
            "{err:?}"
        );

        app.reply(BATCH, Reply::result(json!([{"result": {"value": 1}}])));
        let err = two().0.run().await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("1 items for 2 commands")),
            "{err:?}"
        );

        app.reply(BATCH, Reply::error(-32606, "Too many commands.", &[]));
        let err = two().0.run().await.unwrap_err();
        assert_eq!(err.rpc().map(|e| (e.code, e.method)), Some((-32606, BATCH)));

        app.reply(
            BATCH,
            Reply::result(json!([{"something": 1}, {"error": {"message": "no code"}}])),
        );
        let (batch, a, b) = two();
        let results = batch.run().await.unwrap();
        let err = results.get(a).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("neither")),
            "{err:?}"
        );
        let err = results.get(b).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("integer `code`")),
            "{err:?}"
        );

        app.reply(BATCH, Reply::html(502, "<html><title>Bad Gateway</title></html>"));
        let err = two().0.run().await.unwrap_err();
        assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");

        app.reply(BATCH, Reply::Drop);
        let err = two().0.run().await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn empty_batches_send_nothing_and_apis_without_batches_say_so() {
    guarded(async {
        let app = Appliance::start().await;
        let session = app.client().login(&admin_login()).await.unwrap();
        let before = app.requests().len();
        let results = session.batch().run().await.unwrap();
        assert!(results.is_empty());
        assert_eq!(app.requests().len(), before);

        let stats = app.client().login(&Login::<Stats>::valid()).await.unwrap();
        let err = stats.batch().add(&StatsPing::default()).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Unsupported {
                    api: "stats",
                    feature: "batch method"
                }
            ),
            "{err:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_expired_session_is_renewed_for_a_batch() {
    guarded(async {
        let app = Appliance::start().await;
        app.on("Test.echo", echo_handler);
        let client = app.client_builder().auto_relogin(true).build().unwrap();
        let session = client.login(&Login::<Admin>::valid()).await.unwrap();
        app.expire_sessions();
        let mut batch = session.batch();
        let h = batch.add(&Echo { n: 9 }).unwrap();
        assert_eq!(batch.run().await.unwrap().get(h).unwrap(), 9);
        assert_eq!(app.logins(), 2);
        let sent: Vec<Value> = app
            .requests_for(BATCH)
            .iter()
            .map(|r| r.params.clone())
            .collect();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0], sent[1], "the same batch is sent again");
    })
    .await;
}

#[tokio::test]
async fn futures_of_the_runtime_can_be_spawned() {
    fn assert_send<T: Send + 'static>(_: T) {}
    let app = Appliance::start().await;
    let session = app.client().login(&admin_login()).await.unwrap();
    let s = session.clone();
    assert_send(async move { s.batch().run().await });
    let s = session.clone();
    assert_send(async move { s.confirm_config().await });
    let s = session.clone();
    assert_send(async move { s.apply_and_confirm(s.batch()).await });
    let s = session.clone();
    assert_send(async move { s.upload("a", Vec::new()).await });
    let s = session.clone();
    assert_send(async move {
        s.download("/x").await?.bytes_stream().count().await;
        Ok::<_, Error>(())
    });
    let s = session.clone();
    assert_send(async move { s.download_to("/x", "/tmp/x").await });
    assert_send(kerio_api::paging::pages(10, move |_, _| {
        let s = session.clone();
        async move {
            let hosts = s.call(&GetHosts::default()).await?;
            Ok((hosts.list, hosts.total_items))
        }
    }));
}
