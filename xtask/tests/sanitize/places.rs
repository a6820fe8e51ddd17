//! Where a canary secret hides in a HAR document: a place that marks it as a secret
//! (then copies of it may be anywhere else), or a place that sanitize drops whole
//! (then it is the only copy, since nothing says it is a secret).

use base64::Engine as _;
use proptest::prelude::*;
use serde_json::{Value, json};

#[path = "../../../kerio-codegen/tests/support/plant.rs"]
mod plant;
use plant::plant;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A place that says the canary is a secret.
#[derive(Debug, Clone)]
pub enum Marked {
    LoginPassword,
    LoginToken,
    XToken,
    CookieHeader,
    SetCookie,
    Cookies,
    Bearer,
    Basic,
    UserInfo,
    QueryToken,
    FragmentToken,
    /// Under a secret key, at a random object of a body.
    SecretKey(&'static str, usize, Vec<usize>),
    PasswordShape(usize, Vec<usize>),
    /// `{"password": canary}` as JSON text in a string, encoded 1 to 3 times.
    NestedJson(usize, u8),
    /// As a key (the canary looks like a token).
    TokenKey(usize, Vec<usize>),
    /// `{"token": canary}` in a WebSocket frame.
    WebSocketJson,
}

/// A place sanitize drops whole, whatever it holds.
#[derive(Debug, Clone)]
pub enum Dropped {
    Comment(usize),
    Extra,
    WebSocketText,
    HtmlBody,
    FormBody,
    Referer,
    CustomHeader,
    PageTitle,
    TopLevel,
}

/// Where a copy of a marked canary is.
#[derive(Debug, Clone)]
pub enum Echo {
    /// Replaces a random string value of a body (not the envelope's `method`).
    AnyString(usize, usize, bool),
    /// A new member `note` of a random object of a body.
    Member(usize, Vec<usize>),
    /// A new key of a random object of a body.
    Key(usize, Vec<usize>),
    /// `{"note": canary}` as JSON text, encoded 1 to 3 times.
    NestedJson(usize, u8),
    QueryValue,
    Fragment,
    UserName,
    KeptHeader,
    DroppedHeader,
    StatusText,
    MimeType,
    Creator,
    PageTitleUrl,
    Comment(usize),
    Extra,
    WebSocket,
}

/// One generated case.
#[derive(Debug, Clone)]
pub enum Case {
    Marked(Marked, Vec<Echo>),
    Dropped(Dropped),
}

/// Bodies of the document: login request and reply, hosts request and reply.
pub const BODIES: usize = 4;

fn pick() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(any::<usize>(), 0..4)
}

fn marked() -> impl Strategy<Value = Marked> {
    let key = prop::sample::select(vec![
        "password",
        "psk",
        "sharedSecret",
        "presharedKey",
        "community",
        "privateKey",
        "X-Token",
        "session",
        "credentials",
    ]);
    prop_oneof![
        Just(Marked::LoginPassword),
        Just(Marked::LoginToken),
        Just(Marked::XToken),
        Just(Marked::CookieHeader),
        Just(Marked::SetCookie),
        Just(Marked::Cookies),
        Just(Marked::Bearer),
        Just(Marked::Basic),
        Just(Marked::UserInfo),
        Just(Marked::QueryToken),
        Just(Marked::FragmentToken),
        (key, 0..BODIES, pick()).prop_map(|(k, b, p)| Marked::SecretKey(k, b, p)),
        (0..BODIES, pick()).prop_map(|(b, p)| Marked::PasswordShape(b, p)),
        (0..BODIES, 1..4u8).prop_map(|(b, d)| Marked::NestedJson(b, d)),
        (0..BODIES, pick()).prop_map(|(b, p)| Marked::TokenKey(b, p)),
        Just(Marked::WebSocketJson),
    ]
}

