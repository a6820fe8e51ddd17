//! Validation of `paging` declarations: the offset and page size name integer params (or
//! integer fields of one struct param, required or kept positional: the stream sends it on
//! every page), the list and total name out-parameters of a list and an integer type, and
//! `firstPageOnly` names required boolean params.

use std::collections::BTreeMap;

use crate::diag::{DiagnosticKind, Diagnostics, diag_at};
use crate::spec::*;

/// What a type reference is once aliases are followed.
enum Resolved<'a> {
    Integer,
    Boolean,
    List,
    Struct(&'a [Field]),
    Other,
}

fn resolve<'a>(ty: &'a TypeRef, types: &BTreeMap<&str, &'a TypeDef>) -> Resolved<'a> {
    let mut ty = ty;
    for _ in 0..=types.len() {
        match ty {
            TypeRef::Primitive(Primitive::Int32 | Primitive::Int64) => return Resolved::Integer,
            TypeRef::Primitive(Primitive::Boolean) => return Resolved::Boolean,
            TypeRef::List(_) => return Resolved::List,
            TypeRef::Named(n) => match types.get(n.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Alias(of)) => ty = of,
                Some(TypeKind::Struct(fields)) => return Resolved::Struct(fields),
                _ => return Resolved::Other,
            },
            _ => return Resolved::Other,
        }
    }
    Resolved::Other
}

/// Checks every `paging` declaration of an API; the errors point at the declaration.
pub(crate) fn check(api: &Api, types: &BTreeMap<&str, &TypeDef>, d: &mut Diagnostics) {
    for i in &api.interfaces {
        for m in &i.methods {
            if let Some(p) = &m.paging {
                check_method(api, types, i, m, p, d);
            }
        }
    }
}

