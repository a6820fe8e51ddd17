//! A program written against kerio-api keeps compiling and working when `cargo xtask regen`
//! widens the spec set: the promise the generated API makes to its users.
//!
//! The test copies the shipped spec set, writes the program of `fixtures/downstream` as a
//! crate of its own that depends on this repository's kerio-api (only the `definitions`
//! group and the mock appliance) and generates it from the copy (`KERIO_API_SPEC_DIR`),
//! builds and runs it against the loopback mock appliance, runs regen on
//! `fixtures/downstream-widening.har` (a synthesized capture that adds an optional param,
//! an out-parameter, a field, an enum value of a type no other product shares, a method
//! and an interface), checks that regen
//! calls every change additive and really wrote it, then builds and runs the same program
//! again, unchanged. The first build is against the copy with the params that became
//! optional while staying arguments (`"positional"`) made required again, as they were
//! when the program's calls of them were written; the second has them as shipped. The
//! examples of the same crate, which use the additions and leave those params out with
//! `None`, are built last, to show the second build saw them.
//!
//! A second program (`fixtures/products`) uses every product: Kerio Connect's
//! administration and client APIs and Kerio Operator's, against mocks of each.
//!
//! The nested cargo works offline with this workspace's Cargo.lock, in this workspace's
//! target folder and with its debug-info setting, so that the dependencies this workspace's
//! build has compiled are reused rather than built again (cargo releases the folder's lock
//! before it runs tests). It cannot be skipped by accident: when cargo cannot run, the test fails, unless
//! `KERIO_SKIP_DOWNSTREAM=1` asks to skip it outside CI, which it then says on stderr.

mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use support::*;

const SKIP_VAR: &str = "KERIO_SKIP_DOWNSTREAM";
const PROGRAM: &str = "kerio-downstream";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace folder")
}

/// This workspace's target folder (the parent of `CARGO_TARGET_TMPDIR`).
fn nested_target() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// The cargo running this test (cargo sets `CARGO` for test binaries), else the one on
/// `PATH`. `None` when it cannot run and skipping was asked for outside CI.
fn cargo_or_skip() -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
    let works = Command::new(&cargo)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(cargo);
    }
    let why = format!("`{} --version` does not run", cargo.display());
    let in_ci = std::env::var_os("CI").is_some();
    if std::env::var_os(SKIP_VAR).is_some_and(|v| v == "1") && !in_ci {
        // Straight to the process's stderr: the test harness would hide a print of a test
        // that passes.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: the downstream test did NOT run ({why}; {SKIP_VAR}=1) ***\n"
        );
        return None;
    }
    panic!(
        "the downstream test needs cargo: {why}. Outside CI, {SKIP_VAR}=1 skips it (and says so)."
    );
}

/// Writes the program of `fixtures/<name>` into `<fixture>/<name>`, depending on this
/// workspace's kerio-api and locked like this workspace.
fn write_app(fx: &Fixture, name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let app = fx.path(name);
    for dir in ["src", "examples"] {
        if src.join(dir).is_dir() {
            copy_dir(&src.join(dir), &app.join(dir));
        }
    }
    let manifest = std::fs::read_to_string(src.join("Cargo.toml.in")).expect("manifest");
    let kerio_api = workspace().join("kerio-api");
    let kerio_api = kerio_api.to_str().expect("a UTF-8 path");
    std::fs::write(
        app.join("Cargo.toml"),
        manifest.replace("@KERIO_API@", &kerio_api.replace('\\', "/")),
    )
    .expect("write Cargo.toml");
    std::fs::copy(workspace().join("Cargo.lock"), app.join("Cargo.lock")).expect("Cargo.lock");
    app
}

