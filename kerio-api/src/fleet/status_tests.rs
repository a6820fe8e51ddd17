use super::*;

/// The time of the poll in the tests: 2027-01-15 08:00 UTC.
const NOW: i64 = 1_800_000_000;

fn judge(readings: &Readings, limits: &Thresholds) -> (Status, Vec<Reason>) {
    assess(readings, limits, NOW)
}

fn product() -> ProductInformation {
    ProductInformation {
        version_string: Some("9.4.5 build 8573".into()),
        ..Default::default()
    }
}

fn update(new_version: bool) -> UpdateCheckerInfo {
    UpdateCheckerInfo {
        status: Some(UpdateStatus::UpdateStatusOk),
        new_version: Some(new_version),
        description: new_version.then(|| "Kerio Control 9.4.6".into()),
        ..Default::default()
    }
}

fn health(memory_percent: f64) -> SystemHealthData {
    SystemHealthData {
        memory: Some(vec![
            memory_percent - 1.0,
            memory_percent,
            memory_percent + 1.0,
        ]),
        memory_total: Some(4.0 * 1024.0 * 1024.0), // KiB, as appliances send it
        disk_total: Some(100.0 * 1024.0 * 1024.0 * 1024.0),
        disk_free: Some(60.0 * 1024.0 * 1024.0 * 1024.0),
        ..Default::default()
    }
}

fn expiry(kind: ExpireType, days: i64) -> ExpireInfo {
    ExpireInfo {
        r#type: Some(kind),
        is_unlimited: Some(false),
        remaining_days: Some(days),
        date: None,
    }
}

fn registration(licence_days: i64, maintenance_days: i64) -> RegistrationFullStatus {
    RegistrationFullStatus {
        reg_type: Some(RegistrationType::RsProductRegistered),
        expirations: Some(vec![
            expiry(ExpireType::License, licence_days),
            expiry(ExpireType::Subscription, maintenance_days),
        ]),
        ..Default::default()
    }
}

fn healthy() -> Readings {
    Readings {
        product: Ok(product()),
        update: Ok(update(false)),
        health: Ok(health(40.0)),
        registration: Ok(registration(200, 120)),
    }
}

fn texts(reasons: &[Reason]) -> Vec<&str> {
    reasons.iter().map(|r| r.text.as_str()).collect()
}

#[test]
fn a_healthy_appliance_is_green_with_its_figures() {
    let (status, reasons) = judge(&healthy(), &Thresholds::default());
    assert_eq!(status, Status::Green);
    assert_eq!(
        texts(&reasons),
        [
            "Online, nothing needs attention: memory 40% of 4.0 GiB in use, \
          disk 60.0 GiB free of 100.0 GiB (60%), licence valid for 200 more days, \
          software maintenance valid for 120 more days"
        ]
    );
}

#[test]
fn an_available_update_is_yellow_and_names_the_version() {
    let readings = Readings {
        update: Ok(update(true)),
        ..healthy()
    };
    let (status, reasons) = judge(&readings, &Thresholds::default());
    assert_eq!(status, Status::Yellow);
    assert_eq!(
        texts(&reasons),
        ["An update is available (running 9.4.5 build 8573): Kerio Control 9.4.6"]
    );
}

#[test]
fn a_failed_update_check_is_yellow_with_the_appliances_message() {
    let readings = Readings {
        update: Ok(UpdateCheckerInfo {
            status: Some(UpdateStatus::UpdateStatusCheckFailed),
            update_error_descr: Some("Cannot resolve the update server".into()),
            ..Default::default()
        }),
        ..healthy()
    };
    let (status, reasons) = judge(&readings, &Thresholds::default());
    assert_eq!(status, Status::Yellow);
    assert_eq!(
        texts(&reasons),
        ["The last update check failed: Cannot resolve the update server"]
    );
}

