//! The specs as the mock reads them: the description kerio-codegen writes at build time
//! (`kerio_codegen::describe`), checked requests and replies made up from result types.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::dynamic::DESCRIPTION;

/// A type as the description spells it.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Ty {
    /// A primitive (`string`, `int64`, ...) or a named type.
    Name(String),
    /// A JSON array.
    List { list: Box<Ty> },
    /// A JSON object with string keys.
    Map { map: Box<Ty> },
}

/// A param, out-param or struct field.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Slot {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Ty,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub nullable: bool,
    #[serde(default)]
    pub lenient: bool,
    /// Other wire names of a struct field, accepted like its name.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Slot {
    /// True when `key` is this slot's wire name or one of its aliases.
    pub fn answers_to(&self, key: &str) -> bool {
        self.name == key || self.aliases.iter().any(|a| a == key)
    }
}

/// A named type.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TypeDef {
    Struct(Vec<Slot>),
    Enum(Vec<String>),
    Alias(Ty),
}

/// A method.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MethodSpec {
    #[serde(default)]
    pub role: Option<String>,
    /// Served without a session (first-run set-up).
    #[serde(default)]
    pub sessionless: bool,
    pub params: Vec<Slot>,
    pub result: Vec<Slot>,
}

#[derive(Debug, Deserialize)]
struct ApiJson {
    name: String,
    path: String,
    #[serde(default)]
    product: Option<String>,
    #[serde(default, rename = "sessionCookie")]
    session_cookie: Option<String>,
    #[serde(default, rename = "tokenCookie")]
    token_cookie: Option<String>,
    interfaces: BTreeMap<String, BTreeMap<String, MethodSpec>>,
    types: HashMap<String, TypeDef>,
}

#[derive(Debug, Deserialize)]
struct DescriptionJson {
    apis: Vec<ApiJson>,
}

/// One API: its endpoint path, methods by full wire name and types.
#[derive(Debug)]
pub(crate) struct ApiSpec {
    /// The API's name (`admin`, `connect-admin`).
    pub name: String,
    pub path: String,
    /// The product serving it, when the manifest says.
    pub product: Option<String>,
    /// The session cookie and the token cookie its login sets: the manifest's names,
    /// else names made up from the API's name (`SESSION_CONNECT_ADMIN`), since the
    /// real ones are not known.
    pub cookies: (String, String),
    pub methods: HashMap<String, MethodSpec>,
    pub types: HashMap<String, TypeDef>,
}

