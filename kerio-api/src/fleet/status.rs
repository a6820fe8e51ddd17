//! The status rules: from what an appliance replied to a colour and its reasons.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::figures::Figures;
use super::reason_kind::ReasonKind;

use crate::admin::{
    ExpireInfo, ExpireType, ProductInformation, RegistrationFullStatus, RegistrationType,
    SystemHealthData, UpdateCheckerInfo, UpdateStatus,
};

/// The status of an appliance, as a colour.
///
/// The order (`Green < Yellow < Red`, `Grey` first) is the order of severity, so the
/// worst of several statuses is their maximum; [`Status::sort_rank`] gives the order a
/// report is sorted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Status {
    /// Listed, but not managed: no credentials are configured, so it is not contacted.
    Grey,
    /// Online, nothing needs attention.
    Green,
    /// Online with minor issues, such as low memory or an available update.
    Yellow,
    /// Offline, or with major issues, such as an expired licence.
    Red,
}

impl Status {
    /// The lowercase name: `green`, `yellow`, `red` or `grey`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Grey => "grey",
            Status::Green => "green",
            Status::Yellow => "yellow",
            Status::Red => "red",
        }
    }

    /// Position in a report sorted worst first: red, yellow, green, grey.
    pub fn sort_rank(self) -> u8 {
        match self {
            Status::Red => 0,
            Status::Yellow => 1,
            Status::Green => 2,
            Status::Grey => 3,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason for an appliance's status: a short sentence with the figure behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// The status this reason alone would give.
    pub status: Status,
    /// What was found, e.g. "Memory is low: 94% of 2.0 GiB in use".
    pub text: String,
    /// What the reason is about, for programs: the text may change, the kind does not.
    #[serde(default)]
    pub kind: ReasonKind,
    /// The figures behind the text, for programs (none for reasons without numbers).
    #[serde(default, skip_serializing_if = "Figures::is_empty")]
    pub figures: Figures,
}

impl Reason {
    /// A reason with its status and text, of kind [`ReasonKind::Other`].
    pub fn new(status: Status, text: impl Into<String>) -> Self {
        Reason {
            status,
            text: text.into(),
            kind: ReasonKind::Other,
            figures: Figures::default(),
        }
    }

    /// Sets [`figures`](Self::figures).
    pub fn figures(mut self, figures: Figures) -> Self {
        self.figures = figures;
        self
    }

    /// Sets [`kind`](Self::kind).
    pub fn kind(mut self, kind: ReasonKind) -> Self {
        self.kind = kind;
        self
    }
}

/// What counts as low memory, low disk space or an expiry that is soon.
///
/// Read from the `[thresholds]` table of a fleet file; every key is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Thresholds {
    /// Memory in use, in percent of the total, averaged over the last two hours, from
    /// which memory counts as low (yellow). Default 90.
    pub memory_used_percent: f64,
    /// Free space of the data partition, in percent, below which the disk counts as
    /// low (yellow). Default 10.
    pub disk_free_percent: f64,
    /// Free space of the data partition, in percent, below which the disk counts as
    /// nearly full (red). Default 2.
    pub disk_free_critical_percent: f64,
    /// Days before the licence or the software maintenance expires from which the
    /// expiry counts as soon (yellow). Default 30.
    pub expiry_warning_days: i64,
    /// Kerio Connect: messages waiting in the mail queue from which the queue counts as
    /// backed up (yellow). Default 100.
    pub mail_queue_messages: i64,
    /// Kerio Connect: messages waiting in the mail queue from which the queue counts as
    /// stuck (red). Default 1000.
    pub mail_queue_critical_messages: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            memory_used_percent: 90.0,
            disk_free_percent: 10.0,
            disk_free_critical_percent: 2.0,
            expiry_warning_days: 30,
            mail_queue_messages: 100,
            mail_queue_critical_messages: 1000,
        }
    }
}

impl Thresholds {
    /// Sets [`memory_used_percent`](Self::memory_used_percent).
    pub fn memory_used_percent(mut self, percent: f64) -> Self {
        self.memory_used_percent = percent;
        self
    }

    /// Sets [`disk_free_percent`](Self::disk_free_percent).
    pub fn disk_free_percent(mut self, percent: f64) -> Self {
        self.disk_free_percent = percent;
        self
    }

    /// Sets [`disk_free_critical_percent`](Self::disk_free_critical_percent).
    pub fn disk_free_critical_percent(mut self, percent: f64) -> Self {
        self.disk_free_critical_percent = percent;
        self
    }

