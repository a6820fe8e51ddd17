//! The sample captures in `api-spec/captures/` are well-formed HAR 1.2, call only methods
//! the spec set declares, cover enough of the Administration API, and hold no secrets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kerio_codegen::load;
use kerio_codegen::spec::{Api, Method, Role};
use serde_json::Value;

/// Floors the Administration captures must reach together.
const MIN_ADMIN_METHODS: usize = 45;
const MIN_ADMIN_INTERFACES: usize = 16;
const REDACTED: &str = "[redacted]";

fn spec_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

fn capture_files() -> Vec<PathBuf> {
    let dir = spec_root().join("captures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "har"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .har files in {}", dir.display());
    files
}

/// The API a capture belongs to, from its file name prefix (`admin-`, `stats-`).
fn api_name(file: &Path) -> &'static str {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with("admin-") {
        "admin"
    } else if name.starts_with("stats-") {
        "stats"
    } else {
        panic!("{name}: capture names start with `admin-` or `stats-`")
    }
}

fn find_method<'a>(api: &'a Api, full: &str) -> Option<&'a Method> {
    let (iface, method) = full.split_once('.')?;
    api.interfaces
        .iter()
        .find(|i| i.name == iface)?
        .methods
        .iter()
        .find(|m| m.name == method)
}

/// Decodes standard base64 (with or without padding); `None` on any other character.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Kinds of capture: what its exchanges are worth as evidence.
const KINDS: [&str; 3] = ["recorded", "public", "synthesized"];

/// The provenance kind a capture declares: `log.comment` starts with
/// `kerio-capture: <kind>` and free text follows.
fn provenance(har: &Value) -> Option<&'static str> {
    let rest = har["log"]["comment"]
        .as_str()?
        .strip_prefix("kerio-capture: ")?;
    KINDS.into_iter().find(|k| {
        rest.strip_prefix(k)
            .is_some_and(|after| after.is_empty() || after.starts_with(['.', ' ', ',', ';', ':']))
    })
}

/// The text of a HAR `content` object, decoded when it is base64; `None` when it has none.
fn content_text(content: &Value, at: &str) -> Option<String> {
    let text = content.get("text")?.as_str()?;
    if text.is_empty() {
        return None;
    }
    if content.get("encoding").and_then(Value::as_str) == Some("base64") {
        let bytes = base64_decode(text).unwrap_or_else(|| panic!("{at}: invalid base64"));
        Some(String::from_utf8(bytes).unwrap_or_else(|e| panic!("{at}: not UTF-8: {e}")))
    } else {
        Some(text.to_owned())
    }
}

/// Every `password` or `token` key holding a non-empty string must hold `[redacted]`.
fn assert_no_secret_values(value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let lower = key.to_ascii_lowercase();
                if (lower == "password" || lower == "token")
                    && let Some(s) = v.as_str()
                {
                    assert!(
                        s.is_empty() || s == REDACTED,
                        "{at}: `{key}` holds a value that is not {REDACTED}"
                    );
                }
                assert_no_secret_values(v, &format!("{at}.{key}"));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                assert_no_secret_values(v, &format!("{at}[{i}]"));
            }
        }
        Value::String(s) => {
            assert!(
                !s.contains("SESSION_CONTROL_") && !s.contains("TOKEN_CONTROL_"),
                "{at}: holds a session cookie"
            );
            let longest_hex_run = s
                .split(|c: char| !c.is_ascii_hexdigit())
                .map(str::len)
                .max()
                .unwrap_or(0);
            assert!(
                longest_hex_run < 32,
                "{at}: holds a long hexadecimal string (a session id or token?)"
            );
        }
        _ => {}
    }
}

fn assert_headers_clean(headers: Option<&Value>, at: &str) {
    for h in headers.and_then(Value::as_array).into_iter().flatten() {
        let name = h.get("name").and_then(Value::as_str).unwrap_or("");
        assert!(
            !matches!(
                name.to_ascii_lowercase().as_str(),
                "cookie" | "set-cookie" | "x-token"
            ),
            "{at}: header `{name}` must be removed"
        );
    }
}

fn assert_cookies_empty(part: &Value, at: &str) {
    if let Some(cookies) = part.get("cookies") {
        assert_eq!(
            cookies,
            &Value::Array(Vec::new()),
            "{at}: cookies not empty"
        );
    }
}

