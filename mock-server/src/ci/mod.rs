//! What makes the mock a CI service beside answering: the request journal,
//! injected faults, the mock's own API under `/__mock/`, and CORS.

pub(crate) mod admin;
pub(crate) mod cors;
pub(crate) mod faults;
pub(crate) mod journal;
pub(crate) mod webhooks;
