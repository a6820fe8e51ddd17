//! Coverage against a facts file of what a client sends and reads (the shape of
//! `webadmin-facts.json`): for every method it calls, the params it sends (with the keys
//! of object params) and the result paths it reads (`list[].id`).
//!
//! A method the client calls but the spec lacks, and a param or param key it sends that
//! the spec lacks, fail the run. A result path it reads that the spec lacks is listed for
//! review and does not fail: such facts come from reading callbacks, which a shared
//! callback can attribute to the wrong method.

use std::collections::BTreeMap;

use kerio_codegen::spec::{Api, Method, TypeDef, TypeKind, TypeRef};
use serde_json::Value;

use super::catalog::{ShapeError, pointer, shape};

/// One method of the facts file.
pub(super) struct FactMethod {
    /// Param names sent, in file order.
    params: Vec<String>,
    /// Keys sent inside object params, by param name.
    param_keys: BTreeMap<String, Vec<String>>,
    /// Result paths read, such as `status.health` or `list[].id`.
    reads: Vec<String>,
    /// Seen only in the library the client shares with other products.
    shared: bool,
    /// Call sites (`file.js:line`).
    files: Vec<String>,
}

/// A facts file: methods by full name (`Interface.method`).
pub(super) struct Facts {
    pub(super) source: Option<String>,
    pub(super) methods: BTreeMap<String, FactMethod>,
}

/// Whether a JSON document is a facts file rather than a catalog.
pub(super) fn is_facts(root: &Value) -> bool {
    root.get("interfaces").is_none()
        && root
            .get("methods")
            .and_then(Value::as_object)
            .is_some_and(|m| m.keys().all(|k| k.contains('.')))
}

fn strings(v: Option<&Value>, at: &str) -> Result<Vec<String>, ShapeError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| match s.as_str() {
                Some(s) => Ok(s.to_owned()),
                None => shape(&format!("{at}/{i}"), "expected a string"),
            })
            .collect(),
        Some(other) => shape(
            at,
            format!(
                "expected an array, found {}",
                kerio_codegen::json::json_kind(other)
            ),
        ),
    }
}

/// Member names that describe a value rather than name a wire key (`$oneOf`, `$partial`).
fn is_wire_key(k: &str) -> bool {
    !k.starts_with('$')
}

impl Facts {
    /// Reads a facts file; the error says where its shape is wrong.
    pub(super) fn parse(root: &Value) -> Result<Facts, ShapeError> {
        let Some(methods_json) = root.get("methods").and_then(Value::as_object) else {
            return shape("/methods", "expected the methods (an object)");
        };
        let mut methods = BTreeMap::new();
        for (full, m) in methods_json {
            let at = pointer("/methods", full);
            let Some(m) = m.as_object() else {
                return shape(&at, "expected a method (an object)");
            };
            let params = match m.get("params") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Object(p)) => p.keys().filter(|k| is_wire_key(k)).cloned().collect(),
                Some(other) => {
                    return shape(
                        &format!("{at}/params"),
                        format!(
                            "expected an object, found {}",
                            kerio_codegen::json::json_kind(other)
                        ),
                    );
                }
            };
            let mut param_keys = BTreeMap::new();
            let keys_at = format!("{at}/objectParamKeys");
            if let Some(keys) = m.get("objectParamKeys").and_then(Value::as_object) {
                for (param, list) in keys {
                    let list = strings(Some(list), &pointer(&keys_at, param))?;
                    param_keys.insert(
                        param.clone(),
                        list.into_iter().filter(|k| is_wire_key(k)).collect(),
                    );
                }
            }
            methods.insert(
                full.clone(),
                FactMethod {
                    params,
                    param_keys,
                    reads: strings(m.get("resultKeysRead"), &format!("{at}/resultKeysRead"))?,
                    shared: m.get("onlyInSharedKerioLibrary") == Some(&Value::Bool(true)),
                    files: strings(m.get("files"), &format!("{at}/files"))?,
                },
            );
        }
        let source = root
            .get("source")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(Facts { source, methods })
    }
}

/// What the comparison found.
#[derive(Default)]
pub(super) struct FactsReport {
    /// Methods of the facts file, and how many the spec has.
    pub(super) methods: (usize, usize),
    /// Missing methods, params and param keys: each fails the run.
    pub(super) problems: Vec<String>,
    /// Result paths read that the spec lacks: for review.
    pub(super) review: Vec<String>,
    /// Spec methods of interfaces the client uses that it never calls.
    pub(super) uncalled: usize,
}

/// A type reference with aliases followed (bounded, as cycles are spec errors).
fn resolve<'a>(mut t: &'a TypeRef, types: &BTreeMap<&str, &'a TypeDef>) -> &'a TypeRef {
    for _ in 0..32 {
        match t {
            TypeRef::Named(n) => match types.get(n.as_str()).map(|d| &d.kind) {
                Some(TypeKind::Alias(of)) => t = of,
                _ => return t,
            },
            _ => return t,
        }
    }
    t
}

enum Step<'a> {
    /// Go on with this type.
    Into(&'a TypeRef),
    /// The path cannot be followed further in the spec (`any`, a primitive or an enum);
    /// nothing more to check.
    Stop,
    /// The spec lacks this member: the message says which.
    Missing(String),
}

