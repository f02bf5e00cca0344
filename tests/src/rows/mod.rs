//! The matrix against the in-process mock: every row comes from the spec
//! library's catalogue, so a new document adds rows without test code.
//! Rows are named `kind::provider::operationId[::detail]`.

pub mod auth;
pub mod body;
pub mod drift;
pub mod events;
mod invalid;
pub mod pages;
pub mod param;
pub mod request;
pub mod routes;
pub mod status;

use std::sync::Arc;

use specs::{Provider, Status};

use crate::support::{Suite, Target};

/// One row of the matrix.
#[derive(Debug, Clone)]
pub struct Row {
    /// `kind::provider::operationId[::detail]`.
    pub name: String,
    /// Where its operation is.
    pub target: Target,
    /// What to check.
    pub check: Check,
}

/// What a row checks.
#[derive(Debug, Clone)]
pub enum Check {
    /// A declared status, answered with this code (one under it for a
    /// range or `default`).
    Status(u16, Status),
    /// The request the SDK sends.
    Request,
    /// A call without credentials.
    Auth,
    /// A bad value for one parameter.
    Param {
        /// The parameter's index in the operation.
        index: usize,
        /// The bad value and what it breaks.
        bad: test_support::BadValue,
    },
    /// A request body breaking one constraint of one member.
    Body(test_support::BadBody),
    /// A declared body's generated type against the document's examples.
    Drift(u16),
    /// The mock's route table against the document.
    Routes,
    /// The SDK walking a paginated operation's pages.
    Pages,
    /// The SDK reading an operation's event stream.
    Events,
}

impl Row {
    /// Runs the row.
    pub async fn run(&self, suite: &Suite) -> Result<(), String> {
        let target = &self.target;
        match &self.check {
            Check::Status(code, declared) => status::run(suite, target, *code, *declared).await,
            Check::Request => request::run(suite, target, &self.name).await,
            Check::Auth => auth::run(suite, target).await,
            Check::Param { index, bad } => param::run(suite, target, *index, bad).await,
            Check::Body(bad) => body::run(suite, target, bad).await,
            Check::Drift(code) => drift::run(suite, target, *code).await,
            Check::Routes => routes::run(suite, target).await,
            Check::Pages => pages::run(suite, target).await,
            Check::Events => events::run(suite, target).await,
        }
    }
}

/// Every row, in catalogue order.
pub fn rows(providers: &[Arc<Provider>]) -> Vec<Row> {
    let mut rows = Vec::new();
    for provider in providers {
        for (index, operation) in provider.operations.iter().enumerate() {
            let target = Target {
                provider: Arc::clone(provider),
                operation: index,
            };
            let mut push = |kind: &str, detail: Option<String>, check: Check| {
                let mut name = format!("{kind}::{}::{}", provider.name, operation.operation_id);
                if let Some(detail) = detail {
                    name = format!("{name}::{detail}");
                }
                rows.push(Row {
                    name,
                    target: target.clone(),
                    check,
                });
            };
            for response in &operation.responses {
                if let Some(code) = status::code_under(operation, response.status) {
                    push(
                        "status",
                        Some(response.status.to_string()),
                        Check::Status(code, response.status),
                    );
                }
                if let Status::Code(code) = response.status
                    && response
                        .body
                        .as_ref()
                        .is_some_and(|b| specs::is_json(&b.media_type))
                {
                    push("drift", Some(code.to_string()), Check::Drift(code));
                }
            }
            push("routes", None, Check::Routes);
            if operation.pagination.is_some() {
                push("pages", None, Check::Pages);
            }
            if operation
                .responses
                .iter()
                .any(|r| r.status.is_success() && r.events.is_some())
            {
                push("events", None, Check::Events);
            }
            push("request", None, Check::Request);
            if !operation.security.is_empty() {
                push("auth", None, Check::Auth);
            }
            // A body the suite cannot make valid is the `request` row's
            // failure; here it only means no `body` rows.
            for bad in test_support::bad_bodies(provider, operation).unwrap_or_default() {
                push("body", Some(bad.case.to_string()), Check::Body(bad));
            }
            let credentials = target.credentials("");
            for (index, parameter) in operation.parameters.iter().enumerate() {
                // A credential left out is the `auth` row's matter.
                let carries = credentials.carries(parameter.location, &parameter.name);
                for bad in test_support::bad_values(target.document(), parameter)
                    .into_iter()
                    .filter(|bad| !(carries && bad.value.is_none()))
                {
                    push(
                        "param",
                        Some(format!("{}::{}", parameter.name, bad.case)),
                        Check::Param { index, bad },
                    );
                }
            }
        }
    }
    rows
}
