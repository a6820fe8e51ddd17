//! Many appliances at a glance: log in to each, read what decides its status, log out,
//! and report one coloured row per appliance.
//!
//! The colours follow the public rules of the vendor's cloud dashboard:
//!
//! - **green**: online, nothing needs attention;
//! - **yellow**: online with minor issues: memory use at or above
//!   [`Thresholds::memory_used_percent`], disk space below
//!   [`Thresholds::disk_free_percent`], an update available or a failed update check,
//!   the licence or the software maintenance expiring within
//!   [`Thresholds::expiry_warning_days`], or a read that failed;
//! - **red**: offline (no connection, a rejected certificate, a failed login, no answer
//!   within [`FleetOptions::timeout`]), or with major issues: the licence, the trial or
//!   the software maintenance has expired, or the disk is nearly full
//!   ([`Thresholds::disk_free_critical_percent`]);
//! - **grey**: listed, but not managed yet: no credentials are configured, so the
//!   appliance is not contacted.
//!
//! What decides the status is read through the typed Administration API, by default in
//! one `Batch.run` request ([`ReadMode`]):
//!
//! | Method | Read |
//! |---|---|
//! | `ProductInfo.get` | `productInfo.versionString`: the version shown in the report |
//! | `UpdateChecker.getStatus` | `status.newVersion`, `status.description`, `status.status`, `status.updateErrorDescr` |
//! | `SystemHealth.get` (`HistogramTwoHours`) | `data.memory` (percent samples), `data.memoryTotal` (KiB), `data.diskTotal`, `data.diskFree` (bytes) |
//! | `ProductRegistration.getFullStatus` | `status.regType`, `status.expirations[]` (`type`, `isUnlimited`, `remainingDays`) |
//!
//! Appliances are polled concurrently, at most [`FleetOptions::concurrency`] at a time,
//! each within its own [`FleetOptions::timeout`]: a slow or dead appliance costs its own
//! row, never the others', and a failure is a red row with its reason, never an error
//! of the whole run.
//!
//! ```no_run
//! # async fn demo() -> Result<(), kerio_api::fleet::ConfigError> {
//! use kerio_api::fleet::FleetConfig;
//!
//! let config = FleetConfig::load("fleet.toml")?;
//! let report = config.poll().await;
//! print!("{}", report.to_table(false));
//! # Ok(()) }
//! ```

mod config;
mod html;
mod poll;
mod read;
mod report;
mod status;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub use config::{ConfigError, FleetConfig};
pub use poll::poll;
pub use report::{ApplianceReport, FleetReport};
pub use status::{Reason, Status, Thresholds};

use crate::Secret;

/// Appliances polled at the same time, unless configured otherwise.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// How long one appliance may take, login to logout, unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// One appliance of a fleet: where it is, how to log in and how to trust it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Appliance {
    /// The name shown in reports.
    pub name: String,
    /// The base URL of the administration, e.g. `https://fw.example.com:4081`.
    pub url: String,
    /// How to log in; `None` lists the appliance without contacting it (grey).
    pub credentials: Option<Credentials>,
    /// How the appliance's certificate is trusted.
    pub trust: Trust,
}

impl Appliance {
    /// An appliance without credentials (grey until [`credentials`](Self::credentials)
    /// is set), trusted through the system's trust store.
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Appliance {
            name: name.into(),
            url: url.into(),
            credentials: None,
            trust: Trust::System,
        }
    }

    /// Sets the credentials.
    pub fn credentials(mut self, user: impl Into<String>, password: PasswordSource) -> Self {
        self.credentials = Some(Credentials {
            user: user.into(),
            password,
        });
        self
    }

    /// Sets how the certificate is trusted.
    pub fn trust(mut self, trust: Trust) -> Self {
        self.trust = trust;
        self
    }
}

/// A user name and where its password comes from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Credentials {
    /// The administrator's user name.
    pub user: String,
    /// Where the password is read from, at poll time.
    pub password: PasswordSource,
}

/// Where a password comes from. It is read when the appliance is polled, never stored
/// in a fleet file, and never shown.
#[derive(Clone)]
#[non_exhaustive]
pub enum PasswordSource {
    /// An environment variable with this name.
    Env(String),
    /// A file holding the password (one trailing line break is dropped).
    File(PathBuf),
    /// The password itself, for programs that hold it already.
    Value(Secret<String>),
}

impl PasswordSource {
    /// The password; the error says where it was looked for, never what was found.
    pub(crate) fn read(&self) -> Result<Secret<String>, String> {
        match self {
            PasswordSource::Env(name) => match std::env::var(name) {
                Ok(value) if !value.is_empty() => Ok(Secret::new(value)),
                Ok(_) => Err(format!("The password variable {name} is empty")),
                Err(std::env::VarError::NotPresent) => {
                    Err(format!("The password variable {name} is not set"))
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(format!("The password variable {name} is not valid UTF-8"))
                }
            },
            PasswordSource::File(path) => match std::fs::read_to_string(path) {
                Ok(text) => {
                    let value = text
                        .strip_suffix('\n')
                        .map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
                    if value.is_empty() {
                        Err(format!("The password file {} is empty", path.display()))
                    } else {
                        Ok(Secret::new(value.to_owned()))
                    }
                }
                Err(e) => Err(format!(
                    "The password file {} cannot be read: {e}",
                    path.display()
                )),
            },
            PasswordSource::Value(secret) => Ok(secret.clone()),
        }
    }
}

impl fmt::Debug for PasswordSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordSource::Env(name) => f.debug_tuple("Env").field(name).finish(),
            PasswordSource::File(path) => f.debug_tuple("File").field(path).finish(),
            PasswordSource::Value(secret) => f.debug_tuple("Value").field(secret).finish(),
        }
    }
}

/// How an appliance's certificate is trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Trust {
    /// The system's trust store.
    System,
    /// The SHA-256 of the appliance's certificate, in hex (see
    /// [`ClientBuilder::pin_sha256`](crate::ClientBuilder::pin_sha256)).
    PinSha256(String),
    /// A PEM file with the CA that signed the certificate, read at poll time.
    CaFile(PathBuf),
    /// The CA that signed the certificate, as PEM text.
    CaPem(String),
    /// No verification at all; for a lab only.
    DangerAcceptInvalidCerts,
}

/// How the four reads that decide the status are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ReadMode {
    /// In one `Batch.run` request (the default): one round trip after the login.
    #[default]
    Batch,
    /// As four requests sent at the same time.
    Concurrent,
}

/// How a fleet is polled.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FleetOptions {
    /// Appliances polled at the same time (default [`DEFAULT_CONCURRENCY`]; 0 counts
    /// as 1).
    pub concurrency: usize,
    /// How long one appliance may take, login to logout (default [`DEFAULT_TIMEOUT`]).
    pub timeout: Duration,
    /// What counts as low memory or an expiry that is soon.
    pub thresholds: Thresholds,
    /// How the reads are sent.
    pub read_mode: ReadMode,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            concurrency: DEFAULT_CONCURRENCY,
            timeout: DEFAULT_TIMEOUT,
            thresholds: Thresholds::default(),
            read_mode: ReadMode::default(),
        }
    }
}

impl FleetOptions {
    /// Sets [`concurrency`](Self::concurrency).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// Sets [`timeout`](Self::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets [`thresholds`](Self::thresholds).
    pub fn thresholds(mut self, thresholds: Thresholds) -> Self {
        self.thresholds = thresholds;
        self
    }

    /// Sets [`read_mode`](Self::read_mode).
    pub fn read_mode(mut self, read_mode: ReadMode) -> Self {
        self.read_mode = read_mode;
        self
    }
}
