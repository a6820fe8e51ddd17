//! Generates the typed API from the spec set (`../api-spec`, or the folder named by
//! `KERIO_API_SPEC_DIR`) into `$OUT_DIR/generated.rs`, which `src/lib.rs` includes.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let default_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let Some(apis) = kerio_codegen::build::load_specs(&default_root) else {
        return ExitCode::FAILURE;
    };
    hand_written_cfgs(&apis);
    let source = match kerio_codegen::generate(&apis, &kerio_codegen::Options::kerio_api()) {
        Ok(source) => source,
        Err(diags) => {
            kerio_codegen::build::print_errors(&diags);
            return ExitCode::FAILURE;
        }
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo::error=OUT_DIR is not set; run this build script through cargo");
        return ExitCode::FAILURE;
    };
    let out_dir = PathBuf::from(out_dir);
    // The mock appliance interprets a description of the same specs at run time.
    let description = match std::env::var_os("CARGO_FEATURE_MOCK") {
        Some(_) => match kerio_codegen::describe::describe(&apis) {
            Ok(text) => Some(text),
            Err(diags) => {
                kerio_codegen::build::print_errors(&diags);
                return ExitCode::FAILURE;
            }
        },
        None => None,
    };
    let outputs = [
        ("generated.rs", Some(source)),
        ("mock_spec.json", description),
    ];
    for (name, text) in outputs {
        let Some(text) = text else { continue };
        let out = out_dir.join(name);
        // Leave the file alone when nothing changed, so dependent builds stay fresh.
        if std::fs::read_to_string(&out).ok().as_deref() != Some(text.as_str())
            && let Err(e) = std::fs::write(&out, text)
        {
            println!("cargo::error=cannot write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Hand-written code built on generated types (the `SearchQuery` builder) is compiled
/// exactly when the generated type is: `cfg(kerio_search_query)`.
fn hand_written_cfgs(apis: &[kerio_codegen::spec::Api]) {
    println!("cargo::rustc-check-cfg=cfg(kerio_search_query)");
    let Some(admin) = apis.iter().find(|a| a.manifest.name == "admin") else {
        return;
    };
    let Ok(features) = kerio_codegen::type_features(admin) else {
        return;
    };
    let enabled = |feature: &str| {
        let var = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
        std::env::var_os(var).is_some()
    };
    if let Some(set) = features.get("SearchQuery")
        && (set.is_empty() || set.iter().any(|f| enabled(f)))
    {
        println!("cargo::rustc-cfg=kerio_search_query");
    }
}
