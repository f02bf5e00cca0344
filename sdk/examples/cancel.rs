//! Cancel an operation on any of the four providers and print the typed outcome.
//!
//! ```text
//! cargo run -p sdk --example cancel -- <provider> <id>... [--base-url URL] [--prefer code=N]
//!
//!   phala       <cvm_id>
//!   akua        <operation_id>
//!   chamelio    <task_id>
//!   promptlayer <table_id> <sheet_id> <operation_id>
//! ```
//!
//! The API key comes from the provider's variable (`PHALA_CLOUD_API_KEY`,
//! `AKUA_API_TOKEN`, `CHAMELIO_API_KEY`, `PROMPTLAYER_API_KEY`), the server
//! from `--base-url`, else its base URL variable (`PHALA_CLOUD_BASE_URL`,
//! `AKUA_BASE_URL`, `CHAMELIO_BASE_URL`, `PROMPTLAYER_BASE_URL`), else the
//! public one. Exits 0 on a documented success, 1 on any error outcome, 2 on
//! a usage error.

mod common;

use std::process::ExitCode;

use common::{client, parse_args, report};

const USAGE: &str =
    "usage: cancel <phala|akua|chamelio|promptlayer> <id>... [--base-url URL] [--prefer code=N]
  phala       <cvm_id>
  akua        <operation_id>
  chamelio    <task_id>
  promptlayer <table_id> <sheet_id> <operation_id>";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (positional, options) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => return usage(&message),
    };
    let ids: Vec<&str> = positional.iter().skip(1).map(String::as_str).collect();
    match (positional.first().map(String::as_str), ids.as_slice()) {
        (Some("phala"), [cvm_id]) => {
            let client = match client::<sdk::phala::Client>(options) {
                Ok(client) => client,
                Err(code) => return code,
            };
            report(client.cancel_cvm_operation().cvm_id(*cvm_id).send().await)
        }
        (Some("akua"), [operation_id]) => {
            let client = match client::<sdk::akua::Client>(options) {
                Ok(client) => client,
                Err(code) => return code,
            };
            report(client.operations_cancel().id(*operation_id).send().await)
        }
        (Some("chamelio"), [task_id]) => {
            let Ok(task_id) = task_id.parse::<i64>() else {
                return usage(&format!("chamelio task ids are integers, not `{task_id}`"));
            };
            let client = match client::<sdk::chamelio::Client>(options) {
                Ok(client) => client,
                Err(code) => return code,
            };
            report(client.cancel_task().task_id(task_id).send().await)
        }
        (Some("promptlayer"), [table_id, sheet_id, operation_id]) => {
            let client = match client::<sdk::promptlayer::Client>(options) {
                Ok(client) => client,
                Err(code) => return code,
            };
            report(
                client
                    .cancel_table_sheet_operation()
                    .table_id(*table_id)
                    .sheet_id(*sheet_id)
                    .operation_id(*operation_id)
                    .send()
                    .await,
            )
        }
        (Some(provider @ ("phala" | "akua" | "chamelio" | "promptlayer")), _) => {
            usage(&format!("wrong number of ids for {provider}"))
        }
        (Some(other), _) => usage(&format!("unknown provider `{other}`")),
        (None, _) => usage("no provider given"),
    }
}

fn usage(message: &str) -> ExitCode {
    if !message.is_empty() {
        eprintln!("error: {message}");
    }
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
