//! The fleet over mock appliances on loopback: every colour with its reason, logins and
//! logouts, timeouts and failures as rows, and the HTML page in a headless browser; with
//! Kerio Connect and Kerio Operator compiled in, fleets of mixed products and products
//! found out at first contact.

#[cfg(all(feature = "connect-admin", feature = "operator-admin"))]
#[path = "fleet/detect.rs"]
mod detect;
#[cfg(all(feature = "connect-admin", feature = "operator-admin"))]
#[path = "fleet/products.rs"]
mod products;

use std::net::TcpListener;
use std::time::Duration;

use kerio_api::fleet::{
    Appliance, ApplianceReport, FleetOptions, FleetReport, PasswordSource, ReadMode, Status, Trust,
    poll,
};
use kerio_api::mock::{ApplianceState, Faults, MockAppliance};

/// A managed appliance for a mock: its credentials, its certificate pinned.
fn managed(name: &str, mock: &MockAppliance) -> Appliance {
    Appliance::new(name, mock.url())
        .credentials(mock.user(), PasswordSource::Value(mock.password().into()))
        .trust(Trust::PinSha256(mock.cert_sha256().into()))
}

async fn mock(state: ApplianceState) -> MockAppliance {
    MockAppliance::builder()
        .state(state)
        .start()
        .await
        .expect("mock appliance starts")
}

/// A loopback address where nothing listens: a port bound and released.
fn dead_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("https://127.0.0.1:{port}")
}

fn row<'a>(report: &'a FleetReport, name: &str) -> &'a ApplianceReport {
    report
        .appliances
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no row {name} in {report:#?}"))
}

/// Asserts the status and that the first reason has that status and says `says`.
fn assert_row(report: &FleetReport, name: &str, status: Status, says: &str) {
    let row = row(report, name);
    assert_eq!(row.status, status, "{name}: {row:#?}");
    let first = row
        .reasons
        .first()
        .unwrap_or_else(|| panic!("{name}: no reason"));
    assert_eq!(first.status, status, "{name}: {row:#?}");
    assert!(
        first.text.contains(says),
        "{name}: expected a reason saying {says:?}, got {:?}",
        first.text
    );
}