fn check_method(
    api: &Api,
    types: &BTreeMap<&str, &TypeDef>,
    i: &Interface,
    m: &Method,
    p: &Paging,
    d: &mut Diagnostics,
) {
    let mut err = |key: &str, message: String, hint: &str| {
        let loc = Loc {
            pointer: format!("{}/{key}", p.loc.pointer),
            ..p.loc.clone()
        };
        d.push(diag_at(
            DiagnosticKind::Paging,
            &api.sources,
            &loc,
            &message,
            Some(hint),
        ));
    };
    let method = format!("{}.{}", i.name, m.name);
    for (key, path) in [("offset", &p.offset), ("limit", &p.limit)] {
        let shown = path.join(".");
        let hint = "name an integer param (`start`) or an integer field of a required or positional struct param (`query.start`)";
        let param = path
            .first()
            .and_then(|name| m.params.iter().find(|q| &q.name == name));
        let ok = match (param, path.as_slice()) {
            (Some(q), [_]) => !q.optional && matches!(resolve(&q.ty, types), Resolved::Integer),
            // A struct param left out is sent anyway, empty but for the page's fields.
            (Some(q), [_, field]) => {
                (!q.optional || q.positional)
                    && match resolve(&q.ty, types) {
                        Resolved::Struct(fields) => fields.iter().any(|f| {
                            &f.name == field && matches!(resolve(&f.ty, types), Resolved::Integer)
                        }),
                        _ => false,
                    }
            }
            _ => false,
        };
        if !ok {
            err(
                key,
                format!(
                    "paging `{key}` of `{method}` is `{shown}`, which is not an integer param or field of it"
                ),
                hint,
            );
        }
    }
    // Both are driven together: params of their own, or fields of the same param.
    let same_shape = match (p.offset.as_slice(), p.limit.as_slice()) {
        ([_], [_]) => true,
        ([a, _], [b, _]) => a == b,
        _ => false,
    };
    if !same_shape {
        err(
            "limit",
            format!("paging of `{method}` takes `offset` and `limit` from different places"),
            "both params of their own, or both fields of the same param",
        );
    }
    for (i, name) in p.first_page_only.iter().enumerate() {
        let param = m.params.iter().find(|q| &q.name == name);
        let driven = p.offset.first() == Some(name) || p.limit.first() == Some(name);
        let ok = param.is_some_and(|q| {
            !q.optional && !driven && matches!(resolve(&q.ty, types), Resolved::Boolean)
        });
        if !ok {
            err(
                &format!("firstPageOnly/{i}"),
                format!(
                    "paging `firstPageOnly` of `{method}` names `{name}`, which is not a required boolean param"
                ),
                "name the flags (`refresh`) the stream sends as given with the first page and as false with the others",
            );
        }
    }
    let out = |name: &str| m.result.iter().find(|o| o.name == name);
    if !out(&p.list).is_some_and(|o| matches!(resolve(&o.ty, types), Resolved::List)) {
        err(
            "list",
            format!(
                "paging `list` of `{method}` is `{}`, which is not a list out-parameter",
                p.list
            ),
            "name the out-parameter holding the page's items",
        );
    }
    if !out(&p.total).is_some_and(|o| matches!(resolve(&o.ty, types), Resolved::Integer)) {
        err(
            "total",
            format!(
                "paging `total` of `{method}` is `{}`, which is not an integer out-parameter",
                p.total
            ),
            "name the out-parameter holding the number of items in all pages",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load_sources;
    use crate::spec::Source;
    use crate::validate::validate;

    fn api(paging: &str) -> crate::spec::Api {
        api_with(r#""type": "Query""#, paging)
    }

    /// The API with `query` declared by `query` (its type and flags).
    fn api_with(query: &str, paging: &str) -> crate::spec::Api {
        let text = format!(
            r#"{{"api": {{"name": "demo", "path": "/a/", "port": 4081}},
            "interfaces": {{"Things": {{"methods": {{"get": {{
                "params": [
                    {{"name": "query", {query}}},
                    {{"name": "from", "type": "int32"}},
                    {{"name": "count", "type": "int32"}},
                    {{"name": "name", "type": "string", "optional": true}}
                ],
                "result": [
                    {{"name": "list", "type": {{"list": "string"}}}},
                    {{"name": "totalItems", "type": "int64"}},
                    {{"name": "label", "type": "string"}}
                ],
                "paging": {paging}
            }}}}}}}},
            "types": {{"Query": {{"kind": "struct", "fields": [
                {{"name": "start", "type": "int64"}},
                {{"name": "limit", "type": "Size"}},
                {{"name": "text", "type": "string"}}
            ]}}, "Size": {{"kind": "alias", "of": "int64"}}}}}}"#
        );
        load_sources(vec![Source::new("api.json", text)]).unwrap()
    }

    fn messages(paging: &str) -> Vec<String> {
        match validate(&api(paging)) {
            Ok(()) => Vec::new(),
            Err(d) => d.iter().map(|d| d.message.clone()).collect(),
        }
    }

    #[test]
    fn fields_of_a_struct_param_or_params_of_their_own_page() {
        let fields = r#"{"offset": "query.start", "limit": "query.limit", "list": "list", "total": "totalItems"}"#;
        assert_eq!(messages(fields), Vec::<String>::new());
        let params =
            r#"{"offset": "from", "limit": "count", "list": "list", "total": "totalItems"}"#;
        assert_eq!(messages(params), Vec::<String>::new());
    }

    #[test]
    fn first_page_only_names_required_boolean_params() {
        let api = |params: &str, first: &str| {
            let text = format!(
                r#"{{"api": {{"name": "demo", "path": "/a/", "port": 4081}},
                "interfaces": {{"Things": {{"methods": {{"get": {{
                    "params": [{{"name": "start", "type": "int32"}}, {{"name": "limit", "type": "int32"}}, {params}],
                    "result": [{{"name": "list", "type": {{"list": "string"}}}}, {{"name": "total", "type": "int32"}}],
                    "paging": {{"offset": "start", "limit": "limit", "list": "list", "total": "total",
                        "firstPageOnly": {first}}}
                }}}}}}}}}}"#
            );
            load_sources(vec![Source::new("api.json", text)]).unwrap()
        };
        let fine = api(
            r#"{"name": "refresh", "type": "boolean"}"#,
            r#"["refresh"]"#,
        );
        assert!(validate(&fine).is_ok());
        assert_eq!(
            fine.interfaces[0].methods[0]
                .paging
                .as_ref()
                .unwrap()
                .first_page_only,
            ["refresh"]
        );
        for (params, first) in [
            (
                r#"{"name": "refresh", "type": "boolean", "optional": true}"#,
                r#"["refresh"]"#,
            ),
            (r#"{"name": "refresh", "type": "string"}"#, r#"["refresh"]"#),
            (r#"{"name": "refresh", "type": "boolean"}"#, r#"["other"]"#),
            (r#"{"name": "refresh", "type": "boolean"}"#, r#"["start"]"#),
        ] {
            let diags = validate(&api(params, first)).unwrap_err();
            assert!(
                diags
                    .iter()
                    .any(|d| d.pointer.ends_with("/paging/firstPageOnly/0")
                        && d.message.contains("not a required boolean param")),
                "{params} {first}: {diags:?}"
            );
        }
    }

    #[test]
    fn a_struct_param_kept_positional_pages_and_a_merely_optional_one_does_not() {
        let fields = r#"{"offset": "query.start", "limit": "query.limit", "list": "list", "total": "totalItems"}"#;
        let flagged = |flags: &str| match validate(&api_with(flags, fields)) {
            Ok(()) => Vec::new(),
            Err(d) => d.iter().map(|d| d.message.clone()).collect(),
        };
        let kept = flagged(r#""type": "Query", "optional": true, "positional": true"#);
        assert_eq!(kept, Vec::<String>::new());
        let optional = flagged(r#""type": "Query", "optional": true"#);
        assert_eq!(optional.len(), 2, "{optional:?}");
    }

    #[test]
    fn what_cannot_page_is_reported_at_the_declaration() {
        let bad = r#"{"offset": "query.text", "limit": "count", "list": "label", "total": "list"}"#;
        let found = messages(bad);
        assert!(
            found
                .iter()
                .any(|m| m.contains("paging `offset` of `Things.get` is `query.text`")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|m| m.contains("from different places")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("`list` of `Things.get` is `label`")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("`total` of `Things.get` is `list`")),
            "{found:?}"
        );
        let optional =
            r#"{"offset": "name", "limit": "nothing", "list": "list", "total": "totalItems"}"#;
        let found = messages(optional);
        assert_eq!(found.len(), 2, "{found:?}");
        let diags = crate::validate::validate(&api(bad)).unwrap_err();
        assert!(
            diags.iter().any(|d| d.pointer.ends_with("/paging/offset")),
            "{diags:?}"
        );
    }
}
