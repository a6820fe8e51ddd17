//! Login, cookies, tokens, request ids, logout, connection reuse, API paths.

use std::collections::HashSet;

use kerio_api::{Error, Session};
use serde_json::json;

use crate::api::{
    Admin, GetConfigTimestamp, GetHosts, GetHostsResult, Host, Login, Logout, Stats, StatsPing,
};
use crate::api::{admin_login, admin_logout};
use crate::support::{Appliance, LOGIN, Reply, SESSION_COOKIE, TOKEN_COOKIE};

fn hosts_reply() -> Reply {
    Reply::result(json!({
        "list": [
            {"id": "1", "hostname": "pc-1", "ip": "10.0.0.1", "firmwareAddsThis": true},
            {"id": "2", "hostname": "pc-2"}
        ],
        "totalItems": 2
    }))
}

#[tokio::test]
async fn login_cookies_and_token_go_with_every_call() {
    let app = Appliance::start().await;
    app.reply("ActiveHosts.get", hosts_reply());
    let session = app.client().login(&admin_login()).await.unwrap();

    let hosts = session.call(&GetHosts::default()).await.unwrap();
    assert_eq!(
        hosts,
        GetHostsResult {
            list: vec![
                Host {
                    id: "1".into(),
                    hostname: "pc-1".into(),
                    ip: Some("10.0.0.1".into())
                },
                Host {
                    id: "2".into(),
                    hostname: "pc-2".into(),
                    ip: None
                },
            ],
            total_items: 2,
        }
    );
    session.call(&GetHosts::default()).await.unwrap();

    let login = &app.requests_for(LOGIN)[0];
    assert_eq!(login.path, "/admin/api/jsonrpc/");
    assert_eq!(login.params["userName"], "admin");
    assert_eq!(login.header("x-token"), None);
    assert_eq!(login.header("cookie"), None);

    let secrets = app.issued_secrets();
    let (token, sid) = (&secrets[0], &secrets[1]);
    let calls = app.requests_for("ActiveHosts.get");
    assert_eq!(calls.len(), 2);
    for call in &calls {
        assert_eq!(call.header("x-token"), Some(token.as_str()));
        assert_eq!(call.cookie(SESSION_COOKIE), Some(sid.as_str()));
        assert_eq!(call.cookie(TOKEN_COOKIE), Some(token.as_str()));
        assert_eq!(call.header("accept"), Some("application/json-rpc"));
        assert_eq!(
            call.header("content-type"),
            Some("application/json-rpc; charset=UTF-8")
        );
        assert!(call.header("user-agent").unwrap().starts_with("kerio-rs/"));
        let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
        assert_eq!(body["jsonrpc"], "2.0");
        assert_eq!(body["method"], "ActiveHosts.get");
        assert_eq!(body["params"], json!({"query": null}));
    }
    assert_ne!(calls[0].id, calls[1].id);
}

#[tokio::test]
async fn single_output_is_unwrapped() {
    let app = Appliance::start().await;
    app.reply(
        "Session.getConfigTimestamp",
        Reply::result(json!({"clientTimestampList": [{"name": "config", "timestamp": 12}]})),
    );
    let session = app.client().login(&admin_login()).await.unwrap();
    let list = session.call(&GetConfigTimestamp::default()).await.unwrap();
    assert_eq!(list, vec![json!({"name": "config", "timestamp": 12})]);
}

#[tokio::test]
async fn wrong_password_is_an_rpc_error() {
    let app = Appliance::start().await;
    let err = app
        .client()
        .login(&Login::<Admin>::new("admin", "wrong-password"))
        .await
        .unwrap_err();
    assert_eq!(err.rpc().map(|e| e.code), Some(1000), "{err:?}");
    assert!(!err.to_string().contains("wrong-password"));
}

#[tokio::test]
async fn expired_session_is_recognised() {
    let app = Appliance::start().await;
    app.reply("ActiveHosts.get", hosts_reply());
    let session = app.client().login(&admin_login()).await.unwrap();
    session.call(&GetHosts::default()).await.unwrap();
    app.expire_sessions();
    let err = session.call(&GetHosts::default()).await.unwrap_err();
    assert!(err.is_session_expired(), "{err:?}");
    let rpc = err.rpc().unwrap();
    assert_eq!(
        (rpc.code, rpc.message.as_str(), rpc.method),
        (-32001, "Session expired.", "ActiveHosts.get")
    );
}

#[tokio::test]
async fn a_call_without_the_session_cookie_is_rejected() {
    let app = Appliance::start().await;
    // A login that returns a token but sets no cookie: the calls carry the token only.
    app.reply(LOGIN, Reply::result(json!({"token": "ab".repeat(32)})));
    app.reply("ActiveHosts.get", hosts_reply());
    let session = app.client().login(&admin_login()).await.unwrap();
    let err = session.call(&GetHosts::default()).await.unwrap_err();
    assert!(err.is_session_expired(), "{err:?}");
    let call = &app.requests_for("ActiveHosts.get")[0];
    assert_eq!(call.header("cookie"), None);
    assert_eq!(call.header("x-token").map(str::len), Some(64));
}

#[tokio::test]
async fn a_call_with_the_wrong_token_is_rejected() {
    let app = Appliance::start().await;
    app.reply("ActiveHosts.get", hosts_reply());
    app.client().login(&admin_login()).await.unwrap();
    let sid = app.issued_secrets()[1].clone();
    // A login that sets a valid session cookie but returns another token.
    let cookie = format!("{SESSION_COOKIE}={sid}; path=/admin/; secure; HttpOnly");
    app.reply(
        LOGIN,
        Reply::result(json!({"token": "cd".repeat(32)})).with_cookies(&[&cookie]),
    );
    let session = app.client().login(&admin_login()).await.unwrap();
    let err = session.call(&GetHosts::default()).await.unwrap_err();
    assert!(err.is_session_expired(), "{err:?}");
    assert_eq!(
        app.requests_for("ActiveHosts.get")[0].cookie(SESSION_COOKIE),
        Some(sid.as_str())
    );
}

