//! The form login of the vendor's web administration: its login page posts an HTML form
//! rather than calling `Session.login`.
//!
//! What the vendor's client shows of it (build 8629): the login page's form fields are
//! `kerio_username` and `kerio_password` (weblib/int/login/script.js:185 and below); its
//! activation link points to `../internal/dologin.php` from `/admin/login/`, that is
//! `/admin/internal/dologin.php` (login/updateLogin.js:22); the page reads a `reason`
//! of `failure`, `denied` or `expired` from its URL to say why the user is back
//! (weblib/int/login/script.js:100–104, :411); the form's action gets the page's `#hash`
//! as a `hash` param (script.js:484); and the administration page takes its `X-Token`
//! from the `TOKEN_CONTROL_WEBADMIN` cookie (index.html:130). So the mock answers a post
//! of the form to `<API root>/internal/dologin.php` as an appliance would be expected
//! to: right credentials open a session, set its two cookies and redirect to the
//! administration (`/admin/`, with `#hash` when given); wrong ones redirect back to the
//! login page with `?reason=failure`. The redirects themselves are inferred from the
//! client, not recorded.

use std::sync::Arc;

use super::State;
use crate::mock::spec::ApiSpec;

/// Where the login form posts, below the first segment of an API's path (`/admin/`).
const ACTION: &str = "internal/dologin.php";

/// The answer to a form login: where to go, and the cookies to set.
pub(super) struct FormAnswer {
    pub location: String,
    pub cookies: Vec<String>,
}

impl State {
    /// The API whose login form posts to `path`, with the root it is served below
    /// (`/admin/`).
    fn form_api(&self, path: &str) -> Option<(String, Arc<ApiSpec>)> {
        let root = path.strip_suffix(ACTION)?;
        if root.len() < 2 || !root.starts_with('/') || !root.ends_with('/') {
            return None;
        }
        self.apis
            .iter()
            .find(|(served, _)| served.starts_with(root))
            .map(|(served, api)| (served.clone(), api.clone()))
    }

    /// True when `path` is where an API's login form posts.
    pub(super) fn is_form_login(&self, path: &str) -> bool {
        self.form_api(path).is_some()
    }

    /// Logs in with the posted form (`application/x-www-form-urlencoded`).
    pub(super) fn form_login(&self, path: &str, body: &[u8]) -> FormAnswer {
        let root = path.strip_suffix(ACTION).unwrap_or("/");
        let fields = form_fields(body);
        let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let Some((served, api)) = self.form_api(path) else {
            return FormAnswer {
                location: format!("{root}login/?reason=failure"),
                cookies: Vec::new(),
            };
        };
        let right = field("kerio_username") == Some(&self.user)
            && field("kerio_password") == Some(&self.password);
        if !right {
            return FormAnswer {
                location: format!("{root}login/?reason=failure"),
                cookies: Vec::new(),
            };
        }
        let (_, cookies) = self.open_session(&api, &served);
        let hash = field("hash")
            .filter(|h| !h.is_empty())
            .map_or_else(String::new, |h| format!("#{h}"));
        FormAnswer {
            location: format!("{root}{hash}"),
            cookies,
        }
    }
}

/// The fields of an `application/x-www-form-urlencoded` body, decoded; what is not
/// UTF-8 is dropped.
fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let mut parts = pair.splitn(2, |b| *b == b'=');
            let key = decode(parts.next()?)?;
            let value = decode(parts.next().unwrap_or_default())?;
            Some((key, value))
        })
        .collect()
}

/// Percent-decoding with `+` as a space.
fn decode(text: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_decode() {
        let fields = form_fields(b"kerio_username=admin&kerio_password=p%40ss+word%21&hash=");
        assert_eq!(
            fields,
            [
                ("kerio_username".to_owned(), "admin".to_owned()),
                ("kerio_password".to_owned(), "p@ss word!".to_owned()),
                ("hash".to_owned(), String::new()),
            ]
        );
        assert!(form_fields(b"a=%zz").is_empty());
        assert!(form_fields(b"a=%4").is_empty());
        assert_eq!(form_fields(b"&&"), []);
    }
}
