//! Documents served without generated code (`--spec`): read by the spec
//! library and built into the model by `mock_model::build` at start-up,
//! the same builder whose output `cargo xtask codegen` writes out for the
//! vendored providers.

use std::path::PathBuf;
use std::str::FromStr;

use mock_model::build::BuildError;

use crate::model::Provider;

/// Findings logged one by one at start-up; the rest are counted.
const FINDINGS_LOGGED: usize = 20;

/// A document, or a provider directory with its `provider.yaml`, to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The name to serve it under; `None`: the manifest's, or one made from
    /// the file name (`openapi.yaml` -> `openapi`).
    pub name: Option<String>,
    /// The file or directory.
    pub path: PathBuf,
}

impl FromStr for Spec {
    type Err = LoadError;

    /// `PATH`, or `NAME=PATH`.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let (name, path) = match value.split_once('=') {
            Some((name, path)) if !name.contains(['/', '\\', '.']) => (Some(name), path),
            _ => (None, value),
        };
        if let Some(name) = name
            && !specs::is_provider_name(name)
        {
            return Err(LoadError::Name(name.to_string()));
        }
        if path.is_empty() {
            return Err(LoadError::NoPath);
        }
        Ok(Spec {
            name: name.map(str::to_string),
            path: PathBuf::from(path),
        })
    }
}

/// Why a document cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The spec library refused the document (unreadable, not OpenAPI, a
    /// strict provider with findings); the error names file and place.
    #[error(transparent)]
    Spec(#[from] specs::SpecError),
    /// The document's schemas cannot be checked at all.
    #[error("{path}: {source}")]
    Build {
        /// The document or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: BuildError,
    },
    /// A name that cannot name a provider.
    #[error(
        "`{0}`: a name must be lower-case ASCII letters, digits and `_`, starting with a letter"
    )]
    Name(String),
    /// `NAME=` without a path.
    #[error("--spec needs a path: PATH or NAME=PATH")]
    NoPath,
}

/// Loads and builds `spec`, logging what the spec library and the builder
/// repaired or left out. The model lives for the rest of the process.
pub(crate) fn load(spec: &Spec) -> Result<&'static Provider, LoadError> {
    let provider = if spec.path.is_dir() {
        let mut provider = specs::load_provider(&spec.path)?;
        if let Some(name) = &spec.name {
            provider.name.clone_from(name);
        }
        provider
    } else {
        specs::load_file(&spec.path, spec.name.as_deref())?
    };
    let built = mock_model::build::provider(&provider).map_err(|source| LoadError::Build {
        path: spec.path.clone(),
        source,
    })?;
    let findings: Vec<&specs::Finding> = provider
        .findings
        .0
        .iter()
        .chain(&built.findings.0)
        .collect();
    for finding in findings.iter().take(FINDINGS_LOGGED) {
        tracing::warn!(provider = %provider.name, "{finding}");
    }
    for finding in findings.iter().skip(FINDINGS_LOGGED) {
        tracing::debug!(provider = %provider.name, "{finding}");
    }
    for warning in &built.warnings {
        tracing::warn!(provider = %provider.name, "{warning}");
    }
    tracing::info!(
        provider = %provider.name,
        operations = built.provider.operations.len(),
        skipped = built.provider.skipped.len(),
        findings = findings.len(),
        "loaded {}",
        spec.path.display()
    );
    Ok(built.provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_values_are_a_path_or_a_name_and_a_path() {
        let spec = |value: &str| value.parse::<Spec>();
        assert_eq!(
            spec("api=./docs/openapi.yaml").unwrap(),
            Spec {
                name: Some("api".into()),
                path: "./docs/openapi.yaml".into()
            }
        );
        assert_eq!(spec("openapi.yaml").unwrap().name, None);
        assert_eq!(
            spec("./a=b/openapi.yaml").unwrap().path,
            PathBuf::from("./a=b/openapi.yaml"),
            "an `=` inside a path is part of it"
        );
        assert!(matches!(spec("My API=x.yaml"), Err(LoadError::Name(_))));
        assert!(matches!(spec("api="), Err(LoadError::NoPath)));
    }
}
