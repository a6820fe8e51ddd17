//! Kerio Control's collectors: the fleet report's status reads and the extra collectors,
//! all in one `Batch.run` per probe when the session is alive (two batches sent at the
//! same time, so that the status does not wait for the extras).

mod extra;
pub(crate) mod status;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::admin::Admin;
use crate::fleet::poll::{login_failure, unix_now};
use crate::fleet::read::{self, StatusReads};
use crate::fleet::status::{Readings, assess};
use crate::fleet::{Appliance, Product, Reason, Status};
use crate::{Batch, BatchResults, Client, Error, Session};

use super::kept::{Kept, Login};
use super::metrics::{Families, MetricDef};
use super::product::{Findings, ProbeContext, ProductDef, TargetProbe, TargetSettings, write};

/// The application name the exporter logs in as (shown in the appliance's log).
pub(crate) const APPLICATION: &str = "kerio-rs exporter";
/// The largest reply read: far above what these reads return, a bound against a hostile
/// appliance (the client's default is for listings of thousands of items).
pub(crate) const MAX_REPLY_SIZE: usize = 4 * 1024 * 1024;

/// Kerio Control.
pub(crate) const PRODUCT: ProductDef = ProductDef {
    product: Product::Control,
    status_collectors: &status::NAMES,
    collectors,
    metrics,
    target,
};

fn collectors() -> Vec<&'static str> {
    extra::COLLECTORS.iter().map(|c| c.name).collect()
}

fn metrics() -> Vec<&'static MetricDef> {
    let mut defs: Vec<&'static MetricDef> = status::METRICS.to_vec();
    defs.extend(extra::METRICS);
    defs
}

fn target(appliance: &Appliance, settings: &TargetSettings) -> Box<dyn TargetProbe> {
    Box::new(ControlTarget {
        kept: Kept::new(appliance, settings),
    })
}

/// A target whose client and session were made when its product was found out.
pub(crate) fn adopt(
    appliance: &Appliance,
    settings: &TargetSettings,
    client: Client,
    session: Session<Admin>,
) -> Box<dyn TargetProbe> {
    Box::new(ControlTarget {
        kept: Kept::adopt(appliance, settings, client, session),
    })
}

/// One Control appliance: its client (one connection pool) and its session, both kept
/// between probes; the two batches of a probe that both find the session expired log in
/// once.
struct ControlTarget {
    kept: Kept<Admin>,
}

impl Login for Admin {
    fn login<'a>(
        client: &'a Client,
        user: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Session<Self>, Error>> {
        read::login_as(client, user, password, APPLICATION).boxed()
    }

    fn logout(session: &Session<Self>) -> BoxFuture<'_, ()> {
        read::logout(session).boxed()
    }
}

/// Why a batch gave no results.
enum BatchFailure {
    /// Logging in again after the session expired failed.
    Login(Reason),
    /// The request failed.
    Call(Error),
}

impl TargetProbe for ControlTarget {
    fn probe<'a>(&'a self, ctx: ProbeContext<'a>) -> BoxFuture<'a, ()> {
        Box::pin(self.run(ctx))
    }

    fn logout(&self) -> BoxFuture<'_, bool> {
        Box::pin(self.kept.logout())
    }

    fn product(&self) -> Option<Product> {
        Some(Product::Control)
    }
}

impl ControlTarget {
    async fn run(&self, ctx: ProbeContext<'_>) {
        let Some(session) = self.kept.start(&ctx).await else {
            return;
        };
        let extras: Vec<&extra::Collector> = extra::COLLECTORS
            .iter()
            .filter(|c| ctx.module.runs(c.name))
            .collect();
        tokio::join!(
            self.status_reads(&ctx, &session),
            self.extra_reads(&ctx, &session, &extras),
        );
    }

