//! `kerio`: a command line for every method of every Kerio API of kerio-api's spec set
//! (feature `cli`: `cargo install kerio-api --features cli`).
//!
//! ```text
//! kerio --url https://fw.example.com:4081 --user admin active-hosts get --all -o table
//! kerio call IpAddressGroups.create --groups @printer.json --confirm
//! kerio batch changes.json --confirm
//! kerio fleet fleet.toml --html fleet.html
//! kerio mock --listen 127.0.0.1:0 --api connect-admin --api connect-client
//! kerio --appliance mail users get --domainId keriodb://domain/1 --all   # product = "connect"
//! ```
//!
//! Interfaces and methods, their params, types and docs come from the spec description
//! kerio-api's build script writes (`kerio_api::dynamic::DESCRIPTION`); params are
//! checked against it before anything is sent and results after they come back. The
//! typed runtime sends the calls (sessions, batches, cut-off prevention), reached with
//! the API's marker type through `kerio_api::dynamic::visit_api`. The description holds
//! every API of the spec set; those this build was compiled without are explained and
//! listed, and calling them names the Cargo feature to build with. Exit codes: see
//! `exit`.

mod args;
mod check;
mod connect;
mod exit;
mod fleet;
mod output;
mod run;
mod serve;
mod spec;
mod tree;

use std::process::ExitCode;

use clap::{ArgMatches, FromArgMatches};
use serde_json::{Map, Value};

use crate::args::{Output, kebab};
use crate::connect::Connection;
use crate::exit::Failure;
use crate::run::{Job, Run};
use crate::spec::{ApiSpec, MethodSpec, summary};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    let code = match start(&argv) {
        Ok(code) => code,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("kerio: {failure}");
            }
            failure.code
        }
    };
    ExitCode::from(code)
}

fn start(argv: &[String]) -> Result<u8, Failure> {
    let early = tree::early(argv);
    if early.password_argument {
        return Err(args::password_refusal());
    }
    let api = early.connection.api()?;
    let matches = match tree::root(api).try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => return Err(clap_failure(&e, early.command.as_deref() == Some("fleet"))),
    };
    if let Ok(Some(_)) = matches.try_get_one::<String>("password-argument") {
        return Err(args::password_refusal());
    }
    let connection = tree::connection(&matches);
    let verbose = matches.get_flag("verbose");
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Failure::usage("no command; kerio --help lists them"));
    };
    match name {
        "call" => {
            let Some((wire, rest)) = sub.subcommand() else {
                return Err(Failure::usage(
                    "call needs a method: kerio call Interface.method",
                ));
            };
            let method = find_method(api, wire)?;
            let raw: Vec<String> = rest
                .get_many::<std::ffi::OsString>("")
                .into_iter()
                .flatten()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            let cmd = args::method_command(api, method, wire.to_owned())
                .bin_name(format!("kerio call {wire}"));
            let parsed = cmd
                .try_get_matches_from(std::iter::once(wire.to_owned()).chain(raw))
                .map_err(|e| clap_failure(&e, false))?;
            call(api, method, &parsed, &connection, verbose)
        }
        "batch" => batch(api, sub, &connection, verbose),
        "methods" => methods(api, sub.get_one::<String>("filter").map(String::as_str)),
        "fleet" => {
            let args =
                fleet::FleetArgs::from_arg_matches(sub).map_err(|e| clap_failure(&e, true))?;
            fleet::report(&args, connection.fleet_file())
        }
        "mock" => {
            let args =
                serve::MockArgs::from_arg_matches(sub).map_err(|e| clap_failure(&e, false))?;
            serve::serve(&args)
        }
        "completions" => {
            let Some(shell) = sub.get_one::<clap_complete::Shell>("shell") else {
                return Err(Failure::usage("completions needs a shell"));
            };
            let mut cmd = tree::root(api);
            clap_complete::generate(*shell, &mut cmd, "kerio", &mut std::io::stdout());
            Ok(exit::OK)
        }
        interface => {
            let Some((mname, parsed)) = sub.subcommand() else {
                return Err(Failure::usage(format!("{interface} needs a method")));
            };
            let method = api
                .interfaces
                .iter()
                .find(|i| kebab(&i.name) == interface)
                .and_then(|i| {
                    i.methods
                        .iter()
                        .find(|m| kebab(&m.name) == mname && !tree::is_own(m))
                })
                .ok_or_else(|| Failure::usage(format!("no method {interface} {mname}")))?;
            call(api, method, parsed, &connection, verbose)
        }
    }
}

