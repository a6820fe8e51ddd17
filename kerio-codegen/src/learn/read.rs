//! Reading all captures: one thread walks the files and hands entries to workers that
//! parse and observe them. Workers merge what they learned at the end; merging is
//! commutative, so the result does not depend on which worker saw which entry.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};

use super::har::entry;
use super::har::split::{Event, Splitter};
use super::observe::{Observations, Outcome, Router, observe_entry};

/// What reading the captures gave.
#[derive(Debug, Default)]
pub struct ReadReport {
    /// What was learned.
    pub obs: Observations,
    /// Problems that skip an entry: (file index, entry index, message).
    pub warnings: Vec<(usize, usize, String)>,
    /// Problems that stop the run, one line each, sorted by file.
    pub errors: Vec<String>,
    /// Per file: calls learned from.
    pub learned: Vec<u64>,
    /// Per file: entries read.
    pub entries: Vec<u64>,
    /// Calls to JSON-RPC endpoints that no API serves, by path.
    pub unrouted: BTreeMap<String, u64>,
    /// Bytes read.
    pub bytes: u64,
}

struct Job {
    file: usize,
    index: usize,
    bytes: Vec<u8>,
}

#[derive(Default)]
struct WorkerOut {
    obs: Observations,
    warnings: Vec<(usize, usize, String)>,
    errors: Vec<(usize, usize, String)>,
    learned: BTreeMap<usize, u64>,
    unrouted: BTreeMap<String, u64>,
}

fn work(rx: &Mutex<Receiver<Job>>, router: &Router, names: &[String]) -> WorkerOut {
    let mut out = WorkerOut::default();
    loop {
        let job = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => break,
        };
        let Ok(job) = job else { break };
        let view = match entry::parse(&job.bytes) {
            Ok(v) => v,
            Err(e) => {
                out.errors.push((
                    job.file,
                    job.index,
                    format!(
                        "{}: entry {}: not a valid HAR entry: {e}",
                        names[job.file], job.index
                    ),
                ));
                continue;
            }
        };
        match observe_entry(&view, router, &mut out.obs) {
            Outcome::Learned(_) => *out.learned.entry(job.file).or_default() += 1,
            Outcome::Unrouted(path) => *out.unrouted.entry(path).or_default() += 1,
            Outcome::Skipped { method, reason } => {
                let what = method.map(|m| format!(" ({m})")).unwrap_or_default();
                out.warnings.push((
                    job.file,
                    job.index,
                    format!(
                        "{}: entry {}{what}: {reason}; entry skipped",
                        names[job.file], job.index
                    ),
                ));
            }
            Outcome::NotApi | Outcome::NoBody => {}
        }
    }
    out
}

/// Reads every capture. File-level problems and malformed entries become errors; bodies
/// that are not JSON become warnings; a file without any usable call is an error.
/// `progress` is told the bytes read so far and the total.
pub fn read_captures(
    files: &[PathBuf],
    router: &Router,
    progress: Option<&(dyn Fn(u64, u64) + Sync)>,
) -> ReadReport {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut report = ReadReport {
        learned: vec![0; files.len()],
        entries: vec![0; files.len()],
        ..ReadReport::default()
    };
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = |done: u64| {
        if let Some(f) = progress {
            f(done, total);
        }
    };
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let (tx, rx) = sync_channel::<Job>(workers * 2);
    let rx = Arc::new(Mutex::new(rx));
    let mut file_errors: Vec<(usize, String)> = Vec::new();
    let outs: Vec<WorkerOut> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let rx = Arc::clone(&rx);
                let names = &names;
                s.spawn(move || work(&rx, router, names))
            })
            .collect();
        let mut done: u64 = 0;
        for (i, path) in files.iter().enumerate() {
            let file = match File::open(path) {
                Ok(f) => f,
                Err(e) => {
                    file_errors.push((i, format!("{}: cannot read: {e}", names[i])));
                    continue;
                }
            };
            let mut split = Splitter::new(file);
            loop {
                match split.next_event() {
                    Ok(Some(Event::Entry(bytes))) => {
                        let index = split.entries() - 1;
                        bar(done + split.consumed());
                        if tx
                            .send(Job {
                                file: i,
                                index,
                                bytes,
                            })
                            .is_err()
                        {
                            break;
                        }
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => {
                        file_errors.push((i, format!("{}: {e}", names[i])));
                        break;
                    }
                }
            }
            report.entries[i] = split.entries() as u64;
            done += split.consumed();
            report.bytes += split.consumed();
        }
        drop(tx);
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    bar(total);
    let mut entry_errors = Vec::new();
    for out in outs {
        report.obs.absorb(out.obs);
        report.warnings.extend(out.warnings);
        entry_errors.extend(out.errors);
        for (f, n) in out.learned {
            report.learned[f] += n;
        }
        for (p, n) in out.unrouted {
            *report.unrouted.entry(p).or_default() += n;
        }
    }
    report.warnings.sort();
    entry_errors.sort();
    let failed_files: Vec<usize> = file_errors.iter().map(|(i, _)| *i).collect();
    let mut errors: Vec<(usize, usize, String)> = file_errors
        .into_iter()
        .map(|(i, m)| (i, 0, m))
        .chain(entry_errors)
        .collect();
    for (i, name) in names.iter().enumerate() {
        let has_error = failed_files.contains(&i) || errors.iter().any(|(f, _, _)| *f == i);
        if report.learned[i] == 0 && !has_error {
            errors.push((
                i,
                usize::MAX,
                format!(
                    "{name}: no usable API call ({} entries, none a readable JSON-RPC call to an API of the spec set)",
                    report.entries[i]
                ),
            ));
        }
    }
    errors.sort();
    report.errors = errors.into_iter().map(|(_, _, m)| m).collect();
    report
}
