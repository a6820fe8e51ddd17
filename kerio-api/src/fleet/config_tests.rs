use super::*;
use crate::fleet::{Credentials, Product};

const PIN: &str = "5f:1c:0e:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd";

fn two_appliances() -> String {
    format!(
        r#"
[settings]
concurrency = 4
timeout_seconds = 7.5
read_mode = "concurrent"

[thresholds]
memory_used_percent = 85
expiry_warning_days = 14

[[appliance]]
name = "Headquarters"
url = "https://hq.example.com:4081"
user = "admin"
password_env = "KERIO_HQ_PASSWORD"
cert_sha256 = "{PIN}"

[[appliance]]
name = "Branch"
url = "https://branch.example.com:4081"
user = "monitor"
password_file = "secrets/branch.password"
ca_file = "/etc/kerio/ca.pem"

[[appliance]]
name = "New site"
url = "https://new.example.com:4081"
"#
    )
}

fn error(text: &str) -> String {
    match FleetConfig::from_toml(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_fleet_file_gives_appliances_and_options() {
    let config = FleetConfig::from_toml(&two_appliances()).expect("valid file");
    assert_eq!(config.options.concurrency, 4);
    assert_eq!(config.options.timeout, Duration::from_millis(7500));
    assert_eq!(config.options.read_mode, ReadMode::Concurrent);
    assert_eq!(config.options.thresholds.memory_used_percent, 85.0);
    assert_eq!(config.options.thresholds.expiry_warning_days, 14);
    assert_eq!(
        config.options.thresholds.disk_free_percent, 10.0,
        "default kept"
    );
    let [hq, branch, new] = &config.appliances[..] else {
        panic!("three appliances: {:?}", config.appliances);
    };
    assert_eq!(hq.name, "Headquarters");
    assert_eq!(hq.trust, Trust::PinSha256(PIN.into()));
    assert!(matches!(
        &hq.credentials,
        Some(Credentials { user, password: PasswordSource::Env(var) })
            if user == "admin" && var == "KERIO_HQ_PASSWORD"
    ));
    assert_eq!(branch.trust, Trust::CaFile("/etc/kerio/ca.pem".into()));
    assert!(matches!(
        &branch.credentials,
        Some(Credentials { password: PasswordSource::File(path), .. })
            if path == Path::new("secrets/branch.password")
    ));
    assert!(new.credentials.is_none(), "no user: listed, not managed");
    assert_eq!(new.trust, Trust::System);
}

#[test]
fn defaults_apply_when_settings_are_left_out() {
    let config = FleetConfig::from_toml(
        "[[appliance]]\nname = \"a\"\nurl = \"https://a.example.com:4081\"\n",
    )
    .expect("valid file");
    assert_eq!(config.options.concurrency, 16);
    assert_eq!(config.options.timeout, Duration::from_secs(30));
    assert_eq!(config.options.read_mode, ReadMode::Batch);
    assert_eq!(config.options.thresholds, Thresholds::default());
}

#[test]
fn relative_paths_are_relative_to_the_fleet_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fleet.toml");
    std::fs::write(&path, two_appliances()).expect("write");
    let config = FleetConfig::load(&path).expect("valid file");
    assert!(matches!(
        &config.appliances[1].credentials,
        Some(Credentials { password: PasswordSource::File(p), .. })
            if *p == dir.path().join("secrets/branch.password")
    ));
    assert_eq!(
        config.appliances[1].trust,
        Trust::CaFile("/etc/kerio/ca.pem".into()),
        "absolute paths stay"
    );
}

#[test]
fn a_password_in_the_file_is_refused_without_echoing_it() {
    let text = "[[appliance]]\nname = \"hq\"\nurl = \"https://hq.example.com:4081\"\n\
                user = \"admin\"\npassword = \"hunter2-secret\"\n";
    let message = error(text);
    assert!(
        message.contains("passwords are not read from the fleet file"),
        "{message}"
    );
    assert!(message.contains("[[appliance]] #1 (\"hq\")"), "{message}");
    assert!(!message.contains("hunter2-secret"), "{message}");
}

#[test]
fn mistakes_are_reported_with_their_place() {
    let base = "[[appliance]]\nname = \"hq\"\nurl = \"https://hq.example.com:4081\"\n";
    for (extra, expected) in [
        ("user = \"admin\"\n", "user is given without a password"),
        (
            "password_env = \"X\"\n",
            "a password source is given without a user",
        ),
        (
            "user = \"a\"\npassword_env = \"X\"\npassword_file = \"f\"\n",
            "either password_env or password_file",
        ),
        ("cert_sha256 = \"zz\"\n", "cert_sha256:"),
        (
            "cert_sha256 = \"\"\ninsecure = true\n",
            "one of cert_sha256, ca_file and insecure",
        ),
        ("colour = \"red\"\n", "unknown field `colour`"),
    ] {
        let message = error(&format!("{base}{extra}"));
        assert!(message.contains(expected), "{extra}: {message}");
    }
    assert!(
        error("[[appliance]]\nname = \"a\"\nurl = \"http://a.example.com\"\n")
            .contains("must start with https://")
    );
    assert!(error("[[appliance]]\nname = \"a\"\nurl = \"not a url\"\n").contains("is not a URL"));
    assert!(error("[settings]\nconcurrency = 0\n").contains("concurrency must be at least 1"));
    assert!(error("[thresholds]\ndisk_free_percent = 200\n").contains("between 0 and 100"));
    assert!(error("").contains("no appliances"));
    let syntax = error("[[appliance]\n");
    assert!(syntax.starts_with("fleet file: "), "{syntax}");
    assert!(syntax.contains("line 1"), "{syntax}");
}

#[test]
fn a_missing_file_names_the_file() {
    let message = FleetConfig::load("/nonexistent/fleet.toml")
        .expect_err("missing file")
        .to_string();
    assert!(message.contains("/nonexistent/fleet.toml"), "{message}");
}

#[test]
fn passwords_are_read_from_files_and_never_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pw");
    std::fs::write(&path, "s3cret-value\n").expect("write");
    let source = PasswordSource::File(path.clone());
    assert_eq!(source.read().expect("readable").expose(), "s3cret-value");
    std::fs::write(&path, "").expect("write");
    assert!(source.read().expect_err("empty").contains("is empty"));
    let missing = PasswordSource::Env("KERIO_FLEET_TEST_SURELY_UNSET_VARIABLE".into());
    assert_eq!(
        missing.read().expect_err("unset"),
        "The password variable KERIO_FLEET_TEST_SURELY_UNSET_VARIABLE is not set"
    );
    let value = PasswordSource::Value("s3cret-value".into());
    assert_eq!(format!("{value:?}"), "Value(Secret(<redacted>))");
}

