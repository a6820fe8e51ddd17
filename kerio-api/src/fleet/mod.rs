//! Many appliances at a glance: log in to each, read what decides its status, log out,
//! and report one coloured row per appliance. A fleet may mix products: Kerio Control
//! firewalls, Kerio Connect mail servers (with kerio-api's feature `connect-admin`) and
//! Kerio Operator PBXs (feature `operator-admin`), each judged by rules of its own, all
//! in one report with a product column.
//!
//! The colours follow the public rules of the vendor's cloud dashboard:
//!
//! - **green**: online, nothing needs attention;
//! - **yellow**: online with minor issues: memory use at or above
//!   [`Thresholds::memory_used_percent`], disk space below
//!   [`Thresholds::disk_free_percent`], an update available or a failed update check,
//!   the licence or the software maintenance expiring within
//!   [`Thresholds::expiry_warning_days`], a Connect mail queue of
//!   [`Thresholds::mail_queue_messages`] or more, or a read that failed;
//! - **red**: offline (no connection, a rejected certificate, a failed login, no answer
//!   within [`FleetOptions::timeout`]), or with major issues: the licence, the trial or
//!   the software maintenance has expired, the disk is nearly full
//!   ([`Thresholds::disk_free_critical_percent`]), or a Connect mail queue of
//!   [`Thresholds::mail_queue_critical_messages`] or more;
//! - **grey**: listed, but not managed yet: no credentials are configured, so the
//!   appliance is not contacted.
//!
//! Every reason carries the figure behind it ("Memory is low: 95% of 4.0 GiB in use
//! over the last two hours", "The mail queue is backed up: 240 messages waiting, 8197
//! kilobytes").
//!
//! ## Kerio Control
//!
//! Read through the typed Administration API, by default in one `Batch.run` request
//! ([`ReadMode`]):
//!
//! | Method | Read | Rule |
//! |---|---|---|
//! | `ProductInfo.get` | `productInfo.versionString` | the version shown in the report |
//! | `UpdateChecker.getStatus` | `status.newVersion`, `status.description`, `status.status`, `status.updateErrorDescr` | yellow: an update is available, or the last check, download or upgrade failed |
//! | `SystemHealth.get` (`HistogramTwoHours`) | `data.memory` (percent samples), `data.memoryTotal` (KiB), `data.diskTotal`, `data.diskFree` (bytes) | memory: the mean of two hours; disk: the free share |
//! | `ProductRegistration.getFullStatus` | `status.regType`, `status.expirations[]` (`type`, `isUnlimited`, `remainingDays`, `date`) | red: expired trial, licence or maintenance; yellow: expiring |
//!
//! ## Kerio Connect
//!
//! Read through the typed Connect Administration API (`kerio_api::connect::admin`), four
//! requests at the same time (the API has no batch method):
//!
//! | Method | Read | Rule |
//! |---|---|---|
//! | `Server.getProductInfo` | `info.version`, `info.buildNumber`, `info.updateInfo.result`, `info.updateInfo.description` | the version shown; yellow: `updNewVersion` (an update is available), `updError` (the check failed) |
//! | `SystemHealth.get` (`HistogramTwoHours`) | `data.memory` (percent of `memoryTotal`), `data.memoryTotal`, `data.diskTotal`, `data.diskFree` (bytes) | as Kerio Control's |
//! | `ProductRegistration.getFullStatus` | `status.regType`, `status.expirations[]` (the type Kerio Control shares) | as Kerio Control's |
//! | `Queue.get` (one item) | `totalItems`, `volume` (a number and a unit) | yellow from [`Thresholds::mail_queue_messages`] messages waiting, red from [`Thresholds::mail_queue_critical_messages`]; the volume is shown as the server gives it, unconverted (whether its kilobyte is 1000 or 1024 bytes is not documented) |
//!
//! The two queue thresholds are this crate's defaults (100 and 1000 messages), not a
//! vendor rule: a queue that grows past what a small server sends in a few minutes
//! means delivery is failing. Set them to what is normal for your server.
//!
//! ## Kerio Operator
//!
//! No reference of the Operator API is public; what it reads is typed from vendor
//! examples that ran against real PBXs (see the Operator spec's docs). Three requests at
//! the same time (no batch method is known):
//!
//! | Method | Read | Rule |
//! |---|---|---|
//! | `Server.getConstantList` | `constantList.product.SERVER_SOFTWARE` | the version shown, as the PBX gives it |
//! | `SystemHealth.get` (`HistogramOneDay`) | `systemHealth.diskTotal`, `systemHealth.diskFree` (bytes) | as Kerio Control's disk rule |
//! | `ProductRegistration.getFullStatus` | `status.expirations[]`: the licence first, the software maintenance second (by position: the items carry no type), `isUnlimited`, `date` (seconds since the Unix epoch), `remainingDays` | as Kerio Control's expiry rule |
//!
//! Beyond reachability and the login, nothing else is judged: the unit of Operator's
//! memory samples is not known (percent in Kerio Control, unseen for Operator), so
//! memory is neither judged nor shown, and no method is known that tells whether an
//! update is available.
//!
//! ## The product of an appliance
//!
//! An [`Appliance`] says its [`Product`] (`product = "connect"` in a fleet file). When
//! it does not, the product is found out at first contact: the fleet logs in once (the
//! login method is the same in every product, and the three administrations share the
//! path `/admin/api/jsonrpc/`), then tries each product's version read, which only that
//! product's spec has: `ProductInfo.get` (Kerio Control), `Server.getProductInfo`
//! (Kerio Connect), `Server.getConstantList` (Kerio Operator). The product whose
//! manifest's default port is the URL's port (4081, 4040, 4021) is tried first, then
//! the others in that order. An appliance answers a method it does not have with
//! JSON-RPC error -32601 (method not found) or -32608 (method unavailable), and a reply that names another product
//! (`productName`, `SERVER_SOFTWARE`) does not count: the next is tried. The first that
//! answers decides, and the poll goes on as for a configured product, at the cost of
//! one request more. When only Kerio Control is compiled in, nothing is tried: the
//! appliance is polled as a Kerio Control. The report says which product was found.
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

