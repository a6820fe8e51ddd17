//! The spec format as loaded: APIs, interfaces, methods and types, each with its location.
//!
//! The format is documented in `api-spec/README.md` and described by
//! `api-spec/kerio-spec.schema.json`.

use std::sync::Arc;

/// The text of one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Path shown in diagnostics (relative to the spec root where possible).
    pub path: String,
    /// The file's text.
    pub text: Arc<str>,
}

impl Source {
    /// A source from a display path and its text.
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }
}

/// Where an item is: which source, JSON pointer and byte offset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    /// Index into [`Api::sources`].
    pub file: usize,
    /// JSON pointer of the item.
    pub pointer: String,
    /// Byte offset of the item in its source.
    pub offset: usize,
}

/// One API: its manifest and everything declared in its files.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The manifest (`api.json`).
    pub manifest: Manifest,
    /// The files the API was loaded from, in the order given.
    pub sources: Vec<Source>,
    /// Interfaces of all files.
    pub interfaces: Vec<Interface>,
    /// Named types of all files.
    pub types: Vec<TypeDef>,
}

/// The API manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Name of the API (`admin`, `connect-admin`): unique in a spec set, what tools call
    /// it (`--api connect-admin`) and the runtime's `Api::NAME`. Its upper camel case is
    /// the API's marker type (`ConnectAdmin`).
    pub name: String,
    /// Rust module path below the runtime crate (`admin`, `connect::admin`): the
    /// manifest's `module`, or the snake case of the name.
    pub module: Vec<String>,
    /// Cargo feature that compiles the whole API, if any.
    pub feature: Option<String>,
    /// The product that serves the API (`control`, `connect`, `operator`), if declared.
    pub product: Option<String>,
    /// Name of the session cookie the server sets at login, when known.
    pub session_cookie: Option<String>,
    /// Name of the cookie repeating the token that the server sets at login, when known.
    pub token_cookie: Option<String>,
    /// Human readable title.
    pub title: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Default endpoint path.
    pub path: String,
    /// Other endpoint paths some firmware serves the same API at.
    pub alternative_paths: Vec<String>,
    /// Default HTTPS port.
    pub port: u16,
    /// Where the manifest is.
    pub loc: Loc,
}

impl Manifest {
    /// The Rust module path as written (`connect::admin`).
    pub fn module_path(&self) -> String {
        self.module.join("::")
    }

    /// Every endpoint path of the API: the default first, then the alternatives.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.path.as_str()).chain(self.alternative_paths.iter().map(String::as_str))
    }
}

/// A Kerio interface (`ActiveHosts`), a set of methods.
#[derive(Debug, Clone, PartialEq)]
pub struct Interface {
    /// Wire name.
    pub name: String,
    /// Cargo feature that enables it, if any.
    pub group: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Methods, in file order.
    pub methods: Vec<Method>,
    /// Where it is declared.
    pub loc: Loc,
}

/// What the runtime does specially with a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Opens a session; its one string out-parameter is the token.
    Login,
    /// Ends the session.
    Logout,
    /// Runs several calls in one request; its result is an array.
    Batch,
    /// Returns the configuration timestamps to confirm: no params, one list out-parameter.
    ConfigTimestamp,
    /// Confirms a pending configuration change: one param taking the timestamp list, one
    /// boolean out-parameter.
    ConfirmConfig,
}

impl Role {
    /// All roles with their spec names.
    pub const ALL: [(&'static str, Role); 5] = [
        ("login", Role::Login),
        ("logout", Role::Logout),
        ("batch", Role::Batch),
        ("configTimestamp", Role::ConfigTimestamp),
        ("confirmConfig", Role::ConfirmConfig),
    ];

    /// The name used in spec files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Login => "login",
            Role::Logout => "logout",
            Role::Batch => "batch",
            Role::ConfigTimestamp => "configTimestamp",
            Role::ConfirmConfig => "confirmConfig",
        }
    }
}

/// A JSON-RPC method.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// Wire name (the part after the dot).
    pub name: String,
    /// Special role, if any.
    pub role: Option<Role>,
    /// Documentation.
    pub doc: Option<String>,
    /// Parameters, sent by name.
    pub params: Vec<Param>,
    /// Out-parameters: the keys of the result object.
    pub result: Vec<Param>,
    /// How the method pages through a list, when it does (`paging`).
    pub paging: Option<Paging>,
    /// Callable without a session, before logging in (first-run set-up methods).
    pub sessionless: bool,
    /// Sending it twice does what sending it once does (a read): the client may send it
    /// again after a connection reset or an HTTP 502 or 503 (`idempotent`).
    pub idempotent: bool,
    /// Where it is declared.
    pub loc: Loc,
}

