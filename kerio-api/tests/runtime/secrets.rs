//! Passwords, tokens and cookie values never show in `Debug`, `Display` or logs.

use kerio_api::Error;
use serde_json::json;

use crate::api::{Admin, GetHosts, Login, admin_login};
use crate::support::{Appliance, LOGIN, PASSWORD, Reply, TraceCapture};

/// Fails when any secret shows up in `text`.
fn assert_clean(text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "secret `{secret}` leaked into: {text}"
        );
    }
}

fn all_secrets(app: &Appliance) -> Vec<String> {
    let mut secrets = app.issued_secrets();
    secrets.push(PASSWORD.to_owned());
    secrets
}

fn describe(err: &Error) -> String {
    format!("{err} / {err:?}")
}

#[tokio::test]
async fn debug_of_client_session_and_errors_shows_no_secret() {
    let app = Appliance::start().await;
    app.reply(
        "ActiveHosts.get",
        Reply::result(json!({"list": [{"id": 1}], "totalItems": 1})),
    );
    let client = app.client();
    let login = admin_login();
    let session = client.login(&login).await.unwrap();
    let decode = session.call(&GetHosts::default()).await.unwrap_err();
    app.expire_sessions();
    app.clear("ActiveHosts.get");
    let expired = session.call(&GetHosts::default()).await.unwrap_err();
    let wrong = client
        .login(&Login::<Admin>::new("admin", "not-the-password"))
        .await
        .unwrap_err();

    let session_debug = format!("{session:?}");
    assert!(
        session_debug.contains("SESSION_CONTROL_WEBADMIN"),
        "cookie names are shown: {session_debug}"
    );
    assert!(session_debug.contains("<redacted>"), "{session_debug}");
    let text = [
        format!("{client:?}"),
        session_debug,
        format!("{login:?}", login = login.password),
        describe(&decode),
        describe(&expired),
        describe(&wrong),
        session.token_fingerprint(),
    ]
    .join("\n");
    let mut secrets = all_secrets(&app);
    secrets.push("not-the-password".into());
    assert_clean(&text, &secrets);
}

#[tokio::test]
async fn error_pages_that_echo_secrets_are_redacted() {
    let app = Appliance::start().await;
    app.on("ActiveHosts.get", |call| {
        let echo = format!(
            "<html><body>token {} cookie {}</body></html>",
            call.header("x-token").unwrap_or(""),
            call.header("cookie").unwrap_or("")
        );
        Reply::raw(500, "text/html", echo)
    });
    let session = app.client().login(&admin_login()).await.unwrap();
    let err = session.call(&GetHosts::default()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Http { excerpt, .. } if excerpt.contains("token <redacted>")),
        "{err:?}"
    );
    assert_clean(&describe(&err), &all_secrets(&app));

    // A login page that echoes the request (and so the password).
    app.on(LOGIN, |call| {
        Reply::raw(
            400,
            "text/plain",
            format!("bad request: {}", String::from_utf8_lossy(&call.body)),
        )
    });
    let err = app.client().login(&admin_login()).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 400, .. }), "{err:?}");
    assert_clean(&describe(&err), &all_secrets(&app));
}

#[tokio::test]
async fn login_decode_errors_do_not_quote_values() {
    let app = Appliance::start().await;
    app.reply(LOGIN, Reply::result(json!({"token": 98765432109876_i64})));
    let err = app.client().login(&admin_login()).await.unwrap_err();
    match &err {
        Error::Decode { path, .. } => assert_eq!(path, "result.token"),
        other => panic!("{other:?}"),
    }
    assert_clean(&describe(&err), &["98765432109876".to_owned()]);
}

#[tokio::test]
async fn traces_name_methods_but_hold_no_secret() {
    let traces = TraceCapture::start();

    let app = Appliance::start().await;
    app.reply(
        "ActiveHosts.get",
        Reply::result(json!({"list": [], "totalItems": 0})),
    );
    let session = app.client().login(&admin_login()).await.unwrap();
    session.call(&GetHosts::default()).await.unwrap();
    app.expire_sessions();
    session.call(&GetHosts::default()).await.unwrap_err();
    app.client()
        .login(&Login::<Admin>::new("admin", "wrong-password-xyz"))
        .await
        .unwrap_err();

    let logs = traces.text();
    assert!(logs.contains("kerio.login"), "{logs}");
    assert!(logs.contains("kerio.call"), "{logs}");
    assert!(
        logs.contains("method=\"ActiveHosts.get\"") || logs.contains("method=ActiveHosts.get"),
        "{logs}"
    );
    let mut secrets = all_secrets(&app);
    secrets.push("wrong-password-xyz".into());
    assert_clean(&logs, &secrets);
}
