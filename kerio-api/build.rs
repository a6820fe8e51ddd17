//! Generates the typed API from the spec set (`api-spec` beside this file, a link to the
//! workspace's spec set packaged with the crate, or the folder
//! named by `KERIO_API_SPEC_DIR`) into `$OUT_DIR/generated.rs`, which `src/lib.rs`
//! includes, and tells hand-written code which generated types are compiled
//! (`cfg(kerio_type = "admin::SearchQuery")`); `$OUT_DIR/api_paths.rs` lists every API
//! endpoint path for the client's base-URL check.

use std::path::PathBuf;
use std::process::ExitCode;

use kerio_codegen::build;

fn main() -> ExitCode {
    let default_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("api-spec");
    let Some(apis) = build::load_specs(&default_root) else {
        return ExitCode::FAILURE;
    };
    build::print_type_cfgs(&apis);
    // Only the APIs this build compiles are generated: a Control build does not pay for
    // the code of the other products.
    let options = kerio_codegen::Options {
        enabled_features: Some(build::enabled_features()),
        ..kerio_codegen::Options::kerio_api()
    };
    let source = match kerio_codegen::generate(&apis, &options) {
        Ok(source) => source,
        Err(diags) => {
            build::print_errors(&diags);
            return ExitCode::FAILURE;
        }
    };
    if !build::write_out_file("generated.rs", &source) {
        return ExitCode::FAILURE;
    }
    // Every endpoint path the specs declare, whatever the features: the client knows a
    // base URL that ends in one (what a browser shows) from a reverse proxy's prefix.
    let mut paths: Vec<&str> = apis
        .iter()
        .flat_map(|a| {
            std::iter::once(a.manifest.path.as_str())
                .chain(a.manifest.alternative_paths.iter().map(String::as_str))
        })
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let api_paths = format!(
        "{}/// Every endpoint path of the APIs generated from the spec set.\npub(crate) const API_PATHS: &[&str] = &{paths:?};\n",
        kerio_codegen::HEADER
    );
    if !build::write_out_file("api_paths.rs", &api_paths) {
        return ExitCode::FAILURE;
    }
    // The mock appliance and the command line interpret a description of the same specs
    // at run time.
    if ["CARGO_FEATURE_MOCK", "CARGO_FEATURE_CLI"]
        .iter()
        .any(|feature| std::env::var_os(feature).is_some())
    {
        let description = match kerio_codegen::describe::describe(&apis) {
            Ok(text) => text,
            Err(diags) => {
                build::print_errors(&diags);
                return ExitCode::FAILURE;
            }
        };
        if !build::write_out_file("spec_description.json", &description) {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
