//! `cargo xtask regen` end to end, on temporary copies of a small fixture spec set.

mod support;

use serde_json::{Value, json};
use support::*;

fn login(style: Style) -> Value {
    admin(
        "Session.login",
        json!({"userName": "admin", "password": CANARIES[3],
               "application": {"name": "t", "vendor": "v", "version": "1"}}),
        json!({"token": CANARIES[4]}),
        style,
    )
}

/// A capture that teaches something of every kind.
fn teaching_capture() -> String {
    let mut odd = host(3);
    odd["type"] = json!("ActiveHostVpn");
    odd["connections"] = json!(3_000_000_000u64);
    odd["vlan"] = json!(12);
    odd["user"] = Value::Null;
    har(vec![
        page("https://fw01.example.com:4081/admin/"),
        login(Style::Chrome),
        admin(
            "ActiveHosts.get",
            json!({"query": {"start": 0, "limit": -1}, "refresh": true, "extra": "x"}),
            json!({"list": [host(1), host(2), odd], "totalItems": 3}),
            Style::FirefoxBase64,
        ),
        admin(
            "ActiveHosts.getTop",
            json!({"count": 5}),
            json!({"list": [host(1)], "stats": {"busiest": "pc-1", "load": 0.5}}),
            Style::Chrome,
        ),
        admin(
            "Dhcp.getLeases",
            json!({}),
            json!({"leases": [{"mac": "00:11", "ip": "10.0.0.2"}]}),
            Style::Chrome,
        ),
    ])
}

#[test]
fn learns_new_methods_fields_values_and_widening() {
    let fx = Fixture::new();
    let cap = fx.write("a.har", &teaching_capture());
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let hosts = fx.spec("control-admin/interfaces/ActiveHosts.json");
    let fields = &hosts["types"]["ActiveHost"]["fields"];
    let vlan = fields
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "vlan"))
        .expect("vlan");
    assert_eq!(vlan["type"], "int64");
    assert_eq!(vlan["optional"], true);
    assert!(
        vlan["doc"]
            .as_str()
            .is_some_and(|d| d.starts_with("Learned from captured traffic"))
    );
    let conn = fields
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "connections"))
        .expect("c");
    assert_eq!(conn["type"], "int64", "int32 widened");
    assert_eq!(conn["doc"], "Open connections.", "hand-written doc kept");
    let values = hosts["types"]["ActiveHostType"]["values"].to_string();
    assert!(values.contains("ActiveHostVpn"), "{values}");
    let top = &hosts["interfaces"]["ActiveHosts"]["methods"]["getTop"];
    assert_eq!(
        top["result"][0],
        json!({"name": "list", "type": "ActiveHostList"})
    );
    assert_eq!(top["result"][1]["type"], "Stats");
    assert!(
        hosts["types"]["Stats"]["doc"]
            .as_str()
            .is_some_and(|d| d.starts_with("Learned from captured traffic"))
    );
    let get = &hosts["interfaces"]["ActiveHosts"]["methods"]["get"];
    assert_eq!(get["params"][2]["name"], "extra");
    assert_eq!(get["params"][2]["optional"], true);
    let dhcp = fx.spec("control-admin/interfaces/Dhcp.json");
    assert_eq!(
        dhcp["interfaces"]["Dhcp"]["methods"]["getLeases"]["result"][0]["type"],
        json!({"list": "Lease"})
    );
    for needle in [
        "new method     ActiveHosts.getTop",
        "new method     Dhcp.getLeases",
        "new interface  Dhcp",
        "new field      ActiveHost.vlan: int64",
        "new value      ActiveHostType: ActiveHostVpn",
        "widened        ActiveHost.connections: int32 → int64",
        "new param      ActiveHosts.get(extra: string)",
        "admin: 4 interfaces, 7 methods,",
        "wrote 2 spec files",
    ] {
        assert!(
            run.stdout.contains(needle),
            "missing {needle:?} in\n{}",
            run.stdout
        );
    }
    // The result loads and generates; a second run changes nothing.
    let again = regen(&fx, &["--check"], &[&cap]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("up to date"), "{}", again.stdout);
}

