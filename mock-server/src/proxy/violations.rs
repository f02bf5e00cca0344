//! Where a real provider's exchanges depart from its documents: what the
//! validating proxy (`--proxy`) and stale cassettes (`--replay`) find.
//!
//! Every violation is logged as a warning when found, kept (bounded, the
//! oldest go first) for `GET /__mock/violations`, and counted by provider,
//! operation and direction for the summary logged at shutdown.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use mock_model::problem::Problem;

/// Violations kept for `GET /__mock/violations` (as the journal's default).
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Which way the offending message travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The client's request, as the document declares the operation.
    Request,
    /// The provider's answer, as the document declares the responses.
    Response,
}

impl Direction {
    /// `request` or `response`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// One way an exchange departs from the documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The provider.
    pub provider: &'static str,
    /// The operation; `None` when no operation matches the request.
    pub operation_id: Option<&'static str>,
    /// The status of the provider's answer; `None` when there was none (unreachable).
    pub status: Option<u16>,
    /// The request or the response.
    pub direction: Direction,
    /// An RFC 6901 pointer into the exchange: `/status`, `/path/cvm_id`,
    /// `/header/content-type`, `/body/items/0/id`; empty for the whole request.
    pub pointer: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Violation {
    /// The violation a validation [`Problem`] stands for.
    pub fn from_problem(
        provider: &'static str,
        operation_id: Option<&'static str>,
        status: Option<u16>,
        direction: Direction,
        problem: &Problem,
    ) -> Self {
        Self {
            provider,
            operation_id,
            status,
            direction,
            pointer: problem.pointer(),
            message: problem.message.clone(),
        }
    }
}

/// The violations found so far; cheap to share.
#[derive(Debug)]
pub struct Violations {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    kept: VecDeque<Violation>,
    /// Every violation ever found, by provider, operation and direction.
    counts: BTreeMap<(&'static str, Option<&'static str>, Direction), u64>,
}

impl Default for Violations {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl Violations {
    /// A store keeping the last `capacity` violations (counts are kept for all).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    /// Logs each of `found` as a warning and keeps it.
    pub fn report(&self, found: &[Violation]) {
        if found.is_empty() {
            return;
        }
        for violation in found {
            tracing::warn!(
                provider = violation.provider,
                operation = violation.operation_id.unwrap_or("-"),
                status = violation.status.unwrap_or(0),
                direction = violation.direction.as_str(),
                pointer = %violation.pointer,
                "contract violation: {}",
                violation.message
            );
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for violation in found {
            *state
                .counts
                .entry((
                    violation.provider,
                    violation.operation_id,
                    violation.direction,
                ))
                .or_default() += 1;
            if self.capacity == 0 {
                continue;
            }
            if state.kept.len() == self.capacity {
                state.kept.pop_front();
            }
            state.kept.push_back(violation.clone());
        }
    }

    /// The kept violations, oldest first.
    pub fn list(&self) -> Vec<Violation> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.kept.iter().cloned().collect()
    }

    /// Forgets the kept violations; the shutdown summary still counts them.
    pub fn clear(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .kept
            .clear();
    }

    /// How many violations were found, by provider, operation (`-` for
    /// requests no operation matches) and direction, since start.
    pub fn summary(&self) -> Vec<(&'static str, &'static str, Direction, u64)> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state
            .counts
            .iter()
            .map(|((provider, operation, direction), count)| {
                (*provider, operation.unwrap_or("-"), *direction, *count)
            })
            .collect()
    }

    /// Logs [`Self::summary`]: one warning per provider, operation and
    /// direction with violations, or one line saying there were none.
    pub fn log_summary(&self) {
        let summary = self.summary();
        if summary.is_empty() {
            tracing::info!("no contract violations");
            return;
        }
        let total: u64 = summary.iter().map(|(.., count)| count).sum();
        tracing::warn!(total, "contract violations found");
        for (provider, operation, direction, count) in summary {
            tracing::warn!(
                provider,
                operation,
                direction = direction.as_str(),
                count,
                "contract violations"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violation(operation: &'static str, direction: Direction) -> Violation {
        Violation {
            provider: "p",
            operation_id: Some(operation),
            status: Some(200),
            direction,
            pointer: "/body/id".into(),
            message: "Field required".into(),
        }
    }

    #[test]
    fn kept_violations_are_bounded_and_counted_beyond_the_bound() {
        let violations = Violations::new(2);
        violations.report(&[
            violation("a", Direction::Response),
            violation("a", Direction::Response),
            violation("b", Direction::Request),
        ]);
        let kept = violations.list();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].operation_id, Some("a"));
        assert_eq!(kept[1].operation_id, Some("b"));
        violations.clear();
        assert!(violations.list().is_empty());
        assert_eq!(
            violations.summary(),
            vec![
                ("p", "a", Direction::Response, 2),
                ("p", "b", Direction::Request, 1)
            ]
        );
    }

    #[test]
    fn pointers_escape_as_rfc_6901_says() {
        let problem = Problem::new(
            vec!["body".into(), "a/b".into(), "c~d".into(), "0".into()],
            "x",
            "missing",
        );
        assert_eq!(problem.pointer(), "/body/a~1b/c~0d/0");
        let violation = Violation::from_problem("p", None, None, Direction::Response, &problem);
        assert_eq!(violation.pointer, "/body/a~1b/c~0d/0");
    }

    #[test]
    fn serialised_as_the_issue_shows() {
        let json = serde_json::to_value(violation("a", Direction::Request)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "provider": "p", "operation_id": "a", "status": 200,
                "direction": "request", "pointer": "/body/id", "message": "Field required",
            })
        );
    }
}
