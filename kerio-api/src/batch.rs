//! Typed batches over the API's batch method ([`Api::BATCH_METHOD`]).
//!
//! The batch role's contract, which any API's batch method must follow: the params are
//! `{"commandList": [{"method": NAME, "params": {...}}, ...], "ignoreErrors": true}` and
//! the result is a JSON array with one item per command, in order, each
//! `{"result": ...}` or `{"error": ...}`. A request holds at most [`BATCH_LIMIT`]
//! commands; longer batches are split and sent one request after the other.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde_json::value::RawValue;

use crate::drift::DriftLog;
use crate::error::Error;
use crate::method::{Api, Method};
use crate::secret::Redactor;
use crate::session::Session;
use crate::wire;

/// The most commands the appliance accepts in one batch request (more is error -32606).
pub const BATCH_LIMIT: usize = 100;

/// Tells batches apart, so that a handle only works with the results of its batch.
static NEXT_BATCH_ID: AtomicU64 = AtomicU64::new(1);

/// Several calls sent together through the API's batch method, built with
/// [`Session::batch`].
///
/// The batch request's params are
/// `{"commandList": [{"method": NAME, "params": {...}}, ...], "ignoreErrors": true}`:
/// every command runs even when an earlier one fails, and each has its own outcome.
/// The result is a JSON array of one `{"result": ...}` or `{"error": ...}` item per
/// command, in order (see [`Api::BATCH_METHOD`]). Batches longer than [`BATCH_LIMIT`]
/// are split into several requests, sent one after the other.
///
/// ```no_run
/// # use kerio_api::{Api, Method, Session, Error};
/// # async fn demo<A: Api, M1: Method<Api = A>, M2: Method<Api = A>>(
/// #     session: Session<A>, method1: M1, method2: M2) -> Result<(), Error> {
/// let mut batch = session.batch();
/// let first = batch.add(&method1)?;
/// let second = batch.add(&method2)?;
/// let results = batch.run().await?;
/// let out1: M1::Output = results.get(first)?;
/// // Per-command errors are errors of that command only.
/// if let Err(e) = results.get(second) {
///     eprintln!("{e}");
/// }
/// # Ok(()) }
/// ```
#[must_use = "a batch does nothing until it is run"]
pub struct Batch<A: Api> {
    session: Session<A>,
    id: u64,
    commands: Vec<Command>,
}

/// One command of a batch, its parameters serialized when it was added.
#[derive(Serialize)]
pub(crate) struct Command {
    pub(crate) method: &'static str,
    pub(crate) params: Box<RawValue>,
}

/// The params of one batch request.
#[derive(Serialize)]
struct BatchParams<'a> {
    #[serde(rename = "commandList")]
    command_list: &'a [Command],
    #[serde(rename = "ignoreErrors")]
    ignore_errors: bool,
}

/// Refers to one command of a [`Batch`] and types its output; see [`BatchResults::get`].
pub struct BatchHandle<M: Method> {
    batch: u64,
    index: usize,
    method: PhantomData<fn() -> M>,
}

impl<M: Method> BatchHandle<M> {
    /// The position of the command in its batch, from 0.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl<M: Method> Clone for BatchHandle<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M: Method> Copy for BatchHandle<M> {}

impl<M: Method> fmt::Debug for BatchHandle<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchHandle")
            .field("method", &M::NAME)
            .field("index", &self.index)
            .finish()
    }
}

impl<A: Api> Session<A> {
    /// Starts a batch of calls on this session.
    pub fn batch(&self) -> Batch<A> {
        Batch {
            session: self.clone(),
            id: NEXT_BATCH_ID.fetch_add(1, Ordering::Relaxed),
            commands: Vec::new(),
        }
    }
}

impl<A: Api> Batch<A> {
    /// Adds a call; the handle gets its output from the results.
    ///
    /// Fails with [`Error::Unsupported`] when the API has no batch method and with
    /// [`Error::Encode`] when the parameters cannot be encoded.
    pub fn add<M: Method<Api = A>>(&mut self, method: &M) -> Result<BatchHandle<M>, Error> {
        batch_method::<A>()?;
        let params = serde_json::value::to_raw_value(method).map_err(|e| Error::Encode {
            method: M::NAME,
            message: e.to_string(),
        })?;
        Ok(BatchHandle {
            batch: self.id,
            index: self.push(M::NAME, params),
            method: PhantomData,
        })
    }

    /// Appends a command; returns its index.
    pub(crate) fn push(&mut self, method: &'static str, params: Box<RawValue>) -> usize {
        self.commands.push(Command { method, params });
        self.commands.len() - 1
    }

    /// How many commands the batch holds.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch holds no command.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Sends the commands, in requests of at most [`BATCH_LIMIT`] commands one after the
    /// other, and returns their results in order. An empty batch sends nothing.
    ///
    /// A per-command error does not fail the run: it is the error of that command in
    /// the results. When a request fails as a whole (transport, timeout, an error for
    /// the batch itself, a reply that is not an array of one item per command), the run
    /// fails with that error; the requests before it were executed.
    pub async fn run(self) -> Result<BatchResults, Error> {
        let session = self.session.clone();
        run_on(&session, self).await
    }

