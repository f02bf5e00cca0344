//! Choosing the declared response (and example) to send: `Prefer` and its
//! query forms, else the lowest declared 2xx.

use std::borrow::Cow;

use crate::model::{Example, Operation, Response};
use crate::pipeline::request::form_decode;

/// The name of the example `cargo xtask codegen` synthesises from a response's schema.
pub const GENERATED_EXAMPLE: &str = "generated";

/// What the client asked for, in Prism's words: `Prefer: code=404,
/// example=NAME, dynamic=true`, or the same as query parameters with `__`
/// before the name: `__code=404`, `__example=NAME`, `__dynamic=true`.
#[derive(Debug, Default, PartialEq)]
pub struct Preference<'a> {
    /// The status requested.
    pub code: Option<Cow<'a, str>>,
    /// The example requested, by name.
    pub example: Option<Cow<'a, str>>,
    /// Whether data synthesised from the schema is preferred to the document's examples.
    pub dynamic: bool,
    /// How many items a paginated list holds (`Prefer: items=N`, `__items=N`).
    pub items: Option<Cow<'a, str>>,
    /// How many events an event stream sends (`Prefer: events=N`).
    pub events: Option<Cow<'a, str>>,
    /// Milliseconds before each event of a stream (`Prefer: interval=MS`).
    pub interval: Option<Cow<'a, str>>,
    /// The bytes a file answer holds (`Prefer: size=N`).
    pub size: Option<Cow<'a, str>>,
}

impl<'a> Preference<'a> {
    /// Reads the `Prefer` header (RFC 7240 tokens, comma or semicolon
    /// separated) and the request's query string (as [`http::Uri::query`]
    /// gives it, still percent-encoded); a query parameter wins over the
    /// header. Unknown tokens and parameters are ignored.
    ///
    /// [`http::Uri::query`]: axum::http::Uri::query
    pub fn read(prefer: Option<&'a str>, query: Option<&'a str>) -> Self {
        let mut preference = Preference::default();
        for token in prefer.into_iter().flat_map(|p| p.split([',', ';'])) {
            if let Some((name, value)) = token.trim().split_once('=') {
                preference.set(name.trim(), Cow::Borrowed(value.trim().trim_matches('"')));
            }
        }
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if let Some(name) = form_decode(name).strip_prefix("__") {
                preference.set(name, form_decode(value));
            }
        }
        preference
    }

    /// Records one `name=value` preference (names as in `Prefer`).
    fn set(&mut self, name: &str, value: Cow<'a, str>) {
        match name {
            "code" => self.code = Some(value),
            "example" => self.example = Some(value),
            "dynamic" => self.dynamic = value.eq_ignore_ascii_case("true"),
            "items" => self.items = Some(value),
            "events" => self.events = Some(value),
            "interval" => self.interval = Some(value),
            "size" => self.size = Some(value),
            _ => {}
        }
    }
}

/// Why a preference cannot be honoured.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum SelectionError {
    /// The requested status is not declared for the operation.
    #[error("operation {operation} does not declare status {requested}; declared: {}", list(.declared))]
    StatusNotDeclared {
        /// The operationId.
        operation: &'static str,
        /// What was asked for.
        requested: String,
        /// What the operation declares.
        declared: Vec<u16>,
    },
    /// The operation declares no response at all (the spec library refuses
    /// such documents; hand-built data might not).
    #[error("operation {0} declares no response")]
    NothingDeclared(&'static str),
    /// No declared response has the requested example.
    #[error("operation {operation} has no example named `{requested}`; examples: {}", list(.available))]
    ExampleNotFound {
        /// The operationId.
        operation: &'static str,
        /// What was asked for.
        requested: String,
        /// `status:name` of every example.
        available: Vec<String>,
    },
}

