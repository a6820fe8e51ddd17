//! What the vendor's web administration needs of the Kerio Control appliance the mock
//! plays, to start and to draw its screens: the server's named constants, naming rules
//! that fit them, the administrator's own settings and the local user database.
//!
//! The shapes come from the web administration's code (see the `Source` lines of the
//! spec's `NamedConstants`); the values are the mock's, chosen in the formats the client
//! parses and consistent with the rest of the profile: the product information is that
//! of `ProductInfo.get`, the naming rules are listed under the names the constants give
//! them, and nothing asks for action (no pending activation, no auditor, no cloud
//! message).

use serde_json::{Value, json};

/// The id of the local user database (`k_USER_DOMAINS.k_LOCAL_USER_DATABASE`), which the
/// web administration also sends as a literal (activeHostsList.js:1266).
pub(crate) const LOCAL_DOMAIN: &str = "local";

/// Entity names and rule names of the naming rules, as `k_VALIDATOR` names them, with
/// the rules: (constant, entity name), then (constant, rule name, kind, values).
const ENTITIES: [(&str, &str); 5] = [
    ("k_ENTITY_SERVICE", "IpService"),
    ("k_ENTITY_USER", "User"),
    ("k_ENTITY_INTERFACE", "Interface"),
    ("k_ENTITY_TIME_RANGE", "TimeRange"),
    ("k_ENTITY_SYSTEM_CONFIG", "SystemConfig"),
];

/// The rules each entity has: (entity constant, rule constant, rule name, kind, values).
/// Regular expressions are sent between delimiters, which the client strips.
const RULES: [(&str, &str, &str, &str, &str); 12] = [
    (
        "k_ENTITY_SERVICE",
        "k_NAME",
        "name",
        "Regex",
        r"/^[^\\/:*?<>|]+$/",
    ),
    (
        "k_ENTITY_SERVICE",
        "k_DESCRIPTION",
        "description",
        "ByteLength",
        "255",
    ),
    (
        "k_ENTITY_SERVICE",
        "k_PORT_LIST",
        "portList",
        "Regex",
        r"/^\d{1,5}(,\d{1,5})*$/",
    ),
    (
        "k_ENTITY_SERVICE",
        "k_PORT_LIST_WITH_RANGE",
        "portListWithRange",
        "Regex",
        r"/^\d{1,5}(-\d{1,5})?(,\d{1,5}(-\d{1,5})?)*$/",
    ),
    (
        "k_ENTITY_SERVICE",
        "k_PROTOCOL",
        "protocol",
        "Regex",
        r"/^\d{1,5}$/",
    ),
    (
        "k_ENTITY_USER",
        "k_USER_NAME",
        "userName",
        "Regex",
        r"/^[^\\/:*?<>|@\s]+$/",
    ),
    (
        "k_ENTITY_USER",
        "k_USER_NAME_DOMAIN",
        "userNameDomain",
        "Regex",
        r"/^[^\\/:*?<>|\s]+(@[A-Za-z0-9.-]+)?$/",
    ),
    (
        "k_ENTITY_USER",
        "k_EMAIL",
        "email",
        "Regex",
        r"/^[^@\s]+@[^@\s]+$/",
    ),
    (
        "k_ENTITY_INTERFACE",
        "k_FINGERPRINT",
        "fingerprint",
        "Regex",
        r"/^([0-9A-Fa-f]{2}:){15,31}[0-9A-Fa-f]{2}$/",
    ),
    (
        "k_ENTITY_INTERFACE",
        "k_UUID_FORMAT",
        "uuid",
        "Regex",
        r"/^[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/",
    ),
    (
        "k_ENTITY_TIME_RANGE",
        "k_DATE",
        "date",
        "Regex",
        r"/^\d{4}-\d{2}-\d{2}$/",
    ),
    (
        "k_ENTITY_SYSTEM_CONFIG",
        "k_TIME_WITH_SECONDS",
        "timeWithSeconds",
        "Regex",
        r"/^\d{1,2}:\d{2}:\d{2}$/",
    ),
];

