//! What `sdk/build.rs` does, as a library call: one module per provider
//! whose cargo feature is on (every directory with `all-providers`), the
//! index of those modules, the crate docs' provider table and the
//! `dynamic` dispatcher, written into `OUT_DIR` when they changed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use specs::{Findings, Provider};

use super::{GenError, features, generate, typed};

/// Why the SDK cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The documents do not load.
    #[error(transparent)]
    Spec(#[from] specs::SpecError),
    /// A provider's module cannot be generated.
    #[error(transparent)]
    Generate(#[from] GenError),
    /// Two providers read the same environment variable.
    #[error("providers {first} and {second} both read the environment variable {variable}")]
    SharedVariable {
        /// The provider read first.
        first: String,
        /// The other.
        second: String,
        /// The variable.
        variable: String,
    },
    /// A file cannot be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What the build script tells cargo.
#[derive(Debug, Default)]
pub struct Built {
    /// Files whose change must rerun the build script.
    pub rerun_if_changed: Vec<PathBuf>,
    /// One line each: undeclared features, providers' findings.
    pub warnings: Vec<String>,
}

/// Generates the SDK of the crate at `manifest_dir` into `out_dir`; a
/// feature is on when `enabled(CARGO_FEATURE_...)`.
pub fn build(
    manifest_dir: &Path,
    out_dir: &Path,
    enabled: impl Fn(&str) -> bool,
) -> Result<Built, BuildError> {
    let providers_dir = specs::providers_dir();
    let manifest_path = manifest_dir.join("Cargo.toml");
    let mut built = Built::default();
    built.rerun_if_changed.push(providers_dir.clone());
    built.rerun_if_changed.extend(
        std::fs::read_dir(&providers_dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path()),
    );
    built.rerun_if_changed.push(manifest_path.clone());

    let manifest = std::fs::read_to_string(&manifest_path).map_err(|source| BuildError::Io {
        action: "read",
        path: manifest_path,
        source,
    })?;
    let providers = specs::load_providers(&providers_dir)?;
    let declared = features::declared(&manifest);
    let (selected, warnings) = features::select(
        providers.iter().map(|p| p.name.as_str()),
        &declared,
        |feature| enabled(&features::env_var(feature)),
    );
    built.warnings.extend(warnings);
    let selected: Vec<String> = selected.into_iter().map(str::to_string).collect();
    let providers: Vec<Provider> = providers
        .into_iter()
        .filter(|p| selected.contains(&p.name))
        .collect();

    let mut index = String::new();
    for provider in &providers {
        let generated = generate(provider)?;
        built
            .warnings
            .extend(findings_warning(provider, &generated.findings));
        let file = format!("{}.rs", provider.name);
        write_if_changed(&out_dir.join(&file), &generated.code)?;
        let sources: Vec<String> = provider
            .documents
            .iter()
            .map(|d| format!("`{}`", d.path.display()))
            .collect();
        let doc = format!(
            "{}: a typed client generated from {}.",
            provider.title,
            sources.join(", ")
        );
        writeln!(
            index,
            // Upstream descriptions become doc comments verbatim: rustdoc's
            // markup lints cannot hold text we do not write.
            "#[doc = {doc:?}]\n#[allow(missing_docs, unused_imports, unused_mut, clippy::all, rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]\npub mod {} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{file}\")); }}",
            provider.name,
        )
        .expect("writing to a String");
    }
    write_if_changed(&out_dir.join("providers.rs"), &index)?;
    write_if_changed(&out_dir.join("providers.md"), &providers_table(&providers)?)?;
    write_if_changed(
        &out_dir.join("dynamic_providers.rs"),
        &typed::dynamic_dispatch(&providers).to_string(),
    )?;
    Ok(built)
}

/// The crate docs' table of providers, from the catalogue: module,
/// operations, credential, environment variables, default server. Also
/// checks that no two providers read the same variable.
fn providers_table(providers: &[Provider]) -> Result<String, BuildError> {
    let mut table = String::from(
        "| module | provider | operations | credential | environment (key, base URL) | default server |\n\
         |---|---|---|---|---|---|\n",
    );
    let mut variables = BTreeMap::new();
    for provider in providers {
        let base_url_env = typed::base_url_env(&provider.credential_env);
        for variable in [&provider.credential_env, &base_url_env] {
            if let Some(first) = variables.insert(variable.clone(), provider.name.clone()) {
                return Err(BuildError::SharedVariable {
                    first,
                    second: provider.name.clone(),
                    variable: variable.clone(),
                });
            }
        }
        let operations: Vec<String> = provider
            .operations
            .iter()
            .map(|o| {
                format!(
                    "[`{method}`]({module}::Client::{method})",
                    method = typed::progenitor_snake(&o.sdk_name),
                    module = provider.name
                )
            })
            .collect();
        writeln!(
            table,
            "| [`{name}`]({name}) | {title} | {operations} | {credential} | `{key}`, `{base_url_env}` | <{url}> |",
            name = provider.name,
            title = provider.title,
            operations = operations.join(", "),
            credential = typed::credentials_doc(provider),
            key = provider.credential_env,
            url = provider.server_url().unwrap_or_else(|| "none".to_string()),
        )
        .expect("writing to a String");
    }
    Ok(table)
}

/// One warning for a provider whose documents had slips: how many, and
/// where they are listed (the spec library's in the golden list `cargo
/// xtask codegen` writes; the generator's own, few, in the warning itself).
fn findings_warning(provider: &Provider, generated: &Findings) -> Option<String> {
    let total = provider.findings.len() + generated.len();
    if total == 0 {
        return None;
    }
    let mut message = format!(
        "{}: {total} document findings repaired, approximated or skipped ({}; SDK generator: {})",
        provider.name,
        provider.findings.summary(),
        generated.summary()
    );
    if !provider.findings.is_empty() {
        write!(
            message,
            "; listed in specs/golden/{}.findings.txt",
            provider.name
        )
        .expect("writing to a String");
    }
    for finding in &generated.0 {
        write!(message, "; {finding}").expect("writing to a String");
    }
    Some(message.replace('\n', " "))
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), BuildError> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    std::fs::write(path, contents).map_err(|source| BuildError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}