#[test]
fn conflicts_are_reported_not_applied() {
    let fx = Fixture::new();
    let mut bad = host(1);
    bad["hostname"] = json!(42);
    bad["id"] = json!(7);
    let cap = fx.write(
        "c.har",
        &har(vec![admin(
            "ActiveHosts.get",
            json!({"query": {}, "refresh": "yes"}),
            json!({"list": [bad], "totalItems": 1}),
            Style::Chrome,
        )]),
    );
    let before = fx.snapshot();
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(fx.snapshot(), before, "nothing applied");
    for needle in [
        "review         ActiveHost.hostname: the spec says string, the capture has 1 integer",
        "review         ActiveHost.id: the spec says string, the capture has 1 integer",
        "review         ActiveHosts.get(params).refresh: the spec says boolean, the capture has 1 string",
    ] {
        assert!(
            run.stdout.contains(needle),
            "missing {needle:?} in\n{}",
            run.stdout
        );
    }
}

#[test]
fn output_does_not_depend_on_capture_order() {
    let (a, b) = (Fixture::new(), Fixture::new());
    let cap1 = teaching_capture();
    let cap2 = har(vec![admin(
        "Dhcp.getLeases",
        json!({"scope": "s1"}),
        json!({"leases": [{"ip": "10.0.0.3", "hostname": "x", "mac": "00:12"}], "count": 1.5}),
        Style::Chrome,
    )]);
    let (a1, a2) = (a.write("1.har", &cap1), a.write("2.har", &cap2));
    let (b1, b2) = (b.write("1.har", &cap1), b.write("2.har", &cap2));
    assert_eq!(regen(&a, &[], &[&a1, &a2]).code, 0);
    assert_eq!(regen(&b, &[], &[&b2, &b1]).code, 0);
    assert_eq!(a.snapshot(), b.snapshot());
}

