//! `cargo xtask coverage FILE.json...`: how much of an API catalog, or of a client's
//! facts, the spec set covers, and where they disagree.
//!
//! A catalog lists an API's interfaces, methods and types with names and JSON types only
//! (the shape of `control-admin-catalog.json`). Catalog integers (`int`, `long`) match both
//! `int32` and `int64`, aliases are followed on both sides before JSON types are compared,
//! and a catalog type `?` is reported as undecided rather than as a difference. What the
//! spec has beyond the catalog is listed apart, each item with the `Source` its doc
//! records, and does not fail the run.
//!
//! A facts file (the shape of `webadmin-facts.json`) lists what a client sends and reads
//! per method; see [`facts`] for what is compared.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kerio_codegen::spec::{Api, Home, Method, Param, Primitive, Role, TypeDef, TypeKind, TypeRef};
use serde_json::Value;

mod catalog;
mod evidence;
mod facts;

use catalog::{CatMethod, CatParam, CatPrim, CatRef, CatResult, CatType, Catalog};

/// Exit code when the catalog or the spec set cannot be read.
const BAD_INPUT: u8 = 2;

/// A file to compare with, read and recognised.
enum Against {
    Catalog(Catalog),
    Facts(facts::Facts),
}

fn read_against(path: &Path) -> Result<Against, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("{shown}: invalid JSON: {e}"))?;
    let parsed = if facts::is_facts(&json) {
        facts::Facts::parse(&json).map(Against::Facts)
    } else {
        Catalog::parse(&json).map(Against::Catalog)
    };
    parsed.map_err(|e| format!("{shown}: at {}: {}", e.at, e.message))
}

