//! The metrics of the four reads that decide the status (the fleet report's reads), so
//! that each figure behind a colour is a series too.

use crate::admin::{
    ExpireType, ProductInformation, RegistrationFullStatus, RegistrationType, SystemHealthData,
    TimeSpan, UpdateCheckerInfo, UpdateStatus,
};
use crate::fleet::status::{Readings, expires_at};

use super::super::metrics::{Families, MetricDef, MetricKind};
use super::super::probe::PRODUCT_INFO;

/// The collectors of the status reads, in the order of [`Readings`].
pub(crate) const NAMES: [&str; 4] = ["product", "update", "health", "registration"];

pub(crate) const UPDATE_AVAILABLE: MetricDef = MetricDef {
    name: "kerio_update_available",
    help: "1 when a newer version is available (Control: UpdateChecker.getStatus \
           status.newVersion; Connect: Server.getProductInfo info.updateInfo.result is \
           updNewVersion; Operator: no method is known).",
    kind: MetricKind::Gauge,
};
pub(crate) const UPDATE_STATUS: MetricDef = MetricDef {
    name: "kerio_update_status",
    help: "Phase of the update process, label status = the wire value \
           (UpdateChecker.getStatus status.status); UpdateStatusCheckFailed, \
           UpdateStatusDownloadFailed and UpdateStatusUpgradeFailed make the status yellow.",
    kind: MetricKind::StateSet,
};
pub(crate) const UPDATE_CHECK_AGE: MetricDef = MetricDef {
    name: "kerio_update_check_age_seconds",
    help: "Time since the last update check, to the minute (UpdateChecker.getStatus \
           status.lastUpdateCheck days, hours, minutes; absent when isValid is false).",
    kind: MetricKind::Gauge,
};
pub(crate) const CPU_USED: MetricDef = MetricDef {
    name: "kerio_cpu_used_ratio",
    help: "CPU load, the mean of the samples of the last two hours, 0 to 1 \
           (SystemHealth.get HistogramTwoHours data.cpu of Control and Connect, percent \
           samples divided by 100; the order and spacing of the samples are not \
           documented, the mean does not depend on them).",
    kind: MetricKind::Gauge,
};
pub(crate) const MEMORY_USED: MetricDef = MetricDef {
    name: "kerio_memory_used_ratio",
    help: "Memory in use, the mean of the samples of the last two hours, 0 to 1: the \
           figure the low-memory rule judges (SystemHealth.get HistogramTwoHours \
           data.memory of Control and Connect, percent samples of memoryTotal divided by \
           100; Operator's memory has no known unit, see kerio_operator_memory_used).",
    kind: MetricKind::Gauge,
};
pub(crate) const MEMORY_TOTAL: MetricDef = MetricDef {
    name: "kerio_memory_total_bytes",
    help: "Total memory in bytes (SystemHealth.get data.memoryTotal: Kerio Control sends \
           KiB, which the vendor's web administration multiplies by 1024; Kerio Connect's \
           spec documents bytes, no recorded exchange confirms it).",
    kind: MetricKind::Gauge,
};
pub(crate) const DISK_TOTAL: MetricDef = MetricDef {
    name: "kerio_disk_total_bytes",
    help: "Size of the data partition (SystemHealth.get data.diskTotal, for Operator \
           systemHealth.diskTotal; bytes as the specs document it, no recorded exchange \
           confirms the unit).",
    kind: MetricKind::Gauge,
};
pub(crate) const DISK_FREE: MetricDef = MetricDef {
    name: "kerio_disk_free_bytes",
    help: "Free space of the data partition (SystemHealth.get data.diskFree, for Operator \
           systemHealth.diskFree; bytes as the specs document it, no recorded exchange \
           confirms the unit).",
    kind: MetricKind::Gauge,
};
pub(crate) const REGISTRATION_STATE: MetricDef = MetricDef {
    name: "kerio_registration_state",
    help: "Registration state, label state = the wire value \
           (ProductRegistration.getFullStatus status.regType, Control and Connect); \
           rsTrialExpired is red.",
    kind: MetricKind::StateSet,
};
pub(crate) const EXPIRY: MetricDef = MetricDef {
    name: "kerio_expiry_timestamp_seconds",
    help: "When the licence (type License) or the software maintenance (type \
           Subscription) counts as expired, in seconds since the Unix epoch, by the fleet \
           report's rule: a day after its last day of validity \
           (ProductRegistration.getFullStatus status.expirations[].date, taken as seconds \
           since the epoch), else remainingDays + 1 days from the probe; absent when \
           isUnlimited. Operator's items carry no type: the first is taken for the \
           licence, the second for the maintenance, as the vendor's example does.",
    kind: MetricKind::Gauge,
};

