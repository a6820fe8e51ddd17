//! Merging observations into an API's spec files, widening only.
//!
//! Applied automatically: new interfaces and methods, new optional params, out-params
//! and fields, new enum values, and number widening (`int32` → `int64` → `double`).
//! Everything else that disagrees with the spec (a string where it says a number, a
//! `null` where nothing is nullable, a list where it says an object) is reported for
//! review and left alone. Nothing written by hand is changed: docs, names, order and
//! decisions stay; new items are appended.
//!
//! Phase one pushes every observed node down the spec's types, so each named type and
//! each primitive position gathers everything seen of it from every method; phase two
//! decides per type and position, in name order, so the result does not depend on the
//! order of calls.

use std::collections::BTreeMap;

use crate::spec::{Api, Interface, Method, Param, Primitive, TypeDef, TypeKind, TypeRef};
use serde_json::{Map, Value, json};

use super::infer::{Home, Infer, LEARNED, type_json};
use super::observe::MethodObs;
use super::observe::node::Node;
use super::report::ApiReport;
use super::secrets;
use super::specs::{ApiSpec, SpecFile, ptr};

/// A primitive position of the spec and everything seen there.
struct Site {
    prim: Primitive,
    lenient: bool,
    label: String,
    node: Node,
}

/// One edit of a spec file.
enum Edit {
    /// Append to the array at the pointer.
    Push(usize, String, Value),
    /// Set a key of the object at the pointer (created when missing).
    Insert(usize, String, String, Value),
    /// Replace the value at the pointer.
    Replace(usize, String, Value),
}

struct Merger<'a> {
    model: &'a Api,
    types: BTreeMap<&'a str, &'a TypeDef>,
    type_obs: BTreeMap<&'a str, Node>,
    sites: BTreeMap<(usize, String), Site>,
    report: ApiReport,
    edits: Vec<Edit>,
}

