//! A compact JSON description of validated APIs, for programs that interpret the specs
//! at run time rather than compile them (kerio-api's mock appliance and the `kerio`
//! command line), which read it through one model, `kerio_api::dynamic::description`:
//! a key added here is added there.
//!
//! The description keeps what a server needs to check requests and make up replies, and
//! what a command line needs to check params and explain methods: every method's params
//! and out-parameters (name, type, optional, lenient, secret, examples, doc), role,
//! `sessionless` flag, paging and doc, every interface's doc, every named type (struct
//! fields with their `aliases` and `examples`, enum values, aliases), and of each API its
//! path, port, product and session cookie names when the manifest gives them, its Rust
//! module below `kerio_api` and the Cargo feature that compiles it (none for an API
//! always compiled). Type docs
//! and locations are left out. The layout:
//!
//! ```json
//! {"apis": [{"name": "admin", "title": "…", "doc": "…", "path": "/admin/api/jsonrpc/",
//!   "port": 4081, "module": "admin", "product": "control",
//!   "docs": {"Session": "…"},
//!   "interfaces": {"Session": {"login": {"role": "login", "doc": "…",
//!       "params": [{"name": "userName", "type": "string"},
//!                  {"name": "password", "type": "string", "secret": true}],
//!       "result": [...]}}},
//!   "types": {"KId": {"alias": "string"},
//!             "SortDirection": {"enum": ["Asc", "Desc"]},
//!             "Date": {"struct": [{"name": "year", "type": "int32", "optional": true}]}}}]}
//! ```
//!
//! A type is a primitive name (`string`, `boolean`, `int32`, `int64`, `double`, `any`),
//! a named type's name, `{"list": type}` or `{"map": type}`. Flags (`optional`,
//! `nullable`, `lenient`, and `secret` for names the one secret policy,
//! [`crate::secrets::is_secret_name`], calls secret) appear only when true, `doc` only
//! when the spec has one. A method that pages has
//! `"paging": {"offset": ["query", "start"], "limit": ["query", "limit"], "list": "list",
//! "total": "totalItems"}`, with `"firstPageOnly": ["refresh"]` when the spec names
//! flags sent with the first page only (and as `false` after). Keys are sorted, so the output is the same whatever the
//! order of the spec files.

use serde_json::{Map, Value, json};

use crate::Diagnostics;
use crate::secrets::is_secret_name;
use crate::spec::{Api, Param, TypeKind, TypeRef};

/// Validates every API and describes them all (APIs in name order).
pub fn describe(apis: &[Api]) -> Result<String, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut sorted: Vec<&Api> = apis.iter().collect();
    sorted.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
    let mut out = Vec::new();
    for api in sorted {
        match crate::validate::validate(api) {
            Ok(()) => out.push(describe_api(api)),
            Err(d) => diags.0.extend(d.0),
        }
    }
    diags.into_result(json!({ "apis": out }).to_string())
}

fn describe_api(api: &Api) -> Value {
    let mut interfaces = Map::new();
    let mut docs = Map::new();
    for iface in &api.interfaces {
        let mut methods = Map::new();
        for m in &iface.methods {
            let mut method = Map::new();
            if let Some(role) = m.role {
                method.insert("role".into(), role.as_str().into());
            }
            if m.sessionless {
                method.insert("sessionless".into(), true.into());
            }
            if let Some(doc) = &m.doc {
                method.insert("doc".into(), doc.as_str().into());
            }
            if let Some(p) = &m.paging {
                let mut paging = json!({"offset": p.offset, "limit": p.limit, "list": p.list,
                    "total": p.total});
                if let (false, Some(o)) = (p.first_page_only.is_empty(), paging.as_object_mut()) {
                    o.insert("firstPageOnly".into(), json!(p.first_page_only));
                }
                method.insert("paging".into(), paging);
            }
            method.insert("params".into(), params(&m.params));
            method.insert("result".into(), params(&m.result));
            methods.insert(m.name.clone(), Value::Object(method));
        }
        interfaces.insert(iface.name.clone(), Value::Object(methods));
        if let Some(doc) = &iface.doc {
            docs.insert(iface.name.clone(), doc.as_str().into());
        }
    }
    let mut types = Map::new();
    for def in &api.types {
        let kind = match &def.kind {
            TypeKind::Struct(fields) => {
                let fields = fields
                    .iter()
                    .map(|f| {
                        let mut e = entry(
                            &f.name,
                            &f.ty,
                            [
                                ("optional", f.optional),
                                ("nullable", f.nullable),
                                ("lenient", f.lenient),
                                ("secret", is_secret_name(&f.name)),
                            ],
                            None,
                        );
                        if let (false, Some(o)) = (f.aliases.is_empty(), e.as_object_mut()) {
                            o.insert("aliases".into(), json!(f.aliases));
                        }
                        with_examples(&mut e, &f.examples);
                        e
                    })
                    .collect();
                json!({ "struct": Value::Array(fields) })
            }
            TypeKind::Enum(values) => {
                json!({ "enum": values.iter().map(|v| v.value.clone()).collect::<Vec<_>>() })
            }
            TypeKind::Alias(of) => json!({ "alias": type_ref(of) }),
        };
        types.insert(def.name.clone(), kind);
    }
    let manifest = &api.manifest;
    let mut out = Map::new();
    out.insert("name".into(), manifest.name.as_str().into());
    for (key, text) in [("title", &manifest.title), ("doc", &manifest.doc)] {
        if let Some(text) = text {
            out.insert(key.into(), text.as_str().into());
        }
    }
    out.insert("path".into(), manifest.path.as_str().into());
    out.insert("port".into(), manifest.port.into());
    out.insert("module".into(), manifest.module.join("::").into());
    for (key, value) in [
        ("feature", &manifest.feature),
        ("product", &manifest.product),
        ("sessionCookie", &manifest.session_cookie),
        ("tokenCookie", &manifest.token_cookie),
    ] {
        if let Some(v) = value {
            out.insert(key.into(), v.as_str().into());
        }
    }
    out.insert("docs".into(), Value::Object(docs));
    out.insert("interfaces".into(), Value::Object(interfaces));
    out.insert("types".into(), Value::Object(types));
    Value::Object(out)
}

