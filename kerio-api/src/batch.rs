//! Typed batches over the API's batch method ([`Api::BATCH_METHOD`]).
//!
//! The batch role's contract, which any API's batch method must follow: the params are
//! `{"commandList": [{"method": NAME, "params": {...}}, ...], "ignoreErrors": true}` and
//! the result is a JSON array with one item per command, in order, each
//! `{"result": ...}` or `{"error": ...}`. A request holds at most [`BATCH_LIMIT`]
//! commands; longer batches are split and sent one request after the other, and what
//! ran is kept per command when a later request fails.

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
/// [`ignore_errors(false)`](Batch::ignore_errors) asks the appliance to stop at the
/// first failing command instead. The result is a JSON array of one `{"result": ...}`
/// or `{"error": ...}` item per command, in order (see [`Api::BATCH_METHOD`]). Batches
/// longer than [`BATCH_LIMIT`] are split into several requests, sent one after the
/// other; when one fails as a whole, the results of the requests before it are kept.
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
    ignore_errors: bool,
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
            ignore_errors: true,
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

    /// Whether commands after a failing one still run (default: true, each command has
    /// its own outcome). With false, the batch's `ignoreErrors` is false, so the
    /// appliance stops at the first failing command, and once a command has failed no
    /// further request of a split batch is sent: the commands that did not run give
    /// [`Error::NoBatchResult`]. For changes that only make sense together.
    pub fn ignore_errors(&mut self, ignore: bool) -> &mut Self {
        self.ignore_errors = ignore;
        self
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
    /// the results. When the first request fails as a whole (transport, timeout, an
    /// error for the batch itself, a reply that is not an array of one item per
    /// command), nothing has run and the run fails with that error. When a later one
    /// does, the run returns what ran: the commands of the requests before keep their
    /// results, those of the failed request and after give [`Error::NoBatchResult`],
    /// and [`BatchResults::failure`] is the request's error (so check it, or
    /// [`BatchResults::check`], when the batch is run for its effect).
    pub async fn run(self) -> Result<BatchResults, Error> {
        let session = self.session.clone();
        run_on(&session, self).await
    }

    pub(crate) fn into_parts(self) -> (u64, Vec<Command>, bool) {
        (self.id, self.commands, self.ignore_errors)
    }
}

/// Runs `batch` on `session` (which may be another clone than the batch's own); fails
/// when its first request fails as a whole, since then nothing ran.
pub(crate) async fn run_on<A: Api>(
    session: &Session<A>,
    batch: Batch<A>,
) -> Result<BatchResults, Error> {
    let mut results = run_keeping(session, batch).await?;
    if results.completed() == 0
        && let Some(e) = results.take_failure()
    {
        return Err(e);
    }
    Ok(results)
}

/// Runs `batch` on `session` and keeps a failed request's error in the results, the
/// first request's too; fails only when the API has no batch method.
pub(crate) async fn run_keeping<A: Api>(
    session: &Session<A>,
    batch: Batch<A>,
) -> Result<BatchResults, Error> {
    let (id, commands, ignore_errors) = batch.into_parts();
    let mut results = BatchResults {
        batch: id,
        items: Vec::with_capacity(commands.len()),
        redactor: Arc::new(Redactor::default()),
        drift: None,
        failure: None,
    };
    if commands.is_empty() {
        return Ok(results);
    }
    let method = batch_method::<A>()?;
    let chunks = commands.len().div_ceil(BATCH_LIMIT);
    let mut stopped: Option<Arc<str>> = None;
    for (number, chunk) in commands.chunks(BATCH_LIMIT).enumerate() {
        if let Some(reason) = &stopped {
            results.not_run(chunk, reason);
            continue;
        }
        tracing::debug!(
            api = A::NAME,
            commands = chunk.len(),
            request = number + 1,
            requests = chunks,
            "sending a batch"
        );
        match send_chunk(session, method, chunk, ignore_errors).await {
            Ok(list) => {
                let ran = list.len();
                let failed = list.iter().any(|raw| is_error_item(raw));
                results
                    .items
                    .extend(chunk.iter().zip(list).map(|(command, raw)| Item {
                        method: command.method,
                        outcome: Outcome::Ran(raw),
                    }));
                if !ignore_errors && (failed || ran < chunk.len()) {
                    let reason: Arc<str> = Arc::from(
                        "not run: an earlier command failed and the batch does not ignore errors",
                    );
                    results.not_run(&chunk[ran..], &reason);
                    stopped = Some(reason);
                }
            }
            Err(e) => {
                let reason: Arc<str> = Arc::from(format!(
                    "the batch request holding it failed, so whether it ran is not known: {e}"
                ));
                results.not_run(chunk, &reason);
                results.failure = Some(e);
                stopped = Some(reason);
            }
        }
    }
    results.redactor = Arc::new(session.auth().redactor.clone());
    results.drift = session.inner.drift.clone();
    Ok(results)
}

