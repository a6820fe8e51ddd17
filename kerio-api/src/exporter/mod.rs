//! A multi-target Prometheus exporter for Kerio appliances (feature `exporter`; the
//! binary is `kerio_exporter`).
//!
//! Prometheus holds the target list and asks `/probe?target=NAME[&module=M]`; the
//! exporter holds the credentials, from the same fleet file as the fleet report (see
//! [`crate::fleet`]), and probes only the appliances it lists. Each probe reads what the
//! fleet report reads, judges it with the same rules, and adds what the module's
//! collectors read, all through the typed Administration API:
//!
//! - one session per target, kept across probes, renewed when the appliance says it
//!   expired (a probe never logs in otherwise), logged out at shutdown;
//! - one probe in flight per target: a second scrape of the same target shares the
//!   first's result;
//! - at most `max_probes_in_flight` probes at once, each finishing within the scrape's
//!   `X-Prometheus-Scrape-Timeout-Seconds` minus a margin (and the module's timeout),
//!   returning what it has by then: a dead, slow or hostile appliance costs its own
//!   probe only;
//! - no password, token or cookie in a URL, label, log line or page.
//!
//! Endpoints: `/probe`, `/metrics` (the exporter's own metrics), `/` (the targets and
//! modules), `/fleet` (the fleet report of the last probes, as HTML), `/sd` (the targets
//! for Prometheus's HTTP service discovery) and `/-/healthy`.
//!
//! Every metric's help text names the method and the field it comes from; the README's
//! exporter section lists them all.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use kerio_api::exporter::{Exporter, ExporterConfig};
//!
//! let exporter = Exporter::new(ExporterConfig::load("fleet.toml")?)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9783").await?;
//! exporter.serve(listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

mod config;
#[cfg(feature = "connect-admin")]
mod connect;
mod control;
mod detect;
mod http;
mod kept;
mod metrics;
#[cfg(feature = "operator-admin")]
mod operator;
mod own;
mod probe;
mod product;
#[cfg(any(feature = "connect-admin", feature = "operator-admin"))]
mod unbatched;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::fleet::{ApplianceReport, ConfigError, FleetReport, Reason, Status};

pub use config::{
    DEFAULT_LISTEN, DEFAULT_MAX_PROBES, DEFAULT_MODULE, DEFAULT_TIMEOUT_MARGIN, ExporterConfig,
    Module,
};
pub use metrics::{MetricDef, MetricKind};
pub use probe::{Probe, ProbeError};

use probe::{Shop, Target};
use product::{PRODUCTS, TargetSettings, target_of};

/// The product label of a target whose product is not found out yet.
const UNKNOWN_PRODUCT: &str = "unknown";

/// How long the logouts at shutdown may take, all targets together.
const LOGOUT_TIME: Duration = Duration::from_secs(10);
/// Logouts sent at the same time at shutdown, and products found out at the same time
/// for service discovery.
const LOGOUT_CONCURRENCY: usize = 32;

/// The exporter: its targets with their sessions, and its own metrics. Cheap to clone
/// (clones share everything).
#[derive(Clone)]
pub struct Exporter {
    inner: Arc<Inner>,
}

struct Inner {
    config: ExporterConfig,
    targets: Vec<Arc<Target>>,
    index: HashMap<String, usize>,
    shop: Arc<Shop>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("targets", &self.inner.targets.len())
            .field("modules", &self.inner.config.modules.keys())
            .finish_non_exhaustive()
    }
}

