//! `include_spec!` with params kept positional (`"optional": true, "positional": true`):
//! every form a call passed them in while they were required still compiles and sends the
//! value (`&str`, `&String`, `&Vec<T>`, `&[T; N]`, `&[T]`, integer literals, `bool`, `&T`),
//! and `None` (or an `Option`) leaves them out.

#[path = "../../../../kerio-api/tests/support/mod.rs"]
mod support;

use kerio_api::admin::{Admin, ApiApplication, SearchQuery, SortDirection};
use serde_json::json;
use support::{Appliance, PASSWORD, Reply, USER};

mod extension {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/positional");
}

use extension::AdminExt as _;
use extension::inventory::Find;

#[tokio::main]
async fn main() {
    let appliance = Appliance::start().await;
    let app = ApiApplication::default().name("kerio-macros tests");
    let session = Admin::login(&appliance.client(), USER, PASSWORD, &app)
        .await
        .expect("login");
    appliance.reply("Inventory.find", Reply::result(json!({"list": ["printer"]})));
    let query = SearchQuery::default();
    let owner = String::from("local");
    let ids: Vec<String> = vec!["7".into()];
    let inventory = session.inventory();

    inventory
        .find(&query, "local", &ids, 5, true, &SortDirection::Asc)
        .await
        .unwrap();
    inventory
        .find(&query, &owner, &["8".to_owned()], 10, false, &SortDirection::Desc)
        .await
        .unwrap();
    inventory
        .find(&query, owner.as_str(), &ids[..], Some(3), Some(true), None)
        .await
        .unwrap();
    let found = inventory
        .find(&query, None, None, None, None, None)
        .await
        .unwrap();
    assert_eq!(found.list, ["printer"]);
    session
        .call(&Find::new(&query, None, &ids, None, false, None))
        .await
        .unwrap();

    let sent: Vec<_> = appliance
        .requests_for("Inventory.find")
        .into_iter()
        .map(|r| r.params)
        .collect();
    assert_eq!(
        sent,
        [
            json!({"query": {}, "owner": "local", "ids": ["7"], "limit": 5, "grouped": true, "mode": "Asc"}),
            json!({"query": {}, "owner": "local", "ids": ["8"], "limit": 10, "grouped": false, "mode": "Desc"}),
            json!({"query": {}, "owner": "local", "ids": ["7"], "limit": 3, "grouped": true}),
            json!({"query": {}}),
            json!({"query": {}, "ids": ["7"], "grouped": false}),
        ]
    );
    session.logout().await.unwrap();
}
