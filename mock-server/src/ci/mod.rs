//! What makes the mock a CI service beside answering: the request journal,
//! injected faults, the mock's own API under `/__mock/`, CORS, and the
//! webhooks and callbacks it sends.

pub(crate) mod admin;
pub(crate) mod callbacks;
pub(crate) mod cors;
pub(crate) mod faults;
pub(crate) mod journal;
pub(crate) mod webhooks;
