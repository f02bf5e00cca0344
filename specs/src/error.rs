//! The one error type of the spec library: every variant names the file and,
//! where there is one, the JSON pointer of the offending node.

use std::fmt;
use std::path::PathBuf;

/// A node in a document: the file and the JSON pointer (RFC 6901) inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The document, as given to the loader.
    pub file: PathBuf,
    /// The JSON pointer of the node; empty for the whole document.
    pub pointer: String,
}

impl Location {
    /// The location of `pointer` inside `file`.
    pub fn new(file: impl Into<PathBuf>, pointer: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file.display(), self.pointer)
    }
}

/// Why a document (or a provider's set of documents) could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not well-formed JSON or YAML.
    #[error("{}: not valid {format}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A node does not have the shape the OpenAPI (or Overlay) specification requires.
    #[error("{at}: {reason}")]
    Invalid {
        /// Where.
        at: Location,
        /// What is wrong.
        reason: String,
    },
    /// A construct that is valid OpenAPI 3.1 but that this pipeline cannot carry
    /// to the 3.0 form progenitor reads without changing its meaning.
    #[error("{at}: `{keyword}` is not supported: {why}")]
    Unsupported {
        /// Where.
        at: Location,
        /// The keyword or construct.
        keyword: String,
        /// Why it cannot be carried over.
        why: &'static str,
    },
    /// An overlay action could not be applied.
    #[error("{}: action {action} (target `{target}`): {reason}", overlay.display())]
    Overlay {
        /// The overlay file.
        overlay: PathBuf,
        /// Index of the action in `actions`.
        action: usize,
        /// The action's JSONPath target.
        target: String,
        /// What went wrong.
        reason: String,
    },
    /// Two documents of one provider define the same node differently.
    #[error("{} and {} both define #{pointer}, differently", first.display(), second.display())]
    Conflict {
        /// The JSON pointer defined twice.
        pointer: String,
        /// The first document defining it.
        first: PathBuf,
        /// The second document defining it.
        second: PathBuf,
    },
}

impl SpecError {
    pub(crate) fn invalid(at: Location, reason: impl Into<String>) -> Self {
        Self::Invalid {
            at,
            reason: reason.into(),
        }
    }
}
