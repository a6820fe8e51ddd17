//! Project tasks: `regen` (learn the spec set from captures), `sanitize` (a shareable
//! capture), `bench-regen`, `coverage`, `verify` (captures against the generated types),
//! `mock` (serve the mock appliance to other programs).
//!
//! Capture learning itself is [`kerio_codegen::learn`]; this binary is its command line.
//! It does not depend on kerio-api, so a spec set whose generated code does not compile
//! never blocks the tool that repairs it: `verify`, which decodes through kerio-api's
//! generated types, is the separate binary `xtask-verify` (feature `verify`), which
//! `cargo xtask verify` builds and runs; `mock` builds kerio-api's `kerio` command line and
//! becomes `kerio mock` (one process, see `mock`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod coverage;
mod mock;
mod regen;

#[derive(Parser)]
#[command(name = "xtask", about = "kerio-rs project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Learn the spec set from browser captures (HAR), widening only, and rewrite it in
    /// the canonical layout; prints what changed and what needs review.
    Regen {
        /// Spec root (folders holding an api.json).
        #[arg(long, default_value_os_t = default_root())]
        specs: PathBuf,
        /// A HAR capture, or a folder of them (every *.har inside); repeatable. Default:
        /// the sample captures in `SPECS/captures`.
        #[arg(long, value_name = "PATH")]
        har: Vec<PathBuf>,
        /// Write nothing; exit with 1 when the spec files would change (for CI), with 3
        /// when a change would break code written against the generated API (a type
        /// changed or widened, a param made required, anything removed).
        #[arg(long)]
        check: bool,
        /// With --check: breaking changes exit with 1 like any other change.
        #[arg(long, requires = "check")]
        allow_breaking: bool,
        /// Print the time taken and the peak memory to stderr.
        #[arg(long)]
        stats: bool,
        /// The API (manifest name, e.g. connect-admin) that calls to a path several APIs
        /// serve belong to when nothing in the captures tells them apart; without it such
        /// calls are refused with a message. Calls the captures do route (by methods only
        /// one API knows, or by the default port) are not affected.
        #[arg(long, value_name = "NAME")]
        api: Option<String>,
    },
    /// Rewrite the spec files in the canonical layout (what regen writes), for hand edits.
    Fmt {
        /// Spec root (folders holding an api.json).
        #[arg(long, default_value_os_t = default_root())]
        specs: PathBuf,
        /// Write nothing; exit with 1 when a file is not in the canonical layout.
        #[arg(long)]
        check: bool,
    },
    /// Write a shareable copy of a HAR capture: only what regen and verify need, secrets
    /// redacted; prints what was redacted and what was dropped, by kind.
    Sanitize {
        /// The capture to read.
        input: PathBuf,
        /// Where to write the sanitized capture.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Time regen on a large generated capture (100 `ActiveHosts.get` calls of 1000
    /// hosts each by default) and report wall time and peak memory.
    BenchRegen {
        /// Spec root to learn against (it is copied, never changed).
        #[arg(long, default_value_os_t = default_root())]
        specs: PathBuf,
        /// Number of calls in the capture.
        #[arg(long, default_value_t = 100)]
        calls: usize,
        /// Hosts in each reply.
        #[arg(long, default_value_t = 1000)]
        hosts: usize,
        /// Timed runs (the best and the median are reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Keep the generated capture at this path.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Compare the spec set with API catalogs or client facts files: coverage, then what
    /// is missing or differs, one report per file.
    Coverage {
        /// Catalog files (interfaces, methods and types with their JSON types) or client
        /// facts files (methods with the params a client sends and the results it reads).
        #[arg(required = true, value_name = "FILE")]
        catalog: Vec<PathBuf>,
        /// Spec root (folders holding an api.json).
        #[arg(long, default_value_os_t = default_root())]
        specs: PathBuf,
        /// Name of the API in the spec set to compare.
        #[arg(long, default_value = "admin")]
        api: String,
    },
    /// Decode every captured exchange through the generated kerio-api types: one line per
    /// exchange (`ok`, or a `warning`/`error` per finding with its JSON path), then a
    /// summary. `file.har#N[k]`: entry N of the capture (from 0), command k of its batch.
    /// Exit code 1 when any exchange has an error, 2 when a capture cannot be read.
    Verify {
        /// HAR captures, or folders of them (every *.har inside). Default: the sample
        /// captures in api-spec/captures.
        #[arg(value_name = "HAR")]
        har: Vec<PathBuf>,
        /// Print only exchanges with warnings or errors, and the summary.
        #[arg(short, long)]
        quiet: bool,
        /// The API (manifest name) that calls to a path several APIs serve belong to
        /// when neither the method nor the port tells.
        #[arg(long, value_name = "NAME")]
        api: Option<String>,
    },
    /// Serve the mock appliance (`kerio mock`, which this process becomes) until
    /// interrupted; prints the URL, certificate pin, user and password.
    Mock(mock::Options),
}

fn default_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Regen {
            specs,
            har,
            check,
            stats,
            allow_breaking,
            api,
        } => regen::run(&regen::Options {
            specs,
            har,
            check,
            stats,
            allow_breaking,
            api,
        }),
        Command::Fmt { specs, check } => fmt_specs(&specs, check),
        Command::Sanitize { input, output } => sanitize(&input, &output),
        Command::BenchRegen {
            specs,
            calls,
            hosts,
            runs,
            keep,
        } => bench::run(&bench::Options {
            specs,
            calls,
            hosts,
            runs,
            keep,
        }),
        Command::Coverage {
            catalog,
            specs,
            api,
        } => coverage::run(&catalog, &specs, &api),
        Command::Verify { har, quiet, api } => verify(&har, quiet, api.as_deref()),
        Command::Mock(options) => mock::run(&options),
    }
}

