//! The contract crate's own tests, one binary on libtest-mimic's harness
//! (see `contract::runner::run_tests`), so the package's flags such as
//! `--live` pass through this target too.

mod live;
mod options;
mod oracle;
mod runner;

use std::sync::Arc;

/// The suite's program, as `cargo test -p contract` runs it.
const SUITE: &str = env!("CARGO_BIN_EXE_contract-suite");

/// Every vendored provider.
fn providers() -> Vec<Arc<specs::Provider>> {
    specs::load_providers(&specs::providers_dir())
        .unwrap()
        .into_iter()
        .map(Arc::new)
        .collect()
}

fn main() -> std::process::ExitCode {
    let modules = [
        ("live", live::tests()),
        ("options", options::tests()),
        ("oracle", oracle::tests()),
        ("runner", runner::tests()),
    ];
    let tests = modules
        .into_iter()
        .flat_map(|(module, tests)| {
            tests
                .into_iter()
                .map(move |(name, test)| (format!("{module}::{name}"), test))
        })
        .collect();
    contract::runner::run_tests(tests)
}
