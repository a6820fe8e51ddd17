//! `cargo xtask mock` (the `mock_server` example it runs) serves a client that knows
//! nothing of this project: a few lines of Python `requests`, or the standard library's
//! `urllib` when `requests` is missing.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Logs in, lists the IP address groups, logs out; prints the count.
const CLIENT: &str = r#"
import json, ssl, sys
url, cert, user, password = sys.argv[1:5]
api = url + "/admin/api/jsonrpc/"
try:
    import requests
    s = requests.Session()
    def call(method, params, token=None):
        headers = {"Content-Type": "application/json-rpc; charset=UTF-8"}
        if token:
            headers["X-Token"] = token
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        # `verify` per request: a session-wide one loses to REQUESTS_CA_BUNDLE.
        return s.post(api, json=body, headers=headers, verify=cert).json()
except ImportError:
    import http.cookiejar, urllib.request
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cert)),
        urllib.request.HTTPCookieProcessor(jar))
    def call(method, params, token=None):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        req = urllib.request.Request(api, data=body.encode(), method="POST")
        req.add_header("Content-Type", "application/json-rpc; charset=UTF-8")
        if token:
            req.add_header("X-Token", token)
        return json.load(opener.open(req))
login = call("Session.login", {"userName": user, "password": password,
             "application": {"name": "py", "vendor": "test", "version": "1"}})
token = login["result"]["token"]
listed = call("IpAddressGroups.get", {"query": {"start": 0, "limit": -1}}, token)
assert "result" in listed, listed
print(listed["result"]["totalItems"], len(listed["result"]["list"]))
assert "result" in call("Session.logout", {}, token)
after = call("IpAddressGroups.get", {"query": {}}, token)
print(after["error"]["code"])
"#;

/// The `mock_server` example as a command. `cargo test --all-targets` has built it next
/// to this test's binary; run alone, this test has it built by a nested `cargo run`.
fn mock_server_command() -> Command {
    let exe = format!("mock_server{}", std::env::consts::EXE_SUFFIX);
    let built = std::env::current_exe()
        .ok()
        .and_then(|test| Some(test.parent()?.parent()?.join("examples").join(exe)));
    if let Some(built) = built.filter(|path| path.is_file()) {
        return Command::new(built);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    // What cargo sets for a test run would make the nested cargo rebuild everything.
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(|n| n.starts_with("CARGO_")) {
            command.env_remove(name);
        }
    }
    command.args([
        "run",
        "--quiet",
        "-p",
        "kerio-api",
        "--example",
        "mock_server",
        "--",
    ]);
    command
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_python_client_logs_in_lists_and_logs_out() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, the Python client cannot run");
        return;
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let cert = dir.path().join("mock.pem");
    let child = mock_server_command()
        .args(["--listen", "127.0.0.1:0", "--user", "py", "--cert-out"])
        .arg(&cert)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock server starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("stdout");
    let mut settings = std::collections::HashMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        if line == "ready" {
            break;
        }
        if let Some((k, v)) = line.split_once(": ") {
            settings.insert(k.to_owned(), v.to_owned());
        }
    }
    assert_eq!(settings.get("user").map(String::as_str), Some("py"));
    let out = Command::new("python3")
        .args(["-c", CLIENT])
        .args([&settings["url"], cert.to_str().expect("UTF-8 path")])
        .args([&settings["user"], &settings["password"]])
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let counts: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(counts[0], counts[1], "totalItems counts the list");
    assert_ne!(counts[0], "0");
    assert_eq!(lines[1], "-32001", "after logout the token is refused");
}
