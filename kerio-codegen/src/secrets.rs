//! The one secret policy of the workspace: what counts as a secret, and how it is taken
//! out. Capture learning and `sanitize` (feature `learn`), `verify`, and the generated
//! code (whose `Debug` hides secret fields and params) all use it.
//!
//! A key names a secret when, lower-cased with everything but letters and digits removed,
//! it
//! - contains one of [`SECRET_PARTS`]: `password`, `passwd`, `passphrase`, `secret`,
//!   `token`, `cookie`, `credential`, `psk`, `authorization`, `sessionid`, `privatekey`,
//!   `apikey`, `authkey`, `sharedkey`, `community` (SNMP);
//! - or ends with `key` (`licenseKey`, `presharedKey`, `key`);
//! - or is one of [`SECRET_WORDS`]: `pwd`, `pass`, `pin`, `auth`, `session`.
//!
//! One-time codes (TOTP) are not on the list: they expire within a minute.
//!
//! Under such a key every string value is a secret, however deep (`psk: {enabled, value}`
//! hides `value`; `credentials: {userName, password}` hides both). Booleans and numbers
//! stay (`passwordChanged: true`, `keyLength: 2048`): they reveal nothing and regen needs
//! their types.
//!
//! By type: the spec's `Password` type (`{value, isSet}`, a stored secret) is recognised
//! by its shape ([`is_password_shape`]): its `value` is secret whatever the key above.
//!
//! By value: a PEM private key ([`is_private_key`]) is secret wherever it is; a URL's
//! user info is removed and its query and fragment parameters are redacted by name
//! ([`redact_url`]); a key that looks like a token ([`looks_like_token`]) is itself a
//! secret and is never learned as a name, nor is such a string learned as an enum value.
//!
//! In any encoding: a string holding a JSON document (`"{\"password\": \"x\"}"`, as
//! the web administration stores some settings) is parsed and redacted as JSON, to any
//! depth the input has; a string that opens like one but cannot be parsed is replaced
//! whole, since what cannot be checked is not kept.
//!
//! Headers: `Cookie`, `Set-Cookie`, `Authorization`, `Proxy-Authorization` and any header
//! whose name is a secret key (`X-Token`, `X-Csrf-Token`) are secret.

use serde_json::Value;

/// What replaces a secret string in a shared capture.
pub const REDACTED: &str = "[redacted]";

/// Key fragments that make a key secret (compared lower-case, letters and digits only).
pub const SECRET_PARTS: [&str; 15] = [
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
    "community",
];

/// Whole keys that are secret.
pub const SECRET_WORDS: [&str; 5] = ["pwd", "pass", "pin", "auth", "session"];

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

/// True for text holding a PEM private key (`-----BEGIN ... PRIVATE KEY-----`).
pub fn is_private_key(s: &str) -> bool {
    s.contains("-----BEGIN") && s.contains("PRIVATE KEY")
}

/// True for an object shaped like the spec's `Password` type: an `isSet` boolean beside
/// a `value`, and nothing else.
pub fn is_password_shape(map: &serde_json::Map<String, Value>) -> bool {
    map.get("isSet").is_some_and(Value::is_boolean) && map.contains_key("value") && map.len() == 2
}

/// True for a key that looks like a token rather than a name: 16 characters or more of
/// letters, digits and `+/=_.-`, with at least four digits and four letters
/// (`5f1e2d3c4b5a69788796a5b4`, a UUID). Such keys are secrets: sanitize replaces them,
/// regen never learns them as names.
pub fn looks_like_token(key: &str) -> bool {
    let (mut digits, mut letters) = (0, 0);
    for c in key.bytes() {
        match c {
            b'0'..=b'9' => digits += 1,
            b'a'..=b'z' | b'A'..=b'Z' => letters += 1,
            b'+' | b'/' | b'=' | b'_' | b'.' | b'-' => {}
            _ => return false,
        }
    }
    key.len() >= 16 && digits >= 4 && letters >= 4
}

