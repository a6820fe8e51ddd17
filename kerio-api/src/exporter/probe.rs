//! One probe of one target: at most one in flight per target (a second scrape shares
//! the first's result), within the global limit and the scrape's deadline, and the
//! metrics every product's probe has.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use tokio::sync::Semaphore;

use crate::fleet::poll::no_answer;
use crate::fleet::{Appliance, Product, Reason, Status, Thresholds};

use super::config::Module;
use super::metrics::{Families, MetricDef, MetricKind};
use super::own::OwnMetrics;
use super::product::{Findings, ProbeContext, TargetProbe, def_of};

pub(crate) const UP: MetricDef = MetricDef {
    name: "kerio_up",
    help: "1 when the appliance answered and the login worked (the session kept from an \
           earlier probe counts), else 0.",
    kind: MetricKind::Gauge,
};
pub(crate) const STATUS: MetricDef = MetricDef {
    name: "kerio_status",
    help: "The colour the fleet report gives the appliance, label status = green, \
           yellow, red or grey: 1 for the colour, 0 for the others.",
    kind: MetricKind::StateSet,
};
pub(crate) const STATUS_REASON: MetricDef = MetricDef {
    name: "kerio_status_reason",
    help: "The reasons for the colour, one series per kind of reason present (label \
           reason, e.g. memory_low or license_expired; label status = the colour that \
           reason alone gives).",
    kind: MetricKind::Gauge,
};
pub(crate) const PROBE_DURATION: MetricDef = MetricDef {
    name: "kerio_probe_duration_seconds",
    help: "How long the probe took, login (when one was needed) to the last reply.",
    kind: MetricKind::Gauge,
};
pub(crate) const COLLECTOR_SUCCESS: MetricDef = MetricDef {
    name: "kerio_collector_success",
    help: "1 when the collector (label collector) got its replies in this probe; a \
           collector that fails drops its own series, the others stay.",
    kind: MetricKind::Gauge,
};
pub(crate) const PRODUCT_INFO: MetricDef = MetricDef {
    name: "kerio_product_info",
    help: "The product (label product: control, connect or operator) and its version \
           (label version: Control ProductInfo.get productInfo.versionString; Connect \
           Server.getProductInfo info.version and info.buildNumber; Operator \
           Server.getConstantList constantList.product.SERVER_SOFTWARE); always 1.",
    kind: MetricKind::Info,
};

/// Kerio Connect's and Kerio Operator's (Control's `users` field is not documented as a
/// licence figure).
#[cfg(any(feature = "connect-admin", feature = "operator-admin"))]
pub(crate) const LICENSED_USERS: MetricDef = MetricDef {
    name: "kerio_licensed_users",
    help: "Users the licence covers (Connect and Operator: ProductRegistration.getFullStatus \
           status.users; absent when negative, Connect's -2 meaning unlimited).",
    kind: MetricKind::Gauge,
};
/// The metrics every probe has, whatever the product.
pub(crate) const COMMON_METRICS: [&MetricDef; 5] = [
    &UP,
    &STATUS,
    &STATUS_REASON,
    &PROBE_DURATION,
    &COLLECTOR_SUCCESS,
];

/// What one probe found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Probe {
    /// The target's name in the fleet file.
    pub target: String,
    /// The module it ran with.
    pub module: String,
    /// Whether the appliance answered and the login worked.
    pub up: bool,
    /// The colour the fleet report would give.
    pub status: Status,
    /// Why, worst first; never empty.
    pub reasons: Vec<Reason>,
    /// The product version, when it was read.
    pub version: Option<String>,
    /// How long it took.
    pub duration: Duration,
    /// When it ended.
    pub finished: SystemTime,
    /// Each collector and whether it succeeded.
    pub collectors: Vec<(&'static str, bool)>,
    families: Families,
}

impl Probe {
    /// The metrics in the OpenMetrics text format.
    pub fn to_openmetrics(&self) -> String {
        self.families.to_openmetrics()
    }

    /// The metrics in the Prometheus text format (version 0.0.4).
    pub fn to_prometheus_text(&self) -> String {
        self.families.to_prometheus_text()
    }

    /// The value of a metric's first series whose labels include `labels`.
    pub fn value(&self, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.families.value(metric, labels)
    }
}

