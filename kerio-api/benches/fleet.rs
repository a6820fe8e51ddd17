//! Polling a fleet of mock appliances: wall time and peak memory for 10 and 100.
//!
//! ```text
//! cargo bench -p kerio-api --bench fleet                  # 10 and 100, both read modes
//! cargo bench -p kerio-api --bench fleet -- measure 100 batch
//! ```
//!
//! The mock appliances run in a child process, so that the memory measured is the
//! fleet's alone: each measurement is a process of its own (`measure N MODE`) that
//! starts a server process (`serve N`), polls the N appliances once to warm up and then
//! `ROUNDS` times, and prints the median wall time of a whole poll and its peak resident
//! memory (`VmHWM`) against the resident memory before the first poll (Linux only).

use std::process::Command;
use std::time::{Duration, Instant};

use kerio_api::fleet::{Appliance, FleetOptions, PasswordSource, ReadMode, Status, Trust, poll};
use kerio_api::mock::{ApplianceState, MockAppliance};

mod support;
use support::{MockServer, status_kib};

/// Timed polls per measurement, after one warm-up poll.
const ROUNDS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["serve", n] => serve(parse(n)),
        ["measure", n, mode] => measure(parse(n), mode),
        [] => drive(),
        _ => {
            eprintln!("usage: fleet [measure N batch|concurrent | serve N]");
            std::process::exit(2);
        }
    }
}

fn parse(n: &str) -> usize {
    n.parse().unwrap_or_else(|_| {
        eprintln!("not a count: {n}");
        std::process::exit(2)
    })
}

/// Runs every measurement as a process of its own and prints one line each.
fn drive() {
    let exe = std::env::current_exe().expect("own path");
    println!("appliances  mode        median poll  peak RSS   RSS before  peak - before");
    for n in [10, 100] {
        for mode in ["batch", "concurrent"] {
            let out = Command::new(&exe)
                .args(["measure", &n.to_string(), mode])
                .output()
                .expect("run a measurement");
            if !out.status.success() {
                eprintln!("{}", String::from_utf8_lossy(&out.stderr));
                std::process::exit(1);
            }
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
    }
}

/// Serves `n` mock appliances, their states in turn.
fn serve(n: usize) {
    let builders = (0..n)
        .map(|i| {
            let (state, _) = ApplianceState::ALL[i % ApplianceState::ALL.len()];
            MockAppliance::builder().state(state).forget_requests()
        })
        .collect();
    support::serve(builders);
}

fn measure(n: usize, mode: &str) {
    let read_mode = match mode {
        "batch" => ReadMode::Batch,
        "concurrent" => ReadMode::Concurrent,
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    };
    let (server, served) = MockServer::start(&[&n.to_string()], n);
    let appliances: Vec<Appliance> = served
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            Appliance::new(format!("mock-{i}"), s.url)
                .credentials(s.user, PasswordSource::Value(s.password.into()))
                .trust(Trust::PinSha256(s.pin))
        })
        .collect();

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let options = FleetOptions::default().read_mode(read_mode);
    let before = status_kib("self", "VmRSS:");
    let mut times = Vec::with_capacity(ROUNDS);
    for round in 0..=ROUNDS {
        let started = Instant::now();
        let report = runtime.block_on(poll(&appliances, &options));
        let elapsed = started.elapsed();
        let offline = report.count(Status::Red) - red_by_state(&report);
        assert_eq!(
            offline,
            0,
            "every appliance answered: {}",
            report.to_table(false)
        );
        if round > 0 {
            times.push(elapsed);
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    let peak = status_kib("self", "VmHWM:");
    println!(
        "{n:>10}  {mode:<10}  {:>11}  {:>8}  {:>10}  {:>13}",
        format!("{:.1} ms", ms(median)),
        mib(peak),
        mib(before),
        mib(peak.saturating_sub(before)),
    );
    server.finish();
}

/// Red rows the licence-expired state explains (they answered).
fn red_by_state(report: &kerio_api::fleet::FleetReport) -> usize {
    report
        .appliances
        .iter()
        .filter(|a| a.status == Status::Red && a.version.is_some())
        .count()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
