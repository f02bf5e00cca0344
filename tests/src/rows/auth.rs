//! `auth`: without a credential, the documented refusal: a declared `401`,
//! else the validation status (a missing credential header is bad input).

use specs::ParameterLocation;

use crate::support::{Suite, Target, call, check};

/// Runs the row.
pub async fn run(suite: &Suite, target: &Target) -> Result<(), String> {
    let operation = target.operation();
    let base = suite.mock_base(target).await?;
    let outcome = call(target, &base, None, Vec::new(), &target.valid_arguments()).await?;
    let expected = if operation.response(401).is_some() {
        401
    } else {
        test_support::validation_status(operation, ParameterLocation::Header)
    };
    check(
        outcome.status == Some(expected),
        format!("status {:?}, expected {expected}", outcome.status),
    )?;
    let variant = if operation.response(expected).is_some() {
        test_support::variant_for(expected)
    } else {
        "UnexpectedStatus".to_string()
    };
    check(
        outcome.variant == variant,
        format!("variant {}, expected {variant}", outcome.variant),
    )
}
