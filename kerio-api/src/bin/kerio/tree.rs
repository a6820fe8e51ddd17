//! The command tree: the fixed commands, and one command per interface of the chosen
//! API with one per method, all made from the spec description at start (a table
//! interpreted at run time, not code generated per method).

use clap::{Arg, ArgAction, Args as _, Command, FromArgMatches};

use crate::args::{self, kebab, method_command};
use crate::connect::Connection;
use crate::fleet::FleetArgs;
use crate::serve::MockArgs;
use crate::spec::{ApiSpec, MethodSpec, first_sentence, summary};

/// Commands that are not interfaces; an interface of the same name is reached with
/// `kerio call`.
const FIXED: [&str; 7] = [
    "call",
    "batch",
    "methods",
    "fleet",
    "mock",
    "completions",
    "help",
];

/// Roles kerio drives itself: not callable as methods.
pub const OWN_ROLES: [&str; 3] = ["login", "logout", "batch"];

const ABOUT: &str = "Calls every method of the Kerio APIs of kerio-api's spec set, over verified TLS, \
with passwords kept out of arguments and logs.";

const AFTER_HELP: &str = "\
Connection options come before the command; KERIO_URL, KERIO_USER, KERIO_PASSWORD, \
KERIO_CERT_SHA256, KERIO_CA_CERT and KERIO_INSECURE=1 set them too. \
`kerio <interface> <method> --help` shows a method's params and result.

Exit codes: 0 success, 1 the appliance answered with an error, 2 usage (nothing sent; also \
an API this kerio was built without), 3 certificate not trusted or pin mismatch, 4 login \
refused, 5 appliance unreachable, 6 change not confirmed; kerio fleet: 0 green, 1 yellow, \
2 red, 3 no report.";

/// The APIs of the spec set, for the overview: `--api` names, titles, and the feature
/// of those this kerio was built without.
fn api_list() -> String {
    let Ok(apis) = crate::spec::apis() else {
        return String::new();
    };
    let mut text = String::from(
        "APIs (--api NAME; default: the administration API of the --appliance's product, else admin):",
    );
    for api in apis {
        let title = api.title.as_deref().unwrap_or(&api.name);
        text.push_str(&format!("\n  {:<15} {title}", api.name));
        if let (false, Some(feature)) = (api.is_compiled(), &api.feature) {
            text.push_str(&format!(" [not built in: feature {feature}]"));
        }
    }
    text
}

/// Whether the method is one kerio drives itself (login, logout, batch).
pub fn is_own(method: &MethodSpec) -> bool {
    method
        .role
        .as_deref()
        .is_some_and(|r| OWN_ROLES.contains(&r))
}

/// The options before any command: where to connect, and `--verbose`.
pub fn root_options(cmd: Command) -> Command {
    <Connection as clap::Args>::augment_args(cmd)
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .action(ArgAction::SetTrue)
                .help("Also say which reply fields the spec does not know"),
        )
        .arg(args::password_trap())
}

