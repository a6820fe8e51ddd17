//! The Control collectors a module chooses from, beside the status reads: each adds its
//! commands to the probe's batch and turns its replies into metrics.

use std::sync::LazyLock;

use crate::admin::{
    Admin, AntivirusUpdatePhases, HaHealth, HaStatus, InterfaceStatusType, InterfaceType,
    IntrusionPreventionUpdatePhases, SearchQuery, WarningType, active_hosts, antivirus,
    central_management, high_availability, interfaces, intrusion_prevention, product_info,
    vpn_clients,
};
use crate::{Batch, BatchResults, Error};

use super::super::metrics::{Families, MetricDef, MetricKind};
use super::status::span_seconds;

/// Turns the batch's replies into metrics; `Err` is the collector's failure.
pub(crate) type Take = Box<dyn FnOnce(&BatchResults, &mut Families) -> Result<(), Error> + Send>;

/// One collector: its name and how it adds its commands to a batch.
pub(crate) struct Collector {
    pub(crate) name: &'static str,
    pub(crate) add: fn(&mut Batch<Admin>) -> Result<Take, Error>,
}

/// The collectors, in the order their metrics are written.
pub(crate) const COLLECTORS: [Collector; 9] = [
    Collector {
        name: "uptime",
        add: uptime,
    },
    Collector {
        name: "warnings",
        add: warnings,
    },
    Collector {
        name: "interfaces",
        add: interface_list,
    },
    Collector {
        name: "active_hosts",
        add: hosts,
    },
    Collector {
        name: "vpn_clients",
        add: vpn_client_count,
    },
    Collector {
        name: "high_availability",
        add: high_availability_state,
    },
    Collector {
        name: "antivirus",
        add: antivirus_update,
    },
    Collector {
        name: "intrusion_prevention",
        add: intrusion_prevention_update,
    },
    Collector {
        name: "mykerio",
        add: mykerio,
    },
];

/// Interfaces reported at most: far above real appliances, a bound against a hostile
/// reply.
const MAX_INTERFACES: usize = 256;

/// Every interface (the web administration lists them with `limit: -1`).
static ALL: LazyLock<SearchQuery> = LazyLock::new(|| SearchQuery::new().page(0, -1));
/// One item: only the total count is read.
static COUNT_ONLY: LazyLock<SearchQuery> = LazyLock::new(|| SearchQuery::new().page(0, 1));

pub(crate) const UPTIME: MetricDef = MetricDef {
    name: "kerio_uptime_seconds",
    help: "How long the firewall engine has been running (ProductInfo.getUptime uptime; \
           seconds as the spec documents it, no recorded exchange confirms the unit).",
    kind: MetricKind::Gauge,
};
pub(crate) const WARNINGS: MetricDef = MetricDef {
    name: "kerio_warnings",
    help: "Product warnings shown to the administrator (ProductInfo.getWarnings \
           warnings, counted).",
    kind: MetricKind::Gauge,
};
pub(crate) const WARNING: MetricDef = MetricDef {
    name: "kerio_warning",
    help: "1 for each kind of product warning present, label type = the wire value \
           (ProductInfo.getWarnings warnings[].type).",
    kind: MetricKind::Gauge,
};
pub(crate) const INTERFACE_LINK: MetricDef = MetricDef {
    name: "kerio_interface_link_status",
    help: "State of each interface's link, label status = the wire value \
           (Interfaces.get list[].linkStatus; labels interface, type and group from \
           list[].name, type and group).",
    kind: MetricKind::StateSet,
};
pub(crate) const INTERFACE_ENABLED: MetricDef = MetricDef {
    name: "kerio_interface_enabled",
    help: "1 when the interface is in use (Interfaces.get list[].enabled).",
    kind: MetricKind::Gauge,
};
pub(crate) const VPN_TUNNELS: MetricDef = MetricDef {
    name: "kerio_vpn_tunnels",
    help: "VPN tunnels to other sites that are enabled (Interfaces.get list[] of type \
           VpnTunnel with enabled true).",
    kind: MetricKind::Gauge,
};
pub(crate) const VPN_TUNNELS_UP: MetricDef = MetricDef {
    name: "kerio_vpn_tunnels_up",
    help: "VPN tunnels whose link is up (Interfaces.get list[] of type VpnTunnel with \
           linkStatus Up).",
    kind: MetricKind::Gauge,
};
pub(crate) const ACTIVE_HOSTS: MetricDef = MetricDef {
    name: "kerio_active_hosts",
    help: "Hosts active on the local networks (ActiveHosts.get totalItems, with a fresh \
           snapshot as the dashboard asks for).",
    kind: MetricKind::Gauge,
};
pub(crate) const VPN_CLIENTS: MetricDef = MetricDef {
    name: "kerio_vpn_clients",
    help: "VPN clients connected (VpnClients.get totalItems).",
    kind: MetricKind::Gauge,
};
pub(crate) const HA_STATUS: MetricDef = MetricDef {
    name: "kerio_high_availability_status",
    help: "State of the high-availability pair, label status = the wire value \
           (HighAvailability.getStatus status.status); absent where the firmware has no \
           high availability.",
    kind: MetricKind::StateSet,
};
pub(crate) const HA_HEALTH: MetricDef = MetricDef {
    name: "kerio_high_availability_health",
    help: "Health of the high-availability pair, label health = the wire value \
           (HighAvailability.getStatus status.health).",
    kind: MetricKind::StateSet,
};
pub(crate) const AV_PHASE: MetricDef = MetricDef {
    name: "kerio_antivirus_update_phase",
    help: "Phase of the antivirus update, label phase = the wire value \
           (Antivirus.getUpdateStatus status.phase).",
    kind: MetricKind::StateSet,
};
pub(crate) const AV_DATABASE_AGE: MetricDef = MetricDef {
    name: "kerio_antivirus_database_age_seconds",
    help: "Age of the installed virus database, to the minute (Antivirus.getUpdateStatus \
           status.databaseAge; absent when isValid is false).",
    kind: MetricKind::Gauge,
};
pub(crate) const AV_CHECK_AGE: MetricDef = MetricDef {
    name: "kerio_antivirus_update_check_age_seconds",
    help: "Time since the last antivirus update check, to the minute \
           (Antivirus.getUpdateStatus status.lastUpdateCheck).",
    kind: MetricKind::Gauge,
};
pub(crate) const IPS_PHASE: MetricDef = MetricDef {
    name: "kerio_intrusion_prevention_update_phase",
    help: "Phase of the intrusion prevention signature update, label phase = the wire \
           value (IntrusionPrevention.getUpdateStatus status.phase).",
    kind: MetricKind::StateSet,
};
pub(crate) const IPS_CHECK_AGE: MetricDef = MetricDef {
    name: "kerio_intrusion_prevention_update_check_age_seconds",
    help: "Time since the last signature update check, to the minute \
           (IntrusionPrevention.getUpdateStatus status.lastUpdateCheck).",
    kind: MetricKind::Gauge,
};
pub(crate) const MYKERIO_CONNECTED: MetricDef = MetricDef {
    name: "kerio_mykerio_connected",
    help: "1 when the appliance is connected to MyKerio, the central management service \
           (CentralManagement.getStatus status.connected).",
    kind: MetricKind::Gauge,
};
pub(crate) const MYKERIO_PAIRED: MetricDef = MetricDef {
    name: "kerio_mykerio_paired",
    help: "1 when the appliance is paired with a MyKerio account \
           (CentralManagement.getStatus status.paired).",
    kind: MetricKind::Gauge,
};

