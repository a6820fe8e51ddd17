//! Stage 1: load spec files into [`crate::spec`] values, keeping locations.
//!
//! Loading checks the shape of each file (keys, JSON kinds, names) and collects every
//! problem of every file before giving up; semantic checks across files are in
//! [`crate::validate`].

use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics};
use crate::json::{self, Json, JsonValue, Member};
use crate::spec::*;

/// Loads one API from the files of a folder holding an `api.json` (all `*.json` below it).
pub fn load_dir(dir: &Path) -> Result<Api, Diagnostics> {
    let mut diags = Diagnostics::default();
    let sources = read_json_files(dir, &mut diags);
    let api = load_sources(sources);
    match api {
        Ok(api) => diags.into_result(api),
        Err(more) => {
            diags.0.extend(more.0);
            Err(diags)
        }
    }
}

/// Loads every API below a spec root: each sub-folder with an `api.json`.
pub fn load_root(root: &Path) -> Result<Vec<Api>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut dirs = Vec::new();
    match std::fs::read_dir(root) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let p = entry.path();
                if p.join("api.json").is_file() {
                    dirs.push(p);
                }
            }
        }
        Err(e) => diags.push(io_diag(root, &e)),
    }
    dirs.sort();
    if dirs.is_empty() && diags.is_empty() {
        diags.push(Diagnostic {
            file: root.display().to_string(),
            line: 0,
            column: 0,
            pointer: String::new(),
            message: "no API folder found".into(),
            hint: Some("each API is a folder holding an `api.json` manifest".into()),
        });
    }
    let mut apis = Vec::new();
    for dir in dirs {
        match load_dir(&dir) {
            Ok(api) => apis.push(api),
            Err(e) => diags.0.extend(e.0),
        }
    }
    diags.into_result(apis)
}

/// Reads every `*.json` file below `dir`, sorted by path; unreadable files become diagnostics.
pub fn read_json_files(dir: &Path, diags: &mut Diagnostics) -> Vec<Source> {
    let mut paths = Vec::new();
    collect_json(dir, &mut paths, diags);
    paths.sort();
    let base = dir.parent().unwrap_or(dir);
    paths
        .into_iter()
        .filter_map(|p| match std::fs::read_to_string(&p) {
            Ok(text) => {
                let shown = p.strip_prefix(base).unwrap_or(&p).display().to_string();
                Some(Source::new(shown, text))
            }
            Err(e) => {
                diags.push(io_diag(&p, &e));
                None
            }
        })
        .collect()
}

fn collect_json(dir: &Path, out: &mut Vec<std::path::PathBuf>, diags: &mut Diagnostics) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return diags.push(io_diag(dir, &e)),
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect_json(&p, out, diags);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn io_diag(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic {
        file: path.display().to_string(),
        line: 0,
        column: 0,
        pointer: String::new(),
        message: format!("cannot read: {e}"),
        hint: None,
    }
}

/// Loads one API from its sources; exactly one of them must hold the `api` manifest.
pub fn load_sources(sources: Vec<Source>) -> Result<Api, Diagnostics> {
    let (manifests, interfaces, types, mut diags) = decode_all(&sources);
    let manifest = match manifests.len() {
        1 => manifests.into_iter().next(),
        0 if diags.is_empty() => {
            diags.push(Diagnostic {
                file: sources
                    .first()
                    .map_or_else(|| "(no files)".into(), |s| s.path.clone()),
                line: 0,
                column: 0,
                pointer: String::new(),
                message: "no API manifest in the spec set".into(),
                hint: Some(
                    "add an `api.json` holding {\"api\": {\"name\", \"path\", \"port\"}}".into(),
                ),
            });
            None
        }
        0 => None,
        _ => {
            for m in &manifests[1..] {
                diags.push(diag_at(
                    &sources,
                    &m.loc,
                    "a second API manifest in the same spec set",
                    Some("each API folder has exactly one `api.json`"),
                ));
            }
            None
        }
    };
    match manifest {
        Some(manifest) if diags.is_empty() => Ok(Api {
            manifest,
            sources,
            interfaces,
            types,
        }),
        _ => diags.into_result(Api {
            manifest: empty_manifest(),
            sources: Vec::new(),
            interfaces: Vec::new(),
            types: Vec::new(),
        }),
    }
}

