//! `status`: the SDK, against the mock, gets the documented outcome for a
//! declared status (the success type for 2xx, the error variant named after
//! the status otherwise), and the raw body and the SDK's parsed body both
//! validate against the verbatim document. A range (`4XX`) or `default` is
//! asked for with a code it covers that nothing declares more exactly, as a
//! real server would send it.

use serde_json::Value;
use specs::{Operation, Status};
use test_support::DeclaredBody;

use crate::support::{KEY, Suite, Target, call, check, declared_body, raw_request, validate};

/// A code `declared` covers that no exact code or range of the operation
/// declares (OpenAPI's precedence): the code itself, a range's lowest
/// registered code, for `default` a server error first.
pub fn code_under(operation: &Operation, declared: Status) -> Option<u16> {
    let taken = |code: u16| {
        operation.responses.iter().any(|r| match r.status {
            Status::Code(exact) => exact == code,
            Status::Range(digit) => u16::from(digit) == code / 100 && declared == Status::Default,
            Status::Default => false,
        })
    };
    match declared {
        Status::Code(code) => Some(code),
        Status::Range(digit) => (u16::from(digit) * 100..u16::from(digit) * 100 + 100)
            .filter(|code| specs::status::reason_phrase(*code).is_some())
            .find(|code| !taken(*code)),
        Status::Default => [500, 503, 502, 400, 409, 429]
            .into_iter()
            .find(|code| !taken(*code)),
    }
}

/// Runs the row: the mock asked for `code`, which `declared` covers.
pub async fn run(
    suite: &Suite,
    target: &Target,
    code: u16,
    declared: Status,
) -> Result<(), String> {
    let base = suite.mock_base(target).await?;
    let arguments = target.valid_arguments();
    let prefer = ("Prefer".to_string(), format!("code={code}"));
    let outcome = call(target, &base, Some(KEY), vec![prefer.clone()], &arguments).await?;

    let expected = if (200..300).contains(&code) {
        "Ok".to_string()
    } else {
        specs::status::variant_name(declared)
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
