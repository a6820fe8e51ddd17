//! Running a call or a batch on the chosen API: the typed runtime does the work (one
//! `Session<A>` per run, `Batch<A>`, `apply_and_confirm`), reached through
//! `kerio_api::dynamic::visit_api` with the API's marker type; params and results are
//! JSON checked against the spec description. A method the spec marks sessionless is
//! called without logging in (`Client::call_sessionless_json`).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::rc::Rc;

use futures_util::StreamExt;
use kerio_api::dynamic::ApiVisitor;
use kerio_api::{Api, Batch, BatchResults, ConfirmConfig, Confirmation, Error, Session};
use serde_json::{Map, Value, json};

use crate::args::{Output, RunOptions};
use crate::check;
use crate::connect::Target;
use crate::exit::{self, Failure};
use crate::output;
use crate::spec::{ApiSpec, MethodSpec, Shape};

/// What to run once logged in.
pub enum Job {
    /// One method.
    Call {
        method: &'static MethodSpec,
        params: Map<String, Value>,
        options: RunOptions,
    },
    /// Commands in one batch.
    Batch {
        commands: Vec<(&'static MethodSpec, Value)>,
        confirm: bool,
        output: Output,
    },
}

impl Job {
    fn confirm(&self) -> bool {
        match self {
            Job::Call { options, .. } => options.confirm,
            Job::Batch { confirm, .. } => *confirm,
        }
    }
}

/// A run: where, what, and how much to say.
pub struct Run {
    pub api: &'static ApiSpec,
    pub target: Target,
    pub job: Job,
    pub verbose: bool,
}

type Outcome = Pin<Box<dyn Future<Output = Result<u8, Failure>>>>;
type ConfirmFuture = Pin<Box<dyn Future<Output = Result<(BatchResults, Confirmation), Error>>>>;
/// `apply_and_confirm` of an API that has it.
type ConfirmFn<A> = fn(Session<A>, Batch<A>) -> ConfirmFuture;

impl ApiVisitor for Run {
    type Output = Outcome;

    fn visit<A: Api>(self) -> Outcome {
        Box::pin(run_on::<A>(self, None))
    }

    fn visit_confirmable<A: ConfirmConfig>(self) -> Outcome {
        Box::pin(run_on::<A>(self, Some(apply_and_confirm::<A>)))
    }
}

fn apply_and_confirm<A: ConfirmConfig>(session: Session<A>, batch: Batch<A>) -> ConfirmFuture {
    Box::pin(async move { session.apply_and_confirm(batch).await })
}

/// Logs in, runs the job, logs out; the exit code.
pub fn run(run: Run) -> Result<u8, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(format!("cannot start the runtime: {e}")))?;
    let name = run.api.name.clone();
    match kerio_api::dynamic::visit_api(&name, run) {
        Ok(outcome) => runtime.block_on(outcome),
        Err(_) => Err(Failure::usage(format!(
            "the API `{name}` is not compiled into this kerio (build it with the API's Cargo feature)"
        ))),
    }
}

async fn run_on<A: Api>(run: Run, confirm: Option<ConfirmFn<A>>) -> Result<u8, Failure> {
    let Run {
        api,
        target,
        job,
        verbose,
    } = run;
    if job.confirm() && confirm.is_none() {
        return Err(Failure::usage(format!(
            "--confirm: the `{}` API has no cut-off prevention to confirm with",
            api.name
        )));
    }
    let client = target
        .builder
        .build()
        .map_err(|e| Failure::usage(e.to_string()))?;
    let reporter = Reporter {
        api,
        verbose,
        seen: Rc::default(),
    };
    if let Job::Call {
        method,
        params,
        options,
    } = &job
        && method.sessionless
    {
        return sessionless::<A>(&client, &reporter, method, params, options, &target.hint).await;
    }
    let Some(who) = &target.login else {
        return Err(Failure::usage("no user to log in with"));
    };
    let login = api
        .role("login")
        .ok_or_else(|| Failure::usage(format!("the `{}` API has no login method", api.name)))?;
    let token_key = login
        .result
        .iter()
        .find(|s| matches!(api.shape(&s.ty), Shape::String))
        .map(|s| s.name.as_str())
        .ok_or_else(|| Failure::failed(format!("{} has no string out-parameter", login.wire)))?;
    let params = login_params(api, login, &who.user, who.password.expose());
    let session = client
        .login_json::<A>(&login.wire, &params, token_key)
        .await
        .map_err(|e| Failure::login(&e, &target.hint))?;
    drop(params);
    let outcome = match job {
        Job::Call {
            method,
            params,
            options,
        } => call(&session, &reporter, method, params, &options, confirm).await,
        Job::Batch {
            commands,
            confirm: with_confirm,
            output,
        } => {
            batch(
                &session,
                &reporter,
                &commands,
                confirm.filter(|_| with_confirm),
                output,
            )
            .await
        }
    };
    if let Some(logout) = api.role("logout")
        && let Err(e) = session.close_json(&logout.wire, &json!({})).await
    {
        eprintln!("kerio: warning: the logout failed: {e}");
    }
    outcome
}

