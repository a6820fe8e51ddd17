use super::*;
use crate::operator::admin::{ExpireInfo, ProductConstants};

/// The time of the poll in the tests: 2027-01-15 08:00 UTC.
const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

fn constants(software: &str) -> ServerConstants {
    ServerConstants {
        product: Some(ProductConstants {
            server_software: Some(software.into()),
            server_os: Some("Linux".into()),
        }),
    }
}

fn health(free_gib: f64) -> SystemHealthData {
    SystemHealthData {
        // Samples of an unknown unit: never judged, whatever they say.
        cpu: Some(vec![99.0; 3]),
        memory: Some(vec![99.0; 3]),
        disk_total: Some(120.0 * GIB),
        disk_free: Some(free_gib * GIB),
    }
}

fn expiry(days: i64) -> ExpireInfo {
    ExpireInfo {
        is_unlimited: Some(false),
        date: Some(NOW + days * DAY),
        remaining_days: Some(days.max(0)),
    }
}

fn registration(licence_days: i64, maintenance_days: i64) -> RegistrationFullStatus {
    RegistrationFullStatus {
        users: Some(40),
        expirations: Some(vec![expiry(licence_days), expiry(maintenance_days)]),
    }
}

fn healthy() -> Readings {
    Readings {
        constants: Ok(constants("Kerio Operator 2.8.0 build 9001")),
        health: Ok(health(88.0)),
        registration: Ok(registration(365, 200)),
    }
}

fn judge(readings: &Readings) -> (Status, Vec<String>) {
    let (status, reasons) = assess(readings, &Thresholds::default(), NOW);
    (status, reasons.into_iter().map(|r| r.text).collect())
}

#[test]
fn a_healthy_pbx_is_green_with_disk_and_expiries_and_memory_is_not_judged() {
    assert_eq!(
        judge(&healthy()),
        (
            Status::Green,
            vec![
                "Online, nothing needs attention: disk 88.0 GiB free of 120.0 GiB (73%), \
                 licence valid for 365 more days, software maintenance valid for 200 more days"
                    .to_owned()
            ]
        )
    );
    assert_eq!(
        version(&constants(" Kerio Operator 2.8.0 build 9001 ")).as_deref(),
        Some("Kerio Operator 2.8.0 build 9001")
    );
    assert_eq!(version(&ServerConstants::default()), None);
}

#[test]
fn the_disk_is_yellow_when_low_and_red_when_nearly_full() {
    let low = Readings {
        health: Ok(health(6.0)),
        ..healthy()
    };
    assert_eq!(
        judge(&low),
        (
            Status::Yellow,
            vec!["Disk space is low: 6.0 GiB free of 120.0 GiB (5%)".to_owned()]
        )
    );
    let full = Readings {
        health: Ok(health(1.2)),
        ..healthy()
    };
    assert_eq!(
        judge(&full),
        (
            Status::Red,
            vec!["The disk is nearly full: 1.2 GiB free of 120.0 GiB (1%)".to_owned()]
        )
    );
}

#[test]
fn the_first_expiry_is_the_licence_and_the_second_the_maintenance() {
    let readings = Readings {
        registration: Ok(registration(-30, 12)),
        ..healthy()
    };
    assert_eq!(
        judge(&readings),
        (
            Status::Red,
            vec![
                "The licence expired 30 days ago".to_owned(),
                "The software maintenance expires in 12 days".to_owned()
            ]
        )
    );
    let unlimited = Readings {
        registration: Ok(RegistrationFullStatus {
            users: None,
            expirations: Some(vec![ExpireInfo {
                is_unlimited: Some(true),
                date: Some(0),
                remaining_days: Some(0),
            }]),
        }),
        ..healthy()
    };
    assert_eq!(judge(&unlimited).0, Status::Green);
}

#[test]
fn failed_reads_are_yellow_and_say_what_was_not_checked() {
    let readings = Readings {
        constants: Err("Method Server.getConstantList not found.".into()),
        health: Err("timed out".into()),
        ..healthy()
    };
    assert_eq!(
        judge(&readings),
        (
            Status::Yellow,
            vec![
                "The product version could not be read: Method Server.getConstantList not found."
                    .to_owned(),
                "The disk could not be read: timed out".to_owned()
            ]
        )
    );
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
        health: Ok(health(1.0)),
        registration: Ok(registration(-2, 10)),
        ..healthy()
    };
    assert_eq!(
        kinds(&worn),
        [K::DiskFull, K::LicenseExpired, K::MaintenanceExpiring]
    );
    let low = Readings {
        health: Ok(health(6.0)),
        ..healthy()
    };
    assert_eq!(kinds(&low), [K::DiskLow]);
    let failed = Readings {
        constants: Err("timeout".into()),
        health: Err("timeout".into()),
        registration: Err("timeout".into()),
    };
    assert_eq!(kinds(&failed), [K::ReadFailed; 3]);
}
