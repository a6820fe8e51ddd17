use super::*;
use crate::connect::admin::{ExpireInfo, ExpireType, RegistrationType, UpdateInfo};

/// The time of the poll in the tests: 2027-01-15 08:00 UTC.
const NOW: i64 = 1_800_000_000;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

fn product(result: UpdateCheckerStatus, description: &str) -> ProductInfo {
    ProductInfo {
        product_name: Some("Kerio Connect".into()),
        version: Some("10.0.6".into()),
        build_number: Some("8504".into()),
        update_info: Some(UpdateInfo {
            result: Some(result),
            description: Some(description.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn health(memory_percent: f64, disk_free_gib: f64) -> SystemHealthData {
    SystemHealthData {
        memory: Some(vec![
            memory_percent - 1.0,
            memory_percent,
            memory_percent + 1.0,
        ]),
        memory_total: Some(8.0 * GIB),
        disk_total: Some(500.0 * GIB),
        disk_free: Some(disk_free_gib * GIB),
        ..Default::default()
    }
}

fn registration(days: i64) -> RegistrationFullStatus {
    let expiry = |kind| ExpireInfo {
        r#type: Some(kind),
        is_unlimited: Some(false),
        remaining_days: Some(days),
        date: None,
    };
    RegistrationFullStatus {
        reg_type: Some(RegistrationType::RsProductRegistered),
        expirations: Some(vec![
            expiry(ExpireType::License),
            expiry(ExpireType::Subscription),
        ]),
        ..Default::default()
    }
}

fn queue(messages: i64) -> MailQueue {
    MailQueue {
        messages,
        volume: ByteValueWithUnits {
            value: Some(messages * 30),
            units: Some(ByteUnits::KiloBytes),
        },
    }
}

fn healthy() -> Readings {
    Readings {
        product: Ok(product(UpdateCheckerStatus::UpdNoUpdate, "")),
        health: Ok(health(35.0, 312.0)),
        registration: Ok(registration(365)),
        queue: Ok(queue(4)),
    }
}

fn judge(readings: &Readings) -> (Status, Vec<String>) {
    let (status, reasons) = assess(readings, &Thresholds::default(), NOW);
    assert!(reasons.iter().all(|r| r.status <= status));
    (status, reasons.into_iter().map(|r| r.text).collect())
}

#[test]
fn a_healthy_server_is_green_with_every_figure() {
    let (status, texts) = judge(&healthy());
    assert_eq!(status, Status::Green);
    assert_eq!(
        texts,
        [
            "Online, nothing needs attention: memory 35% of 8.0 GiB in use, \
          disk 312.0 GiB free of 500.0 GiB (62%), licence valid for 365 more days, \
          software maintenance valid for 365 more days, \
          mail queue 4 messages waiting, 120 kilobytes"
        ]
    );
}

#[test]
fn an_update_names_the_running_version_and_a_failed_check_its_message() {
    let readings = Readings {
        product: Ok(product(
            UpdateCheckerStatus::UpdNewVersion,
            "Kerio Connect 10.1.0 is available",
        )),
        ..healthy()
    };
    assert_eq!(
        judge(&readings),
        (
            Status::Yellow,
            vec![
                "An update is available (running 10.0.6 build 8504): Kerio Connect 10.1.0 is available"
                    .to_owned()
            ]
        )
    );
    let readings = Readings {
        product: Ok(product(UpdateCheckerStatus::UpdError, "")),
        ..healthy()
    };
    assert_eq!(
        judge(&readings).1,
        ["The last update check failed"],
        "no message: none is invented"
    );
}

#[test]
fn low_memory_and_a_nearly_full_disk_follow_control_thresholds() {
    let readings = Readings {
        health: Ok(health(95.0, 7.0)),
        ..healthy()
    };
    let (status, texts) = judge(&readings);
    assert_eq!(status, Status::Red);
    assert_eq!(
        texts,
        [
            "The disk is nearly full: 7.0 GiB free of 500.0 GiB (1%)",
            "Memory is low: 95% of 8.0 GiB in use over the last two hours"
        ]
    );
}

#[test]
fn expired_and_expiring_licences_count_as_for_control() {
    let readings = Readings {
        registration: Ok(registration(-3)),
        ..healthy()
    };
    let (status, texts) = judge(&readings);
    assert_eq!(status, Status::Red);
    assert_eq!(
        texts,
        [
            "The licence expired 3 days ago",
            "The software maintenance expired 3 days ago"
        ]
    );
    let readings = Readings {
        registration: Ok(registration(10)),
        ..healthy()
    };
    assert_eq!(judge(&readings).0, Status::Yellow);
}

#[test]
fn the_mail_queue_is_yellow_then_red_at_its_thresholds() {
    for (messages, status, text) in [
        (99, Status::Green, ""),
        (
            100,
            Status::Yellow,
            "The mail queue is backed up: 100 messages waiting, 3000 kilobytes",
        ),
        (
            1000,
            Status::Red,
            "The mail queue is stuck: 1000 messages waiting, 30000 kilobytes",
        ),
    ] {
        let readings = Readings {
            queue: Ok(queue(messages)),
            ..healthy()
        };
        let (found, texts) = judge(&readings);
        assert_eq!(found, status, "{messages}: {texts:?}");
        if !text.is_empty() {
            assert_eq!(texts, [text]);
        }
    }
    let limits = Thresholds::default().mail_queue_messages(3);
    let (status, reasons) = assess(&healthy(), &limits, NOW);
    assert_eq!(status, Status::Yellow, "{reasons:?}");
}

#[test]
fn a_volume_without_a_unit_is_left_out_and_one_message_is_singular() {
    let readings = Readings {
        queue: Ok(MailQueue {
            messages: 1,
            volume: ByteValueWithUnits {
                value: Some(12),
                units: None,
            },
        }),
        ..healthy()
    };
    let text = judge(&readings).1.join("");
    assert!(text.ends_with("mail queue 1 message waiting"), "{text}");
}

#[test]
fn a_failed_read_is_yellow_and_says_what_was_not_checked() {
    let readings = Readings {
        queue: Err("Method Queue.get not found.".into()),
        ..healthy()
    };
    assert_eq!(
        judge(&readings),
        (
            Status::Yellow,
            vec!["The mail queue could not be read: Method Queue.get not found.".to_owned()]
        )
    );
}

#[test]
fn the_version_joins_the_build_once() {
    let mut info = product(UpdateCheckerStatus::UpdNoUpdate, "");
    assert_eq!(version(&info).as_deref(), Some("10.0.6 build 8504"));
    info.version = Some("10.0.6 build 8504".into());
    assert_eq!(version(&info).as_deref(), Some("10.0.6 build 8504"));
    info.version = Some(" ".into());
    assert_eq!(version(&info), None);
}

#[test]
fn every_reason_has_its_kind() {
    use crate::fleet::ReasonKind as K;
    let kinds = |readings: &Readings| -> Vec<K> {
        let (_, reasons) = assess(readings, &Thresholds::default(), NOW);
        reasons.iter().map(|r| r.kind).collect()
    };
    assert_eq!(kinds(&healthy()), [K::Online]);
    let worn = Readings {
        product: Ok(product(UpdateCheckerStatus::UpdNewVersion, "")),
        health: Ok(health(95.0, 30.0)),
        registration: Ok(registration(12)),
        queue: Ok(queue(1000)),
    };
    assert_eq!(
        kinds(&worn),
        [
            K::MailQueueStuck,
            K::UpdateAvailable,
            K::MemoryLow,
            K::DiskLow,
            K::LicenseExpiring,
            K::MaintenanceExpiring
        ]
    );
    let failing = Readings {
        product: Ok(product(UpdateCheckerStatus::UpdError, "")),
        registration: Ok(registration(-1)),
        queue: Ok(queue(100)),
        ..healthy()
    };
    assert_eq!(
        kinds(&failing),
        [
            K::LicenseExpired,
            K::MaintenanceExpired,
            K::UpdateFailed,
            K::MailQueueBacklog
        ]
    );
    let failed = Readings {
        product: Err("timeout".into()),
        health: Err("timeout".into()),
        registration: Err("timeout".into()),
        queue: Err("timeout".into()),
    };
    assert_eq!(kinds(&failed), [K::ReadFailed; 4]);
    assert_eq!(K::MailQueueBacklog.as_str(), "mail_queue_backlog");
}

#[test]
fn the_mail_queue_reason_carries_its_count_and_threshold() {
    let readings = Readings {
        queue: Ok(queue(240)),
        ..healthy()
    };
    let (_, reasons) = assess(&readings, &Thresholds::default(), NOW);
    let figures = &reasons[0].figures;
    assert_eq!(figures.mail_queue_messages, Some(240));
    assert_eq!(figures.threshold, Some(100.0));
    let json = serde_json::to_value(&reasons[0]).unwrap_or_default();
    assert_eq!(json["kind"], "mail_queue_backlog");
    assert_eq!(json["figures"]["mail_queue_messages"], 240);
}
