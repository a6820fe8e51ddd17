//! The command line of one method, made from its spec: `--<param> VALUE` for every param
//! (its wire name), help from the spec docs, and the options of a call (`--output`,
//! `--all`, `--confirm`...). The same command serves `kerio call Interface.method` and
//! `kerio <interface> <method>`.
//!
//! Values: strings and enum values as they are; every other type as JSON. Any value may
//! be read from a file (`@FILE`) or standard input (`-`); `@@text` is the text `@text`.
//! A secret (a param or field the secret policy names, such as `password`) is refused
//! inline, since arguments are visible to other users of the machine.

use std::io::Read;

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};

use crate::exit::Failure;
use crate::spec::{
    ApiSpec, MethodSpec, Shape, Slot, TypeRef, first_sentence, summary, without_sources,
};

/// The options of a call; a param of the same name is given with `--params`.
pub const RUN_OPTIONS: [&str; 8] = [
    "params",
    "output",
    "all",
    "page-size",
    "columns",
    "confirm",
    "no-check",
    "help",
];

/// How a call was asked to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub output: Output,
    pub all: bool,
    pub page_size: u32,
    pub columns: Option<Vec<String>>,
    pub confirm: bool,
    pub check: bool,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Pretty JSON on a terminal, compact otherwise (and NDJSON with `--all`).
    Auto,
    Pretty,
    Compact,
    Table,
    Ndjson,
}

/// Default number of items per request with `--all`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// The command of `method`, named `name`.
pub fn method_command(api: &ApiSpec, method: &MethodSpec, name: String) -> Command {
    let mut cmd = Command::new(name)
        .about(
            first_sentence(method.doc.as_deref())
                .unwrap_or_else(|| format!("Calls {}.", method.wire)),
        )
        .long_about(long_about(method))
        .after_help(result_help(api, method));
    let mut has_password = false;
    let longs: Vec<&str> = method.params.iter().map(|p| p.name.as_str()).collect();
    for slot in &method.params {
        if RUN_OPTIONS.contains(&slot.name.as_str()) {
            continue;
        }
        has_password |= slot.name == "password";
        cmd = cmd.arg(param_arg(api, slot, &longs));
    }
    if !has_password {
        cmd = cmd.arg(password_trap());
    }
    cmd = cmd
        .next_help_heading("Call options")
        .arg(
            Arg::new("params")
                .long("params")
                .value_name("JSON")
                .help("All or some params as one JSON object (@FILE, - for standard input); --<param> options win"),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .value_name("FORMAT")
                .value_parser(["json", "pretty", "compact", "table", "ndjson"])
                .help("json (pretty on a terminal, compact otherwise), pretty, compact, table (a list result as rows), ndjson (one line per item of the list)"),
        )
        .arg(
            Arg::new("columns")
                .long("columns")
                .value_name("NAMES")
                .value_delimiter(',')
                .help("Table columns: fields of the items, dotted for nested ones (user.name)"),
        )
        .arg(
            Arg::new("no-check")
                .long("no-check")
                .action(ArgAction::SetTrue)
                .help("Send params the spec does not know, or values it does not list"),
        );
    if let Some(paging) = &method.paging {
        cmd = cmd
            .arg(
                Arg::new("all")
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .help(format!(
                        "Every item of every page, one JSON line each as they arrive (sets {} and {})",
                        paging.offset.join("."),
                        paging.limit.join(".")
                    )),
            )
            .arg(
                Arg::new("page-size")
                    .long("page-size")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u32).range(1..))
                    .help(format!("Items per request with --all [default: {DEFAULT_PAGE_SIZE}]")),
            );
    }
    // Without cut-off prevention `--confirm` is still taken, hidden, to be refused with
    // the reason rather than as an unknown argument.
    cmd.arg(
        Arg::new("confirm")
            .long("confirm")
            .action(ArgAction::SetTrue)
            .hide(!api.confirmable() || method.sessionless)
            .help("Apply the change with cut-off prevention: confirm it in the same session, as the web administration does, so the appliance keeps it"),
    )
}

/// A hidden `--password` that is refused with the reason (see `password_refusal`).
pub fn password_trap() -> Arg {
    Arg::new("password-argument")
        .long("password")
        .hide(true)
        .num_args(0..=1)
        .default_missing_value("")
        .allow_hyphen_values(true)
        .action(ArgAction::Set)
}

/// Why a password is never taken from an argument.
pub fn password_refusal() -> Failure {
    Failure::usage(
        "--password is refused: an argument is visible to every user of the machine (ps, /proc) \
         and stays in the shell's history. Set KERIO_PASSWORD, name a file with \
         --password-file (or KERIO_PASSWORD_FILE), use an appliance of the fleet file \
         (--appliance), or let kerio ask on the terminal",
    )
}

