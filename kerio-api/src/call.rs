//! Calls made through an interface handle: `session.users().get(&query, "local")` is a
//! method's params bound to a session, awaited directly.
//!
//! Generated params types take a second type parameter, the session they are bound to:
//! `()` for params on their own (a [`Method`] for [`Session::call`] and batches), a
//! `&Session` for a call made through a handle. Optional params are chained setters on
//! both, so a call reads `session.ip_address_groups().get(&query).refresh(true).await?`,
//! and an optional param added by a newer spec breaks no call.

use std::future::Future;
use std::pin::Pin;

use crate::error::Error;
use crate::method::Method;
use crate::session::Session;

/// The future of a call awaited through an interface handle: the method's result or
/// the error of the call.
pub type CallFuture<'s, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 's>>;

/// Sends `params` on `session`: what the generated `IntoFuture` of a bound call runs.
#[doc(hidden)]
pub fn send<'s, M>(session: &'s Session<M::Api>, params: M) -> CallFuture<'s, M::Output>
where
    M: Method + 's,
{
    Box::pin(async move { session.call(&params).await })
}
