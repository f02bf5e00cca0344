//! `status`: the SDK, against the mock, gets the documented outcome for a
//! declared status (the success type for 2xx, the error variant named after
//! the status otherwise), and the raw body and the SDK's parsed body both
//! validate against the verbatim document.

use serde_json::Value;
use test_support::DeclaredBody;

use crate::support::{KEY, Suite, Target, call, check, declared_body, raw_request, validate};

/// Runs the row for declared status `code`.
pub async fn run(suite: &Suite, target: &Target, code: u16) -> Result<(), String> {
    let base = suite.mock_base(target).await?;
    let arguments = target.valid_arguments();
    let prefer = ("Prefer".to_string(), format!("code={code}"));
    let outcome = call(target, &base, Some(KEY), vec![prefer.clone()], &arguments).await?;

    let expected = if (200..300).contains(&code) {
        "Ok".to_string()
    } else {
        specs::status::variant_name(specs::Status::Code(code))
    };
    check(
        outcome.status == Some(code),
        format!("status {:?}, expected {code}", outcome.status),
    )?;
    check(
        outcome.documented && outcome.variant == expected,
        format!(
            "outcome {} ({:?}), expected {expected}",
            outcome.variant, outcome.message
        ),
    )?;

    let credentials = target.credentials(KEY);
    let raw = raw_request(
        suite.http(),
        target,
        &base,
        &arguments,
        &credentials,
        &[prefer],
    )
    .await?;
    check(raw.status == code, format!("raw status {}", raw.status))?;
    match declared_body(target, code)? {
        DeclaredBody::Json(validator) => {
            let body: Value = serde_json::from_slice(&raw.body)
                .map_err(|e| format!("raw body is not JSON: {e}"))?;
            validate(&validator, &body, "raw body")?;
            let parsed = outcome.body.as_ref().ok_or("the SDK kept no parsed body")?;
            validate(&validator, parsed, "the SDK's parsed body, re-serialised")
        }
        DeclaredBody::Empty => check(
            raw.body.is_empty(),
            format!("declared without a body, got {} bytes", raw.body.len()),
        ),
        DeclaredBody::Other(media) => check(
            raw.content_type
                .as_deref()
                .is_some_and(|got| media.iter().any(|m| got.starts_with(m.as_str()))),
            format!("content type {:?}, declared {media:?}", raw.content_type),
        ),
        DeclaredBody::Undeclared => Err(format!("status {code} is not in the verbatim document")),
    }
}
