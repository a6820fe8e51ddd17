//! Generates the typed API from the spec set (`api-spec` beside this file, a link to the
//! workspace's spec set packaged with the crate, or the folder
//! named by `KERIO_API_SPEC_DIR`) into `$OUT_DIR/generated.rs`, which `src/lib.rs`
//! includes, and tells hand-written code which generated types are compiled
//! (`cfg(kerio_type = "admin::SearchQuery")`).

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
    // The mock appliance interprets a description of the same specs at run time.
    if std::env::var_os("CARGO_FEATURE_MOCK").is_some() {
        let description = match kerio_codegen::describe::describe(&apis) {
            Ok(text) => text,
            Err(diags) => {
                build::print_errors(&diags);
                return ExitCode::FAILURE;
            }
        };
        if !build::write_out_file("mock_spec.json", &description) {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
