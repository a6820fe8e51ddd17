//! The calls of a poll, through the typed Administration API: log in, the four reads
//! that decide the status, log out. The only place of the fleet that names methods.

use crate::admin::{
    Admin, ApiApplication, HistogramType, product_info, product_registration, system_health,
    update_checker,
};
use crate::{Client, Error, Session};

use super::ReadMode;
use super::status::Readings;

/// The period of the memory history the status is judged on (one sample every 20 s).
const HISTORY: HistogramType = HistogramType::HistogramTwoHours;

/// Logs in as the fleet report's application.
pub(crate) async fn login(
    client: &Client,
    user: &str,
    password: &str,
) -> Result<Session<Admin>, Error> {
    let application = ApiApplication {
        name: Some("kerio-rs fleet".into()),
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
    let handles = (|| {
        Ok::<_, Error>((
            batch.add(&product_info::Get::new())?,
            batch.add(&update_checker::GetStatus::new())?,
            batch.add(&system_health::Get::new(&HISTORY))?,
            batch.add(&product_registration::GetFullStatus::new())?,
        ))
    })();
    let (product, update, health, registration) = match handles {
        Ok(handles) => handles,
        // Encoding these parameters cannot fail; if it ever does, read one by one.
        Err(_) => return read_concurrent(session).await,
    };
    match batch.run().await {
        Ok(results) => Readings {
            product: results
                .get(product)
                .map(|r| r.product_info)
                .map_err(|e| e.to_string()),
            update: results
                .get(update)
                .map(|r| r.status)
                .map_err(|e| e.to_string()),
            health: results
                .get(health)
                .map(|r| r.data)
                .map_err(|e| e.to_string()),
            registration: results
                .get(registration)
                .map(|r| r.status)
                .map_err(|e| e.to_string()),
        },
        // The batch as a whole failed: every read failed with it.
        Err(e) => {
            let text = e.to_string();
            Readings {
                product: Err(text.clone()),
                update: Err(text.clone()),
                health: Err(text.clone()),
                registration: Err(text),
            }
        }
    }
}