#[test]
fn memory_at_the_threshold_is_low_and_the_threshold_is_configurable() {
    let readings = Readings {
        health: Ok(health(92.0)),
        ..healthy()
    };
    let (status, reasons) = judge(&readings, &Thresholds::default());
    assert_eq!(status, Status::Yellow);
    assert_eq!(
        texts(&reasons),
        ["Memory is low: 92% of 4.0 GiB in use over the last two hours"]
    );
    let relaxed = Thresholds::default().memory_used_percent(95.0);
    assert_eq!(judge(&readings, &relaxed).0, Status::Green);
    let strict = Thresholds::default().memory_used_percent(92.0);
    assert_eq!(judge(&readings, &strict).0, Status::Yellow);
}

#[test]
fn memory_is_judged_by_the_mean_whatever_the_order_of_samples() {
    let mut data = health(0.0);
    data.memory = Some(vec![99.0, 10.0, 11.0, 12.0]);
    let readings = Readings {
        health: Ok(data),
        ..healthy()
    };
    let (status, _) = judge(&readings, &Thresholds::default());
    assert_eq!(status, Status::Green, "mean 33% is not low memory");
}

#[test]
fn low_disk_is_yellow_and_a_nearly_full_disk_red() {
    let gib = 1024.0 * 1024.0 * 1024.0;
    let with_free = |free: f64| {
        let mut data = health(40.0);
        data.disk_free = Some(free * gib);
        Readings {
            health: Ok(data),
            ..healthy()
        }
    };
    let (status, reasons) = judge(&with_free(5.0), &Thresholds::default());
    assert_eq!(status, Status::Yellow);
    assert_eq!(
        texts(&reasons),
        ["Disk space is low: 5.0 GiB free of 100.0 GiB (5%)"]
    );
    let (status, reasons) = judge(&with_free(1.0), &Thresholds::default());
    assert_eq!(status, Status::Red);
    assert_eq!(
        texts(&reasons),
        ["The disk is nearly full: 1.0 GiB free of 100.0 GiB (1%)"]
    );
}

#[test]
fn an_expired_licence_is_red_and_comes_before_minor_issues() {
    let readings = Readings {
        update: Ok(update(true)),
        registration: Ok(registration(-3, 200)),
        ..healthy()
    };
    let (status, reasons) = judge(&readings, &Thresholds::default());
    assert_eq!(status, Status::Red);
    assert_eq!(
        texts(&reasons),
        [
            "The licence expired 3 days ago",
            "An update is available (running 9.4.5 build 8573): Kerio Control 9.4.6"
        ]
    );
    assert_eq!(reasons[0].status, Status::Red);
    assert_eq!(reasons[1].status, Status::Yellow);
}

#[test]
fn expired_software_maintenance_is_red_and_a_soon_expiry_yellow() {
    let readings = Readings {
        registration: Ok(registration(10, -1)),
        ..healthy()
    };
    let (status, reasons) = judge(&readings, &Thresholds::default());
    assert_eq!(status, Status::Red);
    assert_eq!(
        texts(&reasons),
        [
            "The software maintenance expired 1 day ago",
            "The licence expires in 10 days"
        ]
    );
    let (status, _) = judge(&readings, &Thresholds::default().expiry_warning_days(5));
    assert_eq!(status, Status::Red, "the expired maintenance stays red");
    let soon = Readings {
        registration: Ok(registration(0, 200)),
        ..healthy()
    };
    assert_eq!(
        texts(&judge(&soon, &Thresholds::default()).1),
        ["The licence expires today"]
    );
}

#[test]
fn unlimited_expirations_and_an_expired_trial() {
    let unlimited = Readings {
        registration: Ok(RegistrationFullStatus {
            reg_type: Some(RegistrationType::RsProductRegistered),
            expirations: Some(vec![ExpireInfo {
                r#type: Some(ExpireType::License),
                is_unlimited: Some(true),
                remaining_days: Some(-5),
                date: None,
            }]),
            ..Default::default()
        }),
        ..healthy()
    };
    assert_eq!(judge(&unlimited, &Thresholds::default()).0, Status::Green);
    let trial = Readings {
        registration: Ok(RegistrationFullStatus {
            reg_type: Some(RegistrationType::RsTrialExpired),
            ..Default::default()
        }),
        ..healthy()
    };
    let (status, reasons) = judge(&trial, &Thresholds::default());
    assert_eq!(status, Status::Red);
    assert_eq!(
        texts(&reasons),
        ["The trial licence has expired (registration state rsTrialExpired)"]
    );
}