fn dropped() -> impl Strategy<Value = Dropped> {
    prop_oneof![
        (0..COMMENT_PLACES).prop_map(Dropped::Comment),
        Just(Dropped::Extra),
        Just(Dropped::WebSocketText),
        Just(Dropped::HtmlBody),
        Just(Dropped::FormBody),
        Just(Dropped::Referer),
        Just(Dropped::CustomHeader),
        Just(Dropped::PageTitle),
        Just(Dropped::TopLevel),
    ]
}

fn echo() -> impl Strategy<Value = Echo> {
    prop_oneof![
        (0..BODIES, any::<usize>(), any::<bool>()).prop_map(|(b, i, w)| Echo::AnyString(b, i, w)),
        (0..BODIES, pick()).prop_map(|(b, p)| Echo::Member(b, p)),
        (0..BODIES, pick()).prop_map(|(b, p)| Echo::Key(b, p)),
        (0..BODIES, 1..4u8).prop_map(|(b, d)| Echo::NestedJson(b, d)),
        Just(Echo::QueryValue),
        Just(Echo::Fragment),
        Just(Echo::UserName),
        Just(Echo::KeptHeader),
        Just(Echo::DroppedHeader),
        Just(Echo::StatusText),
        Just(Echo::MimeType),
        Just(Echo::Creator),
        Just(Echo::PageTitleUrl),
        (0..COMMENT_PLACES).prop_map(Echo::Comment),
        Just(Echo::Extra),
        Just(Echo::WebSocket),
    ]
}

/// A case: a marked place with up to three copies elsewhere, or a dropped place.
pub fn case() -> impl Strategy<Value = Case> {
    prop_oneof![
        3 => (marked(), prop::collection::vec(echo(), 0..4)).prop_map(|(m, e)| Case::Marked(m, e)),
        1 => dropped().prop_map(Case::Dropped),
    ]
}

/// A canary: a token as sessions have them (letters and digits mixed), so that it is
/// also a secret where only its shape can tell (as a key, as a would-be enum value).
pub fn canary() -> impl Strategy<Value = String> {
    "([a-z][0-9]){8}".prop_map(|s| format!("CANARY{s}"))
}

/// `text` as JSON text in a string, `depth` times.
fn encoded(mut v: Value, depth: u8) -> Value {
    for _ in 0..depth {
        v = Value::String(v.to_string());
    }
    v
}

