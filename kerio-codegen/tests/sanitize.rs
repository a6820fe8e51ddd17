//! `learn::sanitize`: a shareable capture holds no secret, wherever it was.

use base64::Engine as _;
use kerio_codegen::learn::sanitize::{Dropped, Stats, sanitize};
use proptest::prelude::*;
use serde_json::{Value, json};

mod support {
    pub mod plant;
}
use support::plant::plant;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Sanitizes `har` and returns the output text and the stats.
fn run(har: &Value) -> (String, Stats) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.har");
    let output = dir.path().join("out.har");
    std::fs::write(&input, har.to_string()).expect("write");
    let stats = sanitize(&input, &output).expect("sanitizes");
    (std::fs::read_to_string(&output).expect("read"), stats)
}

/// Every string of the output, and every string that decodes as base64, with `found`.
fn texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            out.push(s.clone());
            if let Ok(bytes) = B64.decode(s.as_bytes()) {
                out.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        Value::Array(items) => items.iter().for_each(|i| texts(i, out)),
        Value::Object(map) => {
            for (k, item) in map {
                out.push(k.clone());
                texts(item, out);
            }
        }
        _ => {}
    }
}

fn assert_clean(text: &str, canaries: &[&str]) {
    let v: Value = serde_json::from_str(text).expect("the output is JSON");
    let mut all = vec![text.to_owned()];
    texts(&v, &mut all);
    for c in canaries {
        assert!(all.iter().all(|t| !t.contains(c)), "{c} leaked:\n{text}");
    }
}

fn entry(request: Value, content: Value, response_headers: Value) -> Value {
    json!({
        "startedDateTime": "2025-03-12T08:41:17.000Z", "time": 1,
        "request": {"method": "POST", "url": "https://fw/admin/api/jsonrpc/",
            "headers": [], "queryString": [], "cookies": [], "postData": request},
        "response": {"status": 200, "headers": response_headers, "cookies": [],
            "content": content},
        "cache": {}, "timings": {}
    })
}

fn json_body(v: &Value) -> Value {
    json!({"mimeType": "application/json", "text": v.to_string()})
}

fn har(entries: Vec<Value>, pages: Value, comment: &str) -> Value {
    json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
        "comment": comment, "pages": pages, "entries": entries}})
}

const PEM: &str =
    "-----BEGIN PRIVATE KEY-----\nCANARY-pem-MIIEvQIBADANBgkq\n-----END PRIVATE KEY-----";

#[test]
fn every_finding_of_the_review_is_removed() {
    // A base64 body with one byte that is not UTF-8.
    let mut bytes = br#"{"password": "CANARY-b64-nonutf8-pass", "x": ""#.to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(br#""}"#);
    let nonutf8 = json!({"mimeType": "application/json", "encoding": "base64",
        "text": B64.encode(&bytes)});
    // A secret deeper than 512 levels.
    let deep = format!(
        "{}{{\"password\": \"CANARY-deep-secret\"}}{}",
        "[".repeat(600),
        "]".repeat(600)
    );
    let snmp = json!({"result": {"config": {
        "community": {"value": "CANARY-snmp-typed", "isSet": true},
        "other": {"value": "CANARY-password-shaped", "isSet": false},
        "v2": {"community": "CANARY-snmp-plain"},
        "certificate": PEM,
        "keys": {"CANARY5f1e2d3c4b5a69788796": {"name": "n"}}
    }}});
    let multipart = json!({"mimeType": "multipart/form-data; boundary=x",
        "text": format!("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n{PEM}\r\n--x--")});
    let plain = json!({"mimeType": "text/plain", "text": "session CANARY-plain-text-token"});
    let headers = json!([
        {"name": "Location", "value": "https://fw/login#access_token=CANARY-location-frag"},
        {"name": "Referer", "value": "https://fw/admin/?token=CANARY-referer-query"}
    ]);
    let mut with_comment = entry(json_body(&json!({})), plain, headers);
    with_comment["comment"] = json!("password CANARY-entry-comment");
    let entries = vec![
        entry(json_body(&json!({})), nonutf8, json!([])),
        entry(
            json!({"mimeType": "application/json", "text": deep}),
            json_body(&snmp),
            json!([]),
        ),
        entry(multipart, json_body(&json!({"result": {}})), json!([])),
        with_comment,
    ];
    let pages = json!([{"id": "page_1", "title": "https://fw/admin/#/?token=CANARY-page-title"}]);
    let (text, stats) = run(&har(
        entries,
        pages,
        "kerio-capture: recorded\nadmin password is CANARY-log-comment",
    ));
    assert_clean(
        &text,
        &[
            "CANARY-b64-nonutf8-pass",
            "CANARY-deep-secret",
            "CANARY-snmp-typed",
            "CANARY-password-shaped",
            "CANARY-snmp-plain",
            "CANARY-pem",
            "CANARY5f1e2d3c4b5a69788796",
            "CANARY-plain-text-token",
            "CANARY-location-frag",
            "CANARY-referer-query",
            "CANARY-entry-comment",
            "CANARY-page-title",
            "CANARY-log-comment",
        ],
    );
    let out: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(out["log"]["comment"], json!("kerio-capture: recorded"));
    // Non-UTF-8, too deep, multipart, text/plain; the entry comment, the log comment.
    assert_eq!(stats.dropped(Dropped::Body), 4, "{stats:?}");
    assert_eq!(stats.dropped(Dropped::Comment), 2, "{stats:?}");
    assert!(stats.values >= 6, "{stats:?}");
    assert_eq!(stats.dropped(Dropped::Header), 2, "{stats:?}");
    assert_eq!(stats.entries, 4);
}