/// Sends one request of a batch and returns its items, one per command (fewer, when the
/// batch does not ignore errors and the appliance stopped early).
async fn send_chunk<A: Api>(
    session: &Session<A>,
    method: &'static str,
    chunk: &[Command],
    ignore_errors: bool,
) -> Result<Vec<Box<RawValue>>, Error> {
    let params = BatchParams {
        command_list: chunk,
        ignore_errors,
    };
    let result: Box<RawValue> = session.send(method, &params).await?;
    let list: Vec<Box<RawValue>> =
        serde_json::from_str(result.get()).map_err(|_| Error::InvalidResponse {
            method,
            reason: "the batch result is not an array".into(),
        })?;
    // Whether an appliance that stops at an error lists the commands after it is not
    // known: a shorter list is accepted then, never a longer one.
    let fits = list.len() == chunk.len() || (!ignore_errors && list.len() < chunk.len());
    if !fits {
        return Err(Error::InvalidResponse {
            method,
            reason: format!(
                "the batch result has {} items for {} commands",
                list.len(),
                chunk.len()
            ),
        });
    }
    Ok(list)
}

/// Whether a batch item is an `{"error": ...}` (not null).
fn is_error_item(raw: &RawValue) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe<'a> {
        #[serde(borrow, default)]
        error: Option<&'a RawValue>,
    }
    serde_json::from_str::<Probe<'_>>(raw.get())
        .ok()
        .and_then(|p| p.error)
        .is_some_and(|e| e.get() != "null")
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
    outcome: Outcome,
}

/// What became of one command.
enum Outcome {
    /// It was sent and this is its item of the batch result.
    Ran(Box<RawValue>),
    /// It has no result, for this reason.
    NotRun(Arc<str>),
}

/// The results of a [`Batch`], one per command in order; each decoded on demand with
/// its command's [`BatchHandle`].
pub struct BatchResults {
    batch: u64,
    items: Vec<Item>,
    redactor: Arc<Redactor>,
    /// The session's drift log, for tolerant decoding of the items.
    drift: Option<Arc<DriftLog>>,
    /// The error of the request that ended the run early, when one did.
    failure: Option<Error>,
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
        let raw = item.raw(handle.index)?;
        let wire =
            wire::decode_batch_item::<M::Wire>(M::NAME, handle.index, raw, &self.redactor, drift)?;
        Ok(M::output(wire))
    }

    /// The error of the request that ended the run early (transport, timeout, an error
    /// for the batch itself), when one did; the commands it held and those after it give
    /// [`Error::NoBatchResult`].
    pub fn failure(&self) -> Option<&Error> {
        self.failure.as_ref()
    }

    /// How many commands have a result (a result or an error of their own), in order
    /// from the first: the others did not run or their request failed.
    pub fn completed(&self) -> usize {
        self.items
            .iter()
            .take_while(|i| matches!(i.outcome, Outcome::Ran(_)))
            .count()
    }

    /// Takes the error of the request that ended the run early.
    pub(crate) fn take_failure(&mut self) -> Option<Error> {
        self.failure.take()
    }

    fn not_run(&mut self, commands: &[Command], reason: &Arc<str>) {
        self.items.extend(commands.iter().map(|c| Item {
            method: c.method,
            outcome: Outcome::NotRun(reason.clone()),
        }));
    }

    fn item<M: Method>(&self, handle: BatchHandle<M>) -> Result<&Item, Error> {
        match self.items.get(handle.index) {
            Some(item) if handle.batch == self.batch && item.method == M::NAME => Ok(item),
            _ => Err(Error::ForeignHandle { method: M::NAME }),
        }
    }

    /// The error of the first command that failed or has no result, if any: for
    /// batches run for their effect (create, set, apply) rather than their outputs.
    pub fn check(&self) -> Result<(), Error> {
        for (index, item) in self.items.iter().enumerate() {
            wire::decode_batch_item::<serde::de::IgnoredAny>(
                item.method,
                index,
                item.raw(index)?,
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
    pub(crate) fn pop(&mut self) -> Option<(&'static str, Result<Box<RawValue>, Error>)> {
        let index = self.items.len().checked_sub(1)?;
        self.items.pop().map(|item| {
            let raw = match item.outcome {
                Outcome::Ran(raw) => Ok(raw),
                Outcome::NotRun(reason) => Err(Error::NoBatchResult {
                    method: item.method,
                    index,
                    reason: reason.to_string(),
                }),
            };
            (item.method, raw)
        })
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The method and raw item of the command at `index` (`Err` when it did not run).
    pub(crate) fn raw(&self, index: usize) -> Option<(&'static str, Result<&RawValue, Error>)> {
        self.items
            .get(index)
            .map(|item| (item.method, item.raw(index)))
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

impl Item {
    /// The command's item of the batch result, or why it has none.
    fn raw(&self, index: usize) -> Result<&RawValue, Error> {
        match &self.outcome {
            Outcome::Ran(raw) => Ok(raw),
            Outcome::NotRun(reason) => Err(Error::NoBatchResult {
                method: self.method,
                index,
                reason: reason.to_string(),
            }),
        }
    }
}
