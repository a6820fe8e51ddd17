//! The appliance states and the replies they change.

use kerio_api::Session;
use kerio_api::admin::{
    Admin, ExpireInfo, HistogramType, RegistrationFullStatus, RegistrationType, SearchQuery,
    SystemHealthData, UpdateCheckerInfo,
};
use kerio_api::mock::{ApplianceState, CURRENT_VERSION, MockAppliance, OLDER_VERSION};

use crate::{login, start};

/// The mock in `state`, logged in.
async fn appliance(state: ApplianceState) -> (MockAppliance, Session<Admin>) {
    let mock = start(MockAppliance::builder().state(state)).await;
    let (_client, session) = login(&mock).await;
    (mock, session)
}

async fn version(session: &Session<Admin>) -> Option<String> {
    session
        .product_info()
        .get()
        .await
        .expect("product info")
        .product_info
        .version_string
}

async fn update(session: &Session<Admin>) -> UpdateCheckerInfo {
    session
        .update_checker()
        .get_status()
        .await
        .expect("update status")
        .status
}

async fn registration(session: &Session<Admin>) -> RegistrationFullStatus {
    session
        .product_registration()
        .get_full_status()
        .await
        .expect("registration")
        .status
}

async fn health(session: &Session<Admin>) -> SystemHealthData {
    session
        .system_health()
        .get(&HistogramType::HistogramOneDay)
        .await
        .expect("health")
        .data
}

fn expirations(status: RegistrationFullStatus) -> Vec<ExpireInfo> {
    let expirations = status.expirations.expect("expirations");
    assert!(!expirations.is_empty());
    expirations
}

#[tokio::test]
async fn a_healthy_appliance_reports_no_update_and_valid_licences() {
    let (_mock, session) = appliance(ApplianceState::Healthy).await;
    assert_eq!(version(&session).await.as_deref(), Some(CURRENT_VERSION));
    assert_eq!(update(&session).await.new_version, Some(false));
    let registration = registration(&session).await;
    assert_eq!(
        registration.reg_type,
        Some(RegistrationType::RsProductRegistered)
    );
    assert!(
        expirations(registration)
            .iter()
            .all(|e| e.remaining_days.unwrap_or(0) > 0)
    );
}

/// The healthy appliance looks like a small real one: a disk of tens of GiB mostly free,
/// a moderate CPU load, and a few hosts with fictitious names and addresses.
#[tokio::test]
async fn a_healthy_appliance_has_plausible_figures_and_hosts() {
    let (_mock, session) = appliance(ApplianceState::Healthy).await;
    let data = health(&session).await;
    let gib = 1024.0 * 1024.0 * 1024.0;
    let (total, free) = (
        data.disk_total.expect("disk"),
        data.disk_free.expect("free"),
    );
    assert!(total >= 16.0 * gib && free > total / 2.0 && free < total);
    let cpu = data.cpu.expect("cpu");
    assert!(!cpu.is_empty() && cpu.iter().all(|p| (1.0..50.0).contains(p)));
    let hosts = session
        .active_hosts()
        .get(&SearchQuery::default(), false)
        .await
        .expect("hosts");
    assert!(hosts.list.len() >= 3);
    for host in &hosts.list {
        let name = host.hostname.as_deref().unwrap_or_default();
        assert!(name.ends_with(".example.com"), "{name}");
        assert!(
            host.ip
                .as_deref()
                .is_some_and(|ip| ip.starts_with("192.0.2."))
        );
        let user = host.user.as_ref().and_then(|u| u.name.as_deref());
        assert!(user.is_some_and(|u| !u.contains('-')), "{user:?}");
    }
}

#[tokio::test]
async fn update_available_shows_a_newer_version() {
    let (_mock, session) = appliance(ApplianceState::UpdateAvailable).await;
    assert_eq!(version(&session).await.as_deref(), Some(OLDER_VERSION));
    let status = update(&session).await;
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
    let (mock, session) = appliance(ApplianceState::LowMemory).await;
    let memory = health(&session).await.memory.expect("memory");
    assert!(!memory.is_empty());
    assert!(memory.iter().all(|p| *p > 90.0));
    mock.set_state(ApplianceState::Healthy);
    let memory = health(&session).await.memory.expect("memory");
    assert!(memory.iter().all(|p| *p < 50.0));
}

#[tokio::test]
async fn license_expired_shows_expired_dates() {
    let (_mock, session) = appliance(ApplianceState::LicenseExpired).await;
    let expirations = expirations(registration(&session).await);
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