#[test]
fn a_log_comment_without_marker_is_dropped() {
    let (text, stats) = run(&har(vec![], json!([]), "notes: token CANARY-notes-1234"));
    assert_clean(&text, &["CANARY-notes-1234"]);
    let out: Value = serde_json::from_str(&text).expect("json");
    assert!(out["log"].get("comment").is_none(), "{text}");
    assert_eq!(stats.dropped(Dropped::Comment), 1);
}

/// The families that got through the sanitizer that patched secrets one by one: JSON
/// inside JSON strings, browser extras, user info in URLs, comments everywhere HAR
/// allows them.
#[test]
fn what_is_not_understood_is_dropped() {
    let settings =
        json!({"vpn": json!({"psk": "CANARY-double-psk", "name": "office"}).to_string()});
    let request = json!({"method": "WebInterface.set", "params": {"config": settings.to_string()}});
    let mut e = entry(
        json_body(&request),
        json_body(&json!({"result": {}})),
        json!([]),
    );
    e["request"]["url"] = json!("https://admin:CANARY-userinfo-pass@fw:4081/admin/api/jsonrpc/");
    e["request"]["comment"] = json!("CANARY-request-comment");
    e["response"]["content"]["comment"] = json!("CANARY-content-comment");
    e["comment"] = json!("CANARY-entry-comment");
    e["_webSocketMessages"] = json!([
        {"type": "send", "time": 1.5, "opcode": 1, "data": "{\"sid\": \"CANARY-websocket\"}"},
        {"type": "receive", "time": 1.6, "opcode": 1, "data": "CANARY-websocket-plain"}
    ]);
    e["_initiator"] = json!({"type": "script", "url": "https://fw/?CANARY-initiator"});
    e["_extra"] = json!("CANARY-extra");
    e["request"]["_priority"] = json!("CANARY-priority");
    let mut doc = har(
        vec![e],
        json!([{"id": "page_1", "title": "CANARY-page-title-text", "comment": "CANARY-page-comment",
            "pageTimings": {"onLoad": 1, "comment": "CANARY-timings-comment"}}]),
        "kerio-capture: recorded",
    );
    doc["log"]["creator"]["comment"] = json!("CANARY-creator-comment");
    doc["log"]["browser"] =
        json!({"name": "Firefox", "version": "128", "comment": "CANARY-browser"});
    doc["log"]["_custom"] = json!("CANARY-log-extra");
    doc["other"] = json!("CANARY-top-level");
    let (text, stats) = run(&doc);
    let canaries = [
        "CANARY-double-psk",
        "CANARY-userinfo-pass",
        "CANARY-request-comment",
        "CANARY-content-comment",
        "CANARY-entry-comment",
        "CANARY-websocket",
        "CANARY-initiator",
        "CANARY-extra",
        "CANARY-priority",
        "CANARY-page-title-text",
        "CANARY-page-comment",
        "CANARY-timings-comment",
        "CANARY-creator-comment",
        "CANARY-browser",
        "CANARY-log-extra",
        "CANARY-top-level",
    ];
    assert_clean(&text, &canaries);
    let out: Value = serde_json::from_str(&text).expect("json");
    let e = &out["log"]["entries"][0];
    assert_eq!(
        e["request"]["url"],
        json!("https://fw:4081/admin/api/jsonrpc/")
    );
    // The double-encoded body is still JSON holding JSON: only the secret changed.
    let body: Value =
        serde_json::from_str(e["request"]["postData"]["text"].as_str().expect("body"))
            .expect("json");
    let config: Value =
        serde_json::from_str(body["params"]["config"].as_str().expect("config")).expect("json");
    let vpn: Value = serde_json::from_str(config["vpn"].as_str().expect("vpn")).expect("json");
    assert_eq!(vpn, json!({"psk": "[redacted]", "name": "office"}));
    assert_eq!(
        out["log"]["browser"],
        json!({"name": "Firefox", "version": "128"})
    );
    assert_eq!(stats.dropped(Dropped::WebSocket), 2, "{stats:?}");
    assert_eq!(stats.dropped(Dropped::Comment), 7, "{stats:?}");
    assert_eq!(stats.dropped(Dropped::Extra), 4, "{stats:?}");
    assert_eq!(stats.dropped(Dropped::UserInfo), 1, "{stats:?}");
    assert_eq!(stats.dropped(Dropped::Title), 1, "{stats:?}");
    assert_eq!(stats.dropped(Dropped::Other), 1, "{stats:?}");
    let summary = stats.to_string();
    assert!(summary.contains("2 WebSocket messages"), "{summary}");
    assert!(summary.contains("7 comments"), "{summary}");
}

