//! The shipped spec set loads without problems, and bad files give located diagnostics.

use std::path::Path;

use kerio_codegen::load;
use kerio_codegen::spec::Source;

#[test]
fn shipped_specs_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let apis = load::load_root(&root).unwrap_or_else(|d| panic!("{d}"));
    let admin = apis
        .iter()
        .find(|a| a.manifest.name == "admin")
        .expect("admin API");
    assert_eq!(admin.interfaces.len(), 72);
    assert_eq!(admin.method_count(), 409);
    assert_eq!(admin.types.len(), 509);
}

#[test]
fn every_problem_is_reported_with_its_location() {
    let text = "{\n  \"api\": {\"name\": \"Admin\", \"path\": \"x\", \"port\": 0},\n  \"types\": {\"A\": {\"kind\": \"struct\", \"fields\": [{\"name\": \"a\"}]}, \"B\": {\"kind\": \"blob\"}}\n}\n";
    let err = load::load_sources(vec![Source::new("api.json", text)]).unwrap_err();
    let all = err.to_string();
    for needle in [
        "invalid API name `Admin`",
        "must start with `/`",
        "invalid port 0",
        "a field has no `type`",
        "unknown type kind `blob`",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
    }
    assert!(
        err.iter().all(|d| d.file == "api.json" && d.line > 0),
        "{all}"
    );
}

#[test]
fn invalid_json_names_line_and_column() {
    let err =
        load::load_sources(vec![Source::new("x.json", "{\n  \"types\": {,}\n}")]).unwrap_err();
    let d = err.iter().next().expect("one diagnostic");
    assert_eq!((d.line, d.column), (2, 13), "{d}");
    assert!(d.message.starts_with("invalid JSON"), "{d}");
}

#[test]
fn validation_finds_unknown_types_and_collisions() {
    let api = "{\"api\": {\"name\": \"admin\", \"path\": \"/a/\", \"port\": 4081}}";
    let defs = r#"{"types": {
      "Host": {"kind": "struct", "fields": [{"name": "ipAddr", "type": "IpAdress"}, {"name": "ip_addr", "type": "string"}]},
      "IpAddress": {"kind": "alias", "of": "string"},
      "Kind": {"kind": "enum", "values": [{"value": "foo_bar"}, {"value": "FooBar"}]}
    }}"#;
    let api = load::load_sources(vec![
        Source::new("api.json", api),
        Source::new("t.json", defs),
    ])
    .unwrap();
    let err = kerio_codegen::validate::validate(&api)
        .unwrap_err()
        .to_string();
    for needle in [
        "unknown type `IpAdress`",
        "did you mean `IpAddress`?",
        "field `ip_addr` collides",
        "enum value `FooBar` collides",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
}

#[test]
fn shipped_specs_validate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    for api in load::load_root(&root).unwrap_or_else(|d| panic!("{d}")) {
        kerio_codegen::validate::validate(&api).unwrap_or_else(|d| panic!("{d}"));
    }
}

#[test]
fn login_role_needs_one_string_token() {
    let api = r#"{"api": {"name": "admin", "path": "/a/", "port": 4081}, "interfaces": {"Session": {"methods": {
      "login": {"role": "login", "params": [], "result": [{"name": "token", "type": "int64"}]},
      "other": {"role": "login", "params": [], "result": []}
    }}}}"#;
    let api = load::load_sources(vec![Source::new("api.json", api)]).unwrap();
    let err = kerio_codegen::validate::validate(&api)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("must have exactly one out-parameter of type string"),
        "{err}"
    );
    assert!(err.contains("a second `login` method"), "{err}");
}

#[test]
fn confirm_roles_need_their_shapes() {
    let api = r#"{"api": {"name": "admin", "path": "/a/", "port": 4081}, "interfaces": {"Session": {"methods": {
      "stamp": {"role": "configTimestamp", "params": [{"name": "x", "type": "string"}], "result": [{"name": "list", "type": {"list": "string"}}]},
      "confirm": {"role": "confirmConfig", "params": [{"name": "list", "type": "Stamps"}], "result": [{"name": "ok", "type": "string"}]}
    }}}, "types": {"Stamps": {"kind": "alias", "of": {"list": "string"}}}}"#;
    let api = load::load_sources(vec![Source::new("api.json", api)]).unwrap();
    let err = kerio_codegen::validate::validate(&api)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("configTimestamp method `Session.stamp` must have no required params"),
        "{err}"
    );
    assert!(
        err.contains("confirmConfig method `Session.confirm` must have exactly one list param"),
        "{err}"
    );
}

#[test]
fn alias_cycles_are_reported() {
    let api = r#"{"api": {"name": "admin", "path": "/a/", "port": 4081}, "types": {
      "A": {"kind": "alias", "of": "B"},
      "B": {"kind": "alias", "of": {"list": "C"}},
      "C": {"kind": "alias", "of": "C"},
      "D": {"kind": "alias", "of": "A"}
    }}"#;
    let api = load::load_sources(vec![Source::new("api.json", api)]).unwrap();
    let err = kerio_codegen::validate::validate(&api)
        .unwrap_err()
        .to_string();
    assert!(err.contains("alias `C` refers to itself"), "{err}");
    assert!(!err.contains("alias `A`"), "{err}");
    assert!(!err.contains("alias `D`"), "{err}");
    let api = r#"{"api": {"name": "admin", "path": "/a/", "port": 4081}, "types": {
      "Tree": {"kind": "alias", "of": {"map": {"list": "Tree"}}}
    }}"#;
    let api = load::load_sources(vec![Source::new("api.json", api)]).unwrap();
    let err = kerio_codegen::validate::validate(&api)
        .unwrap_err()
        .to_string();
    assert!(err.contains("alias `Tree` refers to itself"), "{err}");
}
