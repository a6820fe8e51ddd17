//! `examples/active_hosts.rs` against the loopback appliance: the table, and one clear
//! line with its own exit code for each way of failing.

use std::collections::HashMap;

use serde_json::json;

use crate::support::{Appliance, PASSWORD, Reply, USER, guarded};

#[allow(dead_code)] // `main` is the example's; the tests call `run`
#[path = "../../examples/active_hosts.rs"]
mod program;

fn settings(appliance: &Appliance, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = [
        ("KERIO_URL", appliance.base_url()),
        ("KERIO_USER", USER),
        ("KERIO_PASSWORD", PASSWORD),
        ("KERIO_CERT_SHA256", appliance.cert().sha256.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in extra {
        if v.is_empty() {
            env.remove(*k);
        } else {
            env.insert((*k).to_owned(), (*v).to_owned());
        }
    }
    env
}

async fn run(env: HashMap<String, String>) -> Result<String, program::Failure> {
    program::run(&move |name| env.get(name).cloned()).await
}

fn host(i: usize) -> serde_json::Value {
    json!({
        "id": i.to_string(), "type": "ActiveHostHost", "ip": format!("192.168.1.{i}"),
        "hostname": format!("ws-{i:03}.corp.example"),
        "user": {"id": format!("U-{i}"), "name": format!("user{i}"), "isGroup": false},
        "currentDownload": 1500.25 * i as f64
    })
}

#[tokio::test]
async fn prints_every_host_as_a_table_across_pages_and_an_expiry() {
    guarded(async {
        let appliance = Appliance::start().await;
        appliance.on("ActiveHosts.get", |call| {
            let start = call.params["query"]["start"].as_u64().unwrap_or(0) as usize;
            let limit = call.params["query"]["limit"].as_u64().unwrap_or(0) as usize;
            let list: Vec<_> = (start..(start + limit).min(7)).map(host).collect();
            Reply::result(json!({"list": list, "totalItems": 7}))
        });
        // The session expires after the first page: the example logs in again by itself.
        appliance.expire_sessions_after(2);
        let table = run(settings(&appliance, &[("KERIO_PAGE_SIZE", "3")]))
            .await
            .unwrap_or_else(|f| panic!("{}", f.line));
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("HOSTNAME"), "{table}");
        assert!(lines[0].ends_with("CURRENT DOWNLOAD"), "{table}");
        assert!(
            lines[1].contains("ws-000.corp.example") && lines[1].contains("192.168.1.0"),
            "{table}"
        );
        assert!(
            lines[7].contains("user6") && lines[7].ends_with("9001.5"),
            "{table}"
        );
        assert_eq!(lines[8], "7 active hosts");
        assert!(appliance.logins() >= 2, "expected a second login");
        assert_eq!(appliance.requests_for("Session.logout").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_pin_says_so() {
    guarded(async {
        let appliance = Appliance::start().await;
        let wrong = "00".repeat(32);
        let failure = run(settings(&appliance, &[("KERIO_CERT_SHA256", &wrong)]))
            .await
            .expect_err("a failure");
        assert_eq!(failure.code, 3);
        assert!(
            failure.line.starts_with("certificate pin mismatch"),
            "{}",
            failure.line
        );
        assert!(!failure.line.contains('\n'));
    })
    .await;
}

#[tokio::test]
async fn an_unpinned_self_signed_certificate_says_so() {
    guarded(async {
        let appliance = Appliance::start().await;
        let failure = run(settings(&appliance, &[("KERIO_CERT_SHA256", "")]))
            .await
            .expect_err("a failure");
        assert_eq!(failure.code, 3);
        assert!(
            failure.line.starts_with("certificate not trusted"),
            "{}",
            failure.line
        );
        assert!(!failure.line.contains('\n'));
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_says_login_failed() {
    guarded(async {
        let appliance = Appliance::start().await;
        let failure = run(settings(
            &appliance,
            &[("KERIO_PASSWORD", "wrong-password-canary")],
        ))
        .await
        .expect_err("a failure");
        assert_eq!(failure.code, 4);
        assert!(failure.line.starts_with("login failed"), "{}", failure.line);
        assert!(!failure.line.contains("wrong-password-canary"));
        assert!(!failure.line.contains('\n'));
    })
    .await;
}

#[tokio::test]
async fn missing_settings_are_named() {
    guarded(async {
        let appliance = Appliance::start().await;
        let failure = run(settings(&appliance, &[("KERIO_USER", "")]))
            .await
            .expect_err("a failure");
        assert_eq!(
            (failure.code, failure.line.as_str()),
            (2, "KERIO_USER is not set")
        );
        let failure = run(settings(&appliance, &[("KERIO_PAGE_SIZE", "lots")]))
            .await
            .expect_err("a failure");
        assert_eq!(failure.code, 2);
        assert!(failure.line.contains("KERIO_PAGE_SIZE"), "{}", failure.line);
    })
    .await;
}
