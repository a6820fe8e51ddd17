//! The exporter's configuration: the fleet file, with an optional `[exporter]` section
//! that the fleet report ignores.
//!
//! ```toml
//! [exporter]                     # optional; these are the defaults
//! listen = "127.0.0.1:9783"      # the command line's --listen wins
//! max_probes_in_flight = 32      # probes running at once, all targets together
//! timeout_margin_seconds = 0.5   # kept back from Prometheus's scrape timeout
//!
//! [exporter.module.default]      # `default` exists always: every collector,
//! timeout_seconds = 30           # within [settings] timeout_seconds
//!
//! [exporter.module.quick]        # named sets of collectors, `/probe?module=quick`
//! collectors = ["uptime", "interfaces"]
//! timeout_seconds = 10
//! ```
//!
//! The reads that decide the status (for Kerio Control product, update, health,
//! registration; each product has its own) belong to every module: `kerio_status` needs
//! them. `collectors` names the others, of any product (each probe runs those of its
//! target's product); leaving it out means all of them.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::fleet::{Appliance, ConfigError, FleetConfig, FleetOptions};

use super::product;

/// Where the exporter listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9783";
/// Probes running at once unless configured otherwise.
pub const DEFAULT_MAX_PROBES: usize = 32;
/// What is kept back from Prometheus's scrape timeout, unless configured otherwise: the
/// time to encode and send the reply.
pub const DEFAULT_TIMEOUT_MARGIN: Duration = Duration::from_millis(500);
/// The module used when a probe names none.
pub const DEFAULT_MODULE: &str = "default";

/// The fleet, the modules and the exporter's limits.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExporterConfig {
    /// The appliances, with their credentials, trust and thresholds.
    pub fleet: FleetConfig,
    /// The modules by name; [`DEFAULT_MODULE`] is always among them.
    pub modules: BTreeMap<String, Module>,
    /// Where to listen, from the file (`listen`).
    pub listen: Option<SocketAddr>,
    /// Probes running at once, all targets together.
    pub max_probes_in_flight: usize,
    /// What is kept back from Prometheus's scrape timeout.
    pub timeout_margin: Duration,
}

/// A named set of collectors and how long a probe with them may take.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Module {
    /// The collectors beside the status reads; `None` runs all of them.
    pub collectors: Option<Vec<String>>,
    /// The longest a probe may take, whatever the scrape timeout.
    pub timeout: Duration,
}

impl Module {
    /// A module with every collector, within `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Module {
            collectors: None,
            timeout,
        }
    }

    /// Runs only these collectors beside the status reads.
    pub fn collectors<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.collectors = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Whether the module runs the collector `name`.
    pub fn runs(&self, name: &str) -> bool {
        self.collectors
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == name))
    }
}

