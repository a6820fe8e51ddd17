//! Calls by name, for programs that read the specs at run time rather than compile
//! against them (the `kerio` command line): choose an API by its manifest name, log in,
//! call methods and run batches with JSON params and results.
//!
//! The typed runtime still does the work: [`visit_api`] hands a visitor the API's marker
//! type, so sessions, batches and cut-off prevention
//! ([`Session::apply_and_confirm`]) are the same code typed programs use; only the
//! params and results are `serde_json::Value`s. Nothing here checks them against the
//! spec: callers that want that read the spec description (`DESCRIPTION`, with the
//! features `mock` or `cli`).
//!
//! Method names are `&'static str` like everywhere in the runtime (errors and traces
//! keep them); a program that reads them at run time keeps them for its lifetime.

use serde_json::Value;

use crate::auth::LoginRequest;
use crate::batch::Batch;
use crate::client::Client;
use crate::error::Error;
use crate::method::{Api, ConfirmConfig};
use crate::session::Session;
use crate::{BatchResults, wire};

/// Something to do with an API chosen at run time; see [`visit_api`].
pub trait ApiVisitor: Sized {
    /// What the visit gives.
    type Output;

    /// Called with the API's marker type.
    fn visit<A: Api>(self) -> Self::Output;

    /// Called instead of [`visit`](Self::visit) for APIs with cut-off prevention, so
    /// that the visitor can use [`Session::apply_and_confirm`]; visits by default.
    fn visit_confirmable<A: ConfirmConfig>(self) -> Self::Output {
        self.visit::<A>()
    }
}

/// The manifest names of the APIs kerio-api was generated with, in name order
/// (`["admin", "stats"]`).
pub const API_NAMES: &[&str] = crate::generated::__apis::NAMES;

/// Runs `visitor` with the marker type of the API whose manifest name is `name`;
/// the visitor back when there is no such API.
pub fn visit_api<V: ApiVisitor>(name: &str, visitor: V) -> Result<V::Output, V> {
    crate::generated::__apis::visit(name, visitor)
}

/// The description of every API of the spec set, as `kerio_codegen::describe` writes
/// it (methods with params, results, roles, paging and docs; types): what the mock
/// appliance and the command line interpret, read through [`description`].
#[cfg(any(feature = "mock", feature = "cli"))]
pub const DESCRIPTION: &str = include_str!(concat!(env!("OUT_DIR"), "/spec_description.json"));

#[cfg(any(feature = "mock", feature = "cli"))]
pub mod description;

impl Client {
    /// Logs in to API `A` with the method named `method` (its login method,
    /// `Interface.method`) and `params`, a JSON object; `token_key` names the string
    /// out-parameter holding the session token. The params are kept for automatic
    /// re-logins and never logged, as with [`Client::login`].
    pub async fn login_json<A: Api>(
        &self,
        method: &'static str,
        params: &Value,
        token_key: &'static str,
    ) -> Result<Session<A>, Error> {
        let request = LoginRequest::by_name(method, params, token_key)?;
        Session::login_with(self.clone(), request).await
    }

    /// Calls the method named `method` of API `A` without a session, as
    /// [`Client::call_sessionless`] does: for the methods the spec marks `sessionless`
    /// (first-run set-up). Every string of `params` is hidden from errors and traces.
    /// Whether the method is sessionless is the caller's to check, from the spec
    /// description; the appliance refuses any other without a session.
    pub async fn call_sessionless_json<A: Api>(
        &self,
        method: &'static str,
        params: &Value,
    ) -> Result<Value, Error> {
        self.send_sessionless::<A, Value>(method, params).await
    }
}

impl<A: Api> Session<A> {
    /// Calls the method named `method` (`Interface.method`) with `params` (a JSON
    /// object) and returns its result as the appliance sent it.
    pub async fn call_json(&self, method: &'static str, params: &Value) -> Result<Value, Error> {
        self.send(method, params).await
    }

    /// Logs out with the method named `method`, as [`Session::close`] does.
    pub async fn close_json(&self, method: &'static str, params: &Value) -> Result<Value, Error> {
        self.close_with(method, params).await
    }
}

impl<A: Api> Batch<A> {
    /// Adds a call of the method named `method` with `params` (a JSON object); returns
    /// its position, the index of its result in [`BatchResults::get_json`].
    ///
    /// Fails with [`Error::Unsupported`] when the API has no batch method.
    pub fn add_json(&mut self, method: &'static str, params: &Value) -> Result<usize, Error> {
        if A::BATCH_METHOD.is_none() {
            return Err(Error::Unsupported {
                api: A::NAME,
                feature: "batch method",
            });
        }
        let params = serde_json::value::to_raw_value(params).map_err(|e| Error::Encode {
            method,
            message: e.to_string(),
        })?;
        Ok(self.push(method, params))
    }
}

impl BatchResults {
    /// The method and the result of the command at `index` (see [`Batch::add_json`]);
    /// `Err` with the command's own error when the appliance rejected it,
    /// [`Error::NoBatchResult`] when it did not run (an earlier part of a split batch
    /// failed), and [`Error::ForeignHandle`] past the last command.
    pub fn get_json(&self, index: usize) -> Result<(&'static str, Value), Error> {
        let (method, raw) = self.raw(index).ok_or(Error::ForeignHandle {
            method: "(batch command)",
        })?;
        let value =
            wire::decode_batch_item(method, index, raw?, self.redactor(), self.drift_log())?;
        Ok((method, value))
    }
}

#[cfg(all(test, feature = "mock"))]
mod tests {
    use super::*;

    struct Names;

    impl ApiVisitor for Names {
        type Output = (&'static str, bool);
        fn visit<A: Api>(self) -> Self::Output {
            (A::NAME, false)
        }
        fn visit_confirmable<A: ConfirmConfig>(self) -> Self::Output {
            (A::NAME, true)
        }
    }

    #[test]
    fn every_api_is_visited_by_name_and_cut_off_prevention_is_told() {
        for name in API_NAMES {
            let (visited, _) = visit_api(name, Names).ok().expect("a known API");
            assert_eq!(visited, *name);
        }
        assert_eq!(visit_api("admin", Names).ok(), Some(("admin", true)));
        assert_eq!(visit_api("stats", Names).ok(), Some(("stats", false)));
        assert!(visit_api("no-such-api", Names).is_err());
        // The description holds every API of the spec set, whatever the features; the
        // build compiles some of them.
        let described = description::description().expect("the built-in description");
        let names: Vec<&str> = described.apis.iter().map(|a| a.name.as_str()).collect();
        assert!(API_NAMES.iter().all(|n| names.contains(n)), "{names:?}");
    }
}