    /// Runs a batch made by `add`; when the session expired, logs in again (once per
    /// probe and target, whoever finds it first) and runs it once more.
    async fn batch<T: Send>(
        &self,
        ctx: &ProbeContext<'_>,
        session: &Session<Admin>,
        add: impl Fn(&mut Batch<Admin>) -> T,
    ) -> Result<(T, BatchResults), BatchFailure> {
        let run = |session: Session<Admin>| {
            let mut batch = session.batch();
            let parts = add(&mut batch);
            async move { batch.run().await.map(|results| (parts, results)) }.boxed()
        };
        let expired = |outcome: &Result<(T, BatchResults), Error>| match outcome {
            Err(e) => e.is_session_expired(),
            Ok((_, results)) => results.check().is_err_and(|e| e.is_session_expired()),
        };
        self.kept
            .renewing(ctx, session, run, expired)
            .await
            .map_err(BatchFailure::Login)?
            .map_err(BatchFailure::Call)
    }

    async fn status_reads(&self, ctx: &ProbeContext<'_>, session: &Session<Admin>) {
        let outcome = self.batch(ctx, session, StatusReads::add).await;
        let readings = match outcome {
            Ok((Ok(reads), results)) => reads.take(&results),
            Ok((Err(e), _)) => Readings::failed(&e.to_string()),
            Err(BatchFailure::Login(reason)) => {
                write(ctx.findings, |f| fail(f, reason));
                return;
            }
            Err(BatchFailure::Call(e)) if unanswered(&e) => {
                let reason = login_failure(&e, ctx.module.timeout);
                write(ctx.findings, |f| fail(f, reason));
                return;
            }
            Err(BatchFailure::Call(e)) => Readings::failed(&e.to_string()),
        };
        let now = unix_now();
        let judged = assess(&readings, ctx.thresholds, now);
        let mut families = Families::default();
        status::families(&readings, now, &mut families);
        let outcomes = [
            readings.product.is_ok(),
            readings.update.is_ok(),
            readings.health.is_ok(),
            readings.registration.is_ok(),
        ];
        let version = readings
            .product
            .ok()
            .and_then(|p| p.version_string)
            .filter(|v| !v.trim().is_empty());
        write(ctx.findings, |f| {
            f.up = Some(true);
            f.status = Some(judged);
            f.version = version;
            f.families.extend(families);
            for (name, ok) in status::NAMES.into_iter().zip(outcomes) {
                f.collector(ctx.own, name, ok);
            }
        });
    }

    async fn extra_reads(
        &self,
        ctx: &ProbeContext<'_>,
        session: &Session<Admin>,
        collectors: &[&extra::Collector],
    ) {
        if collectors.is_empty() {
            return;
        }
        let add = |batch: &mut Batch<Admin>| {
            collectors
                .iter()
                .map(|c| (c.name, (c.add)(batch)))
                .collect::<Vec<_>>()
        };
        let outcome = self.batch(ctx, session, add).await;
        let mut families = Families::default();
        let mut outcomes = Vec::with_capacity(collectors.len());
        match outcome {
            Ok((takes, results)) => {
                for (name, take) in takes {
                    let mut own = Families::default();
                    let ok = match take.and_then(|take| take(&results, &mut own)) {
                        Ok(()) => true,
                        // What this firmware does not have (high availability on older
                        // versions) is no failure: its series are absent.
                        Err(e) if unsupported(&e) => true,
                        Err(e) => {
                            tracing::debug!(target = ctx.target, collector = name, error = %e,
                                "exporter: collector failed");
                            false
                        }
                    };
                    if ok {
                        families.extend(own);
                    }
                    outcomes.push((name, ok));
                }
            }
            Err(_) => outcomes.extend(collectors.iter().map(|c| (c.name, false))),
        }
        write(ctx.findings, |f| {
            f.families.extend(families);
            for (name, ok) in outcomes {
                f.collector(ctx.own, name, ok);
            }
        });
    }
}

/// A red finding: no usable answer.
pub(crate) fn fail(findings: &mut Findings, reason: Reason) {
    findings.up = Some(false);
    findings.status = Some((Status::Red, vec![reason]));
}

/// Whether the appliance gave no answer at all (as opposed to an error reply).
pub(crate) fn unanswered(e: &Error) -> bool {
    matches!(
        e,
        Error::Timeout { .. } | Error::Transport { .. } | Error::Tls { .. }
    )
}

/// Method not found (-32601) or unavailable (-32608): the firmware lacks it.
pub(crate) fn unsupported(e: &Error) -> bool {
    e.rpc()
        .is_some_and(|rpc| matches!(rpc.code, -32601 | -32608))
}