#[test]
fn an_appliance_may_say_its_product() {
    let text = "[thresholds]\nmail_queue_messages = 50\n\n\
                [[appliance]]\nname = \"fw\"\nurl = \"https://fw.example.com:4081\"\nproduct = \"control\"\n\n\
                [[appliance]]\nname = \"any\"\nurl = \"https://any.example.com\"\n";
    let config = FleetConfig::from_toml(text).expect("valid file");
    assert_eq!(config.appliances[0].product, Some(Product::Control));
    assert_eq!(
        config.appliances[1].product, None,
        "found out at first contact"
    );
    assert_eq!(config.options.thresholds.mail_queue_messages, 50);
    assert_eq!(config.options.thresholds.mail_queue_critical_messages, 1000);

    let base = "[[appliance]]\nname = \"x\"\nurl = \"https://x.example.com\"\n";
    let message = error(&format!("{base}product = \"firewall\"\n"));
    assert!(
        message.contains("unknown variant `firewall`") && message.contains("`connect`"),
        "{message}"
    );
    for product in ["connect", "operator"] {
        let text = format!("{base}product = \"{product}\"\n");
        let parsed = FleetConfig::from_toml(&text);
        let supported = product.parse::<Product>().is_ok_and(Product::is_supported);
        match parsed {
            Ok(config) => {
                assert!(supported, "{product}");
                assert_eq!(
                    config.appliances[0].product.map(Product::as_str),
                    Some(product)
                );
            }
            Err(e) => {
                assert!(!supported, "{product}: {e}");
                assert!(e.to_string().contains("built without its feature"), "{e}");
            }
        }
    }
    assert!(
        error(&format!("[thresholds]\nmail_queue_messages = 0\n{base}"))
            .contains("mail_queue_messages must be at least 1")
    );
}
