//! Serves the mock appliance (`kerio_api::mock`) until interrupted, so that other
//! programs (scripts, clients in other languages) can talk to it. `cargo xtask mock`
//! runs this example.
//!
//! ```text
//! cargo run -p kerio-api --example mock_server -- --listen 127.0.0.1:4081 \
//!     [--captures DIR] [--state NAME] [--user U --password P] [--cert-out FILE] [--strict]
//! ```
//!
//! It prints `url`, `sha256` (the certificate pin), `user` and `password` (made up when
//! not given), one `name: value` line each, then `ready`. States: healthy,
//! update-available, low-memory, license-expired.

use std::net::SocketAddr;
use std::process::ExitCode;

use kerio_api::mock::{ApplianceState, MockAppliance, MockBuilder};

const USAGE: &str = "usage: mock_server [--listen ADDR:PORT] [--captures DIR] [--state NAME] \
[--user U --password P] [--cert-out FILE] [--strict]";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (builder, cert_out) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("mock_server: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mock = match builder.start().await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("mock_server: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &cert_out
        && let Err(e) = std::fs::write(path, mock.cert_pem())
    {
        eprintln!("mock_server: cannot write the certificate to {path}: {e}");
        return ExitCode::FAILURE;
    }
    println!("url: {}", mock.url());
    println!("sha256: {}", mock.cert_sha256());
    println!("user: {}", mock.user());
    println!("password: {}", mock.password());
    if let Some(path) = &cert_out {
        println!("cert: {path}");
    }
    println!("ready");
    serve(mock).await
}

/// Serves until the process is interrupted.
async fn serve(_mock: MockAppliance) -> ExitCode {
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

fn parse(args: &[String]) -> Result<(MockBuilder, Option<String>), String> {
    let mut builder = MockAppliance::builder();
    let mut user = None;
    let mut password = None;
    let mut cert_out = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--strict" {
            builder = builder.strict(true);
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .clone();
        match flag.as_str() {
            "--listen" => {
                let addr: SocketAddr = value
                    .parse()
                    .map_err(|e| format!("--listen `{value}`: {e}"))?;
                builder = builder.listen(addr);
            }
            "--captures" => builder = builder.captures(&value),
            "--state" => {
                let state: ApplianceState = value.parse().map_err(|e| format!("--state: {e}"))?;
                builder = builder.state(state);
            }
            "--user" => user = Some(value),
            "--password" => password = Some(value),
            "--cert-out" => cert_out = Some(value),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    match (user, password) {
        (Some(u), Some(p)) => builder = builder.credentials(u, p),
        (None, None) => {}
        (Some(u), None) => {
            // A user without a password gets a made-up password, as the default user does.
            builder = builder.user(u);
        }
        (None, Some(_)) => return Err("--password needs --user".into()),
    }
    Ok((builder, cert_out))
}