/// A random JSON value without secrets: names from a small set, short strings.
fn plain_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[a-z ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["id", "name", "list", "config", "value", "items"]),
                    inner
                ),
                0..4
            )
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// How a canary is hidden in a value.
#[derive(Debug, Clone, Copy)]
enum Hide {
    SecretKey(&'static str),
    PasswordShape,
    Pem,
    UrlParam,
    TokenKey,
}

fn hide() -> impl Strategy<Value = Hide> {
    prop_oneof![
        prop::sample::select(vec![
            "password",
            "passwd",
            "secret",
            "psk",
            "presharedKey",
            "sharedSecret",
            "community",
            "privateKey",
            "token",
            "session",
            "X-Token"
        ])
        .prop_map(Hide::SecretKey),
        Just(Hide::PasswordShape),
        Just(Hide::Pem),
        Just(Hide::UrlParam),
        Just(Hide::TokenKey),
    ]
}

fn hidden(how: Hide, canary: &str) -> (String, Value) {
    match how {
        Hide::SecretKey(k) => (k.to_owned(), json!({"deep": [canary]})),
        Hide::PasswordShape => ("stored".into(), json!({"value": canary, "isSet": true})),
        Hide::Pem => (
            "certificate".into(),
            json!(format!(
                "-----BEGIN EC PRIVATE KEY-----\n{canary}\n-----END EC PRIVATE KEY-----"
            )),
        ),
        Hide::UrlParam => (
            "next".into(),
            json!(format!("https://fw/x?a=1&token={canary}")),
        ),
        Hide::TokenKey => (format!("{canary}0123456789abcdef"), json!(1)),
    }
}

proptest! {
    // 48 cases by default; `PROPTEST_CASES` for more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    /// Canaries hidden anywhere in bodies (plain or base64), URLs and page titles never
    /// reach the sanitized capture.
    #[test]
    fn canaries_never_leak(
        body in plain_value(),
        how in hide(),
        pick in prop::collection::vec(any::<usize>(), 0..4),
        base64 in any::<bool>(),
        in_request in any::<bool>(),
        id in "[A-Z]{6}",
    ) {
        let canary = format!("CANARY{id}x9");
        let mut body = json!({"result": body});
        let (key, v) = hidden(how, &canary);
        plant(&mut body, &key, v, &pick);
        let text = body.to_string();
        let content = if base64 {
            json!({"mimeType": "application/json", "encoding": "base64", "text": B64.encode(&text)})
        } else {
            json!({"mimeType": "application/json", "text": text})
        };
        let e = if in_request {
            entry(content, json_body(&json!({"result": {}})), json!([]))
        } else {
            entry(json_body(&json!({})), content, json!([]))
        };
        let (out, _) = run(&har(vec![e], json!([]), "kerio-capture: synthesized"));
        assert_clean(&out, &[&canary]);
    }
}
