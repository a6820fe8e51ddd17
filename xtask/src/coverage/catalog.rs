//! Reading a catalog file: interfaces, methods and types with their JSON types, each
//! problem reported with the JSON pointer where it is.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

/// A catalog primitive; `int`, `long`, `uint` and `uint64` are all integers of unknown
/// width (the spec reads them as `int64`, which holds every value seen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CatPrim {
    String,
    Boolean,
    Integer,
    Double,
    Any,
    /// `?`: the sources did not show the type.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CatRef {
    Prim(CatPrim),
    Named(String),
    List(Box<CatRef>),
    Map(Box<CatRef>),
}

#[derive(Debug)]
pub(super) struct CatParam {
    pub(super) name: String,
    pub(super) ty: CatRef,
    pub(super) optional: bool,
}

#[derive(Debug)]
pub(super) enum CatResult {
    Keys(Vec<CatParam>),
    /// A prose description instead of keys (the result is not an object).
    Described(String),
}

#[derive(Debug)]
pub(super) struct CatMethod {
    pub(super) params: Vec<CatParam>,
    pub(super) result: CatResult,
}

#[derive(Debug)]
pub(super) enum CatType {
    Struct(Vec<CatParam>),
    Enum(Vec<String>),
    Alias(CatRef),
}

#[derive(Debug)]
pub(super) struct Catalog {
    pub(super) interfaces: BTreeMap<String, BTreeMap<String, CatMethod>>,
    pub(super) types: BTreeMap<String, CatType>,
    /// Names the catalog spells with trailing junk, and how they were read.
    pub(super) notes: Vec<String>,
}

/// A shape error in the catalog: where (a JSON pointer) and what.
#[derive(Debug)]
pub(super) struct ShapeError {
    pub(super) at: String,
    pub(super) message: String,
}

pub(super) fn pointer(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
}

pub(super) fn shape<T>(at: &str, message: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError {
        at: if at.is_empty() { "/".into() } else { at.into() },
        message: message.into(),
    })
}

fn object<'a>(v: &'a Value, at: &str, what: &str) -> Result<&'a Map<String, Value>, ShapeError> {
    v.as_object().map_or_else(
        || {
            shape(
                at,
                format!(
                    "expected {what} (an object), found {}",
                    kerio_codegen::json::json_kind(v)
                ),
            )
        },
        Ok,
    )
}

fn array<'a>(v: &'a Value, at: &str, what: &str) -> Result<&'a [Value], ShapeError> {
    v.as_array().map_or_else(
        || {
            shape(
                at,
                format!(
                    "expected {what} (an array), found {}",
                    kerio_codegen::json::json_kind(v)
                ),
            )
        },
        |a| Ok(a.as_slice()),
    )
}

fn member<'a>(obj: &'a Map<String, Value>, key: &str, at: &str) -> Result<&'a Value, ShapeError> {
    obj.get(key)
        .map_or_else(|| shape(at, format!("missing key `{key}`")), Ok)
}

impl Catalog {
    /// Reads a catalog from its JSON; the error says where the shape is wrong.
    pub(super) fn parse(root: &Value) -> Result<Catalog, ShapeError> {
        let mut notes = Vec::new();
        let top = object(root, "", "the catalog")?;
        let ifaces_at = "/interfaces";
        let ifaces_json = object(member(top, "interfaces", "")?, ifaces_at, "interfaces")?;
        let mut interfaces = BTreeMap::new();
        for (iname, methods_json) in ifaces_json {
            let iat = pointer(ifaces_at, iname);
            let mut methods = BTreeMap::new();
            for (mname, m) in object(methods_json, &iat, "methods by name")? {
                let mat = pointer(&iat, mname);
                let mobj = object(m, &mat, "a method")?;
                let pat = pointer(&mat, "params");
                let params = parse_params(member(mobj, "params", &mat)?, &pat, &mut notes)?;
                let rat = pointer(&mat, "result");
                let result = match member(mobj, "result", &mat)? {
                    Value::String(text) => CatResult::Described(text.clone()),
                    other => CatResult::Keys(parse_params(other, &rat, &mut notes)?),
                };
                methods.insert(mname.clone(), CatMethod { params, result });
            }
            interfaces.insert(iname.clone(), methods);
        }
        let mut types = BTreeMap::new();
        if let Some(types_json) = top.get("types") {
            for (tname, t) in object(types_json, "/types", "types by name")? {
                let tat = pointer("/types", tname);
                types.insert(tname.clone(), parse_type(t, &tat, &mut notes)?);
            }
        }
        Ok(Catalog {
            interfaces,
            types,
            notes,
        })
    }
}

