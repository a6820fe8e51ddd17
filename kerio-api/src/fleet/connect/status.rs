//! Kerio Connect's status rules: from the figures a server gave to a colour and its
//! reasons. Memory, disk and licence are judged by Kerio Control's rules, since the
//! Connect spec gives the same figures in the same units (memory samples in percent of
//! `memoryTotal`, sizes in bytes, the shared `RegistrationFullStatus`); the update state
//! and the mail queue have rules of their own.

use crate::admin;
use crate::connect::admin::{
    ByteUnits, ByteValueWithUnits, ProductInfo, RegistrationFullStatus, SystemHealthData,
    UpdateCheckerStatus,
};
use crate::fleet::status::{self, Reason, Status, Thresholds};
use crate::fleet::{Figures, ReasonKind};

/// What a Kerio Connect replied to the four reads that decide its status; each read
/// succeeds or fails on its own (the error as its message).
#[derive(Debug)]
pub(crate) struct Readings {
    /// `Server.getProductInfo` `info`: the version and the last update check.
    pub(crate) product: Result<ProductInfo, String>,
    /// `SystemHealth.get` `data`, two hours of samples.
    pub(crate) health: Result<SystemHealthData, String>,
    /// `ProductRegistration.getFullStatus` `status`.
    pub(crate) registration: Result<RegistrationFullStatus, String>,
    /// `Queue.get`: the messages waiting for delivery.
    pub(crate) queue: Result<MailQueue, String>,
}

/// The mail queue's figures: `Queue.get` `totalItems` and `volume`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MailQueue {
    /// Messages waiting in the queue.
    pub(crate) messages: i64,
    /// The space they take, as a number and a unit.
    pub(crate) volume: ByteValueWithUnits,
}

/// The status of an online Kerio Connect and the reasons for it, worst first.
///
/// - the update state (`updateInfo.result` of `Server.getProductInfo`): `updNewVersion`
///   is yellow (an update is available, with the running version and the server's
///   description), `updError` is yellow (the last check failed);
/// - memory and disk, by [Kerio Control's rules](crate::fleet): yellow at or above
///   [`Thresholds::memory_used_percent`] of memory in use over two hours or below
///   [`Thresholds::disk_free_percent`] free, red below
///   [`Thresholds::disk_free_critical_percent`];
/// - the licence and the software maintenance, by Kerio Control's rules: red when
///   expired (or an expired trial), yellow within [`Thresholds::expiry_warning_days`];
/// - the mail queue: yellow from [`Thresholds::mail_queue_messages`] messages waiting,
///   red from [`Thresholds::mail_queue_critical_messages`], with the count and the
///   volume as the server gives it (no unit is converted: whether its kilobyte is 1000
///   or 1024 bytes is not documented);
/// - a read that failed is yellow: the server answered, but that part was not checked.
///
/// `now` is the time of the poll in seconds since the Unix epoch, for expiry dates.
pub(crate) fn assess(readings: &Readings, limits: &Thresholds, now: i64) -> (Status, Vec<Reason>) {
    let mut issues = Vec::new();
    let mut good = Vec::new();
    match &readings.product {
        Ok(info) => update(info, &mut issues),
        Err(e) => issues.push(read_failed(format!(
            "The product version and update state could not be read: {e}"
        ))),
    }
    match &readings.health {
        Ok(data) => status::health(&control_figures(data), limits, &mut issues, &mut good),
        Err(e) => issues.push(read_failed(format!(
            "Memory and disk could not be read: {e}"
        ))),
    }
    match &readings.registration {
        Ok(registration) => {
            status::registration(registration, limits, now, &mut issues, &mut good);
        }
        Err(e) => issues.push(read_failed(format!(
            "The licence state could not be read: {e}"
        ))),
    }
    match &readings.queue {
        Ok(queue) => mail_queue(queue, limits, &mut issues, &mut good),
        Err(e) => issues.push(read_failed(format!(
            "The mail queue could not be read: {e}"
        ))),
    }
    status::conclude(issues, &good)
}

