//! Small helpers for JSON values shared by the tasks.

use serde_json::Value;

/// The kind of a JSON value, for messages: "a string", "an array"...
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
