//! Which status answers what, decided once for every generator.
//!
//! - A declared range is answered with its first code (`4XX`: `400`),
//!   `default` with `500`: [`representative`].
//! - A refused request ([`Refusal`]) gets a declared status where one fits
//!   ([`refusal_status`]): invalid input the first of `422`, `400`; a
//!   request whose only problems are path parameters also a `404` (an id
//!   that cannot be valid names no resource); missing credentials a `401`,
//!   else a declared `403` (RFC 9110: never a validation error). Where no
//!   such code is declared, a
//!   declared `4XX` or `default` covers `400` (`401` for credentials).
//!   Where nothing declared fits: `400` (the provider's
//!   `invalid_input_status`; `401` for credentials), undeclared, shaped like
//!   the operation's first declared 4xx JSON body: a document gap
//!   ([`gaps`]), which `cargo xtask codegen` lists.
//!
//! The contract suite keeps its own expectation of these, written from HTTP
//! and the documents, so it checks this module rather than repeating it.

use crate::{Body, Operation, Response, Status};

/// The code sent for a declared status.
pub fn representative(status: Status) -> u16 {
    match status {
        Status::Code(code) => code,
        Status::Range(digit) => u16::from(digit) * 100,
        Status::Default => 500,
    }
}

/// The reason phrase the IANA HTTP Status Code Registry gives `code`
/// (RFC 9110 and its successors; 104 is registered as temporary, 510 as
/// obsoleted); `None` for a code it lists as unused (306, 418) or does not
/// list.
pub fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        104 => "Upload Resumption Supported",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// The name the SDK gives a declared non-2xx status: its reason phrase in
/// Pascal case (`404`: `NotFound`, `414`: `UriTooLong`), else `Status418`;
/// `4XX`: `Status4xx`; `default`: `Default`.
pub fn variant_name(status: Status) -> String {
    match status {
        Status::Code(code) => match reason_phrase(code) {
            Some(reason) => reason
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|word| !word.is_empty())
                .map(|word| word[..1].to_ascii_uppercase() + &word[1..].to_ascii_lowercase())
                .collect(),
            None => format!("Status{code}"),
        },
        Status::Range(digit) => format!("Status{digit}xx"),
        Status::Default => "Default".to_string(),
    }
}

/// Why a request is refused before any declared answer is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A parameter or the body does not fit the document.
    InvalidInput,
    /// Only path parameters do not fit.
    InvalidPath,
    /// No security alternative is satisfied.
    MissingCredentials,
}

impl Refusal {
    /// The declared codes that fit, in order of preference, and the code
    /// sent under a declared range or `default` (or, marked as undeclared,
    /// when the operation declares none of them), given the provider's
    /// `invalid_input` status for that case.
    pub fn candidates(self, invalid_input: u16) -> (&'static [u16], u16) {
        match self {
            Refusal::InvalidInput => (&[422, 400], invalid_input),
            Refusal::InvalidPath => (&[422, 400, 404], invalid_input),
            // RFC 9110 §15.5.2: missing credentials are a 401 (a 403 also
            // tells a client that credentials are the matter), never a
            // validation error, declared or not.
            Refusal::MissingCredentials => (&[401, 403], 401),
        }
    }

    /// What the refused request lacks, in a document gap's words.
    pub fn gap(self) -> &'static str {
        match self {
            Refusal::InvalidInput | Refusal::InvalidPath => "invalid input",
            Refusal::MissingCredentials => "missing credentials",
        }
    }
}

/// The status the mock answers invalid input with where an operation
/// declares none: 400, HTTP's generic client error.
pub fn default_invalid_input_status() -> u16 {
    400
}

/// The status a refused request gets, and the body it is shaped like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefusalStatus<'a> {
    /// The code sent.
    pub status: u16,
    /// The declared response it is, if the operation declares it.
    pub declared: Option<&'a Response>,
    /// The body the reply is shaped like: the declared response's, else
    /// the first JSON body of a declared 4xx code, if any.
    pub shape: Option<&'a Body>,
}

