//! The vendored OpenAPI documents and the one library that reads them.
//!
//! `providers/<name>/` holds a provider's documents verbatim, the overlays
//! that correct them, and a `provider.yaml` manifest. [`load_providers`] reads
//! them all and, for each provider, yields:
//!
//! - every document as vendored and as *resolved* (overlays applied, inline
//!   response schemas hoisted into `components.schemas`), still in its own
//!   OpenAPI version: what the mock server validates against;
//! - the operation catalogue ([`Operation`]), read from the resolved documents;
//! - the *normalised* document: the resolved documents down-converted to
//!   OpenAPI 3.0.3, merged, and reshaped for progenitor: what `sdk/build.rs`
//!   generates the client from.
//!
//! `provider.yaml` names the documents (`documents`), the overlays
//! (`overlays`), the credential's environment variable (`credential_env`),
//! the resource states (`lifecycle`) and, optionally, which operations to
//! serve (`operations`, by tag and operationId, include and exclude: see
//! [`selection`]), applied here once for the SDK, the mock and the contract suite.
//!
//! The rules shared by every consumer live here too: [`refs`] (the one
//! `$ref` resolver), [`security`] (schemes and requirements), [`status`]
//! (which status the mock sends for a range, `default` or a refused request).
//!
//! Every error names the file and the JSON pointer ([`SpecError`]).

mod bundle;
mod catalogue;
#[cfg(feature = "check")]
pub mod check;
mod error;
pub mod events;
pub mod findings;
pub mod json;
pub mod lifecycle;
mod load;
mod merge;
mod normalise;
mod operation_ids;
mod overlay;
pub mod pagination;
pub mod pointer;
pub mod refs;
mod repair;
pub mod security;
pub mod selection;
pub mod status;
pub mod uri;
mod walk;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

pub use catalogue::{
    Body, Encoding, ListEncoding, Operation, Parameter, ParameterLocation, RequestBody, Response,
    ResponseHeader, SDK_NAME, Status, Webhook, WebhookOrigin, WebhookSignature, is_download,
    is_event_stream, is_json, parse_status,
};
pub use error::{Location, SpecError};
pub use findings::{Finding, Findings, Outcome};
pub use lifecycle::Lifecycle;
pub use load::{parse_document, read_document};
pub use merge::merge_documents;
pub use normalise::downconvert::downconvert;
pub use normalise::{hoist_response_schemas, hoist_webhook_payloads, reshape_for_progenitor};
pub use overlay::apply_overlay;
pub use security::{Credential, CredentialKind, Requirements};
pub use selection::Selection;
pub use walk::METHODS;

/// The repository's `specs/providers` directory.
pub fn providers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("providers")
}

/// The third-party documents under `specs/corpus/`, in name order: each
/// directory's name (the provider's) and path.
pub fn corpus_dirs() -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"))? {
        let path = entry?.path();
        if path.is_dir() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            dirs.push((name.into_owned(), path));
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// The repository root, against which document paths are reported.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("specs/ has a parent")
        .to_owned()
}

/// One provider: its documents, its operations and its normalised document.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Short lower-case name: the SDK module, the mock's URL prefix, the CLI's word.
    pub name: String,
    /// Human name, e.g. `Phala Cloud`.
    pub title: String,
    /// The environment variable the provider's own tools read the credential from.
    pub credential_env: String,
    /// The documents, in manifest order.
    pub documents: Vec<SourceDocument>,
    /// The overlays applied to them, in order.
    pub overlays: Vec<PathBuf>,
    /// Every operation of every document that the manifest's `operations`
    /// selection keeps (all of them without one).
    pub operations: Vec<Operation>,
    /// The requests the provider sends the app: its documents' `webhooks`
    /// and its operations' `callbacks`.
    pub webhooks: Vec<Webhook>,
    /// OpenAPI 3.0.3, merged and reshaped for progenitor; `null` when
    /// loaded for [`Purpose::Mock`].
    pub normalised: Value,
    /// The resources its operations act on (`lifecycle.yaml`), if described.
    pub lifecycle: Option<Lifecycle>,
    /// The documents' slips and what was done about each (see [`findings`]):
    /// operations skipped here are in none of the above.
    pub findings: Findings,
    /// The status the mock answers invalid input with where an operation
    /// declares none for it (`invalid_input_status` in `provider.yaml`,
    /// 400 by default); always marked as undeclared.
    pub invalid_input_status: u16,
    /// The boolean request-body member that asks an operation answering
    /// both JSON and `text/event-stream` for the stream (`stream_switch` in
    /// `provider.yaml`; `stream` by default, as AI platforms' clients send
    /// `"stream": true`).
    pub stream_switch: String,
    /// How the provider signs its webhooks (`webhook_signature` in
    /// `provider.yaml`; Standard Webhooks by default).
    pub webhook_signature: WebhookSignature,
}

