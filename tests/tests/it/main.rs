//! The contract crate's own tests, one binary on libtest-mimic's harness
//! (see `contract::runner::run_tests`), so the package's flags such as
//! `--live` pass through this target too.

mod live;
mod options;
mod runner;

fn main() -> std::process::ExitCode {
    let modules = [
        ("live", live::tests()),
        ("options", options::tests()),
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
