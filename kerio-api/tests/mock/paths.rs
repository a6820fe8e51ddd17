//! Where the API is: the address a browser shows is accepted as the appliance's, a URL
//! without a scheme gets a hint, and a path nothing is served at is an HTTP 404 that the
//! login explains.

use kerio_api::admin::{Admin, ApiApplication};
use kerio_api::mock::MockAppliance;
use kerio_api::{Client, Error};

fn pinned(mock: &MockAppliance, base: &str) -> Client {
    Client::builder(base)
        .no_proxy()
        .pin_sha256(mock.cert_sha256())
        .expect("pin")
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_address_a_browser_shows_is_the_appliance() {
    let mock = MockAppliance::start().await.expect("mock");
    let app = ApiApplication::default();
    for path in [
        "/admin/",
        "/admin",
        "/admin/#dashboard",
        "/admin/api/jsonrpc/",
    ] {
        let client = pinned(&mock, &format!("{}{path}", mock.url()));
        assert_eq!(client.base_url(), mock.url(), "{path}");
        let session = Admin::login(&client, mock.user(), mock.password(), &app)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        session.logout().await.expect("logout");
    }
}

#[tokio::test]
async fn a_url_without_a_scheme_gets_a_hint() {
    let err = Client::builder("fw.example.com:4081").build().unwrap_err();
    assert!(
        err.to_string()
            .contains("add https:// (`https://fw.example.com:4081`)"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unknown_path_is_a_404_and_the_login_says_the_path_is_wrong() {
    let mock = MockAppliance::start().await.expect("mock");
    // A reverse proxy prefix that is not one: the login names the URL and the fix.
    let client = pinned(&mock, &format!("{}/somewhere", mock.url()));
    let err = Admin::login(
        &client,
        mock.user(),
        mock.password(),
        &ApiApplication::default(),
    )
    .await
    .unwrap_err();
    // What the mock's web server answered there, as an appliance's would: HTTP 404.
    match &err {
        Error::WrongEndpoint { url, reason, .. } => {
            assert!(url.ends_with("/somewhere/admin/api/jsonrpc/"), "{url}");
            assert!(
                matches!(**reason, Error::Http { status: 404, .. }),
                "{reason:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("scheme, host and port"), "{text}");
    assert!(text.contains("api_path"), "{text}");
    assert!(!text.contains(mock.password()), "{text}");
    // The same for a wrong API path.
    let client = mock
        .client_builder()
        .api_path("admin", "/admin/api/json/")
        .build()
        .expect("client");
    let err = Admin::login(
        &client,
        mock.user(),
        mock.password(),
        &ApiApplication::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::WrongEndpoint { .. }), "{err:?}");
}
