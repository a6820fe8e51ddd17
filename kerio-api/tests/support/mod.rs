//! The loopback appliance of kerio-api's tests and benchmarks: [`kerio_api::mock`] with
//! the tests' credentials, certificates made here and short client timeouts.
//!
//! Include it with `mod support;` from a test in `tests/`, or with
//! `#[path = "../tests/support/mod.rs"] mod support;` from a bench.
//!
//! Everything the mock does applies (see its documentation): the login of [`USER`] /
//! [`PASSWORD`] with token and cookies, `X-Token` checked, `-32001`, logout, `Batch.run`,
//! params checked against the spec, replies made up from the spec. Handlers registered
//! with [`Appliance::on`], [`Appliance::reply`] or [`Appliance::replies`] answer any
//! method, spec'd or not, with a [`Reply`]: canned results, errors, other HTTP statuses,
//! HTML pages, broken bodies, delays, dropped connections. The Statistics API is also
//! served at `/lib/api/jsonrpc/`, as some firmware does.
#![allow(dead_code, unused_imports)]

mod certs;
mod traces;

use std::time::Duration;

use kerio_api::mock::{Faults, MockAppliance, MockBuilder};

pub use certs::{CertKind, TestCert, default_names};
pub use kerio_api::mock::{
    JSON_RPC, Reply, RpcCall, SESSION_COOKIE, STATS_SESSION_COOKIE, STATS_TOKEN_COOKIE,
    TOKEN_COOKIE, Upload, pattern_byte, session_cookie_names,
};
pub use kerio_api::{DOWNLOAD, UPLOAD};
pub use traces::TraceCapture;

/// The user name the appliance accepts.
pub const USER: &str = "admin";
/// The password the appliance accepts.
pub const PASSWORD: &str = "Corr3ct-Horse-Battery-Staple";
/// The login method.
pub const LOGIN: &str = "Session.login";
/// The logout method.
pub const LOGOUT: &str = "Session.logout";

/// Chooses the appliance's certificate and faults before starting it.
#[derive(Default)]
pub struct ApplianceBuilder {
    cert: CertKind,
    forget_requests: bool,
    faults: Faults,
    strict: bool,
}

impl ApplianceBuilder {
    /// Does not keep the requests it receives (for benchmarks, which send millions).
    pub fn forget_requests(mut self) -> Self {
        self.forget_requests = true;
        self
    }

    /// Sends every JSON-RPC reply in two writes (headers and the body's first byte, then
    /// the rest), as servers that write headers and body apart do.
    pub fn split_replies(mut self) -> Self {
        self.faults = self.faults.split_replies(true);
        self
    }

    /// The kind of certificate (default: self-signed for localhost and 127.0.0.1).
    pub fn cert(mut self, kind: CertKind) -> Self {
        self.cert = kind;
        self
    }

    /// Sets `TCP_NODELAY` on accepted connections (on by default); off leaves Nagle's
    /// algorithm on, as on a server that does not change it (what real appliances do is
    /// not known).
    pub fn tcp_nodelay(mut self, enabled: bool) -> Self {
        self.faults = self.faults.nagle(!enabled);
        self
    }

    /// Faults to play (see [`Faults`]).
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Refuses params and enum values the spec does not know (see [`MockBuilder::strict`]).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Starts serving on 127.0.0.1 on a free port, in the current tokio runtime.
    pub async fn start(self) -> Appliance {
        let cert = TestCert::generate(&self.cert);
        let mut builder: MockBuilder = MockAppliance::builder()
            .credentials(USER, PASSWORD)
            .identity(cert.der.clone(), cert.key_der.clone())
            .api_path("stats", "/lib/api/jsonrpc/")
            .faults(self.faults)
            .strict(self.strict);
        if self.forget_requests {
            builder = builder.forget_requests();
        }
        let mock = builder.start().await.expect("the mock appliance starts");
        Appliance {
            base_url: mock.url(),
            mock,
            cert,
        }
    }
}

/// A running test appliance; stops serving when dropped. Dereferences to the
/// [`MockAppliance`] for handlers, request logs, sessions, uploads and served files.
pub struct Appliance {
    base_url: String,
    mock: MockAppliance,
    cert: TestCert,
}

impl std::ops::Deref for Appliance {
    type Target = MockAppliance;

    fn deref(&self) -> &MockAppliance {
        &self.mock
    }
}

impl Appliance {
    /// Starts an appliance with a self-signed certificate for localhost and 127.0.0.1.
    pub async fn start() -> Appliance {
        ApplianceBuilder::default().start().await
    }

    /// Configures an appliance before starting it.
    pub fn builder() -> ApplianceBuilder {
        ApplianceBuilder::default()
    }

    /// `https://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server certificate (DER, PEM, SHA-256, and CA PEM when CA-issued).
    pub fn cert(&self) -> &TestCert {
        &self.cert
    }

    /// A client builder for this appliance: certificate pinned, proxies ignored, short
    /// timeouts so that a broken test fails fast.
    pub fn client_builder(&self) -> kerio_api::ClientBuilder {
        kerio_api::Client::builder(&self.base_url)
            .pin_sha256(&self.cert.sha256)
            .expect("valid pin")
            .no_proxy()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
    }

    /// A pinned client for this appliance.
    pub fn client(&self) -> kerio_api::Client {
        self.client_builder().build().expect("client")
    }
}

/// Runs a test body, failing instead of hanging when it does not finish in a minute
/// (a hang guard, not a timing assertion).
pub async fn guarded<F: std::future::Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test did not finish within a minute: something hangs")
}