/// JSON pointers of every string of `v`, but the envelope's.
fn strings(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::String(_) if at != "/method" && at != "/jsonrpc" => out.push(at),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                strings(
                    item,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

/// The document's parts before they become a HAR: bodies, then the entries around them.
struct Doc {
    bodies: [Value; BODIES],
}

/// Comment places: log, creator, browser, page, page timings, entry, request, response,
/// content, timings.
pub const COMMENT_PLACES: usize = 10;

fn comment_at(har: &mut Value, which: usize, text: &str) {
    let log = &mut har["log"];
    let at = match which {
        0 => log,
        1 => &mut log["creator"],
        2 => &mut log["browser"],
        3 => &mut log["pages"][0],
        4 => &mut log["pages"][0]["pageTimings"],
        5 => &mut log["entries"][1],
        6 => &mut log["entries"][1]["request"],
        7 => &mut log["entries"][1]["response"],
        8 => &mut log["entries"][1]["response"]["content"],
        _ => &mut log["entries"][1]["timings"],
    };
    at["comment"] = json!(format!("kerio-capture: recorded; note {text}"));
}

fn host(i: u32) -> Value {
    json!({"id": format!("H-{i}"), "type": if i.is_multiple_of(2) { "ActiveHostHost" } else { "ActiveHostGuest" },
        "hostname": format!("pc-{i}.example.com"), "connections": i,
        "user": {"id": "U-1", "name": "jdoe"}})
}

fn rpc_entry(path: &str, request: &Value, reply: &Value, base64: bool) -> Value {
    let text = reply.to_string();
    let content = if base64 {
        json!({"size": text.len(), "mimeType": "application/json", "encoding": "base64", "text": B64.encode(&text)})
    } else {
        json!({"size": text.len(), "mimeType": "application/json", "text": text})
    };
    json!({
        "pageref": "page_1", "startedDateTime": "2025-03-12T08:41:17.000Z", "time": 12.5,
        "request": {"method": "POST", "url": format!("https://fw.example.com:4081{path}"),
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 10,
            "postData": {"mimeType": "application/json", "text": request.to_string()}},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "cookies": [], "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0.1, "wait": 11.9, "receive": 0.5}
    })
}

/// The HAR document of a case, as JSON.
pub fn document(case: &Case, canary: &str, base64: bool) -> Value {
    let app = json!({"name": "t", "vendor": "v", "version": "1"});
    let mut doc = Doc {
        bodies: [
            json!({"jsonrpc": "2.0", "id": 1, "method": "Session.login",
                "params": {"userName": "admin", "password": "pw-not-the-canary", "application": app}}),
            json!({"jsonrpc": "2.0", "id": 1, "result": {"token": "tk-not-the-canary"}}),
            json!({"jsonrpc": "2.0", "id": 2, "method": "ActiveHosts.get",
                "params": {"query": {"start": 0, "limit": 50}, "refresh": false}}),
            json!({"jsonrpc": "2.0", "id": 2, "result": {"list": [host(1), host(2)], "totalItems": 2}}),
        ],
    };
    let c = canary;
    // Bodies first: the copies, then the marked place, so that no copy changes what
    // marks the canary (a member added to a `Password`-shaped object, a marked string
    // overwritten).
    match case {
        Case::Marked(m, echoes) => {
            for e in echoes {
                match e {
                    Echo::AnyString(b, i, whole) => {
                        let mut all = Vec::new();
                        strings(&doc.bodies[*b], String::new(), &mut all);
                        if let Some(at) = all.get(i % all.len().max(1))
                            && let Some(s) = doc.bodies[*b].pointer_mut(at)
                        {
                            *s = if *whole {
                                json!(c)
                            } else {
                                json!(format!("seen {c} here"))
                            };
                        }
                    }
                    Echo::Member(b, p) => plant(&mut doc.bodies[*b], "note", json!(c), p),
                    Echo::Key(b, p) => plant(&mut doc.bodies[*b], c, json!("x"), p),
                    Echo::NestedJson(b, d) => plant(
                        &mut doc.bodies[*b],
                        "blob2",
                        encoded(json!({"note": c}), *d),
                        &[],
                    ),
                    _ => {}
                }
            }
            match m {
                Marked::LoginPassword => doc.bodies[0]["params"]["password"] = json!(c),
                Marked::LoginToken => doc.bodies[1]["result"]["token"] = json!(c),
                Marked::SecretKey(k, b, p) => {
                    plant(&mut doc.bodies[*b], k, json!({"deep": [c]}), p)
                }
                Marked::PasswordShape(b, p) => plant(
                    &mut doc.bodies[*b],
                    "stored",
                    json!({"value": c, "isSet": true}),
                    p,
                ),
                Marked::NestedJson(b, d) => plant(
                    &mut doc.bodies[*b],
                    "blob",
                    encoded(json!({"password": c}), *d),
                    &[],
                ),
                Marked::TokenKey(b, p) => plant(&mut doc.bodies[*b], c, json!(1), p),
                _ => {}
            }
        }
        Case::Dropped(_) => {}
    }
    let mut entries = vec![
        json!({"pageref": "page_1", "startedDateTime": "2025-03-12T08:41:16.000Z", "time": 3,
            "request": {"method": "GET", "url": "https://fw.example.com:4081/admin/", "httpVersion": "HTTP/1.1",
                "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [],
                "cookies": [], "content": {"size": 13, "mimeType": "text/html", "text": "<html></html>"},
                "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 1}}),
        rpc_entry(
            "/admin/api/jsonrpc/",
            &doc.bodies[0],
            &doc.bodies[1],
            base64,
        ),
        rpc_entry(
            "/admin/api/jsonrpc/",
            &doc.bodies[2],
            &doc.bodies[3],
            base64,
        ),
    ];
    match case {
        Case::Marked(m, echoes) => {
            match m {
                Marked::XToken => push_header(&mut entries[2]["request"], "X-Token", c),
                Marked::CookieHeader => push_header(
                    &mut entries[2]["request"],
                    "Cookie",
                    &format!("SESSION_CONTROL_WEBADMIN={c}; lang=en"),
                ),
                Marked::SetCookie => push_header(
                    &mut entries[2]["response"],
                    "Set-Cookie",
                    &format!("SESSION_CONTROL_WEBADMIN={c}; path=/; secure"),
                ),
                Marked::Cookies => {
                    entries[2]["request"]["cookies"] =
                        json!([{"name": "TOKEN_CONTROL_WEBADMIN", "value": c}])
                }
                Marked::Bearer => push_header(
                    &mut entries[2]["request"],
                    "Authorization",
                    &format!("Bearer {c}"),
                ),
                Marked::Basic => push_header(
                    &mut entries[2]["request"],
                    "Authorization",
                    &format!("Basic {}", B64.encode(format!("admin:{c}"))),
                ),
                Marked::UserInfo => {
                    entries[2]["request"]["url"] = json!(format!(
                        "https://admin:{c}@fw.example.com:4081/admin/api/jsonrpc/"
                    ))
                }
                Marked::QueryToken => {
                    entries[2]["request"]["url"] = json!(format!(
                        "https://fw.example.com:4081/admin/api/jsonrpc/?token={c}"
                    ));
                    entries[2]["request"]["queryString"] = json!([{"name": "token", "value": c}]);
                }
                Marked::FragmentToken => {
                    entries[2]["request"]["url"] = json!(format!(
                        "https://fw.example.com:4081/admin/api/jsonrpc/#access_token={c}"
                    ))
                }
                Marked::WebSocketJson => {
                    entries[2]["_webSocketMessages"] = json!([{"type": "send", "time": 1.0, "opcode": 1,
                        "data": json!({"token": c}).to_string()}])
                }
                _ => {}
            }
            for e in echoes {
                match e {
                    Echo::QueryValue => {
                        let url = entries[2]["request"]["url"].as_str().unwrap_or_default();
                        let (base, fragment) = url.split_once('#').unwrap_or((url, ""));
                        let sep = if base.contains('?') { '&' } else { '?' };
                        let fragment = if fragment.is_empty() {
                            String::new()
                        } else {
                            format!("#{fragment}")
                        };
                        entries[2]["request"]["url"] = json!(format!("{base}{sep}q={c}{fragment}"));
                        if let Some(q) = entries[2]["request"]["queryString"].as_array_mut() {
                            q.push(json!({"name": "q", "value": c}));
                        }
                    }
                    Echo::Fragment => {
                        let url = entries[2]["request"]["url"].as_str().unwrap_or_default();
                        let sep = if url.contains('#') {
                            "&view="
                        } else {
                            "#/view/"
                        };
                        entries[2]["request"]["url"] = json!(format!("{url}{sep}{c}"));
                    }
                    Echo::UserName => {
                        entries[0]["request"]["url"] =
                            json!(format!("https://{c}@fw.example.com:4081/admin/"))
                    }
                    Echo::KeptHeader => {
                        push_header(&mut entries[2]["request"], "Accept-Language", c)
                    }
                    Echo::DroppedHeader => push_header(
                        &mut entries[2]["request"],
                        "Referer",
                        &format!("https://fw.example.com:4081/admin/?x={c}"),
                    ),
                    Echo::StatusText => entries[2]["response"]["statusText"] = json!(c),
                    Echo::MimeType => {
                        entries[2]["request"]["postData"]["mimeType"] =
                            json!(format!("application/json; x={c}"))
                    }
                    Echo::Extra => entries[2]["_note"] = json!(c),
                    Echo::WebSocket => {
                        let frame = json!({"type": "receive", "time": 2.0, "opcode": 1, "data": c});
                        match entries[2]["_webSocketMessages"].as_array_mut() {
                            Some(frames) => frames.push(frame),
                            None => entries[2]["_webSocketMessages"] = json!([frame]),
                        }
                    }
                    _ => {}
                }
            }
        }
        Case::Dropped(d) => match d {
            Dropped::Extra => {
                entries[2]["_initiator"] =
                    json!({"type": "script", "url": format!("https://fw/x.js?{c}")})
            }
            Dropped::WebSocketText => {
                entries[2]["_webSocketMessages"] =
                    json!([{"type": "send", "time": 1.0, "opcode": 1, "data": c}])
            }
            Dropped::HtmlBody => {
                entries[0]["response"]["content"]["text"] = json!(format!("<html>{c}</html>"))
            }
            Dropped::FormBody => {
                entries[0]["request"]["postData"] = json!({"mimeType": "application/x-www-form-urlencoded",
                    "text": format!("user=admin&password={c}"), "params": [{"name": "password", "value": c}]})
            }
            Dropped::Referer => push_header(
                &mut entries[2]["request"],
                "Referer",
                &format!("https://fw/admin/{c}"),
            ),
            Dropped::CustomHeader => push_header(&mut entries[2]["request"], "X-Debug", c),
            _ => {}
        },
    }
    let mut har = json!({"log": {"version": "1.2",
        "creator": {"name": "WebInspector", "version": "537.36"},
        "browser": {"name": "Chrome", "version": "126"},
        "pages": [{"startedDateTime": "2025-03-12T08:41:16.000Z", "id": "page_1",
            "title": "https://fw.example.com:4081/admin/", "pageTimings": {"onLoad": 10}}],
        "comment": "kerio-capture: synthesized",
        "entries": entries}});
    match case {
        Case::Marked(_, echoes) => {
            for e in echoes {
                match e {
                    Echo::Creator => har["log"]["creator"]["version"] = json!(c),
                    Echo::PageTitleUrl => {
                        har["log"]["pages"][0]["title"] =
                            json!(format!("https://fw.example.com:4081/admin/#{c}"))
                    }
                    Echo::Comment(which) => comment_at(&mut har, *which, c),
                    _ => {}
                }
            }
        }
        Case::Dropped(Dropped::Comment(which)) => comment_at(&mut har, *which, c),
        Case::Dropped(Dropped::PageTitle) => {
            har["log"]["pages"][0]["title"] = json!(format!("Kerio {c}"))
        }
        Case::Dropped(Dropped::TopLevel) => {
            har["log"]["_exported"] = json!(c);
            har["meta"] = json!({"owner": c});
        }
        Case::Dropped(_) => {}
    }
    har
}

fn push_header(part: &mut Value, name: &str, value: &str) {
    if let Some(h) = part["headers"].as_array_mut() {
        h.push(json!({"name": name, "value": value}));
    }
}

/// Every text a reader could find the canary in: the text itself, and every string of
/// it decoded as base64 or parsed as JSON text, to any depth.
pub fn readings(text: &str) -> Vec<String> {
    let mut out = vec![text.to_owned()];
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        collect(&v, &mut out);
    }
    out
}

fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            out.push(s.clone());
            if let Ok(bytes) = B64.decode(s.as_bytes()) {
                let decoded = String::from_utf8_lossy(&bytes).into_owned();
                if let Ok(inner) = serde_json::from_str::<Value>(&decoded) {
                    collect(&inner, out);
                }
                out.push(decoded);
            }
            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                collect(&inner, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        Value::Object(m) => {
            for (k, item) in m {
                out.push(k.clone());
                collect(item, out);
            }
        }
        _ => {}
    }
}
