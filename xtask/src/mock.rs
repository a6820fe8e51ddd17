//! `cargo xtask mock`: serves the mock appliance to other programs.
//!
//! The server is kerio-api's `mock_server` example, run through cargo, so that xtask
//! itself does not build the mock.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// What `cargo xtask mock` was given.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:4081")]
    pub listen: String,
    /// A folder of HAR captures whose replies are replayed.
    #[arg(long)]
    pub captures: Option<PathBuf>,
    /// healthy, update-available, low-memory or license-expired.
    #[arg(long)]
    pub state: Option<String>,
    /// User name the login accepts (default admin).
    #[arg(long)]
    pub user: Option<String>,
    /// Password the login accepts (made up when not given).
    #[arg(long, requires = "user")]
    pub password: Option<String>,
    /// Write the certificate PEM here.
    #[arg(long)]
    pub cert_out: Option<PathBuf>,
    /// Refuse params the spec does not know.
    #[arg(long)]
    pub strict: bool,
}

/// Runs `cargo run -p kerio-api --example mock_server -- ...` until it ends.
pub fn run(opts: &Options) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "run",
        "--quiet",
        "-p",
        "kerio-api",
        "--example",
        "mock_server",
        "--",
    ]);
    cmd.args(["--listen", &opts.listen]);
    let mut path_arg = |flag: &str, value: &Option<PathBuf>| {
        if let Some(v) = value {
            cmd.arg(flag).arg(v);
        }
    };
    path_arg("--captures", &opts.captures);
    path_arg("--cert-out", &opts.cert_out);
    for (flag, value) in [
        ("--state", &opts.state),
        ("--user", &opts.user),
        ("--password", &opts.password),
    ] {
        if let Some(v) = value {
            cmd.args([flag, v]);
        }
    }
    if opts.strict {
        cmd.arg("--strict");
    }
    match cmd.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(status.code().map_or(1, |c| c.clamp(1, 255) as u8)),
        Err(e) => {
            eprintln!("xtask mock: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
