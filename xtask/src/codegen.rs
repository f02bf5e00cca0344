//! `cargo xtask codegen`: the per-provider part of the mock server, written
//! by `codegen::mock` from the spec library's catalogue into
//! `mock-server/src/generated/`, with the golden normalised documents and
//! findings, and the corpus models of the mock's tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use codegen::mock::{self, ModelPath};
use proc_macro2::TokenStream;
use specs::Provider;

/// The directory the generated files live in.
pub fn generated_dir() -> PathBuf {
    specs::repository_root().join("mock-server/src/generated")
}

/// Where the normalised documents are kept for review (`specs/golden/`,
/// compared by `specs/tests/it/vendored.rs`).
pub fn golden_dir() -> PathBuf {
    specs::repository_root().join("specs/golden")
}

/// Every generated file: its path and its contents. Both directories hold
/// generated files only.
pub fn generate_all() -> Result<Vec<(PathBuf, String)>> {
    // The corpus models on the other core: together they take as long as
    // the vendored providers alone.
    std::thread::scope(|scope| {
        let corpus = scope.spawn(corpus_models);
        let mut files = provider_files()?;
        files.extend(
            corpus
                .join()
                .map_err(|_| anyhow::anyhow!("the corpus models' generator panicked"))??,
        );
        Ok(files)
    })
}

/// The vendored providers' generated files, their findings and golden documents.
fn provider_files() -> Result<Vec<(PathBuf, String)>> {
    let providers = specs::load_providers(&specs::providers_dir())?;
    let dir = generated_dir();
    let mut files = Vec::new();
    for provider in &providers {
        let generated = mock::provider_file(provider, ModelPath::InCrate)
            .with_context(|| format!("provider {}", provider.name))?;
        warn(&generated.warnings);
        let mock_findings = generated.findings;
        files.push((dir.join(format!("{}.rs", provider.name)), generated.code));
        // The list of a provider's slips, reviewed in the diff like the
        // normalised document; none, no file.
        let mut findings = provider.findings.clone();
        findings.0.extend(mock_findings.0);
        if !findings.is_empty() {
            eprintln!("{}: {}", provider.name, findings.summary());
            files.push((
                golden_dir().join(format!("{}.findings.txt", provider.name)),
                findings.report(),
            ));
        }
        // What the document declares no answer for, which the mock answers
        // anyway (marked): outside testers such as schemathesis report
        // exactly these as undocumented statuses.
        let gaps = specs::status::gaps(&provider.operations, provider.invalid_input_status);
        if !gaps.is_empty() {
            eprintln!(
                "{}: {} document gaps (specs/golden/{}.gaps.txt)",
                provider.name,
                gaps.len(),
                provider.name
            );
            let listed: String = gaps.iter().map(|gap| format!("{gap}\n")).collect();
            files.push((
                golden_dir().join(format!("{}.gaps.txt", provider.name)),
                listed,
            ));
        }
        files.push((
            golden_dir().join(format!("{}.openapi.json", provider.name)),
            serde_json::to_string_pretty(&provider.normalised)? + "\n",
        ));
    }
    files.push((dir.join("mod.rs"), index_file(&providers)?));
    Ok(files)
}

/// Corpus documents whose directory is at most this big get a compiled
/// model in the mock's tests (bigger ones would make the test build slow).
const CORPUS_MODEL_BYTES: u64 = 150_000;

/// The directory of the corpus models the mock's differential tests use.
pub fn corpus_models_dir() -> PathBuf {
    specs::repository_root().join("mock-server/tests/it/corpus_models")
}

/// The mock's model of every corpus document of at most
/// [`CORPUS_MODEL_BYTES`], for `mock-server/tests/it/exactness.rs` to compare
/// the mock's validator with an independent one on real schemas.
fn corpus_models() -> Result<Vec<(PathBuf, String)>> {
    let mut names = Vec::new();
    for dir in specs::corpus_dirs().context("specs/corpus/")? {
        if directory_bytes(&dir)? <= CORPUS_MODEL_BYTES {
            names.push(dir);
        }
    }
    let out = corpus_models_dir();
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for dir in &names {
        let provider = specs::load_provider(dir)?;
        let generated = mock::provider_file(&provider, ModelPath::External)
            .with_context(|| format!("corpus document {}", dir.display()))?;
        warn(&generated.warnings);
        let directory = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        files.push((out.join(format!("{directory}.rs")), generated.code));
        modules.push(directory);
    }
    let index = format_file(
        "//! Generated by `cargo xtask codegen` from the small documents of `specs/corpus/`. Do not edit.\n\n",
        mock::corpus_index(&modules),
    )?;
    files.push((out.join("mod.rs"), index));
    Ok(files)
}

fn directory_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        total += if kind.is_dir() {
            directory_bytes(&entry.path())?
        } else {
            entry.metadata()?.len()
        };
    }
    Ok(total)
}

fn index_file(providers: &[Provider]) -> Result<String> {
    format_file(
        "//! Generated by `cargo xtask codegen` from `specs/providers/`. Do not edit.\n\n",
        mock::providers_index(providers),
    )
}

/// The generator's warnings (schemas no body could be synthesised for).
fn warn(warnings: &[String]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

/// Pretty-prints `tokens` after `header`, then through rustfmt so the file
/// is exactly what `cargo fmt` would leave.
fn format_file(header: &str, tokens: TokenStream) -> Result<String> {
    rustfmt(&mock::unparse_file(header, tokens)?)
}

fn rustfmt(text: &str) -> Result<String> {
    use std::io::Write;
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(text.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// Writes every generated file (and removes stale ones); with `check`, writes
/// nothing and fails naming each file that differs.
pub fn run(check: bool) -> Result<()> {
    let files = generate_all()?;
    let mut stale = Vec::new();
    let mut removed = Vec::new();
    for (path, contents) in &files {
        if std::fs::read_to_string(path).ok().as_deref() != Some(contents.as_str()) {
            stale.push(path.clone());
            if !check {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(path, contents)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    let entries = [generated_dir(), golden_dir(), corpus_models_dir()]
        .into_iter()
        .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten());
    for entry in entries {
        let path = entry.path();
        if !files.iter().any(|(p, _)| *p == path) {
            removed.push(path);
        }
    }
    let root = specs::repository_root();
    let shown = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    if check {
        if stale.is_empty() && removed.is_empty() {
            return Ok(());
        }
        for path in &stale {
            eprintln!("stale: {}", shown(path));
        }
        for path in &removed {
            eprintln!("no longer generated: {}", shown(path));
        }
        bail!("generated code is stale; run `cargo xtask codegen` and commit the result");
    }
    for path in &stale {
        println!("wrote {}", shown(path));
    }
    for path in &removed {
        std::fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
        println!("removed {}", shown(path));
    }
    Ok(())
}

/// `cargo xtask codegen --check` as a test, so `cargo test --workspace`
/// (and CI, which runs it) refuses stale generated files without building
/// xtask a second time with its own features.
#[test]
fn generated_files_are_fresh() {
    if let Err(error) = run(true) {
        panic!("{error:#}");
    }
}
