//! The mock appliances of the fleet and exporter benchmarks. They run in a child process
//! of the benchmark (`serve …`), so that what is measured runs alone: the child starts
//! them, prints one line per appliance and serves until its standard input closes.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

use kerio_api::mock::{MockAppliance, MockBuilder};

/// One served appliance, as the measuring process reads it.
pub struct Served {
    /// Its address.
    pub url: String,
    /// SHA-256 of its certificate, to pin.
    pub pin: String,
    /// Its administrator.
    pub user: String,
    /// The administrator's password.
    pub password: String,
}

/// In the child: starts one mock appliance per builder, prints `url pin user password`
/// a line, serves until standard input closes and then prints on standard error what
/// the appliances served.
pub fn serve(builders: Vec<MockBuilder>) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let mut mocks = Vec::with_capacity(builders.len());
        for builder in builders {
            match builder.start().await {
                Ok(mock) => mocks.push(mock),
                Err(e) => {
                    eprintln!("a mock appliance does not start: {e}");
                    std::process::exit(1);
                }
            }
        }
        let mut out = std::io::stdout().lock();
        for m in &mocks {
            let (url, pin) = (m.url(), m.cert_sha256());
            writeln!(out, "{url} {pin} {} {}", m.user(), m.password()).expect("write");
        }
        out.flush().expect("flush");
        drop(out);
        tokio::task::spawn_blocking(|| {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
        })
        .await
        .expect("wait for stdin");
        let logins: usize = mocks.iter().map(MockAppliance::logins).sum();
        let live: usize = mocks.iter().map(MockAppliance::live_sessions).sum();
        let connections: usize = mocks.iter().map(MockAppliance::connections).sum();
        eprintln!(
            "mock appliances: {logins} logins served, {connections} TCP connections \
             accepted, {live} sessions still open"
        );
    });
}

/// The child serving the mock appliances, seen from the measuring process; killed when
/// dropped before [`finish`](Self::finish).
pub struct MockServer(Child);

impl MockServer {
    /// Runs this program with `serve` and `args`, and reads the `n` appliances it serves.
    pub fn start(args: &[&str], n: usize) -> (MockServer, Vec<Served>) {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .arg("serve")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the mock appliances");
        let lines = BufReader::new(child.stdout.take().expect("mock stdout"));
        let served: Vec<Served> = lines
            .lines()
            .take(n)
            .map(|line| {
                let line = line.expect("mock line");
                let [url, pin, user, password] = line.split(' ').collect::<Vec<_>>()[..] else {
                    panic!("bad mock line");
                };
                Served {
                    url: url.into(),
                    pin: pin.into(),
                    user: user.into(),
                    password: password.into(),
                }
            })
            .collect();
        assert_eq!(served.len(), n, "the mock appliances did not all start");
        (MockServer(child), served)
    }

    /// Closes the child's standard input and waits for it to print its counts and end.
    pub fn finish(mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// A figure of `/proc/PID/status` in KiB (`pid` a number or `self`; 0 where there is
/// none, as outside Linux).
pub fn status_kib(pid: impl std::fmt::Display, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
