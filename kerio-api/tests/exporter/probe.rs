//! Probes through the library: metrics per state and the fleet report's colours,
//! sessions, faults, deadlines and limits.

use std::sync::Arc;
use std::time::Instant;

use kerio_api::exporter::{Module, ProbeError};
use kerio_api::fleet::{ReasonKind, Status, poll};
use kerio_api::mock::{CURRENT_VERSION, OLDER_VERSION, Reply};

use super::*;

/// The kinds of a probe's reasons.
fn kinds(probe: &kerio_api::exporter::Probe) -> Vec<ReasonKind> {
    probe.reasons.iter().map(|r| r.kind).collect()
}

#[tokio::test]
async fn every_state_has_the_fleet_reports_colour_and_its_figures() {
    let mut mocks = Vec::new();
    let mut appliances = Vec::new();
    for (state, name) in ApplianceState::ALL {
        let m = mock(state, Faults::new()).await;
        appliances.push(managed(name, &m));
        mocks.push(m);
    }
    let unmanaged = mock(ApplianceState::Healthy, Faults::new()).await;
    appliances.push(Appliance::new("unmanaged", unmanaged.url()));
    appliances.push(
        Appliance::new("dead", dead_address())
            .credentials("admin", PasswordSource::Value("unused".into())),
    );
    let e = exporter(appliances.clone());
    let report = poll(&appliances, &FleetOptions::default()).await;
    for row in &report.appliances {
        let probe = e.probe(&row.name, None, None).await.expect("configured");
        assert_eq!(probe.status, row.status, "{}: {probe:#?}", row.name);
        let fleet_kinds: Vec<ReasonKind> = row.reasons.iter().map(|r| r.kind).collect();
        assert_eq!(kinds(&probe), fleet_kinds, "{}", row.name);
        let colour = probe.value("kerio_status", &[("status", probe.status.as_str())]);
        assert_eq!(colour, Some(1.0), "{}", row.name);
        let others = ["green", "yellow", "red", "grey"]
            .into_iter()
            .filter(|c| *c != probe.status.as_str())
            .filter_map(|c| probe.value("kerio_status", &[("status", c)]));
        assert!(others.into_iter().all(|v| v == 0.0), "{}", row.name);
    }

    let healthy = e.probe("healthy", None, None).await.expect("probe");
    assert_eq!(healthy.value("kerio_up", &[]), Some(1.0));
    assert_eq!(healthy.status, Status::Green);
    let version = [("product", "control"), ("version", CURRENT_VERSION)];
    assert_eq!(healthy.value("kerio_product_info", &version), Some(1.0));
    let internet = [("interface", "Internet"), ("status", "Up")];
    assert_eq!(
        healthy.value("kerio_interface_link_status", &internet),
        Some(1.0)
    );
    assert_eq!(healthy.value("kerio_vpn_tunnels_up", &[]), Some(1.0));
    assert_eq!(healthy.value("kerio_active_hosts", &[]), Some(6.0));
    assert_eq!(healthy.value("kerio_mykerio_connected", &[]), Some(1.0));
    assert_eq!(healthy.value("kerio_warnings", &[]), Some(0.0));
    assert!(
        healthy
            .value("kerio_uptime_seconds", &[])
            .is_some_and(|s| s > 86_400.0)
    );
    assert!(healthy.collectors.iter().all(|(_, ok)| *ok), "{healthy:#?}");
    assert_eq!(healthy.collectors.len(), 13);

    let update = e
        .probe("update-available", None, None)
        .await
        .expect("probe");
    assert_eq!(update.value("kerio_update_available", &[]), Some(1.0));
    let older = [("version", OLDER_VERSION)];
    assert_eq!(update.value("kerio_product_info", &older), Some(1.0));
    let reason = [("reason", "update_available"), ("status", "yellow")];
    assert_eq!(update.value("kerio_status_reason", &reason), Some(1.0));

    let low = e.probe("low-memory", None, None).await.expect("probe");
    let used = low.value("kerio_memory_used_ratio", &[]).unwrap_or(0.0);
    assert!((0.94..0.96).contains(&used), "{used}");
    assert_eq!(kinds(&low), [ReasonKind::MemoryLow]);

    let expired = e.probe("license-expired", None, None).await.expect("probe");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let licence = expired.value("kerio_expiry_timestamp_seconds", &[("type", "License")]);
    assert!(licence.is_some_and(|at| at < now), "{licence:?}");
    assert!(kinds(&expired).contains(&ReasonKind::LicenseExpired));

    let grey = e.probe("unmanaged", None, None).await.expect("probe");
    assert_eq!((grey.up, grey.status), (false, Status::Grey));
    assert_eq!(
        unmanaged.connections(),
        0,
        "an unmanaged appliance is not contacted"
    );

    let dead = e.probe("dead", None, None).await.expect("probe");
    assert_eq!(dead.value("kerio_up", &[]), Some(0.0));
    assert_eq!(kinds(&dead), [ReasonKind::Offline]);
    assert!(dead.value("kerio_product_info", &[]).is_none());
}

