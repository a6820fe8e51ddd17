//! The appliances the mock plays, one profile per product: a small office firewall
//! (Kerio Control, `control`), a small mail server (Kerio Connect, `connect`) and a small
//! PBX (Kerio Operator, `operator`). Which one answers a call is decided by the
//! `product` of the manifest of the API the call reaches (in the spec description),
//! never by the API's name, so that an API added to a product gets its profile too.
//!
//! Every value is made up and obviously fictitious (`example.com` names, addresses of the
//! documentation ranges, registration IDs `MOCK-…`); only shapes and units follow the
//! specs, and where a spec says a unit is not known, the profile picks an ordinary one
//! and says so. Each profile puts its figures into whole results; the
//! [`ApplianceState`] then changes those its state is about. The profiles are JSON made
//! from the spec description, so each product's mock plays it whatever Cargo features
//! the typed client is built with.

mod connect;
pub(crate) mod control;
mod operator;

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::ApplianceState;

pub use connect::{
    CURRENT_VERSION as CONNECT_CURRENT_VERSION, OLDER_VERSION as CONNECT_OLDER_VERSION,
};
pub use operator::{
    CURRENT_VERSION as OPERATOR_CURRENT_VERSION, OLDER_VERSION as OPERATOR_OLDER_VERSION,
};

/// One GiB, in bytes.
pub(super) const GIB: f64 = 1_073_741_824.0;
/// One day, in seconds.
pub(super) const DAY: i64 = 86_400;

/// Puts the profile of `product` and the `state` into the result of `method` (a whole
/// result; `params` are the call's, for the listings a profile pages itself).
pub(crate) fn patch(
    product: Option<&str>,
    state: ApplianceState,
    method: &str,
    params: &Value,
    result: &mut Value,
) {
    match product {
        Some("control") => state.patch_control(method, result),
        Some("connect") => connect::patch(state, method, result),
        Some("operator") => operator::patch(state, method, params, result),
        _ => {}
    }
}

/// Puts the profile of `product` into the first list of a listing interface (the result
/// of its `get`, before any change).
pub(crate) fn seed(product: Option<&str>, state: ApplianceState, get: &str, result: &mut Value) {
    match product {
        Some("control") => control::seed(get, result),
        Some("connect") => connect::seed(state, get, result),
        _ => {}
    }
}

/// Now, in seconds since the Unix epoch.
pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Sets the value at a path of object keys, creating objects on the way.
pub(super) fn set(value: &mut Value, path: &[&str], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = value;
    for key in parents {
        if !at.get(*key).is_some_and(Value::is_object) {
            let Some(o) = at.as_object_mut() else {
                return;
            };
            o.insert((*key).to_owned(), json!({}));
        }
        let Some(next) = at.get_mut(*key) else {
            return;
        };
        at = next;
    }
    if let Some(o) = at.as_object_mut() {
        o.insert((*last).to_owned(), new);
    }
}

/// Merges the members of `new` into the object at `key` of `result` (created when
/// missing or not an object).
pub(super) fn merge(result: &mut Value, key: &str, new: Value) {
    let Some(o) = result.as_object_mut() else {
        return;
    };
    let slot = o.entry(key).or_insert_with(|| json!({}));
    if !slot.is_object() {
        *slot = json!({});
    }
    merge_into(slot, new);
}

/// Adds the members of `new` to `target` when both are objects.
pub(super) fn merge_into(target: &mut Value, new: Value) {
    if let (Some(t), Value::Object(n)) = (target.as_object_mut(), new) {
        t.extend(n);
    }
}

/// A CPU or memory history of `count` samples near `level` percent, wobbling by a few
/// points in a fixed pattern.
pub(super) fn series(level: f64, count: usize) -> Value {
    Value::Array(
        (0..count)
            .map(|i| json!(level + f64::from(u8::try_from(i % 5).unwrap_or(0)) - 2.0))
            .collect(),
    )
}

/// A time as `YYYY-MM-DD HH:MM` (UTC), for fields the server formats as text in a way
/// no source shows.
pub(super) fn date_time(unix: i64) -> String {
    let days = unix.div_euclid(DAY);
    let secs = unix.rem_euclid(DAY);
    // Civil date from days since 1970-01-01 (the proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(date_time(0), "1970-01-01 00:00");
        assert_eq!(date_time(1_800_000_000), "2027-01-15 08:00");
        assert_eq!(date_time(951_782_400 + 3_660), "2000-02-29 01:01");
    }

    #[test]
    fn set_makes_the_path() {
        let mut v = json!({"a": 1});
        set(&mut v, &["b", "c"], json!(2));
        assert_eq!(v, json!({"a": 1, "b": {"c": 2}}));
    }
}