/// What the captures hold, gathered over all files.
#[derive(Default)]
struct Seen {
    methods: BTreeMap<&'static str, BTreeSet<String>>,
    base64_replies: usize,
    calls_without_reply: usize,
    other_entries: usize,
    error_replies: usize,
    /// Captures per provenance kind.
    kinds: BTreeMap<&'static str, usize>,
}

/// Checks the params of one call against its spec method and returns the method.
fn check_call<'a>(api: &'a Api, body: &Value, at: &str) -> &'a Method {
    let name = body
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{at}: no method"));
    let method =
        find_method(api, name).unwrap_or_else(|| panic!("{at}: `{name}` is not in the spec"));
    let params = match body.get("params") {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(p)) => p.clone(),
        Some(other) => panic!("{at}: params of `{name}` are not an object: {other}"),
    };
    for key in params.keys() {
        assert!(
            method.params.iter().any(|p| &p.name == key),
            "{at}: `{name}` has no param `{key}`"
        );
    }
    for p in method.params.iter().filter(|p| !p.optional) {
        assert!(
            params.contains_key(&p.name),
            "{at}: `{name}` misses param `{}`",
            p.name
        );
    }
    if method.role == Some(Role::Login)
        && let Some(pw) = params.get("password")
    {
        assert_eq!(pw, REDACTED, "{at}: login password not redacted");
    }
    method
}

