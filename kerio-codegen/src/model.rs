//! Stage 3: the resolved model of one API, ready to emit.
//!
//! Resolves every type reference (through aliases), decides the Rust names and the
//! module of every item, which Cargo features compile each type (from the interfaces
//! that reach it), which struct fields must be boxed (recursive types) and how each
//! parameter is borrowed. Names that would collide in a generated module are reported
//! here, with their locations.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{DiagnosticKind, Diagnostics, diag_at};
use crate::naming;
use crate::spec::*;

/// Names the generator itself puts into every interface module.
pub(crate) const HANDLE: &str = "Handle";

/// Methods the runtime's `Session` has itself, private ones too (an inherent method of
/// the same name would not compile); an interface accessor must not take their names.
/// kerio-api's `session_methods` test checks this list against the runtime's source.
pub const SESSION_METHODS: &[&str] = &[
    "absorb_cookies",
    "apply_and_confirm",
    "apply_and_confirm_within",
    "auth",
    "auto_relogin",
    "batch",
    "call",
    "call_json",
    "client",
    "close",
    "close_json",
    "close_with",
    "confirm_config",
    "confirm_timestamps",
    "download",
    "download_to",
    "endpoint",
    "exchange",
    "fetch",
    "is_closed",
    "login",
    "login_with",
    "may_relogin",
    "next_id",
    "post_file",
    "read_timestamps",
    "relogin",
    "send",
    "send_as",
    "send_once",
    "send_retrying",
    "spec_drift",
    "token_fingerprint",
    "upload",
    "with_timeout",
    "within",
];

/// Methods the generated code itself puts on `Session`, besides interface accessors.
pub(crate) const GENERATED_SESSION_METHODS: &[&str] = &["logout"];

/// The Cargo features that compile an item; empty means always compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cfg(pub BTreeSet<String>);

/// A type reference with aliases followed to what they stand for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape<'a> {
    /// A built-in type.
    Primitive(Primitive),
    /// A struct declared in the API.
    Struct(&'a TypeDef),
    /// An enum declared in the API.
    Enum,
    /// A JSON array of the element type.
    List(&'a TypeRef),
    /// A JSON object with string keys.
    Map,
    /// A type of the base API (extension mode), known by name only.
    External,
}

/// What generation of one API needs to know beyond the spec.
#[derive(Debug)]
pub(crate) struct Model<'a> {
    /// The API as loaded.
    pub api: &'a Api,
    /// Named types by wire name.
    pub types: BTreeMap<&'a str, &'a TypeDef>,
    /// Types of the base API an extension may refer to (extension mode).
    pub external: &'a BTreeSet<String>,
    /// Features that compile each type.
    pub type_cfg: BTreeMap<&'a str, Cfg>,
    /// Indexes of struct fields that are boxed, per struct.
    pub boxed: BTreeMap<&'a str, BTreeSet<usize>>,
    /// Rust module name of each interface and shared type file.
    pub modules: BTreeMap<String, ModuleKey<'a>>,
    /// Types of each module, in name order.
    pub module_types: BTreeMap<String, Vec<&'a TypeDef>>,
    /// Rust name of each method's params struct, by (interface, method) wire names.
    pub method_structs: BTreeMap<(&'a str, &'a str), String>,
}

