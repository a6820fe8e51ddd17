//! The Statistics API's session: its login sets the user pages' `..._WEBIFACE` cookies
//! (see `support::STATS_SESSION_COOKIE` for the evidence), which every later call sends
//! back beside `X-Token`.

use serde_json::json;

use crate::api::{Login, Logout, Stats, StatsPing};
use crate::support::{
    Appliance, LOGIN, Reply, SESSION_COOKIE, STATS_SESSION_COOKIE, STATS_TOKEN_COOKIE, guarded,
};

#[tokio::test]
async fn the_statistics_login_keeps_the_webiface_cookies_for_later_calls() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply("Histogram.get", Reply::result(json!({})));
        let client = app
            .client_builder()
            .api_path("stats", "/lib/api/jsonrpc/")
            .build()
            .unwrap();
        let stats = client.login(&Login::<Stats>::valid()).await.unwrap();
        for _ in 0..3 {
            stats.call(&StatsPing::default()).await.unwrap();
        }

        let login = &app.requests_for(LOGIN)[0];
        assert_eq!(login.path, "/lib/api/jsonrpc/");
        let issued = app.issued_secrets();
        let (token, sid) = (&issued[0], &issued[1]);
        let calls = app.requests_for("Histogram.get");
        assert_eq!(calls.len(), 3);
        for call in &calls {
            assert_eq!(call.cookie(STATS_SESSION_COOKIE), Some(sid.as_str()));
            assert_eq!(call.cookie(STATS_TOKEN_COOKIE), Some(token.as_str()));
            assert_eq!(call.header("x-token"), Some(token.as_str()));
            assert_eq!(
                call.cookie(SESSION_COOKIE),
                None,
                "no administration cookie"
            );
        }
        let debug = format!("{stats:?}");
        assert!(debug.contains(STATS_SESSION_COOKIE), "{debug}");
        assert!(
            !debug.contains(sid.as_str()) && !debug.contains(token.as_str()),
            "{debug}"
        );

        stats.close(&Logout::<Stats>::default()).await.unwrap();
        assert_eq!(
            app.live_sessions(),
            0,
            "the logout sent the WEBIFACE session cookie"
        );
    })
    .await;
}
