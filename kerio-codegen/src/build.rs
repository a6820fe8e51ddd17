//! For build scripts that generate from a spec set (kerio-api's, kerio-macros').

use std::path::{Path, PathBuf};

use crate::Diagnostics;
use crate::spec::Api;

/// Environment variable naming another spec root than the default.
pub const SPEC_DIR_VAR: &str = "KERIO_API_SPEC_DIR";

/// Loads every API of the spec root (`KERIO_API_SPEC_DIR`, else `default_root`) and tells
/// cargo to run the build script again when a file of an API folder changes (cargo scans
/// a folder recursively). Problems are printed as `cargo::error` lines; `None` then.
pub fn load_specs(default_root: &Path) -> Option<Vec<Api>> {
    println!("cargo::rerun-if-env-changed={SPEC_DIR_VAR}");
    let root =
        std::env::var_os(SPEC_DIR_VAR).map_or_else(|| default_root.to_owned(), PathBuf::from);
    match std::fs::read_dir(&root) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.join("api.json").is_file() {
                    println!("cargo::rerun-if-changed={}", path.display());
                }
            }
        }
        Err(e) => {
            println!(
                "cargo::error=cannot read the spec folder {}: {e}",
                root.display()
            );
            return None;
        }
    }
    println!("cargo::rerun-if-changed={}", root.display());
    match crate::load::load_root(&root) {
        Ok(apis) => Some(apis),
        Err(diags) => {
            print_errors(&diags);
            None
        }
    }
}

/// Prints diagnostics as `cargo::error` lines, which cargo shows with the failed build.
pub fn print_errors(diags: &Diagnostics) {
    for d in diags.iter() {
        for line in d.to_string().lines() {
            println!("cargo::error={line}");
        }
    }
}

/// Writes `contents` to `path` unless the file holds exactly that already, so that what
/// depends on the file is not rebuilt for nothing. True when the file was written.
pub fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<bool> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(false);
    }
    std::fs::write(path, contents)?;
    Ok(true)
}

/// Writes a file of the build script's `OUT_DIR` with [`write_if_changed`]; a problem is
/// printed as a `cargo::error` line and gives false.
pub fn write_out_file(name: &str, contents: &str) -> bool {
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo::error=OUT_DIR is not set; run this build script through cargo");
        return false;
    };
    let out = PathBuf::from(out_dir).join(name);
    match write_if_changed(&out, contents) {
        Ok(_) => true,
        Err(e) => {
            println!("cargo::error=cannot write {}: {e}", out.display());
            false
        }
    }
}

/// The Cargo features enabled for the package being built, as cargo tells its build
/// script (`CARGO_FEATURE_<NAME>` variables), lowercase with `_` for `-`.
pub fn enabled_features() -> std::collections::BTreeSet<String> {
    std::env::vars_os()
        .filter_map(|(key, _)| {
            key.to_str()?
                .strip_prefix("CARGO_FEATURE_")
                .map(str::to_lowercase)
        })
        .collect()
}

/// Name of the cfg that tells hand-written code which generated types are compiled:
/// `#[cfg(kerio_type = "admin::SearchQuery")]` holds when the enabled Cargo features
/// compile type `SearchQuery` of the API whose module is `admin`
/// (`connect::admin::SearchQuery` for `kerio_api::connect::admin`), and
/// `#[cfg(kerio_type = "shared::SearchQuery")]` when they compile the one type several
/// APIs share.
pub const TYPE_CFG: &str = "kerio_type";

/// Prints a `cargo::rustc-cfg` line of [`TYPE_CFG`] for every type of `apis` that the
/// Cargo features enabled for this build compile (read from `CARGO_FEATURE_*`), so that
/// hand-written code built on a generated type is compiled exactly when the type is.
pub fn print_type_cfgs(apis: &[Api]) {
    println!("cargo::rustc-check-cfg=cfg({TYPE_CFG}, values(any()))");
    let enabled = |feature: &str| {
        let var = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
        std::env::var_os(var).is_some()
    };
    for api in apis {
        // An API that does not validate fails generation, which reports why.
        let Ok(features) = crate::type_features(api) else {
            continue;
        };
        for (name, set) in features {
            if set.is_empty() || set.iter().any(|f| enabled(f)) {
                println!(
                    "cargo::rustc-cfg={TYPE_CFG}=\"{}::{name}\"",
                    api.manifest.module_path()
                );
            }
        }
    }
    for (name, set) in crate::shared_type_features(apis) {
        if set.is_empty() || set.iter().any(|f| enabled(f)) {
            println!("cargo::rustc-cfg={TYPE_CFG}=\"shared::{name}\"");
        }
    }
}
