//! The `kerio` command line (feature `cli`) against mock appliances of Kerio Connect and
//! Kerio Operator: the API chosen by `--api` or by the product of a fleet file's
//! appliance, sessionless first-run calls, `--confirm` where there is no cut-off
//! prevention, and an API this kerio was built without. The calls that need an API's
//! Cargo feature run when the test is built with it (`--features
//! cli,connect-admin,connect-client,operator-admin`); the rest run in every build.

#[cfg(feature = "operator-admin")]
use serde_json::Value;
#[cfg(any(feature = "connect-admin", feature = "operator-admin"))]
use serde_json::json;
use snapbox::str;

#[path = "cli_support/mod.rs"]
mod support;

#[cfg(any(feature = "connect-admin", feature = "connect-client"))]
use support::stdout_json;
use support::{Appliance, MockProcess, bare};

/// A fleet file with one appliance of `product` at the mock.
fn fleet_file(dir: &std::path::Path, appliance: &Appliance, product: &str) -> std::path::PathBuf {
    let fleet = dir.join("fleet.toml");
    let text = format!(
        "[[appliance]]\nname = \"lab\"\nproduct = \"{product}\"\nurl = \"{}\"\nuser = \"{}\"\npassword_env = \"LAB_PASSWORD\"\ncert_sha256 = \"{}\"\n",
        appliance.mock.url(),
        appliance.mock.user(),
        appliance.mock.cert_sha256()
    );
    std::fs::write(&fleet, text).expect("written");
    fleet
}