fn check_file(file: &Path, apis: &[Api], seen: &mut Seen) {
    let shown = file.display().to_string();
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{shown}: {e}"));
    let har: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert_eq!(har["log"]["version"], "1.2", "{shown}: not HAR 1.2");
    let entries = har["log"]["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("{shown}: no log.entries array"));
    assert!(!entries.is_empty(), "{shown}: no entries");
    assert_no_secret_values(&har, &shown);
    let kind = provenance(&har).unwrap_or_else(|| {
        panic!("{shown}: log.comment does not start with `kerio-capture: <kind>`")
    });
    *seen.kinds.entry(kind).or_default() += 1;

    let api_name = api_name(file);
    let api = apis
        .iter()
        .find(|a| a.manifest.name == api_name)
        .unwrap_or_else(|| panic!("{shown}: no `{api_name}` API in the spec set"));
    let methods = seen.methods.entry(api_name).or_default();

    for (i, entry) in entries.iter().enumerate() {
        let at = format!("{shown}: entry {i}");
        let request = &entry["request"];
        let response = &entry["response"];
        assert_headers_clean(request.get("headers"), &at);
        assert_headers_clean(response.get("headers"), &at);
        assert_cookies_empty(request, &at);
        assert_cookies_empty(response, &at);

        let url = request["url"].as_str().unwrap_or("");
        let is_api = request["method"] == "POST" && url.ends_with("/api/jsonrpc/");
        if !is_api {
            seen.other_entries += 1;
            continue;
        }
        let post = request["postData"]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{at}: API request without a body"));
        let body: Value = serde_json::from_str(post).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(body["jsonrpc"], "2.0", "{at}: not JSON-RPC 2.0");
        assert!(body.get("id").is_some(), "{at}: no id");
        assert_no_secret_values(&body, &at);
        let method = check_call(api, &body, &at);
        let full = body["method"].as_str().unwrap_or_default().to_owned();
        if method.role == Some(Role::Batch) {
            let commands = body["params"]["commandList"]
                .as_array()
                .unwrap_or_else(|| panic!("{at}: batch without commandList"));
            for (j, command) in commands.iter().enumerate() {
                check_call(api, command, &format!("{at}: command {j}"));
                if let Some(m) = command["method"].as_str() {
                    methods.insert(m.to_owned());
                }
            }
        }
        methods.insert(full.clone());

        if response["content"].get("encoding").and_then(Value::as_str) == Some("base64") {
            seen.base64_replies += 1;
        }
        let Some(reply) = content_text(&response["content"], &at) else {
            seen.calls_without_reply += 1;
            continue;
        };
        let reply: Value = serde_json::from_str(&reply).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_no_secret_values(&reply, &at);
        match (reply.get("result"), reply.get("error")) {
            (Some(result), None) => {
                if method.role == Some(Role::Batch) {
                    assert!(result.is_array(), "{at}: batch result is not an array");
                } else {
                    let keys = result
                        .as_object()
                        .unwrap_or_else(|| panic!("{at}: result of `{full}` is not an object"));
                    for key in keys.keys() {
                        assert!(
                            method.result.iter().any(|p| &p.name == key),
                            "{at}: `{full}` has no out-parameter `{key}`"
                        );
                    }
                }
                if method.role == Some(Role::Login) {
                    for value in result.as_object().into_iter().flat_map(|o| o.values()) {
                        assert_eq!(value, REDACTED, "{at}: login token not redacted");
                    }
                }
            }
            (None, Some(error)) => {
                assert!(error["code"].is_i64(), "{at}: error without a code");
                seen.error_replies += 1;
            }
            _ => panic!("{at}: reply has neither `result` nor `error` (or both)"),
        }
    }
}

#[test]
fn captures_are_sanitized_har_calling_known_methods() {
    let apis = load::load_root(&spec_root()).unwrap_or_else(|d| panic!("{d}"));
    let mut seen = Seen::default();
    for file in capture_files() {
        check_file(&file, &apis, &mut seen);
    }

    let admin = seen.methods.get("admin").cloned().unwrap_or_default();
    let interfaces: BTreeSet<&str> = admin
        .iter()
        .filter_map(|m| m.split_once('.').map(|(i, _)| i))
        .collect();
    assert!(
        admin.len() >= MIN_ADMIN_METHODS,
        "Administration captures call {} methods, want at least {MIN_ADMIN_METHODS}",
        admin.len()
    );
    assert!(
        interfaces.len() >= MIN_ADMIN_INTERFACES,
        "Administration captures use {} interfaces, want at least {MIN_ADMIN_INTERFACES}",
        interfaces.len()
    );

    // Every Statistics method with a known reply (or a role) appears in the captures.
    let stats_api = apis
        .iter()
        .find(|a| a.manifest.name == "stats")
        .expect("stats API in the spec set");
    let stats = seen.methods.get("stats").cloned().unwrap_or_default();
    for iface in &stats_api.interfaces {
        for m in iface.methods.iter() {
            if m.role.is_some() || !m.result.is_empty() {
                let full = format!("{}.{}", iface.name, m.name);
                assert!(stats.contains(&full), "no capture calls `{full}`");
            }
        }
    }

    // Real evidence ships beside the synthesized examples.
    assert!(
        seen.kinds
            .get("public")
            .or(seen.kinds.get("recorded"))
            .is_some(),
        "no public or recorded capture among {:?}",
        seen.kinds
    );

    // The variety tools must cope with stays in the samples.
    assert!(seen.base64_replies > 0, "no base64-encoded reply");
    assert!(seen.calls_without_reply > 0, "no call without a reply");
    assert!(seen.other_entries > 0, "no entry that is not an API call");
    assert!(
        seen.error_replies >= 2,
        "want an application and a session error"
    );
}

#[test]
fn provenance_markers_are_read_strictly() {
    let har = |c: &str| serde_json::json!({"log": {"comment": c}});
    assert_eq!(
        provenance(&har("kerio-capture: public. From a forum")),
        Some("public")
    );
    assert_eq!(
        provenance(&har("kerio-capture: synthesized")),
        Some("synthesized")
    );
    assert_eq!(provenance(&har("kerio-capture: recordedish")), None);
    assert_eq!(provenance(&har("public")), None);
    assert_eq!(provenance(&serde_json::json!({"log": {}})), None);
}

#[test]
fn secret_scan_catches_unredacted_values() {
    let leaked = serde_json::json!({"params": {"password": "hunter2"}});
    let caught = std::panic::catch_unwind(|| assert_no_secret_values(&leaked, "t"));
    assert!(caught.is_err());
    let session = serde_json::json!({"value": "SESSION_CONTROL_WEBADMIN=abc"});
    assert!(std::panic::catch_unwind(|| assert_no_secret_values(&session, "t")).is_err());
    let fine = serde_json::json!({"token": REDACTED, "password": ""});
    assert_no_secret_values(&fine, "t");
    assert_eq!(base64_decode("a2VyaW8="), Some(b"kerio".to_vec()));
}
