//! Merging observations into an API's spec files, widening only.
//!
//! Applied automatically: new interfaces and methods, new optional params, out-params
//! and fields, new enum values, and number widening (`int32` → `int64` → `double`).
//! Everything else that disagrees with the spec (a string where it says a number, a
//! `null` where nothing is nullable, a list where it says an object) is reported for
//! review and left alone. Nothing written by hand is changed: docs, names, order and
//! decisions stay; new items are appended.
//!
//! Phase one (`collect`) pushes every observed node down the spec's types, so each named
//! type and each primitive position gathers everything seen of it from every method;
//! phase two (`decide`) decides per type and position, in name order, so the result does
//! not depend on the order of calls. Both record edits (`edit`), applied to the files at the
//! end.

mod collect;
mod decide;
mod edit;

use std::collections::BTreeMap;

use crate::spec::{Api, Primitive, TypeDef, TypeRef};
use serde_json::{Map, Value, json};

use self::edit::{Edit, apply};

use super::infer::{Home, Infer, LEARNED, type_json};
use super::observe::MethodObs;
use super::observe::node::Node;
use super::report::ApiReport;
use super::specs::{ApiSpec, SpecFile, ptr};
use crate::secrets;

/// A primitive position of the spec and everything seen there.
struct Site {
    prim: Primitive,
    lenient: bool,
    label: String,
    node: Node,
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