/// The status `operation` answers `refusal` with: a preferred code it
/// declares; else that code under a declared `4XX` or `default` (OpenAPI's
/// precedence: the range first); else the same code, undeclared.
/// `invalid_input` is the provider's code for invalid input where no
/// preferred code is declared.
pub fn refusal_status(
    operation: &Operation,
    refusal: Refusal,
    invalid_input: u16,
) -> RefusalStatus<'_> {
    let (preferred, fallback) = refusal.candidates(invalid_input);
    if let Some(response) = preferred.iter().find_map(|code| operation.response(*code)) {
        return RefusalStatus {
            status: representative(response.status),
            declared: Some(response),
            shape: response.body.as_ref(),
        };
    }
    let covering = |status: Status| operation.responses.iter().find(|r| r.status == status);
    if let Some(response) = covering(Status::Range(4)).or_else(|| covering(Status::Default)) {
        return RefusalStatus {
            status: fallback,
            declared: Some(response),
            shape: response.body.as_ref(),
        };
    }
    RefusalStatus {
        status: fallback,
        declared: None,
        shape: operation
            .responses
            .iter()
            .filter(|r| matches!(r.status, Status::Code(400..=499)))
            .find_map(|r| r.body.as_ref().filter(|b| crate::is_json(&b.media_type))),
    }
}

/// A document gap: an operation that declares no status for a refusal the
/// mock must still answer (with an undeclared, marked status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// `METHOD /path`.
    pub operation: String,
    /// The operation's id.
    pub operation_id: String,
    /// What it declares nothing for.
    pub refusal: Refusal,
    /// The status the mock answers with instead.
    pub status: u16,
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): declares no status for {}; the mock answers {}, marked X-Mock-Undeclared-Status",
            self.operation,
            self.operation_id,
            self.refusal.gap(),
            self.status
        )
    }
}

