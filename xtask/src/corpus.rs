//! The mock generator on third-party documents (`specs/corpus/`): each
//! provider's generated file parses as Rust and holds one `Operation` for
//! every operation its documents declare, with their operationIds.
//!
//! Every document is tried and every failure reported by name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use syn::{Expr, Item, Lit};

use crate::codegen::provider_file;

/// The HTTP methods a path item can hold (OpenAPI 3.0 and 3.1).
const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `(method, path, operationId)` of one operation.
type Row = (String, String, Option<String>);

fn corpus_dirs() -> Result<Vec<PathBuf>> {
    let corpus = specs::repository_root().join("specs/corpus");
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(&corpus).with_context(|| corpus.display().to_string())? {
        let path = entry?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
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

/// The string value of field `name` of a struct literal.
fn string_field(fields: &syn::ExprStruct, name: &str) -> Option<String> {
    fields.fields.iter().find_map(|field| {
        let syn::Member::Named(member) = &field.member else {
            return None;
        };
        match &field.expr {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(text),
                ..
            }) if member == name => Some(text.value()),
            _ => None,
        }
    })
}

/// Collects every `Operation { .. }` literal inside `expr`.
fn collect_operations(expr: &Expr, rows: &mut Vec<Row>) {
    match expr {
        Expr::Struct(literal) => {
            if literal
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "Operation")
            {
                rows.push((
                    string_field(literal, "method").unwrap_or_default(),
                    string_field(literal, "path").unwrap_or_default(),
                    string_field(literal, "operation_id"),
                ));
            }
            for field in &literal.fields {
                collect_operations(&field.expr, rows);
            }
        }
        Expr::Reference(reference) => collect_operations(&reference.expr, rows),
        Expr::Array(array) => array.elems.iter().for_each(|e| collect_operations(e, rows)),
        Expr::Paren(inner) => collect_operations(&inner.expr, rows),
        _ => {}
    }
}

/// The mock's data for the provider in `dir`, checked against its documents.
fn check(dir: &Path) -> Result<usize> {
    let provider = specs::load_provider(dir).context("load_provider")?;
    let source = provider_file(&provider).context("provider_file")?;
    let file = syn::parse_file(&source).context("the generated file does not parse")?;
    let mut generated = Vec::new();
    for item in &file.items {
        if let Item::Static(item) = item {
            collect_operations(&item.expr, &mut generated);
        }
    }
    let declared: BTreeSet<Row> = provider
        .documents
        .iter()
        .flat_map(|d| declared(&d.verbatim))
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
    // Where the document names an operation, the mock serves it by that name.
    let generated: BTreeSet<Row> = generated.into_iter().collect();
    if let Some(row) = declared
        .iter()
        .find(|row| row.2.is_some() && !generated.contains(*row))
    {
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
fn mock_generator_covers_every_corpus_operation() {
    let dirs = corpus_dirs().expect("specs/corpus/ is readable");
    assert!(
        dirs.len() >= 4,
        "specs/corpus/ should hold at least four documents, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        match check(dir) {
            Ok(count) => eprintln!("corpus {name}: {count} operations generated"),
            Err(error) => failures.push(format!("corpus {name}: {error:#}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus documents fail in the mock generator:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
