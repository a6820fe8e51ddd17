//! Polling a fleet: bounded concurrency, one timeout per appliance, a row for each.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;

use crate::{Client, Error, TlsErrorKind};

use super::read;
use super::report::{ApplianceReport, FleetReport};
use super::status::{Reason, Status, assess};
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
                    let task = tokio::spawn(async move { poll_one(&appliance, &options).await });
                    let row = match task.await {
                        Ok(row) => row,
                        Err(e) => ApplianceReport::failed(
                            name,
                            url,
                            format!("The poll stopped unexpectedly: {e}"),
                        ),
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
    let (status, reasons, version) = match &appliance.credentials {
        None => (
            Status::Grey,
            vec![Reason::new(
                Status::Grey,
                "Listed, not managed: no credentials are configured",
            )],
            None,
        ),
        Some(credentials) => {
            match tokio::time::timeout(options.timeout, visit(appliance, credentials, options))
                .await
            {
                Ok(Ok((status, reasons, version))) => (status, reasons, version),
                Ok(Err(reason)) => (Status::Red, vec![Reason::new(Status::Red, reason)], None),
                Err(_) => (
                    Status::Red,
                    vec![Reason::new(
                        Status::Red,
                        format!(
                            "No answer within {}: offline or too slow",
                            seconds(options.timeout)
                        ),
                    )],
                    None,
                ),
            }
        }
    };
    ApplianceReport {
        name: appliance.name.clone(),
        url: appliance.url.clone(),
        status,
        reasons,
        version,
        elapsed: started.elapsed(),
    }
}

type Visit = (Status, Vec<Reason>, Option<String>);

/// Logs in, reads, logs out; `Err` is the reason of a red row.
async fn visit(
    appliance: &Appliance,
    credentials: &Credentials,
    options: &FleetOptions,
) -> Result<Visit, String> {
    let password = credentials.password.read()?;
    let client = client(appliance, options)?;
    let session = read::login(&client, &credentials.user, password.expose())
        .await
        .map_err(|e| login_failure(&e, options.timeout))?;
    let readings = read::read(&session, options.read_mode).await;
    read::logout(&session).await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let (status, reasons) = assess(&readings, &options.thresholds, now);
    let version = readings
        .product
        .ok()
        .and_then(|p| p.version_string)
        .filter(|v| !v.trim().is_empty());
    Ok((status, reasons, version))
}

fn client(appliance: &Appliance, options: &FleetOptions) -> Result<Client, String> {
    appliance
        .client_builder()?
        .timeout(options.timeout)
        .connect_timeout(options.timeout.min(CONNECT_TIMEOUT))
        .build()
        .map_err(|e| format!("The configuration is not usable: {e}"))
}

/// The reason of a failed login, sorted by what the user can do about it.
fn login_failure(e: &Error, timeout: Duration) -> String {
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
