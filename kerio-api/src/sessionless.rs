//! Calls that need no session: methods the spec marks `sessionless`, such as the
//! first-run set-up of an appliance that has no administrator yet.

use std::time::Instant;

use reqwest::Url;
use tracing::Instrument;
use tracing::field::Empty;

use crate::client::Client;
use crate::error::Error;
use crate::method::{Api, Method, Sessionless};
use crate::secret::Redactor;
use crate::session::record_outcome;
use crate::wire::{self, Quoting};

/// The request id of a sessionless call (each is a request of its own).
const SESSIONLESS_ID: u64 = 1;

impl Client {
    /// Calls a method that the appliance serves without a session (the spec marks it
    /// `sessionless`: first-run set-up such as creating the administrator account), with
    /// neither a token nor cookies, at the endpoint of the method's API.
    ///
    /// Only such methods compile here; every other method needs a session from the API's
    /// login. The params may hold the first password of the appliance: every string of
    /// them is hidden from the texts of errors and traces.
    pub async fn call_sessionless<M: Method + Sessionless>(
        &self,
        method: &M,
    ) -> Result<M::Output, Error> {
        let params = serde_json::to_value(method).map_err(|e| Error::Encode {
            method: M::NAME,
            message: e.to_string(),
        })?;
        let wire = self
            .send_sessionless::<M::Api, M::Wire>(M::NAME, &params)
            .await?;
        Ok(M::output(wire))
    }

    /// Sends `params` to the method named `method` of API `A` without a session, and
    /// decodes the result as `W`: [`Client::call_sessionless`], and calls by name
    /// ([`crate::dynamic`]).
    pub(crate) async fn send_sessionless<A: Api, W: serde::de::DeserializeOwned>(
        &self,
        method: &'static str,
        params: &serde_json::Value,
    ) -> Result<W, Error> {
        let endpoint = self.endpoint::<A>();
        let url = Url::parse(&endpoint)
            .map_err(|e| Error::Config(format!("the endpoint `{endpoint}` is not a URL: {e}")))?;
        let span = tracing::debug_span!(
            "kerio.call",
            api = A::NAME,
            method = method,
            id = SESSIONLESS_ID,
            sessionless = true,
            duration_ms = Empty,
            outcome = Empty,
        );
        let started = Instant::now();
        let result = async {
            let mut redactor = Redactor::default();
            redactor.add_json_strings(params);
            let body = wire::encode_request(SESSIONLESS_ID, method, params)?;
            let reply = self.transport().post(&url, method, body, None).await?;
            wire::decode_reply::<W>(
                method,
                SESSIONLESS_ID,
                &reply,
                &redactor,
                Quoting::Hidden,
                None,
            )
        }
        .instrument(span.clone())
        .await;
        record_outcome(&span, started, &result);
        result
    }
}