async fn six_states(mode: ReadMode) {
    let healthy = mock(ApplianceState::Healthy).await;
    let update = mock(ApplianceState::UpdateAvailable).await;
    let low_memory = mock(ApplianceState::LowMemory).await;
    let expired = mock(ApplianceState::LicenseExpired).await;
    let unmanaged = mock(ApplianceState::Healthy).await;
    let appliances = vec![
        managed("healthy", &healthy),
        managed("update-available", &update),
        managed("low-memory", &low_memory),
        managed("license-expired", &expired),
        Appliance::new("no-credentials", unmanaged.url()),
        Appliance::new("nothing-listens", dead_address())
            .credentials("admin", PasswordSource::Value("unused".into())),
    ];
    let report = poll(&appliances, &FleetOptions::default().read_mode(mode)).await;

    let names: Vec<&str> = report.appliances.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "healthy",
            "update-available",
            "low-memory",
            "license-expired",
            "no-credentials",
            "nothing-listens"
        ],
        "rows in the order given"
    );
    assert_row(
        &report,
        "healthy",
        Status::Green,
        "Online, nothing needs attention",
    );
    assert_row(
        &report,
        "update-available",
        Status::Yellow,
        "An update is available",
    );
    assert_row(&report, "low-memory", Status::Yellow, "Memory is low: 95%");
    assert_row(
        &report,
        "license-expired",
        Status::Red,
        "expired 30 days ago",
    );
    assert_row(&report, "no-credentials", Status::Grey, "no credentials");
    assert_row(&report, "nothing-listens", Status::Red, "Offline");

    // Only the state's own issue: nothing else of the made-up replies raises one.
    for name in ["update-available", "low-memory"] {
        assert_eq!(
            row(&report, name).reasons.len(),
            1,
            "{:#?}",
            row(&report, name)
        );
    }
    let expired_row = row(&report, "license-expired");
    assert!(
        expired_row.reasons.iter().all(|r| r.status == Status::Red),
        "{expired_row:#?}"
    );
    assert!(
        expired_row
            .reasons
            .iter()
            .any(|r| r.text.contains("licence"))
            && expired_row
                .reasons
                .iter()
                .any(|r| r.text.contains("software maintenance")),
        "{expired_row:#?}"
    );
    assert_eq!(
        row(&report, "update-available").version.as_deref(),
        Some(kerio_api::mock::OLDER_VERSION)
    );
    assert_eq!(
        row(&report, "healthy").version.as_deref(),
        Some(kerio_api::mock::CURRENT_VERSION)
    );

    for (name, mock) in [
        ("healthy", &healthy),
        ("update-available", &update),
        ("low-memory", &low_memory),
        ("license-expired", &expired),
    ] {
        assert_eq!(mock.logins(), 1, "{name}: one login");
        assert_eq!(mock.live_sessions(), 0, "{name}: logged out");
    }
    assert_eq!(
        unmanaged.logins(),
        0,
        "an appliance without credentials is not contacted"
    );
    assert!(unmanaged.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_gets_its_colour_and_reason_in_one_batch() {
    six_states(ReadMode::Batch).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_gets_its_colour_and_reason_with_concurrent_reads() {
    six_states(ReadMode::Concurrent).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batch_mode_sends_the_four_reads_in_one_request() {
    let healthy = mock(ApplianceState::Healthy).await;
    let report = poll(&[managed("a", &healthy)], &FleetOptions::default()).await;
    assert_eq!(report.appliances[0].status, Status::Green);
    let methods: Vec<(String, bool)> = healthy
        .requests()
        .into_iter()
        .map(|c| (c.method, c.batch))
        .collect();
    let batched: Vec<&str> = methods
        .iter()
        .filter(|(_, batch)| *batch)
        .map(|(m, _)| m.as_str())
        .collect();
    assert_eq!(
        batched,
        [
            "ProductInfo.get",
            "UpdateChecker.getStatus",
            "SystemHealth.get",
            "ProductRegistration.getFullStatus"
        ],
        "{methods:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_appliance_is_a_red_row_and_holds_up_no_other() {
    let slow = MockAppliance::builder()
        .faults(Faults::new().latency(Duration::from_secs(30)))
        .start()
        .await
        .expect("mock starts");
    let quick = mock(ApplianceState::Healthy).await;
    let options = FleetOptions::default()
        .timeout(Duration::from_millis(300))
        .concurrency(1);
    let report = poll(
        &[managed("slow", &slow), managed("quick", &quick)],
        &options,
    )
    .await;
    assert_row(&report, "slow", Status::Red, "No answer within 0.3 s");
    assert_row(&report, "quick", Status::Green, "Online");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_a_wrong_pin_and_a_missing_password_are_red_rows() {
    let mock = mock(ApplianceState::Healthy).await;
    let wrong_password = Appliance::new("wrong-password", mock.url())
        .credentials(
            mock.user(),
            PasswordSource::Value("not-the-password".into()),
        )
        .trust(Trust::PinSha256(mock.cert_sha256().into()));
    let wrong_pin = Appliance::new("wrong-pin", mock.url())
        .credentials(mock.user(), PasswordSource::Value(mock.password().into()))
        .trust(Trust::PinSha256("00".repeat(32)));
    let unpinned = Appliance::new("unpinned", mock.url())
        .credentials(mock.user(), PasswordSource::Value(mock.password().into()))
        .trust(Trust::CaPem(mock.cert_pem().into()));
    let no_variable = Appliance::new("no-variable", mock.url())
        .credentials(
            mock.user(),
            PasswordSource::Env("KERIO_FLEET_TEST_SURELY_UNSET_VARIABLE".into()),
        )
        .trust(Trust::PinSha256(mock.cert_sha256().into()));
    let report = poll(
        &[wrong_password, wrong_pin, unpinned, no_variable],
        &FleetOptions::default(),
    )
    .await;
    assert_row(
        &report,
        "wrong-password",
        Status::Red,
        "The login was refused",
    );
    assert_row(&report, "wrong-pin", Status::Red, "does not match the pin");
    assert_row(
        &report,
        "no-variable",
        Status::Red,
        "The password variable KERIO_FLEET_TEST_SURELY_UNSET_VARIABLE is not set",
    );
    // The mock's certificate is self-signed: as its own CA it is either trusted or
    // refused, and both are rows, not a failed run.
    let unpinned = row(&report, "unpinned");
    assert!(
        matches!(unpinned.status, Status::Green | Status::Red),
        "{unpinned:#?}"
    );
    let text = format!("{report:?}{}", report.to_json());
    assert!(!text.contains(mock.password()), "no password in the report");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_page_renders_every_status_in_headless_chromium() {
    let Some(browser) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        eprintln!("SKIPPED: no chromium on PATH; install it to check the HTML page renders");
        return;
    };
    let healthy = mock(ApplianceState::Healthy).await;
    let update = mock(ApplianceState::UpdateAvailable).await;
    let report = poll(
        &[
            managed("healthy", &healthy),
            managed("update <b>&</b>", &update),
            Appliance::new("unmanaged", healthy.url()),
            Appliance::new("offline", dead_address())
                .credentials("admin", PasswordSource::Value("x".into())),
        ],
        &FleetOptions::default(),
    )
    .await;
    // Click the status header once: the page then lists the rows best first.
    let html = report.to_html().replace(
        "</body>",
        "<script>document.querySelector('th[data-key=rank] button').click();</script></body>",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("fleet.html");
    std::fs::write(&page, html).expect("write the page");
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("<table id=\"fleet\">"),
        "no table rendered: {dom}"
    );
    for status in ["green", "yellow", "red", "grey"] {
        assert!(
            dom.contains(&format!("<span class=\"badge {status}\">{status}</span>")),
            "{status} missing: {dom}"
        );
    }
    assert!(
        dom.contains("update &lt;b&gt;&amp;&lt;/b&gt;"),
        "escaped name: {dom}"
    );
    let order: Vec<usize> = ["badge grey", "badge green", "badge yellow", "badge red"]
        .iter()
        .map(|b| dom.find(b).unwrap_or_else(|| panic!("{b} missing")))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "sorted best first after a click: {order:?}"
    );
    assert!(dom.contains("aria-sort=\"descending\""), "{dom}");
}
