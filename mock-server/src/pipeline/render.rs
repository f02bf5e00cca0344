//! Turning decisions into HTTP: a declared response with its example, a
//! refusal in the API's own error shape (templates filled with the
//! request's problems), and the mock's own JSON answers.

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::model::{self, ErrorReply, Example, Template};
use mock_model::problem::Problem;

/// A declared response: its status, declared headers and example body.
pub fn declared(response: &model::Response, example: Option<&Example>) -> Response {
    declared_body(response, example.map(|e| Body::from(e.body)))
}

/// A declared response with `body` (made for this request: a page).
pub fn declared_body(response: &model::Response, body: Option<Body>) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let mut builder = Response::builder().status(status);
    for header in response.headers {
        builder = builder.header(header.name, header.value);
    }
    let built = match (response.content_type, body) {
        (Some(content_type), Some(body)) => builder.header(CONTENT_TYPE, content_type).body(body),
        _ => builder.body(Body::empty()),
    };
    // Every part is static data written by codegen from valid names and values.
    built.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// A refusal in the shape `reply` declares, listing `problems`; marked
/// `X-Mock-Undeclared-Status` when the document does not declare its status.
pub fn refusal(reply: &ErrorReply, problems: &[Problem]) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = match (reply.content_type, error_body(reply, problems)) {
        (Some(content_type), Some(body)) => Some((content_type, body)),
        _ => None,
    };
    let mut response = match body {
        Some((content_type, body)) => {
            let mut response = (status, body).into_response();
            if let Ok(value) = HeaderValue::from_str(content_type) {
                response.headers_mut().insert(CONTENT_TYPE, value);
            }
            response
        }
        None => status.into_response(),
    };
    if !reply.declared {
        response
            .headers_mut()
            .insert("x-mock-undeclared-status", HeaderValue::from_static("true"));
    }
    response
}

/// An answer from the mock itself (not from a document): JSON
/// `{error, message}`, marked `X-Mock-Error`.
pub fn mock_error(status: StatusCode, error: &'static str, message: &str) -> Response {
    let body = json!({ "error": error, "message": message }).to_string();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-mock-error", HeaderValue::from_static(error));
    response
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
