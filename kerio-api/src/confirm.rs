//! Cut-off prevention: confirming configuration changes the appliance would otherwise
//! revert, driven by the method names of [`ConfirmConfig`].
//!
//! An apply may restart the appliance's web server or move it to another address, so
//! the confirmation may fail at first. [`Session::apply_and_confirm`] then keeps trying
//! within the revert window, as the web administration does: it reads the timestamps
//! again when the batch's reply was lost, and sends the confirmation until it gets an
//! answer (new connections each time: the pool drops dead ones).

use std::future::Future;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::batch::{self, Batch, BatchResults};
use crate::drift::json_kind;
use crate::error::Error;
use crate::method::ConfirmConfig;
use crate::session::Session;
use crate::wire;

/// How a confirmation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Confirmation {
    /// The timestamp list was empty: no change was waiting to be confirmed.
    NothingToConfirm,
    /// The appliance confirmed the changes: they are kept.
    Confirmed,
    /// The appliance answered that it did not confirm them (`false`): they will be
    /// reverted when the timeout runs out.
    NotConfirmed,
}

/// How long [`Session::apply_and_confirm`] keeps trying to confirm when the appliance
/// does not answer: the web administration's reconnect loop gives up after 700 s.
pub const DEFAULT_CONFIRM_WINDOW: Duration = Duration::from_secs(700);
/// The wait before the second try; it doubles up to [`MAX_CONFIRM_WAIT`].
const FIRST_CONFIRM_WAIT: Duration = Duration::from_millis(500);
const MAX_CONFIRM_WAIT: Duration = Duration::from_secs(5);
/// The longest one try may take: a request to an address the appliance left may hang
/// until the client's timeout, and the window would pass on one try.
const CONFIRM_TRY_TIMEOUT: Duration = Duration::from_secs(15);
/// The JSON-RPC code the web administration treats as a lost connection (it also makes
/// it itself on a request timeout) and answers with its reconnect loop.
const CONNECTION_LOST: i64 = -32002;

/// The params of the confirm method: one key, named by the API.
struct ConfirmParams<'a> {
    key: &'static str,
    timestamps: &'a [Value],
}

impl Serialize for ConfirmParams<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.key, self.timestamps)?;
        map.end()
    }
}

impl<A: ConfirmConfig> Session<A> {
    /// Confirms the configuration changes that wait for confirmation: reads the
    /// configuration timestamps and, unless there are none, sends them back.
    pub async fn confirm_config(&self) -> Result<Confirmation, Error> {
        let result: Map<String, Value> = self.send(A::TIMESTAMP_METHOD, &Map::new()).await?;
        let timestamps = timestamp_list::<A>(result)?;
        self.confirm_timestamps(&timestamps).await
    }

    /// Runs `batch` on this session with the timestamp method appended as its last
    /// command, then confirms the timestamps it returned: the way to apply changes that
    /// could cut the client off (`Interfaces.apply`, `TrafficPolicy.set`...), as the web
    /// administration does.
    ///
    /// Returns the results of the batch's own commands and how the confirmation ended.
    ///
    /// An apply that restarts the appliance's web server or moves it cuts the
    /// connection: when the confirmation, or the batch's reply, is lost that way (the
    /// connection refused, reset or timed out, HTTP 502, 503 or 504, JSON-RPC -32002),
    /// the confirmation is tried again, waiting 0.5 s and then twice as long each time
    /// up to 5 s, for up to [`DEFAULT_CONFIRM_WINDOW`] (see
    /// [`apply_and_confirm_within`](Self::apply_and_confirm_within)); when the batch's
    /// reply was lost, the timestamps are read again first, and the batch's commands give
    /// [`Error::NoBatchResult`] with [`BatchResults::failure`] saying why. A session the
    /// restart ended is logged in again only with
    /// [`ClientBuilder::auto_relogin`](crate::ClientBuilder::auto_relogin). An appliance
    /// that moved to another address is reached only if the client's base URL names
    /// the new one. Any other failure of the batch or of its timestamp command confirms
    /// nothing and is returned: the appliance then reverts the changes after its timeout,
    /// which is the safe outcome for a client that may have lost its way in.
    pub async fn apply_and_confirm(
        &self,
        batch: Batch<A>,
    ) -> Result<(BatchResults, Confirmation), Error> {
        self.apply_and_confirm_within(batch, DEFAULT_CONFIRM_WINDOW)
            .await
    }