/// Why a probe was not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The target is not in the fleet file.
    #[error("unknown target `{0}`: only the appliances of the fleet file can be probed")]
    UnknownTarget(String),
    /// The module is not configured.
    #[error("unknown module `{0}`")]
    UnknownModule(String),
    /// As many probes as allowed ran until the deadline.
    #[error("busy: {0} probes were in flight until the deadline")]
    Busy(usize),
    /// The probe stopped before it ended (a bug, or the runtime shutting down).
    #[error("the probe stopped unexpectedly")]
    Stopped,
}

type Running = Shared<BoxFuture<'static, Result<Arc<Probe>, ProbeError>>>;

/// How a scrape came to its probe.
enum Joined {
    /// It started the probe.
    Started,
    /// It shares a probe with the same module.
    Shared,
    /// A probe with another module runs: wait for it, then try again.
    Other,
}

/// One target: its probe, the probe in flight and the last result.
pub(crate) struct Target {
    pub(crate) name: String,
    pub(crate) appliance: Appliance,
    probe: Box<dyn TargetProbe>,
    running: Mutex<Option<(u64, String, Running)>>,
    last: Mutex<Option<Arc<Probe>>>,
}

/// What every probe shares.
pub(crate) struct Shop {
    pub(crate) own: Arc<OwnMetrics>,
    pub(crate) permits: Semaphore,
    pub(crate) max_in_flight: usize,
    pub(crate) thresholds: Thresholds,
    pub(crate) next: std::sync::atomic::AtomicU64,
}

impl Target {
    pub(crate) fn new(appliance: Appliance, probe: Box<dyn TargetProbe>) -> Target {
        Target {
            name: appliance.name.clone(),
            appliance,
            probe,
            running: Mutex::new(None),
            last: Mutex::new(None),
        }
    }

    /// The product: as configured, or as found out at the first contact.
    pub(crate) fn product(&self) -> Option<Product> {
        self.probe.product()
    }

    /// The result of the last probe that ran to its end or deadline.
    pub(crate) fn last(&self) -> Option<Arc<Probe>> {
        lock(&self.last).clone()
    }

    /// Finds out the product when the fleet file does not give it, within `within`.
    pub(crate) async fn find_product(&self, shop: &Shop, within: Duration) {
        if self.product().is_some() {
            return;
        }
        let module = Module::new(within);
        let findings = Arc::new(Mutex::new(Findings::default()));
        let ctx = ProbeContext {
            target: &self.name,
            module: &module,
            thresholds: &shop.thresholds,
            own: &shop.own,
            findings: &findings,
        };
        let _ = tokio::time::timeout(within, self.probe.find_product(ctx)).await;
    }

    /// Logs out; true when there was a session.
    pub(crate) async fn logout(&self) -> bool {
        self.probe.logout().await
    }

    /// Probes with `module` within `budget`, or shares the probe in flight with the
    /// same module; a probe with another module is waited for first.
    pub(crate) async fn probe(
        self: &Arc<Self>,
        shop: &Arc<Shop>,
        module_name: &str,
        module: &Module,
        budget: Duration,
    ) -> Result<Arc<Probe>, ProbeError> {
        let deadline = tokio::time::Instant::now() + budget;
        loop {
            let (running, joined) = self.join_or_start(shop, module_name, module, deadline);
            match joined {
                Joined::Started => return running.await,
                Joined::Shared => {
                    shop.own.shared();
                    return match tokio::time::timeout_at(deadline, running).await {
                        Ok(result) => result,
                        Err(_) => Ok(Arc::new(self.unanswered(module_name, budget))),
                    };
                }
                Joined::Other => {
                    if tokio::time::timeout_at(deadline, running).await.is_err() {
                        return Ok(Arc::new(self.unanswered(module_name, budget)));
                    }
                }
            }
        }
    }

    /// The probe in flight, or a new one when there is none.
    fn join_or_start(
        self: &Arc<Self>,
        shop: &Arc<Shop>,
        module_name: &str,
        module: &Module,
        deadline: tokio::time::Instant,
    ) -> (Running, Joined) {
        let mut slot = lock(&self.running);
        if let Some((_, m, running)) = slot.as_ref() {
            let joined = if m == module_name {
                Joined::Shared
            } else {
                Joined::Other
            };
            return (running.clone(), joined);
        }
        let id = shop.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let task = tokio::spawn(run(
            self.clone(),
            shop.clone(),
            id,
            module_name.to_owned(),
            module.clone(),
            deadline,
        ));
        let running: Running = async move { task.await.unwrap_or(Err(ProbeError::Stopped)) }
            .boxed()
            .shared();
        *slot = Some((id, module_name.to_owned(), running.clone()));
        (running, Joined::Started)
    }

