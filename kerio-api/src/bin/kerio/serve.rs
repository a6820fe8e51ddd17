//! `kerio mock`: serves the mock appliance (`kerio_api::mock`) to other programs'
//! tests until the process is ended, after printing where it listens and how to log in.
//! `cargo xtask mock` runs this same command in place of its own process.

use std::net::SocketAddr;
use std::path::PathBuf;

use kerio_api::mock::{ApplianceState, MockAppliance};

use crate::exit::Failure;
use crate::spec::{self, ApiSpec};

/// The APIs to serve: those named (each in the spec set, which the mock interprets
/// whether or not this kerio can call them), else Kerio Control's.
fn served(names: &[String]) -> Result<Vec<&'static ApiSpec>, Failure> {
    if names.is_empty() {
        let apis = spec::apis().map_err(Failure::failed)?;
        return Ok(apis
            .iter()
            .filter(|a| a.product.as_deref() == Some("control"))
            .collect());
    }
    let mut out: Vec<&'static ApiSpec> = Vec::new();
    for name in names {
        let api = spec::api(name).map_err(|e| Failure::usage(format!("--api: {e}")))?;
        if !out.iter().any(|a| a.name == api.name) {
            out.push(api);
        }
    }
    Ok(out)
}

/// The options of `kerio mock`.
#[derive(Debug, Clone, clap::Args)]
pub struct MockArgs {
    /// An API to serve, by its manifest name (admin, stats, connect-admin,
    /// connect-client, operator-admin); give it again to serve several from one mock,
    /// each at its own path with sessions of its own [default: Kerio Control's, admin
    /// and stats]
    #[arg(long = "api", value_name = "NAME")]
    pub apis: Vec<String>,
    /// Address and port to listen on (port 0: any free port)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:4081")]
    pub listen: SocketAddr,
    /// A folder of HAR captures whose replies are replayed
    #[arg(long, value_name = "DIR")]
    pub captures: Option<PathBuf>,
    /// The appliance it plays: healthy, update-available, low-memory or license-expired
    #[arg(long, value_name = "NAME")]
    pub state: Option<String>,
    /// The user name the login accepts [default: admin]
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// The password the login accepts, made up when not given: a test credential of
    /// the mock, not a secret (unlike the appliance passwords kerio never takes as an
    /// argument)
    #[arg(long, value_name = "TEXT", requires = "user")]
    pub password: Option<String>,
    /// Write the certificate (PEM) to this file, for clients that take a CA file
    #[arg(long, value_name = "FILE")]
    pub cert_out: Option<PathBuf>,
    /// Refuse params the spec does not know (real appliances ignore them)
    #[arg(long)]
    pub strict: bool,
}

/// Starts the mock, prints `url`, `sha256`, `user`, `password` (and `cert`), one
/// `name: value` line each, an `api: NAME ENDPOINT` line per API it serves, then
/// `ready`, and serves until the process is ended.
pub fn serve(args: &MockArgs) -> Result<u8, Failure> {
    let apis = served(&args.apis)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let mut builder = MockAppliance::builder()
            .listen(args.listen)
            .strict(args.strict)
            .forget_requests();
        for api in &apis {
            builder = builder.api(api.name.as_str());
        }
        if let Some(dir) = &args.captures {
            builder = builder.captures(dir);
        }
        if let Some(state) = &args.state {
            let state: ApplianceState = state
                .parse()
                .map_err(|e| Failure::usage(format!("--state: {e}")))?;
            builder = builder.state(state);
        }
        builder = match (&args.user, &args.password) {
            (Some(user), Some(password)) => builder.credentials(user, password),
            (Some(user), None) => builder.user(user),
            _ => builder,
        };
        let mock = builder
            .start()
            .await
            .map_err(|e| Failure::failed(format!("the mock appliance did not start: {e}")))?;
        if let Some(path) = &args.cert_out {
            std::fs::write(path, mock.cert_pem()).map_err(|e| {
                Failure::usage(format!(
                    "cannot write the certificate to {}: {e}",
                    path.display()
                ))
            })?;
        }
        println!("url: {}", mock.url());
        println!("sha256: {}", mock.cert_sha256());
        println!("user: {}", mock.user());
        println!("password: {}", mock.password());
        if let Some(path) = &args.cert_out {
            println!("cert: {}", path.display());
        }
        let base = mock.url();
        for api in &apis {
            println!(
                "api: {} {}{}",
                api.name,
                base.trim_end_matches('/'),
                api.path
            );
        }
        println!("ready");
        // Serves on the runtime's threads until the process is ended (Ctrl-C, SIGTERM).
        std::future::pending::<()>().await;
        drop(mock);
        Ok(crate::exit::OK)
    })
}
