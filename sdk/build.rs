//! Generates one module per provider from `specs/` with `codegen::sdk`
//! (see `codegen::sdk::build`): progenitor's client and types, with each
//! operation's `send()` returning the operation's typed outcome. A failure
//! is one located error (provider, document, operationId, JSON pointer).

use std::path::{Path, PathBuf};

fn main() {
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        fail("cargo did not set OUT_DIR");
    };
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let enabled = |variable: &str| std::env::var_os(variable).is_some();
    match codegen::sdk::build::build(manifest_dir, &out_dir, enabled) {
        Ok(built) => {
            for path in built.rerun_if_changed {
                println!("cargo::rerun-if-changed={}", path.display());
            }
            for warning in built.warnings {
                println!("cargo::warning={warning}");
            }
        }
        Err(error) => fail(&error.to_string()),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    println!("cargo::error={message}");
    std::process::exit(1);
}
