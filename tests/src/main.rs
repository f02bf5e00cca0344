//! `cargo test -p contract [-- ARGS]`: the contract suite (see `contract::runner`).

fn main() -> std::process::ExitCode {
    contract::runner::main()
}
