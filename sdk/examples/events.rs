//! Follow an Akua install's logs as server-sent events, printing each as it
//! arrives (or only counting them with `--count`).
//!
//! ```text
//! cargo run -p mock-server &     # the mock, on 127.0.0.1:4010
//! AKUA_API_TOKEN=test cargo run -p sdk --example events -- ins_1 \
//!     --base-url http://127.0.0.1:4010/akua/v1 --prefer events=5,interval=200 [--count]
//! ```
//!
//! The mock streams `Prefer: events=N` events (3 by default), one every
//! `interval` milliseconds; a real server streams what the install logs.
//! A stream that breaks off is resumed after the last event's id
//! (`.events_after(id)`, `Last-Event-ID`), up to three times, where the
//! events carry ids (Akua's document gives its events none, so neither does
//! the mock: such a stream ends with the error).
//! Exits 0 when the stream ends, 1 on an error, 2 on a usage error.

// `common::report` prints one call's outcome; this example prints events.
#[allow(dead_code)]
mod common;

use std::process::ExitCode;

use futures_util::StreamExt;

use common::{client, parse_args};

/// How many times a broken stream is resumed before giving up.
const MAX_RESUMES: u32 = 3;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let count_only = args.iter().any(|a| a == "--count");
    args.retain(|a| a != "--count");
    let (positional, options) = match parse_args(args.into_iter()) {
        Ok(parsed) => parsed,
        Err(message) => return usage(&message),
    };
    let [install] = positional.as_slice() else {
        return usage("one install id");
    };
    let client = match client::<sdk::akua::Client>(options) {
        Ok(client) => client,
        Err(code) => return code,
    };
    let mut received = 0_u64;
    let mut last_id: Option<String> = None;
    let mut resumed = 0;
    loop {
        let logs = client.installs_get_logs().id(install);
        let opened = match &last_id {
            Some(id) => logs.events_after(id).await,
            None => logs.events().await,
        };
        let mut events = match opened {
            Ok(events) => events,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        let mut broke = None;
        while let Some(event) = events.next().await {
            match event {
                Ok(event) => {
                    received += 1;
                    last_id.clone_from(&event.id);
                    if !count_only {
                        println!("{} {}", event.event, event.data);
                    }
                }
                Err(error) => {
                    broke = Some(error);
                    break;
                }
            }
        }
        match broke {
            None => break,
            Some(error) if last_id.is_some() && resumed < MAX_RESUMES => {
                resumed += 1;
                eprintln!("stream broke after {received} events ({error}); resuming");
            }
            Some(error) => {
                eprintln!("error after {received} events: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{received} events");
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    if !message.is_empty() {
        eprintln!("error: {message}");
    }
    eprintln!("usage: events <install_id> [--count] [--base-url URL] [--prefer events=N]");
    ExitCode::from(2)
}
