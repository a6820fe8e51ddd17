//! Several products generated together: module paths, the shared types, product
//! re-exports, sessionless methods, field aliases, and the rules that keep modules
//! unambiguous.

use kerio_codegen::spec::{Api, Source};
use kerio_codegen::{DiagnosticKind, Options, generate, load};

/// One API from a manifest and a body of interfaces and types.
fn api(manifest: &str, body: &str) -> Api {
    let text = format!(r#"{{"api": {manifest}, {body}}}"#);
    load::load_sources(vec![Source::new("api.json", text)]).expect("loads")
}

const QUERY: &str = r#""Query": {"kind": "struct", "doc": "A query.", "fields": [
        {"name": "start", "type": "int64"}, {"name": "order", "type": "Direction"}]},
    "Direction": {"kind": "enum", "doc": "Order.", "values": [{"value": "Asc"}, {"value": "Desc"}]}"#;

fn listing(types: &str) -> String {
    format!(
        r#""interfaces": {{"Session": {{"methods": {{
             "login": {{"role": "login", "params": [{{"name": "userName", "type": "string"}}],
                        "result": [{{"name": "token", "type": "string"}}]}},
             "setUp": {{"sessionless": true, "params": [], "result": []}}}}}},
           "Things": {{"methods": {{"get": {{"params": [{{"name": "query", "type": "Query"}}],
             "result": [{{"name": "user", "type": "User"}}]}}}}}}}},
         "types": {{{types}}}"#
    )
}

fn three() -> Vec<Api> {
    vec![
        api(
            r#"{"name": "admin", "product": "control", "title": "Control admin", "path": "/admin/", "port": 4081}"#,
            &listing(&format!(
                r#"{QUERY}, "User": {{"kind": "struct", "fields": [{{"name": "name", "type": "string"}}]}}"#
            )),
        ),
        api(
            r#"{"name": "connect-admin", "module": "connect::admin", "feature": "connect-admin",
                "product": "connect", "title": "Connect admin", "path": "/admin/", "port": 4040}"#,
            &listing(&format!(
                r#"{QUERY}, "User": {{"kind": "struct", "fields": [{{"name": "name", "type": "string"}}]}}"#
            )),
        ),
        api(
            r#"{"name": "connect-client", "module": "connect::client", "feature": "connect-client",
                "product": "connect", "title": "Connect client", "path": "/webmail/", "port": 443}"#,
            &listing(&format!(
                r#"{QUERY}, "User": {{"kind": "struct", "fields": [
                    {{"name": "TEL_NUM", "type": "string", "aliases": ["telNum"]}}]}}"#
            )),
        ),
    ]
}

/// The text of `pub mod <name> {` up to the next module at the same depth (the code is
/// formatted, so that is its closing brace at the start of a line of the same indent).
fn module<'a>(code: &'a str, indent: &str, name: &str) -> &'a str {
    let open = format!("{indent}pub mod {name} {{\n");
    let start = code
        .find(&open)
        .unwrap_or_else(|| panic!("no module {name}"));
    let rest = &code[start..];
    let close = format!("\n{indent}}}\n");
    &rest[..rest.find(&close).map_or(rest.len(), |e| e + close.len())]
}

#[test]
fn alike_types_are_shared_and_different_ones_stay_apart() {
    let code = generate(&three(), &Options::kerio_api()).expect("generates");
    let shared = module(&code, "", "shared");
    assert!(shared.contains("pub struct Query"), "{shared}");
    assert!(shared.contains("pub enum Direction"), "{shared}");
    // `User` is alike in the two administration APIs only.
    assert!(shared.contains("pub struct User"), "{shared}");
    assert!(
        shared.contains("Control admin (`admin`), Connect admin (`connect::admin`)"),
        "{shared}"
    );
    let connect = module(&code, "", "connect");
    // The product module is compiled when one of its APIs is.
    assert!(
        code.contains("#[cfg(any(feature = \"connect-admin\", feature = \"connect-client\"))]\npub mod connect {"),
        "{code}"
    );
    let client = module(connect, "    ", "client");
    // The client's `User` has another shape: a type of its own, reading both spellings.
    assert!(client.contains("pub struct User"), "{client}");
    assert!(!client.contains("pub use crate::shared::User;"), "{client}");
    assert!(client.contains("alias = \"telNum\""), "{client}");
    assert!(client.contains("pub use crate::shared::Query;"), "{client}");
    let admin = module(connect, "    ", "admin");
    assert!(admin.contains("pub struct ConnectAdmin;"), "{admin}");
    assert!(admin.contains("pub use crate::shared::User;"), "{admin}");
    assert!(admin.contains("const PRODUCT: Option<&'static str> = Some(\"connect\");"));
    assert!(
        admin.contains("impl<S> crate::Sessionless for SetUp<S>"),
        "{admin}"
    );
    // Control's modules stay where they were, and its product module re-exports them.
    let control = module(&code, "", "control");
    assert!(control.contains("pub use crate::admin;"), "{control}");
}

#[test]
fn clashing_modules_and_misplaced_keys_are_rejected() {
    let mut apis = three();
    apis.push(api(
        r#"{"name": "other", "module": "connect::admin", "path": "/o/", "port": 1}"#,
        r#""interfaces": {}"#,
    ));
    apis.push(api(
        r#"{"name": "nested", "module": "connect", "path": "/n/", "port": 1}"#,
        r#""interfaces": {}"#,
    ));
    apis.push(api(
        r#"{"name": "runtime", "module": "fleet", "path": "/f/", "port": 1}"#,
        r#""interfaces": {}"#,
    ));
    apis.push(api(
        r#"{"name": "grouped", "feature": "grouped", "path": "/g/", "port": 1}"#,
        r#""interfaces": {"Things": {"group": "status", "methods": {
             "in": {"role": "logout", "sessionless": true, "params": [], "result": []}}}}"#,
    ));
    let diags = generate(&apis, &Options::kerio_api()).expect_err("rejected");
    let kinds: Vec<(&DiagnosticKind, String)> =
        diags.iter().map(|d| (&d.kind, d.message.clone())).collect();
    let has = |kind: DiagnosticKind, text: &str| {
        kinds.iter().any(|(k, m)| **k == kind && m.contains(text))
    };
    assert!(
        has(
            DiagnosticKind::ModuleClash,
            "APIs `connect-admin` and `other` would both be generated into `connect::admin`"
        ),
        "{diags}"
    );
    assert!(
        has(
            DiagnosticKind::ModuleClash,
            "which also holds the modules of API"
        ),
        "{diags}"
    );
    assert!(
        has(
            DiagnosticKind::ModuleClash,
            "a module the runtime uses itself"
        ),
        "{diags}"
    );
    assert!(
        has(DiagnosticKind::GroupInFeatureApi, "`Things` has a group"),
        "{diags}"
    );
    assert!(
        has(
            DiagnosticKind::SessionlessRole,
            "is sessionless and has the `logout` role"
        ),
        "{diags}"
    );
}
