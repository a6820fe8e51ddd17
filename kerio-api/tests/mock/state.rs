//! The appliance states and the replies they change.

use kerio_api::admin::HistogramType;
use kerio_api::mock::{ApplianceState, CURRENT_VERSION, MockAppliance, OLDER_VERSION};

use crate::{login, start};

#[tokio::test]
async fn a_healthy_appliance_reports_no_update_and_valid_licences() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    let info = session
        .product_info()
        .get()
        .await
        .expect("product info")
        .product_info;
    assert_eq!(info.version_string.as_deref(), Some(CURRENT_VERSION));
    let status = session
        .update_checker()
        .get_status()
        .await
        .expect("update status")
        .status;
    assert_eq!(status.new_version, Some(false));
    let registration = session
        .product_registration()
        .get_full_status()
        .await
        .expect("registration")
        .status;
    let expirations = registration.expirations.expect("expirations");
    assert!(
        expirations
            .iter()
            .all(|e| e.remaining_days.unwrap_or(0) > 0)
    );
}

#[tokio::test]
async fn update_available_shows_a_newer_version() {
    let mock = start(MockAppliance::builder().state(ApplianceState::UpdateAvailable)).await;
    let (_client, session) = login(&mock).await;
    let info = session
        .product_info()
        .get()
        .await
        .expect("product info")
        .product_info;
    assert_eq!(info.version_string.as_deref(), Some(OLDER_VERSION));
    let status = session
        .update_checker()
        .get_status()
        .await
        .expect("update status")
        .status;
    assert_eq!(status.new_version, Some(true));
    assert!(
        status
            .description
            .unwrap_or_default()
            .contains(CURRENT_VERSION)
    );
}

#[tokio::test]
async fn low_memory_shows_memory_use_near_95_percent() {
    let mock = start(MockAppliance::builder().state(ApplianceState::LowMemory)).await;
    let (_client, session) = login(&mock).await;
    let data = session
        .system_health()
        .get(&HistogramType::HistogramOneDay)
        .await
        .expect("health")
        .data;
    let memory = data.memory.expect("memory");
    assert!(!memory.is_empty());
    assert!(memory.iter().all(|p| *p > 90.0));
    mock.set_state(ApplianceState::Healthy);
    let data = session
        .system_health()
        .get(&HistogramType::HistogramOneDay)
        .await
        .expect("health")
        .data;
    assert!(data.memory.expect("memory").iter().all(|p| *p < 50.0));
}

#[tokio::test]
async fn license_expired_shows_expired_dates() {
    let mock = start(MockAppliance::builder().state(ApplianceState::LicenseExpired)).await;
    let (_client, session) = login(&mock).await;
    let registration = session
        .product_registration()
        .get_full_status()
        .await
        .expect("registration")
        .status;
    let expirations = registration.expirations.expect("expirations");
    assert!(!expirations.is_empty());
    assert!(expirations.iter().all(|e| e.remaining_days == Some(0)));
}

#[test]
fn states_parse_from_their_names() {
    assert_eq!(
        "license-expired".parse::<ApplianceState>(),
        Ok(ApplianceState::LicenseExpired)
    );
    assert!("broken".parse::<ApplianceState>().is_err());
}
