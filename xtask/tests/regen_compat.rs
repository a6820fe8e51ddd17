//! `cargo xtask regen` tells changes users can build on from changes that break them.

mod support;

use serde_json::json;
use support::*;

fn compat_line(run: &Run) -> &str {
    run.stdout
        .lines()
        .find(|l| l.contains("for users of the generated API"))
        .unwrap_or_else(|| panic!("no compatibility line in\n{}", run.stdout))
}

#[test]
fn a_widened_type_is_breaking_and_fails_check() {
    let fx = Fixture::new();
    let mut big = host(1);
    big["connections"] = json!(5_000_000_000u64);
    let cap = fx.write(
        "w.har",
        &har(vec![admin(
            "ActiveHosts.get",
            json!({"query": {}, "refresh": false}),
            json!({"list": [big], "totalItems": 1}),
            Style::Chrome,
        )]),
    );
    let before = fx.snapshot();
    let run = regen(&fx, &["--check"], &[&cap]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        compat_line(&run),
        "admin: for users of the generated API: 0 additive, 1 breaking"
    );
    assert!(
        run.stdout
            .contains("breaking       ActiveHost.connections: int32 → int64"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("--allow-breaking"), "{}", run.stderr);
    let run = regen(&fx, &["--check", "--allow-breaking"], &[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(fx.snapshot(), before);
}

#[test]
fn params_fields_values_methods_and_interfaces_are_additive() {
    let fx = Fixture::new();
    let mut odd = host(2);
    odd["type"] = json!("ActiveHostVpn");
    odd["vlan"] = json!(12);
    let cap = fx.write(
        "a.har",
        &har(vec![
            admin(
                "ActiveHosts.get",
                json!({"query": {}, "refresh": false, "extra": "x"}),
                json!({"list": [host(1), odd], "totalItems": 2}),
                Style::Chrome,
            ),
            admin(
                "ActiveHosts.getTop",
                json!({"count": 5}),
                json!({"list": [host(1)]}),
                Style::Chrome,
            ),
            admin(
                "Dhcp.getLeases",
                json!({}),
                json!({"leases": [{"mac": "00:11", "ip": "10.0.0.2"}]}),
                Style::Chrome,
            ),
        ]),
    );
    let run = regen(&fx, &["--check"], &[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let line = compat_line(&run);
    assert!(line.ends_with(", 0 breaking"), "{line}");
    assert!(!run.stdout.contains("breaking   "), "{}", run.stdout);
    // Writing them is fine, and the result checks clean.
    assert_eq!(regen(&fx, &[], &[&cap]).code, 0);
    assert_eq!(regen(&fx, &["--check"], &[&cap]).code, 0);
}