/// A method the spec marks sessionless: called once, without logging in.
async fn sessionless<A: Api>(
    client: &kerio_api::Client,
    reporter: &Reporter,
    method: &'static MethodSpec,
    params: &Map<String, Value>,
    options: &RunOptions,
    hint: &str,
) -> Result<u8, Failure> {
    if options.all {
        return Err(Failure::usage(format!(
            "--all: {} is called without a session, once",
            method.wire
        )));
    }
    let params = Value::Object(params.clone());
    let result = client
        .call_sessionless_json::<A>(&method.wire, &params)
        .await
        .map_err(|e| Failure::from_error(&method.wire, &e, hint))?;
    reporter.result(method, &result);
    print_result(reporter.api, method, &result, options)?;
    Ok(exit::OK)
}

/// The params of the login method: the user name in its first required string param,
/// the password in the param the secret policy names, and the client's identity in a
/// required struct param (`name`, `vendor` and `version` fields, as the web
/// administration sends them).
fn login_params(api: &ApiSpec, login: &MethodSpec, user: &str, password: &str) -> Value {
    let mut out = Map::new();
    let mut user_given = false;
    for slot in &login.params {
        let value = match api.shape(&slot.ty) {
            Shape::String if slot.secret => json!(password),
            Shape::String if !slot.optional && !user_given => {
                user_given = true;
                json!(user)
            }
            Shape::Struct(_, fields) if !slot.optional => {
                let identity = [
                    ("name", "kerio command line"),
                    ("vendor", "kerio-rs"),
                    ("version", env!("CARGO_PKG_VERSION")),
                ];
                Value::Object(
                    identity
                        .iter()
                        .filter(|(key, _)| fields.iter().any(|f| f.name == *key))
                        .map(|(key, value)| ((*key).to_owned(), json!(value)))
                        .collect(),
                )
            }
            _ => continue,
        };
        out.insert(slot.name.clone(), value);
    }
    Value::Object(out)
}

/// Reports results that do not fit the spec, each path once.
struct Reporter {
    api: &'static ApiSpec,
    verbose: bool,
    seen: Rc<RefCell<BTreeSet<String>>>,
}

impl Reporter {
    fn result(&self, method: &MethodSpec, result: &Value) {
        for misfit in check::result(self.api, method, result) {
            if self.first(method, &misfit.path) {
                eprintln!(
                    "kerio: warning: {}: `{}` {}; the typed API would decode it as missing, the result is printed as received",
                    method.wire, misfit.path, misfit.message
                );
            }
        }
        if self.verbose {
            for path in check::unknown_fields(self.api, method, result) {
                if self.first(method, &path) {
                    eprintln!(
                        "kerio: note: {}: `{path}` is not in the spec (newer firmware?)",
                        method.wire
                    );
                }
            }
        }
    }

    /// Whether the method's path (list positions left out) is met for the first time.
    fn first(&self, method: &MethodSpec, path: &str) -> bool {
        let mut general = String::new();
        let mut in_index = false;
        for c in path.chars() {
            match c {
                '[' => {
                    in_index = true;
                    general.push_str("[]");
                }
                ']' => in_index = false,
                _ if in_index => {}
                c => general.push(c),
            }
        }
        self.seen
            .borrow_mut()
            .insert(format!("{} {general}", method.wire))
    }
}

