//! What an extension must know of the API it extends (its base): the manifest, the names
//! of its types, what its aliases stand for, and the methods callable through each
//! interface handle. kerio-macros embeds this for every API kerio-api ships, as JSON
//! written by its build script ([`BaseApi::to_json`]) and read back at expansion time
//! ([`BaseApi::from_json`]): one format, owned here, at both ends.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::Options;
use crate::spec::{Api, Loc, Manifest, Role, TypeKind, TypeRef};

/// An API as an extension of it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseApi {
    /// Name of the API (`admin`, `connect-admin`).
    pub name: String,
    /// Rust module path below kerio-api (`connect::admin`).
    pub module: Vec<String>,
    /// Cargo feature of kerio-api that compiles the API, if any.
    pub feature: Option<String>,
    /// The product that serves it.
    pub product: Option<String>,
    /// Human readable title.
    pub title: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Default endpoint path.
    pub path: String,
    /// Other endpoint paths some firmware serves the API at.
    pub alternative_paths: Vec<String>,
    /// Default HTTPS port.
    pub port: u16,
    /// Names of its types.
    pub types: BTreeSet<String>,
    /// Its aliases by name, each with what it stands for (one step).
    pub aliases: BTreeMap<String, TypeRef>,
    /// Interfaces with a handle, each with the methods callable through it (the roles
    /// login, logout and batch are driven by the runtime instead).
    pub interfaces: BTreeMap<String, BTreeSet<String>>,
}

impl BaseApi {
    /// What an extension must know of `api`.
    pub fn of(api: &Api) -> BaseApi {
        let m = &api.manifest;
        let mut interfaces = BTreeMap::new();
        for i in &api.interfaces {
            let callable: BTreeSet<String> = i
                .methods
                .iter()
                .filter(|m| !matches!(m.role, Some(Role::Login | Role::Logout | Role::Batch)))
                .map(|m| m.name.clone())
                .collect();
            if !callable.is_empty() {
                interfaces.insert(i.name.clone(), callable);
            }
        }
        BaseApi {
            name: m.name.clone(),
            module: m.module.clone(),
            feature: m.feature.clone(),
            product: m.product.clone(),
            title: m.title.clone(),
            doc: m.doc.clone(),
            path: m.path.clone(),
            alternative_paths: m.alternative_paths.clone(),
            port: m.port,
            types: api.types.iter().map(|t| t.name.clone()).collect(),
            aliases: api
                .types
                .iter()
                .filter_map(|t| match &t.kind {
                    TypeKind::Alias(of) => Some((t.name.clone(), of.clone())),
                    _ => None,
                })
                .collect(),
            interfaces,
        }
    }

    /// Several APIs as JSON, for a build script to embed.
    pub fn to_json(apis: &[BaseApi]) -> String {
        // Plain data with string keys: serializing cannot fail.
        serde_json::to_string(apis).unwrap_or_default()
    }

    /// APIs from the JSON [`BaseApi::to_json`] wrote.
    pub fn from_json(json: &str) -> Result<Vec<BaseApi>, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Its manifest, which an extension's spec carries.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            name: self.name.clone(),
            module: self.module.clone(),
            feature: self.feature.clone(),
            product: self.product.clone(),
            session_cookie: None,
            token_cookie: None,
            title: self.title.clone(),
            doc: self.doc.clone(),
            path: self.path.clone(),
            alternative_paths: self.alternative_paths.clone(),
            port: self.port,
            loc: Loc::default(),
        }
    }

    /// What a type of this API stands for when it is an alias, followed to the end of
    /// the alias chain (`KId` is `string`).
    pub fn alias(&self, name: &str) -> Option<TypeRef> {
        let mut ty = self.aliases.get(name)?.clone();
        // Alias chains are checked for cycles by the API's own validation; the bound
        // keeps a hand-made cyclic base from looping.
        for _ in 0..self.aliases.len() {
            if !self.expand(&mut ty) {
                break;
            }
        }
        Some(ty)
    }

    /// Replaces aliases inside `ty` by one step; true when something changed.
    fn expand(&self, ty: &mut TypeRef) -> bool {
        match ty {
            TypeRef::Named(n) => match self.aliases.get(n.as_str()) {
                Some(t) => {
                    *ty = t.clone();
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
        let own: BTreeSet<String> = api.types.iter().map(|t| t.name.clone()).collect();
        let inline = |ty: &mut TypeRef| self.inline_in(ty, &own);
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

    fn inline_in(&self, ty: &mut TypeRef, own: &BTreeSet<String>) {
        match ty {
            TypeRef::Named(n) if !own.contains(n.as_str()) => {
                if let Some(t) = self.alias(n) {
                    *ty = t;
                }
            }
            TypeRef::List(t) | TypeRef::Map(t) => self.inline_in(t, own),
            _ => {}
        }
    }

    /// Generator options for an extension of this API, in a crate depending on kerio-api.
    pub fn options(&self, extension_trait: Option<String>) -> Options {
        let mut opts = Options::external();
        opts.external_base = Some(format!("::kerio_api::{}", self.module.join("::")));
        opts.external_types = self.types.clone();
        opts.external_interfaces = self.interfaces.clone();
        opts.extension_trait = extension_trait;
        opts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_sources;
    use crate::spec::{Primitive, Source};

    #[test]
    fn round_trips_through_json_and_follows_alias_chains() {
        let text = r#"{"api": {"name": "demo", "path": "/demo/", "port": 4081},
            "interfaces": {"Session": {"methods": {
                "login": {"role": "login", "params": [], "result": [{"name": "token", "type": "string"}]},
                "ping": {"params": [], "result": []}}}},
            "types": {"KId": {"kind": "alias", "of": "Id"}, "Id": {"kind": "alias", "of": "string"},
                      "Ids": {"kind": "alias", "of": {"list": "KId"}}}}"#;
        let api = load_sources(vec![Source::new("api.json", text)]).unwrap();
        let base = BaseApi::of(&api);
        let back = BaseApi::from_json(&BaseApi::to_json(std::slice::from_ref(&base))).unwrap();
        assert_eq!(back, vec![base.clone()]);
        assert_eq!(
            base.interfaces["Session"],
            BTreeSet::from(["ping".to_owned()])
        );
        assert_eq!(
            base.alias("KId"),
            Some(TypeRef::Primitive(Primitive::String))
        );
        assert_eq!(
            base.alias("Ids"),
            Some(TypeRef::List(Box::new(TypeRef::Primitive(
                Primitive::String
            ))))
        );
        assert_eq!(base.manifest().name, "demo");
    }
}
