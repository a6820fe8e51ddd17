//! Kerio Operator's collectors (feature `operator-admin`): the fleet report's three
//! status reads, judged by the fleet report's rules (so `kerio_status` is the report's
//! colour by construction), with a metric for each figure behind a colour, and the extra
//! collectors `storage` and `extensions`. No batch method is known for Operator: the
//! reads are requests sent at the same time. Memory and CPU are exposed as the PBX gives
//! them, their unit not being known, and are not judged.

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::fleet::operator::{self as fleet, Readings, Reads};
use crate::fleet::{Appliance, Product, Reason, Status, Thresholds};
use crate::operator::admin::{OperatorAdmin, SearchQuery, ServerConstants, SystemHealthData};
use crate::{Client, Error, Session};

use super::control::APPLICATION;
use super::control::status::{health_figures, mean_percent, registration_state};
use super::kept::{Kept, Login};
use super::metrics::{Families, MetricDef, MetricKind};
use super::probe::{LICENSED_USERS, PRODUCT_INFO};
use super::product::{ProductDef, TargetProbe, TargetSettings};
use super::unbatched::{self, Collector, Unbatched};

/// Kerio Operator.
pub(crate) const PRODUCT: ProductDef = ProductDef {
    product: Product::Operator,
    status_collectors: &STATUS,
    collectors,
    metrics,
    target,
};

/// The collectors of the status reads, in the order of [`Readings`].
const STATUS: [&str; 3] = ["product", "health", "registration"];

pub(crate) const CPU_LOAD: MetricDef = MetricDef {
    name: "kerio_operator_cpu_load",
    help: "Kerio Operator: the mean of the CPU load samples of the last day \
           (SystemHealth.get HistogramOneDay systemHealth.cpu); the unit is presumably \
           percent, as in Kerio Control, but no source confirms it, so it is neither \
           divided into a ratio nor judged.",
    kind: MetricKind::Gauge,
};
pub(crate) const MEMORY_USED: MetricDef = MetricDef {
    name: "kerio_operator_memory_used",
    help: "Kerio Operator: the mean of the memory samples of the last day \
           (SystemHealth.get HistogramOneDay systemHealth.memory); the unit is not known \
           (percent in Kerio Control, nothing shows it for Operator), so memory is not \
           judged and no threshold applies.",
    kind: MetricKind::Gauge,
};
pub(crate) const STORAGE: MetricDef = MetricDef {
    name: "kerio_operator_storage_bytes",
    help: "Kerio Operator: disk space per kind of stored data, label kind by the item's \
           position as the vendor's example labels it (Storage.get storageData[].size, \
           bytes: log_files, crash_dumps, packet_dumps, voicemail, recorded_calls, \
           audio_files, configuration; items past the seventh are not read).",
    kind: MetricKind::Gauge,
};
pub(crate) const EXTENSIONS: MetricDef = MetricDef {
    name: "kerio_operator_extensions",
    help: "Kerio Operator: extensions configured (Extensions.get totalItems).",
    kind: MetricKind::Gauge,
};

/// The kinds of `Storage.get` items, by position.
const STORAGE_KINDS: [&str; 7] = [
    "log_files",
    "crash_dumps",
    "packet_dumps",
    "voicemail",
    "recorded_calls",
    "audio_files",
    "configuration",
];

const COLLECTORS: [Collector<OperatorAdmin>; 2] = [
    Collector {
        name: "storage",
        read: storage,
    },
    Collector {
        name: "extensions",
        read: extensions,
    },
];

fn collectors() -> Vec<&'static str> {
    unbatched::collector_names::<OperatorAdmin>()
}

fn metrics() -> Vec<&'static MetricDef> {
    use super::control::status as control;
    vec![
        &PRODUCT_INFO,
        &control::DISK_TOTAL,
        &control::DISK_FREE,
        &CPU_LOAD,
        &MEMORY_USED,
        &control::EXPIRY,
        &LICENSED_USERS,
        &STORAGE,
        &EXTENSIONS,
    ]
}

impl Login for OperatorAdmin {
    fn login<'a>(
        client: &'a Client,
        user: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Session<Self>, Error>> {
        fleet::login_as(client, user, password, APPLICATION).boxed()
    }

