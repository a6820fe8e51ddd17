//! Kerio Connect's profile: a small mail server of a made-up company, registered for 50
//! users (38 created), on a 500 GiB data partition with 8 GiB of memory, a few messages
//! waiting in the queue for a retry.
//!
//! The figures follow the units the spec gives (memory and disk in bytes, load in
//! percent, expiry dates in seconds since the Unix epoch, sizes of queued messages as a
//! number and a unit); the texts the server formats itself (`creationTime`, alert values,
//! a queued message's `status`) have no documented format, and are written to read
//! ordinarily.

use serde_json::{Value, json};

use super::{DAY, GIB, date_time, merge, now, series, set};
use crate::mock::ApplianceState;

/// The Kerio Connect version the mock runs, unless it plays `update-available`; the
/// fleet shows it as `info.version` and `info.buildNumber` of `Server.getProductInfo`.
pub const CURRENT_VERSION: &str = "10.1.0 build 9001";
/// The Kerio Connect version the mock runs when it plays `update-available`.
pub const OLDER_VERSION: &str = "10.0.6 build 8504";

const MEMORY_TOTAL: f64 = 8.0 * GIB;
const DISK_TOTAL: f64 = 500.0 * GIB;
const DISK_FREE: f64 = 312.0 * GIB;
/// Share of the disk left free in the `disk-full` state.
const FULL_SHARE: f64 = 0.01;
const LICENSED_USERS: i64 = 50;
const CREATED_USERS: i64 = 38;
/// Messages in the queue: normally, and in the `mail-queue-backlog` state.
const QUEUED: usize = 4;
const BACKLOG: usize = 240;

/// Puts the profile and the state into the result of `method`.
pub(super) fn patch(state: ApplianceState, method: &str, result: &mut Value) {
    let version = if state == ApplianceState::UpdateAvailable {
        OLDER_VERSION
    } else {
        CURRENT_VERSION
    };
    let (number, build) = version.split_once(" build ").unwrap_or((version, ""));
    let numbers: Vec<i64> = number
        .split('.')
        .chain(std::iter::once(build))
        .map(|n| n.parse().unwrap_or(0))
        .collect();
    let part = |i: usize| numbers.get(i).copied().unwrap_or(0);
    let expired = state == ApplianceState::LicenseExpired;
    let disk_free = if state == ApplianceState::DiskFull {
        DISK_TOTAL * FULL_SHARE
    } else {
        DISK_FREE
    };
    match method {
        "Server.getProductInfo" => merge(
            result,
            "info",
            json!({"productName": "Kerio Connect", "version": number, "buildNumber": build,
                   "osName": "Linux", "os": "Linux", "releaseType": "Final",
                   "deployedType": "DeployedKerioVA", "updateInfo": update_info(state)}),
        ),
        "Server.getVersion" => {
            for (key, value) in [
                ("product", json!("Kerio Connect")),
                ("version", json!(format!("{number}.{build}"))),
                ("major", json!(part(0))),
                ("minor", json!(part(1))),
                ("revision", json!(part(2))),
                ("build", json!(part(3))),
            ] {
                set(result, &[key], value);
            }
        }
        "Version.getProductVersion" => merge(
            result,
            "productVersion",
            json!({"productName": "Kerio Connect", "major": part(0), "minor": part(1),
                   "revision": part(2), "build": part(3), "order": 0,
                   "releaseType": "Final", "displayNumber": number}),
        ),
        "Server.getAboutInfo" => {
            let (remaining, date) = expiry(expired);
            merge(
                result,
                "aboutInformation",
                json!({"currentUsers": CREATED_USERS,
                   "allowedUsers": {"isUnlimited": false, "allowedUsers": LICENSED_USERS,
                                    "limit": LICENSED_USERS, "limitType": "LicenseLimit"},
                   "serverSoftware": format!("Kerio Connect {number}"),
                   "subscription": {"isUnlimited": false, "showAlert": expired,
                                    "remainingDays": remaining,
                                    // A JavaScript timestamp: milliseconds, as a string.
                                    "subscriptionDate": (date * 1000).to_string()},
                   "copyright": "Copyright Example Software Ltd.",
                   "productHomepage": "https://www.example.com/connect/"}),
            );
        }
        "Server.getAlertList" => set(result, &["alerts"], alerts(state, disk_free)),
        "SystemHealth.get" | "SystemHealth.getInc" => {
            let memory = if state == ApplianceState::LowMemory {
                95.0
            } else {
                35.0
            };
            merge(
                result,
                "data",
                json!({"cpu": series(12.0, 24), "memory": series(memory, 24),
                       "memoryTotal": MEMORY_TOTAL, "diskTotal": DISK_TOTAL,
                       "diskFree": disk_free}),
            );
        }
        "Statistics.get" => {
            let used = ((DISK_TOTAL - disk_free) / GIB).round() as i64;
            let percent = (DISK_TOTAL - disk_free) / DISK_TOTAL * 100.0;
            let storage = json!({"total": {"value": (DISK_TOTAL / GIB) as i64, "units": "GigaBytes"},
                                 "occupied": {"value": used, "units": "GigaBytes"},
                                 "percentage": format!("{percent:.0}")});
            set(result, &["statistics", "storage"], storage);
        }
        "ProductRegistration.getFullStatus" => {
            let (remaining, date) = expiry(expired);
            let expirations: Vec<Value> = ["License", "Subscription"]
                .iter()
                .map(|kind| {
                    json!({"type": kind, "isUnlimited": false,
                           "remainingDays": remaining, "date": date})
                })
                .collect();
            merge(
                result,
                "status",
                json!({"regType": "rsProductRegistered", "Id": "MOCK-0000-0000-0002",
                       "company": "Example Ltd.", "users": LICENSED_USERS,
                       "expirations": expirations}),
            );
        }
        "ProductRegistration.getStatus" => merge(
            result,
            "status",
            json!({"regType": "rsProductRegistered", "Id": "MOCK-0000-0000-0002"}),
        ),
        "Queue.get" => {
            // The volume of what is listed in all: the sizes of the first `totalItems`
            // messages of the profile's queue.
            let total = result
                .get("totalItems")
                .and_then(Value::as_u64)
                .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
            let kilobytes: i64 = (1..=total.min(100_000)).map(message_kilobytes).sum();
            set(
                result,
                &["volume"],
                json!({"value": kilobytes, "units": "KiloBytes"}),
            );
        }
        _ => {}
    }
}

