//! The mock's HTTPS server: the shared [`State`] and its start. Its jobs, each a module:
//! `identity` (certificate, tokens), `http` (connections, requests and responses),
//! `dispatch` (sessions, routing of calls and batches, built-in replies) and `form_login`
//! (the web administration's login form).

mod dispatch;
mod form_login;
mod http;
mod identity;

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use self::identity::{pem, random_hex, self_signed};
use super::captures::Captures;
use super::spec::{self, ApiSpec};
use super::store::Store;
use super::{
    ApplianceState, Counter, Faults, Handlers, MockAppliance, MockBuilder, Reply, RpcCall, Upload,
};
use crate::Error;

/// Everything the running mock shares between connections.
pub(crate) struct State {
    pub(super) handlers: Mutex<Handlers>,
    /// Session cookie value → the session.
    pub(super) sessions: Mutex<HashMap<String, Session>>,
    pub(super) issued: Mutex<Vec<String>>,
    pub(super) requests: Mutex<Vec<RpcCall>>,
    pub(super) connections: AtomicUsize,
    pub(super) logins: AtomicUsize,
    pub(super) expire_after: Mutex<Option<usize>>,
    pub(super) files: Mutex<HashMap<String, Reply>>,
    pub(super) uploads: Mutex<Vec<Upload>>,
    pub(super) store: Mutex<Store>,
    pub(super) appliance: Mutex<ApplianceState>,
    /// Configuration timestamps waiting for confirmation since an `apply`.
    pending_confirm: Mutex<Vec<Value>>,
    /// Until when the listener plays restarting ([`Reply::ThenRestart`]).
    down_until: Mutex<Option<std::time::Instant>>,
    /// Endpoint paths and the API each serves, longest path first.
    apis: Vec<(String, Arc<ApiSpec>)>,
    captures: Captures,
    user: String,
    password: String,
    strict: bool,
    faults: Faults,
    forget_requests: bool,
    counter: AtomicU64,
    calls: Counter,
}

/// A logged-in session: its token and the API it belongs to.
pub(crate) struct Session {
    pub(super) token: String,
    pub(super) api: String,
}

pub(super) async fn start(builder: MockBuilder) -> Result<MockAppliance, Error> {
    let io_error = |context: &str, e: io::Error| Error::Io {
        context: format!("mock appliance: {context}"),
        source: e,
    };
    let all = spec::apis().map_err(|e| io_error("spec", io::Error::other(e)))?;
    let apis = select_apis(all, &builder.apis)?;
    let captures = match &builder.captures {
        Some(dir) => Captures::load(dir).map_err(|e| io_error("captures", io::Error::other(e)))?,
        None => Captures::default(),
    };
    let listener = TcpListener::bind(builder.listen)
        .await
        .map_err(|e| io_error(&format!("cannot listen on {}", builder.listen), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| io_error("no local address", e))?;
    let (cert_der, key_der) = match builder.identity.clone() {
        Some(identity) => identity,
        None => self_signed(addr.ip()).map_err(|e| io_error("certificate", e))?,
    };
    let cert_pem = pem("CERTIFICATE", &cert_der);
    let cert_sha256 = hex::encode(Sha256::digest(&cert_der));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der));
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_no_client_auth()
                .with_single_cert(vec![CertificateDer::from(cert_der)], key)
        })
        .map_err(|e| io_error("TLS configuration", io::Error::other(e)))?;
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let password = builder.password.clone().unwrap_or_else(|| random_hex(20));
    let state = Arc::new(State {
        handlers: Mutex::default(),
        sessions: Mutex::default(),
        issued: Mutex::default(),
        requests: Mutex::default(),
        connections: AtomicUsize::new(0),
        logins: AtomicUsize::new(0),
        expire_after: Mutex::new(builder.faults.expire_after),
        files: Mutex::default(),
        uploads: Mutex::default(),
        store: Mutex::default(),
        appliance: Mutex::new(builder.state),
        pending_confirm: Mutex::default(),
        down_until: Mutex::default(),
        apis: served_paths(&apis, &builder.api_paths),
        captures,
        user: builder.user.clone(),
        password: password.clone(),
        strict: builder.strict,
        faults: builder.faults.clone(),
        forget_requests: builder.forget_requests,
        counter: AtomicU64::new(0),
        calls: AtomicUsize::new(0),
    });
    let task = tokio::spawn(http::accept_loop(listener, acceptor, state.clone()));
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    Ok(MockAppliance {
        url: format!("https://{host}:{}", addr.port()),
        cert_pem,
        cert_sha256,
        user: builder.user,
        password,
        state,
        task,
    })
}

/// The APIs a mock serves: those named, else every API of the product of the first API
/// in name order (Kerio Control's in the shipped spec set). Two of them at one path is an
/// error, since nothing would tell their calls apart.
fn select_apis(all: &[Arc<ApiSpec>], names: &[String]) -> Result<Vec<Arc<ApiSpec>>, Error> {
    let chosen: Vec<Arc<ApiSpec>> = if names.is_empty() {
        let product = all.first().and_then(|a| a.product.clone());
        all.iter()
            .filter(|a| a.product == product)
            .cloned()
            .collect()
    } else {
        let mut out = Vec::new();
        for name in names {
            match all.iter().find(|a| &a.name == name) {
                Some(api) if !out.iter().any(|o: &Arc<ApiSpec>| o.name == api.name) => {
                    out.push(api.clone())
                }
                Some(_) => {}
                None => {
                    let known: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
                    return Err(Error::Config(format!(
                        "mock appliance: no API named `{name}` (expected one of: {})",
                        known.join(", ")
                    )));
                }
            }
        }
        out
    };
    for (i, a) in chosen.iter().enumerate() {
        if let Some(b) = chosen[..i].iter().find(|b| b.path == a.path) {
            return Err(Error::Config(format!(
                "mock appliance: APIs `{}` and `{}` both serve {}; one mock plays one product, so serve them from two mocks",
                b.name, a.name, a.path
            )));
        }
    }
    Ok(chosen)
}

/// Every API at its spec path and at the extra paths asked for, longest path first so
/// that the most specific one wins.
fn served_paths(apis: &[Arc<ApiSpec>], extra: &[(String, String)]) -> Vec<(String, Arc<ApiSpec>)> {
    let mut out: Vec<(String, Arc<ApiSpec>)> =
        apis.iter().map(|a| (a.path.clone(), a.clone())).collect();
    for (name, path) in extra {
        if let Some(api) = apis.iter().find(|a| &a.name == name) {
            out.push((path.clone(), api.clone()));
        }
    }
    out.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
    out
}

impl State {
    /// Plays a listener restart for `down` from now.
    pub(super) fn restart(&self, down: std::time::Duration) {
        *super::lock(&self.down_until) = Some(std::time::Instant::now() + down);
    }

    /// Whether the listener is restarting.
    pub(super) fn is_down(&self) -> bool {
        let mut until = super::lock(&self.down_until);
        match *until {
            Some(t) if t > std::time::Instant::now() => true,
            Some(_) => {
                *until = None;
                false
            }
            None => false,
        }
    }

    /// A fresh random-looking hex string of `len` digits.
    pub(in crate::mock) fn random_hex(&self, len: usize) -> String {
        random_hex(len)
    }
}