/// Puts what the web administration reads into the result of `method`.
pub(crate) fn patch(method: &str, result: &mut Value) {
    let Some(o) = result.as_object_mut() else {
        return;
    };
    match method {
        "Server.getNamedConstantList" => {
            o.insert("constants".into(), constants());
        }
        "Server.getRestrictionList" => {
            o.insert("restrictions".into(), restrictions());
        }
        "Users.getMySettings" => {
            o.insert("settings".into(), my_settings());
        }
        _ => {}
    }
}

/// The first list of `Domains.get`: the local user database, the one domain of an
/// appliance joined to no directory, unchanged since the last apply.
pub(crate) fn seed(get: &str, result: &mut Value) {
    if get != "Domains.get" {
        return;
    }
    let Some(list) = result.get_mut("list").and_then(Value::as_array_mut) else {
        return;
    };
    let mut local = list.first().cloned().unwrap_or_else(|| json!({}));
    let fields = json!({
        "id": LOCAL_DOMAIN, "status": "StoreStatusClean", "description": "",
        "primary": false, "authenticationOnly": false, "ntAuthMode": false,
        "adAutoImport": false,
        "service": {"enabled": false, "type": "WindowsActiveDirectory", "domainName": "",
                    "userName": "", "password": "", "useSpecificServers": false,
                    "primaryServer": "", "secondaryServer": ""},
    });
    if let (Some(item), Value::Object(fields)) = (local.as_object_mut(), fields) {
        item.extend(fields);
    }
    *list = vec![local];
    if let Some(o) = result.as_object_mut() {
        o.insert("totalItems".into(), json!(1));
    }
}

/// The product information of the profile, as `ProductInfo.get` gives it.
pub(crate) fn product_info() -> Value {
    json!({"versionString": super::CURRENT_VERSION, "osDescription": "Linux",
        "finalVersion": true, "boxEdition": "", "boxName": "", "wifiAvailable": false,
        "ip6Available": true, "licenseSet": true, "passwordSet": true,
        "clientStatisticsSet": true, "centralManagementSet": true})
}

/// The named constants: every group the web administration reads (see the spec's
/// `NamedConstants`), with the values of the profile.
fn constants() -> Value {
    let validator: serde_json::Map<String, Value> = ENTITIES
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .chain(
            RULES
                .iter()
                .map(|(_, k, name, _, _)| ((*k).to_owned(), json!(name))),
        )
        .collect();
    json!({
        "k_SERVER": {
            "k_PRODUCT_INFO": product_info(),
            "k_SERVER_OS": "Linux", "k_OS_LINUX": "Linux", "k_OS_WINDOWS": "Windows",
            "k_HOST_NAME": "gateway.example.com", "k_CONNECTED_INTERFACE": "",
            "k_USE_SOPHOS": false,
        },
        "k_USER": {"k_isAuditor": false},
        "k_USER_DOMAINS": {"k_LOCAL_USER_DATABASE": LOCAL_DOMAIN},
        "k_LANGUAGES": {
            "k_LIST": ["detect", "en", "cs", "de", "es", "fr", "hr", "hu", "it", "ja",
                       "nl", "pl", "pt", "ru", "sk", "sv", "zh"],
            "k_DATA": [{"k_value": "detect", "k_name": "Detect automatically"}],
        },
        "k_VALIDATOR": validator,
        "k_PROTOCOL_ID": {"k_TCP": 6, "k_UDP": 17, "k_ICMP": 1, "k_TCP_UDP": 129,
                          "k_OTHER": 128, "k_ALL": 0, "k_NONE": -1},
        "k_INTERFACE_RAS_MTU_MAX": {"k_PPPoE": 1492, "k_PPTP": 1400, "k_L2TP": 1400},
        "k_WIFI_CONFIG": {"k_MAX_SSID_COUNT": 4},
        "k_DASHBOARD_CHARTS": {"k_INTERVAL": "HistogramInterval20s", "k_LENGTH": 7200,
            "k_SAMPLE_LENGTH": 20, "k_SAFE_LENGTH": 60, "k_TICK_UNIT": "k_minute",
            "k_TICK_STEP": 30, "k_MAX_TRAFFIC_CHARTS": 10},
        "k_INTERFACE_VPN_TUNNEL_CIPHERS": {
            "k_DEFAULT_CIPHER_IKE": "aes256-sha256-modp2048,aes128-sha1-modp1024",
            "k_DEFAULT_CIPHER_ESP": "aes256-sha256-modp2048,aes128-sha1",
        },
        "k_NOTIFICATION_CERTIFICATE_TYPES": {"k_WEB_INTERFACE": "WebInterface",
            "k_VPN_SERVER": "VpnServer", "k_VPN_TUNNEL": "VpnTunnel",
            "k_REVERSE_PROXY": "ReverseProxy", "k_RADIUS": "Radius"},
        "k_ALERT_MESSAGES_ACTIONS": {},
        "k_MYKERIO_DISABLED": false,
        "k_APPMANAGER_URL": "https://manager.example.com/",
        "k_CLOUD_MESSAGES": "{}",
        "k_CONTENT_FILTER_EMAIL_INTERVAL": 86_400,
        "k_LICENSE_USERS_UNLIMITED": -2,
        "k_UPDATE_TIME_NEVER": -1,
    })
}