#[test]
fn check_writes_nothing_and_fails_on_changes() {
    let fx = Fixture::new();
    let cap = fx.write("a.har", &teaching_capture());
    let before = fx.snapshot();
    // The capture widens a type (breaking, exit 3, see regen_compat.rs); allowed here.
    let run = regen(&fx, &["--check", "--allow-breaking"], &[&cap]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("spec files would change"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("control-admin/interfaces/Dhcp.json (new)"),
        "{}",
        run.stdout
    );
    assert_eq!(fx.snapshot(), before);
}

#[test]
fn reads_folders_batches_and_errors() {
    let fx = Fixture::new();
    let batch = call(
        "/admin/api/jsonrpc/",
        &json!({"jsonrpc": "2.0", "id": 1, "method": "Batch.run", "params": {"commandList": [
            {"method": "ActiveHosts.get", "params": {"query": {}, "refresh": false}},
            {"method": "ActiveHosts.logout", "params": {"ids": ["1"]}},
            {"method": "Hosts.ping"}]}}),
        Some(&json!({"jsonrpc": "2.0", "id": 1, "result": [
            {"result": {"list": [host(1)], "totalItems": 1, "cursor": "c1"}},
            {"error": {"code": 1002, "message": "Does not exist."}},
            {"error": {"code": -32601, "message": "Method not found."}}]})),
        Style::Chrome,
    );
    fx.write("caps/b.har", &har(vec![batch]));
    fx.write("caps/a.har", &har(vec![login(Style::FirefoxBase64)]));
    fx.write("caps/notes.txt", "not a capture");
    let run = regen(&fx, &[], &[&fx.path("caps")]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("new param      ActiveHosts.get → cursor: string"),
        "{}",
        run.stdout
    );
    // Only errors seen: not added, reported.
    assert!(
        run.stdout.contains("Hosts.ping: not in the spec and no successful reply seen (1 call, errors -32601 ×1); not added"),
        "{}",
        run.stdout
    );
    // The login, the batch itself and its three commands.
    assert!(
        run.stdout
            .contains("learned from 5 calls (3 replies, 2 errors)"),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_captures_fail_with_one_line_and_write_nothing() {
    let fx = Fixture::new();
    let good = fx.write("good.har", &teaching_capture());
    let text = teaching_capture();
    let cases = unreadable_captures(&text, "no usable API call (1 entries");
    let before = fx.snapshot();
    for (name, body, needle) in cases {
        let bad = fx.write(name, &body);
        let run = regen(&fx, &[], &[&good, &bad]);
        assert_eq!(run.code, 2, "{name}: {}{}", run.stdout, run.stderr);
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{name}: no {needle:?} in\n{}", run.stderr));
        assert!(line.contains(name), "{line}");
        assert_eq!(fx.snapshot(), before, "{name}: nothing written");
    }
}

#[test]
fn bodies_that_are_not_json_are_skipped_with_a_warning() {
    let fx = Fixture::new();
    let mut broken = admin("ActiveHosts.get", json!({}), json!({}), Style::Chrome);
    broken["response"]["content"]["text"] = json!("<html>Service unavailable</html>");
    let cap = fx.write("w.har", &har(vec![login(Style::Chrome), broken]));
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("w.har: entry 1 (ActiveHosts.get): the response body is not JSON"),
        "{}",
        run.stderr
    );
    // Only broken bodies: no usable call.
    let only = fx.write(
        "only.har",
        &har(vec![{
            let mut e = login(Style::Chrome);
            e["request"]["postData"]["text"] = json!("userName=a&password=b");
            e
        }]),
    );
    let run = regen(&fx, &[], &[&only]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("only.har: no usable API call"),
        "{}",
        run.stderr
    );
}

#[test]
fn statistics_calls_without_a_statistics_api_are_skipped() {
    let fx = Fixture::new();
    let stats = call(
        "/lib/api/jsonrpc/",
        &json!({"jsonrpc": "2.0", "id": 1, "method": "MyAccount.get"}),
        Some(&json!({"result": {}})),
        Style::Chrome,
    );
    let cap = fx.write("s.har", &har(vec![login(Style::Chrome), stats]));
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "1 call to /lib/api/jsonrpc/ skipped: no API of the spec set is served there"
        ),
        "{}",
        run.stderr
    );
}

/// The endpoint paths come from the manifest: a call to one of its `alternativePaths` is
/// learned, a call to a JSON-RPC path no manifest names is reported and not learned.
#[test]
fn alternative_paths_of_the_manifest_are_learned_from() {
    let fx = Fixture::new();
    let manifest = fx.specs().join("control-admin/api.json");
    let mut m: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).expect("read")).expect("json");
    m["api"]["alternativePaths"] = json!(["/legacy/api/jsonrpc/"]);
    std::fs::write(&manifest, m.to_string()).expect("write");
    let at = |path: &str, method: &str| {
        call(
            path,
            &json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": {}}),
            Some(&json!({"jsonrpc": "2.0", "id": 1, "result": {"n": 1}})),
            Style::Chrome,
        )
    };
    let cap = fx.write(
        "alt.har",
        &har(vec![
            login(Style::Chrome),
            at("/legacy/api/jsonrpc", "Legacy.count"),
            at("/lib/api/jsonrpc/", "Other.count"),
        ]),
    );
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("new method     Legacy.count"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Other.count"), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "1 call to /lib/api/jsonrpc/ skipped: no API of the spec set is served there"
        ),
        "{}",
        run.stderr
    );
    let legacy = fx.spec("control-admin/interfaces/Legacy.json");
    assert!(legacy["interfaces"]["Legacy"]["methods"]["count"].is_object());
    assert!(
        !fx.specs()
            .join("control-admin/interfaces/Other.json")
            .exists()
    );
}

