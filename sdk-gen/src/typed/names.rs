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
    progenitor_words(name).to_snake_case()
}

/// The type identifier progenitor and typify derive from a name.
pub fn progenitor_name(name: &str) -> String {
    progenitor_words(name).to_pascal_case()
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
