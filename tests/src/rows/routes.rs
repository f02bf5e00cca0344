//! `routes`: the mock serves the operation at the documented method and path
//! with exactly the documented statuses, a range or `default` as the code
//! it answers with (a stale mock is caught here, not only by
//! `cargo xtask codegen --check`).

use specs::Status;

use crate::support::{Suite, Target, check};

/// Runs the row.
pub async fn run(suite: &Suite, target: &Target) -> Result<(), String> {
    let operation = target.operation();
    let routes = suite.mock().await?.routes();
    let served = routes["providers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == target.provider.name.as_str())
        .flat_map(|p| p["operations"].as_array().into_iter().flatten())
        .find(|o| o["operation_id"] == operation.operation_id.as_str())
        .ok_or("the mock does not serve this operation")?;
    // What a server answering "any 4xx" or "anything else" sends: a
    // range's lowest code, and for `default` 500, HTTP's generic failure.
    let documented: Vec<u16> = operation
        .responses
        .iter()
        .map(|r| match r.status {
            Status::Code(code) => code,
            Status::Range(digit) => u16::from(digit) * 100,
            Status::Default => 500,
        })
        .collect();
    let expected = serde_json::json!({
        "method": operation.method,
        "path": operation.path,
        "operation_id": operation.operation_id,
        "statuses": documented,
    });
    check(
        *served == expected,
        format!("the mock serves {served}, the document says {expected}"),
    )
}
