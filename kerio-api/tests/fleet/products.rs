//! A fleet of mixed products over mock appliances: Kerio Control, Kerio Connect and
//! Kerio Operator mocks in their states, each row with its product, colour and reasons
//! with their figures, and one report across products.

use kerio_api::fleet::{Appliance, FleetOptions, Product, Status, poll};
use kerio_api::mock::{
    ApplianceState, CONNECT_CURRENT_VERSION, CONNECT_OLDER_VERSION, CURRENT_VERSION, MockAppliance,
    OPERATOR_CURRENT_VERSION, OPERATOR_OLDER_VERSION,
};

use super::{managed, row};

/// The API a product's mock serves: its administration.
pub(crate) fn api(product: Product) -> &'static str {
    match product {
        Product::Connect => "connect-admin",
        Product::Operator => "operator-admin",
        _ => "admin",
    }
}

pub(crate) async fn product_mock(product: Product, state: ApplianceState) -> MockAppliance {
    MockAppliance::builder()
        .api(api(product))
        .state(state)
        .start()
        .await
        .expect("mock appliance starts")
}

/// One appliance of the fleet: its product and state, and what its row must show.
struct Case {
    product: Product,
    state: ApplianceState,
    status: Status,
    /// Each is in one of the row's reasons.
    says: &'static [&'static str],
    version: &'static str,
}

const CASES: &[Case] = &[
    Case {
        product: Product::Control,
        state: ApplianceState::Healthy,
        status: Status::Green,
        says: &["Online, nothing needs attention", "licence valid for"],
        version: CURRENT_VERSION,
    },
    Case {
        product: Product::Connect,
        state: ApplianceState::Healthy,
        status: Status::Green,
        says: &[
            "Online, nothing needs attention: memory 35% of 8.0 GiB in use, \
             disk 312.0 GiB free of 500.0 GiB (62%), licence valid for 365 more days, \
             software maintenance valid for 365 more days, mail queue 4 messages waiting, 142 kilobytes",
        ],
        version: CONNECT_CURRENT_VERSION,
    },
    Case {
        product: Product::Connect,
        state: ApplianceState::UpdateAvailable,
        status: Status::Yellow,
        says: &[
            "An update is available (running 10.0.6 build 8504): Kerio Connect 10.1.0 build 9001 is available",
        ],
        version: CONNECT_OLDER_VERSION,
    },
    Case {
        product: Product::Connect,
        state: ApplianceState::LowMemory,
        status: Status::Yellow,
        says: &["Memory is low: 95% of 8.0 GiB in use over the last two hours"],
        version: CONNECT_CURRENT_VERSION,
    },
    Case {
        product: Product::Connect,
        state: ApplianceState::LicenseExpired,
        status: Status::Red,
        says: &[
            "The licence expired 30 days ago",
            "The software maintenance expired 30 days ago",
        ],
        version: CONNECT_CURRENT_VERSION,
    },
    Case {
        product: Product::Connect,
        state: ApplianceState::DiskFull,
        status: Status::Red,
        says: &["The disk is nearly full: 5.0 GiB free of 500.0 GiB (1%)"],
        version: CONNECT_CURRENT_VERSION,
    },
    Case {
        product: Product::Connect,
        state: ApplianceState::MailQueueBacklog,
        status: Status::Yellow,
        says: &["The mail queue is backed up: 240 messages waiting, 8197 kilobytes"],
        version: CONNECT_CURRENT_VERSION,
    },
    Case {
        product: Product::Operator,
        state: ApplianceState::Healthy,
        status: Status::Green,
        says: &[
            "Online, nothing needs attention: disk 88.0 GiB free of 120.0 GiB (73%), \
             licence valid for 365 more days, software maintenance valid for 365 more days",
        ],
        version: OPERATOR_CURRENT_VERSION,
    },
    Case {
        // No update method is known for Operator: only the older version shows.
        product: Product::Operator,
        state: ApplianceState::UpdateAvailable,
        status: Status::Green,
        says: &["Online, nothing needs attention"],
        version: OPERATOR_OLDER_VERSION,
    },
    Case {
        // The unit of Operator's memory figures is unknown: memory is not judged.
        product: Product::Operator,
        state: ApplianceState::LowMemory,
        status: Status::Green,
        says: &["Online, nothing needs attention: disk"],
        version: OPERATOR_CURRENT_VERSION,
    },
    Case {
        product: Product::Operator,
        state: ApplianceState::LicenseExpired,
        status: Status::Red,
        says: &[
            "The licence expired 30 days ago",
            "The software maintenance expired 30 days ago",
        ],
        version: OPERATOR_CURRENT_VERSION,
    },
    Case {
        product: Product::Operator,
        state: ApplianceState::DiskFull,
        status: Status::Red,
        says: &["The disk is nearly full: 1.2 GiB free of 120.0 GiB (1%)"],
        version: OPERATOR_CURRENT_VERSION,
    },
];

