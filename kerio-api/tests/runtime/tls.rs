//! Certificate checks: pins, custom CAs, the platform trust store, the dangerous opt-out.

use std::time::Duration;

use kerio_api::{Client, ClientBuilder, Error, TlsErrorKind};

use crate::api::admin_login;
use crate::support::{Appliance, CertKind, default_names};

/// A client builder for the appliance with no TLS settings of its own.
fn unpinned(app: &Appliance) -> ClientBuilder {
    Client::builder(app.base_url())
        .no_proxy()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
}

fn tls_error(result: Result<impl std::fmt::Debug, Error>) -> (TlsErrorKind, String) {
    match result {
        Err(Error::Tls { kind, message }) => (kind, message),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test]
async fn pinned_certificate_is_accepted() {
    let app = Appliance::start().await;
    let session = app.client().login(&admin_login()).await.unwrap();
    assert_eq!(
        session.endpoint(),
        format!("{}/admin/api/jsonrpc/", app.base_url())
    );
}

#[tokio::test]
async fn a_pin_skips_the_host_name_check() {
    // The certificate names another host, as appliance certificates often do.
    let app = Appliance::builder()
        .cert(CertKind::SelfSigned(vec!["fw.example.com".into()]))
        .start()
        .await;
    app.client().login(&admin_login()).await.unwrap();
}

#[tokio::test]
async fn pins_may_use_colons_and_uppercase() {
    let app = Appliance::start().await;
    let client = unpinned(&app)
        .pin_sha256(&app.cert().sha256_colons())
        .unwrap()
        .build()
        .unwrap();
    client.login(&admin_login()).await.unwrap();
}

#[tokio::test]
async fn any_of_several_pins_is_accepted() {
    let app = Appliance::start().await;
    let client = unpinned(&app)
        .pin_sha256(&"ab".repeat(32))
        .unwrap()
        .pin_sha256(&app.cert().sha256)
        .unwrap()
        .build()
        .unwrap();
    client.login(&admin_login()).await.unwrap();
}

#[tokio::test]
async fn wrong_pin_is_a_pin_mismatch() {
    let app = Appliance::start().await;
    let client = unpinned(&app)
        .pin_sha256(&"ab".repeat(32))
        .unwrap()
        .build()
        .unwrap();
    let result = client.login(&admin_login()).await;
    let err = result.as_ref().map(|_| ()).unwrap_err().to_string();
    assert!(
        result.as_ref().is_err_and(Error::is_pin_mismatch),
        "{result:?}"
    );
    let (kind, message) = tls_error(result);
    assert_eq!(kind, TlsErrorKind::PinMismatch);
    assert!(message.contains("certificate pin mismatch"), "{message}");
    // Says which certificate the server has, so that an administrator can check it.
    assert!(message.contains(&app.cert().sha256), "{message}");
    assert!(err.starts_with("TLS: "), "{err}");
}

#[tokio::test]
async fn unpinned_self_signed_certificate_is_rejected() {
    let app = Appliance::start().await;
    let client = unpinned(&app).build().unwrap();
    let (kind, message) = tls_error(client.login(&admin_login()).await);
    assert_eq!(kind, TlsErrorKind::CertificateRejected);
    assert!(message.contains("certificate"), "{message}");
    assert!(
        message.contains("pin_sha256"),
        "the message suggests pinning: {message}"
    );
}

#[tokio::test]
async fn custom_ca_is_trusted() {
    let app = Appliance::builder()
        .cert(CertKind::SignedByCa(default_names()))
        .start()
        .await;
    let ca = app.cert().ca_pem.clone().unwrap();
    let client = unpinned(&app)
        .ca_certificate_pem(ca.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    client.login(&admin_login()).await.unwrap();
}

#[tokio::test]
async fn custom_ca_still_checks_the_host_name() {
    let app = Appliance::builder()
        .cert(CertKind::SignedByCa(vec!["fw.example.com".into()]))
        .start()
        .await;
    let ca = app.cert().ca_pem.clone().unwrap();
    let client = unpinned(&app)
        .ca_certificate_pem(ca.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let (kind, message) = tls_error(client.login(&admin_login()).await);
    assert_eq!(kind, TlsErrorKind::CertificateRejected);
    assert!(message.contains("not valid for the host name"), "{message}");
}

#[tokio::test]
async fn custom_ca_rejects_certificates_it_did_not_issue() {
    let other = Appliance::builder()
        .cert(CertKind::SignedByCa(default_names()))
        .start()
        .await;
    let app = Appliance::start().await;
    let ca = other.cert().ca_pem.clone().unwrap();
    let client = unpinned(&app)
        .ca_certificate_pem(ca.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let (kind, _) = tls_error(client.login(&admin_login()).await);
    assert_eq!(kind, TlsErrorKind::CertificateRejected);
}

#[tokio::test]
async fn dangerous_opt_out_accepts_self_signed() {
    let app = Appliance::start().await;
    let client = unpinned(&app)
        .danger_accept_invalid_certs()
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("DANGER"));
    client.login(&admin_login()).await.unwrap();
}

#[tokio::test]
async fn bad_pins_and_pems_are_config_errors() {
    let builder = Client::builder("https://127.0.0.1:4081");
    assert!(matches!(builder.pin_sha256("12:34"), Err(Error::Config(_))));
    let builder = Client::builder("https://127.0.0.1:4081");
    assert!(matches!(
        builder.ca_certificate_pem(b"-----BEGIN CERTIFICATE-----\nnot base64"),
        Err(Error::Config(_))
    ));
    let err = Client::builder("http://127.0.0.1:4081")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("https")),
        "{err:?}"
    );
}
