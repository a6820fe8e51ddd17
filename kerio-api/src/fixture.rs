//! The generator's fixture API (`kerio-codegen/tests/fixtures/small`), compiled from its
//! snapshot with every warning denied, and checked for what the generated code promises:
//! partial structs, wire names, nullable and lenient fields, boxed recursion, redacted
//! secrets and enums that keep unknown values.

#[deny(warnings, missing_docs)]
#[allow(dead_code)] // the fixture's handles are exercised by the shipped API's tests
mod generated {
    include!("../../kerio-codegen/tests/snapshots/demo.rs");
}

use generated::demo::{self, OptionalLong, Query, Thing, ThingState};
use serde_json::json;

use crate::Method;

#[test]
fn partial_structs_send_only_what_is_set() {
    let query = Query::default().start(0).limit(-1);
    assert_eq!(
        serde_json::to_value(&query).unwrap(),
        json!({"start": 0, "limit": -1})
    );
    assert_eq!(serde_json::to_value(Query::default()).unwrap(), json!({}));
    let get = demo::things::Get::new(&query);
    assert_eq!(
        serde_json::to_value(get).unwrap(),
        json!({"query": {"start": 0, "limit": -1}})
    );
    // Optional params are setters, sent once set.
    assert_eq!(
        serde_json::to_value(get.refresh(true)).unwrap(),
        json!({"query": {"start": 0, "limit": -1}, "refresh": true})
    );
    assert_eq!(<demo::things::Get<'static>>::NAME, "Things.get");
}

#[test]
fn wire_names_keywords_nulls_and_lenient_numbers() {
    let thing: Thing = serde_json::from_value(json!({
        "id": "14",
        "type": "router",
        "ipAddressFromDHCP": true,
        "bytes": "30000000000",
        "limit": {"enabled": false, "value": null},
        "parent": {"id": "1", "state": "None"},
        "state": "ThingFirevall",
        "newFirmwareField": [1, 2, 3]
    }))
    .unwrap();
    assert_eq!(thing.r#type.as_deref(), Some("router"));
    assert_eq!(thing.ip_address_from_dhcp, Some(true));
    assert_eq!(thing.bytes, Some(30_000_000_000));
    let mut limit = OptionalLong::default().enabled(false);
    limit.value = Some(None);
    assert_eq!(thing.limit, Some(limit));
    assert_eq!(
        thing.parent.as_ref().and_then(|p| p.state.clone()),
        Some(ThingState::None)
    );
    assert_eq!(thing.state, Some(ThingState::ThingFirevall));
    // Written back: the same wire names, `null` kept inside the wrapper, nothing unset.
    let back = serde_json::to_value(&thing).unwrap();
    assert_eq!(back["ipAddressFromDHCP"], json!(true));
    assert_eq!(back["limit"], json!({"enabled": false, "value": null}));
    assert_eq!(back["bytes"], json!(30_000_000_000_i64));
    assert!(back.get("password").is_none());
    assert!(back.get("newFirmwareField").is_none());
}

#[test]
fn enums_keep_unknown_values() {
    let state: ThingState = serde_json::from_value(json!("ThingTeleported")).unwrap();
    assert_eq!(state, ThingState::Unknown("ThingTeleported".into()));
    assert_eq!(state.as_str(), "ThingTeleported");
    assert_eq!(
        serde_json::to_value(&state).unwrap(),
        json!("ThingTeleported")
    );
    let named: ThingState = serde_json::from_value(json!("Unknown")).unwrap();
    assert_eq!(named, ThingState::UnknownValue);
    assert_eq!(ThingState::None.to_string(), "None");
    let err = serde_json::from_value::<ThingState>(json!(3)).unwrap_err();
    assert!(err.to_string().contains("ThingState"), "{err}");
}

#[test]
fn secrets_are_redacted_from_debug() {
    let thing = Thing::default().password("hunter2-canary");
    let shown = format!("{thing:?}");
    assert!(!shown.contains("hunter2-canary"), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
    let login = demo::session::Login::new("admin", "hunter2-canary");
    let shown = format!("{login:?}");
    assert!(!shown.contains("hunter2-canary"), "{shown}");
    assert!(shown.contains("admin"), "{shown}");
}

#[test]
fn results_decode_into_their_output() {
    type Wire = <demo::things::Get<'static> as Method>::Wire;
    let wire: Wire =
        serde_json::from_value(json!({"list": [{"id": "1"}], "totalItems": "1"})).unwrap();
    let out = <demo::things::Get<'static> as Method>::output(wire);
    assert_eq!(out.total_items, 1);
    assert_eq!(out.list[0].id.as_deref(), Some("1"));
    type Token = <demo::session::Login<'static> as Method>::Wire;
    let token: Token = serde_json::from_value(json!({"token": "abc"})).unwrap();
    assert_eq!(
        <demo::session::Login<'static> as Method>::output(token),
        "abc"
    );
    type Extra = <demo::things::ThingStateParams<'static> as Method>::Wire;
    let extra: Extra = serde_json::from_value(json!({})).unwrap();
    assert_eq!(
        <demo::things::ThingStateParams<'static> as Method>::output(extra).extra,
        None
    );
}

#[test]
fn setters_build_partial_structs() {
    let thing = Thing::default()
        .r#type("router")
        .limit(OptionalLong::default().value(5))
        .parent(Thing::default().id("1"));
    assert_eq!(
        serde_json::to_value(&thing).unwrap(),
        json!({"type": "router", "limit": {"value": 5}, "parent": {"id": "1"}})
    );
}

#[test]
fn missing_out_params_decode_as_defaults() {
    type Wire = <demo::things::Get<'static> as Method>::Wire;
    let wire: Wire = serde_json::from_value(json!({})).unwrap();
    assert_eq!(wire.total_items, 0);
    assert!(wire.list.is_empty());
    // Enums have no default value: a missing enum out-param is `None`.
    type State = <demo::things::GetState as Method>::Wire;
    let state: State = serde_json::from_value(json!({})).unwrap();
    assert_eq!(state.state, None);
}

/// Params that became optional after being required (`"positional"`) stay arguments: the
/// forms a call passed when they were required still compile and send the value, `None`
/// leaves them out.
#[test]
fn positional_optional_params_take_the_old_forms_and_none() {
    let query = Query::default();
    let ids: Vec<String> = vec!["7".into()];
    let owner = String::from("local");
    let sent = |find: demo::things::Find<'_>| serde_json::to_value(find).unwrap();
    assert_eq!(
        sent(demo::things::Find::new(&query, &ids, &owner, true)),
        json!({"query": {}, "ids": ["7"], "owner": "local", "grouped": true})
    );
    assert_eq!(
        sent(demo::things::Find::new(
            &query,
            &["8".to_owned()],
            "local",
            false
        )),
        json!({"query": {}, "ids": ["8"], "owner": "local", "grouped": false})
    );
    assert_eq!(
        sent(demo::things::Find::new(
            &query,
            &ids[..],
            owner.as_str(),
            Some(true)
        )),
        json!({"query": {}, "ids": ["7"], "owner": "local", "grouped": true})
    );
    assert_eq!(
        sent(demo::things::Find::new(&query, None, None, None).refresh(true)),
        json!({"query": {}, "refresh": true})
    );
}