    /// Sets [`expiry_warning_days`](Self::expiry_warning_days).
    pub fn expiry_warning_days(mut self, days: i64) -> Self {
        self.expiry_warning_days = days;
        self
    }

    /// Sets [`mail_queue_messages`](Self::mail_queue_messages).
    pub fn mail_queue_messages(mut self, messages: i64) -> Self {
        self.mail_queue_messages = messages;
        self
    }

    /// Sets [`mail_queue_critical_messages`](Self::mail_queue_critical_messages).
    pub fn mail_queue_critical_messages(mut self, messages: i64) -> Self {
        self.mail_queue_critical_messages = messages;
        self
    }

    /// Checks that the percentages lie between 0 and 100, the days are not negative and
    /// the message counts are at least 1.
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (name, value) in [
            ("memory_used_percent", self.memory_used_percent),
            ("disk_free_percent", self.disk_free_percent),
            (
                "disk_free_critical_percent",
                self.disk_free_critical_percent,
            ),
        ] {
            if !(0.0..=100.0).contains(&value) {
                return Err(format!("{name} must lie between 0 and 100, not {value}"));
            }
        }
        if self.expiry_warning_days < 0 {
            return Err(format!(
                "expiry_warning_days must not be negative, not {}",
                self.expiry_warning_days
            ));
        }
        for (name, value) in [
            ("mail_queue_messages", self.mail_queue_messages),
            (
                "mail_queue_critical_messages",
                self.mail_queue_critical_messages,
            ),
        ] {
            if value < 1 {
                return Err(format!("{name} must be at least 1, not {value}"));
            }
        }
        Ok(())
    }
}

/// What an appliance replied to the four reads that decide its status; each read
/// succeeds or fails on its own (the error as its message).
#[derive(Debug)]
pub(crate) struct Readings {
    pub(crate) product: Result<ProductInformation, String>,
    pub(crate) update: Result<UpdateCheckerInfo, String>,
    pub(crate) health: Result<SystemHealthData, String>,
    pub(crate) registration: Result<RegistrationFullStatus, String>,
}

/// The status of an online appliance and the reasons for it, worst first.
///
/// A read that failed costs its part of the picture, not the row: it is a yellow reason
/// (the appliance answered, but something could not be checked).
/// `now` is the time of the poll in seconds since the Unix epoch, for expiry dates.
pub(crate) fn assess(readings: &Readings, limits: &Thresholds, now: i64) -> (Status, Vec<Reason>) {
    let mut issues = Vec::new();
    let mut good = Vec::new();
    let version = readings
        .product
        .as_ref()
        .ok()
        .and_then(|p| p.version_string.as_deref());
    if let Err(e) = &readings.product {
        issues.push(
            Reason::new(
                Status::Yellow,
                format!("The product version could not be read: {e}"),
            )
            .kind(ReasonKind::ReadFailed),
        );
    }
    match &readings.update {
        Ok(info) => update(info, version, &mut issues),
        Err(e) => issues.push(
            Reason::new(
                Status::Yellow,
                format!("The update state could not be read: {e}"),
            )
            .kind(ReasonKind::ReadFailed),
        ),
    }
    match &readings.health {
        Ok(data) => health(data, limits, &mut issues, &mut good),
        Err(e) => issues.push(
            Reason::new(
                Status::Yellow,
                format!("Memory and disk could not be read: {e}"),
            )
            .kind(ReasonKind::ReadFailed),
        ),
    }
    match &readings.registration {
        Ok(status) => registration(status, limits, now, &mut issues, &mut good),
        Err(e) => issues.push(
            Reason::new(
                Status::Yellow,
                format!("The licence state could not be read: {e}"),
            )
            .kind(ReasonKind::ReadFailed),
        ),
    }
    conclude(issues, &good)
}

/// The status of an online appliance from the issues found and what was found good:
/// the worst issue's colour with the issues, worst first, else green with the good
/// figures. Every product's rules end here.
pub(crate) fn conclude(mut issues: Vec<Reason>, good: &[String]) -> (Status, Vec<Reason>) {
    issues.sort_by_key(|r| r.status.sort_rank());
    match issues.iter().map(|r| r.status).max() {
        Some(worst) => (worst, issues),
        None => {
            let text = if good.is_empty() {
                "Online, nothing needs attention".to_owned()
            } else {
                format!("Online, nothing needs attention: {}", good.join(", "))
            };
            (
                Status::Green,
                vec![Reason::new(Status::Green, text).kind(ReasonKind::Online)],
            )
        }
    }
}