/// Runs the comparison with each file and prints one report per file; see the module
/// docs. Fails when any report has a problem.
pub fn run(paths: &[PathBuf], specs: &Path, api_name: &str) -> ExitCode {
    let mut against = Vec::with_capacity(paths.len());
    for path in paths {
        match read_against(path) {
            Ok(a) => against.push((path.display().to_string(), a)),
            Err(message) => return bad_input(format_args!("{message}")),
        }
    }
    let apis = match kerio_codegen::load::load_root(specs) {
        Ok(apis) => apis,
        Err(diags) => {
            eprint!("{diags}");
            return bad_input(format_args!(
                "{}: the spec set does not load",
                specs.display()
            ));
        }
    };
    let Some(api) = apis.iter().find(|a| a.manifest.name == api_name) else {
        let names: Vec<&str> = apis.iter().map(|a| a.manifest.name.as_str()).collect();
        return bad_input(format_args!(
            "{}: no API named `{api_name}` (found: {})",
            specs.display(),
            names.join(", ")
        ));
    };
    let mut failed = false;
    for (i, (shown, against)) in against.iter().enumerate() {
        if i > 0 {
            println!();
        }
        match against {
            Against::Catalog(catalog) => {
                let report = compare(catalog, api);
                print!("{}", report.render(api_name, shown, &catalog.notes));
                failed |= !report.problems.is_empty();
            }
            Against::Facts(f) => {
                let report = facts::compare(f, api);
                print!("{}", report.render(api_name, shown, f.source.as_deref()));
                failed |= !report.problems.is_empty();
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn bad_input(message: fmt::Arguments<'_>) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(BAD_INPUT)
}

// ---- Comparison ----------------------------------------------------------------------

/// A JSON type with aliases followed: what actually travels on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    String,
    Boolean,
    Integer,
    Number,
    Any,
    Unknown,
    /// A struct or enum, by name.
    Named(String),
    List(Box<Shape>),
    Map(Box<Shape>),
}

/// How deep alias chains are followed before giving up (cycles are spec errors anyway).
const ALIAS_DEPTH: usize = 32;

fn cat_shape(t: &CatRef, cat: &Catalog, depth: usize) -> Shape {
    match t {
        CatRef::Prim(p) => match p {
            CatPrim::String => Shape::String,
            CatPrim::Boolean => Shape::Boolean,
            CatPrim::Integer => Shape::Integer,
            CatPrim::Double => Shape::Number,
            CatPrim::Any => Shape::Any,
            CatPrim::Unknown => Shape::Unknown,
        },
        CatRef::Named(n) => match cat.types.get(n) {
            Some(CatType::Alias(of)) if depth < ALIAS_DEPTH => cat_shape(of, cat, depth + 1),
            _ => Shape::Named(n.clone()),
        },
        CatRef::List(t) => Shape::List(Box::new(cat_shape(t, cat, depth))),
        CatRef::Map(t) => Shape::Map(Box::new(cat_shape(t, cat, depth))),
    }
}

fn spec_shape(t: &TypeRef, types: &BTreeMap<&str, &TypeDef>, depth: usize) -> Shape {
    match t {
        TypeRef::Primitive(p) => match p {
            Primitive::String => Shape::String,
            Primitive::Boolean => Shape::Boolean,
            Primitive::Int32 | Primitive::Int64 => Shape::Integer,
            Primitive::Double => Shape::Number,
            Primitive::Any => Shape::Any,
        },
        TypeRef::Named(n) => match types.get(n.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Alias(of)) if depth < ALIAS_DEPTH => spec_shape(of, types, depth + 1),
            _ => Shape::Named(n.clone()),
        },
        TypeRef::List(t) => Shape::List(Box::new(spec_shape(t, types, depth))),
        TypeRef::Map(t) => Shape::Map(Box::new(spec_shape(t, types, depth))),
    }
}

fn contains_unknown(s: &Shape) -> bool {
    match s {
        Shape::Unknown => true,
        Shape::List(t) | Shape::Map(t) => contains_unknown(t),
        _ => false,
    }
}

/// Covered counts and everything found, in catalog order.
#[derive(Default)]
struct Report {
    interfaces: (usize, usize),
    methods: (usize, usize),
    types: (usize, usize),
    /// Missing or differing items; any of them fails the run.
    problems: Vec<String>,
    /// Differences the spec explains with a `Corrects the catalog` paragraph naming the
    /// item: listed with the reason, not a failure.
    corrected: Vec<(String, String)>,
    /// Items whose catalog type is `?`.
    undecided: Vec<String>,
    /// What the spec has beyond the catalog, each with the source its doc records;
    /// listed apart, not a failure.
    beyond: Vec<(String, Option<String>)>,
}

struct Ctx<'a> {
    cat: &'a Catalog,
    types: BTreeMap<&'a str, &'a TypeDef>,
    report: Report,
}

impl Ctx<'_> {
    /// Records a difference, unless a doc of the item (or of what holds it) explains it
    /// with a `Corrects the catalog` paragraph naming `item`.
    fn problem<'d>(
        &mut self,
        line: String,
        item: &str,
        docs: impl IntoIterator<Item = Option<&'d str>>,
    ) {
        match evidence::correction(item, docs) {
            Some(reason) => self.report.corrected.push((line, reason)),
            None => self.report.problems.push(line),
        }
    }

    /// Records a spec item the catalog lacks, with the evidence its docs record.
    fn beyond<'d>(&mut self, what: String, docs: impl IntoIterator<Item = Option<&'d str>>) {
        self.report.beyond.push((what, evidence::of(docs)));
    }

    /// Compares one catalog type with one spec type; `what` names the item.
    fn compare_ref(&mut self, what: &str, cat: &CatRef, spec: &TypeRef) {
        let (c, s) = (
            cat_shape(cat, self.cat, 0),
            spec_shape(spec, &self.types, 0),
        );
        if contains_unknown(&c) {
            self.report.undecided.push(format!(
                "{what}: undecided in catalog ({cat}); spec has {spec}"
            ));
        } else if !shapes_match(&c, &s) {
            self.report
                .problems
                .push(format!("type differs: {what}: catalog {cat}, spec {spec}"));
        }
    }

    /// `outer`: docs of the items holding the params (method, interface), for evidence.
    fn compare_params(
        &mut self,
        what: &str,
        kind: &str,
        cat: &[CatParam],
        spec: &[Param],
        outer: [Option<&str>; 2],
    ) {
        let spec_by_name: BTreeMap<&str, &Param> =
            spec.iter().map(|p| (p.name.as_str(), p)).collect();
        for c in cat {
            match spec_by_name.get(c.name.as_str()) {
                None => self.problem(
                    format!("missing {kind}: {what} `{}`", c.name),
                    &c.name,
                    outer,
                ),
                Some(s) => {
                    self.compare_ref(&format!("{what} {kind} `{}`", c.name), &c.ty, &s.ty);
                    if c.optional && !s.optional {
                        self.report.problems.push(format!(
                            "optionality differs: {what} {kind} `{}` is optional in the catalog, required in the spec",
                            c.name
                        ));
                    }
                }
            }
        }
        let cat_names: BTreeSet<&str> = cat.iter().map(|p| p.name.as_str()).collect();
        for s in spec.iter().filter(|s| !cat_names.contains(s.name.as_str())) {
            let [m, i] = outer;
            self.beyond(
                format!("extra {kind} (not in catalog): {what} `{}`", s.name),
                [s.doc.as_deref(), m, i],
            );
        }
    }

    fn compare_method(&mut self, full: &str, cat: &CatMethod, spec: &Method, iface: Option<&str>) {
        let outer = [spec.doc.as_deref(), iface];
        self.compare_params(full, "param", &cat.params, &spec.params, outer);
        match &cat.result {
            CatResult::Keys(keys) => {
                self.compare_params(full, "result key", keys, &spec.result, outer)
            }
            CatResult::Described(text) if spec.role != Some(Role::Batch) => self.report.problems.push(format!(
                "result differs: {full}: the catalog describes its result as \"{text}\"; the spec lists keys and no batch role"
            )),
            CatResult::Described(_) => {}
        }
    }

    fn compare_type(&mut self, name: &str, cat: &CatType, spec: &TypeDef) {
        match (cat, &spec.kind) {
            (CatType::Struct(cf), TypeKind::Struct(sf)) => {
                let spec_by_name: BTreeMap<&str, _> =
                    sf.iter().map(|f| (f.name.as_str(), f)).collect();
                for c in cf {
                    match spec_by_name.get(c.name.as_str()) {
                        None => self.problem(
                            format!("missing field: {name}.{}", c.name),
                            &c.name,
                            [spec.doc.as_deref()],
                        ),
                        Some(s) => {
                            self.compare_ref(&format!("field {name}.{}", c.name), &c.ty, &s.ty)
                        }
                    }
                }
                let names: BTreeSet<&str> = cf.iter().map(|f| f.name.as_str()).collect();
                for s in sf.iter().filter(|s| !names.contains(s.name.as_str())) {
                    self.beyond(
                        format!("extra field (not in catalog): {name}.{}", s.name),
                        [s.doc.as_deref(), spec.doc.as_deref()],
                    );
                }
            }
            (CatType::Enum(cv), TypeKind::Enum(sv)) => {
                let spec_values: BTreeSet<&str> = sv.iter().map(|v| v.value.as_str()).collect();
                let cat_values: BTreeSet<&str> = cv.iter().map(String::as_str).collect();
                for v in cv.iter().filter(|v| !spec_values.contains(v.as_str())) {
                    self.report
                        .problems
                        .push(format!("missing enum value: {name} `{v}`"));
                }
                for v in sv.iter().filter(|v| !cat_values.contains(v.value.as_str())) {
                    self.beyond(
                        format!("extra enum value (not in catalog): {name} `{}`", v.value),
                        [v.doc.as_deref(), spec.doc.as_deref()],
                    );
                }
            }
            (CatType::Alias(c), TypeKind::Alias(s)) => {
                self.compare_ref(&format!("alias {name}"), c, s)
            }
            (c, s) => self.report.problems.push(format!(
                "kind differs: type {name} is {} in the catalog, {} in the spec",
                cat_kind(c),
                spec_kind(s)
            )),
        }
    }
}

