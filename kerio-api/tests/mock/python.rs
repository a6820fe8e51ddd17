//! The mock appliance serves a client that knows nothing of this project: a few lines of
//! Python `requests`, or the standard library's `urllib` when `requests` is missing. (`kerio
//! mock`, which `cargo xtask mock` becomes, serves the same appliance from its
//! own process.)

use std::process::Command;

use kerio_api::mock::MockAppliance;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_client_logs_in_lists_and_logs_out() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, the Python client cannot run");
        return;
    }
    let mock = MockAppliance::builder()
        .user("py")
        .start()
        .await
        .expect("the mock appliance starts");
    let dir = tempfile::tempdir().expect("temporary folder");
    let cert = dir.path().join("mock.pem");
    std::fs::write(&cert, mock.cert_pem()).expect("the certificate is written");
    let args = [
        mock.url(),
        cert.to_str().expect("UTF-8 path").to_owned(),
        mock.user().to_owned(),
        mock.password().to_owned(),
    ];
    // The appliance keeps serving on the runtime's other thread while Python runs.
    let out = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .args(["-c", CLIENT])
            .args(args)
            .output()
    })
    .await
    .expect("the Python client's thread")
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
