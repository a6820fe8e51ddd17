//! The status of many Kerio appliances at a glance: one row per appliance, its product,
//! its status as a colour (green, yellow, red, grey) and the reasons.
//!
//! ```text
//! cargo run -p kerio-api --example fleet -- fleet.toml                   # a table
//! cargo run -p kerio-api --example fleet -- fleet.toml --json            # JSON
//! cargo run -p kerio-api --example fleet -- fleet.toml --html report.html
//! cargo run -p kerio-api --example fleet                                 # demo fleet
//! cargo run -p kerio-api --example fleet --features connect-admin,operator-admin
//! ```
//!
//! The fleet file lists the appliances (see `kerio_api::fleet` for its format);
//! passwords come from environment variables (`password_env`) or files
//! (`password_file`) it names, never from the file itself. Without a fleet file, the
//! example polls a demo fleet of mock appliances on loopback in several states, so that
//! every colour shows: Kerio Control firewalls, and, when built with the features
//! `connect-admin` and `operator-admin`, Kerio Connect mail servers and Kerio Operator
//! PBXs. The demo appliances do not say their product: it is found out at first contact.
//!
//! The table is coloured when standard output is a terminal (and `NO_COLOR` is not
//! set). `--html FILE` also writes a self-contained page, sortable by status. The exit
//! code says the worst colour, as monitoring checks do (`FleetReport::exit_code`): 0
//! when every appliance is green or grey, 1 when the worst is yellow, 2 when any is red;
//! 3 when no report could be made (wrong arguments, a fleet file that cannot be used).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use kerio_api::fleet::{FleetConfig, FleetReport};

const USAGE: &str = "usage: fleet [FLEET_FILE] [--json] [--html FILE]";
/// No report could be made: monitoring's "unknown", apart from the colours' codes.
const NO_REPORT: u8 = 3;

/// What the command line asks for.
struct Args {
    file: Option<PathBuf>,
    json: bool,
    html: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        file: None,
        json: false,
        html: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => parsed.json = true,
            "--html" => match args.next() {
                Some(path) if !path.starts_with("--") => parsed.html = Some(path.into()),
                _ => return Err("--html needs the file to write".into()),
            },
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ if parsed.file.is_some() => return Err("give one fleet file".into()),
            _ => parsed.file = Some(arg.into()),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("fleet: {message}\n{USAGE}");
            return ExitCode::from(NO_REPORT);
        }
    };
    let report = match &args.file {
        Some(path) => match FleetConfig::load(path) {
            Ok(config) => config.poll().await,
            Err(e) => {
                eprintln!("fleet: {e}");
                return ExitCode::from(NO_REPORT);
            }
        },
        None => match demo::poll_demo().await {
            Ok(report) => report,
            Err(e) => {
                eprintln!("fleet: the demo fleet could not start: {e}");
                return ExitCode::from(NO_REPORT);
            }
        },
    };
    output(&args, &report)
}

fn output(args: &Args, report: &FleetReport) -> ExitCode {
    if args.json {
        println!("{}", report.to_json());
    } else {
        let color = std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        print!("{}", report.to_table(color));
    }
    if let Some(path) = &args.html {
        if let Err(e) = std::fs::write(path, report.to_html()) {
            eprintln!("fleet: cannot write {}: {e}", path.display());
            return ExitCode::from(NO_REPORT);
        }
        eprintln!("fleet: wrote {}", path.display());
    }
    ExitCode::from(report.exit_code())
}

/// The demo fleet: mock appliances on loopback in several states of each product this
/// build polls, one listed without credentials and one address where nothing listens.
mod demo {
    use std::net::TcpListener;

    use kerio_api::fleet::{Appliance, FleetOptions, FleetReport, PasswordSource, Trust, poll};
    use kerio_api::mock::{ApplianceState, MockAppliance};

    /// The API each product's mock serves, and the states it plays in the demo.
    const PRODUCTS: [(&str, &str, bool, &[ApplianceState]); 3] = [
        (
            "control",
            "admin",
            true,
            &[
                ApplianceState::Healthy,
                ApplianceState::UpdateAvailable,
                ApplianceState::LowMemory,
                ApplianceState::LicenseExpired,
                ApplianceState::DiskFull,
            ],
        ),
        (
            "connect",
            "connect-admin",
            cfg!(feature = "connect-admin"),
            &[
                ApplianceState::Healthy,
                ApplianceState::UpdateAvailable,
                ApplianceState::MailQueueBacklog,
                ApplianceState::LicenseExpired,
            ],
        ),
        (
            "operator",
            "operator-admin",
            cfg!(feature = "operator-admin"),
            &[
                ApplianceState::Healthy,
                ApplianceState::DiskFull,
                ApplianceState::LicenseExpired,
            ],
        ),
    ];

    /// Starts the mock appliances, polls them all, and stops them.
    pub async fn poll_demo() -> Result<FleetReport, kerio_api::Error> {
        let mut mocks = Vec::new();
        let mut appliances = Vec::new();
        for (product, api, polled, states) in PRODUCTS {
            if !polled {
                eprintln!(
                    "fleet: the demo has no {product} appliances: build with --features {api}"
                );
                continue;
            }
            for &state in states {
                let mock = MockAppliance::builder()
                    .api(api)
                    .state(state)
                    .start()
                    .await?;
                appliances.push(
                    Appliance::new(format!("demo {product} {state}"), mock.url())
                        .credentials(mock.user(), PasswordSource::Value(mock.password().into()))
                        .trust(Trust::PinSha256(mock.cert_sha256().into())),
                );
                mocks.push(mock);
            }
        }
        if let Some(first) = mocks.first() {
            appliances.push(Appliance::new("demo no credentials", first.url()));
        }
        // A port bound and released: nothing listens there.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| kerio_api::Error::Config(format!("no free loopback port: {e}")))?;
        appliances.push(
            Appliance::new("demo offline", format!("https://127.0.0.1:{port}"))
                .credentials("admin", PasswordSource::Value("unused".into())),
        );
        let report = poll(&appliances, &FleetOptions::default()).await;
        drop(mocks);
        Ok(report)
    }
}
