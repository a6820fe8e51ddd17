//! A compact JSON description of validated APIs, for programs that interpret the specs
//! at run time rather than compile them (kerio-api's mock appliance).
//!
//! The description keeps what a server needs to check requests and make up replies:
//! every method's params and out-parameters (name, type, optional, lenient, examples),
//! role and `sessionless` flag, every named type (struct fields with their `aliases` and
//! `examples`, enum values, aliases), and of each API its path, port, product and
//! session cookie names when the manifest gives them. Documentation and locations are
//! left out. The layout:
//!
//! ```json
//! {"apis": [{"name": "admin", "path": "/admin/api/jsonrpc/", "port": 4081,
//!   "interfaces": {"Session": {"login": {"role": "login",
//!       "params": [{"name": "userName", "type": "string"}], "result": [...]}}},
//!   "types": {"KId": {"alias": "string"},
//!             "SortDirection": {"enum": ["Asc", "Desc"]},
//!             "Date": {"struct": [{"name": "year", "type": "int32", "optional": true}]}}}]}
//! ```
//!
//! A type is a primitive name (`string`, `boolean`, `int32`, `int64`, `double`, `any`),
//! a named type's name, `{"list": type}` or `{"map": type}`. Flags (`optional`,
//! `nullable`, `lenient`) appear only when true. Keys are sorted, so the output is the
//! same whatever the order of the spec files.

use serde_json::{Map, Value, json};

use crate::Diagnostics;
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
            method.insert("params".into(), params(&m.params));
            method.insert("result".into(), params(&m.result));
            methods.insert(m.name.clone(), Value::Object(method));
        }
        interfaces.insert(iface.name.clone(), Value::Object(methods));
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
                            ],
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
    let m = &api.manifest;
    let mut out = json!({
        "name": m.name,
        "path": m.path,
        "port": m.port,
        "interfaces": interfaces,
        "types": types,
    });
    if let Some(o) = out.as_object_mut() {
        for (key, value) in [
            ("product", &m.product),
            ("sessionCookie", &m.session_cookie),
            ("tokenCookie", &m.token_cookie),
        ] {
            if let Some(v) = value {
                o.insert(key.into(), v.as_str().into());
            }
        }
    }
    out
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
                    ],
                );
                with_examples(&mut e, &p.examples);
                e
            })
            .collect(),
    )
}

fn entry(name: &str, ty: &TypeRef, flags: [(&str, bool); 3]) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), name.into());
    out.insert("type".into(), type_ref(ty));
    for (flag, on) in flags {
        if on {
            out.insert(flag.into(), true.into());
        }
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
                r#"{"api": {"name": "t", "path": "/t/", "port": 1}}"#,
            ),
            Source::new(
                "S.json",
                r#"{"interfaces": {"S": {"methods": {
                    "login": {"role": "login",
                        "params": [{"name": "userName", "type": "string"},
                                   {"name": "extra", "type": {"list": "Pair"}, "optional": true}],
                        "result": [{"name": "token", "type": "string"}]}}}},
                  "types": {"Pair": {"kind": "struct", "fields": [
                        {"name": "k", "type": "Dir", "optional": true}]},
                    "Dir": {"kind": "enum", "values": [{"value": "Asc"}, {"value": "Desc"}]}}}"#,
            ),
        ])
        .expect("valid spec");
        let text = describe(&[api]).expect("described");
        let value: Value = serde_json::from_str(&text).expect("JSON");
        let api = &value["apis"][0];
        assert_eq!(api["path"], "/t/");
        let login = &api["interfaces"]["S"]["login"];
        assert_eq!(login["role"], "login");
        assert_eq!(
            login["params"][1],
            json!({"name": "extra", "type": {"list": "Pair"}, "optional": true})
        );
        assert_eq!(api["types"]["Dir"], json!({"enum": ["Asc", "Desc"]}));
        assert_eq!(
            api["types"]["Pair"],
            json!({"struct": [{"name": "k", "type": "Dir", "optional": true}]})
        );
    }
}
