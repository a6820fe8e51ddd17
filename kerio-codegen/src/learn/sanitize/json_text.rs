//! Secrets in JSON text: strings under secret keys and `Password`-shaped objects are
//! replaced, strings holding JSON are redacted as JSON (to any depth), everything else
//! is copied byte for byte (key order, spacing).

use serde_json::Value;

use crate::learn::har::scan;
use crate::secrets::{self, REDACTED};

/// Rewrites JSON text, replacing strings under secret keys and keeping everything else
/// byte for byte; `None` when the text is not JSON.
pub fn redact_json_text(text: &str, found: &mut dyn FnMut(&str)) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    rewrite(text, &mut i, &mut out, false, found, 0)?;
    out.push_str(text.get(i..)?);
    Some(out)
}

fn copy_ws(b: &[u8], i: &mut usize, out: &mut String) {
    while let Some(&c @ (b' ' | b'\n' | b'\r' | b'\t')) = b.get(*i) {
        out.push(c as char);
        *i += 1;
    }
}

/// Copies one (valid) JSON value from `b[*i..]` to `out`, redacting as it goes.
fn rewrite(
    text: &str,
    i: &mut usize,
    out: &mut String,
    secret: bool,
    found: &mut dyn FnMut(&str),
    depth: u32,
) -> Option<()> {
    if depth > 512 {
        return None;
    }
    let b = text.as_bytes();
    copy_ws(b, i, out);
    match *b.get(*i)? {
        open @ (b'{' | b'[') => {
            let close = if open == b'{' { b'}' } else { b']' };
            let password = open == b'{' && password_shape(text, *i);
            let mut member = 0;
            out.push(open as char);
            *i += 1;
            loop {
                copy_ws(b, i, out);
                match *b.get(*i)? {
                    c if c == close => {
                        out.push(c as char);
                        *i += 1;
                        return Some(());
                    }
                    b',' => {
                        out.push(',');
                        *i += 1;
                        continue;
                    }
                    _ => {}
                }
                let mut value_secret = secret;
                if open == b'{' {
                    let start = *i;
                    let end = scan::string_end(b, start + 1)?;
                    let key: String = serde_json::from_str(text.get(start..=end)?).ok()?;
                    if secrets::looks_like_token(&key) {
                        found(&key);
                        out.push_str(&format!("\"{REDACTED}-{member}\""));
                    } else {
                        out.push_str(text.get(start..=end)?);
                    }
                    member += 1;
                    *i = end + 1;
                    copy_ws(b, i, out);
                    if b.get(*i) != Some(&b':') {
                        return None;
                    }
                    out.push(':');
                    *i += 1;
                    value_secret =
                        secret || secrets::is_secret_name(&key) || (password && key == "value");
                }
                rewrite(text, i, out, value_secret, found, depth + 1)?;
            }
        }
        b'"' => {
            let start = *i;
            let end = scan::string_end(b, start + 1)?;
            let raw = text.get(start..=end)?;
            *i = end + 1;
            let check = secret
                || raw.get(1..).is_some_and(secrets::opens_json)
                || raw.contains('\\')
                || raw.contains("PRIVATE")
                || raw.starts_with("\"/")
                || raw
                    .get(..5)
                    .is_some_and(|p| p.eq_ignore_ascii_case("\"http"));
            if !check {
                out.push_str(raw);
                return Some(());
            }
            let value: String = serde_json::from_str(raw).ok()?;
            if value == REDACTED {
                out.push_str(raw);
            } else if secret {
                found(&value);
                out.push_str(&format!("\"{REDACTED}\""));
            } else if secrets::opens_json(&value) {
                // A JSON document carried as a string: redacted as JSON, its layout kept,
                // and what cannot be parsed as JSON is not kept.
                match redact_json_text(&value, found) {
                    Some(inner) if inner == value => out.push_str(raw),
                    Some(inner) => out.push_str(&serde_json::to_string(&inner).ok()?),
                    None => {
                        found(&value);
                        out.push_str(&format!("\"{REDACTED}\""));
                    }
                }
            } else {
                // Private keys, URLs, JSON encoded more than once: the one policy.
                match secrets::redact_text(&value, found) {
                    Some(clean) => out.push_str(&serde_json::to_string(&clean).ok()?),
                    None => out.push_str(raw),
                }
            }
            Some(())
        }
        _ => {
            let start = *i;
            while let Some(c) = b.get(*i) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                    break;
                }
                *i += 1;
            }
            out.push_str(text.get(start..*i)?);
            Some(())
        }
    }
}

/// Whether the object opening at `open` is shaped like the spec's `Password` type (only
/// small objects are looked at: that one has two members).
fn password_shape(text: &str, open: usize) -> bool {
    let b = text.as_bytes();
    let window = &b[..b.len().min(open + 256)];
    scan::container_end(window, open)
        .and_then(|end| text.get(open..=end))
        .and_then(|t| serde_json::from_str::<serde_json::Map<String, Value>>(t).ok())
        .is_some_and(|m| secrets::is_password_shape(&m))
}
