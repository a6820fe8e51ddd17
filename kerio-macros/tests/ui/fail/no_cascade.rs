//! One mistake (a parameter written `String`) is the only error: every other item is
//! generated, and the call with the intended `&str` compiles.

use kerio_api::Session;
use kerio_api::admin::Admin;

#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        #[kerio(out = "report")]
        async fn ping(&self, host: String) -> PingReport;

        async fn flush(&self);
    }

    pub struct PingReport {
        pub received: Option<i32>,
    }
}

use firmware::AdminExt as _;

async fn ping(session: &Session<Admin>) -> Option<i32> {
    session.diagnostics().flush().await.unwrap();
    let report: firmware::PingReport = session.diagnostics().ping("gw").await.unwrap().report;
    report.received
}

fn main() {
    drop(ping);
}
