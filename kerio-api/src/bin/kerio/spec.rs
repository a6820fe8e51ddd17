//! The spec set as the command line reads it: views over kerio-api's model of the spec
//! description (`kerio_api::dynamic::description`), which adds the interfaces in order
//! with their docs and each method's wire name, built once for the life of the process.

use std::ops::Deref;
use std::sync::OnceLock;

use kerio_api::dynamic::description::{ApiDescription, MethodDescription, description};
pub use kerio_api::dynamic::description::{Shape, Slot, TypeRef};

/// A method of an API, with the names the command line shows.
#[derive(Debug)]
pub struct MethodSpec {
    /// `Interface.method`, as sent.
    pub wire: String,
    /// The method's wire name (after the dot).
    pub name: String,
    /// What the description says of it.
    pub description: &'static MethodDescription,
}

impl Deref for MethodSpec {
    type Target = MethodDescription;

    fn deref(&self) -> &MethodDescription {
        self.description
    }
}

/// An interface and its methods, in name order.
#[derive(Debug)]
pub struct InterfaceSpec {
    pub name: String,
    pub doc: Option<String>,
    pub methods: Vec<MethodSpec>,
}

/// One API of the spec set: its description (manifest name as `--api` takes it, title,
/// product, the Cargo feature that compiles it, path, types) and its interfaces in name
/// order.
#[derive(Debug)]
pub struct ApiSpec {
    pub description: &'static ApiDescription,
    pub interfaces: Vec<InterfaceSpec>,
}

impl Deref for ApiSpec {
    type Target = ApiDescription;

    fn deref(&self) -> &ApiDescription {
        self.description
    }
}

/// Every API of the spec set, in name order.
pub fn apis() -> Result<&'static [ApiSpec], String> {
    static APIS: OnceLock<Result<Vec<ApiSpec>, String>> = OnceLock::new();
    APIS.get_or_init(|| {
        let parsed =
            description().map_err(|e| format!("the built-in spec description is invalid: {e}"))?;
        Ok(parsed.apis.iter().map(view).collect())
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(Clone::clone)
}

fn view(api: &'static ApiDescription) -> ApiSpec {
    let interfaces = api
        .interfaces
        .iter()
        .map(|(iface, methods)| InterfaceSpec {
            doc: api.docs.get(iface).cloned(),
            methods: methods
                .iter()
                .map(|(name, m)| MethodSpec {
                    wire: format!("{iface}.{name}"),
                    name: name.clone(),
                    description: m,
                })
                .collect(),
            name: iface.clone(),
        })
        .collect();
    ApiSpec {
        description: api,
        interfaces,
    }
}

/// The API named `name`.
pub fn api(name: &str) -> Result<&'static ApiSpec, String> {
    let apis = apis()?;
    apis.iter().find(|a| a.name == name).ok_or_else(|| {
        let names: Vec<&str> = apis.iter().map(|a| a.name.as_str()).collect();
        format!(
            "there is no API `{name}`; the spec set has {}",
            names.join(", ")
        )
    })
}

/// The API a command uses when `--api` does not say: the administration API of the
/// appliance's product (the API of that product whose name is `admin` or ends in
/// `-admin`), else `admin`, else the first.
pub fn default_api(product: Option<&str>) -> Result<&'static ApiSpec, String> {
    let apis = apis()?;
    let is_admin = |a: &ApiSpec| a.name == "admin" || a.name.ends_with("-admin");
    let of_product = product.and_then(|p| {
        apis.iter()
            .find(|a| a.product.as_deref() == Some(p) && is_admin(a))
    });
    of_product
        .or_else(|| apis.iter().find(|a| a.name == "admin"))
        .or_else(|| apis.first())
        .ok_or_else(|| "the spec set has no API".to_owned())
}

impl ApiSpec {
    /// Whether this kerio was built with the API (its feature on), so that it can call
    /// it; the description holds every API of the spec set either way.
    pub fn is_compiled(&self) -> bool {
        kerio_api::dynamic::API_NAMES.contains(&self.name.as_str())
    }

    /// Why the API cannot be called by this kerio, when it cannot: names the Cargo
    /// feature to build it with.
    pub fn not_compiled(&self) -> Option<String> {
        if self.is_compiled() {
            return None;
        }
        let title = self.title.as_deref().unwrap_or(&self.name);
        Some(match &self.feature {
            Some(feature) => format!(
                "the `{}` API ({title}) is not compiled into this kerio: build kerio with the \
                 Cargo feature `{feature}` (cargo install kerio-api --features cli,{feature})",
                self.name
            ),
            None => format!(
                "the `{}` API ({title}) is not compiled into this kerio",
                self.name
            ),
        })
    }

    /// Whether a change on this API can be applied with cut-off prevention (both
    /// roles in its spec), as the generator decides it.
    pub fn confirmable(&self) -> bool {
        self.role("configTimestamp").is_some() && self.role("confirmConfig").is_some()
    }

