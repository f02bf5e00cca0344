//! Cancels a Chamelio task through the SDK, configured from the environment
//! (`CHAMELIO_API_KEY`, and `CHAMELIO_BASE_URL` to point it at the mock):
//! `cargo run --manifest-path examples/outside-app/Cargo.toml -- 42`.

use sdk::chamelio::{Client, errors::CancelTaskError};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let task_id: i64 = std::env::args()
        .nth(1)
        .ok_or("usage: outside-app TASK_ID")?
        .parse()?;
    let client = Client::from_env()?;
    match client.cancel_task().task_id(task_id).send().await {
        Ok(cancelled) => println!("task {task_id}: {}", cancelled.status),
        Err(CancelTaskError::NotFound(_)) => println!("task {task_id}: no such task"),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
