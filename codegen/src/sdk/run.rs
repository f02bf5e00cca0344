//! Running progenitor on a document, with its errors and panics as values.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::{Arc, Mutex, PoisonError};

use proc_macro2::TokenStream;
use serde_json::Value;

/// Why progenitor produced no code for a document. None of these says where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The document does not deserialise into `openapiv3::OpenAPI`.
    Model(String),
    /// progenitor (or typify) returned an error.
    Error(String),
    /// progenitor (or typify) panicked: the message and where in its source.
    Panic(String),
}

/// The settings `sdk` generates with.
fn settings() -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        // Every type publishes its JSON Schema, so tests can check it against the documents.
        .with_derive("schemars::JsonSchema")
        // Retry policy, timeouts and credentials travel with the client (progenitor's "inner" value).
        .with_inner_type(quote::quote!(crate::Settings))
        // The typed layer writes the `pre` hook that adds the credential to each request.
        .with_hooks(progenitor::HooksMode::Expected);
    settings
}

/// progenitor's client for `document` (an OpenAPI 3.0 document as JSON).
pub fn progenitor(document: &Value) -> Result<TokenStream, Failure> {
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(document.clone()).map_err(|e| Failure::Model(e.to_string()))?;
    let settings = settings();
    match quietly(|| progenitor::Generator::new(&settings).generate_tokens(&spec)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(Failure::Error(error.to_string())),
        Err(message) => Err(Failure::Panic(message)),
    }
}

/// One generation at a time swaps the process's panic hook.
static HOOK: Mutex<()> = Mutex::new(());

thread_local! {
    /// Where the last panic on this thread happened, recorded by the quiet hook.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Runs `f`, turning a panic into its message. The panic hook is silenced
/// for this thread while `f` runs (other threads' panics still reach the
/// previous hook) and restored afterwards.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let _one_at_a_time = HOOK.lock().unwrap_or_else(PoisonError::into_inner);
    let previous: Arc<Hook> = Arc::new(panic::take_hook());
    let forward = Arc::clone(&previous);
    let this_thread = std::thread::current().id();
    panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == this_thread {
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()));
            PANIC_AT.with(|cell| *cell.borrow_mut() = at);
        } else {
            forward(info);
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    // Dropping the quiet hook releases `forward`, so `previous` is ours alone again.
    drop(panic::take_hook());
    match Arc::try_unwrap(previous) {
        Ok(hook) => panic::set_hook(hook),
        Err(shared) => panic::set_hook(Box::new(move |info| shared(info))),
    }
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        match PANIC_AT.with(|cell| cell.borrow_mut().take()) {
            Some(at) => format!("{message} (at {at})"),
            None => message,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_panic_becomes_its_message_and_the_hook_comes_back() {
        let message = quietly(|| -> u8 { panic!("deliberately, {}", 42) }).unwrap_err();
        assert!(message.starts_with("deliberately, 42 (at "), "{message}");
        assert!(message.contains("run.rs"), "{message}");
        assert_eq!(quietly(|| 7), Ok(7));
        // The hook in place again: a caught panic elsewhere still reaches a hook
        // that is not the quiet one (which would have recorded it for `quietly`).
        let caught = std::panic::catch_unwind(|| panic!("outside"));
        assert!(caught.is_err());
        assert_eq!(PANIC_AT.with(|cell| cell.borrow().clone()), None);
    }

    #[test]
    fn a_document_progenitor_cannot_read_is_a_model_failure() {
        let failure = progenitor(&json!({"openapi": "3.0.3"})).unwrap_err();
        assert!(matches!(failure, Failure::Model(_)), "{failure:?}");
    }
}
