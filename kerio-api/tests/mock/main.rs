//! The mock appliance (`kerio_api::mock`) through the typed client and raw calls.

mod crud;
mod paths;
#[cfg(all(feature = "connect-admin", feature = "operator-admin"))]
mod products;
mod python;
mod requests;
mod state;

use kerio_api::admin::{Admin, ApiApplication};
use kerio_api::mock::{MockAppliance, MockBuilder};
use kerio_api::{Client, Session};

/// A client and an admin session on a mock.
pub async fn login(mock: &MockAppliance) -> (Client, Session<Admin>) {
    let client = mock.client_builder().build().expect("client");
    let app = ApiApplication::default().name("kerio-api mock tests");
    let session = Admin::login(&client, mock.user(), mock.password(), &app)
        .await
        .expect("login");
    (client, session)
}

/// Starts a mock built by `builder`.
pub async fn start(builder: MockBuilder) -> MockAppliance {
    builder.start().await.expect("mock starts")
}

/// A method with any name and any params, to send what typed code cannot.
#[macro_export]
macro_rules! raw_method {
    ($ty:ident, $name:literal) => {
        #[derive(serde::Serialize)]
        #[serde(transparent)]
        pub struct $ty(pub serde_json::Value);

        impl kerio_api::Method for $ty {
            type Api = kerio_api::admin::Admin;
            const NAME: &'static str = $name;
            type Wire = serde_json::Value;
            type Output = serde_json::Value;
            fn output(wire: serde_json::Value) -> serde_json::Value {
                wire
            }
        }
    };
}
