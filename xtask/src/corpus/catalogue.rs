//! The spec library's side of the corpus test: each document loads as a
//! provider whose catalogue lists exactly the operations the document
//! declares, and whose normalised 3.0 document holds every one of them.
//!
//! The expectations are read from the raw documents here, on their own,
//! not from the catalogue or the bundled documents. (This lives beside the
//! mock generator's check, not in `specs`' tests, so that `specs` has no
//! dev-dependency on `test-support`: that cycle made every workspace build
//! compile the SDK's build script with `specs/check` and `cargo doc` build
//! it a second time without.)

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::HTTP_METHODS;

/// One operation as the raw document declares it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Declared {
    method: String,
    path: String,
    operation_id: Option<String>,
}

/// Every operation under `paths` of every document the manifest lists.
fn declared_operations(dir: &Path) -> Result<BTreeSet<Declared>, String> {
    let manifest =
        specs::read_document(&dir.join("provider.yaml")).map_err(|e| format!("manifest: {e}"))?;
    let documents = manifest
        .get("documents")
        .and_then(Value::as_array)
        .ok_or("manifest: no `documents` list")?;
    let mut declared = BTreeSet::new();
    for file in documents {
        let file = file
            .as_str()
            .ok_or("manifest: a document that is not a string")?;
        let root = dir.join(file);
        let document = read(&root).map_err(|e| format!("{file}: {e}"))?;
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            let item = &path_item(&root, item)?;
            for method in HTTP_METHODS {
                if let Some(operation) = item.get(method) {
                    declared.insert(Declared {
                        method: method.to_ascii_uppercase(),
                        path: path.clone(),
                        operation_id: operation
                            .get("operationId")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    });
                }
            }
        }
    }
    Ok(declared)
}

/// A document as YAML 1.1 parsers (PyYAML) read it: a line holding only a
/// flow collection's closing bracket may sit as far left as its key.
fn read(path: &Path) -> Result<Value, String> {
    specs::read_document(path).or_else(|first| {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let indented: String = text
            .lines()
            .map(|line| match line.trim() {
                "]" | "}" | "]," | "}," => format!("  {line}\n"),
                _ => format!("{line}\n"),
            })
            .collect();
        specs::parse_document(path, &indented).map_err(|_| first.to_string())
    })
}

/// A path item, or the one a split document's `$ref` names in another file
/// (`paths/pets.yaml`, `common.yaml#/pets`), read here on its own.
fn path_item(root: &Path, item: &Value) -> Result<Value, String> {
    let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
        return Ok(item.clone());
    };
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if file.is_empty() {
        return Ok(item.clone());
    }
    let path = root.parent().unwrap_or(Path::new("")).join(file);
    let document = read(&path).map_err(|e| format!("{reference}: {e}"))?;
    let unescaped = fragment.replace("%7B", "{").replace("%7D", "}");
    document
        .pointer(&unescaped)
        .cloned()
        .ok_or_else(|| format!("{reference}: points at nothing"))
}

/// What is wrong with `provider`, loaded from `dir`, if anything.
pub(super) fn check(dir: &Path, provider: &specs::Provider) -> Result<(), String> {
    // Operations the spec library skipped are named in its findings, and
    // those whose operationId it renamed (one id used twice) too.
    let named = |pointer_end: Option<&str>, outcome| -> BTreeSet<String> {
        provider
            .findings
            .0
            .iter()
            .filter(|f| f.outcome == outcome)
            .filter(|f| pointer_end.is_none_or(|end| f.at.pointer.ends_with(end)))
            .filter_map(|f| f.operation.clone())
            .collect()
    };
    let skipped = named(None, specs::Outcome::Skipped);
    let renamed = named(Some("/operationId"), specs::Outcome::Repaired);
    let operation = |d: &Declared| format!("{} {}", d.method, d.path);
    let declared: BTreeSet<Declared> = declared_operations(dir)?
        .into_iter()
        .filter(|d| !skipped.contains(&operation(d)))
        .collect();

    let listed: BTreeSet<Declared> = provider
        .operations
        .iter()
        .map(|o| Declared {
            method: o.method.clone(),
            path: o.path.clone(),
            operation_id: Some(o.operation_id.clone()),
        })
        .collect();
    let key = |d: &Declared| (d.method.clone(), d.path.clone());
    let declared_keys: BTreeSet<_> = declared.iter().map(key).collect();
    let listed_keys: BTreeSet<_> = listed.iter().map(key).collect();
    if provider.operations.len() != declared.len() || declared_keys != listed_keys {
        return Err(format!(
            "the catalogue lists {} operations, the document declares {}; missing {:?}, extra {:?}",
            provider.operations.len(),
            declared.len(),
            declared_keys.difference(&listed_keys).collect::<Vec<_>>(),
            listed_keys.difference(&declared_keys).collect::<Vec<_>>(),
        ));
    }
    // Where the document names an operation, the catalogue keeps that name.
    for wanted in declared
        .iter()
        .filter(|d| d.operation_id.is_some() && !renamed.contains(&operation(d)))
    {
        if !listed.contains(wanted) {
            return Err(format!(
                "{} {} is declared as `{}` but catalogued under another operationId",
                wanted.method,
                wanted.path,
                wanted.operation_id.as_deref().unwrap_or_default()
            ));
        }
    }

    let version = provider
        .normalised
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("3.0.") {
        return Err(format!(
            "the normalised document is OpenAPI `{version}`, not 3.0.x"
        ));
    }
    for Declared { method, path, .. } in &declared {
        let pointer = specs::pointer::join(
            &specs::pointer::join("/paths", path),
            &method.to_ascii_lowercase(),
        );
        if provider.normalised.pointer(&pointer).is_none() {
            return Err(format!(
                "the normalised document lacks {method} {path} ({pointer})"
            ));
        }
    }
    provider
        .openapi()
        .map_err(|e| format!("normalised document: {e}"))?;
    Ok(())
}
