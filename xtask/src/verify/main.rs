//! `xtask-verify` (run by `cargo xtask verify`): decodes every captured exchange through
//! the generated kerio-api types and says, one line per exchange, whether it fits.
//!
//! It is a binary of its own, behind xtask's `verify` feature, because it links
//! kerio-api: a spec set whose generated code does not compile then breaks only this
//! binary, never `regen`, the tool that repairs the specs.
//!
//! Captures are read one entry at a time with the HAR reader of capture learning
//! ([`kerio_codegen::learn::har`]).
//! Each call is checked by the API's generated `__contract::check` ([`apis`]): its params
//! and, for a successful reply, its result; each command of a batch on its own, with the
//! reply at the same index of the batch's result array ([`exchange`]). Fields and params
//! the types do not know are warnings, values they cannot decode and methods the spec
//! lacks are errors. Entries are checked on worker threads ([`check`]) and printed in
//! capture order.
//!
//! A capture's provenance is the marker its `log.comment` starts with
//! (`kerio-capture: recorded|public|synthesized`, see [`Provenance`]); the line after
//! the summary says how many exchanges of each kind passed (`unknown` when unmarked).
//!
//! Output: `ok`, `warning` or `error`, then where (`file.har#N` is entry `N` of
//! `log.entries`, counted from 0; `#N[k]` is command `k` of that entry's batch), the
//! method, and for each finding its JSON path and message (quoted values redacted under
//! secret keys, see [`redact`]). Exit code: 2 for unreadable input, else 1 when any
//! exchange has an error, else 0.

mod apis;
mod check;
mod exchange;
mod redact;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel, sync_channel};

use self::apis::Target;
use self::check::{Checked, Counts, Origin};
use clap::Parser;
use kerio_codegen::learn::har;
use kerio_codegen::learn::har::Provenance;
use kerio_codegen::learn::har::split::{Event, Splitter};

/// Decode every captured exchange through the generated kerio-api types: one line per
/// exchange (`ok`, or a `warning`/`error` per finding with its JSON path), then a
/// summary. `file.har#N[k]`: entry N of the capture (from 0), command k of its batch.
/// Exit code 1 when any exchange has an error, 2 when a capture cannot be read.
#[derive(Parser)]
#[command(name = "xtask-verify")]
struct Cli {
    /// HAR captures, or folders of them (every *.har inside). Default: the sample
    /// captures in api-spec/captures.
    #[arg(value_name = "HAR")]
    har: Vec<PathBuf>,
    /// Print only exchanges with warnings or errors, and the summary.
    #[arg(short, long)]
    quiet: bool,
    /// The API (as in its manifest, e.g. connect-admin) that calls to a path several
    /// APIs serve belong to when neither the method nor the port tells.
    #[arg(long, value_name = "NAME")]
    api: Option<String>,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    run(&Options {
        har: cli.har,
        default_captures: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-spec/captures"),
        quiet: cli.quiet,
        api: cli.api,
    })
}

/// Options of `verify`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Capture files or folders; empty means the sample captures of the spec root.
    pub har: Vec<PathBuf>,
    /// Where the sample captures are looked for when `har` is empty.
    pub default_captures: PathBuf,
    /// Print only exchanges with findings, and the summary.
    pub quiet: bool,
    /// The API that calls to a shared path nothing else decides belong to.
    pub api: Option<String>,
}

/// Exit code when an exchange does not decode.
const FINDINGS: u8 = 1;
/// Exit code for input that cannot be read.
const BAD_INPUT: u8 = 2;

/// Totals for the summary line.
#[derive(Debug, Default)]
struct Tally {
    captures: usize,
    counts: Counts,
    /// The counts by the provenance of the capture (its `log.comment` marker).
    by_kind: BTreeMap<Provenance, Counts>,
    unreadable: u64,
    unrouted: BTreeMap<String, u64>,
}

/// Runs verify: exchange lines and the summary on stdout, input problems on stderr.
pub fn run(opts: &Options) -> std::process::ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = run_to(opts, &mut stdout.lock(), &mut stderr.lock());
    std::process::ExitCode::from(code)
}

