//! The stages a request goes through, in order (`crate::server` runs them):
//! read (`request`, `limits`), route (`routes`), authenticate (`auth`),
//! validate (`validate`), follow the lifecycle (`state`), select
//! (`select`), stream events (`events`), size a file (`files`) or page a
//! list (`pages`), render (`render`); a stage that declines answers with a
//! `refusal::Refusal`.

pub(crate) mod auth;
pub(crate) mod events;
pub(crate) mod files;
pub(crate) mod limits;
pub(crate) mod multipart;
pub(crate) mod pages;
pub(crate) mod refusal;
pub(crate) mod render;
pub(crate) mod request;
pub(crate) mod routes;
pub(crate) mod select;
pub(crate) mod state;
pub(crate) mod validate;
