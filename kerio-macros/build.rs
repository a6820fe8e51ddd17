//! Embeds what the macros must know about the APIs kerio-api ships
//! ([`kerio_codegen::base::BaseApi`]: each API's manifest, type names, aliases and
//! interfaces with the methods callable through their handles), read from the same spec
//! set kerio-api is generated from (`api-spec` beside this file, a link to the workspace's
//! spec set packaged with the crate, or the folder named by
//! `KERIO_API_SPEC_DIR`), so a downstream crate needs no spec files at compile time.
//! Written to `$OUT_DIR/base_apis.json` in the format `BaseApi` owns.

use std::path::PathBuf;
use std::process::ExitCode;

use kerio_codegen::base::BaseApi;
use kerio_codegen::build;

fn main() -> ExitCode {
    let default_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("api-spec");
    let Some(apis) = build::load_specs(&default_root) else {
        return ExitCode::FAILURE;
    };
    if !apis.iter().any(|a| a.manifest.name == "admin") {
        println!("cargo::error=the spec set has no `admin` API");
        return ExitCode::FAILURE;
    }
    let mut bases: Vec<BaseApi> = apis.iter().map(BaseApi::of).collect();
    bases.sort_by(|a, b| a.name.cmp(&b.name));
    if build::write_out_file("base_apis.json", &BaseApi::to_json(&bases)) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
