//! Property tests: no input makes the generator panic. Arbitrary JSON, arbitrary text and
//! random mutations of a valid spec set all end in generated code or in diagnostics.
//! And what validates gives legal Rust: with arbitrary names in every position (Rust
//! keywords, names of the prelude, random identifiers), generated code parses and
//! declares no item that a keyword or the prelude makes unusable.

use std::path::Path;

use kerio_codegen::spec::Source;
use kerio_codegen::{Options, generate, load};
use proptest::prelude::*;
use serde_json::Value;

fn fixture_sources() -> Vec<Source> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
    let mut diags = kerio_codegen::Diagnostics::default();
    load::read_json_files(&dir, &mut diags)
}

/// Runs every stage; diagnostics must say where the problem is.
fn run(sources: Vec<Source>) {
    match load::load_sources(sources) {
        Ok(api) => {
            if let Err(diags) = generate(&[api], &Options::kerio_api()) {
                assert!(!diags.is_empty());
                for d in diags.iter() {
                    assert!(!d.message.is_empty());
                    assert!(!d.file.is_empty());
                }
            }
        }
        Err(diags) => assert!(!diags.is_empty()),
    }
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        // Names the format gives meaning to, so mutations hit real code paths.
        prop_oneof![
            Just("string"),
            Just("int64"),
            Just("struct"),
            Just("enum"),
            Just("alias"),
            Just("login"),
            Just("batch"),
            Just("Thing"),
            Just("KId"),
            Just("self"),
            Just("type"),
            Just("None"),
            Just(""),
            Just("3d"),
            Just("Ünïcode"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
        "[a-zA-Z_#/0-9 ]{0,12}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let keys = prop_oneof![
        Just("api".to_owned()),
        Just("interfaces".to_owned()),
        Just("types".to_owned()),
        Just("methods".to_owned()),
        Just("params".to_owned()),
        Just("result".to_owned()),
        Just("fields".to_owned()),
        Just("values".to_owned()),
        Just("kind".to_owned()),
        Just("name".to_owned()),
        Just("type".to_owned()),
        Just("of".to_owned()),
        Just("list".to_owned()),
        Just("map".to_owned()),
        Just("role".to_owned()),
        Just("optional".to_owned()),
        Just("nullable".to_owned()),
        Just("lenient".to_owned()),
        "[A-Za-z]{1,8}",
    ];
    json_leaf().prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value at a pseudo-random position (chosen by `path`) with `new`, or
/// removes an object member when `new` is null.
fn mutate(value: &mut Value, path: &[usize], new: Value) {
    let Some((&step, rest)) = path.split_first() else {
        *value = new;
        return;
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(step % map.len())
                .cloned()
                .unwrap_or_default();
            if rest.is_empty() && new.is_null() {
                map.remove(&key);
            } else if let Some(child) = map.get_mut(&key) {
                mutate(child, rest, new);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let len = items.len();
            mutate(&mut items[step % len], rest, new);
        }
        _ => *value = new,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_files(extra in json_value(), replace in any::<prop::sample::Index>()) {
        let mut sources = fixture_sources();
        let i = replace.index(sources.len());
        sources[i].text = serde_json::to_string_pretty(&extra).unwrap().into();
        run(sources);
    }

    #[test]
    fn arbitrary_text(text in "\\PC{0,200}", replace in any::<prop::sample::Index>()) {
        let mut sources = fixture_sources();
        let i = replace.index(sources.len());
        sources[i].text = text.into();
        run(sources);
    }

    #[test]
    fn mutated_specs(
        file in any::<prop::sample::Index>(),
        path in prop::collection::vec(0usize..16, 0..7),
        new in json_value(),
        truncate in prop::option::of(0usize..4000),
    ) {
        let mut sources = fixture_sources();
        let i = file.index(sources.len());
        let mut doc: Value = serde_json::from_str(&sources[i].text).unwrap();
        mutate(&mut doc, &path, new);
        let mut text = serde_json::to_string_pretty(&doc).unwrap();
        if let Some(n) = truncate {
            let mut cut = n.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        sources[i].text = text.into();
        run(sources);
    }
}

/// Names that put the generator's naming to the test, and random identifiers.
fn name() -> impl Strategy<Value = String> {
    let tricky: Vec<String> = [
        "self", "Self", "super", "crate", "type", "match", "async", "_", "r", "None",
    ]
    .iter()
    .chain(kerio_codegen::validate::PRELUDE)
    .map(|s| (*s).to_owned())
    .collect();
    prop_oneof![
        prop::sample::select(tricky.clone()),
        prop::sample::select(tricky).prop_map(|s| s.to_lowercase()),
        "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
    ]
}

/// The names of every item the generated code declares (enum variants, namespaced by
/// their enum, in `variants`).
fn declared_names(items: &[syn::Item], out: &mut Vec<String>, variants: &mut Vec<String>) {
    use syn::ext::IdentExt as _;
    for item in items {
        let ident = match item {
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Enum(i) => {
                variants.extend(i.variants.iter().map(|v| v.ident.unraw().to_string()));
                &i.ident
            }
            syn::Item::Type(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Mod(i) => {
                if let Some((_, inner)) = &i.content {
                    declared_names(inner, out, variants);
                }
                &i.ident
            }
            syn::Item::Impl(i) => {
                for item in &i.items {
                    if let syn::ImplItem::Fn(f) = item {
                        out.push(f.sig.ident.unraw().to_string());
                    }
                }
                continue;
            }
            _ => continue,
        };
        out.push(ident.unraw().to_string());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn what_validates_gives_legal_rust(
        api in "[a-z][a-z0-9_]{0,6}",
        iface in name(),
        method in name(),
        param in name(),
        out in name(),
        ty in name(),
        field in name(),
        value in name(),
    ) {
        let spec = serde_json::json!({
            "api": {"name": api, "path": "/x/", "port": 4081},
            "interfaces": {iface: {"methods": {method: {
                "params": [{"name": param, "type": ty}],
                "result": [{"name": out, "type": "string"}],
            }}}},
            "types": {
                ty.clone(): {"kind": "struct", "fields": [{"name": field, "type": "string"}]},
                "Kind": {"kind": "enum", "values": [{"value": value}]},
            },
        });
        let source = Source::new("api.json", spec.to_string());
        let Ok(api) = load::load_sources(vec![source]) else {
            return Ok(());
        };
        let Ok(code) = generate(&[api], &Options::kerio_api()) else {
            return Ok(());
        };
        let file = syn::parse_file(&code).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let (mut names, mut variants) = (Vec::new(), Vec::new());
        declared_names(&file.items, &mut names, &mut variants);
        prop_assert!(names.len() > 5, "{:?}", names);
        for n in &names {
            prop_assert!(
                !kerio_codegen::validate::PRELUDE.contains(&n.as_str()),
                "declares `{}`, a name of the prelude the generated code uses", n
            );
            prop_assert!(!n.contains("_Re"), "`{}` is not UpperCamelCase", n);
        }
        for n in names.iter().chain(&variants) {
            prop_assert!(!kerio_codegen::naming::is_escaped_keyword(n), "declares `{}`", n);
        }
    }
}
