//! A hand-written stand-in for generated code: two APIs and a few methods.
//!
//! Also included by the benchmark, which does not use every method.
#![allow(dead_code)]

use kerio_api::{Api, ConfirmConfig, Empty, Method, Secret};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::support;

/// The Administration API.
pub struct Admin;

impl Api for Admin {
    const NAME: &'static str = "admin";
    const TITLE: &'static str = "Kerio Control Administration";
    const DEFAULT_PATH: &'static str = "/admin/api/jsonrpc/";
    const DEFAULT_PORT: u16 = 4081;
    const BATCH_METHOD: Option<&'static str> = Some("Batch.run");
}

impl ConfirmConfig for Admin {
    const TIMESTAMP_METHOD: &'static str = "Session.getConfigTimestamp";
    const TIMESTAMP_KEY: &'static str = "clientTimestampList";
    const CONFIRM_METHOD: &'static str = "Session.confirmConfig";
    const CONFIRM_PARAM: &'static str = "clientTimestampList";
    const CONFIRMED_KEY: &'static str = "confirmed";
}

/// The Statistics API, whose path differs between firmware versions.
pub struct Stats;

impl Api for Stats {
    const NAME: &'static str = "stats";
    const TITLE: &'static str = "Kerio Control Statistics";
    const DEFAULT_PATH: &'static str = "/client/api/jsonrpc/";
    const DEFAULT_PORT: u16 = 4081;
    const BATCH_METHOD: Option<&'static str> = None;
}

#[derive(Serialize)]
pub struct Application {
    pub name: String,
    pub vendor: String,
    pub version: String,
}

/// `Session.login` of the API `A`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Login<A> {
    pub user_name: String,
    pub password: Secret<String>,
    pub application: Application,
    #[serde(skip)]
    pub api: std::marker::PhantomData<fn() -> A>,
}

impl<A> Login<A> {
    pub fn new(user: &str, password: &str) -> Self {
        Login {
            user_name: user.to_owned(),
            password: Secret::from(password),
            application: Application {
                name: "kerio-rs tests".into(),
                vendor: "kerio-rs".into(),
                version: "0.1".into(),
            },
            api: std::marker::PhantomData,
        }
    }

    /// With the test appliance's credentials.
    pub fn valid() -> Self {
        Login::new(support::USER, support::PASSWORD)
    }
}

#[derive(Deserialize)]
pub struct LoginResult {
    pub token: String,
}

impl<A: Api> Method for Login<A> {
    type Api = A;
    const NAME: &'static str = "Session.login";
    type Wire = LoginResult;
    type Output = String;
    fn output(wire: LoginResult) -> String {
        wire.token
    }
}

/// `Session.logout`.
#[derive(Serialize)]
pub struct Logout<A> {
    #[serde(skip)]
    pub api: std::marker::PhantomData<fn() -> A>,
}

impl<A> Default for Logout<A> {
    fn default() -> Self {
        Logout {
            api: std::marker::PhantomData,
        }
    }
}

impl<A: Api> Method for Logout<A> {
    type Api = A;
    const NAME: &'static str = "Session.logout";
    type Wire = Empty;
    type Output = ();
    fn output(_: Empty) {}
}

/// `ActiveHosts.get`, several out-parameters.
#[derive(Serialize, Default)]
pub struct GetHosts {
    pub query: Value,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Host {
    pub id: String,
    pub hostname: String,
    pub ip: Option<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GetHostsResult {
    pub list: Vec<Host>,
    pub total_items: i64,
}

impl Method for GetHosts {
    type Api = Admin;
    const NAME: &'static str = "ActiveHosts.get";
    type Wire = GetHostsResult;
    type Output = GetHostsResult;
    fn output(wire: GetHostsResult) -> GetHostsResult {
        wire
    }
}

/// `Session.getConfigTimestamp`, one out-parameter.
#[derive(Serialize, Default)]
pub struct GetConfigTimestamp {}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetConfigTimestampResult {
    pub client_timestamp_list: Vec<Value>,
}

impl Method for GetConfigTimestamp {
    type Api = Admin;
    const NAME: &'static str = "Session.getConfigTimestamp";
    type Wire = GetConfigTimestampResult;
    type Output = Vec<Value>;
    fn output(wire: GetConfigTimestampResult) -> Vec<Value> {
        wire.client_timestamp_list
    }
}

/// `Histogram.get` of the Statistics API.
#[derive(Serialize, Default)]
pub struct StatsPing {}

impl Method for StatsPing {
    type Api = Stats;
    const NAME: &'static str = "Histogram.get";
    type Wire = Empty;
    type Output = ();
    fn output(_: Empty) {}
}

/// `IpAddressGroups.apply`: no params, no out-params.
#[derive(Serialize, Default)]
pub struct ApplyGroups {}

impl Method for ApplyGroups {
    type Api = Admin;
    const NAME: &'static str = "IpAddressGroups.apply";
    type Wire = Empty;
    type Output = ();
    fn output(_: Empty) {}
}

/// `Test.echo`: the test appliance's handler (see [`echo_handler`]) answers
/// `{"value": n}`.
#[derive(Serialize)]
pub struct Echo {
    pub n: i64,
}

#[derive(Deserialize)]
pub struct EchoResult {
    pub value: i64,
}

impl Method for Echo {
    type Api = Admin;
    const NAME: &'static str = "Test.echo";
    type Wire = EchoResult;
    type Output = i64;
    fn output(wire: EchoResult) -> i64 {
        wire.value
    }
}

/// Answers `Test.echo` with its `n`.
pub fn echo_handler(call: &support::RpcCall) -> support::Reply {
    support::Reply::result(serde_json::json!({"value": call.params["n"]}))
}

/// A `Download` descriptor.
#[derive(Deserialize, Debug)]
pub struct DownloadInfo {
    pub url: String,
    pub name: String,
    pub length: i64,
}

/// `Logs.exportLog`, which returns a `Download` descriptor.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportLog {
    pub log_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportLogResult {
    pub file_download: DownloadInfo,
}

impl Method for ExportLog {
    type Api = Admin;
    const NAME: &'static str = "Logs.exportLog";
    type Wire = ExportLogResult;
    type Output = DownloadInfo;
    fn output(wire: ExportLogResult) -> DownloadInfo {
        wire.file_download
    }
}

/// A login for the admin API.
pub fn admin_login() -> Login<Admin> {
    Login::valid()
}

/// A logout for the admin API.
pub fn admin_logout() -> Logout<Admin> {
    Logout::default()
}