    /// A probe that got no answer within `budget`.
    fn unanswered(&self, module: &str, budget: Duration) -> Probe {
        let findings = Findings::default();
        finish(self, module, findings, &[], budget, budget)
    }
}

/// The probe task: waits for a permit, probes until the deadline, keeps the result.
async fn run(
    target: Arc<Target>,
    shop: Arc<Shop>,
    id: u64,
    module_name: String,
    module: Module,
    deadline: tokio::time::Instant,
) -> Result<Arc<Probe>, ProbeError> {
    let started = Instant::now();
    let budget = deadline.saturating_duration_since(tokio::time::Instant::now());
    let outcome = async {
        let Ok(Ok(_permit)) = tokio::time::timeout_at(deadline, shop.permits.acquire()).await
        else {
            shop.own.busy();
            return Err(ProbeError::Busy(shop.max_in_flight));
        };
        let findings = Arc::new(Mutex::new(Findings::default()));
        let ctx = ProbeContext {
            target: &target.name,
            module: &module,
            thresholds: &shop.thresholds,
            own: &shop.own,
            findings: &findings,
        };
        shop.own.in_flight().inc();
        let _ = tokio::time::timeout_at(deadline, target.probe.probe(ctx)).await;
        shop.own.in_flight().dec();
        let findings = std::mem::take(&mut *lock(&findings));
        let planned = planned(target.product(), &module);
        let probe = finish(
            &target,
            &module_name,
            findings,
            &planned,
            started.elapsed(),
            budget,
        );
        let counted_up = probe.up || probe.status == Status::Grey;
        shop.own
            .probe_done(&target.name, counted_up, probe.duration.as_secs_f64());
        let probe = Arc::new(probe);
        *lock(&target.last) = Some(probe.clone());
        Ok(probe)
    }
    .await;
    let mut slot = lock(&target.running);
    if slot.as_ref().is_some_and(|(running, _, _)| *running == id) {
        *slot = None;
    }
    outcome
}

/// The collectors a probe of `product` with `module` runs (none while the product is
/// not known, or has no collectors in this build).
fn planned(product: Option<Product>, module: &Module) -> Vec<&'static str> {
    let Some(product) = product.and_then(def_of) else {
        return Vec::new();
    };
    let mut names = product.status_collectors.to_vec();
    names.extend(
        (product.collectors)()
            .into_iter()
            .filter(|n| module.runs(n)),
    );
    names
}

/// The probe from its findings: a status that was never judged is red (no answer in
/// time), a planned collector that never reported failed.
fn finish(
    target: &Target,
    module: &str,
    findings: Findings,
    planned: &[&'static str],
    duration: Duration,
    budget: Duration,
) -> Probe {
    let Findings {
        up,
        status,
        version,
        families: product_families,
        mut collectors,
    } = findings;
    let up = up.unwrap_or(false);
    let (status, reasons) = status.unwrap_or_else(|| (Status::Red, vec![no_answer(budget)]));
    for name in planned {
        if !collectors.iter().any(|(n, _)| n == name) {
            collectors.push((name, false));
        }
    }
    let mut families = Families::default();
    families.flag(&UP, up);
    let colours = [Status::Green, Status::Yellow, Status::Red, Status::Grey].map(Status::as_str);
    families.state_set(&STATUS, &[], "status", &colours, status.as_str());
    let mut seen = HashSet::new();
    for reason in &reasons {
        if seen.insert(reason.kind) {
            let labels = vec![
                ("reason", reason.kind.as_str().to_owned()),
                ("status", reason.status.as_str().to_owned()),
            ];
            families.gauge_with(&STATUS_REASON, labels, 1.0);
        }
    }
    families.gauge(&PROBE_DURATION, duration.as_secs_f64());
    for (name, ok) in &collectors {
        families.gauge_with(
            &COLLECTOR_SUCCESS,
            vec![("collector", (*name).to_owned())],
            if *ok { 1.0 } else { 0.0 },
        );
    }
    families.extend(product_families);
    families.dedup();
    Probe {
        target: target.name.clone(),
        module: module.to_owned(),
        up,
        status,
        reasons,
        version,
        duration,
        finished: SystemTime::now(),
        collectors,
        families,
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
