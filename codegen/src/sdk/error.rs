//! The generator's one error: what failed, and where.

use std::fmt;
use std::path::PathBuf;

use specs::{Operation, Provider};

/// Where a failure is: the document, and as far as it was found, the
/// operation and the JSON pointer of the offending node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The provider's document the node belongs to.
    pub document: PathBuf,
    /// The operation (as the document spells its operationId), if one is involved.
    pub operation_id: Option<String>,
    /// The JSON pointer of the node. It points into the document when the
    /// node is there as written; `normalised` says when it only exists in
    /// the normalised document (`specs/golden/<provider>.openapi.json`).
    pub pointer: Option<String>,
    /// Whether `pointer` addresses the normalised document.
    pub normalised: bool,
}

impl Place {
    /// The provider's (first) document, nothing more precise.
    pub fn document(provider: &Provider) -> Self {
        Self {
            document: provider
                .documents
                .first()
                .map(|d| d.path.clone())
                .unwrap_or_default(),
            operation_id: None,
            pointer: None,
            normalised: false,
        }
    }

    /// An operation's document and operationId.
    pub fn operation(provider: &Provider, operation: &Operation) -> Self {
        Self {
            document: provider
                .documents
                .get(operation.document)
                .map(|d| d.path.clone())
                .unwrap_or_default(),
            operation_id: Some(operation.operation_id.clone()),
            ..Self::document(provider)
        }
    }

    /// The node at `pointer` of the normalised document: the source document
    /// that holds it (or its component), with the pointer as found there.
    pub fn node(provider: &Provider, operation_id: Option<String>, pointer: &str) -> Self {
        let holds = |document: &specs::SourceDocument, at: &str| {
            !at.is_empty() && document.resolved.pointer(at).is_some()
        };
        let owner = provider
            .documents
            .iter()
            .find(|d| holds(d, pointer))
            .or_else(|| {
                let component = component_prefix(pointer);
                provider.documents.iter().find(|d| holds(d, &component))
            });
        Self {
            document: owner
                .or(provider.documents.first())
                .map(|d| d.path.clone())
                .unwrap_or_default(),
            operation_id,
            pointer: Some(pointer.to_string()),
            normalised: !provider
                .documents
                .iter()
                .any(|d| d.resolved.pointer(pointer).is_some()),
        }
    }
}

/// `/components/schemas/A/properties/b` -> `/components/schemas/A`;
/// `/paths/~1a/get/...` -> `/paths/~1a/get`.
fn component_prefix(pointer: &str) -> String {
    pointer.split('/').take(4).collect::<Vec<_>>().join("/")
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.document.display())?;
        if let Some(pointer) = &self.pointer {
            write!(f, "#{pointer}")?;
            if self.normalised {
                f.write_str(" (of the normalised document)")?;
            }
        }
        if let Some(operation) = &self.operation_id {
            write!(f, " (operation `{operation}`)")?;
        }
        Ok(())
    }
}

/// A provider's module could not be generated.
#[derive(Debug, thiserror::Error)]
#[error("{provider}: {place}: {kind}")]
pub struct GenError {
    /// The provider's name.
    pub provider: String,
    /// Where (boxed: errors stay small to pass around).
    pub place: Box<Place>,
    /// What.
    pub kind: GenErrorKind,
}

impl GenError {
    /// `kind` at `place` of `provider`.
    pub fn new(provider: &Provider, place: Place, kind: GenErrorKind) -> Self {
        Self {
            provider: provider.name.clone(),
            place: Box::new(place),
            kind,
        }
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum GenErrorKind {
    /// The normalised document does not read as progenitor's OpenAPI 3.0 model.
    #[error("not OpenAPI 3.0 as progenitor reads it: {0}")]
    Model(String),
    /// progenitor or typify returned an error.
    #[error("progenitor: {0}")]
    Progenitor(String),
    /// progenitor or typify panicked.
    #[error("progenitor panicked: {0}")]
    Panic(String),
    /// progenitor's output, or the typed layer's, is not Rust that parses.
    #[error("generated code does not parse: {0}")]
    Output(String),
    /// progenitor's output and the catalogue disagree (a builder, setter or
    /// type the typed layer expects is missing), or the catalogue holds what
    /// the typed layer cannot express.
    #[error("{0}")]
    Typed(String),
}

impl From<String> for GenErrorKind {
    fn from(message: String) -> Self {
        Self::Typed(message)
    }
}
