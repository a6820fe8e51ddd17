//! Kerio Operator in a fleet (feature `operator-admin`): the calls of a visit through
//! the typed Operator Administration API, and its status rules (`status`).
//!
//! No batch method is known for Operator, so the three reads are always sent as three
//! requests at the same time, whatever the [`ReadMode`](super::ReadMode).

mod status;

use crate::operator::admin::{
    HistogramType, OperatorAdmin, RegistrationFullStatus, ServerConstants, SystemHealthData, server,
};
use crate::{Client, Error, Method, Session};

use super::FleetOptions;
use super::product::{Product, Visited, application};

pub(crate) use status::{Readings, assess, version};
#[cfg(feature = "exporter")]
pub(crate) use status::{control_registration, disk_figures};

/// The method whose answer tells a Kerio Operator (Kerio Control and Kerio Connect have
/// `Server.getNamedConstantList` instead).
pub(crate) const IDENTIFY: &str = <server::GetConstantList as Method>::NAME;

/// The history asked for with the disk figures: the one the vendor's example that reads
/// `diskTotal` and `diskFree` sends.
const HISTORY: HistogramType = HistogramType::HistogramOneDay;

/// Logs in as the application `name` (shown in the server's log).
pub(crate) async fn login_as(
    client: &Client,
    user: &str,
    password: &str,
    name: &str,
) -> Result<Session<OperatorAdmin>, Error> {
    OperatorAdmin::login(client, user, password, &application(name)).await
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
    read_each(session).await.readings()
}

/// The three reads with their errors as they came, for a caller that renews an expired
/// session (the exporter keeps its sessions).
pub(crate) async fn read_each(session: &Session<OperatorAdmin>) -> Reads {
    let (constants, health, registration) = tokio::join!(
        async { session.server().get_constant_list().await },
        async { session.system_health().get(&HISTORY).await },
        async { session.product_registration().get_full_status().await },
    );
    Reads {
        constants: constants.map(|r| r.constant_list),
        health: health.map(|r| r.system_health),
        registration: registration.map(|r| r.status),
    }
}

/// What the three reads returned, errors included.
pub(crate) struct Reads {
    pub(crate) constants: Result<ServerConstants, Error>,
    pub(crate) health: Result<SystemHealthData, Error>,
    pub(crate) registration: Result<RegistrationFullStatus, Error>,
}

impl Reads {
    /// The errors of the reads that failed.
    #[cfg_attr(not(feature = "exporter"), allow(dead_code))]
    pub(crate) fn errors(&self) -> Vec<&Error> {
        [
            self.constants.as_ref().err(),
            self.health.as_ref().err(),
            self.registration.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The readings the rules judge, each error as its message.
    pub(crate) fn readings(self) -> Readings {
        Readings {
            constants: self.constants.map_err(|e| e.to_string()),
            health: self.health.map_err(|e| e.to_string()),
            registration: self.registration.map_err(|e| e.to_string()),
        }
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