/// A clap error (help and version included) as the failure to end with.
fn clap_failure(e: &clap::Error, fleet: bool) -> Failure {
    let _ = e.print();
    let code = match e.exit_code() {
        0 => exit::OK,
        _ if fleet => exit::FLEET_UNKNOWN,
        _ => exit::USAGE,
    };
    Failure {
        code,
        message: String::new(),
    }
}

/// The method of `api` called `Interface.method`; the error suggests near names.
fn find_method(api: &'static ApiSpec, wire: &str) -> Result<&'static MethodSpec, Failure> {
    if let Some(method) = api.method(wire) {
        if tree::is_own(method) {
            return Err(Failure::usage(format!(
                "{wire} is not called directly: kerio logs in and out by itself, and `kerio batch FILE` sends batches"
            )));
        }
        return Ok(method);
    }
    let lower = wire.to_lowercase();
    let near: Vec<&str> = api
        .methods()
        .filter(|m| {
            let name = m.wire.to_lowercase();
            name == lower
                || name.contains(&lower)
                || lower
                    .split('.')
                    .any(|part| !part.is_empty() && name.contains(part))
        })
        .map(|m| m.wire.as_str())
        .take(5)
        .collect();
    let hint = if near.is_empty() {
        "kerio methods lists them".to_owned()
    } else {
        format!("did you mean {}?", near.join(", "))
    };
    Err(Failure::usage(format!(
        "the `{}` API has no method `{wire}`; {hint}",
        api.name
    )))
}

fn call(
    api: &'static ApiSpec,
    method: &'static MethodSpec,
    matches: &ArgMatches,
    connection: &Connection,
    verbose: bool,
) -> Result<u8, Failure> {
    let (params, options) = args::read(api, method, matches)?;
    if options.all && options.confirm {
        return Err(Failure::usage(
            "--all pages through a listing; --confirm applies a change: not both",
        ));
    }
    if options.confirm {
        refuse_confirm(api, &method.wire, method.sessionless)?;
    }
    if options.check {
        refuse_misfits(&method.wire, check::params(api, method, &params))?;
    }
    compiled(api)?;
    let target = connection.target(!method.sessionless)?;
    run::run(Run {
        api,
        target,
        job: Job::Call {
            method,
            params,
            options,
        },
        verbose,
    })
}

/// An API this kerio was built without ends the command, naming the feature to build
/// it with (exit code 2: nothing was sent).
fn compiled(api: &ApiSpec) -> Result<(), Failure> {
    match api.not_compiled() {
        Some(why) => Err(Failure::usage(why)),
        None => Ok(()),
    }
}

/// `--confirm` where there is nothing to confirm ends the command before anything is
/// sent: an API without cut-off prevention applies changes at once, and a sessionless
/// call has no session to confirm in.
fn refuse_confirm(api: &ApiSpec, doing: &str, sessionless: bool) -> Result<(), Failure> {
    let title = api.title.as_deref().unwrap_or(&api.name);
    if !api.confirmable() {
        return Err(Failure::usage(format!(
            "{doing}: --confirm is refused: the `{}` API ({title}) has no cut-off prevention, \
             its changes apply at once and there is nothing to confirm; drop --confirm",
            api.name
        )));
    }
    if sessionless {
        return Err(Failure::usage(format!(
            "{doing}: --confirm is refused: the method is called without a session, and a \
             change is confirmed in the session that made it; drop --confirm"
        )));
    }
    Ok(())
}

/// Params that do not fit the spec end the command before anything is sent.
fn refuse_misfits(doing: &str, misfits: Vec<check::Misfit>) -> Result<(), Failure> {
    if misfits.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = misfits
        .iter()
        .map(|m| {
            let flag = m.path.strip_prefix("params.").unwrap_or(&m.path);
            format!("--{flag}: {}", m.message)
        })
        .collect();
    Err(Failure::usage(format!(
        "{doing}: the params do not fit the spec, nothing was sent:\n  {}",
        lines.join("\n  ")
    )))
}

fn batch(
    api: &'static ApiSpec,
    matches: &ArgMatches,
    connection: &Connection,
    verbose: bool,
) -> Result<u8, Failure> {
    let file = matches
        .get_one::<String>("file")
        .map_or("-", String::as_str);
    let source = if file == "-" {
        "-".to_owned()
    } else {
        format!("@{file}")
    };
    let text = args::read_text(&source, file)?;
    let value = args::json_value(&text, file)?;
    let list = match value {
        Value::Array(list) => list,
        Value::Object(mut map) => match map.remove("commandList") {
            Some(Value::Array(list)) => list,
            _ => {
                return Err(Failure::usage(format!(
                    "{file}: expected a JSON array of commands, or an object with a commandList array"
                )));
            }
        },
        _ => {
            return Err(Failure::usage(format!(
                "{file}: expected a JSON array of commands"
            )));
        }
    };
    let check = !matches.get_flag("no-check");
    let mut commands = Vec::new();
    for (i, command) in list.into_iter().enumerate() {
        let place = format!("{file}: command {}", i + 1);
        let Value::Object(mut command) = command else {
            return Err(Failure::usage(format!(
                "{place}: expected {{\"method\": ..., \"params\": {{...}}}}"
            )));
        };
        let Some(Value::String(wire)) = command.remove("method") else {
            return Err(Failure::usage(format!("{place}: no \"method\" string")));
        };
        let method =
            find_method(api, &wire).map_err(|f| Failure::usage(format!("{place}: {f}")))?;
        let params = match command.remove("params") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(map)) => map,
            Some(_) => {
                return Err(Failure::usage(format!(
                    "{place}: \"params\" must be an object"
                )));
            }
        };
        if check {
            refuse_misfits(
                &format!("{place} ({wire})"),
                check::params(api, method, &params),
            )?;
        }
        commands.push((method, Value::Object(params)));
    }
    let output = match matches.get_one::<String>("output").map(String::as_str) {
        Some("pretty") => Output::Pretty,
        Some("compact") => Output::Compact,
        Some("ndjson") => Output::Ndjson,
        _ => Output::Auto,
    };
    let confirm = matches.get_flag("confirm");
    if confirm {
        refuse_confirm(api, "the batch", false)?;
    }
    compiled(api)?;
    let target = connection.target(true)?;
    run::run(Run {
        api,
        target,
        job: Job::Batch {
            commands,
            confirm,
            output,
        },
        verbose,
    })
}

