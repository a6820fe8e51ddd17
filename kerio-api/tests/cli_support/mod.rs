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
