//! Kerio Operator in a fleet (feature `operator-admin`): the calls of a visit through
//! the typed Operator Administration API, and its status rules (`status`).
//!
//! No batch method is known for Operator, so the three reads are always sent as three
//! requests at the same time, whatever the [`ReadMode`](super::ReadMode).

mod status;

use crate::operator::admin::{HistogramType, OperatorAdmin, server};
use crate::{Client, Error, Method, Session};

use super::FleetOptions;
use super::product::{Product, Visited, application};

pub(crate) use status::{Readings, assess, version};

/// The method whose answer tells a Kerio Operator (Kerio Control and Kerio Connect have
/// `Server.getNamedConstantList` instead).
pub(crate) const IDENTIFY: &str = <server::GetConstantList as Method>::NAME;

/// The history asked for with the disk figures: the one the vendor's example that reads
/// `diskTotal` and `diskFree` sends.
const HISTORY: HistogramType = HistogramType::HistogramOneDay;

/// Logs in as the fleet report's application.
pub(crate) async fn login(
    client: &Client,
    user: &str,
    password: &str,
) -> Result<Session<OperatorAdmin>, Error> {
    OperatorAdmin::login(client, user, password, &application()).await
}

/// Logs out; a failure only costs the session, which expires on the PBX.
pub(crate) async fn logout(session: &Session<OperatorAdmin>) {
    if let Err(e) = session.logout().await {
        tracing::debug!(endpoint = session.endpoint(), error = %e, "fleet: logout failed");
    }
}

/// The product and version the PBX gives (`SERVER_SOFTWARE` of `Server.getConstantList`).
pub(crate) async fn product_name(
    session: &Session<OperatorAdmin>,
) -> Result<Option<String>, Error> {
    let reply = session.server().get_constant_list().await?;
    Ok(reply.constant_list.product.and_then(|p| p.server_software))
}

/// Reads what decides the status, each read succeeding or failing on its own.
pub(crate) async fn read(session: &Session<OperatorAdmin>) -> Readings {
    let (constants, health, registration) = tokio::join!(
        async { session.server().get_constant_list().await },
        async { session.system_health().get(&HISTORY).await },
        async { session.product_registration().get_full_status().await },
    );
    Readings {
        constants: constants
            .map(|r| r.constant_list)
            .map_err(|e| e.to_string()),
        health: health.map(|r| r.system_health).map_err(|e| e.to_string()),
        registration: registration.map(|r| r.status).map_err(|e| e.to_string()),
    }
}

/// Reads, logs out and judges (expiry dates against the time after the reads, as the
/// appliance's own clock gave them).
pub(crate) async fn visit(session: &Session<OperatorAdmin>, options: &FleetOptions) -> Visited {
    let readings = read(session).await;
    logout(session).await;
    let now = super::poll::unix_now();
    let (status, reasons) = assess(&readings, &options.thresholds, now);
    Visited {
        product: Product::Operator,
        status,
        reasons,
        version: readings.constants.as_ref().ok().and_then(version),
    }
}
