//! The specs as the mock reads them: the description kerio-codegen writes at build time
//! (`kerio_codegen::describe`), checked requests and replies made up from result types.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value, json};

use super::made_up;
use crate::dynamic::description::description;
pub(crate) use crate::dynamic::description::{
    ApiDescription, MethodDescription, Shape, Slot, TypeDef, TypeRef,
};

/// One API as the mock serves it: its description, methods by full wire name and the
/// cookies its login sets.
#[derive(Debug)]
pub(crate) struct ApiSpec {
    pub description: &'static ApiDescription,
    /// The session cookie and the token cookie its login sets: the manifest's names,
    /// else names made up from the API's name (`SESSION_CONNECT_ADMIN`), since the
    /// real ones are not known.
    pub cookies: (String, String),
    pub methods: HashMap<String, &'static MethodDescription>,
}

impl Deref for ApiSpec {
    type Target = ApiDescription;

    fn deref(&self) -> &ApiDescription {
        self.description
    }
}

/// Every API of the description.
pub(crate) fn apis() -> Result<&'static [Arc<ApiSpec>], String> {
    static APIS: OnceLock<Result<Vec<Arc<ApiSpec>>, String>> = OnceLock::new();
    APIS.get_or_init(|| {
        let parsed =
            description().map_err(|e| format!("the built-in spec description is invalid: {e}"))?;
        Ok(parsed
            .apis
            .iter()
            .map(|api| {
                let stem = api.name.to_uppercase().replace('-', "_");
                let cookies = (
                    api.session_cookie
                        .clone()
                        .unwrap_or_else(|| format!("SESSION_{stem}")),
                    api.token_cookie
                        .clone()
                        .unwrap_or_else(|| format!("TOKEN_{stem}")),
                );
                Arc::new(ApiSpec {
                    description: api,
                    cookies,
                    methods: api.methods().collect(),
                })
            })
            .collect())
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(Clone::clone)
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

    /// Checks the params of a call: every required param present, every value of its
    /// type; names the spec does not know are refused only when `strict`.
    pub fn check(
        &self,
        method: &MethodDescription,
        params: &Value,
        strict: bool,
    ) -> Result<(), Problem> {
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
        ty: &TypeRef,
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
            Shape::Int32 | Shape::Int64
                if value.is_i64() || value.is_u64() || lenient_number(value) =>
            {
                Ok(())
            }
            Shape::Double if value.is_number() || lenient_number(value) => Ok(()),
            Shape::Enum(_, values) => match value.as_str() {
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
            Shape::Struct(_, fields) => {
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

    /// A made-up result of a method, the same for the same method: every required
    /// out-param (optional ones are left out, as a server may), values derived from
    /// names, positions and the spec's `examples` (see [`ApiSpec::synthesize`]).
    pub fn synthesize_result(&self, method: &MethodDescription) -> Value {
        let mut out = Map::new();
        for slot in method.result.iter().filter(|s| !s.optional) {
            let at = Place::top(&slot.name);
            out.insert(slot.name.clone(), self.synthesize(&slot.ty, slot, at, 0, 0));
        }
        // A count next to a list counts that list (not the empty `errors` or
        // `warnings` beside it).
        let listed = out
            .iter()
            .filter(|(k, _)| !is_report(k))
            .find_map(|(_, v)| v.as_array().map(Vec::len))
            .unwrap_or(0);
        for slot in &method.result {
            if slot.name.starts_with("total")
                && matches!(self.shape(&slot.ty), Shape::Int32 | Shape::Int64)
                && out.contains_key(&slot.name)
            {
                out.insert(slot.name.clone(), json!(listed));
            }
        }
        Value::Object(out)
    }

    /// A made-up value of type `ty` for `slot` (the out-param or field it goes to) at
    /// `index` in a list, believable and inert:
    /// - the slot's `examples` when the spec gives some (codes, names, patterns of their
    ///   domain), taken in turn;
    /// - lists of `errors` and `warnings` empty: a client that checks them would think
    ///   the call failed, or show a warning that nothing raised;
    /// - optional struct fields left out: those that make a client act (a pending
    ///   `action`, an `error`) are absent unless a profile puts them in;
    /// - ids unique on the appliance: numbers from a range of their own for each place
    ///   (out-param and item type), so that two lists never share an id;
    /// - other strings from the field's name (addresses of the documentation ranges),
    ///   numbers small, enums their values in turn, `any` an empty object.
    pub fn synthesize(
        &self,
        ty: &TypeRef,
        slot: &Slot,
        at: Place,
        index: usize,
        depth: usize,
    ) -> Value {
        if let Some(example) = self.example(slot, ty, index) {
            return example;
        }
        let n = index + 1;
        let name = slot.name.as_str();
        match self.shape(ty) {
            Shape::String => Value::String(made_up::string(name, n, at.id_base())),
            Shape::Boolean => Value::Bool(index % 2 == 1),
            Shape::Int32 | Shape::Int64 => json!(made_up::integer(name, n)),
            Shape::Double => json!(made_up::integer(name, n) as f64 * 1.5),
            Shape::Any => Value::Object(Map::new()),
            Shape::Enum(_, values) => values
                .get(index % values.len().max(1))
                .map_or(Value::Null, |v| Value::String(v.clone())),
            Shape::List(of) => {
                // Listings at the top of a result get a few items, nested lists two;
                // errors and warnings none.
                let count = match depth {
                    _ if is_report(name) => 0,
                    0 => 5,
                    1..3 => 2,
                    _ => 0,
                };
                let item = Slot {
                    examples: Vec::new(),
                    ..slot.clone()
                };
                let at = at.item(self.type_name(of));
                Value::Array(
                    (0..count)
                        .map(|i| self.synthesize(of, &item, at, i, depth + 1))
                        .collect(),
                )
            }
            Shape::Map(_) => Value::Object(Map::new()),
            Shape::Struct(_, fields) => {
                let at = at.item(self.type_name(ty));
                let mut out = Map::new();
                for field in fields.iter().filter(|f| !f.optional) {
                    let value = if depth >= 8 {
                        self.zero(&field.ty, depth + 1)
                    } else {
                        let below = at.item(Some(&field.name));
                        self.synthesize(&field.ty, field, below, index, depth + 1)
                    };
                    out.insert(field.name.clone(), value);
                }
                Value::Object(out)
            }
        }
    }

    /// Example `index` (in turn) of a slot, when it has examples that fit `ty`.
    fn example(&self, slot: &Slot, ty: &TypeRef, index: usize) -> Option<Value> {
        if slot.examples.is_empty() {
            return None;
        }
        let value = slot.examples.get(index % slot.examples.len())?.clone();
        let fits = self
            .check_value(ty, &value, slot, &slot.name, false)
            .is_ok();
        fits.then_some(value)
    }

    /// The name of the struct a type refers to, aliases followed.
    fn type_name<'a>(&'a self, ty: &'a TypeRef) -> Option<&'a str> {
        let mut ty = ty;
        for _ in 0..=self.types.len() {
            match ty {
                TypeRef::Name(name) => match self.types.get(name.as_str()) {
                    Some(TypeDef::Alias(of)) => ty = of,
                    Some(_) => return Some(name),
                    None => return None,
                },
                _ => return None,
            }
        }
        None
    }

    /// The value a server fills in for a field nobody set: empty, zero, false, the first
    /// enum value.
    pub fn zero(&self, ty: &TypeRef, depth: usize) -> Value {
        match self.shape(ty) {
            Shape::String => Value::String(String::new()),
            Shape::Boolean => Value::Bool(false),
            Shape::Int32 | Shape::Int64 => json!(0),
            Shape::Double => json!(0.0),
            Shape::Any | Shape::Map(_) => Value::Object(Map::new()),
            Shape::Enum(_, values) => values.first().map_or(Value::Null, |v| v.clone().into()),
            Shape::List(_) => Value::Array(Vec::new()),
            Shape::Struct(_, fields) if depth < 8 => Value::Object(
                fields
                    .iter()
                    .map(|f| (f.name.clone(), self.zero(&f.ty, depth + 1)))
                    .collect(),
            ),
            Shape::Struct(..) => Value::Object(Map::new()),
        }
    }
}

/// Where a made-up value goes: a hash of the out-param and of the item types and fields
/// on the way, from which ids take a range of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place(u64);

impl Place {
    /// The place of an out-param.
    pub fn top(out_param: &str) -> Place {
        Place(fnv(FNV_OFFSET, out_param))
    }

    /// The place below this one, through a type or a field of this name.
    fn item(self, step: Option<&str>) -> Place {
        step.map_or(self, |t| Place(fnv(fnv(self.0, "/"), t)))
    }

    /// The first id of this place's range: a multiple of 100 from 10 000 to 999 900.
    fn id_base(self) -> u64 {
        (self.0 % 9_900 + 100) * 100
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a of `text`, continued from `hash`: stable across runs and platforms.
fn fnv(hash: u64, text: &str) -> u64 {
    text.bytes().fold(hash, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Lists a client reads as problems: made up empty.
fn is_report(name: &str) -> bool {
    matches!(name, "errors" | "warnings")
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

    /// Every listing method whose reply always carries its count (`totalItems` not
    /// optional), taken in name order so that the test is the same on every run.
    #[test]
    fn synthesized_results_are_deterministic_and_count_their_lists() {
        let admin = admin();
        let mut names: Vec<&String> = admin.methods.keys().collect();
        names.sort();
        let mut checked = 0;
        for name in names {
            let method = admin.methods[name];
            let counted = method
                .result
                .iter()
                .any(|r| r.name == "totalItems" && !r.optional);
            if !counted {
                continue;
            }
            let a = admin.synthesize_result(method);
            assert_eq!(a, admin.synthesize_result(method), "{name}");
            let listed: Vec<u64> = a
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| !is_report(k))
                .filter_map(|(_, v)| v.as_array().map(|l| l.len() as u64))
                .collect();
            assert_eq!(listed.len(), 1, "{name}: {a}");
            assert_eq!(a["totalItems"].as_u64(), Some(listed[0]), "{name}: {a}");
            checked += 1;
        }
        assert!(checked > 10, "{checked}");
    }

    #[test]
    fn made_up_replies_report_no_errors_and_leave_optional_members_out() {
        let admin = admin();
        let mut checked = 0;
        for (name, method) in &admin.methods {
            let result = admin.synthesize_result(method);
            for slot in &method.result {
                if slot.optional {
                    assert!(result.get(&slot.name).is_none(), "{name}: {result}");
                }
                if !slot.optional && matches!(slot.name.as_str(), "errors" | "warnings") {
                    assert_eq!(result[&slot.name], json!([]), "{name}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 70, "{checked}");
        let status = &admin.methods["Encryption.getEncryptionStatus"];
        let made_up = admin.synthesize_result(status);
        assert!(made_up.get("action").is_none(), "{made_up}");
    }

    /// The ids of made-up items (the default rule and the listed rules, the items of
    /// different lists) are never shared; references inside items may repeat, as the
    /// same group is a member of several.
    #[test]
    fn made_up_ids_are_unique_across_lists() {
        let admin = admin();
        let item_ids = |m: &str, key: &str| -> Vec<String> {
            let result = admin.synthesize_result(admin.methods[m]);
            match &result[key] {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i["id"].as_str().map(str::to_owned))
                    .collect(),
                one => one["id"].as_str().map(str::to_owned).into_iter().collect(),
            }
        };
        let mut ids = item_ids("TrafficPolicy.get", "list");
        ids.extend(item_ids("TrafficPolicy.getDefaultRule", "rule"));
        for m in [
            "IpAddressGroups.get",
            "TimeRanges.get",
            "UrlGroups.get",
            "Users.get",
        ] {
            ids.extend(item_ids(m, "list"));
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert!(ids.len() > 20, "{ids:?}");
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
    }

    #[test]
    fn made_up_values_come_from_the_examples() {
        let admin = admin();
        let countries = admin.synthesize_result(admin.methods["Geoip.getCountries"]);
        assert_eq!(countries["geoipCountries"][0], "CZ", "{countries}");
        let locations = admin.synthesize_result(admin.methods["Geoip.getLocations"]);
        let codes: Vec<&str> = locations["geoipLocations"]
            .as_array()
            .map(|l| l.iter().filter_map(|g| g["countryCode"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(codes, ["CZ", "DE", "AT", "SK", "PL"]);
        let me = admin.synthesize_result(admin.methods["Users.getMySettings"]);
        assert_eq!(me["settings"]["calculatedLanguage"], "en", "{me}");
        assert_eq!(me["settings"]["roles"], json!(["FullAdmin"]), "{me}");
    }
}
