//! State of the `get` / `create` / `set` / `remove` interfaces, through the typed client.

use kerio_api::admin::{IpAddressEntry, IpAddressGroupType, SearchQuery, StoreStatus};
use kerio_api::mock::MockAppliance;

use crate::login;

fn named(entries: &[IpAddressEntry], group: &str) -> Vec<IpAddressEntry> {
    entries
        .iter()
        .filter(|e| e.group_name.as_deref() == Some(group))
        .cloned()
        .collect()
}

#[tokio::test]
async fn an_ip_address_group_is_created_listed_set_and_removed() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    let groups = session.ip_address_groups();
    let all = SearchQuery::default();

    let before = groups.get(&all).await.expect("first get");
    assert!(named(&before.list, "Office printers").is_empty());

    let entry = IpAddressEntry::default()
        .group_name("Office printers")
        .r#type(IpAddressGroupType::Host)
        .host("192.0.2.40")
        .enabled(true);
    let created = groups
        .create(std::slice::from_ref(&entry))
        .await
        .expect("create");
    assert!(created.errors.is_empty(), "{:?}", created.errors);
    let id = created.result[0].id.clone().expect("an id");

    let listed = groups.get(&all).await.expect("get after create");
    let mine = named(&listed.list, "Office printers");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id.as_ref(), Some(&id));
    assert_eq!(mine[0].host.as_deref(), Some("192.0.2.40"));
    assert_eq!(mine[0].status, Some(StoreStatus::StoreStatusNew));
    assert_eq!(listed.total_items, before.total_items + 1);

    let change = IpAddressEntry::default()
        .host("192.0.2.41")
        .description("second floor");
    let errors = groups
        .set(std::slice::from_ref(&id), &change)
        .await
        .expect("set")
        .errors;
    assert!(errors.is_empty());
    let listed = groups.get(&all).await.expect("get after set");
    let mine = named(&listed.list, "Office printers");
    assert_eq!(mine[0].host.as_deref(), Some("192.0.2.41"));
    assert_eq!(mine[0].description.as_deref(), Some("second floor"));
    assert_eq!(
        mine[0].enabled,
        Some(true),
        "set keeps what it does not name"
    );

    groups.apply().await.expect("apply");
    let listed = groups.get(&all).await.expect("get after apply");
    assert_eq!(
        named(&listed.list, "Office printers")[0].status,
        Some(StoreStatus::StoreStatusClean)
    );

    let errors = groups
        .remove(std::slice::from_ref(&id))
        .await
        .expect("remove")
        .errors;
    assert!(errors.is_empty());
    let listed = groups.get(&all).await.expect("get after remove");
    assert!(named(&listed.list, "Office printers").is_empty());
    assert_eq!(listed.total_items, before.total_items);

    let errors = groups
        .remove(std::slice::from_ref(&id))
        .await
        .expect("remove again")
        .errors;
    assert_eq!(errors.len(), 1, "a second removal names the missing id");
    assert_eq!(errors[0].code, Some(1002));
}

#[tokio::test]
async fn reset_returns_to_the_applied_list() {
    let mock = MockAppliance::start().await.expect("mock");
    let (_client, session) = login(&mock).await;
    let groups = session.ip_address_groups();
    let all = SearchQuery::default();
    let before = groups.get(&all).await.expect("get").total_items;
    let entry = IpAddressEntry::default()
        .group_name("Lab")
        .host("192.0.2.9");
    groups.create(&[entry]).await.expect("create");
    assert_eq!(groups.get(&all).await.expect("get").total_items, before + 1);
    groups.reset().await.expect("reset");
    assert_eq!(groups.get(&all).await.expect("get").total_items, before);
}