/// Every metric of these collectors.
pub(crate) const METRICS: [&MetricDef; 18] = [
    &UPTIME,
    &WARNINGS,
    &WARNING,
    &INTERFACE_LINK,
    &INTERFACE_ENABLED,
    &VPN_TUNNELS,
    &VPN_TUNNELS_UP,
    &ACTIVE_HOSTS,
    &VPN_CLIENTS,
    &HA_STATUS,
    &HA_HEALTH,
    &AV_PHASE,
    &AV_DATABASE_AGE,
    &AV_CHECK_AGE,
    &IPS_PHASE,
    &IPS_CHECK_AGE,
    &MYKERIO_CONNECTED,
    &MYKERIO_PAIRED,
];

fn uptime(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    let handle = batch.add(&product_info::GetUptime::new())?;
    Ok(Box::new(move |results, out| {
        let reply = results.get(handle)?;
        out.gauge(&UPTIME, reply.uptime as f64);
        Ok(())
    }))
}

fn warnings(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    let handle = batch.add(&product_info::GetWarnings::new())?;
    Ok(Box::new(move |results, out| {
        let reply = results.get(handle)?;
        out.gauge(&WARNINGS, reply.warnings.len() as f64);
        for warning in &reply.warnings {
            let kind = warning
                .r#type
                .as_ref()
                .map_or("unknown", WarningType::as_str);
            out.gauge_with(&WARNING, vec![("type", kind.to_owned())], 1.0);
        }
        Ok(())
    }))
}

fn interface_list(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    let handle = batch.add(&interfaces::Get::new(&ALL, false))?;
    Ok(Box::new(move |results, out| {
        let reply = results.get(handle)?;
        let known = [
            InterfaceStatusType::Up,
            InterfaceStatusType::Down,
            InterfaceStatusType::Connecting,
            InterfaceStatusType::Disconnecting,
            InterfaceStatusType::CableDisconnected,
            InterfaceStatusType::Error,
            InterfaceStatusType::Backup,
        ];
        let names: Vec<&str> = known.iter().map(InterfaceStatusType::as_str).collect();
        let (mut tunnels, mut tunnels_up) = (0u32, 0u32);
        for interface in reply.list.iter().take(MAX_INTERFACES) {
            let labels = vec![
                ("interface", interface.name.clone().unwrap_or_default()),
                (
                    "type",
                    interface
                        .r#type
                        .as_ref()
                        .map_or("", |t| t.as_str())
                        .to_owned(),
                ),
                (
                    "group",
                    interface
                        .group
                        .as_ref()
                        .map_or("", |g| g.as_str())
                        .to_owned(),
                ),
            ];
            if let Some(link) = &interface.link_status {
                out.state_set(&INTERFACE_LINK, &labels, "status", &names, link.as_str());
            }
            if let Some(enabled) = interface.enabled {
                out.gauge_with(&INTERFACE_ENABLED, labels, if enabled { 1.0 } else { 0.0 });
            }
            if interface.r#type == Some(InterfaceType::VpnTunnel) {
                if interface.enabled != Some(false) {
                    tunnels += 1;
                }
                if interface.link_status == Some(InterfaceStatusType::Up) {
                    tunnels_up += 1;
                }
            }
        }
        out.gauge(&VPN_TUNNELS, f64::from(tunnels));
        out.gauge(&VPN_TUNNELS_UP, f64::from(tunnels_up));
        Ok(())
    }))
}

