//! `auth`: without a credential, the SDK refuses before sending
//! (`MissingCredentials`), and the mock, asked directly, refuses as HTTP
//! says (RFC 9110 §15.5.2): a `401`, or a declared `403`, in its documented
//! shape; a `401` the document does not declare is marked as such.

use serde_json::Value;
use test_support::DeclaredBody;

use crate::support::{Suite, Target, call, check, declared_body, raw_request, validate};

/// Runs the row.
pub async fn run(suite: &Suite, target: &Target) -> Result<(), String> {
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
    let declared = declared_body(target, raw.status)?;
    let undeclared = matches!(declared, DeclaredBody::Undeclared);
    check(
        match raw.status {
            401 => !undeclared || raw.marked_undeclared,
            403 => !undeclared,
            _ => false,
        },
        format!(
            "status {} ({}), expected 401 or a declared 403",
            raw.status,
            if undeclared { "undeclared" } else { "declared" }
        ),
    )?;
    if let DeclaredBody::Json(validator) = declared {
        let body: Value =
            serde_json::from_slice(&raw.body).map_err(|e| format!("body is not JSON: {e}"))?;
        validate(&validator, &body, "the refusal's body")?;
    }
    Ok(())
}