/// How a listing method pages: which params take the offset and the page size, which
/// out-parameters hold the page's items and the total (`"paging"` of a method).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// Path of the offset: a param (`["start"]`) or a field of a struct param
    /// (`["query", "start"]`).
    pub offset: Vec<String>,
    /// Path of the page size, like `offset`.
    pub limit: Vec<String>,
    /// The out-parameter holding the page's items (a list).
    pub list: String,
    /// The out-parameter holding the number of items in all pages (an integer).
    pub total: String,
    /// Required boolean params sent as given with the first page only and as `false`
    /// with the others (`refresh`: the appliance recomputes the list when it is true,
    /// which would duplicate or skip items between pages).
    pub first_page_only: Vec<String>,
    /// Where it is declared.
    pub loc: Loc,
}

/// A parameter or out-parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Wire name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// May be left out.
    pub optional: bool,
    /// An optional param kept as a positional argument of the generated call, which takes
    /// the value or `None` (`"positional": true`): a param that was required and is known
    /// to be optional since, so that calls written when it was required still compile.
    pub positional: bool,
    /// A number that may arrive as a string.
    pub lenient: bool,
    /// Values seen or documented on the wire (`"examples"`), for docs and made-up replies.
    pub examples: Vec<serde_json::Value>,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is declared.
    pub loc: Loc,
}

impl Param {
    /// True for a param that is an argument of the generated call: required ones and
    /// optional ones kept positional.
    pub fn is_argument(&self) -> bool {
        !self.optional || self.positional
    }
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// IDL name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Struct, enum or alias.
    pub kind: TypeKind,
    /// The module the type is generated into: that of the one interface declared in the
    /// same file, or a shared module named after the file.
    pub home: Home,
    /// Where it is declared.
    pub loc: Loc,
}

/// Which module a type is generated into.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Home {
    /// The module of this interface (by wire name).
    Interface(String),
    /// A shared module, named after the file stem.
    Shared(String),
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with fields by wire name.
    Struct(Vec<Field>),
    /// A string enum.
    Enum(Vec<EnumValue>),
    /// Another name for a type reference.
    Alias(TypeRef),
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// The server may leave it out even in a full read.
    pub optional: bool,
    /// May be JSON `null`.
    pub nullable: bool,
    /// A number that may arrive as a string.
    pub lenient: bool,
    /// Other wire names the server sends for the same field (read, never sent).
    pub aliases: Vec<String>,
    /// Values seen or documented on the wire (`"examples"`), for docs and made-up replies.
    pub examples: Vec<serde_json::Value>,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is declared.
    pub loc: Loc,
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The wire string.
    pub value: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is declared.
    pub loc: Loc,
}

/// Built-in JSON types.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Primitive {
    /// A JSON string.
    String,
    /// A JSON boolean.
    Boolean,
    /// An integer that fits 32 bits.
    Int32,
    /// Any integer.
    Int64,
    /// Any number.
    Double,
    /// Arbitrary JSON.
    Any,
}

impl Primitive {
    /// All primitives with their spec names.
    pub const ALL: [(&'static str, Primitive); 6] = [
        ("string", Primitive::String),
        ("boolean", Primitive::Boolean),
        ("int32", Primitive::Int32),
        ("int64", Primitive::Int64),
        ("double", Primitive::Double),
        ("any", Primitive::Any),
    ];

    /// The primitive spelled `name` in spec files.
    pub fn from_name(name: &str) -> Option<Primitive> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }

    /// The name used in spec files.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("any", |(n, _)| n)
    }

    /// True for numbers.
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Primitive::Int32 | Primitive::Int64 | Primitive::Double
        )
    }
}

/// A reference to a type.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum TypeRef {
    /// A built-in type.
    Primitive(Primitive),
    /// A named type of the same API.
    Named(String),
    /// A JSON array.
    List(Box<TypeRef>),
    /// A JSON object with string keys.
    Map(Box<TypeRef>),
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::Primitive(p) => f.write_str(p.as_str()),
            TypeRef::Named(n) => f.write_str(n),
            TypeRef::List(t) => write!(f, "list of {t}"),
            TypeRef::Map(t) => write!(f, "map of {t}"),
        }
    }
}

impl TypeRef {
    /// Calls `f` with every named type this reference mentions.
    pub fn for_each_named<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        match self {
            TypeRef::Primitive(_) => {}
            TypeRef::Named(n) => f(n),
            TypeRef::List(t) | TypeRef::Map(t) => t.for_each_named(f),
        }
    }
}

impl Api {
    /// Number of methods over all interfaces.
    pub fn method_count(&self) -> usize {
        self.interfaces.iter().map(|i| i.methods.len()).sum()
    }
}
