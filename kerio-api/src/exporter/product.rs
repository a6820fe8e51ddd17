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

use crate::fleet::{Appliance, Reason, Status, Thresholds};

use super::config::Module;
use super::control;
use super::metrics::{Families, MetricDef};
use super::own::OwnMetrics;

/// A product the exporter has collectors for.
pub(crate) struct ProductDef {
    /// The product's name, as in the fleet file (`control`).
    pub(crate) name: &'static str,
    /// The collectors of the status reads, which every probe runs.
    pub(crate) status_collectors: &'static [&'static str],
    /// The collectors a module may choose.
    pub(crate) collectors: fn() -> Vec<&'static str>,
    /// Every metric its collectors write.
    pub(crate) metrics: fn() -> Vec<&'static MetricDef>,
    /// The probe of one target.
    pub(crate) target: fn(&Appliance, &TargetSettings) -> Box<dyn TargetProbe>,
}

/// The products, by name. Connect and Operator join here with collectors of their own.
pub(crate) static PRODUCTS: &[ProductDef] = &[control::PRODUCT];

/// The product of an appliance. Appliances are Kerio Control ones until the fleet file
/// can say otherwise.
pub(crate) fn product_of(_appliance: &Appliance) -> &'static ProductDef {
    &PRODUCTS[0]
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
    pub(crate) own: &'a OwnMetrics,
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
