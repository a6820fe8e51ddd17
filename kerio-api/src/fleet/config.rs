//! The fleet file (`fleet.toml`): the appliances, how to reach them, and the options.
//!
//! ```toml
//! [settings]                 # optional, these are the defaults
//! concurrency = 16           # appliances polled at the same time
//! timeout_seconds = 30       # per appliance, login to logout
//! read_mode = "batch"        # or "concurrent"
//!
//! [thresholds]               # optional, these are the defaults
//! memory_used_percent = 90
//! disk_free_percent = 10
//! disk_free_critical_percent = 2
//! expiry_warning_days = 30
//! mail_queue_messages = 100                 # Kerio Connect
//! mail_queue_critical_messages = 1000       # Kerio Connect
//!
//! [[appliance]]
//! name = "Headquarters"
//! url = "https://hq.example.com:4081"
//! product = "control"                       # or "connect", "operator"; found out when absent
//! user = "admin"
//! password_env = "KERIO_HQ_PASSWORD"        # or password_file = "hq.password"
//! cert_sha256 = "5f:1c:…"                   # or ca_file = "ca.pem", or insecure = true
//!
//! [[appliance]]                             # no user: listed, not contacted (grey)
//! name = "New branch"
//! url = "https://branch.example.com:4081"
//! ```
//!
//! An `[exporter]` section belongs to the Prometheus exporter (`kerio_api::exporter`,
//! feature `exporter`) and is ignored here.
//!
//! Passwords are never read from the file itself: a `password` key is an error. A
//! `product` this build does not poll (`connect` without kerio-api's feature
//! `connect-admin`, `operator` without `operator-admin`) is an error too.
//! Relative `password_file` and `ca_file` paths are relative to the fleet file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::product::Product;
use super::status::Thresholds;
use super::{Appliance, FleetOptions, PasswordSource, ReadMode, Trust, poll};
use crate::Client;
use crate::fleet::FleetReport;

/// A fleet read from a fleet file: the appliances and how to poll them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FleetConfig {
    /// The appliances, in the order of the file.
    pub appliances: Vec<Appliance>,
    /// Concurrency, timeout, thresholds and read mode.
    pub options: FleetOptions,
}

/// Why a fleet file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The fleet file.
        path: PathBuf,
        /// The reason.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not fit the format; the message says where.
    #[error("{origin}: {message}")]
    Invalid {
        /// The fleet file, or `fleet file` for text given directly.
        origin: String,
        /// What is wrong and where.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    settings: Settings,
    #[serde(default)]
    thresholds: Thresholds,
    #[serde(default)]
    appliance: Vec<Entry>,
    /// The exporter's section (`kerio_api::exporter`), which the fleet report ignores.
    #[serde(default, rename = "exporter")]
    _exporter: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    concurrency: usize,
    timeout_seconds: f64,
    read_mode: Mode,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            concurrency: super::DEFAULT_CONCURRENCY,
            timeout_seconds: super::DEFAULT_TIMEOUT.as_secs_f64(),
            read_mode: Mode::Batch,
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Mode {
    Batch,
    Concurrent,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    url: String,
    product: Option<Product>,
    user: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    /// Accepted only to say why it is refused.
    password: Option<toml::Value>,
    cert_sha256: Option<String>,
    ca_file: Option<PathBuf>,
    #[serde(default)]
    insecure: bool,
}

impl FleetConfig {
    /// Reads a fleet file; relative paths in it are relative to its folder.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        load_with(path.as_ref(), parse)
    }

    /// Reads a fleet file's text; relative paths in it stay relative to the current
    /// folder.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        parse(text, Path::new(""), "fleet file")
    }

    /// The appliance of this name (names compare exactly).
    pub fn appliance(&self, name: &str) -> Option<&Appliance> {
        self.appliances.iter().find(|a| a.name == name)
    }

    /// Polls the fleet; see [`poll`](super::poll).
    pub async fn poll(&self) -> FleetReport {
        poll(&self.appliances, &self.options).await
    }
}

/// Reads the fleet file at `path` with `parse`: relative paths in it are relative to
/// its folder, and errors name the file.
pub(crate) fn load_with<T>(
    path: &Path,
    parse: fn(&str, &Path, &str) -> Result<T, ConfigError>,
) -> Result<T, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_owned(),
        source,
    })?;
    let base = path.parent().unwrap_or(Path::new(""));
    parse(&text, base, &path.display().to_string())
}

