//! The decoder of a spec set's API manifest (`api`): name, module path, feature,
//! product, endpoint path, port and session cookies.

use super::decoder::{FileDecoder, ptr};
use crate::diag::DiagnosticKind;
use crate::json::{Json, JsonValue};
use crate::spec::*;

/// An API, feature or product name: lowercase letters, digits, `-` and `_`, starting with
/// a letter.
fn is_kebab_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl FileDecoder<'_> {
    pub(super) fn manifest(&mut self, p: &str, v: &Json) -> Option<Manifest> {
        let members = self.object(
            p,
            v,
            "the API manifest",
            &[
                "name",
                "module",
                "feature",
                "product",
                "title",
                "doc",
                "path",
                "alternativePaths",
                "port",
                "sessionCookie",
                "tokenCookie",
            ],
        )?;
        let name_v = self.required(p, v, members, "name", "the API manifest");
        let path_v = self.required(p, v, members, "path", "the API manifest");
        let port_v = self.required(p, v, members, "port", "the API manifest");
        let name = name_v.and_then(|n| self.string(&ptr(p, "name"), n));
        if let (Some(n), Some(nv)) = (&name, name_v)
            && !is_kebab_name(n)
        {
            self.error(
                DiagnosticKind::InvalidApiName,
                &ptr(p, "name"),
                nv,
                &format!("invalid API name `{n}`"),
                Some(
                    "an API name is lowercase letters, digits, `-` and `_`, starting with a letter",
                ),
            );
        }
        let module = match members.iter().find(|m| m.key == "module") {
            Some(m) => self.module_path(&ptr(p, "module"), &m.value),
            None => name
                .as_deref()
                .map(|n| vec![crate::naming::snake(&n.replace('-', "_"))]),
        };
        let feature = self.opt_string(p, members, "feature");
        if let (Some(f), Some(m)) = (&feature, members.iter().find(|m| m.key == "feature"))
            && !is_kebab_name(f)
        {
            self.error(
                DiagnosticKind::InvalidGroup,
                &ptr(p, "feature"),
                &m.value,
                &format!("invalid feature `{f}`"),
                Some("a feature is a Cargo feature name: lowercase letters, digits, `-` and `_`"),
            );
        }
        let session_cookie = self.opt_string(p, members, "sessionCookie");
        let token_cookie = self.opt_string(p, members, "tokenCookie");
        let product = self.opt_string(p, members, "product");
        if let (Some(pr), Some(m)) = (&product, members.iter().find(|m| m.key == "product"))
            && !is_kebab_name(pr)
        {
            self.error(
                DiagnosticKind::InvalidApiName,
                &ptr(p, "product"),
                &m.value,
                &format!("invalid product `{pr}`"),
                Some("a product name is lowercase letters, digits, `-` and `_`, such as `control`"),
            );
        }
        let path = path_v.and_then(|v| self.endpoint_path(&ptr(p, "path"), v));
        let mut alternative_paths = Vec::new();
        if let Some(m) = members.iter().find(|m| m.key == "alternativePaths") {
            let ap = ptr(p, "alternativePaths");
            match &m.value.value {
                JsonValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        alternative_paths
                            .extend(self.endpoint_path(&ptr(&ap, &i.to_string()), item));
                    }
                }
                other => self.error(
                    DiagnosticKind::WrongJsonKind,
                    &ap,
                    &m.value,
                    &format!(
                        "`alternativePaths` must be an array of paths, found {}",
                        other.kind()
                    ),
                    None,
                ),
            }
        }
        let port = port_v.and_then(|v| match &v.value {
            JsonValue::Number(n) => match n.parse::<u16>() {
                Ok(port) if port > 0 => Some(port),
                _ => {
                    self.error(
                        DiagnosticKind::InvalidPort,
                        &ptr(p, "port"),
                        v,
                        &format!("invalid port {n}"),
                        Some("a TCP port from 1 to 65535"),
                    );
                    None
                }
            },
            other => {
                self.error(
                    DiagnosticKind::WrongJsonKind,
                    &ptr(p, "port"),
                    v,
                    &format!("the port must be a number, found {}", other.kind()),
                    None,
                );
                None
            }
        });
        let title = self.opt_string(p, members, "title");
        let doc = self.opt_string(p, members, "doc");
        Some(Manifest {
            name: name?,
            module: module?,
            feature,
            product,
            session_cookie,
            token_cookie,
            title,
            doc,
            path: path?,
            alternative_paths,
            port: port?,
            loc: self.loc(p, v.offset),
        })
    }

    /// A Rust module path below the runtime crate: `::`-separated snake case segments.
    fn module_path(&mut self, p: &str, v: &Json) -> Option<Vec<String>> {
        let text = self.string(p, v)?;
        let segments: Vec<String> = text.split("::").map(str::to_owned).collect();
        let ok = segments.iter().all(|s| {
            s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && crate::naming::escape(s.clone()) == *s
        });
        if !ok {
            self.error(
                DiagnosticKind::InvalidApiName,
                p,
                v,
                &format!("invalid module path `{text}`"),
                Some("a module path is `::`-separated lowercase Rust names that are not keywords, such as `connect::admin`"),
            );
            return None;
        }
        Some(segments)
    }

    /// An endpoint path: a string starting with `/`.
    fn endpoint_path(&mut self, p: &str, v: &Json) -> Option<String> {
        let path = self.string(p, v)?;
        if !path.starts_with('/') {
            self.error(
                DiagnosticKind::InvalidPath,
                p,
                v,
                "the endpoint path must start with `/`",
                None,
            );
            return None;
        }
        Some(path)
    }
}