/// Puts the profile's mail queue into the first listing of `Queue.get`.
pub(super) fn seed(state: ApplianceState, get: &str, result: &mut Value) {
    if get != "Queue.get" {
        return;
    }
    let Some(list) = result.get_mut("list").and_then(Value::as_array_mut) else {
        return;
    };
    let template = list.first().cloned().unwrap_or_else(|| json!({}));
    let count = if state == ApplianceState::MailQueueBacklog {
        BACKLOG
    } else {
        QUEUED
    };
    let now = now();
    *list = (1..=count)
        .map(|n| {
            let mut item = template.clone();
            if let (Some(o), Value::Object(new)) = (item.as_object_mut(), queued(state, n, now)) {
                o.extend(new);
            }
            item
        })
        .collect();
    if let Some(o) = result.as_object_mut() {
        o.insert("totalItems".into(), json!(count));
    }
}

/// Message `n` of the queue (from 1). Normally a few messages to remote domains wait
/// for a retry after greylisting; in the backlog, the relay is unreachable.
fn queued(state: ApplianceState, n: usize, now: i64) -> Value {
    const SENDERS: [&str; 4] = [
        "alice@example.com",
        "bob@example.com",
        "invoices@example.com",
        "newsletter@example.com",
    ];
    const RECIPIENTS: [&str; 3] = [
        "orders@example.net",
        "support@example.org",
        "partner@example.net",
    ];
    let minutes = i64::try_from(n).unwrap_or(0);
    let from = SENDERS[n % SENDERS.len()];
    let status = if state == ApplianceState::MailQueueBacklog {
        "Waiting for retry: cannot connect to the relay smtp.example.net:587 (connection timed out)"
    } else {
        "Waiting for retry: 451 4.7.1 greylisted, try again later"
    };
    json!({
        "id": format!("M{n:05}"),
        "creationTime": date_time(now - (minutes * 7 + 20) * 60),
        "nextTry": date_time(now + (15 - minutes % 15) * 60),
        "messageSize": {"value": message_kilobytes(n), "units": "KiloBytes"},
        "from": from,
        "to": RECIPIENTS[n % RECIPIENTS.len()],
        "status": status,
        "authSender": if from.starts_with("newsletter") { "" } else { from },
        "senderIp": format!("192.0.2.{}", 30 + n % 20),
    })
}

