use kerio_codegen::load::load_sources;
use kerio_codegen::spec::Source;

use super::*;

/// Parses `text` and checks that writing the model back gives the same JSON: nothing
/// the description holds is dropped (serde ignores keys a model does not name).
fn round_trip(text: &str) -> Description {
    let parsed = Description::parse(text).expect("the model reads the description");
    let written = serde_json::to_value(&parsed).expect("serializable");
    let original: Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(written, original, "a key of the description is not read");
    parsed
}

#[test]
fn the_built_in_description_is_read_whole() {
    let text = super::super::DESCRIPTION;
    round_trip(text);
    let built_in = description().expect("the built-in description");
    let admin = built_in.api("admin").expect("admin");
    assert_eq!(admin.path, "/admin/api/jsonrpc/");
    assert!(admin.methods().count() > 100);
    let names: Vec<&str> = built_in.apis.iter().map(|a| a.name.as_str()).collect();
    assert!(names.is_sorted(), "{names:?}");
}

/// Every key `kerio_codegen::describe` writes, on a spec set that has them all.
#[test]
fn every_key_describe_writes_is_read() {
    let api = load_sources(vec![
        Source::new(
            "api.json",
            r#"{"api": {"name": "t-admin", "title": "Test API", "doc": "For tests.",
                "path": "/t/", "port": 1, "module": "t::admin", "feature": "t-admin",
                "product": "t", "sessionCookie": "SID", "tokenCookie": "TOK"}}"#,
        ),
        Source::new(
            "S.json",
            r#"{"interfaces": {"S": {"doc": "Sessions.", "methods": {
                "login": {"role": "login", "doc": "Logs in.",
                    "params": [{"name": "userName", "type": "string", "doc": "Who.",
                                "examples": ["admin"]},
                               {"name": "password", "type": "string"},
                               {"name": "size", "type": "int64", "optional": true,
                                "lenient": true}],
                    "result": [{"name": "token", "type": "string"}]},
                "init": {"sessionless": true, "params": [], "result": []},
                "get": {"params": [{"name": "query", "type": "Query"},
                                   {"name": "refresh", "type": "boolean"}],
                    "paging": {"offset": "query.start", "limit": "query.limit",
                               "list": "list", "total": "total",
                               "firstPageOnly": ["refresh"]},
                    "result": [{"name": "list", "type": {"list": "Pair"}},
                               {"name": "total", "type": "int32"}]}}}},
              "types": {
                "Query": {"kind": "struct", "fields": [
                    {"name": "start", "type": "int32"}, {"name": "limit", "type": "int32"}]},
                "Pair": {"kind": "struct", "fields": [
                    {"name": "k", "type": "Dir", "optional": true, "nullable": true},
                    {"name": "telNum", "type": "string", "aliases": ["tel_num"],
                     "examples": ["+420 123"]},
                    {"name": "bytes", "type": "int64", "lenient": true},
                    {"name": "secret", "type": "string"},
                    {"name": "more", "type": {"map": "KId"}}]},
                "Dir": {"kind": "enum", "values": [{"value": "Asc"}, {"value": "Desc"}]},
                "KId": {"kind": "alias", "of": "string"}}}"#,
        ),
    ])
    .expect("valid spec");
    let text = kerio_codegen::describe::describe(&[api]).expect("described");
    let parsed = round_trip(&text);
    let api = parsed.api("t-admin").expect("t-admin");
    assert_eq!(api.title.as_deref(), Some("Test API"));
    assert_eq!(api.doc.as_deref(), Some("For tests."));
    assert_eq!((api.path.as_str(), api.port), ("/t/", 1));
    assert_eq!(api.module, "t::admin");
    assert_eq!(api.feature.as_deref(), Some("t-admin"));
    assert_eq!(api.product.as_deref(), Some("t"));
    assert_eq!(api.session_cookie.as_deref(), Some("SID"));
    assert_eq!(api.token_cookie.as_deref(), Some("TOK"));
    assert_eq!(api.docs["S"], "Sessions.");
    let s = &api.interfaces["S"];
    let login = &s["login"];
    assert_eq!(login.role.as_deref(), Some("login"));
    assert_eq!(login.doc.as_deref(), Some("Logs in."));
    assert_eq!(login.params[0].doc.as_deref(), Some("Who."));
    assert_eq!(login.params[0].examples, [Value::from("admin")]);
    assert!(login.params[1].secret && !login.params[0].secret);
    assert!(login.params[2].optional && login.params[2].lenient);
    assert!(s["init"].sessionless && !login.sessionless);
    let paging = s["get"].paging.as_ref().expect("paging");
    assert_eq!(paging.offset, ["query", "start"]);
    assert_eq!(paging.limit, ["query", "limit"]);
    assert_eq!(
        (paging.list.as_str(), paging.total.as_str()),
        ("list", "total")
    );
    assert_eq!(paging.first_page_only, ["refresh"]);
    let Some(TypeDef::Struct(pair)) = api.types.get("Pair") else {
        panic!("Pair is a struct");
    };
    assert!(pair[0].optional && pair[0].nullable);
    assert!(pair[1].answers_to("tel_num") && pair[1].answers_to("telNum"));
    assert_eq!(pair[1].examples, [Value::from("+420 123")]);
    assert!(pair[2].lenient && pair[3].secret);
    assert!(matches!(api.shape(&pair[0].ty), Shape::Enum("Dir", values) if values.len() == 2));
    let Shape::Map(of) = api.shape(&pair[4].ty) else {
        panic!("a map");
    };
    assert!(
        matches!(api.shape(of), Shape::String),
        "KId is an alias of string"
    );
    assert!(matches!(api.types.get("KId"), Some(TypeDef::Alias(_))));
    let wires: Vec<String> = api.methods().map(|(wire, _)| wire).collect();
    assert_eq!(wires, ["S.get", "S.init", "S.login"]);
}
