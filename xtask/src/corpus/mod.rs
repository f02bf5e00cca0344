//! `cargo xtask corpus [--fast] [NAME...]`: third-party documents
//! (`specs/corpus/`) through the pipeline, one table row each.
//!
//! The fast part (spec library, mock generator) checks that each
//! provider's generated file parses as Rust and holds one `Operation` for
//! every operation its documents declare that the spec library did not
//! skip, with their operationIds. Without `--fast`, each document's SDK is
//! generated, compiled as a module of `corpus-check` and its method rows run
//! (`CORPUS_CHECK=NAME cargo test -p corpus-check --test methods`), timed.
//! The mock's answers for the small documents are checked in `cargo test`
//! (`mock-server/tests/it/exactness.rs`, on `mock-server/tests/it/corpus_models/`).
//! Every document is tried and every failure reported by name.
//!
//! The fast part is also this module's test, with the spec library's
//! catalogue checked against an independent reading of each document
//! (`catalogue.rs`).

#[cfg(test)]
mod catalogue;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use codegen::mock::{ModelPath, provider_file};

/// The HTTP methods a path item can hold (OpenAPI 3.0 and 3.1).
const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `(method, path, operationId)` of one operation.
type Row = (String, String, Option<String>);

/// One document's row of the table.
#[derive(Default)]
struct Outcome {
    operations: usize,
    /// Operations recognised as paginated (`specs::pagination`).
    paged: usize,
    warnings: usize,
    skipped: usize,
    codegen_seconds: f64,
    /// `None`: not tried (`--fast`).
    sdk: Option<Result<(), String>>,
    /// The SDK module's compile and method rows (`corpus-check`), with the
    /// seconds they took; `None`: not tried.
    compiled: Option<(Result<(), String>, f64)>,
    /// Why the spec library or the mock generator refused it.
    refused: Option<String>,
    /// Every finding, one line each.
    findings: String,
}

/// `cargo xtask corpus [--fast] [NAME...]`.
pub fn run(fast: bool, names: &[String]) -> Result<()> {
    let dirs: Vec<(String, PathBuf)> = specs::corpus_dirs()
        .context("specs/corpus/")?
        .into_iter()
        .filter(|(name, _)| names.is_empty() || names.contains(name))
        .collect();
    if dirs.is_empty() {
        bail!("no corpus document is named {}", names.join(", "));
    }
    let terminal = std::io::stderr().is_terminal();
    println!(
        "{:<18} {:>10} {:>6} {:>9} {:>8} {:>9} {:>10} {:>10}  result",
        "document", "operations", "paged", "warnings", "skipped", "codegen", "sdk", "sdk build"
    );
    let (mut with_both, mut warnings, mut skipped, mut failed) = (0, 0, 0, 0);
    for (name, dir) in &dirs {
        if terminal {
            eprint!("{name}: loading, generating the mock and the SDK...\r");
        }
        let outcome = one(name, dir, fast);
        if terminal {
            eprint!("{:width$}\r", "", width = name.len() + 48);
        }
        warnings += outcome.warnings;
        skipped += outcome.skipped;
        let result = match (&outcome.refused, &outcome.sdk, &outcome.compiled) {
            (Some(why), _, _) => format!("refused: {why}"),
            (None, Some(Err(why)), _) => format!("SDK refused: {why}"),
            (None, Some(Ok(())), Some((Err(why), _))) => {
                failed += 1;
                format!("SDK does not compile or its rows fail: {why}")
            }
            (None, Some(Ok(())), _) => {
                with_both += 1;
                "ok".to_string()
            }
            (None, None, _) => {
                with_both += 1;
                "ok (mock only: --fast)".to_string()
            }
        };
        let sdk = match &outcome.sdk {
            Some(Ok(())) => "generated",
            Some(Err(_)) => "failed",
            None => "-",
        };
        let build = outcome
            .compiled
            .as_ref()
            .map_or_else(|| "-".to_string(), |(_, seconds)| format!("{seconds:.0}s"));
        println!(
            "{name:<18} {:>10} {:>6} {:>9} {:>8} {:>8.2}s {sdk:>10} {build:>10}  {result}",
            outcome.operations,
            outcome.paged,
            outcome.warnings,
            outcome.skipped,
            outcome.codegen_seconds
        );
        // Documents named on the command line show where their findings are.
        if !names.is_empty() {
            for line in outcome.findings.lines() {
                println!("    {line}");
            }
        }
    }
    if fast {
        // Said before the summary, which stays the last line.
        println!("(--fast: the SDK's compile and rows were not run)");
    }
    // F counts the documents whose SDK module does not compile or whose
    // method rows fail (`corpus-check`).
    println!(
        "corpus: {} documents, {with_both} with SDK and mock, {warnings} warnings, {skipped} operations skipped, {failed} rows failed",
        dirs.len()
    );
    if with_both != dirs.len() {
        bail!(
            "{} documents did not yield an SDK and a mock",
            dirs.len() - with_both
        );
    }
    Ok(())
}