/// Reads a fleet file's `text`; relative paths are relative to `base`, and errors name
/// `origin`.
pub(crate) fn parse(text: &str, base: &Path, origin: &str) -> Result<FleetConfig, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        origin: origin.to_owned(),
        message,
    };
    let file: File = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    file.thresholds
        .validate()
        .map_err(|e| invalid(format!("[thresholds]: {e}")))?;
    let settings = &file.settings;
    if settings.concurrency == 0 {
        return Err(invalid("[settings]: concurrency must be at least 1".into()));
    }
    let timeout = Duration::try_from_secs_f64(settings.timeout_seconds)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            invalid(format!(
                "[settings]: timeout_seconds must be a positive number of seconds, not {}",
                settings.timeout_seconds
            ))
        })?;
    if file.appliance.is_empty() {
        return Err(invalid(
            "no appliances: add an [[appliance]] table with name and url".into(),
        ));
    }
    let appliances = file
        .appliance
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let place = format!("[[appliance]] #{} (\"{}\")", i + 1, entry.name);
            appliance(entry, base).map_err(|e| invalid(format!("{place}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let options = FleetOptions::default()
        .concurrency(settings.concurrency)
        .timeout(timeout)
        .thresholds(file.thresholds)
        .read_mode(match settings.read_mode {
            Mode::Batch => ReadMode::Batch,
            Mode::Concurrent => ReadMode::Concurrent,
        });
    Ok(FleetConfig {
        appliances,
        options,
    })
}

fn appliance(entry: Entry, base: &Path) -> Result<Appliance, String> {
    if entry.password.is_some() {
        return Err(
            "passwords are not read from the fleet file: name an environment \
                    variable with password_env or a file with password_file"
                .into(),
        );
    }
    if entry.name.trim().is_empty() {
        return Err("name is empty".into());
    }
    let url = reqwest::Url::parse(&entry.url)
        .map_err(|e| format!("url `{}` is not a URL: {e}", entry.url))?;
    if url.scheme() != "https" {
        return Err(format!("url `{}` must start with https://", entry.url));
    }
    let resolve = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
    let password = match (entry.password_env, entry.password_file) {
        (Some(_), Some(_)) => {
            return Err("give either password_env or password_file, not both".into());
        }
        (Some(name), None) if name.trim().is_empty() => {
            return Err("password_env is empty".into());
        }
        (Some(name), None) => Some(PasswordSource::Env(name)),
        (None, Some(path)) => Some(PasswordSource::File(resolve(path))),
        (None, None) => None,
    };
    let trusts = [
        entry.cert_sha256.is_some(),
        entry.ca_file.is_some(),
        entry.insecure,
    ];
    if trusts.iter().filter(|t| **t).count() > 1 {
        return Err("give one of cert_sha256, ca_file and insecure, not several".into());
    }
    let trust = if let Some(pin) = entry.cert_sha256 {
        // Checked now, so that a typo is an error of the file, not a red row later.
        let _checked = Client::builder(url.as_str())
            .pin_sha256(&pin)
            .map_err(|e| format!("cert_sha256: {e}"))?;
        Trust::PinSha256(pin)
    } else if let Some(path) = entry.ca_file {
        Trust::CaFile(resolve(path))
    } else if entry.insecure {
        Trust::DangerAcceptInvalidCerts
    } else {
        Trust::System
    };
    let mut appliance = Appliance::new(entry.name, entry.url).trust(trust);
    if let Some(product) = entry.product {
        if let Some(why) = product.unsupported() {
            return Err(format!("product = \"{product}\": {why}"));
        }
        appliance = appliance.product(product);
    }
    match (entry.user, password) {
        (Some(user), Some(password)) if !user.trim().is_empty() => {
            appliance = appliance.credentials(user, password);
        }
        (Some(_), Some(_)) => return Err("user is empty".into()),
        (Some(_), None) => {
            return Err("user is given without a password: add password_env or \
                        password_file (or drop user to list the appliance unmanaged)"
                .into());
        }
        (None, Some(_)) => return Err("a password source is given without a user".into()),
        (None, None) => {}
    }
    Ok(appliance)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