/// A failed write of the output as the failure to end with.
pub fn write_failure(e: std::io::Error) -> Failure {
    // The reader went away (`kerio ... | head`): the end of the output, not a failure.
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Failure {
            code: exit::OK,
            message: String::new(),
        };
    }
    Failure::failed(format!("cannot write the output: {e}"))
}

async fn call<A: Api>(
    session: &Session<A>,
    reporter: &Reporter,
    method: &'static MethodSpec,
    params: Map<String, Value>,
    options: &RunOptions,
    confirm: Option<ConfirmFn<A>>,
) -> Result<u8, Failure> {
    let failure = |e: Error| Failure::from_error(&method.wire, &e, "");
    let params = Value::Object(params);
    if let (true, Some(confirm)) = (options.confirm, confirm) {
        let mut batch = session.batch();
        let index = batch.add_json(&method.wire, &params).map_err(failure)?;
        let (results, confirmation) = confirm(session.clone(), batch).await.map_err(failure)?;
        let (_, result) = results.get_json(index).map_err(failure)?;
        reporter.result(method, &result);
        print_result(reporter.api, method, &result, options)?;
        return Ok(confirmed(confirmation));
    }
    if options.all {
        return page(session, reporter, method, params, options).await;
    }
    let result = session
        .call_json(&method.wire, &params)
        .await
        .map_err(failure)?;
    reporter.result(method, &result);
    print_result(reporter.api, method, &result, options)?;
    Ok(exit::OK)
}

/// Says how a confirmation ended; the exit code.
fn confirmed(confirmation: Confirmation) -> u8 {
    match confirmation {
        Confirmation::Confirmed => {
            eprintln!("kerio: confirmed: the appliance keeps the change");
            exit::OK
        }
        Confirmation::NothingToConfirm => {
            eprintln!("kerio: nothing was waiting for confirmation");
            exit::OK
        }
        _ => {
            eprintln!("kerio: the appliance did not confirm the change: it will revert it");
            exit::NOT_CONFIRMED
        }
    }
}

fn print_result(
    api: &ApiSpec,
    method: &'static MethodSpec,
    result: &Value,
    options: &RunOptions,
) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match options.output {
        Output::Table => match output::list_key(method, result) {
            Some(key) => {
                let order = output::item_fields(api, method, key);
                let items = output::items_of(result, key);
                print_table(&mut out, items, options, &order)
            }
            None => out
                .write_all(output::key_values(result).as_bytes())
                .map_err(write_failure),
        },
        Output::Ndjson => {
            let items =
                output::list_key(method, result).map_or(&[][..], |k| output::items_of(result, k));
            for item in items {
                output::line(&mut out, item).map_err(write_failure)?;
            }
            Ok(())
        }
        other => output::json(&mut out, result, other).map_err(write_failure),
    }
}

fn print_table(
    out: &mut impl Write,
    items: &[Value],
    options: &RunOptions,
    order: &[&str],
) -> Result<(), Failure> {
    let (text, hidden) = output::table(items, options.columns.as_deref(), order);
    out.write_all(text.as_bytes()).map_err(write_failure)?;
    if hidden > 0 {
        eprintln!("kerio: {hidden} more columns; --columns a,b,c chooses them");
    }
    Ok(())
}