/// One vendored document. Made by the loader or [`SourceDocument::new`]
/// (non-exhaustive, so the `check` feature's cache adds no breaking field).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SourceDocument {
    /// Its path, relative to the repository root when it is inside it.
    pub path: PathBuf,
    /// The document exactly as vendored.
    pub verbatim: Value,
    /// With overlays applied, inline response schemas hoisted, and the
    /// operations the manifest's selection drops removed.
    pub resolved: Value,
    #[cfg(feature = "check")]
    checker: check::Cached,
}

impl SourceDocument {
    /// The document read from `path`, as vendored and as resolved.
    pub fn new(path: PathBuf, verbatim: Value, resolved: Value) -> Self {
        Self {
            path,
            verbatim,
            resolved,
            #[cfg(feature = "check")]
            checker: check::Cached::default(),
        }
    }

    /// The checker of `resolved`'s schemas, made on first use and kept
    /// (a clone starts without one): change `resolved` before, not after.
    #[cfg(feature = "check")]
    pub fn checker(&self) -> Result<&check::Checker, check::CheckError> {
        self.checker.get(&self.resolved)
    }
}

impl Provider {
    /// Every scheme the operations name, once, in the order they first
    /// appear ([`security::schemes_in_use`]).
    pub fn schemes_in_use(&self) -> Vec<&Credential> {
        security::schemes_in_use(self.operations.iter().map(|o| &o.security))
    }

    /// The first server URL of the documents, its variables at their
    /// defaults: the provider's public host.
    pub fn server_url(&self) -> Option<String> {
        // The documents must agree on `servers` to merge: the first one's are everyone's.
        let server = self.documents.first()?.resolved.pointer("/servers/0")?;
        let mut url = server.get("url")?.as_str()?.to_string();
        // Variables take their defaults (`repair::server_variables` gives
        // every one a default): `{scheme}://{host}/{basePath}` is a template.
        if let Some(variables) = server.get("variables").and_then(Value::as_object) {
            for (name, variable) in variables {
                let default = variable
                    .get("default")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                url = url.replace(&format!("{{{name}}}"), default);
            }
        }
        Some(url)
    }

    /// The normalised document in progenitor's `openapiv3` model.
    pub fn openapi(&self) -> Result<openapiv3::OpenAPI, SpecError> {
        let file = self
            .documents
            .first()
            .map_or_else(PathBuf::new, |d| d.path.clone());
        let text = serde_json::to_string(&self.normalised).expect("a Value serialises");
        let deserializer = &mut serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let pointer = e.path().iter().fold(String::new(), |at, segment| {
                use serde_path_to_error::Segment;
                match segment {
                    Segment::Seq { index } => pointer::join_index(&at, *index),
                    Segment::Map { key } | Segment::Enum { variant: key } => {
                        pointer::join(&at, key)
                    }
                    Segment::Unknown => at,
                }
            });
            SpecError::invalid(
                Location::new(file, pointer),
                format!(
                    "not valid OpenAPI 3.0 after normalisation: {}",
                    e.into_inner()
                ),
            )
        })
    }
}

