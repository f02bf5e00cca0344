//! The provider-neutral cancel API on all four providers, against the mock
//! server (started in-process on a random port):
//!
//! ```text
//! cargo run -p sdk --example cancel_anywhere [-- --prefer code=404]
//! ```
//!
//! `--prefer` picks the mock's answer, e.g. `code=409` or `code=404`, to see
//! how each provider's documented answers map to one [`CancelStatus`].
//! Against the real APIs, build the [`Canceller`] with `Canceller::from_env()`.

use std::process::ExitCode;

use sdk::cancel::{CancelStatus, Canceller, Target};

#[tokio::main]
async fn main() -> ExitCode {
    let prefer = std::env::args().skip_while(|a| a != "--prefer").nth(1);
    let mock = match mock_server::MockServer::start(mock_server::Config::default()).await {
        Ok(mock) => mock,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("mock server at {}", mock.uri());

    macro_rules! client {
        ($module:ident) => {{
            let mut builder = sdk::$module::Client::builder()
                .base_url(mock.base_url(stringify!($module)).expect("vendored"))
                .api_key("example-key");
            if let Some(prefer) = &prefer {
                builder = builder.header("Prefer", prefer.as_str());
            }
            builder.build().ok()
        }};
    }
    let canceller = Canceller {
        phala: client!(phala),
        akua: client!(akua),
        chamelio: client!(chamelio),
        promptlayer: client!(promptlayer),
    };

    let uuid = "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10".to_string();
    let targets = [
        Target::PhalaCvmOperation {
            cvm_id: "cvm-1".into(),
        },
        Target::AkuaOperation {
            operation_id: "op_123".into(),
        },
        Target::ChamelioTask { task_id: 12345 },
        Target::PromptLayerSheetOperation {
            table_id: uuid.clone(),
            sheet_id: uuid,
            operation_id: "recalc-1".into(),
        },
    ];
    let mut failed = false;
    for target in &targets {
        match canceller.cancel(target).await {
            Ok(cancellation) => {
                let note = match cancellation.status {
                    CancelStatus::Requested => " (still winding down)",
                    _ => "",
                };
                println!("{target:?}\n  -> {:?}{note}", cancellation.status);
            }
            Err(error) => {
                failed = true;
                println!("{target:?}\n  -> error: {error}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