/// The whole command line for `api`.
pub fn root(api: &ApiSpec) -> Command {
    let title = api.title.as_deref().unwrap_or(&api.name);
    // The derived options would give the command their own doc as its about.
    let mut cmd = root_options(Command::new("kerio"))
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(format!("{}\n\n{AFTER_HELP}", api_list()))
        .subcommand_required(true)
        .arg_required_else_help(true);
    cmd = cmd
        .subcommand(
            Command::new("call")
                .about("Call a method by its wire name: kerio call ActiveHosts.get --query '{\"limit\": 5}'")
                .long_about(format!(
                    "Calls a method of the API by its wire name, Interface.method, with the \
                     params of `kerio <interface> <method>` ({title} unless --api says otherwise). \
                     `kerio call Interface.method --help` shows its params and result; \
                     `kerio methods` lists them all."
                ))
                .allow_external_subcommands(true)
                .subcommand_value_name("Interface.method")
                .subcommand_help_heading("Method")
                .subcommand_required(true)
                .arg_required_else_help(true),
        )
        .subcommand(
            Command::new("batch")
                .about("Run the calls of a JSON file in one Batch request")
                .long_about(
                    "Runs the calls of FILE (or standard input, -) through the API's batch method, \
                     in requests of at most 100: a JSON array of {\"method\": \"Interface.method\", \
                     \"params\": {...}} (or an object with such a \"commandList\"). Every command's \
                     params are checked against the spec before anything is sent. Prints one \
                     {\"method\", \"result\"} or {\"method\", \"error\"} per command, in order; \
                     exits 1 when any command failed.",
                )
                .arg(Arg::new("file").value_name("FILE").required(true).help("The batch file, or - for standard input"))
                .arg(
                    Arg::new("confirm")
                        .long("confirm")
                        .action(ArgAction::SetTrue)
                        .help("Apply the batch with cut-off prevention (the appliance keeps the changes only when confirmed)"),
                )
                .arg(
                    Arg::new("output")
                        .long("output")
                        .short('o')
                        .value_name("FORMAT")
                        .value_parser(["json", "pretty", "compact", "ndjson"])
                        .help("json (pretty on a terminal), pretty, compact, or ndjson (one line per command)"),
                )
                .arg(
                    Arg::new("no-check")
                        .long("no-check")
                        .action(ArgAction::SetTrue)
                        .help("Send params the spec does not know, or values it does not list"),
                ),
        )
        .subcommand(
            Command::new("methods")
                .about("List the interfaces and methods of the API, with their summaries")
                .arg(Arg::new("filter").value_name("TEXT").help("Only methods whose name contains TEXT (any case)")),
        )
        .subcommand(FleetArgs::augment_args(Command::new("fleet")).about(
            "The fleet report: every appliance of the fleet file as green, yellow, red or grey",
        ))
        .subcommand(MockArgs::augment_args(Command::new("mock")).about(
            "Serve a mock appliance for other programs' tests, printing its URL, pin and credentials",
        ))
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script: kerio completions bash > /etc/bash_completion.d/kerio")
                .arg(
                    Arg::new("shell")
                        .value_name("SHELL")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        );
    cmd.subcommands(interfaces(api))
}

/// One command per interface of `api` with a command per callable method.
fn interfaces(api: &ApiSpec) -> Vec<Command> {
    let mut taken: Vec<String> = FIXED.iter().map(|s| (*s).to_owned()).collect();
    let mut out = Vec::new();
    for iface in &api.interfaces {
        let methods: Vec<&MethodSpec> = iface.methods.iter().filter(|m| !is_own(m)).collect();
        let name = kebab(&iface.name);
        if methods.is_empty() || taken.contains(&name) {
            continue;
        }
        taken.push(name.clone());
        let mut cmd = Command::new(name.clone())
            .about(
                first_sentence(iface.doc.as_deref())
                    .unwrap_or_else(|| format!("The {} interface", iface.name)),
            )
            .long_about(summary(iface.doc.as_deref()).unwrap_or_default())
            .subcommand_required(true)
            .arg_required_else_help(true)
            .subcommand_help_heading("Methods");
        if iface.name != name {
            cmd = cmd.alias(iface.name.clone());
        }
        let mut names: Vec<String> = Vec::new();
        for method in methods {
            let mname = kebab(&method.name);
            if names.contains(&mname) {
                continue;
            }
            names.push(mname.clone());
            let mut sub = method_command(api, method, mname.clone());
            if method.name != mname && !names.contains(&method.name) {
                sub = sub.alias(method.name.clone());
            }
            cmd = cmd.subcommand(sub);
        }
        out.push(cmd.display_order(100));
    }
    out
}

/// The connection options of a parsed command line.
pub fn connection(matches: &clap::ArgMatches) -> Connection {
    Connection::from_arg_matches(matches).unwrap_or_default()
}

/// What the options before the command say, read before the command tree (which
/// depends on the API they choose) is made.
#[derive(Default)]
pub struct Early {
    pub connection: Connection,
    /// The command's name.
    pub command: Option<String>,
    /// Whether a `--password` came before the command.
    pub password_argument: bool,
}

/// The options before the command; anything else is left for later.
pub fn early(argv: &[String]) -> Early {
    let cmd = root_options(Command::new("kerio"))
        .allow_external_subcommands(true)
        .ignore_errors(true)
        .disable_help_flag(true)
        .disable_version_flag(true);
    match cmd.try_get_matches_from(argv) {
        Ok(m) => Early {
            connection: connection(&m),
            command: m.subcommand_name().map(str::to_owned),
            password_argument: matches!(m.try_get_one::<String>("password-argument"), Ok(Some(_))),
        },
        Err(_) => Early::default(),
    }
}
