//! Kerio Control's collectors: the fleet report's status reads and the extra collectors,
//! all in one `Batch.run` per probe when the session is alive (two batches sent at the
//! same time, so that the status does not wait for the extras).

mod extra;
pub(crate) mod status;

use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;

use crate::admin::Admin;
use crate::fleet::poll::{client_builder, login_failure, unix_now};
use crate::fleet::read::{self, StatusReads};
use crate::fleet::status::{Readings, assess};
use crate::fleet::{Appliance, Product, Reason, ReasonKind, Status};
use crate::{Batch, BatchResults, Client, Error, Session};

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
        appliance: appliance.clone(),
        settings: settings.clone(),
        client: Mutex::new(None),
        session: tokio::sync::Mutex::new(None),
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
        appliance: appliance.clone(),
        settings: settings.clone(),
        client: Mutex::new(Some(client)),
        session: tokio::sync::Mutex::new(Some(session)),
    })
}

/// One Control appliance: its client (one connection pool) and its session, both kept
/// between probes.
struct ControlTarget {
    appliance: Appliance,
    settings: TargetSettings,
    client: Mutex<Option<Client>>,
    /// Locked while logging in, so that the two batches of a probe that both found the
    /// session expired log in once.
    session: tokio::sync::Mutex<Option<Session<Admin>>>,
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
        Box::pin(async move {
            let session = self.session.lock().await.take();
            match session {
                Some(session) => {
                    read::logout(&session).await;
                    true
                }
                None => false,
            }
        })
    }

    fn product(&self) -> Option<Product> {
        Some(Product::Control)
    }
}

impl ControlTarget {
    async fn run(&self, ctx: ProbeContext<'_>) {
        if self.appliance.credentials.is_none() {
            let reason = Reason::new(
                Status::Grey,
                "Listed, not managed: no credentials are configured",
            )
            .kind(ReasonKind::Unmanaged);
            write(ctx.findings, |f| {
                f.up = Some(false);
                f.status = Some((Status::Grey, vec![reason]));
            });
            return;
        }
        let session = match self.session(&ctx, None).await {
            Ok(session) => session,
            Err(reason) => {
                write(ctx.findings, |f| fail(f, reason));
                return;
            }
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

    /// The kept session unless it is `stale` (found expired), else a new login.
    async fn session(
        &self,
        ctx: &ProbeContext<'_>,
        stale: Option<&Session<Admin>>,
    ) -> Result<Session<Admin>, Reason> {
        let mut slot = self.session.lock().await;
        if let Some(kept) = slot.as_ref() {
            let is_stale = stale.is_some_and(|s| Arc::ptr_eq(&s.inner, &kept.inner));
            if !is_stale {
                return Ok(kept.clone());
            }
        }
        if slot.take().is_some() {
            ctx.own.session_closed();
        }
        let unusable =
            |text: String| Reason::new(Status::Red, text).kind(ReasonKind::Configuration);
        let Some(credentials) = &self.appliance.credentials else {
            return Err(unusable("No credentials are configured".into()));
        };
        let password = credentials.password.read().map_err(unusable)?;
        let client = self.client().map_err(unusable)?;
        let login = read::login_as(&client, &credentials.user, password.expose(), APPLICATION);
        let result = login.await;
        ctx.own.login(ctx.target, result.is_ok());
        let session = result.map_err(|e| login_failure(&e, ctx.module.timeout))?;
        ctx.own.session_opened();
        *slot = Some(session.clone());
        Ok(session)
    }

    /// The client, made at the first probe (a CA file is read then) and kept.
    fn client(&self) -> Result<Client, String> {
        let mut slot = self
            .client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = client_builder(&self.appliance, self.settings.request_timeout)?
            .max_reply_size(MAX_REPLY_SIZE)
            .build()
            .map_err(|e| format!("The configuration is not usable: {e}"))?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Runs a batch made by `add`; when the session expired, logs in again (once per
    /// probe and target, whoever finds it first) and runs it once more.
    async fn batch<T>(
        &self,
        ctx: &ProbeContext<'_>,
        session: &Session<Admin>,
        add: impl Fn(&mut Batch<Admin>) -> T,
    ) -> Result<(T, BatchResults), BatchFailure> {
        let run = |session: &Session<Admin>| {
            let mut batch = session.batch();
            let parts = add(&mut batch);
            async move { batch.run().await.map(|results| (parts, results)) }
        };
        let expired = |outcome: &Result<(T, BatchResults), Error>| match outcome {
            Err(e) => e.is_session_expired(),
            Ok((_, results)) => results.check().is_err_and(|e| e.is_session_expired()),
        };
        let first = run(session).await;
        if !expired(&first) {
            return first.map_err(BatchFailure::Call);
        }
        let renewed = self
            .session(ctx, Some(session))
            .await
            .map_err(BatchFailure::Login)?;
        run(&renewed).await.map_err(BatchFailure::Call)
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