/// True for a name that can appear on the wire (`[A-Za-z_][A-Za-z0-9_]*`).
fn is_wire_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A catalog name with trailing junk (such as `httpsMode;//`, left over from the sources'
/// comments) is read as its leading identifier, with a note saying so.
fn wire_name(name: &str, at: &str, notes: &mut Vec<String>) -> String {
    if is_wire_name(name) {
        return name.to_owned();
    }
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    let head = &name[..end];
    if is_wire_name(head) {
        notes.push(format!(
            "catalog name `{name}` at {at} is not a wire name; compared as `{head}`"
        ));
        head.to_owned()
    } else {
        name.to_owned()
    }
}

fn parse_params(v: &Value, at: &str, notes: &mut Vec<String>) -> Result<Vec<CatParam>, ShapeError> {
    let mut out = Vec::new();
    for (i, p) in array(v, at, "a list of parameters")?.iter().enumerate() {
        let pat = format!("{at}/{i}");
        let obj = object(p, &pat, "a parameter")?;
        let name = match member(obj, "name", &pat)? {
            Value::String(s) => wire_name(s, &pointer(&pat, "name"), notes),
            other => {
                return shape(
                    &pointer(&pat, "name"),
                    format!(
                        "expected a string, found {}",
                        kerio_codegen::json::json_kind(other)
                    ),
                );
            }
        };
        let ty = parse_ref(member(obj, "type", &pat)?, &pointer(&pat, "type"))?;
        let optional = match obj.get("optional") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return shape(
                    &pointer(&pat, "optional"),
                    format!(
                        "expected a boolean, found {}",
                        kerio_codegen::json::json_kind(other)
                    ),
                );
            }
        };
        out.push(CatParam { name, ty, optional });
    }
    Ok(out)
}

fn parse_ref(v: &Value, at: &str) -> Result<CatRef, ShapeError> {
    match v {
        Value::String(s) => Ok(match s.as_str() {
            "string" => CatRef::Prim(CatPrim::String),
            "boolean" => CatRef::Prim(CatPrim::Boolean),
            "int" | "long" | "uint" | "uint64" => CatRef::Prim(CatPrim::Integer),
            "double" => CatRef::Prim(CatPrim::Double),
            "any" => CatRef::Prim(CatPrim::Any),
            "?" => CatRef::Prim(CatPrim::Unknown),
            "" => return shape(at, "empty type name"),
            name => CatRef::Named(name.to_owned()),
        }),
        Value::Object(obj) if obj.len() == 1 => {
            let (key, inner) = obj
                .iter()
                .next()
                .map_or(("", &Value::Null), |(k, v)| (k.as_str(), v));
            let inner_at = pointer(at, key);
            match key {
                "list" => Ok(CatRef::List(Box::new(parse_ref(inner, &inner_at)?))),
                "map" => Ok(CatRef::Map(Box::new(parse_ref(inner, &inner_at)?))),
                other => shape(
                    at,
                    format!("unknown type constructor `{other}`, expected `list` or `map`"),
                ),
            }
        }
        other => shape(
            at,
            format!(
                "expected a type name, {{\"list\": T}} or {{\"map\": T}}, found {}",
                kerio_codegen::json::json_kind(other)
            ),
        ),
    }
}

fn parse_type(v: &Value, at: &str, notes: &mut Vec<String>) -> Result<CatType, ShapeError> {
    let obj = object(v, at, "a type")?;
    let kind = member(obj, "kind", at)?;
    match kind.as_str() {
        Some("struct") => Ok(CatType::Struct(parse_params(
            member(obj, "fields", at)?,
            &pointer(at, "fields"),
            notes,
        )?)),
        Some("enum") => {
            let vat = pointer(at, "values");
            let mut values = Vec::new();
            for (i, x) in array(member(obj, "values", at)?, &vat, "enum values")?
                .iter()
                .enumerate()
            {
                match x.as_str() {
                    Some(s) => values.push(s.to_owned()),
                    None => {
                        return shape(
                            &format!("{vat}/{i}"),
                            format!(
                                "expected a string, found {}",
                                kerio_codegen::json::json_kind(x)
                            ),
                        );
                    }
                }
            }
            Ok(CatType::Enum(values))
        }
        Some("alias") => Ok(CatType::Alias(parse_ref(
            member(obj, "of", at)?,
            &pointer(at, "of"),
        )?)),
        _ => shape(
            &pointer(at, "kind"),
            "expected \"struct\", \"enum\" or \"alias\"",
        ),
    }
}

impl fmt::Display for CatRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatRef::Prim(p) => f.write_str(match p {
                CatPrim::String => "string",
                CatPrim::Boolean => "boolean",
                CatPrim::Integer => "int",
                CatPrim::Double => "double",
                CatPrim::Any => "any",
                CatPrim::Unknown => "?",
            }),
            CatRef::Named(n) => f.write_str(n),
            CatRef::List(t) => write!(f, "list of {t}"),
            CatRef::Map(t) => write!(f, "map of {t}"),
        }
    }
}
