//! `routes`: the mock serves the operation at the documented method and path
//! with exactly the documented statuses, a range or `default` as a code it
//! covers (a stale mock is caught here, not only by
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
    // A range or `default` is listed as the code the mock answers it with:
    // which code is the mock's choice; that it is one the response covers
    // (and no more exact one does) is OpenAPI's rule.
    let served_statuses: Vec<u16> = served["statuses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_u64().and_then(|s| u16::try_from(s).ok()))
        .collect();
    check(
        served_statuses.len() == operation.responses.len(),
        format!(
            "the mock serves statuses {served_statuses:?} for the {} documented ones",
            operation.responses.len()
        ),
    )?;
    let exact = |code: u16| {
        operation
            .responses
            .iter()
            .any(|r| r.status == Status::Code(code))
    };
    let ranged = |code: u16| {
        operation
            .responses
            .iter()
            .any(|r| r.status == Status::Range((code / 100) as u8))
    };
    for (response, code) in operation.responses.iter().zip(&served_statuses) {
        let covered = match response.status {
            Status::Code(declared) => *code == declared,
            Status::Range(digit) => *code / 100 == u16::from(digit) && !exact(*code),
            Status::Default => (100..600).contains(code) && !exact(*code) && !ranged(*code),
        };
        check(
            covered,
            format!(
                "the mock lists {code} for the documented {}, which does not cover it",
                response.status
            ),
        )?;
    }
    let expected = serde_json::json!({
        "method": operation.method,
        "path": operation.path,
        "operation_id": operation.operation_id,
        "statuses": served_statuses,
    });
    check(
        *served == expected,
        format!("the mock serves {served}, the document says {expected}"),
    )
}