/// A provider's `provider.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    name: String,
    title: String,
    documents: Vec<String>,
    #[serde(default)]
    overlays: Vec<String>,
    credential_env: String,
    #[serde(default)]
    lifecycle: Option<String>,
    /// Which operations to serve (see [`selection`]).
    #[serde(default)]
    operations: Selection,
    /// Every finding is an error (see [`findings`]).
    #[serde(default)]
    strict: bool,
    /// How operations page where the document's shape is unusual, or
    /// `false` where one that looks paginated is not (see [`pagination`]).
    #[serde(default)]
    pagination: std::collections::BTreeMap<String, pagination::Declared>,
    /// The status the mock answers invalid input with where an operation
    /// declares none for it (a document gap, see [`status::gaps`]).
    #[serde(default = "status::default_invalid_input_status")]
    invalid_input_status: u16,
    /// The request-body member that asks for an event stream.
    #[serde(default = "default_stream_switch")]
    stream_switch: String,
    /// How the provider signs its webhooks.
    #[serde(default)]
    webhook_signature: WebhookSignature,
}

/// The request-body member AI platforms' clients ask for a stream with.
pub fn default_stream_switch() -> String {
    "stream".to_string()
}

/// Loads every provider under `dir` (one sub-directory each), sorted by name.
pub fn load_providers(dir: &Path) -> Result<Vec<Provider>, SpecError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SpecError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| SpecError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if !path.join("provider.yaml").is_file() {
            // Documents without a manifest would silently not be served.
            return Err(SpecError::invalid(
                Location::new(path.join("provider.yaml"), ""),
                "every provider directory needs a provider.yaml",
            ));
        }
        dirs.push(path);
    }
    dirs.sort();
    dirs.iter().map(|d| load_provider(d)).collect()
}

/// The index of the manifest document an overlay's `extends` names, or
/// `None` when it has no `extends` (it applies to every document).
fn extended_document(
    overlay: &Value,
    overlay_path: &Path,
    documents: &[String],
) -> Result<Option<usize>, SpecError> {
    let Some(extends) = overlay.get("extends") else {
        return Ok(None);
    };
    let at = Location::new(overlay_path, "/extends");
    let target = extends
        .as_str()
        .ok_or_else(|| SpecError::invalid(at.clone(), "`extends` must be a string"))?;
    let normal = |file: &str| file.trim_start_matches("./").to_string();
    documents
        .iter()
        .position(|document| normal(document) == normal(target))
        .map(Some)
        .ok_or_else(|| {
            SpecError::invalid(
                at,
                format!(
                    "`extends: {target}` matches none of the provider's documents ({})",
                    documents.join(", ")
                ),
            )
        })
}

/// Whether `name` can name a provider: lower-case ASCII letters, digits
/// and `_`, starting with a letter (a Rust module, a URL segment, a word).
pub fn is_provider_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `My API v2.yaml` -> `my_api_v2`: a provider name made from a file name.
fn name_from_file(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let mut name = String::new();
    for c in stem.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_');
    if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.to_string()
    } else {
        format!("api{}{name}", if name.is_empty() { "" } else { "_" })
    }
}

/// What a provider is loaded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Everything, the SDK's normalised 3.0.3 document included.
    Everything,
    /// The mock: the resolved documents and their catalogue, without the
    /// SDK's normalisation (its down-conversion, merge and reshaping for
    /// progenitor cost most of a load, and nothing of it reaches the mock).
    Mock,
}

/// Loads one document without a `provider.yaml`, as a provider of its own
/// (no overlays, lifecycle or selection): named `name`, else after the
/// file (`openapi.yaml` -> `openapi`), titled by its `info.title`.
pub fn load_file(path: &Path, name: Option<&str>, purpose: Purpose) -> Result<Provider, SpecError> {
    let name = name.map_or_else(|| name_from_file(path), str::to_string);
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .ok_or_else(|| SpecError::invalid(Location::new(path, ""), "not a file name"))?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let manifest = Manifest {
        credential_env: format!("{}_API_KEY", name.to_ascii_uppercase()),
        title: name.clone(),
        name,
        documents: vec![file.to_string()],
        overlays: Vec::new(),
        lifecycle: None,
        operations: Selection::default(),
        strict: false,
        pagination: Default::default(),
        invalid_input_status: status::default_invalid_input_status(),
        stream_switch: default_stream_switch(),
        webhook_signature: WebhookSignature::default(),
    };
    let mut provider = load(&dir, manifest, path, purpose)?;
    if let Some(title) = provider.documents[0]
        .verbatim
        .pointer("/info/title")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
    {
        provider.title = title.trim().to_string();
    }
    Ok(provider)
}