/// What a generated module holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ModuleKey<'a> {
    /// The module of an interface.
    Interface(&'a str),
    /// A module of shared types.
    Shared(&'a str),
}

impl<'a> Model<'a> {
    /// Resolves an API; reports names that would collide in generated modules.
    pub fn new(api: &'a Api, external: &'a BTreeSet<String>) -> Result<Model<'a>, Diagnostics> {
        let types: BTreeMap<&str, &TypeDef> =
            api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut model = Model {
            api,
            types,
            external,
            type_cfg: BTreeMap::new(),
            boxed: BTreeMap::new(),
            modules: BTreeMap::new(),
            method_structs: BTreeMap::new(),
            module_types: BTreeMap::new(),
        };
        for def in model.types.values() {
            model
                .module_types
                .entry(model.home_module(def))
                .or_default()
                .push(def);
        }
        let diags = model.check_modules();
        model.type_cfg = model.features();
        model.boxed = model.recursion();
        diags.into_result(model)
    }

    /// Rust name of a method's params type (also the stem of its result struct, `<stem>Result`).
    pub fn method_struct(&self, iface: &Interface, m: &Method) -> String {
        self.method_structs
            .get(&(iface.name.as_str(), m.name.as_str()))
            .cloned()
            .unwrap_or_else(|| naming::camel(&m.name))
    }

    /// The interface of a given wire name.
    pub fn interface(&self, name: &str) -> Option<&'a Interface> {
        self.api.interfaces.iter().find(|i| i.name == name)
    }

    /// Follows aliases; a cycle or an unknown name gives `any`, which validation reports.
    pub fn shape(&self, ty: &'a TypeRef) -> Shape<'a> {
        let mut ty = ty;
        for _ in 0..=self.types.len() {
            match ty {
                TypeRef::Primitive(p) => return Shape::Primitive(*p),
                TypeRef::List(t) => return Shape::List(t),
                TypeRef::Map(_) => return Shape::Map,
                TypeRef::Named(n) => match self.types.get(n.as_str()) {
                    Some(def) => match &def.kind {
                        TypeKind::Struct(_) => return Shape::Struct(def),
                        TypeKind::Enum(_) => return Shape::Enum,
                        TypeKind::Alias(of) => ty = of,
                    },
                    None if self.external.contains(n) => return Shape::External,
                    None => return Shape::Primitive(Primitive::Any),
                },
            }
        }
        Shape::Primitive(Primitive::Any)
    }

    /// Rust module name of a type's home.
    pub fn home_module(&self, def: &TypeDef) -> String {
        match &def.home {
            Home::Interface(i) | Home::Shared(i) => naming::snake(i),
        }
    }

    /// Interfaces in name order.
    pub fn interfaces(&self) -> Vec<&'a Interface> {
        let mut v: Vec<&Interface> = self.api.interfaces.iter().collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// The cfg of an interface's own items.
    pub fn interface_cfg(&self, iface: &Interface) -> Cfg {
        Cfg(iface.group.iter().cloned().collect())
    }

    /// Every generated module must hold distinct names: types homed there, method structs,
    /// their result structs and the handle.
    fn check_modules(&mut self) -> Diagnostics {
        let mut d = Diagnostics::default();
        let mut names: BTreeMap<String, BTreeMap<String, (String, Loc)>> = BTreeMap::new();
        let mut add =
            |d: &mut Diagnostics, module: String, rust: String, what: String, loc: &Loc| {
                let entry = names.entry(module.clone()).or_default();
                if let Some((prev, _)) = entry.get(&rust) {
                    d.push(diag_at(
                        DiagnosticKind::RustNameCollision,
                        &self.api.sources,
                        loc,
                        &format!("{what} and {prev} both become `{rust}` in module `{module}`"),
                        Some("rename one of them"),
                    ));
                } else {
                    entry.insert(rust, (what, loc.clone()));
                }
            };
        let api_marker = naming::camel(&self.api.manifest.name);
        for i in &self.api.interfaces {
            let module = naming::snake(&i.name);
            self.modules
                .insert(module.clone(), ModuleKey::Interface(&i.name));
            add(
                &mut d,
                module.clone(),
                HANDLE.into(),
                "the interface handle".into(),
                &i.loc,
            );
            if has_handle(i)
                && SESSION_METHODS
                    .iter()
                    .chain(GENERATED_SESSION_METHODS)
                    .any(|m| *m == naming::bare(&module))
            {
                d.push(diag_at(DiagnosticKind::ShadowsSessionMethod,
                    &self.api.sources,
                    &i.loc,
                    &format!(
                        "interface `{}` would become `session.{module}()`, which the runtime's session already has",
                        i.name
                    ),
                    Some("rename the interface"),
                ));
            }
            for m in &i.methods {
                // A params struct named like a type of its module takes a `Params` suffix.
                let mut base = naming::camel(&m.name);
                if base == HANDLE
                    || self.api.types.iter().any(|t| {
                        t.home == Home::Interface(i.name.clone()) && naming::camel(&t.name) == base
                    })
                {
                    base.push_str("Params");
                }
                self.method_structs
                    .insert((i.name.as_str(), m.name.as_str()), base.clone());
                add(
                    &mut d,
                    module.clone(),
                    base.clone(),
                    format!("the params of `{}.{}`", i.name, m.name),
                    &m.loc,
                );
                if m.role != Some(Role::Batch) {
                    add(
                        &mut d,
                        module.clone(),
                        format!("{base}Result"),
                        format!("the result of `{}.{}`", i.name, m.name),
                        &m.loc,
                    );
                }
            }
        }
        for t in &self.api.types {
            let module = self.home_module(t);
            if let Home::Shared(file) = &t.home {
                match self.modules.get(&module) {
                    Some(ModuleKey::Interface(i)) => d.push(diag_at(DiagnosticKind::RustNameCollision,
                        &self.api.sources,
                        &t.loc,
                        &format!("shared type file `{file}` and interface `{i}` both become module `{module}`"),
                        Some("rename the type file"),
                    )),
                    _ => {
                        self.modules.insert(module.clone(), ModuleKey::Shared(file));
                    }
                }
            }
            let rust = naming::camel(&t.name);
            if rust == api_marker {
                d.push(diag_at(
                    DiagnosticKind::ShadowsApiMarker,
                    &self.api.sources,
                    &t.loc,
                    &format!(
                        "type `{}` has the name of the API marker type `{api_marker}`",
                        t.name
                    ),
                    Some("rename the type"),
                ));
            }
            add(&mut d, module, rust, format!("type `{}`", t.name), &t.loc);
        }
        d
    }

    /// Features per type: those of the interfaces whose methods reach it. A type reached by
    /// an interface without a group is always compiled; a type no method reaches is
    /// compiled with its home interface.
    fn features(&self) -> BTreeMap<&'a str, Cfg> {
        // `None` in a set means "always".
        let mut reasons: BTreeMap<&'a str, BTreeSet<Option<&'a str>>> = BTreeMap::new();
        for i in &self.api.interfaces {
            let group = i.group.as_deref();
            for m in &i.methods {
                for p in m.params.iter().chain(&m.result) {
                    self.spread(&p.ty, group, &mut reasons);
                }
            }
        }
        for t in &self.api.types {
            if reasons.get(t.name.as_str()).is_none_or(|r| r.is_empty()) {
                let group = match &t.home {
                    Home::Interface(i) => self.interface(i).and_then(|i| i.group.as_deref()),
                    Home::Shared(_) => None,
                };
                self.spread_names(vec![t.name.as_str()], group, &mut reasons);
            }
        }
        self.types
            .keys()
            .map(|&name| {
                let set = reasons.get(name).cloned().unwrap_or_default();
                let cfg = if set.is_empty() || set.contains(&None) {
                    Cfg::default()
                } else {
                    Cfg(set.into_iter().flatten().map(str::to_owned).collect())
                };
                (name, cfg)
            })
            .collect()
    }

    fn spread(
        &self,
        ty: &'a TypeRef,
        group: Option<&'a str>,
        reasons: &mut BTreeMap<&'a str, BTreeSet<Option<&'a str>>>,
    ) {
        let mut stack: Vec<&'a str> = Vec::new();
        ty.for_each_named(&mut |n| stack.push(n));
        self.spread_names(stack, group, reasons);
    }

    fn spread_names(
        &self,
        mut stack: Vec<&'a str>,
        group: Option<&'a str>,
        reasons: &mut BTreeMap<&'a str, BTreeSet<Option<&'a str>>>,
    ) {
        while let Some(name) = stack.pop() {
            let Some(def) = self.types.get(name) else {
                continue;
            };
            if !reasons.entry(&def.name).or_default().insert(group) {
                continue;
            }
            match &def.kind {
                TypeKind::Struct(fields) => {
                    for f in fields {
                        f.ty.for_each_named(&mut |n| stack.push(n));
                    }
                }
                TypeKind::Alias(of) => of.for_each_named(&mut |n| stack.push(n)),
                TypeKind::Enum(_) => {}
            }
        }
    }

    /// Struct fields that hold (through aliases, not lists or maps) a struct that holds
    /// the owner again: those need a `Box`.
    fn recursion(&self) -> BTreeMap<&'a str, BTreeSet<usize>> {
        let direct = |def: &'a TypeDef| -> Vec<(usize, &'a str)> {
            let TypeKind::Struct(fields) = &def.kind else {
                return Vec::new();
            };
            fields
                .iter()
                .enumerate()
                .filter_map(|(i, f)| match self.shape(&f.ty) {
                    Shape::Struct(t) => Some((i, t.name.as_str())),
                    _ => None,
                })
                .collect()
        };
        let mut out: BTreeMap<&'a str, BTreeSet<usize>> = BTreeMap::new();
        for (&name, &def) in &self.types {
            for (index, target) in direct(def) {
                // Does `target` reach `name` through direct struct fields?
                let mut seen = BTreeSet::new();
                let mut stack = vec![target];
                let mut cyclic = false;
                while let Some(n) = stack.pop() {
                    if n == name {
                        cyclic = true;
                        break;
                    }
                    if seen.insert(n)
                        && let Some(d) = self.types.get(n)
                    {
                        stack.extend(direct(d).into_iter().map(|(_, t)| t));
                    }
                }
                if cyclic {
                    out.entry(name).or_default().insert(index);
                }
            }
        }
        out
    }
}

/// True for methods reachable through the interface handle (the others are driven by
/// the API's login, the session's logout or the runtime's batch builder).
pub(crate) fn on_handle(m: &Method) -> bool {
    !matches!(m.role, Some(Role::Batch | Role::Login | Role::Logout))
}

/// True when an interface gets a handle and a session accessor.
pub(crate) fn has_handle(i: &Interface) -> bool {
    i.methods.iter().any(on_handle)
}

/// True for names whose values are secrets (passwords, keys, tokens): the one policy of
/// [`crate::secrets`], so that what `Debug` hides is what sanitize and verify redact.
pub(crate) fn is_secret(name: &str) -> bool {
    crate::secrets::is_secret_name(name)
}