/// Equal wire shapes. A spec `any` accepts whatever the catalog says; named types must
/// have the same name.
fn shapes_match(cat: &Shape, spec: &Shape) -> bool {
    match (cat, spec) {
        (_, Shape::Any) => true,
        (Shape::List(c), Shape::List(s)) | (Shape::Map(c), Shape::Map(s)) => shapes_match(c, s),
        (c, s) => c == s,
    }
}

fn cat_kind(t: &CatType) -> &'static str {
    match t {
        CatType::Struct(_) => "a struct",
        CatType::Enum(_) => "an enum",
        CatType::Alias(_) => "an alias",
    }
}

fn spec_kind(t: &TypeKind) -> &'static str {
    match t {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Alias(_) => "an alias",
    }
}

fn compare(cat: &Catalog, api: &Api) -> Report {
    let types: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut ctx = Ctx {
        cat,
        types,
        report: Report::default(),
    };
    let spec_ifaces: BTreeMap<&str, _> = api
        .interfaces
        .iter()
        .map(|i| (i.name.as_str(), i))
        .collect();

    for (iname, methods) in &cat.interfaces {
        ctx.report.interfaces.1 += 1;
        ctx.report.methods.1 += methods.len();
        let Some(iface) = spec_ifaces.get(iname.as_str()) else {
            ctx.report.problems.push(format!(
                "missing interface: {iname} ({} methods)",
                methods.len()
            ));
            continue;
        };
        ctx.report.interfaces.0 += 1;
        let spec_methods: BTreeMap<&str, &Method> =
            iface.methods.iter().map(|m| (m.name.as_str(), m)).collect();
        for (mname, m) in methods {
            let full = format!("{iname}.{mname}");
            match spec_methods.get(mname.as_str()) {
                None => ctx.report.problems.push(format!("missing method: {full}")),
                Some(sm) => {
                    ctx.report.methods.0 += 1;
                    ctx.compare_method(&full, m, sm, iface.doc.as_deref());
                }
            }
        }
        for m in iface
            .methods
            .iter()
            .filter(|m| !methods.contains_key(&m.name))
        {
            ctx.beyond(
                format!("extra method (not in catalog): {iname}.{}", m.name),
                [m.doc.as_deref(), iface.doc.as_deref()],
            );
        }
    }
    for i in api
        .interfaces
        .iter()
        .filter(|i| !cat.interfaces.contains_key(&i.name))
    {
        ctx.beyond(
            format!(
                "extra interface (not in catalog): {} ({} methods)",
                i.name,
                i.methods.len()
            ),
            [i.doc.as_deref()],
        );
    }

    for (tname, t) in &cat.types {
        ctx.report.types.1 += 1;
        match ctx.types.get(tname.as_str()).copied() {
            None => ctx.report.problems.push(format!("missing type: {tname}")),
            Some(st) => {
                ctx.report.types.0 += 1;
                ctx.compare_type(tname, t, st);
            }
        }
    }
    for t in api
        .types
        .iter()
        .filter(|t| !cat.types.contains_key(&t.name))
    {
        // A type declared with an interface shares that interface's evidence.
        let home = match &t.home {
            Home::Interface(name) => spec_ifaces
                .get(name.as_str())
                .and_then(|i| i.doc.as_deref()),
            Home::Shared(_) => None,
        };
        ctx.beyond(
            format!("extra type (not in catalog): {}", t.name),
            [t.doc.as_deref(), home],
        );
    }
    ctx.report
}