fn hosts(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    let handle = batch.add(&active_hosts::Get::new(&COUNT_ONLY, true))?;
    Ok(Box::new(move |results, out| {
        out.gauge(&ACTIVE_HOSTS, results.get(handle)?.total_items as f64);
        Ok(())
    }))
}

fn vpn_client_count(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    let handle = batch.add(&vpn_clients::Get::new(&COUNT_ONLY, true))?;
    Ok(Box::new(move |results, out| {
        out.gauge(&VPN_CLIENTS, results.get(handle)?.total_items as f64);
        Ok(())
    }))
}

fn high_availability_state(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    // The params the web administration sends.
    let params = high_availability::GetStatus::new()
        .sort_by_group(true)
        .query(&ALL);
    let handle = batch.add(&params)?;
    Ok(Box::new(move |results, out| {
        let status = results.get(handle)?.status;
        if let Some(state) = &status.status {
            let known = [
                HaStatus::HaDisabled,
                HaStatus::HaEnabledGreen,
                HaStatus::HaEnabledYellow,
            ];
            let names: Vec<&str> = known.iter().map(HaStatus::as_str).collect();
            out.state_set(&HA_STATUS, &[], "status", &names, state.as_str());
        }
        if let Some(health) = &status.health {
            let known = [
                HaHealth::HaHealthDisabled,
                HaHealth::HaHealthOk,
                HaHealth::HaHealthHasProblem,
                HaHealth::HaHealthPeerDown,
                HaHealth::HaHealthMasterDown,
            ];
            let names: Vec<&str> = known.iter().map(HaHealth::as_str).collect();
            out.state_set(&HA_HEALTH, &[], "health", &names, health.as_str());
        }
        Ok(())
    }))
}

fn antivirus_update(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    let handle = batch.add(&antivirus::GetUpdateStatus::new())?;
    Ok(Box::new(move |results, out| {
        let status = results.get(handle)?.status;
        if let Some(phase) = &status.phase {
            let known = [
                AntivirusUpdatePhases::AntivirusUpdateStarted,
                AntivirusUpdatePhases::AntivirusUpdateChecking,
                AntivirusUpdatePhases::AntivirusUpdateDownload,
                AntivirusUpdatePhases::AntivirusUpdateDownloadEngine,
                AntivirusUpdatePhases::AntivirusUpdateOk,
                AntivirusUpdatePhases::AntivirusUpdateFailed,
            ];
            let names: Vec<&str> = known.iter().map(AntivirusUpdatePhases::as_str).collect();
            out.state_set(&AV_PHASE, &[], "phase", &names, phase.as_str());
        }
        if let Some(age) = status.database_age.as_ref().and_then(span_seconds) {
            out.gauge(&AV_DATABASE_AGE, age);
        }
        if let Some(age) = status.last_update_check.as_ref().and_then(span_seconds) {
            out.gauge(&AV_CHECK_AGE, age);
        }
        Ok(())
    }))
}

fn intrusion_prevention_update(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    let handle = batch.add(&intrusion_prevention::GetUpdateStatus::new())?;
    Ok(Box::new(move |results, out| {
        let status = results.get(handle)?.status;
        if let Some(phase) = &status.phase {
            let known = [
                IntrusionPreventionUpdatePhases::IntrusionPreventionUpdateOk,
                IntrusionPreventionUpdatePhases::IntrusionPreventionUpdateError,
                IntrusionPreventionUpdatePhases::IntrusionPreventionUpdateProgress,
            ];
            let names: Vec<&str> = known
                .iter()
                .map(IntrusionPreventionUpdatePhases::as_str)
                .collect();
            out.state_set(&IPS_PHASE, &[], "phase", &names, phase.as_str());
        }
        if let Some(age) = status.last_update_check.as_ref().and_then(span_seconds) {
            out.gauge(&IPS_CHECK_AGE, age);
        }
        Ok(())
    }))
}

fn mykerio(batch: &mut Batch<Admin>) -> Result<Take, Error> {
    let handle = batch.add(&central_management::GetStatus::new())?;
    Ok(Box::new(move |results, out| {
        let status = results.get(handle)?.status;
        if let Some(connected) = status.connected {
            out.flag(&MYKERIO_CONNECTED, connected);
        }
        if let Some(paired) = status.paired {
            out.flag(&MYKERIO_PAIRED, paired);
        }
        Ok(())
    }))
}
