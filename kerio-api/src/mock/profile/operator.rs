//! Kerio Operator's profile: a small PBX of a made-up company, registered for 40 users,
//! eight of them created with an extension each, one free line, on a 120 GiB data disk.
//!
//! Records use the UPPER_SNAKE_CASE keys and integer ids the public call sites show.
//! Units follow the spec where it gives them (disk and storage sizes in bytes, expiry
//! dates in seconds since the Unix epoch); the unit of the memory history is not known,
//! so it is sent as percentages, as Kerio Control's is.

use serde_json::{Value, json};

use super::{DAY, GIB, merge, now, series, set};
use crate::mock::ApplianceState;
use crate::mock::store;

/// What the Kerio Operator mock's `Server.getConstantList` gives as
/// `constantList.product.SERVER_SOFTWARE` (product name and version), unless it plays
/// `update-available`.
pub const CURRENT_VERSION: &str = "Kerio Operator 2.8.0 build 9001";
/// `SERVER_SOFTWARE` when the mock plays `update-available`.
pub const OLDER_VERSION: &str = "Kerio Operator 2.7.2 build 8840";

const DISK_TOTAL: f64 = 120.0 * GIB;
const DISK_FREE: f64 = 88.0 * GIB;
/// Free space in the `disk-full` state: 1 %.
const DISK_FREE_FULL: f64 = 1.2 * GIB;
const LICENSED_USERS: i64 = 40;

/// Disk use per kind of data, in GiB, in the order of `Storage.get` (log files, crash
/// dumps, packet dumps, voicemail, recorded calls, audio files, configuration); the rest
/// of the used space is the system itself.
const STORAGE: [f64; 7] = [1.2, 0.0, 0.0, 2.5, 18.0, 0.3, 0.05];
/// Index of the recorded calls, which fill the disk in the `disk-full` state.
const RECORDED_CALLS: usize = 4;

/// One extension: its id, number and description, and the user it is assigned to (id,
/// login name, full name); `None` for a free line.
type Line = (
    i64,
    &'static str,
    &'static str,
    Option<(i64, &'static str, &'static str)>,
);

const LINES: [Line; 9] = [
    (11, "101", "Reception", Some((1, "reception", "Front Desk"))),
    (12, "102", "Office 1", Some((2, "alice", "Alice Example"))),
    (13, "103", "Office 2", Some((3, "bob", "Bob Example"))),
    (14, "104", "Accounts", Some((4, "carol", "Carol Example"))),
    (15, "105", "Warehouse", Some((5, "dave", "Dave Example"))),
    (16, "106", "Sales", Some((6, "erin", "Erin Example"))),
    (17, "107", "Support", Some((7, "frank", "Frank Example"))),
    (18, "108", "Management", Some((8, "grace", "Grace Example"))),
    (19, "109", "Spare line", None),
];

/// Puts the profile and the state into the result of `method`; the listings are paged
/// and filtered by the call's search query.
pub(super) fn patch(state: ApplianceState, method: &str, params: &Value, result: &mut Value) {
    let expired = state == ApplianceState::LicenseExpired;
    let disk_free = if state == ApplianceState::DiskFull {
        DISK_FREE_FULL
    } else {
        DISK_FREE
    };
    match method {
        "Server.getConstantList" => {
            let version = if state == ApplianceState::UpdateAvailable {
                OLDER_VERSION
            } else {
                CURRENT_VERSION
            };
            merge(
                result,
                "constantList",
                json!({"product": {"SERVER_SOFTWARE": version, "SERVER_OS": "Linux"}}),
            );
        }
        "SystemHealth.get" => {
            // One day in 5-minute samples, two hours in 20-second samples (as Kerio
            // Control's histograms are; Operator's sampling is not documented).
            let samples = match params.get("histogramType").and_then(Value::as_str) {
                Some("HistogramOneDay") => 288,
                _ => 360,
            };
            let memory = if state == ApplianceState::LowMemory {
                95.0
            } else {
                35.0
            };
            merge(
                result,
                "systemHealth",
                json!({"cpu": series(8.0, samples), "memory": series(memory, samples),
                       "diskTotal": DISK_TOTAL, "diskFree": disk_free}),
            );
        }
        "Storage.get" => {
            let mut sizes = STORAGE.map(|gib| gib * GIB);
            if state == ApplianceState::DiskFull {
                sizes[RECORDED_CALLS] += DISK_FREE - DISK_FREE_FULL;
            }
            let items: Vec<Value> = sizes.iter().map(|size| json!({"size": size})).collect();
            set(result, &["storageData"], Value::Array(items));
        }
        "ProductRegistration.getFullStatus" => {
            let (remaining, date) = if expired {
                (0, now() - 30 * DAY)
            } else {
                (365, now() + 365 * DAY)
            };
            // The product licence first, then the software maintenance.
            let expiry = json!({"isUnlimited": false, "date": date, "remainingDays": remaining});
            merge(
                result,
                "status",
                json!({"users": LICENSED_USERS, "expirations": [expiry, expiry]}),
            );
        }
        "Extensions.get" => listed(result, params, "sipExtensionList", extensions()),
        "Users.get" => listed(result, params, "userList", users()),
        _ => {}
    }
}

