//! The cookies of one session, kept per session rather than in a jar shared by the client,
//! so that several sessions on one client (several users, or a re-login) never mix.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderValue, SET_COOKIE};

use crate::secret::{Redactor, Secret};

/// Cookie `name=value` pairs set by the appliance. Attributes (`path`, `secure`...) are
/// not applied: every request of the session goes to the same appliance.
#[derive(Default, Clone)]
pub(crate) struct SessionCookies {
    pairs: Vec<(String, Secret<String>)>,
}

impl SessionCookies {
    /// Applies the `Set-Cookie` headers of a reply; returns whether anything changed.
    pub(crate) fn absorb(&mut self, headers: &HeaderMap) -> bool {
        let mut changed = false;
        for header in headers.get_all(SET_COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            let Some(cookie) = parse_set_cookie(text) else {
                continue;
            };
            changed = true;
            self.pairs.retain(|(name, _)| *name != cookie.name);
            if !cookie.deleted {
                self.pairs.push((cookie.name, Secret::new(cookie.value)));
            }
        }
        changed
    }

    /// The `Cookie` header, marked sensitive so the HTTP stack does not log it.
    pub(crate) fn header(&self) -> Option<HeaderValue> {
        if self.pairs.is_empty() {
            return None;
        }
        let text: Vec<String> = self
            .pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", value.expose()))
            .collect();
        let mut value = HeaderValue::from_str(&text.join("; ")).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// Adds every cookie value to a redactor.
    pub(crate) fn redact_values(&self, redactor: &mut Redactor) {
        for (_, value) in &self.pairs {
            redactor.add(value.expose());
        }
    }

    /// Cookie names, for `Debug` output.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.pairs.iter().map(|(name, _)| name.as_str()).collect()
    }
}

impl fmt::Debug for SessionCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

struct SetCookie {
    name: String,
    value: String,
    deleted: bool,
}

/// Reads `name=value; attr; attr=...`. A cookie with an empty value or a non-positive
/// `Max-Age` deletes the cookie of that name. Values that cannot be sent back in a
/// header are ignored.
fn parse_set_cookie(text: &str) -> Option<SetCookie> {
    let mut parts = text.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let (name, value) = (name.trim(), value.trim());
    let valid = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_graphic() && b != b';' && b != b',')
    };
    if name.is_empty() || !valid(name) || !valid(value) {
        return None;
    }
    let expired = parts.any(|attr| {
        let (key, val) = attr.split_once('=').unwrap_or((attr, ""));
        key.trim().eq_ignore_ascii_case("max-age")
            && val.trim().parse::<i64>().is_ok_and(|age| age <= 0)
    });
    Some(SetCookie {
        name: name.to_owned(),
        value: value.to_owned(),
        deleted: expired || value.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookies: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for c in cookies {
            map.append(SET_COOKIE, HeaderValue::from_str(c).unwrap());
        }
        map
    }

    #[test]
    fn collects_name_value_pairs() {
        let mut jar = SessionCookies::default();
        assert!(jar.absorb(&headers(&[
            "SESSION_CONTROL_WEBADMIN=abc123; path=/admin/; secure; HttpOnly",
            "TOKEN_CONTROL_WEBADMIN=def456; path=/admin/; secure",
        ])));
        assert_eq!(
            jar.header().unwrap().to_str().unwrap(),
            "SESSION_CONTROL_WEBADMIN=abc123; TOKEN_CONTROL_WEBADMIN=def456"
        );
        assert!(jar.header().unwrap().is_sensitive());
        assert_eq!(
            format!("{jar:?}"),
            r#"["SESSION_CONTROL_WEBADMIN", "TOKEN_CONTROL_WEBADMIN"]"#
        );
    }

    #[test]
    fn later_cookies_replace_and_delete() {
        let mut jar = SessionCookies::default();
        jar.absorb(&headers(&["A=1", "B=2"]));
        jar.absorb(&headers(&["A=3; Max-Age=100", "B=gone; Max-Age=0"]));
        assert_eq!(jar.header().unwrap().to_str().unwrap(), "A=3");
        jar.absorb(&headers(&["A="]));
        assert!(jar.header().is_none());
        assert!(!jar.absorb(&headers(&["garbage", "=x", "bad name=1"])));
    }
}
