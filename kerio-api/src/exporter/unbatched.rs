//! The probe of a product without batches (Kerio Connect, Kerio Operator): the fleet
//! report's status reads and the module's extra collectors, each a request of its own,
//! the two groups sent at the same time on the kept session ([`Kept`]). A product plugs
//! in with [`Unbatched`]: what it reads, how the fleet judges it, and its metrics.

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::fleet::poll::{login_failure, unix_now};
use crate::fleet::{Product, Reason, Status, Thresholds};
use crate::{Error, Session};

use super::control::{fail, unsupported};
use super::kept::{Kept, Login};
use super::metrics::Families;
use super::product::{ProbeContext, TargetProbe, write};

/// One extra collector of a product: its name and its reads.
pub(crate) struct Collector<A: crate::Api> {
    pub(crate) name: &'static str,
    pub(crate) read: for<'a> fn(&'a Session<A>) -> BoxFuture<'a, Result<Families, Error>>,
}

/// What a product without batches brings to its probe.
pub(crate) trait Unbatched: Login + Send + Sync + 'static {
    /// The collectors of the status reads, in the order of [`Unbatched::outcomes`].
    const STATUS: &'static [&'static str];
    /// The collectors a module may choose.
    const COLLECTORS: &'static [Collector<Self>];
    /// The status reads, each succeeding or failing on its own.
    type Reads: Send;
    /// What the reads found, as the fleet's rules judge it.
    type Readings;

    /// Sends the status reads.
    fn read(session: &Session<Self>) -> BoxFuture<'_, Self::Reads>;
    /// The errors of the reads that failed.
    fn errors(reads: &Self::Reads) -> Vec<&Error>;
    /// The reads as the fleet's rules take them.
    fn readings(reads: Self::Reads) -> Self::Readings;
    /// The fleet report's colour and reasons.
    fn assess(
        readings: &Self::Readings,
        thresholds: &Thresholds,
        now: i64,
    ) -> (Status, Vec<Reason>);
    /// The metrics of the status reads.
    fn families(readings: &Self::Readings, now: i64, out: &mut Families);
    /// Whether each status read succeeded, in the order of [`Unbatched::STATUS`].
    fn outcomes(readings: &Self::Readings) -> Vec<bool>;
    /// The version shown, when it was read.
    fn version(readings: &Self::Readings) -> Option<String>;
}

/// The names of a product's extra collectors.
pub(crate) fn collector_names<A: Unbatched>() -> Vec<&'static str> {
    A::COLLECTORS.iter().map(|c| c.name).collect()
}

/// The probe of a target of the product `A`, on its kept session.
pub(crate) fn target<A: Unbatched>(kept: Kept<A>) -> Box<dyn TargetProbe> {
    Box::new(Target { kept })
}

/// One appliance of the product `A`.
struct Target<A: Unbatched> {
    kept: Kept<A>,
}

impl<A: Unbatched> TargetProbe for Target<A> {
    fn probe<'a>(&'a self, ctx: ProbeContext<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(session) = self.kept.start(&ctx).await else {
                return;
            };
            let extras: Vec<&Collector<A>> = A::COLLECTORS
                .iter()
                .filter(|c| ctx.module.runs(c.name))
                .collect();
            tokio::join!(
                self.status_reads(&ctx, &session),
                self.extra_reads(&ctx, &session, &extras)
            );
        })
    }

    fn logout(&self) -> BoxFuture<'_, bool> {
        Box::pin(self.kept.logout())
    }

    /// The product the API's manifest names.
    fn product(&self) -> Option<Product> {
        A::PRODUCT.and_then(|p| p.parse().ok())
    }
}

impl<A: Unbatched> Target<A> {
    async fn status_reads(&self, ctx: &ProbeContext<'_>, session: &Session<A>) {
        let read = |s: Session<A>| async move { A::read(&s).await }.boxed();
        let expired = |r: &A::Reads| A::errors(r).iter().any(|e| e.is_session_expired());
        let reads = match self.kept.renewing(ctx, session, read, expired).await {
            Ok(reads) => reads,
            Err(reason) => return write(ctx.findings, |f| fail(f, reason)),
        };
        if let Some(reason) = none_answered(&A::errors(&reads), A::STATUS.len(), ctx.module.timeout)
        {
            return write(ctx.findings, |f| fail(f, reason));
        }
        let readings = A::readings(reads);
        let now = unix_now();
        let judged = A::assess(&readings, ctx.thresholds, now);
        let mut families = Families::default();
        A::families(&readings, now, &mut families);
        let outcomes = A::outcomes(&readings);
        let version = A::version(&readings);
        write(ctx.findings, |f| {
            f.up = Some(true);
            f.status = Some(judged);
            f.version = version;
            f.families.extend(families);
            for (name, ok) in A::STATUS.iter().zip(outcomes) {
                f.collector(ctx.own, name, ok);
            }
        });
    }

    async fn extra_reads(
        &self,
        ctx: &ProbeContext<'_>,
        session: &Session<A>,
        collectors: &[&Collector<A>],
    ) {
        if collectors.is_empty() {
            return;
        }
        let read = |s: Session<A>| {
            let reads: Vec<_> = collectors.iter().map(|c| (c.name, c.read)).collect();
            async move {
                let runs = reads.iter().map(|(_, read)| read(&s));
                let results = futures_util::future::join_all(runs).await;
                reads.iter().map(|(name, _)| *name).zip(results).collect()
            }
            .boxed()
        };
        type Outcomes = Vec<(&'static str, Result<Families, Error>)>;
        let expired = |r: &Outcomes| {
            r.iter()
                .any(|(_, o)| o.as_ref().is_err_and(Error::is_session_expired))
        };
        // A renewal that failed (the status reads report it) fails every collector.
        let Ok(outcomes) = self.kept.renewing(ctx, session, read, expired).await else {
            return write(ctx.findings, |f| {
                for c in collectors {
                    f.collector(ctx.own, c.name, false);
                }
            });
        };
        write(ctx.findings, |f| {
            for (name, outcome) in outcomes {
                let ok = match outcome {
                    Ok(families) => {
                        f.families.extend(families);
                        true
                    }
                    // What this version does not have is no failure: its series are absent.
                    Err(e) if unsupported(&e) => true,
                    Err(e) => {
                        tracing::debug!(target = ctx.target, collector = name, error = %e,
                            "exporter: collector failed");
                        false
                    }
                };
                f.collector(ctx.own, name, ok);
            }
        });
    }
}

/// When every one of `total` reads failed without any answer from the appliance, the
/// reason of a red probe (as for a failed login); else `None`.
pub(crate) fn none_answered(
    errors: &[&Error],
    total: usize,
    timeout: std::time::Duration,
) -> Option<Reason> {
    let first = errors.first()?;
    (errors.len() == total && errors.iter().all(|e| super::control::unanswered(e)))
        .then(|| login_failure(first, timeout))
}
