//! Regen over a path that several products serve (`/admin/api/jsonrpc/` is Kerio
//! Control's, Connect's and Operator's): calls go to the API whose methods they use, else
//! to the one whose default port the origin has, else to the API named with `--api`; the
//! rest are refused with a message. The captures are synthesized.

mod support;

use serde_json::{Value, json};
use support::*;

/// A second API at the fixture's path, as Kerio Connect's administration is (port 4040).
fn add_mail_api(fx: &Fixture) {
    fx.write(
        "specs/mail-admin/api.json",
        r#"{"api": {"name": "mail-admin", "module": "mail::admin", "feature": "mail-admin",
            "product": "mail", "path": "/admin/api/jsonrpc/", "port": 4040}}"#,
    );
    fx.write(
        "specs/mail-admin/interfaces/Session.json",
        r#"{"interfaces": {"Session": {"doc": "Sessions.", "methods": {
            "login": {"role": "login", "doc": "Logs in.",
              "params": [{"name": "userName", "type": "string", "doc": "Who."},
                         {"name": "password", "type": "string", "doc": "Secret."}],
              "result": [{"name": "token", "type": "string", "doc": "Token."}]}}}}}"#,
    );
    fx.write(
        "specs/mail-admin/interfaces/Queue.json",
        r#"{"interfaces": {"Queue": {"doc": "The mail queue.", "methods": {
            "get": {"doc": "Lists queued messages.", "params": [],
              "result": [{"name": "totalItems", "type": "int64", "doc": "How many."}]}}}}}"#,
    );
}

/// A call to the administration path of `origin`.
fn at(origin: &str, method: &str, params: Value, result: Value) -> Value {
    let mut entry = admin(method, params, result, Style::Chrome);
    let url = entry["request"]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    entry["request"]["url"] = json!(url.replace("https://fw01.example.com:4081", origin));
    entry
}

fn login(origin: &str) -> Value {
    at(
        origin,
        "Session.login",
        json!({"userName": "admin", "password": CANARIES[3]}),
        json!({"token": CANARIES[4]}),
    )
}

fn mixed_capture() -> String {
    har(vec![
        // A Control session: its methods are Control's alone.
        login("https://fw.example.com:4081"),
        at(
            "https://fw.example.com:4081",
            "ActiveHosts.get",
            json!({"query": {"start": 0, "limit": 5}, "refresh": false}),
            json!({"list": [host(1)], "totalItems": 1}),
        ),
        // A Connect session on its default port: the queue gains a key.
        login("https://mail.example.com:4040"),
        at(
            "https://mail.example.com:4040",
            "Queue.get",
            json!({}),
            json!({"totalItems": 2, "oldestSeconds": 3600}),
        ),
        // Behind a proxy on another port, with only a login: nothing tells.
        login("https://gw.example.com:8443"),
    ])
}

fn queue_results(fx: &Fixture) -> String {
    fx.spec("mail-admin/interfaces/Queue.json")["interfaces"]["Queue"]["methods"]["get"]["result"]
        .to_string()
}

#[test]
fn a_mixed_capture_splits_by_product_and_refuses_what_cannot_be_told_apart() {
    let fx = Fixture::new();
    add_mail_api(&fx);
    let cap = fx.write("mixed.har", &mixed_capture());
    let control_before = fx.spec("control-admin/interfaces/ActiveHosts.json");
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // The Connect call widened the Connect spec, and nothing of it reached Control's.
    assert!(
        queue_results(&fx).contains("oldestSeconds"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fx.spec("control-admin/interfaces/ActiveHosts.json"),
        control_before
    );
    assert!(
        !fx.snapshot()
            .iter()
            .any(|(rel, text)| rel.starts_with("control-admin") && text.contains("Queue")),
        "a Connect method in the Control specs"
    );
    // The proxied login is refused, with the way out.
    assert!(
        run.stderr
            .contains("refused: 1 call to https://gw.example.com:8443/admin/api/jsonrpc/ refused"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--api admin|mail-admin"),
        "{}",
        run.stderr
    );
    for canary in CANARIES {
        assert!(!run.stdout.contains(canary) && !run.stderr.contains(canary));
    }
}

#[test]
fn named_api_takes_the_calls_nothing_else_decides() {
    let fx = Fixture::new();
    add_mail_api(&fx);
    let cap = fx.write(
        "proxied.har",
        &har(vec![
            login("https://gw.example.com:8443"),
            at(
                "https://gw.example.com:8443",
                "Session.getVersion",
                json!({}),
                json!({"version": "10.0.5"}),
            ),
        ]),
    );
    let run = regen(&fx, &["--api", "mail-admin"], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("refused"), "{}", run.stderr);
    let session = fx.spec("mail-admin/interfaces/Session.json").to_string();
    assert!(session.contains("getVersion"), "{session}");
    let control = fx.spec("control-admin/interfaces/Session.json").to_string();
    assert!(!control.contains("getVersion"), "{control}");

    let unknown = regen(&fx, &["--api", "nosuch", "--check"], &[&cap]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains(
            "--api nosuch: no API of that name in the spec set (expected one of: admin, mail-admin)"
        ),
        "{}",
        unknown.stderr
    );
}

#[test]
fn methods_only_one_api_knows_outweigh_the_port() {
    let fx = Fixture::new();
    add_mail_api(&fx);
    // Connect behind a proxy on Control's default port.
    let cap = fx.write(
        "proxy.har",
        &har(vec![at(
            "https://edge.example.com:4081",
            "Queue.get",
            json!({}),
            json!({"totalItems": 1, "frozen": true}),
        )]),
    );
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(queue_results(&fx).contains("frozen"));
}

#[test]
fn a_change_that_splits_a_shared_type_is_breaking() {
    let fx = Fixture::new();
    add_mail_api(&fx);
    // The mail API declares the fixture's `ApiApplication` alike: one shared type.
    fx.write(
        "specs/mail-admin/types/common.json",
        r#"{"types": {"ApiApplication": {"kind": "struct", "doc": "The client.", "fields": [
            {"name": "name", "type": "string", "doc": "Name."},
            {"name": "vendor", "type": "string", "doc": "Vendor."},
            {"name": "version", "type": "string", "doc": "Version."}]}}}"#,
    );
    // A Control login whose application carries one more field widens Control's copy.
    let cap = fx.write(
        "widen.har",
        &har(vec![
            at(
                "https://fw.example.com:4081",
                "Session.login",
                json!({"userName": "admin", "password": CANARIES[3],
                       "application": {"name": "a", "vendor": "b", "version": "1", "build": "7"}}),
                json!({"token": CANARIES[4]}),
            ),
            at(
                "https://fw.example.com:4081",
                "ActiveHosts.get",
                json!({"query": {}, "refresh": false}),
                json!({"list": [], "totalItems": 0}),
            ),
        ]),
    );
    let run = regen(&fx, &["--check"], &[&cap]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("type ApiApplication is no longer shared with mail-admin"),
        "{}",
        run.stdout
    );
}
