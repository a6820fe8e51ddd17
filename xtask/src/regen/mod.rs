//! `cargo xtask regen`: learn the spec set from browser captures, widening only.
//!
//! Stages, each its own module: [`har`] (stream a capture, one entry at a time) →
//! [`observe`] (what each call's params and result looked like, secrets never kept) →
//! [`merge`] (widen the spec files in memory, with [`infer`] naming new types) →
//! validation and code generation in memory → [`write`](mod@write) (all files or none). The summary
//! of what changed and what needs review is a [`report::ApiReport`] per API.

pub mod bench;
pub mod har;
pub mod infer;
pub mod merge;
pub mod observe;
pub mod read;
pub mod report;
pub mod sanitize;
pub mod secrets;
pub mod specs;
pub mod write;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use self::specs::SpecSet;

/// Options of `regen`.
#[derive(Debug, Clone)]
pub struct Options {
    /// The spec root.
    pub specs: PathBuf,
    /// Capture files or folders; empty means the sample captures of the spec root.
    pub har: Vec<PathBuf>,
    /// Change nothing; exit 1 when the specs would change.
    pub check: bool,
    /// Print time and peak memory to stderr.
    pub stats: bool,
}

/// Exit code for bad input or a failed run (1 is `--check` finding changes).
const FAILED: u8 = 2;

/// Time spent per stage, for `--stats`.
#[derive(Default)]
struct Timing {
    specs: f64,
    captures: f64,
    bytes: u64,
}

/// Runs regen; messages go to stdout (summary) and stderr (warnings, errors).
pub fn run(opts: &Options) -> ExitCode {
    let started = Instant::now();
    let mut timing = Timing::default();
    let code = match run_inner(opts, &mut timing) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(FAILED)
        }
    };
    if opts.stats {
        let total = started.elapsed().as_secs_f64();
        eprintln!(
            "regen: {total:.3} s (specs {:.3} s, captures {:.3} s for {:.1} MB, merge and checks {:.3} s), peak memory {}",
            timing.specs,
            timing.captures,
            timing.bytes as f64 / 1e6,
            total - timing.specs - timing.captures,
            bench::peak_rss_kib().map_or_else(|| "unknown".into(), |k| format!("{} MiB", k / 1024))
        );
    }
    code
}

fn run_inner(opts: &Options, timing: &mut Timing) -> Result<ExitCode, String> {
    let started = Instant::now();
    let mut set = SpecSet::load(&opts.specs)
        .map_err(|d| format!("the spec set has problems; fix them first.\n{d}"))?;
    let files = if opts.har.is_empty() {
        let dir = opts.specs.join("captures");
        if dir.is_dir() {
            har::har_files_in(&dir)?
        } else {
            Vec::new()
        }
    } else {
        har::capture_files(&opts.har)?
    };
    timing.specs = started.elapsed().as_secs_f64();
    let mut reports = Vec::new();
    if !files.is_empty() {
        let started = Instant::now();
        let router = observe::Router::new(&set.models());
        let read = read::read_captures(&files, &router);
        timing.captures = started.elapsed().as_secs_f64();
        timing.bytes = read.bytes;
        for (_, _, w) in &read.warnings {
            eprintln!("warning: {w}");
        }
        for (path, n) in &read.unrouted {
            eprintln!(
                "warning: {n} call{} to {path} skipped: no API of the spec set is served there",
                if *n == 1 { "" } else { "s" }
            );
        }
        if !read.errors.is_empty() {
            for e in &read.errors {
                eprintln!("error: {e}");
            }
            return Err(format!(
                "{} of {} captures could not be used; nothing written",
                read.errors.len().min(files.len()),
                files.len()
            ));
        }
        for api in &mut set.apis {
            if let Some(methods) = read.obs.apis.get(&api.model.manifest.name) {
                reports.push(merge::merge(api, methods));
            }
        }
    }
    for r in &reports {
        print!("{r}");
    }
    let mut models = Vec::new();
    let mut pending = Vec::new();
    let mut names = Vec::new();
    for api in &set.apis {
        let texts: Vec<String> = api.files.iter().map(|f| f.text()).collect();
        let mut changed = false;
        for (f, text) in api.files.iter().zip(&texts) {
            if f.original.as_deref() == Some(text.as_str()) {
                continue;
            }
            changed = true;
            let layout_only = f
                .original
                .as_deref()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
                .is_some_and(|v| v == f.value);
            names.push(format!(
                "{}{}",
                f.rel,
                if f.original.is_none() {
                    " (new)"
                } else if layout_only {
                    " (layout only)"
                } else {
                    ""
                }
            ));
            pending.push(write::Pending {
                path: f.path.clone(),
                text: text.clone(),
                original: f.original.clone(),
            });
        }
        if changed {
            models.push(api.reload(&texts).map_err(|d| {
                format!("regen produced an invalid spec set (a bug; nothing written):\n{d}")
            })?);
        } else {
            models.push(api.model.clone());
        }
    }
    // Regenerate: the specs must still turn into Rust before anything is written, and a
    // plain run shows that they do (kerio-api's build script generates the same code into
    // its OUT_DIR at build time). `--check` on an unchanged spec set only answers whether
    // the files would change.
    let generated = if !pending.is_empty() || !opts.check {
        let started = std::time::Instant::now();
        let code = kerio_codegen::generate(&models, &kerio_codegen::Options::kerio_api()).map_err(
            |d| format!("code generation fails on the spec set (nothing written):\n{d}"),
        )?;
        Some(format!(
            "generated {} lines of Rust in {:.0} ms",
            code.lines().count(),
            started.elapsed().as_secs_f64() * 1000.0
        ))
    } else {
        None
    };
    for m in &models {
        println!(
            "{}: {} interfaces, {} methods, {} types",
            m.manifest.name,
            m.interfaces.len(),
            m.method_count(),
            m.types.len()
        );
    }
    if let Some(generated) = &generated {
        println!("{generated}");
    }
    if pending.is_empty() {
        println!(
            "the spec set is up to date ({} capture{})",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::SUCCESS);
    }
    if opts.check {
        println!("{} spec files would change:", pending.len());
        for n in &names {
            println!("  {n}");
        }
        return Ok(ExitCode::from(1));
    }
    write::write_all(&pending)?;
    println!("wrote {} spec files:", pending.len());
    for n in &names {
        println!("  {n}");
    }
    SpecSet::load(&opts.specs)
        .map_err(|d| format!("the written spec set does not load back:\n{d}"))?;
    Ok(ExitCode::SUCCESS)
}
