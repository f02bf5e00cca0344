//! The mock server's model of an API ([`model`]), the one builder that
//! makes it from the spec library's catalogue ([`build`]), and the
//! evaluator of its schemas ([`evaluate`], reporting [`problem::Problem`]s).
//!
//! Two ways in, one model: `mock-server --spec FILE` builds it at start-up;
//! `cargo xtask codegen` builds it once and writes it out as the static
//! data checked in under `mock-server/src/generated/` (a serialiser, in
//! `codegen::mock`). Both serve the same answers because they are the same
//! values.
//!
//! Everything the builder makes lives for the rest of the process (leaked
//! on purpose): the runtime's model is `&'static` data either way.

pub mod build;
pub mod evaluate;
pub mod model;
pub mod pages;
pub mod problem;
