//! The `clusterform` binary: parse the command line, run one command, exit with its code.

use clap::Parser;

fn main() {
    let (args, vars) = clusterform::cli::normalise_args(std::env::args().collect());
    let cli = clusterform::cli::Cli::parse_from(args);
    let code = clusterform::cli::run(cli, vars);
    std::process::exit(code as i32);
}