#[test]
fn a_failed_read_is_yellow_and_says_which() {
    let readings = Readings {
        registration: Err("ProductRegistration.getFullStatus: access denied".into()),
        ..healthy()
    };
    let (status, reasons) = judge(&readings, &Thresholds::default());
    assert_eq!(status, Status::Yellow);
    assert_eq!(
        texts(&reasons),
        ["The licence state could not be read: ProductRegistration.getFullStatus: access denied"]
    );
}

#[test]
fn an_empty_reply_is_green_without_figures() {
    let readings = Readings {
        product: Ok(ProductInformation::default()),
        update: Ok(UpdateCheckerInfo::default()),
        health: Ok(SystemHealthData::default()),
        registration: Ok(RegistrationFullStatus::default()),
    };
    let (status, reasons) = judge(&readings, &Thresholds::default());
    assert_eq!(status, Status::Green);
    assert_eq!(texts(&reasons), ["Online, nothing needs attention"]);
}

#[test]
fn thresholds_out_of_range_are_refused() {
    assert!(Thresholds::default().validate().is_ok());
    assert!(
        Thresholds::default()
            .memory_used_percent(120.0)
            .validate()
            .is_err()
    );
    assert!(
        Thresholds::default()
            .expiry_warning_days(-1)
            .validate()
            .is_err()
    );
}

#[test]
fn bytes_are_shown_in_binary_units() {
    assert_eq!(bytes(512.0), "512 B");
    assert_eq!(bytes(1536.0), "1.5 KiB");
    assert_eq!(bytes(2.0 * 1024.0 * 1024.0 * 1024.0), "2.0 GiB");
}

#[test]
fn statuses_order_by_severity_and_sort_worst_first() {
    assert!(Status::Red > Status::Yellow && Status::Yellow > Status::Green);
    let mut all = [Status::Grey, Status::Green, Status::Red, Status::Yellow];
    all.sort_by_key(|s| s.sort_rank());
    assert_eq!(
        all,
        [Status::Red, Status::Yellow, Status::Green, Status::Grey]
    );
}

fn dated(remaining_days: Option<i64>, date: i64) -> Readings {
    Readings {
        registration: Ok(RegistrationFullStatus {
            reg_type: Some(RegistrationType::RsProductRegistered),
            expirations: Some(vec![ExpireInfo {
                r#type: Some(ExpireType::Subscription),
                is_unlimited: Some(false),
                remaining_days,
                date: Some(date),
            }]),
            ..Default::default()
        }),
        ..healthy()
    }
}

#[test]
fn a_past_date_is_expired_even_when_remaining_days_stop_at_zero() {
    let (status, reasons) = judge(&dated(Some(0), NOW - 30 * DAY), &Thresholds::default());
    assert_eq!(status, Status::Red);
    assert_eq!(
        texts(&reasons),
        ["The software maintenance expired 30 days ago"]
    );
    let (status, reasons) = judge(&dated(None, NOW - 2 * DAY), &Thresholds::default());
    assert_eq!(status, Status::Red);
    assert_eq!(
        texts(&reasons),
        ["The software maintenance expired 2 days ago"]
    );
}

#[test]
fn the_last_day_of_validity_is_not_expired() {
    let (status, reasons) = judge(&dated(Some(0), NOW - 3600), &Thresholds::default());
    assert_eq!(status, Status::Yellow);
    assert_eq!(texts(&reasons), ["The software maintenance expires today"]);
}

#[test]
fn dates_that_are_not_epoch_seconds_are_ignored() {
    // 20 260 101 would be 1970 as seconds: it looks like a packed date, not a time.
    let (status, reasons) = judge(&dated(Some(100), 20_260_101), &Thresholds::default());
    assert_eq!(status, Status::Green);
    assert!(
        reasons[0]
            .text
            .contains("software maintenance valid for 100 more days"),
        "{reasons:?}"
    );
}

