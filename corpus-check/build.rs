//! Generates one module per third-party document in `specs/corpus/` with
//! `codegen::sdk`, exactly as `sdk/build.rs` does for `specs/providers/`, so that
//! compiling this crate compile-checks the generator's output on documents
//! nobody here wrote. Every directory is tried; each failure (a spec library
//! refusal, a located generator error, a panic) is one
//! `cargo::error=corpus <name>: <message>` line, then the build fails.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

include!("not_yet_compiled.rs");

/// The modules of `sdk::__private` generated code names through `crate::`.
const RUNTIME_MODULES: &[&str] = &["auth", "dynamic", "events", "forms", "pages", "webhooks"];

fn main() {
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        fail(&["OUT_DIR is not set (run through cargo)".into()]);
    };
    let corpus = specs::repository_root().join("specs/corpus");
    println!("cargo::rerun-if-changed={}", corpus.display());
    println!("cargo::rerun-if-env-changed=CORPUS_CHECK");
    // Whether the petstore module (the tests' sample), tgi's (the resumed
    // event stream's) and frigate's (the upload example's) are compiled.
    for sample in ["petstore", "tgi", "frigate"] {
        println!("cargo::rustc-check-cfg=cfg(corpus_{sample})");
        if selected(sample) {
            println!("cargo::rustc-cfg=corpus_{sample}");
        }
    }
    let dirs = match specs::corpus_dirs() {
        Ok(dirs) => dirs,
        Err(error) => fail(&[format!("corpus: cannot read {}: {error}", corpus.display())]),
    };
    let dirs: Vec<(String, PathBuf)> = dirs
        .into_iter()
        .filter(|(name, _)| selected(name))
        .collect();

    let mut index = String::new();
    let mut compiled = Vec::new();
    let mut with_webhooks = Vec::new();
    let mut failures = Vec::new();
    for (name, dir) in &dirs {
        println!("cargo::rerun-if-changed={}", dir.display());
        match generate(dir) {
            Ok((module, code, skipped, webhooks)) => {
                // A document named as a module of the runtime (`webhooks`)
                // would shadow it: generated code names it `crate::webhooks`.
                let module = if RUNTIME_MODULES.contains(&module.as_str()) {
                    format!("{module}_api")
                } else {
                    module
                };
                // Files are named after the document (the tests read them by name).
                let file = format!("{name}.rs");
                let written = write_if_changed(&out_dir.join(&file), &code).and_then(|()| {
                    write_if_changed(&out_dir.join(format!("{name}.skipped")), &skipped)
                });
                if let Err(error) = written {
                    failures.push(format!("corpus {name}: {error}"));
                }
                if let Some((_, why)) = NOT_YET_COMPILED.iter().find(|(n, _)| *n == name) {
                    println!("cargo::warning=corpus {name}: generated, not compiled: {why}");
                    continue;
                }
                writeln!(
                    index,
                    // Upstream descriptions become doc comments verbatim, as in `sdk`.
                    "#[doc = \"Generated from `specs/corpus/{name}`.\"]\n#[allow(missing_docs, dead_code, unused_imports, unused_mut, clippy::all, rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags, rustdoc::invalid_rust_codeblocks)]\npub mod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{file}\")); }}"
                )
                .expect("writing to a String");
                if webhooks {
                    with_webhooks.push((name.to_string(), module.clone()));
                }
                compiled.push((name.to_string(), module));
            }
            Err(message) => failures.push(format!("corpus {name}: {message}")),
        }
    }
    if !failures.is_empty() {
        fail(&failures);
    }
    index.push_str(&dispatch(&compiled));
    index.push_str(&webhook_dispatch(&with_webhooks));
    if let Err(error) = write_if_changed(&out_dir.join("corpus.rs"), &index) {
        fail(&[format!("corpus: {error}")]);
    }
}

/// The provider's module name, generated source and the operations the SDK
/// generator skipped. A panic anywhere in
/// the spec library or the generator is a message too.
fn generate(dir: &Path) -> Result<(String, String, String, bool), String> {
    let attempt = panic::catch_unwind(AssertUnwindSafe(|| {
        let provider = specs::load_provider(dir).map_err(|e| e.to_string())?;
        let generated = codegen::sdk::generate(&provider).map_err(|e| e.to_string())?;
        // The catalogue's operations the SDK left out, one `METHOD /path` a
        // line, for the tests' count of methods.
        let skipped: String = generated
            .findings
            .skipped()
            .filter_map(|f| f.operation.as_deref())
            .map(|operation| format!("{operation}\n"))
            .collect();
        Ok((
            provider.name,
            generated.code,
            skipped,
            !provider.webhooks.is_empty(),
        ))
    }));
    attempt.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        Err(format!("panicked: {message}"))
    })
}

