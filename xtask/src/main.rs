//! The workspace's workflows, run as `cargo xtask <command>` (rust-analyzer style).

mod bench;
mod codegen;
mod corpus;
mod soak;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]   write mock-server/src/generated/ from specs/ (--check: fail if stale)
  corpus [--fast] [NAME...]
                      the documents of specs/corpus/ through the spec library, the mock
                      generator and (without --fast) the SDK generator: a table and one
                      summary line
  bench [REQUESTS] [--other-mock BINARY]
                      the mock server against bare axum (and Prism, and a mock binary built
                      from another revision), default 1000000 requests each
  soak [REQUESTS] [--connections N] [--open N] [--seconds S]
                      the mock under a mixed valid/invalid load (default 10000000 requests over
                      32 connections, at most 1800 s), then N (2000) connections open at once;
                      fails on any unexpected answer or RSS growth of 1 MiB after warm-up";

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen::run(false),
        ["codegen", "--check"] => codegen::run(true),
        ["corpus", options @ ..] => corpus::run(options),
        ["bench", options @ ..] => bench(options),
        ["soak", options @ ..] => soak::run(options),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}

/// `bench [REQUESTS] [--other-mock BINARY]`.
fn bench(options: &[&str]) -> Result<()> {
    let mut requests = 1_000_000;
    let mut other_mock = None;
    let mut options = options.iter();
    while let Some(option) = options.next() {
        match *option {
            "--other-mock" => match options.next() {
                Some(path) => other_mock = Some(std::path::PathBuf::from(path)),
                None => bail!("--other-mock needs a binary\n{USAGE}"),
            },
            count => {
                requests = count
                    .parse()
                    .with_context(|| format!("not a request count: {count}\n{USAGE}"))?
            }
        }
    }
    bench::run(requests, other_mock.as_deref())
}