/// The spec library, the mock generator and (unless `fast`) the SDK
/// generator on the document in `dir`.
fn one(name: &str, dir: &Path, fast: bool) -> Outcome {
    let started = Instant::now();
    let provider = match specs::load_provider(dir) {
        Ok(provider) => provider,
        Err(error) => {
            return Outcome {
                refused: Some(error.to_string()),
                ..Outcome::default()
            };
        }
    };
    let mut outcome = Outcome {
        operations: provider.operations.len(),
        paged: provider
            .operations
            .iter()
            .filter(|o| o.pagination.is_some())
            .count(),
        warnings: provider.findings.len(),
        skipped: provider.findings.skipped().count(),
        ..Outcome::default()
    };
    // The code `cargo xtask codegen` would write, and the model it is written from.
    let checked = provider_file(&provider, ModelPath::InCrate)
        .context("provider_file")
        .and_then(|file| {
            check_mock(&provider, file.model, &file.findings)?;
            Ok(file.findings)
        });
    match checked {
        Ok(mock_findings) => {
            outcome.findings = provider.findings.report() + &mock_findings.report();
            outcome.warnings += mock_findings.len();
            outcome.skipped += mock_findings.skipped().count();
        }
        Err(error) => {
            outcome.refused = Some(format!("{error:#}"));
            return outcome;
        }
    }
    outcome.codegen_seconds = started.elapsed().as_secs_f64();
    if !fast {
        match codegen::sdk::generate(&provider) {
            Ok(generated) => {
                outcome.findings += &generated.findings.report();
                outcome.warnings += generated.findings.len();
                outcome.skipped += generated.findings.skipped().count();
                outcome.sdk = Some(Ok(()));
                outcome.compiled = Some(compile_sdk(name));
            }
            Err(error) => outcome.sdk = Some(Err(error.to_string())),
        }
    }
    outcome
}

/// Compiles the document's SDK module as a user's build would and runs its
/// rows (one `Client` method per operation: `corpus-check/tests/methods.rs`;
/// its pages, event streams, files and forms against the mock:
/// `corpus-check/tests/streams.rs`; its webhooks sent by the mock and read
/// by the SDK: `corpus-check/tests/webhooks.rs`), with the seconds it took.
fn compile_sdk(name: &str) -> (Result<(), String>, f64) {
    let started = Instant::now();
    let output =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "test",
                "--quiet",
                "-p",
                "corpus-check",
                "--test",
                "methods",
                "--test",
                "streams",
                "--test",
                "webhooks",
            ])
            .env("CORPUS_CHECK", name)
            .current_dir(specs::repository_root())
            .output();
    let seconds = started.elapsed().as_secs_f64();
    let result = match output {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => {
            // The rows' own summary (`N of M rows failed:` and the first
            // failures) where a test says one, else the end of the build's errors.
            let stdout = String::from_utf8_lossy(&output.stdout);
            let lines: Vec<&str> = stdout.lines().collect();
            match lines.iter().position(|l| l.contains("rows failed:")) {
                Some(at) => Err(lines[at..(at + 4).min(lines.len())].join(" / ")),
                None => {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    let last: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
                    Err(last[last.len().saturating_sub(3)..].join(" / "))
                }
            }
        }
        Err(error) => Err(format!("cannot run cargo: {error}")),
    };
    (result, seconds)
}