/// `walk`, `listen`, `listen_form`, `fetch` and `submit` by document name,
/// over each compiled module's `dynamic` dispatcher: the corpus's
/// call, pagination, event-stream, file and form rows.
fn dispatch(compiled: &[(String, String)]) -> String {
    let arms = |call: &str| {
        compiled
            .iter()
            .map(|(name, module)| {
                format!(
                    "        \"{name}\" => {{ let client: {module}::Client = connection.client()?; {module}::dynamic::{call}.await }}\n"
                )
            })
            .collect::<String>()
    };
    format!(
        r#"
/// Calls `operation_id` of the corpus document `name` (its module's `dynamic::call`).
#[cfg(feature = "dynamic")]
pub async fn call(name: &str, connection: &sdk::dynamic::Connection, operation_id: &str, arguments: &sdk::dynamic::Arguments, body: Option<&serde_json::Value>) -> Result<sdk::dynamic::Outcome, sdk::dynamic::CallError> {{
    let _ = (connection, operation_id, arguments, body);
    match name {{
{calls}        _ => Err(sdk::dynamic::CallError::UnknownProvider(name.to_string())),
    }}
}}

/// Walks the pages of `operation_id` of the corpus document `name` (its module's `dynamic::walk`).
#[cfg(feature = "dynamic")]
pub async fn walk(name: &str, connection: &sdk::dynamic::Connection, operation_id: &str, arguments: &sdk::dynamic::Arguments, max_pages: usize) -> Result<sdk::dynamic::Walk, sdk::dynamic::CallError> {{
    let _ = (connection, operation_id, arguments, max_pages);
    match name {{
{walks}        _ => Err(sdk::dynamic::CallError::UnknownProvider(name.to_string())),
    }}
}}

/// Downloads the file `operation_id` of the corpus document `name` answers (its module's `dynamic::fetch`).
#[cfg(feature = "dynamic")]
pub async fn fetch(name: &str, connection: &sdk::dynamic::Connection, operation_id: &str, arguments: &sdk::dynamic::Arguments, body: Option<&serde_json::Value>, limit: u64) -> Result<sdk::dynamic::Fetched, sdk::dynamic::CallError> {{
    let _ = (connection, operation_id, arguments, body, limit);
    match name {{
{fetches}        _ => Err(sdk::dynamic::CallError::UnknownProvider(name.to_string())),
    }}
}}

/// Sends the form body of `operation_id` of the corpus document `name` (its module's `dynamic::submit`).
#[cfg(feature = "dynamic")]
pub async fn submit(name: &str, connection: &sdk::dynamic::Connection, operation_id: &str, arguments: &sdk::dynamic::Arguments, fields: &[(String, sdk::forms::Field)]) -> Result<sdk::dynamic::Outcome, sdk::dynamic::CallError> {{
    let _ = (connection, operation_id, arguments, fields);
    match name {{
{submits}        _ => Err(sdk::dynamic::CallError::UnknownProvider(name.to_string())),
    }}
}}

/// Reads the events of `operation_id` of the corpus document `name`, sending its form `fields` (its module's `dynamic::listen_form`).
#[cfg(feature = "dynamic")]
pub async fn listen_form(name: &str, connection: &sdk::dynamic::Connection, operation_id: &str, arguments: &sdk::dynamic::Arguments, fields: &[(String, sdk::forms::Field)], max_events: usize) -> Result<sdk::dynamic::Listened, sdk::dynamic::CallError> {{
    let _ = (connection, operation_id, arguments, fields, max_events);
    match name {{
{listen_forms}        _ => Err(sdk::dynamic::CallError::UnknownProvider(name.to_string())),
    }}
}}

/// Reads the events of `operation_id` of the corpus document `name` (its module's `dynamic::listen`).
#[cfg(feature = "dynamic")]
pub async fn listen(name: &str, connection: &sdk::dynamic::Connection, operation_id: &str, arguments: &sdk::dynamic::Arguments, body: Option<&serde_json::Value>, max_events: usize) -> Result<sdk::dynamic::Listened, sdk::dynamic::CallError> {{
    let _ = (connection, operation_id, arguments, body, max_events);
    match name {{
{listens}        _ => Err(sdk::dynamic::CallError::UnknownProvider(name.to_string())),
    }}
}}
"#,
        calls = arms("call(&client, operation_id, arguments, body)"),
        walks = arms("walk(&client, operation_id, arguments, max_pages)"),
        listens = arms("listen(&client, operation_id, arguments, body, max_events)"),
        fetches = arms("fetch(&client, operation_id, arguments, body, limit)"),
        submits = arms("submit(&client, operation_id, arguments, fields)"),
        listen_forms = arms("listen_form(&client, operation_id, arguments, fields, max_events)"),
    )
}

/// `parse_webhook` by document name, over each compiled module's
/// `webhooks::parse_named`: the corpus's webhook rows.
fn webhook_dispatch(with_webhooks: &[(String, String)]) -> String {
    let arms: String = with_webhooks
        .iter()
        .map(|(name, module)| {
            format!(
                "        \"{name}\" => Some({module}::webhooks::parse_named(verifier, webhook, headers, body).map(|delivery| delivery.payload.name())),\n"
            )
        })
        .collect();
    let names: String = with_webhooks
        .iter()
        .map(|(name, _)| format!("\"{name}\", "))
        .collect();
    format!(
        r#"
/// The compiled corpus documents that declare webhooks or callbacks.
pub const WITH_WEBHOOKS: &[&str] = &[{names}];

/// Verifies and reads a delivery of `webhook` of the corpus document `name`
/// (its module's `webhooks::parse_named`): the payload's webhook name; `None`
/// when the document declares no webhooks.
pub fn parse_webhook(name: &str, verifier: &sdk::webhooks::Verifier, webhook: &str, headers: &reqwest::header::HeaderMap, body: &[u8]) -> Option<Result<&'static str, sdk::webhooks::WebhookError>> {{
    let _ = (verifier, webhook, headers, body);
    match name {{
{arms}        _ => None,
    }}
}}
"#
    )
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Reports each failure on one line and stops the build.
fn fail(failures: &[String]) -> ! {
    for failure in failures {
        let line = failure.replace(['\r', '\n'], " ");
        eprintln!("error: {line}");
        println!("cargo::error={line}");
    }
    std::process::exit(1);
}
