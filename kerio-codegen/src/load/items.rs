//! Decoders of the items of the spec format: a file, the API manifest, interfaces,
//! methods, parameters, type references and type definitions.

use super::decoder::{FileDecoder, ptr};
use crate::diag::{DiagnosticKind, Diagnostics};
use crate::json::{self, Json, JsonValue, Member};
use crate::naming::is_wire_name;
use crate::spec::*;

/// What the files of a spec set declare, before it is assembled into an [`Api`].
#[derive(Default)]
pub(super) struct Decoded {
    /// Every `api` manifest found (a spec set has exactly one, an extension none).
    pub(super) manifests: Vec<Manifest>,
    /// Every interface, in file order.
    pub(super) interfaces: Vec<Interface>,
    /// Every named type, in file order.
    pub(super) types: Vec<TypeDef>,
    /// Problems found while decoding.
    pub(super) diags: Diagnostics,
}

/// Decodes every file of a spec set.
pub(super) fn decode_all(sources: &[Source]) -> Decoded {
    let mut out = Decoded::default();
    for (file, source) in sources.iter().enumerate() {
        let mut decoder = FileDecoder {
            sources,
            file,
            diags: Vec::new(),
        };
        match json::parse(&source.text) {
            Ok(doc) => decoder.file_doc(&doc, &mut out),
            Err(e) => decoder.error_at_offset(
                DiagnosticKind::InvalidJson,
                "",
                e.offset,
                &format!("invalid JSON: {}", e.message),
                None,
            ),
        }
        out.diags.0.extend(decoder.diags);
    }
    out
}