/// Describes the kinds seen in `node` that `allowed` (see `infer::only`) excludes.
fn unexpected(node: &Node, allowed: &str) -> Option<String> {
    let kinds = [
        ('b', node.bools, "boolean"),
        ('i', node.ints, "integer"),
        ('f', node.floats, "fractional number"),
        ('s', node.strings, "string"),
        ('o', node.objects, "object"),
        ('a', node.arrays, "array"),
    ];
    let bad: Vec<String> = kinds
        .iter()
        .filter(|(k, n, _)| *n > 0 && !allowed.contains(*k))
        .map(|(_, n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    (!bad.is_empty()).then(|| bad.join(", "))
}

fn rank(p: Primitive) -> u8 {
    match p {
        Primitive::Int32 => 0,
        Primitive::Int64 => 1,
        _ => 2,
    }
}

fn plural(n: u64, what: &str) -> String {
    match (n, what) {
        (1, _) => format!("1 {what}"),
        (_, "reply") => format!("{n} replies"),
        _ => format!("{n} {what}s"),
    }
}

fn doc_seen(n: u64, of: u64, what: &str) -> String {
    format!("{LEARNED} (seen in {n} of {of} {what}); not yet described.")
}

impl<'a> Merger<'a> {
    fn review(&mut self, msg: String) {
        self.report.review.insert(msg);
    }

    fn type_file(&self, name: &str) -> Option<(usize, &'a TypeDef)> {
        self.types.get(name).map(|t| (t.loc.file, *t))
    }

    /// Phase one: gathers `node` at type `ty`, reached at `site` (file and pointer of the
    /// type reference) and shown to people as `label`.
    fn collect(
        &mut self,
        ty: &'a TypeRef,
        site: Option<(usize, String)>,
        label: &str,
        lenient: bool,
        node: &Node,
    ) {
        if node.seen == node.nulls {
            return;
        }
        match ty {
            TypeRef::Primitive(p) => {
                if let Some(site) = site {
                    self.sites
                        .entry(site)
                        .or_insert_with(|| Site {
                            prim: *p,
                            lenient,
                            label: label.to_owned(),
                            node: Node::default(),
                        })
                        .node
                        .absorb(node.clone());
                }
            }
            TypeRef::List(inner) => {
                if let Some(bad) = unexpected(node, "a") {
                    self.review(format!(
                        "{label}: the spec says a list, the capture has {bad}"
                    ));
                }
                if let Some(items) = node.items.as_deref() {
                    let site = site.map(|(f, p)| (f, ptr(&p, "list")));
                    self.collect(inner, site, &format!("{label}[]"), lenient, items);
                }
            }
            TypeRef::Map(inner) => {
                if let Some(bad) = unexpected(node, "o") {
                    self.review(format!(
                        "{label}: the spec says a map, the capture has {bad}"
                    ));
                }
                let values = node.merged_members();
                let site = site.map(|(f, p)| (f, ptr(&p, "map")));
                self.collect(inner, site, &format!("{label}{{}}"), lenient, &values);
            }
            TypeRef::Named(name) => {
                let Some((file, t)) = self.type_file(name) else {
                    return;
                };
                match &t.kind {
                    TypeKind::Alias(of) => {
                        let site = Some((file, ptr(&t.loc.pointer, "of")));
                        self.collect(of, site, label, lenient, node);
                    }
                    TypeKind::Enum(_) => {
                        if let Some(bad) = unexpected(node, "s") {
                            self.review(format!(
                                "{label}: the spec says enum {name}, the capture has {bad}"
                            ));
                        }
                        self.type_obs
                            .entry(&t.name)
                            .or_default()
                            .absorb(node.clone());
                    }
                    TypeKind::Struct(fields) => {
                        if let Some(bad) = unexpected(node, "o") {
                            self.review(format!(
                                "{label}: the spec says struct {name}, the capture has {bad}"
                            ));
                        }
                        self.type_obs
                            .entry(&t.name)
                            .or_default()
                            .absorb(node.clone());
                        for f in fields {
                            let Some(child) = node.get(&f.name) else {
                                continue;
                            };
                            let flabel = format!("{name}.{}", f.name);
                            if child.nulls > 0 && !f.nullable {
                                self.review(format!(
                                    "{flabel}: null in {} of {} values, but the field is not nullable",
                                    child.nulls, child.seen
                                ));
                            }
                            let site = Some((file, ptr(&f.loc.pointer, "type")));
                            self.collect(&f.ty, site, &flabel, f.lenient, child);
                        }
                    }
                }
            }
        }
    }

    /// Gathers the members of a params or result object against the spec's list; returns
    /// the members the spec lacks, in wire order.
    fn collect_members<'n>(
        &mut self,
        list: &'a [Param],
        node: &'n Node,
        label: &str,
        file: usize,
    ) -> Vec<&'n super::observe::node::Field> {
        if let Some(bad) = unexpected(node, "o") {
            self.review(format!(
                "{label}: expected an object, the capture has {bad}; not learned"
            ));
            return Vec::new();
        }
        let mut extra = Vec::new();
        for f in node.sorted_fields() {
            if !nameable(&f.name) {
                self.review(format!(
                    "{label}: a member that is not a name (or looks like a token); not learned"
                ));
                continue;
            }
            match list.iter().find(|p| p.name == *f.name) {
                Some(p) => {
                    let plabel = format!("{label}.{}", p.name);
                    if f.node.nulls > 0 {
                        self.review(format!(
                            "{plabel}: null in {} of {} values",
                            f.node.nulls, f.node.seen
                        ));
                    }
                    let site = Some((file, ptr(&p.loc.pointer, "type")));
                    self.collect(&p.ty, site, &plabel, p.lenient, &f.node);
                }
                None => extra.push(f),
            }
        }
        extra
    }

    fn existing_method(
        &mut self,
        iface: &'a Interface,
        m: &'a Method,
        obs: &MethodObs,
        infer: &mut Infer<'a>,
    ) {
        let file = m.loc.file;
        let name = format!("{}.{}", iface.name, m.name);
        let home = Home::File(iface.loc.file);
        let extra = self.collect_members(&m.params, &obs.params, &format!("{name}(params)"), file);
        for f in extra {
            let ty = infer.infer(&f.node, &f.name, &iface.name, &home, false);
            self.report
                .new_params
                .push(format!("{name}({}: {})", f.name, show(&ty)));
            let v = param_json(
                &f.name,
                &ty,
                true,
                doc_seen(f.node.seen, obs.calls, "captured calls"),
            );
            self.edits
                .push(Edit::Push(file, ptr(&m.loc.pointer, "params"), v));
        }
        if m.role == Some(crate::spec::Role::Batch) || obs.replies == 0 {
            return;
        }
        let extra = self.collect_members(&m.result, &obs.result, &format!("{name}(result)"), file);
        for f in extra {
            let ty = infer.infer(&f.node, &f.name, &iface.name, &home, false);
            self.report
                .new_params
                .push(format!("{name} → {}: {}", f.name, show(&ty)));
            let v = param_json(
                &f.name,
                &ty,
                true,
                doc_seen(f.node.seen, obs.replies, "replies"),
            );
            self.edits
                .push(Edit::Push(file, ptr(&m.loc.pointer, "result"), v));
        }
    }

    /// The spec of a method the spec lacks, or `None` (reported) when no reply showed
    /// what it returns.
    fn new_method(
        &mut self,
        iface: &str,
        method: &str,
        obs: &MethodObs,
        home: &Home,
        infer: &mut Infer<'a>,
    ) -> Option<Value> {
        let name = format!("{iface}.{method}");
        if obs.replies == 0 {
            let codes: Vec<String> = obs
                .error_codes
                .iter()
                .map(|(c, n)| format!("{c} ×{n}"))
                .collect();
            self.review(format!(
                "{name}: not in the spec and no successful reply seen ({}{}); not added",
                plural(obs.calls, "call"),
                if codes.is_empty() {
                    String::new()
                } else {
                    format!(", errors {}", codes.join(", "))
                }
            ));
            return None;
        }
        if unexpected(&obs.params, "o").is_some() || unexpected(&obs.result, "o").is_some() {
            self.review(format!(
                "{name}: not in the spec, and its params or result are not objects; not added"
            ));
            return None;
        }
        let mut odd = 0;
        let mut members = |infer: &mut Infer<'a>, node: &Node, total: u64| {
            node.sorted_fields()
                .into_iter()
                .filter(|f| {
                    let ok = nameable(&f.name);
                    odd += usize::from(!ok);
                    ok
                })
                .map(|f| {
                    let ty = infer.infer(&f.node, &f.name, iface, home, false);
                    let mut p = Map::new();
                    p.insert("name".into(), Value::String(f.name.to_string()));
                    p.insert("type".into(), type_json(&ty));
                    if f.node.seen < total {
                        p.insert("optional".into(), Value::Bool(true));
                    }
                    Value::Object(p)
                })
                .collect::<Vec<_>>()
        };
        let params = members(infer, &obs.params, obs.calls);
        let result = members(infer, &obs.result, obs.replies);
        if odd > 0 {
            self.review(format!(
                "{name}: {odd} member{} that {} not a name (or looks like a token); not learned",
                if odd == 1 { "" } else { "s" },
                if odd == 1 { "is" } else { "are" }
            ));
        }
        self.report.new_methods.push(name);
        Some(json!({
            "doc": format!(
                "{LEARNED} ({}, {}, {}); not yet described.",
                plural(obs.calls, "call"),
                plural(obs.replies, "reply"),
                plural(obs.errors, "error")
            ),
            "params": params,
            "result": result,
        }))
    }

    /// Phase two for primitive positions: widen numbers, report the rest.
    fn decide_sites(&mut self) {
        let sites = std::mem::take(&mut self.sites);
        for ((file, pointer), s) in sites {
            let n = &s.node;
            let label = &s.label;
            let spec = s.prim.as_str();
            let strings_ok = |s: &Site| s.lenient && n.numeric_strings == n.strings;
            match s.prim {
                Primitive::Any => {}
                Primitive::String | Primitive::Boolean => {
                    let allowed = if s.prim == Primitive::String {
                        "s"
                    } else {
                        "b"
                    };
                    if let Some(bad) = unexpected(n, allowed) {
                        self.review(format!(
                            "{label}: the spec says {spec}, the capture has {bad}"
                        ));
                    }
                }
                Primitive::Int32 | Primitive::Int64 | Primitive::Double => {
                    let allowed = if strings_ok(&s) { "ifs" } else { "if" };
                    if let Some(bad) = unexpected(n, allowed) {
                        let hint = if n.strings > 0 && n.numeric_strings == n.strings {
                            " (numbers written as strings: mark it lenient?)"
                        } else {
                            ""
                        };
                        self.review(format!(
                            "{label}: the spec says {spec}, the capture has {bad}{hint}"
                        ));
                    }
                    let needed = if n.floats > 0 {
                        Primitive::Double
                    } else if n.wide_ints > 0 {
                        Primitive::Int64
                    } else {
                        Primitive::Int32
                    };
                    if rank(needed) > rank(s.prim) {
                        self.report
                            .widened
                            .push(format!("{label}: {spec} → {}", needed.as_str()));
                        self.edits
                            .push(Edit::Replace(file, pointer, json!(needed.as_str())));
                    }
                }
            }
        }
    }

    /// Phase two for named types: new enum values and new struct fields.
    fn decide_types(&mut self, infer: &mut Infer<'a>) {
        let obs = std::mem::take(&mut self.type_obs);
        for (name, node) in obs {
            let Some((file, t)) = self.type_file(name) else {
                continue;
            };
            match &t.kind {
                TypeKind::Enum(values) => {
                    if node.strings == 0 {
                        continue;
                    }
                    if node.values.overflowed() {
                        let known = values.len();
                        self.review(format!(
                            "{name}: more than {} distinct or overlong strings where the spec has an enum of {known} values; none learned",
                            super::observe::node::MAX_VALUES
                        ));
                        continue;
                    }
                    for v in node.values.sorted() {
                        if values.iter().any(|e| e.value == v) || v.is_empty() {
                            continue;
                        }
                        self.report.new_values.push(format!("{name}: {v}"));
                        self.edits.push(Edit::Push(
                            file,
                            ptr(&t.loc.pointer, "values"),
                            json!({"value": v, "doc": format!("{LEARNED}; not yet described.")}),
                        ));
                    }
                }
                TypeKind::Struct(fields) => {
                    let home = Home::File(file);
                    for f in node.sorted_fields() {
                        if fields.iter().any(|sf| *sf.name == *f.name) {
                            continue;
                        }
                        if secrets::looks_like_token(&f.name) {
                            self.review(format!(
                                "{name}: a key that looks like a token (not shown); not learned"
                            ));
                            continue;
                        }
                        if !crate::naming::is_wire_name(&f.name) {
                            self.review(format!(
                                "{name}: key `{}` is not a field name; not learned",
                                f.name.escape_debug()
                            ));
                            continue;
                        }
                        let ty = infer.infer(&f.node, &f.name, name, &home, false);
                        self.report
                            .new_fields
                            .push(format!("{name}.{}: {}", f.name, show(&ty)));
                        let mut v = Map::new();
                        v.insert("name".into(), json!(&*f.name));
                        v.insert("type".into(), type_json(&ty));
                        v.insert("optional".into(), json!(true));
                        if f.node.nulls > 0 {
                            v.insert("nullable".into(), json!(true));
                        }
                        v.insert(
                            "doc".into(),
                            json!(doc_seen(f.node.seen, node.objects, "captured objects")),
                        );
                        self.edits.push(Edit::Push(
                            file,
                            ptr(&t.loc.pointer, "fields"),
                            Value::Object(v),
                        ));
                    }
                }
                TypeKind::Alias(_) => {}
            }
        }
    }
}

