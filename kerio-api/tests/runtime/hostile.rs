//! A broken or hostile appliance: replies too big to hold, replies to another request,
//! replies that echo the password back.

use kerio_api::{DEFAULT_MAX_REPLY_SIZE, Error};
use serde_json::json;

use crate::api::{Admin, GetHosts, Login, admin_login};
use crate::support::{Appliance, LOGIN, PASSWORD, Reply, TraceCapture, guarded, pattern_byte};

const LIMIT: usize = 256 * 1024;

fn assert_too_large(err: &Error) {
    match err {
        Error::ReplyTooLarge { method, limit } => {
            assert_eq!((*method, *limit), ("ActiveHosts.get", LIMIT));
            assert!(err.to_string().contains(&LIMIT.to_string()), "{err}");
        }
        other => panic!("expected ReplyTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn replies_over_the_size_limit_fail_with_the_limit() {
    guarded(async {
        let app = Appliance::start().await;
        let client = app.client_builder().max_reply_size(LIMIT).build().unwrap();
        let session = client.login(&admin_login()).await.unwrap();

        // Declared too long: refused before reading.
        app.reply(
            "ActiveHosts.get",
            Reply::stream(64 * 1024 * 1024, 64 * 1024),
        );
        assert_too_large(&session.call(&GetHosts::default()).await.unwrap_err());

        // Length not declared (chunked): refused once the bytes read pass the limit.
        app.reply(
            "ActiveHosts.get",
            Reply::stream_unsized(64 * 1024 * 1024, 16 * 1024),
        );
        assert_too_large(&session.call(&GetHosts::default()).await.unwrap_err());

        // A reply that fits, in many chunks, still decodes, and the session goes on.
        let hosts: Vec<_> = (0..2000)
            .map(|i| json!({"id": format!("{i}"), "hostname": format!("host-{i:05}")}))
            .collect();
        app.reply(
            "ActiveHosts.get",
            Reply::result(json!({"list": hosts, "totalItems": 2000})),
        );
        let result = session.call(&GetHosts::default()).await.unwrap();
        assert_eq!(result.list.len(), 2000);
    })
    .await;
}

#[tokio::test]
async fn downloads_stream_past_the_reply_size_limit() {
    guarded(async {
        let app = Appliance::start().await;
        const SIZE: u64 = 4 * LIMIT as u64;
        app.serve_file(
            "/admin/api/jsonrpc/download/big",
            Reply::stream_unsized(SIZE, 8192),
        );
        let client = app.client_builder().max_reply_size(LIMIT).build().unwrap();
        let session = client.login(&admin_login()).await.unwrap();
        let download = session
            .download("/admin/api/jsonrpc/download/big")
            .await
            .unwrap();
        let mut sink = Vec::new();
        download.write_to(&mut sink).await.unwrap();
        assert_eq!(sink.len() as u64, SIZE);
        assert!(
            sink.iter()
                .enumerate()
                .all(|(i, b)| *b == pattern_byte(i as u64))
        );
        assert_eq!(DEFAULT_MAX_REPLY_SIZE, 64 * 1024 * 1024);
    })
    .await;
}

#[tokio::test]
async fn a_reply_to_another_request_is_rejected() {
    guarded(async {
        let app = Appliance::start().await;
        let session = app.client().login(&admin_login()).await.unwrap();
        let other = r#"{"jsonrpc":"2.0","id":987654,"result":{"list":[],"totalItems":0}}"#;
        app.reply(
            "ActiveHosts.get",
            Reply::raw(200, "application/json-rpc", other),
        );
        match session.call(&GetHosts::default()).await.unwrap_err() {
            Error::InvalidResponse { method, reason } => {
                assert_eq!(method, "ActiveHosts.get");
                assert!(reason.contains("987654"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        // Also when the result would not even fit, and for a string id.
        for body in [
            r#"{"jsonrpc":"2.0","id":987654,"result":{"list":5}}"#,
            r#"{"jsonrpc":"2.0","id":"2","result":{"list":[],"totalItems":0}}"#,
        ] {
            app.reply(
                "ActiveHosts.get",
                Reply::raw(200, "application/json-rpc", body),
            );
            let err = session.call(&GetHosts::default()).await.unwrap_err();
            assert!(
                matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("id")),
                "{body}: {err:?}"
            );
        }
        // No id at all is tolerated.
        let anonymous = r#"{"jsonrpc":"2.0","result":{"list":[],"totalItems":0}}"#;
        app.reply(
            "ActiveHosts.get",
            Reply::raw(200, "application/json-rpc", anonymous),
        );
        session.call(&GetHosts::default()).await.unwrap();

        // The login is checked too.
        let token = format!(
            r#"{{"jsonrpc":"2.0","id":424242,"result":{{"token":"{}"}}}}"#,
            "a".repeat(64)
        );
        app.reply(LOGIN, Reply::raw(200, "application/json-rpc", token));
        let err = app.client().login(&admin_login()).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("424242")),
            "{err:?}"
        );
    })
    .await;
}

/// Every way a reply can put the password in front of a user.
fn echoing_replies() -> Vec<(&'static str, Reply)> {
    vec![
        (
            "an error page",
            Reply::html(
                500,
                &format!("<html><title>Internal error</title>{PASSWORD}</html>"),
            ),
        ),
        (
            "an RPC error message",
            Reply::error(1000, &format!("Bad value {PASSWORD}"), &[json!(PASSWORD)]),
        ),
        (
            "a decode error quoting it",
            Reply::result(json!({"list": [], "totalItems": PASSWORD})),
        ),
        (
            "a proxy's plain text error",
            Reply::raw(502, "text/plain", format!("upstream said {PASSWORD}")),
        ),
    ]
}

fn assert_no_password(what: &str, text: &str) {
    assert!(
        !text.contains(PASSWORD),
        "{what}: the password leaked into: {text}"
    );
}

#[tokio::test]
async fn the_login_password_is_redacted_from_every_error_and_trace() {
    let traces = TraceCapture::start();
    let app = Appliance::start().await;
    let session = app.client().login(&admin_login()).await.unwrap();
    for (what, reply) in echoing_replies() {
        app.reply("ActiveHosts.get", reply);
        let err = session.call(&GetHosts::default()).await.unwrap_err();
        let text = format!("{err} / {err:?}");
        assert!(text.contains("<redacted>"), "{what}: {text}");
        assert_no_password(what, &text);
    }
    let logs = traces.text();
    assert!(logs.contains("call failed"), "{logs}");
    assert_no_password("traces", &logs);
}

#[tokio::test]
async fn the_password_is_redacted_during_logins_and_relogins() {
    let traces = TraceCapture::start();
    let app = Appliance::start().await;
    // The first login.
    for (what, reply) in echoing_replies() {
        app.reply(LOGIN, reply);
        let err = app.client().login(&admin_login()).await.unwrap_err();
        assert_no_password(what, &format!("{err} / {err:?}"));
    }
    app.clear(LOGIN);

    // A re-login after the session expired, whose reply echoes the password.
    let client = app.client_builder().auto_relogin(true).build().unwrap();
    let session = client.login(&admin_login()).await.unwrap();
    for (what, reply) in echoing_replies() {
        app.expire_sessions();
        app.reply(LOGIN, reply);
        let err = session.call(&GetHosts::default()).await.unwrap_err();
        assert_no_password(what, &format!("{err} / {err:?} / {session:?}"));
    }
    let logs = traces.text();
    assert!(logs.contains("login failed"), "{logs}");
    assert_no_password("traces", &logs);

    // A wrong password is just as secret.
    let wrong = "Wr0ng-but-still-secret";
    app.on(LOGIN, move |call| {
        Reply::error(
            1000,
            &format!("bad password {}", call.params["password"]),
            &[],
        )
    });
    let err = client
        .login(&Login::<Admin>::new("admin", wrong))
        .await
        .unwrap_err();
    assert!(!format!("{err} / {err:?}").contains(wrong), "{err:?}");
}
