//! The appliance the mock plays: a small office firewall, registered, with a 64 GiB
//! data disk, a handful of active hosts, an Internet link, a LAN and a VPN tunnel to a
//! branch, up for twelve days, its antivirus and intrusion prevention up to date,
//! connected to MyKerio, without high availability.
//!
//! Every value is made up and obviously fictitious (`example.com` names, addresses of
//! the documentation ranges 192.0.2.0/24 and 2001:db8::/32, MAC addresses of the
//! documentation range 00:00:5e:00:53:xx, registration ID `MOCK-…`); only their shapes
//! and units follow the spec (sizes in bytes, percentages from 0 to 100, enum values of
//! the spec). What nothing says (the unit of a host's traffic figures) is chosen to look
//! ordinary, not claimed. [`ApplianceState`](super::ApplianceState) then changes the
//! figures its state is about.

use serde_json::{Value, json};

use super::{DAY, GIB, merge, merge_into, now};

/// Puts the profile into the result of `method` (a whole result, not a listing).
pub(crate) fn patch(method: &str, result: &mut Value) {
    match method {
        "ProductInfo.get" => merge(
            result,
            "productInfo",
            super::super::webadmin::product_info(),
        ),
        "ProductRegistration.getFullStatus" => {
            let status = json!({"regType": "rsProductRegistered", "Id": "MOCK-0000-0000-0001",
                "company": "Example Ltd.", "users": 25});
            merge(result, "status", status);
        }
        "SystemHealth.get" | "SystemHealth.getInc" => {
            let cpu: Vec<Value> = (0..24)
                .map(|i| json!(6.0 + f64::from((i * 7) % 9)))
                .collect();
            let data = json!({"cpu": cpu, "diskTotal": 64.0 * GIB, "diskFree": 41.5 * GIB,
                "actualDiskTotal": 64.0 * GIB, "actualDiskFree": 41.5 * GIB,
                "showActual": false});
            merge(result, "data", data);
        }
        "ProductInfo.getUptime" => {
            if let Some(o) = result.as_object_mut() {
                o.insert("uptime".into(), json!(12 * DAY + 3 * 3600 + 17 * 60));
            }
        }
        "ProductInfo.getWarnings" => {
            if let Some(o) = result.as_object_mut() {
                o.insert("warnings".into(), json!([]));
            }
        }
        "Antivirus.getUpdateStatus" => {
            let status = json!({"phase": "AntivirusUpdateOk", "percentage": 100,
                "databaseAge": {"isValid": true, "days": 0, "hours": 5, "minutes": 12},
                "lastUpdateCheck": {"isValid": true, "days": 0, "hours": 0, "minutes": 42}});
            merge(result, "status", status);
        }
        "IntrusionPrevention.getUpdateStatus" => {
            let status = json!({"phase": "IntrusionPreventionUpdateOk", "errorMessage": "",
                "lastUpdateCheck": {"isValid": true, "days": 0, "hours": 1, "minutes": 5}});
            merge(result, "status", status);
        }
        "CentralManagement.getStatus" => {
            let status = json!({"connected": true, "paired": true,
                "url": {"enabled": true, "value": "https://manage.example.com/"}});
            merge(result, "status", status);
        }
        "HighAvailability.getStatus" => {
            let status = json!({"status": "HADisabled", "health": "HAHealthDisabled",
                "daemonText": "", "statusText": "", "statusDetail": ""});
            merge(result, "status", status);
        }
        "UpdateChecker.getStatus" => {
            let checked = now() - 2 * 3600;
            let status = json!({"lastCheckTime": checked,
                "lastUpdateCheck": {"isValid": true, "days": 0, "hours": 2, "minutes": 0},
                "downloadUrl": "", "infoUrl": "", "updateErrorDescr": "",
                "autoUpdatePlanned": false, "autoUpdateDateTime": ""});
            merge(result, "status", status);
        }
        _ => super::super::webadmin::patch(method, result),
    }
}

/// Puts the profile into the first list of a listing interface (the result of its
/// `get`, before any change): the active hosts, the interfaces, and the local user
/// database.
pub(crate) fn seed(get: &str, result: &mut Value) {
    let items: Vec<Value> = match get {
        "ActiveHosts.get" => HOSTS
            .iter()
            .enumerate()
            .map(|(i, host)| host.json(i + 1))
            .collect(),
        "Interfaces.get" => INTERFACES.iter().map(|i| i.json()).collect(),
        _ => return super::super::webadmin::seed(get, result),
    };
    let Some(list) = result.get_mut("list").and_then(Value::as_array_mut) else {
        return;
    };
    let template = list.first().cloned().unwrap_or_else(|| json!({}));
    let count = items.len();
    *list = items
        .into_iter()
        .map(|new| {
            let mut item = template.clone();
            merge_into(&mut item, new);
            item
        })
        .collect();
    if let Some(o) = result.as_object_mut() {
        o.insert("totalItems".into(), json!(count));
    }
}

/// One interface of the profile.
struct Interface {
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    group: &'static str,
    ip: &'static str,
}

