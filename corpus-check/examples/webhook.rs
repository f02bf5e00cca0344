//! Receive Museum's `publishNewEvent` webhook (a corpus document's OpenAPI
//! 3.1 `webhooks`) as an app would: an axum route verifies each delivery's
//! Standard Webhooks signature and reads its typed payload with the
//! generated `museum::webhooks::parse`. The example asks the mock to send
//! one (`POST /__mock/webhooks`) to itself, prints it, and exits.
//!
//! ```text
//! cargo run -p mock-server -- --spec specs/corpus/museum &
//! cargo run -p corpus-check --example webhook -- http://127.0.0.1:4010 [whsec_...]
//! ```
//!
//! The secret is the mock's `--webhook-secret`, by default its test secret.
//! Exits 0 when a delivery is verified and read, 1 otherwise, 2 on a usage
//! error.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use corpus_check::museum::webhooks::{self, Webhook};
use sdk::webhooks::Verifier;
use tokio::sync::mpsc;

struct App {
    verifier: Verifier,
    deliveries: mpsc::Sender<Webhook>,
}

/// The app's webhook endpoint: `400` for anything not verified and read.
async fn receive(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    match webhooks::parse(&app.verifier, &headers, &body) {
        Ok(delivery) => {
            println!("delivery {} ({}):", delivery.id, delivery.payload.name());
            let _ = app.deliveries.send(delivery.payload).await;
            StatusCode::NO_CONTENT
        }
        Err(error) => {
            eprintln!("refused a delivery: {error}");
            StatusCode::BAD_REQUEST
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mock, secret) = match args.as_slice() {
        [mock] => (mock, mock_server::WEBHOOK_TEST_SECRET),
        [mock, secret] => (mock, secret.as_str()),
        _ => {
            eprintln!("usage: webhook <mock-url> [whsec_...]");
            return ExitCode::from(2);
        }
    };
    let verifier = match Verifier::new(secret) {
        Ok(verifier) => verifier,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let (sender, mut deliveries) = mpsc::channel(1);
    let app = Arc::new(App {
        verifier,
        deliveries: sender,
    });
    let router = axum::Router::new()
        .route("/hooks/museum", post(receive))
        .with_state(app);
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(address) = listener.local_addr() else {
        return ExitCode::FAILURE;
    };
    tokio::spawn(async move { axum::serve(listener, router).await });

    let asked = test_support::http_client()
        .post(format!("{}/__mock/webhooks", mock.trim_end_matches('/')))
        .json(&serde_json::json!({
            "provider": "museum",
            "webhook": "publishNewEvent",
            "url": format!("http://{address}/hooks/museum"),
        }))
        .send()
        .await;
    match asked {
        Ok(answer) if answer.status() == 202 => {}
        Ok(answer) => {
            eprintln!("the mock answered {}", answer.status());
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    }
    match tokio::time::timeout(Duration::from_secs(30), deliveries.recv()).await {
        Ok(Some(Webhook::PublishNewEvent(event))) => {
            println!("  {}, at {}", event.name, event.location);
            ExitCode::SUCCESS
        }
        Ok(Some(other)) => {
            println!("  {other:?}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("no delivery was verified and read within 30 s");
            ExitCode::FAILURE
        }
    }
}