impl Exporter {
    /// An exporter for the appliances of `config`; fails when two have the same name
    /// (the name is what Prometheus asks for).
    pub fn new(config: ExporterConfig) -> Result<Exporter, ConfigError> {
        let settings = TargetSettings {
            request_timeout: config
                .modules
                .values()
                .map(|m| m.timeout)
                .max()
                .unwrap_or(crate::fleet::DEFAULT_TIMEOUT),
        };
        let mut index = HashMap::new();
        let mut targets = Vec::with_capacity(config.fleet.appliances.len());
        for appliance in &config.fleet.appliances {
            if index
                .insert(appliance.name.clone(), targets.len())
                .is_some()
            {
                return Err(ConfigError::Invalid {
                    origin: "fleet file".into(),
                    message: format!(
                        "two appliances are named \"{}\": the exporter needs unique names",
                        appliance.name
                    ),
                });
            }
            let probe = target_of(appliance, &settings);
            targets.push(Arc::new(Target::new(appliance.clone(), probe)));
        }
        let collectors = product::collector_names();
        let own = own::OwnMetrics::new(targets.iter().map(|t| t.name.as_str()), &collectors);
        let shop = Arc::new(Shop {
            own: Arc::new(own),
            permits: Semaphore::new(config.max_probes_in_flight),
            max_in_flight: config.max_probes_in_flight,
            thresholds: config.fleet.options.thresholds.clone(),
            next: Default::default(),
        });
        Ok(Exporter {
            inner: Arc::new(Inner {
                config,
                targets,
                index,
                shop,
            }),
        })
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &ExporterConfig {
        &self.inner.config
    }

    /// The names of the targets, in the order of the fleet file.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.inner.targets.iter().map(|t| t.name.as_str())
    }

    /// Probes `target` with `module` (default [`DEFAULT_MODULE`]) within
    /// `scrape_timeout` minus the margin, and the module's timeout.
    pub async fn probe(
        &self,
        target: &str,
        module: Option<&str>,
        scrape_timeout: Option<Duration>,
    ) -> Result<Arc<Probe>, ProbeError> {
        let inner = &self.inner;
        let Some(target) = inner.index.get(target).map(|&i| inner.targets[i].clone()) else {
            return Err(ProbeError::UnknownTarget(target.to_owned()));
        };
        let module_name = module.unwrap_or(DEFAULT_MODULE);
        let Some(module) = inner.config.modules.get(module_name) else {
            return Err(ProbeError::UnknownModule(module_name.to_owned()));
        };
        let budget = budget(module.timeout, scrape_timeout, inner.config.timeout_margin);
        target.probe(&inner.shop, module_name, module, budget).await
    }

    /// Logins to `target` so far (0 for an unknown target).
    pub fn logins(&self, target: &str) -> u64 {
        self.inner.shop.own.logins(target)
    }

    /// The exporter's own metrics in the OpenMetrics text format.
    pub fn own_metrics(&self) -> String {
        self.inner.shop.own.to_openmetrics()
    }

    /// The targets for Prometheus's HTTP or file service discovery: one group per
    /// product, its name in the label `__meta_kerio_product` (the configured product,
    /// else the one found at the first probe; `unknown` until then).
    pub fn service_discovery(&self) -> String {
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for target in &self.inner.targets {
            let product = target.product().map_or(UNKNOWN_PRODUCT, |p| p.as_str());
            match groups.iter_mut().find(|(p, _)| *p == product) {
                Some((_, names)) => names.push(target.name.as_str()),
                None => groups.push((product, vec![target.name.as_str()])),
            }
        }
        let groups: Vec<serde_json::Value> = groups
            .into_iter()
            .map(|(product, names)| {
                json!({"targets": names, "labels": {"__meta_kerio_product": product}})
            })
            .collect();
        serde_json::to_string_pretty(&groups).unwrap_or_else(|_| "[]".into())
    }

    /// Finds out the product of every target the fleet file gives none and that is not
    /// probed yet, as its first probe would (one login, kept for the probes), so that
    /// [`service_discovery`](Self::service_discovery) labels it with its real product.
    /// Takes at most `within`; a target not found out by then stays `unknown` until its
    /// first probe.
    pub async fn find_products(&self, within: Duration) {
        let shop = &self.inner.shop;
        let finds = futures_util::stream::iter(self.inner.targets.iter())
            .for_each_concurrent(LOGOUT_CONCURRENCY, |t| t.find_product(shop, within));
        let _ = tokio::time::timeout(within, finds).await;
    }

