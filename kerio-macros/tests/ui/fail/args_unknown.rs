#[kerio_macros::extend(api = "admin", trait_name = "FirmwareExt")]
mod firmware {
    pub trait Diagnostics {
        async fn flush(&self);
    }
}

use firmware::AdminExt as _;

async fn flush(session: &kerio_api::Session<kerio_api::admin::Admin>) {
    session.diagnostics().flush().await.unwrap();
}

fn main() {
    drop(flush);
}