/// [`run`] writing to `out` and `err`; returns the exit code. Write errors (a closed
/// pipe) are ignored: they cannot change the verdict.
fn run_to(opts: &Options, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let files = if opts.har.is_empty() {
        har::har_files_in(&opts.default_captures)
    } else {
        har::capture_files(&opts.har)
    };
    let files = match files {
        Ok(f) if f.is_empty() => {
            let _ = writeln!(err, "error: no capture (*.har) to verify");
            return BAD_INPUT;
        }
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return BAD_INPUT;
        }
    };
    let targets = match apis::targets(opts.api.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return BAD_INPUT;
        }
    };
    let tally = verify_all(&files, &targets, opts.quiet, out, err);
    for (path, n) in &tally.unrouted {
        let _ = writeln!(
            err,
            "warning: {n} call{} to {path} skipped: no API of kerio-api is served there",
            plural(*n)
        );
    }
    let _ = writeln!(out, "{}", summary(&tally));
    let _ = writeln!(out, "{}", by_kind(&tally));
    if tally.unreadable > 0 {
        BAD_INPUT
    } else if tally.counts.failed > 0 {
        FINDINGS
    } else {
        0
    }
}

/// An entry to check, numbered in capture order.
struct Job {
    seq: u64,
    file: usize,
    index: usize,
    bytes: Vec<u8>,
}

/// What the reader and the workers hand to the printer, numbered in capture order.
enum Done {
    /// A checked entry of a file.
    Entry { file: usize, checked: Checked },
    /// The end of a file: its entry count, and why it ended early.
    File {
        file: usize,
        entries: usize,
        problem: Option<String>,
        kind: Provenance,
    },
}

/// Reads every capture on one thread, checks entries on workers, and prints on this
/// thread in capture order (results that arrive early wait in a small reorder buffer;
/// the job queue is bounded, so memory stays bounded by a few entries).
fn verify_all(
    files: &[PathBuf],
    targets: &[Target],
    quiet: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Tally {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let labels = labels(files);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let (job_tx, job_rx) = sync_channel::<Job>(workers * 2);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = channel::<(u64, Done)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (job_rx, names, labels) = (&job_rx, &names, &labels);
            s.spawn(move || work(job_rx, &done_tx, targets, names, labels, quiet));
        }
        s.spawn(move || read_all(files, &job_tx, &done_tx));
        print_in_order(&done_rx, &names, out, err)
    })
}

fn work(
    jobs: &Mutex<Receiver<Job>>,
    done: &Sender<(u64, Done)>,
    targets: &[Target],
    names: &[String],
    labels: &[String],
    quiet: bool,
) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let at = Origin {
            name: &names[job.file],
            label: &labels[job.file],
            index: job.index,
        };
        let checked = check::entry(&job.bytes, at, targets, quiet);
        let file = job.file;
        if done.send((job.seq, Done::Entry { file, checked })).is_err() {
            return;
        }
    }
}

fn read_all(
    files: &[PathBuf],
    jobs: &std::sync::mpsc::SyncSender<Job>,
    done: &Sender<(u64, Done)>,
) {
    let mut seq = 0u64;
    for (file, path) in files.iter().enumerate() {
        let mut problem = None;
        let mut entries = 0;
        let mut kind = Provenance::Unknown;
        match File::open(path) {
            Err(e) => problem = Some(format!("{}: cannot read: {e}", path.display())),
            Ok(reader) => {
                let mut split = Splitter::new(reader);
                loop {
                    match split.next_event() {
                        Ok(Some(Event::Entry(bytes))) => {
                            let index = split.entries().saturating_sub(1);
                            let job = Job {
                                seq,
                                file,
                                index,
                                bytes,
                            };
                            seq += 1;
                            if jobs.send(job).is_err() {
                                return;
                            }
                        }
                        Ok(Some(Event::Member {
                            log: true,
                            key,
                            raw,
                        })) if key == "comment" => {
                            if let Ok(comment) = serde_json::from_slice::<String>(&raw) {
                                kind = Provenance::of_comment(&comment);
                            }
                        }
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => {
                            problem = Some(format!("{}: {e}", path.display()));
                            break;
                        }
                    }
                }
                entries = split.entries();
            }
        }
        let end = Done::File {
            file,
            entries,
            problem,
            kind,
        };
        if done.send((seq, end)).is_err() {
            return;
        }
        seq += 1;
    }
}