    /// The fleet report of the last probe of each target; a target not probed yet is
    /// grey.
    pub fn fleet_report(&self) -> FleetReport {
        let appliances = self
            .inner
            .targets
            .iter()
            .map(|target| {
                let (status, reasons, version, elapsed) = match target.last() {
                    Some(p) => (p.status, p.reasons.clone(), p.version.clone(), p.duration),
                    None => (
                        Status::Grey,
                        vec![Reason::new(Status::Grey, "Not probed yet")],
                        None,
                        Duration::ZERO,
                    ),
                };
                ApplianceReport {
                    name: target.name.clone(),
                    url: target.appliance.url.clone(),
                    product: target.product(),
                    status,
                    reasons,
                    version,
                    elapsed,
                }
            })
            .collect();
        FleetReport {
            appliances,
            elapsed: Duration::ZERO,
        }
    }

    /// The HTTP endpoints, to serve or to nest in another router.
    pub fn router(&self) -> axum::Router {
        http::router(self.clone())
    }

    /// Serves on `listener` until `shutdown` completes, then logs out every session.
    pub async fn serve(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let served = axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await;
        self.logout_all().await;
        served
    }

    /// Logs out every session, within a few seconds in all; returns how many there
    /// were.
    pub async fn logout_all(&self) -> usize {
        let own = &self.inner.shop.own;
        let logouts = futures_util::stream::iter(self.inner.targets.iter().cloned())
            .map(|target| async move { target.logout().await })
            .buffer_unordered(LOGOUT_CONCURRENCY)
            .filter(|had| std::future::ready(*had))
            .map(|_| {
                own.session_closed();
                own.logged_out();
            })
            .count();
        tokio::time::timeout(LOGOUT_TIME, logouts)
            .await
            .unwrap_or(0)
    }

    /// Every metric a probe can have, with its help (for documentation and tests).
    pub fn metric_defs() -> Vec<&'static MetricDef> {
        let mut defs: Vec<&'static MetricDef> = probe::COMMON_METRICS.to_vec();
        for product in PRODUCTS {
            for def in (product.metrics)() {
                if !defs.iter().any(|d| d.name == def.name) {
                    defs.push(def);
                }
            }
        }
        defs
    }
}

/// How long a probe may take: the scrape timeout less the margin (but never less than
/// half of it), and never longer than the module allows.
fn budget(module: Duration, scrape: Option<Duration>, margin: Duration) -> Duration {
    match scrape {
        Some(scrape) if !scrape.is_zero() => {
            module.min(scrape.saturating_sub(margin).max(scrape / 2))
        }
        _ => module,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_keeps_the_margin_within_the_module() {
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        assert_eq!(budget(s(30), Some(s(10)), ms(500)), ms(9500));
        assert_eq!(budget(s(5), Some(s(10)), ms(500)), s(5));
        assert_eq!(budget(s(30), Some(ms(600)), ms(500)), ms(300));
        assert_eq!(budget(s(30), None, ms(500)), s(30));
    }

    #[test]
    fn every_metric_is_named_by_the_rules_and_documented_once() {
        let defs = Exporter::metric_defs();
        let mut names = std::collections::HashSet::new();
        for def in &defs {
            assert!(names.insert(def.name), "{} twice", def.name);
            assert!(def.name.starts_with("kerio_"), "{}", def.name);
            assert!(!def.name.ends_with("_total"), "{} is no counter", def.name);
            assert_eq!(
                def.kind == MetricKind::Info,
                def.name.ends_with("_info"),
                "{}",
                def.name
            );
            assert!(
                def.help.ends_with('.') || def.help.ends_with(')'),
                "{}",
                def.name
            );
        }
        for fixed in ["kerio_up", "kerio_status"] {
            assert!(names.contains(fixed), "{fixed}");
        }
    }
}
