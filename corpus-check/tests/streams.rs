//! Every paginated, event-stream, file, form and query-list operation of
//! every compiled corpus document, through its generated client's
//! `.pages()`, `.events()`, `.download()`, `.form()` and `.send()` (the
//! module's `dynamic::walk`/`listen`/`fetch`/`submit`/`call`), against the
//! mock serving that same document with `--spec`: pages reach the last with
//! every item once, streams end after the events asked for, each matching
//! its declared schema, files arrive whole, forms and query lists (repeated
//! names or joined, as each parameter's `style` and `explode` say) are
//! encoded so the mock's parser and checks accept them.
//! The checks are shared with the contract suite
//! (`test_support::sdk::check_walk`, `check_listened`, `check_fetched`,
//! `check_submitted`).

#![cfg(feature = "dynamic")]

use std::path::Path;

use mock_server::{Config, MockServer, Spec};
use test_support::sdk::{
    DOWNLOAD_BYTES, STREAM_EVENTS, WALK_ITEMS, check_fetched, check_listened, check_submitted,
    check_walk, connection, form_fields, walk_arguments,
};

include!("../not_yet_compiled.rs");

const KEY: &str = "corpus-key";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_event_streams_files_and_forms_of_the_corpus() {
    let mut failures = Vec::new();
    let (mut walked, mut listened, mut fetched, mut submitted, mut listed) = (0, 0, 0, 0, 0);
    let mut no_body = Vec::new();
    for (name, dir) in specs::corpus_dirs().expect("specs/corpus/ reads") {
        if !selected(&name) || NOT_YET_COMPILED.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let provider = specs::load_provider(&dir).expect("build.rs loaded it");
        // Operations the SDK generator left out (each a finding) have no method.
        let skipped =
            std::fs::read_to_string(Path::new(env!("OUT_DIR")).join(format!("{name}.skipped")))
                .expect("build.rs lists the skipped operations");
        let streamed = |o: &specs::Operation| {
            o.responses
                .iter()
                .any(|r| r.status.is_success() && r.events.is_some())
        };
        let file = |o: &specs::Operation| {
            o.responses.iter().any(|r| {
                r.status.is_success()
                    && r.body
                        .as_ref()
                        .is_some_and(|b| specs::is_download(&b.media_type))
            })
        };
        // A form body the SDK sends through `.form()` (its generator's rule:
        // no JSON media type beside it, or several media types).
        let form = |o: &specs::Operation| {
            o.request_body.as_ref().is_some_and(|b| {
                let forms = ["multipart/form-data", "application/x-www-form-urlencoded"];
                (b.content.len() > 1 || !b.content.iter().any(|c| specs::is_json(&c.media_type)))
                    && b.content
                        .iter()
                        .any(|c| forms.iter().any(|f| c.media_type.eq_ignore_ascii_case(f)))
            })
        };
        let lists = |o: &specs::Operation| {
            o.parameters
                .iter()
                .any(|p| p.location == specs::ParameterLocation::Query && p.list.is_some())
        };
        if !provider
            .operations
            .iter()
            .any(|o| o.pagination.is_some() || streamed(o) || file(o) || form(o) || lists(o))
        {
            continue;
        }
        let config = Config::serving([Spec::named(name.as_str(), dir.clone())]);
        let mock = MockServer::start(config)
            .await
            .unwrap_or_else(|e| panic!("{name}: the mock does not start: {e}"));
        let base = mock.base_url(&name).expect("the mock serves it");
        for operation in &provider.operations {
            if skipped
                .lines()
                .any(|line| line == format!("{} {}", operation.method, operation.path))
            {
                continue;
            }
            let document = &provider.documents[operation.document];
            let row = format!("{name} {}", operation.operation_id);
            if operation.pagination.is_some() {
                walked += 1;
                let (arguments, pages) = walk_arguments(document, operation);
                let prefer = ("Prefer".to_string(), format!("items={WALK_ITEMS}"));
                let connection = connection(&provider, &base, Some(KEY), vec![prefer]);
                let walk = Box::pin(corpus_check::walk(
                    &name,
                    &connection,
                    &operation.operation_id,
                    &arguments,
                    WALK_ITEMS + 2,
                ))
                .await;
                match walk
                    .map_err(|e| e.to_string())
                    .and_then(|w| check_walk(&w, pages))
                {
                    Ok(()) => {}
                    Err(why) => failures.push(format!("pages {row}: {why}")),
                }
            }
            if streamed(operation) {
                listened += 1;
                let prefer = ("Prefer".to_string(), format!("events={STREAM_EVENTS}"));
                let connection = connection(&provider, &base, Some(KEY), vec![prefer]);
                let arguments = test_support::valid_arguments(document, operation);
                // A form body goes through the form builder's `.events()`.
                let events = if form(operation) {
                    let (media_type, body) = test_support::form_body(&provider, operation)
                        .unwrap_or_else(|e| panic!("{row}: {e}"))
                        .unwrap_or_else(|| panic!("{row}: the operation has a form body"));
                    let fields = form_fields(&provider, operation, &media_type, &body);
                    Box::pin(corpus_check::listen_form(
                        &name,
                        &connection,
                        &operation.operation_id,
                        &arguments,
                        &fields,
                        STREAM_EVENTS * 2,
                    ))
                    .await
                } else {
                    let body = test_support::request_body(&provider, operation)
                        .unwrap_or_else(|e| panic!("{row}: {e}"));
                    Box::pin(corpus_check::listen(
                        &name,
                        &connection,
                        &operation.operation_id,
                        &arguments,
                        body.as_ref(),
                        STREAM_EVENTS * 2,
                    ))
                    .await
                };
                match events
                    .map_err(|e| e.to_string())
                    .and_then(|l| check_listened(&l, document, operation))
                {
                    Ok(()) => {}
                    Err(why) => failures.push(format!("events {row}: {why}")),
                }
            }
            if file(operation) {
                fetched += 1;
                let prefer = ("Prefer".to_string(), format!("size={DOWNLOAD_BYTES}"));
                let connection = connection(&provider, &base, Some(KEY), vec![prefer]);
                let body = test_support::request_body(&provider, operation)
                    .unwrap_or_else(|e| panic!("{row}: {e}"));
                let download = Box::pin(corpus_check::fetch(
                    &name,
                    &connection,
                    &operation.operation_id,
                    &test_support::valid_arguments(document, operation),
                    body.as_ref(),
                    DOWNLOAD_BYTES * 2,
                ))
                .await;
                match download
                    .map_err(|e| e.to_string())
                    .and_then(|f| check_fetched(&f, operation))
                {
                    Ok(()) => {}
                    Err(why) => failures.push(format!("download {row}: {why}")),
                }
            }
            if lists(operation) && !form(operation) {
                listed += 1;
                let connection = connection(&provider, &base, Some(KEY), Vec::new());
                // Every query list, the optional ones too, with two items
                // where it takes two: one reads the same in every style.
                let mut arguments = test_support::valid_arguments(document, operation);
                for parameter in &operation.parameters {
                    if parameter.location == specs::ParameterLocation::Query
                        && parameter.list.is_some()
                    {
                        let value = test_support::valid_value(document, &parameter.schema);
                        arguments.insert(parameter.name.clone(), value);
                    }
                }
                let body = test_support::request_body(&provider, operation)
                    .unwrap_or_else(|e| panic!("{row}: {e}"));
                let outcome = Box::pin(corpus_check::call(
                    &name,
                    &connection,
                    &operation.operation_id,
                    &arguments,
                    body.as_ref(),
                ))
                .await;
                match outcome
                    .map_err(|e| e.to_string())
                    .and_then(|o| check_submitted(&o))
                {
                    Ok(()) => {}
                    Err(why) => failures.push(format!("lists {row} {arguments:?}: {why}")),
                }
            }
            if form(operation) {
                submitted += 1;
                let connection = connection(&provider, &base, Some(KEY), Vec::new());
                // The test's body generator cannot always satisfy a document
                // (a `oneOf` whose branches overlap): said, not failed.
                let (media_type, body) = match test_support::form_body(&provider, operation) {
                    Ok(Some(found)) => found,
                    Ok(None) => panic!("{row}: the operation has a form body"),
                    Err(error) => {
                        submitted -= 1;
                        no_body.push(format!("{row}: {error}"));
                        continue;
                    }
                };
                let fields = form_fields(&provider, operation, &media_type, &body);
                let outcome = Box::pin(corpus_check::submit(
                    &name,
                    &connection,
                    &operation.operation_id,
                    &test_support::valid_arguments(document, operation),
                    &fields,
                ))
                .await;
                match outcome
                    .map_err(|e| e.to_string())
                    .and_then(|o| check_submitted(&o))
                {
                    Ok(()) => {}
                    Err(why) => failures.push(format!("form {row} ({media_type}): {why}")),
                }
            }
        }
    }
    eprintln!(
        "{walked} paginated, {listened} event-stream, {fetched} file, {submitted} form and {listed} query-list operations"
    );
    if !no_body.is_empty() {
        eprintln!(
            "{} form operations not sent: no valid body generated:\n{}",
            no_body.len(),
            no_body.join("\n")
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        walked + listened + fetched + submitted + listed,
        failures.join("\n")
    );
}
