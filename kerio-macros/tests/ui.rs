//! UI tests of the macros (trybuild). Passing cases compile and run against the loopback
//! appliance of kerio-api's tests; failing cases pin every diagnostic (`.stderr` files,
//! rewritten with `TRYBUILD=overwrite`).

use std::path::{Path, PathBuf};

#[test]
fn ui() {
    stage_specs();
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

/// trybuild builds the cases as a crate of its own in `<target>/tests/trybuild/<crate>`,
/// which is then their `CARGO_MANIFEST_DIR`; `include_spec!` paths are relative to it. So
/// the fixture specs are copied to the same relative place there (fresh each run).
fn stage_specs() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp");
    let project = target
        .join("tests")
        .join("trybuild")
        .join(env!("CARGO_PKG_NAME"));
    let staged = project.join("tests").join("ui").join("specs");
    if staged.exists() {
        std::fs::remove_dir_all(&staged).expect("remove the previously staged specs");
    }
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/specs"),
        &staged,
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the staged spec folder");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(from)
        .expect("read the fixture specs")
        .map(|e| e.expect("read a fixture entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().expect("a file name");
        if path.is_dir() {
            copy_dir(&path, &to.join(name));
        } else {
            std::fs::copy(&path, to.join(name)).expect("copy a fixture spec");
        }
    }
}
