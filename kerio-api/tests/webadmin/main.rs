//! The mock appliance as the vendor's web administration sees it: its calls replayed
//! (`replay`, with the `checks` of the answers), its form login (`login`) and the
//! appliance it expects to find (`profile`: constants, errors, ids, figures).

#[path = "../support/mod.rs"]
mod support;

mod checks;
mod login;
mod profile;
mod replay;

use bytes::Bytes;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use serde_json::{Value, json};

use kerio_api::Session;
use kerio_api::admin::{Admin, ApiApplication};
use support::{Appliance, CertKind, SESSION_COOKIE, TOKEN_COOKIE, default_names};

/// An appliance with a CA-issued certificate, so that a plain HTTP client can trust it;
/// `strict` refuses params and enum values the spec does not know.
pub async fn appliance(strict: bool) -> Appliance {
    Appliance::builder()
        .cert(CertKind::SignedByCa(default_names()))
        .strict(strict)
        .start()
        .await
}

/// A reqwest client that trusts the appliance's test CA and keeps no cookies.
pub fn http(app: &Appliance) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    let ca = app.cert().ca_pem.as_ref().expect("a CA-issued certificate");
    for cert in CertificateDer::pem_slice_iter(ca.as_bytes()) {
        roots.add(cert.expect("CA PEM")).expect("CA root");
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

/// JSON-RPC calls with any method name and any params, on a logged-in session: what the
/// web administration sends, which typed code cannot spell.
pub struct Raw {
    http: reqwest::Client,
    url: String,
    token: String,
    cookie: String,
    /// The typed session the credentials come from; kept so that it stays open.
    pub session: Session<Admin>,
}

impl Raw {
    /// Logs in with the typed client and takes the token and session cookie it got.
    pub async fn login(app: &Appliance) -> Raw {
        let app_info = ApiApplication::default().name("webadmin replay");
        let session = Admin::login(&app.client(), support::USER, support::PASSWORD, &app_info)
            .await
            .expect("login");
        let secrets = app.issued_secrets();
        let (token, sid) = (secrets[0].clone(), secrets[1].clone());
        Raw {
            http: http(app),
            url: format!("{}/admin/api/jsonrpc/", app.base_url()),
            cookie: format!("{SESSION_COOKIE}={sid}; {TOKEN_COOKIE}={token}"),
            token,
            session,
        }
    }

    /// Sends one call as the web administration does (`id` 1, `Accept` and `X-Token`);
    /// returns the HTTP status and the body.
    pub async fn call(&self, method: &str, params: Option<&Value>) -> (u16, Value) {
        let mut envelope = json!({"jsonrpc": "2.0", "id": 1, "method": method});
        if let Some(p) = params {
            envelope["params"] = p.clone();
        }
        let reply = self
            .http
            .post(&self.url)
            .header("accept", "application/json-rpc")
            .header("content-type", "application/json-rpc; charset=UTF-8")
            .header("x-token", &self.token)
            .header("cookie", &self.cookie)
            .body(Bytes::from(envelope.to_string()))
            .send()
            .await
            .expect("a reply");
        let status = reply.status().as_u16();
        let body = reply.bytes().await.expect("a body");
        let value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
        (status, value)
    }

    /// The `result` of a call that must succeed.
    pub async fn result(&self, method: &str, params: Value) -> Value {
        let (status, body) = self.call(method, Some(&params)).await;
        assert_eq!(status, 200, "{method}: {body}");
        match body.get("result") {
            Some(result) => result.clone(),
            None => panic!("{method} failed: {body}"),
        }
    }
}
