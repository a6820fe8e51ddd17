//! `kerio_exporter` under a Prometheus-like load: N mock appliances (1,000 by default),
//! each probed once per interval (60 s), the probes spread evenly over the interval as
//! Prometheus spreads its targets, for several rounds.
//!
//! ```text
//! cargo bench -p kerio-api --features exporter,mock --bench exporter
//! cargo bench -p kerio-api --features exporter,mock --bench exporter -- --targets 200 --rounds 3 --interval 20
//! cargo bench -p kerio-api --features exporter,mock,connect-admin,operator-admin --bench exporter -- --products control,connect,operator
//! ```
//!
//! The targets are of the products `--products` lists, in turn (by default every
//! product the build can probe: Kerio Control, and Kerio Connect and Kerio Operator
//! with their features), each named in the fleet file.
//!
//! Without `--bench` (as `cargo test --all-targets` runs it) it only checks the setup:
//! 20 targets, 2 rounds of 2 s.
//!
//! Three processes, so that each is measured alone: the mock appliances (this program,
//! `serve N PRODUCTS`, all of them in one process, each on its own port), the exporter
//! (the `kerio_exporter` binary, on a fleet file written for the mocks) and the scraper
//! (this program). It reports whether every probe succeeded (HTTP 200 with
//! `kerio_up 1`), the exporter's peak resident memory (`VmHWM`), its CPU time per
//! probe (user + system, from `/proc`, Linux only) in the first round (which logs in to
//! every appliance) and in the later ones, the logins the exporter counted against the
//! number of targets, and the probe latency the scraper saw.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kerio_api::fleet::Product;
use kerio_api::mock::{ApplianceState, MockAppliance, MockBuilder};

mod support;
use support::{MockServer, status_kib};

/// The scrape timeout Prometheus would send (its default is 10 s).
const SCRAPE_TIMEOUT: &str = "10";

struct Options {
    targets: usize,
    rounds: usize,
    interval: Duration,
    /// The products of the targets, in turn.
    products: Vec<Product>,
}

/// Every product this build can mock and probe.
fn compiled() -> Vec<Product> {
    Product::ALL
        .into_iter()
        .filter(|p| p.is_supported())
        .collect()
}

/// A healthy mock of `product`.
fn mock(product: Product) -> MockBuilder {
    let builder = MockAppliance::builder()
        .state(ApplianceState::Healthy)
        .forget_requests();
    match product {
        Product::Connect => builder.api("connect-admin"),
        Product::Operator => builder.api("operator-admin"),
        _ => builder,
    }
}

/// The products of a comma-separated list.
fn products(list: &str) -> Vec<Product> {
    match list
        .split(',')
        .map(str::parse)
        .collect::<Result<Vec<Product>, _>>()
    {
        Ok(p) if !p.is_empty() => p,
        Ok(_) => {
            eprintln!("no product in `{list}`");
            std::process::exit(2)
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2)
        }
    }
}

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this without it, as a
    // quick check that the setup works (a few targets, short intervals).
    let benchmark = all.iter().any(|a| a == "--bench");
    let args: Vec<String> = all.into_iter().filter(|a| a != "--bench").collect();
    if let [serve, n, list] = args.as_slice()
        && serve == "serve"
    {
        let products = products(list);
        let builders = (0..number(n))
            .map(|i| mock(products[i % products.len()]))
            .collect();
        return support::serve(builders);
    }
    let mut options = if benchmark {
        Options {
            targets: 1000,
            rounds: 5,
            interval: Duration::from_secs(60),
            products: compiled(),
        }
    } else {
        Options {
            targets: 20,
            rounds: 2,
            interval: Duration::from_secs(2),
            products: compiled(),
        }
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next();
        match (flag.as_str(), value) {
            ("--targets", Some(n)) => options.targets = number(n).max(1),
            ("--rounds", Some(n)) => options.rounds = number(n).max(2),
            ("--interval", Some(n)) => {
                options.interval = Duration::from_secs(number(n).max(1) as u64)
            }
            ("--products", Some(list)) => options.products = products(list),
            _ => {
                eprintln!(
                    "usage: exporter [--targets N] [--rounds R] [--interval SECONDS] \
                     [--products control,connect,operator]"
                );
                std::process::exit(2);
            }
        }
    }
    measure(&options);
}

fn number(text: &str) -> usize {
    text.parse().unwrap_or_else(|_| {
        eprintln!("not a count: {text}");
        std::process::exit(2)
    })
}

