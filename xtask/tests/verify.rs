//! `xtask-verify` (what `cargo xtask verify` runs) end to end: captures written by the
//! tests (and the shipped samples) decoded through the generated kerio-api types.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::*;

fn verify(args: &[&Path]) -> Run {
    run(env!("CARGO_BIN_EXE_xtask-verify"), args)
}

fn shipped_captures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/captures")
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write");
    p
}

fn login() -> Value {
    admin(
        "Session.login",
        json!({"userName": "admin", "password": CANARIES[3],
               "application": {"name": "t", "vendor": "v", "version": "1"}}),
        json!({"token": CANARIES[4]}),
        Style::Chrome,
    )
}

fn hosts(result: Value) -> Value {
    admin(
        "ActiveHosts.get",
        json!({"query": {"start": 0, "limit": -1}, "refresh": false}),
        result,
        Style::FirefoxBase64,
    )
}

/// The lines of stdout with the given status, e.g. `error`.
fn lines<'a>(run: &'a Run, status: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(status))
        .collect()
}

fn summary(run: &Run) -> &str {
    run.stdout
        .lines()
        .rfind(|l| l.starts_with("summary: "))
        .unwrap_or_else(|| panic!("no summary in\n{}", run.stdout))
}

#[test]
fn shipped_captures_verify_cleanly() {
    let run = verify(&[&shipped_captures()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(lines(&run, "warning").is_empty(), "{}", run.stdout);
    assert!(lines(&run, "error").is_empty(), "{}", run.stdout);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let ok = lines(&run, "ok");
    assert!(ok.len() >= 50, "{}", run.stdout);
    assert!(
        ok.iter()
            .any(|l| l.contains("stats-") && l.contains("MyAccount.get")),
        "the Statistics API is checked too:\n{}",
        run.stdout
    );
    assert!(
        ok.iter()
            .any(|l| l.contains("#23[1] ActiveHosts.getActivityList (error reply 1002")),
        "batch commands and error replies are named:\n{}",
        run.stdout
    );
    assert!(
        summary(&run).contains(" 0 with warnings, 0 with errors"),
        "{}",
        run.stdout
    );
    // Without arguments, the same sample captures. `cargo xtask verify` forwards to the
    // binary cargo has built for this test rather than building one.
    let default: Run = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["verify", "--quiet"])
        .env("KERIO_XTASK_VERIFY_BIN", env!("CARGO_BIN_EXE_xtask-verify"))
        .output()
        .expect("xtask runs")
        .into();
    assert_eq!(default.code, 0, "{}{}", default.stdout, default.stderr);
    // The summary, then the passes per kind of capture.
    assert_eq!(default.stdout.lines().count(), 2, "{}", default.stdout);
    assert!(
        default.stdout.contains("public 10 of 10 passed"),
        "{}",
        default.stdout
    );
    assert_eq!(summary(&default), summary(&run));
}

#[test]
fn a_type_mismatch_is_an_error_naming_path_and_expected_type() {
    let dir = temp();
    let mut odd = host(2);
    odd["connections"] = json!("many");
    let cap = write(
        &dir,
        "mismatch.har",
        &har(vec![
            page("https://fw/admin/"),
            login(),
            hosts(json!({"list": [host(1), odd], "totalItems": 2})),
        ]),
    );
    let run = verify(&[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let errors = lines(&run, "error");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    let line = errors[0];
    assert!(
        line.starts_with("error   mismatch.har#2 ActiveHosts.get: result.list[1].connections: "),
        "{line}"
    );
    assert!(
        line.contains(r#"invalid type: string "many", expected"#),
        "{line}"
    );
    assert!(line.contains("i64") || line.contains("i32"), "{line}");
    assert_eq!(lines(&run, "ok"), ["ok      mismatch.har#1 Session.login"]);
    assert!(
        summary(&run).contains("2 exchanges in 1 capture: 1 ok, 0 with warnings, 1 with errors"),
        "{}",
        run.stdout
    );
    // A mismatching param is named the same way, with the spec type of the param.
    let cap = write(
        &dir,
        "params.har",
        &har(vec![admin(
            "ActiveHosts.get",
            json!({"query": {"limit": "ten"}, "refresh": false}),
            json!({"list": [], "totalItems": 0}),
            Style::Chrome,
        )]),
    );
    let run = verify(&[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let line = lines(&run, "error").concat();
    assert!(
        line.contains("params.har#0 ActiveHosts.get: params.query.limit: invalid type")
            && line.contains("SearchQuery"),
        "{line}"
    );
}

#[test]
fn unknown_fields_and_params_are_warnings() {
    let dir = temp();
    let mut newer = host(1);
    newer["newField"] = json!({"deep": [1, 2]});
    let mut call = hosts(json!({"list": [newer], "totalItems": 1, "cursor": "c"}));
    let text = json!({"jsonrpc": "2.0", "id": 1, "method": "ActiveHosts.get",
        "params": {"query": {}, "refresh": false, "extra": 1}})
    .to_string();
    call["request"]["postData"]["text"] = json!(text);
    let cap = write(&dir, "newer.har", &har(vec![call]));
    let run = verify(&[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        lines(&run, "warning"),
        [
            "warning newer.har#0 ActiveHosts.get: params.extra: unknown parameter",
            "warning newer.har#0 ActiveHosts.get: result.cursor: unknown field, ignored",
            "warning newer.har#0 ActiveHosts.get: result.list[0].newField: unknown field, ignored",
        ],
        "{}",
        run.stdout
    );
    assert!(lines(&run, "ok").is_empty());
    assert!(
        summary(&run).contains("1 exchange in 1 capture: 0 ok, 1 with warnings, 0 with errors"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bad_batch_command_is_pointed_at() {
    let dir = temp();
    let batch = call(
        "/admin/api/jsonrpc/",
        &json!({"jsonrpc": "2.0", "id": 1, "method": "Batch.run", "params": {
            "commandList": [
                {"method": "ProductInfo.getUptime"},
                {"method": "ActiveHosts.get", "params": {"query": {}, "refresh": false}},
                {"method": "Session.getConfigTimestamp", "params": {}}
            ],
            "ignoreErrors": true}}),
        Some(&json!({"jsonrpc": "2.0", "id": 1, "result": [
            {"result": {"uptime": 10}},
            {"result": {"list": [], "totalItems": "lots"}},
            {"error": {"code": -32001, "message": "Session expired."}}
        ]})),
        Style::Chrome,
    );
    let cap = write(&dir, "batch.har", &har(vec![login(), batch]));
    let run = verify(&[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let errors = lines(&run, "error");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert!(
        errors[0].starts_with("error   batch.har#1[1] ActiveHosts.get: result.totalItems: "),
        "{}",
        errors[0]
    );
    let ok = lines(&run, "ok");
    assert!(
        ok.contains(&"ok      batch.har#1[0] ProductInfo.getUptime"),
        "{ok:?}"
    );
    assert!(
        ok.contains(
            &"ok      batch.har#1[2] Session.getConfigTimestamp (error reply -32001, params only)"
        ),
        "{ok:?}"
    );
    // A batch reply that is not one item per command is an error of the batch itself.
    let mut short = call(
        "/admin/api/jsonrpc/",
        &json!({"method": "Batch.run", "params": {"commandList": [
            {"method": "ProductInfo.getUptime"}, {"method": "ProductInfo.getUptime"}]}}),
        Some(&json!({"result": [{"result": {"uptime": 1}}]})),
        Style::Chrome,
    );
    short["response"]["status"] = json!(200);
    let cap = write(&dir, "short.har", &har(vec![short]));
    let run = verify(&[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        lines(&run, "error"),
        [
            "error   short.har#0 Batch.run: result: 1 replies for 2 commands, expected one reply per command"
        ]
    );
    assert!(
        lines(&run, "ok")
            .contains(&"ok      short.har#0[1] ProductInfo.getUptime (no reply, params only)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_method_the_spec_lacks_is_an_error() {
    let dir = temp();
    let cap = write(
        &dir,
        "unknown.har",
        &har(vec![admin(
            "Nope.nothing",
            json!({}),
            json!({}),
            Style::Chrome,
        )]),
    );
    let run = verify(&[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        lines(&run, "error"),
        ["error   unknown.har#0 Nope.nothing: not in the spec (no such method in the admin API)"]
    );
}

#[test]
fn bad_input_fails_with_one_line() {
    let dir = temp();
    let good = write(&dir, "good.har", &har(vec![login()]));
    let text = har(vec![login(), hosts(json!({"list": [], "totalItems": 0}))]);
    let mut not_json_request = login();
    not_json_request["request"]["postData"]["text"] = json!("userName=a&password=b");
    let mut not_json_reply = hosts(json!({}));
    not_json_reply["response"]["content"] =
        json!({"size": 5, "mimeType": "text/html", "text": "<html>Service unavailable</html>"});
    let mut not_rpc_reply = hosts(json!({}));
    not_rpc_reply["response"]["content"] = json!({"size": 2, "text": "{\"id\": 1}"});
    let mut cases = unreadable_captures(&text, "no API call to verify (1 entries");
    cases.extend([
        (
            "request.har",
            har(vec![not_json_request]),
            "entry 0: the request body is not JSON",
        ),
        (
            "reply.har",
            har(vec![login(), not_json_reply]),
            "entry 1 (ActiveHosts.get): the response body is not JSON",
        ),
        (
            "rpc.har",
            har(vec![not_rpc_reply]),
            "entry 0 (ActiveHosts.get): the response is not a JSON-RPC reply",
        ),
    ]);
    for (name, body, needle) in cases {
        let bad = write(&dir, name, &body);
        let run = verify(&[&good, &bad]);
        assert_eq!(run.code, 2, "{name}: {}{}", run.stdout, run.stderr);
        let err: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(err.len(), 1, "{name}: one line:\n{}", run.stderr);
        assert!(err[0].starts_with("error: "), "{}", err[0]);
        assert!(
            err[0].contains(name) && err[0].contains(needle),
            "{name}: {}",
            err[0]
        );
        assert!(
            summary(&run).ends_with("; 1 input problem (see above)"),
            "{name}: {}",
            run.stdout
        );
    }
    let run = verify(&[&dir.path().join("missing.har")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("missing.har: no such file or folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn secrets_in_mismatching_values_are_never_printed() {
    let dir = temp();
    let mut bad_login = login();
    bad_login["request"]["postData"]["text"] = json!(
        json!({"method": "Session.login", "params": {"userName": "admin",
            "password": {"value": CANARIES[3]}, "application": {"name": "t"}}})
        .to_string()
    );
    let entries = vec![
        bad_login,
        admin(
            "Authentication.set",
            json!({"config": {"guest": {"password": CANARIES[7]}}}),
            json!({}),
            Style::Chrome,
        ),
        admin(
            "Authentication.set",
            json!({"config": {"guest": {"password": {"enabled": CANARIES[6]}}}}),
            json!({}),
            Style::FirefoxBase64,
        ),
        admin(
            "Authentication.set",
            json!({"config": {"guest": {"password": {"enabled": true, "value": 924_617}}}}),
            json!({}),
            Style::Chrome,
        ),
    ];
    let cap = write(&dir, "secret.har", &har(entries));
    let run = verify(&[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let errors = lines(&run, "error");
    for path in [
        "params.password",
        "params.config.guest.password",
        "params.config.guest.password.enabled",
        "params.config.guest.password.value",
    ] {
        assert!(
            errors.iter().any(|l| l.contains(&format!(": {path}: "))),
            "{path} in\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("\"[redacted]\""), "{}", run.stdout);
    assert!(run.stdout.contains("`[redacted]`"), "{}", run.stdout);
    assert!(!run.stdout.contains("924617"), "{}", run.stdout);
    for canary in CANARIES {
        assert!(
            !run.stdout.contains(canary) && !run.stderr.contains(canary),
            "{canary} leaked:\n{}{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn exchanges_are_counted_by_the_provenance_of_their_capture() {
    let dir = temp();
    let marked = |comment: &str, entries: Vec<Value>| {
        let mut v: Value = serde_json::from_str(&har(entries)).expect("json");
        v["log"]["comment"] = json!(comment);
        v.to_string()
    };
    let good = hosts(json!({"list": [host(1)], "totalItems": 1}));
    let bad = hosts(json!({"list": [{"id": 5}], "totalItems": "many"}));
    let a = write(
        &dir,
        "a.har",
        &marked(
            "kerio-capture: recorded on 9.4",
            vec![login(), good.clone()],
        ),
    );
    let b = write(
        &dir,
        "b.har",
        &marked("kerio-capture: synthesized", vec![good.clone(), bad]),
    );
    let c = write(&dir, "c.har", &har(vec![good]));
    let run = verify(&[&a, &b, &c]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("by kind: "))
        .unwrap_or_else(|| panic!("no by-kind line in\n{}", run.stdout));
    assert_eq!(
        line,
        "by kind: recorded 2 of 2 passed, synthesized 1 of 2 passed, unknown 1 of 1 passed"
    );
}
