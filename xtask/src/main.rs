//! Project tasks. `cargo xtask regen` validates the spec set and prints a summary.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "kerio-rs project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the spec set and print what it holds.
    Regen {
        /// Spec root (folders holding an api.json).
        #[arg(long, default_value_os_t = default_root())]
        specs: PathBuf,
    },
}

fn default_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Regen { specs } => match kerio_codegen::load::load_root(&specs) {
            Ok(apis) => {
                for api in &apis {
                    println!(
                        "{}: {} interfaces, {} methods, {} types",
                        api.manifest.name,
                        api.interfaces.len(),
                        api.method_count(),
                        api.types.len()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(diags) => {
                eprint!("{diags}");
                ExitCode::FAILURE
            }
        },
    }
}
