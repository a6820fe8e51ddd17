//! The vendor's form login against the mock: the login page posts `kerio_username` and
//! `kerio_password` to `/admin/internal/dologin.php`; the administration page then sends
//! the token cookie's value as `X-Token` with both cookies.

use serde_json::{Value, json};

use crate::support::{PASSWORD, SESSION_COOKIE, TOKEN_COOKIE, USER};
use crate::{appliance, http};

/// The value of the cookie `name` among the `Set-Cookie` headers of a reply.
fn cookie(reply: &reqwest::Response, name: &str) -> Option<String> {
    reply
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

async fn post_form(app: &crate::support::Appliance, form: &str) -> reqwest::Response {
    http(app)
        .post(format!("{}/admin/internal/dologin.php", app.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .expect("a reply")
}

#[tokio::test]
async fn the_login_form_opens_a_session_the_administration_page_uses() {
    let app = appliance(false).await;
    let form = format!(
        "kerio_username={USER}&kerio_password={}&hash=dashboard",
        PASSWORD
    );
    let reply = post_form(&app, &form).await;
    assert_eq!(reply.status().as_u16(), 302);
    assert_eq!(reply.headers()["location"], "/admin/#dashboard");
    let sid = cookie(&reply, SESSION_COOKIE).expect("session cookie");
    let token = cookie(&reply, TOKEN_COOKIE).expect("token cookie");
    assert_eq!(app.live_sessions(), 1);

    // What index.html does next: the constants, with the token cookie as X-Token.
    let body =
        json!({"jsonrpc": "2.0", "id": 1, "method": "Server.getNamedConstantList", "params": null});
    let reply = http(&app)
        .post(format!("{}/admin/api/jsonrpc/", app.base_url()))
        .header("x-token", &token)
        .header(
            "cookie",
            format!("{SESSION_COOKIE}={sid}; {TOKEN_COOKIE}={token}"),
        )
        .body(body.to_string())
        .send()
        .await
        .expect("a reply");
    let body = reply.bytes().await.expect("a body");
    let value: Value = serde_json::from_slice(&body).expect("JSON");
    assert!(
        value["result"]["constants"]["k_SERVER"].is_object(),
        "{value}"
    );
}

#[tokio::test]
async fn a_wrong_password_goes_back_to_the_login_page_with_the_reason() {
    let app = appliance(false).await;
    let reply = post_form(&app, &format!("kerio_username={USER}&kerio_password=wrong")).await;
    assert_eq!(reply.status().as_u16(), 302);
    assert_eq!(reply.headers()["location"], "/admin/login/?reason=failure");
    assert!(cookie(&reply, SESSION_COOKIE).is_none());
    assert_eq!(app.live_sessions(), 0);
    // Nothing of the password reaches what the mock keeps.
    assert!(
        app.requests()
            .iter()
            .all(|r| !String::from_utf8_lossy(&r.body).contains("wrong"))
    );
}
