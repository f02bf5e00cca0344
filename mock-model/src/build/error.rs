//! Why the builder leaves a part of a document out.

use std::fmt;

/// A part of a document the builder cannot model: the reason, and
/// where it was found, outermost first (`response 200: header `ETag``).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    context: Vec<String>,
    reason: String,
}

impl BuildError {
    /// An error for `reason`, with no context yet.
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            context: Vec::new(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for context in &self.context {
            write!(f, "{context}: ")?;
        }
        f.write_str(&self.reason)
    }
}

impl std::error::Error for BuildError {}

/// The builder's results.
pub(crate) type Result<T, E = BuildError> = std::result::Result<T, E>;

/// Says where an error happened, as the builder descends.
pub(crate) trait Context<T> {
    /// Prefixes the error with `context`.
    fn context(self, context: &str) -> Result<T>;
    /// Prefixes the error with what `context` returns.
    fn with_context(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for Result<T> {
    fn context(self, context: &str) -> Result<T> {
        self.with_context(|| context.to_string())
    }

    fn with_context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|mut error| {
            error.context.insert(0, context());
            error
        })
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, context: &str) -> Result<T> {
        self.ok_or_else(|| BuildError::new(context))
    }

    fn with_context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.ok_or_else(|| BuildError::new(context()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_reads_outermost_first() {
        let error: Result<()> = Err(BuildError::new("not a string"));
        let error = error.context("header `ETag`").context("response 200");
        assert_eq!(
            error.unwrap_err().to_string(),
            "response 200: header `ETag`: not a string"
        );
    }
}
