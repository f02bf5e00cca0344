//! The generators, from the spec library's [`specs::Provider`]:
//!
//! - [`sdk`]: the SDK's module for one provider, through progenitor plus a
//!   typed layer, at build time (`sdk/build.rs`);
//! - [`mock`] (feature `mock`): the mock server's model of one provider
//!   (built by `mock-model`) written out as static data, checked in by `cargo xtask codegen`.
//!
//! Both degrade instead of refusing: what cannot be generated is left out
//! as a located finding (`specs::Findings`).

#[cfg(feature = "mock")]
pub mod mock;
pub mod sdk;
