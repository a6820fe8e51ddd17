//! Kerio Connect's collectors (feature `connect-admin`): the fleet report's four status
//! reads, judged by the fleet report's rules (so `kerio_status` is the report's colour
//! by construction), with a metric for each figure behind a colour, and the extra
//! collectors `alerts` and `users`. Connect's API has no batch method: the reads are
//! requests sent at the same time.

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::connect::admin::{ConnectAdmin, ProductInfo, TypeAlert, UpdateCheckerStatus};
use crate::fleet::connect::{self as fleet, MailQueue, Readings, Reads};
use crate::fleet::{Appliance, Product, Reason, Status, Thresholds};
use crate::{Client, Error, Session};

use super::control::APPLICATION;
use super::control::status::{health_figures, registration_state};
use super::kept::{Kept, Login};
use super::metrics::{Families, MetricDef, MetricKind};
use super::probe::{LICENSED_USERS, PRODUCT_INFO};
use super::product::{ProductDef, TargetProbe, TargetSettings};
use super::unbatched::{self, Collector, Unbatched};

/// Kerio Connect.
pub(crate) const PRODUCT: ProductDef = ProductDef {
    product: Product::Connect,
    status_collectors: &STATUS,
    collectors,
    metrics,
    target,
};

/// The collectors of the status reads, in the order of [`Readings`].
const STATUS: [&str; 4] = ["product", "health", "registration", "mail_queue"];

pub(crate) const UPDATE_CHECK_RESULT: MetricDef = MetricDef {
    name: "kerio_update_check_result",
    help: "Kerio Connect: the result of the last check for a newer version, label result \
           = the wire value (Server.getProductInfo info.updateInfo.result: updNoUpdate, \
           updNewVersion, updError); updNewVersion and updError make the status yellow.",
    kind: MetricKind::StateSet,
};
pub(crate) const MAIL_QUEUE_MESSAGES: MetricDef = MetricDef {
    name: "kerio_mail_queue_messages",
    help: "Kerio Connect: messages waiting in the mail queue (Queue.get totalItems); \
           mail_queue_messages of the thresholds (100) and more is yellow, \
           mail_queue_critical_messages (1000) and more red.",
    kind: MetricKind::Gauge,
};
pub(crate) const MAIL_QUEUE_VOLUME: MetricDef = MetricDef {
    name: "kerio_mail_queue_volume",
    help: "Kerio Connect: the space the queued messages take, in the unit the server \
           gives, label unit = the wire value (Queue.get volume.value and volume.units, \
           e.g. KiloBytes); not converted to bytes, since whether a kilobyte is 1000 or \
           1024 bytes is not documented.",
    kind: MetricKind::Gauge,
};
pub(crate) const ALERTS: MetricDef = MetricDef {
    name: "kerio_alerts",
    help: "Kerio Connect: the server's current alerts by severity, label type = the wire \
           value (Server.getAlertList alerts[].alertType: Warning, Critical, Info); a \
           count, 0 when none.",
    kind: MetricKind::Gauge,
};
pub(crate) const USERS: MetricDef = MetricDef {
    name: "kerio_users",
    help: "Kerio Connect: users created (Server.getAboutInfo aboutInformation.currentUsers; \
           the vendor says on the domain, which domain is not stated).",
    kind: MetricKind::Gauge,
};
pub(crate) const USERS_ALLOWED: MetricDef = MetricDef {
    name: "kerio_users_allowed",
    help: "Kerio Connect: users allowed, the stricter of the domain's and the licence's \
           limit (Server.getAboutInfo aboutInformation.allowedUsers.allowedUsers; absent \
           when isUnlimited).",
    kind: MetricKind::Gauge,
};

/// The metrics of the status reads (beside Control's health and registration metrics,
/// which Connect's replies fill alike).
const STATUS_METRICS: [&MetricDef; 5] = [
    &PRODUCT_INFO,
    &UPDATE_CHECK_RESULT,
    &MAIL_QUEUE_MESSAGES,
    &MAIL_QUEUE_VOLUME,
    &LICENSED_USERS,
];

const COLLECTORS: [Collector<ConnectAdmin>; 2] = [
    Collector {
        name: "alerts",
        read: alerts,
    },
    Collector {
        name: "users",
        read: users,
    },
];

fn collectors() -> Vec<&'static str> {
    unbatched::collector_names::<ConnectAdmin>()
}

fn metrics() -> Vec<&'static MetricDef> {
    use super::control::status as control;
    let mut defs: Vec<&'static MetricDef> = STATUS_METRICS.to_vec();
    defs.extend([
        &control::UPDATE_AVAILABLE,
        &control::CPU_USED,
        &control::MEMORY_USED,
        &control::MEMORY_TOTAL,
        &control::DISK_TOTAL,
        &control::DISK_FREE,
        &control::REGISTRATION_STATE,
        &control::EXPIRY,
        &ALERTS,
        &USERS,
        &USERS_ALLOWED,
    ]);
    defs
}

