//! Checks captured exchanges against the generated types (feature `contract`).
//!
//! Generated code has, per API, a hidden `__contract::check(method, params, result)`
//! that decodes each parameter and the result object of a captured call through the
//! types a real call would use, and reports every mismatch with its JSON path. Fields
//! the types do not know are warnings (newer firmware), type mismatches are errors.
//! `cargo xtask verify` and the contract tests are built on it.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Checks one exchange of `method` (`Interface.method`) of the API whose manifest name is
/// `api` (see [`crate::dynamic::API_NAMES`]): its params and, when given, its result
/// object. `None` when the API or the method is not known (or not compiled).
pub fn check(api: &str, method: &str, params: &Value, result: Option<&Value>) -> Option<Report> {
    crate::generated::__apis::check(api, method, params, result)
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// Something the types do not know, ignored when decoding (an unknown field).
    Warning,
    /// Something the types cannot decode.
    Error,
}

/// One problem found in an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// Warning or error.
    pub severity: Severity,
    /// JSON path from the exchange: `params.query.limit`, `result.list[3].type`.
    pub path: String,
    /// What was wrong and what was expected.
    pub message: String,
}

/// Everything found in one exchange.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Findings in the order they were found.
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when nothing failed to decode (warnings allowed).
    pub fn is_ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// Decodes the parameter `name` of `params` as `T` (`expected` names the spec type).
    #[doc(hidden)]
    pub fn param<T: DeserializeOwned>(
        &mut self,
        params: &Value,
        name: &str,
        optional: bool,
        expected: &str,
    ) {
        let path = format!("params.{name}");
        match params.get(name) {
            Some(value) => self.decode::<T>(&path, value, expected),
            None if optional => {}
            None => self.push(
                Severity::Error,
                path,
                format!("missing parameter, expected {expected}"),
            ),
        }
    }

    /// Warns about parameters the method does not declare; errors when `params` is
    /// neither an object nor absent.
    #[doc(hidden)]
    pub fn known_params(&mut self, params: &Value, known: &[&str]) {
        match params {
            Value::Object(map) => {
                for key in map.keys() {
                    if !known.contains(&key.as_str()) {
                        self.push(
                            Severity::Warning,
                            format!("params.{key}"),
                            "unknown parameter".into(),
                        );
                    }
                }
            }
            Value::Null => {}
            other => self.push(
                Severity::Error,
                "params".into(),
                format!(
                    "expected an object of named parameters, found {}",
                    crate::drift::json_kind(other)
                ),
            ),
        }
    }

    /// Decodes a result object as the method's wire type `W`.
    #[doc(hidden)]
    pub fn result<W: DeserializeOwned>(&mut self, result: &Value) {
        self.decode::<W>("result", result, "");
    }

    /// Errors for the out-parameters the spec requires that a result object lacks (the
    /// result types decode them as defaults, so decoding alone does not notice).
    #[doc(hidden)]
    pub fn required_results(&mut self, result: &Value, keys: &[&str]) {
        let Value::Object(map) = result else {
            return;
        };
        for key in keys {
            if !map.contains_key(*key) {
                self.push(
                    Severity::Error,
                    format!("result.{key}"),
                    "missing out-parameter".into(),
                );
            }
        }
    }

    fn decode<T: DeserializeOwned>(&mut self, base: &str, value: &Value, expected: &str) {
        let mut ignored = Vec::new();
        let outcome = {
            let mut record = |path: serde_ignored::Path<'_>| ignored.push(json_path(&path));
            let de = serde_ignored::Deserializer::new(value, &mut record);
            serde_path_to_error::deserialize::<_, T>(de)
        };
        for path in ignored {
            self.push(
                Severity::Warning,
                join(base, &path),
                "unknown field, ignored".into(),
            );
        }
        if let Err(e) = outcome {
            let path = join(base, &e.path().to_string());
            let message = if expected.is_empty() {
                e.inner().to_string()
            } else {
                format!("{} (the parameter is {expected})", e.inner())
            };
            self.push(Severity::Error, path, message);
            // The misfits after the first: what tolerant decoding would leave out.
            for (path, message) in crate::drift::misfits::<T>(value.clone())
                .into_iter()
                .skip(1)
            {
                self.push(Severity::Error, join(base, &path), message);
            }
        }
    }

    fn push(&mut self, severity: Severity, path: String, message: String) {
        self.findings.push(Finding {
            severity,
            path,
            message,
        });
    }
}

/// A path as `list[0].name`, the way `serde_path_to_error` writes them.
fn json_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", json_path(parent)),
        Path::Map { parent, key } => {
            let parent = json_path(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => json_path(parent),
    }
}

fn join(base: &str, path: &str) -> String {
    match path {
        "" | "." | "?" => base.to_owned(),
        p if p.starts_with('[') => format!("{base}{p}"),
        p => format!("{base}.{p}"),
    }
}
