//! The product of an appliance that does not say it, found out at first contact: one
//! login, the products' version reads until one answers, then the product's own reads.

use kerio_api::fleet::{FleetOptions, Product, Status, poll};
use kerio_api::mock::{ApplianceState, Reply};

use super::products::product_mock;
use super::{assert_row, managed, row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_product_is_found_out_with_one_login() {
    let control = product_mock(Product::Control, ApplianceState::Healthy).await;
    let connect = product_mock(Product::Connect, ApplianceState::MailQueueBacklog).await;
    let operator = product_mock(Product::Operator, ApplianceState::LicenseExpired).await;
    // No `product`: the mocks listen on free ports, none a product's default port, so
    // the products are tried in the order Control, Connect, Operator.
    let appliances = [
        managed("control", &control),
        managed("connect", &connect),
        managed("operator", &operator),
    ];
    let report = poll(&appliances, &FleetOptions::default()).await;

    assert_eq!(row(&report, "control").product, Some(Product::Control));
    assert_row(&report, "control", Status::Green, "Online");
    assert_eq!(row(&report, "connect").product, Some(Product::Connect));
    assert_row(
        &report,
        "connect",
        Status::Yellow,
        "The mail queue is backed up",
    );
    assert_eq!(row(&report, "operator").product, Some(Product::Operator));
    assert_row(
        &report,
        "operator",
        Status::Red,
        "The licence expired 30 days ago",
    );

    for (name, mock) in [
        ("control", &control),
        ("connect", &connect),
        ("operator", &operator),
    ] {
        assert_eq!(
            mock.logins(),
            1,
            "{name}: one login for finding out and reading"
        );
        assert_eq!(mock.live_sessions(), 0, "{name}: logged out");
    }
    // The Operator was asked what each product's version read asks, in order.
    let asked: Vec<String> = operator
        .requests()
        .into_iter()
        .map(|c| c.method)
        .take_while(|m| m != "SystemHealth.get" && m != "ProductRegistration.getFullStatus")
        .collect();
    assert_eq!(
        asked[..4],
        [
            "Session.login",
            "ProductInfo.get",
            "Server.getProductInfo",
            "Server.getConstantList"
        ],
        "{asked:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appliance_that_answers_no_version_read_is_a_red_row_that_says_so() {
    let mock = product_mock(Product::Control, ApplianceState::Healthy).await;
    // Control's version read now fails as on a product without it; Connect's and
    // Operator's are not in Control's spec, so the mock does not know them either.
    mock.reply(
        "ProductInfo.get",
        Reply::error(-32601, "Method not found.", &[]),
    );
    let report = poll(&[managed("unknown", &mock)], &FleetOptions::default()).await;
    assert_row(
        &report,
        "unknown",
        Status::Red,
        "The product could not be found out (not Kerio Control: ProductInfo.get is not found there (code -32601); \
         not Kerio Connect: Server.getProductInfo is not found there (code -32601); \
         not Kerio Operator: Server.getConstantList is not found there (code -32601)); \
         set `product` for this appliance",
    );
    assert_eq!(row(&report, "unknown").product, None);
    assert_eq!(mock.live_sessions(), 0, "logged out after trying");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_naming_another_product_does_not_count() {
    let mock = product_mock(Product::Connect, ApplianceState::Healthy).await;
    mock.reply(
        "Server.getProductInfo",
        Reply::result(serde_json::json!({"info": {"productName": "Kerio Operator"}})),
    );
    let report = poll(&[managed("odd", &mock)], &FleetOptions::default()).await;
    let row = row(&report, "odd");
    assert_eq!(row.status, Status::Red, "{row:#?}");
    assert!(
        row.reasons[0]
            .text
            .contains("not Kerio Connect: Server.getProductInfo names \"Kerio Operator\", which is Kerio Operator"),
        "{row:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_product_is_not_tried_out() {
    let mock = product_mock(Product::Operator, ApplianceState::Healthy).await;
    let report = poll(
        &[managed("pbx", &mock).product(Product::Operator)],
        &FleetOptions::default(),
    )
    .await;
    assert_row(&report, "pbx", Status::Green, "Online");
    assert!(mock.requests_for("ProductInfo.get").is_empty());
    assert!(mock.requests_for("Server.getProductInfo").is_empty());
    // And a wrong one costs the reads, not the row's honesty.
    let report = poll(
        &[managed("pbx", &mock).product(Product::Connect)],
        &FleetOptions::default(),
    )
    .await;
    let row = row(&report, "pbx");
    assert_eq!(row.product, Some(Product::Connect));
    assert_eq!(row.status, Status::Yellow, "{row:#?}");
    assert!(
        row.reasons
            .iter()
            .all(|r| r.text.contains("could not be read")),
        "{row:#?}"
    );
}
