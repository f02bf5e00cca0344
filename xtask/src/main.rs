//! The workspace's workflows, run as `cargo xtask <command>` (rust-analyzer
//! style). Every command and flag is declared here, once; each module runs
//! one command with typed options.

mod bench;
mod codegen;
mod corpus;
#[cfg(test)]
mod imports;
mod soak;

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "The workspace's workflows."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write mock-server/src/generated/, the goldens and the test models of
    /// the corpus from specs/.
    Codegen {
        /// Write nothing; fail if any generated file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Put the documents of specs/corpus/ through the spec library, the mock
    /// generator and the SDK: a table and one summary line.
    Corpus {
        /// The spec library and the mock generator only (no SDK).
        #[arg(long)]
        fast: bool,
        /// Only these documents (directory names); all without.
        names: Vec<String>,
    },
    /// The release mock server against bare axum (and Prism, and a mock binary
    /// built from another revision).
    Bench {
        /// Requests per server.
        #[arg(default_value_t = 1_000_000)]
        requests: u64,
        /// A mock-server binary to compare with, e.g. built from main.
        #[arg(long, value_name = "BINARY", conflicts_with = "spec")]
        other_mock: Option<PathBuf>,
        /// Instead: the mock serving this document (or provider directory)
        /// with `--spec`, beside Prism serving it when installed; writes a chart.
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Where `--spec` writes its SVG chart.
        #[arg(long, value_name = "FILE", default_value = "target/bench/spec.svg")]
        chart: PathBuf,
        /// Instead: bare axum and the mock (defaults, then `RUST_LOG=warn`)
        /// under `wrk`, in turn, this many rounds (needs `wrk` installed).
        #[arg(long, value_name = "ROUNDS", conflicts_with_all = ["spec", "other_mock"])]
        wrk: Option<u32>,
        /// Seconds of each `--wrk` run (and of `--instructions`' load).
        #[arg(long, value_name = "SECONDS", default_value_t = 5)]
        wrk_seconds: u32,
        /// Instead: instructions per request of bare axum and the mock,
        /// counted by callgrind under `wrk` (needs valgrind and wrk).
        #[arg(long, conflicts_with_all = ["spec", "other_mock", "wrk"])]
        instructions: bool,
    },
    /// The mock under a mixed valid/invalid load, then many connections open
    /// at once; fails on any unexpected answer or RSS growth of 1 MiB after
    /// warm-up.
    Soak {
        /// Requests in the load phase.
        #[arg(default_value_t = 10_000_000)]
        requests: u64,
        /// Keep-alive connections of the load phase.
        #[arg(long, default_value_t = NonZeroUsize::new(bench::CONNECTIONS).expect("not zero"))]
        connections: NonZeroUsize,
        /// Connections held open at once in the second phase.
        #[arg(long, default_value_t = 2_000)]
        open: usize,
        /// The load phase's time limit.
        #[arg(long, default_value_t = 1_800)]
        seconds: u64,
    },
}

fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Command::Codegen { check } => codegen::run(check),
        Command::Corpus { fast, names } => corpus::run(fast, &names),
        Command::Bench {
            requests,
            other_mock,
            spec,
            chart,
            wrk,
            wrk_seconds,
            instructions,
        } => match (spec, wrk) {
            _ if instructions => bench::run_instructions(wrk_seconds),
            (Some(spec), _) => bench::run_spec(&spec, requests, &chart),
            (None, Some(rounds)) => bench::run_wrk(rounds, wrk_seconds),
            (None, None) => bench::run(requests, other_mock.as_deref()),
        },
        Command::Soak {
            requests,
            connections,
            open,
            seconds,
        } => soak::run(soak::Options {
            requests,
            connections: connections.get(),
            open,
            seconds,
        }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