/// Prints what arrives in sequence order and adds it up.
fn print_in_order(
    done: &Receiver<(u64, Done)>,
    names: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Tally {
    let mut tally = Tally {
        captures: names.len(),
        ..Tally::default()
    };
    // Per file: API calls seen, input problems seen.
    let mut calls = vec![0u64; names.len()];
    let mut counts: Vec<Counts> = names.iter().map(|_| Counts::default()).collect();
    let mut problems = vec![0u64; names.len()];
    let mut early: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    for (seq, item) in done.iter() {
        early.insert(seq, item);
        while let Some(item) = early.remove(&next) {
            next += 1;
            match item {
                Done::Entry { file, checked } => {
                    for line in &checked.lines {
                        let _ = writeln!(out, "{line}");
                    }
                    if let Some(p) = &checked.problem {
                        problems[file] += 1;
                        problem(&mut tally, err, p);
                    }
                    if let Some(path) = checked.unrouted {
                        *tally.unrouted.entry(path).or_default() += 1;
                    }
                    calls[file] += u64::from(checked.call);
                    counts[file].absorb(checked.counts);
                    tally.counts.absorb(checked.counts);
                }
                Done::File {
                    file,
                    entries,
                    problem: file_problem,
                    kind,
                } => {
                    tally
                        .by_kind
                        .entry(kind)
                        .or_default()
                        .absorb(std::mem::take(&mut counts[file]));
                    if let Some(p) = &file_problem {
                        problems[file] += 1;
                        problem(&mut tally, err, p);
                    }
                    if calls[file] == 0 && problems[file] == 0 {
                        problem(
                            &mut tally,
                            err,
                            &format!(
                                "{}: no API call to verify ({entries} entries, none a JSON-RPC call to an API of kerio-api)",
                                names[file]
                            ),
                        );
                    }
                }
            }
        }
    }
    tally
}

/// Counts and prints one input problem.
fn problem(tally: &mut Tally, err: &mut dyn Write, message: &str) {
    tally.unreadable += 1;
    let _ = writeln!(err, "error: {message}");
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// How many exchanges passed (no error; warnings allowed) by the provenance of their
/// capture: `by kind: recorded 12 of 12 passed, public 30 of 31 passed`.
fn by_kind(t: &Tally) -> String {
    let parts: Vec<String> = t
        .by_kind
        .iter()
        .map(|(kind, c)| {
            format!(
                "{} {} of {} passed",
                kind.as_str(),
                c.exchanges - c.failed,
                c.exchanges
            )
        })
        .collect();
    if parts.is_empty() {
        "by kind: no capture read".into()
    } else {
        format!("by kind: {}", parts.join(", "))
    }
}

fn summary(t: &Tally) -> String {
    let c = &t.counts;
    let mut s = format!(
        "summary: {} exchange{} in {} capture{}: {} ok, {} with warnings, {} with errors",
        c.exchanges,
        plural(c.exchanges),
        t.captures,
        plural(t.captures as u64),
        c.ok,
        c.warned,
        c.failed
    );
    if c.error_replies > 0 {
        s.push_str(&format!(
            "; {} error repl{} (params checked only)",
            c.error_replies,
            if c.error_replies == 1 { "y" } else { "ies" }
        ));
    }
    if t.unreadable > 0 {
        s.push_str(&format!(
            "; {} input problem{} (see above)",
            t.unreadable,
            plural(t.unreadable)
        ));
    }
    s
}

/// How each file is named in exchange lines: its file name, or the path as given when
/// two inputs share a file name.
fn labels(files: &[PathBuf]) -> Vec<String> {
    let name = |p: &Path| {
        p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    files
        .iter()
        .map(|f| {
            let n = name(f);
            if files.iter().filter(|g| name(g) == n).count() > 1 {
                f.display().to_string()
            } else {
                n
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_file_names_unless_ambiguous() {
        let files = [
            PathBuf::from("a/x.har"),
            PathBuf::from("b/x.har"),
            PathBuf::from("b/y.har"),
        ];
        let l = labels(&files);
        assert_eq!(l[2], "y.har");
        assert_ne!(l[0], l[1]);
        assert!(l[0].ends_with("x.har") && l[0].len() > "x.har".len());
    }

    #[test]
    fn summary_mentions_error_replies_and_input_problems_only_when_present() {
        let mut t = Tally {
            captures: 1,
            counts: Counts {
                exchanges: 3,
                ok: 1,
                warned: 1,
                failed: 1,
                error_replies: 0,
            },
            ..Tally::default()
        };
        assert_eq!(
            summary(&t),
            "summary: 3 exchanges in 1 capture: 1 ok, 1 with warnings, 1 with errors"
        );
        t.counts.error_replies = 1;
        t.unreadable = 2;
        assert!(
            summary(&t)
                .ends_with("; 1 error reply (params checked only); 2 input problems (see above)")
        );
    }
}