#[tokio::test]
async fn cookies_set_by_later_replies_are_sent_afterwards() {
    let app = Appliance::start().await;
    let session = app.client().login(&admin_login()).await.unwrap();
    app.replies(
        "ActiveHosts.get",
        vec![
            hosts_reply().with_cookies(&["EXTRA=42; path=/"]),
            hosts_reply(),
        ],
    );
    session.call(&GetHosts::default()).await.unwrap();
    session.call(&GetHosts::default()).await.unwrap();
    let calls = app.requests_for("ActiveHosts.get");
    assert_eq!(calls[0].cookie("EXTRA"), None);
    assert_eq!(calls[1].cookie("EXTRA"), Some("42"));
    assert!(calls[1].cookie(SESSION_COOKIE).is_some());
}

#[tokio::test]
async fn close_logs_out_and_later_calls_fail_fast() {
    let app = Appliance::start().await;
    let session = app.client().login(&admin_login()).await.unwrap();
    assert_eq!(app.live_sessions(), 1);
    let clone = session.clone();
    session.close(&admin_logout()).await.unwrap();
    assert_eq!(app.live_sessions(), 0);
    assert!(clone.is_closed());
    let before = app.requests().len();
    assert!(matches!(
        clone.call(&GetHosts::default()).await,
        Err(Error::SessionClosed {
            method: "ActiveHosts.get"
        })
    ));
    assert!(matches!(
        session.close(&admin_logout()).await,
        Err(Error::SessionClosed { .. })
    ));
    assert_eq!(
        app.requests().len(),
        before,
        "a closed session sends nothing"
    );
}

#[tokio::test]
async fn a_second_logout_is_an_error() {
    let app = Appliance::start().await;
    let session = app.client().login(&admin_login()).await.unwrap();
    session.call(&admin_logout()).await.unwrap();
    let err = session.call(&admin_logout()).await.unwrap_err();
    assert!(err.is_session_expired(), "{err:?}");
}

#[tokio::test]
async fn sessions_are_independent_and_share_one_connection_pool() {
    let app = Appliance::start().await;
    app.reply("ActiveHosts.get", hosts_reply());
    let client = app.client();
    let first = client.login(&admin_login()).await.unwrap();
    let second = client.login(&admin_login()).await.unwrap();
    assert_ne!(first.token_fingerprint(), second.token_fingerprint());
    for _ in 0..3 {
        first.call(&GetHosts::default()).await.unwrap();
        second.call(&GetHosts::default()).await.unwrap();
    }
    let tokens: HashSet<_> = app
        .requests_for("ActiveHosts.get")
        .iter()
        .map(|c| c.header("x-token").unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(
        app.connections(),
        1,
        "sequential calls reuse one keep-alive connection"
    );
}

#[tokio::test]
async fn without_connection_reuse_every_request_opens_a_connection() {
    // The server of the delayed-ACK stall: Nagle's algorithm on, headers and body
    // written apart. Replies must arrive whole on fresh connections too.
    let app = Appliance::builder()
        .tcp_nodelay(false)
        .split_replies()
        .start()
        .await;
    app.reply("ActiveHosts.get", hosts_reply());
    let client = app
        .client_builder()
        .reuse_connections(false)
        .build()
        .unwrap();
    let session = client.login(&admin_login()).await.unwrap();
    for _ in 0..3 {
        let hosts = session.call(&GetHosts::default()).await.unwrap();
        assert_eq!(hosts.list.len(), 2);
    }
    assert_eq!(
        app.connections(),
        4,
        "the login and each of the 3 calls on a connection of its own"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_get_unique_ids() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
    let app = Appliance::start().await;
    app.reply("ActiveHosts.get", hosts_reply());
    let client = app.client();
    // Login and call futures must be spawnable.
    let session: Session<Admin> = tokio::spawn(async move { client.login(&admin_login()).await })
        .await
        .unwrap()
        .unwrap();
    assert_send_sync(&session);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let session = session.clone();
            tokio::spawn(async move { session.call(&GetHosts::default()).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let ids: HashSet<String> = app.requests().iter().map(|c| c.id.to_string()).collect();
    assert_eq!(
        ids.len(),
        21,
        "20 calls and the login, all with distinct ids"
    );
}

#[tokio::test]
async fn api_paths_default_and_override() {
    let app = Appliance::start().await;
    let stats = app.client().login(&Login::<Stats>::valid()).await.unwrap();
    stats.call(&StatsPing::default()).await.unwrap_err(); // the appliance does not know the method
    assert!(
        app.requests()
            .iter()
            .all(|c| c.path == "/client/api/jsonrpc/")
    );

    let app = Appliance::start().await;
    app.reply("Histogram.get", Reply::result(json!({})));
    let client = app
        .client_builder()
        .api_path("stats", "/lib/api/jsonrpc/")
        .build()
        .unwrap();
    let stats = client.login(&Login::<Stats>::valid()).await.unwrap();
    stats.call(&StatsPing::default()).await.unwrap();
    assert!(app.requests().iter().all(|c| c.path == "/lib/api/jsonrpc/"));
    assert_eq!(
        client.endpoint::<Admin>(),
        format!("{}/admin/api/jsonrpc/", app.base_url())
    );
    stats.close(&Logout::<Stats>::default()).await.unwrap();
}