impl Login for ConnectAdmin {
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
    unbatched::target(Kept::<ConnectAdmin>::new(appliance, settings))
}

/// A target whose client and session were made when its product was found out.
pub(crate) fn adopt(
    appliance: &Appliance,
    settings: &TargetSettings,
    client: Client,
    session: Session<ConnectAdmin>,
) -> Box<dyn TargetProbe> {
    unbatched::target(Kept::adopt(appliance, settings, client, session))
}

impl Unbatched for ConnectAdmin {
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
            readings.product.is_ok(),
            readings.health.is_ok(),
            readings.registration.is_ok(),
            readings.queue.is_ok(),
        ]
    }

    fn version(readings: &Readings) -> Option<String> {
        readings.product.as_ref().ok().and_then(fleet::version)
    }
}

/// The metrics of the status reads: Control's for the figures Connect gives alike
/// (load, memory, disk, registration and expiries), and Connect's own.
fn status_families(readings: &Readings, now: i64, out: &mut Families) {
    if let Ok(info) = &readings.product {
        product_figures(info, out);
    }
    if let Ok(data) = &readings.health {
        health_figures(&fleet::control_figures(data), out);
    }
    if let Ok(registration) = &readings.registration {
        registration_state(registration, now, out);
        if let Some(users) = registration.users.filter(|u| *u >= 0) {
            out.gauge(&LICENSED_USERS, users as f64);
        }
    }
    if let Ok(queue) = &readings.queue {
        mail_queue(queue, out);
    }
}

fn product_figures(info: &ProductInfo, out: &mut Families) {
    let version = fleet::version(info).unwrap_or_default();
    out.info(
        &PRODUCT_INFO,
        vec![("product", "connect".to_owned()), ("version", version)],
    );
    if let Some(result) = info.update_info.as_ref().and_then(|u| u.result.as_ref()) {
        let new = *result == UpdateCheckerStatus::UpdNewVersion;
        out.flag(&super::control::status::UPDATE_AVAILABLE, new);
        let known = [
            UpdateCheckerStatus::UpdNoUpdate,
            UpdateCheckerStatus::UpdNewVersion,
            UpdateCheckerStatus::UpdError,
        ];
        let names: Vec<&str> = known.iter().map(UpdateCheckerStatus::as_str).collect();
        out.state_set(&UPDATE_CHECK_RESULT, &[], "result", &names, result.as_str());
    }
}

fn mail_queue(queue: &MailQueue, out: &mut Families) {
    out.gauge(&MAIL_QUEUE_MESSAGES, queue.messages as f64);
    if let (Some(value), Some(units)) = (queue.volume.value, &queue.volume.units) {
        let unit = vec![("unit", units.as_str().to_owned())];
        out.gauge_with(&MAIL_QUEUE_VOLUME, unit, value as f64);
    }
}

/// Alert types counted apart, the three of the spec and a few a newer version may add.
const MAX_ALERT_TYPES: usize = 8;

fn alerts(session: &Session<ConnectAdmin>) -> BoxFuture<'_, Result<Families, Error>> {
    Box::pin(async move {
        let reply = session.server().get_alert_list().await?;
        let mut out = Families::default();
        let mut counts: Vec<(String, f64)> =
            [TypeAlert::Warning, TypeAlert::Critical, TypeAlert::Info]
                .iter()
                .map(|t| (t.as_str().to_owned(), 0.0))
                .collect();
        for alert in &reply.alerts {
            let kind = alert
                .alert_type
                .as_ref()
                .map_or("unknown", TypeAlert::as_str);
            match counts.iter().position(|(k, _)| k == kind) {
                Some(at) => counts[at].1 += 1.0,
                // A type newer versions added; a few at most, so that a hostile reply
                // cannot add series without bound.
                None if counts.len() < MAX_ALERT_TYPES => counts.push((kind.to_owned(), 1.0)),
                None => {}
            }
        }
        for (kind, n) in counts {
            out.gauge_with(&ALERTS, vec![("type", kind)], n);
        }
        Ok(out)
    })
}

fn users(session: &Session<ConnectAdmin>) -> BoxFuture<'_, Result<Families, Error>> {
    Box::pin(async move {
        let about = session.server().get_about_info().await?.about_information;
        let mut out = Families::default();
        if let Some(current) = about.current_users.filter(|n| *n >= 0) {
            out.gauge(&USERS, current as f64);
        }
        if let Some(allowed) = about.allowed_users.filter(|a| a.is_unlimited != Some(true))
            && let Some(n) = allowed.allowed_users.filter(|n| *n >= 0)
        {
            out.gauge(&USERS_ALLOWED, n as f64);
        }
        Ok(out)
    })
}