/// The option of a param; `longs` are the names taken by the method's other params.
fn param_arg(api: &ApiSpec, slot: &Slot, longs: &[&str]) -> Arg {
    let required = if slot.optional {
        "optional"
    } else {
        "required"
    };
    let form = if api.is_text(&slot.ty) {
        ""
    } else {
        ", as JSON"
    };
    let mut help = format!("[{required}] {}{form}", api.expected(&slot.ty));
    if slot.secret {
        help.push_str(", from @FILE or - only");
    }
    if let Some(doc) = summary(slot.doc.as_deref()) {
        help.push_str(". ");
        help.push_str(&doc);
    }
    let mut arg = Arg::new(slot.name.clone())
        .long(slot.name.clone())
        .value_name(value_name(api, &slot.ty))
        .allow_hyphen_values(true)
        .help(help);
    let kebab = kebab(&slot.name);
    let free = !RUN_OPTIONS.contains(&kebab.as_str()) && !longs.contains(&kebab.as_str());
    if kebab != slot.name && free && kebab != "password" {
        arg = arg.alias(kebab);
    }
    arg
}

fn value_name(api: &ApiSpec, ty: &TypeRef) -> String {
    match api.shape(ty) {
        Shape::String => "TEXT".into(),
        Shape::Boolean => "BOOL".into(),
        Shape::Int32 | Shape::Int64 => "INT".into(),
        Shape::Double => "NUMBER".into(),
        Shape::Enum(name, _) | Shape::Struct(name, _) => name.to_owned(),
        Shape::Any | Shape::List(_) | Shape::Map(_) => "JSON".into(),
    }
}

fn long_about(method: &MethodSpec) -> String {
    let doc = method
        .doc
        .as_deref()
        .map(without_sources)
        .unwrap_or_default();
    let mut text = format!("{}\n\n{doc}", method.wire);
    if let Some(role) = &method.role {
        text.push_str(&format!("\n\nRole: {role}."));
    }
    if method.sessionless {
        text.push_str(
            "\n\nSessionless: kerio calls it without logging in; no user or password is needed.",
        );
    }
    text.trim_end().to_owned()
}

fn result_help(api: &ApiSpec, method: &MethodSpec) -> String {
    if method.result.is_empty() {
        return "Result: {} (no out-parameters).".into();
    }
    let mut text = String::from("Result, a JSON object:");
    for slot in &method.result {
        let optional = if slot.optional {
            ", may be missing"
        } else {
            ""
        };
        text.push_str(&format!(
            "\n  {}: {}{optional}",
            slot.name,
            api.expected(&slot.ty)
        ));
        if let Some(doc) = summary(slot.doc.as_deref()) {
            text.push_str(&format!(". {doc}"));
        }
    }
    text
}

/// `getFullStatus` → `get-full-status`, `IpAddressGroups` → `ip-address-groups`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || prev_upper && next_lower) {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        } else if *c == '_' {
            out.push('-');
        } else {
            out.push(*c);
        }
    }
    out
}

