//! `auth`: without a credential, the SDK refuses before sending
//! (`MissingCredentials`), and the mock, asked directly, gives the documented
//! refusal in its documented shape: HTTP's `401` where the operation declares
//! it (RFC 9110 §15.5.2), else any declared client error (an API may call a
//! missing credential header bad input, or forbidden), else an undeclared
//! `401`.

use serde_json::Value;
use test_support::DeclaredBody;

use crate::support::{Suite, Target, call, check, declared_body, raw_request, validate};

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
    let raw = raw_request(
        suite.http(),
        target,
        &base,
        &arguments,
        &Default::default(),
        &[],
    )
    .await?;
    let declares_401 = operation.response(401).is_some();
    let declared = declared_body(target, raw.status)?;
    let declared_client_error =
        (400..500).contains(&raw.status) && !matches!(declared, DeclaredBody::Undeclared);
    check(
        if declares_401 {
            raw.status == 401
        } else {
            raw.status == 401 || declared_client_error
        },
        format!(
            "status {}, expected {}",
            raw.status,
            if declares_401 {
                "the declared 401"
            } else {
                "a declared client error, or 401"
            }
        ),
    )?;
    if let DeclaredBody::Json(validator) = declared {
        let body: Value =
            serde_json::from_slice(&raw.body).map_err(|e| format!("body is not JSON: {e}"))?;
        validate(&validator, &body, "the refusal's body")?;
    }
    Ok(())
}
