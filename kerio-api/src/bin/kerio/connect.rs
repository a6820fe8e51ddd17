//! Which appliance, which API, and how to log in: an appliance of the fleet file
//! (`--appliance NAME`), or `--url` and the `KERIO_*` environment variables. A password
//! comes from the environment, a file or a prompt on the terminal, never from an
//! argument.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use kerio_api::fleet::{Appliance, FleetConfig, PasswordSource};
use kerio_api::{ClientBuilder, Secret};

use crate::exit::Failure;
use crate::spec::{self, ApiSpec};

/// The options before the command that say where to connect.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Connection (before the command)")]
pub struct Connection {
    /// The API of the spec set to call (its manifest name) [env: KERIO_API; default: the
    /// administration API of the appliance's product, else admin]
    #[arg(long, value_name = "NAME")]
    pub api: Option<String>,
    /// An appliance of the fleet file, by name: its URL, certificate trust, user and
    /// password source [env: KERIO_APPLIANCE]
    #[arg(long, value_name = "NAME")]
    pub appliance: Option<String>,
    /// The fleet file [env: KERIO_FLEET; default: fleet.toml]
    #[arg(long, value_name = "FILE")]
    pub fleet: Option<PathBuf>,
    /// The appliance's base URL with its port, e.g. https://fw.example.com:4081 [env:
    /// KERIO_URL]
    // The doc is the option's help text, where a URL in angle brackets would show them.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The user name [env: KERIO_USER]
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// A file holding the password [env: KERIO_PASSWORD_FILE]; KERIO_PASSWORD holds the
    /// password itself; without either kerio asks on the terminal
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Pin the appliance's certificate: its SHA-256 in hex [env: KERIO_CERT_SHA256]
    #[arg(long, value_name = "HEX")]
    pub cert_sha256: Option<String>,
    /// Trust the CA in this PEM file [env: KERIO_CA_CERT]
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Do not verify the certificate at all: for a lab only [env: KERIO_INSECURE=1]
    #[arg(long)]
    pub insecure: bool,
    /// Seconds a request may take [default: 180]
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

/// A variable of the environment, when set and not empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Connection {
    /// The fleet file to read.
    pub fn fleet_file(&self) -> PathBuf {
        self.fleet
            .clone()
            .or_else(|| env("KERIO_FLEET").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("fleet.toml"))
    }

    fn appliance_name(&self) -> Option<String> {
        self.appliance.clone().or_else(|| env("KERIO_APPLIANCE"))
    }

