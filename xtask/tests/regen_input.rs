//! `cargo xtask regen` on input it cannot fully use: odd names, bodies that are not
//! UTF-8, a `--check` that finds no capture.

mod support;

use base64::Engine as _;
use serde_json::{Value, json};
use support::*;

fn fields(fx: &Fixture) -> Vec<String> {
    let hosts = fx.spec("control-admin/interfaces/ActiveHosts.json");
    hosts["types"]["ActiveHost"]["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|f| f["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_name_that_collides_in_rust_is_skipped_and_the_rest_learned() {
    let fx = Fixture::new();
    let mut odd = host(1);
    // `Hostname` and `hostname` are one name in Rust; `vlan` is an ordinary new field.
    odd["Hostname"] = json!("x");
    odd["vlan"] = json!(3);
    let cap = fx.write(
        "a.har",
        &har(vec![
            admin(
                "ActiveHosts.get",
                json!({"query": {}, "refresh": false}),
                json!({"list": [odd], "totalItems": 1}),
                Style::Chrome,
            ),
            // `Get` collides with `get` as a method.
            admin("ActiveHosts.Get", json!({}), json!({"n": 1}), Style::Chrome),
        ]),
    );
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let names = fields(&fx);
    assert!(names.iter().any(|n| n == "vlan"), "{names:?}");
    assert!(!names.iter().any(|n| n == "Hostname"), "{names:?}");
    let hosts = fx.spec("control-admin/interfaces/ActiveHosts.json");
    assert!(
        hosts
            .pointer("/interfaces/ActiveHosts/methods/Get")
            .is_none()
    );
    let skipped: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("this item is not learned"))
        .collect();
    assert_eq!(skipped.len(), 2, "{}", run.stderr);
    assert!(
        skipped
            .iter()
            .any(|l| l
                .contains("control-admin/interfaces/ActiveHosts.json/types/ActiveHost/fields/")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|l| l.contains("/interfaces/ActiveHosts/methods/Get")),
        "{skipped:?}"
    );
}

#[test]
fn check_on_a_folder_without_captures_is_an_error() {
    let fx = Fixture::new();
    std::fs::create_dir_all(fx.path("empty")).expect("mkdir");
    let run = regen(&fx, &["--check"], &[&fx.path("empty")]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("no capture (*.har) found in"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_body_that_is_not_utf8_is_skipped_with_a_warning() {
    let fx = Fixture::new();
    let mut bad = admin(
        "ActiveHosts.get",
        json!({"query": {}}),
        json!({"list": [], "totalItems": 0}),
        Style::Chrome,
    );
    let mut bytes = br#"{"result": {"list": [], "totalItems": 0, "extra": "x"#.to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(br#""}}"#);
    bad["response"]["content"] = json!({"size": bytes.len(), "encoding": "base64",
        "text": base64::engine::general_purpose::STANDARD.encode(&bytes)});
    let good = admin(
        "ActiveHosts.logout",
        json!({"ids": ["1"]}),
        json!({}),
        Style::Chrome,
    );
    let cap = fx.write("u.har", &har(vec![good, bad]));
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "u.har: entry 1 (ActiveHosts.get): the response body is not JSON: not valid UTF-8"
        ),
        "{}",
        run.stderr
    );
    let hosts: Value = fx.spec("control-admin/interfaces/ActiveHosts.json");
    assert!(!hosts.to_string().contains("\"extra\""));
}
