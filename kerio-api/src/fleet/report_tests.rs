use std::time::Duration;

use super::*;

fn row(name: &str, status: Status, reasons: &[(Status, &str)], ms: u64) -> ApplianceReport {
    ApplianceReport {
        name: name.into(),
        url: format!("https://{}.example.com:4081", name.to_lowercase()),
        status,
        reasons: reasons.iter().map(|(s, t)| Reason::new(*s, *t)).collect(),
        version: (status != Status::Grey && status != Status::Red)
            .then(|| "9.4.5 build 8573".into()),
        elapsed: Duration::from_millis(ms),
    }
}

pub(crate) fn sample() -> FleetReport {
    FleetReport {
        appliances: vec![
            row(
                "Alpha",
                Status::Green,
                &[(Status::Green, "Online, nothing needs attention")],
                120,
            ),
            row(
                "Bravo",
                Status::Red,
                &[(Status::Red, "Offline: connection refused")],
                3,
            ),
            row(
                "Charlie",
                Status::Yellow,
                &[
                    (
                        Status::Yellow,
                        "An update is available: \"Kerio Control 9.4.6\"",
                    ),
                    (Status::Yellow, "Memory is low: 95% of 4.0 GiB in use"),
                ],
                1500,
            ),
            row(
                "Delta",
                Status::Grey,
                &[(Status::Grey, "Listed, not managed")],
                0,
            ),
        ],
        elapsed: Duration::from_millis(1510),
    }
}

#[test]
fn the_table_lists_worst_first_with_every_reason() {
    let table = sample().to_table(false);
    let expected = "\
STATUS  NAME     VERSION             TIME  REASONS
RED     Bravo    -                   3 ms  Offline: connection refused
YELLOW  Charlie  9.4.5 build 8573   1.5 s  An update is available: \"Kerio Control 9.4.6\"
                                           Memory is low: 95% of 4.0 GiB in use
GREEN   Alpha    9.4.5 build 8573  120 ms  Online, nothing needs attention
GREY    Delta    -                   0 ms  Listed, not managed
4 appliances: 1 red, 1 yellow, 1 green, 1 grey in 1.5 s
";
    assert_eq!(table, expected);
    assert!(!table.contains('\x1b'), "plain without colour");
}

#[test]
fn the_coloured_table_colours_only_the_status() {
    let table = sample().to_table(true);
    assert!(table.contains("\x1b[1;31mRED   \x1b[0m  Bravo"), "{table}");
    assert!(table.contains("\x1b[1;32mGREEN \x1b[0m"), "{table}");
    assert_eq!(
        table.matches('\x1b').count(),
        8,
        "one start and one reset per row"
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let mut report = sample();
    report.appliances[0].name = "evil\x1b[2Jname".into();
    report.appliances[0].reasons[0].text = "line\nbreak".into();
    let table = report.to_table(false);
    assert!(!table.contains('\x1b'), "{table}");
    assert!(table.contains("evil\\u{1b}[2Jname"), "{table}");
    assert!(table.contains("line\\nbreak"), "{table}");
}

#[test]
fn json_has_every_field() {
    let json: serde_json::Value =
        serde_json::from_str(&sample().to_json()).expect("the report is JSON");
    assert_eq!(json["elapsed_ms"], 1510);
    let charlie = &json["appliances"][2];
    assert_eq!(charlie["name"], "Charlie");
    assert_eq!(charlie["status"], "yellow");
    assert_eq!(charlie["version"], "9.4.5 build 8573");
    assert_eq!(charlie["elapsed_ms"], 1500);
    assert_eq!(charlie["reasons"][1]["status"], "yellow");
    assert_eq!(
        charlie["reasons"][1]["text"],
        "Memory is low: 95% of 4.0 GiB in use"
    );
    assert_eq!(json["appliances"][1]["version"], serde_json::Value::Null);
}

#[test]
fn html_is_self_contained_escaped_and_sortable() {
    let mut report = sample();
    report.appliances[1].name = "<script>alert('x')</script> & \"co\"".into();
    let html = report.to_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script>alert"), "names are escaped");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "no external asset: {external}");
    }
    for status in ["green", "yellow", "red", "grey"] {
        assert!(html.contains(&format!("<span class=\"badge {status}\">{status}</span>")));
    }
    assert!(html.contains("<th data-key=\"rank\" aria-sort=\"ascending\">"));
    assert_eq!(html.matches("<script>").count(), 1, "one inline script");
    let red = html.find("badge red").expect("red row");
    let grey = html.find("badge grey").expect("grey row");
    assert!(red < grey, "worst first without script");
    assert!(html.contains("<title>Fleet status: red</title>"));
}

#[test]
fn summary_and_worst() {
    let report = sample();
    assert_eq!(report.worst(), Status::Red);
    assert_eq!(report.count(Status::Yellow), 1);
    let empty = FleetReport {
        appliances: Vec::new(),
        elapsed: Duration::ZERO,
    };
    assert_eq!(empty.worst(), Status::Grey);
    assert_eq!(empty.summary(), "0 appliances in 0 ms");
}

#[test]
fn the_exit_code_follows_the_worst_colour() {
    let mut report = sample();
    assert_eq!(report.exit_code(), 2);
    report.appliances.retain(|a| a.status != Status::Red);
    assert_eq!(report.exit_code(), 1);
    report.appliances.retain(|a| a.status != Status::Yellow);
    assert_eq!(report.exit_code(), 0);
    report.appliances.clear();
    assert_eq!(report.exit_code(), 0);
}