/// Every operation under `paths` of `document`, as written there.
fn declared(document: &Value) -> BTreeSet<Row> {
    let paths = document.get("paths").and_then(Value::as_object);
    paths
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            HTTP_METHODS.iter().filter_map(move |method| {
                let operation = item.get(*method)?;
                let id = operation.get("operationId").and_then(Value::as_str);
                Some((
                    method.to_ascii_uppercase(),
                    path.clone(),
                    id.map(str::to_owned),
                ))
            })
        })
        .collect()
}

/// The provider in `dir`: its catalogue and the mock's data, checked
/// against its documents.
#[cfg(test)]
fn check(dir: &Path) -> Result<usize> {
    let provider = specs::load_provider(dir).context("load_provider")?;
    catalogue::check(dir, &provider).map_err(anyhow::Error::msg)?;
    let built = mock_model::build::provider(&provider);
    check_mock(&provider, built.provider, &built.findings)
}

/// The mock's `model` of `provider` (built with `mock_findings`), checked
/// against its documents: every operation they declare is built, unless
/// the spec library or the builder skipped it; the count of those
/// declared. The model, not the code `cargo xtask codegen` writes from it:
/// that writer is checked against the model by the mock's `two_ways`
/// tests, and writing and parsing the corpus's code took most of this
/// check's time.
fn check_mock(
    provider: &specs::Provider,
    model: &mock_model::model::Provider,
    mock_findings: &specs::Findings,
) -> Result<usize> {
    let generated: Vec<Row> = model
        .operations
        .iter()
        .map(|o| {
            (
                o.method.to_string(),
                o.path.to_string(),
                Some(o.operation_id.to_string()),
            )
        })
        .collect();
    let skipped: BTreeSet<(String, String)> = provider
        .findings
        .skipped()
        .chain(mock_findings.skipped())
        .filter_map(|f| f.operation.as_deref()?.split_once(' '))
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    let declared: BTreeSet<Row> = provider
        .documents
        .iter()
        .flat_map(|d| declared(&d.resolved))
        .filter(|(method, path, _)| !skipped.contains(&(method.clone(), path.clone())))
        .collect();
    let key = |(method, path, _): &Row| (method.clone(), path.clone());
    let generated_keys: BTreeSet<_> = generated.iter().map(key).collect();
    let declared_keys: BTreeSet<_> = declared.iter().map(key).collect();
    if generated.len() != declared.len() || generated_keys != declared_keys {
        bail!(
            "{} operations generated, {} declared; missing {:?}, extra {:?}",
            generated.len(),
            declared.len(),
            declared_keys
                .difference(&generated_keys)
                .collect::<Vec<_>>(),
            generated_keys
                .difference(&declared_keys)
                .collect::<Vec<_>>()
        );
    }
    for row in &generated {
        if row.2.as_deref().is_none_or(str::is_empty) {
            bail!("{} {} is generated without an operation_id", row.0, row.1);
        }
    }
    // Where the document names an operation, the mock serves it by that
    // name, unless the spec library renamed it (an id used twice).
    let renamed: BTreeSet<&str> = provider
        .findings
        .0
        .iter()
        .filter(|f| f.at.pointer.ends_with("/operationId"))
        .filter_map(|f| f.operation.as_deref())
        .collect();
    let generated: BTreeSet<Row> = generated.into_iter().collect();
    if let Some(row) = declared.iter().find(|row| {
        row.2.is_some()
            && !generated.contains(*row)
            && !renamed.contains(format!("{} {}", row.0, row.1).as_str())
    }) {
        bail!(
            "{} {} is declared as `{}` but generated under another operation_id",
            row.0,
            row.1,
            row.2.as_deref().unwrap_or_default()
        );
    }
    Ok(declared.len())
}

#[test]
fn every_corpus_operation_is_catalogued_and_generated() {
    test_support::corpus::check_every_document("operations catalogued and generated", |dir| {
        check(dir).map_err(|error| format!("{error:#}"))
    });
}
