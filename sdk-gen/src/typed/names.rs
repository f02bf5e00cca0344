//! The names progenitor and typify derive, and the SDK's own (variants).

use heck::ToPascalCase;
use proc_macro2::{Ident, Span};
use specs::Status;

/// `404` -> `NotFound`; `4XX` -> `Status4xx`; `default` -> `Default`.
pub fn variant_name(status: Status) -> String {
    match status {
        Status::Code(code) => {
            reqwest_reason(code).map_or_else(|| format!("Status{code}"), |r| r.to_pascal_case())
        }
        Status::Range(digit) => format!("Status{digit}xx"),
        Status::Default => "Default".to_string(),
    }
}

/// IANA reason phrases of the error statuses APIs document.
fn reqwest_reason(code: u16) -> Option<&'static str> {
    Some(match code {
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// The snake-case identifier progenitor derives from a name (methods, setters).
pub fn progenitor_snake(name: &str) -> String {
    use heck::ToSnakeCase;
    let name = match name {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => progenitor_words(name).to_snake_case(),
    };
    // typify's `sanitize`: an `x` before what cannot start an identifier,
    // an `_` after a keyword (`type` -> `type_`).
    let name = if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name
    } else {
        format!("x{name}")
    };
    if name == "gen" || syn::parse_str::<Ident>(&name).is_err() {
        format!("{name}_")
    } else {
        name
    }
}

/// The type identifier progenitor and typify derive from a name.
pub fn progenitor_name(name: &str) -> String {
    let name = match name {
        "+1" => "plus1".to_pascal_case(),
        "-1" => "minus1".to_pascal_case(),
        _ => progenitor_words(name).to_pascal_case(),
    };
    // typify's `sanitize`: a name that cannot start an identifier (`400`)
    // gets an `X` in front.
    if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name
    } else {
        format!("X{name}")
    }
}

/// progenitor's and typify's `sanitize` before the case change: quotes go,
/// anything that cannot be in an identifier separates words.
fn progenitor_words(name: &str) -> String {
    name.replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_typify() {
        assert_eq!(progenitor_name("cancel-flow_run"), "CancelFlowRun");
        assert_eq!(progenitor_name("400"), "X400");
        assert_eq!(progenitor_name("+1"), "Plus1");
        assert_eq!(progenitor_snake("type"), "type_");
        assert_eq!(progenitor_snake("page-size"), "page_size");
        assert_eq!(progenitor_snake("2fa"), "x2fa");
    }
}
