//! List every Akua cluster, fetching pages of `--limit` as the stream is read.
//!
//! ```text
//! cargo run -p mock-server &     # the mock, on 127.0.0.1:4010
//! AKUA_API_TOKEN=test cargo run -p sdk --example pages -- \
//!     --base-url http://127.0.0.1:4010/akua/v1 --prefer items=7 [--limit 3]
//! ```
//!
//! The mock pages a collection of `Prefer: items=N` clusters (5 by
//! default); a real server pages what it holds. Exits 0 when the last page
//! is reached, 1 on an error outcome, 2 on a usage error.

// `common::report` prints one call's outcome; this example prints pages.
#[allow(dead_code)]
mod common;

use std::process::ExitCode;

use futures_util::StreamExt;

use common::{client, parse_args};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut limit = 2;
    if let Some(at) = args.iter().position(|a| a == "--limit") {
        match args.get(at + 1).map(|n| n.parse::<u64>()) {
            Some(Ok(n)) if n > 0 => limit = n,
            _ => return usage("--limit needs a positive number"),
        }
        args.drain(at..at + 2);
    }
    let (positional, options) = match parse_args(args.into_iter()) {
        Ok(parsed) => parsed,
        Err(message) => return usage(&message),
    };
    if !positional.is_empty() {
        return usage("no positional arguments");
    }
    let client = match client::<sdk::akua::Client>(options) {
        Ok(client) => client,
        Err(code) => return code,
    };
    let Ok(limit) = std::num::NonZeroU64::try_from(limit) else {
        return usage("--limit needs a positive number");
    };
    let mut pages = client.clusters_list().limit(limit).pages();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                let page = page.into_inner();
                for cluster in &page.data {
                    count += 1;
                    println!("{count:>4} {} {}", cluster.id, cluster.name);
                }
                println!(
                    "     (page of {}, has_more: {})",
                    page.data.len(),
                    page.has_more
                );
            }
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{count} clusters");
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    if !message.is_empty() {
        eprintln!("error: {message}");
    }
    eprintln!("usage: pages [--limit N] [--base-url URL] [--prefer items=N]");
    ExitCode::from(2)
}