const INTERFACES: [Interface; 4] = [
    Interface {
        id: "1",
        name: "Internet",
        kind: "Ethernet",
        group: "Internet",
        ip: "198.51.100.10",
    },
    Interface {
        id: "2",
        name: "LAN",
        kind: "Ethernet",
        group: "Trusted",
        ip: "192.0.2.1",
    },
    Interface {
        id: "3",
        name: "VPN Server",
        kind: "VpnServer",
        group: "Vpn",
        ip: "192.0.2.129",
    },
    Interface {
        id: "4",
        name: "Branch tunnel",
        kind: "VpnTunnel",
        group: "Vpn",
        ip: "",
    },
];

impl Interface {
    fn json(&self) -> Value {
        json!({"id": self.id, "name": self.name, "type": self.kind, "group": self.group,
               "enabled": true, "linkStatus": "Up", "ip": self.ip,
               "status": "StoreStatusClean"})
    }
}

/// One active host of the profile.
struct Host {
    hostname: &'static str,
    user: &'static str,
    kind: &'static str,
    auth: &'static str,
    connections: u32,
    /// Current download and upload rate.
    current: (f64, f64),
    /// Download and upload since the host appeared.
    total: (f64, f64),
}

const HOSTS: [Host; 6] = [
    Host {
        hostname: "reception-pc.example.com",
        user: "reception",
        kind: "ActiveHostHost",
        auth: "AuthMethodAutomatic",
        connections: 14,
        current: (12.5, 2.25),
        total: (48_210.0, 6_940.0),
    },
    Host {
        hostname: "laptop-alice.example.com",
        user: "alice",
        kind: "ActiveHostHost",
        auth: "AuthMethodWeb",
        connections: 63,
        current: (845.0, 96.5),
        total: (1_250_400.0, 188_020.0),
    },
    Host {
        hostname: "laptop-bob.example.com",
        user: "bob",
        kind: "ActiveHostHost",
        auth: "AuthMethodWeb",
        connections: 27,
        current: (140.75, 18.0),
        total: (402_115.0, 51_300.0),
    },
    Host {
        hostname: "accounts-pc.example.com",
        user: "carol",
        kind: "ActiveHostHost",
        auth: "AuthMethodAutomatic",
        connections: 9,
        current: (3.5, 0.75),
        total: (96_870.0, 12_455.0),
    },
    Host {
        hostname: "phone-dave.example.com",
        user: "dave",
        kind: "ActiveHostGuest",
        auth: "AuthMethodWeb",
        connections: 5,
        current: (22.0, 4.5),
        total: (31_060.0, 3_980.0),
    },
    Host {
        hostname: "home-erin.example.com",
        user: "erin",
        kind: "ActiveHostVpnClient",
        auth: "AuthMethodVpnClient",
        connections: 18,
        current: (310.25, 55.0),
        total: (720_640.0, 90_210.0),
    },
];

impl Host {
    /// The host's members; `n` numbers its id and addresses.
    fn json(&self, n: usize) -> Value {
        json!({
            "id": n.to_string(),
            "type": self.kind,
            "ip": format!("192.0.2.{}", 20 + n),
            "ip6Addresses": [format!("2001:db8::{:x}", 0x20 + n)],
            "hostname": self.hostname,
            "macAddress": format!("00:00:5e:00:53:{:02x}", 0x20 + n),
            "ipAddressFromDHCP": self.kind != "ActiveHostVpnClient",
            "user": {"id": format!("user-{n}"), "name": self.user, "isGroup": false,
                     "domainName": ""},
            "authMethod": self.auth,
            "connections": self.connections,
            "currentDownload": self.current.0,
            "currentUpload": self.current.1,
            "totalDownload": self.total.0,
            "totalUpload": self.total.1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disk_is_mostly_free_and_the_product_registered() {
        let mut health = json!({"data": {"diskTotal": 2.0, "diskFree": 2.0}});
        patch("SystemHealth.get", &mut health);
        let total = health["data"]["diskTotal"].as_f64().unwrap_or_default();
        let free = health["data"]["diskFree"].as_f64().unwrap_or_default();
        assert!(total > 10.0 * GIB && free < total && free > total / 2.0);
        let mut status = json!({"status": {"regType": "rsNoRegistration"}});
        patch("ProductRegistration.getFullStatus", &mut status);
        assert_eq!(status["status"]["regType"], "rsProductRegistered");
    }

    #[test]
    fn the_hosts_keep_the_spec_shape_of_the_seed() {
        let mut listed = json!({"list": [{"id": "1", "startTime": {"date": {}}}], "totalItems": 1});
        seed("ActiveHosts.get", &mut listed);
        let list = listed["list"].as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), HOSTS.len());
        assert_eq!(listed["totalItems"], HOSTS.len());
        assert!(list.iter().all(|h| h.get("startTime").is_some()));
        assert!(list.iter().all(|h| {
            h["hostname"]
                .as_str()
                .is_some_and(|n| n.ends_with(".example.com"))
                && h["ip"]
                    .as_str()
                    .is_some_and(|ip| ip.starts_with("192.0.2."))
        }));
        let mut other = json!({"list": [{"id": "1"}]});
        seed("Users.get", &mut other);
        assert_eq!(other, json!({"list": [{"id": "1"}]}));
    }
}