/// Loads files that extend an existing API (they hold no manifest); the result carries
/// the manifest of `base`.
pub fn load_extension(base: &Manifest, sources: Vec<Source>) -> Result<Api, Diagnostics> {
    let (manifests, interfaces, types, mut diags) = decode_all(&sources);
    for m in &manifests {
        diags.push(diag_at(
            &sources,
            &m.loc,
            "an extension spec must not declare an API manifest",
            Some(&format!(
                "the files extend the `{}` API; remove the `api` key",
                base.name
            )),
        ));
    }
    let manifest = Manifest {
        loc: Loc::default(),
        ..base.clone()
    };
    diags.into_result(Api {
        manifest,
        sources,
        interfaces,
        types,
    })
}

fn empty_manifest() -> Manifest {
    Manifest {
        name: String::new(),
        title: None,
        doc: None,
        path: String::new(),
        port: 0,
        loc: Loc::default(),
    }
}

type Decoded = (Vec<Manifest>, Vec<Interface>, Vec<TypeDef>, Diagnostics);

fn decode_all(sources: &[Source]) -> Decoded {
    let mut out: Decoded = Default::default();
    for (file, source) in sources.iter().enumerate() {
        let mut cx = Cx {
            sources,
            file,
            diags: Vec::new(),
        };
        match json::parse(&source.text) {
            Ok(doc) => cx.file_doc(&doc, &mut out),
            Err(e) => {
                cx.error_at_offset("", e.offset, &format!("invalid JSON: {}", e.message), None)
            }
        }
        out.3.0.extend(cx.diags);
    }
    out
}

pub(crate) fn diag_at(
    sources: &[Source],
    loc: &Loc,
    message: &str,
    hint: Option<&str>,
) -> Diagnostic {
    let (file, (line, column)) = match sources.get(loc.file) {
        Some(s) => (s.path.clone(), json::line_col(&s.text, loc.offset)),
        None => ("(unknown file)".to_owned(), (0, 0)),
    };
    Diagnostic {
        file,
        line,
        column,
        pointer: loc.pointer.clone(),
        message: message.to_owned(),
        hint: hint.map(str::to_owned),
    }
}

struct Cx<'a> {
    sources: &'a [Source],
    file: usize,
    diags: Vec<Diagnostic>,
}

fn ptr(parent: &str, token: &str) -> String {
    format!("{parent}/{}", json::escape_pointer_token(token))
}

