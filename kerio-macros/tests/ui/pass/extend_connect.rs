//! `#[extend]` on another product's API: a method newer Kerio Connect firmware might add
//! to its shipped `Queue` interface, called on the shipped handle of a Connect
//! administration session against the Connect mock appliance.

use kerio_api::connect::admin::ConnectAdmin;
use kerio_api::mock::{MockBuilder, Reply};
use kerio_api::shared::ApiApplication;
use serde_json::json;

#[kerio_macros::extend(api = "connect-admin")]
mod firmware {
    /// Methods newer firmware adds to `Queue`.
    pub trait Queue {
        /// Age of the oldest queued message, in seconds.
        #[kerio(out = "seconds")]
        async fn get_oldest_age(&self) -> i64;
    }
}

use firmware::QueueExt as _;

#[tokio::main]
async fn main() -> Result<(), kerio_api::Error> {
    let mock = MockBuilder::default().api("connect-admin").start().await?;
    mock.reply("Queue.getOldestAge", Reply::result(json!({"seconds": 90})));
    let client = mock.client_builder().build()?;
    let app = ApiApplication::default().name("ui").vendor("v").version("1");
    let session = ConnectAdmin::login(&client, mock.user(), mock.password(), &app).await?;
    let age = session.queue().get_oldest_age().await?;
    assert_eq!(age.seconds, 90);
    // The shipped methods are untouched.
    session.queue().get(&kerio_api::shared::SearchQuery::new()).await?;
    Ok(())
}
