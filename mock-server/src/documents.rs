//! Documents served without generated code (`--spec`): read by the spec
//! library and built into the model by `mock_model::build` at start-up,
//! the same builder whose output `cargo xtask codegen` writes out for the
//! vendored providers.

use std::path::PathBuf;
use std::str::FromStr;

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

impl Spec {
    /// The file or directory at `path`, served under `name` (`--spec NAME=PATH`).
    pub fn named(name: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Spec {
            name: Some(name.into()),
            path: path.into(),
        }
    }
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
    /// A name that cannot name a provider.
    #[error(
        "`{0}`: a name must be lower-case ASCII letters, digits and `_`, starting with a letter"
    )]
    Name(String),
    /// `NAME=` without a path.
    #[error("--spec needs a path: PATH or NAME=PATH")]
    NoPath,
    /// `NAME=DIR` for a directory of several documents.
    #[error("{}: a directory of documents serves each under its file's name; name a file instead", .0.display())]
    NamedDirectory(PathBuf),
    /// A directory without `provider.yaml` and without OpenAPI documents.
    #[error("{}: no provider.yaml and no OpenAPI document (.json, .yaml or .yml) in it", .0.display())]
    EmptyDirectory(PathBuf),
    /// A directory that cannot be listed.
    #[error("{}: {source}", path.display())]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The providers `spec` names: a document; a directory with its
/// `provider.yaml`; or a directory of documents (a container's mounted
/// volume), each served under a name made from its file name.
pub(crate) fn load(spec: &Spec) -> Result<Vec<&'static Provider>, LoadError> {
    if !spec.path.is_dir() || spec.path.join("provider.yaml").is_file() {
        return Ok(vec![load_one(spec)?]);
    }
    if spec.name.is_some() {
        return Err(LoadError::NamedDirectory(spec.path.clone()));
    }
    let io = |source| LoadError::Directory {
        path: spec.path.clone(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&spec.path).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let document = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["json", "yaml", "yml"].contains(&e.to_ascii_lowercase().as_str()));
        if document && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    let mut providers = Vec::new();
    for path in files {
        // A split document's parts sit beside it: only whole documents are served.
        let document = specs::read_document(&path)?;
        if document.get("openapi").is_none() && document.get("swagger").is_none() {
            tracing::info!(
                "{}: not an OpenAPI document (no `openapi` member), not served on its own",
                path.display()
            );
            continue;
        }
        providers.push(load_one(&Spec { name: None, path })?);
    }
    if providers.is_empty() {
        return Err(LoadError::EmptyDirectory(spec.path.clone()));
    }
    Ok(providers)
}

/// Loads and builds one document or provider directory, logging what the
/// spec library and the builder repaired or left out. The model lives for
/// the rest of the process.
fn load_one(spec: &Spec) -> Result<&'static Provider, LoadError> {
    let started = std::time::Instant::now();
    let provider = if spec.path.is_dir() {
        let mut provider = specs::load_provider_for(&spec.path, specs::Purpose::Mock)?;
        if let Some(name) = &spec.name {
            provider.name.clone_from(name);
        }
        provider
    } else {
        specs::load_file(&spec.path, spec.name.as_deref(), specs::Purpose::Mock)?
    };
    let read = started.elapsed();
    let built = mock_model::build::provider(&provider);
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
    let (name, found) = (provider.name.clone(), findings.len());
    // The documents are large trees: free them off the start-up path (the
    // model keeps nothing of them), then give the pages back.
    std::thread::spawn(move || {
        drop(provider);
        crate::memory::release_freed();
    });
    tracing::info!(
        provider = %name,
        operations = built.provider.operations.len(),
        skipped = built.provider.skipped.len(),
        findings = found,
        read_ms = read.as_millis(),
        built_ms = (started.elapsed() - read).as_millis(),
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
