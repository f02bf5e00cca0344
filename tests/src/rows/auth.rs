//! `auth`: without a credential, the SDK refuses before sending
//! (`MissingCredentials`), and the mock, asked directly, gives the documented
//! refusal: a declared `401`, else a declared validation status (a missing
//! credential header is bad input), else an undeclared `401`.

use specs::ParameterLocation;

use crate::support::{Suite, Target, call, check, raw_request};

/// Runs the row.
pub async fn run(suite: &Suite, target: &Target) -> Result<(), String> {
    let operation = target.operation();
    let base = suite.mock_base(target).await?;
    let arguments = target.valid_arguments();
    let outcome = call(target, &base, None, Vec::new(), &arguments).await?;
    check(
        outcome.status.is_none() && outcome.variant == "MissingCredentials",
        format!(
            "the SDK sent a call it holds no credentials for: {:?} {}",
            outcome.status, outcome.variant
        ),
    )?;
    // Missing authentication is HTTP's 401 (RFC 9110 §15.5.2); an API that
    // does not declare it may call a missing credential header bad input.
    let expected = if operation.response(401).is_some() {
        401
    } else {
        test_support::expect::validation_statuses(ParameterLocation::Header)
            .iter()
            .copied()
            .find(|code| operation.response(*code).is_some())
            .unwrap_or(401)
    };
    let raw = raw_request(
        suite.http(),
        target,
        &base,
        &arguments,
        &Default::default(),
        &[],
    )
    .await?;
    check(
        raw.status == expected,
        format!("status {}, expected {expected}", raw.status),
    )
}