/// An API, feature or product name: lowercase letters, digits, `-` and `_`, starting with
/// a letter.
fn is_kebab_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl FileDecoder<'_> {
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
            out.manifests.push(man);
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
                        out.interfaces.push(i);
                    }
                }
            } else {
                let kind = m.value.value.kind();
                self.error(
                    DiagnosticKind::WrongJsonKind,
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
                            out.types.push(t);
                        }
                    }
                }
                other => self.error(
                    DiagnosticKind::WrongJsonKind,
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
            &[
                "name",
                "module",
                "feature",
                "product",
                "title",
                "doc",
                "path",
                "alternativePaths",
                "port",
                "sessionCookie",
                "tokenCookie",
            ],
        )?;
        let name_v = self.required(p, v, members, "name", "the API manifest");
        let path_v = self.required(p, v, members, "path", "the API manifest");
        let port_v = self.required(p, v, members, "port", "the API manifest");
        let name = name_v.and_then(|n| self.string(&ptr(p, "name"), n));
        if let (Some(n), Some(nv)) = (&name, name_v)
            && !is_kebab_name(n)
        {
            self.error(
                DiagnosticKind::InvalidApiName,
                &ptr(p, "name"),
                nv,
                &format!("invalid API name `{n}`"),
                Some(
                    "an API name is lowercase letters, digits, `-` and `_`, starting with a letter",
                ),
            );
        }
        let module = match members.iter().find(|m| m.key == "module") {
            Some(m) => self.module_path(&ptr(p, "module"), &m.value),
            None => name
                .as_deref()
                .map(|n| vec![crate::naming::snake(&n.replace('-', "_"))]),
        };
        let feature = self.opt_string(p, members, "feature");
        if let (Some(f), Some(m)) = (&feature, members.iter().find(|m| m.key == "feature"))
            && !is_kebab_name(f)
        {
            self.error(
                DiagnosticKind::InvalidGroup,
                &ptr(p, "feature"),
                &m.value,
                &format!("invalid feature `{f}`"),
                Some("a feature is a Cargo feature name: lowercase letters, digits, `-` and `_`"),
            );
        }
        let session_cookie = self.opt_string(p, members, "sessionCookie");
        let token_cookie = self.opt_string(p, members, "tokenCookie");
        let product = self.opt_string(p, members, "product");
        if let (Some(pr), Some(m)) = (&product, members.iter().find(|m| m.key == "product"))
            && !is_kebab_name(pr)
        {
            self.error(
                DiagnosticKind::InvalidApiName,
                &ptr(p, "product"),
                &m.value,
                &format!("invalid product `{pr}`"),
                Some("a product name is lowercase letters, digits, `-` and `_`, such as `control`"),
            );
        }
        let path = path_v.and_then(|v| self.endpoint_path(&ptr(p, "path"), v));
        let mut alternative_paths = Vec::new();
        if let Some(m) = members.iter().find(|m| m.key == "alternativePaths") {
            let ap = ptr(p, "alternativePaths");
            match &m.value.value {
                JsonValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        alternative_paths
                            .extend(self.endpoint_path(&ptr(&ap, &i.to_string()), item));
                    }
                }
                other => self.error(
                    DiagnosticKind::WrongJsonKind,
                    &ap,
                    &m.value,
                    &format!(
                        "`alternativePaths` must be an array of paths, found {}",
                        other.kind()
                    ),
                    None,
                ),
            }
        }
        let port = port_v.and_then(|v| match &v.value {
            JsonValue::Number(n) => match n.parse::<u16>() {
                Ok(port) if port > 0 => Some(port),
                _ => {
                    self.error(
                        DiagnosticKind::InvalidPort,
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
                    DiagnosticKind::WrongJsonKind,
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
            module: module?,
            feature,
            product,
            session_cookie,
            token_cookie,
            title,
            doc,
            path: path?,
            alternative_paths,
            port: port?,
            loc: self.loc(p, v.offset),
        })
    }

    /// A Rust module path below the runtime crate: `::`-separated snake case segments.
    fn module_path(&mut self, p: &str, v: &Json) -> Option<Vec<String>> {
        let text = self.string(p, v)?;
        let segments: Vec<String> = text.split("::").map(str::to_owned).collect();
        let ok = segments.iter().all(|s| {
            s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && crate::naming::escape(s.clone()) == *s
        });
        if !ok {
            self.error(
                DiagnosticKind::InvalidApiName,
                p,
                v,
                &format!("invalid module path `{text}`"),
                Some("a module path is `::`-separated lowercase Rust names that are not keywords, such as `connect::admin`"),
            );
            return None;
        }
        Some(segments)
    }

    /// An endpoint path: a string starting with `/`.
    fn endpoint_path(&mut self, p: &str, v: &Json) -> Option<String> {
        let path = self.string(p, v)?;
        if !path.starts_with('/') {
            self.error(
                DiagnosticKind::InvalidPath,
                p,
                v,
                "the endpoint path must start with `/`",
                None,
            );
            return None;
        }
        Some(path)
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
                    DiagnosticKind::InvalidGroup,
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
                DiagnosticKind::WrongJsonKind,
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
            &[
                "role",
                "sessionless",
                "idempotent",
                "doc",
                "params",
                "result",
                "paging",
            ],
        )?;
        let role = members.iter().find(|m| m.key == "role").and_then(|m| {
            let rp = ptr(p, "role");
            let s = self.string(&rp, &m.value)?;
            let role = Role::ALL.iter().find(|(n, _)| *n == s).map(|(_, r)| *r);
            if role.is_none() {
                let hint = format!("expected one of: {}", Role::ALL.map(|(n, _)| n).join(", "));
                self.error(
                    DiagnosticKind::UnknownRole,
                    &rp,
                    &m.value,
                    &format!("unknown role `{s}`"),
                    Some(&hint),
                );
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
        let sessionless = self.flag(p, members, "sessionless");
        let idempotent = self.flag(p, members, "idempotent");
        Some(Method {
            name: name.to_owned(),
            role,
            doc,
            params: params?,
            result: result?,
            paging,
            sessionless,
            idempotent,
            loc: self.loc(p, v.offset),
        })
    }

    /// `"paging": {"offset": "query.start", "limit": "query.limit", "list": "list",
    /// "total": "totalItems", "firstPageOnly": ["refresh"]}`; what the paths and names
    /// name is checked by validation.
    fn paging(&mut self, p: &str, v: &Json) -> Option<Paging> {
        const KEYS: [&str; 4] = ["offset", "limit", "list", "total"];
        let members = self.object(
            p,
            v,
            "a paging declaration",
            &["offset", "limit", "list", "total", "firstPageOnly"],
        )?;
        let [offset, limit, list, total] = KEYS.map(|key| {
            self.required(p, v, members, key, "a paging declaration")
                .and_then(|mv| self.string(&ptr(p, key), mv))
        });
        let mut first_page_only = Vec::new();
        if let Some(m) = members.iter().find(|m| m.key == "firstPageOnly") {
            let fp = ptr(p, "firstPageOnly");
            let hint = Some("name the boolean params to send with the first page only");
            if let Some(items) = self.array(&fp, &m.value, "expected an array of param names", hint)
            {
                for (i, item) in items.iter().enumerate() {
                    first_page_only.extend(self.string(&ptr(&fp, &i.to_string()), item));
                }
            }
        }
        let (offset, limit, list, total) = (offset?, limit?, list?, total?);
        let path = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
        Some(Paging {
            offset: path(&offset),
            limit: path(&limit),
            list,
            total,
            first_page_only,
            loc: self.loc(p, v.offset),
        })
    }

    fn params(&mut self, p: &str, v: &Json, what: &str) -> Vec<Param> {
        let Some(items) = self.array(
            p,
            v,
            &format!("expected an array of {what}s"),
            Some("write [] for none"),
        ) else {
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
                    self.error(DiagnosticKind::InvalidTypeRef, p, v, &format!("invalid type reference `{s}`"), Some("a primitive (string, boolean, int32, int64, double, any), a type name, {\"list\": T} or {\"map\": T}"));
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
                    DiagnosticKind::InvalidTypeRef,
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
                DiagnosticKind::WrongJsonKind,
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
                    DiagnosticKind::UnknownTypeKind,
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
        let Some(items) = self.array(p, v, "`fields` must be an array", None) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = ptr(p, &i.to_string());
            let Some(members) = self.object(
                &ip,
                item,
                "a field",
                &[
                    "name", "type", "aliases", "optional", "nullable", "lenient", "doc",
                ],
            ) else {
                continue;
            };
            let name = self.name_member(&ip, item, members, "a field");
            let aliases = self.aliases(&ip, members);
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
                    aliases,
                    doc,
                    loc: self.loc(&ip, item.offset),
                });
            }
        }
        out
    }

    /// `"aliases": ["telNum"]`: other wire names of a field.
    fn aliases(&mut self, p: &str, members: &[Member]) -> Vec<String> {
        let Some(m) = members.iter().find(|m| m.key == "aliases") else {
            return Vec::new();
        };
        let ap = ptr(p, "aliases");
        let Some(items) = self.array(
            &ap,
            &m.value,
            "`aliases` must be an array of field names",
            None,
        ) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = ptr(&ap, &i.to_string());
            if let Some(name) = self.string(&ip, item)
                && self.wire_name(&ip, item.offset, &name, "field alias")
            {
                out.push(name);
            }
        }
        out
    }

    fn enum_values(&mut self, p: &str, v: &Json) -> Vec<EnumValue> {
        let Some(items) = self.array(p, v, "`values` must be an array", None) else {
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
                    DiagnosticKind::EmptyEnumValue,
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
