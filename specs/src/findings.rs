//! The degrade policy: what the pipeline does with a document's slips.
//!
//! Real documents are full of them (a `default` that does not fit its own
//! schema, a reference to nothing, two operations with one `operationId`).
//! Refusing the provider for one of them is the wrong reflex, so every
//! finding gets one of three outcomes, at the smallest unit, and is reported
//! with its file and JSON pointer:
//!
//! - [`Outcome::Repaired`]: the node is corrected in our copy (the value
//!   dropped, the name made unique);
//! - [`Outcome::Approximated`]: the node is replaced by something never
//!   stricter than what the document meant (a schema that cannot be followed
//!   becomes "any value");
//! - [`Outcome::Skipped`]: one operation is left out (of the SDK, the mock, or
//!   both), never the provider.
//!
//! `strict: true` in `provider.yaml` turns every finding into an error
//! ([`Findings::into_strict_error`]), for teams that want a spotless document.

use std::fmt;

use crate::{Location, SpecError};

/// What was done about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Corrected in our copy of the document.
    Repaired,
    /// Replaced by something never stricter than the document.
    Approximated,
    /// The operation is left out.
    Skipped,
}

impl Outcome {
    /// `repaired`, `approximated` or `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Repaired => "repaired",
            Outcome::Approximated => "approximated",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One slip of a document and what was done about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where it is.
    pub at: Location,
    /// What was done.
    pub outcome: Outcome,
    /// The operation it concerns (`METHOD /path`, or its operationId), if one.
    pub operation: Option<String>,
    /// What is wrong and what was done, for a person.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.outcome.as_str())?;
        if let Some(operation) = &self.operation {
            write!(f, " ({operation})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The findings of one provider, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    /// Records a finding.
    pub fn push(
        &mut self,
        at: Location,
        outcome: Outcome,
        operation: Option<String>,
        message: impl Into<String>,
    ) {
        self.0.push(Finding {
            at,
            outcome,
            operation,
            message: message.into(),
        });
    }

    /// Records that the operation was skipped because of `error`.
    pub fn skip(&mut self, operation: String, error: &SpecError) {
        let (at, message) = match error {
            SpecError::Invalid { at, reason } => (at.clone(), reason.clone()),
            SpecError::Unsupported { at, keyword, why } => {
                (at.clone(), format!("`{keyword}` is not supported: {why}"))
            }
            other => (Location::new("", ""), other.to_string()),
        };
        self.push(at, Outcome::Skipped, Some(operation), message);
    }

    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The skipped operations' findings.
    pub fn skipped(&self) -> impl Iterator<Item = &Finding> {
        self.0.iter().filter(|f| f.outcome == Outcome::Skipped)
    }

    /// One line per finding, sorted, as the golden list has them.
    pub fn report(&self) -> String {
        let mut lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        lines.sort();
        lines.dedup();
        lines.iter().map(|line| format!("{line}\n")).collect()
    }

    /// `n repaired, n approximated, n skipped`.
    pub fn summary(&self) -> String {
        let count = |outcome| self.0.iter().filter(|f| f.outcome == outcome).count();
        format!(
            "{} repaired, {} approximated, {} operations skipped",
            count(Outcome::Repaired),
            count(Outcome::Approximated),
            count(Outcome::Skipped)
        )
    }

    /// The error a strict provider gets when it has findings.
    pub fn into_strict_error(self, manifest: Location) -> Result<(), SpecError> {
        if self.is_empty() {
            return Ok(());
        }
        Err(SpecError::invalid(
            manifest,
            format!(
                "`strict: true` and the documents have {} findings:\n{}",
                self.len(),
                self.report()
            ),
        ))
    }
}
