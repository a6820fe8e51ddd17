//! The contract between generated code and the runtime.
//!
//! Generated code describes every Kerio API as a type implementing [`Api`] and every
//! JSON-RPC method as a params struct implementing [`Method`]. The runtime only ever
//! sees these traits, never a specific Kerio method.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A JSON-RPC API served by an appliance (for example the Administration API).
///
/// Implemented by generated marker types such as `kerio_api::admin::Admin`.
pub trait Api: Send + Sync + 'static {
    /// Short name of the API, the Rust module it is generated into (`"admin"`).
    const NAME: &'static str;
    /// Human readable title.
    const TITLE: &'static str;
    /// Default endpoint path, e.g. `/admin/api/jsonrpc/`.
    const DEFAULT_PATH: &'static str;
    /// Other endpoint paths some firmware serves the same API at (the manifest's
    /// `alternativePaths`); a client still calls [`DEFAULT_PATH`](Api::DEFAULT_PATH)
    /// unless told otherwise with
    /// [`ClientBuilder::api_path`](crate::ClientBuilder::api_path).
    const ALTERNATIVE_PATHS: &'static [&'static str] = &[];
    /// Default HTTPS port of the appliance for this API.
    const DEFAULT_PORT: u16;
    /// The product that serves the API (`"control"`, `"connect"`, `"operator"`), as the
    /// manifest's `product` declares it.
    const PRODUCT: Option<&'static str> = None;
    /// Wire name of the API's batch method (`Interface.method`), when it has one.
    ///
    /// [`Batch`](crate::Batch) relies on this contract of the method: its params are
    /// `{"commandList": [{"method": NAME, "params": {...}}, ...], "ignoreErrors": true}`,
    /// its result is a JSON array with one `{"result": ...}` or `{"error": ...}` item per
    /// command, in order, and it accepts at most [`BATCH_LIMIT`](crate::BATCH_LIMIT)
    /// commands.
    const BATCH_METHOD: Option<&'static str>;
}

/// One JSON-RPC method call: the value is the by-name parameter object.
///
/// Generated for every method of the spec as a params type whose fields are the
/// parameters (serialized as the JSON-RPC `params` object), built with `new` (the
/// required params) and a chained setter per optional param:
/// `kerio_api::admin::users::Get::new(&query, "local")`.
pub trait Method: Serialize + Send + Sync {
    /// The API the method belongs to.
    type Api: Api;
    /// Wire name, `Interface.method`.
    const NAME: &'static str;
    /// Whether sending the method twice does what sending it once does (a read), as the
    /// spec declares it (`"idempotent": true`). Only such methods are sent again after a
    /// connection reset or an HTTP 502 or 503 (see
    /// [`ClientBuilder::retries`](crate::ClientBuilder::retries)).
    const IDEMPOTENT: bool = false;
    /// The JSON `result` object of the method, as decoded from the wire.
    type Wire: DeserializeOwned + Send + 'static;
    /// What a caller gets back: the method's result struct (`<Method>Result`, one field
    /// per out-parameter), or the session token for the API's login method.
    type Output: Send + 'static;
    /// Turns the decoded result object into the caller's output.
    fn output(wire: Self::Wire) -> Self::Output;
}

/// A method the appliance serves without a session (the spec marks it `sessionless`),
/// callable with [`Client::call_sessionless`](crate::Client::call_sessionless) before
/// any login: first-run set-up such as Kerio Connect's `Init` methods. Implemented by
/// generated code.
pub trait Sessionless: Method {}

/// The result object of a method without out-parameters (`{}`); any keys are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Empty {}

/// Cut-off prevention methods of an API (implemented by generated code).
///
/// Changes that could cut the administrator off are reverted by the appliance after a
/// timeout unless the client confirms them: it reads the configuration timestamps and
/// sends them back. [`Session::confirm_config`](crate::Session::confirm_config) and
/// [`Session::apply_and_confirm`](crate::Session::apply_and_confirm) drive these methods
/// by name.
pub trait ConfirmConfig: Api {
    /// Wire name of the method returning the timestamps to confirm (no params).
    const TIMESTAMP_METHOD: &'static str;
    /// Its out-param holding the timestamp list.
    const TIMESTAMP_KEY: &'static str;
    /// Wire name of the method confirming them.
    const CONFIRM_METHOD: &'static str;
    /// Its param taking the list.
    const CONFIRM_PARAM: &'static str;
    /// Its boolean out-param.
    const CONFIRMED_KEY: &'static str;
}
