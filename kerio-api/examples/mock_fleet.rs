//! A fleet of mock appliances on loopback, one in each state, with the fleet file that
//! lists them: for trying the fleet report and `kerio_exporter` without appliances.
//!
//! ```text
//! cargo run -p kerio-api --example mock_fleet -- target/mock-fleet
//! cargo run -p kerio-api --features connect-admin,operator-admin --example mock_fleet -- target/mock-fleet
//! ```
//!
//! It writes `fleet.toml` into the folder, with a password file per appliance (the
//! passwords are made up at start) and the certificate pins, plus an appliance listed
//! without credentials and one whose port is closed, then serves until interrupted.
//! Built with `connect-admin` and `operator-admin`, it adds a Kerio Connect mail
//! server (`mail`, its product named) and a Kerio Operator PBX (`pbx`, its product
//! left to be found out); the report and the exporter read them when they are built
//! with the same features.
//! The `[exporter]` section makes the exporter listen on 127.0.0.1:9783, where the
//! example Prometheus configuration (`kerio-api/prometheus/prometheus.yml`) looks.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kerio_api::mock::{ApplianceState, MockAppliance, MockBuilder};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: mock_fleet FOLDER");
        return ExitCode::from(2);
    };
    match start(&dir).await {
        Ok(mocks) => {
            println!(
                "mock_fleet: {} appliances; fleet file {}",
                mocks.len(),
                dir.join("fleet.toml").display()
            );
            println!("ready");
            // Serves until the process is interrupted.
            std::future::pending::<()>().await;
            drop(mocks);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mock_fleet: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Starts the appliances and writes the fleet file.
async fn start(dir: &Path) -> Result<Vec<MockAppliance>, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut fleet = String::from(
        "# Written by `cargo run -p kerio-api --example mock_fleet`: mock appliances on\n\
         # loopback, one in each state. Passwords are in the files named here.\n\n\
         [exporter]\nlisten = \"127.0.0.1:9783\"\n\n\
         [exporter.module.quick]\ncollectors = [\"uptime\", \"interfaces\"]\ntimeout_seconds = 5\n",
    );
    let mut mocks = Vec::new();
    for (state, name) in ApplianceState::ALL {
        let builder = MockAppliance::builder().state(state);
        mocks.push(add(dir, &mut fleet, name, None, builder).await?);
    }
    // The other products, where the build has them: a mail server named as one, and a
    // PBX whose product is found out at the first contact.
    #[cfg(feature = "connect-admin")]
    {
        let builder = MockAppliance::builder().api("connect-admin");
        mocks.push(add(dir, &mut fleet, "mail", Some("connect"), builder).await?);
    }
    #[cfg(feature = "operator-admin")]
    {
        let builder = MockAppliance::builder().api("operator-admin");
        mocks.push(add(dir, &mut fleet, "pbx", None, builder).await?);
    }
    // A port bound and released: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    write!(
        fleet,
        "\n[[appliance]]                  # listed, not managed: grey\nname = \"unmanaged\"\n\
         url = \"https://127.0.0.1:{port}\"\n\n\
         [[appliance]]                  # nothing listens: red\nname = \"offline\"\n\
         url = \"https://127.0.0.1:{port}\"\nuser = \"admin\"\npassword_file = \"offline.password\"\n\
         insecure = true\n"
    )?;
    write_private(&dir.join("offline.password"), "unused")?;
    std::fs::write(dir.join("fleet.toml"), fleet)?;
    Ok(mocks)
}

/// Starts the appliance `builder` makes and lists it in `fleet` as `name`, with its
/// `product` when given.
async fn add(
    dir: &Path,
    fleet: &mut String,
    name: &str,
    product: Option<&str>,
    builder: MockBuilder,
) -> Result<MockAppliance, Box<dyn std::error::Error>> {
    let mock = builder.start().await?;
    let password_file = format!("{name}.password");
    write_private(&dir.join(&password_file), mock.password())?;
    write!(
        fleet,
        "\n[[appliance]]\nname = \"{name}\"\nurl = \"{}\"\nuser = \"{}\"\n\
         password_file = \"{password_file}\"\ncert_sha256 = \"{}\"\n",
        mock.url(),
        mock.user(),
        mock.cert_sha256()
    )?;
    if let Some(product) = product {
        writeln!(fleet, "product = \"{product}\"")?;
    }
    Ok(mock)
}

/// Writes a password file readable by its owner only (where the system has modes).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
