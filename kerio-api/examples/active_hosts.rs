//! Lists the hosts active on a Kerio Control appliance.
//!
//! ```text
//! KERIO_URL=https://firewall.example.com:4081 KERIO_USER=admin KERIO_PASSWORD=... \
//! KERIO_CERT_SHA256=5f1c... cargo run -p kerio-api --example active_hosts
//! ```
//!
//! Certificate trust, one of: `KERIO_CERT_SHA256` (hex SHA-256 of the appliance's
//! certificate, as the browser shows it), `KERIO_CA_CERT` (a PEM file with the CA that
//! signed it), `KERIO_INSECURE=1` (no verification at all; for a lab only). With none,
//! the system's trust store decides. `KERIO_PAGE_SIZE` sets how many hosts each request
//! fetches (default 100). The session logs in again by itself if it expires between pages.
//!
//! Every failure ends the program with one line that says what went wrong and a
//! non-zero exit code: 2 for configuration, 3 for the certificate or pin, 4 for the
//! login, 1 for anything else.

//! Without `KERIO_URL` it starts an embedded mock appliance (`kerio_api::mock`) and lists
//! its made-up hosts, saying so on its first line: `cargo run -p kerio-api --example
//! active_hosts` shows the crate at work with nothing else at hand.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use kerio_api::admin::{ActiveHost, Admin, ApiApplication, SearchQuery, SortDirection};
use kerio_api::{Client, Error, TlsErrorKind};

/// A failure with the exit code and the one line to print.
pub struct Failure {
    /// The process exit code.
    pub code: u8,
    /// What went wrong, on one line.
    pub line: String,
}

impl Failure {
    fn config(line: impl Into<String>) -> Self {
        Failure {
            code: 2,
            line: line.into(),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let listed = match from_env("KERIO_URL") {
        Some(_) => run(&from_env).await,
        None => with_mock().await,
    };
    match listed {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("active_hosts: {}", failure.line);
            ExitCode::from(failure.code)
        }
    }
}

/// Lists the hosts of an embedded mock appliance, saying so first.
async fn with_mock() -> Result<String, Failure> {
    let mock = kerio_api::mock::MockAppliance::start()
        .await
        .map_err(|e| Failure {
            code: 1,
            line: format!(
                "KERIO_URL is not set and the embedded mock appliance did not start: {e}"
            ),
        })?;
    println!(
        "KERIO_URL is not set: listing the made-up hosts of an embedded mock appliance at {}",
        mock.url()
    );
    let settings = [
        ("KERIO_URL", mock.url()),
        ("KERIO_USER", mock.user().to_owned()),
        ("KERIO_PASSWORD", mock.password().to_owned()),
        ("KERIO_CERT_SHA256", mock.cert_sha256().to_owned()),
    ];
    let env = |name: &str| match settings.iter().find(|(k, _)| *k == name) {
        Some((_, v)) => Some(v.clone()),
        None if name == "KERIO_PAGE_SIZE" => std::env::var(name).ok(),
        None => None,
    };
    run(&env).await
}

/// Reads the settings through `env`, lists the hosts and returns the table to print.
pub async fn run(env: &dyn Fn(&str) -> Option<String>) -> Result<String, Failure> {
    let url = required(env, "KERIO_URL")?;
    let user = required(env, "KERIO_USER")?;
    let password = required(env, "KERIO_PASSWORD")?;
    let page_size = match env("KERIO_PAGE_SIZE") {
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                Failure::config(format!(
                    "KERIO_PAGE_SIZE must be a positive number, not `{text}`"
                ))
            })?,
        None => 100,
    };
    let client = client(env, &url)?;

    let app = ApiApplication::default()
        .name("kerio-rs active_hosts example")
        .vendor("kerio-rs")
        .version(env!("CARGO_PKG_VERSION"));
    let session = Admin::login(&client, &user, &password, &app)
        .await
        .map_err(|e| failure("login failed", e))?;

    let query = SearchQuery::new().order_by("hostname", SortDirection::Asc);
    let hosts: Result<Vec<ActiveHost>, Error> = session
        .active_hosts()
        .get_stream(&query, true, page_size)
        .try_collect()
        .await;
    // Log out even when listing failed; a listing error is the one worth reporting.
    let logout = session.logout().await;
    let hosts = hosts.map_err(|e| failure("listing the active hosts failed", e))?;
    logout.map_err(|e| failure("logout failed", e))?;
    Ok(table(&hosts))
}

fn required(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<String, Failure> {
    match env(name) {
        Some(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(Failure::config(format!("{name} is not set"))),
    }
}

/// A client that trusts the appliance the way the environment says.
fn client(env: &dyn Fn(&str) -> Option<String>, url: &str) -> Result<Client, Failure> {
    let mut builder = Client::builder(url).auto_relogin(true);
    let pin = env("KERIO_CERT_SHA256").filter(|v| !v.is_empty());
    let ca = env("KERIO_CA_CERT").filter(|v| !v.is_empty());
    let insecure = env("KERIO_INSECURE").is_some_and(|v| v == "1");
    if let Some(pin) = pin {
        builder = builder
            .pin_sha256(&pin)
            .map_err(|e| Failure::config(format!("KERIO_CERT_SHA256: {e}")))?;
    } else if let Some(path) = ca {
        let pem = std::fs::read(&path)
            .map_err(|e| Failure::config(format!("KERIO_CA_CERT: cannot read {path}: {e}")))?;
        builder = builder
            .ca_certificate_pem(&pem)
            .map_err(|e| Failure::config(format!("KERIO_CA_CERT: {e}")))?;
    } else if insecure {
        builder = builder.danger_accept_invalid_certs();
    }
    builder
        .build()
        .map_err(|e| Failure::config(format!("KERIO_URL: {e}")))
}

/// Sorts an error into the one line the user sees.
fn failure(doing: &str, e: Error) -> Failure {
    match &e {
        Error::Tls {
            kind: TlsErrorKind::PinMismatch,
            ..
        } => Failure {
            code: 3,
            line: format!(
                "certificate pin mismatch: the appliance's certificate is not the one KERIO_CERT_SHA256 names ({e})"
            ),
        },
        Error::Tls { .. } => Failure {
            code: 3,
            line: format!(
                "certificate not trusted: {e}; pin it with KERIO_CERT_SHA256 or give its CA with KERIO_CA_CERT"
            ),
        },
        Error::Rpc(rpc) if doing == "login failed" => Failure {
            code: 4,
            line: format!("login failed: {} (code {})", rpc.message, rpc.code),
        },
        _ => Failure {
            code: 1,
            line: format!("{doing}: {e}"),
        },
    }
}

/// The hosts as a text table, one line per host and a count.
fn table(hosts: &[ActiveHost]) -> String {
    let rows: Vec<[String; 4]> = hosts
        .iter()
        .map(|h| {
            let user = h
                .user
                .as_ref()
                .and_then(|u| u.name.clone())
                .unwrap_or_default();
            [
                h.hostname
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "-".into()),
                h.ip.clone().unwrap_or_default(),
                if user.is_empty() { "-".into() } else { user },
                h.current_download
                    .map_or_else(|| "-".into(), |d| format!("{d:.1}")),
            ]
        })
        .collect();
    let header = ["HOSTNAME", "IP", "USER", "CURRENT DOWNLOAD"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
    };
    let mut out = line(header) + "\n";
    for row in &rows {
        out += &(line([&row[0], &row[1], &row[2], &row[3]]) + "\n");
    }
    out += &format!("{} active hosts\n", rows.len());
    out
}
