//! The APIs kerio-api ships, as embedded by the build script: what an extension of one
//! of them must know (its manifest, type names and interfaces with handles).

use std::collections::{BTreeMap, BTreeSet};

use kerio_codegen::Options;
use kerio_codegen::spec::{Api, Loc, Manifest, Primitive, TypeKind, TypeRef};

/// One API kerio-api ships.
#[derive(Debug)]
pub(crate) struct BaseApi {
    /// Rust module name (`admin`).
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub doc: Option<&'static str>,
    pub path: &'static str,
    pub port: u16,
    /// Names of its types.
    pub types: &'static [&'static str],
    /// Its aliases by name (sorted), each with what it stands for, written `string`,
    /// `KId`, `list:ActiveHost` or `map:string`.
    pub aliases: &'static [(&'static str, &'static str)],
    /// Interfaces with a handle, each with the methods callable through it.
    pub interfaces: &'static [(&'static str, &'static [&'static str])],
}

include!(concat!(env!("OUT_DIR"), "/base_apis.rs"));

/// Never used: the build script fails when the spec set has no `admin` API.
static ADMIN_FALLBACK: BaseApi = BaseApi {
    name: "admin",
    title: None,
    doc: None,
    path: "/admin/api/jsonrpc/",
    port: 4081,
    types: &[],
    aliases: &[],
    interfaces: &[],
};

impl BaseApi {
    /// The shipped API of a given name.
    pub fn find(name: &str) -> Option<&'static BaseApi> {
        BASE_APIS.iter().find(|a| a.name == name)
    }

    /// The API to assume when none is named correctly: the Administration API (the build
    /// script guarantees that it exists).
    pub fn fallback() -> &'static BaseApi {
        Self::find("admin").unwrap_or(&ADMIN_FALLBACK)
    }

    /// The names of all shipped APIs, for "expected one of".
    pub fn names() -> String {
        let names: Vec<String> = BASE_APIS.iter().map(|a| format!("`{}`", a.name)).collect();
        names.join(", ")
    }

    /// Its manifest, which an extension's spec carries.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            name: self.name.into(),
            title: self.title.map(Into::into),
            doc: self.doc.map(Into::into),
            path: self.path.into(),
            port: self.port,
            loc: Loc::default(),
        }
    }

    /// What a type of this API stands for when it is an alias, followed to the end of
    /// the alias chain (`KId` is `string`).
    pub fn alias(&self, name: &str) -> Option<TypeRef> {
        let mut ty = self.alias_step(name)?;
        // Alias chains are short and checked for cycles by the API's own validation.
        for _ in 0..self.aliases.len() {
            if !self.expand(&mut ty) {
                break;
            }
        }
        Some(ty)
    }

    fn alias_step(&self, name: &str) -> Option<TypeRef> {
        let i = self.aliases.binary_search_by(|(n, _)| n.cmp(&name)).ok()?;
        let (_, text) = self.aliases.get(i)?;
        Some(parse_type_ref(text))
    }

    /// Replaces aliases inside `ty` by one step; true when something changed.
    fn expand(&self, ty: &mut TypeRef) -> bool {
        match ty {
            TypeRef::Named(n) => match self.alias_step(n) {
                Some(t) => {
                    *ty = t;
                    true
                }
                None => false,
            },
            TypeRef::List(t) | TypeRef::Map(t) => self.expand(t),
            TypeRef::Primitive(_) => false,
        }
    }

    /// Replaces this API's aliases in an extension by what they stand for, as kerio-api's
    /// own code sees them: an extension then takes `KId` as `&str` and `ActiveHostList`
    /// as `&[ActiveHost]`, like the shipped methods. Types the extension declares itself
    /// are left alone.
    pub fn inline_aliases(&self, api: &mut Api) {
        let own: std::collections::BTreeSet<String> =
            api.types.iter().map(|t| t.name.clone()).collect();
        let inline = |ty: &mut TypeRef| inline_in(self, ty, &own);
        for i in &mut api.interfaces {
            for m in &mut i.methods {
                m.params.iter_mut().for_each(|p| inline(&mut p.ty));
                m.result.iter_mut().for_each(|p| inline(&mut p.ty));
            }
        }
        for t in &mut api.types {
            match &mut t.kind {
                TypeKind::Struct(fields) => fields.iter_mut().for_each(|f| inline(&mut f.ty)),
                TypeKind::Alias(of) => inline(of),
                TypeKind::Enum(_) => {}
            }
        }
    }

    /// Generator options for an extension of this API, in a crate depending on kerio-api.
    pub fn options(&self, extension_trait: Option<String>) -> Options {
        let mut opts = Options::external();
        opts.external_base = Some(format!("::kerio_api::{}", self.name));
        opts.external_types = self.types.iter().map(|t| (*t).to_owned()).collect();
        opts.external_interfaces = self
            .interfaces
            .iter()
            .map(|(i, methods)| {
                let methods: BTreeSet<String> = methods.iter().map(|m| (*m).to_owned()).collect();
                ((*i).to_owned(), methods)
            })
            .collect::<BTreeMap<_, _>>();
        opts.extension_trait = extension_trait;
        opts
    }
}

fn inline_in(base: &BaseApi, ty: &mut TypeRef, own: &std::collections::BTreeSet<String>) {
    match ty {
        TypeRef::Named(n) if !own.contains(n.as_str()) => {
            if let Some(t) = base.alias(n) {
                *ty = t;
            }
        }
        TypeRef::List(t) | TypeRef::Map(t) => inline_in(base, t, own),
        _ => {}
    }
}

/// Reads the text form the build script writes.
fn parse_type_ref(text: &str) -> TypeRef {
    if let Some(rest) = text.strip_prefix("list:") {
        TypeRef::List(Box::new(parse_type_ref(rest)))
    } else if let Some(rest) = text.strip_prefix("map:") {
        TypeRef::Map(Box::new(parse_type_ref(rest)))
    } else {
        match Primitive::from_name(text) {
            Some(p) => TypeRef::Primitive(p),
            None => TypeRef::Named(text.to_owned()),
        }
    }
}
