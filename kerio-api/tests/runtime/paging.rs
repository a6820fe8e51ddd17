//! Paging a list method through `kerio_api::paging::pages`.

use futures_util::TryStreamExt;
use kerio_api::paging::pages;
use serde_json::{Value, json};

use crate::api::{GetHosts, Host, admin_login};
use crate::support::{Appliance, Reply, guarded};

#[tokio::test]
async fn pages_of_a_list_method_become_one_stream() {
    guarded(async {
        let app = Appliance::start().await;
        app.on("ActiveHosts.get", |call| {
            let start = call.params["query"]["start"].as_i64().unwrap_or(0);
            let limit = call.params["query"]["limit"].as_i64().unwrap_or(-1);
            let all: Vec<Value> = (0..25)
                .map(|n| json!({"id": n.to_string(), "hostname": format!("pc-{n}")}))
                .collect();
            let end = if limit < 0 {
                25
            } else {
                (start + limit).min(25)
            };
            let page = all.get(start as usize..end as usize).unwrap_or_default();
            Reply::result(json!({"list": page, "totalItems": 25}))
        });
        let session = app.client().login(&admin_login()).await.unwrap();
        let hosts: Vec<Host> = pages(10, |start, limit| {
            let session = session.clone();
            async move {
                let query = json!({"start": start, "limit": limit});
                let page = session.call(&GetHosts { query }).await?;
                Ok((page.list, page.total_items))
            }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(hosts.len(), 25);
        assert_eq!(hosts[24].hostname, "pc-24");
        let starts: Vec<i64> = app
            .requests_for("ActiveHosts.get")
            .iter()
            .map(|c| c.params["query"]["start"].as_i64().unwrap())
            .collect();
        assert_eq!(starts, [0, 10, 20]);

        // An error ends the stream, after the items before it.
        app.expire_sessions();
        let items: Vec<_> =
            futures_util::StreamExt::collect::<Vec<_>>(pages(10, |start, limit| {
                let session = session.clone();
                async move {
                    let query = json!({"start": start, "limit": limit});
                    let page = session.call(&GetHosts { query }).await?;
                    Ok((page.list, page.total_items))
                }
            }))
            .await;
        assert_eq!(items.len(), 1);
        assert!(items[0].as_ref().unwrap_err().is_session_expired());
    })
    .await;
}
