//! `kerio fleet`: the fleet report (`kerio_api::fleet`) as a table, JSON or an HTML page,
//! exiting by the worst colour (0 green or grey, 1 yellow, 2 red; 3 when no report
//! could be made), as monitoring checks do.

use std::io::IsTerminal;
use std::net::TcpListener;
use std::path::PathBuf;

use kerio_api::fleet::{
    Appliance, FleetConfig, FleetOptions, FleetReport, PasswordSource, Trust, poll,
};
use kerio_api::mock::{ApplianceState, MockAppliance};

use crate::exit::{self, Failure};

/// The options of `kerio fleet`.
#[derive(Debug, Clone, clap::Args)]
pub struct FleetArgs {
    /// The fleet file [default: --fleet, KERIO_FLEET, or fleet.toml]
    #[arg(value_name = "FLEET_FILE")]
    pub file: Option<PathBuf>,
    /// Print the report as JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Also write the report as a self-contained HTML page, sortable by status
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Poll a demo fleet of mock appliances on loopback, in several states, instead
    #[arg(long, conflicts_with = "file")]
    pub demo: bool,
}

/// Polls the fleet and prints the report; the exit code by the worst colour.
pub fn report(args: &FleetArgs, default_file: PathBuf) -> Result<u8, Failure> {
    let unknown = |message: String| Failure {
        code: exit::FLEET_UNKNOWN,
        message,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| unknown(format!("cannot start the runtime: {e}")))?;
    let report = if args.demo {
        runtime
            .block_on(poll_demo())
            .map_err(|e| unknown(format!("the demo fleet could not start: {e}")))?
    } else {
        let path = args.file.clone().unwrap_or(default_file);
        let config = FleetConfig::load(&path).map_err(|e| unknown(e.to_string()))?;
        runtime.block_on(config.poll())
    };
    if args.json {
        println!("{}", report.to_json());
    } else {
        let color = std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        print!("{}", report.to_table(color));
    }
    if let Some(path) = &args.html {
        std::fs::write(path, report.to_html())
            .map_err(|e| unknown(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("kerio: wrote {}", path.display());
    }
    Ok(report.exit_code())
}

/// The API each product's mock serves, and the states it plays in the demo.
const DEMO: [(&str, &str, bool, &[ApplianceState]); 3] = [
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

/// The demo fleet: mock appliances on loopback in several states of each product this
/// build polls (their product found out at first contact), one listed without
/// credentials and one address where nothing listens.
async fn poll_demo() -> Result<FleetReport, kerio_api::Error> {
    let mut mocks = Vec::new();
    let mut appliances = Vec::new();
    for (product, api, polled, states) in DEMO {
        if !polled {
            eprintln!("kerio: the demo has no {product} appliances: build with --features {api}");
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
