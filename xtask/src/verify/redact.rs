//! Keeping captured secrets out of finding messages.
//!
//! A decoding error of serde quotes the value it could not decode
//! (`invalid type: string "hunter2", expected a boolean`, ``integer `1234` ``). When any
//! key on the finding's JSON path names a secret by the regen rules (see
//! [`kerio_codegen::secrets`]: `password`, `psk`, `token`, ...; everything under such a key
//! is secret, `psk.enabled` included), every quoted value in the message is replaced.
//! Paths name keys, and a key that looks like a token (a session id used as a map key)
//! is a secret itself: it is replaced in the path, and the path counts as secret.

use std::borrow::Cow;

use kerio_codegen::secrets::{REDACTED, is_secret_name, looks_like_token};

/// Words after which serde writes a value in backticks (``integer `5` ``,
/// ``unknown variant `x` ``); other backticks quote names of the types (``missing field
/// `value` ``) and are kept.
const VALUE_BEFORE_BACKTICK: [&str; 4] = ["integer ", "floating point ", "character ", "variant "];

/// True when a JSON path (`params.config.guest.password`, `result.list[2].psk.value`)
/// goes through a key that names a secret.
pub fn is_secret_path(path: &str) -> bool {
    path.split('.')
        .map(|segment| segment.split('[').next().unwrap_or(segment))
        .any(|key| is_secret_name(key) || looks_like_token(key))
}

/// A JSON path with every key that looks like a token replaced by `[redacted]`.
pub fn path(path: &str) -> Cow<'_, str> {
    if !path.split(['.', '[']).any(looks_like_token) {
        return Cow::Borrowed(path);
    }
    let segments: Vec<String> = path
        .split('.')
        .map(|segment| {
            let (key, rest) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
            if looks_like_token(key) {
                format!("{REDACTED}{rest}")
            } else {
                segment.to_owned()
            }
        })
        .collect();
    Cow::Owned(segments.join("."))
}

/// The message of a finding at `path`, its quoted values redacted when the path is secret.
pub fn message<'a>(path: &str, message: &'a str) -> Cow<'a, str> {
    if is_secret_path(path) {
        Cow::Owned(redact_quoted(message))
    } else {
        Cow::Borrowed(message)
    }
}

/// Replaces every `"..."` span (escapes honoured) and every backtick span that follows
/// one of [`VALUE_BEFORE_BACKTICK`]; an unterminated span is redacted to the end.
pub fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => break,
                        _ => {}
                    }
                }
                out.push('"');
                out.push_str(REDACTED);
                out.push('"');
            }
            '`' if VALUE_BEFORE_BACKTICK.iter().any(|w| out.ends_with(w)) => {
                for c in chars.by_ref() {
                    if c == '`' {
                        break;
                    }
                }
                out.push('`');
                out.push_str(REDACTED);
                out.push('`');
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_paths() {
        assert!(is_secret_path("params.password"));
        assert!(is_secret_path("params.config.guest.password"));
        assert!(is_secret_path("result.list[2].psk.enabled"));
        assert!(is_secret_path("params.credentials[0].userName"));
        // The SNMP community (the spec's `Password` type, or a plain string).
        assert!(is_secret_path("result.config.community.value"));
        assert!(is_secret_path("params.config.community"));
        assert!(!is_secret_path("result.list[0].hostname"));
        assert!(!is_secret_path("params.query.limit"));
    }

    #[test]
    fn quoted_values_are_redacted_names_are_kept() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "hun\"ter2", expected a boolean"#),
            r#"invalid type: string "[redacted]", expected a boolean"#
        );
        assert_eq!(
            redact_quoted("invalid type: integer `1234`, expected a string"),
            "invalid type: integer `[redacted]`, expected a string"
        );
        assert_eq!(
            redact_quoted("unknown variant `s3cret`, expected one of `A`, `B`"),
            "unknown variant `[redacted]`, expected one of `A`, `B`"
        );
        assert_eq!(
            redact_quoted("missing field `value`"),
            "missing field `value`"
        );
        assert_eq!(redact_quoted(r#"cut "abc"#), r#"cut "[redacted]""#);
    }

    #[test]
    fn token_keys_leave_paths() {
        let key = "5f1e2d3c4b5a69788796a5b4";
        assert_eq!(
            path(&format!("result.map.{key}[2].name")),
            "result.map.[redacted][2].name"
        );
        assert_eq!(path("result.list[0].hostname"), "result.list[0].hostname");
        assert!(is_secret_path(&format!("params.{key}")));
    }

    #[test]
    fn only_secret_paths_are_touched() {
        let m = r#"invalid type: string "x", expected i64"#;
        assert_eq!(message("result.totalItems", m), m);
        assert!(!message("params.password", m).contains("\"x\""));
    }
}
