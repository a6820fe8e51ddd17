//! `cargo xtask mock`: serves the mock appliance to other programs.
//!
//! The server is `kerio mock`, kerio-api's command line: xtask builds the `kerio` binary
//! with cargo (xtask does not link kerio-api, so that specs whose generated code does
//! not compile never block `regen`) and then, on Unix, replaces its own process with it
//! (`exec`). So `cargo xtask mock` is one process from start to end (`cargo run`
//! replaces itself with xtask the same way): ending it, by Ctrl-C or by killing its
//! process id, ends the server, and no child is left listening. Elsewhere xtask waits
//! for the server as a child process.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

/// Names a `kerio` binary to run as it is, instead of building one with cargo (the
/// tests, which cargo has built it for, use it).
pub const KERIO_BIN_VAR: &str = "KERIO_BIN";

/// What `cargo xtask mock` was given: the options of `kerio mock`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Address and port to listen on (port 0: any free port).
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
    /// Password the login accepts (made up when not given): a test credential.
    #[arg(long, requires = "user")]
    pub password: Option<String>,
    /// Write the certificate PEM here.
    #[arg(long)]
    pub cert_out: Option<PathBuf>,
    /// Refuse params the spec does not know.
    #[arg(long)]
    pub strict: bool,
}

impl Options {
    /// The arguments of `kerio mock` for these options.
    fn kerio_args(&self) -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> =
            vec!["mock".into(), "--listen".into(), (&self.listen).into()];
        for (flag, value) in [
            ("--captures", &self.captures),
            ("--cert-out", &self.cert_out),
        ] {
            if let Some(v) = value {
                args.push(flag.into());
                args.push(v.into());
            }
        }
        for (flag, value) in [
            ("--state", &self.state),
            ("--user", &self.user),
            ("--password", &self.password),
        ] {
            if let Some(v) = value {
                args.push(flag.into());
                args.push(v.into());
            }
        }
        if self.strict {
            args.push("--strict".into());
        }
        args
    }
}

/// Builds `kerio` (unless [`KERIO_BIN_VAR`] names one) and becomes `kerio mock ...`.
pub fn run(opts: &Options) -> ExitCode {
    let bin = match std::env::var_os(KERIO_BIN_VAR) {
        Some(bin) => PathBuf::from(bin),
        None => match build() {
            Ok(bin) => bin,
            Err(message) => {
                eprintln!("xtask mock: {message}");
                return ExitCode::FAILURE;
            }
        },
    };
    let mut cmd = Command::new(&bin);
    cmd.args(opts.kerio_args());
    become_(cmd, &bin)
}

/// Replaces this process with `cmd` (Unix); returns only when that fails.
#[cfg(unix)]
fn become_(mut cmd: Command, bin: &std::path::Path) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let e = cmd.exec();
    eprintln!("xtask mock: cannot run {}: {e}", bin.display());
    ExitCode::FAILURE
}

/// Runs `cmd` as a child and waits for it (no `exec` outside Unix).
#[cfg(not(unix))]
fn become_(mut cmd: Command, bin: &std::path::Path) -> ExitCode {
    match cmd.status() {
        Ok(status) => ExitCode::from(status.code().map_or(1, |c| c.clamp(0, 255) as u8)),
        Err(e) => {
            eprintln!("xtask mock: cannot run {}: {e}", bin.display());
            ExitCode::FAILURE
        }
    }
}

/// `cargo build -p kerio-api --features cli --bin kerio`; the path of the binary, from
/// cargo's JSON messages (so any target folder works).
fn build() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../kerio-api/Cargo.toml");
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--features", "cli", "--bin", "kerio"])
        .args(["--message-format", "json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(manifest)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err("building the kerio binary failed".into());
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "kerio")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo built no kerio binary".into())
}
