//! The appliance's condition, and what it changes in Kerio Control's replies (the other
//! products' states are played by their profiles).

use std::fmt;
use std::str::FromStr;

use serde_json::{Value, json};

use super::profile::{DAY, set};

/// The condition the mock appliance plays, seen in the replies the fleet reads (made-up
/// values; the shapes follow the spec). Every state starts from the same appliance of the
/// product the mock serves (see the profiles below) and changes only what it is about;
/// a state that names nothing of a product plays `healthy` there.
///
/// **Kerio Control**, a small registered office firewall (a 64 GiB data disk mostly
/// free, CPU load near 10 %, six active hosts):
///
/// | method | `healthy` | `update-available` | `low-memory` | `license-expired` | `disk-full` |
/// |---|---|---|---|---|---|
/// | `ProductInfo.get`: `productInfo.versionString` (and the named constants' `k_PRODUCT_INFO`) | [`CURRENT_VERSION`] | [`OLDER_VERSION`] | [`CURRENT_VERSION`] | [`CURRENT_VERSION`] | [`CURRENT_VERSION`] |
/// | `UpdateChecker.getStatus`: `status` | `newVersion` false | `newVersion` true, `description` and `packageCode` name [`CURRENT_VERSION`] | as healthy | as healthy | as healthy |
/// | `SystemHealth.get` and `getInc`: `data.memory`, `data.memoryTotal` (KiB) | memory use near 35 % of 4 GiB | as healthy | memory use near 95 % of 4 GiB | as healthy | as healthy |
/// | `SystemHealth.get`: `data.diskFree` | 41.5 GiB free of 64 GiB | as healthy | as healthy | as healthy | 1 % free |
/// | `ProductRegistration.getFullStatus`: `status.expirations` | licence and software maintenance valid for a year | as healthy | as healthy | both expired 30 days ago (`remainingDays` 0) | as healthy |
///
/// **Kerio Connect**, a small registered mail server (50 licensed users, a 500 GiB data
/// partition, 8 GiB of memory, four messages waiting in the queue for a retry):
///
/// | method | `healthy` | `update-available` | `low-memory` | `license-expired` | `disk-full` | `mail-queue-backlog` |
/// |---|---|---|---|---|---|---|
/// | `Server.getProductInfo`: `info.version`, `info.buildNumber`; `Server.getVersion`; `Version.getProductVersion` | [`CONNECT_CURRENT_VERSION`] | [`CONNECT_OLDER_VERSION`] | current | current | current | current |
/// | `Server.getProductInfo`: `info.updateInfo` | `updNoUpdate` | `updNewVersion`, `description` names [`CONNECT_CURRENT_VERSION`] | as healthy | as healthy | as healthy | as healthy |
/// | `SystemHealth.get`, `getInc`: `data.memory`, `data.memoryTotal` | near 35 % of 8 GiB | as healthy | near 95 % of 8 GiB | as healthy | as healthy | as healthy |
/// | `SystemHealth.get`, `getInc`: `data.diskFree`; `Statistics.get`: `statistics.storage` | 312 GiB free of 500 GiB | as healthy | as healthy | as healthy | 1 % free | as healthy |
/// | `ProductRegistration.getFullStatus`: `status.expirations`; `Server.getAboutInfo`: `subscription` | valid for a year | as healthy | as healthy | expired 30 days ago (`remainingDays` 0) | as healthy | as healthy |
/// | `Server.getAlertList`: `alerts` | none | none | none | `LicenseExpired`, `SubscriptionExpired` | `StorageSpaceLow` | none |
/// | `Queue.get`: `list`, `totalItems`, `volume` | 4 messages waiting | as healthy | as healthy | as healthy | as healthy | 240 messages waiting |
///
/// The queue is filled when it is first listed, in the state of that moment.
///
/// **Kerio Operator**, a small registered PBX (40 licensed users, eight extensions and a
/// free line, a 120 GiB data disk; the unit of its memory figures is not known, so the
/// profile sends percentages as Kerio Control does):
///
/// | method | `healthy` | `update-available` | `low-memory` | `license-expired` | `disk-full` |
/// |---|---|---|---|---|---|
/// | `Server.getConstantList`: `constantList.product.SERVER_SOFTWARE` | [`OPERATOR_CURRENT_VERSION`] | [`OPERATOR_OLDER_VERSION`] (no method is known to tell an update is available) | current | current | current |
/// | `SystemHealth.get`: `systemHealth.memory` | near 35 | as healthy | near 95 | as healthy | as healthy |
/// | `SystemHealth.get`: `systemHealth.diskFree`; `Storage.get`: `storageData` | 88 GiB free of 120 GiB | as healthy | as healthy | as healthy | 1 % free, recorded calls fill the disk |
/// | `ProductRegistration.getFullStatus`: `status.expirations` (licence, then software maintenance) | valid for a year | as healthy | as healthy | expired 30 days ago (`remainingDays` 0) | as healthy |
///
/// Dates are seconds since the Unix epoch, relative to the time of the call.
///
/// [`CONNECT_CURRENT_VERSION`]: super::CONNECT_CURRENT_VERSION
/// [`CONNECT_OLDER_VERSION`]: super::CONNECT_OLDER_VERSION
/// [`OPERATOR_CURRENT_VERSION`]: super::OPERATOR_CURRENT_VERSION
/// [`OPERATOR_OLDER_VERSION`]: super::OPERATOR_OLDER_VERSION
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ApplianceState {
    /// Nothing to report.
    #[default]
    Healthy,
    /// A newer firmware is available.
    UpdateAvailable,
    /// Memory use is near 95 %.
    LowMemory,
    /// The licence and the software maintenance have expired.
    LicenseExpired,
    /// The data disk is nearly full (1 % free).
    DiskFull,
    /// Kerio Connect: 240 messages wait in the mail queue.
    MailQueueBacklog,
}