pub(crate) mod config;
#[cfg(feature = "connect-admin")]
pub(crate) mod connect;
mod figures;
pub(crate) mod html;
#[cfg(feature = "operator-admin")]
pub(crate) mod operator;
pub(crate) mod poll;
pub(crate) mod product;
pub(crate) mod read;
mod reason_kind;
mod report;
pub(crate) mod status;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub use config::{ConfigError, FleetConfig};
pub use figures::Figures;
pub use poll::poll;
pub use product::{Product, UnknownProduct};
pub use reason_kind::ReasonKind;
pub use report::{ApplianceReport, FleetReport};
pub use status::{Reason, Status, Thresholds};

use crate::{Client, ClientBuilder, Error, Secret};

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
    /// The product; `None` finds it out at first contact (see the [module
    /// docs](self#the-product-of-an-appliance)).
    pub product: Option<Product>,
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
            product: None,
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

    /// Sets the product (else it is found out at first contact).
    pub fn product(mut self, product: Product) -> Self {
        self.product = Some(product);
        self
    }

    /// Sets how the certificate is trusted.
    pub fn trust(mut self, trust: Trust) -> Self {
        self.trust = trust;
        self
    }

    /// A client builder for the appliance's URL that trusts its certificate as
    /// configured (a CA file is read now): what polling builds its clients from, for
    /// other programs that reach the appliances of a fleet file (`kerio --appliance`).
    /// The error is a sentence saying what is wrong.
    pub fn client_builder(&self) -> Result<ClientBuilder, String> {
        let builder = Client::builder(&self.url);
        let config = |e: Error| format!("The configuration is not usable: {e}");
        Ok(match &self.trust {
            Trust::System => builder,
            Trust::PinSha256(pin) => builder.pin_sha256(pin).map_err(config)?,
            Trust::CaPem(pem) => builder.ca_certificate_pem(pem.as_bytes()).map_err(config)?,
            Trust::CaFile(path) => {
                let pem = std::fs::read(path).map_err(|e| {
                    format!(
                        "The CA certificate file {} cannot be read: {e}",
                        path.display()
                    )
                })?;
                builder.ca_certificate_pem(&pem).map_err(config)?
            }
            Trust::DangerAcceptInvalidCerts => builder.danger_accept_invalid_certs(),
        })
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
    pub fn read(&self) -> Result<Secret<String>, String> {
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

/// How Kerio Control's four reads that decide the status are sent (Kerio Connect and
/// Kerio Operator have no batch method: their reads are always concurrent).
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
    /// What counts as low memory, an expiry that is soon or a long mail queue.
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