fn update(info: &UpdateCheckerInfo, version: Option<&str>, issues: &mut Vec<Reason>) {
    if info.new_version == Some(true) {
        let running = version.map_or_else(String::new, |v| format!(" (running {v})"));
        let text = match info.description.as_deref().map(str::trim) {
            Some(d) if !d.is_empty() => format!("An update is available{running}: {d}"),
            _ => format!("An update is available{running}"),
        };
        issues.push(Reason::new(Status::Yellow, text).kind(ReasonKind::UpdateAvailable));
    }
    let failed = match &info.status {
        Some(UpdateStatus::UpdateStatusCheckFailed) => Some("The last update check failed"),
        Some(UpdateStatus::UpdateStatusDownloadFailed) => Some("The update download failed"),
        Some(UpdateStatus::UpdateStatusUpgradeFailed) => Some("The last upgrade failed"),
        _ => None,
    };
    if let Some(failed) = failed {
        let text = match info.update_error_descr.as_deref().map(str::trim) {
            Some(detail) if !detail.is_empty() => format!("{failed}: {detail}"),
            _ => failed.to_owned(),
        };
        issues.push(Reason::new(Status::Yellow, text).kind(ReasonKind::UpdateFailed));
    }
}

/// Memory is judged by the mean of the two-hour history: the order of the samples is
/// not documented, and a mean does not depend on it.
pub(crate) fn health(
    data: &SystemHealthData,
    limits: &Thresholds,
    issues: &mut Vec<Reason>,
    good: &mut Vec<String>,
) {
    let samples: Vec<f64> = data
        .memory
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    if !samples.is_empty() {
        let used = samples.iter().sum::<f64>() / samples.len() as f64;
        // `memoryTotal` is in KiB: the vendor's web administration multiplies it by 1024
        // before showing bytes (systemHealth.js:515, dashboard/tiles.js:978).
        let total_bytes = data
            .memory_total
            .filter(|t| t.is_finite() && *t > 0.0)
            .map(|t| t * 1024.0);
        let total = total_bytes.map_or_else(String::new, |t| format!(" of {}", bytes(t)));
        let figures = Figures {
            memory_used_percent: Some(used),
            memory_total_bytes: total_bytes,
            threshold: Some(limits.memory_used_percent),
            ..Figures::default()
        };
        if used >= limits.memory_used_percent {
            issues.push(
                Reason::new(
                    Status::Yellow,
                    format!("Memory is low: {used:.0}%{total} in use over the last two hours"),
                )
                .kind(ReasonKind::MemoryLow)
                .figures(figures),
            );
        } else {
            good.push(format!("memory {used:.0}%{total} in use"));
        }
    }
    if let (Some(total), Some(free)) = (data.disk_total, data.disk_free)
        && total.is_finite()
        && free.is_finite()
        && total > 0.0
    {
        let percent = free / total * 100.0;
        let figure = format!("{} free of {} ({percent:.0}%)", bytes(free), bytes(total));
        let figures = |threshold: f64| Figures {
            disk_free_bytes: Some(free),
            disk_total_bytes: Some(total),
            disk_free_percent: Some(percent),
            threshold: Some(threshold),
            ..Figures::default()
        };
        if percent < limits.disk_free_critical_percent {
            issues.push(
                Reason::new(Status::Red, format!("The disk is nearly full: {figure}"))
                    .kind(ReasonKind::DiskFull)
                    .figures(figures(limits.disk_free_critical_percent)),
            );
        } else if percent < limits.disk_free_percent {
            issues.push(
                Reason::new(Status::Yellow, format!("Disk space is low: {figure}"))
                    .kind(ReasonKind::DiskLow)
                    .figures(figures(limits.disk_free_percent)),
            );
        } else {
            good.push(format!("disk {figure}"));
        }
    }
}

pub(crate) fn registration(
    status: &RegistrationFullStatus,
    limits: &Thresholds,
    now: i64,
    issues: &mut Vec<Reason>,
    good: &mut Vec<String>,
) {
    if status.reg_type == Some(RegistrationType::RsTrialExpired) {
        issues.push(
            Reason::new(
                Status::Red,
                "The trial licence has expired (registration state rsTrialExpired)",
            )
            .kind(ReasonKind::TrialExpired),
        );
    }
    for expiry in status.expirations.iter().flatten() {
        expiration(expiry, limits, now, issues, good);
    }
}