#[tokio::test]
async fn one_session_is_kept_across_probes_and_renewed_when_it_expired() {
    let m = mock(ApplianceState::Healthy, Faults::new()).await;
    let e = exporter(vec![managed("fw", &m)]);
    for _ in 0..5 {
        assert!(e.probe("fw", None, None).await.expect("probe").up);
    }
    assert_eq!((m.logins(), e.logins("fw")), (1, 1));
    m.expire_sessions();
    let probe = e.probe("fw", None, None).await.expect("probe");
    assert!(probe.up, "{probe:#?}");
    assert!(probe.collectors.iter().all(|(_, ok)| *ok), "{probe:#?}");
    assert_eq!((m.logins(), e.logins("fw")), (2, 2));
    assert_eq!(m.live_sessions(), 1, "the expired session is not kept");

    // Sessions that end every few calls, in the middle of probes.
    let busy = mock(ApplianceState::Healthy, Faults::new().expire_after(7)).await;
    let e = exporter(vec![managed("busy", &busy)]);
    for _ in 0..20 {
        let probe = e.probe("busy", None, None).await.expect("probe");
        assert!(probe.up && probe.status == Status::Green, "{probe:#?}");
    }
    assert_eq!(e.logins("busy"), busy.logins() as u64);
    assert!(busy.logins() < 20, "logins only when the session is gone");
    assert_eq!(e.logout_all().await, 1);
    assert_eq!(busy.live_sessions(), 0);
}

#[tokio::test]
async fn concurrent_scrapes_of_a_target_share_one_probe() {
    let latency = Faults::new().latency(Duration::from_millis(300));
    let m = mock(ApplianceState::Healthy, latency).await;
    let e = exporter(vec![managed("fw", &m)]);
    let probes = futures_util::future::join_all((0..5).map(|_| e.probe("fw", None, None))).await;
    let first = probes[0].clone().expect("probe");
    for probe in &probes {
        assert!(Arc::ptr_eq(&first, probe.as_ref().expect("probe")));
    }
    assert_eq!(m.logins(), 1);
    assert_eq!(
        m.requests_for("Batch.run").len(),
        2,
        "one status and one extras batch"
    );
    let own = e.own_metrics();
    assert!(
        own.contains("kerio_exporter_probes_shared_total 4"),
        "{own}"
    );
    assert!(
        own.contains("kerio_exporter_probes_total{target=\"fw\"} 1"),
        "{own}"
    );
}

#[tokio::test]
async fn a_slow_or_dead_appliance_costs_its_own_probe_only() {
    let slow = mock(
        ApplianceState::Healthy,
        Faults::new().latency(Duration::from_secs(8)),
    )
    .await;
    let fine = mock(ApplianceState::Healthy, Faults::new()).await;
    let e = exporter(vec![
        managed("slow", &slow),
        managed("fine", &fine),
        Appliance::new("dead", dead_address())
            .credentials("admin", PasswordSource::Value("unused".into())),
    ]);
    let timeout = Some(Duration::from_secs(2));
    let started = Instant::now();
    let (slow_probe, fine_probe, dead_probe) = tokio::join!(
        e.probe("slow", None, timeout),
        e.probe("fine", None, timeout),
        e.probe("dead", None, timeout),
    );
    let slow_probe = slow_probe.expect("probe");
    // The deadline (2 s less the margin) holds although the appliance takes 8 s.
    assert!(started.elapsed() < Duration::from_secs(8));
    assert_eq!((slow_probe.up, slow_probe.status), (false, Status::Red));
    assert_eq!(kinds(&slow_probe), [ReasonKind::Offline]);
    assert!(
        slow_probe.reasons[0]
            .text
            .contains("No answer within 1.5 s")
    );
    let fine_probe = fine_probe.expect("probe");
    assert!(fine_probe.up && fine_probe.status == Status::Green);
    assert!(!dead_probe.expect("probe").up);
}

#[tokio::test]
async fn a_probe_cut_off_by_its_deadline_reports_what_it_has() {
    let m = mock(ApplianceState::Healthy, Faults::new()).await;
    // The batch of the extra collectors (it lists the interfaces) answers late.
    m.on("Batch.run", |call| {
        if call.params.to_string().contains("Interfaces.get") {
            Reply::Builtin.delayed(Duration::from_secs(8))
        } else {
            Reply::Builtin
        }
    });
    let e = exporter(vec![managed("fw", &m)]);
    let probe = e
        .probe("fw", None, Some(Duration::from_secs(2)))
        .await
        .expect("probe");
    assert!(probe.up && probe.status == Status::Green, "{probe:#?}");
    assert!(probe.value("kerio_disk_free_bytes", &[]).is_some());
    let interfaces = [("collector", "interfaces")];
    assert_eq!(
        probe.value("kerio_collector_success", &interfaces),
        Some(0.0)
    );
    assert_eq!(
        probe.value("kerio_collector_success", &[("collector", "health")]),
        Some(1.0)
    );
    assert!(probe.value("kerio_interface_enabled", &[]).is_none());
}

