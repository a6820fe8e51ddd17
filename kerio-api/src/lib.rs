//! Typed async client for the JSON-RPC APIs of Kerio Control, Kerio Connect and Kerio
//! Operator.
//!
//! A [`Client`] talks to one appliance over HTTPS (verified TLS by default, with
//! certificate pinning and custom CAs for self-signed appliances). [`Client::login`]
//! opens a [`Session`], whose [`Session::call`] sends typed [`Method`]s and decodes their
//! results; every failure is an [`Error`] that says what went wrong without revealing
//! passwords, tokens or cookies.
//!
//! The APIs themselves are generated at build time from the spec files in `api-spec`:
//! Kerio Control's [`admin`] (the Administration API) and [`stats`] (the Statistics API),
//! and behind their features `connect::admin` and `connect::client` (Kerio Connect's
//! administration and client APIs) and `operator::admin` (Kerio Operator's), one module
//! per Kerio interface, each type re-exported at the API level. Types the APIs declare
//! alike are one type, in [`shared`] (a [`shared::SearchQuery`] works with every
//! product); the APIs of a product are also at `kerio_api::<product>`
//! ([`control::admin`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), kerio_api::Error> {
//! use kerio_api::Client;
//! use kerio_api::admin::{Admin, ApiApplication, SearchQuery};
//!
//! let client = Client::builder("https://firewall.example.com:4081")
//!     .pin_sha256("5f1c...")? // SHA-256 of the appliance's certificate
//!     .build()?;
//! let app = ApiApplication::default()
//!     .name("inventory")
//!     .vendor("Example")
//!     .version("1.0");
//! let session = Admin::login(&client, "admin", "password", &app).await?;
//! let query = SearchQuery::new().page(0, 50);
//! let hosts = session.active_hosts().get(&query, false).await?;
//! println!("{} hosts", hosts.total_items);
//! session.logout().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The generated API keeps working when a newer spec adds to it:
//!
//! - a method takes its required params as arguments; optional ones are chained setters
//!   on the call, which is awaited directly (`session.users().get(&query, "local")`, and
//!   an optional param would be `.refresh(true)` before `.await`);
//! - every method returns one result struct, `<Method>Result` in its interface module
//!   (`active_hosts::GetResult`), with a field per out-parameter;
//! - structs (`ApiApplication`, result structs) are `#[non_exhaustive]`: build them
//!   with `Default` and a chained setter per field; their fields are public to read;
//! - the same params types (`users::Get::new(&query, "local")`) are [`Method`]s for
//!   [`Session::call`] and [`Batch`];
//! - a required param that turns out to be optional stays an argument, which then takes
//!   the value as before or `None` to leave it out ([`Omittable`]):
//!   `session.interfaces().get(&query, true)` and `.get(&query, None)`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod batch;
mod call;
mod client;
mod codec;
mod confirm;
#[cfg(feature = "contract")]
pub mod contract;
mod cookies;
mod drift;
pub mod dynamic;
mod error;
#[cfg(feature = "exporter")]
pub mod exporter;
mod files;
#[cfg(test)]
mod fixture;
#[cfg(feature = "fleet")]
pub mod fleet;
mod method;
#[cfg(feature = "mock")]
pub mod mock;
mod omittable;
pub mod paging;
#[cfg(any(kerio_type = "shared::SearchQuery", kerio_type = "admin::SearchQuery"))]
pub mod query;
mod reply_error;
mod retry;
mod secret;
mod session;
mod sessionless;
mod tls;
mod transport;
mod wire;

pub use batch::{BATCH_LIMIT, Batch, BatchHandle, BatchResults};
pub use call::CallFuture;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_REPLY_SIZE, DEFAULT_TIMEOUT,
    DEFAULT_TRANSFER_TIMEOUT,
};
pub use confirm::{Confirmation, DEFAULT_CONFIRM_WINDOW};
pub use drift::SpecDrift;
pub use error::{Error, RpcError, SESSION_EXPIRED, TlsErrorKind};
pub use files::{DOWNLOAD, Download, UPLOAD, UploadBody};
pub use method::{Api, ConfirmConfig, Empty, Method, Sessionless};
pub use omittable::Omittable;
pub use retry::{DEFAULT_RETRIES, DEFAULT_RETRY_BACKOFF};
pub use secret::Secret;
pub use session::Session;

/// The generated APIs, held to a stricter standard than the hand-written code: any
/// warning in generated code fails the build.
#[deny(warnings, missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}
pub use generated::*;

/// Re-exports generated code relies on; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::send;
    /// Serde helpers of generated types (forward-compatible enums, nullable fields,
    /// numbers sent as strings).
    pub mod codec {
        pub use crate::codec::*;
    }
    pub use futures_util;
    pub use serde;
    pub use serde_json;
}

/// What the types of the products rule out at compile time (doc tests only).
///
/// Kerio Connect has no cut-off prevention (its spec gives no `configTimestamp` and
/// `confirmConfig` roles), so its sessions have no `confirm_config`:
///
/// ```compile_fail,E0599
/// async fn f(session: kerio_api::Session<kerio_api::connect::admin::ConnectAdmin>) {
///     let _ = session.confirm_config().await;
/// }
/// ```
///
/// A session belongs to its API: a method of Kerio Connect's client API cannot be sent
/// on an administration session:
///
/// ```compile_fail,E0271
/// async fn f(session: kerio_api::Session<kerio_api::connect::admin::ConnectAdmin>) {
///     let _ = session.call(&kerio_api::connect::client::session::WhoAmI::new()).await;
/// }
/// ```
///
/// Only methods the spec marks sessionless can be called before login:
///
/// ```compile_fail,E0277
/// async fn f(client: kerio_api::Client) {
///     let _ = client.call_sessionless(&kerio_api::connect::admin::session::WhoAmI::new()).await;
/// }
/// ```
///
/// and those can:
///
/// ```
/// async fn f(client: kerio_api::Client) -> Result<(), kerio_api::Error> {
///     client
///         .call_sessionless(&kerio_api::connect::admin::init::SetHostname::new("mail.example.com"))
///         .await?;
///     Ok(())
/// }
/// ```
#[cfg(all(doctest, feature = "connect-admin", feature = "connect-client"))]
pub struct CompileChecks;
