//! The collectors per product: a table keyed by the product name, each entry knowing its
//! collectors, its metrics and how a target of it is probed.
//!
//! A product plugs in with a [`ProductDef`] in [`PRODUCTS`]; its [`TargetProbe`] owns the
//! session of its own API type, runs the status reads and the module's collectors, and
//! writes what it finds into the probe's [`Findings`] as the replies come, so that a
//! probe cut off by its deadline still reports what it has.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::fleet::{Appliance, Product, Reason, Status, Thresholds};

use super::config::Module;
#[cfg(feature = "connect-admin")]
use super::connect;
use super::control;
use super::detect;
use super::metrics::{Families, MetricDef};
#[cfg(feature = "operator-admin")]
use super::operator;
use super::own::OwnMetrics;

/// A product the exporter has collectors for.
pub(crate) struct ProductDef {
    /// The product.
    pub(crate) product: Product,
    /// The collectors of the status reads, which every probe runs.
    pub(crate) status_collectors: &'static [&'static str],
    /// The collectors a module may choose.
    pub(crate) collectors: fn() -> Vec<&'static str>,
    /// Every metric its collectors write.
    pub(crate) metrics: fn() -> Vec<&'static MetricDef>,
    /// The probe of one target.
    pub(crate) target: fn(&Appliance, &TargetSettings) -> Box<dyn TargetProbe>,
}

/// The products this build has collectors for: Kerio Control always, Kerio Connect with
/// the feature `connect-admin`, Kerio Operator with `operator-admin`.
pub(crate) static PRODUCTS: &[ProductDef] = &[
    control::PRODUCT,
    #[cfg(feature = "connect-admin")]
    connect::PRODUCT,
    #[cfg(feature = "operator-admin")]
    operator::PRODUCT,
];

/// The collectors of `product`, when this build has them.
pub(crate) fn def_of(product: Product) -> Option<&'static ProductDef> {
    PRODUCTS.iter().find(|d| d.product == product)
}

/// The probe of an appliance: of the product the fleet file gives it; without one, a
/// probe that finds the product out at first contact (as the fleet report does) and
/// keeps it for the target's session. A product this build has no collectors for is
/// reported as such, red, never probed as another product.
pub(crate) fn target_of(appliance: &Appliance, settings: &TargetSettings) -> Box<dyn TargetProbe> {
    match appliance.product {
        Some(product) => match def_of(product) {
            Some(def) => (def.target)(appliance, settings),
            None => detect::unsupported(product),
        },
        None => detect::target(appliance, settings),
    }
}

/// Every collector name of every product, sorted, each once.
pub(crate) fn collector_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = PRODUCTS
        .iter()
        .flat_map(|p| p.status_collectors.iter().copied().chain((p.collectors)()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// What every target of a product is built with.
#[derive(Debug, Clone)]
pub(crate) struct TargetSettings {
    /// The longest one request may take (the longest module timeout).
    pub(crate) request_timeout: Duration,
}

/// The probe of one target: keeps its session between probes, renews it when it
/// expired, and logs out on shutdown.
pub(crate) trait TargetProbe: Send + Sync {
    /// Probes once, writing into `ctx.findings`. Cancelling it (the deadline) keeps
    /// what was written.
    fn probe<'a>(&'a self, ctx: ProbeContext<'a>) -> BoxFuture<'a, ()>;
    /// Logs out the session, if there is one; true when there was.
    fn logout(&self) -> BoxFuture<'_, bool>;
    /// The product probed: as configured or as found out; `None` until it is found out.
    fn product(&self) -> Option<Product>;
    /// Finds out the product when it is not known, keeping the session for the next
    /// probe (for service discovery before the first probe); nothing for the others.
    fn find_product<'a>(&'a self, _ctx: ProbeContext<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}

/// What a probe gets to work with.
pub(crate) struct ProbeContext<'a> {
    /// The target's name, for the exporter's own metrics.
    pub(crate) target: &'a str,
    /// The module: which collectors, within which time.
    pub(crate) module: &'a Module,
    /// What counts as low memory, low disk or an expiry that is soon.
    pub(crate) thresholds: &'a Thresholds,
    /// The exporter's own metrics (logins, sessions, collector errors).
    pub(crate) own: &'a Arc<OwnMetrics>,
    /// Where the probe writes what it finds.
    pub(crate) findings: &'a Arc<Mutex<Findings>>,
}

/// What a probe found so far.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    /// Whether the appliance answered with the login working; `None` until known.
    pub(crate) up: Option<bool>,
    /// The status and its reasons, once the status reads are judged (or the login
    /// failed).
    pub(crate) status: Option<(Status, Vec<Reason>)>,
    /// The product version, when it was read.
    pub(crate) version: Option<String>,
    /// The product's metrics.
    pub(crate) families: Families,
    /// Each collector that ran and whether it succeeded.
    pub(crate) collectors: Vec<(&'static str, bool)>,
}

impl Findings {
    /// Records a collector's outcome and counts its failures.
    pub(crate) fn collector(&mut self, own: &OwnMetrics, name: &'static str, ok: bool) {
        if !ok {
            own.collector_failed(name);
        }
        self.collectors.push((name, ok));
    }
}

/// Writes into shared findings; a poisoned lock still holds usable findings.
pub(crate) fn write(findings: &Mutex<Findings>, f: impl FnOnce(&mut Findings)) {
    let mut guard = findings
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut guard);
}
