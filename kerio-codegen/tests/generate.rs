//! Generated code: snapshots of a small fixture API, determinism, and the shipped specs.

use std::path::{Path, PathBuf};

use kerio_codegen::spec::Source;
use kerio_codegen::{Options, generate, load};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small")
}

fn fixture_sources() -> Vec<Source> {
    let mut diags = kerio_codegen::Diagnostics::default();
    let sources = load::read_json_files(&fixture(), &mut diags);
    assert!(diags.is_empty(), "{diags}");
    sources
}

/// The fixture exercises every feature; kerio-api compiles this snapshot with
/// `#[deny(warnings)]` and tests its behaviour (`kerio-api/src/fixture.rs`).
#[test]
fn small_api_snapshot() {
    let api = load::load_dir(&fixture()).unwrap_or_else(|d| panic!("{d}"));
    let code = generate(&[api], &Options::kerio_api()).unwrap_or_else(|d| panic!("{d}"));
    expect_test::expect_file!["snapshots/demo.rs"].assert_eq(&code);
}

#[test]
fn output_does_not_depend_on_file_order() {
    let sources = fixture_sources();
    let forward = load::load_sources(sources.clone()).unwrap();
    let mut reversed_sources = sources.clone();
    reversed_sources.reverse();
    let reversed = load::load_sources(reversed_sources).unwrap();
    let mut rotated_sources = sources;
    rotated_sources.rotate_left(1);
    let rotated = load::load_sources(rotated_sources).unwrap();
    let opts = Options::kerio_api();
    let a = generate(&[forward], &opts).unwrap();
    assert_eq!(a, generate(&[reversed], &opts).unwrap());
    assert_eq!(a, generate(&[rotated], &opts).unwrap());
}

#[test]
fn shipped_specs_generate_deterministically() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let mut apis = load::load_root(&root).unwrap_or_else(|d| panic!("{d}"));
    let opts = Options::kerio_api();
    let first = generate(&apis, &opts).unwrap_or_else(|d| panic!("{d}"));
    apis.reverse();
    for api in &mut apis {
        api.interfaces.reverse();
        api.types.reverse();
    }
    let second = generate(&apis, &opts).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        first == second,
        "output changed with the order of the specs"
    );
    assert!(first.contains("pub mod admin {"));
    assert!(first.contains("pub mod active_hosts {"));
}

#[test]
fn features_follow_the_interfaces_that_reach_a_type() {
    let api = load::load_dir(&fixture()).unwrap();
    let code = generate(&[api], &Options::kerio_api()).unwrap();
    // `Query` is shared but only `Things` (group `status`) reaches it.
    assert!(
        code.contains("#[cfg(feature = \"status\")]\n        /// A partial query.")
            || code.contains("#[cfg(feature = \"status\")]\n    pub use self::common::Query;"),
        "{code}"
    );
    let no_features = generate(
        &[load::load_dir(&fixture()).unwrap()],
        &Options {
            features: false,
            ..Options::kerio_api()
        },
    )
    .unwrap();
    assert!(!no_features.contains("feature = \"status\""));
}

#[test]
fn colliding_generated_names_are_reported() {
    let api = r#"{"api": {"name": "demo", "path": "/a/", "port": 4081}, "interfaces": {
      "Things": {"methods": {
        "get": {"params": [], "result": [{"name": "a", "type": "int64"}, {"name": "b", "type": "int64"}]}
      }},
      "Call": {"methods": {"get": {"params": [], "result": []}}}
    }, "types": {"Demo": {"kind": "alias", "of": "string"}}}"#;
    let mut sources = vec![Source::new("api.json", api)];
    sources.push(Source::new(
        "interfaces/Things.json",
        r#"{"types": {"GetResult": {"kind": "alias", "of": "string"}}}"#,
    ));
    let api = load::load_sources(sources).unwrap();
    let err = generate(&[api], &Options::kerio_api())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("has the name of the API marker type `Demo`"),
        "{err}"
    );
    assert!(
        err.contains("interface `Call` would become `session.call()`"),
        "{err}"
    );
}
