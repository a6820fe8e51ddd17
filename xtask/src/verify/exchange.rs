//! One HAR entry as the exchanges to check: a plain call, or each command of a batch
//! paired with the reply at the same index of the batch's result array.
//!
//! Bodies are decoded whole into JSON values here (unlike regen, which never keeps a
//! value): the values only travel to the generated decoders, and nothing of them is
//! printed but JSON paths and serde's messages, redacted under secret keys.

use serde_json::{Map, Value};

use super::apis::{Target, decide, route};
use kerio_codegen::learn::har::entry::{EntryView, Text};
use kerio_codegen::learn::{looks_like_jsonrpc, valid_method};

/// What a call got back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// No reply was captured (a cancelled request, or a body the browser did not keep).
    Missing,
    /// A `result` value.
    Result(Value),
    /// An `error`, with its code when it has one.
    Error(Option<i64>),
}

/// One call to check: a plain call, one command of a batch, or the batch itself when its
/// envelope is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// Index of the command in the batch's `commandList`, for commands of a batch.
    pub command: Option<usize>,
    /// `Interface.method` called (the batch method for problems of the batch itself).
    pub method: String,
    /// The params and the reply to decode, when there is a call to check.
    pub call: Option<(Value, Reply)>,
    /// Errors of the JSON-RPC envelope found while unpacking: (JSON path, message).
    pub problems: Vec<(String, String)>,
}

/// What became of one entry.
#[derive(Debug)]
pub enum Outcome<'t> {
    /// Not a call to a JSON-RPC endpoint (a page, a script, an upload).
    NotApi,
    /// A JSON-RPC endpoint that no API of kerio-api serves: its path.
    Unrouted(String),
    /// A call without a request body.
    NoBody,
    /// The entry's calls, to check with the API's generated types.
    Calls(&'t Target, Vec<Exchange>),
}

/// Why an entry cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    /// The method called, when the request could be read.
    pub method: Option<String>,
    /// What is wrong.
    pub reason: String,
}

fn bad(method: Option<&str>, reason: impl Into<String>) -> Bad {
    Bad {
        method: method.map(str::to_owned),
        reason: reason.into(),
    }
}