fn list<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(T::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Picks the response (and example) to send. Default: the lowest declared
/// 2xx (else the lowest declared status) with its first example. A named
/// example wins over `dynamic`, which picks the [`GENERATED_EXAMPLE`] where
/// the response has one.
pub fn select(
    operation: &'static Operation,
    preference: &Preference<'_>,
) -> Result<(&'static Response, Option<&'static Example>), SelectionError> {
    let declared = || operation.responses.iter().map(|r| r.status).collect();
    let by_code = match preference.code.as_deref() {
        Some(code) => {
            // A code under a declared range or `default` gets that response
            // (sent with the code asked for: `Prefer: code=429` on `4XX`).
            let found = code
                .parse::<u16>()
                .ok()
                .filter(|code| (100..600).contains(code))
                .and_then(|code| {
                    operation
                        .responses
                        .iter()
                        .find(|r| r.status == code)
                        .or_else(|| operation.declared_response(code))
                });
            Some(found.ok_or_else(|| SelectionError::StatusNotDeclared {
                operation: operation.operation_id,
                requested: code.to_string(),
                declared: declared(),
            })?)
        }
        None => None,
    };
    if let Some(name) = preference.example.as_deref() {
        let candidates = by_code.map_or(operation.responses, std::slice::from_ref);
        return candidates
            .iter()
            .find_map(|r| {
                r.examples
                    .iter()
                    .find(|e| e.name == name)
                    .map(|e| (r, Some(e)))
            })
            .ok_or_else(|| SelectionError::ExampleNotFound {
                operation: operation.operation_id,
                requested: name.to_string(),
                available: operation
                    .responses
                    .iter()
                    .flat_map(|r| {
                        r.examples
                            .iter()
                            .map(move |e| format!("{}:{}", r.status, e.name))
                    })
                    .collect(),
            });
    }
    let response = match by_code {
        Some(response) => response,
        None => operation
            .responses
            .iter()
            .filter(|r| (200..300).contains(&r.status))
            .min_by_key(|r| r.status)
            .or_else(|| operation.responses.iter().min_by_key(|r| r.status))
            .ok_or(SelectionError::NothingDeclared(operation.operation_id))?,
    };
    let first = response.examples.first();
    let example = if preference.dynamic {
        let generated = response
            .examples
            .iter()
            .find(|e| e.name == GENERATED_EXAMPLE);
        generated.or(first)
    } else {
        first
    };
    Ok((response, example))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ErrorReply, StatusMatch};

    fn read(prefer: Option<&str>, query: Option<&str>) -> (Option<String>, Option<String>, bool) {
        let preference = Preference::read(prefer, query);
        (
            preference.code.map(Cow::into_owned),
            preference.example.map(Cow::into_owned),
            preference.dynamic,
        )
    }

    fn some(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn prefer_header_and_query() {
        assert_eq!(
            read(Some("code=404, example=\"gone\""), None),
            (some("404"), some("gone"), false)
        );
        assert_eq!(
            read(Some("respond-async; code=409"), Some("__code=422")),
            (some("422"), None, false)
        );
        assert_eq!(read(None, None), (None, None, false));
        assert_eq!(Preference::read(None, Some("")), Preference::default());
    }

    #[test]
    fn prism_query_forms_and_dynamic() {
        assert_eq!(read(Some("dynamic=true"), None), (None, None, true));
        assert_eq!(
            read(Some("dynamic=TRUE ; code=200"), None),
            (some("200"), None, true)
        );
        assert_eq!(read(Some("dynamic=yes"), None), (None, None, false));
        assert_eq!(
            read(None, Some("id=1&__example=two%20words&__dynamic=true")),
            (None, some("two words"), true)
        );
        // The query wins over the header, either way.
        assert_eq!(
            read(Some("dynamic=true"), Some("__dynamic=false")),
            (None, None, false)
        );
        assert_eq!(
            read(Some("example=a"), Some("__example=b+c&%5F%5Fcode=500")),
            (some("500"), some("b c"), false)
        );
        // Ordinary parameters, odd pairs and bad encodings are not preferences (and do not panic).
        assert_eq!(
            read(
                None,
                Some("code=404&example=x&dynamic=true&__&=&__code&__example=%FF%")
            ),
            (some(""), some("\u{FFFD}%"), false)
        );
    }

    #[test]
    fn stream_page_and_file_preferences() {
        let preference = Preference::read(
            Some("items=7, events=3; interval=20"),
            Some("__size=1024&__items=9"),
        );
        assert_eq!(preference.items.as_deref(), Some("9"));
        assert_eq!(preference.events.as_deref(), Some("3"));
        assert_eq!(preference.interval.as_deref(), Some("20"));
        assert_eq!(preference.size.as_deref(), Some("1024"));
        assert_eq!(preference.code, None);
        assert_eq!(preference.example, None);
    }

    static OPERATION: Operation = Operation {
        operation_id: "op",
        method: "POST",
        path: "/x",
        segments: &[],
        parameters: &[],
        request_body: None,
        security: &[],
        responses: &[
            Response {
                status: 200,
                description: "ok",
                content_type: Some("application/json"),
                headers: &[],
                matches: StatusMatch::Exact,
                schema: None,
                events: &[],
                event_ids: true,
                examples: &[
                    Example {
                        name: "documented",
                        body: "1",
                    },
                    Example {
                        name: GENERATED_EXAMPLE,
                        body: "2",
                    },
                ],
            },
            Response {
                status: 404,
                description: "gone",
                content_type: Some("application/json"),
                headers: &[],
                matches: StatusMatch::Exact,
                schema: None,
                events: &[],
                event_ids: true,
                examples: &[Example {
                    name: "default",
                    body: "3",
                }],
            },
        ],
        invalid_request: REFUSAL,
        invalid_path: REFUSAL,
        unauthorized: REFUSAL,
        lifecycle: None,
        paging: None,
        callbacks: &[],
    };

    const REFUSAL: ErrorReply = ErrorReply {
        status: 400,
        declared: false,
        content_type: None,
        body: None,
    };

    /// The status and body `select` picks for `prefer` and `query`.
    fn picked(prefer: &str, query: &str) -> Result<(u16, &'static str), SelectionError> {
        let preference = Preference::read(Some(prefer), Some(query));
        select(&OPERATION, &preference)
            .map(|(response, example)| (response.status, example.map_or("", |e| e.body)))
    }

    #[test]
    fn dynamic_prefers_the_generated_example() {
        assert_eq!(picked("", ""), Ok((200, "1")));
        assert_eq!(picked("dynamic=true", ""), Ok((200, "2")));
        assert_eq!(picked("", "__dynamic=true"), Ok((200, "2")));
        // Without a generated example, dynamic is the first example.
        assert_eq!(picked("dynamic=true, code=404", ""), Ok((404, "3")));
        // A named example wins over dynamic.
        assert_eq!(
            picked("dynamic=true", "__example=documented"),
            Ok((200, "1"))
        );
        assert_eq!(picked("", "__example=default"), Ok((404, "3")));
        assert_eq!(
            picked("", "__example=nope").unwrap_err().to_string(),
            "operation op has no example named `nope`; examples: 200:documented, 200:generated, 404:default"
        );
    }
}
