//! How every kind of bad reply and broken connection surfaces as an `Error`.

use std::time::Duration;

use kerio_api::{Client, Error};
use serde_json::json;

use crate::api::{GetHosts, admin_login};
use crate::support::{Appliance, LOGIN, Reply};

const HOSTS: &str = "ActiveHosts.get";

async fn call_with(reply: Reply) -> Error {
    let app = Appliance::start().await;
    app.reply(HOSTS, reply);
    let session = app.client().login(&admin_login()).await.unwrap();
    session.call(&GetHosts::default()).await.unwrap_err()
}

/// The same with strict decoding, where a value that does not fit fails the call.
async fn strict_call_with(reply: Reply) -> Error {
    let app = Appliance::start().await;
    app.reply(HOSTS, reply);
    let client = app.client_builder().strict_decoding(true).build().unwrap();
    let session = client.login(&admin_login()).await.unwrap();
    session.call(&GetHosts::default()).await.unwrap_err()
}

#[tokio::test]
async fn placeholders_are_filled_from_the_parameters() {
    let err = call_with(Reply::error(
        1002,
        "User %1 cannot be removed from %2 (%3).",
        &[json!("jdoe"), json!(7)],
    ))
    .await;
    let rpc = err.rpc().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(rpc.code, 1002);
    assert_eq!(rpc.message, "User jdoe cannot be removed from 7 (%3).");
    assert_eq!(rpc.raw_message, "User %1 cannot be removed from %2 (%3).");
    assert_eq!(rpc.parameters, ["jdoe", "7"]);
    assert_eq!(rpc.method, HOSTS);
    assert_eq!(
        err.to_string(),
        "ActiveHosts.get failed with error 1002: User jdoe cannot be removed from 7 (%3)."
    );
}

#[tokio::test]
async fn decode_error_names_the_json_path() {
    let reply = Reply::result(
        json!({"list": [{"id": "1", "hostname": "a"}, {"id": "2", "hostname": 5}], "totalItems": 2}),
    );
    match strict_call_with(reply).await {
        Error::Decode {
            method,
            path,
            message,
        } => {
            assert_eq!((method, path.as_str()), (HOSTS, "result.list[1].hostname"));
            assert!(
                message.contains("invalid type: integer `5`, expected a string"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    match call_with(Reply::result(json!({"list": []}))).await {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "result");
            assert!(message.contains("missing field `totalItems`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn http_500_with_a_json_rpc_body_is_an_rpc_error() {
    let err = call_with(Reply::error(-32603, "Internal error.", &[]).with_status(500)).await;
    assert_eq!(err.rpc().map(|e| e.code), Some(-32603), "{err:?}");
}

#[tokio::test]
async fn html_error_page_is_an_http_error() {
    let page = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title><style>p{}</style></head>\
                <body><h1>Service   Unavailable</h1>\n<p>The engine is restarting.</p></body></html>";
    match call_with(Reply::html(503, page)).await {
        Error::Http {
            method,
            status,
            content_type,
            kind,
            excerpt,
        } => {
            assert_eq!((method, status, kind), (HOSTS, 503, "an HTML page"));
            assert_eq!(content_type.as_deref(), Some("text/html; charset=UTF-8"));
            assert!(excerpt.starts_with("503 Service Unavailable"), "{excerpt}");
            assert!(
                excerpt.contains("Service Unavailable The engine is restarting."),
                "{excerpt}"
            );
        }
        other => panic!("{other:?}"),
    }
    // An HTML page is not JSON-RPC even with status 200 (a captive portal, a login page).
    let err = call_with(Reply::html(200, "<html><title>Login</title></html>")).await;
    assert!(matches!(err, Error::Http { status: 200, .. }), "{err:?}");
    let err = call_with(Reply::raw(500, "text/plain", "boom")).await;
    assert!(
        matches!(&err, Error::Http { status: 500, kind: "a body that is not JSON", excerpt, .. } if excerpt == "boom"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "ActiveHosts.get: HTTP 500 reply is not JSON-RPC (a body that is not JSON): \"boom\""
    );
}

#[tokio::test]
async fn broken_bodies_are_invalid_responses() {
    let truncated = r#"{"jsonrpc":"2.0","id":2,"result":{"list":[{"id":"1","host"#;
    let err = call_with(Reply::raw(200, "application/json-rpc", truncated)).await;
    assert!(
        matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("truncated")),
        "{err:?}"
    );

    let err = call_with(Reply::raw(200, "application/json-rpc", "Internal error")).await;
    assert!(
        matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("not JSON")),
        "{err:?}"
    );

    let err = call_with(Reply::raw(
        200,
        "application/json-rpc",
        r#"{"jsonrpc":"2.0","id":2}"#,
    ))
    .await;
    assert!(
        matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("neither")),
        "{err:?}"
    );

    let err = call_with(Reply::raw(200, "application/json-rpc", "")).await;
    assert!(
        matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("empty")),
        "{err:?}"
    );
}

#[tokio::test]
async fn dropped_connections_are_transport_errors() {
    let err = call_with(Reply::Drop).await;
    assert!(
        matches!(err, Error::Transport { method: HOSTS, .. }),
        "{err:?}"
    );

    let err = call_with(Reply::cut_off(json!({"list": [], "totalItems": 0}), 10)).await;
    match &err {
        Error::Transport {
            message, source, ..
        } => assert!(
            message.contains("while reading the reply"),
            "{message} {source:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_session_survives_a_dropped_connection() {
    let app = Appliance::start().await;
    app.replies(
        HOSTS,
        vec![
            Reply::Drop,
            Reply::result(json!({"list": [], "totalItems": 0})),
        ],
    );
    let session = app.client().login(&admin_login()).await.unwrap();
    assert!(matches!(
        session.call(&GetHosts::default()).await,
        Err(Error::Transport { .. })
    ));
    assert_eq!(
        session
            .call(&GetHosts::default())
            .await
            .unwrap()
            .total_items,
        0
    );
}

#[tokio::test]
async fn slow_replies_time_out() {
    let app = Appliance::start().await;
    app.reply(
        HOSTS,
        Reply::result(json!({"list": [], "totalItems": 0})).delayed(Duration::from_secs(10)),
    );
    let client = app
        .client_builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let session = client.login(&admin_login()).await.unwrap();
    let err = session.call(&GetHosts::default()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { method: HOSTS }), "{err:?}");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder(format!("https://127.0.0.1:{port}"))
        .pin_sha256(&"00".repeat(32))
        .unwrap()
        .no_proxy()
        .build()
        .unwrap();
    match client.login(&admin_login()).await.unwrap_err() {
        Error::Transport {
            method, message, ..
        } => {
            assert_eq!(method, LOGIN);
            assert!(message.starts_with("cannot connect"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn login_failures_are_classified_too() {
    let app = Appliance::start().await;
    app.reply(
        LOGIN,
        Reply::html(502, "<html><title>Bad Gateway</title></html>"),
    );
    let err = app.client().login(&admin_login()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Http {
                status: 502,
                method: LOGIN,
                ..
            }
        ),
        "{err:?}"
    );

    app.reply(LOGIN, Reply::result(json!({"token": ""})));
    let err = app.client().login(&admin_login()).await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
}