/// True for a string that looks like a token rather than a value of an enum: it looks
/// like a token key ([`looks_like_token`]) and letters and digits alternate in it at
/// least five times (`5f1e2d3c4b5a`, a UUID), so that values such as
/// `SpeedDuplexFull1000` still count as enum values.
pub fn looks_like_token_value(s: &str) -> bool {
    if !looks_like_token(s) {
        return false;
    }
    let mut runs = 0;
    let mut last = None;
    for c in s.bytes().filter(u8::is_ascii_alphanumeric) {
        let digit = c.is_ascii_digit();
        if last != Some(digit) {
            runs += 1;
            last = Some(digit);
        }
    }
    runs > 5
}

/// Replaces every secret string of `v` with [`REDACTED`]: strings under a secret key
/// (`secret` says whether `v` itself is under one), the `value` of `Password`-shaped
/// objects, private keys anywhere, the secret parameters of URLs; keys that look like
/// tokens are replaced too. Calls `found` with each secret removed.
pub fn redact_json(v: &mut Value, secret: bool, found: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) if s == REDACTED => {}
        Value::String(s) if secret => {
            found(s);
            *s = REDACTED.to_owned();
        }
        Value::String(s) => {
            if let Some(clean) = redact_text(s, found) {
                *s = clean;
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_json(item, secret, found);
            }
        }
        Value::Object(map) => {
            if map.keys().any(|k| looks_like_token(k)) {
                let old = std::mem::take(map);
                for (i, (k, item)) in old.into_iter().enumerate() {
                    let k = if looks_like_token(&k) {
                        found(&k);
                        format!("{REDACTED}-{i}")
                    } else {
                        k
                    };
                    map.insert(k, item);
                }
            }
            let password = is_password_shape(map);
            for (k, item) in map.iter_mut() {
                let under = secret || is_secret_name(k) || (password && k == "value");
                redact_json(item, under, found);
            }
        }
        _ => {}
    }
}

/// The redacted form of a string that is not under a secret key, or `None` when nothing
/// in it is secret: a private key is replaced whole, a URL loses its user info and its
/// secret parameters, JSON text (`{...}`, `[...]`, or a JSON string holding such text,
/// to any depth) is redacted as JSON, and text that opens like a JSON object or array
/// but cannot be parsed is replaced whole.
pub fn redact_text(s: &str, found: &mut dyn FnMut(&str)) -> Option<String> {
    if s == REDACTED {
        return None;
    }
    if is_private_key(s) {
        found(s);
        return Some(REDACTED.to_owned());
    }
    if is_url(s) {
        let clean = redact_url(s, found);
        return (clean != s).then_some(clean);
    }
    if opens_json(s) {
        return match serde_json::from_str::<Value>(s) {
            Ok(mut inner) => {
                let mut changed = false;
                redact_json(&mut inner, false, &mut |v| {
                    changed = true;
                    found(v);
                });
                // Unchanged text stays byte for byte.
                changed.then(|| inner.to_string())
            }
            // Too deep or not JSON after all: not checked, so not kept.
            Err(_) => {
                found(s);
                Some(REDACTED.to_owned())
            }
        };
    }
    // JSON text encoded once more: a JSON string whose content may be JSON.
    if s.trim_start().starts_with('"')
        && let Ok(inner) = serde_json::from_str::<String>(s)
    {
        return redact_text(&inner, found).map(|clean| Value::String(clean).to_string());
    }
    None
}

