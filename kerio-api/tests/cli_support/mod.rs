//! What the command-line tests share: the `kerio` binary cargo built for the test, run
//! without the user's `KERIO_*` environment, and a mock appliance in the test's process.

#![allow(dead_code)] // each test file uses its own part

use kerio_api::mock::{MockAppliance, MockBuilder};
use serde_json::Value;
use snapbox::cmd::Command;

/// The binary under test.
pub const KERIO: &str = env!("CARGO_BIN_EXE_kerio");

/// A mock appliance serving on a runtime of its own.
pub struct Appliance {
    pub mock: MockAppliance,
    _runtime: tokio::runtime::Runtime,
}

impl Appliance {
    /// A mock serving the APIs named (manifest names; none: Kerio Control's), its user
    /// `tester`.
    pub fn start(apis: &[&str]) -> Appliance {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let builder = apis
            .iter()
            .fold(MockBuilder::default().user("tester"), |b, api| b.api(*api));
        let mock = runtime
            .block_on(builder.start())
            .expect("the mock appliance starts");
        Appliance {
            mock,
            _runtime: runtime,
        }
    }

    /// `kerio` pointed at the appliance, with its user and password, and nothing else of
    /// the user's environment.
    pub fn kerio(&self) -> Command {
        self.anonymous()
            .env("KERIO_USER", self.mock.user())
            .env("KERIO_PASSWORD", self.mock.password())
    }

    /// `kerio` pointed at the appliance, with no user and no password.
    pub fn anonymous(&self) -> Command {
        bare()
            .env("KERIO_URL", self.mock.url())
            .env("KERIO_CERT_SHA256", self.mock.cert_sha256())
    }

    /// The params of every call of `method` the appliance received.
    pub fn calls_of(&self, method: &str) -> Vec<Value> {
        self.mock
            .requests_for(method)
            .into_iter()
            .map(|r| r.params)
            .collect()
    }
}

/// `kerio` without any `KERIO_*` variable.
pub fn bare() -> Command {
    let mut cmd = Command::new(KERIO);
    for (name, _) in std::env::vars() {
        if name.starts_with("KERIO_") {
            cmd = cmd.env_remove(name);
        }
    }
    cmd.env("NO_COLOR", "1")
}

/// Standard output parsed as JSON.
pub fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

/// `kerio mock` running as a process of its own, its banner read up to `ready`; killed
/// when dropped.
pub struct MockProcess {
    child: std::process::Child,
    /// The banner's lines, `ready` last.
    pub lines: Vec<String>,
}

impl MockProcess {
    /// Starts `kerio mock` on a free loopback port, its user `u` and password
    /// `test-only`, with `args` after those.
    pub fn start(args: &[&str]) -> MockProcess {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(KERIO)
            .args(["mock", "--listen", "127.0.0.1:0", "--user", "u"])
            .args(["--password", "test-only"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("kerio mock starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("a line");
            let done = line == "ready";
            lines.push(line);
            if done {
                break;
            }
        }
        MockProcess { child, lines }
    }

    /// The banner's value after `prefix` (as `"url: "`).
    pub fn field(&self, prefix: &str) -> String {
        self.lines
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("{prefix} in {:?}", self.lines))
            .to_owned()
    }

    /// `kerio` pointed at the mock by its banner, with its user and password.
    pub fn kerio(&self) -> Command {
        bare()
            .env("KERIO_URL", self.field("url: "))
            .env("KERIO_USER", "u")
            .env("KERIO_PASSWORD", "test-only")
            .env("KERIO_CERT_SHA256", self.field("sha256: "))
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