/// `cargo build --offline` of the program with `targets` (`--bins`, `--examples`),
/// generating kerio-api from `specs`; panics with cargo's output when it fails.
fn build(cargo: &Path, app: &Path, specs: &Path, what: &str, targets: &str) {
    let started = Instant::now();
    let out = Command::new(cargo)
        .current_dir(app)
        .args(["build", "--offline", "--quiet", targets])
        .arg("--target-dir")
        .arg(nested_target())
        .env("KERIO_API_SPEC_DIR", specs)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{what}: the program does not build:\n{stderr}"
    );
    eprintln!("{what}: built in {:.1} s", started.elapsed().as_secs_f64());
}

/// Runs a built program of the crate (`binary` below `target/debug`, without the
/// executable suffix); panics with its output when it fails. Returns its stdout.
fn run(binary: &str, what: &str) -> String {
    let path = nested_target()
        .join("debug")
        .join(format!("{binary}{}", std::env::consts::EXE_SUFFIX));
    let out = Command::new(&path).output().expect("the program runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what}: {} failed:\n{stdout}{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// What the program prints, without the count of entries (the mock makes some up, and
/// how many depends on the spec).
fn printed(stdout: &str, what: &str) -> Vec<String> {
    let lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{what}: {stdout}");
    assert_eq!(lines[0], "printers: host, network", "{what}");
    let (prefix, count) = lines[1].rsplit_once(": ").expect("a count");
    assert_eq!(
        prefix, "entries listed alike by the handle, Session::call and a batch",
        "{what}"
    );
    assert!(
        count.parse::<u32>().is_ok_and(|n| n >= 2),
        "{what}: {stdout}"
    );
    vec![lines[0].clone(), prefix.to_owned()]
}

/// What the widening capture adds, as regen's summary lists it.
const LEARNED: [&str; 8] = [
    "  new interface  ThreatFeeds",
    "  new method     IpAddressGroups.getUsage",
    "  new method     ThreatFeeds.get",
    "  new param      IpAddressGroups.get → revision: int64",
    "  new param      IpAddressGroups.get(includeShared: boolean)",
    "  new field      IpAddressEntry.expiresAt: string",
    "  new value      UrlEntryType: UrlDomain",
    "  new type       Feed",
];

fn regen_widens_the_copy(fx: &Fixture) {
    let capture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/downstream-widening.har");
    let before = fx.snapshot();
    // `--check`: the specs would change (1), and no change is breaking (that would be 3).
    let run = regen(fx, &["--check"], &[&capture]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for line in LEARNED {
        assert!(
            run.stdout.lines().any(|l| l == line),
            "`{line}` missing from\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("admin: learned from 4 calls")
                && l.ends_with(", 0 items for review")),
        "{}",
        run.stdout
    );
    let compat: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("for users of the generated API"))
        .collect();
    assert_eq!(
        compat,
        ["admin: for users of the generated API: 7 additive, 0 breaking"],
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("breaking   "), "{}", run.stdout);
    assert_eq!(fx.snapshot(), before, "--check wrote something");

    let run = regen(fx, &[], &[&capture]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("wrote 3 spec files:\n  control-admin/interfaces/IpAddressGroups.json\n  control-admin/interfaces/UrlGroups.json\n  control-admin/interfaces/ThreatFeeds.json (new)\n"),
        "{}",
        run.stdout
    );
    let groups = fx.spec("control-admin/interfaces/IpAddressGroups.json");
    let get = &groups["interfaces"]["IpAddressGroups"]["methods"]["get"];
    assert!(
        get["params"]
            .as_array()
            .expect("params")
            .iter()
            .any(|p| p["name"] == "includeShared" && p["optional"] == true),
        "{get}"
    );
    let feeds = fx.spec("control-admin/interfaces/ThreatFeeds.json");
    assert!(feeds["interfaces"]["ThreatFeeds"].get("group").is_none());
    let run = regen(fx, &["--check"], &[&capture]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("the spec set is up to date"),
        "{}",
        run.stdout
    );
}

/// Marks of params that became optional while staying arguments, as the canonical layout
/// writes them.
const KEPT_POSITIONAL: &str = r#", "optional": true, "positional": true"#;

/// Turns the copy's params that became optional and positional back into required ones:
/// the spec set as it was when code called them with a value. Returns the files changed,
/// each with its shipped text.
fn as_when_required(fx: &Fixture) -> Vec<(PathBuf, String)> {
    let mut changed = Vec::new();
    let mut stack = vec![fx.specs()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("spec folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("spec file");
                if text.contains(KEPT_POSITIONAL) {
                    std::fs::write(&path, text.replace(KEPT_POSITIONAL, "")).expect("write");
                    changed.push((path, text));
                }
            }
        }
    }
    assert!(
        !changed.is_empty(),
        "no positional param in the shipped spec set"
    );
    changed
}

#[test]
fn a_program_built_against_kerio_api_survives_a_widening_regen() {
    let Some(cargo) = cargo_or_skip() else {
        return;
    };
    let started = Instant::now();
    let fx = Fixture::shipped();
    let app = write_app(&fx, "downstream");

    // First against the spec set as it was when `sortByGroup` and `scopeIds` were
    // required: the program's calls of them are those of that time.
    let shipped = as_when_required(&fx);
    build(&cargo, &app, &fx.specs(), "before regen", "--bins");
    let before = printed(&run(PROGRAM, "before regen"), "before regen");

    regen_widens_the_copy(&fx);
    // Then the shipped spec set, where they may be left out, widened by regen.
    for (path, text) in shipped {
        std::fs::write(path, text).expect("restore a spec file");
    }

    // The same program, unchanged, against kerio-api generated from the widened copy.
    build(&cargo, &app, &fx.specs(), "after regen", "--bins");
    let after = printed(&run(PROGRAM, "after regen"), "after regen");
    assert_eq!(after, before);

    // The additions reached the generated API and the mock: a program that uses them
    // builds and runs.
    build(&cargo, &app, &fx.specs(), "the additions", "--examples");
    let widened = run("examples/widened", "the additions");
    assert!(
        widened.contains("created entry listed: true, expires 2027-01-01\n"),
        "{widened}"
    );
    assert!(widened.contains("revision "), "{widened}");
    assert!(
        widened.contains("UrlDomain entry listed: true\n"),
        "{widened}"
    );
    // And `None` leaves the params out.
    let left_out = run("examples/left_out", "the params left out");
    assert_eq!(left_out, "left out: true\n");
    eprintln!("downstream test: {:.1} s", started.elapsed().as_secs_f64());
}

/// The done-when of the products: a program outside the workspace logs into a Kerio
/// Connect administration mock and lists the users of a domain with a `SearchQuery` built
/// as for Kerio Control (the same function gives the query Control takes), into a Kerio
/// Connect client mock and lists folders, and into a Kerio Operator mock and lists
/// extensions, each result typed.
#[test]
fn a_program_outside_the_workspace_speaks_every_product() {
    let Some(cargo) = cargo_or_skip() else {
        return;
    };
    let started = Instant::now();
    let fx = Fixture::shipped();
    let app = write_app(&fx, "products");
    build(&cargo, &app, &fx.specs(), "products", "--bins");
    let out = run("kerio-products", "products");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    let counted = |line: &str, prefix: &str, suffix: &str| {
        let rest = line
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("`{line}` does not start with `{prefix}`"));
        let n = rest.split(' ').next().unwrap_or_default();
        assert!(n.parse::<u32>().is_ok_and(|n| n > 0), "{line}");
        assert!(line.ends_with(suffix), "{line}");
    };
    counted(lines[0], "connect admin: ", "typed: true");
    assert!(lines[0].contains(" users in domain "), "{out}");
    counted(lines[1], "connect client: ", "named");
    counted(lines[2], "operator: ", "with a number");
    counted(lines[3], "control: ", "address group entries");
    eprintln!("products test: {:.1} s", started.elapsed().as_secs_f64());
}
