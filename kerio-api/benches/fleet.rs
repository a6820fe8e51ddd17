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

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kerio_api::fleet::{Appliance, FleetOptions, PasswordSource, ReadMode, Status, Trust, poll};
use kerio_api::mock::{ApplianceState, MockAppliance};

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

/// Starts `n` mock appliances, prints `url pin user password` per line, and serves
/// until standard input closes (the measuring process ended).
fn serve(n: usize) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let mut mocks = Vec::with_capacity(n);
        for i in 0..n {
            let (state, _) = ApplianceState::ALL[i % ApplianceState::ALL.len()];
            let mock = MockAppliance::builder()
                .state(state)
                .forget_requests()
                .start()
                .await
                .expect("mock starts");
            mocks.push(mock);
        }
        let mut stdout = std::io::stdout().lock();
        for mock in &mocks {
            writeln!(
                stdout,
                "{} {} {} {}",
                mock.url(),
                mock.cert_sha256(),
                mock.user(),
                mock.password()
            )
            .expect("write");
        }
        stdout.flush().expect("flush");
        drop(stdout);
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .expect("wait for stdin");
        drop(mocks);
    });
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
    let mut server = Command::new(std::env::current_exe().expect("own path"))
        .args(["serve", &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the mock server");
    let lines = BufReader::new(server.stdout.take().expect("server stdout"));
    let appliances: Vec<Appliance> = lines
        .lines()
        .take(n)
        .enumerate()
        .map(|(i, line)| {
            let line = line.expect("server line");
            let parts: Vec<&str> = line.split(' ').collect();
            let [url, pin, user, password] = parts[..] else {
                panic!("bad server line");
            };
            Appliance::new(format!("mock-{i}"), url)
                .credentials(user, PasswordSource::Value(password.into()))
                .trust(Trust::PinSha256(pin.into()))
        })
        .collect();
    assert_eq!(appliances.len(), n, "the server started every appliance");

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let options = FleetOptions::default().read_mode(read_mode);
    let before = memory("VmRSS:");
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
    let peak = memory("VmHWM:");
    println!(
        "{n:>10}  {mode:<10}  {:>11}  {:>8}  {:>10}  {:>13}",
        format!("{:.1} ms", ms(median)),
        mib(peak),
        mib(before),
        mib(peak.saturating_sub(before)),
    );
    drop(server.stdin.take());
    let _ = server.wait();
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

/// A `/proc/self/status` figure in KiB (0 where there is no such file).
fn memory(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
