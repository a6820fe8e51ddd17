//! Polling a fleet: bounded concurrency, one timeout per appliance, a row for each.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;

use crate::{Client, Error, TlsErrorKind};

use super::figures::Figures;
use super::product::{self, Visited};
use super::reason_kind::ReasonKind;
use super::report::{ApplianceReport, FleetReport};
use super::status::{Reason, Status};
use super::{Appliance, Credentials, FleetOptions};

/// Connecting (TCP and TLS) never takes longer than this, even with a longer timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Polls every appliance and reports each one, in the order given.
///
/// At most [`FleetOptions::concurrency`] appliances are polled at the same time, each on
/// its own task and within [`FleetOptions::timeout`]. Nothing here fails as a whole: an
/// appliance that cannot be reached, refuses the login or does not answer in time is a
/// red row with the reason.
///
/// Must run inside a Tokio runtime (with the `time` driver enabled).
pub async fn poll(appliances: &[Appliance], options: &FleetOptions) -> FleetReport {
    let started = Instant::now();
    let concurrency = options.concurrency.max(1);
    let mut rows: Vec<(usize, ApplianceReport)> =
        futures_util::stream::iter(appliances.iter().cloned().enumerate())
            .map(|(index, appliance)| {
                let options = options.clone();
                async move {
                    let name = appliance.name.clone();
                    let url = appliance.url.clone();
                    let product = appliance.product;
                    let task = tokio::spawn(async move { poll_one(&appliance, &options).await });
                    let row = match task.await {
                        Ok(row) => row,
                        Err(e) => ApplianceReport {
                            product,
                            ..ApplianceReport::failed(
                                name,
                                url,
                                format!("The poll stopped unexpectedly: {e}"),
                            )
                        },
                    };
                    (index, row)
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    rows.sort_by_key(|(index, _)| *index);
    FleetReport {
        appliances: rows.into_iter().map(|(_, row)| row).collect(),
        elapsed: started.elapsed(),
    }
}

/// One appliance, login to logout, within the timeout.
pub(crate) async fn poll_one(appliance: &Appliance, options: &FleetOptions) -> ApplianceReport {
    let started = Instant::now();
    let mut product = appliance.product;
    let (status, reasons, version) = match &appliance.credentials {
        None => (
            Status::Grey,
            vec![
                Reason::new(
                    Status::Grey,
                    "Listed, not managed: no credentials are configured",
                )
                .kind(ReasonKind::Unmanaged),
            ],
            None,
        ),
        Some(credentials) => {
            match tokio::time::timeout(options.timeout, visit(appliance, credentials, options))
                .await
            {
                Ok(Ok(visited)) => {
                    product = Some(visited.product);
                    (visited.status, visited.reasons, visited.version)
                }
                Ok(Err(reason)) => (Status::Red, vec![reason], None),
                Err(_) => (Status::Red, vec![no_answer(options.timeout)], None),
            }
        }
    };
    ApplianceReport {
        name: appliance.name.clone(),
        url: appliance.url.clone(),
        product,
        status,
        reasons,
        version,
        elapsed: started.elapsed(),
    }
}

/// The red reason of an appliance that gave no answer within `timeout`.
pub(crate) fn no_answer(timeout: Duration) -> Reason {
    Reason::new(
        Status::Red,
        format!("No answer within {}: offline or too slow", seconds(timeout)),
    )
    .kind(ReasonKind::Offline)
    .figures(Figures {
        timeout_seconds: Some(timeout.as_secs_f64()),
        ..Figures::default()
    })
}

/// Logs in, reads, logs out, as the appliance's product (found out first when it is not
/// configured); `Err` is the reason of a red row.
async fn visit(
    appliance: &Appliance,
    credentials: &Credentials,
    options: &FleetOptions,
) -> Result<Visited, Reason> {
    let unusable = |text: String| Reason::new(Status::Red, text).kind(ReasonKind::Configuration);
    let password = credentials.password.read().map_err(unusable)?;
    let client = client(appliance, options.timeout).map_err(unusable)?;
    product::visit(
        appliance.product,
        &client,
        &credentials.user,
        password.expose(),
        options,
    )
    .await
}

/// Now, in seconds since the Unix epoch.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A client for the appliance, each request within `timeout`; `Err` says why the
/// configuration cannot be used.
pub(crate) fn client(appliance: &Appliance, timeout: Duration) -> Result<Client, String> {
    client_builder(appliance, timeout)?
        .build()
        .map_err(|e| format!("The configuration is not usable: {e}"))
}

/// The builder of [`client`], for callers that set more.
pub(crate) fn client_builder(
    appliance: &Appliance,
    timeout: Duration,
) -> Result<crate::ClientBuilder, String> {
    Ok(appliance
        .client_builder()?
        .timeout(timeout)
        .connect_timeout(timeout.min(CONNECT_TIMEOUT)))
}

/// The red reason of a failed login, sorted by what the user can do about it.
pub(crate) fn login_failure(e: &Error, timeout: Duration) -> Reason {
    let kind = match e {
        Error::Timeout { .. } | Error::Transport { .. } => ReasonKind::Offline,
        Error::Tls { .. } => ReasonKind::CertificateRejected,
        Error::Rpc(_) => ReasonKind::LoginRefused,
        _ => ReasonKind::Other,
    };
    Reason::new(Status::Red, login_failure_text(e, timeout)).kind(kind)
}

fn login_failure_text(e: &Error, timeout: Duration) -> String {
    match e {
        Error::Timeout { .. } => format!(
            "No answer within {}: offline or too slow ({e})",
            seconds(timeout)
        ),
        Error::Transport { .. } => format!("Offline: {e}"),
        Error::Tls {
            kind: TlsErrorKind::PinMismatch,
            ..
        } => format!("The certificate does not match the pin: {e}"),
        Error::Tls { .. } => format!("The certificate is not trusted: {e}"),
        Error::Rpc(rpc) => format!("The login was refused: {} (code {})", rpc.message, rpc.code),
        _ => format!("The login failed: {e}"),
    }
}

fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs:.1} s")
    }
}