/// The Kerio Control firmware version the mock runs, unless it plays `update-available`.
pub const CURRENT_VERSION: &str = "9.5.0 build 9001";
/// The Kerio Control firmware version the mock runs when it plays `update-available`.
pub const OLDER_VERSION: &str = "9.4.5 build 8573";

impl ApplianceState {
    /// Every state, with its name.
    pub const ALL: [(ApplianceState, &'static str); 6] = [
        (ApplianceState::Healthy, "healthy"),
        (ApplianceState::UpdateAvailable, "update-available"),
        (ApplianceState::LowMemory, "low-memory"),
        (ApplianceState::LicenseExpired, "license-expired"),
        (ApplianceState::DiskFull, "disk-full"),
        (ApplianceState::MailQueueBacklog, "mail-queue-backlog"),
    ];

    /// The name of the state (`update-available`).
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("healthy", |(_, n)| n)
    }

    /// Puts the profile of the API's `product`, then the state, into the result of
    /// `method` (`params`: the call's).
    pub(crate) fn patch(
        self,
        product: Option<&str>,
        method: &str,
        params: &Value,
        result: &mut Value,
    ) {
        super::profile::patch(product, self, method, params, result);
    }

    /// Kerio Control's part of [`patch`](Self::patch): its profile, then the state.
    pub(super) fn patch_control(self, method: &str, result: &mut Value) {
        super::profile::control::patch(method, result);
        let now = super::profile::now();
        match method {
            "ProductInfo.get" => {
                let version = match self {
                    ApplianceState::UpdateAvailable => OLDER_VERSION,
                    _ => CURRENT_VERSION,
                };
                set(result, &["productInfo", "versionString"], json!(version));
            }
            "Server.getNamedConstantList" => {
                let version = match self {
                    ApplianceState::UpdateAvailable => OLDER_VERSION,
                    _ => CURRENT_VERSION,
                };
                let at = ["constants", "k_SERVER", "k_PRODUCT_INFO", "versionString"];
                set(result, &at, json!(version));
            }
            "UpdateChecker.getStatus" => {
                let update = self == ApplianceState::UpdateAvailable;
                set(result, &["status", "status"], json!("UpdateStatusOk"));
                set(result, &["status", "newVersion"], json!(update));
                let (description, code) = if update {
                    (
                        format!("Kerio Control {CURRENT_VERSION} is available"),
                        format!("kerio-control-{}", CURRENT_VERSION.replace(' ', "-")),
                    )
                } else {
                    (String::new(), String::new())
                };
                set(result, &["status", "description"], json!(description));
                set(result, &["status", "packageCode"], json!(code));
            }
            "SystemHealth.get" | "SystemHealth.getInc" => {
                let level = if self == ApplianceState::LowMemory {
                    95.0
                } else {
                    35.0
                };
                let values: Vec<Value> = (0..24)
                    .map(|i| json!(level + f64::from(i % 3) - 1.0))
                    .collect();
                set(result, &["data", "memory"], Value::Array(values));
                // In KiB, as the web administration reads it (it multiplies by 1024).
                set(result, &["data", "memoryTotal"], json!(4_194_304.0));
                if self == ApplianceState::DiskFull {
                    let total = result["data"]["diskTotal"].as_f64().unwrap_or_default();
                    set(result, &["data", "diskFree"], json!(total * 0.01));
                    set(result, &["data", "actualDiskFree"], json!(total * 0.01));
                }
            }
            "ProductRegistration.getFullStatus" => {
                let (remaining, date) = if self == ApplianceState::LicenseExpired {
                    (0, now - 30 * DAY)
                } else {
                    (365, now + 365 * DAY)
                };
                let expirations: Vec<Value> = ["License", "Subscription"]
                    .iter()
                    .map(|kind| {
                        json!({"type": kind, "isUnlimited": false,
                               "remainingDays": remaining, "date": date})
                    })
                    .collect();
                set(
                    result,
                    &["status", "expirations"],
                    Value::Array(expirations),
                );
            }
            _ => {}
        }
    }
}

impl fmt::Display for ApplianceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a state; says which are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl fmt::Display for UnknownState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = ApplianceState::ALL.iter().map(|(_, n)| *n).collect();
        write!(
            f,
            "unknown appliance state `{}`; expected one of: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownState {}

impl FromStr for ApplianceState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == s.trim())
            .map(|(state, _)| *state)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (state, name) in ApplianceState::ALL {
            assert_eq!(name.parse::<ApplianceState>(), Ok(state));
            assert_eq!(state.to_string(), name);
        }
        assert!("sick".parse::<ApplianceState>().is_err());
    }

    #[test]
    fn low_memory_fills_the_histogram_near_95_percent() {
        let mut result = json!({"data": {"memory": [], "memoryTotal": 1.0}});
        ApplianceState::LowMemory.patch(
            Some("control"),
            "SystemHealth.get",
            &Value::Null,
            &mut result,
        );
        let values = result["data"]["memory"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!values.is_empty());
        assert!(values.iter().all(|v| v.as_f64().is_some_and(|p| p > 90.0)));
    }
}
