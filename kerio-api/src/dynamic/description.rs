//! The spec description ([`DESCRIPTION`](super::DESCRIPTION)) as Rust values: every API
//! of the spec set with its methods (params, out-parameters, role, paging, docs) and
//! named types, as `kerio_codegen::describe` writes them at build time. The mock
//! appliance and the `kerio` command line read the specs through this one model.
//!
//! [`description`] parses the built-in text once for the life of the process;
//! [`Description::parse`] reads another one. Serializing a [`Description`] writes the
//! same JSON back (flags only when true, optional keys only when present).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every API of the spec set, in name order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Description {
    /// The APIs, in manifest name order.
    pub apis: Vec<ApiDescription>,
}

impl Description {
    /// Reads a description as `kerio_codegen::describe` writes it.
    pub fn parse(text: &str) -> Result<Description, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The API whose manifest name is `name`.
    pub fn api(&self, name: &str) -> Option<&ApiDescription> {
        self.apis.iter().find(|a| a.name == name)
    }
}

/// The built-in description ([`DESCRIPTION`](super::DESCRIPTION)), parsed on first use
/// and kept for the life of the process. An error means the build wrote a description
/// this model does not read, which the crate's tests rule out.
pub fn description() -> Result<&'static Description, &'static serde_json::Error> {
    static PARSED: OnceLock<Result<Description, serde_json::Error>> = OnceLock::new();
    PARSED
        .get_or_init(|| Description::parse(super::DESCRIPTION))
        .as_ref()
}

/// One API: its manifest, interfaces with their methods, and named types.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiDescription {
    /// The manifest name (`admin`, `connect-admin`).
    pub name: String,
    /// The API's title (`Kerio Control Administration API`), when the manifest has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The manifest's doc text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The endpoint's path (`/admin/api/jsonrpc/`).
    pub path: String,
    /// The appliance's default port for it.
    pub port: u16,
    /// The Rust module below `kerio_api` (`connect::admin`).
    pub module: String,
    /// The Cargo feature of kerio-api that compiles it; `None` for an API always
    /// compiled (Kerio Control's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// The product serving it (`control`, `connect`, `operator`), when the manifest says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The session cookie its login sets, when the manifest names it.
    #[serde(
        default,
        rename = "sessionCookie",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_cookie: Option<String>,
    /// The token cookie its login sets, when the manifest names it.
    #[serde(
        default,
        rename = "tokenCookie",
        skip_serializing_if = "Option::is_none"
    )]
    pub token_cookie: Option<String>,
    /// The doc text of each interface that has one, by interface name.
    #[serde(default)]
    pub docs: BTreeMap<String, String>,
    /// The methods of each interface, by interface name and method name.
    pub interfaces: BTreeMap<String, BTreeMap<String, MethodDescription>>,
    /// The named types, by name.
    pub types: HashMap<String, TypeDef>,
}

/// A method of an interface.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MethodDescription {
    /// What the runtime uses it for (`login`, `logout`, `batch`, `configTimestamp`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Callable without a session (first-run set-up).
    #[serde(default, skip_serializing_if = "is_false")]
    pub sessionless: bool,
    /// The method's doc text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// How the method pages, when it lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
    /// The params, in spec order.
    pub params: Vec<Slot>,
    /// The out-parameters, in spec order.
    pub result: Vec<Slot>,
}

/// How a listing method pages: JSON paths into the params, out-parameter names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paging {
    /// The path of the offset param (`["query", "start"]`).
    pub offset: Vec<String>,
    /// The path of the page size param (`["query", "limit"]`).
    pub limit: Vec<String>,
    /// The out-parameter holding the page's items.
    pub list: String,
    /// The out-parameter holding the number of items of the whole listing.
    pub total: String,
    /// Boolean params sent as given with the first page only and as `false` after
    /// (`refresh`: the appliance rebuilds the listing once, not for every page).
    #[serde(
        default,
        rename = "firstPageOnly",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub first_page_only: Vec<String>,
}

/// A param, out-parameter or struct field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Slot {
    /// The wire name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// May be left out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    /// May be `null`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// A number that may come as a numeric string.
    #[serde(default, skip_serializing_if = "is_false")]
    pub lenient: bool,
    /// A name the secret policy calls secret: never logged, never taken from an argument.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secret: bool,
    /// Other wire names of a struct field, accepted like its name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Values seen or documented on the wire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Value>,
    /// The param's doc text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

impl Slot {
    /// True when `key` is this slot's wire name or one of its aliases.
    pub fn answers_to(&self, key: &str) -> bool {
        self.name == key || self.aliases.iter().any(|a| a == key)
    }
}

/// A type as the description spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TypeRef {
    /// A primitive (`string`, `boolean`, `int32`, `int64`, `double`, `any`) or a named
    /// type.
    Name(String),
    /// A JSON array.
    List {
        /// The items' type.
        list: Box<TypeRef>,
    },
    /// A JSON object with string keys.
    Map {
        /// The values' type.
        map: Box<TypeRef>,
    },
}

/// A named type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeDef {
    /// A JSON object with these fields.
    Struct(Vec<Slot>),
    /// A string with one of these values.
    Enum(Vec<String>),
    /// Another name for a type.
    Alias(TypeRef),
}

/// A type with aliases followed: what its values look like.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// A string.
    String,
    /// `true` or `false`.
    Boolean,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A number.
    Double,
    /// Any JSON value (also what an unknown type name is).
    Any,
    /// The named struct and its fields.
    Struct(&'a str, &'a [Slot]),
    /// The named enum and its values.
    Enum(&'a str, &'a [String]),
    /// A list of this type.
    List(&'a TypeRef),
    /// An object of this type by key.
    Map(&'a TypeRef),
}

impl ApiDescription {
    /// The shape of `ty` with aliases followed; unknown names and alias cycles are
    /// [`Shape::Any`].
    pub fn shape<'a>(&'a self, ty: &'a TypeRef) -> Shape<'a> {
        let mut ty = ty;
        for _ in 0..=self.types.len() {
            match ty {
                TypeRef::List { list } => return Shape::List(list),
                TypeRef::Map { map } => return Shape::Map(map),
                TypeRef::Name(name) => match name.as_str() {
                    "string" => return Shape::String,
                    "boolean" => return Shape::Boolean,
                    "int32" => return Shape::Int32,
                    "int64" => return Shape::Int64,
                    "double" => return Shape::Double,
                    "any" => return Shape::Any,
                    other => match self.types.get(other) {
                        Some(TypeDef::Struct(fields)) => return Shape::Struct(other, fields),
                        Some(TypeDef::Enum(values)) => return Shape::Enum(other, values),
                        Some(TypeDef::Alias(of)) => ty = of,
                        None => return Shape::Any,
                    },
                },
            }
        }
        Shape::Any
    }

    /// Every method with its full wire name (`Session.login`), interface by interface.
    pub fn methods(&self) -> impl Iterator<Item = (String, &MethodDescription)> {
        self.interfaces.iter().flat_map(|(iface, methods)| {
            methods
                .iter()
                .map(move |(name, m)| (format!("{iface}.{name}"), m))
        })
    }
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

#[cfg(test)]
#[path = "description_tests.rs"]
mod tests;