/// The params and options a method command was given. `--all` fills a missing struct
/// param that holds the page position with `{}`.
pub fn read(
    api: &ApiSpec,
    method: &MethodSpec,
    matches: &ArgMatches,
) -> Result<(Map<String, Value>, RunOptions), Failure> {
    if let Ok(Some(_)) = matches.try_get_one::<String>("password-argument") {
        return Err(password_refusal());
    }
    let flag = |id: &str| {
        matches
            .try_get_one::<bool>(id)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false)
    };
    let mut params = match matches.get_one::<String>("params") {
        Some(text) => match json_value(&read_text(text, "--params")?, "--params")? {
            Value::Object(map) => map,
            other => {
                return Err(Failure::usage(format!(
                    "--params expects a JSON object of params, not {}",
                    crate::check::kind(&other)
                )));
            }
        },
        None => Map::new(),
    };
    for slot in &method.params {
        let Ok(Some(text)) = matches.try_get_one::<String>(&slot.name) else {
            continue;
        };
        let flag_name = format!("--{}", slot.name);
        if slot.secret && !is_indirect(text) {
            return Err(Failure::usage(format!(
                "{flag_name} is a secret: give it from a file (@FILE) or standard input (-), \
                 never as an argument, which every user of the machine can see"
            )));
        }
        let given = read_text(text, &flag_name)?;
        let value = match api.shape(&slot.ty) {
            Shape::String | Shape::Enum(..) => Value::String(given),
            // A scalar that is not JSON is a value of the wrong type, not bad JSON.
            Shape::Boolean | Shape::Int32 | Shape::Int64 | Shape::Double => {
                serde_json::from_str(given.trim()).map_err(|_| {
                    Failure::usage(format!("{flag_name}: expected {}", api.expected(&slot.ty)))
                })?
            }
            _ => json_value(&given, &flag_name)?,
        };
        if !is_indirect(text) && holds_secret(api, &slot.ty, &value) {
            return Err(Failure::usage(format!(
                "{flag_name} holds a secret field: give the value from a file (@FILE) or \
                 standard input (-), never as an argument, which every user of the machine can see"
            )));
        }
        params.insert(slot.name.clone(), value);
    }
    let all = flag("all");
    if all
        && let Some(paging) = &method.paging
        && paging.offset.len() == 2
    {
        params
            .entry(paging.offset[0].clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    let output = match matches
        .try_get_one::<String>("output")
        .ok()
        .flatten()
        .map(String::as_str)
    {
        Some("json") | None => Output::Auto,
        Some("pretty") => Output::Pretty,
        Some("compact") => Output::Compact,
        Some("table") => Output::Table,
        Some(_) => Output::Ndjson,
    };
    let options = RunOptions {
        output,
        all,
        page_size: matches
            .try_get_one::<u32>("page-size")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(DEFAULT_PAGE_SIZE),
        columns: matches
            .get_many::<String>("columns")
            .map(|c| c.cloned().collect()),
        confirm: flag("confirm"),
        check: !flag("no-check"),
    };
    Ok((params, options))
}

/// A value read from a file or standard input rather than given inline.
fn is_indirect(text: &str) -> bool {
    text == "-" || text.starts_with('@') && !text.starts_with("@@")
}

/// The text of a value: itself, a file's content (`@FILE`, one final line break
/// dropped) or standard input (`-`).
pub fn read_text(text: &str, what: &str) -> Result<String, Failure> {
    let read = if text == "-" {
        let mut buf = String::new();
        std::io::stdin()
            .read_to_string(&mut buf)
            .map_err(|e| Failure::usage(format!("{what}: cannot read standard input: {e}")))?;
        buf
    } else if let Some(literal) = text.strip_prefix("@@") {
        return Ok(format!("@{literal}"));
    } else if let Some(path) = text.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("{what}: cannot read {path}: {e}")))?
    } else {
        return Ok(text.to_owned());
    };
    let trimmed = read.strip_suffix('\n').unwrap_or(&read);
    Ok(trimmed.strip_suffix('\r').unwrap_or(trimmed).to_owned())
}

/// JSON text as a value; the error says where the text is wrong, not what it holds.
pub fn json_value(text: &str, what: &str) -> Result<Value, Failure> {
    serde_json::from_str(text).map_err(|e| {
        Failure::usage(format!(
            "{what} is not valid JSON (line {}, column {}): {}",
            e.line(),
            e.column(),
            match e.classify() {
                serde_json::error::Category::Eof => "it ends too early",
                serde_json::error::Category::Syntax => "a syntax error",
                _ => "a value that cannot be read",
            }
        ))
    })
}

/// Whether a value holds a non-empty string under a field the spec marks secret.
fn holds_secret(api: &ApiSpec, ty: &TypeRef, value: &Value) -> bool {
    match (api.shape(ty), value) {
        (Shape::Struct(_, fields), Value::Object(map)) => map.iter().any(|(key, item)| {
            fields.iter().find(|f| &f.name == key).is_some_and(|f| {
                f.secret && item.as_str().is_some_and(|s| !s.is_empty())
                    || holds_secret(api, &f.ty, item)
            })
        }),
        (Shape::List(of), Value::Array(items)) => items.iter().any(|i| holds_secret(api, of, i)),
        (Shape::Map(of), Value::Object(map)) => map.values().any(|i| holds_secret(api, of, i)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_kebab_case() {
        assert_eq!(kebab("IpAddressGroups"), "ip-address-groups");
        assert_eq!(kebab("getFullStatus"), "get-full-status");
        assert_eq!(kebab("getMFAStatus"), "get-mfa-status");
        assert_eq!(kebab("P2pEliminator"), "p2p-eliminator");
        assert_eq!(kebab("get"), "get");
    }

    #[test]
    fn values_come_inline_from_files_or_escaped() {
        let dir = tempfile::tempdir().expect("folder");
        let file = dir.path().join("v.json");
        std::fs::write(&file, "{\"a\": 1}\n").expect("written");
        let at = format!("@{}", file.display());
        assert_eq!(read_text(&at, "x").expect("read"), "{\"a\": 1}");
        assert_eq!(read_text("@@home", "x").expect("read"), "@home");
        assert_eq!(read_text("plain", "x").expect("read"), "plain");
        assert!(is_indirect(&at) && is_indirect("-") && !is_indirect("@@x"));
        let e = json_value("{\"password\": \"hunter2\"", "--x").unwrap_err();
        assert!(!e.message.contains("hunter2"), "{e}");
    }
}