/// Every gap of `operations`: those declaring no status for invalid input,
/// and the secured ones declaring none for missing credentials.
pub fn gaps(operations: &[Operation], invalid_input: u16) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for operation in operations {
        let mut refusals = vec![Refusal::InvalidInput];
        if !operation.security.is_empty() {
            refusals.push(Refusal::MissingCredentials);
        }
        for refusal in refusals {
            let chosen = refusal_status(operation, refusal, invalid_input);
            if chosen.declared.is_none() {
                gaps.push(Gap {
                    operation: format!("{} {}", operation.method, operation.path),
                    operation_id: operation.operation_id.clone(),
                    refusal,
                    status: chosen.status,
                });
            }
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// One test per registered status: its phrase and the SDK's variant.
    macro_rules! registered {
        ($($test:ident: $code:literal => $phrase:literal, $variant:literal;)*) => {
            mod registered {
                use super::super::*;
                $(
                    #[test]
                    fn $test() {
                        assert_eq!(reason_phrase($code), Some($phrase));
                        assert_eq!(variant_name(Status::Code($code)), $variant);
                    }
                )*
            }
        };
    }

    registered! {
        s100: 100 => "Continue", "Continue";
        s101: 101 => "Switching Protocols", "SwitchingProtocols";
        s102: 102 => "Processing", "Processing";
        s103: 103 => "Early Hints", "EarlyHints";
        s104: 104 => "Upload Resumption Supported", "UploadResumptionSupported";
        s200: 200 => "OK", "Ok";
        s201: 201 => "Created", "Created";
        s202: 202 => "Accepted", "Accepted";
        s203: 203 => "Non-Authoritative Information", "NonAuthoritativeInformation";
        s204: 204 => "No Content", "NoContent";
        s205: 205 => "Reset Content", "ResetContent";
        s206: 206 => "Partial Content", "PartialContent";
        s207: 207 => "Multi-Status", "MultiStatus";
        s208: 208 => "Already Reported", "AlreadyReported";
        s226: 226 => "IM Used", "ImUsed";
        s300: 300 => "Multiple Choices", "MultipleChoices";
        s301: 301 => "Moved Permanently", "MovedPermanently";
        s302: 302 => "Found", "Found";
        s303: 303 => "See Other", "SeeOther";
        s304: 304 => "Not Modified", "NotModified";
        s305: 305 => "Use Proxy", "UseProxy";
        s307: 307 => "Temporary Redirect", "TemporaryRedirect";
        s308: 308 => "Permanent Redirect", "PermanentRedirect";
        s400: 400 => "Bad Request", "BadRequest";
        s401: 401 => "Unauthorized", "Unauthorized";
        s402: 402 => "Payment Required", "PaymentRequired";
        s403: 403 => "Forbidden", "Forbidden";
        s404: 404 => "Not Found", "NotFound";
        s405: 405 => "Method Not Allowed", "MethodNotAllowed";
        s406: 406 => "Not Acceptable", "NotAcceptable";
        s407: 407 => "Proxy Authentication Required", "ProxyAuthenticationRequired";
        s408: 408 => "Request Timeout", "RequestTimeout";
        s409: 409 => "Conflict", "Conflict";
        s410: 410 => "Gone", "Gone";
        s411: 411 => "Length Required", "LengthRequired";
        s412: 412 => "Precondition Failed", "PreconditionFailed";
        s413: 413 => "Content Too Large", "ContentTooLarge";
        s414: 414 => "URI Too Long", "UriTooLong";
        s415: 415 => "Unsupported Media Type", "UnsupportedMediaType";
        s416: 416 => "Range Not Satisfiable", "RangeNotSatisfiable";
        s417: 417 => "Expectation Failed", "ExpectationFailed";
        s421: 421 => "Misdirected Request", "MisdirectedRequest";
        s422: 422 => "Unprocessable Content", "UnprocessableContent";
        s423: 423 => "Locked", "Locked";
        s424: 424 => "Failed Dependency", "FailedDependency";
        s425: 425 => "Too Early", "TooEarly";
        s426: 426 => "Upgrade Required", "UpgradeRequired";
        s428: 428 => "Precondition Required", "PreconditionRequired";
        s429: 429 => "Too Many Requests", "TooManyRequests";
        s431: 431 => "Request Header Fields Too Large", "RequestHeaderFieldsTooLarge";
        s451: 451 => "Unavailable For Legal Reasons", "UnavailableForLegalReasons";
        s500: 500 => "Internal Server Error", "InternalServerError";
        s501: 501 => "Not Implemented", "NotImplemented";
        s502: 502 => "Bad Gateway", "BadGateway";
        s503: 503 => "Service Unavailable", "ServiceUnavailable";
        s504: 504 => "Gateway Timeout", "GatewayTimeout";
        s505: 505 => "HTTP Version Not Supported", "HttpVersionNotSupported";
        s506: 506 => "Variant Also Negotiates", "VariantAlsoNegotiates";
        s507: 507 => "Insufficient Storage", "InsufficientStorage";
        s508: 508 => "Loop Detected", "LoopDetected";
        s510: 510 => "Not Extended", "NotExtended";
        s511: 511 => "Network Authentication Required", "NetworkAuthenticationRequired";
    }

    #[test]
    fn unused_and_unregistered_codes_are_numbered() {
        for code in [306, 418, 420, 499, 509, 599] {
            assert_eq!(reason_phrase(code), None, "{code}");
            assert_eq!(variant_name(Status::Code(code)), format!("Status{code}"));
        }
    }

    #[test]
    fn variant_names_are_reason_phrases_in_pascal_case() {
        let name = |code| variant_name(Status::Code(code));
        assert_eq!(name(404), "NotFound");
        assert_eq!(name(413), "ContentTooLarge");
        assert_eq!(name(414), "UriTooLong");
        assert_eq!(name(451), "UnavailableForLegalReasons");
        assert_eq!(name(505), "HttpVersionNotSupported");
        assert_eq!(name(418), "Status418");
        assert_eq!(variant_name(Status::Range(4)), "Status4xx");
        assert_eq!(variant_name(Status::Default), "Default");
    }

    fn response(status: Status, media_type: Option<&str>) -> Response {
        Response {
            status,
            description: String::new(),
            body: media_type.map(|media_type| Body {
                media_type: media_type.into(),
                schema: json!({}),
                type_name: None,
                examples: Vec::new(),
                encoding: Vec::new(),
            }),
            events: None,
            headers: Vec::new(),
        }
    }

    fn operation(responses: Vec<Response>) -> Operation {
        Operation {
            operation_id: "op".into(),
            sdk_name: "op".into(),
            method: "GET".into(),
            path: "/a".into(),
            summary: None,
            tags: Vec::new(),
            document: 0,
            parameters: Vec::new(),
            request_body: None,
            responses,
            security: Vec::new(),
            pagination: None,
        }
    }

    fn status(operation: &Operation, refusal: Refusal) -> (u16, bool) {
        let chosen = refusal_status(operation, refusal, 400);
        (chosen.status, chosen.declared.is_some())
    }

    #[test]
    fn ranges_and_default() {
        assert_eq!(representative(Status::Code(418)), 418);
        assert_eq!(representative(Status::Range(4)), 400);
        assert_eq!(representative(Status::Range(2)), 200);
        assert_eq!(representative(Status::Default), 500);
    }

    #[test]
    fn invalid_input_prefers_422_then_400() {
        let both = operation(vec![
            response(Status::Code(400), None),
            response(Status::Code(422), None),
        ]);
        assert_eq!(status(&both, Refusal::InvalidInput), (422, true));
        let only_400 = operation(vec![response(Status::Code(400), None)]);
        assert_eq!(status(&only_400, Refusal::InvalidInput), (400, true));
        // A range or `default` covers the code, declared.
        let range = operation(vec![
            response(Status::Range(4), None),
            response(Status::Default, None),
        ]);
        assert_eq!(status(&range, Refusal::InvalidInput), (400, true));
        let chosen = refusal_status(&range, Refusal::InvalidInput, 400);
        assert_eq!(chosen.declared.map(|r| r.status), Some(Status::Range(4)));
        let default = operation(vec![response(Status::Default, None)]);
        assert_eq!(status(&default, Refusal::MissingCredentials), (401, true));
    }

    #[test]
    fn invalid_input_is_400_unless_the_provider_says_otherwise() {
        assert_eq!(default_invalid_input_status(), 400);
        let silent = operation(vec![response(Status::Code(200), None)]);
        assert_eq!(status(&silent, Refusal::InvalidInput), (400, false));
        let chosen = refusal_status(&silent, Refusal::InvalidInput, 422);
        assert_eq!((chosen.status, chosen.declared.is_some()), (422, false));
    }

    #[test]
    fn gaps_are_the_refusals_nothing_declares() {
        let mut secured = operation(vec![
            response(Status::Code(200), None),
            response(Status::Code(401), None),
        ]);
        secured.security = vec![Vec::new()];
        let open = operation(vec![response(Status::Code(422), None)]);
        let gaps = gaps(&[secured, open], 409);
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(
            gaps[0].to_string(),
            "GET /a (op): declares no status for invalid input; the mock answers 409, marked X-Mock-Undeclared-Status"
        );
    }

    #[test]
    fn path_problems_also_take_404() {
        let with_404 = operation(vec![response(Status::Code(404), None)]);
        assert_eq!(status(&with_404, Refusal::InvalidPath), (404, true));
        assert_eq!(status(&with_404, Refusal::InvalidInput), (400, false));
        let with_400 = operation(vec![
            response(Status::Code(404), None),
            response(Status::Code(400), None),
        ]);
        assert_eq!(status(&with_400, Refusal::InvalidPath), (400, true));
    }

    #[test]
    fn missing_credentials_are_401_or_a_declared_403() {
        let with_401 = operation(vec![
            response(Status::Code(401), None),
            response(Status::Code(422), None),
        ]);
        assert_eq!(status(&with_401, Refusal::MissingCredentials), (401, true));
        let with_422 = operation(vec![response(Status::Code(422), None)]);
        assert_eq!(status(&with_422, Refusal::MissingCredentials), (401, false));
        let with_403 = operation(vec![
            response(Status::Code(400), None),
            response(Status::Code(403), None),
        ]);
        assert_eq!(status(&with_403, Refusal::MissingCredentials), (403, true));
        let neither = operation(vec![response(Status::Code(200), None)]);
        assert_eq!(status(&neither, Refusal::MissingCredentials), (401, false));
    }

    #[test]
    fn undeclared_replies_borrow_the_first_4xx_json_shape() {
        let declared = operation(vec![
            response(Status::Code(200), Some("application/json")),
            response(Status::Code(403), Some("text/plain")),
            response(Status::Code(404), Some("application/problem+json")),
            response(Status::Code(409), Some("application/json")),
        ]);
        let chosen = refusal_status(&declared, Refusal::InvalidInput, 400);
        assert_eq!(chosen.status, 400);
        assert_eq!(
            chosen.shape.map(|b| b.media_type.as_str()),
            Some("application/problem+json")
        );
        let declared_without_body = operation(vec![
            response(Status::Code(400), None),
            response(Status::Code(404), Some("application/json")),
        ]);
        assert!(
            refusal_status(&declared_without_body, Refusal::InvalidInput, 400)
                .shape
                .is_none()
        );
        assert!(
            refusal_status(&operation(Vec::new()), Refusal::InvalidInput, 400)
                .shape
                .is_none()
        );
    }
}
