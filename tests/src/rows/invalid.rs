//! What the `param` and `body` rows both check: the mock refuses invalid
//! input with a declared client error naming what was wrong, and the SDK
//! never reports a success for it.

use test_support::SdkHandling;

use crate::support::{RawResponse, Target};

/// The mock's answer to a request whose only fault is `name`'s value (see
/// [`test_support::check_refusal`]).
pub fn refused_by_mock(target: &Target, raw: &RawResponse, name: &str) -> Result<(), String> {
    test_support::check_refusal(
        &target.provider,
        target.operation(),
        raw.status,
        raw.marked_undeclared,
        &raw.body,
        name,
    )
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
        SdkHandling::Encodes => (
            matches!(outcome, Ok(o) if o.variant == "Ok"),
            "send in the declared style, with success,".to_string(),
        ),
    };
    if fine { Ok(()) } else { Err(wanted) }
}
