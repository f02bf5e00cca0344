//! The contract suite: rows from the spec library's catalogue, run as
//! libtest-mimic trials by [`runner`] (`cargo test -p contract`).
//!
//! Against the in-process mock ([`rows`], one module per kind): `status`,
//! `request`, `auth`, `param`, `drift`, `routes`. Against real providers, or
//! any server `--base-url` names ([`live`], `cargo test -p contract --
//! --live`): the non-destructive rows only.
//!
//! Expectations are derived from the documents and HTTP (`test-support`),
//! independently of the generators, so a bug shared by the SDK and the mock
//! cannot hide.

pub mod junit;
pub mod live;
pub mod rows;
pub mod runner;
pub mod support;
