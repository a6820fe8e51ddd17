//! The appliance's `Batch.run`: every command goes through the handlers like a call of
//! its own, and the outcomes come back as an array in order.

use serde_json::{Value, json};

use super::{Reply, RpcCall, State};

/// The batch method.
pub const METHOD: &str = "Batch.run";
/// The most commands one request may hold.
pub const LIMIT: usize = 100;

pub(super) fn run(state: &State, call: &RpcCall) -> Reply {
    let Some(commands) = call.params.get("commandList").and_then(Value::as_array) else {
        return Reply::error(-32605, "Invalid batch.", &[]);
    };
    if commands.len() > LIMIT {
        return Reply::error(-32606, "Too many commands in batch.", &[]);
    }
    let items = commands
        .iter()
        .map(|command| {
            let sub = RpcCall {
                path: call.path.clone(),
                method: command
                    .get("method")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                id: Value::Null,
                params: command.get("params").cloned().unwrap_or(Value::Null),
                headers: call.headers.clone(),
                body: Default::default(),
                batch: true,
            };
            state.record(&sub);
            item(state, &sub, state.route(&sub))
        })
        .collect();
    Reply::result(Value::Array(items))
}

/// One `{"result"}` / `{"error"}` item; replies that only make sense for a whole HTTP
/// exchange (pages, dropped connections) become an internal error.
fn item(state: &State, call: &RpcCall, reply: Reply) -> Value {
    match reply {
        Reply::Result(value) => json!({ "result": value }),
        Reply::ResultRaw(raw) => {
            json!({ "result": serde_json::from_slice::<Value>(&raw).unwrap_or(Value::Null) })
        }
        Reply::Error {
            code,
            message,
            parameters,
        } => json!({ "error": {
            "code": code,
            "message": message,
            "data": {"messageParameters": {"positionalParameters": parameters, "plurality": 1}},
        }}),
        Reply::Builtin => item(state, call, state.builtin(call).0),
        Reply::Status(_, inner) | Reply::Delay(_, inner) | Reply::WithCookies(_, inner) => {
            item(state, call, *inner)
        }
        _ => json!({ "error": {"code": -32603, "message": "Internal error."} }),
    }
}