/// A child process, killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn measure(options: &Options) {
    let n = options.targets;
    let started = Instant::now();
    let list: Vec<&str> = options.products.iter().map(|p| p.as_str()).collect();
    let list = list.join(",");
    let (mocks, served) = MockServer::start(&[&n.to_string(), &list], n);
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut fleet = String::from("[settings]\ntimeout_seconds = 30\n");
    for (i, s) in served.iter().enumerate() {
        let product = options.products[i % options.products.len()];
        std::fs::write(dir.path().join(format!("{i}.password")), &s.password).expect("write");
        fleet += &format!(
            "\n[[appliance]]\nname = \"fw-{i:04}\"\nurl = \"{}\"\nuser = \"{}\"\n\
             password_file = \"{i}.password\"\ncert_sha256 = \"{}\"\nproduct = \"{product}\"\n",
            s.url, s.user, s.pin
        );
    }
    let config = dir.path().join("fleet.toml");
    std::fs::write(&config, fleet).expect("write the fleet file");
    println!(
        "{n} mock appliances ({list}) started in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut exporter = Process(
        Command::new(env!("CARGO_BIN_EXE_kerio_exporter"))
            .arg("--config")
            .arg(&config)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start kerio_exporter"),
    );
    let pid = exporter.0.id();
    let mut first = String::new();
    BufReader::new(exporter.0.stdout.take().expect("exporter stdout"))
        .read_line(&mut first)
        .expect("the exporter's first line");
    let base = first
        .trim()
        .rsplit(' ')
        .next()
        .expect("listening on URL")
        .trim_end_matches('/')
        .to_owned();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("HTTP client");
    let names: Arc<Vec<String>> = Arc::new((0..n).map(|i| format!("fw-{i:04}")).collect());
    let rss_before = status_kib(pid, "VmRSS:");
    let cpu_before = cpu_seconds(pid);
    let mut cpu_marks = Vec::new();
    let mut latencies = Vec::new();
    let ok = Arc::new(AtomicUsize::new(0));
    println!(
        "{} rounds of {} s, {n} probes each, spread over the interval",
        options.rounds,
        options.interval.as_secs()
    );
    for round in 0..options.rounds {
        let mut times = runtime.block_on(scrape_round(
            &client,
            &base,
            names.clone(),
            options.interval,
            ok.clone(),
        ));
        cpu_marks.push(cpu_seconds(pid));
        if round > 0 {
            latencies.append(&mut times);
        }
        println!(
            "  round {}: {} of {} probes succeeded so far",
            round + 1,
            ok.load(Ordering::Relaxed),
            (round + 1) * n
        );
    }
    let own = runtime.block_on(async {
        let reply = client.get(format!("{base}/metrics")).send().await;
        match reply {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    });
    let logins: f64 = own
        .lines()
        .filter(|l| l.starts_with("kerio_exporter_logins_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    let peak = status_kib(pid, "VmHWM:");

    // SIGTERM: the exporter logs out every session and exits.
    let stopping = Instant::now();
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = exporter.0.wait();
    let shutdown = stopping.elapsed();
    mocks.finish();

    let probes = options.rounds * n;
    let first_cpu = cpu_marks[0] - cpu_before;
    let later_cpu = cpu_marks[cpu_marks.len() - 1] - cpu_marks[0];
    let later_probes = (options.rounds - 1) * n;
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!();
    println!("targets                      {n}");
    println!(
        "probes succeeded             {} of {probes}",
        ok.load(Ordering::Relaxed)
    );
    println!("logins (exporter /metrics)   {logins} (targets: {n})");
    println!(
        "peak RSS                     {:.1} MiB (before the first probe {:.1} MiB)",
        peak as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
    println!(
        "CPU, first round (logins)    {first_cpu:.2} s, {:.2} ms per probe",
        first_cpu * 1000.0 / n as f64
    );
    println!(
        "CPU, later rounds            {later_cpu:.2} s, {:.2} ms per probe ({:.1}% of one core)",
        later_cpu * 1000.0 / later_probes as f64,
        later_cpu * 100.0 / (options.interval.as_secs_f64() * (options.rounds - 1) as f64)
    );
    println!(
        "probe latency, later rounds  p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "shutdown (logout of all)     {:.2} s",
        shutdown.as_secs_f64()
    );
    if ok.load(Ordering::Relaxed) != probes || logins != n as f64 {
        eprintln!("failed: every probe must succeed, with one login per target");
        std::process::exit(1);
    }
}

/// One interval: every target probed once, at evenly spread offsets; the latency of
/// each probe.
async fn scrape_round(
    client: &reqwest::Client,
    base: &str,
    names: Arc<Vec<String>>,
    interval: Duration,
    ok: Arc<AtomicUsize>,
) -> Vec<Duration> {
    let start = tokio::time::Instant::now();
    let step = interval / names.len() as u32;
    let mut tasks = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let at = start + step * i as u32;
        let url = format!("{base}/probe?target={name}");
        let client = client.clone();
        let ok = ok.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            let sent = Instant::now();
            let reply = client
                .get(&url)
                .header("X-Prometheus-Scrape-Timeout-Seconds", SCRAPE_TIMEOUT)
                .header("Accept", "application/openmetrics-text;version=1.0.0")
                .send()
                .await;
            if let Ok(reply) = reply
                && reply.status().is_success()
                && reply
                    .text()
                    .await
                    .is_ok_and(|body| body.contains("\nkerio_up 1"))
            {
                ok.fetch_add(1, Ordering::Relaxed);
            }
            sent.elapsed()
        }));
    }
    let mut times = Vec::with_capacity(tasks.len());
    for task in tasks {
        if let Ok(took) = task.await {
            times.push(took);
        }
    }
    tokio::time::sleep_until(start + interval).await;
    times
}

/// User and system CPU time of a process, in seconds (0 where `/proc` has none).
fn cpu_seconds(pid: u32) -> f64 {
    let ticks = clock_ticks();
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let Some((_, rest)) = stat.rsplit_once(") ") else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    (field(11) + field(12)) / ticks
}

/// Clock ticks per second, from `getconf CLK_TCK` (100 where it cannot be asked).
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}
