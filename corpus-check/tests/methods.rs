//! Every operation of every corpus document is a method of its generated
//! `Client` returning a builder with a typed `send()`, except those the SDK
//! generator skipped (each a finding).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::{ImplItem, Item, ReturnType, Type};

include!("../not_yet_compiled.rs");

fn corpus_dirs() -> Vec<(String, PathBuf)> {
    let mut dirs = specs::corpus_dirs().expect("specs/corpus/ is readable");
    dirs.retain(|(name, _)| selected(name));
    dirs
}

/// How many operations the SDK generates for the document in `dir`: the
/// spec library's catalogue (which `specs/tests/corpus.rs` checks against
/// the raw documents) less those the SDK generator skipped (`build.rs`
/// lists them).
fn expected(dir: &Path, name: &str) -> usize {
    let provider = specs::load_provider(dir).expect("build.rs loaded it");
    let skipped =
        std::fs::read_to_string(Path::new(env!("OUT_DIR")).join(format!("{name}.skipped")))
            .expect("build.rs lists the skipped operations");
    let skipped: BTreeSet<&str> = skipped.lines().collect();
    provider
        .operations
        .iter()
        .filter(|o| !skipped.contains(format!("{} {}", o.method, o.path).as_str()))
        .count()
}

/// The last path segment of a type, if it is a path.
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `Client` methods returning a `builder::X`, and the builders with a `send`.
fn methods_and_senders(file: &syn::File) -> (Vec<(String, String)>, BTreeSet<String>) {
    let mut methods = Vec::new();
    let mut senders = BTreeSet::new();
    for item in &file.items {
        let Item::Impl(block) = item else { continue };
        let Some(self_name) = type_name(&block.self_ty) else {
            continue;
        };
        let from_builder = matches!(&*block.self_ty, Type::Path(p)
            if p.path.segments.first().is_some_and(|s| s.ident == "builder"));
        for item in &block.items {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            if self_name == "Client" && block.trait_.is_none() {
                if let ReturnType::Type(_, ty) = &function.sig.output
                    && let Type::Path(path) = &**ty
                    && path.path.segments.len() == 2
                    && path.path.segments[0].ident == "builder"
                {
                    methods.push((
                        function.sig.ident.to_string(),
                        path.path.segments[1].ident.to_string(),
                    ));
                }
            } else if from_builder && function.sig.ident == "send" {
                senders.insert(self_name.clone());
            }
        }
    }
    (methods, senders)
}

#[test]
fn every_corpus_operation_is_a_generated_method_with_a_typed_send() {
    let dirs = corpus_dirs();
    assert!(
        !dirs.is_empty(),
        "CORPUS_CHECK selects no document of specs/corpus/"
    );
    let index = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/corpus.rs"))
        .expect("build.rs writes the index");
    let mut failures = Vec::new();
    for (name, dir) in &dirs {
        let path = Path::new(env!("OUT_DIR")).join(format!("{name}.rs"));
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = syn::parse_file(&source).expect("generated code parses");
        let (methods, senders) = methods_and_senders(&file);
        let expected = expected(dir, name);
        if methods.len() != expected {
            failures.push(format!(
                "{name}: {} client methods return a builder, the catalogue less the skipped holds {expected} operations",
                methods.len()
            ));
        }
        if let Some((method, builder)) = methods.iter().find(|(_, b)| !senders.contains(b)) {
            failures.push(format!(
                "{name}: `{method}`'s builder `{builder}` has no `send`"
            ));
        }
        // Included as its own module (`<name>_api` when the name is the
        // runtime's, as `webhooks`).
        let included = index.contains(&format!("/{name}.rs\")); }}"));
        let skipped = NOT_YET_COMPILED.iter().any(|(n, _)| *n == name);
        if included == skipped {
            failures.push(format!(
                "{name}: included in the crate: {included}, listed as not yet compiled: {skipped}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg(corpus_petstore)]
#[test]
fn the_generated_clients_are_usable_from_outside() {
    // A compiled corpus client builds like an `sdk` one.
    let client = corpus_check::petstore::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build();
    assert!(client.is_ok(), "{:?}", client.err());
}
