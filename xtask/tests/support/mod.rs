//! Helpers for the regen and sanitize tests: a temporary copy of the fixture spec set,
//! HAR captures built in code (Chrome and Firefox styles), and running the binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use serde_json::{Value, json};

/// Canary secrets: none may appear in anything regen or sanitize writes or prints.
pub const CANARIES: [&str; 8] = [
    "CANARY-xtoken-5f1e2d3c4b5a69788796a5b4",
    "CANARY-session-cookie-0a1b2c3d4e5f",
    "CANARY-token-cookie-6a7b8c9d0e1f",
    "CANARY-password-hunter2-Zq9",
    "CANARY-login-token-77aa88bb99cc00dd",
    "CANARY-query-token-12ab34cd",
    "CANARY-psk-preshared-4455",
    "CANARY-b64-password-8899xy",
];

/// A temporary folder holding a copy of `tests/fixtures/specs`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/specs");
        copy_dir(&src, &dir.path().join("specs"));
        Fixture { dir }
    }

    /// A copy of the repository's own spec set, sample captures included.
    pub fn shipped() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
        copy_dir(&src, &dir.path().join("specs"));
        Fixture { dir }
    }

    pub fn specs(&self) -> PathBuf {
        self.dir.path().join("specs")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file below the fixture folder and returns its path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Every file below the spec root with its text, sorted by path.
    pub fn snapshot(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        walk(&self.specs(), &mut |p| {
            let rel = p
                .strip_prefix(self.specs())
                .expect("below")
                .display()
                .to_string();
            out.push((rel, std::fs::read_to_string(p).unwrap_or_default()));
        });
        out.sort();
        out
    }

    /// The spec file at `rel` (below the spec root) as JSON.
    pub fn spec(&self, rel: &str) -> Value {
        let text = std::fs::read_to_string(self.specs().join(rel)).expect("spec file");
        serde_json::from_str(&text).expect("json")
    }
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, f);
        } else {
            f(&p);
        }
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn xtask(args: &[&str]) -> Run {
    run(env!("CARGO_BIN_EXE_xtask"), args)
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs a program to its end and keeps its exit code and output.
pub fn run<S: AsRef<std::ffi::OsStr>>(program: &str, args: &[S]) -> Run {
    Command::new(program)
        .args(args)
        .output()
        .expect("runs")
        .into()
}

/// `regen --specs <fixture> [args] --har <each capture>`.
pub fn regen(fx: &Fixture, args: &[&str], captures: &[&Path]) -> Run {
    let specs = fx.specs();
    let mut all: Vec<String> = vec![
        "regen".into(),
        "--specs".into(),
        specs.display().to_string(),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    for c in captures {
        all.push("--har".into());
        all.push(c.display().to_string());
    }
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    xtask(&refs)
}

/// How a browser stores bodies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Chrome and Edge: plain text, `_resourceType` and friends.
    Chrome,
    /// Firefox with the response body in base64.
    FirefoxBase64,
}

/// One JSON-RPC exchange as a HAR entry, with the session headers and cookies a browser
/// sends (carrying canaries).
pub fn call(path: &str, request: &Value, reply: Option<&Value>, style: Style) -> Value {
    let req_text = request.to_string();
    let content = match reply {
        None => json!({"size": 0, "mimeType": "application/json-rpc"}),
        Some(r) => match style {
            Style::Chrome => {
                json!({"size": r.to_string().len(), "mimeType": "application/json-rpc", "text": r.to_string()})
            }
            Style::FirefoxBase64 => {
                json!({"size": r.to_string().len(), "mimeType": "application/json-rpc",
                "encoding": "base64", "text": base64::engine::general_purpose::STANDARD.encode(r.to_string())})
            }
        },
    };
    let mut entry = json!({
        "startedDateTime": "2025-03-12T08:41:17.000Z",
        "time": 12.5,
        "request": {
            "method": "POST",
            "url": format!("https://fw01.example.com:4081{path}?token={}", CANARIES[5]),
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Content-Type", "value": "application/json-rpc; charset=UTF-8"},
                {"name": "X-Token", "value": CANARIES[0]},
                {"name": "Cookie", "value": format!("SESSION_CONTROL_WEBADMIN={}; TOKEN_CONTROL_WEBADMIN={}", CANARIES[1], CANARIES[2])}
            ],
            "queryString": [{"name": "token", "value": CANARIES[5]}],
            "cookies": [
                {"name": "SESSION_CONTROL_WEBADMIN", "value": CANARIES[1]},
                {"name": "TOKEN_CONTROL_WEBADMIN", "value": CANARIES[2]}
            ],
            "headersSize": -1,
            "bodySize": req_text.len(),
            "postData": {"mimeType": "application/json-rpc; charset=UTF-8", "text": req_text}
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Content-Type", "value": "application/json-rpc"},
                {"name": "Set-Cookie", "value": format!("SESSION_CONTROL_WEBADMIN={}; path=/admin/; secure; HttpOnly", CANARIES[1])}
            ],
            "cookies": [{"name": "SESSION_CONTROL_WEBADMIN", "value": CANARIES[1]}],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1
        },
        "cache": {},
        "timings": {"send": 0.1, "wait": 11.9, "receive": 0.5}
    });
    if style == Style::Chrome {
        entry["_resourceType"] = json!("xhr");
        entry["_priority"] = json!("High");
    }
    entry
}

/// A JSON-RPC call to the Administration endpoint.
pub fn admin(method: &str, params: Value, result: Value, style: Style) -> Value {
    call(
        "/admin/api/jsonrpc/",
        &json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
        Some(&json!({"jsonrpc": "2.0", "id": 1, "result": result})),
        style,
    )
}

/// A page resource that is not an API call.
pub fn page(url: &str) -> Value {
    json!({"request": {"method": "GET", "url": url, "headers": [], "cookies": [], "queryString": []},
           "response": {"status": 200, "headers": [], "cookies": [],
                        "content": {"size": 5, "mimeType": "text/html", "text": "<html></html>"}}})
}

/// A HAR document holding `entries`.
pub fn har(entries: Vec<Value>) -> String {
    serde_json::to_string_pretty(&json!({"log": {"version": "1.2",
        "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [], "entries": entries}}))
    .expect("json")
}

/// A host as `ActiveHosts.get` returns it.
pub fn host(i: u32) -> Value {
    json!({"id": i.to_string(), "type": "ActiveHostHost", "hostname": format!("pc-{i}.example.com"),
           "connections": i, "user": {"id": "u1", "name": "jdoe"}})
}

/// Captures the HAR reader rejects, each with a part of its one-line error: built from
/// `valid` (a good capture's text), with `no_calls` the command's message for a HAR
/// without any API call.
pub fn unreadable_captures<'a>(
    valid: &str,
    no_calls: &'a str,
) -> Vec<(&'static str, String, &'a str)> {
    vec![
        (
            "not-json.har",
            "this is not json".into(),
            "not valid JSON at byte 0",
        ),
        (
            "truncated.har",
            valid[..valid.len() / 2].into(),
            "truncated JSON",
        ),
        (
            "other.har",
            r#"{"hello": [1, 2]}"#.into(),
            "not a HAR capture: there is no `log.entries` array",
        ),
        ("array.har", "[1]".into(), "not a HAR capture"),
        ("pages.har", har(vec![page("https://fw/admin/")]), no_calls),
        (
            "bad-entry.har",
            r#"{"log": {"entries": [{"request": 5}]}}"#.into(),
            "entry 0: not a valid HAR entry",
        ),
    ]
}
