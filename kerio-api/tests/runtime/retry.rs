//! Idempotent calls sent again after connection failures, per-call timeouts, and the cap
//! on requests in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::future::join_all;
use kerio_api::{Error, Method};
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::{Admin, GetHosts, admin_login};
use crate::support::{Appliance, Reply, guarded};

const HOSTS: &str = "ActiveHosts.get";

/// `ActiveHosts.get` declared idempotent, as the spec declares it for generated code.
#[derive(Serialize, Default)]
struct ReadHosts {
    query: Value,
}

impl Method for ReadHosts {
    type Api = Admin;
    const NAME: &'static str = HOSTS;
    const IDEMPOTENT: bool = true;
    type Wire = Value;
    type Output = Value;
    fn output(wire: Value) -> Value {
        wire
    }
}

/// Answers the first tries with `failures` in turn, then with a result.
fn failing_first(app: &Appliance, failures: Vec<Reply>) -> Arc<AtomicUsize> {
    let tries = Arc::new(AtomicUsize::new(0));
    let seen = tries.clone();
    app.on(HOSTS, move |_| {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        match failures.get(n) {
            Some(reply) => reply.clone(),
            None => Reply::result(json!({"list": [], "totalItems": 0})),
        }
    });
    tries
}

#[tokio::test]
async fn idempotent_reads_are_sent_again_after_resets_and_502_503() {
    guarded(async {
        let app = Appliance::start().await;
        let tries = failing_first(
            &app,
            vec![
                Reply::Drop,
                Reply::html(503, "<title>Service Unavailable</title>"),
            ],
        );
        let client = app
            .client_builder()
            .retry_backoff(Duration::from_millis(1))
            .build()
            .unwrap();
        let session = client.login(&admin_login()).await.unwrap();
        let page = session.call(&ReadHosts::default()).await.unwrap();
        assert_eq!(page["totalItems"], 0);
        assert_eq!(tries.load(Ordering::SeqCst), 3);

        // Bounded: one retry is not enough for two failures.
        let app = Appliance::start().await;
        let tries = failing_first(&app, vec![Reply::html(502, "<p>x</p>"), Reply::Drop]);
        let client = app
            .client_builder()
            .retries(1)
            .retry_backoff(Duration::from_millis(1))
            .build()
            .unwrap();
        let session = client.login(&admin_login()).await.unwrap();
        let err = session.call(&ReadHosts::default()).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert_eq!(tries.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test]
async fn other_methods_and_other_failures_are_sent_once() {
    guarded(async {
        let app = Appliance::start().await;
        let tries = failing_first(&app, vec![Reply::Drop, Reply::Drop]);
        let client = app
            .client_builder()
            .retry_backoff(Duration::from_millis(1))
            .build()
            .unwrap();
        let session = client.login(&admin_login()).await.unwrap();
        // Not declared idempotent: the appliance may have run it before the reset.
        let err = session.call(&GetHosts::default()).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert_eq!(tries.load(Ordering::SeqCst), 1);
        // A 500 is the appliance's answer, not a passing failure.
        let app = Appliance::start().await;
        let tries = failing_first(&app, vec![Reply::html(500, "<p>x</p>")]);
        let session = app.client().login(&admin_login()).await.unwrap();
        let err = session.call(&ReadHosts::default()).await.unwrap_err();
        assert!(matches!(err, Error::Http { status: 500, .. }), "{err:?}");
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn a_per_call_timeout_bounds_the_whole_call() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(
            HOSTS,
            Reply::result(json!({"list": [], "totalItems": 0})).delayed(Duration::from_secs(5)),
        );
        let session = app.client().login(&admin_login()).await.unwrap();
        let hurried = session.with_timeout(Duration::from_millis(100));
        let err = hurried.call(&ReadHosts::default()).await.unwrap_err();
        assert!(matches!(err, Error::Timeout { method: HOSTS }), "{err:?}");
        // The handle shares the session.
        assert_eq!(hurried.token_fingerprint(), session.token_fingerprint());
    })
    .await;
}

#[tokio::test]
async fn requests_in_flight_are_capped() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(
            HOSTS,
            Reply::result(json!({"list": [], "totalItems": 0})).delayed(Duration::from_secs(1)),
        );
        let client = app.client_builder().max_in_flight(2).build().unwrap();
        let session = client.login(&admin_login()).await.unwrap();
        let calls = join_all((0..4).map(|_| {
            let session = session.clone();
            async move { session.call(&GetHosts::default()).await }
        }));
        let watch = async {
            // Two requests reach the appliance; the others wait for their slot while
            // those two are answered a second later.
            while app.requests_for(HOSTS).len() < 2 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            app.requests_for(HOSTS).len()
        };
        let (results, arrived) = tokio::join!(calls, watch);
        assert_eq!(arrived, 2);
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(app.requests_for(HOSTS).len(), 4);
    })
    .await;
}