/// One member step of a path: `name` inside the object type `t`.
fn member<'a>(t: &'a TypeRef, name: &str, types: &BTreeMap<&str, &'a TypeDef>) -> Step<'a> {
    match resolve(t, types) {
        TypeRef::Named(n) => match types.get(n.as_str()).map(|d| &d.kind) {
            Some(TypeKind::Struct(fields)) => match fields.iter().find(|f| f.name == name) {
                Some(f) => Step::Into(&f.ty),
                None => Step::Missing(format!("field {n}.{name}")),
            },
            _ => Step::Stop,
        },
        TypeRef::Map(v) => Step::Into(v),
        _ => Step::Stop,
    }
}

/// The element type when `t` is a list; `t` itself otherwise (a client may index an
/// object the same way).
fn element<'a>(t: &'a TypeRef, types: &BTreeMap<&str, &'a TypeDef>) -> &'a TypeRef {
    match resolve(t, types) {
        TypeRef::List(e) => e,
        _ => t,
    }
}

/// Follows a read path (`list[].id`) through the result of `m`; the first member the
/// spec lacks, if any.
fn check_path(m: &Method, path: &str, types: &BTreeMap<&str, &TypeDef>) -> Option<String> {
    let mut segments = path.split('.');
    let first = segments.next()?;
    let (key, indexed) = split_index(first);
    let Some(out) = m.result.iter().find(|p| p.name == key) else {
        return Some(format!("result key `{key}`"));
    };
    let mut t = elements(&out.ty, indexed, types);
    for seg in segments {
        let (name, indexed) = split_index(seg);
        match member(t, name, types) {
            Step::Into(next) => t = elements(next, indexed, types),
            Step::Stop => return None,
            Step::Missing(what) => return Some(what),
        }
    }
    None
}

/// A path segment's name and how many times it is indexed (`list[][]`: 2).
fn split_index(seg: &str) -> (&str, usize) {
    let mut name = seg;
    let mut depth = 0;
    while let Some(inner) = name.strip_suffix("[]") {
        name = inner;
        depth += 1;
    }
    (name, depth)
}

/// `t` indexed `depth` times.
fn elements<'a>(
    mut t: &'a TypeRef,
    depth: usize,
    types: &BTreeMap<&str, &'a TypeDef>,
) -> &'a TypeRef {
    for _ in 0..depth {
        t = element(t, types);
    }
    t
}

/// Compares the facts with the spec's methods.
pub(super) fn compare(facts: &Facts, api: &Api) -> FactsReport {
    let types: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut spec: BTreeMap<String, &Method> = BTreeMap::new();
    for i in &api.interfaces {
        for m in &i.methods {
            spec.insert(format!("{}.{}", i.name, m.name), m);
        }
    }
    let mut report = FactsReport::default();
    for (full, f) in &facts.methods {
        report.methods.1 += 1;
        let sites = site_list(f);
        let Some(m) = spec.get(full) else {
            report
                .problems
                .push(format!("missing method: {full}{sites}"));
            continue;
        };
        report.methods.0 += 1;
        for p in &f.params {
            let Some(sp) = m.params.iter().find(|s| &s.name == p) else {
                report
                    .problems
                    .push(format!("missing param: {full} `{p}`{sites}"));
                continue;
            };
            for key in f.param_keys.get(p).into_iter().flatten() {
                let t = element(&sp.ty, &types);
                if let Step::Missing(what) = member(t, key, &types) {
                    report.problems.push(format!(
                        "missing param key: {full} `{p}.{key}` ({what}){sites}"
                    ));
                }
            }
        }
        for path in &f.reads {
            if let Some(what) = check_path(m, path, &types) {
                report.review.push(format!(
                    "read, not in spec: {full} `{path}` ({what}){sites}"
                ));
            }
        }
    }
    let used: std::collections::BTreeSet<&str> = facts
        .methods
        .keys()
        .filter_map(|k| k.split_once('.').map(|(i, _)| i))
        .collect();
    report.uncalled = spec
        .keys()
        .filter(|k| {
            k.split_once('.').is_some_and(|(i, _)| used.contains(i))
                && !facts.methods.contains_key(*k)
        })
        .count();
    report
}

fn site_list(f: &FactMethod) -> String {
    let shared = if f.shared {
        "shared library only; "
    } else {
        ""
    };
    match f.files.as_slice() {
        [] if shared.is_empty() => String::new(),
        [] => format!(" [{}]", shared.trim_end_matches("; ")),
        [one] => format!(" [{shared}{one}]"),
        [one, rest @ ..] => format!(" [{shared}{one} and {} more]", rest.len()),
    }
}

impl FactsReport {
    /// The report text; see the module docs for what fails.
    pub(super) fn render(&self, api: &str, file: &str, source: Option<&str>) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "coverage of API `{api}` against the client facts in {file}"
        );
        if let Some(source) = source {
            let _ = writeln!(out, "  facts from {source}");
        }
        let (have, all) = self.methods;
        let pct = if all == 0 {
            100.0
        } else {
            have as f64 * 100.0 / all as f64
        };
        let _ = writeln!(
            out,
            "  methods    {have:>4}/{all:<4} in the spec ({pct:.1}%)"
        );
        for line in &self.problems {
            let _ = writeln!(out, "{line}");
        }
        if !self.review.is_empty() {
            let _ = writeln!(
                out,
                "result paths the client reads that the spec lacks (for review, not a failure):"
            );
            for line in &self.review {
                let _ = writeln!(out, "  {line}");
            }
        }
        let _ = writeln!(
            out,
            "{} missing, {} read paths to review; {} spec methods of the interfaces the client uses are never called by it",
            self.problems.len(),
            self.review.len(),
            self.uncalled
        );
        out
    }
}