#[tokio::test]
async fn a_failing_collector_drops_its_own_series_only() {
    let m = mock(ApplianceState::Healthy, Faults::new()).await;
    m.reply(
        "Interfaces.get",
        Reply::error(-32000, "Internal failure.", &[]),
    );
    // Firmware without high availability does not know the method: no failure.
    m.reply(
        "HighAvailability.getStatus",
        Reply::error(-32601, "Method not found.", &[]),
    );
    let e = exporter(vec![managed("fw", &m)]);
    let probe = e.probe("fw", None, None).await.expect("probe");
    assert!(probe.up && probe.status == Status::Green);
    let ok = |name: &str| probe.value("kerio_collector_success", &[("collector", name)]);
    assert_eq!(ok("interfaces"), Some(0.0));
    assert_eq!(ok("high_availability"), Some(1.0));
    assert_eq!(ok("uptime"), Some(1.0));
    assert!(probe.value("kerio_interface_enabled", &[]).is_none());
    assert!(probe.value("kerio_vpn_tunnels", &[]).is_none());
    assert!(probe.value("kerio_high_availability_status", &[]).is_none());
    assert!(probe.value("kerio_uptime_seconds", &[]).is_some());
    let own = e.own_metrics();
    assert!(
        own.contains("kerio_exporter_collector_errors_total{collector=\"interfaces\"} 1"),
        "{own}"
    );
}

#[tokio::test]
async fn modules_choose_the_collectors_and_unknown_names_are_refused() {
    let m = mock(ApplianceState::Healthy, Faults::new()).await;
    let options = FleetOptions::default();
    let config = ExporterConfig::for_appliances(vec![managed("fw", &m)], options).module(
        "quick",
        Module::new(Duration::from_secs(5)).collectors(["uptime"]),
    );
    let e = Exporter::new(config).expect("valid");
    assert_eq!(
        e.probe("other", None, None).await.err(),
        Some(ProbeError::UnknownTarget("other".into()))
    );
    assert_eq!(
        e.probe("fw", Some("nope"), None).await.err(),
        Some(ProbeError::UnknownModule("nope".into()))
    );
    assert_eq!(
        m.connections(),
        0,
        "nothing is contacted for a refused probe"
    );
    let quick = e.probe("fw", Some("quick"), None).await.expect("probe");
    let names: Vec<&str> = quick.collectors.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        ["product", "update", "health", "registration", "uptime"]
    );
    assert!(quick.value("kerio_interface_enabled", &[]).is_none());
    assert_eq!(quick.module, "quick");
}

#[tokio::test]
async fn probes_beyond_the_limit_wait_then_give_up_as_busy() {
    let slow = mock(
        ApplianceState::Healthy,
        Faults::new().latency(Duration::from_secs(3)),
    )
    .await;
    let other = mock(ApplianceState::Healthy, Faults::new()).await;
    let options = FleetOptions::default();
    let config = ExporterConfig::for_appliances(
        vec![managed("slow", &slow), managed("other", &other)],
        options,
    )
    .max_probes_in_flight(1);
    let e = Exporter::new(config).expect("valid");
    let (first, second) = tokio::join!(e.probe("slow", None, None), async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        e.probe("other", None, Some(Duration::from_secs(1))).await
    });
    assert!(first.expect("probe").up);
    assert_eq!(second.err(), Some(ProbeError::Busy(1)));
    assert!(
        e.own_metrics()
            .contains("kerio_exporter_probes_busy_total 1")
    );
    // Once the slot is free, the same probe runs.
    assert!(e.probe("other", None, None).await.expect("probe").up);
}

#[test]
fn the_readme_names_every_metric() {
    // Outside the repository (a packaged crate) there is no README beside the crate.
    let Ok(readme) = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
    else {
        return;
    };
    for def in Exporter::metric_defs() {
        let named = readme.contains(&format!("`{}`", def.name))
            || readme.contains(&format!("`{}{{", def.name));
        assert!(named, "the README's exporter section lacks {}", def.name);
    }
}

/// A build without Kerio Operator's feature reports an Operator appliance as such, red,
/// and never contacts it as another product.
#[cfg(not(feature = "operator-admin"))]
#[tokio::test]
async fn a_product_the_build_lacks_is_reported_not_probed_as_control() {
    use kerio_api::fleet::Product;
    let m = mock(ApplianceState::Healthy, Faults::new()).await;
    let e = exporter(vec![managed("pbx", &m).product(Product::Operator)]);
    let probe = e.probe("pbx", None, None).await.expect("probe");
    assert_eq!((probe.up, probe.status), (false, Status::Red));
    assert_eq!(kinds(&probe), [ReasonKind::Configuration]);
    assert!(
        probe.reasons[0].text.contains("operator-admin"),
        "{:?}",
        probe.reasons
    );
    assert_eq!(m.connections(), 0, "not contacted");
    assert!(
        e.service_discovery()
            .contains("\"__meta_kerio_product\": \"operator\"")
    );
}