#[test]
fn every_reason_has_its_kind() {
    let kinds = |readings: &Readings| -> Vec<ReasonKind> {
        judge(readings, &Thresholds::default())
            .1
            .iter()
            .map(|r| r.kind)
            .collect()
    };
    assert_eq!(kinds(&healthy()), [ReasonKind::Online]);
    let mut worn = healthy();
    worn.health = Ok(health(95.0));
    worn.update = Ok(update(true));
    worn.registration = Ok(registration(-3, 12));
    assert_eq!(
        kinds(&worn),
        [
            ReasonKind::LicenseExpired,
            ReasonKind::UpdateAvailable,
            ReasonKind::MemoryLow,
            ReasonKind::MaintenanceExpiring
        ]
    );
    let mut failed = healthy();
    failed.product = Err("timeout".into());
    assert_eq!(kinds(&failed), [ReasonKind::ReadFailed]);
    assert_eq!(ReasonKind::MemoryLow.as_str(), "memory_low");
    let json = serde_json::to_string(&ReasonKind::LicenseExpiring).unwrap_or_default();
    assert_eq!(json, "\"license_expiring\"");
}

#[test]
fn reasons_carry_their_figures() {
    let limits = Thresholds::default();
    let mut worn = healthy();
    worn.health = Ok(SystemHealthData {
        disk_free: Some(5.0 * 1024.0 * 1024.0 * 1024.0),
        ..health(95.0)
    });
    worn.registration = Ok(registration(-3, 12));
    let (_, reasons) = judge(&worn, &limits);
    let by_kind = |kind: ReasonKind| {
        reasons
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.figures.clone())
            .unwrap_or_else(|| panic!("no {kind:?} in {reasons:?}"))
    };
    let memory = by_kind(ReasonKind::MemoryLow);
    assert_eq!(memory.memory_used_percent, Some(95.0));
    assert_eq!(
        memory.memory_total_bytes,
        Some(4.0 * 1024.0 * 1024.0 * 1024.0)
    );
    assert_eq!(memory.threshold, Some(90.0));
    let disk = by_kind(ReasonKind::DiskLow);
    assert_eq!(disk.disk_free_percent, Some(5.0));
    assert_eq!(disk.threshold, Some(10.0));
    assert_eq!(by_kind(ReasonKind::LicenseExpired).days_expired, Some(3));
    let soon = by_kind(ReasonKind::MaintenanceExpiring);
    assert_eq!((soon.days_left, soon.threshold), (Some(12), Some(30.0)));
    // In JSON: the code and the figures beside the text; no figures, no member.
    let json = serde_json::to_value(&reasons).unwrap_or_default();
    assert_eq!(json[0]["kind"], "license_expired");
    assert_eq!(json[0]["figures"], serde_json::json!({"days_expired": 3}));
    let plain = serde_json::to_value(Reason::new(Status::Yellow, "x")).unwrap_or_default();
    assert!(plain.get("figures").is_none(), "{plain}");
}

#[test]
fn the_expiry_moment_agrees_with_the_rule() {
    for days in [-5, -1, 0, 1, 30] {
        let at = expires_at(&expiry(ExpireType::License, days), NOW).unwrap_or(i64::MIN);
        let (status, _) = judge(
            &Readings {
                registration: Ok(registration(days, 365)),
                ..healthy()
            },
            &Thresholds::default(),
        );
        assert_eq!(at <= NOW, status == Status::Red, "{days} days");
    }
    // A plausible date: expired a day after it.
    let dated = ExpireInfo {
        date: Some(NOW - 86_400 / 2),
        ..expiry(ExpireType::License, 0)
    };
    assert_eq!(expires_at(&dated, NOW), Some(NOW + 86_400 / 2));
    let unlimited = ExpireInfo {
        is_unlimited: Some(true),
        ..expiry(ExpireType::License, 0)
    };
    assert_eq!(expires_at(&unlimited, NOW), None);
}