/// True for a string that opens like a JSON object or array (after white space): text
/// to parse and redact as JSON.
pub fn opens_json(s: &str) -> bool {
    matches!(s.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// True for a string that is a URL or an absolute path (`https://...`, `/admin/...`)
/// with a query, a fragment or user info to check for secrets.
pub fn is_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let scheme = lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("ws://")
        || lower.starts_with("wss://");
    (scheme || s.starts_with('/'))
        && (s.contains('?') || s.contains('#') || (scheme && user_info(s).is_some()))
        && !s.contains(char::is_whitespace)
}

/// True for a URL with user info (`https://user@host/`, `https://user:password@host/`).
pub fn has_user_info(url: &str) -> bool {
    user_info(url).is_some()
}

/// Where the user info of a URL is (`user:password@` in `https://user:password@host/`),
/// its `@` included.
fn user_info(url: &str) -> Option<std::ops::Range<usize>> {
    let start = url.find("://")? + 3;
    let rest = &url[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let at = authority.rfind('@')?;
    Some(start..start + at + 1)
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

/// Removes the user info of a URL (calling `found` with its password) and redacts its
/// query and fragment parameters (see [`redact_query`]).
pub fn redact_url(url: &str, found: &mut dyn FnMut(&str)) -> String {
    let without_user;
    let url = match user_info(url) {
        Some(range) => {
            let info = &url[range.start..range.end - 1];
            // The user name goes too: it is half of the credentials.
            if let Some((_, password)) = info.split_once(':') {
                found(&percent_decode(password));
            }
            without_user = format!("{}{}", &url[..range.start], &url[range.end..]);
            without_user.as_str()
        }
        None => url,
    };
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = match base.split_once('?') {
        Some((path, query)) => format!("{path}?{}", redact_query(query, found)),
        None => base.to_owned(),
    };
    if let Some(f) = fragment {
        // Single-page applications keep parameters in the fragment (`#/login?token=x`,
        // `#access_token=x`).
        out.push('#');
        match f.split_once('?') {
            Some((route, query)) => {
                out.push_str(route);
                out.push('?');
                out.push_str(&redact_query(query, found));
            }
            None => out.push_str(&redact_query(f, found)),
        }
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

    /// What generated `Debug` hides is what sanitize and verify redact: the SNMP
    /// community, credentials and registration keys included.
    #[test]
    fn generated_code_follows_the_same_policy() {
        for name in [
            "community",
            "credentials",
            "key",
            "presharedKey",
            "password",
        ] {
            assert!(crate::model::is_secret(name), "{name}");
        }
        for name in ["userName", "hostname", "keyLength", "enabled"] {
            assert!(!crate::model::is_secret(name), "{name}");
        }
    }

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
            "community",
            "snmpCommunity",
            "session",
            "presharedKey",
            "sharedSecret",
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
    fn redacts_by_type_by_value_and_in_keys() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----";
        let token = "5f1e2d3c4b5a69788796a5b4";
        let mut v = json!({"snmp": {"v": {"value": "public", "isSet": true}},
            "certificate": pem, "next": "https://h/?a=1#/x?token=abcdef12",
            "map": {token: 1, "name": "n"}});
        let mut seen = Vec::new();
        redact_json(&mut v, false, &mut |s| seen.push(s.to_owned()));
        let text = v.to_string();
        for secret in ["public", "BEGIN", "abcdef12", token] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        assert_eq!(v["next"], json!("https://h/?a=1#/x?token=[redacted]"));
        assert_eq!(v["map"]["name"], json!("n"));
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert!(looks_like_token("550e8400-e29b-41d4-a716-446655440000"));
        assert!(!looks_like_token("ipAddressFromDHCP"));
        assert!(!looks_like_token("ip6Addresses"));
    }

    #[test]
    fn redacts_user_info_and_json_inside_strings() {
        let mut seen = Vec::new();
        let url = redact_url("https://admin:pa%21ss@fw:4081/admin/?a=1", &mut |s| {
            seen.push(s.to_owned())
        });
        assert_eq!(url, "https://fw:4081/admin/?a=1");
        assert_eq!(seen, ["pa!ss"]);
        assert!(is_url("https://user@fw/"));
        let inner = json!({"psk": "k-1"}).to_string();
        let twice = Value::String(json!({"vpn": inner}).to_string()).to_string();
        let mut v = json!({"a": inner, "b": twice, "c": "[cut", "d": "\"quoted\" text"});
        let mut seen = Vec::new();
        redact_json(&mut v, false, &mut |s| seen.push(s.to_owned()));
        assert_eq!(v["a"], json!(r#"{"psk":"[redacted]"}"#));
        assert!(!v.to_string().contains("k-1"), "{v}");
        assert_eq!(v["c"], json!(REDACTED));
        assert_eq!(v["d"], json!("\"quoted\" text"));
        assert_eq!(seen.len(), 3, "{seen:?}");
    }

    #[test]
    fn token_values() {
        assert!(looks_like_token_value("5f1e2d3c4b5a69788796a5b4"));
        assert!(looks_like_token_value(
            "550e8400-e29b-41d4-a716-446655440000"
        ));
        assert!(!looks_like_token_value("SpeedDuplexFull1000"));
        assert!(!looks_like_token_value("ActiveHostHost"));
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