#[derive(Deserialize, Default)]
struct Whole {
    #[serde(default)]
    exporter: Section,
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Section {
    listen: Option<String>,
    max_probes_in_flight: usize,
    timeout_margin_seconds: f64,
    module: BTreeMap<String, ModuleEntry>,
}

impl Default for Section {
    fn default() -> Self {
        Section {
            listen: None,
            max_probes_in_flight: DEFAULT_MAX_PROBES,
            timeout_margin_seconds: DEFAULT_TIMEOUT_MARGIN.as_secs_f64(),
            module: BTreeMap::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleEntry {
    collectors: Option<Vec<String>>,
    timeout_seconds: Option<f64>,
}

impl ExporterConfig {
    /// Reads a fleet file with its `[exporter]` section; relative paths in it are
    /// relative to its folder.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        crate::fleet::config::load_with(path.as_ref(), parse)
    }

    /// Reads a fleet file's text; relative paths stay relative to the current folder.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        parse(text, Path::new(""), "fleet file")
    }

    /// These appliances, polled with `options`, with the default module and limits:
    /// for programs that hold their inventory themselves.
    pub fn for_appliances(appliances: Vec<Appliance>, options: FleetOptions) -> Self {
        ExporterConfig::new(FleetConfig {
            appliances,
            options,
        })
    }

    /// Adds or replaces the module `name`.
    pub fn module(mut self, name: impl Into<String>, module: Module) -> Self {
        self.modules.insert(name.into(), module);
        self
    }

    /// Sets [`max_probes_in_flight`](Self::max_probes_in_flight) (0 counts as 1).
    pub fn max_probes_in_flight(mut self, probes: usize) -> Self {
        self.max_probes_in_flight = probes.max(1);
        self
    }

    /// Sets [`timeout_margin`](Self::timeout_margin).
    pub fn timeout_margin(mut self, margin: Duration) -> Self {
        self.timeout_margin = margin;
        self
    }

    /// The fleet with the default module and limits.
    pub fn new(fleet: FleetConfig) -> Self {
        let mut modules = BTreeMap::new();
        modules.insert(
            DEFAULT_MODULE.to_owned(),
            Module {
                collectors: None,
                timeout: fleet.options.timeout,
            },
        );
        ExporterConfig {
            fleet,
            modules,
            listen: None,
            max_probes_in_flight: DEFAULT_MAX_PROBES,
            timeout_margin: DEFAULT_TIMEOUT_MARGIN,
        }
    }
}

fn parse(text: &str, base: &Path, origin: &str) -> Result<ExporterConfig, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        origin: origin.to_owned(),
        message,
    };
    let fleet = crate::fleet::config::parse(text, base, origin)?;
    let whole: Whole = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let section = whole.exporter;
    let mut config = ExporterConfig::new(fleet);
    if let Some(listen) = &section.listen {
        let addr = listen.parse().map_err(|e| {
            invalid(format!(
                "[exporter]: listen `{listen}` is not an address and port: {e}"
            ))
        })?;
        config.listen = Some(addr);
    }
    if section.max_probes_in_flight == 0 {
        return Err(invalid(
            "[exporter]: max_probes_in_flight must be at least 1".into(),
        ));
    }
    config.max_probes_in_flight = section.max_probes_in_flight;
    config.timeout_margin =
        Duration::try_from_secs_f64(section.timeout_margin_seconds).map_err(|_| {
            invalid(format!(
                "[exporter]: timeout_margin_seconds must be a number of seconds, not {}",
                section.timeout_margin_seconds
            ))
        })?;
    let known = product::collector_names();
    let fleet_timeout = config.fleet.options.timeout;
    for (name, entry) in section.module {
        let place = format!("[exporter.module.{name}]");
        if name.is_empty() {
            return Err(invalid("[exporter.module]: a module name is empty".into()));
        }
        if let Some(names) = &entry.collectors
            && let Some(unknown) = names.iter().find(|n| !known.contains(&n.as_str()))
        {
            return Err(invalid(format!(
                "{place}: unknown collector `{unknown}`, expected one of {}",
                known.join(", ")
            )));
        }
        let timeout = match entry.timeout_seconds {
            None => fleet_timeout,
            Some(secs) => Duration::try_from_secs_f64(secs)
                .ok()
                .filter(|t| !t.is_zero())
                .ok_or_else(|| {
                    invalid(format!(
                        "{place}: timeout_seconds must be a positive number of seconds, \
                         not {secs}"
                    ))
                })?,
        };
        config.modules.insert(
            name,
            Module {
                collectors: entry.collectors,
                timeout,
            },
        );
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLEET: &str = r#"
[[appliance]]
name = "hq"
url = "https://hq.example.com:4081"
"#;

    #[test]
    fn a_fleet_file_without_a_section_has_the_default_module() {
        let config = ExporterConfig::from_toml(FLEET).expect("valid");
        assert_eq!(config.modules.len(), 1);
        let module = &config.modules[DEFAULT_MODULE];
        assert!(module.runs("interfaces"));
        assert_eq!(module.timeout, crate::fleet::DEFAULT_TIMEOUT);
        assert_eq!(config.max_probes_in_flight, DEFAULT_MAX_PROBES);
    }

    #[test]
    fn modules_and_limits_are_read_and_the_fleet_report_ignores_them() {
        let text = format!(
            "{FLEET}\n[exporter]\nlisten = \"127.0.0.1:9999\"\nmax_probes_in_flight = 4\n\
             [exporter.module.quick]\ncollectors = [\"uptime\"]\ntimeout_seconds = 5\n"
        );
        let config = ExporterConfig::from_toml(&text).expect("valid");
        assert_eq!(config.listen, Some("127.0.0.1:9999".parse().expect("addr")));
        assert_eq!(config.max_probes_in_flight, 4);
        let quick = &config.modules["quick"];
        assert!(quick.runs("uptime") && !quick.runs("interfaces"));
        assert_eq!(quick.timeout, Duration::from_secs(5));
        assert!(FleetConfig::from_toml(&text).is_ok());
    }

    #[test]
    fn mistakes_name_their_place() {
        for (section, expected) in [
            (
                "[exporter.module.m]\ncollectors = [\"nope\"]",
                "[exporter.module.m]: unknown collector `nope`, expected one of",
            ),
            ("[exporter]\nmax_probes_in_flight = 0", "at least 1"),
            ("[exporter]\nlisten = \"here\"", "listen `here`"),
            ("[exporter]\nlisen = \"x\"", "unknown field `lisen`"),
            (
                "[exporter.module.m]\ntimeout_seconds = 0",
                "[exporter.module.m]: timeout_seconds",
            ),
        ] {
            let e = ExporterConfig::from_toml(&format!("{FLEET}\n{section}\n"))
                .expect_err(section)
                .to_string();
            assert!(e.contains(expected), "{section}: {e}");
        }
    }
}
