//! Force-stop a Phala Cloud CVM (a separate action from cancelling its
//! operation) and print the typed outcome.
//!
//! ```text
//! cargo run -p sdk --example stop -- <cvm_id> [--base-url URL] [--prefer code=N]
//! ```
//!
//! The API key comes from `PHALA_CLOUD_API_KEY`, the server from
//! `--base-url`, else `PHALA_CLOUD_BASE_URL`, else the public one. Exits 0 on
//! success, 1 on any error outcome, 2 on a usage error.

use std::process::ExitCode;

mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (positional, options) = match common::parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => return usage(&message),
    };
    let [cvm_id] = positional.as_slice() else {
        return usage("expected exactly one CVM id");
    };
    let client = match common::client::<sdk::phala::Client>(options) {
        Ok(client) => client,
        Err(code) => return code,
    };
    common::report(client.stop_cvm().cvm_id(cvm_id).send().await)
}

fn usage(message: &str) -> ExitCode {
    if !message.is_empty() {
        eprintln!("error: {message}");
    }
    eprintln!("usage: stop <cvm_id> [--base-url URL] [--prefer code=N]");
    ExitCode::from(2)
}