#[test]
fn help_of_every_api_comes_from_its_spec() {
    bare()
        .args(["--api", "operator-admin", "extensions", "get", "--help"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
Extensions.get
...
Usage: kerio extensions get [OPTIONS]

Options:
      --query <SearchQuery>
          [required] a SearchQuery object, as JSON. [..]
...
Result, a JSON object:
  sipExtensionList: a list of SipExtension. [..]
  totalItems: an integer (int64). [..]

"#]]);
    bare()
        .args([
            "--api",
            "connect-admin",
            "call",
            "Init.setHostname",
            "--help",
        ])
        .assert()
        .success()
        .stdout_eq(str![[r#"
Init.setHostname
...
Sessionless: kerio calls it without logging in; no user or password is needed.

Usage: kerio call Init.setHostname [OPTIONS]
...
"#]]);
    bare()
        .args(["--api", "connect-client", "methods", "Folders."])
        .assert()
        .success()
        .stdout_eq(str![[r#"
Kerio Connect Client API (--api connect-client): [..] methods
...
Folders.get [..]
...
"#]]);
    // The overview lists every API of the spec set.
    bare().arg("--help").assert().success().stdout_eq(str![[r#"
...
APIs (--api NAME; default: the administration API of the --appliance's product, else admin):
  admin           Kerio Control Administration API
  connect-admin   Kerio Connect Administration API[..]
  connect-client  Kerio Connect Client API[..]
  operator-admin  Kerio Operator Administration API[..]
  stats           Kerio Control Statistics API
...
"#]]);
}

#[test]
fn confirm_is_refused_where_there_is_no_cut_off_prevention() {
    let appliance = Appliance::start(&["connect-admin"]);
    appliance
        .kerio()
        .args(["--api", "connect-admin", "call", "Domains.set"])
        .args(["--domainIds", r#"["1"]"#, "--pattern", "{}", "--confirm"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: Domains.set: --confirm is refused: the `connect-admin` API (Kerio Connect Administration API) has no cut-off prevention, its changes apply at once and there is nothing to confirm; drop --confirm

"#]]);
    let dir = tempfile::tempdir().expect("folder");
    let file = dir.path().join("batch.json");
    std::fs::write(
        &file,
        r#"[{"method": "Domains.get", "params": {"query": {}}}]"#,
    )
    .expect("written");
    appliance
        .kerio()
        .args(["--api", "connect-admin", "batch"])
        .arg(&file)
        .arg("--confirm")
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: the batch: --confirm is refused: the `connect-admin` API (Kerio Connect Administration API) has no cut-off prevention, its changes apply at once and there is nothing to confirm; drop --confirm

"#]]);
    assert_eq!(appliance.mock.logins(), 0, "nothing was sent");
}

#[test]
fn kerio_mock_serves_the_apis_named() {
    let mock = MockProcess::start(&["--api", "connect-admin", "--api", "connect-client"]);
    let url = mock.field("url: ");
    let apis: Vec<&str> = mock
        .lines
        .iter()
        .filter_map(|l| l.strip_prefix("api: "))
        .collect();
    assert_eq!(
        apis,
        [
            format!("connect-admin {url}/admin/api/jsonrpc/"),
            format!("connect-client {url}/webmail/api/jsonrpc/"),
        ]
    );
    let kerio = |api: &str| mock.kerio().args(["--api", api]);
    // Each endpoint with a session of its own.
    let admin = kerio("connect-admin")
        .args(["call", "Server.getProductInfo"])
        .assert();
    let client = kerio("connect-client")
        .args(["call", "Folders.get"])
        .assert();
    if cfg!(feature = "connect-admin") {
        admin.success();
    } else {
        admin.code(2);
    }
    if cfg!(feature = "connect-client") {
        client.success();
    } else {
        client.code(2);
    }
    drop(mock);
    // An API the spec set does not have.
    bare()
        .args(["mock", "--listen", "127.0.0.1:0", "--api", "exchange"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: --api: there is no API `exchange`; the spec set has admin, connect-admin, connect-client, operator-admin, stats

"#]]);
}

#[cfg(not(feature = "connect-admin"))]
#[test]
fn an_api_this_kerio_was_built_without_names_its_feature() {
    bare()
        .args(["--api", "connect-admin", "call", "Server.getProductInfo"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: the `connect-admin` API (Kerio Connect Administration API) is not compiled into this kerio: build kerio with the Cargo feature `connect-admin` (cargo install kerio-api --features cli,connect-admin)

"#]]);
    // A fleet file's Kerio Connect appliance: its product is not polled either.
    let appliance = Appliance::start(&["connect-admin"]);
    let dir = tempfile::tempdir().expect("folder");
    let fleet = fleet_file(dir.path(), &appliance, "connect");
    bare()
        .env("LAB_PASSWORD", appliance.mock.password())
        .arg("--fleet")
        .arg(&fleet)
        .args(["--appliance", "lab", "call", "Server.getProductInfo"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: [..]product = "connect": [..]feature `connect-admin`[..]

"#]]);
    assert_eq!(appliance.mock.logins(), 0, "nothing was sent");
}

#[cfg(feature = "connect-admin")]
#[test]
fn a_connect_call_with_scalar_and_json_params() {
    let appliance = Appliance::start(&["connect-admin"]);
    let output = appliance
        .kerio()
        .args(["--api", "connect-admin", "users", "get"])
        .args([
            "--query",
            r#"{"start": 0, "limit": 2}"#,
            "--domainId",
            "keriodb://domain/1",
        ])
        .args(["-o", "compact"])
        .assert()
        .success()
        .get_output()
        .clone();
    let result = stdout_json(&output);
    assert!(result["list"].is_array(), "{result}");
    assert_eq!(
        appliance.calls_of("Users.get"),
        [json!({"query": {"start": 0, "limit": 2}, "domainId": "keriodb://domain/1"})]
    );
    // A param of Control's Users.get is not one of Connect's.
    appliance
        .kerio()
        .args([
            "--api",
            "connect-admin",
            "call",
            "Users.get",
            "--query",
            "{}",
        ])
        .args(["--domainId", "1", "--params", r#"{"refresh": true}"#])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: Users.get: the params do not fit the spec, nothing was sent:
  --refresh: Users.get has no param `refresh`; its params: query, domainId

"#]]);
}

#[cfg(feature = "connect-admin")]
#[test]
fn the_product_of_a_fleet_appliance_chooses_its_api() {
    let appliance = Appliance::start(&["connect-admin"]);
    let dir = tempfile::tempdir().expect("folder");
    let fleet = fleet_file(dir.path(), &appliance, "connect");
    let output = bare()
        .env("LAB_PASSWORD", appliance.mock.password())
        .arg("--fleet")
        .arg(&fleet)
        .args([
            "--appliance",
            "lab",
            "server",
            "get-product-info",
            "-o",
            "compact",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(stdout_json(&output)["info"]["productName"], "Kerio Connect");
    assert_eq!(
        appliance.mock.requests_for("Server.getProductInfo").len(),
        1
    );
}

#[cfg(feature = "connect-admin")]
#[test]
fn a_sessionless_connect_method_needs_no_login() {
    let appliance = Appliance::start(&["connect-admin"]);
    appliance
        .anonymous()
        .args(["--api", "connect-admin", "init", "set-hostname"])
        .args(["--hostname", "mail.example.com"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
{}

"#]]);
    assert_eq!(
        appliance.calls_of("Init.setHostname"),
        [json!({"hostname": "mail.example.com"})]
    );
    assert_eq!(appliance.mock.logins(), 0, "no login");
    // Another method of the same interface needs a session: no password, no call.
    appliance
        .anonymous()
        .env("KERIO_USER", "tester")
        .args(["--api", "connect-admin", "call", "Init.getHostname"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: no password: set KERIO_PASSWORD, [..]

"#]]);
}

#[cfg(feature = "connect-client")]
#[test]
fn a_connect_client_call_on_its_own_endpoint() {
    let appliance = Appliance::start(&["connect-admin", "connect-client"]);
    let output = appliance
        .kerio()
        .args(["--api", "connect-client", "folders", "get", "-o", "compact"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(stdout_json(&output)["list"].is_array());
    let calls = appliance.mock.requests_for("Folders.get");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].path, "/webmail/api/jsonrpc/");
}

#[cfg(feature = "operator-admin")]
#[test]
fn operator_extensions_as_a_table_and_every_page() {
    let appliance = Appliance::start(&["operator-admin"]);
    appliance
        .kerio()
        .args(["--api", "operator-admin", "extensions", "get", "--query"])
        .arg(r#"{"start": 0, "limit": 3, "orderBy": [{"columnName": "TEL_NUM", "direction": "Asc"}]}"#)
        .args(["-o", "table", "--columns", "TEL_NUM,DESCRIPTION,USERNAME"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
TEL_NUM  DESCRIPTION  USERNAME
101      Reception    reception
102      Office 1     alice
103      Office 2     bob

"#]]);
    let output = appliance
        .kerio()
        .args(["--api", "operator-admin", "extensions", "get", "--all"])
        .args(["--page-size", "4"])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON item per line"))
        .collect();
    assert_eq!(lines.len(), 9);
    let pages: Vec<Value> = appliance
        .calls_of("Extensions.get")
        .into_iter()
        .skip(1)
        .map(|p| p["query"].clone())
        .collect();
    assert_eq!(
        pages,
        [
            json!({"start": 0, "limit": 4}),
            json!({"start": 4, "limit": 4}),
            json!({"start": 8, "limit": 4})
        ]
    );
}

#[cfg(feature = "operator-admin")]
#[test]
fn operator_activation_is_sessionless_with_the_password_from_a_file() {
    let appliance = Appliance::start(&["operator-admin"]);
    let secret = "first-password-5678";
    let base = [
        "--api",
        "operator-admin",
        "call",
        "ProductActivation.activate",
    ];
    let rest = [
        "--adminLanguage",
        "en",
        "--adminEmail",
        "admin@example.com",
        "--pbxLanguageId",
        "1",
        "--pbxStartingNumber",
        "100",
        "--timeZoneId",
        "Europe/Prague",
        "--reboot",
        "false",
        "--sendClientStatistics",
        "false",
        "--myKerioEnabled",
        "false",
    ];
    let output = appliance
        .anonymous()
        .args(base)
        .args(rest)
        .args(["--adminPassword", secret])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--adminPassword is a secret"), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");
    let dir = tempfile::tempdir().expect("folder");
    let file = dir.path().join("admin.password");
    std::fs::write(&file, format!("{secret}\n")).expect("written");
    appliance
        .anonymous()
        .args(base)
        .args(rest)
        .arg("--adminPassword")
        .arg(format!("@{}", file.display()))
        .assert()
        .success();
    let calls = appliance.calls_of("ProductActivation.activate");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["adminPassword"], secret);
    assert_eq!(calls[0]["pbxLanguageId"], 1);
    assert_eq!(appliance.mock.logins(), 0, "no login");
}

/// The fleet report over the demo's mixed mock appliances (the issue's "fleet example"):
/// one row per appliance with the product found at first contact and its own colour.
#[cfg(all(feature = "connect-admin", feature = "operator-admin"))]
#[test]
fn the_fleet_demo_has_rows_of_every_product_with_their_colours() {
    let output = bare()
        .args(["fleet", "--demo", "--json"])
        .output()
        .expect("kerio runs");
    assert_eq!(output.status.code(), Some(2), "the demo has red appliances");
    let report = stdout_json(&output);
    let rows: Vec<(String, String, String)> = report["appliances"]
        .as_array()
        .expect("appliances")
        .iter()
        .map(|row| {
            let text = |key: &str| row[key].as_str().unwrap_or("-").to_owned();
            (text("name"), text("product"), text("status"))
        })
        .collect();
    for (name, product, status) in [
        ("demo control healthy", "control", "green"),
        ("demo control disk-full", "control", "red"),
        ("demo connect healthy", "connect", "green"),
        ("demo connect mail-queue-backlog", "connect", "yellow"),
        ("demo connect license-expired", "connect", "red"),
        ("demo operator healthy", "operator", "green"),
        ("demo operator disk-full", "operator", "red"),
    ] {
        let row = (name.to_owned(), product.to_owned(), status.to_owned());
        assert!(rows.contains(&row), "{row:?} in {rows:#?}");
    }
}
