//! Kerio Connect in a fleet (feature `connect-admin`): the calls of a visit through the
//! typed Connect Administration API, and its status rules (`status`).
//!
//! Connect's API has no batch method, so the four reads are always sent as four
//! requests at the same time, whatever the [`ReadMode`](super::ReadMode).

mod status;

use crate::connect::admin::{
    ConnectAdmin, HistogramType, ProductInfo, RegistrationFullStatus, SearchQuery,
    SystemHealthData, server,
};
use crate::{Client, Error, Method, Session};

use super::FleetOptions;
use super::product::{Product, Visited, application};

#[cfg(feature = "exporter")]
pub(crate) use status::control_figures;
pub(crate) use status::{MailQueue, Readings, assess, version};

/// The method whose answer tells a Kerio Connect (its reply names the product).
pub(crate) const IDENTIFY: &str = <server::GetProductInfo as Method>::NAME;

/// The period of the memory history the status is judged on (one sample every 20 s), as
/// for Kerio Control.
const HISTORY: HistogramType = HistogramType::HistogramTwoHours;

/// Logs in as the application `name` (shown in the server's log).
pub(crate) async fn login_as(
    client: &Client,
    user: &str,
    password: &str,
    name: &str,
) -> Result<Session<ConnectAdmin>, Error> {
    ConnectAdmin::login(client, user, password, &application(name)).await
}

/// Logs out; a failure only costs the session, which expires on the server.
pub(crate) async fn logout(session: &Session<ConnectAdmin>) {
    if let Err(e) = session.logout().await {
        tracing::debug!(endpoint = session.endpoint(), error = %e, "fleet: logout failed");
    }
}

/// The product name the server gives (`Server.getProductInfo` `info.productName`).
pub(crate) async fn product_name(session: &Session<ConnectAdmin>) -> Result<Option<String>, Error> {
    let reply = session.server().get_product_info().await?;
    Ok(reply.info.product_name)
}

/// Reads what decides the status, each read succeeding or failing on its own.
pub(crate) async fn read(session: &Session<ConnectAdmin>) -> Readings {
    read_each(session).await.readings()
}

/// The four reads with their errors as they came, for a caller that renews an expired
/// session (the exporter keeps its sessions).
pub(crate) async fn read_each(session: &Session<ConnectAdmin>) -> Reads {
    // Only the count and the volume of the queue are judged: one message is enough.
    let query = SearchQuery::new().page(0, 1);
    let (product, health, registration, queue) = tokio::join!(
        async { session.server().get_product_info().await },
        async { session.system_health().get(&HISTORY).await },
        async { session.product_registration().get_full_status().await },
        async { session.queue().get(&query).await },
    );
    Reads {
        product: product.map(|r| r.info),
        health: health.map(|r| r.data),
        registration: registration.map(|r| r.status),
        queue: queue.map(|r| MailQueue {
            messages: r.total_items,
            volume: r.volume,
        }),
    }
}

/// What the four reads returned, errors included.
pub(crate) struct Reads {
    pub(crate) product: Result<ProductInfo, Error>,
    pub(crate) health: Result<SystemHealthData, Error>,
    pub(crate) registration: Result<RegistrationFullStatus, Error>,
    pub(crate) queue: Result<MailQueue, Error>,
}

impl Reads {
    /// The errors of the reads that failed.
    #[cfg_attr(not(feature = "exporter"), allow(dead_code))]
    pub(crate) fn errors(&self) -> Vec<&Error> {
        [
            self.product.as_ref().err(),
            self.health.as_ref().err(),
            self.registration.as_ref().err(),
            self.queue.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The readings the rules judge, each error as its message.
    pub(crate) fn readings(self) -> Readings {
        Readings {
            product: self.product.map_err(|e| e.to_string()),
            health: self.health.map_err(|e| e.to_string()),
            registration: self.registration.map_err(|e| e.to_string()),
            queue: self.queue.map_err(|e| e.to_string()),
        }
    }
}

/// Reads, logs out and judges (expiry dates against the time after the reads, as the
/// appliance's own clock gave them).
pub(crate) async fn visit(session: &Session<ConnectAdmin>, options: &FleetOptions) -> Visited {
    let readings = read(session).await;
    logout(session).await;
    let now = super::poll::unix_now();
    let (status, reasons) = assess(&readings, &options.thresholds, now);
    Visited {
        product: Product::Connect,
        status,
        reasons,
        version: readings.product.as_ref().ok().and_then(version),
    }
}
