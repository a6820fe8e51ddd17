//! Automatic re-login after the appliance says the session expired (-32001).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use kerio_api::{Client, Error};
use serde_json::json;

use crate::api::{GetHosts, admin_login, admin_logout};
use crate::support::{Appliance, LOGIN, PASSWORD, Reply, SESSION_COOKIE, TraceCapture, guarded};

const HOSTS: &str = "ActiveHosts.get";

fn hosts_reply() -> Reply {
    Reply::result(json!({"list": [{"id": "1", "hostname": "pc-1"}], "totalItems": 1}))
}

fn relogging_client(app: &Appliance) -> Client {
    app.client_builder().auto_relogin(true).build().unwrap()
}

#[tokio::test]
async fn an_expired_session_logs_in_again_and_the_call_is_sent_once_more() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(HOSTS, hosts_reply());
        let session = relogging_client(&app).login(&admin_login()).await.unwrap();
        assert!(session.auto_relogin());
        let clone = session.clone();
        let before = session.token_fingerprint();
        session.call(&GetHosts::default()).await.unwrap();

        app.expire_sessions();
        let hosts = session.call(&GetHosts::default()).await.unwrap();
        assert_eq!(hosts.total_items, 1);
        assert_eq!(app.logins(), 2);
        // The clone uses the new login too, without logging in itself.
        clone.call(&GetHosts::default()).await.unwrap();
        assert_eq!(app.logins(), 2);
        assert_ne!(clone.token_fingerprint(), before);
        assert!(format!("{session:?}").contains("logins: 2"), "{session:?}");

        let logins = app.requests_for(LOGIN);
        assert_eq!(
            logins[1].params, logins[0].params,
            "the same login is replayed"
        );
        assert_eq!(logins[1].params["password"], PASSWORD);
        let secrets = app.issued_secrets();
        let (new_token, new_sid) = (&secrets[2], &secrets[3]);
        let calls = app.requests_for(HOSTS);
        assert_eq!(calls.len(), 4, "ok, rejected, retried, clone");
        for retried in &calls[2..] {
            assert_eq!(retried.header("x-token"), Some(new_token.as_str()));
            assert_eq!(retried.cookie(SESSION_COOKIE), Some(new_sid.as_str()));
        }
        assert_ne!(calls[1].id, calls[2].id, "a retry is a new request");
        let ids: std::collections::HashSet<String> =
            app.requests().iter().map(|c| c.id.to_string()).collect();
        assert_eq!(
            ids.len(),
            app.requests().len(),
            "ids stay unique per session"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn expiry_amid_1000_calls_from_64_tasks_means_one_login() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(HOSTS, hosts_reply());
        let session = relogging_client(&app).login(&admin_login()).await.unwrap();
        app.expire_sessions_after(300);
        let remaining = Arc::new(AtomicUsize::new(1000));
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let session = session.clone();
                let remaining = remaining.clone();
                tokio::spawn(async move {
                    let mut done = 0;
                    while remaining
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok()
                    {
                        session.call(&GetHosts::default()).await?;
                        done += 1;
                    }
                    Ok::<usize, Error>(done)
                })
            })
            .collect();
        let mut total = 0;
        for task in tasks {
            total += task.await.unwrap().unwrap();
        }
        assert_eq!(total, 1000);
        assert_eq!(app.logins(), 2, "one login, and exactly one re-login");
        let rejected = app.requests_for(HOSTS).len() - 1000;
        assert!(rejected >= 1, "some calls met the expired session");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_relogin_is_shared_not_repeated() {
    guarded(async {
        const CALLS: usize = 16;
        let app = Appliance::start().await;
        let session = relogging_client(&app).login(&admin_login()).await.unwrap();
        // The next calls are told the session expired...
        let rejected = Arc::new(AtomicUsize::new(0));
        let counter = rejected.clone();
        app.on(HOSTS, move |_| {
            if counter.fetch_add(1, Ordering::SeqCst) < CALLS {
                Reply::error(-32001, "Session expired.", &[])
            } else {
                hosts_reply()
            }
        });
        // ... and the password was changed: a login fails, once every call was rejected
        // (so that they all wait on the first attempt).
        let attempts = Arc::new(AtomicUsize::new(0));
        let (counter, rejected_so_far) = (attempts.clone(), rejected.clone());
        app.on(LOGIN, move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            for _ in 0..10_000 {
                if rejected_so_far.load(Ordering::SeqCst) >= CALLS {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Reply::error(1000, "User name or password is incorrect.", &[])
        });
        let tasks: Vec<_> = (0..CALLS)
            .map(|_| {
                let session = session.clone();
                tokio::spawn(async move { session.call(&GetHosts::default()).await })
            })
            .collect();
        let mut bad_credentials = 0;
        for task in tasks {
            let err = task.await.unwrap().unwrap_err();
            match err.rpc().map(|e| (e.code, e.method)) {
                Some((1000, LOGIN)) => bad_credentials += 1,
                Some((-32001, HOSTS)) => {}
                _ => panic!("{err:?}"),
            }
        }
        let attempts_made = attempts.load(Ordering::SeqCst);
        assert!(bad_credentials >= 1);
        assert_eq!(
            attempts_made, bad_credentials,
            "a failed attempt is reported as such to the caller that made it only"
        );
        assert!(
            attempts_made < CALLS,
            "waiting calls share the failure instead of trying the password again ({attempts_made})"
        );
        // Once the password works again, the next call recovers.
        app.clear(LOGIN);
        app.expire_sessions();
        session.call(&GetHosts::default()).await.unwrap();
        assert_eq!(app.logins(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_request_is_sent_again_once_only() {
    guarded(async {
        let app = Appliance::start().await;
        // This method always claims the session expired.
        app.reply(HOSTS, Reply::error(-32001, "Session expired.", &[]));
        let session = relogging_client(&app).login(&admin_login()).await.unwrap();
        let err = session.call(&GetHosts::default()).await.unwrap_err();
        assert!(err.is_session_expired(), "{err:?}");
        assert_eq!(app.requests_for(HOSTS).len(), 2);
        assert_eq!(app.logins(), 2);
    })
    .await;
}

#[tokio::test]
async fn without_the_option_an_expired_session_stays_expired() {
    guarded(async {
        let app = Appliance::start().await;
        app.reply(HOSTS, hosts_reply());
        let session = app.client().login(&admin_login()).await.unwrap();
        assert!(!session.auto_relogin());
        app.expire_sessions();
        let err = session.call(&GetHosts::default()).await.unwrap_err();
        assert!(err.is_session_expired(), "{err:?}");
        assert_eq!(app.logins(), 1);
    })
    .await;
}

#[tokio::test]
async fn closing_an_expired_session_does_not_log_in() {
    guarded(async {
        let app = Appliance::start().await;
        let session = relogging_client(&app).login(&admin_login()).await.unwrap();
        app.expire_sessions();
        let err = session.close(&admin_logout()).await.unwrap_err();
        assert!(err.is_session_expired(), "{err:?}");
        assert_eq!(app.logins(), 1);
        assert!(matches!(
            session.call(&GetHosts::default()).await,
            Err(Error::SessionClosed { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn relogins_are_traced_without_secrets() {
    let traces = TraceCapture::start();
    guarded(async {
        let app = Appliance::start().await;
        app.reply(HOSTS, hosts_reply());
        let session = relogging_client(&app).login(&admin_login()).await.unwrap();
        app.expire_sessions();
        session.call(&GetHosts::default()).await.unwrap();
        let debug = format!("{session:?} {:?}", session.client());

        let logs = traces.text();
        assert!(
            logs.contains("generation=1"),
            "the re-login is traced: {logs}"
        );
        assert!(logs.contains("outcome=\"session expired\""), "{logs}");
        assert!(logs.contains("outcome=\"ok\""), "{logs}");
        assert!(logs.contains("duration_ms="), "{logs}");
        let mut secrets = app.issued_secrets();
        secrets.push(PASSWORD.to_owned());
        for secret in &secrets {
            assert!(!logs.contains(secret.as_str()), "`{secret}` leaked: {logs}");
            assert!(
                !debug.contains(secret.as_str()),
                "`{secret}` leaked: {debug}"
            );
        }
    })
    .await;
}
