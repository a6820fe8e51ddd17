//! The exporter's own metrics (`/metrics`): probes, their durations and errors,
//! sessions and logins. The `target` label takes only the names of the fleet file.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

/// A `target` label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TargetLabel {
    target: String,
}

/// A `collector` label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CollectorLabel {
    collector: String,
}

/// Bounds of the probe duration histogram, in seconds: loopback probes take
/// milliseconds, appliances across the Internet tenths, slow ones seconds.
const DURATION_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The exporter's own metrics.
#[derive(Debug)]
pub(crate) struct OwnMetrics {
    registry: Registry,
    probes: Family<TargetLabel, Counter>,
    probe_errors: Family<TargetLabel, Counter>,
    logins: Family<TargetLabel, Counter>,
    login_failures: Family<TargetLabel, Counter>,
    collector_errors: Family<CollectorLabel, Counter>,
    durations: Histogram,
    sessions: Gauge,
    in_flight: Gauge,
    shared: Counter,
    busy: Counter,
    logouts: Counter<u64, AtomicU64>,
}

impl OwnMetrics {
    /// The metrics, with a series for every target and collector from the start, so
    /// that rates work from the first scrape.
    pub(crate) fn new<'a>(
        targets: impl IntoIterator<Item = &'a str>,
        collectors: &[&str],
    ) -> OwnMetrics {
        let mut registry = Registry::default();
        let own = OwnMetrics {
            registry: Registry::default(),
            probes: Family::default(),
            probe_errors: Family::default(),
            logins: Family::default(),
            login_failures: Family::default(),
            collector_errors: Family::default(),
            durations: Histogram::new(DURATION_BUCKETS),
            sessions: Gauge::default(),
            in_flight: Gauge::default(),
            shared: Counter::default(),
            busy: Counter::default(),
            logouts: Counter::default(),
        };
        for target in targets {
            let label = TargetLabel {
                target: target.to_owned(),
            };
            drop(own.probes.get_or_create(&label));
            drop(own.probe_errors.get_or_create(&label));
            drop(own.logins.get_or_create(&label));
            drop(own.login_failures.get_or_create(&label));
        }
        for collector in collectors {
            drop(own.collector_errors.get_or_create(&CollectorLabel {
                collector: (*collector).to_owned(),
            }));
        }
        registry.register(
            "kerio_exporter_probes",
            "Probes run, per target (a scrape sharing another's probe is not counted).",
            own.probes.clone(),
        );
        registry.register(
            "kerio_exporter_probe_errors",
            "Probes after which the target was down (kerio_up 0), per target.",
            own.probe_errors.clone(),
        );
        registry.register(
            "kerio_exporter_probe_duration_seconds",
            "How long probes took, from the start to the reply, in seconds.",
            own.durations.clone(),
        );
        registry.register(
            "kerio_exporter_logins",
            "Logins to each target. A session is kept across probes, so this grows only \
             when a session expired or a login failed.",
            own.logins.clone(),
        );
        registry.register(
            "kerio_exporter_login_failures",
            "Logins refused or not answered, per target.",
            own.login_failures.clone(),
        );
        registry.register(
            "kerio_exporter_collector_errors",
            "Collectors that failed in a probe, per collector.",
            own.collector_errors.clone(),
        );
        registry.register(
            "kerio_exporter_sessions",
            "Sessions the exporter holds open.",
            own.sessions.clone(),
        );
        registry.register(
            "kerio_exporter_probes_in_flight",
            "Probes running now.",
            own.in_flight.clone(),
        );
        registry.register(
            "kerio_exporter_probes_shared",
            "Scrapes answered with the result of a probe of the same target that was \
             already running.",
            own.shared.clone(),
        );
        registry.register(
            "kerio_exporter_probes_busy",
            "Scrapes refused (HTTP 503) because max_probes_in_flight probes were running \
             until their deadline.",
            own.busy.clone(),
        );
        registry.register(
            "kerio_exporter_logouts",
            "Sessions logged out (at shutdown).",
            own.logouts.clone(),
        );
        registry.register(
            "kerio_exporter_build",
            "The exporter's version.",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        OwnMetrics { registry, ..own }
    }

    fn target(target: &str) -> TargetLabel {
        TargetLabel {
            target: target.to_owned(),
        }
    }

    pub(crate) fn probe_done(&self, target: &str, up: bool, seconds: f64) {
        self.probes.get_or_create(&Self::target(target)).inc();
        if !up {
            self.probe_errors.get_or_create(&Self::target(target)).inc();
        }
        self.durations.observe(seconds);
    }

    pub(crate) fn login(&self, target: &str, ok: bool) {
        self.logins.get_or_create(&Self::target(target)).inc();
        if !ok {
            self.login_failures
                .get_or_create(&Self::target(target))
                .inc();
        }
    }

    /// Logins to `target` so far.
    pub(crate) fn logins(&self, target: &str) -> u64 {
        self.logins.get_or_create(&Self::target(target)).get()
    }

    pub(crate) fn collector_failed(&self, collector: &str) {
        self.collector_errors
            .get_or_create(&CollectorLabel {
                collector: collector.to_owned(),
            })
            .inc();
    }

    pub(crate) fn session_opened(&self) {
        self.sessions.inc();
    }

    pub(crate) fn session_closed(&self) {
        self.sessions.dec();
    }

    pub(crate) fn logged_out(&self) {
        self.logouts.inc();
    }

    pub(crate) fn in_flight(&self) -> &Gauge {
        &self.in_flight
    }

    pub(crate) fn shared(&self) {
        self.shared.inc();
    }

    pub(crate) fn busy(&self) {
        self.busy.inc();
    }

    /// The metrics in the OpenMetrics text format.
    pub(crate) fn to_openmetrics(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// The metrics in the Prometheus text format (version 0.0.4).
    pub(crate) fn to_prometheus_text(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}