/// Puts the page of `items` the call's query asks for into `key`, and their count.
fn listed(result: &mut Value, params: &Value, key: &str, items: Vec<Value>) {
    let (page, total) = store::query(&items, params);
    set(result, &[key], Value::Array(page));
    set(result, &["totalItems"], json!(total));
}

fn extensions() -> Vec<Value> {
    LINES
        .iter()
        .map(|(guid, number, description, user)| {
            let (user_id, username, full_name, email) = match user {
                Some((id, login, name)) => {
                    (json!(id), *login, *name, format!("{login}@example.com"))
                }
                None => (json!(""), "", "", String::new()),
            };
            json!({"GUID": guid, "TEL_NUM": number, "DESCRIPTION": description,
                   "USERS_ID": user_id, "USERNAME": username, "FULL_NAME": full_name,
                   "EMAIL": email})
        })
        .collect()
}

fn users() -> Vec<Value> {
    LINES
        .iter()
        .filter_map(|(guid, number, description, user)| {
            let (id, login, name) = (*user)?;
            Some(json!({"GUID": id, "USERNAME": login, "FULL_NAME": name,
                        "EMAIL": format!("{login}@example.com"),
                        "EXTENSIONS": [{"GUID": guid, "TEL_NUM": number,
                                        "DESCRIPTION": description}]}))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_page_and_keep_upper_snake_keys() {
        let mut result = json!({"sipExtensionList": [], "totalItems": 0});
        let params = json!({"query": {"start": 2, "limit": 3, "orderBy":
            [{"columnName": "TEL_NUM", "direction": "Asc"}]}});
        patch(
            ApplianceState::Healthy,
            "Extensions.get",
            &params,
            &mut result,
        );
        assert_eq!(result["totalItems"], LINES.len());
        let page = result["sipExtensionList"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let numbers: Vec<&str> = page.iter().filter_map(|e| e["TEL_NUM"].as_str()).collect();
        assert_eq!(numbers, ["103", "104", "105"]);
        assert!(page.iter().all(|e| e["GUID"].is_i64()));
    }

    #[test]
    fn the_storage_fits_the_disk_in_every_state() {
        for (state, _) in ApplianceState::ALL {
            let mut health = json!({});
            patch(state, "SystemHealth.get", &Value::Null, &mut health);
            let mut storage = json!({});
            patch(state, "Storage.get", &Value::Null, &mut storage);
            let used = DISK_TOTAL - health["systemHealth"]["diskFree"].as_f64().unwrap_or(0.0);
            let stored: f64 = storage["storageData"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s["size"].as_f64())
                .sum();
            assert!(stored < used, "{state}: {stored} stored, {used} used");
        }
        let mut health = json!({});
        patch(
            ApplianceState::DiskFull,
            "SystemHealth.get",
            &Value::Null,
            &mut health,
        );
        let free = health["systemHealth"]["diskFree"].as_f64().unwrap_or(1.0);
        assert!(free / DISK_TOTAL < 0.02);
    }
}
