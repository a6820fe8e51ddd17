//! The calls of a poll, through the typed Administration API: log in, the four reads
//! that decide the status, log out. The only place of the fleet that names methods.

use crate::admin::{
    Admin, ApiApplication, HistogramType, product_info, product_registration, system_health,
    update_checker,
};
use crate::{Batch, BatchHandle, BatchResults, Client, Error, Session};

use super::ReadMode;
use super::status::Readings;

/// The period of the memory history the status is judged on (one sample every 20 s).
const HISTORY: HistogramType = HistogramType::HistogramTwoHours;

/// Logs in as the application `name` (shown in the appliance's logs).
pub(crate) async fn login_as(
    client: &Client,
    user: &str,
    password: &str,
    name: &str,
) -> Result<Session<Admin>, Error> {
    let application = ApiApplication {
        name: Some(name.into()),
        vendor: Some("kerio-rs".into()),
        version: Some(env!("CARGO_PKG_VERSION").into()),
    };
    Admin::login(client, user, password, &application).await
}

/// Logs out; a failure only costs the session, which expires on the appliance.
pub(crate) async fn logout(session: &Session<Admin>) {
    if let Err(e) = session.logout().await {
        tracing::debug!(endpoint = session.endpoint(), error = %e, "fleet: logout failed");
    }
}

/// Reads what decides the status, each read succeeding or failing on its own.
pub(crate) async fn read(session: &Session<Admin>, mode: ReadMode) -> Readings {
    match mode {
        ReadMode::Batch => read_batch(session).await,
        ReadMode::Concurrent => read_concurrent(session).await,
    }
}

async fn read_concurrent(session: &Session<Admin>) -> Readings {
    let (product, update, health, registration) = tokio::join!(
        async { session.product_info().get().await },
        async { session.update_checker().get_status().await },
        async { session.system_health().get(&HISTORY).await },
        async { session.product_registration().get_full_status().await },
    );
    Readings {
        product: product.map(|r| r.product_info).map_err(|e| e.to_string()),
        update: update.map(|r| r.status).map_err(|e| e.to_string()),
        health: health.map(|r| r.data).map_err(|e| e.to_string()),
        registration: registration.map(|r| r.status).map_err(|e| e.to_string()),
    }
}

async fn read_batch(session: &Session<Admin>) -> Readings {
    let mut batch = session.batch();
    let Ok(reads) = StatusReads::add(&mut batch) else {
        // Encoding these parameters cannot fail; if it ever does, read one by one.
        return read_concurrent(session).await;
    };
    match batch.run().await {
        Ok(results) => reads.take(&results),
        Err(e) => Readings::failed(&e.to_string()),
    }
}

/// The four reads that decide the status, as commands of a batch that may hold more.
pub(crate) struct StatusReads {
    product: BatchHandle<product_info::Get>,
    update: BatchHandle<update_checker::GetStatus>,
    health: BatchHandle<system_health::Get<'static>>,
    registration: BatchHandle<product_registration::GetFullStatus>,
}

impl StatusReads {
    /// Adds the four reads to `batch`.
    pub(crate) fn add(batch: &mut Batch<Admin>) -> Result<Self, Error> {
        Ok(StatusReads {
            product: batch.add(&product_info::Get::new())?,
            update: batch.add(&update_checker::GetStatus::new())?,
            health: batch.add(&system_health::Get::new(&HISTORY))?,
            registration: batch.add(&product_registration::GetFullStatus::new())?,
        })
    }

    /// What the batch replied to each of the four.
    pub(crate) fn take(&self, results: &BatchResults) -> Readings {
        Readings {
            product: results
                .get(self.product)
                .map(|r| r.product_info)
                .map_err(|e| e.to_string()),
            update: results
                .get(self.update)
                .map(|r| r.status)
                .map_err(|e| e.to_string()),
            health: results
                .get(self.health)
                .map(|r| r.data)
                .map_err(|e| e.to_string()),
            registration: results
                .get(self.registration)
                .map(|r| r.status)
                .map_err(|e| e.to_string()),
        }
    }
}

impl Readings {
    /// Every read failed with the same error (the batch as a whole failed).
    pub(crate) fn failed(text: &str) -> Readings {
        Readings {
            product: Err(text.to_owned()),
            update: Err(text.to_owned()),
            health: Err(text.to_owned()),
            registration: Err(text.to_owned()),
        }
    }
}
