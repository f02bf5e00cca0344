//! What the examples share: argument parsing, client set-up, printing outcomes.

use std::fmt::Debug;
use std::process::ExitCode;

use sdk::{ClientBuilder, Provider, ResponseValue};

/// Splits `--base-url URL` (or `--base-url=URL`) from the positional arguments.
pub fn parse_args(
    args: impl Iterator<Item = String>,
) -> Result<(Vec<String>, Option<String>), String> {
    let mut positional = Vec::new();
    let mut base_url = None;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if arg == "--base-url" {
            base_url = Some(args.next().ok_or("--base-url needs a URL")?);
        } else if let Some(url) = arg.strip_prefix("--base-url=") {
            base_url = Some(url.to_string());
        } else if arg == "--help" || arg == "-h" {
            return Err(String::new());
        } else if arg.starts_with("--") {
            return Err(format!("unknown option `{arg}`"));
        } else {
            positional.push(arg);
        }
    }
    Ok((positional, base_url))
}

/// A client with the key from the provider's environment variable.
pub fn client<C: Provider>(base_url: Option<String>) -> Result<C, ExitCode> {
    let mut builder = ClientBuilder::<C>::default();
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    builder
        .api_key_from_env()
        .and_then(ClientBuilder::build)
        .map_err(|error| {
            eprintln!("error: {error}");
            ExitCode::from(2)
        })
}

/// Prints the outcome; success exits 0, any error outcome 1.
pub fn report<T: Debug, E: std::error::Error + Debug>(
    outcome: Result<ResponseValue<T>, E>,
) -> ExitCode {
    match outcome {
        Ok(value) => {
            println!("{} {:#?}", value.status(), value.into_inner());
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("error: {error}\n{error:#?}");
            ExitCode::FAILURE
        }
    }
}
