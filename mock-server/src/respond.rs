//! Choosing the declared response to send, and rendering refusals in the
//! API's own error shape.

use serde_json::{Map, Value, json};

use crate::model::{ErrorReply, Example, Operation, Response, Template};
use crate::validate::Problem;

/// What the client asked for: `Prefer: code=404, example=NAME` or `?__code=404`.
#[derive(Debug, Default, PartialEq)]
pub struct Preference<'a> {
    /// The status requested.
    pub code: Option<&'a str>,
    /// The example requested, by name.
    pub example: Option<&'a str>,
}

impl<'a> Preference<'a> {
    /// Reads the `Prefer` header (RFC 7240 tokens, comma or semicolon separated)
    /// and the `__code` query parameter; the query parameter wins.
    pub fn read(prefer: Option<&'a str>, query_code: Option<&'a str>) -> Self {
        let mut preference = Preference::default();
        for token in prefer.into_iter().flat_map(|p| p.split([',', ';'])) {
            match token.trim().split_once('=') {
                Some(("code", code)) => preference.code = Some(code.trim().trim_matches('"')),
                Some(("example", name)) => preference.example = Some(name.trim().trim_matches('"')),
                _ => {}
            }
        }
        if query_code.is_some() {
            preference.code = query_code;
        }
        preference
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
/// 2xx (else the lowest declared status) with its first example.
pub fn select(
    operation: &'static Operation,
    preference: &Preference<'_>,
) -> Result<(&'static Response, Option<&'static Example>), SelectionError> {
    let declared = || operation.responses.iter().map(|r| r.status).collect();
    let by_code = match preference.code {
        Some(code) => {
            let found = code
                .parse::<u16>()
                .ok()
                .and_then(|code| operation.responses.iter().find(|r| r.status == code));
            Some(found.ok_or_else(|| SelectionError::StatusNotDeclared {
                operation: operation.operation_id,
                requested: code.to_string(),
                declared: declared(),
            })?)
        }
        None => None,
    };
    if let Some(name) = preference.example {
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
    Ok((response, response.examples.first()))
}

/// The body of a refusal, in the shape `reply` declares, listing `problems`.
pub fn error_body(reply: &ErrorReply, problems: &[Problem]) -> Option<String> {
    let template = reply.body?;
    let filler = Filler {
        problems,
        status: reply.status,
    };
    Some(filler.fill(template, None).to_string())
}

struct Filler<'a> {
    problems: &'a [Problem],
    status: u16,
}

impl Filler<'_> {
    /// `item` is the problem whose list element is being filled, if any.
    fn fill(&self, template: &Template, item: Option<&Problem>) -> Value {
        let current = item.or(self.problems.first());
        match template {
            Template::Json(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            Template::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(name, member)| (name.to_string(), self.fill(member, item)))
                    .collect::<Map<String, Value>>(),
            ),
            Template::EachProblem(element) => Value::Array(
                self.problems
                    .iter()
                    .map(|problem| self.fill(element, Some(problem)))
                    .collect(),
            ),
            // In a list element the location has its own member; outside one,
            // a single message has to say everything.
            Template::Message => match item {
                Some(problem) => json!(problem.message),
                None if self.problems.is_empty() => json!("invalid request"),
                None => json!(
                    self.problems
                        .iter()
                        .map(describe)
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            },
            Template::Location => json!(current.map(|p| p.location.clone()).unwrap_or_default()),
            Template::LocationText => {
                json!(current.map(|p| p.location.join(".")).unwrap_or_default())
            }
            Template::Kind => json!(current.map_or("invalid_request", |p| p.kind)),
            Template::Status => json!(self.status),
        }
    }
}

/// `path.cvm_id: Field required`.
fn describe(problem: &Problem) -> String {
    if problem.location.is_empty() {
        problem.message.clone()
    } else {
        format!("{}: {}", problem.location.join("."), problem.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefer_header_and_query() {
        assert_eq!(
            Preference::read(Some("code=404, example=\"gone\""), None),
            Preference {
                code: Some("404"),
                example: Some("gone")
            }
        );
        assert_eq!(
            Preference::read(Some("respond-async; code=409"), Some("422")),
            Preference {
                code: Some("422"),
                example: None
            }
        );
        assert_eq!(Preference::read(None, None), Preference::default());
    }

    #[test]
    fn error_bodies_fill_each_problem() {
        static TEMPLATE: Template = Template::Object(&[
            ("success", Template::Json("false")),
            (
                "errors",
                Template::EachProblem(&Template::Object(&[
                    ("code", Template::Status),
                    ("message", Template::Message),
                    ("path", Template::Location),
                ])),
            ),
            ("summary", Template::Message),
        ]);
        let reply = ErrorReply {
            status: 422,
            declared: true,
            content_type: Some("application/json"),
            body: Some(&TEMPLATE),
        };
        let problems = [
            Problem::new(
                vec!["path".into(), "id".into()],
                "String should have at most 53 characters",
                "string_too_long",
            ),
            Problem::new(
                vec!["header".into(), "if-match".into()],
                "String should have at least 1 character",
                "string_too_short",
            ),
        ];
        let body: Value = serde_json::from_str(&error_body(&reply, &problems).unwrap()).unwrap();
        assert_eq!(
            body,
            json!({
                "success": false,
                "errors": [
                    {"code": 422, "message": "String should have at most 53 characters", "path": ["path", "id"]},
                    {"code": 422, "message": "String should have at least 1 character", "path": ["header", "if-match"]}
                ],
                "summary": "path.id: String should have at most 53 characters; header.if-match: String should have at least 1 character"
            })
        );
    }
}