    /// The API to use: `--api`, else the default for the appliance's product.
    pub fn api(&self) -> Result<&'static ApiSpec, Failure> {
        let named = self.api.clone().or_else(|| env("KERIO_API"));
        match named {
            Some(name) => spec::api(&name).map_err(Failure::usage),
            None => spec::default_api(self.product()?.as_deref()).map_err(Failure::failed),
        }
    }

    /// The product of the appliance, when the fleet file says. A fleet file that cannot
    /// be read is an error now, since the API to call depends on it (a product this
    /// build does not poll is refused by the file's reader, naming the feature).
    fn product(&self) -> Result<Option<String>, Failure> {
        let Some(name) = self.appliance_name() else {
            return Ok(None);
        };
        let config =
            FleetConfig::load(self.fleet_file()).map_err(|e| Failure::usage(e.to_string()))?;
        Ok(config.appliance(&name).and_then(product_of))
    }

    /// Where and how to log in, read from the options, the environment and the fleet
    /// file; nothing is sent yet. Without `login` (a sessionless method) no user or
    /// password is read.
    pub fn target(&self, login: bool) -> Result<Target, Failure> {
        let mut target = match self.appliance_name() {
            Some(name) => self.fleet_target(&name, login)?,
            None => self.environment_target(login)?,
        };
        let timeout = match self.timeout {
            Some(s) => Some(
                Duration::try_from_secs_f64(s)
                    .ok()
                    .filter(|d| !d.is_zero())
                    .ok_or_else(|| {
                        Failure::usage("--timeout must be a positive number of seconds")
                    })?,
            ),
            None => None,
        };
        target.builder = target.builder.auto_relogin(true);
        if let Some(timeout) = timeout {
            target.builder = target.builder.timeout(timeout);
        }
        Ok(target)
    }

    fn fleet_target(&self, name: &str, login: bool) -> Result<Target, Failure> {
        if self.url.is_some()
            || self.cert_sha256.is_some()
            || self.ca_cert.is_some()
            || self.insecure
        {
            return Err(Failure::usage(
                "--appliance takes the URL and certificate trust from the fleet file: drop \
                 --url, --cert-sha256, --ca-cert and --insecure",
            ));
        }
        let path = self.fleet_file();
        let config = FleetConfig::load(&path).map_err(|e| Failure::usage(e.to_string()))?;
        let appliance = config.appliance(name).ok_or_else(|| {
            let names: Vec<&str> = config.appliances.iter().map(|a| a.name.as_str()).collect();
            Failure::usage(format!(
                "{} has no appliance named \"{name}\"; it lists {}",
                path.display(),
                names.join(", ")
            ))
        })?;
        let builder = appliance.client_builder().map_err(Failure::usage)?;
        let login = if login {
            let credentials = appliance.credentials.as_ref().ok_or_else(|| {
                Failure::usage(format!(
                    "the appliance \"{name}\" has no user in {}: add user and password_env or password_file",
                    path.display()
                ))
            })?;
            let user = self
                .user
                .clone()
                .unwrap_or_else(|| credentials.user.clone());
            let password = match &self.password_file {
                Some(file) => read_password_file(file)?,
                None => credentials.password.read().map_err(Failure::usage)?,
            };
            Some(Login { user, password })
        } else {
            None
        };
        Ok(Target {
            builder,
            login,
            hint: format!(
                "pin it with cert_sha256 or give its CA with ca_file in {}",
                path.display()
            ),
        })
    }

    fn environment_target(&self, login: bool) -> Result<Target, Failure> {
        let url = self.url.clone().or_else(|| env("KERIO_URL")).ok_or_else(|| {
            Failure::usage(
                "no appliance: give --url (or KERIO_URL), or --appliance NAME of the fleet file",
            )
        })?;
        let pin = self
            .cert_sha256
            .clone()
            .or_else(|| env("KERIO_CERT_SHA256"));
        let ca = self
            .ca_cert
            .clone()
            .or_else(|| env("KERIO_CA_CERT").map(PathBuf::from));
        let insecure = self.insecure || env("KERIO_INSECURE").is_some_and(|v| v == "1");
        let trusts = [pin.is_some(), ca.is_some(), insecure];
        if trusts.iter().filter(|t| **t).count() > 1 {
            return Err(Failure::usage(
                "give one of --cert-sha256, --ca-cert and --insecure (or their KERIO_* variables), not several",
            ));
        }
        let mut builder = kerio_api::Client::builder(&url);
        if let Some(pin) = pin {
            builder = builder
                .pin_sha256(&pin)
                .map_err(|e| Failure::usage(format!("--cert-sha256: {e}")))?;
        } else if let Some(path) = ca {
            let pem = std::fs::read(&path).map_err(|e| {
                Failure::usage(format!("--ca-cert: cannot read {}: {e}", path.display()))
            })?;
            builder = builder
                .ca_certificate_pem(&pem)
                .map_err(|e| Failure::usage(format!("--ca-cert: {e}")))?;
        } else if insecure {
            builder = builder.danger_accept_invalid_certs();
        }
        let login = if login {
            let user = self
                .user
                .clone()
                .or_else(|| env("KERIO_USER"))
                .ok_or_else(|| Failure::usage("no user name: give --user or set KERIO_USER"))?;
            let password = self.password()?;
            Some(Login { user, password })
        } else {
            None
        };
        Ok(Target {
            builder,
            login,
            hint: "pin it with --cert-sha256 (KERIO_CERT_SHA256) or give its CA with --ca-cert (KERIO_CA_CERT)".into(),
        })
    }

    fn password(&self) -> Result<Secret<String>, Failure> {
        let file = self
            .password_file
            .clone()
            .or_else(|| env("KERIO_PASSWORD_FILE").map(PathBuf::from));
        if let Some(file) = file {
            return read_password_file(&file);
        }
        if let Some(password) = env("KERIO_PASSWORD") {
            return Ok(Secret::new(password));
        }
        if !std::io::stderr().is_terminal() {
            return Err(Failure::usage(
                "no password: set KERIO_PASSWORD, or name a file with --password-file \
                 (KERIO_PASSWORD_FILE); kerio asks for it only on a terminal",
            ));
        }
        let password = rpassword::prompt_password("Password: ").map_err(|e| {
            Failure::usage(format!("cannot read the password from the terminal: {e}"))
        })?;
        if password.is_empty() {
            return Err(Failure::usage("the password is empty"));
        }
        Ok(Secret::new(password))
    }
}

fn read_password_file(path: &Path) -> Result<Secret<String>, Failure> {
    PasswordSource::File(path.to_owned())
        .read()
        .map_err(Failure::usage)
}

/// The product an appliance of the fleet file names, if any (`None`: the file does
/// not say, and Kerio Control's API is the default).
fn product_of(appliance: &Appliance) -> Option<String> {
    appliance.product.map(|p| p.as_str().to_owned())
}

/// Who logs in.
pub struct Login {
    pub user: String,
    pub password: Secret<String>,
}

/// An appliance to call.
pub struct Target {
    pub builder: ClientBuilder,
    /// Who logs in; `None` for a sessionless call.
    pub login: Option<Login>,
    /// How the user can make the certificate trusted, for TLS errors.
    pub hint: String,
}
