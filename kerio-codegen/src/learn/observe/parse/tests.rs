//! Unit tests of the observing JSON reader.

use super::*;

fn observe(text: &str) -> std::result::Result<Node, ParseError> {
    let mut n = Node::default();
    Parser::plain(text.as_bytes()).run(|p| {
        p.value(&mut n, false)?;
        p.end()
    })?;
    Ok(n)
}

/// The same text as the content of a JSON string.
fn observe_escaped(text: &str) -> std::result::Result<Node, ParseError> {
    let quoted = serde_json::to_string(text).expect("string");
    let raw = &quoted.as_bytes()[1..quoted.len() - 1];
    let mut n = Node::default();
    Parser::escaped(raw).run(|p| {
        p.value(&mut n, false)?;
        p.end()
    })?;
    Ok(n)
}

#[test]
fn records_kinds() {
    let text = r#"{"a": 1, "b": 3000000000, "c": 1.5, "d": "x\"y", "e": [true, null, "Asc"],
        "password": "hunter2", "psk": {"value": "k"}, "n": "1024", "big": 99999999999999999999}"#;
    for n in [observe(text), observe_escaped(text)] {
        let n = n.expect("reads");
        assert_eq!(n.objects, 1);
        let a = n.get("a").expect("a");
        assert_eq!((a.ints, a.wide_ints), (1, 0));
        assert_eq!(n.get("b").expect("b").wide_ints, 1);
        assert_eq!(n.get("c").expect("c").floats, 1);
        assert_eq!(n.get("big").expect("big").floats, 1);
        assert_eq!(n.get("d").expect("d").values.sorted(), ["x\"y"]);
        let e = n.get("e").expect("e").items.as_deref().expect("items");
        assert_eq!((e.bools, e.nulls, e.strings), (1, 1, 1));
        let pw = n.get("password").expect("password");
        assert_eq!(pw.strings, 1);
        assert!(pw.values.sorted().is_empty());
        let psk = n
            .get("psk")
            .and_then(|p| p.get("value"))
            .expect("psk.value");
        assert!(psk.values.sorted().is_empty());
        assert_eq!(n.get("n").expect("n").numeric_strings, 1);
    }
}

#[test]
fn escaped_bodies_with_unicode_escapes_fall_back() {
    let raw = br#"{\u0022a\": 1}"#;
    let mut p = Parser::escaped(raw);
    assert_eq!(
        p.run(|p| p.value(&mut Node::default(), false)),
        Err(ParseError::NeedsUnescape)
    );
}

#[test]
fn rejects_bad_json() {
    for bad in [
        "",
        "{",
        "[1,]",
        "{\"a\" 1}",
        "tru",
        "1.",
        "-",
        "\"abc",
        "{\"a\":1}}",
        "[1 2]",
    ] {
        assert!(observe(bad).is_err(), "{bad:?}");
        assert!(observe_escaped(bad).is_err(), "escaped {bad:?}");
    }
    let deep = "[".repeat(MAX_DEPTH as usize + 1) + &"]".repeat(MAX_DEPTH as usize + 1);
    assert!(observe(&deep).is_err());
}

#[test]
fn agrees_with_serde_on_validity() {
    // Every prefix of a valid document is either the document or invalid.
    let text = r#"{"list": [{"id": "1", "x": -0.5e3, "s": "a\\b\u00e9"}, []], "t": false}"#;
    assert!(observe(text).is_ok());
    for cut in 0..text.len() {
        let part = &text[..cut];
        if part.is_char_boundary(cut) {
            let ours = observe(part).is_ok();
            let serde = serde_json::from_str::<serde_json::Value>(part).is_ok();
            assert_eq!(ours, serde, "{part:?}");
        }
    }
}

#[test]
fn walks_members_and_items() {
    let mut p = Parser::plain(br#"{"method": "A.b", "params": [1, {"x": 2}], "id": 7}"#);
    let mut seen = Vec::new();
    p.run(|p| {
        p.members(|p, key| {
            match key {
                "method" => seen.push(p.read_string()?.unwrap_or_default()),
                "params" => {
                    p.items(|p, i| {
                        seen.push(i.to_string());
                        p.skip()
                    })?;
                }
                "id" => seen.push(p.read_int()?.unwrap_or_default().to_string()),
                _ => p.skip()?,
            }
            Ok(())
        })
    })
    .expect("walks");
    assert_eq!(seen, ["A.b", "0", "1", "7"]);
}