/// `kerio methods`: every callable method with its summary.
fn methods(api: &ApiSpec, filter: Option<&str>) -> Result<u8, Failure> {
    let filter = filter.map(str::to_lowercase);
    let rows: Vec<(String, String)> = api
        .methods()
        .filter(|m| !tree::is_own(m))
        .filter(|m| {
            filter
                .as_ref()
                .is_none_or(|f| m.wire.to_lowercase().contains(f))
        })
        .map(|m| {
            (
                m.wire.clone(),
                summary(m.doc.as_deref()).unwrap_or_default(),
            )
        })
        .collect();
    let width = rows.iter().map(|(w, _)| w.len()).max().unwrap_or(0);
    let title = api.title.as_deref().unwrap_or(&api.name);
    let mut text = format!("{title} (--api {}): {} methods\n", api.name, rows.len());
    if let Some(why) = api.not_compiled() {
        text.push_str(&format!("Note: {why}.\n"));
    }
    for (wire, doc) in rows {
        text.push_str(format!("{wire:<width$}  {doc}").trim_end());
        text.push('\n');
    }
    // `kerio methods | head` ends the output quietly.
    std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
        .map_err(run::write_failure)?;
    Ok(exit::OK)
}

/// The command tree, for tests of its consistency.
#[cfg(test)]
fn every_tree() -> Vec<clap::Command> {
    spec::apis()
        .expect("description")
        .iter()
        .map(tree::root)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_of_every_api_is_consistent() {
        // clap checks names, aliases and ids of every command in debug builds.
        for cmd in every_tree() {
            cmd.debug_assert();
        }
    }
}