fn is_wire_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Cx<'_> {
    fn loc(&self, pointer: &str, offset: usize) -> Loc {
        Loc {
            file: self.file,
            pointer: pointer.to_owned(),
            offset,
        }
    }

    fn error_at_offset(&mut self, pointer: &str, offset: usize, message: &str, hint: Option<&str>) {
        let loc = self.loc(pointer, offset);
        self.diags.push(diag_at(self.sources, &loc, message, hint));
    }

    fn error(&mut self, pointer: &str, v: &Json, message: &str, hint: Option<&str>) {
        self.error_at_offset(pointer, v.offset, message, hint);
    }

    /// The members of an object, checking that every key is one of `allowed`.
    fn object<'j>(
        &mut self,
        pointer: &str,
        v: &'j Json,
        what: &str,
        allowed: &[&str],
    ) -> Option<&'j [Member]> {
        let JsonValue::Object(members) = &v.value else {
            self.error(
                pointer,
                v,
                &format!("{what} must be an object, found {}", v.value.kind()),
                None,
            );
            return None;
        };
        for m in members {
            if !allowed.contains(&m.key.as_str()) {
                let p = ptr(pointer, &m.key);
                let hint = format!("expected one of: {}", allowed.join(", "));
                self.error_at_offset(
                    &p,
                    m.key_offset,
                    &format!("unknown key `{}` in {what}", m.key),
                    Some(&hint),
                );
            }
        }
        Some(members)
    }

    fn required<'j>(
        &mut self,
        pointer: &str,
        v: &Json,
        members: &'j [Member],
        key: &str,
        what: &str,
    ) -> Option<&'j Json> {
        let found = members.iter().find(|m| m.key == key).map(|m| &m.value);
        if found.is_none() {
            self.error(pointer, v, &format!("{what} has no `{key}`"), None);
        }
        found
    }

    fn string(&mut self, pointer: &str, v: &Json) -> Option<String> {
        match &v.value {
            JsonValue::String(s) => Some(s.clone()),
            other => {
                self.error(
                    pointer,
                    v,
                    &format!("expected a string, found {}", other.kind()),
                    None,
                );
                None
            }
        }
    }

    fn opt_string(&mut self, pointer: &str, members: &[Member], key: &str) -> Option<String> {
        let m = members.iter().find(|m| m.key == key)?;
        self.string(&ptr(pointer, key), &m.value)
    }

    fn flag(&mut self, pointer: &str, members: &[Member], key: &str) -> bool {
        let Some(m) = members.iter().find(|m| m.key == key) else {
            return false;
        };
        match m.value.value {
            JsonValue::Bool(b) => b,
            ref other => {
                self.error(
                    &ptr(pointer, key),
                    &m.value,
                    &format!("`{key}` must be true or false, found {}", other.kind()),
                    None,
                );
                false
            }
        }
    }

    fn wire_name(&mut self, pointer: &str, offset: usize, name: &str, what: &str) -> bool {
        let ok = is_wire_name(name);
        if !ok {
            self.error_at_offset(
                pointer,
                offset,
                &format!("invalid {what} name `{name}`"),
                Some("names are ASCII letters, digits and `_`, not starting with a digit"),
            );
        }
        ok
    }

    fn file_doc(&mut self, doc: &Json, out: &mut Decoded) {
        let Some(members) = self.object(
            "",
            doc,
            "a spec file",
            &["$schema", "api", "interfaces", "types"],
        ) else {
            return;
        };
        let mut iface_names = Vec::new();
        if let Some(m) = members.iter().find(|m| m.key == "api")
            && let Some(man) = self.manifest("/api", &m.value)
        {
            out.0.push(man);
        }
        // Interfaces and types are maps keyed by name; decode them after the file shape is known.
        if let Some(m) = members.iter().find(|m| m.key == "interfaces") {
            if let JsonValue::Object(items) = &m.value.value {
                for item in items {
                    let p = ptr("/interfaces", &item.key);
                    if self.wire_name(&p, item.key_offset, &item.key, "interface")
                        && let Some(i) = self.interface(&p, &item.key, &item.value)
                    {
                        iface_names.push(i.name.clone());
                        out.1.push(i);
                    }
                }
            } else {
                let kind = m.value.value.kind();
                self.error(
                    "/interfaces",
                    &m.value,
                    &format!(
                        "`interfaces` must be an object keyed by interface name, found {kind}"
                    ),
                    None,
                );
            }
        }
        let home = match iface_names.as_slice() {
            [one] => Home::Interface(one.clone()),
            _ => {
                let stem = self.sources[self.file]
                    .path
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or("types");
                Home::Shared(stem.strip_suffix(".json").unwrap_or(stem).to_owned())
            }
        };
        if let Some(m) = members.iter().find(|m| m.key == "types") {
            match &m.value.value {
                JsonValue::Object(items) => {
                    for item in items {
                        let p = ptr("/types", &item.key);
                        if self.wire_name(&p, item.key_offset, &item.key, "type")
                            && let Some(t) = self.type_def(&p, &item.key, &item.value, home.clone())
                        {
                            out.2.push(t);
                        }
                    }
                }
                other => self.error(
                    "/types",
                    &m.value,
                    &format!(
                        "`types` must be an object keyed by type name, found {}",
                        other.kind()
                    ),
                    None,
                ),
            }
        }
    }

    fn manifest(&mut self, p: &str, v: &Json) -> Option<Manifest> {
        let members = self.object(
            p,
            v,
            "the API manifest",
            &["name", "title", "doc", "path", "port"],
        )?;
        let name_v = self.required(p, v, members, "name", "the API manifest");
        let path_v = self.required(p, v, members, "path", "the API manifest");
        let port_v = self.required(p, v, members, "port", "the API manifest");
        let name = name_v.and_then(|n| self.string(&ptr(p, "name"), n));
        if let (Some(n), Some(nv)) = (&name, name_v) {
            let ok = n.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                self.error(
                    &ptr(p, "name"),
                    nv,
                    &format!("invalid API name `{n}`"),
                    Some("the API name is a Rust module name: lowercase letters, digits and `_`"),
                );
            }
        }
        let path = path_v.and_then(|v| self.string(&ptr(p, "path"), v));
        if let (Some(path), Some(pv)) = (&path, path_v)
            && !path.starts_with('/')
        {
            self.error(
                &ptr(p, "path"),
                pv,
                "the endpoint path must start with `/`",
                None,
            );
        }
        let port = port_v.and_then(|v| match &v.value {
            JsonValue::Number(n) => match n.parse::<u16>() {
                Ok(port) if port > 0 => Some(port),
                _ => {
                    self.error(
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
            title,
            doc,
            path: path?,
            port: port?,
            loc: self.loc(p, v.offset),
        })
    }

    fn interface(&mut self, p: &str, name: &str, v: &Json) -> Option<Interface> {
        let members = self.object(p, v, "an interface", &["group", "doc", "methods"])?;
        let group = self.opt_string(p, members, "group");
        if let (Some(g), Some(m)) = (&group, members.iter().find(|m| m.key == "group")) {
            let ok = g.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && g.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !ok {
                self.error(
                    &ptr(p, "group"),
                    &m.value,
                    &format!("invalid group `{g}`"),
                    Some("a group is a Cargo feature name: lowercase letters, digits, `-` and `_`"),
                );
            }
        }
        let doc = self.opt_string(p, members, "doc");
        let methods_v = self.required(p, v, members, "methods", "an interface")?;
        let mp = ptr(p, "methods");
        let mut methods = Vec::new();
        match &methods_v.value {
            JsonValue::Object(items) => {
                for item in items {
                    let ip = ptr(&mp, &item.key);
                    if self.wire_name(&ip, item.key_offset, &item.key, "method")
                        && let Some(m) = self.method(&ip, &item.key, &item.value)
                    {
                        methods.push(m);
                    }
                }
            }
            other => self.error(
                &mp,
                methods_v,
                &format!(
                    "`methods` must be an object keyed by method name, found {}",
                    other.kind()
                ),
                None,
            ),
        }
        Some(Interface {
            name: name.to_owned(),
            group,
            doc,
            methods,
            loc: self.loc(p, v.offset),
        })
    }

    fn method(&mut self, p: &str, name: &str, v: &Json) -> Option<Method> {
        let members = self.object(
            p,
            v,
            "a method",
            &["role", "doc", "params", "result", "paging"],
        )?;
        let role = members.iter().find(|m| m.key == "role").and_then(|m| {
            let rp = ptr(p, "role");
            let s = self.string(&rp, &m.value)?;
            let role = Role::ALL.iter().find(|(n, _)| *n == s).map(|(_, r)| *r);
            if role.is_none() {
                let hint = format!("expected one of: {}", Role::ALL.map(|(n, _)| n).join(", "));
                self.error(&rp, &m.value, &format!("unknown role `{s}`"), Some(&hint));
            }
            role
        });
        let doc = self.opt_string(p, members, "doc");
        let params_v = self.required(p, v, members, "params", "a method");
        let result_v = self.required(p, v, members, "result", "a method");
        let params = params_v.map(|pv| self.params(&ptr(p, "params"), pv, "a parameter"));
        let result = result_v.map(|rv| self.params(&ptr(p, "result"), rv, "an out-parameter"));
        let paging = members
            .iter()
            .find(|m| m.key == "paging")
            .and_then(|m| self.paging(&ptr(p, "paging"), &m.value));
        Some(Method {
            name: name.to_owned(),
            role,
            doc,
            params: params?,
            result: result?,
            paging,
            loc: self.loc(p, v.offset),
        })
    }

    /// `"paging": {"offset": "query.start", "limit": "query.limit", "list": "list",
    /// "total": "totalItems"}`; what the paths name is checked by validation.
    fn paging(&mut self, p: &str, v: &Json) -> Option<Paging> {
        const KEYS: [&str; 4] = ["offset", "limit", "list", "total"];
        let members = self.object(p, v, "a paging declaration", &KEYS)?;
        let [offset, limit, list, total] = KEYS.map(|key| {
            self.required(p, v, members, key, "a paging declaration")
                .and_then(|mv| self.string(&ptr(p, key), mv))
        });
        let (offset, limit, list, total) = (offset?, limit?, list?, total?);
        let path = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
        Some(Paging {
            offset: path(&offset),
            limit: path(&limit),
            list,
            total,
            loc: self.loc(p, v.offset),
        })
    }

    fn params(&mut self, p: &str, v: &Json, what: &str) -> Vec<Param> {
        let JsonValue::Array(items) = &v.value else {
            self.error(
                p,
                v,
                &format!("expected an array of {what}s, found {}", v.value.kind()),
                Some("write [] for none"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = ptr(p, &i.to_string());
            let Some(members) = self.object(
                &ip,
                item,
                what,
                &["name", "type", "optional", "lenient", "doc"],
            ) else {
                continue;
            };
            let name = self.name_member(&ip, item, members, what);
            let ty = self.type_member(&ip, item, members, what);
            let optional = self.flag(&ip, members, "optional");
            let lenient = self.flag(&ip, members, "lenient");
            let doc = self.opt_string(&ip, members, "doc");
            if let (Some(name), Some(ty)) = (name, ty) {
                out.push(Param {
                    name,
                    ty,
                    optional,
                    lenient,
                    doc,
                    loc: self.loc(&ip, item.offset),
                });
            }
        }
        out
    }

    fn name_member(&mut self, p: &str, v: &Json, members: &[Member], what: &str) -> Option<String> {
        let nv = self.required(p, v, members, "name", what)?;
        let name = self.string(&ptr(p, "name"), nv)?;
        self.wire_name(
            &ptr(p, "name"),
            nv.offset,
            &name,
            what.trim_start_matches("a ").trim_start_matches("an "),
        )
        .then_some(name)
    }

    fn type_member(
        &mut self,
        p: &str,
        v: &Json,
        members: &[Member],
        what: &str,
    ) -> Option<TypeRef> {
        let tv = self.required(p, v, members, "type", what)?;
        self.type_ref(&ptr(p, "type"), tv)
    }

    fn type_ref(&mut self, p: &str, v: &Json) -> Option<TypeRef> {
        match &v.value {
            JsonValue::String(s) => match Primitive::from_name(s) {
                Some(prim) => Some(TypeRef::Primitive(prim)),
                None if is_wire_name(s) => Some(TypeRef::Named(s.clone())),
                None => {
                    self.error(p, v, &format!("invalid type reference `{s}`"), Some("a primitive (string, boolean, int32, int64, double, any), a type name, {\"list\": T} or {\"map\": T}"));
                    None
                }
            },
            JsonValue::Object(members)
                if members.len() == 1 && (members[0].key == "list" || members[0].key == "map") =>
            {
                let inner = self.type_ref(&ptr(p, &members[0].key), &members[0].value)?;
                Some(if members[0].key == "list" {
                    TypeRef::List(Box::new(inner))
                } else {
                    TypeRef::Map(Box::new(inner))
                })
            }
            other => {
                self.error(
                    p,
                    v,
                    &format!("invalid type reference: {}", other.kind()),
                    Some("a type name, {\"list\": T} or {\"map\": T}"),
                );
                None
            }
        }
    }

    fn type_def(&mut self, p: &str, name: &str, v: &Json, home: Home) -> Option<TypeDef> {
        let JsonValue::Object(members) = &v.value else {
            self.error(
                p,
                v,
                &format!("a type must be an object, found {}", v.value.kind()),
                None,
            );
            return None;
        };
        let kind_v = self.required(p, v, members, "kind", "a type")?;
        let kind = self.string(&ptr(p, "kind"), kind_v)?;
        fn doc_ok(k: &str) -> [&str; 3] {
            ["kind", "doc", k]
        }
        let kind = match kind.as_str() {
            "struct" => {
                let members = self.object(p, v, "a struct", &doc_ok("fields"))?;
                let fv = self.required(p, v, members, "fields", "a struct")?;
                TypeKind::Struct(self.fields(&ptr(p, "fields"), fv))
            }
            "enum" => {
                let members = self.object(p, v, "an enum", &doc_ok("values"))?;
                let vv = self.required(p, v, members, "values", "an enum")?;
                TypeKind::Enum(self.enum_values(&ptr(p, "values"), vv))
            }
            "alias" => {
                let members = self.object(p, v, "an alias", &doc_ok("of"))?;
                let of = self.required(p, v, members, "of", "an alias")?;
                TypeKind::Alias(self.type_ref(&ptr(p, "of"), of)?)
            }
            other => {
                self.error(
                    &ptr(p, "kind"),
                    kind_v,
                    &format!("unknown type kind `{other}`"),
                    Some("expected one of: struct, enum, alias"),
                );
                return None;
            }
        };
        let doc = members
            .iter()
            .find(|m| m.key == "doc")
            .and_then(|m| self.string(&ptr(p, "doc"), &m.value));
        Some(TypeDef {
            name: name.to_owned(),
            doc,
            kind,
            home,
            loc: self.loc(p, v.offset),
        })
    }

    fn fields(&mut self, p: &str, v: &Json) -> Vec<Field> {
        let JsonValue::Array(items) = &v.value else {
            self.error(
                p,
                v,
                &format!("`fields` must be an array, found {}", v.value.kind()),
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = ptr(p, &i.to_string());
            let Some(members) = self.object(
                &ip,
                item,
                "a field",
                &["name", "type", "optional", "nullable", "lenient", "doc"],
            ) else {
                continue;
            };
            let name = self.name_member(&ip, item, members, "a field");
            let ty = self.type_member(&ip, item, members, "a field");
            let optional = self.flag(&ip, members, "optional");
            let nullable = self.flag(&ip, members, "nullable");
            let lenient = self.flag(&ip, members, "lenient");
            let doc = self.opt_string(&ip, members, "doc");
            if let (Some(name), Some(ty)) = (name, ty) {
                out.push(Field {
                    name,
                    ty,
                    optional,
                    nullable,
                    lenient,
                    doc,
                    loc: self.loc(&ip, item.offset),
                });
            }
        }
        out
    }

    fn enum_values(&mut self, p: &str, v: &Json) -> Vec<EnumValue> {
        let JsonValue::Array(items) = &v.value else {
            self.error(
                p,
                v,
                &format!("`values` must be an array, found {}", v.value.kind()),
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = ptr(p, &i.to_string());
            let Some(members) = self.object(&ip, item, "an enum value", &["value", "doc"]) else {
                continue;
            };
            let Some(vv) = self.required(&ip, item, members, "value", "an enum value") else {
                continue;
            };
            let Some(value) = self.string(&ptr(&ip, "value"), vv) else {
                continue;
            };
            if value.is_empty() {
                self.error(
                    &ptr(&ip, "value"),
                    vv,
                    "an enum value must not be empty",
                    None,
                );
                continue;
            }
            let doc = self.opt_string(&ip, members, "doc");
            out.push(EnumValue {
                value,
                doc,
                loc: self.loc(&ip, item.offset),
            });
        }
        out
    }
}
