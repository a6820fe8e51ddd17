//! `cargo xtask mock` becomes `kerio mock` (one process): killing it leaves nothing
//! listening; its options, `--api` among them, are `kerio mock`'s.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The `kerio` binary cargo built beside xtask's (the workspace's tests build every
/// target; xtask itself does not depend on kerio-api).
fn kerio() -> Option<PathBuf> {
    let xtask = PathBuf::from(env!("CARGO_BIN_EXE_xtask"));
    let kerio = xtask.with_file_name(format!("kerio{}", std::env::consts::EXE_SUFFIX));
    kerio.exists().then_some(kerio)
}

#[test]
fn killing_xtask_mock_leaves_nothing_listening() {
    let Some(kerio) = kerio() else {
        eprintln!(
            "SKIPPED: no kerio binary beside xtask's; `cargo test --workspace --all-targets --all-features` builds it"
        );
        return;
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "mock",
            "--listen",
            "127.0.0.1:0",
            "--user",
            "u",
            "--password",
            "test-only",
            "--api",
            "connect-admin",
        ])
        .env("KERIO_BIN", &kerio)
        .stdout(Stdio::piped())
        .spawn()
        .expect("xtask mock starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut url = None;
    let mut apis = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        if let Some(u) = line.strip_prefix("url: ") {
            url = Some(u.to_owned());
        }
        if let Some(api) = line.strip_prefix("api: ") {
            apis.push(api.split(' ').next().unwrap_or_default().to_owned());
        }
        if line == "ready" {
            break;
        }
    }
    let url = url.expect("xtask mock printed its url");
    assert_eq!(apis, ["connect-admin"], "--api is passed through");
    let addr: SocketAddr = url
        .strip_prefix("https://")
        .and_then(|a| a.parse().ok())
        .expect("an address");
    #[cfg(target_os = "linux")]
    {
        // The process xtask started is the server itself.
        let exe = std::fs::read_link(format!("/proc/{}/exe", child.id())).expect("its exe");
        assert_eq!(exe.file_name(), kerio.file_name(), "{exe:?}");
    }
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_ok());
    child.kill().expect("killed");
    child.wait().expect("ended");
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_err(),
        "something still listens at {addr}"
    );
}