/// Rewrites (or with `check`, checks) every spec file of every API folder below `root`
/// in the canonical layout; a file that is not JSON is reported, not touched.
fn fmt_specs(root: &std::path::Path, check: bool) -> ExitCode {
    let mut diags = kerio_codegen::Diagnostics::default();
    let mut files = Vec::new();
    match std::fs::read_dir(root) {
        Ok(entries) => {
            for entry in entries.flatten() {
                if entry.path().join("api.json").is_file() {
                    files.extend(kerio_codegen::load::spec_files(&entry.path(), &mut diags));
                }
            }
        }
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", root.display());
            return ExitCode::from(2);
        }
    }
    files.sort();
    let (mut differ, mut failed) = (0, false);
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                failed = true;
                continue;
            }
        };
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {}: not JSON: {e}", file.display());
                failed = true;
                continue;
            }
        };
        let canonical = kerio_codegen::canonical::to_canonical_string(&value);
        if canonical == text {
            continue;
        }
        differ += 1;
        if check {
            println!("not canonical: {}", file.display());
        } else if let Err(e) = kerio_codegen::build::write_if_changed(file, &canonical) {
            eprintln!("error: {}: {e}", file.display());
            failed = true;
        } else {
            println!("rewrote {}", file.display());
        }
    }
    for d in diags.iter() {
        eprintln!("{d}");
        failed = true;
    }
    println!(
        "{} spec files, {differ} not in the canonical layout",
        files.len()
    );
    if failed {
        ExitCode::from(2)
    } else if check && differ > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs `sanitize` and prints what was taken out.
fn sanitize(input: &std::path::Path, output: &std::path::Path) -> ExitCode {
    match kerio_codegen::learn::sanitize::sanitize(input, output) {
        Ok(stats) => {
            // `out.har: 12 entries; redacted 3 values; dropped 24 secret headers, ...`
            println!("{}: {stats}", output.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Names an `xtask-verify` binary to run as it is, instead of building one with cargo
/// (the tests, which cargo has built it for, use it).
const VERIFY_BIN_VAR: &str = "KERIO_XTASK_VERIFY_BIN";

/// Builds and runs the `xtask-verify` binary (feature `verify`) with the same arguments.
fn verify(har: &[PathBuf], quiet: bool, api: Option<&str>) -> ExitCode {
    let mut cmd = if let Some(built) = std::env::var_os(VERIFY_BIN_VAR) {
        std::process::Command::new(built)
    } else {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let mut cmd = std::process::Command::new(cargo);
        cmd.args([
            "run",
            "--quiet",
            "--features",
            "verify",
            "--bin",
            "xtask-verify",
        ])
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--");
        cmd
    };
    if quiet {
        cmd.arg("--quiet");
    }
    if let Some(api) = api {
        cmd.args(["--api", api]);
    }
    cmd.args(har);
    match cmd.status() {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(2)),
            None => ExitCode::from(2),
        },
        Err(e) => {
            eprintln!(
                "error: cannot run xtask-verify (built by cargo, or named by {VERIFY_BIN_VAR}): {e}"
            );
            ExitCode::from(2)
        }
    }
}
