//! Cut-off prevention: confirming configuration changes the appliance would otherwise
//! revert, driven by the method names of [`ConfirmConfig`].

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
    /// When the batch itself fails, or its timestamp command does, nothing is confirmed
    /// and the error is returned: the appliance then reverts the changes after its
    /// timeout, which is the safe outcome for a client that may have lost its way in.
    pub async fn apply_and_confirm(
        &self,
        mut batch: Batch<A>,
    ) -> Result<(BatchResults, Confirmation), Error> {
        let empty = RawValue::from_string("{}".to_owned()).map_err(|e| Error::Encode {
            method: A::TIMESTAMP_METHOD,
            message: e.to_string(),
        })?;
        let timestamp_index = batch.push(A::TIMESTAMP_METHOD, empty);
        let mut results = batch::run_on(self, batch).await?;
        let (method, raw) = results.pop().ok_or_else(|| Error::InvalidResponse {
            method: A::TIMESTAMP_METHOD,
            reason: "the batch returned no result for the timestamp command".into(),
        })?;
        debug_assert_eq!(method, A::TIMESTAMP_METHOD);
        // A split batch whose last request failed: nothing is confirmed.
        let raw = raw?;
        let result: Map<String, Value> = wire::decode_batch_item(
            A::TIMESTAMP_METHOD,
            timestamp_index,
            &raw,
            results.redactor(),
            None,
        )?;
        let timestamps = timestamp_list::<A>(result)?;
        let confirmation = self.confirm_timestamps(&timestamps).await?;
        Ok((results, confirmation))
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