fn name(case: &Case) -> String {
    format!("{} {}", case.product, case.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_product_gets_its_colour_and_reasons_with_their_figures() {
    let mut mocks = Vec::new();
    for case in CASES {
        mocks.push(product_mock(case.product, case.state).await);
    }
    let appliances: Vec<Appliance> = CASES
        .iter()
        .zip(&mocks)
        .map(|(case, mock)| managed(&name(case), mock).product(case.product))
        .collect();
    let report = poll(&appliances, &FleetOptions::default()).await;

    for case in CASES {
        let row = row(&report, &name(case));
        assert_eq!(row.product, Some(case.product), "{row:#?}");
        assert_eq!(row.status, case.status, "{row:#?}");
        assert_eq!(row.version.as_deref(), Some(case.version), "{row:#?}");
        assert!(
            row.reasons.iter().all(|r| r.status == case.status),
            "only the state's own issues: {row:#?}"
        );
        for says in case.says {
            assert!(
                row.reasons.iter().any(|r| r.text.contains(says)),
                "{}: expected a reason saying {says:?}, got {:#?}",
                name(case),
                row.reasons
            );
        }
    }
    for (case, mock) in CASES.iter().zip(&mocks) {
        assert_eq!(mock.logins(), 1, "{}: one login", name(case));
        assert_eq!(mock.live_sessions(), 0, "{}: logged out", name(case));
    }

    // One report across products: the product in every form.
    let table = report.to_table(false);
    let header = table.lines().next().unwrap_or_default();
    assert!(header.starts_with("STATUS  NAME"), "{table}");
    assert!(header.contains("PRODUCT"), "{table}");
    for product in ["control", "connect", "operator"] {
        assert!(
            table.lines().any(|l| l.contains(&format!(" {product} "))),
            "{product} in the table:\n{table}"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("JSON");
    let products: Vec<&str> = json["appliances"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["product"].as_str())
        .collect();
    assert_eq!(products.len(), CASES.len(), "{json}");
    assert!(products.contains(&"operator") && products.contains(&"connect"));
    let html = report.to_html();
    assert!(html.contains("data-product=\"connect\"") && html.contains("<td>Kerio Operator</td>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_and_operator_are_read_without_a_batch_in_either_mode() {
    let connect = product_mock(Product::Connect, ApplianceState::Healthy).await;
    let operator = product_mock(Product::Operator, ApplianceState::Healthy).await;
    for mode in [
        kerio_api::fleet::ReadMode::Batch,
        kerio_api::fleet::ReadMode::Concurrent,
    ] {
        let report = poll(
            &[
                managed("connect", &connect).product(Product::Connect),
                managed("operator", &operator).product(Product::Operator),
            ],
            &FleetOptions::default().read_mode(mode),
        )
        .await;
        assert!(
            report.appliances.iter().all(|a| a.status == Status::Green),
            "{report:#?}"
        );
    }
    let mut methods: Vec<String> = connect.requests().into_iter().map(|c| c.method).collect();
    methods.sort();
    methods.dedup();
    assert_eq!(
        methods,
        [
            "ProductRegistration.getFullStatus",
            "Queue.get",
            "Server.getProductInfo",
            "Session.login",
            "Session.logout",
            "SystemHealth.get"
        ]
    );
    assert!(operator.requests().iter().all(|c| !c.batch));
    // The queue is asked for one message: only its count and volume are judged.
    let queue = connect.requests_for("Queue.get");
    assert_eq!(
        queue[0].params["query"]["limit"], 1,
        "{:?}",
        queue[0].params
    );
}