    fn logout(session: &Session<Self>) -> BoxFuture<'_, ()> {
        fleet::logout(session).boxed()
    }
}

fn target(appliance: &Appliance, settings: &TargetSettings) -> Box<dyn TargetProbe> {
    unbatched::target(Kept::<OperatorAdmin>::new(appliance, settings))
}

/// A target whose client and session were made when its product was found out.
pub(crate) fn adopt(
    appliance: &Appliance,
    settings: &TargetSettings,
    client: Client,
    session: Session<OperatorAdmin>,
) -> Box<dyn TargetProbe> {
    unbatched::target(Kept::adopt(appliance, settings, client, session))
}

impl Unbatched for OperatorAdmin {
    const STATUS: &'static [&'static str] = &STATUS;
    const COLLECTORS: &'static [Collector<Self>] = &COLLECTORS;
    type Reads = Reads;
    type Readings = Readings;

    fn read(session: &Session<Self>) -> BoxFuture<'_, Reads> {
        fleet::read_each(session).boxed()
    }

    fn errors(reads: &Reads) -> Vec<&Error> {
        reads.errors()
    }

    fn readings(reads: Reads) -> Readings {
        reads.readings()
    }

    fn assess(readings: &Readings, thresholds: &Thresholds, now: i64) -> (Status, Vec<Reason>) {
        fleet::assess(readings, thresholds, now)
    }

    fn families(readings: &Readings, now: i64, out: &mut Families) {
        status_families(readings, now, out);
    }

    fn outcomes(readings: &Readings) -> Vec<bool> {
        vec![
            readings.constants.is_ok(),
            readings.health.is_ok(),
            readings.registration.is_ok(),
        ]
    }

    fn version(readings: &Readings) -> Option<String> {
        readings.constants.as_ref().ok().and_then(fleet::version)
    }
}

/// The metrics of the status reads: Control's for the disk and the expiries (by the
/// same conversions the fleet's rules judge), and Operator's own.
fn status_families(readings: &Readings, now: i64, out: &mut Families) {
    if let Ok(constants) = &readings.constants {
        product_figures(constants, out);
    }
    if let Ok(data) = &readings.health {
        health_figures(&fleet::disk_figures(data), out);
        load_figures(data, out);
    }
    if let Ok(registration) = &readings.registration {
        registration_state(&fleet::control_registration(registration), now, out);
        if let Some(users) = registration.users.filter(|u| *u >= 0) {
            out.gauge(&LICENSED_USERS, users as f64);
        }
    }
}

fn product_figures(constants: &ServerConstants, out: &mut Families) {
    let version = fleet::version(constants).unwrap_or_default();
    out.info(
        &PRODUCT_INFO,
        vec![("product", "operator".to_owned()), ("version", version)],
    );
}

/// The means of the load samples, as the PBX gives them (unit unknown).
fn load_figures(data: &SystemHealthData, out: &mut Families) {
    if let Some(cpu) = mean_percent(data.cpu.as_deref()) {
        out.gauge(&CPU_LOAD, cpu);
    }
    if let Some(memory) = mean_percent(data.memory.as_deref()) {
        out.gauge(&MEMORY_USED, memory);
    }
}

fn storage(session: &Session<OperatorAdmin>) -> BoxFuture<'_, Result<Families, Error>> {
    Box::pin(async move {
        let reply = session.storage().get().await?;
        let mut out = Families::default();
        for (kind, item) in STORAGE_KINDS.iter().zip(&reply.storage_data) {
            if let Some(size) = item.size.filter(|s| *s >= 0.0) {
                out.gauge_with(&STORAGE, vec![("kind", (*kind).to_owned())], size);
            }
        }
        Ok(out)
    })
}

fn extensions(session: &Session<OperatorAdmin>) -> BoxFuture<'_, Result<Families, Error>> {
    Box::pin(async move {
        // Only the count is read: one item is enough.
        let query = SearchQuery::new().page(0, 1);
        let reply = session.extensions().get(&query).await?;
        let mut out = Families::default();
        if reply.total_items >= 0 {
            out.gauge(&EXTENSIONS, reply.total_items as f64);
        }
        Ok(out)
    })
}
