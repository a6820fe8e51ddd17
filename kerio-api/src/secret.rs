//! A wrapper for values that must never show up in logs, `Debug` output or errors.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret value (password, session token, cookie value) with a redacted `Debug`.
///
/// `Secret` serializes and deserializes exactly like the value it holds, so it can stand
/// in for a `String` field of a request (a login password) without changing the wire
/// format. It deliberately implements neither `Display` nor `Deref`: reading the value
/// takes an explicit [`Secret::expose`].
///
/// ```
/// use kerio_api::Secret;
///
/// let password = Secret::from("hunter2");
/// assert_eq!(format!("{password:?}"), "Secret(<redacted>)");
/// assert_eq!(password.expose(), "hunter2");
/// assert_eq!(serde_json::to_string(&password).unwrap(), r#""hunter2""#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret value itself. Callers are responsible for not logging it.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the secret value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<T: Serialize> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

/// Replaces known secret strings in text that is about to go into an error message
/// (an excerpt of an error page, a decode message quoting a value).
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

/// Shorter strings are not redacted: replacing every `"a"` would garble messages and such
/// strings are not worth hiding.
const MIN_SECRET_LEN: usize = 4;

impl Redactor {
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.len() >= MIN_SECRET_LEN && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_owned());
        }
    }

    /// Every string leaf of a JSON value (used for the parameters of a login, where the
    /// runtime does not know which field holds the password).
    pub(crate) fn add_json_strings(&mut self, value: &serde_json::Value) {
        match value {
            serde_json::Value::String(s) => self.add(s),
            serde_json::Value::Array(items) => items.iter().for_each(|v| self.add_json_strings(v)),
            serde_json::Value::Object(map) => map.values().for_each(|v| self.add_json_strings(v)),
            _ => {}
        }
    }

    /// The string leaves of a JSON value that sit under a key naming a secret
    /// (`password`, `secret`, `token`, `apiKey`...), at any depth. When none does, every
    /// string counts: a login's parameters hold a secret somewhere.
    pub(crate) fn add_secret_json_strings(&mut self, value: &serde_json::Value) {
        let before = self.secrets.len();
        self.add_strings_under_secret_keys(value);
        if self.secrets.len() == before {
            self.add_json_strings(value);
        }
    }

    fn add_strings_under_secret_keys(&mut self, value: &serde_json::Value) {
        match value {
            serde_json::Value::Array(items) => items
                .iter()
                .for_each(|v| self.add_strings_under_secret_keys(v)),
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    if names_a_secret(key) {
                        self.add_json_strings(value);
                    } else {
                        self.add_strings_under_secret_keys(value);
                    }
                }
            }
            _ => {}
        }
    }

    /// Adds the secrets of another redactor.
    pub(crate) fn extend(&mut self, other: &Redactor) {
        for secret in &other.secrets {
            self.add(secret);
        }
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "<redacted>");
            }
        }
        out
    }
}

/// Whether a parameter name says its value is a secret.
fn names_a_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["pass", "secret", "token", "key", "credential"]
        .iter()
        .any(|word| key.contains(word))
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new(String::from("topsecret"));
        assert!(!format!("{s:?}").contains("topsecret"));
        assert!(!format!("{:?}", Some(&s)).contains("topsecret"));
    }

    #[test]
    fn redactor_replaces_known_secrets() {
        let mut r = Redactor::default();
        r.add_json_strings(
            &serde_json::json!({"userName": "admin", "password": "s3cr3t!", "x": ["abc"]}),
        );
        assert_eq!(
            r.redact("bad password s3cr3t! for admin"),
            "bad password <redacted> for <redacted>"
        );
        // too short to be worth redacting
        assert_eq!(r.redact("abc"), "abc");
    }

    #[test]
    fn secret_keys_pick_the_password_out_of_login_params() {
        let mut r = Redactor::default();
        r.add_secret_json_strings(&serde_json::json!({
            "userName": "admin",
            "password": "s3cr3t!",
            "application": {"name": "inventory", "vendor": "Example"},
        }));
        assert_eq!(
            r.redact("user admin of inventory sent s3cr3t!"),
            "user admin of inventory sent <redacted>"
        );
        let mut nested = Redactor::default();
        nested
            .add_secret_json_strings(&serde_json::json!({"auth": {"userPassword": ["hunter22"]}}));
        assert_eq!(nested.redact("x hunter22"), "x <redacted>");
        // Without a key naming a secret, every string is one.
        let mut unknown = Redactor::default();
        unknown.add_secret_json_strings(&serde_json::json!({"user": "someone", "pin": "98765"}));
        assert_eq!(unknown.redact("someone 98765"), "<redacted> <redacted>");
    }
}