/// Loads the provider in `dir`, described by its `provider.yaml`.
pub fn load_provider(dir: &Path) -> Result<Provider, SpecError> {
    load_provider_for(dir, Purpose::Everything)
}

/// Loads the provider in `dir` for `purpose`.
pub fn load_provider_for(dir: &Path, purpose: Purpose) -> Result<Provider, SpecError> {
    let manifest_path = dir.join("provider.yaml");
    let manifest: Manifest =
        serde_json::from_value(read_document(&manifest_path)?).map_err(|e| {
            SpecError::invalid(
                Location::new(shown(manifest_path.clone()), ""),
                e.to_string(),
            )
        })?;
    load(dir, manifest, &manifest_path, purpose)
}

/// `path` relative to the repository when inside it, as findings show it.
fn shown(path: PathBuf) -> PathBuf {
    path.strip_prefix(repository_root())
        .map(Path::to_owned)
        .unwrap_or(path)
}

/// Loads the provider `manifest` describes, its files relative to `dir`;
/// `manifest_path` is where its settings are said to come from.
fn load(
    dir: &Path,
    manifest: Manifest,
    manifest_path: &Path,
    purpose: Purpose,
) -> Result<Provider, SpecError> {
    let manifest_path = shown(manifest_path.to_owned());
    if !is_provider_name(&manifest.name) {
        return Err(SpecError::invalid(
            Location::new(&manifest_path, "/name"),
            format!(
                "`{}`: a provider name must be lower-case ASCII letters, digits and `_`, starting with a letter",
                manifest.name
            ),
        ));
    }
    if manifest.documents.is_empty() {
        return Err(SpecError::invalid(
            Location::new(&manifest_path, "/documents"),
            "a provider needs at least one document",
        ));
    }

    let overlays = manifest
        .overlays
        .iter()
        .map(|file| {
            let path = dir.join(file);
            Ok((shown(path.clone()), read_document(&path)?))
        })
        .collect::<Result<Vec<_>, SpecError>>()?;

    // Which document each overlay extends (`None`: every one). An `extends`
    // that names no document would otherwise silently stop applying.
    let extended = overlays
        .iter()
        .map(|(overlay_path, overlay)| {
            extended_document(overlay, overlay_path, &manifest.documents)
        })
        .collect::<Result<Vec<_>, SpecError>>()?;

    let mut findings = Findings::default();
    let mut documents = Vec::new();
    let mut overlay_hits: Vec<Vec<usize>> = overlays.iter().map(|_| Vec::new()).collect();
    let mut operations = Vec::new();
    let mut webhooks = Vec::new();
    for (index, file) in manifest.documents.iter().enumerate() {
        let full = dir.join(file);
        let path = shown(full.clone());
        let (verbatim, reindented) = load::read_document_repairing(&full)?;
        for line in reindented {
            findings.push(
                Location::new(&path, ""),
                Outcome::Repaired,
                None,
                load::reindented_message(line),
            );
        }
        let mut resolved = verbatim.clone();
        let unbundled = bundle::bundle(
            &mut resolved,
            &full,
            dir,
            &shown(dir.to_owned()),
            &mut findings,
        );
        for (((overlay_path, overlay), hits), extends) in
            overlays.iter().zip(&mut overlay_hits).zip(&extended)
        {
            if extends.is_none_or(|target| target == index) {
                let counts = apply_overlay(&mut resolved, overlay, overlay_path)?;
                hits.resize(counts.len(), 0);
                hits.iter_mut()
                    .zip(counts)
                    .for_each(|(hit, count)| *hit += count);
            }
        }
        operation_ids::drop_duplicates(&mut resolved, &path, &mut findings);
        operation_ids::fill_missing(&mut resolved);
        repair::references(&mut resolved, &path, &unbundled, &mut findings);
        repair::security(&mut resolved, &path, &mut findings);
        repair::http_schemes(&mut resolved, &path, &mut findings);
        repair::reserved_headers(&mut resolved, &path, &mut findings);
        repair::content_parameters(&mut resolved, &path, &mut findings);
        repair::exclusive_bounds(&mut resolved, &path, &mut findings);
        repair::server_variables(&mut resolved, &path, &mut findings);
        hoist_response_schemas(&mut resolved, &path)?;
        hoist_webhook_payloads(&mut resolved);
        webhooks.extend(catalogue::webhooks(&resolved, index, &path));
        let (mut read, rejected) = catalogue::operations(&resolved, index, &path)?;
        for operation in &mut read {
            operation.pagination = pagination::recognise(&resolved, operation);
        }
        for rejected in rejected {
            selection::remove_path_operation(&mut resolved, &rejected.path, &rejected.method);
            findings.skip(
                repair::operation_name(&rejected.method, &rejected.path),
                &rejected.error,
            );
        }
        operations.extend(read);
        documents.push(SourceDocument::new(path, verbatim, resolved));
    }
    for ((overlay_path, overlay), hits) in overlays.iter().zip(&overlay_hits) {
        if let Some(action) = hits.iter().position(|&hits| hits == 0) {
            return Err(SpecError::Overlay {
                overlay: overlay_path.clone(),
                action,
                target: overlay
                    .pointer(&format!("/actions/{action}/target"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                reason: "the target selects nothing in any document it applies to".into(),
            });
        }
    }
    // The selection applies before down-conversion, so the SDK's document
    // holds exactly the operations the catalogue lists.
    let kept = manifest.operations.apply(&operations, &manifest_path)?;
    let mut selected = Vec::new();
    for (operation, kept) in operations.into_iter().zip(kept) {
        if kept {
            selected.push(operation);
        } else {
            selection::remove_operation(&mut documents[operation.document].resolved, &operation);
        }
    }
    let mut operations = selected;
    pagination::declare(&mut operations, &manifest.pagination, &manifest_path)?;
    let normalised = match purpose {
        Purpose::Everything => {
            let mut converted = Vec::new();
            for document in &documents {
                let mut down = document.resolved.clone();
                downconvert(&mut down, &document.path)?;
                converted.push((document.path.clone(), down));
            }
            let mut normalised = merge_documents(&converted)?;
            reshape_for_progenitor(&mut normalised, &documents[0].path)?;
            normalised
        }
        Purpose::Mock => Value::Null,
    };

    for (what, name_of) in [
        (
            "operationId",
            (|o: &Operation| &o.operation_id) as fn(&Operation) -> &String,
        ),
        ("SDK name (x-sdk-name)", |o: &Operation| &o.sdk_name),
    ] {
        let mut seen = std::collections::HashSet::new();
        for operation in &operations {
            if !seen.insert(name_of(operation)) {
                return Err(SpecError::invalid(
                    Location::new(&documents[operation.document].path, "/paths"),
                    format!("{what} `{}` is used by two operations", name_of(operation)),
                ));
            }
        }
    }

    let lifecycle = match &manifest.lifecycle {
        Some(file) => {
            let path = dir.join(file);
            Some(lifecycle::read(
                read_document(&path)?,
                &shown(path),
                &operations,
            )?)
        }
        None => None,
    };

    if manifest.strict {
        findings
            .clone()
            .into_strict_error(Location::new(&manifest_path, "/strict"))?;
    }
    if !(400..500).contains(&manifest.invalid_input_status) {
        return Err(SpecError::invalid(
            Location::new(&manifest_path, "/invalid_input_status"),
            format!(
                "{} is not a client error (4xx)",
                manifest.invalid_input_status
            ),
        ));
    }
    if manifest.stream_switch.trim().is_empty() {
        return Err(SpecError::invalid(
            Location::new(&manifest_path, "/stream_switch"),
            "the stream switch must name a request-body member",
        ));
    }
    let provider = Provider {
        findings,
        invalid_input_status: manifest.invalid_input_status,
        stream_switch: manifest.stream_switch,
        webhook_signature: manifest.webhook_signature,
        name: manifest.name,
        title: manifest.title,
        credential_env: manifest.credential_env,
        documents,
        overlays: overlays.into_iter().map(|(path, _)| path).collect(),
        operations,
        webhooks,
        normalised,
        lifecycle,
    };
    if purpose == Purpose::Everything {
        provider.openapi()?;
    }
    Ok(provider)
}