/// Every API of the description.
pub(crate) fn apis() -> Result<&'static [Arc<ApiSpec>], String> {
    static APIS: OnceLock<Result<Vec<Arc<ApiSpec>>, String>> = OnceLock::new();
    APIS.get_or_init(|| {
        let parsed: DescriptionJson = serde_json::from_str(DESCRIPTION)
            .map_err(|e| format!("the built-in spec description is invalid: {e}"))?;
        Ok(parsed
            .apis
            .into_iter()
            .map(|api| {
                let mut methods = HashMap::new();
                for (iface, ms) in api.interfaces {
                    for (name, m) in ms {
                        methods.insert(format!("{iface}.{name}"), m);
                    }
                }
                let stem = api.name.to_uppercase().replace('-', "_");
                let cookies = (
                    api.session_cookie
                        .unwrap_or_else(|| format!("SESSION_{stem}")),
                    api.token_cookie.unwrap_or_else(|| format!("TOKEN_{stem}")),
                );
                Arc::new(ApiSpec {
                    name: api.name,
                    path: api.path,
                    product: api.product,
                    cookies,
                    methods,
                    types: api.types,
                })
            })
            .collect())
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(Clone::clone)
}

/// A type with aliases followed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape<'a> {
    String,
    Boolean,
    Integer,
    Double,
    Any,
    Struct(&'a [Slot]),
    Enum(&'a [String]),
    List(&'a Ty),
    Map(&'a Ty),
}

/// What is wrong with the params of a call, with the JSON path of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    Missing(String),
    WrongType(String),
    Unknown(String),
}

impl ApiSpec {
    /// The full wire name of the method with this role (`Session.login`).
    pub fn role(&self, role: &str) -> Option<&str> {
        self.methods
            .iter()
            .find(|(_, m)| m.role.as_deref() == Some(role))
            .map(|(name, _)| name.as_str())
    }

    pub fn shape<'a>(&'a self, ty: &'a Ty) -> Shape<'a> {
        let mut ty = ty;
        for _ in 0..=self.types.len() {
            match ty {
                Ty::List { list } => return Shape::List(list),
                Ty::Map { map } => return Shape::Map(map),
                Ty::Name(name) => match name.as_str() {
                    "string" => return Shape::String,
                    "boolean" => return Shape::Boolean,
                    "int32" | "int64" => return Shape::Integer,
                    "double" => return Shape::Double,
                    "any" => return Shape::Any,
                    other => match self.types.get(other) {
                        Some(TypeDef::Struct(fields)) => return Shape::Struct(fields),
                        Some(TypeDef::Enum(values)) => return Shape::Enum(values),
                        Some(TypeDef::Alias(of)) => ty = of,
                        None => return Shape::Any,
                    },
                },
            }
        }
        Shape::Any
    }

    /// Checks the params of a call: every required param present, every value of its
    /// type; names the spec does not know are refused only when `strict`.
    pub fn check(&self, method: &MethodSpec, params: &Value, strict: bool) -> Result<(), Problem> {
        let empty = Map::new();
        let given = match params {
            Value::Object(map) => map,
            Value::Null => &empty,
            _ => return Err(Problem::WrongType("params".into())),
        };
        for slot in &method.params {
            match given.get(&slot.name) {
                None if slot.optional => {}
                None => return Err(Problem::Missing(slot.name.clone())),
                Some(value) => self.check_value(&slot.ty, value, slot, &slot.name, strict)?,
            }
        }
        if strict
            && let Some(name) = given
                .keys()
                .find(|k| !method.params.iter().any(|p| p.answers_to(k)))
        {
            return Err(Problem::Unknown(name.clone()));
        }
        Ok(())
    }

    fn check_value(
        &self,
        ty: &Ty,
        value: &Value,
        slot: &Slot,
        path: &str,
        strict: bool,
    ) -> Result<(), Problem> {
        if value.is_null() && (slot.nullable || slot.optional) {
            return Ok(());
        }
        let wrong = || Err(Problem::WrongType(path.to_owned()));
        let lenient_number =
            |v: &Value| slot.lenient && v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok());
        match self.shape(ty) {
            Shape::Any => Ok(()),
            Shape::String if value.is_string() => Ok(()),
            Shape::Boolean if value.is_boolean() => Ok(()),
            Shape::Integer if value.is_i64() || value.is_u64() || lenient_number(value) => Ok(()),
            Shape::Double if value.is_number() || lenient_number(value) => Ok(()),
            Shape::Enum(values) => match value.as_str() {
                Some(v) if !strict || values.iter().any(|known| known == v) => Ok(()),
                _ => wrong(),
            },
            Shape::List(of) => {
                let Some(items) = value.as_array() else {
                    return wrong();
                };
                let item_slot = Slot {
                    nullable: false,
                    optional: false,
                    ..slot.clone()
                };
                for (i, item) in items.iter().enumerate() {
                    self.check_value(of, item, &item_slot, &format!("{path}[{i}]"), strict)?;
                }
                Ok(())
            }
            Shape::Map(of) => {
                let Some(entries) = value.as_object() else {
                    return wrong();
                };
                for (key, item) in entries {
                    self.check_value(of, item, slot, &format!("{path}.{key}"), strict)?;
                }
                Ok(())
            }
            Shape::Struct(fields) => {
                // Structs inside params may be partial (create inputs, set details,
                // search queries): only the fields present are checked.
                let Some(members) = value.as_object() else {
                    return wrong();
                };
                for (key, item) in members {
                    match fields.iter().find(|f| f.answers_to(key)) {
                        Some(field) => self.check_value(
                            &field.ty,
                            item,
                            field,
                            &format!("{path}.{key}"),
                            strict,
                        )?,
                        None if strict => return Err(Problem::Unknown(format!("{path}.{key}"))),
                        None => {}
                    }
                }
                Ok(())
            }
            _ => wrong(),
        }
    }

    /// A made-up result of a method: every out-param, values derived from names and
    /// positions only, so the same call always gets the same reply.
    pub fn synthesize_result(&self, method: &MethodSpec) -> Value {
        let mut out = Map::new();
        for slot in &method.result {
            out.insert(
                slot.name.clone(),
                self.synthesize(&slot.ty, &slot.name, 0, 0),
            );
        }
        // A count next to a list counts that list.
        let listed = out
            .iter()
            .find_map(|(_, v)| v.as_array().map(Vec::len))
            .unwrap_or(0);
        for slot in &method.result {
            if slot.name.starts_with("total") && matches!(self.shape(&slot.ty), Shape::Integer) {
                out.insert(slot.name.clone(), json!(listed));
            }
        }
        Value::Object(out)
    }

    /// A made-up value of a type; `name` is the field it goes to, `index` its position
    /// in a list.
    pub fn synthesize(&self, ty: &Ty, name: &str, index: usize, depth: usize) -> Value {
        let n = index + 1;
        match self.shape(ty) {
            Shape::String => Value::String(made_up_string(name, n)),
            Shape::Boolean => Value::Bool(index % 2 == 1),
            Shape::Integer => json!(made_up_integer(name, n)),
            Shape::Double => json!(made_up_integer(name, n) as f64 * 1.5),
            Shape::Any => Value::Object(Map::new()),
            Shape::Enum(values) => values
                .get(index % values.len().max(1))
                .map_or(Value::Null, |v| Value::String(v.clone())),
            Shape::List(of) => {
                // Listings at the top of a result get a few items, nested lists two.
                let count = match depth {
                    0 => 5,
                    1..3 => 2,
                    _ => 0,
                };
                Value::Array(
                    (0..count)
                        .map(|i| self.synthesize(of, name, i, depth + 1))
                        .collect(),
                )
            }
            Shape::Map(_) => Value::Object(Map::new()),
            Shape::Struct(fields) => {
                let mut out = Map::new();
                for field in fields {
                    if depth >= 6 && field.optional {
                        continue;
                    }
                    let value = if depth >= 8 {
                        self.zero(&field.ty, depth + 1)
                    } else {
                        self.synthesize(&field.ty, &field.name, index, depth + 1)
                    };
                    out.insert(field.name.clone(), value);
                }
                Value::Object(out)
            }
        }
    }

    /// The value a server fills in for a field nobody set: empty, zero, false, the first
    /// enum value.
    pub fn zero(&self, ty: &Ty, depth: usize) -> Value {
        match self.shape(ty) {
            Shape::String => Value::String(String::new()),
            Shape::Boolean => Value::Bool(false),
            Shape::Integer => json!(0),
            Shape::Double => json!(0.0),
            Shape::Any | Shape::Map(_) => Value::Object(Map::new()),
            Shape::Enum(values) => values.first().map_or(Value::Null, |v| v.clone().into()),
            Shape::List(_) => Value::Array(Vec::new()),
            Shape::Struct(fields) if depth < 8 => Value::Object(
                fields
                    .iter()
                    .map(|f| (f.name.clone(), self.zero(&f.ty, depth + 1)))
                    .collect(),
            ),
            Shape::Struct(_) => Value::Object(Map::new()),
        }
    }
}

/// A string that reads like what the field holds: addresses in the documentation ranges
/// (RFC 5737, RFC 7042), names with a number.
fn made_up_string(name: &str, n: usize) -> String {
    let lower = name.to_ascii_lowercase();
    if lower == "id" || lower.ends_with("id") {
        format!("{n}")
    } else if lower.contains("mac") {
        format!("00:00:5e:00:53:{:02x}", n % 256)
    } else if lower.contains("ip6") || lower.contains("ipv6") {
        format!("2001:db8::{n:x}")
    } else if lower == "ip" || lower.contains("addr") || lower.contains("ip") && lower.len() <= 4 {
        format!("192.0.2.{}", n % 255)
    } else if lower.contains("url") {
        format!("https://www.example.com/{n}")
    } else if lower.contains("hostname") || lower.contains("host") {
        format!("host-{n}.example.com")
    } else {
        format!("{name}-{n}")
    }
}

fn made_up_integer(name: &str, n: usize) -> i64 {
    let n = n as i64;
    match name {
        "year" => 2026,
        "month" => n % 12,
        "day" => n % 28 + 1,
        "hour" => (8 + n) % 24,
        "min" | "minute" | "sec" | "second" => (n * 7) % 60,
        _ => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin() -> Arc<ApiSpec> {
        apis()
            .expect("description")
            .iter()
            .find(|a| a.name == "admin")
            .cloned()
            .expect("admin API")
    }

    #[test]
    fn the_description_has_every_api_with_roles() {
        let admin = admin();
        assert_eq!(admin.path, "/admin/api/jsonrpc/");
        assert!(admin.role("login").is_some());
        assert!(admin.role("batch").is_some());
        assert!(admin.methods.len() > 100);
    }

    #[test]
    fn synthesized_results_are_deterministic_and_count_their_lists() {
        let admin = admin();
        let method = admin
            .methods
            .values()
            .find(|m| m.result.iter().any(|r| r.name == "totalItems"))
            .expect("a listing method");
        let a = admin.synthesize_result(method);
        assert_eq!(a, admin.synthesize_result(method));
        let listed = a
            .as_object()
            .and_then(|o| o.values().find_map(|v| v.as_array()));
        assert_eq!(
            a["totalItems"].as_u64(),
            listed.map(|l| l.len() as u64),
            "{a}"
        );
    }
}
