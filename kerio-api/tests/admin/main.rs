//! The generated Administration API against the loopback test appliance: typed calls,
//! partial requests, realistic replies, errors and the session's life cycle.

#[path = "../support/mod.rs"]
mod support;

mod calls;
mod enums;
mod errors;
mod example;

use kerio_api::admin::{Admin, ApiApplication};
use kerio_api::{Error, Session};

use support::{Appliance, PASSWORD, USER};

/// How the tests introduce themselves.
fn app() -> ApiApplication {
    ApiApplication::default()
        .name("kerio-rs tests")
        .vendor("kerio-rs")
        .version(env!("CARGO_PKG_VERSION"))
}

/// Logs in to a fresh appliance with the generated login.
async fn logged_in() -> (Appliance, Session<Admin>) {
    let appliance = Appliance::start().await;
    let session = Admin::login(&appliance.client(), USER, PASSWORD, &app())
        .await
        .unwrap_or_else(|e: Error| panic!("login failed: {e}"));
    (appliance, session)
}
