//! `cargo xtask regen`: the command line of [`kerio_codegen::learn`]. Prints what was
//! learned, what needs review and which spec files change, then writes them (all or
//! none), or with `--check` only says whether they would change.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kerio_codegen::learn::{self, ChangeKind};

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
    /// With `check`: breaking changes fail like any other change, not on their own.
    pub allow_breaking: bool,
    /// The API calls to a shared path belong to when the captures do not tell.
    pub api: Option<String>,
}

/// Exit code for bad input or a failed run (1 is `--check` finding changes).
const FAILED: u8 = 2;
/// Exit code of `--check` when a change would break users of the generated API.
const BREAKING: u8 = 3;

/// Captures smaller than this in total get no progress bar.
const PROGRESS_MIN_BYTES: u64 = 16 * 1024 * 1024;

/// Runs regen; messages go to stdout (summary) and stderr (warnings, errors).
pub fn run(opts: &Options) -> ExitCode {
    let started = Instant::now();
    let code = run_inner(opts);
    if opts.stats {
        eprintln!(
            "regen: {:.3} s, peak memory {}",
            started.elapsed().as_secs_f64(),
            crate::bench::peak_rss_kib()
                .map_or_else(|| "unknown".into(), |k| format!("{} MiB", k / 1024))
        );
    }
    code
}

fn run_inner(opts: &Options) -> ExitCode {
    let bar = ProgressBar::hidden();
    let progress = |done: u64, total: u64| {
        if total < PROGRESS_MIN_BYTES {
            return;
        }
        if bar.is_hidden() && done < total {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_length(total);
            if let Ok(style) =
                ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {eta}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message("reading captures");
        }
        bar.set_position(done);
    };
    let result = learn::learn(&learn::Options {
        specs: opts.specs.clone(),
        captures: opts.har.clone(),
        progress: Some(&progress),
        api: opts.api.clone(),
    });
    bar.finish_and_clear();
    let learned = match result {
        Ok(l) => l,
        Err(failure) => {
            for line in &failure.0 {
                eprintln!("error: {line}");
            }
            return ExitCode::from(FAILED);
        }
    };
    for w in &learned.warnings {
        eprintln!("warning: {w}");
    }
    for r in &learned.refused {
        eprintln!("refused: {r}");
    }
    for r in &learned.reports {
        print!("{r}");
    }
    for (api, c) in &learned.compat {
        println!(
            "{api}: for users of the generated API: {} additive, {} breaking",
            c.additive.len(),
            c.breaking.len()
        );
        for b in &c.breaking {
            println!("  {:<14} {b}", "breaking");
        }
    }
    for s in &learned.sizes {
        println!(
            "{}: {} interfaces, {} methods, {} types",
            s.name, s.interfaces, s.methods, s.types
        );
    }
    if learned.changes.is_empty() {
        println!(
            "the spec set is up to date ({} capture{})",
            learned.captures,
            if learned.captures == 1 { "" } else { "s" }
        );
        return ExitCode::SUCCESS;
    }
    let names: Vec<String> = learned
        .changes
        .iter()
        .map(|c| {
            let note = match c.kind {
                ChangeKind::New => " (new)",
                ChangeKind::LayoutOnly => " (layout only)",
                ChangeKind::Changed => "",
            };
            format!("  {}{note}", c.rel)
        })
        .collect();
    if opts.check {
        println!("{} spec files would change:", learned.changes.len());
        for n in &names {
            println!("{n}");
        }
        if learned.breaking() && !opts.allow_breaking {
            eprintln!(
                "error: the changes would break code written against the generated API (see `breaking` above); pass --allow-breaking to accept them"
            );
            return ExitCode::from(BREAKING);
        }
        return ExitCode::from(1);
    }
    if let Err(e) = learned.write() {
        eprintln!("error: {e}");
        return ExitCode::from(FAILED);
    }
    println!("wrote {} spec files:", learned.changes.len());
    for n in &names {
        println!("{n}");
    }
    ExitCode::SUCCESS
}
