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
    /// An API to serve, by its manifest name (repeatable; default: Kerio Control's).
    #[arg(long = "api", value_name = "NAME")]
    pub apis: Vec<String>,
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
        for api in &self.apis {
            args.push("--api".into());
            args.push(api.into());
        }
        args
    }
}

/// Builds `kerio` (unless [`KERIO_BIN_VAR`] names one) and becomes `kerio mock ...`.
pub fn run(opts: &Options) -> ExitCode {
    let bin = match std::env::var_os(KERIO_BIN_VAR) {
        Some(bin) => PathBuf::from(bin),
        None => match build(&features(&spec_root(), &opts.apis)) {
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

/// The workspace's spec set.
fn spec_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

/// The Cargo features of kerio-api that `kerio` is built with to serve `apis`: `cli`,
/// and the `feature` of each named API's manifest (so that the same `kerio` can also
/// call the mock it serves, `kerio --api connect-admin ...`). A name no manifest has is
/// left for `kerio mock` to refuse with the list of APIs.
pub fn features(spec_root: &std::path::Path, apis: &[String]) -> Vec<String> {
    let mut features = vec!["cli".to_owned()];
    let Ok(dirs) = std::fs::read_dir(spec_root) else {
        return features;
    };
    for dir in dirs.flatten() {
        let Ok(text) = std::fs::read_to_string(dir.path().join("api.json")) else {
            continue;
        };
        let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let api = &manifest["api"];
        if let (Some(name), Some(feature)) = (api["name"].as_str(), api["feature"].as_str())
            && apis.iter().any(|a| a == name)
            && !features.iter().any(|f| f == feature)
        {
            features.push(feature.to_owned());
        }
    }
    // In name order, whatever order the folder lists them in.
    features[1..].sort();
    features
}

/// `cargo build -p kerio-api --features cli,... --bin kerio`; the path of the binary,
/// from cargo's JSON messages (so any target folder works).
fn build(features: &[String]) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../kerio-api/Cargo.toml");
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--bin", "kerio", "--features"])
        .arg(features.join(","))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_apis_bring_their_features_and_pass_through() {
        let root = spec_root();
        assert_eq!(features(&root, &[]), ["cli"]);
        let apis = ["connect-admin".to_owned(), "connect-client".to_owned()];
        assert_eq!(
            features(&root, &apis),
            ["cli", "connect-admin", "connect-client"].map(String::from)
        );
        assert_eq!(
            features(
                &root,
                &["admin".into(), "operator-admin".into(), "nope".into()]
            ),
            ["cli", "operator-admin"].map(String::from)
        );
        let options = Options {
            apis: apis.to_vec(),
            listen: "127.0.0.1:0".into(),
            captures: None,
            state: None,
            user: None,
            password: None,
            cert_out: None,
            strict: false,
        };
        let args: Vec<String> = options
            .kerio_args()
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "mock",
                "--listen",
                "127.0.0.1:0",
                "--api",
                "connect-admin",
                "--api",
                "connect-client"
            ]
        );
    }
}
