//! What the examples share: argument parsing, client set-up, printing outcomes.

use std::fmt::Debug;
use std::process::ExitCode;

use sdk::{ClientBuilder, Provider, ResponseValue};

/// Options every example takes.
#[derive(Debug, Default)]
pub struct Options {
    /// `--base-url URL`: another server, e.g. the mock.
    pub base_url: Option<String>,
    /// `--prefer code=404`: sent as `Prefer`, to pick a mock server's response.
    pub prefer: Option<String>,
}

/// Splits `--base-url URL` and `--prefer VALUE` (or `--x=VALUE`) from the positional arguments.
pub fn parse_args(args: impl Iterator<Item = String>) -> Result<(Vec<String>, Options), String> {
    let mut positional = Vec::new();
    let mut options = Options::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if arg.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        if flag == "--base-url" {
            options.base_url = Some(value("--base-url")?);
        } else if flag == "--prefer" {
            options.prefer = Some(value("--prefer")?);
        } else if arg == "--help" || arg == "-h" {
            return Err(String::new());
        } else if arg.starts_with("--") {
            return Err(format!("unknown option `{arg}`"));
        } else {
            positional.push(arg);
        }
    }
    Ok((positional, options))
}

/// A client with the key from the provider's environment variable, at
/// `--base-url`, else at the URL in its base URL variable (e.g.
/// `CHAMELIO_BASE_URL`), else at its public server.
pub fn client<C: Provider>(options: Options) -> Result<C, ExitCode> {
    let configured = ClientBuilder::<C>::default()
        .api_key_from_env()
        .and_then(ClientBuilder::base_url_from_env)
        .and_then(|mut builder| {
            if let Some(url) = options.base_url {
                builder = builder.base_url(url);
            }
            if let Some(prefer) = options.prefer {
                builder = builder.header("Prefer", prefer);
            }
            builder.build()
        });
    configured.map_err(|error| {
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