/// The metrics of the status reads: the product info, update, health and registration.
pub(crate) fn families(readings: &Readings, now: i64, out: &mut Families) {
    if let Ok(product) = &readings.product {
        product_info(product, out);
    }
    if let Ok(update) = &readings.update {
        update_state(update, out);
    }
    if let Ok(health) = &readings.health {
        health_figures(health, out);
    }
    if let Ok(registration) = &readings.registration {
        registration_state(registration, now, out);
    }
}

fn product_info(product: &ProductInformation, out: &mut Families) {
    let version = product.version_string.clone().unwrap_or_default();
    out.info(
        &PRODUCT_INFO,
        vec![("product", "control".to_owned()), ("version", version)],
    );
}

fn update_state(info: &UpdateCheckerInfo, out: &mut Families) {
    if let Some(new) = info.new_version {
        out.flag(&UPDATE_AVAILABLE, new);
    }
    if let Some(status) = &info.status {
        let known = [
            UpdateStatus::UpdateStatusOk,
            UpdateStatus::UpdateStatusChecking,
            UpdateStatus::UpdateStatusCheckFailed,
            UpdateStatus::UpdateStatusDownloadOk,
            UpdateStatus::UpdateStatusDownloading,
            UpdateStatus::UpdateStatusDownloadFailed,
            UpdateStatus::UpdateStatusUpgrading,
            UpdateStatus::UpdateStatusUpgradeFailed,
        ];
        let names: Vec<&str> = known.iter().map(UpdateStatus::as_str).collect();
        out.state_set(&UPDATE_STATUS, &[], "status", &names, status.as_str());
    }
    if let Some(age) = info.last_update_check.as_ref().and_then(span_seconds) {
        out.gauge(&UPDATE_CHECK_AGE, age);
    }
}

pub(crate) fn health_figures(data: &SystemHealthData, out: &mut Families) {
    if let Some(cpu) = mean_percent(data.cpu.as_deref()) {
        out.gauge(&CPU_USED, cpu / 100.0);
    }
    if let Some(memory) = mean_percent(data.memory.as_deref()) {
        out.gauge(&MEMORY_USED, memory / 100.0);
    }
    for (def, value) in [
        // `memoryTotal` is in KiB (the web administration multiplies it by 1024).
        (&MEMORY_TOTAL, data.memory_total.map(|kib| kib * 1024.0)),
        (&DISK_TOTAL, data.disk_total),
        (&DISK_FREE, data.disk_free),
    ] {
        if let Some(value) = value.filter(|v| *v >= 0.0) {
            out.gauge(def, value);
        }
    }
}

pub(crate) fn registration_state(status: &RegistrationFullStatus, now: i64, out: &mut Families) {
    if let Some(state) = &status.reg_type {
        let known = [
            RegistrationType::RsNoRegistration,
            RegistrationType::RsTrialRegistered,
            RegistrationType::RsTrialExpired,
            RegistrationType::RsProductRegistered,
        ];
        let names: Vec<&str> = known.iter().map(RegistrationType::as_str).collect();
        out.state_set(&REGISTRATION_STATE, &[], "state", &names, state.as_str());
    }
    for expiry in status.expirations.iter().flatten() {
        let kind = expiry
            .r#type
            .as_ref()
            .map_or("unknown", ExpireType::as_str)
            .to_owned();
        if let Some(at) = expires_at(expiry, now) {
            out.gauge_with(&EXPIRY, vec![("type", kind)], at as f64);
        }
    }
}

/// The mean of the finite samples, in percent.
pub(crate) fn mean_percent(samples: Option<&[f64]>) -> Option<f64> {
    let finite: Vec<f64> = samples?.iter().copied().filter(|v| v.is_finite()).collect();
    (!finite.is_empty()).then(|| finite.iter().sum::<f64>() / finite.len() as f64)
}

/// A time span in seconds; `None` when it is marked invalid or has no figures.
pub(crate) fn span_seconds(span: &TimeSpan) -> Option<f64> {
    if span.is_valid == Some(false) {
        return None;
    }
    if span.days.is_none() && span.hours.is_none() && span.minutes.is_none() {
        return None;
    }
    let minutes = span.days.unwrap_or(0) as f64 * 1440.0
        + span.hours.unwrap_or(0) as f64 * 60.0
        + span.minutes.unwrap_or(0) as f64;
    Some(minutes * 60.0)
}

/// Every metric of the status reads.
pub(crate) const METRICS: [&MetricDef; 11] = [
    &PRODUCT_INFO,
    &UPDATE_AVAILABLE,
    &UPDATE_STATUS,
    &UPDATE_CHECK_AGE,
    &CPU_USED,
    &MEMORY_USED,
    &MEMORY_TOTAL,
    &DISK_TOTAL,
    &DISK_FREE,
    &REGISTRATION_STATE,
    &EXPIRY,
];
