//! The benchmark baseline (`cargo xtask bench`): bare axum answering the
//! route the benchmark drives, `POST /chamelio/tasks/{task_id}/cancel`, with
//! the same fixed JSON body the mock sends, and nothing else: no routing of
//! its own, no credentials, no validation, no status selection.
//!
//! `cargo run --release -p mock-server --example bare_axum -- 127.0.0.1:4020`

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:4020".into());
    let body: &'static str = mock_server::PROVIDERS
        .iter()
        .find(|p| p.name == "chamelio")
        .and_then(|p| p.operations.first())
        .and_then(|o| o.responses.first())
        .and_then(|r| r.examples.first())
        .map_or("{}", |e| e.body);
    let app = Router::new().route(
        "/chamelio/tasks/{task_id}/cancel",
        post(move || async move { ([(CONTENT_TYPE, "application/json")], body) }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
