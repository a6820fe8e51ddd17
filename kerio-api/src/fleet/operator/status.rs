//! Kerio Operator's status rules: from the figures a PBX gave to a colour and its
//! reasons, as far as the public evidence allows (see the Operator spec's docs: every
//! read here is typed from a vendor example that ran against a real PBX).
//!
//! - **reachability and login**: as for every product (an appliance that cannot be
//!   reached or refuses the login is red before any of this is read);
//! - **disk**: `SystemHealth.get` `diskTotal` and `diskFree` (bytes), by Kerio Control's
//!   disk rule: yellow below [`Thresholds::disk_free_percent`] free, red below
//!   [`Thresholds::disk_free_critical_percent`];
//! - **registration**: `ProductRegistration.getFullStatus` `expirations`, the product
//!   licence first and the software maintenance second (the items carry no type; the
//!   vendor's example labels them by position), by Kerio Control's expiry rule: red when
//!   expired, yellow within [`Thresholds::expiry_warning_days`]. `date` is read as
//!   Control's (seconds since the Unix epoch, the last day of validity);
//! - **version**: `Server.getConstantList` `constantList.product.SERVER_SOFTWARE`, shown
//!   as it is when the PBX gives it; no method is known that tells whether an update is
//!   available, so none is judged.
//!
//! Memory and CPU are not judged: the unit of the memory samples is not known
//! (percent in Kerio Control, but nothing shows it for Operator), and a figure whose
//! unit is a guess would raise alarms nobody can check.

use crate::admin::{self, ExpireType};
use crate::fleet::ReasonKind;
use crate::fleet::status::{self, Reason, Status, Thresholds};
use crate::operator::admin::{RegistrationFullStatus, ServerConstants, SystemHealthData};

/// What a Kerio Operator replied to the three reads that decide its status; each read
/// succeeds or fails on its own (the error as its message).
#[derive(Debug)]
pub(crate) struct Readings {
    /// `Server.getConstantList` `constantList`: the version.
    pub(crate) constants: Result<ServerConstants, String>,
    /// `SystemHealth.get` `systemHealth`: the disk figures.
    pub(crate) health: Result<SystemHealthData, String>,
    /// `ProductRegistration.getFullStatus` `status`: the expirations.
    pub(crate) registration: Result<RegistrationFullStatus, String>,
}

/// The status of an online Kerio Operator and the reasons for it, worst first (the
/// rules are in the module docs). A read that failed is yellow: the PBX answered, but
/// that part was not checked. `now` is the time of the poll in seconds since the Unix
/// epoch, for expiry dates.
pub(crate) fn assess(readings: &Readings, limits: &Thresholds, now: i64) -> (Status, Vec<Reason>) {
    let mut issues = Vec::new();
    let mut good = Vec::new();
    if let Err(e) = &readings.constants {
        issues.push(read_failed(format!(
            "The product version could not be read: {e}"
        )));
    }
    match &readings.health {
        Ok(data) => status::health(&disk_figures(data), limits, &mut issues, &mut good),
        Err(e) => issues.push(read_failed(format!("The disk could not be read: {e}"))),
    }
    match &readings.registration {
        Ok(registration) => status::registration(
            &control_registration(registration),
            limits,
            now,
            &mut issues,
            &mut good,
        ),
        Err(e) => issues.push(read_failed(format!(
            "The licence state could not be read: {e}"
        ))),
    }
    status::conclude(issues, &good)
}

/// A read that failed: the PBX answered, but that part was not checked.
fn read_failed(text: String) -> Reason {
    Reason::new(Status::Yellow, text).kind(ReasonKind::ReadFailed)
}

/// The version shown in the report: `SERVER_SOFTWARE` as the PBX gives it.
pub(crate) fn version(constants: &ServerConstants) -> Option<String> {
    constants
        .product
        .as_ref()
        .and_then(|p| p.server_software.as_deref())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The disk figures as Kerio Control's rule reads them (both in bytes); memory is left
/// out, its unit being unknown.
pub(crate) fn disk_figures(data: &SystemHealthData) -> admin::SystemHealthData {
    admin::SystemHealthData {
        disk_total: data.disk_total,
        disk_free: data.disk_free,
        ..Default::default()
    }
}

/// The expirations as Kerio Control's rule reads them, typed by their position.
pub(crate) fn control_registration(
    status: &RegistrationFullStatus,
) -> admin::RegistrationFullStatus {
    let expirations = status
        .expirations
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, e)| admin::ExpireInfo {
            r#type: match i {
                0 => Some(ExpireType::License),
                1 => Some(ExpireType::Subscription),
                _ => None,
            },
            is_unlimited: e.is_unlimited,
            remaining_days: e.remaining_days,
            date: e.date,
        })
        .collect();
    admin::RegistrationFullStatus {
        expirations: Some(expirations),
        ..Default::default()
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
