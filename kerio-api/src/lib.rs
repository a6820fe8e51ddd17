//! Typed async client for the Kerio Control JSON-RPC API.
//!
//! A [`Client`] talks to one appliance over HTTPS (verified TLS by default, with
//! certificate pinning and custom CAs for self-signed appliances). [`Client::login`]
//! opens a [`Session`], whose [`Session::call`] sends typed [`Method`]s and decodes their
//! results; every failure is an [`Error`] that says what went wrong without revealing
//! passwords, tokens or cookies.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
pub mod codec;
mod cookies;
mod error;
mod method;
mod secret;
mod session;
mod tls;
mod transport;
mod wire;

pub use client::{Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use error::{Error, RpcError, SESSION_EXPIRED, TlsErrorKind};
pub use method::{Api, Empty, Method};
pub use secret::Secret;
pub use session::Session;
