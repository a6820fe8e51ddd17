//! The kinds of reasons, stable codes beside their texts.

use serde::{Deserialize, Serialize};

/// What a [`Reason`](super::Reason) is about: a stable code for alert rules, metric labels and scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonKind {
    /// Online, nothing needs attention (the one green reason).
    Online,
    /// Listed without credentials, not contacted (grey).
    Unmanaged,
    /// No connection, or no answer in time.
    Offline,
    /// The certificate was not trusted or did not match the pin.
    CertificateRejected,
    /// The appliance refused the login.
    LoginRefused,
    /// The configuration cannot be used: a password or CA file that cannot be read.
    Configuration,
    /// The appliance answered, but a read failed.
    ReadFailed,
    /// A newer firmware is available.
    UpdateAvailable,
    /// The last update check, download or upgrade failed.
    UpdateFailed,
    /// Memory use is at or above the threshold.
    MemoryLow,
    /// Free disk space is below the threshold.
    DiskLow,
    /// Free disk space is below the critical threshold.
    DiskFull,
    /// The trial licence has expired.
    TrialExpired,
    /// The licence has expired.
    LicenseExpired,
    /// The licence expires soon.
    LicenseExpiring,
    /// The software maintenance has expired.
    MaintenanceExpired,
    /// The software maintenance expires soon.
    MaintenanceExpiring,
    /// Another expiry date has passed.
    Expired,
    /// Another expiry date is near.
    Expiring,
    /// Kerio Connect: the mail queue holds more messages than usual.
    MailQueueBacklog,
    /// Kerio Connect: the mail queue holds so many messages that delivery has stopped.
    MailQueueStuck,
    /// Anything else.
    #[default]
    Other,
}

impl ReasonKind {
    /// Every kind, in the order of the declaration.
    pub const ALL: [ReasonKind; 22] = [
        ReasonKind::Online,
        ReasonKind::Unmanaged,
        ReasonKind::Offline,
        ReasonKind::CertificateRejected,
        ReasonKind::LoginRefused,
        ReasonKind::Configuration,
        ReasonKind::ReadFailed,
        ReasonKind::UpdateAvailable,
        ReasonKind::UpdateFailed,
        ReasonKind::MemoryLow,
        ReasonKind::DiskLow,
        ReasonKind::DiskFull,
        ReasonKind::TrialExpired,
        ReasonKind::LicenseExpired,
        ReasonKind::LicenseExpiring,
        ReasonKind::MaintenanceExpired,
        ReasonKind::MaintenanceExpiring,
        ReasonKind::Expired,
        ReasonKind::Expiring,
        ReasonKind::MailQueueBacklog,
        ReasonKind::MailQueueStuck,
        ReasonKind::Other,
    ];

    /// The snake-case name, as serialized: `memory_low`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Online => "online",
            ReasonKind::Unmanaged => "unmanaged",
            ReasonKind::Offline => "offline",
            ReasonKind::CertificateRejected => "certificate_rejected",
            ReasonKind::LoginRefused => "login_refused",
            ReasonKind::Configuration => "configuration",
            ReasonKind::ReadFailed => "read_failed",
            ReasonKind::UpdateAvailable => "update_available",
            ReasonKind::UpdateFailed => "update_failed",
            ReasonKind::MemoryLow => "memory_low",
            ReasonKind::DiskLow => "disk_low",
            ReasonKind::DiskFull => "disk_full",
            ReasonKind::TrialExpired => "trial_expired",
            ReasonKind::LicenseExpired => "license_expired",
            ReasonKind::LicenseExpiring => "license_expiring",
            ReasonKind::MaintenanceExpired => "maintenance_expired",
            ReasonKind::MaintenanceExpiring => "maintenance_expiring",
            ReasonKind::Expired => "expired",
            ReasonKind::Expiring => "expiring",
            ReasonKind::MailQueueBacklog => "mail_queue_backlog",
            ReasonKind::MailQueueStuck => "mail_queue_stuck",
            ReasonKind::Other => "other",
        }
    }
}