/// A read that failed: the server answered, but that part was not checked.
fn read_failed(text: String) -> Reason {
    Reason::new(Status::Yellow, text).kind(ReasonKind::ReadFailed)
}

/// The version shown in the report: `info.version`, with `info.buildNumber` when the
/// version does not hold it already (`10.1.0 build 9001`).
pub(crate) fn version(info: &ProductInfo) -> Option<String> {
    let number = info
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())?;
    match info.build_number.as_deref().map(str::trim) {
        Some(build) if !build.is_empty() && !number.contains(build) => {
            Some(format!("{number} build {build}"))
        }
        _ => Some(number.to_owned()),
    }
}

fn update(info: &ProductInfo, issues: &mut Vec<Reason>) {
    let Some(update) = &info.update_info else {
        return;
    };
    let detail = update
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let (kind, text) = match &update.result {
        Some(UpdateCheckerStatus::UpdNewVersion) => {
            let running = version(info).map_or_else(String::new, |v| format!(" (running {v})"));
            let text = match detail {
                Some(d) => format!("An update is available{running}: {d}"),
                None => format!("An update is available{running}"),
            };
            (ReasonKind::UpdateAvailable, text)
        }
        Some(UpdateCheckerStatus::UpdError) => {
            let text = match detail {
                Some(d) => format!("The last update check failed: {d}"),
                None => "The last update check failed".to_owned(),
            };
            (ReasonKind::UpdateFailed, text)
        }
        _ => return,
    };
    issues.push(Reason::new(Status::Yellow, text).kind(kind));
}

/// Connect's load, memory and disk figures as Kerio Control's rules (and the exporter's
/// Control metrics) read them: the same five figures in the same units.
pub(crate) fn control_figures(data: &SystemHealthData) -> admin::SystemHealthData {
    admin::SystemHealthData {
        cpu: data.cpu.clone(),
        memory: data.memory.clone(),
        // Connect's spec gives bytes (from the catalog; no exchange confirms it), Kerio
        // Control's rule reads KiB, as Control's web administration does.
        memory_total: data.memory_total.map(|bytes| bytes / 1024.0),
        disk_total: data.disk_total,
        disk_free: data.disk_free,
        ..Default::default()
    }
}

fn mail_queue(
    queue: &MailQueue,
    limits: &Thresholds,
    issues: &mut Vec<Reason>,
    good: &mut Vec<String>,
) {
    let n = queue.messages;
    let noun = if n == 1 { "message" } else { "messages" };
    let volume = volume(&queue.volume).map_or_else(String::new, |v| format!(", {v}"));
    let figure = format!("{n} {noun} waiting{volume}");
    let figures = |threshold: i64| Figures {
        mail_queue_messages: Some(n),
        threshold: Some(threshold as f64),
        ..Figures::default()
    };
    if n >= limits.mail_queue_critical_messages {
        issues.push(
            Reason::new(Status::Red, format!("The mail queue is stuck: {figure}"))
                .kind(ReasonKind::MailQueueStuck)
                .figures(figures(limits.mail_queue_critical_messages)),
        );
    } else if n >= limits.mail_queue_messages {
        issues.push(
            Reason::new(
                Status::Yellow,
                format!("The mail queue is backed up: {figure}"),
            )
            .kind(ReasonKind::MailQueueBacklog)
            .figures(figures(limits.mail_queue_messages)),
        );
    } else {
        good.push(format!("mail queue {figure}"));
    }
}

/// A size as the server gives it, `8160 kilobytes`, without converting the unit.
fn volume(value: &ByteValueWithUnits) -> Option<String> {
    let number = value.value?;
    let unit = match &value.units {
        Some(ByteUnits::Bytes) => "bytes",
        Some(ByteUnits::KiloBytes) => "kilobytes",
        Some(ByteUnits::MegaBytes) => "megabytes",
        Some(ByteUnits::GigaBytes) => "gigabytes",
        Some(ByteUnits::TeraBytes) => "terabytes",
        Some(ByteUnits::PetaBytes) => "petabytes",
        Some(other) => other.as_str(),
        // A number without its unit says nothing about the size.
        None => return None,
    };
    Some(format!("{number} {unit}"))
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