/// `--all`: every page, each item a JSON line as it arrives (or one table or array).
async fn page<A: Api>(
    session: &Session<A>,
    reporter: &Reporter,
    method: &'static MethodSpec,
    params: Value,
    options: &RunOptions,
) -> Result<u8, Failure> {
    let Some(paging) = &method.paging else {
        return Err(Failure::usage(format!(
            "--all: {} does not page",
            method.wire
        )));
    };
    let fetch = |start: i64, limit: i64| {
        let mut params = params.clone();
        set(&mut params, &paging.offset, start);
        set(&mut params, &paging.limit, limit);
        // Flags such as `refresh` go with the first page only, as the typed `*_stream`
        // sends them: every page after it reads the listing the first one made.
        if start > 0 {
            for flag in &paging.first_page_only {
                set_flag(&mut params, flag, false);
            }
        }
        let session = session.clone();
        async move {
            let page = session.call_json(&method.wire, &params).await?;
            reporter.result(method, &page);
            let items = output::items_of(&page, &paging.list).to_vec();
            let total = page
                .get(&paging.total)
                .and_then(Value::as_i64)
                .unwrap_or(-1);
            Ok((items, total))
        }
    };
    let mut items = std::pin::pin!(kerio_api::paging::pages(options.page_size, fetch));
    let streamed = matches!(options.output, Output::Auto | Output::Ndjson);
    let mut kept = Vec::new();
    let mut out = std::io::stdout().lock();
    while let Some(item) = items.next().await {
        let item = item.map_err(|e| Failure::from_error(&method.wire, &e, ""))?;
        if streamed {
            output::line(&mut out, &item).map_err(write_failure)?;
        } else {
            kept.push(item);
        }
    }
    match options.output {
        Output::Table => {
            let order = output::item_fields(reporter.api, method, &paging.list);
            print_table(&mut out, &kept, options, &order)?;
        }
        Output::Pretty | Output::Compact => {
            output::json(&mut out, &Value::Array(kept), options.output).map_err(write_failure)?;
        }
        _ => {}
    }
    Ok(exit::OK)
}

/// Sets a boolean param of the params object.
fn set_flag(params: &mut Value, name: &str, on: bool) {
    if let Value::Object(map) = params {
        map.insert(name.to_owned(), json!(on));
    }
}

/// Sets the integer at a paging path (`["query", "start"]` or `["start"]`).
fn set(params: &mut Value, path: &[String], n: i64) {
    let mut node = params;
    for (i, key) in path.iter().enumerate() {
        if !node.is_object() {
            *node = output::empty();
        }
        let Value::Object(map) = node else { return };
        if i + 1 == path.len() {
            map.insert(key.clone(), json!(n));
            return;
        }
        node = map.entry(key.clone()).or_insert_with(output::empty);
    }
}

async fn batch<A: Api>(
    session: &Session<A>,
    reporter: &Reporter,
    commands: &[(&'static MethodSpec, Value)],
    confirm: Option<ConfirmFn<A>>,
    output_form: Output,
) -> Result<u8, Failure> {
    let mut batch = session.batch();
    let doing = "the batch";
    for (method, params) in commands {
        batch
            .add_json(&method.wire, params)
            .map_err(|e| Failure::from_error(doing, &e, ""))?;
    }
    let (results, confirmation) = match confirm {
        Some(confirm) => {
            let (results, confirmation) = confirm(session.clone(), batch)
                .await
                .map_err(|e| Failure::from_error(doing, &e, ""))?;
            (results, Some(confirmation))
        }
        None => (
            batch
                .run()
                .await
                .map_err(|e| Failure::from_error(doing, &e, ""))?,
            None,
        ),
    };
    let mut failed = 0;
    let mut outcomes = Vec::new();
    for (index, (method, _)) in commands.iter().enumerate() {
        let outcome = match results.get_json(index) {
            Ok((_, result)) => {
                reporter.result(method, &result);
                json!({"method": method.wire, "result": result})
            }
            Err(e) => {
                failed += 1;
                let error = match &e {
                    Error::Rpc(rpc) => json!({"code": rpc.code, "message": rpc.message}),
                    other => json!({"message": other.to_string()}),
                };
                json!({"method": method.wire, "error": error})
            }
        };
        outcomes.push(outcome);
    }
    let mut out = std::io::stdout().lock();
    if output_form == Output::Ndjson {
        for outcome in &outcomes {
            output::line(&mut out, outcome).map_err(write_failure)?;
        }
    } else {
        output::json(&mut out, &Value::Array(outcomes), output_form).map_err(write_failure)?;
    }
    drop(out);
    let code = confirmation.map_or(exit::OK, confirmed);
    if failed > 0 {
        eprintln!("kerio: {failed} of {} commands failed", commands.len());
        return Ok(exit::FAILED);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_positions_are_set_in_params_or_their_struct() {
        let mut params = json!({"refresh": true});
        set(&mut params, &["query".into(), "start".into()], 50);
        set(&mut params, &["query".into(), "limit".into()], 25);
        set(&mut params, &["offset".into()], 3);
        assert_eq!(
            params,
            json!({"refresh": true, "query": {"start": 50, "limit": 25}, "offset": 3})
        );
    }
}
