//! The appliance's condition, and the replies it changes.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// The condition the mock appliance plays, seen in the replies of a few methods
/// (made-up values; the shapes follow the spec). Every state starts from the same small,
/// registered appliance (a 64 GiB data disk mostly free, CPU load near 10 %, six active
/// hosts) and changes only this:
///
/// | method | `healthy` | `update-available` | `low-memory` | `license-expired` |
/// |---|---|---|---|---|
/// | `ProductInfo.get`: `productInfo.versionString` (and the named constants' `k_PRODUCT_INFO`) | [`CURRENT_VERSION`] | [`OLDER_VERSION`] | [`CURRENT_VERSION`] | [`CURRENT_VERSION`] |
/// | `UpdateChecker.getStatus`: `status` | `newVersion` false | `newVersion` true, `description` and `packageCode` name [`CURRENT_VERSION`] | as healthy | as healthy |
/// | `SystemHealth.get` and `getInc`: `data.memory`, `data.memoryTotal` (KiB) | memory use near 35 % of 4 GiB | as healthy | memory use near 95 % of 4 GiB | as healthy |
/// | `ProductRegistration.getFullStatus`: `status.expirations` | licence and software maintenance valid for a year | as healthy | as healthy | both expired 30 days ago (`remainingDays` 0) |
///
/// Dates are seconds since the Unix epoch, relative to the time of the call.
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
}

/// The firmware version the mock runs, unless it plays `update-available`.
pub const CURRENT_VERSION: &str = "9.5.0 build 9001";
/// The firmware version the mock runs when it plays `update-available`.
pub const OLDER_VERSION: &str = "9.4.5 build 8573";

impl ApplianceState {
    /// Every state, with its name.
    pub const ALL: [(ApplianceState, &'static str); 4] = [
        (ApplianceState::Healthy, "healthy"),
        (ApplianceState::UpdateAvailable, "update-available"),
        (ApplianceState::LowMemory, "low-memory"),
        (ApplianceState::LicenseExpired, "license-expired"),
    ];

    /// The name of the state (`update-available`).
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("healthy", |(_, n)| n)
    }

    /// Puts the appliance's profile, then the state, into the result of `method`.
    pub(crate) fn patch(self, method: &str, result: &mut Value) {
        super::profile::patch(method, result);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let day = 86_400;
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
            }
            "ProductRegistration.getFullStatus" => {
                let (remaining, date) = if self == ApplianceState::LicenseExpired {
                    (0, now - 30 * day)
                } else {
                    (365, now + 365 * day)
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

/// Sets the value at a path of object keys, creating objects on the way.
fn set(value: &mut Value, path: &[&str], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = value;
    for key in parents {
        if !at.get(*key).is_some_and(Value::is_object) {
            if let Some(o) = at.as_object_mut() {
                o.insert((*key).to_owned(), json!({}));
            } else {
                return;
            }
        }
        let Some(next) = at.get_mut(*key) else {
            return;
        };
        at = next;
    }
    if let Some(o) = at.as_object_mut() {
        o.insert((*last).to_owned(), new);
    }
}

impl fmt::Display for ApplianceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a state; says which are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown appliance state `{0}`; expected one of: healthy, update-available, low-memory, license-expired"
)]
pub struct UnknownState(pub String);

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
        ApplianceState::LowMemory.patch("SystemHealth.get", &mut result);
        let values = result["data"]["memory"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!values.is_empty());
        assert!(values.iter().all(|v| v.as_f64().is_some_and(|p| p > 90.0)));
    }
}