#[test]
fn no_secret_reaches_files_or_output() {
    let fx = Fixture::new();
    let mut entries = vec![login(Style::Chrome), login(Style::FirefoxBase64)];
    entries.push(admin(
        "Interfaces.setVpn",
        json!({"config": {"psk": {"enabled": true, "value": CANARIES[6]}, "password": CANARIES[7],
               "secretKey": CANARIES[7]}}),
        json!({"errors": [], "token": CANARIES[4]}),
        Style::FirefoxBase64,
    ));
    let cap = fx.write("secret.har", &har(entries));
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("new method     Interfaces.setVpn"),
        "{}",
        run.stdout
    );
    let sanitized = fx.path("shared.har");
    let san = xtask(&[
        "sanitize",
        &cap.display().to_string(),
        "-o",
        &sanitized.display().to_string(),
    ]);
    assert_eq!(san.code, 0, "{}{}", san.stdout, san.stderr);
    let mut texts = vec![run.stdout, run.stderr, san.stdout, san.stderr];
    texts.extend(fx.snapshot().into_iter().map(|(_, t)| t));
    texts.push(std::fs::read_to_string(&sanitized).expect("sanitized"));
    for text in &texts {
        for canary in CANARIES {
            assert!(!text.contains(canary), "{canary} leaked into:\n{text}");
            let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, canary);
            assert!(
                !text.contains(&b64[..b64.len() - 4]),
                "{canary} leaked (base64)"
            );
        }
    }
    // The sanitized capture teaches the same as the original.
    let other = Fixture::new();
    let shared = other.write(
        "shared.har",
        &std::fs::read_to_string(&sanitized).expect("read"),
    );
    assert_eq!(regen(&other, &[], &[&shared]).code, 0);
    assert_eq!(other.snapshot(), fx.snapshot());
}

#[test]
fn shipped_captures_change_nothing() {
    let fx = Fixture::shipped();
    let captures = fx.specs().join("captures");
    if !captures.is_dir() {
        return;
    }
    let before = fx.snapshot();
    // No --har: the sample captures of the spec root.
    let run = regen(&fx, &["--check"], &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("the spec set is up to date"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("  review "), "{}", run.stdout);
    let run = regen(&fx, &[], &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(fx.snapshot(), before);
}

#[test]
fn rewrites_the_canonical_layout() {
    let fx = Fixture::new();
    let path = fx.specs().join("control-admin/types/common.json");
    let compact = serde_json::to_string(&fx.spec("control-admin/types/common.json")).expect("json");
    std::fs::write(&path, &compact).expect("write");
    let run = regen(&fx, &["--check"], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("control-admin/types/common.json (layout only)"),
        "{}",
        run.stdout
    );
    assert_eq!(regen(&fx, &[], &[]).code, 0);
    assert_eq!(regen(&fx, &["--check"], &[]).code, 0);
}

#[test]
fn an_out_param_that_breaks_a_role_is_not_learned_alone() {
    let fx = Fixture::new();
    let odd_login = admin(
        "Session.login",
        json!({"userName": "admin", "password": CANARIES[3],
               "application": {"name": "t", "vendor": "v", "version": "1"}}),
        json!({"token": CANARIES[4], "expires": 3600}),
        Style::Chrome,
    );
    let mut odd = host(1);
    odd["vendor"] = json!("Example");
    let cap = fx.write(
        "odd-login.har",
        &har(vec![
            odd_login,
            admin(
                "ActiveHosts.get",
                json!({"query": {"start": 0, "limit": 1}, "refresh": false}),
                json!({"list": [odd], "totalItems": 1}),
                Style::Chrome,
            ),
        ]),
    );
    let run = regen(&fx, &[], &[&cap]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("/result/1: login method `Session.login`"),
        "{}",
        run.stderr
    );
    let session = fx.spec("control-admin/interfaces/Session.json");
    let result = &session["interfaces"]["Session"]["methods"]["login"]["result"];
    assert_eq!(result.as_array().map(Vec::len), Some(1), "{result}");
    let hosts = fx
        .spec("control-admin/interfaces/ActiveHosts.json")
        .to_string();
    assert!(hosts.contains("\"vendor\""), "the rest is learned: {hosts}");
}
