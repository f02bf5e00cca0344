//! The contract suite as a program (`cargo run -p contract -- ARGS`), the
//! same runner as `cargo test -p contract -- ARGS`; the integration tests
//! run it as a subprocess.

fn main() -> std::process::ExitCode {
    contract::runner::main()
}