/// True for a key that can become a param or field name: a wire name that does not look
/// like a token.
fn nameable(key: &str) -> bool {
    crate::naming::is_wire_name(key) && !secrets::looks_like_token(key)
}

fn param_json(name: &str, ty: &TypeRef, optional: bool, doc: String) -> Value {
    let mut p = Map::new();
    p.insert("name".into(), json!(name));
    p.insert("type".into(), type_json(ty));
    if optional {
        p.insert("optional".into(), json!(true));
    }
    p.insert("doc".into(), json!(doc));
    Value::Object(p)
}

/// A type reference as the summary shows it.
fn show(ty: &TypeRef) -> String {
    type_json(ty).to_string().replace('"', "")
}

fn apply(files: &mut [SpecFile], edit: Edit) -> bool {
    match edit {
        Edit::Push(f, p, v) => files
            .get_mut(f)
            .and_then(|file| file.value.pointer_mut(&p))
            .and_then(Value::as_array_mut)
            .map(|a| a.push(v))
            .is_some(),
        Edit::Insert(f, p, key, v) => {
            let Some(file) = files.get_mut(f) else {
                return false;
            };
            if file.value.pointer(&p).is_none() {
                let (parent, last) = p.rsplit_once('/').unwrap_or(("", &p));
                let last = last.to_owned();
                match file
                    .value
                    .pointer_mut(parent)
                    .and_then(Value::as_object_mut)
                {
                    Some(obj) => {
                        obj.insert(last, json!({}));
                    }
                    None => return false,
                }
            }
            file.value
                .pointer_mut(&p)
                .and_then(Value::as_object_mut)
                .map(|o| o.insert(key, v))
                .is_some()
        }
        Edit::Replace(f, p, v) => {
            match files.get_mut(f).and_then(|file| file.value.pointer_mut(&p)) {
                Some(slot) => {
                    *slot = v;
                    true
                }
                None => false,
            }
        }
    }
}