    pub(crate) fn into_parts(self) -> (u64, Vec<Command>) {
        (self.id, self.commands)
    }
}

/// Runs `batch` on `session` (which may be another clone than the batch's own).
pub(crate) async fn run_on<A: Api>(
    session: &Session<A>,
    batch: Batch<A>,
) -> Result<BatchResults, Error> {
    let (id, commands) = batch.into_parts();
    if commands.is_empty() {
        return Ok(BatchResults {
            batch: id,
            items: Vec::new(),
            redactor: Arc::new(Redactor::default()),
            drift: None,
        });
    }
    let method = batch_method::<A>()?;
    let mut items = Vec::with_capacity(commands.len());
    let chunks = commands.len().div_ceil(BATCH_LIMIT);
    for (number, chunk) in commands.chunks(BATCH_LIMIT).enumerate() {
        tracing::debug!(
            api = A::NAME,
            commands = chunk.len(),
            request = number + 1,
            requests = chunks,
            "sending a batch"
        );
        let params = BatchParams {
            command_list: chunk,
            ignore_errors: true,
        };
        let result: Box<RawValue> = session.send(method, &params).await?;
        let list: Vec<Box<RawValue>> =
            serde_json::from_str(result.get()).map_err(|_| Error::InvalidResponse {
                method,
                reason: "the batch result is not an array".into(),
            })?;
        if list.len() != chunk.len() {
            return Err(Error::InvalidResponse {
                method,
                reason: format!(
                    "the batch result has {} items for {} commands",
                    list.len(),
                    chunk.len()
                ),
            });
        }
        items.extend(chunk.iter().zip(list).map(|(command, raw)| Item {
            method: command.method,
            raw,
        }));
    }
    Ok(BatchResults {
        batch: id,
        items,
        redactor: Arc::new(session.auth().redactor.clone()),
        drift: session.inner.drift.clone(),
    })
}

fn batch_method<A: Api>() -> Result<&'static str, Error> {
    A::BATCH_METHOD.ok_or(Error::Unsupported {
        api: A::NAME,
        feature: "batch method",
    })
}

impl<A: Api> fmt::Debug for Batch<A> {
    /// Shows the method names only: parameters may hold passwords.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("api", &A::NAME)
            .field(
                "commands",
                &self.commands.iter().map(|c| c.method).collect::<Vec<_>>(),
            )
            .finish()
    }
}

struct Item {
    method: &'static str,
    raw: Box<RawValue>,
}

/// The results of a [`Batch`], one per command in order; each decoded on demand with
/// its command's [`BatchHandle`].
pub struct BatchResults {
    batch: u64,
    items: Vec<Item>,
    redactor: Arc<Redactor>,
    /// The session's drift log, for tolerant decoding of the items.
    drift: Option<Arc<DriftLog>>,
}

impl BatchResults {
    /// The output of the command of `handle`, decoded as its method's result type.
    ///
    /// Fails with [`Error::Rpc`] when the appliance rejected that command, with
    /// [`Error::Decode`] (with the JSON path, e.g. `result[3].result.list[0].id`) when
    /// its result does not fit, and with [`Error::ForeignHandle`] for a handle of
    /// another batch.
    pub fn get<M: Method>(&self, handle: BatchHandle<M>) -> Result<M::Output, Error> {
        let item = self.item(handle)?;
        let drift = self.drift.as_deref();
        let wire = wire::decode_batch_item::<M::Wire>(
            M::NAME,
            handle.index,
            &item.raw,
            &self.redactor,
            drift,
        )?;
        Ok(M::output(wire))
    }

    fn item<M: Method>(&self, handle: BatchHandle<M>) -> Result<&Item, Error> {
        match self.items.get(handle.index) {
            Some(item) if handle.batch == self.batch && item.method == M::NAME => Ok(item),
            _ => Err(Error::ForeignHandle { method: M::NAME }),
        }
    }

    /// The error of the first command that failed, if any: for batches run for their
    /// effect (create, set, apply) rather than their outputs.
    pub fn check(&self) -> Result<(), Error> {
        for (index, item) in self.items.iter().enumerate() {
            wire::decode_batch_item::<serde::de::IgnoredAny>(
                item.method,
                index,
                &item.raw,
                &self.redactor,
                None,
            )?;
        }
        Ok(())
    }

    /// How many results there are (as many as commands).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none (the batch was empty).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Removes the last result (the command appended by
    /// [`Session::apply_and_confirm`]).
    pub(crate) fn pop(&mut self) -> Option<(&'static str, Box<RawValue>)> {
        self.items.pop().map(|item| (item.method, item.raw))
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The method and raw item of the command at `index`.
    pub(crate) fn raw(&self, index: usize) -> Option<(&'static str, &RawValue)> {
        self.items.get(index).map(|item| (item.method, &*item.raw))
    }

    pub(crate) fn drift_log(&self) -> Option<&DriftLog> {
        self.drift.as_deref()
    }
}

impl fmt::Debug for BatchResults {
    /// Shows the method names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchResults")
            .field(
                "methods",
                &self.items.iter().map(|i| i.method).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}
