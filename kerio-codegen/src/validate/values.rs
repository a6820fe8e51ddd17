//! Checks of what a spec says about values rather than names: `examples` that fit their
//! type, and `positional` only where it means something (an optional param).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diag::{DiagnosticKind, Diagnostics, diag_at};
use crate::spec::*;

/// Every example that does not fit its declared type, and every `positional` flag on an
/// out-parameter or a required param.
pub(super) fn check(api: &Api, types: &BTreeMap<&str, &TypeDef>, d: &mut Diagnostics) {
    let mut err = |kind: DiagnosticKind, loc: &Loc, msg: String, hint: &str| {
        d.push(diag_at(kind, &api.sources, loc, &msg, Some(hint)))
    };
    let mut examples = |what: String, ty: &TypeRef, nullable: bool, values: &[Value], loc: &Loc| {
        for value in values {
            let fine = (nullable && value.is_null()) || fits(value, ty, types, 0);
            if !fine {
                err(
                    DiagnosticKind::ExampleType,
                    loc,
                    format!("example `{value}` of {what} does not fit its type, {ty}"),
                    "an example is a value as the wire carries it, of the declared type",
                );
            }
        }
    };
    for i in &api.interfaces {
        for m in &i.methods {
            for p in m.params.iter().chain(&m.result) {
                let what = format!("`{}.{}` {}", i.name, m.name, p.name);
                examples(what, &p.ty, false, &p.examples, &p.loc);
            }
        }
    }
    for t in &api.types {
        if let TypeKind::Struct(fields) = &t.kind {
            for f in fields {
                let what = format!("field `{}.{}`", t.name, f.name);
                examples(what, &f.ty, f.nullable, &f.examples, &f.loc);
            }
        }
    }
    for i in &api.interfaces {
        for m in &i.methods {
            let wrong = m
                .params
                .iter()
                .filter(|p| p.positional && !p.optional)
                .map(|p| (p, "a required param is positional anyway"))
                .chain(
                    m.result
                        .iter()
                        .filter(|p| p.positional)
                        .map(|p| (p, "only a param can be positional")),
                );
            for (p, why) in wrong {
                err(
                    DiagnosticKind::Positional,
                    &p.loc,
                    format!(
                        "`positional` on `{}` of `{}.{}`: {why}",
                        p.name, i.name, m.name
                    ),
                    "`\"optional\": true, \"positional\": true` keeps a param that became optional an argument of the call",
                );
            }
        }
    }
}

/// True when `value` has the JSON shape of `ty` (struct fields are not checked: examples
/// of structs may be partial, as the wire's are).
fn fits(value: &Value, ty: &TypeRef, types: &BTreeMap<&str, &TypeDef>, depth: usize) -> bool {
    if depth > types.len() + 8 {
        return true;
    }
    match ty {
        TypeRef::Primitive(p) => match p {
            Primitive::String => value.is_string(),
            Primitive::Boolean => value.is_boolean(),
            Primitive::Int32 | Primitive::Int64 => value.is_i64() || value.is_u64(),
            Primitive::Double => value.is_number(),
            Primitive::Any => true,
        },
        TypeRef::Named(n) => match types.get(n.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Struct(_)) => value.is_object(),
            Some(TypeKind::Enum(values)) => value
                .as_str()
                .is_some_and(|s| values.iter().any(|v| v.value == s)),
            Some(TypeKind::Alias(of)) => fits(value, of, types, depth + 1),
            // An unknown type is reported elsewhere.
            None => true,
        },
        TypeRef::List(of) => value
            .as_array()
            .is_some_and(|items| items.iter().all(|v| fits(v, of, types, depth + 1))),
        TypeRef::Map(of) => value
            .as_object()
            .is_some_and(|o| o.values().all(|v| fits(v, of, types, depth + 1))),
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::DiagnosticKind;
    use crate::load::load_sources;
    use crate::spec::Source;

    #[test]
    fn examples_must_fit_and_positional_needs_an_optional_param() {
        let text = r#"{"api": {"name": "t", "path": "/t/", "port": 1},
          "interfaces": {"Hosts": {"methods": {"get": {
            "params": [
              {"name": "limit", "type": "int32", "positional": true, "examples": [5, "five"]},
              {"name": "mode", "type": "Mode", "optional": true, "positional": true, "examples": ["Fast", "Slow"]}
            ],
            "result": [{"name": "list", "type": {"list": "string"}, "positional": true, "examples": [["a"], [1]]}]}}}},
          "types": {
            "Mode": {"kind": "enum", "values": [{"value": "Fast"}]},
            "Host": {"kind": "struct", "fields": [
              {"name": "mac", "type": "string", "nullable": true, "examples": [null, "00:00:5e:00:53:01", {}]}]}}}"#;
        let api = load_sources(vec![Source::new("api.json", text)]).expect("loads");
        let diags = crate::validate::validate(&api).expect_err("rejected");
        let found: Vec<(DiagnosticKind, String)> = diags
            .iter()
            .map(|d| (d.kind.clone(), d.message.clone()))
            .collect();
        let examples: Vec<&str> = found
            .iter()
            .filter(|(k, _)| *k == DiagnosticKind::ExampleType)
            .map(|(_, m)| m.as_str())
            .collect();
        assert_eq!(
            examples,
            [
                "example `\"five\"` of `Hosts.get` limit does not fit its type, int32",
                "example `\"Slow\"` of `Hosts.get` mode does not fit its type, Mode",
                "example `[1]` of `Hosts.get` list does not fit its type, list of string",
                "example `{}` of field `Host.mac` does not fit its type, string",
            ],
            "{diags}"
        );
        let positional = found
            .iter()
            .filter(|(k, _)| *k == DiagnosticKind::Positional)
            .count();
        assert_eq!(positional, 2, "{diags}");
    }
}
