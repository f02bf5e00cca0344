//! The mock server's integration tests, one binary (each module was its own
//! test target; one binary links the crate once instead of ten times).

mod auth;
#[cfg(unix)]
mod binary;
mod ci_service;
// The small corpus documents' models, written by `cargo xtask codegen`.
mod corpus_models;
mod exactness;
mod forms;
mod http;
mod limits;
mod outside_tester;
mod properties;
mod proxy;
mod record_replay;
mod refusals;
mod selection;
mod spec;
mod streams;
mod two_ways;
mod webhooks;
