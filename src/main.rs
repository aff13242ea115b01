//! The `clusterform` binary: parse the command line, run one command, exit with its code.

use clap::Parser;

fn main() {
    let (args, vars) = clusterform::cli::normalise_args(std::env::args().collect());
    let cli = match clusterform::cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Usage mistakes exit 1: exit code 2 means "changes present" with --detailed-exitcode.
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = clusterform::cli::run(cli, vars);
    std::process::exit(code as i32);
}