fn params(params: &[Param]) -> Value {
    Value::Array(
        params
            .iter()
            .map(|p| {
                let mut e = entry(
                    &p.name,
                    &p.ty,
                    [
                        ("optional", p.optional),
                        ("lenient", p.lenient),
                        ("nullable", false),
                        ("secret", is_secret_name(&p.name)),
                    ],
                    p.doc.as_deref(),
                );
                with_examples(&mut e, &p.examples);
                e
            })
            .collect(),
    )
}

fn entry(name: &str, ty: &TypeRef, flags: [(&str, bool); 4], doc: Option<&str>) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), name.into());
    out.insert("type".into(), type_ref(ty));
    for (flag, on) in flags {
        if on {
            out.insert(flag.into(), true.into());
        }
    }
    if let Some(doc) = doc {
        out.insert("doc".into(), doc.into());
    }
    Value::Object(out)
}

/// Puts a member's `examples` into its entry, when it has some.
fn with_examples(entry: &mut Value, examples: &[Value]) {
    if let (false, Some(o)) = (examples.is_empty(), entry.as_object_mut()) {
        o.insert("examples".into(), Value::Array(examples.to_vec()));
    }
}

fn type_ref(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Primitive(p) => p.as_str().into(),
        TypeRef::Named(n) => n.as_str().into(),
        TypeRef::List(t) => json!({ "list": type_ref(t) }),
        TypeRef::Map(t) => json!({ "map": type_ref(t) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_sources;
    use crate::spec::Source;

    #[test]
    fn describes_methods_types_and_roles() {
        let api = load_sources(vec![
            Source::new(
                "api.json",
                r#"{"api": {"name": "t", "title": "Test API", "path": "/t/", "port": 1}}"#,
            ),
            Source::new(
                "S.json",
                r#"{"interfaces": {"S": {"doc": "Sessions.", "methods": {
                    "login": {"role": "login", "doc": "Logs in.",
                        "params": [{"name": "userName", "type": "string", "doc": "Who."},
                                   {"name": "password", "type": "string"},
                                   {"name": "extra", "type": {"list": "Pair"}, "optional": true}],
                        "result": [{"name": "token", "type": "string"}]},
                    "get": {"params": [{"name": "start", "type": "int32"},
                                       {"name": "limit", "type": "int32"}],
                        "paging": {"offset": "start", "limit": "limit", "list": "list", "total": "total"},
                        "result": [{"name": "list", "type": {"list": "Pair"}},
                                   {"name": "total", "type": "int64"}]}}}},
                  "types": {"Pair": {"kind": "struct", "fields": [
                        {"name": "k", "type": "Dir", "optional": true},
                        {"name": "secret", "type": "string"}]},
                    "Dir": {"kind": "enum", "values": [{"value": "Asc"}, {"value": "Desc"}]}}}"#,
            ),
        ])
        .expect("valid spec");
        let text = describe(&[api]).expect("described");
        let value: Value = serde_json::from_str(&text).expect("JSON");
        let api = &value["apis"][0];
        assert_eq!(api["path"], "/t/");
        assert_eq!(api["module"], "t");
        assert_eq!(api.get("feature"), None);
        assert_eq!(api["title"], "Test API");
        assert_eq!(api["docs"]["S"], "Sessions.");
        let login = &api["interfaces"]["S"]["login"];
        assert_eq!(login["role"], "login");
        assert_eq!(login["doc"], "Logs in.");
        assert_eq!(
            login["params"][0],
            json!({"name": "userName", "type": "string", "doc": "Who."})
        );
        assert_eq!(
            login["params"][1],
            json!({"name": "password", "type": "string", "secret": true})
        );
        assert_eq!(
            login["params"][2],
            json!({"name": "extra", "type": {"list": "Pair"}, "optional": true})
        );
        assert_eq!(
            api["interfaces"]["S"]["get"]["paging"],
            json!({"offset": ["start"], "limit": ["limit"], "list": "list", "total": "total"})
        );
        assert_eq!(api["types"]["Dir"], json!({"enum": ["Asc", "Desc"]}));
        assert_eq!(
            api["types"]["Pair"],
            json!({"struct": [{"name": "k", "type": "Dir", "optional": true},
                              {"name": "secret", "type": "string", "secret": true}]})
        );
    }
}