/// The naming rules, one entry per entity with the rules of `RULES`.
fn restrictions() -> Value {
    let list: Vec<Value> = ENTITIES
        .iter()
        .map(|(constant, entity)| {
            let tuples: Vec<Value> = RULES
                .iter()
                .filter(|(e, ..)| e == constant)
                .map(|(_, _, name, kind, value)| {
                    json!({"name": name, "kind": kind, "values": [value]})
                })
                .collect();
            json!({"entityName": entity, "tuples": tuples})
        })
        .collect();
    Value::Array(list)
}

/// The logged-in administrator: full access, English.
fn my_settings() -> Value {
    json!({"calculatedLanguage": "en", "language": "en", "detectedLanguage": "en",
        "roles": ["FullAdmin"],
        "user": {"id": "admin-user", "name": super::DEFAULT_USER, "isGroup": false,
                 "domainName": ""},
        "fullName": "Administrator", "email": "admin@example.com"})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule a validator of the web administration looks up is listed, under the
    /// names the constants give.
    #[test]
    fn the_naming_rules_fit_the_validator_constants() {
        let constants = constants();
        let validator = &constants["k_VALIDATOR"];
        let listed = restrictions();
        for (entity, rule, ..) in RULES {
            let entity_name = validator[entity].as_str().unwrap_or_default();
            let rule_name = validator[rule].as_str().unwrap_or_default();
            let found = listed.as_array().into_iter().flatten().any(|r| {
                r["entityName"] == entity_name
                    && r["tuples"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|t| t["name"] == rule_name)
            });
            assert!(found, "{entity} {rule}");
        }
        // Regular expressions go between delimiters.
        let all = listed.to_string();
        assert!(
            all.contains(r#""values":["/^\\d{4}-\\d{2}-\\d{2}$/"]"#),
            "{all}"
        );
    }

    #[test]
    fn nothing_sends_the_client_to_activation() {
        let info = &constants()["k_SERVER"]["k_PRODUCT_INFO"];
        for key in [
            "licenseSet",
            "passwordSet",
            "clientStatisticsSet",
            "centralManagementSet",
        ] {
            assert_eq!(info[key], true, "{key}");
        }
        assert_eq!(constants()["k_USER"]["k_isAuditor"], false);
        assert_eq!(my_settings()["roles"], json!(["FullAdmin"]));
    }
}
