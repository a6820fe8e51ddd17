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
