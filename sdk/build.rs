//! Generates one module per provider from `specs/` with `sdk-gen`:
//! progenitor's client and types, with each operation's `send()` replaced by
//! one that returns the operation's typed outcome. Which providers: every
//! directory with the `all-providers` feature (the default), else those
//! whose feature is on (see `sdk_gen::features`). A failure is one located
//! `sdk_gen::GenError` (provider, document, operationId, JSON pointer).

use sdk_gen as typed;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let providers_dir = specs::providers_dir();
    println!("cargo::rerun-if-changed={}", providers_dir.display());
    for entry in std::fs::read_dir(&providers_dir)
        .into_iter()
        .flatten()
        .flatten()
    {
        println!("cargo::rerun-if-changed={}", entry.path().display());
    }

    let providers = match specs::load_providers(&providers_dir) {
        Ok(providers) => providers,
        Err(error) => fail(&error.to_string()),
    };
    let providers = selected_providers(providers);
    let mut index = String::new();
    for provider in &providers {
        let generated = sdk_gen::generate(provider).unwrap_or_else(|e| fail(&e.to_string()));
        warn_findings(provider, &generated.findings);
        let file = format!("{}.rs", provider.name);
        write_if_changed(&out_dir.join(&file), &generated.code);
        let sources: Vec<String> = provider
            .documents
            .iter()
            .map(|d| format!("`{}`", d.path.display()))
            .collect();
        writeln!(
            index,
            // Upstream descriptions become doc comments verbatim: rustdoc's
            // markup lints cannot hold text we do not write.
            "#[doc = {:?}]\n#[allow(missing_docs, unused_imports, unused_mut, clippy::all, rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]\npub mod {} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{file}\")); }}",
            format!(
                "{}: a typed client generated from {}.",
                provider.title,
                sources.join(", ")
            ),
            provider.name,
        )
        .expect("writing to a String");
    }
    write_if_changed(&out_dir.join("providers.rs"), &index);
    let table = providers_table(&providers).unwrap_or_else(|e| fail(&e));
    write_if_changed(&out_dir.join("providers.md"), &table);
    write_if_changed(
        &out_dir.join("dynamic_providers.rs"),
        &typed::dynamic_dispatch(&providers).to_string(),
    );
}

/// The providers whose cargo feature is on (all of them with `all-providers`),
/// with a warning for each directory whose feature is not declared.
fn selected_providers(providers: Vec<specs::Provider>) -> Vec<specs::Provider> {
    let manifest_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    let manifest = std::fs::read_to_string(&manifest_path)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", manifest_path.display())));
    let declared = sdk_gen::features::declared(&manifest);
    let enabled = |feature: &str| std::env::var_os(sdk_gen::features::env_var(feature)).is_some();
    let (selected, warnings) = sdk_gen::features::select(
        providers.iter().map(|p| p.name.as_str()),
        &declared,
        enabled,
    );
    for warning in warnings {
        println!("cargo::warning={warning}");
    }
    let selected: Vec<String> = selected.into_iter().map(str::to_string).collect();
    providers
        .into_iter()
        .filter(|p| selected.contains(&p.name))
        .collect()
}

/// The crate docs' table of providers, from the catalogue: module,
/// operations, credential, environment variables, default server. Also
/// checks that no two providers read the same variable.
fn providers_table(providers: &[specs::Provider]) -> Result<String, String> {
    let mut table = String::from(
        "| module | provider | operations | credential | environment (key, base URL) | default server |\n\
         |---|---|---|---|---|---|\n",
    );
    let mut variables = std::collections::BTreeMap::new();
    for provider in providers {
        let base_url_env = typed::base_url_env(&provider.credential_env);
        for variable in [&provider.credential_env, &base_url_env] {
            if let Some(other) = variables.insert(variable.clone(), &provider.name) {
                return Err(format!(
                    "providers {other} and {} both read the environment variable {variable}",
                    provider.name
                ));
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
        let credential = typed::credentials_doc(provider);
        writeln!(
            table,
            "| [`{name}`]({name}) | {title} | {operations} | {credential} | `{key}`, `{base_url_env}` | <{url}> |",
            name = provider.name,
            title = provider.title,
            operations = operations.join(", "),
            key = provider.credential_env,
            url = provider.server_url().unwrap_or("none"),
        )
        .expect("writing to a String");
    }
    Ok(table)
}

/// One warning per provider whose documents had slips: how many, and where
/// they are listed (the spec library's in the golden list `cargo xtask
/// codegen` writes; the generator's own, few, in the warning itself).
fn warn_findings(provider: &specs::Provider, generated: &specs::Findings) {
    let total = provider.findings.len() + generated.len();
    if total == 0 {
        return;
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
    println!("cargo::warning={}", message.replace('\n', " "));
}

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents)
            .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", path.display())));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    println!("cargo::error={message}");
    std::process::exit(1);
}
