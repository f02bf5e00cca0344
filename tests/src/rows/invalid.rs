//! What the `param` and `body` rows both check: the mock refuses invalid
//! input with a declared client error naming what was wrong, and the SDK
//! never reports a success for it.

use serde_json::Value;
use test_support::{DeclaredBody, SdkHandling};

use crate::support::{RawResponse, Target, check, declared_body, names_exactly, validate};

/// The mock's answer to a request whose only fault is `name`'s value: a
/// 4xx other than 401/403/407 (credentials were sent: those would blame
/// them), in the declared body of that status, naming `name` exactly; a
/// status the document does not declare (a gap `cargo xtask codegen`
/// lists) must be marked as such.
pub fn refused_by_mock(target: &Target, raw: &RawResponse, name: &str) -> Result<(), String> {
    check(
        (400..500).contains(&raw.status) && !matches!(raw.status, 401 | 403 | 407),
        format!(
            "mock answered {}, not a client error about the value",
            raw.status
        ),
    )?;
    let named = |body: &Value| {
        check(
            names_exactly(body, name),
            format!("the error does not name `{name}`: {body}"),
        )
    };
    match declared_body(target, raw.status)? {
        DeclaredBody::Undeclared => {
            check(
                raw.marked_undeclared,
                format!(
                    "mock answered {}, which is not declared, without marking it",
                    raw.status
                ),
            )?;
            if let Ok(body) = serde_json::from_slice::<Value>(&raw.body) {
                named(&body)?;
            }
        }
        DeclaredBody::Json(validator) => {
            let body: Value =
                serde_json::from_slice(&raw.body).map_err(|e| format!("body is not JSON: {e}"))?;
            validate(&validator, &body, "the error body")?;
            named(&body)?;
        }
        DeclaredBody::Empty | DeclaredBody::Other(_) => {}
    }
    Ok(())
}

/// Whether the SDK's `outcome` is what `handling` says for invalid input
/// the mock answers with `status`; `Err` says what it should have done.
pub fn sdk_handled(
    outcome: &Result<sdk::dynamic::Outcome, sdk::dynamic::CallError>,
    handling: SdkHandling,
    status: u16,
) -> Result<(), String> {
    let refused = matches!(
        outcome,
        Err(sdk::dynamic::CallError::InvalidArgument { .. })
    ) || matches!(outcome, Ok(o) if o.variant == "InvalidRequest" && o.status.is_none());
    let reported = matches!(
        outcome,
        Ok(o) if o.status == Some(status) && o.variant != "Ok"
    );
    let (fine, wanted) = match handling {
        SdkHandling::Refuses => (refused, "refuse".to_string()),
        SdkHandling::Sends => (reported, format!("send and report the mock's {status} for")),
        SdkHandling::Either => (
            refused || reported,
            "refuse, or send and report the error for".to_string(),
        ),
        SdkHandling::Supplies => (
            matches!(outcome, Ok(o) if o.variant == "Ok"),
            "fill in and succeed with".to_string(),
        ),
    };
    if fine { Ok(()) } else { Err(wanted) }
}
