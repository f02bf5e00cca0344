//! Download a Museum ticket's QR code (a corpus document: `image/png`)
//! through its generated client, a chunk at a time, counting the bytes.
//!
//! ```text
//! cargo run -p mock-server -- --spec specs/corpus/museum &
//! cargo run -p corpus-check --example download -- \
//!     http://127.0.0.1:4010/_mock/docs/openapi/museum-api [--prefer size=1073741824]
//! ```
//!
//! The mock sends the example's bytes, or `Prefer: size=N` of them. Exits 0
//! when the file is read, 1 on an error, 2 on a usage error.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (base_url, prefer) = match args.as_slice() {
        [base_url] => (base_url, None),
        [base_url, flag, prefer] if flag == "--prefer" => (base_url, Some(prefer)),
        _ => {
            eprintln!("usage: download <base-url> [--prefer size=N]");
            return ExitCode::from(2);
        }
    };
    let mut builder = corpus_check::museum::Client::builder()
        .base_url(base_url)
        .credential(
            "MuseumPlaceholderAuth",
            sdk::auth::Credential::basic("user", "pass"),
        );
    if let Some(prefer) = prefer {
        builder = builder.header("Prefer", prefer);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let ticket = "a54a57ca-36f8-421b-a6b4-2e8f26858a4c";
    let mut download = match client.get_ticket_code().ticket_id(ticket).download().await {
        Ok(download) => download,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let content_type = download.content_type().unwrap_or("-").to_string();
    let mut received: u64 = 0;
    loop {
        match download.chunk().await {
            Ok(Some(chunk)) => received += chunk.len() as u64,
            Ok(None) => break,
            Err(error) => {
                eprintln!("error after {received} bytes: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{received} bytes of {content_type}");
    ExitCode::SUCCESS
}
