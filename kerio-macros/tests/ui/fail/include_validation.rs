mod firmware {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/invalid");
}

use firmware::AdminExt as _;

/// The sound part of the spec is still generated.
async fn flush(session: &kerio_api::Session<kerio_api::admin::Admin>) {
    session.diagnostics().flush().await.unwrap();
}

fn main() {
    drop(flush);
}