    /// [`apply_and_confirm`](Self::apply_and_confirm), trying to confirm for at most
    /// `window` after the batch ran: a window shorter than the appliance's revert timeout
    /// gives up early, a longer one tries for nothing once the change is reverted.
    pub async fn apply_and_confirm_within(
        &self,
        mut batch: Batch<A>,
        window: Duration,
    ) -> Result<(BatchResults, Confirmation), Error> {
        let empty = RawValue::from_string("{}".to_owned()).map_err(|e| Error::Encode {
            method: A::TIMESTAMP_METHOD,
            message: e.to_string(),
        })?;
        let timestamp_index = batch.push(A::TIMESTAMP_METHOD, empty);
        let mut results = batch::run_keeping(self, batch).await?;
        let deadline = Instant::now() + window;
        let (method, raw) = results.pop().ok_or_else(|| Error::InvalidResponse {
            method: A::TIMESTAMP_METHOD,
            reason: "the batch returned no result for the timestamp command".into(),
        })?;
        debug_assert_eq!(method, A::TIMESTAMP_METHOD);
        let timestamps = match raw {
            Ok(raw) => {
                let result: Map<String, Value> = wire::decode_batch_item(
                    A::TIMESTAMP_METHOD,
                    timestamp_index,
                    &raw,
                    results.redactor(),
                    None,
                )?;
                timestamp_list::<A>(result)?
            }
            // The request holding the apply lost its reply, maybe because the apply
            // restarted the listener: the changes may wait for confirmation.
            Err(no_result) => match results.failure() {
                Some(e) if connection_lost(e) => {
                    tracing::info!(api = A::NAME, error = %e, "the batch's reply was lost; reading the configuration timestamps again");
                    self.within(deadline, A::TIMESTAMP_METHOD, || self.read_timestamps())
                        .await?
                }
                Some(_) => return Err(results.take_failure().unwrap_or(no_result)),
                None => return Err(no_result),
            },
        };
        let confirmation = self
            .within(deadline, A::CONFIRM_METHOD, || {
                self.confirm_timestamps(&timestamps)
            })
            .await?;
        Ok((results, confirmation))
    }

    async fn read_timestamps(&self) -> Result<Vec<Value>, Error> {
        let result: Map<String, Value> = self.send(A::TIMESTAMP_METHOD, &Map::new()).await?;
        timestamp_list::<A>(result)
    }

    /// Tries `attempt` until it gets an answer other than a lost connection, or the
    /// deadline passes (then the last error).
    async fn within<T, F, Fut>(
        &self,
        deadline: Instant,
        method: &'static str,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut wait = FIRST_CONFIRM_WAIT;
        let mut tries = 1u32;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let limit = CONFIRM_TRY_TIMEOUT.min(left.max(Duration::from_millis(1)));
            let result = tokio::time::timeout(limit, attempt())
                .await
                .unwrap_or(Err(Error::Timeout { method }));
            match result {
                Err(e) if connection_lost(&e) && Instant::now() + wait < deadline => {
                    tracing::info!(api = A::NAME, method, tries, error = %e, "the appliance does not answer; trying again within the revert window");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(MAX_CONFIRM_WAIT);
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    async fn confirm_timestamps(&self, timestamps: &[Value]) -> Result<Confirmation, Error> {
        if timestamps.is_empty() {
            tracing::debug!(api = A::NAME, "nothing to confirm");
            return Ok(Confirmation::NothingToConfirm);
        }
        let params = ConfirmParams {
            key: A::CONFIRM_PARAM,
            timestamps,
        };
        let mut result: Map<String, Value> = self.send(A::CONFIRM_METHOD, &params).await?;
        let confirmation = match result.remove(A::CONFIRMED_KEY) {
            Some(Value::Bool(true)) => Confirmation::Confirmed,
            Some(Value::Bool(false)) => Confirmation::NotConfirmed,
            Some(other) => {
                return Err(Error::Decode {
                    method: A::CONFIRM_METHOD,
                    path: format!("result.{}", A::CONFIRMED_KEY),
                    message: format!("expected a boolean, got {}", json_kind(&other)),
                });
            }
            None => {
                return Err(Error::Decode {
                    method: A::CONFIRM_METHOD,
                    path: "result".into(),
                    message: format!("missing field `{}`", A::CONFIRMED_KEY),
                });
            }
        };
        tracing::debug!(api = A::NAME, ?confirmation, "confirmation");
        Ok(confirmation)
    }
}

/// Whether a failure says the connection to the appliance was lost (what a listener
/// restart or a moved address looks like), rather than an answer.
fn connection_lost(e: &Error) -> bool {
    match e {
        Error::Transport { .. } | Error::Timeout { .. } => true,
        Error::Http { status, .. } => matches!(status, 502..=504),
        Error::Rpc(rpc) => rpc.code == CONNECTION_LOST,
        _ => false,
    }
}

/// The timestamp list of the timestamp method's result, kept as the appliance sent it.
fn timestamp_list<A: ConfirmConfig>(mut result: Map<String, Value>) -> Result<Vec<Value>, Error> {
    match result.remove(A::TIMESTAMP_KEY) {
        Some(Value::Array(list)) => Ok(list),
        Some(Value::Null) => Ok(Vec::new()),
        Some(other) => Err(Error::Decode {
            method: A::TIMESTAMP_METHOD,
            path: format!("result.{}", A::TIMESTAMP_KEY),
            message: format!("expected a list, got {}", json_kind(&other)),
        }),
        None => Err(Error::Decode {
            method: A::TIMESTAMP_METHOD,
            path: "result".into(),
            message: format!("missing field `{}`", A::TIMESTAMP_KEY),
        }),
    }
}