/// Merges what was learned of one API into its files (in memory) and says what changed.
pub fn merge(api: &mut ApiSpec, methods: &BTreeMap<String, MethodObs>) -> ApiReport {
    let model = api.model.clone();
    let mut m = Merger {
        model: &model,
        types: model.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        type_obs: BTreeMap::new(),
        sites: BTreeMap::new(),
        report: ApiReport {
            api: model.manifest.name.clone(),
            ..ApiReport::default()
        },
        edits: Vec::new(),
    };
    let mut infer = Infer::new(&model);
    // New interfaces: name → methods.
    let mut new_ifaces: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (full, obs) in methods {
        m.report.calls += obs.calls;
        m.report.replies += obs.replies;
        m.report.errors += obs.errors;
        let Some((iname, mname)) = full.split_once('.') else {
            continue;
        };
        let iface = m.model.interfaces.iter().find(|i| i.name == iname);
        match iface.and_then(|i| i.methods.iter().find(|x| x.name == mname).map(|x| (i, x))) {
            Some((i, method)) => m.existing_method(i, method, obs, &mut infer),
            None => {
                let home = match iface {
                    Some(i) => Home::File(i.loc.file),
                    None => Home::NewInterface(iname.to_owned()),
                };
                let Some(v) = m.new_method(iname, mname, obs, &home, &mut infer) else {
                    continue;
                };
                match iface {
                    Some(i) => m.edits.push(Edit::Insert(
                        i.loc.file,
                        ptr(&i.loc.pointer, "methods"),
                        mname.to_owned(),
                        v,
                    )),
                    None => {
                        new_ifaces
                            .entry(iname.to_owned())
                            .or_default()
                            .insert(mname.to_owned(), v);
                    }
                }
            }
        }
    }
    m.decide_sites();
    m.decide_types(&mut infer);
    // New interfaces get a file each, beside the others.
    let mut new_file_of: BTreeMap<String, usize> = BTreeMap::new();
    for (iname, methods) in new_ifaces {
        let rel = format!("{}/interfaces/{iname}.json", api.rel_dir());
        m.report.new_interfaces.push(iname.clone());
        let iface = json!({"doc": format!("{LEARNED}; not yet described."), "methods": methods});
        let index = match api.file_index(&rel) {
            Some(i) => {
                m.edits
                    .push(Edit::Insert(i, "/interfaces".into(), iname.clone(), iface));
                i
            }
            None => {
                api.files.push(SpecFile {
                    rel: rel.clone(),
                    path: api.dir.join("interfaces").join(format!("{iname}.json")),
                    original: None,
                    value: json!({"$schema": "../../kerio-spec.schema.json", "interfaces": {iname.clone(): iface}}),
                });
                api.files.len() - 1
            }
        };
        new_file_of.insert(iname, index);
    }
    for t in std::mem::take(&mut infer.created) {
        let file = match &t.home {
            Home::File(i) => *i,
            Home::NewInterface(name) => match new_file_of.get(name) {
                Some(i) => *i,
                None => continue,
            },
        };
        m.report.new_types.push(t.name.clone());
        m.edits
            .push(Edit::Insert(file, "/types".into(), t.name, t.def));
    }
    let mut report = m.report;
    for edit in m.edits {
        if !apply(&mut api.files, edit) {
            report
                .review
                .insert("internal: an edit did not apply to its spec file; please report".into());
        }
    }
    let sort = |v: &mut Vec<String>| {
        v.sort();
        v.dedup();
    };
    for v in [
        &mut report.new_interfaces,
        &mut report.new_methods,
        &mut report.new_params,
        &mut report.new_fields,
        &mut report.new_values,
        &mut report.widened,
        &mut report.new_types,
    ] {
        sort(v);
    }
    report
}

#[cfg(test)]
mod tests;