/// Seconds in a day.
const DAY: i64 = 86_400;
/// 2000-01-01 and 2200-01-01 in seconds since the Unix epoch: an expiry `date` outside
/// this range is not taken for seconds since the epoch, and is ignored.
const PLAUSIBLE_DATES: std::ops::Range<i64> = 946_684_800..7_258_118_400;

/// When an expiry passes, by two fields whose behaviour after the date is not
/// documented: `remainingDays` (days left; negative is taken as expired, 0 as the last
/// day, unless the date says otherwise) and `date` (the last day of validity, taken as
/// seconds since the Unix epoch when it is a plausible date; expired a day after it).
fn expiration(
    expiry: &ExpireInfo,
    limits: &Thresholds,
    now: i64,
    issues: &mut Vec<Reason>,
    good: &mut Vec<String>,
) {
    if expiry.is_unlimited == Some(true) {
        return;
    }
    let date = expiry.date.filter(|d| PLAUSIBLE_DATES.contains(d));
    let days_past_date = date.map(|d| now.saturating_sub(d).div_euclid(DAY));
    let expired_days_ago = match (expiry.remaining_days, days_past_date) {
        (_, Some(past)) if past >= 1 => Some(past),
        (Some(days), _) if days < 0 => Some(-days),
        _ => None,
    };
    let days_left = expiry
        .remaining_days
        .or_else(|| days_past_date.map(|past| (-past).max(0)));
    let (what, what_capital) = match &expiry.r#type {
        Some(ExpireType::License) => ("licence".to_owned(), "The licence".to_owned()),
        Some(ExpireType::Subscription) => (
            "software maintenance".to_owned(),
            "The software maintenance".to_owned(),
        ),
        Some(other) => (
            format!("{} expiry", other.as_str()),
            format!("The {} expiry", other.as_str()),
        ),
        None => ("expiry".to_owned(), "An expiry date".to_owned()),
    };
    let (expired, expiring) = match &expiry.r#type {
        Some(ExpireType::License) => (ReasonKind::LicenseExpired, ReasonKind::LicenseExpiring),
        Some(ExpireType::Subscription) => (
            ReasonKind::MaintenanceExpired,
            ReasonKind::MaintenanceExpiring,
        ),
        _ => (ReasonKind::Expired, ReasonKind::Expiring),
    };
    if let Some(ago_days) = expired_days_ago {
        issues.push(
            Reason::new(
                Status::Red,
                format!("{what_capital} expired {}", ago(ago_days)),
            )
            .kind(expired)
            .figures(Figures {
                days_expired: Some(ago_days),
                ..Figures::default()
            }),
        );
        return;
    }
    let Some(days) = days_left else {
        return;
    };
    if days <= limits.expiry_warning_days {
        let when = match days {
            0 => "today".to_owned(),
            1 => "in 1 day".to_owned(),
            n => format!("in {n} days"),
        };
        issues.push(
            Reason::new(Status::Yellow, format!("{what_capital} expires {when}"))
                .kind(expiring)
                .figures(Figures {
                    days_left: Some(days),
                    threshold: Some(limits.expiry_warning_days as f64),
                    ..Figures::default()
                }),
        );
    } else {
        good.push(format!("{what} valid for {days} more days"));
    }
}

/// The moment an expiry counts as passed by the rules of [`expiration`], in seconds
/// since the Unix epoch: a day after a plausible `date` (its last day of validity), else
/// the end of the `remainingDays`-th day from `now`; `None` when it never expires or
/// neither field says when.
#[cfg_attr(not(feature = "exporter"), allow(dead_code))]
pub(crate) fn expires_at(expiry: &ExpireInfo, now: i64) -> Option<i64> {
    if expiry.is_unlimited == Some(true) {
        return None;
    }
    match expiry.date.filter(|d| PLAUSIBLE_DATES.contains(d)) {
        Some(date) => Some(date.saturating_add(DAY)),
        None => expiry
            .remaining_days
            .map(|days| now.saturating_add(days.saturating_add(1).saturating_mul(DAY))),
    }
}

fn ago(days: i64) -> String {
    if days == 1 {
        "1 day ago".to_owned()
    } else {
        format!("{days} days ago")
    }
}

/// A byte count in binary units with one decimal, e.g. `1.5 GiB`.
pub(crate) fn bytes(value: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = value;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
