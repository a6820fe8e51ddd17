//! The `kerio` command line (feature `cli`) against the mock appliance: the binary cargo
//! built for this test, run as a user would, with the appliance in this process.

use std::sync::OnceLock;

use kerio_api::mock::Reply;
use serde_json::{Value, json};
use snapbox::str;

#[path = "cli_support/mod.rs"]
mod support;

use support::{Appliance, MockProcess, bare, stdout_json};

/// One appliance for the tests that do not change it.
fn shared() -> &'static Appliance {
    static APPLIANCE: OnceLock<Appliance> = OnceLock::new();
    APPLIANCE.get_or_init(|| Appliance::start(&[]))
}

#[test]
fn help_comes_from_the_spec() {
    bare()
        .args(["active-hosts", "get", "--help"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
ActiveHosts.get

Lists the active hosts[..]

Usage: kerio active-hosts get [OPTIONS]

Options:
      --query <SearchQuery>
          [required] a SearchQuery object, as JSON. [..]

      --refresh <BOOL>
          [required] a boolean (true or false), as JSON. [..]

...
Result, a JSON object:
  list: a list of ActiveHost. [..]
  totalItems: an integer (int64). [..]

"#]]);
    // The same command through `call`, and the interfaces in the overview.
    bare()
        .args(["call", "ActiveHosts.get", "-h"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
Lists the active hosts[..]

Usage: kerio call ActiveHosts.get [OPTIONS]
...
"#]]);
    bare()
        .arg("--help")
        .assert()
        .success()
        .stdout_eq(str![[r#"
Calls every method of the Kerio APIs [..]

Usage: kerio [OPTIONS] <COMMAND>

Commands:
  call [..]
...
  active-hosts [..]
...
Exit codes: 0 success, 1 the appliance answered with an error, 2 usage (nothing sent; also an API this kerio was built without), 3 certificate not trusted or pin mismatch, 4 login refused, 5 appliance unreachable, 6 change not confirmed; kerio fleet: 0 green, 1 yellow, 2 red, 3 no report.

"#]]);
    bare()
        .args(["--api", "stats", "methods"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
Kerio Control Statistics API (--api stats): [..] methods
...
MyAccount.get[..]
...
"#]]);
}

#[test]
fn scalar_and_json_params_are_sent_as_the_spec_types_them() {
    let appliance = Appliance::start(&[]);
    let output = appliance
        .kerio()
        .args([
            "call",
            "ActiveHosts.get",
            "--query",
            r#"{"start": 0, "limit": 2}"#,
        ])
        .args(["--refresh", "false", "--output", "compact"])
        .assert()
        .success()
        .get_output()
        .clone();
    let result = stdout_json(&output);
    assert_eq!(result["list"].as_array().map(Vec::len), Some(2), "{result}");
    assert_eq!(result["totalItems"], 6);
    assert_eq!(
        appliance.calls_of("ActiveHosts.get"),
        [json!({"query": {"start": 0, "limit": 2}, "refresh": false})]
    );
    // Compact on a pipe by default: one line.
    assert_eq!(output.stdout.iter().filter(|b| **b == b'\n').count(), 1);
}

#[test]
fn a_list_is_a_table() {
    shared()
        .kerio()
        .args(["active-hosts", "get", "--query", "{}", "--refresh", "false"])
        .args(["-o", "table", "--columns", "hostname,ip,user.name"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
HOSTNAME                  IP          USER.NAME
reception-pc.example.com  192.0.2.21  reception
laptop-alice.example.com  192.0.2.22  alice
laptop-bob.example.com    192.0.2.23  bob
accounts-pc.example.com   192.0.2.24  carol
phone-dave.example.com    192.0.2.25  dave
home-erin.example.com     192.0.2.26  erin

"#]]);
}

#[test]
fn all_pages_stream_as_json_lines() {
    let appliance = Appliance::start(&[]);
    let output = appliance
        .kerio()
        .args([
            "active-hosts",
            "get",
            "--refresh",
            "true",
            "--all",
            "--page-size",
            "4",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON item per line"))
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["hostname"], "reception-pc.example.com");
    // `refresh` goes with the first page only (the spec's paging.firstPageOnly), as
    // the typed `active_hosts().get_stream` sends it.
    let pages: Vec<Value> = appliance
        .calls_of("ActiveHosts.get")
        .into_iter()
        .map(|p| json!([p["query"], p["refresh"]]))
        .collect();
    assert_eq!(
        pages,
        [
            json!([{"start": 0, "limit": 4}, true]),
            json!([{"start": 4, "limit": 4}, false])
        ]
    );
}

#[test]
fn a_batch_runs_in_one_request_and_confirms() {
    let appliance = Appliance::start(&[]);
    let dir = tempfile::tempdir().expect("folder");
    let file = dir.path().join("printer.json");
    let commands = json!([
        {"method": "IpAddressGroups.create", "params": {"groups": [
            {"groupName": "Printers", "type": "Host", "host": "192.0.2.7", "enabled": true}]}},
        {"method": "IpAddressGroups.apply"}
    ]);
    std::fs::write(&file, commands.to_string()).expect("written");
    let output = appliance
        .kerio()
        .arg("batch")
        .arg(&file)
        .arg("--confirm")
        .assert()
        .success()
        .stderr_eq(str![[r#"
kerio: confirmed: the appliance keeps the change

"#]])
        .get_output()
        .clone();
    let results = stdout_json(&output);
    assert_eq!(results[0]["method"], "IpAddressGroups.create");
    assert_eq!(results[1]["result"], json!({"errors": []}));
    let batches = appliance.mock.requests_for("Batch.run");
    assert_eq!(batches.len(), 1, "one batch request");
    assert_eq!(
        appliance.mock.requests_for("Session.confirmConfig").len(),
        1
    );

    // A command the appliance refuses: its error in the output, exit code 1.
    appliance.mock.reply(
        "IpAddressGroups.apply",
        Reply::error(1000, "Operation failed.", &[]),
    );
    appliance
        .kerio()
        .arg("batch")
        .arg(&file)
        .assert()
        .code(1)
        .stdout_eq(str![[r#"
[{"method":"IpAddressGroups.create","result":[..]},{"error":{"code":1000,"message":"Operation failed."},"method":"IpAddressGroups.apply"}]

"#]])
        .stderr_eq(str![[r#"
kerio: 1 of 2 commands failed

"#]]);
}

#[test]
fn a_wrong_param_is_refused_before_anything_is_sent() {
    let appliance = Appliance::start(&[]);
    appliance
        .kerio()
        .args([
            "call",
            "ActiveHosts.get",
            "--query",
            r#"{"limt": 5, "start": "0"}"#,
        ])
        .args(["--refresh", "maybe"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: --refresh: expected a boolean (true or false)

"#]]);
    appliance
        .kerio()
        .args(["call", "ActiveHosts.get", "--query", r#"{"limt": 5, "start": "0"}"#])
        .args(["--refresh", "true", "--params", r#"{"colour": 1}"#])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: ActiveHosts.get: the params do not fit the spec, nothing was sent:
  --colour: ActiveHosts.get has no param `colour`; its params: query, refresh
  --query.limt: SearchQuery has no field `limt`; its fields: fields, conditions, combining, start, limit, orderBy
  --query.start: holds a string, expected an integer (int64)

"#]]);
    appliance
        .kerio()
        .args(["call", "ActiveHosts.gets"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: the `admin` API has no method `ActiveHosts.gets`; did you mean [..]?

"#]]);
    appliance
        .kerio()
        .args(["call", "Session.login"])
        .assert()
        .code(2);
    assert_eq!(appliance.mock.logins(), 0, "nothing was sent");
}

#[test]
fn a_wrong_password_is_exit_code_4_and_never_shown() {
    shared()
        .kerio()
        .env("KERIO_PASSWORD", "not-the-password-1234")
        .args(["call", "ProductInfo.get"])
        .assert()
        .code(4)
        .stderr_eq(str![[r#"
kerio: the login was refused: [..] (code [..])

"#]]);
}

#[test]
fn a_wrong_pin_is_exit_code_3() {
    shared()
        .kerio()
        .env("KERIO_CERT_SHA256", "00".repeat(32))
        .args(["call", "ProductInfo.get"])
        .assert()
        .code(3)
        .stderr_eq(str![[r#"
kerio: the appliance's certificate does not match the pin: [..]

"#]]);
    // Not pinned at all: the self-signed certificate is not trusted.
    shared()
        .kerio()
        .env_remove("KERIO_CERT_SHA256")
        .args(["call", "ProductInfo.get"])
        .assert()
        .code(3);
}

#[test]
fn a_password_argument_is_refused_with_the_reason() {
    let secret = "hunter2-argument";
    for args in [
        vec!["--password", secret, "call", "ProductInfo.get"],
        vec!["call", "ProductInfo.get", "--password", secret],
        vec!["--password", "call", "ProductInfo.get"],
        vec!["call", "ProductInfo.get", "--password"],
    ] {
        let output = shared()
            .kerio()
            .args(&args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("--password is refused: an argument is visible"),
            "{stderr}"
        );
        assert!(!stderr.contains(secret), "{stderr}");
    }
    // A method's own secret param: from a file, never inline.
    shared()
        .kerio()
        .args(["call", "Encryption.startEncryption", "--password", secret])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: --password is a secret: give it from a file (@FILE) or standard input (-), never as an argument, which every user of the machine can see

"#]]);
    let dir = tempfile::tempdir().expect("folder");
    let file = dir.path().join("disk.password");
    std::fs::write(&file, format!("{secret}\n")).expect("written");
    shared()
        .kerio()
        .args(["call", "Encryption.startEncryption", "--password"])
        .arg(format!("@{}", file.display()))
        .assert()
        .success();
    // No password anywhere and no terminal to ask on.
    shared()
        .kerio()
        .env_remove("KERIO_PASSWORD")
        .args(["call", "ProductInfo.get"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: no password: set KERIO_PASSWORD, [..]

"#]]);
}

#[test]
fn exit_codes_tell_failures_apart() {
    let appliance = Appliance::start(&[]);
    appliance
        .mock
        .reply("ProductInfo.get", Reply::error(1000, "Access denied.", &[]));
    appliance
        .kerio()
        .args(["call", "ProductInfo.get"])
        .assert()
        .code(1)
        .stderr_eq(str![[r#"
kerio: ProductInfo.get failed: Access denied. (code 1000)

"#]]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    appliance
        .kerio()
        .env("KERIO_URL", format!("https://127.0.0.1:{port}"))
        .args(["call", "ProductInfo.get"])
        .assert()
        .code(5);
    bare()
        .args(["call", "ProductInfo.get"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: no appliance: give --url (or KERIO_URL), or --appliance NAME of the fleet file

"#]]);
    bare().args(["no-such-command"]).assert().code(2);
}

#[test]
fn a_reply_that_does_not_fit_is_a_warning_and_printed_as_received() {
    let appliance = Appliance::start(&[]);
    appliance.mock.reply(
        "ActiveHosts.get",
        Reply::result(
            json!({"list": [{"hostname": 42, "ip": "private-value-7"}], "totalItems": 1}),
        ),
    );
    appliance
        .kerio()
        .args(["call", "ActiveHosts.get", "--query", "{}", "--refresh", "false"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
{"list":[{"hostname":42,"ip":"private-value-7"}],"totalItems":1}

"#]])
        .stderr_eq(str![[r#"
kerio: warning: ActiveHosts.get: `result.list[0].hostname` holds a number, expected a string; the typed API would decode it as missing, the result is printed as received

"#]]);
}

#[test]
fn an_appliance_of_the_fleet_file() {
    let appliance = shared();
    let dir = tempfile::tempdir().expect("folder");
    let fleet = dir.path().join("fleet.toml");
    let text = format!(
        "[[appliance]]\nname = \"lab\"\nurl = \"{}\"\nuser = \"{}\"\npassword_env = \"LAB_PASSWORD\"\ncert_sha256 = \"{}\"\n",
        appliance.mock.url(),
        appliance.mock.user(),
        appliance.mock.cert_sha256()
    );
    std::fs::write(&fleet, text).expect("written");
    bare()
        .env("LAB_PASSWORD", appliance.mock.password())
        .arg("--fleet")
        .arg(&fleet)
        .args(["--appliance", "lab", "product-info", "get", "-o", "compact"])
        .assert()
        .success();
    bare()
        .arg("--fleet")
        .arg(&fleet)
        .args(["--appliance", "elsewhere", "product-info", "get"])
        .assert()
        .code(2)
        .stderr_eq(str![[r#"
kerio: [..] has no appliance named "elsewhere"; it lists lab

"#]]);
}

#[test]
fn fleet_completions_and_the_mock_command() {
    bare()
        .args(["fleet", "--demo", "--json"])
        .assert()
        .code(2) // the demo fleet has red appliances
        .stdout_eq(str![[r#"
{
  "appliances": [
...
"#]]);
    bare()
        .args(["fleet", "/no/such/fleet.toml"])
        .assert()
        .code(3);
    bare()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
_kerio() {
...
"#]]);

    let mock = MockProcess::start(&[]);
    assert!(
        mock.lines.contains(&"password: test-only".to_owned()),
        "{:?}",
        mock.lines
    );
    mock.kerio()
        .args(["call", "ProductInfo.get"])
        .assert()
        .success();
}
