//! The `lantoa` binary: parse the command line and hand over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    lantoa::cli::run(lantoa::cli::Cli::parse()).await
}
