//! `kerio_exporter`: a multi-target Prometheus exporter for the Kerio appliances of a
//! fleet file (see `kerio_api::exporter`).
//!
//! ```text
//! kerio_exporter --config fleet.toml [--listen 127.0.0.1:9783]
//! kerio_exporter --config fleet.toml --file-sd targets.json    # write the targets, exit
//! kerio_exporter --config fleet.toml --check                   # check the file, exit
//! ```
//!
//! Exit codes: 0 after a clean shutdown (SIGINT or SIGTERM; every session is logged out
//! first), 1 when serving fails, 2 when the arguments or the fleet file are wrong.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use kerio_api::exporter::{DEFAULT_LISTEN, Exporter, ExporterConfig};

/// A multi-target Prometheus exporter for Kerio appliances.
#[derive(Debug, Parser)]
#[command(name = "kerio_exporter", version)]
struct Args {
    /// The fleet file: appliances, credentials, trust, and the `[exporter]` section.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Where to listen (default: `listen` of the file, else 127.0.0.1:9783).
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<SocketAddr>,
    /// Writes the targets for Prometheus's file service discovery to FILE and exits.
    #[arg(long, value_name = "FILE")]
    file_sd: Option<PathBuf>,
    /// Checks the fleet file and exits.
    #[arg(long)]
    check: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber_init();
    let args = Args::parse();
    let config = match ExporterConfig::load(&args.config) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("kerio_exporter: {e}");
            return ExitCode::from(2);
        }
    };
    let listen = args.listen.or(config.listen);
    let exporter = match Exporter::new(config) {
        Ok(exporter) => exporter,
        Err(e) => {
            eprintln!("kerio_exporter: {e}");
            return ExitCode::from(2);
        }
    };
    if args.check {
        println!(
            "kerio_exporter: {} targets, modules {}",
            exporter.targets().count(),
            exporter
                .config()
                .modules
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
        return ExitCode::SUCCESS;
    }
    if let Some(path) = &args.file_sd {
        // Appliances without `product` are found out (one login each), then logged out.
        exporter.find_products(Duration::from_secs(30)).await;
        let written = std::fs::write(path, exporter.service_discovery() + "\n");
        exporter.logout_all().await;
        return match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kerio_exporter: cannot write {}: {e}", path.display());
                ExitCode::FAILURE
            }
        };
    }
    let listen = match listen {
        Some(addr) => addr,
        None => match DEFAULT_LISTEN.parse() {
            Ok(addr) => addr,
            Err(_) => return ExitCode::FAILURE,
        },
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("kerio_exporter: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        // Scripts (and the benchmark) read the address from this line.
        Ok(addr) => println!("kerio_exporter: listening on http://{addr}/"),
        Err(e) => eprintln!("kerio_exporter: no local address: {e}"),
    }
    match exporter.serve(listener, shutdown()).await {
        Ok(()) => {
            eprintln!("kerio_exporter: stopped, sessions logged out");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kerio_exporter: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Logs to standard error, filtered by `RUST_LOG` (default: warnings).
fn tracing_subscriber_init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