/// The size of message `n` of the queue, in kilobytes: 4 to 64.
fn message_kilobytes(n: usize) -> i64 {
    i64::try_from(4 + n * 37 % 61).unwrap_or(4)
}

/// `updateInfo` of `Server.getProductInfo`.
fn update_info(state: ApplianceState) -> Value {
    if state == ApplianceState::UpdateAvailable {
        json!({"result": "updNewVersion",
               "description": format!("Kerio Connect {CURRENT_VERSION} is available"),
               "downloadUrl": "https://download.example.com/connect/",
               "infoUrl": "https://www.example.com/connect/release-notes/"})
    } else {
        json!({"result": "updNoUpdate", "description": "", "downloadUrl": "", "infoUrl": ""})
    }
}

/// `remainingDays` and `date` of the licence and the software maintenance.
fn expiry(expired: bool) -> (i64, i64) {
    if expired {
        (0, now() - 30 * DAY)
    } else {
        (365, now() + 365 * DAY)
    }
}

/// The alerts of the state.
fn alerts(state: ApplianceState, disk_free: f64) -> Value {
    match state {
        ApplianceState::LicenseExpired => json!([
            {"alertName": "LicenseExpired", "alertType": "Critical",
             "currentValue": "0", "criticalValue": "0"},
            {"alertName": "SubscriptionExpired", "alertType": "Warning",
             "currentValue": "0", "criticalValue": "0"},
        ]),
        ApplianceState::DiskFull => json!([
            {"alertName": "StorageSpaceLow", "alertType": "Critical",
             "currentValue": format!("{:.1} GB", disk_free / GIB),
             "criticalValue": "10.0 GB"},
        ]),
        _ => json!([]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patched(state: ApplianceState, method: &str) -> Value {
        let mut result = json!({});
        patch(state, method, &mut result);
        result
    }

    #[test]
    fn the_version_reads_agree() {
        let info = patched(ApplianceState::Healthy, "Server.getProductInfo");
        assert_eq!(
            format!(
                "{} build {}",
                info["info"]["version"].as_str().unwrap_or_default(),
                info["info"]["buildNumber"].as_str().unwrap_or_default()
            ),
            CURRENT_VERSION
        );
        let version = patched(ApplianceState::UpdateAvailable, "Server.getVersion");
        assert_eq!(version["version"], "10.0.6.8504");
        assert_eq!(version["build"], 8504);
        let info = patched(ApplianceState::UpdateAvailable, "Server.getProductInfo");
        assert_eq!(info["info"]["updateInfo"]["result"], "updNewVersion");
    }

    #[test]
    fn the_queue_volume_adds_up_the_listed_messages() {
        let mut listed = json!({"list": [{"id": "x", "to": "t"}], "totalItems": 1});
        seed(ApplianceState::Healthy, "Queue.get", &mut listed);
        let list = listed["list"].as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), QUEUED);
        let sizes: i64 = list
            .iter()
            .filter_map(|m| m["messageSize"]["value"].as_i64())
            .sum();
        patch(ApplianceState::Healthy, "Queue.get", &mut listed);
        assert_eq!(listed["volume"]["value"], sizes);
        assert_eq!(listed["volume"]["units"], "KiloBytes");
        let mut backlog = json!({"list": [{}], "totalItems": 1});
        seed(ApplianceState::MailQueueBacklog, "Queue.get", &mut backlog);
        assert_eq!(backlog["totalItems"], BACKLOG);
    }

    #[test]
    fn a_full_disk_raises_the_storage_alert() {
        let health = patched(ApplianceState::DiskFull, "SystemHealth.get");
        let free = health["data"]["diskFree"].as_f64().unwrap_or_default();
        assert!(free < DISK_TOTAL * 0.02);
        let alerts = patched(ApplianceState::DiskFull, "Server.getAlertList");
        assert_eq!(alerts["alerts"][0]["alertName"], "StorageSpaceLow");
        let stats = patched(ApplianceState::DiskFull, "Statistics.get");
        let percent = stats["statistics"]["storage"]["percentage"]
            .as_str()
            .and_then(|p| p.parse::<f64>().ok())
            .unwrap_or_default();
        assert!(percent >= 98.0, "{stats}");
    }
}