fn json(text: &Text<'_>) -> Result<Value, String> {
    let bytes = text.decode()?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// The reply in a JSON-RPC response object (or a batch item); `None` when it holds
/// neither `result` nor `error`.
fn envelope(value: Value) -> Option<Reply> {
    let Value::Object(mut map) = value else {
        return None;
    };
    match map.remove("error") {
        Some(e) if !e.is_null() => {
            return Some(Reply::Error(e.get("code").and_then(Value::as_i64)));
        }
        _ => {}
    }
    map.remove("result").map(Reply::Result)
}

/// Reads one entry. Bodies that are not JSON and replies that are not JSON-RPC are
/// [`Bad`]; a wrong batch envelope is a problem of the batch's [`Exchange`].
pub fn read<'t>(view: &EntryView<'_>, targets: &'t [Target]) -> Result<Outcome<'t>, Bad> {
    let Some(path) = view.path.as_deref() else {
        return Ok(Outcome::NotApi);
    };
    let candidates = route(targets, path);
    if candidates.is_empty() {
        return Ok(if looks_like_jsonrpc(path) {
            Outcome::Unrouted(path.to_owned())
        } else {
            Outcome::NotApi
        });
    }
    let Some(body) = view.request_body.filter(|t| !t.is_empty()) else {
        return Ok(Outcome::NoBody);
    };
    let request =
        json(&body).map_err(|e| bad(None, format!("the request body is not JSON: {e}")))?;
    let Value::Object(mut request) = request else {
        return Err(bad(
            None,
            "the request is not a JSON-RPC call (not an object)",
        ));
    };
    let method = match request.get("method") {
        Some(Value::String(m)) if valid_method(m) => m.clone(),
        Some(Value::String(_)) => return Err(bad(None, "the request names no `Interface.method`")),
        _ => {
            return Err(bad(
                None,
                "the request is not a JSON-RPC call (no `method`)",
            ));
        }
    };
    let target = match candidates.as_slice() {
        [one] => *one,
        several => decide(several, &method, view.port).map_err(|e| bad(Some(&method), e))?,
    };
    let params = request.remove("params").unwrap_or(Value::Null);
    let reply = match view.response_body.filter(|t| !t.is_empty()) {
        None => Reply::Missing,
        Some(text) => {
            let value = json(&text)
                .map_err(|e| bad(Some(&method), format!("the response body is not JSON: {e}")))?;
            envelope(value).ok_or_else(|| {
                bad(
                    Some(&method),
                    "the response is not a JSON-RPC reply (no `result` or `error`)",
                )
            })?
        }
    };
    let exchanges = if target.batch == Some(method.as_str()) {
        batch(method, params, reply)
    } else {
        vec![Exchange {
            command: None,
            method,
            call: Some((params, reply)),
            problems: Vec::new(),
        }]
    };
    Ok(Outcome::Calls(target, exchanges))
}

/// The commands of a batch, each with its reply; the batch itself comes first when its
/// envelope has problems (or when it has no command at all).
fn batch(method: String, mut params: Value, reply: Reply) -> Vec<Exchange> {
    let mut own = Exchange {
        command: None,
        method: method.clone(),
        call: None,
        problems: Vec::new(),
    };
    let list = match params.get_mut("commandList").map(Value::take) {
        Some(Value::Array(list)) => list,
        other => {
            let found = other
                .as_ref()
                .map_or("nothing", kerio_codegen::json::json_kind);
            own.problems.push((
                "params.commandList".into(),
                format!("expected an array of commands, found {found}"),
            ));
            Vec::new()
        }
    };
    let mut replies: Vec<Option<Reply>> = match reply {
        Reply::Missing => vec![Some(Reply::Missing); list.len()],
        Reply::Error(code) => vec![Some(Reply::Error(code)); list.len()],
        Reply::Result(Value::Array(items)) => {
            if items.len() != list.len() {
                own.problems.push((
                    "result".into(),
                    format!(
                        "{} replies for {} commands, expected one reply per command",
                        items.len(),
                        list.len()
                    ),
                ));
            }
            items.into_iter().map(envelope).collect()
        }
        Reply::Result(other) => {
            own.problems.push((
                "result".into(),
                format!(
                    "expected an array with one reply per command, found {}",
                    kerio_codegen::json::json_kind(&other)
                ),
            ));
            vec![Some(Reply::Missing); list.len()]
        }
    };
    replies.resize(list.len(), Some(Reply::Missing));
    let mut out = Vec::with_capacity(list.len() + 1);
    let commands: Vec<Exchange> = list
        .into_iter()
        .zip(replies)
        .enumerate()
        .map(|(k, (command, reply))| self::command(&method, k, command, reply))
        .collect();
    if !own.problems.is_empty() || commands.is_empty() {
        out.push(own);
    }
    out.extend(commands);
    out
}

fn command(batch: &str, k: usize, command: Value, reply: Option<Reply>) -> Exchange {
    let mut command = match command {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let method = match command.get("method") {
        Some(Value::String(m)) if valid_method(m) => m.clone(),
        _ => {
            return Exchange {
                command: Some(k),
                method: batch.to_owned(),
                call: None,
                problems: vec![(
                    format!("params.commandList[{k}].method"),
                    "missing, or not `Interface.method`".into(),
                )],
            };
        }
    };
    let params = command.remove("params").unwrap_or(Value::Null);
    let mut problems = Vec::new();
    let reply = reply.unwrap_or_else(|| {
        problems.push((
            "result".into(),
            "the batch's reply for this command holds neither `result` nor `error`".into(),
        ));
        Reply::Missing
    });
    Exchange {
        command: Some(k),
        method,
        call: Some((params, reply)),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::apis::targets;
    use kerio_codegen::learn::har::entry;

    fn entry_json(path: &str, req: &str, resp: Option<&str>) -> String {
        let content = match resp {
            Some(r) => format!(r#"{{"text": {}}}"#, serde_json::to_string(r).expect("s")),
            None => r#"{"size": 0}"#.into(),
        };
        format!(
            r#"{{"request": {{"url": "https://fw:4081{path}", "postData": {{"text": {}}}}}, "response": {{"content": {content}}}}}"#,
            serde_json::to_string(req).expect("s")
        )
    }

    fn read_one(req: &str, resp: Option<&str>) -> Result<Vec<Exchange>, Bad> {
        let text = entry_json("/admin/api/jsonrpc/", req, resp);
        let view = entry::parse(text.as_bytes()).expect("entry");
        match read(&view, &targets(None).expect("targets"))? {
            Outcome::Calls(t, x) => {
                assert_eq!(t.name, "admin");
                Ok(x)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_calls_and_error_replies() {
        let x = read_one(
            r#"{"method": "Users.get", "params": {"domainId": "local"}}"#,
            Some(r#"{"result": {"list": []}}"#),
        )
        .expect("reads");
        assert_eq!(x.len(), 1);
        assert_eq!(x[0].method, "Users.get");
        assert_eq!(
            x[0].call,
            Some((
                json!({"domainId": "local"}),
                Reply::Result(json!({"list": []}))
            ))
        );
        let x = read_one(
            r#"{"method": "Users.get"}"#,
            Some(r#"{"result": null, "error": {"code": -32001, "message": "Session expired."}}"#),
        )
        .expect("reads");
        assert_eq!(x[0].call, Some((Value::Null, Reply::Error(Some(-32001)))));
        let x = read_one(r#"{"method": "Users.get"}"#, None).expect("reads");
        assert_eq!(x[0].call, Some((Value::Null, Reply::Missing)));
    }

    #[test]
    fn batches_pair_commands_with_replies() {
        let x = read_one(
            r#"{"method": "Batch.run", "params": {"commandList": [
                {"method": "A.x", "params": {"p": 1}}, {"method": "B.y"}, {"nomethod": 1}]}}"#,
            Some(r#"{"result": [{"result": {"r": 1}}, {"error": {"code": 1002}}]}"#),
        )
        .expect("reads");
        assert_eq!(x.len(), 4, "{x:?}");
        assert_eq!(x[0].method, "Batch.run");
        assert_eq!(x[0].problems[0].0, "result");
        assert_eq!((x[1].command, x[1].method.as_str()), (Some(0), "A.x"));
        assert_eq!(
            x[1].call,
            Some((json!({"p": 1}), Reply::Result(json!({"r": 1}))))
        );
        assert_eq!(x[2].call, Some((Value::Null, Reply::Error(Some(1002)))));
        assert_eq!(x[3].command, Some(2));
        assert_eq!(x[3].problems[0].0, "params.commandList[2].method");
        let x = read_one(
            r#"{"method": "Batch.run", "params": {"commandList": [{"method": "A.x"}]}}"#,
            Some(r#"{"error": {"code": -32605}}"#),
        )
        .expect("reads");
        assert_eq!(x.len(), 1);
        assert_eq!(x[0].call, Some((Value::Null, Reply::Error(Some(-32605)))));
        let x = read_one(
            r#"{"method": "Batch.run", "params": {}}"#,
            Some(r#"{"result": {}}"#),
        )
        .expect("reads");
        assert_eq!(x.len(), 1);
        let paths: Vec<&str> = x[0].problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["params.commandList", "result"]);
    }

    #[test]
    fn bad_bodies() {
        let e = read_one("not json", None).expect_err("bad");
        assert!(
            e.reason.starts_with("the request body is not JSON"),
            "{e:?}"
        );
        let e = read_one(r#"{"method": "x"}"#, None).expect_err("bad");
        assert!(e.reason.contains("Interface.method"));
        let e = read_one(r#"{"method": "A.x"}"#, Some("<html>")).expect_err("bad");
        assert_eq!(e.method.as_deref(), Some("A.x"));
        assert!(e.reason.starts_with("the response body is not JSON"));
        let e = read_one(r#"{"method": "A.x"}"#, Some(r#"{"id": 1}"#)).expect_err("bad");
        assert!(e.reason.contains("not a JSON-RPC reply"));
    }

    #[test]
    fn other_paths() {
        let t = targets(None).expect("targets");
        for (path, want) in [("/admin/", "NotApi"), ("/x/api/jsonrpc/", "Unrouted")] {
            let text = entry_json(path, "{}", None);
            let view = entry::parse(text.as_bytes()).expect("entry");
            let got = format!("{:?}", read(&view, &t).expect("reads"));
            assert!(got.starts_with(want), "{got}");
        }
    }
}