impl Report {
    fn render(&self, api: &str, catalog: &str, notes: &[String]) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let pct = |(have, all): (usize, usize)| {
            if all == 0 {
                100.0
            } else {
                have as f64 * 100.0 / all as f64
            }
        };
        let _ = writeln!(out, "coverage of API `{api}` against {catalog}");
        for (label, n) in [
            ("interfaces", self.interfaces),
            ("methods", self.methods),
            ("types", self.types),
        ] {
            let _ = writeln!(
                out,
                "  {label:<10} {:>4}/{:<4} covered ({:.1}%)",
                n.0,
                n.1,
                pct(n)
            );
        }
        for line in &self.problems {
            let _ = writeln!(out, "{line}");
        }
        for line in notes {
            let _ = writeln!(out, "note: {line}");
        }
        for line in &self.undecided {
            let _ = writeln!(out, "note: {line}");
        }
        if !self.corrected.is_empty() {
            let _ = writeln!(
                out,
                "corrected in the spec, with its reason (listed apart, not a failure):"
            );
            for (line, reason) in &self.corrected {
                let _ = writeln!(out, "  {line}\n      {reason}");
            }
        }
        if !self.beyond.is_empty() {
            let _ = writeln!(
                out,
                "in the spec beyond the catalog (listed apart, not a failure):"
            );
            for (line, source) in &self.beyond {
                let source = source
                    .as_deref()
                    .unwrap_or("(no source recorded in its docs)");
                let _ = writeln!(out, "  {line}\n      {source}");
            }
        }
        let _ = writeln!(
            out,
            "{} missing or differing, {} corrected, {} undecided in catalog, {} beyond the catalog",
            self.problems.len(),
            self.corrected.len(),
            self.undecided.len(),
            self.beyond.len()
        );
        out
    }
}