    /// Every method, interface by interface.
    pub fn methods(&self) -> impl Iterator<Item = &MethodSpec> {
        self.interfaces.iter().flat_map(|i| i.methods.iter())
    }

    /// The method called `Interface.method`.
    pub fn method(&self, wire: &str) -> Option<&MethodSpec> {
        self.methods().find(|m| m.wire == wire)
    }

    /// The method with a role (`login`, `logout`, `batch`...).
    pub fn role(&self, role: &str) -> Option<&MethodSpec> {
        self.methods().find(|m| m.role.as_deref() == Some(role))
    }

    /// What a value of the type is, for help texts and errors: `an integer (int32)`,
    /// `a SearchQuery object`, `a list of IpAddressEntry`, `one of Asc, Desc`.
    pub fn expected(&self, ty: &TypeRef) -> String {
        match self.shape(ty) {
            Shape::String => "a string".into(),
            Shape::Boolean => "a boolean (true or false)".into(),
            Shape::Int32 => "an integer (int32)".into(),
            Shape::Int64 => "an integer (int64)".into(),
            Shape::Double => "a number".into(),
            Shape::Any => "any JSON value".into(),
            Shape::Struct(name, _) => format!("a {name} object"),
            Shape::Enum(name, values) => format!("a {name}: one of {}", values.join(", ")),
            Shape::List(of) => format!("a list of {}", self.name_of(of)),
            Shape::Map(of) => format!("an object of {} by name", self.name_of(of)),
        }
    }

    /// A type's name as the spec gives it: `SearchQuery`, `list of KId`, `int32`.
    pub fn name_of(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Name(name) => name.clone(),
            TypeRef::List { list } => format!("list of {}", self.name_of(list)),
            TypeRef::Map { map } => format!("map of {}", self.name_of(map)),
        }
    }

    /// Whether values of the type are given as plain text on the command line (strings
    /// and enums), not as JSON.
    pub fn is_text(&self, ty: &TypeRef) -> bool {
        matches!(self.shape(ty), Shape::String | Shape::Enum(..))
    }
}

/// The first paragraph of a doc text, on one line: what a help line shows.
pub fn summary(doc: Option<&str>) -> Option<String> {
    let first = doc?.split("\n\n").next()?.trim();
    (!first.is_empty()).then(|| first.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The first sentence of a doc text: what a list of commands shows.
pub fn first_sentence(doc: Option<&str>) -> Option<String> {
    let text = summary(doc)?;
    Some(match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text,
    })
}

/// The doc text without its `Source: ...` paragraphs (evidence notes for maintainers).
pub fn without_sources(doc: &str) -> String {
    doc.split("\n\n")
        .filter(|p| !p.trim_start().starts_with("Source"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_has_its_roles_and_methods() {
        let admin = api("admin").expect("admin");
        assert!(admin.role("login").is_some());
        assert!(admin.role("batch").is_some());
        assert!(admin.methods().count() > 100);
        let get = admin.method("ActiveHosts.get").expect("ActiveHosts.get");
        assert_eq!(get.name, "get");
        assert!(get.paging.is_some());
        assert!(api("nope").unwrap_err().contains("admin"));
        assert_eq!(default_api(None).expect("default").name, "admin");
        assert_eq!(default_api(Some("nothing")).expect("default").name, "admin");
        assert!(admin.is_compiled() && admin.not_compiled().is_none());
        assert!(admin.confirmable());
        let connect = api("connect-admin").expect("connect-admin");
        assert_eq!(connect.feature.as_deref(), Some("connect-admin"));
        assert_eq!(
            default_api(Some("connect")).expect("default").name,
            "connect-admin"
        );
        assert_eq!(
            default_api(Some("operator")).expect("default").name,
            "operator-admin"
        );
        assert!(
            !connect.confirmable(),
            "Kerio Connect has no cut-off prevention"
        );
        assert!(
            connect
                .method("Init.setHostname")
                .expect("Init.setHostname")
                .sessionless
        );
        assert_eq!(connect.is_compiled(), cfg!(feature = "connect-admin"));
        if !connect.is_compiled() {
            let why = connect.not_compiled().expect("a reason");
            assert!(why.contains("feature `connect-admin`"), "{why}");
        }
        let refresh = &admin
            .method("ActiveHosts.get")
            .and_then(|m| m.paging.as_ref());
        assert_eq!(
            refresh.map(|p| p.first_page_only.clone()),
            Some(vec!["refresh".to_owned()])
        );
    }

    #[test]
    fn docs_are_summarised_without_sources() {
        assert_eq!(
            summary(Some("Lists the\n hosts.\n\nMore.")).as_deref(),
            Some("Lists the hosts.")
        );
        assert_eq!(without_sources("A.\n\nSource: x.\n\nB."), "A.\n\nB.");
    }
}
