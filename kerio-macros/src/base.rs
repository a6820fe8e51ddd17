//! The APIs kerio-api ships, as the build script embedded them
//! ([`kerio_codegen::base::BaseApi`], what an extension must know of the API it extends).

use std::sync::LazyLock;

pub(crate) use kerio_codegen::base::BaseApi;

/// Every shipped API, sorted by name. The build script wrote the JSON with the same
/// version of kerio-codegen, so reading it back cannot fail short of a corrupt build.
static BASE_APIS: LazyLock<Vec<BaseApi>> = LazyLock::new(|| {
    BaseApi::from_json(include_str!(concat!(env!("OUT_DIR"), "/base_apis.json")))
        .unwrap_or_default()
});

/// Never used: the build script fails when the spec set has no `admin` API.
static ADMIN_FALLBACK: LazyLock<BaseApi> = LazyLock::new(|| BaseApi {
    name: "admin".into(),
    module: vec!["admin".into()],
    feature: None,
    product: None,
    title: None,
    doc: None,
    path: "/admin/api/jsonrpc/".into(),
    alternative_paths: Vec::new(),
    port: 4081,
    types: Default::default(),
    aliases: Default::default(),
    interfaces: Default::default(),
});

/// The shipped API of a given name.
pub(crate) fn find(name: &str) -> Option<&'static BaseApi> {
    BASE_APIS.iter().find(|a| a.name == name)
}

/// The API to assume when none is named correctly: the Administration API (the build
/// script guarantees that it exists).
pub(crate) fn fallback() -> &'static BaseApi {
    find("admin").unwrap_or(&ADMIN_FALLBACK)
}

/// The names of all shipped APIs, for "expected one of".
pub(crate) fn names() -> String {
    let names: Vec<String> = BASE_APIS.iter().map(|a| format!("`{}`", a.name)).collect();
    names.join(", ")
}
