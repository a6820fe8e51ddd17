//! Phase one of merging: every observed node is pushed down the spec's types, so each
//! named type and each primitive position gathers what was seen of it; what the spec
//! lacks (params, out-params, methods) is inferred on the way.

use serde_json::{Map, Value, json};

use super::edit::Edit;
use super::{Merger, Site, doc_seen, nameable, param_json, plural, show, unexpected};
use crate::learn::infer::{Home, Infer, LEARNED, type_json};
use crate::learn::observe::MethodObs;
use crate::learn::observe::node::Node;
use crate::learn::specs::ptr;
use crate::spec::{Interface, Method, Param, TypeKind, TypeRef};
impl<'a> Merger<'a> {
    /// Phase one: gathers `node` at type `ty`, reached at `site` (file and pointer of the
    /// type reference) and shown to people as `label`.
    pub(super) fn collect(
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
    pub(super) fn collect_members<'n>(
        &mut self,
        list: &'a [Param],
        node: &'n Node,
        label: &str,
        file: usize,
    ) -> Vec<&'n crate::learn::observe::node::Field> {
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

    pub(super) fn existing_method(
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
    pub(super) fn new_method(
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
}
