//! What counts as a secret in a capture, and how it is taken out.
//!
//! A key names a secret when, lower-cased with everything but letters and digits removed,
//! it
//! - contains one of [`SECRET_PARTS`]: `password`, `passwd`, `passphrase`, `secret`,
//!   `token`, `cookie`, `credential`, `psk`, `authorization`, `sessionid`, `privatekey`,
//!   `apikey`, `authkey`, `sharedkey`;
//! - or ends with `key` (`licenseKey`, `presharedKey`, `key`);
//! - or is one of [`SECRET_WORDS`]: `pwd`, `pass`, `pin`, `auth`.
//!
//! One-time codes (TOTP) are not on the list: they expire within a minute.
//!
//! Under such a key every string value is a secret, however deep (`psk: {enabled, value}`
//! hides `value`; `credentials: {userName, password}` hides both). Booleans and numbers
//! stay (`passwordChanged: true`, `keyLength: 2048`): they reveal nothing and regen needs
//! their types.
//!
//! Headers: `Cookie`, `Set-Cookie`, `Authorization`, `Proxy-Authorization` and any header
//! whose name is a secret key (`X-Token`, `X-Csrf-Token`) are secret.

use serde_json::Value;

/// What replaces a secret string in a shared capture.
pub const REDACTED: &str = "[redacted]";

/// Key fragments that make a key secret (compared lower-case, letters and digits only).
pub const SECRET_PARTS: [&str; 14] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "cookie",
    "credential",
    "psk",
    "authorization",
    "sessionid",
    "privatekey",
    "apikey",
    "authkey",
    "sharedkey",
];

/// Whole keys that are secret.
pub const SECRET_WORDS: [&str; 4] = ["pwd", "pass", "pin", "auth"];

/// Headers that carry session secrets besides those whose names are secret keys.
pub const SECRET_HEADERS: [&str; 4] = [
    "cookie",
    "set-cookie",
    "authorization",
    "proxy-authorization",
];

/// True when values under `key` are secrets.
pub fn is_secret_name(key: &str) -> bool {
    let mut norm = [0u8; 64];
    let mut n = 0;
    for c in key.bytes() {
        if c.is_ascii_alphanumeric() {
            if n == norm.len() {
                // Long keys are compared on an owned copy.
                return is_secret_norm(
                    &key.bytes()
                        .filter(u8::is_ascii_alphanumeric)
                        .map(|c| c.to_ascii_lowercase())
                        .collect::<Vec<u8>>(),
                );
            }
            norm[n] = c.to_ascii_lowercase();
            n += 1;
        }
    }
    is_secret_norm(&norm[..n])
}

fn is_secret_norm(norm: &[u8]) -> bool {
    norm.ends_with(b"key")
        || SECRET_WORDS.iter().any(|w| norm == w.as_bytes())
        || SECRET_PARTS
            .iter()
            .any(|p| norm.windows(p.len()).any(|w| w == p.as_bytes()))
}

/// True when a header of that name carries a secret.
pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) || is_secret_name(name)
}

/// Replaces every string under a secret key with [`REDACTED`]; `secret` says whether
/// `v` itself is under one. Calls `found` with each string replaced.
pub fn redact_json(v: &mut Value, secret: bool, found: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) if secret && s != REDACTED => {
            found(s);
            *s = REDACTED.to_owned();
        }
        Value::Array(items) => {
            for item in items {
                redact_json(item, secret, found);
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                redact_json(item, secret || is_secret_name(k), found);
            }
        }
        _ => {}
    }
}

/// Redacts the values of secret parameters in a query string or form body
/// (`a=1&password=x` → `a=1&password=[redacted]`). Calls `found` with each value replaced.
pub fn redact_query(query: &str, found: &mut dyn FnMut(&str)) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if is_secret_name(&percent_decode(k)) && v != REDACTED => {
                found(&percent_decode(v));
                format!("{k}={REDACTED}")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Redacts the query of a URL (see [`redact_query`]).
pub fn redact_url(url: &str, found: &mut dyn FnMut(&str)) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = match base.split_once('?') {
        Some((path, query)) => format!("{path}?{}", redact_query(query, found)),
        None => base.to_owned(),
    };
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Decodes `%xx` escapes and `+` of a URL component, leaving bad escapes as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(c) => {
                        out.push(c);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_names() {
        for k in [
            "password",
            "wpaPassword",
            "X-Token",
            "token",
            "csrfToken",
            "psk",
            "credentials",
            "privateKey",
            "key",
            "licenseKey",
            "SESSION_CONTROL_WEBADMIN_sessionid",
            "client_secret",
            "pwd",
            "Cookie",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
        for k in [
            "hostname",
            "keyword",
            "skipKeywords",
            "keyLength",
            "userName",
            "name",
            "value",
            "session",
            "monkeys",
            "id",
            "pinned",
        ] {
            assert!(!is_secret_name(k), "{k}");
        }
        assert!(is_secret_header("Set-Cookie"));
        assert!(is_secret_header("authorization"));
        assert!(is_secret_header("X-Token"));
        assert!(!is_secret_header("Content-Type"));
    }

    #[test]
    fn redacts_strings_under_secret_keys() {
        let mut v = json!({"userName": "a", "password": "p", "passwordChanged": true,
            "psk": {"enabled": true, "value": "k"}, "list": [{"token": "t"}]});
        let mut seen = Vec::new();
        redact_json(&mut v, false, &mut |s| seen.push(s.to_owned()));
        assert_eq!(
            v,
            json!({"userName": "a", "password": REDACTED, "passwordChanged": true,
                "psk": {"enabled": true, "value": REDACTED}, "list": [{"token": REDACTED}]})
        );
        // Object keys are visited in sorted order (list, password, psk).
        assert_eq!(seen, ["t", "p", "k"]);
    }

    #[test]
    fn redacts_queries() {
        let mut seen = Vec::new();
        let url = redact_url("https://h/x?a=1&token=abc%21&b#frag", &mut |s| {
            seen.push(s.to_owned())
        });
        assert_eq!(url, "https://h/x?a=1&token=[redacted]&b#frag");
        assert_eq!(seen, ["abc!"]);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
