//! Kerio Connect and Kerio Operator targets: their own collectors, the fleet report's
//! colour and reasons by construction, the product found at first contact and kept, and
//! the product label of service discovery.

use kerio_api::exporter::Probe;
use kerio_api::fleet::{Product, ReasonKind, Status, poll};
use kerio_api::mock::{
    CONNECT_CURRENT_VERSION, CONNECT_OLDER_VERSION, MockAppliance, OPERATOR_CURRENT_VERSION,
};

use super::*;

/// A mock of one product's administration in a state.
async fn product_mock(product: Product, state: ApplianceState) -> MockAppliance {
    let api = match product {
        Product::Connect => "connect-admin",
        Product::Operator => "operator-admin",
        _ => "admin",
    };
    MockAppliance::builder()
        .api(api)
        .state(state)
        .start()
        .await
        .expect("mock appliance starts")
}

fn kinds(probe: &Probe) -> Vec<ReasonKind> {
    probe.reasons.iter().map(|r| r.kind).collect()
}

/// The product groups of `/sd`: (product label, target names).
fn groups(exporter: &Exporter) -> Vec<(String, Vec<String>)> {
    let sd: serde_json::Value =
        serde_json::from_str(&exporter.service_discovery()).expect("SD is JSON");
    sd.as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            let product = g["labels"]["__meta_kerio_product"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let names = g["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect();
            (product, names)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_and_operator_states_have_the_fleet_reports_colour_and_kinds() {
    let mut mocks = Vec::new();
    let mut appliances = Vec::new();
    for product in [Product::Connect, Product::Operator] {
        for (state, name) in ApplianceState::ALL {
            let m = product_mock(product, state).await;
            appliances.push(managed(&format!("{product}-{name}"), &m).product(product));
            mocks.push(m);
        }
    }
    let e = exporter(appliances.clone());
    let report = poll(&appliances, &FleetOptions::default()).await;
    for row in &report.appliances {
        let probe = e.probe(&row.name, None, None).await.expect("configured");
        assert!(probe.up, "{}: {probe:#?}", row.name);
        assert_eq!(probe.status, row.status, "{}: {probe:#?}", row.name);
        let fleet_kinds: Vec<ReasonKind> = row.reasons.iter().map(|r| r.kind).collect();
        assert_eq!(kinds(&probe), fleet_kinds, "{}", row.name);
        assert!(
            !fleet_kinds.contains(&ReasonKind::Other),
            "{}: every reason has its kind: {:#?}",
            row.name,
            row.reasons
        );
        let colour = probe.value("kerio_status", &[("status", probe.status.as_str())]);
        assert_eq!(colour, Some(1.0), "{}", row.name);
        assert!(
            probe.collectors.iter().all(|(_, ok)| *ok),
            "{}: {:?}",
            row.name,
            probe.collectors
        );
        let product = row.product.map(Product::as_str).unwrap_or_default();
        let info = [("product", product)];
        assert_eq!(
            probe.value("kerio_product_info", &info),
            Some(1.0),
            "{}",
            row.name
        );
        assert_eq!(probe.version, row.version, "{}", row.name);
    }
    let groups = groups(&e);
    let products: Vec<&str> = groups.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(products, ["connect", "operator"]);
    assert!(
        groups.iter().all(|(_, names)| names.len() == 6),
        "{groups:?}"
    );
    for (m, a) in mocks.iter().zip(&appliances) {
        assert_eq!(
            e.logins(&a.name),
            1,
            "{}: one login of the exporter",
            a.name
        );
        assert_eq!(
            m.logins(),
            2,
            "{}: the fleet report's and the exporter's",
            a.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_has_its_mail_queue_alerts_and_users() {
    let healthy = product_mock(Product::Connect, ApplianceState::Healthy).await;
    let backlog = product_mock(Product::Connect, ApplianceState::MailQueueBacklog).await;
    let update = product_mock(Product::Connect, ApplianceState::UpdateAvailable).await;
    let full = product_mock(Product::Connect, ApplianceState::DiskFull).await;
    let e = exporter(vec![
        managed("mail", &healthy).product(Product::Connect),
        managed("backlog", &backlog).product(Product::Connect),
        managed("update", &update).product(Product::Connect),
        managed("full", &full).product(Product::Connect),
    ]);

    let p = e.probe("mail", None, None).await.expect("probe");
    assert_eq!(p.status, Status::Green, "{p:#?}");
    let version = [("product", "connect"), ("version", CONNECT_CURRENT_VERSION)];
    assert_eq!(p.value("kerio_product_info", &version), Some(1.0));
    assert_eq!(p.value("kerio_mail_queue_messages", &[]), Some(4.0));
    let volume = p.value("kerio_mail_queue_volume", &[("unit", "KiloBytes")]);
    assert!(volume.is_some_and(|v| v > 0.0), "{volume:?}");
    assert_eq!(p.value("kerio_update_available", &[]), Some(0.0));
    let none = [("result", "updNoUpdate")];
    assert_eq!(p.value("kerio_update_check_result", &none), Some(1.0));
    let used = p.value("kerio_memory_used_ratio", &[]).unwrap_or(0.0);
    assert!((0.34..0.36).contains(&used), "{used}");
    assert!(p.value("kerio_cpu_used_ratio", &[]).is_some());
    assert_eq!(p.value("kerio_disk_total_bytes", &[]), Some(500.0 * GIB));
    let licence = p.value("kerio_expiry_timestamp_seconds", &[("type", "License")]);
    assert!(licence.is_some_and(|at| at > now()), "{licence:?}");
    let registered = [("state", "rsProductRegistered")];
    assert_eq!(p.value("kerio_registration_state", &registered), Some(1.0));
    assert_eq!(p.value("kerio_licensed_users", &[]), Some(50.0));
    assert_eq!(p.value("kerio_users", &[]), Some(38.0));
    assert_eq!(p.value("kerio_users_allowed", &[]), Some(50.0));
    assert_eq!(p.value("kerio_alerts", &[("type", "Critical")]), Some(0.0));
    let names: Vec<&str> = p.collectors.iter().map(|(n, _)| *n).collect();
    for name in [
        "product",
        "health",
        "registration",
        "mail_queue",
        "alerts",
        "users",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }

    let b = e.probe("backlog", None, None).await.expect("probe");
    assert_eq!(b.status, Status::Yellow);
    assert_eq!(kinds(&b), [ReasonKind::MailQueueBacklog]);
    assert_eq!(b.reasons[0].figures.mail_queue_messages, Some(240));
    assert_eq!(b.value("kerio_mail_queue_messages", &[]), Some(240.0));
    let reason = [("reason", "mail_queue_backlog"), ("status", "yellow")];
    assert_eq!(b.value("kerio_status_reason", &reason), Some(1.0));

    let u = e.probe("update", None, None).await.expect("probe");
    assert_eq!(kinds(&u), [ReasonKind::UpdateAvailable]);
    assert_eq!(u.value("kerio_update_available", &[]), Some(1.0));
    let older = [("version", CONNECT_OLDER_VERSION)];
    assert_eq!(u.value("kerio_product_info", &older), Some(1.0));

    let f = e.probe("full", None, None).await.expect("probe");
    assert_eq!(f.status, Status::Red);
    assert_eq!(f.value("kerio_alerts", &[("type", "Critical")]), Some(1.0));
    let text = f.to_openmetrics();
    assert!(text.contains("# HELP kerio_mail_queue_volume"), "{text}");
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_shows_disk_storage_and_load_of_unknown_unit_unjudged() {
    let healthy = product_mock(Product::Operator, ApplianceState::Healthy).await;
    let low = product_mock(Product::Operator, ApplianceState::LowMemory).await;
    let expired = product_mock(Product::Operator, ApplianceState::LicenseExpired).await;
    let e = exporter(vec![
        managed("pbx", &healthy).product(Product::Operator),
        managed("low", &low).product(Product::Operator),
        managed("expired", &expired).product(Product::Operator),
    ]);

    let p = e.probe("pbx", None, None).await.expect("probe");
    assert_eq!(p.status, Status::Green, "{p:#?}");
    let version = [
        ("product", "operator"),
        ("version", OPERATOR_CURRENT_VERSION),
    ];
    assert_eq!(p.value("kerio_product_info", &version), Some(1.0));
    assert_eq!(p.value("kerio_disk_total_bytes", &[]), Some(120.0 * GIB));
    assert_eq!(p.value("kerio_disk_free_bytes", &[]), Some(88.0 * GIB));
    assert_eq!(p.value("kerio_licensed_users", &[]), Some(40.0));
    assert_eq!(p.value("kerio_operator_extensions", &[]), Some(9.0));
    let voicemail = p.value("kerio_operator_storage_bytes", &[("kind", "voicemail")]);
    assert_eq!(voicemail, Some(2.5 * GIB));
    let maintenance = p.value(
        "kerio_expiry_timestamp_seconds",
        &[("type", "Subscription")],
    );
    assert!(maintenance.is_some_and(|at| at > now()), "{maintenance:?}");
    assert!(
        p.value("kerio_memory_used_ratio", &[]).is_none(),
        "no ratio of an unknown unit"
    );
    assert!(p.collectors.iter().all(|(_, ok)| *ok), "{:?}", p.collectors);

    let l = e.probe("low", None, None).await.expect("probe");
    assert_eq!(l.status, Status::Green, "memory is not judged: {l:#?}");
    let memory = l.value("kerio_operator_memory_used", &[]).unwrap_or(0.0);
    assert!((94.0..96.0).contains(&memory), "{memory}");

    let x = e.probe("expired", None, None).await.expect("probe");
    assert_eq!(x.status, Status::Red);
    assert_eq!(
        kinds(&x),
        [ReasonKind::LicenseExpired, ReasonKind::MaintenanceExpired]
    );
    let licence = x.value("kerio_expiry_timestamp_seconds", &[("type", "License")]);
    assert!(licence.is_some_and(|at| at < now()), "{licence:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_product_is_found_at_first_contact_and_kept_for_the_session() {
    let control = mock(ApplianceState::Healthy, Faults::new()).await;
    let connect = product_mock(Product::Connect, ApplianceState::MailQueueBacklog).await;
    let operator = product_mock(Product::Operator, ApplianceState::Healthy).await;
    let e = exporter(vec![
        managed("fw", &control),
        managed("mail", &connect),
        managed("pbx", &operator),
    ]);
    assert_eq!(
        groups(&e),
        [(
            "unknown".to_owned(),
            vec!["fw".to_owned(), "mail".to_owned(), "pbx".to_owned()]
        )],
        "not found out before the first probe"
    );
    for _ in 0..3 {
        let fw = e.probe("fw", None, None).await.expect("probe");
        assert_eq!(
            fw.value("kerio_product_info", &[("product", "control")]),
            Some(1.0)
        );
        let mail = e.probe("mail", None, None).await.expect("probe");
        assert_eq!(kinds(&mail), [ReasonKind::MailQueueBacklog], "{mail:#?}");
        assert_eq!(mail.value("kerio_mail_queue_messages", &[]), Some(240.0));
        let pbx = e.probe("pbx", None, None).await.expect("probe");
        assert_eq!(pbx.status, Status::Green, "{pbx:#?}");
        assert!(pbx.value("kerio_operator_extensions", &[]).is_some());
        assert!(
            pbx.collectors.iter().all(|(_, ok)| *ok),
            "{:?}",
            pbx.collectors
        );
    }
    for (name, m) in [("fw", &control), ("mail", &connect), ("pbx", &operator)] {
        assert_eq!(
            (m.logins(), e.logins(name)),
            (1, 1),
            "{name}: one login in all"
        );
    }
    let found = groups(&e);
    let by = |p: &str| found.iter().find(|(g, _)| g == p).map(|(_, n)| n.clone());
    assert_eq!(by("control"), Some(vec!["fw".to_owned()]));
    assert_eq!(by("connect"), Some(vec!["mail".to_owned()]));
    assert_eq!(by("operator"), Some(vec!["pbx".to_owned()]));
    let report = e.fleet_report();
    let products: Vec<Option<Product>> = report.appliances.iter().map(|a| a.product).collect();
    assert_eq!(
        products,
        [
            Some(Product::Control),
            Some(Product::Connect),
            Some(Product::Operator)
        ]
    );

    // A session the server dropped is renewed with a login of the product found.
    connect.expire_sessions();
    let mail = e.probe("mail", None, None).await.expect("probe");
    assert!(mail.up, "{mail:#?}");
    assert!(
        mail.collectors.iter().all(|(_, ok)| *ok),
        "{:?}",
        mail.collectors
    );
    assert_eq!((connect.logins(), e.logins("mail")), (2, 2));
    assert_eq!(e.logout_all().await, 3);
    for m in [&control, &connect, &operator] {
        assert_eq!(m.live_sessions(), 0, "logged out at shutdown");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_out_outlives_a_probe_cut_off_by_its_deadline() {
    let slow = MockAppliance::builder()
        .api("connect-admin")
        .faults(Faults::new().latency(Duration::from_millis(300)))
        .start()
        .await
        .expect("mock appliance starts");
    let e = exporter(vec![managed("mail", &slow)]);
    // Half a second: less than the login and the version reads need.
    let cut = e
        .probe("mail", None, Some(Duration::from_secs(1)))
        .await
        .expect("probe");
    assert!(!cut.up, "{cut:#?}");
    let probe = e.probe("mail", None, None).await.expect("probe");
    assert!(probe.up, "{probe:#?}");
    assert_eq!(
        probe.value("kerio_product_info", &[("product", "connect")]),
        Some(1.0)
    );
    assert_eq!(
        (slow.logins(), e.logins("mail")),
        (1, 1),
        "the login of the cut probe is the one kept"
    );
}

const GIB: f64 = 1_073_741_824.0;

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
